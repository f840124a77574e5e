//! TABLE_DUMP_V2 records (RFC 6396 §4.3, RFC 8050 §4): the PEER_INDEX_TABLE, and RIB entries
//! turned into synthetic BGP UPDATE messages.
//!
//! PEER_INDEX_TABLE (§4.3.1):
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                      Collector BGP ID                         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |       View Name Length        |     View Name (variable)      |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Peer Count           |    Peer Entries (variable)
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! Peer entry: Peer Type (1) | Peer BGP ID (4) | Peer IP (4/16) | Peer AS (2/4)
//! ```
//!
//! RIB_AFI_SAFI (§4.3.2) and its RIB entries (§4.3.4; the Path Identifier only in the RFC 8050
//! ADDPATH subtypes):
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         Sequence Number                       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Prefix Length |            Prefix (variable)                  |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Entry Count           |  RIB Entries (variable)
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! RIB entry: Peer Index (2) | Originated Time (4) | [Path Identifier (4)]
//!            | Attribute Length (2) | BGP Attributes (variable)
//! ```
//!
//! In a RIB entry MP_REACH_NLRI is abbreviated to the next-hop length and next hop
//! (§4.3.4); the synthetic UPDATE carries a full RFC 4760 one with the entry's prefix instead.

use std::net::{IpAddr, Ipv4Addr};

use crate::cursor::{Bad, Cursor};
use crate::{MrtMessage, Source};

/// TABLE_DUMP_V2 subtypes (RFC 6396 §4.3, RFC 8050 §4).
pub(crate) mod subtype {
    /// 1: PEER_INDEX_TABLE.
    pub(crate) const PEER_INDEX_TABLE: u16 = 1;
    /// 2: RIB_IPV4_UNICAST.
    pub(crate) const RIB_IPV4_UNICAST: u16 = 2;
    /// 3: RIB_IPV4_MULTICAST.
    pub(crate) const RIB_IPV4_MULTICAST: u16 = 3;
    /// 4: RIB_IPV6_UNICAST.
    pub(crate) const RIB_IPV6_UNICAST: u16 = 4;
    /// 5: RIB_IPV6_MULTICAST.
    pub(crate) const RIB_IPV6_MULTICAST: u16 = 5;
    /// 6: RIB_GENERIC.
    pub(crate) const RIB_GENERIC: u16 = 6;
    /// 8: RIB_IPV4_UNICAST_ADDPATH (RFC 8050).
    pub(crate) const RIB_IPV4_UNICAST_ADDPATH: u16 = 8;
    /// 9: RIB_IPV4_MULTICAST_ADDPATH (RFC 8050).
    pub(crate) const RIB_IPV4_MULTICAST_ADDPATH: u16 = 9;
    /// 10: RIB_IPV6_UNICAST_ADDPATH (RFC 8050).
    pub(crate) const RIB_IPV6_UNICAST_ADDPATH: u16 = 10;
    /// 11: RIB_IPV6_MULTICAST_ADDPATH (RFC 8050).
    pub(crate) const RIB_IPV6_MULTICAST_ADDPATH: u16 = 11;
    /// 12: RIB_GENERIC_ADDPATH (RFC 8050).
    pub(crate) const RIB_GENERIC_ADDPATH: u16 = 12;
}

/// Attribute type code of NEXT_HOP (RFC 4271).
const NEXT_HOP: u8 = 3;
/// Attribute type code of MP_REACH_NLRI (RFC 4760).
const MP_REACH_NLRI: u8 = 14;
/// Attribute flag: optional.
const OPTIONAL: u8 = 0x80;
/// Attribute flag: two-octet length.
const EXTENDED_LENGTH: u8 = 0x10;

/// One peer of the PEER_INDEX_TABLE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Peer {
    /// The peer's address.
    pub(crate) ip: IpAddr,
    /// The peer's AS number.
    pub(crate) asn: u32,
}

/// The PEER_INDEX_TABLE: who the RIB entries' peer indexes refer to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PeerIndex {
    /// Collector BGP ID.
    pub(crate) collector: Ipv4Addr,
    /// The peers, by index.
    pub(crate) peers: Vec<Peer>,
}

/// Parse a PEER_INDEX_TABLE body.
pub(crate) fn parse_peer_index(body: &[u8]) -> Result<PeerIndex, Bad> {
    let mut c = Cursor::new(body);
    let collector = Ipv4Addr::from(c.u32("collector BGP ID")?);
    let view_len = c.u16("view name length")?;
    c.take(usize::from(view_len), "view name")?;
    let count = c.u16("peer count")?;
    let mut peers = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let kind = c.u8("peer type")?;
        c.u32("peer BGP ID")?;
        let ip = c.ip(kind & 0x01 != 0, "peer IP address")?;
        let asn = if kind & 0x02 != 0 {
            c.u32("peer AS")?
        } else {
            u32::from(c.u16("peer AS")?)
        };
        peers.push(Peer { ip, asn });
    }
    Ok(PeerIndex { collector, peers })
}

/// The family and ADD-PATH flag of a RIB subtype, or `None` if it is not an AFI/SAFI-specific
/// RIB subtype.
pub(crate) fn rib_kind(sub: u16) -> Option<(u16, u8, bool)> {
    use subtype::*;
    Some(match sub {
        RIB_IPV4_UNICAST => (1, 1, false),
        RIB_IPV4_MULTICAST => (1, 2, false),
        RIB_IPV6_UNICAST => (2, 1, false),
        RIB_IPV6_MULTICAST => (2, 2, false),
        RIB_IPV4_UNICAST_ADDPATH => (1, 1, true),
        RIB_IPV4_MULTICAST_ADDPATH => (1, 2, true),
        RIB_IPV6_UNICAST_ADDPATH => (2, 1, true),
        RIB_IPV6_MULTICAST_ADDPATH => (2, 2, true),
        _ => return None,
    })
}

/// The record-level facts every message of one RIB record shares.
pub(crate) struct RibRecord<'a> {
    /// The RIB subtype.
    pub(crate) subtype: u16,
    /// The record timestamp.
    pub(crate) timestamp: u32,
    /// The record's file offset.
    pub(crate) offset: u64,
    /// The PEER_INDEX_TABLE seen last, if any.
    pub(crate) peers: Option<&'a PeerIndex>,
}

/// Parse a RIB_AFI_SAFI body into one synthetic UPDATE per RIB entry.
pub(crate) fn parse_rib(rec: &RibRecord<'_>, body: &[u8]) -> Result<Vec<MrtMessage>, Bad> {
    let (afi, safi, add_path) =
        rib_kind(rec.subtype).ok_or(Bad::Invalid("not a RIB subtype".into()))?;
    let index = rec
        .peers
        .ok_or_else(|| Bad::Invalid("RIB entry before any PEER_INDEX_TABLE record".to_string()))?;
    let mut c = Cursor::new(body);
    c.u32("sequence number")?;
    let bits = c.u8("prefix length")?;
    let max_bits = if afi == 1 { 32 } else { 128 };
    if bits > max_bits {
        return Err(Bad::Invalid(format!(
            "prefix length {bits} exceeds {max_bits}"
        )));
    }
    let prefix = c.take(usize::from(bits).div_ceil(8), "prefix")?;
    let count = c.u16("entry count")?;
    let mut out = Vec::with_capacity(usize::from(count));
    let mut nlri = Vec::with_capacity(prefix.len() + 5);
    for _ in 0..count {
        let peer_index = c.u16("peer index")?;
        let _originated = c.u32("originated time")?;
        let path_id = if add_path {
            Some(c.u32("path identifier")?)
        } else {
            None
        };
        let attr_len = c.u16("attribute length")?;
        let attrs = c.take(usize::from(attr_len), "BGP attributes")?;
        let peer = index.peers.get(usize::from(peer_index)).ok_or_else(|| {
            Bad::Invalid(format!(
                "peer index {peer_index} but the PEER_INDEX_TABLE has {} peers",
                index.peers.len()
            ))
        })?;
        nlri.clear();
        if let Some(id) = path_id {
            nlri.extend_from_slice(&id.to_be_bytes());
        }
        nlri.push(bits);
        nlri.extend_from_slice(prefix);
        out.push(MrtMessage {
            timestamp: rec.timestamp,
            microseconds: 0,
            peer_as: peer.asn,
            local_as: 0,
            peer_ip: peer.ip,
            local_ip: IpAddr::V4(index.collector),
            asn4: true,
            add_path,
            sent_by_local: false,
            source: Source::TableDumpV2,
            offset: rec.offset,
            message: synthetic_update(afi, safi, &nlri, attrs)?,
        });
    }
    if !c.is_empty() {
        return Err(Bad::Invalid("octets after the last RIB entry".to_string()));
    }
    Ok(out)
}

/// The next hop of a RIB entry's MP_REACH_NLRI: the abbreviated form of RFC 6396 §4.3.4
/// (length, next hop), or, from dumpers that write it whole, the RFC 4760 form.
fn mp_reach_next_hop(value: &[u8]) -> Result<&[u8], Bad> {
    let mut c = Cursor::new(value);
    let len = c.u8("MP_REACH_NLRI next-hop length")?;
    if value.len() == 1 + usize::from(len) {
        return Ok(c.rest());
    }
    // Full form: AFI (2), SAFI (1), next-hop length (1), next hop, reserved, NLRI.
    let mut c = Cursor::new(value);
    c.u16("MP_REACH_NLRI AFI")?;
    c.u8("MP_REACH_NLRI SAFI")?;
    let len = c.u8("MP_REACH_NLRI next-hop length")?;
    c.take(usize::from(len), "MP_REACH_NLRI next hop")
        .map_err(|_| Bad::Invalid("MP_REACH_NLRI is neither abbreviated nor whole".to_string()))
}

/// Append a full MP_REACH_NLRI attribute (RFC 4760 §3) to `out`.
fn push_mp_reach(
    out: &mut Vec<u8>,
    flags: u8,
    afi: u16,
    safi: u8,
    next_hop: &[u8],
    nlri: &[u8],
) -> Result<(), Bad> {
    let nh_len = u8::try_from(next_hop.len())
        .map_err(|_| Bad::Invalid("MP_REACH_NLRI next hop longer than 255".to_string()))?;
    let len = 2 + 1 + 1 + next_hop.len() + 1 + nlri.len();
    let len = u16::try_from(len)
        .map_err(|_| Bad::Invalid("MP_REACH_NLRI longer than 65535".to_string()))?;
    if flags & EXTENDED_LENGTH != 0 || len > 255 {
        out.extend_from_slice(&[flags | EXTENDED_LENGTH, MP_REACH_NLRI]);
        out.extend_from_slice(&len.to_be_bytes());
    } else {
        out.extend_from_slice(&[flags, MP_REACH_NLRI, len as u8]);
    }
    out.extend_from_slice(&afi.to_be_bytes());
    out.push(safi);
    out.push(nh_len);
    out.extend_from_slice(next_hop);
    out.push(0);
    out.extend_from_slice(nlri);
    Ok(())
}

/// A whole BGP UPDATE (header included) announcing `nlri` (one encoded prefix, with its path
/// identifier if any) of family `afi`/`safi` with the RIB entry's attributes `attrs`.
///
/// IPv4 unicast goes in the UPDATE's NLRI field unless the attributes carry an MP_REACH_NLRI
/// (an IPv6 next hop, RFC 8950); everything else goes in an MP_REACH_NLRI, rewritten in place
/// from the abbreviated one, or appended (with the NEXT_HOP's address for IPv4) if there is none.
pub(crate) fn synthetic_update(
    afi: u16,
    safi: u8,
    nlri: &[u8],
    attrs: &[u8],
) -> Result<Vec<u8>, Bad> {
    let mut path_attrs = Vec::with_capacity(attrs.len() + nlri.len() + 8);
    let mut c = Cursor::new(attrs);
    let mut rewrote = false;
    let mut next_hop: &[u8] = &[];
    while !c.is_empty() {
        let before = c.rest_len();
        let whole = attrs.get(attrs.len() - before..).unwrap_or_default();
        let flags = c.u8("attribute flags")?;
        let code = c.u8("attribute type")?;
        let len = if flags & EXTENDED_LENGTH != 0 {
            usize::from(c.u16("attribute length")?)
        } else {
            usize::from(c.u8("attribute length")?)
        };
        let value = c.take(len, "attribute value")?;
        if code == MP_REACH_NLRI {
            let nh = mp_reach_next_hop(value)?;
            push_mp_reach(&mut path_attrs, flags, afi, safi, nh, nlri)?;
            rewrote = true;
        } else {
            if code == NEXT_HOP && afi == 1 {
                next_hop = value;
            }
            let used = before - c.rest_len();
            path_attrs.extend_from_slice(whole.get(..used).unwrap_or_default());
        }
    }
    let nlri_field: &[u8] = if rewrote {
        &[]
    } else if afi == 1 && safi == 1 {
        nlri
    } else {
        push_mp_reach(&mut path_attrs, OPTIONAL, afi, safi, next_hop, nlri)?;
        &[]
    };
    let attr_len = u16::try_from(path_attrs.len())
        .map_err(|_| Bad::Invalid("attributes longer than 65535".to_string()))?;
    let total = 19 + 2 + 2 + path_attrs.len() + nlri_field.len();
    let total = u16::try_from(total)
        .map_err(|_| Bad::Invalid(format!("synthetic UPDATE of {total} octets")))?;
    let mut msg = Vec::with_capacity(usize::from(total));
    msg.extend_from_slice(&[0xff; 16]);
    msg.extend_from_slice(&total.to_be_bytes());
    msg.push(2);
    msg.extend_from_slice(&[0, 0]);
    msg.extend_from_slice(&attr_len.to_be_bytes());
    msg.extend_from_slice(&path_attrs);
    msg.extend_from_slice(nlri_field);
    Ok(msg)
}
