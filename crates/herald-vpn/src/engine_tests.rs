//! Scenarios: attach and detach, and what E-VPN instances do with received routes.

use super::*;
use crate::dataplane::Recorder;
use crate::route::{evpn_imet, evpn_mac_ip, tunnel_type, vpn_route, Advertised};
use crate::test_util::*;
use crate::{BgpChange, PeerId};
use serde_json::json;

fn rd1() -> herald_wire::nlri::RouteDistinguisher {
    crate::alloc::RdAllocator::rd(LOCAL, 1)
}

/// What our E-VPN instance 1 (VNI 1, RD 192.0.2.1:1, RT 64512:79) advertises for mac(n).
fn own_mac(n: u8, ip: Option<&str>) -> VpnRoute {
    let rts = [rt("64512:79")];
    let a = Advertised {
        next_hop: LOCAL,
        export_rts: &rts,
        local_pref: 100,
        hash_order: 0,
    };
    evpn_mac_ip(rd1(), mac(n), ip.map(|s| s.parse().unwrap()), 1, &a)
}

fn own_imet() -> VpnRoute {
    let rts = [rt("64512:79")];
    let a = Advertised {
        next_hop: LOCAL,
        export_rts: &rts,
        local_pref: 100,
        hash_order: 0,
    };
    evpn_imet(rd1(), 1, &a)
}

fn add_mac(m: u8, ip_: Option<&str>, pe: [u8; 4], vni: u32) -> DataplaneOp {
    DataplaneOp::EvpnAddMac {
        instance: 1,
        vxlan: "vxlan--test2".into(),
        mac: mac(m),
        ip: ip_.map(ip),
        remote: IpAddr::V4(pe.into()),
        vni,
    }
}

fn remove_mac(m: u8, ip_: Option<&str>, pe: [u8; 4], vni: u32) -> DataplaneOp {
    DataplaneOp::EvpnRemoveMac {
        instance: 1,
        vxlan: "vxlan--test2".into(),
        mac: mac(m),
        ip: ip_.map(ip),
        remote: IpAddr::V4(pe.into()),
        vni,
    }
}

fn plug_op(m: u8, port: &str, plug: bool) -> DataplaneOp {
    let (instance, bridge, port, mac) = (1, "evpn---test2".into(), port.into(), mac(m));
    if plug {
        DataplaneOp::EvpnPlug {
            instance,
            bridge,
            port,
            mac,
        }
    } else {
        DataplaneOp::EvpnUnplug {
            instance,
            bridge,
            port,
            mac,
        }
    }
}

fn create_op() -> DataplaneOp {
    DataplaneOp::EvpnCreate {
        instance: 1,
        bridge: "evpn---test2".into(),
        existing_bridge: false,
        vxlan: "vxlan--test2".into(),
        vni: 1,
        local: IpAddr::V4(LOCAL),
        port: 4789,
    }
}

fn body(m: u8, ip: Option<&str>, port: &str) -> serde_json::Value {
    evpn_body("test2", m, ip, port, &["64512:79"])
}

#[test]
fn first_evpn_attach_creates_the_instance_plugs_the_port_and_advertises() {
    let mut e = engine();
    assert!(e.peer_up(RR1, false).is_empty());
    let fx = attach(&mut e, &body(0x22, Some("12.11.11.1/24"), "tons-test2"));
    let mut rec = Recorder::default();
    rec.apply(fx.dataplane.clone());
    assert_eq!(
        rec.ops,
        vec![create_op(), plug_op(0x22, "tons-test2", true)]
    );
    // The RTC route is not sent to a peer without RTC; the /24 is advertised as a host.
    assert_eq!(
        announced(&fx),
        vec![(RR1, own_imet()), (RR1, own_mac(0x22, Some("12.11.11.1")))]
    );
    assert_eq!(e.instance_count(), 1);
}

#[test]
fn remote_mac_and_imet_routes_become_fdb_entries_and_their_withdrawal_removes_them() {
    let mut e = engine();
    attach(&mut e, &body(1, Some("12.11.11.1"), "tap1"));
    let m = remote_mac(PE2, 9, Some("12.11.11.9"), 1, &["64512:79"]);
    let fx = e.route_received(RR1, m.clone());
    assert_eq!(fx.dataplane, vec![add_mac(9, Some("12.11.11.9"), PE2, 1)]);
    assert!(fx.bgp.is_empty(), "nothing is reflected to peers");
    let fx = e.route_received(RR1, remote_imet(PE2, 1, &["64512:79"]));
    let flood = |add: bool| {
        let (instance, vxlan, remote, vni) = (1, "vxlan--test2".into(), ip("10.0.0.2"), 1);
        if add {
            DataplaneOp::EvpnAddFlood {
                instance,
                vxlan,
                remote,
                vni,
            }
        } else {
            DataplaneOp::EvpnRemoveFlood {
                instance,
                vxlan,
                remote,
                vni,
            }
        }
    };
    assert_eq!(fx.dataplane, vec![flood(true)]);
    // The same route again changes nothing.
    assert!(e.route_received(RR1, m.clone()).is_empty());
    let fx = e.route_withdrawn(RR1, &m.key());
    assert_eq!(
        fx.dataplane,
        vec![remove_mac(9, Some("12.11.11.9"), PE2, 1)]
    );
    let fx = e.route_withdrawn(RR1, &remote_imet(PE2, 1, &["64512:79"]).key());
    assert_eq!(fx.dataplane, vec![flood(false)]);
    assert!(
        e.route_withdrawn(RR1, &m.key()).is_empty(),
        "unknown withdrawal"
    );
}

#[test]
fn routes_received_before_the_instance_are_replayed_when_it_starts() {
    let mut e = engine();
    e.route_received(RR1, remote_mac(PE2, 9, None, 1, &["64512:79"]));
    e.route_received(RR1, remote_mac(PE2, 8, None, 1, &["64512:80"]));
    let fx = attach(&mut e, &body(1, None, "tap1"));
    assert_eq!(
        fx.dataplane,
        vec![
            create_op(),
            plug_op(1, "tap1", true),
            add_mac(9, None, PE2, 1)
        ]
    );
}

#[test]
fn last_detach_withdraws_our_routes_and_deletes_the_instance() {
    let mut e = engine();
    e.peer_up(RR1, false);
    let b = body(1, Some("12.11.11.1"), "tap1");
    attach(&mut e, &b);
    e.route_received(RR1, remote_mac(PE2, 9, None, 1, &["64512:79"]));
    let fx = detach(&mut e, &b);
    let delete = DataplaneOp::EvpnDelete {
        instance: 1,
        bridge: "evpn---test2".into(),
        existing_bridge: false,
        vxlan: "vxlan--test2".into(),
    };
    // Deleting the VXLAN device takes its FDB entries: no RemoveMac first.
    assert_eq!(fx.dataplane, vec![plug_op(1, "tap1", false), delete]);
    assert_eq!(
        withdrawn(&fx),
        vec![(RR1, own_imet()), (RR1, own_mac(1, Some("12.11.11.1")))]
    );
    assert_eq!((e.instance_count(), e.allocated_ids()), (0, 0));
    // Routes received stay, for the next instance that wants them.
    assert_eq!(attach(&mut e, &b).dataplane.len(), 3);
}

#[test]
fn detach_of_one_endpoint_withdraws_only_its_route() {
    let mut e = engine();
    e.peer_up(RR1, false);
    attach(&mut e, &body(1, Some("12.11.11.1"), "tap1"));
    let b2 = body(2, Some("12.11.11.2"), "tap2");
    attach(&mut e, &b2);
    let fx = detach(&mut e, &b2);
    assert_eq!(fx.dataplane, vec![plug_op(2, "tap2", false)]);
    assert_eq!(withdrawn(&fx), vec![(RR1, own_mac(2, Some("12.11.11.2")))]);
    assert!(announced(&fx).is_empty());
}

#[test]
fn unplugging_one_mac_plugs_again_the_others_on_the_same_port() {
    let mut e = engine();
    attach(&mut e, &body(1, None, "tap1"));
    let b2 = body(2, None, "tap1");
    let fx = attach(&mut e, &b2);
    assert_eq!(fx.dataplane, vec![plug_op(2, "tap1", true)]);
    let fx = detach(&mut e, &b2);
    assert_eq!(
        fx.dataplane,
        vec![plug_op(2, "tap1", false), plug_op(1, "tap1", true)]
    );
}

#[test]
fn one_mac_on_two_ports_is_refused() {
    let mut e = engine();
    attach(&mut e, &body(1, Some("12.11.11.1"), "tap1"));
    let req = AttachRequest::from_value(&body(1, Some("12.11.11.7"), "tap9")).unwrap();
    let err = e.attach(&req).unwrap_err();
    assert_eq!(
        err.to_string(),
        "MAC address cannot be bound to two different ports (52:54:00:00:00:01 is plugged on tap1)"
    );
}

#[test]
fn two_macs_with_the_same_ip_are_refused() {
    let mut e = engine();
    attach(&mut e, &body(1, Some("12.11.11.1"), "tap1"));
    let before = e.allocated_ids();
    let req = AttachRequest::from_value(&body(2, Some("12.11.11.1"), "tap2")).unwrap();
    let err = e.attach(&req).unwrap_err();
    assert_eq!(
        err,
        EngineError::IpOnOtherMac {
            ip: ip("12.11.11.1"),
            mac: mac(1)
        }
    );
    assert!(err
        .to_string()
        .contains("12.11.11.1 already bound to a MAC address"));
    assert_eq!(e.allocated_ids(), before);
}

#[test]
fn attaching_the_same_endpoint_again_only_refreshes_its_route() {
    let mut e = engine();
    e.peer_up(RR1, false);
    let mut b = body(1, Some("12.11.11.1"), "tap1");
    attach(&mut e, &b);
    assert!(attach(&mut e, &b).is_empty());
    b["local_pref"] = json!(300);
    let fx = attach(&mut e, &b);
    assert!(fx.dataplane.is_empty());
    let got = announced(&fx);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1.local_pref(), Some(300));
}

#[test]
fn detach_errors_name_what_is_missing() {
    let mut e = engine();
    let b = body(1, Some("12.11.11.1"), "tap1");
    let err = e
        .detach(&DetachRequest::from_value(&b).unwrap())
        .unwrap_err();
    assert_eq!(err.to_string(), "VPN instance test2 not found");
    attach(&mut e, &b);
    for other in [
        body(1, Some("12.11.11.2"), "tap1"),
        body(1, Some("12.11.11.1"), "tap2"),
        body(2, Some("12.11.11.1"), "tap1"),
    ] {
        let err = e
            .detach(&DetachRequest::from_value(&other).unwrap())
            .unwrap_err();
        assert!(matches!(err, EngineError::NotPlugged { .. }), "{err}");
        assert!(err
            .to_string()
            .ends_with("is not plugged yet, cannot unplug"));
    }
    let mut wrong_type = b.clone();
    wrong_type["vpn_type"] = json!("ipvpn");
    wrong_type["gateway_ip"] = json!("12.11.11.254");
    let err = e
        .attach(&AttachRequest::from_value(&wrong_type).unwrap())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "VPN instance test2 already exists with type evpn"
    );
}

#[test]
fn forced_vni_is_used_and_cannot_be_shared() {
    let mut e = engine();
    let mut a = evpn_body("a", 1, None, "tap1", &["64512:1"]);
    a["vni"] = json!(5000);
    let fx = attach(&mut e, &a);
    assert!(matches!(
        fx.dataplane[0],
        DataplaneOp::EvpnCreate { vni: 5000, .. }
    ));
    let mut b = evpn_body("b", 2, None, "tap2", &["64512:2"]);
    b["vni"] = json!(5000);
    let err = e
        .attach(&AttachRequest::from_value(&b).unwrap())
        .unwrap_err();
    assert_eq!(err.to_string(), "VNI already in use: 5000");
    b["vni"] = json!(1 << 24);
    let err = e
        .attach(&AttachRequest::from_value(&b).unwrap())
        .unwrap_err();
    assert_eq!(err, EngineError::VniOutOfRange(1 << 24));
    // Another endpoint of "a" with another VNI is refused too.
    let mut a2 = evpn_body("a", 3, None, "tap3", &["64512:1"]);
    a2["vni"] = json!(5001);
    let err = e
        .attach(&AttachRequest::from_value(&a2).unwrap())
        .unwrap_err();
    assert!(matches!(
        err,
        EngineError::VniMismatch {
            requested: 5001,
            current: 5000
        }
    ));
    // Allocated VNIs skip the forced one once the allocator reaches it.
    detach(&mut e, &a);
    assert_eq!(e.allocated_ids(), 0);
}

#[test]
fn instance_ids_whose_names_collide_after_15_octets_are_refused() {
    let mut e = engine();
    attach(&mut e, &evpn_body("network-1234-a", 1, None, "tap1", &[]));
    let req = AttachRequest::from_value(&evpn_body("network-1234-b", 2, None, "tap2", &[]));
    let err = e.attach(&req.unwrap()).unwrap_err();
    assert_eq!(err, EngineError::DeviceNameInUse("vxlan--network-".into()));
    let req = AttachRequest::from_value(&evpn_body("a b", 2, None, "tap2", &[])).unwrap();
    assert!(matches!(
        e.attach(&req),
        Err(EngineError::InvalidName { .. })
    ));
}

#[test]
fn existing_linux_bridge_is_used_and_not_ours() {
    let mut e = engine();
    let mut b = evpn_body("x", 1, None, "tap1", &[]);
    b["linuxbr"] = json!("br-ext");
    let fx = attach(&mut e, &b);
    assert!(matches!(
        &fx.dataplane[..],
        [DataplaneOp::EvpnCreate { existing_bridge: true, bridge, .. }, DataplaneOp::EvpnPlug { .. }]
            if bridge == "br-ext"
    ));
    // No export route target: nothing is advertised.
    assert!(e.advertised_routes().next().is_none());
}

#[test]
fn unsupported_requests_are_refused_with_a_clear_error() {
    let mut e = engine();
    let mut b = ipvpn_body("v", 1, "10.0.0.2", "tap1", &["64512:1"]);
    b["local_port"] = json!({"evpn": {"id": "test2"}});
    let err = e
        .attach(&AttachRequest::from_value(&b).unwrap())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "plugging an E-VPN instance into an IP VPN (local_port evpn) is not supported"
    );
    let mut b = evpn_body("x", 1, None, "tap1", &[]);
    b["readvertise"] = json!({"to_rt": ["64512:9"]});
    let err = e
        .attach(&AttachRequest::from_value(&b).unwrap())
        .unwrap_err();
    assert_eq!(err.to_string(), "readvertise for evpn is not supported");
    assert_eq!(e.allocated_ids(), 0);
}

#[test]
fn changing_route_targets_moves_imports_and_readvertises_with_new_targets() {
    let mut e = engine();
    e.peer_up(RR1, false);
    let b = body(1, None, "tap1");
    attach(&mut e, &b);
    e.route_received(RR1, remote_mac(PE2, 9, None, 1, &["64512:79"]));
    e.route_received(RR1, remote_mac(PE3, 8, None, 1, &["64512:80"]));
    let b2 = evpn_body("test2", 1, None, "tap1", &["64512:80"]);
    let fx = attach(&mut e, &b2);
    // Unsubscribed from 64512:79 (synthetic withdraw), subscribed to 64512:80 (replay).
    assert_eq!(
        fx.dataplane,
        vec![remove_mac(9, None, PE2, 1), add_mac(8, None, PE3, 1)]
    );
    let got = announced(&fx);
    assert_eq!(got.len(), 2, "IMET and MAC/IP route again");
    assert!(got
        .iter()
        .all(|(_, r)| r.route_targets() == vec![rt("64512:80")]));
    assert!(
        withdrawn(&fx).is_empty(),
        "same keys: announced again, not withdrawn"
    );
}

#[test]
fn routes_without_a_vxlan_encapsulation_are_ignored_by_evpn() {
    let mut e = engine();
    attach(&mut e, &body(1, None, "tap1"));
    let mpls = with_encaps(
        remote_mac(PE2, 9, None, 1, &["64512:79"]),
        &[tunnel_type::MPLS],
    );
    assert!(e.route_received(RR1, mpls).is_empty(), "MPLS only");
    let none = with_encaps(remote_mac(PE2, 7, None, 1, &["64512:79"]), &[]);
    assert!(
        e.route_received(RR1, none.clone()).is_empty(),
        "no encapsulation"
    );
    let both = remote_mac(PE2, 6, None, 1, &["64512:79"]);
    let both = with_encaps(both, &[tunnel_type::MPLS, tunnel_type::VXLAN]);
    assert_eq!(
        e.route_received(RR1, both).dataplane,
        vec![add_mac(6, None, PE2, 1)]
    );
    let mut lenient = engine_with(|c| c.evpn_accept_no_encap = true);
    attach(&mut lenient, &body(1, None, "tap1"));
    let fx = lenient.route_received(RR1, none);
    assert_eq!(fx.dataplane, vec![add_mac(7, None, PE2, 1)]);
}

#[test]
fn our_own_routes_reflected_back_are_not_imported() {
    let mut e = engine();
    attach(&mut e, &body(1, Some("12.11.11.1"), "tap1"));
    assert!(e
        .route_received(RR1, own_mac(1, Some("12.11.11.1")))
        .dataplane
        .is_empty());
    assert!(e.route_received(RR1, own_imet()).dataplane.is_empty());
}

#[test]
fn imet_without_ingress_replication_is_ignored() {
    let mut e = engine();
    attach(&mut e, &body(1, None, "tap1"));
    let mut r = remote_imet(PE2, 1, &["64512:79"]);
    r.attributes.retain(|a| a.value.type_code() != 22);
    assert!(e.route_received(RR1, r).is_empty());
}

#[test]
fn a_moved_mac_replaces_the_fdb_entry_and_keeps_shared_entries() {
    let mut e = engine_with(|c| c.hash_salt = "host-a".into());
    attach(&mut e, &body(1, None, "tap1"));
    // The same MAC with and without IP from PE2: two entries, one FDB entry in Linux.
    let with_ip = remote_mac(PE2, 9, Some("12.11.11.9"), 1, &["64512:79"]);
    e.route_received(RR1, with_ip.clone());
    e.route_received(RR1, remote_mac(PE2, 9, None, 1, &["64512:79"]));
    // Withdrawing the MAC/IP route removes the neighbour and the FDB entry: the MAC-only
    // entry is given again.
    let fx = e.route_withdrawn(RR1, &with_ip.key());
    assert_eq!(
        fx.dataplane,
        vec![
            remove_mac(9, Some("12.11.11.9"), PE2, 1),
            add_mac(9, None, PE2, 1)
        ]
    );
}

#[test]
fn peer_down_removes_what_the_peer_sent() {
    let mut e = engine();
    attach(&mut e, &body(1, None, "tap1"));
    e.route_received(RR1, remote_mac(PE2, 9, None, 1, &["64512:79"]));
    e.route_received(RR2, remote_mac(PE3, 8, None, 1, &["64512:79"]));
    let fx = e.peer_down(RR1);
    assert_eq!(fx.dataplane, vec![remove_mac(9, None, PE2, 1)]);
    assert_eq!(e.received_routes().count(), 1);
}

#[test]
fn the_same_route_from_two_reflectors_is_removed_with_the_last() {
    let mut e = engine();
    attach(&mut e, &body(1, None, "tap1"));
    let r = remote_mac(PE2, 9, None, 1, &["64512:79"]);
    assert_eq!(e.route_received(RR1, r.clone()).dataplane.len(), 1);
    assert!(e.route_received(RR2, r.clone()).dataplane.is_empty());
    assert!(e.route_withdrawn(RR1, &r.key()).dataplane.is_empty());
    assert_eq!(
        e.route_withdrawn(RR2, &r.key()).dataplane,
        vec![remove_mac(9, None, PE2, 1)]
    );
}

#[test]
fn update_received_reads_a_decoded_update() {
    let mut e = engine();
    attach(&mut e, &body(1, None, "tap1"));
    let r = remote_mac(PE2, 9, None, 1, &["64512:79"]);
    let fx = e.update_received(RR1, &r.to_update());
    assert_eq!(fx.dataplane, vec![add_mac(9, None, PE2, 1)]);
    let fx = e.update_received(RR1, &r.to_withdraw());
    assert_eq!(fx.dataplane, vec![remove_mac(9, None, PE2, 1)]);
    // Families the engine does not handle are left alone.
    let v = vpn_route(
        rd1(),
        "10.0.0.0/8".parse().unwrap(),
        16,
        &Advertised {
            next_hop: PE2.into(),
            export_rts: &[rt("64512:79")],
            local_pref: 100,
            hash_order: 0,
        },
        &[],
    );
    assert!(
        e.update_received(RR1, &v.to_update()).is_empty(),
        "no IP VPN instance"
    );
    let _ = (
        PeerId(0),
        BgpChange::Withdraw {
            peer: RR1,
            route: v,
        },
    );
}

#[test]
fn stop_all_deletes_every_instance_and_withdraws_its_routes() {
    let mut e = engine();
    e.peer_up(RR1, false);
    attach(&mut e, &body(1, Some("12.11.11.1"), "tap1"));
    attach(
        &mut e,
        &evpn_body("other", 2, Some("12.11.12.1"), "tap2", &["64512:80"]),
    );
    let fx = e.stop_all();
    let deletes: Vec<&str> = fx
        .dataplane
        .iter()
        .filter(|op| matches!(op, DataplaneOp::EvpnDelete { .. }))
        .map(|op| op.name())
        .collect();
    assert_eq!(deletes, ["EvpnDelete", "EvpnDelete"]);
    assert_eq!(withdrawn(&fx).len(), 4, "{:?}", fx.bgp);
    assert_eq!((e.instance_count(), e.allocated_ids()), (0, 0));
    assert!(e.stop_all().is_empty());
}
