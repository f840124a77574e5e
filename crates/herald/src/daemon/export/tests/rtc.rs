//! RTC (RFC 4684) routes from the configuration's and the API's words to UPDATEs, against the
//! octets GoBGP 3.10 sends for the same memberships.

use super::*;

/// The attributes of an UPDATE (with header), each as its octets.
fn attribute_octets(msg: &[u8]) -> Vec<Vec<u8>> {
    let u16at = |i: usize| usize::from(u16::from_be_bytes([msg[i], msg[i + 1]]));
    let mut i = 21 + u16at(19);
    let end = i + 2 + u16at(i);
    i += 2;
    let mut v = Vec::new();
    while i < end {
        let (hdr, len) = if msg[i] & 0x10 != 0 {
            (4, u16at(i + 2))
        } else {
            (3, usize::from(msg[i + 2]))
        };
        v.push(msg[i..i + hdr + len].to_vec());
        i += hdr + len;
    }
    v
}

#[test]
fn rtc_routes_go_in_mp_reach_as_gobgp_sends_them() {
    // GoBGP 3.10's UPDATEs for the same memberships (crates/herald-wire/tests/vectors/
    // gobgp-rtc.txt: origin AS 65000, next hop 127.0.27.9, IBGP): herald sends the same
    // attributes octet for octet, MP_REACH_NLRI first (RFC 7606 §5.1) where GoBGP puts it
    // last, and withdraws with the same MP_UNREACH_NLRI.
    let gobgp: Vec<Vec<u8>> =
        include_str!("../../../../../herald-wire/tests/vectors/gobgp-rtc.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .skip(1)
            .map(|l| hex::decode(l).unwrap())
            .collect();
    let rtc = Family::new(Afi::IPV4, Safi::RTC);
    let mut v = view(65001, true);
    v.negotiated.families.push(rtc);
    let ctx = v.negotiated.send_context();
    let rts = [
        "65000:1",
        "target:192.0.2.1:5",
        "65535:7",
        "target:4200000000:7",
    ];
    for (rt, theirs) in rts.iter().zip(&gobgp) {
        let r = herald_config::parse_rtc_route(&format!(
            "origin 65000 route-target {rt} next-hop 127.0.27.9"
        ))
        .unwrap();
        let p = prepare(&key(rtc, r.next_hop, vec![]), &v, &ctx).unwrap();
        let mut out = Vec::new();
        announce(&mut out, &ctx, &p, std::slice::from_ref(&r.nlri)).unwrap();
        let (ours, mut theirs_attrs) = (attribute_octets(&out), attribute_octets(theirs));
        assert_eq!(ours.first().map(|a| a[1]), Some(14), "{rt}");
        let mut ours_sorted = ours.clone();
        ours_sorted.sort();
        theirs_attrs.sort();
        assert_eq!(ours_sorted, theirs_attrs, "{rt}");
        assert_eq!(out.len(), theirs.len(), "{rt}");
    }
    // The first one in full.
    let r = herald_config::parse_rtc_route(
        "origin 65000 route-target target:65000:1 next-hop 127.0.27.9",
    )
    .unwrap();
    let p = prepare(&key(rtc, r.next_hop, vec![]), &v, &ctx).unwrap();
    let mut out = Vec::new();
    announce(&mut out, &ctx, &p, std::slice::from_ref(&r.nlri)).unwrap();
    assert_eq!(
        hex::encode_upper(&out),
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003E0200000027800E16000184047F001B0900600000FDE80002FDE80000000140010100400200400504\
         00000064"
    );
    // The withdrawal of the 4-octet AS route target: GoBGP's octets exactly.
    let r =
        herald_config::parse_rtc_route("origin 65000 route-target target:4200000000:7").unwrap();
    let mut out = Vec::new();
    herald_wire::builder::withdraw(&mut out, &ctx, rtc, std::slice::from_ref(&r.nlri));
    assert_eq!(Some(&out), gobgp.get(4));
    // The default route (RFC 4684 §4: length 0) with next-hop self: the local address.
    let r = herald_config::parse_rtc_route("default next-hop self").unwrap();
    let p = prepare(&key(rtc, r.next_hop, vec![]), &v, &ctx).unwrap();
    let mut out = Vec::new();
    announce(&mut out, &ctx, &p, std::slice::from_ref(&r.nlri)).unwrap();
    assert_eq!(
        hex::encode_upper(&out),
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0032020000001B800E0A00018404C000020A000040010100400200400504\
         00000064"
    );
}
