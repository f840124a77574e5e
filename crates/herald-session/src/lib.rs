//! herald-session: the BGP finite state machine of RFC 4271 §8 for one peer, sans-IO.
//!
//! What it does: OPEN exchange and validation, capability negotiation into one
//! [`Negotiated`] record, hold and keepalive timers, connect-retry with jittered exponential
//! backoff, connection collision detection (RFC 4271 §6.8), and the right NOTIFICATION for every
//! error, including Cease with an RFC 8203 shutdown communication.
//!
//! What it never does: sockets, clocks, threads or logging. Time is the `now` argument of every
//! `handle_*` call; outputs are polled ([`Session::poll_output`], [`Session::poll_timeout`]).
//! See [`session`] for the call order.
//!
//! Errors and panics: none of its functions fail or panic; every protocol error becomes a
//! NOTIFICATION in the outputs.

#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod negotiate;
pub mod session;
pub mod timer;

pub use negotiate::{LocalCapabilities, Negotiated, PeerGracefulRestart};
pub use session::{Collision, Config, DownReason, Incoming, Output, Session, State};
pub use timer::Timer;
