//! The keyword table (`herald_config::keywords::KEYWORDS`) against the parser and the tests.
//!
//! The rule: nothing accepted and ignored. Every keyword herald accepts has an effect a test
//! shows, or is refused with `unsupported:` (or another error saying what to write) at its
//! file:line:col. This file checks, without running the daemon:
//!
//! 1. The table is complete: it reads the parser's source (every file of
//!    `crates/herald-config/src`, and `Afi`/`Safi::from_name` in herald-wire's `iana.rs`) and
//!    finds each place where a word is compared with string literals: `match` arms (tuple
//!    patterns such as `("tcp", "port")` give `tcp.port`), `x.text == "…"`,
//!    `x.eq_ignore_ascii_case("…")`, `matches!` and `const` lists of words. [`SCRUTINEES`]
//!    says, for each function and compared expression, whether those literals are keywords (and
//!    of which [`Context`], or of which of a few contexts, where one `match` reads the words of
//!    several) or values. Every keyword found must be in `KEYWORDS`, and every word in
//!    `KEYWORDS` must still be found.
//! 2. Every keyword has one answer: [`EFFECTS`] names the tests that show what it does, or
//!    [`UNSUPPORTED`] / [`REFUSED`] give a configuration that uses it, which must fail with an
//!    error (`unsupported:` for the first) at the place marked `@`; keywords accepted with no
//!    test showing their effect are listed in [`NO_EFFECT_TEST_YET`], and the ignored test
//!    `keywords_without_an_effect_test` prints them and fails while any is left.
//!
//! An effect test shows what the keyword changes. For a setting: what herald does differently
//! on the wire, in its events or in its logs; a test that only reads the parsed model back
//! does not count. For words that build the configuration (blocks, families, route attributes
//! and the words that make routes): what they build, since the daemon sends a route's prefix
//! and attributes without knowing which keyword made them (the interop tests check that).
//! An effect test is named `path/from/the/workspace/root.rs::test_function` (the function must
//! be a `#[test]`, not ignored) or, for a script, `path/to/script.sh::text from the script`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use herald_config::keywords::{Context, Keyword, Support, KEYWORDS};
use Context as C;

#[path = "keywords/scan.rs"]
mod scan;

use scan::{scan, Site};

// ---------------------------------------------------------------------------------------------
// What the parser's comparisons are about.

/// What the string literals compared with an expression are.
#[derive(Clone, Copy, Debug)]
enum Class {
    /// Keywords of this context.
    Keywords(Context),
    /// Keywords each of exactly one of these contexts (the one `KEYWORDS` lists it in): a
    /// `match` that reads the words of several, such as the one-line flow route.
    KeywordsOfOne(&'static [Context]),
    /// Values of a keyword (why they are not keywords).
    Values(&'static str),
}

use Class::{Keywords, KeywordsOfOne, Values};

const PARSER_MOD: &str = "crates/herald-config/src/parser/mod.rs";
const NEIGHBOR: &str = "crates/herald-config/src/parser/neighbor.rs";
const ROUTES: &str = "crates/herald-config/src/parser/routes.rs";
const ROUTE: &str = "crates/herald-config/src/route.rs";
const COMMUNITY: &str = "crates/herald-config/src/route/community.rs";
const FLOW_PARSER: &str = "crates/herald-config/src/parser/flow.rs";
const FLOW: &str = "crates/herald-config/src/route/flow.rs";
const FLOW_VALUES: &str = "crates/herald-config/src/route/flow/values.rs";
const EVPN: &str = "crates/herald-config/src/route/evpn.rs";
const VPLS: &str = "crates/herald-config/src/route/vpls.rs";
const MVPN: &str = "crates/herald-config/src/route/mvpn.rs";
const MUP: &str = "crates/herald-config/src/route/mup.rs";
const RTC: &str = "crates/herald-config/src/route/rtc.rs";
const PREFIX_SID: &str = "crates/herald-config/src/route/prefix_sid.rs";
const API: &str = "crates/herald-config/src/api.rs";
const ENV: &str = "crates/herald-config/src/env.rs";
const IANA: &str = "crates/herald-wire/src/iana.rs";
const VPN: &str = "crates/herald-config/src/parser/vpn.rs";

/// For each (file, function, compared expression) where the parser compares a word with
/// string literals: what the literals are. A new comparison must be added here.
#[rustfmt::skip]
const SCRUTINEES: &[(&str, &str, &str, Class)] = &[
    (PARSER_MOD, "Parser::top_block", "kw.text", Keywords(C::TopLevel)),
    (PARSER_MOD, "Parser::top_block", "first.text", Keywords(C::Template)),
    (PARSER_MOD, "Parser::process", "k.text", Keywords(C::Process)),
    (PARSER_MOD, "Parser::process", "v.text", Values("encoder: text or json")),
    (NEIGHBOR, "Parser::neighbor_block", "k.text", Keywords(C::NeighborBlock)),
    (NEIGHBOR, "Parser::neighbor_block", "first.text", Keywords(C::Family)),
    (NEIGHBOR, "Parser::api_body", "k.text", Keywords(C::Api)),
    (NEIGHBOR, "set_message", "k.text", Keywords(C::ApiMessage)),
    (NEIGHBOR, "neighbor_key", "k.text", Keywords(C::Neighbor)),
    (NEIGHBOR, "neighbor_key", "v.text", Values("local-address auto")),
    (NEIGHBOR, "neighbor_key", "t.text", Values("md5-base64 auto")),
    (NEIGHBOR, "auto_asn", "v.text", Values("local-as / peer-as auto")),
    (NEIGHBOR, "capability_key", "k.text", Keywords(C::Capability)),
    (NEIGHBOR, "capability_key", "v.text.to_ascii_lowercase().as_str()", Values("capability add-path: send, receive, send/receive or disable")),
    (NEIGHBOR, "prefix_limit", "k.text", Keywords(C::PrefixLimit)),
    (ROUTES, "Parser::static_statements", "(kw.text,sub)", Keywords(C::Static)),
    (
        "crates/herald-config/src/parser/parallel.rs",
        "read_part",
        "kw.text",
        Keywords(C::Static),
    ),
    (ROUTES, "Parser::announce_body", "kw.text", Keywords(C::Announce)),
    (ROUTE, "RouteDraft::apply", "kw.text", Keywords(C::Route)),
    (ROUTE, "RouteDraft::apply", "v.text.to_ascii_lowercase().as_str()", Values("origin: igp, egp or incomplete")),
    (ROUTE, "RouteDraft::apply", "v.text", Values("next-hop self; watchdog: the names announce and withdraw are refused")),
    (COMMUNITY, "NOT_YET", "const", Keywords(C::ExtendedCommunity)),
    (COMMUNITY, "ext_community", "kind.as_str()", Keywords(C::ExtendedCommunity)),
    (COMMUNITY, "flow_only", "kind", Keywords(C::ExtendedCommunity)),
    (COMMUNITY, "flow_action", "(kind.as_str(),parts.get(_..).unwrap_or_default())", Keywords(C::ExtendedCommunity)),
    (COMMUNITY, "flow_action", "a.to_ascii_lowercase().as_str()", Values("extended-community action:…: sample, terminal or sample-terminal")),
    (COMMUNITY, "flow_action", "u", Values("extended-community rate-limit:N:…: its unit, bytes or packets")),
    (COMMUNITY, "ext_community", "k", Keywords(C::ExtendedCommunity)),
    (FLOW_PARSER, "Parser::flow_body", "kw.text", Keywords(C::FlowBlock)),
    (FLOW_PARSER, "Parser::flow_command", "kw.text", Keywords(C::FlowBlock)),
    (FLOW_PARSER, "Parser::flow_route_block", "k.text", Keywords(C::FlowRoute)),
    (FLOW_PARSER, "Parser::family_flow", "kw.text", Keywords(C::Afi)),
    (FLOW_PARSER, "Parser::family_flow", "s.text", Keywords(C::Safi)),
    (FLOW, "FlowDraft::key", "word", KeywordsOfOne(&[C::FlowRoute, C::FlowMatch, C::FlowThen, C::FlowScope])),
    (FLOW, "FlowDraft::route_key", "kw.text", Keywords(C::FlowRoute)),
    (FLOW, "FlowDraft::route_key", "v.text", Values("next-hop self")),
    (FLOW, "FlowDraft::then_key", "kw.text", Keywords(C::FlowThen)),
    (FLOW, "FlowDraft::then_key", "u.text", Values("rate-limit N: its unit, packets or bytes")),
    (FLOW, "match_value", "word", Keywords(C::FlowMatch)),
    (FLOW_VALUES, "interface_sets", "*trans", Values("interface-set: transitive or non-transitive")),
    (FLOW_VALUES, "interface_sets", "*dir", Values("interface-set: the direction, input, output or input-output")),
    (FLOW_VALUES, "PROTOCOLS", "const", Values("protocol / next-header: IP protocol names (tcp, udp, …)")),
    (FLOW_VALUES, "ICMP_TYPES", "const", Values("icmp-type: ICMP type names (echo-request, …)")),
    (FLOW_VALUES, "ICMP_CODES", "const", Values("icmp-code: ICMP code names (port-unreachable, …)")),
    (FLOW_VALUES, "TCP_FLAGS", "const", Values("tcp-flags: TCP flag names (syn, ack, …)")),
    (FLOW_VALUES, "FRAGMENTS", "const", Values("fragment: dont-fragment, is-fragment, first-fragment, last-fragment")),
    (FLOW_VALUES, "PORTS", "const", Values("port, destination-port, source-port: service names (http, ssh, …)")),
    (ROUTES, "Parser::l2vpn_body", "kw.text", Keywords(C::L2vpn)),
    (API, "parse_l2vpn_route", "first.text", Keywords(C::L2vpn)),
    (EVPN, "Kind::from_word", "word", Keywords(C::EvpnRoute)),
    (EVPN, "Kind::takes", "field", Keywords(C::EvpnField)),
    (EVPN, "is_field", "word", Keywords(C::EvpnField)),
    (EVPN, "EvpnDraft::field", "kw.text", Keywords(C::EvpnField)),
    (EVPN, "EvpnDraft::field", "field", Keywords(C::EvpnField)),
    (EVPN, "TUNNEL_TYPES", "const", Values("extended-community encap:…: tunnel type names (vxlan, mpls, …)")),
    (EVPN, "ext_community", "kind.as_str()", Keywords(C::ExtendedCommunity)),
    (EVPN, "ext_community", "f", Values("extended-community mac-mobility:SEQ:sticky: the sticky flag")),
    (VPLS, "is_field", "word", Keywords(C::VplsField)),
    (MVPN, "Kind::from_word", "word", Keywords(C::MvpnRoute)),
    (MVPN, "Kind::takes", "field", Keywords(C::MvpnField)),
    (MVPN, "is_field", "word", Keywords(C::MvpnField)),
    (MVPN, "MvpnDraft::field", "kw.text", Keywords(C::MvpnField)),
    (MUP, "Kind::from_word", "word", Keywords(C::MupRoute)),
    (MUP, "is_field", "word", Keywords(C::MupField)),
    (MUP, "MupDraft::field", "kw.text", Keywords(C::MupField)),
    (RTC, "is_field", "word", Keywords(C::RtcField)),
    (RTC, "RtcDraft::takes", "kw", Keywords(C::RtcField)),
    (RTC, "RtcDraft::field", "kw.text", Keywords(C::RtcField)),
    (PREFIX_SID, "srv6", "kind.text", Values("bgp-prefix-sid-srv6 ( l3-service|l2-service … ): the service")),
    (VPLS, "VplsDraft::field", "kw.text", Keywords(C::VplsField)),
    (ENV, "Env::set", "(section,key)", Keywords(C::Environment)),
    (ENV, "Env::set", "v.to_ascii_lowercase().as_str()", Values("api.encoder: json or text")),
    (ENV, "SECTIONS", "const", Values("the sections of the settings, which are listed as section.key")),
    (ENV, "LogLevel::parse", "s.to_ascii_uppercase().as_str()", Values("log.level: syslog level names")),
    (ENV, "parse_bool_env", "v.to_ascii_lowercase().as_str()", Values("booleans: 1, yes, on, 0, no, off")),
    (VPN, "Parser::vpn_block", "k.text", Keywords(C::Vpn)),
    (VPN, "dataplane", "v.text", Values("evpn-dataplane / ipvpn-dataplane: linux or record")),
    (IANA, "Afi::from_name", "s", Keywords(C::Afi)),
    (IANA, "Safi::from_name", "s", Keywords(C::Safi)),
];

// ---------------------------------------------------------------------------------------------
// The answer for each keyword.

/// Keywords herald acts on, with the tests that show it (see the module documentation).
/// Aliases share their keyword's line.
#[rustfmt::skip]
const EFFECTS: &[(Context, &str, &[&str])] = &[
    (C::TopLevel, "process", &["crates/herald/tests/daemon.rs::exabgp_api_environment_settings_take_effect_or_are_reported"]),
    (C::TopLevel, "template", &["crates/herald-config/tests/grammar.rs::templates_merge_settings_and_routes"]),
    (C::TopLevel, "neighbor", &["crates/herald/tests/daemon.rs::routes_reach_a_second_herald_with_their_attributes"]),
    (C::Template, "neighbor", &["crates/herald-config/tests/grammar.rs::templates_merge_settings_and_routes"]),
    (C::Process, "run", &["crates/herald/tests/daemon.rs::exabgp_api_environment_settings_take_effect_or_are_reported"]),
    (C::Process, "encoder", &[
        "crates/herald/tests/keywords_effects.rs::process_encoder_writes_text_or_json_events",
        "crates/herald/tests/keywords_effects.rs::api_encoder_is_the_encoder_of_processes_that_name_none",
    ]),
    (C::Process, "respawn", &[
        "crates/herald/tests/keywords_effects.rs::respawn_false_leaves_an_ended_process_ended",
        "crates/herald/tests/keywords_effects.rs::api_respawn_false_is_the_default_of_processes_that_name_none",
    ]),
    (C::Neighbor, "inherit", &["crates/herald-config/tests/grammar.rs::templates_merge_settings_and_routes"]),
    (C::Neighbor, "router-id", &[
        "crates/herald/tests/daemon.rs::collision_keeps_the_peers_connection_when_its_identifier_is_higher",
        "crates/herald/tests/daemon.rs::collision_keeps_our_connection_when_our_identifier_is_higher",
    ]),
    (C::Neighbor, "local-address", &["crates/herald/tests/daemon.rs::a_passive_range_neighbor_accepts_any_address_inside_it_and_no_other"]),
    (C::Neighbor, "local-as", &["crates/herald/tests/daemon.rs::routes_reach_a_second_herald_with_their_attributes"]),
    (C::Neighbor, "peer-as", &["crates/herald/tests/daemon.rs::wrong_peer_as_is_refused_with_2_2_at_both_ends"]),
    (C::Neighbor, "hold-time", &["crates/herald/tests/daemon.rs::a_peer_that_stops_reading_is_closed_after_the_hold_time_even_if_it_keeps_talking"]),
    (C::Neighbor, "passive", &[
        "crates/herald-session/src/session/tests.rs::passive_sessions_never_connect",
        "crates/herald/tests/daemon.rs::a_passive_range_neighbor_accepts_any_address_inside_it_and_no_other",
    ]),
    (C::Neighbor, "listen", &["crates/herald/tests/daemon.rs::a_passive_range_neighbor_accepts_any_address_inside_it_and_no_other"]),
    (C::Neighbor, "connect", &["crates/herald/tests/daemon.rs::routes_reach_a_second_herald_with_their_attributes"]),
    (C::Neighbor, "md5-password", &[
        "tests/interop/herald-md5.sh::'md5-password \"md5-good-1\";'",
        "tests/interop/herald-md5-reload.sh::(now with a password, its BIRD without) stays down",
    ]),
    (C::Neighbor, "md5-base64", &[
        "tests/interop/herald-md5.sh::'md5-base64 true;'",
        "crates/herald-config/tests/grammar.rs::md5_base64_auto_decodes_a_hex_looking_key_as_exabgp_does",
    ]),
    (C::Neighbor, "outgoing-ttl", &["tests/interop/herald-gtsm.sh::herald connects to the BIRD two hops away with outgoing-ttl 255"]),
    (C::Neighbor, "incoming-ttl", &["tests/interop/herald-gtsm.sh::never gets a session on herald's listener with incoming-ttl 255"]),
    (C::Neighbor, "group-updates", &["crates/herald/tests/daemon.rs::group_updates_false_sends_one_update_per_route"]),
    (C::Neighbor, "adj-rib-out", &["crates/herald/tests/daemon.rs::adj_rib_out_false_forgets_program_routes_with_the_session"]),
    (C::Neighbor, "adj-rib-in", &["tests/interop/herald-rib.sh::adj-rib-in false: session up, BIRD exported 10 routes, herald stores none"]),
    (C::Neighbor, "description", &["crates/herald/tests/keywords_effects.rs::description_is_shown_by_show_neighbor_configuration"]),
    (C::Neighbor, "manual-eor", &["crates/herald/tests/keywords_effects.rs::manual_eor_holds_the_end_of_rib_back_until_a_program_sends_it"]),
    (C::Neighbor, "host-name", &["crates/herald/tests/keywords_effects.rs::software_version_host_name_and_domain_name_are_advertised_in_the_open"]),
    (C::Neighbor, "domain-name", &["crates/herald/tests/keywords_effects.rs::software_version_host_name_and_domain_name_are_advertised_in_the_open"]),
    (C::NeighborBlock, "family", &[
        "crates/herald-config/tests/grammar.rs::family_block_and_all",
        "crates/herald-config/tests/errors.rs::route_family_must_be_negotiated",
    ]),
    (C::NeighborBlock, "capability", &["crates/herald-config/tests/grammar.rs::capabilities_block"]),
    (C::NeighborBlock, "prefix-limit", &["tests/interop/herald-rib.sh::prefix limit exceeded: closing the session"]),
    (C::NeighborBlock, "api", &["crates/herald/tests/daemon.rs::exabgp_api_environment_settings_take_effect_or_are_reported"]),
    (C::NeighborBlock, "static", &["crates/herald/tests/daemon.rs::routes_reach_a_second_herald_with_their_attributes"]),
    (C::NeighborBlock, "announce", &["crates/herald-config/tests/grammar.rs::static_and_announce_routes"]),
    (C::NeighborBlock, "add-path", &["crates/herald/tests/keywords_effects.rs::add_path_capability_lists_the_add_path_block_families_and_routes_carry_path_ids"]),
    (C::NeighborBlock, "nexthop", &["crates/herald/tests/keywords_effects.rs::nexthop_block_advertises_extended_next_hop_and_sends_ipv4_routes_with_an_ipv6_next_hop"]),
    (C::Family, "all", &["crates/herald-config/tests/grammar.rs::family_block_and_all"]),
    (C::Afi, "ipv4", &["crates/herald-config/tests/grammar.rs::family_block_and_all"]),
    (C::Afi, "ipv6", &["crates/herald-config/tests/grammar.rs::family_block_and_all"]),
    (C::Safi, "unicast", &[
        "crates/herald-config/tests/grammar.rs::family_block_and_all",
        "crates/herald-config/tests/grammar.rs::static_and_announce_routes",
    ]),
    (C::Safi, "multicast", &[
        "crates/herald-config/tests/grammar.rs::family_block_and_all",
        "crates/herald-config/tests/grammar.rs::static_and_announce_routes",
    ]),
    (C::Safi, "nlri-mpls", &[
        "crates/herald-config/tests/mpls.rs::families_follow_the_routes_and_a_family_block_must_list_them",
        "crates/herald-config/tests/mpls.rs::announce_blocks_name_the_family",
    ]),
    (C::Safi, "mpls-vpn", &[
        "crates/herald-config/tests/mpls.rs::families_follow_the_routes_and_a_family_block_must_list_them",
        "crates/herald/tests/check.rs::check_updates_of_vpn_routes_follows_group_updates",
    ]),
    (C::Route, "rd", &["crates/herald-config/tests/mpls.rs::rd_in_its_three_forms_and_a_label_stack"]),
    (C::Route, "label", &["crates/herald-config/tests/mpls.rs::a_label_without_rd_is_labeled_unicast"]),
    // herald's own vpn block (crates/herald-config/tests/vpn.rs reads every setting and refuses
    // bad values; what each does is shown by the daemon's tests and the interop script).
    (C::TopLevel, "vpn", &["crates/herald/tests/vpn.rs::two_pes_exchange_evpn_routes_and_record_the_dataplane"]),
    (C::Vpn, "local-address", &[
        "crates/herald/tests/vpn.rs::two_pes_exchange_evpn_routes_and_record_the_dataplane",
        "tests/interop/herald-vpn-evpn.sh::type-2 and type-3 routes of both PEs",
    ]),
    (C::Vpn, "rest", &["crates/herald/tests/vpn.rs::rest_api_answers_as_bagpipe_does"]),
    (C::Vpn, "evpn-dataplane", &[
        "crates/herald/tests/vpn.rs::two_pes_exchange_evpn_routes_and_record_the_dataplane",
        "tests/interop/herald-vpn-evpn.sh::H1 pings H2 over VXLAN",
    ]),
    (C::Vpn, "ipvpn-dataplane", &["crates/herald/tests/vpn.rs::ipvpn_attach_advertises_vpnv4_routes_and_records_received_ones"]),
    (C::Vpn, "vxlan-port", &["crates/herald/tests/vpn.rs::two_pes_exchange_evpn_routes_and_record_the_dataplane"]),
    (C::Vpn, "label-range", &["crates/herald/tests/vpn.rs::ipvpn_attach_advertises_vpnv4_routes_and_records_received_ones"]),
    (C::Vpn, "vni-range", &["crates/herald/tests/vpn.rs::two_pes_exchange_evpn_routes_and_record_the_dataplane"]),
    (C::Vpn, "rd-range", &["crates/herald/tests/vpn.rs::two_pes_exchange_evpn_routes_and_record_the_dataplane"]),
    (C::Vpn, "rtc", &["crates/herald/tests/vpn.rs::rtc_false_originates_no_membership_routes_and_sends_every_route"]),
    (C::Environment, "tcp.accept_rate", &["crates/herald/tests/daemon.rs::connections_from_one_source_beyond_tcp_accept_rate_are_closed_unanswered"]),
    (C::Environment, "http.listen", &["crates/herald/tests/http.rs::neighbors_and_their_adj_rib_in_by_family_and_prefix"]),
    (C::Environment, "mrt.updates", &["crates/herald/tests/mrt.rs::received_messages_are_dumped_as_bgp4mp_and_read_back"]),
    (C::Environment, "mrt.updates_interval", &["crates/herald/tests/mrt.rs::updates_files_rotate_by_size_and_lose_nothing"]),
    (C::Environment, "mrt.updates_size", &["crates/herald/tests/mrt.rs::updates_files_rotate_by_size_and_lose_nothing"]),
    (C::Environment, "mrt.table", &["crates/herald/tests/mrt.rs::table_dump_v2_snapshots_hold_the_adj_rib_in"]),
    (C::Environment, "mrt.table_interval", &["crates/herald/tests/mrt.rs::table_dump_v2_snapshots_hold_the_adj_rib_in"]),
    (C::Environment, "bmp.collectors", &["crates/herald/tests/bmp.rs::a_collector_sees_initiation_peer_up_routes_statistics_and_peer_down"]),
    (C::Environment, "bmp.statistics_interval", &["crates/herald/tests/bmp.rs::a_collector_sees_initiation_peer_up_routes_statistics_and_peer_down"]),
    (C::Environment, "http.token_file", &[
        "crates/herald/tests/http.rs::writes_need_the_token_and_take_the_text_api_grammar",
        "crates/herald/tests/http.rs::writes_are_refused_without_a_token_file",
    ]),
    (C::Capability, "graceful-restart", &["tests/interop/herald-bird.sh::does not show herald's GR restart time 60"]),
    (C::Capability, "asn4", &["crates/herald/tests/keywords_effects.rs::asn4_and_extended_message_disable_leave_their_capabilities_out_of_the_open"]),
    (C::Capability, "route-refresh", &["crates/herald/tests/keywords_effects.rs::route_refresh_is_advertised_and_a_refresh_request_gets_the_routes_again"]),
    (C::Capability, "add-path", &["crates/herald/tests/keywords_effects.rs::add_path_capability_lists_the_add_path_block_families_and_routes_carry_path_ids"]),
    (C::Capability, "extended-message", &["crates/herald/tests/keywords_effects.rs::asn4_and_extended_message_disable_leave_their_capabilities_out_of_the_open"]),
    (C::Capability, "nexthop", &["crates/herald/tests/keywords_effects.rs::nexthop_block_advertises_extended_next_hop_and_sends_ipv4_routes_with_an_ipv6_next_hop"]),
    (C::Capability, "software-version", &["crates/herald/tests/keywords_effects.rs::software_version_host_name_and_domain_name_are_advertised_in_the_open"]),
    (C::PrefixLimit, "warning", &["tests/interop/herald-rib.sh::90 routes of 100 (warning 80 %): one warning"]),
    (C::PrefixLimit, "restart", &["tests/interop/herald-rib.sh::restart 2: session back"]),
    (C::Api, "processes", &["crates/herald/tests/daemon.rs::exabgp_api_environment_settings_take_effect_or_are_reported"]),
    (C::Api, "neighbor-changes", &["crates/herald/tests/daemon.rs::exabgp_api_environment_settings_take_effect_or_are_reported"]),
    (C::Api, "receive", &["crates/herald/tests/daemon.rs::exabgp_api_environment_settings_take_effect_or_are_reported"]),
    (C::Api, "processes-match", &["crates/herald/tests/keywords_effects.rs::processes_match_subscribes_the_processes_whose_name_starts_with_a_match"]),
    (C::Api, "send", &["crates/herald/tests/keywords_effects.rs::send_receive_keepalive_and_refresh_select_the_message_events"]),
    (C::ApiMessage, "parsed", &["crates/herald/tests/daemon.rs::exabgp_api_environment_settings_take_effect_or_are_reported"]),
    (C::ApiMessage, "update", &["crates/herald/tests/daemon.rs::exabgp_api_environment_settings_take_effect_or_are_reported"]),
    (C::ApiMessage, "packets", &["tests/interop/herald-events.sh::packets; update; open; notification; }` writes every event"]),
    (C::ApiMessage, "consolidate", &["crates/herald/tests/keywords_effects.rs::consolidate_puts_the_octets_into_the_parsed_event_instead_of_a_second_one"]),
    (C::ApiMessage, "open", &["tests/interop/herald-events.sh::packets; update; open; notification; }` writes every event"]),
    (C::ApiMessage, "notification", &["tests/interop/herald-events.sh::packets; update; open; notification; }` writes every event"]),
    (C::ApiMessage, "keepalive", &["crates/herald/tests/keywords_effects.rs::send_receive_keepalive_and_refresh_select_the_message_events"]),
    (C::ApiMessage, "refresh", &["crates/herald/tests/keywords_effects.rs::send_receive_keepalive_and_refresh_select_the_message_events"]),
    (C::Static, "route", &["crates/herald/tests/daemon.rs::routes_reach_a_second_herald_with_their_attributes"]),
    (C::Static, "attributes", &[
        "crates/herald-config/tests/grammar.rs::static_and_announce_routes",
        "crates/herald-config/src/route/tests.rs::attributes_nlri_form",
    ]),
    (C::Announce, "ipv4", &["crates/herald-config/tests/grammar.rs::static_and_announce_routes"]),
    (C::Announce, "ipv6", &["crates/herald-config/tests/grammar.rs::static_and_announce_routes"]),
    (C::Route, "next-hop", &["crates/herald/tests/daemon.rs::routes_reach_a_second_herald_with_their_attributes"]),
    (C::Route, "as-path", &[
        "crates/herald/tests/daemon.rs::routes_reach_a_second_herald_with_their_attributes",
        "crates/herald-config/src/route/tests.rs::as_path_forms",
    ]),
    (C::Route, "med", &["crates/herald/tests/daemon.rs::routes_reach_a_second_herald_with_their_attributes"]),
    (C::Route, "community", &["crates/herald/tests/daemon.rs::routes_reach_a_second_herald_with_their_attributes"]),
    (C::Route, "extended-community", &["crates/herald/tests/daemon.rs::routes_reach_a_second_herald_with_their_attributes"]),
    (C::Route, "large-community", &["crates/herald/tests/daemon.rs::routes_reach_a_second_herald_with_their_attributes"]),
    (C::Route, "origin", &[
        "crates/herald-config/src/route/tests.rs::one_line_route_with_every_common_attribute",
        "tests/interop/herald-exabgp.sh::ExaBGP did not receive what herald's config says",
    ]),
    (C::Route, "local-preference", &[
        "crates/herald-config/src/route/tests.rs::one_line_route_with_every_common_attribute",
        "tests/interop/herald-exabgp.sh::ExaBGP did not receive what herald's config says",
    ]),
    (C::Route, "atomic-aggregate", &[
        "crates/herald-config/src/route/tests.rs::one_line_route_with_every_common_attribute",
        "tests/interop/herald-exabgp.sh::ExaBGP did not receive what herald's config says",
    ]),
    (C::Route, "aggregator", &[
        "crates/herald-config/src/route/tests.rs::one_line_route_with_every_common_attribute",
        "tests/interop/herald-exabgp.sh::ExaBGP did not receive what herald's config says",
    ]),
    (C::Route, "originator-id", &[
        "crates/herald-config/src/route/tests.rs::one_line_route_with_every_common_attribute",
        "tests/interop/herald-exabgp.sh::ExaBGP did not receive what herald's config says",
    ]),
    (C::Route, "cluster-list", &[
        "crates/herald-config/src/route/tests.rs::one_line_route_with_every_common_attribute",
        "tests/interop/herald-exabgp.sh::ExaBGP did not receive what herald's config says",
    ]),
    (C::Route, "aigp", &["crates/herald-config/src/route/tests.rs::one_line_route_with_every_common_attribute"]),
    (C::Route, "path-information", &["crates/herald-config/src/route/tests.rs::path_information_name_watchdog_withdraw"]),
    (C::Route, "attribute", &["crates/herald-config/src/route/tests.rs::generic_attribute_known_codes_are_typed"]),
    (C::Route, "watchdog", &["tests/interop/herald-api.sh::End-of-RIB, watchdogs"]),
    (C::Route, "withdraw", &["crates/herald/src/daemon/export.rs::routes_group_by_family_next_hop_and_attributes"]),
    (C::Route, "name", &["crates/herald-config/tests/grammar.rs::a_route_name_is_a_label_and_the_configuration_says_so"]),
    (C::Route, "split", &["crates/herald-config/src/route/tests.rs::split_expands_into_more_specifics"]),
    (C::Route, "nlri", &["crates/herald-config/src/route/tests.rs::attributes_nlri_form"]),
    (C::ExtendedCommunity, "target", &["crates/herald-config/src/route/tests.rs::extended_communities_in_each_form"]),
    (C::ExtendedCommunity, "target4", &["crates/herald-config/src/route/tests.rs::extended_communities_in_each_form"]),
    (C::ExtendedCommunity, "origin", &["crates/herald-config/src/route/tests.rs::extended_communities_in_each_form"]),
    (C::ExtendedCommunity, "redirect", &["crates/herald-config/src/route/tests.rs::extended_communities_in_each_form"]),
    (C::ExtendedCommunity, "origin4", &["crates/herald-config/src/route/tests.rs::origin4_and_bandwidth_extended_communities"]),
    (C::ExtendedCommunity, "bandwidth", &["crates/herald-config/src/route/tests.rs::origin4_and_bandwidth_extended_communities"]),
    (C::Environment, "tcp.port", &["crates/herald/tests/daemon.rs::simultaneous_connects_collide_and_one_session_survives"]),
    (C::Environment, "tcp.bind", &["crates/herald/tests/daemon.rs::simultaneous_connects_collide_and_one_session_survives"]),
    (C::Environment, "tcp.once", &["crates/herald/tests/daemon.rs::exabgp_daemon_pid_is_written_and_removed_and_tcp_once_gives_up"]),
    (C::Environment, "api.chunk", &["crates/herald/tests/daemon.rs::exabgp_api_environment_settings_take_effect_or_are_reported"]),
    (C::Environment, "api.compact", &["crates/herald/tests/daemon.rs::exabgp_api_environment_settings_take_effect_or_are_reported"]),
    (C::Environment, "api.terminate", &["crates/herald/tests/daemon.rs::api_terminate_stops_herald_when_a_helper_ends"]),
    (C::Environment, "daemon.pid", &["crates/herald/tests/daemon.rs::exabgp_daemon_pid_is_written_and_removed_and_tcp_once_gives_up"]),
    (C::Environment, "daemon.daemonize", &["crates/herald/tests/daemon.rs::exabgp_api_environment_settings_take_effect_or_are_reported"]),
    // Flow specification (crates/herald-config/tests/flow.rs compares the rules of
    // tests/data/flow/exabgp-flow.conf and the commands of api-commands.txt octet for octet
    // with what ExaBGP sends for them; src/route/flow/tests.rs does the same per keyword).
    (C::NeighborBlock, "flow", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::exabgp_flow_examples_are_what_exabgp_sends",
    ]),
    (C::Safi, "flow", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::configured_rules_keep_their_names_and_families",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::families_of_flow_rules",
    ]),
    (C::Safi, "flow-vpn", &[
        "crates/herald-config/tests/flow.rs::configured_rules_keep_their_names_and_families",
        "crates/herald-config/src/route/flow/tests.rs::afi_flow_commands",
    ]),
    (C::ExtendedCommunity, "redirect-to-nexthop", &[
        "crates/herald-config/src/route/flow/tests.rs::flowspec_extended_communities_by_name",
        "crates/herald-config/src/route/flow/tests.rs::actions_and_communities_are_sorted_as_exabgp_sends_them",
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
    ]),
    (C::ExtendedCommunity, "copy-to-nexthop", &["crates/herald-config/src/route/flow/tests.rs::flowspec_extended_communities_by_name"]),
    (C::ExtendedCommunity, "rate-limit", &["crates/herald-config/src/route/flow/tests.rs::flowspec_extended_communities_by_name"]),
    (C::ExtendedCommunity, "mark", &["crates/herald-config/src/route/flow/tests.rs::flowspec_extended_communities_by_name"]),
    (C::ExtendedCommunity, "action", &["crates/herald-config/src/route/flow/tests.rs::flowspec_extended_communities_by_name"]),
    (C::FlowBlock, "route", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
    ]),
    (C::FlowRoute, "rd", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::flow_vpn_route_distinguishers",
    ]),
    (C::FlowRoute, "next-hop", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::block_and_one_line_forms_agree",
    ]),
    (C::FlowRoute, "match", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
    ]),
    (C::FlowRoute, "scope", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::interface_sets",
    ]),
    (C::FlowRoute, "then", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
    ]),
    (C::FlowMatch, "source", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::ipv4_prefixes",
    ]),
    (C::FlowMatch, "destination", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::ipv4_prefixes",
    ]),
    (C::FlowMatch, "protocol", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_numeric_component",
    ]),
    (C::FlowMatch, "port", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_numeric_component",
    ]),
    (C::FlowMatch, "destination-port", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::numeric_operators",
    ]),
    (C::FlowMatch, "source-port", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_numeric_component",
    ]),
    (C::FlowMatch, "icmp-type", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_numeric_component",
    ]),
    (C::FlowMatch, "icmp-code", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_numeric_component",
    ]),
    (C::FlowMatch, "tcp-flags", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::bitmask_components",
    ]),
    (C::FlowMatch, "packet-length", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_numeric_component",
    ]),
    (C::FlowMatch, "dscp", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_numeric_component",
    ]),
    (C::FlowMatch, "traffic-class", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_numeric_component",
    ]),
    (C::FlowMatch, "fragment", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::bitmask_components",
    ]),
    (C::FlowMatch, "flow-label", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::ipv6_components_and_flow_label",
    ]),
    (C::FlowThen, "accept", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_action",
    ]),
    (C::FlowThen, "discard", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_action",
    ]),
    (C::FlowThen, "rate-limit", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_action",
    ]),
    (C::FlowThen, "redirect", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_action",
    ]),
    (C::FlowThen, "redirect-to-nexthop", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_action",
    ]),
    (C::FlowThen, "redirect-to-nexthop-ietf", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_action",
    ]),
    (C::FlowThen, "copy", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_action",
    ]),
    (C::FlowThen, "mark", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_action",
    ]),
    (C::FlowThen, "action", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::every_action",
    ]),
    (C::FlowThen, "community", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::actions_and_communities_are_sorted_as_exabgp_sends_them",
    ]),
    (C::FlowThen, "large-community", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::actions_and_communities_are_sorted_as_exabgp_sends_them",
    ]),
    (C::FlowThen, "extended-community", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::actions_and_communities_are_sorted_as_exabgp_sends_them",
    ]),
    (C::FlowScope, "interface-set", &[
        "crates/herald-config/tests/flow.rs::every_configured_rule_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/tests/flow.rs::every_api_command_is_octet_for_octet_what_exabgp_sends",
        "crates/herald-config/src/route/flow/tests.rs::interface_sets",
    ]),
    // L2VPN (crates/herald-config/tests/evpn.rs compares each EVPN route type's NLRI octets with
    // what GoBGP sent for the same route; tests/vpls.rs the VPLS NLRI with ExaBGP's example).
    (C::NeighborBlock, "l2vpn", &["crates/herald-config/tests/vpls.rs::the_three_forms_of_exabgps_example_give_the_same_nlri"]),
    (C::Afi, "l2vpn", &[
        "crates/herald-config/tests/evpn.rs::family_l2vpn_evpn_is_negotiated_and_checked",
        "crates/herald-config/tests/vpls.rs::the_three_forms_of_exabgps_example_give_the_same_nlri",
    ]),
    (C::Safi, "mup", &["crates/herald-config/tests/mup.rs::family_mup_is_negotiated_and_checked", "tests/interop/herald-mup.sh::identical routes and attributes from ExaBGP and herald"]),
    (C::Route, "bgp-prefix-sid", &[
        "crates/herald-config/tests/mup.rs::prefix_sid_label_index_and_srgb_as_exabgp_sends_them",
        "crates/herald-config/tests/mup.rs::both_prefix_sid_keywords_fill_one_attribute_and_a_repeated_one_replaces",
    ]),
    (C::Route, "bgp-prefix-sid-srv6", &[
        "crates/herald-config/tests/mup.rs::prefix_sid_srv6_services_as_exabgp_packs_them",
        "crates/herald-config/tests/mup.rs::exabgps_srv6_mup_example_gives_exabgps_octets",
        "crates/herald-api/src/command/tests.rs::mup_routes_from_exabgps_api_ipv4_and_api_ipv6_programs",
    ]),
    (C::ExtendedCommunity, "mup", &["crates/herald-config/tests/mup.rs::exabgps_srv6_mup_example_gives_exabgps_octets"]),
    (C::Safi, "evpn", &["crates/herald-config/tests/evpn.rs::family_l2vpn_evpn_is_negotiated_and_checked"]),
    (C::Safi, "mcast-vpn", &["crates/herald-config/tests/mvpn.rs::family_mcast_vpn_is_negotiated_and_checked"]),
    (C::MvpnRoute, "source-ad", &["crates/herald-config/tests/mvpn.rs::conf_mvpn_ipv4_routes_to_octets", "crates/herald-config/tests/mvpn.rs::conf_mvpn_ipv6_routes_to_octets_with_an_ipv4_next_hop"]),
    (C::MvpnRoute, "shared-join", &["crates/herald-config/tests/mvpn.rs::conf_mvpn_ipv4_routes_to_octets", "crates/herald-config/tests/mvpn.rs::conf_mvpn_ipv6_routes_to_octets_with_an_ipv4_next_hop"]),
    (C::MvpnRoute, "source-join", &["crates/herald-config/tests/mvpn.rs::conf_mvpn_ipv4_routes_to_octets", "crates/herald-config/tests/mvpn.rs::fields_in_any_order_and_route_attributes_between_them"]),
    (C::MvpnField, "rp", &["crates/herald-config/tests/mvpn.rs::conf_mvpn_ipv4_routes_to_octets"]),
    (C::MvpnField, "source", &["crates/herald-config/tests/mvpn.rs::conf_mvpn_ipv4_routes_to_octets", "crates/herald-config/tests/mvpn.rs::conf_mvpn_ipv6_routes_to_octets_with_an_ipv4_next_hop"]),
    (C::MvpnField, "group", &["crates/herald-config/tests/mvpn.rs::conf_mvpn_ipv4_routes_to_octets"]),
    (C::MvpnField, "source-as", &["crates/herald-config/tests/mvpn.rs::conf_mvpn_ipv4_routes_to_octets", "crates/herald-config/tests/mvpn.rs::fields_in_any_order_and_route_attributes_between_them"]),
    // BGP-LS: negotiated and decoded (tests/interop/herald-bgpls.sh runs it live).
    (C::Afi, "bgp-ls", &["crates/herald-config/tests/bgpls.rs::family_bgp_ls_is_accepted_and_negotiated"]),
    (C::Safi, "bgp-ls", &["crates/herald-config/tests/bgpls.rs::family_bgp_ls_is_accepted_and_negotiated"]),
    (C::Safi, "bgp-ls-vpn", &["crates/herald-config/tests/bgpls.rs::family_bgp_ls_is_accepted_and_negotiated"]),
    (C::Safi, "vpls", &[
        "crates/herald-config/tests/vpls.rs::the_three_forms_of_exabgps_example_give_the_same_nlri",
        "crates/herald-config/tests/vpls.rs::what_a_vpls_route_cannot_be_is_an_error_at_its_place",
    ]),
    (C::Announce, "l2vpn", &[
        "crates/herald-config/tests/evpn.rs::ethernet_ad_routes_to_octets",
        "crates/herald-config/tests/vpls.rs::the_three_forms_of_exabgps_example_give_the_same_nlri",
    ]),
    (C::L2vpn, "evpn", &[
        "crates/herald-config/tests/evpn.rs::ethernet_ad_routes_to_octets",
        "crates/herald-config/tests/evpn.rs::mac_ip_routes_to_octets",
        "crates/herald-api/src/command/tests.rs::announce_and_withdraw_l2vpn_evpn_routes",
    ]),
    (C::L2vpn, "vpls", &[
        "crates/herald-config/tests/vpls.rs::the_three_forms_of_exabgps_example_give_the_same_nlri",
        "crates/herald-api/src/command/tests.rs::vpls_routes_from_the_api",
    ]),
    (C::EvpnRoute, "ethernet-ad", &["crates/herald-config/tests/evpn.rs::ethernet_ad_routes_to_octets"]),
    (C::EvpnRoute, "mac-ip", &[
        "crates/herald-config/tests/evpn.rs::mac_ip_routes_to_octets",
        "crates/herald-api/src/command/tests.rs::announce_and_withdraw_l2vpn_evpn_routes",
    ]),
    (C::EvpnRoute, "multicast", &[
        "crates/herald-config/tests/evpn.rs::multicast_and_ethernet_segment_routes_to_octets",
        "crates/herald-api/src/command/tests.rs::announce_and_withdraw_l2vpn_evpn_routes",
    ]),
    (C::EvpnRoute, "ethernet-segment", &["crates/herald-config/tests/evpn.rs::multicast_and_ethernet_segment_routes_to_octets"]),
    (C::EvpnRoute, "prefix", &["crates/herald-config/tests/evpn.rs::ip_prefix_routes_to_octets"]),
    (C::EvpnField, "esi", &[
        "crates/herald-config/tests/evpn.rs::ethernet_ad_routes_to_octets",
        "crates/herald-config/tests/evpn.rs::multicast_and_ethernet_segment_routes_to_octets",
        "crates/herald-config/tests/evpn.rs::ip_prefix_routes_to_octets",
    ]),
    (C::EvpnField, "etag", &[
        "crates/herald-config/tests/evpn.rs::ethernet_ad_routes_to_octets",
        "crates/herald-config/tests/evpn.rs::mac_ip_routes_to_octets",
        "crates/herald-api/src/command/tests.rs::announce_and_withdraw_l2vpn_evpn_routes",
    ]),
    (C::EvpnField, "mac", &[
        "crates/herald-config/tests/evpn.rs::mac_ip_routes_to_octets",
        "crates/herald-api/src/command/tests.rs::announce_and_withdraw_l2vpn_evpn_routes",
    ]),
    (C::EvpnField, "ip", &[
        "crates/herald-config/tests/evpn.rs::mac_ip_routes_to_octets",
        "crates/herald-config/tests/evpn.rs::multicast_and_ethernet_segment_routes_to_octets",
        "crates/herald-api/src/command/tests.rs::announce_and_withdraw_l2vpn_evpn_routes",
    ]),
    (C::EvpnField, "vni", &[
        "crates/herald-config/tests/evpn.rs::ethernet_ad_routes_to_octets",
        "crates/herald-config/tests/evpn.rs::mac_ip_routes_to_octets",
        "crates/herald-config/tests/evpn.rs::ip_prefix_routes_to_octets",
        "crates/herald-api/src/command/tests.rs::announce_and_withdraw_l2vpn_evpn_routes",
    ]),
    (C::EvpnField, "label2", &["crates/herald-config/tests/evpn.rs::mac_ip_routes_to_octets"]),
    (C::EvpnField, "vni2", &["crates/herald-config/tests/evpn.rs::mac_ip_routes_to_octets"]),
    (C::EvpnField, "prefix", &["crates/herald-config/tests/evpn.rs::ip_prefix_routes_to_octets"]),
    (C::EvpnField, "gateway", &["crates/herald-config/tests/evpn.rs::ip_prefix_routes_to_octets"]),
    (C::MupRoute, "mup-isd", &["crates/herald-config/tests/mup.rs::exabgps_srv6_mup_example_gives_exabgps_octets", "crates/herald-api/src/command/tests.rs::mup_routes_from_exabgps_api_ipv4_and_api_ipv6_programs"]),
    (C::MupRoute, "mup-dsd", &["crates/herald-config/tests/mup.rs::exabgps_srv6_mup_example_gives_exabgps_octets"]),
    (C::MupRoute, "mup-t1st", &["crates/herald-config/tests/mup.rs::exabgps_srv6_mup_example_gives_exabgps_octets", "crates/herald-config/tests/mup.rs::type_1_st_routes_with_a_source_address"]),
    (C::MupRoute, "mup-t2st", &["crates/herald-config/tests/mup.rs::exabgps_srv6_mup_example_gives_exabgps_octets", "crates/herald-api/src/command/tests.rs::mup_routes_from_exabgps_api_ipv4_and_api_ipv6_programs"]),
    (C::MupField, "teid", &["crates/herald-config/tests/mup.rs::exabgps_srv6_mup_example_gives_exabgps_octets", "crates/herald-api/src/command/tests.rs::mup_routes_from_exabgps_api_ipv4_and_api_ipv6_programs"]),
    (C::MupField, "qfi", &["crates/herald-config/tests/mup.rs::exabgps_srv6_mup_example_gives_exabgps_octets"]),
    (C::MupField, "endpoint", &["crates/herald-config/tests/mup.rs::exabgps_srv6_mup_example_gives_exabgps_octets"]),
    (C::MupField, "source", &["crates/herald-config/tests/mup.rs::type_1_st_routes_with_a_source_address"]),
    (C::Safi, "rtc", &["crates/herald-config/tests/rtc.rs::family_ipv4_rtc_is_negotiated_and_checked", "tests/interop/herald-rtc.sh::GoBGP holds exactly the configured RTC routes"]),
    (C::RtcField, "origin", &["crates/herald-config/tests/rtc.rs::rtc_routes_to_the_octets_gobgp_sends", "crates/herald-config/tests/rtc.rs::fields_in_any_order_and_origin_igp_is_the_attribute"]),
    (C::RtcField, "route-target", &["crates/herald-config/tests/rtc.rs::rtc_routes_to_the_octets_gobgp_sends", "crates/herald-config/tests/rtc.rs::partial_route_targets_keep_their_first_bits"]),
    (C::RtcField, "default", &["crates/herald-config/tests/rtc.rs::rtc_routes_to_the_octets_gobgp_sends", "crates/herald/src/daemon/export/tests/rtc.rs::rtc_routes_go_in_mp_reach_as_gobgp_sends_them"]),
    (C::VplsField, "endpoint", &[
        "crates/herald-config/tests/vpls.rs::the_three_forms_of_exabgps_example_give_the_same_nlri",
        "crates/herald-api/src/command/tests.rs::vpls_routes_from_the_api",
    ]),
    (C::VplsField, "base", &[
        "crates/herald-config/tests/vpls.rs::the_three_forms_of_exabgps_example_give_the_same_nlri",
        "crates/herald-api/src/command/tests.rs::vpls_routes_from_the_api",
    ]),
    (C::VplsField, "offset", &[
        "crates/herald-config/tests/vpls.rs::the_three_forms_of_exabgps_example_give_the_same_nlri",
        "crates/herald-api/src/command/tests.rs::vpls_routes_from_the_api",
    ]),
    (C::VplsField, "size", &[
        "crates/herald-config/tests/vpls.rs::the_three_forms_of_exabgps_example_give_the_same_nlri",
        "crates/herald-api/src/command/tests.rs::vpls_routes_from_the_api",
    ]),
    (C::ExtendedCommunity, "l2info", &[
        "crates/herald-config/tests/vpls.rs::the_three_forms_of_exabgps_example_give_the_same_nlri",
        "crates/herald-config/src/route/tests.rs::extended_community_errors",
    ]),
    (C::ExtendedCommunity, "encap", &[
        "crates/herald-config/tests/evpn.rs::evpn_extended_communities",
        "crates/herald-config/tests/evpn.rs::mac_ip_routes_to_octets",
    ]),
    (C::ExtendedCommunity, "router-mac", &[
        "crates/herald-config/tests/evpn.rs::evpn_extended_communities",
        "crates/herald-config/tests/evpn.rs::mac_ip_routes_to_octets",
    ]),
    (C::ExtendedCommunity, "mac-mobility", &["crates/herald-config/tests/evpn.rs::evpn_extended_communities"]),
    (C::ExtendedCommunity, "esi-label", &["crates/herald-config/tests/evpn.rs::evpn_extended_communities"]),
    (C::Environment, "tcp.attempts", &["crates/herald/tests/environment_effects.rs::tcp_attempts_gives_up_after_that_many_failed_connections"]),
    (C::Environment, "tcp.delay", &["crates/herald/tests/environment_effects.rs::settings_without_effect_in_herald_are_each_named_in_a_warning_at_start"]),
    (C::Environment, "tcp.acl", &["crates/herald/tests/environment_effects.rs::settings_without_effect_in_herald_are_each_named_in_a_warning_at_start"]),
    (C::Environment, "api.ack", &["crates/herald/tests/environment_effects.rs::api_ack_false_leaves_the_done_answers_out"]),
    (C::Environment, "api.encoder", &["crates/herald/tests/keywords_effects.rs::api_encoder_is_the_encoder_of_processes_that_name_none"]),
    (C::Environment, "api.respawn", &["crates/herald/tests/keywords_effects.rs::api_respawn_false_is_the_default_of_processes_that_name_none"]),
    (C::Environment, "api.cli", &["crates/herald/tests/environment_effects.rs::api_pipename_names_the_control_socket_and_api_cli_false_leaves_it_out"]),
    (C::Environment, "api.pipename", &["crates/herald/tests/environment_effects.rs::api_pipename_names_the_control_socket_and_api_cli_false_leaves_it_out"]),
    (C::Environment, "bgp.passive", &["crates/herald/tests/environment_effects.rs::bgp_passive_makes_an_active_neighbor_wait_for_the_peer"]),
    (C::Environment, "bgp.openwait", &["crates/herald/tests/environment_effects.rs::bgp_openwait_drops_a_peer_that_sends_no_open_after_that_many_seconds"]),
    (C::Environment, "log.level", &["crates/herald/tests/environment_effects.rs::log_level_sets_herald_s_log_level"]),
    (C::Environment, "log.destination", &["crates/herald/tests/environment_effects.rs::settings_without_effect_in_herald_are_each_named_in_a_warning_at_start"]),
    (C::Environment, "log.packets", &["crates/herald/tests/environment_effects.rs::settings_without_effect_in_herald_are_each_named_in_a_warning_at_start"]),
    (C::Environment, "log.routes", &["crates/herald/tests/environment_effects.rs::settings_without_effect_in_herald_are_each_named_in_a_warning_at_start"]),
    (C::Environment, "daemon.user", &["crates/herald/tests/environment_effects.rs::settings_without_effect_in_herald_are_each_named_in_a_warning_at_start"]),
    (C::Environment, "daemon.drop", &["crates/herald/tests/environment_effects.rs::settings_without_effect_in_herald_are_each_named_in_a_warning_at_start"]),
];

/// A neighbor to write samples in (`%N%`, left open).
const N: &str = "neighbor 10.0.0.1 {\n local-address 10.0.0.2; local-as 1; peer-as 1;\n";

/// Keywords refused with `unsupported:`: a configuration using them, with `$` for the keyword
/// (each alias is tried too), `%N%` for an open neighbor block, and `@` where the error must
/// point.
#[rustfmt::skip]
const UNSUPPORTED: &[(Context, &str, &str)] = &[
    (C::Neighbor, "md5-ip", "%N% md5-password s; @$ 10.0.0.9;\n}\n"),
    (C::Neighbor, "rate-limit", "%N% @$ 100;\n}\n"),
    (C::Neighbor, "auto-flush", "%N% @$ false;\n}\n"),
    (C::Neighbor, "source-interface", "%N% @$ eth0;\n}\n"),
    (C::Neighbor, "peer-address", "%N% @$ 10.0.0.1;\n}\n"),
    (C::NeighborBlock, "operational", "%N% @$ {\n }\n}\n"),
    (C::Safi, "sr-policy", "%N% family {\n  @ipv6 $;\n }\n}\n"),
    (C::Capability, "multi-session", "%N% capability {\n  @$ enable;\n }\n}\n"),
    (C::Capability, "operational", "%N% capability {\n  @$;\n }\n}\n"),
    (C::Capability, "aigp", "%N% capability {\n  @$ enable;\n }\n}\n"),
    (C::Api, "negotiated", "process p { run ./p; }\n%N% api {\n  processes [ p ];\n  @$;\n }\n}\n"),
    (C::Api, "fsm", "process p { run ./p; }\n%N% api {\n  processes [ p ];\n  @$ true;\n }\n}\n"),
    (C::Api, "signal", "process p { run ./p; }\n%N% api {\n  processes [ p ];\n  @$;\n }\n}\n"),
    (C::ApiMessage, "operational", "process p { run ./p; }\n%N% api {\n  processes [ p ];\n  send { @$; }\n }\n}\n"),
    (C::ExtendedCommunity, "rt-record", EXT),
    (C::ExtendedCommunity, "chso", EXT),
];

const EXT: &str =
    "%N% static {\n  route 10.0.0.0/8 next-hop 10.0.0.2 extended-community [ @$:1:2 ];\n }\n}\n";

/// Keywords refused with an error that says what to write instead (not `unsupported:`: herald
/// does not mean to implement them), in the same form as [`UNSUPPORTED`].
#[rustfmt::skip]
const REFUSED: &[(Context, &str, &str)] = &[
    (C::TopLevel, "group", "@$ peers {\n}\n"),
    (C::Neighbor, "ttl-security", "%N% @$ 255;\n}\n"),
    (C::Neighbor, "route", "%N% @$ 10.0.0.0/8 next-hop 10.0.0.2;\n}\n"),
    (C::ExtendedCommunity, "redirect-to-nexthop-ietf", EXT),
    (C::ExtendedCommunity, "interface-set", EXT),
    (C::ExtendedCommunity, "flowspec-scope", EXT),
    (C::FlowRoute, "origin", FLOW_ATTR),
    (C::FlowRoute, "as-path", FLOW_ATTR),
    (C::FlowRoute, "med", FLOW_ATTR),
    (C::FlowRoute, "local-preference", FLOW_ATTR),
    (C::FlowRoute, "atomic-aggregate", FLOW_ATTR),
    (C::FlowRoute, "aggregator", FLOW_ATTR),
    (C::FlowRoute, "originator-id", FLOW_ATTR),
    (C::FlowRoute, "cluster-list", FLOW_ATTR),
    (C::FlowRoute, "aigp", FLOW_ATTR),
    (C::FlowRoute, "attribute", FLOW_ATTR),
    (C::FlowRoute, "path-information", FLOW_ATTR),
    (C::FlowRoute, "label", FLOW_ATTR),
    (C::FlowRoute, "watchdog", FLOW_ATTR),
    (C::FlowRoute, "split", FLOW_ATTR),
    (C::FlowRoute, "name", FLOW_ATTR),
];

/// A route attribute in a flow route (refused as such wherever it is written: in the route
/// block, `match`, `then`, `scope` or the one-line form).
const FLOW_ATTR: &str =
    "%N% flow {\n  route r {\n   @$ 1;\n   match { destination 10.0.0.0/8; }\n  }\n }\n}\n";

/// Keywords herald accepts and for which no test shows an effect yet (where was looked: the
/// workspace's Rust tests, unit tests and tests/interop scripts). Each wants a test; then its
/// line moves to [`EFFECTS`].
#[rustfmt::skip]
const NO_EFFECT_TEST_YET: &[(Context, &str, &str)] = &[];

// ---------------------------------------------------------------------------------------------
// The checks.

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> Option<String> {
    std::fs::read_to_string(root().join(rel)).ok()
}

/// The parser's source files, from the workspace root: all of herald-config's `src` (a new
/// file is read without being listed), and herald-wire's family names.
fn parser_files() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&root().join("crates/herald-config/src"), &mut paths);
    let mut files: Vec<String> = paths
        .iter()
        .map(|p| {
            p.strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        // The table itself, and unit tests.
        .filter(|p| p != "crates/herald-config/src/keywords.rs" && !p.ends_with("/tests.rs"))
        .collect();
    files.push(IANA.into());
    files.sort();
    files
}

fn all_sites() -> Vec<Site> {
    parser_files()
        .iter()
        .flat_map(|f| scan(f, &read(f).unwrap()))
        .collect()
}

fn lookup(context: Context, word: &str) -> Option<&'static Keyword> {
    KEYWORDS
        .iter()
        .find(|k| k.context == context && k.words().any(|w| w == word))
}

fn fail_with(problems: &[String]) {
    if !problems.is_empty() {
        panic!(
            "{} problem(s):\n\n{}\n",
            problems.len(),
            problems.join("\n\n")
        );
    }
}

#[test]
fn the_table_lists_every_keyword_the_parser_matches_and_nothing_else() {
    let sites = all_sites();
    let mut problems = Vec::new();
    let mut found: BTreeSet<(Context, String)> = BTreeSet::new();
    let mut used: BTreeSet<usize> = BTreeSet::new();
    for s in &sites {
        let class = SCRUTINEES
            .iter()
            .position(|(f, func, scr, _)| *f == s.file && *func == s.func && *scr == s.scrutinee);
        let Some(i) = class else {
            problems.push(format!(
                "{}:{}: `{}` in `{}` is compared with \"{}\", and SCRUTINEES in \
                 crates/herald-config/tests/keywords.rs does not say what these words are.\n  \
                 Add (\"{}\", \"{}\", \"{}\", Keywords(Context::…)) if they are keywords (and list \
                 them in KEYWORDS in crates/herald-config/src/keywords.rs), or \
                 Values(\"…\") if they are values of a keyword.",
                s.file, s.line, s.scrutinee, s.func, s.word, s.file, s.func, s.scrutinee
            ));
            continue;
        };
        used.insert(i);
        if let KeywordsOfOne(contexts) = SCRUTINEES[i].3 {
            let listed: Vec<Context> = contexts
                .iter()
                .copied()
                .filter(|c| lookup(*c, &s.word).is_some())
                .collect();
            match listed.as_slice() {
                [context] => {
                    found.insert((*context, s.word.clone()));
                }
                [] => problems.push(format!(
                    "{}:{}: the parser matches the keyword \"{}\" (one of {contexts:?}) in `{}`, \
                     and KEYWORDS in crates/herald-config/src/keywords.rs does not list it.\n  \
                     Add it there in the context it belongs to (or to its keyword's aliases), \
                     then give it an answer in crates/herald-config/tests/keywords.rs.",
                    s.file, s.line, s.word, s.func
                )),
                _ => problems.push(format!(
                    "{}:{}: the keyword \"{}\" in `{}` is listed in KEYWORDS in several of \
                     the contexts it may be of ({listed:?}): keep it in one",
                    s.file, s.line, s.word, s.func
                )),
            }
        }
        if let Keywords(context) = SCRUTINEES[i].3 {
            found.insert((context, s.word.clone()));
            if lookup(context, &s.word).is_none() {
                problems.push(format!(
                    "{}:{}: the parser matches the keyword \"{}\" ({context:?}) in `{}`, and \
                     KEYWORDS in crates/herald-config/src/keywords.rs does not list it.\n  Add \
                     k(C::{context:?}, \"{}\", …) there (or the word to its keyword's aliases), \
                     then give it an answer in crates/herald-config/tests/keywords.rs: the \
                     tests showing its effect (EFFECTS), a sample refused with `unsupported:` \
                     (UNSUPPORTED), or a NO_EFFECT_TEST_YET line.",
                    s.file, s.line, s.word, s.func, s.word
                ));
            }
        }
    }
    for (i, (f, func, scr, class)) in SCRUTINEES.iter().enumerate() {
        if matches!(class, Values(why) if why.is_empty()) {
            problems.push(format!(
                "SCRUTINEES: say why (\"{f}\", \"{func}\", \"{scr}\") are values"
            ));
        }
        if !used.contains(&i) {
            problems.push(format!(
                "SCRUTINEES has (\"{f}\", \"{func}\", \"{scr}\"), and the parser has no such \
                 comparison any more: remove the line"
            ));
        }
    }
    for kw in KEYWORDS {
        for w in kw.words() {
            if !found.contains(&(kw.context, w.to_string())) {
                problems.push(format!(
                    "KEYWORDS lists \"{w}\" ({:?}), and the parser no longer matches it: remove \
                     it from crates/herald-config/src/keywords.rs (and its answer from \
                     crates/herald-config/tests/keywords.rs)",
                    kw.context
                ));
            }
        }
        if KEYWORDS
            .iter()
            .filter(|o| o.context == kw.context && o.words().any(|w| kw.words().any(|v| v == w)))
            .count()
            > 1
        {
            problems.push(format!(
                "KEYWORDS lists \"{}\" ({:?}) twice",
                kw.word, kw.context
            ));
        }
    }
    fail_with(&problems);
}

/// The families herald implements (the route families, L2VPN EVPN and VPLS among them, and the
/// flow specification families of `flow { }` rules, and the receive-only BGP-LS families) are the
/// address family keywords it acts on: `announce { }` has a block for each AFI it has routes of
/// (`l2vpn { }` for EVPN and VPLS).
#[test]
fn family_keywords_herald_acts_on_are_its_supported_families() {
    use herald_wire::Family;
    let flow = [
        Family::IPV4_FLOW,
        Family::IPV6_FLOW,
        Family::IPV4_FLOW_VPN,
        Family::IPV6_FLOW_VPN,
    ];
    let fams: Vec<Family> = herald_config::supported_families()
        .iter()
        .copied()
        .chain(flow)
        .collect();
    let afis: BTreeSet<String> = fams.iter().map(|f| f.afi.to_string()).collect();
    let all: Vec<Family> = fams
        .iter()
        .chain(herald_config::receive_only_families())
        .copied()
        .collect();
    let all_afis: BTreeSet<String> = all.iter().map(|f| f.afi.to_string()).collect();
    let safis: BTreeSet<String> = all.iter().map(|f| f.safi.to_string()).collect();
    let yes = |c: Context| -> BTreeSet<String> {
        KEYWORDS
            .iter()
            .filter(|k| k.context == c && k.support == Support::Yes)
            .map(|k| k.word.to_string())
            .collect()
    };
    assert_eq!(yes(C::Afi), all_afis);
    assert_eq!(yes(C::Announce), afis);
    assert_eq!(yes(C::Safi), safis);
}

/// Where `@` is in `sample` (removed), after `$` becomes `word` and `%N%` the open neighbor.
fn place(sample: &str, word: &str) -> (String, u32, u32) {
    let text = sample.replace("%N%", N).replace('$', word);
    let at = text.find('@').expect("the sample has no '@'");
    let before = &text[..at];
    let line = before.matches('\n').count() as u32 + 1;
    let col = (at - before.rfind('\n').map_or(0, |p| p + 1)) as u32 + 1;
    (text.replacen('@', "", 1), line, col)
}

/// What `kind` needs: the errors of `sample` (with each of the keyword's words) include one at
/// the `@`, starting `unsupported:` when `unsupported`.
fn check_refusal(
    kind: &str,
    context: Context,
    word: &str,
    sample: &str,
    unsupported: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(kw) = lookup(context, word) else {
        return vec![format!(
            "{kind} has \"{word}\" ({context:?}), which KEYWORDS does not list"
        )];
    };
    for w in kw.words() {
        let (text, line, col) = place(sample, w);
        let errors = match herald_config::parse_str(&text, Path::new("k.conf")) {
            Ok(_) => {
                problems.push(format!(
                    "{kind}: \"{w}\" ({context:?}) is accepted in:\n{text}"
                ));
                continue;
            }
            Err(e) => e,
        };
        let want = format!(
            "k.conf:{line}:{col}: {}",
            if unsupported { "unsupported: " } else { "" }
        );
        if !errors.iter().any(|e| e.to_string().starts_with(&want)) {
            problems.push(format!(
                "{kind}: \"{w}\" ({context:?}) gives no error starting '{want}' in:\n{text}\nbut:\n{}",
                errors
                    .iter()
                    .map(|e| format!("  {e}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    problems
}

#[test]
fn unsupported_and_refused_keywords_are_refused_where_written() {
    let mut problems = Vec::new();
    for (context, word, sample) in UNSUPPORTED {
        problems.extend(check_refusal("UNSUPPORTED", *context, word, sample, true));
    }
    for (context, word, sample) in REFUSED {
        problems.extend(check_refusal("REFUSED", *context, word, sample, false));
    }
    fail_with(&problems);
}

/// Whether `reference` names an existing, not ignored test (`file.rs::function`) or a text
/// in a script (`file.sh::text`); the problem if not.
fn check_reference(reference: &str) -> Option<String> {
    let Some((file, what)) = reference.split_once("::") else {
        return Some(format!(
            "'{reference}' is not 'path::test_function' or 'path::text'"
        ));
    };
    let Some(text) = read(file) else {
        return Some(format!("'{reference}': there is no file {file}"));
    };
    if !file.ends_with(".rs") {
        return (!text.contains(what)).then(|| format!("'{reference}': {file} has no '{what}'"));
    }
    let lines: Vec<&str> = text.lines().collect();
    let Some(at) = lines.iter().position(|l| {
        let l = l.trim_start();
        l.starts_with(&format!("fn {what}(")) || l.starts_with(&format!("async fn {what}("))
    }) else {
        return Some(format!("'{reference}': {file} has no `fn {what}(`"));
    };
    // The attributes and comments right above the function.
    let attrs: Vec<&str> = lines[..at]
        .iter()
        .rev()
        .map(|l| l.trim())
        .take_while(|l| l.starts_with("#[") || l.starts_with("//"))
        .collect();
    if !attrs
        .iter()
        .any(|a| a.starts_with("#[test]") || a.starts_with("#[tokio::test"))
    {
        return Some(format!(
            "'{reference}': `fn {what}` in {file} is not a #[test]"
        ));
    }
    if attrs.iter().any(|a| a.starts_with("#[ignore")) {
        return Some(format!("'{reference}': `fn {what}` in {file} is ignored"));
    }
    None
}

#[test]
fn every_keyword_has_an_effect_test_or_is_refused() {
    let mut problems = Vec::new();
    let lists: [(&str, Vec<(Context, &str)>); 4] = [
        (
            "EFFECTS",
            EFFECTS.iter().map(|(c, w, _)| (*c, *w)).collect(),
        ),
        (
            "UNSUPPORTED",
            UNSUPPORTED.iter().map(|(c, w, _)| (*c, *w)).collect(),
        ),
        (
            "REFUSED",
            REFUSED.iter().map(|(c, w, _)| (*c, *w)).collect(),
        ),
        (
            "NO_EFFECT_TEST_YET",
            NO_EFFECT_TEST_YET
                .iter()
                .map(|(c, w, _)| (*c, *w))
                .collect(),
        ),
    ];
    for (name, entries) in &lists {
        for (c, w) in entries {
            match lookup(*c, w) {
                None => problems.push(format!(
                    "{name} has \"{w}\" ({c:?}), which KEYWORDS does not list: remove it"
                )),
                Some(k) if k.word != *w => problems.push(format!(
                    "{name} has \"{w}\" ({c:?}), an alias: write its keyword \"{}\"",
                    k.word
                )),
                Some(_) => {}
            }
        }
    }
    for kw in KEYWORDS {
        let answers: Vec<&str> = lists
            .iter()
            .flat_map(|(name, entries)| {
                entries
                    .iter()
                    .filter(|(c, w)| *c == kw.context && *w == kw.word)
                    .map(|_| *name)
            })
            .collect();
        let fits = |a: &str| match kw.support {
            Support::Yes | Support::Warned => a == "EFFECTS" || a == "NO_EFFECT_TEST_YET",
            Support::Unsupported => a == "UNSUPPORTED",
            Support::Refused => a == "REFUSED",
        };
        match answers.as_slice() {
            [] => problems.push(format!(
                "\"{}\" ({:?}, {:?}) has no answer in crates/herald-config/tests/keywords.rs: \
                 name the tests showing its effect in EFFECTS (or, if none does yet, add a \
                 NO_EFFECT_TEST_YET line saying what is missing); if herald refuses it, give a \
                 configuration using it in UNSUPPORTED or REFUSED",
                kw.word, kw.context, kw.support
            )),
            [a] if fits(a) => {}
            _ => problems.push(format!(
                "\"{}\" ({:?}) is {:?} and answered in {}: give it one answer, in EFFECTS or \
                 NO_EFFECT_TEST_YET for Yes and Warned, UNSUPPORTED for Unsupported, REFUSED for \
                 Refused",
                kw.word,
                kw.context,
                kw.support,
                answers.join(" and ")
            )),
        }
    }
    for (c, w, refs) in EFFECTS {
        if refs.is_empty() {
            problems.push(format!("EFFECTS: \"{w}\" ({c:?}) names no test"));
        }
        for r in *refs {
            if let Some(p) = check_reference(r) {
                problems.push(format!("EFFECTS: \"{w}\" ({c:?}): {p}"));
            }
        }
    }
    fail_with(&problems);
}

/// Every keyword herald accepts has an effect test (or is refused): none is waiting for one.
#[test]
fn keywords_without_an_effect_test() {
    let mut report = String::new();
    for (c, w, why) in NO_EFFECT_TEST_YET {
        let _ = writeln!(report, "  {c:?} {w}: {why}");
    }
    println!("{report}");
    assert!(
        NO_EFFECT_TEST_YET.is_empty(),
        "{} keyword(s) accepted with no test showing their effect:\n{report}",
        NO_EFFECT_TEST_YET.len()
    );
}

/// The source reader finds words in each form the parser writes them.
#[test]
fn the_source_reader_finds_words_in_every_form() {
    let src = r#"
        const WORDS: &[&str] = &["w1", "w2"];
        const NAME: &str = "not-a-list";
        impl<'a> Parser<'a> {
            fn f(&mut self) {
                let c = '"';
                match k.text {
                    "a" | "b" => x(),
                    "c" if ok => { if y { 1 } else { 2 } }
                    "d" => match v.text { "v" => 1, _ => 2 },
                    ("e", _) => {}
                    ("f" | "g", [_]) => {}
                    _ => self.each(|p| { p.g() }),
                }
                if first.text == "all" || matches!(m.text, "m1" | "m2") {}
                if v.text.eq_ignore_ascii_case("self") || k.eq_ignore_ascii_case("l2info") {}
                if f().eq_ignore_ascii_case("call") || p.eq_ignore_ascii_case(w) {}
            }
        }
        fn g() { match (section, key) { ("tcp", "port") => {} _ => {} } }
        #[cfg(test)]
        mod tests { fn h() { match k.text { "hidden" => {} _ => {} } } }
    "#;
    let got: Vec<String> = scan("x.rs", src)
        .iter()
        .map(|s| format!("{} {} {}", s.func, s.scrutinee, s.word))
        .collect();
    assert_eq!(
        got,
        [
            "WORDS const w1",
            "WORDS const w2",
            "Parser::f k.text a",
            "Parser::f k.text b",
            "Parser::f k.text c",
            "Parser::f k.text d",
            "Parser::f v.text v",
            "Parser::f k.text e",
            "Parser::f k.text f",
            "Parser::f k.text g",
            "Parser::f first.text all",
            "Parser::f m.text m1",
            "Parser::f m.text m2",
            "Parser::f v.text self",
            "Parser::f k l2info",
            "g (section,key) tcp.port",
        ]
    );
}
