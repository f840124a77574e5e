//! `community`, `large-community` and `extended-community` values.

use herald_wire::attr::{Community, ExtCommunity, LargeCommunity, RtGlobal};

use super::{err, list, unsupported, Cursor};
use crate::error::Result;
use crate::keywords::{hint, Context};
use crate::lexer::Token;
use crate::values::{hex_bytes, parse_dec_u64, parse_ipv4, parse_u32};

/// `community [ 65000:1 no-export 0x87654321 ]` or one value.
pub(super) fn communities(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<Vec<Community>> {
    list(cur, kw, "a community", |t| {
        Community::parse(t.text).ok_or_else(|| {
            err(
                t,
                "invalid community (expected ASN:value with each part 0-65535, a number, or a \
                 well-known name such as no-export)",
            )
        })
    })
}

/// `large-community [ 2914:0:666 … ]` or one value. Repeats are dropped, as ExaBGP does.
pub(super) fn large_communities(
    cur: &mut Cursor<'_, '_>,
    kw: &Token<'_>,
) -> Result<Vec<LargeCommunity>> {
    let mut v = list(cur, kw, "a large community", |t| {
        LargeCommunity::parse(t.text).ok_or_else(|| {
            err(
                t,
                "invalid large community (expected A:B:C, each 0-4294967295)",
            )
        })
    })?;
    let mut seen = Vec::with_capacity(v.len());
    v.retain(|c| {
        if seen.contains(c) {
            false
        } else {
            seen.push(*c);
            true
        }
    });
    Ok(v)
}

/// `extended-community [ target:65000:1 origin:192.0.2.1:5 0x0002fde800000001 ]` or one value.
pub(super) fn ext_communities(
    cur: &mut Cursor<'_, '_>,
    kw: &Token<'_>,
) -> Result<Vec<ExtCommunity>> {
    list(cur, kw, "an extended community", ext_community)
}

/// A number with ExaBGP's optional `L` suffix (which asks for the 4-octet-AS form).
fn number(s: &str) -> Option<(u32, bool)> {
    match s.strip_suffix('L') {
        Some(n) => parse_u32(n).map(|v| (v, true)),
        None => parse_u32(s).map(|v| (v, false)),
    }
}

/// A local administrator: a number, or an IPv4 address read as a 32-bit number.
fn local(s: &str) -> Option<u32> {
    number(s)
        .map(|(v, _)| v)
        .or_else(|| parse_ipv4(s).map(u32::from))
}

/// Extended community types ExaBGP knows that herald does not build yet.
const NOT_YET: &[&str] = &["rt-record", "chso"];

/// Flow specification actions that have their own keyword in a flow route's `then` block
/// (or `scope`), and no `extended-community` form.
fn flow_only(t: &Token<'_>, kind: &str) -> Option<crate::error::ConfigError> {
    let hint = match kind {
        "redirect-to-nexthop-ietf" => {
            "write 'redirect-to-nexthop-ietf <address>' in the flow route's then block"
        }
        "interface-set" => "write 'interface-set …' in the flow route's scope block",
        "flowspec-scope" => "write 'interface-set …' in the flow route's scope block",
        _ => return None,
    };
    Some(err(
        t,
        format!("'{kind}' is not an extended-community value: {hint}"),
    ))
}

/// The flow specification actions by name (RFC 8955 §7), in the spelling ExaBGP prints them:
/// `rate-limit:N`, `rate-limit:N:packets`, `mark:N`, `action:sample|terminal|sample-terminal`,
/// `redirect-to-nexthop` and `copy-to-nexthop`. ExaBGP 5.0.15 itself only reads
/// `redirect-to-nexthop` (and `redirect:…`) here; the others build the same octets as the
/// `then` keywords of a flow route.
fn flow_action(t: &Token<'_>, parts: &[&str]) -> Option<Result<ExtCommunity>> {
    let bad = |why: &str| err(t, format!("invalid extended community: {why}"));
    let kind = parts.first()?.to_ascii_lowercase();
    Some(match (kind.as_str(), parts.get(1..).unwrap_or_default()) {
        ("redirect-to-nexthop", []) => Ok(ExtCommunity::redirect_to_next_hop(false)),
        ("copy-to-nexthop", []) => Ok(ExtCommunity::redirect_to_next_hop(true)),
        ("rate-limit", [n, unit @ ..]) => {
            let packets = match unit {
                [] => false,
                [u] if u.eq_ignore_ascii_case("bytes") => false,
                [u] if u.eq_ignore_ascii_case("packets") => true,
                _ => {
                    return Some(Err(bad(
                        "rate-limit:N, rate-limit:N:bytes or rate-limit:N:packets",
                    )))
                }
            };
            match parse_dec_u64(n) {
                Some(n) if packets => Ok(ExtCommunity::traffic_rate_packets(0, n as f32)),
                Some(n) => Ok(ExtCommunity::traffic_rate_bytes(0, n.min(MAX_RATE) as f32)),
                None => Err(bad("the rate is not a number")),
            }
        }
        ("mark", [n]) => match parse_u32(n)
            .and_then(|d| u8::try_from(d).ok())
            .filter(|d| *d <= 63)
        {
            Some(d) => Ok(ExtCommunity::traffic_marking(d)),
            None => Err(bad("a DSCP is 0-63")),
        },
        ("action", [a]) => match a.to_ascii_lowercase().as_str() {
            "sample" => Ok(ExtCommunity::traffic_action(true, false)),
            "terminal" => Ok(ExtCommunity::traffic_action(false, true)),
            "sample-terminal" => Ok(ExtCommunity::traffic_action(true, true)),
            _ => Err(bad(
                "action:sample, action:terminal or action:sample-terminal",
            )),
        },
        ("redirect-to-nexthop" | "copy-to-nexthop" | "rate-limit" | "mark" | "action", _) => {
            Err(bad(&format!("unexpected form of '{kind}'")))
        }
        _ => return None,
    })
}

/// The largest traffic rate ExaBGP sends (1 TB/s): a higher one is lowered to it.
pub(super) const MAX_RATE: u64 = 1_000_000_000_000;

pub(super) fn ext_community(t: &Token<'_>) -> Result<ExtCommunity> {
    let s = t.text;
    let parts: Vec<&str> = s.split(':').collect();
    if let Some(r) = flow_action(t, &parts) {
        return r;
    }
    if let Some(e) = parts
        .first()
        .and_then(|k| flow_only(t, &k.to_ascii_lowercase()))
    {
        return Err(e);
    }
    if !s.contains(':') {
        if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            let b = hex_bytes(h)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .ok_or_else(|| err(t, "a raw extended community is 0x and 16 hex digits"))?;
            return Ok(ExtCommunity(b));
        }
        if NOT_YET.contains(&s) {
            return Err(unsupported(t, &format!("extended-community {s}"), ""));
        }
        return Err(err(t, "invalid extended community"));
    }
    // EVPN's: encap:, router-mac:, mac-mobility:, esi-label:.
    if let Some(c) = super::evpn::ext_community(t) {
        return c;
    }
    // RFC 4761 §3.2.4 Layer2 Info: l2info:ENCAPS:CONTROL-FLAGS:MTU:RESERVED (ExaBGP's form;
    // the last field is the reserved one, which ExaBGP's example calls site preference).
    if let [k, enc, ctl, mtu, rsv] = parts.as_slice() {
        if k.eq_ignore_ascii_case("l2info") {
            let byte = |v: &str, what: &str| {
                parse_u32(v)
                    .and_then(|n| u8::try_from(n).ok())
                    .ok_or_else(|| err(t, format!("invalid l2info: {what} is 0-255")))
            };
            let word = |v: &str, what: &str| {
                parse_u32(v)
                    .and_then(|n| u16::try_from(n).ok())
                    .ok_or_else(|| err(t, format!("invalid l2info: {what} is 0-65535")))
            };
            let (e, c) = (
                byte(enc, "the encapsulation")?,
                byte(ctl, "the control flags")?,
            );
            let (m, r) = (word(mtu, "the MTU")?, word(rsv, "the last field")?);
            let [m0, m1] = m.to_be_bytes();
            let [r0, r1] = r.to_be_bytes();
            return Ok(ExtCommunity([0x80, 0x0a, e, c, m0, m1, r0, r1]));
        }
    }
    let (kind, args) = match parts.as_slice() {
        [a, b] => ("target", [*a, *b]),
        [k, a, b] => (*k, [*a, *b]),
        [k, ..] => {
            let k = k.to_ascii_lowercase();
            if NOT_YET.contains(&k.as_str()) {
                return Err(unsupported(t, &format!("extended-community {k}"), ""));
            }
            return Err(err(t, "invalid extended community"));
        }
        [] => return Err(err(t, "invalid extended community")),
    };
    let kind = kind.to_ascii_lowercase();
    let [global, loc] = args;
    let bad = |why: &str| err(t, format!("invalid extended community: {why}"));
    match kind.as_str() {
        "target" | "origin" | "target4" | "origin4" => {
            let sub = if kind.starts_with("target") {
                0x02
            } else {
                0x03
            };
            let local = local(loc).ok_or_else(|| bad("the local part is not a number"))?;
            let (g, force4) = if let Some(ip) = parse_ipv4(global) {
                (RtGlobal::Ip(ip), false)
            } else {
                let (a, l) = number(global)
                    .ok_or_else(|| bad("the global part is not an AS number or IPv4 address"))?;
                (RtGlobal::Asn(a), l || kind.ends_with('4'))
            };
            let c = match g {
                RtGlobal::Asn(a) if force4 => u16::try_from(local)
                    .ok()
                    .map(|l| ExtCommunity::four_octet_as(0x02, sub, a, l)),
                _ if sub == 0x02 => ExtCommunity::route_target(g, local),
                _ => ExtCommunity::route_origin(g, local),
            };
            c.ok_or_else(|| {
                bad("with an IPv4 address or a 4-octet AS the local part must be 0-65535")
            })
        }
        "redirect" => {
            // RFC 5575 / RFC 7674 traffic-action redirect, in the form the global part needs.
            let local = local(loc).ok_or_else(|| bad("the local part is not a number"))?;
            if let Some(ip) = parse_ipv4(global) {
                let l = u16::try_from(local).map_err(|_| bad("local part must be 0-65535"))?;
                return Ok(ExtCommunity::ipv4_address(0x81, 0x08, ip, l));
            }
            let (a, force4) =
                number(global).ok_or_else(|| bad("the global part is not an AS number"))?;
            match u16::try_from(a) {
                Ok(a16) if !force4 => Ok(ExtCommunity::two_octet_as(0x80, 0x08, a16, local)),
                _ => {
                    let l = u16::try_from(local).map_err(|_| bad("local part must be 0-65535"))?;
                    Ok(ExtCommunity::four_octet_as(0x82, 0x08, a, l))
                }
            }
        }
        "bandwidth" => {
            // Link bandwidth (draft-ietf-idr-link-bandwidth): AS and an IEEE float in bytes/s.
            let a = parse_u32(global)
                .and_then(|a| u16::try_from(a).ok())
                .ok_or_else(|| bad("the AS must be 0-65535"))?;
            let bw: f32 = loc
                .parse()
                .map_err(|_| bad("the bandwidth is not a number"))?;
            let [a0, a1] = a.to_be_bytes();
            let [f0, f1, f2, f3] = bw.to_be_bytes();
            Ok(ExtCommunity([0x40, 0x04, a0, a1, f0, f1, f2, f3]))
        }
        "mup" => {
            // draft-mpmz-bess-mup-safi: the Direct-Type Segment Identifier (type 0x0c, sub-type
            // 0x00), a 2-octet and a 4-octet part (the latter a number or an IPv4 address).
            let g = parse_u32(global)
                .and_then(|g| u16::try_from(g).ok())
                .ok_or_else(|| bad("mup:A:B needs A from 0 to 65535"))?;
            let l = parse_u32(loc)
                .or_else(|| parse_ipv4(loc).map(u32::from))
                .ok_or_else(|| bad("mup:A:B needs B from 0 to 4294967295 or an IPv4 address"))?;
            let [g0, g1] = g.to_be_bytes();
            let [l0, l1, l2, l3] = l.to_be_bytes();
            Ok(ExtCommunity([0x0c, 0x00, g0, g1, l0, l1, l2, l3]))
        }
        k if NOT_YET.contains(&k) => Err(unsupported(t, &format!("extended-community {k}"), "")),
        _ => {
            let h = hint(Context::ExtendedCommunity, &kind);
            Err(err(
                t,
                format!("unknown extended community type '{kind}'{h}"),
            ))
        }
    }
}
