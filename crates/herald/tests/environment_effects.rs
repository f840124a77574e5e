//! What ExaBGP's environment settings (`exabgp.<section>.<key>`) change in the running daemon,
//! one test per setting or group of settings, as `crates/herald-config/tests/keywords.rs` names
//! them: answers to helper processes, the control socket, connecting or waiting for the peer,
//! the wait for the peer's OPEN, connection attempts and the log. Settings herald reads and does
//! not act on are each named in a warning at start, which is their effect. Addresses are in
//! 127.0.64.0/24 and 127.0.65.0/24 (the configuration keywords' tests use 127.0.60–63); ports
//! are chosen by the OS; waits are for conditions.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use herald_wire::{Capability, Family, Message};

#[test]
fn api_ack_false_leaves_the_done_answers_out() {
    for (ack, want) in [
        (None, vec!["version", "done", "version", "done"]),
        (Some("false"), vec!["version", "version"]),
    ] {
        let dir = tempdir(if ack.is_some() { "kw-noack" } else { "kw-ack" });
        write_script(
            &dir.join("ask.sh"),
            "#!/bin/sh\nprintf 'version\\nversion\\n'\nexec cat > \"$(dirname \"$0\")/answers\"\n",
        );
        let me = "127.0.65.41";
        let conf = format!(
            "process ask {{ run ./ask.sh; }}\n{}",
            passive(me, "127.0.65.42", free_port(me), "ipv4 unicast;", "")
        );
        let env: Vec<(&str, &str)> = ack.map(|a| ("exabgp.api.ack", a)).into_iter().collect();
        let mut d = Daemon::start_with_env(&dir, "herald", &conf, &env);
        let answers = || std::fs::read_to_string(dir.join("answers")).unwrap_or_default();
        wait_for("two answers to version", || {
            count(&answers(), "herald ") == 2
        });
        assert!(d.stop().success());
        // Without the last line, herald's shutdown event.
        let got: Vec<String> = answers()
            .lines()
            .filter(|l| !l.contains("shutdown"))
            .map(|l| {
                if l.starts_with("herald ") {
                    "version".into()
                } else {
                    l.to_string()
                }
            })
            .collect();
        assert_eq!(got, want, "api.ack {ack:?}");
    }
}

#[test]
fn api_pipename_names_the_control_socket_and_api_cli_false_leaves_it_out() {
    let me = "127.0.64.1";
    let conf = passive(me, "127.0.64.2", free_port(me), "ipv4 unicast;", "");
    let socks = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sock"))
            .collect();
        v.sort();
        v
    };
    // The control socket goes to $XDG_RUNTIME_DIR/<pipename>.sock, herald.sock by default.
    for (tag, env, want) in [
        ("kw-cli-default", vec![], vec!["herald.sock"]),
        (
            "kw-pipename",
            vec![("exabgp.api.pipename", "edge")],
            vec!["edge.sock"],
        ),
        ("kw-cli-off", vec![("exabgp.api.cli", "false")], vec![]),
    ] {
        let dir = tempdir(tag);
        let xdg = dir.to_str().unwrap();
        let mut all = env.clone();
        all.push(("XDG_RUNTIME_DIR", xdg));
        let d = Daemon::start_with_env(&dir, "herald", &conf, &all);
        d.wait("running", |_, e| e.contains("herald running"));
        assert_eq!(socks(&dir), want, "{tag}\n{}", d.log());
        // `herald ctl` finds it with the same settings.
        let out = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(["ctl", "show", "neighbor", "summary"])
            .envs(all.iter().copied())
            .output()
            .unwrap();
        assert_eq!(out.status.success(), !want.is_empty(), "{tag}: {out:?}");
        if !want.is_empty() {
            assert!(
                String::from_utf8_lossy(&out.stdout).contains("127.0.64.2"),
                "{out:?}"
            );
        }
    }
}

#[test]
fn bgp_passive_makes_an_active_neighbor_wait_for_the_peer() {
    let (me, peer) = ("127.0.64.11", "127.0.64.12");
    let conf = |connect: u16, listen: u16| {
        format!(
            "neighbor {peer} {{\n router-id {me};\n local-address {me};\n local-as 65001;\n peer-as 65002;\n hold-time 30;\n connect {connect};\n listen {listen};\n family {{ ipv4 unicast; }}\n}}\n"
        )
    };
    // Without the setting, herald connects to the peer.
    let dir = tempdir("kw-active");
    let listener = TcpListener::bind((peer, 0)).unwrap();
    let connect = listener.local_addr().unwrap().port();
    let d = Daemon::start(&dir, "herald", &conf(connect, free_port(me)));
    listener.set_nonblocking(true).unwrap();
    wait_for("herald's connection", || listener.accept().is_ok());
    assert!(!d.log().contains("listening addr="), "{}", d.log());
    drop(d);
    // With it, herald listens and never connects.
    let dir = tempdir("kw-bgp-passive");
    let listener = TcpListener::bind((peer, 0)).unwrap();
    let connect = listener.local_addr().unwrap().port();
    let listen = free_port(me);
    let d = Daemon::start_with_env(
        &dir,
        "herald",
        &conf(connect, listen),
        &[("exabgp.bgp.passive", "true")],
    );
    d.wait("running", |_, e| e.contains("herald running"));
    assert!(
        d.log().contains(&format!("listening addr={me}:{listen}")),
        "{}",
        d.log()
    );
    let (mut p, _) = herald_open(peer, addr(me, listen));
    establish(
        &mut p,
        vec![mp(Family::IPV4_UNICAST), Capability::FourOctetAs(65002)],
    );
    d.wait("established", |_, e| e.contains("established"));
    listener.set_nonblocking(true).unwrap();
    assert_eq!(
        listener.accept().map(|_| ()).unwrap_err().kind(),
        std::io::ErrorKind::WouldBlock,
        "herald connected"
    );
    assert_eq!(count(&d.log(), "connecting"), 0, "{}", d.log());
}

#[test]
fn bgp_openwait_drops_a_peer_that_sends_no_open_after_that_many_seconds() {
    let dir = tempdir("kw-openwait");
    let (me, peer) = ("127.0.64.31", "127.0.64.32");
    let port = free_port(me);
    // The hold time (30 s) and the default wait (60 s) are far above the 2 s asked for.
    let d = Daemon::start_with_env(
        &dir,
        "herald",
        &passive(me, peer, port, "ipv4 unicast;", ""),
        &[("exabgp.bgp.openwait", "2")],
    );
    d.wait("running", |_, e| e.contains("herald running"));
    let start = Instant::now();
    let (mut p, _) = herald_open(peer, addr(me, port));
    p.s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let n = match p.next() {
        Message::Notification(n) => n,
        m => panic!("expected a NOTIFICATION, got {m:?}"),
    };
    let waited = start.elapsed();
    assert_eq!((n.code, n.subcode), (4, 0), "Hold Timer Expired: {n:?}");
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_secs(10),
        "dropped after {waited:?}"
    );
    assert!(p.try_next().is_none(), "the connection is closed");
}

#[test]
fn log_level_sets_herald_s_log_level() {
    // An active neighbor that nobody answers, tried once (tcp.once): "connecting" is a DEBUG
    // line, "connect failed" an INFO line, "giving up" a WARN line.
    let (me, peer) = ("127.0.65.1", "127.0.65.2");
    let conf = sender_conf(me, peer, free_port(peer), 65001, 65002, "");
    for (level, debug, info) in [
        (None, false, true),
        (Some("DEBUG"), true, true),
        (Some("WARNING"), false, false),
    ] {
        let dir = tempdir(&format!("kw-log-{}", level.unwrap_or("default")));
        let mut env = vec![("exabgp.tcp.once", "true")];
        env.extend(level.map(|l| ("exabgp.log.level", l)));
        let d = Daemon::start_raw(&dir, "herald", &conf, &env, &[]);
        d.wait("the end of the attempts", |_, e| e.contains("giving up"));
        let log = d.log();
        assert_eq!(log.contains(" DEBUG "), debug, "{level:?}\n{log}");
        assert_eq!(log.contains("connecting"), debug, "{level:?}\n{log}");
        assert_eq!(log.contains(" INFO "), info, "{level:?}\n{log}");
        assert_eq!(log.contains("connect failed"), info, "{level:?}\n{log}");
    }
}

#[test]
fn tcp_attempts_gives_up_after_that_many_failed_connections() {
    let dir = tempdir("kw-attempts");
    let (me, peer) = ("127.0.65.11", "127.0.65.12");
    // Nothing listens on this port: each attempt is refused.
    let conf = sender_conf(me, peer, free_port(peer), 65001, 65002, "");
    let d = Daemon::start_with_env(&dir, "herald", &conf, &[("exabgp.tcp.attempts", "2")]);
    d.wait("gave up", |_, e| {
        e.contains("giving up after 2 failed attempts in a row (tcp.attempts)")
    });
    let log = d.log();
    assert_eq!(count(&log, "connecting"), 2, "{log}");
    assert_eq!(count(&log, "connect failed"), 2, "{log}");
}

#[test]
fn settings_without_effect_in_herald_are_each_named_in_a_warning_at_start() {
    let me = "127.0.65.21";
    let conf = passive(me, "127.0.65.22", free_port(me), "ipv4 unicast;", "");
    for (i, (var, value, name)) in [
        ("", "", ""),
        ("exabgp.tcp.delay", "5", "tcp.delay"),
        ("exabgp.tcp.acl", "true", "tcp.acl"),
        ("exabgp.log.destination", "syslog", "log.destination"),
        ("exabgp.log.packets", "true", "log.packets / log.routes"),
        ("exabgp.log.routes", "true", "log.packets / log.routes"),
        ("exabgp.daemon.user", "bgp", "daemon.user / daemon.drop"),
        ("exabgp.daemon.drop", "false", "daemon.user / daemon.drop"),
    ]
    .into_iter()
    .enumerate()
    {
        let dir = tempdir(&format!("kw-warned-{i}"));
        let env: Vec<(&str, &str)> = if var.is_empty() {
            vec![]
        } else {
            vec![(var, value)]
        };
        let d = Daemon::start_with_env(&dir, "herald", &conf, &env);
        d.wait("running", |_, e| e.contains("herald running"));
        let log = d.log();
        let warnings: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("has no effect in herald"))
            .collect();
        if name.is_empty() {
            assert!(warnings.is_empty(), "{log}");
        } else {
            assert_eq!(warnings.len(), 1, "{var}\n{log}");
            assert!(
                warnings[0].contains(" WARN ")
                    && warnings[0].contains(&format!(
                        "environment setting {name} has no effect in herald"
                    )),
                "{var}\n{log}"
            );
        }
    }
}
