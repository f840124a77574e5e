//! MPLS VPN prefixes: IPv4 (RFC 4364 §4.3.4) and IPv6 (RFC 4659 §3.2) VPN addresses with their
//! label stack (RFC 8277), SAFI 128, with the optional ADD-PATH path identifier (RFC 7911 §3);
//! and the route distinguisher (RFC 4364 §4.2) that flow-vpn (RFC 8955 §8) and the VPN next
//! hops of MP_REACH_NLRI use too.
//!
//! ```text
//! +---------------------------+
//! |   Path Identifier (4)     |   only when ADD-PATH is negotiated for the family
//! +---------------------------+
//! |   Length (1 octet)        |   in bits: labels + route distinguisher + prefix
//! +---------------------------+
//! |   Label stack (3 each)    |   until the bottom-of-stack bit (see [`super::labeled`])
//! +---------------------------+
//! |   Route Distinguisher (8) |
//! +---------------------------+
//! |   Prefix (variable)       |
//! +---------------------------+
//! ```

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::IpNet;

use super::labeled::{bit_field, encode_net, net_from, path_id, LabelStack};
use crate::iana::Afi;

/// A route distinguisher (RFC 4364 §4.2), the 8 octets as on the wire.
///
/// Shown as ExaBGP does: type 0 `ASN:N` (2-octet AS, 4-octet number), type 1 `IP:N`, type 2
/// `ASN4:N` (4-octet AS, 2-octet number), any other type as `0x` and the 16 hex digits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RouteDistinguisher(pub [u8; 8]);

impl RouteDistinguisher {
    /// The two-octet type field.
    pub fn kind(&self) -> u16 {
        u16::from_be_bytes([self.0[0], self.0[1]])
    }

    /// From text as ExaBGP's configuration writes it: `ASN:N` is type 0 when the AS fits in
    /// two octets (N in four), else type 2 (4-octet AS, N in two); `a.b.c.d:N` is type 1.
    pub fn parse(s: &str) -> Option<RouteDistinguisher> {
        let (admin, number) = s.split_once(':')?;
        let number: u64 = number.parse().ok()?;
        let mut b = [0u8; 8];
        if admin.contains('.') {
            let ip: Ipv4Addr = admin.parse().ok()?;
            let n = u16::try_from(number).ok()?;
            b[..2].copy_from_slice(&1u16.to_be_bytes());
            b[2..6].copy_from_slice(&ip.octets());
            b[6..].copy_from_slice(&n.to_be_bytes());
            return Some(RouteDistinguisher(b));
        }
        let asn: u64 = admin.parse().ok()?;
        if let (Ok(a), Ok(n)) = (u16::try_from(asn), u32::try_from(number)) {
            b[2..4].copy_from_slice(&a.to_be_bytes());
            b[4..].copy_from_slice(&n.to_be_bytes());
        } else {
            let (a, n) = (u32::try_from(asn).ok()?, u16::try_from(number).ok()?);
            b[..2].copy_from_slice(&2u16.to_be_bytes());
            b[2..6].copy_from_slice(&a.to_be_bytes());
            b[6..].copy_from_slice(&n.to_be_bytes());
        }
        Some(RouteDistinguisher(b))
    }

    pub(crate) fn take(b: &[u8]) -> Option<(RouteDistinguisher, &[u8])> {
        b.split_first_chunk::<8>()
            .map(|(rd, rest)| (RouteDistinguisher(*rd), rest))
    }
}

impl fmt::Display for RouteDistinguisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [t0, t1, a, b, c, d, e, g] = self.0;
        let (hi16, lo16) = (u16::from_be_bytes([a, b]), u16::from_be_bytes([e, g]));
        let (hi32, lo32) = (
            u32::from_be_bytes([a, b, c, d]),
            u32::from_be_bytes([c, d, e, g]),
        );
        match u16::from_be_bytes([t0, t1]) {
            0 => write!(f, "{hi16}:{lo32}"),
            1 => write!(f, "{}:{lo16}", Ipv4Addr::from(hi32)),
            2 => write!(f, "{hi32}:{lo16}"),
            _ => {
                f.write_str("0x")?;
                self.0.iter().try_for_each(|x| write!(f, "{x:02X}"))
            }
        }
    }
}

/// One VPN prefix (RFC 4364, RFC 4659).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VpnPrefix {
    /// Path identifier (RFC 7911).
    pub path_id: Option<u32>,
    /// The label stack (the Compatibility field in a withdrawal, RFC 8277 §2.4).
    pub labels: LabelStack,
    /// The route distinguisher.
    pub rd: RouteDistinguisher,
    /// The prefix.
    pub net: IpNet,
}

impl VpnPrefix {
    /// Append the NLRI to `out`. Without a path identifier on an ADD-PATH session, 0 is sent.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        let bits = 24 * self.labels.len() + 64 + usize::from(self.net.prefix_len());
        out.push(bits.min(255) as u8);
        self.labels.encode(out);
        out.extend_from_slice(&self.rd.0);
        encode_net(&self.net, out);
    }
}

/// Decode a run of VPN prefixes of `afi`, appending to `out`; `withdraw` for the NLRI of an
/// MP_UNREACH_NLRI.
pub fn decode_into(
    afi: Afi,
    mut bytes: &[u8],
    add_path: bool,
    withdraw: bool,
    out: &mut Vec<VpnPrefix>,
) -> Result<(), &'static str> {
    while !bytes.is_empty() {
        let (path_id, rest) = path_id(bytes, add_path)?;
        let (bits, field, rest) = bit_field(rest)?;
        bytes = rest;
        let (labels, bits) = LabelStack::decode(field, bits, withdraw)?;
        let after = field.get(labels.wire_len()..).unwrap_or_default();
        let (Some(bits), Some((rd, prefix))) =
            (bits.checked_sub(64), RouteDistinguisher::take(after))
        else {
            return Err("VPN NLRI too short for a route distinguisher");
        };
        let net = net_from(afi, bits, prefix)?;
        out.push(VpnPrefix {
            path_id,
            labels,
            rd,
            net,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::labeled::Label;
    use super::*;
    use proptest::prelude::*;

    fn dec(afi: Afi, b: &[u8], ap: bool, wd: bool) -> Result<Vec<VpnPrefix>, &'static str> {
        let mut v = Vec::new();
        decode_into(afi, b, ap, wd, &mut v).map(|()| v)
    }

    fn enc(v: &[VpnPrefix], ap: bool) -> Vec<u8> {
        let mut out = Vec::new();
        v.iter().for_each(|p| p.encode(ap, &mut out));
        out
    }

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    #[test]
    fn route_distinguishers_from_text_as_exabgp_packs_them() {
        let p = |s: &str| RouteDistinguisher::parse(s).map(|r| hex::encode(r.0));
        assert_eq!(p("65535:65536").as_deref(), Some("0000ffff00010000"));
        assert_eq!(p("3215:583457597").as_deref(), Some("00000c8f22c6db3d"));
        assert_eq!(p("100000:5").as_deref(), Some("0002000186a00005"));
        assert_eq!(p("192.168.201.1:124").as_deref(), Some("0001c0a8c901007c"));
        for bad in [
            "",
            "1",
            ":1",
            "1:",
            "a:1",
            "1.2.3:1",
            "1.2.3.4:65536",
            "4294967296:1",
            "70000:65536",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
        // And back to the same text.
        for s in ["65535:65536", "192.168.201.1:124", "100000:5"] {
            assert_eq!(RouteDistinguisher::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn route_distinguisher_forms() {
        let rd = |s: &str| RouteDistinguisher(h(s).try_into().unwrap()).to_string();
        assert_eq!(rd("0000fde800000001"), "65000:1");
        assert_eq!(rd("0001c0000201000a"), "192.0.2.1:10");
        assert_eq!(rd("000200010000000a"), "65536:10");
        assert_eq!(rd("000300010000000a"), "0x000300010000000A");
    }

    #[test]
    fn ipv4_vpn_both_ways() {
        // BGP_redist.cap (tests/data/pcap): 170.0.0.0/32, label 25, RD 100:100.
        let b = h("78 000191 0000006400000064 aa000000");
        let v = dec(Afi::IPV4, &b, false, false).unwrap();
        assert_eq!(
            v,
            vec![VpnPrefix {
                path_id: None,
                labels: LabelStack::new(Label::new(25, true)),
                rd: RouteDistinguisher(h("0000006400000064").try_into().unwrap()),
                net: "170.0.0.0/32".parse().unwrap(),
            }]
        );
        assert_eq!(v[0].rd.to_string(), "100:100");
        assert_eq!(enc(&v, false), b);
    }

    #[test]
    fn ipv6_vpn_with_path_id_and_two_labels_both_ways() {
        let b = h("00000009 a0 000640 000651 0000fde800000001 20010db80001");
        let v = dec(Afi::IPV6, &b, true, false).unwrap();
        assert_eq!(v[0].path_id, Some(9));
        assert_eq!(
            v[0].labels.iter().map(Label::value).collect::<Vec<_>>(),
            [100, 101]
        );
        assert_eq!(v[0].net, "2001:db8:1::/48".parse::<IpNet>().unwrap());
        assert_eq!(enc(&v, true), b);
    }

    #[test]
    fn withdrawal_with_compatibility_field() {
        let b = h("70 800000 0000fde800000001 0a0000");
        let v = dec(Afi::IPV4, &b, false, true).unwrap();
        assert_eq!(v[0].labels, LabelStack::new(Label::WITHDRAW));
        assert_eq!(v[0].net, "10.0.0.0/24".parse::<IpNet>().unwrap());
        assert_eq!(enc(&v, false), b);
    }

    #[test]
    fn malformed_vpn_nlri_are_errors() {
        for s in [
            "50 000641 0000fde8000000",               // 80 bits: RD cut short
            "40 000641 0000fde80000",                 // 64 bits: no room for the RD
            "79 000641 0000fde800000001 0a000000 00", // 33-bit prefix
            "70 000641 0000fde800000001 0a00",        // overruns
        ] {
            assert!(dec(Afi::IPV4, &h(s), false, false).is_err(), "{s}");
        }
    }

    proptest! {
        #[test]
        fn vpn_round_trip(
            entries in proptest::collection::vec(
                (any::<[u8; 8]>(), 1u32..0x10_0000, any::<u128>(), 0u8..=128, any::<u32>()), 0..5),
            ap: bool,
        ) {
            let v: Vec<VpnPrefix> = entries
                .into_iter()
                .map(|(rd, l, a, len, id)| {
                    let n = ipnet::Ipv6Net::new(std::net::Ipv6Addr::from(a), len).unwrap();
                    VpnPrefix {
                        path_id: ap.then_some(id),
                        labels: LabelStack::new(Label::new(l, true)),
                        rd: RouteDistinguisher(rd),
                        net: IpNet::V6(ipnet::Ipv6Net::new(n.network(), len).unwrap()),
                    }
                })
                .collect();
            let b = enc(&v, ap);
            prop_assert_eq!(dec(Afi::IPV6, &b, ap, false).unwrap(), v);
        }
    }
}
