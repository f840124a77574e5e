//! Command parsing throughput: `cargo bench -p herald-api --bench command`.
//!
//! - `route_lines`: 100,000 `announce route P next-hop N med 10 community [65000:1]` lines
//!   (one route each), in lines (= routes) per second;
//! - `route_specs_only`: the same lines' route part given straight to
//!   `herald_config::parse_route_specs`, to show what the command layer adds;
//! - `attributes_lines` / `attributes_routes`: 100 `announce attributes … nlri <1000
//!   prefixes>` lines, in lines and in routes per second.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use herald_api::command::{parse, Command};

fn prefix(i: usize) -> String {
    format!(
        "{}.{}.{}.0/24",
        10 + (i >> 16) % 200,
        (i >> 8) & 0xff,
        i & 0xff
    )
}

fn route_lines() -> Vec<String> {
    (0..100_000)
        .map(|i| {
            format!(
                "announce route {} next-hop 192.0.2.{} med 10 community [65000:1]",
                prefix(i),
                1 + i % 200
            )
        })
        .collect()
}

fn attribute_lines() -> Vec<String> {
    (0..100)
        .map(|l| {
            let mut s = String::from(
                "announce attributes med 10 next-hop 192.0.2.1 community [65000:1] nlri",
            );
            for p in 0..1000 {
                s.push(' ');
                s.push_str(&prefix(l * 1000 + p));
            }
            s
        })
        .collect()
}

fn count(line: &str) -> usize {
    match parse(line) {
        Ok(l) => match l.command {
            Command::Announce(r) => r.len(),
            _ => 0,
        },
        Err(_) => 0,
    }
}

fn bench(c: &mut Criterion) {
    let routes = route_lines();
    let attrs = attribute_lines();
    assert_eq!(routes.iter().map(|l| count(l)).sum::<usize>(), 100_000);
    assert_eq!(attrs.iter().map(|l| count(l)).sum::<usize>(), 100_000);

    let mut g = c.benchmark_group("command");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));

    g.throughput(Throughput::Elements(routes.len() as u64));
    g.bench_function("route_lines", |b| {
        b.iter(|| {
            for l in &routes {
                black_box(parse(black_box(l)).ok());
            }
        })
    });
    let specs: Vec<&str> = routes
        .iter()
        .map(|l| l.trim_start_matches("announce route "))
        .collect();
    g.bench_function("route_specs_only", |b| {
        b.iter(|| {
            for s in &specs {
                black_box(herald_config::parse_route_specs(black_box(s)).ok());
            }
        })
    });

    g.throughput(Throughput::Elements(attrs.len() as u64));
    g.bench_function("attributes_lines", |b| {
        b.iter(|| {
            for l in &attrs {
                black_box(parse(black_box(l)).ok());
            }
        })
    });
    g.throughput(Throughput::Elements(100_000));
    g.bench_function("attributes_routes", |b| {
        b.iter(|| {
            for l in &attrs {
                black_box(parse(black_box(l)).ok());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
