//! EVPN routes (AFI 25 L2VPN / SAFI 70; RFC 7432, RFC 9136) written in an
//! `announce { l2vpn { evpn … } }` block or the API's `announce l2vpn evpn …`, and the
//! extended communities EVPN uses.
//!
//! ExaBGP 5.0.15 has no configuration syntax for EVPN routes (only the family `l2vpn evpn`), so
//! this one is herald's, in ExaBGP's style (keyword and value pairs, the route attributes of any
//! route after them):
//!
//! ```text
//! evpn ethernet-ad      rd RD esi ESI [etag N] [label L | vni V] <attributes>;
//! evpn mac-ip           rd RD [esi ESI] [etag N] mac MAC [ip IP] (label L | vni V)
//!                       [label2 L | vni2 V] <attributes>;
//! evpn multicast        rd RD [etag N] ip IP <attributes>;
//! evpn ethernet-segment rd RD esi ESI ip IP <attributes>;
//! evpn prefix           rd RD [esi ESI] [etag N] prefix P/LEN [gateway IP]
//!                       [label L | vni V] <attributes>;
//! ```
//! `rd` as for VPN routes (`ASN:N`, `IP:N`); `esi` `-` or `0` (the default: single-homed), ten
//! hex octets `00:11:…:99` or `0x` and 20 hex digits; `etag` (also `ethernet-tag`) 0 to
//! 4294967295, default 0; `label L` an MPLS label 0-1048575, encoded with the bottom-of-stack
//! bit as ExaBGP encodes labels; `vni V` 0-16777215 written as the 24-bit label field (RFC 8365
//! §5.1.3), as GoBGP and FRR do for VXLAN; no label is a zero label field. The gateway defaults
//! to the prefix family's zero address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use herald_wire::attr::ExtCommunity;
use herald_wire::nlri::{Esi, EvpnRoute, Label, LabelStack, MacAddress, RouteDistinguisher};
use ipnet::IpNet;

use super::{err, parse_prefix, Cursor};
use crate::error::Result;
use crate::lexer::Token;
use crate::values::{parse_ip, parse_u32};

/// The route types, by the word after `evpn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    EthernetAd,
    MacIp,
    Multicast,
    EthernetSegment,
    Prefix,
}

impl Kind {
    /// The route type named `word`.
    pub fn from_word(word: &str) -> Option<Kind> {
        Some(match word {
            "ethernet-ad" => Kind::EthernetAd,
            "mac-ip" => Kind::MacIp,
            "multicast" => Kind::Multicast,
            "ethernet-segment" => Kind::EthernetSegment,
            "prefix" => Kind::Prefix,
            _ => return None,
        })
    }

    fn word(self) -> &'static str {
        match self {
            Kind::EthernetAd => "ethernet-ad",
            Kind::MacIp => "mac-ip",
            Kind::Multicast => "multicast",
            Kind::EthernetSegment => "ethernet-segment",
            Kind::Prefix => "prefix",
        }
    }

    /// The fields this route type takes (besides `rd`, which all take, and `label`, read with
    /// the route attributes).
    fn takes(self, field: &str) -> bool {
        match self {
            Kind::EthernetAd => matches!(field, "esi" | "etag" | "vni"),
            Kind::MacIp => matches!(
                field,
                "esi" | "etag" | "mac" | "ip" | "vni" | "label2" | "vni2"
            ),
            Kind::Multicast => matches!(field, "etag" | "ip"),
            Kind::EthernetSegment => matches!(field, "esi" | "ip"),
            Kind::Prefix => matches!(field, "esi" | "etag" | "prefix" | "gateway" | "vni"),
        }
    }
}

/// The words of EVPN fields (other than `rd` and `label`, which the route attributes read).
pub(crate) fn is_field(word: &str) -> bool {
    matches!(
        word,
        "esi"
            | "etag"
            | "ethernet-tag"
            | "mac"
            | "ip"
            | "vni"
            | "label2"
            | "vni2"
            | "prefix"
            | "gateway"
    )
}

/// An EVPN route as it is being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EvpnDraft {
    kind: Kind,
    esi: Option<Esi>,
    etag: Option<u32>,
    mac: Option<MacAddress>,
    ip: Option<IpAddr>,
    vni: Option<Label>,
    label2: Option<Label>,
    prefix: Option<IpNet>,
    gateway: Option<IpAddr>,
}

fn set_once<T>(slot: &mut Option<T>, v: T, kw: &Token<'_>) -> Result<()> {
    if slot.is_some() {
        return Err(err(kw, format!("'{}' given twice", kw.text)));
    }
    *slot = Some(v);
    Ok(())
}

fn label_value(v: &Token<'_>) -> Result<Label> {
    parse_u32(v.text)
        .filter(|l| *l < 1 << 20)
        .map(|l| Label::new(l, true))
        .ok_or_else(|| err(v, "a label is a number from 0 to 1048575"))
}

fn vni_value(v: &Token<'_>) -> Result<Label> {
    parse_u32(v.text)
        .filter(|l| *l < 1 << 24)
        .map(Label)
        .ok_or_else(|| err(v, "a VNI is a number from 0 to 16777215"))
}

impl EvpnDraft {
    /// A route of type `kind` with no field given yet.
    pub fn new(kind: Kind) -> EvpnDraft {
        EvpnDraft {
            kind,
            esi: None,
            etag: None,
            mac: None,
            ip: None,
            vni: None,
            label2: None,
            prefix: None,
            gateway: None,
        }
    }

    /// Read the value of the field `kw` (a word [`is_field`] accepts).
    pub fn field(&mut self, kw: &Token<'_>, cur: &mut Cursor<'_, '_>) -> Result<()> {
        let field = if kw.text == "ethernet-tag" {
            "etag"
        } else {
            kw.text
        };
        if !self.kind.takes(field) {
            return Err(err(
                kw,
                format!("an EVPN {} route has no '{}'", self.kind.word(), kw.text),
            ));
        }
        match field {
            "esi" => {
                let v = cur.value(kw, "an ESI")?;
                let esi = Esi::parse(v.text).ok_or_else(|| {
                    err(
                        &v,
                        "an ESI is '-', 0, ten hex octets 00:11:…:99 or 0x and 20 hex digits",
                    )
                })?;
                set_once(&mut self.esi, esi, kw)
            }
            "etag" => {
                let v = cur.value(kw, "an Ethernet tag")?;
                let t = parse_u32(v.text)
                    .ok_or_else(|| err(&v, "an Ethernet tag is a number from 0 to 4294967295"))?;
                set_once(&mut self.etag, t, kw)
            }
            "mac" => {
                let v = cur.value(kw, "a MAC address")?;
                let m = MacAddress::parse(v.text)
                    .ok_or_else(|| err(&v, "a MAC address is six hex octets 00:11:22:33:44:55"))?;
                set_once(&mut self.mac, m, kw)
            }
            "ip" | "gateway" => {
                let v = cur.value(kw, "an IP address")?;
                let a = parse_ip(v.text).ok_or_else(|| err(&v, "invalid IP address"))?;
                let slot = if field == "ip" {
                    &mut self.ip
                } else {
                    &mut self.gateway
                };
                set_once(slot, a, kw)
            }
            "prefix" => {
                let v = cur.value(kw, "a prefix")?;
                let p = parse_prefix(&v)?;
                set_once(&mut self.prefix, p, kw)
            }
            "vni" => {
                let v = cur.value(kw, "a VNI")?;
                let l = vni_value(&v)?;
                set_once(&mut self.vni, l, kw)
            }
            "label2" => {
                let v = cur.value(kw, "a label")?;
                let l = label_value(&v)?;
                set_once(&mut self.label2, l, kw)
            }
            "vni2" => {
                let v = cur.value(kw, "a VNI")?;
                let l = vni_value(&v)?;
                set_once(&mut self.label2, l, kw)
            }
            _ => Err(err(kw, format!("unknown EVPN field '{}'", kw.text))),
        }
    }

    /// The route, from the fields read, and the `rd` and `label` the route attributes read;
    /// `kw` (the route type word) places the errors.
    pub fn build(
        &self,
        kw: &Token<'_>,
        rd: Option<RouteDistinguisher>,
        labels: Option<&LabelStack>,
    ) -> Result<EvpnRoute> {
        let what = self.kind.word();
        let need = |field: &str| err(kw, format!("an EVPN {what} route needs '{field}'"));
        let rd = rd.ok_or_else(|| need("rd"))?;
        let label =
            match (labels, self.vni) {
                (Some(_), Some(_)) => {
                    return Err(err(kw, "give 'label' or 'vni', not both"));
                }
                (Some(stack), None) => {
                    let mut it = stack.iter();
                    match (it.next(), it.next()) {
                        (Some(l), None) => Some(l),
                        _ => return Err(err(
                            kw,
                            "an EVPN route has one label ('label2' gives a MAC/IP route's second)",
                        )),
                    }
                }
                (None, vni) => vni,
            };
        if label.is_some() && matches!(self.kind, Kind::Multicast | Kind::EthernetSegment) {
            return Err(err(kw, format!("an EVPN {what} route has no label")));
        }
        let esi = self.esi.unwrap_or(Esi::ZERO);
        let etag = self.etag.unwrap_or(0);
        let label0 = label.unwrap_or(Label(0));
        Ok(match self.kind {
            Kind::EthernetAd => EvpnRoute::EthernetAd {
                rd,
                esi: self.esi.ok_or_else(|| need("esi"))?,
                etag,
                label: label0,
            },
            Kind::MacIp => {
                if self.label2.is_some() && label.is_none() {
                    return Err(err(kw, "'label2' or 'vni2' needs 'label' or 'vni' too"));
                }
                EvpnRoute::MacIp {
                    rd,
                    esi,
                    etag,
                    mac: self.mac.ok_or_else(|| need("mac"))?,
                    ip: self.ip,
                    label: label.ok_or_else(|| need("label' or 'vni"))?,
                    label2: self.label2,
                }
            }
            Kind::Multicast => EvpnRoute::InclusiveMulticast {
                rd,
                etag,
                ip: self.ip.ok_or_else(|| need("ip"))?,
            },
            Kind::EthernetSegment => EvpnRoute::EthernetSegment {
                rd,
                esi: self.esi.ok_or_else(|| need("esi"))?,
                ip: self.ip.ok_or_else(|| need("ip"))?,
            },
            Kind::Prefix => {
                let prefix = self.prefix.ok_or_else(|| need("prefix"))?;
                let gateway = match (self.gateway, prefix) {
                    (None, IpNet::V4(_)) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                    (None, IpNet::V6(_)) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
                    (Some(g), p) if g.is_ipv4() == p.addr().is_ipv4() => g,
                    (Some(_), _) => {
                        return Err(err(
                            kw,
                            "the gateway must be of the prefix's address family",
                        ))
                    }
                };
                EvpnRoute::IpPrefix {
                    rd,
                    esi,
                    etag,
                    prefix,
                    gateway,
                    label: label0,
                }
            }
        })
    }
}

/// Tunnel types of the encapsulation extended community (RFC 9012 §4.1, IANA "BGP Tunnel
/// Encapsulation Attribute Tunnel Types"), by the names ExaBGP shows them with.
const TUNNEL_TYPES: [(&str, u16); 10] = [
    ("default", 0),
    ("l2tpv3", 1),
    ("gre", 2),
    ("ip-in-ip", 7),
    ("vxlan", 8),
    ("nvgre", 9),
    ("mpls", 10),
    ("mpls-in-gre", 11),
    ("vxlan-gpe", 12),
    ("mpls-in-udp", 13),
];

/// The EVPN-related extended communities, in the text forms herald's (and, where it has them,
/// ExaBGP's) JSON shows: `encap:vxlan` (also `encapsulation:…`; a tunnel type name or number;
/// RFC 9012 §4.1, type 0x03 subtype 0x0c), `router-mac:00:11:22:33:44:55` (RFC 9135 §8.1, 0x06
/// 0x03), `mac-mobility:SEQ` and `mac-mobility:SEQ:sticky` (RFC 7432 §7.7, 0x06 0x00),
/// `esi-label:FLAGS:LABEL` (RFC 7432 §7.5, 0x06 0x01; the label field as a 24-bit number).
/// `None` when `t` is none of these.
pub(crate) fn ext_community(t: &Token<'_>) -> Option<Result<ExtCommunity>> {
    let (kind, rest) = t.text.split_once(':')?;
    let kind = kind.to_ascii_lowercase();
    let bad = |why: &str| err(t, format!("invalid extended community: {why}"));
    Some(match kind.as_str() {
        "encap" | "encapsulation" => {
            let name = rest.to_ascii_lowercase();
            TUNNEL_TYPES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v)
                .or_else(|| parse_u32(rest).and_then(|v| u16::try_from(v).ok()))
                .map(|tt| {
                    let [a, b] = tt.to_be_bytes();
                    ExtCommunity([0x03, 0x0c, 0, 0, 0, 0, a, b])
                })
                .ok_or_else(|| {
                    bad("encap: needs a tunnel type (vxlan, nvgre, mpls, mpls-in-gre, mpls-in-udp, vxlan-gpe, gre, ip-in-ip, l2tpv3, default) or a number 0-65535")
                })
        }
        "router-mac" => MacAddress::parse(rest)
            .map(|m| {
                let [a, b, c, d, e, f] = m.0;
                ExtCommunity([0x06, 0x03, a, b, c, d, e, f])
            })
            .ok_or_else(|| bad("router-mac: needs a MAC address 00:11:22:33:44:55")),
        "mac-mobility" => {
            let (seq, sticky) = match rest.split_once(':') {
                Some((s, f)) if f.eq_ignore_ascii_case("sticky") => (s, true),
                Some(_) => return Some(Err(bad("mac-mobility:SEQ or mac-mobility:SEQ:sticky"))),
                None => (rest, false),
            };
            parse_u32(seq)
                .map(|n| {
                    let [a, b, c, d] = n.to_be_bytes();
                    ExtCommunity([0x06, 0x00, u8::from(sticky), 0, a, b, c, d])
                })
                .ok_or_else(|| bad("the MAC mobility sequence number is 0-4294967295"))
        }
        "esi-label" => {
            let parsed = rest.split_once(':').and_then(|(f, l)| {
                let flags = u8::try_from(parse_u32(f)?).ok()?;
                let label = parse_u32(l).filter(|l| *l < 1 << 24)?;
                let [_, a, b, c] = label.to_be_bytes();
                Some(ExtCommunity([0x06, 0x01, flags, 0, 0, a, b, c]))
            });
            parsed.ok_or_else(|| bad("esi-label:FLAGS:LABEL (flags 0-255, label 0-16777215)"))
        }
        _ => return None,
    })
}
