//! Reading BMP messages: framing a stream by the common header, and each message type's body.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::{
    flag, kind, Message, PeerDownReason, PeerHeader, PeerUp, Stat, Tlv, COMMON_HEADER_LEN, MAX_LEN,
    PEER_HEADER_LEN, VERSION,
};

/// Why octets are not a BMP message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The version octet is not 3.
    #[error("BMP version {0}, expected 3")]
    Version(u8),
    /// The message length is shorter than the common header or longer than [`MAX_LEN`], or
    /// not the length of the octets given.
    #[error("BMP message length {0} is out of range")]
    Length(u64),
    /// A field runs past the end of the message.
    #[error("BMP {0} is truncated")]
    Truncated(&'static str),
    /// A field holds a value the message cannot have.
    #[error("BMP {0}")]
    Malformed(&'static str),
}

/// The length of the whole message at the start of `buf`: `None` until its common header
/// and all its octets are there.
pub fn frame(buf: &[u8]) -> Result<Option<usize>, Error> {
    let Some(head) = buf.get(..COMMON_HEADER_LEN) else {
        return Ok(None);
    };
    let (len, _) = header(head)?;
    Ok((buf.len() >= len).then_some(len))
}

/// Version check and length of a common header.
fn header(head: &[u8]) -> Result<(usize, u8), Error> {
    let mut r = Reader::new(head);
    let v = r.u8("common header")?;
    if v != VERSION {
        return Err(Error::Version(v));
    }
    let len = r.u32("common header")?;
    let k = r.u8("common header")?;
    let ok = usize::try_from(len)
        .ok()
        .filter(|l| (COMMON_HEADER_LEN..=MAX_LEN).contains(l));
    ok.map(|l| (l, k)).ok_or(Error::Length(u64::from(len)))
}

/// A cursor over a message's octets.
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], Error> {
        if self.buf.len() < n {
            return Err(Error::Truncated(what));
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Ok(a)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], Error> {
        self.take(N, what)
            .and_then(|b| <[u8; N]>::try_from(b).map_err(|_| Error::Truncated(what)))
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, Error> {
        self.array::<1>(what).map(|[b]| b)
    }

    fn u16(&mut self, what: &'static str) -> Result<u16, Error> {
        self.array(what).map(u16::from_be_bytes)
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, Error> {
        self.array(what).map(u32::from_be_bytes)
    }

    fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }

    fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// A 16-octet address: IPv6 when `v6`, else IPv4 in the last 4 octets.
    fn address(&mut self, v6: bool, what: &'static str) -> Result<IpAddr, Error> {
        let a: [u8; 16] = self.array(what)?;
        Ok(if v6 {
            IpAddr::V6(Ipv6Addr::from(a))
        } else {
            let [.., a, b, c, d] = a;
            IpAddr::V4(Ipv4Addr::new(a, b, c, d))
        })
    }

    /// A whole BGP message, framed by the length in its header (at least 19 octets).
    fn bgp_message(&mut self, what: &'static str) -> Result<&'a [u8], Error> {
        let len = self
            .buf
            .get(16..18)
            .and_then(|l| <[u8; 2]>::try_from(l).ok())
            .map(|l| usize::from(u16::from_be_bytes(l)))
            .ok_or(Error::Truncated(what))?;
        if len < 19 {
            return Err(Error::Malformed("BGP message shorter than its header"));
        }
        self.take(len, what)
    }

    fn tlvs(&mut self, what: &'static str) -> Result<Vec<Tlv>, Error> {
        let mut v = Vec::new();
        while !self.is_empty() {
            let kind = self.u16(what)?;
            let len = self.u16(what)?;
            let value = self.take(usize::from(len), what)?.to_vec();
            v.push(Tlv { kind, value });
        }
        Ok(v)
    }
}

impl PeerHeader {
    /// Read the 42 octets of a per-peer header.
    pub fn decode(buf: &[u8]) -> Result<PeerHeader, Error> {
        Self::read(&mut Reader::new(buf))
    }

    fn read(r: &mut Reader<'_>) -> Result<PeerHeader, Error> {
        const W: &str = "per-peer header";
        if r.buf.len() < PEER_HEADER_LEN {
            return Err(Error::Truncated(W));
        }
        let peer_type = r.u8(W)?;
        let flags = r.u8(W)?;
        let distinguisher = r.array(W)?;
        let address = r.address(flags & flag::V != 0, W)?;
        Ok(PeerHeader {
            peer_type,
            flags,
            distinguisher,
            address,
            asn: r.u32(W)?,
            bgp_id: Ipv4Addr::from(r.u32(W)?),
            seconds: r.u32(W)?,
            microseconds: r.u32(W)?,
        })
    }
}

impl Message {
    /// Read one whole message (`buf` is exactly its octets, as [`frame`] delimits them).
    pub fn decode(buf: &[u8]) -> Result<Message, Error> {
        let head = buf
            .get(..COMMON_HEADER_LEN)
            .ok_or(Error::Truncated("common header"))?;
        let (len, k) = header(head)?;
        if len != buf.len() {
            return Err(Error::Length(len as u64));
        }
        let mut r = Reader::new(buf.get(COMMON_HEADER_LEN..).unwrap_or_default());
        Ok(match k {
            kind::ROUTE_MONITORING => {
                let peer = PeerHeader::read(&mut r)?;
                let update = r.bgp_message("route monitoring UPDATE")?.to_vec();
                if !r.is_empty() {
                    return Err(Error::Malformed("octets after the route monitoring UPDATE"));
                }
                Message::RouteMonitoring { peer, update }
            }
            kind::STATISTICS => {
                const W: &str = "statistics report";
                let peer = PeerHeader::read(&mut r)?;
                let n = r.u32(W)?;
                // Each statistic takes 4 octets at least: no allocation past what is there.
                let mut stats = Vec::with_capacity(r.buf.len() / 4);
                for _ in 0..n {
                    let kind = r.u16(W)?;
                    let len = r.u16(W)?;
                    let value = r.take(usize::from(len), W)?.to_vec();
                    stats.push(Stat { kind, value });
                }
                if !r.is_empty() {
                    return Err(Error::Malformed("octets after the last statistic"));
                }
                Message::Statistics { peer, stats }
            }
            kind::PEER_DOWN => {
                const W: &str = "peer down notification";
                let peer = PeerHeader::read(&mut r)?;
                let reason = match r.u8(W)? {
                    1 => PeerDownReason::LocalNotification(r.bgp_message(W)?.to_vec()),
                    2 => PeerDownReason::LocalNoNotification(r.u16(W)?),
                    3 => PeerDownReason::RemoteNotification(r.bgp_message(W)?.to_vec()),
                    4 => PeerDownReason::RemoteNoData,
                    5 => PeerDownReason::Deconfigured,
                    c => PeerDownReason::Other(c, r.rest().to_vec()),
                };
                if !r.is_empty() {
                    return Err(Error::Malformed("octets after the peer down reason"));
                }
                Message::PeerDown { peer, reason }
            }
            kind::PEER_UP => {
                const W: &str = "peer up notification";
                let peer = PeerHeader::read(&mut r)?;
                let local_address = r.address(peer.flags & flag::V != 0, W)?;
                let local_port = r.u16(W)?;
                let remote_port = r.u16(W)?;
                let sent_open = r.bgp_message("peer up sent OPEN")?.to_vec();
                let received_open = r.bgp_message("peer up received OPEN")?.to_vec();
                let information = r.tlvs(W)?;
                Message::PeerUp(Box::new(PeerUp {
                    peer,
                    local_address,
                    local_port,
                    remote_port,
                    sent_open,
                    received_open,
                    information,
                }))
            }
            kind::INITIATION => Message::Initiation(r.tlvs("initiation")?),
            kind::TERMINATION => Message::Termination(r.tlvs("termination")?),
            kind => Message::Other {
                kind,
                body: r.rest().to_vec(),
            },
        })
    }
}
