//! What the daemon's end-to-end tests share: a `herald run` child whose stdout (`--json-events`)
//! and log are files waited on with a deadline, free ports, configurations, and scripted peers
//! that speak BGP through `herald_wire`. Every wait is for a condition, never a fixed time.

// Each test file uses part of this module.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use herald_wire::{Capability, Context, Family, Message, Open};

/// A `herald run CONF --json-events` child; its stdout and stderr go to files.
pub struct Daemon {
    pub child: Child,
    pub stdout: PathBuf,
    pub stderr: PathBuf,
}

impl Daemon {
    pub fn start(dir: &Path, name: &str, config: &str) -> Daemon {
        Self::start_with_env(dir, name, config, &[])
    }

    pub fn start_with_env(dir: &Path, name: &str, config: &str, env: &[(&str, &str)]) -> Daemon {
        Self::start_with_args(dir, name, config, env, &[])
    }

    /// Logging at debug level (`--log-level debug`), then `args`.
    pub fn start_with_args(
        dir: &Path,
        name: &str,
        config: &str,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Daemon {
        let mut all = vec!["--log-level", "debug"];
        all.extend_from_slice(args);
        Self::start_raw(dir, name, config, env, &all)
    }

    /// No `--log-level`, and no `HERALD_LOG` / `RUST_LOG` from the test's environment: the
    /// log level is herald's choice (its default, or ExaBGP's `log.level` in `env`).
    pub fn start_raw(
        dir: &Path,
        name: &str,
        config: &str,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Daemon {
        let conf = dir.join(format!("{name}.conf"));
        std::fs::write(&conf, config).unwrap();
        let stdout = dir.join(format!("{name}.out"));
        let stderr = dir.join(format!("{name}.err"));
        let child = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(["run", conf.to_str().unwrap(), "--json-events"])
            .args(args)
            .stdout(Stdio::from(std::fs::File::create(&stdout).unwrap()))
            .stderr(Stdio::from(std::fs::File::create(&stderr).unwrap()))
            .env_remove("HERALD_LOG")
            .env_remove("RUST_LOG")
            .envs(env.iter().copied())
            .spawn()
            .unwrap();
        Daemon {
            child,
            stdout,
            stderr,
        }
    }

    pub fn out(&self) -> String {
        std::fs::read_to_string(&self.stdout).unwrap_or_default()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Wait until `pred` holds on (stdout, stderr), or fail with both.
    pub fn wait(&self, what: &str, pred: impl Fn(&str, &str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if pred(&self.out(), &self.log()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out waiting for {what}\n--- stdout\n{}\n--- stderr\n{}",
            self.out(),
            self.log()
        );
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{sig}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Wait for herald to exit (10 s at most).
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "herald did not exit\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM, then wait for herald to exit: its helper processes have had their last event
    /// and their stdin closed by then.
    pub fn stop(&mut self) -> ExitStatus {
        self.signal("TERM");
        self.wait_exit()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("herald-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A port free on `ip` right now.
pub fn free_port(ip: &str) -> u16 {
    TcpListener::bind((ip, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn receiver_conf(me: &str, peer: &str, port: u16, my_as: u32, peer_as: u32) -> String {
    format!(
        "neighbor {peer} {{\n router-id {me};\n local-address {me};\n local-as {my_as};\n peer-as {peer_as};\n hold-time 30;\n passive;\n listen {port};\n family {{ ipv4 unicast; ipv6 unicast; }}\n}}\n"
    )
}

pub fn sender_conf(
    me: &str,
    peer: &str,
    port: u16,
    my_as: u32,
    peer_as: u32,
    routes: &str,
) -> String {
    format!(
        "neighbor {peer} {{\n router-id {me};\n local-address {me};\n local-as {my_as};\n peer-as {peer_as};\n hold-time 30;\n connect {port};\n family {{ ipv4 unicast; ipv6 unicast; }}\n static {{\n{routes}\n }}\n}}\n"
    )
}

pub fn count(s: &str, needle: &str) -> usize {
    s.matches(needle).count()
}

/// A scripted peer: connects to a passive herald, does the OPEN exchange, then sends `payload`.
pub fn raw_peer(to: SocketAddr, from: &str, asn: u16, payload: &[u8]) -> (TcpStream, Vec<u8>) {
    let s = TcpStream::connect_timeout(&to, Duration::from_secs(5)).unwrap();
    let _ = from;
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut s = s;
    let open = Message::Open(herald_wire::Open::new(
        u32::from(asn),
        30,
        "192.0.2.99".parse().unwrap(),
        vec![Capability::FourOctetAs(u32::from(asn))],
    ));
    s.write_all(&open.to_bytes(&Context::default())).unwrap();
    s.write_all(&Message::Keepalive.to_bytes(&Context::default()))
        .unwrap();
    s.write_all(payload).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    (s, got)
}

pub fn notification_in(bytes: &[u8]) -> Option<herald_wire::Notification> {
    let mut rest = bytes;
    while let Ok(Some(f)) = herald_wire::frame(rest, 65535) {
        let (m, tail) = rest.split_at(f.len);
        if let Ok(Message::Notification(n)) = Message::decode(m, &Context::default()) {
            return Some(n);
        }
        rest = tail;
    }
    None
}

/// Read whole BGP messages from `s` until `n` have arrived (or the peer closes).
pub fn read_messages(s: &mut TcpStream, n: usize) -> Vec<Message> {
    read_messages_with(s, n, &Context::default())
}

/// [`read_messages`], decoding with `ctx` (ADD-PATH families, say).
pub fn read_messages_with(s: &mut TcpStream, n: usize, ctx: &Context) -> Vec<Message> {
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut chunk = [0u8; 4096];
    while out.len() < n {
        while let Ok(Some(f)) = herald_wire::frame(&buf, 65535) {
            let m: Vec<u8> = buf.drain(..f.len).collect();
            out.push(Message::decode(&m, ctx).unwrap());
        }
        if out.len() >= n {
            break;
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(k) => buf.extend_from_slice(&chunk[..k]),
        }
    }
    out
}

/// Write an executable script (a helper process for herald to run).
pub fn write_script(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    let mut perm = std::fs::metadata(path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
    std::fs::set_permissions(path, perm).unwrap();
}

/// A TCP connection from `from` (any port) to `to`, reads timing out after 10 s.
pub fn connect_from(from: &str, to: SocketAddr) -> TcpStream {
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    sock.bind(&format!("{from}:0").parse::<SocketAddr>().unwrap().into())
        .unwrap();
    sock.connect_timeout(&to.into(), Duration::from_secs(5))
        .unwrap();
    let s: TcpStream = sock.into();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// Send an OPEN for `asn` (BGP identifier `id`, hold time 30) with `capabilities`.
pub fn send_open(s: &mut TcpStream, asn: u32, id: &str, capabilities: Vec<Capability>) {
    let open = Message::Open(herald_wire::Open::new(
        asn,
        30,
        id.parse().unwrap(),
        capabilities,
    ));
    s.write_all(&open.to_bytes(&Context::default())).unwrap();
}

/// Send `m` encoded with the default context.
pub fn send(s: &mut TcpStream, m: &Message) {
    s.write_all(&m.to_bytes(&Context::default())).unwrap();
}

/// A scripted peer's side of a connection, reading whole messages without losing the bytes
/// that arrive with them.
pub struct Peer {
    pub s: TcpStream,
    buf: Vec<u8>,
    /// How herald's messages are decoded (ADD-PATH families, say).
    pub ctx: Context,
}

impl Peer {
    pub fn new(s: TcpStream) -> Peer {
        Peer {
            s,
            buf: Vec::new(),
            ctx: Context::default(),
        }
    }

    /// The next message, or `None` when herald closes the connection (or 10 s pass).
    pub fn try_next(&mut self) -> Option<Message> {
        let mut chunk = [0u8; 4096];
        loop {
            if let Ok(Some(f)) = herald_wire::frame(&self.buf, 65535) {
                let m: Vec<u8> = self.buf.drain(..f.len).collect();
                return Some(Message::decode(&m, &self.ctx).unwrap());
            }
            match self.s.read(&mut chunk) {
                Ok(0) | Err(_) => return None,
                Ok(k) => self.buf.extend_from_slice(&chunk[..k]),
            }
        }
    }

    /// The next message.
    pub fn next(&mut self) -> Message {
        self.try_next().expect("herald closed the connection")
    }

    /// The next message that is not a KEEPALIVE.
    pub fn next_not_keepalive(&mut self) -> Message {
        loop {
            match self.next() {
                Message::Keepalive => {}
                m => return m,
            }
        }
    }

    pub fn send(&mut self, m: &Message) {
        send(&mut self.s, m);
    }
}

/// A passive neighbor `peer` of a herald at `me` listening on `port`: AS 65001 facing AS
/// 65002, hold time 30, the `families` (such as "ipv4 unicast; ipv6 unicast;"), and `extra`
/// lines in its block.
pub fn passive(me: &str, peer: &str, port: u16, families: &str, extra: &str) -> String {
    format!(
        "neighbor {peer} {{\n router-id {me};\n local-address {me};\n local-as 65001;\n peer-as 65002;\n hold-time 30;\n passive;\n listen {port};\n family {{ {families} }}\n{extra}}}\n"
    )
}

pub fn addr(ip: &str, port: u16) -> SocketAddr {
    format!("{ip}:{port}").parse().unwrap()
}

/// Connect from `from` to herald at `to` and read the OPEN herald sends first.
pub fn herald_open(from: &str, to: SocketAddr) -> (Peer, Open) {
    let mut p = Peer::new(connect_from(from, to));
    match p.next() {
        Message::Open(o) => (p, o),
        m => panic!("expected herald's OPEN, got {m:?}"),
    }
}

pub fn capabilities(o: &Open) -> Vec<Capability> {
    o.capabilities().cloned().collect()
}

/// After herald's OPEN: our OPEN (AS 65002 with `caps`) and KEEPALIVE; herald's KEEPALIVE.
pub fn establish(p: &mut Peer, caps: Vec<Capability>) {
    send_open(&mut p.s, 65002, "192.0.2.200", caps);
    p.send(&Message::Keepalive);
    assert!(matches!(p.next(), Message::Keepalive));
}

pub fn mp(family: Family) -> Capability {
    Capability::Multiprotocol {
        family,
        reserved: 0,
    }
}

/// `herald ctl -s SOCK WORDS…`: whether it answered `done`, and what it printed.
pub fn ctl(sock: &Path, words: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["ctl", "-s", sock.to_str().unwrap()])
        .args(words.split_whitespace())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Wait until `f` holds (20 s at most).
pub fn wait_for(what: &str, f: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
