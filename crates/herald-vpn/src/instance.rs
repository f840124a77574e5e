//! One VPN instance (an IP VPN VRF or an E-VPN instance): its identifiers, route targets,
//! local endpoints, the routes it advertises, and what it imports into the dataplane.
//!
//! Imported routes go through the instance's [`Tracker`]; each best route becomes a dataplane
//! entry ([`DpEntry`]: a remote MAC, a flood-list VTEP, a VRF route). Entries are counted, so
//! that an operation to remove one is given only when no best route of the instance needs it
//! any more.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

use herald_wire::attr::ExtCommunity;
use herald_wire::nlri::evpn::EvpnRoute;
use herald_wire::nlri::{MacAddress, RouteDistinguisher};
use ipnet::IpNet;

use crate::dataplane::{DataplaneOp, VpnType};
use crate::request::Readvertise;
use crate::route::{
    evpn_imet, evpn_mac_ip, tunnel_type, vpn_route, Advertised, RouteKey, VpnNlri, VpnRoute,
    PMSI_INGRESS_REPLICATION,
};
use crate::rt::RouteTarget;
use crate::tracker::{Source, TrackedKey, Tracker, DEFAULT_LOCAL_PREF};

/// Linux interface names are at most 15 octets (IFNAMSIZ - 1).
pub(crate) const IFNAME_MAX: usize = 15;

/// `prefix` + `id` cut to 15 octets (at a character boundary), as BaGPipe names its devices.
pub(crate) fn device_name(prefix: &str, id: &str) -> String {
    let mut s = String::with_capacity(IFNAME_MAX);
    for c in prefix.chars().chain(id.chars()) {
        if s.len() + c.len_utf8() > IFNAME_MAX {
            break;
        }
        s.push(c);
    }
    s
}

/// The Linux devices of an E-VPN instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EvpnDevices {
    pub(crate) bridge: String,
    pub(crate) existing_bridge: bool,
    pub(crate) vxlan: String,
}

/// A MAC plugged in the instance: its port, and for IP VPN its MPLS label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MacPort {
    pub(crate) port: String,
    pub(crate) label: Option<u32>,
    pub(crate) hash_order: u32,
}

/// One plugged (MAC, IP) endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// The address with the prefix length given by the client.
    pub(crate) ip: Option<IpNet>,
    /// Advertise the whole prefix instead of the host route (IP VPN).
    pub(crate) advertise_subnet: bool,
    /// The endpoint's own route distinguisher (IP VPN: subnet and re-advertised routes).
    pub(crate) rd: Option<RouteDistinguisher>,
    pub(crate) local_pref: Option<u32>,
    pub(crate) description: Option<String>,
}

impl Endpoint {
    /// The prefix advertised: the host route, or the subnet with `advertise_subnet`.
    pub(crate) fn advertised(&self) -> Option<IpNet> {
        self.ip.map(|n| {
            if self.advertise_subnet {
                n.trunc()
            } else {
                IpNet::from(n.addr())
            }
        })
    }

    /// The address and length given to the dataplane: the host address with the advertised
    /// length.
    pub(crate) fn plugged(&self) -> Option<IpNet> {
        let n = self.ip?;
        let len = self.advertised()?.prefix_len();
        IpNet::new(n.addr(), len).ok()
    }
}

/// One state the dataplane holds for a remote route.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum DpEntry {
    /// A remote MAC (and IP): E-VPN route type 2.
    Mac {
        mac: MacAddress,
        ip: Option<IpAddr>,
        remote: IpAddr,
        vni: u32,
    },
    /// A VTEP of the flood list: E-VPN route type 3.
    Flood { remote: IpAddr, vni: u32 },
    /// A VRF route.
    Route {
        prefix: IpNet,
        remote: IpAddr,
        label: u32,
    },
}

impl DpEntry {
    /// Whether removing `self` in the dataplane also removes state `other` needs (the FDB
    /// entry of a MAC, or the neighbour entry of an IP, is shared).
    fn overlaps(&self, other: &DpEntry) -> bool {
        match (self, other) {
            (
                DpEntry::Mac { mac, ip, .. },
                DpEntry::Mac {
                    mac: m2, ip: i2, ..
                },
            ) => mac == m2 || (ip.is_some() && ip == i2),
            _ => false,
        }
    }
}

/// What the engine's configuration says to an instance.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Env {
    pub(crate) local: Ipv4Addr,
    pub(crate) evpn_accept_no_encap: bool,
}

/// One VPN instance.
#[derive(Clone, Debug)]
pub(crate) struct Instance {
    pub(crate) id: u32,
    pub(crate) vpn_type: VpnType,
    pub(crate) external_id: String,
    pub(crate) description: Option<String>,
    pub(crate) rd: RouteDistinguisher,
    /// VNI (E-VPN) or instance label (IP VPN).
    pub(crate) dataplane_id: u32,
    pub(crate) import_rts: Vec<RouteTarget>,
    pub(crate) export_rts: Vec<RouteTarget>,
    pub(crate) readvertise: Option<Readvertise>,
    pub(crate) gateway: Option<IpNet>,
    pub(crate) devices: Option<EvpnDevices>,
    pub(crate) macs: BTreeMap<MacAddress, MacPort>,
    pub(crate) endpoints: BTreeMap<(MacAddress, Option<IpAddr>), Endpoint>,
    pub(crate) ips: BTreeMap<IpAddr, MacAddress>,
    pub(crate) tracker: Tracker,
    /// Entries given to the dataplane, with the number of best routes needing each.
    pub(crate) installed: BTreeMap<DpEntry, u32>,
    /// The entries each tracked key contributes.
    contrib: BTreeMap<TrackedKey, Vec<DpEntry>>,
    /// Prefixes re-advertised, with the RT-Record communities of their routes.
    pub(crate) readvertised: BTreeMap<IpNet, Vec<ExtCommunity>>,
    /// The routes this instance advertises now.
    pub(crate) published: BTreeMap<RouteKey, VpnRoute>,
}

impl Instance {
    /// A new, empty instance.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        id: u32,
        vpn_type: VpnType,
        external_id: String,
        rd: RouteDistinguisher,
        dataplane_id: u32,
        devices: Option<EvpnDevices>,
        tracker: Tracker,
    ) -> Instance {
        Instance {
            id,
            vpn_type,
            external_id,
            description: None,
            rd,
            dataplane_id,
            import_rts: Vec::new(),
            export_rts: Vec::new(),
            readvertise: None,
            gateway: None,
            devices,
            macs: BTreeMap::new(),
            endpoints: BTreeMap::new(),
            ips: BTreeMap::new(),
            tracker,
            installed: BTreeMap::new(),
            contrib: BTreeMap::new(),
            readvertised: BTreeMap::new(),
            published: BTreeMap::new(),
        }
    }

    /// BaGPipe's worker name: `EVI-<n>` or `VRF-<n>`.
    pub(crate) fn name(&self) -> String {
        match self.vpn_type {
            VpnType::Evpn => format!("EVI-{}", self.id),
            VpnType::Ipvpn => format!("VRF-{}", self.id),
        }
    }

    /// Route targets the instance receives routes for: imported ones and, for re-advertising,
    /// `readvertise.from_rt`.
    pub(crate) fn subscribed_rts(&self) -> BTreeSet<RouteTarget> {
        let from = self.readvertise.iter().flat_map(|r| r.from_rts.iter());
        self.import_rts.iter().chain(from).copied().collect()
    }

    fn imported(&self, r: &VpnRoute) -> bool {
        r.route_targets()
            .iter()
            .any(|rt| self.import_rts.contains(rt))
    }

    /// Under what key the instance tracks a received route, `None` when it does not want it:
    /// a route of another kind, its own next hop (a route of this PE reflected back), no
    /// route target it subscribes to, no encapsulation its dataplane supports, or an
    /// Inclusive Multicast route without an ingress-replication PMSI tunnel.
    ///
    /// Encapsulation (BaGPipe's `_check_encaps`): a route without an Encapsulation community
    /// has the "default" one. The IP VPN dataplane takes default and MPLS; the E-VPN dataplane
    /// takes VXLAN only, so a route without the community is ignored unless
    /// `evpn_accept_no_encap` is set.
    pub(crate) fn tracked_key(&self, r: &VpnRoute, env: &Env) -> Option<TrackedKey> {
        if r.next_hop == IpAddr::V4(env.local) {
            return None;
        }
        let from: &[RouteTarget] = self.readvertise.as_ref().map_or(&[], |rv| &rv.from_rts);
        let subscribed = |rt: &RouteTarget| self.import_rts.contains(rt) || from.contains(rt);
        if !r.route_targets().iter().any(subscribed) {
            return None;
        }
        let encaps = r.encapsulations();
        match (self.vpn_type, &r.nlri) {
            (VpnType::Evpn, VpnNlri::Evpn(e)) => {
                let vxlan = encaps.contains(&tunnel_type::VXLAN)
                    || (encaps.is_empty() && env.evpn_accept_no_encap);
                if !vxlan {
                    return None;
                }
                match &e.route {
                    EvpnRoute::MacIp { mac, ip, .. } => Some(TrackedKey::Mac(*mac, *ip)),
                    EvpnRoute::InclusiveMulticast { rd, ip, .. } => {
                        flood_remote(r).map(|_| TrackedKey::Flood(*ip, *rd))
                    }
                    _ => None,
                }
            }
            (VpnType::Ipvpn, VpnNlri::Vpn(p)) => (encaps.is_empty()
                || encaps.contains(&tunnel_type::MPLS))
            .then_some(TrackedKey::Prefix(p.net.trunc())),
            _ => None,
        }
    }

    /// The dataplane entry of a best route, when it is imported.
    fn dp_entry(&self, r: &VpnRoute) -> Option<DpEntry> {
        if !self.imported(r) {
            return None;
        }
        match &r.nlri {
            VpnNlri::Evpn(e) => match &e.route {
                EvpnRoute::MacIp { mac, ip, label, .. } => Some(DpEntry::Mac {
                    mac: *mac,
                    ip: *ip,
                    remote: r.next_hop,
                    vni: label.0,
                }),
                EvpnRoute::InclusiveMulticast { .. } => {
                    flood_remote(r).map(|(remote, vni)| DpEntry::Flood { remote, vni })
                }
                _ => None,
            },
            VpnNlri::Vpn(p) => p.labels.iter().next().map(|l| DpEntry::Route {
                prefix: p.net.trunc(),
                remote: r.next_hop,
                label: l.value(),
            }),
            VpnNlri::Rtc(_) => None,
        }
    }

    /// Feed a received route (or, with `None`, its withdrawal). Returns the dataplane
    /// operations and whether the re-advertised prefixes changed.
    pub(crate) fn remote_update(
        &mut self,
        source: &Source,
        route: Option<&VpnRoute>,
        env: &Env,
    ) -> (Vec<DataplaneOp>, bool) {
        let tracked = route.and_then(|r| self.tracked_key(r, env).map(|k| (k, r)));
        let changes = self.tracker.set(source, tracked);
        let mut ops = Vec::new();
        let mut readv = false;
        for c in changes {
            ops.extend(self.refresh_key(&c.key));
            readv |= self.refresh_readvertise(&c.key);
        }
        (ops, readv)
    }

    /// Re-derive the dataplane entries and re-advertised prefixes of every tracked key (after
    /// the import route targets changed). Returns the operations and whether re-advertised
    /// prefixes changed.
    pub(crate) fn refresh_all(&mut self) -> (Vec<DataplaneOp>, bool) {
        let keys: BTreeSet<TrackedKey> = self
            .tracker
            .entries
            .keys()
            .chain(self.contrib.keys())
            .cloned()
            .collect();
        let mut ops = Vec::new();
        let mut readv = false;
        for k in keys {
            ops.extend(self.refresh_key(&k));
            readv |= self.refresh_readvertise(&k);
        }
        let stale: Vec<IpNet> = self
            .readvertised
            .keys()
            .filter(|p| !self.tracker.entries.contains_key(&TrackedKey::Prefix(**p)))
            .copied()
            .collect();
        for p in stale {
            readv |= self.readvertised.remove(&p).is_some();
        }
        (ops, readv)
    }

    fn best_routes(&self, key: &TrackedKey) -> Vec<&VpnRoute> {
        self.tracker
            .entries
            .get(key)
            .map(|e| e.best.iter().filter_map(|s| e.routes.get(s)).collect())
            .unwrap_or_default()
    }

    /// Bring the dataplane entries of `key` in line with its best routes.
    fn refresh_key(&mut self, key: &TrackedKey) -> Vec<DataplaneOp> {
        let mut new: Vec<DpEntry> = self
            .best_routes(key)
            .into_iter()
            .filter_map(|r| self.dp_entry(r))
            .collect();
        new.sort();
        new.dedup();
        let old = self.contrib.remove(key).unwrap_or_default();
        let removed: Vec<DpEntry> = old.iter().filter(|e| !new.contains(e)).cloned().collect();
        let added: Vec<DpEntry> = new.iter().filter(|e| !old.contains(e)).cloned().collect();
        if !new.is_empty() {
            self.contrib.insert(key.clone(), new);
        }
        self.apply(removed, added)
    }

    /// Count entries down and up; give the operations for entries that went or came, then
    /// give again the entries that a removal also took from the dataplane (see
    /// [`DpEntry::overlaps`]).
    fn apply(&mut self, removed: Vec<DpEntry>, added: Vec<DpEntry>) -> Vec<DataplaneOp> {
        let mut ops = Vec::new();
        let mut gone = Vec::new();
        for e in removed {
            if let Some(n) = self.installed.get_mut(&e) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.installed.remove(&e);
                    ops.push(self.op(&e, false));
                    gone.push(e);
                }
            }
        }
        let mut adds = Vec::new();
        for e in added {
            let n = self.installed.entry(e.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                adds.push(e);
            }
        }
        let again: Vec<DpEntry> = self
            .installed
            .keys()
            .filter(|k| !adds.contains(k) && gone.iter().any(|g| g.overlaps(k)))
            .cloned()
            .collect();
        ops.extend(adds.iter().chain(&again).map(|e| self.op(e, true)));
        ops
    }

    fn vxlan(&self) -> String {
        self.devices
            .as_ref()
            .map(|d| d.vxlan.clone())
            .unwrap_or_default()
    }

    pub(crate) fn op(&self, e: &DpEntry, add: bool) -> DataplaneOp {
        let instance = self.id;
        match (e.clone(), add) {
            (
                DpEntry::Mac {
                    mac,
                    ip,
                    remote,
                    vni,
                },
                true,
            ) => DataplaneOp::EvpnAddMac {
                instance,
                vxlan: self.vxlan(),
                mac,
                ip,
                remote,
                vni,
            },
            (
                DpEntry::Mac {
                    mac,
                    ip,
                    remote,
                    vni,
                },
                false,
            ) => DataplaneOp::EvpnRemoveMac {
                instance,
                vxlan: self.vxlan(),
                mac,
                ip,
                remote,
                vni,
            },
            (DpEntry::Flood { remote, vni }, true) => DataplaneOp::EvpnAddFlood {
                instance,
                vxlan: self.vxlan(),
                remote,
                vni,
            },
            (DpEntry::Flood { remote, vni }, false) => DataplaneOp::EvpnRemoveFlood {
                instance,
                vxlan: self.vxlan(),
                remote,
                vni,
            },
            (
                DpEntry::Route {
                    prefix,
                    remote,
                    label,
                },
                true,
            ) => DataplaneOp::VrfAddRoute {
                instance,
                prefix,
                remote,
                label,
            },
            (
                DpEntry::Route {
                    prefix,
                    remote,
                    label,
                },
                false,
            ) => DataplaneOp::VrfRemoveRoute {
                instance,
                prefix,
                remote,
                label,
            },
        }
    }

    /// Whether `key`'s best routes make its prefix one to re-advertise; updates the set and
    /// says whether it changed. A best route is re-advertised when it carries a
    /// `readvertise.from_rt` and no RT-Record of a `to_rt` (it would be one of ours, or one
    /// another PE re-advertised toward the same targets: a loop).
    fn refresh_readvertise(&mut self, key: &TrackedKey) -> bool {
        let (Some(rv), TrackedKey::Prefix(p)) = (&self.readvertise, key) else {
            return false;
        };
        let wanted = self.best_routes(key).into_iter().find_map(|r| {
            let rts = r.route_targets();
            let records = r.rt_records();
            let from = rts.iter().any(|t| rv.from_rts.contains(t));
            let looped = records.iter().any(|t| rv.to_rts.contains(t));
            (from && !looped).then(|| {
                let mut v: Vec<RouteTarget> = records.into_iter().chain(rts).collect();
                v.sort();
                v.dedup();
                v.into_iter().map(RouteTarget::record).collect::<Vec<_>>()
            })
        });
        let now = self.readvertised.get(p);
        if now == wanted.as_ref() {
            return false;
        }
        match wanted {
            Some(w) => self.readvertised.insert(*p, w),
            None => self.readvertised.remove(p),
        };
        true
    }

    /// The routes the instance advertises: with export route targets, for E-VPN the
    /// Inclusive Multicast route and a MAC/IP route per endpoint, for IP VPN a VPN route per
    /// endpoint (instance RD for host routes, the endpoint's RD for a subnet); and the
    /// re-advertised prefixes, one route per endpoint with its RD and label.
    pub(crate) fn local_routes(&self, env: &Env) -> BTreeMap<RouteKey, VpnRoute> {
        let mut out = BTreeMap::new();
        let mut put = |r: VpnRoute| {
            out.insert(r.key(), r);
        };
        fn adv<'a>(
            local: Ipv4Addr,
            rts: &'a [RouteTarget],
            ep: &Endpoint,
            h: u32,
        ) -> Advertised<'a> {
            Advertised {
                next_hop: local,
                export_rts: rts,
                local_pref: ep.local_pref.unwrap_or(DEFAULT_LOCAL_PREF),
                hash_order: h,
            }
        }
        let has_export = !self.export_rts.is_empty();
        for ((mac, ip), ep) in &self.endpoints {
            let Some(mp) = self.macs.get(mac) else {
                continue;
            };
            let a = adv(env.local, &self.export_rts, ep, mp.hash_order);
            match self.vpn_type {
                VpnType::Evpn if has_export => {
                    put(evpn_mac_ip(self.rd, *mac, *ip, self.dataplane_id, &a))
                }
                VpnType::Ipvpn if has_export => {
                    if let (Some(net), Some(label)) = (ep.advertised(), mp.label) {
                        let rd = match (ep.advertise_subnet, ep.rd) {
                            (true, Some(rd)) => rd,
                            _ => self.rd,
                        };
                        put(vpn_route(rd, net, label, &a, &[]));
                    }
                }
                _ => {}
            }
            if let (Some(rv), Some(rd), Some(label)) = (&self.readvertise, ep.rd, mp.label) {
                let a = adv(env.local, &rv.to_rts, ep, mp.hash_order);
                for (prefix, records) in &self.readvertised {
                    put(vpn_route(rd, *prefix, label, &a, records));
                }
            }
        }
        if self.vpn_type == VpnType::Evpn && has_export {
            let a = Advertised {
                next_hop: env.local,
                export_rts: &self.export_rts,
                local_pref: DEFAULT_LOCAL_PREF,
                hash_order: 0,
            };
            put(evpn_imet(self.rd, self.dataplane_id, &a));
        }
        out
    }

    /// The dataplane operation creating the instance.
    pub(crate) fn create_op(&self, env: &Env, vxlan_port: u16) -> DataplaneOp {
        match &self.devices {
            Some(d) => DataplaneOp::EvpnCreate {
                instance: self.id,
                bridge: d.bridge.clone(),
                existing_bridge: d.existing_bridge,
                vxlan: d.vxlan.clone(),
                vni: self.dataplane_id,
                local: IpAddr::V4(env.local),
                port: vxlan_port,
            },
            None => DataplaneOp::VrfCreate {
                instance: self.id,
                label: self.dataplane_id,
                gateway: self.gateway,
            },
        }
    }

    /// The dataplane operation deleting the instance (which removes every remote entry with
    /// it: the VXLAN device's FDB and neighbour entries, the VRF's routes).
    pub(crate) fn delete_op(&self) -> DataplaneOp {
        match &self.devices {
            Some(d) => DataplaneOp::EvpnDelete {
                instance: self.id,
                bridge: d.bridge.clone(),
                existing_bridge: d.existing_bridge,
                vxlan: d.vxlan.clone(),
            },
            None => DataplaneOp::VrfDelete { instance: self.id },
        }
    }

    /// Plug (or unplug) an E-VPN MAC on its port.
    pub(crate) fn evpn_port_op(&self, mac: MacAddress, port: &str, plug: bool) -> DataplaneOp {
        let bridge = self
            .devices
            .as_ref()
            .map(|d| d.bridge.clone())
            .unwrap_or_default();
        let (instance, port) = (self.id, port.to_string());
        if plug {
            DataplaneOp::EvpnPlug {
                instance,
                bridge,
                port,
                mac,
            }
        } else {
            DataplaneOp::EvpnUnplug {
                instance,
                bridge,
                port,
                mac,
            }
        }
    }

    /// Plug (or unplug) an IP VPN endpoint.
    pub(crate) fn vrf_port_op(
        &self,
        mac: MacAddress,
        ep: &Endpoint,
        plug: bool,
    ) -> Option<DataplaneOp> {
        let mp = self.macs.get(&mac)?;
        let (instance, port, ip, label) = (self.id, mp.port.clone(), ep.plugged()?, mp.label?);
        Some(if plug {
            DataplaneOp::VrfPlug {
                instance,
                port,
                mac,
                ip,
                label,
            }
        } else {
            DataplaneOp::VrfUnplug {
                instance,
                port,
                mac,
                ip,
                label,
            }
        })
    }
}

/// The VTEP and VNI of an Inclusive Multicast route's ingress-replication PMSI tunnel (the
/// label field read as the raw 24-bit VNI, RFC 8365 §5.1.3, whatever its bottom-of-stack bit).
fn flood_remote(r: &VpnRoute) -> Option<(IpAddr, u32)> {
    let p = r.pmsi_tunnel()?;
    if p.tunnel_type != PMSI_INGRESS_REPLICATION {
        return None;
    }
    let remote = match p.tunnel_id.len() {
        4 => <[u8; 4]>::try_from(p.tunnel_id.as_slice())
            .ok()
            .map(|a| IpAddr::V4(Ipv4Addr::from(a))),
        16 => <[u8; 16]>::try_from(p.tunnel_id.as_slice())
            .ok()
            .map(|a| IpAddr::V6(a.into())),
        _ => None,
    }?;
    Some((remote, p.label & 0xFF_FFFF))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_are_cut_to_15_octets_at_a_character_boundary() {
        assert_eq!(device_name("evpn---", "test2"), "evpn---test2");
        assert_eq!(
            device_name("vxlan--", "0123456789abcdef"),
            "vxlan--01234567"
        );
        assert_eq!(device_name("evpn---", "0123456789abcdef").len(), 15);
        // 'é' is two octets: it does not fit in the last octet.
        assert_eq!(device_name("evpn---", "abcdefgé"), "evpn---abcdefg");
    }

    #[test]
    fn mac_entries_overlap_on_mac_or_ip() {
        let m = |mac: u8, ip: Option<[u8; 4]>, remote: u8| DpEntry::Mac {
            mac: MacAddress([2, 0, 0, 0, 0, mac]),
            ip: ip.map(|a| IpAddr::V4(a.into())),
            remote: IpAddr::V4([10, 0, 0, remote].into()),
            vni: 1,
        };
        assert!(m(1, None, 1).overlaps(&m(1, Some([1, 1, 1, 1]), 2)));
        assert!(m(1, Some([1, 1, 1, 1]), 1).overlaps(&m(2, Some([1, 1, 1, 1]), 1)));
        assert!(!m(1, None, 1).overlaps(&m(2, None, 1)));
        let f = DpEntry::Flood {
            remote: IpAddr::V4([10, 0, 0, 1].into()),
            vni: 1,
        };
        assert!(!f.overlaps(&m(1, None, 1)));
    }

    #[test]
    fn endpoint_prefixes() {
        let ep = |ip: &str, subnet| Endpoint {
            ip: Some(ip.parse().unwrap()),
            advertise_subnet: subnet,
            rd: None,
            local_pref: None,
            description: None,
        };
        let host = ep("12.11.11.1/24", false);
        assert_eq!(host.advertised(), Some("12.11.11.1/32".parse().unwrap()));
        assert_eq!(host.plugged(), Some("12.11.11.1/32".parse().unwrap()));
        let net = ep("12.11.11.1/24", true);
        assert_eq!(net.advertised(), Some("12.11.11.0/24".parse().unwrap()));
        assert_eq!(net.plugged(), Some("12.11.11.1/24".parse().unwrap()));
    }
}
