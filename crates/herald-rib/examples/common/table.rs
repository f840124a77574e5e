//! A synthetic full table as decoded UPDATEs, shared by `examples/rib_memory.rs` and
//! `benches/apply.rs`: IPv4 /24s (and optionally IPv6 /48s), one attribute set per ~30 prefixes,
//! AS paths of 1–8 hops, 0–6 communities, a fixed seed. Each set's prefixes are scattered over
//! the address space and sent in UPDATEs of 1–16 prefixes, so interning sees both new sets and
//! repeats.

use std::net::{Ipv4Addr, Ipv6Addr};

use herald_wire::attr::{AsPath, Community, MpReach, NextHop, Origin};
use herald_wire::{AttrValue, Attribute, Family, NlriList, Prefix, Update};
use ipnet::{Ipv4Net, Ipv6Net};

/// xorshift64*: a fixed-seed generator, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in lo..=hi.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn shuffle<T>(v: &mut [T], rng: &mut Rng) {
    for i in (1..v.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

/// One attribute set as an eBGP peer would send it (without next hop / MP attributes).
fn attributes(rng: &mut Rng) -> Vec<Attribute> {
    let hops = rng.range(1, 8) as usize;
    let path: Vec<u32> = std::iter::once(64_500)
        .chain((1..hops).map(|_| rng.range(1, 400_000) as u32))
        .collect();
    let mut attrs = vec![
        Attribute::new(AttrValue::Origin(if rng.next() % 10 == 0 {
            Origin::Incomplete
        } else {
            Origin::Igp
        })),
        Attribute::new(AttrValue::AsPath(AsPath::sequence(path))),
    ];
    if rng.next() % 2 == 0 {
        attrs.push(Attribute::new(AttrValue::Med(rng.range(0, 1000) as u32)));
    }
    let n = rng.range(0, 6) as usize;
    if n > 0 {
        let mut c: Vec<Community> = (0..n)
            .map(|_| Community::new(64_500, rng.range(1, 5000) as u16))
            .collect();
        c.sort();
        c.dedup();
        attrs.push(Attribute::new(AttrValue::Communities(c)));
    }
    attrs
}

/// UPDATEs announcing `v4` IPv4 /24s and `v6` IPv6 /48s, ~30 prefixes per attribute set.
pub fn updates(v4: usize, v6: usize, seed: u64) -> Vec<Update> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    // Distinct /24s from 1.0.0.0 on, every 13th, shuffled.
    let mut p4: Vec<Prefix> = (0..v4 as u32)
        .map(|i| {
            let a = Ipv4Addr::from(0x0100_0000u32.wrapping_add(i.wrapping_mul(13) << 8));
            Prefix::new(Ipv4Net::new(a, 24).unwrap_or_default().into())
        })
        .collect();
    shuffle(&mut p4, &mut rng);
    let mut p6: Vec<Prefix> = (0..v6 as u128)
        .map(|i| {
            let a = Ipv6Addr::from((0x2a00u128 << 112) | ((i * 7) << 80));
            Prefix::new(Ipv6Net::new(a, 48).unwrap_or_default().into())
        })
        .collect();
    shuffle(&mut p6, &mut rng);
    for (family, prefixes) in [(Family::IPV4_UNICAST, p4), (Family::IPV6_UNICAST, p6)] {
        let mut rest = prefixes.as_slice();
        while !rest.is_empty() {
            let set = attributes(&mut rng);
            let nh = rng.range(1, 4) as u8;
            let size = (rng.range(15, 45) as usize).min(rest.len());
            let (mine, after) = rest.split_at(size);
            rest = after;
            let mut chunk = mine;
            while !chunk.is_empty() {
                let n = (rng.range(1, 16) as usize).min(chunk.len());
                let (now, later) = chunk.split_at(n);
                chunk = later;
                let mut attributes = set.clone();
                let u = if family == Family::IPV4_UNICAST {
                    attributes.insert(
                        2,
                        Attribute::new(AttrValue::NextHop(Ipv4Addr::new(192, 0, 2, nh))),
                    );
                    Update {
                        attributes,
                        nlri: now.to_vec(),
                        ..Update::default()
                    }
                } else {
                    let next_hop =
                        NextHop::Ipv6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, nh.into()));
                    attributes.push(Attribute::new(AttrValue::MpReach(Box::new(MpReach {
                        family,
                        next_hop,
                        reserved: 0,
                        nlri: NlriList::Prefixes(now.to_vec()),
                    }))));
                    Update {
                        attributes,
                        ..Update::default()
                    }
                };
                out.push(u);
            }
        }
    }
    out
}

/// Number of routes the UPDATEs announce.
#[allow(dead_code)]
pub fn route_count(updates: &[Update]) -> usize {
    updates
        .iter()
        .map(|u| u.nlri.len() + u.mp_reach().map_or(0, |m| m.nlri.len()))
        .sum()
}
