//! BGP-LS NLRI (RFC 9552, family `"bgp-ls bgp-ls"` / `"bgp-ls bgp-ls-vpn"`) in ExaBGP 5.0.15's
//! JSON (its `nlri/bgpls/*.py` `json()`):
//!
//! ```text
//! { "ls-nlri-type": "bgpls-node", "l3-routing-topology": 0, "protocol-id": 2,
//!   "node-descriptors": [ { "autonomous-system": 65001 }, { "bgp-ls-identifier": "0" },
//!   { "router-id": "192168000001" } ], "nexthop": "192.0.2.1" }
//! ```
//! Members by NLRI type: Node `node-descriptors nexthop`; Link `local-node-descriptors
//! remote-node-descriptors interface-addresses neighbor-addresses multi-topology-ids
//! link-identifiers` (no next hop; the last Link Identifiers TLV only); IPv4/IPv6 prefix
//! `node-descriptors ip-reachability-tlv ip-reach-prefix nexthop [ospf-route-type]`; SRv6 SID
//! `node-descriptors srv6-sid-descriptors` (an object of `multi-topology-ids` as strings,
//! `srv6-sid` and `generic-tlv-N` lists). A BGP-LS-VPN NLRI ends with `"rd"`. `nexthop` is
//! the MP_REACH_NLRI next hop, `"None"` in a withdrawal. Another NLRI type is `{ "code": N,
//! "parsed": false, "raw": "…" }` (type, length and value in upper-case hex).
//!
//! A node descriptor is one object: `autonomous-system` (a number), `bgp-ls-identifier` (a
//! number as a string), `ospf-area-id` (dotted quad), `router-id` (IS-IS: the System-ID, with
//! its pseudonode octet when present, in lower-case hex, plus `psn` when that octet is not 0;
//! OSPF, Static: the dotted quad, plus `designated-router-id` for an 8-octet value), or
//! `generic-node-descriptor-N` with the octets in hex for other sub-TLVs and for the IGP
//! Router-ID of other protocols. Link and Prefix TLVs ExaBGP does not decode (a Multi-Topology
//! ID of a prefix, …) are not shown, as ExaBGP shows none of them.
//!
//! Differences on purpose: with ADD-PATH each entry has `"path-information"` first (ExaBGP does
//! not show it). A known NLRI type that failed RFC 9552 §8.2.2's checks (ExaBGP resets the
//! session) is `{ "code": N, "parsed": false, "raw": "…", "malformed": "<reason>" }`.

use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use herald_wire::nlri::bgpls::{
    nlri_type, protocol, BgpLs, LsBody, LsObject, LsTlv, NodeDescriptor,
};

use super::{escape, hex_upper, path_id};

fn descriptor(out: &mut String, d: &NodeDescriptor, proto: u8) {
    match d {
        NodeDescriptor::As(a) => {
            let _ = write!(out, "{{ \"autonomous-system\": {a} }}");
        }
        NodeDescriptor::BgpLsId(i) => {
            let _ = write!(out, "{{ \"bgp-ls-identifier\": \"{i}\" }}");
        }
        NodeDescriptor::OspfArea(a) => {
            let _ = write!(out, "{{ \"ospf-area-id\": \"{}\" }}", Ipv4Addr::from(*a));
        }
        NodeDescriptor::IgpRouterId(v) => igp_router_id(out, v, proto),
        NodeDescriptor::Unknown { sub_type, value } => generic(out, *sub_type, value),
    }
}

fn generic(out: &mut String, t: u16, v: &[u8]) {
    let _ = write!(
        out,
        "{{ \"generic-node-descriptor-{t}\": \"0x{}\" }}",
        hex_upper(v)
    );
}

fn igp_router_id(out: &mut String, v: &[u8], proto: u8) {
    match (proto, v.len()) {
        (protocol::ISIS_L1 | protocol::ISIS_L2, 6 | 7) => {
            let _ = write!(out, "{{ \"router-id\": \"{}\"", super::hex_lower(v));
            if let Some(&psn) = v.get(6).filter(|p| **p != 0) {
                let _ = write!(out, ", \"psn\": \"{psn}\"");
            }
            out.push_str(" }");
        }
        // ExaBGP reads the Router-ID of OSPF and of protocols 5 and 227 as an OSPF one.
        (protocol::OSPFV2 | 5 | protocol::OSPFV3 | 227, 4 | 8) => {
            let quad = |o: usize| {
                v.get(o..o + 4)
                    .and_then(|b| <[u8; 4]>::try_from(b).ok())
                    .map(Ipv4Addr::from)
            };
            let _ = write!(
                out,
                "{{ \"router-id\": \"{}\"",
                quad(0).unwrap_or(Ipv4Addr::UNSPECIFIED)
            );
            if let Some(dr) = quad(4) {
                let _ = write!(out, ", \"designated-router-id\": \"{dr}\"");
            }
            out.push_str(" }");
        }
        _ => generic(out, herald_wire::nlri::bgpls::tlv::IGP_ROUTER_ID, v),
    }
}

fn descriptors(out: &mut String, key: &str, ds: &[NodeDescriptor], proto: u8) {
    let _ = write!(out, ", \"{key}\": [ ");
    for (i, d) in ds.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        descriptor(out, d, proto);
    }
    out.push_str(" ]");
}

/// The last TLV of the kind `f` picks, as ExaBGP keeps the last one it reads.
fn last<'a, T>(o: &'a LsObject, f: impl Fn(&'a LsTlv) -> Option<T>) -> Option<T> {
    o.tlvs.iter().rev().find_map(f)
}

fn ip_list(out: &mut String, key: &str, ips: &[IpAddr]) {
    let _ = write!(out, ", \"{key}\": [ ");
    for (i, a) in ips.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "\"{a}\"");
    }
    out.push_str(" ]");
}

fn prefix_text(prefix: &[u8], v6: bool) -> String {
    if v6 {
        let mut a = [0u8; 16];
        a.iter_mut().zip(prefix).for_each(|(d, s)| *d = *s);
        format!("{}", Ipv6Addr::from(a))
    } else {
        let mut a = [0u8; 4];
        a.iter_mut().zip(prefix).for_each(|(d, s)| *d = *s);
        format!("{}", Ipv4Addr::from(a))
    }
}

fn node_descriptors_of(o: &LsObject) -> &[NodeDescriptor] {
    last(o, |t| match t {
        LsTlv::LocalNode(d) => Some(d.as_slice()),
        _ => None,
    })
    .unwrap_or_default()
}

/// Write one BGP-LS NLRI as ExaBGP's JSON object; `nh`: the next hop of an announcement.
pub(crate) fn write_bgpls(out: &mut String, n: &BgpLs, nh: Option<IpAddr>) {
    let o = match &n.body {
        LsBody::Typed(o) => o,
        LsBody::Raw(_) | LsBody::Malformed { .. } => {
            let mut raw = Vec::new();
            n.encode(false, &mut raw);
            let _ = write!(
                out,
                "{{ \"code\": {}, \"parsed\": false, \"raw\": \"{}\"",
                n.nlri_type,
                hex_upper(&raw)
            );
            if let LsBody::Malformed { reason, .. } = &n.body {
                let _ = write!(out, ", \"malformed\": \"{}\"", escape(reason));
            }
            out.push_str(" }");
            return;
        }
    };
    let name = match n.nlri_type {
        nlri_type::NODE => "bgpls-node",
        nlri_type::LINK => "bgpls-link",
        nlri_type::IPV4_PREFIX => "bgpls-prefix-v4",
        nlri_type::IPV6_PREFIX => "bgpls-prefix-v6",
        _ => "bgpls-srv6sid",
    };
    out.push_str("{ ");
    if let Some(id) = n.path_id {
        let _ = write!(out, "\"path-information\": \"{}\", ", path_id(id));
    }
    let _ = write!(
        out,
        "\"ls-nlri-type\": \"{name}\", \"l3-routing-topology\": {}, \"protocol-id\": {}",
        o.identifier, o.protocol
    );
    let nexthop = nh.map_or_else(|| "None".to_string(), |a| a.to_string());
    let proto = o.protocol;
    match n.nlri_type {
        nlri_type::NODE => {
            descriptors(out, "node-descriptors", o.local_node(), proto);
            let _ = write!(out, ", \"nexthop\": \"{nexthop}\"");
        }
        nlri_type::LINK => {
            descriptors(out, "local-node-descriptors", node_descriptors_of(o), proto);
            let remote = last(o, |t| match t {
                LsTlv::RemoteNode(d) => Some(d.as_slice()),
                _ => None,
            });
            descriptors(
                out,
                "remote-node-descriptors",
                remote.unwrap_or_default(),
                proto,
            );
            let pick = |f: fn(&LsTlv) -> Option<IpAddr>| -> Vec<IpAddr> {
                o.tlvs.iter().filter_map(f).collect()
            };
            let ifaces = pick(|t| match t {
                LsTlv::Ipv4Interface(a) => Some(IpAddr::V4(*a)),
                LsTlv::Ipv6Interface(a) => Some(IpAddr::V6(*a)),
                _ => None,
            });
            let neighbors = pick(|t| match t {
                LsTlv::Ipv4Neighbor(a) => Some(IpAddr::V4(*a)),
                LsTlv::Ipv6Neighbor(a) => Some(IpAddr::V6(*a)),
                _ => None,
            });
            ip_list(out, "interface-addresses", &ifaces);
            ip_list(out, "neighbor-addresses", &neighbors);
            out.push_str(", \"multi-topology-ids\": [ ");
            let mts: Vec<String> = o
                .tlvs
                .iter()
                .filter_map(|t| match t {
                    LsTlv::MultiTopology(ids) => ids.first().map(|i| (i & 0x0FFF).to_string()),
                    _ => None,
                })
                .collect();
            out.push_str(&mts.join(", "));
            out.push_str(" ], \"link-identifiers\": [ ");
            if let Some((l, r)) = last(o, |t| match t {
                LsTlv::LinkIds { local, remote } => Some((*local, *remote)),
                _ => None,
            }) {
                let _ = write!(out, "{{ \"link-local-id\": {l}, \"link-remote-id\": {r} }}");
            }
            out.push_str(" ]");
        }
        nlri_type::IPV4_PREFIX | nlri_type::IPV6_PREFIX => {
            descriptors(out, "node-descriptors", node_descriptors_of(o), proto);
            if let Some((len, prefix)) = last(o, |t| match t {
                LsTlv::IpReachability { len, prefix } => Some((*len, prefix.as_slice())),
                _ => None,
            }) {
                let p = prefix_text(prefix, n.nlri_type == nlri_type::IPV6_PREFIX);
                let _ = write!(
                    out,
                    ", \"ip-reachability-tlv\": \"{p}\", \"ip-reach-prefix\": \"{p}/{len}\""
                );
            }
            let _ = write!(out, ", \"nexthop\": \"{nexthop}\"");
            if let Some(r) = last(o, |t| match t {
                LsTlv::OspfRouteType(r) => Some(*r),
                _ => None,
            }) {
                let _ = write!(out, ", \"ospf-route-type\": {r}");
            }
        }
        _ => {
            descriptors(out, "node-descriptors", o.local_node(), proto);
            srv6_sid_descriptors(out, o);
            // ExaBGP shows no route distinguisher for this type.
            out.push_str(" }");
            return;
        }
    }
    if let Some(rd) = &n.rd {
        let _ = write!(out, ", \"rd\": \"{rd}\"");
    }
    out.push_str(" }");
}

/// The descriptors of an SRv6 SID NLRI after its Local Node Descriptors, as ExaBGP groups
/// them: Multi-Topology IDs (as strings), the SID, and other TLVs in hex by type.
fn srv6_sid_descriptors(out: &mut String, o: &LsObject) {
    let mut mts = Vec::new();
    let mut sid = None;
    let mut generic: Vec<(u16, Vec<String>)> = Vec::new();
    for t in &o.tlvs {
        match t {
            LsTlv::LocalNode(_) => {}
            LsTlv::MultiTopology(ids) => {
                mts.push(format!("\"{}\"", ids.first().map_or(0, |i| i & 0x0FFF)))
            }
            LsTlv::Srv6Sid(a) => sid = Some(*a),
            other => {
                let h = format!("\"0x{}\"", hex_upper(&other.value()));
                match generic.iter_mut().find(|(k, _)| *k == other.tlv_type()) {
                    Some((_, l)) => l.push(h),
                    None => generic.push((other.tlv_type(), vec![h])),
                }
            }
        }
    }
    let _ = write!(
        out,
        ", \"srv6-sid-descriptors\": {{\"multi-topology-ids\": [{}]",
        mts.join(", ")
    );
    if let Some(s) = sid {
        let _ = write!(out, ", \"srv6-sid\": \"{s}\"");
    }
    for (t, l) in generic {
        let _ = write!(out, ", \"generic-tlv-{t}\": [{}]", l.join(", "));
    }
    out.push('}');
}
