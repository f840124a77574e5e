//! NLRI: the reachability information of each address family.
//!
//! Each family lives in its own file and exposes the same two operations: decode a run of NLRI
//! octets into a typed list, and append a typed entry to an output buffer. IPv4/IPv6 unicast and
//! multicast are typed ([`unicast`]); families not typed yet travel as [`NlriList::Raw`] so
//! that they still decode, display as hex and re-encode byte for byte. Labeled unicast, VPN,
//! flowspec, EVPN, RTC and VPLS each slot in as one more file and one more `NlriList` variant.

pub mod unicast;

use crate::iana::{Afi, Family, Safi};

pub use unicast::Prefix;

/// The NLRI of one family in one UPDATE.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NlriList {
    /// IPv4/IPv6 unicast or multicast prefixes (RFC 4271, RFC 4760).
    Prefixes(Vec<Prefix>),
    /// A family this crate does not type yet: the NLRI octets as received.
    Raw(Vec<u8>),
}

impl NlriList {
    /// Number of typed entries (0 for raw NLRI).
    pub fn len(&self) -> usize {
        match self {
            NlriList::Prefixes(p) => p.len(),
            NlriList::Raw(_) => 0,
        }
    }

    /// Whether there are no entries and no raw octets.
    pub fn is_empty(&self) -> bool {
        match self {
            NlriList::Prefixes(p) => p.is_empty(),
            NlriList::Raw(r) => r.is_empty(),
        }
    }

    /// The prefixes, when typed.
    pub fn prefixes(&self) -> &[Prefix] {
        match self {
            NlriList::Prefixes(p) => p,
            NlriList::Raw(_) => &[],
        }
    }

    /// Decode the NLRI octets of `family`; `add_path` says whether each entry starts with a
    /// 4-octet path identifier (RFC 7911).
    pub fn decode(family: Family, bytes: &[u8], add_path: bool) -> Result<NlriList, &'static str> {
        match (family.afi, family.safi) {
            (Afi::IPV4 | Afi::IPV6, Safi::UNICAST | Safi::MULTICAST) => {
                let mut v = Vec::with_capacity(unicast::capacity_hint(family.afi, bytes.len()));
                unicast::decode_into(family.afi, bytes, add_path, &mut v)?;
                Ok(NlriList::Prefixes(v))
            }
            _ => Ok(NlriList::Raw(bytes.to_vec())),
        }
    }

    /// Append the NLRI octets to `out`.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        match self {
            NlriList::Prefixes(p) => {
                for p in p {
                    p.encode(add_path, out);
                }
            }
            NlriList::Raw(r) => out.extend_from_slice(r),
        }
    }
}
