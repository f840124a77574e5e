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
