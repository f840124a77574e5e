//! What configuration keywords change in the running daemon, one test per keyword or group of
//! keywords, as `crates/herald-config/tests/keywords.rs` names them: the capabilities in
//! herald's OPEN (read by a scripted peer and decoded with `herald_wire`), the messages it
//! sends, what `show neighbor configuration` prints, and the events and restarts of its helper
//! processes (with the environment settings that give those their defaults, `api.encoder` and
//! `api.respawn`; the other settings are in `environment_effects.rs`). Each test uses its own
//! addresses in 127.0.60.0/24–127.0.63.0/24 and OS-chosen ports; waits are for conditions.

mod common;

use std::path::Path;

use common::*;
use herald_wire::attr::{MpReach, NextHop};
use herald_wire::capability::{AddPathMode, ExtNextHop};
use herald_wire::route_refresh::RefreshSubtype;
use herald_wire::{Afi, Capability, Family, Message, NlriList, Prefix, RouteRefresh};

// ---------------------------------------------------------------------------------------------
// Helpers.

fn prefix(p: &str) -> Prefix {
    Prefix::new(p.parse().unwrap())
}

/// The IPv4 unicast prefixes announced in the classic NLRI field of an UPDATE.
fn announced(m: &Message) -> Vec<Prefix> {
    match m {
        Message::Update(u) => u.nlri.clone(),
        m => panic!("expected an UPDATE, got {m:?}"),
    }
}

fn end_of_rib(m: &Message) -> Option<Family> {
    match m {
        Message::Update(u) => u.end_of_rib(),
        _ => None,
    }
}

/// A helper process script, `rec.sh NAME`, that copies what herald writes to it into
/// `events-NAME` in the configuration's folder.
fn recorder(dir: &Path) {
    write_script(
        &dir.join("rec.sh"),
        "#!/bin/sh\nexec cat > \"$(dirname \"$0\")/events-$1\"\n",
    );
}

fn events(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(format!("events-{name}"))).unwrap_or_default()
}

/// The JSON events of a recorded process, as (type, direction) pairs.
fn kinds(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
            let s = |x: &serde_json::Value| x.as_str().unwrap_or_default().to_string();
            (s(&v["type"]), s(&v["neighbor"]["direction"]))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Capabilities in herald's OPEN.

#[test]
fn asn4_and_extended_message_disable_leave_their_capabilities_out_of_the_open() {
    let dir = tempdir("kw-asn4");
    let me = "127.0.60.1";
    let port = free_port(me);
    let v4 = "ipv4 unicast;";
    let conf = passive(me, "127.0.60.2", port, v4, "")
        + &passive(
            me,
            "127.0.60.3",
            port,
            v4,
            " capability { asn4 disable; }\n",
        )
        + &passive(
            me,
            "127.0.60.4",
            port,
            v4,
            " capability { extended-message disable; }\n",
        );
    let d = Daemon::start(&dir, "herald", &conf);
    d.wait("running", |_, e| e.contains("herald running"));
    let to = addr(me, port);
    let four = Capability::FourOctetAs(65001);
    let ext = Capability::ExtendedMessage;
    let (_p, o) = herald_open("127.0.60.2", to);
    assert_eq!(
        capabilities(&o),
        [mp(Family::IPV4_UNICAST), four.clone(), ext.clone()]
    );
    let (_p, o) = herald_open("127.0.60.3", to);
    assert_eq!(capabilities(&o), [mp(Family::IPV4_UNICAST), ext]);
    assert_eq!(o.my_as, 65001);
    let (_p, o) = herald_open("127.0.60.4", to);
    assert_eq!(capabilities(&o), [mp(Family::IPV4_UNICAST), four]);
}

#[test]
fn software_version_host_name_and_domain_name_are_advertised_in_the_open() {
    let dir = tempdir("kw-fqdn");
    let me = "127.0.60.11";
    let port = free_port(me);
    let v4 = "ipv4 unicast;";
    let conf = passive(
        me,
        "127.0.60.12",
        port,
        v4,
        " host-name edge1;\n domain-name example.net;\n capability { software-version; }\n",
    ) + &passive(me, "127.0.60.13", port, v4, " host-name edge2;\n");
    let d = Daemon::start(&dir, "herald", &conf);
    d.wait("running", |_, e| e.contains("herald running"));
    let to = addr(me, port);
    let version = format!("herald/{}", env!("CARGO_PKG_VERSION"));
    let mut data = vec![version.len() as u8];
    data.extend_from_slice(version.as_bytes());
    let (_p, o) = herald_open("127.0.60.12", to);
    assert_eq!(
        capabilities(&o),
        [
            mp(Family::IPV4_UNICAST),
            Capability::FourOctetAs(65001),
            Capability::ExtendedMessage,
            Capability::Fqdn {
                hostname: "edge1".into(),
                domain: "example.net".into(),
            },
            Capability::Unknown { code: 75, data },
        ]
    );
    let (_p, o) = herald_open("127.0.60.13", to);
    assert_eq!(
        capabilities(&o),
        [
            mp(Family::IPV4_UNICAST),
            Capability::FourOctetAs(65001),
            Capability::ExtendedMessage,
            Capability::Fqdn {
                hostname: "edge2".into(),
                domain: String::new(),
            },
        ]
    );
}

#[test]
fn route_refresh_is_advertised_and_a_refresh_request_gets_the_routes_again() {
    let dir = tempdir("kw-refresh");
    let me = "127.0.61.1";
    let port = free_port(me);
    let v4 = "ipv4 unicast;";
    let route = " static { route 10.61.2.0/24 next-hop 192.0.2.1; }\n";
    let conf = passive(
        me,
        "127.0.61.2",
        port,
        v4,
        &format!(" capability {{ route-refresh; }}\n{route}"),
    ) + &passive(me, "127.0.61.3", port, v4, route);
    let d = Daemon::start(&dir, "herald", &conf);
    d.wait("running", |_, e| e.contains("herald running"));
    let to = addr(me, port);
    // Without the keyword: no route refresh capability.
    let (_p, o) = herald_open("127.0.61.3", to);
    assert_eq!(
        capabilities(&o),
        [
            mp(Family::IPV4_UNICAST),
            Capability::FourOctetAs(65001),
            Capability::ExtendedMessage
        ]
    );
    // With it: route refresh and enhanced route refresh (RFC 2918, RFC 7313).
    let (mut p, o) = herald_open("127.0.61.2", to);
    assert_eq!(
        capabilities(&o),
        [
            mp(Family::IPV4_UNICAST),
            Capability::FourOctetAs(65001),
            Capability::RouteRefresh,
            Capability::EnhancedRouteRefresh,
            Capability::ExtendedMessage
        ]
    );
    establish(
        &mut p,
        vec![
            mp(Family::IPV4_UNICAST),
            Capability::FourOctetAs(65002),
            Capability::RouteRefresh,
            Capability::EnhancedRouteRefresh,
        ],
    );
    assert_eq!(announced(&p.next_not_keepalive()), [prefix("10.61.2.0/24")]);
    assert_eq!(
        end_of_rib(&p.next_not_keepalive()),
        Some(Family::IPV4_UNICAST)
    );
    let refresh = |subtype| {
        Message::RouteRefresh(RouteRefresh {
            family: Family::IPV4_UNICAST,
            subtype,
        })
    };
    p.send(&refresh(RefreshSubtype::Request));
    // The table again, between BoRR and EoRR.
    assert_eq!(p.next_not_keepalive(), refresh(RefreshSubtype::Begin));
    assert_eq!(announced(&p.next_not_keepalive()), [prefix("10.61.2.0/24")]);
    assert_eq!(p.next_not_keepalive(), refresh(RefreshSubtype::End));
    d.wait("the request logged", |_, e| {
        e.contains("route refresh requested")
    });
}

#[test]
fn add_path_capability_lists_the_add_path_block_families_and_routes_carry_path_ids() {
    let dir = tempdir("kw-addpath");
    let me = "127.0.61.11";
    let port = free_port(me);
    let both = "ipv4 unicast; ipv6 unicast;";
    let conf = passive(
        me,
        "127.0.61.12",
        port,
        both,
        " capability { add-path send/receive; }\n",
    ) + &passive(
        me,
        "127.0.61.13",
        port,
        both,
        " capability { add-path send; }\n add-path { ipv4 unicast; }\n static { route 10.61.13.0/24 next-hop 192.0.2.1 path-information 0.0.0.7; }\n",
    );
    let d = Daemon::start(&dir, "herald", &conf);
    d.wait("running", |_, e| e.contains("herald running"));
    let to = addr(me, port);
    let (v4, v6) = (Family::IPV4_UNICAST, Family::IPV6_UNICAST);
    // The capability alone: every family, in the mode given.
    let (_p, o) = herald_open("127.0.61.12", to);
    assert_eq!(
        capabilities(&o),
        [
            mp(v4),
            mp(v6),
            Capability::FourOctetAs(65001),
            Capability::AddPath(vec![
                (v4, AddPathMode::SendReceive),
                (v6, AddPathMode::SendReceive)
            ]),
            Capability::ExtendedMessage
        ]
    );
    // The block: only the families it lists.
    let (mut p, o) = herald_open("127.0.61.13", to);
    assert_eq!(
        capabilities(&o),
        [
            mp(v4),
            mp(v6),
            Capability::FourOctetAs(65001),
            Capability::AddPath(vec![(v4, AddPathMode::Send)]),
            Capability::ExtendedMessage
        ]
    );
    // A peer that receives paths gets the route with its path identifier.
    establish(
        &mut p,
        vec![
            mp(v4),
            mp(v6),
            Capability::FourOctetAs(65002),
            Capability::AddPath(vec![(v4, AddPathMode::Receive)]),
        ],
    );
    p.ctx.add_path = vec![v4];
    let mut route = prefix("10.61.13.0/24");
    route.path_id = Some(7);
    assert_eq!(announced(&p.next_not_keepalive()), [route]);
}

#[test]
fn nexthop_block_advertises_extended_next_hop_and_sends_ipv4_routes_with_an_ipv6_next_hop() {
    let dir = tempdir("kw-nexthop");
    let me = "127.0.61.21";
    let port = free_port(me);
    let both = "ipv4 unicast; ipv6 unicast;";
    let block = " nexthop { ipv4 unicast ipv6; }\n";
    let conf = passive(
        me,
        "127.0.61.22",
        port,
        both,
        &format!("{block} static {{ route 192.0.2.0/24 next-hop 2001:db8::1; }}\n"),
    ) + &passive(
        me,
        "127.0.61.23",
        port,
        both,
        &format!("{block} capability {{ nexthop disable; }}\n"),
    );
    let d = Daemon::start(&dir, "herald", &conf);
    d.wait("running", |_, e| e.contains("herald running"));
    let to = addr(me, port);
    let (v4, v6) = (Family::IPV4_UNICAST, Family::IPV6_UNICAST);
    let enh = Capability::ExtendedNextHop(vec![ExtNextHop {
        afi: Afi::IPV4,
        safi: 1,
        nexthop_afi: Afi::IPV6,
    }]);
    // `capability { nexthop disable; }` overrides the block.
    let (_p, o) = herald_open("127.0.61.23", to);
    assert_eq!(
        capabilities(&o),
        [
            mp(v4),
            mp(v6),
            Capability::FourOctetAs(65001),
            Capability::ExtendedMessage
        ]
    );
    let (mut p, o) = herald_open("127.0.61.22", to);
    assert_eq!(
        capabilities(&o),
        [
            mp(v4),
            mp(v6),
            enh.clone(),
            Capability::FourOctetAs(65001),
            Capability::ExtendedMessage
        ]
    );
    establish(
        &mut p,
        vec![mp(v4), mp(v6), enh, Capability::FourOctetAs(65002)],
    );
    // RFC 8950: the IPv4 route goes in MP_REACH_NLRI with a 16-octet (IPv6) next hop, and
    // neither NEXT_HOP nor the classic NLRI field is used.
    let Message::Update(u) = p.next_not_keepalive() else {
        panic!("expected an UPDATE");
    };
    assert!(u.nlri.is_empty(), "{u:?}");
    assert!(u.get(3).is_none(), "NEXT_HOP sent: {u:?}");
    assert_eq!(
        u.mp_reach(),
        Some(&MpReach {
            family: v4,
            next_hop: NextHop::Ipv6("2001:db8::1".parse().unwrap()),
            reserved: 0,
            nlri: NlriList::Prefixes(vec![prefix("192.0.2.0/24")]),
        })
    );
}

// ---------------------------------------------------------------------------------------------
// Neighbor settings.

#[test]
fn manual_eor_holds_the_end_of_rib_back_until_a_program_sends_it() {
    let dir = tempdir("kw-eor");
    let me = "127.0.62.1";
    let port = free_port(me);
    let sock = dir.join("ctl.sock");
    let v4 = "ipv4 unicast;";
    let conf = passive(
        me,
        "127.0.62.2",
        port,
        v4,
        " manual-eor true;\n static { route 10.62.2.0/24 next-hop 192.0.2.1; }\n",
    ) + &passive(
        me,
        "127.0.62.3",
        port,
        v4,
        " static { route 10.62.3.0/24 next-hop 192.0.2.1; }\n",
    );
    let d = Daemon::start_with_args(
        &dir,
        "herald",
        &conf,
        &[],
        &["--control", sock.to_str().unwrap()],
    );
    d.wait("running", |_, e| e.contains("herald running"));
    let to = addr(me, port);
    let caps = || vec![mp(Family::IPV4_UNICAST), Capability::FourOctetAs(65002)];
    // Without manual-eor, the End-of-RIB follows the table.
    let (mut auto, _) = herald_open("127.0.62.3", to);
    establish(&mut auto, caps());
    assert_eq!(
        announced(&auto.next_not_keepalive()),
        [prefix("10.62.3.0/24")]
    );
    assert_eq!(
        end_of_rib(&auto.next_not_keepalive()),
        Some(Family::IPV4_UNICAST)
    );
    // With it, the next message after the table is the program's route, then the End-of-RIB
    // the program asks for.
    let (mut manual, _) = herald_open("127.0.62.2", to);
    establish(&mut manual, caps());
    assert_eq!(
        announced(&manual.next_not_keepalive()),
        [prefix("10.62.2.0/24")]
    );
    let (ok, out) = ctl(
        &sock,
        "neighbor 127.0.62.2 announce route 10.62.99.0/24 next-hop 192.0.2.1",
    );
    assert!(ok, "{out}");
    assert_eq!(
        announced(&manual.next_not_keepalive()),
        [prefix("10.62.99.0/24")]
    );
    let (ok, out) = ctl(&sock, "neighbor 127.0.62.2 announce eor ipv4 unicast");
    assert!(ok, "{out}");
    assert_eq!(
        end_of_rib(&manual.next_not_keepalive()),
        Some(Family::IPV4_UNICAST)
    );
}

/// What a program using `manual-eor` writes: its routes, then `announce eor`, in one write.
/// The End-of-RIB must follow the routes on the wire.
#[test]
fn an_end_of_rib_asked_for_after_routes_follows_them() {
    use std::io::{Read, Write};
    let dir = tempdir("kw-eor-order");
    let me = "127.0.62.21";
    let port = free_port(me);
    let sock = dir.join("ctl.sock");
    let conf = passive(
        me,
        "127.0.62.22",
        port,
        "ipv4 unicast;",
        " manual-eor true;\n static { route 10.62.22.0/24 next-hop 192.0.2.1; }\n",
    );
    let d = Daemon::start_with_args(
        &dir,
        "herald",
        &conf,
        &[],
        &["--control", sock.to_str().unwrap()],
    );
    d.wait("running", |_, e| e.contains("herald running"));
    let (mut p, _) = herald_open("127.0.62.22", addr(me, port));
    establish(
        &mut p,
        vec![mp(Family::IPV4_UNICAST), Capability::FourOctetAs(65002)],
    );
    assert_eq!(
        announced(&p.next_not_keepalive()),
        [prefix("10.62.22.0/24")]
    );
    let mut lines = String::new();
    for i in 0..50 {
        lines.push_str(&format!(
            "announce route 10.62.{i}.0/24 next-hop 192.0.2.1 med {i}\n"
        ));
    }
    lines.push_str("announce eor ipv4 unicast\n");
    let mut c = std::os::unix::net::UnixStream::connect(&sock).unwrap();
    c.write_all(lines.as_bytes()).unwrap();
    c.shutdown(std::net::Shutdown::Write).unwrap();
    let mut answers = String::new();
    c.read_to_string(&mut answers).unwrap();
    assert_eq!(count(&answers, "done\n"), 51, "{answers}");
    let mut routes = 0;
    loop {
        let m = p.next_not_keepalive();
        if end_of_rib(&m).is_some() {
            break;
        }
        routes += announced(&m).len();
    }
    assert_eq!(routes, 50, "the End-of-RIB came before the routes");
}

#[test]
fn description_is_shown_by_show_neighbor_configuration() {
    let dir = tempdir("kw-descr");
    let me = "127.0.62.11";
    let port = free_port(me);
    let sock = dir.join("ctl.sock");
    let v4 = "ipv4 unicast;";
    let conf = passive(
        me,
        "127.0.62.12",
        port,
        v4,
        " description \"edge router 7\";\n",
    ) + &passive(me, "127.0.62.13", port, v4, "");
    let d = Daemon::start_with_args(
        &dir,
        "herald",
        &conf,
        &[],
        &["--control", sock.to_str().unwrap()],
    );
    d.wait("running", |_, e| e.contains("herald running"));
    let (ok, out) = ctl(&sock, "show neighbor configuration");
    assert!(ok, "{out}");
    assert!(
        out.contains("neighbor 127.0.62.12 {\n    description \"edge router 7\";\n"),
        "{out}"
    );
    assert!(out.contains("neighbor 127.0.62.13 {\n"), "{out}");
    assert_eq!(count(&out, "description"), 1, "{out}");
}

// ---------------------------------------------------------------------------------------------
// Helper processes and their events.

/// A herald at `me` with processes `processes` (configuration text) and a passive neighbor
/// `peer` with `api`; a scripted peer brings the session up, then herald stops. The
/// processes' events are complete when this returns.
fn session_with_processes(
    dir: &Path,
    me: &str,
    peer: &str,
    processes: &str,
    api: &str,
    env: &[(&str, &str)],
    started: usize,
) {
    recorder(dir);
    let port = free_port(me);
    let conf = format!(
        "{processes}\n{}",
        passive(me, peer, port, "ipv4 unicast;", api)
    );
    let mut d = Daemon::start_with_env(dir, "herald", &conf, env);
    d.wait("the processes", |_, e| {
        count(e, "process started") == started && e.contains("herald running")
    });
    let (mut p, _) = herald_open(peer, addr(me, port));
    establish(
        &mut p,
        vec![mp(Family::IPV4_UNICAST), Capability::FourOctetAs(65002)],
    );
    d.wait("up", |o, _| o.contains(r#""state": "up""#));
    // The peer leaves first, so that herald stops without waiting for it.
    drop(p);
    assert!(d.stop().success());
}

#[test]
fn process_encoder_writes_text_or_json_events() {
    let dir = tempdir("kw-encoder");
    session_with_processes(
        &dir,
        "127.0.63.1",
        "127.0.63.2",
        "process j { run ./rec.sh j; encoder json; }\nprocess t { run ./rec.sh t; encoder text; }",
        " api { processes [ j t ]; neighbor-changes; }\n",
        &[],
        2,
    );
    let (j, t) = (events(&dir, "j"), events(&dir, "t"));
    assert!(kinds(&j).contains(&("state".into(), String::new())), "{j}");
    assert!(j.contains(r#""state": "up""#), "{j}");
    assert!(t.lines().any(|l| l == "neighbor 127.0.63.2 up"), "{t}");
    assert!(!t.contains('{'), "JSON for the text process: {t}");
}

#[test]
fn api_encoder_is_the_encoder_of_processes_that_name_none() {
    let dir = tempdir("kw-api-encoder");
    session_with_processes(
        &dir,
        "127.0.63.11",
        "127.0.63.12",
        "process d { run ./rec.sh d; }\nprocess j { run ./rec.sh j; encoder json; }",
        " api { processes [ d j ]; neighbor-changes; }\n",
        &[("exabgp.api.encoder", "text")],
        2,
    );
    let (d, j) = (events(&dir, "d"), events(&dir, "j"));
    assert!(d.lines().any(|l| l == "neighbor 127.0.63.12 up"), "{d}");
    assert!(!d.contains('{'), "{d}");
    assert!(j.contains(r#""state": "up""#), "{j}");
    kinds(&j);
}

#[test]
fn processes_match_subscribes_the_processes_whose_name_starts_with_a_match() {
    let dir = tempdir("kw-match");
    session_with_processes(
        &dir,
        "127.0.63.21",
        "127.0.63.22",
        "process rec-a { run ./rec.sh rec-a; encoder text; }\nprocess xrec { run ./rec.sh xrec; encoder text; }",
        " api { processes-match [ rec ]; neighbor-changes; }\n",
        &[],
        2,
    );
    let (a, x) = (events(&dir, "rec-a"), events(&dir, "xrec"));
    assert!(a.lines().any(|l| l == "neighbor 127.0.63.22 up"), "{a}");
    // ExaBGP anchors the expression at the start of the name: `xrec` does not match. It gets
    // herald's last event only.
    assert!(x.starts_with("shutdown "), "{x}");
    assert_eq!(x.lines().count(), 1, "{x}");
}

#[test]
fn consolidate_puts_the_octets_into_the_parsed_event_instead_of_a_second_one() {
    let dir = tempdir("kw-consolidate");
    session_with_processes(
        &dir,
        "127.0.63.41",
        "127.0.63.42",
        "process j { run ./rec.sh j; encoder json; }\nprocess t { run ./rec.sh t; encoder text; }\nprocess p { run ./rec.sh p; encoder json; }",
        " api { processes [ j t ]; receive { parsed; packets; consolidate; open; keepalive; } }\n api { processes [ p ]; receive { parsed; packets; open; } }\n",
        &[],
        3,
    );
    let (j, t, p) = (events(&dir, "j"), events(&dir, "t"), events(&dir, "p"));
    // Consolidated: one event per message, parsed, with the header and body.
    let opens: Vec<&str> = j
        .lines()
        .filter(|l| l.contains(r#""type": "open""#))
        .collect();
    assert_eq!(opens.len(), 1, "{j}");
    assert!(
        opens[0].contains(r#""header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"#),
        "{j}"
    );
    assert!(opens[0].contains(r#""body": "0x04FDEA"#), "{j}");
    assert!(
        opens[0].contains(r#""open": { "version": 4, "asn": 65002"#),
        "{j}"
    );
    kinds(&j);
    let ka = j
        .lines()
        .find(|l| l.contains(r#""type": "keepalive""#))
        .unwrap_or_default();
    assert!(
        ka.contains(r#""header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304""#),
        "{j}"
    );
    assert!(!ka.contains(r#""body""#), "a KEEPALIVE has no body: {ka}");
    let open_line = t
        .lines()
        .find(|l| l.contains(" receive open "))
        .unwrap_or_default();
    assert!(
        open_line.contains(" header 0xFFFFFFFF") && open_line.contains(" body 0x04FDEA"),
        "{t}"
    );
    // Without consolidate: a packet event and a parsed one.
    assert_eq!(
        p.lines()
            .filter(|l| l.contains(r#""type": "open""#))
            .count(),
        2,
        "{p}"
    );
}

#[test]
fn send_receive_keepalive_and_refresh_select_the_message_events() {
    let dir = tempdir("kw-send");
    recorder(&dir);
    let (me, peer) = ("127.0.63.31", "127.0.63.32");
    let port = free_port(me);
    let conf = format!(
        "process rec {{ run ./rec.sh rec; }}\n{}",
        passive(
            me,
            peer,
            port,
            "ipv4 unicast;",
            " capability { route-refresh; }\n api {\n  processes [ rec ];\n  receive { parsed; keepalive; refresh; }\n  send { parsed; open; keepalive; update; }\n }\n static { route 10.63.32.0/24 next-hop 192.0.2.1; }\n",
        )
    );
    let mut d = Daemon::start(&dir, "herald", &conf);
    d.wait("the process", |_, e| {
        e.contains("process started") && e.contains("herald running")
    });
    let (mut p, _) = herald_open(peer, addr(me, port));
    establish(
        &mut p,
        vec![
            mp(Family::IPV4_UNICAST),
            Capability::FourOctetAs(65002),
            Capability::RouteRefresh,
        ],
    );
    assert_eq!(
        announced(&p.next_not_keepalive()),
        [prefix("10.63.32.0/24")]
    );
    assert!(end_of_rib(&p.next_not_keepalive()).is_some());
    p.send(&Message::RouteRefresh(RouteRefresh {
        family: Family::IPV4_UNICAST,
        subtype: RefreshSubtype::Request,
    }));
    assert_eq!(
        announced(&p.next_not_keepalive()),
        [prefix("10.63.32.0/24")]
    );
    d.wait("the refresh", |_, e| e.contains("route refresh requested"));
    drop(p);
    assert!(d.stop().success());
    let ev = events(&dir, "rec");
    let got = kinds(&ev);
    let has = |t: &str, dir: &str| got.contains(&(t.to_string(), dir.to_string()));
    for (t, direction) in [
        ("keepalive", "receive"),
        ("refresh", "receive"),
        ("open", "send"),
        ("keepalive", "send"),
        ("update", "send"),
    ] {
        assert!(has(t, direction), "no {t} {direction} event in:\n{ev}");
    }
    // What was not asked for: the OPEN received (no `open` in `receive`).
    assert!(!has("open", "receive"), "{ev}");
    assert!(!has("update", "receive"), "{ev}");
}

/// Processes `once` (its `respawn` setting: `once`) and `again` (`again`), each appending a line
/// to `starts-NAME` and exiting: once `again` has been started twice, `once` has been
/// started once and herald says it is not restarted.
fn respawn_case(tag: &str, once: &str, again: &str, env: &[(&str, &str)]) {
    let dir = tempdir(tag);
    write_script(
        &dir.join("start.sh"),
        "#!/bin/sh\necho started >> \"$(dirname \"$0\")/starts-$1\"\n",
    );
    let me = "127.0.63.51";
    let conf = format!(
        "process once {{ run ./start.sh once; {once} }}\nprocess again {{ run ./start.sh again; {again} }}\n{}",
        passive(me, "127.0.63.52", free_port(me), "ipv4 unicast;", "")
    );
    let d = Daemon::start_with_env(&dir, "herald", &conf, env);
    let starts = |n: &str| {
        std::fs::read_to_string(dir.join(format!("starts-{n}")))
            .unwrap_or_default()
            .lines()
            .count()
    };
    wait_for("a restart of `again`", || starts("again") >= 2);
    d.wait("`once` left ended", |_, e| {
        e.contains("process ended; respawn is off")
    });
    assert_eq!(starts("once"), 1);
    let log = d.log();
    assert_eq!(count(&log, "process ended; respawn is off"), 1, "{log}");
    assert!(
        log.lines()
            .any(|l| l.contains("process ended; respawn is off") && l.contains("once")),
        "{log}"
    );
}

#[test]
fn respawn_false_leaves_an_ended_process_ended() {
    respawn_case("kw-respawn", "respawn false;", "", &[]);
}

#[test]
fn api_respawn_false_is_the_default_of_processes_that_name_none() {
    respawn_case(
        "kw-api-respawn",
        "",
        "respawn true;",
        &[("exabgp.api.respawn", "false")],
    );
}
