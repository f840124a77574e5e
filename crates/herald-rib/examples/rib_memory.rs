//! Memory and speed of the RIB on a full table, measured with a counting global allocator.
//!
//! Builds 1,000,000 IPv4 /24 and 100,000 IPv6 /48 routes (one attribute set per ~30 prefixes,
//! AS paths of 1–8 hops, 0–6 communities, fixed seed) as decoded UPDATEs, then measures only
//! the RIB: `AdjRibIn::apply` of all of them (routes/s, heap bytes per route live and at peak),
//! a bulk `clear`, and an `AdjRibOut` loaded with `from_groups` before and after its lazy index.
//!
//! ```text
//! cargo run --release -p herald-rib --example rib_memory            # 1M IPv4 + 100k IPv6
//! cargo run --release -p herald-rib --example rib_memory -- 1000000 0
//! ```

// A GlobalAlloc impl is `unsafe impl` by definition; this example is the only place in the
// crate that needs it. It forwards to the system allocator unchanged.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use herald_rib::{AdjRibIn, AdjRibOut};
use herald_wire::{Family, Nlri, Prefix};

#[path = "common/table.rs"]
mod table;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grow(n: usize) {
    let now = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(now, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            grow(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Live heap now; resets the peak to it.
fn mark() -> usize {
    let now = LIVE.load(Relaxed);
    PEAK.store(now, Relaxed);
    now
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().unwrap_or(0));
    let v4 = args.next().unwrap_or(1_000_000);
    let v6 = args.next().unwrap_or(100_000);
    let updates = table::updates(v4, v6, 0x4e52_4942);
    let routes = table::route_count(&updates);
    println!(
        "input: {} UPDATEs, {routes} routes ({v4} IPv4 /24, {v6} IPv6 /48)",
        updates.len()
    );

    // Adj-RIB-In.
    let base = mark();
    let t = Instant::now();
    let mut rib = AdjRibIn::new();
    for u in &updates {
        rib.apply(u);
    }
    let dt = t.elapsed();
    let (live, peak) = (LIVE.load(Relaxed) - base, PEAK.load(Relaxed) - base);
    assert_eq!(rib.len(), routes);
    println!(
        "AdjRibIn::apply: {:.0} ms, {:.2} M routes/s, {:.0} ns/route",
        dt.as_secs_f64() * 1e3,
        routes as f64 / dt.as_secs_f64() / 1e6,
        dt.as_nanos() as f64 / routes as f64
    );
    println!(
        "AdjRibIn heap: {:.1} MiB live = {:.1} bytes/route; peak while loading {:.1} MiB = {:.1} bytes/route; {} attribute sets ({:.1} routes/set)",
        live as f64 / 1048576.0,
        live as f64 / routes as f64,
        peak as f64 / 1048576.0,
        peak as f64 / routes as f64,
        rib.attribute_sets(),
        routes as f64 / rib.attribute_sets() as f64
    );
    if v4 > 0 {
        let v4_only = rib.len_family(Family::IPV4_UNICAST);
        println!("  of which IPv4 unicast: {v4_only} routes");
    }
    let t = Instant::now();
    rib.mark_stale();
    let swept = rib.sweep_stale(None);
    println!(
        "mark_stale + sweep_stale(None) of {swept} routes: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    for u in &updates {
        rib.apply(u);
    }
    let t = Instant::now();
    rib.clear();
    println!(
        "clear (bulk) of {routes} routes: {:.1} ms; heap left {} bytes",
        t.elapsed().as_secs_f64() * 1e3,
        LIVE.load(Relaxed) as isize - base as isize
    );
    drop(rib);

    // Adj-RIB-Out loaded from grouped configuration routes.
    let mut groups: Vec<(u32, Family, Vec<Nlri>)> = Vec::new();
    let nlri = |ps: &[Prefix]| ps.iter().map(|p| Nlri::Prefix(*p)).collect::<Vec<_>>();
    for (i, u) in updates.iter().enumerate() {
        let key = (i / 4) as u32;
        if let Some(m) = u.mp_reach() {
            groups.push((key, m.family, nlri(m.nlri.prefixes())));
        } else {
            groups.push((key, Family::IPV4_UNICAST, nlri(&u.nlri)));
        }
    }
    drop(updates);
    let base = mark();
    let input: usize = groups
        .iter()
        .map(|g| g.2.capacity() * std::mem::size_of::<Nlri>())
        .sum::<usize>()
        + groups.capacity() * std::mem::size_of::<(u32, Family, Vec<Nlri>)>();
    let t = Instant::now();
    let mut out = AdjRibOut::from_groups(groups);
    let load = t.elapsed();
    let after_load = LIVE.load(Relaxed) as isize - base as isize;
    println!(
        "AdjRibOut::from_groups: {:.0} ms; heap beyond the input's own vectors ({:.1} MiB): {:.1} bytes/route",
        load.as_secs_f64() * 1e3,
        input as f64 / 1048576.0,
        after_load as f64 / routes as f64
    );
    let before_index = LIVE.load(Relaxed);
    let t = Instant::now();
    let first = out.groups().next().map(|g| (g.1, g.2[0].clone()));
    if let Some((f, p)) = first {
        black_box(out.withdraw(f, p));
    }
    println!(
        "AdjRibOut first change (builds the index): {:.0} ms, +{:.1} bytes/route",
        t.elapsed().as_secs_f64() * 1e3,
        (LIVE.load(Relaxed) - before_index) as f64 / routes as f64
    );
    println!(
        "AdjRibOut total: {:.1} bytes/route ({} routes)",
        (LIVE.load(Relaxed) - base + input) as f64 / routes as f64,
        out.len()
    );
}
