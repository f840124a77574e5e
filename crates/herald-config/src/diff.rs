//! What changed between two configurations, for a reload.

use std::collections::HashMap;

use herald_wire::{Family, Nlri};

use crate::model::{Config, Neighbor, NeighborKey, Route};

/// The routes to change on a neighbor whose session can stay up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteChanges {
    /// The neighbor.
    pub key: NeighborKey,
    /// Routes new or changed (next hop, attributes, watchdog or withdrawn state): announce
    /// them (a changed route replaces the old one, same family, prefix and path id).
    pub announce: Vec<Route>,
    /// Routes no longer configured: withdraw them.
    pub withdraw: Vec<Route>,
    /// Settings that apply without a reset changed (description, api blocks, group-updates,
    /// auto-flush, adj-rib, manual-eor, rate-limit).
    pub settings_changed: bool,
}

/// The difference between two configurations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigDiff {
    /// Neighbors only in the new configuration: start them.
    pub added: Vec<NeighborKey>,
    /// Neighbors only in the old configuration: stop them.
    pub removed: Vec<NeighborKey>,
    /// Neighbors whose session parameters changed: restart them with the new configuration.
    pub reset: Vec<NeighborKey>,
    /// Neighbors whose session stays up, with the route and setting changes to apply (only
    /// those with some change).
    pub changed: Vec<RouteChanges>,
    /// Processes only in the new configuration.
    pub processes_added: Vec<String>,
    /// Processes only in the old configuration.
    pub processes_removed: Vec<String>,
    /// Processes whose command, encoder or respawn changed: restart them.
    pub processes_changed: Vec<String>,
}

impl ConfigDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.reset.is_empty()
            && self.changed.is_empty()
            && self.processes_added.is_empty()
            && self.processes_removed.is_empty()
            && self.processes_changed.is_empty()
    }
}

/// Whether the two need a new session: anything the OPEN, the TCP connection or the
/// identity depends on, and (until they are applied one by one) the flow rules.
pub fn needs_reset(a: &Neighbor, b: &Neighbor) -> bool {
    a.peer_address != b.peer_address
        || a.local_address != b.local_address
        || a.router_id != b.router_id
        || a.local_as != b.local_as
        || a.peer_as != b.peer_as
        || a.hold_time != b.hold_time
        || a.passive != b.passive
        || a.listen != b.listen
        || a.connect != b.connect
        || a.md5 != b.md5
        || a.outgoing_ttl != b.outgoing_ttl
        || a.incoming_ttl != b.incoming_ttl
        || a.host_name != b.host_name
        || a.domain_name != b.domain_name
        || a.source_interface != b.source_interface
        || a.families != b.families
        || a.capabilities != b.capabilities
        || a.add_path != b.add_path
        || a.extended_next_hop != b.extended_next_hop
        || a.adj_rib_in != b.adj_rib_in
        || a.manual_eor != b.manual_eor
        || a.prefix_limits != b.prefix_limits
    // Flow rules are not diffed route by route yet: a change restarts the session.
}

fn settings_changed(a: &Neighbor, b: &Neighbor) -> bool {
    a.description != b.description
        || a.api != b.api
        || a.group_updates != b.group_updates
        || a.auto_flush != b.auto_flush
        || a.adj_rib_out != b.adj_rib_out
        || a.rate_limit != b.rate_limit
}

fn same_route(a: &Route, b: &Route) -> bool {
    a.nlri.same_octets(&b.nlri)
        && a.next_hop == b.next_hop
        && a.attributes == b.attributes
        && a.watchdog() == b.watchdog()
        && a.withdrawn == b.withdrawn
}

/// Route changes from `old` to `new` on one neighbor, keyed by family, prefix and path id.
pub fn diff_routes(old: &[Route], new: &[Route]) -> (Vec<Route>, Vec<Route>) {
    let key = |r: &'_ Route| (r.family, r.nlri.clone());
    let before: HashMap<(Family, Nlri), &Route> = old.iter().map(|r| (key(r), r)).collect();
    let mut announce = Vec::new();
    let mut kept: HashMap<(Family, Nlri), ()> = HashMap::with_capacity(new.len());
    for r in new {
        let k = key(r);
        match before.get(&k) {
            Some(o) if same_route(o, r) => {}
            _ => announce.push(r.clone()),
        }
        kept.insert(k, ());
    }
    let withdraw = old
        .iter()
        .filter(|r| !kept.contains_key(&key(r)))
        .cloned()
        .collect();
    (announce, withdraw)
}

/// What to do to go from `old` to `new`.
pub fn diff(old: &Config, new: &Config) -> ConfigDiff {
    let mut d = ConfigDiff::default();
    let old_n: HashMap<NeighborKey, &Neighbor> =
        old.neighbors.iter().map(|n| (n.key(), n)).collect();
    let new_keys: HashMap<NeighborKey, ()> = new.neighbors.iter().map(|n| (n.key(), ())).collect();
    for n in &new.neighbors {
        let key = n.key();
        match old_n.get(&key) {
            None => d.added.push(key),
            Some(o) if needs_reset(o, n) => d.reset.push(key),
            Some(o) => {
                let (announce, withdraw) = diff_routes(&o.routes, &n.routes);
                let settings_changed = settings_changed(o, n);
                if settings_changed || !announce.is_empty() || !withdraw.is_empty() {
                    d.changed.push(RouteChanges {
                        key,
                        announce,
                        withdraw,
                        settings_changed,
                    });
                }
            }
        }
    }
    for n in &old.neighbors {
        if !new_keys.contains_key(&n.key()) {
            d.removed.push(n.key());
        }
    }
    for p in &new.processes {
        match old.process(&p.name) {
            None => d.processes_added.push(p.name.clone()),
            Some(o) if o.run != p.run || o.encoder != p.encoder || o.respawn != p.respawn => {
                d.processes_changed.push(p.name.clone())
            }
            Some(_) => {}
        }
    }
    for p in &old.processes {
        if new.process(&p.name).is_none() {
            d.processes_removed.push(p.name.clone());
        }
    }
    d
}
