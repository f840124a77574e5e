//! The driver against the kernel, each test in its own network namespace: what every E-VPN
//! operation leaves in the links, FDB and neighbour tables (read back over netlink, and once
//! each through iproute2's JSON output), idempotence, cleanup, and the errors.

use std::net::IpAddr;
use std::time::Duration;

use herald_vpn::dataplane::DataplaneOp;
use herald_wire::nlri::evpn::MacAddress;

use super::netns::{veth, Netns};
use crate::vpn::linux::{DriverError, LinkState, LinuxEvpnDriver};

const BR: &str = "evpn---t";
const VX: &str = "vxlan--t";
const VNI: u32 = 5010;
const PORT: u16 = 4789;

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

fn mac(s: &str) -> MacAddress {
    MacAddress::parse(s).expect("test MAC")
}

fn create(existing_bridge: bool, bridge: &str) -> DataplaneOp {
    DataplaneOp::EvpnCreate {
        instance: 1,
        bridge: bridge.to_string(),
        existing_bridge,
        vxlan: VX.to_string(),
        vni: VNI,
        local: ip("10.200.0.1"),
        port: PORT,
    }
}

fn delete(existing_bridge: bool, bridge: &str) -> DataplaneOp {
    DataplaneOp::EvpnDelete {
        instance: 1,
        bridge: bridge.to_string(),
        existing_bridge,
        vxlan: VX.to_string(),
    }
}

fn plug(port: &str, m: &str) -> DataplaneOp {
    DataplaneOp::EvpnPlug {
        instance: 1,
        bridge: BR.to_string(),
        port: port.to_string(),
        mac: mac(m),
    }
}

fn unplug(port: &str, m: &str) -> DataplaneOp {
    DataplaneOp::EvpnUnplug {
        instance: 1,
        bridge: BR.to_string(),
        port: port.to_string(),
        mac: mac(m),
    }
}

fn add_mac(m: &str, addr: Option<&str>, remote: &str, vni: u32) -> DataplaneOp {
    DataplaneOp::EvpnAddMac {
        instance: 1,
        vxlan: VX.to_string(),
        mac: mac(m),
        ip: addr.map(ip),
        remote: ip(remote),
        vni,
    }
}

fn remove_mac(m: &str, addr: Option<&str>, remote: &str, vni: u32) -> DataplaneOp {
    DataplaneOp::EvpnRemoveMac {
        instance: 1,
        vxlan: VX.to_string(),
        mac: mac(m),
        ip: addr.map(ip),
        remote: ip(remote),
        vni,
    }
}

fn add_flood(remote: &str) -> DataplaneOp {
    DataplaneOp::EvpnAddFlood {
        instance: 1,
        vxlan: VX.to_string(),
        remote: ip(remote),
        vni: VNI,
    }
}

fn remove_flood(remote: &str) -> DataplaneOp {
    DataplaneOp::EvpnRemoveFlood {
        instance: 1,
        vxlan: VX.to_string(),
        remote: ip(remote),
        vni: VNI,
    }
}

/// Apply `ops` in order, failing the test with the driver's error.
async fn apply(d: &mut LinuxEvpnDriver, ops: &[DataplaneOp]) {
    for op in ops {
        if let Err(e) = d.apply(op).await {
            panic!("{op:?}: {e}");
        }
    }
}

async fn link(d: &LinuxEvpnDriver, name: &str) -> Option<LinkState> {
    let links = d.links().await.expect("list links");
    links.into_iter().find(|l| l.name == name)
}

/// The remote VTEPs of the all-zero (flood) entries of the VXLAN device.
async fn flood_list(d: &LinuxEvpnDriver) -> Vec<IpAddr> {
    let mut v: Vec<IpAddr> = (d.fdb_entries(VX).await.expect("fdb"))
        .iter()
        .filter(|e| e.mac == MacAddress([0; 6]) && !e.master)
        .filter_map(|e| e.dst)
        .collect();
    v.sort();
    v
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn create_makes_an_up_bridge_without_stp_and_an_enslaved_vxlan_without_learning() {
    let Some(ns) = Netns::new() else { return };
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        apply(&mut d, &[create(false, BR)]).await;
        let br = link(&d, BR).await.expect("bridge exists");
        assert_eq!(br.kind.as_deref(), Some("bridge"));
        assert!(br.up);
        let b = br.bridge.expect("bridge info");
        assert_eq!((b.forward_delay, b.stp_state), (Some(0), Some(0)));
        let vx = link(&d, VX).await.expect("vxlan exists");
        assert_eq!(vx.kind.as_deref(), Some("vxlan"));
        assert!(vx.up);
        assert_eq!(vx.master, Some(br.index));
        let v = vx.vxlan.expect("vxlan info");
        assert_eq!(v.vni, Some(VNI));
        assert_eq!(v.local, Some(ip("10.200.0.1")));
        assert_eq!(v.port, Some(PORT));
        assert_eq!(v.learning, Some(false));
        assert_eq!(v.proxy, Some(true));
    });
    // The same, as iproute2 reads it.
    let shown = json(&ns.ip(&["-d", "-j", "link", "show", "dev", VX]));
    let l = &shown[0];
    assert_eq!(l["master"], BR);
    let data = &l["linkinfo"]["info_data"];
    assert_eq!(l["linkinfo"]["info_kind"], "vxlan");
    assert_eq!(data["id"], VNI);
    assert_eq!(data["local"], "10.200.0.1");
    assert_eq!(data["port"], PORT);
    assert_eq!(data["learning"], false);
    assert_eq!(data["proxy"], true);
}

#[test]
fn create_applied_twice_reuses_the_devices() {
    let Some(ns) = Netns::new() else { return };
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        apply(&mut d, &[create(false, BR)]).await;
        let before = (link(&d, BR).await, link(&d, VX).await);
        apply(&mut d, &[create(false, BR)]).await;
        assert_eq!((link(&d, BR).await, link(&d, VX).await), before);
    });
}

#[test]
fn create_brings_back_an_existing_vxlan_that_was_released_and_down() {
    let Some(ns) = Netns::new() else { return };
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        apply(&mut d, &[create(false, BR)]).await;
    });
    ns.ip(&["link", "set", VX, "nomaster", "down"]);
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        apply(&mut d, &[create(false, BR)]).await;
        let br = link(&d, BR).await.expect("bridge");
        let vx = link(&d, VX).await.expect("vxlan");
        assert_eq!((vx.master, vx.up), (Some(br.index), true));
    });
}

#[test]
fn create_over_a_vxlan_with_another_vni_is_a_conflict_naming_it() {
    let Some(ns) = Netns::new() else { return };
    ns.ip(&[
        "link", "add", VX, "type", "vxlan", "id", "77", "dstport", "4789",
    ]);
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        let err = d.apply(&create(false, BR)).await.expect_err("conflict");
        assert!(matches!(err, DriverError::Conflict { .. }), "{err}");
        let text = err.to_string();
        assert!(text.contains("create vxlan") && text.contains(VX), "{text}");
    });
}

#[test]
fn create_with_an_existing_bridge_uses_it_and_delete_leaves_it() {
    let Some(ns) = Netns::new() else { return };
    ns.ip(&["link", "add", "clientbr", "type", "bridge"]);
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        apply(&mut d, &[create(true, "clientbr")]).await;
        let br = link(&d, "clientbr").await.expect("client bridge");
        assert_eq!(link(&d, VX).await.and_then(|v| v.master), Some(br.index));
        apply(&mut d, &[delete(true, "clientbr")]).await;
        assert_eq!(link(&d, VX).await, None);
        assert!(link(&d, "clientbr").await.is_some());
        // A client bridge that is not there is an error, not created.
        let err = d.apply(&create(true, "nobr")).await.expect_err("no bridge");
        assert!(matches!(err, DriverError::NoDevice { ref device, .. } if device == "nobr"));
        assert_eq!(link(&d, "nobr").await, None);
    });
}

#[test]
fn plug_enslaves_the_port_with_a_static_fdb_entry_and_unplug_undoes_it() {
    let Some(ns) = Netns::new() else { return };
    veth(&ns, "tap0", &ns, "tap0h");
    const M: &str = "02:00:00:00:77:01";
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        apply(
            &mut d,
            &[create(false, BR), plug("tap0", M), plug("tap0", M)],
        )
        .await;
        let br = link(&d, BR).await.expect("bridge");
        let tap = link(&d, "tap0").await.expect("port");
        assert_eq!((tap.master, tap.up), (Some(br.index), true));
        let fdb = d.fdb_entries("tap0").await.expect("fdb");
        let e = fdb
            .iter()
            .find(|e| e.mac == mac(M))
            .expect("port MAC entry");
        assert!(e.master && e.is_static(), "{e:?}");
    });
    let shown = json(&ns.exec_ok(&["bridge", "-j", "fdb", "show", "dev", "tap0"]));
    let entries = shown.as_array().expect("list");
    assert!(
        entries.iter().any(|e| e["mac"] == "02:00:00:00:77:01"
            && e["master"] == BR
            && e["state"] == "static"),
        "{shown}"
    );
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        apply(&mut d, &[unplug("tap0", M)]).await;
        let tap = link(&d, "tap0").await.expect("port stays");
        assert_eq!(tap.master, None);
        let fdb = d.fdb_entries("tap0").await.expect("fdb");
        assert!(fdb.iter().all(|e| e.mac != mac(M)), "{fdb:?}");
        // Unplugging again, or a port that is gone, is not an error.
        apply(&mut d, &[unplug("tap0", M), unplug("gone0", M)]).await;
    });
}

#[test]
fn add_mac_adds_vxlan_fdb_entries_with_dst_and_vni_and_permanent_neighbours() {
    let Some(ns) = Netns::new() else { return };
    const M1: &str = "02:00:00:00:77:02";
    const M2: &str = "02:00:00:00:77:03";
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        apply(
            &mut d,
            &[
                create(false, BR),
                add_mac(M1, Some("192.168.77.2"), "10.200.0.2", VNI),
                add_mac(M2, Some("2001:db8:77::3"), "10.200.0.3", 6000),
            ],
        )
        .await;
        let fdb = d.fdb_entries(VX).await.expect("fdb");
        let e1 = fdb
            .iter()
            .find(|e| e.mac == mac(M1) && !e.master)
            .expect("M1");
        assert_eq!((e1.dst, e1.vni), (Some(ip("10.200.0.2")), Some(VNI)));
        assert!(e1.is_permanent());
        let e2 = fdb
            .iter()
            .find(|e| e.mac == mac(M2) && !e.master)
            .expect("M2");
        assert_eq!((e2.dst, e2.vni), (Some(ip("10.200.0.3")), Some(6000)));
        let neigh = d.neighbours(VX).await.expect("neighbours");
        for (a, m) in [("192.168.77.2", M1), ("2001:db8:77::3", M2)] {
            let n = neigh.iter().find(|n| n.ip == ip(a)).expect("neighbour");
            assert_eq!(n.mac, Some(mac(m)));
            assert_eq!(n.state, 0x80, "NUD_PERMANENT");
        }
    });
    let shown = json(&ns.exec_ok(&["bridge", "-j", "fdb", "show", "dev", VX]));
    let entries = shown.as_array().expect("list");
    assert!(
        entries.iter().any(|e| e["mac"] == "02:00:00:00:77:03"
            && e["dst"] == "10.200.0.3"
            && e["vni"] == 6000),
        "{shown}"
    );
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        let removals = [
            remove_mac(M1, Some("192.168.77.2"), "10.200.0.2", VNI),
            remove_mac(M2, Some("2001:db8:77::3"), "10.200.0.3", 6000),
        ];
        apply(&mut d, &removals).await;
        let fdb = d.fdb_entries(VX).await.expect("fdb");
        assert!(
            fdb.iter().all(|e| e.mac != mac(M1) && e.mac != mac(M2)),
            "{fdb:?}"
        );
        let neigh = d.neighbours(VX).await.expect("neighbours");
        let ours = [ip("192.168.77.2"), ip("2001:db8:77::3")];
        assert!(neigh.iter().all(|n| !ours.contains(&n.ip)), "{neigh:?}");
        // Removing what is gone is not an error.
        apply(&mut d, &removals).await;
    });
}

#[test]
fn add_mac_toward_another_vtep_moves_it_and_the_old_removal_keeps_the_new_binding() {
    let Some(ns) = Netns::new() else { return };
    const OLD: &str = "02:00:00:00:77:02";
    const NEW: &str = "02:00:00:00:77:09";
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        apply(
            &mut d,
            &[
                create(false, BR),
                add_mac(OLD, Some("192.168.77.2"), "10.200.0.2", VNI),
                // The MAC moved to another VTEP; the IP to another MAC.
                add_mac(OLD, None, "10.200.0.3", VNI),
                add_mac(NEW, Some("192.168.77.2"), "10.200.0.4", VNI),
                // The withdrawal of the first route comes last.
                remove_mac(OLD, Some("192.168.77.2"), "10.200.0.2", VNI),
            ],
        )
        .await;
        let fdb = d.fdb_entries(VX).await.expect("fdb");
        let old: Vec<_> = fdb
            .iter()
            .filter(|e| e.mac == mac(OLD) && !e.master)
            .collect();
        assert_eq!(old.len(), 1, "{fdb:?}");
        assert_eq!(old[0].dst, Some(ip("10.200.0.3")));
        let neigh = d.neighbours(VX).await.expect("neighbours");
        let n = neigh
            .iter()
            .find(|n| n.ip == ip("192.168.77.2"))
            .expect("kept");
        assert_eq!(n.mac, Some(mac(NEW)));
    });
}

#[test]
fn two_add_flood_give_two_all_zero_entries_and_remove_flood_removes_only_one() {
    let Some(ns) = Netns::new() else { return };
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        let (r1, r2) = ("10.200.0.2", "10.200.0.3");
        apply(
            &mut d,
            &[
                create(false, BR),
                add_flood(r1),
                add_flood(r2),
                add_flood(r1),
            ],
        )
        .await;
        assert_eq!(flood_list(&d).await, vec![ip(r1), ip(r2)]);
        apply(&mut d, &[remove_flood(r1)]).await;
        assert_eq!(flood_list(&d).await, vec![ip(r2)]);
        apply(&mut d, &[remove_flood(r1), remove_flood(r2)]).await;
        assert!(flood_list(&d).await.is_empty());
    });
}

#[test]
fn delete_removes_the_vxlan_device_and_the_bridge_and_releases_ports() {
    let Some(ns) = Netns::new() else { return };
    veth(&ns, "tap0", &ns, "tap0h");
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        apply(
            &mut d,
            &[
                create(false, BR),
                plug("tap0", "02:00:00:00:77:01"),
                add_mac("02:00:00:00:77:02", Some("192.168.77.2"), "10.200.0.2", VNI),
                add_flood("10.200.0.2"),
                delete(false, BR),
            ],
        )
        .await;
        assert_eq!(link(&d, BR).await, None);
        assert_eq!(link(&d, VX).await, None);
        assert_eq!(link(&d, "tap0").await.map(|l| l.master), Some(None));
        // Deleting again is not an error; neither is removing from the deleted device.
        let again = [
            delete(false, BR),
            remove_mac("02:00:00:00:77:02", Some("192.168.77.2"), "10.200.0.2", VNI),
            remove_flood("10.200.0.2"),
        ];
        apply(&mut d, &again).await;
    });
}

#[test]
fn cleanup_all_removes_leftover_bridges_and_vxlan_devices_only() {
    let Some(ns) = Netns::new() else { return };
    veth(&ns, "keep0", &ns, "keep1");
    ns.ip(&["link", "add", "clientbr", "type", "bridge"]);
    ns.ip(&["link", "add", "evpn---b", "type", "bridge"]);
    ns.ip(&[
        "link", "add", "vxlan--b", "type", "vxlan", "id", "9", "dstport", "4789",
    ]);
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        apply(&mut d, &[create(false, BR)]).await;
        let removed = d.cleanup_all().await.expect("cleanup");
        assert_eq!(removed, ["vxlan--b", VX, "evpn---b", BR]);
        let mut left: Vec<String> = d
            .links()
            .await
            .expect("links")
            .into_iter()
            .map(|l| l.name)
            .collect();
        left.sort();
        assert_eq!(left, ["clientbr", "keep0", "keep1", "lo"]);
        assert_eq!(
            d.cleanup_all().await.expect("cleanup"),
            Vec::<String>::new()
        );
    });
}

#[test]
fn operations_on_missing_devices_or_bad_names_say_which_and_what() {
    let Some(ns) = Netns::new() else { return };
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        let err = d
            .apply(&add_mac("02:00:00:00:77:02", None, "10.200.0.2", VNI))
            .await
            .expect_err("no vxlan device");
        assert_eq!(err.to_string(), format!("fdb replace {VX}: no such device"));
        apply(&mut d, &[create(false, BR)]).await;
        let err = d
            .apply(&plug("gone0", "02:00:00:00:77:01"))
            .await
            .expect_err("no port");
        assert_eq!(err.to_string(), "plug gone0: no such device");
        let long = "evpn---0123456789";
        let err = d
            .apply(&create(false, long))
            .await
            .expect_err("name too long");
        assert!(
            matches!(err, DriverError::InvalidName { ref name, .. } if name == long),
            "{err}"
        );
        let err = d
            .apply(&add_mac("02:00:00:00:77:02", None, "10.200.0.2", 1 << 24))
            .await
            .expect_err("VNI too wide");
        assert!(
            matches!(err, DriverError::InvalidVni { vni, .. } if vni == 1 << 24),
            "{err}"
        );
    });
}

#[test]
fn vrf_operations_are_unsupported() {
    let Some(ns) = Netns::new() else { return };
    ns.run(|| async {
        let mut d = LinuxEvpnDriver::new().expect("driver");
        let err = d
            .apply(&DataplaneOp::VrfDelete { instance: 3 })
            .await
            .expect_err("unsupported");
        assert!(
            matches!(err, DriverError::Unsupported("VrfDelete")),
            "{err}"
        );
        assert!(err.to_string().contains("VRF devices and MPLS"), "{err}");
    });
}

#[test]
fn a_request_not_answered_in_time_is_a_timeout_naming_operation_and_device() {
    let Some(ns) = Netns::new() else { return };
    ns.run(|| async {
        // The clock stands still until the runtime has nothing else to do, then jumps to the
        // deadline: no real waiting.
        tokio::time::pause();
        let mut d = LinuxEvpnDriver::stalled()
            .expect("driver")
            .with_timeout(Duration::from_secs(3));
        let err = d.apply(&create(false, BR)).await.expect_err("timeout");
        assert!(matches!(err, DriverError::Timeout { .. }), "{err}");
        let text = err.to_string();
        assert_eq!(
            text,
            format!("create bridge {BR}: no answer from the kernel within 3s")
        );
    });
}
