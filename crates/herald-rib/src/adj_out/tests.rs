//! AdjRibOut: announce/withdraw/replace, coalescing, the lazy index, groups after removals, and
//! a property test against a plain map (and against a peer fed only the changes).

use std::collections::HashMap as StdMap;

use proptest::prelude::*;

use super::*;

const V4: Family = Family::IPV4_UNICAST;
const V6: Family = Family::IPV6_UNICAST;

fn p(s: &str) -> Nlri {
    Nlri::Prefix(herald_wire::Prefix::new(s.parse().unwrap()))
}

fn v4(i: u32) -> Nlri {
    p(&format!("10.{}.{}.0/24", i / 256, i % 256))
}

fn dump<K: Clone + Eq + Hash>(rib: &AdjRibOut<K>) -> StdMap<(Family, Nlri), K> {
    let mut m = StdMap::new();
    for (k, f, ps) in rib.groups() {
        for p in ps {
            assert!(
                m.insert((f, p.clone()), k.clone()).is_none(),
                "duplicate {p:?}"
            );
        }
    }
    m
}

#[test]
fn announce_adds_and_reports_change_only_when_something_changed() {
    let mut rib: AdjRibOut<&str> = AdjRibOut::new();
    assert!(rib.announce(V4, v4(1), "a"));
    assert!(
        !rib.announce(V4, v4(1), "a"),
        "same set again changes nothing"
    );
    assert!(rib.announce(V6, p("2001:db8::/32"), "a"));
    assert_eq!(
        (rib.len(), rib.len_family(V4), rib.len_family(V6)),
        (2, 1, 1)
    );
    assert_eq!(rib.get(V4, &v4(1)), Some(&"a"));
    assert_eq!(rib.get(V4, &v4(2)), None);
}

#[test]
fn announce_with_another_set_replaces_the_route() {
    let mut rib: AdjRibOut<&str> = AdjRibOut::new();
    rib.announce(V4, v4(1), "a");
    rib.announce(V4, v4(2), "a");
    rib.take_changes();
    assert!(rib.announce(V4, v4(1), "b"));
    assert_eq!(rib.len(), 2);
    assert_eq!(rib.get(V4, &v4(1)), Some(&"b"));
    let groups: Vec<_> = rib
        .groups()
        .map(|(k, f, ps)| (*k, f, ps.to_vec()))
        .collect();
    assert_eq!(groups, vec![("a", V4, vec![v4(2)]), ("b", V4, vec![v4(1)])]);
    let c = rib.take_changes();
    assert!(
        c.withdrawn.is_empty(),
        "a replacement is an implicit withdraw"
    );
    assert_eq!(c.announced, vec![("b", V4, vec![v4(1)])]);
}

#[test]
fn withdraw_removes_and_reports_whether_there_was_a_route() {
    let mut rib: AdjRibOut<&str> = AdjRibOut::new();
    rib.announce(V4, v4(1), "a");
    assert!(rib.withdraw(V4, v4(1)));
    assert!(!rib.withdraw(V4, v4(1)));
    assert!(!rib.withdraw(V6, v4(1)), "family is part of the key");
    assert!(rib.is_empty());
    assert_eq!(rib.groups().count(), 0, "empty groups are skipped");
}

#[test]
fn take_changes_groups_withdrawals_by_family_and_announcements_by_set() {
    let mut rib: AdjRibOut<&str> = AdjRibOut::from_groups(vec![
        ("a", V4, vec![v4(1), v4(2), v4(3)]),
        ("b", V6, vec![p("2001:db8:1::/48"), p("2001:db8:2::/48")]),
    ]);
    assert_eq!(
        rib.take_changes(),
        Changes {
            withdrawn: vec![],
            announced: vec![]
        }
    );
    rib.announce(V4, v4(4), "b");
    rib.announce(V4, v4(5), "a");
    rib.withdraw(V6, p("2001:db8:2::/48"));
    rib.withdraw(V4, v4(2));
    rib.announce(V4, v4(6), "b");
    assert_eq!(rib.pending_changes(), 5);
    let c = rib.take_changes();
    assert_eq!(
        c.withdrawn,
        vec![(V4, vec![v4(2)]), (V6, vec![p("2001:db8:2::/48")])]
    );
    assert_eq!(
        c.announced,
        vec![("a", V4, vec![v4(5)]), ("b", V4, vec![v4(4), v4(6)])]
    );
    assert_eq!(c.len(), 5);
    assert!(rib.take_changes().is_empty());
    assert_eq!(rib.pending_changes(), 0);
}

#[test]
fn announce_then_withdraw_is_a_withdraw_or_nothing_for_a_new_route() {
    let mut rib: AdjRibOut<&str> = AdjRibOut::from_groups(vec![("a", V4, vec![v4(1)])]);
    rib.announce(V4, v4(1), "b");
    rib.withdraw(V4, v4(1));
    rib.announce(V4, v4(9), "a");
    rib.withdraw(V4, v4(9));
    let c = rib.take_changes();
    assert_eq!(c.withdrawn, vec![(V4, vec![v4(1)])]);
    assert!(
        c.announced.is_empty(),
        "v4(9) never reached the peer: nothing to send"
    );
}

#[test]
fn withdraw_then_announce_is_an_announce() {
    let mut rib: AdjRibOut<&str> = AdjRibOut::from_groups(vec![("a", V4, vec![v4(1)])]);
    rib.withdraw(V4, v4(1));
    rib.announce(V4, v4(1), "b");
    rib.announce(V4, v4(1), "c");
    let c = rib.take_changes();
    assert!(c.withdrawn.is_empty());
    assert_eq!(c.announced, vec![("c", V4, vec![v4(1)])]);
}

#[test]
fn the_index_is_built_lazily_on_the_first_change() {
    let routes: Vec<Nlri> = (0..1000).map(v4).collect();
    let mut rib: AdjRibOut<u32> = AdjRibOut::from_groups(vec![(7, V4, routes)]);
    assert!(!rib.is_indexed());
    assert_eq!(rib.len(), 1000);
    assert_eq!(
        rib.get(V4, &v4(999)),
        Some(&7),
        "found by scanning before the index"
    );
    assert_eq!(rib.groups().count(), 1);
    assert!(!rib.is_indexed(), "queries and dumps do not build it");
    assert!(rib.withdraw(V4, v4(0)));
    assert!(rib.is_indexed());
    assert_eq!(rib.get(V4, &v4(999)), Some(&7));
    assert_eq!(rib.len(), 999);
}

#[test]
fn groups_stay_complete_after_swap_removals() {
    let mut rib: AdjRibOut<u8> = AdjRibOut::from_groups(vec![
        (1, V4, (0..10).map(v4).collect()),
        (2, V4, vec![v4(10)]),
    ]);
    for i in [0, 9, 4, 5] {
        assert!(rib.withdraw(V4, v4(i)));
    }
    rib.announce(V4, v4(3), 2);
    let d = dump(&rib);
    assert_eq!(d.len(), 7);
    for i in [1, 2, 6, 7, 8] {
        assert_eq!(d[&(V4, v4(i))], 1);
        assert_eq!(rib.get(V4, &v4(i)), Some(&1));
    }
    assert_eq!(d[&(V4, v4(3))], 2);
    assert_eq!(d[&(V4, v4(10))], 2);
    let order: Vec<u8> = rib.groups().map(|g| *g.0).collect();
    assert_eq!(order, vec![1, 2], "first-seen order");
    assert_eq!(rib.groups_family(V6).count(), 0);
    assert_eq!(rib.groups_family(V4).count(), 2);
}

#[test]
fn from_groups_merges_equal_sets_and_the_last_duplicate_wins() {
    let mut rib: AdjRibOut<u8> = AdjRibOut::from_groups(vec![
        (1, V4, vec![v4(1), v4(2)]),
        (2, V4, vec![v4(2), v4(3)]),
        (1, V4, vec![v4(4), v4(1)]),
        (1, V6, vec![p("2001:db8::/32")]),
    ]);
    assert_eq!(rib.groups().count(), 3);
    assert_eq!(rib.get(V4, &v4(2)), Some(&2));
    rib.announce(V4, v4(5), 1);
    assert_eq!(
        rib.len_family(V4),
        5,
        "duplicates resolved when the index is built"
    );
    let d = dump(&rib);
    assert_eq!(d.len(), 6);
    assert_eq!(d[&(V4, v4(2))], 2);
    assert_eq!(d[&(V4, v4(1))], 1);
}

#[test]
fn prefixes_are_normalized() {
    let mut rib: AdjRibOut<u8> = AdjRibOut::from_groups(vec![(1, V4, vec![p("10.0.1.0/23")])]);
    assert_eq!(rib.get(V4, &p("10.0.0.0/23")), Some(&1));
    assert!(rib.withdraw(V4, p("10.0.0.9/23")));
    assert!(rib.is_empty());
}

#[test]
fn clear_withdraws_everything_as_changes() {
    let mut rib: AdjRibOut<u8> = AdjRibOut::from_groups(vec![
        (1, V4, vec![v4(1), v4(2)]),
        (2, V6, vec![p("2001:db8::/32")]),
    ]);
    rib.announce(V4, v4(3), 2);
    rib.clear();
    assert!(rib.is_empty());
    assert_eq!(rib.groups().count(), 0);
    let c = rib.take_changes();
    assert!(c.announced.is_empty());
    assert_eq!(
        c.withdrawn,
        vec![(V4, vec![v4(1), v4(2)]), (V6, vec![p("2001:db8::/32")])],
        "v4(3) was never sent"
    );
    assert!(rib.announce(V4, v4(1), 1));
    assert_eq!(rib.len(), 1);
}

#[test]
fn path_ids_make_distinct_routes() {
    let mut rib: AdjRibOut<u8> = AdjRibOut::new();
    let with_id = |id| {
        let Nlri::Prefix(p) = v4(1) else {
            unreachable!()
        };
        Nlri::Prefix(herald_wire::Prefix {
            path_id: Some(id),
            ..p
        })
    };
    let (a, b) = (with_id(1), with_id(2));
    assert!(rib.announce(V4, a.clone(), 1));
    assert!(rib.announce(V4, b.clone(), 1));
    assert!(rib.announce(V4, v4(1), 1));
    assert_eq!(rib.len(), 3);
    assert!(rib.withdraw(V4, a));
    assert_eq!(rib.get(V4, &b), Some(&1));
}

// ---- property test: AdjRibOut against a plain map, and the peer's view from the changes ----

#[derive(Clone, Debug)]
enum Op {
    Announce(bool, u8, u8),
    /// One set for several prefixes (duplicates included), through `announce_many`.
    AnnounceMany(bool, Vec<u8>, u8),
    Withdraw(bool, u8),
    Take,
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<bool>(), 0u8..40, 0u8..4).prop_map(|(v6, i, k)| Op::Announce(v6, i, k)),
        2 => (any::<bool>(), prop::collection::vec(0u8..40, 0..10), 0u8..4)
            .prop_map(|(v6, is, k)| Op::AnnounceMany(v6, is, k)),
        4 => (any::<bool>(), 0u8..40).prop_map(|(v6, i)| Op::Withdraw(v6, i)),
        1 => Just(Op::Take),
        1 => Just(Op::Clear),
    ]
}

/// Prefixes, and for every fifth index another family's NLRI as octets (a flow rule).
fn route(v6: bool, i: u8) -> (Family, Nlri) {
    if i % 5 == 0 {
        let flow = Family::new(herald_wire::Afi::IPV4, herald_wire::Safi::FLOW);
        let bytes = [4, 1, 24, 10, i];
        return (
            flow,
            Nlri::Encoded(herald_wire::nlri::EncodedNlri::new(None, &bytes)),
        );
    }
    if v6 {
        (V6, p(&format!("2001:db8:{i:x}::/48")))
    } else {
        (V4, v4(u32::from(i)))
    }
}

fn initial() -> impl Strategy<Value = Vec<(u8, bool, Vec<u8>)>> {
    prop::collection::vec(
        (0u8..4, any::<bool>(), prop::collection::vec(0u8..40, 0..8)),
        0..4,
    )
}

type Peer = StdMap<(Family, Nlri), u8>;

fn apply_changes(peer: &mut Peer, c: Changes<u8>) {
    for (f, ps) in c.withdrawn {
        for p in ps {
            peer.remove(&(f, p));
        }
    }
    for (k, f, ps) in c.announced {
        for p in ps {
            peer.insert((f, p), k);
        }
    }
}

proptest! {
    #[test]
    fn adj_rib_out_matches_a_plain_map_and_its_changes_rebuild_it(
        init in initial(),
        ops in prop::collection::vec(op(), 0..80),
    ) {
        // The initial groups, without duplicates (from_groups' precondition).
        let mut model: Peer = StdMap::new();
        let mut groups = Vec::new();
        for (k, v6, idx) in init {
            let mut ps = Vec::new();
            // A group is one family: flow rules go in a group of their own.
            let mut flows = Vec::new();
            let mut flow_family = V4;
            for i in idx {
                let (f, p) = route(v6, i);
                if let std::collections::hash_map::Entry::Vacant(e) = model.entry((f, p.clone())) {
                    e.insert(k);
                    if f == V4 || f == V6 {
                        ps.push(p);
                    } else {
                        flow_family = f;
                        flows.push(p);
                    }
                }
            }
            groups.push((k, if v6 { V6 } else { V4 }, ps));
            if !flows.is_empty() {
                groups.push((k, flow_family, flows));
            }
        }
        let mut rib = AdjRibOut::from_groups(groups);
        let mut peer = dump(&rib);
        prop_assert_eq!(&peer, &model);
        for op in &ops {
            match *op {
                Op::Announce(v6, i, k) => {
                    let (f, p) = route(v6, i);
                    let changed = model.get(&(f, p.clone())) != Some(&k);
                    model.insert((f, p.clone()), k);
                    prop_assert_eq!(rib.announce(f, p, k), changed);
                }
                Op::AnnounceMany(v6, ref is, k) => {
                    let mut changed = 0;
                    let mut ps = Vec::new();
                    let f = if v6 { V6 } else { V4 };
                    for &i in is.iter().filter(|&&i| route(v6, i).0 == f) {
                        let (f, p) = route(v6, i);
                        if model.insert((f, p.clone()), k) != Some(k) {
                            changed += 1;
                        }
                        ps.push(p);
                    }
                    prop_assert_eq!(rib.announce_many(f, ps.into_iter(), k), changed);
                }
                Op::Withdraw(v6, i) => {
                    let (f, p) = route(v6, i);
                    let there = model.remove(&(f, p.clone())).is_some();
                    prop_assert_eq!(rib.withdraw(f, p), there);
                }
                Op::Take => apply_changes(&mut peer, rib.take_changes()),
                Op::Clear => {
                    rib.clear();
                    model.clear();
                }
            }
            prop_assert_eq!(rib.len(), model.len());
            prop_assert_eq!(
                rib.len_family(V4),
                model.keys().filter(|k| k.0 == V4).count()
            );
        }
        prop_assert_eq!(&dump(&rib), &model);
        for ((f, p), k) in &model {
            prop_assert_eq!(rib.get(*f, p), Some(k));
        }
        apply_changes(&mut peer, rib.take_changes());
        prop_assert_eq!(&peer, &model);
    }
}

/// A labeled or VPN route announced again with another label (same set) replaces the stored
/// octets and is sent again; the same octets change nothing; a withdrawal needs no label.
#[test]
fn a_new_label_replaces_a_vpn_route() {
    use herald_wire::nlri::EncodedNlri;
    let vpn = Family::new(herald_wire::Afi::IPV4, herald_wire::Safi::MPLS_VPN);
    // 10.0.0.0/24, RD 65000:1, label 5 then 6.
    let nlri = |label: u8| {
        let b = [
            0x70,
            0,
            0,
            (label << 4) | 1,
            0,
            0,
            0xfd,
            0xe8,
            0,
            0,
            0,
            1,
            10,
            0,
            0,
        ];
        Nlri::Encoded(EncodedNlri::with_labels(None, &b, 3))
    };
    assert_eq!(nlri(5), nlri(6), "labels are not the route's identity");
    assert!(!nlri(5).same_octets(&nlri(6)));
    let mut rib: AdjRibOut<u8> = AdjRibOut::new();
    assert!(rib.announce(vpn, nlri(5), 1));
    let _ = rib.take_changes();
    assert!(
        !rib.announce(vpn, nlri(5), 1),
        "same octets: nothing to send"
    );
    assert!(rib.announce(vpn, nlri(6), 1), "new label: sent again");
    assert_eq!(rib.len(), 1);
    let c = rib.take_changes();
    assert!(c.withdrawn.is_empty());
    assert_eq!(c.announced.len(), 1);
    assert!(c.announced[0].2[0].same_octets(&nlri(6)));
    let stored: Vec<Nlri> = rib.groups().flat_map(|(_, _, ps)| ps.to_vec()).collect();
    assert!(stored[0].same_octets(&nlri(6)));
    // Through announce_many too.
    assert_eq!(rib.announce_many(vpn, [nlri(7)].into_iter(), 1), 1);
    assert_eq!(rib.announce_many(vpn, [nlri(7)].into_iter(), 1), 0);
    assert!(rib.withdraw(vpn, nlri(9)));
    assert!(rib.is_empty());
}

/// A program that gives every announcement a new attribute value (a timestamp in a MED) must
/// not grow the table: sets with no route left are freed and their slots reused.
#[test]
fn sets_without_routes_are_freed() {
    let mut rib: AdjRibOut<u32> = AdjRibOut::new();
    for round in 0..10_000u32 {
        // 100 routes, each re-announced with a set never seen before.
        let i = round % 100;
        assert!(rib.announce(V4, v4(i), round));
        if round % 7 == 0 {
            let _ = rib.take_changes();
        }
    }
    assert_eq!(rib.len(), 100);
    assert!(
        rib.groups.len() <= 200,
        "{} group slots for 100 routes",
        rib.groups.len()
    );
    assert!(rib.by_key.len() <= 100, "{} keys", rib.by_key.len());
    // Every route is where the index says, with its last set.
    for i in 0..100u32 {
        assert_eq!(rib.get(V4, &v4(i)), Some(&(9_900 + i)));
    }
    // Withdrawing everything frees everything.
    for i in 0..100u32 {
        assert!(rib.withdraw(V4, v4(i)));
    }
    assert_eq!(rib.groups().count(), 0);
    assert_eq!(rib.by_key.len(), 0);
    // A group that shrank gives memory back.
    let mut rib: AdjRibOut<u32> = AdjRibOut::new();
    rib.announce_many(V4, (0..10_000).map(v4), 1);
    rib.announce(V4, v4(0), 1);
    for i in 1..10_000 {
        rib.withdraw(V4, v4(i));
    }
    assert!(
        rib.groups[0].prefixes.capacity() < 1_000,
        "{}",
        rib.groups[0].prefixes.capacity()
    );
}

/// A MUP Type 1 ST route is identified by its RD and prefix (draft-mpmz-bess-mup-safi): a new
/// TEID replaces the route and is sent again, and a withdrawal naming another TEID removes it.
#[test]
fn a_mup_type_1_st_route_with_a_new_teid_replaces_the_old_one() {
    let mup = Family::new(herald_wire::Afi::IPV4, herald_wire::Safi::MUP);
    let t1st = |teid: u8| {
        // Arch 1, type 3, length 23: RD 100:100, /32 prefix 192.168.0.1, TEID, QFI 9,
        // endpoint 10.0.0.1; the key is the 13 octets of RD, prefix length and prefix.
        let b = [
            1, 0, 3, 23, 0, 0, 0, 100, 0, 0, 0, 100, 32, 192, 168, 0, 1, 0, 0, 0, teid, 9, 32, 10,
            0, 0, 1,
        ];
        Nlri::Encoded(herald_wire::nlri::EncodedNlri::with_key(None, &b, 13))
    };
    let mut rib: AdjRibOut<u8> = AdjRibOut::new();
    assert!(rib.announce(mup, t1st(1), 1));
    let _ = rib.take_changes();
    assert!(rib.announce(mup, t1st(2), 1), "new TEID: sent again");
    assert_eq!(rib.len(), 1);
    let c = rib.take_changes();
    assert!(c.withdrawn.is_empty());
    assert!(c.announced[0].2[0].same_octets(&t1st(2)));
    assert!(rib.withdraw(mup, t1st(7)));
    assert!(rib.is_empty());
}
