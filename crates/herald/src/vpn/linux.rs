//! The Linux E-VPN/VXLAN dataplane driver (BaGPipe's `linux_vxlan`), over route netlink.
//!
//! One E-VPN instance is a bridge (`evpn---<id>`, or the client's own) and a VXLAN device
//! (`vxlan--<id>`) enslaved to it, with learning off and ARP/ND proxy on: the control plane
//! (BGP EVPN routes) fills the VXLAN device's FDB and neighbour table instead.
//!
//! | [`DataplaneOp`]   | iproute2 equivalent |
//! |-------------------|---------------------|
//! | `EvpnCreate`      | `ip link add BR type bridge forward_delay 0 stp_state 0`; `ip link add VX type vxlan id VNI local LOCAL dstport PORT nolearning proxy master BR`; both up |
//! | `EvpnDelete`      | `ip link del VX`; `ip link del BR` (not a client's bridge) |
//! | `EvpnPlug`        | `ip link set PORT up master BR`; `bridge fdb replace MAC dev PORT master static` |
//! | `EvpnUnplug`      | `bridge fdb del MAC dev PORT master`; `ip link set PORT nomaster` |
//! | `EvpnAddMac`      | `bridge fdb replace MAC dev VX dst REMOTE vni VNI`; `ip neigh replace IP lladdr MAC dev VX nud permanent` |
//! | `EvpnRemoveMac`   | `ip neigh del IP dev VX` (when it still names MAC); `bridge fdb del MAC dev VX dst REMOTE vni VNI` |
//! | `EvpnAddFlood`    | `bridge fdb append 00:00:00:00:00:00 dev VX dst REMOTE vni VNI` |
//! | `EvpnRemoveFlood` | `bridge fdb del 00:00:00:00:00:00 dev VX dst REMOTE vni VNI` |
//!
//! Operations are idempotent, as the [`DataplaneOp`] contract asks: creating what exists reuses
//! it (after checking it is what was asked for), removing what is gone succeeds. The driver
//! keeps no state of its own, so a restarted herald picks up where the kernel is.
//!
//! Every request has a deadline ([`LinuxEvpnDriver::with_timeout`]); every error names the
//! operation and the device. The driver runs in the network namespace of the thread that
//! called [`LinuxEvpnDriver::new`] (the netlink socket is bound to it).

mod error;
mod netlink;

use std::io;
use std::net::IpAddr;
use std::time::Duration;

use herald_vpn::dataplane::DataplaneOp;
use herald_wire::nlri::evpn::MacAddress;
use rtnetlink::packet_core::{
    NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST,
};
use rtnetlink::packet_route::link::{BridgeStpState, LinkAttribute, LinkMessage};
use rtnetlink::packet_route::neighbour::NeighbourMessage;
use rtnetlink::packet_route::{AddressFamily, RouteNetlinkMessage};
use rtnetlink::{LinkBridge, LinkMessageBuilder, LinkUnspec, LinkVxlan};

pub use error::DriverError;
use netlink::{tolerate, Fdb, Netlink, NUD_NOARP, NUD_PERMANENT, NUD_REACHABLE};
pub use netlink::{FdbEntry, LinkState, NeighbourEntry};

/// Names of the bridges the driver creates start with this (BaGPipe's `evpn---<id>`).
pub const BRIDGE_PREFIX: &str = "evpn---";
/// Names of the VXLAN devices the driver creates start with this (BaGPipe's `vxlan--<id>`).
pub const VXLAN_PREFIX: &str = "vxlan--";
/// How long one netlink request may wait for the kernel's answer by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The all-zero MAC address: a VXLAN device's flood list (head-end replication).
const FLOOD_MAC: MacAddress = MacAddress([0; 6]);

/// The E-VPN/VXLAN dataplane of the Linux kernel, driven over route netlink. Stateless: the
/// kernel's links, FDB and neighbour tables are the state.
#[derive(Debug)]
pub struct LinuxEvpnDriver {
    nl: Netlink,
    /// The task running the netlink connection; stopped with the driver.
    connection: tokio::task::JoinHandle<()>,
}

impl Drop for LinuxEvpnDriver {
    fn drop(&mut self) {
        self.connection.abort();
    }
}

impl LinuxEvpnDriver {
    /// Open a route netlink socket in the calling thread's network namespace and start its
    /// connection task on the current tokio runtime (an error outside one).
    pub fn new() -> Result<Self, DriverError> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|e| DriverError::Socket(io::Error::other(e)))?;
        let (connection, handle, _unsolicited) =
            rtnetlink::new_connection().map_err(DriverError::Socket)?;
        Ok(LinuxEvpnDriver {
            nl: Netlink {
                handle,
                timeout: DEFAULT_TIMEOUT,
            },
            connection: runtime.spawn(connection),
        })
    }

    /// A driver whose netlink connection is never driven: no request is ever answered (the
    /// tests of the deadline).
    #[cfg(test)]
    pub(crate) fn stalled() -> Result<Self, DriverError> {
        let (connection, handle, _unsolicited) =
            rtnetlink::new_connection().map_err(DriverError::Socket)?;
        let idle = async move {
            let _connection = connection;
            std::future::pending::<()>().await
        };
        Ok(LinuxEvpnDriver {
            nl: Netlink {
                handle,
                timeout: DEFAULT_TIMEOUT,
            },
            connection: tokio::spawn(idle),
        })
    }

    /// The deadline of each netlink request (default [`DEFAULT_TIMEOUT`]).
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.nl.timeout = timeout;
        self
    }

    /// Carry out one E-VPN operation. IP VPN operations (`Vrf*`) are
    /// [`DriverError::Unsupported`].
    pub async fn apply(&mut self, op: &DataplaneOp) -> Result<(), DriverError> {
        tracing::debug!(?op, "linux evpn dataplane");
        match op {
            DataplaneOp::EvpnCreate {
                bridge,
                existing_bridge,
                vxlan,
                vni,
                local,
                port,
                ..
            } => {
                self.evpn_create(bridge, *existing_bridge, vxlan, *vni, *local, *port)
                    .await
            }
            DataplaneOp::EvpnDelete {
                bridge,
                existing_bridge,
                vxlan,
                ..
            } => {
                self.delete_link("delete vxlan", vxlan, "vxlan").await?;
                if !existing_bridge {
                    self.delete_link("delete bridge", bridge, "bridge").await?;
                }
                Ok(())
            }
            DataplaneOp::EvpnPlug {
                bridge, port, mac, ..
            } => self.evpn_plug(bridge, port, *mac).await,
            DataplaneOp::EvpnUnplug {
                bridge, port, mac, ..
            } => self.evpn_unplug(bridge, port, *mac).await,
            DataplaneOp::EvpnAddMac {
                vxlan,
                mac,
                ip,
                remote,
                vni,
                ..
            } => self.add_mac(vxlan, *mac, *ip, *remote, *vni).await,
            DataplaneOp::EvpnRemoveMac {
                vxlan,
                mac,
                ip,
                remote,
                vni,
                ..
            } => self.remove_mac(vxlan, *mac, *ip, *remote, *vni).await,
            DataplaneOp::EvpnAddFlood {
                vxlan, remote, vni, ..
            } => {
                check_vni(vxlan, *vni)?;
                let vx = self.require_link("fdb append", vxlan).await?;
                let fdb = remote_fdb(vx.index, FLOOD_MAC, *remote, *vni);
                let flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND;
                self.send(
                    "fdb append",
                    vxlan,
                    RouteNetlinkMessage::NewNeighbour(fdb),
                    flags,
                )
                .await
            }
            DataplaneOp::EvpnRemoveFlood {
                vxlan, remote, vni, ..
            } => {
                let Some(vx) = self.link("fdb del", vxlan).await? else {
                    return Ok(());
                };
                let fdb = remote_fdb(vx.index, FLOOD_MAC, *remote, *vni);
                let r = self
                    .send(
                        "fdb del",
                        vxlan,
                        RouteNetlinkMessage::DelNeighbour(fdb),
                        ACKED,
                    )
                    .await;
                tolerate(r, &[libc::ENOENT])
            }
            DataplaneOp::VrfCreate { .. } => Err(DriverError::Unsupported("VrfCreate")),
            DataplaneOp::VrfDelete { .. } => Err(DriverError::Unsupported("VrfDelete")),
            DataplaneOp::VrfPlug { .. } => Err(DriverError::Unsupported("VrfPlug")),
            DataplaneOp::VrfUnplug { .. } => Err(DriverError::Unsupported("VrfUnplug")),
            DataplaneOp::VrfAddRoute { .. } => Err(DriverError::Unsupported("VrfAddRoute")),
            DataplaneOp::VrfRemoveRoute { .. } => Err(DriverError::Unsupported("VrfRemoveRoute")),
        }
    }

    /// Delete every link whose name starts with [`BRIDGE_PREFIX`] or [`VXLAN_PREFIX`] (what a
    /// herald that stopped without cleaning up left behind); the names removed, VXLAN devices
    /// first.
    pub async fn cleanup_all(&mut self) -> Result<Vec<String>, DriverError> {
        let mut doomed: Vec<LinkState> = self
            .links()
            .await?
            .into_iter()
            .filter(|l| l.name.starts_with(BRIDGE_PREFIX) || l.name.starts_with(VXLAN_PREFIX))
            .collect();
        doomed.sort_by_key(|l| (!l.name.starts_with(VXLAN_PREFIX), l.name.clone()));
        let mut removed = Vec::with_capacity(doomed.len());
        for l in doomed {
            let r = self
                .send(
                    "delete",
                    &l.name,
                    RouteNetlinkMessage::DelLink(by_index(l.index)),
                    ACKED,
                )
                .await;
            tolerate(r, &[libc::ENODEV])?;
            removed.push(l.name);
        }
        Ok(removed)
    }

    /// The link named `name`, if there is one (`ip link show NAME`).
    pub async fn link_by_name(&self, name: &str) -> Result<Option<LinkState>, DriverError> {
        self.link("show", name).await
    }

    /// Every link of the namespace.
    pub async fn links(&self) -> Result<Vec<LinkState>, DriverError> {
        let dump = RouteNetlinkMessage::GetLink(LinkMessage::default());
        let answers = self
            .nl
            .request("list links", "*", dump, NLM_F_REQUEST | NLM_F_DUMP)
            .await?;
        Ok(answers
            .iter()
            .filter_map(|a| match a {
                RouteNetlinkMessage::NewLink(l) => Some(LinkState::from_message(l)),
                _ => None,
            })
            .collect())
    }

    /// The FDB entries of device `ifname` (`bridge fdb show dev IFNAME`): for a VXLAN device
    /// its own entries (remote MACs and flood list, with their VTEP and VNI) and the bridge's
    /// entries for it; for a bridge port, the bridge's entries (`master`) and its own.
    pub async fn fdb_entries(&self, ifname: &str) -> Result<Vec<FdbEntry>, DriverError> {
        let dev = self.require_link("fdb show", ifname).await?;
        let device_vni = dev.vxlan.as_ref().and_then(|v| v.vni);
        let mut m = NeighbourMessage::default();
        m.header.family = AddressFamily::Bridge;
        let dump = RouteNetlinkMessage::GetNeighbour(m);
        let answers = self
            .nl
            .request("fdb show", ifname, dump, NLM_F_REQUEST | NLM_F_DUMP)
            .await?;
        Ok(answers
            .iter()
            .filter_map(|a| match a {
                RouteNetlinkMessage::NewNeighbour(n) if n.header.ifindex == dev.index => {
                    netlink::fdb_entry(n, device_vni)
                }
                _ => None,
            })
            .collect())
    }

    /// The IPv4 and IPv6 neighbour entries of device `ifname` (`ip neigh show dev IFNAME`).
    pub async fn neighbours(&self, ifname: &str) -> Result<Vec<NeighbourEntry>, DriverError> {
        let dev = self.require_link("neigh show", ifname).await?;
        let dump = RouteNetlinkMessage::GetNeighbour(NeighbourMessage::default());
        let answers = self
            .nl
            .request("neigh show", ifname, dump, NLM_F_REQUEST | NLM_F_DUMP)
            .await?;
        Ok(answers
            .iter()
            .filter_map(|a| match a {
                RouteNetlinkMessage::NewNeighbour(n)
                    if n.header.ifindex == dev.index
                        && matches!(
                            n.header.family,
                            AddressFamily::Inet | AddressFamily::Inet6
                        ) =>
                {
                    netlink::neighbour_entry(n)
                }
                _ => None,
            })
            .collect())
    }

    /// `EvpnCreate`: the bridge (ours, or the client's when `existing_bridge`), then the
    /// VXLAN device in it.
    async fn evpn_create(
        &self,
        bridge: &str,
        existing_bridge: bool,
        vxlan: &str,
        vni: u32,
        local: IpAddr,
        port: u16,
    ) -> Result<(), DriverError> {
        check_name(bridge)?;
        check_name(vxlan)?;
        check_vni(vxlan, vni)?;
        let br = if existing_bridge {
            let br = self.require_link("use bridge", bridge).await?;
            expect_kind(&br, "bridge", "use bridge")?;
            br.index
        } else {
            self.ensure_bridge(bridge).await?
        };
        self.ensure_vxlan(vxlan, vni, local, port, br).await
    }

    /// Create a link that did not exist; one created meanwhile by someone else is no error
    /// (the caller then checks what it is).
    async fn create_link(
        &self,
        what: &'static str,
        name: &str,
        msg: LinkMessage,
    ) -> Result<(), DriverError> {
        let flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
        let r = self
            .send(what, name, RouteNetlinkMessage::NewLink(msg), flags)
            .await;
        tolerate(r, &[libc::EEXIST])
    }

    /// Create bridge `name` (forward delay 0, STP off, up), or bring an existing one of ours
    /// back to those settings; its index.
    async fn ensure_bridge(&self, name: &str) -> Result<u32, DriverError> {
        if self.link("create bridge", name).await?.is_none() {
            let msg = LinkBridge::new(name)
                .forward_delay(0)
                .stp_state(BridgeStpState::Disabled)
                .build();
            self.create_link("create bridge", name, msg).await?;
        }
        let br = self.require_link("create bridge", name).await?;
        expect_kind(&br, "bridge", "create bridge")?;
        let settings = LinkMessageBuilder::<LinkBridge>::new(name)
            .index(br.index)
            .forward_delay(0)
            .stp_state(BridgeStpState::Disabled)
            .up()
            .build();
        self.send(
            "set bridge",
            name,
            RouteNetlinkMessage::NewLink(settings),
            ACKED,
        )
        .await?;
        Ok(br.index)
    }

    /// Create VXLAN device `name` enslaved to bridge index `br`, or reuse an existing one with
    /// the same VNI, local address and port (enslaving it and bringing it up).
    async fn ensure_vxlan(
        &self,
        name: &str,
        vni: u32,
        local: IpAddr,
        port: u16,
        br: u32,
    ) -> Result<(), DriverError> {
        if self.link("create vxlan", name).await?.is_none() {
            let b = LinkVxlan::new(name, vni)
                .port(port)
                .learning(false)
                .proxy(true);
            let b = match local {
                IpAddr::V4(a) => b.local(a),
                IpAddr::V6(a) => b.local6(a),
            };
            let msg = b.controller(br).up().build();
            self.create_link("create vxlan", name, msg).await?;
        }
        let vx = self.require_link("create vxlan", name).await?;
        expect_kind(&vx, "vxlan", "create vxlan")?;
        let have = vx.vxlan.clone().unwrap_or_default();
        if have.vni != Some(vni) || have.local != Some(local) || have.port != Some(port) {
            return Err(DriverError::Conflict {
                op: "create vxlan",
                device: name.to_string(),
                reason: format!(
                    "exists with VNI {:?}, local {:?}, port {:?} (wanted VNI {vni}, local {local}, port {port})",
                    have.vni, have.local, have.port
                ),
            });
        }
        if vx.master != Some(br) || !vx.up {
            self.enslave("enslave vxlan", name, vx.index, br).await?;
        }
        Ok(())
    }

    /// `EvpnPlug`: the port up and in the bridge, and the bridge's static entry for its MAC.
    async fn evpn_plug(
        &self,
        bridge: &str,
        port: &str,
        mac: MacAddress,
    ) -> Result<(), DriverError> {
        let br = self.require_link("plug", bridge).await?;
        expect_kind(&br, "bridge", "plug")?;
        let p = self.require_link("plug", port).await?;
        if p.master != Some(br.index) || !p.up {
            self.enslave("enslave port", port, p.index, br.index)
                .await?;
        }
        let fdb = Fdb {
            ifindex: p.index,
            mac,
            dst: None,
            vni: None,
            master: true,
            state: NUD_NOARP | NUD_REACHABLE,
        }
        .message();
        let flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
        self.send(
            "fdb replace",
            port,
            RouteNetlinkMessage::NewNeighbour(fdb),
            flags,
        )
        .await
    }

    /// `EvpnUnplug`: the bridge's entry for the MAC removed and the port released, when the
    /// port is still in this bridge.
    async fn evpn_unplug(
        &self,
        bridge: &str,
        port: &str,
        mac: MacAddress,
    ) -> Result<(), DriverError> {
        let Some(p) = self.link("unplug", port).await? else {
            return Ok(());
        };
        let Some(br) = self.link("unplug", bridge).await? else {
            return Ok(());
        };
        if p.master != Some(br.index) {
            // Not (or no longer) in this bridge: the bridge's entries left with it.
            return Ok(());
        }
        let fdb = Fdb {
            ifindex: p.index,
            mac,
            dst: None,
            vni: None,
            master: true,
            state: 0,
        }
        .message();
        let r = self
            .send(
                "fdb del",
                port,
                RouteNetlinkMessage::DelNeighbour(fdb),
                ACKED,
            )
            .await;
        tolerate(r, &[libc::ENOENT, libc::ENODEV])?;
        let release = LinkUnspec::new_with_index(p.index).nocontroller().build();
        let r = self
            .send(
                "release port",
                port,
                RouteNetlinkMessage::SetLink(release),
                ACKED,
            )
            .await;
        tolerate(r, &[libc::ENODEV])
    }

    /// `EvpnAddMac`: the VXLAN FDB entry toward the remote VTEP, and the permanent neighbour
    /// entry the ARP/ND proxy answers from.
    async fn add_mac(
        &self,
        vxlan: &str,
        mac: MacAddress,
        ip: Option<IpAddr>,
        remote: IpAddr,
        vni: u32,
    ) -> Result<(), DriverError> {
        check_vni(vxlan, vni)?;
        let vx = self.require_link("fdb replace", vxlan).await?;
        let replace = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
        let fdb = remote_fdb(vx.index, mac, remote, vni);
        self.send(
            "fdb replace",
            vxlan,
            RouteNetlinkMessage::NewNeighbour(fdb),
            replace,
        )
        .await?;
        if let Some(ip) = ip {
            let n = netlink::neighbour_message(vx.index, ip, mac);
            self.send(
                "neigh replace",
                vxlan,
                RouteNetlinkMessage::NewNeighbour(n),
                replace,
            )
            .await?;
        }
        Ok(())
    }

    /// `EvpnRemoveMac`: the neighbour entry (while it still names `mac`) and the FDB entry
    /// toward `remote`.
    async fn remove_mac(
        &self,
        vxlan: &str,
        mac: MacAddress,
        ip: Option<IpAddr>,
        remote: IpAddr,
        vni: u32,
    ) -> Result<(), DriverError> {
        let Some(vx) = self.link("fdb del", vxlan).await? else {
            return Ok(());
        };
        if let Some(ip) = ip {
            // Only while it still names this MAC: a route for the MAC that replaced it may
            // already have bound the IP to another.
            let query = netlink::neighbour_query(vx.index, ip);
            let r = self
                .nl
                .request(
                    "neigh get",
                    vxlan,
                    RouteNetlinkMessage::GetNeighbour(query),
                    NLM_F_REQUEST,
                )
                .await;
            let answers = match r {
                Err(e) if e.errno() == Some(libc::ENOENT) => Vec::new(),
                other => other?,
            };
            let bound = answers.iter().any(|a| match a {
                RouteNetlinkMessage::NewNeighbour(n) => {
                    netlink::neighbour_entry(n).is_some_and(|n| n.mac == Some(mac))
                }
                _ => false,
            });
            if bound {
                let n = netlink::neighbour_message(vx.index, ip, mac);
                let r = self
                    .send(
                        "neigh del",
                        vxlan,
                        RouteNetlinkMessage::DelNeighbour(n),
                        ACKED,
                    )
                    .await;
                tolerate(r, &[libc::ENOENT])?;
            }
        }
        let fdb = remote_fdb(vx.index, mac, remote, vni);
        let r = self
            .send(
                "fdb del",
                vxlan,
                RouteNetlinkMessage::DelNeighbour(fdb),
                ACKED,
            )
            .await;
        tolerate(r, &[libc::ENOENT])
    }

    /// Put link `index` into bridge `br` and bring it up.
    async fn enslave(
        &self,
        op: &'static str,
        name: &str,
        index: u32,
        br: u32,
    ) -> Result<(), DriverError> {
        let msg = LinkUnspec::new_with_index(index)
            .controller(br)
            .up()
            .build();
        self.send(op, name, RouteNetlinkMessage::SetLink(msg), ACKED)
            .await
    }

    /// Delete link `name` if it exists; it must be of `kind`.
    async fn delete_link(
        &self,
        op: &'static str,
        name: &str,
        kind: &str,
    ) -> Result<(), DriverError> {
        let Some(l) = self.link(op, name).await? else {
            return Ok(());
        };
        expect_kind(&l, kind, op)?;
        let r = self
            .send(
                op,
                name,
                RouteNetlinkMessage::DelLink(by_index(l.index)),
                ACKED,
            )
            .await;
        tolerate(r, &[libc::ENODEV])
    }

    /// The link named `name`, if any (`RTM_GETLINK` by `IFLA_IFNAME`).
    async fn link(&self, op: &'static str, name: &str) -> Result<Option<LinkState>, DriverError> {
        check_name(name)?;
        let mut m = LinkMessage::default();
        m.attributes.push(LinkAttribute::IfName(name.to_string()));
        match self
            .nl
            .request(op, name, RouteNetlinkMessage::GetLink(m), NLM_F_REQUEST)
            .await
        {
            Ok(answers) => Ok(answers.iter().find_map(|a| match a {
                RouteNetlinkMessage::NewLink(l) => Some(LinkState::from_message(l)),
                _ => None,
            })),
            Err(e) if e.errno() == Some(libc::ENODEV) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The link named `name`; [`DriverError::NoDevice`] when there is none.
    async fn require_link(&self, op: &'static str, name: &str) -> Result<LinkState, DriverError> {
        self.link(op, name)
            .await?
            .ok_or_else(|| DriverError::NoDevice {
                op,
                device: name.to_string(),
            })
    }

    /// A request whose answer is only an acknowledgement.
    async fn send(
        &self,
        op: &'static str,
        device: &str,
        message: RouteNetlinkMessage,
        flags: u16,
    ) -> Result<(), DriverError> {
        self.nl.request(op, device, message, flags).await.map(drop)
    }
}

/// Flags of a change that wants only an acknowledgement.
const ACKED: u16 = NLM_F_REQUEST | NLM_F_ACK;

/// A VXLAN device's own FDB entry for `mac` toward `remote` with `vni` (permanent, as
/// `bridge fdb add … dev VX dst …` makes it).
fn remote_fdb(ifindex: u32, mac: MacAddress, remote: IpAddr, vni: u32) -> NeighbourMessage {
    Fdb {
        ifindex,
        mac,
        dst: Some(remote),
        vni: Some(vni),
        master: false,
        state: NUD_PERMANENT | NUD_NOARP,
    }
    .message()
}

/// A `RTM_DELLINK` body for link `index`.
fn by_index(index: u32) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.header.index = index;
    m
}

/// The kernel's `dev_valid_name`: 1 to 15 octets, not `.` or `..`, no `/`, `:` or white
/// space.
fn check_name(name: &str) -> Result<(), DriverError> {
    let reason = if name.is_empty() {
        Some("empty")
    } else if name.len() > 15 {
        Some("longer than 15 octets")
    } else if name == "." || name == ".." {
        Some("reserved")
    } else if name.contains(['/', ':']) || name.chars().any(char::is_whitespace) {
        Some("contains '/', ':' or white space")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(DriverError::InvalidName {
            name: name.to_string(),
            reason,
        }),
        None => Ok(()),
    }
}

/// A VNI is 24 bits (RFC 7348 §5).
fn check_vni(device: &str, vni: u32) -> Result<(), DriverError> {
    if vni > 0x00ff_ffff {
        return Err(DriverError::InvalidVni {
            device: device.to_string(),
            vni,
        });
    }
    Ok(())
}

/// [`DriverError::Conflict`] unless `l` is a `kind` device.
fn expect_kind(l: &LinkState, kind: &str, op: &'static str) -> Result<(), DriverError> {
    if l.kind.as_deref() == Some(kind) {
        return Ok(());
    }
    Err(DriverError::Conflict {
        op,
        device: l.name.clone(),
        reason: format!(
            "exists and is a {} device, not a {kind}",
            l.kind.as_deref().unwrap_or("kind-less")
        ),
    })
}
