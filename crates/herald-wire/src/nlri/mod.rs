//! NLRI: the reachability information of each address family.
//!
//! Each family lives in its own file and exposes the same two operations: decode a run of NLRI
//! octets into a typed list, and append a typed entry to an output buffer. Typed: IPv4/IPv6
//! unicast and multicast ([`unicast`]), labeled unicast ([`labeled`]), MPLS VPN ([`vpn`]) and
//! flow specification with flow-vpn ([`flowspec`]). Families not typed yet travel as
//! [`NlriList::Raw`] so that they still decode, display as hex and re-encode byte for byte;
//! EVPN, RTC and VPLS each slot in as one more file and one more `NlriList` variant.

pub mod flowspec;
pub mod labeled;
pub mod unicast;
pub mod vpn;

use crate::iana::{Afi, Family, Safi};

pub use flowspec::FlowSpec;
pub use labeled::{Label, LabelStack, LabeledPrefix};
pub use unicast::Prefix;
pub use vpn::{RouteDistinguisher, VpnPrefix};

/// The NLRI of one family in one UPDATE.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NlriList {
    /// IPv4/IPv6 unicast or multicast prefixes (RFC 4271, RFC 4760).
    Prefixes(Vec<Prefix>),
    /// IPv4/IPv6 labeled unicast (RFC 8277).
    Labeled(Vec<LabeledPrefix>),
    /// IPv4/IPv6 MPLS VPN (RFC 4364, RFC 4659).
    Vpn(Vec<VpnPrefix>),
    /// IPv4/IPv6 flow specifications, with a route distinguisher for flow-vpn (RFC 8955,
    /// RFC 8956).
    Flow(Vec<FlowSpec>),
    /// A family this crate does not type yet: the NLRI octets as received.
    Raw(Vec<u8>),
}

impl NlriList {
    /// Number of typed entries (0 for raw NLRI).
    pub fn len(&self) -> usize {
        match self {
            NlriList::Prefixes(p) => p.len(),
            NlriList::Labeled(p) => p.len(),
            NlriList::Vpn(p) => p.len(),
            NlriList::Flow(p) => p.len(),
            NlriList::Raw(_) => 0,
        }
    }

    /// Whether there are no entries and no raw octets.
    pub fn is_empty(&self) -> bool {
        match self {
            NlriList::Prefixes(p) => p.is_empty(),
            NlriList::Labeled(p) => p.is_empty(),
            NlriList::Vpn(p) => p.is_empty(),
            NlriList::Flow(p) => p.is_empty(),
            NlriList::Raw(r) => r.is_empty(),
        }
    }

    /// The prefixes, when typed.
    pub fn prefixes(&self) -> &[Prefix] {
        match self {
            NlriList::Prefixes(p) => p,
            _ => &[],
        }
    }

    /// Decode the NLRI octets of `family` of an UPDATE's NLRI field or MP_REACH_NLRI;
    /// `add_path` says whether each entry starts with a 4-octet path identifier (RFC 7911).
    pub fn decode(family: Family, bytes: &[u8], add_path: bool) -> Result<NlriList, &'static str> {
        Self::decode_any(family, bytes, add_path, false)
    }

    /// Decode withdrawn NLRI octets of `family` (MP_UNREACH_NLRI): as [`NlriList::decode`],
    /// except that a label stack also ends at the Compatibility field (RFC 8277 §2.4).
    pub fn decode_withdrawn(
        family: Family,
        bytes: &[u8],
        add_path: bool,
    ) -> Result<NlriList, &'static str> {
        Self::decode_any(family, bytes, add_path, true)
    }

    fn decode_any(
        family: Family,
        bytes: &[u8],
        add_path: bool,
        withdraw: bool,
    ) -> Result<NlriList, &'static str> {
        let afi = family.afi;
        match (afi, family.safi) {
            (Afi::IPV4 | Afi::IPV6, Safi::UNICAST | Safi::MULTICAST) => {
                let mut v = Vec::with_capacity(unicast::capacity_hint(family.afi, bytes.len()));
                unicast::decode_into(family.afi, bytes, add_path, &mut v)?;
                Ok(NlriList::Prefixes(v))
            }
            (Afi::IPV4 | Afi::IPV6, Safi::MPLS_LABEL) => {
                let mut v = Vec::new();
                labeled::decode_into(afi, bytes, add_path, withdraw, &mut v)?;
                Ok(NlriList::Labeled(v))
            }
            (Afi::IPV4 | Afi::IPV6, Safi::MPLS_VPN) => {
                let mut v = Vec::new();
                vpn::decode_into(afi, bytes, add_path, withdraw, &mut v)?;
                Ok(NlriList::Vpn(v))
            }
            (Afi::IPV4 | Afi::IPV6, Safi::FLOW | Safi::FLOW_VPN) => {
                let vpn = family.safi == Safi::FLOW_VPN;
                // Well-framed NLRI with a component herald does not know stay raw.
                Ok(flowspec::decode(afi, vpn, bytes, add_path)?
                    .map_or_else(|| NlriList::Raw(bytes.to_vec()), NlriList::Flow))
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
            NlriList::Labeled(p) => p.iter().for_each(|p| p.encode(add_path, out)),
            NlriList::Vpn(p) => p.iter().for_each(|p| p.encode(add_path, out)),
            NlriList::Flow(p) => p.iter().for_each(|p| p.encode(add_path, out)),
            NlriList::Raw(r) => out.extend_from_slice(r),
        }
    }
}
