//! The per-peer task: the only glue between a socket, the timers and a [`Session`]. It makes no
//! protocol decisions itself; it performs the session's outputs, feeds it what arrives, keeps
//! the peer's Adj-RIB-In, and sends the peer's Adj-RIB-Out (configuration and API routes).
//!
//! Writes go through a dedicated writer task; the route dump is produced in chunks only while
//! fewer than [`WRITE_BACKLOG`] octets are queued, so memory stays flat and timers (keepalives)
//! are serviced between chunks. Route changes (API commands, reloads) that arrive during a dump
//! are applied when it ends, so none is lost and the dump never sees a table changing under it.

mod bmp;
mod routes;
mod show;
mod vpn;

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use herald_config::Route;
use herald_rib::{AdjRibIn, LimitState, LimitTracker, PrefixLimit};
use herald_session::{Collision, Incoming, Output, Session};
use herald_wire::message::frame;
use herald_wire::notification::cease;
use herald_wire::{Context, Family, Message, Notification, Open};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, Notify};
use tracing::{debug, info, warn};

use super::events::Events;
use super::export::{Export, SessionView};
use super::socket::{self, SocketOptions};

pub use show::{family_words, NeighborStatus, PrefixFilter, PrefixMatch, RibPage, RibQuery};

/// Octets queued for writing above which the route dump pauses.
pub const WRITE_BACKLOG: usize = 1 << 20;
/// Most octets waiting for one peer's socket (route changes from programs are not paced like
/// the dump): past it the peer is not reading fast enough to keep, and its connection is given
/// up as a stalled one is.
pub const MAX_PENDING_OUTPUT: usize = 256 << 20;
/// Commands taken from the channel before pending route changes are sent.
const COMMAND_BATCH: usize = 256;

/// What a program asks of one peer.
pub enum ApiOp {
    /// Announce (`true`) or withdraw (`false`) routes, shared by every peer they go to.
    Routes(Arc<Vec<(bool, Route)>>),
    /// Send End-of-RIB for a family, or for every negotiated family.
    Eor(Option<Family>),
    /// Send a ROUTE-REFRESH for a family.
    RouteRefresh(Family),
    /// Send the whole Adj-RIB-Out again.
    FlushOut,
    /// Forget the Adj-RIB-In.
    ClearIn,
    /// Withdraw everything in the Adj-RIB-Out.
    ClearOut,
    /// Cease with this subcode and reconnect.
    Teardown {
        /// Cease subcode.
        subcode: u8,
        /// RFC 8203 text.
        message: String,
    },
    /// Announce or withdraw the configuration routes tagged `watchdog NAME`.
    Watchdog {
        /// The watchdog.
        name: String,
        /// Announce (true) or withdraw.
        announce: bool,
    },
    /// The neighbor's state and counters.
    Status(oneshot::Sender<NeighborStatus>),
    /// One page of the routes of the Adj-RIB-In or Adj-RIB-Out, as lines.
    Rib(RibQuery, oneshot::Sender<RibPage>),
    /// One page of the IPv4/IPv6 unicast Adj-RIB-In as TABLE_DUMP_V2 entries need it, and
    /// whether more follow.
    TableDump {
        /// Routes to pass over.
        skip: usize,
        /// Routes at most.
        limit: usize,
        /// The answer.
        reply: oneshot::Sender<(Vec<crate::daemon::mrt::TableRoute>, bool)>,
    },
    /// The session's Peer Up and Adj-RIB-In for a BMP collector; `None` while not established.
    BmpDump(oneshot::Sender<Option<crate::daemon::bmp::PeerDump>>),
}

/// Commands to a peer task.
pub enum Command {
    /// An inbound connection from this peer's address.
    Incoming(TcpStream),
    /// The OPEN read from an inbound connection during collision detection, with the bytes
    /// read after it.
    IncomingOpen(TcpStream, Box<Open>, Vec<u8>),
    /// The configuration's routes changed (reload): send the difference.
    Routes(Export, super::export::Watchdogs),
    /// A program's command.
    Api(ApiOp),
    /// New event subscriptions (reload).
    Events(Vec<super::events::Sub>),
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
    /// Made for one address of a range neighbor: the task ends with its session (the next
    /// connection from that address gets a task of its own).
    pub dynamic: bool,
    /// Peer address.
    pub address: IpAddr,
    /// Port to connect to.
    pub port: u16,
    /// Socket options.
    pub socket: SocketOptions,
    /// Only send End-of-RIB when asked.
    pub manual_eor: bool,
    /// The configuration's routes to announce.
    pub export: Export,
    /// Configuration routes tagged with a watchdog, by watchdog name.
    pub watchdogs: super::export::Watchdogs,
    /// Keep the routes received (`adj-rib-in`).
    pub adj_rib_in: bool,
    /// Pack routes that share attributes into one UPDATE (`group-updates`, true by default);
    /// false sends one UPDATE per route, as ExaBGP does.
    pub group_updates: bool,
    /// Keep program routes across a session reset (`adj-rib-out`).
    pub adj_rib_out: bool,
    /// Per-family prefix limits.
    pub limits: Vec<(Family, PrefixLimit)>,
    /// What `show neighbor configuration` prints.
    pub description: Vec<(String, String)>,
    /// Where state changes are told (the HTTP API's event stream); sending never waits.
    pub states: tokio::sync::broadcast::Sender<StateChange>,
    /// The MRT updates dump (`mrt.updates`), if on: messages received and state changes.
    pub mrt: Option<Arc<crate::daemon::mrt::Tap>>,
    /// The BMP collectors (`bmp.collectors`), if any: Peer Up/Down and UPDATEs received.
    pub bmp: Option<Arc<crate::daemon::bmp::Tap>>,
    /// The VPN task's feed (`vpn { }`), if the VPN role runs: session state changes and the
    /// routes of the VPN families received.
    pub vpn: Option<crate::daemon::vpn::Feed>,
}

/// A neighbor's FSM moved.
#[derive(Clone, Debug)]
pub struct StateChange {
    /// The neighbor (its configuration key).
    pub neighbor: String,
    /// The state it left.
    pub from: &'static str,
    /// The state it entered.
    pub to: &'static str,
}

struct Conn {
    reader: OwnedReadHalf,
    writer: mpsc::UnboundedSender<Vec<u8>>,
    queued: Arc<AtomicUsize>,
    drained: Arc<Notify>,
    local: IpAddr,
    /// Local and remote TCP ports.
    ports: (u16, u16),
    rbuf: Vec<u8>,
    writer_task: tokio::task::JoinHandle<()>,
    /// Told when the writer gave up: a write error, or `stall` without any byte taken.
    write_failed: Arc<Notify>,
    /// Most octets queued for the writer ([`MAX_PENDING_OUTPUT`]).
    limit: usize,
}

impl Conn {
    /// `stall`: how long a write may make no progress before the connection is given up (a
    /// peer that stops reading must not hold a task, a socket and its queue forever).
    fn new(stream: TcpStream, stall: Duration) -> Conn {
        Self::with_limit(stream, stall, MAX_PENDING_OUTPUT)
    }

    fn with_limit(stream: TcpStream, stall: Duration, limit: usize) -> Conn {
        let local = stream
            .local_addr()
            .map(|a| a.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let ports = (
            stream.local_addr().map_or(0, |a| a.port()),
            stream.peer_addr().map_or(0, |a| a.port()),
        );
        let _ = stream.set_nodelay(true);
        let (reader, mut w) = stream.into_split();
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let queued = Arc::new(AtomicUsize::new(0));
        let drained = Arc::new(Notify::new());
        let write_failed = Arc::new(Notify::new());
        let (q, d, failed) = (queued.clone(), drained.clone(), write_failed.clone());
        let writer_task = tokio::spawn(async move {
            while let Some(buf) = rx.recv().await {
                let mut at = 0;
                while let Some(rest) = buf.get(at..).filter(|r| !r.is_empty()) {
                    match tokio::time::timeout(stall, w.write(rest)).await {
                        Ok(Ok(n)) if n > 0 => at += n,
                        _ => {
                            failed.notify_one();
                            return;
                        }
                    }
                }
                q.fetch_sub(buf.len(), Ordering::AcqRel);
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
            ports,
            rbuf: Vec::with_capacity(65536),
            writer_task,
            write_failed,
            limit,
        }
    }

    fn send(&self, buf: Vec<u8>) {
        let before = self.queued.fetch_add(buf.len(), Ordering::AcqRel);
        if before > self.limit {
            // Bounded memory per peer: the reader task sees the failure and drops the session.
            self.queued.fetch_sub(buf.len(), Ordering::AcqRel);
            self.write_failed.notify_one();
            return;
        }
        if self.writer.send(buf).is_err() {
            debug!("write to a closed connection dropped");
        }
    }
}

/// Counters for `show neighbor`.
#[derive(Clone, Debug, Default)]
pub struct Counters {
    /// Messages received, by type code (index 0 unused).
    pub received: [u64; 6],
    /// Messages sent, by type code (index 0 unused).
    pub sent: [u64; 6],
    /// NOTIFICATIONs sent, by error code (index 0: codes past 7).
    pub notifications_sent: [u64; 8],
    /// NOTIFICATIONs received, by error code (index 0: codes past 7).
    pub notifications_received: [u64; 8],
    /// Times the session was established.
    pub established: u64,
    /// UPDATEs whose routes were withdrawn for a malformed attribute (RFC 7606).
    pub treat_as_withdraw: u64,
}

impl Counters {
    /// Count the messages in `bytes` (whole messages, as herald writes them) by type.
    fn count_sent(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while let (Some(len), Some(t)) = (
            rest.get(16..18)
                .and_then(|l| <[u8; 2]>::try_from(l).ok())
                .map(|l| usize::from(u16::from_be_bytes(l))),
            rest.get(18),
        ) {
            if let Some(c) = self.sent.get_mut(usize::from(*t)) {
                *c += 1;
            }
            if len < 19 {
                break;
            }
            rest = rest.get(len..).unwrap_or_default();
        }
    }

    fn count_notification(&mut self, sent: bool, code: u8) {
        let i = if code < 8 { usize::from(code) } else { 0 };
        let v = if sent {
            &mut self.notifications_sent
        } else {
            &mut self.notifications_received
        };
        if let Some(c) = v.get_mut(i) {
            *c += 1;
        }
    }
}

/// The peer task's state.
pub struct Peer {
    spec: PeerSpec,
    session: Session,
    conn: Option<Conn>,
    connecting: Option<tokio::task::JoinHandle<std::io::Result<TcpStream>>>,
    view: Option<SessionView>,
    events: Events,
    self_tx: mpsc::Sender<Command>,
    out: routes::Out,
    rib_in: AdjRibIn,
    limits: LimitTracker,
    /// Graceful restart helper (RFC 4724 §4.2): stale routes are dropped at this time.
    stale_deadline: Option<tokio::time::Instant>,
    /// Restart the session at this time (prefix limit with a restart delay).
    restart_at: Option<tokio::time::Instant>,
    counters: Counters,
    up_since: Option<Instant>,
    stop_done: Option<oneshot::Sender<()>>,
    /// Writer and drain tasks of closed connections, still flushing a final NOTIFICATION and
    /// waiting for the peer to close.
    closing: Vec<tokio::task::JoinHandle<()>>,
    /// The OPENs exchanged, for BMP's Peer Up.
    opens: bmp::Opens,
}

fn now() -> Instant {
    Instant::now()
}

impl Peer {
    /// A peer task around `session`.
    pub fn new(
        mut spec: PeerSpec,
        session: Session,
        events: Events,
        self_tx: mpsc::Sender<Command>,
    ) -> Peer {
        let export = std::mem::take(&mut spec.export);
        let limits = LimitTracker::new();
        Peer {
            out: routes::Out::new(
                spec.name.clone(),
                export,
                spec.group_updates,
                spec.adj_rib_out,
            ),
            spec,
            session,
            conn: None,
            connecting: None,
            view: None,
            events,
            self_tx,
            rib_in: AdjRibIn::new(),
            limits,
            stale_deadline: None,
            restart_at: None,
            counters: Counters::default(),
            up_since: None,
            stop_done: None,
            closing: Vec::new(),
            opens: bmp::Opens::default(),
        }
    }

    /// Run until stopped.
    pub async fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        self.vpn_added();
        self.session.start(now());
        loop {
            self.apply_outputs();
            self.flush_routes();
            if self.stop_done.is_some() && self.conn.is_none() {
                // Let the last NOTIFICATION reach the peer before reporting done.
                for mut h in std::mem::take(&mut self.closing) {
                    if tokio::time::timeout(Duration::from_secs(2), &mut h)
                        .await
                        .is_err()
                    {
                        h.abort();
                    }
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
            let dump_ready = self.out.dumping() && self.conn.is_some();
            let (queued, drained) = match &self.conn {
                Some(c) => (c.queued.clone(), c.drained.clone()),
                None => (Arc::new(AtomicUsize::new(0)), Arc::new(Notify::new())),
            };
            // Events for the VPN task wait for room in its channel (never blocking this task).
            let vpn_waiting = self
                .spec
                .vpn
                .as_ref()
                .filter(|f| f.pending())
                .map(|f| f.sender());
            // Not biased: a flood of commands must not starve reads and timers (keepalives),
            // nor a flood of UPDATEs the commands.
            tokio::select! {
                cmd = rx.recv() => match cmd {
                    Some(c) => {
                        self.command(c);
                        // Take what else is waiting, so that routes from many commands go out
                        // packed in few UPDATEs.
                        for _ in 0..COMMAND_BATCH {
                            match rx.try_recv() {
                                Ok(c) => self.command(c),
                                Err(_) => break,
                            }
                        }
                    }
                    None => {
                        self.session.stop(now(), cease::PEER_DECONFIGURED, "");
                        self.stop_done = Some(oneshot::channel().0);
                    }
                },
                _ = sleep_until(deadline), if deadline.is_some() => self.session.handle_timeout(now()),
                _ = sleep_until(self.stale_deadline), if self.stale_deadline.is_some() => {
                    self.stale_deadline = None;
                    let n = self.rib_in.sweep_stale(None);
                    info!(peer = %self.spec.name, routes = n, "graceful restart: stale routes removed (restart time over)");
                }
                _ = sleep_until(self.restart_at), if self.restart_at.is_some() => {
                    self.restart_at = None;
                    info!(peer = %self.spec.name, "restarting after the prefix limit delay");
                    self.session.start(now());
                }
                r = connect_result(&mut self.connecting), if self.connecting.is_some() => {
                    self.connecting = None;
                    match r {
                        Ok(stream) => {
                            info!(peer = %self.spec.name, "connected");
                            self.conn = Some(Conn::new(stream, self.write_stall()));
                            self.events.state(self.view_local(), "connected", None);
                            self.session.handle_connected(now());
                        }
                        Err(e) => {
                            info!(peer = %self.spec.name, error = %e, "connect failed");
                            self.session.handle_connect_failed(now());
                        }
                    }
                }
                r = read_some(&mut self.conn) => self.on_read(r),
                _ = dump_permit(&queued, &drained), if dump_ready => self.dump_chunk(),
                permit = vpn::room(vpn_waiting.clone()), if vpn_waiting.is_some() => {
                    if let Some(f) = &mut self.spec.vpn {
                        f.send_reserved(permit);
                    }
                }
            }
        }
    }

    /// How long a write may take no byte before the connection is given up: the hold time
    /// (at least 3 s), or 90 s without a hold timer.
    fn write_stall(&self) -> Duration {
        match self.session.config().hold_time {
            0 => Duration::from_secs(90),
            h => Duration::from_secs(u64::from(h.max(3))),
        }
    }

    fn view_local(&self) -> Option<IpAddr> {
        self.conn.as_ref().map(|c| c.local)
    }

    fn command(&mut self, c: Command) {
        match c {
            // GTSM (RFC 5082) and the outgoing TTL apply to connections the peer opens too; a
            // connection they cannot be applied to is not used.
            Command::Incoming(stream) if socket::accepted(&stream, &self.spec.socket).is_err() => {
                warn!(peer = %self.spec.name, "cannot apply incoming-ttl/outgoing-ttl to the peer's connection: closed");
            }
            Command::Incoming(stream) => match self.session.handle_incoming(now()) {
                Incoming::Accept => {
                    info!(peer = %self.spec.name, "accepted connection");
                    if let Some(h) = self.connecting.take() {
                        h.abort();
                    }
                    self.conn = Some(Conn::new(stream, self.write_stall()));
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
                        let mut c = Conn::new(stream, self.write_stall());
                        c.rbuf = rest;
                        self.conn = Some(c);
                    }
                }
            }
            Command::Routes(export, watchdogs) => {
                self.spec.watchdogs = watchdogs;
                self.out.config(export);
            }
            Command::Api(op) => self.api(op),
            Command::Events(subs) => self.events.set_subs(subs),
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

    fn api(&mut self, op: ApiOp) {
        match op {
            ApiOp::Routes(r) => self.out.routes(r),
            ApiOp::Watchdog { name, announce } => match self.spec.watchdogs.get(&name) {
                Some(routes) => {
                    let changes: Vec<(bool, Route)> =
                        routes.iter().map(|r| (announce, r.clone())).collect();
                    self.out.watchdog(Arc::new(changes));
                }
                None => {
                    debug!(peer = %self.spec.name, watchdog = %name, "no route with this watchdog")
                }
            },
            ApiOp::Eor(f) => {
                let (Some(view), Some(_)) = (&self.view, &self.conn) else {
                    return;
                };
                // As ExaBGP: without a family, IPv4 unicast. After the routes the program sent
                // before it (they are still waiting to be flushed, or behind a dump).
                let fam = f.unwrap_or(Family::IPV4_UNICAST);
                let bytes = self.out.end_of_rib(&self.spec.name, view, fam);
                self.send_bytes(bytes);
            }
            ApiOp::RouteRefresh(f) => {
                let (Some(view), Some(c)) = (&self.view, &self.conn) else {
                    return;
                };
                if !view.negotiated.route_refresh {
                    warn!(peer = %self.spec.name, "route-refresh not negotiated: not sent");
                    return;
                }
                let m = Message::RouteRefresh(herald_wire::RouteRefresh {
                    family: f,
                    subtype: herald_wire::route_refresh::RefreshSubtype::Request,
                });
                c.send(m.to_bytes(&view.negotiated.send_context()));
            }
            // As ExaBGP: the routes again, without End-of-RIB.
            ApiOp::FlushOut => self.start_dump_eor(None, false),
            ApiOp::ClearIn => self.rib_in.clear(),
            ApiOp::ClearOut => self.out.clear(),
            ApiOp::Teardown { subcode, message } => {
                let n = Notification::cease_with_message(subcode, &message);
                self.session.cease(now(), n, false);
            }
            ApiOp::Status(reply) => {
                let _ = reply.send(self.status());
            }
            ApiOp::Rib(q, reply) => {
                let _ = reply.send(self.rib_page(&q));
            }
            ApiOp::TableDump { skip, limit, reply } => {
                let _ = reply.send(self.table_page(skip, limit));
            }
            ApiOp::BmpDump(reply) => {
                let _ = reply.send(self.bmp_dump());
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

    /// The session as MRT records name it.
    fn mrt_session(&self) -> herald_mrt::writer::Session {
        herald_mrt::writer::Session {
            peer_as: self
                .view
                .as_ref()
                .map(|v| v.negotiated.peer_as)
                .or(self.session.config().peer_as)
                .unwrap_or(0),
            local_as: self.session.config().local_as,
            peer_ip: self.spec.address,
            local_ip: self
                .conn
                .as_ref()
                .map(|c| c.local)
                .or(self.spec.socket.local)
                .unwrap_or(IpAddr::from([0, 0, 0, 0])),
        }
    }

    fn send_ctx(&self) -> Context {
        self.session
            .negotiated()
            .map(|n| n.send_context())
            .unwrap_or_default()
    }

    fn send_bytes(&mut self, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        if let Some(c) = &self.conn {
            if self.events.wants_sent() {
                let ctx = self.send_ctx();
                self.events.sent(Some(c.local), &bytes, &ctx);
            }
            self.counters.count_sent(&bytes);
            c.send(bytes);
        }
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
                if self.conn.is_some() {
                    let ctx = self.send_ctx();
                    if let Message::Notification(n) = &m {
                        warn!(peer = %self.spec.name, "sending NOTIFICATION {}", n.describe());
                    }
                    let bytes = m.to_bytes(&ctx);
                    if let Message::Open(_) = &m {
                        self.bmp_open_sent(&bytes);
                    }
                    self.send_bytes(bytes);
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
                    let mut w = c.writer_task;
                    self.closing.push(tokio::spawn(async move {
                        if tokio::time::timeout(Duration::from_secs(5), &mut w)
                            .await
                            .is_err()
                        {
                            w.abort();
                        }
                    }));
                    self.closing.push(tokio::spawn(drain(c.reader)));
                }
                self.out.session_down();
            }
            Output::StateChanged { from, to } => {
                info!(peer = %self.spec.name, from = from.name(), to = to.name(), "state");
                self.vpn_state(from.name(), to.name());
                if let Some(t) = &self.spec.mrt {
                    t.state(&self.mrt_session(), from.name(), to.name());
                }
                // No receiver (no HTTP client listening) is not an error.
                let _ = self.spec.states.send(StateChange {
                    neighbor: self.spec.name.clone(),
                    from: from.name(),
                    to: to.name(),
                });
            }
            Output::OpenReceived(open) => {
                debug!(peer = %self.spec.name, asn = open.asn(), id = %open.bgp_id, hold = open.hold_time, "OPEN received");
            }
            Output::Established(n) => self.established(*n),
            Output::Down(reason) => self.down(reason),
            Output::Update(u) => self.update(*u),
            Output::RouteRefresh(r) => {
                use herald_wire::route_refresh::RefreshSubtype;
                match r.subtype {
                    RefreshSubtype::Request => {
                        info!(peer = %self.spec.name, family = %r.family, "route refresh requested");
                        self.start_dump(Some(r.family));
                    }
                    // RFC 7313 §4: the peer re-advertises a family; routes not refreshed by
                    // its EoRR are gone.
                    RefreshSubtype::Begin => self.rib_in.mark_stale_family(r.family),
                    RefreshSubtype::End => {
                        let n = self.rib_in.sweep_stale(Some(r.family));
                        debug!(peer = %self.spec.name, family = %r.family, removed = n, "enhanced route refresh done");
                    }
                    RefreshSubtype::Other(_) => {}
                }
            }
            Output::GaveUp { attempts } => {
                warn!(peer = %self.spec.name, attempts, "giving up after {attempts} failed attempts in a row (tcp.attempts): the neighbor stays down until a reload or restart");
            }
            Output::Notification { sent, notification } => {
                self.counters.count_notification(sent, notification.code);
                if !sent {
                    warn!(peer = %self.spec.name, "received NOTIFICATION {}", notification.describe());
                }
            }
        }
    }

    fn established(&mut self, n: herald_session::Negotiated) {
        let local = self.view_local().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let families: Vec<String> = n.families.iter().map(|f| f.to_string()).collect();
        info!(peer = %self.spec.name, peer_as = n.peer_as, families = %families.join(", "), hold = n.hold_time, "established");
        // RFC 4724 §4.2: stale routes of a restarting peer stay until its End-of-RIB; a peer
        // that no longer does graceful restart loses them now.
        if self.rib_in.stale_count() > 0 && n.graceful_restart.is_none() {
            let k = self.rib_in.sweep_stale(None);
            info!(peer = %self.spec.name, routes = k, "peer no longer offers graceful restart: stale routes removed");
            self.stale_deadline = None;
        }
        let view = SessionView {
            local_as: self.session.config().local_as,
            local_address: local,
            negotiated: n,
        };
        self.events.established(&view);
        self.vpn_up(&view.negotiated.families);
        self.view = Some(view);
        self.bmp_up();
        self.counters.established += 1;
        self.up_since = Some(Instant::now());
        self.start_dump(None);
    }

    fn down(&mut self, reason: herald_session::DownReason) {
        use herald_session::DownReason;
        let why = match &reason {
            DownReason::NotificationSent(n) => format!("sent {}", n.describe()),
            DownReason::NotificationReceived(n) => format!("received {}", n.describe()),
            DownReason::ConnectionClosed => "connection closed".to_string(),
        };
        match &reason {
            DownReason::NotificationSent(n) => self.counters.count_notification(true, n.code),
            DownReason::NotificationReceived(n) => {
                self.counters.count_notification(false, n.code);
                warn!(peer = %self.spec.name, "received NOTIFICATION {}", n.describe());
            }
            DownReason::ConnectionClosed => {}
        }
        warn!(peer = %self.spec.name, reason = %why, "session down");
        self.bmp_down(&reason);
        // Programs get ExaBGP's words for the reason, which some of them match on.
        let api_reason = match &reason {
            DownReason::NotificationSent(n) => {
                format!("notification sent ({},{})", n.code, n.subcode)
            }
            DownReason::NotificationReceived(n) => {
                format!("notification received ({},{})", n.code, n.subcode)
            }
            DownReason::ConnectionClosed => "closing connection".to_string(),
        };
        self.events
            .state(self.view_local(), "down", Some(&api_reason));
        self.vpn_down();
        // RFC 4724 §4.2 (and RFC 8538 for a NOTIFICATION when both sides set the N bit):
        // as the helper of a peer that can restart, keep its routes as stale for its restart
        // time; otherwise forget them.
        let gr = self
            .view
            .as_ref()
            .and_then(|v| v.negotiated.graceful_restart.as_ref())
            .filter(|g| g.time > 0);
        match gr {
            Some(g) if reason.graceful() && self.spec.adj_rib_in => {
                self.rib_in.mark_stale();
                self.stale_deadline =
                    Some(tokio::time::Instant::now() + Duration::from_secs(u64::from(g.time)));
                info!(peer = %self.spec.name, routes = self.rib_in.len(), restart_time = g.time, "graceful restart: keeping the peer's routes as stale");
            }
            _ => {
                self.rib_in.clear();
                self.stale_deadline = None;
            }
        }
        self.limits.reset();
        self.view = None;
        self.up_since = None;
        self.out.session_down();
        if self.spec.dynamic && self.stop_done.is_none() {
            info!(peer = %self.spec.name, "session from a range neighbor ended: its task ends too");
            self.stop_done = Some(oneshot::channel().0);
        }
    }

    fn update(&mut self, u: herald_wire::Update) {
        if let Some(a) = u.action() {
            if a == herald_wire::Action::TreatAsWithdraw {
                self.counters.treat_as_withdraw += 1;
            }
            warn!(peer = %self.spec.name, action = ?a, errors = ?u.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(), "malformed UPDATE (RFC 7606)");
        }
        self.vpn_routes(&u);
        if !self.spec.adj_rib_in {
            if let Some(f) = u.end_of_rib() {
                info!(peer = %self.spec.name, family = %f, "End-of-RIB received");
            }
            return;
        }
        let applied = self.rib_in.apply(&u);
        if let Some(f) = applied.end_of_rib {
            let stale = self.rib_in.sweep_stale(Some(f));
            if self.rib_in.stale_count() == 0 {
                self.stale_deadline = None;
            }
            info!(peer = %self.spec.name, family = %f, routes = self.rib_in.len_family(f), stale_removed = stale, "End-of-RIB received");
        }
        self.check_limits(&u);
    }

    /// Per-family prefix limits: warn once past the threshold; past the maximum, Cease 6/1
    /// with the RFC 4486 §4 data, and restart after the configured delay (or stay down).
    fn check_limits(&mut self, u: &herald_wire::Update) {
        if self.spec.limits.is_empty() {
            return;
        }
        let mut families: Vec<Family> = Vec::with_capacity(2);
        if !u.nlri.is_empty() {
            families.push(Family::IPV4_UNICAST);
        }
        if let Some(m) = u.mp_reach() {
            families.push(m.family);
        }
        for f in families {
            let Some((_, limit)) = self.spec.limits.iter().find(|(x, _)| *x == f) else {
                continue;
            };
            let limit = *limit;
            match limit.check(f, self.rib_in.len_family(f), &mut self.limits) {
                LimitState::Ok => {}
                LimitState::Warning { count, maximum } => {
                    warn!(peer = %self.spec.name, family = %f, count, maximum, "prefix limit threshold reached");
                }
                LimitState::Exceeded { notification_data } => {
                    let restart = limit.restart.map(|s| Duration::from_secs(u64::from(s)));
                    warn!(peer = %self.spec.name, family = %f, count = self.rib_in.len_family(f), "prefix limit exceeded: closing the session (Cease 6/1)");
                    let n = Notification::new(6, cease::MAX_PREFIXES, notification_data.to_vec());
                    self.session.cease(now(), n, true);
                    self.restart_at = restart.map(|d| tokio::time::Instant::now() + d);
                    if restart.is_none() {
                        warn!(peer = %self.spec.name, "the session stays down until herald is restarted or reloaded");
                    }
                    return;
                }
            }
        }
    }

    fn on_read(&mut self, r: std::io::Result<usize>) {
        match r {
            Ok(0) | Err(_) => {
                match &r {
                    Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                        warn!(peer = %self.spec.name, error = %e, "closing the connection");
                    }
                    Err(e) => debug!(peer = %self.spec.name, error = %e, "read error"),
                    Ok(_) => {}
                }
                self.conn = None;
                self.out.session_down();
                self.session.handle_closed(now());
            }
            Ok(_) => self.process_buffer(),
        }
    }

    /// Decode every whole message in the read buffer, applying outputs between messages (the
    /// OPEN changes how the next ones decode).
    fn process_buffer(&mut self) {
        let mut consumed = 0;
        let mut rbuf = match &mut self.conn {
            Some(c) => std::mem::take(&mut c.rbuf),
            None => return,
        };
        loop {
            if self.conn.is_none() {
                return;
            }
            let mut ctx = self
                .session
                .negotiated()
                .map(|n| n.receive_context())
                .unwrap_or_default();
            ctx.local_address = self.conn.as_ref().map(|c| c.local);
            let buf = rbuf.get(consumed..).unwrap_or_default();
            match frame(buf, ctx.max_message_len) {
                Ok(None) => break,
                Ok(Some(f)) => {
                    let msg = buf.get(..f.len).unwrap_or_default();
                    match Message::decode(msg, &ctx) {
                        Ok(m) => {
                            let t = usize::from(msg.get(18).copied().unwrap_or(0));
                            if let Some(c) = self.counters.received.get_mut(t) {
                                *c += 1;
                            }
                            let local = self.view_local();
                            if let Some(t) = &self.spec.mrt {
                                t.message(
                                    &self.mrt_session(),
                                    ctx.asn4,
                                    !ctx.add_path.is_empty(),
                                    msg,
                                );
                            }
                            self.bmp_received(msg);
                            self.events.received(local, &m, msg, &ctx);
                            self.session.handle_message(now(), m);
                        }
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
            rbuf.drain(..consumed.min(rbuf.len()));
            // Keep bytes that arrived in the meantime (none: reads happen only in the loop).
            rbuf.extend_from_slice(&c.rbuf);
            c.rbuf = rbuf;
        }
    }

    fn start_dump(&mut self, family: Option<Family>) {
        self.start_dump_eor(family, !self.spec.manual_eor);
    }

    fn start_dump_eor(&mut self, family: Option<Family>, eor: bool) {
        let Some(view) = &self.view else { return };
        let ctx = view.negotiated.send_context();
        let mut head = Vec::new();
        let end = routes::dump_end(view, family, !eor, &mut head);
        self.send_bytes(head);
        let Some(view) = &self.view else { return };
        self.out.start_dump(view, ctx, family, end);
    }

    fn dump_chunk(&mut self) {
        let bytes = self.out.dump_chunk(&self.spec.name);
        self.send_bytes(bytes);
    }

    /// Send what changed in the Adj-RIB-Out since the last call (outside a dump).
    fn flush_routes(&mut self) {
        let bytes = match &self.view {
            Some(view) if self.conn.is_some() => self.out.flush(&self.spec.name, view),
            _ => {
                self.out.discard_changes();
                return;
            }
        };
        self.send_bytes(bytes);
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
            tokio::select! {
                r = c.reader.read_buf(&mut c.rbuf) => r,
                () = c.write_failed.notified() => Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the connection takes no more data: the peer stopped reading or the write failed",
                )),
            }
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
    let res = tokio::time::timeout(Duration::from_secs(30), async {
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
    let _ = tokio::time::timeout(Duration::from_secs(3), async {
        while let Ok(n) = r.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Output for a peer that does not read is bounded: past the limit nothing more is queued
    /// and the connection is reported failed (the session then goes down as a stalled one).
    #[tokio::test]
    async fn output_waiting_for_a_peer_is_bounded() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (client, server) = tokio::join!(TcpStream::connect(addr), listener.accept());
        let (client, (_server, _)) = (client.unwrap(), server.unwrap());
        let limit = 8 << 20;
        let conn = Conn::with_limit(client, Duration::from_secs(60), limit);
        // 64 MiB offered without yielding: the writer task has not run, nothing has left.
        let chunk = 64 << 10;
        for _ in 0..1024 {
            conn.send(vec![0u8; chunk]);
            assert!(conn.queued.load(Ordering::Acquire) <= limit + chunk);
        }
        tokio::time::timeout(Duration::from_secs(5), conn.write_failed.notified())
            .await
            .expect("the connection is reported failed");
        assert!(conn.queued.load(Ordering::Acquire) > limit);
    }
}
