//! `announce mrt FILE …` parses into what the daemon injects, and bad forms are refused at
//! their column.

use herald_api::command::{parse, AsPathRewrite, Command, MrtInject};
use herald_config::NextHopSpec;

fn inject(line: &str) -> MrtInject {
    match parse(line).map(|l| l.command) {
        Ok(Command::InjectMrt(m)) => m,
        other => panic!("{line}: {other:?}"),
    }
}

#[test]
fn every_option() {
    let m = inject("announce mrt /data/rib.gz");
    assert_eq!(m.path, "/data/rib.gz");
    assert_eq!(
        (m.peer, m.next_hop, m.as_path, m.count),
        (None, None, AsPathRewrite::Keep, None)
    );
    let m = inject("announce mrt rib peer 2001:db8::1 next-hop self prepend 65000 65001 count 10");
    assert_eq!(m.peer, Some("2001:db8::1".parse().unwrap()));
    assert_eq!(m.next_hop, Some(NextHopSpec::SelfAddr));
    assert_eq!(m.as_path, AsPathRewrite::Prepend(vec![65000, 65001]));
    assert_eq!(m.count, Some(10));
    let m = inject("announce mrt rib next-hop 192.0.2.1 as-path [ 64500 64501 ]");
    assert_eq!(
        m.next_hop,
        Some(NextHopSpec::Ip("192.0.2.1".parse().unwrap()))
    );
    assert_eq!(m.as_path, AsPathRewrite::Replace(vec![64500, 64501]));
    // With a neighbor selector.
    let l = parse("neighbor 192.0.2.9 announce mrt rib").unwrap();
    assert_eq!(l.selectors.len(), 1);
}

#[test]
fn bad_forms_are_refused_where_they_go_wrong() {
    for (line, col, what) in [
        ("announce mrt", 13, "file"),
        ("announce mrt rib peer", 22, "needs a value"),
        ("announce mrt rib peer nowhere", 23, "not an IP"),
        ("announce mrt rib next-hop elsewhere", 27, "not an IP"),
        ("announce mrt rib prepend x", 26, "AS number"),
        ("announce mrt rib as-path [ 1 2", 31, "not closed"),
        ("announce mrt rib as-path 1", 26, "[ ASN"),
        ("announce mrt rib count many", 24, "number"),
        ("announce mrt rib colour blue", 18, "unknown option"),
        ("withdraw mrt rib", 10, "unknown command"),
    ] {
        let e = parse(line).expect_err(line);
        assert!(e.message.contains(what), "{line}: {e}");
        assert_eq!(e.column, col, "{line}: {e}");
    }
}
