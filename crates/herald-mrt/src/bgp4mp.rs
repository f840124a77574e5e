//! BGP4MP and BGP4MP_ET message records (RFC 6396 §4.4, RFC 8050 §3).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Peer AS Number (2 or 4)   |  Local AS Number (2 or 4)     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        Interface Index        |        Address Family         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |             Peer IP Address (variable)                        |
//! |             Local IP Address (variable)                       |
//! |                    BGP Message... (variable)
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use crate::cursor::{Bad, Cursor};
use crate::{MrtMessage, Source};

/// BGP4MP subtypes (RFC 6396 §4.4, RFC 8050 §3).
pub(crate) mod subtype {
    /// 0: BGP4MP_STATE_CHANGE.
    pub(crate) const STATE_CHANGE: u16 = 0;
    /// 1: BGP4MP_MESSAGE.
    pub(crate) const MESSAGE: u16 = 1;
    /// 4: BGP4MP_MESSAGE_AS4.
    pub(crate) const MESSAGE_AS4: u16 = 4;
    /// 5: BGP4MP_STATE_CHANGE_AS4.
    pub(crate) const STATE_CHANGE_AS4: u16 = 5;
    /// 6: BGP4MP_MESSAGE_LOCAL.
    pub(crate) const MESSAGE_LOCAL: u16 = 6;
    /// 7: BGP4MP_MESSAGE_AS4_LOCAL.
    pub(crate) const MESSAGE_AS4_LOCAL: u16 = 7;
    /// 8: BGP4MP_MESSAGE_ADDPATH (RFC 8050).
    pub(crate) const MESSAGE_ADDPATH: u16 = 8;
    /// 9: BGP4MP_MESSAGE_AS4_ADDPATH (RFC 8050).
    pub(crate) const MESSAGE_AS4_ADDPATH: u16 = 9;
    /// 10: BGP4MP_MESSAGE_LOCAL_ADDPATH (RFC 8050).
    pub(crate) const MESSAGE_LOCAL_ADDPATH: u16 = 10;
    /// 11: BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH (RFC 8050).
    pub(crate) const MESSAGE_AS4_LOCAL_ADDPATH: u16 = 11;
}

/// What one BGP4MP record turned out to be.
#[derive(Debug)]
pub(crate) enum Bgp4mp {
    /// A BGP message.
    Message(Box<MrtMessage>),
    /// A state change (skipped).
    StateChange,
    /// A subtype this crate does not read.
    Unknown,
}

/// The flags a message subtype implies: (4-octet AS, sent by local, ADD-PATH).
fn message_kind(sub: u16) -> Option<(bool, bool, bool)> {
    use subtype::*;
    Some(match sub {
        MESSAGE => (false, false, false),
        MESSAGE_AS4 => (true, false, false),
        MESSAGE_LOCAL => (false, true, false),
        MESSAGE_AS4_LOCAL => (true, true, false),
        MESSAGE_ADDPATH => (false, false, true),
        MESSAGE_AS4_ADDPATH => (true, false, true),
        MESSAGE_LOCAL_ADDPATH => (false, true, true),
        MESSAGE_AS4_LOCAL_ADDPATH => (true, true, true),
        _ => return None,
    })
}

/// Parse one BGP4MP record body (after the microsecond field of BGP4MP_ET).
pub(crate) fn parse(
    sub: u16,
    body: &[u8],
    timestamp: u32,
    microseconds: u32,
    offset: u64,
) -> Result<Bgp4mp, Bad> {
    if matches!(sub, subtype::STATE_CHANGE | subtype::STATE_CHANGE_AS4) {
        return Ok(Bgp4mp::StateChange);
    }
    let Some((asn4, sent_by_local, add_path)) = message_kind(sub) else {
        return Ok(Bgp4mp::Unknown);
    };
    let mut c = Cursor::new(body);
    let (peer_as, local_as) = if asn4 {
        (c.u32("peer AS")?, c.u32("local AS")?)
    } else {
        (u32::from(c.u16("peer AS")?), u32::from(c.u16("local AS")?))
    };
    let _ifindex = c.u16("interface index")?;
    let v6 = match c.u16("address family")? {
        1 => false,
        2 => true,
        afi => {
            return Err(Bad::Invalid(format!(
                "address family {afi} is neither 1 nor 2"
            )))
        }
    };
    let peer_ip = c.ip(v6, "peer IP address")?;
    let local_ip = c.ip(v6, "local IP address")?;
    let message = c.rest();
    if message.is_empty() {
        return Err(Bad::Short("BGP message"));
    }
    Ok(Bgp4mp::Message(Box::new(MrtMessage {
        timestamp,
        microseconds,
        peer_as,
        local_as,
        peer_ip,
        local_ip,
        asn4,
        add_path,
        sent_by_local,
        source: Source::Bgp4mp,
        offset,
        message: message.to_vec(),
    })))
}
