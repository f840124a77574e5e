//! [`MrtError`]: what can go wrong reading an MRT file, always with where.

use std::path::PathBuf;

/// An error reading an MRT file. Every variant but [`MrtError::Open`] carries the byte offset
/// (in the decompressed stream) of the record it concerns.
#[derive(Debug, thiserror::Error)]
pub enum MrtError {
    /// The file could not be opened or its first octets not read.
    #[error("opening MRT file {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Reading or decompressing failed.
    #[error("reading MRT record at offset {offset}: {source}")]
    Io {
        /// Offset of the record being read.
        offset: u64,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file ends inside a record.
    #[error(
        "MRT file truncated in the record at offset {offset}: needed {needed} octets, got {got}"
    )]
    Truncated {
        /// Offset of the record.
        offset: u64,
        /// Octets the record header or its length field called for.
        needed: u64,
        /// Octets there were.
        got: u64,
    },
    /// A record's body does not parse.
    #[error("MRT record at offset {offset} (type {kind}, subtype {subtype}): {reason}")]
    Malformed {
        /// Offset of the record.
        offset: u64,
        /// The MRT type.
        kind: u16,
        /// The MRT subtype.
        subtype: u16,
        /// What is wrong.
        reason: String,
    },
}

impl MrtError {
    /// The byte offset of the record concerned (0 for [`MrtError::Open`]).
    pub fn offset(&self) -> u64 {
        match self {
            MrtError::Open { .. } => 0,
            MrtError::Io { offset, .. }
            | MrtError::Truncated { offset, .. }
            | MrtError::Malformed { offset, .. } => *offset,
        }
    }
}
