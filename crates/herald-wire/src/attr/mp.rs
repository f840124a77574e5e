//! MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760 §3, §4), next hops of RFC 2545 and RFC 8950.
//!
//! ```text
//! MP_REACH_NLRI                          MP_UNREACH_NLRI
//! +--------------------------------+     +--------------------------------+
//! | AFI (2) | SAFI (1)             |     | AFI (2) | SAFI (1)             |
//! | Next hop length (1)            |     | Withdrawn routes (variable)    |
//! | Next hop (variable)            |     +--------------------------------+
//! | Reserved (1)                   |
//! | NLRI (variable)                |
//! +--------------------------------+
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::iana::{Afi, Family, Safi};
use crate::nlri::{NlriList, RouteDistinguisher};
use crate::reader::Reader;
use crate::Context;

/// The next hop of an MP_REACH_NLRI.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NextHop {
    /// Four octets.
    Ipv4(Ipv4Addr),
    /// Sixteen octets: a global IPv6 address.
    Ipv6(Ipv6Addr),
    /// Thirty-two octets: global and link-local IPv6 addresses (RFC 2545 §3).
    Ipv6LinkLocal(Ipv6Addr, Ipv6Addr),
    /// Twelve or twenty-four octets: a route distinguisher (zero when sent) and an IPv4 or
    /// IPv6 address, the next hop of VPN families (RFC 4364 §4.3.2, RFC 4659 §3.2.1,
    /// RFC 8950 §4 for IPv4 VPN over IPv6).
    Vpn(RouteDistinguisher, IpAddr),
    /// Forty-eight octets: route distinguisher + global IPv6 address, route distinguisher +
    /// link-local IPv6 address (RFC 4659 §3.2.1).
    VpnLinkLocal(RouteDistinguisher, Ipv6Addr, RouteDistinguisher, Ipv6Addr),
    /// Any other length (none for flowspec, …).
    Raw(Vec<u8>),
}

impl NextHop {
    /// From the next-hop octets.
    pub fn from_bytes(b: &[u8]) -> NextHop {
        if let Ok(a) = <[u8; 4]>::try_from(b) {
            return NextHop::Ipv4(Ipv4Addr::from(a));
        }
        if let Ok(a) = <[u8; 16]>::try_from(b) {
            return NextHop::Ipv6(Ipv6Addr::from(a));
        }
        if let (Some(g), Some(l)) = (
            b.first_chunk::<16>(),
            b.get(16..).and_then(|r| <[u8; 16]>::try_from(r).ok()),
        ) {
            return NextHop::Ipv6LinkLocal(Ipv6Addr::from(*g), Ipv6Addr::from(l));
        }
        let rd_v6 = |b: &[u8]| {
            let (rd, a) = RouteDistinguisher::take(b)?;
            Some((rd, Ipv6Addr::from(<[u8; 16]>::try_from(a).ok()?)))
        };
        match b.len() {
            12 => {
                if let Some((rd, a)) = RouteDistinguisher::take(b) {
                    if let Ok(a) = <[u8; 4]>::try_from(a) {
                        return NextHop::Vpn(rd, IpAddr::V4(Ipv4Addr::from(a)));
                    }
                }
            }
            24 => {
                if let Some((rd, a)) = rd_v6(b) {
                    return NextHop::Vpn(rd, IpAddr::V6(a));
                }
            }
            48 => {
                if let (Some((rd, g)), Some((rd2, l))) =
                    (b.get(..24).and_then(rd_v6), b.get(24..).and_then(rd_v6))
                {
                    return NextHop::VpnLinkLocal(rd, g, rd2, l);
                }
            }
            _ => {}
        }
        NextHop::Raw(b.to_vec())
    }

    /// From an IP address.
    pub fn from_ip(ip: std::net::IpAddr) -> NextHop {
        match ip {
            std::net::IpAddr::V4(a) => NextHop::Ipv4(a),
            std::net::IpAddr::V6(a) => NextHop::Ipv6(a),
        }
    }

    /// The length on the wire.
    pub fn wire_len(&self) -> usize {
        match self {
            NextHop::Ipv4(_) => 4,
            NextHop::Ipv6(_) => 16,
            NextHop::Ipv6LinkLocal(..) => 32,
            NextHop::Vpn(_, IpAddr::V4(_)) => 12,
            NextHop::Vpn(_, IpAddr::V6(_)) => 24,
            NextHop::VpnLinkLocal(..) => 48,
            NextHop::Raw(r) => r.len(),
        }
    }

    /// Append the octets (without the length).
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            NextHop::Ipv4(a) => out.extend_from_slice(&a.octets()),
            NextHop::Ipv6(a) => out.extend_from_slice(&a.octets()),
            NextHop::Ipv6LinkLocal(g, l) => {
                out.extend_from_slice(&g.octets());
                out.extend_from_slice(&l.octets());
            }
            NextHop::Vpn(rd, a) => {
                out.extend_from_slice(&rd.0);
                match a {
                    IpAddr::V4(a) => out.extend_from_slice(&a.octets()),
                    IpAddr::V6(a) => out.extend_from_slice(&a.octets()),
                }
            }
            NextHop::VpnLinkLocal(rd, g, rd2, l) => {
                out.extend_from_slice(&rd.0);
                out.extend_from_slice(&g.octets());
                out.extend_from_slice(&rd2.0);
                out.extend_from_slice(&l.octets());
            }
            NextHop::Raw(r) => out.extend_from_slice(r),
        }
    }

    /// The address to show, if the next hop is one (the global one for IPv6 pairs).
    pub fn ip(&self) -> Option<std::net::IpAddr> {
        match self {
            NextHop::Ipv4(a) => Some((*a).into()),
            NextHop::Ipv6(a) | NextHop::Ipv6LinkLocal(a, _) => Some((*a).into()),
            NextHop::Vpn(_, a) => Some(*a),
            NextHop::VpnLinkLocal(_, a, _, _) => Some((*a).into()),
            NextHop::Raw(_) => None,
        }
    }
}

/// MP_REACH_NLRI.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MpReach {
    /// The family of the NLRI.
    pub family: Family,
    /// The next hop.
    pub next_hop: NextHop,
    /// The reserved octet (RFC 4760: must be 0 when sent, ignored on receipt).
    pub reserved: u8,
    /// The NLRI.
    pub nlri: NlriList,
}

/// MP_UNREACH_NLRI.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MpUnreach {
    /// The family of the withdrawn NLRI.
    pub family: Family,
    /// The withdrawn NLRI (empty for End-of-RIB, RFC 4724 §2).
    pub nlri: NlriList,
}

/// Why an MP attribute did not decode: the family when it could be read (for AFI/SAFI
/// disable), and whether the fault is in the NLRI (3/10) or the attribute (3/9).
#[derive(Debug)]
pub(crate) struct MpError {
    pub(crate) family: Option<Family>,
    pub(crate) in_nlri: bool,
}

fn family(r: &mut Reader<'_>) -> Option<Family> {
    Some(Family::new(Afi(r.u16()?), Safi(r.u8()?)))
}

/// Whether a next hop of `len` octets is one `family` can carry: IPv4 (4), IPv6 global (16) or
/// global and link-local (32), with an 8-octet route distinguisher before each address for VPN
/// families; IPv6 next hops for IPv4 NLRI (RFC 8950); none or one address for flowspec. Other
/// families are not checked.
fn next_hop_length_fits(family: Family, len: u8) -> bool {
    match (family.afi.0, family.safi.0) {
        (1, 1 | 2 | 4) => matches!(len, 4 | 16 | 32),
        (2, 1 | 2 | 4) => matches!(len, 16 | 32),
        (1 | 2, 128 | 129) => matches!(len, 12 | 24 | 48),
        (1 | 2, 133 | 134) => matches!(len, 0 | 4 | 12 | 16 | 24 | 32),
        _ => true,
    }
}

impl MpReach {
    pub(crate) fn decode(v: &[u8], ctx: &Context) -> Result<MpReach, MpError> {
        let mut r = Reader::new(v);
        let fam = family(&mut r).ok_or(MpError {
            family: None,
            in_nlri: false,
        })?;
        let err = |in_nlri| MpError {
            family: Some(fam),
            in_nlri,
        };
        let nh_len = r.u8().ok_or(err(false))?;
        // RFC 7606 §7.11: a next hop length the family cannot have makes the attribute
        // malformed (the NLRI after it cannot be located reliably).
        if !next_hop_length_fits(fam, nh_len) {
            return Err(err(false));
        }
        let nh = r.take(usize::from(nh_len)).ok_or(err(false))?;
        let reserved = r.u8().ok_or(err(false))?;
        let nlri = NlriList::decode(fam, r.rest(), ctx.add_path(fam)).map_err(|_| err(true))?;
        Ok(MpReach {
            family: fam,
            next_hop: NextHop::from_bytes(nh),
            reserved,
            nlri,
        })
    }

    pub(crate) fn encode(&self, ctx: &Context, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.family.afi.0.to_be_bytes());
        out.push(self.family.safi.0);
        out.push(self.next_hop.wire_len() as u8);
        self.next_hop.encode(out);
        out.push(self.reserved);
        self.nlri.encode(ctx.add_path(self.family), out);
    }
}

impl MpUnreach {
    pub(crate) fn decode(v: &[u8], ctx: &Context) -> Result<MpUnreach, MpError> {
        let mut r = Reader::new(v);
        let fam = family(&mut r).ok_or(MpError {
            family: None,
            in_nlri: false,
        })?;
        let nlri =
            NlriList::decode_withdrawn(fam, r.rest(), ctx.add_path(fam)).map_err(|_| MpError {
                family: Some(fam),
                in_nlri: true,
            })?;
        Ok(MpUnreach { family: fam, nlri })
    }

    pub(crate) fn encode(&self, ctx: &Context, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.family.afi.0.to_be_bytes());
        out.push(self.family.safi.0);
        self.nlri.encode(ctx.add_path(self.family), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_hop_forms() {
        assert_eq!(
            NextHop::from_bytes(&[192, 0, 2, 1]),
            NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1))
        );
        let g: Ipv6Addr = "2001:db8::1".parse().unwrap();
        let l: Ipv6Addr = "fe80::1".parse().unwrap();
        let mut b = g.octets().to_vec();
        assert_eq!(NextHop::from_bytes(&b), NextHop::Ipv6(g));
        b.extend_from_slice(&l.octets());
        let nh = NextHop::from_bytes(&b);
        assert_eq!(nh, NextHop::Ipv6LinkLocal(g, l));
        let mut out = Vec::new();
        nh.encode(&mut out);
        assert_eq!(out, b);
        assert_eq!(NextHop::from_bytes(&[0; 7]), NextHop::Raw(vec![0; 7]));
    }

    #[test]
    fn vpn_next_hops_both_ways() {
        let rd = RouteDistinguisher::default();
        let cases = [
            (
                "0000000000000000 0a000001",
                NextHop::Vpn(rd, "10.0.0.1".parse().unwrap()),
            ),
            (
                "0000000000000000 20010db8000000000000000000000001",
                NextHop::Vpn(rd, "2001:db8::1".parse().unwrap()),
            ),
            (
                "0000000000000000 20010db8000000000000000000000001 \
                 0000000000000001 fe800000000000000000000000000001",
                NextHop::VpnLinkLocal(
                    rd,
                    "2001:db8::1".parse().unwrap(),
                    RouteDistinguisher([0, 0, 0, 0, 0, 0, 0, 1]),
                    "fe80::1".parse().unwrap(),
                ),
            ),
        ];
        for (h, nh) in cases {
            let b = hex::decode(h.replace([' ', '\\'], "")).unwrap();
            assert_eq!(NextHop::from_bytes(&b), nh);
            assert_eq!(nh.wire_len(), b.len());
            let mut out = Vec::new();
            nh.encode(&mut out);
            assert_eq!(out, b);
        }
        assert_eq!(
            NextHop::Vpn(rd, "2001:db8::1".parse().unwrap()).ip(),
            Some("2001:db8::1".parse().unwrap())
        );
    }

    #[test]
    fn mp_reach_ipv6_round_trip() {
        let v = hex::decode("0002011020010db8000000000000000000000001003020010db80001").unwrap();
        let ctx = Context::default();
        let m = MpReach::decode(&v, &ctx).unwrap();
        assert_eq!(m.family, Family::IPV6_UNICAST);
        assert_eq!(m.nlri.prefixes()[0].net.to_string(), "2001:db8:1::/48");
        let mut out = Vec::new();
        m.encode(&ctx, &mut out);
        assert_eq!(out, v);
    }
}
