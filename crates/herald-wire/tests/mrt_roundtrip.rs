//! Real-world oracle: every UPDATE of a RouteViews MRT updates file (read with herald-mrt)
//! decodes with `Message::decode` and re-encodes with `Message::encode` to the same octets.
//!
//! Data: `crates/herald-mrt/testdata/updates.20190101.0000.gz` (RouteViews BGP4MP updates,
//! 2019-01-01 00:00–00:05 UTC; see that directory's PROVENANCE.md).

use std::path::Path;

use herald_wire::{Context, Family, Message};

/// The first offset where `a` and `b` differ, with a few octets of each from there.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let show = |v: &[u8]| {
        v.iter()
            .skip(at.saturating_sub(4))
            .take(24)
            .map(|x| format!("{x:02x}"))
            .collect::<String>()
    };
    format!(
        "lengths {} vs {}, first difference at octet {at}: {} vs {}",
        a.len(),
        b.len(),
        show(a),
        show(b)
    )
}

#[test]
fn every_update_in_routeviews_mrt_file_round_trips_byte_for_byte() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../herald-mrt/testdata/updates.20190101.0000.gz");
    let reader = herald_mrt::open(&path).expect("open MRT file");
    let mut updates = 0u64;
    let mut failures = Vec::new();
    let mut with_attr_errors = 0u64;
    for m in reader {
        let m = m.expect("MRT record");
        if m.message.get(18) != Some(&2) {
            continue;
        }
        updates += 1;
        let ctx = Context {
            asn4: m.asn4,
            add_path: if m.add_path {
                vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST]
            } else {
                vec![]
            },
            max_message_len: if m.message.len() > 4096 { 65535 } else { 4096 },
            ..Context::default()
        };
        let where_ = format!(
            "record at offset {} (peer AS{} {}, asn4 {})",
            m.offset, m.peer_as, m.peer_ip, m.asn4
        );
        match Message::decode(&m.message, &ctx) {
            Err(e) => failures.push(format!("{where_}: decode error {e:?}")),
            Ok(msg) => {
                if let Message::Update(u) = &msg {
                    if !u.errors.is_empty() {
                        with_attr_errors += 1;
                        eprintln!("{where_}: RFC 7606 errors {:?}", u.errors);
                    }
                }
                let again = msg.to_bytes(&ctx);
                if again != m.message {
                    failures.push(format!(
                        "{where_}: re-encoding differs, {}",
                        first_difference(&m.message, &again)
                    ));
                }
            }
        }
    }
    eprintln!("{updates} UPDATEs, {with_attr_errors} with RFC 7606 attribute errors");
    assert!(updates > 10_000, "only {updates} UPDATEs");
    assert!(
        failures.is_empty(),
        "{} of {updates} UPDATEs failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
