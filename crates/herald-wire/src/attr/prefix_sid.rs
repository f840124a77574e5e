//! BGP Prefix-SID attribute (type 40, optional transitive): RFC 8669 §3 (Label-Index and
//! Originator SRGB TLVs) and RFC 9252 §2 (SRv6 L3 and L2 Service TLVs).
//!
//! ```text
//! attribute value: a sequence of TLVs
//! +-----------+-------------------+--------------------+
//! | Type (1)  | Length (2)        | Value (Length)     |
//! +-----------+-------------------+--------------------+
//!
//! 1 Label-Index (Length 7):   Reserved (1) | Flags (2) | Label Index (4)
//! 3 Originator SRGB:          Flags (2) | { SRGB base (3) | Range size (3) } ...
//! 5 SRv6 L3 Service, 6 SRv6 L2 Service:
//!                             Reserved (1) | SRv6 Service Sub-TLVs ...
//!   Sub-TLV (Type 1, Length 2), 1 = SRv6 SID Information (Length >= 21):
//!                             Reserved1 (1) | SRv6 SID Value (16) | SID Flags (1) |
//!                             SRv6 Endpoint Behavior (2) | Reserved2 (1) |
//!                             SRv6 Service Data Sub-Sub-TLVs ...
//!     Sub-Sub-TLV (Type 1, Length 2), 1 = SRv6 SID Structure (Length 6):
//!                             Locator Block Length (1) | Locator Node Length (1) |
//!                             Function Length (1) | Argument Length (1) |
//!                             Transposition Length (1) | Transposition Offset (1)
//! ```
//!
//! Every field is kept as received (reserved octets and flags included), and TLVs,
//! sub-TLVs and sub-sub-TLVs of other types are kept as octets, so that a decoded attribute
//! encodes back to the same octets. The one exception is RFC 8669 §6: a second Label-Index or
//! Originator SRGB TLV is dropped (the first one is kept), and the attribute is then sent
//! without it.
//!
//! Malformed (`None` from [`PrefixSid::decode`]; the caller discards the attribute, RFC 8669
//! §6 "attribute discard"): no TLV at all, a TLV, sub-TLV or sub-sub-TLV running past its
//! container, a Label-Index TLV whose length is not 7, an Originator SRGB TLV whose length is
//! not 2 plus a non-zero multiple of 6, a Service TLV without its reserved octet, an SID
//! Information sub-TLV shorter than 21 octets, an SID Structure sub-sub-TLV whose length is
//! not 6.

use std::net::Ipv6Addr;

/// TLV type codes (IANA "BGP Prefix-SID TLV Types").
pub mod tlv_type {
    /// Label-Index (RFC 8669 §3.1).
    pub const LABEL_INDEX: u8 = 1;
    /// Originator SRGB (RFC 8669 §3.2).
    pub const ORIGINATOR_SRGB: u8 = 3;
    /// SRv6 L3 Service (RFC 9252 §2).
    pub const SRV6_L3_SERVICE: u8 = 5;
    /// SRv6 L2 Service (RFC 9252 §2).
    pub const SRV6_L2_SERVICE: u8 = 6;
}

/// The BGP Prefix-SID attribute: its TLVs in wire order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PrefixSid {
    /// The TLVs.
    pub tlvs: Vec<PrefixSidTlv>,
}

/// One TLV of the attribute.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PrefixSidTlv {
    /// 1, Label-Index (RFC 8669 §3.1).
    LabelIndex {
        /// The reserved octet.
        reserved: u8,
        /// Flags (none defined).
        flags: u16,
        /// The label index.
        index: u32,
    },
    /// 3, Originator SRGB (RFC 8669 §3.2).
    OriginatorSrgb {
        /// Flags (none defined).
        flags: u16,
        /// (SRGB base, range size) pairs, 24 bits each.
        ranges: Vec<(u32, u32)>,
    },
    /// 5, SRv6 L3 Service (RFC 9252 §2).
    Srv6L3Service(Srv6Service),
    /// 6, SRv6 L2 Service (RFC 9252 §2).
    Srv6L2Service(Srv6Service),
    /// Another TLV, kept as received.
    Unknown {
        /// Its type.
        tlv_type: u8,
        /// Its value.
        value: Vec<u8>,
    },
}

/// The value of an SRv6 L3 or L2 Service TLV (RFC 9252 §2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Srv6Service {
    /// The reserved octet.
    pub reserved: u8,
    /// The SRv6 Service Sub-TLVs.
    pub sub_tlvs: Vec<Srv6SubTlv>,
}

/// An SRv6 Service Sub-TLV (RFC 9252 §3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Srv6SubTlv {
    /// 1, SRv6 SID Information (RFC 9252 §3.1).
    SidInformation(SidInformation),
    /// Another sub-TLV, kept as received.
    Unknown {
        /// Its type.
        sub_type: u8,
        /// Its value.
        value: Vec<u8>,
    },
}

/// The SRv6 SID Information Sub-TLV (RFC 9252 §3.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SidInformation {
    /// Reserved1.
    pub reserved1: u8,
    /// The SRv6 SID.
    pub sid: Ipv6Addr,
    /// SRv6 SID Flags.
    pub flags: u8,
    /// SRv6 Endpoint Behavior (RFC 8986 §10.2; 0xFFFF opaque).
    pub behavior: u16,
    /// Reserved2.
    pub reserved2: u8,
    /// SRv6 Service Data Sub-Sub-TLVs.
    pub sub_sub_tlvs: Vec<SidSubSubTlv>,
}

impl SidInformation {
    /// A SID with the given behavior, reserved fields and flags zero, and an SID Structure when
    /// `structure` is given (what ExaBGP's `bgp-prefix-sid-srv6` builds).
    pub fn new(sid: Ipv6Addr, behavior: u16, structure: Option<SidStructure>) -> Self {
        SidInformation {
            reserved1: 0,
            sid,
            flags: 0,
            behavior,
            reserved2: 0,
            sub_sub_tlvs: structure.map(SidSubSubTlv::Structure).into_iter().collect(),
        }
    }
}

/// An SRv6 Service Data Sub-Sub-TLV (RFC 9252 §3.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SidSubSubTlv {
    /// 1, SRv6 SID Structure (RFC 9252 §3.2.1).
    Structure(SidStructure),
    /// Another sub-sub-TLV, kept as received.
    Unknown {
        /// Its type.
        sub_type: u8,
        /// Its value.
        value: Vec<u8>,
    },
}

/// The SRv6 SID Structure Sub-Sub-TLV (RFC 9252 §3.2.1), lengths in bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SidStructure {
    /// Locator Block Length.
    pub locator_block: u8,
    /// Locator Node Length.
    pub locator_node: u8,
    /// Function Length.
    pub function: u8,
    /// Argument Length.
    pub argument: u8,
    /// Transposition Length.
    pub transposition_len: u8,
    /// Transposition Offset.
    pub transposition_offset: u8,
}

impl SidStructure {
    /// From the six lengths in wire order.
    pub fn from_array(a: [u8; 6]) -> Self {
        let [locator_block, locator_node, function, argument, transposition_len, transposition_offset] =
            a;
        SidStructure {
            locator_block,
            locator_node,
            function,
            argument,
            transposition_len,
            transposition_offset,
        }
    }

    /// The six lengths in wire order.
    pub fn to_array(self) -> [u8; 6] {
        [
            self.locator_block,
            self.locator_node,
            self.function,
            self.argument,
            self.transposition_len,
            self.transposition_offset,
        ]
    }
}

/// Split `b` into (type, value) items with a 1-octet type and 2-octet length; `None` when an
/// item runs past `b`.
fn items(mut b: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut v = Vec::new();
    while !b.is_empty() {
        let (&[t, l0, l1], rest) = b.split_first_chunk::<3>()?;
        let n = usize::from(u16::from_be_bytes([l0, l1]));
        v.push((t, rest.get(..n)?));
        b = rest.get(n..)?;
    }
    Some(v)
}

/// Append type, 2-octet length and the value `f` writes (a value longer than 65535 octets,
/// which no decoded one is, gets its length cut to 65535).
fn put_item(t: u8, out: &mut Vec<u8>, f: impl FnOnce(&mut Vec<u8>)) {
    out.push(t);
    let at = out.len();
    out.extend_from_slice(&[0, 0]);
    f(out);
    let n = u16::try_from(out.len() - at - 2).unwrap_or(u16::MAX);
    if let Some(l) = out.get_mut(at..at + 2) {
        l.copy_from_slice(&n.to_be_bytes());
    }
}

impl Srv6Service {
    fn decode(v: &[u8]) -> Option<Srv6Service> {
        let (&reserved, rest) = v.split_first()?;
        let sub_tlvs = items(rest)?
            .into_iter()
            .map(|(t, v)| match t {
                1 => SidInformation::decode(v).map(Srv6SubTlv::SidInformation),
                _ => Some(Srv6SubTlv::Unknown {
                    sub_type: t,
                    value: v.to_vec(),
                }),
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Srv6Service { reserved, sub_tlvs })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.reserved);
        for s in &self.sub_tlvs {
            match s {
                Srv6SubTlv::SidInformation(i) => put_item(1, out, |o| i.encode(o)),
                Srv6SubTlv::Unknown { sub_type, value } => {
                    put_item(*sub_type, out, |o| o.extend_from_slice(value))
                }
            }
        }
    }

    /// The SID Information sub-TLVs.
    pub fn sids(&self) -> impl Iterator<Item = &SidInformation> {
        self.sub_tlvs.iter().filter_map(|s| match s {
            Srv6SubTlv::SidInformation(i) => Some(i),
            Srv6SubTlv::Unknown { .. } => None,
        })
    }
}

impl SidInformation {
    fn decode(v: &[u8]) -> Option<SidInformation> {
        let (&[reserved1], rest) = v.split_first_chunk::<1>()?;
        let (sid, rest) = rest.split_first_chunk::<16>()?;
        let (&[flags, b0, b1, reserved2], rest) = rest.split_first_chunk::<4>()?;
        let sub_sub_tlvs = items(rest)?
            .into_iter()
            .map(|(t, v)| match t {
                1 => <[u8; 6]>::try_from(v)
                    .ok()
                    .map(|a| SidSubSubTlv::Structure(SidStructure::from_array(a))),
                _ => Some(SidSubSubTlv::Unknown {
                    sub_type: t,
                    value: v.to_vec(),
                }),
            })
            .collect::<Option<Vec<_>>>()?;
        Some(SidInformation {
            reserved1,
            sid: Ipv6Addr::from(*sid),
            flags,
            behavior: u16::from_be_bytes([b0, b1]),
            reserved2,
            sub_sub_tlvs,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.reserved1);
        out.extend_from_slice(&self.sid.octets());
        out.push(self.flags);
        out.extend_from_slice(&self.behavior.to_be_bytes());
        out.push(self.reserved2);
        for s in &self.sub_sub_tlvs {
            match s {
                SidSubSubTlv::Structure(st) => {
                    put_item(1, out, |o| o.extend_from_slice(&st.to_array()))
                }
                SidSubSubTlv::Unknown { sub_type, value } => {
                    put_item(*sub_type, out, |o| o.extend_from_slice(value))
                }
            }
        }
    }

    /// The SID Structure, when the sub-TLV carries one.
    pub fn structure(&self) -> Option<SidStructure> {
        self.sub_sub_tlvs.iter().find_map(|s| match s {
            SidSubSubTlv::Structure(st) => Some(*st),
            SidSubSubTlv::Unknown { .. } => None,
        })
    }
}

fn u24(b: &[u8]) -> Option<u32> {
    let [a, b, c] = <[u8; 3]>::try_from(b).ok()?;
    Some(u32::from_be_bytes([0, a, b, c]))
}

impl PrefixSid {
    /// Decode the attribute value; `None` when it is malformed (see the module docs).
    pub fn decode(v: &[u8]) -> Option<PrefixSid> {
        let list = items(v)?;
        if list.is_empty() {
            return None;
        }
        let mut tlvs = Vec::with_capacity(list.len());
        let (mut index_seen, mut srgb_seen) = (false, false);
        for (t, v) in list {
            let tlv = match t {
                tlv_type::LABEL_INDEX => {
                    let [reserved, f0, f1, a, b, c, d] = <[u8; 7]>::try_from(v).ok()?;
                    if std::mem::replace(&mut index_seen, true) {
                        continue;
                    }
                    PrefixSidTlv::LabelIndex {
                        reserved,
                        flags: u16::from_be_bytes([f0, f1]),
                        index: u32::from_be_bytes([a, b, c, d]),
                    }
                }
                tlv_type::ORIGINATOR_SRGB => {
                    let (&[f0, f1], rest) = v.split_first_chunk::<2>()?;
                    if rest.is_empty() || rest.len() % 6 != 0 {
                        return None;
                    }
                    if std::mem::replace(&mut srgb_seen, true) {
                        continue;
                    }
                    let ranges = rest
                        .chunks_exact(6)
                        .map(|c| Some((u24(c.get(..3)?)?, u24(c.get(3..)?)?)))
                        .collect::<Option<Vec<_>>>()?;
                    PrefixSidTlv::OriginatorSrgb {
                        flags: u16::from_be_bytes([f0, f1]),
                        ranges,
                    }
                }
                tlv_type::SRV6_L3_SERVICE => PrefixSidTlv::Srv6L3Service(Srv6Service::decode(v)?),
                tlv_type::SRV6_L2_SERVICE => PrefixSidTlv::Srv6L2Service(Srv6Service::decode(v)?),
                _ => PrefixSidTlv::Unknown {
                    tlv_type: t,
                    value: v.to_vec(),
                },
            };
            tlvs.push(tlv);
        }
        Some(PrefixSid { tlvs })
    }

    /// Append the attribute value.
    pub fn encode(&self, out: &mut Vec<u8>) {
        for t in &self.tlvs {
            match t {
                PrefixSidTlv::LabelIndex {
                    reserved,
                    flags,
                    index,
                } => put_item(tlv_type::LABEL_INDEX, out, |o| {
                    o.push(*reserved);
                    o.extend_from_slice(&flags.to_be_bytes());
                    o.extend_from_slice(&index.to_be_bytes());
                }),
                PrefixSidTlv::OriginatorSrgb { flags, ranges } => {
                    put_item(tlv_type::ORIGINATOR_SRGB, out, |o| {
                        o.extend_from_slice(&flags.to_be_bytes());
                        for (base, size) in ranges {
                            o.extend_from_slice(base.to_be_bytes().get(1..).unwrap_or_default());
                            o.extend_from_slice(size.to_be_bytes().get(1..).unwrap_or_default());
                        }
                    })
                }
                PrefixSidTlv::Srv6L3Service(s) => {
                    put_item(tlv_type::SRV6_L3_SERVICE, out, |o| s.encode(o))
                }
                PrefixSidTlv::Srv6L2Service(s) => {
                    put_item(tlv_type::SRV6_L2_SERVICE, out, |o| s.encode(o))
                }
                PrefixSidTlv::Unknown { tlv_type, value } => {
                    put_item(*tlv_type, out, |o| o.extend_from_slice(value))
                }
            }
        }
    }

    /// The label index, when the attribute has a Label-Index TLV.
    pub fn label_index(&self) -> Option<u32> {
        self.tlvs.iter().find_map(|t| match t {
            PrefixSidTlv::LabelIndex { index, .. } => Some(*index),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests;
