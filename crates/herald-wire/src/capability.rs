//! Capabilities advertised in OPEN (RFC 5492) and the ones herald understands.
//!
//! ```text
//! +------------------------------+
//! | Capability Code (1 octet)    |
//! +------------------------------+
//! | Capability Length (1 octet)  |
//! +------------------------------+
//! | Capability Value (variable)  |
//! +------------------------------+
//! ```
//! A capability this crate does not know, or a known one whose value does not parse, is kept as
//! [`Capability::Unknown`] and re-encoded byte for byte.

use crate::iana::{Afi, Family, Safi};
use crate::reader::Reader;

/// Capability codes (IANA "Capability Codes").
pub mod code {
    /// Multiprotocol Extensions (RFC 4760).
    pub const MULTIPROTOCOL: u8 = 1;
    /// Route Refresh (RFC 2918).
    pub const ROUTE_REFRESH: u8 = 2;
    /// Extended Next Hop Encoding (RFC 8950).
    pub const EXTENDED_NEXT_HOP: u8 = 5;
    /// Extended Message (RFC 8654).
    pub const EXTENDED_MESSAGE: u8 = 6;
    /// BGP Role (RFC 9234).
    pub const ROLE: u8 = 9;
    /// Graceful Restart (RFC 4724).
    pub const GRACEFUL_RESTART: u8 = 64;
    /// Support for 4-octet AS numbers (RFC 6793).
    pub const FOUR_OCTET_AS: u8 = 65;
    /// Multisession (draft-ietf-idr-bgp-multisession).
    pub const MULTISESSION: u8 = 68;
    /// ADD-PATH (RFC 7911).
    pub const ADD_PATH: u8 = 69;
    /// Enhanced Route Refresh (RFC 7313).
    pub const ENHANCED_ROUTE_REFRESH: u8 = 70;
    /// Long-Lived Graceful Restart (RFC 9494).
    pub const LONG_LIVED_GR: u8 = 71;
    /// FQDN / hostname (draft-walton-bgp-hostname-capability).
    pub const FQDN: u8 = 73;
    /// Route Refresh, pre-standard code (Cisco).
    pub const ROUTE_REFRESH_CISCO: u8 = 128;
    /// Multisession, pre-standard code (Cisco).
    pub const MULTISESSION_CISCO: u8 = 131;
}

/// ADD-PATH Send/Receive field (RFC 7911 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddPathMode {
    /// 1: able to receive multiple paths.
    Receive,
    /// 2: able to send multiple paths.
    Send,
    /// 3: both.
    SendReceive,
    /// Any other value, kept for re-encoding.
    Other(u8),
}

impl AddPathMode {
    /// From the wire value.
    pub fn from_u8(v: u8) -> Self {
        match v {
            1 => AddPathMode::Receive,
            2 => AddPathMode::Send,
            3 => AddPathMode::SendReceive,
            n => AddPathMode::Other(n),
        }
    }

    /// The wire value.
    pub fn to_u8(self) -> u8 {
        match self {
            AddPathMode::Receive => 1,
            AddPathMode::Send => 2,
            AddPathMode::SendReceive => 3,
            AddPathMode::Other(n) => n,
        }
    }

    /// Whether this side can send.
    pub fn can_send(self) -> bool {
        matches!(self, AddPathMode::Send | AddPathMode::SendReceive)
    }

    /// Whether this side can receive.
    pub fn can_receive(self) -> bool {
        matches!(self, AddPathMode::Receive | AddPathMode::SendReceive)
    }

    /// ExaBGP's spelling: `receive`, `send`, `send/receive`.
    pub fn name(self) -> &'static str {
        match self {
            AddPathMode::Receive => "receive",
            AddPathMode::Send => "send",
            AddPathMode::SendReceive => "send/receive",
            AddPathMode::Other(_) => "unknown",
        }
    }
}

/// One family in a Graceful Restart capability (RFC 4724 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GrFamily {
    /// The family.
    pub family: Family,
    /// Flags for Address Family; 0x80 = Forwarding state preserved.
    pub flags: u8,
}

/// One family in a Long-Lived Graceful Restart capability (RFC 9494 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LlgrFamily {
    /// The family.
    pub family: Family,
    /// Flags; 0x80 = Forwarding state preserved.
    pub flags: u8,
    /// Long-lived stale time in seconds (24 bits).
    pub stale_time: u32,
}

/// One tuple of the Extended Next Hop capability (RFC 8950 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtNextHop {
    /// The NLRI family (the SAFI is carried in two octets on the wire).
    pub afi: Afi,
    /// NLRI SAFI (16 bits in this capability).
    pub safi: u16,
    /// The AFI of the next hop.
    pub nexthop_afi: Afi,
}

/// A capability.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Capability {
    /// 1: Multiprotocol Extensions (RFC 4760). The reserved octet is kept.
    Multiprotocol {
        /// The family.
        family: Family,
        /// The reserved octet between AFI and SAFI (0 from correct speakers).
        reserved: u8,
    },
    /// 2: Route Refresh (RFC 2918).
    RouteRefresh,
    /// 5: Extended Next Hop Encoding (RFC 8950).
    ExtendedNextHop(Vec<ExtNextHop>),
    /// 6: Extended Message (RFC 8654).
    ExtendedMessage,
    /// 9: BGP Role (RFC 9234).
    Role(u8),
    /// 64: Graceful Restart (RFC 4724).
    GracefulRestart {
        /// Restart flags (upper 4 bits of the first octet: R = 0x8, N = 0x4).
        flags: u8,
        /// Restart time in seconds (12 bits).
        time: u16,
        /// Families with forwarding-state flags.
        families: Vec<GrFamily>,
    },
    /// 65: 4-octet AS number (RFC 6793).
    FourOctetAs(u32),
    /// 69: ADD-PATH (RFC 7911).
    AddPath(Vec<(Family, AddPathMode)>),
    /// 70: Enhanced Route Refresh (RFC 7313).
    EnhancedRouteRefresh,
    /// 71: Long-Lived Graceful Restart (RFC 9494).
    LongLivedGracefulRestart(Vec<LlgrFamily>),
    /// 73: FQDN (hostname and domain name).
    Fqdn {
        /// Host name.
        hostname: String,
        /// Domain name.
        domain: String,
    },
    /// 128: Route Refresh with the pre-standard code.
    RouteRefreshCisco,
    /// 68 or 131: Multisession; the value is kept raw.
    Multisession {
        /// 68 (draft) or 131 (pre-standard).
        code: u8,
        /// The value.
        data: Vec<u8>,
    },
    /// Any other capability, or a known one whose value did not parse.
    Unknown {
        /// The capability code.
        code: u8,
        /// The value.
        data: Vec<u8>,
    },
}

impl Capability {
    /// The capability code.
    pub fn code(&self) -> u8 {
        match self {
            Capability::Multiprotocol { .. } => code::MULTIPROTOCOL,
            Capability::RouteRefresh => code::ROUTE_REFRESH,
            Capability::ExtendedNextHop(_) => code::EXTENDED_NEXT_HOP,
            Capability::ExtendedMessage => code::EXTENDED_MESSAGE,
            Capability::Role(_) => code::ROLE,
            Capability::GracefulRestart { .. } => code::GRACEFUL_RESTART,
            Capability::FourOctetAs(_) => code::FOUR_OCTET_AS,
            Capability::AddPath(_) => code::ADD_PATH,
            Capability::EnhancedRouteRefresh => code::ENHANCED_ROUTE_REFRESH,
            Capability::LongLivedGracefulRestart(_) => code::LONG_LIVED_GR,
            Capability::Fqdn { .. } => code::FQDN,
            Capability::RouteRefreshCisco => code::ROUTE_REFRESH_CISCO,
            Capability::Multisession { code, .. } | Capability::Unknown { code, .. } => *code,
        }
    }

    /// Decode one capability value. Never fails: what does not parse is kept raw.
    pub fn decode(code: u8, value: &[u8]) -> Capability {
        Self::decode_known(code, value).unwrap_or_else(|| Capability::Unknown {
            code,
            data: value.to_vec(),
        })
    }

    fn decode_known(c: u8, value: &[u8]) -> Option<Capability> {
        let mut r = Reader::new(value);
        let cap = match c {
            code::MULTIPROTOCOL => {
                let afi = r.u16()?;
                let reserved = r.u8()?;
                let safi = r.u8()?;
                Capability::Multiprotocol {
                    family: Family::new(Afi(afi), Safi(safi)),
                    reserved,
                }
            }
            code::ROUTE_REFRESH => Capability::RouteRefresh,
            code::ROUTE_REFRESH_CISCO => Capability::RouteRefreshCisco,
            code::ENHANCED_ROUTE_REFRESH => Capability::EnhancedRouteRefresh,
            code::EXTENDED_MESSAGE => Capability::ExtendedMessage,
            code::ROLE => Capability::Role(r.u8()?),
            code::FOUR_OCTET_AS => Capability::FourOctetAs(r.u32()?),
            code::EXTENDED_NEXT_HOP => {
                let mut v = Vec::new();
                while !r.is_empty() {
                    v.push(ExtNextHop {
                        afi: Afi(r.u16()?),
                        safi: r.u16()?,
                        nexthop_afi: Afi(r.u16()?),
                    });
                }
                Capability::ExtendedNextHop(v)
            }
            code::GRACEFUL_RESTART => {
                let head = r.u16()?;
                let mut families = Vec::new();
                while !r.is_empty() {
                    let afi = r.u16()?;
                    let safi = r.u8()?;
                    let flags = r.u8()?;
                    families.push(GrFamily {
                        family: Family::new(Afi(afi), Safi(safi)),
                        flags,
                    });
                }
                Capability::GracefulRestart {
                    flags: (head >> 12) as u8,
                    time: head & 0x0fff,
                    families,
                }
            }
            code::LONG_LIVED_GR => {
                let mut v = Vec::new();
                while !r.is_empty() {
                    let afi = r.u16()?;
                    let safi = r.u8()?;
                    let flags = r.u8()?;
                    let t = r.array::<3>()?;
                    let stale_time = u32::from_be_bytes([0, t[0], t[1], t[2]]);
                    v.push(LlgrFamily {
                        family: Family::new(Afi(afi), Safi(safi)),
                        flags,
                        stale_time,
                    });
                }
                Capability::LongLivedGracefulRestart(v)
            }
            code::ADD_PATH => {
                let mut v = Vec::new();
                while !r.is_empty() {
                    let afi = r.u16()?;
                    let safi = r.u8()?;
                    let mode = AddPathMode::from_u8(r.u8()?);
                    v.push((Family::new(Afi(afi), Safi(safi)), mode));
                }
                Capability::AddPath(v)
            }
            code::FQDN => {
                let hl = r.u8()? as usize;
                let hostname = std::str::from_utf8(r.take(hl)?).ok()?.to_string();
                let dl = r.u8()? as usize;
                let domain = std::str::from_utf8(r.take(dl)?).ok()?.to_string();
                Capability::Fqdn { hostname, domain }
            }
            code::MULTISESSION | code::MULTISESSION_CISCO => {
                return Some(Capability::Multisession {
                    code: c,
                    data: value.to_vec(),
                })
            }
            _ => return None,
        };
        // Trailing octets after a fixed-size value: keep the capability raw so it re-encodes.
        if !r.is_empty() {
            return None;
        }
        Some(cap)
    }

    /// Append the value (without code and length) to `out`.
    pub fn encode_value(&self, out: &mut Vec<u8>) {
        match self {
            Capability::Multiprotocol { family, reserved } => {
                out.extend_from_slice(&family.afi.0.to_be_bytes());
                out.push(*reserved);
                out.push(family.safi.0);
            }
            Capability::RouteRefresh
            | Capability::RouteRefreshCisco
            | Capability::EnhancedRouteRefresh
            | Capability::ExtendedMessage => {}
            Capability::Role(r) => out.push(*r),
            Capability::FourOctetAs(asn) => out.extend_from_slice(&asn.to_be_bytes()),
            Capability::ExtendedNextHop(v) => {
                for t in v {
                    out.extend_from_slice(&t.afi.0.to_be_bytes());
                    out.extend_from_slice(&t.safi.to_be_bytes());
                    out.extend_from_slice(&t.nexthop_afi.0.to_be_bytes());
                }
            }
            Capability::GracefulRestart {
                flags,
                time,
                families,
            } => {
                let head = (u16::from(*flags & 0x0f) << 12) | (*time & 0x0fff);
                out.extend_from_slice(&head.to_be_bytes());
                for f in families {
                    out.extend_from_slice(&f.family.afi.0.to_be_bytes());
                    out.push(f.family.safi.0);
                    out.push(f.flags);
                }
            }
            Capability::LongLivedGracefulRestart(v) => {
                for f in v {
                    out.extend_from_slice(&f.family.afi.0.to_be_bytes());
                    out.push(f.family.safi.0);
                    out.push(f.flags);
                    out.extend_from_slice(&f.stale_time.to_be_bytes()[1..]);
                }
            }
            Capability::AddPath(v) => {
                for (f, m) in v {
                    out.extend_from_slice(&f.afi.0.to_be_bytes());
                    out.push(f.safi.0);
                    out.push(m.to_u8());
                }
            }
            Capability::Fqdn { hostname, domain } => {
                let h = hostname.as_bytes();
                let h = h.get(..h.len().min(255)).unwrap_or_default();
                out.push(h.len() as u8);
                out.extend_from_slice(h);
                let d = domain.as_bytes();
                let d = d.get(..d.len().min(255)).unwrap_or_default();
                out.push(d.len() as u8);
                out.extend_from_slice(d);
            }
            Capability::Multisession { data, .. } | Capability::Unknown { data, .. } => {
                out.extend_from_slice(data)
            }
        }
    }

    /// Append code, length and value to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.code());
        let len_at = out.len();
        out.push(0);
        self.encode_value(out);
        let len = out.len() - len_at - 1;
        if let Some(b) = out.get_mut(len_at) {
            *b = len.min(255) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(bytes: &[u8], expect: Capability) {
        let (&c, rest) = bytes.split_first().unwrap();
        let (&len, value) = rest.split_first().unwrap();
        assert_eq!(len as usize, value.len());
        let cap = Capability::decode(c, value);
        assert_eq!(cap, expect);
        let mut out = Vec::new();
        cap.encode(&mut out);
        assert_eq!(out, bytes);
    }

    #[test]
    fn multiprotocol_ipv6_unicast() {
        rt(
            &[1, 4, 0, 2, 0, 1],
            Capability::Multiprotocol {
                family: Family::IPV6_UNICAST,
                reserved: 0,
            },
        );
    }

    #[test]
    fn route_refresh_variants() {
        rt(&[2, 0], Capability::RouteRefresh);
        rt(&[128, 0], Capability::RouteRefreshCisco);
        rt(&[70, 0], Capability::EnhancedRouteRefresh);
        rt(&[6, 0], Capability::ExtendedMessage);
    }

    #[test]
    fn four_octet_as() {
        rt(&[65, 4, 0, 0, 0xfd, 0xe9], Capability::FourOctetAs(65001));
    }

    #[test]
    fn graceful_restart_with_restart_bit_and_families() {
        // ExaBGP 5: R-bit + 120 s, three families each with the forwarding flag.
        rt(
            &[
                64, 14, 0x80, 0x78, 0, 1, 1, 0x80, 0, 1, 128, 0x80, 0, 2, 1, 0x80,
            ],
            Capability::GracefulRestart {
                flags: 8,
                time: 120,
                families: vec![
                    GrFamily {
                        family: Family::IPV4_UNICAST,
                        flags: 0x80,
                    },
                    GrFamily {
                        family: Family::new(Afi::IPV4, Safi::MPLS_VPN),
                        flags: 0x80,
                    },
                    GrFamily {
                        family: Family::IPV6_UNICAST,
                        flags: 0x80,
                    },
                ],
            },
        );
    }

    #[test]
    fn long_lived_graceful_restart() {
        rt(
            &[71, 7, 0, 1, 1, 0x80, 0, 0x0e, 0x10],
            Capability::LongLivedGracefulRestart(vec![LlgrFamily {
                family: Family::IPV4_UNICAST,
                flags: 0x80,
                stale_time: 3600,
            }]),
        );
    }

    #[test]
    fn add_path_send_receive() {
        rt(
            &[69, 8, 0, 1, 1, 3, 0, 2, 1, 1],
            Capability::AddPath(vec![
                (Family::IPV4_UNICAST, AddPathMode::SendReceive),
                (Family::IPV6_UNICAST, AddPathMode::Receive),
            ]),
        );
    }

    #[test]
    fn extended_next_hop_ipv4_over_ipv6() {
        rt(
            &[5, 6, 0, 1, 0, 1, 0, 2],
            Capability::ExtendedNextHop(vec![ExtNextHop {
                afi: Afi::IPV4,
                safi: 1,
                nexthop_afi: Afi::IPV6,
            }]),
        );
    }

    #[test]
    fn role_and_fqdn() {
        rt(&[9, 1, 3], Capability::Role(3));
        rt(
            &[73, 9, 4, b'h', b'o', b's', b't', 3, b'n', b'e', b't'],
            Capability::Fqdn {
                hostname: "host".into(),
                domain: "net".into(),
            },
        );
    }

    #[test]
    fn unknown_and_truncated_capabilities_are_kept_raw() {
        rt(
            &[200, 3, 1, 2, 3],
            Capability::Unknown {
                code: 200,
                data: vec![1, 2, 3],
            },
        );
        rt(
            &[65, 2, 0, 1],
            Capability::Unknown {
                code: 65,
                data: vec![0, 1],
            },
        );
        rt(
            &[69, 3, 0, 1, 1],
            Capability::Unknown {
                code: 69,
                data: vec![0, 1, 1],
            },
        );
        rt(
            &[131, 1, 0],
            Capability::Multisession {
                code: 131,
                data: vec![0],
            },
        );
    }
}
