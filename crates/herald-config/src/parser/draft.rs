//! Neighbor and template settings as written, before templates are applied and defaults
//! filled. Every field is optional so a neighbor's own settings can override its templates'.

use std::net::{IpAddr, Ipv4Addr};

use herald_wire::capability::AddPathMode;
use herald_wire::{Afi, Family};
use ipnet::IpNet;

use crate::error::Span;
use crate::model::Api;
use crate::route::{FlowRule, RouteRec};

/// A setting and where it was written.
pub(crate) type Set<T> = Option<(T, Span)>;

/// The `capability { }` block as written.
#[derive(Clone, Debug, Default)]
pub(crate) struct CapDraft {
    pub asn4: Set<bool>,
    pub route_refresh: Set<bool>,
    /// `Some(None)`: bare `graceful-restart;` (use the hold time); `Some(Some(0))`… a time;
    /// disabled is `Some(Some(u16::MAX as u32 + 1))`, see [`GR_OFF`].
    pub graceful_restart: Set<Option<u32>>,
    pub add_path: Set<Option<AddPathMode>>,
    pub extended_message: Set<bool>,
    pub multi_session: Set<bool>,
    pub operational: Set<bool>,
    pub aigp: Set<bool>,
    pub nexthop: Set<bool>,
    pub software_version: Set<bool>,
}

/// `graceful-restart disable`.
pub(crate) const GR_OFF: u32 = u32::MAX;

/// A neighbor or template as written.
#[derive(Clone, Debug, Default)]
pub(crate) struct Draft {
    pub span: Span,
    pub peer: Set<IpNet>,
    pub inherit: Vec<(String, Span)>,
    pub description: Set<String>,
    pub router_id: Set<Ipv4Addr>,
    /// `None` inside: `auto`.
    pub local_address: Set<Option<IpAddr>>,
    pub local_as: Set<Option<u32>>,
    pub peer_as: Set<Option<u32>>,
    pub hold_time: Set<u16>,
    pub passive: Set<bool>,
    pub listen: Set<u16>,
    pub connect: Set<u16>,
    pub md5_password: Set<String>,
    pub md5_base64: Set<Option<bool>>,
    pub md5_ip: Set<IpAddr>,
    pub outgoing_ttl: Set<Option<u8>>,
    pub incoming_ttl: Set<Option<u8>>,
    pub group_updates: Set<bool>,
    pub auto_flush: Set<bool>,
    pub adj_rib_out: Set<bool>,
    pub adj_rib_in: Set<bool>,
    pub manual_eor: Set<bool>,
    pub host_name: Set<String>,
    pub domain_name: Set<String>,
    pub rate_limit: Set<Option<u32>>,
    pub source_interface: Set<String>,
    /// `Some` once a `family` block was seen.
    pub families: Option<Vec<(Family, Span)>>,
    /// A `family` block named a family herald does not implement (already reported).
    pub family_unsupported: bool,
    pub cap: CapDraft,
    /// `Some` once an `add-path` block was seen.
    pub add_path: Option<Vec<(Family, Span)>>,
    pub nexthop_block: bool,
    pub nexthops: Vec<(Family, Afi, Span)>,
    pub api: Vec<Api>,
    /// `prefix-limit` entries, one per family.
    pub prefix_limits: Option<Vec<crate::model::PrefixLimit>>,
    /// Process names used in `api` blocks, for checking.
    pub api_refs: Vec<(String, Span)>,
    pub routes: Vec<RouteRec>,
    /// Flow rules (`flow { }`, `announce { ipv4 { flow … } }`), in the order written.
    pub flows: Vec<FlowRule>,
}

fn over<T>(base: &mut Set<T>, top: Set<T>) {
    if top.is_some() {
        *base = top;
    }
}

fn union<T: PartialEq>(base: &mut Vec<T>, top: Vec<T>, same: impl Fn(&T, &T) -> bool) {
    for t in top {
        if !base.iter().any(|b| same(b, &t)) {
            base.push(t);
        }
    }
}

impl Draft {
    pub fn new(span: Span) -> Self {
        Draft {
            span,
            ..Draft::default()
        }
    }

    /// Lay `top` over `self`: settings in `top` win; families, add-path and next-hop entries
    /// are united; API blocks, routes and flow rules are appended.
    pub fn merge(&mut self, top: Draft) {
        let Draft {
            span,
            peer,
            inherit,
            description,
            router_id,
            local_address,
            local_as,
            peer_as,
            hold_time,
            passive,
            listen,
            connect,
            md5_password,
            md5_base64,
            md5_ip,
            outgoing_ttl,
            incoming_ttl,
            group_updates,
            auto_flush,
            adj_rib_out,
            adj_rib_in,
            manual_eor,
            host_name,
            domain_name,
            rate_limit,
            source_interface,
            families,
            family_unsupported,
            cap,
            add_path,
            nexthop_block,
            nexthops,
            api,
            api_refs,
            prefix_limits,
            routes,
            flows,
        } = top;
        self.span = span;
        over(&mut self.peer, peer);
        self.inherit = inherit;
        over(&mut self.description, description);
        over(&mut self.router_id, router_id);
        over(&mut self.local_address, local_address);
        over(&mut self.local_as, local_as);
        over(&mut self.peer_as, peer_as);
        over(&mut self.hold_time, hold_time);
        over(&mut self.passive, passive);
        over(&mut self.listen, listen);
        over(&mut self.connect, connect);
        over(&mut self.md5_password, md5_password);
        over(&mut self.md5_base64, md5_base64);
        over(&mut self.md5_ip, md5_ip);
        over(&mut self.outgoing_ttl, outgoing_ttl);
        over(&mut self.incoming_ttl, incoming_ttl);
        over(&mut self.group_updates, group_updates);
        over(&mut self.auto_flush, auto_flush);
        over(&mut self.adj_rib_out, adj_rib_out);
        over(&mut self.adj_rib_in, adj_rib_in);
        over(&mut self.manual_eor, manual_eor);
        over(&mut self.host_name, host_name);
        over(&mut self.domain_name, domain_name);
        over(&mut self.rate_limit, rate_limit);
        over(&mut self.source_interface, source_interface);
        if let Some(f) = families {
            let base = self.families.get_or_insert_with(Vec::new);
            union(base, f, |a, b| a.0 == b.0);
        }
        self.family_unsupported |= family_unsupported;
        let c = cap;
        over(&mut self.cap.asn4, c.asn4);
        over(&mut self.cap.route_refresh, c.route_refresh);
        over(&mut self.cap.graceful_restart, c.graceful_restart);
        over(&mut self.cap.add_path, c.add_path);
        over(&mut self.cap.extended_message, c.extended_message);
        over(&mut self.cap.multi_session, c.multi_session);
        over(&mut self.cap.operational, c.operational);
        over(&mut self.cap.aigp, c.aigp);
        over(&mut self.cap.nexthop, c.nexthop);
        over(&mut self.cap.software_version, c.software_version);
        if let Some(a) = add_path {
            let base = self.add_path.get_or_insert_with(Vec::new);
            union(base, a, |x, y| x.0 == y.0);
        }
        self.nexthop_block |= nexthop_block;
        union(&mut self.nexthops, nexthops, |x, y| {
            x.0 == y.0 && x.1 == y.1
        });
        self.api.extend(api);
        self.api_refs.extend(api_refs);
        if let Some(l) = prefix_limits {
            let base = self.prefix_limits.get_or_insert_with(Vec::new);
            base.retain(|x| !l.iter().any(|y| y.family == x.family));
            base.extend(l);
        }
        if self.routes.is_empty() {
            self.routes = routes;
        } else {
            self.routes.extend(routes);
        }
        self.flows.extend(flows);
    }
}
