//! Reload: what changes between two configurations.

use std::path::Path;

use herald_config::{diff, parse_str, Config};

fn parse(text: &str) -> Config {
    parse_str(text, Path::new("t.conf")).unwrap_or_else(|e| panic!("{e:?}"))
}

fn conf(extra: &str, routes: &str) -> String {
    format!(
        "process p {{ run /bin/cat; }}\n\
         neighbor 127.0.0.1 {{ local-address 127.0.0.1; local-as 1; peer-as 1; {extra}\n\
           static {{ {routes} }} }}\n\
         neighbor 127.0.0.2 {{ local-address 127.0.0.1; local-as 1; peer-as 2; }}\n"
    )
}

const ROUTES: &str = "route 1.0.0.0/24 next-hop 4.0.0.0; route 2.0.0.0/24 next-hop 4.0.0.0;";

#[test]
fn identical_configurations_have_no_diff() {
    let a = parse(&conf("", ROUTES));
    assert!(diff(&a, &a.clone()).is_empty());
    // Moving a route in the file changes nothing.
    let b = parse(&conf(
        "",
        "route 2.0.0.0/24 next-hop 4.0.0.0; route 1.0.0.0/24 next-hop 4.0.0.0;",
    ));
    assert!(diff(&a, &b).is_empty());
}

#[test]
fn removed_route_is_withdrawn_added_route_announced() {
    let a = parse(&conf("", ROUTES));
    let b = parse(&conf(
        "",
        "route 1.0.0.0/24 next-hop 4.0.0.0; route 3.0.0.0/24 next-hop 4.0.0.0;",
    ));
    let d = diff(&a, &b);
    assert!(d.added.is_empty() && d.removed.is_empty() && d.reset.is_empty());
    assert_eq!(d.changed.len(), 1);
    let c = &d.changed[0];
    assert_eq!(c.key.to_string(), "127.0.0.1");
    let nets = |v: &[herald_config::Route]| {
        v.iter()
            .map(|r| r.prefix().unwrap().net.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(nets(&c.announce), ["3.0.0.0/24"]);
    assert_eq!(nets(&c.withdraw), ["2.0.0.0/24"]);
    assert!(!c.settings_changed);
}

#[test]
fn changed_attributes_or_next_hop_are_a_reannounce() {
    let a = parse(&conf("", ROUTES));
    let b = parse(&conf(
        "",
        "route 1.0.0.0/24 next-hop 4.0.0.1; route 2.0.0.0/24 next-hop 4.0.0.0 med 5;",
    ));
    let d = diff(&a, &b);
    let c = &d.changed[0];
    assert_eq!(c.announce.len(), 2);
    assert!(c.withdraw.is_empty());
    // A different path id is a different route: announce the new one, withdraw the old one.
    let b = parse(&conf(
        "",
        "route 1.0.0.0/24 next-hop 4.0.0.0 path-information 1; route 2.0.0.0/24 next-hop 4.0.0.0;",
    ));
    let c = &diff(&a, &b).changed[0];
    assert_eq!(c.announce.len(), 1);
    assert_eq!(c.withdraw.len(), 1);
    assert_eq!(c.announce[0].prefix().unwrap().path_id, Some(1));
    assert_eq!(c.withdraw[0].prefix().unwrap().path_id, None);
}

#[test]
fn session_parameters_need_a_reset() {
    let a = parse(&conf("", ROUTES));
    for extra in [
        "hold-time 30;",
        "router-id 9.9.9.9;",
        "md5-password x;",
        "passive;",
        "connect 1179;",
        "family { ipv4 unicast; }",
        "capability { route-refresh; }",
        "capability { asn4 disable; }",
        "outgoing-ttl 1;",
    ] {
        let b = parse(&conf(extra, ROUTES));
        let d = diff(&a, &b);
        assert_eq!(d.reset.len(), 1, "{extra}");
        assert!(d.changed.is_empty(), "{extra}");
    }
}

#[test]
fn other_settings_change_without_a_reset() {
    let a = parse(&conf("", ROUTES));
    let b = parse(&conf("description \"x\"; api { processes [ p ]; }", ROUTES));
    let d = diff(&a, &b);
    assert!(d.reset.is_empty());
    assert_eq!(d.changed.len(), 1);
    assert!(d.changed[0].settings_changed);
    assert!(d.changed[0].announce.is_empty());
}

#[test]
fn neighbors_and_processes_added_and_removed() {
    let a = parse(&conf("", ROUTES));
    let b = parse(
        "process p { run /bin/cat; encoder json; }\nprocess q { run /bin/true; }\n\
         neighbor 127.0.0.2 { local-address 127.0.0.1; local-as 1; peer-as 2; }\n\
         neighbor 127.0.0.3 { local-address 127.0.0.1; local-as 1; peer-as 3; }\n",
    );
    let d = diff(&a, &b);
    assert_eq!(
        d.added.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
        ["127.0.0.3"]
    );
    assert_eq!(
        d.removed.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
        ["127.0.0.1"]
    );
    assert!(d.reset.is_empty() && d.changed.is_empty());
    assert_eq!(d.processes_added, ["q"]);
    assert_eq!(d.processes_changed, ["p"]);
    assert!(d.processes_removed.is_empty());
    let back = diff(&b, &a);
    assert_eq!(back.processes_removed, ["q"]);
}

#[test]
fn exabgp_reload_example_withdraws_one_route() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/exabgp-examples");
    let a = herald_config::load(dir.join("api-reload.1.conf")).unwrap();
    let b = herald_config::load(dir.join("api-reload.2.conf")).unwrap();
    let d = diff(&a, &b);
    assert_eq!(d.changed.len(), 1);
    assert_eq!(
        d.changed[0].withdraw[0].prefix().unwrap().net.to_string(),
        "2.0.0.0/24"
    );
    assert!(d.changed[0].announce.is_empty());
}
