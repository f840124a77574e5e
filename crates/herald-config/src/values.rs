//! Small value parsers shared by the configuration and API grammars.

use std::net::{IpAddr, Ipv4Addr};

/// `true|enable|enabled` or `false|disable|disabled` (any case).
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    if ["true", "enable", "enabled"]
        .iter()
        .any(|w| s.eq_ignore_ascii_case(w))
    {
        Some(true)
    } else if ["false", "disable", "disabled"]
        .iter()
        .any(|w| s.eq_ignore_ascii_case(w))
    {
        Some(false)
    } else {
        None
    }
}

/// A decimal number without sign.
#[inline]
pub(crate) fn parse_dec_u64(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    s.bytes().try_fold(0u64, |v, b| {
        if b.is_ascii_digit() {
            v.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// A decimal `u32`.
#[inline]
pub(crate) fn parse_u32(s: &str) -> Option<u32> {
    parse_dec_u64(s).and_then(|v| u32::try_from(v).ok())
}

/// A decimal or `0x` hexadecimal number.
pub(crate) fn parse_num_u64(s: &str) -> Option<u64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) if !h.is_empty() && h.len() <= 16 => u64::from_str_radix(h, 16).ok(),
        Some(_) => None,
        None => parse_dec_u64(s),
    }
}

/// An AS number: plain (`65000`, up to 4294967295) or asdot (`1.10`, RFC 5396).
pub(crate) fn parse_asn(s: &str) -> Option<u32> {
    if let Some((hi, lo)) = s.split_once('.') {
        let hi = u16::try_from(parse_u32(hi)?).ok()?;
        let lo = u16::try_from(parse_u32(lo)?).ok()?;
        return Some((u32::from(hi) << 16) | u32::from(lo));
    }
    parse_u32(s)
}

/// An IPv4 or IPv6 address.
#[inline]
pub(crate) fn parse_ip(s: &str) -> Option<IpAddr> {
    if let Some(a) = parse_ipv4(s) {
        return Some(IpAddr::V4(a));
    }
    if s.contains(':') {
        s.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6)
    } else {
        None
    }
}

/// An IPv4 address: four decimal octets, without leading zeros (as the standard library
/// reads it, only faster).
#[inline]
pub(crate) fn parse_ipv4(s: &str) -> Option<Ipv4Addr> {
    match ipv4_head(s.as_bytes()) {
        Some((a, n)) if n == s.len() => Some(a),
        _ => None,
    }
}

/// `a.b.c.d/len` or `a.b.c.d`: the address and the length (32 when absent), when the
/// length is one or two digits; `None` for anything else, which is left to the general
/// reader.
#[inline]
pub(crate) fn parse_ipv4_prefix(s: &str) -> Option<(Ipv4Addr, u8)> {
    let b = s.as_bytes();
    let (a, n) = ipv4_head(b)?;
    let len = match b.get(n..)? {
        [] => 32,
        [b'/', d] if d.is_ascii_digit() => d - b'0',
        [b'/', d, e] if d.is_ascii_digit() && e.is_ascii_digit() => (d - b'0') * 10 + (e - b'0'),
        _ => return None,
    };
    Some((a, len))
}

/// An IPv4 address at the start of `b`, and its length in octets.
#[inline]
fn ipv4_head(b: &[u8]) -> Option<(Ipv4Addr, usize)> {
    if b.len() < 7 {
        return None;
    }
    let mut out = [0u8; 4];
    let mut i = 0;
    for (k, o) in out.iter_mut().enumerate() {
        if k > 0 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let start = i;
        let mut v = 0u32;
        while let Some(&c) = b.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            if i - start == 3 {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
            i += 1;
        }
        let leading_zero = i - start > 1 && b.get(start) == Some(&b'0');
        if i == start || leading_zero || v > 255 {
            return None;
        }
        *o = v as u8;
    }
    Some((Ipv4Addr::from(out), i))
}

/// Hex digits (without `0x`) to octets.
pub(crate) fn hex_bytes(h: &str) -> Option<Vec<u8>> {
    if h.len() % 2 != 0 {
        return None;
    }
    let b = h.as_bytes();
    let nib = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    b.chunks_exact(2)
        .map(|p| match p {
            [a, c] => Some(nib(*a)? << 4 | nib(*c)?),
            _ => None,
        })
        .collect()
}

/// Standard base64 (RFC 4648 §4), padding optional, no line breaks.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        acc = (acc << 6) | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    // Leftover bits must be zero padding of fewer than 8 bits (a 1-character tail is invalid).
    if bits >= 6 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_asns() {
        assert_eq!(parse_asn("65000"), Some(65000));
        assert_eq!(parse_asn("4294967295"), Some(u32::MAX));
        assert_eq!(parse_asn("4294967296"), None);
        assert_eq!(parse_asn("1.10"), Some(65546));
        assert_eq!(parse_asn("-1"), None);
        assert_eq!(parse_num_u64("0x10"), Some(16));
        assert_eq!(parse_num_u64("0x"), None);
    }

    proptest::proptest! {
        #[test]
        fn addresses_read_as_the_standard_library_reads_them(s in "[0-9.:a-f/ +]{0,18}") {
            proptest::prop_assert_eq!(parse_ipv4(&s), s.parse::<Ipv4Addr>().ok());
            let std_ip = if s.contains(':') {
                s.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6)
            } else {
                s.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
            };
            proptest::prop_assert_eq!(parse_ip(&s), std_ip);
        }

        #[test]
        fn dotted_quads_read_as_the_standard_library_reads_them(
            s in "(0|00|1|01|9|10|99|100|199|255|256|300|999|1000|2555)(\\.(0|00|1|01|9|10|99|100|199|255|256|300|999|1000|2555)){0,4}\\.?"
        ) {
            proptest::prop_assert_eq!(parse_ipv4(&s), s.parse::<Ipv4Addr>().ok());
        }

        #[test]
        fn numbers_read_as_the_standard_library_reads_them(s in "[0-9a+-]{0,22}") {
            let want = if s.bytes().all(|b| b.is_ascii_digit()) && s.len() <= 20 {
                s.parse::<u64>().ok()
            } else {
                None
            };
            proptest::prop_assert_eq!(parse_dec_u64(&s), want);
        }
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("Enable"), Some(true));
        assert_eq!(parse_bool("disabled"), Some(false));
        assert_eq!(parse_bool("yes"), None);
    }

    #[test]
    fn hex_and_base64() {
        assert_eq!(hex_bytes("00ff10"), Some(vec![0, 255, 16]));
        assert_eq!(hex_bytes("0"), None);
        assert_eq!(hex_bytes("zz"), None);
        assert_eq!(base64_decode("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(base64_decode("aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(base64_decode("a"), None);
        assert_eq!(base64_decode("a!"), None);
    }
}
