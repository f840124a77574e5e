//! The writer's records, byte for byte and read back by this crate's reader.

use std::io::Cursor;
use std::net::{IpAddr, Ipv4Addr};

use super::*;
use crate::{Reader, Source};

fn keepalive() -> Vec<u8> {
    let mut m = vec![0xff; 16];
    m.extend_from_slice(&[0, 19, 4]);
    m
}

fn v4_session() -> Session {
    Session {
        peer_as: 4_200_000_001,
        local_as: 65002,
        peer_ip: IpAddr::from([192, 0, 2, 1]),
        local_ip: IpAddr::from([192, 0, 2, 2]),
    }
}

const TS: Timestamp = Timestamp {
    seconds: 1_700_000_000,
    microseconds: 250_000,
};

#[test]
fn bgp4mp_et_message_bytes() {
    let mut out = Vec::new();
    bgp4mp_message(&mut out, TS, &v4_session(), true, false, &keepalive()).unwrap();
    let mut want = Vec::new();
    want.extend_from_slice(&1_700_000_000u32.to_be_bytes());
    want.extend_from_slice(&[0, 17, 0, 4]); // BGP4MP_ET, MESSAGE_AS4
    want.extend_from_slice(&(4u32 + 20 + 19).to_be_bytes());
    want.extend_from_slice(&250_000u32.to_be_bytes());
    want.extend_from_slice(&4_200_000_001u32.to_be_bytes());
    want.extend_from_slice(&65002u32.to_be_bytes());
    want.extend_from_slice(&[0, 0, 0, 1, 192, 0, 2, 1, 192, 0, 2, 2]);
    want.extend_from_slice(&keepalive());
    assert_eq!(out, want);
}

#[test]
fn messages_and_state_changes_read_back() {
    let mut out = Vec::new();
    let v6 = Session {
        peer_as: 65001,
        local_as: 65002,
        peer_ip: "2001:db8::1".parse().unwrap(),
        // An IPv4 local address on an IPv6 session is written mapped.
        local_ip: IpAddr::from([192, 0, 2, 2]),
    };
    bgp4mp_state(
        &mut out,
        TS,
        &v4_session(),
        FsmState::OpenConfirm,
        FsmState::Established,
    )
    .unwrap();
    bgp4mp_message(&mut out, TS, &v4_session(), true, false, &keepalive()).unwrap();
    bgp4mp_message(&mut out, TS, &v6, true, true, &keepalive()).unwrap();
    bgp4mp_message(&mut out, TS, &v4_session(), false, false, &keepalive()).unwrap();
    let mut r = Reader::new(Cursor::new(out));
    let got: Vec<_> = r.by_ref().map(|m| m.unwrap()).collect();
    assert_eq!(got.len(), 3, "the state change is skipped by the reader");
    assert_eq!(r.skipped(), 1);
    let (a, b) = (&got[0], &got[1]);
    assert_eq!((a.timestamp, a.microseconds), (1_700_000_000, 250_000));
    assert_eq!(
        (a.peer_as, a.local_as, a.asn4, a.add_path),
        (4_200_000_001, 65002, true, false)
    );
    assert_eq!(
        (a.peer_ip, a.local_ip),
        (v4_session().peer_ip, v4_session().local_ip)
    );
    assert_eq!(a.message, keepalive());
    assert_eq!(a.source, Source::Bgp4mp);
    assert!(b.add_path);
    assert_eq!(b.peer_ip, v6.peer_ip);
    assert_eq!(b.local_ip, "::ffff:192.0.2.2".parse::<IpAddr>().unwrap());
    // Without 4-octet AS: 2-octet AS fields, AS_TRANS for the AS that does not fit.
    let c = &got[2];
    assert_eq!((c.asn4, c.peer_as, c.local_as), (false, 23456, 65002));
}

#[test]
fn state_change_bytes() {
    let mut out = Vec::new();
    bgp4mp_state(
        &mut out,
        TS,
        &v4_session(),
        FsmState::Established,
        FsmState::Idle,
    )
    .unwrap();
    assert_eq!(&out[4..8], &[0, 17, 0, 5]);
    assert_eq!(&out[out.len() - 4..], &[0, 6, 0, 1]);
    assert_eq!(out.len(), 12 + 4 + 20 + 4);
}

/// ORIGIN IGP, AS_PATH [65001], NEXT_HOP 192.0.2.1 with 4-octet AS numbers.
fn v4_attributes() -> Vec<u8> {
    vec![
        0x40, 1, 1, 0, //
        0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9, //
        0x40, 3, 4, 192, 0, 2, 1,
    ]
}

#[test]
fn table_dump_v2_reads_back_as_updates() {
    let mut out = Vec::new();
    let peers = [
        IndexPeer {
            bgp_id: Ipv4Addr::new(192, 0, 2, 1),
            ip: IpAddr::from([192, 0, 2, 1]),
            asn: 65001,
        },
        IndexPeer {
            bgp_id: Ipv4Addr::new(192, 0, 2, 9),
            ip: "2001:db8::9".parse().unwrap(),
            asn: 4_200_000_009,
        },
    ];
    peer_index_table(&mut out, TS, Ipv4Addr::new(10, 0, 0, 1), "herald", &peers).unwrap();
    let attrs = v4_attributes();
    let entries = [
        RibEntry {
            peer_index: 0,
            originated: 1_690_000_000,
            path_id: None,
            attributes: &attrs,
        },
        RibEntry {
            peer_index: 1,
            originated: 1_690_000_001,
            path_id: None,
            attributes: &attrs,
        },
    ];
    rib(
        &mut out,
        TS,
        0,
        IpAddr::from([10, 1, 0, 0]),
        16,
        false,
        &entries,
    )
    .unwrap();
    // An IPv6 prefix with the abbreviated MP_REACH_NLRI (next hop only).
    let mut v6attrs = vec![0x40, 1, 1, 0, 0x80, 14, 17, 16];
    v6attrs.extend_from_slice(
        &"2001:db8::9"
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
            .octets(),
    );
    let e6 = [RibEntry {
        peer_index: 1,
        originated: 1,
        path_id: Some(7),
        attributes: &v6attrs,
    }];
    rib(
        &mut out,
        TS,
        1,
        "2001:db8:1::".parse().unwrap(),
        48,
        true,
        &e6,
    )
    .unwrap();
    let got: Vec<_> = Reader::new(Cursor::new(out)).map(|m| m.unwrap()).collect();
    assert_eq!(got.len(), 3);
    assert!(got
        .iter()
        .all(|m| m.source == Source::TableDumpV2 && m.asn4));
    assert_eq!((got[0].peer_ip, got[0].peer_as), (peers[0].ip, 65001));
    assert_eq!(
        (got[1].peer_ip, got[1].peer_as),
        (peers[1].ip, 4_200_000_009)
    );
    // The synthetic UPDATE: no withdrawals, the attributes as written, NLRI 10.1/16.
    let m = &got[0].message;
    assert!(m.ends_with(&[16, 10, 1]), "{m:02x?}");
    assert!(m.windows(attrs.len()).any(|w| w == attrs.as_slice()));
    // IPv6: a full MP_REACH_NLRI with the path identifier and the prefix.
    let m6 = &got[2].message;
    assert!(got[2].add_path);
    assert!(
        m6.ends_with(&[0, 0, 0, 7, 48, 0x20, 0x01, 0x0d, 0xb8, 0, 1]),
        "{m6:02x?}"
    );
}

#[test]
fn oversized_fields_are_refused_and_nothing_is_written() {
    let mut out = vec![1, 2, 3];
    let long = "x".repeat(70_000);
    assert!(peer_index_table(&mut out, TS, Ipv4Addr::LOCALHOST, &long, &[]).is_err());
    let big = vec![0u8; 70_000];
    let e = [RibEntry {
        peer_index: 0,
        originated: 0,
        path_id: None,
        attributes: &big,
    }];
    assert!(rib(&mut out, TS, 0, IpAddr::from([10, 0, 0, 0]), 8, false, &e).is_err());
    assert!(rib(&mut out, TS, 0, IpAddr::from([10, 0, 0, 0]), 33, false, &[]).is_err());
    assert_eq!(out, vec![1, 2, 3]);
}
