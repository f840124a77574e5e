//! The dataplane drivers the VPN task runs operations on: the Linux E-VPN/VXLAN driver
//! (netlink), or a recorder that logs each operation and keeps what it would have installed,
//! for the looking glass (`record`: the IP VPN dataplane of a kernel without MPLS or VRF
//! devices, or a control plane without a dataplane).

use std::collections::{BTreeMap, VecDeque};

use herald_config::VpnDataplane;
use herald_vpn::dataplane::DataplaneOp;
use herald_vpn::lg::dataplane_op;
use serde_json::{json, Value};
use tracing::info;

use crate::vpn::linux::LinuxEvpnDriver;

/// Operations a recorder keeps for the looking glass (the oldest go first).
pub const RECORDED: usize = 1024;

/// One driver.
pub enum Driver {
    /// The Linux E-VPN/VXLAN driver.
    Linux(LinuxEvpnDriver),
    /// Logs and records.
    Record(Recorder),
}

impl Driver {
    /// The driver `d` for `kind` (`evpn` or `ipvpn`).
    pub fn new(d: VpnDataplane, kind: &'static str) -> Result<Driver, String> {
        match d {
            VpnDataplane::Linux => LinuxEvpnDriver::new()
                .map(Driver::Linux)
                .map_err(|e| format!("vpn: {kind} dataplane linux: {e}")),
            VpnDataplane::Record => Ok(Driver::Record(Recorder::new(kind))),
        }
    }

    /// `linux` or `record`.
    pub fn name(&self) -> &'static str {
        match self {
            Driver::Linux(_) => "linux",
            Driver::Record(_) => "record",
        }
    }

    /// Carry out one operation.
    pub async fn apply(&mut self, op: &DataplaneOp) -> Result<(), String> {
        match self {
            Driver::Linux(d) => d.apply(op).await.map_err(|e| e.to_string()),
            Driver::Record(r) => {
                r.apply(op);
                Ok(())
            }
        }
    }

    /// What the driver shows in `/vpns/dataplane/drivers/<kind>`, beyond the engine's part.
    pub fn looking_glass(&self) -> Value {
        match self {
            Driver::Linux(_) => json!({}),
            Driver::Record(r) => json!({
                "recorded_operations_total": r.total,
                "recorded_operations": Value::from(r.log.iter().cloned().collect::<Vec<_>>()),
            }),
        }
    }

    /// What the recorder holds for engine instance `instance` (`None` for the Linux driver:
    /// the kernel holds it).
    pub fn state(&self, instance: u32) -> Option<Value> {
        match self {
            Driver::Linux(_) => None,
            Driver::Record(r) => Some(Value::from(
                r.state
                    .get(&instance)
                    .map(|m| m.values().cloned().collect::<Vec<_>>())
                    .unwrap_or_default(),
            )),
        }
    }
}

/// A driver that carries nothing out: each operation is logged (info), kept in a bounded log,
/// and applied to a model of what a real dataplane would hold per instance.
pub struct Recorder {
    kind: &'static str,
    log: VecDeque<Value>,
    total: u64,
    /// Per engine instance: its entries (ports, remote MACs, flood entries, routes) by key.
    state: BTreeMap<u32, BTreeMap<String, Value>>,
}

impl Recorder {
    fn new(kind: &'static str) -> Recorder {
        Recorder {
            kind,
            log: VecDeque::new(),
            total: 0,
            state: BTreeMap::new(),
        }
    }

    fn apply(&mut self, op: &DataplaneOp) {
        let v = dataplane_op(op);
        info!(driver = self.kind, op = %v, "vpn dataplane (record)");
        self.total += 1;
        if self.log.len() == RECORDED {
            self.log.pop_front();
        }
        self.log.push_back(v.clone());
        let instance = op.instance();
        let (key, add) = match op {
            DataplaneOp::EvpnCreate { .. } | DataplaneOp::VrfCreate { .. } => {
                self.state.entry(instance).or_default();
                return;
            }
            DataplaneOp::EvpnDelete { .. } | DataplaneOp::VrfDelete { .. } => {
                self.state.remove(&instance);
                return;
            }
            DataplaneOp::EvpnPlug { port, mac, .. } => (format!("port {port} {mac}"), true),
            DataplaneOp::EvpnUnplug { port, mac, .. } => (format!("port {port} {mac}"), false),
            DataplaneOp::EvpnAddMac { mac, remote, .. } => (format!("mac {mac} {remote}"), true),
            DataplaneOp::EvpnRemoveMac { mac, remote, .. } => {
                (format!("mac {mac} {remote}"), false)
            }
            DataplaneOp::EvpnAddFlood { remote, .. } => (format!("flood {remote}"), true),
            DataplaneOp::EvpnRemoveFlood { remote, .. } => (format!("flood {remote}"), false),
            DataplaneOp::VrfPlug { port, mac, ip, .. } => (format!("port {port} {mac} {ip}"), true),
            DataplaneOp::VrfUnplug { port, mac, ip, .. } => {
                (format!("port {port} {mac} {ip}"), false)
            }
            DataplaneOp::VrfAddRoute { prefix, remote, .. } => {
                (format!("route {prefix} {remote}"), true)
            }
            DataplaneOp::VrfRemoveRoute { prefix, remote, .. } => {
                (format!("route {prefix} {remote}"), false)
            }
        };
        let entries = self.state.entry(instance).or_default();
        if add {
            entries.insert(key, v);
        } else {
            entries.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorder_keeps_what_a_dataplane_would_hold() {
        let mut r = Recorder::new("ipvpn");
        let route = |add: bool, label: u32| {
            let (instance, prefix, remote) = (
                1,
                "192.168.79.0/24".parse().unwrap(),
                "10.0.0.2".parse().unwrap(),
            );
            if add {
                DataplaneOp::VrfAddRoute {
                    instance,
                    prefix,
                    remote,
                    label,
                }
            } else {
                DataplaneOp::VrfRemoveRoute {
                    instance,
                    prefix,
                    remote,
                    label,
                }
            }
        };
        r.apply(&DataplaneOp::VrfCreate {
            instance: 1,
            label: 16,
            gateway: None,
        });
        r.apply(&route(true, 17));
        assert_eq!(r.state[&1].len(), 1);
        r.apply(&route(false, 17));
        assert!(r.state[&1].is_empty());
        r.apply(&route(true, 18));
        r.apply(&DataplaneOp::VrfDelete { instance: 1 });
        assert!(r.state.is_empty());
        assert_eq!((r.total, r.log.len()), (5, 5));
        let d = Driver::Record(r);
        assert_eq!(
            d.looking_glass()["recorded_operations"][1]["op"],
            "VrfAddRoute"
        );
        assert_eq!(d.state(1), Some(json!([])));
    }
}
