//! Hand-built MRT records of every kind, both ways round the reader.

use std::io::{Cursor, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::{MrtError, MrtMessage, Reader, Source};

const V4_PEER: [u8; 4] = [192, 0, 2, 1];
const V4_LOCAL: [u8; 4] = [192, 0, 2, 2];
const V6_PEER: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const V6_LOCAL: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

fn record(ts: u32, kind: u16, subtype: u16, body: &[u8]) -> Vec<u8> {
    let mut r = ts.to_be_bytes().to_vec();
    r.extend_from_slice(&kind.to_be_bytes());
    r.extend_from_slice(&subtype.to_be_bytes());
    r.extend_from_slice(&(body.len() as u32).to_be_bytes());
    r.extend_from_slice(body);
    r
}

fn keepalive() -> Vec<u8> {
    let mut m = vec![0xff; 16];
    m.extend_from_slice(&[0, 19, 4]);
    m
}

fn bgp4mp_body(as4: bool, v6: bool, msg: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    if as4 {
        b.extend_from_slice(&4_200_000_001u32.to_be_bytes());
        b.extend_from_slice(&4_200_000_002u32.to_be_bytes());
    } else {
        b.extend_from_slice(&65001u16.to_be_bytes());
        b.extend_from_slice(&65002u16.to_be_bytes());
    }
    b.extend_from_slice(&7u16.to_be_bytes());
    if v6 {
        b.extend_from_slice(&2u16.to_be_bytes());
        b.extend_from_slice(&V6_PEER);
        b.extend_from_slice(&V6_LOCAL);
    } else {
        b.extend_from_slice(&1u16.to_be_bytes());
        b.extend_from_slice(&V4_PEER);
        b.extend_from_slice(&V4_LOCAL);
    }
    b.extend_from_slice(msg);
    b
}

type Read = (Vec<Result<MrtMessage, MrtError>>, Reader<Cursor<Vec<u8>>>);

fn read_all(bytes: &[u8]) -> Read {
    let mut r = Reader::new(Cursor::new(bytes.to_vec()));
    let out: Vec<_> = r.by_ref().collect();
    (out, r)
}

fn read_ok(bytes: &[u8]) -> Vec<MrtMessage> {
    let (out, _) = read_all(bytes);
    out.into_iter().map(|r| r.unwrap()).collect()
}

#[test]
fn bgp4mp_message_v4_has_2_octet_ases_and_the_message() {
    let ka = keepalive();
    let m = read_ok(&record(1546300800, 16, 1, &bgp4mp_body(false, false, &ka)));
    assert_eq!(m.len(), 1);
    let m = &m[0];
    assert_eq!(m.timestamp, 1546300800);
    assert_eq!((m.peer_as, m.local_as), (65001, 65002));
    assert_eq!(m.peer_ip, IpAddr::V4(Ipv4Addr::from(V4_PEER)));
    assert_eq!(m.local_ip, IpAddr::V4(Ipv4Addr::from(V4_LOCAL)));
    assert!(!m.asn4 && !m.add_path && !m.sent_by_local);
    assert_eq!(m.source, Source::Bgp4mp);
    assert_eq!((m.offset, m.microseconds), (0, 0));
    assert_eq!(m.message, ka);
}

#[test]
fn bgp4mp_message_as4_v6_has_4_octet_ases_and_v6_addresses() {
    let ka = keepalive();
    let m = read_ok(&record(5, 16, 4, &bgp4mp_body(true, true, &ka)));
    let m = &m[0];
    assert_eq!((m.peer_as, m.local_as), (4_200_000_001, 4_200_000_002));
    assert_eq!(m.peer_ip, IpAddr::V6(Ipv6Addr::from(V6_PEER)));
    assert_eq!(m.local_ip, IpAddr::V6(Ipv6Addr::from(V6_LOCAL)));
    assert!(m.asn4 && !m.add_path && !m.sent_by_local);
    assert_eq!(m.message, ka);
}

#[test]
fn bgp4mp_subtypes_set_as4_local_and_add_path_flags() {
    // (subtype, asn4, sent_by_local, add_path)
    let cases = [
        (1u16, false, false, false),
        (4, true, false, false),
        (6, false, true, false),
        (7, true, true, false),
        (8, false, false, true),
        (9, true, false, true),
        (10, false, true, true),
        (11, true, true, true),
    ];
    for v6 in [false, true] {
        let mut file = Vec::new();
        for (sub, as4, _, _) in cases {
            file.extend(record(1, 16, sub, &bgp4mp_body(as4, v6, &keepalive())));
        }
        let msgs = read_ok(&file);
        assert_eq!(msgs.len(), cases.len());
        for (m, (sub, as4, local, ap)) in msgs.iter().zip(cases) {
            assert_eq!(
                (m.asn4, m.sent_by_local, m.add_path),
                (as4, local, ap),
                "{sub}"
            );
            assert_eq!(m.peer_ip.is_ipv6(), v6);
            assert_eq!(m.message, keepalive());
        }
        // Offsets advance record by record.
        let first = record(1, 16, 1, &bgp4mp_body(false, v6, &keepalive()));
        assert_eq!(msgs[1].offset, msgs[0].offset + first.len() as u64);
    }
}

#[test]
fn bgp4mp_et_reads_the_microsecond_timestamp() {
    let mut body = 123_456u32.to_be_bytes().to_vec();
    body.extend(bgp4mp_body(true, false, &keepalive()));
    let m = read_ok(&record(9, 17, 4, &body));
    assert_eq!((m[0].timestamp, m[0].microseconds), (9, 123_456));
    assert_eq!(m[0].message, keepalive());
    let (out, _) = read_all(&record(9, 17, 4, &[0, 1]));
    assert!(matches!(&out[..], [Err(MrtError::Malformed { reason, .. })]
        if reason.contains("microsecond")));
}

#[test]
fn state_changes_and_unknown_records_are_skipped_and_counted() {
    let mut file = Vec::new();
    file.extend(record(1, 16, 0, &[0xfd, 0xe9, 0xfd, 0xea, 0, 0, 0, 1]));
    file.extend(record(1, 16, 5, &[0; 12]));
    file.extend(record(1, 17, 5, &[0; 16]));
    file.extend(record(1, 16, 2, &[1, 2, 3])); // deprecated BGP4MP_ENTRY
    file.extend(record(1, 11, 0, &[1, 2, 3])); // OSPFv2
    file.extend(record(1, 12, 1, &[1, 2, 3])); // TABLE_DUMP v1
    file.extend(record(1, 13, 6, &[1, 2, 3])); // RIB_GENERIC
    file.extend(record(1, 13, 12, &[])); // RIB_GENERIC_ADDPATH
    file.extend(record(1, 13, 7, &[])); // GEO_PEER_TABLE
    file.extend(record(1, 16, 1, &bgp4mp_body(false, false, &keepalive())));
    let (out, r) = read_all(&file);
    assert_eq!(out.len(), 1);
    assert!(out[0].is_ok());
    let s = r.stats();
    assert_eq!(
        (s.state_changes, s.rib_generic, s.unknown, s.records),
        (3, 2, 4, 10)
    );
    assert_eq!(r.skipped(), 9);
}

// ---- TABLE_DUMP_V2 ----

/// A PEER_INDEX_TABLE: peer 0 = IPv4 with a 2-octet AS, peer 1 = IPv6 with a 4-octet AS.
fn peer_index() -> Vec<u8> {
    let mut b = vec![10, 0, 0, 1];
    b.extend_from_slice(&4u16.to_be_bytes());
    b.extend_from_slice(b"view");
    b.extend_from_slice(&2u16.to_be_bytes());
    b.push(0x00);
    b.extend_from_slice(&[1, 1, 1, 1]);
    b.extend_from_slice(&V4_PEER);
    b.extend_from_slice(&65001u16.to_be_bytes());
    b.push(0x03);
    b.extend_from_slice(&[2, 2, 2, 2]);
    b.extend_from_slice(&V6_PEER);
    b.extend_from_slice(&4_200_000_001u32.to_be_bytes());
    record(100, 13, 1, &b)
}

fn origin_as_path() -> Vec<u8> {
    vec![0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9]
}

fn next_hop_v4() -> Vec<u8> {
    vec![0x40, 3, 4, 192, 0, 2, 1]
}

fn abbreviated_mp_reach_v6() -> Vec<u8> {
    let mut a = vec![0x80, 14, 17, 16];
    a.extend_from_slice(&V6_PEER);
    a
}

/// A RIB record body with the given prefix and entries (peer index, path id, attributes).
fn rib_body(bits: u8, prefix: &[u8], entries: &[(u16, Option<u32>, Vec<u8>)]) -> Vec<u8> {
    let mut b = 77u32.to_be_bytes().to_vec();
    b.push(bits);
    b.extend_from_slice(prefix);
    b.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    for (peer, path_id, attrs) in entries {
        b.extend_from_slice(&peer.to_be_bytes());
        b.extend_from_slice(&1_500_000_000u32.to_be_bytes());
        if let Some(id) = path_id {
            b.extend_from_slice(&id.to_be_bytes());
        }
        b.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
        b.extend_from_slice(attrs);
    }
    b
}

fn update(attrs: &[u8], nlri: &[u8]) -> Vec<u8> {
    let mut m = vec![0xff; 16];
    m.extend_from_slice(&((23 + attrs.len() + nlri.len()) as u16).to_be_bytes());
    m.extend_from_slice(&[2, 0, 0]);
    m.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
    m.extend_from_slice(attrs);
    m.extend_from_slice(nlri);
    m
}

fn mp_reach(afi: u16, safi: u8, nh: &[u8], nlri: &[u8]) -> Vec<u8> {
    let mut v = afi.to_be_bytes().to_vec();
    v.push(safi);
    v.push(nh.len() as u8);
    v.extend_from_slice(nh);
    v.push(0);
    v.extend_from_slice(nlri);
    let mut a = vec![0x80, 14, v.len() as u8];
    a.extend(v);
    a
}

#[test]
fn rib_ipv4_unicast_becomes_an_update_with_the_prefix_in_nlri() {
    let attrs = [origin_as_path(), next_hop_v4()].concat();
    let mut file = peer_index();
    file.extend(record(
        200,
        13,
        2,
        &rib_body(
            16,
            &[10, 1],
            &[(0, None, attrs.clone()), (1, None, attrs.clone())],
        ),
    ));
    let msgs = read_ok(&file);
    assert_eq!(msgs.len(), 2);
    let expected = update(&attrs, &[16, 10, 1]);
    for m in &msgs {
        assert_eq!(m.message, expected);
        assert_eq!(m.source, Source::TableDumpV2);
        assert!(m.asn4 && !m.add_path);
        assert_eq!(m.timestamp, 200);
        assert_eq!(m.local_ip, IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
    }
    assert_eq!(
        (msgs[0].peer_as, msgs[0].peer_ip),
        (65001, IpAddr::V4(Ipv4Addr::from(V4_PEER)))
    );
    assert_eq!(
        (msgs[1].peer_as, msgs[1].peer_ip),
        (4_200_000_001, IpAddr::V6(Ipv6Addr::from(V6_PEER)))
    );
    assert_eq!(msgs[0].offset, peer_index().len() as u64);
}

#[test]
fn rib_ipv6_unicast_rewrites_the_abbreviated_mp_reach_in_place() {
    let attrs = [
        origin_as_path(),
        abbreviated_mp_reach_v6(),
        vec![0xc0, 8, 4, 0xfd, 0xe9, 0, 1],
    ]
    .concat();
    let prefix = [0x20, 0x01, 0x0d, 0xb8];
    let mut file = peer_index();
    file.extend(record(
        200,
        13,
        4,
        &rib_body(32, &prefix, &[(1, None, attrs)]),
    ));
    let msgs = read_ok(&file);
    let expected_attrs = [
        origin_as_path(),
        mp_reach(2, 1, &V6_PEER, &[32, 0x20, 0x01, 0x0d, 0xb8]),
        vec![0xc0, 8, 4, 0xfd, 0xe9, 0, 1],
    ]
    .concat();
    assert_eq!(msgs[0].message, update(&expected_attrs, &[]));
    assert_eq!(msgs[0].peer_as, 4_200_000_001);
}

#[test]
fn rib_addpath_subtypes_put_the_path_id_before_the_prefix() {
    let v4_attrs = [origin_as_path(), next_hop_v4()].concat();
    let v6_attrs = [origin_as_path(), abbreviated_mp_reach_v6()].concat();
    let mut file = peer_index();
    file.extend(record(
        1,
        13,
        8,
        &rib_body(24, &[10, 1, 2], &[(0, Some(7), v4_attrs.clone())]),
    ));
    file.extend(record(
        1,
        13,
        10,
        &rib_body(16, &[0x20, 0x01], &[(1, Some(0x01020304), v6_attrs)]),
    ));
    let msgs = read_ok(&file);
    assert_eq!(msgs.len(), 2);
    assert!(msgs.iter().all(|m| m.add_path && m.asn4));
    assert_eq!(
        msgs[0].message,
        update(&v4_attrs, &[0, 0, 0, 7, 24, 10, 1, 2])
    );
    let expected_v6 = [
        origin_as_path(),
        mp_reach(2, 1, &V6_PEER, &[1, 2, 3, 4, 16, 0x20, 0x01]),
    ]
    .concat();
    assert_eq!(msgs[1].message, update(&expected_v6, &[]));
}

#[test]
fn rib_multicast_uses_mp_reach_for_both_families() {
    // IPv4 multicast with only a NEXT_HOP: an MP_REACH_NLRI is appended with its address.
    let v4_attrs = [origin_as_path(), next_hop_v4()].concat();
    // IPv6 multicast with the abbreviated MP_REACH_NLRI, ADD-PATH variant.
    let v6_attrs = [origin_as_path(), abbreviated_mp_reach_v6()].concat();
    let mut file = peer_index();
    file.extend(record(
        1,
        13,
        3,
        &rib_body(8, &[224], &[(0, None, v4_attrs.clone())]),
    ));
    file.extend(record(
        1,
        13,
        11,
        &rib_body(8, &[0xff], &[(1, Some(9), v6_attrs)]),
    ));
    file.extend(record(1, 13, 5, &rib_body(0, &[], &[])));
    file.extend(record(
        1,
        13,
        9,
        &rib_body(4, &[0xe0], &[(0, Some(1), v4_attrs.clone())]),
    ));
    let msgs = read_ok(&file);
    assert_eq!(msgs.len(), 3);
    let expected_v4 = [v4_attrs.clone(), mp_reach(1, 2, &V4_PEER, &[8, 224])].concat();
    assert_eq!(msgs[0].message, update(&expected_v4, &[]));
    let expected_v6 = [
        origin_as_path(),
        mp_reach(2, 2, &V6_PEER, &[0, 0, 0, 9, 8, 0xff]),
    ]
    .concat();
    assert_eq!(msgs[1].message, update(&expected_v6, &[]));
    assert!(msgs[1].add_path && !msgs[0].add_path);
    let expected_v4_ap = [v4_attrs, mp_reach(1, 2, &V4_PEER, &[0, 0, 0, 1, 4, 0xe0])].concat();
    assert_eq!(msgs[2].message, update(&expected_v4_ap, &[]));
}

#[test]
fn rib_ipv4_with_an_mp_reach_next_hop_carries_the_prefix_in_mp_reach() {
    // RFC 8950: IPv4 prefix with an IPv6 next hop.
    let attrs = [origin_as_path(), abbreviated_mp_reach_v6()].concat();
    let mut file = peer_index();
    file.extend(record(1, 13, 2, &rib_body(8, &[10], &[(0, None, attrs)])));
    let msgs = read_ok(&file);
    let expected = [origin_as_path(), mp_reach(1, 1, &V6_PEER, &[8, 10])].concat();
    assert_eq!(msgs[0].message, update(&expected, &[]));
}

#[test]
fn a_whole_mp_reach_in_a_rib_entry_is_tolerated() {
    let whole = mp_reach(2, 1, &V6_PEER, &[]);
    let attrs = [origin_as_path(), whole].concat();
    let mut file = peer_index();
    file.extend(record(
        1,
        13,
        4,
        &rib_body(16, &[0x20, 0x01], &[(1, None, attrs)]),
    ));
    let msgs = read_ok(&file);
    let expected = [
        origin_as_path(),
        mp_reach(2, 1, &V6_PEER, &[16, 0x20, 0x01]),
    ]
    .concat();
    assert_eq!(msgs[0].message, update(&expected, &[]));
}

#[test]
fn a_rewritten_mp_reach_over_255_octets_gets_the_extended_length_flag() {
    // A 240-octet next hop (nonsense, but legal to carry) pushes the value past 255.
    let mut attrs = vec![0x80, 14, 241, 240];
    attrs.extend_from_slice(&[0xab; 240]);
    let mut file = peer_index();
    file.extend(record(
        1,
        13,
        4,
        &rib_body(128, &[0x11; 16], &[(1, None, attrs)]),
    ));
    let msgs = read_ok(&file);
    let mut value = vec![0, 2, 1, 240];
    value.extend_from_slice(&[0xab; 240]);
    value.push(0);
    value.push(128);
    value.extend_from_slice(&[0x11; 16]);
    let mut expected = vec![0x90, 14];
    expected.extend_from_slice(&(value.len() as u16).to_be_bytes());
    expected.extend(value);
    assert_eq!(msgs[0].message, update(&expected, &[]));
}

#[test]
fn rib_errors_carry_the_record_offset_and_reading_goes_on() {
    let attrs = [origin_as_path(), next_hop_v4()].concat();
    let good = record(1, 13, 2, &rib_body(8, &[10], &[(0, None, attrs.clone())]));
    // RIB entry before any PEER_INDEX_TABLE.
    let mut file = good.clone();
    file.extend(peer_index());
    let bad_peer_offset = file.len() as u64;
    file.extend(record(
        1,
        13,
        2,
        &rib_body(8, &[10], &[(5, None, attrs.clone())]),
    ));
    let bad_len_offset = file.len() as u64;
    file.extend(record(1, 13, 2, &rib_body(33, &[10, 0, 0, 0, 0], &[])));
    let bad_v6_offset = file.len() as u64;
    file.extend(record(1, 13, 4, &rib_body(129, &[0; 17], &[])));
    let short_offset = file.len() as u64;
    let mut short = rib_body(8, &[10], &[(0, None, attrs.clone())]);
    short.truncate(short.len() - 2);
    file.extend(record(1, 13, 2, &short));
    let bad_attr_offset = file.len() as u64;
    file.extend(record(
        1,
        13,
        2,
        &rib_body(8, &[10], &[(0, None, vec![0x40, 1, 5, 0])]),
    ));
    file.extend(good);
    let (out, r) = read_all(&file);
    let offsets: Vec<_> = out
        .iter()
        .map(|r| match r {
            Ok(m) => (true, m.offset),
            Err(e) => (false, e.offset()),
        })
        .collect();
    let last_ok =
        bad_attr_offset + 12 + (rib_body(8, &[10], &[(0, None, vec![0x40, 1, 5, 0])]).len() as u64);
    assert_eq!(
        offsets,
        vec![
            (false, 0),
            (false, bad_peer_offset),
            (false, bad_len_offset),
            (false, bad_v6_offset),
            (false, short_offset),
            (false, bad_attr_offset),
            (true, last_ok),
        ]
    );
    let msg = |i: usize| out[i].as_ref().unwrap_err().to_string();
    assert!(msg(0).contains("before any PEER_INDEX_TABLE"), "{}", msg(0));
    assert!(msg(1).contains("peer index 5"), "{}", msg(1));
    assert!(msg(2).contains("prefix length 33"), "{}", msg(2));
    assert!(msg(3).contains("prefix length 129"), "{}", msg(3));
    assert!(
        msg(4).contains("record ends inside the BGP attributes"),
        "{}",
        msg(4)
    );
    assert!(msg(5).contains("attribute value"), "{}", msg(5));
    assert!(msg(1).contains(&format!("offset {bad_peer_offset}")));
    assert_eq!(r.stats().errors, 6);
    assert_eq!(r.stats().peer_index_tables, 1);
}

#[test]
fn malformed_peer_index_is_an_error() {
    let mut pi = peer_index();
    pi.truncate(pi.len() - 1);
    let len = (pi.len() - 12) as u32;
    pi[8..12].copy_from_slice(&len.to_be_bytes());
    let (out, _) = read_all(&pi);
    assert!(
        matches!(&out[..], [Err(MrtError::Malformed { reason, kind: 13, subtype: 1, .. })]
        if reason.contains("peer AS"))
    );
}

// ---- truncation and garbage ----

#[test]
fn bgp4mp_bodies_that_end_early_or_name_a_bad_family_are_errors() {
    let mut file = record(1, 16, 1, &bgp4mp_body(false, false, &[])[..14]);
    let mut bad_afi = bgp4mp_body(false, false, &keepalive());
    bad_afi[7] = 3;
    file.extend(record(1, 16, 1, &bad_afi));
    file.extend(record(1, 16, 1, &bgp4mp_body(false, false, &[])));
    file.extend(record(1, 16, 1, &bgp4mp_body(false, false, &keepalive())));
    let (out, _) = read_all(&file);
    assert_eq!(out.len(), 4);
    let text: Vec<String> = out[..3]
        .iter()
        .map(|r| r.as_ref().unwrap_err().to_string())
        .collect();
    assert!(text[0].contains("local IP address"), "{}", text[0]);
    assert!(text[1].contains("address family 3"), "{}", text[1]);
    assert!(text[2].contains("BGP message"), "{}", text[2]);
    assert!(out[3].is_ok());
}

#[test]
fn a_truncated_header_or_body_is_reported_once_then_reading_stops() {
    let rec = record(1, 16, 1, &bgp4mp_body(false, false, &keepalive()));
    let mut file = rec.clone();
    file.extend_from_slice(&rec[..7]);
    let (out, _) = read_all(&file);
    assert_eq!(out.len(), 2);
    assert!(matches!(
        out[1],
        Err(MrtError::Truncated { offset, needed: 12, got: 7 }) if offset == rec.len() as u64
    ));
    let mut file = rec.clone();
    file.extend_from_slice(&rec[..rec.len() - 1]);
    let (out, _) = read_all(&file);
    assert_eq!(out.len(), 2);
    let body = rec.len() as u64 - 12;
    assert!(matches!(
        out[1],
        Err(MrtError::Truncated { needed, got, .. }) if needed == 12 + body && got == 11 + body
    ));
}

#[test]
fn every_truncation_and_corruption_of_a_valid_file_is_handled_without_panic() {
    let attrs = [origin_as_path(), abbreviated_mp_reach_v6()].concat();
    let mut file = peer_index();
    file.extend(record(
        1,
        13,
        10,
        &rib_body(16, &[0x20, 1], &[(1, Some(1), attrs)]),
    ));
    file.extend(record(
        1,
        17,
        9,
        &[&[0, 0, 0, 1][..], &bgp4mp_body(true, true, &keepalive())].concat(),
    ));
    for n in 0..file.len() {
        let _ = read_all(&file[..n]);
    }
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..2000 {
        let mut f = file.clone();
        for _ in 0..3 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let i = (seed % f.len() as u64) as usize;
            f[i] = (seed >> 32) as u8;
        }
        let _ = read_all(&f);
    }
}

// ---- files ----

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("herald-mrt-{}-{name}", std::process::id()))
}

#[test]
fn open_recognises_plain_gzip_and_bzip2_by_magic_bytes() {
    let file = [
        peer_index(),
        record(1, 16, 4, &bgp4mp_body(true, false, &keepalive())),
    ]
    .concat();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&file).unwrap();
    let gz = gz.finish().unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    bz.write_all(&file).unwrap();
    let bz = bz.finish().unwrap();
    // Names that lie about the contents.
    for (name, bytes) in [("plain.gz", &file), ("gzip.mrt", &gz), ("bzip.gz", &bz)] {
        let path = temp_path(name);
        std::fs::write(&path, bytes).unwrap();
        let msgs: Vec<_> = crate::open(&path).unwrap().collect();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(msgs.len(), 1, "{name}");
        assert_eq!(msgs[0].as_ref().unwrap().message, keepalive(), "{name}");
    }
    let missing = crate::open(&temp_path("missing"));
    assert!(matches!(missing, Err(MrtError::Open { .. })));
}

#[test]
fn routeviews_updates_file_yields_over_10000_messages_without_error() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/updates.20190101.0000.gz");
    let mut r = crate::open(&path).unwrap();
    let mut n = 0u64;
    let (mut v6, mut as4) = (0u64, 0u64);
    for m in r.by_ref() {
        let m = m.unwrap();
        assert_eq!(
            m.message.get(..16),
            Some(&[0xff; 16][..]),
            "offset {}",
            m.offset
        );
        v6 += u64::from(m.peer_ip.is_ipv6());
        as4 += u64::from(m.asn4);
        n += 1;
    }
    eprintln!(
        "{n} messages, {v6} from IPv6 peers, {as4} AS4; {:?}",
        r.stats()
    );
    assert!(n > 10_000, "{n} messages");
    assert!(v6 > 0 && as4 > 0, "{v6} IPv6 peers, {as4} AS4");
    assert_eq!(r.stats().errors, 0);
}
