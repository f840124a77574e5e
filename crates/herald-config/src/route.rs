//! Route attributes, written the same way in `static { route … }`, `announce { ipv4 { unicast
//! … } }` and the text API: `10.0.0.0/24 next-hop 192.0.2.1 med 100 community [65000:1]`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use herald_wire::attr::{Aggregator, AsPath, Origin, Segment, SegmentType};
use herald_wire::iana::attr_type as T;
use herald_wire::nlri::{
    EncodedNlri, Label, LabelStack, LabeledPrefix, RouteDistinguisher, VpnPrefix,
};
use herald_wire::{AttrValue, Attribute, Family, Nlri, Prefix, Safi};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::error::{ConfigError, Result, Span};
use crate::hash::Fnv;
use crate::keywords::{hint, Context};
use crate::lexer::{Kind, Token};
use crate::model::{AttrSet, NextHopSpec, Route, RouteLabels};
use crate::values::{
    hex_bytes, parse_asn, parse_ip, parse_ipv4, parse_ipv4_prefix, parse_num_u64, parse_u32,
};

mod community;
pub(crate) mod flow;

pub use flow::FlowRule;
pub(crate) mod evpn;
pub(crate) mod mup;
pub(crate) mod mvpn;
mod prefix_sid;
mod table;
pub use table::{RouteGroup, RouteTable};
pub(crate) mod rtc;
pub(crate) mod vpls;

/// The most routes one `split` may create.
pub(crate) const MAX_SPLIT: u32 = 1 << 20;

/// A read position in the tokens of one statement.
pub(crate) struct Cursor<'t, 'a> {
    toks: &'t [Token<'a>],
    i: usize,
}

impl<'t, 'a> Cursor<'t, 'a> {
    pub fn new(toks: &'t [Token<'a>]) -> Self {
        Cursor { toks, i: 0 }
    }

    #[inline]
    pub fn next(&mut self) -> Option<Token<'a>> {
        let t = self.toks.get(self.i).copied();
        if t.is_some() {
            self.i += 1;
        }
        t
    }

    #[inline]
    pub fn peek(&self) -> Option<&Token<'a>> {
        self.toks.get(self.i)
    }

    /// The token before the next one.
    pub fn previous(&self) -> Option<&Token<'a>> {
        self.i.checked_sub(1).and_then(|i| self.toks.get(i))
    }

    /// The next token, which must be a word or quoted string; `after` is the keyword it
    /// belongs to, for the error.
    pub fn value(&mut self, after: &Token<'_>, what: &str) -> Result<Token<'a>> {
        match self.next() {
            Some(t) if t.is_value() => Ok(t),
            Some(t) => Err(err(&t, format!("expected {what} after '{}'", after.text))),
            None => Err(err(after, format!("'{}' needs {what}", after.text))),
        }
    }
}

/// An error at a token.
#[inline]
pub(crate) fn err(tok: &Token<'_>, message: impl Into<String>) -> ConfigError {
    ConfigError::at(tok.span(), tok.shown(), message)
}

/// An `unsupported:` error at a token.
pub(crate) fn unsupported(tok: &Token<'_>, feature: &str, detail: &str) -> ConfigError {
    let message = if detail.is_empty() {
        format!("unsupported: {feature}")
    } else {
        format!("unsupported: {feature} ({detail})")
    };
    err(tok, message)
}

/// Parse `a.b.c.d/len`, `x::/len`, or a bare address (a host route).
pub(crate) fn parse_prefix(tok: &Token<'_>) -> Result<IpNet> {
    let s = tok.text;
    let bad = || err(tok, "expected a prefix (address/length)");
    if !tok.is_value() {
        return Err(bad());
    }
    // The common case, in one pass: an IPv4 prefix without host bits.
    if let Some((a, len)) = parse_ipv4_prefix(s) {
        if let Ok(net) = Ipv4Net::new(a, len) {
            if net.network() == a {
                return Ok(IpNet::V4(net));
            }
        }
    }
    let (addr, len) = match s.bytes().position(|b| b == b'/') {
        Some(i) => (s.get(..i).unwrap_or(""), s.get(i + 1..)),
        None => (s, None),
    };
    let ip = parse_ip(addr).ok_or_else(bad)?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = match len {
        None => max,
        Some(l) => match parse_u32(l) {
            Some(l) if l <= u32::from(max) => l as u8,
            _ => return Err(err(tok, format!("prefix length must be 0 to {max}"))),
        },
    };
    let net = match ip {
        IpAddr::V4(a) => Ipv4Net::new(a, len).map(IpNet::V4),
        IpAddr::V6(a) => Ipv6Net::new(a, len).map(IpNet::V6),
    }
    .map_err(|_| bad())?;
    if net.network() != ip {
        return Err(err(
            tok,
            format!(
                "host bits set in the prefix (did you mean {}?)",
                net.trunc()
            ),
        ));
    }
    Ok(net)
}

/// The family ExaBGP gives a prefix in `static` and `announce route`: IPv4 multicast for
/// 224.0.0.0/4 addresses, unicast otherwise.
pub(crate) fn static_family(net: &IpNet) -> Family {
    match net {
        IpNet::V4(v) if v.addr().is_multicast() => Family::IPV4_MULTICAST,
        IpNet::V4(_) => Family::IPV4_UNICAST,
        IpNet::V6(_) => Family::IPV6_UNICAST,
    }
}

/// A route's attributes as they are being read.
#[derive(Clone, Debug)]
pub(crate) struct RouteDraft {
    pub next_hop: NextHopSpec,
    pub attrs: Vec<Attribute>,
    pub path_id: Option<u32>,
    pub split: Option<(u8, Span)>,
    pub watchdog: Option<String>,
    pub withdrawn: bool,
    pub name: Option<String>,
    /// `rd` and `label`: a labeled (RFC 8277) or VPN (RFC 4364) route.
    pub mpls: Mpls,
    /// The fields of an EVPN route, when the draft is one (its `rd` and `label` are in `mpls`).
    pub evpn: Option<evpn::EvpnDraft>,
    /// The fields of a VPLS route, when the draft is one (its `rd` is in `mpls`).
    pub vpls: Option<vpls::VplsDraft>,
    /// The fields of an MCAST-VPN route, when the draft is one (its `rd` is in `mpls`).
    pub mvpn: Option<mvpn::MvpnDraft>,
    /// The fields of a MUP route, when the draft is one (its `rd` is in `mpls`).
    pub mup: Option<mup::MupDraft>,
    /// The fields of an RTC route, when the draft is one.
    pub rtc: Option<rtc::RtcDraft>,
    /// The shared part last built from the draft: family, next hop and its index.
    last: Option<(Family, NextHopSpec, u32)>,
}

/// A route's route distinguisher and label stack, when it has either.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Mpls {
    pub rd: Option<RouteDistinguisher>,
    pub labels: Option<LabelStack>,
}

impl Mpls {
    fn is_empty(&self) -> bool {
        self.rd.is_none() && self.labels.is_none()
    }
}

/// The family of a route with these `rd`/`label` settings: MPLS VPN with a route
/// distinguisher, labeled unicast with only labels (as ExaBGP decides for `static` routes);
/// `Err` with the reason when the family given cannot carry them.
pub(crate) fn mpls_family(family: Family, m: &Mpls) -> std::result::Result<Family, String> {
    let safi = match (family.safi, m.rd.is_some(), m.labels.is_some()) {
        (Safi::UNICAST | Safi::MPLS_LABEL | Safi::MPLS_VPN, true, true) => Safi::MPLS_VPN,
        (Safi::UNICAST | Safi::MPLS_LABEL, false, true) => Safi::MPLS_LABEL,
        (Safi::MPLS_VPN, false, _) => return Err("a VPN route (mpls-vpn) needs an rd".into()),
        (Safi::MPLS_VPN | Safi::MPLS_LABEL | Safi::UNICAST, true, false) => {
            return Err("a VPN route (rd) needs a label".into())
        }
        (Safi::MPLS_LABEL, false, false) => {
            return Err("a labeled route (nlri-mpls) needs a label".into())
        }
        (s, false, false) => s,
        (s, _, _) => {
            return Err(format!(
                "rd and label make no sense for {} routes",
                Family::new(family.afi, s)
            ))
        }
    };
    Ok(Family::new(family.afi, safi))
}

impl Default for RouteDraft {
    fn default() -> Self {
        RouteDraft {
            next_hop: NextHopSpec::None,
            attrs: Vec::new(),
            path_id: None,
            split: None,
            watchdog: None,
            withdrawn: false,
            name: None,
            mpls: Mpls::default(),
            evpn: None,
            vpls: None,
            mvpn: None,
            mup: None,
            rtc: None,
            last: None,
        }
    }
}

/// What stopped [`RouteDraft::apply`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The tokens ran out.
    End,
    /// The keyword `nlri` (only when asked to stop there).
    Nlri,
}

impl RouteDraft {
    /// Forget everything, keeping the buffers.
    pub fn clear(&mut self) {
        self.next_hop = NextHopSpec::None;
        self.attrs.clear();
        self.path_id = None;
        self.split = None;
        self.watchdog = None;
        self.withdrawn = false;
        self.name = None;
        self.mpls = Mpls::default();
        self.evpn = None;
        self.vpls = None;
        self.mvpn = None;
        self.mup = None;
        self.rtc = None;
        self.last = None;
    }

    /// Add (or replace: the last one written wins) an attribute.
    fn set(&mut self, value: AttrValue) {
        // An empty list (`community [ ]`) means none: no attribute is sent, as ExaBGP does (an
        // empty list attribute on the wire is malformed, RFC 7606 §7.8).
        let empty = match &value {
            AttrValue::Communities(c) => c.is_empty(),
            AttrValue::ExtCommunities(c) => c.is_empty(),
            AttrValue::LargeCommunities(c) => c.is_empty(),
            AttrValue::ClusterList(c) => c.is_empty(),
            _ => false,
        };
        if empty {
            let code = value.type_code();
            self.attrs.retain(|x| x.value.type_code() != code);
            return;
        }
        self.set_attr(Attribute::new(value));
    }

    fn set_attr(&mut self, a: Attribute) {
        let code = a.value.type_code();
        if let Some(slot) = self.attrs.iter_mut().find(|x| x.value.type_code() == code) {
            *slot = a;
        } else {
            self.attrs.push(a);
        }
    }

    /// Read attribute keywords from `cur` until it ends (or, with `stop_at_nlri`, at `nlri`).
    pub fn apply(&mut self, cur: &mut Cursor<'_, '_>, stop_at_nlri: bool) -> Result<Stop> {
        self.last = None;
        while let Some(kw) = cur.next() {
            if !kw.is_value() {
                return Err(err(&kw, "expected a route attribute"));
            }
            match kw.text {
                // An RTC route's fields first: its `origin ASN` is not the ORIGIN attribute.
                w if self.rtc.is_some() && rtc::RtcDraft::takes(w, cur.peek()) => {
                    if let Some(r) = self.rtc.as_mut() {
                        r.field(&kw, cur)?;
                    }
                }
                "next-hop" => {
                    let v = cur.value(&kw, "an address or 'self'")?;
                    self.next_hop = if v.text.eq_ignore_ascii_case("self") {
                        NextHopSpec::SelfAddr
                    } else {
                        NextHopSpec::Ip(
                            parse_ip(v.text).ok_or_else(|| err(&v, "invalid next-hop address"))?,
                        )
                    };
                }
                "origin" => {
                    let v = cur.value(&kw, "igp, egp or incomplete")?;
                    let o = match v.text.to_ascii_lowercase().as_str() {
                        "igp" => Origin::Igp,
                        "egp" => Origin::Egp,
                        "incomplete" => Origin::Incomplete,
                        _ => return Err(err(&v, "origin must be igp, egp or incomplete")),
                    };
                    self.set(AttrValue::Origin(o));
                }
                "as-path" => {
                    let p = as_path(cur, &kw)?;
                    self.set(AttrValue::AsPath(p));
                }
                "med" => {
                    let v = cur.value(&kw, "a number")?;
                    let n = parse_u32(v.text).ok_or_else(|| err(&v, "invalid med"))?;
                    self.set(AttrValue::Med(n));
                }
                "local-preference" => {
                    let v = cur.value(&kw, "a number")?;
                    let n = parse_u32(v.text).ok_or_else(|| err(&v, "invalid local-preference"))?;
                    self.set(AttrValue::LocalPref(n));
                }
                "community" => {
                    let c = community::communities(cur, &kw)?;
                    self.set(AttrValue::Communities(c));
                }
                "extended-community" => {
                    let c = community::ext_communities(cur, &kw)?;
                    self.set(AttrValue::ExtCommunities(c));
                }
                "large-community" => {
                    let c = community::large_communities(cur, &kw)?;
                    self.set(AttrValue::LargeCommunities(c));
                }
                "atomic-aggregate" => self.set(AttrValue::AtomicAggregate),
                "aggregator" => {
                    let a = aggregator(cur, &kw)?;
                    self.set(AttrValue::Aggregator(a));
                }
                "originator-id" => {
                    let v = cur.value(&kw, "an IPv4 address")?;
                    let a = parse_ipv4(v.text).ok_or_else(|| err(&v, "invalid originator-id"))?;
                    self.set(AttrValue::OriginatorId(a));
                }
                "cluster-list" => {
                    let ids = list(cur, &kw, "an IPv4 address", |t| {
                        parse_ipv4(t.text).ok_or_else(|| err(t, "invalid cluster id"))
                    })?;
                    self.set(AttrValue::ClusterList(ids));
                }
                "path-information" => {
                    let v = cur.value(&kw, "a number or an IPv4 address")?;
                    let id = parse_u32(v.text)
                        .or_else(|| parse_ipv4(v.text).map(u32::from))
                        .ok_or_else(|| err(&v, "invalid path-information"))?;
                    self.path_id = Some(id);
                }
                "aigp" => {
                    let v = cur.value(&kw, "a number")?;
                    let n = parse_num_u64(v.text).ok_or_else(|| err(&v, "invalid aigp"))?;
                    self.set(AttrValue::aigp(n));
                }
                "attribute" => {
                    let a = generic_attribute(cur, &kw)?;
                    self.set_attr(a);
                }
                "name" => {
                    let v = cur.value(&kw, "a name")?;
                    self.name = Some(v.value().into_owned());
                }
                "watchdog" => {
                    let v = cur.value(&kw, "a name")?;
                    if v.text.eq_ignore_ascii_case("announce")
                        || v.text.eq_ignore_ascii_case("withdraw")
                    {
                        return Err(err(&v, "a watchdog cannot be named announce or withdraw"));
                    }
                    self.watchdog = Some(v.value().into_owned());
                }
                "withdraw" | "withdrawn" => self.withdrawn = true,
                "split" => {
                    let v = cur.value(&kw, "/<length>")?;
                    let n = v
                        .text
                        .strip_prefix('/')
                        .and_then(parse_u32)
                        .filter(|n| *n <= 128)
                        .ok_or_else(|| err(&v, "split needs /<length>"))?;
                    self.split = Some((n as u8, v.span()));
                }
                "nlri" if stop_at_nlri => return Ok(Stop::Nlri),
                "rd" | "route-distinguisher" => {
                    let v = cur.value(&kw, "a route distinguisher (ASN:N or IP:N)")?;
                    let rd = RouteDistinguisher::parse(v.text).ok_or_else(|| {
                        err(&v, "invalid route distinguisher: ASN:N (N up to 2^32-1 for a 2-octet AS, 65535 for a 4-octet one) or a.b.c.d:N (N up to 65535)")
                    })?;
                    self.mpls.rd = Some(rd);
                }
                "label" => {
                    let values = list(cur, &kw, "a label (0-1048575)", |t| {
                        parse_u32(t.text)
                            .filter(|l| *l < 1 << 20)
                            .ok_or_else(|| err(t, "a label is a number from 0 to 1048575"))
                    })?;
                    let n = values.len();
                    let mut it = values.into_iter().enumerate();
                    let Some((_, first)) = it.next() else {
                        return Err(err(&kw, "'label' needs at least one label"));
                    };
                    let mut stack = LabelStack::new(Label::new(first, n == 1));
                    for (i, l) in it {
                        stack.push(Label::new(l, i + 1 == n));
                    }
                    self.mpls.labels = Some(stack);
                }
                "bgp-prefix-sid" => {
                    let tlvs = prefix_sid::label_index(cur, &kw)?;
                    prefix_sid::set(&mut self.attrs, tlvs, false);
                }
                "bgp-prefix-sid-srv6" => {
                    let tlv = prefix_sid::srv6(cur, &kw)?;
                    prefix_sid::set(&mut self.attrs, vec![tlv], true);
                }
                w if mup::is_field(w) && self.mup.is_some() => {
                    if let Some(m) = self.mup.as_mut() {
                        m.field(&kw, cur)?;
                    }
                }
                w if evpn::is_field(w) && self.evpn.is_some() => {
                    if let Some(e) = self.evpn.as_mut() {
                        e.field(&kw, cur)?;
                    }
                }
                w if mvpn::is_field(w) && self.mvpn.is_some() => {
                    if let Some(m) = self.mvpn.as_mut() {
                        m.field(&kw, cur)?;
                    }
                }
                w if vpls::is_field(w) && self.vpls.is_some() => {
                    if let Some(v) = self.vpls.as_mut() {
                        v.field(&kw, cur)?;
                    }
                }
                other => {
                    let h = hint(Context::Route, other);
                    return Err(err(&kw, format!("unknown route attribute '{other}'{h}")));
                }
            }
        }
        Ok(Stop::End)
    }

    /// Turn the draft into routes for `net` (several with `split`), appended to `out`, their
    /// shared part interned in `int`.
    pub fn build(
        &mut self,
        family: Family,
        net: IpNet,
        origin: Span,
        int: &mut Interner,
        out: &mut Vec<RouteRec>,
    ) -> Result<()> {
        mpls_family(family, &self.mpls).map_err(|why| ConfigError::at(origin, "route", why))?;
        let path_id = self.path_id;
        let rec = |net: IpNet, shared: u32| RouteRec {
            prefix: Prefix { path_id, net },
            shared,
            origin,
        };
        let Some((cut, at)) = self.split.filter(|(cut, _)| *cut > net.prefix_len()) else {
            let shared = self.shared(family, &net, int);
            out.push(rec(net, shared));
            return Ok(());
        };
        let len = net.prefix_len();
        if cut > net.max_prefix_len() {
            return Err(ConfigError::at(
                at,
                "split",
                format!("split /{cut} is longer than the address"),
            ));
        }
        let shift = u32::from(cut - len);
        if shift > MAX_SPLIT.trailing_zeros() {
            return Err(ConfigError::at(
                at,
                "split",
                format!("split /{cut} would create more than {MAX_SPLIT} routes"),
            ));
        }
        let shared = self.shared(family, &net, int);
        let count = 1u32 << shift;
        out.reserve(count as usize);
        match net {
            IpNet::V4(v) => {
                let base = u32::from(v.network());
                let step = 1u64 << (32 - u32::from(cut));
                for i in 0..u64::from(count) {
                    let a = (u64::from(base) + i * step) as u32;
                    let n = Ipv4Net::new(a.into(), cut)
                        .map_err(|_| ConfigError::at(at, "split", "bad split"))?;
                    out.push(rec(IpNet::V4(n), shared));
                }
            }
            IpNet::V6(v) => {
                let base = u128::from(v.network());
                let step = 1u128.checked_shl(128 - u32::from(cut)).unwrap_or(0);
                for i in 0..u128::from(count) {
                    let a = base.wrapping_add(i.wrapping_mul(step));
                    let n = Ipv6Net::new(a.into(), cut)
                        .map_err(|_| ConfigError::at(at, "split", "bad split"))?;
                    out.push(rec(IpNet::V6(n), shared));
                }
            }
        }
        Ok(())
    }

    /// The route announcing `nlri` (another family's NLRI, such as an EVPN route) with the
    /// draft's attributes, appended to `out`. `split` makes no sense for it.
    pub fn build_encoded(
        &mut self,
        family: Family,
        nlri: EncodedNlri,
        origin: Span,
        int: &mut Interner,
        out: &mut Vec<RouteRec>,
    ) -> Result<()> {
        if let Some((_, at)) = self.split {
            return Err(ConfigError::at(
                at,
                "split",
                format!("split applies to prefixes, not to {family} routes"),
            ));
        }
        self.attrs.sort_unstable_by_key(|a| a.value.type_code());
        let attributes = int.attr_set(&self.attrs);
        let labels = int.labels(&self.name, &self.watchdog);
        let path_id = nlri.path_id;
        let shared = int.shared(Shared {
            family,
            next_hop: self.next_hop,
            attributes,
            labels,
            withdrawn: self.withdrawn,
            mpls: None,
            nlri: Some(nlri),
        });
        // The prefix is a placeholder: the route's NLRI is the shared part's.
        out.push(RouteRec {
            prefix: Prefix {
                path_id,
                net: IpNet::V4(Ipv4Net::default()),
            },
            shared,
            origin,
        });
        Ok(())
    }

    /// The interned shared part of the draft's routes of `family` (`net` gives the address
    /// family an IPv4 next hop may have to be mapped to).
    fn shared(&mut self, family: Family, net: &IpNet, int: &mut Interner) -> u32 {
        let family = mpls_family(family, &self.mpls).unwrap_or(family);
        let next_hop = mapped_next_hop(self.next_hop, net);
        if let Some((f, nh, id)) = self.last {
            if f == family && nh == next_hop {
                return id;
            }
        }
        self.attrs.sort_unstable_by_key(|a| a.value.type_code());
        let attributes = int.attr_set(&self.attrs);
        let labels = int.labels(&self.name, &self.watchdog);
        let mpls = (!self.mpls.is_empty()).then(|| self.mpls.clone());
        let id = int.shared(Shared {
            family,
            next_hop,
            attributes,
            labels,
            withdrawn: self.withdrawn,
            mpls,
            nlri: None,
        });
        self.last = Some((family, next_hop, id));
        id
    }

    /// What a later route written with the same attribute text can reuse, once the draft
    /// made a route: `None` when the draft depends on where it was written (`split`) or
    /// cannot make a route (no next hop).
    pub fn reusable(&self, int: &Interner) -> Option<Reusable> {
        if self.split.is_some() || self.next_hop == NextHopSpec::None {
            return None;
        }
        let (_, _, id) = self.last?;
        let s = int.shared.get(id as usize)?;
        Some(Reusable {
            next_hop: self.next_hop,
            path_id: self.path_id,
            attributes: s.attributes.clone(),
            labels: s.labels.clone(),
            withdrawn: s.withdrawn,
            mpls: s.mpls.clone(),
            last: self.last,
        })
    }
}

/// An IPv4 next hop of an IPv6 route is IPv4-mapped, as ExaBGP does.
fn mapped_next_hop(nh: NextHopSpec, net: &IpNet) -> NextHopSpec {
    match (nh, net) {
        (NextHopSpec::Ip(IpAddr::V4(a)), IpNet::V6(_)) => {
            NextHopSpec::Ip(IpAddr::V6(a.to_ipv6_mapped()))
        }
        (nh, _) => nh,
    }
}

/// Tables at least this long are made into routes on several threads.
pub(crate) const PARALLEL_ROUTES: usize = 1 << 16;

/// An interner holding at least this many attribute sets is dropped on another thread.
const FREE_APART_SETS: usize = 4096;

/// A draft's result, kept to make the routes of later statements written with the same
/// attribute text without reading it again.
#[derive(Clone, Debug)]
pub(crate) struct Reusable {
    next_hop: NextHopSpec,
    path_id: Option<u32>,
    attributes: AttrSet,
    labels: Option<Arc<RouteLabels>>,
    withdrawn: bool,
    mpls: Option<Mpls>,
    /// The shared part last made: family, next hop and its index.
    last: Option<(Family, NextHopSpec, u32)>,
}

impl Reusable {
    /// For a route without labels or path identifier whose next hop is as written: the
    /// family and shared part [`Reusable::build`] gives a route of that family.
    pub fn plain(&self) -> Option<(Family, u32)> {
        match (&self.mpls, self.path_id, self.last) {
            (None, None, Some((family, nh, id))) if nh == self.next_hop => Some((family, id)),
            _ => None,
        }
    }

    /// The route for `net`, as [`RouteDraft::build`] would make it.
    pub fn build(
        &mut self,
        family: Family,
        net: IpNet,
        origin: Span,
        int: &mut Interner,
        out: &mut Vec<RouteRec>,
    ) {
        let family = match &self.mpls {
            Some(m) => mpls_family(family, m).unwrap_or(family),
            None => family,
        };
        let next_hop = mapped_next_hop(self.next_hop, &net);
        let shared = match self.last {
            Some((f, nh, id)) if f == family && nh == next_hop => id,
            _ => {
                let id = int.shared(Shared {
                    family,
                    next_hop,
                    attributes: self.attributes.clone(),
                    labels: self.labels.clone(),
                    withdrawn: self.withdrawn,
                    mpls: self.mpls.clone(),
                    nlri: None,
                });
                self.last = Some((family, next_hop, id));
                id
            }
        };
        out.push(RouteRec {
            prefix: Prefix {
                path_id: self.path_id,
                net,
            },
            shared,
            origin,
        });
    }
}

/// What the routes written with the same attributes share: all but the prefix and where
/// they were written.
#[derive(Clone, Debug)]
pub(crate) struct Shared {
    pub family: Family,
    pub next_hop: NextHopSpec,
    pub attributes: AttrSet,
    pub labels: Option<Arc<RouteLabels>>,
    pub withdrawn: bool,
    /// Route distinguisher and labels of labeled and VPN routes.
    pub mpls: Option<Mpls>,
    /// The NLRI of a route of another family (EVPN), built by the parser: the route's NLRI,
    /// whatever its record's prefix says.
    pub nlri: Option<EncodedNlri>,
}

/// A route as the parser keeps it (40 octets rather than a [`Route`]'s 80): its prefix,
/// where it was written, and its shared part, an index into [`Interner::shared`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct RouteRec {
    pub prefix: Prefix,
    pub shared: u32,
    pub origin: Span,
}

/// What tells shared parts apart: family, next hop, the addresses of the attribute set and of
/// the labels (both interned), `withdraw`, the route distinguisher and labels, and an encoded
/// NLRI.
type SharedKey = (
    Family,
    NextHopSpec,
    usize,
    usize,
    bool,
    Option<Mpls>,
    // The NLRI's octets: two routes with one identity (an EVPN route with another label) are
    // still two shared parts, each with its own octets.
    Option<(Option<u32>, Box<[u8]>)>,
);

/// The attribute sets, labels and shared parts of the routes of one parse, each kept once.
#[derive(Default)]
pub(crate) struct Interner {
    /// Each set once, found by content (the set's own hash, [`AttrSet::hash_of`]).
    sets: hashbrown::HashTable<AttrSet>,
    labels: HashMap<RouteLabels, Arc<RouteLabels>, Fnv>,
    shared: Vec<Shared>,
    ids: HashMap<SharedKey, u32, Fnv>,
}

impl Interner {
    /// The set holding these attributes.
    fn attr_set(&mut self, attrs: &[Attribute]) -> AttrSet {
        let h = AttrSet::hash_of(attrs);
        if let Some(s) = self.sets.find(h, |s| s.as_slice() == attrs) {
            return s.clone();
        }
        let s = AttrSet::with_hash(attrs.to_vec(), h);
        self.sets.insert_unique(h, s.clone(), AttrSet::content_hash);
        s
    }

    /// The set of this interner equal to `set` (another interner's), `set` itself if none.
    fn attr_set_like(&mut self, set: AttrSet) -> AttrSet {
        let h = set.content_hash();
        if let Some(s) = self.sets.find(h, |s| *s == set) {
            return s.clone();
        }
        self.sets
            .insert_unique(h, set.clone(), AttrSet::content_hash);
        set
    }

    /// The labels for a name and watchdog, if either is given.
    fn labels(
        &mut self,
        name: &Option<String>,
        watchdog: &Option<String>,
    ) -> Option<Arc<RouteLabels>> {
        if name.is_none() && watchdog.is_none() {
            return None;
        }
        let l = RouteLabels {
            name: name.clone(),
            watchdog: watchdog.clone(),
        };
        Some(
            self.labels
                .entry(l)
                .or_insert_with_key(|l| Arc::new(l.clone()))
                .clone(),
        )
    }

    /// The index of a shared part (its attributes and labels come from this interner, so
    /// they are told apart by address).
    fn shared(&mut self, s: Shared) -> u32 {
        let key = (
            s.family,
            s.next_hop,
            s.attributes.id(),
            s.labels.as_ref().map_or(0, |l| Arc::as_ptr(l) as usize),
            s.withdrawn,
            s.mpls.clone(),
            s.nlri.as_ref().map(|e| (e.path_id, Box::from(e.bytes()))),
        );
        if let Some(id) = self.ids.get(&key) {
            return *id;
        }
        let id = self.shared.len() as u32;
        self.shared.push(s);
        self.ids.insert(key, id);
        id
    }

    /// Take in what another interner holds (one that read a later part of the same text):
    /// the new index in this interner of each of its shared parts, in order.
    pub fn absorb(&mut self, mut other: Interner) -> Vec<u32> {
        let shared = std::mem::take(&mut other.shared);
        let mut map = Vec::with_capacity(shared.len());
        for s in shared {
            let attributes = self.attr_set_like(s.attributes.clone());
            let labels = s
                .labels
                .as_ref()
                .and_then(|l| self.labels(&l.name, &l.watchdog));
            map.push(self.shared(Shared {
                attributes,
                labels,
                ..s
            }));
        }
        other.free();
        map
    }

    /// Drop this interner; one holding many sets on another thread (freeing each set's
    /// allocations takes tens of milliseconds for a large table, time the reader need not
    /// wait).
    pub fn free(self) {
        if self.sets.len() >= FREE_APART_SETS {
            crate::drop_apart(self);
        }
    }

    /// Every shared part, by index.
    pub fn shared_parts(&self) -> &[Shared] {
        &self.shared
    }

    /// The shared part a record refers to.
    pub fn get(&self, r: &RouteRec) -> Option<&Shared> {
        self.shared.get(r.shared as usize)
    }

    /// Records as routes; a large table is made on every core, a slice each, joined in order.
    pub fn routes(&self, recs: &[RouteRec]) -> Vec<Route> {
        routes_of(&self.shared, recs)
    }
}

impl Shared {
    /// The NLRI of a record of this shared part.
    pub fn nlri_of(&self, r: &RouteRec) -> Nlri {
        match (&self.nlri, &self.mpls) {
            (Some(e), _) => Nlri::Encoded(e.clone()),
            (None, None) => Nlri::Prefix(r.prefix),
            (None, Some(m)) => mpls_nlri(m, &r.prefix),
        }
    }
}

/// A record as a route.
pub(crate) fn route_of(shared: &[Shared], r: &RouteRec) -> Option<Route> {
    let s = shared.get(r.shared as usize)?;
    Some(Route {
        family: s.family,
        nlri: s.nlri_of(r),
        next_hop: s.next_hop,
        attributes: s.attributes.clone(),
        labels: s.labels.clone(),
        withdrawn: s.withdrawn,
        origin: r.origin,
    })
}

/// Threads for work over a table of `len` records: one per core (at most 4) from
/// [`PARALLEL_ROUTES`] records on, else one.
pub(crate) fn threads_for(len: usize) -> usize {
    if len >= PARALLEL_ROUTES {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    } else {
        1
    }
}

/// `f(i, slice)` for each of [`threads_for`] consecutive slices of `recs`, the first on this
/// thread and the others on their own; the results in slice order.
pub(crate) fn per_slice<T: Send>(
    recs: &[RouteRec],
    f: impl Fn(usize, &[RouteRec]) -> T + Sync,
) -> Vec<T> {
    let chunk = recs.len().div_ceil(threads_for(recs.len())).max(1);
    std::thread::scope(|scope| {
        let f = &f;
        let mut chunks = recs.chunks(chunk).enumerate();
        let first = chunks.next();
        let handles: Vec<_> = chunks.map(|(i, c)| scope.spawn(move || f(i, c))).collect();
        let mut out = Vec::with_capacity(handles.len() + 1);
        out.push(f(0, first.map_or(&[][..], |(_, c)| c)));
        out.extend(
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
        );
        out
    })
}

/// Records as routes; a large table is made on every core, a slice each, joined in order.
fn routes_of(shared: &[Shared], recs: &[RouteRec]) -> Vec<Route> {
    // The first slice is made in a vector with room for every route.
    let mut slices = per_slice(recs, |i, c| {
        let mut v = Vec::with_capacity(if i == 0 { recs.len() } else { c.len() });
        v.extend(c.iter().filter_map(|r| route_of(shared, r)));
        v
    })
    .into_iter();
    let mut v = slices.next().unwrap_or_default();
    for mut rest in slices {
        v.append(&mut rest);
    }
    v
}

/// The NLRI of a labeled or VPN route, encoded (the path identifier kept apart).
fn mpls_nlri(m: &Mpls, p: &Prefix) -> Nlri {
    let mut buf = Vec::with_capacity(32);
    let labels = m.labels.clone().unwrap_or(LabelStack::new(Label::WITHDRAW));
    let label_octets = labels.wire_len();
    match m.rd {
        Some(rd) => VpnPrefix {
            path_id: None,
            labels,
            rd,
            net: p.net,
        }
        .encode(false, &mut buf),
        None => LabeledPrefix {
            path_id: None,
            labels,
            net: p.net,
        }
        .encode(false, &mut buf),
    }
    Nlri::Encoded(EncodedNlri::with_labels(p.path_id, &buf, label_octets))
}

/// `[ a b c ]` or a single value.
pub(crate) fn list<X>(
    cur: &mut Cursor<'_, '_>,
    kw: &Token<'_>,
    what: &str,
    mut item: impl FnMut(&Token<'_>) -> Result<X>,
) -> Result<Vec<X>> {
    let Some(first) = cur.next() else {
        return Err(err(kw, format!("'{}' needs {what}", kw.text)));
    };
    match first.kind {
        Kind::LBracket => {
            let mut v = Vec::new();
            loop {
                match cur.next() {
                    Some(t) if t.kind == Kind::RBracket => return Ok(v),
                    Some(t) if t.is_value() => v.push(item(&t)?),
                    Some(t) => return Err(err(&t, format!("expected {what} or ']'"))),
                    None => return Err(err(&first, "missing ']'")),
                }
            }
        }
        _ if first.is_value() => Ok(vec![item(&first)?]),
        _ => Err(err(&first, format!("expected {what}"))),
    }
}

/// `as-path 65000`, `as-path [ 1 2 ( 3 4 ) 5 ]`, `as-path [ 1 2 ] ( 3 4 )`, and confederation
/// segments written `[ { 1 2 } ]` / `( { 1 2 } )`.
fn as_path(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<AsPath> {
    let first = cur
        .next()
        .ok_or_else(|| err(kw, "'as-path' needs AS numbers"))?;
    if first.is_value() {
        let a = parse_asn(first.text).ok_or_else(|| err(&first, "invalid AS number"))?;
        return Ok(AsPath::sequence(vec![a]));
    }
    let mut segments = Vec::new();
    let mut open = first;
    loop {
        as_path_group(cur, &open, &mut segments)?;
        match cur.peek() {
            Some(t) if matches!(t.kind, Kind::LBracket | Kind::LParen) => {
                open = *t;
                cur.next();
            }
            _ => break,
        }
    }
    Ok(AsPath { segments })
}

fn as_path_group(cur: &mut Cursor<'_, '_>, open: &Token<'_>, out: &mut Vec<Segment>) -> Result<()> {
    let (base, close) = match open.kind {
        Kind::LBracket => (SegmentType::Sequence, Kind::RBracket),
        Kind::LParen => (SegmentType::Set, Kind::RParen),
        _ => return Err(err(open, "expected an AS number, '[' or '('")),
    };
    let confed = |k| match k {
        SegmentType::Sequence => SegmentType::ConfedSequence,
        _ => SegmentType::ConfedSet,
    };
    let flush = |kind: SegmentType, asns: &mut Vec<u32>, out: &mut Vec<Segment>| {
        if !asns.is_empty() {
            out.push(Segment {
                kind,
                asns: std::mem::take(asns),
            });
        }
    };
    let mut kind = base;
    let mut asns = Vec::new();
    let mut nested: Option<(SegmentType, Vec<u32>)> = None;
    loop {
        let t = cur.next().ok_or_else(|| err(open, "as-path not closed"))?;
        match t.kind {
            Kind::Word => {
                let a = parse_asn(t.text).ok_or_else(|| err(&t, "invalid AS number"))?;
                match nested.as_mut() {
                    Some((_, v)) => v.push(a),
                    None => asns.push(a),
                }
            }
            Kind::LParen if base == SegmentType::Sequence && nested.is_none() => {
                flush(kind, &mut asns, out);
                nested = Some((SegmentType::Set, Vec::new()));
            }
            Kind::RParen if nested.is_some() => {
                if let Some((k, mut v)) = nested.take() {
                    flush(k, &mut v, out);
                }
            }
            Kind::LBrace if nested.is_none() => {
                flush(kind, &mut asns, out);
                kind = confed(base);
            }
            Kind::LBrace => {
                if let Some((k, v)) = nested.as_mut() {
                    if v.is_empty() {
                        *k = SegmentType::ConfedSet;
                    }
                }
            }
            Kind::RBrace => {
                if nested.is_none() {
                    flush(kind, &mut asns, out);
                    kind = base;
                }
            }
            k if k == close && nested.is_none() => {
                flush(kind, &mut asns, out);
                return Ok(());
            }
            _ => return Err(err(&t, "unexpected token in as-path")),
        }
    }
}

/// `aggregator ( 65000:192.0.2.1 )`, with or without the parentheses.
fn aggregator(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<Aggregator> {
    let mut t = cur
        .next()
        .ok_or_else(|| err(kw, "'aggregator' needs ( ASN:IP )"))?;
    let paren = t.kind == Kind::LParen;
    if paren {
        t = cur.value(kw, "ASN:IP")?;
    }
    if !t.is_value() {
        return Err(err(&t, "expected ASN:IP"));
    }
    let bad = || err(&t, "aggregator must be ASN:IPv4");
    let (asn, ip) = t.text.split_once(':').ok_or_else(bad)?;
    let agg = Aggregator {
        asn: parse_asn(asn).ok_or_else(bad)?,
        address: parse_ipv4(ip).ok_or_else(bad)?,
    };
    if paren {
        match cur.next() {
            Some(c) if c.kind == Kind::RParen => {}
            Some(c) => return Err(err(&c, "expected ')'")),
            None => return Err(err(&t, "missing ')'")),
        }
    }
    Ok(agg)
}

/// `attribute [ 0xCODE 0xFLAGS 0xHEX ]`: a known type code becomes its typed value (it must
/// decode), any other is kept raw. The flags are kept as written.
fn generic_attribute(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<Attribute> {
    let open = cur
        .next()
        .ok_or_else(|| err(kw, "'attribute' needs [ 0xCODE 0xFLAGS 0xDATA ]"))?;
    if open.kind != Kind::LBracket {
        return Err(err(
            &open,
            "expected '[' (attribute [ 0xCODE 0xFLAGS 0xDATA ])",
        ));
    }
    let hex = |t: &Token<'_>, what: &str| -> Result<Vec<u8>> {
        t.text
            .strip_prefix("0x")
            .or_else(|| t.text.strip_prefix("0X"))
            .and_then(hex_bytes)
            .ok_or_else(|| err(t, format!("{what} must be 0x followed by hex digit pairs")))
    };
    let byte = |t: &Token<'_>, what: &str| -> Result<u8> {
        t.text
            .strip_prefix("0x")
            .or_else(|| t.text.strip_prefix("0X"))
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .ok_or_else(|| err(t, format!("{what} must be 0x and one octet in hex")))
    };
    let code_t = cur.value(kw, "the type code")?;
    let code = byte(&code_t, "the type code")?;
    let flags_t = cur.value(kw, "the flags")?;
    let flags = byte(&flags_t, "the flags")?;
    let data_t = cur.value(kw, "the data")?;
    let data = hex(&data_t, "the data")?;
    match cur.next() {
        Some(t) if t.kind == Kind::RBracket => {}
        Some(t) => return Err(err(&t, "expected ']'")),
        None => return Err(err(&data_t, "missing ']'")),
    }
    if matches!(code, T::NEXT_HOP | T::MP_REACH_NLRI | T::MP_UNREACH_NLRI) {
        return Err(err(
            &code_t,
            "this attribute cannot be given raw: use next-hop and the route's prefix",
        ));
    }
    if herald_wire::attr::expected_flags(code).is_none() || data.len() > 0xffff {
        return Ok(Attribute {
            flags,
            value: AttrValue::Unknown {
                type_code: code,
                data,
            },
        });
    }
    // A known attribute: decode it as if it came in an UPDATE, so it is typed like any other.
    let ext = data.len() > 255 || flags & 0x10 != 0;
    let mut attr = vec![flags | if ext { 0x10 } else { 0 }, code];
    if ext {
        attr.extend_from_slice(&(data.len() as u16).to_be_bytes());
    } else {
        attr.push(data.len() as u8);
    }
    attr.extend_from_slice(&data);
    let mut body = vec![0, 0];
    body.extend_from_slice(&(attr.len().min(0xffff) as u16).to_be_bytes());
    body.extend_from_slice(&attr);
    let decoded = herald_wire::Update::decode(&body, &herald_wire::Context::default());
    match decoded {
        Ok(u) if u.errors.is_empty() && u.attributes.len() == 1 => {
            let mut attrs = u.attributes;
            let a = attrs
                .pop()
                .ok_or_else(|| err(&data_t, "attribute did not decode"))?;
            Ok(Attribute {
                flags,
                value: a.value,
            })
        }
        _ => Err(err(
            &data_t,
            format!(
                "attribute 0x{code:02x} with flags 0x{flags:02x} does not decode as that attribute"
            ),
        )),
    }
}

#[cfg(test)]
mod tests;
