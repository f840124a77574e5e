//! UPDATE byte vectors both ways, RFC 7606 at message level, and a round-trip property test.

use super::*;
use crate::attr::{Community, NextHop, Origin};
use crate::error::Action;
use crate::iana::Safi;
use proptest::prelude::*;
use std::net::Ipv4Addr;

fn body(h: &str) -> Vec<u8> {
    hex::decode(h.replace(' ', "")).unwrap()
}

fn p(s: &str) -> Prefix {
    Prefix::new(s.parse().unwrap())
}

#[test]
fn ipv4_unicast_update_both_ways() {
    // From `exabgp decode`'s documentation example (ORIGIN IGP, AS_PATH 65533, NEXT_HOP 10.0.1.254).
    let b = body("0000 0014 40010100 40020602010000fffd 4003040a0001fe 180a0000");
    let u = Update::decode(&b, &Context::default()).unwrap();
    assert_eq!(
        u,
        Update {
            withdrawn: vec![],
            attributes: vec![
                Attribute::new(AttrValue::Origin(Origin::Igp)),
                Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![65533]))),
                Attribute::new(AttrValue::NextHop(Ipv4Addr::new(10, 0, 1, 254))),
            ],
            nlri: vec![p("10.0.0.0/24")],
            errors: vec![],
        }
    );
    let mut out = Vec::new();
    u.encode_body(&Context::default(), &mut out);
    assert_eq!(out, b);
}

#[test]
fn withdrawn_only_update() {
    let b = body("0005 180a0000 00 0000");
    let u = Update::decode(&b, &Context::default()).unwrap();
    assert_eq!(u.withdrawn, vec![p("10.0.0.0/24"), p("0.0.0.0/0")]);
    assert!(u.errors.is_empty());
    let mut out = Vec::new();
    u.encode_body(&Context::default(), &mut out);
    assert_eq!(out, b);
}

#[test]
fn end_of_rib_markers() {
    let v4 = Update::decode(&body("0000 0000"), &Context::default()).unwrap();
    assert_eq!(v4.end_of_rib(), Some(Family::IPV4_UNICAST));
    let v6 = Update::decode(&body("0000 0007 900f0003 000201"), &Context::default()).unwrap();
    assert_eq!(v6.end_of_rib(), Some(Family::IPV6_UNICAST));
    let mut out = Vec::new();
    Update::end_of_rib_for(Family::IPV6_UNICAST).encode_body(&Context::default(), &mut out);
    assert_eq!(out, body("0000 0007 900f0003 000201"));
    // An UPDATE with attributes is not an End-of-RIB.
    let u = Update::decode(&body("0000 0004 40010100"), &Context::default()).unwrap();
    assert_eq!(u.end_of_rib(), None);
}

#[test]
fn bad_lengths_are_session_resets() {
    let c = Context::default();
    let n = Update::decode(&body("0010 00"), &c)
        .unwrap_err()
        .notification();
    assert_eq!((n.code, n.subcode), (3, 1));
    let n = Update::decode(&body("0000 0010 400101"), &c)
        .unwrap_err()
        .notification();
    assert_eq!((n.code, n.subcode), (3, 1));
    let n = Update::decode(&body("00"), &c).unwrap_err().notification();
    assert_eq!((n.code, n.subcode), (3, 1));
    // NLRI that does not parse: 3/10.
    let n = Update::decode(&body("0000 0000 2101020304"), &c)
        .unwrap_err()
        .notification();
    assert_eq!((n.code, n.subcode), (3, 10));
    let n = Update::decode(&body("0002 1801 0000"), &c)
        .unwrap_err()
        .notification();
    assert_eq!((n.code, n.subcode), (3, 10));
}

#[test]
fn missing_mandatory_attributes_are_treat_as_withdraw() {
    let u = Update::decode(&body("0000 0004 40010100 180a0000"), &Context::default()).unwrap();
    assert_eq!(u.action(), Some(Action::TreatAsWithdraw));
    let missing: Vec<_> = u
        .errors
        .iter()
        .map(|e| e.error.notification())
        .map(|n| (n.code, n.subcode, n.data))
        .collect();
    assert_eq!(missing, vec![(3, 3, vec![2]), (3, 3, vec![3])]);
    // Without NLRI, nothing is mandatory.
    let u = Update::decode(&body("0000 0004 40010100"), &Context::default()).unwrap();
    assert_eq!(u.action(), None);
}

#[test]
fn treat_as_withdraw_keeps_the_prefixes_to_withdraw() {
    let u = Update::decode(
        &body("0000 000e 40010109 400200 4003040a0001fe 180a0000"),
        &Context::default(),
    )
    .unwrap();
    assert_eq!(u.action(), Some(Action::TreatAsWithdraw));
    assert_eq!(u.nlri, vec![p("10.0.0.0/24")]);
}

#[test]
fn attribute_discard_keeps_the_route() {
    let u = Update::decode(
        &body("0000 0012 40010100 400200 4003040a0001fe c0070100 180a0000"),
        &Context::default(),
    )
    .unwrap();
    assert_eq!(u.action(), Some(Action::AttributeDiscard));
    assert!(u.get(T::AGGREGATOR).is_none());
    assert_eq!(u.nlri.len(), 1);
}

#[test]
fn effective_as_path_and_aggregator_on_two_octet_sessions() {
    let ctx = Context {
        asn4: false,
        ..Context::default()
    };
    let b = body("0000 0031 40010100 4002060202fde95ba0 4003040a0001fe c007065ba00a000001 c0110602 01fa56ea00 c01208fa56ea000a000001");
    let u = Update::decode(&b, &ctx).unwrap();
    assert!(u.errors.is_empty(), "{:?}", u.errors);
    let path = u.effective_as_path().unwrap();
    assert_eq!(path.route_len(), 2);
    assert_eq!(path.segments.last().unwrap().asns, vec![4_200_000_000]);
    assert_eq!(u.effective_aggregator().unwrap().asn, 4_200_000_000);
    let mut out = Vec::new();
    u.encode_body(&ctx, &mut out);
    assert_eq!(out, b);
}

#[test]
fn mp_reach_ipv6_update_round_trips_with_add_path() {
    let ctx = Context {
        add_path: vec![Family::IPV6_UNICAST],
        ..Context::default()
    };
    let b = body("0000 002a 40010100 400200 80 0e 20 0002 01 10 20010db8000000000000000000000001 00 00000001 30 20010db80001");
    let u = Update::decode(&b, &ctx).unwrap();
    let m = u.mp_reach().unwrap();
    assert_eq!(m.next_hop, NextHop::Ipv6("2001:db8::1".parse().unwrap()));
    assert_eq!(m.nlri.prefixes()[0].path_id, Some(1));
    let mut out = Vec::new();
    u.encode_body(&ctx, &mut out);
    assert_eq!(out, b);
}

fn without_ext_len(u: &Update) -> Update {
    let mut u = u.clone();
    for a in &mut u.attributes {
        a.flags &= !crate::iana::attr_flags::EXTENDED_LENGTH;
    }
    u
}

fn arb_prefix(v6: bool, add_path: bool) -> impl Strategy<Value = Prefix> {
    let id = if add_path {
        proptest::option::of(any::<u32>())
            .prop_map(|o| Some(o.unwrap_or(0)))
            .boxed()
    } else {
        Just(None).boxed()
    };
    let net = if v6 {
        (any::<u128>(), 0u8..=128)
            .prop_map(|(a, l)| {
                let masked = if l == 0 {
                    0
                } else {
                    a & (!0u128 << (128 - u32::from(l)))
                };
                ipnet::IpNet::V6(ipnet::Ipv6Net::new(std::net::Ipv6Addr::from(masked), l).unwrap())
            })
            .boxed()
    } else {
        (any::<u32>(), 0u8..=32)
            .prop_map(|(a, l)| {
                let masked = if l == 0 {
                    0
                } else {
                    a & (!0u32 << (32 - u32::from(l)))
                };
                ipnet::IpNet::V4(ipnet::Ipv4Net::new(Ipv4Addr::from(masked), l).unwrap())
            })
            .boxed()
    };
    (id, net).prop_map(|(path_id, net)| Prefix { path_id, net })
}

fn arb_attrs() -> impl Strategy<Value = Vec<Attribute>> {
    (
        0u8..3,
        proptest::collection::vec(any::<u32>(), 0..5),
        proptest::option::of(any::<u32>()),
        proptest::option::of(any::<u32>()),
        proptest::collection::vec(any::<u32>(), 0..4),
        proptest::collection::vec(any::<[u8; 8]>(), 0..3),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..300)),
    )
        .prop_map(|(o, path, med, lp, comms, ext, unknown)| {
            let mut v = vec![
                Attribute::new(AttrValue::Origin(
                    [Origin::Igp, Origin::Egp, Origin::Incomplete][usize::from(o)],
                )),
                Attribute::new(AttrValue::AsPath(AsPath::sequence(path))),
                Attribute::new(AttrValue::NextHop(Ipv4Addr::new(192, 0, 2, 1))),
            ];
            if let Some(m) = med {
                v.push(Attribute::new(AttrValue::Med(m)));
            }
            if let Some(l) = lp {
                v.push(Attribute::new(AttrValue::LocalPref(l)));
            }
            if !comms.is_empty() {
                v.push(Attribute::new(AttrValue::Communities(
                    comms.into_iter().map(Community).collect(),
                )));
            }
            if !ext.is_empty() {
                v.push(Attribute::new(AttrValue::ExtCommunities(
                    ext.into_iter().map(crate::attr::ExtCommunity).collect(),
                )));
            }
            if let Some(data) = unknown {
                v.push(Attribute::new(AttrValue::Unknown {
                    type_code: 200,
                    data,
                }));
            }
            v
        })
}

proptest! {
    #[test]
    fn ipv4_updates_round_trip(
        add_path in any::<bool>(),
        asn4 in any::<bool>(),
        attrs in arb_attrs(),
        nlri in proptest::collection::vec(arb_prefix(false, true), 1..50),
        withdrawn in proptest::collection::vec(arb_prefix(false, true), 0..20),
    ) {
        let ctx = Context { asn4, add_path: if add_path { vec![Family::IPV4_UNICAST] } else { vec![] }, max_message_len: 65535, ..Context::default() };
        let strip = |v: Vec<Prefix>| v.into_iter().map(|p| Prefix { path_id: if add_path { p.path_id } else { None }, ..p }).collect::<Vec<_>>();
        let mut attrs = attrs;
        if !asn4 {
            // AS numbers above 65535 become AS_TRANS on a 2-octet session: keep them small.
            for a in &mut attrs {
                if let AttrValue::AsPath(p) = &mut a.value {
                    for s in &mut p.segments { for x in &mut s.asns { *x &= 0xffff; } }
                }
            }
        }
        let u = Update { withdrawn: strip(withdrawn), attributes: attrs, nlri: strip(nlri), errors: vec![] };
        let mut b = Vec::new();
        u.encode_body(&ctx, &mut b);
        let d = Update::decode(&b, &ctx).unwrap();
        // The encoder sets Extended Length on values over 255 octets; nothing else changes.
        prop_assert_eq!(&without_ext_len(&d), &without_ext_len(&u));
        let mut again = Vec::new();
        d.encode_body(&ctx, &mut again);
        prop_assert_eq!(again, b);
    }

    #[test]
    fn ipv6_mp_reach_round_trips(
        add_path in any::<bool>(),
        nlri in proptest::collection::vec(arb_prefix(true, true), 1..40),
    ) {
        let ctx = Context { add_path: if add_path { vec![Family::IPV6_UNICAST] } else { vec![] }, ..Context::default() };
        let nlri: Vec<_> = nlri.into_iter().map(|p| Prefix { path_id: if add_path { p.path_id } else { None }, ..p }).collect();
        let u = Update {
            attributes: vec![
                Attribute::new(AttrValue::Origin(Origin::Igp)),
                Attribute::new(AttrValue::AsPath(AsPath::default())),
                Attribute::new(AttrValue::MpReach(Box::new(crate::attr::MpReach {
                    family: Family::new(crate::iana::Afi::IPV6, Safi::UNICAST),
                    next_hop: NextHop::Ipv6("2001:db8::1".parse().unwrap()),
                    reserved: 0,
                    nlri: crate::nlri::NlriList::Prefixes(nlri),
                }))),
            ],
            ..Update::default()
        };
        let mut b = Vec::new();
        u.encode_body(&ctx, &mut b);
        prop_assert_eq!(without_ext_len(&Update::decode(&b, &ctx).unwrap()), without_ext_len(&u));
    }

    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200), asn4 in any::<bool>()) {
        let ctx = Context { asn4, add_path: vec![Family::IPV4_UNICAST], ..Context::default() };
        let _ = Update::decode(&bytes, &ctx);
    }
}
