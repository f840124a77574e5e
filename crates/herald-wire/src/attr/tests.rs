//! Byte vectors for every attribute, both ways, and RFC 7606 classification.

use super::*;
use crate::error::Action;
use crate::iana::{Afi, Family, Safi};
use crate::nlri::{NlriList, Prefix};

fn ctx2() -> Context {
    Context {
        asn4: false,
        ..Context::default()
    }
}

/// Decode `hex` as one attribute, compare with `value`, and re-encode to the same octets.
fn rt_ctx(hex: &str, ctx: &Context, value: AttrValue) {
    let bytes = hex::decode(hex.replace(' ', "")).unwrap();
    let mut errors = Vec::new();
    let attrs = decode_attributes(&bytes, ctx, 0, &mut errors).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(attrs.len(), 1);
    assert_eq!(attrs[0].value, value);
    let mut out = Vec::new();
    attrs[0].encode(ctx, &mut out);
    assert_eq!(hex::encode(&out), hex::encode(&bytes));
    // And a value built from scratch encodes with the standard flags to the same octets.
    if bytes[0] & F::EXTENDED_LENGTH == 0 {
        let mut fresh = Vec::new();
        Attribute::new(value).encode(ctx, &mut fresh);
        assert_eq!(hex::encode(fresh), hex::encode(&bytes));
    }
}

fn rt(hex: &str, value: AttrValue) {
    rt_ctx(hex, &Context::default(), value)
}

/// Decode `hex` and return the single error's action and NOTIFICATION code/subcode.
fn err(hex: &str, ctx: &Context) -> (Action, u8, u8) {
    let bytes = hex::decode(hex.replace(' ', "")).unwrap();
    let mut errors = Vec::new();
    match decode_attributes(&bytes, ctx, 0, &mut errors) {
        Err(e) => {
            let n = e.notification();
            (Action::SessionReset, n.code, n.subcode)
        }
        Ok(attrs) => {
            assert_eq!(errors.len(), 1, "{errors:?} {attrs:?}");
            let n = errors[0].error.notification();
            (errors[0].action, n.code, n.subcode)
        }
    }
}

#[test]
fn origin() {
    rt("40 01 01 00", AttrValue::Origin(Origin::Igp));
    rt("40 01 01 01", AttrValue::Origin(Origin::Egp));
    rt("40 01 01 02", AttrValue::Origin(Origin::Incomplete));
}

#[test]
fn as_path_four_and_two_octets() {
    rt(
        "40 02 0a 02 02 0000fde9 0000fdf2",
        AttrValue::AsPath(AsPath::sequence(vec![65001, 65010])),
    );
    rt_ctx(
        "40 02 06 02 02 fde9 fdf2",
        &ctx2(),
        AttrValue::AsPath(AsPath::sequence(vec![65001, 65010])),
    );
    rt("40 02 00", AttrValue::AsPath(AsPath::default()));
    rt(
        "40 02 12 03 01 0000fde8 02 01 0000fde9 01 01 00000001",
        AttrValue::AsPath(AsPath {
            segments: vec![
                Segment {
                    kind: SegmentType::ConfedSequence,
                    asns: vec![65000],
                },
                Segment {
                    kind: SegmentType::Sequence,
                    asns: vec![65001],
                },
                Segment {
                    kind: SegmentType::Set,
                    asns: vec![1],
                },
            ],
        }),
    );
}

#[test]
fn next_hop_med_local_pref_atomic() {
    rt(
        "40 03 04 c0000201",
        AttrValue::NextHop(Ipv4Addr::new(192, 0, 2, 1)),
    );
    rt("80 04 04 00000064", AttrValue::Med(100));
    rt("40 05 04 000000c8", AttrValue::LocalPref(200));
    rt("40 06 00", AttrValue::AtomicAggregate);
}

#[test]
fn aggregator_two_and_four_octets() {
    let a = Aggregator {
        asn: 65001,
        address: Ipv4Addr::new(10, 0, 0, 1),
    };
    rt("c0 07 08 0000fde9 0a000001", AttrValue::Aggregator(a));
    rt_ctx("c0 07 06 fde9 0a000001", &ctx2(), AttrValue::Aggregator(a));
    rt(
        "c0 12 08 fa56ea00 0a000001",
        AttrValue::As4Aggregator(Aggregator {
            asn: 4_200_000_000,
            address: Ipv4Addr::new(10, 0, 0, 1),
        }),
    );
}

#[test]
fn communities_originator_cluster() {
    rt(
        "c0 08 08 fde80001 ffffff01",
        AttrValue::Communities(vec![Community(0xfde8_0001), Community::NO_EXPORT]),
    );
    rt(
        "80 09 04 01010101",
        AttrValue::OriginatorId(Ipv4Addr::new(1, 1, 1, 1)),
    );
    rt(
        "80 0a 08 01010101 02020202",
        AttrValue::ClusterList(vec![Ipv4Addr::new(1, 1, 1, 1), Ipv4Addr::new(2, 2, 2, 2)]),
    );
}

#[test]
fn mp_reach_and_unreach() {
    rt(
        "80 0e 1c 0002 01 10 20010db8000000000000000000000001 00 30 20010db80001",
        AttrValue::MpReach(Box::new(MpReach {
            family: Family::IPV6_UNICAST,
            next_hop: NextHop::Ipv6("2001:db8::1".parse().unwrap()),
            reserved: 0,
            nlri: NlriList::Prefixes(vec![Prefix::new("2001:db8:1::/48".parse().unwrap())]),
        })),
    );
    rt(
        "80 0f 0b 0002 01 30 20010db80001 00",
        AttrValue::MpUnreach(Box::new(MpUnreach {
            family: Family::IPV6_UNICAST,
            nlri: NlriList::Prefixes(vec![
                Prefix::new("2001:db8:1::/48".parse().unwrap()),
                Prefix::new("::/0".parse().unwrap()),
            ]),
        })),
    );
    // A family without a typed NLRI decoder keeps its NLRI raw (SR Policy here).
    rt(
        "80 0e 0d 0001 49 00 00 02 06 000000000000",
        AttrValue::MpReach(Box::new(MpReach {
            family: Family::new(Afi::IPV4, Safi::SR_POLICY),
            next_hop: NextHop::Raw(vec![]),
            reserved: 0,
            nlri: NlriList::Raw(hex::decode("0206000000000000").unwrap()),
        })),
    );
    // EVPN is typed: an Inclusive Multicast route (type 3) of RD 65000:1, 192.0.2.18.
    rt(
        "80 0e 1c 0019 46 04 c0000212 00 03 11 0000fde800000001 00000064 20 c0000212",
        AttrValue::MpReach(Box::new(MpReach {
            family: Family::new(Afi::L2VPN, Safi::EVPN),
            next_hop: NextHop::Ipv4("192.0.2.18".parse().unwrap()),
            reserved: 0,
            nlri: NlriList::Evpn(vec![crate::nlri::Evpn {
                path_id: None,
                route: crate::nlri::EvpnRoute::InclusiveMulticast {
                    rd: crate::nlri::RouteDistinguisher::parse("65000:1").unwrap(),
                    etag: 100,
                    ip: "192.0.2.18".parse().unwrap(),
                },
            }]),
        })),
    );
    // Flowspec is typed: destination 10.0.0.0/24, protocol =tcp.
    rt(
        "80 0e 0e 0001 85 00 00 08 01 18 0a0000 03 81 06",
        AttrValue::MpReach(Box::new(MpReach {
            family: Family::new(Afi::IPV4, Safi::FLOW),
            next_hop: NextHop::Raw(vec![]),
            reserved: 0,
            nlri: NlriList::decode(
                Family::new(Afi::IPV4, Safi::FLOW),
                &hex::decode("0801180a0000038106").unwrap(),
                false,
            )
            .unwrap(),
        })),
    );
}

#[test]
fn extended_communities_keep_every_type() {
    rt(
        "c0 10 18 0002fde800000064 8006000000000000 0303000000000008",
        AttrValue::ExtCommunities(vec![
            ExtCommunity([0x00, 0x02, 0xfd, 0xe8, 0, 0, 0, 0x64]),
            ExtCommunity([0x80, 0x06, 0, 0, 0, 0, 0, 0]),
            ExtCommunity([0x03, 0x03, 0, 0, 0, 0, 0, 0x08]),
        ]),
    );
}

#[test]
fn as4_path_pmsi_ipv6_ext_aigp_large_otc() {
    rt(
        "c0 11 06 02 01 fa56ea00",
        AttrValue::As4Path(AsPath::sequence(vec![4_200_000_000])),
    );
    rt(
        "c0 16 09 00 06 000064 c0000201",
        AttrValue::PmsiTunnel(Box::new(PmsiTunnel {
            flags: 0,
            tunnel_type: 6,
            label: 100,
            tunnel_id: vec![192, 0, 2, 1],
        })),
    );
    let mut v6 = [0u8; 20];
    v6[0] = 0x00;
    v6[1] = 0x02;
    v6[2..18].copy_from_slice(
        &"2001:db8::1"
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
            .octets(),
    );
    v6[19] = 5;
    rt(
        "c0 19 14 0002 20010db8000000000000000000000001 0005",
        AttrValue::Ipv6ExtCommunities(vec![Ipv6ExtCommunity(v6)]),
    );
    let aigp = AttrValue::aigp(1000);
    assert_eq!(aigp.aigp_metric(), Some(1000));
    rt("80 1a 0b 01 000b 00000000000003e8", aigp);
    rt(
        "c0 20 0c 0000fde9 00000001 00000002",
        AttrValue::LargeCommunities(vec![LargeCommunity {
            global: 65001,
            local1: 1,
            local2: 2,
        }]),
    );
    rt("c0 23 04 0000fde9", AttrValue::Otc(65001));
}

#[test]
fn unknown_attributes_round_trip_and_get_partial_when_passed_on() {
    rt(
        "c0 63 03 010203",
        AttrValue::Unknown {
            type_code: 99,
            data: vec![1, 2, 3],
        },
    );
    let a = Attribute {
        flags: 0xc0,
        value: AttrValue::Unknown {
            type_code: 99,
            data: vec![],
        },
    };
    assert_eq!(a.flags_for_propagation(), 0xe0);
    let known = Attribute::new(AttrValue::Med(1));
    assert_eq!(known.flags_for_propagation(), 0x80);
}

#[test]
fn extended_length_on_a_short_value_is_kept() {
    rt("50 01 0001 00", AttrValue::Origin(Origin::Igp));
}

#[test]
fn long_values_get_extended_length() {
    let c: Vec<_> = (0..100).map(Community).collect();
    let mut out = Vec::new();
    Attribute::new(AttrValue::Communities(c)).encode(&Context::default(), &mut out);
    assert_eq!(&out[..4], &[0xd0, 8, 1, 0x90]);
    assert_eq!(out.len(), 404);
}

#[test]
fn rfc7606_treat_as_withdraw_cases() {
    let c = Context::default();
    assert_eq!(err("40 01 01 03", &c), (Action::TreatAsWithdraw, 3, 6));
    assert_eq!(err("40 01 02 0000", &c), (Action::TreatAsWithdraw, 3, 5));
    assert_eq!(
        err("40 02 03 02 01 00", &c),
        (Action::TreatAsWithdraw, 3, 11)
    );
    assert_eq!(
        err("40 03 05 0102030405", &c),
        (Action::TreatAsWithdraw, 3, 5)
    );
    assert_eq!(err("80 04 03 000001", &c), (Action::TreatAsWithdraw, 3, 5));
    assert_eq!(
        err("c0 08 05 0000000001", &c),
        (Action::TreatAsWithdraw, 3, 9)
    );
    assert_eq!(
        err("c0 10 07 00000000000000", &c),
        (Action::TreatAsWithdraw, 3, 9)
    );
    assert_eq!(
        err("c0 20 0b 0000000000000000000000", &c),
        (Action::TreatAsWithdraw, 3, 9)
    );
    assert_eq!(err("80 0a 03 010101", &c), (Action::TreatAsWithdraw, 3, 5));
    // Wrong Optional bit on MED: flags error.
    assert_eq!(
        err("40 04 04 00000001", &c),
        (Action::TreatAsWithdraw, 3, 4)
    );
    // Length overruns the attribute block.
    assert_eq!(err("40 01 05 00", &c), (Action::TreatAsWithdraw, 3, 5));
}

#[test]
fn rfc7606_attribute_discard_cases() {
    let c = Context::default();
    assert_eq!(err("40 06 01 00", &c), (Action::AttributeDiscard, 3, 5));
    assert_eq!(
        err("c0 07 05 0000000001", &c),
        (Action::AttributeDiscard, 3, 5)
    );
    assert_eq!(err("c0 11 03 020100", &c), (Action::AttributeDiscard, 3, 9));
    assert_eq!(
        err("c0 12 04 00000001", &c),
        (Action::AttributeDiscard, 3, 5)
    );
    assert_eq!(
        err("80 1a 03 01 0002", &c),
        (Action::AttributeDiscard, 3, 9)
    );
}

#[test]
fn rfc7606_session_reset_and_afi_safi_disable_cases() {
    let c = Context::default();
    // An unrecognised well-known attribute.
    assert_eq!(err("40 63 00", &c), (Action::SessionReset, 3, 2));
    // MP_REACH twice.
    assert_eq!(
        err("80 0f 03 000101 80 0f 03 000101", &c),
        (Action::SessionReset, 3, 1)
    );
    // MP_REACH whose NLRI does not parse: the family is known, so AFI/SAFI disable.
    assert_eq!(
        err("80 0e 0b 0001 01 04 0a000001 00 21 00", &c),
        (Action::AfiSafiDisable, 3, 10)
    );
    // MP_REACH too short to name its family: session reset.
    assert_eq!(err("80 0e 02 0001", &c), (Action::SessionReset, 3, 9));
    // RFC 7606 §7.11: a 5-octet next hop for IPv4 unicast, and a 4-octet one for IPv6 unicast.
    assert_eq!(
        err("80 0e 0e 0001 01 05 0a00000100 00 18 0a0000", &c),
        (Action::AfiSafiDisable, 3, 9)
    );
    assert_eq!(
        err("80 0e 0c 0002 01 04 0a000001 00 10 2001", &c),
        (Action::AfiSafiDisable, 3, 9)
    );
    // The lengths each family can have still decode: IPv6 next hop for IPv4 (RFC 8950).
    let ok = hex::decode("800e190001011020010db800000000000000000000000100180a0000").unwrap();
    let mut errors = Vec::new();
    assert!(decode_attributes(&ok, &c, 0, &mut errors).is_ok());
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn repeated_ordinary_attributes_keep_the_first() {
    let bytes = hex::decode("400101004001010240010101").unwrap();
    let mut errors = Vec::new();
    let attrs = decode_attributes(&bytes, &Context::default(), 0, &mut errors).unwrap();
    assert_eq!(attrs, vec![Attribute::new(AttrValue::Origin(Origin::Igp))]);
    assert!(errors.is_empty());
}

#[test]
fn notification_data_is_the_offending_attribute() {
    let bytes = hex::decode("40010103").unwrap();
    let mut errors = Vec::new();
    decode_attributes(&bytes, &Context::default(), 0, &mut errors).unwrap();
    assert_eq!(errors[0].error.notification().data, bytes);
}

#[test]
fn only_an_attribute_running_past_the_block_overruns_it() {
    let c = Context::default();
    let errors_of = |h: &str| {
        let bytes = hex::decode(h.replace(' ', "")).unwrap();
        let mut errors = Vec::new();
        let _ = decode_attributes(&bytes, &c, 0, &mut errors);
        errors
    };
    // MED declaring 32 octets with 4 left: overrun, parsing stops.
    let e = errors_of("40010100 4004200000000000");
    assert_eq!(e.len(), 1);
    assert!(e[0].overruns_block());
    // Extended length form too.
    let e = errors_of("40010100 5004 0020 00000000");
    assert!(e.first().is_some_and(|e| e.overruns_block()), "{e:?}");
    // An ORIGIN of two octets is a length error inside the block: parsing goes on.
    let e = errors_of("40010200 00 4004 04 00000001");
    assert!(
        !e.is_empty() && e.iter().all(|e| !e.overruns_block()),
        "{e:?}"
    );
}

#[test]
fn a_next_hop_that_is_no_host_address_is_treat_as_withdraw() {
    let c = Context::default();
    for nh in ["00000000", "e0000001", "f0000001", "ffffffff"] {
        assert_eq!(
            err(&format!("40 03 04 {nh}"), &c),
            (Action::TreatAsWithdraw, 3, 8),
            "{nh}"
        );
    }
}

#[test]
fn a_next_hop_equal_to_the_receivers_own_address_is_treat_as_withdraw() {
    let own = Context {
        local_address: Some(std::net::IpAddr::from([192, 0, 2, 1])),
        ..Context::default()
    };
    assert_eq!(
        err("40 03 04 c0000201", &own),
        (Action::TreatAsWithdraw, 3, 8)
    );
    // Another address, or the same one with no local address known, is a next hop.
    rt_ctx(
        "40 03 04 c0000202",
        &own,
        AttrValue::NextHop(Ipv4Addr::new(192, 0, 2, 2)),
    );
    rt(
        "40 03 04 c0000201",
        AttrValue::NextHop(Ipv4Addr::new(192, 0, 2, 1)),
    );
}

#[test]
fn ibgp_only_attributes_from_an_external_peer_are_discarded_when_malformed() {
    let ebgp = Context {
        ebgp: true,
        ..Context::default()
    };
    let ibgp = Context::default();
    for (case, hex) in [
        ("LOCAL_PREF of 3 octets", "40 05 03 000064"),
        ("ORIGINATOR_ID of 3 octets", "80 09 03 c00002"),
        ("CLUSTER_LIST of 5 octets", "80 0a 05 c000020101"),
    ] {
        assert_eq!(err(hex, &ebgp), (Action::AttributeDiscard, 3, 5), "{case}");
        assert_eq!(err(hex, &ibgp), (Action::TreatAsWithdraw, 3, 5), "{case}");
    }
    // Wrong flags too (RFC 7606 §3(c) takes the attribute's own action).
    assert_eq!(
        err("c0 05 04 00000064", &ebgp),
        (Action::AttributeDiscard, 3, 4)
    );
    assert_eq!(
        err("c0 05 04 00000064", &ibgp),
        (Action::TreatAsWithdraw, 3, 4)
    );
    // A well-formed one is kept as received: herald selects no routes, programs see it.
    rt_ctx("40 05 04 00000064", &ebgp, AttrValue::LocalPref(100));
}

#[test]
fn confederation_segments_from_an_external_peer_make_as_path_malformed() {
    let ebgp = Context {
        ebgp: true,
        ..Context::default()
    };
    for seg in ["03 01 0000fdea", "04 01 0000fdea"] {
        let hex = format!("40 02 0c {seg} 02 01 0000fdea");
        assert_eq!(err(&hex, &ebgp), (Action::TreatAsWithdraw, 3, 11), "{seg}");
        // From an internal peer (a confederation member) the path is fine.
        let bytes = hex::decode(hex.replace(' ', "")).unwrap();
        let mut errors = Vec::new();
        decode_attributes(&bytes, &Context::default(), 0, &mut errors).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
    }
}

#[test]
fn prefix_sid_is_typed_and_a_malformed_one_is_discarded_rfc8669_6() {
    rt(
        "c0 28 0a 01 0007 00 0000 00000309",
        AttrValue::PrefixSid(Box::new(PrefixSid {
            tlvs: vec![prefix_sid::PrefixSidTlv::LabelIndex {
                reserved: 0,
                flags: 0,
                index: 777,
            }],
        })),
    );
    let c = Context::default();
    // Label-Index TLV of length 6: the attribute is dropped, the route kept (3/9 data).
    assert_eq!(
        err("c0 28 09 01 0006 00 0000 000003", &c),
        (Action::AttributeDiscard, 3, 9)
    );
    // Sent as well-known (Optional bit clear): also only the attribute is dropped.
    assert_eq!(
        err("40 28 0a 01 0007 00 0000 00000309", &c),
        (Action::AttributeDiscard, 3, 4)
    );
}
