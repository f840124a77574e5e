//! `AdjRibIn::apply` throughput: a 200,000-route IPv4 table (one attribute set per ~30
//! prefixes, 1–16 prefixes per UPDATE, prefixes shuffled) applied to an empty table, applied
//! again over itself (every route replaced by an equal one), and withdrawn. The UPDATEs are
//! built before timing; throughput is in routes.
//!
//! ```text
//! cargo bench -p herald-rib --bench apply
//! cargo bench -p herald-rib --bench apply -- --warm-up-time 1 --measurement-time 5
//! ```

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use herald_rib::{AdjRibIn, AdjRibOut};
use herald_wire::{Family, Update};

#[path = "../examples/common/table.rs"]
mod table;

const ROUTES: usize = 200_000;

fn full(updates: &[Update]) -> AdjRibIn {
    let mut rib = AdjRibIn::new();
    updates.iter().for_each(|u| {
        rib.apply(u);
    });
    rib
}

fn apply(c: &mut Criterion) {
    let updates = table::updates(ROUTES, 0, 7);
    let withdrawals: Vec<Update> = updates
        .iter()
        .map(|u| Update {
            withdrawn: u.nlri.clone(),
            ..Update::default()
        })
        .collect();
    let mut g = c.benchmark_group("adj_rib_in");
    g.throughput(Throughput::Elements(ROUTES as u64));
    g.sample_size(20);
    g.bench_function("apply_into_empty", |b| {
        b.iter_batched(
            AdjRibIn::new,
            |mut rib| {
                for u in &updates {
                    black_box(rib.apply(u));
                }
                rib
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("apply_over_same_table", |b| {
        b.iter_batched(
            || full(&updates),
            |mut rib| {
                for u in &updates {
                    black_box(rib.apply(u));
                }
                rib
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("withdraw_all", |b| {
        b.iter_batched(
            || full(&updates),
            |mut rib| {
                for u in &withdrawals {
                    black_box(rib.apply(u));
                }
                rib
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();

    let groups: Vec<(u32, Family, Vec<herald_wire::Nlri>)> = updates
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let nlri = u
                .nlri
                .iter()
                .map(|p| herald_wire::Nlri::Prefix(*p))
                .collect();
            ((i / 4) as u32, Family::IPV4_UNICAST, nlri)
        })
        .collect();
    let mut g = c.benchmark_group("adj_rib_out");
    g.throughput(Throughput::Elements(ROUTES as u64));
    g.sample_size(20);
    g.bench_function("from_groups_then_index", |b| {
        b.iter_batched(
            || groups.clone(),
            |groups| {
                let mut out = AdjRibOut::from_groups(groups);
                black_box(out.withdraw(
                    Family::IPV4_UNICAST,
                    herald_wire::Nlri::Prefix(updates[0].nlri[0]),
                ));
                out
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, apply);
criterion_main!(benches);
