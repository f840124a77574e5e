//! The driver makes a working VXLAN dataplane: two PEs joined by an underlay veth, a host
//! behind each, and on each PE only the operations the VPN engine emits for its own port and
//! for the other side's routes. The hosts ping each other through the tunnel; once one PE
//! withdraws the other side's MAC and flood entry, they no longer can.

use std::net::IpAddr;

use herald_vpn::dataplane::DataplaneOp;
use herald_wire::nlri::evpn::MacAddress;

use super::netns::{veth, Netns};
use crate::vpn::linux::LinuxEvpnDriver;

const VNI: u32 = 5077;
const BR: &str = "evpn---e2e";
const VX: &str = "vxlan--e2e";

/// One side: its PE's underlay address, its host's MAC and address.
struct Side {
    vtep: &'static str,
    host_mac: &'static str,
    host_ip: &'static str,
    tap: &'static str,
}

const A: Side = Side {
    vtep: "10.200.0.1",
    host_mac: "02:00:00:00:77:01",
    host_ip: "192.168.77.1",
    tap: "tap-a",
};
const B: Side = Side {
    vtep: "10.200.0.2",
    host_mac: "02:00:00:00:77:02",
    host_ip: "192.168.77.2",
    tap: "tap-b",
};

fn addr(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

fn mac(s: &str) -> MacAddress {
    MacAddress::parse(s).expect("test MAC")
}

/// What the engine emits on the PE of `local`: the instance, its port, and the routes of
/// `remote` (a MAC/IP advertisement route and an inclusive multicast route with ingress
/// replication, both with the PE as next hop).
fn setup_ops(local: &Side, remote: &Side) -> Vec<DataplaneOp> {
    vec![
        DataplaneOp::EvpnCreate {
            instance: 1,
            bridge: BR.to_string(),
            existing_bridge: false,
            vxlan: VX.to_string(),
            vni: VNI,
            local: addr(local.vtep),
            port: 4789,
        },
        DataplaneOp::EvpnPlug {
            instance: 1,
            bridge: BR.to_string(),
            port: local.tap.to_string(),
            mac: mac(local.host_mac),
        },
        DataplaneOp::EvpnAddMac {
            instance: 1,
            vxlan: VX.to_string(),
            mac: mac(remote.host_mac),
            ip: Some(addr(remote.host_ip)),
            remote: addr(remote.vtep),
            vni: VNI,
        },
        DataplaneOp::EvpnAddFlood {
            instance: 1,
            vxlan: VX.to_string(),
            remote: addr(remote.vtep),
            vni: VNI,
        },
    ]
}

/// What the engine emits on the PE of `local` when `remote`'s routes are withdrawn.
fn withdraw_ops(remote: &Side) -> Vec<DataplaneOp> {
    vec![
        DataplaneOp::EvpnRemoveMac {
            instance: 1,
            vxlan: VX.to_string(),
            mac: mac(remote.host_mac),
            ip: Some(addr(remote.host_ip)),
            remote: addr(remote.vtep),
            vni: VNI,
        },
        DataplaneOp::EvpnRemoveFlood {
            instance: 1,
            vxlan: VX.to_string(),
            remote: addr(remote.vtep),
            vni: VNI,
        },
    ]
}

fn apply_in(ns: &Netns, ops: Vec<DataplaneOp>) {
    ns.run(|| async move {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        for op in &ops {
            if let Err(e) = d.apply(op).await {
                panic!("{op:?}: {e}");
            }
        }
    });
}

/// A host namespace with `eth0` (MAC `side.host_mac`, address `side.host_ip`/24) whose peer
/// `side.tap` is in the PE's namespace.
fn host(pe: &Netns, side: &Side) -> Netns {
    let h = Netns::new().expect("namespaces work once the first did");
    veth(&h, "eth0", pe, side.tap);
    h.ip(&["link", "set", "eth0", "address", side.host_mac]);
    h.ip(&[
        "addr",
        "add",
        &format!("{}/24", side.host_ip),
        "dev",
        "eth0",
    ]);
    h.ip(&["link", "set", "eth0", "up"]);
    h
}

fn ping(from: &Netns, to: &Side) -> bool {
    from.exec(&["ping", "-c", "1", "-W", "2", to.host_ip])
        .status
        .success()
}

#[test]
fn hosts_behind_two_pes_reach_each_other_over_vxlan_until_routes_are_withdrawn() {
    let Some(pe_a) = Netns::new() else { return };
    let pe_b = Netns::new().expect("namespaces work once the first did");
    veth(&pe_a, "ul-a", &pe_b, "ul-b");
    for (pe, dev, side) in [(&pe_a, "ul-a", &A), (&pe_b, "ul-b", &B)] {
        pe.ip(&["addr", "add", &format!("{}/24", side.vtep), "dev", dev]);
        pe.ip(&["link", "set", dev, "up"]);
    }
    let host_a = host(&pe_a, &A);
    let host_b = host(&pe_b, &B);

    apply_in(&pe_a, setup_ops(&A, &B));
    apply_in(&pe_b, setup_ops(&B, &A));
    let first = host_a.exec(&["ping", "-c", "1", "-W", "2", B.host_ip]);
    assert!(
        first.status.success(),
        "host A cannot ping host B through the tunnel:\n{}{}\nPE A fdb:\n{}",
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&first.stderr),
        pe_a.exec_ok(&["bridge", "fdb", "show"]),
    );
    assert!(ping(&host_b, &A), "host B cannot ping host A");

    // PE A forgets host B (its MAC/IP route and its PE's flood route are withdrawn).
    apply_in(&pe_a, withdraw_ops(&B));
    let after = host_a.exec(&["ping", "-c", "1", "-W", "1", B.host_ip]);
    assert!(
        !after.status.success(),
        "host A still reaches host B: {}",
        String::from_utf8_lossy(&after.stdout)
    );
}
