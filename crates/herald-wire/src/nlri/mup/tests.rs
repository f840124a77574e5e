//! Byte vectors both ways: the NLRI ExaBGP 5.0.15's MUP classes pack for the routes of its
//! `conf-srv6-mup.conf` and `conf-srv6-mup-v3.conf` examples; errors; round-trip properties.

use super::*;
use proptest::prelude::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

fn rd() -> RouteDistinguisher {
    RouteDistinguisher::parse("100:100").unwrap()
}

fn both_ways(afi: Afi, hex: &str, route: MupRoute) {
    let bytes = h(hex);
    let mut v = Vec::new();
    decode_into(afi, &bytes, false, &mut v).unwrap();
    assert_eq!(
        v,
        vec![Mup {
            path_id: None,
            route: route.clone()
        }]
    );
    assert_eq!(hex::encode(v[0].route_bytes()), hex::encode(&bytes));
    let mut out = Vec::new();
    route.encode(&mut out);
    assert_eq!(hex::encode(out), hex::encode(bytes));
}

#[test]
fn ipv4_routes_of_every_type_both_ways() {
    both_ways(
        Afi::IPV4,
        "01 0001 0c 0000006400000064 18 0a0001",
        MupRoute::Isd {
            rd: rd(),
            prefix: "10.0.1.0/24".parse().unwrap(),
        },
    );
    both_ways(
        Afi::IPV4,
        "01 0002 0c 0000006400000064 0a000001",
        MupRoute::Dsd {
            rd: rd(),
            address: "10.0.0.1".parse().unwrap(),
        },
    );
    let t1 = |source: Option<&str>| MupRoute::Type1St {
        rd: rd(),
        prefix: if source.is_some() {
            "192.168.0.2/32"
        } else {
            "192.168.0.1/32"
        }
        .parse()
        .unwrap(),
        teid: 12345,
        qfi: 9,
        endpoint: "10.0.0.1".parse().unwrap(),
        source: source.map(|s| s.parse().unwrap()),
    };
    both_ways(
        Afi::IPV4,
        "01 0003 17 0000006400000064 20 c0a80001 00003039 09 20 0a000001",
        t1(None),
    );
    both_ways(
        Afi::IPV4,
        "01 0003 1c 0000006400000064 20 c0a80002 00003039 09 20 0a000001 20 0a000101",
        t1(Some("10.0.1.1")),
    );
    let t2 = |teid_bits, teid| MupRoute::Type2St {
        rd: rd(),
        endpoint: "10.0.0.1".parse().unwrap(),
        teid_bits,
        teid,
    };
    both_ways(
        Afi::IPV4,
        "01 0004 11 0000006400000064 40 0a000001 00003039",
        t2(32, 12345),
    );
    both_ways(
        Afi::IPV4,
        "01 0004 10 0000006400000064 37 0a000001 003039",
        t2(23, 12345),
    );
    both_ways(
        Afi::IPV4,
        "01 0004 0d 0000006400000064 20 0a000001",
        t2(0, 0),
    );
}

#[test]
fn ipv6_routes_of_every_type_both_ways() {
    both_ways(
        Afi::IPV6,
        "01 0001 11 0000006400000064 40 2001000000000000",
        MupRoute::Isd {
            rd: rd(),
            prefix: "2001::/64".parse().unwrap(),
        },
    );
    both_ways(
        Afi::IPV6,
        "01 0002 18 0000006400000064 20010000000000000000000000000001",
        MupRoute::Dsd {
            rd: rd(),
            address: "2001::1".parse().unwrap(),
        },
    );
    both_ways(
        Afi::IPV6,
        concat!(
            "01 0003 40 0000006400000064 80 20010db8000100010000000000000002 00003039 09 ",
            "80 20010000000000000000000000000001 80 20020000000000000000000000000002"
        ),
        MupRoute::Type1St {
            rd: rd(),
            prefix: "2001:db8:1:1::2/128".parse().unwrap(),
            teid: 12345,
            qfi: 9,
            endpoint: "2001::1".parse().unwrap(),
            source: Some("2002::2".parse().unwrap()),
        },
    );
    both_ways(
        Afi::IPV6,
        "01 0004 1d 0000006400000064 a0 20010000000000000000000000000001 00003039",
        MupRoute::Type2St {
            rd: rd(),
            endpoint: "2001::1".parse().unwrap(),
            teid_bits: 32,
            teid: 12345,
        },
    );
}

#[test]
fn unknown_architecture_and_route_types_are_kept_as_octets() {
    for (hex, arch, t) in [("02 0001 03 aabbcc", 2, 1), ("01 0009 02 0102", 1, 9)] {
        let bytes = h(hex);
        let mut v = Vec::new();
        decode_into(Afi::IPV4, &bytes, false, &mut v).unwrap();
        let MupRoute::Unknown {
            arch: a,
            route_type,
            value,
        } = &v[0].route
        else {
            panic!("{v:?}")
        };
        assert_eq!((*a, *route_type, value.len()), (arch, t, bytes.len() - 4));
        assert_eq!(v[0].route_bytes(), bytes);
    }
}

#[test]
fn add_path_identifier_is_read_and_written() {
    let bytes = h("00000007 01 0002 0c 0000006400000064 0a000001");
    let mut v = Vec::new();
    decode_into(Afi::IPV4, &bytes, true, &mut v).unwrap();
    assert_eq!(v[0].path_id, Some(7));
    let mut out = Vec::new();
    v[0].encode(true, &mut out);
    assert_eq!(out, bytes);
}

#[test]
fn malformed_routes_are_errors() {
    for (afi, bad) in [
        (Afi::IPV4, "01 0001"),                                 // header cut
        (Afi::IPV4, "01 0001 0c 0000006400000064 18 0a00"),     // overruns
        (Afi::IPV4, "01 0001 09 0000006400000064 21"),          // prefix longer than IPv4
        (Afi::IPV4, "01 0001 0d 0000006400000064 18 0a000100"), // extra octet
        (Afi::IPV4, "01 0002 0b 0000006400000064 0a0000"),      // 3-octet address
        (
            Afi::IPV4,
            "01 0003 13 0000006400000064 20 c0a80001 00003039 09 18",
        ), // endpoint len 24
        (
            Afi::IPV4,
            "01 0003 18 0000006400000064 20 c0a80001 00003039 09 20 0a000001 20",
        ), // source cut
        (
            Afi::IPV4,
            "01 0004 11 0000006400000064 41 0a000001 00003039",
        ), // TEID 33 bits
        (
            Afi::IPV4,
            "01 0004 10 0000006400000064 1f 0a000001 00 00 00",
        ), // endpoint len 31
        (Afi::IPV4, "01 0004 10 0000006400000064 40 0a000001 003039"), // TEID octets short
        (Afi::IPV4, "01 0001 04 00000064"),                     // no full RD
    ] {
        let mut v = Vec::new();
        assert!(decode_into(afi, &h(bad), false, &mut v).is_err(), "{bad}");
    }
}

#[test]
fn display_is_exabgps_configuration_words() {
    let r = MupRoute::Type2St {
        rd: rd(),
        endpoint: "10.0.0.1".parse().unwrap(),
        teid_bits: 23,
        teid: 12345,
    };
    assert_eq!(r.to_string(), "mup-t2st 10.0.0.1 rd 100:100 teid 12345/23");
}

fn arb_route(v6: bool) -> impl Strategy<Value = MupRoute> {
    let bits: u8 = if v6 { 128 } else { 32 };
    let addr = move |b: [u8; 16]| -> IpAddr {
        if v6 {
            IpAddr::V6(Ipv6Addr::from(b))
        } else {
            IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
        }
    };
    let net = move |b: [u8; 16], len: u8| -> IpNet {
        // Bits past the length inside the last prefix octet are kept; octets after it are not
        // sent, so they are zero.
        let n = usize::from(len).div_ceil(8);
        let mut b = b;
        b.iter_mut().skip(n).for_each(|x| *x = 0);
        IpNet::new(addr(b), len).unwrap()
    };
    let rd = any::<[u8; 8]>().prop_map(RouteDistinguisher);
    let any_ip = prop_oneof![
        any::<[u8; 4]>().prop_map(|a| IpAddr::V4(Ipv4Addr::from(a))),
        any::<[u8; 16]>().prop_map(|a| IpAddr::V6(Ipv6Addr::from(a))),
    ];
    prop_oneof![
        (rd.clone(), any::<[u8; 16]>(), 0..=bits).prop_map(move |(rd, a, l)| MupRoute::Isd {
            rd,
            prefix: net(a, l)
        }),
        (rd.clone(), any_ip.clone()).prop_map(|(rd, address)| MupRoute::Dsd { rd, address }),
        (
            rd.clone(),
            any::<[u8; 16]>(),
            0..=bits,
            any::<u32>(),
            any::<u8>(),
            any_ip.clone(),
            prop::option::of(any_ip)
        )
            .prop_map(
                move |(rd, a, l, teid, qfi, endpoint, source)| MupRoute::Type1St {
                    rd,
                    prefix: net(a, l),
                    teid,
                    qfi,
                    endpoint,
                    source,
                }
            ),
        (rd, any::<[u8; 16]>(), 0u8..=32, any::<u32>()).prop_map(move |(rd, a, teid_bits, t)| {
            let n = u32::from(teid_bits).div_ceil(8) * 8;
            let teid = if n == 32 { t } else { t & ((1u32 << n) - 1) };
            MupRoute::Type2St {
                rd,
                endpoint: addr(a),
                teid_bits,
                teid,
            }
        }),
        (
            2u8..,
            any::<u16>(),
            prop::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(arch, route_type, value)| MupRoute::Unknown {
                arch,
                route_type,
                value
            }),
    ]
}

proptest! {
    #[test]
    fn round_trip(v6: bool, routes in prop::collection::vec((prop::option::of(any::<u32>()), any::<u64>()), 1..4), seed in arb_route(false), seed6 in arb_route(true)) {
        let route = if v6 { seed6 } else { seed };
        let afi = if v6 { Afi::IPV6 } else { Afi::IPV4 };
        let ap = routes[0].0.is_some();
        let list: Vec<Mup> = routes.iter().map(|(id, _)| Mup { path_id: if ap { Some(id.unwrap_or(0)) } else { None }, route: route.clone() }).collect();
        let mut out = Vec::new();
        list.iter().for_each(|m| m.encode(ap, &mut out));
        let mut back = Vec::new();
        decode_into(afi, &out, ap, &mut back).unwrap();
        prop_assert_eq!(back, list);
    }

    #[test]
    fn never_panics(v6: bool, ap: bool, b in prop::collection::vec(any::<u8>(), 0..80)) {
        let mut v = Vec::new();
        let _ = decode_into(if v6 { Afi::IPV6 } else { Afi::IPV4 }, &b, ap, &mut v);
    }
}
