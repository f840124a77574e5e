//! The contract between the VPN engine and a dataplane driver: one [`DataplaneOp`] per change
//! the driver carries out, in order. The engine decides; a driver only executes (the daemon's
//! Linux EVPN/VXLAN driver over netlink, or [`Recorder`] in tests). Operations are idempotent
//! for the driver: adding what is there or removing what is not is not an error.

use std::net::IpAddr;

use herald_wire::nlri::evpn::MacAddress;
use ipnet::IpNet;

/// Which kind of VPN instance an operation is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VpnType {
    /// IP VPN (RFC 4364): a VRF.
    Ipvpn,
    /// E-VPN (RFC 7432) over VXLAN (RFC 8365): a bridge and a VXLAN device.
    Evpn,
}

/// One change to the dataplane. `instance` is the engine's numeric id of the VPN instance
/// (stable while the instance lives; names of Linux devices derive from the external id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataplaneOp {
    /// Create an E-VPN instance: bridge `bridge` (or use it when `existing_bridge`), VXLAN device
    /// `vxlan` with `vni`, local tunnel address `local`, UDP port `port`, no learning, ARP proxy,
    /// enslaved to the bridge.
    EvpnCreate {
        /// Engine id of the instance.
        instance: u32,
        /// Bridge device name (at most 15 octets).
        bridge: String,
        /// True when the bridge was given by the client (`linuxbr`): not created, not deleted.
        existing_bridge: bool,
        /// VXLAN device name (at most 15 octets).
        vxlan: String,
        /// VXLAN network identifier (24 bits).
        vni: u32,
        /// Local VTEP address (the dataplane address).
        local: IpAddr,
        /// VXLAN UDP destination port (4789 by default).
        port: u16,
    },
    /// Delete an E-VPN instance's VXLAN device and (unless it was existing) its bridge.
    EvpnDelete {
        /// Engine id of the instance.
        instance: u32,
        /// Bridge device name.
        bridge: String,
        /// True when the bridge is not ours to delete.
        existing_bridge: bool,
        /// VXLAN device name.
        vxlan: String,
    },
    /// Enslave local port `port` to the instance's bridge and add a static FDB entry for `mac`
    /// on it.
    EvpnPlug {
        /// Engine id of the instance.
        instance: u32,
        /// Bridge device name.
        bridge: String,
        /// Linux interface of the port.
        port: String,
        /// The port's MAC address.
        mac: MacAddress,
    },
    /// Remove the FDB entry for `mac` on `port` and release the port from the bridge.
    EvpnUnplug {
        /// Engine id of the instance.
        instance: u32,
        /// Bridge device name.
        bridge: String,
        /// Linux interface of the port.
        port: String,
        /// The port's MAC address.
        mac: MacAddress,
    },
    /// A remote MAC (EVPN route type 2): FDB entry `mac` on `vxlan` toward `remote` with `vni`,
    /// and when `ip` is set a permanent neighbour entry `ip` → `mac` on `vxlan`.
    EvpnAddMac {
        /// Engine id of the instance.
        instance: u32,
        /// VXLAN device name.
        vxlan: String,
        /// Remote MAC address.
        mac: MacAddress,
        /// Remote IP bound to the MAC, if the route carried one.
        ip: Option<IpAddr>,
        /// Remote VTEP (the route's next hop).
        remote: IpAddr,
        /// VNI from the route's label field.
        vni: u32,
    },
    /// Undo [`DataplaneOp::EvpnAddMac`].
    EvpnRemoveMac {
        /// Engine id of the instance.
        instance: u32,
        /// VXLAN device name.
        vxlan: String,
        /// Remote MAC address.
        mac: MacAddress,
        /// Remote IP bound to the MAC, if any.
        ip: Option<IpAddr>,
        /// Remote VTEP.
        remote: IpAddr,
        /// VNI.
        vni: u32,
    },
    /// A remote VTEP in the flood list (EVPN route type 3 with ingress replication): FDB entry
    /// 00:00:00:00:00:00 on `vxlan` toward `remote` with `vni`, appended (head-end replication).
    EvpnAddFlood {
        /// Engine id of the instance.
        instance: u32,
        /// VXLAN device name.
        vxlan: String,
        /// Remote VTEP (the PMSI tunnel endpoint).
        remote: IpAddr,
        /// VNI from the PMSI attribute's label field.
        vni: u32,
    },
    /// Undo [`DataplaneOp::EvpnAddFlood`].
    EvpnRemoveFlood {
        /// Engine id of the instance.
        instance: u32,
        /// VXLAN device name.
        vxlan: String,
        /// Remote VTEP.
        remote: IpAddr,
        /// VNI.
        vni: u32,
    },
    /// Create a VRF for an IP VPN instance.
    VrfCreate {
        /// Engine id of the instance.
        instance: u32,
        /// The VRF's label/identifier (the instance label).
        label: u32,
        /// Gateway address and prefix length of the instance's subnet, if known.
        gateway: Option<IpNet>,
    },
    /// Delete an IP VPN instance's VRF.
    VrfDelete {
        /// Engine id of the instance.
        instance: u32,
    },
    /// Attach a local port to the VRF: traffic with `label` goes to `ip` on `port`.
    VrfPlug {
        /// Engine id of the instance.
        instance: u32,
        /// Linux interface of the port.
        port: String,
        /// The port's MAC address.
        mac: MacAddress,
        /// The port's address as advertised (host route or subnet).
        ip: IpNet,
        /// MPLS label allocated to this port.
        label: u32,
    },
    /// Undo [`DataplaneOp::VrfPlug`].
    VrfUnplug {
        /// Engine id of the instance.
        instance: u32,
        /// Linux interface of the port.
        port: String,
        /// The port's MAC address.
        mac: MacAddress,
        /// The port's address.
        ip: IpNet,
        /// MPLS label of this port.
        label: u32,
    },
    /// A remote VPN route in the VRF: `prefix` via `remote` with MPLS `label`.
    VrfAddRoute {
        /// Engine id of the instance.
        instance: u32,
        /// Destination prefix.
        prefix: IpNet,
        /// Remote PE (the route's next hop).
        remote: IpAddr,
        /// Label the remote PE expects.
        label: u32,
    },
    /// Undo [`DataplaneOp::VrfAddRoute`].
    VrfRemoveRoute {
        /// Engine id of the instance.
        instance: u32,
        /// Destination prefix.
        prefix: IpNet,
        /// Remote PE.
        remote: IpAddr,
        /// Label.
        label: u32,
    },
}

impl DataplaneOp {
    /// The kind of instance the operation is for: E-VPN operations go to the E-VPN driver,
    /// VRF operations to the IP VPN driver.
    pub fn vpn_type(&self) -> VpnType {
        match self {
            DataplaneOp::EvpnCreate { .. }
            | DataplaneOp::EvpnDelete { .. }
            | DataplaneOp::EvpnPlug { .. }
            | DataplaneOp::EvpnUnplug { .. }
            | DataplaneOp::EvpnAddMac { .. }
            | DataplaneOp::EvpnRemoveMac { .. }
            | DataplaneOp::EvpnAddFlood { .. }
            | DataplaneOp::EvpnRemoveFlood { .. } => VpnType::Evpn,
            DataplaneOp::VrfCreate { .. }
            | DataplaneOp::VrfDelete { .. }
            | DataplaneOp::VrfPlug { .. }
            | DataplaneOp::VrfUnplug { .. }
            | DataplaneOp::VrfAddRoute { .. }
            | DataplaneOp::VrfRemoveRoute { .. } => VpnType::Ipvpn,
        }
    }

    /// The engine id of the instance the operation is for.
    pub fn instance(&self) -> u32 {
        match self {
            DataplaneOp::EvpnCreate { instance, .. }
            | DataplaneOp::EvpnDelete { instance, .. }
            | DataplaneOp::EvpnPlug { instance, .. }
            | DataplaneOp::EvpnUnplug { instance, .. }
            | DataplaneOp::EvpnAddMac { instance, .. }
            | DataplaneOp::EvpnRemoveMac { instance, .. }
            | DataplaneOp::EvpnAddFlood { instance, .. }
            | DataplaneOp::EvpnRemoveFlood { instance, .. }
            | DataplaneOp::VrfCreate { instance, .. }
            | DataplaneOp::VrfDelete { instance }
            | DataplaneOp::VrfPlug { instance, .. }
            | DataplaneOp::VrfUnplug { instance, .. }
            | DataplaneOp::VrfAddRoute { instance, .. }
            | DataplaneOp::VrfRemoveRoute { instance, .. } => *instance,
        }
    }

    /// The variant's name (`EvpnAddMac`, `VrfAddRoute`, …), for logs and the looking glass.
    pub fn name(&self) -> &'static str {
        match self {
            DataplaneOp::EvpnCreate { .. } => "EvpnCreate",
            DataplaneOp::EvpnDelete { .. } => "EvpnDelete",
            DataplaneOp::EvpnPlug { .. } => "EvpnPlug",
            DataplaneOp::EvpnUnplug { .. } => "EvpnUnplug",
            DataplaneOp::EvpnAddMac { .. } => "EvpnAddMac",
            DataplaneOp::EvpnRemoveMac { .. } => "EvpnRemoveMac",
            DataplaneOp::EvpnAddFlood { .. } => "EvpnAddFlood",
            DataplaneOp::EvpnRemoveFlood { .. } => "EvpnRemoveFlood",
            DataplaneOp::VrfCreate { .. } => "VrfCreate",
            DataplaneOp::VrfDelete { .. } => "VrfDelete",
            DataplaneOp::VrfPlug { .. } => "VrfPlug",
            DataplaneOp::VrfUnplug { .. } => "VrfUnplug",
            DataplaneOp::VrfAddRoute { .. } => "VrfAddRoute",
            DataplaneOp::VrfRemoveRoute { .. } => "VrfRemoveRoute",
        }
    }
}

/// A driver that records operations instead of executing them: the IP VPN dataplane of this
/// machine (no MPLS forwarding, no VRF devices) and the engine's tests.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    /// Every operation, in the order it was given.
    pub ops: Vec<DataplaneOp>,
}

impl Recorder {
    /// Record `ops` in order.
    pub fn apply(&mut self, ops: impl IntoIterator<Item = DataplaneOp>) {
        self.ops.extend(ops);
    }
}
