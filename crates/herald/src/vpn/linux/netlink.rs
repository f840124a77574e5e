//! The netlink plumbing under [`super::LinuxEvpnDriver`]: one request with a deadline, the
//! messages rtnetlink has no builder for (FDB entries with `NDA_VNI`, `NLM_F_APPEND`), and the
//! parsing of what the kernel reads back (links, FDB entries, neighbours).
//!
//! Every request goes through [`Netlink::request`], which bounds the wait for the kernel's
//! answer and turns a refusal into a [`DriverError`] naming the operation and the device.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use futures_util::StreamExt;
use herald_wire::nlri::evpn::MacAddress;
use rtnetlink::packet_core::{NetlinkMessage, NetlinkPayload};
use rtnetlink::packet_route::link::{
    InfoBridge, InfoData, InfoVxlan, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
};
use rtnetlink::packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourFlags, NeighbourMessage, NeighbourState,
};
use rtnetlink::packet_route::{AddressFamily, RouteNetlinkMessage};

use super::DriverError;

/// `NUD_REACHABLE` (`include/uapi/linux/neighbour.h`).
pub(super) const NUD_REACHABLE: u16 = 0x02;
/// `NUD_NOARP`.
pub(super) const NUD_NOARP: u16 = 0x40;
/// `NUD_PERMANENT`.
pub(super) const NUD_PERMANENT: u16 = 0x80;

/// A route netlink connection with the deadline applied to each request.
#[derive(Clone, Debug)]
pub(super) struct Netlink {
    /// rtnetlink's handle on the connection task.
    pub(super) handle: rtnetlink::Handle,
    /// How long one request may wait for the kernel's answer.
    pub(super) timeout: Duration,
}

impl Netlink {
    /// Send `message` with the netlink header `flags` and collect the kernel's answer: the
    /// messages of a dump, nothing for an acknowledged change. A negative acknowledgement is a
    /// [`DriverError::Kernel`] with the errno; no answer within the deadline is a
    /// [`DriverError::Timeout`]; both name `op` and `device`.
    pub(super) async fn request(
        &self,
        op: &'static str,
        device: &str,
        message: RouteNetlinkMessage,
        flags: u16,
    ) -> Result<Vec<RouteNetlinkMessage>, DriverError> {
        let mut req = NetlinkMessage::from(message);
        req.header.flags = flags;
        let mut handle = self.handle.clone();
        let exchange = async move {
            let mut answers = handle.request(req).map_err(|_| None)?;
            let mut out = Vec::new();
            while let Some(answer) = answers.next().await {
                match answer.payload {
                    NetlinkPayload::InnerMessage(m) => out.push(m),
                    NetlinkPayload::Error(e) if e.code.is_some() => return Err(Some(e.to_io())),
                    _ => {}
                }
            }
            Ok(out)
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(Some(source))) => Err(DriverError::Kernel {
                op,
                device: device.to_string(),
                source,
            }),
            Ok(Err(None)) => Err(DriverError::Closed {
                op,
                device: device.to_string(),
            }),
            Err(_) => Err(DriverError::Timeout {
                op,
                device: device.to_string(),
                timeout: self.timeout,
            }),
        }
    }
}

/// `Ok(())` for an error whose errno is in `benign` (the thing to remove was not there, the
/// thing to add already was), else the error.
pub(super) fn tolerate(r: Result<(), DriverError>, benign: &[i32]) -> Result<(), DriverError> {
    match r {
        Err(e) if e.errno().is_some_and(|n| benign.contains(&n)) => Ok(()),
        other => other,
    }
}

/// A link as the kernel reports it: what the driver checks before reusing a device, and what
/// the tests and `herald vpn show` print.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkState {
    /// Interface index.
    pub index: u32,
    /// Interface name.
    pub name: String,
    /// `IFLA_INFO_KIND` (`bridge`, `vxlan`, `veth`, …); `None` for devices without one.
    pub kind: Option<String>,
    /// Index of the device this one is enslaved to (`IFLA_MASTER`).
    pub master: Option<u32>,
    /// Administratively up (`IFF_UP`).
    pub up: bool,
    /// The VXLAN parameters, for a `vxlan` device.
    pub vxlan: Option<VxlanState>,
    /// The bridge parameters, for a `bridge` device.
    pub bridge: Option<BridgeState>,
}

/// The parameters of a VXLAN device (`IFLA_VXLAN_*`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VxlanState {
    /// `IFLA_VXLAN_ID`.
    pub vni: Option<u32>,
    /// `IFLA_VXLAN_LOCAL` / `IFLA_VXLAN_LOCAL6`.
    pub local: Option<IpAddr>,
    /// `IFLA_VXLAN_PORT` (UDP destination port).
    pub port: Option<u16>,
    /// `IFLA_VXLAN_LEARNING`.
    pub learning: Option<bool>,
    /// `IFLA_VXLAN_PROXY` (ARP/ND suppression from the neighbour table).
    pub proxy: Option<bool>,
}

/// The parameters of a bridge device (`IFLA_BR_*`) that the driver sets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BridgeState {
    /// `IFLA_BR_FORWARD_DELAY`, in centiseconds.
    pub forward_delay: Option<u32>,
    /// `IFLA_BR_STP_STATE` (0: off).
    pub stp_state: Option<u32>,
}

impl LinkState {
    /// Read a `RTM_NEWLINK` answer.
    pub(super) fn from_message(m: &LinkMessage) -> LinkState {
        let mut s = LinkState {
            index: m.header.index,
            up: m.header.flags.contains(LinkFlags::Up),
            ..LinkState::default()
        };
        for attr in &m.attributes {
            match attr {
                LinkAttribute::IfName(n) => s.name.clone_from(n),
                LinkAttribute::Controller(i) if *i != 0 => s.master = Some(*i),
                LinkAttribute::LinkInfo(infos) => {
                    for info in infos {
                        match info {
                            LinkInfo::Kind(k) => s.kind = Some(k.to_string()),
                            LinkInfo::Data(InfoData::Vxlan(v)) => s.vxlan = Some(vxlan_state(v)),
                            LinkInfo::Data(InfoData::Bridge(b)) => s.bridge = Some(bridge_state(b)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        s
    }
}

/// The `IFLA_VXLAN_*` attributes the driver sets.
fn vxlan_state(attrs: &[InfoVxlan]) -> VxlanState {
    let mut v = VxlanState::default();
    for a in attrs {
        match a {
            InfoVxlan::Id(id) => v.vni = Some(*id),
            InfoVxlan::Local(a) => v.local = Some(IpAddr::V4(*a)),
            InfoVxlan::Local6(a) => v.local = Some(IpAddr::V6(*a)),
            InfoVxlan::Port(p) => v.port = Some(*p),
            InfoVxlan::Learning(l) => v.learning = Some(*l),
            InfoVxlan::Proxy(p) => v.proxy = Some(*p),
            _ => {}
        }
    }
    v
}

/// The `IFLA_BR_*` attributes the driver sets.
fn bridge_state(attrs: &[InfoBridge]) -> BridgeState {
    let mut b = BridgeState::default();
    for a in attrs {
        match a {
            InfoBridge::ForwardDelay(d) => b.forward_delay = Some(*d),
            InfoBridge::StpState(s) => b.stp_state = Some(u32::from(*s)),
            _ => {}
        }
    }
    b
}

/// One forwarding database entry of a device (`bridge fdb show dev DEV`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FdbEntry {
    /// The MAC address (all zeros: the flood list of a VXLAN device).
    pub mac: MacAddress,
    /// Remote VTEP (`NDA_DST`), for VXLAN entries.
    pub dst: Option<IpAddr>,
    /// VNI used toward `dst`: `NDA_VNI`, or the device's own VNI when the kernel leaves it out
    /// (it does when both are equal). `None` for entries of devices that are not VXLAN.
    pub vni: Option<u32>,
    /// The bridge's entry for a port (`NDA_MASTER`), as opposed to the device's own (`NTF_SELF`).
    pub master: bool,
    /// The `NUD_*` state bits (`NUD_PERMANENT`, `NUD_NOARP`, …).
    pub state: u16,
}

impl FdbEntry {
    /// A static entry of the bridge (`bridge fdb … master static`): `NUD_NOARP` without
    /// `NUD_PERMANENT` (which would make the MAC the host's own).
    pub fn is_static(&self) -> bool {
        self.state & NUD_NOARP != 0 && self.state & NUD_PERMANENT == 0
    }

    /// A permanent entry: a VXLAN device's remote MACs and flood list, or the bridge's own
    /// MACs (`NUD_PERMANENT`).
    pub fn is_permanent(&self) -> bool {
        self.state & NUD_PERMANENT != 0
    }
}

/// Read one `RTM_NEWNEIGH` of an `AF_BRIDGE` dump; `None` when it has no 6-octet MAC.
pub(super) fn fdb_entry(m: &NeighbourMessage, device_vni: Option<u32>) -> Option<FdbEntry> {
    let mut mac = None;
    let mut dst = None;
    let mut vni = None;
    let mut master = m.header.flags.contains(NeighbourFlags::Controller);
    for attr in &m.attributes {
        match attr {
            NeighbourAttribute::LinkLayerAddress(l) => {
                mac = <[u8; 6]>::try_from(l.as_slice()).ok().map(MacAddress)
            }
            NeighbourAttribute::Destination(d) => dst = address(d),
            NeighbourAttribute::Vni(v) => vni = Some(*v),
            // The bridge names itself in its entries (`NDA_MASTER`); `NTF_MASTER` is a
            // request flag.
            NeighbourAttribute::Controller(_) => master = true,
            _ => {}
        }
    }
    Some(FdbEntry {
        mac: mac?,
        dst,
        vni: vni.or(if master { None } else { device_vni }),
        master,
        state: u16::from(m.header.state),
    })
}

/// One neighbour (ARP or NDP) entry of a device (`ip neigh show dev DEV`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NeighbourEntry {
    /// The IP address.
    pub ip: IpAddr,
    /// Its MAC address, when resolved.
    pub mac: Option<MacAddress>,
    /// The `NUD_*` state bits.
    pub state: u16,
}

/// Read one `RTM_NEWNEIGH` of an `AF_INET` / `AF_INET6` dump.
pub(super) fn neighbour_entry(m: &NeighbourMessage) -> Option<NeighbourEntry> {
    let mut ip = None;
    let mut mac = None;
    for attr in &m.attributes {
        match attr {
            NeighbourAttribute::Destination(d) => ip = address(d),
            NeighbourAttribute::LinkLayerAddress(l) => {
                mac = <[u8; 6]>::try_from(l.as_slice()).ok().map(MacAddress)
            }
            _ => {}
        }
    }
    Some(NeighbourEntry {
        ip: ip?,
        mac,
        state: u16::from(m.header.state),
    })
}

/// An `NDA_DST` as an address; in `AF_BRIDGE` messages it comes raw (4 or 16 octets).
fn address(d: &NeighbourAddress) -> Option<IpAddr> {
    match d {
        NeighbourAddress::Inet(a) => Some(IpAddr::V4(*a)),
        NeighbourAddress::Inet6(a) => Some(IpAddr::V6(*a)),
        NeighbourAddress::Other(raw) => {
            if let Ok(o) = <[u8; 4]>::try_from(raw.as_slice()) {
                Some(IpAddr::V4(Ipv4Addr::from(o)))
            } else {
                <[u8; 16]>::try_from(raw.as_slice())
                    .ok()
                    .map(|o| IpAddr::V6(Ipv6Addr::from(o)))
            }
        }
        _ => None,
    }
}

/// An address as `NDA_DST`.
fn neighbour_address(ip: IpAddr) -> NeighbourAddress {
    match ip {
        IpAddr::V4(a) => NeighbourAddress::Inet(a),
        IpAddr::V6(a) => NeighbourAddress::Inet6(a),
    }
}

/// Where an FDB entry lives and what it points to.
pub(super) struct Fdb {
    /// The device holding the entry (a bridge port, or the VXLAN device).
    pub(super) ifindex: u32,
    /// The MAC address.
    pub(super) mac: MacAddress,
    /// Remote VTEP (`NDA_DST`), for VXLAN entries.
    pub(super) dst: Option<IpAddr>,
    /// `NDA_VNI`, for VXLAN entries.
    pub(super) vni: Option<u32>,
    /// `NTF_MASTER` (the bridge's table) rather than `NTF_SELF` (the device's own).
    pub(super) master: bool,
    /// `NUD_*` state bits.
    pub(super) state: u16,
}

impl Fdb {
    /// The `AF_BRIDGE` `RTM_NEWNEIGH` / `RTM_DELNEIGH` body, as iproute2's `bridge fdb` builds
    /// it.
    pub(super) fn message(&self) -> NeighbourMessage {
        let mut m = NeighbourMessage::default();
        m.header.family = AddressFamily::Bridge;
        m.header.ifindex = self.ifindex;
        m.header.state = NeighbourState::from(self.state);
        m.header.flags = if self.master {
            NeighbourFlags::Controller
        } else {
            NeighbourFlags::Own
        };
        m.attributes
            .push(NeighbourAttribute::LinkLayerAddress(self.mac.0.to_vec()));
        if let Some(dst) = self.dst {
            m.attributes
                .push(NeighbourAttribute::Destination(neighbour_address(dst)));
        }
        if let Some(vni) = self.vni {
            m.attributes.push(NeighbourAttribute::Vni(vni));
        }
        m
    }
}

/// The `AF_INET` / `AF_INET6` `RTM_NEWNEIGH` / `RTM_DELNEIGH` body of a permanent neighbour
/// entry `ip` → `mac` on `ifindex` (`ip neigh replace IP lladdr MAC dev DEV nud permanent`).
pub(super) fn neighbour_message(ifindex: u32, ip: IpAddr, mac: MacAddress) -> NeighbourMessage {
    let mut m = NeighbourMessage::default();
    m.header.family = match ip {
        IpAddr::V4(_) => AddressFamily::Inet,
        IpAddr::V6(_) => AddressFamily::Inet6,
    };
    m.header.ifindex = ifindex;
    m.header.state = NeighbourState::Permanent;
    m.attributes
        .push(NeighbourAttribute::Destination(neighbour_address(ip)));
    m.attributes
        .push(NeighbourAttribute::LinkLayerAddress(mac.0.to_vec()));
    m
}

/// An `RTM_GETNEIGH` (not a dump) for the entry of `ip` on `ifindex`: the kernel wants
/// nothing but the family, the index and `NDA_DST` in it.
pub(super) fn neighbour_query(ifindex: u32, ip: IpAddr) -> NeighbourMessage {
    let mut m = NeighbourMessage::default();
    m.header.family = match ip {
        IpAddr::V4(_) => AddressFamily::Inet,
        IpAddr::V6(_) => AddressFamily::Inet6,
    };
    m.header.ifindex = ifindex;
    m.attributes
        .push(NeighbourAttribute::Destination(neighbour_address(ip)));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bridge_fdb_destination_is_read_from_raw_octets() {
        let v4 = NeighbourAddress::Other(vec![10, 200, 0, 2]);
        assert_eq!(address(&v4), Some(IpAddr::from([10, 200, 0, 2])));
        let v6 = NeighbourAddress::Other(vec![
            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        ]);
        assert_eq!(address(&v6), "2001:db8::1".parse().ok());
        assert_eq!(address(&NeighbourAddress::Other(vec![1, 2, 3])), None);
    }

    #[test]
    fn vxlan_fdb_message_carries_lladdr_dst_vni_and_ntf_self() {
        let m = Fdb {
            ifindex: 7,
            mac: MacAddress([2, 0, 0, 0, 0x77, 2]),
            dst: Some(IpAddr::from([10, 200, 0, 2])),
            vni: Some(5010),
            master: false,
            state: NUD_PERMANENT | NUD_NOARP,
        }
        .message();
        assert_eq!(m.header.family, AddressFamily::Bridge);
        assert_eq!(m.header.flags, NeighbourFlags::Own);
        assert_eq!(u16::from(m.header.state), 0xc0);
        assert!(m.attributes.contains(&NeighbourAttribute::Vni(5010)));
        assert!(m
            .attributes
            .contains(&NeighbourAttribute::Destination(NeighbourAddress::Inet(
                Ipv4Addr::new(10, 200, 0, 2)
            ))));
    }

    #[test]
    fn fdb_entry_without_vni_takes_the_vxlan_devices_own() {
        let mut m = NeighbourMessage::default();
        m.header.flags = NeighbourFlags::Own;
        m.attributes
            .push(NeighbourAttribute::LinkLayerAddress(vec![0; 6]));
        let e = fdb_entry(&m, Some(42));
        assert_eq!(e.map(|e| e.vni), Some(Some(42)));
        m.attributes.push(NeighbourAttribute::Vni(43));
        assert_eq!(fdb_entry(&m, Some(42)).map(|e| e.vni), Some(Some(43)));
    }

    #[test]
    fn fdb_entry_without_a_six_octet_mac_is_skipped() {
        let mut m = NeighbourMessage::default();
        m.attributes
            .push(NeighbourAttribute::LinkLayerAddress(vec![1, 2, 3]));
        assert_eq!(fdb_entry(&m, None), None);
    }
}
