//! EVPN NLRI (RFC 7432, RFC 9136) in ExaBGP 5.0.15's JSON (its `nlri/evpn/*.py` `json()`):
//!
//! ```text
//! { "code": 2, "parsed": true, "raw": "0225…", "name": "MAC/IP advertisement",
//!   "rd": "65000:1", "esi": "-", "ethernet-tag": 100, "mac": "00:11:22:33:44:55",
//!   "label": [ [62, 1000] ], "ip": "10.0.0.1" }
//! ```
//! Members by route type, in this order after `code`, `parsed`, `raw` (route type, length and
//! value in upper-case hex, no path identifier) and `name`: Ethernet A-D `rd esi ethernet-tag
//! label`; MAC/IP `rd esi ethernet-tag mac label ip` (`ip` only when the route has one, and only
//! Label1 as ExaBGP reads it); Inclusive Multicast `rd ethernet-tag ip`; Ethernet Segment `rd
//! esi ip`; IP Prefix `rd esi ethernet-tag label ip iplen gateway` (`ip` the whole prefix field).
//! Another route type is `{ "code": N, "parsed": false, "raw": "…" }`. A label is `[value]` when
//! its 24 bits are zero, else `[value, 24-bit field]` (value = the field's top 20 bits), as
//! ExaBGP shows a label it read from the wire.
//!
//! Difference on purpose: with ADD-PATH each entry has `"path-information"` after `"raw"`, as
//! herald's labeled and VPN routes do; ExaBGP 5.0.15 reads the path identifier and does not show it.

use std::fmt::Write;
use std::net::Ipv4Addr;

use herald_wire::nlri::{Evpn, EvpnRoute, Label};

use super::hex_upper;

fn label(out: &mut String, l: Label) {
    if l.0 == 0 {
        let _ = write!(out, ", \"label\": [ [{}] ]", l.value());
    } else {
        let _ = write!(out, ", \"label\": [ [{}, {}] ]", l.value(), l.0);
    }
}

/// Write one EVPN NLRI as ExaBGP's JSON object.
pub(crate) fn write_evpn(out: &mut String, e: &Evpn) {
    let r = &e.route;
    let _ = write!(
        out,
        "{{ \"code\": {}, \"parsed\": {}, \"raw\": \"{}\"",
        r.route_type(),
        !matches!(r, EvpnRoute::Unknown { .. }),
        hex_upper(&e.route_bytes())
    );
    if let Some(id) = e.path_id {
        let _ = write!(out, ", \"path-information\": \"{}\"", Ipv4Addr::from(id));
    }
    if let EvpnRoute::Unknown { .. } = r {
        out.push_str(" }");
        return;
    }
    let _ = write!(out, ", \"name\": \"{}\"", r.name());
    if let Some(rd) = r.rd() {
        let _ = write!(out, ", \"rd\": \"{rd}\"");
    }
    match r {
        EvpnRoute::EthernetAd {
            esi,
            etag,
            label: l,
            ..
        } => {
            let _ = write!(out, ", \"esi\": \"{esi}\", \"ethernet-tag\": {etag}");
            label(out, *l);
        }
        EvpnRoute::MacIp {
            esi,
            etag,
            mac,
            ip,
            label: l,
            ..
        } => {
            let _ = write!(
                out,
                ", \"esi\": \"{esi}\", \"ethernet-tag\": {etag}, \"mac\": \"{mac}\""
            );
            label(out, *l);
            if let Some(ip) = ip {
                let _ = write!(out, ", \"ip\": \"{ip}\"");
            }
        }
        EvpnRoute::InclusiveMulticast { etag, ip, .. } => {
            let _ = write!(out, ", \"ethernet-tag\": {etag}, \"ip\": \"{ip}\"");
        }
        EvpnRoute::EthernetSegment { esi, ip, .. } => {
            let _ = write!(out, ", \"esi\": \"{esi}\", \"ip\": \"{ip}\"");
        }
        EvpnRoute::IpPrefix {
            esi,
            etag,
            prefix,
            gateway,
            label: l,
            ..
        } => {
            let _ = write!(out, ", \"esi\": \"{esi}\", \"ethernet-tag\": {etag}");
            label(out, *l);
            let _ = write!(
                out,
                ", \"ip\": \"{}\", \"iplen\": {}, \"gateway\": \"{gateway}\"",
                prefix.addr(),
                prefix.prefix_len()
            );
        }
        EvpnRoute::Unknown { .. } => {}
    }
    out.push_str(" }");
}
