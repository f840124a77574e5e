//! What the peer task tells BMP collectors (`bmp.collectors`): Peer Up with both OPENs, every
//! UPDATE as received, Peer Down with its reason; and its Adj-RIB-In for a collector that
//! just connected. Messages are built here and handed to the [`crate::daemon::bmp::Tap`],
//! which never waits.

use herald_bmp::{PeerDownReason, PeerHeader, PeerUp};
use herald_rib::NlriRef;
use herald_session::DownReason;
use herald_wire::{Context, Message};

use super::Peer;
use crate::daemon::bmp::{now, PeerDump};

/// The OPENs of the current (or last) connection, as whole messages.
#[derive(Default)]
pub(super) struct Opens {
    sent: Vec<u8>,
    received: Vec<u8>,
}

impl Peer {
    /// The per-peer header, while the session is established.
    fn bmp_header(&self) -> Option<PeerHeader> {
        let n = &self.view.as_ref()?.negotiated;
        let (s, us) = now();
        let mut h = PeerHeader::global(self.spec.address, n.peer_as, n.peer_id, s, us);
        if !n.asn4 {
            h.flags |= herald_bmp::flag::A;
        }
        Some(h)
    }

    /// An OPEN herald sent.
    pub(super) fn bmp_open_sent(&mut self, msg: &[u8]) {
        if self.spec.bmp.is_some() {
            self.opens.sent = msg.to_vec();
        }
    }

    /// A whole message received, before the session handles it: OPENs are kept, UPDATEs
    /// of an established session go to the collectors.
    pub(super) fn bmp_received(&mut self, msg: &[u8]) {
        let Some(tap) = &self.spec.bmp else { return };
        match msg.get(18) {
            Some(1) => self.opens.received = msg.to_vec(),
            Some(2) if tap.active() => {
                if let Some(h) = self.bmp_header() {
                    let mut m = Vec::with_capacity(msg.len() + 48);
                    herald_bmp::route_monitoring(&mut m, &h, msg);
                    tap.push(m);
                }
            }
            _ => {}
        }
    }

    fn bmp_peer_up(&self) -> Option<Vec<u8>> {
        let header = self.bmp_header()?;
        let local_address = self.view.as_ref()?.local_address;
        let (local_port, remote_port) = self.conn.as_ref().map_or((0, 0), |c| c.ports);
        let mut m = Vec::new();
        herald_bmp::peer_up(
            &mut m,
            &PeerUp {
                local_address,
                peer: header,
                local_port,
                remote_port,
                sent_open: self.opens.sent.clone(),
                received_open: self.opens.received.clone(),
                information: Vec::new(),
            },
        );
        Some(m)
    }

    /// The session is established (the view is set).
    pub(super) fn bmp_up(&self) {
        let Some(tap) = &self.spec.bmp else { return };
        if let Some(m) = self.bmp_peer_up() {
            tap.push(m);
        }
    }

    /// The session went down (the view is still set).
    pub(super) fn bmp_down(&self, reason: &DownReason) {
        let Some(tap) = &self.spec.bmp else { return };
        let Some(h) = self.bmp_header() else { return };
        let pdu = |n: &herald_wire::Notification| {
            Message::Notification(n.clone()).to_bytes(&Context::default())
        };
        let reason = match reason {
            DownReason::NotificationSent(n) => PeerDownReason::LocalNotification(pdu(n)),
            DownReason::NotificationReceived(n) => PeerDownReason::RemoteNotification(pdu(n)),
            DownReason::ConnectionClosed => PeerDownReason::RemoteNoData,
        };
        let mut m = Vec::new();
        herald_bmp::peer_down(&mut m, &h, &reason);
        tap.push(m);
    }

    /// The Peer Up and the unicast and multicast routes of the Adj-RIB-In, taken in one pass
    /// (an `Arc` clone per route), for a collector that just connected; `None` while the
    /// session is not established.
    pub(super) fn bmp_dump(&self) -> Option<PeerDump> {
        let peer_up = self.bmp_peer_up()?;
        let header = self.bmp_header()?;
        let ctx = self.view.as_ref()?.negotiated.receive_context();
        let routes = self
            .rib_in
            .iter()
            .filter_map(|r| match r.nlri {
                NlriRef::Prefix(p) => Some((r.family, p, r.attributes.clone())),
                _ => None,
            })
            .collect();
        Some(PeerDump {
            peer_up,
            header,
            ctx,
            routes,
        })
    }
}
