//! Identifier allocators: route distinguishers, MPLS labels, VNIs and instance ids.
//!
//! Each allocator hands out the next free id after the last one it gave, wrapping around at
//! the end of its range, so that a released id is reused as late as possible (a peer or a
//! dataplane that still holds state for an old id is then less likely to see it meant for
//! something new). An id can also be reserved by its value (a VNI the client forces); ids
//! reserved outside the range are tracked too, so that two instances never share one.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::ops::RangeInclusive;

use herald_wire::nlri::RouteDistinguisher;

/// Hands out `u32` ids from a range, reusing released ones as late as possible.
#[derive(Clone, Debug)]
pub struct IdAllocator {
    min: u32,
    max: u32,
    /// Where the search for the next id starts.
    cursor: u32,
    in_use: BTreeSet<u32>,
}

impl IdAllocator {
    /// An allocator over `range` (an empty range gives no id).
    pub fn new(range: RangeInclusive<u32>) -> IdAllocator {
        let (min, max) = range.into_inner();
        IdAllocator {
            min,
            max,
            cursor: min,
            in_use: BTreeSet::new(),
        }
    }

    /// The first free id in `from..=to`, if any.
    fn free_in(&self, from: u32, to: u32) -> Option<u32> {
        if from > to {
            return None;
        }
        let mut candidate = from;
        for &used in self.in_use.range(from..=to) {
            if used != candidate {
                break;
            }
            candidate = candidate.checked_add(1)?;
        }
        (candidate <= to).then_some(candidate)
    }

    /// The next free id after the last one given, wrapping around; `None` when the range is
    /// exhausted.
    pub fn allocate(&mut self) -> Option<u32> {
        let id = self.free_in(self.cursor, self.max).or_else(|| {
            self.cursor
                .checked_sub(1)
                .and_then(|end| self.free_in(self.min, end))
        })?;
        self.in_use.insert(id);
        self.cursor = if id >= self.max { self.min } else { id + 1 };
        Some(id)
    }

    /// Take `id` whatever the range; `false` when it is already in use.
    pub fn reserve(&mut self, id: u32) -> bool {
        self.in_use.insert(id)
    }

    /// Give `id` back; `false` when it was not in use.
    pub fn release(&mut self, id: u32) -> bool {
        self.in_use.remove(&id)
    }

    /// Whether `id` is in use.
    pub fn contains(&self, id: u32) -> bool {
        self.in_use.contains(&id)
    }

    /// The ids in use, in increasing order.
    pub fn in_use(&self) -> impl Iterator<Item = u32> + '_ {
        self.in_use.iter().copied()
    }

    /// Whether no id is in use.
    pub fn is_empty(&self) -> bool {
        self.in_use.is_empty()
    }
}

/// Route distinguishers of type 1 (RFC 4364 §4.2): `<local address>:<n>`, n from a range.
#[derive(Clone, Debug)]
pub struct RdAllocator {
    local: Ipv4Addr,
    ids: IdAllocator,
}

impl RdAllocator {
    /// Route distinguishers `local:n` for n in `range`.
    pub fn new(local: Ipv4Addr, range: RangeInclusive<u16>) -> RdAllocator {
        let (a, b) = range.into_inner();
        RdAllocator {
            local,
            ids: IdAllocator::new(u32::from(a)..=u32::from(b)),
        }
    }

    /// The type 1 route distinguisher `local:n`.
    pub fn rd(local: Ipv4Addr, n: u16) -> RouteDistinguisher {
        let [a, b, c, d] = local.octets();
        let [n0, n1] = n.to_be_bytes();
        RouteDistinguisher([0, 1, a, b, c, d, n0, n1])
    }

    /// The next free route distinguisher; `None` when the range is exhausted.
    pub fn allocate(&mut self) -> Option<RouteDistinguisher> {
        let n = self.ids.allocate()?;
        u16::try_from(n).ok().map(|n| Self::rd(self.local, n))
    }

    /// Give a route distinguisher back (one this allocator did not give is ignored).
    pub fn release(&mut self, rd: RouteDistinguisher) {
        let local = self.local.octets();
        if rd.0[..2] == [0, 1] && rd.0[2..6] == local {
            self.ids
                .release(u32::from(u16::from_be_bytes([rd.0[6], rd.0[7]])));
        }
    }

    /// Whether no route distinguisher is in use.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// How many are in use.
    pub fn in_use(&self) -> usize {
        self.ids.in_use().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_ids_are_reused_only_after_the_range_wraps() {
        let mut a = IdAllocator::new(16..=19);
        assert_eq!(a.allocate(), Some(16));
        assert_eq!(a.allocate(), Some(17));
        assert!(a.release(16));
        assert_eq!(a.allocate(), Some(18));
        assert_eq!(a.allocate(), Some(19));
        // Wrapped: 16 is free again, 17 is not.
        assert_eq!(a.allocate(), Some(16));
        assert_eq!(a.allocate(), None);
        assert!(a.release(17));
        assert_eq!(a.allocate(), Some(17));
    }

    #[test]
    fn reserved_ids_are_skipped_and_cannot_be_reserved_twice() {
        let mut a = IdAllocator::new(1..=3);
        assert!(a.reserve(2));
        assert!(!a.reserve(2));
        assert!(a.reserve(5000), "outside the range is tracked too");
        assert!(!a.reserve(5000));
        assert_eq!(a.allocate(), Some(1));
        assert_eq!(a.allocate(), Some(3));
        assert_eq!(a.allocate(), None);
        assert!(a.release(2) && a.release(5000) && a.release(1) && a.release(3));
        assert!(a.is_empty());
        assert!(!a.release(3));
    }

    #[test]
    fn range_ending_at_u32_max_does_not_overflow() {
        let mut a = IdAllocator::new(u32::MAX - 1..=u32::MAX);
        assert_eq!(a.allocate(), Some(u32::MAX - 1));
        assert_eq!(a.allocate(), Some(u32::MAX));
        assert_eq!(a.allocate(), None);
        let (lo, hi) = (5, 4);
        let mut empty = IdAllocator::new(lo..=hi);
        assert_eq!(empty.allocate(), None);
    }

    #[test]
    fn route_distinguishers_are_type_1_with_the_local_address() {
        let mut r = RdAllocator::new(Ipv4Addr::new(192, 0, 2, 1), 1..=2);
        let rd = r.allocate().unwrap();
        assert_eq!(rd.0, [0, 1, 192, 0, 2, 1, 0, 1]);
        assert_eq!(rd.to_string(), "192.0.2.1:1");
        assert_eq!(r.allocate().unwrap().to_string(), "192.0.2.1:2");
        assert_eq!(r.allocate(), None);
        r.release(rd);
        assert_eq!(r.in_use(), 1);
        // Another speaker's RD is not ours to release.
        r.release(RdAllocator::rd(Ipv4Addr::new(192, 0, 2, 9), 2));
        assert_eq!(r.in_use(), 1);
    }
}
