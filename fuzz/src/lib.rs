//! Helpers shared by the fuzz targets: choosing a [`Context`] from one input octet, splitting a
//! byte stream into framed messages, and the input format of `session_fsm` ([`fsm`]).

use herald_wire::{frame, Afi, Context, Family, Safi};

pub mod fsm;

/// Context selector bits (first octet of `decode_message` and `roundtrip` inputs).
pub mod sel {
    /// Set: 2-octet AS numbers (RFC 6793 not negotiated). Clear: 4-octet.
    pub const ASN2: u8 = 0x01;
    /// Set: ADD-PATH for IPv4 unicast.
    pub const ADD_PATH_V4: u8 = 0x02;
    /// Set: ADD-PATH for IPv6 unicast.
    pub const ADD_PATH_V6: u8 = 0x04;
    /// Set: Extended Message (65535-octet messages). Clear: 4096.
    pub const EXTENDED: u8 = 0x08;
    /// Set: the peer is external (EBGP-only checks on received attributes) and the receiver's
    /// own address is 203.0.113.254 (a NEXT_HOP equal to it makes no route; no target builds one).
    pub const EBGP: u8 = 0x10;
    /// Set: ADD-PATH for L2VPN EVPN.
    pub const ADD_PATH_EVPN: u8 = 0x20;
}

/// The context the selector octet describes (bits above [`sel::ADD_PATH_EVPN`] are ignored).
pub fn context(s: u8) -> Context {
    let mut add_path = Vec::new();
    if s & sel::ADD_PATH_V4 != 0 {
        add_path.push(Family::IPV4_UNICAST);
    }
    if s & sel::ADD_PATH_V6 != 0 {
        add_path.push(Family::IPV6_UNICAST);
    }
    if s & sel::ADD_PATH_EVPN != 0 {
        add_path.push(Family::new(Afi::L2VPN, Safi::EVPN));
    }
    Context {
        asn4: s & sel::ASN2 == 0,
        add_path,
        max_message_len: if s & sel::EXTENDED != 0 {
            herald_wire::message::MAX_EXTENDED_LEN
        } else {
            herald_wire::message::MAX_LEN
        },
        ebgp: s & sel::EBGP != 0,
        local_address: (s & sel::EBGP != 0).then_some(std::net::IpAddr::from([203, 0, 113, 254])),
    }
}

/// The whole messages at the start of `buf`, as `frame` delimits them; stops at the first
/// incomplete or malformed header.
pub fn messages(mut buf: &[u8], max_len: usize) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        let f = frame(buf, max_len).ok()??;
        let (msg, rest) = buf.split_at_checked(f.len)?;
        buf = rest;
        Some(msg)
    })
}

/// Lower-case hex of `bytes`, for failure messages.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
