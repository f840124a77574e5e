//! COMMUNITIES (RFC 1997), LARGE_COMMUNITY (RFC 8092), EXTENDED COMMUNITIES (RFC 4360 and the
//! registries built on it) and IPv6 Address Specific Extended Communities (RFC 5701).

use std::net::{Ipv4Addr, Ipv6Addr};

/// A standard community (RFC 1997): `asn:value` in one 32-bit word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Community(pub u32);

impl Community {
    /// NO_EXPORT (RFC 1997).
    pub const NO_EXPORT: Community = Community(0xFFFF_FF01);
    /// NO_ADVERTISE (RFC 1997).
    pub const NO_ADVERTISE: Community = Community(0xFFFF_FF02);
    /// NO_EXPORT_SUBCONFED (RFC 1997).
    pub const NO_EXPORT_SUBCONFED: Community = Community(0xFFFF_FF03);
    /// NOPEER (RFC 3765).
    pub const NOPEER: Community = Community(0xFFFF_FF04);
    /// BLACKHOLE (RFC 7999).
    pub const BLACKHOLE: Community = Community(0xFFFF_029A);
    /// GRACEFUL_SHUTDOWN (RFC 8326).
    pub const GRACEFUL_SHUTDOWN: Community = Community(0xFFFF_0000);
    /// LLGR_STALE (RFC 9494).
    pub const LLGR_STALE: Community = Community(0xFFFF_0006);
    /// NO_LLGR (RFC 9494).
    pub const NO_LLGR: Community = Community(0xFFFF_0007);

    /// From the two halves.
    pub fn new(asn: u16, value: u16) -> Self {
        Community((u32::from(asn) << 16) | u32::from(value))
    }

    /// The high half.
    pub fn asn(self) -> u16 {
        (self.0 >> 16) as u16
    }

    /// The low half.
    pub fn value(self) -> u16 {
        self.0 as u16
    }

    /// The well-known name ExaBGP uses, if any.
    pub fn well_known_name(self) -> Option<&'static str> {
        Some(match self {
            Community::NO_EXPORT => "no-export",
            Community::NO_ADVERTISE => "no-advertise",
            Community::NO_EXPORT_SUBCONFED => "no-export-subconfed",
            Community::NOPEER => "nopeer",
            Community::BLACKHOLE => "blackhole",
            _ => return None,
        })
    }

    /// Parse `asn:value`, a plain 32-bit number or a well-known name.
    pub fn parse(s: &str) -> Option<Community> {
        Some(match s.to_ascii_lowercase().as_str() {
            "no-export" | "no_export" => Community::NO_EXPORT,
            "no-advertise" | "no_advertise" => Community::NO_ADVERTISE,
            "no-export-subconfed" | "no_export_subconfed" => Community::NO_EXPORT_SUBCONFED,
            "nopeer" | "no-peer" => Community::NOPEER,
            "blackhole" => Community::BLACKHOLE,
            "graceful-shutdown" => Community::GRACEFUL_SHUTDOWN,
            "llgr-stale" => Community::LLGR_STALE,
            "no-llgr" => Community::NO_LLGR,
            other => match other.split_once(':') {
                Some((a, v)) => Community::new(parse_u16(a)?, parse_u16(v)?),
                None => Community(parse_u32(other)?),
            },
        })
    }
}

pub(crate) fn parse_u16(s: &str) -> Option<u16> {
    parse_u32(s).and_then(|v| u16::try_from(v).ok())
}

pub(crate) fn parse_u32(s: &str) -> Option<u32> {
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u32::from_str_radix(h, 16).ok()
    } else {
        s.parse().ok()
    }
}

/// A large community (RFC 8092): three 32-bit words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LargeCommunity {
    /// Global administrator (an AS number).
    pub global: u32,
    /// First local data part.
    pub local1: u32,
    /// Second local data part.
    pub local2: u32,
}

impl LargeCommunity {
    /// Parse `a:b:c`.
    pub fn parse(s: &str) -> Option<LargeCommunity> {
        let mut it = s.split(':');
        let lc = LargeCommunity {
            global: parse_u32(it.next()?)?,
            local1: parse_u32(it.next()?)?,
            local2: parse_u32(it.next()?)?,
        };
        it.next().is_none().then_some(lc)
    }
}

/// An extended community (RFC 4360): eight octets, type and sub-type first.
///
/// The value is kept as octets so every type, known or not, round-trips; accessors interpret
/// the registries herald knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExtCommunity(pub [u8; 8]);

impl ExtCommunity {
    /// The type octet (high-order octet, with the IANA authority and transitive bits).
    pub fn kind(&self) -> u8 {
        self.0[0]
    }

    /// The sub-type octet.
    pub fn subtype(&self) -> u8 {
        self.0[1]
    }

    /// The whole value as a 64-bit integer (ExaBGP's JSON `value`).
    pub fn as_u64(&self) -> u64 {
        u64::from_be_bytes(self.0)
    }

    /// Two-octet-AS specific (type 0x00/0x40): AS and 4-octet local value.
    pub fn two_octet_as(kind: u8, subtype: u8, asn: u16, local: u32) -> Self {
        let mut b = [kind, subtype, 0, 0, 0, 0, 0, 0];
        b[2..4].copy_from_slice(&asn.to_be_bytes());
        b[4..8].copy_from_slice(&local.to_be_bytes());
        ExtCommunity(b)
    }

    /// IPv4-address specific (type 0x01/0x41): address and 2-octet local value.
    pub fn ipv4_address(kind: u8, subtype: u8, addr: Ipv4Addr, local: u16) -> Self {
        let mut b = [kind, subtype, 0, 0, 0, 0, 0, 0];
        b[2..6].copy_from_slice(&addr.octets());
        b[6..8].copy_from_slice(&local.to_be_bytes());
        ExtCommunity(b)
    }

    /// Four-octet-AS specific (type 0x02/0x42): AS and 2-octet local value.
    pub fn four_octet_as(kind: u8, subtype: u8, asn: u32, local: u16) -> Self {
        let mut b = [kind, subtype, 0, 0, 0, 0, 0, 0];
        b[2..6].copy_from_slice(&asn.to_be_bytes());
        b[6..8].copy_from_slice(&local.to_be_bytes());
        ExtCommunity(b)
    }

    /// Route target `target:ASN:N` / `target:IP:N` (sub-type 0x02) in the form the values need.
    pub fn route_target(global: RtGlobal, local: u32) -> Option<Self> {
        Self::rt_or_origin(0x02, global, local)
    }

    /// Route origin `origin:ASN:N` / `origin:IP:N` (sub-type 0x03).
    pub fn route_origin(global: RtGlobal, local: u32) -> Option<Self> {
        Self::rt_or_origin(0x03, global, local)
    }

    fn rt_or_origin(subtype: u8, global: RtGlobal, local: u32) -> Option<Self> {
        Some(match global {
            RtGlobal::Asn(a) if a <= 0xffff => Self::two_octet_as(0x00, subtype, a as u16, local),
            RtGlobal::Asn(a) => Self::four_octet_as(0x02, subtype, a, u16::try_from(local).ok()?),
            RtGlobal::Ip(ip) => Self::ipv4_address(0x01, subtype, ip, u16::try_from(local).ok()?),
        })
    }
}

/// Flow specification actions (RFC 8955 §7) and the redirect communities that go with them.
///
/// ```text
/// traffic-rate-bytes    0x80 0x06  AS (2)  rate, IEEE 754 single, bytes/s (4)   0 = discard
/// traffic-rate-packets  0x80 0x0C  AS (2)  rate, IEEE 754 single, packets/s (4)
/// traffic-action        0x80 0x07  0 (5)   flags (1): 0x02 sample, 0x01 terminal
/// redirect AS-2         0x80 0x08  AS (2)  local (4)                 (RFC 8955 §7.4)
/// redirect IPv4         0x81 0x08  IPv4 (4) local (2)                (RFC 8955 §7.4)
/// redirect AS-4         0x82 0x08  AS (4)  local (2)                 (RFC 8955 §7.4)
/// traffic-marking       0x80 0x09  0 (5)   DSCP (1)                  (RFC 8955 §7.5)
/// redirect to next hop  0x08 0x00  0 (5)   flags (1): 0x01 copy      (draft-simpson-idr-flowspec-redirect)
/// redirect to IPv4      0x01 0x0C  IPv4 (4) flags (2): 0x01 copy     (draft-ietf-idr-flowspec-redirect-ip)
/// interface-set         0x07 0x02  AS (4)  direction (2 bits) group (14 bits)
///                       (0x47 when non-transitive; draft-ietf-idr-flowspec-interfaceset)
/// ```
impl ExtCommunity {
    fn flow(kind: u8, subtype: u8, value: [u8; 6]) -> Self {
        let [a, b, c, d, e, f] = value;
        ExtCommunity([kind, subtype, a, b, c, d, e, f])
    }

    fn rate(subtype: u8, asn: u16, rate: f32) -> Self {
        let [a0, a1] = asn.to_be_bytes();
        let [r0, r1, r2, r3] = rate.to_be_bytes();
        Self::flow(0x80, subtype, [a0, a1, r0, r1, r2, r3])
    }

    /// traffic-rate-bytes (RFC 8955 §7.1): `rate` bytes per second, 0 to discard. ExaBGP
    /// (like Juniper) sends AS 0.
    pub fn traffic_rate_bytes(asn: u16, rate: f32) -> Self {
        Self::rate(0x06, asn, rate)
    }

    /// traffic-rate-packets (RFC 8955 §7.1): `rate` packets per second.
    pub fn traffic_rate_packets(asn: u16, rate: f32) -> Self {
        Self::rate(0x0C, asn, rate)
    }

    /// traffic-action (RFC 8955 §7.3): sample and/or terminal.
    pub fn traffic_action(sample: bool, terminal: bool) -> Self {
        let bits = u8::from(sample) << 1 | u8::from(terminal);
        Self::flow(0x80, 0x07, [0, 0, 0, 0, 0, bits])
    }

    /// traffic-marking (RFC 8955 §7.5): set the DSCP.
    pub fn traffic_marking(dscp: u8) -> Self {
        Self::flow(0x80, 0x09, [0, 0, 0, 0, 0, dscp])
    }

    /// Redirect to the route's next hop, or copy to it (draft-simpson-idr-flowspec-redirect,
    /// ExaBGP's `redirect-to-nexthop`, `redirect IP` and `copy IP`).
    pub fn redirect_to_next_hop(copy: bool) -> Self {
        Self::flow(0x08, 0x00, [0, 0, 0, 0, 0, u8::from(copy)])
    }

    /// Redirect (or copy) to an IPv4 address (draft-ietf-idr-flowspec-redirect-ip, ExaBGP's
    /// `redirect-to-nexthop-ietf`).
    pub fn redirect_to_ipv4(addr: Ipv4Addr, copy: bool) -> Self {
        let [a, b, c, d] = addr.octets();
        Self::flow(0x01, 0x0C, [a, b, c, d, 0, u8::from(copy)])
    }

    /// Interface set (draft-ietf-idr-flowspec-interfaceset): `direction` 1 input, 2 output, 3
    /// both, in the top two bits of the last two octets; `group` the low 14 bits.
    pub fn interface_set(transitive: bool, asn: u32, direction: u8, group: u16) -> Self {
        let kind = if transitive { 0x07 } else { 0x47 };
        let [a0, a1, a2, a3] = asn.to_be_bytes();
        let [g0, g1] = (u16::from(direction & 3) << 14 | group & 0x3FFF).to_be_bytes();
        Self::flow(kind, 0x02, [a0, a1, a2, a3, g0, g1])
    }
}

/// The global administrator of a route target or origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RtGlobal {
    /// An AS number (2- or 4-octet form chosen by its value).
    Asn(u32),
    /// An IPv4 address.
    Ip(Ipv4Addr),
}

/// An IPv6 address specific extended community (RFC 5701): type, sub-type, IPv6 global
/// administrator, 2-octet local administrator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv6ExtCommunity(pub [u8; 20]);

impl Ipv6ExtCommunity {
    /// Redirect (or copy) to an IPv6 address (draft-ietf-idr-flowspec-redirect-ip, type 0x00
    /// sub-type 0x0C, ExaBGP's `redirect-to-nexthop-ietf` with an IPv6 address).
    pub fn redirect_to_ipv6(addr: Ipv6Addr, copy: bool) -> Self {
        let mut b = [0u8; 20];
        b[1] = 0x0C;
        b[2..18].copy_from_slice(&addr.octets());
        b[19] = u8::from(copy);
        Ipv6ExtCommunity(b)
    }

    /// The type octet.
    pub fn kind(&self) -> u8 {
        self.0[0]
    }

    /// The sub-type octet.
    pub fn subtype(&self) -> u8 {
        self.0[1]
    }

    /// The IPv6 global administrator.
    pub fn address(&self) -> Ipv6Addr {
        let mut a = [0u8; 16];
        a.copy_from_slice(&self.0[2..18]);
        Ipv6Addr::from(a)
    }

    /// The local administrator.
    pub fn local(&self) -> u16 {
        u16::from_be_bytes([self.0[18], self.0[19]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn community_parsing() {
        assert_eq!(Community::parse("65000:1"), Some(Community(0xFDE8_0001)));
        assert_eq!(Community::parse("no-export"), Some(Community::NO_EXPORT));
        assert_eq!(Community::parse("4294967041"), Some(Community::NO_EXPORT));
        assert_eq!(Community::parse("70000:1"), None);
        assert_eq!(
            Community::NO_ADVERTISE.well_known_name(),
            Some("no-advertise")
        );
    }

    #[test]
    fn large_community_parsing() {
        assert_eq!(
            LargeCommunity::parse("4200000000:1:2"),
            Some(LargeCommunity {
                global: 4_200_000_000,
                local1: 1,
                local2: 2
            })
        );
        assert_eq!(LargeCommunity::parse("1:2"), None);
        assert_eq!(LargeCommunity::parse("1:2:3:4"), None);
    }

    /// The flowspec communities as ExaBGP 5.0.15 sends them (captured from it, see
    /// crates/herald-config/tests/flow.rs).
    #[test]
    fn flowspec_actions_as_exabgp_sends_them() {
        let h = |c: ExtCommunity| c.0.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let ip = Ipv4Addr::new(192, 0, 2, 10);
        let cases = [
            (ExtCommunity::traffic_rate_bytes(0, 0.0), "8006000000000000"),
            (
                ExtCommunity::traffic_rate_bytes(0, 9600.0),
                "8006000046160000",
            ),
            (
                ExtCommunity::traffic_rate_bytes(0, 1e12),
                "800600005368d4a5",
            ),
            (
                ExtCommunity::traffic_rate_packets(0, 1000.0),
                "800c0000447a0000",
            ),
            (
                ExtCommunity::traffic_action(true, false),
                "8007000000000002",
            ),
            (
                ExtCommunity::traffic_action(false, true),
                "8007000000000001",
            ),
            (ExtCommunity::traffic_action(true, true), "8007000000000003"),
            (ExtCommunity::traffic_marking(46), "800900000000002e"),
            (
                ExtCommunity::redirect_to_next_hop(false),
                "0800000000000000",
            ),
            (ExtCommunity::redirect_to_next_hop(true), "0800000000000001"),
            (
                ExtCommunity::redirect_to_ipv4(ip, false),
                "010cc000020a0000",
            ),
            (
                ExtCommunity::interface_set(false, 3405770241, 1, 1),
                "4702caffee014001",
            ),
            (
                ExtCommunity::interface_set(true, 254, 2, 254),
                "0702000000fe80fe",
            ),
            (
                ExtCommunity::interface_set(true, 0, 3, 16383),
                "070200000000ffff",
            ),
        ];
        for (c, want) in cases {
            assert_eq!(h(c), want);
        }
        let v6 = Ipv6ExtCommunity::redirect_to_ipv6("2001:db8::10".parse().unwrap(), false);
        assert_eq!(
            v6.0.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "000c20010db80000000000000000000000100000"
        );
        assert_eq!(v6.subtype(), 0x0C);
    }

    #[test]
    fn route_targets_in_three_forms() {
        assert_eq!(
            ExtCommunity::route_target(RtGlobal::Asn(65000), 100)
                .unwrap()
                .0,
            [0x00, 0x02, 0xfd, 0xe8, 0, 0, 0, 100]
        );
        assert_eq!(
            ExtCommunity::route_target(RtGlobal::Ip(Ipv4Addr::new(192, 0, 2, 1)), 7)
                .unwrap()
                .0,
            [0x01, 0x02, 192, 0, 2, 1, 0, 7]
        );
        assert_eq!(
            ExtCommunity::route_target(RtGlobal::Asn(4_200_000_000), 7)
                .unwrap()
                .0,
            [0x02, 0x02, 0xfa, 0x56, 0xea, 0x00, 0, 7]
        );
        assert!(ExtCommunity::route_target(RtGlobal::Asn(4_200_000_000), 70000).is_none());
    }
}
