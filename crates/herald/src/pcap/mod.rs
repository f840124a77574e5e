//! BGP messages out of packet captures: pcap and pcapng files (read with the `pcap-parser`
//! crate), the link, IP and TCP layers beneath BGP (sliced with the `etherparse` crate), TCP
//! reassembly per direction, and framing of each byte stream into whole BGP messages.
//!
//! Link types: BSD loopback/NULL (0), Ethernet (1, with 802.1Q/802.1ad tags), raw IP (12, 14,
//! 101, 228, 229), Cisco HDLC (104), Linux cooked SLL (113) and SLL2 (276); MPLS label stacks
//! under Ethernet, HDLC or SLL are skipped. etherparse slices Ethernet, its tags, IP and TCP;
//! the NULL, HDLC, SLL and SLL2 headers and MPLS labels, which it does not take (or, for SLL,
//! takes only for some device types), are stripped by hand (`parse_frame`). IPv4 and IPv6
//! (with extension headers); IP fragments are ignored. A segment's payload ends where the IP
//! header's length says, not at the end of the frame (an Ethernet trailer is no TCP data); a
//! length of 0 (segmentation offload on the capturing host) leaves it to the capture.
//!
//! Reassembly: every TCP direction is rebuilt in sequence order, whatever the port (BGP test
//! rigs use 1179 and others); retransmitted and overlapping octets are delivered once, early
//! segments wait for the gap to fill. A gap that never fills (a segment not captured, a packet
//! cut by the snap length) drops the partial message and the stream resynchronises on the next
//! BGP marker, as it does when the capture starts in the middle of a stream.
//!
//! Negotiation: each message says how to decode it ([`PcapMessage::context`]): 4-octet AS when
//! both OPENs of its TCP connection carried capability 65, the ADD-PATH families its sender may
//! send with path identifiers, Extended Message when both sides offered it. When the capture
//! holds no OPEN from one side, 4-octet AS is inferred from the UPDATEs (an AS4_PATH, or
//! AS_PATH segments that only fit 2-octet numbers) and [`PcapMessage::negotiated`] is false.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::{bail, Context as _};
use etherparse::{EtherType, LaxNetSlice, LaxSlicedPacket, TransportSlice};
use herald_wire::capability::AddPathMode;
use herald_wire::{frame, Capability, Context, Family, Message};

/// The largest BGP message a stream is framed with (RFC 8654).
const MAX_LEN: usize = herald_wire::message::MAX_EXTENDED_LEN;
/// Out-of-order segments held for one direction before the missing one is given up on.
const MAX_PENDING: usize = 1024;

/// One BGP message seen in a capture.
#[derive(Clone, Debug, PartialEq)]
pub struct PcapMessage {
    /// The sender.
    pub src: SocketAddr,
    /// The receiver.
    pub dst: SocketAddr,
    /// Epoch seconds of the segment that completed the message.
    pub time: f64,
    /// The whole message, marker included.
    pub bytes: Vec<u8>,
    /// 4-octet AS numbers on this connection (both OPENs carried capability 65).
    pub asn4: bool,
    /// Families whose NLRI carry ADD-PATH path identifiers from `src` to `dst` (RFC 7911 §5:
    /// the sender offered Send and the receiver Receive).
    pub add_path: Vec<Family>,
    /// Both sides offered Extended Message (RFC 8654).
    pub extended_message: bool,
    /// Whether the fields above come from both OPENs of the connection (true) or, with an
    /// OPEN missing from the capture, from inference (false).
    pub negotiated: bool,
}

impl PcapMessage {
    /// The decoding context for this message: negotiated AS width, ADD-PATH and size.
    pub fn context(&self) -> Context {
        Context {
            asn4: self.asn4,
            add_path: self.add_path.clone(),
            max_message_len: if self.extended_message || self.bytes.len() > 4096 {
                MAX_LEN
            } else {
                herald_wire::message::MAX_LEN
            },
            // A decoder shows what was sent: no receiver-side checks (EBGP-only attributes,
            // a next hop equal to the receiver).
            ..Context::default()
        }
    }
}

/// Read every BGP message from a classic pcap file, ordered by the time of the segment that
/// completed each (ties keep stream order).
pub fn read_bgp_messages(path: &Path) -> anyhow::Result<Vec<PcapMessage>> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    parse_capture(&data).with_context(|| format!("capture {}", path.display()))
}

/// [`read_bgp_messages`] on a capture already in memory.
pub fn parse_capture(data: &[u8]) -> anyhow::Result<Vec<PcapMessage>> {
    let mut streams = Streams::default();
    for_each_packet(data, |time, link, frame| {
        if let Some(seg) = parse_frame(link, frame) {
            streams.segment(time, seg);
        }
    })?;
    Ok(streams.finish())
}

// ---- pcap file ----

/// The link types whose frames herald can take apart.
fn link_supported(link: u32) -> bool {
    matches!(link, 0 | 1 | 12 | 14 | 101 | 104 | 113 | 228 | 229 | 276)
}

/// Call `f(time, link type, frame)` for every packet of a capture, classic pcap (either byte
/// order, micro- or nanosecond time stamps) or pcapng (every section and interface), read with
/// the `pcap-parser` crate.
fn for_each_packet(data: &[u8], mut f: impl FnMut(f64, u32, &[u8])) -> anyhow::Result<()> {
    let Some(magic) = data.first_chunk::<4>() else {
        bail!("not a pcap or pcapng file: {} octets", data.len());
    };
    if *magic == [0x0a, 0x0d, 0x0d, 0x0a] {
        return for_each_pcapng_packet(data, f);
    }
    let (mut rest, header) = pcap_parser::parse_pcap_header(data)
        .map_err(|_| anyhow::anyhow!("not a pcap or pcapng file: magic {magic:02x?}"))?;
    // The upper 16 bits of the link-type field may carry FCS information (pcap-savefile(5)).
    let link = (header.network.0 as u32) & 0xffff;
    if !link_supported(link) {
        bail!("unsupported pcap link type {link}");
    }
    let unit = if header.is_nanosecond_precision() {
        1e9
    } else {
        1e6
    };
    let big = header.is_bigendian();
    if header.is_modified_format() && big {
        bail!("big-endian modified (Kuznetzov) pcap files are not supported");
    }
    loop {
        let frame = if header.is_modified_format() {
            pcap_parser::pcap::parse_pcap_frame_modified(rest)
        } else if big {
            pcap_parser::pcap::parse_pcap_frame_be(rest)
        } else {
            pcap_parser::pcap::parse_pcap_frame(rest)
        };
        // A record cut short at the end of the file (an interrupted capture) ends the reading.
        let Ok((next, b)) = frame else { break };
        f(
            f64::from(b.ts_sec) + f64::from(b.ts_usec) / unit,
            link,
            b.data,
        );
        rest = next;
    }
    Ok(())
}

/// [`for_each_packet`] for pcapng: each packet with its interface's link type and time stamp
/// resolution; packets of interfaces of other link types are skipped (an error when none is
/// readable).
fn for_each_pcapng_packet(data: &[u8], mut f: impl FnMut(f64, u32, &[u8])) -> anyhow::Result<()> {
    use pcap_parser::pcapng::Block;
    use pcap_parser::traits::PcapNGPacketBlock;
    let cap = pcap_parser::PcapNGCapture::from_file(data)
        .map_err(|e| anyhow::anyhow!("not a readable pcapng file ({e:?})"))?;
    let mut other_links = Vec::new();
    let mut packets = 0usize;
    for section in &cap.sections {
        // Interfaces are numbered from 0 in each section, in the order they are described.
        let mut interfaces: Vec<(u32, u64, f64)> = Vec::new();
        for block in &section.blocks {
            match block {
                Block::InterfaceDescription(idb) => {
                    let link = (idb.linktype.0 as u32) & 0xffff;
                    let resolution = idb.ts_resolution().unwrap_or(1_000_000).max(1);
                    interfaces.push((link, resolution, idb.ts_offset() as f64));
                }
                Block::EnhancedPacket(epb) => {
                    let Some(&(link, resolution, offset)) = interfaces.get(epb.if_id as usize)
                    else {
                        continue;
                    };
                    if !link_supported(link) {
                        other_links.push(link);
                        continue;
                    }
                    let ts = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                    let time = offset
                        + (ts / resolution) as f64
                        + (ts % resolution) as f64 / resolution as f64;
                    packets += 1;
                    f(time, link, epb.packet_data());
                }
                Block::SimplePacket(spb) => {
                    let Some(&(link, _, _)) = interfaces.first() else {
                        continue;
                    };
                    if !link_supported(link) {
                        other_links.push(link);
                        continue;
                    }
                    packets += 1;
                    f(0.0, link, spb.packet_data());
                }
                _ => {}
            }
        }
    }
    if packets == 0 {
        if let Some(link) = other_links.first() {
            bail!("unsupported pcapng link type {link}");
        }
    }
    Ok(())
}

// ---- link, IP, TCP ----

/// A TCP segment, as far as reassembly cares.
#[derive(Debug)]
struct Segment<'a> {
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    syn: bool,
    ack: bool,
    /// The payload octets captured.
    data: &'a [u8],
    /// The payload length the IP header claims (more than `data` when the snap length cut it).
    len: usize,
}

/// The MPLS ethertypes (unicast, multicast): etherparse 0.21 has no MPLS parser.
const ETH_MPLS: EtherType = EtherType(0x8847);
const ETH_MPLS_MC: EtherType = EtherType(0x8848);

/// Parse a link-layer frame down to a TCP segment, or `None` if it is not one.
///
/// etherparse slices Ethernet II with its 802.1Q/802.1ad tags, IPv4, IPv6 with its extension
/// headers, and TCP. The other link headers are a few fixed octets carrying an ethertype or an
/// address family, stripped here before etherparse takes the rest: etherparse has no parser for
/// BSD NULL, Cisco HDLC or SLL2, and its SLL parser refuses the ARPHRD types it does not know,
/// among them loopback (772) and tun devices (0xfffe) that `tcpdump -i any` records.
fn parse_frame(link: u32, f: &[u8]) -> Option<Segment<'_>> {
    let packet = match link {
        0 => {
            // BSD loopback: the address family in the capturing host's byte order.
            let (fam, body) = f.split_first_chunk::<4>()?;
            let kind = match u32::from_le_bytes(*fam).min(u32::from_be_bytes(*fam)) {
                2 => EtherType::IPV4,
                24 | 28 | 30 => EtherType::IPV6,
                _ => return None,
            };
            LaxSlicedPacket::from_ether_type(kind, body)
        }
        1 => LaxSlicedPacket::from_ethernet(f).ok()?,
        12 | 14 | 101 => LaxSlicedPacket::from_ip(f).ok()?,
        228 => LaxSlicedPacket::from_ether_type(EtherType::IPV4, f),
        229 => LaxSlicedPacket::from_ether_type(EtherType::IPV6, f),
        // Cisco HDLC: address, control, then the protocol as an ethertype.
        104 => cooked(f, 2, 4)?,
        // Linux SLL: packet type, ARPHRD type, address length and address, then the protocol.
        113 => cooked(f, 14, 16)?,
        // Linux SLL2: the protocol first, then 18 octets of interface and address.
        276 => cooked(f, 0, 20)?,
        _ => return None,
    };
    match packet.ether_payload() {
        // etherparse stops at an MPLS ethertype (under Ethernet, its tags, HDLC or SLL).
        Some(e) if e.ether_type == ETH_MPLS || e.ether_type == ETH_MPLS_MC => parse_mpls(e.payload),
        _ => tcp_segment(packet),
    }
}

/// A link header of `len` octets with the ethertype at `at`, sliced past it by etherparse.
fn cooked(f: &[u8], at: usize, len: usize) -> Option<LaxSlicedPacket<'_>> {
    let kind = f.get(at..)?.first_chunk::<2>()?;
    let body = f.get(len..)?;
    Some(LaxSlicedPacket::from_ether_type(
        EtherType(u16::from_be_bytes(*kind)),
        body,
    ))
}

/// Skip an MPLS label stack (4 octets a label, the last with the bottom-of-stack bit) down to
/// the IP packet, which etherparse takes by its version.
fn parse_mpls(mut body: &[u8]) -> Option<Segment<'_>> {
    loop {
        let (label, rest) = body.split_first_chunk::<4>()?;
        body = rest;
        if label[2] & 0x01 != 0 {
            return tcp_segment(LaxSlicedPacket::from_ip(body).ok()?);
        }
    }
}

/// The TCP segment of a packet etherparse has sliced, or `None` if it holds none: not IPv4 or
/// IPv6, not TCP, an IP fragment (etherparse slices no transport header out of one), or headers
/// cut short.
fn tcp_segment(p: LaxSlicedPacket<'_>) -> Option<Segment<'_>> {
    let Some(TransportSlice::Tcp(tcp)) = p.transport else {
        return None;
    };
    // The IP header's length field and the header octets it counts before the TCP segment.
    let (src, dst, payload, len_field, headers) = match p.net? {
        LaxNetSlice::Ipv4(ip) => {
            let h = ip.header();
            let auth = ip.extensions().auth.map_or(0, |a| a.slice().len());
            let (src, dst) = (h.source_addr().into(), h.destination_addr().into());
            let headers = h.slice().len() + auth;
            (src, dst, ip.payload().clone(), h.total_len(), headers)
        }
        LaxNetSlice::Ipv6(ip) => {
            let h = ip.header();
            let (src, dst) = (h.source_addr().into(), h.destination_addr().into());
            let headers = ip.extensions().slice().len();
            (src, dst, ip.payload().clone(), h.payload_length(), headers)
        }
        LaxNetSlice::Arp(_) => return None,
    };
    if payload.fragmented {
        return None;
    }
    // The segment's length, `claimed` by the IP header: etherparse cuts the payload there, so an
    // Ethernet trailer is not taken for TCP data; a packet cut by the snap length claims more
    // than was captured. A length field of 0 (segmentation offload on the capturing host, or an
    // IPv6 jumbogram) leaves the length to the capture.
    let claimed = match len_field {
        0 => payload.payload.len(),
        n => usize::from(n).checked_sub(headers)?,
    };
    let len = claimed.checked_sub(tcp.header_slice().len())?;
    let data = tcp.payload();
    Some(Segment {
        src: SocketAddr::new(src, tcp.source_port()),
        dst: SocketAddr::new(dst, tcp.destination_port()),
        seq: tcp.sequence_number(),
        syn: tcp.syn(),
        ack: tcp.ack(),
        data: data.get(..len).unwrap_or(data),
        len,
    })
}

// ---- reassembly and framing ----

/// What one side's OPEN offered.
#[derive(Clone, Debug, Default)]
struct Offer {
    asn4: bool,
    extended: bool,
    add_path: Vec<(Family, AddPathMode)>,
}

impl Offer {
    fn of(open: &herald_wire::Open) -> Offer {
        let mut o = Offer::default();
        for c in open.capabilities() {
            match c {
                Capability::FourOctetAs(_) => o.asn4 = true,
                Capability::ExtendedMessage => o.extended = true,
                Capability::AddPath(v) => o.add_path.extend(v.iter().copied()),
                _ => {}
            }
        }
        o
    }
}

/// One TCP connection: its two endpoints and the OPEN each sent.
#[derive(Debug)]
struct Conn {
    ends: [SocketAddr; 2],
    offers: [Option<Offer>; 2],
}

/// A segment held until the octets before it arrive.
#[derive(Debug)]
struct Held {
    seq: u32,
    data: Vec<u8>,
    len: usize,
    time: f64,
}

/// One direction of a connection being reassembled.
#[derive(Debug, Default)]
struct Dir {
    conn: usize,
    /// The sequence number of the SYN, if seen.
    isn: Option<u32>,
    /// The next sequence number expected.
    next: Option<u32>,
    held: Vec<Held>,
    /// Octets received and not yet framed, from `start`.
    buf: Vec<u8>,
    start: usize,
}

/// A framed message before negotiation is applied.
struct Framed {
    conn: usize,
    src: SocketAddr,
    dst: SocketAddr,
    time: f64,
    bytes: Vec<u8>,
}

/// All directions of all connections in a capture.
#[derive(Default)]
struct Streams {
    dirs: HashMap<(SocketAddr, SocketAddr), Dir>,
    conns: Vec<Conn>,
    out: Vec<Framed>,
}

impl Streams {
    /// Start a new connection between `a` and `b`, and fresh state for both directions.
    fn new_conn(&mut self, a: SocketAddr, b: SocketAddr) {
        for key in [(a, b), (b, a)] {
            if let Some(d) = self.dirs.get_mut(&key) {
                deliver(d, key, &mut self.out, None);
            }
        }
        let conn = self.conns.len();
        self.conns.push(Conn {
            ends: [a, b],
            offers: [None, None],
        });
        for key in [(a, b), (b, a)] {
            self.dirs.insert(key, Dir::new(conn));
        }
    }

    /// Take in one segment.
    fn segment(&mut self, time: f64, s: Segment<'_>) {
        let key = (s.src, s.dst);
        let known = self.dirs.get(&key);
        // A SYN on a direction that already carried a different stream starts a new one.
        let fresh_syn = s.syn && known.is_some_and(|d| d.next.is_some() && d.isn != Some(s.seq));
        if known.is_none() || (fresh_syn && !s.ack) {
            self.new_conn(s.src, s.dst);
        }
        let Some(d) = self.dirs.get_mut(&key) else {
            return;
        };
        if fresh_syn {
            // SYN-ACK of a new connection: only this direction restarts.
            deliver(d, key, &mut self.out, None);
            *d = Dir::new(d.conn);
        }
        if s.syn {
            d.isn = Some(s.seq);
            d.next.get_or_insert(s.seq.wrapping_add(1));
            if s.data.is_empty() {
                return;
            }
        }
        let seq = if s.syn { s.seq.wrapping_add(1) } else { s.seq };
        if s.len == 0 {
            return;
        }
        d.next.get_or_insert(seq);
        d.held.push(Held {
            seq,
            data: s.data.to_vec(),
            len: s.len,
            time,
        });
        deliver(d, key, &mut self.out, Some(time));
    }

    /// Flush what is held, apply each connection's negotiation, and order by time.
    fn finish(mut self) -> Vec<PcapMessage> {
        let mut keys: Vec<_> = self.dirs.keys().copied().collect();
        keys.sort();
        for key in keys {
            if let Some(d) = self.dirs.get_mut(&key) {
                deliver(d, key, &mut self.out, None);
            }
        }
        for m in &self.out {
            if m.bytes.get(18) != Some(&1) {
                continue;
            }
            let Ok(Message::Open(open)) = Message::decode(&m.bytes, &Context::default()) else {
                continue;
            };
            if let Some(c) = self.conns.get_mut(m.conn) {
                let side = usize::from(c.ends[0] != m.src);
                if let Some(slot) = c.offers.get_mut(side) {
                    *slot = Some(Offer::of(&open));
                }
            }
        }
        let guesses = guess_asn4(&self.out);
        let mut out: Vec<PcapMessage> = self
            .out
            .into_iter()
            .map(|m| {
                let conn = self.conns.get(m.conn);
                let (mine, theirs) = match conn {
                    Some(c) if c.ends[0] == m.src => (&c.offers[0], &c.offers[1]),
                    Some(c) => (&c.offers[1], &c.offers[0]),
                    None => (&None, &None),
                };
                let guess = guesses.get(&m.conn).copied().unwrap_or(true);
                let (asn4, extended, add_path, negotiated) = match (mine, theirs) {
                    (Some(a), Some(b)) => (
                        a.asn4 && b.asn4,
                        a.extended && b.extended,
                        add_path_families(a, b),
                        true,
                    ),
                    _ => (guess, false, Vec::new(), false),
                };
                PcapMessage {
                    src: m.src,
                    dst: m.dst,
                    time: m.time,
                    bytes: m.bytes,
                    asn4,
                    add_path,
                    extended_message: extended,
                    negotiated,
                }
            })
            .collect();
        out.sort_by(|a, b| a.time.total_cmp(&b.time));
        out
    }
}

impl Dir {
    fn new(conn: usize) -> Dir {
        Dir {
            conn,
            ..Dir::default()
        }
    }
}

/// The families the sender (`a`) may send with path identifiers to the receiver (`b`).
fn add_path_families(a: &Offer, b: &Offer) -> Vec<Family> {
    let mut v: Vec<Family> = a
        .add_path
        .iter()
        .filter(|(f, m)| m.can_send() && b.add_path.iter().any(|(g, n)| g == f && n.can_receive()))
        .map(|(f, _)| *f)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Move the held segments that continue the stream into the buffer and frame it; messages
/// completed are stamped `now`, the arrival of the segment that let them complete. With no
/// `now` (the end of the capture), a gap is skipped, losing the partial message, and messages
/// are stamped with the arrival of their last segment.
fn deliver(d: &mut Dir, key: (SocketAddr, SocketAddr), out: &mut Vec<Framed>, now: Option<f64>) {
    let skip_gaps = now.is_none() || d.held.len() > MAX_PENDING;
    while let Some(next) = d.next {
        // The held segment reaching furthest among those starting at or before `next`.
        let ready = d
            .held
            .iter()
            .enumerate()
            .filter(|(_, h)| (h.seq.wrapping_sub(next) as i32) <= 0)
            .max_by_key(|(_, h)| h.seq.wrapping_add(h.len as u32).wrapping_sub(next) as i32);
        let i = match ready {
            Some((i, _)) => i,
            None if skip_gaps && !d.held.is_empty() => {
                // Give up on the missing octets: jump to the earliest held segment.
                let first = d
                    .held
                    .iter()
                    .map(|h| h.seq)
                    .min_by_key(|s| s.wrapping_sub(next));
                lose_partial(d);
                d.next = first;
                continue;
            }
            None => break,
        };
        let h = d.held.swap_remove(i);
        let skip = next.wrapping_sub(h.seq) as usize;
        if skip >= h.len {
            continue; // a retransmission of octets already delivered
        }
        d.buf
            .extend_from_slice(h.data.get(skip..).unwrap_or_default());
        d.next = Some(h.seq.wrapping_add(h.len as u32));
        frame_stream(d, key, now.unwrap_or(h.time), out);
        if h.data.len() < h.len {
            // The snap length cut this segment: the rest of it is a gap.
            lose_partial(d);
        }
    }
}

/// Drop a partial message after a gap; framing will look for the next marker.
fn lose_partial(d: &mut Dir) {
    d.buf.clear();
    d.start = 0;
}

/// Cut whole messages off the front of the direction's buffer, resynchronising on the next
/// marker where the octets are not a valid header.
fn frame_stream(d: &mut Dir, key: (SocketAddr, SocketAddr), time: f64, out: &mut Vec<Framed>) {
    while let Some(rest) = d.buf.get(d.start..) {
        match frame(rest, MAX_LEN) {
            Ok(Some(f)) => {
                out.push(Framed {
                    conn: d.conn,
                    src: key.0,
                    dst: key.1,
                    time,
                    bytes: rest.get(..f.len).unwrap_or_default().to_vec(),
                });
                d.start += f.len;
            }
            Ok(None) => break,
            Err(_) => d.start += resync_offset(rest),
        }
    }
    if d.start > 0 && d.start * 2 >= d.buf.len() {
        d.buf.drain(..d.start.min(d.buf.len()));
        d.start = 0;
    }
}

/// Where the next possible message starts in `buf` (which does not start with a valid
/// header): the first later position whose octets are a valid header or its beginning.
fn resync_offset(buf: &[u8]) -> usize {
    (1..buf.len())
        .find(|&i| buf.get(i..).is_some_and(|b| frame(b, MAX_LEN).is_ok()))
        .unwrap_or(buf.len())
}

/// Infer 4-octet AS for each connection from its UPDATEs, for when its OPENs were not
/// captured: an AS4_PATH means a 2-octet session (RFC 6793 §4.2.2); otherwise the first
/// AS_PATH whose segments fit only one AS width decides. Connections left out: 4-octet.
fn guess_asn4(msgs: &[Framed]) -> HashMap<usize, bool> {
    let mut decided = HashMap::new();
    for m in msgs.iter().filter(|m| m.bytes.get(18) == Some(&2)) {
        if decided.contains_key(&m.conn) {
            continue;
        }
        for (code, value) in attributes(&m.bytes) {
            let verdict = match code {
                17 => Some(false),
                2 => match (fits(value, 2), fits(value, 4)) {
                    (true, false) => Some(false),
                    (false, true) => Some(true),
                    _ => None,
                },
                _ => None,
            };
            if let Some(v) = verdict {
                decided.insert(m.conn, v);
                break;
            }
        }
    }
    decided
}

/// Whether AS_PATH segments of `width`-octet AS numbers exactly fill `v`.
fn fits(v: &[u8], width: usize) -> bool {
    let mut at = 0;
    while at < v.len() {
        let Some(&n) = v.get(at + 1) else {
            return false;
        };
        at += 2 + usize::from(n) * width;
    }
    at == v.len()
}

/// The big-endian 16-bit number at `at`, if there.
fn be16(buf: &[u8], at: usize) -> Option<usize> {
    let b = buf.get(at..)?.first_chunk::<2>()?;
    Some(usize::from(u16::from_be_bytes(*b)))
}

/// The (type code, value) of each path attribute of an UPDATE message, as far as they parse.
fn attributes(msg: &[u8]) -> Vec<(u8, &[u8])> {
    let mut v = Vec::new();
    let Some(wlen) = be16(msg, 19) else { return v };
    let Some(alen) = be16(msg, 21 + wlen) else {
        return v;
    };
    let Some(attrs) = msg.get(23 + wlen..23 + wlen + alen) else {
        return v;
    };
    let mut at = 0;
    while let (Some(&flags), Some(&code)) = (attrs.get(at), attrs.get(at + 1)) {
        let (len, hdr) = if flags & 0x10 != 0 {
            (be16(attrs, at + 2), 4)
        } else {
            (attrs.get(at + 2).map(|&l| usize::from(l)), 3)
        };
        let Some(value) = len.and_then(|len| attrs.get(at + hdr..at + hdr + len)) else {
            break;
        };
        v.push((code, value));
        at += hdr + value.len();
    }
    v
}

#[cfg(test)]
mod tests;
