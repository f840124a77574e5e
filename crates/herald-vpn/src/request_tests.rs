use super::*;
use serde_json::json;

/// The body `bagpipe-rest-attach --attach --network-type evpn --vpn-instance-id test2 --rt
/// 64512:79 --port tons-test2 --mac 52:54:00:99:99:22 --ip 12.11.11.1/24 --gateway-ip
/// 12.11.11.254` builds (cli/rest_attach.py), key for key.
const REST_ATTACH_EVPN: &str = r#"{"vpn_type":"evpn","vpn_instance_id":"test2","import_rt":["64512:79"],"export_rt":["64512:79"],"local_port":{"linuxif":"tons-test2"},"mac_address":"52:54:00:99:99:22","ip_address":"12.11.11.1/24","gateway_ip":"12.11.11.254","advertise_subnet":false,"readvertise":null,"attract_traffic":{},"lb_consistent_hash_order":0,"vni":0}"#;

fn rt(s: &str) -> RouteTarget {
    RouteTarget::parse(s).unwrap()
}

fn attach(v: Value) -> Result<AttachRequest> {
    AttachRequest::from_value(&v)
}

fn ipvpn_body() -> Value {
    json!({"vpn_type":"ipvpn","vpn_instance_id":"vrf1","import_rt":"64512:1, 64512:2,,64512:1",
           "export_rt":["64512:1"],"local_port":"tap1","mac_address":"52:54:00:00:00:01",
           "ip_address":"10.0.0.2","gateway_ip":"10.0.0.1"})
}

#[test]
fn rest_attach_evpn_body_is_accepted_as_bagpipe_reads_it() {
    let r = AttachRequest::from_json(REST_ATTACH_EVPN).unwrap();
    assert_eq!(r.vpn_type, VpnType::Evpn);
    assert_eq!(r.vpn_instance_id, "test2");
    assert_eq!(r.mac_address, MacAddress([0x52, 0x54, 0, 0x99, 0x99, 0x22]));
    assert_eq!(r.local_port, LocalPort::Linux("tons-test2".into()));
    // The prefix length is kept with the host address, as BaGPipe keeps "12.11.11.1/24".
    assert_eq!(r.ip_address, Some("12.11.11.1/24".parse().unwrap()));
    assert_eq!(r.gateway_ip, Some("12.11.11.254".parse().unwrap()));
    assert_eq!(r.import_rts, vec![rt("64512:79")]);
    assert_eq!(r.export_rts, vec![rt("64512:79")]);
    assert!(!r.advertise_subnet);
    assert_eq!((r.vni, r.lb_consistent_hash_order), (0, 0));
    assert_eq!(r.readvertise, None);
    assert!(r.ignored.is_empty());
}

#[test]
fn detach_accepts_the_attach_body_again() {
    let d = DetachRequest::from_json(REST_ATTACH_EVPN).unwrap();
    assert_eq!(d.vpn_instance_id, "test2");
    assert_eq!(d.local_port.name(), "tons-test2");
    assert_eq!(d.ip_address, Some("12.11.11.1/24".parse().unwrap()));
}

#[test]
fn route_target_strings_are_split_on_commas_and_deduplicated() {
    let r = attach(ipvpn_body()).unwrap();
    assert_eq!(r.import_rts, vec![rt("64512:1"), rt("64512:2")]);
    assert_eq!(r.ip_address, Some("10.0.0.2/32".parse().unwrap()));
    assert_eq!(r.local_port, LocalPort::Linux("tap1".into()));
}

#[test]
fn missing_parameters_are_named() {
    let cases = [
        ("vpn_type", "missing parameter: vpn_type"),
        ("vpn_instance_id", "missing parameter: vpn_instance_id"),
        ("mac_address", "missing parameter: mac_address"),
        ("local_port", "missing parameter: local_port"),
        ("ip_address", "missing parameter: ip_address"),
        ("gateway_ip", "missing parameter: gateway_ip"),
        ("import_rt", "missing parameter: import_rt"),
        ("export_rt", "missing parameter: export_rt"),
    ];
    for (key, msg) in cases {
        let mut b = ipvpn_body();
        b.as_object_mut().unwrap().remove(key);
        assert_eq!(attach(b).unwrap_err().to_string(), msg, "{key}");
    }
    // Null counts as absent.
    let mut b = ipvpn_body();
    b["gateway_ip"] = Value::Null;
    assert_eq!(
        attach(b).unwrap_err(),
        RequestError::MissingParameter("gateway_ip")
    );
}

#[test]
fn evpn_needs_no_ip_address_nor_gateway() {
    let b = json!({"vpn_type":"evpn","vpn_instance_id":"e","import_rt":[],"export_rt":[],
                   "local_port":{"linuxif":"tap2"},"mac_address":"52-54-00-00-00-02"});
    let r = attach(b).unwrap();
    assert_eq!(r.ip_address, None);
    assert_eq!(r.gateway_ip, None);
    assert!(r.import_rts.is_empty());
}

#[test]
fn ipvpn_detach_needs_an_ip_address() {
    let b = json!({"vpn_type":"ipvpn","vpn_instance_id":"v","local_port":"tap1",
                   "mac_address":"52:54:00:00:00:01"});
    assert_eq!(
        DetachRequest::from_value(&b).unwrap_err(),
        RequestError::MissingParameter("ip_address")
    );
}

#[test]
fn malformed_values_are_refused_with_their_text() {
    let set = |k: &str, v: Value| {
        let mut b = ipvpn_body();
        b[k] = v;
        attach(b).unwrap_err().to_string()
    };
    assert_eq!(
        set("vpn_type", json!("l2vpn")),
        "unknown vpn_type: l2vpn (expected ipvpn or evpn)"
    );
    assert_eq!(
        set("mac_address", json!("52:54:00")),
        "malformed MAC address: 52:54:00"
    );
    assert_eq!(
        set("ip_address", json!("10.0.0.300")),
        "malformed IP address: 10.0.0.300"
    );
    assert_eq!(
        set("ip_address", json!("10.0.0.1/33")),
        "malformed IP address: 10.0.0.1/33"
    );
    assert_eq!(
        set("import_rt", json!(["64512:1", "bogus"])),
        "malformed route target: bogus (expected ASN:nn or IP:nn)"
    );
    assert_eq!(
        set("advertise_subnet", json!("yes")),
        "'advertise_subnet' must be a boolean"
    );
    assert_eq!(
        set("vni", json!(-1)),
        "'vni' must be an integer from 0 to 4294967295"
    );
    assert_eq!(
        set("local_port", json!(3)),
        "'local_port' must be an interface name or an object"
    );
    assert_eq!(
        set("local_port", json!({"ovs": {"port_name": "x"}})),
        "Mandatory key is missing in local_port parameter (linuxif, or evpn)"
    );
    assert_eq!(
        set("direction", json!("sideways")),
        "direction should be one of: both, to-port, from-port (got sideways)"
    );
    assert_eq!(
        set("direction", json!("to-port")),
        "direction to-port is not supported by the dataplane driver (only both)"
    );
    assert_eq!(
        AttachRequest::from_json("[1]").unwrap_err().to_string(),
        "No local port details received"
    );
    assert_eq!(
        AttachRequest::from_json("{").unwrap_err(),
        RequestError::NoDetails
    );
}

#[test]
fn direction_both_and_absent_are_accepted() {
    let mut b = ipvpn_body();
    b["direction"] = json!("both");
    assert!(attach(b).is_ok());
}

#[test]
fn attract_traffic_and_fallback_are_refused_unless_empty() {
    let mut b = ipvpn_body();
    b["attract_traffic"] = json!({});
    b["fallback"] = Value::Null;
    assert!(attach(b).is_ok());
    let mut b = ipvpn_body();
    b["attract_traffic"] = json!({"redirect_rts": ["64512:9"]});
    assert_eq!(
        attach(b).unwrap_err().to_string(),
        "attract_traffic is not supported"
    );
    let mut b = ipvpn_body();
    b["fallback"] = json!({"src_mac": "00:00:00:00:00:01"});
    assert_eq!(
        attach(b).unwrap_err().to_string(),
        "fallback is not supported"
    );
}

#[test]
fn readvertise_needs_to_rt() {
    let mut b = ipvpn_body();
    b["readvertise"] = json!({"from_rt": ["64512:5"]});
    assert_eq!(
        attach(b).unwrap_err().to_string(),
        "'readvertise' specified with no 'to_rt'"
    );
    let mut b = ipvpn_body();
    b["readvertise"] = json!({"from_rt": "64512:5", "to_rt": ["64512:6"]});
    let r = attach(b).unwrap();
    assert_eq!(
        r.readvertise,
        Some(Readvertise {
            from_rts: vec![rt("64512:5")],
            to_rts: vec![rt("64512:6")]
        })
    );
    let mut b = ipvpn_body();
    b["readvertise"] = json!({});
    assert_eq!(attach(b).unwrap().readvertise, None);
}

#[test]
fn evpn_with_advertise_subnet_is_a_clear_error() {
    let b = json!({"vpn_type":"evpn","vpn_instance_id":"e","import_rt":[],"export_rt":[],
                   "local_port":"tap2","mac_address":"52:54:00:00:00:02",
                   "ip_address":"10.1.0.5/24","advertise_subnet":true});
    assert_eq!(attach(b).unwrap_err(), RequestError::EvpnSubnet);
}

#[test]
fn unknown_keys_are_ignored_and_listed() {
    let mut b = ipvpn_body();
    b["color"] = json!("blue");
    b["local_port"] = json!({"linuxif": "tap1", "ovs": {"plugged": true}});
    let r = attach(b).unwrap();
    assert_eq!(
        r.ignored,
        vec!["color".to_string(), "local_port.ovs".to_string()]
    );
}

#[test]
fn optional_fields_are_read() {
    let mut b = ipvpn_body();
    b["vni"] = json!("5000");
    b["local_pref"] = json!(200);
    b["linuxbr"] = json!("br-x");
    b["description"] = json!("vm 1");
    b["instance_description"] = json!("net 1");
    b["lb_consistent_hash_order"] = json!(3);
    b["advertise_subnet"] = json!(true);
    b["vpn_instance_id"] = json!(42);
    let r = attach(b).unwrap();
    assert_eq!(
        (r.vni, r.local_pref, r.lb_consistent_hash_order),
        (5000, Some(200), 3)
    );
    assert_eq!(r.linuxbr.as_deref(), Some("br-x"));
    assert_eq!(r.description.as_deref(), Some("vm 1"));
    assert_eq!(r.instance_description.as_deref(), Some("net 1"));
    assert!(r.advertise_subnet);
    assert_eq!(r.vpn_instance_id, "42");
}

#[test]
fn evpn_local_port_plugs_an_evi_into_a_vrf() {
    let mut b = ipvpn_body();
    b["local_port"] = json!({"evpn": {"id": "evi-1"}});
    assert_eq!(
        attach(b).unwrap().local_port,
        LocalPort::Evpn("evi-1".into())
    );
}

#[test]
fn mac_addresses_in_the_usual_forms() {
    let m = MacAddress([0x52, 0x54, 0, 0xab, 0xcd, 0xef]);
    for s in [
        "52:54:00:ab:cd:ef",
        "52-54-00-AB-CD-EF",
        "525400abcdef",
        "5254.00ab.cdef",
    ] {
        assert_eq!(parse_mac(s), Some(m), "{s}");
    }
    for s in [
        "",
        "5254",
        "52:54:00:ab:cd",
        "zz5400abcdef",
        "52:54:00:ab:cd:ef:01",
    ] {
        assert_eq!(parse_mac(s), None, "{s}");
    }
}
