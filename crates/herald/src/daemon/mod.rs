//! `herald run CONFIG`: the daemon. One tokio task per neighbor around its [`Session`], a
//! listener for passive neighbors, helper processes and a control socket speaking the
//! command language, SIGHUP to reload, SIGTERM/SIGINT to stop.

pub mod bmp;
pub mod bus;
pub mod control;
pub mod dispatch;
pub mod events;
pub mod export;
pub mod http;
pub mod inject;
pub mod mrt;
pub mod peer;
pub mod process;
mod ratelimit;
pub mod socket;
pub mod vpn;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use herald_config::{Config, Env, Neighbor, NeighborKey};
use herald_session::{LocalCapabilities, Session};
use herald_wire::notification::cease;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::{mpsc, oneshot};
use tracing::{error, info, warn};

use self::bus::{Consumer, LostFormat};
use self::dispatch::{After, PeerMeta};
use self::events::{Events, Sub};
use self::export::Export;
use self::peer::{Command, Peer, PeerSpec};
use self::process::Request;
use self::socket::SocketOptions;

/// Options of `herald run`.
#[derive(Clone, Debug)]
pub struct Options {
    /// The configuration file.
    pub config: PathBuf,
    /// Print ExaBGP JSON events (state changes, received messages) on stdout.
    pub json_events: bool,
    /// The control socket's path (`None`: the default place; see [`control::default_path`]).
    pub control: Option<PathBuf>,
}

/// Load a configuration, printing every error as `file:line:col: message`.
pub fn load_config(path: &Path) -> Option<Config> {
    match herald_config::load(path) {
        Ok(c) => {
            for w in &c.warnings {
                warn!("{w}");
            }
            Some(c)
        }
        Err(errors) => {
            for e in errors {
                eprintln!("{e}");
            }
            None
        }
    }
}

/// Read ExaBGP/herald environment settings.
pub fn load_env() -> Option<Env> {
    match Env::from_vars(std::env::vars()) {
        Ok(e) => Some(e),
        Err(errors) => {
            for e in errors {
                eprintln!("environment: {e}");
            }
            None
        }
    }
}

/// A listening socket and the TCP-MD5 keys it holds.
struct Listener {
    addr: SocketAddr,
    sock: Arc<tokio::net::TcpListener>,
    keys: HashMap<ipnet::IpNet, Vec<u8>>,
    /// The IP_MINTTL set on it (0: none).
    min_ttl: u8,
}

struct PeerHandle {
    tx: mpsc::Sender<Command>,
    task: tokio::task::JoinHandle<()>,
    address: IpAddr,
    /// The local port its peer connects to (its `listen`, else `tcp.port`).
    listen_port: u16,
    meta: PeerMeta,
    /// The range neighbor this session was made from (sessions of a range end with their
    /// connection and are reaped).
    range: Option<NeighborKey>,
}

/// Connections from unknown addresses being refused with a NOTIFICATION at once, per listener.
const REJECTS_AT_ONCE: usize = 64;

/// Sessions at once from the addresses of one range neighbor; more are refused with Cease
/// 6/8 (Out of Resources).
const MAX_SESSIONS_PER_RANGE: usize = 256;

/// Peer tasks by (peer address, local port the peer connects to): two neighbors may share an
/// address when they listen on different ports.
type Routing = Arc<RwLock<HashMap<(IpAddr, u16), mpsc::Sender<Command>>>>;

/// Passive neighbors configured for an address range: a connection from inside the range gets a
/// session of its own, made from the range's settings.
type Ranges = Arc<RwLock<Vec<Neighbor>>>;

struct Daemon {
    env: Env,
    config: Config,
    /// `--json-events`: stdout as one more consumer.
    sink: Option<Arc<Consumer>>,
    /// Helper processes, by name.
    processes: HashMap<String, process::Handle>,
    /// Where processes and control clients send their command lines.
    requests: mpsc::Sender<Request>,
    peers: HashMap<NeighborKey, PeerHandle>,
    routing: Routing,
    listening: Vec<SocketAddr>,
    /// The listening sockets, with the TCP-MD5 keys installed on each (by peer or prefix).
    listeners: Vec<Listener>,
    seed: u64,
    ranges: Ranges,
    dynamic: mpsc::Sender<(tokio::net::TcpStream, IpAddr, u16)>,
    /// Listeners are bound first (a port in use stops herald before anything starts) but
    /// accept only once every configured neighbor has its task, so that an early connection
    /// from a configured neighbor is not refused as unknown.
    accepting: tokio::sync::watch::Sender<bool>,
    /// State changes of every neighbor, for the HTTP API's event stream.
    states: tokio::sync::broadcast::Sender<peer::StateChange>,
    /// The MRT updates dump, when `mrt.updates` is set.
    mrt: Option<Arc<mrt::Tap>>,
    /// The BMP collectors, when `bmp.collectors` is set.
    bmp: Option<Arc<bmp::Tap>>,
    /// Their counters, for `/metrics`.
    bmp_stats: Vec<Arc<bmp::CollectorStats>>,
    /// The VPN PE role (`vpn { }`), when configured.
    vpn: Option<vpn::Handle>,
    /// Where peer tasks send the VPN task their events (each through a [`vpn::Feed`]).
    vpn_events: Option<mpsc::Sender<vpn::Event>>,
    /// The number the next peer task is known by to the VPN task.
    next_peer: u64,
}

/// Run the daemon until SIGTERM/SIGINT.
pub fn run(opts: Options) -> ExitCode {
    let Some(env) = load_env() else {
        return ExitCode::FAILURE;
    };
    // Nothing an ExaBGP user set is dropped in silence.
    for (name, instead) in env.without_effect() {
        warn!("environment setting {name} has no effect in herald: {instead}");
    }
    for name in &env.unknown {
        warn!("environment setting exabgp.{name} is not known to herald: no effect");
    }
    let t_load = std::time::Instant::now();
    let Some(config) = load_config(&opts.config) else {
        return ExitCode::FAILURE;
    };
    info!(
        config = %opts.config.display(),
        neighbors = config.neighbors.len(),
        routes = config.neighbors.iter().map(|n| n.routes.len()).sum::<usize>(),
        elapsed_ms = t_load.elapsed().as_millis() as u64,
        "configuration read"
    );
    // `daemon.pid`: written before the runtime starts, removed on the way out.
    let pid_file = (!env.daemon_pid.is_empty()).then(|| PathBuf::from(&env.daemon_pid));
    if let Some(p) = &pid_file {
        if let Err(e) = std::fs::write(p, format!("{}\n", std::process::id())) {
            eprintln!("herald: cannot write the pid file {}: {e}", p.display());
            return ExitCode::FAILURE;
        }
    }
    let code = run_with(opts, env, config);
    if let Some(p) = &pid_file {
        let _ = std::fs::remove_file(p);
    }
    code
}

fn run_with(opts: Options, env: Env, config: Config) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("herald: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = rt.block_on(async move {
        let sink = opts.json_events.then(|| {
            let c = Consumer::new("stdout", bus::DEFAULT_QUEUE_BYTES, LostFormat::Json);
            tokio::spawn(bus::write_loop(c.clone(), tokio::io::stdout()));
            c
        });
        let (requests, mut requests_rx) = mpsc::channel::<Request>(64);
        let (queries, mut queries_rx) = mpsc::channel::<http::Query>(64);
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        let (dynamic, mut dynamic_rx) = mpsc::channel(64);
        // Signal handlers first: a SIGHUP or SIGTERM that arrives while herald starts (its
        // sessions may be up before the main loop runs) is kept for the loop, not fatal.
        let (Ok(hup), Ok(term), Ok(int)) = (
            signal(SignalKind::hangup()),
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            error!("cannot install signal handlers");
            return ExitCode::FAILURE;
        };
        let mut d = Daemon {
            env,
            config,
            sink,
            processes: HashMap::new(),
            requests,
            peers: HashMap::new(),
            routing: Routing::default(),
            listening: Vec::new(),
            listeners: Vec::new(),
            seed,
            ranges: Ranges::default(),
            dynamic,
            accepting: tokio::sync::watch::Sender::new(false),
            states: tokio::sync::broadcast::Sender::new(1024),
            mrt: None,
            bmp: None,
            bmp_stats: Vec::new(),
            vpn: None,
            vpn_events: None,
            next_peer: 1,
        };
        d.set_ranges(&d.config.neighbors);
        if let Err(e) = d.start_listeners() {
            error!("{e}");
            return ExitCode::FAILURE;
        }
        let control = if d.env.api_cli {
            let path = opts
                .control
                .clone()
                .unwrap_or_else(|| control::default_path(&d.env));
            match control::start(path.clone(), d.requests.clone()).await {
                Ok(h) => Some((h, path)),
                // The default place is shared by every herald of a user: a second one runs
                // without a control socket (and says so); a path given with --control must work.
                Err(e) if opts.control.is_none() => {
                    warn!(socket = %path.display(), "no control socket: {e} (give one with --control)");
                    None
                }
                Err(e) => {
                    error!(socket = %path.display(), "cannot open the control socket: {e}");
                    return ExitCode::FAILURE;
                }
            }
        } else {
            None
        };
        let mut mrt_thread = None;
        if let Some(t) = d.env.mrt_updates.clone() {
            match mrt::start_updates(t, d.env.mrt_updates_interval, d.env.mrt_updates_size) {
                Ok((tap, h)) => {
                    d.mrt = Some(tap);
                    mrt_thread = Some(h);
                }
                Err(e) => {
                    error!("cannot start the MRT updates writer: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let bmp = if d.env.bmp_collectors.is_empty() {
            None
        } else {
            let name = tokio::fs::read_to_string("/proc/sys/kernel/hostname")
                .await
                .map(|h| h.trim().to_string())
                .ok()
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "herald".to_string());
            let (tap, b) = bmp::start(
                &d.env.bmp_collectors,
                d.env.bmp_statistics_interval,
                name,
                queries.clone(),
            );
            d.bmp = Some(tap);
            d.bmp_stats = b.stats();
            Some(b)
        };
        let tables = d
            .env
            .mrt_table
            .clone()
            .map(|t| mrt::start_tables(t, d.env.mrt_table_interval, queries.clone()));
        let http = match d.start_http(queries).await {
            Ok(h) => h,
            Err(e) => {
                error!("{e}");
                return ExitCode::FAILURE;
            }
        };
        if let Some(v) = d.config.vpn.clone() {
            // The origin AS of our RTC routes: the first neighbor's local AS.
            let local_as = d
                .config
                .neighbors
                .iter()
                .find_map(|n| n.local_as)
                .unwrap_or(0);
            match vpn::start(&v, local_as).await {
                Ok((h, events)) => {
                    d.vpn = Some(h);
                    d.vpn_events = Some(events);
                }
                Err(e) => {
                    error!("{e}");
                    if let Some(h) = http {
                        h.abort();
                    }
                    return ExitCode::FAILURE;
                }
            }
        }
        d.start_processes();
        let neighbors = std::mem::take(&mut d.config.neighbors);
        for n in &neighbors {
            d.spawn(n);
        }
        d.config.neighbors = without_routes(neighbors);
        d.accepting.send_replace(true);
        info!(neighbors = d.peers.len(), processes = d.processes.len(), config = %opts.config.display(), "herald running");
        let code = d
            .signals(
                &opts.config,
                (hup, term, int),
                &mut dynamic_rx,
                &mut requests_rx,
                &mut queries_rx,
            )
            .await;
        if let Some(h) = http {
            h.abort();
        }
        if let Some(h) = tables {
            h.abort();
        }
        // The updates file gets its last records and, gzip'd, its trailer.
        if let (Some(tap), Some(h)) = (d.mrt.clone(), mrt_thread) {
            let done = tokio::task::spawn_blocking(move || {
                tap.close();
                let _ = h.join();
            });
            let _ = tokio::time::timeout(Duration::from_secs(5), done).await;
        }
        // Collectors get the Peer Downs of the stopped sessions, then a Termination.
        if let Some(b) = bmp {
            b.close().await;
        }
        if let Some((h, path)) = control {
            h.abort();
            let _ = tokio::fs::remove_file(&path).await;
        }
        if let Some(s) = &d.sink {
            s.finish();
            for _ in 0..100 {
                if s.is_closed() || s.queued() == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        code
    });
    // A writer blocked on a pipe nobody reads (stdout of --json-events) must not keep herald
    // from exiting: give blocking threads a moment, then leave them.
    rt.shutdown_timeout(Duration::from_millis(500));
    code
}

impl Daemon {
    async fn signals(
        &mut self,
        path: &Path,
        (mut hup, mut term, mut int): (Signal, Signal, Signal),
        dynamic: &mut mpsc::Receiver<(tokio::net::TcpStream, IpAddr, u16)>,
        requests: &mut mpsc::Receiver<Request>,
        queries: &mut mpsc::Receiver<http::Query>,
    ) -> ExitCode {
        loop {
            tokio::select! {
                _ = hup.recv() => self.reload(path).await,
                Some((stream, ip, port)) = dynamic.recv() => self.accept_in_range(stream, ip, port).await,
                Some(req) = requests.recv() => match self.dispatch(req).await {
                    After::Continue => {}
                    After::Reload => self.reload(path).await,
                    After::Restart => self.restart().await,
                    After::Shutdown => break,
                },
                Some(q) = queries.recv() => self.answer(q),
                _ = term.recv() => break,
                _ = int.recv() => break,
            }
        }
        info!("shutting down");
        // The VPN instances' devices go first, while everything still runs.
        if let Some(v) = self.vpn.take() {
            v.shutdown().await;
        }
        let procs: Vec<process::Handle> = self.processes.drain().map(|(_, h)| h).collect();
        let stopping: Vec<_> = procs
            .into_iter()
            .map(|h| tokio::spawn(h.shutdown(Duration::from_secs(2))))
            .collect();
        let keys: Vec<NeighborKey> = self.peers.keys().cloned().collect();
        let mut waits = Vec::new();
        for k in keys {
            if let Some(w) = self.stop(&k, cease::ADMIN_SHUTDOWN, "herald shutting down") {
                waits.push(w);
            }
        }
        let _ = tokio::time::timeout(Duration::from_secs(3), futures_all(waits)).await;
        for s in stopping {
            let _ = s.await;
        }
        ExitCode::SUCCESS
    }

    /// Start the HTTP server when `http.listen` is set (its token file must be readable).
    async fn start_http(
        &self,
        queries: mpsc::Sender<http::Query>,
    ) -> Result<Option<tokio::task::JoinHandle<()>>, String> {
        let Some(addr) = self.env.http_listen else {
            return Ok(None);
        };
        let token = match &self.env.http_token_file {
            Some(p) => Some(http::read_token(p).await?),
            None => None,
        };
        http::start(
            addr,
            token,
            queries,
            self.requests.clone(),
            self.states.clone(),
        )
        .await
        .map(Some)
        .map_err(|e| format!("cannot listen for HTTP on {addr} (http.listen): {e}"))
    }

    /// Answer the HTTP side.
    fn answer(&self, q: http::Query) {
        match q {
            http::Query::Snapshot(reply) => {
                let mut peers: Vec<http::PeerEntry> = self
                    .peers
                    .iter()
                    .map(|(k, h)| http::PeerEntry {
                        key: k.clone(),
                        address: h.address,
                        name: h.meta.name(),
                        tx: h.tx.clone(),
                    })
                    .collect();
                peers.sort_by(|a, b| a.key.cmp(&b.key));
                let mut processes: Vec<http::ProcessEntry> = self
                    .processes
                    .values()
                    .map(|h| http::ProcessEntry {
                        name: h.name.clone(),
                        lines: h
                            .source
                            .stats
                            .lines
                            .load(std::sync::atomic::Ordering::Relaxed),
                        errors: h
                            .source
                            .stats
                            .errors
                            .load(std::sync::atomic::Ordering::Relaxed),
                        events: h.consumer.events_total(),
                        lost: h.consumer.lost_total(),
                        queued: h.consumer.queued(),
                    })
                    .collect();
                processes.sort_by(|a, b| a.name.cmp(&b.name));
                let _ = reply.send(http::Snapshot {
                    peers,
                    processes,
                    bmp: self.bmp_stats.clone(),
                });
            }
        }
    }

    /// Start the configured helper processes that are not running; stop those no longer
    /// configured or changed.
    fn start_processes(&mut self) {
        let dir = self
            .config
            .source
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
        let wanted: Vec<process::Spec> = self
            .config
            .processes
            .iter()
            .map(|p| process::Spec {
                name: p.name.clone(),
                command: process::command_line(&p.run, &dir),
                encoder: p.encoder.unwrap_or(self.env.api_encoder),
                respawn: p.respawn.unwrap_or(self.env.api_respawn),
                terminate: self.env.api_terminate,
                dir: dir.clone(),
                ack: self.env.api_ack,
            })
            .collect();
        let gone: Vec<String> = self
            .processes
            .keys()
            .filter(|n| !wanted.iter().any(|w| &w.name == *n))
            .cloned()
            .collect();
        for n in gone {
            if let Some(h) = self.processes.remove(&n) {
                info!(process = %n, "process removed from the configuration: stopping it");
                tokio::spawn(h.shutdown(Duration::from_secs(2)));
            }
        }
        for spec in wanted {
            if let Some(h) = self.processes.get(&spec.name) {
                if h.spec == spec {
                    continue;
                }
                if let Some(h) = self.processes.remove(&spec.name) {
                    info!(process = %spec.name, "process changed: restarting it");
                    tokio::spawn(h.shutdown(Duration::from_secs(2)));
                }
            }
            let h = process::Handle::start(spec, bus::DEFAULT_QUEUE_BYTES, self.requests.clone());
            self.processes.insert(h.name.clone(), h);
        }
    }

    /// The processes a neighbor's `api` blocks name (`processes-match` resolved).
    fn api_processes(&self, n: &Neighbor, api: &herald_config::Api) -> Vec<String> {
        let mut v: Vec<String> = api.processes.clone();
        for pat in &api.processes_match {
            match regex::Regex::new(pat) {
                Ok(re) => {
                    for p in &self.config.processes {
                        // ExaBGP anchors at the start (Python's re.match).
                        if re.find(&p.name).is_some_and(|m| m.start() == 0) && !v.contains(&p.name)
                        {
                            v.push(p.name.clone());
                        }
                    }
                }
                Err(e) => warn!(neighbor = %n.key(), pattern = %pat, "processes-match: {e}"),
            }
        }
        v
    }

    /// The event subscriptions of a neighbor.
    fn subs(&self, n: &Neighbor) -> Vec<Sub> {
        let mut subs = Vec::new();
        for api in &n.api {
            for name in self.api_processes(n, api) {
                if let Some(h) = self.processes.get(&name) {
                    subs.push(Sub {
                        consumer: h.consumer.clone(),
                        encoder: h.source.encoder,
                        neighbor_changes: api.neighbor_changes,
                        receive: api.receive,
                        send: api.send,
                    });
                }
            }
        }
        if let Some(s) = &self.sink {
            subs.push(events::json_events_sub(s.clone()));
        }
        subs
    }

    /// `restart`: every neighbor starts again from the configuration.
    async fn restart(&mut self) {
        info!("restarting every neighbor");
        let keys: Vec<NeighborKey> = self.peers.keys().cloned().collect();
        let mut waits = Vec::new();
        for k in &keys {
            waits.extend(self.stop(k, cease::ADMIN_RESET, "herald restarting"));
        }
        let _ = tokio::time::timeout(Duration::from_secs(3), futures_all(waits)).await;
        let path = self.config.source.clone();
        if let Some(new) = load_config(&path) {
            self.config = new;
        }
        let neighbors = std::mem::take(&mut self.config.neighbors);
        for n in &neighbors {
            self.spawn(n);
        }
        self.config.neighbors = without_routes(neighbors);
    }

    fn listen_addresses(&self) -> Vec<SocketAddr> {
        let port = self.env.tcp_port;
        if let Some(bind) = &self.env.tcp_bind {
            return bind.iter().map(|ip| SocketAddr::new(*ip, port)).collect();
        }
        let mut v: Vec<SocketAddr> = self
            .config
            .neighbors
            .iter()
            .filter(|n| n.passive || self.env.bgp_passive)
            .map(|n| {
                let ip = n.local_address.unwrap_or(match n.peer_address.addr() {
                    IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                    IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
                });
                SocketAddr::new(ip, listen_port(n, port))
            })
            .collect();
        v.sort();
        v.dedup();
        v
    }

    fn start_listeners(&mut self) -> Result<(), String> {
        for addr in self.listen_addresses() {
            if self.listening.contains(&addr) {
                continue;
            }
            let l = socket::listen(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            let l = Arc::new(l);
            self.listeners.push(Listener {
                addr,
                sock: l.clone(),
                keys: HashMap::new(),
                min_ttl: 0,
            });
            info!(%addr, "listening");
            self.listening.push(addr);
            let routing = self.routing.clone();
            let (port, default_port) = (addr.port(), self.env.tcp_port);
            let ranges = self.ranges.clone();
            let dynamic = self.dynamic.clone();
            let mut ready = self.accepting.subscribe();
            let rejects = Arc::new(tokio::sync::Semaphore::new(REJECTS_AT_ONCE));
            let mut last_flood_log = tokio::time::Instant::now()
                .checked_sub(Duration::from_secs(2))
                .unwrap_or_else(tokio::time::Instant::now);
            let mut last_rate_log = last_flood_log;
            let mut limiter = ratelimit::SourceLimiter::new(self.env.tcp_accept_rate);
            tokio::spawn(async move {
                if ready.wait_for(|r| *r).await.is_err() {
                    return;
                }
                loop {
                    match l.accept().await {
                        Ok((stream, remote)) => {
                            let ip = match remote.ip() {
                                IpAddr::V6(v6) => v6
                                    .to_ipv4_mapped()
                                    .map(IpAddr::V4)
                                    .unwrap_or(IpAddr::V6(v6)),
                                v4 => v4,
                            };
                            if !limiter.allow(ip, std::time::Instant::now()) {
                                drop(stream);
                                if last_rate_log.elapsed() >= Duration::from_secs(1) {
                                    last_rate_log = tokio::time::Instant::now();
                                    warn!(%remote, "connections from this address come faster than tcp.accept-rate allows: closing them unanswered");
                                }
                                continue;
                            }
                            let tx = routing
                                .read()
                                .ok()
                                .and_then(|r| r.get(&(ip, port)).cloned());
                            // Never wait here for a peer task or the daemon: one stalled peer or a
                            // reload in progress must not hold up every other neighbor's accept.
                            // A connection that finds its queue full is closed; the peer retries.
                            // One whose task has ended (a range session) goes on to the daemon,
                            // which reaps the old task and starts a new one.
                            let stream = match tx {
                                None => stream,
                                Some(tx) => match tx.try_send(Command::Incoming(stream)) {
                                    Ok(()) => continue,
                                    Err(mpsc::error::TrySendError::Closed(Command::Incoming(
                                        s,
                                    ))) => s,
                                    Err(_) => {
                                        warn!(%remote, "the neighbor's task is busy: connection closed");
                                        continue;
                                    }
                                },
                            };
                            if ranges
                                .read()
                                .is_ok_and(|r| r.iter().any(|n| takes(n, ip, port, default_port)))
                            {
                                if dynamic.try_send((stream, ip, port)).is_err() {
                                    warn!(%remote, "too many range connections waiting: connection closed");
                                }
                            } else {
                                // Each refusal lingers a few seconds to deliver its Cease; a
                                // flood of strangers gets at most REJECTS_AT_ONCE of them, the
                                // rest a plain close, and one log line per second.
                                match rejects.clone().try_acquire_owned() {
                                    Ok(permit) => {
                                        warn!(%remote, "connection from an address that is not a configured neighbor: closed");
                                        tokio::spawn(async move {
                                            peer::reject(
                                                stream,
                                                herald_wire::Notification::new(
                                                    6,
                                                    cease::CONNECTION_REJECTED,
                                                    Vec::new(),
                                                ),
                                            )
                                            .await;
                                            drop(permit);
                                        });
                                    }
                                    Err(_) => {
                                        drop(stream);
                                        if last_flood_log.elapsed() >= Duration::from_secs(1) {
                                            last_flood_log = tokio::time::Instant::now();
                                            warn!(%remote, "many connections from addresses that are not configured neighbors: closing them without a NOTIFICATION");
                                        }
                                    }
                                }
                            }
                        }
                        Err(e) => {
                            warn!(%addr, "accept failed: {e}");
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                }
            });
        }
        self.apply_listener_options()
    }

    /// Make every listener hold exactly the TCP-MD5 keys of the configured neighbors (of its
    /// address family), added, changed and removed ones alike, and the GTSM floor of its
    /// neighbors' `incoming-ttl`, on start and on reload. A key
    /// the kernel refuses is an error naming the neighbor: a neighbor with a password must
    /// never be reachable without it.
    fn apply_listener_options(&mut self) -> Result<(), String> {
        let wanted: HashMap<ipnet::IpNet, Vec<u8>> = self
            .config
            .neighbors
            .iter()
            .filter_map(|n| n.md5.as_ref().map(|m| (n.peer_address, m.key.clone())))
            .collect();
        let mut errors = Vec::new();
        let default_port = self.env.tcp_port;
        for l in &mut self.listeners {
            let v4 = l.addr.is_ipv4();
            // GTSM: when every neighbor reached through this listener has an incoming-ttl, the
            // listener itself refuses packets below the lowest of them (SYN included); each
            // accepted connection then gets its neighbor's own value. With neighbors without
            // one on the same listener, only the accepted connection is held to it.
            let ttls: Vec<Option<u8>> = self
                .config
                .neighbors
                .iter()
                .filter(|n| {
                    n.peer_address.addr().is_ipv4() == v4
                        && listen_port(n, default_port) == l.addr.port()
                })
                .map(|n| n.incoming_ttl)
                .collect();
            let floor = if !ttls.is_empty() && ttls.iter().all(Option::is_some) {
                ttls.iter().flatten().copied().min().unwrap_or(0)
            } else {
                0
            };
            if floor != l.min_ttl {
                match socket::listener_min_ttl(&l.sock, floor) {
                    Ok(()) => l.min_ttl = floor,
                    Err(e) => errors.push(format!(
                        "cannot set the minimum TTL {floor} on {}: {e}",
                        l.addr
                    )),
                }
            }
            let gone: Vec<ipnet::IpNet> = l
                .keys
                .keys()
                .filter(|k| !wanted.contains_key(k))
                .copied()
                .collect();
            for net in gone {
                if let Err(e) = socket::listener_md5(&l.sock, net, &[]) {
                    errors.push(format!(
                        "cannot remove the TCP-MD5 key of {net} on {}: {e}",
                        l.addr
                    ));
                } else {
                    l.keys.remove(&net);
                    info!(addr = %l.addr, peer = %net, "TCP-MD5 key removed from the listener");
                }
            }
            for (net, key) in &wanted {
                if net.addr().is_ipv4() != v4 || l.keys.get(net) == Some(key) {
                    continue;
                }
                match socket::listener_md5(&l.sock, *net, key) {
                    Ok(()) => {
                        l.keys.insert(*net, key.clone());
                    }
                    Err(e) => errors.push(format!(
                        "neighbor {net}: the kernel refused its TCP-MD5 key on {}: {e}",
                        l.addr
                    )),
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    fn spawn(&mut self, n: &Neighbor) {
        self.spawn_from(n, None);
    }

    /// Start the task of neighbor `n`; `range`: the range neighbor it was made from.
    fn spawn_from(&mut self, n: &Neighbor, range: Option<NeighborKey>) {
        let key = n.key();
        if n.peer_address.prefix_len() != n.peer_address.max_prefix_len() {
            info!(neighbor = %key, "accepting sessions from this range");
            return;
        }
        let Some(local_as) = n.local_as else {
            warn!(neighbor = %key, "local-as auto is not supported yet: skipped");
            return;
        };
        let address = n.peer_address.addr();
        let mut sc = herald_session::Config::new(local_as, n.peer_as, n.router_id);
        sc.hold_time = n.hold_time;
        sc.passive = n.passive || self.env.bgp_passive;
        // `bgp.openwait`: how long to wait for the peer's OPEN (ExaBGP's default, 60 s).
        sc.open_hold = Duration::from_secs(u64::from(self.env.bgp_openwait.max(1)));
        // `tcp.attempts` / `tcp.once`: give up after that many failures in a row.
        sc.attempts = self.env.tcp_attempts;
        sc.capabilities = LocalCapabilities {
            families: n.families.clone(),
            asn4: n.capabilities.asn4,
            route_refresh: n.capabilities.route_refresh,
            graceful_restart: n.capabilities.graceful_restart,
            restarting: n.capabilities.graceful_restart.is_some(),
            add_path: n.add_path.clone(),
            extended_message: n.capabilities.extended_message,
            extended_next_hop: if n.capabilities.extended_next_hop {
                n.extended_next_hop.clone()
            } else {
                Vec::new()
            },
            hostname: n
                .host_name
                .clone()
                .map(|h| (h, n.domain_name.clone().unwrap_or_default())),
            software_version: n
                .capabilities
                .software_version
                .then(|| format!("herald/{}", env!("CARGO_PKG_VERSION"))),
        };
        let mut description: Vec<(String, String)> = vec![
            ("local-as".into(), local_as.to_string()),
            (
                "peer-as".into(),
                n.peer_as.map_or("auto".into(), |a| a.to_string()),
            ),
            ("router-id".into(), n.router_id.to_string()),
            ("hold-time".into(), n.hold_time.to_string()),
        ];
        if let Some(d) = &n.description {
            description.insert(0, ("description".into(), format!("\"{d}\"")));
        }
        if let Some(l) = n.local_address {
            description.push(("local-address".into(), l.to_string()));
        }
        description.push(("passive".into(), sc.passive.to_string()));
        description.push((
            "family".into(),
            n.families
                .iter()
                .map(|f| peer::family_words(*f))
                .collect::<Vec<_>>()
                .join(", "),
        ));
        let spec = PeerSpec {
            dynamic: range.is_some(),
            name: key.to_string(),
            address,
            port: n.connect.unwrap_or(self.env.tcp_port),
            socket: SocketOptions {
                local: n.local_address,
                md5_key: n.md5.as_ref().map(|m| m.key.clone()),
                ttl: n.outgoing_ttl,
                min_ttl: n.incoming_ttl,
            },
            manual_eor: n.manual_eor,
            export: Export::from_table(&n.routes),
            watchdogs: export::watchdogs(n.routes.labeled()),
            adj_rib_in: n.adj_rib_in,
            group_updates: n.group_updates,
            adj_rib_out: n.adj_rib_out,
            limits: n
                .prefix_limits
                .iter()
                .map(|l| {
                    (
                        l.family,
                        herald_rib::PrefixLimit {
                            maximum: l.maximum,
                            warning_percent: l.warning_percent,
                            restart: l.restart,
                        },
                    )
                })
                .collect(),
            description,
            states: self.states.clone(),
            mrt: self.mrt.clone(),
            bmp: self.bmp.clone(),
            vpn: self.vpn_events.as_ref().map(|tx| {
                self.next_peer += 1;
                vpn::Feed::new(herald_vpn::PeerId(self.next_peer - 1), tx.clone())
            }),
        };
        info!(neighbor = %key, routes = spec.export.len(), passive = sc.passive, "neighbor configured");
        let json_peer = herald_api::json::Peer {
            local_address: n.local_address.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            peer_address: address,
            local_as,
            peer_as: n.peer_as.unwrap_or(0),
            router_id: n.router_id,
        };
        let events = Events::new(self.subs(n), json_peer, self.env.api_compact);
        self.seed = self
            .seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let session = Session::new(sc, self.seed);
        let (tx, rx) = mpsc::channel(1024);
        let p = Peer::new(spec, session, events, tx.clone());
        let task = tokio::spawn(p.run(rx));
        let listen_port = listen_port(n, self.env.tcp_port);
        if let Ok(mut r) = self.routing.write() {
            r.insert((address, listen_port), tx.clone());
        }
        let meta = PeerMeta {
            address,
            local_ip: n.local_address,
            local_as,
            peer_as: n.peer_as,
            router_id: n.router_id,
            families: n.families.clone(),
            processes: n
                .api
                .iter()
                .flat_map(|a| self.api_processes(n, a))
                .collect(),
        };
        self.peers.insert(
            key,
            PeerHandle {
                tx,
                task,
                address,
                listen_port,
                meta,
                range,
            },
        );
    }

    /// Remember the range neighbors of a configuration (for `accept_in_range`).
    fn set_ranges(&self, neighbors: &[Neighbor]) {
        let ranges: Vec<Neighbor> = neighbors
            .iter()
            .filter(|n| n.peer_address.prefix_len() != n.peer_address.max_prefix_len())
            .cloned()
            .collect();
        if let Ok(mut r) = self.ranges.write() {
            *r = ranges;
        }
    }

    /// A connection from inside a range neighbor: start a session for that address (the most
    /// specific range wins) and hand it the connection.
    async fn accept_in_range(&mut self, stream: tokio::net::TcpStream, ip: IpAddr, port: u16) {
        self.reap_range_sessions();
        let existing = self
            .routing
            .read()
            .ok()
            .and_then(|r| r.get(&(ip, port)).cloned());
        let tx = match existing {
            Some(tx) => tx,
            None => {
                let range = self.ranges.read().ok().and_then(|r| {
                    r.iter()
                        .filter(|n| takes(n, ip, port, self.env.tcp_port))
                        .max_by_key(|n| n.peer_address.prefix_len())
                        .cloned()
                });
                let Some(mut n) = range else { return };
                let Ok(host) = ipnet::IpNet::new(ip, if ip.is_ipv4() { 32 } else { 128 }) else {
                    return;
                };
                let range_key = n.key();
                let live = self
                    .peers
                    .values()
                    .filter(|h| h.range.as_ref() == Some(&range_key))
                    .count();
                if live >= MAX_SESSIONS_PER_RANGE {
                    warn!(range = %n.peer_address, peer = %ip, sessions = live, "too many sessions from this range: connection refused (Cease 6/8)");
                    tokio::spawn(peer::reject(
                        stream,
                        herald_wire::Notification::new(6, cease::OUT_OF_RESOURCES, Vec::new()),
                    ));
                    return;
                }
                info!(range = %n.peer_address, peer = %ip, "session for a neighbor in a range");
                n.peer_address = host;
                n.passive = true;
                self.spawn_from(&n, Some(range_key));
                match self
                    .routing
                    .read()
                    .ok()
                    .and_then(|r| r.get(&(ip, port)).cloned())
                {
                    Some(tx) => tx,
                    None => return,
                }
            }
        };
        if tx.try_send(Command::Incoming(stream)).is_err() {
            warn!(peer = %ip, "the neighbor's task is busy: connection closed");
        }
    }

    /// Forget the sessions of range neighbors whose task has ended with their connection.
    fn reap_range_sessions(&mut self) {
        let ended: Vec<NeighborKey> = self
            .peers
            .iter()
            .filter(|(_, h)| h.range.is_some() && h.task.is_finished())
            .map(|(k, _)| k.clone())
            .collect();
        for k in ended {
            if let Some(h) = self.peers.remove(&k) {
                if let Ok(mut r) = self.routing.write() {
                    r.remove(&(h.address, h.listen_port));
                }
            }
        }
    }

    fn stop(
        &mut self,
        key: &NeighborKey,
        subcode: u8,
        message: &str,
    ) -> Option<oneshot::Receiver<()>> {
        let h = self.peers.remove(key)?;
        if let Ok(mut r) = self.routing.write() {
            r.remove(&(h.address, h.listen_port));
        }
        let (done, wait) = oneshot::channel();
        if h.tx
            .try_send(Command::Stop {
                subcode,
                message: message.to_string(),
                done,
            })
            .is_err()
        {
            h.task.abort();
            return None;
        }
        Some(wait)
    }

    async fn reload(&mut self, path: &Path) {
        info!(config = %path.display(), "reloading");
        let Some(new) = load_config(path) else {
            error!("reload refused: the configuration has errors; keeping the running one");
            return;
        };
        // The running configuration keeps no routes (each peer holds its export and computes the
        // route difference itself), so every neighbor with routes shows up as changed here.
        let d = herald_config::diff(&self.config, &new);
        if self.config.vpn != new.vpn {
            warn!("the vpn block changed: restart herald to apply it (the running VPN role keeps its settings)");
        }
        self.config = new;
        self.start_processes();
        if let Err(e) = self.start_listeners() {
            error!("{e}");
        }
        let mut waits = Vec::new();
        for k in &d.removed {
            waits.extend(self.stop(
                k,
                cease::PEER_DECONFIGURED,
                "neighbor removed from the configuration",
            ));
        }
        for k in &d.reset {
            waits.extend(self.stop(k, cease::OTHER_CONFIG_CHANGE, "neighbor settings changed"));
        }
        // The sessions made from a range that went away or whose settings changed end too (the
        // peer reconnects under the new range settings, if any).
        self.reap_range_sessions();
        let children: Vec<(NeighborKey, bool)> = self
            .peers
            .iter()
            .filter_map(|(k, h)| {
                let r = h.range.as_ref()?;
                if d.removed.contains(r) {
                    Some((k.clone(), true))
                } else if d.reset.contains(r) {
                    Some((k.clone(), false))
                } else {
                    None
                }
            })
            .collect();
        for (k, removed) in children {
            waits.extend(if removed {
                self.stop(
                    &k,
                    cease::PEER_DECONFIGURED,
                    "range removed from the configuration",
                )
            } else {
                self.stop(&k, cease::OTHER_CONFIG_CHANGE, "range settings changed")
            });
        }
        let _ = tokio::time::timeout(Duration::from_secs(3), futures_all(waits)).await;
        let neighbors = std::mem::take(&mut self.config.neighbors);
        self.set_ranges(&neighbors);
        for k in d.added.iter().chain(d.reset.iter()) {
            if let Some(n) = neighbors.iter().find(|n| &n.key() == k) {
                self.spawn(n);
            }
        }
        for n in &neighbors {
            let key = n.key();
            if d.added.contains(&key) || d.reset.contains(&key) {
                continue;
            }
            // The neighbor's own task, or the sessions made from it when it is a range.
            let txs: Vec<mpsc::Sender<Command>> = self
                .peers
                .iter()
                .filter(|(k, h)| **k == key || h.range.as_ref() == Some(&key))
                .map(|(_, h)| h.tx.clone())
                .collect();
            for tx in txs {
                let _ = tx
                    .send(Command::Routes(
                        Export::from_table(&n.routes),
                        export::watchdogs(n.routes.labeled()),
                    ))
                    .await;
                let _ = tx.send(Command::Events(self.subs(n))).await;
            }
        }
        self.config.neighbors = without_routes(neighbors);
        info!(
            added = d.added.len(),
            removed = d.removed.len(),
            reset = d.reset.len(),
            "reload applied"
        );
    }
}

/// The local port a neighbor's peer connects to: its `listen`, else `tcp.port`.
fn listen_port(n: &Neighbor, default_port: u16) -> u16 {
    n.listen.unwrap_or(default_port)
}

/// Whether (range) neighbor `n` takes a connection from `ip` to local `port`.
fn takes(n: &Neighbor, ip: IpAddr, port: u16, default_port: u16) -> bool {
    n.peer_address.contains(&ip) && listen_port(n, default_port) == port
}

/// Drop the routes of every neighbor (they live in the peers' exports once spawned).
fn without_routes(mut neighbors: Vec<Neighbor>) -> Vec<Neighbor> {
    for n in &mut neighbors {
        n.routes = Default::default();
    }
    neighbors
}

async fn futures_all(waits: Vec<oneshot::Receiver<()>>) {
    for w in waits {
        let _ = w.await;
    }
}
