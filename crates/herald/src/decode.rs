//! `herald decode`: BGP messages in, ExaBGP JSON out, one object per line.
//!
//! Inputs: hex messages as arguments or stdin lines (with or without the 16-octet marker,
//! colons and spaces allowed; several messages may be concatenated), `--pcap FILE` or
//! `--mrt FILE`. A malformed message prints one line on stderr naming the input, the offset and
//! the RFC 4271 error, and makes the exit status 1; decoding goes on with the next input.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use herald_api::json::{self, Direction, Envelope, Peer};
use herald_wire::message::{frame, HEADER_LEN, MARKER, MAX_EXTENDED_LEN};
use herald_wire::{Context, Family, Message};

/// Arguments of `herald decode`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Messages in hex. Without any, and without --pcap/--mrt, one message per stdin line.
    hex: Vec<String>,
    /// Read BGP messages from the TCP streams of a capture (pcap or pcapng).
    #[arg(long, value_name = "FILE", conflicts_with = "mrt")]
    pcap: Option<PathBuf>,
    /// Read BGP messages from an MRT file (BGP4MP, TABLE_DUMP_V2; plain, .gz or .bz2).
    #[arg(long, value_name = "FILE")]
    mrt: Option<PathBuf>,
    /// Hex input without marker or header is a bare UPDATE body of this family's session
    /// (informational; IPv4 unicast NLRI are always in the classic fields).
    #[arg(long, short = 'f', value_name = "FAMILY")]
    family: Option<String>,
    /// ADD-PATH path identifiers are present (for FAMILY, or IPv4 and IPv6 unicast).
    #[arg(long, short = 'i')]
    add_path: bool,
    /// The session uses 2-octet AS numbers (no 4-octet AS capability).
    #[arg(long)]
    asn2: bool,
    /// Hex input without marker or header is a bare OPEN body.
    #[arg(long)]
    open: bool,
}

struct Out {
    line: String,
    stdout: std::io::BufWriter<std::io::StdoutLock<'static>>,
    failed: bool,
    /// The reader went away (`| head`): nothing more is written, and that is no failure.
    closed: bool,
}

impl Out {
    fn emit(&mut self, peer: &Peer, time: f64, counter: u64, msg: &Message, ctx: &Context) {
        self.line.clear();
        let env = Envelope {
            time,
            host: "herald",
            pid: std::process::id(),
            ppid: 0,
            counter,
            peer,
            direction: Direction::Decode,
            compact: false,
        };
        if self.closed {
            return;
        }
        json::write_message(&mut self.line, &env, msg, ctx);
        self.line.push('\n');
        if let Err(e) = self.stdout.write_all(self.line.as_bytes()) {
            self.write_failed(&e);
        }
    }

    fn write_failed(&mut self, e: &std::io::Error) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            self.closed = true;
        } else {
            eprintln!("herald decode: cannot write: {e}");
            self.failed = true;
        }
    }

    fn error(&mut self, what: &str, err: impl std::fmt::Display) {
        let _ = self.stdout.flush();
        eprintln!("herald decode: {what}: {err}");
        self.failed = true;
    }
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Parse hex with optional `0x`, colons and whitespace.
fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim();
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    let clean: String = s
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == ':'))
        .collect();
    hex::decode(&clean).map_err(|e| format!("not hex: {e}"))
}

fn context(args: &Args) -> Result<Context, String> {
    let mut ctx = Context {
        asn4: !args.asn2,
        max_message_len: MAX_EXTENDED_LEN,
        ..Context::default()
    };
    let family = match &args.family {
        Some(f) => Some(Family::from_name(f).ok_or_else(|| format!("unknown family '{f}'"))?),
        None => None,
    };
    if args.add_path {
        ctx.add_path = match family {
            Some(f) => vec![f],
            None => vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST],
        };
    }
    Ok(ctx)
}

/// Give `bytes` a header if it lacks one: with the marker missing but length and type there,
/// or a bare body (UPDATE, or OPEN with `--open`).
fn with_header(bytes: Vec<u8>, open: bool) -> Vec<u8> {
    if bytes.starts_with(&MARKER) {
        return bytes;
    }
    let mut m = MARKER.to_vec();
    if let Some(&[hi, lo, kind]) = bytes.first_chunk::<3>() {
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        if len == bytes.len() + 16 && (1..=5).contains(&kind) {
            m.extend_from_slice(&bytes);
            return m;
        }
    }
    let len = (bytes.len() + HEADER_LEN).min(65535) as u16;
    m.extend_from_slice(&len.to_be_bytes());
    m.push(if open { 1 } else { 2 });
    m.extend_from_slice(&bytes);
    m
}

/// Decode every message in `bytes` (several may be concatenated).
fn decode_stream(
    out: &mut Out,
    what: &str,
    bytes: &[u8],
    ctx: &Context,
    peer: &Peer,
    time: f64,
    counter: &mut u64,
) {
    let mut rest = bytes;
    let mut offset = 0;
    while !rest.is_empty() {
        let f = match frame(rest, ctx.max_message_len) {
            Ok(Some(f)) => f,
            Ok(None) => {
                out.error(
                    what,
                    format_args!(
                        "offset {offset}: truncated message ({} octets left)",
                        rest.len()
                    ),
                );
                return;
            }
            Err(e) => {
                out.error(what, format_args!("{}", e.shifted(offset)));
                return;
            }
        };
        let (msg, tail) = rest.split_at(f.len);
        match Message::decode(msg, ctx) {
            Ok(m) => {
                *counter += 1;
                out.emit(peer, time, *counter, &m, ctx);
            }
            Err(e) => out.error(what, e.shifted(offset)),
        }
        offset += f.len;
        rest = tail;
    }
}

/// Decode every BGP message of a capture, each with the context its connection negotiated.
fn decode_pcap(out: &mut Out, path: &std::path::Path) {
    let msgs = match crate::pcap::read_bgp_messages(path) {
        Ok(m) => m,
        Err(e) => {
            out.error(&path.display().to_string(), format_args!("{e:#}"));
            return;
        }
    };
    // AS and identifier of each speaker, learnt from the OPENs as they go by.
    let mut speakers: std::collections::HashMap<std::net::IpAddr, (u32, std::net::Ipv4Addr)> =
        Default::default();
    let mut counters: std::collections::HashMap<(std::net::SocketAddr, std::net::SocketAddr), u64> =
        Default::default();
    for (i, m) in msgs.iter().enumerate() {
        let ctx = m.context();
        let what = format!(
            "{} message {} ({} -> {})",
            path.display(),
            i + 1,
            m.src,
            m.dst
        );
        let decoded = Message::decode(&m.bytes, &ctx);
        if let Ok(Message::Open(o)) = &decoded {
            speakers.insert(m.src.ip(), (o.asn(), o.bgp_id));
        }
        let (peer_as, _) = speakers
            .get(&m.src.ip())
            .copied()
            .unwrap_or((0, std::net::Ipv4Addr::UNSPECIFIED));
        let (local_as, local_id) = speakers
            .get(&m.dst.ip())
            .copied()
            .unwrap_or((0, std::net::Ipv4Addr::UNSPECIFIED));
        let peer = Peer {
            local_address: m.dst.ip(),
            peer_address: m.src.ip(),
            local_as,
            peer_as,
            router_id: local_id,
        };
        let counter = counters.entry((m.src, m.dst)).or_insert(0);
        match decoded {
            Ok(msg) => {
                *counter += 1;
                out.emit(&peer, m.time, *counter, &msg, &ctx);
            }
            Err(e) => out.error(&what, e),
        }
    }
}

/// Decode every BGP message of an MRT file (BGP4MP messages and TABLE_DUMP_V2 entries).
fn decode_mrt(out: &mut Out, path: &std::path::Path) {
    let reader = match herald_mrt::open(path) {
        Ok(r) => r,
        Err(e) => {
            out.error(&path.display().to_string(), e);
            return;
        }
    };
    let mut counter = 0;
    for rec in reader {
        let m = match rec {
            Ok(m) => m,
            Err(e) => {
                out.error(&path.display().to_string(), e);
                continue;
            }
        };
        let add_path = if m.add_path {
            vec![
                Family::IPV4_UNICAST,
                Family::IPV6_UNICAST,
                Family::IPV4_MULTICAST,
                Family::IPV6_MULTICAST,
            ]
        } else {
            Vec::new()
        };
        let ctx = Context {
            asn4: m.asn4,
            add_path,
            max_message_len: MAX_EXTENDED_LEN,
            ..Context::default()
        };
        let router_id = match m.local_ip {
            std::net::IpAddr::V4(a) => a,
            std::net::IpAddr::V6(_) => std::net::Ipv4Addr::UNSPECIFIED,
        };
        let peer = Peer {
            local_address: m.local_ip,
            peer_address: m.peer_ip,
            local_as: m.local_as,
            peer_as: m.peer_as,
            router_id,
        };
        let time = f64::from(m.timestamp) + f64::from(m.microseconds) / 1e6;
        match Message::decode(&m.message, &ctx) {
            Ok(msg) => {
                counter += 1;
                out.emit(&peer, time, counter, &msg, &ctx);
            }
            Err(e) => out.error(
                &format!("{} record at offset {}", path.display(), m.offset),
                e,
            ),
        }
    }
}

/// Decode one hex input (an argument or a stdin line).
fn decode_hex(
    out: &mut Out,
    what: &str,
    hex: &str,
    open: bool,
    ctx: &Context,
    peer: &Peer,
    counter: &mut u64,
) {
    match parse_hex(hex) {
        Ok(b) => decode_stream(out, what, &with_header(b, open), ctx, peer, now(), counter),
        Err(e) => out.error(what, e),
    }
}

/// Run `herald decode`.
pub fn run(args: Args) -> ExitCode {
    let stdout = Box::leak(Box::new(std::io::stdout()));
    let mut out = Out {
        line: String::with_capacity(4096),
        stdout: std::io::BufWriter::new(stdout.lock()),
        failed: false,
        closed: false,
    };
    let ctx = match context(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("herald decode: {e}");
            return ExitCode::from(2);
        }
    };
    let peer = Peer::default();
    let mut counter = 0;
    if let Some(path) = &args.pcap {
        decode_pcap(&mut out, path);
    } else if let Some(path) = &args.mrt {
        decode_mrt(&mut out, path);
    } else if !args.hex.is_empty() {
        for (i, h) in args.hex.iter().enumerate() {
            let what = format!("argument {}", i + 1);
            decode_hex(&mut out, &what, h, args.open, &ctx, &peer, &mut counter);
        }
    } else {
        let stdin = std::io::stdin();
        for (i, line) in stdin.lock().lines().enumerate() {
            let what = format!("line {}", i + 1);
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    out.error(&what, e);
                    break;
                }
            };
            if out.closed {
                break;
            }
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            decode_hex(&mut out, &what, &line, args.open, &ctx, &peer, &mut counter);
        }
    }
    if !out.closed {
        if let Err(e) = out.stdout.flush() {
            out.write_failed(&e);
        }
    }
    if out.failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
