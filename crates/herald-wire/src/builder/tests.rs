//! The packer: every UPDATE fits, decodes, and together they carry exactly the input.

use super::*;
use crate::attr::{AsPath, AttrValue, Origin};
use crate::message::{frame, Message};
use crate::nlri::Prefix;
use crate::update::Update;
use std::net::Ipv4Addr;

fn attrs(nh: bool) -> Vec<Attribute> {
    let mut v = vec![
        Attribute::new(AttrValue::Origin(Origin::Igp)),
        Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![65001]))),
    ];
    if nh {
        v.push(Attribute::new(AttrValue::NextHop(Ipv4Addr::new(
            192, 0, 2, 1,
        ))));
    }
    v.push(Attribute::new(AttrValue::Med(10)));
    v.push(Attribute::new(AttrValue::LargeCommunities(vec![
        crate::attr::LargeCommunity {
            global: 1,
            local1: 2,
            local2: 3,
        },
    ])));
    v
}

fn v4(n: u32) -> Vec<Prefix> {
    (0..n)
        .map(|i| {
            Prefix::new(ipnet::IpNet::V4(
                ipnet::Ipv4Net::new(Ipv4Addr::from((10 << 24) | (i << 8)), 24).unwrap(),
            ))
        })
        .collect()
}

fn split(out: &[u8], ctx: &Context) -> Vec<Update> {
    let mut rest = out;
    let mut v = Vec::new();
    while !rest.is_empty() {
        let f = frame(rest, ctx.max_message_len).unwrap().unwrap();
        assert!(f.len <= ctx.max_message_len);
        let (m, r) = rest.split_at(f.len);
        match Message::decode(m, ctx).unwrap() {
            Message::Update(u) => {
                assert!(u.errors.is_empty(), "{:?}", u.errors);
                v.push(u)
            }
            other => panic!("{other:?}"),
        }
        rest = r;
    }
    v
}

#[test]
fn ipv4_classic_packing_fills_4096() {
    let ctx = Context::default();
    let block = AttrBlock::new(&attrs(true), &ctx);
    let prefixes = v4(3000);
    let mut out = Vec::new();
    let n = announce(
        &mut out,
        &ctx,
        Family::IPV4_UNICAST,
        None,
        &block,
        &prefixes,
    )
    .unwrap();
    let ups = split(&out, &ctx);
    assert_eq!(ups.len(), n);
    // 4096 - 23 - block = room for (room / 4) /24s.
    let per = (4096 - 23 - block.len()) / 4;
    assert_eq!(n, 3000_usize.div_ceil(per));
    let got: Vec<Prefix> = ups.iter().flat_map(|u| u.nlri.clone()).collect();
    assert_eq!(got, prefixes);
    assert_eq!(ups[0].attributes, attrs(true));
}

#[test]
fn extended_message_packs_into_65535() {
    let ctx = Context {
        max_message_len: 65535,
        ..Context::default()
    };
    let block = AttrBlock::new(&attrs(true), &ctx);
    let mut out = Vec::new();
    let n = announce(
        &mut out,
        &ctx,
        Family::IPV4_UNICAST,
        None,
        &block,
        &v4(20000),
    )
    .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        split(&out, &ctx)
            .iter()
            .map(|u| u.nlri.len())
            .sum::<usize>(),
        20000
    );
}

#[test]
fn ipv6_goes_in_mp_reach_first_rfc7606() {
    // RFC 7606 §5.1: MP_REACH_NLRI is the very first attribute.
    let ctx = Context {
        add_path: vec![Family::IPV6_UNICAST],
        ..Context::default()
    };
    let block = AttrBlock::new(&attrs(false), &ctx);
    let prefixes: Vec<Prefix> = (0..1000u32)
        .map(|i| Prefix {
            path_id: Some(i),
            net: format!("2001:db8:{:x}::/48", i).parse().unwrap(),
        })
        .collect();
    let nh = NextHop::Ipv6("2001:db8::1".parse().unwrap());
    let mut out = Vec::new();
    announce(
        &mut out,
        &ctx,
        Family::IPV6_UNICAST,
        Some(&nh),
        &block,
        &prefixes,
    )
    .unwrap();
    let ups = split(&out, &ctx);
    let mut got = Vec::new();
    for u in &ups {
        let codes: Vec<u8> = u.attributes.iter().map(|a| a.value.type_code()).collect();
        assert_eq!(codes, vec![14, 1, 2, 4, 32]);
        let m = u.mp_reach().unwrap();
        assert_eq!(m.next_hop, nh);
        got.extend_from_slice(m.nlri.prefixes());
    }
    assert_eq!(got, prefixes);
}

#[test]
fn small_mp_reach_uses_a_one_octet_length() {
    let ctx = Context::default();
    let block = AttrBlock::new(&attrs(false), &ctx);
    let mut out = Vec::new();
    let nh = NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1));
    announce(
        &mut out,
        &ctx,
        Family::new(crate::iana::Afi::IPV4, crate::iana::Safi::MULTICAST),
        Some(&nh),
        &block,
        &v4(2),
    )
    .unwrap();
    // Right after the header and the two length fields: MP_REACH_NLRI comes first.
    assert_eq!(&out[23..26], &[0x80, 14, 3 + 1 + 4 + 1 + 8]);
}

#[test]
fn withdrawals_classic_and_mp() {
    let ctx = Context::default();
    let mut out = Vec::new();
    let n = withdraw(&mut out, &ctx, Family::IPV4_UNICAST, &v4(2000));
    let ups = split(&out, &ctx);
    assert_eq!(ups.len(), n);
    assert!(ups.iter().all(|u| u.attributes.is_empty()));
    assert_eq!(ups.iter().map(|u| u.withdrawn.len()).sum::<usize>(), 2000);
    let mut out = Vec::new();
    let p6: Vec<Prefix> = (0..10u32)
        .map(|i| Prefix::new(format!("2001:db8:{i:x}::/48").parse().unwrap()))
        .collect();
    withdraw(&mut out, &ctx, Family::IPV6_UNICAST, &p6);
    let ups = split(&out, &ctx);
    assert_eq!(ups[0].mp_unreach().unwrap().nlri.prefixes(), &p6[..]);
}

#[test]
fn end_of_rib_bytes() {
    let mut out = Vec::new();
    end_of_rib(&mut out, Family::IPV4_UNICAST);
    assert_eq!(out.len(), 23);
    assert_eq!(&out[16..], &[0, 23, 2, 0, 0, 0, 0]);
    let mut out = Vec::new();
    end_of_rib(&mut out, Family::IPV6_UNICAST);
    assert_eq!(&out[16..], &[0, 30, 2, 0, 0, 0, 7, 0x90, 15, 0, 3, 0, 2, 1]);
    let u = split(&out, &Context::default());
    assert_eq!(u[0].end_of_rib(), Some(Family::IPV6_UNICAST));
}

#[test]
fn oversized_attributes_are_refused() {
    let ctx = Context::default();
    let big = vec![Attribute::new(AttrValue::Unknown {
        type_code: 200,
        data: vec![0; 4090],
    })];
    let block = AttrBlock::new(&big, &ctx);
    let mut out = Vec::new();
    assert_eq!(
        announce(&mut out, &ctx, Family::IPV4_UNICAST, None, &block, &v4(1)),
        Err(TooLarge)
    );
}

/// Another family's NLRI, stored encoded, goes into MP_REACH/MP_UNREACH as its octets: an IPv4
/// flow rule "destination 10.0.1.0/24" (RFC 8955) with no next hop, then its withdrawal; with
/// ADD-PATH its path identifier comes first.
#[test]
fn encoded_nlri_byte_for_byte() {
    use crate::nlri::{EncodedNlri, Nlri};
    let flow = Family::new(crate::iana::Afi::IPV4, crate::iana::Safi::FLOW);
    let rule = [Nlri::Encoded(EncodedNlri::new(
        Some(9),
        &[0x05, 0x01, 0x18, 0x0a, 0x00, 0x01],
    ))];
    let block = AttrBlock::new(
        &[Attribute::new(AttrValue::Origin(Origin::Igp))],
        &Context::default(),
    );
    let ctx = Context::default();
    let mut out = Vec::new();
    assert_eq!(announce(&mut out, &ctx, flow, None, &block, &rule), Ok(1));
    assert_eq!(
        hex::encode(&out[16..]),
        concat!(
            "0029", "02", "0000", "0012", "800e0b", "0001", "85", "00", "00", "050118", "0a0001",
            "40010100",
        )
    );
    let mut out = Vec::new();
    assert_eq!(withdraw(&mut out, &ctx, flow, &rule), 1);
    assert_eq!(
        hex::encode(&out[16..]),
        concat!("0023", "02", "0000", "000c", "800f09", "0001", "85", "050118", "0a0001")
    );
    let ctx = Context {
        add_path: vec![flow],
        ..Context::default()
    };
    let mut out = Vec::new();
    assert_eq!(withdraw(&mut out, &ctx, flow, &rule), 1);
    assert_eq!(
        hex::encode(&out[16..]),
        concat!(
            "0027", "02", "0000", "0010", "800f0d", "0001", "85", "00000009", "050118", "0a0001"
        )
    );
    // And the octets decode back to the rule.
    let u = split(&out, &ctx);
    let mp = u[0].mp_unreach().unwrap();
    assert!(
        matches!(&mp.nlri, crate::NlriList::Flow(f) if f.len() == 1 && f[0].path_id == Some(9))
    );
}
