//! The path attributes of an announced route, in ExaBGP's text (its configuration syntax):
//! ` origin igp as-path ( 65001 65010 ) med 100 community [ 65000:1 65000:2 ]`.

use std::fmt::Write;

use herald_wire::attr::{Aggregator, AsPath, Community, ExtCommunity, PmsiTunnel, SegmentType};
use herald_wire::iana::{attr_flags as F, attr_type as T};
use herald_wire::{Action, AttrValue, Context, Update};

/// AS_TRANS (RFC 6793).
const AS_TRANS: u32 = 23456;

/// ExaBGP's `Attribute.CODE` name of an attribute type (used in error notes).
fn code_name(code: u8) -> std::borrow::Cow<'static, str> {
    let n = match code {
        T::ORIGIN => "origin",
        T::AS_PATH => "as-path",
        T::NEXT_HOP => "next-hop",
        T::MED => "med",
        T::LOCAL_PREF => "local-preference",
        T::ATOMIC_AGGREGATE => "atomic-aggregate",
        T::AGGREGATOR => "aggregator",
        T::COMMUNITIES => "community",
        T::ORIGINATOR_ID => "originator-id",
        T::CLUSTER_LIST => "cluster-list",
        T::MP_REACH_NLRI => "mp-reach-nlri",
        T::MP_UNREACH_NLRI => "mp-unreach-nlri",
        T::EXTENDED_COMMUNITIES => "extended-community",
        T::AS4_PATH => "as4-path",
        T::AS4_AGGREGATOR => "as4-aggregator",
        22 => "pmsi-tunnel",
        23 => "tunnel-encaps",
        25 => "extended-community-ipv6",
        26 => "aigp",
        29 => "bgp-ls",
        32 => "large-community",
        40 => "bgp-prefix-sid",
        c => return format!("unknown-attribute-{c:#x}").into(),
    };
    n.into()
}

/// `( 1 2 ) [ 3 4 ] {( 5 )} {[ 6 ]}`: sequences in parentheses, sets in brackets,
/// confederation segments in braces around them.
fn write_as_path(out: &mut String, p: &AsPath) {
    for (i, s) in p.segments.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let (open, close) = match s.kind {
            SegmentType::Set => ("[", "]"),
            SegmentType::Sequence => ("(", ")"),
            SegmentType::ConfedSequence => ("{(", ")}"),
            SegmentType::ConfedSet => ("{[", "]}"),
        };
        out.push_str(open);
        for a in &s.asns {
            let _ = write!(out, " {a}");
        }
        out.push(' ');
        out.push_str(close);
    }
}

/// Join neighbouring sequences of a rebuilt path, as ExaBGP does.
fn coalesce(p: AsPath) -> AsPath {
    let mut out = AsPath::default();
    for s in p.segments {
        match out.segments.last_mut() {
            Some(last)
                if last.kind == s.kind
                    && matches!(s.kind, SegmentType::Sequence | SegmentType::ConfedSequence) =>
            {
                last.asns.extend(s.asns);
            }
            _ => out.segments.push(s),
        }
    }
    out
}

fn community_text(c: Community) -> String {
    match c.0 {
        0xFFFF_FF01 => "no-export".into(),
        0xFFFF_FF02 => "no-advertise".into(),
        0xFFFF_FF03 => "no-export-subconfed".into(),
        0xFFFF_FF04 => "no-peer".into(),
        0xFFFF_029A => "blackhole".into(),
        _ => format!("{}:{}", c.asn(), c.value()),
    }
}

/// A list as ExaBGP writes it: one item bare, several in `[ … ]`, none as nothing.
fn write_list(out: &mut String, items: &[String]) {
    match items {
        [] => {}
        [one] => out.push_str(one),
        many => {
            out.push_str("[ ");
            out.push_str(&many.join(" "));
            out.push_str(" ]");
        }
    }
}

fn u16at(b: &[u8], i: usize) -> u16 {
    u16::from_be_bytes([
        b.get(i).copied().unwrap_or(0),
        b.get(i + 1).copied().unwrap_or(0),
    ])
}

fn u32at(b: &[u8], i: usize) -> u32 {
    (u32::from(u16at(b, i)) << 16) | u32::from(u16at(b, i + 2))
}

/// An extended community as ExaBGP 5.0.15 names it (route origins in the right order), or
/// `0x` and its 16 hex digits.
pub(crate) fn ext_community_text(c: &ExtCommunity) -> String {
    let b = &c.0;
    let ip = |i| std::net::Ipv4Addr::from(u32at(b, i));
    let [kind, sub, ..] = *b;
    match (kind, sub) {
        (0x00 | 0x40, 0x02) => format!("target:{}:{}", u16at(b, 2), u32at(b, 4)),
        (0x00 | 0x40, 0x03) => format!("origin:{}:{}", u16at(b, 2), u32at(b, 4)),
        (0x01 | 0x41, 0x02) => format!("target:{}:{}", ip(2), u16at(b, 6)),
        (0x01 | 0x41, 0x03) => format!("origin:{}:{}", ip(2), u16at(b, 6)),
        (0x02 | 0x42, 0x02) => format!("target:{}:{}", u32at(b, 2), u16at(b, 6)),
        (0x02 | 0x42, 0x03) => format!("origin:{}:{}", u32at(b, 2), u16at(b, 6)),
        (0x03, 0x0c) => {
            let name = match u16at(b, 6) {
                1 => "L2TPv3",
                2 => "GRE",
                7 => "IP-in-IP",
                8 => "VXLAN",
                9 => "NVGRE",
                10 => "MPLS",
                11 => "MPLS-in-GRE",
                12 => "VXLAN-GPE",
                13 => "MPLS-in-UDP",
                _ => "",
            };
            if name.is_empty() {
                format!("encap:{}", u16at(b, 6))
            } else {
                format!("encap:{name}")
            }
        }
        (0x06, 0x00) => {
            if b.get(2).is_some_and(|f| f & 1 != 0) {
                format!("mac-mobility:{}:sticky", u32at(b, 4))
            } else {
                format!("mac-mobility:{}", u32at(b, 4))
            }
        }
        (0x80, 0x06) => format!("rate-limit:{}", f32::from_bits(u32at(b, 4)) as u64),
        (0x80, 0x07) => {
            let flags = b.get(7).copied().unwrap_or(0);
            let name = match (flags & 2 != 0, flags & 1 != 0) {
                (true, true) => "sample-terminal",
                (true, false) => "sample",
                (false, true) => "terminal",
                (false, false) => "none",
            };
            format!("action {name}")
        }
        (0x80, 0x08) => format!("redirect:{}:{}", u16at(b, 2), u32at(b, 4)),
        (0x80, 0x09) => format!("mark {}", b.get(7).copied().unwrap_or(0) & 0x3f),
        (0x80, 0x0a) => format!(
            "l2info:{}:{}:{}:{}",
            b.get(2).copied().unwrap_or(0),
            b.get(3).copied().unwrap_or(0),
            u16at(b, 4),
            u16at(b, 6)
        ),
        (0x08, 0x00) => "redirect-to-nexthop".into(),
        _ => {
            let mut s = String::with_capacity(18);
            s.push_str("0x");
            for x in b {
                let _ = write!(s, "{x:02X}");
            }
            s
        }
    }
}

fn pmsi_text(p: &PmsiTunnel) -> String {
    let name = match p.tunnel_type {
        0 => "notunnel",
        1 => "rsvp-te-p2mp",
        2 => "mldp-p2mp",
        3 => "pim-ssm",
        4 => "pim-sm",
        5 => "bidir-pim",
        6 => "ingressreplication",
        7 => "mldp-mp2mp",
        _ => "unknown",
    };
    let id = match <[u8; 4]>::try_from(p.tunnel_id.as_slice()) {
        Ok(a) => std::net::Ipv4Addr::from(a).to_string(),
        Err(_) => match <[u8; 16]>::try_from(p.tunnel_id.as_slice()) {
            Ok(a) => std::net::Ipv6Addr::from(a).to_string(),
            Err(_) => lower_hex(&p.tunnel_id),
        },
    };
    format!("pmsi:{name}:{}:{}({}):{id}", p.flags, p.label >> 4, p.label)
}

fn lower_hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * b.len());
    s.push_str("0x");
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

fn write_aggregator(out: &mut String, a: &Aggregator) {
    let _ = write!(out, " aggregator ( {}:{} )", a.asn, a.address);
}

/// Append the attributes of `u` as ExaBGP writes them after an announced route: each as
/// ` name value`, in type-code order, NEXT_HOP and the MP attributes left out. AS4_PATH and
/// AS4_AGGREGATOR are folded into AS_PATH and AGGREGATOR first (RFC 6793 §4.2.3), as ExaBGP
/// does on any session. Nothing is written for an UPDATE without attributes.
pub fn write_attributes(out: &mut String, u: &Update, _ctx: &Context) {
    let agg = match u.get(T::AGGREGATOR) {
        Some(AttrValue::Aggregator(a)) => Some(*a),
        _ => None,
    };
    let has_agg4 = matches!(u.get(T::AS4_AGGREGATOR), Some(AttrValue::As4Aggregator(_)));
    // With both aggregators: a real AS in AGGREGATOR makes both AS4 attributes noise; AS_TRANS
    // there makes AS4_AGGREGATOR the aggregator.
    let as4_noise = has_agg4 && agg.is_some_and(|a| a.asn != AS_TRANS);
    let hide_agg = has_agg4 && !as4_noise && agg.is_some();
    let as4_path = match u.get(T::AS4_PATH) {
        Some(AttrValue::As4Path(p)) if !as4_noise => Some(p),
        _ => None,
    };
    let has_as_path = matches!(u.get(T::AS_PATH), Some(AttrValue::AsPath(_)));

    let mut items: Vec<(u8, String)> = Vec::with_capacity(u.attributes.len());
    for a in &u.attributes {
        let code = a.value.type_code();
        let mut s = String::new();
        match &a.value {
            AttrValue::Origin(o) => {
                let _ = write!(s, " origin {}", o.name());
            }
            AttrValue::AsPath(p) => {
                let merged;
                let p = match as4_path {
                    Some(p4) => {
                        let m = p.merge_as4(p4);
                        merged = if p4.route_len() <= p.route_len() {
                            coalesce(m)
                        } else {
                            m
                        };
                        &merged
                    }
                    None => p,
                };
                // ExaBGP keeps no AS_PATH attribute for an empty one.
                if p.segments.is_empty() {
                    continue;
                }
                s.push_str(" as-path ");
                write_as_path(&mut s, p);
            }
            AttrValue::NextHop(_) | AttrValue::MpReach(_) | AttrValue::MpUnreach(_) => continue,
            AttrValue::Med(v) => {
                let _ = write!(s, " med {v}");
            }
            AttrValue::LocalPref(v) => {
                let _ = write!(s, " local-preference {v}");
            }
            AttrValue::AtomicAggregate => s.push_str(" atomic-aggregate"),
            AttrValue::Aggregator(ag) => {
                if hide_agg {
                    continue;
                }
                write_aggregator(&mut s, ag);
            }
            AttrValue::Communities(c) => {
                let mut c = c.clone();
                c.sort();
                let items: Vec<String> = c.into_iter().map(community_text).collect();
                s.push_str(" community ");
                write_list(&mut s, &items);
            }
            AttrValue::OriginatorId(a) => {
                let _ = write!(s, " originator-id {a}");
            }
            AttrValue::ClusterList(c) => {
                s.push_str(" cluster-list [ ");
                for id in c {
                    let _ = write!(s, "{id} ");
                }
                s.push(']');
            }
            AttrValue::ExtCommunities(c) => {
                let mut c = c.clone();
                c.sort();
                let items: Vec<String> = c.iter().map(ext_community_text).collect();
                s.push_str(" extended-community ");
                write_list(&mut s, &items);
            }
            AttrValue::As4Path(p) => {
                if as4_noise || has_as_path {
                    continue;
                }
                s.push_str(" attribute [ 0x11 0xC0 ");
                write_as_path(&mut s, p);
                s.push_str(" ]");
            }
            AttrValue::As4Aggregator(ag) => {
                if as4_noise {
                    continue;
                }
                write_aggregator(&mut s, ag);
            }
            AttrValue::PmsiTunnel(p) => {
                let _ = write!(s, " pmsi {}", pmsi_text(p));
            }
            AttrValue::Ipv6ExtCommunities(c) => {
                let items: Vec<String> = c
                    .iter()
                    .map(|x| {
                        let mut h = String::with_capacity(42);
                        h.push_str("0x");
                        for b in x.0 {
                            let _ = write!(h, "{b:02X}");
                        }
                        h
                    })
                    .collect();
                s.push_str(" extended-community-ipv6 ");
                write_list(&mut s, &items);
            }
            AttrValue::Aigp(_) => match a.value.aigp_metric() {
                Some(m) => {
                    let _ = write!(s, " aigp 0x{m:016x}");
                }
                None => continue,
            },
            AttrValue::LargeCommunities(c) => {
                let mut c = c.clone();
                c.sort();
                let items: Vec<String> = c
                    .iter()
                    .map(|l| format!("{}:{}:{}", l.global, l.local1, l.local2))
                    .collect();
                s.push_str(" large-community ");
                write_list(&mut s, &items);
            }
            AttrValue::Otc(v) => {
                // Unknown to ExaBGP 5.0.15: written as any unknown attribute.
                let flags = optional_transitive_partial(a.flags);
                let _ = write!(
                    s,
                    " attribute [ 0x{code:02X} 0x{flags:02X} {} ]",
                    lower_hex(&v.to_be_bytes())
                );
            }
            AttrValue::LinkState(ls) => {
                s.push_str(" bgp-ls ");
                crate::json::bgpls_attr::write_link_state(&mut s, ls);
            }
            AttrValue::PrefixSid(p) => match crate::json::mup::prefix_sid_words(p) {
                Some(w) => {
                    let _ = write!(s, " {w}");
                }
                None => {
                    let mut v = Vec::new();
                    p.encode(&mut v);
                    let flags = a.flags & !F::EXTENDED_LENGTH;
                    let _ = write!(
                        s,
                        " attribute [ 0x{code:02X} 0x{flags:02X} {} ]",
                        lower_hex(&v)
                    );
                }
            },
            AttrValue::Unknown { type_code, data } => {
                let flags = a.flags_for_propagation() & !F::EXTENDED_LENGTH;
                let _ = write!(
                    s,
                    " attribute [ 0x{type_code:02X} 0x{flags:02X} {} ]",
                    lower_hex(data)
                );
            }
        }
        items.push((code, s));
    }
    items.sort_by_key(|(t, _)| *t);
    for (_, s) in &items {
        out.push_str(s);
    }
    // RFC 7606 errors, as ExaBGP's internal attributes 0xFFFE (discard) and 0xFFFF
    // (treat-as-withdraw): one of each at most.
    let first = |act: Action| u.errors.iter().find(|e| e.action == act);
    if let Some(e) = first(Action::AttributeDiscard) {
        let _ = write!(out, " error discard due to {}", code_name(e.type_code));
    }
    if let Some(e) = first(Action::TreatAsWithdraw) {
        let _ = write!(
            out,
            " error treat-as-withdraw due to {}",
            code_name(e.type_code)
        );
    }
}

/// The flags ExaBGP shows for an attribute it does not know: as received, Partial set on an
/// optional transitive one, Extended Length cleared.
fn optional_transitive_partial(flags: u8) -> u8 {
    let f = flags & !F::EXTENDED_LENGTH;
    if f & (F::OPTIONAL | F::TRANSITIVE) == F::OPTIONAL | F::TRANSITIVE {
        f | F::PARTIAL
    } else {
        f
    }
}
