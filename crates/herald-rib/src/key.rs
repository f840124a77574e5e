//! Route keys: compact fixed-size keys for IPv4/IPv6 prefixes, and the views of stored routes
//! handed out by queries.
//!
//! A prefix is keyed by its network (bits past the length cleared: RFC 4271 §4.3 says their
//! value is irrelevant), its length and its ADD-PATH path identifier (RFC 7911 §3), so that
//! `10.0.1.0/23` and `10.0.0.0/23` are one route. An IPv4 key without path identifier is
//! 8 octets, with one 12; IPv6 20 and 24. None allocates.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use herald_wire::nlri::{FlowSpec, LabelStack, RouteDistinguisher};
use herald_wire::{Family, Nlri, Prefix};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::attrs::PathAttributes;

/// IPv4 prefix without path identifier.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct V4 {
    addr: u32,
    len: u8,
}

/// IPv4 prefix with path identifier.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct V4Id {
    addr: u32,
    id: u32,
    len: u8,
}

/// IPv6 prefix without path identifier.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct V6 {
    addr: [u32; 4],
    len: u8,
}

/// IPv6 prefix with path identifier.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct V6Id {
    addr: [u32; 4],
    id: u32,
    len: u8,
}

/// A prefix as one of the four compact keys.
pub(crate) enum Compact {
    V4(V4),
    V4Id(V4Id),
    V6(V6),
    V6Id(V6Id),
}

/// The network address of an IPv4 prefix, as a number (host bits cleared).
#[inline]
fn v4_network(n: Ipv4Net) -> u32 {
    let mask = u32::MAX
        .checked_shl(32 - u32::from(n.prefix_len()))
        .unwrap_or(0);
    n.addr().to_bits() & mask
}

fn v6_words(a: Ipv6Addr) -> [u32; 4] {
    let b = a.to_bits();
    [
        (b >> 96) as u32,
        (b >> 64) as u32,
        (b >> 32) as u32,
        b as u32,
    ]
}

fn v6_addr(w: [u32; 4]) -> Ipv6Addr {
    let [a, b, c, d] = w.map(u128::from);
    Ipv6Addr::from_bits((a << 96) | (b << 64) | (c << 32) | d)
}

impl Compact {
    /// The key of a prefix (normalized: host bits cleared).
    #[inline]
    pub(crate) fn of(p: &Prefix) -> Compact {
        match (p.net, p.path_id) {
            (IpNet::V4(n), None) => Compact::V4(V4 {
                addr: v4_network(n),
                len: n.prefix_len(),
            }),
            (IpNet::V4(n), Some(id)) => Compact::V4Id(V4Id {
                addr: v4_network(n),
                id,
                len: n.prefix_len(),
            }),
            (IpNet::V6(n), None) => Compact::V6(V6 {
                addr: v6_words(n.network()),
                len: n.prefix_len(),
            }),
            (IpNet::V6(n), Some(id)) => Compact::V6Id(V6Id {
                addr: v6_words(n.network()),
                id,
                len: n.prefix_len(),
            }),
        }
    }
}

// Keys are only ever made from valid prefixes, so the lengths are in range; the fallbacks
// (a host route) cannot be reached.
fn v4net(addr: u32, len: u8) -> IpNet {
    let a = Ipv4Addr::from_bits(addr);
    IpNet::V4(Ipv4Net::new(a, len).unwrap_or_else(|_| Ipv4Net::from(a)))
}

fn v6net(addr: [u32; 4], len: u8) -> IpNet {
    let a = v6_addr(addr);
    IpNet::V6(Ipv6Net::new(a, len).unwrap_or_else(|_| Ipv6Net::from(a)))
}

impl From<V4> for Prefix {
    fn from(k: V4) -> Prefix {
        Prefix::new(v4net(k.addr, k.len))
    }
}

impl From<V4Id> for Prefix {
    fn from(k: V4Id) -> Prefix {
        Prefix {
            path_id: Some(k.id),
            net: v4net(k.addr, k.len),
        }
    }
}

impl From<V6> for Prefix {
    fn from(k: V6) -> Prefix {
        Prefix::new(v6net(k.addr, k.len))
    }
}

impl From<V6Id> for Prefix {
    fn from(k: V6Id) -> Prefix {
        Prefix {
            path_id: Some(k.id),
            net: v6net(k.addr, k.len),
        }
    }
}

/// A prefix with host bits cleared, as the tables key it.
#[inline]
pub(crate) fn normalized(p: &Prefix) -> Prefix {
    Prefix {
        path_id: p.path_id,
        net: p.net.trunc(),
    }
}

/// [`normalized_nlri`] in place.
pub(crate) fn normalize_in_place(n: &mut Nlri) {
    if let Nlri::Prefix(p) = n {
        *p = normalized(p);
    }
}

/// [`normalized`] for the prefix of an outbound NLRI; other families' octets are kept as they
/// are (they are built by herald, not received).
pub(crate) fn normalized_nlri(n: Nlri) -> Nlri {
    match n {
        Nlri::Prefix(p) => Nlri::Prefix(normalized(&p)),
        e => e,
    }
}

/// The NLRI of a stored route, borrowed from the table.
///
/// Prefixes come back normalized (host bits cleared) with their path identifier. Labels are the
/// route's data, not its key (RFC 8277 §2.4: a withdrawal carries a Compatibility field instead),
/// so a re-announcement with another label replaces the route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NlriRef<'a> {
    /// IPv4/IPv6 unicast or multicast (RFC 4271, RFC 4760).
    Prefix(Prefix),
    /// Labeled unicast (RFC 8277): the prefix and its label stack.
    Labeled(Prefix, &'a LabelStack),
    /// MPLS VPN (RFC 4364, RFC 4659): route distinguisher, prefix and label stack.
    Vpn(RouteDistinguisher, Prefix, &'a LabelStack),
    /// Flow specification (RFC 8955, RFC 8956), keyed by its components (and route
    /// distinguisher and path identifier); stored with `extended_length` cleared.
    Flow(&'a FlowSpec),
    /// An EVPN, VPLS, RTC, MCAST-VPN, MUP or BGP-LS route: its NLRI octets and path
    /// identifier ([`herald_wire::Nlri::decoded`] types it again).
    Encoded(&'a herald_wire::nlri::EncodedNlri),
}

/// One route of an [`crate::AdjRibIn`], as queries return it.
#[derive(Clone, Copy, Debug)]
pub struct RouteRef<'a> {
    /// The family.
    pub family: Family,
    /// The NLRI.
    pub nlri: NlriRef<'a>,
    /// The shared attribute set (clone the `Arc` to keep it past the table's borrow).
    pub attributes: &'a Arc<PathAttributes>,
    /// Marked stale by [`crate::AdjRibIn::mark_stale`] and not re-announced since
    /// (RFC 4724 §4.2).
    pub stale: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, id: Option<u32>) -> Prefix {
        Prefix {
            path_id: id,
            net: s.parse().unwrap(),
        }
    }

    #[test]
    fn compact_keys_round_trip_and_drop_host_bits() {
        for (s, id) in [
            ("10.0.0.0/24", None),
            ("10.0.0.0/24", Some(7)),
            ("0.0.0.0/0", None),
            ("2001:db8:1::/48", None),
            ("2001:db8::1/128", Some(0)),
        ] {
            let back: Prefix = match Compact::of(&p(s, id)) {
                Compact::V4(k) => k.into(),
                Compact::V4Id(k) => k.into(),
                Compact::V6(k) => k.into(),
                Compact::V6Id(k) => k.into(),
            };
            assert_eq!(back, p(s, id));
        }
        let Compact::V4(a) = Compact::of(&p("10.0.1.0/23", None)) else {
            panic!("v4")
        };
        assert_eq!(Prefix::from(a), p("10.0.0.0/23", None));
    }

    #[test]
    fn keys_are_small() {
        assert_eq!(std::mem::size_of::<V4>(), 8);
        assert_eq!(std::mem::size_of::<V4Id>(), 12);
        assert_eq!(std::mem::size_of::<V6>(), 20);
        assert_eq!(std::mem::size_of::<V6Id>(), 24);
    }
}
