//! The command parser on lines ExaBGP's own helper programs write, and on anything at all.

use herald_api::command::{parse, Command};
use proptest::prelude::*;

/// Every complete command line of ExaBGP 5.0.15's example helpers
/// (tests/vectors/exabgp-run-commands.txt) parses, or is refused as documented.
#[test]
fn exabgp_example_helper_lines() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/exabgp-run-commands.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut n = 0;
    for l in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (head, line) = l.split_once(" | ").unwrap();
        let (want, file) = head.split_once(' ').unwrap();
        let got = parse(line);
        match (want, &got) {
            ("ok", Ok(_)) => {}
            ("unsupported", Err(e)) if e.is_unsupported() => {}
            ("error", Err(e)) if !e.is_unsupported() => {}
            _ => panic!("{file}: {line:?}: expected {want}, got {got:?}"),
        }
        n += 1;
    }
    assert!(n >= 60, "{n} lines");
}

/// The parsed value of some of those lines.
#[test]
fn exabgp_example_helper_lines_values() {
    let l = parse("neighbor 127.0.0.1 local-as 1 family-allowed in-open announce                         route 9.9.9.9/24 next-hop 101.1.101.1");
    // 9.9.9.9/24 has host bits: refused, as ExaBGP 5.0.15 does ("invalid network 9.9.9.9
    // for netmask 24").
    assert!(l.is_err());
    let l = parse("neighbor 127.0.0.1 local-as 1 family-allowed ipv4-unicast announce                    route 1.2.0.0/24 next-hop 101.1.101.1").unwrap();
    assert_eq!(
        l.selectors[0].family_allowed.as_deref(),
        Some("ipv4-unicast")
    );
    assert_eq!(l.selectors[0].local_as, Some(1));
    let Command::Announce(r) = l.command else {
        panic!()
    };
    assert_eq!(r[0].prefix().unwrap().net.to_string(), "1.2.0.0/24");
}

fn words() -> impl Strategy<Value = String> {
    let vocab = prop::sample::select(vec![
        "neighbor",
        "*",
        ",",
        "10.0.0.1",
        "2001:db8::1",
        "local-as",
        "peer-as",
        "local-ip",
        "router-id",
        "family-allowed",
        "announce",
        "withdraw",
        "route",
        "attributes",
        "attribute",
        "nlri",
        "ipv4",
        "ipv6",
        "unicast",
        "multicast",
        "flow",
        "eor",
        "route-refresh",
        "watchdog",
        "teardown",
        "show",
        "adj-rib",
        "in",
        "out",
        "flush",
        "clear",
        "summary",
        "json",
        "10.0.0.0/24",
        "10.0.0.1/24",
        "::/0",
        "next-hop",
        "self",
        "med",
        "100",
        "community",
        "[",
        "]",
        "(",
        ")",
        "{",
        "}",
        ";",
        "#",
        "65000:1",
        "split",
        "/25",
        "/33",
        "as-path",
        "path-information",
        "\"",
        "'",
        "\\",
        "extended-community",
        "target:1:1",
        "large-community",
        "1:2:3",
        "attribute",
        "0x63",
        "0xC0",
        "0x0102",
        "4294967296",
        "99999999999999999999",
        "é",
        "\t",
        "rd",
        "label",
        "debug",
        "#x",
    ]);
    prop::collection::vec(vocab, 0..24).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn random_text_never_panics(s in "\\PC{0,200}") {
        let _ = parse(&s);
    }

    #[test]
    fn random_bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse(&String::from_utf8_lossy(&b));
    }

    #[test]
    fn random_command_words_never_panic(s in words()) {
        if let Err(e) = parse(&s) {
            // The column is within the line, or one past its end.
            prop_assert!(e.column >= 1 && e.column <= s.len() + 1, "{s:?}: {e}");
        }
    }
}
