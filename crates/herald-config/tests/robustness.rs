//! The parser never panics, whatever the text.

use std::path::Path;

use proptest::prelude::*;

fn examples() -> &'static [String] {
    static CACHE: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    CACHE.get_or_init(load)
}

fn load() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/exabgp-examples");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    v.sort();
    v.into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Words of the flow grammar for [`arbitrary_flow_rules_never_panic`].
const FLOW_WORDS: &[&str] = &[
    "source",
    "destination",
    "10.0.0.0/8",
    "192.0.2.1/32",
    "2001:db8::/32",
    "::1/128/120",
    "0.0.0.0/0",
    "::/0",
    "protocol",
    "next-header",
    "port",
    "destination-port",
    "source-port",
    "icmp-type",
    "icmp-code",
    "tcp-flags",
    "packet-length",
    "dscp",
    "traffic-class",
    "fragment",
    "flow-label",
    "[",
    "]",
    "=80",
    ">1024&<2048",
    "!=0",
    "tcp",
    "udp+tcp",
    "syn+ack",
    "!=rst",
    "=is-fragment",
    "0x10",
    "65535",
    "1048575",
    "true5",
    "&",
    "discard",
    "accept",
    "rate-limit",
    "9600",
    "packets",
    "redirect",
    "65000:1",
    "192.0.2.9",
    "2001:db8::9",
    "copy",
    "mark",
    "46",
    "action",
    "sample",
    "redirect-to-nexthop",
    "redirect-to-nexthop-ietf",
    "community",
    "65000:1",
    "extended-community",
    "target:1:1",
    "rate-limit:0",
    "large-community",
    "1:2:3",
    "interface-set",
    "transitive:input:1:1",
    "rd",
    "1.2.3.4:5",
    "next-hop",
    "self",
    "{",
    "}",
    ";",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(s in "[ -~\t\n{}\\[\\]();#'\"\\\\]{0,300}") {
        let _ = herald_config::parse_str(&s, Path::new("x"));
        let _ = herald_config::parse_route_specs(&s);
        let _ = herald_config::parse_attributes_nlri(&s);
        for r in [herald_config::parse_flow_command(&s), herald_config::parse_family_flow_command(&s)] {
            if let Err(e) = r {
                prop_assert!(e.to_string().starts_with("<command>:"), "{e}");
                prop_assert!(e.line >= 1);
            }
        }
    }

    /// Flow rules made of the words of the flow grammar, in any order: read or refused,
    /// never a panic; what is read encodes to an NLRI herald-wire decodes back to the same.
    #[test]
    fn arbitrary_flow_rules_never_panic(words in proptest::collection::vec(0usize..FLOW_WORDS.len(), 0..24)) {
        let text: Vec<&str> = words.iter().map(|i| FLOW_WORDS[*i]).collect();
        let line = format!("route {}", text.join(" "));
        if let Ok(r) = herald_config::parse_flow_command(&line) {
            let mut b = Vec::new();
            r.spec.encode(false, &mut b);
            let vpn = r.family.safi == herald_wire::Safi::FLOW_VPN;
            let back = herald_wire::nlri::flowspec::decode(r.family.afi, vpn, &b, false);
            prop_assert_eq!(back, Ok(Some(vec![r.spec.clone()])), "{}", line);
        }
        let block = format!("route x {{ match {{ {} }} }}", text.join("; "));
        let _ = herald_config::parse_flow_command(&block);
        let _ = herald_config::parse_family_flow_command(&format!("ipv6 flow {}", text.join(" ")));
    }

    #[test]
    fn cut_and_spliced_examples_never_panic(
        i in 0usize..86, j in 0usize..86, a in 0usize..4000, b in 0usize..4000
    ) {
        let ex = examples();
        let (x, y) = (&ex[i % ex.len()], &ex[j % ex.len()]);
        let cut = |s: &str, n: usize| {
            let mut n = n.min(s.len());
            while !s.is_char_boundary(n) { n -= 1; }
            n
        };
        let text = format!("{}{}", &x[..cut(x, a)], &y[cut(y, b)..]);
        let _ = herald_config::parse_str(&text, Path::new("x"));
    }
}
