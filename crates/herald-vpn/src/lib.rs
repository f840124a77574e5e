//! herald-vpn: the VPN PE role for hosts (IP VPN VRFs, RFC 4364; E-VPN instances over VXLAN,
//! RFC 7432 / RFC 8365), pure.
//!
//! What it does: turns attach/detach requests for local ports into the BGP routes a PE
//! advertises, the route targets it imports, and [`dataplane::DataplaneOp`]s — the calls a
//! dataplane driver has to carry out (bridges, VXLAN devices, FDB and neighbour entries, VRF
//! routes).
//! - [`request`]: BaGPipe's REST attach/detach JSON, checked ([`AttachRequest`],
//!   [`DetachRequest`]).
//! - [`VpnEngine`]: instances created on the first attach and stopped on the last detach;
//!   routes received from peers imported by route target, best routes per MAC, flood VTEP or
//!   prefix ([`VpnEngine::route_received`]); RTC (RFC 4684) both ways; every input returns
//!   [`Effects`]: routes to announce or withdraw per peer, and dataplane operations in order.
//! - [`route`]: the routes as herald-wire values ([`VpnRoute`], [`VpnRoute::to_update`]).
//! - [`alloc`]: route distinguisher, label and VNI allocators.
//! - [`lg`]: BaGPipe's looking-glass data as JSON values.
//!
//! What it never does: I/O, clocks, threads or logging. The daemon executes the operations (the
//! Linux EVPN/VXLAN driver speaks netlink) and carries the routes to BGP peers.
//!
//! Errors and panics: requests and routes from outside (REST clients, BGP peers) never panic;
//! a bad request is a typed error with the message a client sees ([`RequestError`],
//! [`EngineError`]), and a refused request changes nothing.

#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod alloc;
mod bgp;
#[cfg(test)]
mod bgp_tests;
pub mod dataplane;
mod engine;
mod error;
mod instance;
pub mod lg;
#[cfg(test)]
mod prop_tests;
pub mod request;
pub mod route;
pub mod rt;
#[cfg(test)]
mod test_util;
mod tracker;

pub use bgp::{BgpChange, PeerId};
pub use engine::{Effects, EngineConfig, VpnEngine};
pub use error::{ConfigError, EngineError};
pub use request::{AttachRequest, DetachRequest, LocalPort, Readvertise, RequestError};
pub use route::{RouteKey, UpdateRoutes, VpnNlri, VpnRoute};
pub use rt::RouteTarget;
