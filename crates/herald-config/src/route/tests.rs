use std::net::{IpAddr, Ipv4Addr};

use herald_wire::attr::{
    Aggregator, AsPath, Community, ExtCommunity, LargeCommunity, Origin, Segment, SegmentType,
};
use herald_wire::{AttrValue, Attribute, Family};

use crate::model::NextHopSpec;
use crate::{parse_attributes_nlri, parse_route_spec, parse_route_specs};

fn values(line: &str) -> Vec<AttrValue> {
    parse_route_spec(line)
        .unwrap()
        .attributes
        .iter()
        .map(|a| a.value.clone())
        .collect()
}

fn seg(kind: SegmentType, asns: &[u32]) -> Segment {
    Segment {
        kind,
        asns: asns.to_vec(),
    }
}

#[test]
fn one_line_route_with_every_common_attribute() {
    let r = parse_route_spec(
        "10.0.0.0/24 next-hop 192.0.2.1 origin egp as-path [ 65000 65001 ] med 100 \
         local-preference 200 community [ 65000:1 no-export ] large-community 1:2:3 \
         atomic-aggregate aggregator ( 65000:192.0.2.9 ) originator-id 1.1.1.1 \
         cluster-list [ 2.2.2.2 3.3.3.3 ] aigp 5",
    )
    .unwrap();
    assert_eq!(r.family, Family::IPV4_UNICAST);
    assert_eq!(r.prefix().unwrap().net.to_string(), "10.0.0.0/24");
    assert_eq!(r.prefix().unwrap().path_id, None);
    assert_eq!(
        r.next_hop,
        NextHopSpec::Ip(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)))
    );
    let v: Vec<AttrValue> = r.attributes.iter().map(|a| a.value.clone()).collect();
    assert_eq!(
        v,
        vec![
            AttrValue::Origin(Origin::Egp),
            AttrValue::AsPath(AsPath::sequence(vec![65000, 65001])),
            AttrValue::Med(100),
            AttrValue::LocalPref(200),
            AttrValue::AtomicAggregate,
            AttrValue::Aggregator(Aggregator {
                asn: 65000,
                address: Ipv4Addr::new(192, 0, 2, 9)
            }),
            AttrValue::Communities(vec![Community::new(65000, 1), Community::NO_EXPORT]),
            AttrValue::OriginatorId(Ipv4Addr::new(1, 1, 1, 1)),
            AttrValue::ClusterList(vec![Ipv4Addr::new(2, 2, 2, 2), Ipv4Addr::new(3, 3, 3, 3)]),
            AttrValue::aigp(5),
            AttrValue::LargeCommunities(vec![LargeCommunity {
                global: 1,
                local1: 2,
                local2: 3
            }]),
        ]
    );
    // Standard flags, from Attribute::new.
    assert!(r
        .attributes
        .iter()
        .all(|a| *a == Attribute::new(a.value.clone())));
}

#[test]
fn attributes_come_out_in_type_code_order_and_the_last_repeat_wins() {
    let v = values("10.0.0.0/8 next-hop 1.1.1.1 med 5 origin igp med 7");
    assert_eq!(v, vec![AttrValue::Origin(Origin::Igp), AttrValue::Med(7)]);
}

#[test]
fn as_path_forms() {
    let p = |s: &str| match values(&format!("1.0.0.0/8 as-path {s}")).pop() {
        Some(AttrValue::AsPath(p)) => p.segments,
        other => panic!("{other:?}"),
    };
    use SegmentType::*;
    assert_eq!(p("65000"), vec![seg(Sequence, &[65000])]);
    assert_eq!(p("[ ]"), vec![]);
    assert_eq!(
        p("[ 1 2 ( 3 4 ) 5 ]"),
        vec![
            seg(Sequence, &[1, 2]),
            seg(Set, &[3, 4]),
            seg(Sequence, &[5])
        ]
    );
    assert_eq!(
        p("[ 1 2 ] ( 3 4 )"),
        vec![seg(Sequence, &[1, 2]), seg(Set, &[3, 4])]
    );
    assert_eq!(p("[1 2(3)]"), vec![seg(Sequence, &[1, 2]), seg(Set, &[3])]);
    assert_eq!(
        p("[ { 1 2 } 3 ]"),
        vec![seg(ConfedSequence, &[1, 2]), seg(Sequence, &[3])]
    );
    assert_eq!(p("( { 7 } )"), vec![seg(ConfedSet, &[7])]);
    assert_eq!(
        p("[ 1.1 4200000000 ]"),
        vec![seg(Sequence, &[65537, 4_200_000_000])]
    );
}

#[test]
fn communities_single_and_listed() {
    assert_eq!(
        values("1.0.0.0/8 community 30740:30740"),
        vec![AttrValue::Communities(vec![Community::new(30740, 30740)])]
    );
    assert_eq!(
        values("1.0.0.0/8 community [ 0 0x87654321 no-advertise ]"),
        vec![AttrValue::Communities(vec![
            Community(0),
            Community(0x8765_4321),
            Community::NO_ADVERTISE
        ])]
    );
    // ExaBGP drops repeated large communities.
    assert_eq!(
        values("1.0.0.0/8 large-community [ 2914:0:666 2914:3320:123 2914:3320:123 ]"),
        vec![AttrValue::LargeCommunities(vec![
            LargeCommunity {
                global: 2914,
                local1: 0,
                local2: 666
            },
            LargeCommunity {
                global: 2914,
                local1: 3320,
                local2: 123
            },
        ])]
    );
}

fn ext(s: &str) -> [u8; 8] {
    match values(&format!("1.0.0.0/8 extended-community {s}")).pop() {
        Some(AttrValue::ExtCommunities(v)) => v[0].0,
        other => panic!("{other:?}"),
    }
}

#[test]
fn extended_communities_in_each_form() {
    assert_eq!(
        ext("target:65000:100"),
        [0x00, 0x02, 0xfd, 0xe8, 0, 0, 0, 100]
    );
    assert_eq!(
        ext("origin:300:73000"),
        [0x00, 0x03, 0x01, 0x2c, 0, 1, 0x1d, 0x28]
    );
    assert_eq!(
        ext("target:8.8.8.8:8000"),
        [0x01, 0x02, 8, 8, 8, 8, 0x1f, 0x40]
    );
    assert_eq!(
        ext("origin:70500:5000"),
        [0x02, 0x03, 0, 1, 0x13, 0x64, 0x13, 0x88]
    );
    assert_eq!(ext("target4:100:5"), [0x02, 0x02, 0, 0, 0, 100, 0, 5]);
    assert_eq!(
        ext("target:120000L:123"),
        [0x02, 0x02, 0, 1, 0xd4, 0xc0, 0, 123]
    );
    assert_eq!(ext("target:1:2.0.0.1"), [0x00, 0x02, 0, 1, 2, 0, 0, 1]);
    // Two parts mean a route target (ExaBGP).
    assert_eq!(ext("72:0.0.0.1"), [0x00, 0x02, 0, 72, 0, 0, 0, 1]);
    assert_eq!(ext("0x0002fde800000001"), [0, 2, 0xfd, 0xe8, 0, 0, 0, 1]);
    assert_eq!(
        ext("redirect:65500:12345"),
        [0x80, 0x08, 0xff, 0xdc, 0, 0, 0x30, 0x39]
    );
    assert_eq!(
        ext("[ target:1:1 origin:2:2 ]"),
        [0x00, 0x02, 0, 1, 0, 0, 0, 1]
    );
}

#[test]
fn origin4_and_bandwidth_extended_communities() {
    // Route origin with a 4-octet AS global part (RFC 5668: type 0x02, subtype 0x03), even
    // for an AS that fits in two octets.
    assert_eq!(ext("origin4:100:5"), [0x02, 0x03, 0, 0, 0, 100, 0, 5]);
    assert_eq!(
        ext("origin4:4200000001:7"),
        [0x02, 0x03, 0xfa, 0x56, 0xea, 0x01, 0, 7]
    );
    // Link bandwidth (draft-ietf-idr-link-bandwidth: non-transitive two-octet AS specific,
    // subtype 0x04): the AS, then the bandwidth in bytes per second as an IEEE 754 float.
    assert_eq!(
        ext("bandwidth:65000:125000000"),
        [0x40, 0x04, 0xfd, 0xe8, 0x4c, 0xee, 0x6b, 0x28]
    );
    assert_eq!(
        ext("bandwidth:65000:1.5"),
        [0x40, 0x04, 0xfd, 0xe8, 0x3f, 0xc0, 0, 0]
    );
    for (bad, why) in [
        ("origin4:100:70000", "the local part must be 0-65535"),
        ("bandwidth:70000:1", "the AS must be 0-65535"),
        ("bandwidth:65000:fast", "the bandwidth is not a number"),
    ] {
        let e = parse_route_spec(&format!("1.0.0.0/8 extended-community {bad}")).unwrap_err();
        assert!(e.message.contains(why), "{bad}: {}", e.message);
    }
}

#[test]
fn extended_community_errors() {
    // RFC 4761 §3.2.4 Layer2 Info, ExaBGP's l2info:ENCAPS:FLAGS:MTU:LAST.
    let r = parse_route_spec("1.0.0.0/8 extended-community l2info:19:0:1500:111").unwrap();
    assert_eq!(
        r.attributes[0].value,
        AttrValue::ExtCommunities(vec![ExtCommunity([0x80, 0x0a, 19, 0, 0x05, 0xdc, 0, 111])])
    );
    let e = parse_route_spec("1.0.0.0/8 extended-community l2info:1:2:70000:1").unwrap_err();
    assert_eq!(e.message, "invalid l2info: the MTU is 0-65535");
    assert_eq!(e.col, 30);
    let e = parse_route_spec("1.0.0.0/8 extended-community rt-record:1:2").unwrap_err();
    assert!(e.is_unsupported());
    // MUP's Direct-Type Segment Identifier: 2 and 4 octets (an IPv4 address for the latter).
    let r = parse_route_spec("1.0.0.0/8 extended-community mup:10:10.0.0.1").unwrap();
    assert_eq!(
        r.attributes[0].value,
        AttrValue::ExtCommunities(vec![ExtCommunity([0x0c, 0, 0, 10, 10, 0, 0, 1])])
    );
    let e = parse_route_spec("1.0.0.0/8 extended-community bogus:1:2").unwrap_err();
    assert!(!e.is_unsupported());
    let e = parse_route_spec("1.0.0.0/8 extended-community 0x0102").unwrap_err();
    assert!(e.message.contains("16 hex digits"));
    let e = parse_route_spec("1.0.0.0/8 extended-community target:1.2.3.4:70000").unwrap_err();
    assert!(e.message.contains("0-65535"));
}

#[test]
fn generic_attribute_known_codes_are_typed() {
    let r =
        parse_route_spec("100.100.100.100 next-hop 192.168.1.100 attribute [0x04 0x80 0x00000064]")
            .unwrap();
    assert_eq!(r.attributes, vec![Attribute::new(AttrValue::Med(100))]);
    let r = parse_route_spec("1.0.0.0/8 attribute [ 0x99 0x60 0x00000064 ]").unwrap();
    assert_eq!(
        r.attributes,
        vec![Attribute {
            flags: 0x60,
            value: AttrValue::Unknown {
                type_code: 0x99,
                data: vec![0, 0, 0, 100]
            }
        }]
    );
    let r = parse_route_spec(
        "1.0.0.0/8 attribute [ 0x20 0xc0 0x0000000100000002000000030000000A0000000B0000000C ]",
    )
    .unwrap();
    assert!(matches!(
        &r.attributes[0].value,
        AttrValue::LargeCommunities(v) if v.len() == 2 && v[1].local2 == 12
    ));
    assert!(parse_route_spec("1.0.0.0/8 attribute [ 0x04 0x80 0x0064 ]").is_err());
    assert!(parse_route_spec("1.0.0.0/8 attribute [ 0x03 0x40 0x01020304 ]").is_err());
}

#[test]
fn host_routes_ipv6_and_multicast() {
    let r = parse_route_spec("193.0.2.1 next-hop 10.0.0.1").unwrap();
    assert_eq!(r.prefix().unwrap().net.to_string(), "193.0.2.1/32");
    let r = parse_route_spec("2001:db8::1 next-hop 2001:db8::ff").unwrap();
    assert_eq!(r.prefix().unwrap().net.to_string(), "2001:db8::1/128");
    assert_eq!(r.family, Family::IPV6_UNICAST);
    // An IPv4 next hop for an IPv6 route is IPv4-mapped, as ExaBGP does.
    let r = parse_route_spec("2001:db8::/32 next-hop 192.0.2.1").unwrap();
    assert_eq!(
        r.next_hop,
        NextHopSpec::Ip("::ffff:192.0.2.1".parse().unwrap())
    );
    let r = parse_route_spec("224.1.0.0/16 next-hop 1.2.3.4").unwrap();
    assert_eq!(r.family, Family::IPV4_MULTICAST);
    let r = parse_route_spec("10.0.0.0/8 next-hop self").unwrap();
    assert_eq!(r.next_hop, NextHopSpec::SelfAddr);
    let r = parse_route_spec("10.0.0.0/8").unwrap();
    assert_eq!(r.next_hop, NextHopSpec::None);
}

#[test]
fn path_information_name_watchdog_withdraw() {
    let r = parse_route_spec(
        "10.0.0.10 next-hop 10.10.1.1 path-information 0.0.0.2 name web watchdog dnsr withdraw",
    )
    .unwrap();
    assert_eq!(r.prefix().unwrap().path_id, Some(2));
    assert_eq!(r.name(), Some("web"));
    assert_eq!(r.watchdog(), Some("dnsr"));
    assert!(r.withdrawn);
    let r = parse_route_spec("10.0.0.10 path-information 7").unwrap();
    assert_eq!(r.prefix().unwrap().path_id, Some(7));
    assert!(parse_route_spec("10.0.0.10 watchdog withdraw").is_err());
}

#[test]
fn split_expands_into_more_specifics() {
    let v = parse_route_specs("172.10.0.0/22 next-hop 192.0.2.1 med 200 split /24").unwrap();
    let nets: Vec<String> = v
        .iter()
        .map(|r| r.prefix().unwrap().net.to_string())
        .collect();
    assert_eq!(
        nets,
        [
            "172.10.0.0/24",
            "172.10.1.0/24",
            "172.10.2.0/24",
            "172.10.3.0/24"
        ]
    );
    assert!(v.iter().all(|r| r.attributes == v[0].attributes));
    let v = parse_route_specs("2001:db8::/32 next-hop ::1 split /34").unwrap();
    assert_eq!(v[3].prefix().unwrap().net.to_string(), "2001:db8:c000::/34");
    // Splitting to the same or a shorter length leaves the route alone.
    assert_eq!(parse_route_specs("10.0.0.0/24 split /24").unwrap().len(), 1);
    assert!(parse_route_specs("10.0.0.0/8 split /33").is_err());
    assert!(parse_route_specs("10.0.0.0/8 split /32").is_err()); // 16M routes
    assert!(parse_route_spec("10.0.0.0/23 split /24").is_err());
}

#[test]
fn attributes_nlri_form() {
    let v = parse_attributes_nlri("med 100 next-hop 1.2.3.4 nlri 1.0.0.0/24 1.0.1.0/24").unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[1].prefix().unwrap().net.to_string(), "1.0.1.0/24");
    assert_eq!(v[0].attributes, vec![Attribute::new(AttrValue::Med(100))]);
    assert_eq!(v[1].next_hop, v[0].next_hop);
    let e = parse_attributes_nlri("med 100 next-hop 1.2.3.4").unwrap_err();
    assert!(e.message.contains("nlri"));
    assert!(parse_attributes_nlri("med 100 nlri").is_err());
}

#[test]
fn bad_prefixes_and_values() {
    let e = parse_route_spec("10.0.0.1/24 next-hop 1.1.1.1").unwrap_err();
    assert_eq!(
        e.message,
        "host bits set in the prefix (did you mean 10.0.0.0/24?)"
    );
    assert_eq!(e.file.to_str(), Some("<command>"));
    assert_eq!((e.line, e.col), (1, 1));
    assert!(parse_route_spec("10.0.0.0/33").is_err());
    assert!(parse_route_spec("10.0.0.0/8 med -1").is_err());
    assert!(parse_route_spec("10.0.0.0/8 med").is_err());
    assert!(parse_route_spec("10.0.0.0/8 origin foo").is_err());
    assert!(parse_route_spec("10.0.0.0/8 as-path [ 1 2").is_err());
    assert!(parse_route_spec("10.0.0.0/8 bogus 1").is_err());
    let e = parse_route_spec("10.0.0.0/8 next-hop 1.1.1.1 rd 1:1").unwrap_err();
    assert_eq!(e.message, "a VPN route (rd) needs a label");
    let e = parse_route_spec("10.0.0.0/8 next-hop 1.1.1.1 rd 1:1x label 1").unwrap_err();
    assert_eq!(e.col, 32, "the bad value");
    // From the API as from a file: rd and label make a VPN route.
    let r = parse_route_spec("10.0.0.0/8 next-hop 1.1.1.1 rd 1:1 label 100").unwrap();
    assert_eq!(
        r.family,
        Family::new(herald_wire::Afi::IPV4, herald_wire::Safi::MPLS_VPN)
    );
    let r = parse_route_spec("10.0.0.0/8 next-hop 1.1.1.1 label 100").unwrap();
    assert_eq!(r.family.safi, herald_wire::Safi::MPLS_LABEL);
}

#[test]
fn routes_written_alike_share_their_attribute_set() {
    use std::hash::{BuildHasher, RandomState};

    use crate::model::{AttrSet, Route};

    let v = parse_attributes_nlri("med 100 next-hop 1.2.3.4 nlri 1.0.0.0/24 1.0.1.0/24").unwrap();
    assert!(AttrSet::ptr_eq(&v[0].attributes, &v[1].attributes));
    // Sets from different parses are different allocations, equal by content and hash.
    let w = parse_route_spec("1.0.0.0/24 med 100 next-hop 1.2.3.4").unwrap();
    assert!(!AttrSet::ptr_eq(&v[0].attributes, &w.attributes));
    assert_eq!(v[0].attributes, w.attributes);
    let s = RandomState::new();
    assert_eq!(s.hash_one(&v[0].attributes), s.hash_one(&w.attributes));
    let x = parse_route_spec("1.0.0.0/24 med 101 next-hop 1.2.3.4").unwrap();
    assert_ne!(v[0].attributes, x.attributes);
    assert_ne!(v[0], x);
    // A million routes are held in memory: keep a route small.
    assert!(std::mem::size_of::<Route>() <= 80);
}

/// What `parse_prefix` accepts, read with the standard library only.
fn reference_prefix(s: &str) -> Option<ipnet::IpNet> {
    let (a, l) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    let ip: IpAddr = if a.contains(':') {
        IpAddr::V6(a.parse().ok()?)
    } else {
        IpAddr::V4(a.parse().ok()?)
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = match l {
        None => max,
        Some(l) if !l.is_empty() && l.len() <= 20 && l.bytes().all(|b| b.is_ascii_digit()) => {
            l.parse::<u64>().ok().filter(|l| *l <= u64::from(max))? as u8
        }
        Some(_) => return None,
    };
    let net = ipnet::IpNet::new(ip, len).ok()?;
    (net.network() == ip).then_some(net)
}

proptest::proptest! {
    #[test]
    fn prefixes_read_as_the_standard_library_reads_them(
        s in "(0|00|1|01|10|192|255|256)(\\.(0|00|1|01|10|192|255|256)){0,4}(/(0|00|8|08|9|24|30|32|33|100|024)?)?"
    ) {
        let tok = crate::lexer::Token {
            kind: crate::lexer::Kind::Word,
            text: &s,
            line: 1,
            col: 1,
        };
        proptest::prop_assert_eq!(crate::route::parse_prefix(&tok).ok(), reference_prefix(&s));
    }

    #[test]
    fn any_text_reads_as_a_prefix_as_the_standard_library_reads_it(s in "[0-9./:a-f]{0,20}") {
        let tok = crate::lexer::Token {
            kind: crate::lexer::Kind::Word,
            text: &s,
            line: 1,
            col: 1,
        };
        proptest::prop_assert_eq!(crate::route::parse_prefix(&tok).ok(), reference_prefix(&s));
    }
}

#[test]
fn a_large_table_is_made_into_routes_in_text_order() {
    // Past PARALLEL_ROUTES records the routes are made on several threads, a slice each: the
    // joined list must be the text's order, each route with its own attributes.
    let n = super::PARALLEL_ROUTES + 1_000;
    let mut text = String::from(
        "neighbor 192.0.2.1 { local-as 65000; peer-as 65000; router-id 192.0.2.2; static {\n",
    );
    for i in 0..n {
        let (a, b) = (10 + i / 65_536, i % 65_536);
        text.push_str(&format!(
            "route {a}.{}.{}.0/24 next-hop 192.0.2.9 med {};\n",
            b / 256,
            b % 256,
            i % 7
        ));
    }
    text.push_str("} }\n");
    let c = crate::parse_str(&text, std::path::Path::new("t.conf")).unwrap();
    let routes = &c.neighbors[0].routes;
    assert_eq!(routes.len(), n);
    for (i, r) in routes.iter().enumerate() {
        let (a, b) = (10 + i / 65_536, i % 65_536);
        let want = format!("{a}.{}.{}.0/24", b / 256, b % 256);
        assert_eq!(r.prefix().unwrap().net.to_string(), want, "route {i}");
        assert_eq!(
            r.attribute(herald_wire::iana::attr_type::MED)
                .map(|a| a.value.clone()),
            Some(AttrValue::Med((i % 7) as u32)),
            "route {i}"
        );
        assert_eq!(r.origin.line as usize, i + 2, "route {i}");
    }
}
