//! What the peer task tells the VPN task (`vpn { }`): that it exists (with its command
//! channel), its state changes, its session up (families, RTC) and down, and the VPN, E-VPN
//! and RTC routes of each UPDATE received. Events go through the peer's
//! [`crate::daemon::vpn::Feed`], which never waits.

use herald_wire::notification::cease;
use herald_wire::{Family, Notification};
use tokio::sync::mpsc;
use tracing::warn;

use super::{now, Peer};
use crate::daemon::vpn::{Event, BACKLOG};

impl Peer {
    /// The task started.
    pub(super) fn vpn_added(&mut self) {
        if let Some(peer) = self.spec.vpn.as_ref().map(|f| f.peer()) {
            let ev = Event::Added {
                peer,
                name: self.spec.name.clone(),
                address: self.spec.address,
                tx: self.self_tx.clone(),
            };
            self.vpn_event(ev);
        }
    }

    /// The session's state changed.
    pub(super) fn vpn_state(&mut self, from: &'static str, to: &'static str) {
        if let Some(peer) = self.spec.vpn.as_ref().map(|f| f.peer()) {
            self.vpn_event(Event::State { peer, from, to });
        }
    }

    /// The session is established with these families.
    pub(super) fn vpn_up(&mut self, families: &[Family]) {
        if let Some(peer) = self.spec.vpn.as_ref().map(|f| f.peer()) {
            let rtc = families.contains(&herald_vpn::route::RTC);
            let families = families.to_vec();
            self.vpn_event(Event::Up {
                peer,
                families,
                rtc,
            });
        }
    }

    /// The session went down.
    pub(super) fn vpn_down(&mut self) {
        if let Some(peer) = self.spec.vpn.as_ref().map(|f| f.peer()) {
            self.vpn_event(Event::Down { peer });
        }
    }

    /// The routes of the VPN families in a received UPDATE (RFC 7606 treat-as-withdraw
    /// applied), if it has any.
    pub(super) fn vpn_routes(&mut self, u: &herald_wire::Update) {
        if let Some(peer) = self.spec.vpn.as_ref().map(|f| f.peer()) {
            let routes = herald_vpn::route::routes_from_update(u);
            if !routes.announced.is_empty() || !routes.withdrawn.is_empty() {
                self.vpn_event(Event::Routes { peer, routes });
            }
        }
    }

    /// Give the VPN task an event; when this peer's backlog overflows, the routes waiting are
    /// dropped and the session is reset (Cease 6/8), so that the engine, told of the Down,
    /// gets every route again with the next session.
    fn vpn_event(&mut self, ev: Event) {
        let Some(f) = &mut self.spec.vpn else {
            return;
        };
        if f.push(ev) {
            return;
        }
        warn!(peer = %self.spec.name, backlog = BACKLOG, "the VPN task is behind: routes for it dropped, resetting the session (Cease 6/8)");
        let n = Notification::cease_with_message(
            cease::OUT_OF_RESOURCES,
            "herald: VPN engine queue full",
        );
        self.session.cease(now(), n, false);
    }
}

/// Room for one event in the VPN task's channel (`None`: the VPN task is gone).
pub(super) async fn room(tx: Option<mpsc::Sender<Event>>) -> Option<mpsc::OwnedPermit<Event>> {
    match tx {
        Some(tx) => tx.reserve_owned().await.ok(),
        None => std::future::pending().await,
    }
}
