//! EVPN NLRI (AFI 25 L2VPN, SAFI 70): the route types of RFC 7432 §7 (1 Ethernet
//! Auto-Discovery, 2 MAC/IP Advertisement, 3 Inclusive Multicast Ethernet Tag, 4 Ethernet
//! Segment) and RFC 9136 §3 (5 IP Prefix), with the ADD-PATH path identifier (RFC 7911 §3) when
//! negotiated for the family. With VXLAN (RFC 8365 §5.1.3) the label fields carry a 24-bit VNI.
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
//! 1 Ethernet A-D (25):        RD (8) | ESI (10) | Ethernet Tag (4) | MPLS Label (3)
//! 2 MAC/IP (33-52):           RD (8) | ESI (10) | Ethernet Tag (4) | MAC Length (1) = 48 |
//!                             MAC (6) | IP Length (1) = 0/32/128 | IP (0/4/16) |
//!                             MPLS Label1 (3) | [MPLS Label2 (3)]
//! 3 Inclusive Multicast (17/29): RD (8) | Ethernet Tag (4) | IP Length (1) = 32/128 |
//!                             Originating Router's IP (4/16)
//! 4 Ethernet Segment (23/35): RD (8) | ESI (10) | IP Length (1) = 32/128 |
//!                             Originating Router's IP (4/16)
//! 5 IP Prefix (34/58):        RD (8) | ESI (10) | Ethernet Tag (4) | IP Prefix Length (1) |
//!                             IP Prefix (4/16) | GW IP (4/16) | MPLS Label (3)
//! ```
//!
//! Every field is kept as received (label fields as the 24 bits on the wire, the bits of a
//! type 5 prefix past its length, the ESI's type octet) so that encoding gives the input back
//! byte for byte; route types other than 1 to 5 are kept as octets ([`EvpnRoute::Unknown`]).
//!
//! Errors (the whole NLRI field is then undecodable, `Err`: the MP attribute's AFI/SAFI-disable
//! path, RFC 7606 §5.3): a length running past the attribute, a known route type whose length
//! is not one its fields allow, a MAC length other than 48 (RFC 7432 §7.2), an IP length other
//! than 0 (MAC/IP only), 32 or 128, a type 5 prefix length longer than its address.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::labeled::Label;
use super::vpn::RouteDistinguisher;

/// EVPN route type codes (IANA "EVPN Route Types").
pub mod route_type {
    /// Ethernet Auto-Discovery (RFC 7432 §7.1).
    pub const ETHERNET_AD: u8 = 1;
    /// MAC/IP Advertisement (RFC 7432 §7.2).
    pub const MAC_IP: u8 = 2;
    /// Inclusive Multicast Ethernet Tag (RFC 7432 §7.3).
    pub const INCLUSIVE_MULTICAST: u8 = 3;
    /// Ethernet Segment (RFC 7432 §7.4).
    pub const ETHERNET_SEGMENT: u8 = 4;
    /// IP Prefix (RFC 9136 §3).
    pub const IP_PREFIX: u8 = 5;
}

/// An Ethernet Segment Identifier (RFC 7432 §5): the 10 octets as on the wire, the first
/// being the ESI type.
///
/// Shown as ExaBGP does: `-` for the all-zero ESI (a single-homed site), else the ten octets in
/// lower-case hex separated by `:`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Esi(pub [u8; 10]);

impl Esi {
    /// The all-zero ESI of a single-homed site.
    pub const ZERO: Esi = Esi([0; 10]);

    /// From text: `-` or `0` for the zero ESI, ten octets in hex separated by `:`, or `0x` and
    /// 20 hex digits.
    pub fn parse(s: &str) -> Option<Esi> {
        if s == "-" || s == "0" {
            return Some(Esi::ZERO);
        }
        if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            return hex_octets(h).map(Esi);
        }
        colon_octets(s).map(Esi)
    }
}

impl fmt::Display for Esi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Esi::ZERO {
            return f.write_str("-");
        }
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// A 48-bit MAC address. Shown as ExaBGP does: upper-case hex octets separated by `:`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddress(pub [u8; 6]);

impl MacAddress {
    /// From `00:11:22:33:44:55` (either case; `-` as separator too).
    pub fn parse(s: &str) -> Option<MacAddress> {
        colon_octets(&s.replace('-', ":")).map(MacAddress)
    }
}

impl fmt::Display for MacAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02X}:{b:02X}:{c:02X}:{d:02X}:{e:02X}:{g:02X}")
    }
}

/// `N` octets written as two-digit hex numbers separated by `:`.
fn colon_octets<const N: usize>(s: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    let mut parts = s.split(':');
    for o in out.iter_mut() {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 2 {
            return None;
        }
        *o = u8::from_str_radix(p, 16).ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// `N` octets as 2N hex digits.
fn hex_octets<const N: usize>(h: &str) -> Option<[u8; N]> {
    if h.len() != 2 * N || !h.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(h.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// One EVPN route: its route type and fields.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EvpnRoute {
    /// Type 1, Ethernet Auto-Discovery (RFC 7432 §7.1).
    EthernetAd {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// Ethernet segment.
        esi: Esi,
        /// Ethernet tag (MAX-ET, 0xFFFFFFFF, for the per-ES route).
        etag: u32,
        /// MPLS label (or VNI).
        label: Label,
    },
    /// Type 2, MAC/IP Advertisement (RFC 7432 §7.2).
    MacIp {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// Ethernet segment.
        esi: Esi,
        /// Ethernet tag.
        etag: u32,
        /// The MAC address (MAC Address Length is always 48).
        mac: MacAddress,
        /// The IP address, when the route carries one (IP Address Length 32 or 128).
        ip: Option<IpAddr>,
        /// MPLS Label1 (or layer 2 VNI).
        label: Label,
        /// MPLS Label2 (or layer 3 VNI, RFC 9135), when present.
        label2: Option<Label>,
    },
    /// Type 3, Inclusive Multicast Ethernet Tag (RFC 7432 §7.3).
    InclusiveMulticast {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// Ethernet tag.
        etag: u32,
        /// Originating router's IP address.
        ip: IpAddr,
    },
    /// Type 4, Ethernet Segment (RFC 7432 §7.4).
    EthernetSegment {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// Ethernet segment.
        esi: Esi,
        /// Originating router's IP address.
        ip: IpAddr,
    },
    /// Type 5, IP Prefix (RFC 9136 §3.1). The prefix and the gateway are of the same family.
    IpPrefix {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// Ethernet segment.
        esi: Esi,
        /// Ethernet tag.
        etag: u32,
        /// The prefix; the address keeps the bits past the length as received.
        prefix: IpNet,
        /// Gateway IP address (0 when there is none).
        gateway: IpAddr,
        /// MPLS label (or VNI).
        label: Label,
    },
    /// Another route type: its code and the route type specific octets.
    Unknown {
        /// The route type.
        route_type: u8,
        /// The octets after the length.
        value: Vec<u8>,
    },
}

/// One EVPN NLRI: an optional ADD-PATH path identifier and the route.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Evpn {
    /// Path identifier (RFC 7911).
    pub path_id: Option<u32>,
    /// The route.
    pub route: EvpnRoute,
}

impl EvpnRoute {
    /// The route type code.
    pub fn route_type(&self) -> u8 {
        match self {
            EvpnRoute::EthernetAd { .. } => route_type::ETHERNET_AD,
            EvpnRoute::MacIp { .. } => route_type::MAC_IP,
            EvpnRoute::InclusiveMulticast { .. } => route_type::INCLUSIVE_MULTICAST,
            EvpnRoute::EthernetSegment { .. } => route_type::ETHERNET_SEGMENT,
            EvpnRoute::IpPrefix { .. } => route_type::IP_PREFIX,
            EvpnRoute::Unknown { route_type, .. } => *route_type,
        }
    }

    /// ExaBGP's name of the route type (`"name"` in its JSON); `"Unknown"` for other types.
    pub fn name(&self) -> &'static str {
        match self {
            EvpnRoute::EthernetAd { .. } => "Ethernet Auto-Discovery",
            EvpnRoute::MacIp { .. } => "MAC/IP advertisement",
            EvpnRoute::InclusiveMulticast { .. } => "Inclusive Multicast Ethernet Tag",
            EvpnRoute::EthernetSegment { .. } => "Ethernet Segment",
            EvpnRoute::IpPrefix { .. } => "IP Prefix Advertisement",
            EvpnRoute::Unknown { .. } => "Unknown",
        }
    }

    /// The route distinguisher (every known route type has one).
    pub fn rd(&self) -> Option<RouteDistinguisher> {
        match self {
            EvpnRoute::EthernetAd { rd, .. }
            | EvpnRoute::MacIp { rd, .. }
            | EvpnRoute::InclusiveMulticast { rd, .. }
            | EvpnRoute::EthernetSegment { rd, .. }
            | EvpnRoute::IpPrefix { rd, .. } => Some(*rd),
            EvpnRoute::Unknown { .. } => None,
        }
    }

    /// Octets of the route type specific field.
    pub fn value_len(&self) -> usize {
        let ip = |a: &IpAddr| if a.is_ipv4() { 4 } else { 16 };
        match self {
            EvpnRoute::EthernetAd { .. } => 25,
            EvpnRoute::MacIp { ip: a, label2, .. } => {
                30 + a.as_ref().map_or(0, ip) + 3 + if label2.is_some() { 3 } else { 0 }
            }
            EvpnRoute::InclusiveMulticast { ip: a, .. } => 13 + ip(a),
            EvpnRoute::EthernetSegment { ip: a, .. } => 19 + ip(a),
            EvpnRoute::IpPrefix { prefix, .. } => {
                if prefix.addr().is_ipv4() {
                    34
                } else {
                    58
                }
            }
            EvpnRoute::Unknown { value, .. } => value.len(),
        }
    }

    /// Append route type, length and value. The length octet of an [`EvpnRoute::Unknown`]
    /// value longer than 255 octets (which no decoded route has) is written as 255.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.route_type());
        out.push(self.value_len().min(255) as u8);
        match self {
            EvpnRoute::EthernetAd {
                rd,
                esi,
                etag,
                label,
            } => {
                out.extend_from_slice(&rd.0);
                out.extend_from_slice(&esi.0);
                out.extend_from_slice(&etag.to_be_bytes());
                put_label(*label, out);
            }
            EvpnRoute::MacIp {
                rd,
                esi,
                etag,
                mac,
                ip,
                label,
                label2,
            } => {
                out.extend_from_slice(&rd.0);
                out.extend_from_slice(&esi.0);
                out.extend_from_slice(&etag.to_be_bytes());
                out.push(48);
                out.extend_from_slice(&mac.0);
                match ip {
                    None => out.push(0),
                    Some(a) => put_ip(a, out),
                }
                put_label(*label, out);
                if let Some(l) = label2 {
                    put_label(*l, out);
                }
            }
            EvpnRoute::InclusiveMulticast { rd, etag, ip } => {
                out.extend_from_slice(&rd.0);
                out.extend_from_slice(&etag.to_be_bytes());
                put_ip(ip, out);
            }
            EvpnRoute::EthernetSegment { rd, esi, ip } => {
                out.extend_from_slice(&rd.0);
                out.extend_from_slice(&esi.0);
                put_ip(ip, out);
            }
            EvpnRoute::IpPrefix {
                rd,
                esi,
                etag,
                prefix,
                gateway,
                label,
            } => {
                out.extend_from_slice(&rd.0);
                out.extend_from_slice(&esi.0);
                out.extend_from_slice(&etag.to_be_bytes());
                out.push(prefix.prefix_len());
                let v4 = prefix.addr().is_ipv4();
                put_addr(&prefix.addr(), out);
                // A gateway of the other family cannot be written in this route's field; its
                // own family's zero address is (no decoded route has one).
                match (gateway, v4) {
                    (IpAddr::V4(_), true) | (IpAddr::V6(_), false) => put_addr(gateway, out),
                    (_, true) => out.extend_from_slice(&[0; 4]),
                    (_, false) => out.extend_from_slice(&[0; 16]),
                }
                put_label(*label, out);
            }
            EvpnRoute::Unknown { value, .. } => {
                out.extend_from_slice(value.get(..255).unwrap_or(value));
            }
        }
    }

    /// Decode the route type specific field `v` of a route of type `t`.
    pub fn decode(t: u8, v: &[u8]) -> Result<EvpnRoute, &'static str> {
        let mut r = Reader(v);
        let route = match t {
            route_type::ETHERNET_AD => {
                if v.len() != 25 {
                    return Err("EVPN Ethernet A-D route is not 25 octets");
                }
                EvpnRoute::EthernetAd {
                    rd: RouteDistinguisher(r.take()?),
                    esi: Esi(r.take()?),
                    etag: r.u32()?,
                    label: r.label()?,
                }
            }
            route_type::MAC_IP => {
                let rd = RouteDistinguisher(r.take()?);
                let esi = Esi(r.take()?);
                let etag = r.u32()?;
                if r.u8()? != 48 {
                    return Err("EVPN MAC/IP route with a MAC length other than 48");
                }
                let mac = MacAddress(r.take()?);
                let ip = match r.u8()? {
                    0 => None,
                    32 => Some(IpAddr::V4(Ipv4Addr::from(r.take::<4>()?))),
                    128 => Some(IpAddr::V6(Ipv6Addr::from(r.take::<16>()?))),
                    _ => return Err("EVPN MAC/IP route with an IP length other than 0, 32, 128"),
                };
                let label = r.label()?;
                let label2 = match r.0.len() {
                    0 => None,
                    3 => Some(r.label()?),
                    _ => return Err("EVPN MAC/IP route length does not match its fields"),
                };
                EvpnRoute::MacIp {
                    rd,
                    esi,
                    etag,
                    mac,
                    ip,
                    label,
                    label2,
                }
            }
            route_type::INCLUSIVE_MULTICAST => {
                let rd = RouteDistinguisher(r.take()?);
                let etag = r.u32()?;
                EvpnRoute::InclusiveMulticast {
                    rd,
                    etag,
                    ip: r.ip()?,
                }
            }
            route_type::ETHERNET_SEGMENT => {
                let rd = RouteDistinguisher(r.take()?);
                let esi = Esi(r.take()?);
                EvpnRoute::EthernetSegment {
                    rd,
                    esi,
                    ip: r.ip()?,
                }
            }
            route_type::IP_PREFIX => {
                let v4 = match v.len() {
                    34 => true,
                    58 => false,
                    _ => return Err("EVPN IP Prefix route is not 34 or 58 octets"),
                };
                let rd = RouteDistinguisher(r.take()?);
                let esi = Esi(r.take()?);
                let etag = r.u32()?;
                let len = r.u8()?;
                let bad = |_| "EVPN IP Prefix route with a prefix length too long";
                let (prefix, gateway) = if v4 {
                    let p = Ipv4Net::new(Ipv4Addr::from(r.take::<4>()?), len).map_err(bad)?;
                    (IpNet::V4(p), IpAddr::V4(Ipv4Addr::from(r.take::<4>()?)))
                } else {
                    let p = Ipv6Net::new(Ipv6Addr::from(r.take::<16>()?), len).map_err(bad)?;
                    (IpNet::V6(p), IpAddr::V6(Ipv6Addr::from(r.take::<16>()?)))
                };
                EvpnRoute::IpPrefix {
                    rd,
                    esi,
                    etag,
                    prefix,
                    gateway,
                    label: r.label()?,
                }
            }
            _ => {
                return Ok(EvpnRoute::Unknown {
                    route_type: t,
                    value: v.to_vec(),
                })
            }
        };
        if !r.0.is_empty() {
            return Err("EVPN route length does not match its fields");
        }
        Ok(route)
    }
}

/// A label field in herald's configuration words: `label N` when it holds the MPLS label N with
/// the bottom-of-stack bit and no traffic class (as `label N` encodes it), else `vni V` with
/// the 24 bits as a number (RFC 8365 §5.1.3), so that the text always gives the octets back.
struct LabelText(&'static str, Label);

impl fmt::Display for LabelText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (word, l) = (self.0, self.1);
        if l == Label::new(l.value(), true) {
            write!(f, "label{word} {}", l.value())
        } else {
            write!(f, "vni{word} {}", l.0)
        }
    }
}

impl fmt::Display for EvpnRoute {
    /// The route in herald's configuration syntax (what follows `evpn` in an
    /// `announce { l2vpn { … } }` block): `mac-ip rd 65000:1 esi - etag 100 mac
    /// 00:11:22:33:44:55 ip 10.0.0.1 vni 1000`; an unknown route type as `route-type N value
    /// 0x…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvpnRoute::EthernetAd {
                rd,
                esi,
                etag,
                label,
            } => write!(
                f,
                "ethernet-ad rd {rd} esi {esi} etag {etag} {}",
                LabelText("", *label)
            ),
            EvpnRoute::MacIp {
                rd,
                esi,
                etag,
                mac,
                ip,
                label,
                label2,
            } => {
                write!(f, "mac-ip rd {rd} esi {esi} etag {etag} mac {mac}")?;
                if let Some(ip) = ip {
                    write!(f, " ip {ip}")?;
                }
                write!(f, " {}", LabelText("", *label))?;
                match label2 {
                    Some(l) => write!(f, " {}", LabelText("2", *l)),
                    None => Ok(()),
                }
            }
            EvpnRoute::InclusiveMulticast { rd, etag, ip } => {
                write!(f, "multicast rd {rd} etag {etag} ip {ip}")
            }
            EvpnRoute::EthernetSegment { rd, esi, ip } => {
                write!(f, "ethernet-segment rd {rd} esi {esi} ip {ip}")
            }
            EvpnRoute::IpPrefix {
                rd,
                esi,
                etag,
                prefix,
                gateway,
                label,
            } => write!(
                f,
                "prefix rd {rd} esi {esi} etag {etag} prefix {prefix} gateway {gateway} {}",
                LabelText("", *label)
            ),
            EvpnRoute::Unknown { route_type, value } => {
                write!(f, "route-type {route_type} value 0x")?;
                value.iter().try_for_each(|b| write!(f, "{b:02X}"))
            }
        }
    }
}

fn put_label(l: Label, out: &mut Vec<u8>) {
    out.extend_from_slice(l.0.to_be_bytes().get(1..).unwrap_or_default());
}

fn put_addr(a: &IpAddr, out: &mut Vec<u8>) {
    match a {
        IpAddr::V4(v) => out.extend_from_slice(&v.octets()),
        IpAddr::V6(v) => out.extend_from_slice(&v.octets()),
    }
}

/// IP length (in bits) and address.
fn put_ip(a: &IpAddr, out: &mut Vec<u8>) {
    out.push(if a.is_ipv4() { 32 } else { 128 });
    put_addr(a, out);
}

/// Fixed-size reads from a route's value.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], &'static str> {
        let (a, rest) = self
            .0
            .split_first_chunk::<N>()
            .ok_or("EVPN route too short for its fields")?;
        self.0 = rest;
        Ok(*a)
    }

    fn u8(&mut self) -> Result<u8, &'static str> {
        self.take::<1>().map(|[b]| b)
    }

    fn u32(&mut self) -> Result<u32, &'static str> {
        self.take().map(u32::from_be_bytes)
    }

    fn label(&mut self) -> Result<Label, &'static str> {
        self.take::<3>()
            .map(|[a, b, c]| Label(u32::from_be_bytes([0, a, b, c])))
    }

    /// IP length 32 or 128 and the address.
    fn ip(&mut self) -> Result<IpAddr, &'static str> {
        match self.u8()? {
            32 => Ok(IpAddr::V4(Ipv4Addr::from(self.take::<4>()?))),
            128 => Ok(IpAddr::V6(Ipv6Addr::from(self.take::<16>()?))),
            _ => Err("EVPN route with an IP length other than 32 or 128"),
        }
    }
}

impl Evpn {
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

/// Decode a run of EVPN NLRI, appending to `out`.
pub fn decode_into(bytes: &[u8], add_path: bool, out: &mut Vec<Evpn>) -> Result<(), &'static str> {
    let errors = (
        "EVPN NLRI too short for route type and length",
        "EVPN NLRI overruns the attribute",
    );
    super::labeled::type_length_routes(bytes, add_path, errors, |path_id, t, value| {
        out.push(Evpn {
            path_id,
            route: EvpnRoute::decode(t, value)?,
        });
        Ok(())
    })
}

#[cfg(test)]
mod tests;
