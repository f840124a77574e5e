//! ExaBGP 5 JSON for BGP messages.
//!
//! Layout (one object per line):
//! `{ "exabgp": "5.0.0", "time": …, "host" : …, "pid" : …, "ppid" : …, "counter": …, "type": …,
//!   "neighbor": { "address": { "local": …, "peer": … }, "asn": { "local": …, "peer": … },
//!   "router-id": … , "direction": …, <payload> } }`
//! where the payload is `"message": { "update": {…} }` / `"message": { "eor": {…} }` for
//! UPDATEs, `"open": {…}`, `"notification": {…}`, `"route-refresh": {…}`, or nothing for a
//! KEEPALIVE.
//!
//! Where herald's JSON differs from ExaBGP 5.0.15 on purpose (ExaBGP is wrong there):
//! - Graceful restart flags: the restart bit is reported in `restart-flags` and the per-family
//!   forwarding bit in `address-family-flags`; ExaBGP swaps them. The RFC 8538 N bit, unknown
//!   to ExaBGP, is reported too (`"notification"` in `restart-flags`).
//! - Capabilities ExaBGP does not decode are named: Long-Lived Graceful Restart (71, `llgr`)
//!   and BGP Role (9, `role`); ExaBGP prints them as `"name": "unknown"` with the raw value.
//! - Routes with an IPv6 global + link-local next hop are listed once, under the global next hop;
//!   ExaBGP lists each route under both.
//! - `origin:ASN:N` route origins print N as a number (ExaBGP prints it as a dotted quad).
//! - Attributes ExaBGP does not know (OTC) or drops unless configured (AIGP) are named (`otc`,
//!   `aigp`); unknown attributes keep ExaBGP's `attribute-0xTT-0xFF` form.
//! - NLRI of families herald does not type yet are given as `{ "raw": "0x…" }` (RTC,
//!   VPLS, …; and flowspec NLRI with a component type herald does not know, or out of order,
//!   which ExaBGP drops without a word).
//! - Routes with a 48-octet VPN next hop (RD + global, RD + link-local; RFC 4659) are listed
//!   under the global address; ExaBGP 5.0.15 cannot decode that next hop.
//! - Labeled unicast, VPN, flowspec and EVPN with ADD-PATH carry `"path-information"` (ExaBGP
//!   does not decode ADD-PATH for flowspec at all, and does not show it for EVPN).
//! - A label stack ends at the bottom-of-stack bit (RFC 8277 §2.2). ExaBGP 5.0.15 also stops
//!   once the bits left fit a prefix, so it misreads an IPv6 route with two labels (one
//!   label and a /72 prefix); herald reads both labels.
//! - Flowspec values out of their field's range (a packet length above 65535, …) are shown;
//!   ExaBGP drops the whole NLRI silently.
//!
//! Typed families in ExaBGP's shape: labeled unicast `{ "nlri": "10.0.0.0/24",
//! "label": [ [100], [101] ] }` (label values without TC/bottom-of-stack bits; a withdrawal's
//! 0x800000 Compatibility field is `[524288]`), MPLS VPN `{ "nlri": …, "label": …,
//! "rd": "65000:1" }` under the next hop's address, flowspec as described in `flow.rs`, EVPN
//! (family `"l2vpn evpn"`) as described in `evpn.rs`, MUP (`"ipv4 mup"`, `"ipv6 mup"`) and the
//! `"bgp-prefix-sid"` attribute as described in `mup.rs`, BGP-LS NLRI and the BGP-LS Attribute
//! as described in `bgpls.rs` and `bgpls_attr.rs`.
//! - BGP-LS-VPN routes are listed under their family, `"bgp-ls bgp-ls-vpn"`; ExaBGP 5.0.15
//!   lists them under `"bgp-ls bgp-ls"` (its End-of-RIB names the family right).
//! - RFC 7606 errors found while decoding are listed under `"malformed"` in the update.

mod attributes;
pub(crate) mod bgpls;
pub(crate) mod bgpls_attr;
mod evpn;
pub(crate) mod extended;
pub(crate) mod flow;
pub(crate) mod mup;
mod mvpn;
mod open;

use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr};

use herald_wire::attr::NextHop;
use herald_wire::{Context, Family, Message, NlriList, Notification, Prefix, RouteRefresh, Update};

pub use attributes::write_attributes;
pub use flow::flow_string;

/// The JSON format version ExaBGP 5 writes in every message.
pub const JSON_VERSION: &str = "5.0.0";

/// Which way the message went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Received from the peer (`"receive"`).
    Receive,
    /// Sent to the peer (`"send"`).
    Send,
    /// Decoded offline (`"in"`, as `exabgp decode` prints).
    Decode,
}

impl Direction {
    fn name(self) -> &'static str {
        match self {
            Direction::Receive => "receive",
            Direction::Send => "send",
            Direction::Decode => "in",
        }
    }
}

/// The peer a message belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// Local address of the session.
    pub local_address: IpAddr,
    /// Peer address.
    pub peer_address: IpAddr,
    /// Local AS.
    pub local_as: u32,
    /// Peer AS.
    pub peer_as: u32,
    /// Local router id.
    pub router_id: Ipv4Addr,
}

impl Default for Peer {
    /// The placeholders `exabgp decode` uses when it has no configuration.
    fn default() -> Self {
        let lo = IpAddr::V4(Ipv4Addr::LOCALHOST);
        Peer {
            local_address: lo,
            peer_address: lo,
            local_as: 65533,
            peer_as: 65533,
            router_id: Ipv4Addr::new(10, 0, 0, 2),
        }
    }
}

/// The envelope fields of one message.
#[derive(Clone, Debug)]
pub struct Envelope<'a> {
    /// Seconds since the epoch.
    pub time: f64,
    /// Host name.
    pub host: &'a str,
    /// Process id.
    pub pid: u32,
    /// Parent process id.
    pub ppid: u32,
    /// Per-neighbor message counter.
    pub counter: u64,
    /// The peer.
    pub peer: &'a Peer,
    /// Direction.
    pub direction: Direction,
    /// ExaBGP's `api.compact`: a unicast or multicast prefix without a path id is written as a
    /// bare string (`"10.0.0.0/24"`) instead of `{ "nlri": "10.0.0.0/24" }`.
    pub compact: bool,
}

fn head(out: &mut String, env: &Envelope<'_>, kind: &str) {
    head_without_direction(out, env, kind);
    let _ = write!(out, " , \"direction\": \"{}\"", env.direction.name());
}

fn head_without_direction(out: &mut String, env: &Envelope<'_>, kind: &str) {
    let p = env.peer;
    let _ = write!(
        out,
        "{{ \"exabgp\": \"{JSON_VERSION}\", \"time\": {}, \"host\" : \"{}\", \"pid\" : {}, \"ppid\" : {}, \"counter\": {}, \"type\": \"{kind}\", \"neighbor\": {{ \"address\": {{ \"local\": \"{}\", \"peer\": \"{}\" }}, \"asn\": {{ \"local\": {}, \"peer\": {} }}, \"router-id\": \"{}\"",
        fmt_time(env.time),
        escape(env.host),
        env.pid,
        env.ppid,
        env.counter,
        p.local_address,
        p.peer_address,
        p.local_as,
        p.peer_as,
        p.router_id,
    );
}

fn fmt_time(t: f64) -> String {
    if t.fract() == 0.0 {
        format!("{t:.1}")
    } else {
        format!("{t}")
    }
}

/// Escape a string for a JSON string literal.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    std::borrow::Cow::Owned(o)
}

/// Write one message as a JSON line (without the newline) to `out`.
pub fn write_message(out: &mut String, env: &Envelope<'_>, msg: &Message, ctx: &Context) {
    match msg {
        Message::Update(u) => {
            head(out, env, "update");
            out.push_str(", \"message\": ");
            write_update_with(out, u, ctx, env.compact);
            out.push_str(" } }");
        }
        Message::Open(o) => {
            head(out, env, "open");
            out.push_str(", \"open\": ");
            open::write_open(out, o);
            out.push_str(" } }");
        }
        Message::Notification(n) => {
            head(out, env, "notification");
            out.push_str(", \"notification\": ");
            write_notification(out, n);
            out.push_str("  } }");
        }
        Message::Keepalive => {
            head(out, env, "keepalive");
            out.push_str("  } }");
        }
        Message::RouteRefresh(r) => {
            head(out, env, "refresh");
            out.push_str(", \"route-refresh\": ");
            write_refresh(out, r);
            out.push_str(" } }");
        }
    }
}

/// A neighbor state event: `"state": "connected" | "up" | "down"`, with a reason when down.
pub fn write_state(out: &mut String, env: &Envelope<'_>, state: &str, reason: Option<&str>) {
    head_without_direction(out, env, "state");
    let _ = write!(out, " , \"state\": \"{}\"", escape(state));
    if let Some(r) = reason {
        let _ = write!(out, ", \"reason\": \"{}\"", escape(r));
    }
    out.push_str(" } }");
}

/// `{ "code": 6, "subcode": 2, "data": "0x…", "message": "…" }`.
pub fn write_notification(out: &mut String, n: &Notification) {
    let text = match n.shutdown_message() {
        Some(m) => m.to_string(),
        None => String::from_utf8_lossy(&n.data).into_owned(),
    };
    let _ = write!(
        out,
        "{{ \"code\": {}, \"subcode\": {}, \"data\": \"0x{}\", \"message\": \"{}\" }}",
        n.code,
        n.subcode,
        hex_upper(&n.data),
        escape(&text)
    );
}

fn write_refresh(out: &mut String, r: &RouteRefresh) {
    let _ = write!(
        out,
        "{{ \"afi\": \"{}\", \"safi\": \"{}\", \"subtype\": \"{}\" }}",
        r.family.afi,
        r.family.safi,
        r.subtype.name()
    );
}

pub(crate) fn hex_upper(b: &[u8]) -> String {
    hex(b, true)
}

pub(crate) fn hex_lower(b: &[u8]) -> String {
    hex(b, false)
}

fn hex(b: &[u8], upper: bool) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = if upper {
            write!(s, "{x:02X}")
        } else {
            write!(s, "{x:02x}")
        };
    }
    s
}

fn path_id(id: u32) -> Ipv4Addr {
    Ipv4Addr::from(id)
}

fn write_prefixes(out: &mut String, prefixes: &[Prefix], compact: bool) {
    out.push('[');
    for (i, p) in prefixes.iter().enumerate() {
        out.push_str(if i == 0 { " " } else { ", " });
        if compact && p.path_id.is_none() {
            let _ = write!(out, "\"{}\"", p.net);
            continue;
        }
        let _ = write!(out, "{{ \"nlri\": \"{}\"", p.net);
        if let Some(id) = p.path_id {
            let _ = write!(out, ", \"path-information\": \"{}\"", path_id(id));
        }
        out.push_str(" }");
    }
    out.push_str(" ]");
}

fn write_labels(out: &mut String, labels: impl Iterator<Item = herald_wire::nlri::Label>) {
    out.push_str(", \"label\": [ ");
    for (i, l) in labels.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "[{}]", l.value());
    }
    out.push_str(" ]");
}

/// The NLRI of one family as a JSON array; `nh`: the next hop of an announcement (flowspec
/// shows it in each entry).
fn write_nlri_list(
    out: &mut String,
    family: Family,
    nlri: &NlriList,
    nh: Option<&NextHop>,
    compact: bool,
) {
    fn list<T>(out: &mut String, v: &[T], mut one: impl FnMut(&mut String, &T)) {
        out.push('[');
        for (i, x) in v.iter().enumerate() {
            out.push_str(if i == 0 { " " } else { ", " });
            one(out, x);
        }
        out.push_str(" ]");
    }
    match nlri {
        NlriList::Prefixes(p) => write_prefixes(out, p, compact),
        NlriList::Labeled(v) => list(out, v, |out, p| {
            let _ = write!(out, "{{ \"nlri\": \"{}\"", p.net);
            if let Some(id) = p.path_id {
                let _ = write!(out, ", \"path-information\": \"{}\"", path_id(id));
            }
            write_labels(out, p.labels.iter());
            out.push_str(" }");
        }),
        NlriList::Vpn(v) => list(out, v, |out, p| {
            let _ = write!(out, "{{ \"nlri\": \"{}\"", p.net);
            if let Some(id) = p.path_id {
                let _ = write!(out, ", \"path-information\": \"{}\"", path_id(id));
            }
            write_labels(out, p.labels.iter());
            let _ = write!(out, ", \"rd\": \"{}\" }}", p.rd);
        }),
        NlriList::Flow(v) => list(out, v, |out, f| {
            flow::write_flow(out, f, family.afi == herald_wire::Afi::IPV6, nh);
        }),
        NlriList::Evpn(v) => list(out, v, evpn::write_evpn),
        NlriList::Mvpn(v) => list(out, v, mvpn::write_mvpn),
        NlriList::Mup(v) => list(out, v, mup::write_mup),
        // ExaBGP's layout: the RD, then the VE ID ("endpoint"), label base, offset and size.
        NlriList::Vpls(v) => list(out, v, |out, p| {
            let _ = write!(
                out,
                "{{ \"rd\": \"{}\", \"endpoint\": {}, \"base\": {}, \"offset\": {}, \"size\": {} }}",
                p.rd,
                p.endpoint,
                p.base(),
                p.offset,
                p.size
            );
        }),
        // ExaBGP's layout; the default route (length 0) has no route target.
        NlriList::Rtc(v) => list(out, v, |out, r| {
            if r.len == 0 {
                out.push_str("{ \"origin\": 0, \"route-target\": null }");
            } else {
                let rt = extended::ext_community_string(&herald_wire::attr::ExtCommunity(r.rt));
                let _ = write!(
                    out,
                    "{{ \"origin\": {}, \"route-target\": \"{}\" }}",
                    r.origin,
                    escape(&rt)
                );
            }
        }),
        NlriList::BgpLs(v) => list(out, v, |out, n| {
            bgpls::write_bgpls(out, n, nh.and_then(NextHop::ip));
        }),
        NlriList::Raw(r) => {
            let _ = write!(out, "[ {{ \"raw\": \"0x{}\" }} ]", hex_upper(r));
        }
    }
}

fn next_hop_key(nh: &NextHop) -> String {
    match nh.ip() {
        Some(ip) => ip.to_string(),
        None if matches!(nh, NextHop::Raw(r) if r.is_empty()) => "no-nexthop".to_string(),
        None => match nh {
            NextHop::Raw(r) => format!("0x{}", hex_upper(r)),
            _ => "no-nexthop".to_string(),
        },
    }
}

/// Write the `"message"` value of an UPDATE: `{ "update": { … } }` or `{ "eor": { … } }`.
pub fn write_update(out: &mut String, u: &Update, ctx: &Context) {
    write_update_with(out, u, ctx, false);
}

/// [`write_update`], with ExaBGP's `api.compact` form of unicast prefixes when `compact`.
pub fn write_update_with(out: &mut String, u: &Update, ctx: &Context, compact: bool) {
    if let Some(f) = u.end_of_rib() {
        let _ = write!(
            out,
            "{{ \"eor\": {{ \"afi\" : \"{}\", \"safi\" : \"{}\" }} }}",
            f.afi, f.safi
        );
        return;
    }
    out.push_str("{ \"update\": { ");
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !first {
            out.push_str(", ");
        }
        first = false;
    };
    let has_announce = !u.nlri.is_empty() || u.mp_reach().is_some_and(|m| !m.nlri.is_empty());
    // ExaBGP prints the attributes of a withdrawal too when it carries any besides the MP ones.
    let has_attributes = u.attributes.iter().any(|a| {
        !matches!(
            a.value,
            herald_wire::AttrValue::MpReach(_) | herald_wire::AttrValue::MpUnreach(_)
        )
    });
    if has_announce || has_attributes || !u.errors.is_empty() {
        sep(out);
        out.push_str("\"attribute\": ");
        write_attributes(out, u, ctx);
    }
    if has_announce {
        sep(out);
        out.push_str("\"announce\": { ");
        let mut fam_first = true;
        if !u.nlri.is_empty() {
            let nh = match u.get(herald_wire::iana::attr_type::NEXT_HOP) {
                Some(herald_wire::AttrValue::NextHop(a)) => a.to_string(),
                _ => "null".to_string(),
            };
            let _ = write!(out, "\"{}\": {{ \"{}\": ", Family::IPV4_UNICAST, nh);
            write_prefixes(out, &u.nlri, compact);
            out.push_str(" }");
            fam_first = false;
        }
        if let Some(m) = u.mp_reach().filter(|m| !m.nlri.is_empty()) {
            if !fam_first {
                out.push_str(", ");
            }
            let _ = write!(
                out,
                "\"{}\": {{ \"{}\": ",
                m.family,
                next_hop_key(&m.next_hop)
            );
            write_nlri_list(out, m.family, &m.nlri, Some(&m.next_hop), compact);
            out.push_str(" }");
        }
        out.push_str(" }");
    }
    let unreach = u.mp_unreach().filter(|m| !m.nlri.is_empty());
    if !u.withdrawn.is_empty() || unreach.is_some() {
        sep(out);
        out.push_str("\"withdraw\": { ");
        if !u.withdrawn.is_empty() {
            let _ = write!(out, "\"{}\": ", Family::IPV4_UNICAST);
            write_prefixes(out, &u.withdrawn, compact);
            if unreach.is_some() {
                out.push_str(", ");
            }
        }
        if let Some(m) = unreach {
            let _ = write!(out, "\"{}\": ", m.family);
            write_nlri_list(out, m.family, &m.nlri, None, compact);
        }
        out.push_str(" }");
    }
    if !u.errors.is_empty() {
        sep(out);
        out.push_str("\"malformed\": [ ");
        for (i, e) in u.errors.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let n = e.error.notification();
            let action = match e.action {
                herald_wire::Action::AttributeDiscard => "attribute-discard",
                herald_wire::Action::TreatAsWithdraw => "treat-as-withdraw",
                herald_wire::Action::AfiSafiDisable => "afi-safi-disable",
                herald_wire::Action::SessionReset => "session-reset",
            };
            let _ = write!(
                out,
                "{{ \"attribute\": {}, \"action\": \"{action}\", \"code\": {}, \"subcode\": {}, \"reason\": \"{}\" }}",
                e.type_code,
                n.code,
                n.subcode,
                escape(&e.error.to_string())
            );
        }
        out.push_str(" ]");
    }
    out.push_str(" } }");
}

#[cfg(test)]
mod tests;

/// ExaBGP's name of a message type, as its raw-packet events use it in `"type"`.
pub fn message_type_name(category: u8) -> &'static str {
    match category {
        1 => "open",
        2 => "update",
        3 => "notification",
        4 => "keepalive",
        5 => "route-refresh",
        6 => "operational",
        _ => "unknown",
    }
}

/// A raw packet (`api { receive { packets; } }` / `send { packets; }`): `"message":
/// { "category": N, "header": "0x…", "body": "0x…" }`, as ExaBGP 5 writes it.
pub fn write_packet(
    out: &mut String,
    env: &Envelope<'_>,
    category: u8,
    header: &[u8],
    body: &[u8],
) {
    head(out, env, message_type_name(category));
    let _ = write!(
        out,
        ", \"message\": {{ \"category\": {category}, \"header\": \"0x"
    );
    out.push_str(&hex_upper(header));
    out.push_str("\", \"body\": \"0x");
    out.push_str(&hex_upper(body));
    out.push_str("\" }  } }");
}

/// ExaBGP's `consolidate`: a parsed message (a line [`write_message`] wrote) that also carries
/// the message's octets, as `"header": "0x…", "body": "0x…"` before `"neighbor"`.
pub fn consolidate(line: &mut String, header: &[u8], body: &[u8]) {
    let mut hb = String::with_capacity(32 + 2 * (header.len() + body.len()));
    if !header.is_empty() {
        let _ = write!(hb, "\"header\": \"0x{}\", ", hex_upper(header));
    }
    if !body.is_empty() {
        let _ = write!(hb, "\"body\": \"0x{}\", ", hex_upper(body));
    }
    if let Some(i) = line.find("\"neighbor\": ") {
        line.insert_str(i, &hb);
    }
}

/// The last event a process gets when herald stops:
/// `{ "exabgp": "5.0.0", "time": …, "host" : …, "pid" : …, "ppid" : …, "type": "notification",
/// "notification": "shutdown" }`.
pub fn write_shutdown(out: &mut String, time: f64, host: &str, pid: u32, ppid: u32) {
    let _ = write!(
        out,
        "{{ \"exabgp\": \"{JSON_VERSION}\", \"time\": {}, \"host\" : \"{}\", \"pid\" : {pid}, \"ppid\" : {ppid}, \"type\": \"notification\", \"notification\": \"shutdown\" }}",
        fmt_time(time),
        escape(host),
    );
}
