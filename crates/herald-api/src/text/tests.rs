use std::net::IpAddr;

use herald_wire::{Context, Family, Message, Notification, RouteRefresh, Update};

use super::*;
use crate::json::{Direction, Peer};

fn peer() -> Peer {
    Peer {
        peer_address: "192.0.2.7".parse::<IpAddr>().unwrap(),
        ..Peer::default()
    }
}

fn text(msg: &Message, dir: Direction) -> String {
    let mut s = String::new();
    write_message(&mut s, &peer(), dir, msg, &Context::default());
    s
}

#[test]
fn state_events() {
    let mut s = String::new();
    write_state(&mut s, &peer(), "connected", None);
    write_state(&mut s, &peer(), "up", None);
    write_state(&mut s, &peer(), "down", Some("peer reset\nthe session"));
    write_state(&mut s, &peer(), "down", None);
    assert_eq!(
        s,
        "neighbor 192.0.2.7 connected\nneighbor 192.0.2.7 up\n\
         neighbor 192.0.2.7 down - peer reset\\x0athe session\nneighbor 192.0.2.7 down - \n"
    );
}

#[test]
fn oneline_escapes_what_python_does_not_print() {
    assert_eq!(oneline("plain text"), "plain text");
    assert_eq!(oneline("a\tb\x7fc\u{2028}d"), "a\\x09b\\x7fc\\x2028d");
}

#[test]
fn shutdown_and_packet() {
    let mut s = String::new();
    write_shutdown(&mut s, 10, 1);
    write_packet(
        &mut s,
        &peer(),
        Direction::Send,
        4,
        &[0xff, 0x00, 0x13, 0x04],
        &[],
    );
    write_packet(
        &mut s,
        &peer(),
        Direction::Receive,
        2,
        &[0x13],
        &[0xab, 0x01],
    );
    assert_eq!(
        s,
        "shutdown 10 1\nneighbor 192.0.2.7 send 4 header 0xFF001304\n\
         neighbor 192.0.2.7 receive 2 header 0x13 body 0xAB01\n"
    );
}

#[test]
fn keepalive_refresh_in_each_direction() {
    assert_eq!(
        text(&Message::Keepalive, Direction::Send),
        "neighbor 192.0.2.7 send keepalive\n"
    );
    let r = RouteRefresh::decode(&[0, 2, 2, 1]).unwrap();
    assert_eq!(r.family, Family::IPV6_UNICAST);
    assert_eq!(
        text(&Message::RouteRefresh(r), Direction::Receive),
        "neighbor 192.0.2.7 receive route-refresh afi ipv6 safi unicast end\n"
    );
    let r = RouteRefresh::decode(&[0, 1, 7, 1]).unwrap();
    assert_eq!(
        text(&Message::RouteRefresh(r), Direction::Decode),
        "neighbor 192.0.2.7 in route-refresh afi ipv4 safi unicast invalid\n"
    );
}

#[test]
fn notification_data_as_exabgp_shows_it() {
    let data = |code, sub, d: &[u8]| {
        String::from_utf8_lossy(&notification_data(&Notification::new(
            code,
            sub,
            d.to_vec(),
        )))
        .into_owned()
    };
    assert_eq!(
        notification_data(&Notification::new(3, 1, vec![0xde, 0xad])).as_ref(),
        &[0xde, 0xad]
    );
    assert_eq!(data(6, 2, &[]), "");
    assert_eq!(data(6, 2, &[0]), "empty Shutdown Communication.");
    assert_eq!(
        data(6, 4, &[2, b'h', b'i']),
        "Shutdown Communication: \"hi\""
    );
    assert_eq!(
        data(6, 2, &[2, b'h', b'\n', 0xab]),
        "Shutdown Communication: \"h \", trailing data: 0xAB"
    );
    assert_eq!(
        data(6, 2, &[5, b'h']),
        "invalid Shutdown Communication (buffer underrun) length : 5 [0x68]"
    );
    assert_eq!(
        data(6, 2, &[129, b'h']),
        "invalid Shutdown Communication (buffer underrun) length : 129 [0x68]"
    );
    let mut long = vec![129u8];
    long.extend(std::iter::repeat_n(b'a', 129));
    assert!(data(6, 2, &long)
        .starts_with("invalid Shutdown Communication (too large) length : 129 [0x6161"));
    assert_eq!(
        data(6, 2, &[1, 0xff]),
        "invalid Shutdown Communication (invalid UTF-8) length : 1 [0xFF]"
    );
    // Other Cease subcodes are shown as they are.
    assert_eq!(data(6, 3, &[1, b'x']), "\u{1}x");
}

#[test]
fn notification_line() {
    let n = Notification::cease_with_message(2, "bye");
    assert_eq!(
        text(&Message::Notification(n), Direction::Send),
        "neighbor 192.0.2.7 send notification code 6 subcode 2 data 0x53687574646F776E20436F6D6D756E69636174696F6E3A202262796522\n"
    );
}

#[test]
fn end_of_rib_and_empty_update() {
    let eor = Update::end_of_rib_for(Family::IPV6_UNICAST);
    assert_eq!(
        text(&Message::Update(eor), Direction::Receive),
        "neighbor 192.0.2.7 receive update start\n\
         neighbor 192.0.2.7 receive update route eor 2/1 (ipv6 unicast)\n\
         neighbor 192.0.2.7 receive update end\n"
    );
}

#[test]
fn evpn_routes_in_the_configuration_words() {
    let m = |h: &str| Message::decode(&hex::decode(h).unwrap(), &Context::default()).unwrap();
    assert_eq!(
        text(&m("ffffffffffffffffffffffffffffffff006d020000005640010100400200800e4c00194604c00002010005220000fde80000000a0000000000000000000000000000180a010203000000000000000902010201190000fde8000000010011223344556677889900000064000641"), Direction::Receive),
        "neighbor 192.0.2.7 receive update start\n\
         neighbor 192.0.2.7 receive update announced evpn prefix rd 65000:10 esi - etag 0 prefix 10.1.2.3/24 gateway 0.0.0.0 vni 0 next-hop 192.0.2.1 origin igp\n\
         neighbor 192.0.2.7 receive update announced evpn route-type 9 value 0x0102 next-hop 192.0.2.1 origin igp\n\
         neighbor 192.0.2.7 receive update announced evpn ethernet-ad rd 65000:1 esi 00:11:22:33:44:55:66:77:88:99 etag 100 label 100 next-hop 192.0.2.1 origin igp\n\
         neighbor 192.0.2.7 receive update end\n"
    );
    assert_eq!(
        text(&m("ffffffffffffffffffffffffffffffff0036020000001f800f1c00194604170001c000021200020100112233445500070020c0000212"), Direction::Receive),
        "neighbor 192.0.2.7 receive update start\n\
         neighbor 192.0.2.7 receive update withdrawn evpn ethernet-segment rd 192.0.2.18:2 esi 01:00:11:22:33:44:55:00:07:00 ip 192.0.2.18\n\
         neighbor 192.0.2.7 receive update end\n"
    );
}

/// BGP-LS NLRI and the BGP-LS Attribute are written as their JSON objects (ExaBGP 5.0.15 writes
/// only `afi bgp-ls safi bgp-ls` for an NLRI).
#[test]
fn bgpls_routes_as_their_json_objects() {
    let m = |h: &str| Message::decode(&hex::decode(h).unwrap(), &Context::default()).unwrap();
    // crates/herald-wire/tests/vectors/bgpls.txt: IS-IS node r2.
    let n = m("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF007D02000000664001010040020040050400000064800E34400447047F00170100000100270200000000000000000100001A020000040000FDE9020100040000000002030006192168000002801D1E04000001800402000672322E6C61620403000349000104040004C0000202");
    assert_eq!(
        text(&n, Direction::Receive),
        "neighbor 192.0.2.7 receive update start\n\
         neighbor 192.0.2.7 receive update announced bgp-ls { \"ls-nlri-type\": \"bgpls-node\", \"l3-routing-topology\": 0, \"protocol-id\": 2, \"node-descriptors\": [ { \"autonomous-system\": 65001 }, { \"bgp-ls-identifier\": \"0\" }, { \"router-id\": \"192168000002\" } ], \"nexthop\": \"127.0.23.1\" } next-hop 127.0.23.1 origin igp local-preference 100 bgp-ls { \"node-flags\": {\"O\": 1, \"T\": 0, \"E\": 0, \"B\": 0, \"R\": 0, \"V\": 0, \"RSV\": 0}, \"node-name\": \"r2.lab\", \"area-id\": \"4784129\", \"local-te-router-ids\": [\"192.0.2.2\"] }\n\
         neighbor 192.0.2.7 receive update end\n"
    );
}

/// MUP routes in ExaBGP's configuration words, and the Prefix-SID attribute as the
/// `bgp-prefix-sid` / `bgp-prefix-sid-srv6` words that make it (raw `attribute [ … ]` when they
/// cannot say it): the UPDATEs ExaBGP sent for its conf-srv6-mup.conf and conf-prefix-sid.conf
/// routes (crates/herald-wire/tests/vectors/exabgp-mup.txt).
#[test]
fn mup_routes_and_prefix_sid_in_the_configuration_words() {
    let m = |h: &str| Message::decode(&hex::decode(h).unwrap(), &Context::default()).unwrap();
    assert_eq!(
        text(&m("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF008002000000694001010040020040050400000064C010080002000A0000000AC028250500220001001E0020010DB800010001000000000000000000004800010006401810000000800E250001551020010000000000000000000000000001000100010C0000006400000064180A0001"), Direction::Receive),
        "neighbor 192.0.2.7 receive update start\n\
         neighbor 192.0.2.7 receive update announced mup mup-isd 10.0.1.0/24 rd 100:100 next-hop 2001::1 origin igp local-preference 100 extended-community target:10:10 bgp-prefix-sid-srv6 ( l3-service 2001:db8:1:1:: 0x48 [64,24,16,0,0,0] )\n\
         neighbor 192.0.2.7 receive update end\n"
    );
    let t = text(&m("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005E020000004740010100400200400304C633640240050400000064C0281B0100070000000000012C03000E00000C35000010000F4240001388800E1100010404C63364020038C35021C6336465"), Direction::Receive);
    assert!(
        t.contains(" bgp-prefix-sid [ 300, [ ( 800000,4096 ), ( 1000000,5000 ) ] ]\n"),
        "{t}"
    );
    // An unknown TLV: the attribute as octets.
    let t = text(&m("ffffffffffffffffffffffffffffffff002f0200000014400101004002004003040a000001c02803040000180a0000"), Direction::Receive);
    assert!(t.contains(" attribute [ 0x28 0xC0 0x040000 ]"), "{t}");
}

/// RTC routes (RFC 4684) in herald's configuration words, which read back as the same NLRI:
/// an UPDATE GoBGP 3.10 sent (crates/herald-wire/tests/vectors/gobgp-rtc.txt), then a partial
/// route target (48 of its bits) and the default route.
#[test]
fn rtc_routes_in_the_configuration_words() {
    let m = |h: &str| Message::decode(&hex::decode(h).unwrap(), &Context::default()).unwrap();
    assert_eq!(
        text(&m("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003E02000000274001010040020040050400000064800E16000184047F001B0900600000FDE80202FA56EA000007"), Direction::Receive),
        "neighbor 192.0.2.7 receive update start\n\
         neighbor 192.0.2.7 receive update announced rtc origin 65000 route-target target:4200000000:7 next-hop 127.0.27.9 origin igp local-preference 100\n\
         neighbor 192.0.2.7 receive update end\n"
    );
    let t = text(&m("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0036020000001F40010100400200800E15000184047F001B090050FA56EA000002FDE9000000"), Direction::Receive);
    assert_eq!(
        t,
        "neighbor 192.0.2.7 receive update start\n\
         neighbor 192.0.2.7 receive update announced rtc origin 4200000000 route-target target:65001:0/48 next-hop 127.0.27.9 origin igp\n\
         neighbor 192.0.2.7 receive update announced rtc default next-hop 127.0.27.9 origin igp\n\
         neighbor 192.0.2.7 receive update end\n"
    );
    for (words, nlri) in [
        (
            "origin 4200000000 route-target target:65001:0/48",
            "50FA56EA000002FDE90000",
        ),
        ("default", "00"),
    ] {
        let r = herald_config::parse_rtc_route(&format!("{words} next-hop 127.0.27.9")).unwrap();
        match &r.nlri {
            herald_wire::Nlri::Encoded(e) => assert_eq!(hex::encode_upper(e.bytes()), nlri),
            other => panic!("{other:?}"),
        }
    }
}
