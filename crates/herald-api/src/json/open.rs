//! The `"open"` object: version, AS, hold time, router id and capabilities by code.

use std::fmt::Write;

use herald_wire::capability::Capability;
use herald_wire::open::Open;
use herald_wire::Family;

use super::{escape, hex_upper};

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
            // ExaBGP: `"conversion": [ "ipv4/unicast/ipv6", "ipv4/mpls-vpn/ipv6" ]`.
            out.push_str("{ \"name\": \"nexthop\", \"conversion\": [");
            for (i, t) in v.iter().enumerate() {
                let _ = write!(
                    out,
                    "{} \"{}/{}/{}\"",
                    if i > 0 { "," } else { "" },
                    t.afi,
                    herald_wire::Safi(t.safi as u8),
                    t.nexthop_afi
                );
            }
            out.push_str(" ] }");
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
        // ExaBGP 5 does not decode long-lived graceful restart: it prints the capability as an
        // unknown one with its value in hexadecimal, and so does herald.
        Capability::LongLivedGracefulRestart(_) => {
            let mut raw = Vec::new();
            c.encode_value(&mut raw);
            write_unknown(out, c.code(), &raw)
        }
        Capability::AddPath(v) => {
            out.push_str("{ \"name\": \"addpath\"");
            for (f, m) in v {
                let _ = write!(out, ", \"{}\": \"{}\"", fam(*f), m.name());
            }
            out.push_str(" }");
            Ok(())
        }
        // ExaBGP writes no name for this one.
        Capability::Fqdn { hostname, domain } => write!(
            out,
            "{{ \"host-name\": \"{}\", \"domain-name\": \"{}\" }}",
            escape(hostname),
            escape(domain)
        ),
        Capability::Multisession { code, data } => {
            // As ExaBGP: the variant, and the Session Id (the codes after the flags octet,
            // the multisession codes themselves left out) by ExaBGP's capability names.
            let variant = if *code == 68 { "RFC" } else { "Cisco" };
            let _ = write!(
                out,
                "{{ \"name\": \"multisession\", \"variant\": \"{variant}\", \"capabilities\": ["
            );
            for (i, c) in data
                .iter()
                .skip(1)
                .filter(|c| !matches!(c, 68 | 131))
                .enumerate()
            {
                let _ = write!(
                    out,
                    "{} \"{}\"",
                    if i > 0 { "," } else { "" },
                    exabgp_capability_name(*c)
                );
            }
            out.push_str(" ] }");
            Ok(())
        }
        // Software version (75): ExaBGP prints the text alone.
        Capability::Unknown { code: 75, data } => match software_version(data) {
            Some(text) => write!(out, "{{ \"software\": \"{}\" }}", escape(&text)),
            None => write_unknown(out, 75, data),
        },
        Capability::Unknown { code, data } => write_unknown(out, *code, data),
    };
}

/// The text of a software version capability: a length octet, then that many octets of UTF-8.
fn software_version(data: &[u8]) -> Option<String> {
    let (&len, rest) = data.split_first()?;
    let text = rest.get(..usize::from(len))?;
    Some(String::from_utf8_lossy(text).into_owned())
}

/// A capability ExaBGP does not decode: its IANA status, code and value in hexadecimal.
fn write_unknown(out: &mut String, code: u8, data: &[u8]) -> std::fmt::Result {
    let iana = match code {
        128.. => "reserved",
        70..=127 => "unassigned",
        _ => "unknown",
    };
    write!(
        out,
        "{{ \"name\": \"unknown\", \"iana\": \"{iana}\", \"value\": {code}, \"raw\": \"{}\" }}",
        hex_upper(data)
    )
}

/// ExaBGP 5's name for a capability code (its `Capability.CODE` strings, typos included).
fn exabgp_capability_name(code: u8) -> std::borrow::Cow<'static, str> {
    let name = match code {
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
        71..=72 | 74 | 76..=127 => return format!("unassigned-{code:#x}").into(),
        129..=130 | 132..=184 | 186.. => return format!("reserved-{code:#x}").into(),
        _ => return format!("capability-{code:#x}").into(),
    };
    name.into()
}

/// Write the open object. Multiprotocol capabilities are merged into one entry, as ExaBGP does.
pub fn write_open(out: &mut String, o: &Open) {
    let _ = write!(
        out,
        "{{ \"version\": {}, \"asn\": {}, \"hold_time\": {}, \"router_id\": \"{}\", \"capabilities\": {{ ",
        o.version,
        // My Autonomous System as sent (AS_TRANS for a 4-octet AS), as ExaBGP prints it; the
        // 4-octet AS is in the asn4 capability.
        o.my_as,
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
