//! The `"open"` object: version, AS, hold time, router id and capabilities by code.

use std::fmt::Write;

use herald_wire::capability::Capability;
use herald_wire::open::Open;
use herald_wire::Family;

use super::{escape, hex_lower};

fn fam(f: Family) -> String {
    format!("{}/{}", f.afi, f.safi)
}

fn write_capability(out: &mut String, c: &Capability) {
    let _ = write!(out, "\"{}\": ", c.code());
    let _ = match c {
        Capability::Multiprotocol { family, .. } => write!(
            out,
            "{{ \"name\": \"multiprotocol\", \"families\": [ \"{}\" ] }}",
            fam(*family)
        ),
        Capability::RouteRefresh => write!(
            out,
            "{{ \"name\": \"route-refresh\", \"variant\": \"RFC\" }}"
        ),
        Capability::RouteRefreshCisco => write!(
            out,
            "{{ \"name\": \"route-refresh\", \"variant\": \"Cisco\" }}"
        ),
        Capability::EnhancedRouteRefresh => {
            write!(out, "{{ \"name\": \"enhanced-route-refresh\" }}")
        }
        Capability::ExtendedMessage => {
            write!(out, "{{ \"name\": \"extended-message\", \"size\": 65535 }}")
        }
        Capability::FourOctetAs(a) => write!(out, "{{ \"name\": \"asn4\", \"asn4\": {a} }}"),
        Capability::Role(r) => {
            let name = match r {
                0 => "provider",
                1 => "rs",
                2 => "rs-client",
                3 => "customer",
                4 => "peer",
                _ => "unknown",
            };
            write!(out, "{{ \"name\": \"role\", \"role\": \"{name}\" }}")
        }
        Capability::ExtendedNextHop(v) => {
            out.push_str("{ \"name\": \"nexthop\"");
            for t in v {
                let _ = write!(
                    out,
                    ", \"{}/{}\": \"{}\"",
                    t.afi,
                    herald_wire::Safi(t.safi as u8),
                    t.nexthop_afi
                );
            }
            out.push_str(" }");
            Ok(())
        }
        Capability::GracefulRestart {
            flags,
            time,
            families,
        } => {
            let _ = write!(out, "{{ \"name\": \"graceful restart\", \"time\": {time}, \"address-family-flags\": {{ ");
            for (i, f) in families.iter().enumerate() {
                if i > 0 {
                    out.push_str(" , ");
                }
                let flag = if f.flags & 0x80 != 0 {
                    " \"forwarding\" "
                } else {
                    " "
                };
                let _ = write!(out, "\"{}\": [{flag}]", fam(f.family));
            }
            out.push_str(" }, \"restart-flags\": [");
            let mut names = Vec::new();
            if flags & 0x8 != 0 {
                names.push("\"restart\"");
            }
            if flags & 0x4 != 0 {
                names.push("\"notification\"");
            }
            let _ = write!(out, " {} ]  }}", names.join(", "));
            Ok(())
        }
        Capability::LongLivedGracefulRestart(v) => {
            out.push_str("{ \"name\": \"llgr\"");
            for f in v {
                let _ = write!(
                    out,
                    ", \"{}\": {{ \"flags\": {}, \"time\": {} }}",
                    fam(f.family),
                    f.flags,
                    f.stale_time
                );
            }
            out.push_str(" }");
            Ok(())
        }
        Capability::AddPath(v) => {
            out.push_str("{ \"name\": \"addpath\"");
            for (f, m) in v {
                let _ = write!(out, ", \"{}\": \"{}\"", fam(*f), m.name());
            }
            out.push_str(" }");
            Ok(())
        }
        Capability::Fqdn { hostname, domain } => write!(
            out,
            "{{ \"name\": \"hostname\", \"host-name\": \"{}\", \"domain-name\": \"{}\" }}",
            escape(hostname),
            escape(domain)
        ),
        Capability::Multisession { data, .. } => write!(
            out,
            "{{ \"name\": \"multisession\", \"data\": \"0x{}\" }}",
            hex_lower(data)
        ),
        Capability::Unknown { code, data } => {
            write!(
                out,
                "{{ \"name\": \"unknown\", \"code\": {code}, \"raw\": \"0x{}\" }}",
                hex_lower(data)
            )
        }
    };
}

/// Write the open object. Multiprotocol capabilities are merged into one entry, as ExaBGP does.
pub fn write_open(out: &mut String, o: &Open) {
    let _ = write!(
        out,
        "{{ \"version\": {}, \"asn\": {}, \"hold_time\": {}, \"router_id\": \"{}\", \"capabilities\": {{ ",
        o.version,
        o.asn(),
        o.hold_time,
        o.bgp_id
    );
    let mut first = true;
    let mut mp_done = false;
    for c in o.capabilities() {
        if let Capability::Multiprotocol { .. } = c {
            if mp_done {
                continue;
            }
            mp_done = true;
            if !first {
                out.push_str(", ");
            }
            first = false;
            let fams: Vec<String> = o
                .capabilities()
                .filter_map(|c| match c {
                    Capability::Multiprotocol { family, .. } => {
                        Some(format!("\"{}\"", fam(*family)))
                    }
                    _ => None,
                })
                .collect();
            let _ = write!(
                out,
                "\"1\": {{ \"name\": \"multiprotocol\", \"families\": [ {} ] }}",
                fams.join(", ")
            );
            continue;
        }
        if !first {
            out.push_str(", ");
        }
        first = false;
        write_capability(out, c);
    }
    out.push_str(" } }");
}
