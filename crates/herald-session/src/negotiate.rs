//! OPEN checks (RFC 4271 §6.2, RFC 5492, RFC 6793) and the intersection of both sides'
//! capabilities into one [`Negotiated`] record.

use std::net::Ipv4Addr;

use herald_wire::capability::{AddPathMode, Capability, ExtNextHop, GrFamily};
use herald_wire::error::{DecodeError, ErrorKind};
use herald_wire::iana::Afi;
use herald_wire::message::{MAX_EXTENDED_LEN, MAX_LEN};
use herald_wire::notification::{code, Notification};
use herald_wire::{Context, Family, Open};

/// What this side offers, from configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalCapabilities {
    /// Families to negotiate (Multiprotocol capability, RFC 4760).
    pub families: Vec<Family>,
    /// Advertise the 4-octet AS capability (RFC 6793).
    pub asn4: bool,
    /// Advertise route refresh (RFC 2918) and enhanced route refresh (RFC 7313).
    pub route_refresh: bool,
    /// Advertise graceful restart with this restart time (RFC 4724).
    pub graceful_restart: Option<u16>,
    /// Set the Restart State bit in the graceful restart capability (we have just restarted).
    pub restarting: bool,
    /// ADD-PATH per family (RFC 7911).
    pub add_path: Vec<(Family, AddPathMode)>,
    /// Advertise Extended Message (RFC 8654).
    pub extended_message: bool,
    /// Extended next hop: NLRI family → next-hop AFI (RFC 8950).
    pub extended_next_hop: Vec<(Family, Afi)>,
    /// FQDN capability: host name and domain name.
    pub hostname: Option<(String, String)>,
    /// Software version capability (code 75, draft-abraitis-bgp-version-capability): the
    /// string to advertise, at most 64 octets.
    pub software_version: Option<String>,
}

impl Default for LocalCapabilities {
    /// ExaBGP's defaults: IPv4 unicast, 4-octet AS and extended message on, the rest off.
    fn default() -> Self {
        LocalCapabilities {
            families: vec![Family::IPV4_UNICAST],
            asn4: true,
            route_refresh: false,
            graceful_restart: None,
            restarting: false,
            add_path: Vec::new(),
            extended_message: true,
            extended_next_hop: Vec::new(),
            hostname: None,
            software_version: None,
        }
    }
}

impl LocalCapabilities {
    /// The capabilities to put in our OPEN.
    pub fn to_capabilities(&self, local_as: u32) -> Vec<Capability> {
        let mut v: Vec<Capability> = self
            .families
            .iter()
            .map(|&family| Capability::Multiprotocol {
                family,
                reserved: 0,
            })
            .collect();
        if !self.extended_next_hop.is_empty() {
            v.push(Capability::ExtendedNextHop(
                self.extended_next_hop
                    .iter()
                    .map(|(f, nh)| ExtNextHop {
                        afi: f.afi,
                        safi: u16::from(f.safi.0),
                        nexthop_afi: *nh,
                    })
                    .collect(),
            ));
        }
        if self.asn4 {
            v.push(Capability::FourOctetAs(local_as));
        }
        if let Some(time) = self.graceful_restart {
            v.push(Capability::GracefulRestart {
                flags: if self.restarting { 0x8 } else { 0 },
                time: time.min(4095),
                families: self
                    .families
                    .iter()
                    .map(|&family| GrFamily {
                        family,
                        flags: 0x80,
                    }) // forwarding state preserved, as ExaBGP sends it (RFC 4724 §4.2)
                    .collect(),
            });
        }
        if !self.add_path.is_empty() {
            v.push(Capability::AddPath(self.add_path.clone()));
        }
        if self.route_refresh {
            v.push(Capability::RouteRefresh);
            v.push(Capability::EnhancedRouteRefresh);
        }
        if self.extended_message {
            v.push(Capability::ExtendedMessage);
        }
        if let Some((h, d)) = &self.hostname {
            v.push(Capability::Fqdn {
                hostname: h.clone(),
                domain: d.clone(),
            });
        }
        if let Some(s) = &self.software_version {
            // One length octet, then the UTF-8 text cut at 64 octets on a character boundary.
            let mut end = s.len().min(64);
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            let text = s.get(..end).unwrap_or_default().as_bytes();
            let mut data = Vec::with_capacity(text.len() + 1);
            data.push(text.len() as u8);
            data.extend_from_slice(text);
            v.push(Capability::Unknown { code: 75, data });
        }
        v
    }
}

/// The peer's graceful restart capability.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerGracefulRestart {
    /// Restart time in seconds.
    pub time: u16,
    /// The peer restarted (R bit).
    pub restarting: bool,
    /// Families whose forwarding state the peer preserved, with their flags.
    pub families: Vec<GrFamily>,
}

/// Everything both sides agreed on, fixed for the life of an established session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Negotiated {
    /// The peer's AS (from the 4-octet AS capability when present).
    pub peer_as: u32,
    /// Our AS.
    pub local_as: u32,
    /// The peer's BGP Identifier.
    pub peer_id: Ipv4Addr,
    /// Negotiated hold time (0: no keepalives, no hold timer).
    pub hold_time: u16,
    /// Families both sides support.
    pub families: Vec<Family>,
    /// Both sides speak 4-octet AS numbers.
    pub asn4: bool,
    /// Families for which we send path identifiers.
    pub add_path_send: Vec<Family>,
    /// Families for which the peer sends path identifiers.
    pub add_path_receive: Vec<Family>,
    /// The peer accepts ROUTE-REFRESH (RFC 2918 or the pre-standard code).
    pub route_refresh: bool,
    /// Both sides support enhanced route refresh.
    pub enhanced_route_refresh: bool,
    /// The peer's graceful restart capability, if it sent one.
    pub graceful_restart: Option<PeerGracefulRestart>,
    /// Both sides support extended messages.
    pub extended_message: bool,
    /// Families for which both sides allow an IPv6 next hop for IPv4 NLRI (RFC 8950).
    pub extended_next_hop: Vec<Family>,
}

impl Negotiated {
    /// The decoding context for messages from the peer.
    pub fn receive_context(&self) -> Context {
        Context {
            asn4: self.asn4,
            add_path: self.add_path_receive.clone(),
            max_message_len: self.max_len(),
            ebgp: self.peer_as != self.local_as,
            local_address: None,
        }
    }

    /// The encoding context for messages to the peer.
    pub fn send_context(&self) -> Context {
        Context {
            asn4: self.asn4,
            add_path: self.add_path_send.clone(),
            max_message_len: self.max_len(),
            ebgp: self.peer_as != self.local_as,
            local_address: None,
        }
    }

    fn max_len(&self) -> usize {
        if self.extended_message {
            MAX_EXTENDED_LEN
        } else {
            MAX_LEN
        }
    }

    /// Keepalive interval in seconds (a third of the hold time; 0 when hold time is 0).
    pub fn keepalive_interval(&self) -> u16 {
        self.hold_time / 3
    }
}

/// A refused OPEN: the NOTIFICATION to send.
pub type Refusal = Notification;

/// Check the peer's OPEN against our configuration and compute the negotiated record.
pub fn negotiate(
    local: &LocalCapabilities,
    local_as: u32,
    local_id: Ipv4Addr,
    hold_time: u16,
    expected_peer_as: Option<u32>,
    open: &Open,
) -> Result<Negotiated, Refusal> {
    open.validate().map_err(|e: DecodeError| e.notification())?;
    let peer_caps: Vec<&Capability> = open.capabilities().collect();
    let peer_asn4 = peer_caps
        .iter()
        .any(|c| matches!(c, Capability::FourOctetAs(_)));
    let peer_as = open.asn();
    if let Some(expected) = expected_peer_as {
        if expected != peer_as {
            return Err(Notification::new(
                code::OPEN_MESSAGE,
                2,
                open.my_as.to_be_bytes().to_vec(),
            ));
        }
    }
    // RFC 4271 §6.2 (and RFC 6286 §2.2): the identifier must differ from ours on IBGP.
    if peer_as == local_as && open.bgp_id == local_id {
        return Err(ErrorKind::BadBgpIdentifier.notification());
    }
    if open.hold_time == 1 || open.hold_time == 2 {
        return Err(Notification::new(code::OPEN_MESSAGE, 6, Vec::new()));
    }
    let peer_families: Vec<Family> = peer_caps
        .iter()
        .filter_map(|c| match c {
            Capability::Multiprotocol { family, .. } => Some(*family),
            _ => None,
        })
        .collect();
    // RFC 4760 §8: a speaker without the capability supports IPv4 unicast only.
    let peer_families = if peer_families.is_empty() {
        vec![Family::IPV4_UNICAST]
    } else {
        peer_families
    };
    let families: Vec<Family> = local
        .families
        .iter()
        .filter(|f| peer_families.contains(f))
        .copied()
        .collect();
    if families.is_empty() && !local.families.is_empty() {
        // RFC 5492 §5: Unsupported Capability, data = the capabilities we needed.
        let mut data = Vec::new();
        for f in &local.families {
            Capability::Multiprotocol {
                family: *f,
                reserved: 0,
            }
            .encode(&mut data);
        }
        return Err(Notification::new(code::OPEN_MESSAGE, 7, data));
    }
    let peer_add_path: Vec<(Family, AddPathMode)> = peer_caps
        .iter()
        .filter_map(|c| match c {
            Capability::AddPath(v) => Some(v.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let mode_of = |list: &[(Family, AddPathMode)], f: Family| {
        list.iter().find(|(g, _)| *g == f).map(|(_, m)| *m)
    };
    let mut add_path_send = Vec::new();
    let mut add_path_receive = Vec::new();
    for &f in &families {
        if let (Some(ours), Some(theirs)) =
            (mode_of(&local.add_path, f), mode_of(&peer_add_path, f))
        {
            if ours.can_send() && theirs.can_receive() {
                add_path_send.push(f);
            }
            if ours.can_receive() && theirs.can_send() {
                add_path_receive.push(f);
            }
        }
    }
    let graceful_restart = peer_caps.iter().find_map(|c| match c {
        Capability::GracefulRestart {
            flags,
            time,
            families,
        } => Some(PeerGracefulRestart {
            time: *time,
            restarting: flags & 0x8 != 0,
            families: families.clone(),
        }),
        _ => None,
    });
    let peer_enh = peer_caps
        .iter()
        .any(|c| matches!(c, Capability::EnhancedRouteRefresh));
    let route_refresh = peer_caps
        .iter()
        .any(|c| matches!(c, Capability::RouteRefresh | Capability::RouteRefreshCisco));
    let peer_ext_msg = peer_caps
        .iter()
        .any(|c| matches!(c, Capability::ExtendedMessage));
    let peer_enh_tuples: Vec<ExtNextHop> = peer_caps
        .iter()
        .filter_map(|c| match c {
            Capability::ExtendedNextHop(v) => Some(v.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let extended_next_hop = local
        .extended_next_hop
        .iter()
        .filter(|(f, nh)| {
            peer_enh_tuples
                .iter()
                .any(|t| t.afi == f.afi && t.safi == u16::from(f.safi.0) && t.nexthop_afi == *nh)
        })
        .map(|(f, _)| *f)
        .collect();
    let hold = hold_time.min(open.hold_time);
    Ok(Negotiated {
        peer_as,
        local_as,
        peer_id: open.bgp_id,
        hold_time: hold,
        families,
        asn4: local.asn4 && peer_asn4,
        add_path_send,
        add_path_receive,
        route_refresh,
        enhanced_route_refresh: local.route_refresh && peer_enh,
        graceful_restart,
        extended_message: local.extended_message && peer_ext_msg,
        extended_next_hop,
    })
}
