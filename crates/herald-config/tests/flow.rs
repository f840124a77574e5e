//! Flow rules (`flow { route … }` and the `announce flow` text commands) against what ExaBGP
//! 5.0.15 sends for the same text.
//!
//! How the reference octets were captured: `tests/data/flow/capture.sh` runs ExaBGP 5.0.15
//! (the project's test virtualenv) on 127.0.88.1 against `tests/interop/sink.py` listening on
//! 127.0.88.2 at a free port; the sink mirrors the families ExaBGP offers and records every
//! UPDATE as hex. `exabgp-flow.hex` is what ExaBGP sent for `exabgp-flow.conf` (every match
//! keyword and action, IPv6, flow-vpn, the one-line and `announce` forms), `exabgp-api.hex`
//! what it sent for the commands of `api-commands.txt` (written by the helper `api.py` of
//! `exabgp-api.conf`), in order; `conf-flow.hex` and `conf-flow-redirect.hex` what it sent
//! for its own examples of those names (see [`exabgp_flow_examples_are_what_exabgp_sends`]):
//!
//! ```text
//! tests/data/flow/capture.sh tests/data/flow/exabgp-flow.conf tests/data/flow/exabgp-flow.hex
//! tests/data/flow/capture.sh tests/data/flow/exabgp-api.conf tests/data/flow/exabgp-api.hex 14
//! ```
//!
//! (run from crates/herald-config; the script finds ExaBGP in `$HERALD_EXABGP` or the test
//! virtualenv `~/.cache/herald/exabgp-venv`).
//!
//! For each rule herald reads from the same text: its NLRI is octet for octet one that
//! ExaBGP sent (every UPDATE is claimed by exactly one rule), in the same family, with the
//! same MP_REACH_NLRI next hop, and its attributes encode to the octets of ExaBGP's
//! communities, extended communities, IPv6 extended communities and large communities (the
//! defaults ORIGIN, AS_PATH and LOCAL_PREF are the daemon's to add, not the rule's). And
//! herald-wire decodes ExaBGP's NLRI to exactly the components herald built.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

use herald_config::{parse_family_flow_command, parse_flow_command, FlowRule, NextHopSpec};
use herald_wire::nlri::flowspec;
use herald_wire::{Afi, Context, Family, Safi};

/// The address capture.sh gives ExaBGP (`next-hop self` becomes it).
const LOCAL: Ipv4Addr = Ipv4Addr::new(127, 0, 88, 1);

fn data(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/flow")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// One UPDATE ExaBGP sent for one flow rule, taken apart by hand (independently of
/// herald-wire): the family, the MP_REACH_NLRI next hop (`None` for a withdrawal), the NLRI
/// and the other attributes as (type code, whole attribute octets).
#[derive(Debug)]
struct Sent {
    line: usize,
    family: Family,
    next_hop: Option<Vec<u8>>,
    nlri: Vec<u8>,
    attributes: Vec<(u8, Vec<u8>)>,
}

fn sent(file: &str) -> Vec<Sent> {
    let mut out = Vec::new();
    for (n, line) in data(file).lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let msg = unhex(line.trim());
        assert_eq!(msg[18], 2, "line {}: not an UPDATE", n + 1);
        let body = &msg[19..];
        let wlen = usize::from(u16::from_be_bytes([body[0], body[1]]));
        assert_eq!(wlen, 0);
        let alen = usize::from(u16::from_be_bytes([body[2], body[3]]));
        let mut a = &body[4..4 + alen];
        let mut s = Sent {
            line: n + 1,
            family: Family::IPV4_UNICAST,
            next_hop: None,
            nlri: Vec::new(),
            attributes: Vec::new(),
        };
        while !a.is_empty() {
            let (flags, code) = (a[0], a[1]);
            let (len, hdr) = if flags & 0x10 != 0 {
                (usize::from(u16::from_be_bytes([a[2], a[3]])), 4)
            } else {
                (usize::from(a[2]), 3)
            };
            let whole = &a[..hdr + len];
            let v = &a[hdr..hdr + len];
            let family = |v: &[u8]| Family::new(Afi(u16::from_be_bytes([v[0], v[1]])), Safi(v[2]));
            match code {
                14 => {
                    s.family = family(v);
                    let nhl = usize::from(v[3]);
                    s.next_hop = Some(v[4..4 + nhl].to_vec());
                    s.nlri = v[5 + nhl..].to_vec();
                }
                15 => {
                    s.family = family(v);
                    s.nlri = v[3..].to_vec();
                }
                1 | 2 | 5 => {}
                _ => s.attributes.push((code, whole.to_vec())),
            }
            a = &a[hdr + len..];
        }
        // End-of-RIB markers carry no NLRI.
        if !s.nlri.is_empty() {
            out.push(s);
        }
    }
    out
}

fn nlri(r: &FlowRule) -> Vec<u8> {
    let mut b = Vec::new();
    r.spec.encode(false, &mut b);
    b
}

fn next_hop(r: &FlowRule) -> Vec<u8> {
    match r.next_hop {
        NextHopSpec::None => Vec::new(),
        NextHopSpec::SelfAddr => LOCAL.octets().to_vec(),
        NextHopSpec::Ip(IpAddr::V4(a)) => a.octets().to_vec(),
        NextHopSpec::Ip(IpAddr::V6(a)) => a.octets().to_vec(),
    }
}

fn attributes(r: &FlowRule) -> Vec<(u8, Vec<u8>)> {
    r.attributes
        .iter()
        .map(|a| {
            let mut b = Vec::new();
            a.encode(&Context::default(), &mut b);
            (a.value.type_code(), b)
        })
        .collect()
}

/// `r` is what ExaBGP sent in `s`: family, NLRI, next hop, attributes; and herald-wire reads
/// ExaBGP's NLRI back as `r`'s components.
fn check(what: &str, r: &FlowRule, s: &Sent, withdraw: bool) {
    assert_eq!(
        r.family, s.family,
        "{what}: family (vector line {})",
        s.line
    );
    assert_eq!(
        hex(&nlri(r)),
        hex(&s.nlri),
        "{what}: NLRI (vector line {})",
        s.line
    );
    if !withdraw {
        assert_eq!(
            Some(hex(&next_hop(r))),
            s.next_hop.as_deref().map(hex),
            "{what}: next hop (vector line {})",
            s.line
        );
        let mine: Vec<(u8, String)> = attributes(r).iter().map(|(c, b)| (*c, hex(b))).collect();
        let theirs: Vec<(u8, String)> = s.attributes.iter().map(|(c, b)| (*c, hex(b))).collect();
        assert_eq!(mine, theirs, "{what}: attributes (vector line {})", s.line);
    }
    let vpn = s.family.safi == Safi::FLOW_VPN;
    let decoded = flowspec::decode(s.family.afi, vpn, &s.nlri, false)
        .unwrap_or_else(|e| panic!("{what}: herald-wire cannot decode ExaBGP's NLRI: {e}"))
        .unwrap_or_else(|| panic!("{what}: herald-wire keeps ExaBGP's NLRI raw"));
    assert_eq!(decoded, vec![r.spec.clone()], "{what}: decoded NLRI");
}

fn config() -> herald_config::Config {
    let text = data("exabgp-flow.conf")
        .replace("@LOCAL@", &LOCAL.to_string())
        .replace("@PEER@", "127.0.88.2")
        .replace("@PORT@", "1790");
    parse(&text, "exabgp-flow.conf")
}

fn parse(text: &str, name: &str) -> herald_config::Config {
    herald_config::parse_str(text, Path::new(name))
        .unwrap_or_else(|e| panic!("{}", e.iter().map(|e| format!("{e}\n")).collect::<String>()))
}

/// Every rule of the configuration's one neighbor is what ExaBGP sent, and every UPDATE
/// ExaBGP sent is one of the rules. A rule written twice with the same NLRI is sent twice by
/// ExaBGP, the later one replacing the earlier at the peer; herald keeps only the later one
/// (with a warning), so the earlier UPDATE is left out of the comparison.
fn same_as_exabgp(cfg: &herald_config::Config, file: &str) {
    let flows = &cfg.neighbors[0].flows;
    let all = sent(file);
    let sent: Vec<&Sent> = all
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            !all[i + 1..]
                .iter()
                .any(|t| t.family == s.family && t.nlri == s.nlri)
        })
        .map(|(_, s)| s)
        .collect();
    let replaced = all.len() - sent.len();
    let warned = cfg
        .warnings
        .iter()
        .filter(|w| w.message.contains("matches the same traffic"))
        .count();
    assert_eq!(warned, replaced, "a warning per rule written again");
    assert_eq!(flows.len(), sent.len(), "one UPDATE per rule");
    let mut claimed = vec![false; sent.len()];
    for r in flows {
        let what = r
            .name
            .clone()
            .unwrap_or_else(|| format!("rule at line {}", r.span.line));
        let mine = nlri(r);
        let hits: Vec<usize> = (0..sent.len())
            .filter(|i| sent[*i].nlri == mine && sent[*i].family == r.family)
            .collect();
        let [i] = hits[..] else {
            panic!(
                "{what}: {} of ExaBGP's UPDATEs carry this NLRI ({} {}); they carry:\n{}",
                hits.len(),
                r.family,
                hex(&mine),
                sent.iter()
                    .map(|s| format!("  line {}: {} {}\n", s.line, s.family, hex(&s.nlri)))
                    .collect::<String>()
            );
        };
        assert!(
            !claimed[i],
            "{what}: vector line {} claimed twice",
            sent[i].line
        );
        claimed[i] = true;
        check(&what, r, sent[i], false);
    }
    assert!(claimed.iter().all(|c| *c));
}

#[test]
fn every_configured_rule_is_octet_for_octet_what_exabgp_sends() {
    same_as_exabgp(&config(), "exabgp-flow.hex");
}

/// ExaBGP's own flow examples, vendored in tests/exabgp-examples, captured the same way (the
/// neighbor moved to the capture addresses: `sed -e 's/neighbor 127.0.0.1 {/neighbor @PEER@
/// {\n\tconnect @PORT@;/' -e 's/local-address 127.0.0.1;/local-address @LOCAL@;/'`, then
/// `SINK_ASN=1 capture.sh` for conf-flow.conf, `SINK_ASN=65500` for conf-flow-redirect.conf).
#[test]
fn exabgp_flow_examples_are_what_exabgp_sends() {
    for name in ["conf-flow", "conf-flow-redirect"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/exabgp-examples")
            .join(format!("{name}.conf"));
        let text = std::fs::read_to_string(&path).unwrap();
        same_as_exabgp(&parse(&text, name), &format!("{name}.hex"));
    }
}

#[test]
fn configured_rules_keep_their_names_and_families() {
    let cfg = config();
    let n = &cfg.neighbors[0];
    let names: Vec<&str> = n.flows.iter().filter_map(|f| f.name.as_deref()).collect();
    assert_eq!(names.first(), Some(&"all-ipv4-components"));
    assert!(names.contains(&"vpn-ipv6"));
    // The one-line rules have no name; `announce { ipv6 { flow … } }` is IPv6 flow.
    let last = n.flows.last().unwrap();
    assert_eq!(
        (last.name.as_deref(), last.family),
        (None, Family::IPV6_FLOW)
    );
    assert_eq!(
        n.families,
        vec![
            Family::IPV4_FLOW,
            Family::IPV4_FLOW_VPN,
            Family::IPV6_FLOW,
            Family::IPV6_FLOW_VPN
        ]
    );
}

#[test]
fn every_api_command_is_octet_for_octet_what_exabgp_sends() {
    let sent = sent("exabgp-api.hex");
    let commands: Vec<String> = data("api-commands.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    assert_eq!(commands.len(), sent.len(), "one UPDATE per command");
    for (c, s) in commands.iter().zip(&sent) {
        let (action, rest) = c.split_once(' ').unwrap();
        let withdraw = action == "withdraw";
        let r = match rest.strip_prefix("flow ") {
            Some(route) => parse_flow_command(route),
            None => parse_family_flow_command(rest),
        }
        .unwrap_or_else(|e| panic!("{c}: {e}"));
        assert_eq!(
            s.next_hop.is_none(),
            withdraw,
            "{c}: vector line {}",
            s.line
        );
        check(c, &r, s, withdraw);
    }
}
