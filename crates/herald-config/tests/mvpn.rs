//! MCAST-VPN routes (RFC 6514 types 5, 6 and 7) in ExaBGP's `announce { ipv4|ipv6 { mcast-vpn …
//! } }`: the NLRI octets herald will send for each route type, the family `ipv4|ipv6
//! mcast-vpn`, and the errors.
//!
//! The expected octets are the ones ExaBGP 5.0.15 sent for the same statements of its
//! conf-mvpn.conf (crates/herald-wire/tests/vectors/exabgp-mvpn.txt).

use std::path::Path;

use herald_config::{parse_str, Config, NextHopSpec, Route};
use herald_wire::attr::ExtCommunity;
use herald_wire::iana::attr_type as T;
use herald_wire::{Afi, AttrValue, Family, Nlri, Safi};

const V4: Family = Family::new(Afi::IPV4, Safi::MCAST_VPN);
const V6: Family = Family::new(Afi::IPV6, Safi::MCAST_VPN);

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

fn announce(afi: &str, statements: &str) -> String {
    neighbor(&format!("announce {{ {afi} {{ {statements} }} }}"))
}

fn routes(afi: &str, statements: &str) -> Vec<Route> {
    let c = parse(&announce(afi, statements)).unwrap_or_else(|e| panic!("{e}"));
    c.neighbors.into_iter().next().unwrap().routes.into_vec()
}

fn route(afi: &str, statement: &str) -> Route {
    let mut r = routes(afi, statement);
    assert_eq!(r.len(), 1);
    r.pop().unwrap()
}

/// The NLRI octets (upper-case hex, without path identifier) of an encoded route.
fn octets(r: &Route) -> String {
    match &r.nlri {
        Nlri::Encoded(e) => hex::encode_upper(e.bytes()),
        Nlri::Prefix(p) => panic!("a prefix, not encoded NLRI: {p:?}"),
    }
}

fn targets(r: &Route) -> Vec<String> {
    match r.attribute(T::EXTENDED_COMMUNITIES).map(|a| &a.value) {
        Some(AttrValue::ExtCommunities(v)) => v
            .iter()
            .map(|c: &ExtCommunity| hex::encode_upper(c.0))
            .collect(),
        other => panic!("{other:?}"),
    }
}

fn error(afi: &str, statements: &str) -> String {
    match parse(&announce(afi, statements)) {
        Ok(c) => panic!("parsed: {:?}", c.neighbors[0].routes),
        Err(e) => e,
    }
}

#[test]
fn conf_mvpn_ipv4_routes_to_octets() {
    let r = route(
        "ipv4",
        "mcast-vpn shared-join rp 10.99.199.1 group 239.251.255.228 rd 65000:99999 source-as 65000 next-hop 10.10.6.3 extended-community [ target:192.168.94.12:5 ];",
    );
    assert_eq!(r.family, V4);
    assert_eq!(
        octets(&r),
        "06160000FDE80001869F0000FDE8200A63C70120EFFBFFE4"
    );
    assert_eq!(r.next_hop, NextHopSpec::Ip("10.10.6.3".parse().unwrap()));
    assert_eq!(targets(&r), ["0102C0A85E0C0005"]);
    let r = route(
        "ipv4",
        "mcast-vpn source-join source 10.99.12.2 group 239.251.255.228 rd 65000:99999 source-as 65000 next-hop 10.10.6.3;",
    );
    assert_eq!(
        octets(&r),
        "07160000FDE80001869F0000FDE8200A630C0220EFFBFFE4"
    );
    let r = route(
        "ipv4",
        "mcast-vpn source-ad source 10.99.12.4 group 239.251.255.228 rd 65000:99999 next-hop 10.10.6.4 extended-community [ target:65000:99999 ];",
    );
    assert_eq!(octets(&r), "05120000FDE80001869F200A630C0420EFFBFFE4");
    assert_eq!(targets(&r), ["0002FDE80001869F"]);
}

#[test]
fn conf_mvpn_ipv6_routes_to_octets_with_an_ipv4_next_hop() {
    let r = route(
        "ipv6",
        "mcast-vpn shared-join rp fd00::1 group ff0e::1 rd 65000:99999 source-as 65000 next-hop 10.10.6.3;",
    );
    assert_eq!(r.family, V6);
    assert_eq!(
        octets(&r),
        "062E0000FDE80001869F0000FDE880FD00000000000000000000000000000180FF0E0000000000000000000000000001"
    );
    // RFC 6515: the next hop's family is the provider network's, not the route's: kept as is.
    assert_eq!(r.next_hop, NextHopSpec::Ip("10.10.6.3".parse().unwrap()));
    let r = route(
        "ipv6",
        "mcast-vpn source-join source fd12::2 group ff0e::1 rd 65000:99999 source-as 65000 next-hop 10.10.6.3;",
    );
    assert_eq!(
        octets(&r),
        "072E0000FDE80001869F0000FDE880FD12000000000000000000000000000280FF0E0000000000000000000000000001"
    );
    let r = route(
        "ipv6",
        "mcast-vpn source-ad source fd12::4 group ff0e::1 rd 65000:99999 next-hop 10.10.6.4;",
    );
    assert_eq!(
        octets(&r),
        "052A0000FDE80001869F80FD12000000000000000000000000000480FF0E0000000000000000000000000001"
    );
}

#[test]
fn fields_in_any_order_and_route_attributes_between_them() {
    // ExaBGP's order and another give the same octets; the RD is a type 1 (IP:N) one here.
    let a = route(
        "ipv4",
        "mcast-vpn source-join source 10.0.0.1 group 239.1.1.1 rd 192.0.2.1:7 source-as 4200000000 next-hop 192.0.2.1;",
    );
    let b = route(
        "ipv4",
        "mcast-vpn source-join next-hop 192.0.2.1 source-as 4200000000 rd 192.0.2.1:7 group 239.1.1.1 source 10.0.0.1;",
    );
    assert_eq!(octets(&a), octets(&b));
    assert_eq!(
        octets(&a),
        "07160001C00002010007FA56EA00200A00000120EF010101"
    );
}

#[test]
fn family_mcast_vpn_is_negotiated_and_checked() {
    // Without a family block the routes' family is added to IPv4/IPv6 unicast.
    let c = parse(&announce(
        "ipv6",
        "mcast-vpn source-ad source fd12::4 group ff0e::1 rd 1:1 next-hop 10.10.6.4;",
    ))
    .unwrap();
    assert!(c.neighbors[0].families.contains(&V6));
    // A family block can name both …
    let c = parse(&neighbor(
        "family { ipv4 mcast-vpn; ipv6 mcast-vpn; } announce { ipv4 { mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1 next-hop 192.0.2.1; } }",
    ))
    .unwrap();
    assert_eq!(c.neighbors[0].families, [V4, V6]);
    // … and one that does not list the route's refuses it.
    let e = parse(&neighbor(
        "family { ipv6 mcast-vpn; } announce { ipv4 { mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1 next-hop 192.0.2.1; } }",
    ))
    .unwrap_err();
    assert!(
        e.contains("mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1 is ipv4 mcast-vpn but the neighbor's family block does not list it"),
        "{e}"
    );
    assert!(herald_config::supported_families().contains(&V4));
    assert!(herald_config::supported_families().contains(&V6));
}

#[test]
fn mvpn_routes_are_told_apart_by_their_nlri() {
    let r = routes(
        "ipv4",
        "mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1 next-hop 192.0.2.1;
         mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1:2 next-hop 192.0.2.1;
         mcast-vpn source-join source 10.0.0.1 group 239.1.1.1 rd 1:1 source-as 1 next-hop 192.0.2.1;
         mcast-vpn shared-join rp 10.0.0.1 group 239.1.1.1 rd 1:1 source-as 1 next-hop 192.0.2.1;
         mcast-vpn shared-join rp 10.0.0.1 group 239.1.1.1 rd 1:1 source-as 2 next-hop 192.0.2.1;",
    );
    assert_eq!(r.len(), 5);
    // The same route twice: the later one wins, with a warning.
    let c = parse(&announce(
        "ipv4",
        "mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1 next-hop 192.0.2.1;
         mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1 next-hop 192.0.2.9;",
    ))
    .unwrap();
    assert_eq!(c.neighbors[0].routes.len(), 1);
    assert_eq!(
        c.neighbors[0].routes[0].next_hop,
        NextHopSpec::Ip("192.0.2.9".parse().unwrap())
    );
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0].message.contains(
        "route mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1 is defined again"
    ));
}

#[test]
fn mvpn_errors_name_the_word_at_fault() {
    const SA: &str = "mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1";
    for (afi, stmt, want) in [
        ("ipv4", "mcast-vpn;".to_string(), "'mcast-vpn' needs an MCAST-VPN route type"),
        ("ipv4", "mcast-vpn bogus rd 1:1;".into(), "unknown MCAST-VPN route type"),
        ("ipv4", "mcast-vpn source-ad group 239.1.1.1 rd 1:1 next-hop 192.0.2.1;".into(), "source-ad route needs 'source'"),
        ("ipv4", "mcast-vpn source-ad source 10.0.0.1 rd 1:1 next-hop 192.0.2.1;".into(), "needs 'group'"),
        ("ipv4", "mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 next-hop 192.0.2.1;".into(), "needs 'rd'"),
        ("ipv4", "mcast-vpn shared-join group 239.1.1.1 rd 1:1 source-as 1 next-hop 192.0.2.1;".into(), "shared-join route needs 'rp'"),
        ("ipv4", "mcast-vpn shared-join rp 10.0.0.1 group 239.1.1.1 rd 1:1 next-hop 192.0.2.1;".into(), "needs 'source-as'"),
        ("ipv4", "mcast-vpn source-join source 10.0.0.1 group 239.1.1.1 rd 1:1 next-hop 192.0.2.1;".into(), "needs 'source-as'"),
        ("ipv4", format!("{SA};"), "route has no next-hop"),
        ("ipv4", format!("{SA} source-as 1 next-hop 192.0.2.1;"), "source-ad route has no 'source-as'"),
        ("ipv4", format!("{SA} rp 10.0.0.2 next-hop 192.0.2.1;"), "source-ad route has no 'rp'"),
        ("ipv4", "mcast-vpn shared-join source 10.0.0.1 group 239.1.1.1 rd 1:1 source-as 1 next-hop 192.0.2.1;".into(), "shared-join route has no 'source'"),
        ("ipv4", format!("{SA} group 239.1.1.2 next-hop 192.0.2.1;"), "'group' given twice"),
        ("ipv4", format!("{SA} label 5 next-hop 192.0.2.1;"), "has no label"),
        ("ipv4", format!("{SA} split /25 next-hop 192.0.2.1;"), "split applies to prefixes"),
        ("ipv4", "mcast-vpn source-ad source fd00::1 group 239.1.1.1 rd 1:1 next-hop 192.0.2.1;".into(), "expected an ipv4 address"),
        ("ipv6", "mcast-vpn source-ad source fd00::1 group 239.1.1.1 rd 1:1 next-hop 192.0.2.1;".into(), "expected an ipv6 address"),
        ("ipv4", "mcast-vpn source-join source 10.0.0.1 group 239.1.1.1 rd 1:1 source-as 4294967296 next-hop 192.0.2.1;".into(), "source-as is a number"),
        ("ipv4", "mcast-vpn source-join source 10.0.0.1 group 239.1.1.1 rd 1:1 source-as 0x10 next-hop 192.0.2.1;".into(), "source-as is a number"),
        ("ipv4", "mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1 next-hop 192.0.2.1;".into(), "invalid route distinguisher"),
        ("ipv4", format!("{SA} next-hop 192.0.2.1 bogus 1;"), "unknown route attribute 'bogus'"),
        ("ipv4", format!("{SA} next-hop 192.0.2.1 {{ }}"), "an mcast-vpn route is one statement"),
    ] {
        let e = error(afi, &stmt);
        assert!(e.contains(want), "{stmt}: {e}");
        assert!(e.starts_with("test.conf:1:"), "{stmt}: {e}");
        assert!(!e.contains("unsupported"), "{stmt}: {e}");
    }
    // The place: line and column of the word at fault.
    let e = parse(&format!(
        "{}\n  announce {{\n    ipv4 {{\n      mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1 rp 10.0.0.2 next-hop 192.0.2.1;\n    }}\n  }}\n}}\n",
        "neighbor 192.0.2.2 { local-address 192.0.2.1; local-as 65000; peer-as 65000;"
    ))
    .unwrap_err();
    assert!(
        e.starts_with("test.conf:4:66: an MCAST-VPN source-ad route has no 'rp'"),
        "{e}"
    );
    // MCAST-VPN words are route attributes of MCAST-VPN routes only.
    let e = parse(&neighbor(
        "static { route 10.0.0.0/24 next-hop 192.0.2.1 group 239.1.1.1; }",
    ))
    .unwrap_err();
    assert!(e.contains("unknown route attribute 'group'"), "{e}");
}

#[test]
fn the_configuration_text_of_a_decoded_route_reads_back_to_the_same_octets() {
    // herald's text form of an MCAST-VPN route is ExaBGP's configuration syntax.
    for (afi, family, hex) in [
        ("ipv4", V4, "06160000FDE80001869F0000FDE8200A63C70120EFFBFFE4"),
        ("ipv4", V4, "07160001C00002010007FA56EA00200A00000120EF010101"),
        ("ipv4", V4, "05120000FDE80001869F200A630C0420EFFBFFE4"),
        (
            "ipv6",
            V6,
            "072E0000FDE80001869F0000FDE880FD12000000000000000000000000000280FF0E0000000000000000000000000001",
        ),
    ] {
        let b = hex::decode(hex).unwrap();
        let Some(herald_wire::NlriList::Mvpn(v)) = herald_wire::NlriList::decode(family, &b, false).ok()
        else {
            panic!("{hex}")
        };
        let r = route(afi, &format!("mcast-vpn {} next-hop 192.0.2.1;", v[0].route));
        assert_eq!(octets(&r), hex, "mcast-vpn {}", v[0].route);
    }
}
