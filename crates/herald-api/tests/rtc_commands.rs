//! Route target membership routes (RFC 4684) from helper programs and `herald ctl`: `announce
//! ipv4 rtc origin ASN route-target RT …`, `announce ipv4 rtc default …` and their withdrawals
//! become `ipv4 rtc` routes whose NLRI are the octets GoBGP 3.10 sends for the same memberships
//! (crates/herald-wire/tests/vectors/gobgp-rtc.txt).

use herald_api::command::{parse, Command};
use herald_config::{NextHopSpec, Route};
use herald_wire::{Afi, Family, Nlri, Safi};

const RTC: Family = Family::new(Afi::IPV4, Safi::RTC);

/// Route words and their NLRI octets.
const ROUTES: [(&str, &str); 5] = [
    (
        "origin 65000 route-target target:65000:1",
        "600000FDE80002FDE800000001",
    ),
    (
        "origin 65000 route-target target:192.0.2.1:5",
        "600000FDE80102C00002010005",
    ),
    (
        "origin 65000 route-target target:4200000000:7",
        "600000FDE80202FA56EA000007",
    ),
    // The first 48 bits of a route target: the NLRI is 80 bits long.
    (
        "origin 4200000000 route-target target:65001:0/48",
        "50FA56EA000002FDE90000",
    ),
    ("default", "00"),
];

fn one(routes: Vec<Route>) -> Route {
    assert_eq!(routes.len(), 1);
    routes.into_iter().next().unwrap()
}

fn octets(r: &Route) -> String {
    match &r.nlri {
        Nlri::Encoded(e) => hex::encode_upper(e.bytes()),
        Nlri::Prefix(p) => panic!("a prefix: {p:?}"),
    }
}

#[test]
fn announce_and_withdraw_ipv4_rtc_are_routes_named_by_their_nlri() {
    for (words, hex) in ROUTES {
        let a = match parse(&format!("announce ipv4 rtc {words} next-hop self")).map(|l| l.command)
        {
            Ok(Command::Announce(r)) => one(r),
            other => panic!("{words}: {other:?}"),
        };
        assert_eq!(a.family, RTC, "{words}");
        assert_eq!(octets(&a), hex, "{words}");
        assert_eq!(a.next_hop, NextHopSpec::SelfAddr, "{words}");
        // A withdrawal needs no next hop and names the same route: the identity is the NLRI.
        let w = match parse(&format!("neighbor 127.0.0.1 withdraw ipv4 rtc {words}"))
            .map(|l| l.command)
        {
            Ok(Command::Withdraw(r)) => one(r),
            other => panic!("{words}: {other:?}"),
        };
        assert_eq!((w.family, &w.nlri), (a.family, &a.nlri), "{words}");
    }
    // Attributes and a next hop address, the fields after them.
    let a = match parse(
        "announce ipv4 rtc next-hop 192.0.2.7 origin igp med 5 route-target 65000:1 origin 65000",
    )
    .map(|l| l.command)
    {
        Ok(Command::Announce(r)) => one(r),
        other => panic!("{other:?}"),
    };
    assert_eq!(octets(&a), ROUTES[0].1);
    assert_eq!(a.next_hop, NextHopSpec::Ip("192.0.2.7".parse().unwrap()));
    assert!(a.attribute(herald_wire::iana::attr_type::MED).is_some());
    assert!(a.attribute(herald_wire::iana::attr_type::ORIGIN).is_some());
}

#[test]
fn bad_rtc_commands_are_errors_at_the_word() {
    for (line, column, want) in [
        (
            "announce ipv4 rtc origin 65000 route-target target:65000:1",
            10,
            "needs a next-hop",
        ),
        (
            "announce ipv4 rtc",
            18,
            "needs 'origin ASN route-target RT' or 'default'",
        ),
        ("announce ipv6 rtc default next-hop ::1", 15, "IPv4 family"),
        (
            "withdraw ipv4 rtc route-target target:65000:1",
            19,
            "needs 'origin ASN'",
        ),
        ("withdraw ipv4 rtc origin 65000", 19, "needs 'route-target'"),
        (
            "withdraw ipv4 rtc origin 65000 route-target origin:65000:1",
            45,
            "not a route target",
        ),
        (
            "withdraw ipv4 rtc origin 65000 route-target target:65000:1/48",
            45,
            "bits set past its length /48",
        ),
        (
            "withdraw ipv4 rtc origin 65000 route-target target:65000:1/65",
            45,
            "/0 to /64",
        ),
        (
            "withdraw ipv4 rtc origin 4294967296 route-target 1:1",
            26,
            "an RTC origin is an AS number",
        ),
        (
            "withdraw ipv4 rtc default origin 1 route-target 1:1",
            19,
            "takes no origin or route-target",
        ),
        (
            "withdraw ipv4 rtc origin 1 route-target 1:1 rd 1:1",
            19,
            "has no label or rd",
        ),
        (
            "withdraw ipv4 rtc origin 1 origin 2 route-target 1:1",
            28,
            "'origin' given twice",
        ),
    ] {
        let e = match parse(line) {
            Ok(l) => panic!("{line:?} parsed: {l:?}"),
            Err(e) => e,
        };
        assert!(e.message.contains(want), "{line}: {e:?}");
        assert!(!e.is_unsupported(), "{line}: {e:?}");
        assert_eq!(e.column, column, "{line}: {e:?}");
    }
}
