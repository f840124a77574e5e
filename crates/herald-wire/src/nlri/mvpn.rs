//! MCAST-VPN NLRI (RFC 6514 §4, AFI 1 or 2 / SAFI 5), with the ADD-PATH path identifier
//! (RFC 7911 §3) when negotiated for the family.
//!
//! ```text
//! +-----------------------------------+
//! | Path Identifier (4)               |   only when ADD-PATH is negotiated for the family
//! +-----------------------------------+
//! | Route Type (1 octet)              |
//! +-----------------------------------+
//! | Length (1 octet)                  |   of the route type specific field
//! +-----------------------------------+
//! | Route Type specific (variable)    |
//! +-----------------------------------+
//!
//! 5 Source Active A-D (RFC 6514 §4.5, 18/30/42):
//!     RD (8) | Multicast Source Length (1) = 32/128 | Multicast Source (4/16) |
//!     Multicast Group Length (1) = 32/128 | Multicast Group (4/16)
//! 6 C-multicast Shared Tree Join and 7 C-multicast Source Tree Join (RFC 6514 §4.6,
//!   22/34/46):
//!     RD (8) | Source AS (4) | Multicast Source Length (1) = 32/128 | Multicast Source (4/16) |
//!     Multicast Group Length (1) = 32/128 | Multicast Group (4/16)
//!     (in a Shared Tree Join the Multicast Source field holds the C-RP address)
//! ```
//!
//! The types herald reads field by field are the three ExaBGP configures (5, 6 and 7); every
//! other route type (the A-D routes 1-4 of RFC 6514 §4.1-§4.4, any later one), and a route of
//! type 5-7 whose address lengths are RFC 6625 wildcards (0), is kept as its octets
//! ([`MvpnRoute::Other`]) and encodes back byte for byte.
//!
//! Errors (the whole NLRI field is then undecodable, `Err`: the MP attribute's AFI/SAFI-disable
//! path, RFC 7606 §5.3): a length running past the attribute; a route of type 5-7 with an
//! address length other than 0, 32 or 128 (RFC 6514 §4.6), or whose length does not match its
//! fields.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::vpn::RouteDistinguisher;

/// MCAST-VPN route type codes (IANA "MCAST-VPN Route Types").
pub mod route_type {
    /// Source Active A-D route (RFC 6514 §4.5).
    pub const SOURCE_ACTIVE_AD: u8 = 5;
    /// C-multicast route, Shared Tree Join (RFC 6514 §4.6).
    pub const SHARED_TREE_JOIN: u8 = 6;
    /// C-multicast route, Source Tree Join (RFC 6514 §4.6).
    pub const SOURCE_TREE_JOIN: u8 = 7;
}

/// One MCAST-VPN route: its route type and fields.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MvpnRoute {
    /// Type 5, Source Active A-D route (RFC 6514 §4.5).
    SourceActiveAd {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// Multicast source (C-S).
        source: IpAddr,
        /// Multicast group (C-G).
        group: IpAddr,
    },
    /// Type 6, C-multicast Shared Tree Join (RFC 6514 §4.6): a (C-*, C-G) join towards the
    /// rendezvous point.
    SharedTreeJoin {
        /// Route distinguisher (of the upstream PE's VRF route to the C-RP).
        rd: RouteDistinguisher,
        /// Source AS (of that VRF route).
        source_as: u32,
        /// The C-RP address (in the Multicast Source field).
        rp: IpAddr,
        /// Multicast group (C-G).
        group: IpAddr,
    },
    /// Type 7, C-multicast Source Tree Join (RFC 6514 §4.6): a (C-S, C-G) join.
    SourceTreeJoin {
        /// Route distinguisher (of the upstream PE's VRF route to C-S).
        rd: RouteDistinguisher,
        /// Source AS (of that VRF route).
        source_as: u32,
        /// Multicast source (C-S).
        source: IpAddr,
        /// Multicast group (C-G).
        group: IpAddr,
    },
    /// Another route type, or a type 5-7 route with wildcard addresses: the route type and
    /// the octets after the length.
    Other {
        /// The route type.
        route_type: u8,
        /// The octets after the length.
        value: Vec<u8>,
    },
}

/// One MCAST-VPN NLRI: an optional ADD-PATH path identifier and the route.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mvpn {
    /// Path identifier (RFC 7911).
    pub path_id: Option<u32>,
    /// The route.
    pub route: MvpnRoute,
}

fn addr_len(a: &IpAddr) -> usize {
    if a.is_ipv4() {
        4
    } else {
        16
    }
}

/// Address length in bits and the address.
fn put_ip(a: &IpAddr, out: &mut Vec<u8>) {
    match a {
        IpAddr::V4(v) => {
            out.push(32);
            out.extend_from_slice(&v.octets());
        }
        IpAddr::V6(v) => {
            out.push(128);
            out.extend_from_slice(&v.octets());
        }
    }
}

impl MvpnRoute {
    /// The route type code.
    pub fn route_type(&self) -> u8 {
        match self {
            MvpnRoute::SourceActiveAd { .. } => route_type::SOURCE_ACTIVE_AD,
            MvpnRoute::SharedTreeJoin { .. } => route_type::SHARED_TREE_JOIN,
            MvpnRoute::SourceTreeJoin { .. } => route_type::SOURCE_TREE_JOIN,
            MvpnRoute::Other { route_type, .. } => *route_type,
        }
    }

    /// ExaBGP's name of the route type (`"name"` in its JSON); `None` for [`MvpnRoute::Other`].
    pub fn name(&self) -> Option<&'static str> {
        match self {
            MvpnRoute::SourceActiveAd { .. } => Some("Source Active A-D Route"),
            MvpnRoute::SharedTreeJoin { .. } => Some("C-Multicast Shared Tree Join route"),
            MvpnRoute::SourceTreeJoin { .. } => Some("C-Multicast Source Tree Join route"),
            MvpnRoute::Other { .. } => None,
        }
    }

    /// Octets of the route type specific field.
    pub fn value_len(&self) -> usize {
        match self {
            MvpnRoute::SourceActiveAd { source, group, .. } => {
                10 + addr_len(source) + addr_len(group)
            }
            MvpnRoute::SharedTreeJoin {
                rp: source, group, ..
            }
            | MvpnRoute::SourceTreeJoin { source, group, .. } => {
                14 + addr_len(source) + addr_len(group)
            }
            MvpnRoute::Other { value, .. } => value.len(),
        }
    }

    /// Append route type, length and value. The length octet of an [`MvpnRoute::Other`] value
    /// longer than 255 octets (which no decoded route has) is written as 255 and the value cut
    /// there.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.route_type());
        out.push(self.value_len().min(255) as u8);
        match self {
            MvpnRoute::SourceActiveAd { rd, source, group } => {
                out.extend_from_slice(&rd.0);
                put_ip(source, out);
                put_ip(group, out);
            }
            MvpnRoute::SharedTreeJoin {
                rd,
                source_as,
                rp: source,
                group,
            }
            | MvpnRoute::SourceTreeJoin {
                rd,
                source_as,
                source,
                group,
            } => {
                out.extend_from_slice(&rd.0);
                out.extend_from_slice(&source_as.to_be_bytes());
                put_ip(source, out);
                put_ip(group, out);
            }
            MvpnRoute::Other { value, .. } => {
                out.extend_from_slice(value.get(..255).unwrap_or(value));
            }
        }
    }

    /// Decode the route type specific field `v` of a route of type `t`.
    pub fn decode(t: u8, v: &[u8]) -> Result<MvpnRoute, &'static str> {
        let other = || MvpnRoute::Other {
            route_type: t,
            value: v.to_vec(),
        };
        let with_as = match t {
            route_type::SOURCE_ACTIVE_AD => false,
            route_type::SHARED_TREE_JOIN | route_type::SOURCE_TREE_JOIN => true,
            _ => return Ok(other()),
        };
        let (rd, rest) = RouteDistinguisher::take(v).ok_or("MCAST-VPN route too short")?;
        let (source_as, rest) = if with_as {
            let (a, rest) = rest
                .split_first_chunk::<4>()
                .ok_or("MCAST-VPN route too short")?;
            (u32::from_be_bytes(*a), rest)
        } else {
            (0, rest)
        };
        let (source, rest) = address(rest)?;
        let (group, rest) = address(rest)?;
        if !rest.is_empty() {
            return Err("MCAST-VPN route length does not match its fields");
        }
        let (Some(source), Some(group)) = (source, group) else {
            // RFC 6625 wildcards: kept as octets.
            return Ok(other());
        };
        Ok(match t {
            route_type::SOURCE_ACTIVE_AD => MvpnRoute::SourceActiveAd { rd, source, group },
            route_type::SHARED_TREE_JOIN => MvpnRoute::SharedTreeJoin {
                rd,
                source_as,
                rp: source,
                group,
            },
            _ => MvpnRoute::SourceTreeJoin {
                rd,
                source_as,
                source,
                group,
            },
        })
    }
}

/// A Multicast Source or Group: length in bits (0 for an RFC 6625 wildcard), then the
/// address.
fn address(b: &[u8]) -> Result<(Option<IpAddr>, &[u8]), &'static str> {
    const SHORT: &str = "MCAST-VPN route too short for its addresses";
    let (&bits, rest) = b.split_first().ok_or(SHORT)?;
    match bits {
        0 => Ok((None, rest)),
        32 => {
            let (a, rest) = rest.split_first_chunk::<4>().ok_or(SHORT)?;
            Ok((Some(IpAddr::V4(Ipv4Addr::from(*a))), rest))
        }
        128 => {
            let (a, rest) = rest.split_first_chunk::<16>().ok_or(SHORT)?;
            Ok((Some(IpAddr::V6(Ipv6Addr::from(*a))), rest))
        }
        _ => Err("MCAST-VPN route with an address length other than 0, 32 or 128"),
    }
}

impl fmt::Display for MvpnRoute {
    /// The route in ExaBGP's configuration words (what follows `mcast-vpn` in an `announce {
    /// ipv4 { … } }` block): `source-ad source 10.0.0.1 group 239.1.1.1 rd 65000:1`,
    /// `shared-join rp … group … rd … source-as N`, `source-join source … group … rd …
    /// source-as N`; another route as `route-type N value 0x…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MvpnRoute::SourceActiveAd { rd, source, group } => {
                write!(f, "source-ad source {source} group {group} rd {rd}")
            }
            MvpnRoute::SharedTreeJoin {
                rd,
                source_as,
                rp,
                group,
            } => write!(
                f,
                "shared-join rp {rp} group {group} rd {rd} source-as {source_as}"
            ),
            MvpnRoute::SourceTreeJoin {
                rd,
                source_as,
                source,
                group,
            } => write!(
                f,
                "source-join source {source} group {group} rd {rd} source-as {source_as}"
            ),
            MvpnRoute::Other { route_type, value } => {
                write!(f, "route-type {route_type} value 0x")?;
                value.iter().try_for_each(|b| write!(f, "{b:02X}"))
            }
        }
    }
}

impl Mvpn {
    /// Octets on the wire, path identifier included when `add_path`.
    pub fn wire_len(&self, add_path: bool) -> usize {
        2 + self.route.value_len().min(255) + if add_path { 4 } else { 0 }
    }

    /// Append the NLRI to `out`. Without a path identifier on an ADD-PATH session, 0 is sent.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        self.route.encode(out);
    }

    /// The route alone as octets (route type, length, value), without path identifier: ExaBGP's
    /// `"raw"`, and what [`super::EncodedNlri`] holds for a configured route.
    pub fn route_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.wire_len(false));
        self.route.encode(&mut v);
        v
    }
}

/// Decode a run of MCAST-VPN NLRI, appending to `out`.
pub fn decode_into(bytes: &[u8], add_path: bool, out: &mut Vec<Mvpn>) -> Result<(), &'static str> {
    let errors = (
        "MCAST-VPN NLRI too short for route type and length",
        "MCAST-VPN NLRI overruns the attribute",
    );
    super::labeled::type_length_routes(bytes, add_path, errors, |path_id, t, value| {
        out.push(Mvpn {
            path_id,
            route: MvpnRoute::decode(t, value)?,
        });
        Ok(())
    })
}

#[cfg(test)]
mod tests;
