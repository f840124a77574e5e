//! The seed inputs under `fuzz/seeds/<target>/`, made from herald-wire's own encoders.
//!
//! `cargo test --manifest-path fuzz/Cargo.toml --test seeds` checks that the committed seeds
//! are the ones this file makes and that each message in them decodes cleanly;
//! with `WRITE_SEEDS=1` it (re)writes them instead.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use herald_wire::attr::{Aggregator, AsPath, Community, LargeCommunity, NextHop, Origin};
use herald_wire::builder::{self, AttrBlock};
use herald_wire::capability::{AddPathMode, GrFamily};
use herald_wire::notification::Notification;
use herald_wire::route_refresh::{RefreshSubtype, RouteRefresh};
use herald_wire::{AttrValue, Attribute, Capability, Family, Message, Open, Prefix};
use herald_wire_fuzz::{context, messages, sel};

fn p(s: &str) -> Prefix {
    Prefix::new(s.parse().expect("prefix"))
}

fn attrs(next_hop: Option<Ipv4Addr>) -> Vec<Attribute> {
    let mut a = vec![
        Attribute::new(AttrValue::Origin(Origin::Igp)),
        Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![
            65001,
            4_200_000_000,
            3356,
        ]))),
    ];
    if let Some(nh) = next_hop {
        a.push(Attribute::new(AttrValue::NextHop(nh)));
    }
    a.extend([
        Attribute::new(AttrValue::Med(10)),
        Attribute::new(AttrValue::LocalPref(100)),
        Attribute::new(AttrValue::Communities(vec![
            Community::new(65001, 1),
            Community::NO_EXPORT,
        ])),
        Attribute::new(AttrValue::LargeCommunities(vec![LargeCommunity {
            global: 4_200_000_000,
            local1: 1,
            local2: 2,
        }])),
    ]);
    a
}

/// (name, selector octet, message stream) for the message targets.
fn message_seeds() -> Vec<(&'static str, u8, Vec<u8>)> {
    let plain = context(0);
    let mut seeds = Vec::new();
    let msg = |m: Message, s: u8| m.to_bytes(&context(s));

    seeds.push(("keepalive", 0, msg(Message::Keepalive, 0)));
    let open = Open::new(
        4_200_000_000,
        90,
        Ipv4Addr::new(192, 0, 2, 1),
        vec![
            Capability::Multiprotocol {
                family: Family::IPV4_UNICAST,
                reserved: 0,
            },
            Capability::Multiprotocol {
                family: Family::IPV6_UNICAST,
                reserved: 0,
            },
            Capability::RouteRefresh,
            Capability::ExtendedMessage,
            Capability::FourOctetAs(4_200_000_000),
            Capability::AddPath(vec![(Family::IPV4_UNICAST, AddPathMode::SendReceive)]),
            Capability::GracefulRestart {
                flags: 8,
                time: 120,
                families: vec![GrFamily {
                    family: Family::IPV4_UNICAST,
                    flags: 0x80,
                }],
            },
            Capability::Fqdn {
                hostname: "herald".into(),
                domain: "example".into(),
            },
        ],
    );
    seeds.push(("open", 0, msg(Message::Open(open), 0)));
    seeds.push((
        "notification",
        0,
        msg(
            Message::Notification(Notification::cease_with_message(2, "maintenance")),
            0,
        ),
    ));
    seeds.push((
        "route_refresh",
        0,
        msg(
            Message::RouteRefresh(RouteRefresh {
                family: Family::IPV6_UNICAST,
                subtype: RefreshSubtype::Begin,
            }),
            0,
        ),
    ));

    let v4 = [
        p("10.0.0.0/24"),
        p("10.0.1.0/24"),
        p("192.0.2.1/32"),
        p("0.0.0.0/0"),
    ];
    let v6 = [p("2001:db8::/32"), p("2001:db8:1::/48"), p("::/0")];
    let nh6 = NextHop::Ipv6("2001:db8::1".parse::<Ipv6Addr>().expect("addr"));

    let block = AttrBlock::new(&attrs(Some(Ipv4Addr::new(192, 0, 2, 254))), &plain);
    let mut b = Vec::new();
    builder::announce(&mut b, &plain, Family::IPV4_UNICAST, None, &block, &v4).expect("fits");
    seeds.push(("update_ipv4", 0, b));

    let block = AttrBlock::new(&attrs(None), &plain);
    let mut b = Vec::new();
    builder::announce(
        &mut b,
        &plain,
        Family::IPV6_UNICAST,
        Some(&nh6),
        &block,
        &v6,
    )
    .expect("fits");
    seeds.push(("update_ipv6", 0, b));

    // ADD-PATH for both families.
    let s = sel::ADD_PATH_V4 | sel::ADD_PATH_V6;
    let ap = context(s);
    let with_id = |ps: &[Prefix]| -> Vec<Prefix> {
        ps.iter()
            .zip(1..)
            .map(|(p, id)| Prefix {
                path_id: Some(id),
                net: p.net,
            })
            .collect()
    };
    let mut b = Vec::new();
    let block = AttrBlock::new(&attrs(Some(Ipv4Addr::new(192, 0, 2, 254))), &ap);
    builder::announce(
        &mut b,
        &ap,
        Family::IPV4_UNICAST,
        None,
        &block,
        &with_id(&v4),
    )
    .expect("fits");
    let block = AttrBlock::new(&attrs(None), &ap);
    builder::announce(
        &mut b,
        &ap,
        Family::IPV6_UNICAST,
        Some(&nh6),
        &block,
        &with_id(&v6),
    )
    .expect("fits");
    seeds.push(("update_add_path", s, b));

    // A 2-octet AS session: AS_TRANS in AS_PATH and AGGREGATOR, the real values in AS4_*.
    let two = context(sel::ASN2);
    let mut a = attrs(Some(Ipv4Addr::new(192, 0, 2, 254)));
    a.push(Attribute::new(AttrValue::Aggregator(Aggregator {
        asn: 4_200_000_000,
        address: Ipv4Addr::new(192, 0, 2, 9),
    })));
    a.push(Attribute::new(AttrValue::As4Path(AsPath::sequence(vec![
        65001,
        4_200_000_000,
        3356,
    ]))));
    a.push(Attribute::new(AttrValue::As4Aggregator(Aggregator {
        asn: 4_200_000_000,
        address: Ipv4Addr::new(192, 0, 2, 9),
    })));
    let block = AttrBlock::new(&a, &two);
    let mut b = Vec::new();
    builder::announce(&mut b, &two, Family::IPV4_UNICAST, None, &block, &v4[..2]).expect("fits");
    seeds.push(("update_asn2", sel::ASN2, b));

    // Withdrawals and End-of-RIB for both families, one stream.
    let mut b = Vec::new();
    builder::withdraw(&mut b, &plain, Family::IPV4_UNICAST, &v4);
    builder::withdraw(&mut b, &plain, Family::IPV6_UNICAST, &v6);
    builder::end_of_rib(&mut b, Family::IPV4_UNICAST);
    builder::end_of_rib(&mut b, Family::IPV6_UNICAST);
    seeds.push(("withdraw_eor", 0, b));
    seeds
}

/// Arbitrary-shaped inputs for the builder target: small, differing in their first octets.
fn builder_seeds() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("zeros", vec![0; 64]),
        ("ones", vec![0xff; 64]),
        ("ramp", (0..=255u8).collect()),
        ("mixed", (0..160u32).map(|i| (i * 37 % 251) as u8).collect()),
    ]
}

fn all() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut files = Vec::new();
    for (name, s, stream) in message_seeds() {
        let mut input = vec![s];
        input.extend_from_slice(&stream);
        for target in ["decode_message", "roundtrip"] {
            files.push((dir.join(target).join(name), input.clone()));
        }
    }
    for (name, input) in builder_seeds() {
        files.push((dir.join("builder").join(name), input));
    }
    files
}

#[test]
fn message_seeds_decode_cleanly() {
    for (name, s, stream) in message_seeds() {
        let ctx = context(s);
        let mut n = 0;
        for m in messages(&stream, ctx.max_message_len) {
            n += m.len();
            match Message::decode(m, &ctx) {
                Ok(Message::Update(u)) => assert!(u.errors.is_empty(), "{name}: {:?}", u.errors),
                Ok(Message::Open(o)) => o.validate().expect(name),
                Ok(_) => {}
                Err(e) => panic!("{name}: {e}"),
            }
        }
        assert_eq!(n, stream.len(), "{name}: trailing octets");
    }
}

#[test]
fn committed_seeds_are_current() {
    let write = std::env::var_os("WRITE_SEEDS").is_some();
    for (path, bytes) in all() {
        if write {
            std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
            std::fs::write(&path, &bytes).expect("write seed");
        } else {
            let have = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (run with WRITE_SEEDS=1)", path.display()));
            assert_eq!(
                have,
                bytes,
                "{} is stale (run with WRITE_SEEDS=1)",
                path.display()
            );
        }
    }
}
