//! The BGP-LS Attribute (RFC 9552 §5.3) in ExaBGP 5.0.15's JSON (its `attribute/bgpls/*.py`):
//! `"bgp-ls": { "node-name": "r1", "local-te-router-ids": ["192.0.2.1"], … }`.
//!
//! One member per TLV, in wire order, with ExaBGP's names and value shapes: flag octets as an
//! object of bit names to 0/1 (reserved bits folded into one `"RSV": 0`); names and opaque
//! values as text (invalid UTF-8 replaced); the IS-IS area as the decimal of its octets in a
//! string; bandwidths as numbers (IEEE singles widened, so `1250000000.0`); SIDs as numbers
//! (3-octet labels with V and L set, a 4-octet index with neither) or, for other flag
//! combinations, hex under `undecoded-sids`. The TLVs ExaBGP merges are merged: local TE router
//! IDs (1028 and 1029) into one `local-te-router-ids` list, LAN adjacency SIDs into
//! `sr-adj-lan-sids`, SRv6 End.X and LAN End.X SIDs into `srv6-endx` / `srv6-lan-endx-isis` /
//! `srv6-lan-endx-ospf`, and unknown TLVs of one type into `generic-lsid-N` (hex strings). The
//! others repeat their key when the TLV repeats (two adjacency SIDs: two `sr-adj` members), as
//! ExaBGP writes them.
//!
//! Difference on purpose: a bandwidth that is not a finite number is `null` (ExaBGP writes
//! `NaN`, which is not JSON).

use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use herald_wire::attr::bgpls::{LinkState, LsAttrTlv};

use super::{escape, hex_lower, hex_upper};

const RSV: &str = "RSV";
const NODE_FLAGS: [&str; 8] = ["O", "T", "E", "B", "R", "V", RSV, RSV];
const SR_CAP_FLAGS: [&str; 8] = ["I", "V", RSV, RSV, RSV, RSV, RSV, RSV];
const PROTECTION: [&str; 8] = [
    "ExtraTrafic",
    "Unprotected",
    "Shared",
    "Dedicated 1:1",
    "Dedicated 1+1",
    "Enhanced",
    RSV,
    RSV,
];
const MPLS_MASK: [&str; 8] = ["LDP", "RSVP-TE", RSV, RSV, RSV, RSV, RSV, RSV];
const ADJ_FLAGS: [&str; 8] = ["F", "B", "V", "L", "S", "P", RSV, RSV];
const SRV6_ENDX_FLAGS: [&str; 8] = ["B", "S", "P", RSV, RSV, RSV, RSV, RSV];
const IGP_FLAGS: [&str; 8] = ["D", "N", "L", "P", RSV, RSV, RSV, RSV];
const PREFIX_SID_FLAGS: [&str; 8] = ["R", "N", "P", "E", "V", "L", RSV, RSV];
const LOCATOR_FLAGS: [&str; 8] = ["D", RSV, RSV, RSV, RSV, RSV, RSV, RSV];
const PREFIX_ATTR_FLAGS: [&str; 8] = ["X", "R", "N", RSV, RSV, RSV, RSV, RSV];

/// `{"O": 0, "T": 1, …}`: the bits of `b`, most significant first.
fn flags(b: u8, names: &[&str; 8]) -> String {
    let mut s = String::from("{");
    let mut rsv = false;
    for (i, n) in names.iter().enumerate() {
        if *n == RSV {
            if rsv {
                continue;
            }
            rsv = true;
        }
        if s.len() > 1 {
            s.push_str(", ");
        }
        let bit = if *n == RSV { 0 } else { (b >> (7 - i)) & 1 };
        let _ = write!(s, "\"{n}\": {bit}");
    }
    s.push('}');
    s
}

fn text(v: &[u8]) -> String {
    format!("\"{}\"", escape(&String::from_utf8_lossy(v)))
}

/// An IEEE single as a JSON number the way Python prints the float it widens to.
fn single(bits: u32) -> String {
    let f = f64::from(f32::from_bits(bits));
    if f.is_finite() {
        format!("{f:?}")
    } else {
        "null".to_string()
    }
}

fn list<T: std::fmt::Display>(v: impl IntoIterator<Item = T>) -> String {
    let items: Vec<String> = v.into_iter().map(|x| x.to_string()).collect();
    format!("[{}]", items.join(", "))
}

/// The decimal value of big-endian octets of any length.
fn decimal(v: &[u8]) -> String {
    let mut digits: Vec<u8> = vec![0]; // little-endian base 10
    for &byte in v {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            let x = u32::from(*d) * 256 + carry;
            *d = (x % 10) as u8;
            carry = x / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

/// SIDs as ExaBGP reads them after the flags: (numbers, undecoded hex).
fn sids(flags: u8, v_bit: u8, l_bit: u8, sid: &[u8]) -> (String, String) {
    let (v, l) = (flags & v_bit != 0, flags & l_bit != 0);
    let nums: Vec<u32> = match (v, l) {
        (true, true) => sid
            .chunks_exact(3)
            .map(|c| c.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b)))
            .collect(),
        (false, false) => sid
            .chunks_exact(4)
            .filter_map(|c| <[u8; 4]>::try_from(c).ok())
            .map(u32::from_be_bytes)
            .collect(),
        _ => Vec::new(),
    };
    let undecoded = if v != l && !sid.is_empty() {
        format!("[\"0x{}\"]", hex_upper(sid))
    } else {
        "[]".to_string()
    };
    (list(nums), undecoded)
}

fn u16_at(v: &[u8], at: usize) -> u16 {
    v.get(at..at + 2)
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map_or(0, u16::from_be_bytes)
}

fn octet(v: &[u8], at: usize) -> u8 {
    v.get(at).copied().unwrap_or(0)
}

fn ipv6_at(v: &[u8], at: usize) -> Ipv6Addr {
    v.get(at..at + 16)
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .map_or(Ipv6Addr::UNSPECIFIED, Ipv6Addr::from)
}

fn sid_structure(v: &[u8]) -> String {
    format!(
        "{{\"loc_block_len\": {}, \"loc_node_len\": {}, \"func_len\": {}, \"arg_len\": {}}}",
        octet(v, 0),
        octet(v, 1),
        octet(v, 2),
        octet(v, 3)
    )
}

/// An SRv6 End.X SID (1106) or LAN End.X SID (1107 IS-IS, 1108 OSPFv3) as ExaBGP's object.
fn srv6_endx(v: &[u8], kind: u16) -> String {
    let mut s = format!("{{\"flags\": {}", flags(octet(v, 2), &SRV6_ENDX_FLAGS));
    let sid_at = match kind {
        1107 => {
            let _ = write!(
                s,
                ", \"neighbor-id\": \"{}\"",
                hex_lower(v.get(6..12).unwrap_or_default())
            );
            12
        }
        1108 => {
            let n = v
                .get(6..10)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map_or(Ipv4Addr::UNSPECIFIED, Ipv4Addr::from);
            let _ = write!(s, ", \"neighbor-id\": \"{n}\"");
            10
        }
        _ => 6,
    };
    let _ = write!(
        s,
        ", \"behavior\": {}, \"algorithm\": {}, \"weight\": {}, \"sid\": \"{}\"",
        u16_at(v, 0),
        octet(v, 3),
        octet(v, 4),
        ipv6_at(v, sid_at)
    );
    // Sub-TLVs; a remnant shorter than a header is ignored, as ExaBGP does.
    let mut rest = v.get(sid_at + 16..).unwrap_or_default();
    while let Some((h, after)) = rest.split_first_chunk::<4>() {
        let (t, l) = (u16_at(h, 0), usize::from(u16_at(h, 2)));
        let Some(val) = after.get(..l) else { break };
        if t == 1252 {
            let _ = write!(s, ", \"srv6-sid-structure\": {}", sid_structure(val));
        } else if kind == 1106 {
            let _ = write!(
                s,
                ", \"subtlv-not-implemented-{t}\": \"0x{}\"",
                hex_upper(val)
            );
        } else {
            let _ = write!(s, ", \"{t}-undecoded\": \"0x{}\"", hex_upper(val));
        }
        rest = after.get(l..).unwrap_or_default();
    }
    s.push('}');
    s
}

/// One member of the `"bgp-ls"` object: a plain `"key": value`, or an item of a merged list.
enum Member {
    Plain(String),
    Merged(String, String),
}

fn member(t: &LsAttrTlv) -> Member {
    use LsAttrTlv as A;
    let plain = |k: &str, v: String| Member::Plain(format!("\"{k}\": {v}"));
    match t {
        A::NodeFlags(f) => plain("node-flags", flags(*f, &NODE_FLAGS)),
        A::NodeOpaque(v) => plain("opaque", text(v)),
        A::NodeName(v) => plain("node-name", text(v)),
        A::IsisArea(v) => plain("area-id", format!("\"{}\"", decimal(v))),
        A::LocalTeRouterId(a) => Member::Merged("local-te-router-ids".into(), format!("\"{a}\"")),
        A::RemoteTeRouterId(a) => plain("remote-te-router-id", format!("\"{a}\"")),
        A::SrCapabilities {
            flags: f, ranges, ..
        } => {
            let r: Vec<String> = ranges
                .iter()
                .map(|r| {
                    let sid = match r.sid.as_slice() {
                        [a, b, c] => u32::from_be_bytes([0, *a, *b, *c]) & 0xFFFFF,
                        s => <[u8; 4]>::try_from(s).map_or(0, u32::from_be_bytes),
                    };
                    format!("[{}, {sid}]", r.size)
                })
                .collect();
            Member::Plain(format!(
                "\"sr-capability-flags\": {}, \"sids\": [{}]",
                flags(*f, &SR_CAP_FLAGS),
                r.join(", ")
            ))
        }
        A::SrAlgorithms(v) if v.is_empty() => plain("sr-algorithms", "[0]".into()),
        A::SrAlgorithms(v) => plain("sr-algorithms", list(v)),
        A::Srv6Capabilities(v) => plain(
            "srv6-capabilities",
            format!("{{\"flags\": {{\"O\": {}}}}}", u16_at(v, 0) & 0x40),
        ),
        A::AdminGroup(v) => plain("admin-group-mask", v.to_string()),
        A::MaxBandwidth(b) => plain("maximum-link-bandwidth", single(*b)),
        A::MaxReservableBandwidth(b) => plain("maximum-reservable-link-bandwidth", single(*b)),
        A::UnreservedBandwidth(b) => {
            plain("unreserved-bandwidth", list(b.iter().map(|b| single(*b))))
        }
        A::TeMetric(v) => plain("te-metric", v.to_string()),
        A::LinkProtection(v) => plain("link-protection-flags", flags((v >> 8) as u8, &PROTECTION)),
        A::MplsMask(f) => plain("mpls-mask", flags(*f, &MPLS_MASK)),
        A::IgpMetric(v) => plain(
            "igp-metric",
            v.iter()
                .fold(0u32, |a, b| (a << 8) | u32::from(*b))
                .to_string(),
        ),
        A::Srlg(v) => plain("shared-risk-link-groups", list(v)),
        A::LinkOpaque(v) => plain("opaque-link", text(v)),
        A::LinkName(v) => plain("link-name", text(v)),
        A::AdjacencySid {
            flags: f,
            weight,
            sid,
            ..
        } => {
            let (nums, undecoded) = sids(*f, 0x20, 0x10, sid);
            plain(
                "sr-adj",
                format!(
                    "{{\"flags\": {}, \"sids\": {nums}, \"weight\": {weight}, \"undecoded-sids\": {undecoded}}}",
                    flags(*f, &ADJ_FLAGS)
                ),
            )
        }
        A::LanAdjacencySid {
            flags: f,
            weight,
            neighbor,
            sid,
            ..
        } => {
            let (nums, undecoded) = sids(*f, 0x20, 0x10, sid);
            Member::Merged(
                "sr-adj-lan-sids".into(),
                format!(
                    "{{\"flags\": {}, \"weight\": {weight}, \"system-id\": \"{}\", \"sids\": {nums}, \"undecoded\": {undecoded}}}",
                    flags(*f, &ADJ_FLAGS),
                    hex_lower(neighbor)
                ),
            )
        }
        A::Srv6EndX(v) => Member::Merged("srv6-endx".into(), srv6_endx(v, 1106)),
        A::Srv6LanEndXIsis(v) => Member::Merged("srv6-lan-endx-isis".into(), srv6_endx(v, 1107)),
        A::Srv6LanEndXOspf(v) => Member::Merged("srv6-lan-endx-ospf".into(), srv6_endx(v, 1108)),
        A::IgpFlags(f) => plain("igp-flags", flags(*f, &IGP_FLAGS)),
        A::RouteTags(v) => plain("igp-route-tags", list(v)),
        A::ExtendedRouteTags(v) => plain("igp-extended-route-tags", list(v)),
        A::PrefixMetric(v) => plain("prefix-metric", v.to_string()),
        A::OspfForwardingAddress(a) => plain("ospf-forwarding-address", format!("\"{a}\"")),
        A::PrefixOpaque(v) => plain("opaque-prefix", text(v)),
        A::PrefixSid {
            flags: f,
            algorithm,
            sid,
            ..
        } => {
            let (nums, undecoded) = sids(*f, 0x08, 0x04, sid);
            Member::Plain(format!(
                "\"sr-prefix-flags\": {}, \"sids\": {nums}, \"undecoded-sids\": {undecoded}, \"sr-algorithm\": {algorithm}",
                flags(*f, &PREFIX_SID_FLAGS)
            ))
        }
        A::Srv6Locator(v) => plain(
            "srv6-locator",
            format!(
                "{{\"flags\": {}, \"algorithm\": {}, \"metric\": {}}}",
                flags(octet(v, 0), &LOCATOR_FLAGS),
                octet(v, 1),
                v.get(4..8)
                    .and_then(|b| <[u8; 4]>::try_from(b).ok())
                    .map_or(0, u32::from_be_bytes)
            ),
        ),
        A::PrefixAttributeFlags(v) => plain(
            "sr-prefix-attribute-flags",
            flags(octet(v, 0), &PREFIX_ATTR_FLAGS),
        ),
        A::SourceRouterId(a) => plain("sr-source-router-id", format!("\"{a}\"")),
        A::Srv6EndpointBehavior(v) => plain(
            "srv6-endpoint-behavior",
            format!(
                "{{\"endpoint-behavior\": {}, \"flags\": [], \"algorithm\": {}}}",
                u16_at(v, 0),
                octet(v, 3)
            ),
        ),
        A::Srv6SidStructure(v) => plain("srv6-sid-structure", sid_structure(v)),
        A::Unknown { tlv_type, value } => Member::Merged(
            format!("generic-lsid-{tlv_type}"),
            format!("\"0x{}\"", hex_upper(value)),
        ),
    }
}

/// Write the value of the `"bgp-ls"` attribute member.
pub(crate) fn write_link_state(out: &mut String, ls: &LinkState) {
    // (key of a merged list, its items) or a plain member, in the order first seen.
    let mut members: Vec<(Option<String>, Vec<String>)> = Vec::new();
    for t in &ls.0 {
        match member(t) {
            Member::Plain(s) => members.push((None, vec![s])),
            Member::Merged(k, item) => {
                match members.iter_mut().find(|(mk, _)| mk.as_deref() == Some(&k)) {
                    Some((_, items)) => items.push(item),
                    None => members.push((Some(k), vec![item])),
                }
            }
        }
    }
    out.push_str("{ ");
    for (i, (k, items)) in members.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match k {
            Some(k) => {
                let _ = write!(out, "\"{k}\": [{}]", items.join(", "));
            }
            None => out.push_str(&items.concat()),
        }
    }
    out.push_str(" }");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_of_octets_matches_integer_value() {
        assert_eq!(decimal(&[0x49, 0x00, 0x01]), "4784129");
        assert_eq!(decimal(&[0]), "0");
        assert_eq!(
            decimal(&[0xff; 17]),
            "87112285931760246646623899502532662132735"
        );
    }

    #[test]
    fn flags_fold_reserved_bits() {
        assert_eq!(
            flags(0xA3, &NODE_FLAGS),
            "{\"O\": 1, \"T\": 0, \"E\": 1, \"B\": 0, \"R\": 0, \"V\": 0, \"RSV\": 0}"
        );
    }

    #[test]
    fn singles_print_as_python_floats() {
        assert_eq!(single(1.25e9f32.to_bits()), "1250000000.0");
        assert_eq!(single(f32::NAN.to_bits()), "null");
    }
}
