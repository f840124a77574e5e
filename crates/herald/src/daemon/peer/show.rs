//! `show neighbor` and `show adj-rib in|out`: what a peer task answers about itself.

use std::fmt::Write;
use std::net::IpAddr;

use ipnet::IpNet;

use herald_rib::NlriRef;
use herald_wire::attr::NextHop;
use herald_wire::{Attribute, Context, Family, Update};

use super::Peer;
use crate::daemon::export::GroupKey;

/// What a `show adj-rib` asks for.
#[derive(Clone, Debug)]
pub struct RibQuery {
    /// Adj-RIB-In (true) or Adj-RIB-Out.
    pub received: bool,
    /// Attributes too.
    pub extensive: bool,
    /// One JSON object per route instead of text.
    pub json: bool,
    /// Only these families (all when empty).
    pub families: Vec<Family>,
    /// The neighbor's full ExaBGP name, printed before each route of an extensive text listing.
    pub name: String,
    /// Only routes whose prefix matches (routes without a prefix, flowspec for one, never do).
    pub prefix: Option<PrefixFilter>,
    /// Matching routes to pass over before the first listed (paging).
    pub skip: usize,
    /// Routes listed at most (0: all).
    pub limit: usize,
}

/// How a RIB query's prefix selects routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrefixMatch {
    /// The routes for exactly this prefix.
    Exact,
    /// The routes for the longest prefix that covers it (a route lookup).
    Longest,
    /// The routes for this prefix and every prefix inside it.
    OrLonger,
}

/// A RIB query's prefix and how it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrefixFilter {
    /// The prefix (an address is a /32 or /128).
    pub net: IpNet,
    /// How.
    pub how: PrefixMatch,
}

impl PrefixFilter {
    /// Whether a route for `p` is a candidate: `p` equals the prefix, covers it (longest
    /// match) or lies inside it.
    fn candidate(&self, p: &IpNet) -> bool {
        match self.how {
            PrefixMatch::Exact => *p == self.net,
            PrefixMatch::Longest => p.contains(&self.net),
            PrefixMatch::OrLonger => self.net.contains(p),
        }
    }
}

/// Which routes a query's prefix selects; for a longest match, the length of the longest
/// covering prefix among the routes is found first.
struct Select {
    filter: Option<PrefixFilter>,
    /// With a longest match: that length (`None` when no route covers the prefix).
    longest: Option<Option<u8>>,
}

impl Select {
    /// `prefixes`: the prefixes of the routes listed (read only for a longest match).
    fn new(filter: Option<PrefixFilter>, prefixes: impl Iterator<Item = IpNet>) -> Self {
        let longest = filter.filter(|f| f.how == PrefixMatch::Longest).map(|f| {
            prefixes
                .filter(|p| f.candidate(p))
                .map(|p| p.prefix_len())
                .max()
        });
        Select { filter, longest }
    }

    /// Whether a route with the prefix `prefix` gives (asked only when there is a filter) is
    /// selected; routes without a prefix are not when there is one.
    fn selects(&self, prefix: impl FnOnce() -> Option<IpNet>) -> bool {
        let Some(f) = &self.filter else { return true };
        let Some(p) = prefix() else { return false };
        f.candidate(&p) && self.longest.is_none_or(|l| l == Some(p.prefix_len()))
    }
}

/// One page of a RIB listing.
#[derive(Clone, Debug, Default)]
pub struct RibPage {
    /// The routes, one line each.
    pub lines: Vec<String>,
    /// More routes follow (ask again with `skip` moved on by `lines.len()`).
    pub more: bool,
}

/// The prefix of an Adj-RIB-In route, if it has one.
fn in_prefix(n: &NlriRef<'_>) -> Option<IpNet> {
    match n {
        NlriRef::Prefix(p) | NlriRef::Labeled(p, _) | NlriRef::Vpn(_, p, _) => Some(p.net),
        NlriRef::Flow(_) | NlriRef::Encoded(_) => None,
    }
}

/// The prefix of an Adj-RIB-Out route, if it has one.
fn out_prefix(family: Family, n: &herald_wire::Nlri) -> Option<IpNet> {
    match n {
        herald_wire::Nlri::Prefix(p) => Some(p.net),
        herald_wire::Nlri::Encoded(_) => match n.decoded(family)? {
            herald_wire::NlriList::Labeled(v) => v.first().map(|p| p.net),
            herald_wire::NlriList::Vpn(v) => v.first().map(|p| p.net),
            _ => None,
        },
    }
}

/// Pages through the routes a query selects: passes over `skip`, keeps `limit`.
struct Pager {
    skip: usize,
    limit: usize,
    page: RibPage,
}

/// Pages of a listing at most: a table of N routes is listed in pages of at least N/64
/// routes, so that passing over the routes of earlier pages (the tables are hash maps, with no
/// place to resume from) costs at most 64 walks of the table in all.
pub const MAX_PAGES: usize = 64;

impl Pager {
    fn new(q: &RibQuery, table: usize) -> Self {
        Pager {
            skip: q.skip,
            limit: if q.limit == 0 {
                usize::MAX
            } else {
                q.limit.max(table / MAX_PAGES)
            },
            page: RibPage::default(),
        }
    }

    /// Whether the next matching route is to be rendered (false while skipping); sets
    /// `more` and returns false once the page is full.
    fn take(&mut self) -> bool {
        if self.skip > 0 {
            self.skip -= 1;
            return false;
        }
        if self.page.lines.len() >= self.limit {
            self.page.more = true;
            return false;
        }
        true
    }

    fn full(&self) -> bool {
        self.page.more
    }
}

/// A neighbor's state and counters, for `show neighbor`.
#[derive(Clone, Debug)]
pub struct NeighborStatus {
    /// Peer address.
    pub address: IpAddr,
    /// Local address of the session, when connected.
    pub local_address: Option<IpAddr>,
    /// Our AS.
    pub local_as: u32,
    /// The peer's AS (configured, or learnt from its OPEN).
    pub peer_as: Option<u32>,
    /// FSM state name.
    pub state: &'static str,
    /// Seconds since established.
    pub uptime: Option<u64>,
    /// Messages received by type (OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH).
    pub received: [u64; 6],
    /// Routes in the Adj-RIB-In (stale ones included).
    pub routes_received: usize,
    /// Stale routes (graceful restart).
    pub routes_stale: usize,
    /// Routes in the Adj-RIB-Out.
    pub routes_sent: usize,
    /// Negotiated families.
    pub families: Vec<Family>,
    /// Configuration settings, for `show neighbor configuration`.
    pub configuration: Vec<(String, String)>,
    /// Message and NOTIFICATION counters, sessions established.
    pub counters: super::Counters,
    /// What the session negotiated, while it is up.
    pub negotiated: Option<herald_session::Negotiated>,
    /// Adj-RIB-In routes per family.
    pub received_by_family: Vec<(Family, usize)>,
    /// Adj-RIB-Out routes per family.
    pub sent_by_family: Vec<(Family, usize)>,
}

impl Peer {
    pub(super) fn status(&self) -> NeighborStatus {
        NeighborStatus {
            address: self.spec.address,
            local_address: self.view_local(),
            local_as: self.session.config().local_as,
            peer_as: self
                .view
                .as_ref()
                .map(|v| v.negotiated.peer_as)
                .or(self.session.config().peer_as),
            state: self.session.state().name(),
            uptime: self.up_since.map(|t| t.elapsed().as_secs()),
            received: self.counters.received,
            routes_received: self.rib_in.len(),
            routes_stale: self.rib_in.stale_count(),
            routes_sent: self.out.len(),
            families: self
                .view
                .as_ref()
                .map(|v| v.negotiated.families.clone())
                .unwrap_or_default(),
            configuration: self.spec.description.clone(),
            counters: self.counters.clone(),
            negotiated: self.view.as_ref().map(|v| v.negotiated.clone()),
            received_by_family: self
                .rib_in
                .families()
                .map(|f| (f, self.rib_in.len_family(f)))
                .collect(),
            sent_by_family: {
                let mut v: Vec<(Family, usize)> = Vec::new();
                for (_, f, ps) in self.out.groups() {
                    match v.iter_mut().find(|(g, _)| *g == f) {
                        Some((_, n)) => *n += ps.len(),
                        None => v.push((f, ps.len())),
                    }
                }
                v.sort_by_key(|(f, _)| *f);
                v
            },
        }
    }

    /// One page of the routes a query selects, in the table's order.
    pub(super) fn rib_page(&self, q: &RibQuery) -> RibPage {
        let want = |f: Family| q.families.is_empty() || q.families.contains(&f);
        let peer = self.spec.address;
        let table = if q.received {
            self.rib_in.len()
        } else {
            self.out.len()
        };
        let mut pager = Pager::new(q, table);
        if let Some(page) = self.lookup(q) {
            return page;
        }
        if q.received {
            let select = Select::new(
                q.prefix,
                self.rib_in
                    .iter()
                    .filter(|r| want(r.family))
                    .filter_map(|r| in_prefix(&r.nlri)),
            );
            for r in self.rib_in.iter() {
                if !want(r.family) || !select.selects(|| in_prefix(&r.nlri)) {
                    continue;
                }
                if !pager.take() {
                    if pager.full() {
                        break;
                    }
                    continue;
                }
                let nlri = nlri_text(r.family, &r.nlri);
                let nh = r.attributes.next_hop().map(next_hop_text);
                pager.page.lines.push(route_line(
                    q,
                    peer,
                    r.family,
                    &nlri,
                    nh.as_deref(),
                    r.attributes.attributes(),
                    r.stale,
                ));
            }
        } else {
            let select = Select::new(
                q.prefix,
                self.out
                    .groups()
                    .filter(|(_, fam, _)| want(*fam))
                    .flat_map(|(_, fam, ps)| ps.iter().filter_map(move |n| out_prefix(fam, n))),
            );
            'groups: for (k, f, prefixes) in self.out.groups() {
                if !want(f) {
                    continue;
                }
                let nh = group_next_hop(&k.group);
                for n in prefixes {
                    if !select.selects(|| out_prefix(f, n)) {
                        continue;
                    }
                    if !pager.take() {
                        if pager.full() {
                            break 'groups;
                        }
                        continue;
                    }
                    let nlri = out_nlri_text(f, n);
                    pager.page.lines.push(route_line(
                        q,
                        peer,
                        f,
                        &nlri,
                        Some(&nh),
                        &k.group.attributes,
                        false,
                    ));
                }
            }
        }
        pager.page
    }
}

impl Peer {
    /// An exact or longest-match query on an Adj-RIB-In that holds only unicast and multicast
    /// routes without path identifiers: answered by hash lookups (one per prefix length at
    /// most) instead of a walk of the table. `None` when the query needs the walk.
    fn lookup(&self, q: &RibQuery) -> Option<RibPage> {
        let f = q.prefix.filter(|f| f.how != PrefixMatch::OrLonger)?;
        if !q.received || q.skip > 0 {
            return None;
        }
        let plain = |fam: &Family| {
            matches!(
                fam.safi,
                herald_wire::Safi::UNICAST | herald_wire::Safi::MULTICAST
            )
        };
        let add_path = self
            .view
            .as_ref()
            .map(|v| v.negotiated.add_path_receive.clone())
            .unwrap_or_default();
        let families: Vec<Family> = self.rib_in.families().collect();
        if families
            .iter()
            .any(|fam| !plain(fam) || add_path.contains(fam))
        {
            return None;
        }
        let v6 = f.net.addr().is_ipv6();
        let want = |fam: &Family| {
            (fam.afi == herald_wire::Afi::IPV6) == v6
                && (q.families.is_empty() || q.families.contains(fam))
        };
        let lens: Vec<u8> = match f.how {
            PrefixMatch::Exact => vec![f.net.prefix_len()],
            _ => (0..=f.net.prefix_len()).rev().collect(),
        };
        let peer = self.spec.address;
        let mut page = RibPage::default();
        for len in lens {
            let Ok(net) = IpNet::new(f.net.addr(), len).map(|n| n.trunc()) else {
                continue;
            };
            for fam in families.iter().filter(|fam| want(fam)) {
                if let Some(r) = self.rib_in.get(*fam, &herald_wire::Prefix::new(net)) {
                    let nh = r.attributes.next_hop().map(next_hop_text);
                    page.lines.push(route_line(
                        q,
                        peer,
                        r.family,
                        &nlri_text(r.family, &r.nlri),
                        nh.as_deref(),
                        r.attributes.attributes(),
                        r.stale,
                    ));
                }
            }
            if !page.lines.is_empty() {
                break;
            }
        }
        Some(page)
    }

    /// One page of the IPv4/IPv6 unicast Adj-RIB-In for a TABLE_DUMP_V2 snapshot, and whether
    /// more follow. Attributes are encoded with 4-octet AS numbers; the next hop becomes
    /// NEXT_HOP (an IPv4 address) or the abbreviated MP_REACH_NLRI of RFC 6396 §4.3.4.
    pub(super) fn table_page(
        &self,
        skip: usize,
        limit: usize,
    ) -> (Vec<crate::daemon::mrt::TableRoute>, bool) {
        let ctx = Context::default();
        let limit = limit.max(self.rib_in.len() / MAX_PAGES);
        let mut out = Vec::new();
        let mut seen = 0;
        for r in self.rib_in.iter() {
            if r.family != Family::IPV4_UNICAST && r.family != Family::IPV6_UNICAST {
                continue;
            }
            let NlriRef::Prefix(p) = r.nlri else { continue };
            seen += 1;
            if seen <= skip {
                continue;
            }
            if out.len() >= limit {
                return (out, true);
            }
            let mut parts: Vec<(u8, Vec<u8>)> = r
                .attributes
                .attributes()
                .iter()
                .map(|a| {
                    let mut b = Vec::new();
                    a.encode(&ctx, &mut b);
                    (a.value.type_code(), b)
                })
                .collect();
            match r.attributes.next_hop() {
                Some(NextHop::Ipv4(a)) => {
                    let mut b = vec![0x40, 3, 4];
                    b.extend_from_slice(&a.octets());
                    parts.push((3, b));
                }
                Some(nh) => {
                    let bytes = match nh {
                        NextHop::Ipv6(a) => a.octets().to_vec(),
                        NextHop::Ipv6LinkLocal(a, l) => [a.octets(), l.octets()].concat(),
                        NextHop::Raw(b) => b.clone(),
                        NextHop::Vpn(_, a) => match a {
                            IpAddr::V4(a) => a.octets().to_vec(),
                            IpAddr::V6(a) => a.octets().to_vec(),
                        },
                        NextHop::VpnLinkLocal(_, a, _, l) => [a.octets(), l.octets()].concat(),
                        NextHop::Ipv4(a) => a.octets().to_vec(),
                    };
                    if let Ok(n) = u8::try_from(bytes.len()) {
                        if let Ok(len) = u8::try_from(bytes.len() + 1) {
                            let mut b = vec![0x80, 14, len, n];
                            b.extend_from_slice(&bytes);
                            parts.push((14, b));
                        }
                    }
                }
                None => {}
            }
            parts.sort_by_key(|(t, _)| *t);
            out.push(crate::daemon::mrt::TableRoute {
                net: p.net,
                path_id: p.path_id,
                attributes: parts.into_iter().flat_map(|(_, b)| b).collect(),
            });
        }
        (out, false)
    }
}

fn group_next_hop(g: &GroupKey) -> String {
    match g.next_hop {
        herald_config::NextHopSpec::Ip(ip) => ip.to_string(),
        herald_config::NextHopSpec::SelfAddr => "self".into(),
        herald_config::NextHopSpec::None => "none".into(),
    }
}

fn next_hop_text(n: &NextHop) -> String {
    match n {
        NextHop::Ipv4(a) => a.to_string(),
        NextHop::Ipv6(a) => a.to_string(),
        NextHop::Ipv6LinkLocal(a, _) => a.to_string(),
        NextHop::Vpn(_, a) => a.to_string(),
        NextHop::VpnLinkLocal(_, a, _, _) => a.to_string(),
        NextHop::Raw(b) => format!("0x{}", hex::encode(b)),
    }
}

/// An announced route's NLRI as `show adj-rib out` prints it.
fn out_nlri_text(family: Family, n: &herald_wire::Nlri) -> String {
    let mut text = match n {
        herald_wire::Nlri::Prefix(p) => p.net.to_string(),
        herald_wire::Nlri::Encoded(e) => match n.decoded(family) {
            Some(herald_wire::NlriList::Flow(f)) => f
                .first()
                .map(|f| {
                    herald_api::json::flow_string(f, family.afi == herald_wire::Afi::IPV6, None)
                })
                .unwrap_or_default(),
            Some(herald_wire::NlriList::Evpn(v)) => v
                .first()
                .map(|e| format!("evpn {}", e.route))
                .unwrap_or_default(),
            Some(herald_wire::NlriList::Mvpn(v)) => v
                .first()
                .map(|m| format!("mcast-vpn {}", m.route))
                .unwrap_or_default(),
            Some(herald_wire::NlriList::Rtc(v)) => v
                .first()
                .map(herald_api::text::rtc_words)
                .unwrap_or_default(),
            Some(herald_wire::NlriList::Mup(v)) => v
                .first()
                .map(|m| format!("mup {}", m.route))
                .unwrap_or_default(),
            _ => format!("0x{}", hex::encode(e.bytes())),
        },
    };
    if let Some(id) = n.path_id() {
        let _ = write!(text, " path-information {}", std::net::Ipv4Addr::from(id));
    }
    text
}

fn nlri_text(family: Family, n: &NlriRef<'_>) -> String {
    let prefix = |p: &herald_wire::Prefix| match p.path_id {
        Some(id) => format!(
            "{} path-information {}",
            p.net,
            std::net::Ipv4Addr::from(id)
        ),
        None => p.net.to_string(),
    };
    match n {
        NlriRef::Prefix(p) => prefix(p),
        NlriRef::Labeled(p, _) => format!("{} labeled", prefix(p)),
        NlriRef::Vpn(rd, p, _) => format!("{} rd {rd}", prefix(p)),
        NlriRef::Flow(f) => format!("{f:?}"),
        NlriRef::Encoded(e) => out_nlri_text(family, &herald_wire::Nlri::Encoded((*e).clone())),
    }
}

fn route_line(
    q: &RibQuery,
    peer: IpAddr,
    family: Family,
    nlri: &str,
    next_hop: Option<&str>,
    attrs: &[Attribute],
    stale: bool,
) -> String {
    let fam = family_words(family);
    if q.json {
        let mut s = format!(
            "{{ \"neighbor\": \"{peer}\", \"family\": \"{fam}\", \"nlri\": \"{}\"",
            herald_api::json::escape(nlri)
        );
        if let Some(nh) = next_hop {
            let _ = write!(s, ", \"next-hop\": \"{nh}\"");
        }
        if stale {
            s.push_str(", \"stale\": true");
        }
        if q.extensive {
            let u = Update {
                attributes: attrs.to_vec(),
                ..Update::default()
            };
            s.push_str(", \"attribute\": ");
            herald_api::json::write_attributes(&mut s, &u, &Context::default());
        }
        s.push_str(" }");
        return s;
    }
    // ExaBGP names the neighbor by address in the short listing and by its full name in the
    // extensive one, whose attributes are in its text encoder's form.
    let mut s = if q.extensive {
        format!("{} {fam} {nlri}", q.name)
    } else {
        format!("{peer} {fam} {nlri}")
    };
    if let Some(nh) = next_hop {
        let _ = write!(s, " next-hop {nh}");
    }
    if q.extensive {
        let u = Update {
            attributes: attrs.to_vec(),
            ..Update::default()
        };
        herald_api::text::write_attributes(&mut s, &u, &Context::default());
    }
    if stale {
        s.push_str(" stale");
    }
    s
}

/// `ipv4 unicast`, as ExaBGP writes families.
pub fn family_words(f: Family) -> String {
    f.to_string().replace('/', " ")
}
