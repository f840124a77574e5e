use super::*;
use proptest::prelude::*;

fn dec(b: &[u8], ap: bool, vpn: bool) -> Result<Vec<BgpLs>, &'static str> {
    let mut v = Vec::new();
    decode_into(b, ap, vpn, &mut v).map(|()| v)
}

fn enc(v: &[BgpLs], ap: bool) -> Vec<u8> {
    let mut out = Vec::new();
    v.iter().for_each(|p| p.encode(ap, &mut out));
    out
}

fn h(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    hex::decode(s).unwrap()
}

fn typed(nlri_type: u16, protocol: u8, identifier: u64, tlvs: Vec<LsTlv>) -> BgpLs {
    BgpLs {
        path_id: None,
        nlri_type,
        rd: None,
        body: LsBody::Typed(LsObject {
            protocol,
            identifier,
            tlvs,
        }),
    }
}

/// Local Node Descriptors AS 65001, BGP-LS ID 0 and an IGP Router-ID.
fn node(router: &[u8]) -> Vec<NodeDescriptor> {
    vec![
        NodeDescriptor::As(65001),
        NodeDescriptor::BgpLsId(0),
        NodeDescriptor::IgpRouterId(router.to_vec()),
    ]
}

/// Decodes to `want`, and `want` encodes to the same octets.
fn both_ways(hex: &str, want: BgpLs) {
    let b = h(hex);
    let v = dec(&b, false, false).unwrap();
    assert_eq!(v, vec![want]);
    assert_eq!(enc(&v, false), b);
}

// The octets below are NLRI of crates/herald-wire/tests/vectors/bgpls.txt
// (tests/interop/bgpls-vectors.py; ExaBGP's decode of them is bgpls.exabgp.jsonl).

#[test]
fn isis_node_both_ways() {
    both_ways(
        "0001 0027 02 0000000000000000 0100 001A 0200 0004 0000FDE9 0201 0004 00000000 0203 0006 192168000001",
        typed(1, 2, 0, vec![LsTlv::LocalNode(node(&h("192168000001")))]),
    );
}

#[test]
fn isis_pseudonode_router_id_has_seven_octets() {
    both_ways(
        "0001 0028 02 0000000000000000 0100 001B 0200 0004 0000FDE9 0201 0004 00000000 0203 0007 19216800000201",
        typed(1, 2, 0, vec![LsTlv::LocalNode(node(&h("19216800000201")))]),
    );
}

#[test]
fn isis_link_both_ways() {
    let local = node(&h("192168000001"));
    let remote = node(&h("192168000002"));
    both_ways(
        "0002 0067 02 0000000000000000
         0100 001A 0200 0004 0000FDE9 0201 0004 00000000 0203 0006 192168000001
         0101 001A 0200 0004 0000FDE9 0201 0004 00000000 0203 0006 192168000002
         0102 0008 00000015 00000022  0103 0004 0A000C01  0104 0004 0A000C02  0107 0002 0000",
        typed(
            2,
            2,
            0,
            vec![
                LsTlv::LocalNode(local),
                LsTlv::RemoteNode(remote),
                LsTlv::LinkIds {
                    local: 21,
                    remote: 34,
                },
                LsTlv::Ipv4Interface("10.0.12.1".parse().unwrap()),
                LsTlv::Ipv4Neighbor("10.0.12.2".parse().unwrap()),
                LsTlv::MultiTopology(vec![0]),
            ],
        ),
    );
}

#[test]
fn ospf_prefix_with_route_type_both_ways() {
    let mut d = node(&h("C000020B"));
    d.insert(2, NodeDescriptor::OspfArea(0));
    both_ways(
        "0003 003B 03 0000000000000000
         0100 0020 0200 0004 0000FDE9 0201 0004 00000000 0202 0004 00000000 0203 0004 C000020B
         0108 0001 01  0109 0005 20 C000020B",
        typed(
            3,
            3,
            0,
            vec![
                LsTlv::LocalNode(d),
                LsTlv::OspfRouteType(1),
                LsTlv::IpReachability {
                    len: 32,
                    prefix: h("C000020B"),
                },
            ],
        ),
    );
}

#[test]
fn ipv6_prefix_and_srv6_sid_both_ways() {
    both_ways(
        "0004 0038 02 0000000000000000
         0100 001A 0200 0004 0000FDE9 0201 0004 00000000 0203 0006 192168000001
         0107 0002 0002  0109 0007 30 FC0000000001",
        typed(
            4,
            2,
            0,
            vec![
                LsTlv::LocalNode(node(&h("192168000001"))),
                LsTlv::MultiTopology(vec![2]),
                LsTlv::IpReachability {
                    len: 48,
                    prefix: h("FC0000000001"),
                },
            ],
        ),
    );
    both_ways(
        "0006 0041 02 0000000000000000
         0100 001A 0200 0004 0000FDE9 0201 0004 00000000 0203 0006 192168000001
         0107 0002 0002  0206 0010 FC000000 0001E000 00000000 00000000",
        typed(
            6,
            2,
            0,
            vec![
                LsTlv::LocalNode(node(&h("192168000001"))),
                LsTlv::MultiTopology(vec![2]),
                LsTlv::Srv6Sid("fc00:0:1:e000::".parse().unwrap()),
            ],
        ),
    );
}

#[test]
fn unknown_descriptors_types_and_vpn_keep_their_octets() {
    // A BGP EPE node (protocol 7): BGP Router-ID (516) and Member-AS (517) sub-TLVs, kept raw.
    let b = h("0001 002D 07 0000000000000000 0100 0020 0200 0004 0000FDE9 0201 0004 00000000 0204 0004 C000021F 0205 0004 0000FE07");
    let v = dec(&b, false, false).unwrap();
    let o = v[0].object().unwrap();
    assert_eq!(
        o.local_node()[2],
        NodeDescriptor::Unknown {
            sub_type: 516,
            value: h("C000021F")
        }
    );
    assert_eq!(enc(&v, false), b);
    // NLRI type 5 is not decoded: kept as octets.
    let b = h("0005 000F 09 0000000000000000 0001 0002 ABCD");
    let v = dec(&b, false, false).unwrap();
    assert_eq!(
        v[0].body,
        LsBody::Raw(h("09 0000000000000000 0001 0002 ABCD"))
    );
    assert_eq!(enc(&v, false), b);
    // BGP-LS-VPN: a route distinguisher first; with ADD-PATH, a path identifier before it all.
    let b = h("00000009 0001 002F 0000FDE900000007 02 0000000000000007 0100 001A 0200 0004 0000FDE9 0201 0004 00000000 0203 0006 192168000001");
    let v = dec(&b, true, true).unwrap();
    assert_eq!(v[0].path_id, Some(9));
    assert_eq!(v[0].rd.map(|r| r.to_string()).as_deref(), Some("65001:7"));
    assert_eq!(v[0].object().map(|o| o.identifier), Some(7));
    assert_eq!(enc(&v, true), b);
}

#[test]
fn framing_errors_make_the_field_undecodable() {
    // Total NLRI Length past the end, a header cut short, a VPN NLRI without its RD.
    assert!(dec(&h("0001 0030 02 0000000000000000"), false, false).is_err());
    assert!(dec(&h("0001 00"), false, false).is_err());
    assert!(dec(&h("0001 0004 02000000"), false, true).is_err());
    assert!(dec(&h("0000"), true, false).is_err());
}

/// RFC 9552 §8.2.2: a framed NLRI whose content fails the syntactic checks is kept, marked.
#[test]
fn malformed_content_is_kept_and_marked() {
    let cases = [
        // TLV running past the NLRI.
        ("0001 000F 02 0000000000000000 0100 0010 0200", "TLV runs past"),
        // Node descriptor sub-TLVs out of order (513 before 512).
        ("0001 001D 02 0000000000000000 0100 0010 0201 0004 00000000 0200 0004 0000FDE9", "ascending"),
        // Repeated.
        ("0001 001D 02 0000000000000000 0100 0010 0200 0004 0000FDE9 0200 0004 0000FDE9", "ascending"),
        // IS-IS IGP Router-ID of 4 octets.
        ("0001 0015 02 0000000000000000 0100 0008 0203 0004 C0000201", "Router-ID"),
        // AS sub-TLV of 2 octets.
        ("0001 0013 02 0000000000000000 0100 0006 0200 0002 FDE9", "AS sub-TLV"),
        // A Node NLRI without Local Node Descriptors.
        ("0001 0009 02 0000000000000000", "Local Node"),
        // A Link NLRI without Remote Node Descriptors.
        ("0002 0011 02 0000000000000000 0100 0004 0200 0000", "AS sub-TLV"),
        ("0002 0015 02 0000000000000000 0100 0008 0200 0004 0000FDE9", "Remote Node"),
        // A prefix without IP Reachability, one longer than 32 bits, one with too many octets.
        ("0003 0015 02 0000000000000000 0100 0008 0200 0004 0000FDE9", "IP Reachability"),
        ("0003 001A 02 0000000000000000 0100 0008 0200 0004 0000FDE9 0109 0001 21", "longer"),
        ("0003 001C 02 0000000000000000 0100 0008 0200 0004 0000FDE9 0109 0003 08 0A00", "longer"),
        // Link identifiers of 4 octets, an IPv4 interface address of 16.
        ("0002 0029 02 0000000000000000 0100 0008 0200 0004 0000FDE9 0101 0008 0200 0004 0000FDE9 0102 0004 00000001", "Identifiers"),
        // Shorter than Protocol-ID and Identifier.
        ("0001 0004 02000000", "Identifier"),
    ];
    for (hex, why) in cases {
        let b = h(hex);
        let v = dec(&b, false, false).unwrap_or_else(|e| panic!("{hex}: {e}"));
        assert_eq!(v.len(), 1, "{hex}");
        let LsBody::Malformed { reason, data } = &v[0].body else {
            panic!("{hex}: not malformed: {:?}", v[0]);
        };
        assert!(reason.contains(why), "{hex}: {reason}");
        assert_eq!(data, &b[4..]);
        assert!(v[0].is_malformed());
        assert_eq!(enc(&v, false), b, "{hex}");
    }
}

#[test]
fn unknown_protocols_and_tlvs_are_not_malformed() {
    // Protocol 9 (Segment Routing) with an 18-octet IGP Router-ID and an unknown TLV 1000.
    let b = h("0001 0028 09 0000000000000000 0100 0016 0203 0012 000102030405060708090A0B0C0D0E0F1011 03E8 0001 FF");
    let v = dec(&b, false, false).unwrap();
    let o = v[0].object().expect("typed");
    assert_eq!(o.protocol, 9);
    assert_eq!(
        o.tlvs[1],
        LsTlv::Unknown {
            tlv_type: 1000,
            value: vec![0xFF]
        }
    );
    assert_eq!(enc(&v, false), b);
}

/// Node descriptors in ascending order, each present or not (IS-IS Router-IDs).
fn descriptors() -> impl Strategy<Value = Vec<NodeDescriptor>> {
    (
        any::<Option<u32>>(),
        any::<Option<u32>>(),
        any::<Option<u32>>(),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 6..=7)),
        proptest::option::of((600u16..700, proptest::collection::vec(any::<u8>(), 0..6))),
    )
        .prop_map(|(asn, id, area, router, other)| {
            let mut v = Vec::new();
            v.extend(asn.map(NodeDescriptor::As));
            v.extend(id.map(NodeDescriptor::BgpLsId));
            v.extend(area.map(NodeDescriptor::OspfArea));
            v.extend(router.map(NodeDescriptor::IgpRouterId));
            v.extend(other.map(|(sub_type, value)| NodeDescriptor::Unknown { sub_type, value }));
            v
        })
}

fn tlv_strategy() -> impl Strategy<Value = LsTlv> {
    prop_oneof![
        (any::<u32>(), any::<u32>()).prop_map(|(local, remote)| LsTlv::LinkIds { local, remote }),
        any::<[u8; 4]>().prop_map(|a| LsTlv::Ipv4Interface(a.into())),
        any::<[u8; 4]>().prop_map(|a| LsTlv::Ipv4Neighbor(a.into())),
        any::<[u8; 16]>().prop_map(|a| LsTlv::Ipv6Interface(a.into())),
        any::<[u8; 16]>().prop_map(|a| LsTlv::Ipv6Neighbor(a.into())),
        proptest::collection::vec(any::<u16>(), 1..4).prop_map(LsTlv::MultiTopology),
        any::<u8>().prop_map(LsTlv::OspfRouteType),
        (0u8..=32).prop_flat_map(|len| {
            proptest::collection::vec(any::<u8>(), 0..=usize::from(len).div_ceil(8))
                .prop_map(move |prefix| LsTlv::IpReachability { len, prefix })
        }),
        (600u16..700, proptest::collection::vec(any::<u8>(), 0..8))
            .prop_map(|(tlv_type, value)| LsTlv::Unknown { tlv_type, value }),
    ]
}

proptest! {
    #[test]
    fn typed_nlri_round_trip(
        kind in 1u16..=3,
        local in descriptors(),
        remote in descriptors(),
        mut tlvs in proptest::collection::vec(tlv_strategy(), 0..5),
        identifier: u64,
        id: Option<u32>,
        rd: Option<[u8; 8]>,
    ) {
        tlvs.insert(0, LsTlv::LocalNode(local));
        if kind == 2 {
            tlvs.push(LsTlv::RemoteNode(remote));
        }
        if kind == 3 {
            tlvs.push(LsTlv::IpReachability { len: 8, prefix: vec![10] });
        }
        let mut n = typed(kind, 2, identifier, tlvs);
        n.path_id = id;
        n.rd = rd.map(RouteDistinguisher);
        let mut out = Vec::new();
        n.encode(id.is_some(), &mut out);
        let v = dec(&out, id.is_some(), rd.is_some()).unwrap();
        prop_assert_eq!(v, vec![n]);
    }

    #[test]
    fn any_octets_decode_without_panic_and_re_encode(b in proptest::collection::vec(any::<u8>(), 0..80), ap: bool, vpn: bool) {
        if let Ok(v) = dec(&b, ap, vpn) {
            prop_assert_eq!(enc(&v, ap), b);
        }
    }
}
