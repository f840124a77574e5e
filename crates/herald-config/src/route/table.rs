//! A neighbor's configured routes as the parser keeps them: each a prefix, where it was written
//! and an index into the parts routes share (family, next hop, attributes, labels).
//!
//! A table of a million routes is 40 MB of records here against 80 MB as [`Route`]s, and
//! making the routes costs a reference count per route on a few thousand shared counters.
//! The daemon needs neither: it groups the records by attribute set straight away
//! ([`RouteTable::groups`]). Everything else sees a slice of routes, made once, on first use.

use std::fmt;
use std::sync::{Arc, OnceLock};

use herald_wire::{Family, Nlri};

use super::{route_of, routes_of, RouteRec, Shared};
use crate::model::{AttrSet, NextHopSpec, Route};

/// The routes of one neighbor, in order: those written in the configuration, then any added
/// with [`RouteTable::extend`]. Dereferences to `[Route]`, made on first use.
#[derive(Clone, Default)]
pub struct RouteTable {
    recs: Vec<RouteRec>,
    shared: Arc<[Shared]>,
    extra: Vec<Route>,
    all: OnceLock<Vec<Route>>,
}

/// Routes sharing family, next hop and attributes, as [`RouteTable::groups`] makes them.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteGroup {
    /// The family.
    pub family: Family,
    /// The next hop as configured.
    pub next_hop: NextHopSpec,
    /// The attributes as configured.
    pub attributes: AttrSet,
    /// The routes' NLRI, in route order.
    pub prefixes: Vec<Nlri>,
}

impl RouteTable {
    /// A table of parsed records. It keeps its own copy of the shared parts its records use,
    /// renumbered, so that what scans a table's parts (grouping, checks) costs in proportion to
    /// the table, not to the parts of every neighbor of the configuration. Records without a
    /// shared part are left out.
    pub(crate) fn new(mut recs: Vec<RouteRec>, all: &[Shared]) -> RouteTable {
        let mut parts: Vec<Shared> = Vec::new();
        let mut take = |global: u32| -> Option<u32> {
            let s = all.get(global as usize)?;
            parts.push(s.clone());
            Some((parts.len() - 1) as u32)
        };
        if recs.len().saturating_mul(4) >= all.len() {
            // A large table: a dense map from the configuration's numbering to the table's.
            let mut local = vec![UNSEEN; all.len()];
            recs.retain_mut(|r| {
                let Some(slot) = local.get_mut(r.shared as usize) else {
                    return false;
                };
                if *slot == UNSEEN {
                    match take(r.shared) {
                        Some(id) => *slot = id,
                        None => return false,
                    }
                }
                r.shared = *slot;
                true
            });
        } else {
            let mut local: std::collections::HashMap<u32, u32> = Default::default();
            recs.retain_mut(|r| {
                let id = match local.get(&r.shared) {
                    Some(id) => *id,
                    None => match take(r.shared) {
                        Some(id) => {
                            local.insert(r.shared, id);
                            id
                        }
                        None => return false,
                    },
                };
                r.shared = id;
                true
            });
        }
        RouteTable {
            recs,
            shared: parts.into(),
            extra: Vec::new(),
            all: OnceLock::new(),
        }
    }

    /// The table with its records replaced by what `f` keeps of them, in the order it gives
    /// (given the table's shared parts): the duplicate check of [`crate::resolve`]. `f` makes
    /// no record, so every one still has its shared part.
    pub(crate) fn map_recs(
        mut self,
        f: impl FnOnce(Vec<RouteRec>, &[Shared]) -> Vec<RouteRec>,
    ) -> RouteTable {
        let recs = std::mem::take(&mut self.recs);
        self.recs = f(recs, &self.shared);
        self.all = OnceLock::new();
        self
    }

    /// Number of routes (without making them).
    pub fn len(&self) -> usize {
        self.recs.len() + self.extra.len()
    }

    /// Whether there is no route.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every route, made on first use.
    pub fn routes(&self) -> &[Route] {
        self.all.get_or_init(|| {
            let mut v = routes_of(&self.shared, &self.recs);
            v.extend(self.extra.iter().cloned());
            v
        })
    }

    /// The routes, made (or taken if already made).
    pub fn into_vec(mut self) -> Vec<Route> {
        match self.all.take() {
            Some(v) => v,
            None => {
                let mut v = routes_of(&self.shared, &self.recs);
                v.append(&mut self.extra);
                v
            }
        }
    }

    /// Add routes after those already held.
    pub fn extend(&mut self, routes: impl IntoIterator<Item = Route>) {
        self.extra.extend(routes);
        self.all = OnceLock::new();
    }

    /// The routes that carry a `name` or a `watchdog`, in order (the others are not made).
    pub fn labeled(&self) -> impl Iterator<Item = Route> + '_ {
        // Which shared parts are labeled, densely: a large table's parts do not all fit in
        // the cache, and most tables label none (then the records are not read at all).
        let labeled: Vec<bool> = self.shared.iter().map(|s| s.labels.is_some()).collect();
        let recs = if labeled.contains(&true) {
            &self.recs[..]
        } else {
            &[]
        };
        let shared = &self.shared;
        recs.iter()
            .filter(move |r| labeled.get(r.shared as usize).copied().unwrap_or(false))
            .filter_map(move |r| route_of(shared, r))
            .chain(self.extra.iter().filter(|r| r.labels.is_some()).cloned())
    }

    /// The records and their shared parts (for the checks of [`crate::resolve`]).
    pub(crate) fn parts(&self) -> (&[RouteRec], &[Shared], &[Route]) {
        (&self.recs, &self.shared, &self.extra)
    }

    /// The routes not marked `withdraw`, grouped by family, next hop and attributes (by
    /// content): groups in the order their first route comes, each group's NLRI in route
    /// order. The same groups as grouping [`RouteTable::routes`], without making the routes.
    ///
    /// A first pass finds each record's group (by content once per shared part, then from a
    /// dense array of the parts) and counts each group's routes; a second fills vectors of
    /// the right size, on every core for a large table (each core the groups of its residue).
    pub fn groups(&self) -> Vec<RouteGroup> {
        type Key = (Family, NextHopSpec, AttrSet);
        let mut by_content: std::collections::HashMap<Key, u32> = Default::default();
        let mut groups: Vec<RouteGroup> = Vec::new();
        let mut group_of = |family: Family, next_hop: NextHopSpec, attributes: &AttrSet| {
            *by_content
                .entry((family, next_hop, attributes.clone()))
                .or_insert_with(|| {
                    groups.push(RouteGroup {
                        family,
                        next_hop,
                        attributes: attributes.clone(),
                        prefixes: Vec::new(),
                    });
                    (groups.len() - 1) as u32
                })
        };
        // Each shared part's group (UNSEEN until its first record, SKIP when withdrawn),
        // found in route order so that groups come in the order of their first route: each
        // slice of the records (one per core) counts its records of each shared part and
        // lists the parts in the order it first meets them; the lists, in slice order, then
        // give the parts their groups.
        let n_shared = self.shared.len();
        let surveys = super::per_slice(&self.recs, |_, recs| {
            let mut count = vec![0u32; n_shared];
            let mut first = Vec::new();
            for r in recs {
                if let Some(c) = count.get_mut(r.shared as usize) {
                    if *c == 0 {
                        first.push(r.shared);
                    }
                    *c += 1;
                }
            }
            (count, first)
        });
        let mut of_shared = vec![UNSEEN; n_shared];
        for (_, first) in &surveys {
            for &i in first {
                let i = i as usize;
                if let (Some(slot), Some(s)) = (of_shared.get_mut(i), self.shared.get(i)) {
                    if *slot == UNSEEN {
                        *slot = if s.withdrawn {
                            SKIP
                        } else {
                            group_of(s.family, s.next_hop, &s.attributes)
                        };
                    }
                }
            }
        }
        let of_extra: Vec<u32> = self
            .extra
            .iter()
            .map(|r| {
                if r.withdrawn {
                    SKIP
                } else {
                    group_of(r.family, r.next_hop, &r.attributes)
                }
            })
            .collect();
        let mut counts = vec![0usize; groups.len()];
        for (count, _) in &surveys {
            for (g, n) in of_shared.iter().zip(count) {
                if let Some(c) = counts.get_mut(*g as usize) {
                    *c += *n as usize;
                }
            }
        }
        drop(surveys);
        for g in &of_extra {
            if let Some(c) = counts.get_mut(*g as usize) {
                *c += 1;
            }
        }
        for (g, n) in groups.iter_mut().zip(counts) {
            g.prefixes.reserve_exact(n);
        }
        // A plain prefix's NLRI is its record's prefix: no need to look at its shared part.
        let plain: Vec<bool> = self
            .shared
            .iter()
            .map(|s| s.nlri.is_none() && s.mpls.is_none())
            .collect();
        let fill = |residue: usize, parts: usize, mine: &mut [&mut RouteGroup]| {
            for r in &self.recs {
                let i = r.shared as usize;
                let g = of_shared.get(i).map_or(usize::MAX, |&g| g as usize);
                if g % parts != residue {
                    continue;
                }
                let Some(group) = mine.get_mut(g / parts) else {
                    continue;
                };
                let nlri = if plain.get(i).copied().unwrap_or(false) {
                    Nlri::Prefix(r.prefix)
                } else {
                    match self.shared.get(i) {
                        Some(s) => s.nlri_of(r),
                        None => continue,
                    }
                };
                group.prefixes.push(nlri);
            }
        };
        let parts = super::threads_for(self.recs.len());
        let mut by_residue: Vec<Vec<&mut RouteGroup>> = (0..parts).map(|_| Vec::new()).collect();
        for (g, group) in groups.iter_mut().enumerate() {
            if let Some(v) = by_residue.get_mut(g % parts) {
                v.push(group);
            }
        }
        std::thread::scope(|scope| {
            let mut residues = by_residue.iter_mut().enumerate();
            let first = residues.next();
            for (residue, mine) in residues {
                let fill = &fill;
                scope.spawn(move || fill(residue, parts, mine));
            }
            if let Some((residue, mine)) = first {
                fill(residue, parts, mine);
            }
        });
        drop(by_residue);
        for (r, g) in self.extra.iter().zip(of_extra) {
            if let Some(group) = groups.get_mut(g as usize) {
                group.prefixes.push(r.nlri.clone());
            }
        }
        groups
    }
}

/// A shared part whose group is not known yet.
const UNSEEN: u32 = u32::MAX;
/// A shared part whose routes are not announced (`withdraw`).
const SKIP: u32 = u32::MAX - 1;

impl std::ops::Deref for RouteTable {
    type Target = [Route];
    fn deref(&self) -> &[Route] {
        self.routes()
    }
}

impl From<Vec<Route>> for RouteTable {
    fn from(extra: Vec<Route>) -> RouteTable {
        RouteTable {
            extra,
            ..RouteTable::default()
        }
    }
}

impl PartialEq for RouteTable {
    fn eq(&self, other: &RouteTable) -> bool {
        self.len() == other.len() && self.routes() == other.routes()
    }
}

impl Eq for RouteTable {}

impl fmt::Debug for RouteTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.routes()).finish()
    }
}

impl<'a> IntoIterator for &'a RouteTable {
    type Item = &'a Route;
    type IntoIter = std::slice::Iter<'a, Route>;
    fn into_iter(self) -> Self::IntoIter {
        self.routes().iter()
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;
    use std::path::Path;

    use super::RouteGroup;
    use crate::model::{AttrSet, NextHopSpec};
    use herald_wire::Family;

    /// Grouping the made routes one by one, by content: what [`super::RouteTable::groups`]
    /// must give without making them.
    fn grouped_one_by_one(routes: &[crate::Route]) -> Vec<RouteGroup> {
        let mut out: Vec<RouteGroup> = Vec::new();
        let mut index: std::collections::HashMap<(Family, NextHopSpec, AttrSet), usize> =
            Default::default();
        for r in routes.iter().filter(|r| !r.withdrawn) {
            let key = (r.family, r.next_hop, r.attributes.clone());
            let i = *index.entry(key).or_insert_with(|| {
                out.push(RouteGroup {
                    family: r.family,
                    next_hop: r.next_hop,
                    attributes: r.attributes.clone(),
                    prefixes: Vec::new(),
                });
                out.len() - 1
            });
            out[i].prefixes.push(r.nlri.clone());
        }
        out
    }

    #[test]
    fn groups_are_those_of_the_routes_one_by_one() {
        check_groups(3_000);
    }

    #[test]
    fn a_large_table_is_grouped_on_every_core_the_same() {
        // Past PARALLEL_ROUTES: the records are surveyed a slice per core and the groups filled
        // a residue per core; the groups are still those of one pass over the routes.
        check_groups(super::super::PARALLEL_ROUTES as u32 + 4_321);
    }

    fn check_groups(n: u32) {
        // Attribute sets in no order, IPv4 and IPv6 prefixes (an IPv4 next hop is mapped for
        // IPv6: another group), routes marked `withdraw`, named and watched routes (other
        // shared parts, same groups), a prefix written twice (the later wins, in the earlier's
        // place), VPN routes, a template's routes and a flow rule (added after the table).
        let mut text = String::from(
            "template { neighbor t { static { route 172.16.0.0/16 next-hop 192.0.2.1 med 3; } } }\n\
             neighbor 127.0.0.2 {\n inherit t;\n router-id 1.1.1.1;\n local-address 127.0.0.1;\n\
             local-as 65000;\n peer-as 65000;\n\
             family { ipv4 unicast; ipv6 unicast; ipv4 mpls-vpn; ipv4 flow; }\n\
             flow { route f { match { destination 10.9.0.0/16; } then { discard; } } }\n static {\n",
        );
        let mut seed = 7u32;
        for i in 0..n {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let set = (seed >> 16) % 7;
            let prefix = if i % 5 == 4 {
                format!("2001:{:x}:{:x}::/48", 0xdb8 + i / 65_536, i % 65_536)
            } else {
                format!("{}.{}.{}.0/24", 10 + i / 65_536, (i / 256) % 256, i % 256)
            };
            let extra = match i % 11 {
                3 => " withdraw",
                5 => " watchdog w1",
                7 => " name n",
                _ => "",
            };
            let _ = writeln!(
                text,
                "  route {prefix} next-hop 192.0.2.{} med {set}{extra};",
                1 + set % 2
            );
        }
        text.push_str("  route 10.0.5.0/24 next-hop 192.0.2.2 med 9;\n");
        text.push_str("  route 10.1.0.0/24 rd 65000:1 label 100 next-hop 192.0.2.1 med 1;\n");
        text.push_str("  route 10.1.1.0/24 rd 65000:2 label 101 next-hop 192.0.2.1 med 1;\n");
        text.push_str(" }\n}\n");
        let c = crate::parse_str(&text, Path::new("t.conf")).unwrap_or_else(|e| panic!("{e:?}"));
        let table = &c.neighbors[0].routes;
        assert_eq!(table.len(), table.routes().len());
        assert_eq!(
            table.len(),
            1 + n as usize + 2 + 1,
            "one duplicate, one flow rule"
        );
        let groups = table.groups();
        assert_eq!(groups, grouped_one_by_one(table.routes()));
        assert!(groups.len() > 10, "{} groups", groups.len());
        assert!(groups.iter().any(|g| g.family == Family::IPV4_FLOW));
        assert!(groups
            .iter()
            .any(|g| g.family == Family::new(herald_wire::Afi::IPV4, herald_wire::Safi::MPLS_VPN)));
        let labeled: Vec<_> = table.labeled().collect();
        let want: Vec<_> = table
            .routes()
            .iter()
            .filter(|r| r.labels.is_some())
            .cloned()
            .collect();
        assert_eq!(labeled, want);
        assert!(!labeled.is_empty());
    }

    #[test]
    fn each_neighbor_keeps_only_the_shared_parts_its_routes_use() {
        // 50 neighbors, each with 3 routes of its own attributes (150 shared parts in the
        // parse): each table holds 3 parts, and its routes are its own.
        let mut text = String::new();
        for n in 0..50u32 {
            let _ = write!(
                text,
                "neighbor 127.0.1.{} {{ router-id 1.1.1.1; local-address 127.0.0.1; \
                 local-as 65000; peer-as 65000; static {{ ",
                n + 1
            );
            for r in 0..3u32 {
                let _ = write!(
                    text,
                    "route 10.{n}.{r}.0/24 next-hop 192.0.2.1 med {};",
                    n * 3 + r
                );
            }
            text.push_str(" } }\n");
        }
        let c = crate::parse_str(&text, Path::new("t.conf")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(c.neighbors.len(), 50);
        for (n, nb) in c.neighbors.iter().enumerate() {
            let (recs, shared, extra) = nb.routes.parts();
            assert_eq!((recs.len(), shared.len(), extra.len()), (3, 3, 0));
            for (r, route) in nb.routes.routes().iter().enumerate() {
                let net = route.prefix().map(|p| p.net.to_string());
                assert_eq!(net, Some(format!("10.{n}.{r}.0/24")));
                let med = route.attributes.iter().find_map(|a| match a.value {
                    herald_wire::AttrValue::Med(m) => Some(m),
                    _ => None,
                });
                assert_eq!(med, Some((n * 3 + r) as u32));
            }
        }
    }

    #[test]
    fn a_table_of_made_routes_groups_them_too() {
        let mut routes = crate::parse_attributes_nlri("med 1 next-hop 1.2.3.4 nlri 10.0.0.0/24")
            .unwrap_or_else(|e| panic!("{e}"));
        routes.push(crate::parse_route_spec("10.0.1.0/24 next-hop 1.2.3.4 med 1").unwrap());
        routes.push(crate::parse_route_spec("10.0.2.0/24 next-hop 1.2.3.4 med 2").unwrap());
        let table = super::RouteTable::from(routes.clone());
        assert_eq!(table.len(), 3);
        assert_eq!(table.groups(), grouped_one_by_one(&routes));
        assert_eq!(table.groups().len(), 2);
        assert_eq!(table.into_vec(), routes);
    }
}
