//! State machine tests on a virtual clock: inputs in, outputs asserted. No sockets, no sleeps.

use super::*;
use crate::negotiate::LocalCapabilities;
use herald_wire::capability::AddPathMode;
use herald_wire::{Context, Family};

fn cfg(asn: u32, peer: u32, id: [u8; 4]) -> Config {
    Config::new(asn, Some(peer), Ipv4Addr::from(id))
}

fn drain(s: &mut Session) -> Vec<Output> {
    std::iter::from_fn(|| s.poll_output()).collect()
}

fn sent(outs: &[Output]) -> Vec<Message> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Send(m) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

fn notification(outs: &[Output]) -> Option<(u8, u8, Vec<u8>)> {
    sent(outs).into_iter().find_map(|m| match m {
        Message::Notification(n) => Some((n.code, n.subcode, n.data)),
        _ => None,
    })
}

/// Deliver a message through the codec, as the wire would.
fn wire(m: &Message) -> Message {
    let bytes = m.to_bytes(&Context::default());
    Message::decode(&bytes, &Context::default()).unwrap()
}

/// Two sessions joined in memory. `a` connects to `b`.
struct Pair {
    a: Session,
    b: Session,
    now: Instant,
    a_out: Vec<Output>,
    b_out: Vec<Output>,
}

impl Pair {
    fn new(a: Config, b: Config) -> Pair {
        let mut b = b;
        b.passive = true;
        Pair {
            a: Session::new(a, 1),
            b: Session::new(b, 2),
            now: Instant::now(),
            a_out: vec![],
            b_out: vec![],
        }
    }

    /// Start both, connect, and shuttle messages until quiet.
    fn connect(&mut self) {
        self.a.start(self.now);
        self.b.start(self.now);
        let outs = drain(&mut self.a);
        assert!(outs.contains(&Output::Connect));
        self.a_out.extend(outs);
        assert_eq!(self.b.handle_incoming(self.now), Incoming::Accept);
        self.a.handle_connected(self.now);
        self.pump();
    }

    fn pump(&mut self) {
        loop {
            let oa = drain(&mut self.a);
            let ob = drain(&mut self.b);
            if oa.is_empty() && ob.is_empty() {
                return;
            }
            for m in sent(&oa) {
                self.b.handle_message(self.now, wire(&m));
            }
            for m in sent(&ob) {
                self.a.handle_message(self.now, wire(&m));
            }
            self.a_out.extend(oa);
            self.b_out.extend(ob);
        }
    }

    fn advance(&mut self, d: Duration) {
        self.now += d;
        self.a.handle_timeout(self.now);
        self.b.handle_timeout(self.now);
    }
}

#[test]
fn two_sessions_reach_established_with_negotiated_parameters() {
    let mut a = cfg(65001, 65002, [1, 1, 1, 1]);
    a.hold_time = 90;
    a.capabilities.families = vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST];
    let mut b = cfg(65002, 65001, [2, 2, 2, 2]);
    b.capabilities.families = vec![Family::IPV6_UNICAST];
    let mut p = Pair::new(a, b);
    p.connect();
    assert_eq!(p.a.state(), State::Established);
    assert_eq!(p.b.state(), State::Established);
    let n = p.a.negotiated().unwrap();
    assert_eq!(n.hold_time, 90);
    assert_eq!(n.keepalive_interval(), 30);
    assert_eq!(n.families, vec![Family::IPV6_UNICAST]);
    assert!(n.asn4 && n.extended_message);
    assert_eq!(n.peer_as, 65002);
    assert!(p.a_out.iter().any(|o| matches!(o, Output::Established(_))));
    let states: Vec<_> = p
        .a_out
        .iter()
        .filter_map(|o| match o {
            Output::StateChanged { to, .. } => Some(*to),
            _ => None,
        })
        .collect();
    assert_eq!(
        states,
        vec![
            State::Connect,
            State::OpenSent,
            State::OpenConfirm,
            State::Established
        ]
    );
}

#[test]
fn keepalives_every_third_of_the_hold_time_and_hold_expiry_sends_4_0() {
    let mut p = Pair::new(
        cfg(65001, 65001, [1, 1, 1, 1]),
        cfg(65001, 65001, [2, 2, 2, 2]),
    );
    p.connect();
    p.a_out.clear();
    // 60 s: one keepalive each way, hold timers restarted by them.
    p.advance(Duration::from_secs(60));
    let oa = drain(&mut p.a);
    assert_eq!(sent(&oa), vec![Message::Keepalive]);
    // Deliver nothing from now on: a's hold timer (180 s after b's last message at t=0) expires.
    drain(&mut p.b);
    p.advance(Duration::from_secs(60));
    drain(&mut p.a);
    p.advance(Duration::from_secs(61));
    let oa = drain(&mut p.a);
    assert_eq!(notification(&oa), Some((4, 0, vec![])));
    assert!(oa.contains(&Output::Close));
    assert!(oa.contains(&Output::Down(DownReason::NotificationSent(
        Notification::new(4, 0, vec![])
    ))));
    assert_eq!(p.a.state(), State::Idle);
    // It reconnects after the jittered retry delay.
    let t = p.a.poll_timeout().unwrap();
    assert!(t > p.now);
    p.now = t;
    p.a.handle_timeout(t);
    assert!(drain(&mut p.a).contains(&Output::Connect));
}

#[test]
fn keepalives_are_not_starved_by_received_updates() {
    let mut p = Pair::new(
        cfg(65001, 65001, [1, 1, 1, 1]),
        cfg(65001, 65001, [2, 2, 2, 2]),
    );
    p.connect();
    drain(&mut p.a);
    let mut sent_ka = 0;
    for _ in 0..200 {
        p.now += Duration::from_secs(1);
        p.a.handle_message(p.now, Message::Update(Update::default()));
        p.a.handle_timeout(p.now);
        sent_ka += sent(&drain(&mut p.a))
            .iter()
            .filter(|m| **m == Message::Keepalive)
            .count();
    }
    assert_eq!(sent_ka, 3);
    assert_eq!(p.a.state(), State::Established);
}

#[test]
fn wrong_peer_as_is_refused_with_2_2() {
    let mut p = Pair::new(
        cfg(65001, 65099, [1, 1, 1, 1]),
        cfg(65002, 65001, [2, 2, 2, 2]),
    );
    p.connect();
    assert_eq!(
        notification(&p.a_out),
        Some((2, 2, 65002u16.to_be_bytes().to_vec()))
    );
    assert!(p.b_out.contains(&Output::Notification {
        sent: false,
        notification: Notification::new(2, 2, vec![0xfd, 0xea])
    }));
    assert_eq!(p.a.state(), State::Idle);
    assert_eq!(p.b.state(), State::Idle);
}

#[test]
fn peer_as_auto_accepts_any() {
    let mut a = cfg(65001, 1, [1, 1, 1, 1]);
    a.peer_as = None;
    let mut p = Pair::new(a, cfg(4_200_000_000, 65001, [2, 2, 2, 2]));
    p.connect();
    assert_eq!(p.a.negotiated().unwrap().peer_as, 4_200_000_000);
}

#[test]
fn hold_time_one_is_2_6_and_zero_disables_keepalives() {
    let mut b = cfg(65002, 65001, [2, 2, 2, 2]);
    b.hold_time = 1;
    let mut p = Pair::new(cfg(65001, 65002, [1, 1, 1, 1]), b);
    p.connect();
    assert_eq!(notification(&p.a_out), Some((2, 6, vec![])));

    let mut b = cfg(65002, 65001, [2, 2, 2, 2]);
    b.hold_time = 0;
    let mut p = Pair::new(cfg(65001, 65002, [1, 1, 1, 1]), b);
    p.connect();
    assert_eq!(p.a.state(), State::Established);
    assert_eq!(p.a.poll_timeout(), None);
}

#[test]
fn same_identifier_on_ibgp_is_2_3() {
    let mut p = Pair::new(
        cfg(65001, 65001, [1, 1, 1, 1]),
        cfg(65001, 65001, [1, 1, 1, 1]),
    );
    p.connect();
    assert_eq!(notification(&p.a_out).map(|n| (n.0, n.1)), Some((2, 3)));
}

#[test]
fn unsupported_version_is_2_1_with_version_4() {
    let mut s = Session::new(cfg(65001, 65002, [1, 1, 1, 1]), 3);
    s.start(Instant::now());
    s.handle_connected(Instant::now());
    drain(&mut s);
    let mut open = Open::new(65002, 90, Ipv4Addr::new(2, 2, 2, 2), vec![]);
    open.version = 3;
    s.handle_message(Instant::now(), Message::Open(open));
    assert_eq!(notification(&drain(&mut s)), Some((2, 1, vec![0, 4])));
}

#[test]
fn no_common_family_is_2_7() {
    let mut b = cfg(65002, 65001, [2, 2, 2, 2]);
    b.capabilities.families = vec![Family::IPV6_UNICAST];
    let mut p = Pair::new(cfg(65001, 65002, [1, 1, 1, 1]), b);
    p.connect();
    assert_eq!(notification(&p.a_out).map(|n| (n.0, n.1)), Some((2, 7)));
}

#[test]
fn unexpected_messages_are_fsm_errors_5_x() {
    let now = Instant::now();
    let mut s = Session::new(cfg(65001, 65002, [1, 1, 1, 1]), 3);
    s.start(now);
    s.handle_connected(now);
    drain(&mut s);
    s.handle_message(now, Message::Keepalive);
    // RFC 6608 §4: the data is the type of the unexpected message (KEEPALIVE, 4).
    assert_eq!(notification(&drain(&mut s)), Some((5, 1, vec![4])));

    let mut p = Pair::new(
        cfg(65001, 65002, [1, 1, 1, 1]),
        cfg(65002, 65001, [2, 2, 2, 2]),
    );
    p.connect();
    drain(&mut p.a);
    p.a.handle_message(
        p.now,
        Message::Open(Open::new(65002, 90, Ipv4Addr::new(2, 2, 2, 2), vec![])),
    );
    let outs = drain(&mut p.a);
    assert_eq!(notification(&outs), Some((5, 3, vec![1])));
    assert!(outs
        .iter()
        .any(|o| matches!(o, Output::Down(DownReason::NotificationSent(_)))));
}

#[test]
fn updates_and_refreshes_are_passed_out_when_established() {
    let mut p = Pair::new(
        cfg(65001, 65002, [1, 1, 1, 1]),
        cfg(65002, 65001, [2, 2, 2, 2]),
    );
    p.connect();
    drain(&mut p.a);
    p.a.handle_message(p.now, Message::Update(Update::default()));
    let rr = RouteRefresh {
        family: Family::IPV4_UNICAST,
        subtype: herald_wire::route_refresh::RefreshSubtype::Request,
    };
    p.a.handle_message(p.now, Message::RouteRefresh(rr));
    let outs = drain(&mut p.a);
    assert_eq!(
        outs,
        vec![Output::Update(Box::default()), Output::RouteRefresh(rr)]
    );
}

#[test]
fn stop_sends_cease_with_shutdown_communication_and_stays_down() {
    let mut p = Pair::new(
        cfg(65001, 65002, [1, 1, 1, 1]),
        cfg(65002, 65001, [2, 2, 2, 2]),
    );
    p.connect();
    drain(&mut p.a);
    p.a.stop(p.now, cease::ADMIN_SHUTDOWN, "maintenance");
    let outs = drain(&mut p.a);
    let (c, s, data) = notification(&outs).unwrap();
    assert_eq!((c, s), (6, 2));
    assert_eq!(&data[1..], b"maintenance");
    assert_eq!(p.a.poll_timeout(), None, "a stopped session does not retry");
    // The peer sees a received NOTIFICATION and goes down.
    for m in sent(&outs) {
        p.b.handle_message(p.now, wire(&m));
    }
    assert!(drain(&mut p.b).iter().any(|o| matches!(o, Output::Down(DownReason::NotificationReceived(n)) if n.shutdown_message() == Some("maintenance"))));
    assert_eq!(p.b.handle_incoming(p.now), Incoming::Accept);
}

#[test]
fn connection_loss_is_a_graceful_down_and_retries_with_backoff() {
    let mut p = Pair::new(
        cfg(65001, 65002, [1, 1, 1, 1]),
        cfg(65002, 65001, [2, 2, 2, 2]),
    );
    p.connect();
    drain(&mut p.a);
    p.a.handle_closed(p.now);
    let outs = drain(&mut p.a);
    assert!(outs.contains(&Output::Down(DownReason::ConnectionClosed)));
    assert!(DownReason::ConnectionClosed.graceful());
    // Each failed attempt waits longer, within the 75–100 % jitter band, capped at 60 s.
    let mut last = Duration::ZERO;
    let mut now = p.now;
    for i in 0..8u32 {
        let t = p.a.poll_timeout().unwrap();
        let wait = t - now;
        let nominal = Duration::from_secs(2)
            .saturating_mul(1 << (i + 1).min(16))
            .min(Duration::from_secs(60));
        assert!(
            wait >= nominal.mul_f64(0.75) && wait <= nominal,
            "attempt {i}: {wait:?} vs {nominal:?}"
        );
        assert!(wait >= last.mul_f64(0.75));
        last = wait;
        now = t;
        p.a.handle_timeout(now);
        assert!(drain(&mut p.a).contains(&Output::Connect));
        p.a.handle_connect_failed(now);
        drain(&mut p.a);
    }
}

#[test]
fn passive_sessions_never_connect() {
    let mut c = cfg(65001, 65002, [1, 1, 1, 1]);
    c.passive = true;
    let mut s = Session::new(c, 9);
    s.start(Instant::now());
    let outs = drain(&mut s);
    assert!(!outs.contains(&Output::Connect));
    assert_eq!(s.state(), State::Active);
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn decode_error_sends_its_notification() {
    let mut p = Pair::new(
        cfg(65001, 65002, [1, 1, 1, 1]),
        cfg(65002, 65001, [2, 2, 2, 2]),
    );
    p.connect();
    drain(&mut p.a);
    let err = herald_wire::DecodeError::new(
        16,
        herald_wire::ErrorKind::BadMessageLength { length: 5000 },
    );
    p.a.handle_decode_error(p.now, &err);
    assert_eq!(
        notification(&drain(&mut p.a)),
        Some((1, 2, vec![0x13, 0x88]))
    );
}

#[test]
fn collision_keeps_the_connection_of_the_higher_identifier() {
    // a (1.1.1.1) connected out to b (2.2.2.2) and is in OpenSent; b also connects to a.
    let now = Instant::now();
    let mut a = Session::new(cfg(65001, 65002, [1, 1, 1, 1]), 1);
    a.start(now);
    a.handle_connected(now);
    drain(&mut a);
    assert_eq!(a.handle_incoming(now), Incoming::ReadOpen);
    let b_open = Open::new(
        65002,
        90,
        Ipv4Addr::new(2, 2, 2, 2),
        vec![herald_wire::Capability::FourOctetAs(65002)],
    );
    // b has the higher id: the connection b initiated (the new one) wins.
    assert_eq!(a.resolve_collision(now, &b_open), Collision::UseNew);
    let outs = drain(&mut a);
    assert_eq!(notification(&outs), Some((6, 7, vec![])));
    assert_eq!(a.state(), State::OpenConfirm);
    // Our OPEN and KEEPALIVE are sent on the new connection.
    let after_close: Vec<_> = outs.iter().skip_while(|o| **o != Output::Close).collect();
    assert!(after_close
        .iter()
        .any(|o| matches!(o, Output::Send(Message::Open(_)))));
    assert!(after_close
        .iter()
        .any(|o| matches!(o, Output::Send(Message::Keepalive))));

    // The other way round: a with the higher id keeps its own outbound connection.
    let mut a = Session::new(cfg(65001, 65002, [3, 3, 3, 3]), 1);
    a.start(now);
    a.handle_connected(now);
    drain(&mut a);
    assert_eq!(a.handle_incoming(now), Incoming::ReadOpen);
    assert_eq!(a.resolve_collision(now, &b_open), Collision::KeepExisting);
    assert_eq!(a.state(), State::OpenSent);
}

#[test]
fn add_path_is_negotiated_per_direction() {
    let mut a = cfg(65001, 65002, [1, 1, 1, 1]);
    a.capabilities.add_path = vec![(Family::IPV4_UNICAST, AddPathMode::Send)];
    let mut b = cfg(65002, 65001, [2, 2, 2, 2]);
    b.capabilities.add_path = vec![(Family::IPV4_UNICAST, AddPathMode::SendReceive)];
    let mut p = Pair::new(a, b);
    p.connect();
    let na = p.a.negotiated().unwrap();
    assert_eq!(na.add_path_send, vec![Family::IPV4_UNICAST]);
    assert!(na.add_path_receive.is_empty());
    assert!(na.send_context().add_path(Family::IPV4_UNICAST));
    let nb = p.b.negotiated().unwrap();
    assert_eq!(nb.add_path_receive, vec![Family::IPV4_UNICAST]);
    assert!(nb.add_path_send.is_empty());
}

#[test]
fn graceful_restart_and_route_refresh_are_advertised_and_seen() {
    let mut a = cfg(65001, 65002, [1, 1, 1, 1]);
    a.capabilities = LocalCapabilities {
        graceful_restart: Some(120),
        restarting: true,
        route_refresh: true,
        ..LocalCapabilities::default()
    };
    let mut p = Pair::new(a, cfg(65002, 65001, [2, 2, 2, 2]));
    p.connect();
    let nb = p.b.negotiated().unwrap();
    let gr = nb.graceful_restart.as_ref().unwrap();
    assert_eq!(gr.time, 120);
    assert!(gr.restarting);
    assert!(nb.route_refresh);
    assert!(!nb.enhanced_route_refresh, "b did not offer it");
}

#[test]
fn collision_after_the_old_connection_failed_closes_it_before_opening_the_new() {
    // a connected out (OpenSent); b's connection arrives; before b's OPEN is read, a's own
    // connection breaks. Taking b's connection must close what is left of the old one first,
    // so that the OPEN and KEEPALIVE that follow go on b's connection.
    let now = Instant::now();
    let mut a = Session::new(cfg(65001, 65002, [3, 3, 3, 3]), 1);
    a.start(now);
    a.handle_connected(now);
    drain(&mut a);
    assert_eq!(a.handle_incoming(now), Incoming::ReadOpen);
    a.handle_closed(now);
    assert_ne!(a.state(), State::OpenSent);
    drain(&mut a);
    let b_open = Open::new(
        65002,
        90,
        Ipv4Addr::new(2, 2, 2, 2),
        vec![herald_wire::Capability::FourOctetAs(65002)],
    );
    assert_eq!(a.resolve_collision(now, &b_open), Collision::UseNew);
    let outs = drain(&mut a);
    let close = outs.iter().position(|o| *o == Output::Close);
    let open = outs
        .iter()
        .position(|o| matches!(o, Output::Send(Message::Open(_))));
    let keepalive = outs
        .iter()
        .position(|o| matches!(o, Output::Send(Message::Keepalive)));
    assert!(
        close.is_some() && open > close && keepalive > close,
        "{outs:?}"
    );
    assert_eq!(a.state(), State::OpenConfirm);
    assert!(
        outs.iter().any(|o| matches!(
            o,
            Output::StateChanged {
                to: State::OpenSent,
                ..
            }
        )),
        "{outs:?}"
    );
}

#[test]
fn collision_with_equal_identifiers_keeps_the_connection_of_the_larger_as() {
    // RFC 6286 §2.3: both 1.1.1.1; a is AS 65001, b AS 65002: b's connection wins whichever
    // side initiated the existing one.
    let now = Instant::now();
    let b_open = Open::new(
        65002,
        90,
        Ipv4Addr::new(1, 1, 1, 1),
        vec![herald_wire::Capability::FourOctetAs(65002)],
    );
    // a's outbound connection exists; b's (new) connection comes from the larger AS: use it.
    let mut a = Session::new(cfg(65001, 65002, [1, 1, 1, 1]), 1);
    a.start(now);
    a.handle_connected(now);
    drain(&mut a);
    assert_eq!(a.handle_incoming(now), Incoming::ReadOpen);
    assert_eq!(a.resolve_collision(now, &b_open), Collision::UseNew);
    assert!(
        drain(&mut a).iter().any(|o| matches!(
            o,
            Output::StateChanged {
                to: State::Active,
                ..
            }
        )),
        "the dropped connection is a state change too"
    );
    // a is the larger AS (4-octet, AS_TRANS in the OPEN header): it keeps its own connection.
    let small_open = Open::new(
        65000,
        90,
        Ipv4Addr::new(1, 1, 1, 1),
        vec![herald_wire::Capability::FourOctetAs(65000)],
    );
    let mut a = Session::new(cfg(4_200_000_000, 65000, [1, 1, 1, 1]), 1);
    a.start(now);
    a.handle_connected(now);
    drain(&mut a);
    assert_eq!(a.handle_incoming(now), Incoming::ReadOpen);
    assert_eq!(
        a.resolve_collision(now, &small_open),
        Collision::KeepExisting
    );
}

fn gr_config(local: u32, peer: u32, id: [u8; 4]) -> Config {
    let mut c = cfg(local, peer, id);
    c.capabilities = LocalCapabilities {
        graceful_restart: Some(120),
        restarting: true,
        ..LocalCapabilities::default()
    };
    c
}

fn gr_flags(m: &Message) -> Option<u8> {
    match m {
        Message::Open(o) => o.capabilities().find_map(|c| match c {
            herald_wire::Capability::GracefulRestart { flags, .. } => Some(*flags),
            _ => None,
        }),
        _ => None,
    }
}

#[test]
fn the_restart_state_bit_is_only_set_until_a_session_is_up() {
    let mut p = Pair::new(
        gr_config(65001, 65002, [1, 1, 1, 1]),
        gr_config(65002, 65001, [2, 2, 2, 2]),
    );
    p.connect();
    assert_eq!(p.a.state(), State::Established);
    let first: Vec<u8> = sent(&p.a_out).iter().filter_map(gr_flags).collect();
    assert_eq!(first, [0x8], "R set on the first OPEN after a start");
    // The session resets; the next OPEN is not from a restarted speaker.
    p.a.handle_closed(p.now);
    p.a_out.clear();
    p.advance(Duration::from_secs(120));
    p.a.handle_connected(p.now);
    let again: Vec<u8> = sent(&drain(&mut p.a)).iter().filter_map(gr_flags).collect();
    assert_eq!(again, [0], "R clear once a session has been up");
}

#[test]
fn a_new_connection_from_an_established_graceful_restart_peer_replaces_the_session() {
    // RFC 4724 §4.2: b restarted and connects again while a still has the session Established:
    // a ends the old session as a closed connection (no NOTIFICATION, so its routes are kept
    // as stale by the daemon) and takes the new connection.
    let mut p = Pair::new(
        cfg(65001, 65002, [1, 1, 1, 1]),
        gr_config(65002, 65001, [2, 2, 2, 2]),
    );
    p.connect();
    assert_eq!(p.a.state(), State::Established);
    assert_eq!(p.a.handle_incoming(p.now), Incoming::ReadOpen);
    let b_open = Open::new(
        65002,
        90,
        Ipv4Addr::new(2, 2, 2, 2),
        vec![
            herald_wire::Capability::FourOctetAs(65002),
            herald_wire::Capability::GracefulRestart {
                flags: 0x8,
                time: 120,
                families: vec![],
            },
        ],
    );
    assert_eq!(p.a.resolve_collision(p.now, &b_open), Collision::UseNew);
    let outs = drain(&mut p.a);
    assert!(notification(&outs).is_none(), "no NOTIFICATION: {outs:?}");
    let close = outs.iter().position(|o| *o == Output::Close);
    let down = outs
        .iter()
        .position(|o| *o == Output::Down(DownReason::ConnectionClosed));
    let open = outs
        .iter()
        .position(|o| matches!(o, Output::Send(Message::Open(_))));
    assert!(
        close.is_some() && down.is_some() && open > close,
        "{outs:?}"
    );
    assert_eq!(p.a.state(), State::OpenConfirm);

    // A peer without graceful restart gets its second connection refused (RFC 4271 §6.8).
    let mut p = Pair::new(
        cfg(65001, 65002, [1, 1, 1, 1]),
        cfg(65002, 65001, [2, 2, 2, 2]),
    );
    p.connect();
    assert_eq!(p.a.handle_incoming(p.now), Incoming::Reject);
}

#[test]
fn a_malformed_mp_reach_resets_the_session_with_its_notification() {
    // RFC 7606 / RFC 4760 §7: MP_REACH_NLRI whose NLRI does not parse (a /33 in IPv4 unicast):
    // herald does not disable the family alone, it resets the session with 3/10.
    let mut p = Pair::new(
        cfg(65001, 65002, [1, 1, 1, 1]),
        cfg(65002, 65001, [2, 2, 2, 2]),
    );
    p.connect();
    assert_eq!(p.a.state(), State::Established);
    let bytes = hex::decode(
        "ffffffffffffffffffffffffffffffff0025020000000e800e0b0001010 40a00000100 2100"
            .replace(' ', ""),
    )
    .unwrap();
    let m = Message::decode(&bytes, &Context::default()).unwrap();
    p.a.handle_message(p.now, m);
    let outs = drain(&mut p.a);
    assert!(matches!(outs.first(), Some(Output::Update(_))), "{outs:?}");
    assert_eq!(notification(&outs).map(|n| (n.0, n.1)), Some((3, 10)));
    assert_eq!(p.a.state(), State::Idle);
}

#[test]
fn an_attribute_overrunning_the_block_resets_only_when_mp_nlri_could_be_lost() {
    // ORIGIN, then a MED whose length (0x20) runs past the 12-octet attribute block, then one
    // classic prefix. Parsing stops at the MED: whatever followed it is unseen.
    let update = hex::decode(
        "ffffffffffffffffffffffffffffffff002702000000 0c 40010100 4004200000000000 180a0000"
            .replace(' ', ""),
    )
    .unwrap();
    let run = |families: Vec<Family>| {
        let mut a = cfg(65001, 65002, [1, 1, 1, 1]);
        a.capabilities.families = families.clone();
        let mut b = cfg(65002, 65001, [2, 2, 2, 2]);
        b.capabilities.families = families;
        let mut p = Pair::new(a, b);
        p.connect();
        assert_eq!(p.a.state(), State::Established);
        let m = Message::decode(&update, &Context::default()).unwrap();
        p.a.handle_message(p.now, m);
        (drain(&mut p.a), p.a.state())
    };
    // IPv4 unicast only: no MP_REACH can have been hidden: treat-as-withdraw, session kept.
    let (outs, state) = run(vec![Family::IPV4_UNICAST]);
    assert!(notification(&outs).is_none(), "{outs:?}");
    assert_eq!(state, State::Established);
    // With IPv6 too, an MP_REACH_NLRI after the MED would be lost: session reset, 3/5.
    let (outs, state) = run(vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST]);
    assert_eq!(notification(&outs).map(|n| (n.0, n.1)), Some((3, 5)));
    assert_eq!(state, State::Idle);
}

#[test]
fn software_version_is_advertised_as_capability_75() {
    let caps = LocalCapabilities {
        software_version: Some("herald/0.1.0".to_string()),
        ..LocalCapabilities::default()
    };
    let v = caps.to_capabilities(65001);
    let mut data = vec![12u8];
    data.extend_from_slice(b"herald/0.1.0");
    assert!(
        v.contains(&herald_wire::Capability::Unknown { code: 75, data }),
        "{v:?}"
    );
    // Cut at 64 octets.
    let caps = LocalCapabilities {
        software_version: Some("x".repeat(100)),
        ..LocalCapabilities::default()
    };
    let long = caps.to_capabilities(65001);
    assert!(long.iter().any(|c| matches!(c, herald_wire::Capability::Unknown { code: 75, data } if data.len() == 65 && data[0] == 64)));
}

#[test]
fn attempts_give_up_after_that_many_failures_in_a_row() {
    let mut c = cfg(65001, 65002, [1, 1, 1, 1]);
    c.attempts = 2;
    let mut s = Session::new(c, 1);
    let mut now = Instant::now();
    s.start(now);
    let mut connects = 0;
    let mut gave_up = None;
    for _ in 0..10 {
        for o in drain(&mut s) {
            match o {
                Output::Connect => {
                    connects += 1;
                    s.handle_connect_failed(now);
                }
                Output::GaveUp { attempts } => gave_up = Some(attempts),
                _ => {}
            }
        }
        now += Duration::from_secs(120);
        s.handle_timeout(now);
    }
    assert_eq!(connects, 2);
    assert_eq!(gave_up, Some(2));
    assert_eq!(s.state(), State::Idle);
    assert_eq!(s.poll_timeout(), None, "no retry is scheduled");
    assert_eq!(s.handle_incoming(now), Incoming::Reject);
}
