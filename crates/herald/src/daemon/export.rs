//! Routes to announce to one neighbor, grouped by attribute set, and their encoding for a
//! negotiated session: ExaBGP's defaults (ORIGIN IGP; IBGP: empty AS_PATH and LOCAL_PREF 100;
//! EBGP: local AS prepended when no AS_PATH was given, no LOCAL_PREF), `next-hop self`, RFC 6793
//! AS4_PATH for 2-octet peers, and RFC 8950 for IPv4 routes with IPv6 next hops.
//!
//! Routes sharing family, next hop and attributes share one group, so each UPDATE carries as many
//! prefixes as fit and each attribute set is encoded once per session.

use std::collections::HashMap;
use std::net::IpAddr;

use herald_config::{AttrSet, NextHopSpec, Route, RouteTable};
use herald_session::Negotiated;
use herald_wire::attr::{AsPath, NextHop, Origin};
use herald_wire::builder::{self, AttrBlock};
use herald_wire::iana::attr_type as T;
use herald_wire::nlri::RouteDistinguisher;
use herald_wire::{Afi, AttrValue, Attribute, Context, Family, Nlri, Safi};

/// The attributes and next hop shared by a group of routes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GroupKey {
    /// The family.
    pub family: Family,
    /// The next hop as configured.
    pub next_hop: NextHopSpec,
    /// Path attributes as configured (without NEXT_HOP and MP attributes).
    pub attributes: AttrSet,
}

/// One attribute set and its prefixes.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// What the prefixes share.
    pub key: GroupKey,
    /// The prefixes (or other families' NLRI).
    pub prefixes: Vec<Nlri>,
}

/// The routes a neighbor announces, grouped.
#[derive(Clone, Debug, Default)]
pub struct Export {
    /// The groups, in first-seen order.
    pub groups: Vec<Group>,
}

impl Export {
    /// The routes of a neighbor's table, grouped: routes marked `withdraw` are left out until
    /// their watchdog announces them; groups come in the order of their first route, each
    /// group's prefixes in route order (see [`RouteTable::groups`]).
    pub fn from_table(table: &RouteTable) -> Export {
        Export {
            groups: table
                .groups()
                .into_iter()
                .map(|g| Group {
                    key: GroupKey {
                        family: g.family,
                        next_hop: g.next_hop,
                        attributes: g.attributes,
                    },
                    prefixes: g.prefixes,
                })
                .collect(),
        }
    }

    /// Number of routes.
    pub fn len(&self) -> usize {
        self.groups.iter().map(|g| g.prefixes.len()).sum()
    }
}

/// Configuration routes tagged `watchdog NAME`, by name (those marked `withdraw` included:
/// they wait for `announce watchdog NAME`).
pub type Watchdogs = HashMap<String, Vec<Route>>;

/// The watchdog routes of a neighbor.
pub fn watchdogs(routes: impl IntoIterator<Item = Route>) -> Watchdogs {
    let mut w = Watchdogs::new();
    for r in routes {
        if let Some(name) = r.watchdog() {
            w.entry(name.to_string()).or_default().push(r);
        }
    }
    w
}

/// What a session contributes to the encoding of routes.
#[derive(Clone, Debug)]
pub struct SessionView {
    /// Our AS.
    pub local_as: u32,
    /// Local address of the TCP connection (for `next-hop self`).
    pub local_address: IpAddr,
    /// Negotiated parameters.
    pub negotiated: Negotiated,
}

impl SessionView {
    fn ebgp(&self) -> bool {
        self.local_as != self.negotiated.peer_as
    }
}

/// Why a group cannot be sent on a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// The peer did not negotiate the family.
    Family(Family),
    /// `next-hop self` has no address of the route's family on this session.
    NoSelfAddress(Family),
    /// An IPv4 route with an IPv6 next hop without RFC 8950 extended next hop.
    NextHopFamily(Family),
    /// The attributes leave no room for a prefix.
    TooLarge,
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::Family(x) => write!(f, "family {x} not negotiated"),
            Skip::NoSelfAddress(x) => write!(
                f,
                "next-hop self: the session has no local address usable for {x}"
            ),
            Skip::NextHopFamily(x) => write!(
                f,
                "{x} route with an IPv6 next hop needs extended next hop (RFC 8950)"
            ),
            Skip::TooLarge => f.write_str("attributes too large for one UPDATE"),
        }
    }
}

/// A group made ready for one session: its attribute block and next hop.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The family.
    pub family: Family,
    /// MP_REACH next hop, or `None` for IPv4 unicast with the classic NEXT_HOP.
    pub mp_next_hop: Option<NextHop>,
    /// The encoded attributes.
    pub block: AttrBlock,
}

/// Apply the session's semantics to a group's attributes and encode them.
pub fn prepare(key: &GroupKey, view: &SessionView, ctx: &Context) -> Result<Prepared, Skip> {
    let family = key.family;
    if !view.negotiated.families.contains(&family) {
        return Err(Skip::Family(family));
    }
    // Flow rules have no next hop unless one is given (redirect to IP, RFC 8955 §7.4 / the
    // redirect-ip draft): an empty next-hop field, as ExaBGP sends.
    let flow = matches!(family.safi, Safi::FLOW | Safi::FLOW_VPN);
    let nh_ip = match key.next_hop {
        NextHopSpec::Ip(ip) => Some(ip),
        NextHopSpec::None if flow => None,
        NextHopSpec::SelfAddr | NextHopSpec::None => Some(match (family.afi, view.local_address) {
            // An MCAST-VPN next hop is of the provider network's family, whatever the route's
            // (RFC 6515): the local address as it is.
            (_, ip) if family.safi == Safi::MCAST_VPN => ip,
            (Afi::IPV4, IpAddr::V4(_)) | (Afi::IPV6, IpAddr::V6(_)) => view.local_address,
            (Afi::IPV6, IpAddr::V4(a)) => IpAddr::V6(a.to_ipv6_mapped()),
            // An L2VPN (EVPN) next hop is the local address of either family (RFC 7432 §7), and
            // so is a MUP one.
            (Afi::L2VPN, ip) => ip,
            (_, ip) if family.safi == Safi::MUP => ip,
            _ => return Err(Skip::NoSelfAddress(family)),
        }),
    };
    let mut attrs: Vec<Attribute> = Vec::with_capacity(key.attributes.len() + 3);
    let ebgp = view.ebgp();
    let has = |t: u8| key.attributes.iter().any(|a| a.value.type_code() == t);
    if !has(T::ORIGIN) {
        attrs.push(Attribute::new(AttrValue::Origin(Origin::Igp)));
    }
    if !has(T::AS_PATH) {
        let path = if ebgp {
            AsPath::sequence(vec![view.local_as])
        } else {
            AsPath::default()
        };
        attrs.push(Attribute::new(AttrValue::AsPath(path)));
    }
    if !ebgp && !has(T::LOCAL_PREF) {
        attrs.push(Attribute::new(AttrValue::LocalPref(100)));
    }
    for a in key.attributes.iter() {
        match &a.value {
            AttrValue::LocalPref(_) if ebgp => {}
            AttrValue::NextHop(_) | AttrValue::MpReach(_) | AttrValue::MpUnreach(_) => {}
            // Community lists are sets; ExaBGP sends them sorted by value, and so does herald, so
            // that switching from ExaBGP changes no UPDATE.
            AttrValue::Communities(c) => attrs.push(Attribute {
                flags: a.flags,
                value: AttrValue::Communities(sorted(c)),
            }),
            AttrValue::ExtCommunities(c) => attrs.push(Attribute {
                flags: a.flags,
                value: AttrValue::ExtCommunities(sorted(c)),
            }),
            AttrValue::LargeCommunities(c) => attrs.push(Attribute {
                flags: a.flags,
                value: AttrValue::LargeCommunities(sorted(c)),
            }),
            _ => attrs.push(a.clone()),
        }
    }
    // RFC 6793 §4.2.2: a 2-octet peer gets AS_TRANS in AS_PATH and the real path in AS4_PATH.
    if !ctx.asn4 {
        let path = attrs.iter().find_map(|a| match &a.value {
            AttrValue::AsPath(p) if p.needs_four_octets() => Some(p.clone()),
            _ => None,
        });
        if let Some(p) = path {
            attrs.push(Attribute::new(AttrValue::As4Path(p)));
        }
        let agg = attrs.iter().find_map(|a| match &a.value {
            AttrValue::Aggregator(g) if g.asn > 0xffff => Some(*g),
            _ => None,
        });
        if let Some(g) = agg {
            attrs.push(Attribute::new(AttrValue::As4Aggregator(g)));
        }
    }
    let mp_next_hop = match (family, nh_ip) {
        (_, None) => Some(NextHop::Raw(Vec::new())),
        (f, Some(ip)) if f.safi == Safi::MCAST_VPN => Some(NextHop::from_ip(ip)),
        (Family::IPV4_UNICAST, Some(IpAddr::V4(a))) => {
            attrs.push(Attribute::new(AttrValue::NextHop(a)));
            None
        }
        // A MUP route's next hop is of either family, sent as it is (ExaBGP does so; the MUP
        // draft's SRv6 examples give IPv4 routes IPv6 next hops).
        (f, Some(ip)) if f.safi == Safi::MUP => Some(NextHop::from_ip(ip)),
        (f, Some(IpAddr::V6(a))) if f.afi == Afi::IPV4 => match a.to_ipv4_mapped() {
            Some(v4) if f == Family::IPV4_UNICAST => {
                attrs.push(Attribute::new(AttrValue::NextHop(v4)));
                None
            }
            Some(v4) => Some(NextHop::Ipv4(v4)),
            None if view.negotiated.extended_next_hop.contains(&f) => Some(NextHop::Ipv6(a)),
            None => return Err(Skip::NextHopFamily(f)),
        },
        (_, Some(ip)) => Some(NextHop::from_ip(ip)),
    };
    // VPN next hops carry a route distinguisher of zero (RFC 4364 §4.3.2, RFC 4659 §3.2.1).
    let mp_next_hop = match mp_next_hop {
        Some(NextHop::Ipv4(a)) if family.safi == Safi::MPLS_VPN => {
            Some(NextHop::Vpn(RouteDistinguisher::default(), IpAddr::V4(a)))
        }
        Some(NextHop::Ipv6(a)) if family.safi == Safi::MPLS_VPN => {
            Some(NextHop::Vpn(RouteDistinguisher::default(), IpAddr::V6(a)))
        }
        other => other,
    };
    attrs.sort_by_key(|a| a.value.type_code());
    let block = AttrBlock::new(&attrs, ctx);
    Ok(Prepared {
        family,
        mp_next_hop,
        block,
    })
}

/// A sorted copy of a set-valued attribute's members.
fn sorted<T: Ord + Clone>(v: &[T]) -> Vec<T> {
    let mut v = v.to_vec();
    v.sort();
    v
}

/// Append the UPDATEs announcing `prefixes` of a prepared group.
pub fn announce(
    out: &mut Vec<u8>,
    ctx: &Context,
    p: &Prepared,
    prefixes: &[Nlri],
) -> Result<usize, Skip> {
    builder::announce(
        out,
        ctx,
        p.family,
        p.mp_next_hop.as_ref(),
        &p.block,
        prefixes,
    )
    .map_err(|_| Skip::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use herald_session::negotiate::Negotiated;
    use herald_wire::message::{frame, Message};
    use std::net::Ipv4Addr;

    // RTC (RFC 4684) UPDATEs against GoBGP's octets.
    mod rtc;

    fn negotiated(peer_as: u32, asn4: bool) -> Negotiated {
        Negotiated {
            peer_as,
            local_as: 65001,
            peer_id: Ipv4Addr::new(2, 2, 2, 2),
            hold_time: 90,
            families: vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST],
            asn4,
            add_path_send: vec![],
            add_path_receive: vec![],
            route_refresh: false,
            enhanced_route_refresh: false,
            graceful_restart: None,
            extended_message: false,
            extended_next_hop: vec![],
        }
    }

    fn key(family: Family, nh: NextHopSpec, attrs: Vec<Attribute>) -> GroupKey {
        GroupKey {
            family,
            next_hop: nh,
            attributes: attrs.into(),
        }
    }

    fn encode(k: &GroupKey, view: &SessionView) -> Vec<Attribute> {
        let ctx = view.negotiated.send_context();
        let p = prepare(k, view, &ctx).unwrap();
        let mut out = Vec::new();
        announce(
            &mut out,
            &ctx,
            &p,
            &[Nlri::Prefix(herald_wire::Prefix::new(
                if k.family.afi == Afi::IPV4 {
                    "10.0.0.0/24".parse().unwrap()
                } else {
                    "2001:db8::/32".parse().unwrap()
                },
            ))],
        )
        .unwrap();
        let f = frame(&out, 4096).unwrap().unwrap();
        match Message::decode(&out[..f.len], &ctx).unwrap() {
            Message::Update(u) => u.attributes,
            m => panic!("{m:?}"),
        }
    }

    fn view(peer_as: u32, asn4: bool) -> SessionView {
        SessionView {
            local_as: 65001,
            local_address: "192.0.2.10".parse().unwrap(),
            negotiated: negotiated(peer_as, asn4),
        }
    }

    #[test]
    fn ibgp_gets_empty_as_path_and_local_pref_100() {
        let a = encode(
            &key(Family::IPV4_UNICAST, NextHopSpec::SelfAddr, vec![]),
            &view(65001, true),
        );
        assert_eq!(
            a,
            vec![
                Attribute::new(AttrValue::Origin(Origin::Igp)),
                Attribute::new(AttrValue::AsPath(AsPath::default())),
                Attribute::new(AttrValue::NextHop(Ipv4Addr::new(192, 0, 2, 10))),
                Attribute::new(AttrValue::LocalPref(100)),
            ]
        );
    }

    #[test]
    fn ebgp_prepends_local_as_and_drops_local_pref() {
        let k = key(
            Family::IPV4_UNICAST,
            NextHopSpec::Ip("198.51.100.1".parse().unwrap()),
            vec![
                Attribute::new(AttrValue::Med(5)),
                Attribute::new(AttrValue::LocalPref(300)),
            ],
        );
        let a = encode(&k, &view(65002, true));
        assert_eq!(
            a,
            vec![
                Attribute::new(AttrValue::Origin(Origin::Igp)),
                Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![65001]))),
                Attribute::new(AttrValue::NextHop(Ipv4Addr::new(198, 51, 100, 1))),
                Attribute::new(AttrValue::Med(5)),
            ]
        );
        // A configured AS_PATH is sent as written.
        let k = key(
            Family::IPV4_UNICAST,
            NextHopSpec::SelfAddr,
            vec![Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![
                65001, 7,
            ])))],
        );
        assert_eq!(
            encode(&k, &view(65002, true))[1],
            Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![65001, 7])))
        );
    }

    #[test]
    fn two_octet_peers_get_as4_path() {
        let mut v = view(65002, false);
        v.local_as = 4_200_000_000;
        let a = encode(
            &key(Family::IPV4_UNICAST, NextHopSpec::SelfAddr, vec![]),
            &v,
        );
        assert!(
            a.contains(&Attribute::new(AttrValue::As4Path(AsPath::sequence(vec![
                4_200_000_000
            ]))))
        );
        // On the wire AS_PATH carries AS_TRANS, decoded as 23456.
        assert!(
            a.contains(&Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![
                23456
            ]))))
        );
    }

    #[test]
    fn ipv6_routes_use_mp_reach_and_self_maps_ipv4_transport() {
        let a = encode(
            &key(Family::IPV6_UNICAST, NextHopSpec::SelfAddr, vec![]),
            &view(65001, true),
        );
        let mp = a.iter().find_map(|a| match &a.value {
            AttrValue::MpReach(m) => Some(m.clone()),
            _ => None,
        });
        assert_eq!(
            mp.unwrap().next_hop,
            NextHop::Ipv6("::ffff:192.0.2.10".parse().unwrap())
        );
    }

    #[test]
    fn ipv4_route_with_ipv6_next_hop_needs_extended_next_hop() {
        let k = key(
            Family::IPV4_UNICAST,
            NextHopSpec::Ip("2001:db8::1".parse().unwrap()),
            vec![],
        );
        let v = view(65001, true);
        assert_eq!(
            prepare(&k, &v, &v.negotiated.send_context()).unwrap_err(),
            Skip::NextHopFamily(Family::IPV4_UNICAST)
        );
        let mut v = view(65001, true);
        v.negotiated.extended_next_hop = vec![Family::IPV4_UNICAST];
        let p = prepare(&k, &v, &v.negotiated.send_context()).unwrap();
        assert_eq!(
            p.mp_next_hop,
            Some(NextHop::Ipv6("2001:db8::1".parse().unwrap()))
        );
    }

    #[test]
    fn routes_group_by_family_next_hop_and_attributes() {
        let mut routes = herald_config::parse_attributes_nlri(
            "med 1 next-hop 1.2.3.4 nlri 10.0.0.0/24 10.0.1.0/24",
        )
        .unwrap();
        // Another parse, with the same attributes in another allocation: the same group.
        routes.push(herald_config::parse_route_spec("10.0.2.0/24 next-hop 1.2.3.4 med 1").unwrap());
        routes.push(herald_config::parse_route_spec("10.0.3.0/24 next-hop 1.2.3.5 med 1").unwrap());
        routes.push(herald_config::parse_route_spec("10.0.4.0/24 next-hop 1.2.3.4 med 2").unwrap());
        routes.push(
            herald_config::parse_route_spec("10.0.5.0/24 next-hop 1.2.3.4 med 1 withdraw").unwrap(),
        );
        routes.push(herald_config::parse_route_spec("10.0.6.0/24 next-hop 1.2.3.4 med 1").unwrap());
        let e = Export::from_table(&RouteTable::from(routes));
        let got: Vec<(String, Vec<String>)> = e
            .groups
            .iter()
            .map(|g| {
                (
                    format!("{:?} {:?}", g.key.next_hop, g.key.attributes),
                    g.prefixes
                        .iter()
                        .map(|p| p.prefix().unwrap().net.to_string())
                        .collect(),
                )
            })
            .collect();
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0].1,
            ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.6.0/24"]
        );
        assert_eq!(got[1].1, ["10.0.3.0/24"]);
        assert_eq!(got[2].1, ["10.0.4.0/24"]);
        assert_eq!(e.len(), 6);
    }

    #[test]
    fn communities_are_sent_sorted_as_exabgp_does() {
        use herald_wire::attr::{Community, ExtCommunity, LargeCommunity};
        let k = key(
            Family::IPV4_UNICAST,
            NextHopSpec::SelfAddr,
            vec![
                Attribute::new(AttrValue::Communities(vec![
                    Community::NO_EXPORT,
                    Community::new(65000, 200),
                    Community::new(65000, 100),
                ])),
                Attribute::new(AttrValue::ExtCommunities(vec![
                    ExtCommunity([1, 2, 192, 0, 2, 1, 0, 20]),
                    ExtCommunity([0, 2, 0xfd, 0xe8, 0, 0, 0, 10]),
                ])),
                Attribute::new(AttrValue::LargeCommunities(vec![
                    LargeCommunity {
                        global: 2,
                        local1: 0,
                        local2: 0,
                    },
                    LargeCommunity {
                        global: 1,
                        local1: 5,
                        local2: 0,
                    },
                ])),
            ],
        );
        let a = encode(&k, &view(65001, true));
        assert!(a.contains(&Attribute::new(AttrValue::Communities(vec![
            Community::new(65000, 100),
            Community::new(65000, 200),
            Community::NO_EXPORT
        ]))));
        assert!(a.contains(&Attribute::new(AttrValue::ExtCommunities(vec![
            ExtCommunity([0, 2, 0xfd, 0xe8, 0, 0, 0, 10]),
            ExtCommunity([1, 2, 192, 0, 2, 1, 0, 20])
        ]))));
        assert!(a.contains(&Attribute::new(AttrValue::LargeCommunities(vec![
            LargeCommunity {
                global: 1,
                local1: 5,
                local2: 0
            },
            LargeCommunity {
                global: 2,
                local1: 0,
                local2: 0
            },
        ]))));
    }

    #[test]
    fn evpn_routes_go_in_mp_reach_with_a_plain_next_hop_of_either_family() {
        let evpn = Family::new(Afi::L2VPN, Safi::EVPN);
        let mut v = view(65001, true);
        v.negotiated.families.push(evpn);
        let ctx = v.negotiated.send_context();
        // next-hop self: the local address (IPv4 here), no route distinguisher.
        let p = prepare(&key(evpn, NextHopSpec::SelfAddr, vec![]), &v, &ctx).unwrap();
        assert_eq!(
            p.mp_next_hop,
            Some(NextHop::Ipv4("192.0.2.10".parse().unwrap()))
        );
        let k = key(
            evpn,
            NextHopSpec::Ip("2001:db8::1".parse().unwrap()),
            vec![],
        );
        let p = prepare(&k, &v, &ctx).unwrap();
        assert_eq!(
            p.mp_next_hop,
            Some(NextHop::Ipv6("2001:db8::1".parse().unwrap()))
        );
        // A configured route goes out byte for byte: MP_REACH_NLRI with AFI 25 / SAFI 70, the
        // next hop and the NLRI octets.
        let routes = herald_config::parse_l2vpn_route(
            "evpn multicast rd 65000:1 etag 100 ip 192.0.2.18 next-hop 192.0.2.18",
        )
        .unwrap();
        let k = key(evpn, routes.next_hop, vec![]);
        let p = prepare(&k, &v, &ctx).unwrap();
        let mut out = Vec::new();
        announce(&mut out, &ctx, &p, std::slice::from_ref(&routes.nlri)).unwrap();
        // AFI 25, SAFI 70, next hop length 4, 192.0.2.18, reserved, the route.
        let hex = hex::encode_upper(&out);
        assert!(
            hex.contains("00194604C00002120003110000FDE8000000010000006420C0000212"),
            "{hex}"
        );
    }

    #[test]
    fn mvpn_routes_go_in_mp_reach_with_the_next_hop_as_configured() {
        // ExaBGP's conf-mvpn.conf: an IPv6 route with an IPv4 next hop (RFC 6515), sent as
        // ExaBGP sends it (crates/herald-wire/tests/vectors/exabgp-mvpn.txt): MP_REACH_NLRI
        // with AFI 2, SAFI 5, next hop length 4, 10.10.6.4, reserved, the route.
        let v6 = Family::new(Afi::IPV6, Safi::MCAST_VPN);
        let mut v = view(65001, true);
        v.negotiated.families.push(v6);
        let ctx = v.negotiated.send_context();
        let route = herald_config::parse_mvpn_route(
            Afi::IPV6,
            "source-ad source fd12::4 group ff0e::1 rd 65000:99999 next-hop 10.10.6.4",
        )
        .unwrap();
        let k = key(v6, route.next_hop, vec![]);
        let p = prepare(&k, &v, &ctx).unwrap();
        assert_eq!(
            p.mp_next_hop,
            Some(NextHop::Ipv4("10.10.6.4".parse().unwrap()))
        );
        let mut out = Vec::new();
        announce(&mut out, &ctx, &p, std::slice::from_ref(&route.nlri)).unwrap();
        let hex = hex::encode_upper(&out);
        assert!(
            hex.contains("000205040A0A060400052A0000FDE80001869F80FD12000000000000000000000000000480FF0E0000000000000000000000000001"),
            "{hex}"
        );
        // An IPv4 route with an IPv6 next hop: 16 octets, no extended next hop needed; next-hop
        // self is the local address as it is.
        let v4 = Family::new(Afi::IPV4, Safi::MCAST_VPN);
        v.negotiated.families.push(v4);
        let k = key(v4, NextHopSpec::Ip("2001:db8::6".parse().unwrap()), vec![]);
        let p = prepare(&k, &v, &ctx).unwrap();
        assert_eq!(
            p.mp_next_hop,
            Some(NextHop::Ipv6("2001:db8::6".parse().unwrap()))
        );
        let p = prepare(&key(v6, NextHopSpec::SelfAddr, vec![]), &v, &ctx).unwrap();
        assert_eq!(
            p.mp_next_hop,
            Some(NextHop::Ipv4("192.0.2.10".parse().unwrap()))
        );
        // Not negotiated: not sent.
        let w = view(65001, true);
        assert!(prepare(&k, &w, &w.negotiated.send_context()).is_err());
    }

    #[test]
    fn mup_routes_keep_a_next_hop_of_the_other_family_as_exabgp_sends_it() {
        let mup4 = Family::new(Afi::IPV4, Safi::MUP);
        let mut v = view(65001, true);
        v.negotiated.families.push(mup4);
        let ctx = v.negotiated.send_context();
        // ExaBGP's api-ipv4.run route: an IPv4 MUP route with an IPv6 next hop, no extended
        // next hop negotiated; the octets ExaBGP sent for it (herald-wire's exabgp-mup.txt).
        let r = herald_config::parse_mup_route(
            Afi::IPV4,
            "mup-isd 10.0.1.0/24 rd 100:100 next-hop 2001::1",
        )
        .unwrap();
        let p = prepare(&key(mup4, r.next_hop, vec![]), &v, &ctx).unwrap();
        let mut out = Vec::new();
        announce(&mut out, &ctx, &p, std::slice::from_ref(&r.nlri)).unwrap();
        let hex = hex::encode_upper(&out);
        assert!(
            hex.contains(
                "0001551020010000000000000000000000000001000100010C0000006400000064180A0001"
            ),
            "{hex}"
        );
    }

    #[test]
    fn families_not_negotiated_are_skipped() {
        let mut v = view(65001, true);
        v.negotiated.families = vec![Family::IPV6_UNICAST];
        let k = key(Family::IPV4_UNICAST, NextHopSpec::SelfAddr, vec![]);
        assert_eq!(
            prepare(&k, &v, &v.negotiated.send_context()).unwrap_err(),
            Skip::Family(Family::IPV4_UNICAST)
        );
    }
}
