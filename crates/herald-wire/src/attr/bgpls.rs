//! The BGP-LS Attribute (path attribute 29, optional non-transitive; RFC 9552 §5.3): a run of
//! TLVs describing the node, link or prefix the NLRI of the same UPDATE names.
//!
//! ```text
//! +-------------------------------+-------------------------------+
//! |  Type (2)                     |  Length (2)                   |
//! +-------------------------------+-------------------------------+
//! |  Value (Length octets)                                        |
//! +---------------------------------------------------------------+
//! ```
//! Typed TLVs: node (RFC 9552 §5.3.1: 1024 flags, 1025 opaque, 1026 name, 1027 IS-IS area,
//! 1028/1029 local TE router IDs), link (§5.3.2: 1030/1031 remote TE router IDs, 1088 admin
//! group, 1089 maximum, 1090 maximum reservable and 1091 unreserved bandwidth, 1092 TE metric,
//! 1093 protection type, 1094 MPLS protocol mask, 1095 IGP metric, 1096 SRLG, 1097 opaque,
//! 1098 name), prefix (§5.3.3: 1152 IGP flags, 1153 route tags, 1154 extended route tags,
//! 1155 prefix metric, 1156 OSPF forwarding address, 1157 opaque), segment routing (RFC 9085:
//! 1034 SR capabilities, 1035 SR algorithms, 1099 adjacency SID, 1100 LAN adjacency SID,
//! 1158 prefix SID, 1170 prefix attribute flags, 1171 source router ID) and SRv6 (RFC 9514:
//! 1038 SRv6 capabilities, 1106 End.X SID, 1107/1108 LAN End.X SID, 1162 locator, 1250
//! endpoint behavior, 1252 SID structure). Any other TLV is kept as octets. TLVs stay in wire
//! order, so the attribute encodes back to the octets it came from.
//!
//! Errors: a TLV running past the attribute, or a typed TLV whose length its definition does
//! not allow, makes the attribute malformed; RFC 9552 §8.2.2 then discards it (attribute
//! discard) and keeps the routes.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::nlri::bgpls::tlvs;

/// A segment identifier or label range (SR Capabilities, RFC 9085 §2.1.2): the range size and
/// the SID/Label sub-TLV (type 1161: a 3-octet label or a 4-octet index).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SrRange {
    /// Range size (24 bits).
    pub size: u32,
    /// The SID/Label sub-TLV's value (3 or 4 octets).
    pub sid: Vec<u8>,
}

/// One TLV of the BGP-LS Attribute.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LsAttrTlv {
    /// 1024: Node Flag Bits (O, T, E, B, R, V).
    NodeFlags(u8),
    /// 1025: Opaque Node Attribute.
    NodeOpaque(Vec<u8>),
    /// 1026: Node Name (up to 255 octets).
    NodeName(Vec<u8>),
    /// 1027: IS-IS Area Identifier.
    IsisArea(Vec<u8>),
    /// 1028 (IPv4) / 1029 (IPv6): Local Node TE Router-ID.
    LocalTeRouterId(IpAddr),
    /// 1030 (IPv4) / 1031 (IPv6): Remote Node TE Router-ID.
    RemoteTeRouterId(IpAddr),
    /// 1034: SR Capabilities: flags, reserved octet, SRGB ranges.
    SrCapabilities {
        /// Flags (I, V).
        flags: u8,
        /// The reserved octet.
        reserved: u8,
        /// The ranges.
        ranges: Vec<SrRange>,
    },
    /// 1035: SR Algorithm: the algorithms the node supports.
    SrAlgorithms(Vec<u8>),
    /// 1038: SRv6 Capabilities: flags (O) and the reserved field, then sub-TLVs as received.
    Srv6Capabilities(Vec<u8>),
    /// 1088: Administrative Group (color).
    AdminGroup(u32),
    /// 1089: Maximum Link Bandwidth, an IEEE 754 single in bytes per second, as its bits.
    MaxBandwidth(u32),
    /// 1090: Maximum Reservable Link Bandwidth (bits of the single).
    MaxReservableBandwidth(u32),
    /// 1091: Unreserved Bandwidth at priorities 0 to 7 (bits of each single).
    UnreservedBandwidth([u32; 8]),
    /// 1092: TE Default Metric.
    TeMetric(u32),
    /// 1093: Link Protection Type (2 octets).
    LinkProtection(u16),
    /// 1094: MPLS Protocol Mask (L LDP, R RSVP-TE).
    MplsMask(u8),
    /// 1095: IGP Metric: 1 octet (IS-IS small), 2 (OSPF) or 3 (IS-IS wide), as received.
    IgpMetric(Vec<u8>),
    /// 1096: Shared Risk Link Groups.
    Srlg(Vec<u32>),
    /// 1097: Opaque Link Attribute.
    LinkOpaque(Vec<u8>),
    /// 1098: Link Name.
    LinkName(Vec<u8>),
    /// 1099: Adjacency SID (RFC 9085 §2.2.1).
    AdjacencySid {
        /// Flags (IS-IS: F, B, V, L, S, P).
        flags: u8,
        /// Weight.
        weight: u8,
        /// The two reserved octets.
        reserved: u16,
        /// SID/Label/Index: 3-octet label(s) with V and L set, a 4-octet index with neither.
        sid: Vec<u8>,
    },
    /// 1100: LAN Adjacency SID (RFC 9085 §2.2.2), IS-IS form with a 6-octet neighbor System-ID.
    LanAdjacencySid {
        /// Flags.
        flags: u8,
        /// Weight.
        weight: u8,
        /// The two reserved octets.
        reserved: u16,
        /// Neighbor System-ID.
        neighbor: [u8; 6],
        /// SID/Label/Index.
        sid: Vec<u8>,
    },
    /// 1106: SRv6 End.X SID (RFC 9514 §4.1): the value as received (at least 22 octets).
    Srv6EndX(Vec<u8>),
    /// 1107: SRv6 LAN End.X SID, IS-IS form (RFC 9514 §4.2; at least 28 octets).
    Srv6LanEndXIsis(Vec<u8>),
    /// 1108: SRv6 LAN End.X SID, OSPFv3 form (RFC 9514 §4.2; at least 26 octets).
    Srv6LanEndXOspf(Vec<u8>),
    /// 1152: IGP Flags (D, N, L, P).
    IgpFlags(u8),
    /// 1153: IGP Route Tags.
    RouteTags(Vec<u32>),
    /// 1154: IGP Extended Route Tags.
    ExtendedRouteTags(Vec<u64>),
    /// 1155: Prefix Metric.
    PrefixMetric(u32),
    /// 1156: OSPF Forwarding Address.
    OspfForwardingAddress(IpAddr),
    /// 1157: Opaque Prefix Attribute.
    PrefixOpaque(Vec<u8>),
    /// 1158: Prefix SID (RFC 9085 §2.3.1).
    PrefixSid {
        /// Flags (IS-IS: R, N, P, E, V, L).
        flags: u8,
        /// Algorithm.
        algorithm: u8,
        /// The two reserved octets.
        reserved: u16,
        /// SID/Index/Label.
        sid: Vec<u8>,
    },
    /// 1162: SRv6 Locator (RFC 9514 §5.1): the value as received (at least 8 octets).
    Srv6Locator(Vec<u8>),
    /// 1170: Prefix Attribute Flags (RFC 9085 §2.3.2).
    PrefixAttributeFlags(Vec<u8>),
    /// 1171: Source Router Identifier (RFC 9085 §2.3.3).
    SourceRouterId(IpAddr),
    /// 1250: SRv6 Endpoint Behavior (RFC 9514 §7.1; at least 4 octets).
    Srv6EndpointBehavior(Vec<u8>),
    /// 1252: SRv6 SID Structure (RFC 9514 §8; at least 4 octets).
    Srv6SidStructure(Vec<u8>),
    /// Any other TLV, as received.
    Unknown {
        /// TLV type.
        tlv_type: u16,
        /// Value.
        value: Vec<u8>,
    },
}

/// The typed value of a BGP-LS Attribute: its TLVs in wire order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LinkState(pub Vec<LsAttrTlv>);

fn be<const N: usize>(v: &[u8]) -> Option<[u8; N]> {
    <[u8; N]>::try_from(v).ok()
}

fn ip(v: &[u8]) -> Option<IpAddr> {
    if let Some(a) = be::<4>(v) {
        return Some(IpAddr::V4(Ipv4Addr::from(a)));
    }
    be::<16>(v).map(|a| IpAddr::V6(Ipv6Addr::from(a)))
}

fn words<const N: usize, X>(v: &[u8], f: impl Fn([u8; N]) -> X) -> Option<Vec<X>> {
    if v.len() % N != 0 {
        return None;
    }
    Some(v.chunks_exact(N).filter_map(be::<N>).map(f).collect())
}

/// Flags, a second octet and two reserved octets, then the SID octets: the SID must be
/// 3-octet labels with V and L set or one 4-octet index with both clear (RFC 9085 §2.2.1,
/// §2.3.1). Returns (flags, second octet, reserved, SID).
fn sid_header(v: &[u8], v_bit: u8, l_bit: u8) -> Option<(u8, u8, u16, Vec<u8>)> {
    let (h, sid) = v.split_first_chunk::<4>()?;
    let [flags, second, r0, r1] = *h;
    let ok = match (flags & v_bit != 0, flags & l_bit != 0) {
        (true, true) => sid.len() % 3 == 0,
        (false, false) => sid.len() % 4 == 0,
        _ => true,
    };
    ok.then(|| (flags, second, u16::from_be_bytes([r0, r1]), sid.to_vec()))
}

fn sr_capabilities(v: &[u8]) -> Option<LsAttrTlv> {
    let (&flags, rest) = v.split_first()?;
    let (&reserved, mut rest) = rest.split_first()?;
    let mut ranges = Vec::new();
    while !rest.is_empty() {
        let (&[a, b, c], after) = rest.split_first_chunk::<3>()?;
        let (t, after) = after.split_first_chunk::<2>()?;
        let (l, after) = after.split_first_chunk::<2>()?;
        let l = usize::from(u16::from_be_bytes(*l));
        let (sid, after) = (after.get(..l)?, after.get(l..)?);
        if u16::from_be_bytes(*t) != SID_LABEL || !matches!(l, 3 | 4) {
            return None;
        }
        ranges.push(SrRange {
            size: u32::from_be_bytes([0, a, b, c]),
            sid: sid.to_vec(),
        });
        rest = after;
    }
    Some(LsAttrTlv::SrCapabilities {
        flags,
        reserved,
        ranges,
    })
}

/// The SID/Label sub-TLV of the SR Capabilities TLV (RFC 9085 §2.1.1).
const SID_LABEL: u16 = 1161;

impl LsAttrTlv {
    /// The TLV type.
    pub fn tlv_type(&self) -> u16 {
        use LsAttrTlv as A;
        match self {
            A::NodeFlags(_) => 1024,
            A::NodeOpaque(_) => 1025,
            A::NodeName(_) => 1026,
            A::IsisArea(_) => 1027,
            A::LocalTeRouterId(IpAddr::V4(_)) => 1028,
            A::LocalTeRouterId(IpAddr::V6(_)) => 1029,
            A::RemoteTeRouterId(IpAddr::V4(_)) => 1030,
            A::RemoteTeRouterId(IpAddr::V6(_)) => 1031,
            A::SrCapabilities { .. } => 1034,
            A::SrAlgorithms(_) => 1035,
            A::Srv6Capabilities(_) => 1038,
            A::AdminGroup(_) => 1088,
            A::MaxBandwidth(_) => 1089,
            A::MaxReservableBandwidth(_) => 1090,
            A::UnreservedBandwidth(_) => 1091,
            A::TeMetric(_) => 1092,
            A::LinkProtection(_) => 1093,
            A::MplsMask(_) => 1094,
            A::IgpMetric(_) => 1095,
            A::Srlg(_) => 1096,
            A::LinkOpaque(_) => 1097,
            A::LinkName(_) => 1098,
            A::AdjacencySid { .. } => 1099,
            A::LanAdjacencySid { .. } => 1100,
            A::Srv6EndX(_) => 1106,
            A::Srv6LanEndXIsis(_) => 1107,
            A::Srv6LanEndXOspf(_) => 1108,
            A::IgpFlags(_) => 1152,
            A::RouteTags(_) => 1153,
            A::ExtendedRouteTags(_) => 1154,
            A::PrefixMetric(_) => 1155,
            A::OspfForwardingAddress(_) => 1156,
            A::PrefixOpaque(_) => 1157,
            A::PrefixSid { .. } => 1158,
            A::Srv6Locator(_) => 1162,
            A::PrefixAttributeFlags(_) => 1170,
            A::SourceRouterId(_) => 1171,
            A::Srv6EndpointBehavior(_) => 1250,
            A::Srv6SidStructure(_) => 1252,
            A::Unknown { tlv_type, .. } => *tlv_type,
        }
    }

    /// Decode one TLV's value; `None` when its length does not fit its type.
    pub fn decode(t: u16, v: &[u8]) -> Option<LsAttrTlv> {
        use LsAttrTlv as A;
        let u32v = |v: &[u8]| be::<4>(v).map(u32::from_be_bytes);
        let at_least = |n: usize| (v.len() >= n).then(|| v.to_vec());
        Some(match t {
            1024 => A::NodeFlags(u8::from_be_bytes(be::<1>(v)?)),
            1025 => A::NodeOpaque(v.to_vec()),
            1026 if v.len() <= 255 => A::NodeName(v.to_vec()),
            1027 if !v.is_empty() => A::IsisArea(v.to_vec()),
            1028 => A::LocalTeRouterId(IpAddr::V4(Ipv4Addr::from(be::<4>(v)?))),
            1029 => A::LocalTeRouterId(IpAddr::V6(Ipv6Addr::from(be::<16>(v)?))),
            1030 => A::RemoteTeRouterId(IpAddr::V4(Ipv4Addr::from(be::<4>(v)?))),
            1031 => A::RemoteTeRouterId(IpAddr::V6(Ipv6Addr::from(be::<16>(v)?))),
            1034 => sr_capabilities(v)?,
            1035 => A::SrAlgorithms(v.to_vec()),
            1038 => A::Srv6Capabilities(at_least(2)?),
            1088 => A::AdminGroup(u32v(v)?),
            1089 => A::MaxBandwidth(u32v(v)?),
            1090 => A::MaxReservableBandwidth(u32v(v)?),
            1091 => {
                let w = words::<4, _>(v, u32::from_be_bytes)?;
                A::UnreservedBandwidth(<[u32; 8]>::try_from(w).ok()?)
            }
            1092 => A::TeMetric(u32v(v)?),
            1093 => A::LinkProtection(u16::from_be_bytes(be::<2>(v)?)),
            1094 => A::MplsMask(u8::from_be_bytes(be::<1>(v)?)),
            1095 if matches!(v.len(), 1..=3) => A::IgpMetric(v.to_vec()),
            1096 => A::Srlg(words::<4, _>(v, u32::from_be_bytes)?),
            1097 => A::LinkOpaque(v.to_vec()),
            1098 if v.len() <= 255 => A::LinkName(v.to_vec()),
            1099 => {
                let (flags, weight, reserved, sid) = sid_header(v, 0x20, 0x10)?;
                A::AdjacencySid {
                    flags,
                    weight,
                    reserved,
                    sid,
                }
            }
            1100 => {
                let (h, rest) = v.split_first_chunk::<4>()?;
                let (neighbor, sid) = rest.split_first_chunk::<6>()?;
                let mut joined = h.to_vec();
                joined.extend_from_slice(sid);
                let (flags, weight, reserved, sid) = sid_header(&joined, 0x20, 0x10)?;
                A::LanAdjacencySid {
                    flags,
                    weight,
                    reserved,
                    neighbor: *neighbor,
                    sid,
                }
            }
            1106 => A::Srv6EndX(srv6_with_subtlvs(v, 22)?),
            1107 => A::Srv6LanEndXIsis(srv6_with_subtlvs(v, 28)?),
            1108 => A::Srv6LanEndXOspf(srv6_with_subtlvs(v, 26)?),
            1152 => A::IgpFlags(u8::from_be_bytes(be::<1>(v)?)),
            1153 => A::RouteTags(words::<4, _>(v, u32::from_be_bytes)?),
            1154 => A::ExtendedRouteTags(words::<8, _>(v, u64::from_be_bytes)?),
            1155 => A::PrefixMetric(u32v(v)?),
            1156 => A::OspfForwardingAddress(ip(v)?),
            1157 => A::PrefixOpaque(v.to_vec()),
            1158 => {
                let (flags, algorithm, reserved, sid) = sid_header(v, 0x08, 0x04)?;
                A::PrefixSid {
                    flags,
                    algorithm,
                    reserved,
                    sid,
                }
            }
            1162 => A::Srv6Locator(at_least(8)?),
            1170 if !v.is_empty() => A::PrefixAttributeFlags(v.to_vec()),
            1171 => A::SourceRouterId(ip(v)?),
            1250 => A::Srv6EndpointBehavior(at_least(4)?),
            1252 => A::Srv6SidStructure(at_least(4)?),
            1026 | 1027 | 1095 | 1098 | 1170 => return None,
            _ => A::Unknown {
                tlv_type: t,
                value: v.to_vec(),
            },
        })
    }

    /// Append the value (without type and length).
    pub fn encode_value(&self, out: &mut Vec<u8>) {
        use LsAttrTlv as A;
        match self {
            A::NodeFlags(f) | A::IgpFlags(f) | A::MplsMask(f) => out.push(*f),
            A::NodeOpaque(v)
            | A::NodeName(v)
            | A::IsisArea(v)
            | A::SrAlgorithms(v)
            | A::Srv6Capabilities(v)
            | A::IgpMetric(v)
            | A::LinkOpaque(v)
            | A::LinkName(v)
            | A::Srv6EndX(v)
            | A::Srv6LanEndXIsis(v)
            | A::Srv6LanEndXOspf(v)
            | A::PrefixOpaque(v)
            | A::Srv6Locator(v)
            | A::PrefixAttributeFlags(v)
            | A::Srv6EndpointBehavior(v)
            | A::Srv6SidStructure(v)
            | A::Unknown { value: v, .. } => out.extend_from_slice(v),
            A::LocalTeRouterId(a)
            | A::RemoteTeRouterId(a)
            | A::OspfForwardingAddress(a)
            | A::SourceRouterId(a) => match a {
                IpAddr::V4(a) => out.extend_from_slice(&a.octets()),
                IpAddr::V6(a) => out.extend_from_slice(&a.octets()),
            },
            A::SrCapabilities {
                flags,
                reserved,
                ranges,
            } => {
                out.extend_from_slice(&[*flags, *reserved]);
                for r in ranges {
                    out.extend_from_slice(r.size.to_be_bytes().get(1..).unwrap_or_default());
                    out.extend_from_slice(&SID_LABEL.to_be_bytes());
                    out.extend_from_slice(&(r.sid.len() as u16).to_be_bytes());
                    out.extend_from_slice(&r.sid);
                }
            }
            A::AdminGroup(v)
            | A::MaxBandwidth(v)
            | A::MaxReservableBandwidth(v)
            | A::TeMetric(v)
            | A::PrefixMetric(v) => out.extend_from_slice(&v.to_be_bytes()),
            A::UnreservedBandwidth(v) => v
                .iter()
                .for_each(|w| out.extend_from_slice(&w.to_be_bytes())),
            A::LinkProtection(v) => out.extend_from_slice(&v.to_be_bytes()),
            A::Srlg(v) | A::RouteTags(v) => v
                .iter()
                .for_each(|w| out.extend_from_slice(&w.to_be_bytes())),
            A::ExtendedRouteTags(v) => v
                .iter()
                .for_each(|w| out.extend_from_slice(&w.to_be_bytes())),
            A::AdjacencySid {
                flags,
                weight: second,
                reserved,
                sid,
            }
            | A::PrefixSid {
                flags,
                algorithm: second,
                reserved,
                sid,
            } => {
                out.extend_from_slice(&[*flags, *second]);
                out.extend_from_slice(&reserved.to_be_bytes());
                out.extend_from_slice(sid);
            }
            A::LanAdjacencySid {
                flags,
                weight,
                reserved,
                neighbor,
                sid,
            } => {
                out.extend_from_slice(&[*flags, *weight]);
                out.extend_from_slice(&reserved.to_be_bytes());
                out.extend_from_slice(neighbor);
                out.extend_from_slice(sid);
            }
        }
    }
}

/// An SRv6 TLV with a fixed part of `fixed` octets and sub-TLVs after it: each must fit, and an
/// SRv6 SID Structure sub-TLV (1252) have its 4 octets; a remnant shorter than a sub-TLV
/// header is tolerated, as ExaBGP tolerates it.
fn srv6_with_subtlvs(v: &[u8], fixed: usize) -> Option<Vec<u8>> {
    let mut rest = v.get(fixed..)?;
    while let Some((t, after)) = rest.split_first_chunk::<2>() {
        let Some((l, after)) = after.split_first_chunk::<2>() else {
            break;
        };
        let l = usize::from(u16::from_be_bytes(*l));
        if u16::from_be_bytes(*t) == 1252 && l < 4 {
            return None;
        }
        rest = after.get(l..)?;
    }
    Some(v.to_vec())
}

impl LinkState {
    /// Decode the attribute's value; `Err` with the reason when it is malformed.
    pub fn decode(v: &[u8]) -> Result<LinkState, &'static str> {
        let mut out = Vec::new();
        for (t, v) in tlvs(v).map_err(|_| "BGP-LS Attribute TLV runs past the attribute")? {
            out.push(
                LsAttrTlv::decode(t, v)
                    .ok_or("BGP-LS Attribute TLV length does not fit its type")?,
            );
        }
        Ok(LinkState(out))
    }

    /// Append the attribute's value.
    pub fn encode(&self, out: &mut Vec<u8>) {
        for t in &self.0 {
            let mut v = Vec::new();
            t.encode_value(&mut v);
            out.extend_from_slice(&t.tlv_type().to_be_bytes());
            out.extend_from_slice(&u16::try_from(v.len()).unwrap_or(u16::MAX).to_be_bytes());
            out.extend_from_slice(&v);
        }
    }
}

/// Whether `value` is an MP_REACH_NLRI announcing a BGP-LS NLRI that failed RFC 9552 §8.2.2's
/// syntactic checks (the UPDATE is then treat-as-withdraw).
pub(crate) fn malformed_reach(value: &super::AttrValue) -> bool {
    match value {
        super::AttrValue::MpReach(m) => match &m.nlri {
            crate::NlriList::BgpLs(v) => v.iter().any(|n| n.is_malformed()),
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests;
