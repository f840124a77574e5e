//! Text forms of extended communities (RFC 4360 and the registries under it) for the JSON
//! `"string"` field.

use std::fmt::Write;
use std::net::Ipv4Addr;

use herald_wire::attr::{ExtCommunity, Ipv6ExtCommunity};

fn u16at(b: &[u8; 8], i: usize) -> u16 {
    u16::from_be_bytes([
        b.get(i).copied().unwrap_or(0),
        b.get(i + 1).copied().unwrap_or(0),
    ])
}

fn u32at(b: &[u8; 8], i: usize) -> u32 {
    (u32::from(u16at(b, i)) << 16) | u32::from(u16at(b, i + 2))
}

fn ip_at(b: &[u8; 8], i: usize) -> Ipv4Addr {
    Ipv4Addr::from(u32at(b, i))
}

/// Tunnel types of the encapsulation extended community (RFC 9012 registry).
fn encap_name(t: u16) -> Option<&'static str> {
    Some(match t {
        1 => "L2TPv3",
        2 => "GRE",
        7 => "IP-in-IP",
        8 => "VXLAN",
        9 => "NVGRE",
        10 => "MPLS",
        11 => "MPLS-in-GRE",
        12 => "VXLAN-GPE",
        13 => "MPLS-in-UDP",
        _ => return None,
    })
}

/// ExaBGP-style text for an extended community; empty when there is no known form.
pub fn ext_community_string(c: &ExtCommunity) -> String {
    let b = &c.0;
    let mut s = String::new();
    let _ = match (b[0], b[1]) {
        // Two-octet AS specific: route target, route origin, link bandwidth (RFC 4360, 7153).
        (0x00 | 0x40, 0x02) => write!(s, "target:{}:{}", u16at(b, 2), u32at(b, 4)),
        (0x00 | 0x40, 0x03) => write!(s, "origin:{}:{}", u16at(b, 2), u32at(b, 4)),
        (0x00 | 0x40, 0x04) => write!(
            s,
            "bandwidth:{}:{}",
            u16at(b, 2),
            f32::from_bits(u32at(b, 4))
        ),
        // IPv4 address specific.
        (0x01 | 0x41, 0x02) => write!(s, "target:{}:{}", ip_at(b, 2), u16at(b, 6)),
        (0x01 | 0x41, 0x03) => write!(s, "origin:{}:{}", ip_at(b, 2), u16at(b, 6)),
        // Four-octet AS specific.
        (0x02 | 0x42, 0x02) => write!(s, "target:{}:{}", u32at(b, 2), u16at(b, 6)),
        (0x02 | 0x42, 0x03) => write!(s, "origin:{}:{}", u32at(b, 2), u16at(b, 6)),
        // Opaque: encapsulation (RFC 9012 §4.1), color (RFC 9012 §4.3).
        (0x03, 0x0c) => match encap_name(u16at(b, 6)) {
            Some(n) => write!(s, "encap:{n}"),
            None => write!(s, "encap:{}", u16at(b, 6)),
        },
        (0x03, 0x0b) => write!(s, "color:{}", u32at(b, 4)),
        // draft-mpmz-bess-mup-safi Direct-Type Segment Identifier.
        (0x0c, 0x00) => write!(s, "mup:{}:{}", u16at(b, 2), u32at(b, 4)),
        // EVPN (RFC 7432): MAC mobility, ESI label, router's MAC (RFC 9135).
        (0x06, 0x00) => {
            if b[2] & 1 != 0 {
                write!(s, "mac-mobility:{}:sticky", u32at(b, 4))
            } else {
                write!(s, "mac-mobility:{}", u32at(b, 4))
            }
        }
        (0x06, 0x01) => write!(s, "esi-label:{}:{}", b[2] & 1, u32at(b, 4) & 0x00ff_ffff),
        (0x06, 0x03) => write!(
            s,
            "router-mac:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[2], b[3], b[4], b[5], b[6], b[7]
        ),
        // Flowspec actions (RFC 8955 §7).
        (0x80, 0x06) => write!(s, "rate-limit:{}", f32::from_bits(u32at(b, 4)) as u64),
        (0x80, 0x07) => {
            let sample = b[7] & 2 != 0;
            let terminal = b[7] & 1 != 0;
            write!(
                s,
                "action {}",
                match (sample, terminal) {
                    (true, true) => "sample-terminal",
                    (true, false) => "sample",
                    (false, true) => "terminal",
                    (false, false) => "none",
                }
            )
        }
        (0x80, 0x08) => write!(s, "redirect:{}:{}", u16at(b, 2), u32at(b, 4)),
        (0x81, 0x08) => write!(s, "redirect:{}:{}", ip_at(b, 2), u16at(b, 6)),
        (0x82, 0x08) => write!(s, "redirect:{}:{}", u32at(b, 2), u16at(b, 6)),
        (0x80, 0x09) => write!(s, "mark {}", b[7] & 0x3f),
        (0x08, 0x00) => write!(s, "redirect-to-nexthop"),
        // Layer 2 info (RFC 4761 §3.2.4).
        (0x80, 0x0a) => write!(
            s,
            "l2info:{}:{}:{}:{}",
            b[2],
            b[3],
            u16at(b, 4),
            u16at(b, 6)
        ),
        _ => Ok(()),
    };
    s
}

/// Text for an IPv6 address specific extended community (RFC 5701).
pub fn ipv6_ext_community_string(c: &Ipv6ExtCommunity) -> String {
    match (c.kind(), c.subtype()) {
        (0x00 | 0x40, 0x02) => format!("target:{}:{}", c.address(), c.local()),
        (0x00 | 0x40, 0x03) => format!("origin:{}:{}", c.address(), c.local()),
        (0x00, 0x0c) | (0x80, 0x0c) => format!("redirect-to-ipv6:{}:{}", c.address(), c.local()),
        _ => String::new(),
    }
}

/// The decimal form of a big-endian 160-bit number (ExaBGP prints IPv6 extended communities'
/// value as one integer).
pub fn u160_decimal(b: &[u8; 20]) -> String {
    let mut n = b.to_vec();
    let mut digits = Vec::new();
    while n.iter().any(|&x| x != 0) {
        let mut rem = 0u32;
        for x in n.iter_mut() {
            let cur = (rem << 8) | u32::from(*x);
            *x = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}
