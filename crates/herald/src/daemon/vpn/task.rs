//! The VPN task: the one owner of the [`VpnEngine`] and the dataplane drivers. It takes REST
//! requests and peer events in turn; each turns into engine [`Effects`]: dataplane operations,
//! run in order on the drivers (a failure is logged and kept for the looking glass, never
//! fatal), then route changes, handed to each peer task as API routes for its Adj-RIB-Out.

use std::collections::{BTreeMap, VecDeque};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::SystemTime;

use herald_config::{AttrSet, NextHopSpec, Route, Span};
use herald_vpn::dataplane::VpnType;
use herald_vpn::{
    AttachRequest, BgpChange, DetachRequest, Effects, EngineConfig, LocalPort, PeerId, VpnEngine,
    VpnRoute,
};
use herald_wire::Family;
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, info, warn};

use super::driver::Driver;
use super::{Event, FAMILIES};
use crate::daemon::peer::{ApiOp, Command};

/// Warnings and errors kept for the looking glass.
const PROBLEMS: usize = 100;

/// What the REST side asks the VPN task.
pub enum Request {
    /// `POST /attach_localport`.
    Attach(Box<AttachRequest>, oneshot::Sender<Reply>),
    /// `POST /detach_localport`.
    Detach(Box<DetachRequest>, oneshot::Sender<Reply>),
    /// `GET /looking-glass/…`: the value at `path` (decoded segments), `href`s under `base`;
    /// `None` when there is nothing there.
    LookingGlass {
        /// The path's segments.
        path: Vec<String>,
        /// `http://<host>/looking-glass`.
        base: String,
        /// The answer.
        reply: oneshot::Sender<Option<Value>>,
    },
    /// Remove every instance's dataplane and stop.
    Shutdown(oneshot::Sender<()>),
}

/// The outcome of an attach or detach.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// Done.
    Ok,
    /// Refused: the client's mistake; nothing changed.
    BadRequest(String),
    /// Done in the control plane, but the dataplane failed.
    Failed(String),
}

/// A session as the VPN task knows it.
pub(super) struct PeerInfo {
    pub(super) name: String,
    pub(super) address: IpAddr,
    tx: mpsc::Sender<Command>,
    pub(super) state: &'static str,
    pub(super) previous_state: &'static str,
    pub(super) since: SystemTime,
    /// Negotiated families and RTC, while established.
    pub(super) up: Option<(Vec<Family>, bool)>,
}

/// The task's state.
pub(super) struct Task {
    pub(super) engine: VpnEngine,
    pub(super) cfg: herald_config::Vpn,
    pub(super) evpn: Driver,
    pub(super) ipvpn: Driver,
    pub(super) peers: BTreeMap<PeerId, PeerInfo>,
    /// `{level, time, message}`, the newest last.
    pub(super) problems: VecDeque<Value>,
    pub(super) started: SystemTime,
}

/// A route for a peer's Adj-RIB-Out, as an API route.
fn to_route(r: &VpnRoute) -> Route {
    Route {
        family: r.family(),
        nlri: r.nlri.to_nlri(),
        next_hop: NextHopSpec::Ip(r.next_hop),
        attributes: AttrSet::new(r.attributes.clone()),
        labels: None,
        withdrawn: false,
        origin: Span::default(),
    }
}

impl Task {
    /// The engine and drivers for `cfg`; a Linux E-VPN driver first removes what a herald
    /// that did not stop cleanly left behind (as BaGPipe's `reset_state`).
    pub(super) async fn new(cfg: &herald_config::Vpn, local_as: u32) -> Result<Task, String> {
        let mut ec = EngineConfig::new(cfg.local_address, local_as);
        ec.rd_range = cfg.rd_range.0..=cfg.rd_range.1;
        ec.label_range = cfg.label_range.0..=cfg.label_range.1;
        ec.vni_range = cfg.vni_range.0..=cfg.vni_range.1;
        ec.vxlan_port = cfg.vxlan_port;
        ec.enable_rtc = cfg.rtc;
        ec.hash_salt = tokio::fs::read_to_string("/proc/sys/kernel/hostname")
            .await
            .map(|h| h.trim().to_string())
            .unwrap_or_default();
        let engine = VpnEngine::new(ec).map_err(|e| format!("vpn: {e}"))?;
        let mut evpn = Driver::new(cfg.evpn_dataplane, "evpn")?;
        let ipvpn = Driver::new(cfg.ipvpn_dataplane, "ipvpn")?;
        if let Driver::Linux(d) = &mut evpn {
            match d.cleanup_all().await {
                Ok(gone) if !gone.is_empty() => {
                    info!(devices = %gone.join(" "), "vpn: removed devices left by an earlier herald");
                }
                Ok(_) => {}
                Err(e) => return Err(format!("vpn: evpn dataplane linux: {e}")),
            }
        }
        info!(local_address = %cfg.local_address, rest = %cfg.rest, evpn = evpn.name(), ipvpn = ipvpn.name(), rtc = cfg.rtc, "vpn PE ready");
        Ok(Task {
            engine,
            cfg: cfg.clone(),
            evpn,
            ipvpn,
            peers: BTreeMap::new(),
            problems: VecDeque::new(),
            started: SystemTime::now(),
        })
    }

    /// Serve until [`Request::Shutdown`] (or the daemon drops the request channel).
    pub(super) async fn run(
        mut self,
        mut events: mpsc::Receiver<Event>,
        mut requests: mpsc::Receiver<Request>,
    ) {
        loop {
            tokio::select! {
                Some(ev) = events.recv() => self.event(ev).await,
                r = requests.recv() => match r {
                    Some(Request::Shutdown(done)) => {
                        self.shutdown().await;
                        let _ = done.send(());
                        return;
                    }
                    Some(r) => self.request(r).await,
                    None => return,
                },
            }
        }
    }

    fn problem(&mut self, level: &'static str, message: String) {
        super::log_problem(level, &message);
        if self.problems.len() == PROBLEMS {
            self.problems.pop_front();
        }
        self.problems.push_back(json!({
            "level": level,
            "time": super::lg::utc(SystemTime::now()),
            "message": message,
        }));
    }

    async fn request(&mut self, r: Request) {
        match r {
            Request::Attach(req, reply) => {
                let r = self.attach(&req).await;
                let _ = reply.send(r);
            }
            Request::Detach(req, reply) => {
                let r = match self.engine.detach(&req) {
                    Ok(fx) => {
                        info!(instance = %req.vpn_instance_id, mac = %req.mac_address, port = %req.local_port.name(), "vpn: detached");
                        self.apply(fx).await
                    }
                    Err(e) => Reply::BadRequest(e.to_string()),
                };
                let _ = reply.send(r);
            }
            Request::LookingGlass { path, base, reply } => {
                let _ = reply.send(super::lg::render(self, &path, &base));
            }
            Request::Shutdown(done) => {
                let _ = done.send(());
            }
        }
    }

    async fn attach(&mut self, req: &AttachRequest) -> Reply {
        // The Linux driver can say now that the port is missing: refused before anything
        // changes (the client's mistake, as BaGPipe's `ip link` failure would be).
        if let (VpnType::Evpn, Driver::Linux(d), LocalPort::Linux(port)) =
            (req.vpn_type, &self.evpn, &req.local_port)
        {
            if let Ok(None) = d.link_by_name(port).await {
                return Reply::BadRequest(format!("local_port {port}: no such interface"));
            }
        }
        match self.engine.attach(req) {
            Ok(fx) => {
                info!(instance = %req.vpn_instance_id, mac = %req.mac_address, port = %req.local_port.name(), "vpn: attached");
                self.apply(fx).await
            }
            Err(e) => Reply::BadRequest(e.to_string()),
        }
    }

    async fn event(&mut self, ev: Event) {
        match ev {
            Event::Added {
                peer,
                name,
                address,
                tx,
            } => {
                self.peers.insert(
                    peer,
                    PeerInfo {
                        name,
                        address,
                        tx,
                        state: "Idle",
                        previous_state: "Idle",
                        since: SystemTime::now(),
                        up: None,
                    },
                );
            }
            Event::State { peer, from, to } => {
                if let Some(p) = self.peers.get_mut(&peer) {
                    p.previous_state = from;
                    p.state = to;
                    p.since = SystemTime::now();
                }
            }
            Event::Up {
                peer,
                families,
                rtc,
            } => {
                // A session that went down without its Down being seen first.
                self.down(peer, true).await;
                let Some(p) = self.peers.get_mut(&peer) else {
                    return;
                };
                let vpn = families.iter().any(|f| FAMILIES.contains(f));
                // `rtc false`: no membership routes either way, the peer gets every route.
                let rtc = rtc && self.cfg.rtc;
                info!(peer = %p.name, rtc, vpn, "vpn: peer up");
                p.up = Some((families, rtc));
                if vpn {
                    let fx = self.engine.peer_up(peer, rtc);
                    self.apply(fx).await;
                }
            }
            Event::Routes { peer, routes } => {
                let mut fx = Effects::default();
                for k in &routes.withdrawn {
                    merge(&mut fx, self.engine.route_withdrawn(peer, k));
                }
                for r in routes.announced {
                    merge(&mut fx, self.engine.route_received(peer, r));
                }
                self.apply(fx).await;
            }
            Event::Down { peer } => self.down(peer, true).await,
            Event::Removed { peer } => {
                self.down(peer, false).await;
                self.peers.remove(&peer);
            }
        }
    }

    /// A session ended: the engine forgets what it received from the peer (the dataplane
    /// entries those routes made go) and, when `tell` (the peer task is still there), the
    /// peer's Adj-RIB-Out loses our routes (else it would keep them for its next session).
    async fn down(&mut self, peer: PeerId, tell: bool) {
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        let Some((families, _)) = p.up.take() else {
            return;
        };
        info!(peer = %p.name, "vpn: peer down");
        if tell {
            let sent: Vec<(bool, Route)> = self
                .engine
                .routes_for_peer(peer)
                .iter()
                .filter(|r| families.contains(&r.family()))
                .map(|r| (false, to_route(r)))
                .collect();
            if !sent.is_empty() {
                let tx = p.tx.clone();
                let _ = tx.send(Command::Api(ApiOp::Routes(Arc::new(sent)))).await;
            }
        }
        let fx = self.engine.peer_down(peer);
        self.apply(fx).await;
    }

    /// Carry out `fx`: dataplane operations in order, then the route changes.
    async fn apply(&mut self, fx: Effects) -> Reply {
        let mut failed = Vec::new();
        for op in &fx.dataplane {
            let driver = match op.vpn_type() {
                VpnType::Evpn => &mut self.evpn,
                VpnType::Ipvpn => &mut self.ipvpn,
            };
            if let Err(e) = driver.apply(op).await {
                let m = format!("dataplane {}: {e}", op.name());
                self.problem("error", m.clone());
                failed.push(m);
            }
        }
        self.send_routes(fx.bgp).await;
        if failed.is_empty() {
            Reply::Ok
        } else {
            Reply::Failed(failed.join("; "))
        }
    }

    /// Hand route changes to the peers, in order, one batch per peer; a peer gets only the
    /// families it negotiated.
    async fn send_routes(&mut self, changes: Vec<BgpChange>) {
        let mut batches: Vec<(PeerId, Vec<(bool, Route)>)> = Vec::new();
        for c in changes {
            let (peer, announce, route) = match c {
                BgpChange::Announce { peer, route } => (peer, true, route),
                BgpChange::Withdraw { peer, route } => (peer, false, route),
            };
            let takes = self
                .peers
                .get(&peer)
                .and_then(|p| p.up.as_ref())
                .is_some_and(|(f, _)| f.contains(&route.family()));
            if !takes {
                continue;
            }
            let r = (announce, to_route(&route));
            match batches.iter_mut().find(|(p, _)| *p == peer) {
                Some((_, v)) => v.push(r),
                None => batches.push((peer, vec![r])),
            }
        }
        for (peer, routes) in batches {
            let Some(p) = self.peers.get(&peer) else {
                continue;
            };
            debug!(peer = %p.name, routes = routes.len(), "vpn: routes to the peer");
            let tx = p.tx.clone();
            if tx
                .send(Command::Api(ApiOp::Routes(Arc::new(routes))))
                .await
                .is_err()
            {
                warn!(peer = %p.name, "vpn: the peer task is gone: routes not delivered");
            }
        }
    }

    /// Stop every instance and remove its dataplane (the sessions are stopping: no route
    /// changes are sent).
    async fn shutdown(&mut self) {
        let fx = self.engine.stop_all();
        let n = fx
            .dataplane
            .iter()
            .filter(|op| {
                matches!(
                    op,
                    herald_vpn::dataplane::DataplaneOp::EvpnDelete { .. }
                        | herald_vpn::dataplane::DataplaneOp::VrfDelete { .. }
                )
            })
            .count();
        for op in &fx.dataplane {
            let driver = match op.vpn_type() {
                VpnType::Evpn => &mut self.evpn,
                VpnType::Ipvpn => &mut self.ipvpn,
            };
            if let Err(e) = driver.apply(op).await {
                warn!("vpn: shutdown: dataplane {}: {e}", op.name());
            }
        }
        info!(
            instances = n,
            "vpn: instances stopped, their dataplane removed"
        );
    }

    /// The families the peer negotiated among the VPN ones (empty while it is down).
    pub(super) fn vpn_families(&self, peer: PeerId) -> Vec<Family> {
        self.peers
            .get(&peer)
            .and_then(|p| p.up.as_ref())
            .map(|(f, _)| f.iter().filter(|f| FAMILIES.contains(f)).copied().collect())
            .unwrap_or_default()
    }
}

fn merge(into: &mut Effects, fx: Effects) {
    into.bgp.extend(fx.bgp);
    into.dataplane.extend(fx.dataplane);
}
