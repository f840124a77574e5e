//! Path attributes (RFC 4271 §4.3, §5) and their RFC 7606 error handling.
//!
//! ```text
//! +-----------------------------------+-----------------------------------------------+
//! | Attr. Flags (1) | Attr. Type (1)  | Length (1, or 2 with Extended Length) | Value |
//! +-----------------------------------+-----------------------------------------------+
//! ```
//! Each attribute keeps the flags it arrived with, so an attribute re-encodes to the same
//! octets (including an Extended Length bit on a short value). Attributes are kept in wire order.

pub mod as_path;
pub mod bgpls;
pub mod community;
pub mod mp;
pub mod prefix_sid;

use std::net::Ipv4Addr;

use crate::error::{Action, AttrError, DecodeError, ErrorKind};
use crate::iana::{attr_flags as F, attr_type as T};
use crate::reader::Reader;
use crate::Context;

pub use as_path::{AsPath, Segment, SegmentType};
pub use bgpls::LinkState;
pub use community::{Community, ExtCommunity, Ipv6ExtCommunity, LargeCommunity, RtGlobal};
pub use mp::{MpReach, MpUnreach, NextHop};
pub use prefix_sid::PrefixSid;

/// ORIGIN values (RFC 4271 §5.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// 0: IGP.
    Igp,
    /// 1: EGP.
    Egp,
    /// 2: INCOMPLETE.
    Incomplete,
}

impl Origin {
    /// ExaBGP's name: `igp`, `egp`, `incomplete`.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Igp => "igp",
            Origin::Egp => "egp",
            Origin::Incomplete => "incomplete",
        }
    }
}

/// AGGREGATOR / AS4_AGGREGATOR value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Aggregator {
    /// The aggregating AS.
    pub asn: u32,
    /// The aggregating speaker's identifier.
    pub address: Ipv4Addr,
}

/// PMSI_TUNNEL (RFC 6514 §5).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PmsiTunnel {
    /// Flags (L = leaf information required).
    pub flags: u8,
    /// Tunnel type (6 = ingress replication, …).
    pub tunnel_type: u8,
    /// MPLS label field (3 octets; for VXLAN it carries the VNI).
    pub label: u32,
    /// Tunnel identifier.
    pub tunnel_id: Vec<u8>,
}

/// The typed value of a path attribute.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AttrValue {
    /// 1 ORIGIN.
    Origin(Origin),
    /// 2 AS_PATH (numbers are 2 or 4 octets on the wire as the session negotiated).
    AsPath(AsPath),
    /// 3 NEXT_HOP.
    NextHop(Ipv4Addr),
    /// 4 MULTI_EXIT_DISC.
    Med(u32),
    /// 5 LOCAL_PREF.
    LocalPref(u32),
    /// 6 ATOMIC_AGGREGATE.
    AtomicAggregate,
    /// 7 AGGREGATOR (AS in 2 or 4 octets as negotiated).
    Aggregator(Aggregator),
    /// 8 COMMUNITIES.
    Communities(Vec<Community>),
    /// 9 ORIGINATOR_ID.
    OriginatorId(Ipv4Addr),
    /// 10 CLUSTER_LIST.
    ClusterList(Vec<Ipv4Addr>),
    /// 14 MP_REACH_NLRI (boxed: it is large and rare next to the common attributes).
    MpReach(Box<MpReach>),
    /// 15 MP_UNREACH_NLRI (boxed).
    MpUnreach(Box<MpUnreach>),
    /// 16 EXTENDED COMMUNITIES.
    ExtCommunities(Vec<ExtCommunity>),
    /// 17 AS4_PATH (always 4-octet AS numbers).
    As4Path(AsPath),
    /// 18 AS4_AGGREGATOR.
    As4Aggregator(Aggregator),
    /// 22 PMSI_TUNNEL (boxed).
    PmsiTunnel(Box<PmsiTunnel>),
    /// 25 IPv6 Address Specific Extended Communities.
    Ipv6ExtCommunities(Vec<Ipv6ExtCommunity>),
    /// 26 AIGP: the TLVs as received (RFC 7311 §3); [`AttrValue::aigp_metric`] reads type 1.
    Aigp(Vec<u8>),
    /// 29 BGP-LS Attribute (RFC 9552 §5.3; boxed).
    LinkState(Box<LinkState>),
    /// 32 LARGE_COMMUNITY.
    LargeCommunities(Vec<LargeCommunity>),
    /// 40 BGP Prefix-SID (RFC 8669, RFC 9252; boxed).
    PrefixSid(Box<PrefixSid>),
    /// 35 Only to Customer (RFC 9234).
    Otc(u32),
    /// Any other attribute, kept raw.
    Unknown {
        /// The type code.
        type_code: u8,
        /// The value.
        data: Vec<u8>,
    },
}

impl AttrValue {
    /// The attribute type code.
    pub fn type_code(&self) -> u8 {
        match self {
            AttrValue::Origin(_) => T::ORIGIN,
            AttrValue::AsPath(_) => T::AS_PATH,
            AttrValue::NextHop(_) => T::NEXT_HOP,
            AttrValue::Med(_) => T::MED,
            AttrValue::LocalPref(_) => T::LOCAL_PREF,
            AttrValue::AtomicAggregate => T::ATOMIC_AGGREGATE,
            AttrValue::Aggregator(_) => T::AGGREGATOR,
            AttrValue::Communities(_) => T::COMMUNITIES,
            AttrValue::OriginatorId(_) => T::ORIGINATOR_ID,
            AttrValue::ClusterList(_) => T::CLUSTER_LIST,
            AttrValue::MpReach(_) => T::MP_REACH_NLRI,
            AttrValue::MpUnreach(_) => T::MP_UNREACH_NLRI,
            AttrValue::ExtCommunities(_) => T::EXTENDED_COMMUNITIES,
            AttrValue::As4Path(_) => T::AS4_PATH,
            AttrValue::As4Aggregator(_) => T::AS4_AGGREGATOR,
            AttrValue::PmsiTunnel(_) => T::PMSI_TUNNEL,
            AttrValue::Ipv6ExtCommunities(_) => T::IPV6_EXTENDED_COMMUNITIES,
            AttrValue::Aigp(_) => T::AIGP,
            AttrValue::LinkState(_) => T::BGP_LS,
            AttrValue::LargeCommunities(_) => T::LARGE_COMMUNITY,
            AttrValue::PrefixSid(_) => T::BGP_PREFIX_SID,
            AttrValue::Otc(_) => T::OTC,
            AttrValue::Unknown { type_code, .. } => *type_code,
        }
    }

    /// The AIGP metric (TLV type 1), if this is an AIGP attribute that carries one.
    pub fn aigp_metric(&self) -> Option<u64> {
        let AttrValue::Aigp(tlvs) = self else {
            return None;
        };
        let mut r = Reader::new(tlvs);
        while !r.is_empty() {
            let t = r.u8()?;
            let len = r.u16()?;
            let v = r.take(usize::from(len).checked_sub(3)?)?;
            if t == 1 {
                return v.try_into().ok().map(u64::from_be_bytes);
            }
        }
        None
    }

    /// An AIGP attribute holding one metric TLV.
    pub fn aigp(metric: u64) -> AttrValue {
        let mut v = vec![1, 0, 11];
        v.extend_from_slice(&metric.to_be_bytes());
        AttrValue::Aigp(v)
    }

    /// Append the value octets.
    pub fn encode_value(&self, ctx: &Context, out: &mut Vec<u8>) {
        match self {
            AttrValue::Origin(o) => out.push(*o as u8),
            AttrValue::AsPath(p) => p.encode(ctx.asn4, out),
            AttrValue::NextHop(a) | AttrValue::OriginatorId(a) => {
                out.extend_from_slice(&a.octets())
            }
            AttrValue::Med(v) | AttrValue::LocalPref(v) | AttrValue::Otc(v) => {
                out.extend_from_slice(&v.to_be_bytes())
            }
            AttrValue::AtomicAggregate => {}
            AttrValue::Aggregator(a) => {
                if ctx.asn4 {
                    out.extend_from_slice(&a.asn.to_be_bytes());
                } else {
                    out.extend_from_slice(
                        &u16::try_from(a.asn)
                            .unwrap_or(crate::open::AS_TRANS)
                            .to_be_bytes(),
                    );
                }
                out.extend_from_slice(&a.address.octets());
            }
            AttrValue::As4Aggregator(a) => {
                out.extend_from_slice(&a.asn.to_be_bytes());
                out.extend_from_slice(&a.address.octets());
            }
            AttrValue::Communities(c) => c
                .iter()
                .for_each(|c| out.extend_from_slice(&c.0.to_be_bytes())),
            AttrValue::ClusterList(c) => c.iter().for_each(|c| out.extend_from_slice(&c.octets())),
            AttrValue::MpReach(m) => m.encode(ctx, out),
            AttrValue::MpUnreach(m) => m.encode(ctx, out),
            AttrValue::ExtCommunities(c) => c.iter().for_each(|c| out.extend_from_slice(&c.0)),
            AttrValue::As4Path(p) => p.encode(true, out),
            AttrValue::PmsiTunnel(p) => {
                out.push(p.flags);
                out.push(p.tunnel_type);
                out.extend_from_slice(p.label.to_be_bytes().get(1..).unwrap_or_default());
                out.extend_from_slice(&p.tunnel_id);
            }
            AttrValue::Ipv6ExtCommunities(c) => c.iter().for_each(|c| out.extend_from_slice(&c.0)),
            AttrValue::Aigp(v) | AttrValue::Unknown { data: v, .. } => out.extend_from_slice(v),
            AttrValue::LinkState(l) => l.encode(out),
            AttrValue::PrefixSid(p) => p.encode(out),
            AttrValue::LargeCommunities(c) => c.iter().for_each(|c| {
                out.extend_from_slice(&c.global.to_be_bytes());
                out.extend_from_slice(&c.local1.to_be_bytes());
                out.extend_from_slice(&c.local2.to_be_bytes());
            }),
        }
    }
}

/// The flags RFC 4271 and each attribute's RFC prescribe (Optional and Transitive bits only),
/// or `None` for attributes this crate does not know.
pub fn expected_flags(type_code: u8) -> Option<u8> {
    Some(match type_code {
        T::ORIGIN | T::AS_PATH | T::NEXT_HOP | T::LOCAL_PREF | T::ATOMIC_AGGREGATE => F::TRANSITIVE,
        T::MED
        | T::ORIGINATOR_ID
        | T::CLUSTER_LIST
        | T::MP_REACH_NLRI
        | T::MP_UNREACH_NLRI
        | T::AIGP
        | T::BGP_LS => F::OPTIONAL,
        T::AGGREGATOR
        | T::COMMUNITIES
        | T::EXTENDED_COMMUNITIES
        | T::AS4_PATH
        | T::AS4_AGGREGATOR
        | T::PMSI_TUNNEL
        | T::IPV6_EXTENDED_COMMUNITIES
        | T::LARGE_COMMUNITY
        | T::OTC
        | T::BGP_PREFIX_SID => F::OPTIONAL | F::TRANSITIVE,
        _ => return None,
    })
}

/// A path attribute: its flags as received (or as herald chose them) and its value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attribute {
    /// The flags octet, all four bits.
    pub flags: u8,
    /// The value.
    pub value: AttrValue,
}

impl Attribute {
    /// An attribute with the flags its RFC prescribes (Optional | Transitive for unknown ones).
    pub fn new(value: AttrValue) -> Self {
        let flags = expected_flags(value.type_code()).unwrap_or(F::OPTIONAL | F::TRANSITIVE);
        Attribute { flags, value }
    }

    /// Append flags, type, length and value. The Extended Length bit is kept if it was set
    /// and added when the value needs it.
    pub fn encode(&self, ctx: &Context, out: &mut Vec<u8>) {
        let start = out.len();
        out.push(self.flags);
        out.push(self.value.type_code());
        out.extend_from_slice(&[0, 0]);
        let value_at = out.len();
        self.value.encode_value(ctx, out);
        let len = out.len() - value_at;
        let ext = self.flags & F::EXTENDED_LENGTH != 0 || len > 255;
        if ext {
            if let Some(f) = out.get_mut(start) {
                *f |= F::EXTENDED_LENGTH;
            }
            if let Some(l) = out.get_mut(start + 2..start + 4) {
                l.copy_from_slice(&(len.min(65535) as u16).to_be_bytes());
            }
        } else {
            if let Some(l) = out.get_mut(start + 2) {
                *l = len as u8;
            }
            out.remove(start + 3);
        }
    }

    /// The flags to use when passing this attribute on to another peer: an optional transitive
    /// attribute herald does not recognise gets the Partial bit (RFC 4271 §5).
    pub fn flags_for_propagation(&self) -> u8 {
        match self.value {
            AttrValue::Unknown { .. }
                if self.flags & (F::OPTIONAL | F::TRANSITIVE) == F::OPTIONAL | F::TRANSITIVE =>
            {
                self.flags | F::PARTIAL
            }
            _ => self.flags,
        }
    }
}

/// RFC 7606 §7 actions for a malformed value of each known attribute.
fn malformed_action(type_code: u8, ctx: &Context) -> Action {
    match type_code {
        // RFC 9552 §8.2.2: a malformed BGP-LS Attribute is discarded.
        T::ATOMIC_AGGREGATE
        | T::AGGREGATOR
        | T::AS4_PATH
        | T::AS4_AGGREGATOR
        | T::AIGP
        | T::BGP_LS => Action::AttributeDiscard,
        // RFC 8669 §6: a malformed Prefix-SID is ignored and not passed on.
        T::BGP_PREFIX_SID => Action::AttributeDiscard,
        // §7.5, §7.9, §7.10: attributes an external neighbor has no business sending.
        T::LOCAL_PREF | T::ORIGINATOR_ID | T::CLUSTER_LIST if ctx.ebgp => Action::AttributeDiscard,
        T::MP_REACH_NLRI | T::MP_UNREACH_NLRI => Action::AfiSafiDisable,
        _ => Action::TreatAsWithdraw,
    }
}

fn fixed<const N: usize>(v: &[u8]) -> Option<[u8; N]> {
    v.try_into().ok()
}

/// `v` as a list of N-octet values; `None` unless its length is a non-zero multiple of N
/// (RFC 7606 §7.8, §7.10, §7.14, §7.15: an empty list attribute is malformed too).
fn words<const N: usize, X>(v: &[u8], f: impl Fn([u8; N]) -> X) -> Option<Vec<X>> {
    if v.is_empty() || v.len() % N != 0 {
        return None;
    }
    // `map` keeps the exact length so that `collect` allocates once; `chunks_exact` makes the
    // fallback unreachable.
    Some(
        v.chunks_exact(N)
            .map(|c| f(c.try_into().unwrap_or([0; N])))
            .collect(),
    )
}

/// Decode one attribute value. `Err` carries the RFC 4271 error kind for the NOTIFICATION.
fn decode_value(
    type_code: u8,
    v: &[u8],
    ctx: &Context,
    raw: &[u8],
) -> Result<AttrValue, (ErrorKind, Option<crate::iana::Family>)> {
    let len_err = || {
        (
            ErrorKind::AttributeLength {
                attribute: raw.to_vec(),
            },
            None,
        )
    };
    let opt_err = || {
        (
            ErrorKind::OptionalAttribute {
                attribute: raw.to_vec(),
            },
            None,
        )
    };
    let u32v = |v: &[u8]| fixed::<4>(v).map(u32::from_be_bytes);
    Ok(match type_code {
        T::ORIGIN => match fixed::<1>(v).ok_or_else(len_err)? {
            [0] => AttrValue::Origin(Origin::Igp),
            [1] => AttrValue::Origin(Origin::Egp),
            [2] => AttrValue::Origin(Origin::Incomplete),
            _ => {
                return Err((
                    ErrorKind::InvalidOrigin {
                        attribute: raw.to_vec(),
                    },
                    None,
                ))
            }
        },
        T::AS_PATH => {
            let path = AsPath::decode(v, ctx.asn4).ok_or((ErrorKind::MalformedAsPath, None))?;
            // RFC 5065 §5: confederation segments from outside our confederation (herald is
            // in none, so from any external neighbor) make the path malformed.
            if ctx.ebgp && path.segments.iter().any(|s| s.kind.is_confed()) {
                return Err((ErrorKind::MalformedAsPath, None));
            }
            AttrValue::AsPath(path)
        }
        T::NEXT_HOP => {
            let a = Ipv4Addr::from(fixed::<4>(v).ok_or_else(len_err)?);
            // RFC 4271 §6.3: not a valid host address (0.0.0.0, multicast, class E, broadcast)
            // or the receiving speaker's own address: the route is ignored without a
            // NOTIFICATION (treat-as-withdraw, 3/8).
            if a.is_unspecified()
                || a.is_multicast()
                || a.octets()[0] >= 240
                || ctx.local_address == Some(std::net::IpAddr::V4(a))
            {
                return Err((
                    ErrorKind::InvalidNextHop {
                        attribute: raw.to_vec(),
                    },
                    None,
                ));
            }
            AttrValue::NextHop(a)
        }
        T::MED => AttrValue::Med(u32v(v).ok_or_else(len_err)?),
        T::LOCAL_PREF => AttrValue::LocalPref(u32v(v).ok_or_else(len_err)?),
        T::ATOMIC_AGGREGATE if v.is_empty() => AttrValue::AtomicAggregate,
        T::ATOMIC_AGGREGATE => return Err(len_err()),
        T::AGGREGATOR => {
            let (asn, addr) = if ctx.asn4 {
                let b = fixed::<8>(v).ok_or_else(len_err)?;
                (
                    u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
                    [b[4], b[5], b[6], b[7]],
                )
            } else {
                let b = fixed::<6>(v).ok_or_else(len_err)?;
                (
                    u32::from(u16::from_be_bytes([b[0], b[1]])),
                    [b[2], b[3], b[4], b[5]],
                )
            };
            AttrValue::Aggregator(Aggregator {
                asn,
                address: Ipv4Addr::from(addr),
            })
        }
        T::AS4_AGGREGATOR => {
            let b = fixed::<8>(v).ok_or_else(len_err)?;
            AttrValue::As4Aggregator(Aggregator {
                asn: u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
                address: Ipv4Addr::new(b[4], b[5], b[6], b[7]),
            })
        }
        T::COMMUNITIES => AttrValue::Communities(
            words::<4, _>(v, |w| Community(u32::from_be_bytes(w))).ok_or_else(opt_err)?,
        ),
        T::ORIGINATOR_ID => {
            AttrValue::OriginatorId(Ipv4Addr::from(fixed::<4>(v).ok_or_else(len_err)?))
        }
        T::CLUSTER_LIST => {
            AttrValue::ClusterList(words::<4, _>(v, Ipv4Addr::from).ok_or_else(len_err)?)
        }
        T::MP_REACH_NLRI => AttrValue::MpReach(Box::new(MpReach::decode(v, ctx).map_err(|e| {
            let k = if e.in_nlri {
                ErrorKind::InvalidNetworkField("MP_REACH_NLRI")
            } else {
                ErrorKind::OptionalAttribute {
                    attribute: raw.to_vec(),
                }
            };
            (k, e.family)
        })?)),
        T::MP_UNREACH_NLRI => {
            AttrValue::MpUnreach(Box::new(MpUnreach::decode(v, ctx).map_err(|e| {
                let k = if e.in_nlri {
                    ErrorKind::InvalidNetworkField("MP_UNREACH_NLRI")
                } else {
                    ErrorKind::OptionalAttribute {
                        attribute: raw.to_vec(),
                    }
                };
                (k, e.family)
            })?))
        }
        T::EXTENDED_COMMUNITIES => {
            AttrValue::ExtCommunities(words::<8, _>(v, ExtCommunity).ok_or_else(opt_err)?)
        }
        T::AS4_PATH => AttrValue::As4Path(AsPath::decode(v, true).ok_or_else(opt_err)?),
        T::PMSI_TUNNEL => {
            let mut r = Reader::new(v);
            let (Some(flags), Some(tunnel_type), Some(l)) = (r.u8(), r.u8(), r.array::<3>()) else {
                return Err(opt_err());
            };
            AttrValue::PmsiTunnel(Box::new(PmsiTunnel {
                flags,
                tunnel_type,
                label: u32::from_be_bytes([0, l[0], l[1], l[2]]),
                tunnel_id: r.rest().to_vec(),
            }))
        }
        T::IPV6_EXTENDED_COMMUNITIES => {
            AttrValue::Ipv6ExtCommunities(words::<20, _>(v, Ipv6ExtCommunity).ok_or_else(opt_err)?)
        }
        T::AIGP => {
            // RFC 7311 §3: a sequence of TLVs whose lengths include the 3-octet header.
            let mut r = Reader::new(v);
            while !r.is_empty() {
                let ok = r
                    .u8()
                    .and_then(|_| r.u16())
                    .and_then(|l| usize::from(l).checked_sub(3))
                    .and_then(|l| r.take(l));
                if ok.is_none() {
                    return Err(opt_err());
                }
            }
            AttrValue::Aigp(v.to_vec())
        }
        T::LARGE_COMMUNITY => AttrValue::LargeCommunities(
            words::<12, _>(v, |w| LargeCommunity {
                global: u32::from_be_bytes([w[0], w[1], w[2], w[3]]),
                local1: u32::from_be_bytes([w[4], w[5], w[6], w[7]]),
                local2: u32::from_be_bytes([w[8], w[9], w[10], w[11]]),
            })
            .filter(|v| !v.is_empty())
            .ok_or_else(opt_err)?,
        ),
        T::OTC => AttrValue::Otc(u32v(v).ok_or_else(len_err)?),
        T::BGP_LS => AttrValue::LinkState(Box::new(LinkState::decode(v).map_err(|_| opt_err())?)),
        T::BGP_PREFIX_SID => {
            AttrValue::PrefixSid(Box::new(PrefixSid::decode(v).ok_or_else(opt_err)?))
        }
        _ => AttrValue::Unknown {
            type_code,
            data: v.to_vec(),
        },
    })
}

/// Decode the path attributes of an UPDATE. Errors that RFC 7606 handles without a session
/// reset are appended to `errors` (and the attribute dropped); a session-reset error is
/// returned as `Err`. `base` is the offset of `bytes` in the message, for error offsets.
pub(crate) fn decode_attributes(
    bytes: &[u8],
    ctx: &Context,
    base: usize,
    errors: &mut Vec<AttrError>,
) -> Result<Vec<Attribute>, DecodeError> {
    let mut attrs: Vec<Attribute> = Vec::with_capacity(8);
    let mut seen = [0u64; 4];
    let mut r = Reader::new(bytes);
    while !r.is_empty() {
        let at = r.pos();
        let header = (r.u8(), r.u8());
        let (Some(flags), Some(type_code)) = header else {
            // RFC 7606 §4: a lone octet cannot be an attribute: treat-as-withdraw.
            errors.push(AttrError {
                type_code: 0,
                action: Action::TreatAsWithdraw,
                error: DecodeError::new(
                    base + at,
                    ErrorKind::MalformedAttributeList("truncated attribute header"),
                ),
            });
            break;
        };
        let len = if flags & F::EXTENDED_LENGTH != 0 {
            r.u16()
        } else {
            r.u8().map(u16::from)
        };
        let value = len.and_then(|l| r.take(usize::from(l)));
        let Some(value) = value else {
            // RFC 7606 §4: the length overruns the attribute block.
            let action = if matches!(type_code, T::MP_REACH_NLRI | T::MP_UNREACH_NLRI) {
                Action::SessionReset
            } else {
                Action::TreatAsWithdraw
            };
            let attribute = bytes.get(at..).unwrap_or_default().to_vec();
            let error = DecodeError::new(base + at, ErrorKind::AttributeLength { attribute });
            if action == Action::SessionReset {
                return Err(error);
            }
            errors.push(AttrError {
                type_code,
                action,
                error,
            });
            break;
        };
        let raw = bytes.get(at..r.pos()).unwrap_or_default();
        // RFC 7606 §3(g): repeated attributes. MP_REACH/MP_UNREACH twice is a session reset,
        // others keep the first occurrence.
        let (word, bit) = (usize::from(type_code / 64), u64::from(type_code % 64));
        if let Some(w) = seen.get_mut(word) {
            if *w & (1 << bit) != 0 {
                if matches!(type_code, T::MP_REACH_NLRI | T::MP_UNREACH_NLRI) {
                    return Err(DecodeError::new(
                        base + at,
                        ErrorKind::MalformedAttributeList("repeated MP attribute"),
                    ));
                }
                continue;
            }
            *w |= 1 << bit;
        }
        let expected = expected_flags(type_code);
        match expected {
            None if flags & F::OPTIONAL == 0 => {
                // RFC 4271 §6.3: an unrecognised well-known attribute.
                return Err(DecodeError::new(
                    base + at,
                    ErrorKind::UnrecognizedWellKnown {
                        attribute: raw.to_vec(),
                    },
                ));
            }
            Some(e) if flags & (F::OPTIONAL | F::TRANSITIVE) != e => {
                // RFC 7606 §3(c): conflicting Optional/Transitive bits.
                let action = match type_code {
                    T::MP_REACH_NLRI | T::MP_UNREACH_NLRI => Action::SessionReset,
                    T::AS4_PATH | T::AS4_AGGREGATOR | T::AIGP | T::BGP_LS | T::BGP_PREFIX_SID => {
                        Action::AttributeDiscard
                    }
                    T::LOCAL_PREF | T::ORIGINATOR_ID | T::CLUSTER_LIST if ctx.ebgp => {
                        Action::AttributeDiscard
                    }
                    _ => Action::TreatAsWithdraw,
                };
                let error = DecodeError::new(
                    base + at,
                    ErrorKind::AttributeFlags {
                        attribute: raw.to_vec(),
                    },
                );
                if action == Action::SessionReset {
                    return Err(error);
                }
                errors.push(AttrError {
                    type_code,
                    action,
                    error,
                });
                continue;
            }
            _ => {}
        }
        match decode_value(type_code, value, ctx, raw) {
            Ok(value) => {
                if bgpls::malformed_reach(&value) {
                    // RFC 9552 §8.2.2: a framed BGP-LS NLRI that fails the syntactic checks.
                    errors.push(AttrError {
                        type_code,
                        action: Action::TreatAsWithdraw,
                        error: DecodeError::new(
                            base + at,
                            ErrorKind::InvalidNetworkField("MP_REACH_NLRI"),
                        ),
                    });
                }
                attrs.push(Attribute { flags, value })
            }
            Err((kind, family)) => {
                let mut action = malformed_action(type_code, ctx);
                if action == Action::AfiSafiDisable && family.is_none() {
                    action = Action::SessionReset;
                }
                let error = DecodeError::new(base + at, kind);
                if action == Action::SessionReset {
                    return Err(error);
                }
                errors.push(AttrError {
                    type_code,
                    action,
                    error,
                });
            }
        }
    }
    Ok(attrs)
}

#[cfg(test)]
mod tests;
