//! An OPEN in ExaBGP's text: `version 4 asn 65001 hold_time 30 router_id 1.1.1.1
//! capabilities [multiprotocol(ipv4 unicast,ipv6 unicast), route refresh, asn4(65001)]`.
//!
//! ExaBGP keeps one capability per code (so several Multiprotocol or ADD-PATH capabilities
//! become one list; for other codes the last one counts), lists them by code, and writes the
//! whole list in lower case.

use std::fmt::Write;

use herald_wire::capability::{AddPathMode, Capability};
use herald_wire::open::Open;
use herald_wire::Safi;

use super::oneline;

/// ExaBGP 5's name for a capability code in a multisession list.
fn code_name(code: u8) -> String {
    let n = match code {
        0 => "reserved",
        1 => "multiprotocol",
        2 => "route-refresh",
        3 => "outbound-route-filtering",
        4 => "multiple-routes",
        5 => "nexthop",
        6 => "extended-message",
        64 => "graceful-restart",
        65 => "asn4",
        67 => "dynamic-capability",
        68 => "multi-session",
        69 => "add-path",
        70 => "enhanced-route-refresh",
        73 => "hostname",
        75 => "software-version",
        128 => "cisco-route-refresh",
        131 => "cisco-multi-sesion",
        185 => "operational",
        71..=127 => return format!("unassigned-{code:#x}"),
        129.. => return format!("reserved-{code:#x}"),
        _ => return format!("capability-{code:#x}"),
    };
    n.to_string()
}

/// How ExaBGP names a capability it has no class for.
fn unknown(code: u8) -> String {
    match code {
        70..=127 => format!("Unassigned {code}"),
        128.. => format!("Reserved {code}"),
        _ => format!("Unknown {code}"),
    }
}

/// The text of all the capabilities of one code (at least one).
fn capability_text(caps: &[&Capability]) -> String {
    let Some(last) = caps.last() else {
        return String::new();
    };
    match last {
        Capability::Multiprotocol { .. } => {
            let fams: Vec<String> = caps
                .iter()
                .filter_map(|c| match c {
                    Capability::Multiprotocol { family, .. } => {
                        Some(format!("{} {}", family.afi, family.safi))
                    }
                    _ => None,
                })
                .collect();
            format!("Multiprotocol({})", fams.join(","))
        }
        Capability::RouteRefresh => "Route Refresh".into(),
        Capability::RouteRefreshCisco => "Cisco Route Refresh".into(),
        Capability::EnhancedRouteRefresh => "Enhanced Route Refresh".into(),
        Capability::ExtendedMessage => "Extended Message(65535)".into(),
        Capability::FourOctetAs(a) => format!("ASN4({a})"),
        Capability::ExtendedNextHop(_) => {
            let v: Vec<String> = caps
                .iter()
                .filter_map(|c| match c {
                    Capability::ExtendedNextHop(v) => Some(v),
                    _ => None,
                })
                .flatten()
                .map(|t| {
                    format!(
                        "{} {} {}",
                        t.afi,
                        Safi(u8::try_from(t.safi).unwrap_or(0)),
                        t.nexthop_afi
                    )
                })
                .collect();
            format!("NextHop({})", v.join(","))
        }
        Capability::GracefulRestart {
            flags,
            time,
            families,
        } => {
            let fams: Vec<String> = families
                .iter()
                .map(|f| format!("{}/{}={:#x}", f.family.afi, f.family.safi, f.flags))
                .collect();
            format!(
                "Graceful Restart Flags {flags:#x} Time {time} {}",
                fams.join(" ")
            )
        }
        Capability::AddPath(_) => {
            let v: Vec<String> = caps
                .iter()
                .filter_map(|c| match c {
                    Capability::AddPath(v) => Some(v),
                    _ => None,
                })
                .flatten()
                .map(|(f, m)| {
                    let mode = match m {
                        AddPathMode::Other(n) => format!("invalid ({n})"),
                        m => m.name().to_string(),
                    };
                    format!("{mode} {} {}", f.afi, f.safi)
                })
                .collect();
            format!("AddPath({})", v.join(","))
        }
        Capability::Fqdn { hostname, domain } => format!("Hostname({hostname} {domain})"),
        Capability::Multisession { code, data } => {
            let info = if *code == 68 { " (RFC)" } else { "" };
            let names: Vec<String> = data
                .iter()
                .skip(1)
                .filter(|c| !matches!(c, 68 | 131))
                .map(|c| code_name(*c))
                .collect();
            format!("Multisession{info} {}", names.join(" "))
        }
        Capability::Unknown { code: 75, data } => {
            // Software Version (draft-abraitis-bgp-version-capability): length, then UTF-8.
            let text = data
                .split_first()
                .and_then(|(len, rest)| rest.get(..usize::from(*len)))
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            format!("Software({text})")
        }
        Capability::Unknown { code: 185, .. } => "Operational".into(),
        other => unknown(other.code()),
    }
}

/// `version V asn A hold_time H router_id ID capabilities [...]`.
pub(super) fn write_open(out: &mut String, o: &Open) {
    let _ = write!(
        out,
        "version {} asn {} hold_time {} router_id {} capabilities [",
        o.version, o.my_as, o.hold_time, o.bgp_id
    );
    let mut codes: Vec<u8> = o.capabilities().map(Capability::code).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut text = String::new();
    for (i, code) in codes.iter().enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        let caps: Vec<&Capability> = o.capabilities().filter(|c| c.code() == *code).collect();
        text.push_str(&capability_text(&caps));
    }
    out.push_str(&oneline(&text).to_lowercase());
    out.push(']');
}
