//! Codec benchmarks: packing a full IPv4 table with the builder, and decoding every UPDATE of a
//! RouteViews MRT file. Inputs are built before timing; throughput is in prefixes.
//!
//! ```text
//! cargo bench -p herald-wire --bench codec
//! cargo bench -p herald-wire --bench codec -- --warm-up-time 1 --measurement-time 5
//! ```

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use herald_wire::attr::{AsPath, Community, Origin};
use herald_wire::builder::{self, AttrBlock};
use herald_wire::{AttrValue, Attribute, Context, Family, Message, Prefix};
use ipnet::Ipv4Net;

const ROUTES: usize = 1_000_000;
const GROUPS: usize = 10_000;

/// 10,000 attribute groups of 100 distinct prefixes each: /24s from 1.0.0.0 on, every tenth
/// one a /32 inside its /24 instead.
fn table(ctx: &Context) -> Vec<(AttrBlock, Vec<Prefix>)> {
    let per = ROUTES / GROUPS;
    (0..GROUPS)
        .map(|g| {
            let g32 = g as u32;
            let attrs = [
                Attribute::new(AttrValue::Origin(Origin::Igp)),
                Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![
                    65001,
                    64512 + g32 % 1000,
                    4_200_000_000 + g32,
                ]))),
                Attribute::new(AttrValue::NextHop(Ipv4Addr::new(
                    192,
                    0,
                    2,
                    (g % 254 + 1) as u8,
                ))),
                Attribute::new(AttrValue::Med(g32)),
                Attribute::new(AttrValue::LocalPref(100)),
                Attribute::new(AttrValue::Communities(vec![
                    Community::new(65001, (g % 65536) as u16),
                    Community::new(65001, 1),
                ])),
            ];
            let prefixes = (0..per)
                .map(|i| {
                    let k = (g * per + i) as u32;
                    let base = 0x0100_0000 + (k << 8);
                    let net = if i % 10 == 0 {
                        Ipv4Net::new(Ipv4Addr::from(base | 1), 32)
                    } else {
                        Ipv4Net::new(Ipv4Addr::from(base), 24)
                    };
                    Prefix::new(net.expect("valid length").into())
                })
                .collect();
            (AttrBlock::new(&attrs, ctx), prefixes)
        })
        .collect()
}

fn pack(out: &mut Vec<u8>, ctx: &Context, table: &[(AttrBlock, Vec<Prefix>)]) -> usize {
    let mut messages = 0;
    for (block, prefixes) in table {
        messages += builder::announce(out, ctx, Family::IPV4_UNICAST, None, block, prefixes)
            .expect("fits in 4096 octets");
    }
    messages
}

fn encode(c: &mut Criterion) {
    let ctx = Context::default();
    let table = table(&ctx);
    let mut out = Vec::new();
    let messages = pack(&mut out, &ctx, &table);
    eprintln!(
        "encode_1m_ipv4_10k_groups: {ROUTES} routes in {messages} UPDATEs, {} octets, \
         {:.2} octets per route",
        out.len(),
        out.len() as f64 / ROUTES as f64
    );
    let capacity = out.capacity();
    let mut g = c.benchmark_group("codec");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ROUTES as u64));
    g.bench_function("encode_1m_ipv4_10k_groups", |b| {
        b.iter(|| {
            out.clear();
            let n = pack(&mut out, &ctx, black_box(&table));
            black_box(out.as_ptr());
            n
        })
    });
    g.finish();
    assert_eq!(
        out.capacity(),
        capacity,
        "the output buffer was reallocated"
    );
}

/// Every UPDATE of the MRT file, back to back in one buffer, with the context to read each.
struct Updates {
    bytes: Vec<u8>,
    messages: Vec<(std::ops::Range<usize>, usize)>,
    contexts: Vec<Context>,
    prefixes: u64,
}

fn load_updates(path: &Path) -> Result<Updates, String> {
    let reader = herald_mrt::open(path).map_err(|e| e.to_string())?;
    let contexts: Vec<Context> = [(false, false), (false, true), (true, false), (true, true)]
        .into_iter()
        .map(|(asn4, add_path)| Context {
            asn4,
            add_path: if add_path {
                vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST]
            } else {
                vec![]
            },
            max_message_len: herald_wire::message::MAX_EXTENDED_LEN,
            ..Context::default()
        })
        .collect();
    let mut u = Updates {
        bytes: Vec::new(),
        messages: Vec::new(),
        contexts,
        prefixes: 0,
    };
    let mut failed = 0;
    for m in reader {
        let m = m.map_err(|e| e.to_string())?;
        if m.message.get(18) != Some(&2) {
            continue;
        }
        let ci = usize::from(m.asn4) * 2 + usize::from(m.add_path);
        let ctx = &u.contexts[ci];
        match Message::decode(&m.message, ctx) {
            Ok(Message::Update(up)) => {
                u.prefixes += (up.withdrawn.len()
                    + up.nlri.len()
                    + up.mp_reach().map_or(0, |r| r.nlri.len())
                    + up.mp_unreach().map_or(0, |r| r.nlri.len()))
                    as u64;
            }
            _ => failed += 1,
        }
        let start = u.bytes.len();
        u.bytes.extend_from_slice(&m.message);
        u.messages.push((start..u.bytes.len(), ci));
    }
    eprintln!(
        "decode_mrt_updates: {} UPDATEs, {} octets, {} prefixes, {failed} did not decode",
        u.messages.len(),
        u.bytes.len(),
        u.prefixes
    );
    Ok(u)
}

fn decode(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../herald-mrt/testdata/updates.20190101.0000.gz");
    if !path.exists() {
        eprintln!("decode_mrt_updates: skipped, {} is missing", path.display());
        return;
    }
    let u = match load_updates(&path) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("decode_mrt_updates: skipped, {}: {e}", path.display());
            return;
        }
    };
    let mut g = c.benchmark_group("codec");
    g.sample_size(20);
    g.throughput(Throughput::Elements(u.prefixes));
    g.bench_function("decode_mrt_updates", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for (range, ci) in &u.messages {
                let msg = &u.bytes[range.clone()];
                ok += usize::from(Message::decode(black_box(msg), &u.contexts[*ci]).is_ok());
            }
            ok
        })
    });
    g.finish();
}

criterion_group!(benches, encode, decode);
criterion_main!(benches);
