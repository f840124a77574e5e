//! VPLS routes (RFC 4761) in ExaBGP's words: a neighbor's `l2vpn { vpls …; vpls NAME { … } }`
//! and `announce { l2vpn { vpls … } }`, with the Layer2 Info extended community; the NLRI
//! octets herald sends (checked against `exabgp decode` of the same octets in herald-api's
//! JSON tests) and the errors.

use std::path::Path;

use herald_config::{parse_str, Route};
use herald_wire::{Afi, AttrValue, Family, Nlri, Safi};

fn routes(body: &str) -> Result<Vec<Route>, String> {
    let text = format!(
        "neighbor 127.0.0.1 {{ local-address 127.0.0.2; local-as 54591; peer-as 54591; {body} }}"
    );
    parse_str(&text, Path::new("v.conf"))
        .map(|c| c.neighbors.into_iter().next().unwrap().routes.into_vec())
        .map_err(|e| {
            e.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })
}

fn octets(r: &Route) -> String {
    match &r.nlri {
        Nlri::Encoded(e) => hex::encode(e.bytes()),
        n => panic!("{n:?}"),
    }
}

const VPLS: Family = Family::new(Afi::L2VPN, Safi::VPLS);

#[test]
fn the_three_forms_of_exabgps_example_give_the_same_nlri() {
    let r = routes(
        "family { l2vpn vpls; }
         l2vpn {
            vpls rd 192.168.201.1:123 endpoint 5 base 10702 offset 1 size 8 next-hop 192.168.201.1
                 extended-community [ target:54591:6 l2info:19:0:1500:111 ];
            vpls site5 {
                endpoint 6; base 10732; offset 1; size 8;
                next-hop 192.168.201.1; rd 192.168.201.1:124; local-preference 1;
            }
         }
         announce { l2vpn { vpls endpoint 7 base 10702 offset 1 size 8 rd 192.168.201.1:123 next-hop 192.168.201.1; } }",
    )
    .unwrap();
    assert_eq!(r.len(), 3);
    assert!(r.iter().all(|r| r.family == VPLS));
    // Length 17, RD type 1 192.168.201.1:123, VE ID 5, offset 1, size 8, label base
    // 10702 << 4 | bottom of stack.
    assert_eq!(octets(&r[0]), "00110001c0a8c901007b000500010008029ce1");
    assert_eq!(octets(&r[1]), "00110001c0a8c901007c000600010008029ec1");
    assert_eq!(octets(&r[2]), "00110001c0a8c901007b000700010008029ce1");
    let ext = r[0]
        .attributes
        .iter()
        .find_map(|a| match &a.value {
            AttrValue::ExtCommunities(c) => Some(c.clone()),
            _ => None,
        })
        .unwrap();
    assert!(ext
        .iter()
        .any(|c| c.0 == [0x80, 0x0a, 19, 0, 0x05, 0xdc, 0, 111]));
}

#[test]
fn what_a_vpls_route_cannot_be_is_an_error_at_its_place() {
    for (body, want) in [
        ("l2vpn { vpls endpoint 5 base 1 offset 1 size 8 next-hop 192.0.2.1; }", "v.conf:1:86: a VPLS route needs rd"),
        ("l2vpn { vpls rd 1:1 endpoint 70000 base 1 offset 1 size 8 next-hop 192.0.2.1; }", "endpoint is a number from 0 to 65535"),
        ("l2vpn { vpls rd 1:1 endpoint 5 base 1048576 offset 1 size 8 next-hop 192.0.2.1; }", "base is a label, 0 to 1048575"),
        ("l2vpn { vpls rd 1:1 endpoint 5 base 1 offset 1 size 8; }", "route has no next-hop"),
        ("l2vpn { vpls rd 1:1 endpoint 5 base 1 offset 1 size 8 label 5 next-hop 192.0.2.1; }", "a VPLS route has a label base"),
        ("family { ipv4 unicast; } l2vpn { vpls rd 1:1 endpoint 5 base 1 offset 1 size 8 next-hop 192.0.2.1; }", "does not list it"),
    ] {
        let e = routes(body).unwrap_err();
        assert!(e.contains(want), "{body}\n  got: {e}\n  want: {want}");
    }
}
