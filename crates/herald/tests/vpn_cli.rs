//! `herald vpn cleanup` and `herald vpn show`, run with `ip netns exec` in a network namespace
//! of the test's own (root and iproute2 needed: without them the test is skipped with its
//! reason, or fails when `CI` is set).

use std::process::{Command, Output};

/// A network namespace made by `ip netns add`, deleted on drop.
struct Netns(String);

impl Netns {
    fn new(tag: &str) -> Option<Netns> {
        let name = format!("herald-t-{}-{tag}", std::process::id());
        let why = match Command::new("ip").args(["netns", "add", &name]).output() {
            Ok(o) if o.status.success() => return Some(Netns(name)),
            Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_string(),
            Err(e) => format!("cannot run ip: {e}"),
        };
        let msg =
            format!("cannot create network namespace {name} ({why}): run as root with iproute2");
        assert!(std::env::var_os("CI").is_none(), "{msg}");
        eprintln!("skipped: {msg}");
        None
    }

    fn ip(&self, args: &[&str]) {
        let o = Command::new("ip")
            .args(["-n", &self.0])
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "ip {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    fn herald(&self, args: &[&str]) -> Output {
        Command::new("ip")
            .args(["netns", "exec", &self.0, env!("CARGO_BIN_EXE_herald")])
            .args(args)
            .output()
            .unwrap()
    }

    fn links(&self) -> Vec<String> {
        let o = Command::new("ip")
            .args(["-n", &self.0, "-o", "link", "show"])
            .output()
            .unwrap();
        let mut names: Vec<String> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter_map(|l| l.split(':').nth(1))
            .map(|n| n.trim().split('@').next().unwrap_or("").to_string())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).output();
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn vpn_cleanup_removes_what_a_crashed_herald_left_and_says_so() {
    let Some(ns) = Netns::new("cli-cleanup") else {
        return;
    };
    ns.ip(&["link", "add", "evpn---7", "type", "bridge"]);
    ns.ip(&[
        "link",
        "add",
        "vxlan--7",
        "type",
        "vxlan",
        "id",
        "7",
        "dstport",
        "4789",
        "nolearning",
    ]);
    ns.ip(&["link", "set", "vxlan--7", "master", "evpn---7"]);
    ns.ip(&[
        "link", "add", "keep0", "type", "veth", "peer", "name", "keep1",
    ]);

    let first = ns.herald(&["vpn", "cleanup"]);
    assert!(first.status.success(), "{first:?}");
    assert_eq!(stdout(&first), "removed vxlan--7\nremoved evpn---7\n");
    assert_eq!(ns.links(), ["keep0", "keep1", "lo"]);

    let again = ns.herald(&["vpn", "cleanup"]);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(stdout(&again), "nothing to clean up\n");
}

#[test]
fn vpn_show_prints_a_vxlan_devices_parameters_fdb_and_neighbours() {
    let Some(ns) = Netns::new("cli-show") else {
        return;
    };
    ns.ip(&["link", "add", "evpn---7", "type", "bridge"]);
    ns.ip(&[
        "link",
        "add",
        "vxlan--7",
        "type",
        "vxlan",
        "id",
        "7",
        "local",
        "10.200.0.1",
        "dstport",
        "4789",
        "nolearning",
        "proxy",
    ]);
    ns.ip(&["link", "set", "vxlan--7", "master", "evpn---7"]);
    ns.ip(&[
        "neigh",
        "add",
        "192.168.77.2",
        "lladdr",
        "02:00:00:00:77:02",
        "dev",
        "vxlan--7",
        "nud",
        "permanent",
    ]);
    let o = Command::new("ip")
        .args([
            "netns",
            "exec",
            &ns.0,
            "bridge",
            "fdb",
            "append",
            "00:00:00:00:00:00",
            "dev",
            "vxlan--7",
        ])
        .args(["dst", "10.200.0.2", "vni", "8"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");

    let shown = ns.herald(&["vpn", "show", "vxlan--7"]);
    assert!(shown.status.success(), "{shown:?}");
    let text = stdout(&shown);
    assert!(
        text.starts_with(
            "vxlan--7: vxlan vni 7 local 10.200.0.1 port 4789 learning false proxy true master evpn---7 down\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  00:00:00:00:00:00 dst 10.200.0.2 vni 8 self permanent\n"),
        "{text}"
    );
    assert!(
        text.contains("  192.168.77.2 lladdr 02:00:00:00:77:02 state 0x80\n"),
        "{text}"
    );

    let missing = ns.herald(&["vpn", "show", "nope0"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr),
        "herald vpn: show nope0: no such device\n"
    );
}
