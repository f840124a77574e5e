//! herald-bmp: BGP Monitoring Protocol messages (RFC 7854), as a monitored router sends them
//! to a collector.
//!
//! What it does: encodes every RFC 7854 message type ([`Message`], or the free functions such as
//! [`route_monitoring`] that append straight to a buffer without building a value first), and
//! decodes them back ([`frame`] finds a whole message in a byte stream, [`Message::decode`]
//! reads it) for collectors written in tests and for fuzzing.
//!
//! What it never does: I/O, clocks, threads or logging (timestamps are the caller's), and it
//! does not decode the BGP messages carried inside (UPDATE, OPEN, NOTIFICATION): those stay
//! octets, framed only by the length in their BGP header.
//!
//! Errors and panics: decoding never panics on any input; a malformed message is an [`Error`]
//! naming what was wrong. Encoding cannot fail: lengths past what a field holds are clamped,
//! which only a caller passing more than 4 GiB could cause.

#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod decode;

use std::net::{IpAddr, Ipv4Addr};

pub use decode::{frame, Error};

/// The protocol version this crate speaks (RFC 7854 §4.1).
pub const VERSION: u8 = 3;
/// Octets of the common header: version, message length, message type (RFC 7854 §4.1).
pub const COMMON_HEADER_LEN: usize = 6;
/// Octets of the per-peer header (RFC 7854 §4.2).
pub const PEER_HEADER_LEN: usize = 42;
/// The longest message [`frame`] accepts (a Peer Up with two 65,535-octet OPENs fits).
pub const MAX_LEN: usize = 1 << 20;

/// Message types (RFC 7854 §4.1, §10.1).
pub mod kind {
    /// Route Monitoring.
    pub const ROUTE_MONITORING: u8 = 0;
    /// Statistics Report.
    pub const STATISTICS: u8 = 1;
    /// Peer Down Notification.
    pub const PEER_DOWN: u8 = 2;
    /// Peer Up Notification.
    pub const PEER_UP: u8 = 3;
    /// Initiation.
    pub const INITIATION: u8 = 4;
    /// Termination.
    pub const TERMINATION: u8 = 5;
    /// Route Mirroring.
    pub const ROUTE_MIRRORING: u8 = 6;
}

/// Peer types (RFC 7854 §4.2, §10.2).
pub mod peer_type {
    /// Global Instance Peer.
    pub const GLOBAL: u8 = 0;
    /// RD Instance Peer.
    pub const RD_INSTANCE: u8 = 1;
    /// Local Instance Peer.
    pub const LOCAL_INSTANCE: u8 = 2;
}

/// Peer flags (RFC 7854 §4.2; O from RFC 8671 §4).
pub mod flag {
    /// V: the peer address is IPv6.
    pub const V: u8 = 0x80;
    /// L: post-policy Adj-RIB-In (clear: pre-policy).
    pub const L: u8 = 0x40;
    /// A: the BGP messages use 2-octet AS numbers (the session is not 4-octet AS capable).
    pub const A: u8 = 0x20;
    /// O: Adj-RIB-Out (RFC 8671).
    pub const O: u8 = 0x10;
}

/// Information TLV types of Initiation and Peer Up (RFC 7854 §4.4, §10.5).
pub mod info {
    /// Free-form UTF-8 text.
    pub const STRING: u16 = 0;
    /// sysDescr: the software and its version.
    pub const SYS_DESCR: u16 = 1;
    /// sysName: the router's name.
    pub const SYS_NAME: u16 = 2;
}

/// Termination TLV types and reasons (RFC 7854 §4.5, §10.6, §10.7).
pub mod termination {
    /// Free-form UTF-8 text.
    pub const STRING: u16 = 0;
    /// A 2-octet reason code.
    pub const REASON: u16 = 1;
    /// Session administratively closed.
    pub const ADMINISTRATIVELY_CLOSED: u16 = 0;
    /// Unspecified reason.
    pub const UNSPECIFIED: u16 = 1;
    /// Out of resources.
    pub const OUT_OF_RESOURCES: u16 = 2;
    /// Redundant connection.
    pub const REDUNDANT_CONNECTION: u16 = 3;
    /// Session permanently administratively closed.
    pub const PERMANENTLY_CLOSED: u16 = 4;
}

/// Statistics types (RFC 7854 §4.8, §10.3).
pub mod stat {
    /// Prefixes rejected by inbound policy (32-bit counter).
    pub const REJECTED_PREFIXES: u16 = 0;
    /// Duplicate prefix advertisements (32-bit counter).
    pub const DUPLICATE_PREFIXES: u16 = 1;
    /// Duplicate withdraws (32-bit counter).
    pub const DUPLICATE_WITHDRAWS: u16 = 2;
    /// Updates invalidated by a CLUSTER_LIST loop (32-bit counter).
    pub const CLUSTER_LIST_LOOP: u16 = 3;
    /// Updates invalidated by an AS_PATH loop (32-bit counter).
    pub const AS_PATH_LOOP: u16 = 4;
    /// Updates invalidated by ORIGINATOR_ID (32-bit counter).
    pub const ORIGINATOR_ID: u16 = 5;
    /// Updates invalidated by an AS_CONFED loop (32-bit counter).
    pub const AS_CONFED_LOOP: u16 = 6;
    /// Routes in the Adj-RIBs-In (64-bit gauge).
    pub const ADJ_RIB_IN_ROUTES: u16 = 7;
    /// Routes in the Loc-RIB (64-bit gauge).
    pub const LOC_RIB_ROUTES: u16 = 8;
    /// Routes in a per-AFI/SAFI Adj-RIB-In (AFI, SAFI, 64-bit gauge).
    pub const ADJ_RIB_IN_FAMILY_ROUTES: u16 = 9;
    /// Routes in a per-AFI/SAFI Loc-RIB (AFI, SAFI, 64-bit gauge).
    pub const LOC_RIB_FAMILY_ROUTES: u16 = 10;
    /// Updates subjected to treat-as-withdraw (RFC 7606) (32-bit counter).
    pub const TREAT_AS_WITHDRAW_UPDATES: u16 = 11;
    /// Prefixes subjected to treat-as-withdraw (32-bit counter).
    pub const TREAT_AS_WITHDRAW_PREFIXES: u16 = 12;
    /// Duplicate update messages received (32-bit counter).
    pub const DUPLICATE_UPDATES: u16 = 13;
}

/// Peer Down reason codes (RFC 7854 §4.9, §10.8).
pub mod down {
    /// The local system closed the session with a NOTIFICATION (the PDU follows).
    pub const LOCAL_NOTIFICATION: u8 = 1;
    /// The local system closed the session without a NOTIFICATION (an FSM event code follows).
    pub const LOCAL_NO_NOTIFICATION: u8 = 2;
    /// The remote system closed the session with a NOTIFICATION (the PDU follows).
    pub const REMOTE_NOTIFICATION: u8 = 3;
    /// The remote system closed the session without a NOTIFICATION.
    pub const REMOTE_NO_DATA: u8 = 4;
    /// The peer is no longer monitored for configuration reasons.
    pub const DECONFIGURED: u8 = 5;
}

/// The per-peer header (RFC 7854 §4.2).
///
/// ```text
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   Peer Type   |  Peer Flags   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Peer Distinguisher (present based on peer type)       |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 Peer Address (16 bytes)                       |
/// ~                                                               ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           Peer AS                             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Peer BGP ID                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Timestamp (seconds)                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  Timestamp (microseconds)                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerHeader {
    /// [`peer_type`].
    pub peer_type: u8,
    /// [`flag`] bits. V is written from the address's family, whatever is set here.
    pub flags: u8,
    /// The route distinguisher of an RD instance peer, else zero.
    pub distinguisher: [u8; 8],
    /// The peer's address (IPv4 is written in the last 4 of 16 octets).
    pub address: IpAddr,
    /// The peer's AS.
    pub asn: u32,
    /// The peer's BGP identifier.
    pub bgp_id: Ipv4Addr,
    /// When the information was received, seconds since the Unix epoch.
    pub seconds: u32,
    /// Microseconds past `seconds`.
    pub microseconds: u32,
}

impl PeerHeader {
    /// A global instance peer's header.
    pub fn global(address: IpAddr, asn: u32, bgp_id: Ipv4Addr, seconds: u32, micros: u32) -> Self {
        PeerHeader {
            peer_type: peer_type::GLOBAL,
            flags: 0,
            distinguisher: [0; 8],
            address,
            asn,
            bgp_id,
            seconds,
            microseconds: micros,
        }
    }

    /// Append the 42 octets.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let v = if self.address.is_ipv6() { flag::V } else { 0 };
        out.push(self.peer_type);
        out.push((self.flags & !flag::V) | v);
        out.extend_from_slice(&self.distinguisher);
        address16(out, self.address);
        out.extend_from_slice(&self.asn.to_be_bytes());
        out.extend_from_slice(&self.bgp_id.octets());
        out.extend_from_slice(&self.seconds.to_be_bytes());
        out.extend_from_slice(&self.microseconds.to_be_bytes());
    }
}

/// An address in 16 octets: IPv6 as is, IPv4 after 12 zero octets (RFC 7854 §4.2, §4.10).
fn address16(out: &mut Vec<u8>, a: IpAddr) {
    match a {
        IpAddr::V4(a) => {
            out.extend_from_slice(&[0; 12]);
            out.extend_from_slice(&a.octets());
        }
        IpAddr::V6(a) => out.extend_from_slice(&a.octets()),
    }
}

/// An Information TLV (Initiation, Peer Up) or Termination TLV: type, length, value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tlv {
    /// [`info`] or [`termination`] type.
    pub kind: u16,
    /// The value.
    pub value: Vec<u8>,
}

impl Tlv {
    /// A TLV holding text.
    pub fn text(kind: u16, text: &str) -> Tlv {
        Tlv {
            kind,
            value: text.as_bytes().to_vec(),
        }
    }

    /// The value as text (invalid UTF-8 replaced).
    pub fn as_text(&self) -> String {
        String::from_utf8_lossy(&self.value).into_owned()
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.kind.to_be_bytes());
        out.extend_from_slice(&len16(self.value.len()).to_be_bytes());
        out.extend_from_slice(
            self.value
                .get(..usize::from(u16::MAX))
                .unwrap_or(&self.value),
        );
    }
}

fn len16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// One statistic of a Statistics Report: type, length, value (RFC 7854 §4.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stat {
    /// [`stat`] type.
    pub kind: u16,
    /// The value: 4 octets for counters, 8 for gauges, AFI (2), SAFI (1) and 8 for the
    /// per-AFI/SAFI gauges; other types as received.
    pub value: Vec<u8>,
}

impl Stat {
    /// A 32-bit counter.
    pub fn counter(kind: u16, n: u32) -> Stat {
        Stat {
            kind,
            value: n.to_be_bytes().to_vec(),
        }
    }

    /// A 64-bit gauge.
    pub fn gauge(kind: u16, n: u64) -> Stat {
        Stat {
            kind,
            value: n.to_be_bytes().to_vec(),
        }
    }

    /// A per-AFI/SAFI 64-bit gauge (types 9 and 10).
    pub fn family_gauge(kind: u16, afi: u16, safi: u8, n: u64) -> Stat {
        let mut value = Vec::with_capacity(11);
        value.extend_from_slice(&afi.to_be_bytes());
        value.push(safi);
        value.extend_from_slice(&n.to_be_bytes());
        Stat { kind, value }
    }

    /// The number: a 4- or 8-octet value, or the gauge after a per-AFI/SAFI value's family.
    pub fn number(&self) -> Option<u64> {
        match self.value.len() {
            4 => <[u8; 4]>::try_from(self.value.as_slice())
                .ok()
                .map(|b| u64::from(u32::from_be_bytes(b))),
            8 => <[u8; 8]>::try_from(self.value.as_slice())
                .ok()
                .map(u64::from_be_bytes),
            11 => self
                .value
                .get(3..)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes),
            _ => None,
        }
    }

    /// AFI and SAFI of a per-AFI/SAFI value.
    pub fn family(&self) -> Option<(u16, u8)> {
        match self.value.as_slice() {
            [a, b, s, _, _, _, _, _, _, _, _] => Some((u16::from_be_bytes([*a, *b]), *s)),
            _ => None,
        }
    }
}

/// Why a session went down (RFC 7854 §4.9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerDownReason {
    /// 1: the local system sent this NOTIFICATION (the whole BGP message).
    LocalNotification(Vec<u8>),
    /// 2: the local system closed the session without a NOTIFICATION, on this FSM event.
    LocalNoNotification(u16),
    /// 3: the remote system sent this NOTIFICATION (the whole BGP message).
    RemoteNotification(Vec<u8>),
    /// 4: the remote system closed the session without a NOTIFICATION.
    RemoteNoData,
    /// 5: the peer is no longer monitored for configuration reasons.
    Deconfigured,
    /// Another reason code and its data.
    Other(u8, Vec<u8>),
}

/// A Peer Up Notification (RFC 7854 §4.10).
///
/// ```text
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 Local Address (16 bytes)                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Local Port            |        Remote Port            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Sent OPEN Message                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  Received OPEN Message                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 Information (variable)                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerUp {
    /// The peer.
    pub peer: PeerHeader,
    /// This router's address on the session (the peer address's family).
    pub local_address: IpAddr,
    /// This router's TCP port.
    pub local_port: u16,
    /// The peer's TCP port.
    pub remote_port: u16,
    /// The OPEN this router sent, the whole BGP message.
    pub sent_open: Vec<u8>,
    /// The OPEN the peer sent, the whole BGP message.
    pub received_open: Vec<u8>,
    /// Information TLVs.
    pub information: Vec<Tlv>,
}

/// A BMP message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Route Monitoring (RFC 7854 §4.6): a BGP UPDATE, the whole message.
    RouteMonitoring {
        /// The peer it came from.
        peer: PeerHeader,
        /// The UPDATE.
        update: Vec<u8>,
    },
    /// Statistics Report (RFC 7854 §4.8).
    Statistics {
        /// The peer counted.
        peer: PeerHeader,
        /// The statistics.
        stats: Vec<Stat>,
    },
    /// Peer Down Notification (RFC 7854 §4.9).
    PeerDown {
        /// The peer.
        peer: PeerHeader,
        /// Why.
        reason: PeerDownReason,
    },
    /// Peer Up Notification (RFC 7854 §4.10).
    PeerUp(Box<PeerUp>),
    /// Initiation (RFC 7854 §4.3): Information TLVs.
    Initiation(Vec<Tlv>),
    /// Termination (RFC 7854 §4.5): Termination TLVs.
    Termination(Vec<Tlv>),
    /// Route Mirroring or a type past RFC 7854: the octets after the common header.
    Other {
        /// Message type.
        kind: u8,
        /// Body.
        body: Vec<u8>,
    },
}

impl Message {
    /// Append the message, common header first.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Message::RouteMonitoring { peer, update } => route_monitoring(out, peer, update),
            Message::Statistics { peer, stats } => statistics(out, peer, stats),
            Message::PeerDown { peer, reason } => peer_down(out, peer, reason),
            Message::PeerUp(up) => peer_up(out, up),
            Message::Initiation(tlvs) => initiation(out, tlvs),
            Message::Termination(tlvs) => termination_message(out, tlvs),
            Message::Other { kind, body } => {
                let start = begin(out, *kind);
                out.extend_from_slice(body);
                finish(out, start);
            }
        }
    }

    /// The message as octets.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    /// The message type.
    pub fn kind(&self) -> u8 {
        match self {
            Message::RouteMonitoring { .. } => kind::ROUTE_MONITORING,
            Message::Statistics { .. } => kind::STATISTICS,
            Message::PeerDown { .. } => kind::PEER_DOWN,
            Message::PeerUp(_) => kind::PEER_UP,
            Message::Initiation(_) => kind::INITIATION,
            Message::Termination(_) => kind::TERMINATION,
            Message::Other { kind, .. } => *kind,
        }
    }
}

/// Start a message of type `kind`: the common header with its length left to [`finish`].
fn begin(out: &mut Vec<u8>, kind: u8) -> usize {
    let start = out.len();
    out.push(VERSION);
    out.extend_from_slice(&[0; 4]);
    out.push(kind);
    start
}

/// Fill in the length of the message begun at `start`.
fn finish(out: &mut [u8], start: usize) {
    let len = u32::try_from(out.len().saturating_sub(start)).unwrap_or(u32::MAX);
    if let Some(l) = out.get_mut(start + 1..start + 5) {
        l.copy_from_slice(&len.to_be_bytes());
    }
}

/// Append a Route Monitoring message carrying `update` (a whole BGP UPDATE) (RFC 7854 §4.6).
pub fn route_monitoring(out: &mut Vec<u8>, peer: &PeerHeader, update: &[u8]) {
    let start = begin(out, kind::ROUTE_MONITORING);
    peer.encode(out);
    out.extend_from_slice(update);
    finish(out, start);
}

/// Append a Statistics Report (RFC 7854 §4.8): stats count, then type-length-value each.
pub fn statistics(out: &mut Vec<u8>, peer: &PeerHeader, stats: &[Stat]) {
    let start = begin(out, kind::STATISTICS);
    peer.encode(out);
    let n = u32::try_from(stats.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&n.to_be_bytes());
    for s in stats {
        out.extend_from_slice(&s.kind.to_be_bytes());
        out.extend_from_slice(&len16(s.value.len()).to_be_bytes());
        out.extend_from_slice(s.value.get(..usize::from(u16::MAX)).unwrap_or(&s.value));
    }
    finish(out, start);
}

/// Append a Peer Down Notification (RFC 7854 §4.9): the reason code, then its data.
pub fn peer_down(out: &mut Vec<u8>, peer: &PeerHeader, reason: &PeerDownReason) {
    let start = begin(out, kind::PEER_DOWN);
    peer.encode(out);
    match reason {
        PeerDownReason::LocalNotification(n) => {
            out.push(down::LOCAL_NOTIFICATION);
            out.extend_from_slice(n);
        }
        PeerDownReason::LocalNoNotification(event) => {
            out.push(down::LOCAL_NO_NOTIFICATION);
            out.extend_from_slice(&event.to_be_bytes());
        }
        PeerDownReason::RemoteNotification(n) => {
            out.push(down::REMOTE_NOTIFICATION);
            out.extend_from_slice(n);
        }
        PeerDownReason::RemoteNoData => out.push(down::REMOTE_NO_DATA),
        PeerDownReason::Deconfigured => out.push(down::DECONFIGURED),
        PeerDownReason::Other(code, data) => {
            out.push(*code);
            out.extend_from_slice(data);
        }
    }
    finish(out, start);
}

/// Append a Peer Up Notification (RFC 7854 §4.10).
pub fn peer_up(out: &mut Vec<u8>, up: &PeerUp) {
    let start = begin(out, kind::PEER_UP);
    up.peer.encode(out);
    address16(out, up.local_address);
    out.extend_from_slice(&up.local_port.to_be_bytes());
    out.extend_from_slice(&up.remote_port.to_be_bytes());
    out.extend_from_slice(&up.sent_open);
    out.extend_from_slice(&up.received_open);
    for t in &up.information {
        t.encode(out);
    }
    finish(out, start);
}

/// Append an Initiation message (RFC 7854 §4.3).
pub fn initiation(out: &mut Vec<u8>, tlvs: &[Tlv]) {
    let start = begin(out, kind::INITIATION);
    for t in tlvs {
        t.encode(out);
    }
    finish(out, start);
}

/// Append a Termination message (RFC 7854 §4.5).
pub fn termination_message(out: &mut Vec<u8>, tlvs: &[Tlv]) {
    let start = begin(out, kind::TERMINATION);
    for t in tlvs {
        t.encode(out);
    }
    finish(out, start);
}

#[cfg(test)]
mod tests;
