//! The VPN PE role in the daemon (`vpn { }` in the configuration): one task owns the
//! [`herald_vpn::VpnEngine`] and the dataplane drivers; BaGPipe's REST API and looking glass
//! ([`rest`]) and the peer tasks ([`Feed`]) talk to it over bounded channels.
//!
//! ```text
//!  REST client ─► axum handler ─► Request (+ oneshot reply) ─┐  REQUESTS (64)
//!  peer task ─► Feed ─► Event (added, state, up, routes, down)┤  EVENTS (1,024, shared)
//!                                                             ▼
//!                     VPN task: VpnEngine ─► dataplane ops, in order, on the drivers
//!                                         ─► BgpChange ─► Command::Api(ApiOp::Routes) ─► peer task
//!                                                          (its Adj-RIB-Out, as API routes)
//! ```
//!
//! The feed never blocks a peer task: an event that does not fit in the shared channel waits
//! in the peer's own backlog (at most [`BACKLOG`] events) and goes out, in order, as the
//! channel drains (the peer task's select waits for room). A backlog that overflows means the
//! engine would lose routes: the peer task drops the waiting routes and resets the session
//! (Cease 6/8, Out of Resources); the engine then gets the session's Down, forgets the peer's
//! routes, and gets them all again with the next session.

mod driver;
mod lg;
pub mod rest;
mod task;

use std::collections::VecDeque;
use std::net::IpAddr;

use herald_vpn::{PeerId, UpdateRoutes};
use herald_wire::Family;
use tokio::sync::{mpsc, oneshot};
use tracing::{error, info, warn};

use super::peer::Command;

pub use task::Request;

/// Events from every peer task, waiting for the VPN task.
pub const EVENTS: usize = 1024;
/// Events one peer task keeps when the shared channel is full, before it resets its session.
pub const BACKLOG: usize = 4096;
/// REST requests waiting for the VPN task.
pub const REQUESTS: usize = 64;

/// The families the VPN engine takes from and gives to peers.
pub const FAMILIES: [Family; 4] = [
    herald_vpn::route::EVPN,
    herald_vpn::route::VPNV4,
    herald_vpn::route::VPNV6,
    herald_vpn::route::RTC,
];

/// What a peer task tells the VPN task.
pub enum Event {
    /// The peer task started: how to reach it.
    Added {
        /// The peer.
        peer: PeerId,
        /// Its configuration key, for logs.
        name: String,
        /// Its address (the looking glass's peer id).
        address: IpAddr,
        /// Its command channel (route changes go there).
        tx: mpsc::Sender<Command>,
    },
    /// The session's state changed.
    State {
        /// The peer.
        peer: PeerId,
        /// The state it left.
        from: &'static str,
        /// The state it entered.
        to: &'static str,
    },
    /// The session is established with a VPN family.
    Up {
        /// The peer.
        peer: PeerId,
        /// The families negotiated.
        families: Vec<Family>,
        /// RTC (IPv4/132) was negotiated.
        rtc: bool,
    },
    /// Routes of the VPN families the peer announced and withdrew in one UPDATE.
    Routes {
        /// The peer.
        peer: PeerId,
        /// The routes.
        routes: UpdateRoutes,
    },
    /// The session went down.
    Down {
        /// The peer.
        peer: PeerId,
    },
    /// The peer task ended.
    Removed {
        /// The peer.
        peer: PeerId,
    },
}

/// A peer task's end of the events channel, with its backlog.
pub struct Feed {
    peer: PeerId,
    tx: mpsc::Sender<Event>,
    backlog: VecDeque<Event>,
    /// The VPN task is gone: events are dropped.
    closed: bool,
}

impl Feed {
    /// The feed of peer `peer`.
    pub fn new(peer: PeerId, tx: mpsc::Sender<Event>) -> Feed {
        Feed {
            peer,
            tx,
            backlog: VecDeque::new(),
            closed: false,
        }
    }

    /// The peer's id.
    pub fn peer(&self) -> PeerId {
        self.peer
    }

    /// Send `ev` now, or keep it behind the events already waiting. `false` when the backlog
    /// is full: the waiting routes were dropped and the caller must reset the session.
    pub fn push(&mut self, ev: Event) -> bool {
        if self.closed {
            return true;
        }
        if self.backlog.is_empty() {
            match self.tx.try_send(ev) {
                Ok(()) => return true,
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    self.closed = true;
                    return true;
                }
                Err(mpsc::error::TrySendError::Full(ev)) => self.backlog.push_back(ev),
            }
            return true;
        }
        self.backlog.push_back(ev);
        if self.backlog.len() <= BACKLOG {
            return true;
        }
        // Routes (and state changes, for the looking glass only) can go: the Down that the
        // session reset brings makes the engine forget this session's routes.
        self.backlog
            .retain(|e| !matches!(e, Event::Routes { .. } | Event::State { .. }));
        false
    }

    /// Events wait for room in the channel.
    pub fn pending(&self) -> bool {
        !self.closed && !self.backlog.is_empty()
    }

    /// A sender to reserve room with (the peer task's select waits on it).
    pub fn sender(&self) -> mpsc::Sender<Event> {
        self.tx.clone()
    }

    /// Room was reserved: send the oldest waiting event, then as many more as fit.
    pub fn send_reserved(&mut self, permit: Option<mpsc::OwnedPermit<Event>>) {
        let Some(permit) = permit else {
            self.closed = true;
            self.backlog.clear();
            return;
        };
        let Some(ev) = self.backlog.pop_front() else {
            return;
        };
        permit.send(ev);
        while let Some(ev) = self.backlog.pop_front() {
            if let Err(e) = self.tx.try_send(ev) {
                match e {
                    mpsc::error::TrySendError::Full(ev) => self.backlog.push_front(ev),
                    mpsc::error::TrySendError::Closed(_) => self.closed = true,
                }
                return;
            }
        }
    }
}

impl Drop for Feed {
    /// The peer task ended (or was aborted): what waits, then `Removed`, are sent from a task
    /// of their own.
    fn drop(&mut self) {
        if self.closed {
            return;
        }
        let peer = self.peer;
        self.backlog.push_back(Event::Removed { peer });
        let backlog = std::mem::take(&mut self.backlog);
        let tx = self.tx.clone();
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                for ev in backlog {
                    if tx.send(ev).await.is_err() {
                        return;
                    }
                }
            });
        }
    }
}

/// The running VPN role: where REST requests go and how to stop it.
pub struct Handle {
    requests: mpsc::Sender<Request>,
    task: tokio::task::JoinHandle<()>,
    http: tokio::task::JoinHandle<()>,
}

impl Handle {
    /// Stop: every instance's dataplane is removed (up to 10 s), then the REST server.
    pub async fn shutdown(self) {
        let (done, wait) = oneshot::channel();
        if self.requests.send(Request::Shutdown(done)).await.is_ok()
            && tokio::time::timeout(std::time::Duration::from_secs(10), wait)
                .await
                .is_err()
        {
            warn!("vpn: the dataplane was not cleaned up within 10 s");
        }
        self.http.abort();
        self.task.abort();
    }
}

/// Start the VPN task and its REST server: the handle and the events sender every peer task
/// gets a [`Feed`] of. `local_as`: the origin AS of our RTC routes.
pub async fn start(
    cfg: &herald_config::Vpn,
    local_as: u32,
) -> Result<(Handle, mpsc::Sender<Event>), String> {
    let (events_tx, events) = mpsc::channel(EVENTS);
    let (requests_tx, requests) = mpsc::channel(REQUESTS);
    let t = task::Task::new(cfg, local_as).await?;
    let listener = tokio::net::TcpListener::bind(cfg.rest)
        .await
        .map_err(|e| format!("vpn: cannot listen on {} (rest): {e}", cfg.rest))?;
    let http = rest::serve(listener, requests_tx.clone())?;
    let task = tokio::spawn(async move {
        t.run(events, requests).await;
        info!("vpn task stopped");
    });
    Ok((
        Handle {
            requests: requests_tx,
            task,
            http,
        },
        events_tx,
    ))
}

/// Log a dataplane or engine problem (the task also keeps it for the looking glass).
fn log_problem(level: &str, message: &str) {
    match level {
        "error" => error!("vpn: {message}"),
        _ => warn!("vpn: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_channel_keeps_events_in_order_and_an_overflow_asks_for_a_reset() {
        let (tx, mut rx) = mpsc::channel(1);
        let mut f = Feed::new(PeerId(7), tx);
        let routes = || Event::Routes {
            peer: PeerId(7),
            routes: UpdateRoutes::default(),
        };
        assert!(f.push(Event::Down { peer: PeerId(7) }));
        assert!(!f.pending());
        for _ in 0..BACKLOG {
            assert!(f.push(routes()));
        }
        assert!(f.pending());
        // One more than the backlog holds: the routes are dropped, the caller resets.
        assert!(!f.push(routes()));
        assert!(!f.pending());
        assert!(matches!(rx.recv().await, Some(Event::Down { .. })));
        // Room again: waiting events go out in order.
        assert!(f.push(Event::Up {
            peer: PeerId(7),
            families: Vec::new(),
            rtc: false
        }));
        assert!(f.push(Event::Down { peer: PeerId(7) }));
        assert!(matches!(rx.recv().await, Some(Event::Up { .. })));
        let permit = f.sender().reserve_owned().await.ok();
        f.send_reserved(permit);
        assert!(matches!(rx.recv().await, Some(Event::Down { .. })));
        drop(f);
        assert!(matches!(rx.recv().await, Some(Event::Removed { .. })));
    }
}
