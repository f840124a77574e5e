use super::*;
use proptest::prelude::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

fn dec(b: &[u8], ap: bool) -> Result<Vec<Mvpn>, &'static str> {
    let mut v = Vec::new();
    decode_into(b, ap, &mut v)?;
    Ok(v)
}

fn enc(v: &[Mvpn], ap: bool) -> Vec<u8> {
    let mut out = Vec::new();
    v.iter().for_each(|m| m.encode(ap, &mut out));
    out
}

fn rd(s: &str) -> RouteDistinguisher {
    RouteDistinguisher::parse(s).unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// The routes of ExaBGP's conf-mvpn.conf, as RFC 6514 §4.5/§4.6 lays them out: RD 65000:99999
/// (type 0), source AS 65000, then length-in-bits and address for the source (or C-RP) and the
/// group.
fn conf_mvpn() -> Vec<(&'static str, MvpnRoute)> {
    vec![
        (
            "06 16 0000FDE80001869F 0000FDE8 20 0A63C701 20 EFFBFFE4",
            MvpnRoute::SharedTreeJoin {
                rd: rd("65000:99999"),
                source_as: 65000,
                rp: ip("10.99.199.1"),
                group: ip("239.251.255.228"),
            },
        ),
        (
            "07 16 0000FDE80001869F 0000FDE8 20 0A630C02 20 EFFBFFE4",
            MvpnRoute::SourceTreeJoin {
                rd: rd("65000:99999"),
                source_as: 65000,
                source: ip("10.99.12.2"),
                group: ip("239.251.255.228"),
            },
        ),
        (
            "05 12 0000FDE80001869F 20 0A630C04 20 EFFBFFE4",
            MvpnRoute::SourceActiveAd {
                rd: rd("65000:99999"),
                source: ip("10.99.12.4"),
                group: ip("239.251.255.228"),
            },
        ),
        (
            "06 2E 0000FDE80001869F 0000FDE8 80 FD000000000000000000000000000001 \
             80 FF0E0000000000000000000000000001",
            MvpnRoute::SharedTreeJoin {
                rd: rd("65000:99999"),
                source_as: 65000,
                rp: ip("fd00::1"),
                group: ip("ff0e::1"),
            },
        ),
        (
            "07 2E 0000FDE80001869F 0000FDE8 80 FD120000000000000000000000000002 \
             80 FF0E0000000000000000000000000001",
            MvpnRoute::SourceTreeJoin {
                rd: rd("65000:99999"),
                source_as: 65000,
                source: ip("fd12::2"),
                group: ip("ff0e::1"),
            },
        ),
        (
            "05 2A 0000FDE80001869F 80 FD120000000000000000000000000004 \
             80 FF0E0000000000000000000000000001",
            MvpnRoute::SourceActiveAd {
                rd: rd("65000:99999"),
                source: ip("fd12::4"),
                group: ip("ff0e::1"),
            },
        ),
    ]
}

#[test]
fn conf_mvpn_routes_decode_and_encode_byte_for_byte() {
    for (hex, route) in conf_mvpn() {
        let b = h(hex);
        let m = Mvpn {
            path_id: None,
            route: route.clone(),
        };
        assert_eq!(dec(&b, false).unwrap(), vec![m.clone()], "{hex}");
        assert_eq!(m.route_bytes(), b, "{route}");
        assert_eq!(m.wire_len(false), b.len());
    }
}

#[test]
fn routes_display_in_exabgp_configuration_words() {
    let words: Vec<String> = conf_mvpn().iter().map(|(_, r)| r.to_string()).collect();
    assert_eq!(
        words.first().map(String::as_str),
        Some("shared-join rp 10.99.199.1 group 239.251.255.228 rd 65000:99999 source-as 65000")
    );
    assert_eq!(
        words.get(1).map(String::as_str),
        Some("source-join source 10.99.12.2 group 239.251.255.228 rd 65000:99999 source-as 65000")
    );
    assert_eq!(
        words.get(5).map(String::as_str),
        Some("source-ad source fd12::4 group ff0e::1 rd 65000:99999")
    );
}

#[test]
fn several_routes_with_path_identifiers_decode_in_order() {
    let (a, b) = (h(conf_mvpn()[0].0), h(conf_mvpn()[5].0));
    let mut wire = h("00000007");
    wire.extend_from_slice(&a);
    wire.extend_from_slice(&h("00000009"));
    wire.extend_from_slice(&b);
    let v = dec(&wire, true).unwrap();
    assert_eq!(
        v.iter().map(|m| m.path_id).collect::<Vec<_>>(),
        [Some(7), Some(9)]
    );
    assert_eq!(v[1].route, conf_mvpn()[5].1);
    assert_eq!(enc(&v, true), wire);
    // Without ADD-PATH on the session the identifiers are left out.
    assert_eq!(enc(&v, false), [a, b].concat());
}

#[test]
fn other_route_types_and_wildcards_are_kept_as_octets() {
    // Type 1 Intra-AS I-PMSI A-D route (RFC 6514 §4.1): RD and originating router's IP.
    let ipmsi = h("01 0C 0000FDE800000001 C0000201");
    // Type 7 with a wildcard source (RFC 6625: length 0).
    let wildcard = h("07 12 0000FDE80001869F 0000FDE8 00 20 EFFBFFE4");
    let wire = [ipmsi.clone(), wildcard.clone()].concat();
    let v = dec(&wire, false).unwrap();
    assert_eq!(
        v.iter().map(|m| &m.route).collect::<Vec<_>>(),
        [
            &MvpnRoute::Other {
                route_type: 1,
                value: ipmsi[2..].to_vec()
            },
            &MvpnRoute::Other {
                route_type: 7,
                value: wildcard[2..].to_vec()
            }
        ]
    );
    assert_eq!(v[0].route.name(), None);
    assert_eq!(enc(&v, false), wire);
    assert_eq!(
        v[0].route.to_string(),
        "route-type 1 value 0x0000FDE800000001C0000201"
    );
}

#[test]
fn malformed_routes_are_errors() {
    for (hex, why) in [
        ("05", "no length octet"),
        (
            "05 12 0000FDE80001869F 20 0A630C04 20 EFFB",
            "length past the end",
        ),
        (
            "05 0F 0000FDE80001869F 20 0A630C04 20 EF",
            "group cut short",
        ),
        (
            "05 13 0000FDE80001869F 20 0A630C04 20 EFFBFFE4 00",
            "an octet too many",
        ),
        (
            "05 12 0000FDE80001869F 21 0A630C04 20 EFFBFFE4",
            "source length 33",
        ),
        (
            "05 12 0000FDE80001869F 20 0A630C04 18 EFFBFF E4",
            "group length 24",
        ),
        ("06 0A 0000FDE80001869F 0000", "source AS cut short"),
        ("07 07 0000FDE80001869F", "RD cut short"),
        ("00000001 05", "path identifier then no length"),
    ] {
        let ap = why.starts_with("path");
        assert!(dec(&h(hex), ap).is_err(), "{why}: {hex}");
    }
}

#[test]
fn mixed_address_families_are_typed() {
    // An IPv4 source with an IPv6 group: each length octet says its own family.
    let b = h("05 1E 0000FDE80001869F 20 0A630C04 80 FF0E0000000000000000000000000001");
    let v = dec(&b, false).unwrap();
    assert_eq!(
        v[0].route,
        MvpnRoute::SourceActiveAd {
            rd: rd("65000:99999"),
            source: ip("10.99.12.4"),
            group: ip("ff0e::1"),
        }
    );
    assert_eq!(enc(&v, false), b);
}

fn any_ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|a| IpAddr::V4(Ipv4Addr::from(a))),
        any::<u128>().prop_map(|a| IpAddr::V6(Ipv6Addr::from(a))),
    ]
}

fn any_route() -> impl Strategy<Value = MvpnRoute> {
    let rd = any::<[u8; 8]>().prop_map(RouteDistinguisher);
    prop_oneof![
        (rd.clone(), any_ip(), any_ip())
            .prop_map(|(rd, source, group)| MvpnRoute::SourceActiveAd { rd, source, group }),
        (rd.clone(), any::<u32>(), any_ip(), any_ip()).prop_map(|(rd, source_as, rp, group)| {
            MvpnRoute::SharedTreeJoin {
                rd,
                source_as,
                rp,
                group,
            }
        }),
        (rd, any::<u32>(), any_ip(), any_ip()).prop_map(|(rd, source_as, source, group)| {
            MvpnRoute::SourceTreeJoin {
                rd,
                source_as,
                source,
                group,
            }
        }),
        (
            any::<u8>().prop_filter("typed", |t| !(5..=7).contains(t)),
            proptest::collection::vec(any::<u8>(), 0..=255)
        )
            .prop_map(|(route_type, value)| MvpnRoute::Other { route_type, value }),
    ]
}

proptest! {
    #[test]
    fn mvpn_round_trip(
        routes in proptest::collection::vec((any_route(), any::<u32>()), 0..6),
        ap: bool,
    ) {
        let v: Vec<Mvpn> = routes
            .into_iter()
            .map(|(route, id)| Mvpn { path_id: ap.then_some(id), route })
            .collect();
        let b = enc(&v, ap);
        prop_assert_eq!(b.len(), v.iter().map(|m| m.wire_len(ap)).sum::<usize>());
        prop_assert_eq!(dec(&b, ap).unwrap(), v);
    }

    #[test]
    fn mvpn_decode_never_panics_and_what_decodes_encodes_back(
        b in proptest::collection::vec(any::<u8>(), 0..120),
        ap: bool,
    ) {
        if let Ok(v) = dec(&b, ap) {
            prop_assert_eq!(enc(&v, ap), b);
        }
    }
}
