//! Flow specification rules (RFC 8955, RFC 8956) as ExaBGP 5 writes them:
//!
//! ```text
//! flow {
//!     route NAME {
//!         rd 65000:1;                     # optional: flow-vpn (SAFI 134)
//!         next-hop 192.0.2.1;             # optional: for redirect-to-nexthop
//!         match { destination 10.0.0.0/24; destination-port [ =80 >8080&<8088 ]; }
//!         scope { interface-set transitive:input:65000:1; }
//!         then { rate-limit 9600; community [ 65000:666 ]; }
//!     }
//!     route destination 10.0.0.1/32 source-port >1024 discard;    # the one-line form
//! }
//! ```
//!
//! The components are encoded as ExaBGP encodes them (each value in the fewest octets that
//! hold it, operators with their and-bit as written, the end-of-list bit on the last one),
//! in the type order RFC 8955 §4.2 requires; the actions become extended communities in
//! ExaBGP's order (sorted by their octets). Where ExaBGP accepts a rule it would send
//! malformed or different from what it reads (a second source, a flow label in an IPv4 rule,
//! host bits in a prefix, tokens after a value, a next hop followed by `redirect ASN:NN`,
//! which ExaBGP silently drops), herald refuses it with an error instead.

use std::collections::BTreeMap;
use std::net::IpAddr;

use herald_wire::attr::{Community, ExtCommunity, Ipv6ExtCommunity, LargeCommunity};
use herald_wire::nlri::flowspec::{component as C, Component, ComponentValue, FlowSpec, Op};
use herald_wire::nlri::RouteDistinguisher;
use herald_wire::{Afi, AttrValue, Attribute, Family, Safi};

use super::community::{self, MAX_RATE};
use super::{err, unsupported, Cursor};
use crate::error::{ConfigError, Result, Span};
use crate::lexer::{Kind, Token};
use crate::model::NextHopSpec;
use crate::values::{parse_dec_u64, parse_ip, parse_ipv4, parse_u32};

mod values;

use values::{interface_sets, operator_list, prefix, Value};

/// The longest NLRI body ExaBGP sends (RFC 8955 §4.1: the length is 12 bits, and ExaBGP
/// refuses 4095 itself).
const MAX_BODY: usize = 4094;

/// One flow specification rule: the NLRI, its next hop and its path attributes, ready to be
/// announced (or withdrawn) on a session that negotiated its family.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FlowRule {
    /// IPv4 or IPv6 flow (SAFI 133), or flow-vpn (SAFI 134) when a route distinguisher is
    /// given. The AFI is IPv6 when a source or destination is an IPv6 prefix (or the command
    /// was `announce ipv6 flow …`), IPv4 otherwise.
    pub family: Family,
    /// The NLRI: components in type order, operators as ExaBGP encodes them, the route
    /// distinguisher for flow-vpn; no path identifier.
    pub spec: FlowSpec,
    /// `next-hop` in the route, or the address of `redirect <IP>` / `copy <IP>` (the last one
    /// written); [`NextHopSpec::None`] when none is given (the MP_REACH_NLRI next hop is then
    /// empty, as ExaBGP sends it).
    pub next_hop: NextHopSpec,
    /// Path attributes from `then` (community, extended communities with the actions,
    /// IPv6 address specific extended communities, large communities) and `scope`, typed,
    /// one per type code in type-code order. Defaults (ORIGIN, AS_PATH, LOCAL_PREF) are the
    /// daemon's to add, as for routes.
    pub attributes: Vec<Attribute>,
    /// The name after `route` in the block form.
    pub name: Option<String>,
    /// Where the rule was written.
    pub span: Span,
}

impl FlowRule {
    /// The rule as a route: its NLRI encoded (RFC 8955 §4, without path identifier), its next
    /// hop and attributes; the daemon announces it as any other route.
    pub fn to_route(&self) -> crate::Route {
        let mut buf = Vec::with_capacity(self.spec.body_len() + 2);
        self.spec.encode(false, &mut buf);
        crate::Route {
            family: self.family,
            nlri: herald_wire::Nlri::Encoded(herald_wire::nlri::EncodedNlri::new(
                self.spec.path_id,
                &buf,
            )),
            next_hop: self.next_hop,
            attributes: crate::AttrSet::new(self.attributes.clone()),
            labels: self.name.as_ref().map(|n| {
                std::sync::Arc::new(crate::RouteLabels {
                    name: Some(n.clone()),
                    watchdog: None,
                })
            }),
            withdrawn: false,
            origin: self.span,
        }
    }

    /// The attribute with this type code.
    pub fn attribute(&self, type_code: u8) -> Option<&Attribute> {
        self.attributes
            .iter()
            .find(|a| a.value.type_code() == type_code)
    }

    /// The extended communities (the actions among them), in the order they are sent.
    pub fn ext_communities(&self) -> &[ExtCommunity] {
        self.attributes
            .iter()
            .find_map(|a| match &a.value {
                AttrValue::ExtCommunities(c) => Some(c.as_slice()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// What identifies the rule in a RIB: its family and NLRI.
    pub fn key(&self) -> (Family, &FlowSpec) {
        (self.family, &self.spec)
    }
}

/// A flow rule as it is being read.
#[derive(Clone, Debug, Default)]
pub(crate) struct FlowDraft {
    /// The AFI a command fixed (`announce ipv6 flow …`).
    forced: Option<Afi>,
    /// The AFI of the first prefix and where it was written.
    prefix_afi: Option<(Afi, Span)>,
    rd: Option<RouteDistinguisher>,
    next_hop: Option<NextHopSpec>,
    prefixes: BTreeMap<u8, ComponentValue>,
    ops: BTreeMap<u8, Vec<Op>>,
    /// Where the first IPv6-only component (flow label) was written.
    v6_only: Option<Span>,
    ext: Vec<ExtCommunity>,
    ext6: Vec<Ipv6ExtCommunity>,
    communities: Option<Vec<Community>>,
    large: Option<Vec<LargeCommunity>>,
    /// The name after `route` in the block form.
    pub name: Option<String>,
}

/// Where a keyword was written: what it may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Section {
    /// The route block itself: `rd`, `next-hop`.
    Route,
    /// `match { }`.
    Match,
    /// `then { }`.
    Then,
    /// `scope { }`.
    Scope,
    /// The one-line form: any of them.
    Line,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Section::Route => "the flow route",
            Section::Match => "match",
            Section::Then => "then",
            Section::Scope => "scope",
            Section::Line => "a flow route",
        }
    }
}

const MATCH_KEYS: &str = "source, destination, protocol, next-header, port, destination-port, \
    source-port, icmp-type, icmp-code, tcp-flags, packet-length, dscp, traffic-class, fragment, \
    flow-label";
const THEN_KEYS: &str = "accept, discard, rate-limit, redirect, redirect-to-nexthop, \
    redirect-to-nexthop-ietf, copy, mark, action, community, large-community, extended-community";

impl FlowDraft {
    /// A draft whose AFI is fixed (`announce ipv4 flow …`).
    pub fn with_afi(afi: Afi) -> Self {
        FlowDraft {
            forced: Some(afi),
            ..FlowDraft::default()
        }
    }

    /// Whether a route distinguisher was given.
    pub fn has_rd(&self) -> bool {
        self.rd.is_some()
    }

    /// Read one keyword and its values from `cur` (`kw` already read) where `section` allows
    /// it.
    pub fn key(
        &mut self,
        section: Section,
        kw: &Token<'_>,
        cur: &mut Cursor<'_, '_>,
    ) -> Result<()> {
        if !kw.is_value() {
            return Err(err(kw, format!("expected a keyword of {}", section.name())));
        }
        let word = kw.text;
        let allowed = |s: Section| section == s || section == Section::Line;
        if let Some(value) = match_value(word) {
            if !allowed(Section::Match) {
                return Err(misplaced(kw, section, "match"));
            }
            return self.match_key(kw, cur, value);
        }
        match word {
            "source" | "source-ipv4" | "source-ipv6" | "destination" | "destination-ipv4"
            | "destination-ipv6" => {
                if !allowed(Section::Match) {
                    return Err(misplaced(kw, section, "match"));
                }
                let kind = if word.starts_with("source") {
                    C::SOURCE
                } else {
                    C::DESTINATION
                };
                let v = cur.value(kw, "a prefix")?;
                self.prefix(kind, &v)
            }
            "rd" | "route-distinguisher" | "next-hop" => {
                if !allowed(Section::Route) {
                    return Err(misplaced(kw, section, "route"));
                }
                self.route_key(kw, cur)
            }
            "interface-set" => {
                if !allowed(Section::Scope) {
                    return Err(misplaced(kw, section, "scope"));
                }
                let v = interface_sets(cur, kw)?;
                self.ext.extend(v);
                Ok(())
            }
            "accept"
            | "discard"
            | "rate-limit"
            | "redirect"
            | "redirect-to-nexthop"
            | "redirect-to-nexthop-ietf"
            | "copy"
            | "mark"
            | "action"
            | "community"
            | "large-community"
            | "extended-community" => {
                if !allowed(Section::Then) {
                    return Err(misplaced(kw, section, "then"));
                }
                self.then_key(kw, cur)
            }
            "origin" | "as-path" | "med" | "local-preference" | "atomic-aggregate"
            | "aggregator" | "originator-id" | "cluster-list" | "aigp" | "attribute"
            | "path-information" | "label" | "watchdog" | "split" | "name" => Err(err(
                kw,
                format!(
                    "'{word}' is not allowed in a flow route (ExaBGP takes only communities, \
                     extended and large communities and the actions in 'then')"
                ),
            )),
            other => Err(err(
                kw,
                match section {
                    Section::Match => format!("unknown match '{other}' (expected {MATCH_KEYS})"),
                    Section::Then => format!("unknown action '{other}' (expected {THEN_KEYS})"),
                    Section::Scope => format!("unknown scope '{other}' (expected interface-set)"),
                    Section::Route => format!(
                        "unknown flow route setting '{other}' (expected rd, next-hop, or the \
                         blocks match, scope and then)"
                    ),
                    Section::Line => format!(
                        "unknown flow keyword '{other}' (expected a match ({MATCH_KEYS}), an \
                         action ({THEN_KEYS}) or interface-set)"
                    ),
                },
            )),
        }
    }

    /// Every keyword of the one-line form until the tokens run out.
    pub fn line(&mut self, cur: &mut Cursor<'_, '_>) -> Result<()> {
        while let Some(kw) = cur.next() {
            self.key(Section::Line, &kw, cur)?;
        }
        Ok(())
    }

    fn route_key(&mut self, kw: &Token<'_>, cur: &mut Cursor<'_, '_>) -> Result<()> {
        let v = cur.value(kw, "a value")?;
        match kw.text {
            "next-hop" => {
                self.next_hop = Some(if v.text.eq_ignore_ascii_case("self") {
                    NextHopSpec::SelfAddr
                } else {
                    NextHopSpec::Ip(address(&v)?)
                });
            }
            _ => self.rd = Some(route_distinguisher(&v)?),
        }
        Ok(())
    }

    fn prefix(&mut self, kind: u8, v: &Token<'_>) -> Result<()> {
        let (afi, value) = prefix(v)?;
        if let Some(forced) = self.forced.filter(|f| *f != afi) {
            return Err(err(v, format!("this prefix is not {forced}")));
        }
        if let Some((first, at)) = self.prefix_afi.filter(|(a, _)| *a != afi) {
            return Err(err(
                v,
                format!(
                    "the source and destination of a flow route are of one family: this prefix \
                     is {afi}, the one at line {} column {} is {first}",
                    at.line, at.col
                ),
            ));
        }
        if self.prefixes.contains_key(&kind) {
            let what = if kind == C::SOURCE {
                "source"
            } else {
                "destination"
            };
            return Err(unsupported(
                v,
                &format!("a second {what}"),
                "RFC 8955 §4.2 allows one per rule; ExaBGP sends both out of order",
            ));
        }
        self.prefix_afi.get_or_insert((afi, v.span()));
        self.prefixes.insert(kind, value);
        Ok(())
    }

    fn match_key(&mut self, kw: &Token<'_>, cur: &mut Cursor<'_, '_>, value: Value) -> Result<()> {
        let kind = value.component();
        if kind == C::FLOW_LABEL && self.v6_only.is_none() {
            self.v6_only = Some(kw.span());
        }
        let ops = operator_list(cur, kw, value)?;
        self.ops.entry(kind).or_default().extend(ops);
        Ok(())
    }

    fn then_key(&mut self, kw: &Token<'_>, cur: &mut Cursor<'_, '_>) -> Result<()> {
        match kw.text {
            "accept" => {}
            "discard" => self.ext.push(ExtCommunity::traffic_rate_bytes(0, 0.0)),
            "rate-limit" => {
                let v = cur.value(kw, "a rate")?;
                let n = parse_dec_u64(v.text)
                    .ok_or_else(|| err(&v, "the rate is a whole number (bytes per second)"))?;
                let packets = match cur.peek() {
                    Some(u) if u.kind == Kind::Word && u.text == "packets" => true,
                    Some(u) if u.kind == Kind::Word && u.text == "bytes" => false,
                    _ => {
                        self.ext
                            .push(ExtCommunity::traffic_rate_bytes(0, n.min(MAX_RATE) as f32));
                        return Ok(());
                    }
                };
                cur.next();
                self.ext.push(if packets {
                    ExtCommunity::traffic_rate_packets(0, n as f32)
                } else {
                    ExtCommunity::traffic_rate_bytes(0, n.min(MAX_RATE) as f32)
                });
            }
            "redirect" => {
                let v = cur.value(kw, "an address or ASN:NN")?;
                self.redirect(&v)?;
            }
            "redirect-to-nexthop" => self.ext.push(ExtCommunity::redirect_to_next_hop(false)),
            "redirect-to-nexthop-ietf" => {
                let v = cur.value(kw, "an address")?;
                match address(&v)? {
                    IpAddr::V4(a) => self.ext.push(ExtCommunity::redirect_to_ipv4(a, false)),
                    IpAddr::V6(a) => self.ext6.push(Ipv6ExtCommunity::redirect_to_ipv6(a, false)),
                }
            }
            "copy" => {
                let v = cur.value(kw, "an address")?;
                self.next_hop = Some(NextHopSpec::Ip(address(&v)?));
                self.ext.push(ExtCommunity::redirect_to_next_hop(true));
            }
            "mark" => {
                let v = cur.value(kw, "a DSCP value")?;
                let d = parse_u32(v.text)
                    .and_then(|d| u8::try_from(d).ok())
                    .filter(|d| *d <= 63)
                    .ok_or_else(|| err(&v, "mark takes a DSCP value, 0-63"))?;
                self.ext.push(ExtCommunity::traffic_marking(d));
            }
            "action" => {
                let v = cur.value(kw, "sample, terminal or sample-terminal")?;
                // ExaBGP looks for the two words anywhere in the value.
                let s = v.text;
                let (sample, terminal) = (s.contains("sample"), s.contains("terminal"));
                if !sample && !terminal {
                    return Err(err(&v, "action takes sample, terminal or sample-terminal"));
                }
                self.ext
                    .push(ExtCommunity::traffic_action(sample, terminal));
            }
            "community" => {
                let mut c = community::communities(cur, kw)?;
                if self.communities.is_some() {
                    return Err(given_twice(kw));
                }
                c.sort_unstable();
                self.communities = Some(c);
            }
            "large-community" => {
                let mut c = community::large_communities(cur, kw)?;
                if self.large.is_some() {
                    return Err(given_twice(kw));
                }
                c.sort_unstable();
                self.large = Some(c);
            }
            _ => {
                let c = community::ext_communities(cur, kw)?;
                self.ext.extend(c);
            }
        }
        Ok(())
    }

    /// `redirect 65000:100`, `redirect 4200000000:100`, `redirect 192.0.2.1:100` (RFC 8955
    /// §7.4), `redirect 192.0.2.1` / `redirect 2001:db8::1` (the next hop, with draft-simpson's
    /// redirect-to-next-hop community, as ExaBGP sends it).
    fn redirect(&mut self, v: &Token<'_>) -> Result<()> {
        let s = v.text;
        if s.matches(':').count() != 1 {
            let ip = parse_ip(s).ok_or_else(|| err(v, "invalid redirect address"))?;
            self.next_hop = Some(NextHopSpec::Ip(ip));
            self.ext.push(ExtCommunity::redirect_to_next_hop(false));
            return Ok(());
        }
        // ExaBGP sets the rule's next hop to none with this form, dropping one given before.
        if let Some(NextHopSpec::Ip(_) | NextHopSpec::SelfAddr) = self.next_hop {
            return Err(err(
                v,
                "ExaBGP drops the next hop given before a 'redirect ASN:NN' (it sends none): \
                 give the next hop (next-hop, copy, redirect IP) after the redirect, or leave \
                 it out",
            ));
        }
        let (global, local) = s.split_once(':').unwrap_or((s, ""));
        let local = parse_dec_u64(local)
            .ok_or_else(|| err(v, "redirect takes ASN:NN, IP:NN or an address"))?;
        if let Some(ip) = parse_ipv4(global) {
            // RFC 8955 §7.4 redirect-ipv4 (0x8108). ExaBGP 5.0.15 refuses this form.
            let l = u16::try_from(local)
                .map_err(|_| err(v, "with an IPv4 address the local part is 0-65535"))?;
            self.ext.push(ExtCommunity::ipv4_address(0x81, 0x08, ip, l));
            return Ok(());
        }
        let asn = parse_dec_u64(global)
            .ok_or_else(|| err(v, "redirect takes ASN:NN, IP:NN or an address"))?;
        let c = match (u16::try_from(asn), u32::try_from(asn)) {
            (Ok(a), _) => {
                let l = u32::try_from(local)
                    .map_err(|_| err(v, "the local part is a 32-bit number"))?;
                ExtCommunity::two_octet_as(0x80, 0x08, a, l)
            }
            (Err(_), Ok(a)) => {
                let l = u16::try_from(local)
                    .map_err(|_| err(v, "with a 4-octet AS number the local part is 0-65535"))?;
                ExtCommunity::four_octet_as(0x82, 0x08, a, l)
            }
            _ => return Err(err(v, "the AS number is a 32-bit number")),
        };
        self.ext.push(c);
        Ok(())
    }

    /// The rule, checked. `at` is the keyword that starts it (`route`, or the SAFI of
    /// `announce { ipv4 { flow … } }`): where the rule was written, and what errors about
    /// the whole rule point at.
    pub fn finish(self, at: &Token<'_>) -> Result<FlowRule> {
        let FlowDraft {
            forced,
            prefix_afi,
            rd,
            next_hop,
            prefixes,
            ops,
            v6_only,
            mut ext,
            mut ext6,
            communities,
            large,
            name,
        } = self;
        let afi = forced.or(prefix_afi.map(|p| p.0)).unwrap_or(Afi::IPV4);
        if prefixes.is_empty() && ops.is_empty() {
            return Err(err(
                at,
                "a flow route needs at least one match (a rule without one matches every packet)",
            ));
        }
        if let (Afi::IPV4, Some(s)) = (afi, v6_only) {
            return Err(ConfigError::at(
                s,
                "flow-label",
                "flow-label is IPv6 only (RFC 8956 §3.7): give an IPv6 source or destination",
            ));
        }
        let mut components: Vec<Component> = Vec::with_capacity(prefixes.len() + ops.len());
        for (kind, value) in prefixes {
            components.push(Component { kind, value });
        }
        for (kind, mut list) in ops {
            let n = list.len();
            for (i, op) in list.iter_mut().enumerate() {
                op.op = if i + 1 == n {
                    op.op | Op::END
                } else {
                    op.op & !Op::END
                };
            }
            let value = if matches!(kind, C::TCP_FLAGS | C::FRAGMENT) {
                ComponentValue::Bitmask(list)
            } else {
                ComponentValue::Numeric(list)
            };
            components.push(Component { kind, value });
        }
        components.sort_by_key(|c| c.kind);
        let spec = FlowSpec {
            path_id: None,
            rd,
            components,
            extended_length: false,
        };
        if spec.body_len() > MAX_BODY {
            return Err(err(
                at,
                format!(
                    "this flow route is {} octets long: the most a flow NLRI holds is {MAX_BODY}",
                    spec.body_len()
                ),
            ));
        }
        let safi = if rd.is_some() {
            Safi::FLOW_VPN
        } else {
            Safi::FLOW
        };
        let mut attributes = Vec::new();
        if let Some(c) = communities.filter(|c| !c.is_empty()) {
            attributes.push(Attribute::new(AttrValue::Communities(c)));
        }
        if !ext.is_empty() {
            ext.sort_unstable();
            attributes.push(Attribute::new(AttrValue::ExtCommunities(ext)));
        }
        if !ext6.is_empty() {
            ext6.sort_unstable();
            attributes.push(Attribute::new(AttrValue::Ipv6ExtCommunities(ext6)));
        }
        if let Some(c) = large.filter(|c| !c.is_empty()) {
            attributes.push(Attribute::new(AttrValue::LargeCommunities(c)));
        }
        attributes.sort_by_key(|a| a.value.type_code());
        Ok(FlowRule {
            family: Family::new(afi, safi),
            spec,
            next_hop: next_hop.unwrap_or(NextHopSpec::None),
            attributes,
            name,
            span: at.span(),
        })
    }
}

/// The value kind of an operator-list match keyword.
fn match_value(word: &str) -> Option<Value> {
    Some(match word {
        "protocol" | "next-header" => Value::Protocol,
        "port" => Value::Port(C::PORT),
        "destination-port" => Value::Port(C::DESTINATION_PORT),
        "source-port" => Value::Port(C::SOURCE_PORT),
        "icmp-type" => Value::IcmpType,
        "icmp-code" => Value::IcmpCode,
        "tcp-flags" => Value::TcpFlags,
        "packet-length" => Value::PacketLength,
        "dscp" => Value::Dscp,
        "traffic-class" => Value::TrafficClass,
        "fragment" => Value::Fragment,
        "flow-label" => Value::FlowLabel,
        _ => return None,
    })
}

fn misplaced(kw: &Token<'_>, section: Section, belongs: &str) -> ConfigError {
    let place = if belongs == "route" {
        "directly in the flow route block".to_string()
    } else {
        format!("in a '{belongs}' block")
    };
    err(
        kw,
        format!(
            "'{}' is not allowed in {}: write it {place}",
            kw.text,
            match section {
                Section::Route => "the flow route block",
                Section::Match => "'match'",
                Section::Then => "'then'",
                Section::Scope => "'scope'",
                Section::Line => "a flow route",
            }
        ),
    )
}

fn given_twice(kw: &Token<'_>) -> ConfigError {
    err(
        kw,
        format!(
            "'{}' is given twice in this flow route (ExaBGP keeps only the first): write one list",
            kw.text
        ),
    )
}

fn address(v: &Token<'_>) -> Result<IpAddr> {
    parse_ip(v.text).ok_or_else(|| err(v, "invalid IP address"))
}

/// A route distinguisher as ExaBGP reads one (RFC 4364 §4.2): `IP:N` is type 1; `ASN:N` is
/// type 0 when the AS fits 16 bits and N 32, type 2 when the AS fits 32 bits and N 16.
pub(crate) fn route_distinguisher(v: &Token<'_>) -> Result<RouteDistinguisher> {
    let bad = |why: &str| {
        err(
            v,
            format!("invalid route distinguisher ({why}; expected ASN:NN or IP:NN)"),
        )
    };
    let (global, local) = v
        .text
        .split_once(':')
        .filter(|(g, _)| !g.is_empty())
        .ok_or_else(|| bad("no ':'"))?;
    let local = parse_dec_u64(local).ok_or_else(|| bad("the number after ':' is not a number"))?;
    let b = if global.contains('.') {
        let ip = parse_ipv4(global).ok_or_else(|| bad("not an IPv4 address"))?;
        let l = u16::try_from(local).map_err(|_| bad("with an address the number is 0-65535"))?;
        let [l0, l1] = l.to_be_bytes();
        let [a, c, d, e] = ip.octets();
        [0, 1, a, c, d, e, l0, l1]
    } else {
        let asn = parse_dec_u64(global).ok_or_else(|| bad("the AS number is not a number"))?;
        if let (Ok(a), Ok(l)) = (u16::try_from(asn), u32::try_from(local)) {
            let [a0, a1] = a.to_be_bytes();
            let [l0, l1, l2, l3] = l.to_be_bytes();
            [0, 0, a0, a1, l0, l1, l2, l3]
        } else if let (Ok(a), Ok(l)) = (u32::try_from(asn), u16::try_from(local)) {
            let [a0, a1, a2, a3] = a.to_be_bytes();
            let [l0, l1] = l.to_be_bytes();
            [0, 2, a0, a1, a2, a3, l0, l1]
        } else {
            return Err(bad("out of range"));
        }
    };
    Ok(RouteDistinguisher(b))
}

#[cfg(test)]
mod tests;
