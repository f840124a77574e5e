//! Every word the configuration parser knows, in one table: where it is written and what herald
//! does with it.
//!
//! The parser matches words itself (a `match` per block); this table is the list of them.
//! `tests/keywords.rs` reads the parser's source and fails when the parser matches a word that
//! is missing here, or when a word here is no longer matched; and it fails unless every word
//! either has a test showing its effect or is refused at its place in the file. The parser uses
//! the table to suggest the keyword meant when it meets an unknown one.
//!
//! Values are not keywords: `igp` after `origin`, `json` after `encoder`, `true`/`disable`,
//! `auto`, `self`, community names, log levels, the protocol, port, ICMP, TCP flag and
//! fragment names of flow matches, and the tunnel type names of `encap:` are checked where they
//! are read.

/// Where a keyword is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// A block at the top of the file (`process`, `template`, `neighbor`).
    TopLevel,
    /// Inside `template { }`.
    Template,
    /// A setting inside `process NAME { }`.
    Process,
    /// A statement inside `neighbor … { }` or a template's `neighbor NAME { }`.
    Neighbor,
    /// A block inside `neighbor … { }`.
    NeighborBlock,
    /// A statement of `family { }` other than `<afi> <safi>`.
    Family,
    /// The first word of `<afi> <safi>` in the `family`, `add-path`, `nexthop` and
    /// `prefix-limit` blocks, and of the text API's `announce <afi> flow …`.
    Afi,
    /// The second word of `<afi> <safi>`, the first word of a route in
    /// `announce { ipv4 { … } }`, and `flow` / `flow-vpn` in the text API's
    /// `announce <afi> flow …`.
    Safi,
    /// A statement inside `capability { }`.
    Capability,
    /// An option after `<afi> <safi> <maximum>` in `prefix-limit { }`.
    PrefixLimit,
    /// A statement or block inside `api [NAME] { }`.
    Api,
    /// A message kind inside an api block's `send { }` or `receive { }`.
    ApiMessage,
    /// A statement inside `static { }`.
    Static,
    /// A block inside `announce { }`.
    Announce,
    /// A statement inside `l2vpn { }` (a neighbor's, or inside `announce`), and the word after
    /// the text API's `announce l2vpn` / `withdraw l2vpn` (ExaBGP's `announce vpls …` is read
    /// as `announce l2vpn vpls …`).
    L2vpn,
    /// The route type after `evpn` (`mac-ip` in `evpn mac-ip rd … mac …`).
    EvpnRoute,
    /// A field of an EVPN route, after its route type (`esi`, `mac`, `vni`, …). Its `rd`,
    /// `label` and attributes are route attributes ([`Context::Route`]).
    EvpnField,
    /// The route type after `mcast-vpn` (`source-join` in `mcast-vpn source-join source …`).
    MvpnRoute,
    /// A field of an MCAST-VPN route (`rp`, `source`, `group`, `source-as`). Its `rd` and
    /// attributes are route attributes ([`Context::Route`]).
    MvpnField,
    /// A field of a VPLS route (`endpoint`, `base`, `offset`, `size`). Its `rd` and attributes
    /// are route attributes ([`Context::Route`]).
    VplsField,
    /// The route type after `mup` (`mup-isd` in `mup mup-isd 10.0.1.0/24 rd …`), in
    /// `announce { ipv4|ipv6 { … } }` and the text API's `announce ipv4|ipv6 mup …`.
    MupRoute,
    /// A field of a MUP route after its address (`teid`, `qfi`, `endpoint`, `source`). Its
    /// `rd` and attributes are route attributes ([`Context::Route`]).
    MupField,
    /// A field of a route target membership route after `rtc` (`origin`, `route-target`,
    /// `default`), in `announce { ipv4 { … } }` and the text API's `announce ipv4 rtc …`. Its
    /// attributes are route attributes ([`Context::Route`]).
    RtcField,
    /// A route attribute: in `static`, `announce` and the text API's `announce route`.
    Route,
    /// The type of an `extended-community` value (`target` in `target:65000:1`).
    ExtendedCommunity,
    /// A statement inside herald's own `vpn { }` block (the VPN PE role).
    Vpn,
    /// A statement inside a neighbor's `flow { }` block (`route`), and the first word of the
    /// text API's `announce flow …` / `withdraw flow …`.
    FlowBlock,
    /// A statement directly inside a flow route `route [NAME] { }` (`rd`, `next-hop`, the
    /// blocks `match`, `scope`, `then`), and the route attributes a flow route cannot carry.
    /// In the one-line form (`route <keywords>`) the words of every flow context mix.
    FlowRoute,
    /// A match inside a flow route's `match { }` (a component of the flow NLRI).
    FlowMatch,
    /// An action or community inside a flow route's `then { }`.
    FlowThen,
    /// A statement inside a flow route's `scope { }`.
    FlowScope,
    /// An environment setting, `exabgp.<section>.<key>`, written here `section.key`.
    Environment,
}

/// What herald does with a keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Support {
    /// Read and acted on.
    Yes,
    /// Refused with an error starting `unsupported:` at its place in the file. Some are
    /// accepted when their value is what herald does anyway (`capability { aigp disable; }`,
    /// `api { negotiated false; }`, `rate-limit disable;`, an `md5-ip` equal to the
    /// `local-address`).
    Unsupported,
    /// Refused with an error that says what to write instead (ExaBGP renamed or removed it, or
    /// it belongs in another block).
    Refused,
    /// An environment setting herald reads and does not act on: it warns about it at start.
    Warned,
}

/// A keyword and where it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keyword {
    /// Where it is written.
    pub context: Context,
    /// The keyword.
    pub word: &'static str,
    /// Other spellings of the same keyword.
    pub aliases: &'static [&'static str],
    /// What herald does with it.
    pub support: Support,
}

impl Keyword {
    /// The keyword, then its aliases.
    pub fn words(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.word).chain(self.aliases.iter().copied())
    }
}

const fn k(context: Context, word: &'static str, support: Support) -> Keyword {
    Keyword {
        context,
        word,
        aliases: &[],
        support,
    }
}

const fn alias(
    context: Context,
    word: &'static str,
    aliases: &'static [&'static str],
    support: Support,
) -> Keyword {
    Keyword {
        context,
        word,
        aliases,
        support,
    }
}

use Context as C;
use Support::{Refused, Unsupported, Warned, Yes};

/// Every keyword the parser matches (see the module documentation).
pub const KEYWORDS: &[Keyword] = &[
    // The file.
    k(C::TopLevel, "process", Yes),
    k(C::TopLevel, "template", Yes),
    alias(C::TopLevel, "neighbor", &["peer"], Yes),
    k(C::TopLevel, "group", Refused),
    k(C::TopLevel, "vpn", Yes),
    k(C::Vpn, "local-address", Yes),
    k(C::Vpn, "rest", Yes),
    k(C::Vpn, "evpn-dataplane", Yes),
    k(C::Vpn, "ipvpn-dataplane", Yes),
    k(C::Vpn, "vxlan-port", Yes),
    k(C::Vpn, "label-range", Yes),
    k(C::Vpn, "vni-range", Yes),
    k(C::Vpn, "rd-range", Yes),
    k(C::Vpn, "rtc", Yes),
    k(C::Template, "neighbor", Yes),
    // process NAME { }
    k(C::Process, "run", Yes),
    k(C::Process, "encoder", Yes),
    k(C::Process, "respawn", Yes),
    // neighbor … { }
    k(C::Neighbor, "inherit", Yes),
    k(C::Neighbor, "description", Yes),
    k(C::Neighbor, "router-id", Yes),
    k(C::Neighbor, "local-address", Yes),
    k(C::Neighbor, "local-as", Yes),
    k(C::Neighbor, "peer-as", Yes),
    k(C::Neighbor, "hold-time", Yes),
    k(C::Neighbor, "passive", Yes),
    k(C::Neighbor, "listen", Yes),
    k(C::Neighbor, "connect", Yes),
    alias(C::Neighbor, "md5-password", &["md5"], Yes),
    k(C::Neighbor, "md5-base64", Yes),
    k(C::Neighbor, "md5-ip", Unsupported),
    k(C::Neighbor, "outgoing-ttl", Yes),
    k(C::Neighbor, "incoming-ttl", Yes),
    k(C::Neighbor, "ttl-security", Refused),
    k(C::Neighbor, "group-updates", Yes),
    k(C::Neighbor, "auto-flush", Unsupported),
    k(C::Neighbor, "adj-rib-out", Yes),
    k(C::Neighbor, "adj-rib-in", Yes),
    k(C::Neighbor, "manual-eor", Yes),
    k(C::Neighbor, "host-name", Yes),
    k(C::Neighbor, "domain-name", Yes),
    k(C::Neighbor, "rate-limit", Unsupported),
    k(C::Neighbor, "source-interface", Unsupported),
    k(C::Neighbor, "route", Refused),
    k(C::Neighbor, "peer-address", Unsupported),
    k(C::NeighborBlock, "family", Yes),
    k(C::NeighborBlock, "capability", Yes),
    k(C::NeighborBlock, "add-path", Yes),
    k(C::NeighborBlock, "prefix-limit", Yes),
    k(C::NeighborBlock, "nexthop", Yes),
    k(C::NeighborBlock, "api", Yes),
    k(C::NeighborBlock, "static", Yes),
    k(C::NeighborBlock, "announce", Yes),
    k(C::NeighborBlock, "flow", Yes),
    k(C::NeighborBlock, "l2vpn", Yes),
    k(C::NeighborBlock, "operational", Unsupported),
    // family { }, and the families of add-path, nexthop, prefix-limit and announce.
    k(C::Family, "all", Yes),
    k(C::Afi, "ipv4", Yes),
    k(C::Afi, "ipv6", Yes),
    k(C::Afi, "l2vpn", Yes),
    k(C::Afi, "bgp-ls", Yes),
    k(C::Safi, "unicast", Yes),
    k(C::Safi, "multicast", Yes),
    alias(C::Safi, "nlri-mpls", &["labeled-unicast"], Yes),
    k(C::Safi, "mcast-vpn", Yes),
    k(C::Safi, "vpls", Yes),
    k(C::Safi, "evpn", Yes),
    k(C::Safi, "bgp-ls", Yes),
    k(C::Safi, "bgp-ls-vpn", Yes),
    k(C::Safi, "sr-policy", Unsupported),
    k(C::Safi, "mup", Yes),
    k(C::Safi, "mpls-vpn", Yes),
    k(C::Safi, "rtc", Yes),
    k(C::Safi, "flow", Yes),
    k(C::Safi, "flow-vpn", Yes),
    // capability { }
    k(C::Capability, "asn4", Yes),
    alias(C::Capability, "route-refresh", &["refresh"], Yes),
    k(C::Capability, "graceful-restart", Yes),
    k(C::Capability, "add-path", Yes),
    k(C::Capability, "extended-message", Yes),
    k(C::Capability, "multi-session", Unsupported),
    k(C::Capability, "operational", Unsupported),
    k(C::Capability, "aigp", Unsupported),
    k(C::Capability, "nexthop", Yes),
    k(C::Capability, "software-version", Yes),
    // prefix-limit { <afi> <safi> <maximum> … }
    k(C::PrefixLimit, "warning", Yes),
    k(C::PrefixLimit, "restart", Yes),
    // api [NAME] { }
    k(C::Api, "processes", Yes),
    k(C::Api, "processes-match", Yes),
    k(C::Api, "neighbor-changes", Yes),
    k(C::Api, "negotiated", Unsupported),
    k(C::Api, "fsm", Unsupported),
    k(C::Api, "signal", Unsupported),
    k(C::Api, "send", Yes),
    k(C::Api, "receive", Yes),
    k(C::ApiMessage, "parsed", Yes),
    k(C::ApiMessage, "packets", Yes),
    k(C::ApiMessage, "consolidate", Yes),
    k(C::ApiMessage, "open", Yes),
    k(C::ApiMessage, "update", Yes),
    k(C::ApiMessage, "notification", Yes),
    k(C::ApiMessage, "keepalive", Yes),
    k(C::ApiMessage, "refresh", Yes),
    k(C::ApiMessage, "operational", Unsupported),
    // static { } and announce { }
    k(C::Static, "route", Yes),
    k(C::Static, "attributes", Yes),
    k(C::Announce, "ipv4", Yes),
    k(C::Announce, "ipv6", Yes),
    k(C::Announce, "l2vpn", Yes),
    // l2vpn { } (a neighbor's, or in announce), and the text API's `announce l2vpn …`.
    k(C::L2vpn, "evpn", Yes),
    k(C::L2vpn, "vpls", Yes),
    k(C::EvpnRoute, "ethernet-ad", Yes),
    k(C::EvpnRoute, "mac-ip", Yes),
    k(C::EvpnRoute, "multicast", Yes),
    k(C::EvpnRoute, "ethernet-segment", Yes),
    k(C::EvpnRoute, "prefix", Yes),
    k(C::EvpnField, "esi", Yes),
    alias(C::EvpnField, "etag", &["ethernet-tag"], Yes),
    k(C::EvpnField, "mac", Yes),
    k(C::EvpnField, "ip", Yes),
    k(C::EvpnField, "vni", Yes),
    k(C::EvpnField, "label2", Yes),
    k(C::EvpnField, "vni2", Yes),
    k(C::EvpnField, "prefix", Yes),
    k(C::EvpnField, "gateway", Yes),
    k(C::MvpnRoute, "source-ad", Yes),
    k(C::MvpnRoute, "shared-join", Yes),
    k(C::MvpnRoute, "source-join", Yes),
    k(C::MvpnField, "rp", Yes),
    k(C::MvpnField, "source", Yes),
    k(C::MvpnField, "group", Yes),
    k(C::MvpnField, "source-as", Yes),
    k(C::VplsField, "endpoint", Yes),
    k(C::VplsField, "base", Yes),
    k(C::VplsField, "offset", Yes),
    k(C::VplsField, "size", Yes),
    k(C::MupRoute, "mup-isd", Yes),
    k(C::MupRoute, "mup-dsd", Yes),
    k(C::MupRoute, "mup-t1st", Yes),
    k(C::MupRoute, "mup-t2st", Yes),
    k(C::MupField, "teid", Yes),
    k(C::MupField, "qfi", Yes),
    k(C::MupField, "endpoint", Yes),
    k(C::MupField, "source", Yes),
    k(C::RtcField, "origin", Yes),
    k(C::RtcField, "route-target", Yes),
    k(C::RtcField, "default", Yes),
    // Route attributes.
    k(C::Route, "next-hop", Yes),
    k(C::Route, "origin", Yes),
    k(C::Route, "as-path", Yes),
    k(C::Route, "med", Yes),
    k(C::Route, "local-preference", Yes),
    k(C::Route, "community", Yes),
    k(C::Route, "extended-community", Yes),
    k(C::Route, "large-community", Yes),
    k(C::Route, "atomic-aggregate", Yes),
    k(C::Route, "aggregator", Yes),
    k(C::Route, "originator-id", Yes),
    k(C::Route, "cluster-list", Yes),
    k(C::Route, "path-information", Yes),
    k(C::Route, "aigp", Yes),
    k(C::Route, "attribute", Yes),
    k(C::Route, "name", Warned),
    k(C::Route, "watchdog", Yes),
    alias(C::Route, "withdraw", &["withdrawn"], Yes),
    k(C::Route, "split", Yes),
    k(C::Route, "nlri", Yes),
    alias(C::Route, "rd", &["route-distinguisher"], Yes),
    k(C::Route, "label", Yes),
    k(C::Route, "bgp-prefix-sid", Yes),
    k(C::Route, "bgp-prefix-sid-srv6", Yes),
    k(C::ExtendedCommunity, "target", Yes),
    k(C::ExtendedCommunity, "target4", Yes),
    k(C::ExtendedCommunity, "origin", Yes),
    k(C::ExtendedCommunity, "origin4", Yes),
    k(C::ExtendedCommunity, "redirect", Yes),
    k(C::ExtendedCommunity, "bandwidth", Yes),
    // L2VPN: VPLS's Layer2 Info, and EVPN's.
    k(C::ExtendedCommunity, "l2info", Yes),
    alias(C::ExtendedCommunity, "encap", &["encapsulation"], Yes),
    k(C::ExtendedCommunity, "router-mac", Yes),
    k(C::ExtendedCommunity, "mac-mobility", Yes),
    k(C::ExtendedCommunity, "esi-label", Yes),
    // MUP's Direct-Type Segment Identifier (draft-mpmz-bess-mup-safi).
    k(C::ExtendedCommunity, "mup", Yes),
    // The flow specification actions by name (the `then` keywords of a flow route build the
    // same communities).
    k(C::ExtendedCommunity, "redirect-to-nexthop", Yes),
    k(C::ExtendedCommunity, "copy-to-nexthop", Yes),
    k(C::ExtendedCommunity, "rate-limit", Yes),
    k(C::ExtendedCommunity, "mark", Yes),
    k(C::ExtendedCommunity, "action", Yes),
    // Written with their own keyword in a flow route, not as an extended-community value.
    k(C::ExtendedCommunity, "redirect-to-nexthop-ietf", Refused),
    k(C::ExtendedCommunity, "interface-set", Refused),
    k(C::ExtendedCommunity, "flowspec-scope", Refused),
    k(C::ExtendedCommunity, "rt-record", Unsupported),
    k(C::ExtendedCommunity, "chso", Unsupported),
    // flow { route NAME { … } } (and the text API's `announce flow route …`).
    k(C::FlowBlock, "route", Yes),
    alias(C::FlowRoute, "rd", &["route-distinguisher"], Yes),
    k(C::FlowRoute, "next-hop", Yes),
    k(C::FlowRoute, "match", Yes),
    k(C::FlowRoute, "scope", Yes),
    k(C::FlowRoute, "then", Yes),
    // Route attributes ExaBGP does not take in a flow route: refused wherever written in one.
    k(C::FlowRoute, "origin", Refused),
    k(C::FlowRoute, "as-path", Refused),
    k(C::FlowRoute, "med", Refused),
    k(C::FlowRoute, "local-preference", Refused),
    k(C::FlowRoute, "atomic-aggregate", Refused),
    k(C::FlowRoute, "aggregator", Refused),
    k(C::FlowRoute, "originator-id", Refused),
    k(C::FlowRoute, "cluster-list", Refused),
    k(C::FlowRoute, "aigp", Refused),
    k(C::FlowRoute, "attribute", Refused),
    k(C::FlowRoute, "path-information", Refused),
    k(C::FlowRoute, "label", Refused),
    k(C::FlowRoute, "watchdog", Refused),
    k(C::FlowRoute, "split", Refused),
    k(C::FlowRoute, "name", Refused),
    alias(C::FlowMatch, "source", &["source-ipv4", "source-ipv6"], Yes),
    alias(
        C::FlowMatch,
        "destination",
        &["destination-ipv4", "destination-ipv6"],
        Yes,
    ),
    alias(C::FlowMatch, "protocol", &["next-header"], Yes),
    k(C::FlowMatch, "port", Yes),
    k(C::FlowMatch, "destination-port", Yes),
    k(C::FlowMatch, "source-port", Yes),
    k(C::FlowMatch, "icmp-type", Yes),
    k(C::FlowMatch, "icmp-code", Yes),
    k(C::FlowMatch, "tcp-flags", Yes),
    k(C::FlowMatch, "packet-length", Yes),
    k(C::FlowMatch, "dscp", Yes),
    k(C::FlowMatch, "traffic-class", Yes),
    k(C::FlowMatch, "fragment", Yes),
    k(C::FlowMatch, "flow-label", Yes),
    k(C::FlowThen, "accept", Yes),
    k(C::FlowThen, "discard", Yes),
    k(C::FlowThen, "rate-limit", Yes),
    k(C::FlowThen, "redirect", Yes),
    k(C::FlowThen, "redirect-to-nexthop", Yes),
    k(C::FlowThen, "redirect-to-nexthop-ietf", Yes),
    k(C::FlowThen, "copy", Yes),
    k(C::FlowThen, "mark", Yes),
    k(C::FlowThen, "action", Yes),
    k(C::FlowThen, "community", Yes),
    k(C::FlowThen, "large-community", Yes),
    k(C::FlowThen, "extended-community", Yes),
    k(C::FlowScope, "interface-set", Yes),
    // Environment settings (`Env`).
    k(C::Environment, "tcp.port", Yes),
    k(C::Environment, "tcp.bind", Yes),
    k(C::Environment, "tcp.attempts", Yes),
    k(C::Environment, "tcp.once", Yes),
    k(C::Environment, "tcp.delay", Warned),
    k(C::Environment, "tcp.acl", Warned),
    k(C::Environment, "tcp.accept_rate", Yes),
    k(C::Environment, "http.listen", Yes),
    k(C::Environment, "http.token_file", Yes),
    k(C::Environment, "mrt.updates", Yes),
    k(C::Environment, "mrt.updates_interval", Yes),
    k(C::Environment, "mrt.updates_size", Yes),
    k(C::Environment, "mrt.table", Yes),
    k(C::Environment, "mrt.table_interval", Yes),
    k(C::Environment, "bmp.collectors", Yes),
    k(C::Environment, "bmp.statistics_interval", Yes),
    k(C::Environment, "api.ack", Yes),
    k(C::Environment, "api.encoder", Yes),
    k(C::Environment, "api.respawn", Yes),
    k(C::Environment, "api.chunk", Warned),
    k(C::Environment, "api.compact", Yes),
    k(C::Environment, "api.terminate", Yes),
    k(C::Environment, "api.cli", Yes),
    k(C::Environment, "api.pipename", Yes),
    k(C::Environment, "bgp.passive", Yes),
    k(C::Environment, "bgp.openwait", Yes),
    k(C::Environment, "log.level", Yes),
    k(C::Environment, "log.destination", Warned),
    k(C::Environment, "log.packets", Warned),
    k(C::Environment, "log.routes", Warned),
    k(C::Environment, "daemon.pid", Yes),
    k(C::Environment, "daemon.user", Warned),
    k(C::Environment, "daemon.daemonize", Warned),
    k(C::Environment, "daemon.drop", Warned),
];

/// The keyword of `context` spelled `word` (its name or an alias).
pub fn find(context: Context, word: &str) -> Option<&'static Keyword> {
    KEYWORDS
        .iter()
        .find(|kw| kw.context == context && kw.words().any(|w| w == word))
}

/// For an "unknown …" error about `word` in `context`: ` (did you mean 'X'?)` when a keyword
/// herald acts on is a letter or two away, ` (expected a, b or c)` when the context has so few
/// that they can be listed, and nothing otherwise.
pub(crate) fn hint(context: Context, word: &str) -> String {
    let known = || {
        KEYWORDS
            .iter()
            .filter(move |kw| kw.context == context && kw.support == Yes)
            .map(|kw| kw.word)
    };
    // Longer words are no typo of a keyword (and would take long to compare).
    if word.len() <= 40 {
        let close = known()
            .map(|w| (distance(word, w), w))
            .filter(|(d, w)| *d <= 2 && *d * 3 <= w.len())
            .min_by_key(|(d, _)| *d);
        if let Some((_, w)) = close {
            return format!(" (did you mean '{w}'?)");
        }
    }
    let all: Vec<&str> = known().collect();
    match all.as_slice() {
        [] | [_] => String::new(),
        [a, b] => format!(" (expected {a} or {b})"),
        [a, b, c] => format!(" (expected {a}, {b} or {c})"),
        _ => String::new(),
    }
}

/// Levenshtein distance between two words.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let replace = prev
                .get(j)
                .map_or(usize::MAX, |d| d + usize::from(ca != *cb));
            let delete = prev.get(j + 1).map_or(usize::MAX, |d| d + 1);
            let insert = cur.last().map_or(usize::MAX, |d| d + 1);
            cur.push(replace.min(delete).min(insert));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_name_the_keyword_meant_or_list_the_few_there_are() {
        assert_eq!(
            hint(Context::Neighbor, "hold-tme"),
            " (did you mean 'hold-time'?)"
        );
        assert_eq!(
            hint(Context::TopLevel, "nieghbor"),
            " (did you mean 'neighbor'?)"
        );
        assert_eq!(hint(Context::Neighbor, "frobnicate"), "");
        assert_eq!(
            hint(Context::Process, "program"),
            " (expected run, encoder or respawn)"
        );
        // Only keywords herald acts on are suggested.
        assert_eq!(hint(Context::NeighborBlock, "operationl"), "");
        assert_eq!(hint(Context::Neighbor, &"x".repeat(100_000)), "");
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn find_knows_aliases() {
        let kw = find(Context::Capability, "refresh").map(|k| k.word);
        assert_eq!(kw, Some("route-refresh"));
        assert!(find(Context::Capability, "hold-time").is_none());
    }
}
