use super::*;
use herald_wire::Context;

const LOCAL: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

fn h(s: &str) -> Vec<u8> {
    let clean: String = s
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect::<String>()
        .split_whitespace()
        .collect();
    hex::decode(clean).unwrap()
}

fn body(u: &Update) -> Vec<u8> {
    let mut out = Vec::new();
    u.encode_body(&Context::default(), &mut out);
    out
}

fn rts() -> Vec<RouteTarget> {
    vec![RouteTarget::parse("64512:79").unwrap()]
}

fn adv(rts: &[RouteTarget]) -> Advertised<'_> {
    Advertised {
        next_hop: LOCAL,
        export_rts: rts,
        local_pref: 100,
        hash_order: 0,
    }
}

fn rd(n: u16) -> RouteDistinguisher {
    crate::alloc::RdAllocator::rd(LOCAL, n)
}

/// Decode an UPDATE body the way a peer would, and read the VPN routes back (without the
/// ORIGIN and AS_PATH `to_update` added).
fn read_back(b: &[u8]) -> UpdateRoutes {
    let u = Update::decode(b, &Context::default()).unwrap();
    assert_eq!(u.action(), None, "{:?}", u.errors);
    let mut got = routes_from_update(&u);
    for r in &mut got.announced {
        r.attributes
            .retain(|a| !matches!(a.value.type_code(), 1 | 2));
    }
    got
}

#[test]
fn evpn_mac_ip_route_octets() {
    let rts = rts();
    let mac = MacAddress([0x52, 0x54, 0x00, 0x99, 0x99, 0x22]);
    let r = evpn_mac_ip(
        rd(1),
        mac,
        Some("12.11.11.1".parse().unwrap()),
        1000,
        &adv(&rts),
    );
    // RFC 4271 §4.3 UPDATE, RFC 4760 §3 MP_REACH_NLRI, RFC 7432 §7.2 MAC/IP route,
    // RFC 8365 §5.1.3 (Label1 = the 24-bit VNI), RFC 9012 §4.1 Encapsulation community.
    let expected = h("
        0000                  # withdrawn routes length 0
        0055                  # total path attribute length 85 = 52 + 4 + 3 + 7 + 19
        90 0e 0030            # MP_REACH_NLRI, optional + extended length, 48 octets
          0019 46             # AFI 25 (L2VPN), SAFI 70 (EVPN)
          04 c0000201         # next hop length 4: 192.0.2.1
          00                  # reserved
          02 25               # route type 2, length 37 = 8 + 10 + 4 + 1 + 6 + 1 + 4 + 3
          0001 c0000201 0001  # RD type 1, 192.0.2.1:1
          00000000000000000000  # ESI 0 (single-homed)
          00000000            # Ethernet tag 0
          30 525400999922     # MAC length 48, MAC
          20 0c0b0b01         # IP length 32, 12.11.11.1
          0003e8              # Label1: VNI 1000 as 24 bits
        40 01 01 00           # ORIGIN IGP
        40 02 00              # AS_PATH empty (internal peer)
        40 05 04 00000064     # LOCAL_PREF 100
        c0 10 10              # EXTENDED COMMUNITIES, optional transitive, 16 octets
          0002 fc00 0000004f  # route target 64512:79 (type 0, sub-type 2)
          030c 00000000 0008  # Encapsulation (type 3, sub-type 0x0c), tunnel type 8 VXLAN
    ");
    let b = body(&r.to_update());
    assert_eq!(hex::encode(&b), hex::encode(&expected));
    assert_eq!(read_back(&b).announced, vec![r]);
}

#[test]
fn evpn_inclusive_multicast_route_octets_with_pmsi_tunnel() {
    let rts = rts();
    let r = evpn_imet(rd(1), 1000, &adv(&rts));
    // RFC 7432 §7.3 Inclusive Multicast Ethernet Tag route, RFC 6514 §5 PMSI Tunnel attribute
    // (RFC 7432 §11.2: ingress replication, tunnel identifier = originator address).
    let expected = h("
        0000
        004d                  # 77 = 32 + 4 + 3 + 7 + 19 + 12
        90 0e 001c            # MP_REACH_NLRI, 28 octets
          0019 46 04 c0000201 00
          03 11               # route type 3, length 17 = 8 + 4 + 1 + 4
          0001 c0000201 0001  # RD 192.0.2.1:1
          00000000            # Ethernet tag 0
          20 c0000201         # originating router's IP: length 32, 192.0.2.1
        40 01 01 00
        40 02 00
        40 05 04 00000064
        c0 10 10 0002fc000000004f 030c000000000008
        c0 16 09              # PMSI_TUNNEL (22), optional transitive, 9 octets
          00                  # flags: no leaf information required
          06                  # tunnel type 6: ingress replication
          0003e8              # MPLS label field: VNI 1000 (RFC 8365 §5.1.3)
          c0000201            # tunnel identifier: 192.0.2.1
    ");
    let b = body(&r.to_update());
    assert_eq!(hex::encode(&b), hex::encode(&expected));
    let back = read_back(&b).announced;
    assert_eq!(back, vec![r.clone()]);
    let p = back[0].pmsi_tunnel().unwrap();
    assert_eq!((p.tunnel_type, p.label), (6, 1000));
}

#[test]
fn vpnv4_route_octets() {
    let rts = rts();
    let r = vpn_route(rd(2), "10.0.0.2/32".parse().unwrap(), 16, &adv(&rts), &[]);
    // RFC 4364 §4.3.4 VPN-IPv4 NLRI with one RFC 8277 label, §4.3.2 next hop with a zero RD.
    let expected = h("
        0000
        0046                  # 70 = 37 + 4 + 3 + 7 + 19
        90 0e 0021            # MP_REACH_NLRI, 33 octets
          0001 80             # AFI 1, SAFI 128 (MPLS-labeled VPN)
          0c 0000000000000000 c0000201  # next hop length 12: RD 0, 192.0.2.1
          00
          78                  # 120 bits = label 24 + RD 64 + prefix 32
          000101              # label 16 (16 << 4), bottom of stack
          0001 c0000201 0002  # RD 192.0.2.1:2
          0a000002            # 10.0.0.2
        40 01 01 00
        40 02 00
        40 05 04 00000064
        c0 10 10 0002fc000000004f
          030c 00000000 000a  # Encapsulation, tunnel type 10 MPLS
    ");
    let b = body(&r.to_update());
    assert_eq!(hex::encode(&b), hex::encode(&expected));
    assert_eq!(read_back(&b).announced, vec![r.clone()]);
    // The withdrawal names the same route, with the RFC 8277 compatibility label.
    let w = body(&r.to_withdraw());
    let expected = h("
        0000 0017             # no withdrawn routes; 23 octets of attributes
        90 0f 0013            # MP_UNREACH_NLRI, 19 octets
          0001 80             # VPN-IPv4
          78 800000           # 120 bits; compatibility field 0x800000 (RFC 8277 §2.4)
          0001c00002010002 0a000002
    ");
    assert_eq!(hex::encode(&w), hex::encode(expected));
    assert_eq!(read_back(&w).withdrawn, vec![r.key()]);
}

#[test]
fn vpnv6_route_from_an_ipv4_pe_uses_a_mapped_next_hop() {
    let rts = rts();
    let r = vpn_route(
        rd(2),
        "2001:db8::5/128".parse().unwrap(),
        17,
        &adv(&rts),
        &[],
    );
    assert_eq!(r.family(), VPNV6);
    let NextHop::Vpn(_, IpAddr::V6(a)) = r.mp_next_hop() else {
        panic!("not a VPN next hop")
    };
    assert_eq!(a.to_ipv4_mapped(), Some(LOCAL));
    let back = read_back(&body(&r.to_update())).announced;
    assert_eq!(
        back[0].next_hop,
        IpAddr::V4(LOCAL),
        "read back as the IPv4 PE address"
    );
}

#[test]
fn rtc_route_octets() {
    let r = rtc_route(64512, rts()[0], LOCAL);
    let mp = r.mp_reach();
    let mut nlri = Vec::new();
    mp.nlri.encode(false, &mut nlri);
    // RFC 4684 §4: length 96, origin AS 64512, the route target.
    assert_eq!(hex::encode(nlri), "600000fc000002fc000000004f");
    assert_eq!(read_back(&body(&r.to_update())).announced, vec![r]);
}

#[test]
fn a_route_with_another_label_has_the_same_key() {
    let rts = rts();
    let a = vpn_route(rd(2), "10.0.0.2/32".parse().unwrap(), 16, &adv(&rts), &[]);
    let b = vpn_route(rd(2), "10.0.0.2/32".parse().unwrap(), 17, &adv(&rts), &[]);
    assert_eq!(a.key(), b.key());
    let mac = MacAddress([2, 0, 0, 0, 0, 1]);
    let c = evpn_mac_ip(rd(1), mac, None, 10, &adv(&rts));
    let d = evpn_mac_ip(rd(1), mac, None, 11, &adv(&rts));
    assert_eq!(c.key(), d.key());
    assert_eq!(c.key().decoded(), Some(c.nlri.clone()));
}

#[test]
fn attribute_readers() {
    let rts = rts();
    let mut a = adv(&rts);
    a.hash_order = 7;
    a.local_pref = 300;
    let r = vpn_route(
        rd(2),
        "10.0.0.0/24".parse().unwrap(),
        16,
        &a,
        &[rts[0].record()],
    );
    assert_eq!(r.route_targets(), rts);
    assert_eq!(r.rt_records(), rts);
    assert_eq!(r.encapsulations(), vec![tunnel_type::MPLS]);
    assert_eq!(r.local_pref(), Some(300));
    assert_eq!(r.hash_sort_order(), 7);
}

#[test]
fn treat_as_withdraw_updates_withdraw_their_routes() {
    let rts = rts();
    let r = evpn_imet(rd(1), 5, &adv(&rts));
    let mut b = body(&r.to_update());
    // Corrupt LOCAL_PREF's length (4 → 3 octets, value cut): RFC 7606 §7.5 treat-as-withdraw.
    let at = b.windows(3).position(|w| w == [0x40, 0x05, 0x04]).unwrap();
    b[at + 2] = 3;
    b.remove(at + 3);
    let total = u16::from_be_bytes([b[2], b[3]]) - 1;
    b[2..4].copy_from_slice(&total.to_be_bytes());
    let u = Update::decode(&b, &Context::default()).unwrap();
    let got = routes_from_update(&u);
    assert!(got.announced.is_empty());
    assert_eq!(got.withdrawn, vec![r.key()]);
}
