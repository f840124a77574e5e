//! MCAST-VPN routes from helper programs: the command lines of ExaBGP's api-mvpn.run
//! (`announce ipv4 mcast-vpn …`, `withdraw ipv6 mcast-vpn …`) become routes of the named family
//! with the NLRI octets ExaBGP sends for them (crates/herald-wire/tests/vectors/exabgp-mvpn.txt).

use herald_api::command::{parse, Command};
use herald_config::{NextHopSpec, Route};
use herald_wire::{Afi, Family, Nlri, Safi};

/// The routes api-mvpn.run announces and then withdraws, in its order, with the NLRI octets.
const ROUTES: [(&str, &str); 6] = [
    (
        "ipv4 mcast-vpn shared-join rp 10.99.199.1 group 239.251.255.228 rd 65000:99999 source-as 65000 next-hop 10.10.6.3 extended-community [ target:192.168.94.12:5 ]",
        "06160000FDE80001869F0000FDE8200A63C70120EFFBFFE4",
    ),
    (
        "ipv4 mcast-vpn source-join source 10.99.12.2 group 239.251.255.228 rd 65000:99999 source-as 65000 next-hop 10.10.6.3 extended-community [ target:192.168.94.12:5 ]",
        "07160000FDE80001869F0000FDE8200A630C0220EFFBFFE4",
    ),
    (
        "ipv6 mcast-vpn shared-join rp fd00::1 group ff0e::1 rd 65000:99999 source-as 65000 next-hop 10.10.6.3 extended-community [ target:192.168.94.12:5 ]",
        "062E0000FDE80001869F0000FDE880FD00000000000000000000000000000180FF0E0000000000000000000000000001",
    ),
    (
        "ipv6 mcast-vpn source-join source fd12::2 group ff0e::1 rd 65000:99999 source-as 65000 next-hop 10.10.6.3 extended-community [ target:192.168.94.12:5 ]",
        "072E0000FDE80001869F0000FDE880FD12000000000000000000000000000280FF0E0000000000000000000000000001",
    ),
    (
        "ipv6 mcast-vpn source-ad source fd12::4 group ff0e::1 rd 65000:99999 next-hop 10.10.6.4 extended-community [ target:65000:99999 ]",
        "052A0000FDE80001869F80FD12000000000000000000000000000480FF0E0000000000000000000000000001",
    ),
    (
        "ipv4 mcast-vpn source-ad source 10.99.12.4 group 239.251.255.228 rd 65000:99999 next-hop 10.10.6.4 extended-community [ target:65000:99999 ]",
        "05120000FDE80001869F200A630C0420EFFBFFE4",
    ),
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
fn api_mvpn_run_announcements_and_withdrawals_are_routes() {
    for (route, hex) in ROUTES {
        let afi = if route.starts_with("ipv4") {
            Afi::IPV4
        } else {
            Afi::IPV6
        };
        let a = match parse(&format!("announce {route}")).map(|l| l.command) {
            Ok(Command::Announce(r)) => one(r),
            other => panic!("{route}: {other:?}"),
        };
        assert_eq!(a.family, Family::new(afi, Safi::MCAST_VPN), "{route}");
        assert_eq!(octets(&a), hex, "{route}");
        assert!(matches!(a.next_hop, NextHopSpec::Ip(_)), "{route}");
        let w = match parse(&format!("neighbor 127.0.0.1 withdraw {route}")).map(|l| l.command) {
            Ok(Command::Withdraw(r)) => one(r),
            other => panic!("{route}: {other:?}"),
        };
        // The withdrawal names the same route (the identity is the NLRI).
        assert_eq!(w.family, a.family);
        assert_eq!(w.nlri, a.nlri);
    }
    // A withdrawal needs no next hop.
    let w = parse(
        "withdraw ipv4 mcast-vpn source-ad source 10.99.12.4 group 239.251.255.228 rd 65000:99999",
    );
    assert!(
        matches!(w.map(|l| l.command), Ok(Command::Withdraw(r)) if octets(&r[0]) == ROUTES[5].1)
    );
}

#[test]
fn bad_mcast_vpn_commands_are_errors_at_the_word() {
    for (line, column, want) in [
        ("announce ipv4 mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1", 10, "needs a next-hop"),
        ("announce ipv4 mcast-vpn", 24, "needs an MCAST-VPN route type"),
        ("announce ipv4 mcast-vpn bogus", 25, "unknown MCAST-VPN route type"),
        ("announce ipv6 mcast-vpn source-ad source 10.0.0.1 group ff0e::1 rd 1:1 next-hop ::1", 42, "expected an ipv6 address"),
        ("announce ipv4 mcast-vpn source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1 source-as 1 next-hop 1.1.1.1", 74, "has no 'source-as'"),
        ("withdraw ipv4 mcast-vpn shared-join rp 10.0.0.1 group 239.1.1.1 rd 1:1", 25, "needs 'source-as'"),
    ] {
        let e = match parse(line) {
            Ok(l) => panic!("{line:?} parsed: {l:?}"),
            Err(e) => e,
        };
        assert!(e.message.contains(want), "{line}: {e:?}");
        assert!(!e.message.starts_with("unsupported"), "{line}: {e:?}");
        assert_eq!(e.column, column, "{line}: {e:?}");
    }
}
