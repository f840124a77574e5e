//! MUP NLRI (draft-mpmz-bess-mup-safi) and the BGP Prefix-SID attribute (RFC 8669, RFC 9252)
//! in ExaBGP 5.0.15's JSON (its `nlri/mup/*.py` and `attribute/sr/*.py` `json()`).
//!
//! ```text
//! { "name": "InterworkSegmentDiscoveryRoute", "arch": 1, "code": 1, "prefix_ip_len": 24,
//!   "prefix_ip": "10.0.1.0", "rd": "100:100", "raw": "0100010C…" }
//! "bgp-prefix-sid": { "sr-label-index": 300, "sr-srgbs": [[800000, 4096]] }
//! "bgp-prefix-sid": { "l3-service": [ { "sid": "2001:db8::", "flags": 0,
//!   "endpoint_behavior": 72, "structure": { "locator-block-length": 64, … } } ] }
//! ```
//! MUP members by route type, after `name`, `arch`, `code`: ISD `prefix_ip_len prefix_ip rd`;
//! DSD `ip rd`; Type 1 ST `prefix_ip_len prefix_ip teid qfi rd endpoint_ip_len endpoint_ip
//! source_ip_len source_ip` (TEID and QFI as strings); Type 2 ST `endpoint_len endpoint_ip rd
//! teid` (TEID as a string); then `raw` (architecture, route type, length and value in
//! upper-case hex). Another type is `{ "arch": N, "code": N, "raw": "…" }`.
//!
//! Differences on purpose, where ExaBGP 5.0.15's output is not JSON: a Type 1 ST has the comma
//! ExaBGP leaves out after `endpoint_ip`, and a route without a source address shows
//! `"source_ip": ""` (ExaBGP prints Python's `b''`); an SRv6 SID Information sub-TLV shows
//! the SID, its flags and its behavior (ExaBGP prints the literal `"%s"`, `0` and `%d`). With
//! ADD-PATH each MUP entry has `"path-information"` after `"raw"`, as herald's EVPN routes do.
//! An unknown sub-TLV is `{ "generic-sub-tlv": TYPE }` and an unknown sub-sub-TLV adds
//! `"generic-sub-sub-tlv": TYPE` (ExaBGP's `as_dict` names; its JSON prints nothing for them).

use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr};

use herald_wire::attr::prefix_sid::{PrefixSidTlv, SidSubSubTlv, Srv6Service, Srv6SubTlv};
use herald_wire::attr::PrefixSid;
use herald_wire::nlri::{Mup, MupRoute};

use super::hex_upper;

fn bits(a: &IpAddr) -> u8 {
    if a.is_ipv4() {
        32
    } else {
        128
    }
}

/// Write one MUP NLRI as ExaBGP's JSON object.
pub(crate) fn write_mup(out: &mut String, m: &Mup) {
    let r = &m.route;
    let raw = hex_upper(&m.route_bytes());
    let Some(name) = r.name() else {
        let _ = write!(
            out,
            "{{ \"arch\": {}, \"code\": {}, \"raw\": \"{raw}\"",
            r.arch(),
            r.route_type()
        );
        path_information(out, m);
        out.push_str(" }");
        return;
    };
    let _ = write!(
        out,
        "{{ \"name\": \"{name}\", \"arch\": {}, \"code\": {}",
        r.arch(),
        r.route_type()
    );
    match r {
        MupRoute::Isd { rd, prefix } => {
            let _ = write!(
                out,
                ", \"prefix_ip_len\": {}, \"prefix_ip\": \"{}\", \"rd\": \"{rd}\"",
                prefix.prefix_len(),
                prefix.addr()
            );
        }
        MupRoute::Dsd { rd, address } => {
            let _ = write!(out, ", \"ip\": \"{address}\", \"rd\": \"{rd}\"");
        }
        MupRoute::Type1St {
            rd,
            prefix,
            teid,
            qfi,
            endpoint,
            source,
        } => {
            let _ = write!(
                out,
                ", \"prefix_ip_len\": {}, \"prefix_ip\": \"{}\", \"teid\": \"{teid}\", \"qfi\": \"{qfi}\", \"rd\": \"{rd}\", \"endpoint_ip_len\": {}, \"endpoint_ip\": \"{endpoint}\"",
                prefix.prefix_len(),
                prefix.addr(),
                bits(endpoint),
            );
            match source {
                Some(s) => {
                    let _ = write!(
                        out,
                        ", \"source_ip_len\": {}, \"source_ip\": \"{s}\"",
                        bits(s)
                    );
                }
                None => out.push_str(", \"source_ip_len\": 0, \"source_ip\": \"\""),
            }
        }
        MupRoute::Type2St {
            rd,
            endpoint,
            teid_bits,
            teid,
        } => {
            let _ = write!(
                out,
                ", \"endpoint_len\": {}, \"endpoint_ip\": \"{endpoint}\", \"rd\": \"{rd}\", \"teid\": \"{teid}\"",
                u16::from(bits(endpoint)) + u16::from(*teid_bits)
            );
        }
        MupRoute::Unknown { .. } => {}
    }
    let _ = write!(out, ", \"raw\": \"{raw}\"");
    path_information(out, m);
    out.push_str(" }");
}

fn path_information(out: &mut String, m: &Mup) {
    if let Some(id) = m.path_id {
        let _ = write!(out, ", \"path-information\": \"{}\"", Ipv4Addr::from(id));
    }
}

fn write_service(out: &mut String, key: &str, s: &Srv6Service) {
    let _ = write!(out, "\"{key}\": [ ");
    for (i, sub) in s.sub_tlvs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match sub {
            Srv6SubTlv::SidInformation(info) => {
                let _ = write!(
                    out,
                    "{{ \"sid\": \"{}\", \"flags\": {}, \"endpoint_behavior\": {}",
                    info.sid, info.flags, info.behavior
                );
                for ss in &info.sub_sub_tlvs {
                    match ss {
                        SidSubSubTlv::Structure(st) => {
                            let _ = write!(
                                out,
                                ", \"structure\": {{\"locator-block-length\": {}, \"locator-node-length\": {}, \"function-length\": {}, \"argument-length\": {}, \"transposition-length\": {}, \"transposition-offset\": {}}}",
                                st.locator_block,
                                st.locator_node,
                                st.function,
                                st.argument,
                                st.transposition_len,
                                st.transposition_offset
                            );
                        }
                        SidSubSubTlv::Unknown { sub_type, .. } => {
                            let _ = write!(out, ", \"generic-sub-sub-tlv\": {sub_type}");
                        }
                    }
                }
                out.push_str(" }");
            }
            Srv6SubTlv::Unknown { sub_type, .. } => {
                let _ = write!(out, "{{ \"generic-sub-tlv\": {sub_type} }}");
            }
        }
    }
    out.push_str(" ]");
}

/// The value of `"bgp-prefix-sid"`: one member per TLV, in wire order.
pub(crate) fn write_prefix_sid(out: &mut String, p: &PrefixSid) {
    out.push_str("{ ");
    for (i, t) in p.tlvs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match t {
            PrefixSidTlv::LabelIndex { index, .. } => {
                let _ = write!(out, "\"sr-label-index\": {index}");
            }
            PrefixSidTlv::OriginatorSrgb { ranges, .. } => {
                out.push_str("\"sr-srgbs\": [");
                for (j, (b, r)) in ranges.iter().enumerate() {
                    if j > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "[{b}, {r}]");
                }
                out.push(']');
            }
            PrefixSidTlv::Srv6L3Service(s) => write_service(out, "l3-service", s),
            PrefixSidTlv::Srv6L2Service(s) => write_service(out, "l2-service", s),
            PrefixSidTlv::Unknown { tlv_type, value } => {
                let _ = write!(
                    out,
                    "\"attribute-not-implemented-{tlv_type}\": \"0x{}\"",
                    hex_upper(value)
                );
            }
        }
    }
    out.push_str(" }");
}

/// The attribute in ExaBGP's configuration words, when they can say it:
/// `bgp-prefix-sid [ 300, [ ( 800000,4096 ) ] ]` (a Label-Index TLV and maybe an Originator
/// SRGB, flags and reserved octets zero) or `bgp-prefix-sid-srv6 ( l3-service 2001:db8:: 0x48
/// [64,24,16,0,0,0] )` (one service TLV with one SID, flags and reserved octets zero, and at
/// most a structure); `None` otherwise.
pub(crate) fn prefix_sid_words(p: &PrefixSid) -> Option<String> {
    match p.tlvs.as_slice() {
        [PrefixSidTlv::LabelIndex {
            reserved: 0,
            flags: 0,
            index,
        }, rest @ ..] => {
            let mut s = format!("bgp-prefix-sid [ {index}");
            match rest {
                [] => {}
                [PrefixSidTlv::OriginatorSrgb { flags: 0, ranges }] => {
                    let r: Vec<String> =
                        ranges.iter().map(|(b, r)| format!("( {b},{r} )")).collect();
                    let _ = write!(s, ", [ {} ]", r.join(", "));
                }
                _ => return None,
            }
            s.push_str(" ]");
            Some(s)
        }
        [t @ (PrefixSidTlv::Srv6L3Service(svc) | PrefixSidTlv::Srv6L2Service(svc))] => {
            let kind = match t {
                PrefixSidTlv::Srv6L3Service(_) => "l3-service",
                _ => "l2-service",
            };
            let [Srv6SubTlv::SidInformation(info)] = svc.sub_tlvs.as_slice() else {
                return None;
            };
            if svc.reserved != 0 || info.reserved1 != 0 || info.flags != 0 || info.reserved2 != 0 {
                return None;
            }
            let st = match info.sub_sub_tlvs.as_slice() {
                [] => None,
                [SidSubSubTlv::Structure(st)] => Some(st),
                _ => return None,
            };
            let mut s = format!("bgp-prefix-sid-srv6 ( {kind} {}", info.sid);
            if info.behavior != 0xffff || st.is_some() {
                let _ = write!(s, " 0x{:x}", info.behavior);
            }
            if let Some(st) = st {
                let a = st.to_array();
                let _ = write!(
                    s,
                    " [{},{},{},{},{},{}]",
                    a[0], a[1], a[2], a[3], a[4], a[5]
                );
            }
            s.push_str(" )");
            Some(s)
        }
        _ => None,
    }
}
