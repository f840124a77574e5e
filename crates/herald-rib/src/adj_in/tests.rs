//! AdjRibIn: every operation, RFC 7606 actions, interning, graceful restart, and a property test
//! against a plain map.

use std::collections::{HashMap as StdMap, HashSet};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use herald_wire::attr::{AsPath, Community, MpReach, MpUnreach, NextHop, Origin};
use herald_wire::error::{AttrError, DecodeError, ErrorKind};
use herald_wire::iana::attr_flags;
use herald_wire::nlri::flowspec::{Component, ComponentValue};
use herald_wire::nlri::{Label, LabelStack, LabeledPrefix, VpnPrefix};
use herald_wire::{Afi, Context, Safi};
use proptest::prelude::*;

use super::*;
use crate::NlriRef;

fn p(s: &str) -> Prefix {
    Prefix::new(s.parse().unwrap())
}

fn pid(s: &str, id: u32) -> Prefix {
    Prefix {
        path_id: Some(id),
        net: s.parse().unwrap(),
    }
}

fn base(asn: u32, med: u32) -> Vec<Attribute> {
    vec![
        Attribute::new(AttrValue::Origin(Origin::Igp)),
        Attribute::new(AttrValue::AsPath(AsPath::sequence(vec![65001, asn]))),
        Attribute::new(AttrValue::Med(med)),
    ]
}

fn v4_update(asn: u32, nh: [u8; 4], nlri: &[&str], withdrawn: &[&str]) -> Update {
    let mut attributes = base(asn, 0);
    if !nlri.is_empty() {
        attributes.insert(2, Attribute::new(AttrValue::NextHop(Ipv4Addr::from(nh))));
    }
    Update {
        withdrawn: withdrawn.iter().map(|s| p(s)).collect(),
        attributes: if nlri.is_empty() { vec![] } else { attributes },
        nlri: nlri.iter().map(|s| p(s)).collect(),
        errors: vec![],
    }
}

fn mp_attr(family: Family, nh: NextHop, nlri: NlriList) -> Attribute {
    Attribute::new(AttrValue::MpReach(Box::new(MpReach {
        family,
        next_hop: nh,
        reserved: 0,
        nlri,
    })))
}

fn unreach_attr(family: Family, nlri: NlriList) -> Attribute {
    Attribute::new(AttrValue::MpUnreach(Box::new(MpUnreach { family, nlri })))
}

fn v6nh() -> NextHop {
    NextHop::Ipv6("2001:db8::1".parse::<Ipv6Addr>().unwrap())
}

fn v6_update(asn: u32, nlri: &[&str]) -> Update {
    let mut attributes = base(asn, 0);
    let list = NlriList::Prefixes(nlri.iter().map(|s| p(s)).collect());
    attributes.push(mp_attr(Family::IPV6_UNICAST, v6nh(), list));
    Update {
        attributes,
        ..Update::default()
    }
}

fn error(action: Action) -> AttrError {
    AttrError {
        type_code: 2,
        action,
        error: DecodeError::new(0, ErrorKind::MalformedAsPath),
    }
}

const V4: Family = Family::IPV4_UNICAST;
const V6: Family = Family::IPV6_UNICAST;

#[test]
fn classic_announce_stores_routes_with_next_hop_and_attributes() {
    let mut rib = AdjRibIn::new();
    let a = rib.apply(&v4_update(
        65002,
        [192, 0, 2, 1],
        &["10.0.0.0/24", "10.0.1.0/24"],
        &[],
    ));
    assert_eq!(
        a,
        Applied {
            announced: 2,
            withdrawn: 0,
            end_of_rib: None
        }
    );
    assert_eq!(
        (rib.len(), rib.len_family(V4), rib.len_family(V6)),
        (2, 2, 0)
    );
    let r = rib.get(V4, &p("10.0.0.0/24")).unwrap();
    assert_eq!(r.nlri, NlriRef::Prefix(p("10.0.0.0/24")));
    assert!(!r.stale);
    assert_eq!(
        r.attributes.next_hop(),
        Some(&NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1)))
    );
    assert_eq!(r.attributes.attributes(), base(65002, 0).as_slice());
    assert!(
        r.attributes.get(3).is_none(),
        "NEXT_HOP lives in next_hop()"
    );
    assert_eq!(rib.families().collect::<Vec<_>>(), vec![V4]);
    assert_eq!(rib.iter().count(), 2);
}

#[test]
fn withdrawn_field_removes_routes_and_unknown_withdrawals_count_nothing() {
    let mut rib = AdjRibIn::new();
    rib.apply(&v4_update(
        65002,
        [192, 0, 2, 1],
        &["10.0.0.0/24", "10.0.1.0/24"],
        &[],
    ));
    let a = rib.apply(&v4_update(0, [0; 4], &[], &["10.0.0.0/24", "10.9.9.0/24"]));
    assert_eq!((a.announced, a.withdrawn), (0, 1));
    assert!(rib.get(V4, &p("10.0.0.0/24")).is_none());
    assert_eq!(rib.len(), 1);
}

#[test]
fn mass_withdrawals_give_memory_back_and_drop_empty_tables() {
    let mut rib = AdjRibIn::new();
    let all: Vec<String> = (0..10_000u32)
        .map(|i| format!("10.{}.{}.0/24", i / 256, i % 256))
        .collect();
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    rib.apply(&v4_update(65002, [192, 0, 2, 1], &refs, &[]));
    rib.apply(&v6_update(65002, &["2001:db8:1::/48"]));
    let cap = |rib: &AdjRibIn| rib.table(V4).map_or(0, |t| t.capacity());
    let full = cap(&rib);
    assert!(full >= 10_000);
    rib.apply(&v4_update(0, [0; 4], &[], &refs[100..]));
    assert_eq!(rib.len_family(V4), 100);
    assert!(cap(&rib) < full / 4, "{} of {full}", cap(&rib));
    rib.apply(&v4_update(0, [0; 4], &[], &refs[..100]));
    assert!(rib.table(V4).is_none());
    assert_eq!(rib.families().collect::<Vec<_>>(), vec![V6]);
}

#[test]
fn host_bits_are_ignored_in_keys() {
    let mut rib = AdjRibIn::new();
    rib.apply(&v4_update(65002, [192, 0, 2, 1], &["10.0.1.0/23"], &[]));
    let r = rib.get(V4, &p("10.0.0.0/23")).unwrap();
    assert_eq!(r.nlri, NlriRef::Prefix(p("10.0.0.0/23")));
    rib.apply(&v4_update(0, [0; 4], &[], &["10.0.0.7/23"]));
    assert!(rib.is_empty());
}

#[test]
fn treat_as_withdraw_removes_the_announced_prefixes() {
    let mut rib = AdjRibIn::new();
    rib.apply(&v4_update(
        65002,
        [192, 0, 2, 1],
        &["10.0.0.0/24", "10.0.1.0/24"],
        &[],
    ));
    rib.apply(&v6_update(65002, &["2001:db8:1::/48"]));
    assert_eq!(rib.len(), 3);
    let mut u = v4_update(65003, [192, 0, 2, 2], &["10.0.0.0/24", "10.0.2.0/24"], &[]);
    u.attributes.push(mp_attr(
        V6,
        v6nh(),
        NlriList::Prefixes(vec![p("2001:db8:1::/48")]),
    ));
    u.errors.push(error(Action::TreatAsWithdraw));
    let a = rib.apply(&u);
    assert_eq!((a.announced, a.withdrawn), (0, 2));
    assert!(rib.get(V4, &p("10.0.0.0/24")).is_none());
    assert!(
        rib.get(V4, &p("10.0.2.0/24")).is_none(),
        "not stored either"
    );
    assert!(rib.get(V6, &p("2001:db8:1::/48")).is_none());
    assert!(rib.get(V4, &p("10.0.1.0/24")).is_some());
    assert_eq!(rib.attribute_sets(), 1);
}

#[test]
fn attribute_discard_stores_the_attributes_left() {
    let mut rib = AdjRibIn::new();
    let mut u = v4_update(65002, [192, 0, 2, 1], &["10.0.0.0/24"], &[]);
    u.errors.push(error(Action::AttributeDiscard));
    assert_eq!(rib.apply(&u).announced, 1);
    assert_eq!(
        rib.get(V4, &p("10.0.0.0/24"))
            .unwrap()
            .attributes
            .attributes(),
        base(65002, 0).as_slice()
    );
}

#[test]
fn afi_safi_disable_and_session_reset_change_nothing() {
    for action in [Action::AfiSafiDisable, Action::SessionReset] {
        let mut rib = AdjRibIn::new();
        rib.apply(&v4_update(65002, [192, 0, 2, 1], &["10.0.0.0/24"], &[]));
        let mut u = v4_update(65003, [192, 0, 2, 2], &["10.0.1.0/24"], &["10.0.0.0/24"]);
        u.errors.push(error(action));
        assert_eq!(rib.apply(&u), Applied::default());
        assert_eq!(rib.len(), 1);
        assert!(rib.get(V4, &p("10.0.0.0/24")).is_some());
    }
}

#[test]
fn mp_unreach_withdraws_ipv6() {
    let mut rib = AdjRibIn::new();
    rib.apply(&v6_update(65002, &["2001:db8:1::/48", "2001:db8:2::/48"]));
    assert_eq!(rib.len_family(V6), 2);
    let r = rib.get(V6, &p("2001:db8:1::/48")).unwrap();
    assert_eq!(r.attributes.next_hop(), Some(&v6nh()));
    let u = Update {
        attributes: vec![unreach_attr(
            V6,
            NlriList::Prefixes(vec![p("2001:db8:1::/48")]),
        )],
        ..Update::default()
    };
    let a = rib.apply(&u);
    assert_eq!((a.withdrawn, a.end_of_rib), (1, None));
    assert_eq!(rib.len_family(V6), 1);
    assert!(rib.get(V6, &p("2001:db8:1::/48")).is_none());
}

#[test]
fn classic_and_mp_routes_of_one_update_get_their_own_next_hop() {
    let mut rib = AdjRibIn::new();
    let mut u = v4_update(65002, [192, 0, 2, 1], &["10.0.0.0/24"], &[]);
    u.attributes.push(mp_attr(
        V6,
        v6nh(),
        NlriList::Prefixes(vec![p("2001:db8::/32")]),
    ));
    assert_eq!(rib.apply(&u).announced, 2);
    assert_eq!(rib.attribute_sets(), 2);
    let r6 = rib.get(V6, &p("2001:db8::/32")).unwrap();
    assert_eq!(r6.attributes.next_hop(), Some(&v6nh()));
    assert_eq!(r6.attributes.attributes(), base(65002, 0).as_slice());
}

#[test]
fn add_path_same_prefix_with_two_path_ids_is_two_routes() {
    let mut rib = AdjRibIn::new();
    let mut u = v4_update(65002, [192, 0, 2, 1], &[], &[]);
    u.attributes = v4_update(65002, [192, 0, 2, 1], &["10.0.0.0/24"], &[]).attributes;
    u.nlri = vec![pid("10.0.0.0/24", 1), pid("10.0.0.0/24", 2)];
    assert_eq!(rib.apply(&u).announced, 2);
    assert_eq!(rib.len(), 2);
    assert!(rib.get(V4, &pid("10.0.0.0/24", 1)).is_some());
    assert!(
        rib.get(V4, &p("10.0.0.0/24")).is_none(),
        "no path id is a third key"
    );
    let w = Update {
        withdrawn: vec![pid("10.0.0.0/24", 1)],
        ..Update::default()
    };
    assert_eq!(rib.apply(&w).withdrawn, 1);
    assert!(rib.get(V4, &pid("10.0.0.0/24", 2)).is_some());
    // IPv6 with path ids too.
    let mut v6 = v6_update(65002, &[]);
    if let Some(AttrValue::MpReach(m)) = v6.attributes.last_mut().map(|a| &mut a.value) {
        m.nlri = NlriList::Prefixes(vec![pid("2001:db8::/32", 1), pid("2001:db8::/32", 9)]);
    }
    assert_eq!(rib.apply(&v6).announced, 2);
    assert_eq!(rib.len_family(V6), 2);
}

#[test]
fn identical_attributes_share_one_set_freed_with_its_last_route() {
    let mut rib = AdjRibIn::new();
    rib.apply(&v4_update(65002, [192, 0, 2, 1], &["10.0.0.0/24"], &[]));
    rib.apply(&v4_update(65002, [192, 0, 2, 1], &["10.0.1.0/24"], &[]));
    assert_eq!(rib.attribute_sets(), 1);
    let a = rib.get(V4, &p("10.0.0.0/24")).unwrap().attributes;
    let b = rib.get(V4, &p("10.0.1.0/24")).unwrap().attributes;
    assert!(Arc::ptr_eq(a, b));
    rib.apply(&v4_update(65003, [192, 0, 2, 1], &["10.0.2.0/24"], &[]));
    assert_eq!(rib.attribute_sets(), 2);
    // Replacing a route with another set moves its reference.
    rib.apply(&v4_update(65003, [192, 0, 2, 1], &["10.0.0.0/24"], &[]));
    assert_eq!(rib.attribute_sets(), 2);
    rib.apply(&v4_update(0, [0; 4], &[], &["10.0.1.0/24"]));
    assert_eq!(
        rib.attribute_sets(),
        1,
        "65002's set went with its last route"
    );
    rib.apply(&v4_update(0, [0; 4], &[], &["10.0.0.0/24", "10.0.2.0/24"]));
    assert_eq!((rib.len(), rib.attribute_sets()), (0, 0));
}

#[test]
fn a_set_outlives_the_table_for_callers_holding_it() {
    let mut rib = AdjRibIn::new();
    rib.apply(&v4_update(65002, [192, 0, 2, 1], &["10.0.0.0/24"], &[]));
    let kept = Arc::clone(rib.get(V4, &p("10.0.0.0/24")).unwrap().attributes);
    rib.clear();
    assert_eq!(kept.attributes(), base(65002, 0).as_slice());
}

#[test]
fn stale_marking_and_sweep_per_family() {
    let mut rib = AdjRibIn::new();
    rib.apply(&v4_update(
        65002,
        [192, 0, 2, 1],
        &["10.0.0.0/24", "10.0.1.0/24"],
        &[],
    ));
    rib.apply(&v6_update(65002, &["2001:db8:1::/48", "2001:db8:2::/48"]));
    rib.mark_stale();
    assert_eq!(rib.stale_count(), 4);
    assert!(rib.get(V4, &p("10.0.0.0/24")).unwrap().stale);
    // The restarted peer re-announces one IPv4 route, then ends IPv4.
    rib.apply(&v4_update(65002, [192, 0, 2, 1], &["10.0.0.0/24"], &[]));
    assert!(!rib.get(V4, &p("10.0.0.0/24")).unwrap().stale);
    assert_eq!(rib.stale_count(), 3);
    assert_eq!(rib.apply(&Update::default()).end_of_rib, Some(V4));
    assert_eq!(rib.sweep_stale(Some(V4)), 1);
    assert_eq!((rib.len_family(V4), rib.len_family(V6)), (1, 2));
    assert_eq!(
        (rib.stale_count_family(V4), rib.stale_count_family(V6)),
        (0, 2)
    );
    // A withdrawal of a stale route lowers the count; the timer sweeps the rest.
    rib.apply(&Update {
        attributes: vec![unreach_attr(
            V6,
            NlriList::Prefixes(vec![p("2001:db8:1::/48")]),
        )],
        ..Update::default()
    });
    assert_eq!(rib.stale_count(), 1);
    assert_eq!(rib.sweep_stale(None), 1);
    assert_eq!(
        (rib.len(), rib.stale_count(), rib.attribute_sets()),
        (1, 0, 1)
    );
}

#[test]
fn mark_stale_family_leaves_other_families_fresh() {
    let mut rib = AdjRibIn::new();
    rib.apply(&v4_update(65002, [192, 0, 2, 1], &["10.0.0.0/24"], &[]));
    rib.apply(&v6_update(65002, &["2001:db8:1::/48"]));
    rib.mark_stale_family(V6);
    assert_eq!(
        (rib.stale_count_family(V4), rib.stale_count_family(V6)),
        (0, 1)
    );
    assert_eq!(rib.sweep_stale(None), 1);
    assert_eq!(rib.families().collect::<Vec<_>>(), vec![V4]);
}

#[test]
fn end_of_rib_is_reported_for_ipv4_and_mp_families() {
    let mut rib = AdjRibIn::new();
    assert_eq!(rib.apply(&Update::end_of_rib_for(V4)).end_of_rib, Some(V4));
    assert_eq!(rib.apply(&Update::end_of_rib_for(V6)).end_of_rib, Some(V6));
    assert!(rib.is_empty());
}

#[test]
fn clear_and_clear_family_drop_routes_and_sets() {
    let mut rib = AdjRibIn::new();
    rib.apply(&v4_update(65002, [192, 0, 2, 1], &["10.0.0.0/24"], &[]));
    rib.apply(&v6_update(65003, &["2001:db8:1::/48", "2001:db8:2::/48"]));
    assert_eq!(rib.clear_family(V6), 2);
    assert_eq!(rib.clear_family(V6), 0);
    assert_eq!((rib.len(), rib.attribute_sets()), (1, 1));
    rib.clear();
    assert_eq!((rib.len(), rib.attribute_sets()), (0, 0));
    assert_eq!(rib.families().count(), 0);
    rib.apply(&v4_update(65002, [192, 0, 2, 1], &["10.0.0.0/24"], &[]));
    assert_eq!((rib.len(), rib.attribute_sets()), (1, 1));
}

#[test]
fn raw_nlri_store_nothing_and_do_not_panic() {
    let mut rib = AdjRibIn::new();
    let evpn = Family::new(Afi::L2VPN, Safi::EVPN);
    let mut u = v4_update(65002, [192, 0, 2, 1], &[], &[]);
    u.attributes = base(65002, 0);
    u.attributes
        .push(mp_attr(evpn, v6nh(), NlriList::Raw(vec![2, 3, 1, 2, 3])));
    assert_eq!(rib.apply(&u), Applied::default());
    let w = Update {
        attributes: vec![unreach_attr(evpn, NlriList::Raw(vec![2, 3, 1, 2, 3]))],
        ..Update::default()
    };
    assert_eq!(rib.apply(&w), Applied::default());
    assert_eq!((rib.len(), rib.attribute_sets()), (0, 0));
}

#[test]
fn labeled_routes_are_keyed_by_prefix_and_withdrawn_with_the_compatibility_field() {
    let mut rib = AdjRibIn::new();
    let fam = Family::new(Afi::IPV4, Safi::MPLS_LABEL);
    let lp = |label: Label| LabeledPrefix {
        path_id: None,
        labels: LabelStack::new(label),
        net: "10.0.0.0/24".parse().unwrap(),
    };
    let mut u = v6_update(65002, &[]);
    if let Some(AttrValue::MpReach(m)) = u.attributes.last_mut().map(|a| &mut a.value) {
        m.family = fam;
        m.nlri = NlriList::Labeled(vec![lp(Label::new(100, true))]);
    }
    assert_eq!(rib.apply(&u).announced, 1);
    let r = rib.get(fam, &p("10.0.0.0/24")).unwrap();
    assert_eq!(
        r.nlri,
        NlriRef::Labeled(p("10.0.0.0/24"), &LabelStack::new(Label::new(100, true)))
    );
    let w = Update {
        attributes: vec![unreach_attr(
            fam,
            NlriList::Labeled(vec![lp(Label::WITHDRAW)]),
        )],
        ..Update::default()
    };
    assert_eq!(rib.apply(&w).withdrawn, 1);
    assert!(rib.is_empty());
}

#[test]
fn vpn_and_flowspec_routes_are_stored_and_withdrawn() {
    let mut rib = AdjRibIn::new();
    let vpn = Family::new(Afi::IPV4, Safi::MPLS_VPN);
    let flow = Family::new(Afi::IPV4, Safi::FLOW);
    let rd = RouteDistinguisher([0, 0, 0xfd, 0xe9, 0, 0, 0, 1]);
    let vp = VpnPrefix {
        path_id: None,
        labels: LabelStack::new(Label::new(16, true)),
        rd,
        net: "10.1.0.0/16".parse().unwrap(),
    };
    let fs = FlowSpec {
        path_id: None,
        rd: None,
        components: vec![Component {
            kind: 1,
            value: ComponentValue::Ipv4Prefix {
                len: 24,
                octets: [10, 0, 0, 0],
            },
        }],
        extended_length: true,
    };
    let mut u = Update {
        attributes: base(65002, 0),
        ..Update::default()
    };
    u.attributes.push(mp_attr(
        vpn,
        NextHop::Vpn(RouteDistinguisher::default(), "192.0.2.1".parse().unwrap()),
        NlriList::Vpn(vec![vp.clone()]),
    ));
    assert_eq!(rib.apply(&u).announced, 1);
    let mut f = Update {
        attributes: base(65002, 0),
        ..Update::default()
    };
    f.attributes.push(mp_attr(
        flow,
        NextHop::Raw(vec![]),
        NlriList::Flow(vec![fs.clone()]),
    ));
    assert_eq!(rib.apply(&f).announced, 1);
    assert_eq!(rib.len(), 2);
    assert_eq!(rib.attribute_sets(), 2, "next hops differ");
    let r = rib.get_vpn(vpn, rd, &p("10.1.0.0/16")).unwrap();
    assert!(matches!(r.nlri, NlriRef::Vpn(x, _, _) if x == rd));
    let plain = FlowSpec {
        extended_length: false,
        ..fs.clone()
    };
    assert!(
        rib.get_flow(flow, &plain).is_some(),
        "length form is not key"
    );
    let w = Update {
        attributes: vec![unreach_attr(flow, NlriList::Flow(vec![plain]))],
        ..Update::default()
    };
    assert_eq!(rib.apply(&w).withdrawn, 1);
    let w = Update {
        attributes: vec![unreach_attr(vpn, NlriList::Vpn(vec![vp]))],
        ..Update::default()
    };
    assert_eq!(rib.apply(&w).withdrawn, 1);
    assert_eq!((rib.len(), rib.attribute_sets()), (0, 0));
}

#[test]
fn updates_decoded_from_wire_bytes_are_stored() {
    let ctx = Context::default();
    let mut u = v4_update(65002, [192, 0, 2, 1], &["10.0.0.0/24", "10.0.1.0/24"], &[]);
    u.attributes
        .push(Attribute::new(AttrValue::Communities(vec![
            Community::new(65001, 7),
        ])));
    let mut body = Vec::new();
    u.encode_body(&ctx, &mut body);
    let decoded = Update::decode(&body, &ctx).unwrap();
    let mut rib = AdjRibIn::new();
    assert_eq!(rib.apply(&decoded).announced, 2);
    let r = rib.get(V4, &p("10.0.1.0/24")).unwrap();
    assert!(matches!(
        r.attributes.get(8),
        Some(AttrValue::Communities(c)) if c == &vec![Community::new(65001, 7)]
    ));
    assert_eq!(r.attributes.attributes()[0].flags, attr_flags::TRANSITIVE);
}

// ---- property test: AdjRibIn against a plain map ----

/// One step of the model test.
#[derive(Clone, Debug)]
enum Op {
    /// Announce prefixes (pool indices) with attribute variant `attrs`; v6 via MP_REACH.
    Announce {
        v6: bool,
        attrs: u8,
        prefixes: Vec<u8>,
        treat_as_withdraw: bool,
    },
    Withdraw {
        v6: bool,
        prefixes: Vec<u8>,
    },
    MarkStale,
    Sweep(Option<bool>),
    ClearFamily(bool),
}

fn pool(v6: bool, i: u8) -> Prefix {
    let id = if i % 5 == 0 {
        Some(u32::from(i % 3))
    } else {
        None
    };
    let net = if v6 {
        format!("2001:db8:{i:x}::/48").parse().unwrap()
    } else {
        format!("10.{}.{}.0/24", i / 8, i % 8).parse().unwrap()
    };
    Prefix { path_id: id, net }
}

fn op() -> impl Strategy<Value = Op> {
    let list = || prop::collection::vec(0u8..24, 0..6);
    prop_oneof![
        6 => (any::<bool>(), 0u8..4, list(), prop::bool::weighted(0.1)).prop_map(
            |(v6, attrs, prefixes, treat_as_withdraw)| Op::Announce { v6, attrs, prefixes, treat_as_withdraw }
        ),
        3 => (any::<bool>(), list()).prop_map(|(v6, prefixes)| Op::Withdraw { v6, prefixes }),
        1 => Just(Op::MarkStale),
        1 => prop::option::of(any::<bool>()).prop_map(Op::Sweep),
        1 => any::<bool>().prop_map(Op::ClearFamily),
    ]
}

fn update_of(op: &Op) -> Option<Update> {
    Some(match op {
        Op::Announce {
            v6,
            attrs,
            prefixes,
            treat_as_withdraw,
        } => {
            let ps: Vec<Prefix> = prefixes.iter().map(|i| pool(*v6, *i)).collect();
            let mut u = if *v6 {
                let mut attributes = base(65000 + u32::from(attrs % 2), u32::from(attrs / 2));
                attributes.push(mp_attr(V6, v6nh(), NlriList::Prefixes(ps)));
                Update {
                    attributes,
                    ..Update::default()
                }
            } else {
                let mut attributes = base(65000 + u32::from(attrs % 2), u32::from(attrs / 2));
                attributes.push(Attribute::new(AttrValue::NextHop(Ipv4Addr::new(
                    192, 0, 2, 1,
                ))));
                Update {
                    attributes,
                    nlri: ps,
                    ..Update::default()
                }
            };
            if *treat_as_withdraw {
                u.errors.push(error(Action::TreatAsWithdraw));
            }
            u
        }
        Op::Withdraw { v6, prefixes } => {
            let ps: Vec<Prefix> = prefixes.iter().map(|i| pool(*v6, *i)).collect();
            if *v6 {
                Update {
                    attributes: vec![unreach_attr(V6, NlriList::Prefixes(ps))],
                    ..Update::default()
                }
            } else {
                Update {
                    withdrawn: ps,
                    ..Update::default()
                }
            }
        }
        _ => return None,
    })
}

type Model = StdMap<(Family, Prefix), (u8, bool)>;

fn step_model(m: &mut Model, op: &Op) {
    let fam = |v6: bool| if v6 { V6 } else { V4 };
    match op {
        Op::Announce {
            v6,
            attrs,
            prefixes,
            treat_as_withdraw,
        } => {
            for i in prefixes {
                let k = (fam(*v6), pool(*v6, *i));
                if *treat_as_withdraw {
                    m.remove(&k);
                } else {
                    m.insert(k, (*attrs, false));
                }
            }
        }
        Op::Withdraw { v6, prefixes } => {
            for i in prefixes {
                m.remove(&(fam(*v6), pool(*v6, *i)));
            }
        }
        Op::MarkStale => m.values_mut().for_each(|v| v.1 = true),
        Op::Sweep(f) => m.retain(|k, v| !(v.1 && f.is_none_or(|v6| fam(v6) == k.0))),
        Op::ClearFamily(v6) => m.retain(|k, _| k.0 != fam(*v6)),
    }
}

proptest! {
    #[test]
    fn adj_rib_in_matches_a_plain_map(ops in prop::collection::vec(op(), 1..60)) {
        let mut rib = AdjRibIn::new();
        let mut model = Model::new();
        for op in &ops {
            match op {
                Op::MarkStale => rib.mark_stale(),
                Op::Sweep(f) => {
                    rib.sweep_stale(f.map(|v6| if v6 { V6 } else { V4 }));
                }
                Op::ClearFamily(v6) => {
                    rib.clear_family(if *v6 { V6 } else { V4 });
                }
                _ => {
                    let u = update_of(op).unwrap();
                    // Half the time through the wire: encode, decode, apply.
                    let u = if ops.len() % 2 == 0 {
                        let ctx = Context { add_path: vec![], ..Context::default() };
                        let has_ids = u.nlri.iter().chain(u.withdrawn.iter()).any(|p| p.path_id.is_some())
                            || u.mp_reach().is_some_and(|m| m.nlri.prefixes().iter().any(|p| p.path_id.is_some()))
                            || u.mp_unreach().is_some_and(|m| m.nlri.prefixes().iter().any(|p| p.path_id.is_some()));
                        if has_ids || !u.errors.is_empty() {
                            u
                        } else {
                            let mut body = Vec::new();
                            u.encode_body(&ctx, &mut body);
                            Update::decode(&body, &ctx).unwrap()
                        }
                    } else {
                        u
                    };
                    rib.apply(&u);
                }
            }
            step_model(&mut model, op);
            prop_assert_eq!(rib.len(), model.len());
            prop_assert_eq!(rib.len_family(V4) + rib.len_family(V6), model.len());
            prop_assert_eq!(rib.stale_count(), model.values().filter(|v| v.1).count());
        }
        let mut seen = HashSet::new();
        for r in rib.iter() {
            let NlriRef::Prefix(px) = r.nlri else { panic!("unicast only") };
            let (attrs, stale) = model[&(r.family, px)];
            prop_assert_eq!(r.stale, stale);
            let med = u32::from(attrs / 2);
            prop_assert_eq!(r.attributes.get(4), Some(&AttrValue::Med(med)));
            seen.insert(Arc::as_ptr(r.attributes));
        }
        let distinct: HashSet<(bool, u8)> = model.iter().map(|(k, v)| (k.0 == V6, v.0)).collect();
        prop_assert_eq!(rib.attribute_sets(), distinct.len());
        prop_assert_eq!(seen.len(), distinct.len());
    }
}

fn rtc(origin: u32, rt: [u8; 8], path_id: Option<u32>) -> herald_wire::nlri::Rtc {
    herald_wire::nlri::Rtc {
        path_id,
        len: 96,
        origin,
        rt,
    }
}

#[test]
fn routes_kept_as_octets_are_stored_replaced_withdrawn_and_swept() {
    let fam = Family::new(Afi::IPV4, Safi::RTC);
    let rt1 = [0, 2, 0xfd, 0xe8, 0, 0, 0, 1];
    let rt2 = [0, 2, 0xfd, 0xe8, 0, 0, 0, 2];
    let nh = NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1));
    let announce = |med: u32, routes: Vec<herald_wire::nlri::Rtc>| {
        let mut attributes = base(65002, med);
        attributes.push(mp_attr(fam, nh.clone(), NlriList::Rtc(routes)));
        Update {
            attributes,
            ..Update::default()
        }
    };
    let mut rib = AdjRibIn::new();
    let a = rib.apply(&announce(
        1,
        vec![
            rtc(65000, rt1, None),
            rtc(65000, rt2, None),
            rtc(65000, rt1, Some(7)),
        ],
    ));
    assert_eq!(a.announced, 3);
    assert_eq!(
        rib.len_family(fam),
        3,
        "a path identifier makes another route"
    );
    // Each route is its octets; the family types them again.
    let mut seen: Vec<Vec<u8>> = rib
        .iter_family(fam)
        .map(|r| match r.nlri {
            NlriRef::Encoded(e) => {
                let mut v = e
                    .path_id
                    .map(|i| i.to_be_bytes().to_vec())
                    .unwrap_or_default();
                v.extend_from_slice(e.bytes());
                v
            }
            other => panic!("{other:?}"),
        })
        .collect();
    seen.sort();
    let mut want = vec![
        [vec![96, 0, 0, 0xfd, 0xe8], rt1.to_vec()].concat(),
        [vec![96, 0, 0, 0xfd, 0xe8], rt2.to_vec()].concat(),
        [vec![0, 0, 0, 7, 96, 0, 0, 0xfd, 0xe8], rt1.to_vec()].concat(),
    ];
    want.sort();
    assert_eq!(seen, want);
    // The same route again replaces it (new attributes), no duplicate.
    rib.apply(&announce(9, vec![rtc(65000, rt2, None)]));
    assert_eq!(rib.len_family(fam), 3);
    let r2 = rib
        .iter_family(fam)
        .find(|r| matches!(r.nlri, NlriRef::Encoded(e) if e.bytes().ends_with(&rt2) && e.path_id.is_none()))
        .unwrap();
    assert!(r2
        .attributes
        .attributes()
        .iter()
        .any(|a| a.value == AttrValue::Med(9)));
    // MP_UNREACH_NLRI removes it; an unknown one removes nothing.
    let w = Update {
        attributes: vec![unreach_attr(
            fam,
            NlriList::Rtc(vec![rtc(65000, rt2, None), rtc(65001, rt2, None)]),
        )],
        ..Update::default()
    };
    assert_eq!(rib.apply(&w).withdrawn, 1);
    assert_eq!(rib.len_family(fam), 2);
    // Graceful restart: marked stale, then swept.
    rib.mark_stale();
    assert_eq!(rib.stale_count_family(fam), 2);
    assert_eq!(rib.sweep_stale(Some(fam)), 2);
    assert_eq!(rib.len(), 0);
    assert_eq!(
        rib.attribute_sets(),
        0,
        "the attribute sets are freed with their routes"
    );
}
