//! Print every BGP message `herald decode --pcap FILE` reads from a capture, in the same order,
//! one per line, with the decoding context herald uses for it (tab-separated):
//!
//! `index  src  dst  asn4(yes|no)  add-path(families, comma-separated, or none)  negotiated(yes|no)  hex`
//!
//! Used by tests/interop/pcap-oracle.py to feed the same octets, with the same context, to
//! `exabgp decode -c`. The capture reader is herald's own (crates/herald/src/pcap.rs, included
//! here because `herald` is a binary crate).

#[allow(dead_code)]
#[path = "../src/pcap/mod.rs"]
mod pcap;

fn main() -> anyhow::Result<()> {
    let Some(path) = std::env::args_os().nth(1) else {
        anyhow::bail!("usage: pcap_messages FILE.cap");
    };
    let yes = |b: bool| if b { "yes" } else { "no" };
    for (i, m) in pcap::read_bgp_messages(path.as_ref())?.iter().enumerate() {
        let add_path = if m.add_path.is_empty() {
            "none".to_string()
        } else {
            m.add_path
                .iter()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            i + 1,
            m.src,
            m.dst,
            yes(m.asn4),
            add_path,
            yes(m.negotiated),
            hex::encode(&m.bytes)
        );
    }
    Ok(())
}
