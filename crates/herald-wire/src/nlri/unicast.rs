//! IPv4 and IPv6 unicast/multicast prefixes (RFC 4271 §4.3, RFC 4760 §5) with the optional
//! ADD-PATH path identifier (RFC 7911 §3).
//!
//! ```text
//! +---------------------------+
//! |   Path Identifier (4)     |   only when ADD-PATH is negotiated for the family
//! +---------------------------+
//! |   Length (1 octet)        |
//! +---------------------------+
//! |   Prefix (variable)       |   ceil(Length / 8) octets
//! +---------------------------+
//! ```

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::iana::Afi;

/// One prefix, with its ADD-PATH path identifier when the session uses one.
///
/// Bits past the prefix length in the last octet are kept as received, so that decoding and
/// re-encoding give the same octets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prefix {
    /// Path identifier (RFC 7911).
    pub path_id: Option<u32>,
    /// The prefix.
    pub net: IpNet,
}

impl Prefix {
    /// A prefix without path identifier.
    pub fn new(net: IpNet) -> Self {
        Prefix { path_id: None, net }
    }

    /// Octets this prefix takes on the wire.
    #[inline]
    pub fn wire_len(&self, add_path: bool) -> usize {
        1 + usize::from(self.net.prefix_len()).div_ceil(8) + if add_path { 4 } else { 0 }
    }

    /// Append the prefix to `out`. Without a path identifier on an ADD-PATH session, 0 is sent.
    #[inline]
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        let len = self.net.prefix_len();
        let n = usize::from(len).div_ceil(8);
        out.push(len);
        match self.net {
            IpNet::V4(v) => out.extend_from_slice(v.addr().octets().get(..n).unwrap_or_default()),
            IpNet::V6(v) => out.extend_from_slice(v.addr().octets().get(..n).unwrap_or_default()),
        }
    }
}

/// How many prefixes of `afi` to reserve room for before decoding `len` NLRI octets: one per
/// /24-sized entry for IPv4 and per /32-sized entry for IPv6, so that common tables decode
/// with one allocation (a guess only; the vector still grows when it is short).
#[inline]
pub fn capacity_hint(afi: Afi, len: usize) -> usize {
    len.div_ceil(if afi == Afi::IPV6 { 5 } else { 4 })
}

/// Decode a run of prefixes of `afi` from `bytes`, appending to `out`.
pub fn decode_into(
    afi: Afi,
    mut bytes: &[u8],
    add_path: bool,
    out: &mut Vec<Prefix>,
) -> Result<(), &'static str> {
    let v6 = afi == Afi::IPV6;
    let max = if v6 { 128 } else { 32 };
    while !bytes.is_empty() {
        let path_id = if add_path {
            let Some((id, rest)) = bytes.split_first_chunk::<4>() else {
                return Err("truncated path identifier");
            };
            bytes = rest;
            Some(u32::from_be_bytes(*id))
        } else {
            None
        };
        let Some((&len, rest)) = bytes.split_first() else {
            return Err("missing prefix length");
        };
        if len > max {
            return Err("prefix length too long for the family");
        }
        let n = usize::from(len).div_ceil(8);
        let Some(addr) = rest.get(..n) else {
            return Err("prefix overruns the NLRI");
        };
        bytes = rest.get(n..).unwrap_or_default();
        let net = if v6 {
            let mut a = [0u8; 16];
            if let Some(dst) = a.get_mut(..n) {
                dst.copy_from_slice(addr);
            }
            Ipv6Net::new(Ipv6Addr::from(a), len).map(IpNet::V6)
        } else {
            let mut a = [0u8; 4];
            if let Some(dst) = a.get_mut(..n) {
                dst.copy_from_slice(addr);
            }
            Ipv4Net::new(Ipv4Addr::from(a), len).map(IpNet::V4)
        }
        .map_err(|_| "prefix length too long for the family")?;
        out.push(Prefix { path_id, net });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Prefix {
        Prefix::new(s.parse().unwrap())
    }

    #[test]
    fn ipv4_prefixes_both_ways() {
        let bytes = [24, 10, 0, 0, 0, 32, 192, 0, 2, 1, 8, 10];
        let mut v = Vec::new();
        decode_into(Afi::IPV4, &bytes, false, &mut v).unwrap();
        assert_eq!(v.len(), 4);
        assert_eq!(v[0], p("10.0.0.0/24"));
        assert_eq!(v[1], p("0.0.0.0/0"));
        assert_eq!(v[2], p("192.0.2.1/32"));
        assert_eq!(v[3], p("10.0.0.0/8"));
        let mut out = Vec::new();
        v.iter().for_each(|x| x.encode(false, &mut out));
        assert_eq!(out, bytes);
    }

    #[test]
    fn ipv6_prefix_with_path_id() {
        let bytes = [0, 0, 0, 7, 48, 0x20, 0x01, 0x0d, 0xb8, 0, 1];
        let mut v = Vec::new();
        decode_into(Afi::IPV6, &bytes, true, &mut v).unwrap();
        assert_eq!(
            v,
            vec![Prefix {
                path_id: Some(7),
                net: "2001:db8:1::/48".parse().unwrap()
            }]
        );
        let mut out = Vec::new();
        v[0].encode(true, &mut out);
        assert_eq!(out, bytes);
        assert_eq!(v[0].wire_len(true), bytes.len());
    }

    #[test]
    fn malformed_prefixes_are_errors() {
        let mut v = Vec::new();
        assert!(decode_into(Afi::IPV4, &[33, 1, 2, 3, 4, 5], false, &mut v).is_err());
        assert!(decode_into(Afi::IPV4, &[24, 1, 2], false, &mut v).is_err());
        assert!(decode_into(Afi::IPV6, &[129], false, &mut v).is_err());
        assert!(decode_into(Afi::IPV4, &[0, 0, 1], true, &mut v).is_err());
    }

    #[test]
    fn host_bits_past_the_length_survive_a_round_trip() {
        let bytes = [23, 10, 0, 1];
        let mut v = Vec::new();
        decode_into(Afi::IPV4, &bytes, false, &mut v).unwrap();
        let mut out = Vec::new();
        v[0].encode(false, &mut out);
        assert_eq!(out, bytes);
    }
}
