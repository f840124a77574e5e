//! Best routes of one VPN instance, per tracked entry (a VRF's prefix; an EVI's MAC/IP, or
//! the originator and RD of an Inclusive Multicast route), as BaGPipe's tracker workers keep
//! them.
//!
//! Every route received for an entry is kept, from every source. The best set is: the routes
//! with the highest LOCAL_PREF (absent = 100); among those, all of them when the instance's
//! dataplane does ECMP, else the one with the lowest hash of (salt, route octets) — a
//! deterministic tie-break, the same from run to run, salted per PE and instance so that
//! different PEs may pick different routes. There is no AS_PATH, ORIGIN, MED or router-id
//! comparison: every route comes from internal peers (route reflectors).

use std::collections::BTreeMap;
use std::net::IpAddr;

use herald_wire::nlri::{MacAddress, RouteDistinguisher};
use herald_wire::Context;
use ipnet::IpNet;

use crate::route::{RouteKey, VpnRoute};
use crate::PeerId;

/// Where a received route comes from: the peer and the route's key.
pub(crate) type Source = (PeerId, RouteKey);

/// The default LOCAL_PREF for comparison (RFC 4271 §5.1.5 leaves it to the speaker; BaGPipe
/// uses 100).
pub(crate) const DEFAULT_LOCAL_PREF: u32 = 100;

/// What a route is tracked under.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum TrackedKey {
    /// E-VPN MAC/IP Advertisement: the MAC and the optional IP.
    Mac(MacAddress, Option<IpAddr>),
    /// E-VPN Inclusive Multicast: originator address and route distinguisher.
    Flood(IpAddr, RouteDistinguisher),
    /// VPN prefix.
    Prefix(IpNet),
}

/// The routes of one tracked entry and its best ones.
#[derive(Clone, Debug, Default)]
pub(crate) struct Entry {
    pub(crate) routes: BTreeMap<Source, VpnRoute>,
    pub(crate) best: Vec<Source>,
}

/// A change of the best routes of one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BestChange {
    pub(crate) key: TrackedKey,
    pub(crate) old: Vec<VpnRoute>,
    pub(crate) new: Vec<VpnRoute>,
}

/// The tracked entries of one instance.
#[derive(Clone, Debug)]
pub(crate) struct Tracker {
    ecmp: bool,
    salt: u64,
    pub(crate) entries: BTreeMap<TrackedKey, Entry>,
    by_source: BTreeMap<Source, TrackedKey>,
}

/// FNV-1a, 64 bits: a fixed hash (std's hasher is randomly keyed per process).
pub(crate) fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(seed, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The FNV-1a offset basis.
pub(crate) const FNV_BASIS: u64 = 0xcbf2_9ce4_8422_2325;

/// The route's octets for the tie-break hash: NLRI (labels included), next hop, attributes.
fn route_octets(r: &VpnRoute) -> Vec<u8> {
    let mut b = r.nlri.bytes();
    match r.next_hop {
        IpAddr::V4(a) => b.extend_from_slice(&a.octets()),
        IpAddr::V6(a) => b.extend_from_slice(&a.octets()),
    }
    let ctx = Context::default();
    r.attributes.iter().for_each(|a| a.encode(&ctx, &mut b));
    b
}

impl Tracker {
    /// A tracker electing all equal routes (`ecmp`) or one by the hash salted with `salt`.
    pub(crate) fn new(ecmp: bool, salt: u64) -> Tracker {
        Tracker {
            ecmp,
            salt,
            entries: BTreeMap::new(),
            by_source: BTreeMap::new(),
        }
    }

    /// Number of routes kept.
    pub(crate) fn route_count(&self) -> usize {
        self.by_source.len()
    }

    /// Set the route of `source` (under its tracked key) or, with `None`, forget it. Returns
    /// the entries whose best routes changed.
    pub(crate) fn set(
        &mut self,
        source: &Source,
        route: Option<(TrackedKey, &VpnRoute)>,
    ) -> Vec<BestChange> {
        let mut changes = Vec::new();
        let old_key = self.by_source.get(source).cloned();
        if let Some(k) = old_key {
            let moved = route.as_ref().is_none_or(|(nk, _)| *nk != k);
            if moved {
                self.by_source.remove(source);
                changes.extend(self.modify(k, |routes| {
                    routes.remove(source);
                }));
            }
        }
        if let Some((k, r)) = route {
            self.by_source.insert(source.clone(), k.clone());
            changes.extend(self.modify(k, |routes| {
                routes.insert(source.clone(), r.clone());
            }));
        }
        changes
    }

    /// Apply `f` to the routes of `key`, re-elect, and report a change of the best routes.
    fn modify(
        &mut self,
        key: TrackedKey,
        f: impl FnOnce(&mut BTreeMap<Source, VpnRoute>),
    ) -> Option<BestChange> {
        let entry = self.entries.entry(key.clone()).or_default();
        let old: Vec<VpnRoute> = entry
            .best
            .iter()
            .filter_map(|s| entry.routes.get(s).cloned())
            .collect();
        f(&mut entry.routes);
        entry.best = elect(&entry.routes, self.ecmp, self.salt);
        let new: Vec<VpnRoute> = entry
            .best
            .iter()
            .filter_map(|s| entry.routes.get(s).cloned())
            .collect();
        if entry.routes.is_empty() {
            self.entries.remove(&key);
        }
        (old != new).then_some(BestChange { key, old, new })
    }
}

/// The best routes among `routes`, in a deterministic order.
fn elect(routes: &BTreeMap<Source, VpnRoute>, ecmp: bool, salt: u64) -> Vec<Source> {
    let lp = |r: &VpnRoute| r.local_pref().unwrap_or(DEFAULT_LOCAL_PREF);
    let Some(top) = routes.values().map(lp).max() else {
        return Vec::new();
    };
    let mut best = routes.iter().filter(|(_, r)| lp(r) == top);
    if ecmp {
        return best.map(|(s, _)| s.clone()).collect();
    }
    let first = best.next();
    best.fold(first, |acc, cand| match acc {
        None => Some(cand),
        Some(a) => {
            let h = |(_, r): (&Source, &VpnRoute)| fnv1a(salt, &route_octets(r));
            // Ties of the hash (the same route from two reflectors) go to the lower source.
            if h(cand) < h(a) {
                Some(cand)
            } else {
                Some(a)
            }
        }
    })
    .map(|(s, _)| vec![s.clone()])
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::{vpn_route, Advertised};
    use crate::rt::RouteTarget;
    use std::net::Ipv4Addr;

    fn route(nh: [u8; 4], lp: u32, label: u32) -> VpnRoute {
        let rts = [RouteTarget::parse("64512:1").unwrap()];
        let rd = crate::alloc::RdAllocator::rd(Ipv4Addr::from(nh), 1);
        let adv = Advertised {
            next_hop: Ipv4Addr::from(nh),
            export_rts: &rts,
            local_pref: lp,
            hash_order: 0,
        };
        vpn_route(rd, "10.1.0.0/24".parse().unwrap(), label, &adv, &[])
    }

    fn key() -> TrackedKey {
        TrackedKey::Prefix("10.1.0.0/24".parse().unwrap())
    }

    fn src(peer: u64, r: &VpnRoute) -> Source {
        (PeerId(peer), r.key())
    }

    #[test]
    fn first_route_is_best_and_its_withdrawal_empties_the_entry() {
        let mut t = Tracker::new(false, 1);
        let a = route([10, 0, 0, 1], 100, 16);
        let c = t.set(&src(1, &a), Some((key(), &a)));
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].old.len(), c[0].new.clone()), (0, vec![a.clone()]));
        let c = t.set(&src(1, &a), None);
        assert_eq!((c[0].old.clone(), c[0].new.len()), (vec![a], 0));
        assert!(t.entries.is_empty());
        assert_eq!(t.route_count(), 0);
    }

    #[test]
    fn higher_local_pref_wins_and_absent_counts_as_100() {
        let mut t = Tracker::new(true, 1);
        let a = route([10, 0, 0, 1], 100, 16);
        let b = route([10, 0, 0, 2], 200, 17);
        t.set(&src(1, &a), Some((key(), &a)));
        let c = t.set(&src(1, &b), Some((key(), &b)));
        assert_eq!(c[0].new, vec![b.clone()]);
        // A route without LOCAL_PREF ties with 100, below 200: no change of best.
        let mut n = route([10, 0, 0, 3], 100, 18);
        n.attributes.retain(|a| a.value.type_code() != 5);
        assert!(t.set(&src(1, &n), Some((key(), &n))).is_empty());
        let c = t.set(&src(1, &b), None);
        assert_eq!(c[0].new, vec![a, n], "ECMP: both routes at 100");
    }

    #[test]
    fn without_ecmp_the_salted_hash_picks_one_and_is_stable() {
        let a = route([10, 0, 0, 1], 100, 16);
        let b = route([10, 0, 0, 2], 100, 17);
        let pick = |salt: u64, order: &[&VpnRoute]| {
            let mut t = Tracker::new(false, salt);
            for r in order {
                t.set(&src(1, r), Some((key(), r)));
            }
            t.entries[&key()].best.clone()
        };
        // Arrival order does not matter.
        for salt in 0..20 {
            assert_eq!(pick(salt, &[&a, &b]), pick(salt, &[&b, &a]));
            assert_eq!(pick(salt, &[&a, &b]).len(), 1);
        }
        // Different salts spread the choice over both routes.
        let firsts: std::collections::BTreeSet<_> =
            (0..20).map(|s| pick(s, &[&a, &b])[0].clone()).collect();
        assert_eq!(firsts.len(), 2);
        // FNV-1a reference value: the empty input hashes to the offset basis.
        assert_eq!(fnv1a(FNV_BASIS, b""), FNV_BASIS);
        assert_eq!(fnv1a(FNV_BASIS, b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn the_same_route_from_two_peers_replaced_in_place() {
        let mut t = Tracker::new(true, 1);
        let a = route([10, 0, 0, 1], 100, 16);
        t.set(&src(1, &a), Some((key(), &a)));
        let c = t.set(&src(2, &a), Some((key(), &a)));
        assert_eq!(c[0].new.len(), 2);
        // Same source, new label: the route is replaced, not added.
        let a2 = route([10, 0, 0, 1], 100, 99);
        let c = t.set(&src(1, &a), Some((key(), &a2)));
        assert_eq!(c[0].new, vec![a2, a]);
        assert_eq!(t.route_count(), 2);
    }
}
