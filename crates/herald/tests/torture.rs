//! The torture peer: a small raw BGP speaker (blocking std sockets, read timeouts) connects to a
//! running `herald run`, does a valid OPEN/KEEPALIVE exchange and then sends broken input:
//! RFC 4271 §6.1 header errors, §6.2 OPEN errors, §6.3 UPDATE errors with the RFC 7606
//! actions, an oversized message, UPDATEs split at every byte boundary, a stalled half header
//! and a flood of routes. Each case asserts herald's exact reaction: the NOTIFICATION's code,
//! subcode and data, or, where RFC 7606 keeps the session, the absence of any NOTIFICATION and
//! the effect on the Adj-RIB-In (treat-as-withdraw, attribute discard), read back with
//! `herald ctl show adj-rib in`.
//!
//! Every herald here has two passive neighbors on one listen port: the torture peer, and a
//! well-behaved peer (a raw speaker in a thread, hold time 9 s) that comes up first, sends a
//! few routes and must keep its session, its routes and herald's KEEPALIVEs through everything.
//!
//! Each test uses its own addresses in 127.0.50.0/24 - 127.0.59.0/24 (herald .n+1, torture peer
//! .n+2, good peer .n+3) and its own port; every case starts on a fresh connection once herald
//! logged the previous session's end (no fixed sleeps).

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use herald_wire::attr::{AsPath, Community, Origin};
use herald_wire::open::OptionalParameter;
use herald_wire::{
    AttrValue, Attribute, Capability, Context, Family, Message, Notification, Open, Prefix, Update,
};

const HERALD_AS: u32 = 65001;
const TORTURE_AS: u32 = 65002;
const GOOD_AS: u32 = 65003;
/// The well-behaved session's hold time: herald sends it a KEEPALIVE every 3 s.
const GOOD_HOLD: u16 = 9;
/// Longest silence from herald the well-behaved peer accepts (two keepalive intervals; the
/// hold time is 9 s).
const GOOD_MAX_GAP: Duration = Duration::from_secs(6);

// ---------------------------------------------------------------------------------------------
// The daemon (as in daemon.rs)

struct Daemon {
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Daemon {
    fn start(dir: &Path, name: &str, config: &str, args: &[&str]) -> Daemon {
        let conf = dir.join(format!("{name}.conf"));
        std::fs::write(&conf, config).unwrap();
        let stdout = dir.join(format!("{name}.out"));
        let stderr = dir.join(format!("{name}.err"));
        let child = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args([
                "run",
                conf.to_str().unwrap(),
                "--json-events",
                "--log-level",
                "debug",
            ])
            .args(args)
            .stdout(Stdio::from(std::fs::File::create(&stdout).unwrap()))
            .stderr(Stdio::from(std::fs::File::create(&stderr).unwrap()))
            .spawn()
            .unwrap();
        Daemon {
            child,
            stdout,
            stderr,
        }
    }

    fn out(&self) -> String {
        std::fs::read_to_string(&self.stdout).unwrap_or_default()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Wait until `pred` holds on (stdout, stderr), or fail with both.
    fn wait(&self, what: &str, pred: impl Fn(&str, &str) -> bool) {
        self.wait_for(
            what,
            Duration::from_secs(20),
            Duration::from_millis(20),
            pred,
        );
    }

    fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        poll: Duration,
        pred: impl Fn(&str, &str) -> bool,
    ) {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if pred(&self.out(), &self.log()) {
                return;
            }
            std::thread::sleep(poll);
        }
        panic!(
            "timed out waiting for {what}\n--- stdout (tail)\n{}\n--- stderr (tail)\n{}",
            tail(&self.out(), 40),
            tail(&self.log(), 80)
        );
    }

    fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("herald-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A port free on `ip` right now.
fn free_port(ip: &str) -> u16 {
    TcpListener::bind((ip, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// ---------------------------------------------------------------------------------------------
// Messages

/// How herald's messages are read: 4-octet AS (both sides offer it), any length.
fn read_ctx() -> Context {
    Context {
        max_message_len: 65535,
        ..Context::default()
    }
}

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

/// A message with a correct header.
fn msg(kind: u8, body: &[u8]) -> Vec<u8> {
    with_len(kind, (19 + body.len()) as u16, body)
}

/// A header claiming `len`, then `body` as is.
fn with_len(kind: u8, len: u16, body: &[u8]) -> Vec<u8> {
    let mut m = vec![0xff; 16];
    m.extend_from_slice(&len.to_be_bytes());
    m.push(kind);
    m.extend_from_slice(body);
    m
}

/// An UPDATE from hex withdrawn routes, path attributes and NLRI, with correct lengths.
fn update(withdrawn: &str, attrs: &str, nlri: &str) -> Vec<u8> {
    let (w, a, n) = (h(withdrawn), h(attrs), h(nlri));
    let mut body = (w.len() as u16).to_be_bytes().to_vec();
    body.extend_from_slice(&w);
    body.extend_from_slice(&(a.len() as u16).to_be_bytes());
    body.extend_from_slice(&a);
    body.extend_from_slice(&n);
    msg(2, &body)
}

fn keepalive() -> Vec<u8> {
    Message::Keepalive.to_bytes(&Context::default())
}

fn cease() -> Vec<u8> {
    Message::Notification(Notification::cease_with_message(2, "case done"))
        .to_bytes(&Context::default())
}

fn open(asn: u32, hold: u16, id: &str) -> Open {
    Open::new(
        asn,
        hold,
        id.parse().unwrap(),
        vec![Capability::FourOctetAs(asn)],
    )
}

fn open_bytes(o: Open) -> Vec<u8> {
    Message::Open(o).to_bytes(&Context::default())
}

/// A valid UPDATE built with herald-wire: ORIGIN IGP, AS_PATH [asn], NEXT_HOP, optional MED
/// and community, and the prefixes.
fn valid_update(asn: u32, next_hop: &str, med: Option<u32>, prefixes: &[String]) -> Vec<u8> {
    let nlri = prefixes
        .iter()
        .map(|p| Prefix::new(p.parse().unwrap()))
        .collect();
    update_of(asn, next_hop.parse().unwrap(), med, nlri)
}

fn update_of(asn: u32, next_hop: Ipv4Addr, med: Option<u32>, nlri: Vec<Prefix>) -> Vec<u8> {
    let mut attributes = vec![
        Attribute::new(AttrValue::Origin(Origin::Igp)),
        Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![asn]))),
        Attribute::new(AttrValue::NextHop(next_hop)),
    ];
    if let Some(m) = med {
        attributes.push(Attribute::new(AttrValue::Med(m)));
        attributes.push(Attribute::new(AttrValue::Communities(vec![Community(
            (asn << 16) | (m & 0xffff),
        )])));
    }
    let u = Update {
        attributes,
        nlri,
        ..Update::default()
    };
    Message::Update(u).to_bytes(&Context::default())
}

fn eor() -> Vec<u8> {
    Message::Update(Update::end_of_rib_for(Family::IPV4_UNICAST)).to_bytes(&Context::default())
}

/// `10.a.b.0/24` as NLRI hex.
fn p24(a: u8, b: u8) -> String {
    format!("180a{a:02x}{b:02x}")
}

// The torture peer's usual attributes: ORIGIN IGP, AS_PATH [65002], NEXT_HOP 192.0.2.1.
const ORIGIN: &str = "40010100";
const AS_PATH: &str = "40020602010000fdea";
const NEXT_HOP: &str = "400304c0000201";

fn base_attrs() -> String {
    format!("{ORIGIN}{AS_PATH}{NEXT_HOP}")
}

// ---------------------------------------------------------------------------------------------
// The raw speaker

#[derive(Debug)]
enum Recv {
    Msg(Message),
    Closed,
    Timeout,
}

struct Speaker {
    s: TcpStream,
    buf: Vec<u8>,
}

impl Speaker {
    /// Connect from `from` (any port) to `to`. `small_buffers`: a 4 KiB receive buffer (herald's
    /// writes block soon) and a 64 KiB send buffer (our writes go at herald's pace).
    fn connect(from: &str, to: SocketAddr, small_buffers: bool) -> Speaker {
        let sock =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        if small_buffers {
            sock.set_recv_buffer_size(4096).unwrap();
            sock.set_send_buffer_size(64 * 1024).unwrap();
        }
        sock.bind(&SocketAddr::new(from.parse().unwrap(), 0).into())
            .unwrap();
        sock.connect_timeout(&to.into(), Duration::from_secs(5))
            .unwrap();
        let s: TcpStream = sock.into();
        s.set_nodelay(true).unwrap();
        Speaker { s, buf: Vec::new() }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.s.write_all(bytes).expect("write to herald");
    }

    /// Write what herald may refuse half way (it closes after a header error).
    fn send_lossy(&mut self, bytes: &[u8]) {
        let _ = self.s.write_all(bytes);
    }

    /// The next message from herald within `within`.
    fn recv(&mut self, within: Duration) -> Recv {
        let deadline = Instant::now() + within;
        let mut chunk = vec![0u8; 65536];
        loop {
            match herald_wire::frame(&self.buf, 65535) {
                Ok(Some(f)) => {
                    let m: Vec<u8> = self.buf.drain(..f.len).collect();
                    let decoded = Message::decode(&m, &read_ctx());
                    return Recv::Msg(decoded.unwrap_or_else(|e| {
                        panic!("herald sent a message that does not decode ({e}): {m:02x?}")
                    }));
                }
                Ok(None) => {}
                Err(e) => panic!("herald sent a bad header ({e}): {:02x?}", self.buf),
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Recv::Timeout;
            }
            self.s
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            match self.s.read(&mut chunk) {
                Ok(0) => return Recv::Closed,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Recv::Closed,
            }
        }
    }

    /// Send our OPEN and a KEEPALIVE; expect herald's OPEN and KEEPALIVE.
    fn handshake(&mut self, o: Open) -> Open {
        self.send(&open_bytes(o));
        self.send(&keepalive());
        let theirs = match self.recv(Duration::from_secs(10)) {
            Recv::Msg(Message::Open(o)) => o,
            other => panic!("expected herald's OPEN, got {other:?}"),
        };
        match self.recv(Duration::from_secs(10)) {
            Recv::Msg(Message::Keepalive) => {}
            other => panic!("expected herald's KEEPALIVE, got {other:?}"),
        }
        theirs
    }

    /// The first NOTIFICATION within `within`, with the messages before it.
    fn notification(&mut self, within: Duration) -> Result<(Notification, Vec<Message>), String> {
        let deadline = Instant::now() + within;
        let mut before = Vec::new();
        loop {
            match self.recv(deadline.saturating_duration_since(Instant::now())) {
                Recv::Msg(Message::Notification(n)) => return Ok((n, before)),
                Recv::Msg(m) => before.push(m),
                Recv::Closed => {
                    return Err(format!("closed without a NOTIFICATION after {before:?}"))
                }
                Recv::Timeout => return Err(format!("no NOTIFICATION after {before:?}")),
            }
        }
    }

    /// Herald closes the connection within `within`, sending nothing more.
    fn closes(&mut self, within: Duration) -> Result<(), String> {
        match self.recv(within) {
            Recv::Closed => Ok(()),
            other => Err(format!("connection still open: {other:?}")),
        }
    }

    /// What herald sends for `within`; Err if it closes or sends a NOTIFICATION.
    fn quiet(&mut self, within: Duration) -> Result<Vec<Message>, String> {
        let deadline = Instant::now() + within;
        let mut got = Vec::new();
        loop {
            match self.recv(deadline.saturating_duration_since(Instant::now())) {
                Recv::Msg(Message::Notification(n)) => {
                    return Err(format!("NOTIFICATION {}", n.describe()))
                }
                Recv::Msg(m) => got.push(m),
                Recv::Closed => return Err("connection closed".into()),
                Recv::Timeout => return Ok(got),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// herald with the torture neighbor and the well-behaved one

struct Rig {
    d: Daemon,
    dir: PathBuf,
    sock: PathBuf,
    third: u8,
    herald: String,
    torture: String,
    good: String,
    port: u16,
}

impl Rig {
    /// herald on 127.0.`third`.`base`+1 with the torture neighbor (+2, hold time 30,
    /// `torture_extra` inside its block) and the well-behaved one (+3, hold time 9).
    fn start(tag: &str, third: u8, base: u8, torture_extra: &str) -> Rig {
        let dir = tempdir(&format!("torture-{tag}"));
        let herald = format!("127.0.{third}.{}", base + 1);
        let torture = format!("127.0.{third}.{}", base + 2);
        let good = format!("127.0.{third}.{}", base + 3);
        let port = free_port(&herald);
        let neighbor = |peer: &str, asn: u32, hold: u16, extra: &str| {
            format!(
                "neighbor {peer} {{\n router-id 10.{third}.0.1;\n local-address {herald};\n local-as {HERALD_AS};\n peer-as {asn};\n hold-time {hold};\n passive;\n listen {port};\n family {{ ipv4 unicast; }}\n{extra}}}\n"
            )
        };
        let conf = neighbor(&torture, TORTURE_AS, 30, torture_extra)
            + &neighbor(&good, GOOD_AS, GOOD_HOLD, "");
        let sock = dir.join("herald.sock");
        let d = Daemon::start(
            &dir,
            "herald",
            &conf,
            &["--control", sock.to_str().unwrap()],
        );
        d.wait_for(
            "herald running",
            Duration::from_secs(30),
            Duration::from_millis(20),
            |_, e| e.contains("herald running"),
        );
        Rig {
            d,
            dir,
            sock,
            third,
            herald,
            torture,
            good,
            port,
        }
    }

    fn to(&self) -> SocketAddr {
        SocketAddr::new(self.herald.parse().unwrap(), self.port)
    }

    /// Log lines of one peer's task that contain `needle`.
    fn peer_log(&self, ip: &str, needle: &str) -> usize {
        let tag = format!("peer={ip} listen");
        self.d
            .log()
            .lines()
            .filter(|l| l.contains(&tag) && l.contains(needle))
            .count()
    }

    /// JSON events about one peer that contain `needle`.
    fn peer_json(&self, ip: &str, needle: &str) -> usize {
        let tag = format!("\"peer\": \"{ip}\"");
        self.d
            .out()
            .lines()
            .filter(|l| l.contains(&tag) && l.contains(needle))
            .count()
    }

    /// The torture session's ends so far (every end passes through Idle).
    fn torture_ends(&self) -> usize {
        self.peer_log(&self.torture, "to=\"idle\"")
    }

    /// Wait until herald logged more than `before` ends of the torture session.
    fn wait_torture_end(&self, before: usize, what: &str) {
        let tag = format!("peer={} listen", self.torture);
        self.d
            .wait(&format!("the end of the session ({what})"), |_, e| {
                e.lines()
                    .filter(|l| l.contains(&tag) && l.contains("to=\"idle\""))
                    .count()
                    > before
            });
    }

    /// The prefixes of `ip` in herald's Adj-RIB-In.
    fn rib_in(&self, ip: &str) -> Vec<String> {
        let out = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(["ctl", "-s", self.sock.to_str().unwrap()])
            // This neighbor's routes only: another's large table (the flood's) need not be
            // listed first.
            .args(["show", "adj-rib", "in", ip])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                if w.next() == Some(ip) {
                    w.nth(2).map(str::to_string)
                } else {
                    None
                }
            })
            .collect()
    }

    fn wait_rib(&self, what: &str, ip: &str, pred: impl Fn(&[String]) -> bool) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let rib = self.rib_in(ip);
            if pred(&rib) {
                return rib;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what} in the Adj-RIB-In of {ip}: {rib:?}\n{}",
                    tail(&self.d.log(), 60)
                );
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// A new connection from the torture peer's address.
    fn torture_conn(&self) -> Speaker {
        Speaker::connect(&self.torture, self.to(), false)
    }

    fn torture_open(&self, hold: u16) -> Open {
        open(TORTURE_AS, hold, &format!("10.{}.0.2", self.third))
    }

    /// A new, established torture session.
    fn torture_session(&self) -> Speaker {
        let mut t = self.torture_conn();
        t.handshake(self.torture_open(30));
        t
    }

    /// End a torture session that herald kept: Cease from the peer, then wait for herald to
    /// log the end.
    fn end_session(&self, mut t: Speaker, case: &str) {
        let before = self.torture_ends();
        t.send(&cease());
        if let Err(e) = t.closes(Duration::from_secs(10)) {
            panic!("{case}: after our Cease: {e}");
        }
        self.wait_torture_end(before, case);
    }

    /// An established session gets `payload` and must answer exactly `expect`, then close.
    fn reset_case(&self, case: &str, payload: &[u8], expect: (u8, u8, &[u8])) {
        if let Err(e) = self.try_reset_case(case, payload, expect) {
            panic!("{e}");
        }
    }

    fn try_reset_case(
        &self,
        case: &str,
        payload: &[u8],
        expect: (u8, u8, &[u8]),
    ) -> Result<(), String> {
        let mut t = self.torture_session();
        let before = self.torture_ends();
        t.send_lossy(payload);
        let result = self.check_notification(case, &mut t, expect);
        self.wait_torture_end(before, case);
        // Each session down is reported once in the log and once in JSON.
        let (log_tag, json_tag) = (
            format!("peer={} listen", self.torture),
            format!("\"peer\": \"{}\"", self.torture),
        );
        self.d.wait(&format!("{case}: the down event"), |o, e| {
            let downs = e
                .lines()
                .filter(|l| l.contains(&log_tag) && l.contains("session down"))
                .count();
            let events = o
                .lines()
                .filter(|l| l.contains(&json_tag) && l.contains("\"state\": \"down\""))
                .count();
            downs == events
        });
        result
    }

    fn expect_notification(&self, case: &str, t: &mut Speaker, expect: (u8, u8, &[u8])) {
        if let Err(e) = self.check_notification(case, t, expect) {
            panic!("{e}");
        }
    }

    /// herald sends a NOTIFICATION, logs it, and closes; Err if it is not exactly `expect`.
    fn check_notification(
        &self,
        case: &str,
        t: &mut Speaker,
        expect: (u8, u8, &[u8]),
    ) -> Result<(), String> {
        let (n, _) = t
            .notification(Duration::from_secs(10))
            .map_err(|e| format!("{case}: {e}\n{}", tail(&self.d.log(), 40)))?;
        t.closes(Duration::from_secs(10))
            .map_err(|e| format!("{case}: after the NOTIFICATION: {e}"))?;
        let line = format!("sending NOTIFICATION {}", n.describe());
        if self.peer_log(&self.torture, &line) == 0 {
            return Err(format!("{case}: no log line {line:?}"));
        }
        if (n.code, n.subcode, n.data.as_slice()) != expect {
            return Err(format!(
                "{case}: expected {}/{} data {:02x?}, herald sent {}/{} data {:02x?} ({})",
                expect.0,
                expect.1,
                expect.2,
                n.code,
                n.subcode,
                n.data,
                n.describe()
            ));
        }
        Ok(())
    }

    /// Session-keeping case (RFC 7606): `10.T.n.0/24` is announced validly (T: the third octet
    /// of the rig's addresses), then `attrs` re-announce it and a valid UPDATE announces the
    /// probe `10.(T+100).n.0/24`. Once the probe is in the Adj-RIB-In, the route must be in it
    /// (`kept`) or not, the last JSON event that names the route must contain each of `json`
    /// (and none of `not_json`), herald must have sent no NOTIFICATION, and the session stays
    /// up until we end it.
    fn kept_case(
        &self,
        n: u8,
        case: &str,
        attrs: &str,
        kept: bool,
        json: &[&str],
        not_json: &[&str],
    ) {
        if let Err(e) = self.try_kept_case(n, case, attrs, kept, json, not_json) {
            panic!("{e}");
        }
    }

    fn try_kept_case(
        &self,
        n: u8,
        case: &str,
        attrs: &str,
        kept: bool,
        json: &[&str],
        not_json: &[&str],
    ) -> Result<(), String> {
        let route = format!("10.{}.{n}.0/24", self.third);
        let probe = format!("10.{}.{n}.0/24", u16::from(self.third) + 100);
        let mut t = self.torture_session();
        t.send(&valid_update(
            TORTURE_AS,
            "192.0.2.9",
            None,
            std::slice::from_ref(&route),
        ));
        self.wait_rib(&route, &self.torture, |r| r.contains(&route));
        let ends_before = self.torture_ends();
        let sent_before = self.peer_log(&self.torture, "sending NOTIFICATION");
        let warned_before = self.peer_log(&self.torture, "malformed UPDATE (RFC 7606)");
        let mut both = update("", attrs, &p24(self.third, n));
        both.extend(valid_update(
            TORTURE_AS,
            "192.0.2.9",
            None,
            std::slice::from_ref(&probe),
        ));
        t.send(&both);
        let rib = self.wait_rib(&probe, &self.torture, |r| r.contains(&probe));
        let mut problems = Vec::new();
        if rib.contains(&route) != kept {
            problems.push(format!(
                "route {route} {} the Adj-RIB-In: {rib:?}",
                if kept { "missing from" } else { "still in" }
            ));
        }
        // The events go to stdout through a queue of their own: the probe's event comes after
        // the UPDATE under test's, so once it is written, so is that one.
        let probe_needle = format!("\"nlri\": \"{probe}\"");
        self.d
            .wait("the probe's event", |o, _| o.contains(&probe_needle));
        let out = self.d.out();
        let needle = format!("\"nlri\": \"{route}\"");
        let last = out
            .lines()
            .rfind(|l| l.contains(&needle))
            .unwrap_or_default();
        for j in json {
            if !last.contains(j) {
                problems.push(format!("{j:?} not in the event {last}"));
            }
        }
        for j in not_json {
            if last.contains(j) {
                problems.push(format!("{j:?} in the event {last}"));
            }
        }
        let malformed = last.contains("\"malformed\"");
        let warned = self.peer_log(&self.torture, "malformed UPDATE (RFC 7606)");
        if warned != warned_before + usize::from(malformed) {
            problems.push(format!(
                "{} RFC 7606 warnings, the event {} one",
                warned - warned_before,
                if malformed { "shows" } else { "does not show" }
            ));
        }
        if self.peer_log(&self.torture, "sending NOTIFICATION") != sent_before {
            problems.push("herald sent a NOTIFICATION".into());
        }
        match t.quiet(Duration::from_millis(100)) {
            Ok(_) => self.end_session(t, case),
            Err(e) => {
                problems.push(format!("the session must stay up: {e}"));
                self.wait_torture_end(ends_before, case);
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("{case}: {}", problems.join("; ")))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The well-behaved peer

enum GoodCmd {
    /// Announce 10.201.k.0/24.
    Announce(u8),
    /// Wait for one more KEEPALIVE from herald, then report.
    Stop,
}

#[derive(Debug)]
struct GoodReport {
    /// When each KEEPALIVE from herald arrived.
    keepalives: Vec<Instant>,
    after_stop: usize,
    max_gap: Duration,
    trouble: Option<String>,
}

struct Good {
    tx: mpsc::Sender<GoodCmd>,
    /// The report, and the connection (open until the checks are done).
    handle: JoinHandle<(GoodReport, Speaker)>,
}

const GOOD_ROUTES: [&str; 2] = ["10.200.0.0/24", "10.200.1.0/24"];

/// Bring the well-behaved session up, send its routes and End-of-RIB, and keep it going in a
/// thread: a KEEPALIVE every 3 s, and every KEEPALIVE from herald timed.
fn good_peer(rig: &Rig) -> Good {
    let mut s = Speaker::connect(&rig.good, rig.to(), false);
    let theirs = s.handshake(open(GOOD_AS, GOOD_HOLD, &format!("10.{}.0.3", rig.third)));
    assert_eq!(theirs.hold_time, GOOD_HOLD);
    let routes: Vec<String> = GOOD_ROUTES.iter().map(|r| r.to_string()).collect();
    s.send(&valid_update(GOOD_AS, "192.0.2.3", None, &routes));
    s.send(&eor());
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        let mut last = Instant::now();
        let mut sent = Instant::now();
        let mut report = GoodReport {
            keepalives: Vec::new(),
            after_stop: 0,
            max_gap: Duration::ZERO,
            trouble: None,
        };
        let mut stop: Option<Instant> = None;
        loop {
            if sent.elapsed() >= Duration::from_secs(3) {
                if let Err(e) = s.s.write_all(&keepalive()) {
                    report.trouble = Some(format!("write: {e}"));
                    break;
                }
                sent = Instant::now();
            }
            while let Ok(c) = rx.try_recv() {
                match c {
                    GoodCmd::Announce(k) => {
                        let p = vec![format!("10.201.{k}.0/24")];
                        if let Err(e) = s.s.write_all(&valid_update(GOOD_AS, "192.0.2.3", None, &p))
                        {
                            report.trouble = Some(format!("write: {e}"));
                        }
                    }
                    GoodCmd::Stop => stop = Some(Instant::now()),
                }
            }
            if report.trouble.is_some() {
                break;
            }
            if let Some(t) = stop {
                if report.after_stop > 0 || t.elapsed() > Duration::from_secs(u64::from(GOOD_HOLD))
                {
                    break;
                }
            }
            match s.recv(Duration::from_millis(100)) {
                Recv::Msg(Message::Keepalive) => {
                    report.max_gap = report.max_gap.max(last.elapsed());
                    last = Instant::now();
                    report.keepalives.push(last);
                    if stop.is_some() {
                        report.after_stop += 1;
                    }
                }
                Recv::Msg(Message::Notification(n)) => {
                    report.trouble = Some(format!("NOTIFICATION {}", n.describe()));
                    break;
                }
                Recv::Msg(_) | Recv::Timeout => {}
                Recv::Closed => {
                    report.trouble = Some("herald closed the connection".into());
                    break;
                }
            }
        }
        report.max_gap = report.max_gap.max(last.elapsed());
        (report, s)
    });
    let g = Good { tx, handle };
    rig.d.wait("the well-behaved peer's routes", |o, _| {
        GOOD_ROUTES
            .iter()
            .all(|r| o.contains(&format!("\"nlri\": \"{r}\"")))
    });
    g
}

/// The well-behaved session survived: herald still takes its routes, sent it KEEPALIVEs all
/// along (and one more now), never brought it down, and kept its routes.
fn finish(mut rig: Rig, good: Good) -> GoodReport {
    good.tx.send(GoodCmd::Announce(1)).unwrap();
    rig.d.wait("the well-behaved peer's late route", |o, _| {
        o.contains("\"nlri\": \"10.201.1.0/24\"")
    });
    good.tx.send(GoodCmd::Stop).unwrap();
    let (r, _connection) = good.handle.join().unwrap();
    let log = rig.d.log();
    assert!(
        r.trouble.is_none(),
        "well-behaved session: {r:?}\n{}",
        tail(&log, 60)
    );
    assert!(r.after_stop >= 1, "no KEEPALIVE at the end: {r:?}");
    assert!(
        r.max_gap < GOOD_MAX_GAP,
        "herald went silent on the well-behaved session: {r:?}"
    );
    assert_eq!(rig.peer_json(&rig.good, "\"state\": \"up\""), 1);
    assert_eq!(rig.peer_json(&rig.good, "\"state\": \"down\""), 0);
    assert_eq!(
        rig.peer_log(&rig.good, "session down"),
        0,
        "{}",
        tail(&log, 60)
    );
    let rib = rig.rib_in(&rig.good);
    for p in GOOD_ROUTES.iter().copied().chain(["10.201.1.0/24"]) {
        assert!(rib.iter().any(|r| r == p), "{p} not kept: {rib:?}");
    }
    assert!(!log.contains("panicked"), "{log}");
    assert!(rig.d.running(), "herald exited\n{}", tail(&log, 60));
    // All went well: the files (up to ~100 MB of JSON for the flood) can go.
    let Rig { d, dir, .. } = rig;
    drop(d);
    let _ = std::fs::remove_dir_all(dir);
    r
}

// ---------------------------------------------------------------------------------------------
// RFC 4271 §6.1: message header errors

#[test]
fn header_errors_get_1_x_with_the_rfc_data() {
    let rig = Rig::start("header", 50, 0, "");
    let good = good_peer(&rig);
    let mut bad_marker = keepalive();
    bad_marker[0] = 0;
    let mut late_zero = keepalive();
    late_zero[15] = 0xfe;
    let cases: Vec<ResetCase> = vec![
        ("marker with a zero first octet", bad_marker, (1, 1, vec![])),
        ("marker with its last octet 0xfe", late_zero, (1, 1, vec![])),
        ("length 18", with_len(4, 18, &[]), (1, 2, vec![0, 18])),
        ("length 0", with_len(2, 0, &[]), (1, 2, vec![0, 0])),
        (
            "KEEPALIVE of 20 octets",
            with_len(4, 20, &[0]),
            (1, 2, vec![0, 20]),
        ),
        (
            "OPEN of 28 octets",
            with_len(1, 28, &[4; 9]),
            (1, 2, vec![0, 28]),
        ),
        (
            "UPDATE of 22 octets",
            with_len(2, 22, &[0; 3]),
            (1, 2, vec![0, 22]),
        ),
        (
            "NOTIFICATION of 20 octets",
            with_len(3, 20, &[6]),
            (1, 2, vec![0, 20]),
        ),
        (
            "UPDATE of 4097 octets without extended message",
            with_len(2, 4097, &[0; 4078]),
            (1, 2, vec![0x10, 0x01]),
        ),
        (
            "UPDATE of 65,535 octets without extended message",
            with_len(2, 65535, &[0; 65516]),
            (1, 2, vec![0xff, 0xff]),
        ),
        ("type 0", with_len(0, 19, &[]), (1, 3, vec![0])),
        ("type 6", with_len(6, 19, &[]), (1, 3, vec![6])),
        ("type 255", with_len(255, 19, &[]), (1, 3, vec![255])),
    ];
    for (case, payload, (c, s, data)) in &cases {
        rig.reset_case(case, payload, (*c, *s, data));
    }
    finish(rig, good);
}

// ---------------------------------------------------------------------------------------------
// RFC 4271 §6.2: OPEN errors

#[test]
fn open_errors_get_2_x_with_the_rfc_data() {
    let rig = Rig::start("open", 51, 0, "");
    let good = good_peer(&rig);
    let id = "10.51.0.2";
    let mut v3 = open(TORTURE_AS, 30, id);
    v3.version = 3;
    let mut param = open(TORTURE_AS, 30, id);
    param.params.push(OptionalParameter::Unknown {
        kind: 1,
        data: vec![0],
    });
    let mut overrun = open_bytes(open(TORTURE_AS, 30, id));
    // Optional Parameters Length one more than what follows.
    overrun[28] += 1;
    let v6_only = Open::new(
        TORTURE_AS,
        30,
        id.parse().unwrap(),
        vec![
            Capability::Multiprotocol {
                family: Family::IPV6_UNICAST,
                reserved: 0,
            },
            Capability::FourOctetAs(TORTURE_AS),
        ],
    );
    let cases: Vec<ResetCase> = vec![
        ("version 3", open_bytes(v3), (2, 1, vec![0, 4])),
        // Data: the peer's My Autonomous System field.
        (
            "peer AS 65099",
            open_bytes(open(65099, 30, id)),
            (2, 2, vec![0xfe, 0x4b]),
        ),
        (
            "4-octet peer AS 4200000000",
            open_bytes(open(4_200_000_000, 30, id)),
            (2, 2, vec![0x5b, 0xa0]),
        ),
        (
            "BGP identifier 0.0.0.0",
            open_bytes(open(TORTURE_AS, 30, "0.0.0.0")),
            (2, 3, vec![]),
        ),
        (
            "optional parameter type 1",
            open_bytes(param),
            (2, 4, vec![1]),
        ),
        (
            "hold time 1",
            open_bytes(open(TORTURE_AS, 1, id)),
            (2, 6, vec![]),
        ),
        (
            "hold time 2",
            open_bytes(open(TORTURE_AS, 2, id)),
            (2, 6, vec![]),
        ),
        (
            "optional parameters length overrun",
            overrun,
            (2, 0, vec![]),
        ),
        // RFC 5492 §5: Unsupported Capability with the capability herald needed.
        (
            "IPv6 unicast only",
            open_bytes(v6_only),
            (2, 7, vec![1, 4, 0, 1, 0, 1]),
        ),
    ];
    for (case, payload, (c, s, data)) in &cases {
        let before = rig.torture_ends();
        let mut t = rig.torture_conn();
        t.send(payload);
        rig.expect_notification(case, &mut t, (*c, *s, data));
        rig.wait_torture_end(before, case);
    }
    // None of them was ever up.
    assert_eq!(rig.peer_json(&rig.torture, "\"state\": \"up\""), 0);
    finish(rig, good);
}

// ---------------------------------------------------------------------------------------------
// RFC 4271 §6.3 and RFC 7606: UPDATE errors that reset the session

#[test]
fn update_errors_that_reset_the_session_get_3_x_with_the_rfc_data() {
    let rig = Rig::start("update-reset", 52, 0, "");
    let good = good_peer(&rig);
    let base = base_attrs();
    let nlri = p24(52, 1);
    let mp_reach = "800e0d00010104c000020100180a3402";
    let mp_unreach = "800f03000101";
    let cases: Vec<ResetCase> = vec![
        (
            "withdrawn routes length overruns the message",
            msg(2, &h("0010 180a00")),
            (3, 1, vec![]),
        ),
        (
            "no room for the total path attribute length",
            msg(2, &h("0002 1800")),
            (3, 1, vec![]),
        ),
        (
            "total path attribute length overruns the message",
            msg(2, &h("0000 0040 40010100")),
            (3, 1, vec![]),
        ),
        (
            "MP_REACH_NLRI twice",
            update("", &format!("{mp_reach}{ORIGIN}{AS_PATH}{mp_reach}"), ""),
            (3, 1, vec![]),
        ),
        (
            "MP_UNREACH_NLRI twice",
            update("", &format!("{mp_unreach}{mp_unreach}"), ""),
            (3, 1, vec![]),
        ),
        (
            "unrecognized well-known attribute 99",
            update("", &format!("{base}40630100"), &nlri),
            (3, 2, h("40630100")),
        ),
        (
            "MP_REACH_NLRI flagged optional transitive",
            update(
                "",
                &format!("{ORIGIN}{AS_PATH}c00e0d00010104c000020100180a3403"),
                "",
            ),
            (3, 4, h("c00e0d00010104c000020100180a3403")),
        ),
        (
            "MP_REACH_NLRI overruns the attribute block",
            update(
                "",
                &format!("{ORIGIN}{AS_PATH}800e2000010104c000020100"),
                "",
            ),
            (3, 5, h("800e2000010104c000020100")),
        ),
        (
            "MP_REACH_NLRI truncated after its AFI",
            update("", &format!("{ORIGIN}{AS_PATH}800e020001"), ""),
            (3, 9, h("800e020001")),
        ),
        (
            "MP_REACH_NLRI next hop cut short",
            update("", &format!("{ORIGIN}{AS_PATH}800e06000101 04c000"), ""),
            (3, 9, h("800e06000101 04c000")),
        ),
        (
            "MP_REACH_NLRI next hop of 5 octets for IPv4",
            update(
                "",
                &format!("{ORIGIN}{AS_PATH}800e0e00010105c00002010100180a3404"),
                "",
            ),
            (3, 9, h("800e0e00010105c00002010100180a3404")),
        ),
        (
            "MP_REACH_NLRI prefix length 33",
            update(
                "",
                &format!("{ORIGIN}{AS_PATH}800e0f00010104c0000201 00 210a340001ff"),
                "",
            ),
            (3, 10, vec![]),
        ),
        (
            "NLRI prefix length 33",
            update("", &base, "210a340001ff"),
            (3, 10, vec![]),
        ),
        (
            "NLRI prefix overruns the NLRI",
            update("", &base, "180a34"),
            (3, 10, vec![]),
        ),
        (
            "withdrawn prefix length 33",
            update("210a340001ff", "", ""),
            (3, 10, vec![]),
        ),
        // RFC 7313 §5: Invalid Message Length, with the whole message as data.
        (
            "ROUTE-REFRESH of 24 octets",
            msg(5, &h("0001 00 01 00")),
            (7, 1, msg(5, &h("0001 00 01 00"))),
        ),
    ];
    for (case, payload, (c, s, data)) in &cases {
        rig.reset_case(case, payload, (*c, *s, data));
    }
    finish(rig, good);
}

// ---------------------------------------------------------------------------------------------
// RFC 7606: UPDATE errors handled without a reset

/// A case that ends the session: its name, what the torture peer sends, and the NOTIFICATION
/// herald must answer with (code, subcode, data).
type ResetCase = (&'static str, Vec<u8>, (u8, u8, Vec<u8>));

/// The JSON event's entry for an attribute error handled with treat-as-withdraw.
fn taw(attr: u8, subcode: u8) -> String {
    format!(
        "{{ \"attribute\": {attr}, \"action\": \"treat-as-withdraw\", \"code\": 3, \"subcode\": {subcode}, \"reason\": \""
    )
}

/// The JSON event's entry for an attribute error handled with attribute discard.
fn discard(attr: u8, subcode: u8) -> String {
    format!(
        "{{ \"attribute\": {attr}, \"action\": \"attribute-discard\", \"code\": 3, \"subcode\": {subcode}, \"reason\": \""
    )
}

#[test]
fn rfc7606_errors_keep_the_session_and_withdraw_or_discard() {
    let rig = Rig::start("rfc7606", 53, 0, "");
    let good = good_peer(&rig);
    let base = base_attrs();
    // (case, attributes, route kept, in the JSON event)
    let cases: Vec<(&str, String, bool, String)> = vec![
        (
            "ORIGIN flagged optional",
            format!("c0010100{AS_PATH}{NEXT_HOP}"),
            false,
            taw(1, 4),
        ),
        (
            "ORIGIN missing",
            format!("{AS_PATH}{NEXT_HOP}"),
            false,
            taw(1, 3),
        ),
        (
            "AS_PATH missing",
            format!("{ORIGIN}{NEXT_HOP}"),
            false,
            taw(2, 3),
        ),
        (
            "NEXT_HOP missing",
            format!("{ORIGIN}{AS_PATH}"),
            false,
            taw(3, 3),
        ),
        (
            "ORIGIN 3",
            format!("40010103{AS_PATH}{NEXT_HOP}"),
            false,
            taw(1, 6),
        ),
        (
            "NEXT_HOP of 5 octets",
            format!("{ORIGIN}{AS_PATH}400305c000020101"),
            false,
            taw(3, 5),
        ),
        (
            "AS_PATH segment of length 0",
            format!("{ORIGIN}40020202 00{NEXT_HOP}"),
            false,
            taw(2, 11),
        ),
        (
            "AS_PATH segment overrunning the attribute",
            format!("{ORIGIN}40020602020000fdea{NEXT_HOP}"),
            false,
            taw(2, 11),
        ),
        (
            "AS_PATH segment type 5",
            format!("{ORIGIN}40020605010000fdea{NEXT_HOP}"),
            false,
            taw(2, 11),
        ),
        (
            "COMMUNITIES of 3 octets",
            format!("{base}c00803fde800"),
            false,
            taw(8, 9),
        ),
        (
            "COMMUNITIES of 6 octets",
            format!("{base}c00806fdea0001fdea"),
            false,
            taw(8, 9),
        ),
        (
            "MED of 3 octets",
            format!("{base}800403000001"),
            false,
            taw(4, 5),
        ),
        (
            "MED overrunning the attribute block",
            format!("{base}80040a00000001"),
            false,
            taw(4, 5),
        ),
        (
            "a lone octet after the attributes",
            format!("{base}40"),
            false,
            taw(0, 1),
        ),
        (
            "AS_PATH with one octet after its last segment",
            format!("{ORIGIN}40020702010000fdea02{NEXT_HOP}"),
            false,
            taw(2, 11),
        ),
        (
            "AGGREGATOR of 5 octets",
            format!("{base}c007050000fdea00"),
            true,
            discard(7, 5),
        ),
        (
            "ATOMIC_AGGREGATE of 1 octet",
            format!("{base}40060100"),
            true,
            discard(6, 5),
        ),
    ];
    for (i, (case, attrs, kept, json)) in cases.iter().enumerate() {
        rig.kept_case(i as u8 + 1, case, attrs, *kept, &[json], &[]);
    }
    // RFC 7606 §3(d): all three mandatory attributes missing.
    rig.kept_case(
        99,
        "NLRI without any path attribute",
        "",
        false,
        &[&taw(1, 3), &taw(2, 3), &taw(3, 3)],
        &[],
    );
    // RFC 7606 §3(g): a repeated attribute other than MP_REACH/MP_UNREACH: the first stays,
    // the others are discarded, the route is kept (announced before with ORIGIN IGP too, so
    // the event is what tells which ORIGIN won).
    rig.kept_case(
        100,
        "ORIGIN twice (IGP, then INCOMPLETE)",
        &format!("{ORIGIN}40010102{AS_PATH}{NEXT_HOP}"),
        true,
        &["\"origin\": \"igp\""],
        &["incomplete", "\"malformed\""],
    );
    rig.kept_case(
        101,
        "MED twice (7, then 8)",
        &format!("{base}8004040000000780040400000008"),
        true,
        &["\"med\": 7"],
        &["\"med\": 8", "\"malformed\""],
    );
    finish(rig, good);
}

// ---------------------------------------------------------------------------------------------
// Receiver-side checks: next hop, EBGP-only attributes, confederation segments

/// RFC 4271 §6.3: a NEXT_HOP that is not a valid host address, or that is the receiving
/// speaker's own address, must not make a route; no NOTIFICATION (RFC 7606: the session stays).
fn next_hop_not_installed(tag: &str, base: u8, next_hop: fn(&Rig) -> Ipv4Addr) {
    let rig = Rig::start(tag, 57, base, "");
    let good = good_peer(&rig);
    let nh = next_hop(&rig);
    let (route, probe) = ("10.57.1.0/24".to_string(), "10.57.2.0/24".to_string());
    let mut t = rig.torture_session();
    let mut both = update(
        "",
        &format!("{ORIGIN}{AS_PATH}400304{}", hex::encode(nh.octets())),
        &p24(57, 1),
    );
    both.extend(valid_update(
        TORTURE_AS,
        "192.0.2.9",
        None,
        std::slice::from_ref(&probe),
    ));
    t.send(&both);
    let rib = rig.wait_rib(&probe, &rig.torture, |r| r.contains(&probe));
    if let Err(e) = t.quiet(Duration::from_millis(100)) {
        panic!("NEXT_HOP {nh}: the session must stay up: {e}");
    }
    assert!(
        !rib.contains(&route),
        "NEXT_HOP {nh}: route {route} installed: {rib:?}"
    );
    rig.end_session(t, "next hop");
    finish(rig, good);
}

#[test]
fn next_hop_0_0_0_0_makes_no_route() {
    next_hop_not_installed("nh-zero", 0, |_| Ipv4Addr::UNSPECIFIED);
}

#[test]
fn next_hop_of_herald_itself_makes_no_route() {
    next_hop_not_installed("nh-self", 10, |r| r.herald.parse().unwrap());
}

/// RFC 6608 §4: the Data field of 5/1, 5/2 and 5/3 is the type of the unexpected message.
#[test]
fn fsm_errors_carry_the_unexpected_message_type() {
    let rig = Rig::start("fsm", 58, 0, "");
    let good = good_peer(&rig);
    let route = valid_update(TORTURE_AS, "192.0.2.1", None, &["10.58.1.0/24".to_string()]);
    let mut errors = Vec::new();
    // A KEEPALIVE in OpenSent, before our OPEN.
    let before = rig.torture_ends();
    let mut t = rig.torture_conn();
    t.send(&keepalive());
    errors.extend(
        rig.check_notification("KEEPALIVE in OpenSent", &mut t, (5, 1, &[4]))
            .err(),
    );
    rig.wait_torture_end(before, "5/1");
    // An UPDATE in OpenConfirm, before our KEEPALIVE.
    let before = rig.torture_ends();
    let mut t = rig.torture_conn();
    t.send(&open_bytes(rig.torture_open(30)));
    t.send(&route);
    errors.extend(
        rig.check_notification("UPDATE in OpenConfirm", &mut t, (5, 2, &[2]))
            .err(),
    );
    rig.wait_torture_end(before, "5/2");
    // An OPEN on an established session.
    errors.extend(
        rig.try_reset_case(
            "OPEN in Established",
            &open_bytes(rig.torture_open(30)),
            (5, 3, &[1]),
        )
        .err(),
    );
    finish(rig, good);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// RFC 7606 §7.8, §7.14, §7.15: COMMUNITIES, EXTENDED_COMMUNITIES and IPv6 Address Specific
/// Extended Communities are malformed unless their length is a NON-ZERO multiple of 4, 8, 20:
/// empty ones are treat-as-withdraw.
#[test]
fn empty_community_attributes_are_treat_as_withdraw() {
    let rig = Rig::start("empty-communities", 59, 0, "");
    let good = good_peer(&rig);
    let mut errors = Vec::new();
    let base = base_attrs();
    for (n, case, attr) in [
        (1, "empty COMMUNITIES", "c00800"),
        (2, "empty EXTENDED_COMMUNITIES", "c01000"),
        (3, "empty IPv6 extended communities", "c01900"),
    ] {
        errors.extend(
            rig.try_kept_case(n, case, &format!("{base}{attr}"), false, &[], &[])
                .err(),
        );
    }
    finish(rig, good);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// RFC 7606 §7.5, §7.9, §7.10: LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST from an external
/// neighbor are discarded ("attribute discard"), malformed or not: the route stays.
#[test]
fn ibgp_only_attributes_from_an_ebgp_peer_are_discarded() {
    let rig = Rig::start("ebgp-discard", 59, 10, "");
    let good = good_peer(&rig);
    let mut errors = Vec::new();
    let base = base_attrs();
    for (n, case, attr) in [
        (1, "LOCAL_PREF of 3 octets", "400503000064"),
        (2, "ORIGINATOR_ID of 3 octets", "800903c00002"),
        (3, "CLUSTER_LIST of 5 octets", "800a05c000020101"),
    ] {
        let attrs = format!("{base}{attr}");
        errors.extend(
            rig.try_kept_case(n, case, &attrs, true, &[], &["treat-as-withdraw"])
                .err(),
        );
    }
    finish(rig, good);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// RFC 5065 §5: AS_CONFED_SEQUENCE / AS_CONFED_SET segments from a neighbor outside our
/// confederation (herald has none) make a malformed AS_PATH: treat-as-withdraw (RFC 7606 §7.2).
#[test]
fn confederation_segments_from_an_ebgp_peer_are_treat_as_withdraw() {
    let rig = Rig::start("confed", 59, 20, "");
    let good = good_peer(&rig);
    let mut errors = Vec::new();
    for (n, case, seg) in [
        (1, "AS_CONFED_SEQUENCE", "0301 0000fdea"),
        (2, "AS_CONFED_SET", "0401 0000fdea"),
    ] {
        let attrs = format!("{ORIGIN}40020c{seg}02010000fdea{NEXT_HOP}");
        errors.extend(
            rig.try_kept_case(n, case, &attrs, false, &[&taw(2, 11)], &[])
                .err(),
        );
    }
    finish(rig, good);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Framing: an UPDATE split at every byte boundary

#[test]
fn an_update_split_at_every_byte_boundary_arrives_each_time() {
    let rig = Rig::start("split", 54, 0, "");
    let good = good_peer(&rig);
    let mut t = rig.torture_session();
    let make = |k: u8| {
        valid_update(
            TORTURE_AS,
            "192.0.2.54",
            Some(u32::from(k)),
            &[format!("10.154.{k}.0/24"), format!("10.155.{k}.128/25")],
        )
    };
    let len = make(1).len();
    assert!(len > 60, "{len}");
    for k in 1..len {
        let m = make(k as u8);
        assert_eq!(m.len(), len);
        t.send(&m[..k]);
        std::thread::sleep(Duration::from_millis(3));
        t.send(&m[k..]);
        let want = format!(
            "\"announce\": {{ \"ipv4 unicast\": {{ \"192.0.2.54\": [ {{ \"nlri\": \"10.154.{k}.0/24\" }}, {{ \"nlri\": \"10.155.{k}.128/25\" }} ] }} }}"
        );
        rig.d
            .wait(&format!("the UPDATE split at octet {k}"), |o, _| {
                o.contains(&want)
            });
    }
    // And one sent an octet at a time.
    let m = make(255);
    for b in &m {
        t.send(std::slice::from_ref(b));
        std::thread::sleep(Duration::from_millis(1));
    }
    rig.d.wait("the UPDATE sent an octet at a time", |o, _| {
        o.contains("\"nlri\": \"10.155.255.128/25\"")
    });
    let out = rig.d.out();
    let needle = "\"med\": 7, \"community\": [ [ 65002, 7 ] ]";
    assert!(
        out.contains(needle),
        "attributes as sent: {needle} not in\n{}",
        tail(&out, 5)
    );
    assert!(!out.contains("\"malformed\""), "{out}");
    let rib = rig.rib_in(&rig.torture);
    assert_eq!(rib.len(), 2 * len, "{rib:?}");
    if let Err(e) = t.quiet(Duration::from_millis(100)) {
        panic!("the session must stay up: {e}");
    }
    assert_eq!(rig.peer_log(&rig.torture, "session down"), 0);
    rig.end_session(t, "split");
    // The control for the 1/2 cases: with Extended Message (RFC 8654) negotiated, an UPDATE
    // of more than 4096 octets is taken.
    let mut t = rig.torture_conn();
    let mut o = rig.torture_open(30);
    o.params.push(OptionalParameter::Capabilities(vec![
        Capability::ExtendedMessage,
    ]));
    let theirs = t.handshake(o);
    assert!(
        theirs
            .capabilities()
            .any(|c| matches!(c, Capability::ExtendedMessage)),
        "{theirs:?}"
    );
    let big: Vec<Prefix> = (0..1500u32)
        .map(|i| {
            let a = Ipv4Addr::new(11, (i >> 8) as u8, i as u8, 0);
            Prefix::new(ipnet::Ipv4Net::new(a, 24).unwrap().into())
        })
        .collect();
    let m = update_of(TORTURE_AS, Ipv4Addr::new(192, 0, 2, 54), None, big);
    assert!(m.len() > 6000, "{}", m.len());
    t.send(&m);
    rig.wait_rib("the 6,000-octet UPDATE", &rig.torture, |r| r.len() == 1500);
    if let Err(e) = t.quiet(Duration::from_millis(100)) {
        panic!("extended message: the session must stay up: {e}");
    }
    rig.end_session(t, "extended message");
    finish(rig, good);
}

// ---------------------------------------------------------------------------------------------
// A stalled half header

#[test]
fn a_stalled_half_header_ends_by_the_hold_timer_and_stalls_nobody_else() {
    let rig = Rig::start("stall", 55, 0, "");
    let good = good_peer(&rig);
    let mut t = rig.torture_conn();
    // Hold time 3 s (herald proposes 30: the smaller one wins).
    t.handshake(rig.torture_open(3));
    let before = rig.torture_ends();
    t.send(&[0xff; 10]);
    let stalled = Instant::now();
    // While the torture connection waits for the rest of its header, the well-behaved peer's
    // UPDATE goes through.
    good.tx.send(GoodCmd::Announce(55)).unwrap();
    rig.d
        .wait("the well-behaved peer's route during the stall", |o, _| {
            o.contains("\"nlri\": \"10.201.55.0/24\"")
        });
    assert_eq!(
        rig.torture_ends(),
        before,
        "the other session's UPDATE waited for the stalled one to end"
    );
    let (n, earlier) = t
        .notification(Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("{e}\n{}", tail(&rig.d.log(), 40)));
    let waited = stalled.elapsed();
    assert_eq!(
        (n.code, n.subcode, n.data.as_slice()),
        (4, 0, &[][..]),
        "{}",
        n.describe()
    );
    assert!(
        waited > Duration::from_millis(2500) && waited < Duration::from_secs(6),
        "Hold Timer Expired after {waited:?} with a hold time of 3 s"
    );
    // herald kept its own timers on the stalled connection: a KEEPALIVE a second.
    assert!(
        earlier
            .iter()
            .filter(|m| matches!(m, Message::Keepalive))
            .count()
            >= 1,
        "{earlier:?}"
    );
    if let Err(e) = t.closes(Duration::from_secs(10)) {
        panic!("after Hold Timer Expired: {e}");
    }
    rig.wait_torture_end(before, "hold timer");
    assert_eq!(
        rig.peer_log(
            &rig.torture,
            &format!("sending NOTIFICATION {}", n.describe())
        ),
        1,
        "{}",
        tail(&rig.d.log(), 40)
    );
    finish(rig, good);
}

// ---------------------------------------------------------------------------------------------
// A flood of routes from a peer that never reads

#[test]
fn a_flood_from_a_peer_that_never_reads_starves_no_other_session() {
    const ROUTES: u32 = 200_000;
    const PER_UPDATE: u32 = 100;
    const FLOOD_FOR: Duration = Duration::from_secs(6);
    // herald has a table for the torture peer too (one UPDATE per route, as each has its own
    // MED), which that peer never reads: herald's writes to it block while it floods.
    let mut table = String::from(" static {\n");
    for i in 0..20_000u32 {
        table.push_str(&format!(
            "  route 172.{}.{}.0/24 next-hop 127.0.56.1 med {i};\n",
            16 + (i >> 8),
            i & 255
        ));
    }
    table.push_str(" }\n");
    let rig = Rig::start("flood", 56, 0, &table);
    let good = good_peer(&rig);
    let mut t = Speaker::connect(&rig.torture, rig.to(), true);
    t.handshake(rig.torture_open(30));
    // Rounds of the same 200,000 prefixes, each round with new MEDs (so every UPDATE replaces
    // routes), written without ever reading, until the flood has lasted more than two of the
    // well-behaved session's keepalive intervals.
    let prefixes: Vec<Prefix> = (0..ROUTES)
        .map(|i| {
            let a = Ipv4Addr::new(10 + (i >> 16) as u8, (i >> 8) as u8, i as u8, 0);
            Prefix::new(ipnet::Ipv4Net::new(a, 24).unwrap().into())
        })
        .collect();
    let nh = Ipv4Addr::new(192, 0, 2, 56);
    let started = Instant::now();
    let mut rounds = 0u32;
    while rounds == 0 || started.elapsed() < FLOOD_FOR {
        let mut flood = Vec::with_capacity(5 << 20);
        for (k, chunk) in prefixes.chunks(PER_UPDATE as usize).enumerate() {
            let med = rounds * ROUTES / PER_UPDATE + k as u32;
            flood.extend(update_of(TORTURE_AS, nh, Some(med), chunk.to_vec()));
        }
        for piece in flood.chunks(64 * 1024) {
            t.send(piece);
        }
        rounds += 1;
    }
    t.send(&eor());
    let tag = format!("\"peer\": \"{}\"", rig.torture);
    rig.d.wait_for(
        "the flood's End-of-RIB",
        Duration::from_secs(45),
        Duration::from_millis(250),
        |o, _| o.lines().any(|l| l.contains(&tag) && l.contains("\"eor\"")),
    );
    let ended = Instant::now();
    let took = ended - started;
    let rib = rig.rib_in(&rig.torture);
    assert_eq!(
        rib.len(),
        ROUTES as usize,
        "after {rounds} rounds in {took:?}"
    );
    let last_med = rounds * ROUTES / PER_UPDATE - 1;
    assert!(
        rig.d.out().contains(&format!("\"med\": {last_med},")),
        "the last UPDATE (MED {last_med}) was not seen"
    );
    assert_eq!(rig.peer_log(&rig.torture, "sending NOTIFICATION"), 0);
    assert_eq!(rig.peer_log(&rig.torture, "session down"), 0);
    eprintln!("{rounds} rounds of {ROUTES} routes taken in {took:?}");
    let r = finish(rig, good);
    // herald kept the well-behaved session's KEEPALIVEs coming during the flood, not only
    // before and after it.
    let during = r
        .keepalives
        .iter()
        .filter(|&&k| k > started && k < ended)
        .count();
    let expected = (took.as_secs() / 3).saturating_sub(1) as usize;
    assert!(
        during >= expected.max(2),
        "{during} KEEPALIVEs during a flood of {took:?} (expected {}): {r:?}",
        expected.max(2)
    );
    drop(t);
}
