//! Flow rules: every component and action against the octets ExaBGP 5.0.15 sends for the
//! same text (captured from ExaBGP against tests/interop/sink.py, as described in
//! tests/flow.rs), and the errors.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use herald_wire::attr::ExtCommunity;
use herald_wire::{AttrValue, Family};

use crate::model::NextHopSpec;
use crate::{parse_family_flow_command, parse_flow_command, parse_str, FlowRule};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn rule(line: &str) -> FlowRule {
    parse_flow_command(line).unwrap_or_else(|e| panic!("{line}: {e}"))
}

/// The NLRI, with its length, in hex.
fn nlri(line: &str) -> String {
    let mut b = Vec::new();
    rule(line).spec.encode(false, &mut b);
    hex(&b)
}

/// The extended communities in hex, in the order sent.
fn ext(line: &str) -> Vec<String> {
    rule(line)
        .ext_communities()
        .iter()
        .map(|c| hex(&c.0))
        .collect()
}

fn error(line: &str) -> String {
    match parse_flow_command(line) {
        Ok(r) => panic!("{line}: accepted as {r:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn ipv4_prefixes() {
    assert_eq!(
        nlri("route destination 10.0.0.0/24 source 10.0.0.1/32 discard"),
        "0b01180a000002200a000001"
    );
    assert_eq!(
        nlri("route destination 0.0.0.0/0 source 128.0.0.0/1 discard"),
        "050100020180"
    );
    assert_eq!(
        nlri("route destination 10.6.128.0/17 source 10.128.0.0/9 discard"),
        "0901110a068002090a80"
    );
    // The aliases ExaBGP takes.
    assert_eq!(
        nlri("route destination-ipv4 10.0.0.0/24 source-ipv4 10.0.0.1/32"),
        nlri("route destination 10.0.0.0/24 source 10.0.0.1/32")
    );
}

#[test]
fn ipv6_prefixes_with_offsets() {
    let r = rule("route destination 2001:db8:1::/48 source ::1/128/120 discard");
    assert_eq!(r.family, Family::IPV6_FLOW);
    let mut b = Vec::new();
    r.spec.encode(false, &mut b);
    assert_eq!(hex(&b), "0d01300020010db8000102807801");
    assert_eq!(
        r.spec.components[1].ipv6_prefix(),
        Some((Ipv6Addr::LOCALHOST, 128, 120))
    );
    assert_eq!(
        nlri("route destination ::/0 source 2001:db8::/64/32"),
        "0a01000002402000000000"
    );
    assert_eq!(
        nlri("route destination 2001:db8:0:ff00::/56/33"),
        "060138210001fe"
    );
}

#[test]
fn every_numeric_component() {
    // protocol, port, destination-port, source-port, icmp-type, icmp-code, packet-length,
    // dscp: type code and operator lists as ExaBGP sends them.
    let cases = [
        (
            "protocol [ 0x06 17 icmp gre tcp+udp ]",
            "03010601110101012f8117",
        ),
        ("next-header udp", "038111"),
        ("port [ =80 =8080 ]", "040150911f90"),
        (
            "destination-port [ >8080&<8088 =3128 ]",
            "05121f90541f98910c38",
        ),
        ("source-port >1024", "06920400"),
        (
            "icmp-type [ echo-request 3 TIME_EXCEEDED ]",
            "0701080103810b",
        ),
        ("icmp-code [ port-unreachable 0x4 ]", "08010381 04"),
        (
            "packet-length [ >200&<300 >400&<500 ]",
            "0a02c854012c120190d401f4",
        ),
        ("dscp [ 10 63 ]", "0b010a813f"),
        ("traffic-class 255", "0b81ff"),
        (
            "port [ http https ssh bgp 0x1F90 domain+1 ]",
            "04015011 01bb011601b3111f908136",
        ),
    ];
    for (m, want) in cases {
        let want = want.replace(' ', "");
        let line = format!("route {m} discard");
        let got = nlri(&line);
        assert_eq!(&got[2..], want, "{m}");
    }
}

#[test]
fn numeric_operators() {
    assert_eq!(
        nlri("route destination-port [ >=1024&<=2048 !=3 <5 >7 =9 true5 false6 ]"),
        "1305130400550800060304050207010907058006"
    );
    // A repeated keyword ORs its values with the first ones.
    let mut d = crate::parse_str(
        "neighbor 10.0.0.1 { router-id 1.1.1.1; local-as 1; peer-as 1; flow { route r { \
         match { destination 10.5.0.0/24; destination-port =80; destination-port =443; dscp 0; } \
         then { discard; } } } }",
        std::path::Path::new("t.conf"),
    )
    .unwrap();
    let f = d.neighbors.remove(0).flows.remove(0);
    let mut b = Vec::new();
    f.spec.encode(false, &mut b);
    assert_eq!(hex(&b), "0e01180a05000501509101bb0b8100");
}

#[test]
fn bitmask_components() {
    assert_eq!(
        nlri("route tcp-flags [ syn+ack !syn =syn !=syn ns fin&!ack 0x12 ] discard"),
        "12090012020201020302100100000142108012"
    );
    assert_eq!(nlri("route tcp-flags !=urgent&=cwr"), "05090320c180");
    assert_eq!(
        nlri("route tcp-flags [SYN RST&FIN&!=push]"),
        "0909000200044001c308"
    );
    assert_eq!(
        nlri(
            "route fragment [ dont-fragment is-fragment+first-fragment !last-fragment \
             =is-fragment&!=dont-fragment ]"
        ),
        "0b0c0001000602080102c301"
    );
}

#[test]
fn ipv6_components_and_flow_label() {
    let r = rule(
        "route destination ::/0 source 2001:db8::/64/32 next-header [ tcp udp ] \
         traffic-class 255 flow-label [ >100&<2000 1048575 ] redirect 2001:db8::1",
    );
    let mut b = Vec::new();
    r.spec.encode(false, &mut b);
    assert_eq!(
        hex(&b),
        "1d0100000240200000000003010681110b81ff0d02645407d0a1000fffff"
    );
    assert_eq!(
        r.next_hop,
        NextHopSpec::Ip(IpAddr::V6("2001:db8::1".parse().unwrap()))
    );
    assert_eq!(
        r.ext_communities(),
        [ExtCommunity::redirect_to_next_hop(false)]
    );
}

#[test]
fn flow_vpn_route_distinguishers() {
    let r = parse_flow_command(
        "route { rd 65535:65536; match { destination 10.0.0.0/24; } then { discard; } }",
    )
    .unwrap();
    assert_eq!(r.family, Family::IPV4_FLOW_VPN);
    let mut b = Vec::new();
    r.spec.encode(false, &mut b);
    assert_eq!(hex(&b), "0d0000ffff0001000001180a0000");
    for (rd, want) in [
        ("1.2.3.4:5", "0001010203040005"),
        ("4200000000:7", "0002fa56ea000007"),
        ("65000:1", "0000fde800000001"),
    ] {
        let r = rule(&format!("route rd {rd} destination 10.0.0.0/24"));
        assert_eq!(hex(&r.spec.rd.unwrap().0), want, "{rd}");
    }
    let r = rule("route route-distinguisher 65000:1 destination 2001:db8::/32");
    assert_eq!(r.family, Family::IPV6_FLOW_VPN);
}

#[test]
fn every_action() {
    let d = "route destination 10.0.0.0/24 ";
    let cases: [(&str, &[&str]); 18] = [
        ("accept", &[]),
        ("discard", &["8006000000000000"]),
        ("rate-limit 9600", &["8006000046160000"]),
        ("rate-limit 1000 bytes", &["80060000447a0000"]),
        ("rate-limit 1250000000", &["800600004e9502f9"]),
        ("rate-limit 2000000000000", &["800600005368d4a5"]),
        ("rate-limit 0 packets", &["800c000000000000"]),
        ("rate-limit 1000 packets", &["800c0000447a0000"]),
        ("redirect 65500:12345", &["8008ffdc00003039"]),
        ("redirect 258:33756718", &["800801020203162e"]),
        ("redirect 4200000000:100", &["8208fa56ea000064"]),
        ("redirect 192.0.2.1:5678", &["8108c0000201162e"]),
        ("redirect-to-nexthop", &["0800000000000000"]),
        ("redirect-to-nexthop-ietf 1.2.3.4", &["010c010203040000"]),
        ("mark 63", &["800900000000003f"]),
        ("action sample", &["8007000000000002"]),
        ("action sample-terminal", &["8007000000000003"]),
        ("action terminal", &["8007000000000001"]),
    ];
    for (then, want) in cases {
        assert_eq!(ext(&format!("{d}{then}")), want, "{then}");
    }
    // ExaBGP looks for the words anywhere in the value.
    assert_eq!(ext(&format!("{d}action foo-sample")), ["8007000000000002"]);
    let r = rule(&format!("{d}copy 192.0.2.11"));
    assert_eq!(
        r.ext_communities(),
        [ExtCommunity::redirect_to_next_hop(true)]
    );
    assert_eq!(
        r.next_hop,
        NextHopSpec::Ip(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 11)))
    );
    let r = rule(&format!("{d}redirect 192.0.2.1"));
    assert_eq!(hex(&r.ext_communities()[0].0), "0800000000000000");
    assert_eq!(
        r.next_hop,
        NextHopSpec::Ip(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)))
    );
    let r = rule(&format!("{d}redirect-to-nexthop-ietf 2001:db8::10"));
    match &r.attributes[..] {
        [a] => match &a.value {
            AttrValue::Ipv6ExtCommunities(c) => {
                assert_eq!(hex(&c[0].0), "000c20010db80000000000000000000000100000")
            }
            v => panic!("{v:?}"),
        },
        v => panic!("{v:?}"),
    }
}

#[test]
fn actions_and_communities_are_sorted_as_exabgp_sends_them() {
    let r = rule(
        "route destination 10.10.0.21/32 discard community [ 65000:2 65000:1 no-export ] \
         large-community [ 65000:3:2 65000:1:2 65000:1:2 ] extended-community [ \
         target:65000:1 origin:192.0.2.1:7 redirect:65000:2 redirect-to-nexthop ]",
    );
    let enc: Vec<String> = r
        .attributes
        .iter()
        .map(|a| {
            let mut b = Vec::new();
            a.encode(&herald_wire::Context::default(), &mut b);
            hex(&b)
        })
        .collect();
    assert_eq!(
        enc,
        [
            "c0080cfde80001fde80002ffffff01",
            "c01028\
             0002fde800000001\
             0103c00002010007\
             0800000000000000\
             8006000000000000\
             8008fde800000002",
            "c02018\
             0000fde8000000010000000200\
             00fde80000000300000002",
        ]
    );
    assert_eq!(
        ext(
            "route destination 10.0.0.0/24 rate-limit 100000 mark 10 action terminal \
             redirect 65000:7"
        ),
        [
            "8006000047c35000",
            "8007000000000001",
            "8008fde800000007",
            "800900000000000a"
        ]
    );
}

#[test]
fn interface_sets() {
    assert_eq!(
        ext(
            "route destination 10.0.0.0/24 interface-set [ non-transitive:input:3405770241:1 \
             transitive:output:254:254 transitive:input-output:0:16383 ] discard"
        ),
        [
            "070200000000ffff",
            "0702000000fe80fe",
            "4702caffee014001",
            "8006000000000000"
        ]
    );
    let r = parse_flow_command(
        "route { match { source 10.40.0.5/32; } scope { interface-set [ transitive:input:1234:10 ]; } then { discard; } }",
    )
    .unwrap();
    assert_eq!(
        r.ext_communities()
            .iter()
            .map(|c| hex(&c.0))
            .collect::<Vec<_>>(),
        ["0702000004d2400a", "8006000000000000"]
    );
}

#[test]
fn flowspec_extended_communities_by_name() {
    let cases = [
        ("rate-limit:9600", "8006000046160000"),
        ("rate-limit:0", "8006000000000000"),
        ("rate-limit:1000:packets", "800c0000447a0000"),
        ("mark:46", "800900000000002e"),
        ("action:sample-terminal", "8007000000000003"),
        ("redirect-to-nexthop", "0800000000000000"),
        ("copy-to-nexthop", "0800000000000001"),
        ("redirect:65500:12345", "8008ffdc00003039"),
    ];
    for (c, want) in cases {
        assert_eq!(
            ext(&format!(
                "route destination 10.0.0.0/24 extended-community {c}"
            )),
            [want],
            "{c}"
        );
    }
    // The same on a unicast route.
    let r = crate::parse_route_spec(
        "10.0.0.0/24 next-hop 1.2.3.4 extended-community [ rate-limit:0 mark:1 ]",
    )
    .unwrap();
    assert_eq!(
        r.attributes[0].value,
        AttrValue::ExtCommunities(vec![
            ExtCommunity::traffic_rate_bytes(0, 0.0),
            ExtCommunity::traffic_marking(1)
        ])
    );
    for bad in [
        "mark:64",
        "action:foo",
        "rate-limit:x",
        "rate-limit:1:frames",
    ] {
        let e = error(&format!(
            "route destination 10.0.0.0/24 extended-community {bad}"
        ));
        assert!(e.contains("invalid extended community"), "{bad}: {e}");
    }
    let e = error("route destination 10.0.0.0/24 extended-community redirect-to-nexthop-ietf");
    assert!(e.contains("then block"), "{e}");
}

#[test]
fn block_and_one_line_forms_agree() {
    let a = parse_flow_command(
        "route named { match { source 10.40.0.3/32; destination-port =3128; } then { discard; } }",
    )
    .unwrap();
    assert_eq!(a.name.as_deref(), Some("named"));
    let b = rule("route source 10.40.0.3/32 destination-port =3128 discard");
    assert_eq!(
        (a.family, &a.spec, &a.attributes),
        (b.family, &b.spec, &b.attributes)
    );
    // A trailing ';' is fine.
    assert_eq!(
        rule("route source 10.40.0.3/32 discard;").spec,
        rule("route source 10.40.0.3/32 discard").spec
    );
    // rd and next-hop in the one-line form (ExaBGP takes them in the block only).
    let r = rule("route rd 65000:1 next-hop 192.0.2.9 source 10.0.0.4/32 redirect-to-nexthop");
    assert_eq!(r.family, Family::IPV4_FLOW_VPN);
    assert_eq!(
        r.next_hop,
        NextHopSpec::Ip(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9)))
    );
    let r = rule(
        "route { next-hop self; match { source 10.0.0.4/32; } then { redirect-to-nexthop; } }",
    );
    assert_eq!(r.next_hop, NextHopSpec::SelfAddr);
}

#[test]
fn afi_flow_commands() {
    let r = parse_family_flow_command("ipv6 flow destination-port 53 discard").unwrap();
    assert_eq!(r.family, Family::IPV6_FLOW);
    let r =
        parse_family_flow_command("ipv4 flow destination 10.40.0.9/32 protocol tcp rate-limit 100")
            .unwrap();
    assert_eq!(r.family, Family::IPV4_FLOW);
    let r = parse_family_flow_command("ipv4 flow-vpn rd 65000:1 destination 10.0.0.0/8 discard")
        .unwrap();
    assert_eq!(r.family, Family::IPV4_FLOW_VPN);
    for (line, want) in [
        (
            "ipv4 flow destination 2001:db8::/32 discard",
            "<command>:1:23: this prefix is not ipv4",
        ),
        (
            "ipv4 flow-vpn destination 10.0.0.0/8",
            "<command>:1:6: a flow-vpn rule needs a route distinguisher",
        ),
        (
            "ipv4 unicast destination 10.0.0.0/8",
            "<command>:1:6: expected 'flow' or 'flow-vpn'",
        ),
        (
            "l2vpn flow destination 10.0.0.0/8",
            "<command>:1:1: expected 'ipv4 flow' or 'ipv6 flow'",
        ),
    ] {
        let e = parse_family_flow_command(line).unwrap_err().to_string();
        assert!(e.starts_with(want) || e.contains(want), "{line}: {e}");
    }
}

#[test]
fn errors_name_the_place() {
    let cases = [
        // ExaBGP sends these, malformed or differently from what it reads.
        ("route flow-label 5 discard", "<command>:1:7: flow-label is IPv6 only"),
        ("route source 10.0.0.1/32 source 10.0.0.2/32", "<command>:1:33: unsupported: a second source"),
        ("route destination 10.0.4.129/25", "<command>:1:19: invalid flow prefix: host bits set (did you mean 10.0.4.128/25?)"),
        ("route destination 10.0.0.0/24 source 2001:db8::/32", "<command>:1:38: the source and destination of a flow route are of one family"),
        ("route { match { port =80 =8080; } then { discard; } }", "<command>:1:26: unexpected '=8080'"),
        // ExaBGP refuses these too.
        ("route discard", "<command>:1:1: a flow route needs at least one match"),
        ("route { match { } then { discard; } }", "<command>:1:1: a flow route needs at least one match"),
        ("route fragment not-a-fragment", "<command>:1:16: invalid fragment 'not-a-fragment'"),
        ("route destination 10.0.0.0/24 copy 192.0.2.7 redirect 65000:1", "<command>:1:55: ExaBGP drops the next hop"),
        ("route { next-hop 192.0.2.9; match { destination 10.0.0.0/24; } then { redirect 65000:1; } }", "ExaBGP drops the next hop"),
        ("route destination 10.0.0.0/24 redirect 1.2.3.4:70000", "with an IPv4 address the local part is 0-65535"),
        ("route destination 10.0.0.0/24 redirect [2001:db8::1]:100", "<command>:1:40: expected an address or ASN:NN after 'redirect'"),
        ("route destination 10.0.0.0/24 mark 64", "<command>:1:36: mark takes a DSCP value, 0-63"),
        ("route destination 10.0.0.0/24 action none", "action takes sample, terminal or sample-terminal"),
        ("route destination 10.0.0.0/24 rate-limit -5", "the rate is a whole number"),
        ("route destination 10.0.0.0/24 rate-limit 1.5", "the rate is a whole number"),
        ("route destination 10.0.0.0/8/1", "invalid flow prefix: the length is 0-32"),
        ("route destination 10.0.0.0", "invalid flow prefix: expected address/length"),
        ("route destination 2001:db8::/32/32", "the offset is below the length"),
        ("route destination 2001:db8::/129", "the length is 0-128"),
        ("route protocol 256", "<command>:1:16: invalid protocol '256' (0-255, or a name such as tcp"),
        ("route protocol 0x10000", "invalid protocol"),
        ("route dscp 64", "invalid DSCP '64' (0-63)"),
        ("route traffic-class 256", "invalid traffic class"),
        ("route packet-length 0x10", "invalid packet length"),
        ("route flow-label 1048576", "invalid flow label"),
        ("route port nosuchservice", "<command>:1:12: unsupported: port name 'nosuchservice'"),
        ("route tcp-flags [ ]", "needs at least one value"),
        ("route tcp-flags syn&", "'&' joins two terms"),
        ("route port &80", "'&' joins two terms"),
        ("route port !80", "'!' is only valid as '!='"),
        ("route port =", "invalid port ''"),
        ("route port true", "invalid port ''"),
        ("route source 10.0.0.0/8 med 5", "'med' is not allowed in a flow route"),
        ("route source 10.0.0.0/8 frobnicate", "unknown flow keyword 'frobnicate'"),
        ("route { match { discard; } }", "'discard' is not allowed in 'match': write it in a 'then' block"),
        ("route { then { source 10.0.0.0/8; } }", "'source' is not allowed in 'then'"),
        ("route { rd 1:1; match { destination 10.0.0.0/8; } then { rd 1:1; } }", "write it directly in the flow route block"),
        ("route { source 10.0.0.0/8; }", "write it in a 'match' block"),
        ("route { match { source 10.0.0.0/8; } other { } }", "unknown block 'other' in a flow route"),
        ("route { match { source 10.0.0.0/8; } then { discard; }", "is not closed"),
        ("route { match { source 10.0.0.0/8; } } extra", "unexpected 'extra' after the flow rule"),
        ("route source 10.0.0.0/8 community [ 1:1 ] community [ 2:2 ]", "'community' is given twice"),
        ("route rd 1 source 10.0.0.0/8", "invalid route distinguisher (no ':'"),
        ("route rd 70000:70000 source 10.0.0.0/8", "invalid route distinguisher (out of range"),
        ("route rd 1.2.3:4 source 10.0.0.0/8", "invalid route distinguisher (not an IPv4 address"),
        ("destination 10.0.0.0/8 discard", "<command>:1:1: expected 'route'"),
        ("route { match { source 10.0.0.0/8; } scope { interface-set transitive:input:1:16384; } }", "the group is 0-16383"),
        ("route { match { source 10.0.0.0/8; } scope { interface-set both:input:1:1; } }", "transitive or non-transitive"),
    ];
    for (line, want) in cases {
        let e = error(line);
        assert!(
            e.starts_with(want) || e.contains(want),
            "{line}:\n  got  {e}\n  want {want}"
        );
    }
}

fn config(body: &str) -> Result<crate::Config, Vec<String>> {
    parse_str(
        &format!("neighbor 10.0.0.1 {{ router-id 1.1.1.1; local-as 1; peer-as 1; {body} }}"),
        std::path::Path::new("f.conf"),
    )
    .map_err(|v| v.iter().map(|e| e.to_string()).collect())
}

#[test]
fn families_of_flow_rules() {
    // Without a family block a neighbor offers the families of its rules.
    let c = config("flow { route r { match { destination 2001:db8::/32; } then { discard; } } }")
        .unwrap();
    assert_eq!(
        c.neighbors[0].families,
        [
            Family::IPV4_UNICAST,
            Family::IPV6_UNICAST,
            Family::IPV6_FLOW
        ]
    );
    // With one, a rule of a family it does not list is an error, as in ExaBGP.
    let e = config(
        "family { ipv4 flow; } flow { route v6 { match { destination 2001:db8::/32; } then { discard; } } }",
    )
    .unwrap_err();
    assert_eq!(
        e,
        ["f.conf:1:92: flow route 'v6' is ipv6 flow but the neighbor's family block does not list it (at 'route')"]
    );
    // add-path for a flow family is kept; prefix-limit is refused.
    let c = config(
        "family { ipv4 flow; } capability { add-path send; } add-path { ipv4 flow; } \
         flow { route r { match { destination 10.0.0.0/8; } then { discard; } } }",
    )
    .unwrap();
    assert_eq!(c.neighbors[0].add_path.len(), 1);
    let e = config("family { ipv4 flow; } prefix-limit { ipv4 flow 10; }").unwrap_err();
    assert!(
        e[0].contains("unsupported: prefix-limit for ipv4 flow"),
        "{e:?}"
    );
}

#[test]
fn templates_rules_come_first_and_a_repeated_rule_replaces_the_earlier() {
    let c = parse_str(
        "template { neighbor t { flow { route a { match { destination 10.0.0.1/32; } then { discard; } } } } }\n\
         neighbor 10.0.0.1 { inherit t; router-id 1.1.1.1; local-as 1; peer-as 1;\n\
         flow { route b { match { destination 10.0.0.2/32; } then { discard; } }\n\
         route a2 { match { destination 10.0.0.1/32; } then { rate-limit 5; } } }\n\
         announce { ipv4 { flow destination 10.0.0.3/32 discard; } } }",
        std::path::Path::new("t.conf"),
    )
    .unwrap();
    let n = &c.neighbors[0];
    let names: Vec<Option<&str>> = n.flows.iter().map(|f| f.name.as_deref()).collect();
    assert_eq!(names, [Some("a2"), Some("b"), None]);
    assert_eq!(hex(&n.flows[0].ext_communities()[0].0), "8006000040a00000");
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0]
        .message
        .contains("matches the same traffic as the one at line 1"));
}

#[test]
fn config_errors_are_collected_per_statement() {
    let e = config(
        "flow { route r { match { protocol tcpp; dscp 99; } then { mark 99; } }\n\
         route destination 10.0.0.0/8 frob; }",
    )
    .unwrap_err();
    assert_eq!(e.len(), 4, "{e:#?}");
    assert!(
        e[0].starts_with("f.conf:1:97: invalid protocol 'tcpp'"),
        "{}",
        e[0]
    );
    assert!(
        e[3].starts_with("f.conf:2:30: unknown flow keyword 'frob'"),
        "{}",
        e[3]
    );
    let e = config("announce { ipv4 { flow-vpn destination 10.0.0.0/8 discard; } }").unwrap_err();
    assert!(e[0].contains("needs a route distinguisher"), "{e:?}");
    let e = config("flow { static { } }").unwrap_err();
    assert!(e[0].contains("expected 'route' in the flow block"), "{e:?}");
}

#[test]
fn a_next_hop_after_a_redirect_to_a_route_target_is_kept() {
    // ExaBGP: 08000000000000018008fde800000001, next hop 192.0.2.7.
    let r = rule("route destination 10.0.0.0/24 redirect 65000:1 copy 192.0.2.7");
    assert_eq!(
        r.ext_communities()
            .iter()
            .map(|c| hex(&c.0))
            .collect::<Vec<_>>(),
        ["0800000000000001", "8008fde800000001"]
    );
    assert_eq!(
        r.next_hop,
        NextHopSpec::Ip(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7)))
    );
}
