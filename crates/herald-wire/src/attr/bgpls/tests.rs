use super::*;
use crate::{Action, AttrValue, Context, NlriList, Update};
use proptest::prelude::*;

fn h(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    hex::decode(s).unwrap()
}

fn both_ways(hex: &str, want: Vec<LsAttrTlv>) {
    let b = h(hex);
    let ls = LinkState::decode(&b).unwrap();
    assert_eq!(ls, LinkState(want));
    let mut out = Vec::new();
    ls.encode(&mut out);
    assert_eq!(out, b);
}

// The octets are BGP-LS Attributes of crates/herald-wire/tests/vectors/bgpls.txt.

#[test]
fn isis_node_attribute_both_ways() {
    both_ways(
        "0400 0001 00  0402 0006 72312E6C6162  0403 0003 490001  0404 0004 C0000201
         0405 0010 20010DB8000000000000000000000001
         040A 000C 8000 001F40 0489 0003 003E80  040B 0002 0001  040E 0004 00000000",
        vec![
            LsAttrTlv::NodeFlags(0),
            LsAttrTlv::NodeName(b"r1.lab".to_vec()),
            LsAttrTlv::IsisArea(vec![0x49, 0, 1]),
            LsAttrTlv::LocalTeRouterId("192.0.2.1".parse().unwrap()),
            LsAttrTlv::LocalTeRouterId("2001:db8::1".parse().unwrap()),
            LsAttrTlv::SrCapabilities {
                flags: 0x80,
                reserved: 0,
                ranges: vec![SrRange {
                    size: 8000,
                    sid: vec![0, 0x3e, 0x80],
                }],
            },
            LsAttrTlv::SrAlgorithms(vec![0, 1]),
            LsAttrTlv::Srv6Capabilities(vec![0; 4]),
        ],
    );
}

#[test]
fn isis_link_attribute_both_ways() {
    both_ways(
        "0404 0004 C0000201  0406 0004 C0000202  0440 0004 00000010  0441 0004 4E9502F9
         0442 0004 4E6E6B28
         0443 0020 4E6E6B28 4E6E6B28 4E32D05E 4E32D05E 4DEE6B28 4DEE6B28 4D6E6B28 00000000
         0444 0004 00000064  0445 0002 0800  0446 0001 C0  0447 0003 00000A
         0448 0008 00000064 000000C8  044A 000B 72313A67652D302F302F30
         044B 0007 34000000 005DC1  044B 0007 30000000 005DC2",
        vec![
            LsAttrTlv::LocalTeRouterId("192.0.2.1".parse().unwrap()),
            LsAttrTlv::RemoteTeRouterId("192.0.2.2".parse().unwrap()),
            LsAttrTlv::AdminGroup(16),
            LsAttrTlv::MaxBandwidth(1.25e9f32.to_bits()),
            LsAttrTlv::MaxReservableBandwidth(1.0e9f32.to_bits()),
            LsAttrTlv::UnreservedBandwidth(
                [1.0e9f32, 1.0e9, 7.5e8, 7.5e8, 5.0e8, 5.0e8, 2.5e8, 0.0].map(f32::to_bits),
            ),
            LsAttrTlv::TeMetric(100),
            LsAttrTlv::LinkProtection(0x0800),
            LsAttrTlv::MplsMask(0xC0),
            LsAttrTlv::IgpMetric(vec![0, 0, 10]),
            LsAttrTlv::Srlg(vec![100, 200]),
            LsAttrTlv::LinkName(b"r1:ge-0/0/0".to_vec()),
            LsAttrTlv::AdjacencySid {
                flags: 0x34,
                weight: 0,
                reserved: 0,
                sid: vec![0, 0x5d, 0xc1],
            },
            LsAttrTlv::AdjacencySid {
                flags: 0x30,
                weight: 0,
                reserved: 0,
                sid: vec![0, 0x5d, 0xc2],
            },
        ],
    );
}

#[test]
fn prefix_and_lan_attributes_both_ways() {
    both_ways(
        "0480 0001 00  0483 0004 00000000  0486 0008 40000000 00000001  0492 0001 40
         0493 0004 C0000201  0481 0008 0000004D 00000058  0482 0008 0000010000000005
         0484 0004 0A0000FE  0485 0002 6F70
         044C 000D 30000000 192168000001 005DC3",
        vec![
            LsAttrTlv::IgpFlags(0),
            LsAttrTlv::PrefixMetric(0),
            LsAttrTlv::PrefixSid {
                flags: 0x40,
                algorithm: 0,
                reserved: 0,
                sid: vec![0, 0, 0, 1],
            },
            LsAttrTlv::PrefixAttributeFlags(vec![0x40]),
            LsAttrTlv::SourceRouterId("192.0.2.1".parse().unwrap()),
            LsAttrTlv::RouteTags(vec![77, 88]),
            LsAttrTlv::ExtendedRouteTags(vec![(1 << 40) + 5]),
            LsAttrTlv::OspfForwardingAddress("10.0.0.254".parse().unwrap()),
            LsAttrTlv::PrefixOpaque(b"op".to_vec()),
            LsAttrTlv::LanAdjacencySid {
                flags: 0x30,
                weight: 0,
                reserved: 0,
                neighbor: [0x19, 0x21, 0x68, 0, 0, 1],
                sid: vec![0, 0x5d, 0xc3],
            },
        ],
    );
}

#[test]
fn srv6_and_unknown_tlvs_keep_their_octets() {
    both_ways(
        "0452 001E 0006 00 00 00 00 FC000000 0002E001 00000000 00000000 04DC 0004 20101000
         048A 0008 00000000 00000001  04E2 0004 00300000  04E4 0004 20101000
         04B0 0002 0102  04B0 0001 03",
        vec![
            LsAttrTlv::Srv6EndX(h(
                "0006 00 00 00 00 FC000000 0002E001 00000000 00000000 04DC 0004 20101000",
            )),
            LsAttrTlv::Srv6Locator(h("00000000 00000001")),
            LsAttrTlv::Srv6EndpointBehavior(h("00300000")),
            LsAttrTlv::Srv6SidStructure(h("20101000")),
            LsAttrTlv::Unknown {
                tlv_type: 1200,
                value: vec![1, 2],
            },
            LsAttrTlv::Unknown {
                tlv_type: 1200,
                value: vec![3],
            },
        ],
    );
}

#[test]
fn lengths_their_type_does_not_allow_are_malformed() {
    for hex in [
        "0400 0002 0000",                             // node flags: 1 octet
        "0403 0000",                                  // IS-IS area: at least 1
        "0404 0010 00000000000000000000000000000000", // 1028 is IPv4 only
        "0441 0003 000000",                           // bandwidth: 4
        "0443 001C 00000000000000000000000000000000000000000000000000000000", // 7 of 8
        "0447 0004 00000001",                         // IGP metric: 1 to 3
        "0448 0005 0000006400",                       // SRLG: multiple of 4
        "044B 0006 30000000 005D",                    // label SID (V and L): multiple of 3
        "044B 0005 00000000 01",                      // index SID: multiple of 4
        "040A 000A 8000 001F40 0489 0003 00", // SR capabilities: SID/Label sub-TLV runs short
        "040A 000C 8000 001F40 0488 0003 003E80", // not the SID/Label sub-TLV
        "0452 0015 00",                       // End.X shorter than its 22 fixed octets
        "0400 0005 00",                       // TLV past the attribute
        "04",                                 // truncated header
    ] {
        assert!(LinkState::decode(&h(hex)).is_err(), "{hex}");
    }
}

fn upd(attrs: &str) -> Update {
    let a = h(attrs);
    let mut b = vec![0, 0];
    b.extend_from_slice(&(a.len() as u16).to_be_bytes());
    b.extend_from_slice(&a);
    Update::decode(&b, &Context::default()).unwrap()
}

const ORIGIN_ASPATH: &str = "40010100 400200";
/// MP_REACH_NLRI of bgp-ls bgp-ls, next hop 127.0.23.1, one IS-IS node NLRI.
const REACH: &str = "800E 34 4004 47 04 7F001701 00
    0001 0027 02 0000000000000000 0100 001A 0200 0004 0000FDE9 0201 0004 00000000 0203 0006 192168000001";

/// RFC 9552 §8.2.2: a malformed BGP-LS Attribute is discarded, the routes stay.
#[test]
fn malformed_attribute_is_discarded_and_routes_kept() {
    let u = upd(&format!("{ORIGIN_ASPATH} {REACH} 801D 05 0400 0002 00"));
    assert_eq!(u.action(), Some(Action::AttributeDiscard));
    assert!(u.get(crate::iana::attr_type::BGP_LS).is_none());
    assert_eq!(u.mp_reach().map(|m| m.nlri.len()), Some(1));
    // Well formed: typed and kept, flags Optional (non-transitive).
    let u = upd(&format!("{ORIGIN_ASPATH} {REACH} 801D 05 0400 0001 80"));
    assert_eq!(u.action(), None);
    assert_eq!(
        u.get(crate::iana::attr_type::BGP_LS),
        Some(&AttrValue::LinkState(Box::new(LinkState(vec![
            LsAttrTlv::NodeFlags(0x80)
        ]))))
    );
    // Sent as optional transitive: the flags conflict, discarded too (RFC 7606 §3(c)).
    let u = upd(&format!("{ORIGIN_ASPATH} {REACH} C01D 05 0400 0001 80"));
    assert_eq!(u.action(), Some(Action::AttributeDiscard));
}

/// RFC 9552 §8.2.2: a framed NLRI that fails the syntactic checks: treat-as-withdraw, with
/// the NLRI kept so that it can be withdrawn; a framing error disables the family.
#[test]
fn malformed_nlri_is_treat_as_withdraw_and_bad_framing_afi_safi_disable() {
    // Node descriptor sub-TLVs out of order (513 before 512).
    let bad = "800E 34 4004 47 04 7F001701 00
        0001 0027 02 0000000000000000 0100 001A 0201 0004 00000000 0200 0004 0000FDE9 0203 0006 192168000001";
    let u = upd(&format!("{ORIGIN_ASPATH} {bad}"));
    assert_eq!(u.action(), Some(Action::TreatAsWithdraw));
    let Some(NlriList::BgpLs(v)) = u.mp_reach().map(|m| &m.nlri) else {
        panic!("{u:?}");
    };
    assert!(v[0].is_malformed());
    // The same NLRI in MP_UNREACH_NLRI names a route to withdraw: no error.
    let w = "800F 2E 4004 47
        0001 0027 02 0000000000000000 0100 001A 0201 0004 00000000 0200 0004 0000FDE9 0203 0006 192168000001";
    assert_eq!(upd(w).action(), None);
    // Total NLRI Length past the attribute.
    let framing = "800E 12 4004 47 04 7F001701 00 0001 0030 02 000000000000";
    let u = upd(&format!("{ORIGIN_ASPATH} {framing}"));
    assert_eq!(u.action(), Some(Action::AfiSafiDisable));
}

proptest! {
    #[test]
    fn any_octets_decode_without_panic_and_re_encode(b in proptest::collection::vec(any::<u8>(), 0..96)) {
        if let Ok(ls) = LinkState::decode(&b) {
            let mut out = Vec::new();
            ls.encode(&mut out);
            prop_assert_eq!(out, b);
        }
    }

    #[test]
    fn known_tlvs_with_random_values_re_encode(t in 1024u16..1260, v in proptest::collection::vec(any::<u8>(), 0..40)) {
        let mut b = t.to_be_bytes().to_vec();
        b.extend_from_slice(&(v.len() as u16).to_be_bytes());
        b.extend_from_slice(&v);
        if let Ok(ls) = LinkState::decode(&b) {
            let mut out = Vec::new();
            ls.encode(&mut out);
            prop_assert_eq!(out, b);
        }
    }
}
