//! Parse speed on a generated 1,000,000-route configuration. Ignored by default (it wants a
//! release build): `cargo test --release -p herald-config --test perf -- --ignored --nocapture`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

fn generate(routes: u32) -> String {
    let mut s = String::with_capacity(routes as usize * 90);
    s.push_str(
        "neighbor 192.0.2.2 {\n\trouter-id 192.0.2.1;\n\tlocal-address 192.0.2.1;\n\t\
         local-as 65000;\n\tpeer-as 65001;\n\tfamily {\n\t\tipv4 unicast;\n\t}\n\tstatic {\n",
    );
    for i in 0..routes {
        let a = 10 + (i >> 16);
        let b = (i >> 8) & 0xff;
        let c = i & 0xff;
        writeln!(
            s,
            "\t\troute {a}.{b}.{c}.0/24 next-hop 192.0.2.1 local-preference 200 community [65000:{}];",
            i % 1000
        )
        .unwrap();
    }
    s.push_str("\t}\n}\n");
    s
}

/// Nanoseconds this thread has run on a CPU (Linux), to measure on a busy machine.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

#[test]
#[ignore]
fn one_million_routes() {
    let n = 1_000_000;
    let text = generate(n);
    let start = Instant::now();
    let cpu0 = cpu_ns();
    let c = herald_config::parse_str(&text, Path::new("generated.conf")).unwrap();
    let took = start.elapsed();
    let cpu = cpu_ns().zip(cpu0).map(|(b, a)| (b - a) as f64 / 1e9);
    assert_eq!(c.neighbors[0].routes.len(), n as usize);
    let rate = f64::from(n) / took.as_secs_f64();
    println!(
        "{} routes, {:.1} MB in {:.3} s: {:.0} routes/s",
        n,
        text.len() as f64 / 1e6,
        took.as_secs_f64(),
        rate
    );
    if let Some(cpu) = cpu {
        println!(
            "on-CPU time {cpu:.3} s: {:.0} routes per CPU-second",
            f64::from(n) / cpu
        );
    }
    drop(c);

    // The same through load(), from a file.
    let dir = std::env::temp_dir().join(format!("herald-config-perf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("million.conf");
    std::fs::write(&path, &text).unwrap();
    let start = Instant::now();
    let c = herald_config::load(&path).unwrap();
    let took = start.elapsed();
    assert_eq!(c.neighbors[0].routes.len(), n as usize);
    println!(
        "load() from a file: {:.3} s: {:.0} routes/s",
        took.as_secs_f64(),
        f64::from(n) / took.as_secs_f64()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
