//! Adj-RIB-Out (RFC 4271 §3.2): the routes we announce to one peer, grouped by attribute set,
//! with the changes since the last send recorded for incremental UPDATEs.
//!
//! Storage: a vector of groups, one per (set key, family) in first-seen order, each a vector of
//! prefixes. A table loaded with [`AdjRibOut::from_groups`] costs its prefix vectors and one
//! entry per group, nothing per route. The per-route index (a hash table of 12-octet entries:
//! group, position and 32 bits of the route's hash, so that growing the table never reads the
//! routes again) is built on the first single-route change, and kept up to date from then on.
//!
//! Invariants:
//! - Once the index exists, it holds exactly one entry per stored route, equal to the route's
//!   (group, position); a (family, prefix) is stored at most once.
//! - A group whose last route goes is freed at once: its key (and the attribute set the key
//!   keeps alive) is dropped and the slot is taken by the next new set, so a program that
//!   announces ever new attribute values does not grow the table. Group numbers in the index
//!   and in the pending changes stay valid: both only ever point at groups that hold a route.
//!   Groups are never moved; a group that shrank to a quarter of its capacity gives memory
//!   back.
//! - [`AdjRibOut::announce`] of a new route only appends to its group: positions of the other
//!   routes do not move. [`AdjRibOut::withdraw`] and a replacing announce remove by
//!   `swap_remove`, which moves the last route of that group into the freed position. The
//!   borrow checker forbids either during an iteration of [`AdjRibOut::groups`]; a caller that
//!   dumps a large table in chunks across several borrows must not withdraw or replace between
//!   chunks (the daemon defers changes until a dump is done, and sends them afterwards from
//!   [`AdjRibOut::take_changes`]), or a route moved into an already-sent position would be
//!   skipped.

use std::hash::{BuildHasher, Hash};

use hashbrown::{DefaultHashBuilder, HashMap, HashTable};
use herald_wire::{Family, Nlri};

use crate::key::{normalize_in_place, normalized_nlri};

/// Changes since the previous [`AdjRibOut::take_changes`], coalesced per route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changes<K> {
    /// Routes to withdraw, by family in (AFI, SAFI) order; within a family in the order they
    /// first changed.
    pub withdrawn: Vec<(Family, Vec<Nlri>)>,
    /// Routes to announce, by attribute set in the table's group order (first seen first);
    /// within a set in the order they first changed. An announcement of a route the peer has
    /// with another set replaces it (RFC 4271 §3.1: implicit withdraw).
    pub announced: Vec<(K, Family, Vec<Nlri>)>,
}

impl<K> Changes<K> {
    /// Whether there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.withdrawn.is_empty() && self.announced.is_empty()
    }

    /// Number of routes to withdraw and to announce.
    pub fn len(&self) -> usize {
        let w: usize = self.withdrawn.iter().map(|(_, v)| v.len()).sum();
        let a: usize = self.announced.iter().map(|(_, _, v)| v.len()).sum();
        w + a
    }
}

struct Group<K> {
    /// `None` for a slot freed when its last route went (reused by the next new set).
    key: Option<K>,
    family: Family,
    prefixes: Vec<Nlri>,
}

/// One route's change since the last take: whether it was in the table then, and its group now.
struct Change {
    family: Family,
    prefix: Nlri,
    before: bool,
    now: Option<u32>,
}

/// An index entry: where a route is, and 32 bits of its hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    g: u32,
    pos: u32,
    h: u32,
}

impl Slot {
    #[inline]
    fn place(self) -> (usize, usize) {
        (self.g as usize, self.pos as usize)
    }
}

/// 32 bits of the hash of (family, prefix); the tables keep them in their entries.
#[inline]
fn route_hash(hasher: &DefaultHashBuilder, family: Family, prefix: &Nlri) -> u32 {
    (hasher.hash_one((family, prefix)) >> 32) as u32
}

/// The hash a table works with, made from the stored 32 bits (hashbrown takes its control bits
/// from the top of the word and the bucket from the bottom: both come from those 32 bits).
#[inline]
fn th(h: u32) -> u64 {
    (u64::from(h) << 32) | u64::from(h)
}

/// The (family, prefix) an index entry points at.
#[inline]
fn at<K>(groups: &[Group<K>], e: Slot) -> Option<(Family, &Nlri)> {
    let (g, pos) = e.place();
    let group = groups.get(g)?;
    Some((group.family, group.prefixes.get(pos)?))
}

/// What we announce to one peer: (family, prefix with path identifier) → one attribute set key
/// `K` (for the daemon: family, next hop and interned attributes; anything else it needs, such
/// as where a route came from, goes into `K` too).
///
/// Prefixes are stored normalized (host bits cleared), as they go on the wire.
pub struct AdjRibOut<K> {
    groups: Vec<Group<K>>,
    /// Group numbers, hashed by (key, family).
    by_key: HashTable<u32>,
    /// Route → (group, position); built on the first single-route change.
    index: Option<HashTable<Slot>>,
    hasher: DefaultHashBuilder,
    /// Routes per family, sorted by family.
    counts: Vec<(Family, usize)>,
    /// Changes since the last take, in the order routes first changed.
    changes: Vec<Change>,
    /// Positions in `changes` and 32 bits of the route's hash, hashed by (family, prefix).
    change_index: HashTable<(u32, u32)>,
    /// Group slots freed when their last route went: a set that is no longer used holds no
    /// memory (a program that announces ever new attribute values must not grow the table).
    free: Vec<u32>,
}

impl<K: Clone + Eq + Hash> Default for AdjRibOut<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Clone + Eq + Hash> AdjRibOut<K> {
    /// An empty table.
    pub fn new() -> Self {
        AdjRibOut {
            groups: Vec::new(),
            by_key: HashTable::new(),
            index: None,
            hasher: DefaultHashBuilder::default(),
            counts: Vec::new(),
            changes: Vec::new(),
            change_index: HashTable::new(),
            free: Vec::new(),
        }
    }

    /// A table holding routes already grouped by set (a configuration's routes). The vectors
    /// are kept as they are (groups of the same key and family are merged), so loading costs
    /// no memory per route beyond them; nothing is recorded as a change (the caller sends the
    /// initial table from [`AdjRibOut::groups`]).
    ///
    /// A (family, prefix) should appear once. If one appears in several groups, the last one
    /// wins when the index is built (on the first change, or on [`AdjRibOut::get`] calls made
    /// after one); until then both copies are in [`AdjRibOut::groups`] and in the counts.
    pub fn from_groups(routes: Vec<(K, Family, Vec<Nlri>)>) -> Self {
        let mut rib = Self::new();
        for (key, family, mut prefixes) in routes {
            prefixes.iter_mut().for_each(normalize_in_place);
            let n = prefixes.len();
            let Some(g) = rib.group_for(key, family) else {
                continue;
            };
            let Some(group) = rib.groups.get_mut(g) else {
                continue;
            };
            if group.prefixes.is_empty() {
                group.prefixes = prefixes;
            } else {
                group.prefixes.append(&mut prefixes);
            }
            rib.count_add(family, n);
        }
        rib
    }

    fn count_add(&mut self, family: Family, n: usize) {
        match self.counts.binary_search_by_key(&family, |c| c.0) {
            Ok(i) => {
                if let Some(c) = self.counts.get_mut(i) {
                    c.1 += n;
                }
            }
            Err(i) => self.counts.insert(i, (family, n)),
        }
    }

    fn count_sub(&mut self, family: Family) {
        if let Ok(i) = self.counts.binary_search_by_key(&family, |c| c.0) {
            if let Some(c) = self.counts.get_mut(i) {
                c.1 = c.1.saturating_sub(1);
            }
        }
    }

    /// The group of (key, family), created (empty, last) if new. `None` past 2^32 groups.
    fn group_for(&mut self, key: K, family: Family) -> Option<usize> {
        let h = self.hasher.hash_one((&key, family));
        let groups = &self.groups;
        let found = self.by_key.find(h, |&g| {
            groups
                .get(g as usize)
                .is_some_and(|gr| gr.family == family && gr.key.as_ref() == Some(&key))
        });
        if let Some(&g) = found {
            return Some(g as usize);
        }
        let group = Group {
            key: Some(key),
            family,
            prefixes: Vec::new(),
        };
        let g = match self.free.pop() {
            Some(g) => {
                if let Some(slot) = self.groups.get_mut(g as usize) {
                    *slot = group;
                }
                g
            }
            None => {
                let g = u32::try_from(self.groups.len()).ok()?;
                self.groups.push(group);
                g
            }
        };
        let (groups, hasher) = (&self.groups, &self.hasher);
        self.by_key.insert_unique(h, g, |&g| {
            groups
                .get(g as usize)
                .and_then(|gr| Some(hasher.hash_one((gr.key.as_ref()?, gr.family))))
                .unwrap_or(0)
        });
        Some(g as usize)
    }

    /// Free the slot of group `g`, which has no route left: its key (and what the key keeps
    /// alive) goes, and the next new set takes the slot. No change or index entry can point at
    /// an empty group, so no number in them goes stale.
    fn release(&mut self, g: usize) {
        let Some(group) = self.groups.get_mut(g) else {
            return;
        };
        if !group.prefixes.is_empty() {
            return;
        }
        let Some(key) = group.key.take() else {
            return;
        };
        group.prefixes = Vec::new();
        let h = self.hasher.hash_one((&key, group.family));
        if let Ok(e) = self.by_key.find_entry(h, |&x| x as usize == g) {
            e.remove();
        }
        if let Ok(g32) = u32::try_from(g) {
            self.free.push(g32);
        }
    }

    /// Give memory back from a group that shrank to a quarter of what it held.
    fn shrink(&mut self, g: usize) {
        if let Some(gr) = self.groups.get_mut(g) {
            let (len, cap) = (gr.prefixes.len(), gr.prefixes.capacity());
            if cap > 64 && len < cap / 4 {
                gr.prefixes.shrink_to(cap / 2);
            }
        }
    }

    /// Build the per-route index if it is not there yet; resolve duplicates (the last wins).
    fn ensure_index(&mut self) {
        if self.index.is_some() {
            return;
        }
        let total = self.groups.iter().map(|g| g.prefixes.len()).sum();
        let mut index: HashTable<Slot> = HashTable::with_capacity(total);
        let mut dups: Vec<(u32, u32)> = Vec::new();
        let (groups, hasher) = (&self.groups, &self.hasher);
        for (g, group) in (0u32..).zip(groups.iter()) {
            for (pos, p) in (0u32..).zip(group.prefixes.iter()) {
                let h = route_hash(hasher, group.family, p);
                let e = Slot { g, pos, h };
                let same = |x: &Slot| x.h == h && at(groups, *x) == Some((group.family, p));
                match index.find_mut(th(h), same) {
                    Some(old) => {
                        let o = std::mem::replace(old, e);
                        dups.push((o.g, o.pos));
                    }
                    None => {
                        index.insert_unique(th(h), e, |x| th(x.h));
                    }
                }
            }
        }
        self.index = Some(index);
        // Highest position first within a group, so that the route `swap_remove` moves into
        // a freed position is never one still to be removed.
        dups.sort_unstable_by(|a, b| b.cmp(a));
        for (g, pos) in dups {
            let (g, pos) = (g as usize, pos as usize);
            let family = self.groups.get(g).map(|gr| gr.family);
            if self.remove_at(g, pos).is_some() {
                if let Some(f) = family {
                    self.count_sub(f);
                }
            }
        }
    }

    /// Remove the route at (group, position) with `swap_remove`, keeping the index true.
    fn remove_at(&mut self, g: usize, pos: usize) -> Option<Nlri> {
        let index = self.index.as_mut()?;
        let group = self.groups.get_mut(g)?;
        if pos >= group.prefixes.len() {
            return None;
        }
        let removed = group.prefixes.swap_remove(pos);
        let last = group.prefixes.len();
        let g32 = u32::try_from(g).ok()?;
        let (pos32, last32) = (u32::try_from(pos).ok()?, u32::try_from(last).ok()?);
        let h = route_hash(&self.hasher, group.family, &removed);
        if let Ok(entry) = index.find_entry(th(h), |e| e.g == g32 && e.pos == pos32) {
            entry.remove();
        }
        if let Some(moved) = group.prefixes.get(pos) {
            let h = route_hash(&self.hasher, group.family, moved);
            if let Some(e) = index.find_mut(th(h), |e| e.g == g32 && e.pos == last32) {
                e.pos = pos32;
            }
        }
        if last == 0 {
            self.release(g);
        } else {
            self.shrink(g);
        }
        Some(removed)
    }

    fn find(&self, family: Family, prefix: &Nlri, h: u32) -> Option<(usize, usize)> {
        let groups = &self.groups;
        let e = self.index.as_ref()?.find(th(h), |&e| {
            e.h == h && at(groups, e) == Some((family, prefix))
        })?;
        Some(e.place())
    }

    /// Note a change of (family, prefix): `existed` is whether it was in the table just before
    /// this change, `now` its group after it.
    fn record(&mut self, family: Family, prefix: Nlri, h: u32, existed: bool, now: Option<u32>) {
        let changes = &self.changes;
        let found = self.change_index.find(th(h), |&(i, ih)| {
            ih == h
                && changes
                    .get(i as usize)
                    .is_some_and(|c| c.family == family && c.prefix == prefix)
        });
        if let Some(&(i, _)) = found {
            if let Some(c) = self.changes.get_mut(i as usize) {
                c.now = now;
            }
            return;
        }
        let Ok(i) = u32::try_from(self.changes.len()) else {
            return;
        };
        self.changes.push(Change {
            family,
            prefix,
            before: existed,
            now,
        });
        self.change_index
            .insert_unique(th(h), (i, h), |&(_, ih)| th(ih));
    }

    /// Announce `prefix` of `family` with set `key`, replacing the route with another set if
    /// there is one. Returns whether anything changed (false if the route already had `key`).
    pub fn announce(&mut self, family: Family, prefix: Nlri, key: K) -> bool {
        let prefix = normalized_nlri(prefix);
        self.ensure_index();
        let h = route_hash(&self.hasher, family, &prefix);
        let existing = self.find(family, &prefix, h);
        if let Some((g, pos)) = existing {
            if self
                .groups
                .get(g)
                .is_some_and(|gr| gr.key.as_ref() == Some(&key))
            {
                return self.relabel(family, g, pos, prefix, h);
            }
        }
        let Some(g_new) = self.group_for(key, family) else {
            return false;
        };
        let Some(pos) = self
            .groups
            .get(g_new)
            .and_then(|gr| u32::try_from(gr.prefixes.len()).ok())
        else {
            return false;
        };
        let Ok(g32) = u32::try_from(g_new) else {
            return false;
        };
        match existing {
            Some((g, old_pos)) => {
                self.remove_at(g, old_pos);
            }
            None => self.count_add(family, 1),
        }
        // The old route was in another group (same family, other key): `pos` still holds.
        if let Some(gr) = self.groups.get_mut(g_new) {
            gr.prefixes.push(prefix.clone());
        }
        if let Some(index) = self.index.as_mut() {
            index.insert_unique(th(h), Slot { g: g32, pos, h }, |e| th(e.h));
        }
        self.record(family, prefix, h, existing.is_some(), Some(g32));
        true
    }

    /// The route at (`g`, `pos`) announced again with the same set: a change only when its
    /// octets differ (a labeled or VPN route with a new label), which then replace it.
    fn relabel(&mut self, family: Family, g: usize, pos: usize, nlri: Nlri, h: u32) -> bool {
        let Some(stored) = self
            .groups
            .get_mut(g)
            .and_then(|gr| gr.prefixes.get_mut(pos))
        else {
            return false;
        };
        if stored.same_octets(&nlri) {
            return false;
        }
        *stored = nlri.clone();
        let g32 = u32::try_from(g).ok();
        self.record(family, nlri, h, true, g32);
        true
    }

    /// [`AdjRibOut::announce`] of several prefixes with one set (`announce attributes … nlri`):
    /// the set is looked up once. Returns how many routes changed.
    pub fn announce_many(
        &mut self,
        family: Family,
        prefixes: impl ExactSizeIterator<Item = Nlri>,
        key: K,
    ) -> usize {
        self.ensure_index();
        let Some(g_new) = self.group_for(key, family) else {
            return 0;
        };
        let Ok(g32) = u32::try_from(g_new) else {
            return 0;
        };
        let n = prefixes.len();
        if let Some(index) = self.index.as_mut() {
            index.reserve(n, |e| th(e.h));
        }
        self.change_index.reserve(n, |&(_, ih)| th(ih));
        self.changes.reserve(n);
        let mut changed = 0;
        for prefix in prefixes {
            let prefix = normalized_nlri(prefix);
            let h = route_hash(&self.hasher, family, &prefix);
            let existing = self.find(family, &prefix, h);
            match existing {
                Some((g, pos)) if g == g_new => {
                    if self.relabel(family, g, pos, prefix, h) {
                        changed += 1;
                    }
                    continue;
                }
                Some((g, old_pos)) => {
                    self.remove_at(g, old_pos);
                }
                None => self.count_add(family, 1),
            }
            let Some(gr) = self.groups.get_mut(g_new) else {
                break;
            };
            let Ok(pos) = u32::try_from(gr.prefixes.len()) else {
                break;
            };
            gr.prefixes.push(prefix.clone());
            if let Some(index) = self.index.as_mut() {
                index.insert_unique(th(h), Slot { g: g32, pos, h }, |e| th(e.h));
            }
            self.record(family, prefix, h, existing.is_some(), Some(g32));
            changed += 1;
        }
        changed
    }

    /// Withdraw `prefix` of `family`. Returns whether there was such a route.
    pub fn withdraw(&mut self, family: Family, prefix: Nlri) -> bool {
        let prefix = normalized_nlri(prefix);
        self.ensure_index();
        let h = route_hash(&self.hasher, family, &prefix);
        let Some((g, pos)) = self.find(family, &prefix, h) else {
            return false;
        };
        self.remove_at(g, pos);
        self.count_sub(family);
        self.record(family, prefix, h, true, None);
        true
    }

    /// Withdraw every route, each recorded as a change. (On session loss, dropping the table
    /// is the bulk operation; this is for "withdraw all" while the session stays up.)
    pub fn clear(&mut self) {
        let mut groups = std::mem::take(&mut self.groups);
        for group in &mut groups {
            for p in std::mem::take(&mut group.prefixes) {
                let h = route_hash(&self.hasher, group.family, &p);
                self.record(group.family, p, h, true, None);
            }
        }
        // Every group is empty now: none is kept (the changes recorded point at none).
        drop(groups);
        self.by_key.clear();
        self.free.clear();
        self.index = Some(HashTable::new());
        self.counts.clear();
    }

    /// Drop, without recording changes, every route whose set matches `drop` (for a session
    /// that went down: what the next session is sent). Returns how many routes went.
    pub fn forget_where(&mut self, mut drop: impl FnMut(&K) -> bool) -> usize {
        let mut gone = 0;
        for g in &mut self.groups {
            if !g.prefixes.is_empty() && g.key.as_ref().is_some_and(&mut drop) {
                gone += g.prefixes.len();
                let family = g.family;
                let n = g.prefixes.len();
                g.prefixes = Vec::new();
                if let Ok(i) = self.counts.binary_search_by_key(&family, |c| c.0) {
                    if let Some(c) = self.counts.get_mut(i) {
                        c.1 = c.1.saturating_sub(n);
                    }
                }
            }
        }
        if gone > 0 {
            // Rebuilt from the groups on the next change.
            self.index = None;
            for g in 0..self.groups.len() {
                self.release(g);
            }
        }
        gone
    }

    /// The routes, one slice per set in first-seen order (empty sets skipped), for a full
    /// dump. Within a set, routes are in the order added, except that a removal moves the
    /// set's last route into the freed place.
    pub fn groups(&self) -> impl Iterator<Item = (&K, Family, &[Nlri])> + '_ {
        self.groups
            .iter()
            .filter(|g| !g.prefixes.is_empty())
            .filter_map(|g| Some((g.key.as_ref()?, g.family, g.prefixes.as_slice())))
    }

    /// [`AdjRibOut::groups`] of one family (ROUTE-REFRESH, RFC 2918 §4, resends one family).
    pub fn groups_family(
        &self,
        family: Family,
    ) -> impl Iterator<Item = (&K, Family, &[Nlri])> + '_ {
        self.groups().filter(move |g| g.1 == family)
    }

    /// Take the changes since the last call, coalesced per route: an announce followed by a
    /// withdraw is a withdraw, or nothing if the route was not in the table at the last take;
    /// a withdraw followed by an announce is an announce; of several announces the last set
    /// wins.
    pub fn take_changes(&mut self) -> Changes<K> {
        let log = std::mem::take(&mut self.changes);
        if self.change_index.capacity() > 4096 {
            self.change_index = HashTable::new();
        } else {
            self.change_index.clear();
        }
        let mut withdrawn: Vec<(Family, Vec<Nlri>)> = Vec::new();
        let mut by_group: HashMap<u32, Vec<Nlri>> = HashMap::default();
        for c in log {
            match (c.now, c.before) {
                (Some(g), _) => by_group.entry(g).or_default().push(c.prefix),
                (None, true) => match withdrawn.iter_mut().find(|w| w.0 == c.family) {
                    Some((_, v)) => v.push(c.prefix),
                    None => withdrawn.push((c.family, vec![c.prefix])),
                },
                (None, false) => {}
            }
        }
        withdrawn.sort_by_key(|w| w.0);
        let mut sets: Vec<(u32, Vec<Nlri>)> = by_group.into_iter().collect();
        sets.sort_unstable_by_key(|s| s.0);
        let announced = sets
            .into_iter()
            .filter_map(|(g, v)| {
                let gr = self.groups.get(g as usize)?;
                Some((gr.key.clone()?, gr.family, v))
            })
            .collect();
        Changes {
            withdrawn,
            announced,
        }
    }

    /// Number of routes whose change is waiting for [`AdjRibOut::take_changes`].
    pub fn pending_changes(&self) -> usize {
        self.changes.len()
    }

    /// The set of a route (host bits of `prefix` ignored). Before the index exists (no change
    /// since [`AdjRibOut::from_groups`]) this scans the groups.
    pub fn get(&self, family: Family, prefix: &Nlri) -> Option<&K> {
        let prefix = normalized_nlri(prefix.clone());
        if self.index.is_some() {
            let h = route_hash(&self.hasher, family, &prefix);
            let (g, _) = self.find(family, &prefix, h)?;
            return self.groups.get(g).and_then(|gr| gr.key.as_ref());
        }
        self.groups
            .iter()
            .rev()
            .find(|g| g.family == family && g.prefixes.contains(&prefix))
            .and_then(|g| g.key.as_ref())
    }

    /// Whether the per-route index has been built (it is, from the first single-route change).
    pub fn is_indexed(&self) -> bool {
        self.index.is_some()
    }

    /// Number of routes.
    pub fn len(&self) -> usize {
        self.counts.iter().map(|c| c.1).sum()
    }

    /// Whether there is no route.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of routes of one family.
    pub fn len_family(&self, family: Family) -> usize {
        self.counts
            .binary_search_by_key(&family, |c| c.0)
            .ok()
            .and_then(|i| self.counts.get(i))
            .map_or(0, |c| c.1)
    }
}

#[cfg(test)]
mod tests;
