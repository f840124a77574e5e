//! Whole-file constructs: neighbors, defaults, templates, families, capabilities, api,
//! processes, static and announce routes.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

use herald_config::{parse_str, AttrSet, Config, Encoder, NextHopSpec};
use herald_wire::attr::Community;
use herald_wire::capability::AddPathMode;
use herald_wire::{Afi, AttrValue, Family};

fn parse(text: &str) -> Config {
    match parse_str(text, Path::new("test.conf")) {
        Ok(c) => c,
        Err(e) => panic!(
            "{}",
            e.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

const MINIMAL: &str =
    "neighbor 192.0.2.2 { local-address 192.0.2.1; local-as 65000; peer-as 65001; }";

#[test]
fn a_minimal_neighbor_gets_exabgp_defaults() {
    let c = parse(MINIMAL);
    let n = &c.neighbors[0];
    assert_eq!(n.peer_address.to_string(), "192.0.2.2/32");
    assert_eq!(n.router_id, Ipv4Addr::new(192, 0, 2, 1));
    assert_eq!(
        n.local_address,
        Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)))
    );
    assert_eq!((n.local_as, n.peer_as), (Some(65000), Some(65001)));
    assert_eq!(n.hold_time, 180);
    assert!(!n.passive);
    assert!(n.group_updates && n.auto_flush && n.adj_rib_out && n.adj_rib_in);
    assert!(!n.manual_eor);
    assert!(n.capabilities.asn4 && n.capabilities.extended_message);
    assert!(!n.capabilities.route_refresh);
    assert_eq!(n.capabilities.graceful_restart, None);
    assert_eq!(n.capabilities.add_path, None);
    // No family block and no routes: IPv4 and IPv6 unicast.
    assert_eq!(n.families, vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST]);
    assert!(n.routes.is_empty() && n.api.is_empty() && n.md5.is_none());
    assert!(c.warnings.is_empty());
}

#[test]
fn every_neighbor_setting() {
    let c = parse(
        r#"
        neighbor 10.0.0.0/24 {
            description "a \"quoted\" peer";
            router-id 1.2.3.4;
            local-address 10.0.0.254;
            local-as 4200000000;
            peer-as auto;
            hold-time 0;
            passive;
            listen 1179;
            connect 1180;
            md5-password aGVsbG8=;
            md5-base64 true;
            md5-ip 10.0.0.254;
            outgoing-ttl 1;
            incoming-ttl 254;
            group-updates false;
            auto-flush enable;
            adj-rib-out false;
            adj-rib-in false;
            manual-eor true;
            host-name my-host;
            domain-name example.com;
        }"#,
    );
    let n = &c.neighbors[0];
    assert_eq!(n.peer_address.to_string(), "10.0.0.0/24");
    assert_eq!(n.description.as_deref(), Some("a \"quoted\" peer"));
    assert_eq!(n.router_id, Ipv4Addr::new(1, 2, 3, 4));
    assert_eq!(n.local_as, Some(4_200_000_000));
    assert_eq!(n.peer_as, None);
    assert_eq!(n.hold_time, 0);
    assert!(n.passive);
    assert_eq!((n.listen, n.connect), (Some(1179), Some(1180)));
    let md5 = n.md5.as_ref().unwrap();
    assert_eq!(md5.key, b"hello");
    assert_eq!(md5.ip, Some("10.0.0.254".parse().unwrap()));
    assert_eq!((n.outgoing_ttl, n.incoming_ttl), (Some(1), Some(254)));
    assert!(!n.group_updates && n.auto_flush && !n.adj_rib_out && !n.adj_rib_in);
    assert!(n.manual_eor);
    assert_eq!(n.host_name.as_deref(), Some("my-host"));
    assert_eq!(n.domain_name.as_deref(), Some("example.com"));
}

#[test]
fn settings_herald_does_not_act_on_are_refused_where_written() {
    let text = "neighbor 10.0.0.1 {
  local-address 10.0.0.2; local-as 1; peer-as 1;
  md5-password secret; md5-ip 10.0.0.9;
  rate-limit 100;
  source-interface eth0;
  capability { multi-session enable; operational; aigp; }
}
";
    let errors = herald_config::parse_str(text, std::path::Path::new("t.conf")).unwrap_err();
    let got: Vec<(u32, u32, &str)> = errors
        .iter()
        .map(|e| {
            (
                e.line,
                e.col,
                e.unsupported_feature().unwrap_or("NOT UNSUPPORTED"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (3, 24, "md5-ip"),
            (4, 3, "rate-limit"),
            (5, 3, "source-interface"),
            (6, 16, "capability multi-session"),
            (6, 38, "capability operational"),
            (6, 51, "capability aigp"),
        ]
    );
    // The same values where they mean what herald does are accepted.
    herald_config::parse_str(
        "neighbor 10.0.0.1 { local-address 10.0.0.2; local-as 1; peer-as 1; md5-password s; md5-ip 10.0.0.2; rate-limit disable; capability { multi-session disable; aigp disable; } }",
        std::path::Path::new("t.conf"),
    )
    .unwrap();
}

#[test]
fn md5_ip_defaults_to_the_local_address() {
    let c = parse(
        "neighbor 10.0.0.3 { local-address 10.0.0.2; local-as 1; peer-as 1; md5-password 'a b'; }",
    );
    let md5 = c.neighbors[0].md5.as_ref().unwrap();
    assert_eq!(md5.key, b"a b");
    assert_eq!(md5.ip, Some("10.0.0.2".parse().unwrap()));
}

#[test]
fn capabilities_block() {
    let c = parse(
        "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1; hold-time 90;
           family { ipv4 unicast; ipv6 unicast; }
           nexthop { ipv4 unicast ipv6; }
           capability { asn4 disable; route-refresh; graceful-restart; add-path send/receive;
             extended-message disable; multi-session disable; software-version; }
         }",
    );
    let n = &c.neighbors[0];
    let cap = &n.capabilities;
    assert!(!cap.asn4 && cap.route_refresh && !cap.extended_message);
    assert!(!cap.multi_session && !cap.operational && !cap.aigp && cap.software_version);
    // A bare graceful-restart takes the hold time.
    assert_eq!(cap.graceful_restart, Some(90));
    assert_eq!(cap.add_path, Some(AddPathMode::SendReceive));
    // Without an add-path block, every family carries ADD-PATH.
    assert_eq!(
        n.add_path,
        vec![
            (Family::IPV4_UNICAST, AddPathMode::SendReceive),
            (Family::IPV6_UNICAST, AddPathMode::SendReceive)
        ]
    );
    // A nexthop block turns the capability on.
    assert!(cap.extended_next_hop);
    assert_eq!(n.extended_next_hop, vec![(Family::IPV4_UNICAST, Afi::IPV6)]);
}

#[test]
fn add_path_block_limits_the_families_and_gr_takes_a_time() {
    let c = parse(
        "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1;
           family { ipv4 unicast; ipv6 unicast; }
           add-path { ipv6 unicast; }
           capability { add-path send; graceful-restart 1200; }
         }",
    );
    let n = &c.neighbors[0];
    assert_eq!(n.add_path, vec![(Family::IPV6_UNICAST, AddPathMode::Send)]);
    assert_eq!(n.capabilities.graceful_restart, Some(1200));
    let c = parse(
        "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1;
           capability { graceful-restart disable; route-refresh enable; } adj-rib-out false; }",
    );
    let n = &c.neighbors[0];
    assert_eq!(n.capabilities.graceful_restart, None);
    // Route refresh needs the Adj-RIB-Out.
    assert!(n.adj_rib_out);
}

#[test]
fn family_block_and_all() {
    let c = parse(
        "neighbor ::1 { router-id 1.1.1.1; local-address ::1; local-as 1; peer-as 1;
           family { ipv6 unicast; ipv4 multicast; } }",
    );
    assert_eq!(
        c.neighbors[0].families,
        vec![Family::IPV4_MULTICAST, Family::IPV6_UNICAST]
    );
    let c =
        parse("neighbor 1.1.1.1 { local-address 1.1.1.2; local-as 1; peer-as 1; family { all; } }");
    assert_eq!(c.neighbors[0].families.len(), 3);
}

#[test]
fn families_without_a_family_block_include_the_routes() {
    let c = parse(
        "neighbor 1.1.1.1 { local-address 1.1.1.2; local-as 1; peer-as 1;
           static { route 224.0.0.0/8 next-hop 1.1.1.1; } }",
    );
    assert_eq!(
        c.neighbors[0].families,
        vec![
            Family::IPV4_UNICAST,
            Family::IPV4_MULTICAST,
            Family::IPV6_UNICAST
        ]
    );
}

#[test]
fn processes_and_api_blocks() {
    let c = parse(
        r#"
        process announce-routes {
            run ./run/api.run --flag "two words";
            encoder json;
            respawn false;
        }
        process other { run /bin/true; }
        neighbor 127.0.0.1 {
            local-address 127.0.0.1; local-as 1; peer-as 1;
            api speaking {
                processes [ announce-routes, other ];
                processes-match [ "^ann" ];
                neighbor-changes;
                negotiated false;
                send { parsed; open; }
                receive { packets; update; notification; keepalive; refresh; }
            }
            api { processes [ other ]; fsm false; }
        }"#,
    );
    let p = &c.processes[0];
    assert_eq!(p.name, "announce-routes");
    assert_eq!(p.run, ["./run/api.run", "--flag", "two words"]);
    assert_eq!(p.encoder, Some(Encoder::Json));
    assert_eq!(p.respawn, Some(false));
    assert_eq!(c.processes[1].encoder, None);
    assert_eq!(c.processes[1].respawn, None);
    let api = &c.neighbors[0].api;
    assert_eq!(api.len(), 2);
    assert_eq!(api[0].name.as_deref(), Some("speaking"));
    assert_eq!(api[0].processes, ["announce-routes", "other"]);
    assert_eq!(api[0].processes_match, ["^ann"]);
    assert!(api[0].neighbor_changes && !api[0].negotiated);
    assert!(api[0].send.parsed && api[0].send.open && !api[0].send.update);
    let r = &api[0].receive;
    assert!(r.packets && r.update && r.notification && r.keepalive);
    assert!(r.refresh && !r.operational && !r.consolidate && !r.parsed);
    assert_eq!(api[1].name, None);
    assert!(!api[1].fsm && !api[1].signal);
    assert_eq!(
        c.neighbors[0].process_names().collect::<Vec<_>>(),
        ["announce-routes", "other", "other"]
    );
}

#[test]
fn templates_merge_settings_and_routes() {
    let c = parse(
        "template {
           neighbor base {
             local-as 65533; peer-as 65533; hold-time 90; group-updates false;
             family { ipv4 unicast; }
             capability { graceful-restart 1200; }
             static { route 1.0.0.0/8 next-hop 1.1.1.1; }
           }
           neighbor v6 { family { ipv6 unicast; } announce { ipv6 { unicast 2001:db8::/32 next-hop ::1; } } }
         }
         neighbor 127.0.0.1 {
           inherit [ base v6 ];
           local-address 127.0.0.1;
           hold-time 30;
           static { route 2.0.0.0/8 { next-hop 1.1.1.1; } }
         }",
    );
    let n = &c.neighbors[0];
    assert_eq!(n.local_as, Some(65533));
    // The neighbor's own setting wins over the template's.
    assert_eq!(n.hold_time, 30);
    assert!(!n.group_updates);
    assert_eq!(n.capabilities.graceful_restart, Some(1200));
    assert_eq!(n.families, vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST]);
    let nets: Vec<String> = n
        .routes
        .iter()
        .map(|r| r.prefix().unwrap().net.to_string())
        .collect();
    assert_eq!(nets, ["1.0.0.0/8", "2001:db8::/32", "2.0.0.0/8"]);
}

#[test]
fn static_and_announce_routes() {
    let c = parse(
        "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1;
           family { ipv4 unicast; ipv4 multicast; ipv6 unicast; }
           static {
             route 10.0.1.0/24 { next-hop 10.0.255.254; community [ 0 ]; }
             route 10.0.5.0/24 next-hop 10.0.255.254 local-preference 200;
             route 10.0.6.0/24 { next-hop self; split /25; }
             attributes med 10 next-hop 10.0.0.1 nlri 10.1.0.0/16 10.2.0.0/16;
           }
           announce {
             ipv4 { unicast 10.0.9.0/24 next-hop 10.0.1.254 local-preference 200;
                    multicast 10.3.0.0/16 next-hop 10.0.1.254; }
             ipv6 { unicast 2001:db8::/32 next-hop 2001:db8::1; }
           }
           announce { }
         }",
    );
    let n = &c.neighbors[0];
    let got: Vec<(String, Family)> = n
        .routes
        .iter()
        .map(|r| (r.prefix().unwrap().net.to_string(), r.family))
        .collect();
    let v4 = Family::IPV4_UNICAST;
    assert_eq!(
        got,
        vec![
            ("10.0.1.0/24".into(), v4),
            ("10.0.5.0/24".into(), v4),
            ("10.0.6.0/25".into(), v4),
            ("10.0.6.128/25".into(), v4),
            ("10.1.0.0/16".into(), v4),
            ("10.2.0.0/16".into(), v4),
            ("10.0.9.0/24".into(), v4),
            ("10.3.0.0/16".into(), Family::IPV4_MULTICAST),
            ("2001:db8::/32".into(), Family::IPV6_UNICAST),
        ]
    );
    assert_eq!(
        n.routes[0].attributes[0].value,
        AttrValue::Communities(vec![Community(0)])
    );
    assert_eq!(n.routes[2].next_hop, NextHopSpec::SelfAddr);
    assert_eq!(n.routes[0].origin.line, 4);
}

#[test]
fn routes_with_the_same_attributes_share_them() {
    let c = parse(
        "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1;
           static {
             route 10.0.1.0/24 next-hop 10.0.255.254 med 1 community [1:1];
             route 10.0.2.0/24 next-hop 10.0.255.254 med 2;
             route 10.0.3.0/24 next-hop 10.0.255.1 community [ 1:1 ] med 1;
             route 10.0.4.0/24 next-hop 10.0.255.254 med 2 name x watchdog w;
             route 10.0.5.0/24 next-hop 10.0.255.254 med 2 watchdog w name x;
           } }",
    );
    let r = &c.neighbors[0].routes;
    assert!(AttrSet::ptr_eq(&r[0].attributes, &r[2].attributes));
    assert!(AttrSet::ptr_eq(&r[1].attributes, &r[3].attributes));
    assert!(!AttrSet::ptr_eq(&r[0].attributes, &r[1].attributes));
    assert_ne!(r[0].next_hop, r[2].next_hop);
    assert_eq!((r[1].name(), r[1].watchdog()), (None, None));
    assert_eq!((r[3].name(), r[3].watchdog()), (Some("x"), Some("w")));
    assert_eq!(r[3].labels, r[4].labels);
}

#[test]
fn a_route_defined_twice_keeps_the_later_one_with_a_warning() {
    let c = parse(
        "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1;
           static {
             route 10.0.7.0/24 next-hop 10.0.255.254 local-preference 200;
             route 10.0.8.0/24 next-hop 10.0.255.254;
             route 10.0.7.0/24 next-hop 10.0.255.254 med 5;
           } }",
    );
    let n = &c.neighbors[0];
    assert_eq!(n.routes.len(), 2);
    assert_eq!(n.routes[0].prefix().unwrap().net.to_string(), "10.0.7.0/24");
    assert_eq!(n.routes[0].attributes[0].value, AttrValue::Med(5));
    assert_eq!(c.warnings.len(), 1);
    assert_eq!(c.warnings[0].line, 5);
    // Three definitions, out of order: the last one takes the first one's place.
    let c = parse(
        "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1;
           static {
             route 10.0.9.0/24 next-hop 10.0.255.254 med 1;
             route 10.0.8.0/24 next-hop 10.0.255.254;
             route 10.0.9.0/24 next-hop 10.0.255.254 med 2;
             route 10.0.1.0/24 next-hop 10.0.255.254;
             route 10.0.9.0/24 next-hop 10.0.255.254 med 3;
           } }",
    );
    let nets: Vec<String> = c.neighbors[0]
        .routes
        .iter()
        .map(|r| r.prefix().unwrap().net.to_string())
        .collect();
    assert_eq!(nets, ["10.0.9.0/24", "10.0.8.0/24", "10.0.1.0/24"]);
    assert_eq!(
        c.neighbors[0].routes[0].attributes[0].value,
        AttrValue::Med(3)
    );
    let lines: Vec<u32> = c.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [5, 7]);
    assert!(c.warnings[1].message.contains("first at line 5"));
    // Out of order without repeats: kept as written, no warning.
    let c = parse(
        "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1;
           static { route 10.0.2.0/24 next-hop 10.0.255.254;
                    route 10.0.1.0/24 next-hop 10.0.255.254;
                    route 10.0.3.0/24 next-hop 10.0.255.254; } }",
    );
    let nets: Vec<String> = c.neighbors[0]
        .routes
        .iter()
        .map(|r| r.prefix().unwrap().net.to_string())
        .collect();
    assert_eq!(nets, ["10.0.2.0/24", "10.0.1.0/24", "10.0.3.0/24"]);
    assert!(c.warnings.is_empty());
    // Different path identifiers are different routes.
    let c = parse(
        "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1;
           static { route 10.0.0.10 next-hop 10.10.1.1 path-information 1;
                    route 10.0.0.10 next-hop 10.10.1.2 path-information 2; } }",
    );
    assert_eq!(c.neighbors[0].routes.len(), 2);
}

#[test]
fn exabgp_leniencies_become_warnings() {
    // conf-split.conf leaves the neighbor open; conf-extended-attributes.conf has one '}' too many.
    let c = parse("neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1;\n");
    assert_eq!(c.neighbors.len(), 1);
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0].message.contains("not closed"));
    let c = parse(&format!("{MINIMAL}\n}}\n"));
    assert_eq!(c.warnings[0].line, 2);
    // A last statement without ';' before '}' is accepted.
    let c = parse("neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1 }");
    assert_eq!(c.neighbors[0].peer_as, Some(1));
}

#[test]
fn ipv6_neighbor_and_extended_next_hop_routes() {
    let c = parse(
        "neighbor 2001:db8::2 { router-id 10.0.0.2; local-address 2001:db8::1; local-as 1; peer-as 1;
           family { ipv4 unicast; ipv6 unicast; }
           nexthop { ipv4 unicast ipv6; }
           static { route 153.153.153.153 next-hop 2001:db8::99;
                    route 10.0.0.0/8 next-hop self;
                    route 2001:db8:1::/48 next-hop self; } }",
    );
    let n = &c.neighbors[0];
    assert_eq!(n.routes.len(), 3);
    assert_eq!(n.extended_next_hop, vec![(Family::IPV4_UNICAST, Afi::IPV6)]);
}

#[test]
fn comments_continuations_and_quotes() {
    let c = parse(
        "# a comment\nneighbor 127.0.0.1 { # another\n local-address 127.0.0.1; local-as 1; \\\n peer-as 1;\n\
         description \"it's\";\n static { route 10.0.0.0/8 \\\n  next-hop 1.1.1.1 \\\n  med 5; } }",
    );
    let n = &c.neighbors[0];
    assert_eq!(n.routes[0].attributes[0].value, AttrValue::Med(5));
    assert_eq!(n.routes[0].origin.line, 6);
}

/// Routes whose attribute text repeats an earlier one reuse its result without reading it
/// again: they must come out exactly as if read, with their own place in the file.
#[test]
fn repeated_attribute_texts_give_the_same_routes() {
    let tails = [
        "next-hop 10.0.0.1 med 1",
        "next-hop 10.0.0.1 med 1 community [ 1:1 2:2 ]",
        "next-hop self as-path [ 1 2 ( 3 ) ] origin egp",
        "next-hop 10.0.0.1 name a watchdog w withdraw",
        "next-hop 10.0.0.1 path-information 7 local-preference 5",
        "next-hop 10.0.0.1\n      med 1",
        "next-hop 10.0.0.1 med 2 split /25",
        "next-hop 10.0.0.1 med 3 # a comment\n     ",
        "next-hop 10.0.0.1 med 4 name \"x\"",
    ];
    let mut text = String::from(
        "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1;\nstatic {\n",
    );
    let mut line = 3;
    let mut want = Vec::new();
    for i in 0..60u32 {
        let tail = tails[(i as usize * 7) % tails.len()];
        let prefix = match i % 3 {
            0 => format!("10.{}.0.0/24", i),
            1 => format!("2001:db8:{:x}::/48", i),
            _ => format!("224.{}.0.0/16", i),
        };
        text.push_str(&format!("  route {prefix} {tail};\n"));
        want.push((line, format!("{prefix} {tail}")));
        line += 1 + tail.matches('\n').count() as u32;
    }
    text.push_str("}\nannounce { ipv4 {\n");
    line += 2;
    for i in 0..20u32 {
        let tail = tails[(i as usize * 5) % tails.len()];
        let prefix = format!("11.{}.0.0/24", i);
        text.push_str(&format!("  unicast {prefix} {tail};\n"));
        want.push((line, format!("{prefix} {tail}")));
        line += 1 + tail.matches('\n').count() as u32;
    }
    text.push_str("} } }\n");
    let c = parse(&text);
    let got = &c.neighbors[0].routes;
    let mut i = 0;
    for (line, spec) in &want {
        for w in herald_config::parse_route_specs(&spec.replace('\n', " ")).unwrap() {
            let g = &got[i];
            assert_eq!(
                (
                    g.family,
                    &g.nlri,
                    g.next_hop,
                    &g.attributes,
                    &g.labels,
                    g.withdrawn
                ),
                (
                    w.family,
                    &w.nlri,
                    w.next_hop,
                    &w.attributes,
                    &w.labels,
                    w.withdrawn
                ),
                "{spec}"
            );
            assert_eq!(g.origin.line, *line, "{spec}");
            i += 1;
        }
    }
    assert_eq!(i, got.len());
    // Places after skipped text (over several lines) are right.
    let e = parse_str(
        "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1;
           static {
             route 10.0.0.0/24 next-hop 10.0.0.1
               med 1;
             route 10.0.1.0/24 next-hop 10.0.0.1
               med 1;
             route 10.0.2.0/24 next-hop 10.0.0.1
               med 1; route 10.0.3.0/24 next-hop 10.0.0.1 med x;
           } }",
        Path::new("t.conf"),
    )
    .unwrap_err();
    assert_eq!((e[0].line, e[0].col, e[0].token.as_str()), (8, 63, "x"));
    // More texts than are remembered, then repeats of forgotten and remembered ones.
    let mut text = String::from(
        "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; peer-as 1; static {\n",
    );
    let meds: Vec<u32> = (0..5000).chain(0..10).chain(4990..5000).collect();
    for (i, m) in meds.iter().enumerate() {
        text.push_str(&format!(
            "route 10.{}.{}.0/24 next-hop 10.0.0.1 med {m};\n",
            i >> 8,
            i & 255
        ));
    }
    text.push_str("} }");
    let c = parse(&text);
    let got: Vec<AttrValue> = c.neighbors[0]
        .routes
        .iter()
        .map(|r| r.attributes[0].value.clone())
        .collect();
    let want: Vec<AttrValue> = meds.iter().map(|m| AttrValue::Med(*m)).collect();
    assert_eq!(got, want);
}

#[test]
fn api_events_herald_does_not_produce_are_refused_as_unsupported() {
    for (setting, word) in [
        ("negotiated;", "negotiated"),
        ("fsm;", "fsm"),
        ("receive { parsed; operational; }", "operational"),
    ] {
        let text = format!(
            "process p {{ run ./x; }}\nneighbor 192.0.2.1 {{ router-id 1.1.1.1; local-as 1; peer-as 2;\n api {{ processes [ p ]; {setting} }} }}\n"
        );
        let errs = herald_config::parse_str(&text, std::path::Path::new("t.conf")).unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.message.starts_with("unsupported:") && e.message.contains(word)),
            "{setting}: {errs:?}"
        );
    }
}

#[test]
fn prefix_limit_is_read_per_family_and_needs_the_adj_rib_in() {
    let ok = "neighbor 192.0.2.1 { router-id 1.1.1.1; local-as 1; peer-as 2;\n prefix-limit { ipv4 unicast 100 warning 80 restart 5; ipv6 unicast 50; } }\n";
    let c = herald_config::parse_str(ok, std::path::Path::new("t.conf")).unwrap();
    let l = &c.neighbors[0].prefix_limits;
    assert_eq!(l.len(), 2);
    assert_eq!(
        (l[0].maximum, l[0].warning_percent, l[0].restart),
        (100, 80, Some(5))
    );
    assert_eq!(
        (l[1].maximum, l[1].warning_percent, l[1].restart),
        (50, 90, None)
    );
    let bad = "neighbor 192.0.2.1 { router-id 1.1.1.1; local-as 1; peer-as 2; adj-rib-in false;\n prefix-limit { ipv4 unicast 100; } }\n";
    let errs = herald_config::parse_str(bad, std::path::Path::new("t.conf")).unwrap_err();
    assert!(
        errs.iter().any(|e| e.message.contains("adj-rib-in")),
        "{errs:?}"
    );
    let zero = "neighbor 192.0.2.1 { router-id 1.1.1.1; local-as 1; peer-as 2;\n prefix-limit { ipv4 unicast 0; } }\n";
    assert!(herald_config::parse_str(zero, std::path::Path::new("t.conf")).is_err());
}

#[test]
fn md5_base64_auto_decodes_a_hex_looking_key_as_exabgp_does() {
    let key = |pw: &str| {
        let c = parse(&format!(
            "neighbor 10.0.0.3 {{ local-address 10.0.0.2; local-as 1; peer-as 1; md5-password {pw}; md5-base64 auto; }}"
        ));
        c.neighbors[0].md5.as_ref().unwrap().key.clone()
    };
    // Only lowercase hex digits: read as base64 without its padding.
    assert_eq!(key("abcd"), [0x69, 0xb7, 0x1d]);
    // Anything else: as written.
    assert_eq!(key("Secret1"), b"Secret1");
    // Without `auto` the hex-looking key is taken as written.
    let c = parse(
        "neighbor 10.0.0.3 { local-address 10.0.0.2; local-as 1; peer-as 1; md5-password abcd; }",
    );
    assert_eq!(c.neighbors[0].md5.as_ref().unwrap().key, b"abcd");
}

/// `name` labels a route and nothing more (ExaBGP sends and shows nothing of it either): the
/// configuration says so in a warning at the first route that has one.
#[test]
fn a_route_name_is_a_label_and_the_configuration_says_so() {
    let c = parse(
        "neighbor 192.0.2.2 { local-address 192.0.2.1; local-as 65000; peer-as 65001;
           static { route 10.0.0.0/24 next-hop 192.0.2.9; route 10.0.1.0/24 next-hop 192.0.2.9 name web; route 10.0.2.0/24 next-hop 192.0.2.9 name db; } }",
    );
    let w: Vec<String> = c.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("test.conf:2:59:"), "{w:?}");
    assert!(w[0].contains("a route's 'name' is only a label"), "{w:?}");
    assert_eq!(c.neighbors[0].routes[1].name(), Some("web"));
    let c = parse(
        "neighbor 192.0.2.2 { local-address 192.0.2.1; local-as 65000; peer-as 65001; static { route 10.0.0.0/24 next-hop 192.0.2.9; } }",
    );
    assert!(c.warnings.is_empty());
}
