//! JSON compared with what ExaBGP 5.0.15's `exabgp decode` printed for the same octets (run on
//! this machine), except where herald differs on purpose (see the module documentation).

use super::*;
use herald_wire::{Afi, Safi};

fn decode(hex_msg: &str, ctx: &Context) -> String {
    let bytes = hex::decode(hex_msg).unwrap();
    let msg = Message::decode(&bytes, ctx).unwrap();
    let peer = Peer::default();
    let env = Envelope {
        time: 1.5,
        host: "vm",
        pid: 2,
        ppid: 1,
        counter: 3,
        peer: &peer,
        direction: Direction::Decode,
        compact: false,
    };
    let mut s = String::new();
    write_message(&mut s, &env, &msg, ctx);
    serde_json::from_str::<serde_json::Value>(&s).expect("valid JSON");
    s
}

/// A whole message in hex from its type and body.
fn msg(kind: u8, body: &str) -> String {
    let body: String = body.split_whitespace().collect();
    format!(
        "{}{:04x}{:02x}{}",
        "ff".repeat(16),
        19 + body.len() / 2,
        kind,
        body
    )
}

/// The part after `"direction": "in", `.
fn payload(s: &str) -> &str {
    let at = s.find("\"direction\": \"in\"").unwrap();
    &s[at + "\"direction\": \"in\"".len()..]
}

const ENVELOPE: &str = r#"{ "exabgp": "5.0.0", "time": 1.5, "host" : "vm", "pid" : 2, "ppid" : 1, "counter": 3, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in""#;

#[test]
fn envelope_matches_exabgp_layout() {
    let s = decode("ffffffffffffffffffffffffffffffff002f02000000144001010040020602010000fffd4003040a0001fe180a0000", &Context::default());
    assert!(s.starts_with(ENVELOPE), "{s}");
    // exabgp decode -f "ipv4 unicast" of the same octets.
    assert_eq!(
        payload(&s),
        r#", "message": { "update": { "attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [65533]}} }, "announce": { "ipv4 unicast": { "10.0.1.254": [ { "nlri": "10.0.0.0/24" } ] } } } } } }"#
    );
}

#[test]
fn every_attribute_kind() {
    let s = decode("ffffffffffffffffffffffffffffffff013f020000011f4001010040021402020000fde90000fdf201020000000100000002400304c000020180040400000064400504000000c8400600c007080000fde90a000001c00808fde80001ffffff0180090401010101800a080101010102020202c010680002fde8000000640102c000020100070202fa56ea0000070003fde80000006480060000000000008008fde800000001030c0000000000084004fde8447a0000060000000000000080090000000000000603000000000a0b0601000000000064aa01020304050607c020180000fde900000001000000020000fdea0000000300000004801a0b01000b00000000000003e8c023040000fde9c06303010203c016090006000064c0000201c01914000220010db80000000000000000000000010005180a000020c0000201", &Context::default());
    // ExaBGP prints the same except: origin:65000:0.0.0.100 (wrong), "" for esi-label,
    // router-mac, bandwidth and the IPv6 target, no aigp (only decoded when configured), and OTC as attribute-0x23-0xE0.
    assert_eq!(
        payload(&s),
        r#", "message": { "update": { "attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [65001, 65010]}, "1": {"element": "as-set", "value": [1, 2]}}, "med": 100, "local-preference": 200, "atomic-aggregate": true, "aggregator": "65001:10.0.0.1", "community": [ [ 65000, 1 ], [ 65535, 65281 ] ], "originator-id": "1.1.1.1", "cluster-list": [ "1.1.1.1", "2.2.2.2" ], "extended-community": [ { "value": 842122827661412, "string": "target:65000:100" }, { "value": 1123597804372068, "string": "origin:65000:100" }, { "value": 72831650257502215, "string": "target:192.0.2.1:7" }, { "value": 144953389229277191, "string": "target:4200000000:7" }, { "value": 219550481834311688, "string": "encap:VXLAN" }, { "value": 432345564227567616, "string": "mac-mobility:0" }, { "value": 432627039204278372, "string": "esi-label:0:100" }, { "value": 433189989157702155, "string": "router-mac:00:00:00:00:0a:0b" }, { "value": 4613091092357316608, "string": "bandwidth:65000:1000" }, { "value": 9225060886715039744, "string": "rate-limit:0" }, { "value": 9225903009542701057, "string": "redirect:65000:1" }, { "value": 9225905311645171712, "string": "mark 0" }, { "value": 12250074673400055303, "string": "" } ], "pmsi": "pmsi:ingressreplication:0:6(100):192.0.2.1", "extended-community-ipv6": [ { "value": 47389442064591062288541496103088308189462533, "string": "target:2001:db8::1:5" } ], "aigp": "0x00000000000003e8", "large-community": [ [ 65001, 1 , 2 ], [ 65002, 3 , 4 ] ], "otc": 65001, "attribute-0x63-0xE0": "0x010203" }, "announce": { "ipv4 unicast": { "192.0.2.1": [ { "nlri": "10.0.0.0/24" }, { "nlri": "192.0.2.1/32" } ] } } } } } }"#
    );
}

#[test]
fn ipv6_announce_with_link_local_lists_routes_once() {
    let s = decode("ffffffffffffffffffffffffffffffff005d020000004640010100400200800e350002012020010db8000000000000000000000001fe800000000000000000000000000001003020010db800014020010db80002000040050400000064", &Context::default());
    assert_eq!(
        payload(&s),
        r#", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv6 unicast": { "2001:db8::1": [ { "nlri": "2001:db8:1::/48" }, { "nlri": "2001:db8:2::/64" } ] } } } } } }"#
    );
}

#[test]
fn withdrawals_and_end_of_rib_match_exabgp() {
    let c = Context::default();
    assert_eq!(
        payload(&decode(
            "ffffffffffffffffffffffffffffffff0024020000000d800f0a0002013020010db80001",
            &c
        )),
        r#", "message": { "update": { "withdraw": { "ipv6 unicast": [ { "nlri": "2001:db8:1::/48" } ] } } } } }"#
    );
    assert_eq!(
        payload(&decode(
            "ffffffffffffffffffffffffffffffff001e0200000007900f0003000201",
            &c
        )),
        r#", "message": { "eor": { "afi" : "ipv6", "safi" : "unicast" } } } }"#
    );
    assert_eq!(
        payload(&decode(
            "ffffffffffffffffffffffffffffffff001e020007180a0000100a010000",
            &c
        )),
        r#", "message": { "update": { "withdraw": { "ipv4 unicast": [ { "nlri": "10.0.0.0/24" }, { "nlri": "10.1.0.0/16" } ] } } } } }"#
    );
    assert_eq!(
        payload(&decode(
            "ffffffffffffffffffffffffffffffff00170200000000",
            &c
        )),
        r#", "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } } } }"#
    );
}

#[test]
fn open_with_capabilities() {
    let s = decode("ffffffffffffffffffffffffffffffff005b0104fde9001e010101013e020601040001000102060104000100800206010400020001020641040000fde90210400e8078000101800001808000020180020202000202460002020600", &Context::default());
    assert!(s.contains(r#""type": "open""#));
    // ExaBGP swaps "restart" and "forwarding" in the graceful restart flags; herald does not.
    assert_eq!(
        payload(&s),
        r#", "open": { "version": 4, "asn": 65001, "hold_time": 30, "router_id": "1.1.1.1", "capabilities": { "1": { "name": "multiprotocol", "families": [ "ipv4/unicast", "ipv4/mpls-vpn", "ipv6/unicast" ] }, "65": { "name": "asn4", "asn4": 65001 }, "64": { "name": "graceful restart", "time": 120, "address-family-flags": { "ipv4/unicast": [ "forwarding" ] , "ipv4/mpls-vpn": [ "forwarding" ] , "ipv6/unicast": [ "forwarding" ] }, "restart-flags": [ "restart" ]  }, "2": { "name": "route-refresh", "variant": "RFC" }, "70": { "name": "enhanced-route-refresh" }, "6": { "name": "extended-message", "size": 65535 } } } } }"#
    );
}

#[test]
fn notification_keepalive_refresh() {
    let c = Context::default();
    let n = decode("ffffffffffffffffffffffffffffffff0015030602", &c);
    assert!(n.contains(r#""type": "notification""#));
    assert_eq!(
        payload(&n),
        r#", "notification": { "code": 6, "subcode": 2, "data": "0x", "message": "" }  } }"#
    );
    let n = decode(&msg(3, "0602 07 676f6f64627965"), &c);
    assert_eq!(
        payload(&n),
        r#", "notification": { "code": 6, "subcode": 2, "data": "0x07676F6F64627965", "message": "goodbye" }  } }"#
    );
    let k = decode("ffffffffffffffffffffffffffffffff001304", &c);
    assert!(k.contains(r#""type": "keepalive""#));
    assert_eq!(payload(&k), "  } }");
    let r = decode("ffffffffffffffffffffffffffffffff00170500010001", &c);
    assert!(r.contains(r#""type": "refresh""#));
    assert_eq!(
        payload(&r),
        r#", "route-refresh": { "afi": "ipv4", "safi": "unicast", "subtype": "query" } } }"#
    );
}

#[test]
fn add_path_ids_are_shown_as_path_information() {
    let ctx = Context {
        add_path: vec![Family::IPV4_UNICAST],
        ..Context::default()
    };
    let s = decode(
        &msg(
            2,
            "0000 000e 40010100 400200 4003040a0001fe 00000007 180a0000",
        ),
        &ctx,
    );
    assert!(
        payload(&s).contains(
            r#""10.0.1.254": [ { "nlri": "10.0.0.0/24", "path-information": "0.0.0.7" } ]"#
        ),
        "{s}"
    );
}

#[test]
fn two_octet_session_shows_the_reconstructed_as4_path() {
    // AS_PATH 65001 23456 (2-octet) + AS4_PATH 4200000000.
    let ctx = Context {
        asn4: false,
        ..Context::default()
    };
    let s = decode(
        &msg(
            2,
            "0000 001d 40010100 4002060202fde95ba0 c011060201fa56ea00 4003040a0001fe 180a0000",
        ),
        &ctx,
    );
    // As ExaBGP: the AS kept from AS_PATH and the AS4_PATH joined into one sequence.
    assert!(
        payload(&s).contains(
            r#""as-path": {"0": {"element": "as-sequence", "value": [65001, 4200000000]}}"#
        ),
        "{s}"
    );
}

#[test]
fn withdrawal_with_attributes_prints_them() {
    // MP_UNREACH ipv6 2621:a:10::/64 with ORIGIN, an empty AS_PATH and LOCAL_PREF
    // (bgp_withdraw.cap): ExaBGP prints the attributes.
    let s = decode(
        &msg(
            2,
            "0000 001d 40010100 400200 40050400000064 800f0c 0002 01 40 2621000a00100000",
        ),
        &Context::default(),
    );
    assert_eq!(
        payload(&s),
        r#", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "withdraw": { "ipv6 unicast": [ { "nlri": "2621:a:10::/64" } ] } } } } }"#
    );
}

#[test]
fn open_as_trans_multisession_and_unknown_capabilities_as_exabgp() {
    // My AS 23456 + asn4 4200000001; multisession 68 (flags, then MP and route refresh) and
    // 131 (flags only); unknown 200, 100 and 30. ExaBGP 5.0.15 printed these capabilities so.
    let s = decode(
        "ffffffffffffffffffffffffffffffff004001045ba000b40101010123\
         02064104fa56ea010205440300010202038301000203c801ab0202640002041e020102",
        &Context::default(),
    );
    assert_eq!(
        payload(&s),
        r#", "open": { "version": 4, "asn": 23456, "hold_time": 180, "router_id": "1.1.1.1", "capabilities": { "65": { "name": "asn4", "asn4": 4200000001 }, "68": { "name": "multisession", "variant": "RFC", "capabilities": [ "multiprotocol", "route-refresh" ] }, "131": { "name": "multisession", "variant": "Cisco", "capabilities": [ ] }, "200": { "name": "unknown", "iana": "reserved", "value": 200, "raw": "AB" }, "100": { "name": "unknown", "iana": "unassigned", "value": 100, "raw": "" }, "30": { "name": "unknown", "iana": "unknown", "value": 30, "raw": "0102" } } } } }"#
    );
}

#[test]
fn rfc7606_errors_are_reported_under_malformed() {
    let s = decode(
        &msg(2, "0000 0007 40010103 400200 180a0000"),
        &Context::default(),
    );
    assert!(payload(&s).contains(r#""malformed": [ { "attribute": 1, "action": "treat-as-withdraw", "code": 3, "subcode": 6"#), "{s}");
}

#[test]
fn state_events_have_no_direction() {
    let peer = Peer::default();
    let env = Envelope {
        time: 1.5,
        host: "vm",
        pid: 2,
        ppid: 1,
        counter: 3,
        peer: &peer,
        direction: Direction::Receive,
        compact: false,
    };
    let mut s = String::new();
    write_state(&mut s, &env, "down", Some("closing connection"));
    assert_eq!(
        s,
        r#"{ "exabgp": "5.0.0", "time": 1.5, "host" : "vm", "pid" : 2, "ppid" : 1, "counter": 3, "type": "state", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "state": "down", "reason": "closing connection" } }"#
    );
}

#[test]
fn strings_are_escaped() {
    assert_eq!(escape("a\"b\\c\n"), "a\\\"b\\\\c\\n");
    assert_eq!(escape("plain"), "plain");
}

/// Labeled unicast, MPLS VPN and flowspec: each message hand-made and given to ExaBGP 5.0.15's
/// `exabgp decode -c` (`family { all; }`, `add-path send/receive` where a family is named);
/// the expected payloads are what it printed.
#[test]
fn labeled_vpn_and_flowspec_match_exabgp() {
    let cases: &[(&str, Option<Family>, &str)] = &[
        // labeled withdraw compat
        (
            "ffffffffffffffffffffffffffffffff002c0200000015900f0011000104308000000a0000300000000a0100",
            None,
            r#", "message": { "update": { "withdraw": { "ipv4 nlri-mpls": [ { "nlri": "10.0.0.0/24", "label": [ [524288] ] }, { "nlri": "10.1.0.0/24", "label": [ [0] ] } ] } } } } }"#,
        ),
        // labeled ipv6 add path
        (
            "ffffffffffffffffffffffffffffffff004c02000000354001010040020040050400000064900e00230002041020010db800000000000000000000000100000000054800064120010db80001",
            Some(Family::new(Afi::IPV6, Safi::MPLS_LABEL)),
            r#", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv6 nlri-mpls": { "2001:db8::1": [ { "nlri": "2001:db8:1::/48", "path-information": "0.0.0.5", "label": [ [100] ] } ] } } } } } }"#,
        ),
        // vpn ipv6 rd types
        (
            "ffffffffffffffffffffffffffffffff007c02000000654001010040020040050400000064900e005300028018000000000000000020010db800000000000000000000000100880006410001c0000201000a20010db8000188000641000200010000000a20010db8000288000641000300010000000a20010db80003",
            None,
            r#", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv6 mpls-vpn": { "2001:db8::1": [ { "nlri": "2001:db8:1::/48", "label": [ [100] ], "rd": "192.0.2.1:10" }, { "nlri": "2001:db8:2::/48", "label": [ [100] ], "rd": "65536:10" }, { "nlri": "2001:db8:3::/48", "label": [ [100] ], "rd": "0x000300010000000A" } ] } } } } } }"#,
        ),
        // vpn ipv4 add path two labels
        (
            "ffffffffffffffffffffffffffffffff005002000000394001010040020040050400000064900e00270001800c00000000000000000a0000010000000009880006400006510000fde8000000010a0000",
            Some(Family::new(Afi::IPV4, Safi::MPLS_VPN)),
            r#", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv4 mpls-vpn": { "10.0.0.1": [ { "nlri": "10.0.0.0/24", "path-information": "0.0.0.9", "label": [ [100], [101] ], "rd": "65000:1" } ] } } } } } }"#,
        ),
        // vpn withdraw
        (
            "ffffffffffffffffffffffffffffffff002d0200000016900f0012000180708000000000fde8000000010a0000",
            None,
            r#", "message": { "update": { "withdraw": { "ipv4 mpls-vpn": [ { "nlri": "10.0.0.0/24", "label": [ [524288] ], "rd": "65000:1" } ] } } } } }"#,
        ),
        // flow numeric operators
        (
            "ffffffffffffffffffffffffffffffff005f02000000484001010040020040050400000064900e0036000185000013030006410647060211031104110511061187000c0a1101f45205dca1000001000f0701004103c7080881000b012e812f",
            None,
            r#", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv4 flow": { "no-nexthop": [ { "protocol": [ "false&=tcp&truetcp", ">udp", ">=udp", "<udp", "<=udp", "!=udp", "true" ], "string": "flow protocol [ false&=tcp&truetcp >udp >=udp <udp <=udp !=udp true ]" }, { "packet-length": [ "=500&>1500", "=256" ], "string": "flow packet-length [ =500&>1500 =256 ]" }, { "icmp-type": [ "=echo-reply&=unreachable&trueecho-request" ], "icmp-code": [ "=0" ], "dscp": [ "=46", "=47" ], "string": "flow icmp-type [ =echo-reply&=unreachable&trueecho-request ] icmp-code =0 dscp [ =46 =47 ]" } ] } } } } } }"#,
        ),
        // flow bitmasks
        (
            "ffffffffffffffffffffffffffffffff004902000000324001010040020040050400000064900e002000018500001a09010241100012020403001101f3910f000c0001000242048308",
            None,
            r#", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv4 flow": { "no-nexthop": [ { "tcp-flags": [ "=syn&=ack", "syn+ack", "!rst", "!=", "=fin+syn+ack+urg+ece+cwr+ns", "=ns+unknown tcp flag type 3840" ], "fragment": [ "dont-fragment", "is-fragment&!first-fragment", "!=last-fragment" ], "string": "flow tcp-flags [ =syn&=ack syn+ack !rst != =fin+syn+ack+urg+ece+cwr+ns =ns+unknown tcp flag type 3840 ] fragment [ dont-fragment is-fragment&!first-fragment !=last-fragment ]" } ] } } } } } }"#,
        ),
        // flow ipv6 offset fragment flow label
        (
            "ffffffffffffffffffffffffffffffff004902000000324001010040020040050400000064900e002000028500001501301020010db802140412340c000181020d9112340401807c10",
            None,
            r#", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv6 flow": { "no-nexthop": [ { "destination-ipv6": [ "0:2001:db8::/48/16" ], "source-ipv6": [ "123:4000::/20/4" ], "fragment": [ "", "=is-fragment" ], "flow-label": [ "=4660" ], "string": "flow destination-ipv6 0:2001:db8::/48/16 source-ipv6 123:4000::/20/4 fragment [  =is-fragment ] flow-label =4660" }, { "destination-ipv6": [ "::1/128/124" ], "string": "flow destination-ipv6 ::1/128/124" } ] } } } } } }"#,
        ),
        // flow vpn next hop
        (
            "ffffffffffffffffffffffffffffffff0052020000003b4001010040020040050400000064900e0029000186040a00000100100000fde80000000101180a00000381060e0001c0000201000a02200a000001",
            None,
            r#", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv4 flow-vpn": { "10.0.0.1": [ { "destination-ipv4": [ "10.0.0.0/24" ], "protocol": [ "=tcp" ], "rd": "65000:1", "next-hop": "10.0.0.1", "string": "flow destination-ipv4 10.0.0.0/24 protocol =tcp rd 65000:1 next-hop 10.0.0.1" }, { "source-ipv4": [ "10.0.0.1/32" ], "rd": "192.0.2.1:10", "next-hop": "10.0.0.1", "string": "flow source-ipv4 10.0.0.1/32 rd 192.0.2.1:10 next-hop 10.0.0.1" } ] } } } } } }"#,
        ),
        // flow withdraw long
        (
            "ffffffffffffffffffffffffffffffff0124020000010d900f0109000185f0fd0a1101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f41101f49101f40601200a000001",
            None,
            r#", "message": { "update": { "withdraw": { "ipv4 flow": [ { "packet-length": [ "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500", "=500" ], "string": "flow packet-length [ =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 =500 ]" }, { "destination-ipv4": [ "10.0.0.1/32" ], "string": "flow destination-ipv4 10.0.0.1/32" } ] } } } } }"#,
        ),
    ];
    for (hex_msg, add_path, want) in cases {
        let ctx = Context {
            add_path: add_path.iter().copied().collect(),
            ..Context::default()
        };
        let s = decode(hex_msg, &ctx);
        assert_eq!(payload(&s), *want, "{hex_msg}");
    }
}

#[test]
fn open_extended_next_hop_hostname_and_llgr_as_exabgp() {
    // Extended next hop (IPv4 unicast over IPv6), FQDN "vm", long-lived GR (IPv4 unicast,
    // forwarding, 3600 s): ExaBGP 5.0.15 names the first `conversion`s, writes no name for the
    // second and does not decode the third.
    let s = decode(
        "ffffffffffffffffffffffffffffffff003a0104fde9005ac000023d1d\
         02080506000100010002 020649040276 6d00 0209470700010180000e10"
            .replace(' ', "")
            .as_str(),
        &Context::default(),
    );
    assert_eq!(
        payload(&s),
        r#", "open": { "version": 4, "asn": 65001, "hold_time": 90, "router_id": "192.0.2.61", "capabilities": { "5": { "name": "nexthop", "conversion": [ "ipv4/unicast/ipv6" ] }, "73": { "host-name": "vm", "domain-name": "" }, "71": { "name": "unknown", "iana": "unassigned", "value": 71, "raw": "00010180000E10" } } } } }"#
    );
}

#[test]
fn open_software_version_as_exabgp() {
    // Capability 75 (draft-abraitis-bgp-version-capability) as ExaBGP 5 sends and prints it.
    let s = decode("ffffffffffffffffffffffffffffffff002f0104fde9005ac000023d1202104b0e0d4578614247502f352e302e3135", &Context::default());
    assert_eq!(
        payload(&s),
        r#", "open": { "version": 4, "asn": 65001, "hold_time": 90, "router_id": "192.0.2.61", "capabilities": { "75": { "software": "ExaBGP/5.0.15" } } } } }"#
    );
}

#[test]
fn evpn_routes_match_exabgp() {
    // `exabgp decode` of the same octets: a type 5 route whose prefix has bits past its length
    // and a zero label field, a route type ExaBGP does not know (9), a type 1 route with an MPLS
    // label (100 with the bottom-of-stack bit).
    let s = decode("ffffffffffffffffffffffffffffffff006d020000005640010100400200800e4c00194604c00002010005220000fde80000000a0000000000000000000000000000180a010203000000000000000902010201190000fde8000000010011223344556677889900000064000641", &Context::default());
    assert_eq!(
        payload(&s),
        r#", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "l2vpn evpn": { "192.0.2.1": [ { "code": 5, "parsed": true, "raw": "05220000FDE80000000A0000000000000000000000000000180A01020300000000000000", "name": "IP Prefix Advertisement", "rd": "65000:10", "esi": "-", "ethernet-tag": 0, "label": [ [0] ], "ip": "10.1.2.3", "iplen": 24, "gateway": "0.0.0.0" }, { "code": 9, "parsed": false, "raw": "09020102" }, { "code": 1, "parsed": true, "raw": "01190000FDE8000000010011223344556677889900000064000641", "name": "Ethernet Auto-Discovery", "rd": "65000:1", "esi": "00:11:22:33:44:55:66:77:88:99", "ethernet-tag": 100, "label": [ [100, 1601] ] } ] } } } } } }"#
    );
    // `exabgp decode` of an MP_UNREACH_NLRI with a type 4 route.
    let s = decode("ffffffffffffffffffffffffffffffff0036020000001f800f1c00194604170001c000021200020100112233445500070020c0000212", &Context::default());
    assert_eq!(
        payload(&s),
        r#", "message": { "update": { "withdraw": { "l2vpn evpn": [ { "code": 4, "parsed": true, "raw": "04170001C000021200020100112233445500070020C0000212", "name": "Ethernet Segment", "rd": "192.0.2.18:2", "esi": "01:00:11:22:33:44:55:00:07:00", "ip": "192.0.2.18" } ] } } } } }"#
    );
}

#[test]
fn evpn_path_identifiers_are_shown_after_raw() {
    // `exabgp decode -i` prints the same without "path-information" (a documented difference).
    let ctx = Context {
        add_path: vec![Family::new(Afi::L2VPN, Safi::EVPN)],
        ..Context::default()
    };
    let s = decode("ffffffffffffffffffffffffffffffff0041020000002a40010100400200800e2000194604c0000201000000000703110000fde8000000010000006420c0000212", &ctx);
    assert_eq!(
        payload(&s),
        r#", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "l2vpn evpn": { "192.0.2.1": [ { "code": 3, "parsed": true, "raw": "03110000FDE8000000010000006420C0000212", "path-information": "0.0.0.7", "name": "Inclusive Multicast Ethernet Tag", "rd": "65000:1", "ethernet-tag": 100, "ip": "192.0.2.18" } ] } } } } } }"#
    );
}

#[test]
fn mvpn_routes_of_other_types_are_raw_as_exabgp_prints_them() {
    // `exabgp decode` of the same octets: an Intra-AS I-PMSI A-D route (type 1, which neither
    // types) then a Source Active A-D route (type 5).
    let s = decode("ffffffffffffffffffffffffffffffff004c020000003540010100400200800e2b00010504c000020100010c0000fde800000001c000020105120000fde80001869f200a630c0420effbffe4", &Context::default());
    assert_eq!(
        payload(&s),
        r#", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "ipv4 mcast-vpn": { "192.0.2.1": [ { "code": 1, "parsed": false, "raw": "010C0000FDE800000001C0000201" }, { "code": 5, "parsed": true, "raw": "05120000FDE80001869F200A630C0420EFFBFFE4", "name": "Source Active A-D Route", "rd": "65000:99999", "source": "10.99.12.4", "group": "239.251.255.228" } ] } } } } } }"#
    );
}

#[test]
fn mvpn_path_identifiers_are_shown_after_raw() {
    // herald shows the ADD-PATH path identifier, as for EVPN (a documented difference).
    let ctx = Context {
        add_path: vec![Family::new(Afi::IPV6, Safi::MCAST_VPN)],
        ..Context::default()
    };
    let s = decode("ffffffffffffffffffffffffffffffff0046020000002f40010100400200800e2500020504c000020100000000090716000000010000000200000003200a00000120ef010101", &ctx);
    assert_eq!(
        payload(&s),
        r#", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "ipv6 mcast-vpn": { "192.0.2.1": [ { "code": 7, "parsed": true, "raw": "0716000000010000000200000003200A00000120EF010101", "path-information": "0.0.0.9", "name": "C-Multicast Source Tree Join route", "rd": "1:2", "source-as": "3", "source": "10.0.0.1", "group": "239.1.1.1" } ] } } } } } }"#
    );
}

/// VPLS (RFC 4761): ExaBGP's conf-l2vpn route; `exabgp decode` of the same octets printed
/// exactly this.
#[test]
fn vpls_routes_as_exabgp_prints_them() {
    let s = decode(
        "ffffffffffffffffffffffffffffffff00440200000 02d800e1c00194104c0a8c9010000110001c0a8c901007b000500010008029ce14001010040020040050400000064"
            .replace(' ', "")
            .as_str(),
        &Context::default(),
    );
    assert_eq!(
        payload(&s),
        r#", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "l2vpn vpls": { "192.168.201.1": [ { "rd": "192.168.201.1:123", "endpoint": 5, "base": 10702, "offset": 1, "size": 8 } ] } } } } } }"#
    );
}

/// Route target membership (RFC 4684): ExaBGP's layout (its `RTC.json`: origin, route-target,
/// null for the default route; `exabgp decode` 5.0.15 refuses these octets, so the layout is
/// taken from its code).
#[test]
fn rtc_routes_in_exabgps_layout() {
    let s = decode(
        "ffffffffffffffffffffffffffffffff0038020000002180 0e17000184 04c0a8c90100600000fde80002fde800000001004001010040 0200"
            .replace(' ', "")
            .as_str(),
        &Context::default(),
    );
    assert_eq!(
        payload(&s),
        r#", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "ipv4 rtc": { "192.168.201.1": [ { "origin": 65000, "route-target": "target:65000:1" }, { "origin": 0, "route-target": null } ] } } } } } }"#
    );
}

/// BGP-LS: a malformed NLRI is shown with its octets and reason (ExaBGP resets the session
/// instead), the UPDATE is treat-as-withdraw and the malformed BGP-LS Attribute discarded
/// (RFC 9552 §8.2.2); with ADD-PATH the path identifier comes first.
#[test]
fn bgpls_malformed_nlri_and_attribute_are_reported() {
    // Node NLRI with its descriptor sub-TLVs out of order (513 before 512), and a BGP-LS
    // Attribute with a 2-octet Node Flags TLV.
    let m = msg(
        2,
        "0000 003D 40010100 400200 800E 2A 4004 47 04 7F001701 00
         0001 001D 02 0000000000000000 0100 0010 0201 0004 00000000 0200 0004 0000FDE9
         801D 06 0400 0002 0000",
    );
    let s = decode(&m, &Context::default());
    let p = payload(&s);
    assert!(
        p.contains(r#""raw": "0001001D020000000000000000010000100201000400000000020000040000FDE9", "malformed": "node descriptor sub-TLVs repeated or not in ascending order""#),
        "{p}"
    );
    assert!(
        p.contains(r#""attribute": 14, "action": "treat-as-withdraw", "code": 3, "subcode": 10"#),
        "{p}"
    );
    assert!(
        p.contains(r#""attribute": 29, "action": "attribute-discard", "code": 3, "subcode": 9"#),
        "{p}"
    );
    assert!(!p.contains("\"bgp-ls\": {"), "{p}");
    // ADD-PATH for bgp-ls bgp-ls: "path-information" first.
    let ctx = Context {
        add_path: vec![Family::new(Afi::BGP_LS, Safi::BGP_LS)],
        ..Context::default()
    };
    let m = msg(
        2,
        "0000 0042 40010100 400200 800E 38 4004 47 04 7F001701 00
         00000007 0001 0027 02 0000000000000000 0100 001A 0200 0004 0000FDE9 0201 0004 00000000 0203 0006 192168000001",
    );
    let s = decode(&m, &ctx);
    assert!(
        payload(&s).contains(r#"[ { "path-information": "0.0.0.7", "ls-nlri-type": "bgpls-node", "l3-routing-topology": 0, "protocol-id": 2, "node-descriptors": [ { "autonomous-system": 65001 }, { "bgp-ls-identifier": "0" }, { "router-id": "192168000001" } ], "nexthop": "127.0.23.1" } ]"#),
        "{s}"
    );
}

/// MUP (draft-mpmz-bess-mup-safi) and the Prefix-SID attribute where herald's JSON differs
/// from ExaBGP's on purpose (see `mup.rs`): the SRv6 SID, its flags and behavior are shown
/// (ExaBGP prints `"%s"`, 0 and `%d`), a Type 1 ST source address is valid JSON, unknown TLVs,
/// sub-TLVs and MUP route types are named. The other members are as `exabgp decode` prints
/// them (checked on ExaBGP's own UPDATEs by tests/peer_vectors.rs).
#[test]
fn mup_and_srv6_values_that_exabgp_prints_badly() {
    let s = decode("ffffffffffffffffffffffffffffffff0079020000006240010100400200800e2f000155040a000002000100031C000000640000006420C0A800020000303909200A000001200A00010102000702abcdc02826040003aabbcc06001d000100150020010db800010001000000000000000080001500090001ff", &Context::default());
    assert_eq!(
        payload(&s),
        r#", "message": { "update": { "attribute": { "origin": "igp", "bgp-prefix-sid": { "attribute-not-implemented-4": "0xAABBCC", "l2-service": [ { "sid": "2001:db8:1:1::", "flags": 128, "endpoint_behavior": 21 }, { "generic-sub-tlv": 9 } ] } }, "announce": { "ipv4 mup": { "10.0.0.2": [ { "name": "Type1SessionTransformedRoute", "arch": 1, "code": 3, "prefix_ip_len": 32, "prefix_ip": "192.168.0.2", "teid": "12345", "qfi": "9", "rd": "100:100", "endpoint_ip_len": 32, "endpoint_ip": "10.0.0.1", "source_ip_len": 32, "source_ip": "10.0.1.1", "raw": "0100031C000000640000006420C0A800020000303909200A000001200A000101" }, { "arch": 2, "code": 7, "raw": "02000702ABCD" } ] } } } } } }"#
    );
}

#[test]
fn mup_path_identifiers_are_shown_after_raw() {
    let ctx = Context {
        add_path: vec![Family::new(Afi::IPV4, Safi::MUP)],
        ..Context::default()
    };
    let s = decode("ffffffffffffffffffffffffffffffff003e020000002740010100400200800e1d000155040a00000200000000070100020c00000064000000640a000001", &ctx);
    assert!(
        s.contains(r#"{ "name": "DirectSegmentDiscoveryRoute", "arch": 1, "code": 2, "ip": "10.0.0.1", "rd": "100:100", "raw": "0100020C00000064000000640A000001", "path-information": "0.0.0.7" }"#),
        "{s}"
    );
}
