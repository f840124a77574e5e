//! IANA registries used on the wire: message types, address families, attribute type codes.
//!
//! Code points are newtypes over the wire integer with named constants, so a value this crate
//! has no name for still decodes and re-encodes unchanged (house rule 6).

use std::fmt;

/// Address Family Identifier (IANA "Address Family Numbers").
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Afi(pub u16);

impl Afi {
    /// IPv4.
    pub const IPV4: Afi = Afi(1);
    /// IPv6.
    pub const IPV6: Afi = Afi(2);
    /// Layer-2 VPN (RFC 4761, RFC 7432).
    pub const L2VPN: Afi = Afi(25);
    /// BGP-LS (RFC 9552).
    pub const BGP_LS: Afi = Afi(16388);

    /// The name ExaBGP uses for this AFI (`ipv4`, `ipv6`, `l2vpn`, `bgp-ls`), if it has one.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Afi::IPV4 => "ipv4",
            Afi::IPV6 => "ipv6",
            Afi::L2VPN => "l2vpn",
            Afi::BGP_LS => "bgp-ls",
            _ => return None,
        })
    }

    /// Parse an ExaBGP AFI name.
    pub fn from_name(s: &str) -> Option<Afi> {
        Some(match s {
            "ipv4" => Afi::IPV4,
            "ipv6" => Afi::IPV6,
            "l2vpn" => Afi::L2VPN,
            "bgp-ls" => Afi::BGP_LS,
            _ => return None,
        })
    }
}

impl fmt::Debug for Afi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Afi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "afi-{}", self.0),
        }
    }
}

/// Subsequent Address Family Identifier (IANA "SAFI Values").
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Safi(pub u8);

impl Safi {
    /// Unicast (RFC 4760).
    pub const UNICAST: Safi = Safi(1);
    /// Multicast (RFC 4760).
    pub const MULTICAST: Safi = Safi(2);
    /// Labeled unicast (RFC 8277).
    pub const MPLS_LABEL: Safi = Safi(4);
    /// Multicast VPN (RFC 6514).
    pub const MCAST_VPN: Safi = Safi(5);
    /// VPLS (RFC 4761).
    pub const VPLS: Safi = Safi(65);
    /// EVPN (RFC 7432).
    pub const EVPN: Safi = Safi(70);
    /// BGP-LS (RFC 9552).
    pub const BGP_LS: Safi = Safi(71);
    /// BGP-LS VPN (RFC 9552).
    pub const BGP_LS_VPN: Safi = Safi(72);
    /// SR Policy.
    pub const SR_POLICY: Safi = Safi(73);
    /// Mobile User Plane (draft-mpmz-bess-mup-safi).
    pub const MUP: Safi = Safi(85);
    /// MPLS-labeled VPN address (RFC 4364).
    pub const MPLS_VPN: Safi = Safi(128);
    /// Route Target constraint (RFC 4684).
    pub const RTC: Safi = Safi(132);
    /// Flow specification (RFC 8955).
    pub const FLOW: Safi = Safi(133);
    /// Flow specification for VPNs (RFC 8955).
    pub const FLOW_VPN: Safi = Safi(134);

    /// The name ExaBGP uses for this SAFI, if it has one.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Safi::UNICAST => "unicast",
            Safi::MULTICAST => "multicast",
            Safi::MPLS_LABEL => "nlri-mpls",
            Safi::MCAST_VPN => "mcast-vpn",
            Safi::VPLS => "vpls",
            Safi::EVPN => "evpn",
            Safi::BGP_LS => "bgp-ls",
            Safi::BGP_LS_VPN => "bgp-ls-vpn",
            Safi::SR_POLICY => "sr-policy",
            Safi::MUP => "mup",
            Safi::MPLS_VPN => "mpls-vpn",
            Safi::RTC => "rtc",
            Safi::FLOW => "flow",
            Safi::FLOW_VPN => "flow-vpn",
            _ => return None,
        })
    }

    /// Parse an ExaBGP SAFI name (`labeled-unicast` is accepted for `nlri-mpls`).
    pub fn from_name(s: &str) -> Option<Safi> {
        Some(match s {
            "unicast" => Safi::UNICAST,
            "multicast" => Safi::MULTICAST,
            "nlri-mpls" | "labeled-unicast" => Safi::MPLS_LABEL,
            "mcast-vpn" => Safi::MCAST_VPN,
            "vpls" => Safi::VPLS,
            "evpn" => Safi::EVPN,
            "bgp-ls" => Safi::BGP_LS,
            "bgp-ls-vpn" => Safi::BGP_LS_VPN,
            "sr-policy" => Safi::SR_POLICY,
            "mup" => Safi::MUP,
            "mpls-vpn" => Safi::MPLS_VPN,
            "rtc" => Safi::RTC,
            "flow" => Safi::FLOW,
            "flow-vpn" => Safi::FLOW_VPN,
            _ => return None,
        })
    }
}

impl fmt::Debug for Safi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Safi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "safi-{}", self.0),
        }
    }
}

/// An address family: AFI and SAFI together.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Family {
    /// The AFI.
    pub afi: Afi,
    /// The SAFI.
    pub safi: Safi,
}

impl Family {
    /// IPv4 unicast.
    pub const IPV4_UNICAST: Family = Family::new(Afi::IPV4, Safi::UNICAST);
    /// IPv4 multicast.
    pub const IPV4_MULTICAST: Family = Family::new(Afi::IPV4, Safi::MULTICAST);
    /// IPv6 unicast.
    pub const IPV6_UNICAST: Family = Family::new(Afi::IPV6, Safi::UNICAST);
    /// IPv6 multicast.
    pub const IPV6_MULTICAST: Family = Family::new(Afi::IPV6, Safi::MULTICAST);
    /// IPv4 flow specification (RFC 8955).
    pub const IPV4_FLOW: Family = Family::new(Afi::IPV4, Safi::FLOW);
    /// IPv6 flow specification (RFC 8956).
    pub const IPV6_FLOW: Family = Family::new(Afi::IPV6, Safi::FLOW);
    /// IPv4 flow specification for VPNs (RFC 8955 §8).
    pub const IPV4_FLOW_VPN: Family = Family::new(Afi::IPV4, Safi::FLOW_VPN);
    /// IPv6 flow specification for VPNs (RFC 8955 §8 with RFC 8956 components).
    pub const IPV6_FLOW_VPN: Family = Family::new(Afi::IPV6, Safi::FLOW_VPN);

    /// A family from its AFI and SAFI.
    pub const fn new(afi: Afi, safi: Safi) -> Family {
        Family { afi, safi }
    }

    /// Parse `"ipv4 unicast"`, `"ipv4/unicast"` or `"ipv4-unicast"`.
    pub fn from_name(s: &str) -> Option<Family> {
        let mut it = s.split([' ', '/', '-']).filter(|p| !p.is_empty());
        let afi = Afi::from_name(it.next()?)?;
        let rest: Vec<&str> = it.collect();
        let safi = Safi::from_name(&rest.join("-"))?;
        Some(Family::new(afi, safi))
    }
}

impl fmt::Display for Family {
    /// ExaBGP's spelling: `ipv4 unicast`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.afi, self.safi)
    }
}

/// BGP message type (RFC 4271 §4.1, RFC 2918).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum MessageType {
    /// 1: OPEN.
    Open,
    /// 2: UPDATE.
    Update,
    /// 3: NOTIFICATION.
    Notification,
    /// 4: KEEPALIVE.
    Keepalive,
    /// 5: ROUTE-REFRESH (RFC 2918).
    RouteRefresh,
}

impl MessageType {
    /// The type from its wire code.
    pub fn from_code(code: u8) -> Option<MessageType> {
        Some(match code {
            1 => MessageType::Open,
            2 => MessageType::Update,
            3 => MessageType::Notification,
            4 => MessageType::Keepalive,
            5 => MessageType::RouteRefresh,
            _ => return None,
        })
    }

    /// The wire code.
    pub fn code(self) -> u8 {
        match self {
            MessageType::Open => 1,
            MessageType::Update => 2,
            MessageType::Notification => 3,
            MessageType::Keepalive => 4,
            MessageType::RouteRefresh => 5,
        }
    }
}

/// Path attribute type codes (IANA "BGP Path Attributes").
pub mod attr_type {
    /// ORIGIN (RFC 4271).
    pub const ORIGIN: u8 = 1;
    /// AS_PATH (RFC 4271).
    pub const AS_PATH: u8 = 2;
    /// NEXT_HOP (RFC 4271).
    pub const NEXT_HOP: u8 = 3;
    /// MULTI_EXIT_DISC (RFC 4271).
    pub const MED: u8 = 4;
    /// LOCAL_PREF (RFC 4271).
    pub const LOCAL_PREF: u8 = 5;
    /// ATOMIC_AGGREGATE (RFC 4271).
    pub const ATOMIC_AGGREGATE: u8 = 6;
    /// AGGREGATOR (RFC 4271).
    pub const AGGREGATOR: u8 = 7;
    /// COMMUNITIES (RFC 1997).
    pub const COMMUNITIES: u8 = 8;
    /// ORIGINATOR_ID (RFC 4456).
    pub const ORIGINATOR_ID: u8 = 9;
    /// CLUSTER_LIST (RFC 4456).
    pub const CLUSTER_LIST: u8 = 10;
    /// MP_REACH_NLRI (RFC 4760).
    pub const MP_REACH_NLRI: u8 = 14;
    /// MP_UNREACH_NLRI (RFC 4760).
    pub const MP_UNREACH_NLRI: u8 = 15;
    /// EXTENDED COMMUNITIES (RFC 4360).
    pub const EXTENDED_COMMUNITIES: u8 = 16;
    /// AS4_PATH (RFC 6793).
    pub const AS4_PATH: u8 = 17;
    /// AS4_AGGREGATOR (RFC 6793).
    pub const AS4_AGGREGATOR: u8 = 18;
    /// PMSI_TUNNEL (RFC 6514).
    pub const PMSI_TUNNEL: u8 = 22;
    /// IPv6 Address Specific Extended Community (RFC 5701).
    pub const IPV6_EXTENDED_COMMUNITIES: u8 = 25;
    /// AIGP (RFC 7311).
    pub const AIGP: u8 = 26;
    /// BGP-LS Attribute (RFC 9552).
    pub const BGP_LS: u8 = 29;
    /// LARGE_COMMUNITY (RFC 8092).
    pub const LARGE_COMMUNITY: u8 = 32;
    /// Only to Customer (RFC 9234).
    pub const OTC: u8 = 35;
    /// BGP Prefix-SID (RFC 8669).
    pub const BGP_PREFIX_SID: u8 = 40;
}

/// Path attribute flag bits (RFC 4271 §4.3).
pub mod attr_flags {
    /// Optional.
    pub const OPTIONAL: u8 = 0x80;
    /// Transitive.
    pub const TRANSITIVE: u8 = 0x40;
    /// Partial.
    pub const PARTIAL: u8 = 0x20;
    /// Extended Length: the length field is two octets.
    pub const EXTENDED_LENGTH: u8 = 0x10;
}
