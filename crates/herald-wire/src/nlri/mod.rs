//! NLRI: the reachability information of each address family.
//!
//! Each family lives in its own file and exposes the same two operations: decode a run of NLRI
//! octets into a typed list, and append a typed entry to an output buffer. Typed: IPv4/IPv6
//! unicast and multicast ([`unicast`]), labeled unicast ([`labeled`]), MPLS VPN ([`vpn`]),
//! flow specification with flow-vpn ([`flowspec`]), EVPN ([`evpn`]), MCAST-VPN ([`mvpn`]), MUP ([`mup`]) and BGP-LS ([`bgpls`]). Families not typed yet
//! travel as [`NlriList::Raw`] so that they still decode, display as hex and re-encode byte for
//! byte; RTC and VPLS each slot in as one more file and one more `NlriList` variant.

pub mod bgpls;
pub mod evpn;
pub mod flowspec;
pub mod labeled;
pub mod mup;
pub mod mvpn;
pub mod rtc;
pub mod unicast;
pub mod vpls;
pub mod vpn;

use std::sync::Arc;

use crate::iana::{Afi, Family, Safi};

pub use bgpls::BgpLs;
pub use evpn::{Esi, Evpn, EvpnRoute, MacAddress};
pub use flowspec::FlowSpec;
pub use labeled::{Label, LabelStack, LabeledPrefix};
pub use mup::{Mup, MupRoute};
pub use mvpn::{Mvpn, MvpnRoute};
pub use rtc::Rtc;
pub use unicast::Prefix;
pub use vpls::Vpls;
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
    /// EVPN routes (RFC 7432, RFC 9136).
    Evpn(Vec<Evpn>),
    /// L2VPN VPLS (RFC 4761).
    Vpls(Vec<Vpls>),
    /// Route target membership (RFC 4684).
    Rtc(Vec<Rtc>),
    /// MCAST-VPN routes (RFC 6514).
    Mvpn(Vec<Mvpn>),
    /// BGP-LS and BGP-LS-VPN (RFC 9552).
    BgpLs(Vec<BgpLs>),
    /// Mobile User Plane routes (draft-mpmz-bess-mup-safi).
    Mup(Vec<Mup>),
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
            NlriList::Evpn(p) => p.len(),
            NlriList::Vpls(p) => p.len(),
            NlriList::Rtc(p) => p.len(),
            NlriList::Mvpn(p) => p.len(),
            NlriList::BgpLs(p) => p.len(),
            NlriList::Mup(p) => p.len(),
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
            NlriList::Evpn(p) => p.is_empty(),
            NlriList::Vpls(p) => p.is_empty(),
            NlriList::Rtc(p) => p.is_empty(),
            NlriList::Mvpn(p) => p.is_empty(),
            NlriList::BgpLs(p) => p.is_empty(),
            NlriList::Mup(p) => p.is_empty(),
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
            (Afi::L2VPN, Safi::EVPN) => {
                let mut v = Vec::new();
                evpn::decode_into(bytes, add_path, &mut v)?;
                Ok(NlriList::Evpn(v))
            }
            (Afi::L2VPN, Safi::VPLS) => {
                let mut v = Vec::new();
                vpls::decode_into(bytes, add_path, &mut v)?;
                Ok(NlriList::Vpls(v))
            }
            (Afi::IPV4, Safi::RTC) => {
                let mut v = Vec::new();
                rtc::decode_into(bytes, add_path, &mut v)?;
                Ok(NlriList::Rtc(v))
            }
            (Afi::IPV4 | Afi::IPV6, Safi::MCAST_VPN) => {
                let mut v = Vec::new();
                mvpn::decode_into(bytes, add_path, &mut v)?;
                Ok(NlriList::Mvpn(v))
            }
            (Afi::BGP_LS, Safi::BGP_LS | Safi::BGP_LS_VPN) => {
                let mut v = Vec::new();
                bgpls::decode_into(bytes, add_path, family.safi == Safi::BGP_LS_VPN, &mut v)?;
                Ok(NlriList::BgpLs(v))
            }
            (Afi::IPV4 | Afi::IPV6, Safi::MUP) => {
                let mut v = Vec::new();
                mup::decode_into(afi, bytes, add_path, &mut v)?;
                Ok(NlriList::Mup(v))
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
            NlriList::Evpn(p) => p.iter().for_each(|p| p.encode(add_path, out)),
            NlriList::Vpls(p) => p.iter().for_each(|p| p.encode(add_path, out)),
            NlriList::Rtc(p) => p.iter().for_each(|p| p.encode(add_path, out)),
            NlriList::Mvpn(p) => p.iter().for_each(|p| p.encode(add_path, out)),
            NlriList::BgpLs(p) => p.iter().for_each(|p| p.encode(add_path, out)),
            NlriList::Mup(p) => p.iter().for_each(|p| p.encode(add_path, out)),
            NlriList::Raw(r) => out.extend_from_slice(r),
        }
    }
}

/// What one route announces, as herald stores it for sending: a prefix (IPv4/IPv6 unicast and
/// multicast, the bulk of every table, kept in its fixed-size form), or the NLRI of any other
/// family already encoded (flow specification, labeled, VPN, EVPN …), built once when the route
/// is configured or announced and copied as octets into each UPDATE.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nlri {
    /// A unicast or multicast prefix.
    Prefix(Prefix),
    /// Another family's NLRI.
    Encoded(EncodedNlri),
}

/// The NLRI of one route of a family other than unicast/multicast, as octets (without the
/// ADD-PATH path identifier, which is kept apart so that it can be left out for peers that
/// did not negotiate it).
///
/// Identity (`Eq`, `Hash`, `Ord`) leaves out a labeled or VPN route's label stack: labels are
/// the route's data, not its key (RFC 8277 §2.4, RFC 4364 §4.3.2), so the same prefix (and
/// route distinguisher) announced again with another label replaces the route. Likewise a MUP
/// Type 1 Session Transformed route is identified by its RD and prefix alone
/// (draft-mpmz-bess-mup-safi: its TEID, QFI and endpoints are data), see
/// [`EncodedNlri::with_key`]. An EVPN route is identified by the fields RFC 7432 §7 and RFC 9136
/// §3.2 make its key (see [`EncodedNlri::evpn`]). [`EncodedNlri::same_octets`] compares
/// everything.
#[derive(Clone, Debug)]
pub struct EncodedNlri {
    /// Path identifier (RFC 7911).
    pub path_id: Option<u32>,
    bytes: Arc<[u8]>,
    /// Octets of the label stack after the length octet (labeled and VPN NLRI), else 0.
    label_octets: u8,
    /// With [`EncodedNlri::with_key`]: the octets after the 4-octet MUP header that identify
    /// the route; else 0.
    key_octets: u8,
    /// An EVPN route, identified by its route key ([`EncodedNlri::evpn`]).
    evpn: bool,
}

impl EncodedNlri {
    /// NLRI octets as they go on the wire after the path identifier.
    pub fn new(path_id: Option<u32>, bytes: &[u8]) -> Self {
        EncodedNlri {
            path_id,
            bytes: Arc::from(bytes),
            label_octets: 0,
            key_octets: 0,
            evpn: false,
        }
    }

    /// A MUP NLRI (4-octet header, then the route) identified by its header's architecture and
    /// route type and the first `key` octets after the header (a Type 1 ST route's RD, prefix
    /// length and prefix), not by the rest.
    pub fn with_key(path_id: Option<u32>, bytes: &[u8], key: usize) -> Self {
        EncodedNlri {
            path_id,
            bytes: Arc::from(bytes),
            label_octets: 0,
            key_octets: u8::try_from(key).unwrap_or(0),
            evpn: false,
        }
    }

    /// A labeled or VPN NLRI (length in bits, `labels` label octets, then the rest).
    pub fn with_labels(path_id: Option<u32>, bytes: &[u8], labels: usize) -> Self {
        EncodedNlri {
            path_id,
            bytes: Arc::from(bytes),
            label_octets: u8::try_from(labels).unwrap_or(0),
            key_octets: 0,
            evpn: false,
        }
    }

    /// An EVPN NLRI (route type, length, value), identified by its route key: the route
    /// distinguisher and, for an Ethernet A-D route (type 1) the ESI and Ethernet tag, for a
    /// MAC/IP advertisement (2) the Ethernet tag, MAC and IP (not the ESI and labels, RFC 7432
    /// §7.2), for an IP prefix route (5) the Ethernet tag and prefix (not the ESI, gateway and
    /// label, RFC 9136 §3.2); types 3 and 4 (and any other) by all their octets.
    pub fn evpn(path_id: Option<u32>, bytes: &[u8]) -> Self {
        EncodedNlri {
            evpn: true,
            ..EncodedNlri::new(path_id, bytes)
        }
    }

    /// The octets (without path identifier).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// What identifies the route: the length in bits without the labels, and the octets after
    /// them (or all the octets for NLRI without labels); for [`EncodedNlri::with_key`], the
    /// MUP header's architecture and route type and the key octets after the header.
    fn key(&self) -> (u8, u8, &[u8], &[u8]) {
        if self.evpn {
            if let Some(k) = self.evpn_key() {
                return k;
            }
        }
        if self.key_octets != 0 {
            let head = self.bytes.get(..3).unwrap_or_default();
            let key = self.bytes.get(4..4 + usize::from(self.key_octets));
            return (2, 0, head, key.unwrap_or(&self.bytes));
        }
        let n = usize::from(self.label_octets);
        if n == 0 {
            return (0, 0, &[], &self.bytes);
        }
        let bits = self.bytes.first().copied().unwrap_or(0);
        let rest = self.bytes.get(1 + n..).unwrap_or_default();
        let bits = bits.saturating_sub(self.label_octets.saturating_mul(8));
        (1, bits, &[], rest)
    }

    /// An EVPN route's key (route type, route distinguisher, the key fields after the ESI), or
    /// `None` when the octets are too short for their type (then all of them identify it).
    fn evpn_key(&self) -> Option<(u8, u8, &[u8], &[u8])> {
        let b = &self.bytes;
        let t = *b.first()?;
        // Type, length, RD (8), ESI (10), Ethernet tag (4) at 20.
        let rd = b.get(2..10)?;
        match t {
            1 => Some((3, t, b.get(2..24)?, &[])),
            2 => {
                let mac_len = usize::from(*b.get(24)?).div_ceil(8);
                let ip_at = 25 + mac_len;
                let ip_len = usize::from(*b.get(ip_at)?).div_ceil(8);
                Some((3, t, rd, b.get(20..ip_at + 1 + ip_len)?))
            }
            5 => {
                // The prefix field is 4 or 16 octets: the value is 34 or 58 octets long.
                let value = usize::from(*b.get(1)?);
                let ip = if value >= 58 { 16 } else { 4 };
                Some((3, t, rd, b.get(20..25 + ip)?))
            }
            _ => None,
        }
    }

    /// Whether both are the same octets, labels included.
    pub fn same_octets(&self, other: &EncodedNlri) -> bool {
        self.path_id == other.path_id && self.bytes == other.bytes
    }
}

impl PartialEq for EncodedNlri {
    fn eq(&self, other: &Self) -> bool {
        self.path_id == other.path_id && self.key() == other.key()
    }
}

impl Eq for EncodedNlri {}

impl std::hash::Hash for EncodedNlri {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.path_id.hash(state);
        self.key().hash(state);
    }
}

impl PartialOrd for EncodedNlri {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EncodedNlri {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.path_id, self.key()).cmp(&(other.path_id, other.key()))
    }
}

impl From<Prefix> for Nlri {
    fn from(p: Prefix) -> Self {
        Nlri::Prefix(p)
    }
}

impl Nlri {
    /// The prefix, for unicast and multicast routes.
    pub fn prefix(&self) -> Option<&Prefix> {
        match self {
            Nlri::Prefix(p) => Some(p),
            Nlri::Encoded(_) => None,
        }
    }

    /// Whether both are the same octets (labels included; see [`EncodedNlri`]).
    pub fn same_octets(&self, other: &Nlri) -> bool {
        match (self, other) {
            (Nlri::Prefix(a), Nlri::Prefix(b)) => a == b,
            (Nlri::Encoded(a), Nlri::Encoded(b)) => a.same_octets(b),
            _ => false,
        }
    }

    /// The ADD-PATH path identifier.
    pub fn path_id(&self) -> Option<u32> {
        match self {
            Nlri::Prefix(p) => p.path_id,
            Nlri::Encoded(e) => e.path_id,
        }
    }

    /// Decode an encoded NLRI of `family` for display (`None` for a prefix, or when the octets
    /// do not decode).
    pub fn decoded(&self, family: Family) -> Option<NlriList> {
        match self {
            Nlri::Prefix(_) => None,
            Nlri::Encoded(e) => {
                let mut buf = Vec::with_capacity(e.bytes.len() + 4);
                if let Some(id) = e.path_id {
                    buf.extend_from_slice(&id.to_be_bytes());
                }
                buf.extend_from_slice(&e.bytes);
                NlriList::decode(family, &buf, e.path_id.is_some()).ok()
            }
        }
    }
}

/// One NLRI entry that the UPDATE builder can write.
pub trait WireNlri {
    /// Octets on the wire, path identifier included when `add_path`.
    fn wire_len(&self, add_path: bool) -> usize;
    /// Append the entry (with a path identifier when `add_path`: 0 when it has none).
    fn encode(&self, add_path: bool, out: &mut Vec<u8>);
}

impl WireNlri for Prefix {
    #[inline]
    fn wire_len(&self, add_path: bool) -> usize {
        Prefix::wire_len(self, add_path)
    }
    #[inline]
    fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        Prefix::encode(self, add_path, out)
    }
}

impl WireNlri for Nlri {
    #[inline]
    fn wire_len(&self, add_path: bool) -> usize {
        match self {
            Nlri::Prefix(p) => p.wire_len(add_path),
            Nlri::Encoded(e) => e.bytes.len() + if add_path { 4 } else { 0 },
        }
    }
    #[inline]
    fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        match self {
            Nlri::Prefix(p) => p.encode(add_path, out),
            Nlri::Encoded(e) => {
                if add_path {
                    out.extend_from_slice(&e.path_id.unwrap_or(0).to_be_bytes());
                }
                out.extend_from_slice(&e.bytes);
            }
        }
    }
}
