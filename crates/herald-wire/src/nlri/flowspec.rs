//! Flow specification NLRI: IPv4 (RFC 8955 §4) and IPv6 (RFC 8956 §3), SAFI 133, and flow-vpn
//! (RFC 8955 §8, SAFI 134) whose NLRI start with a route distinguisher; with the ADD-PATH path
//! identifier (RFC 7911 §3) when negotiated for the family.
//!
//! ```text
//! +------------------------------+
//! | Path Identifier (4)          |   only when ADD-PATH is negotiated for the family
//! +------------------------------+
//! | Length (0xnn or 0xfnnn)      |   1 octet below 240, else 2 octets with 0xF in the top nibble
//! +------------------------------+
//! | Route Distinguisher (8)      |   flow-vpn only
//! +------------------------------+
//! | Components (variable)        |   type (1 octet) + value, in increasing type order
//! +------------------------------+
//!
//! Prefix component (types 1, 2):   IPv4: length, prefix (ceil(length / 8) octets)
//!                                  IPv6: length, offset, pattern (ceil((length - offset) / 8))
//! Operator lists (types 3 to 13):  (operator (1), value (1, 2, 4 or 8 octets))+
//!   numeric operator:  e a len(2) 0 lt gt eq     bitmask operator:  e a len(2) 0 0 not m
//! ```
//!
//! Operators are kept as the octets received (end-of-list bit, and-bit, value length and the
//! reserved bits included), so that encoding gives back the input exactly.
//!
//! Errors: a length, prefix or operator list that runs past its NLRI, a prefix longer than the
//! family's addresses, an IPv6 offset past the prefix length or an empty NLRI make the whole
//! NLRI field undecodable (`Err`: the MP attribute's AFI/SAFI-disable path, RFC 7606 §5.3).
//! Decision for NLRI that are well framed but that herald cannot interpret — a component type
//! it does not know (for IPv4 that includes the IPv6-only flow label, 13) or components out of
//! the increasing type order RFC 8955 §4.2 requires: [`decode`] returns `Ok(None)` and the
//! family's NLRI are kept raw ([`super::NlriList::Raw`]), so that they still re-encode byte for
//! byte (house rule 6) while no route is installed from them — as ExaBGP, which drops such
//! NLRI silently, does not either.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::labeled::path_id;
use super::vpn::RouteDistinguisher;
use crate::iana::Afi;

/// Component type codes (RFC 8955 §4.2.2, RFC 8956 §3).
pub mod component {
    /// Destination prefix.
    pub const DESTINATION: u8 = 1;
    /// Source prefix.
    pub const SOURCE: u8 = 2;
    /// IP protocol (IPv4) / next header (IPv6).
    pub const PROTOCOL: u8 = 3;
    /// Source or destination port.
    pub const PORT: u8 = 4;
    /// Destination port.
    pub const DESTINATION_PORT: u8 = 5;
    /// Source port.
    pub const SOURCE_PORT: u8 = 6;
    /// ICMP type.
    pub const ICMP_TYPE: u8 = 7;
    /// ICMP code.
    pub const ICMP_CODE: u8 = 8;
    /// TCP flags (bitmask).
    pub const TCP_FLAGS: u8 = 9;
    /// Packet length.
    pub const PACKET_LENGTH: u8 = 10;
    /// DSCP (IPv4) / traffic class (IPv6).
    pub const DSCP: u8 = 11;
    /// Fragment (bitmask).
    pub const FRAGMENT: u8 = 12;
    /// Flow label (IPv6 only, RFC 8956 §3.7).
    pub const FLOW_LABEL: u8 = 13;
}

/// One operator and its value (RFC 8955 §4.2.1.1, §4.2.1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Op {
    /// The operator octet as on the wire.
    pub op: u8,
    /// The value (as many octets as the operator's length field says).
    pub value: u64,
}

impl Op {
    /// End-of-list bit.
    pub const END: u8 = 0x80;
    /// And bit: this term is ANDed with the previous one (else ORed).
    pub const AND: u8 = 0x40;
    /// Numeric: less than.
    pub const LT: u8 = 0x04;
    /// Numeric: greater than.
    pub const GT: u8 = 0x02;
    /// Numeric: equal.
    pub const EQ: u8 = 0x01;
    /// Bitmask: not.
    pub const NOT: u8 = 0x02;
    /// Bitmask: match (all bits set, else any bit).
    pub const MATCH: u8 = 0x01;

    /// An operator for `value` in the fewest octets that hold it (1, 2, 4 or 8, as ExaBGP
    /// chooses): `flags` gives the and, lt/gt/eq or not/match bits (and the end-of-list bit);
    /// the length bits are set from the value.
    pub fn new(flags: u8, value: u64) -> Op {
        let len_bits: u8 = match value {
            0..=0xFF => 0x00,
            0x100..=0xFFFF => 0x10,
            0x1_0000..=0xFFFF_FFFF => 0x20,
            _ => 0x30,
        };
        Op {
            op: (flags & !0x30) | len_bits,
            value,
        }
    }

    /// Whether the end-of-list bit is set.
    pub fn end(self) -> bool {
        self.op & Op::END != 0
    }

    /// Whether the and bit is set.
    pub fn and(self) -> bool {
        self.op & Op::AND != 0
    }

    /// Octets of the value: 1, 2, 4 or 8.
    pub fn value_len(self) -> usize {
        1 << ((self.op >> 4) & 3)
    }
}

/// The value of one component.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComponentValue {
    /// IPv4 destination/source prefix: the length and the ceil(length / 8) octets (the
    /// others zero).
    Ipv4Prefix {
        /// Prefix length.
        len: u8,
        /// Prefix octets.
        octets: [u8; 4],
    },
    /// IPv6 destination/source prefix with offset (RFC 8956 §3.1): the pattern of
    /// ceil((length - offset) / 8) octets (the others zero).
    Ipv6Prefix {
        /// Prefix length.
        len: u8,
        /// Offset of the pattern, in bits.
        offset: u8,
        /// Pattern octets.
        pattern: [u8; 16],
    },
    /// A numeric operator list (RFC 8955 §4.2.1.1).
    Numeric(Vec<Op>),
    /// A bitmask operator list (RFC 8955 §4.2.1.2).
    Bitmask(Vec<Op>),
}

/// One component: its type code and value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Component {
    /// Type code ([`component`]).
    pub kind: u8,
    /// Value.
    pub value: ComponentValue,
}

impl Component {
    /// The IPv4 prefix address of a prefix component.
    pub fn ipv4_prefix(&self) -> Option<(Ipv4Addr, u8)> {
        match self.value {
            ComponentValue::Ipv4Prefix { len, octets } => Some((Ipv4Addr::from(octets), len)),
            _ => None,
        }
    }

    /// An IPv6 prefix component as (address with the pattern at its offset, length, offset).
    pub fn ipv6_prefix(&self) -> Option<(Ipv6Addr, u8, u8)> {
        let ComponentValue::Ipv6Prefix {
            len,
            offset,
            pattern,
        } = self.value
        else {
            return None;
        };
        let n = u32::from(len.saturating_sub(offset));
        let raw = u128::from_be_bytes(pattern);
        // The pattern's n bits, then moved to bits offset..len of the address.
        let bits = raw.checked_shr(128 - n).unwrap_or(0);
        let addr = bits.checked_shl(128 - u32::from(len)).unwrap_or(0);
        Some((Ipv6Addr::from(addr), len, offset))
    }

    /// The operators of an operator-list component.
    pub fn ops(&self) -> &[Op] {
        match &self.value {
            ComponentValue::Numeric(o) | ComponentValue::Bitmask(o) => o,
            _ => &[],
        }
    }

    fn wire_len(&self) -> usize {
        1 + match &self.value {
            ComponentValue::Ipv4Prefix { len, .. } => 1 + usize::from(*len).div_ceil(8),
            ComponentValue::Ipv6Prefix { len, offset, .. } => {
                2 + usize::from(len.saturating_sub(*offset)).div_ceil(8)
            }
            ComponentValue::Numeric(o) | ComponentValue::Bitmask(o) => {
                o.iter().map(|o| 1 + o.value_len()).sum::<usize>()
            }
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.kind);
        match &self.value {
            ComponentValue::Ipv4Prefix { len, octets } => {
                out.push(*len);
                let n = usize::from(*len).div_ceil(8);
                out.extend_from_slice(octets.get(..n).unwrap_or(octets));
            }
            ComponentValue::Ipv6Prefix {
                len,
                offset,
                pattern,
            } => {
                out.push(*len);
                out.push(*offset);
                let n = usize::from(len.saturating_sub(*offset)).div_ceil(8);
                out.extend_from_slice(pattern.get(..n).unwrap_or(pattern));
            }
            ComponentValue::Numeric(o) | ComponentValue::Bitmask(o) => {
                for op in o {
                    out.push(op.op);
                    let v = op.value.to_be_bytes();
                    out.extend_from_slice(v.get(8 - op.value_len()..).unwrap_or(&v));
                }
            }
        }
    }
}

/// One flow specification.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowSpec {
    /// Path identifier (RFC 7911).
    pub path_id: Option<u32>,
    /// Route distinguisher (flow-vpn, SAFI 134).
    pub rd: Option<RouteDistinguisher>,
    /// The components, in the order received.
    pub components: Vec<Component>,
    /// The length was sent in the 2-octet form although below 240.
    pub extended_length: bool,
}

impl FlowSpec {
    /// Octets of the NLRI after the length (route distinguisher and components).
    pub fn body_len(&self) -> usize {
        self.rd.map_or(0, |_| 8)
            + self
                .components
                .iter()
                .map(Component::wire_len)
                .sum::<usize>()
    }

    /// Append the NLRI to `out`. Without a path identifier on an ADD-PATH session, 0 is sent.
    /// A body longer than 4095 octets (the longest length the field can give) is cut short.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        let len = self.body_len().min(0xFFF);
        if len >= 240 || self.extended_length {
            out.extend_from_slice(&(0xF000 | len as u16).to_be_bytes());
        } else {
            out.push(len as u8);
        }
        let start = out.len();
        if let Some(rd) = self.rd {
            out.extend_from_slice(&rd.0);
        }
        self.components.iter().for_each(|c| c.encode(out));
        out.truncate(start + len);
    }
}

/// Read an operator list from the start of `b`: the operators and what follows the last one.
fn ops(b: &[u8]) -> Result<(Vec<Op>, &[u8]), &'static str> {
    let mut v = Vec::new();
    let mut b = b;
    loop {
        let Some((&op, rest)) = b.split_first() else {
            return Err("flowspec operator list without end-of-list bit");
        };
        let mut o = Op { op, value: 0 };
        let n = o.value_len();
        let Some(val) = rest.get(..n) else {
            return Err("flowspec operator value overruns the NLRI");
        };
        o.value = val.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x));
        b = rest.get(n..).unwrap_or_default();
        v.push(o);
        if o.end() {
            return Ok((v, b));
        }
    }
}

/// Read the components of one NLRI; `Ok(None)` for an unknown component type or components
/// out of order.
fn components(afi: Afi, mut b: &[u8]) -> Result<Option<Vec<Component>>, &'static str> {
    use component::*;
    let v6 = afi == Afi::IPV6;
    let mut out = Vec::new();
    let mut last = 0u8;
    while let Some((&kind, rest)) = b.split_first() {
        if kind <= last {
            return Ok(None);
        }
        last = kind;
        let (value, rest) = match kind {
            DESTINATION | SOURCE if v6 => {
                let (Some(&len), Some(&offset)) = (rest.first(), rest.get(1)) else {
                    return Err("flowspec prefix overruns the NLRI");
                };
                if len > 128 {
                    return Err("flowspec prefix length too long for the family");
                }
                if offset > len {
                    return Err("flowspec IPv6 offset beyond the prefix length");
                }
                let n = usize::from(len - offset).div_ceil(8);
                let Some(p) = rest.get(2..2 + n) else {
                    return Err("flowspec prefix overruns the NLRI");
                };
                let mut pattern = [0u8; 16];
                pattern
                    .get_mut(..n)
                    .ok_or("flowspec prefix overruns the NLRI")?
                    .copy_from_slice(p);
                let value = ComponentValue::Ipv6Prefix {
                    len,
                    offset,
                    pattern,
                };
                (value, rest.get(2 + n..).unwrap_or_default())
            }
            DESTINATION | SOURCE => {
                let Some(&len) = rest.first() else {
                    return Err("flowspec prefix overruns the NLRI");
                };
                if len > 32 {
                    return Err("flowspec prefix length too long for the family");
                }
                let n = usize::from(len).div_ceil(8);
                let Some(p) = rest.get(1..1 + n) else {
                    return Err("flowspec prefix overruns the NLRI");
                };
                let mut octets = [0u8; 4];
                octets
                    .get_mut(..n)
                    .ok_or("flowspec prefix overruns the NLRI")?
                    .copy_from_slice(p);
                (
                    ComponentValue::Ipv4Prefix { len, octets },
                    rest.get(1 + n..).unwrap_or_default(),
                )
            }
            TCP_FLAGS | FRAGMENT => {
                let (o, r) = ops(rest)?;
                (ComponentValue::Bitmask(o), r)
            }
            PROTOCOL..=ICMP_CODE | PACKET_LENGTH | DSCP => {
                let (o, r) = ops(rest)?;
                (ComponentValue::Numeric(o), r)
            }
            FLOW_LABEL if v6 => {
                let (o, r) = ops(rest)?;
                (ComponentValue::Numeric(o), r)
            }
            _ => return Ok(None),
        };
        out.push(Component { kind, value });
        b = rest;
    }
    Ok(Some(out))
}

/// Decode the flow specifications of `afi` (`vpn`: flow-vpn, each with a route
/// distinguisher). `Ok(None)`: all NLRI are well framed but one cannot be interpreted (see the
/// module docs); the caller keeps the octets raw.
pub fn decode(
    afi: Afi,
    vpn: bool,
    mut bytes: &[u8],
    add_path: bool,
) -> Result<Option<Vec<FlowSpec>>, &'static str> {
    let mut out = Vec::new();
    let mut uninterpreted = false;
    while !bytes.is_empty() {
        let (path_id, rest) = path_id(bytes, add_path)?;
        let Some((&b0, rest)) = rest.split_first() else {
            return Err("missing flowspec length");
        };
        let (len, extended, rest) = if b0 >= 0xF0 {
            let Some((&b1, rest)) = rest.split_first() else {
                return Err("truncated flowspec length");
            };
            (usize::from(b0 & 0x0F) << 8 | usize::from(b1), true, rest)
        } else {
            (usize::from(b0), false, rest)
        };
        let (Some(body), Some(rest)) = (rest.get(..len), rest.get(len..)) else {
            return Err("flowspec NLRI overruns the attribute");
        };
        bytes = rest;
        let (rd, body) = if vpn {
            let Some((rd, body)) = RouteDistinguisher::take(body) else {
                return Err("flow-vpn NLRI too short for a route distinguisher");
            };
            (Some(rd), body)
        } else {
            (None, body)
        };
        if body.is_empty() {
            return Err("flowspec NLRI without components");
        }
        match components(afi, body)? {
            Some(components) => out.push(FlowSpec {
                path_id,
                rd,
                components,
                extended_length: extended && len < 240,
            }),
            None => uninterpreted = true,
        }
    }
    Ok((!uninterpreted).then_some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    fn enc(v: &[FlowSpec], ap: bool) -> Vec<u8> {
        let mut out = Vec::new();
        v.iter().for_each(|f| f.encode(ap, &mut out));
        out
    }

    fn op(op: u8, value: u64) -> Op {
        Op { op, value }
    }

    #[test]
    fn operators_take_the_fewest_octets_that_hold_the_value() {
        assert_eq!(Op::new(Op::EQ, 80), op(0x01, 80));
        assert_eq!(Op::new(Op::END | Op::EQ, 8080), op(0x91, 8080));
        assert_eq!(Op::new(Op::AND | Op::LT, 2000), op(0x54, 2000));
        assert_eq!(Op::new(Op::END | Op::EQ, 0xF_FFFF), op(0xa1, 0xF_FFFF));
        assert_eq!(Op::new(0, 1 << 32), op(0x30, 1 << 32));
        // Length bits given by the caller are replaced.
        assert_eq!(Op::new(0x30 | Op::GT, 7), op(0x02, 7));
        assert_eq!(Op::new(Op::EQ, 8080).value_len(), 2);
    }

    #[test]
    fn ipv4_capture_both_ways() {
        // BGP_flowspec_v4.cap (tests/data/pcap): destination 192.168.0.1/32, source
        // 10.0.0.9/32, protocol udp or tcp, port 80 or 8080, destination port >8080&<8088 or
        // 3128, source port >1024.
        let b = h("25 0120c0a80001 02200a000009 030111 8106 04015091 1f90 0512 1f90 54 1f98 91 0c38 0692 0400");
        let v = decode(Afi::IPV4, false, &b, false).unwrap().unwrap();
        assert_eq!(v.len(), 1);
        let c = &v[0].components;
        assert_eq!(c.len(), 6);
        assert_eq!(
            c[0].ipv4_prefix(),
            Some((Ipv4Addr::new(192, 168, 0, 1), 32))
        );
        assert_eq!(
            c[2].value,
            ComponentValue::Numeric(vec![op(0x01, 17), op(0x81, 6)])
        );
        assert_eq!(
            c[4].value,
            ComponentValue::Numeric(vec![op(0x12, 8080), op(0x54, 8088), op(0x91, 3128)])
        );
        assert_eq!(c[5].value, ComponentValue::Numeric(vec![op(0x92, 1024)]));
        assert_eq!(enc(&v, false), b);
    }

    #[test]
    fn ipv6_prefix_with_offset_both_ways() {
        let b = h("0c 0130 10 20010db8 0214 04 1234");
        let v = decode(Afi::IPV6, false, &b, false).unwrap().unwrap();
        let c = &v[0].components;
        assert_eq!(
            c[0].ipv6_prefix(),
            Some(("0:2001:db8::".parse().unwrap(), 48, 16))
        );
        assert_eq!(
            c[1].ipv6_prefix(),
            Some(("123:4000::".parse().unwrap(), 20, 4))
        );
        assert_eq!(enc(&v, false), b);
    }

    #[test]
    fn flow_vpn_with_path_id_and_bitmasks_both_ways() {
        let b = h("00000003 10 0000fde800000001 09 0102 c110 0c 8104");
        let v = decode(Afi::IPV4, true, &b, true).unwrap().unwrap();
        assert_eq!(v[0].path_id, Some(3));
        assert_eq!(v[0].rd.unwrap().to_string(), "65000:1");
        assert_eq!(
            v[0].components[0].value,
            ComponentValue::Bitmask(vec![op(0x01, 2), op(0xc1, 0x10)])
        );
        assert_eq!(enc(&v, true), b);
    }

    #[test]
    fn two_octet_length_and_long_operator_values_both_ways() {
        // 0xF012: 18 octets in the extended form; packet length with 2-, 4- and 8-octet values.
        let b = h("f012 0a 1101f4 2100000100 b1 0000000000000200");
        let v = decode(Afi::IPV4, false, &b, false).unwrap().unwrap();
        assert!(v[0].extended_length);
        assert_eq!(
            v[0].components[0]
                .ops()
                .iter()
                .map(|o| o.value)
                .collect::<Vec<_>>(),
            [500, 256, 512]
        );
        assert_eq!(enc(&v, false), b);
        // 250 octets: the 2-octet form is required.
        let mut long = h("f0fa 0a");
        for _ in 0..83 {
            long.extend_from_slice(&h("1101f4"));
        }
        let n = long.len();
        long[n - 3] = 0x91;
        let v = decode(Afi::IPV4, false, &long, false).unwrap().unwrap();
        assert!(!v[0].extended_length);
        assert_eq!(enc(&v, false), long);
    }

    #[test]
    fn unknown_or_unordered_components_leave_the_nlri_raw() {
        // Type 14 is unknown; 13 (flow label) is IPv6-only; 3 after 5 is out of order.
        for s in ["03 0e8101", "03 0d8101", "06 058150 038106"] {
            assert_eq!(decode(Afi::IPV4, false, &h(s), false), Ok(None), "{s}");
        }
        assert!(decode(Afi::IPV6, false, &h("03 0d8101"), false)
            .unwrap()
            .is_some());
    }

    #[test]
    fn malformed_flowspec_are_errors() {
        for s in [
            "00",               // no components
            "f0",               // truncated length
            "05 0118 0a00",     // overruns
            "03 030106",        // no end-of-list bit
            "03 039106",        // value cut short
            "06 0121 0a000001", // 33-bit IPv4 prefix
            "04 0118 0a00",     // prefix overruns its NLRI
        ] {
            assert!(decode(Afi::IPV4, false, &h(s), false).is_err(), "{s}");
        }
        for s in ["04 0110 11 20", "03 018100", "05 0181 00 ff"] {
            assert!(decode(Afi::IPV6, false, &h(s), false).is_err(), "{s}");
        }
        assert!(decode(Afi::IPV4, true, &h("04 0000fde8"), false).is_err());
        assert!(decode(Afi::IPV4, false, &h("0000"), true).is_err());
    }

    fn arb_ops() -> impl Strategy<Value = Vec<Op>> {
        proptest::collection::vec((any::<u8>(), any::<u64>()), 1..4).prop_map(|v| {
            let n = v.len();
            v.into_iter()
                .enumerate()
                .map(|(i, (o, val))| {
                    let o = (o & 0x7f) | if i + 1 == n { 0x80 } else { 0 };
                    let bits = 8 * (1u32 << ((o >> 4) & 3));
                    let value = if bits == 64 {
                        val
                    } else {
                        val & ((1u64 << bits) - 1)
                    };
                    Op { op: o, value }
                })
                .collect()
        })
    }

    fn arb_flow(v6: bool) -> impl Strategy<Value = FlowSpec> {
        (
            proptest::option::of(any::<u32>()),
            proptest::option::of(any::<[u8; 8]>()),
            any::<[u8; 16]>(),
            0u8..=128,
            0u8..=128,
            proptest::collection::btree_map(3u8..=13, arb_ops(), 0..5),
            any::<bool>(),
        )
            .prop_map(move |(path_id, rd, a, len, off, ops, ext)| {
                let mut components = Vec::new();
                let len = if v6 { len } else { len % 33 };
                let value = if v6 {
                    let offset = off.min(len);
                    let n = usize::from(len - offset).div_ceil(8);
                    let mut pattern = [0u8; 16];
                    pattern[..n].copy_from_slice(&a[..n]);
                    ComponentValue::Ipv6Prefix {
                        len,
                        offset,
                        pattern,
                    }
                } else {
                    let n = usize::from(len).div_ceil(8);
                    let mut octets = [0u8; 4];
                    octets[..n].copy_from_slice(&a[..n]);
                    ComponentValue::Ipv4Prefix { len, octets }
                };
                components.push(Component { kind: 1, value });
                for (kind, o) in ops {
                    if kind == 13 && !v6 {
                        continue;
                    }
                    let value = if kind == 9 || kind == 12 {
                        ComponentValue::Bitmask(o)
                    } else {
                        ComponentValue::Numeric(o)
                    };
                    components.push(Component { kind, value });
                }
                let mut f = FlowSpec {
                    path_id,
                    rd: rd.map(RouteDistinguisher),
                    components,
                    extended_length: false,
                };
                f.extended_length = ext && f.body_len() < 240;
                f
            })
    }

    fn arb_case() -> impl Strategy<Value = (bool, bool, bool, Vec<FlowSpec>)> {
        any::<bool>().prop_flat_map(|v6| {
            (
                Just(v6),
                any::<bool>(),
                any::<bool>(),
                proptest::collection::vec(arb_flow(v6), 1..4),
            )
        })
    }

    proptest! {
        /// Any octets: labeled, VPN and flowspec NLRI either fail to decode or re-encode to
        /// exactly the input (and never panic).
        #[test]
        fn arbitrary_octets_decode_to_the_same_octets_or_fail(
            b in proptest::collection::vec(any::<u8>(), 0..64),
            v6: bool, ap: bool, wd: bool, safi in 0usize..4,
        ) {
            use crate::iana::{Family, Safi};
            use crate::nlri::NlriList;
            let afi = if v6 { Afi::IPV6 } else { Afi::IPV4 };
            let safi = [Safi::MPLS_LABEL, Safi::MPLS_VPN, Safi::FLOW, Safi::FLOW_VPN][safi];
            let fam = Family::new(afi, safi);
            let r = if wd {
                NlriList::decode_withdrawn(fam, &b, ap)
            } else {
                NlriList::decode(fam, &b, ap)
            };
            if let Ok(list) = r {
                let mut out = Vec::new();
                list.encode(ap, &mut out);
                prop_assert_eq!(out, b);
            }
        }

        #[test]
        fn flowspec_round_trip((v6, vpn, ap, flows) in arb_case()) {
            let afi = if v6 { Afi::IPV6 } else { Afi::IPV4 };
            let v: Vec<FlowSpec> = flows
                .into_iter()
                .map(|mut f| {
                    f.path_id = if ap { Some(f.path_id.unwrap_or(0)) } else { None };
                    f.rd = if vpn { Some(f.rd.unwrap_or_default()) } else { None };
                    f.extended_length &= f.body_len() < 240;
                    f
                })
                .collect();
            let b = enc(&v, ap);
            prop_assert_eq!(decode(afi, vpn, &b, ap).unwrap().unwrap(), v);
        }
    }
}
