//! The engine's BGP side: routes received from peers (imported by route target into the
//! instances, BaGPipe's publish/subscribe), peers coming and going, route target membership
//! (RTC, RFC 4684) both ways, and which of our routes each peer is sent.
//!
//! Routes are never passed from one peer to another: herald is a PE, not a reflector.
//!
//! RTC: with `enable_rtc`, the first instance importing a route target originates an RTC
//! route for it (origin AS = local AS) and the last one to stop withdraws it. A peer that
//! negotiated RTC is sent only the routes one of whose route targets matches an RTC route it
//! sent (the default route, length 0, matches all); a peer that did not is sent all routes.

use std::collections::{BTreeMap, BTreeSet};

use herald_wire::nlri::Rtc;
use herald_wire::Update;

use crate::engine::{Effects, VpnEngine};
use crate::route::{routes_from_update, rtc_route, RouteKey, VpnNlri, VpnRoute, RTC};
use crate::rt::RouteTarget;
use crate::tracker::Source;

/// A BGP peer, as the daemon numbers its sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerId(pub u64);

/// One route to send to one peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BgpChange {
    /// Announce (or replace) the route.
    Announce {
        /// The peer.
        peer: PeerId,
        /// The route.
        route: VpnRoute,
    },
    /// Withdraw the route (the one last announced to the peer with this key).
    Withdraw {
        /// The peer.
        peer: PeerId,
        /// The route.
        route: VpnRoute,
    },
}

/// What the engine knows of an established peer.
#[derive(Clone, Debug, Default)]
pub(crate) struct PeerState {
    /// RTC was negotiated: filter what it is sent by its memberships.
    pub(crate) rtc: bool,
    /// RTC routes it sent.
    pub(crate) memberships: BTreeMap<RouteKey, Rtc>,
    /// Keys of our routes it was sent.
    pub(crate) sent: BTreeSet<RouteKey>,
}

impl PeerState {
    /// Whether the peer is to be sent `r`.
    fn wants(&self, r: &VpnRoute) -> bool {
        if r.family() == RTC {
            return self.rtc;
        }
        if !self.rtc {
            return true;
        }
        r.route_targets()
            .iter()
            .any(|rt| self.memberships.values().any(|m| rt.matched_by(m)))
    }
}

impl VpnEngine {
    /// A session reached Established; `rtc` when RTC (IPv4/132) was negotiated. The effects
    /// announce our routes the peer is to be sent, RTC routes first (RFC 4684 §6). Calling it
    /// again for a peer that is up starts its filtering afresh.
    pub fn peer_up(&mut self, peer: PeerId, rtc: bool) -> Effects {
        self.peers.insert(
            peer,
            PeerState {
                rtc,
                ..PeerState::default()
            },
        );
        let mut fx = Effects::default();
        self.refilter(peer, &mut fx);
        fx
    }

    /// A session went down: every route received from the peer is withdrawn from the
    /// instances (dataplane operations), and the peer is forgotten.
    pub fn peer_down(&mut self, peer: PeerId) -> Effects {
        let mut fx = Effects::default();
        self.peers.remove(&peer);
        let gone: Vec<Source> = self
            .remote
            .keys()
            .filter(|(p, _)| *p == peer)
            .cloned()
            .collect();
        for s in gone {
            self.remote.remove(&s);
            self.remote_change(&s, None, &mut fx);
        }
        fx
    }

    /// A route received from `peer` (announced, or announced again replacing the previous
    /// one with the same key). RTC routes go to [`VpnEngine::peer_rtc_received`]; E-VPN and
    /// VPN routes are kept (also for instances created later) and imported by the instances
    /// whose route targets they carry. The peer need not be up for this.
    pub fn route_received(&mut self, peer: PeerId, route: VpnRoute) -> Effects {
        if let VpnNlri::Rtc(r) = &route.nlri {
            let r = r.clone();
            return self.peer_rtc_received(peer, r);
        }
        let mut fx = Effects::default();
        let source = (peer, route.key());
        if self.remote.get(&source) == Some(&route) {
            return fx;
        }
        self.remote.insert(source.clone(), route.clone());
        self.remote_change(&source, Some(&route), &mut fx);
        fx
    }

    /// A route withdrawn by `peer`. A key nothing was received for is ignored.
    pub fn route_withdrawn(&mut self, peer: PeerId, key: &RouteKey) -> Effects {
        let mut fx = Effects::default();
        if key.family == RTC {
            self.membership_change(peer, key, None, &mut fx);
            return fx;
        }
        let source = (peer, key.clone());
        if self.remote.remove(&source).is_some() {
            self.remote_change(&source, None, &mut fx);
        }
        fx
    }

    /// Everything an UPDATE from `peer` announces and withdraws in the families the engine
    /// handles (see [`routes_from_update`]), withdrawals first.
    pub fn update_received(&mut self, peer: PeerId, update: &Update) -> Effects {
        let routes = routes_from_update(update);
        let mut fx = Effects::default();
        for k in &routes.withdrawn {
            let e = self.route_withdrawn(peer, k);
            fx.bgp.extend(e.bgp);
            fx.dataplane.extend(e.dataplane);
        }
        for r in routes.announced {
            let e = self.route_received(peer, r);
            fx.bgp.extend(e.bgp);
            fx.dataplane.extend(e.dataplane);
        }
        fx
    }

    /// An RTC route from `peer`: routes it now asks for are announced to it. Ignored for a
    /// peer not up ([`VpnEngine::peer_up`] first).
    pub fn peer_rtc_received(&mut self, peer: PeerId, rtc: Rtc) -> Effects {
        let mut fx = Effects::default();
        let key = VpnNlri::Rtc(rtc.clone()).key();
        self.membership_change(peer, &key, Some(rtc), &mut fx);
        fx
    }

    /// An RTC route withdrawn by `peer`: routes it no longer asks for are withdrawn from it.
    pub fn peer_rtc_withdrawn(&mut self, peer: PeerId, rtc: &Rtc) -> Effects {
        let mut fx = Effects::default();
        let key = VpnNlri::Rtc(rtc.clone()).key();
        self.membership_change(peer, &key, None, &mut fx);
        fx
    }

    /// Our routes `peer` is to be sent now (the peer's Adj-RIB-Out as the engine sees it).
    pub fn routes_for_peer(&self, peer: PeerId) -> Vec<VpnRoute> {
        let Some(p) = self.peers.get(&peer) else {
            return Vec::new();
        };
        self.local
            .values()
            .filter(|r| p.wants(r))
            .cloned()
            .collect()
    }

    /// Every route we advertise (before per-peer RTC filtering).
    pub fn advertised_routes(&self) -> impl Iterator<Item = &VpnRoute> {
        self.local.values()
    }

    /// Every route received and kept, with the peer it came from.
    pub fn received_routes(&self) -> impl Iterator<Item = (PeerId, &VpnRoute)> {
        self.remote.iter().map(|((p, _), r)| (*p, r))
    }

    fn membership_change(
        &mut self,
        peer: PeerId,
        key: &RouteKey,
        rtc: Option<Rtc>,
        fx: &mut Effects,
    ) {
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        let changed = match rtc {
            Some(r) => p.memberships.insert(key.clone(), r.clone()).as_ref() != Some(&r),
            None => p.memberships.remove(key).is_some(),
        };
        if changed {
            self.refilter(peer, fx);
        }
    }

    /// Send `peer` what it is to be sent and has not been, withdraw what it has been sent
    /// and is not to be any more; RTC routes first.
    fn refilter(&mut self, peer: PeerId, fx: &mut Effects) {
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        let rtc_first = self
            .local
            .iter()
            .filter(|(k, _)| k.family == RTC)
            .chain(self.local.iter().filter(|(k, _)| k.family != RTC));
        for (k, r) in rtc_first {
            let (wants, sent) = (p.wants(r), p.sent.contains(k));
            if wants && !sent {
                p.sent.insert(k.clone());
                let route = r.clone();
                fx.bgp.push(BgpChange::Announce { peer, route });
            } else if !wants && sent {
                p.sent.remove(k);
                let route = r.clone();
                fx.bgp.push(BgpChange::Withdraw { peer, route });
            }
        }
    }

    /// Set (or remove) one of our routes and tell each peer that is to know.
    pub(crate) fn set_local(&mut self, key: &RouteKey, route: Option<&VpnRoute>, fx: &mut Effects) {
        let old = match route {
            Some(r) => self.local.insert(key.clone(), r.clone()),
            None => self.local.remove(key),
        };
        if old.as_ref() == route {
            return;
        }
        for (&peer, p) in self.peers.iter_mut() {
            let sent = p.sent.contains(key);
            match route.filter(|r| p.wants(r)) {
                Some(r) => {
                    p.sent.insert(key.clone());
                    let route = r.clone();
                    fx.bgp.push(BgpChange::Announce { peer, route });
                }
                None if sent => {
                    p.sent.remove(key);
                    if let Some(route) = old.clone() {
                        fx.bgp.push(BgpChange::Withdraw { peer, route });
                    }
                }
                None => {}
            }
        }
    }

    /// Withdraw the routes of `old` not in `new`, announce those of `new` that are new or
    /// changed.
    pub(crate) fn publish_diff(
        &mut self,
        old: &BTreeMap<RouteKey, VpnRoute>,
        new: &BTreeMap<RouteKey, VpnRoute>,
        fx: &mut Effects,
    ) {
        for k in old.keys().filter(|k| !new.contains_key(*k)) {
            self.set_local(k, None, fx);
        }
        for (k, r) in new.iter().filter(|(k, r)| old.get(*k) != Some(*r)) {
            self.set_local(k, Some(r), fx);
        }
    }

    /// Originate an RTC route for each route target some instance subscribes to, withdraw
    /// those none does any more.
    pub(crate) fn republish_rtc(&mut self, fx: &mut Effects) {
        let want: BTreeSet<RouteTarget> = if self.config.enable_rtc {
            self.instances
                .values()
                .flat_map(|i| i.subscribed_rts())
                .collect()
        } else {
            BTreeSet::new()
        };
        let (asn, nh) = (self.config.local_as, self.config.local_address);
        let gone: Vec<RouteTarget> = self.rtc_published.difference(&want).copied().collect();
        let new: Vec<RouteTarget> = want.difference(&self.rtc_published).copied().collect();
        for rt in gone {
            self.set_local(&rtc_route(asn, rt, nh).key(), None, fx);
        }
        for rt in new {
            let r = rtc_route(asn, rt, nh);
            self.set_local(&r.key(), Some(&r), fx);
        }
        self.rtc_published = want;
    }

    /// Feed a received route (or its withdrawal) to every instance; republish the instances
    /// whose re-advertised prefixes changed.
    fn remote_change(&mut self, source: &Source, route: Option<&VpnRoute>, fx: &mut Effects) {
        let env = self.env();
        let mut readv = Vec::new();
        for (id, inst) in self.instances.iter_mut() {
            let (ops, r) = inst.remote_update(source, route, &env);
            fx.dataplane.extend(ops);
            if r {
                readv.push(id.clone());
            }
        }
        for id in readv {
            self.republish(&id, fx);
        }
    }
}
