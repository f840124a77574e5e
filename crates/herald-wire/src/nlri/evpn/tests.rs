use super::*;
use proptest::prelude::*;

fn dec(b: &[u8], ap: bool) -> Result<Vec<Evpn>, &'static str> {
    let mut v = Vec::new();
    decode_into(b, ap, &mut v).map(|()| v)
}

fn enc(v: &[Evpn], ap: bool) -> Vec<u8> {
    let mut out = Vec::new();
    v.iter().for_each(|p| p.encode(ap, &mut out));
    out
}

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

fn rd(s: &str) -> RouteDistinguisher {
    RouteDistinguisher::parse(s).unwrap()
}

fn esi(s: &str) -> Esi {
    Esi::parse(s).unwrap()
}

fn mac(s: &str) -> MacAddress {
    MacAddress::parse(s).unwrap()
}

/// Decodes to `route` (no path identifier), encodes back to the same octets, and the route
/// alone encodes to them too.
fn both_ways(hex: &str, route: EvpnRoute) {
    let b = h(hex);
    let v = dec(&b, false).unwrap();
    assert_eq!(
        v,
        vec![Evpn {
            path_id: None,
            route: route.clone()
        }]
    );
    assert_eq!(enc(&v, false), b);
    assert_eq!(v[0].route_bytes(), b);
    assert_eq!(v[0].wire_len(false), b.len());
    assert_eq!(route.value_len() + 2, b.len());
}

// The octets of these vectors are NLRI of the UPDATEs GoBGP 3.10.0 sent in
// crates/herald-wire/tests/vectors/gobgp-evpn.txt (tests/interop/capture-evpn.sh; the routes
// are tests/interop/vector-configs/gobgp-evpn-routes.txt).

#[test]
fn ethernet_ad_from_gobgp_both_ways() {
    // a-d esi ARBITRARY 11:22:33:44:55:66:77:88:99 etag 100 label 300 rd 65000:1
    both_ways(
        "01 19 0000FDE800000001 00112233445566778899 00000064 00012C",
        EvpnRoute::EthernetAd {
            rd: rd("65000:1"),
            esi: esi("00:11:22:33:44:55:66:77:88:99"),
            etag: 100,
            label: Label(300),
        },
    );
    // a-d esi LACP 00:11:22:33:44:55 7 etag 4294967295 label 0 rd 192.0.2.18:1 (per-ES route)
    both_ways(
        "01 19 0001C00002120001 01001122334455000700 FFFFFFFF 000000",
        EvpnRoute::EthernetAd {
            rd: rd("192.0.2.18:1"),
            esi: esi("01:00:11:22:33:44:55:00:07:00"),
            etag: u32::MAX,
            label: Label(0),
        },
    );
}

#[test]
fn mac_ip_from_gobgp_both_ways() {
    // macadv 00:11:22:33:44:55 10.0.0.1 etag 100 label 1000 rd 65000:1 (label = VNI 1000)
    both_ways(
        "02 25 0000FDE800000001 00000000000000000000 00000064 30 001122334455 20 0A000001 0003E8",
        EvpnRoute::MacIp {
            rd: rd("65000:1"),
            esi: Esi::ZERO,
            etag: 100,
            mac: mac("00:11:22:33:44:55"),
            ip: Some("10.0.0.1".parse().unwrap()),
            label: Label(1000),
            label2: None,
        },
    );
    // macadv 00:11:22:33:44:66 2001:db8::1 esi ARBITRARY … etag 200 label 2000,3000 rd 192.0.2.1:5
    both_ways(
        "02 34 0001C00002010005 00112233445566778899 000000C8 30 001122334466 \
         80 20010DB8000000000000000000000001 0007D0 000BB8",
        EvpnRoute::MacIp {
            rd: rd("192.0.2.1:5"),
            esi: esi("00:11:22:33:44:55:66:77:88:99"),
            etag: 200,
            mac: mac("00:11:22:33:44:66"),
            ip: Some("2001:db8::1".parse().unwrap()),
            label: Label(2000),
            label2: Some(Label(3000)),
        },
    );
    // macadv 00:11:22:33:44:77 0.0.0.0 etag 0 label 10 rd 65000:3: no IP
    both_ways(
        "02 21 0000FDE800000003 00000000000000000000 00000000 30 001122334477 00 00000A",
        EvpnRoute::MacIp {
            rd: rd("65000:3"),
            esi: Esi::ZERO,
            etag: 0,
            mac: mac("00:11:22:33:44:77"),
            ip: None,
            label: Label(10),
            label2: None,
        },
    );
}

#[test]
fn inclusive_multicast_from_gobgp_both_ways() {
    both_ways(
        "03 11 0000FDE800000001 00000064 20 C0000212",
        EvpnRoute::InclusiveMulticast {
            rd: rd("65000:1"),
            etag: 100,
            ip: "192.0.2.18".parse().unwrap(),
        },
    );
    both_ways(
        "03 1D 0000FDE800000002 00000000 80 20010DB8000000000000000000000018",
        EvpnRoute::InclusiveMulticast {
            rd: rd("65000:2"),
            etag: 0,
            ip: "2001:db8::18".parse().unwrap(),
        },
    );
}

#[test]
fn ethernet_segment_from_gobgp_both_ways() {
    both_ways(
        "04 17 0001C00002120002 01001122334455000700 20 C0000212",
        EvpnRoute::EthernetSegment {
            rd: rd("192.0.2.18:2"),
            esi: esi("01:00:11:22:33:44:55:00:07:00"),
            ip: "192.0.2.18".parse().unwrap(),
        },
    );
    both_ways(
        "04 23 0000FDE800000004 00112233445566778899 80 20010DB8000000000000000000000018",
        EvpnRoute::EthernetSegment {
            rd: rd("65000:4"),
            esi: esi("00:11:22:33:44:55:66:77:88:99"),
            ip: "2001:db8::18".parse().unwrap(),
        },
    );
}

#[test]
fn ip_prefix_from_gobgp_both_ways() {
    both_ways(
        "05 22 0000FDE80000000A 00000000000000000000 00000000 18 0A010000 0A0000FE 001388",
        EvpnRoute::IpPrefix {
            rd: rd("65000:10"),
            esi: Esi::ZERO,
            etag: 0,
            prefix: "10.1.0.0/24".parse().unwrap(),
            gateway: "10.0.0.254".parse().unwrap(),
            label: Label(5000),
        },
    );
    both_ways(
        "05 3A 0000FDE80000000B 01001122334455000700 00000000 40 \
         20010DB8000100000000000000000000 20010DB80000000000000000000000FE 001389",
        EvpnRoute::IpPrefix {
            rd: rd("65000:11"),
            esi: esi("01:00:11:22:33:44:55:00:07:00"),
            etag: 0,
            prefix: "2001:db8:1::/64".parse().unwrap(),
            gateway: "2001:db8::fe".parse().unwrap(),
            label: Label(5001),
        },
    );
}

#[test]
fn ip_prefix_keeps_bits_past_the_length() {
    // Made up: 10.1.2.3/24 (host bits set) must come back as sent.
    let b = h("05 22 0000FDE80000000A 00000000000000000000 00000000 18 0A010203 00000000 000000");
    let v = dec(&b, false).unwrap();
    assert!(matches!(&v[0].route, EvpnRoute::IpPrefix { prefix, .. }
        if prefix.addr() == "10.1.2.3".parse::<IpAddr>().unwrap() && prefix.prefix_len() == 24));
    assert_eq!(enc(&v, false), b);
}

#[test]
fn path_identifiers_from_gobgp_add_path_session() {
    // The evpn-addpath session of gobgp-evpn.txt: path id 1, then the multicast route.
    let b = h("00000001 03 11 0000FDE800000001 00000064 20 C0000212 \
               00000002 04 17 0001C00002120002 01001122334455000700 20 C0000212");
    let v = dec(&b, true).unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!((v[0].path_id, v[1].path_id), (Some(1), Some(2)));
    assert_eq!(v[1].route.route_type(), route_type::ETHERNET_SEGMENT);
    assert_eq!(enc(&v, true), b);
    // Without a path identifier on an ADD-PATH session, 0 is sent; without ADD-PATH none is.
    let one = Evpn {
        path_id: None,
        route: v[0].route.clone(),
    };
    assert_eq!(enc(std::slice::from_ref(&one), true)[..4], [0, 0, 0, 0]);
    assert_eq!(
        enc(&v, false),
        h("03 11 0000FDE800000001 00000064 20 C0000212 \
                                  04 17 0001C00002120002 01001122334455000700 20 C0000212")
    );
}

#[test]
fn unknown_route_types_are_kept_raw() {
    // Made up: route type 9 (per-region I-PMSI A-D, RFC 9572) and an empty type 200.
    let b = h("09 05 0102030405 C8 00");
    let v = dec(&b, false).unwrap();
    assert_eq!(
        v[0].route,
        EvpnRoute::Unknown {
            route_type: 9,
            value: vec![1, 2, 3, 4, 5]
        }
    );
    assert_eq!(v[1].route.route_type(), 200);
    assert_eq!(v[0].route.rd(), None);
    assert_eq!(enc(&v, false), b);
}

#[test]
fn malformed_evpn_nlri_are_errors() {
    for (s, ap) in [
        ("02", false),                                        // no length
        ("03 11 0000FDE800000001 00000064 20 C00002", false), // overruns
        ("000001", true),                                     // path id cut
        (
            "01 18 0000FDE800000001 00112233445566778899 00000064 0001",
            false,
        ), // A-D 24 octets
        (
            "01 1C 0000FDE800000001 00112233445566778899 00000064 00012C 00012D",
            false,
        ), // 28
        // MAC length 24
        (
            "02 21 0000FDE800000003 00000000000000000000 00000000 18 001122334477 00 00000A",
            false,
        ),
        // IP length 24
        (
            "02 24 0000FDE800000003 00000000000000000000 00000000 30 001122334477 18 0A0000 00000A",
            false,
        ),
        // IP length 32 but no room for a label
        (
            "02 22 0000FDE800000003 00000000000000000000 00000000 30 001122334477 20 0A000001 00",
            false,
        ),
        // a label and a half
        (
            "02 23 0000FDE800000003 00000000000000000000 00000000 30 001122334477 00 00000A 0000",
            false,
        ),
        ("03 0D 0000FDE800000001 00000064 00", false), // IP length 0
        ("03 12 0000FDE800000001 00000064 20 C0000212 00", false), // trailing octet
        (
            "04 17 0001C00002120002 01001122334455000700 80 C0000212",
            false,
        ), // 128 with 4 octets
        // prefix length 33
        (
            "05 22 0000FDE80000000A 00000000000000000000 00000000 21 0A010000 0A0000FE 001388",
            false,
        ),
        // 35 octets
        (
            "05 23 0000FDE80000000A 00000000000000000000 00000000 18 0A010000 0A0000FE 001388 00",
            false,
        ),
    ] {
        assert!(dec(&h(s), ap).is_err(), "{s}");
    }
}

#[test]
fn esi_and_mac_text_as_exabgp_writes_them() {
    assert_eq!(Esi::ZERO.to_string(), "-");
    assert_eq!(esi("0"), Esi::ZERO);
    assert_eq!(esi("-"), Esi::ZERO);
    assert_eq!(
        esi("0x01001122334455000700").to_string(),
        "01:00:11:22:33:44:55:00:07:00"
    );
    assert_eq!(
        esi("1:0:11:22:33:44:55:0:7:0"),
        esi("01:00:11:22:33:44:55:00:07:00")
    );
    for bad in [
        "",
        "1",
        "00:11",
        "00:11:22:33:44:55:66:77:88:99:aa",
        "0x0011",
        "zz:00:11:22:33:44:55:66:77:88",
        "001:0:0:0:0:0:0:0:0:0",
    ] {
        assert_eq!(Esi::parse(bad), None, "{bad}");
    }
    assert_eq!(mac("00:aa:bb:cc:dd:ee").to_string(), "00:AA:BB:CC:DD:EE");
    assert_eq!(mac("00-aa-bb-cc-dd-ee"), mac("00:AA:BB:CC:DD:EE"));
    for bad in [
        "",
        "00:11:22:33:44",
        "00:11:22:33:44:55:66",
        "00:11:22:33:44:5g",
    ] {
        assert_eq!(MacAddress::parse(bad), None, "{bad}");
    }
}

#[test]
fn routes_as_configuration_text() {
    let v = dec(
        &h(
            "02 34 0001C00002010005 00112233445566778899 000000C8 30 001122334466 \
            80 20010DB8000000000000000000000001 000641 000BB8 \
            01 19 0001C00002120001 01001122334455000700 FFFFFFFF 000000 \
            03 11 0000FDE800000001 00000064 20 C0000212 \
            04 17 0001C00002120002 01001122334455000700 20 C0000212 \
            05 22 0000FDE80000000A 00000000000000000000 00000000 18 0A010000 0A0000FE 001388 \
            02 21 0000FDE800000003 00000000000000000000 00000000 30 001122334477 00 00000A \
            09 02 0102",
        ),
        false,
    )
    .unwrap();
    let text: Vec<String> = v.iter().map(|e| e.route.to_string()).collect();
    assert_eq!(
        text,
        [
            "mac-ip rd 192.0.2.1:5 esi 00:11:22:33:44:55:66:77:88:99 etag 200 mac 00:11:22:33:44:66 ip 2001:db8::1 label 100 vni2 3000",
            "ethernet-ad rd 192.0.2.18:1 esi 01:00:11:22:33:44:55:00:07:00 etag 4294967295 vni 0",
            "multicast rd 65000:1 etag 100 ip 192.0.2.18",
            "ethernet-segment rd 192.0.2.18:2 esi 01:00:11:22:33:44:55:00:07:00 ip 192.0.2.18",
            "prefix rd 65000:10 esi - etag 0 prefix 10.1.0.0/24 gateway 10.0.0.254 vni 5000",
            "mac-ip rd 65000:3 esi - etag 0 mac 00:11:22:33:44:77 vni 10",
            "route-type 9 value 0x0102",
        ]
    );
}

fn any_ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|a| IpAddr::V4(Ipv4Addr::from(a))),
        any::<u128>().prop_map(|a| IpAddr::V6(Ipv6Addr::from(a))),
    ]
}

fn any_route() -> impl Strategy<Value = EvpnRoute> {
    let rd = any::<[u8; 8]>().prop_map(RouteDistinguisher);
    let esi = any::<[u8; 10]>().prop_map(Esi);
    let label = (0u32..1 << 24).prop_map(Label);
    prop_oneof![
        (rd.clone(), esi.clone(), any::<u32>(), label.clone()).prop_map(
            |(rd, esi, etag, label)| {
                EvpnRoute::EthernetAd {
                    rd,
                    esi,
                    etag,
                    label,
                }
            }
        ),
        (
            rd.clone(),
            esi.clone(),
            any::<u32>(),
            any::<[u8; 6]>(),
            proptest::option::of(any_ip()),
            label.clone(),
            proptest::option::of(label.clone()),
        )
            .prop_map(|(rd, esi, etag, m, ip, label, label2)| EvpnRoute::MacIp {
                rd,
                esi,
                etag,
                mac: MacAddress(m),
                ip,
                label,
                label2,
            }),
        (rd.clone(), any::<u32>(), any_ip())
            .prop_map(|(rd, etag, ip)| EvpnRoute::InclusiveMulticast { rd, etag, ip }),
        (rd.clone(), esi.clone(), any_ip()).prop_map(|(rd, esi, ip)| EvpnRoute::EthernetSegment {
            rd,
            esi,
            ip
        }),
        (
            rd,
            esi,
            any::<u32>(),
            any::<bool>(),
            any::<u128>(),
            any::<u128>(),
            0u8..=128,
            label
        )
            .prop_map(|(rd, esi, etag, v4, a, g, len, label)| {
                let (prefix, gateway) = if v4 {
                    let net = Ipv4Net::new(Ipv4Addr::from(a as u32), len % 33).unwrap();
                    (IpNet::V4(net), IpAddr::V4(Ipv4Addr::from(g as u32)))
                } else {
                    let net = Ipv6Net::new(Ipv6Addr::from(a), len).unwrap();
                    (IpNet::V6(net), IpAddr::V6(Ipv6Addr::from(g)))
                };
                EvpnRoute::IpPrefix {
                    rd,
                    esi,
                    etag,
                    prefix,
                    gateway,
                    label,
                }
            }),
        (6u8.., proptest::collection::vec(any::<u8>(), 0..=255))
            .prop_map(|(route_type, value)| EvpnRoute::Unknown { route_type, value }),
    ]
}

proptest! {
    #[test]
    fn evpn_round_trip(
        routes in proptest::collection::vec((any_route(), any::<u32>()), 0..6),
        ap: bool,
    ) {
        let v: Vec<Evpn> = routes
            .into_iter()
            .map(|(route, id)| Evpn { path_id: ap.then_some(id), route })
            .collect();
        let b = enc(&v, ap);
        prop_assert_eq!(b.len(), v.iter().map(|e| e.wire_len(ap)).sum::<usize>());
        prop_assert_eq!(dec(&b, ap).unwrap(), v);
    }

    #[test]
    fn evpn_decode_never_panics_and_what_decodes_encodes_back(
        b in proptest::collection::vec(any::<u8>(), 0..120),
        ap: bool,
    ) {
        if let Ok(v) = dec(&b, ap) {
            prop_assert_eq!(enc(&v, ap), b);
        }
    }
}

/// A MAC/IP advertisement route: RD 65000:1, `esi`, Ethernet tag `etag`, MAC `mac`, IPv4
/// 10.0.0.1, label `label`.
fn mac_ip_octets(esi: u8, etag: u8, mac: u8, label: u8) -> Vec<u8> {
    let mut v = vec![2, 37];
    v.extend_from_slice(&[0, 0, 0xfd, 0xe8, 0, 0, 0, 1]);
    v.extend_from_slice(&[esi; 10]);
    v.extend_from_slice(&[0, 0, 0, etag]);
    v.push(48);
    v.extend_from_slice(&[0, 0x11, 0x22, 0x33, 0x44, mac]);
    v.push(32);
    v.extend_from_slice(&[10, 0, 0, 1]);
    v.extend_from_slice(&[0, 0, label]);
    v
}

#[test]
fn the_route_key_leaves_out_esi_labels_and_gateway() {
    use super::super::EncodedNlri;
    let k = |b: &[u8]| EncodedNlri::evpn(None, b);
    let a = mac_ip_octets(0, 100, 0x55, 1);
    assert_eq!(a.len(), 39);
    // RFC 7432 §7.2: ESI and labels are attributes, not the key.
    assert_eq!(k(&a), k(&mac_ip_octets(7, 100, 0x55, 9)));
    assert!(!k(&a).same_octets(&k(&mac_ip_octets(7, 100, 0x55, 9))));
    assert_ne!(
        k(&a),
        k(&mac_ip_octets(0, 101, 0x55, 1)),
        "another Ethernet tag"
    );
    assert_ne!(k(&a), k(&mac_ip_octets(0, 100, 0x56, 1)), "another MAC");
    assert_ne!(EncodedNlri::evpn(Some(1), &a), k(&a), "another path");
    // Without the EVPN key, every octet counts.
    assert_ne!(
        EncodedNlri::new(None, &a),
        EncodedNlri::new(None, &mac_ip_octets(7, 100, 0x55, 1))
    );
    // RFC 9136 §3.2: an IP prefix route's key is RD, Ethernet tag and prefix (not the ESI,
    // gateway and label).
    let ip_prefix = |esi: u8, prefix: u8, gw: u8, label: u8| {
        let mut v = vec![5, 34];
        v.extend_from_slice(&[0, 0, 0xfd, 0xe8, 0, 0, 0, 1]);
        v.extend_from_slice(&[esi; 10]);
        v.extend_from_slice(&[0, 0, 0, 0, 24, 10, prefix, 0, 0, 192, 0, 2, gw, 0, 0, label]);
        v
    };
    assert_eq!(k(&ip_prefix(0, 1, 1, 1)), k(&ip_prefix(3, 1, 2, 2)));
    assert_ne!(k(&ip_prefix(0, 1, 1, 1)), k(&ip_prefix(0, 2, 1, 1)));
    // Ethernet A-D (type 1): RD, ESI and tag; the label is not the key.
    let ad = |esi: u8, label: u8| {
        let mut v = vec![1, 25];
        v.extend_from_slice(&[0, 0, 0xfd, 0xe8, 0, 0, 0, 1]);
        v.extend_from_slice(&[esi; 10]);
        v.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0, 0, label]);
        v
    };
    assert_eq!(k(&ad(1, 1)), k(&ad(1, 2)));
    assert_ne!(k(&ad(1, 1)), k(&ad(2, 1)));
    // Too short for its type: all the octets are the key (and nothing panics).
    assert_ne!(k(&a[..30]), k(&a[..31]));
    assert_eq!(k(&[2]), k(&[2]));
}
