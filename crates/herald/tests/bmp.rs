//! BMP export end to end: a herald receives routes from another (or from a scripted peer) and
//! reports the session to a collector written here, which decodes what arrives with
//! herald-bmp: Initiation, Peer Up with both OPENs, the routes as Route Monitoring, Statistics
//! Reports, Peer Down, Termination; and the whole picture again after the collector restarts.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use herald_bmp::{flag, info, stat, termination, Message as Bmp, PeerDownReason};
use herald_wire::{Context, Message, NlriList};

const SENDER: &str = "127.0.68.1";
const RECEIVER: &str = "127.0.68.2";
const COLLECTOR: &str = "127.0.68.9";

const ROUTES: &str = "route 10.0.0.0/8 next-hop 127.0.68.1 community [ 65001:1 ];\n route 10.1.0.0/16 next-hop 127.0.68.1 med 7;\n route 192.0.2.0/24 next-hop 127.0.68.1 as-path [ 65001 64999 ];\n route 2001:db8::/32 next-hop 2001:db8::1;";

fn want() -> BTreeSet<String> {
    ["10.0.0.0/8", "10.1.0.0/16", "192.0.2.0/24", "2001:db8::/32"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// A BMP collector: accepts connections one after the other and keeps every message decoded,
/// with the number of the connection it came on.
struct Collector {
    got: Arc<Mutex<Vec<(usize, Bmp)>>>,
    stop: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Collector {
    fn start(port: u16, first_conn: usize) -> Collector {
        let listener = TcpListener::bind((COLLECTOR, port)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let conns = Arc::new(Mutex::new(Vec::new()));
        let (g, s, c) = (got.clone(), stop.clone(), conns.clone());
        let thread = std::thread::spawn(move || {
            let mut n = first_conn;
            let mut readers = Vec::new();
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        c.lock().unwrap().push(stream.try_clone().unwrap());
                        let g = g.clone();
                        let id = n;
                        n += 1;
                        readers.push(std::thread::spawn(move || read_all(stream, id, g)));
                    }
                    // Polling for the stop flag; not a wait for herald.
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
            for r in readers {
                let _ = r.join();
            }
        });
        Collector {
            got,
            stop,
            conns,
            thread: Some(thread),
        }
    }

    /// Close the listener and every connection.
    fn close(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for c in self.conns.lock().unwrap().iter() {
            let _ = c.shutdown(Shutdown::Both);
        }
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }

    fn messages(&self) -> Vec<(usize, Bmp)> {
        self.got.lock().unwrap().clone()
    }

    fn on(&self, conn: usize) -> Vec<Bmp> {
        self.messages()
            .into_iter()
            .filter(|(c, _)| *c == conn)
            .map(|(_, m)| m)
            .collect()
    }

    fn wait(&self, what: &str, f: impl Fn(&[(usize, Bmp)]) -> bool) {
        wait_for(what, || f(&self.messages()));
    }
}

fn read_all(mut s: TcpStream, id: usize, got: Arc<Mutex<Vec<(usize, Bmp)>>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        while let Ok(Some(len)) = herald_bmp::frame(&buf) {
            let m: Vec<u8> = buf.drain(..len).collect();
            let m = Bmp::decode(&m).unwrap_or_else(|e| panic!("undecodable BMP message: {e}"));
            got.lock().unwrap().push((id, m));
        }
        assert!(
            herald_bmp::frame(&buf).is_ok(),
            "bad BMP header: {:x?}",
            &buf[..buf.len().min(8)]
        );
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(k) => buf.extend_from_slice(&chunk[..k]),
        }
    }
}

/// The prefixes of the Route Monitoring messages among `msgs`.
fn monitored(msgs: &[Bmp]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for m in msgs {
        let Bmp::RouteMonitoring { peer, update } = m else {
            continue;
        };
        let ctx = Context {
            asn4: peer.flags & flag::A == 0,
            ..Context::default()
        };
        let Message::Update(u) = Message::decode(update, &ctx).unwrap() else {
            panic!("route monitoring without an UPDATE");
        };
        out.extend(u.nlri.iter().map(|p| p.net.to_string()));
        if let Some(r) = u.mp_reach() {
            if let NlriList::Prefixes(ps) = &r.nlri {
                out.extend(ps.iter().map(|p| p.net.to_string()));
            }
        }
    }
    out
}

fn open_asn(bytes: &[u8]) -> u32 {
    match Message::decode(bytes, &Context::default()).unwrap() {
        Message::Open(o) => o.asn(),
        m => panic!("not an OPEN: {m:?}"),
    }
}

fn kinds(msgs: &[Bmp]) -> Vec<u8> {
    msgs.iter().map(Bmp::kind).collect()
}

fn start(
    dir: &std::path::Path,
    cport: u16,
    interval: &str,
    extra: &[(&str, &str)],
) -> (Daemon, Daemon, u16) {
    let port = free_port(RECEIVER);
    let collectors = format!("{COLLECTOR}:{cport}");
    let mut env = vec![
        ("herald.bmp.collectors", collectors.as_str()),
        ("herald.bmp.statistics-interval", interval),
    ];
    env.extend_from_slice(extra);
    let rx = Daemon::start_with_env(
        dir,
        "rx",
        &receiver_conf(RECEIVER, SENDER, port, 65002, 65001),
        &env,
    );
    rx.wait("listening", |_, e| e.contains("listening"));
    let tx = Daemon::start(
        dir,
        "tx",
        &sender_conf(SENDER, RECEIVER, port, 65001, 65002, ROUTES),
    );
    rx.wait("two End-of-RIBs", |o, _| count(o, "\"eor\"") == 2);
    (tx, rx, port)
}

#[test]
fn a_collector_sees_initiation_peer_up_routes_statistics_and_peer_down() {
    let dir = tempdir("bmp-live");
    let cport = free_port(COLLECTOR);
    let col = Collector::start(cport, 0);
    let (mut tx, mut rx, port) = start(&dir, cport, "1", &[]);
    col.wait("the four routes", |_| monitored(&col.on(0)) == want());
    // Statistics: 4 routes in the Adj-RIB-In (type 7), 3 of them IPv4 unicast (type 9).
    col.wait("statistics of 4 routes", |m| {
        m.iter().any(|(_, m)| match m {
            Bmp::Statistics { stats, .. } => stats
                .iter()
                .any(|s| s.kind == stat::ADJ_RIB_IN_ROUTES && s.number() == Some(4)),
            _ => false,
        })
    });
    let msgs = col.on(0);
    let Bmp::Initiation(tlvs) = &msgs[0] else {
        panic!("first message is not Initiation: {:?}", kinds(&msgs));
    };
    let descr = tlvs.iter().find(|t| t.kind == info::SYS_DESCR).unwrap();
    assert!(descr.as_text().starts_with("herald "), "{descr:?}");
    assert!(tlvs
        .iter()
        .any(|t| t.kind == info::SYS_NAME && !t.value.is_empty()));
    // Peer Up before any route, with both OPENs and the session's addresses and ports.
    let up = msgs
        .iter()
        .position(|m| matches!(m, Bmp::PeerUp(_)))
        .unwrap();
    let first_route = msgs
        .iter()
        .position(|m| matches!(m, Bmp::RouteMonitoring { .. }))
        .unwrap();
    assert!(up < first_route, "{:?}", kinds(&msgs));
    let Bmp::PeerUp(u) = &msgs[up] else {
        unreachable!()
    };
    assert_eq!(u.peer.address.to_string(), SENDER);
    assert_eq!(u.peer.asn, 65001);
    assert_eq!(u.peer.bgp_id.to_string(), SENDER);
    assert_eq!(u.peer.peer_type, herald_bmp::peer_type::GLOBAL);
    assert_eq!(u.peer.flags & (flag::A | flag::L | flag::V), 0);
    assert_eq!(u.local_address.to_string(), RECEIVER);
    assert_eq!(
        u.local_port, port,
        "herald accepted the session on its port"
    );
    assert_ne!(u.remote_port, 0);
    assert_eq!(open_asn(&u.sent_open), 65002);
    assert_eq!(open_asn(&u.received_open), 65001);
    // The routes as the sender sent them: 10.1.0.0/16 with its MED.
    let med = msgs.iter().find_map(|m| match m {
        Bmp::RouteMonitoring { update, .. } => {
            match Message::decode(update, &Context::default()).unwrap() {
                Message::Update(u) if u.nlri.iter().any(|p| p.net.to_string() == "10.1.0.0/16") => {
                    u.attributes.iter().find_map(|a| match a.value {
                        herald_wire::AttrValue::Med(m) => Some(m),
                        _ => None,
                    })
                }
                _ => None,
            }
        }
        _ => None,
    });
    assert_eq!(med, Some(7));
    // The sender stops: a Peer Down with its Cease (6/2, administrative shutdown).
    assert!(tx.stop().success());
    col.wait("peer down", |m| {
        m.iter().any(|(_, m)| matches!(m, Bmp::PeerDown { .. }))
    });
    let msgs = col.on(0);
    let Some(Bmp::PeerDown { peer, reason }) =
        msgs.iter().find(|m| matches!(m, Bmp::PeerDown { .. }))
    else {
        unreachable!()
    };
    assert_eq!(peer.address.to_string(), SENDER);
    let PeerDownReason::RemoteNotification(n) = reason else {
        panic!("{reason:?}")
    };
    let Message::Notification(n) = Message::decode(n, &Context::default()).unwrap() else {
        panic!("not a NOTIFICATION")
    };
    assert_eq!((n.code, n.subcode), (6, 2));
    // herald stops: Termination, administratively closed, is the last message.
    assert!(rx.stop().success());
    col.wait("termination", |m| {
        matches!(m.last(), Some((_, Bmp::Termination(_))))
    });
    let msgs = col.on(0);
    let Some(Bmp::Termination(t)) = msgs.last() else {
        unreachable!()
    };
    assert!(t.iter().any(|t| t.kind == termination::REASON
        && t.value == termination::ADMINISTRATIVELY_CLOSED.to_be_bytes()));
    col.close();
}

#[test]
fn a_restarted_collector_gets_initiation_peer_up_and_the_routes_again() {
    let dir = tempdir("bmp-restart");
    let cport = free_port(COLLECTOR);
    let col = Collector::start(cport, 0);
    let http = format!("{RECEIVER}:{}", free_port(RECEIVER));
    let (_tx, rx, _) = start(&dir, cport, "0", &[("herald.http.listen", &http)]);
    col.wait("the four routes", |_| monitored(&col.on(0)) == want());
    col.close();
    rx.wait("the collector gone", |_, e| {
        e.contains("BMP collector connection closed")
    });
    // Back on the same port: herald reconnects (1 s later) and dumps its Adj-RIB-In.
    let col = Collector::start(cport, 1);
    col.wait("the four routes again", |_| monitored(&col.on(1)) == want());
    let msgs = col.on(1);
    assert!(matches!(msgs[0], Bmp::Initiation(_)), "{:?}", kinds(&msgs));
    assert!(matches!(msgs[1], Bmp::PeerUp(_)), "{:?}", kinds(&msgs));
    // No statistics when the interval is 0.
    assert!(!msgs.iter().any(|m| matches!(m, Bmp::Statistics { .. })));
    // /metrics: connected, messages sent, nothing dropped, no reset by herald.
    let metrics = ureq::get(format!("http://{http}/metrics"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let label = format!("{{collector=\"{COLLECTOR}:{cport}\"}}");
    assert!(
        metrics.contains(&format!("herald_bmp_collector_up{label} 1")),
        "{metrics}"
    );
    assert!(metrics.contains(&format!("herald_bmp_messages_dropped_total{label} 0")));
    assert!(metrics.contains(&format!("herald_bmp_resets_total{label} 0")));
    let sent: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix(&format!("herald_bmp_messages_sent_total{label} ")))
        .unwrap()
        .parse()
        .unwrap();
    // Two connections, each with Initiation, Peer Up and the routes.
    assert!(sent >= 6, "{sent}");
    col.close();
}

#[test]
fn a_two_octet_as_session_sets_the_a_flag() {
    use herald_wire::attr::{AsPath, Origin};
    use herald_wire::builder::{announce, AttrBlock};
    use herald_wire::{AttrValue, Attribute, Family, Prefix};
    let dir = tempdir("bmp-as2");
    let cport = free_port(COLLECTOR);
    let col = Collector::start(cport, 0);
    let port = free_port(RECEIVER);
    let collectors = format!("{COLLECTOR}:{cport}");
    let conf = passive(RECEIVER, SENDER, port, "ipv4 unicast;", "");
    let rx = Daemon::start_with_env(&dir, "rx", &conf, &[("herald.bmp.collectors", &collectors)]);
    rx.wait("listening", |_, e| e.contains("listening"));
    let (mut p, _) = herald_open(SENDER, addr(RECEIVER, port));
    // No 4-octet AS capability: AS_PATH goes in 2-octet numbers.
    establish(&mut p, vec![mp(Family::IPV4_UNICAST)]);
    let ctx = Context {
        asn4: false,
        ..Context::default()
    };
    let attrs = [
        Attribute::new(AttrValue::Origin(Origin::Igp)),
        Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![65002]))),
        Attribute::new(AttrValue::NextHop(SENDER.parse().unwrap())),
    ];
    let mut upd = Vec::new();
    announce(
        &mut upd,
        &ctx,
        Family::IPV4_UNICAST,
        None,
        &AttrBlock::new(&attrs, &ctx),
        &[Prefix::new("198.51.100.0/24".parse().unwrap())],
    )
    .unwrap();
    std::io::Write::write_all(&mut p.s, &upd).unwrap();
    col.wait("the route", |_| {
        monitored(&col.on(0)).contains("198.51.100.0/24")
    });
    let msgs = col.on(0);
    assert!(msgs.iter().any(|m| matches!(m, Bmp::PeerUp(_))));
    for m in &msgs {
        match m {
            Bmp::PeerUp(u) => assert_eq!(u.peer.flags & flag::A, flag::A),
            Bmp::RouteMonitoring { peer, update } => {
                assert_eq!(peer.flags & flag::A, flag::A);
                assert_eq!(update, &upd, "the UPDATE as received");
            }
            _ => {}
        }
    }
    col.close();
}
