//! BGP Mobile User Plane NLRI (draft-mpmz-bess-mup-safi; AFI 1/2, SAFI 85), with the ADD-PATH
//! path identifier (RFC 7911 §3) when negotiated for the family.
//!
//! ```text
//! +-----------------------------------+
//! | Architecture Type (1 octet)       |   1 = 3GPP 5G
//! +-----------------------------------+
//! | Route Type (2 octets)             |
//! +-----------------------------------+
//! | Length (1 octet)                  |   of the route type specific field
//! +-----------------------------------+
//! | Route Type specific (variable)    |
//! +-----------------------------------+
//!
//! 1 Interwork Segment Discovery:  RD (8) | Prefix Length (1) | Prefix (ceil(len / 8))
//! 2 Direct Segment Discovery:     RD (8) | Address (4 or 16)
//! 3 Type 1 Session Transformed:   RD (8) | Prefix Length (1) | Prefix (ceil(len / 8)) |
//!                                 TEID (4) | QFI (1) | Endpoint Address Length (1) = 32/128 |
//!                                 Endpoint Address (4/16) |
//!                                 [ Source Address Length (1) = 32/128 | Source Address ]
//! 4 Type 2 Session Transformed:   RD (8) | Endpoint Length (1) | Endpoint Address (4/16) |
//!                                 TEID (ceil((Endpoint Length - address bits) / 8))
//! ```
//! The prefix (types 1 and 3) and the Type 2 endpoint are of the AFI's family; the Type 2
//! Endpoint Length counts the address bits and then 0 to 32 TEID bits, whose octets carry the
//! TEID as a number (right-aligned, as ExaBGP 5.0.15 writes and reads it).
//!
//! Every field is kept as received (prefix bits past the length included) so that encoding
//! gives the input back byte for byte; other architecture or route types are kept as octets
//! ([`MupRoute::Unknown`]).
//!
//! Errors (the whole NLRI field is then undecodable, `Err`: the MP attribute's
//! AFI/SAFI-disable path, RFC 7606 §5.3): a route running past the attribute, a known route
//! type whose length does not match its fields, a prefix length longer than the AFI's
//! address, an endpoint or source length other than 32 or 128 (Type 1), an endpoint length
//! outside the address bits plus 0 to 32 (Type 2).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::labeled::path_id;
use super::vpn::RouteDistinguisher;
use crate::iana::Afi;

/// Architecture Type 1, 3GPP 5G.
pub const ARCH_3GPP_5G: u8 = 1;

/// MUP route type codes of the 3GPP 5G architecture.
pub mod route_type {
    /// Interwork Segment Discovery.
    pub const ISD: u16 = 1;
    /// Direct Segment Discovery.
    pub const DSD: u16 = 2;
    /// Type 1 Session Transformed.
    pub const T1ST: u16 = 3;
    /// Type 2 Session Transformed.
    pub const T2ST: u16 = 4;
}

/// One MUP route.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MupRoute {
    /// Interwork Segment Discovery route.
    Isd {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// The prefix (its address keeps the bits past the length as received).
        prefix: IpNet,
    },
    /// Direct Segment Discovery route.
    Dsd {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// The address.
        address: IpAddr,
    },
    /// Type 1 Session Transformed route.
    Type1St {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// The UE prefix.
        prefix: IpNet,
        /// Tunnel endpoint identifier.
        teid: u32,
        /// QoS flow identifier.
        qfi: u8,
        /// Tunnel endpoint address.
        endpoint: IpAddr,
        /// Source address, when the route carries one.
        source: Option<IpAddr>,
    },
    /// Type 2 Session Transformed route.
    Type2St {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// Endpoint address.
        endpoint: IpAddr,
        /// TEID bits after the address (0 to 32).
        teid_bits: u8,
        /// The TEID.
        teid: u32,
    },
    /// Another architecture or route type: the route type specific octets.
    Unknown {
        /// Architecture type.
        arch: u8,
        /// Route type.
        route_type: u16,
        /// The octets after the length.
        value: Vec<u8>,
    },
}

/// One MUP NLRI: an optional ADD-PATH path identifier and the route.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mup {
    /// Path identifier (RFC 7911).
    pub path_id: Option<u32>,
    /// The route.
    pub route: MupRoute,
}

fn addr_len(a: &IpAddr) -> usize {
    if a.is_ipv4() {
        4
    } else {
        16
    }
}

fn put_addr(a: &IpAddr, out: &mut Vec<u8>) {
    match a {
        IpAddr::V4(v) => out.extend_from_slice(&v.octets()),
        IpAddr::V6(v) => out.extend_from_slice(&v.octets()),
    }
}

fn put_prefix(p: &IpNet, out: &mut Vec<u8>) {
    out.push(p.prefix_len());
    let n = usize::from(p.prefix_len()).div_ceil(8);
    match p.addr() {
        IpAddr::V4(v) => out.extend_from_slice(v.octets().get(..n).unwrap_or_default()),
        IpAddr::V6(v) => out.extend_from_slice(v.octets().get(..n).unwrap_or_default()),
    }
}

/// A length-prefixed address of 32 or 128 bits.
fn put_ip(a: &IpAddr, out: &mut Vec<u8>) {
    out.push(if a.is_ipv4() { 32 } else { 128 });
    put_addr(a, out);
}

impl MupRoute {
    /// Architecture type.
    pub fn arch(&self) -> u8 {
        match self {
            MupRoute::Unknown { arch, .. } => *arch,
            _ => ARCH_3GPP_5G,
        }
    }

    /// Route type code.
    pub fn route_type(&self) -> u16 {
        match self {
            MupRoute::Isd { .. } => route_type::ISD,
            MupRoute::Dsd { .. } => route_type::DSD,
            MupRoute::Type1St { .. } => route_type::T1ST,
            MupRoute::Type2St { .. } => route_type::T2ST,
            MupRoute::Unknown { route_type, .. } => *route_type,
        }
    }

    /// ExaBGP's name of the route type (`"name"` in its JSON), `None` for other types.
    pub fn name(&self) -> Option<&'static str> {
        Some(match self {
            MupRoute::Isd { .. } => "InterworkSegmentDiscoveryRoute",
            MupRoute::Dsd { .. } => "DirectSegmentDiscoveryRoute",
            MupRoute::Type1St { .. } => "Type1SessionTransformedRoute",
            MupRoute::Type2St { .. } => "Type2SessionTransformedRoute",
            MupRoute::Unknown { .. } => return None,
        })
    }

    /// The route distinguisher (every known route type has one).
    pub fn rd(&self) -> Option<RouteDistinguisher> {
        match self {
            MupRoute::Isd { rd, .. }
            | MupRoute::Dsd { rd, .. }
            | MupRoute::Type1St { rd, .. }
            | MupRoute::Type2St { rd, .. } => Some(*rd),
            MupRoute::Unknown { .. } => None,
        }
    }

    /// Append the route type specific field.
    fn encode_value(&self, out: &mut Vec<u8>) {
        match self {
            MupRoute::Isd { rd, prefix } => {
                out.extend_from_slice(&rd.0);
                put_prefix(prefix, out);
            }
            MupRoute::Dsd { rd, address } => {
                out.extend_from_slice(&rd.0);
                put_addr(address, out);
            }
            MupRoute::Type1St {
                rd,
                prefix,
                teid,
                qfi,
                endpoint,
                source,
            } => {
                out.extend_from_slice(&rd.0);
                put_prefix(prefix, out);
                out.extend_from_slice(&teid.to_be_bytes());
                out.push(*qfi);
                put_ip(endpoint, out);
                if let Some(s) = source {
                    put_ip(s, out);
                }
            }
            MupRoute::Type2St {
                rd,
                endpoint,
                teid_bits,
                teid,
            } => {
                out.extend_from_slice(&rd.0);
                let bits = (addr_len(endpoint) * 8) as u8;
                out.push(bits.saturating_add(*teid_bits));
                put_addr(endpoint, out);
                let n = usize::from((*teid_bits).min(32)).div_ceil(8);
                let t = teid.to_be_bytes();
                out.extend_from_slice(t.get(4 - n..).unwrap_or_default());
            }
            MupRoute::Unknown { value, .. } => out.extend_from_slice(value),
        }
    }

    /// Append architecture type, route type, length and value. A value longer than 255
    /// octets (which no decoded or configured route has) is cut to 255.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.arch());
        out.extend_from_slice(&self.route_type().to_be_bytes());
        let at = out.len();
        out.push(0);
        self.encode_value(out);
        let n = out.len() - at - 1;
        if n > 255 {
            out.truncate(at + 256);
        }
        if let Some(l) = out.get_mut(at) {
            *l = n.min(255) as u8;
        }
    }

    /// Decode the route type specific field `v` of a route of `arch` / `t` in `afi`.
    pub fn decode(afi: Afi, arch: u8, t: u16, v: &[u8]) -> Result<MupRoute, &'static str> {
        const SHORT: &str = "MUP route too short for its fields";
        if arch != ARCH_3GPP_5G || !(1..=4).contains(&t) {
            return Ok(MupRoute::Unknown {
                arch,
                route_type: t,
                value: v.to_vec(),
            });
        }
        let (rd, rest) = RouteDistinguisher::take(v).ok_or(SHORT)?;
        let v6 = afi == Afi::IPV6;
        let route = match t {
            route_type::ISD => {
                let (prefix, rest) = prefix(v6, rest)?;
                if !rest.is_empty() {
                    return Err("MUP ISD route length does not match its prefix");
                }
                MupRoute::Isd { rd, prefix }
            }
            route_type::DSD => MupRoute::Dsd {
                rd,
                address: any_addr(rest).ok_or("MUP DSD address is not 4 or 16 octets")?,
            },
            route_type::T1ST => {
                let (prefix, rest) = prefix(v6, rest)?;
                let (teid, rest) = rest.split_first_chunk::<4>().ok_or(SHORT)?;
                let (&qfi, rest) = rest.split_first().ok_or(SHORT)?;
                let (endpoint, rest) = sized_ip(rest)?;
                let source = if rest.is_empty() {
                    None
                } else {
                    let (s, rest) = sized_ip(rest)?;
                    if !rest.is_empty() {
                        return Err("MUP T1ST route length does not match its fields");
                    }
                    Some(s)
                };
                MupRoute::Type1St {
                    rd,
                    prefix,
                    teid: u32::from_be_bytes(*teid),
                    qfi,
                    endpoint,
                    source,
                }
            }
            _ => {
                let (&len, rest) = rest.split_first().ok_or(SHORT)?;
                let bits: u8 = if v6 { 128 } else { 32 };
                let teid_bits = len
                    .checked_sub(bits)
                    .filter(|t| *t <= 32)
                    .ok_or("MUP T2ST endpoint length is not the address plus 0 to 32 bits")?;
                let n = usize::from(bits / 8);
                let (a, t) = (rest.get(..n).ok_or(SHORT)?, rest.get(n..).ok_or(SHORT)?);
                if t.len() != usize::from(teid_bits).div_ceil(8) {
                    return Err("MUP T2ST route length does not match its endpoint length");
                }
                let mut teid = [0u8; 4];
                if let Some(dst) = teid.get_mut(4 - t.len()..) {
                    dst.copy_from_slice(t);
                }
                MupRoute::Type2St {
                    rd,
                    endpoint: any_addr(a).ok_or(SHORT)?,
                    teid_bits,
                    teid: u32::from_be_bytes(teid),
                }
            }
        };
        Ok(route)
    }
}

fn any_addr(b: &[u8]) -> Option<IpAddr> {
    if let Ok(a) = <[u8; 4]>::try_from(b) {
        return Some(IpAddr::V4(Ipv4Addr::from(a)));
    }
    <[u8; 16]>::try_from(b)
        .ok()
        .map(|a| IpAddr::V6(Ipv6Addr::from(a)))
}

/// Prefix length and the prefix octets, of the AFI's family.
fn prefix(v6: bool, b: &[u8]) -> Result<(IpNet, &[u8]), &'static str> {
    let (&len, rest) = b
        .split_first()
        .ok_or("MUP route too short for its prefix")?;
    let n = usize::from(len).div_ceil(8);
    let (p, rest) = (rest.get(..n), rest.get(n..));
    let (Some(p), Some(rest)) = (p, rest) else {
        return Err("MUP route too short for its prefix");
    };
    let bad = |_| "MUP prefix length longer than the address";
    let net = if v6 {
        let mut a = [0u8; 16];
        a.get_mut(..n)
            .ok_or("MUP prefix length longer than the address")?
            .copy_from_slice(p);
        IpNet::V6(Ipv6Net::new(Ipv6Addr::from(a), len).map_err(bad)?)
    } else {
        let mut a = [0u8; 4];
        a.get_mut(..n)
            .ok_or("MUP prefix length longer than the address")?
            .copy_from_slice(p);
        IpNet::V4(Ipv4Net::new(Ipv4Addr::from(a), len).map_err(bad)?)
    };
    Ok((net, rest))
}

/// An address after its length in bits, 32 or 128.
fn sized_ip(b: &[u8]) -> Result<(IpAddr, &[u8]), &'static str> {
    let (&len, rest) = b
        .split_first()
        .ok_or("MUP route too short for its fields")?;
    let n = match len {
        32 => 4,
        128 => 16,
        _ => return Err("MUP T1ST address length other than 32 or 128"),
    };
    let (a, rest) = (rest.get(..n), rest.get(n..));
    match (a.and_then(any_addr), rest) {
        (Some(a), Some(rest)) => Ok((a, rest)),
        _ => Err("MUP route too short for its fields"),
    }
}

impl fmt::Display for MupRoute {
    /// The route in ExaBGP's configuration words (what follows `mup` in an
    /// `announce { ipv4 { … } }` block): `mup-isd 10.0.1.0/24 rd 100:100`, `mup-dsd 10.0.0.1 rd
    /// 100:100`, `mup-t1st 192.168.0.1/32 rd 100:100 teid 12345 qfi 9 endpoint 10.0.0.1 [source
    /// 10.0.1.1]`, `mup-t2st 10.0.0.1 rd 100:100 teid 12345/32`; another type as `arch N
    /// route-type N value 0x…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MupRoute::Isd { rd, prefix } => write!(f, "mup-isd {prefix} rd {rd}"),
            MupRoute::Dsd { rd, address } => write!(f, "mup-dsd {address} rd {rd}"),
            MupRoute::Type1St {
                rd,
                prefix,
                teid,
                qfi,
                endpoint,
                source,
            } => {
                write!(
                    f,
                    "mup-t1st {prefix} rd {rd} teid {teid} qfi {qfi} endpoint {endpoint}"
                )?;
                match source {
                    Some(s) => write!(f, " source {s}"),
                    None => Ok(()),
                }
            }
            MupRoute::Type2St {
                rd,
                endpoint,
                teid_bits,
                teid,
            } => write!(f, "mup-t2st {endpoint} rd {rd} teid {teid}/{teid_bits}"),
            MupRoute::Unknown {
                arch,
                route_type,
                value,
            } => {
                write!(f, "arch {arch} route-type {route_type} value 0x")?;
                value.iter().try_for_each(|b| write!(f, "{b:02X}"))
            }
        }
    }
}

impl Mup {
    /// Append the NLRI to `out`. Without a path identifier on an ADD-PATH session, 0 is sent.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        self.route.encode(out);
    }

    /// The route alone as octets (architecture, route type, length, value), without path
    /// identifier: ExaBGP's `"raw"`, and what [`super::EncodedNlri`] holds for a configured
    /// route.
    pub fn route_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(48);
        self.route.encode(&mut v);
        v
    }
}

/// Decode a run of MUP NLRI of `afi`, appending to `out`.
pub fn decode_into(
    afi: Afi,
    mut bytes: &[u8],
    add_path: bool,
    out: &mut Vec<Mup>,
) -> Result<(), &'static str> {
    while !bytes.is_empty() {
        let (path_id, rest) = path_id(bytes, add_path)?;
        let Some((&[arch, t0, t1, len], rest)) = rest.split_first_chunk::<4>() else {
            return Err("MUP NLRI too short for its header");
        };
        let n = usize::from(len);
        let (Some(value), Some(rest)) = (rest.get(..n), rest.get(n..)) else {
            return Err("MUP NLRI overruns the attribute");
        };
        bytes = rest;
        out.push(Mup {
            path_id,
            route: MupRoute::decode(afi, arch, u16::from_be_bytes([t0, t1]), value)?,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
