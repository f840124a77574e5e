//! Route Target membership NLRI (RFC 4684 §4, AFI 1 / SAFI 132), with the ADD-PATH path
//! identifier (RFC 7911 §3) when negotiated for the family.
//!
//! ```text
//! +-------------------------------+
//! | Length (1 octet, in bits)     |   0 (the default route), or 32 to 96
//! +-------------------------------+
//! | Origin AS (4 octets)          |
//! +-------------------------------+
//! | Route Target (0 to 8 octets)  |   the first Length - 32 bits of the extended community
//! +-------------------------------+
//! ```
//!
//! Errors: a length of 1 to 31 or above 96, or octets that overrun the field, make the whole
//! NLRI field undecodable (`Err`: AFI/SAFI disable, RFC 7606 §5.3).

use super::labeled::path_id;

/// One route target membership NLRI.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rtc {
    /// Path identifier (RFC 7911).
    pub path_id: Option<u32>,
    /// Length in bits: 0 (default), or 32 to 96.
    pub len: u8,
    /// Origin AS (0 for the default).
    pub origin: u32,
    /// The route target's octets, the ones past the length zero.
    pub rt: [u8; 8],
}

impl Rtc {
    /// Append the NLRI to `out`. Without a path identifier on an ADD-PATH session, 0 is sent.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        out.push(self.len);
        if self.len == 0 {
            return;
        }
        out.extend_from_slice(&self.origin.to_be_bytes());
        let n = usize::from(self.len.saturating_sub(32)).div_ceil(8);
        out.extend_from_slice(self.rt.get(..n).unwrap_or(&self.rt));
    }
}

/// Decode a run of RTC NLRI, appending to `out`.
pub fn decode_into(mut b: &[u8], add_path: bool, out: &mut Vec<Rtc>) -> Result<(), &'static str> {
    while !b.is_empty() {
        let (id, rest) = path_id(b, add_path)?;
        let (&len, rest) = rest
            .split_first()
            .ok_or("RTC NLRI overruns the attribute")?;
        if len == 0 {
            out.push(Rtc {
                path_id: id,
                len,
                origin: 0,
                rt: [0; 8],
            });
            b = rest;
            continue;
        }
        if !(32..=96).contains(&len) {
            return Err("RTC NLRI length is not 0 or 32 to 96");
        }
        let (origin, rest) = rest
            .split_first_chunk::<4>()
            .ok_or("RTC NLRI overruns the attribute")?;
        let n = usize::from(len - 32).div_ceil(8);
        let (part, rest) = (rest.get(..n), rest.get(n..));
        let (Some(part), Some(rest)) = (part, rest) else {
            return Err("RTC NLRI overruns the attribute");
        };
        let mut rt = [0u8; 8];
        if let Some(dst) = rt.get_mut(..n) {
            dst.copy_from_slice(part);
        }
        out.push(Rtc {
            path_id: id,
            len,
            origin: u32::from_be_bytes(*origin),
            rt,
        });
        b = rest;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    #[test]
    fn full_partial_and_default_routes() {
        // Origin AS 65000, route target 65000:1 (type 0x00 0x02, flags cleared as RFC 4684 §4
        // sends them), then AS 65001 with the first 48 bits of a target, then the default.
        let bytes = h("60 0000fde8 0002fde800000001  50 0000fde9 0002fde9 0000  00");
        let mut v = Vec::new();
        decode_into(&bytes, false, &mut v).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(
            (v[0].len, v[0].origin, v[0].rt),
            (96, 65000, [0, 2, 0xfd, 0xe8, 0, 0, 0, 1])
        );
        assert_eq!(
            (v[1].len, v[1].origin, v[1].rt),
            (80, 65001, [0, 2, 0xfd, 0xe9, 0, 0, 0, 0])
        );
        assert_eq!((v[2].len, v[2].origin), (0, 0));
        let mut out = Vec::new();
        v.iter().for_each(|r| r.encode(false, &mut out));
        assert_eq!(out, bytes);
    }

    #[test]
    fn bad_lengths_are_errors() {
        let mut v = Vec::new();
        assert!(decode_into(&h("10 0000fde8"), false, &mut v).is_err());
        assert!(decode_into(&h("68 0000fde8 0002fde800000001 00"), false, &mut v).is_err());
        assert!(decode_into(&h("60 0000fde8 0002fde8"), false, &mut v).is_err());
        assert!(decode_into(&h("60 0000"), false, &mut v).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(len in prop_oneof![Just(0u8), 32u8..=96], origin: u32, rt: [u8; 8], id: Option<u32>) {
            let n = usize::from(len.saturating_sub(32)).div_ceil(8);
            let mut rt = rt;
            rt.iter_mut().skip(n).for_each(|b| *b = 0);
            let r = Rtc { path_id: id, len, origin: if len == 0 { 0 } else { origin }, rt: if len == 0 { [0; 8] } else { rt } };
            let ap = id.is_some();
            let mut out = Vec::new();
            r.encode(ap, &mut out);
            let mut v = Vec::new();
            decode_into(&out, ap, &mut v).unwrap();
            prop_assert_eq!(v, vec![r]);
        }
    }
}
