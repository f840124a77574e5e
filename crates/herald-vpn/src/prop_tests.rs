//! Property: any sequence of attaches, detaches and received routes keeps the dataplane and
//! each peer's routes equal to what the engine holds, and detaching everything leaves no
//! instance, no identifier, no dataplane state and no advertised route.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use serde_json::json;

use crate::dataplane::DataplaneOp;
use crate::route::RouteKey;
use crate::test_util::*;
use crate::{AttachRequest, BgpChange, DetachRequest, Effects, PeerId, VpnEngine, VpnRoute};

#[derive(Clone, Debug)]
enum Step {
    Attach {
        inst: usize,
        mac: u8,
        ip: usize,
        port: usize,
        variant: bool,
        vni: bool,
    },
    Detach {
        inst: usize,
        mac: u8,
        ip: usize,
        port: usize,
    },
    Receive {
        route: usize,
        peer: bool,
    },
    Withdraw {
        route: usize,
        peer: bool,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..3usize, 1..4u8, 0..3usize, 0..2usize, any::<bool>(), any::<bool>()).prop_map(
            |(inst, mac, ip, port, variant, vni)| Step::Attach { inst, mac, ip, port, variant, vni }
        ),
        2 => (0..3usize, 1..4u8, 0..3usize, 0..2usize)
            .prop_map(|(inst, mac, ip, port)| Step::Detach { inst, mac, ip, port }),
        2 => (0..7usize, any::<bool>()).prop_map(|(route, peer)| Step::Receive { route, peer }),
        1 => (0..7usize, any::<bool>()).prop_map(|(route, peer)| Step::Withdraw { route, peer }),
    ]
}

const IPS: [Option<&str>; 3] = [None, Some("10.0.0.1"), Some("10.0.0.2/24")];
const PORTS: [&str; 2] = ["tap1", "tap2"];

fn body(inst: usize, mac: u8, ip: usize, port: usize, variant: bool) -> serde_json::Value {
    let port = PORTS[port % 2];
    match inst {
        0 => evpn_body(
            "e1",
            mac,
            IPS[ip % 3],
            port,
            if variant { &["64512:1"] } else { &["64512:2"] },
        ),
        1 => {
            let rts: &[&str] = if variant {
                &["64512:2"]
            } else {
                &["64512:1", "64512:2"]
            };
            evpn_body("e2", mac, IPS[ip % 3], port, rts)
        }
        _ => {
            let rts: &[&str] = if variant {
                &["64512:3"]
            } else {
                &["64512:3", "64512:4"]
            };
            ipvpn_body("v1", mac, IPS[ip % 3].unwrap_or("10.0.0.1"), port, rts)
        }
    }
}

fn remote_routes() -> Vec<VpnRoute> {
    vec![
        remote_mac(PE2, 9, Some("10.0.0.9"), 100, &["64512:1"]),
        remote_mac(PE3, 9, None, 100, &["64512:1", "64512:2"]),
        remote_imet(PE2, 100, &["64512:1"]),
        remote_imet(PE3, 101, &["64512:2"]),
        remote_vpn(PE2, "10.9.0.0/16", 300, 100, &["64512:3"]),
        remote_vpn(PE3, "10.9.0.0/16", 301, 100, &["64512:3"]),
        remote_mac(PE3, 8, Some("10.0.0.9"), 100, &["64512:1"]),
    ]
}

/// The dataplane as Linux keeps it: instances, plugged ports, remote entries (as their add
/// operation). Removing a MAC entry takes the FDB entry of the MAC and the neighbour entry
/// of the IP, so every entry sharing one of them.
#[derive(Default, Debug)]
struct Dataplane {
    instances: BTreeSet<u32>,
    plugs: BTreeSet<(u32, String, String)>,
    entries: BTreeMap<u32, BTreeSet<String>>,
}

fn canon(op: &DataplaneOp) -> (u32, String) {
    use DataplaneOp as D;
    match op {
        D::EvpnAddMac {
            instance,
            mac,
            ip,
            remote,
            vni,
            ..
        }
        | D::EvpnRemoveMac {
            instance,
            mac,
            ip,
            remote,
            vni,
            ..
        } => (*instance, format!("mac {mac} {ip:?} {remote} {vni}")),
        D::EvpnAddFlood {
            instance,
            remote,
            vni,
            ..
        }
        | D::EvpnRemoveFlood {
            instance,
            remote,
            vni,
            ..
        } => (*instance, format!("flood {remote} {vni}")),
        D::VrfAddRoute {
            instance,
            prefix,
            remote,
            label,
        }
        | D::VrfRemoveRoute {
            instance,
            prefix,
            remote,
            label,
        } => (*instance, format!("route {prefix} {remote} {label}")),
        other => (0, format!("{other:?}")),
    }
}

impl Dataplane {
    fn apply(&mut self, ops: &[DataplaneOp]) -> Result<(), TestCaseError> {
        use DataplaneOp as D;
        for op in ops {
            match op {
                D::EvpnCreate { instance, .. } | D::VrfCreate { instance, .. } => {
                    prop_assert!(self.instances.insert(*instance), "created twice: {op:?}");
                }
                D::EvpnDelete { instance, .. } | D::VrfDelete { instance } => {
                    prop_assert!(self.instances.remove(instance), "deleted unknown: {op:?}");
                    prop_assert!(
                        !self.plugs.iter().any(|p| p.0 == *instance),
                        "ports still plugged at delete: {:?}",
                        self.plugs
                    );
                    self.entries.remove(instance);
                }
                D::EvpnPlug {
                    instance,
                    port,
                    mac,
                    ..
                } => {
                    prop_assert!(self.instances.contains(instance));
                    self.plugs
                        .insert((*instance, port.clone(), mac.to_string()));
                }
                D::VrfPlug {
                    instance,
                    port,
                    mac,
                    ip,
                    ..
                } => {
                    prop_assert!(self.instances.contains(instance));
                    self.plugs
                        .insert((*instance, port.clone(), format!("{mac} {ip}")));
                }
                D::EvpnUnplug {
                    instance,
                    port,
                    mac,
                    ..
                } => {
                    let k = (*instance, port.clone(), mac.to_string());
                    prop_assert!(self.plugs.remove(&k), "unplug of {k:?} not plugged");
                }
                D::VrfUnplug {
                    instance,
                    port,
                    mac,
                    ip,
                    ..
                } => {
                    let k = (*instance, port.clone(), format!("{mac} {ip}"));
                    prop_assert!(self.plugs.remove(&k), "unplug of {k:?} not plugged");
                }
                D::EvpnAddMac { .. } | D::EvpnAddFlood { .. } | D::VrfAddRoute { .. } => {
                    let (i, e) = canon(op);
                    prop_assert!(
                        self.instances.contains(&i),
                        "add to unknown instance {op:?}"
                    );
                    self.entries.entry(i).or_default().insert(e);
                }
                D::EvpnRemoveMac {
                    instance, mac, ip, ..
                } => {
                    let (i, e) = canon(op);
                    let set = self.entries.entry(i).or_default();
                    prop_assert!(set.contains(&e), "remove of absent {op:?}");
                    let (m, a) = (format!("mac {mac} "), ip.map(|a| format!(" Some({a}) ")));
                    set.retain(|x| {
                        !(x.starts_with(&m) || a.as_ref().is_some_and(|a| x.contains(a.as_str())))
                    });
                    prop_assert!(*instance == i);
                }
                D::EvpnRemoveFlood { .. } | D::VrfRemoveRoute { .. } => {
                    let (i, e) = canon(op);
                    let set = self.entries.entry(i).or_default();
                    prop_assert!(set.remove(&e), "remove of absent {op:?}");
                }
            }
        }
        Ok(())
    }

    /// The model holds exactly the entries the engine has installed.
    fn check(&self, e: &VpnEngine) -> Result<(), TestCaseError> {
        let mut want: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
        for inst in e.instances.values() {
            let set: BTreeSet<String> = inst
                .installed
                .keys()
                .map(|k| canon(&inst.op(k, true)).1)
                .collect();
            if !set.is_empty() {
                want.insert(inst.id, set);
            }
        }
        let have: BTreeMap<u32, BTreeSet<String>> = self
            .entries
            .iter()
            .filter(|(_, s)| !s.is_empty())
            .map(|(i, s)| (*i, s.clone()))
            .collect();
        prop_assert_eq!(have, want);
        Ok(())
    }
}

/// Each peer's routes as the announcements and withdrawals built them.
fn apply_bgp(
    ribs: &mut BTreeMap<PeerId, BTreeMap<RouteKey, VpnRoute>>,
    fx: &Effects,
) -> Result<(), TestCaseError> {
    for c in &fx.bgp {
        match c {
            BgpChange::Announce { peer, route } => {
                ribs.entry(*peer)
                    .or_default()
                    .insert(route.key(), route.clone());
            }
            BgpChange::Withdraw { peer, route } => {
                let gone = ribs.entry(*peer).or_default().remove(&route.key());
                prop_assert!(gone.is_some(), "withdrawal of a route not sent: {route:?}");
            }
        }
    }
    Ok(())
}

fn check_ribs(
    ribs: &BTreeMap<PeerId, BTreeMap<RouteKey, VpnRoute>>,
    e: &VpnEngine,
) -> Result<(), TestCaseError> {
    for peer in [RR1, RR2] {
        let want: BTreeSet<String> = e
            .routes_for_peer(peer)
            .iter()
            .map(|r| format!("{r:?}"))
            .collect();
        let have: BTreeSet<String> = ribs
            .get(&peer)
            .map(|m| m.values().map(|r| format!("{r:?}")).collect())
            .unwrap_or_default();
        prop_assert_eq!(have, want);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn detaching_everything_leaves_nothing_behind(steps in proptest::collection::vec(step(), 0..40)) {
        let mut e = engine();
        let mut dp = Dataplane::default();
        let mut ribs = BTreeMap::new();
        let routes = remote_routes();
        for (peer, rtc) in [(RR1, false), (RR2, true)] {
            let fx = e.peer_up(peer, rtc);
            apply_bgp(&mut ribs, &fx)?;
        }
        let fx = e.peer_rtc_received(RR2, crate::rt::RouteTarget::parse("64512:1").unwrap().rtc(1));
        apply_bgp(&mut ribs, &fx)?;
        for s in steps {
            let before = (e.instance_count(), e.allocated_ids());
            let result = match s {
                Step::Attach { inst, mac, ip, port, variant, vni } => {
                    let mut b = body(inst, mac, ip, port, variant);
                    if vni {
                        b["vni"] = json!(5000);
                    }
                    e.attach(&AttachRequest::from_value(&b).unwrap())
                }
                Step::Detach { inst, mac, ip, port } => {
                    let b = body(inst, mac, ip, port, true);
                    e.detach(&DetachRequest::from_value(&b).unwrap())
                }
                Step::Receive { route, peer } => {
                    let p = if peer { RR1 } else { RR2 };
                    Ok(e.route_received(p, routes[route % routes.len()].clone()))
                }
                Step::Withdraw { route, peer } => {
                    let p = if peer { RR1 } else { RR2 };
                    Ok(e.route_withdrawn(p, &routes[route % routes.len()].key()))
                }
            };
            match result {
                Ok(fx) => {
                    dp.apply(&fx.dataplane)?;
                    apply_bgp(&mut ribs, &fx)?;
                }
                Err(_) => prop_assert_eq!((e.instance_count(), e.allocated_ids()), before),
            }
            dp.check(&e)?;
            check_ribs(&ribs, &e)?;
        }
        // Detach every endpoint still plugged.
        let plugged: Vec<serde_json::Value> = e
            .instances
            .values()
            .flat_map(|i| {
                i.endpoints.iter().map(move |((m, a), _)| {
                    let port = i.macs.get(m).map(|p| p.port.clone()).unwrap_or_default();
                    let t = if i.devices.is_some() { "evpn" } else { "ipvpn" };
                    json!({"vpn_type": t, "vpn_instance_id": i.external_id, "local_port": port,
                           "mac_address": m.to_string(), "ip_address": a.map(|a| a.to_string())})
                })
            })
            .collect();
        for b in plugged {
            let fx = e.detach(&DetachRequest::from_value(&b).unwrap()).unwrap();
            dp.apply(&fx.dataplane)?;
            apply_bgp(&mut ribs, &fx)?;
        }
        prop_assert_eq!(e.instance_count(), 0);
        prop_assert_eq!(e.allocated_ids(), 0);
        prop_assert!(dp.instances.is_empty() && dp.plugs.is_empty(), "{dp:?}");
        prop_assert!(dp.entries.values().all(BTreeSet::is_empty), "{dp:?}");
        prop_assert!(e.advertised_routes().next().is_none());
        prop_assert!(ribs.values().all(BTreeMap::is_empty), "{ribs:?}");
    }
}
