//! The inside of `neighbor … { }` and `template { neighbor NAME { } }`.

use herald_wire::capability::AddPathMode;
use herald_wire::{Afi, Family, Safi};

use super::draft::GR_OFF;
use super::{bool_value, end_of, ip_value, Draft, Parser};
use crate::error::{ConfigError, Result};
use crate::keywords::{hint, Context};
use crate::lexer::Token;
use crate::model::{Api, ApiMessages, PrefixLimit};
use crate::route::{err, list, unsupported, Cursor};
use crate::values::{parse_asn, parse_bool, parse_ipv4, parse_u32};

/// The families herald can announce and decode today.
pub(crate) const SUPPORTED_FAMILIES: [Family; 15] = [
    Family::IPV4_UNICAST,
    Family::IPV4_MULTICAST,
    Family::IPV6_UNICAST,
    Family::IPV6_MULTICAST,
    Family::new(Afi::IPV4, Safi::MPLS_LABEL),
    Family::new(Afi::IPV6, Safi::MPLS_LABEL),
    Family::new(Afi::IPV4, Safi::MPLS_VPN),
    Family::new(Afi::IPV6, Safi::MPLS_VPN),
    Family::new(Afi::L2VPN, Safi::EVPN),
    Family::new(Afi::L2VPN, Safi::VPLS),
    Family::new(Afi::IPV4, Safi::MCAST_VPN),
    Family::new(Afi::IPV6, Safi::MCAST_VPN),
    Family::new(Afi::IPV4, Safi::MUP),
    Family::new(Afi::IPV6, Safi::MUP),
    Family::new(Afi::IPV4, Safi::RTC),
];

/// The flow specification families a neighbor can have (its rules are [`crate::FlowRule`]s).
pub(crate) const FLOW_FAMILIES: [Family; 4] = [
    Family::IPV4_FLOW,
    Family::IPV6_FLOW,
    Family::IPV4_FLOW_VPN,
    Family::IPV6_FLOW_VPN,
];

/// Families herald negotiates and decodes but has no routes of its own for: BGP-LS and BGP-LS-VPN
/// (RFC 9552; ExaBGP cannot originate them either).
pub(crate) const RECEIVE_ONLY_FAMILIES: [Family; 2] = [
    Family::new(Afi::BGP_LS, Safi::BGP_LS),
    Family::new(Afi::BGP_LS, Safi::BGP_LS_VPN),
];

/// `ipv4 unicast` and friends from two words.
fn family_words<'a>(stmt: &[Token<'a>]) -> Result<(Family, &'a str)> {
    let (Some(a), Some(s)) = (stmt.first(), stmt.get(1)) else {
        let t = stmt.first().copied();
        return Err(match t {
            Some(t) => err(&t, "expected '<afi> <safi>', such as 'ipv4 unicast'"),
            None => ConfigError::at(Default::default(), "", "expected a family"),
        });
    };
    let afi = Afi::from_name(&a.text.to_ascii_lowercase())
        .ok_or_else(|| err(a, format!("unknown address family '{}'", a.text)))?;
    let safi = Safi::from_name(&s.text.to_ascii_lowercase())
        .ok_or_else(|| err(s, format!("unknown sub-address family '{}'", s.text)))?;
    Ok((Family::new(afi, safi), s.text))
}

/// `Err` with `unsupported:` for a family herald does not implement.
pub(crate) fn check_supported(f: Family, at: &Token<'_>) -> Result<()> {
    if SUPPORTED_FAMILIES.contains(&f) {
        Ok(())
    } else {
        Err(unsupported(
            at,
            &format!("family {f}"),
            "only IPv4/IPv6 unicast, multicast, labeled unicast (nlri-mpls), MPLS VPN, flow, MCAST-VPN, MUP, IPv4 RTC, L2VPN EVPN and VPLS are implemented",
        ))
    }
}

fn port(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<u16> {
    let v = cur.value(kw, "a port number")?;
    parse_u32(v.text)
        .and_then(|p| u16::try_from(p).ok())
        .filter(|p| *p != 0)
        .ok_or_else(|| err(&v, "port must be 1-65535"))
}

fn auto_asn(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<Option<u32>> {
    let v = cur.value(kw, "an AS number or 'auto'")?;
    if v.text == "auto" {
        return Ok(None);
    }
    parse_asn(v.text)
        .map(Some)
        .ok_or_else(|| err(&v, "invalid AS number"))
}

fn ttl(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<Option<u8>> {
    let v = cur.value(kw, "a TTL")?;
    if parse_bool(v.text) == Some(false) {
        return Ok(None);
    }
    parse_u32(v.text)
        .and_then(|t| u8::try_from(t).ok())
        .map(Some)
        .ok_or_else(|| err(&v, "TTL must be 0-255"))
}

fn text(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<String> {
    let v = cur.value(kw, "a value")?;
    Ok(v.value().into_owned())
}

fn dns_name(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<String> {
    let v = cur.value(kw, "a name")?;
    let s = v.value();
    let ok = !s.is_empty()
        && s.len() <= 255
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
        && !s.contains("..");
    if ok {
        Ok(s.into_owned())
    } else {
        Err(err(&v, format!("invalid {}", kw.text)))
    }
}

impl<'a> Parser<'a> {
    /// The statements and blocks of a neighbor or template (its `{` already read).
    pub(crate) fn neighbor_body(&mut self, head: &Token<'a>, d: &mut Draft) {
        self.each(head, |p, stmt, sub| {
            let Some(k) = stmt.first().copied() else {
                return false;
            };
            if let Some(brace) = sub {
                return p.neighbor_block(&k, stmt, brace, d);
            }
            let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
            let r = neighbor_key(&k, &mut cur, d).and_then(|()| end_of(&cur));
            if let Err(e) = r {
                p.error(e);
            }
            true
        });
    }

    fn neighbor_block(
        &mut self,
        k: &Token<'a>,
        stmt: &[Token<'a>],
        brace: Token<'a>,
        d: &mut Draft,
    ) -> bool {
        let named = stmt.get(1).copied();
        let no_name = |p: &mut Self| {
            if let Some(n) = named {
                if k.text != "api" {
                    p.error(err(&n, format!("'{}' takes no name", k.text)));
                }
            }
        };
        match k.text {
            "family" => {
                no_name(self);
                let fams = d.families.get_or_insert_with(Vec::new);
                let mut unsupported_seen = false;
                let mut found = Vec::new();
                self.each(k, |p, stmt, sub| {
                    let Some(first) = stmt.first() else {
                        return false;
                    };
                    if sub.is_some() {
                        p.error(err(first, "unexpected block in 'family'"));
                        return false;
                    }
                    if first.text == "all" {
                        for f in [
                            Family::IPV4_UNICAST,
                            Family::IPV4_MULTICAST,
                            Family::IPV6_UNICAST,
                        ] {
                            found.push((f, first.span()));
                        }
                        if let Some(t) = stmt.get(1) {
                            p.error(err(t, "unexpected token after 'all'"));
                        }
                        return true;
                    }
                    let r = family_words(stmt).and_then(|(f, _)| {
                        if let Some(t) = stmt.get(2) {
                            return Err(err(t, "unexpected token after the family"));
                        }
                        if FLOW_FAMILIES.contains(&f) || RECEIVE_ONLY_FAMILIES.contains(&f) {
                            return Ok(f);
                        }
                        check_supported(f, first).map(|()| f)
                    });
                    match r {
                        Ok(f) => found.push((f, first.span())),
                        Err(e) => {
                            unsupported_seen |= e.is_unsupported();
                            p.error(e);
                        }
                    }
                    true
                });
                for f in found {
                    if !fams.iter().any(|(g, _)| *g == f.0) {
                        fams.push(f);
                    }
                }
                d.family_unsupported |= unsupported_seen;
                let _ = brace;
                true
            }
            "capability" => {
                no_name(self);
                self.each(k, |p, stmt, sub| {
                    let Some(key) = stmt.first().copied() else {
                        return false;
                    };
                    if sub.is_some() {
                        p.error(err(&key, "unexpected block in 'capability'"));
                        return false;
                    }
                    let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
                    let r = capability_key(&key, &mut cur, d).and_then(|()| end_of(&cur));
                    if let Err(e) = r {
                        p.error(e);
                    }
                    true
                });
                true
            }
            "add-path" => {
                no_name(self);
                let mut found = Vec::new();
                self.family_list(k, true, |p, stmt, f| {
                    if let Some(t) = stmt.get(2) {
                        p.error(err(t, "unexpected token after the family"));
                    }
                    if let Some(first) = stmt.first() {
                        found.push((f, first.span()));
                    }
                });
                let list = d.add_path.get_or_insert_with(Vec::new);
                list.extend(found);
                true
            }
            "prefix-limit" => {
                no_name(self);
                let mut found = Vec::new();
                self.family_list(k, false, |p, stmt, f| match prefix_limit(f, stmt) {
                    Ok(l) => found.push(l),
                    Err(e) => p.error(e),
                });
                let list = d.prefix_limits.get_or_insert_with(Vec::new);
                list.retain(|x: &PrefixLimit| !found.iter().any(|y| y.family == x.family));
                list.extend(found);
                true
            }
            "nexthop" => {
                no_name(self);
                d.nexthop_block = true;
                let mut found = Vec::new();
                self.family_list(k, false, |p, stmt, f| {
                    let Some(nh) = stmt.get(2) else {
                        if let Some(t) = stmt.get(1) {
                            p.error(err(
                                t,
                                "expected the next-hop AFI: '<afi> <safi> <next-hop afi>'",
                            ));
                        }
                        return;
                    };
                    match Afi::from_name(&nh.text.to_ascii_lowercase()) {
                        Some(a) if a != f.afi && matches!(a, Afi::IPV4 | Afi::IPV6) => {
                            found.push((f, a, nh.span()));
                        }
                        _ => p.error(err(nh, "the next-hop AFI must be the other of ipv4/ipv6")),
                    }
                    if let Some(t) = stmt.get(3) {
                        p.error(err(t, "unexpected token"));
                    }
                });
                d.nexthops.extend(found);
                true
            }
            "api" => {
                if let Some(t) = stmt.get(2) {
                    self.error(err(t, "unexpected token after the api name"));
                }
                let mut api = Api {
                    name: named.map(|n| n.value().into_owned()),
                    ..Api::default()
                };
                let mut refs = Vec::new();
                self.api_body(k, &mut api, &mut refs);
                d.api.push(api);
                d.api_refs.extend(refs);
                true
            }
            "static" => {
                no_name(self);
                self.static_body(k, &mut d.routes);
                true
            }
            "announce" => {
                no_name(self);
                self.announce_body(k, &mut d.routes, &mut d.flows);
                true
            }
            "flow" => {
                no_name(self);
                self.flow_body(k, &mut d.flows);
                true
            }
            "l2vpn" => {
                no_name(self);
                self.l2vpn_body(k, &mut d.routes);
                true
            }
            "operational" => {
                self.error(unsupported(k, k.text, "not implemented yet"));
                false
            }
            other => {
                let h = hint(Context::NeighborBlock, other);
                self.error(err(k, format!("unknown block '{other}' in neighbor{h}")));
                false
            }
        }
    }

    /// A block of `<afi> <safi> …;` statements; families herald does not implement are
    /// skipped, flow families too unless `flow` (otherwise they are refused: herald negotiates
    /// them, so a setting for one cannot be skipped).
    fn family_list(
        &mut self,
        head: &Token<'a>,
        flow: bool,
        mut f: impl FnMut(&mut Self, &[Token<'a>], Family),
    ) {
        self.each(head, |p, stmt, sub| {
            let Some(first) = stmt.first() else {
                return false;
            };
            if sub.is_some() {
                p.error(err(first, format!("unexpected block in '{}'", head.text)));
                return false;
            }
            match family_words(stmt) {
                Ok((fam, _)) if SUPPORTED_FAMILIES.contains(&fam) => f(p, stmt, fam),
                Ok((fam, _)) if FLOW_FAMILIES.contains(&fam) => {
                    if flow {
                        f(p, stmt, fam);
                    } else {
                        p.error(unsupported(
                            first,
                            &format!("{} for {fam}", head.text),
                            "not implemented for flow families",
                        ));
                    }
                }
                // A family herald does not implement cannot be negotiated, so settings for it
                // are skipped, as ExaBGP skips those for families not negotiated.
                Ok(_) => {}
                Err(e) => p.error(e),
            }
            true
        });
    }

    fn api_body(&mut self, head: &Token<'a>, api: &mut Api, refs: &mut Vec<(String, crate::Span)>) {
        self.each(head, |p, stmt, sub| {
            let Some(k) = stmt.first().copied() else {
                return false;
            };
            if sub.is_some() {
                let dir = match k.text {
                    "send" => &mut api.send,
                    "receive" => &mut api.receive,
                    other => {
                        let h = hint(Context::Api, other);
                        p.error(err(&k, format!("unknown block '{other}' in api{h}")));
                        return false;
                    }
                };
                if let Some(t) = stmt.get(1) {
                    p.error(err(t, format!("'{}' takes no name", k.text)));
                }
                p.each(&k, |p, stmt, sub| {
                    let Some(m) = stmt.first().copied() else {
                        return false;
                    };
                    if sub.is_some() {
                        p.error(err(&m, "unexpected block"));
                        return false;
                    }
                    let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
                    let r = bool_value(&mut cur, &m).and_then(|b| {
                        end_of(&cur)?;
                        set_message(dir, &m, b)
                    });
                    if let Err(e) = r {
                        p.error(e);
                    }
                    true
                });
                return true;
            }
            let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
            let r = match k.text {
                "processes" => list(&mut cur, &k, "a process name", |t| {
                    Ok((t.value().into_owned(), t.span()))
                })
                .map(|v| {
                    for (n, s) in v {
                        api.processes.push(n.clone());
                        refs.push((n, s));
                    }
                }),
                "processes-match" => list(&mut cur, &k, "a regular expression", |t| {
                    Ok(t.value().into_owned())
                })
                .map(|v| api.processes_match.extend(v)),
                "neighbor-changes" => bool_value(&mut cur, &k).map(|b| api.neighbor_changes = b),
                "negotiated" | "fsm" | "signal" => bool_value(&mut cur, &k).and_then(|b| {
                    if b {
                        Err(unsupported(&k, k.text, "herald does not send these events"))
                    } else {
                        Ok(())
                    }
                }),
                other => Err(err(
                    &k,
                    format!("unknown api setting '{other}'{}", hint(Context::Api, other)),
                )),
            };
            if let Err(e) = r.and_then(|()| end_of(&cur)) {
                p.error(e);
            }
            true
        });
    }
}

fn set_message(dir: &mut ApiMessages, k: &Token<'_>, b: bool) -> Result<()> {
    if b && k.text == "operational" {
        return Err(unsupported(k, k.text, "herald has no operational messages"));
    }
    let slot = match k.text {
        "parsed" => &mut dir.parsed,
        "packets" => &mut dir.packets,
        "consolidate" => &mut dir.consolidate,
        "open" => &mut dir.open,
        "update" => &mut dir.update,
        "notification" => &mut dir.notification,
        "keepalive" => &mut dir.keepalive,
        "refresh" => &mut dir.refresh,
        "operational" => &mut dir.operational,
        other => {
            let h = hint(Context::ApiMessage, other);
            return Err(err(k, format!("unknown message kind '{other}'{h}")));
        }
    };
    *slot = b;
    Ok(())
}

fn neighbor_key(k: &Token<'_>, cur: &mut Cursor<'_, '_>, d: &mut Draft) -> Result<()> {
    let at = k.span();
    match k.text {
        "inherit" => {
            let names = list(cur, k, "a template name", |t| {
                Ok((t.value().into_owned(), t.span()))
            })?;
            d.inherit.extend(names);
        }
        "description" => d.description = Some((text(cur, k)?, at)),
        "router-id" => {
            let v = cur.value(k, "an IPv4 address")?;
            let id =
                parse_ipv4(v.text).ok_or_else(|| err(&v, "router-id must be an IPv4 address"))?;
            d.router_id = Some((id, at));
        }
        "local-address" => {
            let v = cur.value(k, "an IP address or 'auto'")?;
            let a = if v.text == "auto" {
                None
            } else {
                Some(crate::values::parse_ip(v.text).ok_or_else(|| err(&v, "invalid IP address"))?)
            };
            d.local_address = Some((a, at));
        }
        "local-as" => d.local_as = Some((auto_asn(cur, k)?, at)),
        "peer-as" => d.peer_as = Some((auto_asn(cur, k)?, at)),
        "hold-time" => {
            let v = cur.value(k, "seconds")?;
            let h = parse_u32(v.text)
                .and_then(|h| u16::try_from(h).ok())
                .ok_or_else(|| err(&v, "hold-time must be 0-65535"))?;
            if h == 1 || h == 2 {
                return Err(err(
                    &v,
                    "hold-time must be 0 or at least 3 seconds (RFC 4271 §4.2)",
                ));
            }
            d.hold_time = Some((h, at));
        }
        "passive" => d.passive = Some((bool_value(cur, k)?, at)),
        "listen" => d.listen = Some((port(cur, k)?, at)),
        "connect" => d.connect = Some((port(cur, k)?, at)),
        "md5-password" | "md5" => {
            let v = cur.value(k, "a password")?;
            let s = v.value().into_owned();
            if s.is_empty() {
                return Err(err(&v, "md5-password is empty"));
            }
            d.md5_password = Some((s, v.span()));
        }
        "md5-base64" => {
            let b = match cur.next() {
                None => Some(true),
                Some(t) if t.text == "auto" => None,
                Some(t) => Some(
                    parse_bool(t.text)
                        .ok_or_else(|| err(&t, "md5-base64 takes true|false|auto"))?,
                ),
            };
            d.md5_base64 = Some((b, at));
        }
        "md5-ip" => d.md5_ip = Some((ip_value(cur, k)?, at)),
        "outgoing-ttl" => d.outgoing_ttl = Some((ttl(cur, k)?, at)),
        "incoming-ttl" => d.incoming_ttl = Some((ttl(cur, k)?, at)),
        "ttl-security" => {
            return Err(err(
                k,
                "'ttl-security' was renamed 'incoming-ttl' in ExaBGP 4",
            ));
        }
        "group-updates" => d.group_updates = Some((bool_value(cur, k)?, at)),
        "auto-flush" => d.auto_flush = Some((bool_value(cur, k)?, at)),
        "adj-rib-out" => d.adj_rib_out = Some((bool_value(cur, k)?, at)),
        "adj-rib-in" => d.adj_rib_in = Some((bool_value(cur, k)?, at)),
        "manual-eor" => d.manual_eor = Some((bool_value(cur, k)?, at)),
        "host-name" => d.host_name = Some((dns_name(cur, k)?, at)),
        "domain-name" => d.domain_name = Some((dns_name(cur, k)?, at)),
        "rate-limit" => {
            let v = cur.value(k, "messages per second or 'disable'")?;
            let r =
                if parse_bool(v.text) == Some(false) {
                    None
                } else {
                    Some(parse_u32(v.text).filter(|r| *r > 0).ok_or_else(|| {
                        err(&v, "rate-limit must be a positive number or 'disable'")
                    })?)
                };
            d.rate_limit = Some((r, at));
        }
        "source-interface" => d.source_interface = Some((text(cur, k)?, at)),
        "route" => {
            return Err(err(
                k,
                "routes go inside 'static { … }' or 'announce { … }'",
            ));
        }
        "peer-address" => {
            return Err(unsupported(
                k,
                "peer-address",
                "give the address after 'neighbor'",
            ));
        }
        other => {
            let h = hint(Context::Neighbor, other);
            return Err(err(k, format!("unknown neighbor setting '{other}'{h}")));
        }
    }
    Ok(())
}

fn capability_key(k: &Token<'_>, cur: &mut Cursor<'_, '_>, d: &mut Draft) -> Result<()> {
    let at = k.span();
    let c = &mut d.cap;
    match k.text {
        "asn4" => c.asn4 = Some((bool_value(cur, k)?, at)),
        "route-refresh" | "refresh" => c.route_refresh = Some((bool_value(cur, k)?, at)),
        "graceful-restart" => {
            let v = match cur.next() {
                None => None,
                Some(t) if parse_bool(t.text) == Some(false) => Some(GR_OFF),
                Some(t) if parse_bool(t.text) == Some(true) => None,
                Some(t) => Some(
                    parse_u32(t.text)
                        .filter(|s| *s <= 4095)
                        .ok_or_else(|| err(&t, "graceful-restart time must be 0-4095 seconds"))?,
                ),
            };
            c.graceful_restart = Some((v, at));
        }
        "add-path" => {
            let v = cur.value(k, "send, receive, send/receive or disable")?;
            let m = match v.text.to_ascii_lowercase().as_str() {
                "disable" | "disabled" => None,
                "receive" => Some(AddPathMode::Receive),
                "send" => Some(AddPathMode::Send),
                "send/receive" => Some(AddPathMode::SendReceive),
                _ => {
                    return Err(err(
                        &v,
                        "add-path must be send, receive, send/receive or disable",
                    ))
                }
            };
            c.add_path = Some((m, at));
        }
        "extended-message" => c.extended_message = Some((bool_value(cur, k)?, at)),
        "multi-session" => c.multi_session = Some((bool_value(cur, k)?, at)),
        "operational" => c.operational = Some((bool_value(cur, k)?, at)),
        "aigp" => c.aigp = Some((bool_value(cur, k)?, at)),
        "nexthop" => c.nexthop = Some((bool_value(cur, k)?, at)),
        "software-version" => c.software_version = Some((bool_value(cur, k)?, at)),
        other => {
            let h = hint(Context::Capability, other);
            return Err(err(k, format!("unknown capability '{other}'{h}")));
        }
    }
    Ok(())
}

/// `<afi> <safi> <maximum> [warning <percent>] [restart <seconds>];` in `prefix-limit`.
fn prefix_limit(family: Family, stmt: &[Token<'_>]) -> Result<PrefixLimit> {
    let first = stmt.first().copied().unwrap_or(Token {
        kind: crate::lexer::Kind::Word,
        text: "",
        line: 0,
        col: 0,
    });
    let mut cur = Cursor::new(stmt.get(2..).unwrap_or_default());
    let max = cur.value(&first, "the maximum number of prefixes")?;
    let maximum = parse_u32(max.text)
        .filter(|m| *m > 0)
        .ok_or_else(|| err(&max, "the maximum must be a number above 0"))?;
    let mut l = PrefixLimit {
        family,
        maximum,
        warning_percent: 90,
        restart: None,
        span: first.span(),
    };
    while let Some(k) = cur.next() {
        let v = cur.value(&k, "a number")?;
        match k.text {
            "warning" => {
                l.warning_percent = parse_u32(v.text)
                    .filter(|p| (1..=100).contains(p))
                    .and_then(|p| u8::try_from(p).ok())
                    .ok_or_else(|| err(&v, "warning takes a percentage from 1 to 100"))?;
            }
            "restart" => {
                l.restart = Some(
                    parse_u32(v.text)
                        .filter(|s| *s > 0)
                        .ok_or_else(|| err(&v, "restart takes a number of seconds above 0"))?,
                );
            }
            other => {
                return Err(err(
                    &k,
                    format!("unknown prefix-limit setting '{other}' (warning, restart)"),
                ))
            }
        }
    }
    Ok(l)
}
