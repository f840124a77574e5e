//! The generated seed inputs under `fuzz/seeds/<target>/`: messages made by herald-wire's own
//! encoders, byte patterns for `builder`, operation sequences for `session_fsm`.
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
use herald_wire_fuzz::fsm::{self, asn, flag, Cap, Cfg, Op, OpenSpec};
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

/// `session_fsm`: a configuration and operations, in `herald_wire_fuzz::fsm`'s format.
fn session_seeds() -> Vec<(&'static str, Cfg, Vec<Op>)> {
    // AS 65001, 1.1.1.1, expecting AS 65002; IPv4 and IPv6 unicast, route refresh, extended
    // message; hold time 90 s; retry 2 s doubling to 60 s; OPEN wait 240 s.
    let base = Cfg {
        flags: flag::ASN4 | flag::ROUTE_REFRESH | flag::EXTENDED_MESSAGE,
        families: 0b0101,
        add_path: 0,
        local_as: 65001,
        peer_as: 65002,
        router_id: u32::from(Ipv4Addr::new(1, 1, 1, 1)),
        hold_time: 90,
        gr_time: 120,
        connect_retry_ms: 1999,
        connect_retry_max_ms: 58_000,
        open_hold_s: 240,
        attempts: 0,
        seed: 1,
    };
    // The peer, 2.2.2.2, offering the same.
    let peer = |hold: u16, extra: Vec<Cap>| {
        let mut caps = vec![
            Cap::FourOctetAs,
            Cap::Multiprotocol(0),
            Cap::Multiprotocol(2),
            Cap::RouteRefresh,
            Cap::EnhancedRouteRefresh,
            Cap::ExtendedMessage,
        ];
        caps.extend(extra);
        OpenSpec {
            asn: asn::PEER,
            raw_as: 0,
            hold,
            id: 0,
            raw_id: u32::from(Ipv4Addr::new(2, 2, 2, 2)),
            version: 0,
            caps,
        }
    };
    let gr_cap = || Cap::GracefulRestart(0x8, 120, vec![(0, 0x80), (2, 0x80)]);
    let text = |s: &str| s.as_bytes().to_vec();
    let open_body = {
        let o = Open::new(
            65002,
            90,
            Ipv4Addr::new(2, 2, 2, 2),
            vec![
                Capability::FourOctetAs(65002),
                Capability::Multiprotocol {
                    family: Family::IPV4_UNICAST,
                    reserved: 0,
                },
                Capability::ExtendedMessage,
            ],
        );
        let mut b = Vec::new();
        o.encode_body(&mut b);
        b
    };

    vec![
        (
            "establish_outbound",
            base.clone(),
            vec![
                Op::Start,
                Op::Connected,
                Op::Open(peer(90, vec![])),
                Op::Keepalive,
                Op::Update(1),
                Op::Update(4),
                Op::RouteRefresh(0, 0),
                Op::Advance(30_000),
                Op::Keepalive,
                Op::Advance(30_000),
                // MP_REACH_NLRI with a /33: reset with 3/10, then reconnect.
                Op::Update(2),
                Op::Deadline,
                Op::Connected,
                Op::Open(peer(90, vec![])),
                Op::Keepalive,
                Op::Stop(2, text("maintenance")),
                Op::Start,
            ],
        ),
        (
            "hold_expiry",
            base.clone(),
            vec![
                Op::Start,
                Op::Connected,
                Op::Open(peer(9, vec![])),
                Op::Keepalive,
                Op::Deadline,
                Op::Deadline,
                Op::Deadline,
                Op::Deadline,
                Op::ConnectFailed,
                Op::Deadline,
                Op::Connected,
                Op::Notification(6, 2, text("\x05later")),
            ],
        ),
        (
            "collision",
            base.clone(),
            vec![
                Op::Start,
                Op::Connected,
                Op::Incoming,
                // 2.2.2.2 > 1.1.1.1: the peer's connection wins.
                Op::Collision(peer(90, vec![])),
                Op::Keepalive,
                Op::Update(1),
                Op::Incoming,
                Op::Closed,
                Op::Deadline,
                Op::Connected,
                Op::Incoming,
                Op::Closed,
                Op::Collision(peer(90, vec![])),
                Op::Keepalive,
            ],
        ),
        (
            "graceful_restart",
            Cfg {
                flags: base.flags | flag::GRACEFUL_RESTART | flag::RESTARTING,
                ..base.clone()
            },
            vec![
                Op::Start,
                Op::Connected,
                Op::Open(peer(90, vec![gr_cap()])),
                Op::Keepalive,
                // The peer restarted: its new connection replaces the established session.
                Op::Incoming,
                Op::Collision(peer(90, vec![gr_cap()])),
                Op::Keepalive,
                Op::Closed,
                Op::Deadline,
                Op::Connected,
            ],
        ),
        (
            "passive_ibgp",
            Cfg {
                flags: flag::PASSIVE | flag::ASN4 | flag::PEER_AS_ANY | flag::IDENTITY,
                families: 0b0001,
                add_path: 0b11,
                ..base.clone()
            },
            vec![
                Op::Start,
                Op::Incoming,
                Op::Open(OpenSpec {
                    asn: asn::LOCAL,
                    hold: 0,
                    raw_id: u32::from(Ipv4Addr::new(3, 3, 3, 3)),
                    caps: vec![Cap::FourOctetAs, Cap::AddPath(0, 3)],
                    ..OpenSpec::default()
                }),
                Op::Keepalive,
                Op::Update(3),
                Op::Update(5),
                Op::Advance(3_600_000),
                Op::Cease(4, false),
                Op::Deadline,
                Op::Incoming,
                Op::Stop(2, text("bye")),
                Op::Incoming,
            ],
        ),
        (
            "retry_give_up",
            Cfg {
                attempts: 3,
                ..base.clone()
            },
            vec![
                Op::Start,
                Op::ConnectFailed,
                Op::Deadline,
                Op::ConnectFailed,
                Op::Deadline,
                Op::Connected,
                // Wrong AS: 2/2.
                Op::Open(OpenSpec {
                    asn: 2,
                    raw_as: 64999,
                    ..peer(90, vec![])
                }),
                Op::Deadline,
                Op::ConnectFailed,
                Op::Incoming,
                Op::Start,
                Op::Connected,
            ],
        ),
        (
            "wire",
            base,
            vec![
                Op::Start,
                Op::Connected,
                Op::Framed(1, open_body),
                Op::Framed(4, Vec::new()),
                Op::Framed(5, vec![0, 1, 0, 1]),
                Op::Big(2, 5000, 0),
                Op::Deadline,
                Op::Connected,
                Op::Wire(vec![0xff; 19]),
                Op::Deadline,
                Op::Connected,
                Op::Framed(9, Vec::new()),
            ],
        ),
    ]
}

/// (name, input) for `bmp_decode`: one of each BMP message type, made by herald-bmp.
fn bmp_seeds() -> Vec<(&'static str, Vec<u8>)> {
    use herald_bmp::{info, stat, termination, PeerDownReason, PeerHeader, PeerUp, Stat, Tlv};
    let ctx = context(0);
    let v4 = PeerHeader::global(
        "192.0.2.1".parse().expect("ip"),
        65001,
        "192.0.2.1".parse().expect("id"),
        1_700_000_000,
        1,
    );
    let mut v6 = v4.clone();
    v6.address = "2001:db8::1".parse().expect("ip");
    v6.flags = herald_bmp::flag::A;
    let open = |asn| Message::Open(Open::new(asn, 90, Ipv4Addr::new(10, 0, 0, 1), vec![]));
    let mut block = Vec::new();
    builder::announce(
        &mut block,
        &ctx,
        Family::IPV4_UNICAST,
        None,
        &AttrBlock::new(&attrs(Some(Ipv4Addr::new(192, 0, 2, 1))), &ctx),
        &[p("10.0.0.0/8"), p("192.0.2.0/24")],
    )
    .expect("fits");
    let cease = Message::Notification(Notification::new(6, 2, Vec::new())).to_bytes(&ctx);
    let one = |m: herald_bmp::Message| m.to_bytes();
    vec![
        (
            "initiation",
            one(herald_bmp::Message::Initiation(vec![
                Tlv::text(info::SYS_DESCR, "herald"),
                Tlv::text(info::SYS_NAME, "r1"),
            ])),
        ),
        (
            "peer_up",
            one(herald_bmp::Message::PeerUp(Box::new(PeerUp {
                peer: v4.clone(),
                local_address: "192.0.2.2".parse().expect("ip"),
                local_port: 179,
                remote_port: 50000,
                sent_open: open(65002).to_bytes(&ctx),
                received_open: open(65001).to_bytes(&ctx),
                information: vec![Tlv::text(info::STRING, "up")],
            }))),
        ),
        (
            "route_monitoring",
            one(herald_bmp::Message::RouteMonitoring {
                peer: v4.clone(),
                update: block,
            }),
        ),
        (
            "route_monitoring_v6_as2",
            one(herald_bmp::Message::RouteMonitoring {
                peer: v6.clone(),
                update: Message::Update(herald_wire::Update::end_of_rib_for(Family::IPV6_UNICAST))
                    .to_bytes(&ctx),
            }),
        ),
        (
            "statistics",
            one(herald_bmp::Message::Statistics {
                peer: v4.clone(),
                stats: vec![
                    Stat::gauge(stat::ADJ_RIB_IN_ROUTES, 2),
                    Stat::family_gauge(stat::ADJ_RIB_IN_FAMILY_ROUTES, 1, 1, 2),
                    Stat::counter(stat::TREAT_AS_WITHDRAW_UPDATES, 0),
                ],
            }),
        ),
        (
            "peer_down",
            [
                PeerDownReason::LocalNotification(cease.clone()),
                PeerDownReason::RemoteNotification(cease),
                PeerDownReason::LocalNoNotification(1),
                PeerDownReason::RemoteNoData,
            ]
            .into_iter()
            .flat_map(|reason| {
                one(herald_bmp::Message::PeerDown {
                    peer: v6.clone(),
                    reason,
                })
            })
            .collect(),
        ),
        (
            "termination",
            one(herald_bmp::Message::Termination(vec![Tlv {
                kind: termination::REASON,
                value: termination::ADMINISTRATIVELY_CLOSED.to_be_bytes().to_vec(),
            }])),
        ),
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
    for (name, input) in bmp_seeds() {
        files.push((dir.join("bmp_decode").join(name), input));
    }
    for (name, cfg, ops) in session_seeds() {
        files.push((dir.join("session_fsm").join(name), fsm::encode(&cfg, &ops)));
    }
    files
}

#[test]
fn session_seeds_decode_to_what_was_encoded() {
    for (name, cfg, ops) in session_seeds() {
        assert_eq!(fsm::decode(&fsm::encode(&cfg, &ops)), (cfg, ops), "{name}");
    }
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

#[test]
fn bmp_seeds_decode_cleanly() {
    for (name, input) in bmp_seeds() {
        let mut rest = input.as_slice();
        while !rest.is_empty() {
            let len = herald_bmp::frame(rest)
                .expect(name)
                .unwrap_or_else(|| panic!("{name}: a partial message"));
            let (m, tail) = rest.split_at(len);
            herald_bmp::Message::decode(m).expect(name);
            rest = tail;
        }
    }
}
