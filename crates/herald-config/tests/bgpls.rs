//! BGP-LS (RFC 9552): ExaBGP's `family { bgp-ls bgp-ls; bgp-ls bgp-ls-vpn; }` is accepted, so
//! the families are negotiated and received routes decoded; herald, like ExaBGP, has no
//! BGP-LS routes of its own, so announcing one is refused at its place.

use std::path::Path;

use herald_config::{parse_str, Config};
use herald_wire::{Afi, Family, Safi};

const LS: Family = Family::new(Afi::BGP_LS, Safi::BGP_LS);
const LS_VPN: Family = Family::new(Afi::BGP_LS, Safi::BGP_LS_VPN);

fn parse(body: &str) -> Result<Config, String> {
    let text = format!(
        "neighbor 127.0.0.1 {{ router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1; {body} }}"
    );
    parse_str(&text, Path::new("ls.conf")).map_err(|e| {
        e.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[test]
fn family_bgp_ls_is_accepted_and_negotiated() {
    let c = parse("family { bgp-ls bgp-ls; }").unwrap();
    assert_eq!(c.neighbors[0].families, [LS]);
    let c = parse("family { ipv4 unicast; bgp-ls bgp-ls; bgp-ls bgp-ls-vpn; }").unwrap();
    assert_eq!(c.neighbors[0].families, [Family::IPV4_UNICAST, LS, LS_VPN]);
}

#[test]
fn bgp_ls_routes_cannot_be_announced() {
    let e = parse("family { bgp-ls bgp-ls; } announce { bgp-ls { bgp-ls 0x0001; } }").unwrap_err();
    assert!(
        e.contains("ls.conf:1:126: unknown address family 'bgp-ls' in announce"),
        "{e}"
    );
    // Not a family herald knows under another AFI.
    let e = parse("family { ipv4 bgp-ls; }").unwrap_err();
    assert!(e.contains("ipv4 bgp-ls"), "{e}");
}
