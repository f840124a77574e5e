//! Labeled unicast: IPv4 and IPv6 prefixes with an MPLS label stack (RFC 8277, SAFI 4), with
//! the optional ADD-PATH path identifier (RFC 7911 §3).
//!
//! ```text
//! +---------------------------+
//! |   Path Identifier (4)     |   only when ADD-PATH is negotiated for the family
//! +---------------------------+
//! |   Length (1 octet)        |   in bits: the labels and the prefix
//! +---------------------------+
//! |   Label (3 octets)        |   20-bit label, 3-bit TC, bottom-of-stack bit;
//! +---------------------------+   repeated until the bottom-of-stack bit (RFC 8277 §2.2)
//! |   Prefix (variable)       |
//! +---------------------------+
//! ```
//!
//! In MP_UNREACH_NLRI the label field is the 3-octet Compatibility field (RFC 8277 §2.4),
//! usually 0x800000 (RFC 3107) or 0x000000: the stack ends there as well as at a
//! bottom-of-stack bit. Labels keep all 24 bits as received so that encoding gives the same
//! octets.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::iana::Afi;

/// One 3-octet label field (RFC 8277 §2): the 20-bit label, the traffic class and the
/// bottom-of-stack bit, kept as the 24-bit value on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label(pub u32);

impl Label {
    /// The withdrawal / compatibility value of RFC 3107 §3 and RFC 8277 §2.4.
    pub const WITHDRAW: Label = Label(0x80_0000);

    /// A label value (20 bits) with the bottom-of-stack bit as given and a zero traffic class.
    pub fn new(value: u32, bottom: bool) -> Label {
        Label(((value & 0xF_FFFF) << 4) | u32::from(bottom))
    }

    /// The 20-bit label value.
    pub fn value(self) -> u32 {
        (self.0 >> 4) & 0xF_FFFF
    }

    /// Whether the bottom-of-stack bit is set.
    pub fn bottom(self) -> bool {
        self.0 & 1 != 0
    }

    fn encode(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_be_bytes()[1..]);
    }
}

/// A stack of one or more labels. The first label is kept inline: a single label, the common
/// case, costs no allocation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LabelStack {
    first: Label,
    rest: Vec<Label>,
}

impl LabelStack {
    /// A stack of one label.
    pub fn new(first: Label) -> LabelStack {
        LabelStack {
            first,
            rest: Vec::new(),
        }
    }

    /// Add a label under the others.
    pub fn push(&mut self, l: Label) {
        self.rest.push(l);
    }

    /// The labels, top first.
    pub fn iter(&self) -> impl Iterator<Item = Label> + '_ {
        std::iter::once(self.first).chain(self.rest.iter().copied())
    }

    /// Number of labels (at least one).
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        1 + self.rest.len()
    }

    /// Octets on the wire.
    pub fn wire_len(&self) -> usize {
        3 * self.len()
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        self.iter().for_each(|l| l.encode(out));
    }

    /// Read the label stack at the start of `field`, of which `bits` are valid; returns the
    /// stack and the bits left. `withdraw`: the stack also ends at 0x800000 or 0x000000.
    pub(crate) fn decode(
        field: &[u8],
        mut bits: usize,
        withdraw: bool,
    ) -> Result<(LabelStack, usize), &'static str> {
        let mut stack: Option<LabelStack> = None;
        let mut at = 0;
        loop {
            if bits < 24 {
                return Err(if stack.is_none() {
                    "labeled NLRI too short for a label"
                } else {
                    "label stack without bottom-of-stack bit"
                });
            }
            let Some(&[o0, o1, o2]) = field.get(at..at + 3) else {
                return Err("label overruns the NLRI");
            };
            let l = Label(u32::from_be_bytes([0, o0, o1, o2]));
            at += 3;
            bits -= 24;
            match stack.as_mut() {
                None => stack = Some(LabelStack::new(l)),
                Some(s) => s.push(l),
            }
            if l.bottom() || (withdraw && (l == Label::WITHDRAW || l.0 == 0)) {
                break;
            }
        }
        stack
            .map(|s| (s, bits))
            .ok_or("labeled NLRI too short for a label")
    }
}

/// A prefix of `afi` from its length and its (exactly ceil(len / 8)) octets; bits past the
/// length are kept.
pub(crate) fn net_from(afi: Afi, len: usize, octets: &[u8]) -> Result<IpNet, &'static str> {
    let v6 = afi == Afi::IPV6;
    if len > if v6 { 128 } else { 32 } {
        return Err("prefix length too long for the family");
    }
    let len8 = len as u8;
    if v6 {
        let mut a = [0u8; 16];
        a.get_mut(..octets.len())
            .ok_or("prefix length too long for the family")?
            .copy_from_slice(octets);
        Ipv6Net::new(Ipv6Addr::from(a), len8).map(IpNet::V6)
    } else {
        let mut a = [0u8; 4];
        a.get_mut(..octets.len())
            .ok_or("prefix length too long for the family")?
            .copy_from_slice(octets);
        Ipv4Net::new(Ipv4Addr::from(a), len8).map(IpNet::V4)
    }
    .map_err(|_| "prefix length too long for the family")
}

/// Append the ceil(len / 8) address octets of `net`.
pub(crate) fn encode_net(net: &IpNet, out: &mut Vec<u8>) {
    let n = usize::from(net.prefix_len()).div_ceil(8);
    match net {
        IpNet::V4(v) => out.extend_from_slice(v.addr().octets().get(..n).unwrap_or_default()),
        IpNet::V6(v) => out.extend_from_slice(v.addr().octets().get(..n).unwrap_or_default()),
    }
}

/// Split off the ADD-PATH path identifier when `add_path`.
pub(crate) fn path_id(bytes: &[u8], add_path: bool) -> Result<(Option<u32>, &[u8]), &'static str> {
    if !add_path {
        return Ok((None, bytes));
    }
    match bytes.split_first_chunk::<4>() {
        Some((id, rest)) => Ok((Some(u32::from_be_bytes(*id)), rest)),
        None => Err("truncated path identifier"),
    }
}

/// Walk a run of `[path identifier] route type (1) | length (1) | value` NLRI (EVPN,
/// MCAST-VPN), calling `route` with each one's path identifier, type and value; `short` and
/// `overrun` are the errors for a route cut before its length or its value.
pub(crate) fn type_length_routes<'a>(
    mut bytes: &'a [u8],
    add_path: bool,
    (short, overrun): (&'static str, &'static str),
    mut route: impl FnMut(Option<u32>, u8, &'a [u8]) -> Result<(), &'static str>,
) -> Result<(), &'static str> {
    while !bytes.is_empty() {
        let (id, rest) = path_id(bytes, add_path)?;
        let Some((&[t, len], rest)) = rest.split_first_chunk::<2>() else {
            return Err(short);
        };
        let n = usize::from(len);
        let (Some(value), Some(rest)) = (rest.get(..n), rest.get(n..)) else {
            return Err(overrun);
        };
        bytes = rest;
        route(id, t, value)?;
    }
    Ok(())
}

/// Split off a length-in-bits-prefixed field: (bits, the ceil(bits / 8) octets, the rest).
pub(crate) fn bit_field(bytes: &[u8]) -> Result<(usize, &[u8], &[u8]), &'static str> {
    let Some((&len, rest)) = bytes.split_first() else {
        return Err("missing NLRI length");
    };
    let bits = usize::from(len);
    let n = bits.div_ceil(8);
    match (rest.get(..n), rest.get(n..)) {
        (Some(f), Some(r)) => Ok((bits, f, r)),
        _ => Err("NLRI overruns the attribute"),
    }
}

/// One labeled prefix (RFC 8277).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LabeledPrefix {
    /// Path identifier (RFC 7911).
    pub path_id: Option<u32>,
    /// The label stack (the Compatibility field in a withdrawal).
    pub labels: LabelStack,
    /// The prefix.
    pub net: IpNet,
}

impl LabeledPrefix {
    /// Append the NLRI to `out`. Without a path identifier on an ADD-PATH session, 0 is sent.
    /// The length octet covers labels and prefix, so a stack must fit in 255 bits with it.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        let bits = 24 * self.labels.len() + usize::from(self.net.prefix_len());
        out.push(bits.min(255) as u8);
        self.labels.encode(out);
        encode_net(&self.net, out);
    }
}

/// Decode a run of labeled prefixes of `afi`, appending to `out`; `withdraw` for the NLRI of
/// an MP_UNREACH_NLRI.
pub fn decode_into(
    afi: Afi,
    mut bytes: &[u8],
    add_path: bool,
    withdraw: bool,
    out: &mut Vec<LabeledPrefix>,
) -> Result<(), &'static str> {
    while !bytes.is_empty() {
        let (path_id, rest) = path_id(bytes, add_path)?;
        let (bits, field, rest) = bit_field(rest)?;
        bytes = rest;
        let (labels, bits) = LabelStack::decode(field, bits, withdraw)?;
        let net = net_from(
            afi,
            bits,
            field.get(labels.wire_len()..).unwrap_or_default(),
        )?;
        out.push(LabeledPrefix {
            path_id,
            labels,
            net,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dec(afi: Afi, b: &[u8], ap: bool, wd: bool) -> Result<Vec<LabeledPrefix>, &'static str> {
        let mut v = Vec::new();
        decode_into(afi, b, ap, wd, &mut v).map(|()| v)
    }

    fn enc(v: &[LabeledPrefix], ap: bool) -> Vec<u8> {
        let mut out = Vec::new();
        v.iter().for_each(|p| p.encode(ap, &mut out));
        out
    }

    #[test]
    fn ipv4_two_labels_both_ways() {
        // bgplu.cap (tests/data/pcap): 1.3.0.0/24, labels 900163 and 900162 (bottom).
        let b = hex::decode("48dbc430dbc421010300").unwrap();
        let v = dec(Afi::IPV4, &b, false, false).unwrap();
        let mut labels = LabelStack::new(Label(0xdbc430));
        labels.push(Label::new(900162, true));
        assert_eq!(
            v,
            vec![LabeledPrefix {
                path_id: None,
                labels,
                net: "1.3.0.0/24".parse().unwrap()
            }]
        );
        assert_eq!(
            v[0].labels.iter().map(Label::value).collect::<Vec<_>>(),
            [900163, 900162]
        );
        assert_eq!(enc(&v, false), b);
    }

    #[test]
    fn ipv6_with_path_id_both_ways() {
        let b = hex::decode("00000007 48 000641 20010db80001".replace(' ', "")).unwrap();
        let v = dec(Afi::IPV6, &b, true, false).unwrap();
        assert_eq!(v[0].path_id, Some(7));
        assert_eq!(v[0].labels, LabelStack::new(Label::new(100, true)));
        assert_eq!(v[0].net, "2001:db8:1::/48".parse::<IpNet>().unwrap());
        assert_eq!(enc(&v, true), b);
    }

    #[test]
    fn withdrawal_compatibility_field_ends_the_stack() {
        for compat in ["800000", "000000"] {
            let b = hex::decode(format!("30{compat}0a0000")).unwrap();
            let v = dec(Afi::IPV4, &b, false, true).unwrap();
            assert_eq!(v[0].net, "10.0.0.0/24".parse::<IpNet>().unwrap());
            assert_eq!(v[0].labels.len(), 1);
            assert_eq!(enc(&v, false), b);
            // In an announcement 0x800000 is a label like any other: no bottom, no prefix.
            assert!(dec(Afi::IPV4, &b, false, false).is_err());
        }
    }

    #[test]
    fn malformed_labeled_nlri_are_errors() {
        for h in [
            "10 0006",
            "18 000640",
            "30 000641",
            "39 000641 0a000000 00",
            "00",
            "",
            "50",
        ] {
            let b = hex::decode(h.replace(' ', "")).unwrap();
            if !b.is_empty() {
                assert!(dec(Afi::IPV4, &b, false, false).is_err(), "{h}");
            }
        }
        assert!(dec(Afi::IPV4, &[0, 0, 1], true, false).is_err());
        // 24 + 129 bits: prefix too long for IPv6.
        let mut b = vec![153, 0, 0, 1];
        b.extend_from_slice(&[0; 17]);
        assert!(dec(Afi::IPV6, &b, false, false).is_err());
    }

    fn arb_prefix() -> impl Strategy<Value = LabeledPrefix> {
        (
            proptest::option::of(any::<u32>()),
            proptest::collection::vec(0u32..0x10_0000, 1..4),
            any::<bool>(),
            any::<u32>(),
            0u8..=32,
        )
            .prop_map(|(path_id, vals, tc, a, len)| {
                let n = vals.len();
                let mut it = vals
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Label((v << 4) | (u32::from(tc) << 2) | u32::from(i + 1 == n)));
                let mut labels = LabelStack::new(it.next().unwrap());
                it.for_each(|l| labels.push(l));
                let net = Ipv4Net::new(Ipv4Addr::from(a), len).unwrap();
                let net = IpNet::V4(Ipv4Net::new(net.network(), len).unwrap());
                LabeledPrefix {
                    path_id,
                    labels,
                    net,
                }
            })
    }

    proptest! {
        #[test]
        fn labeled_round_trip(v in proptest::collection::vec(arb_prefix(), 0..5), ap: bool) {
            let v: Vec<_> = v.into_iter().map(|mut p| { if !ap { p.path_id = None; } p }).collect();
            let b = enc(&v, ap);
            let mut back = dec(Afi::IPV4, &b, ap, false).unwrap();
            if ap {
                back.iter_mut().zip(&v).for_each(|(b, p)| if p.path_id.is_none() { b.path_id = None; });
            }
            prop_assert_eq!(back, v);
        }
    }
}
