//! ROUTE-REFRESH (RFC 2918 §3) with the message subtypes of Enhanced Route Refresh (RFC 7313 §3).
//!
//! ```text
//!  0       7      15      23      31
//!  +-------+-------+-------+-------+
//!  |      AFI      | Subtype| SAFI |
//!  +-------+-------+-------+-------+
//! ```

use crate::iana::{Afi, Family, Safi};

/// The subtype octet (RFC 7313 §3; "Reserved" in RFC 2918).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefreshSubtype {
    /// 0: a normal route refresh request.
    Request,
    /// 1: Beginning of Route Refresh.
    Begin,
    /// 2: End of Route Refresh.
    End,
    /// Any other value: RFC 7313 §5 says to ignore the message; kept for decoding tools.
    Other(u8),
}

impl RefreshSubtype {
    /// From the wire value.
    pub fn from_u8(v: u8) -> Self {
        match v {
            0 => RefreshSubtype::Request,
            1 => RefreshSubtype::Begin,
            2 => RefreshSubtype::End,
            n => RefreshSubtype::Other(n),
        }
    }

    /// The wire value.
    pub fn to_u8(self) -> u8 {
        match self {
            RefreshSubtype::Request => 0,
            RefreshSubtype::Begin => 1,
            RefreshSubtype::End => 2,
            RefreshSubtype::Other(n) => n,
        }
    }

    /// ExaBGP's JSON name: `query`, `begin`, `end`.
    pub fn name(self) -> &'static str {
        match self {
            RefreshSubtype::Request => "query",
            RefreshSubtype::Begin => "begin",
            RefreshSubtype::End => "end",
            RefreshSubtype::Other(_) => "reserved",
        }
    }
}

/// A ROUTE-REFRESH message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteRefresh {
    /// The family to refresh.
    pub family: Family,
    /// Request, BoRR or EoRR.
    pub subtype: RefreshSubtype,
}

impl RouteRefresh {
    /// Decode the 4-octet body; `None` when the length is not 4 (RFC 7313 §5: 7/1).
    pub fn decode(body: &[u8]) -> Option<Self> {
        let b: [u8; 4] = body.try_into().ok()?;
        Some(RouteRefresh {
            family: Family::new(Afi(u16::from_be_bytes([b[0], b[1]])), Safi(b[3])),
            subtype: RefreshSubtype::from_u8(b[2]),
        })
    }

    /// Append the body to `out`.
    pub fn encode_body(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.family.afi.0.to_be_bytes());
        out.push(self.subtype.to_u8());
        out.push(self.family.safi.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_borr_eorr_round_trip() {
        for (bytes, sub) in [
            ([0, 1, 0, 1], RefreshSubtype::Request),
            ([0, 1, 1, 1], RefreshSubtype::Begin),
            ([0, 2, 2, 1], RefreshSubtype::End),
        ] {
            let rr = RouteRefresh::decode(&bytes).unwrap();
            assert_eq!(rr.subtype, sub);
            let mut out = Vec::new();
            rr.encode_body(&mut out);
            assert_eq!(out, bytes);
        }
        assert_eq!(
            RouteRefresh::decode(&[0, 2, 2, 1]).unwrap().family,
            Family::IPV6_UNICAST
        );
    }

    #[test]
    fn wrong_length_is_refused() {
        assert!(RouteRefresh::decode(&[0, 1, 0]).is_none());
        assert!(RouteRefresh::decode(&[0, 1, 0, 1, 0]).is_none());
    }
}
