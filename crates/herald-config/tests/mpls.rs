//! Labeled unicast (RFC 8277) and MPLS VPN (RFC 4364, RFC 4659) routes: `rd` and `label` in
//! `static` routes and in `announce { ipv4|ipv6 { nlri-mpls|mpls-vpn … } }`, the family they
//! give a route, the NLRI octets herald will send, and the errors for what cannot be sent.

use std::path::Path;

use herald_config::{parse_str, Config, Route};
use herald_wire::{Afi, Family, Nlri, Safi};

fn parse(text: &str) -> Result<Config, String> {
    parse_str(text, Path::new("test.conf")).map_err(|e| {
        e.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn neighbor(body: &str) -> String {
    format!(
        "neighbor 192.0.2.2 {{ local-address 192.0.2.1; local-as 65000; peer-as 65000; {body} }}"
    )
}

fn routes(body: &str) -> Vec<Route> {
    let c = parse(&neighbor(body)).unwrap_or_else(|e| panic!("{e}"));
    c.neighbors.into_iter().next().unwrap().routes.into_vec()
}

/// The NLRI octets (without path identifier) and the path identifier.
fn octets(r: &Route) -> (String, Option<u32>) {
    match &r.nlri {
        Nlri::Encoded(e) => (hex::encode(e.bytes()), e.path_id),
        Nlri::Prefix(p) => panic!("a prefix, not encoded NLRI: {p:?}"),
    }
}

const VPN4: Family = Family::new(Afi::IPV4, Safi::MPLS_VPN);
const VPN6: Family = Family::new(Afi::IPV6, Safi::MPLS_VPN);
const LU4: Family = Family::new(Afi::IPV4, Safi::MPLS_LABEL);
const LU6: Family = Family::new(Afi::IPV6, Safi::MPLS_LABEL);

#[test]
fn a_static_route_with_rd_and_label_is_a_vpn_route() {
    let r = routes(
        "static { route 10.0.0.0/24 rd 65000:1 label 1000 next-hop 192.0.2.9 path-information 7; }",
    );
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].family, VPN4);
    // bits 24 + 64 + 24 = 112 (0x70); label 1000 with bottom of stack = 0x003e81;
    // RD type 0, AS 65000, 1; prefix 10.0.0.
    assert_eq!(
        octets(&r[0]),
        ("70003e810000fde8000000010a0000".into(), Some(7))
    );
}

#[test]
fn rd_in_its_three_forms_and_a_label_stack() {
    let r = routes(
        "static {
            route 10.0.1.0/24 rd 192.168.201.1:124 label [ 100 200 ] next-hop 192.0.2.9;
            route 10.0.2.0/24 rd 100000:5 label 16 next-hop 192.0.2.9;
            route 2001:db8::/32 rd 3215:583457597 label 926 next-hop ::ffff:192.0.2.9;
        }",
    );
    assert_eq!(
        r.iter().map(|r| r.family).collect::<Vec<_>>(),
        vec![VPN4, VPN4, VPN6]
    );
    // Two labels: only the last has the bottom-of-stack bit; 48 + 64 + 24 = 136 bits.
    assert_eq!(octets(&r[0]).0, "88000640000c810001c0a8c901007c0a0001");
    assert_eq!(octets(&r[1]).0, "700001010002000186a000050a0002");
    assert_eq!(octets(&r[2]).0, "780039e100000c8f22c6db3d20010db8");
}

#[test]
fn a_label_without_rd_is_labeled_unicast() {
    let r = routes(
        "static {
            route 10.0.3.0/24 label 3 next-hop 192.0.2.9;
            route 2001:db8:1::/48 label [ 800001 ] next-hop 2001:db8::9;
        }",
    );
    assert_eq!((r[0].family, r[1].family), (LU4, LU6));
    assert_eq!(octets(&r[0]).0, "300000310a0003");
    assert_eq!(octets(&r[1]).0, "48c3501120010db80001");
}

#[test]
fn announce_blocks_name_the_family() {
    let r = routes(
        "announce {
            ipv4 { mpls-vpn 10.0.4.0/24 rd 65000:4 label 44 next-hop 192.0.2.9; }
            ipv6 { nlri-mpls 2001:db8:4::/48 label 45 next-hop 2001:db8::9; }
            ipv4 { labeled-unicast 10.0.5.0/24 label 46 next-hop 192.0.2.9; }
        }",
    );
    assert_eq!(
        r.iter().map(|r| r.family).collect::<Vec<_>>(),
        vec![VPN4, LU6, LU4]
    );
}

#[test]
fn split_gives_every_part_the_rd_and_label() {
    let r =
        routes("static { route 10.0.0.0/24 rd 65000:1 label 1000 next-hop 192.0.2.9 split /25; }");
    let o: Vec<String> = r.iter().map(|r| octets(r).0).collect();
    assert_eq!(
        o,
        [
            "71003e810000fde8000000010a000000",
            "71003e810000fde8000000010a000080"
        ]
    );
}

#[test]
fn families_follow_the_routes_and_a_family_block_must_list_them() {
    let c = parse(&neighbor(
        "static { route 10.0.0.0/24 rd 65000:1 label 5 next-hop 192.0.2.9; }",
    ))
    .unwrap();
    assert!(c.neighbors[0].families.contains(&VPN4));
    let e = parse(&neighbor(
        "family { ipv4 unicast; } static { route 10.0.0.0/24 rd 65000:1 label 5 next-hop 192.0.2.9; }",
    ))
    .unwrap_err();
    assert!(
        e.contains("route 10.0.0.0/24 rd 65000:1 is ipv4 mpls-vpn but the neighbor's family block does not list it"),
        "{e}"
    );
    let c = parse(&neighbor(
        "family { ipv4 mpls-vpn; ipv6 mpls-vpn; ipv4 nlri-mpls; ipv6 labeled-unicast; }",
    ))
    .unwrap();
    assert_eq!(c.neighbors[0].families, vec![LU4, VPN4, LU6, VPN6]);
}

#[test]
fn what_cannot_be_sent_is_an_error_at_its_place() {
    for (body, want) in [
        (
            "static { route 10.0.0.0/24 rd 65000:1 next-hop 192.0.2.9; }",
            "test.conf:1:87: a VPN route (rd) needs a label (at 'route')",
        ),
        (
            "announce { ipv4 { mpls-vpn 10.0.0.0/24 label 5 next-hop 192.0.2.9; } }",
            "a VPN route (mpls-vpn) needs an rd",
        ),
        (
            "announce { ipv4 { nlri-mpls 10.0.0.0/24 next-hop 192.0.2.9; } }",
            "a labeled route (nlri-mpls) needs a label",
        ),
        // The same attribute text read before in another statement or block is read again
        // for this one: its meaning (and its errors) depend on where it is written.
        (
            "static { route 10.0.1.0/24 label 5 next-hop 192.0.2.9; } \
             announce { ipv4 { mpls-vpn 10.0.0.0/24 label 5 next-hop 192.0.2.9; } }",
            "a VPN route (mpls-vpn) needs an rd",
        ),
        (
            "announce { ipv4 { unicast 10.0.1.0/24 next-hop 192.0.2.9; \
             nlri-mpls 10.0.0.0/24 next-hop 192.0.2.9; } }",
            "a labeled route (nlri-mpls) needs a label",
        ),
        (
            "static { route 10.0.1.0/24 next-hop 192.0.2.9; } \
             announce { ipv4 { nlri-mpls 10.0.0.0/24 next-hop 192.0.2.9; } }",
            "a labeled route (nlri-mpls) needs a label",
        ),
        (
            "static { route 10.0.0.0/24 label 1048576 next-hop 192.0.2.9; }",
            "a label is a number from 0 to 1048575",
        ),
        (
            "static { route 10.0.0.0/24 rd 70000:65536 label 1 next-hop 192.0.2.9; }",
            "invalid route distinguisher",
        ),
        (
            "static { route 10.0.0.0/24 rd 1.2.3:4 label 1 next-hop 192.0.2.9; }",
            "invalid route distinguisher",
        ),
        (
            "announce { ipv4 { multicast 224.0.0.0/24 label 1 next-hop 192.0.2.9; } }",
            "rd and label make no sense for ipv4 multicast routes",
        ),
    ] {
        let e = parse(&neighbor(body)).unwrap_err();
        assert!(e.contains(want), "{body}\n  got: {e}\n  want: {want}");
    }
}

#[test]
fn the_rd_is_part_of_a_vpn_route_and_the_label_is_not() {
    // The same prefix under two RDs: two routes (RFC 4364 §4.1).
    let r = routes(
        "static {
            route 10.0.0.0/24 rd 65000:1 label 5 next-hop 192.0.2.9;
            route 10.0.0.0/24 rd 65000:2 label 5 next-hop 192.0.2.9;
        }",
    );
    assert_eq!(r.len(), 2);
    assert_ne!(r[0].key(), r[1].key());
    // The same prefix and RD with another label: one route, the later one, with a warning.
    let c = parse(&neighbor(
        "static {
            route 10.0.0.0/24 rd 65000:1 label 5 next-hop 192.0.2.9;
            route 10.0.0.0/24 rd 65000:1 label 6 next-hop 192.0.2.9;
        }",
    ))
    .unwrap();
    let r = &c.neighbors[0].routes;
    assert_eq!(r.len(), 1);
    assert_eq!(
        octets(&r[0]).0,
        "70000061".to_string() + "0000fde8000000010a0000"
    );
    assert!(
        c.warnings
            .iter()
            .any(|w| w.message.contains("is defined again")),
        "{:?}",
        c.warnings
    );
}

#[test]
fn a_reload_that_changes_only_a_label_announces_the_route_again() {
    let before = routes("static { route 10.0.0.0/24 rd 65000:1 label 5 next-hop 192.0.2.9; }");
    let after = routes("static { route 10.0.0.0/24 rd 65000:1 label 6 next-hop 192.0.2.9; }");
    let (announce, withdraw) = herald_config::diff::diff_routes(&before, &after);
    assert_eq!((announce.len(), withdraw.len()), (1, 0));
    assert_eq!(octets(&announce[0]).0, octets(&after[0]).0);
}
