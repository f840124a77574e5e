//! herald's own `vpn { }` block: settings, defaults, and every bad value refused at its
//! file:line:col. What each setting does in the daemon is shown by crates/herald/tests/vpn.rs
//! and tests/interop/herald-vpn-evpn.sh.

use std::path::Path;

use herald_config::{parse_str, Config, VpnDataplane};

fn parse(text: &str) -> Config {
    parse_str(text, Path::new("vpn.conf")).unwrap_or_else(|e| panic!("{e:#?}"))
}

fn errors(text: &str) -> Vec<String> {
    match parse_str(text, Path::new("vpn.conf")) {
        Ok(_) => panic!("parsed without error: {text}"),
        Err(e) => e.iter().map(|e| e.to_string()).collect(),
    }
}

fn one(text: &str) -> String {
    let e = errors(text);
    assert_eq!(e.len(), 1, "{e:#?}");
    e.into_iter().next().unwrap_or_default()
}

#[test]
fn every_setting_is_read_and_the_rest_default_as_bagpipe() {
    let c = parse(
        "vpn {\n  local-address 10.0.0.1;   # the dataplane address\n  rest 127.0.0.1:9082;\n  \
         evpn-dataplane record;\n  ipvpn-dataplane record;\n  vxlan-port 8472;\n  \
         label-range 100 200;\n  vni-range 5000 5999;\n  rd-range 10 20;\n  rtc false;\n}\n",
    );
    let v = c.vpn.expect("vpn block");
    assert_eq!(v.local_address, std::net::Ipv4Addr::new(10, 0, 0, 1));
    assert_eq!(v.rest.to_string(), "127.0.0.1:9082");
    assert_eq!(v.evpn_dataplane, VpnDataplane::Record);
    assert_eq!(v.ipvpn_dataplane, VpnDataplane::Record);
    assert_eq!(v.vxlan_port, 8472);
    assert_eq!(v.label_range, (100, 200));
    assert_eq!(v.vni_range, (5000, 5999));
    assert_eq!(v.rd_range, (10, 20));
    assert!(!v.rtc);
    assert_eq!((v.span.line, v.span.col), (1, 1));

    let d = parse("vpn { local-address 192.0.2.1; }\n")
        .vpn
        .expect("vpn block");
    assert_eq!(d.rest.to_string(), "127.0.0.1:8082");
    assert_eq!(d.evpn_dataplane, VpnDataplane::Linux);
    assert_eq!(d.ipvpn_dataplane, VpnDataplane::Record);
    assert_eq!(d.vxlan_port, 4789);
    assert_eq!(d.label_range, (16, 1_048_575));
    assert_eq!(d.vni_range, (1, 16_777_215));
    assert_eq!(d.rd_range, (1, 65535));
    assert!(d.rtc);
    assert!(
        parse("neighbor 10.0.0.2 { router-id 10.0.0.1; local-as 1; peer-as 1; }\n")
            .vpn
            .is_none()
    );
    let v6 = parse("vpn { local-address 10.0.0.1; rest ::1 8082; }\n");
    assert_eq!(
        v6.vpn.map(|v| v.rest.to_string()),
        Some("[::1]:8082".into())
    );
}

#[test]
fn bad_values_are_refused_at_their_place() {
    let cases: &[(&str, &str)] = &[
        (
            "vpn {\n  rest 127.0.0.1:8082;\n}\n",
            "vpn.conf:1:1: the vpn block needs 'local-address'",
        ),
        (
            "vpn {\n  local-address 2001:db8::1;\n}\n",
            "vpn.conf:2:17: vpn local-address must be an IPv4 address",
        ),
        (
            "vpn {\n  local-address 0.0.0.0;\n}\n",
            "vpn.conf:2:17: vpn local-address must be a unicast address",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  rest 127.0.0.1;\n}\n",
            "vpn.conf:3:8: rest takes ADDRESS:PORT",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  rest 127.0.0.1:0;\n}\n",
            "vpn.conf:3:8: rest: the port must be 1-65535",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  evpn-dataplane ovs;\n}\n",
            "vpn.conf:3:18: evpn-dataplane takes linux or record",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  ipvpn-dataplane linux;\n}\n",
            "vpn.conf:3:19: unsupported: ipvpn-dataplane linux",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  ipvpn-dataplane dummy;\n}\n",
            "vpn.conf:3:19: ipvpn-dataplane takes record",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  vxlan-port 0;\n}\n",
            "vpn.conf:3:14: vxlan-port takes a UDP port, 1-65535",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  label-range 15 100;\n}\n",
            "vpn.conf:3:15: label-range takes MPLS labels, 16-1048575",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  label-range 16 1048576;\n}\n",
            "vpn.conf:3:18: label-range takes MPLS labels, 16-1048575",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  vni-range 9 8;\n}\n",
            "vpn.conf:3:15: vni-range: 8 is below 9",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  vni-range 0 8;\n}\n",
            "vpn.conf:3:13: vni-range takes VNIs, 1-16777215",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  rd-range 1 65536;\n}\n",
            "vpn.conf:3:14: rd-range takes route distinguisher numbers, 0-65535",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  rd-range 1;\n}\n",
            "vpn.conf:3:3: 'rd-range' needs the last of the range",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  rtc maybe;\n}\n",
            "vpn.conf:3:7: 'rtc' takes true|false|enable|disable",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  vxlan-prot 4789;\n}\n",
            "vpn.conf:3:3: unknown vpn setting 'vxlan-prot' (did you mean 'vxlan-port'?)",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  rtc true false;\n}\n",
            "vpn.conf:3:12: unexpected 'false'",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n  rest { }\n}\n",
            "vpn.conf:3:3: unexpected block 'rest' in vpn",
        ),
        (
            "vpn one {\n  local-address 10.0.0.1;\n}\n",
            "vpn.conf:1:5: 'vpn' takes no name",
        ),
        (
            "vpn {\n  local-address 10.0.0.1;\n}\nvpn {\n  local-address 10.0.0.2;\n}\n",
            "vpn.conf:4:1: the 'vpn' block is written twice",
        ),
    ];
    for (text, want) in cases {
        let got = one(text);
        assert!(
            got.starts_with(want),
            "{text:?}\n  got: {got}\n want: {want}…"
        );
    }
}
