use std::net::{IpAddr, Ipv4Addr};

use herald_config::{AttrSet, NextHopSpec, Route};
use herald_wire::attr::Community;
use herald_wire::{Afi, AttrValue, Family, Safi};

use super::*;

fn ok(line: &str) -> Line {
    parse(line).unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

fn fails(line: &str) -> CommandError {
    match parse(line) {
        Ok(l) => panic!("{line:?} parsed: {l:?}"),
        Err(e) => e,
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn announced(line: &str) -> Vec<Route> {
    match ok(line).command {
        Command::Announce(r) => r,
        c => panic!("{line:?}: {c:?}"),
    }
}

fn withdrawn(line: &str) -> Vec<Route> {
    match ok(line).command {
        Command::Withdraw(r) => r,
        c => panic!("{line:?}: {c:?}"),
    }
}

fn med(r: &Route) -> Option<u32> {
    match r
        .attribute(herald_wire::iana::attr_type::MED)
        .map(|a| &a.value)
    {
        Some(AttrValue::Med(m)) => Some(*m),
        _ => None,
    }
}

// ---------------------------------------------------------------- announce / withdraw route

#[test]
fn announce_route_with_attributes() {
    let l = ok("announce route 10.0.0.0/24 next-hop 192.0.2.1 med 100 community [65000:1 65000:2] local-preference 200 as-path [65001 65010]");
    assert!(l.selectors.is_empty());
    let Command::Announce(r) = l.command else {
        panic!()
    };
    assert_eq!(r.len(), 1);
    let r = &r[0];
    assert_eq!(r.family, Family::IPV4_UNICAST);
    assert_eq!(r.prefix().unwrap().net, "10.0.0.0/24".parse().unwrap());
    assert_eq!(r.prefix().unwrap().path_id, None);
    assert_eq!(r.next_hop, NextHopSpec::Ip(ip("192.0.2.1")));
    assert_eq!(med(r), Some(100));
    assert_eq!(
        r.attribute(herald_wire::iana::attr_type::COMMUNITIES)
            .map(|a| a.value.clone()),
        Some(AttrValue::Communities(vec![
            Community::new(65000, 1),
            Community::new(65000, 2)
        ]))
    );
    assert!(r
        .attribute(herald_wire::iana::attr_type::LOCAL_PREF)
        .is_some());
    assert!(r.attribute(herald_wire::iana::attr_type::AS_PATH).is_some());
}

#[test]
fn announce_route_next_hop_self() {
    let r = announced("announce route 100.30.0.0/24 next-hop self");
    assert_eq!(r[0].next_hop, NextHopSpec::SelfAddr);
}

#[test]
fn announce_route_host_address_is_a_host_route() {
    let r = announced("announce route 192.0.2.1 next-hop self med 100");
    assert_eq!(r[0].prefix().unwrap().net, "192.0.2.1/32".parse().unwrap());
    let r = announced("announce route 2001:db8::1 next-hop self");
    assert_eq!(
        r[0].prefix().unwrap().net,
        "2001:db8::1/128".parse().unwrap()
    );
    assert_eq!(r[0].family, Family::IPV6_UNICAST);
}

#[test]
fn announce_route_ipv6_with_ipv4_next_hop_is_mapped() {
    let r = announced("announce route 2001:db8::/32 next-hop 192.0.2.1");
    assert_eq!(r[0].next_hop, NextHopSpec::Ip(ip("::ffff:192.0.2.1")));
}

#[test]
fn announce_route_split_shares_one_attribute_set() {
    let r = announced(
        "announce route 1.0.0.0/21 next-hop 101.1.101.1 med 200 community [2:1] split /23",
    );
    let nets: Vec<String> = r
        .iter()
        .map(|r| r.prefix().unwrap().net.to_string())
        .collect();
    assert_eq!(
        nets,
        ["1.0.0.0/23", "1.0.2.0/23", "1.0.4.0/23", "1.0.6.0/23"]
    );
    assert!(r
        .windows(2)
        .all(|w| AttrSet::ptr_eq(&w[0].attributes, &w[1].attributes)));
}

#[test]
fn announce_route_path_information() {
    let r = announced("announce route 10.0.0.0/24 next-hop 1.2.3.4 path-information 1.2.3.4");
    assert_eq!(r[0].prefix().unwrap().path_id, Some(0x0102_0304));
}

#[test]
fn announce_route_as_path_with_commas() {
    let r = announced("announce route 10.0.0.0/24 next-hop 1.2.3.4 as-path [100, 500]");
    let Some(AttrValue::AsPath(p)) = r[0]
        .attribute(herald_wire::iana::attr_type::AS_PATH)
        .map(|a| &a.value)
    else {
        panic!()
    };
    assert_eq!(p.segments[0].asns, vec![100, 500]);
}

#[test]
fn announce_route_trailing_comment_and_semicolon_are_ignored() {
    assert_eq!(
        announced("announce route 10.0.0.0/24 next-hop 1.2.3.4 # note").len(),
        1
    );
    assert_eq!(
        announced("announce route 10.0.0.0/24 next-hop 1.2.3.4;").len(),
        1
    );
}

#[test]
fn announce_route_without_next_hop_is_refused() {
    let e = fails("announce route 10.0.0.0/24 med 100");
    assert_eq!(e.column, 16);
    assert!(e.message.contains("next-hop"), "{e}");
}

#[test]
fn withdraw_route_needs_no_next_hop() {
    let r = withdrawn("withdraw route 1.1.0.0/24");
    assert_eq!(r[0].next_hop, NextHopSpec::None);
    assert_eq!(r[0].prefix().unwrap().net, "1.1.0.0/24".parse().unwrap());
    let r = withdrawn("withdraw route 1.1.0.0/25 next-hop 0.0.0.0");
    assert_eq!(r[0].next_hop, NextHopSpec::Ip(ip("0.0.0.0")));
}

#[test]
fn route_error_column_points_at_the_bad_value() {
    let line = "announce route 10.0.0.0/24 next-hop 1.2.3.4 med x";
    let e = fails(line);
    assert_eq!(e.column, line.find(" x").unwrap() + 2, "{e}");
    assert_eq!(
        e.to_string(),
        format!("column {}: invalid med (at 'x')", e.column)
    );
}

#[test]
fn route_error_column_counts_the_selector() {
    let line = "neighbor 10.0.0.1 announce route 10.0.0.0/24 next-hop 1.2.3.4 colour red";
    let e = fails(line);
    assert_eq!(e.column, line.find("colour").unwrap() + 1);
    assert!(
        e.message.contains("unknown route attribute 'colour'"),
        "{e}"
    );
}

#[test]
fn route_with_host_bits_is_refused() {
    let e = fails("announce route 10.0.0.1/24 next-hop 1.2.3.4");
    assert_eq!(e.column, 16);
    assert!(e.message.contains("host bits"), "{e}");
}

#[test]
fn route_without_prefix_is_refused() {
    let e = fails("announce route");
    assert_eq!(e.column, 15);
    let e = fails("withdraw route   ");
    assert_eq!(e.column, 15);
}

#[test]
fn vpn_and_labeled_routes_from_the_api() {
    use herald_wire::{Afi, Safi};
    let r = announced("announce route 1.4.0.0/16 rd 65000:1 next-hop 101.1.101.1 label 1000");
    assert_eq!(r[0].family, Family::new(Afi::IPV4, Safi::MPLS_VPN));
    assert_eq!(r[0].describe(), "1.4.0.0/16 rd 65000:1");
    let r = announced("announce route 1.4.0.0/16 next-hop 101.1.101.1 label 1000");
    assert_eq!(r[0].family, Family::new(Afi::IPV4, Safi::MPLS_LABEL));
    let r = announced(
        "announce ipv6 mpls-vpn 2001:db8::/32 rd 1.2.3.4:5 label [ 16 17 ] next-hop 2001:db8::1",
    );
    assert_eq!(r[0].family, Family::new(Afi::IPV6, Safi::MPLS_VPN));
    let e = fails("announce route 1.4.0.0/16 rd 65000:1 next-hop 101.1.101.1");
    assert!(e.message.contains("needs a label"), "{e}");
}

// ---------------------------------------------------------------- announce ipv4|ipv6 …

#[test]
fn announce_ipv4_unicast() {
    let r = announced("announce ipv4 unicast 10.0.1.0/24 next-hop 10.0.1.254 local-preference 200");
    assert_eq!(r[0].family, Family::IPV4_UNICAST);
    assert_eq!(r[0].next_hop, NextHopSpec::Ip(ip("10.0.1.254")));
}

#[test]
fn announce_ipv4_unicast_of_a_multicast_address_stays_unicast() {
    let r = announced("announce ipv4 unicast 224.1.0.0/16 next-hop 10.0.1.254");
    assert_eq!(r[0].family, Family::IPV4_UNICAST);
    // The plain form gives 224/4 the multicast family, as ExaBGP does.
    let r = announced("announce route 224.1.0.0/16 next-hop 10.0.1.254");
    assert_eq!(r[0].family, Family::IPV4_MULTICAST);
}

#[test]
fn announce_ipv4_multicast_sets_the_family() {
    let r = announced("announce ipv4 multicast 10.0.0.0/8 next-hop 10.0.1.254");
    assert_eq!(r[0].family, Family::IPV4_MULTICAST);
}

#[test]
fn announce_ipv6_unicast() {
    let r = announced("announce ipv6 unicast fc00:1::/64 next-hop 2001::11 local-preference 200");
    assert_eq!(r[0].family, Family::IPV6_UNICAST);
    let r = announced("announce ipv6 multicast ff0e::/16 next-hop 2001::11");
    assert_eq!(r[0].family, Family::IPV6_MULTICAST);
}

#[test]
fn withdraw_ipv4_unicast() {
    let r = withdrawn("withdraw ipv4 unicast 10.0.1.0/24");
    assert_eq!(r[0].family, Family::IPV4_UNICAST);
    assert_eq!(r[0].next_hop, NextHopSpec::None);
}

#[test]
fn announce_ipv4_with_an_ipv6_prefix_is_refused() {
    let line = "announce ipv4 unicast 2001:db8::/32 next-hop 10.0.0.1";
    let e = fails(line);
    assert_eq!(e.column, 23);
    assert_eq!(e.message, "2001:db8::/32 is not an ipv4 prefix");
    let e = fails("announce ipv6 unicast 10.0.0.0/8 next-hop 2001::1");
    assert_eq!(e.message, "10.0.0.0/8 is not an ipv6 prefix");
}

#[test]
fn announce_ipv4_of_other_safis_is_unsupported() {
    let e = fails("announce ipv4 sr-policy 10.0.0.0/24 next-hop 1.2.3.4");
    assert!(e.is_unsupported(), "{e}");
    assert_eq!(e.column, 15);
    // Flow rules: the whole rule from the AFI on (RFC 8955/8956 octets checked in herald-config).
    let r = announced("announce ipv4 flow destination 10.0.0.1/32 discard");
    assert_eq!(r[0].family, Family::IPV4_FLOW);
    assert_eq!(r[0].next_hop, NextHopSpec::None);
    let l = parse("withdraw ipv6 flow destination 2001::/64").unwrap();
    assert!(matches!(l.command, Command::Withdraw(ref r) if r[0].family == Family::IPV6_FLOW));
    let e = fails("announce ipv4 flow 10.0.0.0/24");
    assert!(
        e.message.contains("unknown flow keyword '10.0.0.0/24'"),
        "{e}"
    );
    assert_eq!(e.column, 20);
    // Labeled and VPN families are implemented: without their label they are plain errors.
    for (safi, why) in [
        ("nlri-mpls", "a labeled route needs a label and no rd"),
        ("labeled-unicast", "a labeled route needs a label and no rd"),
        ("mpls-vpn", "an mpls-vpn route needs rd and label"),
    ] {
        let e = fails(&format!(
            "announce ipv4 {safi} 10.0.0.0/24 next-hop 1.2.3.4"
        ));
        assert!(
            !e.is_unsupported() && e.message.ends_with(why),
            "{safi}: {e}"
        );
    }
    let e = fails("announce ipv4 unicast 10.0.0.0/24 next-hop 1.2.3.4 label 5");
    assert!(
        e.message
            .ends_with("rd and label need the nlri-mpls or mpls-vpn family"),
        "{e}"
    );
}

#[test]
fn announce_ipv4_unknown_safi_or_none() {
    let e = fails("announce ipv4 bogus 10.0.0.0/24");
    assert_eq!((e.column, e.message.as_str()), (15, "unknown SAFI 'bogus'"));
    let e = fails("announce ipv4");
    assert_eq!(e.column, 14);
    let e = fails("announce ipv4 unicast");
    assert_eq!(e.column, 22);
}

#[test]
fn announce_ipv4_without_next_hop_is_refused() {
    let e = fails("announce ipv4 unicast 10.0.0.0/24 med 1");
    assert_eq!(e.column, 10);
}

// ---------------------------------------------------------------- announce attributes … nlri …

#[test]
fn announce_attributes_nlri_shares_one_attribute_set() {
    let r = announced(
        "announce attributes med 100 next-hop 101.1.101.1 nlri 1.0.0.1/32 1.0.0.2/32 2001:db8::/32",
    );
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].prefix().unwrap().net, "1.0.0.1/32".parse().unwrap());
    assert_eq!(r[1].prefix().unwrap().net, "1.0.0.2/32".parse().unwrap());
    assert_eq!(r[2].family, Family::IPV6_UNICAST);
    assert!(r.iter().all(|x| med(x) == Some(100)));
    assert!(AttrSet::ptr_eq(&r[0].attributes, &r[1].attributes));
    assert!(AttrSet::ptr_eq(&r[0].attributes, &r[2].attributes));
    assert_eq!(r[0].next_hop, NextHopSpec::Ip(ip("101.1.101.1")));
    assert_eq!(r[2].next_hop, NextHopSpec::Ip(ip("::ffff:101.1.101.1")));
}

#[test]
fn announce_attribute_singular() {
    let r = announced("announce attribute next-hop 1.2.3.4 nlri 10.0.0.0/8");
    assert_eq!(r.len(), 1);
}

#[test]
fn withdraw_attributes_nlri() {
    let r = withdrawn("withdraw attributes nlri 1.0.0.1/32 1.0.0.2/32");
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|x| x.next_hop == NextHopSpec::None));
}

#[test]
fn announce_attributes_errors() {
    let e = fails("announce attributes med 100 next-hop 1.2.3.4");
    assert!(e.message.contains("nlri"), "{e}");
    assert_eq!(e.column, 21);
    let e = fails("announce attributes med 100 nlri 1.0.0.0/8");
    assert!(e.message.contains("next-hop"), "{e}");
    assert_eq!(e.column, 10);
    let e = fails("announce attributes next-hop 1.2.3.4 nlri");
    assert!(e.message.contains("at least one prefix"), "{e}");
    let line = "announce attributes next-hop 1.2.3.4 nlri 1.0.0.0/8 banana";
    assert_eq!(fails(line).column, line.find("banana").unwrap() + 1);
    let e = fails("announce attributes");
    assert_eq!(e.column, 20);
}

// ---------------------------------------------------------------- eor, route-refresh, watchdog

#[test]
fn announce_eor() {
    assert_eq!(ok("announce eor").command, Command::AnnounceEor(None));
    assert_eq!(
        ok("announce eor ipv6 unicast").command,
        Command::AnnounceEor(Some(Family::IPV6_UNICAST))
    );
    assert_eq!(
        ok("neighbor 10.0.0.1 announce eor ipv4 flow").command,
        Command::AnnounceEor(Some(Family::new(Afi::IPV4, Safi::FLOW)))
    );
    assert_eq!(fails("announce eor ipv4").column, 18);
    assert_eq!(fails("announce eor ipv9 unicast").column, 14);
    assert_eq!(fails("announce eor ipv4 unicast now").column, 27);
    assert_eq!(
        fails("withdraw eor").message,
        "unknown command 'withdraw eor'"
    );
}

#[test]
fn announce_route_refresh() {
    assert_eq!(
        ok("announce route-refresh ipv4 unicast").command,
        Command::RouteRefresh(Family::IPV4_UNICAST)
    );
    // ExaBGP 4's spelling.
    assert_eq!(
        ok("announce route refresh ipv6 unicast").command,
        Command::RouteRefresh(Family::IPV6_UNICAST)
    );
    assert_eq!(fails("announce route-refresh").column, 23);
    assert_eq!(fails("announce route-refresh ipv4 bogus").column, 29);
}

#[test]
fn watchdog_announce_and_withdraw() {
    assert_eq!(
        ok("announce watchdog dnsr").command,
        Command::Watchdog {
            name: "dnsr".into(),
            announce: true
        }
    );
    assert_eq!(
        ok("withdraw watchdog dnsr").command,
        Command::Watchdog {
            name: "dnsr".into(),
            announce: false
        }
    );
    // No name: the process's own (ExaBGP).
    assert_eq!(
        ok("announce watchdog").command,
        Command::Watchdog {
            name: String::new(),
            announce: true
        }
    );
    assert_eq!(fails("announce watchdog a b").column, 21);
}

// ---------------------------------------------------------------- unsupported families

#[test]
fn operational_is_unsupported() {
    let e = fails("announce operational adm afi ipv4 safi unicast advisory \"x\"");
    assert!(e.is_unsupported(), "{e}");
    assert!(e.message.starts_with("unsupported: "), "{e}");
    assert_eq!(e.column, 10);
}

// ---------------------------------------------------------------- l2vpn evpn

fn evpn_octets(r: &Route) -> String {
    assert_eq!(r.family, Family::new(Afi::L2VPN, Safi::EVPN));
    match &r.nlri {
        herald_wire::Nlri::Encoded(e) => hex::encode_upper(e.bytes()),
        n => panic!("not encoded: {n:?}"),
    }
}

#[test]
fn announce_and_withdraw_l2vpn_evpn_routes() {
    // The octets GoBGP sent for the same route (crates/herald-wire/tests/vectors/gobgp-evpn.txt).
    let r = announced(
        "neighbor 127.0.0.1 announce l2vpn evpn mac-ip rd 65000:1 etag 100 mac 00:11:22:33:44:55 \
         ip 10.0.0.1 vni 1000 next-hop 192.0.2.1 extended-community [ target:65000:1 encap:vxlan ]",
    );
    assert_eq!(r.len(), 1);
    assert_eq!(
        evpn_octets(&r[0]),
        "02250000FDE800000001000000000000000000000000006430001122334455200A0000010003E8"
    );
    assert_eq!(r[0].next_hop, NextHopSpec::Ip(ip("192.0.2.1")));
    assert!(r[0]
        .attribute(herald_wire::iana::attr_type::EXTENDED_COMMUNITIES)
        .is_some());
    let w =
        withdrawn("withdraw l2vpn evpn multicast rd 65000:2 ip 2001:db8::18 path-information 3");
    assert_eq!(
        evpn_octets(&w[0]),
        "031D0000FDE800000002000000008020010DB8000000000000000000000018"
    );
    assert_eq!(w[0].nlri.path_id(), Some(3));
    assert_eq!(w[0].next_hop, NextHopSpec::None);
}

fn mup_octets(r: &Route, afi: Afi) -> String {
    assert_eq!(r.family, Family::new(afi, Safi::MUP));
    match &r.nlri {
        herald_wire::Nlri::Encoded(e) => hex::encode_upper(e.bytes()),
        n => panic!("not encoded: {n:?}"),
    }
}

#[test]
fn mup_routes_from_exabgps_api_ipv4_and_api_ipv6_programs() {
    // The lines api-ipv4.run / api-ipv6.run write; the NLRI and Prefix-SID are the octets
    // ExaBGP sent for them (crates/herald-wire/tests/vectors/exabgp-mup.txt).
    let r = announced(
        "announce ipv4 mup mup-isd 10.0.1.0/24 rd 100:100 next-hop 2001::1 extended-community \
         [ target:10:10 ] bgp-prefix-sid-srv6 ( l3-service 2001:db8:1:1:: 0x48 [64,24,16,0,0,0] )",
    );
    assert_eq!(
        mup_octets(&r[0], Afi::IPV4),
        "0100010C0000006400000064180A0001"
    );
    assert_eq!(r[0].next_hop, NextHopSpec::Ip(ip("2001::1")));
    let mut sid = Vec::new();
    r[0].attribute(herald_wire::iana::attr_type::BGP_PREFIX_SID)
        .expect("a Prefix-SID")
        .value
        .encode_value(&herald_wire::Context::default(), &mut sid);
    assert_eq!(
        hex::encode_upper(sid),
        "0500220001001E0020010DB800010001000000000000000000004800010006401810000000"
    );
    let w = withdrawn(
        "withdraw ipv6 mup mup-isd 2001::/64 rd 100:100 next-hop 2001::2 extended-community \
         [ target:10:10 ] bgp-prefix-sid-srv6 ( l3-service 2001:db8:1:1:: 0x47 [64,24,16,0,0,0] )",
    );
    assert_eq!(
        mup_octets(&w[0], Afi::IPV6),
        "010001110000006400000064402001000000000000"
    );
    let t =
        announced("announce ipv4 mup mup-t2st 10.0.0.1 rd 100:100 teid 12345/32 next-hop 10.0.0.2");
    assert_eq!(
        mup_octets(&t[0], Afi::IPV4),
        "010004110000006400000064400A00000100003039"
    );
}

#[test]
fn bad_mup_commands_are_errors_at_the_word() {
    for (line, col, why) in [
        ("announce ipv4 mup mup-dsd 10.0.0.1 rd 1:1", 10, "needs a next-hop"),
        ("announce ipv4 mup", 18, "needs a MUP route"),
        ("announce ipv4 mup mup-xyz 10.0.0.1", 19, "unknown MUP route type"),
        ("announce ipv4 mup mup-dsd 2001::1 rd 1:1 next-hop 10.0.0.1", 27, "not ipv4"),
        ("announce ipv6 mup mup-t2st 2001::1 rd 1:1 teid 5/2 next-hop 2001::2", 48, "below 2^BITS"),
        ("announce ipv4 mup mup-t1st 10.0.0.0/8 rd 1:1 teid 1 endpoint 10.0.0.1 next-hop 10.0.0.2", 19, "needs 'qfi'"),
        ("announce ipv4 mup mup-isd 10.0.0.0/8 rd 1:1 qfi 1 next-hop 10.0.0.2", 45, "has no 'qfi'"),
    ] {
        let e = fails(line);
        assert!(!e.is_unsupported(), "{line}: {e}");
        assert_eq!(e.column, col, "{line}: {e}");
        assert!(e.message.contains(why), "{line}: {e}");
    }
}

#[test]
fn bad_l2vpn_evpn_commands_are_errors_at_the_word() {
    for (line, col, why) in [
        ("announce l2vpn evpn multicast rd 65000:2 ip 192.0.2.1", 10, "needs a next-hop"),
        ("announce l2vpn", 15, "needs 'evpn' and a route"),
        ("announce l2vpn evpn", 16, "EVPN route type"),
        ("announce l2vpn evpn bogus rd 1:1", 21, "unknown EVPN route type"),
        ("announce l2vpn bogus", 16, "expected 'evpn'"),
        ("announce l2vpn evpn multicast rd 1:1 next-hop 192.0.2.1", 21, "needs 'ip'"),
        ("announce l2vpn evpn multicast rd 1:1 mac 00:11:22:33:44:55 ip 192.0.2.1 next-hop 192.0.2.1", 38, "has no 'mac'"),
        ("announce l2vpn evpn mac-ip rd 1:1 mac 00:11:22:33:44 label 1 next-hop 192.0.2.1", 39, "six hex octets"),
    ] {
        let e = fails(line);
        assert!(!e.is_unsupported(), "{line}: {e}");
        assert_eq!(e.column, col, "{line}: {e}");
        assert!(e.message.contains(why), "{line}: {e}");
    }
}

// ---------------------------------------------------------------- rib, teardown

#[test]
fn flush_and_clear_adj_rib() {
    assert_eq!(ok("flush adj-rib out").command, Command::FlushAdjRibOut);
    assert_eq!(
        ok("clear adj-rib out").command,
        Command::ClearAdjRib(RibDirection::Out)
    );
    assert_eq!(
        ok("clear adj-rib in").command,
        Command::ClearAdjRib(RibDirection::In)
    );
    assert_eq!(
        ok("clear adj-rib").command,
        Command::ClearAdjRib(RibDirection::Out)
    );
    assert_eq!(
        ok("neighbor 10.0.0.1 flush adj-rib out").selectors[0].peer,
        Some(ip("10.0.0.1"))
    );
    assert_eq!(fails("flush adj-rib in").column, 15);
    assert_eq!(fails("flush adj-rib").column, 14);
    assert_eq!(fails("flush adj-rib out now").column, 19);
    assert_eq!(fails("clear adj-rib sideways").column, 15);
    assert_eq!(fails("clear rib").column, 7);
}

#[test]
fn teardown_with_subcode_and_message() {
    let l = ok("neighbor 127.0.0.1 teardown 4");
    assert_eq!(
        l.command,
        Command::Teardown {
            subcode: 4,
            message: None
        }
    );
    assert_eq!(l.selectors[0].peer, Some(ip("127.0.0.1")));
    assert_eq!(
        ok("teardown 2 maintenance window").command,
        Command::Teardown {
            subcode: 2,
            message: Some("maintenance window".into())
        }
    );
    assert_eq!(
        ok("teardown 2 \"back soon\"").command,
        Command::Teardown {
            subcode: 2,
            message: Some("back soon".into())
        }
    );
}

#[test]
fn teardown_errors() {
    assert_eq!(fails("teardown").column, 9);
    assert_eq!(fails("teardown 256").column, 10);
    assert_eq!(fails("teardown -1").column, 10);
    assert_eq!(fails("teardown two").column, 10);
}

// ---------------------------------------------------------------- show

#[test]
fn show_neighbor_views() {
    let show = |l: &str| ok(l).command;
    assert_eq!(
        show("show neighbor"),
        Command::ShowNeighbor {
            view: NeighborView::Plain,
            json: false
        }
    );
    assert_eq!(
        show("show neighbor summary"),
        Command::ShowNeighbor {
            view: NeighborView::Summary,
            json: false
        }
    );
    assert_eq!(
        show("show neighbor extensive json"),
        Command::ShowNeighbor {
            view: NeighborView::Extensive,
            json: true
        }
    );
    assert_eq!(
        show("show neighbor configuration"),
        Command::ShowNeighbor {
            view: NeighborView::Configuration,
            json: false
        }
    );
    // ExaBGP's precedence: summary over extensive.
    assert_eq!(
        show("show neighbor extensive summary"),
        Command::ShowNeighbor {
            view: NeighborView::Summary,
            json: false
        }
    );
}

#[test]
fn show_neighbor_address_filters() {
    let l = ok("show neighbor 10.0.0.1 summary");
    assert_eq!(l.selectors.len(), 1);
    assert_eq!(l.selectors[0].peer, Some(ip("10.0.0.1")));
    assert_eq!(
        l.command,
        Command::ShowNeighbor {
            view: NeighborView::Summary,
            json: false
        }
    );
    let e = fails("show neighbor sideways");
    assert_eq!(e.column, 15);
}

#[test]
fn show_adj_rib() {
    assert_eq!(
        ok("show adj-rib in").command,
        Command::ShowAdjRib {
            direction: RibDirection::In,
            extensive: false,
            json: false,
            families: vec![]
        }
    );
    assert_eq!(
        ok("show adj-rib out extensive json ipv6 unicast").command,
        Command::ShowAdjRib {
            direction: RibDirection::Out,
            extensive: true,
            json: true,
            families: vec![Family::IPV6_UNICAST]
        }
    );
    let l = ok("show adj-rib out inet 127.0.0.2");
    assert_eq!(l.selectors[0].peer, Some(ip("127.0.0.2")));
    let Command::ShowAdjRib { families, .. } = l.command else {
        panic!()
    };
    assert_eq!(families.len(), 8);
    assert!(families.contains(&Family::IPV4_UNICAST));
    assert!(families.contains(&Family::IPV6_UNICAST));
    let Command::ShowAdjRib { families, .. } = ok("show adj-rib in inet6 flow l2vpn inet6").command
    else {
        panic!()
    };
    assert_eq!(families.len(), 4 + 4 + 2);
    assert!(!families.contains(&Family::IPV4_UNICAST));
    let Command::ShowAdjRib { families, .. } = ok("show adj-rib in ipv4/unicast").command else {
        panic!()
    };
    assert_eq!(families, vec![Family::IPV4_UNICAST]);
    // ExaBGP 4's names.
    assert!(matches!(
        ok("show adj-rib-in").command,
        Command::ShowAdjRib {
            direction: RibDirection::In,
            ..
        }
    ));
    assert!(matches!(
        ok("show adj-rib-out").command,
        Command::ShowAdjRib {
            direction: RibDirection::Out,
            ..
        }
    ));
}

#[test]
fn show_errors() {
    assert_eq!(fails("show").column, 5);
    assert_eq!(fails("show adj-rib").column, 13);
    assert_eq!(fails("show adj-rib sideways").column, 14);
    assert_eq!(fails("show adj-rib in ipv4").column, 21);
    assert_eq!(fails("show adj-rib in banana").column, 17);
    assert_eq!(
        fails("show routes").message,
        "unknown command 'show routes'"
    );
}

// ---------------------------------------------------------------- process commands

#[test]
fn process_commands() {
    for (line, c) in [
        ("reload", Command::Reload),
        ("restart", Command::Restart),
        ("shutdown", Command::Shutdown),
        ("version", Command::Version),
        ("help", Command::Help),
        ("enable-ack", Command::Ack(AckMode::Enable)),
        ("disable-ack", Command::Ack(AckMode::Disable)),
        ("silence-ack", Command::Ack(AckMode::Silence)),
    ] {
        assert_eq!(ok(line), plain(c.clone()));
        // Trailing white space (a CRLF helper's \r too) is ignored.
        assert_eq!(ok(&format!("  {line} \r")).command, c);
        let e = fails(&format!("{line} now"));
        assert_eq!(e.column, line.len() + 2, "{line}");
        let e = fails(&format!("neighbor 10.0.0.1 {line}"));
        assert_eq!(e.column, 1, "{line}");
        assert!(e.message.contains("does not take a neighbor selector"));
    }
}

#[test]
fn comments_and_empty_lines() {
    for line in ["", "   ", "\t", "# a comment", "   #x", "#"] {
        assert_eq!(ok(line), plain(Command::Comment), "{line:?}");
    }
}

#[test]
fn debug_lines_are_not_answered() {
    assert_eq!(
        ok("debug checking the pipe").command,
        Command::Debug("checking the pipe".into())
    );
}

#[test]
fn unknown_commands_are_named() {
    let e = fails("bogus command");
    assert_eq!(
        (e.column, e.message.as_str()),
        (1, "unknown command 'bogus'")
    );
    let e = fails("announce bogus 1.2.3.4");
    assert_eq!(
        (e.column, e.message.as_str()),
        (10, "unknown command 'announce bogus'")
    );
    let e = fails("announce");
    assert_eq!(e.column, 9);
    let e = fails("neighbor 10.0.0.1 frobnicate");
    assert_eq!(
        (e.column, e.message.as_str()),
        (19, "unknown command 'frobnicate'")
    );
    let e = fails("Announce route 10.0.0.0/8 next-hop 1.1.1.1");
    assert_eq!(e.column, 1);
    assert!(fails("reset").is_unsupported());
    assert!(fails("crash").is_unsupported());
}

#[test]
fn multi_line_input_is_refused() {
    let e = fails("announce route 10.0.0.0/8 next-hop 1.1.1.1\nshutdown");
    assert_eq!(e.column, 43);
}

// ---------------------------------------------------------------- selectors

#[test]
fn selector_star_and_address() {
    let l = ok("neighbor * announce route 1.1.0.0/24 next-hop 101.1.101.1");
    assert_eq!(l.selectors, vec![Selector::default()]);
    let l = ok("neighbor 2001:db8::2 withdraw route 2001:db8:1::/48");
    assert_eq!(l.selectors[0].peer, Some(ip("2001:db8::2")));
}

#[test]
fn selector_with_every_filter() {
    let l = ok("neighbor 127.0.0.1 local-ip 127.0.0.2 local-as 1 peer-as 4200000000 router-id 1.2.3.4 family-allowed ipv4-unicast/ipv6-unicast announce route 1.3.0.0/24 next-hop 101.1.101.1");
    assert_eq!(
        l.selectors,
        vec![Selector {
            peer: Some(ip("127.0.0.1")),
            local_ip: Some(ip("127.0.0.2")),
            local_as: Some(1),
            peer_as: Some(4_200_000_000),
            router_id: Some(Ipv4Addr::new(1, 2, 3, 4)),
            family_allowed: Some("ipv4-unicast/ipv6-unicast".into()),
        }]
    );
    let l = ok("neighbor 127.0.0.1 local-as 1.10 teardown 2");
    assert_eq!(l.selectors[0].local_as, Some(65546));
}

#[test]
fn several_selectors_separated_by_commas() {
    // The healthcheck's separator: ", ".
    let l = ok("neighbor 10.0.0.1, neighbor 10.0.0.2 withdraw route 192.0.2.1 next-hop self");
    let peers: Vec<_> = l.selectors.iter().map(|s| s.peer).collect();
    assert_eq!(peers, vec![Some(ip("10.0.0.1")), Some(ip("10.0.0.2"))]);
    // ExaBGP's own test line: a filter glued to the comma.
    let l = ok("neighbor 127.0.0.1 router-id 1.2.3.4, neighbor 127.0.0.1 announce route 1.1.0.0/25 next-hop 101.1.101.1");
    assert_eq!(l.selectors.len(), 2);
    assert_eq!(l.selectors[0].router_id, Some(Ipv4Addr::new(1, 2, 3, 4)));
    assert_eq!(l.selectors[1].router_id, None);
    let l = ok("neighbor 10.0.0.1 , neighbor 10.0.0.2,neighbor 10.0.0.3 teardown 2");
    assert_eq!(l.selectors.len(), 3);
}

#[test]
fn selector_errors() {
    let cases: [(&str, usize, &str); 8] = [
        ("neighbor", 9, "'neighbor' needs an address or '*'"),
        (
            "neighbor absentone announce route 1.0.0.0/8 next-hop 1.1.1.1",
            10,
            "invalid neighbor address 'absentone'",
        ),
        (
            "neighbor 10.0.0.1",
            18,
            "expected a command after the neighbor selector",
        ),
        ("neighbor 10.0.0.1 local-as", 27, "'local-as' needs a value"),
        (
            "neighbor 10.0.0.1 local-as x teardown 2",
            28,
            "invalid AS number",
        ),
        (
            "neighbor 10.0.0.1 local-as 1 local-as 2 teardown 2",
            30,
            "'local-as' given twice in one selector",
        ),
        (
            "neighbor 10.0.0.1, teardown 2",
            20,
            "expected 'neighbor' after ','",
        ),
        (
            "neighbor 10.0.0.1 neighbor 10.0.0.2 teardown 2",
            19,
            "a second 'neighbor' needs a ',' before it (neighbor A, neighbor B …)",
        ),
    ];
    for (line, col, msg) in cases {
        let e = fails(line);
        assert_eq!((e.column, e.message.as_str()), (col, msg), "{line}");
    }
    assert_eq!(
        fails("neighbor 10.0.0.1 router-id 2001::1 teardown 2").column,
        29
    );
    assert_eq!(fails("neighbor 10.0.0.1 local-ip me teardown 2").column, 28);
}

#[test]
fn selector_matching_follows_exabgp() {
    let n = SelectorTarget {
        peer: ip("10.0.0.1"),
        local_ip: Some(ip("10.0.0.2")),
        local_as: Some(65000),
        peer_as: Some(65001),
        router_id: Ipv4Addr::new(1, 1, 1, 1),
        family_allowed: "in-open",
    };
    let sel = |line: &str| ok(&format!("{line} teardown 2")).selectors;
    assert!(selected(&[], &n));
    assert!(selected(&sel("neighbor *"), &n));
    // `*` ignores the other filters, as ExaBGP.
    assert!(selected(&sel("neighbor * local-as 1"), &n));
    assert!(selected(&sel("neighbor 10.0.0.1"), &n));
    assert!(!selected(&sel("neighbor 10.0.0.9"), &n));
    assert!(selected(&sel("neighbor 10.0.0.9, neighbor 10.0.0.1"), &n));
    assert!(selected(&sel("neighbor 10.0.0.1 local-as 65000 peer-as 65001 local-ip 10.0.0.2 router-id 1.1.1.1 family-allowed in-open"), &n));
    assert!(!selected(&sel("neighbor 10.0.0.1 local-as 1"), &n));
    assert!(!selected(
        &sel("neighbor 10.0.0.1 family-allowed ipv4-unicast"),
        &n
    ));
    let auto = SelectorTarget {
        local_as: None,
        ..n
    };
    assert!(!selected(&sel("neighbor 10.0.0.1 local-as 65000"), &auto));
}

#[test]
fn family_allowed_names() {
    assert_eq!(
        family_allowed_name(&[Family::IPV4_UNICAST], false),
        "in-open"
    );
    assert_eq!(
        family_allowed_name(&[Family::IPV4_UNICAST, Family::IPV6_UNICAST], true),
        "ipv4-unicast/ipv6-unicast"
    );
}

// ---------------------------------------------------------------- healthcheck lines

/// The lines ExaBGP 5.0.15's healthcheck writes (exabgp/application/healthcheck.py,
/// `exabgp()`): `neighbor *` or `neighbor A, neighbor B`, then `announce route IP next-hop
/// NH|self med M [local-preference P] [community [ C ]] [extended-community [ E ]]
/// [large-community [ L ]] [as-path [ A ]] [path-information N]`, or `withdraw route IP
/// next-hop NH|self [path-information N]`.
#[test]
fn healthcheck_lines() {
    let l = ok("neighbor * announce route 192.0.2.1 next-hop self med 100");
    assert_eq!(l.selectors, vec![Selector::default()]);
    let Command::Announce(r) = l.command else {
        panic!()
    };
    assert_eq!(r[0].prefix().unwrap().net, "192.0.2.1/32".parse().unwrap());
    assert_eq!(r[0].next_hop, NextHopSpec::SelfAddr);
    assert_eq!(med(&r[0]), Some(100));

    let l = ok("neighbor 10.0.0.1, neighbor 10.0.0.2 announce route 192.0.2.2 next-hop 10.0.0.9 med 101 local-preference 200 community [ 65000:1 65000:2 ] extended-community [ target:65000:1 ] large-community [ 65000:1:1 ] as-path [ 65000 65001 ] path-information 7");
    assert_eq!(l.selectors.len(), 2);
    let Command::Announce(r) = l.command else {
        panic!()
    };
    assert_eq!(r[0].prefix().unwrap().path_id, Some(7));
    assert_eq!(r[0].attributes.len(), 6);

    let l = ok("neighbor * withdraw route 192.0.2.1 next-hop self");
    assert!(
        matches!(l.command, Command::Withdraw(ref r) if r[0].next_hop == NextHopSpec::SelfAddr)
    );
    let l = ok("neighbor 10.0.0.1, neighbor 10.0.0.2 withdraw route 2001:db8::1 next-hop self path-information 7");
    assert_eq!(l.selectors.len(), 2);
    assert!(
        matches!(l.command, Command::Withdraw(ref r) if r[0].prefix().unwrap().path_id == Some(7))
    );
    assert!(matches!(
        ok("neighbor * announce route 2001:db8::1 next-hop self med 1000").command,
        Command::Announce(_)
    ));
}

// ---------------------------------------------------------------- help

#[test]
fn help_lists_every_command_form() {
    let h = help();
    for form in [
        "announce route ",
        "withdraw route ",
        "announce ipv4|ipv6 unicast|multicast",
        "announce l2vpn evpn ",
        "withdraw l2vpn evpn ",
        "announce attributes ",
        "withdraw attributes ",
        "announce eor",
        "announce route-refresh",
        "announce watchdog",
        "withdraw watchdog",
        "teardown ",
        "flush adj-rib out",
        "clear adj-rib",
        "show neighbor",
        "show adj-rib",
        "enable-ack",
        "disable-ack",
        "silence-ack",
        "reload",
        "restart",
        "shutdown",
        "version",
        "help",
    ] {
        assert!(
            h.lines().any(|l| l.starts_with(form)),
            "help has no line for {form}"
        );
    }
    // Every command line of the help (the first is the selector syntax, the last the
    // attributes) parses once its placeholders are filled in.
    assert!(h.ends_with('\n'));
}

#[test]
fn error_display() {
    let e = CommandError {
        column: 7,
        message: "bad".into(),
    };
    assert_eq!(e.to_string(), "column 7: bad");
}

#[test]
fn flow_rules_from_the_api() {
    let r = announced("announce flow route { match { source 10.0.0.1/32; } then { discard; } }");
    assert_eq!(r[0].family, Family::IPV4_FLOW);
    // source 10.0.0.1/32 (component 2); discard = traffic-rate 0.
    match &r[0].nlri {
        herald_wire::Nlri::Encoded(e) => assert_eq!(hex::encode(e.bytes()), "0602200a000001"),
        n => panic!("{n:?}"),
    }
    let l = parse("withdraw flow route destination 133.130.1.219/32 discard").unwrap();
    assert!(matches!(l.command, Command::Withdraw(ref r) if r[0].family == Family::IPV4_FLOW));
    let r = announced("neighbor 127.0.0.1 announce flow route { rd 65000:1; match { destination 10.0.0.0/24; } then { redirect 65000:7; } }");
    assert_eq!(r[0].family, Family::IPV4_FLOW_VPN);
    let e = fails("announce flow route { match { source 10.0.0.1/32; } then { bogus; } }");
    assert!(!e.is_unsupported(), "{e}");
}

/// ExaBGP's VPLS commands (api-vpls.run): the route's NLRI octets (RFC 4761 §3.2.2).
#[test]
fn vpls_routes_from_the_api() {
    let r = announced("neighbor 127.0.0.1 announce vpls endpoint 5 base 10702 offset 1 size 8 rd 192.168.201.1:123 next-hop 192.168.201.1 extended-community [ target:54591:6 l2info:19:0:1500:111]");
    assert_eq!(
        r[0].family,
        Family::new(herald_wire::Afi::L2VPN, herald_wire::Safi::VPLS)
    );
    match &r[0].nlri {
        herald_wire::Nlri::Encoded(e) => {
            assert_eq!(
                hex::encode(e.bytes()),
                "00110001c0a8c901007b000500010008029ce1"
            )
        }
        n => panic!("{n:?}"),
    }
    let l =
        parse("withdraw vpls endpoint 5 base 10702 offset 1 size 8 rd 192.168.201.1:123").unwrap();
    assert!(matches!(l.command, Command::Withdraw(_)));
    let e = fails("announce vpls endpoint 5 base 10702");
    assert_eq!(e.message, "a VPLS route needs rd, offset, size (at 'vpls')");
    assert_eq!(e.column, 10);
}
