//! MUP routes (draft-mpmz-bess-mup-safi) in `announce { ipv4|ipv6 { mup … } }`, the
//! `bgp-prefix-sid` and `bgp-prefix-sid-srv6` route attributes (RFC 8669, RFC 9252) and the
//! `mup:` extended community, in ExaBGP 5.0.15's syntax.
//!
//! The expected octets are what ExaBGP sent for the same configuration
//! (crates/herald-wire/tests/vectors/exabgp-mup.txt, from tests/interop/herald-mup.sh) or what
//! ExaBGP's own classes pack for it (its `configuration/static/mpls.py` parsers run on the same
//! words, for the examples the interop run does not send).

use std::path::{Path, PathBuf};

use herald_config::{parse_str, Config, NextHopSpec, Route};
use herald_wire::iana::attr_type as T;
use herald_wire::{Afi, Context, Family, Nlri, Safi};

const MUP4: Family = Family::new(Afi::IPV4, Safi::MUP);
const MUP6: Family = Family::new(Afi::IPV6, Safi::MUP);

fn parse(text: &str) -> Result<Config, String> {
    parse_str(text, Path::new("test.conf")).map_err(|e| {
        e.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn example(name: &str) -> Vec<Route> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/exabgp-examples")
        .join(name);
    let text = std::fs::read_to_string(&p).unwrap();
    let c = parse_str(&text, &p).unwrap_or_else(|e| panic!("{e:?}"));
    c.neighbors.into_iter().next().unwrap().routes.into_vec()
}

fn neighbor(body: &str) -> String {
    format!(
        "neighbor 192.0.2.2 {{ local-address 192.0.2.1; local-as 65000; peer-as 65000; {body} }}"
    )
}

fn nlri(r: &Route) -> String {
    match &r.nlri {
        Nlri::Encoded(e) => hex::encode_upper(e.bytes()),
        Nlri::Prefix(p) => panic!("a prefix, not encoded NLRI: {p:?}"),
    }
}

/// The value octets of attribute `t`, or "" when the route has none.
fn attr(r: &Route, t: u8) -> String {
    let mut v = Vec::new();
    if let Some(a) = r.attribute(t) {
        a.value.encode_value(&Context::default(), &mut v);
    }
    hex::encode_upper(v)
}

fn ip(s: &str) -> NextHopSpec {
    NextHopSpec::Ip(s.parse().unwrap())
}

#[test]
fn exabgps_srv6_mup_example_gives_exabgps_octets() {
    let r = example("conf-srv6-mup.conf");
    let want: [(Family, &str, NextHopSpec); 10] = [
        (MUP4, "0100010C0000006400000064180A0001", ip("2001::1")),
        (MUP4, "0100020C00000064000000640A000001", ip("2001::2")),
        (MUP4, "01000317000000640000006420C0A800010000303909200A000001", ip("10.0.0.2")),
        (MUP4, "010004110000006400000064400A00000100003039", ip("10.0.0.2")),
        (MUP4, "010004100000006400000064370A000001003039", ip("10.0.0.2")),
        (MUP4, "0100040D0000006400000064200A000001", ip("10.0.0.2")),
        (MUP6, "010001110000006400000064402001000000000000", ip("2001::2")),
        (MUP6, "01000218000000640000006420010000000000000000000000000001", ip("2001::2")),
        (MUP6, "0100032F00000064000000648020010DB800010001000000000000000100003039098020010000000000000000000000000001", ip("10.0.0.2")),
        (MUP6, "0100041D0000006400000064A02001000000000000000000000000000100003039", ip("10.0.0.2")),
    ];
    assert_eq!(r.len(), want.len());
    for (r, (family, octets, nh)) in r.iter().zip(want) {
        assert_eq!(
            (r.family, nlri(r).as_str(), r.next_hop),
            (family, octets, nh)
        );
    }
    // target:10:10 alone, or with mup:10:10 (type 0x0c, sub-type 0x00).
    assert_eq!(attr(&r[0], T::EXTENDED_COMMUNITIES), "0002000A0000000A");
    assert_eq!(
        attr(&r[1], T::EXTENDED_COMMUNITIES),
        "0002000A0000000A0C00000A0000000A"
    );
    // The SRv6 L3 services ExaBGP sent for the ISD and DSD routes.
    assert_eq!(
        attr(&r[0], T::BGP_PREFIX_SID),
        "0500220001001E0020010DB800010001000000000000000000004800010006401810000000"
    );
    assert_eq!(
        attr(&r[7], T::BGP_PREFIX_SID),
        "0500220001001E0020010DB800020002000000000000000000001800010006401810000000"
    );
    assert_eq!(attr(&r[2], T::BGP_PREFIX_SID), "");
    assert_eq!(r[0].describe(), "mup mup-isd 10.0.1.0/24 rd 100:100");
}

#[test]
fn type_1_st_routes_with_a_source_address() {
    let r = example("conf-srv6-mup-v3.conf");
    assert_eq!(
        nlri(&r[0]),
        "0100031C000000640000006420C0A800020000303909200A000001200A000101"
    );
    assert_eq!(
        nlri(&r[1]),
        "0100034000000064000000648020010DB8000100010000000000000002000030390980200100000000000000000000000000018020020000000000000000000000000002"
    );
}

#[test]
fn prefix_sid_label_index_and_srgb_as_exabgp_sends_them() {
    let r = example("conf-prefix-sid.conf");
    assert_eq!(r[0].family, Family::new(Afi::IPV4, Safi::MPLS_LABEL));
    assert_eq!(attr(&r[0], T::BGP_PREFIX_SID), "01000700000000000309");
    assert_eq!(
        attr(&r[1], T::BGP_PREFIX_SID),
        "0100070000000000012C03000E00000C35000010000F4240001388"
    );
    // Optional transitive (RFC 8669 §3).
    assert_eq!(r[0].attribute(T::BGP_PREFIX_SID).unwrap().flags, 0xc0);
}

#[test]
fn prefix_sid_srv6_services_as_exabgp_packs_them() {
    let r = example("conf-prefix-sid-srv6.conf");
    let want = [
        "05001900010015002001000100000000000000000000000000FFFF00",
        "05001900010015002001000200000000000000000000000000001300",
        "0500220001001E002001000300000000000000000000000000001300010006301000001040",
        "06001900010015002001000400000000000000000000000000FFFF00",
        "06001900010015002001000500000000000000000000000000001500",
        "0600220001001E002001000600000000000000000000000000001500010006301000001040",
    ];
    assert_eq!(r.len(), want.len());
    for (r, w) in r.iter().zip(want) {
        assert_eq!(r.family, Family::new(Afi::IPV4, Safi::MPLS_VPN));
        assert_eq!(attr(r, T::BGP_PREFIX_SID), w);
    }
}

#[test]
fn both_prefix_sid_keywords_fill_one_attribute_and_a_repeated_one_replaces() {
    let c = parse(&neighbor(
        "static { route 10.0.0.0/24 next-hop 192.0.2.1 label 5 \
         bgp-prefix-sid-srv6 ( l2-service 2001:db8:: ) bgp-prefix-sid [ 1 ] bgp-prefix-sid [ 2 ]; }",
    ))
    .unwrap();
    let r = &c.neighbors[0].routes[0];
    assert_eq!(
        attr(r, T::BGP_PREFIX_SID),
        "01000700000000000002060019000100150020010DB800000000000000000000000000FFFF00"
    );
}

#[test]
fn family_mup_is_negotiated_and_checked() {
    let route = "announce { ipv4 { mup mup-dsd 10.0.0.1 rd 1:1 next-hop 10.0.0.2; } }";
    let c = parse(&neighbor(route)).unwrap();
    assert!(c.neighbors[0].families.contains(&MUP4));
    let c = parse(&neighbor(&format!(
        "family {{ ipv4 mup; ipv6 mup; }} {route}"
    )))
    .unwrap();
    assert_eq!(c.neighbors[0].families, [MUP4, MUP6]);
    let e = parse(&neighbor(&format!("family {{ ipv6 mup; }} {route}"))).unwrap_err();
    assert!(
        e.contains("mup mup-dsd 10.0.0.1 rd 1:1 is ipv4 mup but the neighbor's family block does not list it"),
        "{e}"
    );
    assert!(herald_config::supported_families().contains(&MUP6));
}

#[test]
fn bad_mup_and_prefix_sid_words_are_errors_at_their_place() {
    let mupr = |s: &str| neighbor(&format!("announce {{ ipv4 {{ mup {s}; }} }}"));
    let stat = |s: &str| {
        neighbor(&format!(
            "static {{ route 10.0.0.0/24 next-hop 192.0.2.1 {s}; }}"
        ))
    };
    for (text, needle, why) in [
        (
            mupr("mup-foo 10.0.0.1 rd 1:1"),
            "mup-foo",
            "unknown MUP route type",
        ),
        (
            mupr("mup-dsd 2001::1 rd 1:1 next-hop 10.0.0.2"),
            "2001::1",
            "this address is not ipv4",
        ),
        (
            mupr("mup-dsd 10.0.0.1 next-hop 10.0.0.2"),
            "mup-dsd",
            "needs 'rd'",
        ),
        (
            mupr("mup-t1st 10.0.0.0/8 rd 1:1 teid 1 qfi 256 endpoint 10.0.0.1 next-hop 10.0.0.2"),
            "256",
            "a QFI is a number from 0 to 255",
        ),
        (
            mupr("mup-t1st 10.0.0.0/8 rd 1:1 teid 1 qfi 1 endpoint 2001::1 next-hop 10.0.0.2"),
            "2001::1",
            "this address is not ipv4",
        ),
        (
            mupr("mup-t2st 10.0.0.1 rd 1:1 teid 12345 next-hop 10.0.0.2"),
            "12345",
            "N/BITS",
        ),
        (
            mupr("mup-t2st 10.0.0.1 rd 1:1 teid 1/33 next-hop 10.0.0.2"),
            "1/33",
            "N/BITS",
        ),
        (
            mupr("mup-dsd 10.0.0.1 rd 1:1 label 5 next-hop 10.0.0.2"),
            "mup-dsd",
            "a MUP route has no label",
        ),
        (
            mupr("mup-dsd 10.0.0.1 rd 1:1 extended-community [ mup:65536:1 ] next-hop 10.0.0.2"),
            "mup:65536:1",
            "mup:A:B needs A from 0 to 65535",
        ),
        (
            stat("bgp-prefix-sid 777"),
            "777",
            "expected '[ <label-index> ]'",
        ),
        (
            stat("bgp-prefix-sid [ 300, [ ( 16777216,1 ) ] ]"),
            "16777216",
            "an SRGB base is a number from 0 to 16777215",
        ),
        (
            stat("bgp-prefix-sid [ 300, [ 1 ] ]"),
            "1 ] ]",
            "expected '( <base>,<range> )'",
        ),
        (
            stat("bgp-prefix-sid-srv6 ( l4-service 2001:db8:: )"),
            "l4-service",
            "expected l3-service or l2-service",
        ),
        (
            stat("bgp-prefix-sid-srv6 ( l3-service 10.0.0.1 )"),
            "10.0.0.1 )",
            "an SRv6 SID is an IPv6 address",
        ),
        (
            stat("bgp-prefix-sid-srv6 ( l3-service 2001:db8:: 0x10000 )"),
            "0x10000",
            "an SRv6 endpoint behavior is a number from 0 to 65535",
        ),
        (
            stat("bgp-prefix-sid-srv6 ( l3-service 2001:db8:: 1 [ 1 2 3 ] )"),
            "] )",
            "expected six SID structure lengths",
        ),
    ] {
        let e = parse(&text).unwrap_err();
        let at = text.find(needle).unwrap() + 1;
        let head = format!("test.conf:1:{at}: ");
        assert!(
            e.starts_with(&head) && e.contains(why),
            "{text}\n{e}\nwant {head}… {why}"
        );
    }
}

#[test]
fn a_type_1_st_route_is_identified_by_its_rd_and_prefix() {
    let r = |teid: &str, endpoint: &str, source: &str| {
        herald_config::parse_mup_route(
            Afi::IPV4,
            &format!("mup-t1st 192.168.0.1/32 rd 100:100 teid {teid} qfi 9 endpoint {endpoint} {source} next-hop 10.0.0.2"),
        )
        .unwrap()
        .nlri
    };
    let a = r("12345", "10.0.0.1", "");
    // Another TEID, endpoint or source: the same route (it replaces the first), other octets.
    for b in [
        r("7", "10.0.0.1", ""),
        r("12345", "10.0.0.9", "source 10.0.1.1"),
    ] {
        assert_eq!(a, b);
        assert!(!a.same_octets(&b));
    }
    // Another prefix or RD is another route; other route types are identified by all octets.
    let other = herald_config::parse_mup_route(
        Afi::IPV4,
        "mup-t1st 192.168.0.2/32 rd 100:100 teid 12345 qfi 9 endpoint 10.0.0.1 next-hop 10.0.0.2",
    )
    .unwrap();
    assert_ne!(a, other.nlri);
    let t2 = |teid| {
        herald_config::parse_mup_route(
            Afi::IPV4,
            &format!("mup-t2st 10.0.0.1 rd 1:1 teid {teid}/32"),
        )
        .unwrap()
        .nlri
    };
    assert_ne!(t2(1), t2(2));
}
