//! BaGPipe's looking glass, as data: the JSON values of `/looking-glass/vpns/instances`,
//! `/looking-glass/vpns/instances/<id>`, `/looking-glass/vpns/dataplane/drivers` and
//! `/looking-glass/bgp/routes`, with `href` links under a base URL the caller gives (for
//! example `http://127.0.0.1:8082/looking-glass`). Serving them is the daemon's.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use herald_wire::attr::{AttrValue, ExtCommunity};
use herald_wire::iana::Family;
use serde_json::{json, Map, Value};

use crate::bgp::PeerId;
use crate::dataplane::{DataplaneOp, VpnType};
use crate::instance::Instance;
use crate::route::{tunnel_type_of, VpnNlri, VpnRoute};
use crate::rt::RouteTarget;
use crate::VpnEngine;

/// A path segment with the characters that would break a URL escaped.
fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:@".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn instance_href(base: &str, id: &str) -> String {
    format!("{base}/vpns/instances/{}", segment(id))
}

fn rts(v: &[RouteTarget]) -> Value {
    Value::from(v.iter().map(|r| r.to_string()).collect::<Vec<_>>())
}

/// `/vpns/instances`: one entry per instance, with its link.
pub fn instances(engine: &VpnEngine, base: &str) -> Value {
    let list: Vec<Value> = engine
        .instances
        .values()
        .map(|i| {
            let mut e = json!({
                "id": i.external_id,
                "name": i.name(),
                "href": instance_href(base, &i.external_id),
            });
            if let (Some(d), Some(m)) = (&i.description, e.as_object_mut()) {
                m.insert("description".into(), Value::from(d.clone()));
            }
            e
        })
        .collect();
    Value::from(list)
}

/// `/vpns/instances/<id>`: the instance's settings, ports and counts; `None` when there is
/// no such instance (the daemon's 404). No `href` to itself: `bagpipe-looking-glass -r`
/// follows every link that starts with the page's URL, its own included.
pub fn instance(engine: &VpnEngine, id: &str) -> Option<Value> {
    let i = engine.instances.get(id)?;
    let (kind, dataplane) = match (&i.devices, i.vpn_type) {
        (Some(d), _) => (
            "EVI",
            json!({"linux_bridge": d.bridge, "vxlan_if": d.vxlan,
                   "existing_bridge": d.existing_bridge}),
        ),
        (None, _) => ("VRF", json!({"instance_label": i.dataplane_id})),
    };
    let readvertise = i.readvertise.as_ref().map_or_else(
        || json!({}),
        |r| json!({"from": rts(&r.from_rts), "to": rts(&r.to_rts)}),
    );
    let mut v = json!({
        "instance_type": kind,
        "external_instance_id": i.external_id,
        "name": i.name(),
        "description": i.description,
        "dataplane": dataplane,
        "route_targets": {"import": rts(&i.import_rts), "export": rts(&i.export_rts)},
        "route_distinguisher": i.rd.to_string(),
        "gateway_ip": i.gateway.map(|g| g.addr().to_string()),
        "subnet_prefix_length": i.gateway.map(|g| g.prefix_len()),
        "instance_dataplane_id": i.dataplane_id,
        "ports": ports(i),
        "readvertise": readvertise,
        "readvertised_prefixes": i.readvertised.keys().map(|p| p.to_string()).collect::<Vec<_>>(),
        "attract_traffic": {},
        "fallback": Value::Null,
        "received_routes": i.tracker.route_count(),
        "dataplane_entries": i.installed.len(),
        "advertised_routes": i.published.len(),
    });
    if i.vpn_type == VpnType::Evpn {
        if let Some(m) = v.as_object_mut() {
            m.insert("gateway_port".into(), Value::Null);
        }
    }
    Some(v)
}

fn ports(i: &Instance) -> Value {
    let mut by_port: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for ((mac, _), ep) in &i.endpoints {
        let Some(mp) = i.macs.get(mac) else {
            continue;
        };
        let rd = match (i.vpn_type, ep.advertise_subnet, ep.rd) {
            (VpnType::Ipvpn, true, Some(rd)) => rd,
            _ => i.rd,
        };
        by_port.entry(&mp.port).or_default().push(json!({
            "label": mp.label.unwrap_or(i.dataplane_id),
            "mac_address": mac.to_string().to_ascii_lowercase(),
            "ip_address": ep.ip.map(|n| n.to_string()),
            "local_pref": ep.local_pref,
            "rd": rd.to_string(),
            "description": ep.description,
            "direction": "both",
        }));
    }
    let m: Map<String, Value> = by_port
        .into_iter()
        .map(|(p, eps)| (p.to_string(), json!({ "endpoints": eps })))
        .collect();
    Value::Object(m)
}

/// `/vpns/dataplane/drivers`: the E-VPN and IP VPN drivers (`evpn_driver`, `ipvpn_driver`
/// are their names as the daemon configured them).
pub fn dataplane_drivers(
    engine: &VpnEngine,
    base: &str,
    evpn_driver: &str,
    ipvpn_driver: &str,
) -> Value {
    let c = &engine.config;
    json!({
        "evpn": {
            "name": evpn_driver,
            "href": format!("{base}/vpns/dataplane/drivers/evpn"),
            "local_address": c.local_address.to_string(),
            "supported_encaps": if c.evpn_accept_no_encap { vec!["vxlan", "default"] }
                                else { vec!["vxlan"] },
            "ecmp_support": c.ecmp_evpn,
            "config": {"vxlan_dst_port": c.vxlan_port},
        },
        "ipvpn": {
            "name": ipvpn_driver,
            "href": format!("{base}/vpns/dataplane/drivers/ipvpn"),
            "local_address": c.local_address.to_string(),
            "supported_encaps": ["default", "mpls"],
            "ecmp_support": c.ecmp_ipvpn,
            "config": {},
        },
    })
}

fn family_name(f: Family) -> String {
    format!("{}/{}", f.afi, f.safi)
}

fn ext_text(e: &ExtCommunity) -> String {
    if let Some(rt) = RouteTarget::from_ext(e) {
        return format!("target:{rt}");
    }
    if let Some(rt) = RouteTarget::from_record(e) {
        return format!("rt-record:{rt}");
    }
    if let Some(t) = tunnel_type_of(e) {
        return format!("encap:{t}");
    }
    format!("0x{:016x}", e.as_u64())
}

fn nlri_text(n: &VpnNlri) -> String {
    match n {
        VpnNlri::Evpn(e) => e.route.to_string(),
        VpnNlri::Vpn(p) => {
            let labels: Vec<String> = p.labels.iter().map(|l| l.value().to_string()).collect();
            format!("{}:{} label {}", p.rd, p.net, labels.join(","))
        }
        VpnNlri::Rtc(r) if r.len == 0 => "rtc default".to_string(),
        VpnNlri::Rtc(r) => format!(
            "rtc origin {} target {} /{}",
            r.origin,
            RouteTarget(r.rt),
            r.len
        ),
    }
}

fn route_value(r: &VpnRoute, source: Value) -> Value {
    let mut attrs = Map::new();
    for a in &r.attributes {
        let (k, v) = match &a.value {
            AttrValue::LocalPref(l) => ("local_pref", Value::from(*l)),
            AttrValue::Med(m) => ("med", Value::from(*m)),
            AttrValue::ExtCommunities(c) => (
                "extended_communities",
                Value::from(c.iter().map(ext_text).collect::<Vec<_>>()),
            ),
            AttrValue::PmsiTunnel(p) => (
                "pmsi_tunnel",
                json!({"flags": p.flags, "tunnel_type": p.tunnel_type, "label": p.label,
                       "tunnel_id": p.tunnel_id.iter().map(|b| format!("{b:02x}"))
                                     .collect::<String>()}),
            ),
            other => ("other", Value::from(other.type_code())),
        };
        match (k, attrs.get_mut(k)) {
            ("other", Some(Value::Array(list))) => list.push(v),
            ("other", _) => {
                attrs.insert(k.into(), Value::from(vec![v]));
            }
            _ => {
                attrs.insert(k.into(), v);
            }
        }
    }
    json!({
        "afi-safi": family_name(r.family()),
        "nlri": nlri_text(&r.nlri),
        "next_hop": r.next_hop.to_string(),
        "attributes": attrs,
        "route_targets": rts(&r.route_targets()),
        "source": source,
    })
}

/// `/bgp/routes`: every route, ours and received, grouped by `match:<AFI>/<SAFI>,<RT>` (the
/// route target as `target:ASN:nn`, `*` for a route without one, such as an RTC route), each
/// with its source: the instance that advertises it, or the peer (named by `peer_name`) it
/// came from.
pub fn bgp_routes(engine: &VpnEngine, base: &str, peer_name: &dyn Fn(PeerId) -> String) -> Value {
    let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut add = |r: &VpnRoute, source: Value| {
        let fam = family_name(r.family());
        let targets = r.route_targets();
        let keys: Vec<String> = if targets.is_empty() {
            vec![format!("match:{fam},*")]
        } else {
            targets
                .iter()
                .map(|t| format!("match:{fam},target:{t}"))
                .collect()
        };
        for k in keys {
            groups
                .entry(k)
                .or_default()
                .push(route_value(r, source.clone()));
        }
    };
    let mut owner: BTreeMap<&crate::route::RouteKey, &Instance> = BTreeMap::new();
    for i in engine.instances.values() {
        for k in i.published.keys() {
            owner.insert(k, i);
        }
    }
    for (k, r) in &engine.local {
        let source = match owner.get(k) {
            Some(i) => json!({"id": i.name(), "href": instance_href(base, &i.external_id)}),
            None => json!({"id": "BGPManager"}),
        };
        add(r, source);
    }
    for ((peer, _), r) in &engine.remote {
        let name = peer_name(*peer);
        let source = json!({"id": name, "href": format!("{base}/bgp/peers/{}", segment(&name))});
        add(r, source);
    }
    Value::Object(
        groups
            .into_iter()
            .map(|(k, v)| (k, Value::from(v)))
            .collect(),
    )
}

/// Routes as `/bgp/routes` shows them, without a source (a peer's advertised routes).
pub fn route_list<'a>(routes: impl IntoIterator<Item = &'a VpnRoute>) -> Value {
    Value::from(
        routes
            .into_iter()
            .map(|r| {
                let mut v = route_value(r, Value::Null);
                if let Some(m) = v.as_object_mut() {
                    m.remove("source");
                }
                v
            })
            .collect::<Vec<_>>(),
    )
}

/// One dataplane operation as JSON: `{"op": "<variant>", "instance": n, …its fields}` (MACs
/// in lower case, addresses and prefixes as text).
pub fn dataplane_op(op: &DataplaneOp) -> Value {
    let mac = |m: &herald_wire::nlri::MacAddress| Value::from(m.to_string().to_ascii_lowercase());
    let mut v = match op {
        DataplaneOp::EvpnCreate {
            bridge,
            existing_bridge,
            vxlan,
            vni,
            local,
            port,
            ..
        } => json!({"bridge": bridge, "existing_bridge": existing_bridge, "vxlan": vxlan,
                    "vni": vni, "local": local.to_string(), "port": port}),
        DataplaneOp::EvpnDelete {
            bridge,
            existing_bridge,
            vxlan,
            ..
        } => json!({"bridge": bridge, "existing_bridge": existing_bridge, "vxlan": vxlan}),
        DataplaneOp::EvpnPlug {
            bridge,
            port,
            mac: m,
            ..
        }
        | DataplaneOp::EvpnUnplug {
            bridge,
            port,
            mac: m,
            ..
        } => json!({"bridge": bridge, "port": port, "mac": mac(m)}),
        DataplaneOp::EvpnAddMac {
            vxlan,
            mac: m,
            ip,
            remote,
            vni,
            ..
        }
        | DataplaneOp::EvpnRemoveMac {
            vxlan,
            mac: m,
            ip,
            remote,
            vni,
            ..
        } => json!({"vxlan": vxlan, "mac": mac(m), "ip": ip.map(|a| a.to_string()),
                    "remote": remote.to_string(), "vni": vni}),
        DataplaneOp::EvpnAddFlood {
            vxlan, remote, vni, ..
        }
        | DataplaneOp::EvpnRemoveFlood {
            vxlan, remote, vni, ..
        } => json!({"vxlan": vxlan, "remote": remote.to_string(), "vni": vni}),
        DataplaneOp::VrfCreate { label, gateway, .. } => {
            json!({"label": label, "gateway": gateway.map(|g| g.to_string())})
        }
        DataplaneOp::VrfDelete { .. } => json!({}),
        DataplaneOp::VrfPlug {
            port,
            mac: m,
            ip,
            label,
            ..
        }
        | DataplaneOp::VrfUnplug {
            port,
            mac: m,
            ip,
            label,
            ..
        } => json!({"port": port, "mac": mac(m), "ip": ip.to_string(), "label": label}),
        DataplaneOp::VrfAddRoute {
            prefix,
            remote,
            label,
            ..
        }
        | DataplaneOp::VrfRemoveRoute {
            prefix,
            remote,
            label,
            ..
        } => json!({"prefix": prefix.to_string(), "remote": remote.to_string(), "label": label}),
    };
    if let Some(m) = v.as_object_mut() {
        m.insert("op".into(), Value::from(op.name()));
        m.insert("instance".into(), Value::from(op.instance()));
    }
    v
}

/// `/summary`'s VPN part: instance count and route counts.
pub fn summary(engine: &VpnEngine) -> Value {
    json!({
        "vpn_instances_count": engine.instances.len(),
        "route_counts": {
            "local": engine.local.len(),
            "received": engine.remote.len(),
        },
        "established_peers": engine.peers.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AttachRequest, EngineConfig};

    fn engine_with_evi() -> VpnEngine {
        let mut e = VpnEngine::new(EngineConfig::new([192, 0, 2, 1].into(), 64512)).unwrap();
        let req = AttachRequest::from_json(
            r#"{"vpn_type":"evpn","vpn_instance_id":"test-é","import_rt":["64512:79"],
                "export_rt":["64512:79"],"local_port":{"linuxif":"tons-test2"},
                "mac_address":"52:54:00:99:99:22","ip_address":"12.11.11.1/24",
                "gateway_ip":"12.11.11.254","instance_description":"net two"}"#,
        )
        .unwrap();
        e.attach(&req).unwrap();
        e
    }

    const BASE: &str = "http://127.0.0.1:8082/looking-glass";

    #[test]
    fn instance_list_links_each_instance() {
        let e = engine_with_evi();
        assert_eq!(
            instances(&e, BASE),
            json!([{"id": "test-é", "name": "EVI-1", "description": "net two",
                    "href": "http://127.0.0.1:8082/looking-glass/vpns/instances/test-%C3%A9"}])
        );
    }

    #[test]
    fn instance_shows_dataplane_route_targets_and_ports() {
        let e = engine_with_evi();
        let v = instance(&e, "test-é").unwrap();
        assert_eq!(v["instance_type"], "EVI");
        assert_eq!(
            v["dataplane"],
            json!({"linux_bridge": "evpn---test-é", "vxlan_if": "vxlan--test-é",
                   "existing_bridge": false})
        );
        assert_eq!(
            v["route_targets"],
            json!({"import": ["64512:79"], "export": ["64512:79"]})
        );
        assert_eq!(v["instance_dataplane_id"], 1);
        assert_eq!(
            v["ports"]["tons-test2"]["endpoints"][0]["mac_address"],
            "52:54:00:99:99:22"
        );
        assert_eq!(
            v["ports"]["tons-test2"]["endpoints"][0]["rd"],
            "192.0.2.1:1"
        );
        assert_eq!(v["gateway_port"], Value::Null);
        assert_eq!(v["advertised_routes"], 2);
        assert!(instance(&e, "nope").is_none());
    }

    #[test]
    fn bgp_routes_are_grouped_by_family_and_route_target() {
        let e = engine_with_evi();
        let v = bgp_routes(&e, BASE, &|p| format!("peer{}", p.0));
        let groups: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(
            groups,
            ["match:ipv4/rtc,*", "match:l2vpn/evpn,target:64512:79"]
        );
        let evpn = v["match:l2vpn/evpn,target:64512:79"].as_array().unwrap();
        assert_eq!(evpn.len(), 2);
        assert_eq!(evpn[0]["source"]["id"], "EVI-1");
        assert_eq!(evpn[0]["next_hop"], "192.0.2.1");
        assert_eq!(
            evpn[0]["attributes"]["extended_communities"],
            json!(["target:64512:79", "encap:8"])
        );
    }

    #[test]
    fn drivers_and_summary() {
        let e = engine_with_evi();
        let d = dataplane_drivers(&e, BASE, "linux", "dummy");
        assert_eq!(d["evpn"]["supported_encaps"], json!(["vxlan"]));
        assert_eq!(d["evpn"]["config"]["vxlan_dst_port"], 4789);
        assert_eq!(d["ipvpn"]["name"], "dummy");
        assert_eq!(summary(&e)["vpn_instances_count"], 1);
    }

    #[test]
    fn dataplane_operations_as_json() {
        let op = DataplaneOp::VrfAddRoute {
            instance: 3,
            prefix: "192.168.79.0/24".parse().unwrap(),
            remote: "10.0.0.2".parse().unwrap(),
            label: 17,
        };
        assert_eq!(
            dataplane_op(&op),
            json!({"op": "VrfAddRoute", "instance": 3, "prefix": "192.168.79.0/24",
                   "remote": "10.0.0.2", "label": 17})
        );
        let e = engine_with_evi();
        let routes = route_list(e.advertised_routes());
        assert_eq!(routes.as_array().unwrap().len(), 3);
        assert!(routes[0].get("source").is_none());
    }
}
