//! The BGP Prefix-SID attribute (RFC 8669, RFC 9252) in ExaBGP's words, on any route:
//!
//! ```text
//! bgp-prefix-sid [ INDEX ]
//! bgp-prefix-sid [ INDEX, [ ( BASE,RANGE ), ( BASE,RANGE ) … ] ]
//! bgp-prefix-sid-srv6 ( l3-service|l2-service SID [BEHAVIOR [ [LBL,LNL,FL,AL,TL,TO] ] ] )
//! ```
//! `INDEX` the label index (0-4294967295, RFC 8669 §3.1), each `( BASE,RANGE )` an
//! Originator SRGB range (24 bits each, RFC 8669 §3.2); `SID` an IPv6 address, `BEHAVIOR` the
//! SRv6 Endpoint Behavior (decimal or `0x` hex, 0-65535; 0xFFFF when left out, as ExaBGP
//! does), then the six lengths of the SID Structure (RFC 9252 §3.2.1, 0-255 each). Commas
//! are separators, as everywhere in the file.
//!
//! Both keywords fill one attribute: `bgp-prefix-sid` sets its Label-Index and SRGB TLVs,
//! `bgp-prefix-sid-srv6` its SRv6 service TLV; writing a keyword again replaces what it set.

use herald_wire::attr::prefix_sid::{
    PrefixSidTlv, SidInformation, SidStructure, Srv6Service, Srv6SubTlv,
};
use herald_wire::attr::PrefixSid;
use herald_wire::{AttrValue, Attribute};

use super::{err, Cursor};
use crate::error::Result;
use crate::lexer::{Kind, Token};
use crate::values::{parse_ip, parse_u32};

fn expect(cur: &mut Cursor<'_, '_>, after: &Token<'_>, kind: Kind, what: &str) -> Result<()> {
    match cur.next() {
        Some(t) if t.kind == kind => Ok(()),
        Some(t) => Err(err(&t, format!("expected {what}"))),
        None => Err(err(after, format!("missing {what} after '{}'", after.text))),
    }
}

fn number(t: &Token<'_>, max: u32, what: &str) -> Result<u32> {
    let v = if let Some(h) = t
        .text
        .strip_prefix("0x")
        .or_else(|| t.text.strip_prefix("0X"))
    {
        u32::from_str_radix(h, 16).ok()
    } else {
        parse_u32(t.text)
    };
    v.filter(|v| *v <= max)
        .ok_or_else(|| err(t, format!("{what} is a number from 0 to {max}")))
}

fn value<'a>(cur: &mut Cursor<'_, 'a>, after: &Token<'_>, what: &str) -> Result<Token<'a>> {
    match cur.next() {
        Some(t) if t.is_value() => Ok(t),
        Some(t) => Err(err(&t, format!("expected {what}"))),
        None => Err(err(after, format!("missing {what} after '{}'", after.text))),
    }
}

/// `bgp-prefix-sid [ INDEX, [ ( BASE,RANGE ) … ] ]` after `kw`: the Label-Index TLV and,
/// when ranges are given, the Originator SRGB TLV.
pub(crate) fn label_index(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<Vec<PrefixSidTlv>> {
    const FORM: &str = "'[ <label-index> ]' or '[ <label-index>, [ ( <base>,<range> ) ] ]'";
    expect(cur, kw, Kind::LBracket, FORM)?;
    let t = value(cur, kw, "a label index")?;
    let index = number(&t, u32::MAX, "a label index")?;
    let mut tlvs = vec![PrefixSidTlv::LabelIndex {
        reserved: 0,
        flags: 0,
        index,
    }];
    let next = cur
        .next()
        .ok_or_else(|| err(&t, "missing ']' after the label index"))?;
    match next.kind {
        Kind::RBracket => return Ok(tlvs),
        Kind::LBracket => {}
        _ => {
            return Err(err(
                &next,
                format!("expected ']' or a list of SRGB ranges: {FORM}"),
            ))
        }
    }
    let mut ranges = Vec::new();
    loop {
        let t = cur
            .next()
            .ok_or_else(|| err(&next, "missing ']' after the SRGB ranges"))?;
        match t.kind {
            Kind::RBracket if !ranges.is_empty() => break,
            Kind::LParen => {
                let b = value(cur, &t, "an SRGB base")?;
                let base = number(&b, (1 << 24) - 1, "an SRGB base")?;
                let r = value(cur, &b, "an SRGB range size")?;
                let range = number(&r, (1 << 24) - 1, "an SRGB range size")?;
                expect(cur, &r, Kind::RParen, "')' after the SRGB range")?;
                ranges.push((base, range));
            }
            _ => return Err(err(&t, "expected '( <base>,<range> )'")),
        }
    }
    expect(cur, kw, Kind::RBracket, "the closing ']'")?;
    tlvs.push(PrefixSidTlv::OriginatorSrgb { flags: 0, ranges });
    Ok(tlvs)
}

/// `bgp-prefix-sid-srv6 ( l3-service|l2-service SID [BEHAVIOR [ [six lengths] ] ] )` after
/// `kw`: the SRv6 service TLV.
pub(crate) fn srv6(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<PrefixSidTlv> {
    expect(cur, kw, Kind::LParen, "'( l3-service|l2-service <sid> … )'")?;
    let kind = value(cur, kw, "l3-service or l2-service")?;
    let l3 = match kind.text {
        "l3-service" => true,
        "l2-service" => false,
        _ => return Err(err(&kind, "expected l3-service or l2-service")),
    };
    let s = value(cur, &kind, "an SRv6 SID (an IPv6 address)")?;
    let sid = match parse_ip(s.text) {
        Some(std::net::IpAddr::V6(a)) => a,
        _ => return Err(err(&s, "an SRv6 SID is an IPv6 address")),
    };
    let mut behavior = 0xffff;
    let mut structure = None;
    let mut t = cur.next().ok_or_else(|| err(&s, "missing ')'"))?;
    if t.is_value() {
        behavior = number(&t, 0xffff, "an SRv6 endpoint behavior")? as u16;
        t = cur.next().ok_or_else(|| err(&t, "missing ')'"))?;
        if t.kind == Kind::LBracket {
            let mut a = [0u8; 6];
            let mut last = t;
            for x in a.iter_mut() {
                last = value(cur, &last, "six SID structure lengths")?;
                *x = number(&last, 255, "a SID structure length")? as u8;
            }
            expect(
                cur,
                &last,
                Kind::RBracket,
                "']' after the six SID structure lengths",
            )?;
            structure = Some(SidStructure::from_array(a));
            t = cur.next().ok_or_else(|| err(&last, "missing ')'"))?;
        }
    }
    if t.kind != Kind::RParen {
        return Err(err(&t, "expected ')'"));
    }
    let service = Srv6Service {
        reserved: 0,
        sub_tlvs: vec![Srv6SubTlv::SidInformation(SidInformation::new(
            sid, behavior, structure,
        ))],
    };
    Ok(if l3 {
        PrefixSidTlv::Srv6L3Service(service)
    } else {
        PrefixSidTlv::Srv6L2Service(service)
    })
}

/// Set the TLVs of one keyword (`srv6`: `bgp-prefix-sid-srv6`) in the route's Prefix-SID
/// attribute, adding the attribute when the route has none yet.
pub(crate) fn set(attrs: &mut Vec<Attribute>, tlvs: Vec<PrefixSidTlv>, srv6: bool) {
    let slot = attrs.iter_mut().find_map(|a| match &mut a.value {
        AttrValue::PrefixSid(p) => Some(p),
        _ => None,
    });
    match slot {
        Some(p) => merge(p, tlvs, srv6),
        None => {
            let mut p = PrefixSid::default();
            merge(&mut p, tlvs, srv6);
            attrs.push(Attribute::new(AttrValue::PrefixSid(Box::new(p))));
        }
    }
}

/// Put `tlvs` into `p` in place of the TLVs of the same keyword (`srv6`: the service TLVs,
/// else the Label-Index and SRGB ones), keeping the attribute's TLVs in type order.
fn merge(p: &mut PrefixSid, tlvs: Vec<PrefixSidTlv>, srv6: bool) {
    p.tlvs.retain(|t| {
        let is_srv6 = matches!(
            t,
            PrefixSidTlv::Srv6L3Service(_) | PrefixSidTlv::Srv6L2Service(_)
        );
        is_srv6 != srv6
    });
    p.tlvs.extend(tlvs);
    p.tlvs.sort_by_key(|t| match t {
        PrefixSidTlv::LabelIndex { .. } => 1,
        PrefixSidTlv::OriginatorSrgb { .. } => 3,
        PrefixSidTlv::Srv6L3Service(_) => 5,
        PrefixSidTlv::Srv6L2Service(_) => 6,
        PrefixSidTlv::Unknown { tlv_type, .. } => *tlv_type,
    });
}
