//! Interned path attribute sets: one [`PathAttributes`] per distinct set a peer sent, shared by
//! every route that carries it and freed when the last of those routes goes.
//!
//! A set is an UPDATE's path attributes without MP_REACH_NLRI, MP_UNREACH_NLRI and NEXT_HOP,
//! plus the route's next hop taken out of whichever of those carried it: NEXT_HOP for the
//! classic NLRI field (RFC 4271 §5.1.3), MP_REACH_NLRI's next hop for its NLRI (RFC 4760 §3).
//! An UPDATE that announces both IPv4 routes in the classic field and routes of another family
//! in MP_REACH_NLRI therefore makes two sets, one per next hop; and a NEXT_HOP sent alongside
//! MP_REACH_NLRI alone is ignored for the MP routes, as RFC 4760 §3 asks.

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use hashbrown::{DefaultHashBuilder, HashTable};
use herald_wire::attr::NextHop;
use herald_wire::{AttrValue, Attribute};

/// The shared attributes of a group of routes: the path attributes as received, in wire order,
/// without MP_REACH_NLRI, MP_UNREACH_NLRI and NEXT_HOP, and the next hop.
///
/// Attributes an RFC 7606 "attribute discard" removed are simply absent (the decoder already
/// dropped them).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PathAttributes {
    attributes: Box<[Attribute]>,
    next_hop: Option<NextHop>,
}

impl PathAttributes {
    /// A set from attributes and a next hop. MP_REACH_NLRI, MP_UNREACH_NLRI and NEXT_HOP among
    /// `attributes` are left out: the next hop is `next_hop`.
    pub fn new(attributes: &[Attribute], next_hop: Option<NextHop>) -> Self {
        PathAttributes {
            attributes: attributes.iter().filter(|a| stored(a)).cloned().collect(),
            next_hop,
        }
    }

    /// The attributes, in the order received.
    pub fn attributes(&self) -> &[Attribute] {
        &self.attributes
    }

    /// The next hop: NEXT_HOP's address for routes of the classic NLRI field (RFC 4271
    /// §5.1.3), MP_REACH_NLRI's next hop for the others (RFC 4760 §3); `None` only when a
    /// classic announcement came without NEXT_HOP (which RFC 7606 §3(d) treats as withdraw).
    pub fn next_hop(&self) -> Option<&NextHop> {
        self.next_hop.as_ref()
    }

    /// The first attribute with this type code.
    pub fn get(&self, type_code: u8) -> Option<&AttrValue> {
        self.attributes
            .iter()
            .map(|a| &a.value)
            .find(|v| v.type_code() == type_code)
    }

    /// Whether this set is what `attributes` (filtered as [`PathAttributes::new`] does) and
    /// `next_hop` would make.
    fn matches(&self, attributes: &[Attribute], next_hop: Option<&NextHop>) -> bool {
        self.next_hop.as_ref() == next_hop
            && self
                .attributes
                .iter()
                .eq(attributes.iter().filter(|a| stored(a)))
    }
}

/// Whether an UPDATE attribute belongs in a [`PathAttributes`].
#[inline]
fn stored(a: &Attribute) -> bool {
    !matches!(
        a.value,
        AttrValue::MpReach(_) | AttrValue::MpUnreach(_) | AttrValue::NextHop(_)
    )
}

/// Largest set id; the top bit of a route's slot is its stale flag.
pub(crate) const MAX_ID: u32 = (1 << 31) - 1;

struct Entry {
    set: Option<Arc<PathAttributes>>,
    hash: u64,
    /// Routes of the owning table that point here.
    refs: u32,
}

/// Attribute sets by id, interned by content, reference-counted by the routes of one table.
///
/// Invariants: an id is in `index` exactly when its entry holds a set; a set with `refs == 0`
/// exists only between [`Arena::intern`] and the end of the `apply` that asked for it.
#[derive(Default)]
pub(crate) struct Arena {
    sets: Vec<Entry>,
    free: Vec<u32>,
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl Arena {
    fn hash(&self, attributes: &[Attribute], next_hop: Option<&NextHop>) -> u64 {
        let mut h = self.hasher.build_hasher();
        let mut n = 0usize;
        for a in attributes.iter().filter(|a| stored(a)) {
            a.hash(&mut h);
            n += 1;
        }
        n.hash(&mut h);
        next_hop.hash(&mut h);
        h.finish()
    }

    /// The id of the set `attributes` and `next_hop` make, creating it (with no reference) if
    /// it is new. `None` only if 2^31 sets are alive.
    pub(crate) fn intern(
        &mut self,
        attributes: &[Attribute],
        next_hop: Option<&NextHop>,
    ) -> Option<u32> {
        let hash = self.hash(attributes, next_hop);
        let sets = &self.sets;
        let found = self.index.find(hash, |&id| {
            sets.get(id as usize).is_some_and(|e| {
                e.hash == hash
                    && e.set
                        .as_deref()
                        .is_some_and(|s| s.matches(attributes, next_hop))
            })
        });
        if let Some(&id) = found {
            return Some(id);
        }
        let set = Some(Arc::new(PathAttributes::new(attributes, next_hop.cloned())));
        let entry = Entry { set, hash, refs: 0 };
        let id = match self.free.pop() {
            Some(id) => {
                if let Some(e) = self.sets.get_mut(id as usize) {
                    *e = entry;
                }
                id
            }
            None => {
                let id = u32::try_from(self.sets.len())
                    .ok()
                    .filter(|&id| id <= MAX_ID)?;
                self.sets.push(entry);
                id
            }
        };
        let sets = &self.sets;
        self.index
            .insert_unique(hash, id, |&id| sets.get(id as usize).map_or(0, |e| e.hash));
        Some(id)
    }

    /// Count `n` more routes pointing at `id`.
    #[inline]
    pub(crate) fn acquire(&mut self, id: u32, n: u32) {
        if let Some(e) = self.sets.get_mut(id as usize) {
            e.refs = e.refs.saturating_add(n);
        }
    }

    /// One route fewer points at `id`; the set is freed when none is left.
    #[inline]
    pub(crate) fn release(&mut self, id: u32) {
        let Some(e) = self.sets.get_mut(id as usize) else {
            return;
        };
        e.refs = e.refs.saturating_sub(1);
        if e.refs == 0 {
            self.free_set(id);
        }
    }

    /// Free `id` if no route points at it (a set interned for an UPDATE that stored nothing).
    pub(crate) fn release_if_unused(&mut self, id: u32) {
        if self.sets.get(id as usize).is_some_and(|e| e.refs == 0) {
            self.free_set(id);
        }
    }

    fn free_set(&mut self, id: u32) {
        let Some(e) = self.sets.get_mut(id as usize) else {
            return;
        };
        if e.set.take().is_none() {
            return;
        }
        if let Ok(entry) = self.index.find_entry(e.hash, |&x| x == id) {
            entry.remove();
        }
        self.free.push(id);
    }

    /// The set with this id.
    #[inline]
    pub(crate) fn get(&self, id: u32) -> Option<&Arc<PathAttributes>> {
        self.sets.get(id as usize)?.set.as_ref()
    }

    /// Number of live sets.
    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }

    /// Drop every set at once.
    pub(crate) fn clear(&mut self) {
        self.sets = Vec::new();
        self.free = Vec::new();
        self.index = HashTable::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use herald_wire::attr::Origin;
    use std::net::Ipv4Addr;

    fn attrs(med: u32) -> Vec<Attribute> {
        vec![
            Attribute::new(AttrValue::Origin(Origin::Igp)),
            Attribute::new(AttrValue::NextHop(Ipv4Addr::new(192, 0, 2, 1))),
            Attribute::new(AttrValue::Med(med)),
        ]
    }

    #[test]
    fn equal_content_interns_to_one_id_and_next_hop_is_part_of_it() {
        let mut a = Arena::default();
        let nh = NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1));
        let x = a.intern(&attrs(1), Some(&nh)).unwrap();
        let y = a.intern(&attrs(1), Some(&nh)).unwrap();
        let z = a.intern(&attrs(2), Some(&nh)).unwrap();
        let w = a.intern(&attrs(1), None).unwrap();
        assert_eq!(x, y);
        assert_ne!(x, z);
        assert_ne!(x, w);
        assert_eq!(a.len(), 3);
        let set = a.get(x).unwrap();
        assert_eq!(
            set.attributes().len(),
            2,
            "NEXT_HOP is kept as the next hop"
        );
        assert_eq!(set.next_hop(), Some(&nh));
        assert_eq!(set.get(4), Some(&AttrValue::Med(1)));
    }

    #[test]
    fn a_set_is_freed_with_its_last_reference_and_its_id_reused() {
        let mut a = Arena::default();
        let x = a.intern(&attrs(1), None).unwrap();
        a.acquire(x, 2);
        a.release(x);
        assert_eq!(a.len(), 1);
        a.release(x);
        assert_eq!(a.len(), 0);
        assert!(a.get(x).is_none());
        let y = a.intern(&attrs(3), None).unwrap();
        assert_eq!(x, y, "the freed slot is reused");
        a.release_if_unused(y);
        assert_eq!(a.len(), 0);
    }
}
