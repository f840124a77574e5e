//! The routes of one family: one hash map per key shape, each route a key and a 4-octet slot
//! (attribute set id, top bit = stale).
//!
//! A family uses the maps its NLRI need: unicast/multicast prefixes the four compact maps (with
//! and without path identifier, IPv4 and IPv6), labeled unicast, VPN and flowspec one each, and
//! the families herald keeps as NLRI octets (EVPN, VPLS, RTC, MCAST-VPN, MUP, BGP-LS) one.
//! Empty maps do not allocate.

use std::hash::Hash;

/// The map of every key shape (hashbrown with foldhash; see the crate docs for the measurement
/// against std's SipHash map).
type Map<K, V> = hashbrown::HashMap<K, V>;
use herald_wire::nlri::{
    EncodedNlri, FlowSpec, LabelStack, LabeledPrefix, RouteDistinguisher, VpnPrefix,
};
use herald_wire::{Family, Prefix};

use crate::attrs::Arena;
use crate::key::{normalized, Compact, NlriRef, V4Id, V6Id, V4, V6};

/// The stale flag in a slot (RFC 4724 §4.2).
pub(crate) const STALE: u32 = 1 << 31;

/// A map value that holds a slot.
pub(crate) trait Slot {
    fn slot(&self) -> u32;
    fn slot_mut(&mut self) -> &mut u32;
}

impl Slot for u32 {
    #[inline]
    fn slot(&self) -> u32 {
        *self
    }
    #[inline]
    fn slot_mut(&mut self) -> &mut u32 {
        self
    }
}

impl Slot for (u32, LabelStack) {
    #[inline]
    fn slot(&self) -> u32 {
        self.0
    }
    #[inline]
    fn slot_mut(&mut self) -> &mut u32 {
        &mut self.0
    }
}

/// The effect of storing one route on the reference counts: how many new references the new
/// set gets (0 when the route already pointed at it).
#[derive(Default)]
pub(crate) struct Tally {
    /// Routes now pointing at the new set that did not before.
    pub(crate) new_refs: u32,
}

/// The routes of one family.
pub(crate) struct FamilyTable {
    pub(crate) family: Family,
    v4: Map<V4, u32>,
    v4id: Map<V4Id, u32>,
    v6: Map<V6, u32>,
    v6id: Map<V6Id, u32>,
    labeled: Map<Prefix, (u32, LabelStack)>,
    vpn: Map<(RouteDistinguisher, Prefix), (u32, LabelStack)>,
    flow: Map<FlowSpec, u32>,
    /// EVPN, VPLS, RTC, MCAST-VPN, MUP and BGP-LS routes, by their NLRI octets (and path
    /// identifier).
    encoded: Map<EncodedNlri, u32>,
    /// Routes whose slot has the stale bit.
    pub(crate) stale: usize,
}

/// Store `value` under `key`; settle the old route's references and stale count.
#[inline]
fn put<K: Hash + Eq, V: Slot>(
    map: &mut Map<K, V>,
    key: K,
    value: V,
    arena: &mut Arena,
    stale: &mut usize,
    tally: &mut Tally,
) {
    let id = value.slot();
    match map.insert(key, value) {
        None => tally.new_refs += 1,
        Some(old) => {
            let old = old.slot();
            if old & STALE != 0 {
                *stale = stale.saturating_sub(1);
            }
            if old & !STALE != id {
                arena.release(old & !STALE);
                tally.new_refs += 1;
            }
        }
    }
}

/// Remove the route under `key`; true if there was one.
#[inline]
fn take<K: Hash + Eq, V: Slot>(
    map: &mut Map<K, V>,
    key: &K,
    arena: &mut Arena,
    stale: &mut usize,
) -> bool {
    let Some(old) = map.remove(key) else {
        return false;
    };
    let old = old.slot();
    if old & STALE != 0 {
        *stale = stale.saturating_sub(1);
    }
    arena.release(old & !STALE);
    true
}

fn mark<K, V: Slot>(map: &mut Map<K, V>) {
    map.values_mut().for_each(|v| *v.slot_mut() |= STALE);
}

fn sweep<K, V: Slot>(map: &mut Map<K, V>, arena: &mut Arena) -> usize {
    let before = map.len();
    map.retain(|_, v| {
        let s = v.slot();
        if s & STALE == 0 {
            return true;
        }
        arena.release(s & !STALE);
        false
    });
    before - map.len()
}

/// Give memory back after mass removals: hash maps never shrink by themselves. Amortized: a
/// map shrinks only once three quarters of its room are unused.
fn shrink<K: Hash + Eq, V>(map: &mut Map<K, V>) {
    if map.capacity() > 1024 && map.len() * 4 < map.capacity() {
        map.shrink_to(map.len() * 2);
    }
}

fn release_all<K, V: Slot>(map: &Map<K, V>, arena: &mut Arena) {
    map.values().for_each(|v| arena.release(v.slot() & !STALE));
}

impl FamilyTable {
    pub(crate) fn new(family: Family) -> Self {
        FamilyTable {
            family,
            v4: Map::default(),
            v4id: Map::default(),
            v6: Map::default(),
            v6id: Map::default(),
            labeled: Map::default(),
            vpn: Map::default(),
            flow: Map::default(),
            encoded: Map::default(),
            stale: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.v4.len()
            + self.v4id.len()
            + self.v6.len()
            + self.v6id.len()
            + self.labeled.len()
            + self.vpn.len()
            + self.flow.len()
            + self.encoded.len()
    }

    #[inline]
    pub(crate) fn put_prefix(&mut self, p: &Prefix, id: u32, arena: &mut Arena, t: &mut Tally) {
        let s = &mut self.stale;
        match Compact::of(p) {
            Compact::V4(k) => put(&mut self.v4, k, id, arena, s, t),
            Compact::V4Id(k) => put(&mut self.v4id, k, id, arena, s, t),
            Compact::V6(k) => put(&mut self.v6, k, id, arena, s, t),
            Compact::V6Id(k) => put(&mut self.v6id, k, id, arena, s, t),
        }
    }

    #[inline]
    pub(crate) fn take_prefix(&mut self, p: &Prefix, arena: &mut Arena) -> bool {
        let s = &mut self.stale;
        match Compact::of(p) {
            Compact::V4(k) => take(&mut self.v4, &k, arena, s),
            Compact::V4Id(k) => take(&mut self.v4id, &k, arena, s),
            Compact::V6(k) => take(&mut self.v6, &k, arena, s),
            Compact::V6Id(k) => take(&mut self.v6id, &k, arena, s),
        }
    }

    pub(crate) fn put_labeled(
        &mut self,
        p: &LabeledPrefix,
        id: u32,
        arena: &mut Arena,
        t: &mut Tally,
    ) {
        let key = normalized(&Prefix {
            path_id: p.path_id,
            net: p.net,
        });
        let v = (id, p.labels.clone());
        put(&mut self.labeled, key, v, arena, &mut self.stale, t);
    }

    pub(crate) fn take_labeled(&mut self, p: &LabeledPrefix, arena: &mut Arena) -> bool {
        let key = normalized(&Prefix {
            path_id: p.path_id,
            net: p.net,
        });
        take(&mut self.labeled, &key, arena, &mut self.stale)
    }

    fn vpn_key(p: &VpnPrefix) -> (RouteDistinguisher, Prefix) {
        let prefix = normalized(&Prefix {
            path_id: p.path_id,
            net: p.net,
        });
        (p.rd, prefix)
    }

    pub(crate) fn put_vpn(&mut self, p: &VpnPrefix, id: u32, arena: &mut Arena, t: &mut Tally) {
        let v = (id, p.labels.clone());
        put(
            &mut self.vpn,
            Self::vpn_key(p),
            v,
            arena,
            &mut self.stale,
            t,
        );
    }

    pub(crate) fn take_vpn(&mut self, p: &VpnPrefix, arena: &mut Arena) -> bool {
        take(&mut self.vpn, &Self::vpn_key(p), arena, &mut self.stale)
    }

    fn flow_key(f: &FlowSpec) -> FlowSpec {
        FlowSpec {
            extended_length: false,
            ..f.clone()
        }
    }

    pub(crate) fn put_flow(&mut self, f: &FlowSpec, id: u32, arena: &mut Arena, t: &mut Tally) {
        put(
            &mut self.flow,
            Self::flow_key(f),
            id,
            arena,
            &mut self.stale,
            t,
        );
    }

    pub(crate) fn take_flow(&mut self, f: &FlowSpec, arena: &mut Arena) -> bool {
        take(&mut self.flow, &Self::flow_key(f), arena, &mut self.stale)
    }

    pub(crate) fn put_encoded(
        &mut self,
        e: EncodedNlri,
        id: u32,
        arena: &mut Arena,
        t: &mut Tally,
    ) {
        put(&mut self.encoded, e, id, arena, &mut self.stale, t);
    }

    pub(crate) fn take_encoded(&mut self, e: &EncodedNlri, arena: &mut Arena) -> bool {
        take(&mut self.encoded, e, arena, &mut self.stale)
    }

    /// The slot of a unicast or labeled prefix.
    pub(crate) fn get_prefix(&self, p: &Prefix) -> Option<(NlriRef<'_>, u32)> {
        let found = match Compact::of(p) {
            Compact::V4(k) => self.v4.get(&k).copied(),
            Compact::V4Id(k) => self.v4id.get(&k).copied(),
            Compact::V6(k) => self.v6.get(&k).copied(),
            Compact::V6Id(k) => self.v6id.get(&k).copied(),
        };
        let key = normalized(p);
        match found {
            Some(s) => Some((NlriRef::Prefix(key), s)),
            None => {
                let (s, labels) = self.labeled.get(&key)?;
                Some((NlriRef::Labeled(key, labels), *s))
            }
        }
    }

    /// The slot of a VPN prefix.
    pub(crate) fn get_vpn(&self, rd: RouteDistinguisher, p: &Prefix) -> Option<(NlriRef<'_>, u32)> {
        let key = (rd, normalized(p));
        let (s, labels) = self.vpn.get(&key)?;
        Some((NlriRef::Vpn(key.0, key.1, labels), *s))
    }

    /// The slot of a flow specification.
    pub(crate) fn get_flow(&self, f: &FlowSpec) -> Option<(NlriRef<'_>, u32)> {
        let (k, s) = self.flow.get_key_value(&Self::flow_key(f))?;
        Some((NlriRef::Flow(k), *s))
    }

    /// Every route: NLRI and slot.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (NlriRef<'_>, u32)> + '_ {
        let v4 = self
            .v4
            .iter()
            .map(|(k, s)| (NlriRef::Prefix((*k).into()), *s));
        let v4id = self
            .v4id
            .iter()
            .map(|(k, s)| (NlriRef::Prefix((*k).into()), *s));
        let v6 = self
            .v6
            .iter()
            .map(|(k, s)| (NlriRef::Prefix((*k).into()), *s));
        let v6id = self
            .v6id
            .iter()
            .map(|(k, s)| (NlriRef::Prefix((*k).into()), *s));
        let labeled = self
            .labeled
            .iter()
            .map(|(k, (s, l))| (NlriRef::Labeled(*k, l), *s));
        let vpn = self
            .vpn
            .iter()
            .map(|((rd, p), (s, l))| (NlriRef::Vpn(*rd, *p, l), *s));
        let flow = self.flow.iter().map(|(k, s)| (NlriRef::Flow(k), *s));
        let encoded = self.encoded.iter().map(|(k, s)| (NlriRef::Encoded(k), *s));
        v4.chain(v4id)
            .chain(v6)
            .chain(v6id)
            .chain(labeled)
            .chain(vpn)
            .chain(flow)
            .chain(encoded)
    }

    /// Mark every route stale.
    pub(crate) fn mark_stale(&mut self) {
        mark(&mut self.v4);
        mark(&mut self.v4id);
        mark(&mut self.v6);
        mark(&mut self.v6id);
        mark(&mut self.labeled);
        mark(&mut self.vpn);
        mark(&mut self.flow);
        mark(&mut self.encoded);
        self.stale = self.len();
    }

    /// Remove the stale routes; how many.
    pub(crate) fn sweep_stale(&mut self, arena: &mut Arena) -> usize {
        if self.stale == 0 {
            return 0;
        }
        let n = sweep(&mut self.v4, arena)
            + sweep(&mut self.v4id, arena)
            + sweep(&mut self.v6, arena)
            + sweep(&mut self.v6id, arena)
            + sweep(&mut self.labeled, arena)
            + sweep(&mut self.vpn, arena)
            + sweep(&mut self.flow, arena)
            + sweep(&mut self.encoded, arena);
        self.stale = 0;
        n
    }

    /// Room in the maps, in routes (for tests of shrinking).
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.v4.capacity()
            + self.v4id.capacity()
            + self.v6.capacity()
            + self.v6id.capacity()
            + self.labeled.capacity()
            + self.vpn.capacity()
            + self.flow.capacity()
            + self.encoded.capacity()
    }

    /// Shrink the maps that removals left mostly empty.
    pub(crate) fn shrink(&mut self) {
        shrink(&mut self.v4);
        shrink(&mut self.v4id);
        shrink(&mut self.v6);
        shrink(&mut self.v6id);
        shrink(&mut self.labeled);
        shrink(&mut self.vpn);
        shrink(&mut self.flow);
        shrink(&mut self.encoded);
    }

    /// Drop the references of every route (before the table itself is dropped).
    pub(crate) fn release_all(&self, arena: &mut Arena) {
        release_all(&self.v4, arena);
        release_all(&self.v4id, arena);
        release_all(&self.v6, arena);
        release_all(&self.v6id, arena);
        release_all(&self.labeled, arena);
        release_all(&self.vpn, arena);
        release_all(&self.flow, arena);
        release_all(&self.encoded, arena);
    }
}
