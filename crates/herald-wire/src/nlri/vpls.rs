//! VPLS NLRI (RFC 4761 §3.2.2, AFI 25 L2VPN / SAFI 65), with the ADD-PATH path identifier
//! (RFC 7911 §3) when negotiated for the family.
//!
//! ```text
//! +------------------------------------+
//! | Length (2 octets)                  |   17
//! +------------------------------------+
//! | Route Distinguisher (8 octets)     |
//! +------------------------------------+
//! | VE ID (2 octets)                   |   ExaBGP's "endpoint"
//! +------------------------------------+
//! | VE Block Offset (2 octets)         |
//! +------------------------------------+
//! | VE Block Size (2 octets)           |
//! +------------------------------------+
//! | Label Base (3 octets)              |   20-bit label, traffic class, bottom of stack
//! +------------------------------------+
//! ```
//!
//! Errors: a length other than 17, or one that overruns the field, make the whole NLRI field
//! undecodable (`Err`: AFI/SAFI disable, RFC 7606 §5.3).

use super::labeled::path_id;
use super::vpn::RouteDistinguisher;

/// The value of the length field.
const LEN: u16 = 17;

/// One VPLS NLRI.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Vpls {
    /// Path identifier (RFC 7911).
    pub path_id: Option<u32>,
    /// The route distinguisher.
    pub rd: RouteDistinguisher,
    /// VE ID.
    pub endpoint: u16,
    /// VE block offset.
    pub offset: u16,
    /// VE block size.
    pub size: u16,
    /// The label base field as on the wire (24 bits: label, traffic class, bottom of stack).
    pub label_base: u32,
}

impl Vpls {
    /// The 20-bit label base.
    pub fn base(&self) -> u32 {
        (self.label_base >> 4) & 0xF_FFFF
    }

    /// A label base field for a 20-bit label, with the bottom-of-stack bit set (as ExaBGP and
    /// the RFC's examples send it).
    pub fn label_field(base: u32) -> u32 {
        ((base & 0xF_FFFF) << 4) | 1
    }

    /// Append the NLRI to `out`. Without a path identifier on an ADD-PATH session, 0 is sent.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        out.extend_from_slice(&LEN.to_be_bytes());
        out.extend_from_slice(&self.rd.0);
        out.extend_from_slice(&self.endpoint.to_be_bytes());
        out.extend_from_slice(&self.offset.to_be_bytes());
        out.extend_from_slice(&self.size.to_be_bytes());
        out.extend_from_slice(self.label_base.to_be_bytes().get(1..).unwrap_or_default());
    }
}

/// Decode a run of VPLS NLRI, appending to `out`.
pub fn decode_into(mut b: &[u8], add_path: bool, out: &mut Vec<Vpls>) -> Result<(), &'static str> {
    while !b.is_empty() {
        let (id, rest) = path_id(b, add_path)?;
        let (len, rest) = rest
            .split_first_chunk::<2>()
            .ok_or("VPLS NLRI length overruns the attribute")?;
        if u16::from_be_bytes(*len) != LEN {
            return Err("VPLS NLRI length is not 17");
        }
        let (v, rest) = rest
            .split_first_chunk::<17>()
            .ok_or("VPLS NLRI overruns the attribute")?;
        let [r0, r1, r2, r3, r4, r5, r6, r7, e0, e1, o0, o1, s0, s1, l0, l1, l2] = *v;
        out.push(Vpls {
            path_id: id,
            rd: RouteDistinguisher([r0, r1, r2, r3, r4, r5, r6, r7]),
            endpoint: u16::from_be_bytes([e0, e1]),
            offset: u16::from_be_bytes([o0, o1]),
            size: u16::from_be_bytes([s0, s1]),
            label_base: u32::from_be_bytes([0, l0, l1, l2]),
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

    /// ExaBGP's conf-l2vpn.conf route: rd 192.168.201.1:123 endpoint 5 base 10702 offset 1
    /// size 8 (label base 10702 << 4 | bottom of stack = 0x029CE1).
    #[test]
    fn exabgp_example_route_both_ways() {
        let bytes = h("0011 0001c0a8c901007b 0005 0001 0008 029ce1");
        let mut v = Vec::new();
        decode_into(&bytes, false, &mut v).unwrap();
        assert_eq!(v.len(), 1);
        let r = &v[0];
        assert_eq!(r.rd.to_string(), "192.168.201.1:123");
        assert_eq!((r.endpoint, r.offset, r.size, r.base()), (5, 1, 8, 10702));
        assert_eq!(r.label_base, Vpls::label_field(10702));
        let mut out = Vec::new();
        r.encode(false, &mut out);
        assert_eq!(out, bytes);
        // With ADD-PATH the path identifier comes first.
        let mut with_id = h("00000009");
        with_id.extend_from_slice(&bytes);
        let mut v = Vec::new();
        decode_into(&with_id, true, &mut v).unwrap();
        assert_eq!(v[0].path_id, Some(9));
    }

    #[test]
    fn bad_lengths_are_errors() {
        let mut v = Vec::new();
        assert!(decode_into(
            &h("0010 0001c0a8c901007b 0005 0001 0008 029c"),
            false,
            &mut v
        )
        .is_err());
        assert!(decode_into(
            &h("0011 0001c0a8c901007b 0005 0001 0008 029c"),
            false,
            &mut v
        )
        .is_err());
        assert!(decode_into(&h("00"), false, &mut v).is_err());
        assert!(decode_into(&h(""), false, &mut v).is_ok());
    }

    proptest! {
        #[test]
        fn round_trip(rd in any::<[u8; 8]>(), e: u16, o: u16, s: u16, l in 0u32..1 << 24, id: Option<u32>) {
            let r = Vpls { path_id: id, rd: RouteDistinguisher(rd), endpoint: e, offset: o, size: s, label_base: l };
            let ap = id.is_some();
            let mut out = Vec::new();
            r.encode(ap, &mut out);
            let mut v = Vec::new();
            decode_into(&out, ap, &mut v).unwrap();
            prop_assert_eq!(v, vec![r]);
        }
    }
}
