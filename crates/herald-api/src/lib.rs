//! herald-api: the JSON events herald writes to programs and people, in ExaBGP 5's layout
//! (JSON format version `5.0.0`), so programs written for ExaBGP read them unchanged.
//!
//! What it does: turns decoded messages ([`herald_wire::Message`]) and session events into
//! JSON text, written by hand into a reused `String` (no intermediate value tree), with
//! ExaBGP's key order and spacing.
//!
//! What it never does: I/O. Errors: none; every message has a JSON form. Panics: never.

#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod command;
pub mod json;
pub mod text;
