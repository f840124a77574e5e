//! `static { route … }`, `announce { ipv4 { unicast … } }` and `announce { l2vpn { evpn … } }`
//! (`flow …` in `announce` is read by [`super::flow`]).

use std::collections::VecDeque;

use herald_wire::nlri::{EncodedNlri, MupRoute};
use herald_wire::{Afi, Family, Safi};
use ipnet::IpNet;

use super::neighbor::check_supported;
use super::Parser;
use crate::error::Result;
use crate::keywords::{hint, Context};
use crate::lexer::Token;
use crate::model::NextHopSpec;
use crate::route::evpn::{EvpnDraft, Kind as EvpnKind};
use crate::route::mup::{Kind as MupKind, MupDraft};
use crate::route::mvpn::mvpn_route;
use crate::route::rtc::rtc_route;
use crate::route::vpls::VplsDraft;
use crate::route::{
    err, parse_prefix, static_family, Cursor, FlowRule, Interner, RouteDraft, RouteRec, Stop,
};

/// The most attribute texts remembered for reuse (then they are forgotten and remembered
/// anew): a generated table repeats each of its attribute sets about 30 times in random order
/// (1,000,000 routes, 33,000 sets: all must fit, or most lines are read in full), and one with
/// no repeats must not hold them all (each entry costs about 100 octets while reading).
const MAX_REUSE: usize = 1 << 17;

/// Build the routes of a finished draft, checking it has a next hop.
fn finish(
    draft: &mut RouteDraft,
    kw: &Token<'_>,
    family: Family,
    net: IpNet,
    int: &mut Interner,
    out: &mut Vec<RouteRec>,
) -> Result<()> {
    if draft.next_hop == NextHopSpec::None {
        return Err(err(kw, "route has no next-hop"));
    }
    draft.build(family, net, kw.span(), int, out)
}

/// `attributes <attrs> nlri <prefix>…` (ExaBGP's shared-attributes form).
pub(crate) fn attributes_nlri(
    cur: &mut Cursor<'_, '_>,
    kw: &Token<'_>,
    family_of: impl Fn(&IpNet) -> Family,
    require_next_hop: bool,
    int: &mut Interner,
    out: &mut Vec<RouteRec>,
) -> Result<()> {
    let mut draft = RouteDraft::default();
    if draft.apply(cur, true)? != Stop::Nlri {
        return Err(err(kw, "missing 'nlri' and its prefixes"));
    }
    if require_next_hop && draft.next_hop == NextHopSpec::None {
        return Err(err(kw, "route has no next-hop"));
    }
    let mut any = false;
    while let Some(t) = cur.next() {
        let net = parse_prefix(&t)?;
        draft.build(family_of(&net), net, t.span(), int, out)?;
        any = true;
    }
    if !any {
        return Err(err(kw, "'nlri' needs at least one prefix"));
    }
    Ok(())
}

/// One EVPN route, the words after `evpn` (`kw`): `mac-ip rd 65000:1 mac 00:11:22:33:44:55
/// label 100 next-hop 192.0.2.1 …` (grammar in `crate::route::evpn`).
pub(crate) fn evpn_route(
    cur: &mut Cursor<'_, '_>,
    kw: &Token<'_>,
    require_next_hop: bool,
    int: &mut Interner,
    out: &mut Vec<RouteRec>,
) -> Result<()> {
    const TYPES: &str = "ethernet-ad, mac-ip, multicast, ethernet-segment or prefix";
    let t = cur.value(kw, &format!("an EVPN route type ({TYPES})"))?;
    let kind = EvpnKind::from_word(t.text)
        .ok_or_else(|| err(&t, format!("unknown EVPN route type (expected {TYPES})")))?;
    let mut draft = RouteDraft::default();
    draft.evpn = Some(EvpnDraft::new(kind));
    draft.apply(cur, false)?;
    let route = match &draft.evpn {
        Some(e) => e.build(&t, draft.mpls.rd, draft.mpls.labels.as_ref())?,
        None => return Err(err(&t, "not an EVPN route")),
    };
    if require_next_hop && draft.next_hop == NextHopSpec::None {
        return Err(err(kw, "route has no next-hop"));
    }
    let mut octets = Vec::with_capacity(route.value_len() + 2);
    route.encode(&mut octets);
    let nlri = EncodedNlri::evpn(draft.path_id, &octets);
    draft.build_encoded(
        Family::new(Afi::L2VPN, Safi::EVPN),
        nlri,
        kw.span(),
        int,
        out,
    )
}

/// One MUP route of `afi`, the words after `mup` (`kw`): `mup-isd 10.0.1.0/24 rd 100:100
/// next-hop 2001::1 …` (grammar in `crate::route::mup`).
pub(crate) fn mup_route(
    cur: &mut Cursor<'_, '_>,
    kw: &Token<'_>,
    afi: Afi,
    require_next_hop: bool,
    int: &mut Interner,
    out: &mut Vec<RouteRec>,
) -> Result<()> {
    const TYPES: &str = "mup-isd, mup-dsd, mup-t1st or mup-t2st";
    let t = cur.value(kw, &format!("a MUP route type ({TYPES})"))?;
    let kind = MupKind::from_word(t.text)
        .ok_or_else(|| err(&t, format!("unknown MUP route type (expected {TYPES})")))?;
    let a = cur.value(&t, "an address or prefix")?;
    let mut draft = RouteDraft::default();
    draft.mup = Some(MupDraft::new(kind, afi, &a)?);
    draft.apply(cur, false)?;
    let route = match &draft.mup {
        Some(m) => m.build(&t, draft.mpls.rd, draft.mpls.labels.as_ref())?,
        None => return Err(err(&t, "not a MUP route")),
    };
    if require_next_hop && draft.next_hop == NextHopSpec::None {
        return Err(err(kw, "route has no next-hop"));
    }
    let mut octets = Vec::with_capacity(48);
    route.encode(&mut octets);
    // A Type 1 ST route is identified by its RD and prefix: another TEID or endpoint for the
    // same prefix replaces it.
    let nlri = match &route {
        MupRoute::Type1St { prefix, .. } => {
            let key = 9 + usize::from(prefix.prefix_len()).div_ceil(8);
            EncodedNlri::with_key(draft.path_id, &octets, key)
        }
        _ => EncodedNlri::new(draft.path_id, &octets),
    };
    draft.build_encoded(Family::new(afi, Safi::MUP), nlri, kw.span(), int, out)
}

/// A VPLS route once its words are read into `draft` (ExaBGP's `vpls` statement: endpoint,
/// base, offset, size, rd and the route attributes).
pub(crate) fn vpls_finish(
    draft: &mut RouteDraft,
    kw: &Token<'_>,
    require_next_hop: bool,
    int: &mut Interner,
    out: &mut Vec<RouteRec>,
) -> Result<()> {
    let v = match &draft.vpls {
        Some(v) => v.build(kw, draft.mpls.rd)?,
        None => return Err(err(kw, "not a VPLS route")),
    };
    if draft.mpls.labels.is_some() {
        return Err(err(
            kw,
            "a VPLS route has a label base ('base'), not a 'label'",
        ));
    }
    if require_next_hop && draft.next_hop == NextHopSpec::None {
        return Err(err(kw, "route has no next-hop"));
    }
    let mut octets = Vec::with_capacity(19);
    v.encode(false, &mut octets);
    let nlri = EncodedNlri::new(draft.path_id, &octets);
    draft.build_encoded(
        Family::new(Afi::L2VPN, Safi::VPLS),
        nlri,
        kw.span(),
        int,
        out,
    )
}

/// One VPLS route written on one line: the words after `vpls` (`kw`).
pub(crate) fn vpls_route(
    cur: &mut Cursor<'_, '_>,
    kw: &Token<'_>,
    require_next_hop: bool,
    int: &mut Interner,
    out: &mut Vec<RouteRec>,
) -> Result<()> {
    let mut draft = RouteDraft::default();
    draft.vpls = Some(VplsDraft::default());
    draft.apply(cur, false)?;
    vpls_finish(&mut draft, kw, require_next_hop, int, out)
}

impl<'a> Parser<'a> {
    /// The statements of an `l2vpn` block (a neighbor's, or inside `announce`): `evpn …;`,
    /// `vpls …;` and `vpls NAME { …; }`.
    pub(crate) fn l2vpn_body(&mut self, head: &Token<'a>, routes: &mut Vec<RouteRec>) {
        let words = std::mem::take(&mut self.route_words);
        self.each(head, |p, stmt, sub| {
            let Some(kw) = stmt.first().copied() else {
                return false;
            };
            if let (Some(_), "vpls") = (sub, kw.text) {
                // `vpls NAME { endpoint 5; base 10702; …; }`
                let mut draft = RouteDraft::default();
                draft.vpls = Some(VplsDraft::default());
                let mut failed = false;
                p.each(&kw, |p, stmt, inner| {
                    if let (Some(brace), false) = (inner, failed) {
                        p.error(err(&brace, "unexpected block inside a vpls route"));
                        failed = true;
                        return false;
                    }
                    if !failed {
                        if let Err(e) = draft.apply(&mut Cursor::new(stmt), false) {
                            p.error(e);
                            failed = true;
                        }
                    }
                    inner.is_none()
                });
                if !failed {
                    if let Err(e) = vpls_finish(&mut draft, &kw, true, &mut p.interner, routes) {
                        p.error(e);
                    }
                }
                return true;
            }
            if let Some(brace) = sub {
                p.error(err(
                    &brace,
                    format!("unexpected block after '{}' in l2vpn", kw.text),
                ));
                return false;
            }
            let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
            let r = match kw.text {
                "evpn" => evpn_route(&mut cur, &kw, true, &mut p.interner, routes),
                "vpls" => vpls_route(&mut cur, &kw, true, &mut p.interner, routes),
                other => Err(err(
                    &kw,
                    format!(
                        "unknown statement '{other}' in l2vpn (expected 'evpn …;' or 'vpls …;')"
                    ),
                )),
            };
            if let Err(e) = r {
                p.error(e);
            }
            true
        });
        self.route_words = words;
    }

    /// The statements of a `static` block.
    pub(crate) fn static_body(&mut self, head: &Token<'a>, routes: &mut Vec<RouteRec>) {
        let words = std::mem::replace(&mut self.route_words, &["route"]);
        self.forget_reuse();
        let plan = self.plan_parts();
        if plan.is_empty() {
            self.static_statements(head, routes, &mut VecDeque::new());
        } else {
            // Long runs of routes are read on every core (see `parallel`).
            let src = self.lex.source();
            let from = self.lex.state();
            std::thread::scope(|scope| {
                let mut jobs: VecDeque<super::parallel::Job<'_>> = plan
                    .into_iter()
                    .map(|(split, limit)| {
                        let job = move || super::parallel::read_part(src, from, split, limit);
                        (split, scope.spawn(job))
                    })
                    .collect();
                self.static_statements(head, routes, &mut jobs);
                for (_, handle) in jobs {
                    let _ = handle.join(); // parts never reached: their text was read here
                }
            });
        }
        self.route_words = words;
    }

    fn static_statements(
        &mut self,
        head: &Token<'a>,
        routes: &mut Vec<RouteRec>,
        jobs: &mut VecDeque<super::parallel::Job<'_>>,
    ) {
        self.each(head, |p, stmt, sub| {
            let Some(kw) = stmt.first().copied() else {
                return false;
            };
            let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
            let r = match (kw.text, sub) {
                // `route` reads (or skips) its block itself, error or not.
                ("route", _) => p.route(&kw, &mut cur, sub.is_some(), None, routes),
                ("attributes", None) => {
                    attributes_nlri(&mut cur, &kw, static_family, true, &mut p.interner, routes)
                }
                (other, _) => {
                    let h = hint(Context::Static, other);
                    p.error(err(
                        &kw,
                        format!("unknown statement '{other}' in static{h}"),
                    ));
                    return false;
                }
            };
            if let Err(e) = r {
                p.error(e);
            }
            if !jobs.is_empty() {
                p.take_parts(jobs, routes);
            }
            true
        });
    }

    /// One route: `route P attrs…;` or `route P { attr…; … }` (`block` when the statement
    /// ended with `{`). `family` is forced by an `announce` block.
    pub(super) fn route(
        &mut self,
        kw: &Token<'a>,
        cur: &mut Cursor<'_, 'a>,
        block: bool,
        family: Option<Family>,
        routes: &mut Vec<RouteRec>,
    ) -> Result<()> {
        let hit = self.hit.take();
        let tail = self.tail.take();
        let header = (|| -> Result<(IpNet, Family)> {
            let t = cur
                .next()
                .ok_or_else(|| err(kw, format!("'{}' needs a prefix", kw.text)))?;
            let net = parse_prefix(&t)?;
            let family = match family {
                Some(f) => {
                    let afi = if net.addr().is_ipv4() {
                        Afi::IPV4
                    } else {
                        Afi::IPV6
                    };
                    if afi != f.afi {
                        return Err(err(&t, format!("this prefix is not {}", f.afi)));
                    }
                    f
                }
                None => static_family(&net),
            };
            Ok((net, family))
        })();
        // The same attribute text as an earlier route: its result, without reading it again.
        if let Some(hit) = hit {
            let (net, family) = header?;
            match (hit.plain, self.reusable.get_mut(hit.index as usize)) {
                (Some((f, shared)), _) if f == family => routes.push(RouteRec {
                    prefix: herald_wire::Prefix { path_id: None, net },
                    shared,
                    origin: kw.span(),
                }),
                (_, Some(reused)) => {
                    reused.build(family, net, kw.span(), &mut self.interner, routes)
                }
                (_, None) => {}
            }
            return Ok(());
        }
        // One draft is reused for every route, so its buffers are allocated once.
        let mut draft = std::mem::take(&mut self.scratch);
        draft.clear();
        let header = header.and_then(|h| draft.apply(cur, false).map(|_| h));
        let r = self.route_rest(kw, header, block, &mut draft, routes);
        if let (Ok(()), Some(text), false) = (&r, tail, block) {
            if let Some(reusable) = draft.reusable(&self.interner) {
                if self.reusable.len() >= MAX_REUSE {
                    self.forget_reuse();
                }
                self.reuse.insert(
                    super::fingerprint(kw.text, text),
                    super::Reused {
                        index: self.reusable.len() as u32,
                        plain: reusable.plain(),
                    },
                );
                self.reusable.push(reusable);
            }
        }
        self.scratch = draft;
        r
    }

    fn route_rest(
        &mut self,
        kw: &Token<'a>,
        header: Result<(IpNet, Family)>,
        block: bool,
        draft: &mut RouteDraft,
        routes: &mut Vec<RouteRec>,
    ) -> Result<()> {
        let (net, family) = match header {
            Ok(h) => h,
            Err(e) => {
                if block {
                    self.skip_block();
                }
                return Err(e);
            }
        };
        if block {
            let mut failed = false;
            let words = std::mem::take(&mut self.route_words);
            self.each(kw, |p, stmt, sub| {
                if let (Some(brace), false) = (sub, failed) {
                    p.error(err(&brace, "unexpected block inside a route"));
                    failed = true;
                    return false;
                }
                if failed {
                    return sub.is_none();
                }
                let mut c = Cursor::new(stmt);
                if let Err(e) = draft.apply(&mut c, false) {
                    p.error(e);
                    failed = true;
                }
                true
            });
            self.route_words = words;
            if failed {
                return Ok(());
            }
        }
        finish(draft, kw, family, net, &mut self.interner, routes)
    }

    /// The `announce { }` block: `ipv4 { … }`, `ipv6 { … }`, `l2vpn { … }`.
    pub(crate) fn announce_body(
        &mut self,
        head: &Token<'a>,
        routes: &mut Vec<RouteRec>,
        flows: &mut Vec<FlowRule>,
    ) {
        self.each(head, |p, stmt, sub| {
            let Some(kw) = stmt.first().copied() else {
                return false;
            };
            let Some(_) = sub else {
                p.error(err(
                    &kw,
                    "expected 'ipv4 {', 'ipv6 {' or 'l2vpn {' inside announce",
                ));
                return true;
            };
            let afi = match kw.text {
                "ipv4" => Afi::IPV4,
                "ipv6" => Afi::IPV6,
                "l2vpn" => {
                    p.l2vpn_body(&kw, routes);
                    return true;
                }
                other => {
                    let h = hint(Context::Announce, other);
                    p.error(err(
                        &kw,
                        format!("unknown address family '{other}' in announce{h}"),
                    ));
                    return false;
                }
            };
            // A block of another address family: what a text meant in the last one (its
            // route's family, the checks that depend on it) does not carry over.
            p.forget_reuse();
            let words = std::mem::replace(
                &mut p.route_words,
                &[
                    "unicast",
                    "multicast",
                    "nlri-mpls",
                    "labeled-unicast",
                    "mpls-vpn",
                ],
            );
            p.each(&kw, |p, stmt, sub| {
                let Some(s) = stmt.first().copied() else {
                    return false;
                };
                let family = match Safi::from_name(s.text) {
                    Some(safi) => Family::new(afi, safi),
                    None => {
                        p.error(err(&s, format!("unknown sub-address family '{}'", s.text)));
                        return false;
                    }
                };
                if family.safi == Safi::MCAST_VPN {
                    let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
                    let r = match sub {
                        Some(brace) => Err(err(&brace, "an mcast-vpn route is one statement")),
                        None => mvpn_route(&mut cur, &s, afi, true, &mut p.interner, routes),
                    };
                    if let Err(e) = r {
                        p.error(e);
                    }
                    return sub.is_none();
                }
                if family.safi == Safi::RTC {
                    let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
                    let r = match sub {
                        Some(brace) => Err(err(&brace, "an rtc route is one statement")),
                        None => rtc_route(&mut cur, &s, afi, true, &mut p.interner, routes),
                    };
                    if let Err(e) = r {
                        p.error(e);
                    }
                    return sub.is_none();
                }
                if matches!(family.safi, Safi::FLOW | Safi::FLOW_VPN) {
                    let rest = stmt.get(1..).unwrap_or_default();
                    p.announce_flow(&s, afi, family.safi, rest, sub.is_some(), flows);
                    return true;
                }
                if let Err(e) = check_supported(family, &s) {
                    p.error(e);
                    return false;
                }
                if family.safi == Safi::MUP {
                    if let Some(brace) = sub {
                        p.error(err(&brace, "a MUP route is one statement, not a block"));
                        return false;
                    }
                    let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
                    if let Err(e) = mup_route(&mut cur, &s, afi, true, &mut p.interner, routes) {
                        p.error(e);
                    }
                    return true;
                }
                let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
                if let Err(e) = p.route(&s, &mut cur, sub.is_some(), Some(family), routes) {
                    p.error(e);
                }
                true
            });
            p.route_words = words;
            true
        });
    }
}
