//! Capture reading: hand-built captures for each link type and TCP corner case, and every
//! sample capture decoding and re-encoding unchanged.
use super::*;
use std::net::Ipv6Addr;

fn keepalive() -> Vec<u8> {
    let mut m = vec![0xff; 16];
    m.extend_from_slice(&[0, 19, 4]);
    m
}

/// A minimal OPEN with the given capabilities (code, value).
fn open(caps: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut params = Vec::new();
    for (code, value) in caps {
        params.extend_from_slice(&[2, value.len() as u8 + 2, *code, value.len() as u8]);
        params.extend_from_slice(value);
    }
    let mut m = vec![0xff; 16];
    m.extend_from_slice(&((29 + params.len()) as u16).to_be_bytes());
    m.extend_from_slice(&[1, 4, 0xfd, 0xe9, 0, 90, 10, 0, 0, 1, params.len() as u8]);
    m.extend(params);
    m
}

/// An UPDATE announcing 10.0.0.0/8 with a one-AS AS_PATH of `width`-octet numbers.
fn update(width: usize, path_id: bool) -> Vec<u8> {
    let mut attrs = vec![0x40, 1, 1, 0, 0x40, 2, 2 + width as u8, 2, 1];
    attrs.extend(std::iter::repeat_n(7, width));
    attrs.extend_from_slice(&[0x40, 3, 4, 10, 0, 0, 1]);
    let mut nlri = if path_id { vec![0, 0, 0, 1] } else { vec![] };
    nlri.extend_from_slice(&[8, 10]);
    let mut m = vec![0xff; 16];
    m.extend_from_slice(&((23 + attrs.len() + nlri.len()) as u16).to_be_bytes());
    m.extend_from_slice(&[2, 0, 0, 0, attrs.len() as u8]);
    m.extend(attrs);
    m.extend(nlri);
    m
}

/// An IPv4 TCP packet from 10.0.0.(a) port pa to 10.0.0.(b) port pb.
fn ipv4_tcp(a: u8, b: u8, seq: u32, flags: u8, data: &[u8]) -> Vec<u8> {
    let (pa, pb) = if a < b {
        (50000u16, 179u16)
    } else {
        (179, 50000)
    };
    let mut p = vec![
        0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, a, 10, 0, 0, b,
    ];
    let total = (20 + 20 + data.len()) as u16;
    p[2..4].copy_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&pa.to_be_bytes());
    p.extend_from_slice(&pb.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    p.extend_from_slice(data);
    p
}

fn ethernet(ip: &[u8]) -> Vec<u8> {
    let mut f = vec![
        2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x81, 0, 0, 10, 0x08, 0x00,
    ];
    f.extend_from_slice(ip);
    f.extend_from_slice(&[0; 6]); // trailer padding, not TCP data
    f
}

/// A classic pcap file with one frame per second.
fn pcap(big: bool, link: u32, frames: &[Vec<u8>]) -> Vec<u8> {
    let w32 = |v: u32| {
        if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let w16 = |v: u16| {
        if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut out = w32(0xa1b2_c3d4).to_vec();
    out.extend_from_slice(&w16(2));
    out.extend_from_slice(&w16(4));
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&w32(65535));
    out.extend_from_slice(&w32(link));
    for (i, f) in frames.iter().enumerate() {
        out.extend_from_slice(&w32(1000 + i as u32));
        out.extend_from_slice(&w32(500_000));
        out.extend_from_slice(&w32(f.len() as u32));
        out.extend_from_slice(&w32(f.len() as u32));
        out.extend_from_slice(f);
    }
    out
}

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;

#[test]
fn out_of_order_and_retransmitted_segments_are_reassembled_once() {
    let mut stream = keepalive();
    stream.extend(update(4, false));
    stream.extend(keepalive());
    let (a, b, c) = (&stream[..10], &stream[10..30], &stream[30..]);
    let frames: Vec<Vec<u8>> = [
        ipv4_tcp(1, 2, 99, SYN, &[]),
        ipv4_tcp(1, 2, 130, ACK, c), // early
        ipv4_tcp(1, 2, 100, ACK, a),
        ipv4_tcp(1, 2, 100, ACK, &stream[..20]), // overlapping retransmission
        ipv4_tcp(1, 2, 110, ACK, b),
        ipv4_tcp(1, 2, 100, ACK, &stream), // whole retransmission
    ]
    .iter()
    .map(|p| ethernet(p))
    .collect();
    let msgs = parse_capture(&pcap(false, 1, &frames)).unwrap();
    let bytes: Vec<_> = msgs.iter().map(|m| m.bytes.clone()).collect();
    assert_eq!(bytes, vec![keepalive(), update(4, false), keepalive()]);
    assert_eq!(msgs[0].src, "10.0.0.1:50000".parse().unwrap());
    assert_eq!(msgs[0].dst, "10.0.0.2:179".parse().unwrap());
    // The first keepalive was completed by the third frame, the rest by the fifth.
    assert_eq!(
        msgs.iter().map(|m| m.time).collect::<Vec<_>>(),
        vec![1003.5, 1004.5, 1004.5]
    );
}

#[test]
fn a_stream_joined_midway_resynchronises_on_the_next_marker() {
    let mut stream = update(4, false);
    stream.extend(keepalive());
    // Start 5 octets into the UPDATE, with no SYN seen.
    let frames = vec![ethernet(&ipv4_tcp(1, 2, 7, ACK, &stream[5..]))];
    let msgs = parse_capture(&pcap(true, 1, &frames)).unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].bytes, keepalive());
}

#[test]
fn a_segment_never_captured_loses_only_the_message_it_was_part_of() {
    let mut stream = keepalive();
    stream.extend(update(4, false));
    stream.extend(keepalive());
    let frames = vec![
        ipv4_tcp(1, 2, 100, ACK, &stream[..25]),
        // stream[25..40] missing
        ipv4_tcp(1, 2, 140, ACK, &stream[40..]),
    ];
    let msgs = parse_capture(&pcap(false, 101, &frames)).unwrap();
    let bytes: Vec<_> = msgs.iter().map(|m| m.bytes.clone()).collect();
    assert_eq!(bytes, vec![keepalive(), keepalive()]);
}

#[test]
fn negotiation_follows_both_opens_of_the_connection() {
    let ap_send = (69, vec![0, 1, 1, 3]); // ipv4 unicast send/receive
    let ap_recv = (69, vec![0, 1, 1, 1]); // ipv4 unicast receive
    let as4 = (65, vec![0, 0, 0xfd, 0xe9]);
    let o1 = open(&[as4.clone(), ap_send]);
    let o2 = open(&[ap_recv]); // no 4-octet AS
    let u1 = update(2, true);
    let u2 = update(2, false);
    let frames = vec![
        ipv4_tcp(1, 2, 0, ACK, &o1),
        ipv4_tcp(2, 1, 0, ACK, &o2),
        ipv4_tcp(1, 2, o1.len() as u32, ACK, &u1),
        ipv4_tcp(2, 1, o2.len() as u32, ACK, &u2),
    ];
    let msgs = parse_capture(&pcap(false, 228, &frames)).unwrap();
    assert_eq!(msgs.len(), 4);
    assert!(msgs.iter().all(|m| !m.asn4 && m.negotiated));
    assert_eq!(msgs[2].add_path, vec![Family::IPV4_UNICAST]);
    assert_eq!(msgs[3].add_path, vec![]);
    for m in &msgs {
        let d = Message::decode(&m.bytes, &m.context()).unwrap();
        assert_eq!(d.to_bytes(&m.context()), m.bytes);
    }
}

#[test]
fn without_opens_the_as_width_is_inferred_from_as_path() {
    for (width, asn4) in [(2, false), (4, true)] {
        let frames = vec![ipv4_tcp(1, 2, 5, ACK, &update(width, false))];
        let msgs = parse_capture(&pcap(false, 101, &frames)).unwrap();
        assert_eq!((msgs[0].asn4, msgs[0].negotiated), (asn4, false));
    }
}

#[test]
fn other_link_layers_carry_the_same_segments() {
    let ip = ipv4_tcp(1, 2, 5, ACK, &keepalive());
    let mut sll = vec![0; 14];
    sll.extend_from_slice(&[0x08, 0x00]);
    sll.extend_from_slice(&ip);
    let mut null = 2u32.to_le_bytes().to_vec();
    null.extend_from_slice(&ip);
    let mut hdlc_mpls = vec![0x0f, 0, 0x88, 0x47, 0, 1, 0, 0x40, 0, 2, 1, 0x40];
    hdlc_mpls.extend_from_slice(&ip);
    for (link, frame) in [(113, sll), (0, null), (104, hdlc_mpls), (12, ip.clone())] {
        let msgs = parse_capture(&pcap(false, link, &[frame])).unwrap();
        assert_eq!(msgs.len(), 1, "link type {link}");
        assert_eq!(msgs[0].bytes, keepalive());
    }
}

/// A 20-octet TCP header from port 50000 to port 179.
fn tcp_header(seq: u32, flags: u8) -> Vec<u8> {
    let mut t = vec![0xc3, 0x50, 0, 179];
    t.extend_from_slice(&seq.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    t
}

/// An IPv6 packet from 2001:db8::1 to 2001:db8::2: the extension headers `exts` (the first of
/// type `next`, the last naming TCP; none with `next` 6), then TCP carrying `data`.
fn ipv6_tcp(next: u8, exts: &[u8], seq: u32, data: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&((exts.len() + 20 + data.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[next, 64]);
    p.extend_from_slice(&"2001:db8::1".parse::<Ipv6Addr>().unwrap().octets());
    p.extend_from_slice(&"2001:db8::2".parse::<Ipv6Addr>().unwrap().octets());
    p.extend_from_slice(exts);
    p.extend(tcp_header(seq, ACK));
    p.extend_from_slice(data);
    p
}

/// An untagged Ethernet II frame of the given ethertype.
fn ethernet_untagged(kind: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
    f.extend_from_slice(&kind.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// The one segment of a frame: (source, destination, payload captured, length claimed).
fn segment_of(link: u32, frame: &[u8]) -> Option<(String, String, Vec<u8>, usize)> {
    parse_frame(link, frame).map(|s| (s.src.to_string(), s.dst.to_string(), s.data.to_vec(), s.len))
}

#[test]
fn the_link_types_not_covered_above_carry_the_same_segments() {
    let ip = ipv4_tcp(1, 2, 5, ACK, &keepalive());
    let ip6 = ipv6_tcp(6, &[], 5, &keepalive());
    // SLL2: protocol, reserved, interface index, ARPHRD, packet type, address length, address.
    let mut sll2 = vec![0x08, 0x00, 0, 0, 0, 0, 0, 2, 0x00, 0x01, 0, 6];
    sll2.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0, 0]);
    sll2.extend_from_slice(&ip);
    // SLL from `tcpdump -i any` on the loopback device (ARPHRD 772, which etherparse refuses).
    let mut sll_lo = vec![0, 0, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];
    sll_lo.extend_from_slice(&ip);
    // BSD NULL written by a big-endian host.
    let mut null_be = 2u32.to_be_bytes().to_vec();
    null_be.extend_from_slice(&ip);
    // BSD NULL with IPv6: AF_INET6 is 24, 28 or 30 depending on the BSD.
    let mut null6 = 30u32.to_le_bytes().to_vec();
    null6.extend_from_slice(&ip6);
    let mut sll2_mpls = vec![0x88, 0x47, 0, 0, 0, 0, 0, 2, 0x00, 0x01, 0, 6];
    sll2_mpls.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0, 0, 0x00, 0x01, 0x01, 0x40]);
    sll2_mpls.extend_from_slice(&ip);
    for (link, frame) in [
        (276, sll2),
        (276, sll2_mpls),
        (113, sll_lo),
        (0, null_be),
        (0, null6),
        (14, ip.clone()),
        (229, ip6.clone()),
        (101, ip6),
    ] {
        let msgs = parse_capture(&pcap(false, link, &[frame])).unwrap();
        assert_eq!(msgs.len(), 1, "link type {link}");
        assert_eq!(msgs[0].bytes, keepalive());
    }
}

#[test]
fn a_double_tagged_ethernet_frame_and_an_mpls_stack_under_ethernet_carry_the_segment() {
    let ip = ipv4_tcp(1, 2, 5, ACK, &keepalive());
    // 802.1ad service tag (VLAN 100), then 802.1Q customer tag (VLAN 10), then IPv4.
    let mut qinq = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0xa8, 0x00, 0x64];
    qinq.extend_from_slice(&[0x81, 0x00, 0x00, 0x0a, 0x08, 0x00]);
    qinq.extend_from_slice(&ip);
    qinq.extend_from_slice(&[0; 4]); // trailer padding
                                     // An 802.1Q tag, then two MPLS labels (16, then 17 with the bottom-of-stack bit).
    let mut mpls = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x81, 0x00, 0x00, 0x0a];
    mpls.extend_from_slice(&[0x88, 0x47, 0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x11, 0x40]);
    mpls.extend_from_slice(&ip);
    let want = Some((
        "10.0.0.1:50000".to_string(),
        "10.0.0.2:179".to_string(),
        keepalive(),
        19,
    ));
    assert_eq!(segment_of(1, &qinq), want);
    assert_eq!(segment_of(1, &mpls), want);
    // A label stack that never reaches its bottom is no packet.
    let mut endless = ethernet_untagged(0x8847, &[0x00, 0x01, 0x00, 0x40].repeat(4));
    endless.truncate(endless.len() - 1);
    assert_eq!(segment_of(1, &endless), None);
}

#[test]
fn an_ipv6_packet_with_extension_headers_carries_its_segment() {
    // Hop-by-hop options (8 octets: next header TCP, length 0, a PadN option of 4).
    let hbh = [6, 0, 1, 4, 0, 0, 0, 0];
    // Hop-by-hop, then destination options (next header TCP, length 1: 16 octets of PadN).
    let mut chain = vec![60, 0, 1, 4, 0, 0, 0, 0, 6, 1, 1, 12];
    chain.extend_from_slice(&[0; 12]);
    for (exts, name) in [(&hbh[..], "hop-by-hop"), (&chain[..], "hop-by-hop, dest")] {
        let ip = ipv6_tcp(0, exts, 5, &keepalive());
        let want = Some((
            "[2001:db8::1]:50000".to_string(),
            "[2001:db8::2]:179".to_string(),
            keepalive(),
            19,
        ));
        assert_eq!(segment_of(229, &ip), want, "{name}");
        let mut eth = ethernet_untagged(0x86dd, &ip);
        eth.extend_from_slice(&[0; 6]); // trailer padding
        assert_eq!(segment_of(1, &eth), want, "{name}");
        let msgs = parse_capture(&pcap(true, 1, &[eth])).unwrap();
        assert_eq!(msgs.len(), 1, "{name}");
        assert_eq!(msgs[0].src, "[2001:db8::1]:50000".parse().unwrap());
    }
}

#[test]
fn ip_fragments_are_ignored() {
    let whole = ipv4_tcp(1, 2, 5, ACK, &keepalive());
    assert!(segment_of(101, &whole).is_some());
    let mut first = whole.clone();
    first[6] = 0x20; // more fragments, offset 0
    let mut last = whole.clone();
    last[6..8].copy_from_slice(&[0x00, 0x03]); // offset 24 octets, no more fragments
    assert_eq!(segment_of(101, &first), None);
    assert_eq!(segment_of(101, &last), None);
    assert!(parse_capture(&pcap(false, 1, &[ethernet(&first)]))
        .unwrap()
        .is_empty());
    // IPv6 fragment header: next header TCP, offset 0, M set, identification 7.
    let v6_first = ipv6_tcp(44, &[6, 0, 0x00, 0x01, 0, 0, 0, 7], 5, &keepalive());
    assert_eq!(segment_of(229, &v6_first), None);
    // Offset 8 octets, M clear: the last fragment.
    let v6_last = ipv6_tcp(44, &[6, 0, 0x00, 0x08, 0, 0, 0, 7], 5, &keepalive());
    assert_eq!(segment_of(229, &v6_last), None);
    // An atomic fragment (offset 0, M clear) is a whole packet (RFC 6946).
    let atomic = ipv6_tcp(44, &[6, 0, 0, 0, 0, 0, 0, 7], 5, &keepalive());
    assert_eq!(segment_of(229, &atomic).map(|s| s.2), Some(keepalive()));
}

#[test]
fn the_tcp_payload_ends_where_the_ip_header_says() {
    // A bare ACK padded to Ethernet's minimum: the padding is no TCP data.
    let mut ack = ethernet_untagged(0x0800, &ipv4_tcp(1, 2, 5, ACK, &[]));
    ack.extend_from_slice(&[0xff; 6]);
    assert_eq!(ack.len(), 60);
    assert_eq!(segment_of(1, &ack).map(|s| (s.2, s.3)), Some((vec![], 0)));
    let mut ack6 = ethernet_untagged(0x86dd, &ipv6_tcp(6, &[], 5, &[]));
    ack6.extend_from_slice(&[0xff; 6]);
    assert_eq!(segment_of(1, &ack6).map(|s| (s.2, s.3)), Some((vec![], 0)));
    // The helper's frames carry 6 octets of trailer after the IP packet.
    let padded = ethernet(&ipv4_tcp(1, 2, 5, ACK, &keepalive()));
    assert_eq!(
        segment_of(1, &padded).map(|s| (s.2, s.3)),
        Some((keepalive(), 19))
    );
    // Cut by the snap length: the segment claims all 19 octets and holds the 10 captured.
    let ip = ipv4_tcp(1, 2, 5, ACK, &keepalive());
    let cut = segment_of(101, &ip[..50]).map(|s| (s.2, s.3));
    assert_eq!(cut, Some((keepalive()[..10].to_vec(), 19)));
    let ip6 = ipv6_tcp(0, &[6, 0, 1, 4, 0, 0, 0, 0], 5, &keepalive());
    let cut6 = segment_of(229, &ip6[..ip6.len() - 4]).map(|s| (s.2, s.3));
    assert_eq!(cut6, Some((keepalive()[..15].to_vec(), 19)));
    // Total length 0 (segmentation offload on the capturing host): the capture says.
    let mut tso = ip.clone();
    tso[2..4].copy_from_slice(&[0, 0]);
    assert_eq!(
        segment_of(101, &tso).map(|s| (s.2, s.3)),
        Some((keepalive(), 19))
    );
    // A total length shorter than the headers is no packet, not one to take from the capture.
    for total in [12u8, 30] {
        let mut short = ip.clone();
        short[2..4].copy_from_slice(&[0, total]);
        assert_eq!(segment_of(101, &short), None, "total length {total}");
    }
}

#[test]
fn no_frame_of_any_link_type_panics() {
    let ip = ipv4_tcp(1, 2, 5, ACK, &keepalive());
    let ip6 = ipv6_tcp(
        0,
        &[44, 0, 1, 4, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 7],
        5,
        &keepalive(),
    );
    let mut frames = vec![ip.clone(), ip6.clone()];
    for p in [&ip, &ip6] {
        let kind = if p[0] >> 4 == 4 {
            [0x08, 0x00]
        } else {
            [0x86, 0xdd]
        };
        let mut f = vec![
            2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0xa8, 0, 1, 0x81, 0, 0, 2,
        ];
        f.extend_from_slice(&[0x88, 0x47, 0, 1, 0x01, 0x40]);
        f.extend_from_slice(p);
        frames.push(f);
        let mut f = vec![0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, kind[0], kind[1]];
        f.extend_from_slice(p);
        frames.push(f);
    }
    for link in [0, 1, 12, 14, 101, 104, 113, 228, 229, 276] {
        for f in &frames {
            for n in 0..=f.len() {
                let _ = parse_frame(link, &f[..n]);
            }
            for i in 0..f.len() {
                for x in [0x01, 0x0f, 0x10, 0x80, 0xff] {
                    let mut g = f.clone();
                    g[i] ^= x;
                    let _ = parse_frame(link, &g);
                }
            }
        }
    }
}

#[test]
fn broken_pcapng_and_garbage_are_clear_errors_and_never_panic() {
    let err = parse_capture(&[0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]).unwrap_err();
    assert!(err.to_string().contains("pcapng"), "{err}");
    let ng = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pcap/pcapng/bgp_withdraw.pcapng"),
    )
    .unwrap();
    for n in 0..ng.len() {
        let _ = parse_capture(&ng[..n]);
        let mut f = ng.clone();
        f[n] ^= 0xa5;
        let _ = parse_capture(&f);
    }
    assert!(parse_capture(b"hello").is_err());
    assert!(parse_capture(&pcap(false, 9, &[])).is_err());
    let file = pcap(
        false,
        1,
        &[ethernet(&ipv4_tcp(1, 2, 5, ACK, &update(4, false)))],
    );
    for n in 0..file.len() {
        let _ = parse_capture(&file[..n]);
        let mut f = file.clone();
        f[n] ^= 0xa5;
        let _ = parse_capture(&f);
    }
}

/// Messages per capture of the Wireshark sample collection, as tshark counts them (with
/// `-d tcp.port==1179,bgp` for the three ExaBGP captures on port 1179).
const SAMPLES: [(&str, usize); 20] = [
    ("16-bit-asn.cap", 24),
    ("4-byte_AS_numbers_Full_Support.cap", 16),
    ("4-byte_AS_numbers_Mixed_Scenario.cap", 4),
    ("BGP_AS_set.cap", 10),
    ("BGP_MD5.cap", 10),
    ("BGP_MP_NLRI.cap", 24),
    ("BGP_flowspec_dscp.cap", 1),
    ("BGP_flowspec_redirect.cap", 12),
    ("BGP_flowspec_v4.cap", 1),
    ("BGP_flowspec_v6.cap", 4),
    ("BGP_hard_reset.cap", 26),
    ("BGP_notification.cap", 2),
    ("BGP_notification_msg.cap", 3),
    ("BGP_redist.cap", 2),
    ("BGP_soft_reset.cap", 21),
    ("EBGP_adjacency.cap", 26),
    ("IBGP_adjacency.cap", 24),
    ("bgp-add-path.cap", 12),
    ("bgp_withdraw.cap", 2),
    ("bgplu.cap", 9),
];

/// Every sample capture yields the messages tshark sees, and each decodes with the context
/// its connection negotiated and re-encodes to the same octets.
#[test]
fn every_sample_capture_yields_messages_that_decode_and_reencode() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pcap");
    let mut failures = Vec::new();
    for (name, count) in SAMPLES {
        let msgs = read_bgp_messages(&dir.join(name)).unwrap();
        assert_eq!(msgs.len(), count, "{name}");
        for m in &msgs {
            match Message::decode(&m.bytes, &m.context()) {
                Ok(d) if d.to_bytes(&m.context()) == m.bytes => {}
                Ok(_) => failures.push(format!("{name}: {} → {} re-encodes", m.src, m.dst)),
                Err(e) => failures.push(format!("{name}: {} → {}: {e:?}", m.src, m.dst)),
            }
        }
        let (asn4, add_path) = (
            msgs.iter().any(|m| m.asn4),
            msgs.iter().any(|m| !m.add_path.is_empty()),
        );
        match name {
            "16-bit-asn.cap" | "4-byte_AS_numbers_Mixed_Scenario.cap" => {
                assert!(!asn4, "{name}")
            }
            "4-byte_AS_numbers_Full_Support.cap" => assert!(asn4, "{name}"),
            _ => {}
        }
        assert_eq!(add_path, name == "bgp-add-path.cap", "{name}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let on_disk = std::fs::read_dir(&dir).unwrap().filter(|e| {
        e.as_ref()
            .unwrap()
            .path()
            .extension()
            .is_some_and(|x| x == "cap")
    });
    assert_eq!(on_disk.count(), SAMPLES.len());
}

/// pcapng files as tshark/editcap/mergecap write them (the format Wireshark saves by default)
/// give the same messages as the classic captures they were made from; a file merged from
/// three captures has one interface per link type (Ethernet, Cisco HDLC, NULL) and all their
/// messages.
#[test]
fn pcapng_files_give_the_messages_of_their_pcap_originals() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pcap");
    for name in ["16-bit-asn", "bgp-add-path", "BGP_MP_NLRI", "bgp_withdraw"] {
        let classic = read_bgp_messages(&dir.join(format!("{name}.cap"))).unwrap();
        let ng = read_bgp_messages(&dir.join(format!("pcapng/{name}.pcapng"))).unwrap();
        assert!(!classic.is_empty(), "{name}");
        assert_eq!(ng, classic, "{name}");
    }
    let merged = read_bgp_messages(&dir.join("pcapng/merged-ether-chdlc-null.pcapng")).unwrap();
    assert_eq!(merged.len(), 24 + 2 + 2);
    for name in ["16-bit-asn.cap", "BGP_redist.cap", "bgp_withdraw.cap"] {
        for m in read_bgp_messages(&dir.join(name)).unwrap() {
            assert!(
                merged.iter().any(|x| x.bytes == m.bytes && x.src == m.src),
                "{name}: a message is missing from the merged pcapng"
            );
        }
    }
}
