//! The UPDATE builder packs any valid route set into messages that each decode cleanly, fit
//! the negotiated size, and together carry exactly the prefixes given, in order.
//!
//! Input: `arbitrary` data for the context, the family, the attributes and the prefixes; a
//! generated run of prefixes can be added so that one small input spans many messages.
#![no_main]

use std::net::{Ipv4Addr, Ipv6Addr};

use arbitrary::Arbitrary;
use herald_wire::attr::{AsPath, Community, ExtCommunity, LargeCommunity, NextHop, Origin};
use herald_wire::builder::{self, AttrBlock, TooLarge};
use herald_wire::iana::attr_type as T;
use herald_wire::message::HEADER_LEN;
use herald_wire::{AttrValue, Attribute, Context, Family, Message, Prefix};
use herald_wire_fuzz::{context, hex, messages};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Fam {
    /// IPv4 unicast in the classic NLRI field, NEXT_HOP attribute.
    Ipv4Classic,
    /// IPv4 unicast in MP_REACH_NLRI.
    Ipv4Mp,
    Ipv4Multicast,
    Ipv6,
    /// IPv6 with a global and a link-local next hop.
    Ipv6LinkLocal,
    Ipv6Multicast,
}

#[derive(Arbitrary, Debug)]
struct Input {
    ctx: u8,
    fam: Fam,
    withdraw: bool,
    origin: u8,
    as_path: Vec<u32>,
    med: Option<u32>,
    local_pref: Option<u32>,
    communities: Vec<u32>,
    large: Vec<(u32, u32, u32)>,
    ext: Vec<[u8; 8]>,
    /// An optional transitive attribute herald does not know: type 200..=254, raw value.
    unknown: Option<(u8, Vec<u8>)>,
    next_hop: (u32, u128, u128),
    prefixes: Vec<(u128, u8, u32)>,
    /// Extra prefixes: count (up to 4095), base address, length, stride.
    run: (u16, u128, u8, u32),
}

fn prefix(v6: bool, addr: u128, len: u8, path_id: u32, add_path: bool) -> Prefix {
    let path_id = add_path.then_some(path_id);
    let net = if v6 {
        let len = len % 129;
        let keep = usize::from(len).div_ceil(8);
        let mut o = addr.to_be_bytes();
        o.iter_mut().skip(keep).for_each(|b| *b = 0);
        IpNet::V6(Ipv6Net::new(Ipv6Addr::from(o), len).expect("length checked"))
    } else {
        let len = len % 33;
        let keep = usize::from(len).div_ceil(8);
        let mut o = (addr as u32).to_be_bytes();
        o.iter_mut().skip(keep).for_each(|b| *b = 0);
        IpNet::V4(Ipv4Net::new(Ipv4Addr::from(o), len).expect("length checked"))
    };
    Prefix { path_id, net }
}

fuzz_target!(|inp: Input| {
    let ctx = context(inp.ctx);
    let (family, next_hop) = match inp.fam {
        Fam::Ipv4Classic => (Family::IPV4_UNICAST, None),
        Fam::Ipv4Mp => (
            Family::IPV4_UNICAST,
            Some(NextHop::Ipv4(Ipv4Addr::from(inp.next_hop.0))),
        ),
        Fam::Ipv4Multicast => (
            Family::IPV4_MULTICAST,
            Some(NextHop::Ipv4(Ipv4Addr::from(inp.next_hop.0))),
        ),
        Fam::Ipv6 => (
            Family::IPV6_UNICAST,
            Some(NextHop::Ipv6(Ipv6Addr::from(inp.next_hop.1))),
        ),
        Fam::Ipv6LinkLocal => (
            Family::IPV6_UNICAST,
            Some(NextHop::Ipv6LinkLocal(
                Ipv6Addr::from(inp.next_hop.1),
                Ipv6Addr::from(inp.next_hop.2),
            )),
        ),
        Fam::Ipv6Multicast => (
            Family::IPV6_MULTICAST,
            Some(NextHop::Ipv6(Ipv6Addr::from(inp.next_hop.1))),
        ),
    };
    let v6 = family.afi == herald_wire::Afi::IPV6;
    let add_path = ctx.add_path(family);

    let mut prefixes: Vec<Prefix> = inp
        .prefixes
        .iter()
        .map(|&(a, l, id)| prefix(v6, a, l, id, add_path))
        .collect();
    let (count, base, len, stride) = inp.run;
    for i in 0..u128::from(count % 4096) {
        let a = base.wrapping_add(i.wrapping_mul(u128::from(stride) << if v6 { 64 } else { 0 }));
        prefixes.push(prefix(v6, a, len, i as u32, add_path));
    }

    let mut out = Vec::new();
    if inp.withdraw {
        let n = builder::withdraw(&mut out, &ctx, family, &prefixes);
        let got = check_messages(&out, &ctx, n, |u| {
            assert!(u
                .attributes
                .iter()
                .all(|a| a.value.type_code() == T::MP_UNREACH_NLRI));
            assert!(u.nlri.is_empty());
            if family == Family::IPV4_UNICAST {
                u.withdrawn.clone()
            } else {
                let m = u.mp_unreach().expect("MP_UNREACH_NLRI");
                assert_eq!(m.family, family);
                m.nlri.prefixes().to_vec()
            }
        });
        assert_eq!(got, prefixes, "withdrawn prefixes differ\n{}", hex(&out));
        return;
    }

    let mut attrs = vec![
        Attribute::new(AttrValue::Origin(match inp.origin % 3 {
            0 => Origin::Igp,
            1 => Origin::Egp,
            _ => Origin::Incomplete,
        })),
        Attribute::new(AttrValue::AsPath(AsPath::sequence(inp.as_path.clone()))),
    ];
    if next_hop.is_none() {
        // A host address: 0.0.0.0, multicast and class E are no next hop (RFC 4271 §6.3) and
        // the decoder rightly treats them as withdrawn.
        let a = Ipv4Addr::from(inp.next_hop.0);
        let a = if a.is_unspecified() || a.is_multicast() || a.octets()[0] >= 240 {
            Ipv4Addr::new(192, 0, 2, 1)
        } else {
            a
        };
        attrs.push(Attribute::new(AttrValue::NextHop(a)));
    }
    if let Some(m) = inp.med {
        attrs.push(Attribute::new(AttrValue::Med(m)));
    }
    if let Some(l) = inp.local_pref {
        attrs.push(Attribute::new(AttrValue::LocalPref(l)));
    }
    if !inp.communities.is_empty() {
        let c = inp.communities.iter().map(|&c| Community(c)).collect();
        attrs.push(Attribute::new(AttrValue::Communities(c)));
    }
    if !inp.ext.is_empty() {
        let c = inp.ext.iter().map(|&c| ExtCommunity(c)).collect();
        attrs.push(Attribute::new(AttrValue::ExtCommunities(c)));
    }
    if !inp.large.is_empty() {
        let c = inp
            .large
            .iter()
            .map(|&(global, local1, local2)| LargeCommunity {
                global,
                local1,
                local2,
            })
            .collect();
        attrs.push(Attribute::new(AttrValue::LargeCommunities(c)));
    }
    if let Some((t, data)) = &inp.unknown {
        attrs.push(Attribute::new(AttrValue::Unknown {
            type_code: 200 + t % 55,
            data: data.clone(),
        }));
    }
    let block = AttrBlock::new(&attrs, &ctx);

    match builder::announce(&mut out, &ctx, family, next_hop.as_ref(), &block, &prefixes) {
        Ok(n) => {
            let got = check_messages(&out, &ctx, n, |u| {
                let mp = u.mp_reach();
                if next_hop.is_none() {
                    assert!(mp.is_none());
                    u.nlri.clone()
                } else {
                    assert!(u.nlri.is_empty());
                    let m = mp.expect("MP_REACH_NLRI");
                    assert_eq!(m.family, family);
                    assert_eq!(Some(&m.next_hop), next_hop.as_ref());
                    m.nlri.prefixes().to_vec()
                }
            });
            assert_eq!(got, prefixes, "announced prefixes differ\n{}", hex(&out));
        }
        Err(TooLarge) => {
            // Only when the attributes alone overflow the message (even with no prefix to
            // send, as documented), or some prefix cannot fit beside them on its own. The
            // MP_REACH_NLRI header is counted at 4 octets (Extended Length), as the builder
            // reserves it.
            let mp = next_hop
                .as_ref()
                .map_or(0, |nh| 4 + 3 + 1 + nh.wire_len() + 1);
            let fixed = HEADER_LEN + 4 + block.len() + mp;
            assert!(
                fixed > ctx.max_message_len
                    || prefixes
                        .iter()
                        .any(|p| fixed + p.wire_len(add_path) > ctx.max_message_len),
                "TooLarge for a route set that fits: block {} octets",
                block.len()
            );
        }
    }
});

/// Split `out` into messages, check each, and return the prefixes `take` extracts, in order.
fn check_messages(
    out: &[u8],
    ctx: &Context,
    expected: usize,
    take: impl Fn(&herald_wire::Update) -> Vec<Prefix>,
) -> Vec<Prefix> {
    let mut got = Vec::new();
    let mut seen = 0;
    let mut used = 0;
    for msg in messages(out, ctx.max_message_len) {
        assert!(msg.len() <= ctx.max_message_len);
        used += msg.len();
        seen += 1;
        let u = match Message::decode(msg, ctx) {
            Ok(Message::Update(u)) => u,
            other => panic!("not a clean UPDATE: {other:?}\n{}", hex(msg)),
        };
        assert!(
            u.errors.is_empty(),
            "RFC 7606 errors {:?}\n{}",
            u.errors,
            hex(msg)
        );
        let p = take(&u);
        assert!(!p.is_empty(), "an UPDATE without prefixes\n{}", hex(msg));
        got.extend(p);
    }
    assert_eq!(used, out.len(), "trailing octets that do not frame");
    assert_eq!(
        seen, expected,
        "message count differs from the returned count"
    );
    got
}
