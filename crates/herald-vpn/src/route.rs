//! VPN routes as herald-wire values: the routes this PE advertises (E-VPN MAC/IP and
//! Inclusive Multicast routes, VPN-IPv4/IPv6 routes, route target membership) and the ones it
//! receives, with what the engine reads from them (route targets, encapsulation, LOCAL_PREF,
//! PMSI tunnel).
//!
//! A [`VpnRoute`] is NLRI, next hop and path attributes (without NEXT_HOP and the MP
//! attributes, which [`VpnRoute::to_update`] adds); [`RouteKey`] identifies it the way
//! herald-wire's [`EncodedNlri`] does (labels and, for E-VPN, ESI are data, not key).

use std::net::{IpAddr, Ipv4Addr};

use herald_wire::attr::{
    AsPath, AttrValue, Attribute, ExtCommunity, MpReach, MpUnreach, NextHop, Origin, PmsiTunnel,
};
use herald_wire::iana::{attr_flags, Afi, Family, Safi};
use herald_wire::nlri::evpn::EvpnRoute;
use herald_wire::nlri::{
    EncodedNlri, Esi, Evpn, Label, LabelStack, MacAddress, Nlri, NlriList, RouteDistinguisher, Rtc,
    VpnPrefix,
};
use herald_wire::{Action, Update};
use ipnet::IpNet;

use crate::rt::RouteTarget;

/// L2VPN E-VPN (RFC 7432 §20).
pub const EVPN: Family = Family::new(Afi::L2VPN, Safi::EVPN);
/// VPN-IPv4 (RFC 4364 §4.3.4).
pub const VPNV4: Family = Family::new(Afi::IPV4, Safi::MPLS_VPN);
/// VPN-IPv6 (RFC 4659 §3.2).
pub const VPNV6: Family = Family::new(Afi::IPV6, Safi::MPLS_VPN);
/// Route target membership (RFC 4684 §4).
pub const RTC: Family = Family::new(Afi::IPV4, Safi::RTC);

/// BGP tunnel types (IANA "BGP Tunnel Encapsulation Attribute Tunnel Types", RFC 9012 §14.5)
/// carried in the Encapsulation extended community.
pub mod tunnel_type {
    /// VXLAN (RFC 9012 §3.2.1, RFC 8365 §5.1.3).
    pub const VXLAN: u16 = 8;
    /// NVGRE.
    pub const NVGRE: u16 = 9;
    /// MPLS (RFC 9012 §14.5).
    pub const MPLS: u16 = 10;
    /// MPLS in GRE.
    pub const MPLS_IN_GRE: u16 = 11;
    /// VXLAN-GPE.
    pub const VXLAN_GPE: u16 = 12;
    /// MPLS in UDP.
    pub const MPLS_IN_UDP: u16 = 13;
}

/// PMSI tunnel type ingress replication (RFC 6514 §5, RFC 7432 §11.2).
pub const PMSI_INGRESS_REPLICATION: u8 = 6;

/// The Encapsulation extended community (RFC 9012 §4.1, first defined by RFC 5512 §4.5):
/// transitive opaque type 0x03, sub-type 0x0c, four reserved octets, the tunnel type.
pub fn encapsulation(tunnel_type: u16) -> ExtCommunity {
    let [a, b] = tunnel_type.to_be_bytes();
    ExtCommunity([0x03, 0x0c, 0, 0, 0, 0, a, b])
}

/// The tunnel type of an Encapsulation extended community.
pub fn tunnel_type_of(e: &ExtCommunity) -> Option<u16> {
    let [t, s, _, _, _, _, a, b] = e.0;
    (t == 0x03 && s == 0x0c).then_some(u16::from_be_bytes([a, b]))
}

/// BaGPipe's ConsistentHashSortOrder extended community (draft-fm-bess-service-chaining,
/// type 0x03 sub-type 0x14): the order (4 octets) and 2 reserved octets.
pub fn consistent_hash_sort_order(order: u32) -> ExtCommunity {
    let [a, b, c, d] = order.to_be_bytes();
    ExtCommunity([0x03, 0x14, a, b, c, d, 0, 0])
}

/// The NLRI of a VPN route, typed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum VpnNlri {
    /// An E-VPN route (RFC 7432 §7).
    Evpn(Evpn),
    /// A VPN-IPv4 or VPN-IPv6 route (RFC 4364, RFC 4659).
    Vpn(VpnPrefix),
    /// A route target membership route (RFC 4684).
    Rtc(Rtc),
}

impl VpnNlri {
    /// The address family.
    pub fn family(&self) -> Family {
        match self {
            VpnNlri::Evpn(_) => EVPN,
            VpnNlri::Vpn(p) if p.net.addr().is_ipv6() => VPNV6,
            VpnNlri::Vpn(_) => VPNV4,
            VpnNlri::Rtc(_) => RTC,
        }
    }

    /// The ADD-PATH path identifier.
    pub fn path_id(&self) -> Option<u32> {
        match self {
            VpnNlri::Evpn(e) => e.path_id,
            VpnNlri::Vpn(p) => p.path_id,
            VpnNlri::Rtc(r) => r.path_id,
        }
    }

    /// The NLRI octets without the path identifier.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(48);
        match self {
            VpnNlri::Evpn(e) => e.encode(false, &mut out),
            VpnNlri::Vpn(p) => p.encode(false, &mut out),
            VpnNlri::Rtc(r) => r.encode(false, &mut out),
        }
        out
    }

    /// As herald-wire's route NLRI, identified as herald's RIBs identify it.
    pub fn to_nlri(&self) -> Nlri {
        let (id, b) = (self.path_id(), self.bytes());
        Nlri::Encoded(match self {
            VpnNlri::Evpn(_) => EncodedNlri::evpn(id, &b),
            VpnNlri::Vpn(p) => EncodedNlri::with_labels(id, &b, p.labels.wire_len()),
            VpnNlri::Rtc(_) => EncodedNlri::new(id, &b),
        })
    }

    /// The route's identity.
    pub fn key(&self) -> RouteKey {
        RouteKey {
            family: self.family(),
            nlri: self.to_nlri(),
        }
    }

    fn list(&self) -> NlriList {
        match self {
            VpnNlri::Evpn(e) => NlriList::Evpn(vec![e.clone()]),
            VpnNlri::Vpn(p) => NlriList::Vpn(vec![p.clone()]),
            VpnNlri::Rtc(r) => NlriList::Rtc(vec![r.clone()]),
        }
    }
}

/// What identifies a route in a family: a new route with the same key replaces the old one,
/// a withdrawal names it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RouteKey {
    /// The address family.
    pub family: Family,
    /// The NLRI, with herald-wire's identity (labels are data).
    pub nlri: Nlri,
}

impl RouteKey {
    /// The NLRI typed, when it decodes as a family this crate handles.
    pub fn decoded(&self) -> Option<VpnNlri> {
        match self.nlri.decoded(self.family)? {
            NlriList::Evpn(mut v) if v.len() == 1 => v.pop().map(VpnNlri::Evpn),
            NlriList::Vpn(mut v) if v.len() == 1 => v.pop().map(VpnNlri::Vpn),
            NlriList::Rtc(mut v) if v.len() == 1 => v.pop().map(VpnNlri::Rtc),
            _ => None,
        }
    }
}

/// One VPN route: NLRI, next hop and path attributes (no NEXT_HOP, no MP attributes; ORIGIN
/// and AS_PATH are added by [`VpnRoute::to_update`] when absent).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VpnRoute {
    /// The NLRI.
    pub nlri: VpnNlri,
    /// The next hop (the remote PE for a received route, the dataplane address for ours).
    pub next_hop: IpAddr,
    /// Path attributes in type-code order.
    pub attributes: Vec<Attribute>,
}

impl VpnRoute {
    /// The address family.
    pub fn family(&self) -> Family {
        self.nlri.family()
    }

    /// The route's identity.
    pub fn key(&self) -> RouteKey {
        self.nlri.key()
    }

    /// The extended communities.
    pub fn ext_communities(&self) -> &[ExtCommunity] {
        self.attributes
            .iter()
            .find_map(|a| match &a.value {
                AttrValue::ExtCommunities(c) => Some(c.as_slice()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The route targets among the extended communities.
    pub fn route_targets(&self) -> Vec<RouteTarget> {
        let mut v: Vec<RouteTarget> = self
            .ext_communities()
            .iter()
            .filter_map(RouteTarget::from_ext)
            .collect();
        v.dedup();
        v
    }

    /// The route targets recorded by RT-Record communities (routes re-advertised by a VRF).
    pub fn rt_records(&self) -> Vec<RouteTarget> {
        self.ext_communities()
            .iter()
            .filter_map(RouteTarget::from_record)
            .collect()
    }

    /// Tunnel types of the Encapsulation extended communities (empty when there is none: the
    /// "default" encapsulation of BaGPipe, MPLS for VPN routes).
    pub fn encapsulations(&self) -> Vec<u16> {
        self.ext_communities()
            .iter()
            .filter_map(tunnel_type_of)
            .collect()
    }

    /// LOCAL_PREF, if present.
    pub fn local_pref(&self) -> Option<u32> {
        self.attributes.iter().find_map(|a| match a.value {
            AttrValue::LocalPref(l) => Some(l),
            _ => None,
        })
    }

    /// The PMSI tunnel attribute, if present.
    pub fn pmsi_tunnel(&self) -> Option<&PmsiTunnel> {
        self.attributes.iter().find_map(|a| match &a.value {
            AttrValue::PmsiTunnel(p) => Some(&**p),
            _ => None,
        })
    }

    /// The ConsistentHashSortOrder value, 0 when absent.
    pub fn hash_sort_order(&self) -> u32 {
        self.ext_communities()
            .iter()
            .find_map(|e| {
                let [t, s, a, b, c, d, _, _] = e.0;
                (t == 0x03 && s == 0x14).then_some(u32::from_be_bytes([a, b, c, d]))
            })
            .unwrap_or(0)
    }

    /// The MP_REACH_NLRI next hop: the address for E-VPN and RTC (RFC 7432 §7, RFC 4684 §4);
    /// a zero route distinguisher and the address for VPN routes (RFC 4364 §4.3.2), an
    /// IPv4-mapped IPv6 address for VPN-IPv6 from an IPv4 PE (RFC 4659 §3.2.1.1).
    pub fn mp_next_hop(&self) -> NextHop {
        match (&self.nlri, self.family() == VPNV6, self.next_hop) {
            (VpnNlri::Vpn(_), true, IpAddr::V4(a)) => NextHop::Vpn(
                RouteDistinguisher::default(),
                IpAddr::V6(a.to_ipv6_mapped()),
            ),
            (VpnNlri::Vpn(_), _, a) => NextHop::Vpn(RouteDistinguisher::default(), a),
            (_, _, a) => NextHop::from_ip(a),
        }
    }

    /// MP_REACH_NLRI announcing this route.
    pub fn mp_reach(&self) -> MpReach {
        MpReach {
            family: self.family(),
            next_hop: self.mp_next_hop(),
            reserved: 0,
            nlri: self.nlri.list(),
        }
    }

    /// MP_UNREACH_NLRI withdrawing this route (a VPN route's labels become the
    /// Compatibility field 0x800000, RFC 8277 §2.4).
    pub fn mp_unreach(&self) -> MpUnreach {
        let nlri = match &self.nlri {
            VpnNlri::Vpn(p) => NlriList::Vpn(vec![VpnPrefix {
                labels: LabelStack::new(Label::WITHDRAW),
                ..p.clone()
            }]),
            n => n.list(),
        };
        MpUnreach {
            family: self.family(),
            nlri,
        }
    }

    /// An UPDATE for an internal peer announcing this route: MP_REACH_NLRI first (RFC 7606
    /// §5.1), ORIGIN IGP and an empty AS_PATH unless the route has its own, then the route's
    /// attributes.
    pub fn to_update(&self) -> Update {
        let mut attributes = vec![Attribute {
            flags: attr_flags::OPTIONAL | attr_flags::EXTENDED_LENGTH,
            value: AttrValue::MpReach(Box::new(self.mp_reach())),
        }];
        let has = |t: u8| self.attributes.iter().any(|a| a.value.type_code() == t);
        if !has(1) {
            attributes.push(Attribute::new(AttrValue::Origin(Origin::Igp)));
        }
        if !has(2) {
            attributes.push(Attribute::new(AttrValue::AsPath(AsPath::default())));
        }
        attributes.extend(self.attributes.iter().cloned());
        Update {
            attributes,
            ..Update::default()
        }
    }

    /// An UPDATE withdrawing this route.
    pub fn to_withdraw(&self) -> Update {
        Update {
            attributes: vec![Attribute {
                flags: attr_flags::OPTIONAL | attr_flags::EXTENDED_LENGTH,
                value: AttrValue::MpUnreach(Box::new(self.mp_unreach())),
            }],
            ..Update::default()
        }
    }
}

/// The attributes of a route this PE advertises, in type-code order: LOCAL_PREF (RFC 4271
/// §5.1.5, always sent to internal peers), EXTENDED COMMUNITIES, PMSI_TUNNEL.
fn own_attributes(
    local_pref: Option<u32>,
    ext: Vec<ExtCommunity>,
    pmsi: Option<PmsiTunnel>,
) -> Vec<Attribute> {
    let mut v = Vec::with_capacity(3);
    if let Some(lp) = local_pref {
        v.push(Attribute::new(AttrValue::LocalPref(lp)));
    }
    if !ext.is_empty() {
        v.push(Attribute::new(AttrValue::ExtCommunities(ext)));
    }
    if let Some(p) = pmsi {
        v.push(Attribute::new(AttrValue::PmsiTunnel(Box::new(p))));
    }
    v
}

/// Route targets, then the other communities.
fn ext_list(
    rts: &[RouteTarget],
    more: impl IntoIterator<Item = ExtCommunity>,
) -> Vec<ExtCommunity> {
    rts.iter().map(|r| r.ext()).chain(more).collect()
}

/// The 24-bit label field carrying a VNI (RFC 8365 §5.1.3: the whole field is the VNI).
pub fn vni_label(vni: u32) -> Label {
    Label(vni & 0xFF_FFFF)
}

/// What a locally advertised route carries besides its NLRI.
#[derive(Clone, Debug)]
pub struct Advertised<'a> {
    /// Next hop: the dataplane address.
    pub next_hop: Ipv4Addr,
    /// Route targets to export with.
    pub export_rts: &'a [RouteTarget],
    /// LOCAL_PREF.
    pub local_pref: u32,
    /// ConsistentHashSortOrder, sent when not 0.
    pub hash_order: u32,
}

impl Advertised<'_> {
    fn ext(&self, encap: u16, more: &[ExtCommunity]) -> Vec<ExtCommunity> {
        let chso = (self.hash_order != 0).then(|| consistent_hash_sort_order(self.hash_order));
        ext_list(
            self.export_rts,
            std::iter::once(encapsulation(encap))
                .chain(more.iter().copied())
                .chain(chso),
        )
    }
}

/// An E-VPN MAC/IP Advertisement route (RFC 7432 §7.2) for a local endpoint: ESI 0,
/// Ethernet tag 0, Label1 the VNI (RFC 8365 §5.1.3), Encapsulation VXLAN.
pub fn evpn_mac_ip(
    rd: RouteDistinguisher,
    mac: MacAddress,
    ip: Option<IpAddr>,
    vni: u32,
    adv: &Advertised<'_>,
) -> VpnRoute {
    VpnRoute {
        nlri: VpnNlri::Evpn(Evpn {
            path_id: None,
            route: EvpnRoute::MacIp {
                rd,
                esi: Esi::ZERO,
                etag: 0,
                mac,
                ip,
                label: vni_label(vni),
                label2: None,
            },
        }),
        next_hop: IpAddr::V4(adv.next_hop),
        attributes: own_attributes(Some(adv.local_pref), adv.ext(tunnel_type::VXLAN, &[]), None),
    }
}

/// An E-VPN Inclusive Multicast Ethernet Tag route (RFC 7432 §7.3, §11) for an instance:
/// Ethernet tag 0, originator the local address, and a PMSI tunnel attribute (RFC 6514 §5)
/// of type ingress replication whose label field is the VNI (RFC 8365 §5.1.3) and whose
/// tunnel identifier is the local address.
pub fn evpn_imet(rd: RouteDistinguisher, vni: u32, adv: &Advertised<'_>) -> VpnRoute {
    let local = adv.next_hop;
    VpnRoute {
        nlri: VpnNlri::Evpn(Evpn {
            path_id: None,
            route: EvpnRoute::InclusiveMulticast {
                rd,
                etag: 0,
                ip: IpAddr::V4(local),
            },
        }),
        next_hop: IpAddr::V4(local),
        attributes: own_attributes(
            Some(adv.local_pref),
            adv.ext(tunnel_type::VXLAN, &[]),
            Some(PmsiTunnel {
                flags: 0,
                tunnel_type: PMSI_INGRESS_REPLICATION,
                label: vni_label(vni).0,
                tunnel_id: local.octets().to_vec(),
            }),
        ),
    }
}

/// A VPN-IPv4/IPv6 route (RFC 4364 §4.3, RFC 4659) for a local prefix: one label with the
/// bottom-of-stack bit, Encapsulation MPLS; `records` are RT-Record communities of a
/// re-advertised route.
pub fn vpn_route(
    rd: RouteDistinguisher,
    net: IpNet,
    label: u32,
    adv: &Advertised<'_>,
    records: &[ExtCommunity],
) -> VpnRoute {
    VpnRoute {
        nlri: VpnNlri::Vpn(VpnPrefix {
            path_id: None,
            labels: LabelStack::new(Label::new(label, true)),
            rd,
            net: net.trunc(),
        }),
        next_hop: IpAddr::V4(adv.next_hop),
        attributes: own_attributes(
            Some(adv.local_pref),
            adv.ext(tunnel_type::MPLS, records),
            None,
        ),
    }
}

/// A route target membership route (RFC 4684 §4): origin AS and route target; next hop the
/// local address.
pub fn rtc_route(origin_as: u32, rt: RouteTarget, next_hop: Ipv4Addr) -> VpnRoute {
    VpnRoute {
        nlri: VpnNlri::Rtc(rt.rtc(origin_as)),
        next_hop: IpAddr::V4(next_hop),
        attributes: own_attributes(Some(100), Vec::new(), None),
    }
}

/// The VPN routes an UPDATE announces and withdraws.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateRoutes {
    /// Routes announced (E-VPN, VPN-IPv4/IPv6, RTC).
    pub announced: Vec<VpnRoute>,
    /// Routes withdrawn, including the announced ones of an UPDATE that RFC 7606 treats as
    /// withdraw.
    pub withdrawn: Vec<RouteKey>,
}

fn handled(f: Family) -> bool {
    matches!(f, EVPN | VPNV4 | VPNV6 | RTC)
}

fn typed(list: &NlriList) -> Vec<VpnNlri> {
    match list {
        NlriList::Evpn(v) => v.iter().cloned().map(VpnNlri::Evpn).collect(),
        NlriList::Vpn(v) => v.iter().cloned().map(VpnNlri::Vpn).collect(),
        NlriList::Rtc(v) => v.iter().cloned().map(VpnNlri::Rtc).collect(),
        _ => Vec::new(),
    }
}

/// The address of a next hop, an IPv4-mapped IPv6 address as IPv4.
fn next_hop_ip(nh: &NextHop) -> Option<IpAddr> {
    nh.ip().map(|a| match a {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(a, IpAddr::V4),
        a => a,
    })
}

/// The E-VPN, VPN and RTC routes of a decoded UPDATE, for [`crate::VpnEngine::route_received`]
/// and [`crate::VpnEngine::route_withdrawn`]. Other families are left out.
pub fn routes_from_update(update: &Update) -> UpdateRoutes {
    let mut out = UpdateRoutes::default();
    let attributes: Vec<Attribute> = update
        .attributes
        .iter()
        .filter(|a| !matches!(a.value.type_code(), 3 | 14 | 15))
        .cloned()
        .collect();
    let as_withdraw = update.action() >= Some(Action::TreatAsWithdraw);
    if let Some(m) = update.mp_reach().filter(|m| handled(m.family)) {
        let nh = next_hop_ip(&m.next_hop);
        for nlri in typed(&m.nlri) {
            match nh {
                Some(next_hop) if !as_withdraw => out.announced.push(VpnRoute {
                    nlri,
                    next_hop,
                    attributes: attributes.clone(),
                }),
                _ => out.withdrawn.push(nlri.key()),
            }
        }
    }
    if let Some(m) = update.mp_unreach().filter(|m| handled(m.family)) {
        out.withdrawn
            .extend(typed(&m.nlri).iter().map(VpnNlri::key));
    }
    out
}

#[cfg(test)]
#[path = "route_tests.rs"]
mod tests;
