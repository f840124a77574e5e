//! House rule 13, measured: packing routes allocates nothing per prefix. A counting global
//! allocator (per thread, so parallel tests do not disturb each other) counts the allocations
//! `builder::announce` / `withdraw` make; with an output buffer that already has room, the
//! count is the same for 1,000 and 100,000 prefixes (in fact zero), and decoding an UPDATE
//! allocates per message, not per prefix.

// A GlobalAlloc impl is `unsafe impl` by definition; this test binary is the only place in the
// crate that needs it. It forwards to the system allocator unchanged.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::net::{Ipv4Addr, Ipv6Addr};

use herald_wire::attr::{AsPath, Community, NextHop, Origin};
use herald_wire::builder::{self, AttrBlock};
use herald_wire::{AttrValue, Attribute, Context, Family, Message, Prefix};
use ipnet::{Ipv4Net, Ipv6Net};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn bump() {
    // `try_with`: during thread teardown the slot may be gone; then the call is not counted.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made on this thread while `f` runs.
fn allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = ALLOCATIONS.with(Cell::get);
    let r = f();
    (ALLOCATIONS.with(Cell::get) - before, r)
}

fn v4(n: usize) -> Vec<Prefix> {
    (0..n as u32)
        .map(|k| {
            let net = Ipv4Net::new(Ipv4Addr::from(0x0100_0000 + (k << 8)), 24).unwrap();
            Prefix::new(net.into())
        })
        .collect()
}

fn v6(n: usize) -> Vec<Prefix> {
    (0..n as u128)
        .map(|k| {
            let a = Ipv6Addr::from((0x2001_0db8u128 << 96) | (k << 80));
            Prefix::new(Ipv6Net::new(a, 48).unwrap().into())
        })
        .collect()
}

fn block(ctx: &Context, classic: bool) -> AttrBlock {
    let mut attrs = vec![
        Attribute::new(AttrValue::Origin(Origin::Igp)),
        Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![
            65001, 65002, 65003,
        ]))),
        Attribute::new(AttrValue::Med(10)),
        Attribute::new(AttrValue::LocalPref(100)),
        Attribute::new(AttrValue::Communities(vec![
            Community::new(65001, 1),
            Community::new(65001, 2),
        ])),
    ];
    if classic {
        attrs.push(Attribute::new(AttrValue::NextHop(Ipv4Addr::new(
            192, 0, 2, 1,
        ))));
    }
    AttrBlock::new(&attrs, ctx)
}

/// Allocations of one packing call into a buffer that already has room for its output.
fn packing_allocations(pack: impl Fn(&mut Vec<u8>)) -> usize {
    let mut out = Vec::new();
    pack(&mut out);
    let len = out.len();
    out.clear();
    let (n, ()) = allocations(|| pack(&mut out));
    assert_eq!(out.len(), len);
    n
}

#[test]
fn announcing_ipv4_allocates_nothing_per_prefix() {
    let ctx = Context::default();
    let b = block(&ctx, true);
    let counts: Vec<usize> = [1_000, 100_000]
        .map(|n| {
            let prefixes = v4(n);
            packing_allocations(|out| {
                builder::announce(out, &ctx, Family::IPV4_UNICAST, None, &b, &prefixes).unwrap();
            })
        })
        .into();
    assert_eq!(counts, [0, 0], "allocations for 1,000 and 100,000 prefixes");
}

#[test]
fn announcing_ipv6_with_add_path_allocates_nothing_per_prefix() {
    let ctx = Context {
        add_path: vec![Family::IPV6_UNICAST],
        ..Context::default()
    };
    let b = block(&ctx, false);
    let nh = NextHop::Ipv6("2001:db8::1".parse().unwrap());
    let counts: Vec<usize> = [1_000, 100_000]
        .map(|n| {
            let prefixes = v6(n);
            packing_allocations(|out| {
                builder::announce(out, &ctx, Family::IPV6_UNICAST, Some(&nh), &b, &prefixes)
                    .unwrap();
            })
        })
        .into();
    assert_eq!(counts, [0, 0], "allocations for 1,000 and 100,000 prefixes");
}

#[test]
fn withdrawing_allocates_nothing_per_prefix() {
    let ctx = Context::default();
    for (family, prefixes) in [
        (Family::IPV4_UNICAST, v4(100_000)),
        (Family::IPV6_UNICAST, v6(100_000)),
    ] {
        let n = packing_allocations(|out| {
            builder::withdraw(out, &ctx, family, &prefixes);
        });
        assert_eq!(n, 0, "{family}");
    }
}

#[test]
fn a_growing_output_buffer_is_the_only_allocation() {
    // Without room reserved, the only allocations are the output Vec growing: logarithmic in
    // the output size, far below one per prefix.
    let ctx = Context::default();
    let b = block(&ctx, true);
    let prefixes = v4(100_000);
    let (n, _) = allocations(|| {
        let mut out = Vec::new();
        builder::announce(&mut out, &ctx, Family::IPV4_UNICAST, None, &b, &prefixes).unwrap();
        out
    });
    assert!(n <= 32, "{n} allocations for 100,000 prefixes");
}

#[test]
fn decoding_an_update_allocates_per_message_not_per_prefix() {
    let ctx = Context::default();
    let b = block(&ctx, true);
    for n in [10, 1_000] {
        let mut out = Vec::new();
        builder::announce(&mut out, &ctx, Family::IPV4_UNICAST, None, &b, &v4(n)).unwrap();
        let one = &out[..usize::from(u16::from_be_bytes([out[16], out[17]]))];
        let (count, msg) = allocations(|| Message::decode(one, &ctx).unwrap());
        let Message::Update(u) = msg else {
            panic!("not an UPDATE")
        };
        assert!(u.nlri.len() >= n.min(900), "{} prefixes", u.nlri.len());
        assert!(
            count <= 16,
            "{count} allocations for {} prefixes",
            u.nlri.len()
        );
    }
}
