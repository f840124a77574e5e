//! Commands from programs (helper processes, the control socket): one language, one
//! dispatcher. Each line is parsed, its neighbors chosen (a helper reaches the neighbors
//! whose `api` names it; the control socket reaches all; `neighbor …` selectors narrow that
//! down), and the work handed to the peer tasks. Each command is answered `done` or `error`
//! (unless acks are off), in order, and only once the peer tasks have taken it: a
//! command that was acknowledged is in their Adj-RIB-Out.
//!
//! Consecutive route commands in one batch of lines go to each peer as one message, so a
//! program that writes one route per line still fills UPDATEs.

use std::fmt::Write;
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use herald_api::command::{self, AckMode, Command as Cmd, NeighborView, RibDirection, Selector};
use herald_config::{NeighborKey, NextHopSpec, Route};
use herald_wire::Family;
use tokio::sync::oneshot;
use tracing::{info, warn};

use super::peer::{ApiOp, Command, NeighborStatus, RibQuery};
use super::process::{Request, Source, ACK_OFF, ACK_ON};
use super::Daemon;

/// What the daemon must do after a batch of commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    /// Nothing.
    Continue,
    /// Reload the configuration.
    Reload,
    /// Restart every neighbor from the configuration.
    Restart,
    /// Stop herald.
    Shutdown,
}

/// Route changes waiting to be handed to the peers, and the answers that follow them.
#[derive(Default)]
struct Pending {
    per_peer: Vec<(NeighborKey, Vec<(bool, Route)>)>,
    answers: Vec<Result<(), String>>,
}

/// Selector fields of one neighbor.
#[derive(Clone, Debug)]
pub struct PeerMeta {
    /// Peer address.
    pub address: IpAddr,
    /// Configured local address.
    pub local_ip: Option<IpAddr>,
    /// Local AS.
    pub local_as: u32,
    /// Configured peer AS.
    pub peer_as: Option<u32>,
    /// Router id.
    pub router_id: std::net::Ipv4Addr,
    /// Configured families.
    pub families: Vec<Family>,
    /// Processes named by its `api` blocks (by name, and `processes-match` resolved).
    pub processes: Vec<String>,
}

impl PeerMeta {
    /// ExaBGP's full name of a neighbor, which `show adj-rib … extensive` prints before each
    /// route: `neighbor IP local-ip IP local-as N peer-as N router-id ID family-allowed in-open`.
    pub fn name(&self) -> String {
        let auto = |v: Option<String>| v.unwrap_or_else(|| "auto".to_string());
        format!(
            "neighbor {} local-ip {} local-as {} peer-as {} router-id {} family-allowed {}",
            self.address,
            auto(self.local_ip.map(|a| a.to_string())),
            self.local_as,
            auto(self.peer_as.map(|a| a.to_string())),
            self.router_id,
            command::family_allowed_name(&self.families, false)
        )
    }

    /// Whether `neighbor …` selectors pick this neighbor (ExaBGP's rules, in herald-api).
    fn selected(&self, selectors: &[Selector]) -> bool {
        let family_allowed = command::family_allowed_name(&self.families, false);
        command::selected(
            selectors,
            &command::SelectorTarget {
                peer: self.address,
                local_ip: self.local_ip,
                local_as: Some(self.local_as),
                peer_as: self.peer_as,
                router_id: self.router_id,
                family_allowed: &family_allowed,
            },
        )
    }
}

impl Daemon {
    /// The neighbors a line reaches.
    fn targets(&self, source: &Source, selectors: &[Selector]) -> Vec<NeighborKey> {
        let mut v: Vec<NeighborKey> = self
            .peers
            .iter()
            .filter(|(_, h)| !source.process || h.meta.processes.contains(&source.name))
            .filter(|(_, h)| h.meta.selected(selectors))
            .map(|(k, _)| k.clone())
            .collect();
        v.sort();
        v
    }

    /// Run a batch of lines from one source.
    pub(super) async fn dispatch(&mut self, req: Request) -> After {
        let src = req.source;
        let sync = req.sync;
        let mut pending = Pending::default();
        let mut after = After::Continue;
        for p in req.lines {
            let trimmed = p.text.trim();
            let parsed = match p.line {
                // A comment is answered `done`, as ExaBGP does; a blank line is skipped.
                Ok(command::Line {
                    command: Cmd::Comment,
                    ..
                }) => {
                    if !trimmed.is_empty() {
                        pending.answers.push(Ok(()));
                    }
                    continue;
                }
                Ok(l) => l,
                Err(e) => {
                    warn!(source = %src.name, command = %trimmed, "refused: {e}");
                    pending.answers.push(Err(e.to_string()));
                    continue;
                }
            };
            let targets = self.targets(&src, &parsed.selectors);
            match parsed.command {
                Cmd::Announce(routes) | Cmd::Withdraw(routes) if targets.is_empty() => {
                    let _ = routes;
                    pending
                        .answers
                        .push(Err(format!("no neighbor matching the command: {trimmed}")));
                }
                Cmd::Announce(routes) => match self.check_routes(&routes, &targets) {
                    Err(e) => {
                        warn!(source = %src.name, command = %trimmed, "refused: {e}");
                        pending.answers.push(Err(e));
                    }
                    Ok(()) => {
                        add(&mut pending, &targets, true, routes);
                        pending.answers.push(Ok(()));
                    }
                },
                Cmd::Withdraw(routes) => {
                    add(&mut pending, &targets, false, routes);
                    pending.answers.push(Ok(()));
                }
                other => {
                    self.flush_pending(&src, &mut pending).await;
                    match self.run(&src, other, &targets, trimmed).await {
                        Ok(a) => {
                            if a != After::Continue {
                                after = a;
                            }
                        }
                        Err(e) => {
                            warn!(source = %src.name, command = %trimmed, "failed: {e}");
                            src.error(&e);
                        }
                    }
                }
            }
        }
        self.flush_pending(&src, &mut pending).await;
        if let Some(s) = sync {
            let _ = s.send(());
        }
        after
    }

    /// Refuse an announcement no target can carry.
    fn check_routes(&self, routes: &[Route], targets: &[NeighborKey]) -> Result<(), String> {
        if targets.is_empty() {
            return Err("no neighbor matching the command".into());
        }
        for r in routes {
            let flow = matches!(
                r.family.safi,
                herald_wire::Safi::FLOW | herald_wire::Safi::FLOW_VPN
            );
            if r.next_hop == NextHopSpec::None && !flow {
                return Err(format!(
                    "{}: an announcement needs a next-hop",
                    r.describe()
                ));
            }
            let ok = targets.iter().any(|k| {
                self.peers
                    .get(k)
                    .is_some_and(|h| h.meta.families.contains(&r.family))
            });
            if !ok {
                return Err(format!(
                    "{}: family {} is not configured for the selected neighbors",
                    r.describe(),
                    r.family
                ));
            }
        }
        Ok(())
    }

    async fn flush_pending(&mut self, src: &Source, pending: &mut Pending) {
        for (k, changes) in std::mem::take(&mut pending.per_peer) {
            self.send_routes(&k, Arc::new(changes)).await;
        }
        for a in std::mem::take(&mut pending.answers) {
            match a {
                Ok(()) => src.done(),
                Err(e) => src.error(&e),
            }
        }
    }

    /// Hand route changes to a neighbor's task (waiting for room in its queue).
    async fn send_routes(&self, k: &NeighborKey, changes: Arc<Vec<(bool, Route)>>) {
        if let Some(h) = self.peers.get(k) {
            if h.tx
                .send(Command::Api(ApiOp::Routes(changes)))
                .await
                .is_err()
            {
                warn!(neighbor = %k, "neighbor task gone: routes not delivered");
            }
        }
    }

    async fn send_all(&self, targets: &[NeighborKey], mut op: impl FnMut() -> ApiOp) {
        for k in targets {
            if let Some(h) = self.peers.get(k) {
                let _ = h.tx.send(Command::Api(op())).await;
            }
        }
    }

    async fn run(
        &mut self,
        src: &Arc<Source>,
        cmd: Cmd,
        targets: &[NeighborKey],
        text: &str,
    ) -> Result<After, String> {
        let need_targets = || {
            if targets.is_empty() {
                Err(format!("no neighbor matching the command: {text}"))
            } else {
                Ok(())
            }
        };
        match cmd {
            Cmd::Announce(_) | Cmd::Withdraw(_) | Cmd::Comment => {}
            Cmd::Debug(text) => info!(source = %src.name, "debug: {text}"),
            Cmd::AnnounceEor(f) => {
                need_targets()?;
                self.send_all(targets, || ApiOp::Eor(f)).await;
            }
            Cmd::RouteRefresh(f) => {
                need_targets()?;
                self.send_all(targets, || ApiOp::RouteRefresh(f)).await;
            }
            Cmd::FlushAdjRibOut => {
                need_targets()?;
                self.send_all(targets, || ApiOp::FlushOut).await;
            }
            Cmd::ClearAdjRib(RibDirection::In) => {
                need_targets()?;
                self.send_all(targets, || ApiOp::ClearIn).await;
            }
            Cmd::ClearAdjRib(RibDirection::Out) => {
                need_targets()?;
                self.send_all(targets, || ApiOp::ClearOut).await;
            }
            Cmd::Teardown { subcode, message } => {
                need_targets()?;
                let message = message.unwrap_or_default();
                self.send_all(targets, || ApiOp::Teardown {
                    subcode,
                    message: message.clone(),
                })
                .await;
            }
            Cmd::Watchdog { name, announce } => {
                need_targets()?;
                self.send_all(targets, || ApiOp::Watchdog {
                    name: name.clone(),
                    announce,
                })
                .await;
            }
            Cmd::ShowNeighbor { view, json } => {
                let statuses = self.statuses(targets).await;
                show_neighbors(src, &statuses, view, json);
            }
            Cmd::ShowAdjRib {
                direction,
                extensive,
                json,
                families,
            } => {
                for k in targets {
                    let Some(h) = self.peers.get(k) else { continue };
                    let q = RibQuery {
                        received: direction == RibDirection::In,
                        extensive,
                        json,
                        families: families.clone(),
                        name: h.meta.name(),
                        prefix: None,
                        skip: 0,
                        limit: RIB_PAGE,
                    };
                    stream_rib(&h.tx, q, |lines| {
                        let consumer = src.consumer.clone();
                        async move {
                            consumer.wait_room().await;
                            let mut s = String::new();
                            for l in lines {
                                s.push_str(&l);
                                s.push('\n');
                            }
                            consumer.push_answer(s);
                            !consumer.is_closed()
                        }
                    })
                    .await;
                }
            }
            Cmd::InjectMrt(m) => {
                need_targets()?;
                // The file is read on a blocking thread; batches go to the peers as they come
                // (each peer's channel is bounded: a slow peer slows the reading).
                let (tx, mut rx) = tokio::sync::mpsc::channel(2);
                let started = std::time::Instant::now();
                let reader = tokio::task::spawn_blocking(move || {
                    let r = super::inject::read(&m, &tx);
                    (m.path, r)
                });
                while let Some(batch) = rx.recv().await {
                    let changes = super::inject::changes(batch);
                    for k in targets {
                        self.send_routes(k, changes.clone()).await;
                    }
                }
                match reader.await {
                    Ok((path, Ok(done))) => info!(
                        source = %src.name, file = %path, routes = done.routes,
                        skipped = done.skipped, elapsed_ms = started.elapsed().as_millis() as u64,
                        "MRT routes injected"
                    ),
                    Ok((_, Err(e))) => return Err(e),
                    Err(e) => return Err(format!("MRT reader failed: {e}")),
                }
            }
            Cmd::Reload => {
                src.done();
                return Ok(After::Reload);
            }
            Cmd::Restart => {
                src.done();
                return Ok(After::Restart);
            }
            Cmd::Shutdown => {
                src.done();
                return Ok(After::Shutdown);
            }
            Cmd::Version => {
                src.line(format!("herald {}", env!("CARGO_PKG_VERSION")));
            }
            Cmd::Help => {
                for l in command::help().lines() {
                    src.line(l);
                }
            }
            Cmd::Ack(mode) => {
                match mode {
                    AckMode::Enable => {
                        src.ack.store(ACK_ON, Ordering::Relaxed);
                        src.done();
                    }
                    AckMode::Disable => {
                        src.done();
                        src.ack.store(ACK_OFF, Ordering::Relaxed);
                    }
                    AckMode::Silence => src.ack.store(ACK_OFF, Ordering::Relaxed),
                }
                return Ok(After::Continue);
            }
        }
        src.done();
        Ok(After::Continue)
    }

    async fn statuses(&self, targets: &[NeighborKey]) -> Vec<NeighborStatus> {
        let mut out = Vec::new();
        for k in targets {
            let Some(h) = self.peers.get(k) else { continue };
            let (tx, rx) = oneshot::channel();
            if h.tx.send(Command::Api(ApiOp::Status(tx))).await.is_err() {
                continue;
            }
            if let Ok(Ok(s)) = tokio::time::timeout(Duration::from_secs(5), rx).await {
                out.push(s);
            }
        }
        out
    }
}

/// Routes per page of a RIB listing (at least; see the peer's `MAX_PAGES`): a peer task
/// renders one page per request, between which it goes on with its session, and the listing
/// never holds more than a page in memory.
pub const RIB_PAGE: usize = 2048;

/// Page through a peer's RIB listing, handing each page to `sink` (which returns false to
/// stop: the reader went away). The listing is not a snapshot: routes that change while it
/// runs may be missed or shown twice, as in a router's `show` command.
pub async fn stream_rib<F, Fut>(
    tx: &tokio::sync::mpsc::Sender<Command>,
    mut q: RibQuery,
    mut sink: F,
) where
    F: FnMut(Vec<String>) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    loop {
        let (reply, rx) = oneshot::channel();
        if tx
            .send(Command::Api(ApiOp::Rib(q.clone(), reply)))
            .await
            .is_err()
        {
            return;
        }
        let Ok(Ok(page)) = tokio::time::timeout(Duration::from_secs(30), rx).await else {
            return;
        };
        q.skip += page.lines.len();
        let more = page.more && !page.lines.is_empty();
        if !sink(page.lines).await || !more {
            return;
        }
    }
}

fn add(pending: &mut Pending, targets: &[NeighborKey], announce: bool, routes: Vec<Route>) {
    for k in targets {
        let slot = match pending.per_peer.iter_mut().position(|(x, _)| x == k) {
            Some(i) => i,
            None => {
                pending.per_peer.push((k.clone(), Vec::new()));
                pending.per_peer.len() - 1
            }
        };
        if let Some((_, v)) = pending.per_peer.get_mut(slot) {
            v.extend(routes.iter().map(|r| (announce, r.clone())));
        }
    }
}

fn updown(s: &NeighborStatus) -> String {
    match s.uptime {
        Some(t) => format!("{}:{:02}:{:02}", t / 3600, (t / 60) % 60, t % 60),
        None => "down".into(),
    }
}

fn show_neighbors(src: &Source, statuses: &[NeighborStatus], view: NeighborView, json: bool) {
    if json {
        let mut s = String::from("[");
        for (i, n) in statuses.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            let _ = write!(
                s,
                " {{ \"peer-address\": \"{}\", \"local-address\": \"{}\", \"local-as\": {}, \"peer-as\": {}, \"state\": \"{}\", \"duration\": {}, \"messages\": {{ \"open\": {}, \"update\": {}, \"notification\": {}, \"keepalive\": {}, \"refresh\": {} }}, \"routes\": {{ \"received\": {}, \"stale\": {}, \"sent\": {} }}, \"families\": [{}] }}",
                n.address,
                n.local_address.map(|a| a.to_string()).unwrap_or_default(),
                n.local_as,
                n.peer_as.map(|a| a.to_string()).unwrap_or_else(|| "null".into()),
                n.state.to_ascii_lowercase(),
                n.uptime.unwrap_or(0),
                n.received[1],
                n.received[2],
                n.received[3],
                n.received[4],
                n.received[5],
                n.routes_received,
                n.routes_stale,
                n.routes_sent,
                n.families
                    .iter()
                    .map(|f| format!("\"{}\"", super::peer::family_words(*f)))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        s.push_str(" ]");
        src.line(s);
        return;
    }
    match view {
        NeighborView::Summary => {
            src.line("Peer            AS        up/down state       |     #sent     #recvd");
            for n in statuses {
                src.line(format!(
                    "{:<15} {:<7} {:>9} {:<12} {:>10} {:>10}",
                    n.address.to_string(),
                    n.peer_as
                        .map(|a| a.to_string())
                        .unwrap_or_else(|| "-".into()),
                    updown(n),
                    n.state.to_ascii_lowercase(),
                    n.routes_sent,
                    n.routes_received
                ));
            }
        }
        NeighborView::Configuration => {
            for n in statuses {
                src.line(format!("neighbor {} {{", n.address));
                for (k, v) in &n.configuration {
                    src.line(format!("    {k} {v};"));
                }
                src.line("}");
            }
        }
        NeighborView::Extensive | NeighborView::Plain => {
            for n in statuses {
                src.line(format!("Neighbor {}", n.address));
                src.line(format!(
                    "    state          {}",
                    n.state.to_ascii_lowercase()
                ));
                src.line(format!("    up for         {}", updown(n)));
                src.line(format!(
                    "    local          {} AS {}",
                    n.local_address
                        .map(|a| a.to_string())
                        .unwrap_or_else(|| "-".into()),
                    n.local_as
                ));
                src.line(format!(
                    "    peer AS        {}",
                    n.peer_as
                        .map(|a| a.to_string())
                        .unwrap_or_else(|| "-".into())
                ));
                src.line(format!(
                    "    families       {}",
                    n.families
                        .iter()
                        .map(|f| super::peer::family_words(*f))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                src.line(format!(
                    "    routes         received {} (stale {}), announced {}",
                    n.routes_received, n.routes_stale, n.routes_sent
                ));
                if view == NeighborView::Extensive {
                    src.line(format!(
                        "    messages in    open {} update {} notification {} keepalive {} refresh {}",
                        n.received[1], n.received[2], n.received[3], n.received[4], n.received[5]
                    ));
                }
            }
        }
    }
}
