//! Scenarios: IP VPN instances, best-route selection, RTC, re-advertisement.

use std::net::IpAddr;

use herald_wire::nlri::Rtc;
use ipnet::IpNet;
use serde_json::json;

use crate::alloc::RdAllocator;
use crate::dataplane::DataplaneOp;
use crate::route::{rtc_route, tunnel_type, VpnNlri, RTC};
use crate::test_util::*;
use crate::AttachRequest;

fn add_route(prefix: &str, pe: [u8; 4], label: u32) -> DataplaneOp {
    DataplaneOp::VrfAddRoute {
        instance: 1,
        prefix: prefix.parse().unwrap(),
        remote: IpAddr::V4(pe.into()),
        label,
    }
}

fn remove_route(prefix: &str, pe: [u8; 4], label: u32) -> DataplaneOp {
    DataplaneOp::VrfRemoveRoute {
        instance: 1,
        prefix: prefix.parse().unwrap(),
        remote: IpAddr::V4(pe.into()),
        label,
    }
}

fn vrf(rts: &[&str]) -> serde_json::Value {
    ipvpn_body("vrf1", 1, "10.0.0.2/24", "tap1", rts)
}

fn default_rtc() -> Rtc {
    Rtc {
        path_id: None,
        len: 0,
        origin: 0,
        rt: [0; 8],
    }
}

#[test]
fn ipvpn_attach_creates_a_vrf_and_advertises_a_host_route_with_the_port_label() {
    let mut e = engine();
    e.peer_up(RR1, false);
    let fx = attach(&mut e, &vrf(&["64512:1"]));
    assert_eq!(
        fx.dataplane,
        vec![
            DataplaneOp::VrfCreate {
                instance: 1,
                label: 16,
                gateway: Some("10.0.0.1/24".parse().unwrap()),
            },
            DataplaneOp::VrfPlug {
                instance: 1,
                port: "tap1".into(),
                mac: mac(1),
                ip: "10.0.0.2/32".parse().unwrap(),
                label: 17,
            },
        ]
    );
    let got = announced(&fx);
    assert_eq!(got.len(), 1);
    let VpnNlri::Vpn(p) = &got[0].1.nlri else {
        panic!("not a VPN route")
    };
    assert_eq!(p.net, "10.0.0.2/32".parse::<IpNet>().unwrap());
    assert_eq!(p.rd, RdAllocator::rd(LOCAL, 1), "the instance RD");
    assert_eq!(p.labels.iter().next().map(|l| l.value()), Some(17));
    assert_eq!(got[0].1.encapsulations(), vec![tunnel_type::MPLS]);
    assert_eq!(got[0].1.next_hop, IpAddr::V4(LOCAL));
}

#[test]
fn advertise_subnet_uses_the_endpoint_rd_and_the_whole_prefix() {
    let mut e = engine();
    e.peer_up(RR1, false);
    let mut b = vrf(&["64512:1"]);
    b["advertise_subnet"] = json!(true);
    let fx = attach(&mut e, &b);
    assert!(matches!(
        &fx.dataplane[1],
        DataplaneOp::VrfPlug { ip, .. } if *ip == "10.0.0.2/24".parse::<IpNet>().unwrap()
    ));
    let VpnNlri::Vpn(p) = &announced(&fx)[0].1.nlri else {
        panic!("not a VPN route")
    };
    assert_eq!(p.net, "10.0.0.0/24".parse::<IpNet>().unwrap());
    assert_eq!(p.rd, RdAllocator::rd(LOCAL, 2), "the endpoint's own RD");
}

#[test]
fn ipvpn_imports_vpn_routes_with_mpls_or_no_encapsulation() {
    let mut e = engine();
    attach(&mut e, &vrf(&["64512:1"]));
    let r = remote_vpn(PE2, "10.9.0.0/16", 300, 100, &["64512:1"]);
    assert_eq!(
        e.route_received(RR1, r.clone()).dataplane,
        vec![add_route("10.9.0.0/16", PE2, 300)]
    );
    let bare = with_encaps(remote_vpn(PE2, "10.8.0.0/16", 301, 100, &["64512:1"]), &[]);
    assert_eq!(
        e.route_received(RR1, bare).dataplane,
        vec![add_route("10.8.0.0/16", PE2, 301)]
    );
    let vxlan = with_encaps(
        remote_vpn(PE2, "10.7.0.0/16", 302, 100, &["64512:1"]),
        &[tunnel_type::VXLAN],
    );
    assert!(e.route_received(RR1, vxlan).is_empty());
    // A new label for the same route replaces the dataplane route.
    let relabeled = remote_vpn(PE2, "10.9.0.0/16", 400, 100, &["64512:1"]);
    assert_eq!(
        e.route_received(RR1, relabeled).dataplane,
        vec![
            remove_route("10.9.0.0/16", PE2, 300),
            add_route("10.9.0.0/16", PE2, 400)
        ]
    );
}

#[test]
fn with_ecmp_every_equal_route_is_installed() {
    let mut e = engine_with(|c| c.ecmp_ipvpn = true);
    attach(&mut e, &vrf(&["64512:1"]));
    let a = remote_vpn(PE2, "10.9.0.0/16", 300, 100, &["64512:1"]);
    let b = remote_vpn(PE3, "10.9.0.0/16", 500, 100, &["64512:1"]);
    e.route_received(RR1, a.clone());
    assert_eq!(
        e.route_received(RR1, b.clone()).dataplane,
        vec![add_route("10.9.0.0/16", PE3, 500)]
    );
    assert_eq!(
        e.route_withdrawn(RR1, &a.key()).dataplane,
        vec![remove_route("10.9.0.0/16", PE2, 300)]
    );
    // A better LOCAL_PREF replaces every equal route.
    let c = remote_vpn(PE2, "10.9.0.0/16", 301, 200, &["64512:1"]);
    assert_eq!(
        e.route_received(RR1, c).dataplane,
        vec![
            remove_route("10.9.0.0/16", PE3, 500),
            add_route("10.9.0.0/16", PE2, 301)
        ]
    );
}

#[test]
fn without_ecmp_one_route_is_installed_by_the_salted_hash() {
    let a = remote_vpn(PE2, "10.9.0.0/16", 300, 100, &["64512:1"]);
    let b = remote_vpn(PE3, "10.9.0.0/16", 500, 100, &["64512:1"]);
    let installed = |salt: &str, first: &crate::VpnRoute, second: &crate::VpnRoute| {
        let mut e = engine_with(|c| c.hash_salt = salt.into());
        attach(&mut e, &vrf(&["64512:1"]));
        let mut ops = e.route_received(RR1, first.clone()).dataplane;
        ops.extend(e.route_received(RR1, second.clone()).dataplane);
        (e, ops)
    };
    let mut winners = std::collections::BTreeSet::new();
    for salt in ["host-a", "host-b", "host-c", "host-d", "host-e", "host-f"] {
        let (mut e, ops) = installed(salt, &a, &b);
        let (_, ops2) = installed(salt, &b, &a);
        let last = |ops: &[DataplaneOp]| ops.last().cloned();
        assert_eq!(last(&ops), last(&ops2), "arrival order does not matter");
        let winner = last(&ops2);
        winners.insert(format!("{winner:?}"));
        // Withdrawing the loser changes nothing; withdrawing the winner installs the other.
        let (win, lose) = if winner == Some(add_route("10.9.0.0/16", PE2, 300)) {
            (&a, &b)
        } else {
            (&b, &a)
        };
        assert!(e.route_withdrawn(RR1, &lose.key()).is_empty());
        e.route_received(RR1, lose.clone());
        let ops = e.route_withdrawn(RR1, &win.key()).dataplane;
        assert_eq!(ops.len(), 2, "remove the winner, add the other: {ops:?}");
    }
    assert_eq!(winners.len(), 2, "salts spread the choice");
}

#[test]
fn rtc_route_originated_by_the_first_import_and_withdrawn_by_the_last() {
    let mut e = engine();
    e.peer_up(RR1, true);
    let rtc = rtc_route(64512, rt("64512:1"), LOCAL);
    let a = ipvpn_body("a", 1, "10.0.0.2", "tap1", &["64512:1"]);
    let b = ipvpn_body("b", 2, "10.0.1.2", "tap2", &["64512:1"]);
    let fx = attach(&mut e, &a);
    // The peer asked for no route target yet: it gets the RTC route only.
    assert_eq!(announced(&fx), vec![(RR1, rtc.clone())]);
    assert!(announced(&attach(&mut e, &b)).is_empty());
    assert!(withdrawn(&detach(&mut e, &a)).is_empty());
    assert_eq!(withdrawn(&detach(&mut e, &b)), vec![(RR1, rtc)]);
}

#[test]
fn rtc_disabled_originates_nothing() {
    let mut e = engine_with(|c| c.enable_rtc = false);
    e.peer_up(RR1, true);
    let fx = attach(&mut e, &vrf(&["64512:1"]));
    assert!(fx.bgp.is_empty());
}

#[test]
fn rtc_peers_get_the_routes_whose_targets_they_asked_for() {
    let mut e = engine();
    e.peer_up(RR1, true);
    e.peer_up(RR2, false);
    attach(
        &mut e,
        &ipvpn_body("a", 1, "10.0.0.2", "tap1", &["64512:1"]),
    );
    attach(
        &mut e,
        &ipvpn_body("b", 2, "10.0.1.2", "tap2", &["64512:2"]),
    );
    assert_eq!(e.routes_for_peer(RR2).len(), 2, "no RTC: every VPN route");
    assert_eq!(
        e.routes_for_peer(RR1).len(),
        2,
        "RTC: the two RTC routes only"
    );
    let fx = e.peer_rtc_received(RR1, rt("64512:2").rtc(65000));
    let got = announced(&fx);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1.route_targets(), vec![rt("64512:2")]);
    // The default RTC route asks for everything.
    let fx = e.peer_rtc_received(RR1, default_rtc());
    assert_eq!(announced(&fx).len(), 1);
    let fx = e.peer_rtc_withdrawn(RR1, &default_rtc());
    assert_eq!(withdrawn(&fx).len(), 1);
    assert_eq!(withdrawn(&fx)[0].1.route_targets(), vec![rt("64512:1")]);
    // Withdrawal through route_withdrawn, as an UPDATE gives it.
    let key = VpnNlri::Rtc(rt("64512:2").rtc(65000)).key();
    assert_eq!(key.family, RTC);
    assert_eq!(withdrawn(&e.route_withdrawn(RR1, &key)).len(), 1);
    assert!(e.routes_for_peer(RR1).iter().all(|r| r.family() == RTC));
}

#[test]
fn a_route_whose_targets_change_is_withdrawn_from_peers_no_longer_asking() {
    let mut e = engine();
    e.peer_up(RR1, true);
    let a = ipvpn_body("a", 1, "10.0.0.2", "tap1", &["64512:1"]);
    attach(&mut e, &a);
    e.route_received(RR1, rtc_route(65000, rt("64512:1"), PE2.into()));
    let mut moved = a.clone();
    moved["export_rt"] = json!(["64512:3"]);
    let fx = attach(&mut e, &moved);
    assert_eq!(withdrawn(&fx).len(), 1);
    assert!(announced(&fx).is_empty());
}

#[test]
fn peer_up_sends_rtc_routes_first() {
    let mut e = engine();
    attach(&mut e, &vrf(&["64512:1"]));
    let fx = e.peer_up(RR1, true);
    assert_eq!(announced(&fx).len(), 1);
    e.peer_rtc_received(RR1, default_rtc());
    let fx = e.peer_up(RR2, true);
    let fams: Vec<_> = announced(&fx).iter().map(|(_, r)| r.family()).collect();
    assert_eq!(fams, vec![RTC]);
    e.peer_rtc_received(RR2, default_rtc());
    let fx = e.peer_up(RR2, false);
    let fams: Vec<_> = announced(&fx).iter().map(|(_, r)| r.family()).collect();
    assert_eq!(fams, vec![crate::route::VPNV4], "without RTC: no RTC route");
}

#[test]
fn readvertise_announces_received_prefixes_with_each_endpoint_as_next_hop() {
    let mut e = engine();
    e.peer_up(RR1, false);
    let mut b = vrf(&["64512:1"]);
    b["readvertise"] = json!({"from_rt": ["64512:5"], "to_rt": ["64512:6"]});
    attach(&mut e, &b);
    // 64512:5 is subscribed to (and asked for by RTC) without being imported.
    let rtc5 = rtc_route(64512, rt("64512:5"), LOCAL);
    assert!(e.advertised_routes().any(|r| *r == rtc5));
    let r = remote_vpn(PE2, "20.0.0.0/24", 300, 100, &["64512:5"]);
    let fx = e.route_received(RR1, r.clone());
    assert!(fx.dataplane.is_empty(), "not imported: no dataplane route");
    let got = announced(&fx);
    assert_eq!(got.len(), 1);
    let re = &got[0].1;
    let VpnNlri::Vpn(p) = &re.nlri else {
        panic!("not a VPN route")
    };
    assert_eq!(p.net, "20.0.0.0/24".parse::<IpNet>().unwrap());
    assert_eq!(p.rd, RdAllocator::rd(LOCAL, 2), "the endpoint's RD");
    assert_eq!(
        p.labels.iter().next().map(|l| l.value()),
        Some(17),
        "the port's label"
    );
    assert_eq!(re.next_hop, IpAddr::V4(LOCAL));
    assert_eq!(re.route_targets(), vec![rt("64512:6")]);
    assert_eq!(re.rt_records(), vec![rt("64512:5")]);
    // A route already re-advertised toward 64512:6 is not re-advertised again (loop).
    let mut looped = remote_vpn(PE3, "20.1.0.0/24", 300, 100, &["64512:5"]);
    for a in &mut looped.attributes {
        if let herald_wire::attr::AttrValue::ExtCommunities(c) = &mut a.value {
            c.push(rt("64512:6").record());
        }
    }
    assert!(e.route_received(RR1, looped).is_empty());
    // Withdrawal of the source route withdraws the re-advertised one.
    let fx = e.route_withdrawn(RR1, &r.key());
    assert_eq!(withdrawn(&fx), vec![(RR1, re.clone())]);
}

#[test]
fn a_failed_attach_gives_back_what_it_took() {
    let mut e = engine_with(|c| c.rd_range = 1..=2);
    attach(
        &mut e,
        &ipvpn_body("a", 1, "10.0.0.2", "tap1", &["64512:1"]),
    );
    let before = e.allocated_ids();
    for body in [
        ipvpn_body("a", 2, "10.0.0.3", "tap2", &["64512:1"]),
        ipvpn_body("b", 2, "10.0.0.3", "tap2", &["64512:1"]),
    ] {
        let err = e
            .attach(&AttachRequest::from_value(&body).unwrap())
            .unwrap_err();
        assert!(matches!(err, crate::EngineError::Exhausted(_)), "{err}");
        assert_eq!(e.allocated_ids(), before);
    }
    assert_eq!(e.instance_count(), 1);
}

#[test]
fn detaching_one_of_two_ipvpn_endpoints_on_a_port_plugs_the_other_again() {
    let mut e = engine();
    attach(
        &mut e,
        &ipvpn_body("a", 1, "10.0.0.2", "tap1", &["64512:1"]),
    );
    let b = ipvpn_body("a", 1, "10.0.0.3", "tap1", &["64512:1"]);
    let fx = attach(&mut e, &b);
    assert!(matches!(
        &fx.dataplane[..],
        [DataplaneOp::VrfPlug { label: 17, .. }]
    ));
    let fx = detach(&mut e, &b);
    assert!(matches!(
        &fx.dataplane[..],
        [DataplaneOp::VrfUnplug { ip: a, .. }, DataplaneOp::VrfPlug { ip: b, .. }]
            if a.addr() == "10.0.0.3".parse::<IpAddr>().unwrap()
                && b.addr() == "10.0.0.2".parse::<IpAddr>().unwrap()
    ));
}
