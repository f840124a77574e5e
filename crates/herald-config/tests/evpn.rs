//! EVPN routes (RFC 7432 types 1-4, RFC 9136 type 5) in `announce { l2vpn { evpn … } }`: the
//! NLRI octets herald will send for each route type, the EVPN extended communities, the family
//! `l2vpn evpn`, and the errors.
//!
//! Where a route is one GoBGP 3.10.0 was given too (tests/interop/vector-configs/
//! gobgp-evpn-routes.txt), the expected octets are the ones GoBGP sent for it
//! (crates/herald-wire/tests/vectors/gobgp-evpn.txt): GoBGP writes its `label N` as the 24-bit
//! field N, which is herald's `vni N`.

use std::path::Path;

use herald_config::{parse_str, Config, NextHopSpec, Route};
use herald_wire::attr::ExtCommunity;
use herald_wire::iana::attr_type as T;
use herald_wire::{Afi, AttrValue, Family, Nlri, Safi};

const EVPN: Family = Family::new(Afi::L2VPN, Safi::EVPN);

fn parse(text: &str) -> Result<Config, String> {
    parse_str(text, Path::new("test.conf")).map_err(|e| {
        e.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn neighbor(body: &str) -> String {
    format!(
        "neighbor 192.0.2.2 {{ local-address 192.0.2.1; local-as 65000; peer-as 65000; {body} }}"
    )
}

fn announce(statements: &str) -> String {
    neighbor(&format!("announce {{ l2vpn {{ {statements} }} }}"))
}

fn routes(statements: &str) -> Vec<Route> {
    let c = parse(&announce(statements)).unwrap_or_else(|e| panic!("{e}"));
    c.neighbors.into_iter().next().unwrap().routes.into_vec()
}

fn route(statement: &str) -> Route {
    let mut r = routes(statement);
    assert_eq!(r.len(), 1);
    r.pop().unwrap()
}

/// The NLRI octets (upper-case hex, without path identifier) of an EVPN route.
fn octets(r: &Route) -> String {
    assert_eq!(r.family, EVPN);
    match &r.nlri {
        Nlri::Encoded(e) => hex::encode_upper(e.bytes()),
        Nlri::Prefix(p) => panic!("a prefix, not encoded NLRI: {p:?}"),
    }
}

fn error(statements: &str) -> String {
    match parse(&announce(statements)) {
        Ok(c) => panic!("parsed: {:?}", c.neighbors[0].routes),
        Err(e) => e,
    }
}

#[test]
fn ethernet_ad_routes_to_octets() {
    // gobgp: a-d esi ARBITRARY 11:22:33:44:55:66:77:88:99 etag 100 label 300 rd 65000:1
    let r = route(
        "evpn ethernet-ad rd 65000:1 esi 00:11:22:33:44:55:66:77:88:99 etag 100 vni 300 \
         next-hop 192.0.2.1;",
    );
    assert_eq!(
        octets(&r),
        "01190000FDE800000001001122334455667788990000006400012C"
    );
    assert_eq!(r.next_hop, NextHopSpec::Ip("192.0.2.1".parse().unwrap()));
    // gobgp: a-d esi LACP 00:11:22:33:44:55 7 etag 4294967295 label 0 rd 192.0.2.18:1; the
    // label field defaults to zero, `ethernet-tag` is `etag`.
    let r = route(
        "evpn ethernet-ad rd 192.0.2.18:1 esi 0x01001122334455000700 ethernet-tag 4294967295 \
         next-hop 192.0.2.1;",
    );
    assert_eq!(
        octets(&r),
        "01190001C0000212000101001122334455000700FFFFFFFF000000"
    );
    // An MPLS label is written with the bottom-of-stack bit, as ExaBGP writes labels.
    let r = route("evpn ethernet-ad rd 65000:1 esi - label 100 next-hop 192.0.2.1;");
    assert_eq!(
        octets(&r),
        "01190000FDE8000000010000000000000000000000000000000641"
    );
}

#[test]
fn mac_ip_routes_to_octets() {
    // gobgp: macadv 00:11:22:33:44:55 10.0.0.1 etag 100 label 1000 rd 65000:1 rt 65000:1
    //        encap vxlan router-mac 00:aa:bb:cc:dd:ee
    let r = route(
        "evpn mac-ip rd 65000:1 esi 0 etag 100 mac 00:11:22:33:44:55 ip 10.0.0.1 vni 1000 \
         next-hop 192.0.2.1 extended-community [ target:65000:1 encap:vxlan router-mac:00:aa:bb:cc:dd:ee ];",
    );
    assert_eq!(
        octets(&r),
        "02250000FDE800000001000000000000000000000000006430001122334455200A0000010003E8"
    );
    let Some(AttrValue::ExtCommunities(ec)) =
        r.attribute(T::EXTENDED_COMMUNITIES).map(|a| &a.value)
    else {
        panic!("no extended communities")
    };
    // GoBGP sent these three: 0002FDE800000001, 030C000000000008, 060300AABBCCDDEE.
    assert_eq!(
        ec.iter()
            .map(|c| hex::encode_upper(c.0))
            .collect::<Vec<_>>(),
        ["0002FDE800000001", "030C000000000008", "060300AABBCCDDEE"]
    );
    // gobgp: macadv 00:11:22:33:44:66 2001:db8::1 esi ARBITRARY 11:…:99 etag 200 label 2000,3000
    //        rd 192.0.2.1:5
    let r = route(
        "evpn mac-ip rd 192.0.2.1:5 esi 00:11:22:33:44:55:66:77:88:99 etag 200 \
         mac 00:11:22:33:44:66 ip 2001:db8::1 vni 2000 vni2 3000 next-hop 192.0.2.1;",
    );
    assert_eq!(
        octets(&r),
        "02340001C0000201000500112233445566778899000000C8300011223344668020010DB80000000000000000000000010007D0000BB8"
    );
    // gobgp: macadv 00:11:22:33:44:77 0.0.0.0 etag 0 label 10 rd 65000:3 (no IP address)
    let r = route("evpn mac-ip rd 65000:3 mac 00:11:22:33:44:77 vni 10 next-hop 192.0.2.1;");
    assert_eq!(
        octets(&r),
        "02210000FDE8000000030000000000000000000000000000300011223344770000000A"
    );
    // MPLS labels, both with the bottom-of-stack bit; a path identifier kept apart.
    let r = route(
        "evpn mac-ip rd 65000:3 mac 00:11:22:33:44:77 label 100 label2 200 \
         next-hop 192.0.2.1 path-information 9;",
    );
    assert_eq!(
        octets(&r),
        "02240000FDE80000000300000000000000000000000000003000112233447700000641000C81"
    );
    assert_eq!(r.nlri.path_id(), Some(9));
    assert_eq!(
        r.describe(),
        "evpn mac-ip rd 65000:3 esi - etag 0 mac 00:11:22:33:44:77 label 100 label2 200"
    );
}

#[test]
fn multicast_and_ethernet_segment_routes_to_octets() {
    // gobgp: multicast 192.0.2.18 etag 100 rd 65000:1
    let r = route("evpn multicast rd 65000:1 etag 100 ip 192.0.2.18 next-hop 192.0.2.18;");
    assert_eq!(octets(&r), "03110000FDE8000000010000006420C0000212");
    // gobgp: multicast 2001:db8::18 etag 0 rd 65000:2; an IPv6 next hop is fine for l2vpn.
    let r = route("evpn multicast rd 65000:2 ip 2001:db8::18 next-hop 2001:db8::18;");
    assert_eq!(
        octets(&r),
        "031D0000FDE800000002000000008020010DB8000000000000000000000018"
    );
    assert_eq!(r.next_hop, NextHopSpec::Ip("2001:db8::18".parse().unwrap()));
    // gobgp: esi 192.0.2.18 esi LACP 00:11:22:33:44:55 7 rd 192.0.2.18:2
    let r = route(
        "evpn ethernet-segment rd 192.0.2.18:2 esi 01:00:11:22:33:44:55:00:07:00 ip 192.0.2.18 \
         next-hop self;",
    );
    assert_eq!(
        octets(&r),
        "04170001C000021200020100112233445500070020C0000212"
    );
    assert_eq!(r.next_hop, NextHopSpec::SelfAddr);
    // gobgp: esi 2001:db8::18 esi ARBITRARY 11:22:33:44:55:66:77:88:99 rd 65000:4
    let r = route(
        "evpn ethernet-segment rd 65000:4 esi 00:11:22:33:44:55:66:77:88:99 ip 2001:db8::18 \
         next-hop 192.0.2.1;",
    );
    assert_eq!(
        octets(&r),
        "04230000FDE800000004001122334455667788998020010DB8000000000000000000000018"
    );
}

#[test]
fn ip_prefix_routes_to_octets() {
    // gobgp: prefix 10.1.0.0/24 gw 10.0.0.254 etag 0 label 5000 rd 65000:10
    let r = route(
        "evpn prefix rd 65000:10 prefix 10.1.0.0/24 gateway 10.0.0.254 vni 5000 next-hop 192.0.2.1;",
    );
    assert_eq!(
        octets(&r),
        "05220000FDE80000000A0000000000000000000000000000180A0100000A0000FE001388"
    );
    // gobgp: prefix 2001:db8:1::/64 gw 2001:db8::fe esi LACP 00:11:22:33:44:55 7 etag 0
    //        label 5001 rd 65000:11
    let r = route(
        "evpn prefix rd 65000:11 esi 01:00:11:22:33:44:55:00:07:00 etag 0 prefix 2001:db8:1::/64 \
         gateway 2001:db8::fe vni 5001 next-hop 192.0.2.1;",
    );
    assert_eq!(
        octets(&r),
        "053A0000FDE80000000B01001122334455000700000000004020010DB800010000000000000000000020010DB80000000000000000000000FE001389"
    );
    // Without a gateway: the prefix family's zero address; without a label: a zero field.
    let r = route("evpn prefix rd 65000:10 prefix 10.1.0.0/24 next-hop 192.0.2.1;");
    assert_eq!(
        octets(&r),
        "05220000FDE80000000A0000000000000000000000000000180A01000000000000000000"
    );
}

#[test]
fn a_multicast_route_with_a_pmsi_tunnel_attribute() {
    // As docs/configuration.md writes it; GoBGP's `pmsi ingress-repl 1000 192.0.2.18` sent
    // C0 16 09 00 06 0003E8 C0000212.
    let r = route(
        "evpn multicast rd 65000:1 etag 100 ip 192.0.2.18 next-hop 192.0.2.18 \
         attribute [ 0x16 0xc0 0x00060003E8C0000212 ];",
    );
    let Some(a) = r.attribute(T::PMSI_TUNNEL) else {
        panic!("no PMSI tunnel")
    };
    assert_eq!(a.flags, 0xc0);
    let AttrValue::PmsiTunnel(p) = &a.value else {
        panic!("{a:?}")
    };
    assert_eq!((p.flags, p.tunnel_type, p.label), (0, 6, 1000));
    assert_eq!(p.tunnel_id, [192, 0, 2, 18]);
}

#[test]
fn evpn_extended_communities() {
    let ec = |text: &str| -> Vec<String> {
        let r = route(&format!(
            "evpn multicast rd 1:1 ip 192.0.2.1 next-hop 192.0.2.1 extended-community [ {text} ];"
        ));
        match r.attribute(T::EXTENDED_COMMUNITIES).map(|a| &a.value) {
            Some(AttrValue::ExtCommunities(v)) => v
                .iter()
                .map(|c: &ExtCommunity| hex::encode_upper(c.0))
                .collect(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        ec("encap:vxlan encapsulation:VXLAN encap:mpls encap:13 encap:NVGRE"),
        [
            "030C000000000008",
            "030C000000000008",
            "030C00000000000A",
            "030C00000000000D",
            "030C000000000009"
        ]
    );
    assert_eq!(
        ec("mac-mobility:5 mac-mobility:4294967295:sticky"),
        ["0600000000000005", "06000100FFFFFFFF"]
    );
    // GoBGP's `esi-label 100` (single-active flag clear) and router MAC.
    assert_eq!(
        ec("esi-label:0:100 router-mac:00-AA-BB-CC-DD-EE"),
        ["0601000000000064", "060300AABBCCDDEE"]
    );
    for bad in [
        "encap:bogus",
        "encap:70000",
        "router-mac:00:11",
        "mac-mobility:x",
        "mac-mobility:1:slippery",
        "esi-label:1",
        "esi-label:0:16777216",
    ] {
        let e = error(&format!(
            "evpn multicast rd 1:1 ip 192.0.2.1 next-hop 192.0.2.1 extended-community [ {bad} ];"
        ));
        assert!(e.contains("invalid extended community"), "{bad}: {e}");
    }
}

#[test]
fn family_l2vpn_evpn_is_negotiated_and_checked() {
    // Without a family block the routes' family is added to IPv4/IPv6 unicast.
    let c = parse(&announce(
        "evpn multicast rd 1:1 ip 192.0.2.1 next-hop 192.0.2.1;",
    ))
    .unwrap();
    assert!(c.neighbors[0].families.contains(&EVPN));
    // A family block can name it …
    let c = parse(&neighbor(
        "family { l2vpn evpn; } announce { l2vpn { evpn multicast rd 1:1 ip 192.0.2.1 next-hop 192.0.2.1; } }",
    ))
    .unwrap();
    assert_eq!(c.neighbors[0].families, [EVPN]);
    // … and one that does not refuses the route.
    let e = parse(&neighbor(
        "family { ipv4 unicast; } announce { l2vpn { evpn multicast rd 1:1 ip 192.0.2.1 next-hop 192.0.2.1; } }",
    ))
    .unwrap_err();
    assert!(
        e.contains("evpn multicast rd 1:1 etag 0 ip 192.0.2.1 is l2vpn evpn but the neighbor's family block does not list it"),
        "{e}"
    );
    assert!(herald_config::supported_families().contains(&EVPN));
}

#[test]
fn evpn_routes_are_told_apart_by_their_nlri() {
    let r = routes(
        "evpn multicast rd 1:1 ip 192.0.2.1 next-hop 192.0.2.1;
         evpn multicast rd 1:2 ip 192.0.2.1 next-hop 192.0.2.1;
         evpn multicast rd 1:1 ip 192.0.2.1 next-hop 192.0.2.1 path-information 2;
         evpn mac-ip rd 1:1 mac 00:11:22:33:44:55 vni 1 next-hop 192.0.2.1;
         evpn mac-ip rd 1:1 mac 00:11:22:33:44:66 vni 1 next-hop 192.0.2.1;",
    );
    assert_eq!(r.len(), 5);
    // The same route twice: the later one wins, with a warning.
    let c = parse(&announce(
        "evpn multicast rd 1:1 ip 192.0.2.1 next-hop 192.0.2.1;
         evpn multicast rd 1:1 ip 192.0.2.1 next-hop 192.0.2.9;",
    ))
    .unwrap();
    assert_eq!(c.neighbors[0].routes.len(), 1);
    assert_eq!(
        c.neighbors[0].routes[0].next_hop,
        NextHopSpec::Ip("192.0.2.9".parse().unwrap())
    );
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0]
        .message
        .contains("route evpn multicast rd 1:1 etag 0 ip 192.0.2.1 is defined again"));
}

#[test]
fn vpn_routes_of_one_prefix_with_different_rds_are_two_routes() {
    let c = parse(&neighbor(
        "static { route 10.0.0.0/24 rd 65000:1 label 10 next-hop 192.0.2.9;
                  route 10.0.0.0/24 rd 65000:2 label 10 next-hop 192.0.2.9; }",
    ))
    .unwrap();
    assert_eq!(c.neighbors[0].routes.len(), 2);
    assert!(c.warnings.is_empty());
}

#[test]
fn evpn_errors_name_the_word_at_fault() {
    for (stmt, want) in [
        ("evpn;", "'evpn' needs an EVPN route type"),
        ("evpn bogus rd 1:1;", "unknown EVPN route type"),
        ("evpn multicast ip 192.0.2.1 next-hop 192.0.2.1;", "needs 'rd'"),
        ("evpn multicast rd 1:1 next-hop 192.0.2.1;", "needs 'ip'"),
        ("evpn multicast rd 1:1 ip 192.0.2.1;", "route has no next-hop"),
        ("evpn multicast rd 1:1 ip 192.0.2.1 label 5 next-hop 192.0.2.1;", "has no label"),
        ("evpn multicast rd 1:1 ip 192.0.2.1 esi 0 next-hop 192.0.2.1;", "has no 'esi'"),
        ("evpn ethernet-segment rd 1:1 ip 192.0.2.1 next-hop 192.0.2.1;", "needs 'esi'"),
        ("evpn ethernet-ad rd 1:1 next-hop 192.0.2.1;", "needs 'esi'"),
        ("evpn mac-ip rd 1:1 vni 1 next-hop 192.0.2.1;", "needs 'mac'"),
        ("evpn mac-ip rd 1:1 mac 00:11:22:33:44:55 next-hop 192.0.2.1;", "needs 'label' or 'vni'"),
        ("evpn mac-ip rd 1:1 mac 00:11:22:33:44:55 label 1 vni 1 next-hop 192.0.2.1;", "not both"),
        ("evpn mac-ip rd 1:1 mac 00:11:22:33:44:55 label [ 1 2 ] next-hop 192.0.2.1;", "one label"),
        ("evpn mac-ip rd 1:1 mac 00:11:22:33:44:55 mac 00:11:22:33:44:55 vni 1 next-hop 192.0.2.1;", "'mac' given twice"),
        ("evpn mac-ip rd 1:1 mac 00:11:22:33:44:55 vni 16777216 next-hop 192.0.2.1;", "VNI is a number"),
        ("evpn mac-ip rd 1:1 mac 00:11:22:33:44:55 label 1048576 next-hop 192.0.2.1;", "label is a number"),
        ("evpn mac-ip rd 1:1 mac 00:11:22:33:44:55 vni2 1 next-hop 192.0.2.1;", "needs 'label' or 'vni'"),
        ("evpn mac-ip rd 1:1 esi 00:11 mac 00:11:22:33:44:55 vni 1 next-hop 192.0.2.1;", "an ESI is"),
        ("evpn mac-ip rd 1:1 mac 00:11:22:33:44:55 ip 10.0.0 vni 1 next-hop 192.0.2.1;", "invalid IP address"),
        ("evpn prefix rd 1:1 next-hop 192.0.2.1;", "needs 'prefix'"),
        ("evpn prefix rd 1:1 prefix 10.0.0.1/24 next-hop 192.0.2.1;", "host bits"),
        ("evpn prefix rd 1:1 prefix 10.0.0.0/24 gateway 2001:db8::1 next-hop 192.0.2.1;", "gateway must be of the prefix's"),
        ("evpn prefix rd 1:1 prefix 10.0.0.0/24 etag 4294967296 next-hop 192.0.2.1;", "Ethernet tag is a number"),
        ("evpn prefix rd 1:1 prefix 10.0.0.0/24 split /25 next-hop 192.0.2.1;", "split applies to prefixes"),
        ("evpn multicast rd 1:1 ip 192.0.2.1 next-hop 192.0.2.1 bogus 1;", "unknown route attribute 'bogus'"),
        ("route 10.0.0.0/24 next-hop 192.0.2.1;", "unknown statement 'route' in l2vpn"),
    ] {
        let e = error(stmt);
        assert!(e.contains(want), "{stmt}: {e}");
        assert!(!e.contains("unsupported"), "{stmt}: {e}");
    }
    // VPLS statements are read in the same block (their own test is tests/vpls.rs).
    assert!(error("vpls endpoint 5;").contains("a VPLS route needs rd, base, offset, size"));
    // EVPN words are route attributes of EVPN routes only.
    let e = parse(&neighbor(
        "static { route 10.0.0.0/24 next-hop 192.0.2.1 mac 00:11:22:33:44:55; }",
    ))
    .unwrap_err();
    assert!(e.contains("unknown route attribute 'mac'"), "{e}");
}

#[test]
fn the_configuration_text_of_a_decoded_route_reads_back_to_the_same_octets() {
    // herald's text (and JSON-free) form of EVPN routes is the configuration's syntax.
    for hex in [
        "02340001C0000201000500112233445566778899000000C8300011223344668020010DB80000000000000000000000010007D0000BB8",
        "01190001C0000212000101001122334455000700FFFFFFFF000000",
        "031D0000FDE800000002000000008020010DB8000000000000000000000018",
        "04170001C000021200020100112233445500070020C0000212",
        "053A0000FDE80000000B01001122334455000700000000004020010DB800010000000000000000000020010DB80000000000000000000000FE001389",
        "02240000FDE80000000300000000000000000000000000003000112233447700000641000C81",
    ] {
        let b = hex::decode(hex).unwrap();
        let Some(herald_wire::NlriList::Evpn(v)) = herald_wire::NlriList::decode(EVPN, &b, false).ok()
        else {
            panic!("{hex}")
        };
        let r = route(&format!("evpn {} next-hop 192.0.2.1;", v[0].route));
        assert_eq!(octets(&r), hex, "evpn {}", v[0].route);
    }
}

/// RFC 7432 §7.2: a MAC/IP route is the same route whatever its ESI and labels; written twice
/// with another label, the later one wins (with a warning); another MAC is another route.
#[test]
fn a_mac_ip_route_is_identified_by_its_key_not_its_labels() {
    let c = parse(&announce(
        "evpn mac-ip rd 65000:1 etag 100 mac 00:11:22:33:44:55 ip 10.0.0.1 label 100 next-hop 192.0.2.1;
         evpn mac-ip rd 65000:1 esi 00:11:22:33:44:55:66:77:88:99 etag 100 mac 00:11:22:33:44:55 ip 10.0.0.1 label 200 next-hop 192.0.2.1;
         evpn mac-ip rd 65000:1 etag 100 mac 00:11:22:33:44:56 ip 10.0.0.1 label 100 next-hop 192.0.2.1;",
    ))
    .unwrap();
    let r = &c.neighbors[0].routes;
    assert_eq!(r.len(), 2, "{r:#?}");
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(
        c.warnings[0].message.contains("is defined again"),
        "{:?}",
        c.warnings
    );
    // The later one's octets: its ESI and label.
    let Nlri::Encoded(e) = &r[0].nlri else {
        panic!("{:?}", r[0].nlri)
    };
    assert!(
        e.bytes().windows(3).any(|w| w == [0, 0x0c, 0x81]),
        "label 200: {:02x?}",
        e.bytes()
    );
}
