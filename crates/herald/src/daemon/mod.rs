//! `herald run CONFIG`: the daemon. One tokio task per neighbor around its [`Session`], a
//! listener for passive neighbors, SIGHUP to reload, SIGTERM/SIGINT to stop.

pub mod events;
pub mod export;
pub mod peer;
pub mod socket;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use herald_config::{Config, Env, Neighbor, NeighborKey};
use herald_session::{LocalCapabilities, Session};
use herald_wire::notification::cease;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::{mpsc, oneshot};
use tracing::{error, info, warn};

use self::events::{Events, Sink};
use self::export::Export;
use self::peer::{Command, Peer, PeerSpec};
use self::socket::SocketOptions;

/// Options of `herald run`.
#[derive(Clone, Debug)]
pub struct Options {
    /// The configuration file.
    pub config: PathBuf,
    /// Print ExaBGP JSON events (state changes, received messages) on stdout.
    pub json_events: bool,
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

struct PeerHandle {
    tx: mpsc::Sender<Command>,
    task: tokio::task::JoinHandle<()>,
    address: IpAddr,
}

type Routing = Arc<RwLock<HashMap<IpAddr, mpsc::Sender<Command>>>>;

/// Passive neighbors configured for an address range: a connection from inside the range gets a
/// session of its own, made from the range's settings.
type Ranges = Arc<RwLock<Vec<Neighbor>>>;

struct Daemon {
    env: Env,
    config: Config,
    sink: Option<Arc<Sink>>,
    peers: HashMap<NeighborKey, PeerHandle>,
    routing: Routing,
    listening: Vec<SocketAddr>,
    seed: u64,
    ranges: Ranges,
    dynamic: mpsc::Sender<(tokio::net::TcpStream, IpAddr)>,
}

/// Run the daemon until SIGTERM/SIGINT.
pub fn run(opts: Options) -> ExitCode {
    let Some(env) = load_env() else {
        return ExitCode::FAILURE;
    };
    let Some(config) = load_config(&opts.config) else {
        return ExitCode::FAILURE;
    };
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
    rt.block_on(async move {
        let sink = opts.json_events.then(|| Arc::new(Sink::default()));
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        let (dynamic, mut dynamic_rx) = mpsc::channel(64);
        let mut d = Daemon {
            env,
            config,
            sink,
            peers: HashMap::new(),
            routing: Routing::default(),
            listening: Vec::new(),
            seed,
            ranges: Ranges::default(),
            dynamic,
        };
        d.set_ranges(&d.config.neighbors);
        if let Err(e) = d.start_listeners() {
            error!("{e}");
            return ExitCode::FAILURE;
        }
        let neighbors = std::mem::take(&mut d.config.neighbors);
        for n in &neighbors {
            d.spawn(n);
        }
        d.config.neighbors = without_routes(neighbors);
        info!(neighbors = d.peers.len(), config = %opts.config.display(), "herald running");
        d.signals(&opts.config, &mut dynamic_rx).await
    })
}

impl Daemon {
    async fn signals(
        &mut self,
        path: &Path,
        dynamic: &mut mpsc::Receiver<(tokio::net::TcpStream, IpAddr)>,
    ) -> ExitCode {
        let (Ok(mut hup), Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::hangup()),
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            error!("cannot install signal handlers");
            return ExitCode::FAILURE;
        };
        loop {
            tokio::select! {
                _ = hup.recv() => self.reload(path).await,
                Some((stream, ip)) = dynamic.recv() => self.accept_in_range(stream, ip).await,
                _ = term.recv() => break,
                _ = int.recv() => break,
            }
        }
        info!("shutting down");
        let keys: Vec<NeighborKey> = self.peers.keys().cloned().collect();
        let mut waits = Vec::new();
        for k in keys {
            if let Some(w) = self.stop(&k, cease::ADMIN_SHUTDOWN, "herald shutting down") {
                waits.push(w);
            }
        }
        let _ = tokio::time::timeout(Duration::from_secs(3), futures_all(waits)).await;
        ExitCode::SUCCESS
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
                SocketAddr::new(ip, n.listen.unwrap_or(port))
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
            for n in &self.config.neighbors {
                if let Some(m) = &n.md5 {
                    if n.peer_address.addr().is_ipv4() == addr.is_ipv4() {
                        if let Err(e) = socket::listener_md5(&l, n.peer_address.addr(), &m.key) {
                            warn!(%addr, peer = %n.peer_address.addr(), "cannot set the TCP-MD5 key: {e}");
                        }
                    }
                }
            }
            info!(%addr, "listening");
            self.listening.push(addr);
            let routing = self.routing.clone();
            let ranges = self.ranges.clone();
            let dynamic = self.dynamic.clone();
            tokio::spawn(async move {
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
                            let tx = routing.read().ok().and_then(|r| r.get(&ip).cloned());
                            match tx {
                                Some(tx) => {
                                    let _ = tx.send(Command::Incoming(stream)).await;
                                }
                                None if ranges.read().is_ok_and(|r| {
                                    r.iter().any(|n| n.peer_address.contains(&ip))
                                }) =>
                                {
                                    let _ = dynamic.send((stream, ip)).await;
                                }
                                None => {
                                    warn!(%remote, "connection from an address that is not a configured neighbor: closed");
                                    tokio::spawn(peer::reject(
                                        stream,
                                        herald_wire::Notification::new(
                                            6,
                                            cease::CONNECTION_REJECTED,
                                            Vec::new(),
                                        ),
                                    ));
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
        Ok(())
    }

    fn spawn(&mut self, n: &Neighbor) {
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
        };
        let spec = PeerSpec {
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
            export: Export::from_routes(&n.routes),
        };
        info!(neighbor = %key, routes = spec.export.len(), passive = sc.passive, "neighbor configured");
        let json_peer = herald_api::json::Peer {
            local_address: n.local_address.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            peer_address: address,
            local_as,
            peer_as: n.peer_as.unwrap_or(0),
            router_id: n.router_id,
        };
        let events = Events::new(self.sink.clone(), json_peer);
        self.seed = self
            .seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let session = Session::new(sc, self.seed);
        let (tx, rx) = mpsc::channel(64);
        let p = Peer::new(spec, session, events, tx.clone());
        let task = tokio::spawn(p.run(rx));
        if let Ok(mut r) = self.routing.write() {
            r.insert(address, tx.clone());
        }
        self.peers.insert(key, PeerHandle { tx, task, address });
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
    async fn accept_in_range(&mut self, stream: tokio::net::TcpStream, ip: IpAddr) {
        let existing = self.routing.read().ok().and_then(|r| r.get(&ip).cloned());
        let tx = match existing {
            Some(tx) => tx,
            None => {
                let range = self.ranges.read().ok().and_then(|r| {
                    r.iter()
                        .filter(|n| n.peer_address.contains(&ip))
                        .max_by_key(|n| n.peer_address.prefix_len())
                        .cloned()
                });
                let Some(mut n) = range else { return };
                let Ok(host) = ipnet::IpNet::new(ip, if ip.is_ipv4() { 32 } else { 128 }) else {
                    return;
                };
                info!(range = %n.peer_address, peer = %ip, "session for a neighbor in a range");
                n.peer_address = host;
                n.passive = true;
                self.spawn(&n);
                match self.routing.read().ok().and_then(|r| r.get(&ip).cloned()) {
                    Some(tx) => tx,
                    None => return,
                }
            }
        };
        let _ = tx.send(Command::Incoming(stream)).await;
    }

    fn stop(
        &mut self,
        key: &NeighborKey,
        subcode: u8,
        message: &str,
    ) -> Option<oneshot::Receiver<()>> {
        let h = self.peers.remove(key)?;
        if let Ok(mut r) = self.routing.write() {
            r.remove(&h.address);
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
        self.config = new;
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
            if let Some(h) = self.peers.get(&key) {
                let _ =
                    h.tx.send(Command::Routes(Export::from_routes(&n.routes)))
                        .await;
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

/// Drop the routes of every neighbor (they live in the peers' exports once spawned).
fn without_routes(mut neighbors: Vec<Neighbor>) -> Vec<Neighbor> {
    for n in &mut neighbors {
        n.routes = Vec::new();
    }
    neighbors
}

async fn futures_all(waits: Vec<oneshot::Receiver<()>>) {
    for w in waits {
        let _ = w.await;
    }
}
