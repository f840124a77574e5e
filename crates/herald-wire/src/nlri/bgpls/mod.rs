//! BGP-LS NLRI (RFC 9552 §5.2, AFI 16388 with SAFI 71 BGP-LS or SAFI 72 BGP-LS-VPN), with the
//! ADD-PATH path identifier (RFC 7911 §3) when negotiated for the family.
//!
//! ```text
//! +-------------------------------+-------------------------------+
//! |  NLRI Type (2)                |  Total NLRI Length (2)        |
//! +-------------------------------+-------------------------------+
//! |  Route Distinguisher (8)            SAFI 72 only                |
//! +---------------+-----------------------------------------------+
//! |  Protocol-ID  |  Identifier (8)                               |
//! +---------------+-----------------------------------------------+
//! |  TLVs: Type (2) | Length (2) | Value          (variable)       |
//! +---------------------------------------------------------------+
//! ```
//! NLRI types: 1 Node, 2 Link, 3 IPv4 Topology Prefix, 4 IPv6 Topology Prefix (RFC 9552 §5.2),
//! 6 SRv6 SID (RFC 9514 §6). TLVs: 256/257 Local/Remote Node Descriptors (sub-TLVs 512 AS,
//! 513 BGP-LS Identifier, 514 OSPF Area-ID, 515 IGP Router-ID), 258 Link Local/Remote
//! Identifiers, 259/260 IPv4 interface/neighbor address, 261/262 IPv6 interface/neighbor
//! address, 263 Multi-Topology ID, 264 OSPF Route Type, 265 IP Reachability Information,
//! 518 SRv6 SID Information. Every other TLV and sub-TLV is kept as octets, in wire order, so
//! an NLRI encodes back to the octets it came from.
//!
//! Errors (RFC 9552 §8.2.2): an NLRI whose Total NLRI Length runs past the attribute makes the
//! field undecodable (`Err`: AFI/SAFI disable, which herald carries out as a session reset,
//! as §8.2.2 allows). An NLRI that is framed but whose content fails the syntactic checks of
//! §8.2.2 (a TLV running past the NLRI, a known TLV or sub-TLV of the wrong length, node
//! descriptor sub-TLVs repeated or out of ascending order, a mandatory TLV missing) is kept as
//! [`LsBody::Malformed`]: announced, the UPDATE is treat-as-withdraw; withdrawn, it still
//! names the route to remove. Contents are never judged (§8.2.2: no NLRI is malformed for the
//! TLVs it has or the values in them), so unknown types, protocols and TLVs are kept.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::labeled::path_id;
use super::vpn::RouteDistinguisher;

/// BGP-LS NLRI types (IANA "BGP-LS NLRI Types").
pub mod nlri_type {
    /// Node NLRI (RFC 9552 §5.2).
    pub const NODE: u16 = 1;
    /// Link NLRI (RFC 9552 §5.2).
    pub const LINK: u16 = 2;
    /// IPv4 Topology Prefix NLRI (RFC 9552 §5.2).
    pub const IPV4_PREFIX: u16 = 3;
    /// IPv6 Topology Prefix NLRI (RFC 9552 §5.2).
    pub const IPV6_PREFIX: u16 = 4;
    /// SRv6 SID NLRI (RFC 9514 §6).
    pub const SRV6_SID: u16 = 6;
}

/// BGP-LS Protocol-IDs (IANA "BGP-LS Protocol-IDs") that change how a TLV reads.
pub mod protocol {
    /// IS-IS Level 1.
    pub const ISIS_L1: u8 = 1;
    /// IS-IS Level 2.
    pub const ISIS_L2: u8 = 2;
    /// OSPFv2.
    pub const OSPFV2: u8 = 3;
    /// OSPFv3.
    pub const OSPFV3: u8 = 6;
}

/// NLRI descriptor TLV code points (IANA "BGP-LS NLRI and Attribute TLVs").
pub mod tlv {
    /// Local Node Descriptors (RFC 9552 §5.2.1.2).
    pub const LOCAL_NODE: u16 = 256;
    /// Remote Node Descriptors (RFC 9552 §5.2.1.3).
    pub const REMOTE_NODE: u16 = 257;
    /// Link Local/Remote Identifiers (RFC 9552 §5.2.2).
    pub const LINK_IDS: u16 = 258;
    /// IPv4 interface address (RFC 9552 §5.2.2).
    pub const IPV4_INTERFACE: u16 = 259;
    /// IPv4 neighbor address (RFC 9552 §5.2.2).
    pub const IPV4_NEIGHBOR: u16 = 260;
    /// IPv6 interface address (RFC 9552 §5.2.2).
    pub const IPV6_INTERFACE: u16 = 261;
    /// IPv6 neighbor address (RFC 9552 §5.2.2).
    pub const IPV6_NEIGHBOR: u16 = 262;
    /// Multi-Topology Identifier (RFC 9552 §5.2.2.1).
    pub const MULTI_TOPOLOGY: u16 = 263;
    /// OSPF Route Type (RFC 9552 §5.2.3.1).
    pub const OSPF_ROUTE_TYPE: u16 = 264;
    /// IP Reachability Information (RFC 9552 §5.2.3.2).
    pub const IP_REACHABILITY: u16 = 265;
    /// Autonomous System (node descriptor sub-TLV, RFC 9552 §5.2.1.4).
    pub const AS: u16 = 512;
    /// BGP-LS Identifier (node descriptor sub-TLV, RFC 9552 §5.2.1.4).
    pub const BGP_LS_ID: u16 = 513;
    /// OSPF Area-ID (node descriptor sub-TLV, RFC 9552 §5.2.1.4).
    pub const OSPF_AREA: u16 = 514;
    /// IGP Router-ID (node descriptor sub-TLV, RFC 9552 §5.2.1.4).
    pub const IGP_ROUTER_ID: u16 = 515;
    /// SRv6 SID Information (RFC 9514 §6.1).
    pub const SRV6_SID_INFO: u16 = 518;
}

/// One node descriptor sub-TLV (RFC 9552 §5.2.1.4).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeDescriptor {
    /// 512: Autonomous System.
    As(u32),
    /// 513: BGP-LS Identifier.
    BgpLsId(u32),
    /// 514: OSPF Area-ID.
    OspfArea(u32),
    /// 515: IGP Router-ID: an IS-IS System-ID (6 octets) with a pseudonode number (7), an
    /// OSPF Router-ID (4) with a designated router's interface address (8), or what another
    /// protocol puts there.
    IgpRouterId(Vec<u8>),
    /// Any other sub-TLV, as received.
    Unknown {
        /// Sub-TLV type.
        sub_type: u16,
        /// Value.
        value: Vec<u8>,
    },
}

impl NodeDescriptor {
    /// The sub-TLV type.
    pub fn sub_type(&self) -> u16 {
        match self {
            NodeDescriptor::As(_) => tlv::AS,
            NodeDescriptor::BgpLsId(_) => tlv::BGP_LS_ID,
            NodeDescriptor::OspfArea(_) => tlv::OSPF_AREA,
            NodeDescriptor::IgpRouterId(_) => tlv::IGP_ROUTER_ID,
            NodeDescriptor::Unknown { sub_type, .. } => *sub_type,
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            NodeDescriptor::As(v) | NodeDescriptor::BgpLsId(v) | NodeDescriptor::OspfArea(v) => {
                put_tlv(out, self.sub_type(), &v.to_be_bytes())
            }
            NodeDescriptor::IgpRouterId(v) | NodeDescriptor::Unknown { value: v, .. } => {
                put_tlv(out, self.sub_type(), v)
            }
        }
    }
}

/// One TLV of a BGP-LS NLRI after the Protocol-ID and Identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LsTlv {
    /// 256: Local Node Descriptors.
    LocalNode(Vec<NodeDescriptor>),
    /// 257: Remote Node Descriptors.
    RemoteNode(Vec<NodeDescriptor>),
    /// 258: Link Local/Remote Identifiers.
    LinkIds {
        /// Link Local Identifier.
        local: u32,
        /// Link Remote Identifier.
        remote: u32,
    },
    /// 259: IPv4 interface address.
    Ipv4Interface(Ipv4Addr),
    /// 260: IPv4 neighbor address.
    Ipv4Neighbor(Ipv4Addr),
    /// 261: IPv6 interface address.
    Ipv6Interface(Ipv6Addr),
    /// 262: IPv6 neighbor address.
    Ipv6Neighbor(Ipv6Addr),
    /// 263: Multi-Topology IDs, each 16-bit field as on the wire (R bits and 12-bit ID).
    MultiTopology(Vec<u16>),
    /// 264: OSPF Route Type (1 intra-area, 2 inter-area, 3/4 external, 5/6 NSSA).
    OspfRouteType(u8),
    /// 265: IP Reachability Information: prefix length in bits and the prefix octets sent.
    IpReachability {
        /// Prefix length in bits.
        len: u8,
        /// The prefix octets as received (at most ceil(len / 8)).
        prefix: Vec<u8>,
    },
    /// 518: SRv6 SID Information.
    Srv6Sid(Ipv6Addr),
    /// Any other TLV, as received.
    Unknown {
        /// TLV type.
        tlv_type: u16,
        /// Value.
        value: Vec<u8>,
    },
}

impl LsTlv {
    /// The TLV type.
    pub fn tlv_type(&self) -> u16 {
        match self {
            LsTlv::LocalNode(_) => tlv::LOCAL_NODE,
            LsTlv::RemoteNode(_) => tlv::REMOTE_NODE,
            LsTlv::LinkIds { .. } => tlv::LINK_IDS,
            LsTlv::Ipv4Interface(_) => tlv::IPV4_INTERFACE,
            LsTlv::Ipv4Neighbor(_) => tlv::IPV4_NEIGHBOR,
            LsTlv::Ipv6Interface(_) => tlv::IPV6_INTERFACE,
            LsTlv::Ipv6Neighbor(_) => tlv::IPV6_NEIGHBOR,
            LsTlv::MultiTopology(_) => tlv::MULTI_TOPOLOGY,
            LsTlv::OspfRouteType(_) => tlv::OSPF_ROUTE_TYPE,
            LsTlv::IpReachability { .. } => tlv::IP_REACHABILITY,
            LsTlv::Srv6Sid(_) => tlv::SRV6_SID_INFO,
            LsTlv::Unknown { tlv_type, .. } => *tlv_type,
        }
    }

    /// The value octets (without type and length).
    pub fn value(&self) -> Vec<u8> {
        match self {
            LsTlv::LocalNode(d) | LsTlv::RemoteNode(d) => {
                let mut v = Vec::new();
                d.iter().for_each(|d| d.encode(&mut v));
                v
            }
            LsTlv::LinkIds { local, remote } => {
                let mut v = local.to_be_bytes().to_vec();
                v.extend_from_slice(&remote.to_be_bytes());
                v
            }
            LsTlv::Ipv4Interface(a) | LsTlv::Ipv4Neighbor(a) => a.octets().to_vec(),
            LsTlv::Ipv6Interface(a) | LsTlv::Ipv6Neighbor(a) | LsTlv::Srv6Sid(a) => {
                a.octets().to_vec()
            }
            LsTlv::MultiTopology(ids) => ids.iter().flat_map(|i| i.to_be_bytes()).collect(),
            LsTlv::OspfRouteType(r) => vec![*r],
            LsTlv::IpReachability { len, prefix } => {
                let mut v = vec![*len];
                v.extend_from_slice(prefix);
                v
            }
            LsTlv::Unknown { value, .. } => value.clone(),
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        put_tlv(out, self.tlv_type(), &self.value());
    }
}

/// The decoded body of a Node, Link, Prefix or SRv6 SID NLRI.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LsObject {
    /// Protocol-ID: where the information came from (1/2 IS-IS L1/L2, 3 OSPFv2, 4 Direct,
    /// 5 Static, 6 OSPFv3, 7 BGP, …).
    pub protocol: u8,
    /// Identifier: the routing universe (RFC 9552 §5.2; 0 is the default layer 3 topology).
    pub identifier: u64,
    /// The TLVs in wire order.
    pub tlvs: Vec<LsTlv>,
}

impl LsObject {
    /// The Local Node Descriptors.
    pub fn local_node(&self) -> &[NodeDescriptor] {
        self.tlvs
            .iter()
            .find_map(|t| match t {
                LsTlv::LocalNode(d) => Some(d.as_slice()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The Remote Node Descriptors (Link NLRI).
    pub fn remote_node(&self) -> &[NodeDescriptor] {
        self.tlvs
            .iter()
            .find_map(|t| match t {
                LsTlv::RemoteNode(d) => Some(d.as_slice()),
                _ => None,
            })
            .unwrap_or_default()
    }
}

/// What follows the NLRI header (and the route distinguisher of SAFI 72).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LsBody {
    /// A Node, Link, Prefix or SRv6 SID NLRI that passed the checks of RFC 9552 §8.2.2.
    Typed(LsObject),
    /// An NLRI type this crate does not decode, as received.
    Raw(Vec<u8>),
    /// A known NLRI type whose content fails RFC 9552 §8.2.2's syntactic checks, as received,
    /// with the reason.
    Malformed {
        /// The octets.
        data: Vec<u8>,
        /// What was wrong.
        reason: &'static str,
    },
}

/// One BGP-LS NLRI.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BgpLs {
    /// Path identifier (RFC 7911).
    pub path_id: Option<u32>,
    /// NLRI type ([`nlri_type`]).
    pub nlri_type: u16,
    /// Route distinguisher (SAFI 72, BGP-LS-VPN).
    pub rd: Option<RouteDistinguisher>,
    /// The NLRI itself.
    pub body: LsBody,
}

impl BgpLs {
    /// The decoded NLRI, when it is of a known type and well formed.
    pub fn object(&self) -> Option<&LsObject> {
        match &self.body {
            LsBody::Typed(o) => Some(o),
            _ => None,
        }
    }

    /// Whether the content failed RFC 9552 §8.2.2's checks.
    pub fn is_malformed(&self) -> bool {
        matches!(self.body, LsBody::Malformed { .. })
    }

    /// The octets after the route distinguisher, as [`BgpLs::encode`] writes them.
    pub fn body_octets(&self) -> Vec<u8> {
        match &self.body {
            LsBody::Typed(o) => {
                let mut v = Vec::with_capacity(64);
                v.push(o.protocol);
                v.extend_from_slice(&o.identifier.to_be_bytes());
                o.tlvs.iter().for_each(|t| t.encode(&mut v));
                v
            }
            LsBody::Raw(d) | LsBody::Malformed { data: d, .. } => d.clone(),
        }
    }

    /// Append the NLRI to `out`. Without a path identifier on an ADD-PATH session, 0 is sent.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        let body = self.body_octets();
        let rd_len = if self.rd.is_some() { 8 } else { 0 };
        let len = u16::try_from(body.len() + rd_len).unwrap_or(u16::MAX);
        out.extend_from_slice(&self.nlri_type.to_be_bytes());
        out.extend_from_slice(&len.to_be_bytes());
        if let Some(rd) = &self.rd {
            out.extend_from_slice(&rd.0);
        }
        out.extend_from_slice(&body);
    }
}

fn put_tlv(out: &mut Vec<u8>, t: u16, v: &[u8]) {
    out.extend_from_slice(&t.to_be_bytes());
    out.extend_from_slice(&u16::try_from(v.len()).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(v);
}

/// Split `b` into (type, value) TLVs with 2-octet type and length; `Err` when one runs past
/// the end.
pub(crate) fn tlvs(mut b: &[u8]) -> Result<Vec<(u16, &[u8])>, &'static str> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let (t, rest) = b.split_first_chunk::<2>().ok_or("truncated TLV header")?;
        let (l, rest) = rest
            .split_first_chunk::<2>()
            .ok_or("truncated TLV header")?;
        let l = usize::from(u16::from_be_bytes(*l));
        let (v, rest) = (rest.get(..l), rest.get(l..));
        let (Some(v), Some(rest)) = (v, rest) else {
            return Err("TLV runs past its container");
        };
        out.push((u16::from_be_bytes(*t), v));
        b = rest;
    }
    Ok(out)
}

fn u32_of(v: &[u8]) -> Option<u32> {
    <[u8; 4]>::try_from(v).ok().map(u32::from_be_bytes)
}

/// Node descriptor sub-TLVs: at most one of each, in ascending order (RFC 9552 §5.2.1.4), of
/// the length their type has (IGP Router-ID by protocol, RFC 9552 §5.2.1.4).
fn node_descriptors(v: &[u8], proto: u8) -> Result<Vec<NodeDescriptor>, &'static str> {
    let mut out = Vec::new();
    let mut last: Option<u16> = None;
    for (t, v) in tlvs(v)? {
        if last.is_some_and(|l| t <= l) {
            return Err("node descriptor sub-TLVs repeated or not in ascending order");
        }
        last = Some(t);
        out.push(match t {
            tlv::AS => NodeDescriptor::As(u32_of(v).ok_or("AS sub-TLV is not 4 octets")?),
            tlv::BGP_LS_ID => {
                NodeDescriptor::BgpLsId(u32_of(v).ok_or("BGP-LS Identifier is not 4 octets")?)
            }
            tlv::OSPF_AREA => {
                NodeDescriptor::OspfArea(u32_of(v).ok_or("OSPF Area-ID is not 4 octets")?)
            }
            tlv::IGP_ROUTER_ID => {
                let ok = match proto {
                    protocol::ISIS_L1 | protocol::ISIS_L2 => matches!(v.len(), 6 | 7),
                    protocol::OSPFV2 | protocol::OSPFV3 => matches!(v.len(), 4 | 8),
                    _ => !v.is_empty(),
                };
                if !ok {
                    return Err("IGP Router-ID length does not fit the protocol");
                }
                NodeDescriptor::IgpRouterId(v.to_vec())
            }
            _ => NodeDescriptor::Unknown {
                sub_type: t,
                value: v.to_vec(),
            },
        });
    }
    Ok(out)
}

fn v4(v: &[u8], what: &'static str) -> Result<Ipv4Addr, &'static str> {
    <[u8; 4]>::try_from(v).map(Ipv4Addr::from).map_err(|_| what)
}

fn v6(v: &[u8], what: &'static str) -> Result<Ipv6Addr, &'static str> {
    <[u8; 16]>::try_from(v)
        .map(Ipv6Addr::from)
        .map_err(|_| what)
}

/// Decode the body of a known NLRI type (after the RD); `Err` with the reason it is malformed.
fn object(kind: u16, b: &[u8]) -> Result<LsObject, &'static str> {
    let (&protocol, rest) = b.split_first().ok_or("no Protocol-ID")?;
    let (id, rest) = rest.split_first_chunk::<8>().ok_or("no Identifier")?;
    let mut out = Vec::new();
    for (t, v) in tlvs(rest)? {
        out.push(match t {
            tlv::LOCAL_NODE => LsTlv::LocalNode(node_descriptors(v, protocol)?),
            tlv::REMOTE_NODE => LsTlv::RemoteNode(node_descriptors(v, protocol)?),
            tlv::LINK_IDS => {
                let (Some(l), Some(r)) = (v.get(..4).and_then(u32_of), v.get(4..).and_then(u32_of))
                else {
                    return Err("Link Local/Remote Identifiers is not 8 octets");
                };
                LsTlv::LinkIds {
                    local: l,
                    remote: r,
                }
            }
            tlv::IPV4_INTERFACE => LsTlv::Ipv4Interface(v4(v, "IPv4 interface address")?),
            tlv::IPV4_NEIGHBOR => LsTlv::Ipv4Neighbor(v4(v, "IPv4 neighbor address")?),
            tlv::IPV6_INTERFACE => LsTlv::Ipv6Interface(v6(v, "IPv6 interface address")?),
            tlv::IPV6_NEIGHBOR => LsTlv::Ipv6Neighbor(v6(v, "IPv6 neighbor address")?),
            tlv::MULTI_TOPOLOGY => {
                if v.is_empty() || v.len() % 2 != 0 {
                    return Err("Multi-Topology ID length is not a multiple of 2");
                }
                LsTlv::MultiTopology(
                    v.chunks_exact(2)
                        .filter_map(|c| <[u8; 2]>::try_from(c).ok())
                        .map(u16::from_be_bytes)
                        .collect(),
                )
            }
            tlv::OSPF_ROUTE_TYPE => match v {
                [r] => LsTlv::OspfRouteType(*r),
                _ => return Err("OSPF Route Type is not 1 octet"),
            },
            tlv::IP_REACHABILITY => {
                let (&len, prefix) = v.split_first().ok_or("empty IP Reachability")?;
                let max = if kind == nlri_type::IPV6_PREFIX {
                    128
                } else {
                    32
                };
                if len > max || prefix.len() > usize::from(len).div_ceil(8) {
                    return Err("IP Reachability prefix longer than its length or family");
                }
                LsTlv::IpReachability {
                    len,
                    prefix: prefix.to_vec(),
                }
            }
            tlv::SRV6_SID_INFO if kind == nlri_type::SRV6_SID => {
                LsTlv::Srv6Sid(v6(v, "SRv6 SID Information is not 16 octets")?)
            }
            _ => LsTlv::Unknown {
                tlv_type: t,
                value: v.to_vec(),
            },
        });
    }
    // RFC 9552 §8.2.2: the mandatory TLVs of each NLRI type.
    let has = |t: u16| out.iter().any(|x| x.tlv_type() == t);
    if !has(tlv::LOCAL_NODE) {
        return Err("no Local Node Descriptors");
    }
    match kind {
        nlri_type::LINK if !has(tlv::REMOTE_NODE) => return Err("no Remote Node Descriptors"),
        nlri_type::IPV4_PREFIX | nlri_type::IPV6_PREFIX if !has(tlv::IP_REACHABILITY) => {
            return Err("no IP Reachability Information")
        }
        nlri_type::SRV6_SID if !has(tlv::SRV6_SID_INFO) => return Err("no SRv6 SID Information"),
        _ => {}
    }
    Ok(LsObject {
        protocol,
        identifier: u64::from_be_bytes(*id),
        tlvs: out,
    })
}

/// Decode a run of BGP-LS NLRI, appending to `out`; `vpn`: SAFI 72, each NLRI carries a route
/// distinguisher. `Err` only when an NLRI's framing runs past the field.
pub fn decode_into(
    mut b: &[u8],
    add_path: bool,
    vpn: bool,
    out: &mut Vec<BgpLs>,
) -> Result<(), &'static str> {
    while !b.is_empty() {
        let (id, rest) = path_id(b, add_path)?;
        let (kind, rest) = rest
            .split_first_chunk::<2>()
            .ok_or("truncated BGP-LS NLRI header")?;
        let (len, rest) = rest
            .split_first_chunk::<2>()
            .ok_or("truncated BGP-LS NLRI header")?;
        let len = usize::from(u16::from_be_bytes(*len));
        let (Some(mut body), Some(next)) = (rest.get(..len), rest.get(len..)) else {
            return Err("BGP-LS NLRI runs past the attribute");
        };
        let kind = u16::from_be_bytes(*kind);
        let mut rd = None;
        if vpn {
            let (r, after) = RouteDistinguisher::take(body)
                .ok_or("BGP-LS-VPN NLRI shorter than a route distinguisher")?;
            rd = Some(r);
            body = after;
        }
        let body = match kind {
            nlri_type::NODE
            | nlri_type::LINK
            | nlri_type::IPV4_PREFIX
            | nlri_type::IPV6_PREFIX
            | nlri_type::SRV6_SID => match object(kind, body) {
                Ok(o) => LsBody::Typed(o),
                Err(reason) => LsBody::Malformed {
                    data: body.to_vec(),
                    reason,
                },
            },
            _ => LsBody::Raw(body.to_vec()),
        };
        out.push(BgpLs {
            path_id: id,
            nlri_type: kind,
            rd,
            body,
        });
        b = next;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
