//! Byte vectors both ways (laid out field by field from RFC 7854's diagrams) and round trips.

use super::*;
use proptest::prelude::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.split_whitespace().collect::<String>()).unwrap()
}

fn both_ways(m: &Message, bytes: &[u8]) {
    assert_eq!(hex::encode(m.to_bytes()), hex::encode(bytes), "encode");
    assert_eq!(frame(bytes), Ok(Some(bytes.len())));
    assert_eq!(&Message::decode(bytes).unwrap(), m, "decode");
}

fn peer4() -> PeerHeader {
    PeerHeader::global(
        "192.0.2.1".parse().unwrap(),
        65001,
        "10.0.0.1".parse().unwrap(),
        1_700_000_000,
        250_000,
    )
}

// A KEEPALIVE-sized stand-in is enough where the BGP message is opaque: marker, length, type.
const MARKER: &str = "ffffffffffffffffffffffffffffffff";

/// The smallest UPDATE: no withdrawn routes, no attributes (an IPv4 End-of-RIB).
fn eor() -> Vec<u8> {
    h(&format!("{MARKER} 0017 02 0000 0000"))
}

/// Per-peer header of `peer4()`: global, no flags, no RD, 192.0.2.1, AS 65001, 10.0.0.1,
/// 1,700,000,000 s (0x6553f100), 250,000 µs (0x0003d090).
const PEER4: &str =
    "00 00 0000000000000000 000000000000000000000000c0000201 0000fde9 0a000001 6553f100 0003d090";

#[test]
fn route_monitoring_ipv4_peer_both_ways() {
    let m = Message::RouteMonitoring {
        peer: peer4(),
        update: eor(),
    };
    // 6 + 42 + 23 = 71 = 0x47.
    let bytes = h(&format!(
        "03 00000047 00 {PEER4} {MARKER} 0017 02 0000 0000"
    ));
    both_ways(&m, &bytes);
}

#[test]
fn a_flag_and_ipv6_peer_set_the_flags_octet() {
    let mut peer = peer4();
    peer.address = "2001:db8::2".parse().unwrap();
    peer.flags = flag::V | flag::A;
    let m = Message::RouteMonitoring {
        peer,
        update: eor(),
    };
    let bytes = h(&format!(
        "03 00000047 00 00 a0 0000000000000000 20010db8000000000000000000000002 0000fde9 0a000001 6553f100 0003d090 {MARKER} 0017 02 0000 0000"
    ));
    both_ways(&m, &bytes);
    // V follows the address whatever the caller set.
    let mut wrong = peer4();
    wrong.flags = flag::V;
    assert_eq!(wrong.clone().to_header_bytes()[1], 0);
}

impl PeerHeader {
    fn to_header_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.encode(&mut v);
        v
    }
}

#[test]
fn peer_up_both_ways() {
    // Two minimal OPENs: version 4, AS, hold time 90, BGP ID, no optional parameters.
    let sent = h(&format!("{MARKER} 001d 01 04 fde8 005a 0a000002 00"));
    let received = h(&format!("{MARKER} 001d 01 04 fde9 005a 0a000001 00"));
    let m = Message::PeerUp(Box::new(PeerUp {
        peer: peer4(),
        local_address: "192.0.2.2".parse().unwrap(),
        local_port: 179,
        remote_port: 40000,
        sent_open: sent,
        received_open: received,
        information: vec![Tlv::text(info::STRING, "up")],
    }));
    // 6 + 42 + 16 + 4 + 29 + 29 + 6 = 132 = 0x84.
    let bytes = h(&format!(
        "03 00000084 03 {PEER4} 000000000000000000000000c0000202 00b3 9c40
         {MARKER} 001d 01 04 fde8 005a 0a000002 00
         {MARKER} 001d 01 04 fde9 005a 0a000001 00
         0000 0002 7570"
    ));
    both_ways(&m, &bytes);
}

#[test]
fn peer_down_reasons_both_ways() {
    // A Cease (6/2, administrative shutdown) NOTIFICATION.
    let n = h(&format!("{MARKER} 0015 03 06 02"));
    let cases = [
        (
            PeerDownReason::LocalNotification(n.clone()),
            format!("01 {MARKER} 0015 03 0602"),
        ),
        (PeerDownReason::LocalNoNotification(18), "02 0012".into()),
        (
            PeerDownReason::RemoteNotification(n),
            format!("03 {MARKER} 0015 03 0602"),
        ),
        (PeerDownReason::RemoteNoData, "04".into()),
        (PeerDownReason::Deconfigured, "05".into()),
        (PeerDownReason::Other(9, vec![1, 2]), "09 0102".into()),
    ];
    for (reason, data) in cases {
        let data = h(&data);
        let len = 6 + 42 + data.len();
        let bytes = h(&format!("03 {len:08x} 02 {PEER4} {}", hex::encode(&data)));
        both_ways(
            &Message::PeerDown {
                peer: peer4(),
                reason,
            },
            &bytes,
        );
    }
}

#[test]
fn statistics_both_ways() {
    let m = Message::Statistics {
        peer: peer4(),
        stats: vec![
            Stat::gauge(stat::ADJ_RIB_IN_ROUTES, 4),
            Stat::family_gauge(stat::ADJ_RIB_IN_FAMILY_ROUTES, 2, 1, 1),
            Stat::counter(stat::TREAT_AS_WITHDRAW_UPDATES, 3),
        ],
    };
    // 6 + 42 + 4 + (4 + 8) + (4 + 11) + (4 + 4) = 87 = 0x57.
    let bytes = h(&format!(
        "03 00000057 01 {PEER4} 00000003
         0007 0008 0000000000000004
         0009 000b 0002 01 0000000000000001
         000b 0004 00000003"
    ));
    both_ways(&m, &bytes);
    let Message::Statistics { stats, .. } = Message::decode(&bytes).unwrap() else {
        panic!()
    };
    assert_eq!(
        stats.iter().map(Stat::number).collect::<Vec<_>>(),
        [Some(4), Some(1), Some(3)]
    );
    assert_eq!(stats[1].family(), Some((2, 1)));
    assert_eq!(stats[0].family(), None);
}

#[test]
fn initiation_and_termination_both_ways() {
    let m = Message::Initiation(vec![
        Tlv::text(info::SYS_DESCR, "herald"),
        Tlv::text(info::SYS_NAME, "r1"),
    ]);
    let bytes = h("03 00000016 04 0001 0006 686572616c64 0002 0002 7231");
    both_ways(&m, &bytes);
    let m = Message::Termination(vec![Tlv {
        kind: termination::REASON,
        value: termination::ADMINISTRATIVELY_CLOSED.to_be_bytes().to_vec(),
    }]);
    both_ways(&m, &h("03 0000000c 05 0001 0002 0000"));
}

#[test]
fn route_mirroring_is_kept_as_octets() {
    let m = Message::Other {
        kind: kind::ROUTE_MIRRORING,
        body: vec![1, 2, 3],
    };
    both_ways(&m, &h("03 00000009 06 010203"));
}

#[test]
fn frame_waits_for_whole_messages_and_rejects_bad_headers() {
    let bytes = Message::Initiation(vec![]).to_bytes();
    assert_eq!(frame(&bytes[..3]), Ok(None));
    let mut two = bytes.clone();
    two.extend_from_slice(&bytes[..2]);
    assert_eq!(frame(&two), Ok(Some(6)));
    assert_eq!(frame(&h("02 00000006 04")), Err(Error::Version(2)));
    assert_eq!(frame(&h("03 00000005 04")), Err(Error::Length(5)));
    assert_eq!(frame(&h("03 7fffffff 04")), Err(Error::Length(0x7fff_ffff)));
}

#[test]
fn malformed_messages_are_errors() {
    // Route monitoring with a per-peer header cut short.
    assert_eq!(
        Message::decode(&h("03 0000000a 00 00000000")),
        Err(Error::Truncated("per-peer header"))
    );
    // A BGP message claiming fewer octets than its header.
    let bytes = h(&format!("03 00000043 00 {PEER4} {MARKER} 0012 02"));
    assert!(matches!(Message::decode(&bytes), Err(Error::Malformed(_))));
    // Trailing octets after the UPDATE.
    let bytes = h(&format!(
        "03 00000048 00 {PEER4} {MARKER} 0017 02 0000 0000 ff"
    ));
    assert!(Message::decode(&bytes).is_err());
    // A statistics count larger than what follows.
    let bytes = h(&format!("03 00000034 01 {PEER4} 00000002"));
    assert!(Message::decode(&bytes).is_err());
    // The length field disagrees with the octets given.
    assert_eq!(Message::decode(&h("03 00000007 04")), Err(Error::Length(7)));
}

fn arb_addr() -> impl Strategy<Value = (IpAddr, IpAddr)> {
    prop_oneof![
        (any::<[u8; 4]>(), any::<[u8; 4]>()).prop_map(|(a, b)| (IpAddr::from(a), IpAddr::from(b))),
        (any::<[u8; 16]>(), any::<[u8; 16]>())
            .prop_map(|(a, b)| (IpAddr::from(a), IpAddr::from(b))),
    ]
}

fn arb_peer() -> impl Strategy<Value = (PeerHeader, IpAddr)> {
    (
        any::<u8>(),
        any::<u8>(),
        any::<[u8; 8]>(),
        arb_addr(),
        any::<u32>(),
        any::<[u8; 4]>(),
        any::<(u32, u32)>(),
    )
        .prop_map(|(t, f, rd, (a, local), asn, id, (s, us))| {
            let v = if a.is_ipv6() { flag::V } else { 0 };
            (
                PeerHeader {
                    peer_type: t,
                    flags: (f & !flag::V) | v,
                    distinguisher: rd,
                    address: a,
                    asn,
                    bgp_id: Ipv4Addr::from(id),
                    seconds: s,
                    microseconds: us,
                },
                local,
            )
        })
}

fn arb_bgp() -> impl Strategy<Value = Vec<u8>> {
    (any::<u8>(), proptest::collection::vec(any::<u8>(), 0..64)).prop_map(|(t, body)| {
        let mut m = vec![0xff; 16];
        m.extend_from_slice(&((19 + body.len()) as u16).to_be_bytes());
        m.push(t);
        m.extend_from_slice(&body);
        m
    })
}

fn arb_tlvs() -> impl Strategy<Value = Vec<Tlv>> {
    proptest::collection::vec(
        (any::<u16>(), proptest::collection::vec(any::<u8>(), 0..16))
            .prop_map(|(kind, value)| Tlv { kind, value }),
        0..4,
    )
}

fn arb_message() -> impl Strategy<Value = Message> {
    let stats = proptest::collection::vec(
        (any::<u16>(), proptest::collection::vec(any::<u8>(), 0..12))
            .prop_map(|(kind, value)| Stat { kind, value }),
        0..5,
    );
    let reason = prop_oneof![
        arb_bgp().prop_map(PeerDownReason::LocalNotification),
        any::<u16>().prop_map(PeerDownReason::LocalNoNotification),
        arb_bgp().prop_map(PeerDownReason::RemoteNotification),
        Just(PeerDownReason::RemoteNoData),
        Just(PeerDownReason::Deconfigured),
        (6u8.., proptest::collection::vec(any::<u8>(), 0..8))
            .prop_map(|(c, d)| PeerDownReason::Other(c, d)),
    ];
    prop_oneof![
        (arb_peer(), arb_bgp())
            .prop_map(|((peer, _), update)| Message::RouteMonitoring { peer, update }),
        (arb_peer(), stats).prop_map(|((peer, _), stats)| Message::Statistics { peer, stats }),
        (arb_peer(), reason).prop_map(|((peer, _), reason)| Message::PeerDown { peer, reason }),
        (
            arb_peer(),
            any::<(u16, u16)>(),
            arb_bgp(),
            arb_bgp(),
            arb_tlvs()
        )
            .prop_map(|((peer, local), (lp, rp), s, r, information)| {
                Message::PeerUp(Box::new(PeerUp {
                    peer,
                    local_address: local,
                    local_port: lp,
                    remote_port: rp,
                    sent_open: s,
                    received_open: r,
                    information,
                }))
            }),
        arb_tlvs().prop_map(Message::Initiation),
        arb_tlvs().prop_map(Message::Termination),
        (6u8.., proptest::collection::vec(any::<u8>(), 0..32))
            .prop_map(|(kind, body)| Message::Other { kind, body }),
    ]
}

proptest! {
    #[test]
    fn every_message_round_trips(m in arb_message()) {
        let bytes = m.to_bytes();
        prop_assert_eq!(frame(&bytes), Ok(Some(bytes.len())));
        prop_assert_eq!(Message::decode(&bytes), Ok(m.clone()));
        prop_assert_eq!(Message::decode(&bytes).map(|d| d.kind()), Ok(m.kind()));
    }

    #[test]
    fn any_octets_decode_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = frame(&bytes);
        let _ = Message::decode(&bytes);
        let mut b = bytes.clone();
        if b.len() >= 6 {
            b[0] = VERSION;
            let len = (b.len() as u32).to_be_bytes();
            b[1..5].copy_from_slice(&len);
            let _ = Message::decode(&b);
        }
    }
}
