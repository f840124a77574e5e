//! Route target membership routes (RFC 4684, `ipv4 rtc`) in herald's `announce { ipv4 { rtc …
//! } }`: the NLRI octets herald will send, the family `ipv4 rtc`, what identifies a route, and
//! the errors.
//!
//! The expected octets of the specific routes are the ones GoBGP 3.10 sent for the same
//! memberships (crates/herald-wire/tests/vectors/gobgp-rtc.txt); the default route is RFC 4684
//! §4's zero-length NLRI.

use std::path::Path;

use herald_config::{parse_str, Config, NextHopSpec, Route};
use herald_wire::iana::attr_type as T;
use herald_wire::{Afi, AttrValue, Family, Nlri, Safi};

const RTC: Family = Family::new(Afi::IPV4, Safi::RTC);

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
    neighbor(&format!("announce {{ ipv4 {{ {statements} }} }}"))
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

/// The NLRI octets (upper-case hex, without path identifier) of an encoded route.
fn octets(r: &Route) -> String {
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
fn rtc_routes_to_the_octets_gobgp_sends() {
    for (rt, nlri) in [
        // 2-octet AS, IPv4 address and 4-octet AS route targets (types 0x00, 0x01, 0x02).
        ("target:65000:1", "600000FDE80002FDE800000001"),
        ("65000:1", "600000FDE80002FDE800000001"),
        ("target:192.0.2.1:5", "600000FDE80102C00002010005"),
        ("target:4200000000:7", "600000FDE80202FA56EA000007"),
        ("0x0202FA56EA000007", "600000FDE80202FA56EA000007"),
    ] {
        let r = route(&format!(
            "rtc origin 65000 route-target {rt} next-hop 127.0.27.1;"
        ));
        assert_eq!(r.family, RTC, "{rt}");
        assert_eq!(octets(&r), nlri, "{rt}");
        assert_eq!(r.next_hop, NextHopSpec::Ip("127.0.27.1".parse().unwrap()));
    }
    // A 4-octet origin AS, written plain or asdot; a 4-octet AS route target for a small AS.
    let a = route("rtc origin 4200000000 route-target target4:65000:7 next-hop 192.0.2.1;");
    let b = route("rtc origin 64086.59904 route-target 65000L:7 next-hop 192.0.2.1;");
    assert_eq!(octets(&a), "60FA56EA0002020000FDE80007");
    assert_eq!(octets(&a), octets(&b));
    // RFC 4684 §4: the default membership is the zero-length NLRI.
    let d = route("rtc default next-hop self;");
    assert_eq!(octets(&d), "00");
    assert_eq!(d.next_hop, NextHopSpec::SelfAddr);
}

#[test]
fn partial_route_targets_keep_their_first_bits() {
    for (rt, nlri) in [
        // Every route target of AS 65001 in the 2-octet AS form: 32 + 48 bits.
        ("target:65001:0/48", "500000FDE80002FDE90000"),
        // Every 2-octet AS route target: the type and sub-type, 16 bits.
        ("0x0002000000000000/16", "300000FDE80002"),
        // Everything from origin AS 65000: the origin AS alone.
        ("0x0000000000000000/0", "200000FDE8"),
        ("target:192.0.2.0:0/40", "480000FDE80102C00002"),
        // /64 is the whole route target.
        ("target:65000:1/64", "600000FDE80002FDE800000001"),
        // A length that is not a whole number of octets: the last octet's low bits are zero.
        ("target:65000:0/36", "440000FDE80002FDE800"),
    ] {
        let r = route(&format!(
            "rtc origin 65000 route-target {rt} next-hop 192.0.2.1;"
        ));
        assert_eq!(octets(&r), nlri, "{rt}");
    }
}

#[test]
fn fields_in_any_order_and_origin_igp_is_the_attribute() {
    let a = route("rtc origin 65000 route-target target:65000:1 next-hop 192.0.2.1 origin egp;");
    let b =
        route("rtc origin egp next-hop 192.0.2.1 route-target target:65000:1 med 7 origin 65000;");
    assert_eq!(octets(&a), "600000FDE80002FDE800000001");
    assert_eq!(octets(&a), octets(&b));
    for r in [&a, &b] {
        assert_eq!(
            r.attribute(T::ORIGIN).map(|a| &a.value),
            Some(&AttrValue::Origin(herald_wire::attr::Origin::Egp))
        );
    }
    assert_eq!(
        b.attribute(T::MED).map(|a| &a.value),
        Some(&AttrValue::Med(7))
    );
    // Extended communities and other attributes go with the route as for any other.
    let c = route(
        "rtc default next-hop 192.0.2.1 extended-community [ target:65000:9 ] local-preference 200;",
    );
    assert!(c.attribute(T::EXTENDED_COMMUNITIES).is_some());
    assert_eq!(
        c.attribute(T::LOCAL_PREF).map(|a| &a.value),
        Some(&AttrValue::LocalPref(200))
    );
}

#[test]
fn family_ipv4_rtc_is_negotiated_and_checked() {
    // Without a family block the routes' family is added to IPv4/IPv6 unicast.
    let c = parse(&announce("rtc default next-hop 192.0.2.1;")).unwrap();
    assert!(c.neighbors[0].families.contains(&RTC));
    // A family block can name it …
    let c = parse(&neighbor(
        "family { ipv4 rtc; } announce { ipv4 { rtc default next-hop 192.0.2.1; } }",
    ))
    .unwrap();
    assert_eq!(c.neighbors[0].families, [RTC]);
    // … and one that does not list it refuses the routes.
    let e = parse(&neighbor(
        "family { ipv4 unicast; } announce { ipv4 { rtc origin 1 route-target 1:1 next-hop 192.0.2.1; } }",
    ))
    .unwrap_err();
    assert!(
        e.contains("route rtc origin 1 route-target target:1:1 is ipv4 rtc but the neighbor's family block does not list it"),
        "{e}"
    );
    assert!(herald_config::supported_families().contains(&RTC));
    // RFC 4684 defines it for AFI 1 only.
    let e = parse(&neighbor("family { ipv6 rtc; }")).unwrap_err();
    assert!(e.contains("unsupported: family ipv6 rtc"), "{e}");
}

#[test]
fn rtc_routes_are_told_apart_by_their_nlri() {
    let r = routes(
        "rtc origin 65000 route-target target:65000:1 next-hop 192.0.2.1;
         rtc origin 65001 route-target target:65000:1 next-hop 192.0.2.1;
         rtc origin 65000 route-target target:65000:2 next-hop 192.0.2.1;
         rtc origin 65000 route-target target:65000:0/48 next-hop 192.0.2.1;
         rtc default next-hop 192.0.2.1;",
    );
    assert_eq!(r.len(), 5);
    // The same NLRI twice: the later one wins, with a warning naming the route.
    let c = parse(&announce(
        "rtc origin 65000 route-target target:65000:1 next-hop 192.0.2.1;
         rtc route-target 65000:1 origin 65000 next-hop 192.0.2.9 med 1;",
    ))
    .unwrap();
    assert_eq!(c.neighbors[0].routes.len(), 1);
    assert_eq!(
        c.neighbors[0].routes[0].next_hop,
        NextHopSpec::Ip("192.0.2.9".parse().unwrap())
    );
    assert_eq!(c.warnings.len(), 1);
    assert!(
        c.warnings[0]
            .message
            .contains("route rtc origin 65000 route-target target:65000:1 is defined again"),
        "{}",
        c.warnings[0].message
    );
}

#[test]
fn rtc_errors_name_the_word_at_fault() {
    const R: &str = "rtc origin 65000 route-target target:65000:1";
    for (stmt, want) in [
        (
            "rtc;".to_string(),
            "an RTC route needs 'origin ASN' (or is 'rtc default')",
        ),
        (
            "rtc route-target 1:1 next-hop 192.0.2.1;".into(),
            "needs 'origin ASN'",
        ),
        (
            "rtc origin 1 next-hop 192.0.2.1;".into(),
            "needs 'route-target'",
        ),
        (format!("{R};"), "route has no next-hop"),
        ("rtc default;".into(), "route has no next-hop"),
        (
            format!("{R} default next-hop 192.0.2.1;"),
            "'rtc default' is the route of every route target",
        ),
        (
            format!("{R} origin 65001 next-hop 192.0.2.1;"),
            "'origin' given twice",
        ),
        (
            format!("{R} route-target 1:1 next-hop 192.0.2.1;"),
            "'route-target' given twice",
        ),
        (
            "rtc default default next-hop 192.0.2.1;".into(),
            "'default' given twice",
        ),
        (
            "rtc origin 4294967296 route-target 1:1 next-hop 192.0.2.1;".into(),
            "an RTC origin is an AS number",
        ),
        (
            "rtc origin 1.2.3 route-target 1:1 next-hop 192.0.2.1;".into(),
            "an RTC origin is an AS number",
        ),
        (
            "rtc origin 1 route-target origin:1:1 next-hop 192.0.2.1;".into(),
            "not a route target",
        ),
        (
            "rtc origin 1 route-target redirect:1:1 next-hop 192.0.2.1;".into(),
            "not a route target",
        ),
        (
            "rtc origin 1 route-target bogus next-hop 192.0.2.1;".into(),
            "invalid extended community",
        ),
        (
            "rtc origin 1 route-target 1:1/65 next-hop 192.0.2.1;".into(),
            "/0 to /64",
        ),
        (
            "rtc origin 1 route-target 1:1/ next-hop 192.0.2.1;".into(),
            "/0 to /64",
        ),
        (
            "rtc origin 1 route-target 1:1/48 next-hop 192.0.2.1;".into(),
            "bits set past its length /48",
        ),
        (
            "rtc origin 1 route-target;".into(),
            "'route-target' needs a route target",
        ),
        (
            format!("{R} label 5 next-hop 192.0.2.1;"),
            "has no label or rd",
        ),
        (
            format!("{R} rd 1:1 next-hop 192.0.2.1;"),
            "has no label or rd",
        ),
        (
            format!("{R} split /25 next-hop 192.0.2.1;"),
            "split applies to prefixes",
        ),
        (
            format!("{R} next-hop 192.0.2.1 bogus 1;"),
            "unknown route attribute 'bogus'",
        ),
        (
            format!("{R} next-hop 192.0.2.1 {{ }}"),
            "an rtc route is one statement",
        ),
    ] {
        let e = error(&stmt);
        assert!(e.contains(want), "{stmt}: {e}");
        assert!(e.starts_with("test.conf:1:"), "{stmt}: {e}");
        assert!(!e.contains("unsupported"), "{stmt}: {e}");
    }
    // The place: line and column of the word at fault.
    let e = parse(&format!(
        "{}\n  announce {{\n    ipv4 {{\n      rtc origin 65000 route-target target:65000:1/48 next-hop 192.0.2.1;\n    }}\n  }}\n}}\n",
        "neighbor 192.0.2.2 { local-address 192.0.2.1; local-as 65000; peer-as 65000;"
    ))
    .unwrap_err();
    assert!(
        e.starts_with("test.conf:4:37: the route target has bits set past its length /48"),
        "{e}"
    );
    // RTC is an IPv4 family.
    let e = parse(&neighbor(
        "announce { ipv6 { rtc default next-hop 2001:db8::1; } }",
    ))
    .unwrap_err();
    assert!(
        e.contains("route target membership is an IPv4 family (RFC 4684: AFI 1)"),
        "{e}"
    );
    // RTC words are fields of RTC routes only.
    let e = parse(&neighbor(
        "static { route 10.0.0.0/24 next-hop 192.0.2.1 route-target 1:1; }",
    ))
    .unwrap_err();
    assert!(e.contains("unknown route attribute 'route-target'"), "{e}");
    let e = parse(&neighbor(
        "static { route 10.0.0.0/24 next-hop 192.0.2.1 origin 65000; }",
    ))
    .unwrap_err();
    assert!(e.contains("origin must be igp, egp or incomplete"), "{e}");
}

#[test]
fn the_text_of_a_route_reads_back_to_the_same_octets() {
    // A route's description (in warnings and errors) is the configuration syntax.
    for stmt in [
        "rtc origin 65000 route-target target:65000:1",
        "rtc origin 65000 route-target target:192.0.2.1:5",
        "rtc origin 4200000000 route-target target:4200000000:7",
        "rtc origin 1 route-target target4:65000:7",
        "rtc origin 65000 route-target target:65001:0/48",
        "rtc origin 65000 route-target 0x0000000000000000/0",
        "rtc origin 65000 route-target 0x4002FDE800000001",
        "rtc default",
    ] {
        let r = route(&format!("{stmt} next-hop 192.0.2.1;"));
        let again = route(&format!("{} next-hop 192.0.2.1;", r.describe()));
        assert_eq!(octets(&again), octets(&r), "{stmt}: {}", r.describe());
    }
    assert_eq!(
        route("rtc origin 1 route-target 4200000000:7 next-hop 192.0.2.1;").describe(),
        "rtc origin 1 route-target target4:4200000000:7"
    );
}
