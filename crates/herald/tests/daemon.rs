//! The daemon end to end on loopback, herald against herald or against a scripted raw peer:
//! route injection with its JSON at the receiver, reload without a session reset, shutdown with
//! Cease, a wrong peer AS, and malformed UPDATEs from a peer. Each test uses its own 127.0.x.y
//! addresses and ports; waits poll for an expected line with a deadline (no fixed sleeps).

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use herald_wire::{Context, Message};

#[test]
fn routes_reach_a_second_herald_with_their_attributes() {
    let dir = tempdir("inject");
    let port = free_port("127.0.31.2");
    let rx = Daemon::start(
        &dir,
        "rx",
        &receiver_conf("127.0.31.2", "127.0.31.1", port, 65002, 65001),
    );
    rx.wait("listening", |_, e| e.contains("listening"));
    let routes = "  route 192.0.2.0/24 next-hop 198.51.100.1 med 10 community [ 65001:1 no-export ] large-community [ 65001:2:3 ];\n  route 2001:db8:1::/48 next-hop 2001:db8::1 as-path [ 65001 64999 ] extended-community [ target:65001:7 ];";
    let tx = Daemon::start(
        &dir,
        "tx",
        &sender_conf("127.0.31.1", "127.0.31.2", port, 65001, 65002, routes),
    );
    rx.wait("two End-of-RIBs", |o, _| count(o, "\"eor\"") == 2);
    let out = rx.out();
    // EBGP: herald prepends its AS when no AS_PATH is given, and sends no LOCAL_PREF.
    assert!(out.contains(r#""attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [65001]}}, "med": 10, "community": [ [ 65001, 1 ], [ 65535, 65281 ] ], "large-community": [ [ 65001, 2 , 3 ] ] }, "announce": { "ipv4 unicast": { "198.51.100.1": [ { "nlri": "192.0.2.0/24" } ] } }"#), "{out}");
    assert!(out.contains(r#""attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [65001, 64999]}}, "extended-community": [ { "value": 842127122628615, "string": "target:65001:7" } ] }, "announce": { "ipv6 unicast": { "2001:db8::1": [ { "nlri": "2001:db8:1::/48" } ] } }"#), "{out}");
    assert!(!out.contains("local-preference"));
    assert_eq!(count(&out, r#""state": "up""#), 1);
    drop(tx);
}

#[test]
fn sighup_applies_only_the_difference_without_a_reset() {
    let dir = tempdir("reload");
    let port = free_port("127.0.32.2");
    let rx = Daemon::start(
        &dir,
        "rx",
        &receiver_conf("127.0.32.2", "127.0.32.1", port, 65001, 65001),
    );
    rx.wait("listening", |_, e| e.contains("listening"));
    let r = |p: &str| format!("  route {p} next-hop 198.51.100.1;\n");
    let tx = Daemon::start(
        &dir,
        "tx",
        &sender_conf(
            "127.0.32.1",
            "127.0.32.2",
            port,
            65001,
            65001,
            &(r("10.0.0.0/24") + &r("10.0.1.0/24") + &r("10.0.2.0/24")),
        ),
    );
    rx.wait("End-of-RIB", |o, _| count(o, "\"eor\"") == 2);
    // IBGP: LOCAL_PREF 100 and an empty AS_PATH.
    assert!(
        rx.out()
            .contains(r#""attribute": { "origin": "igp", "local-preference": 100 }"#),
        "{}",
        rx.out()
    );
    std::fs::write(
        dir.join("tx.conf"),
        sender_conf(
            "127.0.32.1",
            "127.0.32.2",
            port,
            65001,
            65001,
            &(r("10.0.1.0/24") + &r("10.0.2.0/24") + &r("10.0.3.0/24")),
        ),
    )
    .unwrap();
    tx.signal("HUP");
    rx.wait("the withdrawal and the new route", |o, _| {
        o.contains(r#""withdraw": { "ipv4 unicast": [ { "nlri": "10.0.0.0/24" } ] }"#)
            && o.contains(r#"{ "nlri": "10.0.3.0/24" }"#)
    });
    tx.wait("reload applied", |_, e| e.contains("reload applied"));
    let out = rx.out();
    assert_eq!(
        count(&out, r#""state": "up""#),
        1,
        "the session was reset: {out}"
    );
    // Unchanged routes are not sent again.
    assert_eq!(count(&out, r#"{ "nlri": "10.0.1.0/24" }"#), 1, "{out}");
    assert_eq!(count(&tx.log(), "to=\"established\""), 1);
    // A configuration with an error is refused and nothing changes.
    std::fs::write(dir.join("tx.conf"), "neighbor 127.0.32.2 { local-as x; }\n").unwrap();
    tx.signal("HUP");
    tx.wait("the refusal", |_, e| e.contains("reload refused"));
    assert!(tx.log().contains("tx.conf:1:"), "{}", tx.log());
}

#[test]
fn sigterm_sends_cease_administrative_shutdown_and_exits_0() {
    let dir = tempdir("term");
    let port = free_port("127.0.33.2");
    let rx = Daemon::start(
        &dir,
        "rx",
        &receiver_conf("127.0.33.2", "127.0.33.1", port, 65001, 65001),
    );
    rx.wait("listening", |_, e| e.contains("listening"));
    let mut tx = Daemon::start(
        &dir,
        "tx",
        &sender_conf(
            "127.0.33.1",
            "127.0.33.2",
            port,
            65001,
            65001,
            "  route 10.0.0.0/24 next-hop 198.51.100.1;",
        ),
    );
    rx.wait("up", |o, _| o.contains(r#""state": "up""#));
    tx.signal("TERM");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = tx.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "herald did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    rx.wait("the Cease", |_, e| {
        e.contains(
            "received NOTIFICATION Cease (6/2): Administrative shutdown: \"herald shutting down\"",
        )
    });
    rx.wait("down event", |o, _| o.contains(r#""state": "down""#));
}

#[test]
fn wrong_peer_as_is_refused_with_2_2_at_both_ends() {
    let dir = tempdir("badas");
    let port = free_port("127.0.34.2");
    let rx = Daemon::start(
        &dir,
        "rx",
        &receiver_conf("127.0.34.2", "127.0.34.1", port, 65002, 65099),
    );
    rx.wait("listening", |_, e| e.contains("listening"));
    let tx = Daemon::start(
        &dir,
        "tx",
        &sender_conf(
            "127.0.34.1",
            "127.0.34.2",
            port,
            65001,
            65002,
            "  route 10.0.0.0/24 next-hop 198.51.100.1;",
        ),
    );
    rx.wait("the refusal", |_, e| {
        e.contains("sending NOTIFICATION OPEN message error (2/2): Bad peer AS")
    });
    tx.wait("the NOTIFICATION", |_, e| {
        e.contains("received NOTIFICATION OPEN message error (2/2): Bad peer AS")
    });
}

#[test]
fn malformed_updates_get_the_rfc_answer_and_herald_stays_up() {
    let dir = tempdir("malformed");
    let port = free_port("127.0.0.1");
    // herald listens on 127.0.0.1 for the scripted peer, which connects from 127.0.0.1.
    let conf = format!(
        "neighbor 127.0.0.1 {{\n router-id 10.35.0.1;\n local-address 127.0.0.1;\n local-as 65001;\n peer-as 65002;\n hold-time 30;\n passive;\n listen {port};\n family {{ ipv4 unicast; }}\n}}\n"
    );
    let d = Daemon::start(&dir, "d", &conf);
    d.wait("listening", |_, e| e.contains("listening"));
    let to: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let hdr = |body: &[u8]| {
        let mut m = vec![0xff; 16];
        m.extend_from_slice(&((19 + body.len()) as u16).to_be_bytes());
        m.push(2);
        m.extend_from_slice(body);
        m
    };
    // 1. An invalid ORIGIN: treat-as-withdraw, the session stays up (no NOTIFICATION).
    //    Then an UPDATE whose attribute length overruns the message: 3/1, session reset.
    let mut payload = hdr(&hex::decode("0000000e40010109400200400304c63364010a0a00").unwrap());
    payload.extend(hdr(&hex::decode("00000040400101").unwrap()));
    let (_s, got) = raw_peer(to, "127.0.0.1", 65002, &payload);
    let n = notification_in(&got).expect("a NOTIFICATION");
    assert_eq!((n.code, n.subcode), (3, 1), "{n:?}");
    d.wait("the RFC 7606 log", |_, e| {
        e.contains("treat-as-withdraw") || e.contains("TreatAsWithdraw")
    });
    // 2. A bad marker: 1/1.
    let mut bad = Message::Keepalive.to_bytes(&Context::default());
    bad[0] = 0;
    let (_s, got) = raw_peer(to, "127.0.0.1", 65002, &bad);
    assert_eq!(
        notification_in(&got).map(|n| (n.code, n.subcode)),
        Some((1, 1))
    );
    // 3. An unknown message type: 1/3 with the type.
    let mut bad = Message::Keepalive.to_bytes(&Context::default());
    bad[18] = 9;
    let (_s, got) = raw_peer(to, "127.0.0.1", 65002, &bad);
    let n = notification_in(&got).unwrap();
    assert_eq!((n.code, n.subcode, n.data), (1, 3, vec![9]));
    // herald is still running and accepts a good session afterwards.
    let (_s, got) = raw_peer(
        to,
        "127.0.0.1",
        65002,
        &Message::Notification(herald_wire::Notification::cease_with_message(2, "bye"))
            .to_bytes(&Context::default()),
    );
    assert!(
        notification_in(&got).is_none(),
        "herald answered a clean Cease with a NOTIFICATION"
    );
    // The log line may follow the close the peer already saw: wait for it.
    d.wait("the Cease logged", |_, e| {
        e.contains("received NOTIFICATION Cease (6/2): Administrative shutdown: \"bye\"")
    });
}

#[test]
fn a_passive_range_neighbor_accepts_any_address_inside_it_and_no_other() {
    let dir = tempdir("range");
    let port = free_port("127.0.36.1");
    let conf = format!(
        "neighbor 127.0.36.0/28 {{\n router-id 127.0.36.1;\n local-address 127.0.36.1;\n local-as 65001;\n peer-as 65001;\n hold-time 30;\n passive;\n listen {port};\n family {{ ipv4 unicast; }}\n}}\n"
    );
    let rx = Daemon::start(&dir, "rx", &conf);
    rx.wait("listening", |_, e| e.contains("listening"));
    let _a = Daemon::start(
        &dir,
        "a",
        &sender_conf(
            "127.0.36.5",
            "127.0.36.1",
            port,
            65001,
            65001,
            "  route 10.5.0.0/24 next-hop 198.51.100.5;",
        ),
    );
    let _b = Daemon::start(
        &dir,
        "b",
        &sender_conf(
            "127.0.36.9",
            "127.0.36.1",
            port,
            65001,
            65001,
            "  route 10.9.0.0/24 next-hop 198.51.100.9;",
        ),
    );
    rx.wait("both sessions and their routes", |o, _| {
        o.contains(r#"{ "nlri": "10.5.0.0/24" }"#) && o.contains(r#"{ "nlri": "10.9.0.0/24" }"#)
    });
    assert_eq!(count(&rx.out(), r#""state": "up""#), 2);
    // An address outside the range is refused.
    let outsider = Daemon::start(
        &dir,
        "c",
        &sender_conf(
            "127.0.36.20",
            "127.0.36.1",
            port,
            65001,
            65001,
            "  route 10.20.0.0/24 next-hop 198.51.100.9;",
        ),
    );
    rx.wait("the refusal", |_, e| {
        e.contains("not a configured neighbor")
    });
    outsider.wait("the Cease", |_, e| {
        e.contains("received NOTIFICATION Cease (6/5)")
    });
}

#[test]
fn simultaneous_connects_collide_and_one_session_survives() {
    // Both heralds listen (exabgp.tcp.bind) and both connect, to the same port: RFC 4271 §6.8
    // keeps the connection opened by the higher BGP identifier, on both sides.
    let dir = tempdir("collision");
    let port = free_port("127.0.37.1").to_string();
    let conf = |me: &str, peer: &str, route: &str| {
        format!(
            "neighbor {peer} {{\n router-id {me};\n local-address {me};\n local-as 65001;\n peer-as 65001;\n hold-time 30;\n family {{ ipv4 unicast; }}\n static {{ route {route} next-hop 198.51.100.1; }}\n}}\n"
        )
    };
    let a = Daemon::start_with_env(
        &dir,
        "a",
        &conf("127.0.37.1", "127.0.37.2", "10.1.0.0/24"),
        &[
            ("exabgp_tcp_bind", "127.0.37.1"),
            ("exabgp_tcp_port", &port),
        ],
    );
    let b = Daemon::start_with_env(
        &dir,
        "b",
        &conf("127.0.37.2", "127.0.37.1", "10.2.0.0/24"),
        &[
            ("exabgp_tcp_bind", "127.0.37.2"),
            ("exabgp_tcp_port", &port),
        ],
    );
    a.wait("b's route", |o, _| {
        o.contains(r#"{ "nlri": "10.2.0.0/24" }"#)
    });
    b.wait("a's route", |o, _| {
        o.contains(r#"{ "nlri": "10.1.0.0/24" }"#)
    });
    // Whatever the race, each side ends with exactly one established session that stays up.
    std::thread::sleep(Duration::from_millis(300));
    for d in [&a, &b] {
        let log = d.log();
        let ups = count(&d.out(), r#""state": "up""#);
        let downs = count(&d.out(), r#""state": "down""#);
        assert_eq!(ups, downs + 1, "one session must survive\n{log}");
    }
}

/// RFC 4271 §6.8 with a scripted peer: herald's outbound connection is in OpenSent when the peer
/// opens a second one. The connection opened by the higher BGP identifier must survive.
fn collision(peer_id: &str, expect_new_wins: bool, tag: &str, third: u8) {
    let dir = tempdir(tag);
    let me = format!("127.0.{third}.1");
    let peer = format!("127.0.{third}.2");
    let peer_port = free_port(&peer);
    let my_port = free_port(&me).to_string();
    let listener = TcpListener::bind((peer.as_str(), peer_port)).unwrap();
    let conf = format!(
        "neighbor {peer} {{\n router-id {me};\n local-address {me};\n local-as 65001;\n peer-as 65002;\n hold-time 30;\n connect {peer_port};\n family {{ ipv4 unicast; }}\n}}\n"
    );
    let d = Daemon::start_with_env(
        &dir,
        "d",
        &conf,
        &[("exabgp_tcp_bind", &me), ("exabgp_tcp_port", &my_port)],
    );
    let (mut first, _) = listener.accept().unwrap();
    first
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert!(matches!(
        read_messages(&mut first, 1)[..],
        [Message::Open(_)]
    ));
    // Now the peer connects too, from its own address, and sends its OPEN.
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    sock.bind(&format!("{peer}:0").parse::<SocketAddr>().unwrap().into())
        .unwrap();
    sock.connect(
        &format!("{me}:{my_port}")
            .parse::<SocketAddr>()
            .unwrap()
            .into(),
    )
    .unwrap();
    let mut second: TcpStream = sock.into();
    second
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let open = Message::Open(herald_wire::Open::new(
        65002,
        30,
        peer_id.parse().unwrap(),
        vec![herald_wire::Capability::FourOctetAs(65002)],
    ));
    second
        .write_all(&open.to_bytes(&Context::default()))
        .unwrap();
    let cease = |m: &[Message]| {
        m.iter()
            .any(|m| matches!(m, Message::Notification(n) if (n.code, n.subcode) == (6, 7)))
    };
    if expect_new_wins {
        assert!(
            cease(&read_messages(&mut first, 1)),
            "the old connection must get Cease 6/7\n{}",
            d.log()
        );
        let got = read_messages(&mut second, 2);
        assert!(
            matches!(got[..], [Message::Open(_), Message::Keepalive]),
            "{got:?}\n{}",
            d.log()
        );
    } else {
        assert!(
            cease(&read_messages(&mut second, 1)),
            "the new connection must get Cease 6/7\n{}",
            d.log()
        );
        d.wait("the decision", |_, e| {
            e.contains("keeping the existing connection")
        });
    }
}

#[test]
fn collision_keeps_the_peers_connection_when_its_identifier_is_higher() {
    collision("200.0.0.1", true, "collision-new", 38);
}

#[test]
fn collision_keeps_our_connection_when_our_identifier_is_higher() {
    collision("1.0.0.1", false, "collision-old", 39);
}

/// A helper process (`rec.sh`, found from the configuration's folder) that copies the events it
/// gets into `events`, and a receiver neighbor whose parsed UPDATEs and state changes go to it.
fn recorder_conf(dir: &Path, me: &str, peer: &str, port: u16, process: &str) -> String {
    write_script(
        &dir.join("rec.sh"),
        "#!/bin/sh\nexec cat > \"$(dirname \"$0\")/events\"\n",
    );
    let n = receiver_conf(me, peer, port, 65002, 65001);
    let n = n.replacen(
        " passive;\n",
        " passive;\n api { processes [ rec ]; neighbor-changes; receive { parsed; update; } }\n",
        1,
    );
    format!("{process}\n{n}")
}

#[test]
fn exabgp_api_environment_settings_take_effect_or_are_reported() {
    let dir = tempdir("apienv");
    let port = free_port("127.0.38.2");
    // No `encoder` in the process: `api.encoder` (json by default) decides; `api.compact`
    // writes unicast prefixes as bare strings; settings without effect are logged.
    let conf = recorder_conf(
        &dir,
        "127.0.38.2",
        "127.0.38.1",
        port,
        "process rec { run ./rec.sh; }",
    );
    let rx = Daemon::start_with_env(
        &dir,
        "rx",
        &conf,
        &[
            ("exabgp.api.compact", "true"),
            ("exabgp_api_chunk", "5"),
            ("exabgp.daemon.daemonize", "true"),
            ("exabgp.frobnicate.level", "3"),
        ],
    );
    rx.wait("listening", |_, e| e.contains("listening"));
    let log = rx.log();
    assert!(
        log.contains("environment setting api.chunk has no effect in herald"),
        "{log}"
    );
    assert!(
        log.contains("environment setting daemon.daemonize has no effect in herald"),
        "{log}"
    );
    assert!(
        log.contains("environment setting exabgp.frobnicate.level is not known to herald"),
        "{log}"
    );
    let tx = Daemon::start(
        &dir,
        "tx",
        &sender_conf(
            "127.0.38.1",
            "127.0.38.2",
            port,
            65001,
            65002,
            "  route 192.0.2.0/24 next-hop 198.51.100.1;\n  route 192.0.2.128/25 next-hop 198.51.100.1;",
        ),
    );
    let events = dir.join("events");
    let read = || std::fs::read_to_string(&events).unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !read().contains("\"eor\"") {
        assert!(
            Instant::now() < deadline,
            "no End-of-RIB event in {:?}",
            read()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let ev = read();
    assert!(ev.contains(r#""type": "state""#), "{ev}");
    assert!(
        ev.contains(r#""announce": { "ipv4 unicast": { "198.51.100.1": [ "192.0.2.0/24", "192.0.2.128/25" ] } }"#),
        "{ev}"
    );
    drop(tx);
}

#[test]
fn api_terminate_stops_herald_when_a_helper_ends() {
    let dir = tempdir("apiterm");
    let port = free_port("127.0.39.2");
    let conf = recorder_conf(
        &dir,
        "127.0.39.2",
        "127.0.39.1",
        port,
        "process rec { run ./rec.sh; encoder text; }\nprocess quits { run true; encoder json; }",
    );
    let mut rx = Daemon::start_with_env(&dir, "rx", &conf, &[("exabgp.api.terminate", "true")]);
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = rx.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "herald still runs after its helper ended:\n{}",
            rx.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}\n{}", rx.log());
    let log = rx.log();
    assert!(
        log.contains("process ended and api.terminate is set: stopping herald"),
        "{log}"
    );
    // Without the setting, the helper is restarted instead.
    let rx = Daemon::start(&dir, "rx2", &conf);
    rx.wait("a restart", |_, e| e.contains("process ended; restarting"));
}

#[test]
fn a_peer_that_stops_reading_is_closed_after_the_hold_time_even_if_it_keeps_talking() {
    // herald has a table bigger than the socket buffers for a peer that sends KEEPALIVEs (so
    // herald's hold timer never fires) and never reads: herald must give the connection up
    // once its writes take nothing for the hold time (3 s here), not hold it forever.
    let dir = tempdir("stall");
    let port = free_port("127.0.40.1");
    let mut routes = String::new();
    for i in 0..60_000u32 {
        routes.push_str(&format!(
            "  route 10.{}.{}.0/24 next-hop 192.0.2.1 med {i} community [ 65000:1 65000:2 65000:3 65000:4 65000:5 65000:6 65000:7 65000:8 ];\n",
            i >> 8,
            i & 255
        ));
    }
    let conf = format!(
        "neighbor 127.0.40.2 {{\n router-id 10.40.0.1;\n local-address 127.0.40.1;\n local-as 65001;\n peer-as 65002;\n hold-time 3;\n passive;\n listen {port};\n family {{ ipv4 unicast; }}\n static {{\n{routes} }}\n}}\n"
    );
    let d = Daemon::start(&dir, "herald", &conf);
    d.wait("listening", |_, e| e.contains("listening"));
    // A small receive buffer, so that herald's writes block soon.
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    sock.bind(&"127.0.40.2:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    sock.connect(
        &format!("127.0.40.1:{port}")
            .parse::<SocketAddr>()
            .unwrap()
            .into(),
    )
    .unwrap();
    let mut s: TcpStream = sock.into();
    let open = Message::Open(herald_wire::Open::new(
        65002,
        30,
        "192.0.2.98".parse().unwrap(),
        vec![herald_wire::Capability::FourOctetAs(65002)],
    ));
    let ka = Message::Keepalive.to_bytes(&Context::default());
    s.write_all(&open.to_bytes(&Context::default())).unwrap();
    s.write_all(&ka).unwrap();
    d.wait("established", |_, e| e.contains("established"));
    // Keep talking, never read, until herald gives up (or 20 s pass).
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline && !d.log().contains("closing the connection") {
        if s.write_all(&ka).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    d.wait("the stalled connection given up", |_, e| {
        e.contains("closing the connection") && e.contains("session down")
    });
}

/// A scripted IBGP peer (AS 65001) with graceful restart: connects from `from` to `to`, sends its
/// OPEN (`flags` in the capability) and a KEEPALIVE.
fn gr_peer(from: &str, to: SocketAddr, flags: u8) -> TcpStream {
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    sock.bind(&format!("{from}:0").parse::<SocketAddr>().unwrap().into())
        .unwrap();
    sock.connect(&to.into()).unwrap();
    let mut s: TcpStream = sock.into();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let open = Message::Open(herald_wire::Open::new(
        65001,
        30,
        "192.0.2.97".parse().unwrap(),
        vec![
            herald_wire::Capability::FourOctetAs(65001),
            herald_wire::Capability::GracefulRestart {
                flags,
                time: 120,
                families: vec![],
            },
        ],
    ));
    s.write_all(&open.to_bytes(&Context::default())).unwrap();
    s.write_all(&Message::Keepalive.to_bytes(&Context::default()))
        .unwrap();
    s
}

#[test]
fn a_restarted_graceful_restart_peer_reconnecting_replaces_its_established_session() {
    // RFC 4724 §4.2: the peer comes back on a new connection before herald saw the old one go.
    // herald must take the new connection (not refuse it with Cease 6/5 until its hold timer
    // ends) and keep the peer's routes as stale until its End-of-RIB.
    let dir = tempdir("grback");
    let port = free_port("127.0.41.1");
    let conf = format!(
        "neighbor 127.0.41.2 {{\n router-id 10.41.0.1;\n local-address 127.0.41.1;\n local-as 65001;\n peer-as 65001;\n hold-time 30;\n passive;\n listen {port};\n family {{ ipv4 unicast; }}\n}}\n"
    );
    let d = Daemon::start(&dir, "herald", &conf);
    d.wait("listening", |_, e| e.contains("listening"));
    let to: SocketAddr = format!("127.0.41.1:{port}").parse().unwrap();
    let mut first = gr_peer("127.0.41.2", to, 0);
    // 10.0.0.0/24: ORIGIN IGP, empty AS_PATH, NEXT_HOP 192.0.2.1, LOCAL_PREF 100.
    let update = hex::decode(
        "ffffffffffffffffffffffffffffffff0030020000001540010100400200400304c000020140050400000064180a0000",
    )
    .unwrap();
    first.write_all(&update).unwrap();
    d.wait("the route", |o, _| o.contains(r#""nlri": "10.0.0.0/24""#));
    let before = read_messages(&mut first, 2);
    assert!(
        matches!(before.first(), Some(Message::Open(_))),
        "{before:?}"
    );

    let mut second = gr_peer("127.0.41.2", to, 0x8);
    let got = read_messages(&mut second, 2);
    // (An End-of-RIB may follow in the same read once the session is up.)
    assert!(
        matches!(got.as_slice(), [Message::Open(_), Message::Keepalive, ..])
            && !got.iter().any(|m| matches!(m, Message::Notification(_))),
        "the new connection gets OPEN and KEEPALIVE: {got:?}\n{}",
        d.log()
    );
    d.wait("routes kept as stale", |_, e| {
        e.contains("graceful restart: keeping the peer's routes as stale")
    });
    // The old connection is closed by herald, without a NOTIFICATION.
    let mut rest = Vec::new();
    let _ = first.read_to_end(&mut rest);
    assert!(notification_in(&rest).is_none(), "{rest:?}");
    // The restarted peer's End-of-RIB ends the stale period: its route was not sent again.
    let eor = hex::decode("ffffffffffffffffffffffffffffffff00170200000000").unwrap();
    second.write_all(&eor).unwrap();
    d.wait("stale routes swept", |_, e| {
        e.contains("End-of-RIB received") && e.contains("stale_removed=1")
    });
}

#[test]
fn group_updates_false_sends_one_update_per_route() {
    // Three routes sharing their attributes: one UPDATE by default, three with
    // `group-updates false` (as ExaBGP sends them).
    for (grouped, updates) in [(true, 1), (false, 3)] {
        let dir = tempdir(if grouped { "grouped" } else { "ungrouped" });
        let port = free_port("127.0.42.2");
        let rx = Daemon::start(
            &dir,
            "rx",
            &receiver_conf("127.0.42.2", "127.0.42.1", port, 65002, 65001),
        );
        rx.wait("listening", |_, e| e.contains("listening"));
        let routes = "  route 192.0.2.0/26 next-hop 198.51.100.1 med 5;\n  route 192.0.2.64/26 next-hop 198.51.100.1 med 5;\n  route 192.0.2.128/26 next-hop 198.51.100.1 med 5;";
        let conf = sender_conf("127.0.42.1", "127.0.42.2", port, 65001, 65002, routes);
        let conf = if grouped {
            conf
        } else {
            conf.replacen(
                " hold-time 30;\n",
                " hold-time 30;\n group-updates false;\n",
                1,
            )
        };
        let tx = Daemon::start(&dir, "tx", &conf);
        rx.wait("the End-of-RIBs", |o, _| count(o, "\"eor\"") == 2);
        let out = rx.out();
        let with_routes = out.lines().filter(|l| l.contains("\"announce\"")).count();
        assert_eq!(with_routes, updates, "grouped={grouped}\n{out}");
        assert_eq!(count(&out, "\"nlri\": \"192.0.2."), 3, "{out}");
        drop(tx);
    }
}

#[test]
fn adj_rib_out_false_forgets_program_routes_with_the_session() {
    // A program announces 10.9.0.0/24 next to a configuration route. The receiver restarts:
    // with `adj-rib-out false` the new session gets the configuration route only.
    let dir = tempdir("adjribout");
    let port = free_port("127.0.43.2");
    write_script(
        &dir.join("announce.sh"),
        "#!/bin/sh\necho 'announce route 10.9.0.0/24 next-hop 198.51.100.9'\nexec sleep 600\n",
    );
    let rx_conf = receiver_conf("127.0.43.2", "127.0.43.1", port, 65002, 65001);
    let rx = Daemon::start(&dir, "rx", &rx_conf);
    rx.wait("listening", |_, e| e.contains("listening"));
    let conf = sender_conf(
        "127.0.43.1",
        "127.0.43.2",
        port,
        65001,
        65002,
        "  route 192.0.2.0/24 next-hop 198.51.100.1;",
    )
    .replacen(
        " hold-time 30;\n",
        " hold-time 30;\n adj-rib-out false;\n api { processes [ announcer ]; }\n",
        1,
    );
    let tx = Daemon::start(
        &dir,
        "tx",
        &format!("process announcer {{ run ./announce.sh; encoder text; }}\n{conf}"),
    );
    rx.wait("both routes", |o, _| {
        o.contains(r#""nlri": "10.9.0.0/24""#) && o.contains(r#""nlri": "192.0.2.0/24""#)
    });
    drop(rx);
    let rx2 = Daemon::start(&dir, "rx2", &rx_conf);
    rx2.wait("the configuration route again", |o, _| {
        o.contains(r#""nlri": "192.0.2.0/24""#) && count(o, "\"eor\"") == 2
    });
    assert!(!rx2.out().contains("10.9.0.0/24"), "{}", rx2.out());
    assert!(
        tx.log()
            .contains("adj-rib-out false: routes from programs forgotten"),
        "{}",
        tx.log()
    );
}

#[test]
fn a_reload_during_the_initial_dump_withdraws_what_was_already_sent() {
    // 60,000 routes go out, each in its own UPDATE (a MED each: more than the write backlog,
    // so the dump waits for the peer); a reload that keeps only the first 10 arrives while
    // they are being sent. The peer must end up with exactly those 10.
    let dir = tempdir("reloaddump");
    let port = free_port("127.0.44.2");
    let sock = dir.join("rx.sock");
    let rx_conf = receiver_conf("127.0.44.2", "127.0.44.1", port, 65001, 65001);
    let rx = Daemon::start_with_args(
        &dir,
        "rx",
        &rx_conf,
        &[],
        &["--control", sock.to_str().unwrap()],
    );
    rx.wait("listening", |_, e| e.contains("listening"));
    let routes = |n: u32| {
        let mut s = String::new();
        for i in 0..n {
            s.push_str(&format!(
                "  route 10.{}.{}.0/24 next-hop 198.51.100.1 med {i};\n",
                i >> 8,
                i & 255,
            ));
        }
        s
    };
    let conf = |n| sender_conf("127.0.44.1", "127.0.44.2", port, 65001, 65001, &routes(n));
    let tx = Daemon::start(&dir, "tx", &conf(60_000));
    std::fs::write(dir.join("next.conf"), conf(10)).unwrap();
    tx.wait("established", |_, e| e.contains("to=\"established\""));
    std::fs::rename(dir.join("next.conf"), dir.join("tx.conf")).unwrap();
    tx.signal("HUP");
    tx.wait("reload applied", |_, e| e.contains("reload applied"));
    let held = || {
        let out = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(["ctl", "-s", sock.to_str().unwrap(), "show", "adj-rib", "in"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains(" ipv4 unicast "))
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut n = held();
    while n != 10 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        n = held();
    }
    assert_eq!(
        n,
        10,
        "{}",
        tx.log()
            .lines()
            .filter(|l| !l.contains("DEBUG"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    // And it stays so (no late announcement of a withdrawn route).
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(held(), 10);
    let log = tx.log();
    assert_eq!(count(&log, "to=\"established\""), 1, "no reset");
}

#[test]
fn range_sessions_end_with_their_connection_and_with_their_range() {
    let dir = tempdir("rangereap");
    let port = free_port("127.0.46.1");
    let range = |prefix: &str| {
        format!(
            "neighbor {prefix} {{\n router-id 127.0.46.1;\n local-address 127.0.46.1;\n local-as 65001;\n peer-as 65001;\n hold-time 30;\n passive;\n listen {port};\n family {{ ipv4 unicast; }}\n}}\n"
        )
    };
    let d = Daemon::start(&dir, "herald", &range("127.0.46.0/28"));
    d.wait("listening", |_, e| e.contains("listening"));
    let to: SocketAddr = format!("127.0.46.1:{port}").parse().unwrap();
    let up = |s: &mut TcpStream| {
        let got = read_messages(s, 2);
        matches!(got.as_slice(), [Message::Open(_), Message::Keepalive, ..])
    };
    // A session from .2 comes up; its connection closes; its task ends; .2 can come back.
    let mut a = gr_peer("127.0.46.2", to, 0);
    assert!(up(&mut a), "{}", d.log());
    drop(a);
    d.wait("the range session's task ended", |_, e| {
        e.contains("session from a range neighbor ended: its task ends too")
    });
    let mut a = gr_peer("127.0.46.2", to, 0);
    assert!(up(&mut a), "the address can come back: {}", d.log());
    // The range goes away on reload: its sessions get Cease 6/3 (Peer De-configured).
    let mut b = gr_peer("127.0.46.3", to, 0);
    assert!(up(&mut b), "{}", d.log());
    std::fs::write(dir.join("next.conf"), range("127.0.47.0/28")).unwrap();
    std::fs::rename(dir.join("next.conf"), dir.join("herald.conf")).unwrap();
    d.signal("HUP");
    for s in [&mut a, &mut b] {
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
        let n = notification_in(&rest);
        assert_eq!(n.map(|n| (n.code, n.subcode)), Some((6, 3)), "{}", d.log());
    }
}

#[test]
fn exabgp_daemon_pid_is_written_and_removed_and_tcp_once_gives_up() {
    let dir = tempdir("pidfile");
    let pid = dir.join("herald.pid");
    // Nothing listens on this port: with `tcp.once` herald tries once and gives up.
    let port = free_port("127.0.48.2");
    let conf = sender_conf("127.0.48.1", "127.0.48.2", port, 65001, 65002, "");
    let mut d = Daemon::start_with_env(
        &dir,
        "herald",
        &conf,
        &[
            ("exabgp.daemon.pid", pid.to_str().unwrap()),
            ("exabgp.tcp.once", "true"),
        ],
    );
    d.wait("gave up", |_, e| {
        e.contains("giving up after 1 failed attempts in a row (tcp.attempts)")
    });
    let written = std::fs::read_to_string(&pid).unwrap();
    assert_eq!(written.trim(), d.child.id().to_string());
    d.signal("TERM");
    let deadline = Instant::now() + Duration::from_secs(10);
    while d.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "herald did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!pid.exists(), "the pid file is removed at exit");
    assert_eq!(count(&d.log(), "connecting"), 1, "{}", d.log());
}

#[test]
fn a_flood_of_strangers_is_refused_cheaply_and_neighbors_still_connect() {
    let dir = tempdir("strangers");
    let port = free_port("127.0.49.2");
    // The flood comes from one address: without the per-source rate limit (its own test
    // below) it would mostly be closed unanswered before reaching the refusal path.
    let rx = Daemon::start_with_env(
        &dir,
        "rx",
        &receiver_conf("127.0.49.2", "127.0.49.1", port, 65002, 65001),
        &[("exabgp_tcp_accept_rate", "0")],
    );
    rx.wait("listening", |_, e| e.contains("listening"));
    // 150 connections from an address that is no neighbor, held open and never read.
    let to: SocketAddr = format!("127.0.49.2:{port}").parse().unwrap();
    let mut held = Vec::new();
    for _ in 0..150 {
        let sock =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        sock.bind(&"127.0.49.9:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        if sock.connect(&to.into()).is_ok() {
            held.push(sock);
        }
    }
    rx.wait("the flood noticed", |_, e| {
        e.contains("many connections from addresses that are not configured neighbors")
    });
    let log = rx.log();
    assert!(
        count(
            &log,
            "connection from an address that is not a configured neighbor: closed"
        ) <= 64,
        "each refusal with a NOTIFICATION is bounded"
    );
    let tx = Daemon::start(
        &dir,
        "tx",
        &sender_conf(
            "127.0.49.1",
            "127.0.49.2",
            port,
            65001,
            65002,
            "  route 10.49.0.0/24 next-hop 198.51.100.1;",
        ),
    );
    rx.wait("the neighbor's route", |o, _| {
        o.contains(r#""nlri": "10.49.0.0/24""#)
    });
    drop(held);
    drop(tx);
}

#[test]
fn connections_from_one_source_beyond_tcp_accept_rate_are_closed_unanswered() {
    let dir = tempdir("accept-rate");
    let port = free_port("127.0.45.2");
    let rx = Daemon::start_with_env(
        &dir,
        "rx",
        &receiver_conf("127.0.45.2", "127.0.45.1", port, 65002, 65001),
        &[("exabgp.tcp.accept-rate", "2")],
    );
    rx.wait("listening", |_, e| e.contains("listening"));
    // 20 connections at once from an address that is no neighbor: a burst of 4 (twice the
    // rate) gets the usual refusal (Cease 6/5), the rest are closed before a single octet.
    let to: SocketAddr = format!("127.0.45.2:{port}").parse().unwrap();
    let mut socks = Vec::new();
    for _ in 0..20 {
        let sock =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        sock.bind(&"127.0.45.9:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        sock.connect(&to.into()).unwrap();
        socks.push(TcpStream::from(sock));
    }
    let (mut answered, mut silent) = (0, 0);
    for mut s in socks {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut got = Vec::new();
        let _ = s.read_to_end(&mut got);
        match notification_in(&got) {
            Some(n) => {
                assert_eq!((n.code, n.subcode), (6, 5), "{n:?}");
                answered += 1;
            }
            None => {
                assert!(got.is_empty(), "{got:02x?}");
                silent += 1;
            }
        }
    }
    assert!(
        (4..=6).contains(&answered) && answered + silent == 20,
        "answered {answered}, closed unanswered {silent}"
    );
    rx.wait("the limit logged", |_, e| e.contains("tcp.accept-rate"));
    // Another source is not held back by the first.
    let tx = Daemon::start(
        &dir,
        "tx",
        &sender_conf(
            "127.0.45.1",
            "127.0.45.2",
            port,
            65001,
            65002,
            "  route 10.45.0.0/24 next-hop 198.51.100.1;",
        ),
    );
    rx.wait("the neighbor's route", |o, _| {
        o.contains(r#""nlri": "10.45.0.0/24""#)
    });
    drop(tx);
}
