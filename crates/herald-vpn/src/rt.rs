//! Route targets (RFC 4360 §4, RFC 5668 §4): the extended communities that say which VPN
//! instances import a route, in the `ASN:nn` / `IP:nn` text of BaGPipe's REST API; and their
//! matching against route target membership (RTC, RFC 4684 §4).
//!
//! ```text
//! type 0x00 sub 0x02 | AS (2 octets)   | local (4 octets)     ASN:nn, AS < 65536
//! type 0x01 sub 0x02 | IPv4 (4 octets) | local (2 octets)     a.b.c.d:nn
//! type 0x02 sub 0x02 | AS (4 octets)   | local (2 octets)     ASN:nn, AS >= 65536
//! ```

use std::fmt;
use std::net::Ipv4Addr;

use herald_wire::attr::{ExtCommunity, RtGlobal};
use herald_wire::nlri::Rtc;

/// Sub-type of a route target (RFC 4360 §4).
const RT_SUBTYPE: u8 = 0x02;
/// Sub-type of an RT-Record (draft-ietf-bess-service-chaining §2.2): a route target the route
/// carried before it was re-advertised, for loop prevention.
const RT_RECORD_SUBTYPE: u8 = 0x13;

/// One route target: the eight octets of the extended community.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RouteTarget(pub [u8; 8]);

impl RouteTarget {
    /// From `ASN:nn` (a 2-octet AS with a 4-octet number, or a 4-octet AS with a 2-octet
    /// number) or `a.b.c.d:nn`; an optional `target:` prefix is accepted.
    pub fn parse(s: &str) -> Option<RouteTarget> {
        let s = s.trim();
        let s = s.strip_prefix("target:").unwrap_or(s);
        let (admin, local) = s.split_once(':')?;
        let local: u32 = local.trim().parse().ok()?;
        let admin = admin.trim();
        let global = if admin.contains('.') {
            RtGlobal::Ip(admin.parse::<Ipv4Addr>().ok()?)
        } else {
            RtGlobal::Asn(admin.parse().ok()?)
        };
        ExtCommunity::route_target(global, local).map(|e| RouteTarget(e.0))
    }

    /// The route target an extended community is, if it is one (types 0x00, 0x01, 0x02 with
    /// sub-type 0x02, the transitive forms).
    pub fn from_ext(e: &ExtCommunity) -> Option<RouteTarget> {
        (matches!(e.kind(), 0x00..=0x02) && e.subtype() == RT_SUBTYPE).then_some(RouteTarget(e.0))
    }

    /// The route target an RT-Record extended community records, if it is one.
    pub fn from_record(e: &ExtCommunity) -> Option<RouteTarget> {
        if !matches!(e.kind(), 0x00..=0x02) || e.subtype() != RT_RECORD_SUBTYPE {
            return None;
        }
        let mut b = e.0;
        b[1] = RT_SUBTYPE;
        Some(RouteTarget(b))
    }

    /// The extended community.
    pub fn ext(self) -> ExtCommunity {
        ExtCommunity(self.0)
    }

    /// The RT-Record extended community recording this route target.
    pub fn record(self) -> ExtCommunity {
        let mut b = self.0;
        b[1] = RT_RECORD_SUBTYPE;
        ExtCommunity(b)
    }

    /// The route target membership NLRI that asks for this route target (RFC 4684 §4: the
    /// origin AS, then all 64 bits of the route target).
    pub fn rtc(self, origin_as: u32) -> Rtc {
        Rtc {
            path_id: None,
            len: 96,
            origin: origin_as,
            rt: self.0,
        }
    }

    /// Whether a membership route covers this route target: the default route (length 0),
    /// or a route whose first `len - 32` bits of route target are this one's (RFC 4684 §4;
    /// the origin AS plays no part in matching).
    pub fn matched_by(self, rtc: &Rtc) -> bool {
        if rtc.len == 0 {
            return true;
        }
        let bits = usize::from(rtc.len.saturating_sub(32)).min(64);
        let mask = if bits == 0 {
            0
        } else {
            u64::MAX << (64 - bits)
        };
        u64::from_be_bytes(self.0) & mask == u64::from_be_bytes(rtc.rt) & mask
    }
}

impl fmt::Display for RouteTarget {
    /// `ASN:nn` or `a.b.c.d:nn`, as BaGPipe's API writes them; another kind as `0x` and 16
    /// hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [t, _, a, b, c, d, e, g] = self.0;
        match t {
            0x00 => write!(
                f,
                "{}:{}",
                u16::from_be_bytes([a, b]),
                u32::from_be_bytes([c, d, e, g])
            ),
            0x01 => write!(
                f,
                "{}:{}",
                Ipv4Addr::new(a, b, c, d),
                u16::from_be_bytes([e, g])
            ),
            0x02 => write!(
                f,
                "{}:{}",
                u32::from_be_bytes([a, b, c, d]),
                u16::from_be_bytes([e, g])
            ),
            _ => write!(f, "0x{:016x}", u64::from_be_bytes(self.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_parse_to_the_rfc_4360_octets_and_back() {
        let rt = |s: &str| RouteTarget::parse(s).map(|r| hex::encode(r.0));
        assert_eq!(rt("64512:79").as_deref(), Some("0002fc000000004f"));
        assert_eq!(rt("target:64512:79").as_deref(), Some("0002fc000000004f"));
        assert_eq!(rt("192.0.2.1:7").as_deref(), Some("0102c00002010007"));
        assert_eq!(rt("4200000000:9").as_deref(), Some("0202fa56ea000009"));
        for s in ["64512:79", "192.0.2.1:7", "4200000000:9"] {
            assert_eq!(RouteTarget::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn malformed_route_targets_are_refused() {
        for s in [
            "",
            "64512",
            ":1",
            "a:1",
            "1.2.3:4",
            "4200000000:70000",
            "1.2.3.4:65536",
        ] {
            assert_eq!(RouteTarget::parse(s), None, "{s}");
        }
    }

    #[test]
    fn only_route_target_communities_are_route_targets() {
        let rt = RouteTarget::parse("64512:79").unwrap();
        assert_eq!(RouteTarget::from_ext(&rt.ext()), Some(rt));
        // Route origin (sub-type 3) and an encapsulation community are not.
        let mut origin = rt.0;
        origin[1] = 0x03;
        assert_eq!(RouteTarget::from_ext(&ExtCommunity(origin)), None);
        let encap = ExtCommunity([0x03, 0x0c, 0, 0, 0, 0, 0, 8]);
        assert_eq!(RouteTarget::from_ext(&encap), None);
        assert_eq!(RouteTarget::from_record(&rt.record()), Some(rt));
        assert_eq!(RouteTarget::from_record(&rt.ext()), None);
    }

    #[test]
    fn membership_matching_uses_the_route_target_prefix_only() {
        let rt = RouteTarget::parse("64512:79").unwrap();
        let other = RouteTarget::parse("64512:80").unwrap();
        let default = Rtc {
            path_id: None,
            len: 0,
            origin: 0,
            rt: [0; 8],
        };
        assert!(rt.matched_by(&default));
        assert!(rt.matched_by(&rt.rtc(65001)));
        assert!(!other.matched_by(&rt.rtc(65001)));
        // 32 + 32 bits: type, sub-type and AS only: both match.
        let partial = Rtc {
            path_id: None,
            len: 64,
            origin: 1,
            rt: [0x00, 0x02, 0xfc, 0x00, 0, 0, 0, 0],
        };
        assert!(rt.matched_by(&partial) && other.matched_by(&partial));
    }
}
