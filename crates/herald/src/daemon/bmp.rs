//! BMP (RFC 7854): herald reports its sessions to the collectors of `bmp.collectors`.
//!
//! One task per collector connects, and on every connection sends Initiation, then for each
//! established session a Peer Up and its Adj-RIB-In (pre-policy) as Route Monitoring messages
//! (the initial dump RFC 7854 §5 expects), then what happens live: Peer Up, every UPDATE as
//! received, Peer Down. Statistics Reports follow every `bmp.statistics-interval` seconds, and
//! a Termination when herald stops. A failed or closed connection is retried after 1 s,
//! doubling to 60 s (back to 1 s once connected).
//!
//! Peer tasks never wait for a collector: they hand finished messages to a [`Tap`], which
//! offers each to every connected collector's bounded queue ([`QUEUE`] messages) without
//! waiting. A collector that lets its queue fill has lost messages and its picture of the
//! routes is wrong from then on, so herald counts what it dropped, logs the count, closes the
//! connection and reconnects (after 1 s): the new connection gets a fresh dump. While no
//! connection is up, nothing is queued (the dump on connection covers it).
//!
//! The queue is opened before the dump starts: every change after that is sent after the
//! dump, in order, so the collector ends with each session's current routes even when the
//! table moves during the dump.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use herald_bmp::{info as tlv, termination, PeerHeader, Tlv};
use herald_rib::PathAttributes;
use herald_wire::attr::NextHop;
use herald_wire::builder::{self, AttrBlock};
use herald_wire::{AttrValue, Attribute, Context, Family, Prefix};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch, Notify};
use tracing::{debug, info, warn};

use super::http::Query;
use super::peer::{ApiOp, Command};

/// Messages queued for one collector before messages are dropped and the connection reset.
pub const QUEUE: usize = 16_384;
/// A write to a collector that makes no progress for this long resets the connection.
const STALL: Duration = Duration::from_secs(60);
/// Reconnection delays: from the first, doubling up to the last.
const BACKOFF_MIN: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(60);
/// Octets gathered before a write.
const CHUNK: usize = 256 << 10;

/// Seconds and microseconds since the Unix epoch.
pub fn now() -> (u32, u32) {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (
        u32::try_from(d.as_secs()).unwrap_or(u32::MAX),
        d.subsec_micros(),
    )
}

/// What `/metrics` shows of one collector.
#[derive(Debug)]
pub struct CollectorStats {
    /// The collector.
    pub address: SocketAddr,
    /// Connected now.
    pub up: AtomicBool,
    /// Messages written to it.
    pub sent: AtomicU64,
    /// Messages dropped because its queue was full.
    pub dropped: AtomicU64,
    /// Connections closed by herald because the collector fell behind or stalled.
    pub resets: AtomicU64,
}

struct Collector {
    stats: Arc<CollectorStats>,
    /// The queue of the current connection; `None` while disconnected.
    live: RwLock<Option<mpsc::Sender<Arc<[u8]>>>>,
    overflowed: AtomicBool,
    overflow: Notify,
}

impl Collector {
    fn offer(&self, m: &Arc<[u8]>) {
        let Ok(live) = self.live.read() else { return };
        let Some(tx) = live.as_ref() else { return };
        if let Err(mpsc::error::TrySendError::Full(_)) = tx.try_send(m.clone()) {
            self.stats.dropped.fetch_add(1, Ordering::Relaxed);
            self.overflowed.store(true, Ordering::Release);
            self.overflow.notify_one();
        }
    }

    fn set_live(&self, tx: Option<mpsc::Sender<Arc<[u8]>>>) {
        match self.live.write() {
            Ok(mut l) => *l = tx,
            Err(p) => *p.into_inner() = tx,
        }
    }
}

/// Where peer tasks put their BMP messages; never waits.
pub struct Tap {
    collectors: Vec<Arc<Collector>>,
}

impl Tap {
    /// Whether any collector is connected: while none is, messages need not be built (the
    /// dump on connection covers what happens meanwhile).
    pub fn active(&self) -> bool {
        self.collectors
            .iter()
            .any(|c| c.stats.up.load(Ordering::Acquire))
    }

    /// Offer a finished message to every connected collector.
    pub fn push(&self, msg: Vec<u8>) {
        let m: Arc<[u8]> = msg.into();
        for c in &self.collectors {
            c.offer(&m);
        }
    }
}

/// One session's state for a collector that just connected: its Peer Up, and its
/// Adj-RIB-In's unicast and multicast routes taken in one pass.
pub struct PeerDump {
    /// The Peer Up message.
    pub peer_up: Vec<u8>,
    /// The per-peer header of its Route Monitoring messages.
    pub header: PeerHeader,
    /// How the session's UPDATEs are encoded (AS width, ADD-PATH, size).
    pub ctx: Context,
    /// The routes.
    pub routes: Vec<(Family, Prefix, Arc<PathAttributes>)>,
}

/// The running collector tasks.
pub struct Bmp {
    stats: Vec<Arc<CollectorStats>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    stop: watch::Sender<bool>,
}

impl Bmp {
    /// Every collector's counters.
    pub fn stats(&self) -> Vec<Arc<CollectorStats>> {
        self.stats.clone()
    }

    /// Send what is queued and a Termination to every connected collector (5 s at most).
    pub async fn close(self) {
        self.stop.send_replace(true);
        for mut t in self.tasks {
            if tokio::time::timeout(Duration::from_secs(5), &mut t)
                .await
                .is_err()
            {
                t.abort();
            }
        }
    }
}

/// Start one task per collector.
pub fn start(
    collectors: &[SocketAddr],
    statistics_interval: u32,
    sys_name: String,
    daemon: mpsc::Sender<Query>,
) -> (Arc<Tap>, Bmp) {
    let (stop, stop_rx) = watch::channel(false);
    let mut init = Vec::new();
    herald_bmp::initiation(
        &mut init,
        &[
            Tlv::text(
                tlv::SYS_DESCR,
                &format!("herald {}", env!("CARGO_PKG_VERSION")),
            ),
            Tlv::text(tlv::SYS_NAME, &sys_name),
        ],
    );
    let init: Arc<[u8]> = init.into();
    let mut all = Vec::new();
    let mut tasks = Vec::new();
    for a in collectors {
        let c = Arc::new(Collector {
            stats: Arc::new(CollectorStats {
                address: *a,
                up: AtomicBool::new(false),
                sent: AtomicU64::new(0),
                dropped: AtomicU64::new(0),
                resets: AtomicU64::new(0),
            }),
            live: RwLock::new(None),
            overflowed: AtomicBool::new(false),
            overflow: Notify::new(),
        });
        tasks.push(tokio::spawn(run(
            c.clone(),
            init.clone(),
            statistics_interval,
            daemon.clone(),
            stop_rx.clone(),
        )));
        all.push(c);
    }
    let stats = all.iter().map(|c| c.stats.clone()).collect();
    (
        Arc::new(Tap { collectors: all }),
        Bmp { stats, tasks, stop },
    )
}

/// How a connection ended.
enum End {
    Stop,
    Closed(String),
    Behind,
}

async fn run(
    c: Arc<Collector>,
    init: Arc<[u8]>,
    interval: u32,
    daemon: mpsc::Sender<Query>,
    mut stop: watch::Receiver<bool>,
) {
    let addr = c.stats.address;
    let mut backoff = BACKOFF_MIN;
    loop {
        if *stop.borrow() {
            return;
        }
        let connect = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(addr));
        let r = tokio::select! {
            r = connect => r,
            _ = stop.changed() => return,
        };
        match r {
            Ok(Ok(s)) => {
                info!(collector = %addr, "BMP collector connected");
                backoff = BACKOFF_MIN;
                let dropped = c.stats.dropped.load(Ordering::Relaxed);
                let end = connection(&c, s, &init, interval, &daemon, stop.clone()).await;
                c.set_live(None);
                c.stats.up.store(false, Ordering::Relaxed);
                let lost = c.stats.dropped.load(Ordering::Relaxed) - dropped;
                match end {
                    End::Stop => return,
                    End::Behind => {
                        c.stats.resets.fetch_add(1, Ordering::Relaxed);
                        warn!(collector = %addr, dropped = lost, "BMP collector fell behind: messages dropped, reconnecting for a fresh dump");
                    }
                    End::Closed(why) => {
                        warn!(collector = %addr, dropped = lost, "BMP collector connection closed: {why}")
                    }
                }
            }
            Ok(Err(e)) => debug!(collector = %addr, "BMP collector connection failed: {e}"),
            Err(_) => debug!(collector = %addr, "BMP collector connection timed out"),
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = stop.changed() => return,
        }
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

async fn connection(
    c: &Collector,
    s: TcpStream,
    init: &[u8],
    interval: u32,
    daemon: &mpsc::Sender<Query>,
    mut stop: watch::Receiver<bool>,
) -> End {
    let _ = s.set_nodelay(true);
    let (mut rd, mut wr) = s.into_split();
    let (tx, rx) = mpsc::channel(QUEUE);
    c.overflowed.store(false, Ordering::Release);
    // From here every change is queued; the dump below shows the table after it.
    c.set_live(Some(tx));
    // After the queue is in place: a change not offered for want of it happened before the
    // dump below, which shows it.
    c.stats.up.store(true, Ordering::Release);
    let mut stop2 = stop.clone();
    let dumping = AtomicBool::new(true);
    let work = async {
        write(&mut wr, init).await?;
        c.stats.sent.fetch_add(1, Ordering::Relaxed);
        let (peers, routes) = dump(c, &mut wr, daemon).await?;
        info!(collector = %c.stats.address, peers, routes, "BMP initial dump sent");
        dumping.store(false, Ordering::Release);
        live(c, &mut wr, rx, interval, daemon, &mut stop2).await
    };
    // Stopping during the dump ends the connection at once; once live, the loop itself
    // sends what is queued and the Termination.
    let stopped_dumping = async {
        stopped(&mut stop).await;
        if !dumping.load(Ordering::Acquire) {
            std::future::pending::<()>().await;
        }
    };
    // A collector sends nothing: reading only tells when it closes.
    let closed = async {
        let mut b = [0u8; 1024];
        loop {
            match rd.read(&mut b).await {
                Ok(0) => return "closed by the collector".to_string(),
                Err(e) => return e.to_string(),
                Ok(_) => {}
            }
        }
    };
    let behind = async {
        loop {
            c.overflow.notified().await;
            if c.overflowed.swap(false, Ordering::AcqRel) {
                return;
            }
        }
    };
    tokio::select! {
        r = work => r.unwrap_or_else(|e| e),
        why = closed => End::Closed(why),
        () = behind => End::Behind,
        () = stopped_dumping => End::Stop,
    }
}

async fn write(wr: &mut OwnedWriteHalf, b: &[u8]) -> Result<(), End> {
    match tokio::time::timeout(STALL, wr.write_all(b)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(End::Closed(e.to_string())),
        Err(_) => Err(End::Behind),
    }
}

/// Every session's Peer Up and routes: (sessions, routes).
async fn dump(
    c: &Collector,
    wr: &mut OwnedWriteHalf,
    daemon: &mpsc::Sender<Query>,
) -> Result<(usize, u64), End> {
    let (tx, rx) = oneshot::channel();
    if daemon.send(Query::Snapshot(tx)).await.is_err() {
        return Err(End::Stop);
    }
    let snap = rx.await.map_err(|_| End::Stop)?;
    let (mut peers, mut routes) = (0, 0);
    for p in &snap.peers {
        let (reply, rx) = oneshot::channel();
        if p.tx
            .send(Command::Api(ApiOp::BmpDump(reply)))
            .await
            .is_err()
        {
            continue;
        }
        let Ok(Ok(Some(d))) = tokio::time::timeout(Duration::from_secs(30), rx).await else {
            continue;
        };
        peers += 1;
        routes += d.routes.len() as u64;
        let PeerDump {
            peer_up,
            header,
            ctx,
            routes: mut table,
        } = d;
        sort(&mut table);
        let mut rest = table.as_slice();
        let mut buf = peer_up;
        let mut n = 1;
        let mut scratch = Vec::new();
        loop {
            n += render(&header, &ctx, &mut rest, &mut buf, &mut scratch);
            write(wr, &buf).await?;
            buf.clear();
            if rest.is_empty() {
                break;
            }
        }
        c.stats.sent.fetch_add(n, Ordering::Relaxed);
    }
    Ok((peers, routes))
}

/// One route of a [`PeerDump`].
type Route = (Family, Prefix, Arc<PathAttributes>);

/// Routes of one family and attribute set next to each other.
fn sort(routes: &mut [Route]) {
    routes.sort_by_key(|(f, _, a)| (f.afi.0, f.safi.0, Arc::as_ptr(a) as usize));
}

/// Append the first of the (sorted) routes in `rest` as Route Monitoring messages to `out`
/// until it holds [`CHUNK`] octets, and move `rest` past them: the messages appended. Routes
/// sharing an attribute set are packed into as few UPDATEs as fit; `scratch` holds these.
fn render(
    header: &PeerHeader,
    ctx: &Context,
    rest: &mut &[Route],
    out: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
) -> u64 {
    let mut count = 0;
    while let Some((f, _, a)) = rest.first() {
        if out.len() >= CHUNK {
            break;
        }
        let n = rest
            .iter()
            .take(4096)
            .take_while(|(g, _, b)| g == f && Arc::ptr_eq(a, b))
            .count();
        let (group, tail) = rest.split_at(n);
        *rest = tail;
        let prefixes: Vec<Prefix> = group.iter().map(|(_, p, _)| *p).collect();
        let mut attrs: Vec<Attribute> = a.attributes().to_vec();
        let next_hop = match a.next_hop() {
            Some(NextHop::Ipv4(v4)) if *f == Family::IPV4_UNICAST => {
                let at = attrs
                    .iter()
                    .position(|x| x.value.type_code() > 3)
                    .unwrap_or(attrs.len());
                attrs.insert(at, Attribute::new(AttrValue::NextHop(*v4)));
                None
            }
            Some(nh) => Some(nh.clone()),
            None if *f == Family::IPV4_UNICAST => None,
            // No next hop for an MP family: nothing to say the route with.
            None => continue,
        };
        let block = AttrBlock::new(&attrs, ctx);
        scratch.clear();
        if builder::announce(scratch, ctx, *f, next_hop.as_ref(), &block, &prefixes).is_err() {
            continue;
        }
        let mut at: &[u8] = scratch;
        while let Some(len) = at
            .get(16..18)
            .and_then(|l| <[u8; 2]>::try_from(l).ok())
            .map(|l| usize::from(u16::from_be_bytes(l)))
            .filter(|l| *l >= 19)
        {
            let Some((msg, tail)) = (at.len() >= len).then(|| at.split_at(len)) else {
                break;
            };
            at = tail;
            herald_bmp::route_monitoring(out, header, msg);
            count += 1;
        }
    }
    count
}

/// After the dump: queued messages as they come, Statistics Reports on time, and at the end
/// what is left in the queue and a Termination.
async fn live(
    c: &Collector,
    wr: &mut OwnedWriteHalf,
    mut rx: mpsc::Receiver<Arc<[u8]>>,
    interval: u32,
    daemon: &mpsc::Sender<Query>,
    stop: &mut watch::Receiver<bool>,
) -> Result<End, End> {
    let period = Duration::from_secs(u64::from(interval));
    let mut tick = (interval > 0)
        .then(|| tokio::time::interval_at(tokio::time::Instant::now() + period, period));
    let mut buf = Vec::with_capacity(CHUNK);
    loop {
        tokio::select! {
            m = rx.recv() => {
                let Some(m) = m else { return Ok(End::Stop) };
                buf.clear();
                buf.extend_from_slice(&m);
                let mut n = 1;
                while buf.len() < CHUNK {
                    match rx.try_recv() {
                        Ok(m) => {
                            buf.extend_from_slice(&m);
                            n += 1;
                        }
                        Err(_) => break,
                    }
                }
                write(wr, &buf).await?;
                c.stats.sent.fetch_add(n, Ordering::Relaxed);
            }
            _ = next_tick(&mut tick) => {
                // What is queued first: a session's Peer Up goes before its statistics.
                drain(c, wr, &mut rx).await?;
                let n = statistics(wr, daemon).await?;
                c.stats.sent.fetch_add(n, Ordering::Relaxed);
            }
            () = stopped(stop) => {
                // The peers have been stopped: their Peer Downs are in the queue.
                drain(c, wr, &mut rx).await?;
                let mut t = Vec::new();
                herald_bmp::termination_message(&mut t, &[
                    Tlv { kind: termination::REASON, value: termination::ADMINISTRATIVELY_CLOSED.to_be_bytes().to_vec() },
                    Tlv::text(termination::STRING, "herald is shutting down"),
                ]);
                write(wr, &t).await?;
                c.stats.sent.fetch_add(1, Ordering::Relaxed);
                let _ = wr.shutdown().await;
                info!(collector = %c.stats.address, "BMP Termination sent");
                return Ok(End::Stop);
            }
        }
    }
}

/// Until herald stops (the guard of `wait_for` is not kept across an await).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await.map(|_| ());
}

async fn next_tick(t: &mut Option<tokio::time::Interval>) {
    match t {
        Some(t) => {
            t.tick().await;
        }
        None => std::future::pending().await,
    }
}

async fn drain(
    c: &Collector,
    wr: &mut OwnedWriteHalf,
    rx: &mut mpsc::Receiver<Arc<[u8]>>,
) -> Result<(), End> {
    let mut buf = Vec::new();
    let mut n = 0;
    while let Ok(m) = rx.try_recv() {
        buf.extend_from_slice(&m);
        n += 1;
        if buf.len() >= CHUNK {
            write(wr, &buf).await?;
            buf.clear();
        }
    }
    write(wr, &buf).await?;
    c.stats.sent.fetch_add(n, Ordering::Relaxed);
    Ok(())
}

/// A Statistics Report for every established session: the number written.
async fn statistics(wr: &mut OwnedWriteHalf, daemon: &mpsc::Sender<Query>) -> Result<u64, End> {
    use herald_bmp::{stat, Stat};
    let (tx, rx) = oneshot::channel();
    if daemon.send(Query::Snapshot(tx)).await.is_err() {
        return Err(End::Stop);
    }
    let snap = rx.await.map_err(|_| End::Stop)?;
    let mut buf = Vec::new();
    let mut n = 0;
    for p in &snap.peers {
        let Some(s) = super::http::status_of(p).await else {
            continue;
        };
        let Some(neg) = &s.negotiated else { continue };
        let (secs, us) = now();
        let mut header = PeerHeader::global(p.address, neg.peer_as, neg.peer_id, secs, us);
        if !neg.asn4 {
            header.flags |= herald_bmp::flag::A;
        }
        let mut stats = vec![Stat::gauge(
            stat::ADJ_RIB_IN_ROUTES,
            s.routes_received as u64,
        )];
        for (f, k) in &s.received_by_family {
            stats.push(Stat::family_gauge(
                stat::ADJ_RIB_IN_FAMILY_ROUTES,
                f.afi.0,
                f.safi.0,
                *k as u64,
            ));
        }
        let taw = u32::try_from(s.counters.treat_as_withdraw).unwrap_or(u32::MAX);
        stats.push(Stat::counter(stat::TREAT_AS_WITHDRAW_UPDATES, taw));
        herald_bmp::statistics(&mut buf, &header, &stats);
        n += 1;
    }
    write(wr, &buf).await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collector(capacity: usize) -> (Collector, mpsc::Receiver<Arc<[u8]>>) {
        let (tx, rx) = mpsc::channel(capacity);
        let c = Collector {
            stats: Arc::new(CollectorStats {
                address: "127.0.0.1:1".parse().unwrap(),
                up: AtomicBool::new(true),
                sent: AtomicU64::new(0),
                dropped: AtomicU64::new(0),
                resets: AtomicU64::new(0),
            }),
            live: RwLock::new(Some(tx)),
            overflowed: AtomicBool::new(false),
            overflow: Notify::new(),
        };
        (c, rx)
    }

    /// A full queue never makes the peer task wait: the message is dropped, counted, and the
    /// connection is flagged to be reset.
    #[tokio::test]
    async fn a_full_queue_drops_counts_and_flags_the_collector() {
        let (c, mut rx) = collector(2);
        let m: Arc<[u8]> = Arc::from(vec![1u8]);
        for _ in 0..5 {
            c.offer(&m);
        }
        assert_eq!(c.stats.dropped.load(Ordering::Relaxed), 3);
        assert!(c.overflowed.load(Ordering::Acquire));
        tokio::time::timeout(Duration::from_secs(1), c.overflow.notified())
            .await
            .expect("the collector task is woken");
        assert!(rx.try_recv().is_ok() && rx.try_recv().is_ok() && rx.try_recv().is_err());
        // Disconnected: nothing is queued, nothing counted.
        c.set_live(None);
        c.offer(&m);
        assert_eq!(c.stats.dropped.load(Ordering::Relaxed), 3);
    }

    /// Routes sharing an attribute set go in one UPDATE; IPv4 routes carry NEXT_HOP, IPv6
    /// ones MP_REACH_NLRI; each UPDATE is one Route Monitoring message.
    #[test]
    fn a_dump_packs_routes_by_attribute_set() {
        use herald_wire::attr::{AsPath, Origin};
        use herald_wire::Message;
        let attrs = vec![
            Attribute::new(AttrValue::Origin(Origin::Igp)),
            Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![65001]))),
        ];
        let v4 = Arc::new(PathAttributes::new(
            &attrs,
            Some(NextHop::Ipv4("192.0.2.1".parse().unwrap())),
        ));
        let v6 = Arc::new(PathAttributes::new(
            &attrs,
            Some(NextHop::Ipv6("2001:db8::1".parse().unwrap())),
        ));
        let p = |s: &str| Prefix::new(s.parse().unwrap());
        let header = PeerHeader::global(
            "192.0.2.1".parse().unwrap(),
            65001,
            "192.0.2.1".parse().unwrap(),
            1,
            2,
        );
        let mut routes = vec![
            (Family::IPV4_UNICAST, p("10.0.0.0/8"), v4.clone()),
            (Family::IPV6_UNICAST, p("2001:db8::/32"), v6),
            (Family::IPV4_UNICAST, p("10.1.0.0/16"), v4),
        ];
        sort(&mut routes);
        let mut rest = routes.as_slice();
        let mut out = Vec::new();
        let n = render(
            &header,
            &Context::default(),
            &mut rest,
            &mut out,
            &mut Vec::new(),
        );
        assert_eq!(n, 2);
        assert!(rest.is_empty());
        let mut got = Vec::new();
        let mut b = out.as_slice();
        while let Ok(Some(len)) = herald_bmp::frame(b) {
            got.push(b[..len].to_vec());
            b = &b[len..];
        }
        assert_eq!(got.len(), 2);
        let mut prefixes = Vec::new();
        for m in &got {
            let herald_bmp::Message::RouteMonitoring { peer, update } =
                herald_bmp::Message::decode(m).unwrap()
            else {
                panic!("not route monitoring")
            };
            assert_eq!(peer.asn, 65001);
            let Message::Update(u) = Message::decode(&update, &Context::default()).unwrap() else {
                panic!("not an UPDATE")
            };
            prefixes.extend(u.nlri.iter().map(|p| p.net.to_string()));
            if let Some(r) = u.mp_reach() {
                if let herald_wire::NlriList::Prefixes(ps) = &r.nlri {
                    prefixes.extend(ps.iter().map(|p| p.net.to_string()));
                }
            }
        }
        prefixes.sort();
        assert_eq!(prefixes, ["10.0.0.0/8", "10.1.0.0/16", "2001:db8::/32"]);
    }
}
