//! Flow specifications in ExaBGP 5's JSON (checked against `exabgp decode` 5.0.15):
//!
//! `{ "destination-ipv4": [ "10.0.0.0/24" ], "protocol": [ "=tcp", ">=udp&<=gre" ],
//!    "rd": "65000:1", "next-hop": "10.0.0.1",
//!    "string": "flow destination-ipv4 10.0.0.0/24 protocol [ =tcp >=udp&<=gre ] rd 65000:1 next-hop 10.0.0.1" }`
//!
//! - One JSON string per OR-ed term; a term ANDed with the previous one (and bit) is appended
//!   to it after `&`. In `string`, a component with more than one operator is bracketed.
//! - Numeric operators: `=`, `>`, `>=`, `<`, `<=`, `!=`; `false` / `true` (none / all of
//!   lt, gt, eq), written without their value unless ANDed (ExaBGP writes `&true0`).
//! - Bitmask operators: `=` for match, `!` for not, then the bits named and joined by `+`
//!   (TCP flags: fin syn rst push ack urg ece cwr ns; fragment: dont-fragment (IPv4 only)
//!   is-fragment first-fragment last-fragment). Unnamed fragment bits are left out; unnamed
//!   TCP flag bits add `unknown tcp flag type <value>`, as ExaBGP does.
//! - IPv6 prefixes are `address/length/offset`, the pattern placed at its offset.
//! - Protocol / next-header and ICMP type values are named as ExaBGP names them (the same
//!   tables for IPv4 and IPv6), other values are decimal.
//! - `path-information` (ADD-PATH, which ExaBGP does not decode for flowspec) comes before
//!   `string` when present.

use std::fmt::Write;

use herald_wire::attr::NextHop;
use herald_wire::nlri::flowspec::{component as c, Component, ComponentValue, Op};
use herald_wire::nlri::FlowSpec;

fn name(kind: u8, v6: bool) -> &'static str {
    match (kind, v6) {
        (c::DESTINATION, false) => "destination-ipv4",
        (c::DESTINATION, true) => "destination-ipv6",
        (c::SOURCE, false) => "source-ipv4",
        (c::SOURCE, true) => "source-ipv6",
        (c::PROTOCOL, false) => "protocol",
        (c::PROTOCOL, true) => "next-header",
        (c::PORT, _) => "port",
        (c::DESTINATION_PORT, _) => "destination-port",
        (c::SOURCE_PORT, _) => "source-port",
        (c::ICMP_TYPE, _) => "icmp-type",
        (c::ICMP_CODE, _) => "icmp-code",
        (c::TCP_FLAGS, _) => "tcp-flags",
        (c::PACKET_LENGTH, _) => "packet-length",
        (c::DSCP, false) => "dscp",
        (c::DSCP, true) => "traffic-class",
        (c::FRAGMENT, _) => "fragment",
        (c::FLOW_LABEL, _) => "flow-label",
        _ => "unknown",
    }
}

fn protocol(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "icmp",
        2 => "igmp",
        6 => "tcp",
        8 => "egp",
        17 => "udp",
        46 => "rsvp",
        47 => "gre",
        50 => "esp",
        51 => "ah",
        89 => "ospf",
        94 => "ipip",
        103 => "pim",
        132 => "sctp",
        _ => return None,
    })
}

fn icmp_type(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "echo-reply",
        3 => "unreachable",
        5 => "redirect",
        8 => "echo-request",
        9 => "router-advertisement",
        10 => "router-solicit",
        11 => "time-exceeded",
        12 => "parameter-problem",
        13 => "timestamp",
        14 => "timestamp-reply",
        40 => "photuris",
        41 => "experimental-mobility",
        42 => "extended-echo-request",
        43 => "extended-echo-reply",
        253 => "experimental-one",
        254 => "experimental-two",
        _ => return None,
    })
}

const TCP_FLAGS: [(u64, &str); 9] = [
    (0x01, "fin"),
    (0x02, "syn"),
    (0x04, "rst"),
    (0x08, "push"),
    (0x10, "ack"),
    (0x20, "urg"),
    (0x40, "ece"),
    (0x80, "cwr"),
    (0x100, "ns"),
];

fn bits(kind: u8, v6: bool, v: u64, out: &mut String) {
    let mut parts: Vec<String> = Vec::new();
    if kind == c::TCP_FLAGS {
        parts.extend(
            TCP_FLAGS
                .iter()
                .filter(|(b, _)| v & b != 0)
                .map(|(_, n)| (*n).to_string()),
        );
        if v & !0x1FF != 0 {
            parts.push(format!("unknown tcp flag type {v}"));
        }
    } else {
        let names: &[(u64, &str)] = &[
            (0x01, "dont-fragment"),
            (0x02, "is-fragment"),
            (0x04, "first-fragment"),
            (0x08, "last-fragment"),
        ];
        parts.extend(
            names
                .iter()
                .filter(|(b, _)| v & b != 0 && !(v6 && *b == 0x01))
                .map(|(_, n)| (*n).to_string()),
        );
    }
    out.push_str(&parts.join("+"));
}

fn term(kind: u8, v6: bool, bitmask: bool, o: Op, anded: bool, out: &mut String) {
    if bitmask {
        if o.op & Op::NOT != 0 {
            out.push('!');
        }
        if o.op & Op::MATCH != 0 {
            out.push('=');
        }
        bits(kind, v6, o.value, out);
        return;
    }
    let (op, bare) = match o.op & (Op::LT | Op::GT | Op::EQ) {
        0 => ("false", true),
        1 => ("=", false),
        2 => (">", false),
        3 => (">=", false),
        4 => ("<", false),
        5 => ("<=", false),
        6 => ("!=", false),
        _ => ("true", true),
    };
    out.push_str(op);
    if bare && !anded {
        return;
    }
    let named = match kind {
        c::PROTOCOL => protocol(o.value),
        c::ICMP_TYPE => icmp_type(o.value),
        _ => None,
    };
    match named {
        Some(n) => out.push_str(n),
        None => {
            let _ = write!(out, "{}", o.value);
        }
    }
}

/// The JSON strings of one component and how many operators it has.
fn terms(comp: &Component, v6: bool) -> (Vec<String>, usize) {
    if let Some((a, len)) = comp.ipv4_prefix() {
        return (vec![format!("{a}/{len}")], 1);
    }
    if let Some((a, len, off)) = comp.ipv6_prefix() {
        return (vec![format!("{a}/{len}/{off}")], 1);
    }
    let bitmask = matches!(comp.value, ComponentValue::Bitmask(_));
    let mut v: Vec<String> = Vec::new();
    for &o in comp.ops() {
        match v.last_mut() {
            Some(last) if o.and() => {
                last.push('&');
                term(comp.kind, v6, bitmask, o, true, last);
            }
            _ => {
                let mut s = String::new();
                term(comp.kind, v6, bitmask, o, false, &mut s);
                v.push(s);
            }
        }
    }
    (v, comp.ops().len())
}

/// ExaBGP's text of one flow specification (its `extensive()`, the JSON `"string"`):
/// `flow destination-ipv4 10.0.0.0/24 protocol =tcp rd 65000:1 next-hop 10.0.0.1`.
pub fn flow_string(f: &FlowSpec, v6: bool, nh: Option<&NextHop>) -> String {
    let mut text = String::from("flow");
    for comp in &f.components {
        let (t, ops) = terms(comp, v6);
        let _ = write!(text, " {} ", name(comp.kind, v6));
        if ops > 1 {
            let _ = write!(text, "[ {} ]", t.join(" "));
        } else {
            text.push_str(&t.join(" "));
        }
    }
    if let Some(rd) = f.rd {
        let _ = write!(text, " rd {rd}");
    }
    if let Some(ip) = nh.and_then(NextHop::ip) {
        let _ = write!(text, " next-hop {ip}");
    }
    text
}

/// Write one flow specification object; `nh`: the MP_REACH next hop (announcements only).
pub(super) fn write_flow(out: &mut String, f: &FlowSpec, v6: bool, nh: Option<&NextHop>) {
    let mut text = String::from("flow");
    out.push_str("{ ");
    for (i, comp) in f.components.iter().enumerate() {
        let (t, ops) = terms(comp, v6);
        let n = name(comp.kind, v6);
        if i > 0 {
            out.push_str(", ");
        }
        let quoted: Vec<String> = t
            .iter()
            .map(|s| format!("\"{}\"", super::escape(s)))
            .collect();
        let _ = write!(out, "\"{n}\": [ {} ]", quoted.join(", "));
        let _ = write!(text, " {n} ");
        if ops > 1 {
            let _ = write!(text, "[ {} ]", t.join(" "));
        } else {
            text.push_str(&t.join(" "));
        }
    }
    let field = |out: &mut String, k: &str, v: &str| {
        if out.ends_with("{ ") {
            let _ = write!(out, "\"{k}\": \"{v}\"");
        } else {
            let _ = write!(out, ", \"{k}\": \"{v}\"");
        }
    };
    if let Some(rd) = f.rd {
        let rd = rd.to_string();
        field(out, "rd", &rd);
        let _ = write!(text, " rd {rd}");
    }
    if let Some(ip) = nh.and_then(NextHop::ip) {
        let ip = ip.to_string();
        field(out, "next-hop", &ip);
        let _ = write!(text, " next-hop {ip}");
    }
    if let Some(id) = f.path_id {
        field(out, "path-information", &super::path_id(id).to_string());
    }
    field(out, "string", &super::escape(&text));
    out.push_str(" }");
}
