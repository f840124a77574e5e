//! Errors name the file, line and column of the token at fault, all of them are reported,
//! and no partial configuration is returned.

use std::path::Path;

use herald_config::parse_str;

/// `file:line:col: message (at 'token')` for every error.
fn errors(text: &str) -> Vec<String> {
    match parse_str(text, Path::new("bad.conf")) {
        Ok(_) => panic!("parsed without error"),
        Err(e) => e.iter().map(|e| e.to_string()).collect(),
    }
}

fn one(text: &str) -> String {
    let e = errors(text);
    assert_eq!(e.len(), 1, "{e:#?}");
    e.into_iter().next().unwrap()
}

const HEAD: &str =
    "neighbor 127.0.0.1 {\n  local-address 127.0.0.1;\n  local-as 1;\n  peer-as 1;\n";

#[test]
fn display_format() {
    assert_eq!(
        one(&format!("{HEAD}  hold-time 2;\n}}\n")),
        "bad.conf:5:13: hold-time must be 0 or at least 3 seconds (RFC 4271 §4.2) (at '2')"
    );
}

#[test]
fn hold_time_one_and_two_are_refused_but_zero_is_fine() {
    assert!(one(&format!("{HEAD}  hold-time 1;\n}}\n")).starts_with("bad.conf:5:13:"));
    assert!(parse_str(&format!("{HEAD}  hold-time 0;\n}}\n"), Path::new("x")).is_ok());
    assert!(one(&format!("{HEAD}  hold-time 70000;\n}}\n")).contains("0-65535"));
}

#[test]
fn missing_asns() {
    assert_eq!(
        one("neighbor 10.0.0.1 {\n  local-address 10.0.0.2;\n  local-as 1;\n}\n"),
        "bad.conf:1:1: neighbor 10.0.0.1 has no peer-as (at 'neighbor')"
    );
    let e = errors("neighbor 10.0.0.1 { local-address 10.0.0.2; }");
    assert_eq!(e.len(), 2);
    assert!(e[0].contains("no local-as") && e[1].contains("no peer-as"));
}

#[test]
fn unknown_keys_blocks_and_values() {
    assert_eq!(
        one(&format!("{HEAD}  hold-tme 30;\n}}\n")),
        "bad.conf:5:3: unknown neighbor setting 'hold-tme' (did you mean 'hold-time'?) (at 'hold-tme')"
    );
    assert_eq!(
        one(&format!(
            "{HEAD}  stattic {{ route 1.0.0.0/8 next-hop 1.1.1.1; }}\n}}\n"
        )),
        "bad.conf:5:3: unknown block 'stattic' in neighbor (did you mean 'static'?) (at 'stattic')"
    );
    assert_eq!(
        one(&format!(
            "{HEAD}  capability {{\n    route-refresh maybe;\n  }}\n}}\n"
        )),
        "bad.conf:6:19: 'route-refresh' takes true|false|enable|disable (at 'maybe')"
    );
    assert_eq!(
        one("nieghbor 1.1.1.1 { }"),
        "bad.conf:1:1: unknown block 'nieghbor' (did you mean 'neighbor'?) (at 'nieghbor')"
    );
}

#[test]
fn all_errors_are_collected() {
    let e = errors(&format!(
        "{HEAD}  hold-time 2;\n  router-id 300.1.1.1;\n  static {{\n    route 10.0.0.1/8 next-hop 1.1.1.1;\n    route 10.0.0.0/8 med 5;\n  }}\n}}\nneighbor 127.0.0.1 {{ local-as 1; }}\n"
    ));
    assert_eq!(
        e,
        [
            "bad.conf:5:13: hold-time must be 0 or at least 3 seconds (RFC 4271 §4.2) (at '2')",
            "bad.conf:6:13: router-id must be an IPv4 address (at '300.1.1.1')",
            "bad.conf:8:11: host bits set in the prefix (did you mean 10.0.0.0/8?) (at '10.0.0.1/8')",
            "bad.conf:9:5: route has no next-hop (at 'route')",
            "bad.conf:12:1: neighbor 127.0.0.1 has no peer-as (at 'neighbor')",
            "bad.conf:12:1: neighbor 127.0.0.1 needs a router-id (it can only default to an IPv4 local-address) (at 'neighbor')",
        ]
    );
}

#[test]
fn duplicate_neighbors_processes_and_templates() {
    let e = errors(&format!("{HEAD}}}\n{HEAD}}}\n"));
    assert_eq!(
        e,
        ["bad.conf:6:1: neighbor 127.0.0.1 is defined twice (first at line 1) (at 'neighbor')"]
    );
    assert_eq!(
        one("process a { run x; }\nprocess a { run y; }\n"),
        "bad.conf:2:1: process 'a' is defined twice (at 'process')"
    );
    assert_eq!(
        one("template { neighbor t { } neighbor t { } }"),
        "bad.conf:1:36: template 't' is defined twice (at 't')"
    );
    assert_eq!(
        one("process p { encoder json; }"),
        "bad.conf:1:1: process 'p' has no 'run' (at 'process')"
    );
}

#[test]
fn unknown_template_and_process() {
    assert_eq!(
        one(&format!("{HEAD}  inherit nothing;\n}}\n")),
        "bad.conf:5:11: unknown template 'nothing' (at 'nothing')"
    );
    assert_eq!(
        one(&format!("{HEAD}  api {{ processes [ ghost ]; }}\n}}\n")),
        "bad.conf:5:21: unknown process 'ghost' (at 'ghost')"
    );
}

#[test]
fn route_family_must_be_negotiated() {
    assert_eq!(
        one(&format!(
            "{HEAD}  family {{ ipv4 unicast; }}\n  static {{\n    route 2001:db8::/32 next-hop ::1;\n  }}\n}}\n"
        )),
        "bad.conf:7:5: route 2001:db8::/32 is ipv6 unicast but the neighbor's family block does not list it (at '2001:db8::/32')"
    );
}

#[test]
fn next_hop_families_must_match() {
    let e = one(&format!(
        "{HEAD}  static {{\n    route 10.0.0.0/8 next-hop 2001:db8::1;\n  }}\n}}\n"
    ));
    assert!(
        e.starts_with("bad.conf:6:5: route 10.0.0.0/8 is ipv4 but the next hop is ipv6"),
        "{e}"
    );
    let e = one(
        "neighbor ::1 {\n router-id 1.1.1.1;\n local-address ::2;\n local-as 1;\n peer-as 1;\n static { route 10.0.0.0/8 next-hop self; }\n}\n",
    );
    assert!(
        e.starts_with(
            "bad.conf:6:11: route 10.0.0.0/8 is ipv4 but next-hop self is the ipv6 local-address"
        ),
        "{e}"
    );
    assert!(one(
        "neighbor 127.0.0.1 { local-address ::1; local-as 1; peer-as 1; router-id 1.1.1.1; }"
    )
    .contains("same family"));
}

#[test]
fn ranges_only_for_passive_neighbors() {
    assert_eq!(
        one("neighbor 10.0.0.0/24 { local-address 10.0.0.254; local-as 1; peer-as 1; }"),
        "bad.conf:1:10: a neighbor address range is only allowed for passive neighbors (add 'passive;') (at '10.0.0.0/24')"
    );
}

#[test]
fn unsupported_constructs_say_so_at_the_right_place() {
    let e = errors(&format!(
        "{HEAD}  family {{\n    ipv4 sr-policy;\n  }}\n  operational {{\n    x {{ }}\n  }}\n  static {{\n    route 10.0.0.0/24 next-hop 1.1.1.1 bgp-prefix-sid 777;\n  }}\n}}\n"
    ));
    assert_eq!(
        e,
        [
            "bad.conf:6:5: unsupported: family ipv4 sr-policy (only IPv4/IPv6 unicast, multicast, labeled unicast (nlri-mpls), MPLS VPN, flow, MCAST-VPN, MUP, IPv4 RTC, L2VPN EVPN and VPLS are implemented) (at 'ipv4')",
            "bad.conf:8:3: unsupported: operational (not implemented yet) (at 'operational')",
            "bad.conf:12:55: expected '[ <label-index> ]' or '[ <label-index>, [ ( <base>,<range> ) ] ]' (at '777')",
        ]
    );
    assert_eq!(
        one(&format!("{HEAD}  announce {{\n    ipv4 {{\n      sr-policy 65000:1;\n    }}\n  }}\n}}\n")),
        "bad.conf:7:7: unsupported: family ipv4 sr-policy (only IPv4/IPv6 unicast, multicast, labeled unicast (nlri-mpls), MPLS VPN, flow, MCAST-VPN, MUP, IPv4 RTC, L2VPN EVPN and VPLS are implemented) (at 'sr-policy')"
    );
    assert!(one(&format!("{HEAD}  l2vpn {{ vpls x {{ }} }}\n}}\n"))
        .contains("a VPLS route needs rd, endpoint, base, offset, size"));
}

#[test]
fn lexical_errors() {
    assert_eq!(
        one(&format!("{HEAD}  description \"open;\n}}\n")),
        "bad.conf:5:15: quoted string not closed on this line (at '\"open;')"
    );
    assert_eq!(
        one("neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1; static { route 1.0.0.0/8 next-hop 1.1.1.1 } } ; foo;"),
        "bad.conf:1:118: unexpected 'foo' at top level (at 'foo')"
    );
}

#[test]
fn load_reports_io_and_encoding_errors() {
    let e = herald_config::load("/nonexistent/herald.conf").unwrap_err();
    assert!(e[0].message.starts_with("cannot read the file"));
    let dir = std::env::temp_dir().join(format!("herald-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("latin1.conf");
    std::fs::write(&p, b"# ok\nneighbor \xe9 { }\n").unwrap();
    let e = herald_config::load(&p).unwrap_err();
    assert_eq!((e[0].line, e[0].col), (2, 10));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn error_count_is_bounded() {
    let text: String = (0..500).map(|i| format!("bogus{i};\n")).collect();
    assert_eq!(errors(&text).len(), 100);
}
