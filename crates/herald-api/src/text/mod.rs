//! ExaBGP 5's text encoder (`encoder text;` in a `process` block): the events a helper
//! program reads on its stdin as lines of text instead of JSON.
//!
//! Each writer appends what ExaBGP 5.0.15's encoder (`reactor/api/response/text.py`) returns
//! for the event: one or more lines, each ending in `\n`. ExaBGP then writes that string and
//! one more `\n`, as it does after a JSON object, so on the pipe every text event is followed
//! by an empty line; the daemon does the same (it appends `\n` to whatever a writer made, in
//! either encoding), and the bytes match ExaBGP's.
//!
//! ```text
//! neighbor 127.0.0.1 connected
//! neighbor 127.0.0.1 up
//! neighbor 127.0.0.1 down - closing connection
//! neighbor 127.0.0.1 receive open version 4 asn 65001 hold_time 30 router_id 1.1.1.1 capabilities [multiprotocol(ipv4 unicast,ipv6 unicast), route refresh, asn4(65001)]
//! neighbor 127.0.0.1 receive keepalive
//! neighbor 127.0.0.1 receive update start
//! neighbor 127.0.0.1 receive update announced 100.10.0.0/24 next-hop 192.0.2.1 origin igp as-path ( 65001 65010 ) med 100 community [ 65000:1 65000:2 ]
//! neighbor 127.0.0.1 receive update withdrawn 100.10.0.0/24
//! neighbor 127.0.0.1 receive update route eor 1/1 (ipv4 unicast)
//! neighbor 127.0.0.1 receive update end
//! neighbor 127.0.0.1 receive route-refresh afi ipv4 safi unicast query
//! neighbor 127.0.0.1 receive notification code 6 subcode 2 data 0x…
//! shutdown 4835 4833
//! ```
//! An UPDATE is a `start` line, one line per route (announced routes carry the next hop and
//! the path attributes in the configuration's syntax), and an `end` line.
//!
//! Where herald's text differs from ExaBGP 5.0.15 on purpose:
//! - Routes with an IPv6 global + link-local next hop are listed once, under the global next
//!   hop; ExaBGP lists each route twice, once under each address (as in `herald_api::json`).
//! - Extended communities of a type ExaBGP names are written as it writes them, except route
//!   origins, whose parts ExaBGP swaps (`origin:1:0.0.0.2` for 1:2, `origin:5:1.2.3.4` for
//!   1.2.3.4:5): herald writes `origin:1:2` and `origin:1.2.3.4:5`. Other types are
//!   `0x` and 16 hex digits, as in ExaBGP.
//! - Unknown optional transitive attributes are written as ExaBGP does
//!   (`attribute [ 0xTT 0xFF 0x… ]`, the Partial bit set); unknown optional non-transitive
//!   ones, which ExaBGP drops, are written the same way. AIGP is always written (`aigp 0x…`);
//!   ExaBGP drops it unless the neighbor enables it.
//! - An AS4_PATH without AS_PATH is written `attribute [ 0x11 0xC0 ( … ) ]` and AS4_AGGREGATOR
//!   without AGGREGATOR as `aggregator`, as ExaBGP does; Prefix-SID and other attributes
//!   herald keeps raw are written raw.
//! - NLRI of families herald does not type are written `<afi> <safi> 0x<hex>`.
//! - RTC routes (RFC 4684) are written in herald's configuration syntax: `rtc origin 65000
//!   route-target target:65000:1`, `/BITS` after a partial route target, `rtc default`.
//! - BGP-LS NLRI are written `bgp-ls { … }` with the object `herald_api::json` gives them,
//!   then `next-hop`, and the BGP-LS Attribute ` bgp-ls { … }` likewise; ExaBGP 5.0.15 writes
//!   only `afi bgp-ls safi bgp-ls` for each NLRI and the attribute's TLVs as Python reprs.
//! - EVPN routes are written in herald's configuration syntax, `evpn mac-ip rd 65000:1 esi -
//!   etag 100 mac 00:11:22:33:44:55 ip 10.0.0.1 vni 1000` (then `path-information`, `next-hop`
//!   and the attributes); ExaBGP 5.0.15 writes only `afi l2vpn safi evpn` for each.
//! - RFC 7606 errors are written ` error treat-as-withdraw due to <attribute>` and
//!   ` error discard due to <attribute>` after the attributes, as ExaBGP does for the errors it
//!   detects; herald may detect more.

mod attributes;
mod open;

use std::fmt::Write;

use herald_wire::attr::NextHop;
use herald_wire::{Context, Family, Message, NlriList, Notification, Prefix, RouteRefresh, Update};

use crate::json::{Direction, Peer};

pub use attributes::write_attributes;

fn direction(d: Direction) -> &'static str {
    match d {
        Direction::Receive => "receive",
        Direction::Send => "send",
        Direction::Decode => "in",
    }
}

/// ExaBGP's `oneline`: text a peer supplied, kept on one line — every character Python does
/// not call printable (and DEL) becomes `\xNN`.
pub fn oneline(text: &str) -> std::borrow::Cow<'_, str> {
    let printable = |c: char| c == ' ' || !(c.is_control() || c.is_whitespace());
    if text.chars().all(printable) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut s = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if printable(c) {
            s.push(c);
        } else {
            let _ = write!(s, "\\x{:02x}", c as u32);
        }
    }
    std::borrow::Cow::Owned(s)
}

/// `0x` and the octets in upper-case hex (ExaBGP's `hexstring`).
fn hex_upper(out: &mut String, b: &[u8]) {
    out.push_str("0x");
    for x in b {
        let _ = write!(out, "{x:02X}");
    }
}

/// A neighbor state event: `neighbor IP connected`, `neighbor IP up`,
/// `neighbor IP down - REASON` (the reason empty when there is none).
pub fn write_state(out: &mut String, peer: &Peer, state: &str, reason: Option<&str>) {
    if state == "down" {
        let _ = writeln!(
            out,
            "neighbor {} down - {}",
            peer.peer_address,
            oneline(reason.unwrap_or(""))
        );
    } else {
        let _ = writeln!(out, "neighbor {} {}", peer.peer_address, oneline(state));
    }
}

/// The last event a process gets when herald stops: `shutdown PID PPID`.
pub fn write_shutdown(out: &mut String, pid: u32, ppid: u32) {
    let _ = writeln!(out, "shutdown {pid} {ppid}");
}

/// A raw packet (`packets` in a `send`/`receive` block):
/// `neighbor IP receive CATEGORY header 0x… body 0x…` (`body` left out when empty).
pub fn write_packet(
    out: &mut String,
    peer: &Peer,
    dir: Direction,
    category: u8,
    header: &[u8],
    body: &[u8],
) {
    let _ = write!(
        out,
        "neighbor {} {} {category}",
        peer.peer_address,
        direction(dir)
    );
    if !header.is_empty() {
        out.push_str(" header ");
        hex_upper(out, header);
    }
    if !body.is_empty() {
        out.push_str(" body ");
        hex_upper(out, body);
    }
    out.push('\n');
}

/// ExaBGP's `consolidate` for the text encoder: the octets of the message whose lines
/// [`write_message`] wrote to `out`, as ` header 0x… body 0x…`: a line of its own before an
/// UPDATE's `… update end`, else at the end of the message's one line.
pub fn consolidate(out: &mut String, header: &[u8], body: &[u8]) {
    let mut hb = String::new();
    if !header.is_empty() {
        let _ = write!(hb, " header 0x{}", crate::json::hex_upper(header));
    }
    if !body.is_empty() {
        let _ = write!(hb, " body 0x{}", crate::json::hex_upper(body));
    }
    if hb.is_empty() {
        return;
    }
    let trimmed = out.trim_end_matches('\n');
    let last_line = trimmed.rfind('\n').map_or(0, |i| i + 1);
    if trimmed.ends_with(" update end") {
        hb.push('\n');
        out.insert_str(last_line, &hb);
    } else {
        out.insert_str(trimmed.len(), &hb);
    }
}

/// An RTC route in herald's configuration syntax: `rtc default`, or the origin and the route
/// target, with `/BITS` when the NLRI keeps only part of it (RFC 4684 §4).
pub fn rtc_words(r: &herald_wire::nlri::Rtc) -> String {
    if r.len == 0 {
        return "rtc default".into();
    }
    let rt = crate::json::extended::ext_community_string(&herald_wire::attr::ExtCommunity(r.rt));
    let mut o = format!("rtc origin {} route-target {rt}", r.origin);
    if r.len < 96 {
        let _ = write!(o, "/{}", r.len.saturating_sub(32));
    }
    o
}

/// One message: an UPDATE (its routes, or an End-of-RIB), OPEN, NOTIFICATION, KEEPALIVE or
/// ROUTE-REFRESH.
pub fn write_message(out: &mut String, peer: &Peer, dir: Direction, msg: &Message, ctx: &Context) {
    let p = peer.peer_address;
    let d = direction(dir);
    match msg {
        Message::Update(u) => {
            let prefix = format!("neighbor {p} {d} update");
            write_update(out, &prefix, u, ctx);
        }
        Message::Open(o) => {
            let _ = write!(out, "neighbor {p} {d} open ");
            open::write_open(out, o);
            out.push('\n');
        }
        Message::Notification(n) => {
            let _ = write!(
                out,
                "neighbor {p} {d} notification code {} subcode {} data ",
                n.code, n.subcode
            );
            hex_upper(out, &notification_data(n));
            out.push('\n');
        }
        Message::Keepalive => {
            let _ = writeln!(out, "neighbor {p} {d} keepalive");
        }
        Message::RouteRefresh(r) => {
            let _ = write!(out, "neighbor {p} {d} route-refresh ");
            write_refresh(out, r);
            out.push('\n');
        }
    }
}

fn write_refresh(out: &mut String, r: &RouteRefresh) {
    let subtype = match r.subtype.to_u8() {
        0 => "query",
        1 => "begin",
        2 => "end",
        _ => "invalid",
    };
    let _ = write!(out, "afi {} safi {} {subtype}", r.family.afi, r.family.safi);
}

/// The data ExaBGP shows for a NOTIFICATION: the octets as received, except for an
/// Administrative Shutdown or Reset (Cease 2 and 4), whose RFC 8203 communication it replaces
/// with a description (`Shutdown Communication: "…"`, or why it is not one).
pub fn notification_data(n: &Notification) -> std::borrow::Cow<'_, [u8]> {
    use std::borrow::Cow;
    if n.code != 6 || !(n.subcode == 2 || n.subcode == 4) {
        return Cow::Borrowed(&n.data);
    }
    let Some((&len, rest)) = n.data.split_first() else {
        return Cow::Borrowed(&[]);
    };
    let len = usize::from(len);
    let hex = |b: &[u8]| {
        let mut s = String::new();
        hex_upper(&mut s, b);
        s
    };
    let text = if len == 0 {
        "empty Shutdown Communication.".to_string()
    } else if rest.len() < len {
        format!(
            "invalid Shutdown Communication (buffer underrun) length : {len} [{}]",
            hex(rest)
        )
    } else if len > 128 {
        format!(
            "invalid Shutdown Communication (too large) length : {len} [{}]",
            hex(rest)
        )
    } else {
        let (msg, trailer) = rest.split_at(len);
        match std::str::from_utf8(msg) {
            Ok(m) => {
                let mut s = format!(
                    "Shutdown Communication: \"{}\"",
                    m.replace(['\r', '\n'], " ")
                );
                if !trailer.is_empty() {
                    let _ = write!(s, ", trailing data: {}", hex(trailer));
                }
                s
            }
            Err(_) => format!(
                "invalid Shutdown Communication (invalid UTF-8) length : {len} [{}]",
                hex(rest)
            ),
        }
    };
    Cow::Owned(text.into_bytes())
}

/// An UPDATE: `PREFIX start`, a line per route, `PREFIX end` (`prefix`:
/// `neighbor IP receive update`).
fn write_update(out: &mut String, prefix: &str, u: &Update, ctx: &Context) {
    let _ = writeln!(out, "{prefix} start");
    if let Some(f) = u.end_of_rib() {
        let _ = writeln!(
            out,
            "{prefix} route eor {}/{} ({} {})",
            f.afi.0, f.safi.0, f.afi, f.safi
        );
    } else {
        let mut attrs = String::new();
        write_attributes(&mut attrs, u, ctx);
        for p in &u.withdrawn {
            let _ = write!(out, "{prefix} withdrawn ");
            write_prefix(out, p);
            out.push('\n');
        }
        let nh = match u.get(herald_wire::iana::attr_type::NEXT_HOP) {
            Some(herald_wire::AttrValue::NextHop(a)) => Some(*a),
            _ => None,
        };
        for p in &u.nlri {
            let _ = write!(out, "{prefix} announced ");
            write_prefix(out, p);
            if let Some(nh) = nh {
                let _ = write!(out, " next-hop {nh}");
            }
            out.push_str(&attrs);
            out.push('\n');
        }
        if let Some(m) = u.mp_unreach() {
            write_nlri(out, prefix, "withdrawn", m.family, &m.nlri, None, "");
        }
        if let Some(m) = u.mp_reach() {
            write_nlri(
                out,
                prefix,
                "announced",
                m.family,
                &m.nlri,
                Some(&m.next_hop),
                &attrs,
            );
        }
    }
    let _ = writeln!(out, "{prefix} end");
}

fn write_path_id(out: &mut String, id: Option<u32>) {
    if let Some(id) = id {
        let _ = write!(out, " path-information {}", std::net::Ipv4Addr::from(id));
    }
}

fn write_prefix(out: &mut String, p: &Prefix) {
    let _ = write!(out, "{}", p.net);
    write_path_id(out, p.path_id);
}

fn write_labels(out: &mut String, labels: &herald_wire::nlri::LabelStack) {
    if labels.len() == 1 {
        for l in labels.iter() {
            let _ = write!(out, " label {}", l.value());
        }
        return;
    }
    out.push_str(" label [");
    for l in labels.iter() {
        let _ = write!(out, " {}", l.value());
    }
    out.push_str(" ]");
}

fn write_next_hop(out: &mut String, nh: Option<&NextHop>) {
    match nh {
        None => {}
        Some(n) => match n.ip() {
            Some(ip) => {
                let _ = write!(out, " next-hop {ip}");
            }
            None => match n {
                NextHop::Raw(r) if !r.is_empty() => {
                    out.push_str(" next-hop ");
                    hex_upper(out, r);
                }
                _ => {}
            },
        },
    }
}

/// One line per NLRI of an MP_REACH (`verb` `announced`, with `attrs`) or MP_UNREACH
/// (`withdrawn`).
fn write_nlri(
    out: &mut String,
    prefix: &str,
    verb: &str,
    family: Family,
    nlri: &NlriList,
    nh: Option<&NextHop>,
    attrs: &str,
) {
    let line = |out: &mut String, route: &dyn Fn(&mut String)| {
        let _ = write!(out, "{prefix} {verb} ");
        route(out);
        out.push_str(attrs);
        out.push('\n');
    };
    match nlri {
        NlriList::Prefixes(v) => {
            for p in v {
                line(out, &|o: &mut String| {
                    write_prefix(o, p);
                    write_next_hop(o, nh);
                });
            }
        }
        NlriList::Labeled(v) => {
            for p in v {
                line(out, &|o: &mut String| {
                    let _ = write!(o, "{}", p.net);
                    write_path_id(o, p.path_id);
                    write_labels(o, &p.labels);
                    write_next_hop(o, nh);
                });
            }
        }
        NlriList::Vpn(v) => {
            for p in v {
                line(out, &|o: &mut String| {
                    let _ = write!(o, "{}", p.net);
                    write_path_id(o, p.path_id);
                    write_labels(o, &p.labels);
                    write_next_hop(o, nh);
                    let _ = write!(o, " rd {}", p.rd);
                });
            }
        }
        NlriList::Flow(v) => {
            let v6 = family.afi == herald_wire::Afi::IPV6;
            for f in v {
                line(out, &|o: &mut String| {
                    o.push_str(&crate::json::flow::flow_string(f, v6, nh));
                });
            }
        }
        NlriList::Evpn(v) => {
            for e in v {
                line(out, &|o: &mut String| {
                    let _ = write!(o, "evpn {}", e.route);
                    write_path_id(o, e.path_id);
                    write_next_hop(o, nh);
                });
            }
        }
        // The route in ExaBGP's configuration words: `mcast-vpn source-join source … group …`.
        NlriList::Mvpn(v) => {
            for m in v {
                line(out, &|o: &mut String| {
                    let _ = write!(o, "mcast-vpn {}", m.route);
                    write_path_id(o, m.path_id);
                    write_next_hop(o, nh);
                });
            }
        }
        NlriList::Mup(v) => {
            for m in v {
                line(out, &|o: &mut String| {
                    let _ = write!(o, "mup {}", m.route);
                    write_path_id(o, m.path_id);
                    write_next_hop(o, nh);
                });
            }
        }
        NlriList::Rtc(v) => {
            for r in v {
                line(out, &|o: &mut String| {
                    o.push_str(&rtc_words(r));
                    write_path_id(o, r.path_id);
                    write_next_hop(o, nh);
                });
            }
        }
        // ExaBGP's words: `vpls rd … endpoint … base … offset … size …`.
        NlriList::Vpls(v) => {
            for p in v {
                line(out, &|o: &mut String| {
                    let _ = write!(
                        o,
                        "vpls rd {} endpoint {} base {} offset {} size {}",
                        p.rd,
                        p.endpoint,
                        p.base(),
                        p.offset,
                        p.size
                    );
                    write_path_id(o, p.path_id);
                    write_next_hop(o, nh);
                });
            }
        }
        NlriList::BgpLs(v) => {
            for n in v {
                line(out, &|o: &mut String| {
                    o.push_str("bgp-ls ");
                    crate::json::bgpls::write_bgpls(o, n, nh.and_then(NextHop::ip));
                    write_next_hop(o, nh);
                });
            }
        }
        NlriList::Raw(r) => {
            line(out, &|o: &mut String| {
                let _ = write!(o, "{} {} ", family.afi, family.safi);
                hex_upper(o, r);
                write_next_hop(o, nh);
            });
        }
    }
}

#[cfg(test)]
mod tests;
