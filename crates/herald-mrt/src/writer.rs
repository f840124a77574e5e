//! Writing MRT records (RFC 6396, RFC 8050): BGP4MP_ET messages and state changes, and the
//! TABLE_DUMP_V2 PEER_INDEX_TABLE and RIB records. Each function appends one whole record
//! (common header included) to a buffer; where the bytes go is the caller's business.
//!
//! Lengths that do not fit their field (a record over 4 GiB, a view name over 64 KiB, more than
//! 65,535 peers or RIB entries, an attribute block over 64 KiB) are refused with
//! [`WriteError`] and nothing is appended.

use std::net::{IpAddr, Ipv4Addr};

use crate::bgp4mp::subtype as b4;
use crate::record_type;
use crate::table_dump::subtype as td;

/// A record that cannot be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("MRT record not written: {0}")]
pub struct WriteError(pub &'static str);

/// The two ends of a BGP session, as BGP4MP records name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    /// The peer's AS.
    pub peer_as: u32,
    /// Our AS.
    pub local_as: u32,
    /// The peer's address.
    pub peer_ip: IpAddr,
    /// Our address on the session (of the peer's family; an IPv4 peer's unspecified local
    /// address is 0.0.0.0).
    pub local_ip: IpAddr,
}

/// A time as MRT records it: seconds since the epoch and microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Timestamp {
    /// Seconds since 1970-01-01 UTC.
    pub seconds: u32,
    /// Microseconds within the second (BGP4MP_ET only).
    pub microseconds: u32,
}

/// BGP FSM states as BGP4MP_STATE_CHANGE numbers them (RFC 6396 §4.4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
pub enum FsmState {
    /// 1
    Idle = 1,
    /// 2
    Connect = 2,
    /// 3
    Active = 3,
    /// 4
    OpenSent = 4,
    /// 5
    OpenConfirm = 5,
    /// 6
    Established = 6,
}

fn header(
    out: &mut Vec<u8>,
    ts: Timestamp,
    kind: u16,
    sub: u16,
    len: usize,
) -> Result<(), WriteError> {
    let len = u32::try_from(len).map_err(|_| WriteError("record longer than 4 GiB"))?;
    out.extend_from_slice(&ts.seconds.to_be_bytes());
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&sub.to_be_bytes());
    out.extend_from_slice(&len.to_be_bytes());
    Ok(())
}

fn ip(out: &mut Vec<u8>, a: IpAddr) {
    match a {
        IpAddr::V4(a) => out.extend_from_slice(&a.octets()),
        IpAddr::V6(a) => out.extend_from_slice(&a.octets()),
    }
}

/// The local address in the peer's family (BGP4MP has one address family for both).
fn same_family(peer: IpAddr, local: IpAddr) -> IpAddr {
    match (peer, local) {
        (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => local,
        (IpAddr::V4(_), IpAddr::V6(l)) => l
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        (IpAddr::V6(_), IpAddr::V4(l)) => IpAddr::V6(l.to_ipv6_mapped()),
    }
}

/// AS_TRANS (RFC 6793) in a 2-octet field for an AS that does not fit.
fn as2(asn: u32) -> [u8; 2] {
    u16::try_from(asn).unwrap_or(23456).to_be_bytes()
}

/// The BGP4MP header fields: peer AS, local AS (4 or 2 octets), interface index 0, AFI,
/// addresses.
fn bgp4mp_fields(out: &mut Vec<u8>, s: &Session, asn4: bool) {
    if asn4 {
        out.extend_from_slice(&s.peer_as.to_be_bytes());
        out.extend_from_slice(&s.local_as.to_be_bytes());
    } else {
        out.extend_from_slice(&as2(s.peer_as));
        out.extend_from_slice(&as2(s.local_as));
    }
    out.extend_from_slice(&0u16.to_be_bytes());
    let afi: u16 = if s.peer_ip.is_ipv4() { 1 } else { 2 };
    out.extend_from_slice(&afi.to_be_bytes());
    ip(out, s.peer_ip);
    ip(out, same_family(s.peer_ip, s.local_ip));
}

fn bgp4mp_len(s: &Session, asn4: bool) -> usize {
    (if asn4 { 8 } else { 4 }) + 2 + 2 + if s.peer_ip.is_ipv4() { 8 } else { 32 }
}

/// A BGP4MP_ET record of a message the peer sent. `message` is the whole BGP message, marker
/// included; `asn4` says whether its AS numbers are 4 octets wide (the session negotiated it:
/// the `_AS4` subtypes) and `add_path` whether its NLRI carry path identifiers (the RFC 8050
/// `_ADDPATH` subtypes).
pub fn bgp4mp_message(
    out: &mut Vec<u8>,
    ts: Timestamp,
    s: &Session,
    asn4: bool,
    add_path: bool,
    message: &[u8],
) -> Result<(), WriteError> {
    let sub = match (asn4, add_path) {
        (false, false) => b4::MESSAGE,
        (true, false) => b4::MESSAGE_AS4,
        (false, true) => b4::MESSAGE_ADDPATH,
        (true, true) => b4::MESSAGE_AS4_ADDPATH,
    };
    let len = 4 + bgp4mp_len(s, asn4) + message.len();
    header(out, ts, record_type::BGP4MP_ET, sub, len)?;
    out.extend_from_slice(&ts.microseconds.to_be_bytes());
    bgp4mp_fields(out, s, asn4);
    out.extend_from_slice(message);
    Ok(())
}

/// A BGP4MP_ET `BGP4MP_STATE_CHANGE_AS4` record.
pub fn bgp4mp_state(
    out: &mut Vec<u8>,
    ts: Timestamp,
    s: &Session,
    old: FsmState,
    new: FsmState,
) -> Result<(), WriteError> {
    let len = 4 + bgp4mp_len(s, true) + 4;
    header(out, ts, record_type::BGP4MP_ET, b4::STATE_CHANGE_AS4, len)?;
    out.extend_from_slice(&ts.microseconds.to_be_bytes());
    bgp4mp_fields(out, s, true);
    out.extend_from_slice(&(old as u16).to_be_bytes());
    out.extend_from_slice(&(new as u16).to_be_bytes());
    Ok(())
}

/// One peer of a PEER_INDEX_TABLE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexPeer {
    /// Its BGP identifier (0.0.0.0 when never learnt).
    pub bgp_id: Ipv4Addr,
    /// Its address.
    pub ip: IpAddr,
    /// Its AS.
    pub asn: u32,
}

/// The TABLE_DUMP_V2 PEER_INDEX_TABLE (every peer with a 4-octet AS field).
pub fn peer_index_table(
    out: &mut Vec<u8>,
    ts: Timestamp,
    collector: Ipv4Addr,
    view: &str,
    peers: &[IndexPeer],
) -> Result<(), WriteError> {
    let view_len = u16::try_from(view.len()).map_err(|_| WriteError("view name too long"))?;
    let count = u16::try_from(peers.len()).map_err(|_| WriteError("more than 65,535 peers"))?;
    let body: usize = 4
        + 2
        + view.len()
        + 2
        + peers
            .iter()
            .map(|p| 1 + 4 + if p.ip.is_ipv4() { 4 } else { 16 } + 4)
            .sum::<usize>();
    header(
        out,
        ts,
        record_type::TABLE_DUMP_V2,
        td::PEER_INDEX_TABLE,
        body,
    )?;
    out.extend_from_slice(&collector.octets());
    out.extend_from_slice(&view_len.to_be_bytes());
    out.extend_from_slice(view.as_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    for p in peers {
        // Peer type: bit 0 = IPv6 address, bit 1 = 4-octet AS.
        let t = 0x02 | u8::from(p.ip.is_ipv6());
        out.push(t);
        out.extend_from_slice(&p.bgp_id.octets());
        ip(out, p.ip);
        out.extend_from_slice(&p.asn.to_be_bytes());
    }
    Ok(())
}

/// One path of a RIB record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RibEntry<'a> {
    /// The peer's position in the PEER_INDEX_TABLE.
    pub peer_index: u16,
    /// When the route was received, seconds since the epoch.
    pub originated: u32,
    /// The path identifier (ADDPATH subtypes only).
    pub path_id: Option<u32>,
    /// The path attributes as BGP encodes them with 4-octet AS numbers, with MP_REACH_NLRI
    /// abbreviated to next-hop length and next hop (RFC 6396 §4.3.4).
    pub attributes: &'a [u8],
}

/// A RIB_IPV4_UNICAST / RIB_IPV6_UNICAST record (the `_ADDPATH` subtypes when `add_path`)
/// for one prefix (`prefix_len` bits of `prefix`) and its paths.
pub fn rib(
    out: &mut Vec<u8>,
    ts: Timestamp,
    sequence: u32,
    prefix: IpAddr,
    prefix_len: u8,
    add_path: bool,
    entries: &[RibEntry<'_>],
) -> Result<(), WriteError> {
    let sub = match (prefix.is_ipv4(), add_path) {
        (true, false) => td::RIB_IPV4_UNICAST,
        (false, false) => td::RIB_IPV6_UNICAST,
        (true, true) => td::RIB_IPV4_UNICAST_ADDPATH,
        (false, true) => td::RIB_IPV6_UNICAST_ADDPATH,
    };
    let max = if prefix.is_ipv4() { 32 } else { 128 };
    if prefix_len > max {
        return Err(WriteError("prefix length past the address"));
    }
    let count = u16::try_from(entries.len()).map_err(|_| WriteError("more than 65,535 paths"))?;
    let octets = usize::from(prefix_len).div_ceil(8);
    let mut body = 4 + 1 + octets + 2;
    for e in entries {
        u16::try_from(e.attributes.len()).map_err(|_| WriteError("attributes over 64 KiB"))?;
        body += 2 + 4 + if add_path { 4 } else { 0 } + 2 + e.attributes.len();
    }
    header(out, ts, record_type::TABLE_DUMP_V2, sub, body)?;
    out.extend_from_slice(&sequence.to_be_bytes());
    out.push(prefix_len);
    let bytes: Vec<u8> = match prefix {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    };
    out.extend(bytes.iter().take(octets));
    out.extend_from_slice(&count.to_be_bytes());
    for e in entries {
        out.extend_from_slice(&e.peer_index.to_be_bytes());
        out.extend_from_slice(&e.originated.to_be_bytes());
        if add_path {
            out.extend_from_slice(&e.path_id.unwrap_or(0).to_be_bytes());
        }
        // Checked above.
        let len = u16::try_from(e.attributes.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e.attributes);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
