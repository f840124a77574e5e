//! Helpers shared by the engine's scenario tests.

use std::net::{IpAddr, Ipv4Addr};

use herald_wire::nlri::MacAddress;
use serde_json::{json, Value};

use crate::alloc::RdAllocator;
use crate::route::{evpn_imet, evpn_mac_ip, vpn_route, Advertised};
use crate::{
    AttachRequest, BgpChange, DetachRequest, Effects, EngineConfig, PeerId, RouteTarget, VpnEngine,
    VpnRoute,
};

pub(crate) const LOCAL: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
pub(crate) const PE2: [u8; 4] = [10, 0, 0, 2];
pub(crate) const PE3: [u8; 4] = [10, 0, 0, 3];
pub(crate) const RR1: PeerId = PeerId(1);
pub(crate) const RR2: PeerId = PeerId(2);

pub(crate) fn engine_with(f: impl FnOnce(&mut EngineConfig)) -> VpnEngine {
    let mut c = EngineConfig::new(LOCAL, 64512);
    f(&mut c);
    VpnEngine::new(c).unwrap()
}

pub(crate) fn engine() -> VpnEngine {
    engine_with(|_| {})
}

pub(crate) fn mac(n: u8) -> MacAddress {
    MacAddress([0x52, 0x54, 0, 0, 0, n])
}

pub(crate) fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

pub(crate) fn rt(s: &str) -> RouteTarget {
    RouteTarget::parse(s).unwrap()
}

/// An E-VPN attach body as `bagpipe-rest-attach` builds it.
pub(crate) fn evpn_body(id: &str, m: u8, ip: Option<&str>, port: &str, rts: &[&str]) -> Value {
    let mut v = json!({"vpn_type": "evpn", "vpn_instance_id": id, "import_rt": rts,
        "export_rt": rts, "local_port": {"linuxif": port}, "mac_address": mac(m).to_string(),
        "advertise_subnet": false, "readvertise": null, "attract_traffic": {},
        "lb_consistent_hash_order": 0, "vni": 0});
    if let Some(ip) = ip {
        v["ip_address"] = json!(ip);
    }
    v
}

/// An IP VPN attach body.
pub(crate) fn ipvpn_body(id: &str, m: u8, ip: &str, port: &str, rts: &[&str]) -> Value {
    json!({"vpn_type": "ipvpn", "vpn_instance_id": id, "import_rt": rts, "export_rt": rts,
        "local_port": port, "mac_address": mac(m).to_string(), "ip_address": ip,
        "gateway_ip": "10.0.0.1"})
}

pub(crate) fn attach(e: &mut VpnEngine, body: &Value) -> Effects {
    e.attach(&AttachRequest::from_value(body).unwrap()).unwrap()
}

pub(crate) fn detach(e: &mut VpnEngine, body: &Value) -> Effects {
    e.detach(&DetachRequest::from_value(body).unwrap()).unwrap()
}

fn adv(pe: [u8; 4], rts: &[RouteTarget], lp: u32) -> Advertised<'_> {
    Advertised {
        next_hop: Ipv4Addr::from(pe),
        export_rts: rts,
        local_pref: lp,
        hash_order: 0,
    }
}

/// A MAC/IP route another PE advertises.
pub(crate) fn remote_mac(pe: [u8; 4], m: u8, ip: Option<&str>, vni: u32, rts: &[&str]) -> VpnRoute {
    let rts: Vec<RouteTarget> = rts.iter().map(|s| rt(s)).collect();
    let rd = RdAllocator::rd(Ipv4Addr::from(pe), 1);
    evpn_mac_ip(
        rd,
        mac(m),
        ip.map(|s| s.parse().unwrap()),
        vni,
        &adv(pe, &rts, 100),
    )
}

/// An Inclusive Multicast route another PE advertises.
pub(crate) fn remote_imet(pe: [u8; 4], vni: u32, rts: &[&str]) -> VpnRoute {
    let rts: Vec<RouteTarget> = rts.iter().map(|s| rt(s)).collect();
    evpn_imet(
        RdAllocator::rd(Ipv4Addr::from(pe), 1),
        vni,
        &adv(pe, &rts, 100),
    )
}

/// A VPN route another PE advertises.
pub(crate) fn remote_vpn(pe: [u8; 4], prefix: &str, label: u32, lp: u32, rts: &[&str]) -> VpnRoute {
    let rts: Vec<RouteTarget> = rts.iter().map(|s| rt(s)).collect();
    let rd = RdAllocator::rd(Ipv4Addr::from(pe), 1);
    vpn_route(rd, prefix.parse().unwrap(), label, &adv(pe, &rts, lp), &[])
}

/// The routes announced, in order, with their peer.
pub(crate) fn announced(fx: &Effects) -> Vec<(PeerId, VpnRoute)> {
    fx.bgp
        .iter()
        .filter_map(|c| match c {
            BgpChange::Announce { peer, route } => Some((*peer, route.clone())),
            BgpChange::Withdraw { .. } => None,
        })
        .collect()
}

/// The routes withdrawn, in order, with their peer.
pub(crate) fn withdrawn(fx: &Effects) -> Vec<(PeerId, VpnRoute)> {
    fx.bgp
        .iter()
        .filter_map(|c| match c {
            BgpChange::Withdraw { peer, route } => Some((*peer, route.clone())),
            BgpChange::Announce { .. } => None,
        })
        .collect()
}

/// `r` with these Encapsulation communities instead of its own.
pub(crate) fn with_encaps(mut r: VpnRoute, encaps: &[u16]) -> VpnRoute {
    for a in &mut r.attributes {
        if let herald_wire::attr::AttrValue::ExtCommunities(c) = &mut a.value {
            c.retain(|x| crate::route::tunnel_type_of(x).is_none());
            c.extend(encaps.iter().map(|t| crate::route::encapsulation(*t)));
        }
    }
    r
}
