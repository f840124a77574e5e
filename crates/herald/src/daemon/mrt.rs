//! MRT output (RFC 6396, RFC 8050): every message received, as BGP4MP_ET records with the
//! sessions' state changes, into files rotated by time and size (`mrt.updates`); and periodic
//! TABLE_DUMP_V2 snapshots of every Adj-RIB-In (`mrt.table`).
//!
//! Files are written by threads of their own, never on the runtime's workers. Peer tasks hand
//! the updates writer finished records through a bounded queue ([`UPDATES_QUEUE`] records)
//! and never wait for it: when the disk is slower than the peers, records are dropped and
//! counted, and the count is logged (once per file). Snapshots read the Adj-RIB-In a page at a
//! time, as the HTTP API does, and are written to `NAME.tmp`, renamed when complete.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use flate2::write::GzEncoder;
use herald_mrt::writer::{self, FsmState, IndexPeer, RibEntry, Session, Timestamp};
use ipnet::IpNet;
use tokio::sync::{mpsc, oneshot};
use tracing::{info, warn};

use super::http::{PeerEntry, Query};
use super::peer::{ApiOp, Command};

/// Records queued for the updates writer before peers' records are dropped.
pub const UPDATES_QUEUE: usize = 65_536;

/// Routes per page of a snapshot.
const TABLE_PAGE: usize = 4096;

fn now() -> Timestamp {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp {
        seconds: u32::try_from(d.as_secs()).unwrap_or(u32::MAX),
        microseconds: d.subsec_micros(),
    }
}

/// `(year, month, day)` of a day count since 1970-01-01 (the proleptic Gregorian calendar).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A file name template with `%Y %m %d %H %M %S` (UTC) and `%%` filled in for `seconds`.
pub fn fill(template: &str, seconds: u64) -> String {
    let secs = i64::try_from(seconds).unwrap_or(i64::MAX);
    let (y, mo, d) = civil(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    let mut out = String::with_capacity(template.len() + 16);
    let mut it = template.chars();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('Y') => out.push_str(&format!("{y:04}")),
            Some('m') => out.push_str(&format!("{mo:02}")),
            Some('d') => out.push_str(&format!("{d:02}")),
            Some('H') => out.push_str(&format!("{:02}", t / 3600)),
            Some('M') => out.push_str(&format!("{:02}", (t / 60) % 60)),
            Some('S') => out.push_str(&format!("{:02}", t % 60)),
            Some('%') => out.push('%'),
            Some(o) => {
                out.push('%');
                out.push(o);
            }
            None => out.push('%'),
        }
    }
    out
}

/// A file that does not exist yet: `path`, else `path` with `.1`, `.2`, … before a `.gz`.
fn unused(path: &str) -> PathBuf {
    if !Path::new(path).exists() {
        return PathBuf::from(path);
    }
    let (stem, ext) = match path.strip_suffix(".gz") {
        Some(s) => (s, ".gz"),
        None => (path, ""),
    };
    (1..)
        .map(|n| PathBuf::from(format!("{stem}.{n}{ext}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| PathBuf::from(path))
}

/// An output file, gzip-compressed when its name ends in `.gz`.
enum Out {
    Plain(BufWriter<File>),
    Gz(GzEncoder<BufWriter<File>>),
}

impl Out {
    fn create(path: &Path) -> std::io::Result<Out> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let f = BufWriter::with_capacity(1 << 20, File::create(path)?);
        Ok(if path.extension().is_some_and(|e| e == "gz") {
            Out::Gz(GzEncoder::new(f, flate2::Compression::fast()))
        } else {
            Out::Plain(f)
        })
    }

    fn write_all(&mut self, b: &[u8]) -> std::io::Result<()> {
        match self {
            Out::Plain(w) => w.write_all(b),
            Out::Gz(w) => w.write_all(b),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Out::Plain(w) => w.flush(),
            Out::Gz(w) => w.flush(),
        }
    }

    fn finish(self) -> std::io::Result<()> {
        match self {
            Out::Plain(mut w) => w.flush(),
            Out::Gz(w) => w.finish()?.flush(),
        }
    }
}

/// Where peer tasks put their received messages and state changes.
pub struct Tap {
    tx: SyncSender<Vec<u8>>,
    dropped: Arc<AtomicU64>,
}

impl Tap {
    /// A message the peer sent: `asn4` and `add_path` as the session decodes it.
    pub fn message(&self, s: &Session, asn4: bool, add_path: bool, msg: &[u8]) {
        let mut rec = Vec::with_capacity(msg.len() + 64);
        if writer::bgp4mp_message(&mut rec, now(), s, asn4, add_path, msg).is_ok() {
            self.push(rec);
        }
    }

    /// The session moved from `old` to `new` (FSM state names).
    pub fn state(&self, s: &Session, old: &str, new: &str) {
        let (Some(o), Some(n)) = (fsm(old), fsm(new)) else {
            return;
        };
        let mut rec = Vec::with_capacity(64);
        if writer::bgp4mp_state(&mut rec, now(), s, o, n).is_ok() {
            self.push(rec);
        }
    }

    /// Finish the current file and stop the writer (at shutdown; waits for room in the queue).
    pub fn close(&self) {
        let _ = self.tx.send(Vec::new());
    }

    fn push(&self, rec: Vec<u8>) {
        match self.tx.try_send(rec) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

fn fsm(name: &str) -> Option<FsmState> {
    Some(match name.to_ascii_lowercase().as_str() {
        "idle" => FsmState::Idle,
        "connect" => FsmState::Connect,
        "active" => FsmState::Active,
        "opensent" => FsmState::OpenSent,
        "openconfirm" => FsmState::OpenConfirm,
        "established" => FsmState::Established,
        _ => return None,
    })
}

/// Start the updates writer: files named from `template`, a new one every `interval` seconds
/// (on multiples of it; 0: never) and past `size` octets (0: never).
pub fn start_updates(
    template: String,
    interval: u32,
    size: u64,
) -> std::io::Result<(Arc<Tap>, std::thread::JoinHandle<()>)> {
    let (tx, rx) = sync_channel(UPDATES_QUEUE);
    let dropped = Arc::new(AtomicU64::new(0));
    let d = dropped.clone();
    let h = std::thread::Builder::new()
        .name("mrt-updates".into())
        .spawn(move || updates_thread(rx, template, u64::from(interval), size, d))?;
    Ok((Arc::new(Tap { tx, dropped }), h))
}

/// The open updates file.
struct Current {
    out: Out,
    path: PathBuf,
    /// End of its period (seconds since the epoch), if periods are on.
    until: Option<u64>,
    bytes: u64,
}

fn updates_thread(
    rx: Receiver<Vec<u8>>,
    template: String,
    interval: u64,
    size: u64,
    dropped: Arc<AtomicU64>,
) {
    let mut cur: Option<Current> = None;
    let mut reported = 0;
    let close = |c: Current, dropped: &AtomicU64, reported: &mut u64| {
        if let Err(e) = c.out.finish() {
            warn!(file = %c.path.display(), "MRT updates file not completed: {e}");
        }
        let d = dropped.load(Ordering::Relaxed);
        if d > *reported {
            warn!(file = %c.path.display(), dropped = d - *reported, "MRT records dropped: the disk did not keep up with the peers");
            *reported = d;
        }
        info!(file = %c.path.display(), bytes = c.bytes, "MRT updates file closed");
    };
    loop {
        let rec = match rx.recv_timeout(Duration::from_secs(1)) {
            // The empty record: finish and stop.
            Ok(r) if r.is_empty() => break,
            Ok(r) => Some(r),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let t = u64::from(now().seconds);
        // Rotate on time (also while idle) and on size.
        if let Some(c) = cur.take() {
            let expired = c.until.is_some_and(|u| t >= u);
            if expired || (size > 0 && c.bytes >= size) {
                close(c, &dropped, &mut reported);
            } else {
                cur = Some(c);
            }
        }
        let Some(rec) = rec else {
            if let Some(c) = &mut cur {
                let _ = c.out.flush();
            }
            continue;
        };
        if cur.is_none() {
            let start = if interval > 0 { t - t % interval } else { t };
            let path = unused(&fill(&template, start));
            match Out::create(&path) {
                Ok(out) => {
                    info!(file = %path.display(), "MRT updates file opened");
                    cur = Some(Current {
                        out,
                        path,
                        until: (interval > 0).then(|| start + interval),
                        bytes: 0,
                    });
                }
                Err(e) => {
                    warn!(file = %path.display(), "cannot open the MRT updates file: {e}");
                    dropped.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
            }
        }
        if let Some(c) = &mut cur {
            match c.out.write_all(&rec) {
                Ok(()) => c.bytes += rec.len() as u64,
                Err(e) => {
                    warn!(file = %c.path.display(), "MRT write failed: {e}");
                    dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    if let Some(c) = cur {
        close(c, &dropped, &mut reported);
    }
}

/// One Adj-RIB-In route as a TABLE_DUMP_V2 entry needs it.
#[derive(Clone, Debug)]
pub struct TableRoute {
    /// The prefix.
    pub net: IpNet,
    /// Its path identifier (ADD-PATH).
    pub path_id: Option<u32>,
    /// Its attributes, encoded with 4-octet AS numbers, the next hop as NEXT_HOP (IPv4) or an
    /// abbreviated MP_REACH_NLRI (RFC 6396 §4.3.4).
    pub attributes: Vec<u8>,
}

/// Take a TABLE_DUMP_V2 snapshot every `interval` seconds, on multiples of it, into files
/// named from `template`.
pub fn start_tables(
    template: String,
    interval: u32,
    daemon: mpsc::Sender<Query>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let interval = u64::from(interval.max(1));
        loop {
            let t = u64::from(now().seconds);
            let next = t - t % interval + interval;
            tokio::time::sleep(Duration::from_secs(next - t)).await;
            let path = unused(&fill(&template, next));
            match snapshot(&daemon, &path).await {
                Ok((peers, routes)) => {
                    info!(file = %path.display(), peers, routes, "MRT table snapshot written")
                }
                Err(e) => warn!(file = %path.display(), "MRT table snapshot failed: {e}"),
            }
        }
    })
}

/// Write one snapshot of every neighbor's Adj-RIB-In to `path`: (peers, routes).
pub async fn snapshot(daemon: &mpsc::Sender<Query>, path: &Path) -> Result<(usize, u64), String> {
    let (tx, rx) = oneshot::channel();
    daemon
        .send(Query::Snapshot(tx))
        .await
        .map_err(|_| "herald is stopping")?;
    let snap = rx.await.map_err(|_| "herald is stopping")?;
    let ts = now();
    let mut index = Vec::new();
    let mut peers: Vec<&PeerEntry> = Vec::new();
    let mut collector = Ipv4Addr::UNSPECIFIED;
    for p in &snap.peers {
        let Some(s) = super::http::status_of(p).await else {
            continue;
        };
        let bgp_id = s
            .negotiated
            .as_ref()
            .map(|n| n.peer_id)
            .unwrap_or(Ipv4Addr::UNSPECIFIED);
        if collector.is_unspecified() {
            if let Some(IpAddr::V4(a)) = s.local_address {
                collector = a;
            }
        }
        index.push(IndexPeer {
            bgp_id,
            ip: p.address,
            asn: s.peer_as.unwrap_or(0),
        });
        peers.push(p);
    }
    let tmp = PathBuf::from(format!("{}.tmp", path.display()));
    let (wtx, wrx) = sync_channel::<Vec<u8>>(4);
    let file_tmp = tmp.clone();
    let writer = std::thread::Builder::new()
        .name("mrt-table".into())
        .spawn(move || -> std::io::Result<()> {
            let mut out = Out::create(&file_tmp)?;
            for chunk in wrx {
                out.write_all(&chunk)?;
            }
            out.finish()
        })
        .map_err(|e| e.to_string())?;
    let mut head = Vec::new();
    writer::peer_index_table(&mut head, ts, collector, "herald", &index)
        .map_err(|e| e.to_string())?;
    let mut ok = wtx.send(head).is_ok();
    let mut seq = 0u32;
    let mut routes = 0u64;
    'peers: for (i, p) in peers.iter().enumerate() {
        let Ok(pi) = u16::try_from(i) else { break };
        let mut skip = 0;
        loop {
            let (reply, rx) = oneshot::channel();
            let op = ApiOp::TableDump {
                skip,
                limit: TABLE_PAGE,
                reply,
            };
            if p.tx.send(Command::Api(op)).await.is_err() {
                continue 'peers;
            }
            let Ok(Ok((page, more))) = tokio::time::timeout(Duration::from_secs(30), rx).await
            else {
                continue 'peers;
            };
            skip += page.len();
            let mut buf = Vec::with_capacity(page.len() * 64);
            for r in &page {
                let e = [RibEntry {
                    peer_index: pi,
                    originated: ts.seconds,
                    path_id: r.path_id,
                    attributes: &r.attributes,
                }];
                let bits = r.net.prefix_len();
                if writer::rib(
                    &mut buf,
                    ts,
                    seq,
                    r.net.addr(),
                    bits,
                    r.path_id.is_some(),
                    &e,
                )
                .is_ok()
                {
                    seq = seq.wrapping_add(1);
                    routes += 1;
                }
            }
            if wtx.send(buf).is_err() {
                ok = false;
                break 'peers;
            }
            if !more || page.is_empty() {
                break;
            }
        }
    }
    drop(wtx);
    let written = tokio::task::spawn_blocking(move || writer.join())
        .await
        .map_err(|e| e.to_string())?;
    match written {
        Ok(Ok(())) if ok => {}
        Ok(Err(e)) => return Err(e.to_string()),
        _ => return Err("the writer stopped".into()),
    }
    let final_path = path.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::rename(&tmp, &final_path))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    Ok((peers.len(), routes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_take_the_utc_time_of_the_period() {
        // 2019-01-01 00:00:00 UTC, and a leap day.
        assert_eq!(
            fill("updates.%Y%m%d.%H%M", 1_546_300_800),
            "updates.20190101.0000"
        );
        assert_eq!(
            fill("/d/rib.%Y-%m-%d_%H:%M:%S.gz", 1_709_210_096),
            "/d/rib.2024-02-29_12:34:56.gz"
        );
        assert_eq!(fill("%% %q %", 0), "% %q %");
        assert_eq!(fill("plain", 0), "plain");
    }

    #[test]
    fn fsm_names_map_to_mrt_states() {
        assert_eq!(fsm("Established"), Some(FsmState::Established));
        assert_eq!(fsm("OpenSent"), Some(FsmState::OpenSent));
        assert_eq!(fsm("bogus"), None);
    }
}
