//! The VPN PE role end to end (`vpn { }`): two heralds peer over IBGP with the l2vpn evpn,
//! ipv4 mpls-vpn and ipv4 rtc families, each with its REST API and recording dataplane
//! drivers; BaGPipe's attach requests go in over HTTP, and what each PE advertises, imports
//! and would program is read back from the looking glass. (The Linux E-VPN driver, GoBGP and
//! BaGPipe's own CLI: tests/interop/herald-vpn-evpn.sh.)

mod common;

use std::path::Path;

use common::*;
use serde_json::{json, Value};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// GET: status and body.
fn get_raw(base: &str, path: &str) -> (u16, String) {
    let mut r = agent().get(format!("{base}{path}")).call().unwrap();
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap())
}

/// GET a JSON value (200 expected).
fn get(base: &str, path: &str) -> Value {
    let (s, b) = get_raw(base, path);
    assert_eq!(s, 200, "GET {path}: {b}");
    serde_json::from_str(&b).unwrap_or_else(|e| panic!("{e}: {b}"))
}

fn post(base: &str, path: &str, body: &str) -> (u16, String) {
    let mut r = agent()
        .post(format!("{base}{path}"))
        .header("Content-Type", "application/json")
        .send(body.as_bytes())
        .unwrap();
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap())
}

/// What `bagpipe-rest-attach` sends (keys and order of the captured fixtures).
fn body(kind: &str, id: &str, port: &str, mac: &str, ip: &str, rt: &str) -> String {
    let gw = ip
        .rsplit_once('.')
        .map_or(String::new(), |(n, _)| format!("{n}.254"));
    json!({"import_rt": [rt], "export_rt": [rt], "local_port": {"linuxif": port},
           "vpn_instance_id": id, "vpn_type": kind, "gateway_ip": gw, "mac_address": mac,
           "ip_address": format!("{ip}/24"), "advertise_subnet": false, "readvertise": null,
           "attract_traffic": {}, "lb_consistent_hash_order": 0, "vni": 0, "direction": "both"})
    .to_string()
}

fn ok(base: &str, path: &str, body: &str) {
    let (s, b) = post(base, path, body);
    assert_eq!((s, b.as_str()), (200, "{}"), "POST {path} {body}");
}

/// One PE: its daemon and REST base URL.
struct Pe {
    d: Daemon,
    base: String,
}

/// A PE at `me` peering with `peer` (passive, on `port`, or connecting to it), its `vpn`
/// block with recording drivers plus `extra`.
fn pe(dir: &Path, name: &str, me: &str, peer: &str, port: u16, passive: bool, extra: &str) -> Pe {
    let rest = free_port(me);
    let session = if passive {
        format!("passive;\n listen {port};")
    } else {
        format!("connect {port};")
    };
    let conf = format!(
        "vpn {{\n local-address {me};\n rest {me}:{rest};\n evpn-dataplane record;\n {extra}\n}}\n\
         neighbor {peer} {{\n router-id {me};\n local-address {me};\n local-as 64512;\n peer-as 64512;\n \
         hold-time 30;\n {session}\n family {{ l2vpn evpn; ipv4 mpls-vpn; ipv4 rtc; }}\n}}\n"
    );
    let d = Daemon::start(dir, name, &conf);
    d.wait("the REST API", |_, e| e.contains("vpn REST API listening"));
    Pe {
        d,
        base: format!("http://{me}:{rest}"),
    }
}

/// Two PEs in session: `a` (with `extra_a`) connects to the passive `b`.
fn pair(dir: &Path, a: &str, b: &str, extra_a: &str, extra_b: &str) -> (Pe, Pe) {
    let port = free_port(b);
    let pb = pe(dir, "b", b, a, port, true, extra_b);
    let pa = pe(dir, "a", a, b, port, false, extra_a);
    pa.d.wait("session up", |_, e| e.contains("vpn: peer up"));
    pb.d.wait("session up", |_, e| e.contains("vpn: peer up"));
    (pa, pb)
}

fn instance(p: &Pe, id: &str) -> Value {
    get(&p.base, &format!("/looking-glass/vpns/instances/{id}"))
}

/// The recording driver's entries for instance `id` with operation `op`.
fn entries(p: &Pe, id: &str, op: &str) -> Vec<Value> {
    let v = instance(p, id);
    v["dataplane_state"]
        .as_array()
        .unwrap_or_else(|| panic!("no dataplane_state: {v}"))
        .iter()
        .filter(|e| e["op"] == op)
        .cloned()
        .collect()
}

#[test]
fn two_pes_exchange_evpn_routes_and_record_the_dataplane() {
    let dir = tempdir("vpn-evpn");
    let (mut a, b) = pair(
        &dir,
        "127.0.89.1",
        "127.0.89.2",
        "vxlan-port 8472;\n vni-range 5000 5999;\n rd-range 10 20;",
        "",
    );
    ok(
        &a.base,
        "/attach_localport",
        &body(
            "evpn",
            "t1",
            "ns-a",
            "52:54:00:00:00:01",
            "192.168.77.1",
            "64512:10",
        ),
    );
    // vni-range, rd-range, vxlan-port: the instance's VNI and RD, the device the driver makes.
    let t1 = instance(&a, "t1");
    assert_eq!(t1["instance_dataplane_id"], 5000, "{t1}");
    assert_eq!(t1["ports"]["ns-a"]["endpoints"][0]["rd"], "127.0.89.1:10");
    assert_eq!(t1["dataplane_driver"], "record");
    let ops = get(&a.base, "/looking-glass/vpns/dataplane/drivers/evpn");
    assert_eq!(
        ops["recorded_operations"][0],
        json!({"op": "EvpnCreate", "instance": 1, "bridge": "evpn---t1", "existing_bridge": false,
               "vxlan": "vxlan--t1", "vni": 5000, "local": "127.0.89.1", "port": 8472})
    );
    // RTC: b imports nothing yet, so a sends it only its membership route.
    let sent = |p: &Pe, to: &str| {
        get(&p.base, &format!("/looking-glass/bgp/peers/{to}"))["adv_routes"].clone()
    };
    let families = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["afi-safi"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(families(&sent(&a, "127.0.89.2")), ["ipv4/rtc"]);

    ok(
        &b.base,
        "/attach_localport",
        &body(
            "evpn",
            "t1",
            "ns-b",
            "52:54:00:00:00:02",
            "192.168.77.2",
            "64512:10",
        ),
    );
    wait_for("a's MAC/IP and inclusive multicast routes at b", || {
        families(&sent(&a, "127.0.89.2")) == ["ipv4/rtc", "l2vpn/evpn", "l2vpn/evpn"]
    });
    // Each PE programs the other's MAC (with its VNI) and floods to it; local-address is the
    // next hop and tunnel end.
    wait_for("b's MAC in a's dataplane", || {
        entries(&a, "t1", "EvpnAddMac")
            == [
                json!({"op": "EvpnAddMac", "instance": 1, "vxlan": "vxlan--t1",
                       "mac": "52:54:00:00:00:02", "ip": "192.168.77.2", "remote": "127.0.89.2", "vni": 1}),
            ]
    });
    assert_eq!(entries(&a, "t1", "EvpnAddFlood")[0]["remote"], "127.0.89.2");
    wait_for("a's MAC in b's dataplane", || {
        entries(&b, "t1", "EvpnAddMac")
            .first()
            .map(|e| (e["remote"].clone(), e["vni"].clone()))
            == Some((json!("127.0.89.1"), json!(5000)))
    });
    let routes = get(&b.base, "/looking-glass/bgp/routes");
    let evpn = routes["match:l2vpn/evpn,target:64512:10"]
        .as_array()
        .unwrap();
    let from_a: Vec<&Value> = evpn
        .iter()
        .filter(|r| r["source"]["id"] == "127.0.89.1")
        .collect();
    assert_eq!(from_a.len(), 2, "{routes}");
    assert!(from_a.iter().all(|r| r["next_hop"] == "127.0.89.1"));
    assert_eq!(
        from_a[0]["source"]["href"],
        format!("{}/looking-glass/bgp/peers/127.0.89.1", b.base)
    );

    // Detach at b: a's dataplane forgets b.
    ok(
        &b.base,
        "/detach_localport",
        &body(
            "evpn",
            "t1",
            "ns-b",
            "52:54:00:00:00:02",
            "192.168.77.2",
            "64512:10",
        ),
    );
    wait_for("b's MAC gone from a", || {
        entries(&a, "t1", "EvpnAddMac").is_empty() && entries(&a, "t1", "EvpnAddFlood").is_empty()
    });
    assert_eq!(get_raw(&b.base, "/looking-glass/vpns/instances/t1").0, 404);

    // SIGTERM: the instance's devices are deleted before herald exits.
    assert!(a.d.stop().success());
    let log = a.d.log();
    assert!(
        log.contains(r#""op":"EvpnDelete""#) && log.contains("instances stopped"),
        "{log}"
    );
}

#[test]
fn ipvpn_attach_advertises_vpnv4_routes_and_records_received_ones() {
    let dir = tempdir("vpn-ipvpn");
    let (c, d) = pair(
        &dir,
        "127.0.90.1",
        "127.0.90.2",
        "label-range 100 200;\n ipvpn-dataplane record;",
        "",
    );
    ok(
        &c.base,
        "/attach_localport",
        &body(
            "ipvpn",
            "v1",
            "ns-c",
            "52:54:00:00:00:11",
            "192.168.78.1",
            "64512:20",
        ),
    );
    ok(
        &d.base,
        "/attach_localport",
        &body(
            "ipvpn",
            "v1",
            "ns-d",
            "52:54:00:00:00:12",
            "192.168.79.1",
            "64512:20",
        ),
    );
    let v1 = instance(&c, "v1");
    let label = v1["ports"]["ns-c"]["endpoints"][0]["label"]
        .as_u64()
        .unwrap();
    assert!((100..=200).contains(&label), "{v1}");
    assert!((100..=200).contains(&v1["instance_dataplane_id"].as_u64().unwrap()));
    assert_eq!(v1["dataplane_driver"], "record");
    // c's VPNv4 route (RD 127.0.90.1:n, its port's label, next hop c) reaches d's VRF.
    wait_for("c's route in d's recorded VRF", || {
        entries(&d, "v1", "VrfAddRoute")
            == [
                json!({"op": "VrfAddRoute", "instance": 1, "prefix": "192.168.78.1/32",
                       "remote": "127.0.90.1", "label": label}),
            ]
    });
    let routes = get(&d.base, "/looking-glass/bgp/routes");
    let vpn = routes["match:ipv4/mpls-vpn,target:64512:20"]
        .as_array()
        .unwrap();
    assert!(
        vpn.iter()
            .any(|r| r["nlri"] == format!("127.0.90.1:1:192.168.78.1/32 label {label}")),
        "{routes}"
    );
    let drv = get(&c.base, "/looking-glass/vpns/dataplane/drivers/ipvpn");
    assert_eq!(drv["name"], "record");
    let ops: Vec<&str> = drv["recorded_operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["op"].as_str().unwrap())
        .collect();
    assert_eq!(ops[..2], ["VrfCreate", "VrfPlug"]);
}

#[test]
fn rtc_false_originates_no_membership_routes_and_sends_every_route() {
    let dir = tempdir("vpn-rtc");
    let (e, f) = pair(&dir, "127.0.92.1", "127.0.92.2", "rtc false;", "");
    ok(
        &e.base,
        "/attach_localport",
        &body(
            "evpn",
            "t1",
            "ns-e",
            "52:54:00:00:00:21",
            "192.168.77.1",
            "64512:10",
        ),
    );
    // f imports nothing, but e does not filter by f's memberships: f gets the routes anyway.
    wait_for("e's routes at f", || {
        get(&f.base, "/looking-glass/bgp/routes")["match:l2vpn/evpn,target:64512:10"]
            .as_array()
            .is_some_and(|v| v.len() == 2)
    });
    let routes = get(&e.base, "/looking-glass/bgp/routes");
    assert!(routes.get("match:ipv4/rtc,*").is_none(), "{routes}");
    assert_eq!(get(&e.base, "/looking-glass/config")["rtc"], false);
    assert_eq!(
        get(&e.base, "/looking-glass/bgp/peers/127.0.92.2")["rtc"],
        json!({"active": false, "enabled": false})
    );
}

#[test]
fn rest_api_answers_as_bagpipe_does() {
    let dir = tempdir("vpn-rest");
    let me = "127.0.91.1";
    let mut g = pe(
        &dir,
        "g",
        me,
        "127.0.91.2",
        free_port("127.0.91.2"),
        true,
        "",
    );
    let base = &g.base.clone();
    assert_eq!(get(base, "/"), json!({}));
    let ping = get(base, "/ping");
    assert!(ping.is_u64(), "{ping}");
    assert_eq!(get(base, "/ping"), ping);

    // BaGPipe's captured requests.
    let data = |f: &str| {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../herald-vpn/tests/data")
                .join(f),
        )
        .unwrap()
    };
    ok(base, "/attach_localport", &data("bagpipe-attach-evpn.json"));
    ok(base, "/attach_localport", &data("bagpipe-attach-evpn.json"));
    // Client mistakes: 400 with a message, nothing changed.
    let other_mac =
        data("bagpipe-attach-evpn.json").replace("52:54:00:00:00:01", "52:54:00:00:00:09");
    for (path, b, want) in [
        (
            "/attach_localport",
            other_mac.as_str(),
            "already bound to a MAC address",
        ),
        (
            "/attach_localport",
            "not json",
            "No local port details received",
        ),
        (
            "/attach_localport",
            r#"{"vpn_type": "evpn"}"#,
            "vpn_instance_id",
        ),
        (
            "/attach_localport",
            &data("bagpipe-attach-evpn.json").replace("52:54:00:00:00:01", "52:54:00"),
            "52:54:00",
        ),
        (
            "/detach_localport",
            &data("bagpipe-detach-ipvpn.json"),
            "test1",
        ),
    ] {
        let (s, reply) = post(base, path, b);
        assert_eq!(s, 400, "{b}: {reply}");
        let m: Value = serde_json::from_str(&reply).unwrap();
        assert!(
            m["message"].as_str().unwrap().contains(want),
            "{b}: {reply}"
        );
    }
    let (s, _) = post(base, "/attach_localport", "\u{0}\u{ff}");
    assert_eq!(s, 400);
    // Other methods: 405; other paths: 404.
    let (s, _) = get_raw(base, "/attach_localport");
    assert_eq!(s, 405);
    let s = agent()
        .put(format!("{base}/detach_localport"))
        .send("{}")
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(s, 405);
    assert_eq!(post(base, "/looking-glass", "{}").0, 405);
    assert_eq!(get_raw(base, "/nowhere").0, 404);

    // The looking glass: root with and without the slash, hrefs from the Host header.
    let root = get(base, "/looking-glass/");
    assert_eq!(root, get(base, "/looking-glass"));
    assert_eq!(root["vpns"]["href"], format!("{base}/looking-glass/vpns"));
    assert_eq!(root["summary"]["vpn_instances_count"], 1);
    assert_eq!(root["summary"]["BGP_established_peers"], 0);
    let via_name = agent()
        .get(format!("{base}/looking-glass/vpns"))
        .header("Host", "pe1.example:8082")
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(
        via_name.contains("http://pe1.example:8082/looking-glass/vpns/instances"),
        "{via_name}"
    );
    let list = get(base, "/looking-glass/vpns/instances");
    assert_eq!(
        list[0]["href"],
        format!("{base}/looking-glass/vpns/instances/test1")
    );
    // Percent-encoded segments are decoded.
    assert_eq!(
        get(base, "/looking-glass/vpns/instances/test%31")["external_instance_id"],
        "test1"
    );
    assert_eq!(
        get(base, "/looking-glass/summary")["vpn_instances_count"],
        1
    );
    let peers = get(base, "/looking-glass/bgp/peers");
    assert_eq!(peers[0]["id"], "127.0.91.2");
    assert_eq!(
        peers[0]["href"],
        format!("{base}/looking-glass/bgp/peers/127.0.91.2")
    );
    assert_eq!(
        get(base, "/looking-glass/bgp/peers/127.0.91.2")["protocol"]["state"],
        "Active"
    );
    assert!(get(base, "/looking-glass/bgp/routes")
        .get("match:l2vpn/evpn,target:64512:10")
        .is_some());
    let drivers = get(base, "/looking-glass/vpns/dataplane/drivers");
    assert_eq!(drivers["evpn"]["name"], "record");
    assert_eq!(get(base, "/looking-glass/config")["local_address"], me);
    for missing in [
        "nope",
        "vpns/instances/none",
        "bgp/peers/10.9.9.9",
        "bgp/peers/x",
        "vpns/instances/%ZZ",
        "vpns/dataplane/drivers/ovs",
    ] {
        let (s, reply) = get_raw(base, &format!("/looking-glass/{missing}"));
        assert_eq!(s, 404, "{missing}");
        assert!(reply.contains("NoSuchLookingGlassObject"), "{reply}");
    }
    ok(base, "/detach_localport", &data("bagpipe-detach-evpn.json"));
    assert_eq!(get(base, "/looking-glass/vpns/instances"), json!([]));
    let (s, reply) = post(base, "/detach_localport", &data("bagpipe-detach-evpn.json"));
    assert!(s == 400 && reply.contains("not found"), "{reply}");

    // A restart draws another /ping.
    assert!(g.d.stop().success());
    let conf = std::fs::read_to_string(dir.join("g.conf")).unwrap();
    let g2 = Daemon::start(&dir, "g2", &conf);
    g2.wait("the REST API", |_, e| e.contains("vpn REST API listening"));
    assert_ne!(get(base, "/ping"), ping);
}
