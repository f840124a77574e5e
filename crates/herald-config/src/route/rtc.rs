//! Route target membership routes (RFC 4684, AFI 1 / SAFI 132) in herald's own words (ExaBGP
//! has no syntax for them), written in an `announce { ipv4 { … } }` block or sent as `announce
//! ipv4 rtc …` by a program:
//!
//! ```text
//! rtc origin ASN route-target RT[/BITS] <attributes>;
//! rtc default <attributes>;
//! ```
//! `origin` is the AS that originates the membership (a number, or `A.B` asdot), `route-target`
//! a route target in the words of `extended-community` (`target:65000:1`, `65000:1`,
//! `target:192.0.2.1:5`, `target:4200000000:7`, `target4:65000:7`, or 0x and 16 hex digits of
//! one). `/BITS` (0 to 64, 64 when absent) keeps only the first BITS bits of the route target
//! (RFC 4684 §4: the NLRI is then 32 + BITS bits long); the bits past them must be zero.
//! `rtc default` is the default membership route (RFC 4684 §4, length 0: every route target).
//! The fields are read in any order, mixed with the route attributes: `origin` followed by an
//! AS number is the membership's origin AS, `origin igp|egp|incomplete` the ORIGIN attribute.
//! A label or route distinguisher is refused. The route is identified by its NLRI (origin AS
//! and route target): another next hop or attributes for the same NLRI replace it.

use std::fmt::Write as _;

use herald_wire::attr::ExtCommunity;
use herald_wire::nlri::{EncodedNlri, Rtc};
use herald_wire::{Afi, Family, Safi};

use super::{err, Cursor, Interner, RouteDraft, RouteRec};
use crate::error::Result;
use crate::lexer::Token;
use crate::model::NextHopSpec;
use crate::values::parse_asn;

/// The words of RTC fields. `origin` is one only when an AS number follows it
/// ([`RtcDraft::takes`]).
pub(crate) fn is_field(word: &str) -> bool {
    matches!(word, "origin" | "route-target" | "default")
}

/// An RTC route as it is being read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RtcDraft {
    origin: Option<u32>,
    /// The route target and how many of its bits the NLRI keeps.
    target: Option<(ExtCommunity, u8)>,
    default: bool,
}

/// Whether `s` is an AS number as `origin` takes it: digits, or `A.B`.
fn is_asn(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

impl RtcDraft {
    /// Whether the word `kw`, followed by `next`, is an RTC field (and not the ORIGIN attribute).
    pub fn takes(kw: &str, next: Option<&Token<'_>>) -> bool {
        match kw {
            "origin" => next.is_some_and(|t| is_asn(t.text)),
            w => is_field(w),
        }
    }

    /// Read the value of the field `kw` (a word [`RtcDraft::takes`] accepts).
    pub fn field(&mut self, kw: &Token<'_>, cur: &mut Cursor<'_, '_>) -> Result<()> {
        let twice = || err(kw, format!("'{}' given twice", kw.text));
        match kw.text {
            "default" => {
                if self.default {
                    return Err(twice());
                }
                self.default = true;
            }
            "origin" => {
                let v = cur.value(kw, "an AS number")?;
                let a = parse_asn(v.text).ok_or_else(|| {
                    err(
                        &v,
                        "an RTC origin is an AS number from 0 to 4294967295 (or A.B)",
                    )
                })?;
                if self.origin.is_some() {
                    return Err(twice());
                }
                self.origin = Some(a);
            }
            "route-target" => {
                let v = cur.value(kw, "a route target (target:ASN:N, target:IP:N, …)")?;
                let t = route_target(&v)?;
                if self.target.is_some() {
                    return Err(twice());
                }
                self.target = Some(t);
            }
            _ => return Err(err(kw, format!("unknown RTC field '{}'", kw.text))),
        }
        Ok(())
    }

    /// The NLRI, from the fields read; `kw` (the word `rtc`) places the errors.
    pub fn build(&self, kw: &Token<'_>) -> Result<Rtc> {
        if self.default {
            if self.origin.is_some() || self.target.is_some() {
                return Err(err(
                    kw,
                    "'rtc default' is the route of every route target: it takes no origin or route-target",
                ));
            }
            return Ok(Rtc {
                path_id: None,
                len: 0,
                origin: 0,
                rt: [0; 8],
            });
        }
        let origin = self
            .origin
            .ok_or_else(|| err(kw, "an RTC route needs 'origin ASN' (or is 'rtc default')"))?;
        let (rt, bits) = self
            .target
            .ok_or_else(|| err(kw, "an RTC route needs 'route-target'"))?;
        Ok(Rtc {
            path_id: None,
            len: 32 + bits,
            origin,
            rt: rt.0,
        })
    }
}

/// `target:65000:1`, `192.0.2.1:5`, `0x0002fde800000001`, with an optional `/BITS`.
fn route_target(v: &Token<'_>) -> Result<(ExtCommunity, u8)> {
    let (text, bits) = match v.text.rsplit_once('/') {
        Some((t, b)) => {
            let n = Some(b)
                .filter(|b| !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit()))
                .and_then(|b| b.parse::<u8>().ok())
                .filter(|n| *n <= 64)
                .ok_or_else(|| err(v, "a route target's length is /0 to /64 (bits)"))?;
            (t, n)
        }
        None => (v.text, 64),
    };
    let tok = Token { text, ..*v };
    let c = super::community::ext_community(&tok)?;
    // RFC 4360 §4, RFC 5668 §2: the route targets are sub-type 0x02 of the 2-octet AS, IPv4
    // address and 4-octet AS types (transitive or not). Raw octets (0x…) are taken as they are.
    let raw = text.starts_with("0x") || text.starts_with("0X");
    let [kind, sub, ..] = c.0;
    if !raw && (sub != 0x02 || !matches!(kind & !0x40, 0x00..=0x02)) {
        return Err(err(
            v,
            "not a route target (expected target:ASN:N, ASN:N, target:IP:N, target4:ASN:N or 0x and 16 hex digits)",
        ));
    }
    let mask = u64::MAX.checked_shl(64 - u32::from(bits)).unwrap_or(0);
    if u64::from_be_bytes(c.0) & !mask != 0 {
        return Err(err(
            v,
            format!("the route target has bits set past its length /{bits}"),
        ));
    }
    Ok((c, bits))
}

/// One RTC route, the words after `rtc` (`kw`): `origin 65000 route-target target:65000:1
/// next-hop 192.0.2.1 …` or `default next-hop …`. RTC is an IPv4 family (`afi`, the block's).
pub(crate) fn rtc_route(
    cur: &mut Cursor<'_, '_>,
    kw: &Token<'_>,
    afi: Afi,
    require_next_hop: bool,
    int: &mut Interner,
    out: &mut Vec<RouteRec>,
) -> Result<()> {
    if afi != Afi::IPV4 {
        return Err(err(
            kw,
            "route target membership is an IPv4 family (RFC 4684: AFI 1): write RTC routes in 'ipv4 { }'",
        ));
    }
    let mut draft = RouteDraft {
        rtc: Some(RtcDraft::default()),
        ..RouteDraft::default()
    };
    draft.apply(cur, false)?;
    let nlri = match &draft.rtc {
        Some(r) => r.build(kw)?,
        None => return Err(err(kw, "not an RTC route")),
    };
    if draft.mpls.labels.is_some() || draft.mpls.rd.is_some() {
        return Err(err(kw, "an RTC route has no label or rd"));
    }
    if require_next_hop && draft.next_hop == NextHopSpec::None {
        return Err(err(kw, "route has no next-hop"));
    }
    let mut octets = Vec::with_capacity(13);
    nlri.encode(false, &mut octets);
    let nlri = EncodedNlri::new(draft.path_id, &octets);
    draft.build_encoded(Family::new(afi, Safi::RTC), nlri, kw.span(), int, out)
}

/// The route in the words that configure it: `rtc default`, `rtc origin 65000 route-target
/// target:65000:1`, `rtc origin 65000 route-target target:65000:0/48`, raw octets for what is
/// not a route target.
pub(crate) fn describe(r: &Rtc) -> String {
    if r.len == 0 {
        return "rtc default".into();
    }
    let mut s = format!("rtc origin {} route-target ", r.origin);
    let [t, sub, a, b, c, d, e, f] = r.rt;
    let _ = match (t, sub) {
        (0x00, 0x02) => write!(
            s,
            "target:{}:{}",
            u16::from_be_bytes([a, b]),
            u32::from_be_bytes([c, d, e, f])
        ),
        (0x01, 0x02) => write!(
            s,
            "target:{}:{}",
            std::net::Ipv4Addr::new(a, b, c, d),
            u16::from_be_bytes([e, f])
        ),
        (0x02, 0x02) => write!(
            s,
            "target4:{}:{}",
            u32::from_be_bytes([a, b, c, d]),
            u16::from_be_bytes([e, f])
        ),
        _ => {
            s.push_str("0x");
            r.rt.iter().try_for_each(|o| write!(s, "{o:02X}"))
        }
    };
    let bits = r.len.saturating_sub(32);
    if bits < 64 {
        let _ = write!(s, "/{bits}");
    }
    s
}
