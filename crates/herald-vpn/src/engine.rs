//! The VPN engine: attach and detach of local endpoints, the instances they make, and the
//! identifiers those hold. The BGP side (peers, received routes, RTC) is in [`crate::bgp`].
//!
//! Sans-IO: every method takes an input and returns the [`Effects`] to carry out — routes to
//! announce or withdraw to given peers, dataplane operations in order. The daemon loops: feed
//! an input, send the routes, hand the operations to the driver.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};
use std::ops::RangeInclusive;

use herald_wire::nlri::MacAddress;
use ipnet::IpNet;

use crate::alloc::{IdAllocator, RdAllocator};
use crate::bgp::{BgpChange, PeerState};
use crate::dataplane::{DataplaneOp, VpnType};
use crate::error::{ConfigError, EngineError};
use crate::instance::{device_name, Endpoint, Env, EvpnDevices, Instance, MacPort, IFNAME_MAX};
use crate::request::{AttachRequest, DetachRequest, LocalPort};
use crate::route::{RouteKey, VpnRoute};
use crate::rt::RouteTarget;
use crate::tracker::{fnv1a, Source, Tracker, FNV_BASIS};

/// MPLS labels 0 to 15 are reserved (RFC 3032 §2.1).
const LABEL_MIN: u32 = 16;
const LABEL_MAX: u32 = 0xF_FFFF;
const VNI_MAX: u32 = 0xFF_FFFF;

/// The engine's settings (BaGPipe's `[BGP]` and `[DATAPLANE_DRIVER_*]` sections).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    /// The dataplane address: next hop of our routes, VXLAN source, RD administrator.
    pub local_address: Ipv4Addr,
    /// Our AS: origin AS of our RTC routes.
    pub local_as: u32,
    /// Numbers of the route distinguishers `<local_address>:n`.
    pub rd_range: RangeInclusive<u16>,
    /// MPLS labels for IP VPN instances and ports (within 16..=1048575).
    pub label_range: RangeInclusive<u32>,
    /// VNIs allocated to E-VPN instances (within 1..=16777215).
    pub vni_range: RangeInclusive<u32>,
    /// VXLAN UDP destination port.
    pub vxlan_port: u16,
    /// Originate RTC routes for the route targets we import (RFC 4684).
    pub enable_rtc: bool,
    /// The E-VPN dataplane takes several best routes per MAC.
    pub ecmp_evpn: bool,
    /// The IP VPN dataplane takes several best routes per prefix (multipath).
    pub ecmp_ipvpn: bool,
    /// Salt of the tie-break hash when there is no ECMP (BaGPipe uses the host name), so
    /// that PEs with equal routes do not all pick the same one.
    pub hash_salt: String,
    /// Take E-VPN routes without an Encapsulation community as VXLAN (BaGPipe ignores them).
    pub evpn_accept_no_encap: bool,
}

impl EngineConfig {
    /// BaGPipe's defaults for a PE at `local_address` in AS `local_as`: RD numbers 1..65535,
    /// labels 16..2^20-1, VNIs 1..2^24-1, VXLAN port 4789, RTC on, no ECMP.
    pub fn new(local_address: Ipv4Addr, local_as: u32) -> EngineConfig {
        EngineConfig {
            local_address,
            local_as,
            rd_range: 1..=u16::MAX,
            label_range: LABEL_MIN..=LABEL_MAX,
            vni_range: 1..=VNI_MAX,
            vxlan_port: 4789,
            enable_rtc: true,
            ecmp_evpn: false,
            ecmp_ipvpn: false,
            hash_salt: String::new(),
            evpn_accept_no_encap: false,
        }
    }
}

/// What the daemon has to do after one input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    /// Routes to announce or withdraw, each to one peer, in order.
    pub bgp: Vec<BgpChange>,
    /// Dataplane operations, in order.
    pub dataplane: Vec<DataplaneOp>,
}

impl Effects {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.bgp.is_empty() && self.dataplane.is_empty()
    }
}

/// The VPN engine: instances, their endpoints and imported routes, our advertised routes and
/// what each peer was sent.
#[derive(Clone, Debug)]
pub struct VpnEngine {
    pub(crate) config: EngineConfig,
    /// Instances by external id (`vpn_instance_id`).
    pub(crate) instances: BTreeMap<String, Instance>,
    ids: IdAllocator,
    rds: RdAllocator,
    labels: IdAllocator,
    vnis: IdAllocator,
    /// Routes received from peers.
    pub(crate) remote: BTreeMap<Source, VpnRoute>,
    /// Routes we advertise.
    pub(crate) local: BTreeMap<RouteKey, VpnRoute>,
    pub(crate) peers: BTreeMap<crate::PeerId, PeerState>,
    pub(crate) rtc_published: BTreeSet<RouteTarget>,
}

fn check_range(
    r: &RangeInclusive<u32>,
    min: u32,
    max: u32,
    what: &'static str,
) -> Result<(), ConfigError> {
    if r.is_empty() || *r.start() < min || *r.end() > max {
        return Err(ConfigError::BadRange(what));
    }
    Ok(())
}

/// Whether `name` can be a Linux interface name: 1 to 15 octets, no `/`, `:`, white space
/// or control character.
fn valid_ifname(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= IFNAME_MAX
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| c == '/' || c == ':' || c.is_whitespace() || c.is_control())
}

impl VpnEngine {
    /// An engine with no instance.
    pub fn new(config: EngineConfig) -> Result<VpnEngine, ConfigError> {
        check_range(&config.label_range, LABEL_MIN, LABEL_MAX, "MPLS label")?;
        check_range(&config.vni_range, 1, VNI_MAX, "VNI")?;
        if config.rd_range.is_empty() {
            return Err(ConfigError::BadRange("route distinguisher"));
        }
        Ok(VpnEngine {
            ids: IdAllocator::new(1..=u32::from(u16::MAX)),
            rds: RdAllocator::new(config.local_address, config.rd_range.clone()),
            labels: IdAllocator::new(config.label_range.clone()),
            vnis: IdAllocator::new(config.vni_range.clone()),
            config,
            instances: BTreeMap::new(),
            remote: BTreeMap::new(),
            local: BTreeMap::new(),
            peers: BTreeMap::new(),
            rtc_published: BTreeSet::new(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub(crate) fn env(&self) -> Env {
        Env {
            local: self.config.local_address,
            evpn_accept_no_encap: self.config.evpn_accept_no_encap,
        }
    }

    /// Number of VPN instances.
    pub fn instance_count(&self) -> usize {
        self.instances.len()
    }

    /// The engine's number of instance `id`: the `instance` of its dataplane operations.
    pub fn instance_number(&self, id: &str) -> Option<u32> {
        self.instances.get(id).map(|i| i.id)
    }

    /// Number of identifiers allocated: instance ids, route distinguishers, labels, VNIs.
    pub fn allocated_ids(&self) -> usize {
        self.ids.in_use().count()
            + self.rds.in_use()
            + self.labels.in_use().count()
            + self.vnis.in_use().count()
    }

    /// Plug a local endpoint into a VPN instance (`POST /attach_localport`), creating the
    /// instance on its first endpoint. Attaching again the same (MAC, IP) refreshes the
    /// endpoint's route (LOCAL_PREF, description); attaching with other route targets updates
    /// the instance's (added import targets are subscribed to and their routes imported,
    /// removed ones unsubscribed and their routes removed; routes are re-advertised with the
    /// new export targets).
    pub fn attach(&mut self, req: &AttachRequest) -> Result<Effects, EngineError> {
        let port = match &req.local_port {
            LocalPort::Linux(p) => p.clone(),
            LocalPort::Evpn(_) => {
                return Err(EngineError::Unsupported(
                    "plugging an E-VPN instance into an IP VPN (local_port evpn)",
                ))
            }
        };
        if !valid_ifname(&port) {
            let name = port;
            return Err(EngineError::InvalidName {
                what: "local_port",
                name,
            });
        }
        if req.readvertise.is_some() && req.vpn_type == VpnType::Evpn {
            return Err(EngineError::Unsupported("readvertise for evpn"));
        }
        let id = req.vpn_instance_id.as_str();
        let mac = req.mac_address;
        let ip = req.ip_address.map(|n| n.addr());
        let (refresh, new_mac, new) = match self.instances.get(id) {
            Some(inst) => {
                if inst.vpn_type != req.vpn_type {
                    let existing = inst.vpn_type;
                    return Err(EngineError::TypeMismatch {
                        id: id.into(),
                        existing,
                    });
                }
                if req.vni != 0 && req.vni != inst.dataplane_id {
                    let current = inst.dataplane_id;
                    return Err(EngineError::VniMismatch {
                        requested: req.vni,
                        current,
                    });
                }
                let refresh = check_endpoint(inst, mac, ip, &port)?;
                (refresh, !inst.macs.contains_key(&mac), None)
            }
            None => (false, true, Some(self.create_instance(req)?)),
        };
        // Identifiers of a new IP VPN endpoint: its MAC's label and its own RD.
        let mut label = None;
        let mut ep_rd = None;
        if req.vpn_type == VpnType::Ipvpn && !refresh {
            let l = match new_mac.then(|| self.labels.allocate()) {
                Some(None) => return Err(self.undo_new(new, "MPLS label")),
                got => got.flatten(),
            };
            let Some(rd) = self.rds.allocate() else {
                if let Some(l) = l {
                    self.labels.release(l);
                }
                return Err(self.undo_new(new, "route distinguisher"));
            };
            (label, ep_rd) = (l, Some(rd));
        }
        let mut fx = Effects::default();
        let created = new.is_some();
        if let Some(mut inst) = new {
            inst.readvertise = req.readvertise.clone();
            inst.gateway = req.gateway_ip.map(|g| {
                let len = req.ip_address.map_or(0, |n| n.prefix_len());
                IpNet::new(g, len).unwrap_or(IpNet::from(g))
            });
            fx.dataplane
                .push(inst.create_op(&self.env(), self.config.vxlan_port));
            self.instances.insert(id.to_string(), inst);
        }
        let Some(inst) = self.instances.get_mut(id) else {
            return Err(EngineError::VpnNotFound(id.into()));
        };
        let old_imports: BTreeSet<RouteTarget> = inst.import_rts.iter().copied().collect();
        inst.import_rts = req.import_rts.clone();
        inst.export_rts = req.export_rts.clone();
        if req.instance_description.is_some() {
            inst.description = req.instance_description.clone();
        }
        let imports_changed = created || old_imports != inst.import_rts.iter().copied().collect();
        if refresh {
            if let Some(ep) = inst.endpoints.get_mut(&(mac, ip)) {
                ep.local_pref = req.local_pref;
                ep.description = req.description.clone();
            }
            if let Some(mp) = inst.macs.get_mut(&mac) {
                mp.hash_order = req.lb_consistent_hash_order;
            }
        } else {
            plug(inst, req, &port, label, ep_rd, &mut fx);
        }
        if imports_changed {
            self.republish_rtc(&mut fx);
            self.resync(id, &mut fx);
        }
        self.republish(id, &mut fx);
        Ok(fx)
    }

    /// Give back the identifiers of a new instance whose first endpoint could not get its
    /// own; the error to return.
    fn undo_new(&mut self, new: Option<Instance>, what: &'static str) -> EngineError {
        if let Some(inst) = new {
            self.release_instance(&inst);
        }
        EngineError::Exhausted(what)
    }

    /// A new instance for `req`, its identifiers allocated; not yet inserted.
    fn create_instance(&mut self, req: &AttachRequest) -> Result<Instance, EngineError> {
        let id = req.vpn_instance_id.as_str();
        let devices = match req.vpn_type {
            VpnType::Ipvpn => None,
            VpnType::Evpn => Some(self.evpn_devices(id, req.linuxbr.as_deref())?),
        };
        let (alloc, min, max) = match req.vpn_type {
            VpnType::Evpn => (&mut self.vnis, 1, VNI_MAX),
            VpnType::Ipvpn => (&mut self.labels, LABEL_MIN, LABEL_MAX),
        };
        let dpid = if req.vni != 0 {
            if req.vni < min || req.vni > max {
                return Err(EngineError::VniOutOfRange(req.vni));
            }
            if !alloc.reserve(req.vni) {
                return Err(EngineError::VniInUse(req.vni));
            }
            req.vni
        } else {
            alloc
                .allocate()
                .ok_or(EngineError::Exhausted(match req.vpn_type {
                    VpnType::Evpn => "VNI",
                    VpnType::Ipvpn => "MPLS label",
                }))?
        };
        let Some(n) = self.ids.allocate() else {
            self.release_dataplane_id(req.vpn_type, dpid);
            return Err(EngineError::Exhausted("instance id"));
        };
        let Some(rd) = self.rds.allocate() else {
            self.release_dataplane_id(req.vpn_type, dpid);
            self.ids.release(n);
            return Err(EngineError::Exhausted("route distinguisher"));
        };
        let salt = fnv1a(
            fnv1a(FNV_BASIS, self.config.hash_salt.as_bytes()),
            id.as_bytes(),
        );
        let ecmp = match req.vpn_type {
            VpnType::Evpn => self.config.ecmp_evpn,
            VpnType::Ipvpn => self.config.ecmp_ipvpn,
        };
        let tracker = Tracker::new(ecmp, salt);
        Ok(Instance::new(
            n,
            req.vpn_type,
            id.to_string(),
            rd,
            dpid,
            devices,
            tracker,
        ))
    }

    /// Bridge `evpn---<id>` (or the client's `linuxbr`) and VXLAN device `vxlan--<id>`, cut to
    /// 15 octets; refused when another instance has the same names.
    fn evpn_devices(&self, id: &str, linuxbr: Option<&str>) -> Result<EvpnDevices, EngineError> {
        let vxlan = device_name("vxlan--", id);
        if !valid_ifname(&vxlan) {
            let name = id.to_string();
            return Err(EngineError::InvalidName {
                what: "vpn_instance_id",
                name,
            });
        }
        let (bridge, existing_bridge) = match linuxbr {
            Some(b) if !valid_ifname(b) => {
                let name = b.to_string();
                return Err(EngineError::InvalidName {
                    what: "linuxbr",
                    name,
                });
            }
            Some(b) => (b.to_string(), true),
            None => (device_name("evpn---", id), false),
        };
        for d in self.instances.values().filter_map(|i| i.devices.as_ref()) {
            if d.vxlan == vxlan {
                return Err(EngineError::DeviceNameInUse(vxlan));
            }
            if !existing_bridge && !d.existing_bridge && d.bridge == bridge {
                return Err(EngineError::DeviceNameInUse(bridge));
            }
        }
        Ok(EvpnDevices {
            bridge,
            existing_bridge,
            vxlan,
        })
    }

    fn release_dataplane_id(&mut self, t: VpnType, id: u32) {
        match t {
            VpnType::Evpn => self.vnis.release(id),
            VpnType::Ipvpn => self.labels.release(id),
        };
    }

    fn release_instance(&mut self, inst: &Instance) {
        self.release_dataplane_id(inst.vpn_type, inst.dataplane_id);
        self.ids.release(inst.id);
        self.rds.release(inst.rd);
    }

    /// Unplug a local endpoint (`POST /detach_localport`): withdraw its route, undo its
    /// dataplane state; when it was the instance's last, stop the instance (withdraw all its
    /// routes, drop its subscriptions, delete its dataplane).
    pub fn detach(&mut self, req: &DetachRequest) -> Result<Effects, EngineError> {
        let id = req.vpn_instance_id.as_str();
        let mac = req.mac_address;
        let ip = req.ip_address.map(|n| n.addr());
        let port = req.local_port.name().to_string();
        let inst = self
            .instances
            .get_mut(id)
            .ok_or_else(|| EngineError::VpnNotFound(id.into()))?;
        if inst.vpn_type != req.vpn_type {
            let existing = inst.vpn_type;
            return Err(EngineError::TypeMismatch {
                id: id.into(),
                existing,
            });
        }
        let plugged = inst.macs.get(&mac).is_some_and(|m| m.port == port)
            && inst.endpoints.contains_key(&(mac, ip));
        let (Some(ep), true) = (inst.endpoints.get(&(mac, ip)).cloned(), plugged) else {
            return Err(EngineError::NotPlugged { mac, ip, port });
        };
        let mut fx = Effects::default();
        if let Some(op) = inst.vrf_port_op(mac, &ep, false) {
            fx.dataplane.push(op);
        }
        inst.endpoints.remove(&(mac, ip));
        if let Some(a) = ip {
            if inst.ips.get(&a) == Some(&mac) {
                inst.ips.remove(&a);
            }
        }
        let mac_gone = !inst.endpoints.keys().any(|(m, _)| *m == mac);
        let mut label = None;
        if mac_gone {
            label = inst.macs.remove(&mac).and_then(|m| m.label);
            if inst.vpn_type == VpnType::Evpn {
                fx.dataplane.push(inst.evpn_port_op(mac, &port, false));
            }
        }
        // The driver releases the port with the unplug: plug again what stays on it.
        fx.dataplane.extend(replug(inst, mac, &port, mac_gone));
        let empty = inst.endpoints.is_empty();
        if let Some(rd) = ep.rd {
            self.rds.release(rd);
        }
        if let Some(l) = label {
            self.labels.release(l);
        }
        if empty {
            self.stop(id, &mut fx);
        } else {
            self.republish(id, &mut fx);
        }
        Ok(fx)
    }

    /// Stop every instance (the daemon shutting down): their routes withdrawn, their
    /// dataplane deleted, their RTC routes withdrawn. Peers and received routes are kept.
    pub fn stop_all(&mut self) -> Effects {
        let mut fx = Effects::default();
        let ids: Vec<String> = self.instances.keys().cloned().collect();
        for id in ids {
            self.stop(&id, &mut fx);
        }
        fx
    }

    /// Stop an instance: withdraw its routes, delete its dataplane, give back its ids.
    fn stop(&mut self, id: &str, fx: &mut Effects) {
        let Some(inst) = self.instances.remove(id) else {
            return;
        };
        fx.dataplane.push(inst.delete_op());
        self.publish_diff(&inst.published, &BTreeMap::new(), fx);
        self.release_instance(&inst);
        self.republish_rtc(fx);
    }

    /// Replay every received route to instance `id` (after its import targets changed):
    /// routes it now subscribes to are imported, routes it no longer does are removed.
    fn resync(&mut self, id: &str, fx: &mut Effects) {
        let env = self.env();
        let Some(inst) = self.instances.get_mut(id) else {
            return;
        };
        // Re-advertised prefixes that change are published by the caller's `republish`.
        for (source, route) in &self.remote {
            fx.dataplane
                .extend(inst.remote_update(source, Some(route), &env).0);
        }
        fx.dataplane.extend(inst.refresh_all().0);
    }

    /// Advertise what instance `id` should advertise now, withdrawing what it should not.
    pub(crate) fn republish(&mut self, id: &str, fx: &mut Effects) {
        let env = self.env();
        let Some(inst) = self.instances.get_mut(id) else {
            return;
        };
        let new = inst.local_routes(&env);
        let old = std::mem::replace(&mut inst.published, new.clone());
        self.publish_diff(&old, &new, fx);
    }
}

/// Check a new endpoint against an existing instance; `Ok(true)` when it is plugged already
/// (a refresh).
fn check_endpoint(
    inst: &Instance,
    mac: MacAddress,
    ip: Option<IpAddr>,
    port: &str,
) -> Result<bool, EngineError> {
    if let Some(mp) = inst.macs.get(&mac) {
        if mp.port != port {
            let port = mp.port.clone();
            return Err(EngineError::MacOnOtherPort { mac, port });
        }
    }
    if let Some(a) = ip {
        if let Some(other) = inst.ips.get(&a).filter(|m| **m != mac) {
            return Err(EngineError::IpOnOtherMac { ip: a, mac: *other });
        }
    }
    Ok(inst.endpoints.contains_key(&(mac, ip)))
}

/// Record a new endpoint in `inst` and give its dataplane operation.
fn plug(
    inst: &mut Instance,
    req: &AttachRequest,
    port: &str,
    label: Option<u32>,
    rd: Option<herald_wire::nlri::RouteDistinguisher>,
    fx: &mut Effects,
) {
    let mac = req.mac_address;
    let new_mac = !inst.macs.contains_key(&mac);
    let mp = inst.macs.entry(mac).or_insert_with(|| MacPort {
        port: port.to_string(),
        label,
        hash_order: 0,
    });
    mp.hash_order = req.lb_consistent_hash_order;
    let ep = Endpoint {
        ip: req.ip_address,
        advertise_subnet: req.advertise_subnet,
        rd,
        local_pref: req.local_pref,
        description: req.description.clone(),
    };
    let ip = req.ip_address.map(|n| n.addr());
    if let Some(a) = ip {
        inst.ips.insert(a, mac);
    }
    match inst.vpn_type {
        VpnType::Evpn if new_mac => fx.dataplane.push(inst.evpn_port_op(mac, port, true)),
        VpnType::Evpn => {}
        VpnType::Ipvpn => {
            // The MAC's entry exists now, so the operation can be built.
            inst.endpoints.insert((mac, ip), ep.clone());
            fx.dataplane.extend(inst.vrf_port_op(mac, &ep, true));
            return;
        }
    }
    inst.endpoints.insert((mac, ip), ep);
}

/// Plug operations for what stays on `port` after `mac` (or one of its endpoints) left it.
fn replug(inst: &Instance, mac: MacAddress, port: &str, mac_gone: bool) -> Vec<DataplaneOp> {
    let on_port = |m: &MacAddress| inst.macs.get(m).is_some_and(|p| p.port == port);
    match inst.vpn_type {
        VpnType::Evpn if mac_gone => inst
            .macs
            .iter()
            .filter(|(m, p)| **m != mac && p.port == port)
            .map(|(m, _)| inst.evpn_port_op(*m, port, true))
            .collect(),
        VpnType::Evpn => Vec::new(),
        VpnType::Ipvpn => inst
            .endpoints
            .iter()
            .filter(|((m, _), _)| on_port(m))
            .filter_map(|((m, _), ep)| inst.vrf_port_op(*m, ep, true))
            .collect(),
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
