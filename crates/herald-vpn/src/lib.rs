//! herald-vpn: the VPN PE role for hosts (IP VPN VRFs, RFC 4364; E-VPN instances over VXLAN,
//! RFC 7432 / RFC 8365), pure.
//!
//! What it does: turns attach/detach requests for local ports into the BGP routes a PE
//! advertises, the route targets it imports, and [`dataplane::DataplaneOp`]s — the calls a
//! dataplane driver has to carry out (bridges, VXLAN devices, FDB and neighbour entries, VRF
//! routes).
//!
//! What it never does: I/O, clocks, threads or logging. The daemon executes the operations (the
//! Linux EVPN/VXLAN driver speaks netlink) and carries the routes to BGP peers.
//!
//! Errors and panics: requests and routes from outside (REST clients, BGP peers) never panic;
//! a bad request is a typed error with the message a client sees.

pub mod dataplane;
