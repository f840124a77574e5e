//! herald-mrt: reading MRT routing-information files (RFC 6396, with the RFC 8050 ADD-PATH
//! extensions) as a stream of whole BGP messages.
//!
//! What it does: [`open`] a plain, gzip or bzip2 MRT file (recognised by its magic bytes), and
//! iterate a [`Reader`] over it. Every BGP4MP / BGP4MP_ET message record comes out as the BGP
//! message it carries; every TABLE_DUMP_V2 RIB entry comes out as a synthetic, complete BGP
//! UPDATE announcing that one prefix with the entry's attributes (the abbreviated
//! MP_REACH_NLRI of RFC 6396 §4.3.4 rewritten into a full RFC 4760 one). Each [`MrtMessage`]
//! says which peer it came from, whether its AS numbers are 4 octets wide and whether its NLRI
//! carry ADD-PATH path identifiers, so a BGP decoder can read it without further knowledge.
//!
//! Writing: [`writer`] appends BGP4MP_ET message and state-change records and the
//! TABLE_DUMP_V2 PEER_INDEX_TABLE and RIB records to a buffer.
//!
//! What it never does: decode the BGP messages themselves (it does not depend on a BGP codec),
//! or read OSPF/IS-IS records. State changes, RIB_GENERIC entries and record types it
//! does not read are skipped and counted ([`Reader::skipped`], [`Reader::stats`]).
//!
//! Errors and panics: reading never panics on any input. A truncated or malformed record is an
//! [`MrtError`] carrying the file offset of the record (after decompression); the reader moves
//! on to the next record after a malformed one, and stops after an I/O error or a truncated
//! file.

#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod bgp4mp;
mod cursor;
mod error;
mod reader;
mod table_dump;
pub mod writer;

use std::net::IpAddr;

pub use error::MrtError;
pub use reader::{open, Reader, Stats};

/// MRT record types (RFC 6396 §4, IANA "MRT Types") that this crate reads or recognises.
pub mod record_type {
    /// 12: TABLE_DUMP (RFC 6396 §4.2, deprecated; skipped).
    pub const TABLE_DUMP: u16 = 12;
    /// 13: TABLE_DUMP_V2 (RFC 6396 §4.3).
    pub const TABLE_DUMP_V2: u16 = 13;
    /// 16: BGP4MP (RFC 6396 §4.4).
    pub const BGP4MP: u16 = 16;
    /// 17: BGP4MP_ET, BGP4MP with a microsecond timestamp (RFC 6396 §3).
    pub const BGP4MP_ET: u16 = 17;
}

/// Where a message came from in the MRT file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// A BGP4MP or BGP4MP_ET message record: the message as it was on the wire.
    Bgp4mp,
    /// A TABLE_DUMP_V2 RIB entry turned into a synthetic UPDATE.
    TableDumpV2,
}

/// One BGP message read from an MRT file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MrtMessage {
    /// Seconds since the epoch: the MRT record's timestamp (for a RIB entry, the time of the
    /// dump, not the entry's originated time).
    pub timestamp: u32,
    /// Microseconds within `timestamp` for BGP4MP_ET records, else 0.
    pub microseconds: u32,
    /// The peer's AS number.
    pub peer_as: u32,
    /// The collector's AS number (0 for TABLE_DUMP_V2, which does not record it).
    pub local_as: u32,
    /// The peer's address.
    pub peer_ip: IpAddr,
    /// The collector's address (for TABLE_DUMP_V2, the collector BGP ID from the
    /// PEER_INDEX_TABLE as an IPv4 address).
    pub local_ip: IpAddr,
    /// AS numbers in the message are 4 octets wide: the AS4 BGP4MP subtypes, and always for
    /// TABLE_DUMP_V2 (RFC 6396 §4.3.4).
    pub asn4: bool,
    /// The message's NLRI carry ADD-PATH path identifiers (RFC 8050 subtypes).
    pub add_path: bool,
    /// Sent by the collector to the peer (the BGP4MP *_LOCAL subtypes) rather than received.
    pub sent_by_local: bool,
    /// Which kind of record the message came from.
    pub source: Source,
    /// Byte offset of the MRT record in the (decompressed) file.
    pub offset: u64,
    /// The whole BGP message, 16-octet marker and header included.
    pub message: Vec<u8>,
}

#[cfg(test)]
mod tests;
