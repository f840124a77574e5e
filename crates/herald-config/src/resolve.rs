//! From drafts to the model: templates applied, defaults filled, everything checked.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;

use herald_wire::{Afi, Family};
use ipnet::IpNet;

use crate::error::{ConfigError, Span};
use crate::hash::{Fnv, FnvHasher};
use crate::model::{Capabilities, Md5, Neighbor, NextHopSpec, Process, Route};
use crate::parser::{Draft, GR_OFF};
use crate::route::{route_of, FlowRule, Interner, RouteRec, RouteTable, Shared};
use crate::values::base64_decode;

/// RFC 2385 keys are at most 80 octets.
const MAX_MD5: usize = 80;

fn e(span: Span, token: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::at(span, token, message)
}

fn afi_of(ip: IpAddr) -> Afi {
    if ip.is_ipv4() {
        Afi::IPV4
    } else {
        Afi::IPV6
    }
}

/// Apply templates, fill defaults and check every neighbor.
pub(crate) fn resolve(
    drafts: Vec<Draft>,
    templates: &[(String, Span, Draft)],
    processes: &[Process],
    int: &Interner,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Vec<Neighbor> {
    for (name, span, t) in templates {
        if let Some((_, s)) = t.inherit.first() {
            errors.push(e(*s, name, "a template cannot inherit another template"));
        }
        let _ = span;
    }
    let mut out: Vec<Neighbor> = Vec::with_capacity(drafts.len());
    for own in drafts {
        let mut d = Draft::default();
        let mut missing_template = false;
        for (name, span) in &own.inherit {
            match templates.iter().find(|(n, _, _)| n == name) {
                Some((_, _, t)) => d.merge(t.clone()),
                None => {
                    errors.push(e(*span, name, format!("unknown template '{name}'")));
                    missing_template = true;
                }
            }
        }
        d.merge(own);
        if let Some(n) = neighbor(d, processes, int, missing_template, errors, warnings) {
            if let Some(prev) = out.iter().find(|p| p.key() == n.key()) {
                errors.push(e(
                    n.span,
                    "neighbor",
                    format!(
                        "neighbor {} is defined twice (first at line {})",
                        n.key(),
                        prev.span.line
                    ),
                ));
            } else {
                out.push(n);
            }
        }
    }
    out
}

fn neighbor(
    d: Draft,
    processes: &[Process],
    int: &Interner,
    missing_template: bool,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Option<Neighbor> {
    let before = errors.len();
    let (peer, peer_span) = d.peer?;
    let shown = if peer.prefix_len() == peer.max_prefix_len() {
        peer.addr().to_string()
    } else {
        peer.to_string()
    };
    let at = d.span;
    // A neighbor that inherits a missing template would report every setting the template
    // held as missing: the unknown template is the one error worth showing.
    let local_as = match d.local_as {
        // The daemon needs its AS before the OPEN it sends: refused here rather than a
        // neighbor skipped at run time.
        Some((None, s)) => {
            errors.push(e(
                s,
                "local-as auto",
                "unsupported: local-as auto (give the local AS number)",
            ));
            None
        }
        Some((a, _)) => a,
        None => {
            if !missing_template {
                errors.push(e(
                    at,
                    "neighbor",
                    format!("neighbor {shown} has no local-as"),
                ));
            }
            None
        }
    };
    let peer_as = match d.peer_as {
        Some((a, _)) => a,
        None => {
            if !missing_template {
                errors.push(e(
                    at,
                    "neighbor",
                    format!("neighbor {shown} has no peer-as"),
                ));
            }
            None
        }
    };
    let hold_time = d.hold_time.map_or(180, |h| h.0);
    let passive = d.passive.is_some_and(|p| p.0);
    if peer.prefix_len() != peer.max_prefix_len() && !passive {
        errors.push(e(
            peer_span,
            &shown,
            "a neighbor address range is only allowed for passive neighbors (add 'passive;')",
        ));
    }
    let local_address = d.local_address.and_then(|a| a.0);
    if let (Some(l), Some((_, s))) = (local_address, d.local_address) {
        if afi_of(l) != afi_of(peer.addr()) {
            errors.push(e(
                s,
                "local-address",
                "local-address and the neighbor address must be of the same family",
            ));
        }
    }
    let router_id = match (d.router_id, local_address) {
        (Some((r, _)), _) => Some(r),
        (None, Some(IpAddr::V4(l))) => Some(l),
        _ => {
            if !missing_template {
                errors.push(e(
                    at,
                    "neighbor",
                    format!(
                        "neighbor {shown} needs a router-id (it can only default to an IPv4 local-address)"
                    ),
                ));
            }
            None
        }
    };
    if d.adj_rib_in.is_some_and(|x| !x.0) {
        if let Some(l) = d.prefix_limits.as_ref().and_then(|v| v.first()) {
            errors.push(e(
                l.span,
                "prefix-limit",
                "prefix-limit counts the routes kept in the Adj-RIB-In: it needs 'adj-rib-in true'",
            ));
        }
    }
    if d.listen.is_some() && local_address.is_none() {
        if let Some((_, s)) = d.listen {
            errors.push(e(s, "listen", "'listen' needs a local-address"));
        }
    }
    let md5 = match d.md5_password {
        None => None,
        Some((pw, s)) => {
            let auto = d.md5_base64.is_some_and(|b| b.0.is_none());
            let key = if auto
                && !pw.is_empty()
                && pw
                    .bytes()
                    .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
            {
                // `md5-base64 auto`, as ExaBGP reads it: a key written only in lowercase hex
                // digits may be base64 without its padding; it is decoded when it is, and taken
                // as written otherwise. Any other key is taken as written.
                base64_decode(&pw)
                    .filter(|k| !k.is_empty())
                    .unwrap_or_else(|| pw.into_bytes())
            } else if d.md5_base64.is_some_and(|b| b.0 == Some(true)) {
                match base64_decode(&pw) {
                    Some(k) => k,
                    None => {
                        errors.push(e(
                            s,
                            &pw,
                            "md5-password is not valid base64 (md5-base64 is true)",
                        ));
                        Vec::new()
                    }
                }
            } else {
                pw.into_bytes()
            };
            if key.len() > MAX_MD5 {
                errors.push(e(
                    s,
                    "md5-password",
                    format!("an MD5 key is at most {MAX_MD5} octets"),
                ));
            }
            Some(Md5 {
                key,
                ip: d.md5_ip.map(|i| i.0).or(local_address),
            })
        }
    };

    // Settings ExaBGP has and herald does not act on: refused rather than accepted and ignored.
    let refuse = |errors: &mut Vec<ConfigError>, span: Span, what: &str, why: &str| {
        errors.push(e(span, what, format!("unsupported: {what} ({why})")));
    };
    if let Some((Some(_), s)) = d.rate_limit {
        refuse(errors, s, "rate-limit", "UPDATEs are not rate limited");
    }
    if let Some((_, s)) = &d.source_interface {
        refuse(
            errors,
            *s,
            "source-interface",
            "bind with local-address instead",
        );
    }
    if let Some((ip, s)) = d.md5_ip {
        if Some(ip) != local_address {
            refuse(
                errors,
                s,
                "md5-ip",
                "an address other than local-address; the MD5 key is bound to the peer's address",
            );
        }
    }
    if let Some((false, s)) = d.auto_flush {
        refuse(
            errors,
            s,
            "auto-flush false",
            "herald sends a program's routes as they come (there is no `flush route` to wait for)",
        );
    }
    for (set, name) in [
        (&d.cap.multi_session, "multi-session"),
        (&d.cap.operational, "operational"),
        (&d.cap.aigp, "aigp"),
    ] {
        if let Some((true, s)) = set {
            refuse(
                errors,
                *s,
                &format!("capability {name}"),
                "herald does not advertise it",
            );
        }
    }

    // Families: the family block, or IPv4 and IPv6 unicast plus whatever the routes use.
    let explicit = d.families.is_some();
    let mut families: Vec<Family> = match &d.families {
        Some(f) => f.iter().map(|x| x.0).collect(),
        None => {
            let mut v = vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST];
            for s in d.routes.iter().filter_map(|r| int.get(r)) {
                if !v.contains(&s.family) {
                    v.push(s.family);
                }
            }
            for f in &d.flows {
                if !v.contains(&f.family) {
                    v.push(f.family);
                }
            }
            v
        }
    };
    families.sort();
    families.dedup();
    if families.is_empty() && !d.family_unsupported {
        if let Some(f) = &d.families {
            let _ = f;
            errors.push(e(
                at,
                "family",
                format!("neighbor {shown} has an empty family block"),
            ));
        }
    }

    // Capabilities.
    let c = &d.cap;
    let flag = |s: &crate::parser::Set<bool>, default: bool| s.map_or(default, |x| x.0);
    let graceful_restart = match c.graceful_restart {
        None => None,
        Some((None, _)) => Some(hold_time.min(4095)),
        Some((Some(GR_OFF), _)) => None,
        Some((Some(0), _)) => Some(hold_time.min(4095)),
        Some((Some(t), _)) => Some(t as u16),
    };
    let add_path_mode = c.add_path.and_then(|a| a.0);
    let extended_next_hop = flag(&c.nexthop, d.nexthop_block);
    let capabilities = Capabilities {
        asn4: flag(&c.asn4, true),
        route_refresh: flag(&c.route_refresh, false),
        graceful_restart,
        add_path: add_path_mode,
        extended_message: flag(&c.extended_message, true),
        multi_session: flag(&c.multi_session, false),
        operational: flag(&c.operational, false),
        aigp: flag(&c.aigp, false),
        extended_next_hop,
        software_version: flag(&c.software_version, false),
    };
    let add_path = match add_path_mode {
        None => Vec::new(),
        Some(mode) => match &d.add_path {
            None => families.iter().map(|f| (*f, mode)).collect(),
            Some(list) => {
                let mut v = Vec::new();
                for (f, s) in list {
                    if families.contains(f) {
                        v.push((*f, mode));
                    } else {
                        warnings.push(e(
                            *s,
                            "add-path",
                            format!("add-path for {f} is skipped: the family is not negotiated"),
                        ));
                    }
                }
                v
            }
        },
    };
    let mut nexthops = Vec::new();
    if extended_next_hop {
        for (f, nh, s) in &d.nexthops {
            if families.contains(f) && families.contains(&Family::new(*nh, f.safi)) {
                nexthops.push((*f, *nh));
            } else {
                warnings.push(e(
                    *s,
                    "nexthop",
                    format!("next hop {nh} for {f} is skipped: both families must be negotiated"),
                ));
            }
        }
    }

    // API processes must exist.
    for (name, s) in &d.api_refs {
        if !processes.iter().any(|p| &p.name == name) {
            errors.push(e(*s, name, format!("unknown process '{name}'")));
        }
    }

    // Routes: one per family, prefix and path id (the last one written wins), each checked.
    let mut routes = RouteTable::new(d.routes, int.shared_parts())
        .map_recs(|recs, shared| dedup_routes(recs, shared, warnings));
    // `name` labels a route and nothing more, in ExaBGP as in herald: say so where it is first
    // written (once per neighbor), rather than let it look like it does something.
    if let Some(r) = routes.labeled().find(|r| r.name().is_some()) {
        warnings.push(e(
            r.origin,
            "name",
            "a route's 'name' is only a label: herald, like ExaBGP, sends and shows nothing of it"
                .to_string(),
        ));
    }
    let route_errors = check_routes(
        &routes,
        explicit,
        &families,
        local_address,
        &nexthops,
        errors,
    );

    let flows = dedup_flows(d.flows, warnings);
    for f in flows
        .iter()
        .filter(|f| explicit && !families.contains(&f.family))
        .take(10usize.saturating_sub(route_errors))
    {
        let what = f.name.as_deref().map_or_else(
            || "this flow route".to_string(),
            |n| format!("flow route '{n}'"),
        );
        errors.push(e(
            f.span,
            "route",
            format!(
                "{what} is {} but the neighbor's family block does not list it",
                f.family
            ),
        ));
    }

    if errors.len() != before {
        return None;
    }
    // Flow rules are announced as routes of their family (the rules stay in `flows` too).
    routes.extend(flows.iter().map(FlowRule::to_route));
    let route_refresh = capabilities.route_refresh;
    Some(Neighbor {
        peer_address: peer,
        description: d.description.map(|x| x.0),
        router_id: router_id?,
        local_address,
        local_as,
        peer_as,
        hold_time,
        passive,
        listen: d.listen.map(|x| x.0),
        connect: d.connect.map(|x| x.0),
        md5,
        outgoing_ttl: d.outgoing_ttl.and_then(|x| x.0),
        incoming_ttl: d.incoming_ttl.and_then(|x| x.0),
        group_updates: flag(&d.group_updates, true),
        auto_flush: flag(&d.auto_flush, true),
        adj_rib_out: flag(&d.adj_rib_out, true) || route_refresh,
        adj_rib_in: flag(&d.adj_rib_in, true),
        manual_eor: flag(&d.manual_eor, false),
        host_name: d.host_name.map(|x| x.0),
        domain_name: d.domain_name.map(|x| x.0),
        rate_limit: d.rate_limit.and_then(|x| x.0),
        source_interface: d.source_interface.map(|x| x.0),
        families,
        capabilities,
        add_path,
        extended_next_hop: nexthops,
        api: d.api,
        prefix_limits: d.prefix_limits.clone().unwrap_or_default(),
        routes,
        flows,
        span: at,
    })
}

/// One flow rule per family and NLRI: a later one replaces an earlier one in its place, with
/// a warning.
fn dedup_flows(flows: Vec<FlowRule>, warnings: &mut Vec<ConfigError>) -> Vec<FlowRule> {
    let mut out: Vec<FlowRule> = Vec::with_capacity(flows.len());
    let mut seen: HashMap<(Family, herald_wire::nlri::FlowSpec), usize> = HashMap::new();
    for f in flows {
        let key = (f.family, f.spec.clone());
        match seen.get(&key).and_then(|i| out.get_mut(*i)) {
            Some(first) => {
                if warnings.len() < crate::parser::MAX_ERRORS {
                    warnings.push(e(
                        f.span,
                        "route",
                        format!(
                            "this flow route matches the same traffic as the one at line {} \
                             (same family and NLRI): the later one is used",
                            first.span.line
                        ),
                    ));
                }
                *first = f;
            }
            None => {
                seen.insert(key, out.len());
                out.push(f);
            }
        }
    }
    out
}

fn dedup_routes(
    mut routes: Vec<RouteRec>,
    shared: &[Shared],
    warnings: &mut Vec<ConfigError>,
) -> Vec<RouteRec> {
    // A VPN route's route distinguisher is part of what it is (RFC 4364 §4.1): the same prefix
    // under two RDs is two routes; labels are not (a later label replaces an earlier one). The
    // encoded NLRI's identity tells EVPN, MUP, … routes apart (their record prefix is a
    // placeholder): an EVPN route with another label or ESI is the same route (RFC 7432 §7).
    let key = |r: &RouteRec| {
        let s = shared.get(r.shared as usize);
        let family = s.map_or(Family::IPV4_UNICAST, |s| s.family);
        let rd = s.and_then(|s| s.mpls.as_ref()).and_then(|m| m.rd);
        let nlri = s.and_then(|s| s.nlri.as_ref());
        (family, r.prefix, rd, nlri)
    };
    // Most tables repeat nothing: routes written in order, or no two keys with the same hash,
    // say so without the cost of a map of every key. When no shared part has a route
    // distinguisher or an encoded NLRI, the key is the family and the prefix: the families are
    // looked up in a dense copy (a large table's shared parts do not all fit in the cache).
    let families: Option<Vec<Family>> = shared
        .iter()
        .map(|s| {
            let plain = s.nlri.is_none() && s.mpls.as_ref().is_none_or(|m| m.rd.is_none());
            plain.then_some(s.family)
        })
        .collect();
    let in_order = match &families {
        Some(f) => {
            let fkey = |r: &RouteRec| (f.get(r.shared as usize).copied(), r.prefix);
            routes.windows(2).all(|w| match w {
                [a, b] => fkey(a) < fkey(b),
                _ => true,
            })
        }
        None => routes.windows(2).all(|w| match w {
            [a, b] => key(a) < key(b),
            _ => true,
        }),
    };
    if in_order {
        return routes;
    }
    let mut hashes: Vec<u64> = routes
        .iter()
        .map(|r| {
            let mut h = FnvHasher::default();
            key(r).hash(&mut h);
            h.finish()
        })
        .collect();
    hashes.sort_unstable();
    if hashes.windows(2).all(|w| match w {
        [a, b] => a != b,
        _ => true,
    }) {
        return routes;
    }
    drop(hashes);
    type Key<'i> = (
        Family,
        herald_wire::Prefix,
        Option<herald_wire::nlri::RouteDistinguisher>,
        Option<&'i herald_wire::nlri::EncodedNlri>,
    );
    let mut seen: HashMap<Key<'_>, usize, Fnv> =
        HashMap::with_capacity_and_hasher(routes.len(), Fnv::default());
    let mut dropped = Vec::new();
    for i in 0..routes.len() {
        let Some(r) = routes.get(i) else { break };
        if let Some(first) = seen.insert(key(r), i) {
            // The later definition wins: it takes the first one's place in the order.
            if warnings.len() < crate::parser::MAX_ERRORS {
                let first_line = routes.get(first).map_or(0, |f| f.origin.line);
                let shown = match route_of(shared, r) {
                    Some(route) if route.prefix().is_none() => route.describe(),
                    _ => r.prefix.net.to_string(),
                };
                warnings.push(e(
                    r.origin,
                    &shown,
                    format!(
                        "route {shown} is defined again (first at line {first_line}): the later one is used"
                    ),
                ));
            }
            routes.swap(first, i);
            if let Some(f) = routes.get(first) {
                seen.insert(key(f), first);
            }
            dropped.push(i);
        }
    }
    if dropped.is_empty() {
        return routes;
    }
    let mut i = 0;
    let mut d = dropped.iter().peekable();
    routes.retain(|_| {
        let keep = d.peek() != Some(&&i);
        if !keep {
            d.next();
        }
        i += 1;
        keep
    });
    routes
}

/// Check every route, up to 10 errors; the number of errors. A route's checks depend on its
/// shared part and whether its prefix is IPv4 or IPv6, nothing else: each such pair that
/// passed is not checked again (a table of a million routes has a few thousand pairs).
fn check_routes(
    table: &RouteTable,
    explicit: bool,
    families: &[Family],
    local: Option<IpAddr>,
    nexthops: &[(Family, Afi)],
    errors: &mut Vec<ConfigError>,
) -> usize {
    let (recs, shared, extra) = table.parts();
    let mut passed = vec![0u8; shared.len()];
    let mut route_errors = 0usize;
    for rec in recs {
        if route_errors >= 10 {
            return route_errors;
        }
        let bit = if rec.prefix.net.addr().is_ipv4() {
            1
        } else {
            2
        };
        let Some(p) = passed.get_mut(rec.shared as usize) else {
            continue;
        };
        if *p & bit != 0 {
            continue;
        }
        let Some(r) = route_of(shared, rec) else {
            continue;
        };
        let before = errors.len();
        check_route(&r, explicit, families, local, nexthops, errors);
        if errors.len() == before {
            *p |= bit;
        }
        route_errors += errors.len() - before;
    }
    for r in extra {
        if route_errors >= 10 {
            break;
        }
        let before = errors.len();
        check_route(r, explicit, families, local, nexthops, errors);
        route_errors += errors.len() - before;
    }
    route_errors
}

fn check_route(
    r: &Route,
    explicit: bool,
    families: &[Family],
    local: Option<IpAddr>,
    nexthops: &[(Family, Afi)],
    errors: &mut Vec<ConfigError>,
) {
    let token = || r.describe();
    if explicit && !families.contains(&r.family) {
        errors.push(e(
            r.origin,
            &token(),
            format!(
                "route {} is {} but the neighbor's family block does not list it",
                r.describe(),
                r.family
            ),
        ));
        return;
    }
    // An L2VPN route's next hop may be IPv4 or IPv6 (RFC 7432 §7, RFC 8365 §5.1.3). So may an
    // MCAST-VPN route's, whatever its AFI (RFC 6515: the provider network's address family need
    // not be the customer's), and a MUP route's (sent as written, as ExaBGP does: its examples
    // give IPv4 MUP routes IPv6 next hops and IPv6 ones IPv4 next hops).
    if r.family.afi == Afi::L2VPN
        || r.family.safi == herald_wire::Safi::MCAST_VPN
        || r.family.safi == herald_wire::Safi::MUP
    {
        return;
    }
    let route_afi = match r.prefix().map(|p| p.net) {
        Some(IpNet::V4(_)) => Afi::IPV4,
        Some(IpNet::V6(_)) => Afi::IPV6,
        None => r.family.afi,
    };
    let nh_afi = match r.next_hop {
        NextHopSpec::Ip(ip) => Some(afi_of(ip)),
        NextHopSpec::SelfAddr => local.map(afi_of),
        NextHopSpec::None => None,
    };
    if let Some(nh) = nh_afi {
        if nh != route_afi && !nexthops.contains(&(r.family, nh)) {
            let what = if r.next_hop == NextHopSpec::SelfAddr {
                format!("next-hop self is the {nh} local-address")
            } else {
                format!("the next hop is {nh}")
            };
            errors.push(e(
                r.origin,
                &token(),
                format!(
                    "route {} is {route_afi} but {what}: add 'nexthop {{ {} {} {nh}; }}' (RFC 8950)",
                    r.describe(), r.family.afi, r.family.safi
                ),
            ));
        }
    }
}
