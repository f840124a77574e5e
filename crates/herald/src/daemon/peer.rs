//! The per-peer task: the only glue between a socket, the timers and a [`Session`]. It makes no
//! protocol decisions itself; it performs the session's outputs, feeds it what arrives, and
//! streams the neighbor's routes once the session is established.
//!
//! Writes go through a dedicated writer task fed by an unbounded channel; the route dump is
//! produced in chunks only while fewer than [`WRITE_BACKLOG`] octets are queued, so memory stays
//! flat, a peer that stops reading only stalls itself, and timers (keepalives) are serviced
//! between chunks.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use herald_session::{Collision, Incoming, Output, Session};
use herald_wire::message::frame;
use herald_wire::notification::cease;
use herald_wire::{builder, Context, Family, Message, Notification, Open, Prefix};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, Notify};
use tracing::{debug, info, warn};

use super::events::Events;
use super::export::{self, Export, Prepared, SessionView};
use super::socket::{self, SocketOptions};

/// Octets queued for writing above which the route dump pauses.
pub const WRITE_BACKLOG: usize = 1 << 20;
/// Prefixes encoded per chunk of the route dump.
const CHUNK_PREFIXES: usize = 16384;

/// Commands to a peer task.
pub enum Command {
    /// An inbound connection from this peer's address.
    Incoming(TcpStream),
    /// The OPEN read from an inbound connection during collision detection, with the bytes
    /// read after it.
    IncomingOpen(TcpStream, Box<Open>, Vec<u8>),
    /// Replace the routes to announce: send the difference.
    Routes(Export),
    /// Send Cease with this subcode and shutdown communication, then end the task.
    Stop {
        /// Cease subcode.
        subcode: u8,
        /// RFC 8203 text.
        message: String,
        /// Told when the NOTIFICATION is written.
        done: oneshot::Sender<()>,
    },
}

/// How to reach and talk to a peer.
pub struct PeerSpec {
    /// For logs: the peer address.
    pub name: String,
    /// Peer address.
    pub address: IpAddr,
    /// Port to connect to.
    pub port: u16,
    /// Socket options.
    pub socket: SocketOptions,
    /// Only send End-of-RIB when asked.
    pub manual_eor: bool,
    /// The routes to announce.
    pub export: Export,
}

struct Conn {
    reader: OwnedReadHalf,
    writer: mpsc::UnboundedSender<Vec<u8>>,
    queued: Arc<AtomicUsize>,
    drained: Arc<Notify>,
    local: IpAddr,
    rbuf: Vec<u8>,
    writer_task: tokio::task::JoinHandle<()>,
}

impl Conn {
    fn new(stream: TcpStream) -> Conn {
        let local = stream
            .local_addr()
            .map(|a| a.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let _ = stream.set_nodelay(true);
        let (reader, mut w) = stream.into_split();
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let queued = Arc::new(AtomicUsize::new(0));
        let drained = Arc::new(Notify::new());
        let (q, d) = (queued.clone(), drained.clone());
        let writer_task = tokio::spawn(async move {
            while let Some(buf) = rx.recv().await {
                let n = buf.len();
                if w.write_all(&buf).await.is_err() {
                    break;
                }
                q.fetch_sub(n, Ordering::AcqRel);
                d.notify_one();
            }
            let _ = w.shutdown().await;
        });
        Conn {
            reader,
            writer: tx,
            queued,
            drained,
            local,
            rbuf: Vec::with_capacity(65536),
            writer_task,
        }
    }

    fn send(&self, buf: Vec<u8>) {
        self.queued.fetch_add(buf.len(), Ordering::AcqRel);
        if self.writer.send(buf).is_err() {
            debug!("write to a closed connection dropped");
        }
    }
}

/// Where the route dump is.
struct Dump {
    ctx: Context,
    prepared: Vec<Option<Prepared>>,
    group: usize,
    offset: usize,
    eor: Vec<Family>,
    sent: usize,
    started: Instant,
}

/// The peer task's state.
pub struct Peer {
    spec: PeerSpec,
    session: Session,
    conn: Option<Conn>,
    connecting: Option<tokio::task::JoinHandle<std::io::Result<TcpStream>>>,
    dump: Option<Dump>,
    view: Option<SessionView>,
    events: Events,
    self_tx: mpsc::Sender<Command>,
    received: HashSet<(Family, Prefix)>,
    stop_done: Option<oneshot::Sender<()>>,
    /// Writer and drain tasks of closed connections, still flushing a final NOTIFICATION and
    /// waiting for the peer to close.
    closing: Vec<tokio::task::JoinHandle<()>>,
}

fn now() -> Instant {
    Instant::now()
}

impl Peer {
    /// A peer task around `session`.
    pub fn new(
        spec: PeerSpec,
        session: Session,
        events: Events,
        self_tx: mpsc::Sender<Command>,
    ) -> Peer {
        Peer {
            spec,
            session,
            conn: None,
            connecting: None,
            dump: None,
            view: None,
            events,
            self_tx,
            received: HashSet::new(),
            stop_done: None,
            closing: Vec::new(),
        }
    }

    /// Run until stopped.
    pub async fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        self.session.start(now());
        loop {
            self.apply_outputs();
            if self.stop_done.is_some() && self.conn.is_none() {
                // Let the last NOTIFICATION reach the peer before reporting done.
                for h in std::mem::take(&mut self.closing) {
                    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), h).await;
                }
                if let Some(d) = self.stop_done.take() {
                    let _ = d.send(());
                }
                return;
            }
            let deadline = self
                .session
                .poll_timeout()
                .map(tokio::time::Instant::from_std);
            let dump_ready = self.dump.is_some() && self.conn.is_some();
            let (queued, drained) = match &self.conn {
                Some(c) => (c.queued.clone(), c.drained.clone()),
                None => (Arc::new(AtomicUsize::new(0)), Arc::new(Notify::new())),
            };
            tokio::select! {
                biased;
                cmd = rx.recv() => match cmd {
                    Some(c) => self.command(c),
                    None => {
                        self.session.stop(now(), cease::PEER_DECONFIGURED, "");
                        self.stop_done = Some(oneshot::channel().0);
                    }
                },
                _ = sleep_until(deadline), if deadline.is_some() => self.session.handle_timeout(now()),
                r = connect_result(&mut self.connecting), if self.connecting.is_some() => {
                    self.connecting = None;
                    match r {
                        Ok(stream) => {
                            info!(peer = %self.spec.name, "connected");
                            self.conn = Some(Conn::new(stream));
                            self.events.state(self.view_local(), "connected", None);
                            self.session.handle_connected(now());
                        }
                        Err(e) => {
                            debug!(peer = %self.spec.name, error = %e, "connect failed");
                            self.session.handle_connect_failed(now());
                        }
                    }
                }
                r = read_some(&mut self.conn) => self.on_read(r),
                _ = dump_permit(&queued, &drained), if dump_ready => self.dump_chunk(),
            }
        }
    }

    fn view_local(&self) -> Option<IpAddr> {
        self.conn.as_ref().map(|c| c.local)
    }

    fn command(&mut self, c: Command) {
        match c {
            Command::Incoming(stream) => match self.session.handle_incoming(now()) {
                Incoming::Accept => {
                    info!(peer = %self.spec.name, "accepted connection");
                    if let Some(h) = self.connecting.take() {
                        h.abort();
                    }
                    self.conn = Some(Conn::new(stream));
                    self.events.state(self.view_local(), "connected", None);
                }
                Incoming::ReadOpen => {
                    let tx = self.self_tx.clone();
                    tokio::spawn(read_open(stream, tx));
                }
                Incoming::Reject => {
                    debug!(peer = %self.spec.name, "rejected a second connection");
                    tokio::spawn(reject(
                        stream,
                        Notification::new(6, cease::CONNECTION_REJECTED, Vec::new()),
                    ));
                }
            },
            Command::IncomingOpen(stream, open, rest) => {
                match self.session.resolve_collision(now(), &open) {
                    Collision::KeepExisting => {
                        info!(peer = %self.spec.name, "collision: keeping the existing connection");
                        tokio::spawn(reject(
                            stream,
                            Notification::new(6, cease::COLLISION, Vec::new()),
                        ));
                    }
                    Collision::UseNew => {
                        info!(peer = %self.spec.name, "collision: moving to the peer's connection");
                        // Outputs for the old connection (NOTIFICATION, Close) come first.
                        self.apply_outputs_until_close();
                        let mut c = Conn::new(stream);
                        c.rbuf = rest;
                        self.conn = Some(c);
                    }
                }
            }
            Command::Routes(export) => self.set_routes(export),
            Command::Stop {
                subcode,
                message,
                done,
            } => {
                self.session.stop(now(), subcode, &message);
                self.stop_done = Some(done);
            }
        }
    }

    /// Apply outputs up to and including the first Close (collision: the old connection).
    fn apply_outputs_until_close(&mut self) {
        while let Some(o) = self.session.poll_output() {
            let close = o == Output::Close;
            self.apply(o);
            if close {
                return;
            }
        }
    }

    fn apply_outputs(&mut self) {
        while let Some(o) = self.session.poll_output() {
            self.apply(o);
        }
    }

    fn send_ctx(&self) -> Context {
        self.session
            .negotiated()
            .map(|n| n.send_context())
            .unwrap_or_default()
    }

    fn apply(&mut self, o: Output) {
        match o {
            Output::Connect => {
                let addr = SocketAddr::new(self.spec.address, self.spec.port);
                let opts = self.spec.socket.clone();
                debug!(peer = %self.spec.name, %addr, "connecting");
                self.connecting = Some(tokio::spawn(
                    async move { socket::connect(addr, &opts).await },
                ));
            }
            Output::Send(m) => {
                if let Some(c) = &self.conn {
                    let ctx = self.send_ctx();
                    if let Message::Notification(n) = &m {
                        warn!(peer = %self.spec.name, "sending NOTIFICATION {}", n.describe());
                    }
                    c.send(m.to_bytes(&ctx));
                }
            }
            Output::Close => {
                if let Some(h) = self.connecting.take() {
                    h.abort();
                }
                if let Some(c) = self.conn.take() {
                    // Dropping the sender lets the writer flush what is queued, then shut down;
                    // the read side is drained meanwhile, so that closing with unread data does
                    // not reset the connection and lose the NOTIFICATION just sent.
                    self.closing.retain(|h| !h.is_finished());
                    self.closing.push(c.writer_task);
                    self.closing.push(tokio::spawn(drain(c.reader)));
                }
                self.dump = None;
            }
            Output::StateChanged { from, to } => {
                info!(peer = %self.spec.name, from = from.name(), to = to.name(), "state");
            }
            Output::OpenReceived(open) => {
                debug!(peer = %self.spec.name, asn = open.asn(), id = %open.bgp_id, hold = open.hold_time, "OPEN received");
                self.events.message(
                    self.view_local(),
                    &Message::Open(*open),
                    &Context::default(),
                );
            }
            Output::Established(n) => {
                let local = self.view_local().unwrap_or(IpAddr::from([0, 0, 0, 0]));
                let families: Vec<String> = n.families.iter().map(|f| f.to_string()).collect();
                info!(peer = %self.spec.name, peer_as = n.peer_as, families = %families.join(", "), hold = n.hold_time, "established");
                let view = SessionView {
                    local_as: self.session.config().local_as,
                    local_address: local,
                    negotiated: *n,
                };
                self.events.established(&view);
                self.view = Some(view);
                self.received.clear();
                self.start_dump();
            }
            Output::Down(reason) => {
                let why = match &reason {
                    herald_session::DownReason::NotificationSent(n) => {
                        format!("sent {}", n.describe())
                    }
                    herald_session::DownReason::NotificationReceived(n) => {
                        format!("received {}", n.describe())
                    }
                    herald_session::DownReason::ConnectionClosed => "connection closed".to_string(),
                };
                match &reason {
                    herald_session::DownReason::NotificationReceived(n) => {
                        warn!(peer = %self.spec.name, "received NOTIFICATION {}", n.describe());
                        self.events.message(
                            self.view_local(),
                            &Message::Notification(n.clone()),
                            &Context::default(),
                        );
                    }
                    herald_session::DownReason::NotificationSent(_)
                    | herald_session::DownReason::ConnectionClosed => {}
                }
                warn!(peer = %self.spec.name, reason = %why, "session down");
                self.events.state(self.view_local(), "down", Some(&why));
                self.view = None;
                self.dump = None;
                self.received.clear();
            }
            Output::Update(u) => {
                if let Some(f) = u.end_of_rib() {
                    info!(peer = %self.spec.name, family = %f, routes = self.received.len(), "End-of-RIB received");
                }
                if let Some(a) = u.action() {
                    warn!(peer = %self.spec.name, action = ?a, errors = ?u.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(), "malformed UPDATE (RFC 7606)");
                }
                self.track(&u);
                let ctx = self
                    .session
                    .negotiated()
                    .map(|n| n.receive_context())
                    .unwrap_or_default();
                self.events
                    .message(self.view_local(), &Message::Update(*u), &ctx);
            }
            Output::RouteRefresh(r) => {
                info!(peer = %self.spec.name, family = %r.family, "route refresh requested");
                self.start_dump();
            }
            Output::Notification { sent, notification } => {
                if !sent {
                    warn!(peer = %self.spec.name, "received NOTIFICATION {}", notification.describe());
                    self.events.message(
                        self.view_local(),
                        &Message::Notification(notification),
                        &Context::default(),
                    );
                }
            }
        }
    }

    /// Keep the set of prefixes the peer announced (treat-as-withdraw honoured).
    fn track(&mut self, u: &herald_wire::Update) {
        let withdraw_all = matches!(u.action(), Some(herald_wire::Action::TreatAsWithdraw));
        for p in &u.withdrawn {
            self.received.remove(&(Family::IPV4_UNICAST, *p));
        }
        if let Some(m) = u.mp_unreach() {
            for p in m.nlri.prefixes() {
                self.received.remove(&(m.family, *p));
            }
        }
        let mut add = |f: Family, p: &Prefix| {
            if withdraw_all {
                self.received.remove(&(f, *p));
            } else {
                self.received.insert((f, *p));
            }
        };
        for p in &u.nlri {
            add(Family::IPV4_UNICAST, p);
        }
        if let Some(m) = u.mp_reach() {
            for p in m.nlri.prefixes() {
                add(m.family, p);
            }
        }
    }

    fn on_read(&mut self, r: std::io::Result<usize>) {
        match r {
            Ok(0) | Err(_) => {
                if let Err(e) = &r {
                    debug!(peer = %self.spec.name, error = %e, "read error");
                }
                self.conn = None;
                self.dump = None;
                self.session.handle_closed(now());
            }
            Ok(_) => self.process_buffer(),
        }
    }

    /// Decode every whole message in the read buffer, applying outputs between messages (the
    /// OPEN changes how the next ones decode).
    fn process_buffer(&mut self) {
        let mut consumed = 0;
        loop {
            let Some(c) = &self.conn else { return };
            let ctx = self
                .session
                .negotiated()
                .map(|n| n.receive_context())
                .unwrap_or_default();
            let buf = c.rbuf.get(consumed..).unwrap_or_default();
            match frame(buf, ctx.max_message_len) {
                Ok(None) => break,
                Ok(Some(f)) => {
                    let msg = buf.get(..f.len).unwrap_or_default();
                    match Message::decode(msg, &ctx) {
                        Ok(m) => self.session.handle_message(now(), m),
                        Err(e) => {
                            warn!(peer = %self.spec.name, error = %e, "malformed message");
                            self.session.handle_decode_error(now(), &e);
                        }
                    }
                    consumed += f.len;
                    self.apply_outputs();
                }
                Err(e) => {
                    warn!(peer = %self.spec.name, error = %e, "malformed message header");
                    self.session.handle_decode_error(now(), &e);
                    self.apply_outputs();
                    return;
                }
            }
        }
        if let Some(c) = &mut self.conn {
            c.rbuf.drain(..consumed.min(c.rbuf.len()));
        }
    }

    fn start_dump(&mut self) {
        let Some(view) = &self.view else { return };
        let ctx = view.negotiated.send_context();
        let prepared = self
            .spec
            .export
            .groups
            .iter()
            .map(|g| match export::prepare(&g.key, view, &ctx) {
                Ok(p) => Some(p),
                Err(why) => {
                    warn!(peer = %self.spec.name, routes = g.prefixes.len(), "not announcing: {why}");
                    None
                }
            })
            .collect();
        let eor = if self.spec.manual_eor {
            Vec::new()
        } else {
            view.negotiated.families.clone()
        };
        self.dump = Some(Dump {
            ctx,
            prepared,
            group: 0,
            offset: 0,
            eor,
            sent: 0,
            started: Instant::now(),
        });
    }

    fn dump_chunk(&mut self) {
        let (Some(d), Some(c)) = (&mut self.dump, &self.conn) else {
            return;
        };
        let mut out = Vec::with_capacity(CHUNK_PREFIXES * 5);
        let mut budget = CHUNK_PREFIXES;
        while budget > 0 {
            let Some(g) = self.spec.export.groups.get(d.group) else {
                break;
            };
            let rest = g.prefixes.get(d.offset..).unwrap_or_default();
            let take = rest.len().min(budget);
            if let (Some(Some(p)), Some(slice)) = (d.prepared.get(d.group), rest.get(..take)) {
                if let Err(why) = export::announce(&mut out, &d.ctx, p, slice) {
                    warn!(peer = %self.spec.name, "not announcing: {why}");
                }
                d.sent += take;
            }
            budget -= take;
            d.offset += take;
            if d.offset >= g.prefixes.len() {
                d.group += 1;
                d.offset = 0;
            }
        }
        let finished = d.group >= self.spec.export.groups.len();
        if finished {
            for f in &d.eor {
                builder::end_of_rib(&mut out, *f);
            }
            info!(peer = %self.spec.name, routes = d.sent, elapsed_ms = d.started.elapsed().as_millis() as u64, "initial routes sent");
        }
        if !out.is_empty() {
            c.send(out);
        }
        if finished {
            self.dump = None;
        }
    }

    /// New routes from a reload: withdraw what went away, announce what is new or changed.
    fn set_routes(&mut self, export: Export) {
        let old: HashSet<(Family, Prefix, &export::GroupKey)> = self
            .spec
            .export
            .groups
            .iter()
            .flat_map(|g| g.prefixes.iter().map(move |p| (g.key.family, *p, &g.key)))
            .collect();
        let new_keys: HashSet<(Family, Prefix)> = export
            .groups
            .iter()
            .flat_map(|g| g.prefixes.iter().map(move |p| (g.key.family, *p)))
            .collect();
        let mut withdraw: Vec<(Family, Prefix)> = old
            .iter()
            .filter(|(f, p, _)| !new_keys.contains(&(*f, *p)))
            .map(|(f, p, _)| (*f, *p))
            .collect();
        withdraw.sort();
        let mut changed = Export::default();
        for g in &export.groups {
            let fresh: Vec<Prefix> = g
                .prefixes
                .iter()
                .filter(|p| !old.contains(&(g.key.family, **p, &g.key)))
                .copied()
                .collect();
            if !fresh.is_empty() {
                changed.groups.push(export::Group {
                    key: g.key.clone(),
                    prefixes: fresh,
                });
            }
        }
        info!(peer = %self.spec.name, announce = changed.len(), withdraw = withdraw.len(), "routes changed");
        if let (Some(view), Some(c)) = (&self.view, &self.conn) {
            if self.dump.is_none() {
                let ctx = view.negotiated.send_context();
                let mut out = Vec::new();
                let mut by_family: std::collections::BTreeMap<Family, Vec<Prefix>> =
                    Default::default();
                for (f, p) in withdraw {
                    by_family.entry(f).or_default().push(p);
                }
                for (f, ps) in by_family {
                    if view.negotiated.families.contains(&f) {
                        builder::withdraw(&mut out, &ctx, f, &ps);
                    }
                }
                for g in &changed.groups {
                    match export::prepare(&g.key, view, &ctx) {
                        Ok(p) => {
                            if let Err(why) = export::announce(&mut out, &ctx, &p, &g.prefixes) {
                                warn!(peer = %self.spec.name, "not announcing: {why}");
                            }
                        }
                        Err(why) => warn!(peer = %self.spec.name, "not announcing: {why}"),
                    }
                }
                if !out.is_empty() {
                    c.send(out);
                }
                self.spec.export = export;
                return;
            }
        }
        // Not established, or a dump is running: the next dump sends the new table.
        self.spec.export = export;
        if self.dump.is_some() {
            self.start_dump();
        }
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

async fn connect_result(
    h: &mut Option<tokio::task::JoinHandle<std::io::Result<TcpStream>>>,
) -> std::io::Result<TcpStream> {
    match h {
        Some(h) => match h.await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        },
        None => std::future::pending().await,
    }
}

async fn read_some(conn: &mut Option<Conn>) -> std::io::Result<usize> {
    match conn {
        Some(c) => {
            if c.rbuf.capacity() - c.rbuf.len() < 4096 {
                c.rbuf.reserve(65536);
            }
            c.reader.read_buf(&mut c.rbuf).await
        }
        None => std::future::pending().await,
    }
}

async fn dump_permit(queued: &AtomicUsize, drained: &Notify) {
    while queued.load(Ordering::Acquire) >= WRITE_BACKLOG {
        drained.notified().await;
    }
}

/// Read the OPEN of an inbound connection during collision detection (30 s at most).
async fn read_open(mut stream: TcpStream, tx: mpsc::Sender<Command>) {
    let mut buf = Vec::with_capacity(4096);
    let res = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        loop {
            if let Ok(Some(f)) = frame(&buf, 4096) {
                return Some(f.len);
            }
            if frame(&buf, 4096).is_err() {
                return None;
            }
            match stream.read_buf(&mut buf).await {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    })
    .await;
    if let Ok(Some(len)) = res {
        if let Some(Ok(Message::Open(open))) = buf
            .get(..len)
            .map(|m| Message::decode(m, &Context::default()))
        {
            let rest = buf.get(len..).unwrap_or_default().to_vec();
            let _ = tx
                .send(Command::IncomingOpen(stream, Box::new(open), rest))
                .await;
        }
    }
}

/// Send `n` on a connection we refuse, then close it.
pub async fn reject(mut stream: TcpStream, n: Notification) {
    let _ = stream
        .write_all(&Message::Notification(n).to_bytes(&Context::default()))
        .await;
    let _ = stream.shutdown().await;
    // Read what the peer already sent (its OPEN) until it closes, so that our close is not a
    // reset that could discard the NOTIFICATION before the peer reads it.
    drain(stream).await;
}

/// Read and discard until the peer closes, for at most a few seconds (a lingering close).
async fn drain(mut r: impl tokio::io::AsyncRead + Unpin) {
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(std::time::Duration::from_secs(3), async {
        while let Ok(n) = r.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}
