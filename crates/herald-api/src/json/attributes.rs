//! The `"attribute"` object of an UPDATE, in ExaBGP's key names and type-code order.

use std::fmt::Write;

use herald_wire::attr::{AsPath, PmsiTunnel, SegmentType};
use herald_wire::iana::attr_flags;
use herald_wire::{AttrValue, Context, Update};

use super::extended::{ext_community_string, ipv6_ext_community_string, u160_decimal};
use super::hex_lower;

fn write_as_path(out: &mut String, p: &AsPath) {
    out.push('{');
    for (i, s) in p.segments.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(
            out,
            "\"{i}\": {{\"element\": \"{}\", \"value\": [",
            s.kind.name()
        );
        for (j, a) in s.asns.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{a}");
        }
        out.push_str("]}");
    }
    out.push('}');
}

fn pmsi_string(p: &PmsiTunnel) -> String {
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
            Err(_) => format!("0x{}", hex_lower(&p.tunnel_id)),
        },
    };
    format!("pmsi:{name}:{}:{}({}):{id}", p.flags, p.label >> 4, p.label)
}

/// Whether a 2-octet session's AS_PATH `p` is rebuilt with the AS4_PATH (RFC 6793 §4.2.3): an
/// AS4_PATH is there, the AGGREGATOR (if any) is AS_TRANS, and the AS4_PATH is not longer.
fn as4_path_merged(u: &Update, p: &AsPath) -> bool {
    use herald_wire::iana::attr_type as T;
    let Some(AttrValue::As4Path(p4)) = u.get(T::AS4_PATH) else {
        return false;
    };
    if let Some(AttrValue::Aggregator(a)) = u.get(T::AGGREGATOR) {
        if a.asn != u32::from(herald_wire::open::AS_TRANS) {
            return false;
        }
    }
    let len = |p: &AsPath| {
        p.segments
            .iter()
            .map(|s| match s.kind {
                SegmentType::Sequence => s.asns.len(),
                SegmentType::Set => 1,
                _ => 0,
            })
            .sum::<usize>()
    };
    len(p4) <= len(p)
}

/// Join neighbouring sequences (and confederation sequences) of a rebuilt path, as ExaBGP does:
/// the AS numbers kept from AS_PATH and the AS4_PATH show as one segment rather than a seam.
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

/// Write the attribute object of `u` (everything but NEXT_HOP and the MP attributes, which
/// appear under `announce`/`withdraw`). On a 2-octet session, AS_PATH and AGGREGATOR are the
/// RFC 6793 reconstruction with AS4_PATH / AS4_AGGREGATOR.
pub fn write_attributes(out: &mut String, u: &Update, ctx: &Context) {
    let mut items: Vec<(u8, String)> = Vec::with_capacity(u.attributes.len());
    for a in &u.attributes {
        let t = a.value.type_code();
        let mut s = String::new();
        match &a.value {
            AttrValue::Origin(o) => {
                let _ = write!(s, "\"origin\": \"{}\"", o.name());
            }
            AttrValue::AsPath(p) => {
                let merged;
                let p = if ctx.asn4 {
                    p
                } else {
                    merged = u
                        .effective_as_path()
                        .map(|m| {
                            if as4_path_merged(u, p) {
                                coalesce(m)
                            } else {
                                m
                            }
                        })
                        .unwrap_or_else(|| p.clone());
                    &merged
                };
                if p.segments.is_empty() {
                    continue;
                }
                s.push_str("\"as-path\": ");
                write_as_path(&mut s, p);
            }
            AttrValue::NextHop(_) | AttrValue::MpReach(_) | AttrValue::MpUnreach(_) => continue,
            AttrValue::Med(v) => {
                let _ = write!(s, "\"med\": {v}");
            }
            AttrValue::LocalPref(v) => {
                let _ = write!(s, "\"local-preference\": {v}");
            }
            AttrValue::AtomicAggregate => s.push_str("\"atomic-aggregate\": true"),
            AttrValue::Aggregator(ag) => {
                let ag = if ctx.asn4 {
                    *ag
                } else {
                    u.effective_aggregator().unwrap_or(*ag)
                };
                let _ = write!(s, "\"aggregator\": \"{}:{}\"", ag.asn, ag.address);
            }
            AttrValue::Communities(c) => {
                // ExaBGP prints communities sorted.
                let mut c = c.clone();
                c.sort();
                s.push_str("\"community\": [ ");
                for (i, c) in c.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    let _ = write!(s, "[ {}, {} ]", c.asn(), c.value());
                }
                s.push_str(" ]");
            }
            AttrValue::OriginatorId(a) => {
                let _ = write!(s, "\"originator-id\": \"{a}\"");
            }
            AttrValue::ClusterList(c) => {
                s.push_str("\"cluster-list\": [ ");
                for (i, c) in c.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    let _ = write!(s, "\"{c}\"");
                }
                s.push_str(" ]");
            }
            AttrValue::ExtCommunities(c) => {
                let mut c = c.clone();
                c.sort();
                s.push_str("\"extended-community\": [ ");
                for (i, c) in c.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    let _ = write!(
                        s,
                        "{{ \"value\": {}, \"string\": \"{}\" }}",
                        c.as_u64(),
                        ext_community_string(c)
                    );
                }
                s.push_str(" ]");
            }
            AttrValue::As4Path(p) => {
                if ctx.asn4 {
                    s.push_str("\"as4-path\": ");
                    write_as_path(&mut s, p);
                } else {
                    continue;
                }
            }
            AttrValue::As4Aggregator(ag) => {
                if ctx.asn4 {
                    let _ = write!(s, "\"as4-aggregator\": \"{}:{}\"", ag.asn, ag.address);
                } else {
                    continue;
                }
            }
            AttrValue::PmsiTunnel(p) => {
                let _ = write!(s, "\"pmsi\": \"{}\"", pmsi_string(p));
            }
            AttrValue::Ipv6ExtCommunities(c) => {
                s.push_str("\"extended-community-ipv6\": [ ");
                for (i, c) in c.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    let _ = write!(
                        s,
                        "{{ \"value\": {}, \"string\": \"{}\" }}",
                        u160_decimal(&c.0),
                        ipv6_ext_community_string(c)
                    );
                }
                s.push_str(" ]");
            }
            AttrValue::Aigp(_) => match a.value.aigp_metric() {
                // ExaBGP prints the metric as 16 hex digits.
                Some(m) => {
                    let _ = write!(s, "\"aigp\": \"0x{m:016x}\"");
                }
                None => continue,
            },
            AttrValue::LargeCommunities(c) => {
                // ExaBGP prints large communities sorted.
                let mut c = c.clone();
                c.sort();
                s.push_str("\"large-community\": [ ");
                for (i, c) in c.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    let _ = write!(s, "[ {}, {} , {} ]", c.global, c.local1, c.local2);
                }
                s.push_str(" ]");
            }
            AttrValue::Otc(v) => {
                let _ = write!(s, "\"otc\": {v}");
            }
            AttrValue::LinkState(ls) => {
                s.push_str("\"bgp-ls\": ");
                super::bgpls_attr::write_link_state(&mut s, ls);
            }
            AttrValue::PrefixSid(p) => {
                s.push_str("\"bgp-prefix-sid\": ");
                super::mup::write_prefix_sid(&mut s, p);
            }
            AttrValue::Unknown { type_code, data } => {
                let _ = write!(
                    s,
                    "\"attribute-0x{:02X}-0x{:02X}\": \"0x{}\"",
                    type_code,
                    a.flags_for_propagation() & !attr_flags::EXTENDED_LENGTH,
                    hex_lower(data)
                );
            }
        }
        items.push((t, s));
    }
    items.sort_by_key(|(t, _)| *t);
    if items.is_empty() {
        out.push_str("{ }");
        return;
    }
    out.push_str("{ ");
    for (i, (_, s)) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(s);
    }
    out.push_str(" }");
}
