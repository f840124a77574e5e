//! herald-wire: BGP messages on the wire, decoded and encoded.
//!
//! What it does: turns octets into typed messages ([`Message`], [`Update`], [`Open`],
//! [`Notification`], [`RouteRefresh`]) and back, frames a byte stream into messages
//! ([`message::frame`]), classifies every UPDATE attribute error the way RFC 7606 asks, and
//! packs routes into as few UPDATEs as the negotiated size allows ([`builder`]).
//!
//! What it never does: I/O, clocks, threads, logging, or allocation per prefix on the packing
//! path. It knows nothing of sessions beyond the [`Context`] a caller gives it.
//!
//! Errors and panics: decoding never panics on any input; a malformed message is a
//! [`DecodeError`] carrying its offset and the NOTIFICATION it calls for
//! ([`DecodeError::notification`]). Attribute errors that RFC 7606 handles without a reset
//! come back inside the decoded [`Update`]. Encoding cannot fail.

#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod attr;
pub mod builder;
pub mod capability;
pub mod error;
pub mod iana;
pub mod message;
pub mod nlri;
pub mod notification;
pub mod open;
mod reader;
pub mod route_refresh;
pub mod update;

pub use attr::{AttrValue, Attribute};
pub use capability::Capability;
pub use error::{Action, AttrError, DecodeError, ErrorKind};
pub use iana::{Afi, Family, MessageType, Safi};
pub use message::{frame, Frame, Message};
pub use nlri::{Nlri, NlriList, Prefix};
pub use notification::Notification;
pub use open::Open;
pub use route_refresh::RouteRefresh;
pub use update::Update;

/// What a session negotiated that changes how octets are read or written, for one direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// 4-octet AS numbers in AS_PATH and AGGREGATOR (RFC 6793).
    pub asn4: bool,
    /// Families whose NLRI carry ADD-PATH path identifiers in this direction (RFC 7911).
    pub add_path: Vec<Family>,
    /// Largest message: 4096, or 65535 with Extended Message (RFC 8654).
    pub max_message_len: usize,
    /// The peer is external (EBGP). Received: LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST
    /// that are malformed are discarded instead of withdrawing the route (RFC 7606 §7.5,
    /// §7.9, §7.10) and confederation segments make AS_PATH malformed (RFC 5065 §5).
    pub ebgp: bool,
    /// Received: this speaker's own address on the connection. A NEXT_HOP equal to it makes
    /// no route (RFC 4271 §6.3, treat-as-withdraw).
    pub local_address: Option<std::net::IpAddr>,
}

impl Default for Context {
    /// 4-octet AS, no ADD-PATH, 4096-octet messages.
    fn default() -> Self {
        Context {
            asn4: true,
            add_path: Vec::new(),
            max_message_len: message::MAX_LEN,
            ebgp: false,
            local_address: None,
        }
    }
}

impl Context {
    /// Whether `family` carries path identifiers.
    #[inline]
    pub fn add_path(&self, family: Family) -> bool {
        !self.add_path.is_empty() && self.add_path.contains(&family)
    }
}
