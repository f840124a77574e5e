//! MCAST-VPN NLRI (RFC 6514) in ExaBGP 5.0.15's JSON (the `json()` of its `nlri/mvpn/*.py`):
//!
//! ```text
//! { "code": 7, "parsed": true, "raw": "0716…", "name": "C-Multicast Source Tree Join route",
//!   "rd": "65000:99999", "source-as": "65000", "source": "10.99.12.2",
//!   "group": "239.251.255.228" }
//! ```
//! Members after `code`, `parsed`, `raw` (route type, length and value in upper-case hex, no
//! path identifier) and `name`: Source Active A-D `rd source group`; the two C-multicast routes
//! `rd source-as source group`, the source AS a string and a Shared Tree Join's C-RP under
//! `source`, as ExaBGP writes them. Another route type (or a wildcard route, which ExaBGP
//! refuses) is `{ "code": N, "parsed": false, "raw": "…" }`.
//!
//! Difference on purpose: with ADD-PATH each entry has `"path-information"` after `"raw"`, as
//! herald's EVPN routes do.

use std::fmt::Write;
use std::net::Ipv4Addr;

use herald_wire::nlri::{Mvpn, MvpnRoute};

use super::hex_upper;

/// Write one MCAST-VPN NLRI as ExaBGP's JSON object.
pub(crate) fn write_mvpn(out: &mut String, m: &Mvpn) {
    let r = &m.route;
    let _ = write!(
        out,
        "{{ \"code\": {}, \"parsed\": {}, \"raw\": \"{}\"",
        r.route_type(),
        r.name().is_some(),
        hex_upper(&m.route_bytes())
    );
    if let Some(id) = m.path_id {
        let _ = write!(out, ", \"path-information\": \"{}\"", Ipv4Addr::from(id));
    }
    if let Some(name) = r.name() {
        let _ = write!(out, ", \"name\": \"{name}\"");
    }
    match r {
        MvpnRoute::SourceActiveAd { rd, source, group } => {
            let _ = write!(
                out,
                ", \"rd\": \"{rd}\", \"source\": \"{source}\", \"group\": \"{group}\""
            );
        }
        MvpnRoute::SharedTreeJoin {
            rd,
            source_as,
            rp: source,
            group,
        }
        | MvpnRoute::SourceTreeJoin {
            rd,
            source_as,
            source,
            group,
        } => {
            let _ = write!(
                out,
                ", \"rd\": \"{rd}\", \"source-as\": \"{source_as}\", \"source\": \"{source}\", \"group\": \"{group}\""
            );
        }
        MvpnRoute::Other { .. } => {}
    }
    out.push_str(" }");
}
