//! MRT output end to end: a herald receives routes from another and dumps what it received
//! (`mrt.updates`, BGP4MP_ET) and its Adj-RIB-In (`mrt.table`, TABLE_DUMP_V2); the files read
//! back with herald-mrt hold exactly those routes.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;
use herald_wire::{Context, Family, Message, NlriList};

const SENDER: &str = "127.0.67.1";
const RECEIVER: &str = "127.0.67.2";

const ROUTES: &str = "route 10.0.0.0/8 next-hop 127.0.67.1 community [ 65001:1 ];\n route 10.1.0.0/16 next-hop 127.0.67.1 med 7;\n route 192.0.2.0/24 next-hop 127.0.67.1 as-path [ 65001 64999 ];\n route 2001:db8::/32 next-hop 2001:db8::1;";

fn want() -> BTreeSet<String> {
    ["10.0.0.0/8", "10.1.0.0/16", "192.0.2.0/24", "2001:db8::/32"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            n.starts_with(prefix) && !n.ends_with(".tmp")
        })
        .collect();
    v.sort();
    v
}

/// The prefixes every UPDATE in `paths` announces, and the messages by type.
fn read(paths: &[PathBuf]) -> (BTreeSet<String>, Vec<&'static str>, u64) {
    let mut prefixes = BTreeSet::new();
    let mut kinds = Vec::new();
    let mut skipped = 0;
    for p in paths {
        let mut r = herald_mrt::open(p).unwrap();
        for m in r.by_ref() {
            let m = m.unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let ctx = Context {
                asn4: m.asn4,
                add_path: if m.add_path {
                    vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST]
                } else {
                    Vec::new()
                },
                ..Context::default()
            };
            match Message::decode(&m.message, &ctx).unwrap() {
                Message::Update(u) => {
                    kinds.push("update");
                    for p in &u.nlri {
                        prefixes.insert(p.net.to_string());
                    }
                    if let Some(reach) = u.mp_reach() {
                        if let NlriList::Prefixes(ps) = &reach.nlri {
                            for p in ps {
                                prefixes.insert(p.net.to_string());
                            }
                        }
                    }
                }
                Message::Open(_) => kinds.push("open"),
                Message::Keepalive => kinds.push("keepalive"),
                Message::Notification(_) => kinds.push("notification"),
                Message::RouteRefresh(_) => kinds.push("refresh"),
            }
        }
        skipped += r.skipped();
    }
    (prefixes, kinds, skipped)
}

fn start(dir: &Path, env: &[(&str, &str)]) -> (Daemon, Daemon) {
    let port = free_port(RECEIVER);
    let rx = Daemon::start_with_env(
        dir,
        "rx",
        &receiver_conf(RECEIVER, SENDER, port, 65002, 65001),
        env,
    );
    rx.wait("listening", |_, e| e.contains("listening"));
    let tx = Daemon::start(
        dir,
        "tx",
        &sender_conf(SENDER, RECEIVER, port, 65001, 65002, ROUTES),
    );
    rx.wait("two End-of-RIBs", |o, _| count(o, "\"eor\"") == 2);
    (tx, rx)
}

#[test]
fn received_messages_are_dumped_as_bgp4mp_and_read_back() {
    let dir = tempdir("mrt-updates");
    let template = format!("{}/updates.%Y%m%d.%H%M.gz", dir.display());
    let (_tx, mut rx) = start(&dir, &[("herald.mrt.updates", &template)]);
    // SIGTERM: the file gets its last records and its gzip trailer.
    assert!(rx.stop().success());
    let f = files(&dir, "updates.");
    assert_eq!(f.len(), 1, "{f:?}");
    let name = f[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.len() == "updates.20261203.1230.gz".len() && name.ends_with(".gz"),
        "{name}"
    );
    let (prefixes, kinds, skipped) = read(&f);
    assert_eq!(prefixes, want());
    assert_eq!(kinds.first(), Some(&"open"), "{kinds:?}");
    assert!(kinds.contains(&"keepalive"));
    assert!(
        kinds.iter().filter(|k| **k == "update").count() >= 4,
        "{kinds:?}"
    );
    // State changes (connect … established) are records too; the reader skips them.
    assert!(skipped >= 3, "{skipped}");
}

#[test]
fn updates_files_rotate_by_size_and_lose_nothing() {
    let dir = tempdir("mrt-rotate");
    let template = format!("{}/u.%Y%m%d", dir.display());
    let (_tx, mut rx) = start(
        &dir,
        &[
            ("herald.mrt.updates", &template),
            ("herald.mrt.updates-interval", "0"),
            ("herald.mrt.updates-size", "100"),
        ],
    );
    assert!(rx.stop().success());
    let f = files(&dir, "u.");
    assert!(f.len() >= 4, "{f:?}");
    // The first file has the template's name, the next ones .1, .2, …
    assert!(
        f.iter().any(|p| p.to_string_lossy().ends_with(".1")),
        "{f:?}"
    );
    let (prefixes, _, _) = read(&f);
    assert_eq!(prefixes, want());
}

#[test]
fn table_dump_v2_snapshots_hold_the_adj_rib_in() {
    let dir = tempdir("mrt-table");
    let template = format!("{}/rib.%Y%m%d.%H%M%S.gz", dir.display());
    let (_tx, rx) = start(
        &dir,
        &[
            ("herald.mrt.table", &template),
            ("herald.mrt.table-interval", "1"),
        ],
    );
    rx.wait("a snapshot", |_, e| {
        e.contains("MRT table snapshot written")
    });
    let f = files(&dir, "rib.");
    assert!(!f.is_empty());
    let mut r = herald_mrt::open(&f[0]).unwrap();
    let mut prefixes = BTreeSet::new();
    let mut med = None;
    for m in r.by_ref() {
        let m = m.unwrap();
        assert_eq!(m.source, herald_mrt::Source::TableDumpV2);
        assert_eq!(m.peer_ip.to_string(), SENDER);
        assert_eq!(m.peer_as, 65001);
        let Message::Update(u) = Message::decode(&m.message, &Context::default()).unwrap() else {
            panic!("not an UPDATE");
        };
        for p in &u.nlri {
            prefixes.insert(p.net.to_string());
            if p.net.to_string() == "10.1.0.0/16" {
                med = u.attributes.iter().find_map(|a| match a.value {
                    herald_wire::AttrValue::Med(m) => Some(m),
                    _ => None,
                });
            }
        }
        if let Some(reach) = u.mp_reach() {
            if let NlriList::Prefixes(ps) = &reach.nlri {
                prefixes.extend(ps.iter().map(|p| p.net.to_string()));
                assert_eq!(
                    reach.next_hop,
                    herald_wire::attr::NextHop::Ipv6("2001:db8::1".parse().unwrap())
                );
            }
        }
    }
    assert_eq!(prefixes, want());
    assert_eq!(med, Some(7));
    assert_eq!(r.skipped(), 0);
}

#[test]
fn announce_mrt_injects_a_snapshot_with_rewritten_next_hop_and_path() {
    let dir = tempdir("mrt-inject");
    let template = format!("{}/rib.%Y%m%d.%H%M%S", dir.display());
    let (_tx, rx) = start(
        &dir,
        &[
            ("herald.mrt.table", &template),
            ("herald.mrt.table-interval", "1"),
        ],
    );
    rx.wait("a snapshot", |_, e| {
        e.contains("MRT table snapshot written")
    });
    let snap = files(&dir, "rib.").remove(0);
    // A third herald (AS 65003) injects the snapshot into a fourth (AS 65004).
    let port = free_port("127.0.67.4");
    let sink = Daemon::start(
        &dir,
        "sink",
        &receiver_conf("127.0.67.4", "127.0.67.3", port, 65004, 65003),
    );
    sink.wait("listening", |_, e| e.contains("listening"));
    let sock = dir.join("inj.sock");
    let _inj = Daemon::start_with_args(
        &dir,
        "inj",
        &sender_conf("127.0.67.3", "127.0.67.4", port, 65003, 65004, ""),
        &[],
        &["--control", sock.to_str().unwrap()],
    );
    sink.wait("the injector's End-of-RIBs", |o, _| {
        count(o, "\"eor\"") == 2
    });
    let (ok, out) = ctl(
        &sock,
        &format!(
            "announce mrt {} next-hop self prepend 65003 64512",
            snap.display()
        ),
    );
    assert!(ok, "{out}");
    sink.wait("the four injected routes", |o, _| {
        want().iter().all(|p| o.contains(&format!("\"{p}\"")))
    });
    let o = sink.out();
    // The file's path (65001 from the snapshot, [65001 64999] for 192.0.2.0/24) behind the
    // prepended ASes; the next hop is the injector's own address.
    assert!(o.contains("\"value\": [65003, 64512, 65001, 64999]"), "{o}");
    assert!(o.contains("\"127.0.67.3\""), "{o}");
    // Bad requests are errors, and nothing is half done.
    let (ok, out) = ctl(&sock, "announce mrt /nonexistent/file");
    assert!(!ok && out.contains("nonexistent"), "{out}");
    let (ok, out) = ctl(
        &sock,
        &format!("announce mrt {} peer 192.0.2.77", snap.display()),
    );
    assert!(!ok && out.contains("192.0.2.77"), "{out}");
    let (ok, out) = ctl(
        &sock,
        &format!("announce mrt {} colour blue", snap.display()),
    );
    assert!(!ok && out.contains("unknown option"), "{out}");
}
