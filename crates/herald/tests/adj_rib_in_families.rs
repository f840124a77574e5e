//! The Adj-RIB-In keeps the routes of the families it holds as NLRI octets (EVPN, RTC, …): one
//! herald sends them, the other lists them in the configuration's words and drops them when
//! the sender withdraws them.

mod common;

use common::*;

const TX: &str = "127.0.69.1";
const RX: &str = "127.0.69.2";

fn conf(me: &str, peer: &str, port: u16, passive: bool, routes: &str) -> String {
    let how = if passive {
        format!("passive;\n listen {port};")
    } else {
        format!("connect {port};")
    };
    format!(
        "neighbor {peer} {{\n router-id {me};\n local-address {me};\n local-as 65001;\n peer-as 65001;\n hold-time 30;\n {how}\n family {{ l2vpn evpn; ipv4 rtc; }}\n{routes}}}\n"
    )
}

const ROUTES: &str = " announce {\n  l2vpn {\n   evpn mac-ip rd 65000:1 etag 100 mac 00:11:22:33:44:55 ip 10.0.0.1 vni 1000 next-hop 192.0.2.1 extended-community [ target:65000:1 encap:vxlan ];\n   evpn multicast rd 65000:2 ip 192.0.2.18 next-hop 192.0.2.18;\n  }\n  ipv4 {\n   rtc origin 65000 route-target target:65000:1 next-hop 192.0.2.1;\n   rtc default next-hop 192.0.2.1;\n  }\n }\n";

fn rib(sock: &std::path::Path) -> Vec<String> {
    let (ok, out) = ctl(sock, "show adj-rib in");
    assert!(ok, "{out}");
    let mut v: Vec<String> = out.lines().map(str::to_string).collect();
    v.sort();
    v
}

#[test]
fn evpn_and_rtc_routes_are_kept_listed_and_withdrawn() {
    let dir = tempdir("rib-families");
    let port = free_port(RX);
    let sock = dir.join("rx.sock");
    let rx = Daemon::start_with_args(
        &dir,
        "rx",
        &conf(RX, TX, port, true, ""),
        &[],
        &["--control", sock.to_str().unwrap()],
    );
    rx.wait("listening", |_, e| e.contains("listening"));
    let mut tx = Daemon::start(&dir, "tx", &conf(TX, RX, port, false, ROUTES));
    rx.wait("two End-of-RIBs", |o, _| count(o, "\"eor\"") == 2);
    let got = rib(&sock);
    let want = [
        format!("{TX} ipv4 rtc rtc default next-hop 192.0.2.1"),
        format!("{TX} ipv4 rtc rtc origin 65000 route-target target:65000:1 next-hop 192.0.2.1"),
        format!("{TX} l2vpn evpn evpn mac-ip rd 65000:1 esi - etag 100 mac 00:11:22:33:44:55 ip 10.0.0.1 vni 1000 next-hop 192.0.2.1"),
        format!("{TX} l2vpn evpn evpn multicast rd 65000:2 etag 0 ip 192.0.2.18 next-hop 192.0.2.18"),
    ];
    assert_eq!(got.len(), 4, "{got:#?}");
    for w in &want {
        assert!(
            got.iter().any(|l| l.starts_with(w.as_str())),
            "no {w} in {got:#?}"
        );
    }
    // The sender goes away: its routes go with the session.
    assert!(tx.stop().success());
    rx.wait("the session down", |o, _| o.contains(r#""state": "down""#));
    wait_for("an empty Adj-RIB-In", || rib(&sock).is_empty());
}
