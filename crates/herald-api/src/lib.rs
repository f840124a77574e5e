//! herald-api: the language herald shares with helper programs, in ExaBGP 5's forms so that
//! programs written for ExaBGP run unchanged.
//!
//! What it does:
//! - [`command`]: parses the text commands helpers write (`announce route …`,
//!   `neighbor 10.0.0.1 withdraw route …`, `announce attributes … nlri …`, `show neighbor`, …)
//!   into typed values, with the configuration's route grammar (`herald_config`);
//! - [`json`]: writes decoded messages ([`herald_wire::Message`]) and session events as
//!   ExaBGP's JSON (format version `5.0.0`), by hand into a reused `String` (no intermediate
//!   value tree), with ExaBGP's key order and spacing;
//! - [`text`]: writes the same events as ExaBGP's text encoder does (`encoder text;`).
//!
//! What it never does: I/O, clocks, threads.
//!
//! Errors and panics: writers cannot fail (every message has a JSON and a text form); the
//! command parser returns a [`command::CommandError`] with the column at fault for any line it
//! does not take. Nothing here panics, on any input.

#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod command;
pub mod json;
pub mod text;
