//! Byte vectors both ways (the attribute values ExaBGP 5.0.15's own `PrefixSid` classes pack for
//! `bgp-prefix-sid [ 777 ]`, `[ 300, [ ( 800000,4096 ), ( 1000000,5000 ) ] ]` and
//! `bgp-prefix-sid-srv6 ( l3-service 2001:db8:1:1:: 0x48 [64,24,16,0,0,0] )` / `( l2-service
//! 2001:db8:1:1:: )`), RFC 8669 §6 handling and a round-trip property.

use super::*;
use proptest::prelude::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

fn both_ways(hex: &str, value: PrefixSid) {
    let bytes = h(hex);
    assert_eq!(PrefixSid::decode(&bytes).as_ref(), Some(&value));
    let mut out = Vec::new();
    value.encode(&mut out);
    assert_eq!(hex::encode(out), hex::encode(bytes));
}

fn sid() -> Ipv6Addr {
    "2001:db8:1:1::".parse().unwrap()
}

#[test]
fn label_index_tlv_both_ways() {
    both_ways(
        "01 0007 00 0000 00000309",
        PrefixSid {
            tlvs: vec![PrefixSidTlv::LabelIndex {
                reserved: 0,
                flags: 0,
                index: 777,
            }],
        },
    );
}

#[test]
fn label_index_and_originator_srgb_both_ways() {
    both_ways(
        "01 0007 00 0000 0000012c  03 000e 0000 0c3500 001000 0f4240 001388",
        PrefixSid {
            tlvs: vec![
                PrefixSidTlv::LabelIndex {
                    reserved: 0,
                    flags: 0,
                    index: 300,
                },
                PrefixSidTlv::OriginatorSrgb {
                    flags: 0,
                    ranges: vec![(800_000, 4096), (1_000_000, 5000)],
                },
            ],
        },
    );
}

#[test]
fn srv6_l3_service_with_sid_structure_both_ways() {
    let st = SidStructure::from_array([64, 24, 16, 0, 0, 0]);
    both_ways(
        "05 0022 00  01 001e 00 20010db8000100010000000000000000 00 0048 00  01 0006 401810000000",
        PrefixSid {
            tlvs: vec![PrefixSidTlv::Srv6L3Service(Srv6Service {
                reserved: 0,
                sub_tlvs: vec![Srv6SubTlv::SidInformation(SidInformation::new(
                    sid(),
                    0x48,
                    Some(st),
                ))],
            })],
        },
    );
}

#[test]
fn srv6_l2_service_without_structure_both_ways() {
    both_ways(
        "06 0019 00  01 0015 00 20010db8000100010000000000000000 00 ffff 00",
        PrefixSid {
            tlvs: vec![PrefixSidTlv::Srv6L2Service(Srv6Service {
                reserved: 0,
                sub_tlvs: vec![Srv6SubTlv::SidInformation(SidInformation::new(
                    sid(),
                    0xffff,
                    None,
                ))],
            })],
        },
    );
}

#[test]
fn unknown_tlvs_sub_tlvs_and_sub_sub_tlvs_round_trip_with_reserved_fields() {
    // TLV type 4 (unknown here), then an L3 service whose reserved octet is 0x5a, with an
    // unknown sub-TLV 9 and a SID information carrying flags 0x80, reserved octets and an
    // unknown sub-sub-TLV 7 next to its structure.
    let bytes = h(concat!(
        "04 0003 aabbcc ",
        "05 002b 5a  09 0002 0102  01 0022 11 20010db8000100010000000000000000 80 0013 22 ",
        "01 0006 401810000000  07 0001 ff"
    ));
    let p = PrefixSid::decode(&bytes).unwrap();
    assert_eq!(
        p.tlvs[0],
        PrefixSidTlv::Unknown {
            tlv_type: 4,
            value: vec![0xaa, 0xbb, 0xcc]
        }
    );
    let PrefixSidTlv::Srv6L3Service(s) = &p.tlvs[1] else {
        panic!("{p:?}")
    };
    assert_eq!(s.reserved, 0x5a);
    let info = s.sids().next().unwrap();
    assert_eq!(
        (info.reserved1, info.flags, info.behavior, info.reserved2),
        (0x11, 0x80, 0x13, 0x22)
    );
    assert_eq!(
        info.structure().map(|s| s.to_array()),
        Some([64, 24, 16, 0, 0, 0])
    );
    let mut out = Vec::new();
    p.encode(&mut out);
    assert_eq!(hex::encode(out), hex::encode(bytes));
}

#[test]
fn a_repeated_label_index_or_srgb_tlv_is_dropped_rfc8669_6() {
    let bytes = h(concat!(
        "01 0007 00 0000 00000001  03 0008 0000 000064 00000a ",
        "01 0007 00 0000 00000002  03 0008 0000 0000c8 000014"
    ));
    let p = PrefixSid::decode(&bytes).unwrap();
    assert_eq!(p.label_index(), Some(1));
    assert_eq!(p.tlvs.len(), 2);
    let mut out = Vec::new();
    p.encode(&mut out);
    assert_eq!(hex::encode(out), hex::encode(&bytes[..21]));
}

#[test]
fn malformed_values_are_refused() {
    for bad in [
        "",                                                                                     // no TLV
        "01 0007 00 0000 000003",   // TLV runs past the attribute
        "01 0006 00 0000 000003",   // label index length 6
        "03 0002 0000",             // SRGB without a range
        "03 0007 0000 000064 0000", // SRGB length not 2 + 6n
        "05 0000",                  // service TLV without its reserved octet
        "05 0004 00 01 0001",       // sub-TLV header runs past
        "05 0005 00 01 0002 0000",  // SID information shorter than 21
        "05 0021 00 01 001d 00 20010db8000100010000000000000000 00 0048 00 01 0005 4018100000", // structure length 5
        "01", // truncated TLV header
    ] {
        assert_eq!(PrefixSid::decode(&h(bad)), None, "{bad}");
    }
}

fn arb_tlv() -> impl Strategy<Value = PrefixSidTlv> {
    let st = any::<[u8; 6]>().prop_map(|a| SidSubSubTlv::Structure(SidStructure::from_array(a)));
    let unk3 = (2u8.., prop::collection::vec(any::<u8>(), 0..8))
        .prop_map(|(sub_type, value)| SidSubSubTlv::Unknown { sub_type, value });
    let info = (
        any::<u8>(),
        any::<[u8; 16]>(),
        any::<u8>(),
        any::<u16>(),
        any::<u8>(),
        prop::collection::vec(prop_oneof![st, unk3], 0..3),
    )
        .prop_map(
            |(reserved1, sid, flags, behavior, reserved2, sub_sub_tlvs)| {
                Srv6SubTlv::SidInformation(SidInformation {
                    reserved1,
                    sid: Ipv6Addr::from(sid),
                    flags,
                    behavior,
                    reserved2,
                    sub_sub_tlvs,
                })
            },
        );
    let unk2 = (2u8.., prop::collection::vec(any::<u8>(), 0..8))
        .prop_map(|(sub_type, value)| Srv6SubTlv::Unknown { sub_type, value });
    let service = (
        any::<u8>(),
        prop::collection::vec(prop_oneof![info, unk2], 0..3),
    )
        .prop_map(|(reserved, sub_tlvs)| Srv6Service { reserved, sub_tlvs });
    prop_oneof![
        (any::<u8>(), any::<u16>(), any::<u32>()).prop_map(|(reserved, flags, index)| {
            PrefixSidTlv::LabelIndex {
                reserved,
                flags,
                index,
            }
        }),
        (
            any::<u16>(),
            prop::collection::vec((0u32..1 << 24, 0u32..1 << 24), 1..4)
        )
            .prop_map(|(flags, ranges)| PrefixSidTlv::OriginatorSrgb { flags, ranges }),
        service.clone().prop_map(PrefixSidTlv::Srv6L3Service),
        service.prop_map(PrefixSidTlv::Srv6L2Service),
        (7u8.., prop::collection::vec(any::<u8>(), 0..8))
            .prop_map(|(tlv_type, value)| PrefixSidTlv::Unknown { tlv_type, value }),
    ]
}

proptest! {
    #[test]
    fn round_trip(tlvs in prop::collection::vec(arb_tlv(), 1..5)) {
        // At most one Label-Index and one SRGB (a repeated one is dropped on decode).
        let mut seen = (false, false);
        let tlvs: Vec<_> = tlvs.into_iter().filter(|t| match t {
            PrefixSidTlv::LabelIndex { .. } => !std::mem::replace(&mut seen.0, true),
            PrefixSidTlv::OriginatorSrgb { .. } => !std::mem::replace(&mut seen.1, true),
            _ => true,
        }).collect();
        let p = PrefixSid { tlvs };
        let mut out = Vec::new();
        p.encode(&mut out);
        prop_assert_eq!(PrefixSid::decode(&out), Some(p));
    }

    #[test]
    fn never_panics(b in prop::collection::vec(any::<u8>(), 0..80)) {
        let _ = PrefixSid::decode(&b);
    }
}
