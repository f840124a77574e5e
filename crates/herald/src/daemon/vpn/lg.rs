//! BaGPipe's looking-glass tree, rendered by the VPN task from its own state: every object
//! that has children links them with absolute `href`s under the base URL the HTTP side gives
//! (`http://<Host header>/looking-glass`).
//!
//! | path | value |
//! |------|-------|
//! | (root) | `summary` inlined, `config`, `bgp`, `vpns`, `logs` as links |
//! | `summary` | established peers, route counts, instance count, recent warnings and errors, start time, version |
//! | `config` | the `vpn` block's settings |
//! | `logs` | the last 100 warnings and errors of the VPN role |
//! | `bgp` | links to `peers`, `routes` |
//! | `bgp/peers`, `bgp/peers/<ip>` | sessions: state, RTC, families, the routes sent |
//! | `bgp/routes` | every VPN route, ours and received, by `match:<afi>/<safi>,<target>` |
//! | `vpns` | links to `instances`, `dataplane` |
//! | `vpns/instances`, `vpns/instances/<id>` | instances (with what a recording driver holds) |
//! | `vpns/dataplane`, `…/drivers`, `…/drivers/<evpn|ipvpn>` | the drivers (a recorder's operations) |

use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use herald_vpn::lg;
use herald_vpn::PeerId;
use serde_json::{json, Value};

use super::task::Task;

/// Warnings and errors shown in the summary (all of those kept are under `logs`).
const SUMMARY_PROBLEMS: usize = 10;

/// `YYYY-MM-DD HH:MM:SS` (UTC).
pub(super) fn utc(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A session state as BaGPipe shows it (`Established`, `OpenSent`, …).
fn state(s: &str) -> &'static str {
    match s.to_ascii_lowercase().as_str() {
        "idle" => "Idle",
        "connect" => "Connect",
        "active" => "Active",
        "opensent" => "OpenSent",
        "openconfirm" => "OpenConfirm",
        "established" => "Established",
        _ => "Unknown",
    }
}

fn link(base: &str, path: &str) -> Value {
    json!({ "href": format!("{base}/{path}") })
}

/// The value at `path`, `None` when there is none (the HTTP side's 404).
pub(super) fn render(t: &Task, path: &[String], base: &str) -> Option<Value> {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    Some(match p.as_slice() {
        [] => json!({
            "summary": summary(t),
            "config": link(base, "config"),
            "bgp": link(base, "bgp"),
            "vpns": link(base, "vpns"),
            "logs": link(base, "logs"),
        }),
        ["summary"] => summary(t),
        ["config"] => config(t),
        ["logs"] => Value::from(t.problems.iter().cloned().collect::<Vec<_>>()),
        ["bgp"] => json!({
            "peers": link(base, "bgp/peers"),
            "routes": link(base, "bgp/routes"),
        }),
        ["bgp", "peers"] => Value::from(
            t.peers
                .values()
                .map(|p| {
                    json!({
                        "id": p.address.to_string(),
                        "href": format!("{base}/bgp/peers/{}", p.address),
                        "state": state(p.state),
                    })
                })
                .collect::<Vec<_>>(),
        ),
        ["bgp", "peers", ip] => peer(t, ip.parse().ok()?)?,
        ["bgp", "routes"] => {
            let name = |peer: PeerId| {
                t.peers
                    .get(&peer)
                    .map_or_else(|| format!("peer {}", peer.0), |p| p.address.to_string())
            };
            lg::bgp_routes(&t.engine, base, &name)
        }
        ["vpns"] => json!({
            "instances": link(base, "vpns/instances"),
            "dataplane": link(base, "vpns/dataplane"),
        }),
        ["vpns", "instances"] => lg::instances(&t.engine, base),
        ["vpns", "instances", id] => instance(t, id)?,
        ["vpns", "dataplane"] => json!({ "drivers": link(base, "vpns/dataplane/drivers") }),
        ["vpns", "dataplane", "drivers"] => drivers(t, base),
        ["vpns", "dataplane", "drivers", kind] => {
            let mut d = drivers(t, base).get(*kind)?.clone();
            // No link to itself (`bagpipe-looking-glass -r` would follow it forever).
            if let Some(m) = d.as_object_mut() {
                m.remove("href");
            }
            let extra = match *kind {
                "evpn" => t.evpn.looking_glass(),
                _ => t.ipvpn.looking_glass(),
            };
            if let (Some(m), Value::Object(e)) = (d.as_object_mut(), extra) {
                m.extend(e);
            }
            d
        }
        _ => return None,
    })
}

fn summary(t: &Task) -> Value {
    let vpn = lg::summary(&t.engine);
    let established = t
        .peers
        .values()
        .filter(|p| state(p.state) == "Established")
        .count();
    let recent: Vec<String> = t
        .problems
        .iter()
        .rev()
        .take(SUMMARY_PROBLEMS)
        .map(|p| {
            let field = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or_default();
            format!("{} {}: {}", field("time"), field("level"), field("message"))
        })
        .collect();
    json!({
        "BGP_established_peers": established,
        "route_counts": vpn.get("route_counts"),
        "vpn_instances_count": vpn.get("vpn_instances_count"),
        "warnings_and_errors": recent,
        "warnings_and_errors_count": t.problems.len(),
        "start_time": utc(t.started),
        "version": format!("herald {}", env!("CARGO_PKG_VERSION")),
    })
}

fn config(t: &Task) -> Value {
    let c = &t.cfg;
    json!({
        "local_address": c.local_address.to_string(),
        "rest": c.rest.to_string(),
        "evpn_dataplane": c.evpn_dataplane.name(),
        "ipvpn_dataplane": c.ipvpn_dataplane.name(),
        "vxlan_port": c.vxlan_port,
        "label_range": [c.label_range.0, c.label_range.1],
        "vni_range": [c.vni_range.0, c.vni_range.1],
        "rd_range": [c.rd_range.0, c.rd_range.1],
        "rtc": c.rtc,
        "local_as": t.engine.config().local_as,
    })
}

fn peer(t: &Task, ip: IpAddr) -> Option<Value> {
    let (&id, p) = t.peers.iter().find(|(_, p)| p.address == ip)?;
    let families = t.vpn_families(id);
    let sent: Vec<_> = t
        .engine
        .routes_for_peer(id)
        .into_iter()
        .filter(|r| families.contains(&r.family()))
        .collect();
    Some(json!({
        "id": ip.to_string(),
        "name": p.name,
        "protocol": {
            "state": state(p.state),
            "previous_state": state(p.previous_state),
            "last_transition_time": utc(p.since),
        },
        "rtc": {
            "active": p.up.as_ref().is_some_and(|(_, rtc)| *rtc),
            "enabled": t.cfg.rtc,
        },
        "active_families": families.iter().map(|f| format!("{}/{}", f.afi, f.safi)).collect::<Vec<_>>(),
        "adv_routes": lg::route_list(&sent),
    }))
}

fn instance(t: &Task, id: &str) -> Option<Value> {
    let mut v = lg::instance(&t.engine, id)?;
    // What a recording driver holds for it (the Linux driver's state is the kernel's).
    let n = t.engine.instance_number(id);
    let driver = match v.get("instance_type").and_then(Value::as_str) {
        Some("EVI") => &t.evpn,
        _ => &t.ipvpn,
    };
    if let (Some(m), Some(n)) = (v.as_object_mut(), n) {
        m.insert("dataplane_driver".into(), Value::from(driver.name()));
        if let Some(state) = driver.state(n) {
            m.insert("dataplane_state".into(), state);
        }
    }
    Some(v)
}

fn drivers(t: &Task, base: &str) -> Value {
    lg::dataplane_drivers(&t.engine, base, t.evpn.name(), t.ipvpn.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(UNIX_EPOCH), "1970-01-01 00:00:00");
        let t = UNIX_EPOCH + std::time::Duration::from_secs(951_782_400 + 3661);
        assert_eq!(utc(t), "2000-02-29 01:01:01");
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_798_761_599);
        assert_eq!(utc(t), "2026-12-31 23:59:59");
    }
}
