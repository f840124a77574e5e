//! Adj-RIB-In (RFC 4271 §3.2): the routes one peer sent, every family, after RFC 7606 error
//! handling and before any policy.
//!
//! Each route is a compact key (family, NLRI, path identifier) and a 4-octet slot naming its
//! interned attribute set; see [`crate::attrs`] for what a set holds and [`crate::key`] for how
//! keys are normalized.

mod table;

use herald_wire::attr::NextHop;
use herald_wire::nlri::{EncodedNlri, FlowSpec, RouteDistinguisher};
use herald_wire::{Action, AttrValue, Attribute, Family, NlriList, Prefix, Update};

use crate::attrs::Arena;
use crate::key::RouteRef;
use table::{FamilyTable, Tally, STALE};

/// What one [`AdjRibIn::apply`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// NLRI entries stored, new or replacing a route with the same key.
    pub announced: usize,
    /// Routes removed (a withdrawal of a route the table did not have counts nothing).
    pub withdrawn: usize,
    /// The family this UPDATE is the End-of-RIB marker of (RFC 4724 §2).
    pub end_of_rib: Option<Family>,
}

/// The routes one peer sent us, all families, with interned attribute sets.
///
/// NLRI herald-wire could not type ([`NlriList::Raw`]) cannot be split into routes, so an
/// UPDATE's raw NLRI store nothing (and raw withdrawals remove nothing); a caller that needs
/// such routes keeps the UPDATEs themselves. EVPN, VPLS, RTC, MCAST-VPN, MUP and BGP-LS routes
/// are stored by their NLRI octets and path identifier ([`NlriRef::Encoded`]): a route sent
/// again with other octets (another label, say) is another route.
#[derive(Default)]
pub struct AdjRibIn {
    /// One table per family that has routes, sorted by family (a table emptied by withdrawals
    /// or a sweep is dropped, giving its memory back).
    tables: Vec<FamilyTable>,
    arena: Arena,
}

impl AdjRibIn {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    fn table(&self, family: Family) -> Option<&FamilyTable> {
        let i = self
            .tables
            .binary_search_by_key(&family, |t| t.family)
            .ok()?;
        self.tables.get(i)
    }

    fn table_mut(&mut self, family: Family) -> Option<&mut FamilyTable> {
        let i = self
            .tables
            .binary_search_by_key(&family, |t| t.family)
            .ok()?;
        self.tables.get_mut(i)
    }

    fn table_or_new(tables: &mut Vec<FamilyTable>, family: Family) -> Option<&mut FamilyTable> {
        let i = match tables.binary_search_by_key(&family, |t| t.family) {
            Ok(i) => i,
            Err(i) => {
                tables.insert(i, FamilyTable::new(family));
                i
            }
        };
        tables.get_mut(i)
    }

    /// Apply one decoded UPDATE: withdrawals first (the classic field, then MP_UNREACH_NLRI),
    /// then announcements (the classic NLRI field, then MP_REACH_NLRI), as RFC 4271 §9 and
    /// RFC 4760 §3–4 describe.
    ///
    /// RFC 7606: with [`Action::AttributeDiscard`] the routes are stored with the attributes
    /// left (the decoder already dropped the faulty ones); with [`Action::TreatAsWithdraw`]
    /// every NLRI the UPDATE announces, in the classic field or MP_REACH_NLRI, is withdrawn
    /// instead (RFC 7606 §2), and its withdrawals apply as usual. With
    /// [`Action::AfiSafiDisable`] or [`Action::SessionReset`] nothing is changed at all: the
    /// decoder dropped the faulty MP attribute without saying which family it was in, so no
    /// part of such an UPDATE can be trusted; the caller disables the family
    /// ([`AdjRibIn::clear_family`]) or resets the session ([`AdjRibIn::clear`]).
    ///
    /// An End-of-RIB marker is reported in [`Applied::end_of_rib`]; sweeping the family's
    /// stale routes then ([`AdjRibIn::sweep_stale`]) is the caller's call.
    pub fn apply(&mut self, u: &Update) -> Applied {
        let mut out = Applied::default();
        let action = u.action();
        if matches!(action, Some(Action::AfiSafiDisable | Action::SessionReset)) {
            return out;
        }
        out.end_of_rib = u.end_of_rib();
        let withdraw_all = action == Some(Action::TreatAsWithdraw);
        if !u.withdrawn.is_empty() {
            out.withdrawn += self.withdraw_prefixes(Family::IPV4_UNICAST, &u.withdrawn);
        }
        if let Some(m) = u.mp_unreach() {
            out.withdrawn += self.withdraw(m.family, &m.nlri);
        }
        if !u.nlri.is_empty() {
            if withdraw_all {
                out.withdrawn += self.withdraw_prefixes(Family::IPV4_UNICAST, &u.nlri);
            } else {
                let nh = u.attributes.iter().find_map(|a| match a.value {
                    AttrValue::NextHop(ip) => Some(NextHop::Ipv4(ip)),
                    _ => None,
                });
                let nlri = Nlri::Prefixes(&u.nlri);
                out.announced +=
                    self.announce(Family::IPV4_UNICAST, nlri, &u.attributes, nh.as_ref());
            }
        }
        if let Some(m) = u.mp_reach() {
            if withdraw_all {
                out.withdrawn += self.withdraw(m.family, &m.nlri);
            } else {
                let nlri = Nlri::of(&m.nlri);
                out.announced += self.announce(m.family, nlri, &u.attributes, Some(&m.next_hop));
            }
        }
        out
    }

    /// Store the routes of one NLRI list with one attribute set; how many.
    fn announce(
        &mut self,
        family: Family,
        nlri: Nlri<'_>,
        attributes: &[Attribute],
        next_hop: Option<&NextHop>,
    ) -> usize {
        if nlri.is_empty() {
            return 0;
        }
        let Some(id) = self.arena.intern(attributes, next_hop) else {
            return 0;
        };
        let arena = &mut self.arena;
        let Some(t) = Self::table_or_new(&mut self.tables, family) else {
            return 0;
        };
        let mut tally = Tally::default();
        let n = match nlri {
            Nlri::Prefixes(ps) => {
                ps.iter()
                    .for_each(|p| t.put_prefix(p, id, arena, &mut tally));
                ps.len()
            }
            Nlri::Labeled(ps) => {
                ps.iter()
                    .for_each(|p| t.put_labeled(p, id, arena, &mut tally));
                ps.len()
            }
            Nlri::Vpn(ps) => {
                ps.iter().for_each(|p| t.put_vpn(p, id, arena, &mut tally));
                ps.len()
            }
            Nlri::Flow(fs) => {
                fs.iter().for_each(|f| t.put_flow(f, id, arena, &mut tally));
                fs.len()
            }
            Nlri::Typed(l) => {
                let v = encoded(l);
                let n = v.len();
                v.into_iter()
                    .for_each(|e| t.put_encoded(e, id, arena, &mut tally));
                n
            }
            Nlri::Raw => 0,
        };
        arena.acquire(id, tally.new_refs);
        arena.release_if_unused(id);
        n
    }

    fn withdraw_prefixes(&mut self, family: Family, ps: &[Prefix]) -> usize {
        self.withdraw_nlri(family, Nlri::Prefixes(ps))
    }

    fn withdraw(&mut self, family: Family, nlri: &NlriList) -> usize {
        self.withdraw_nlri(family, Nlri::of(nlri))
    }

    fn withdraw_nlri(&mut self, family: Family, nlri: Nlri<'_>) -> usize {
        let arena = &mut self.arena;
        let Ok(i) = self.tables.binary_search_by_key(&family, |t| t.family) else {
            return 0;
        };
        let Some(t) = self.tables.get_mut(i) else {
            return 0;
        };
        let n = match nlri {
            Nlri::Prefixes(ps) => ps.iter().filter(|p| t.take_prefix(p, arena)).count(),
            Nlri::Labeled(ps) => ps.iter().filter(|p| t.take_labeled(p, arena)).count(),
            Nlri::Vpn(ps) => ps.iter().filter(|p| t.take_vpn(p, arena)).count(),
            Nlri::Flow(fs) => fs.iter().filter(|f| t.take_flow(f, arena)).count(),
            Nlri::Typed(l) => encoded(l)
                .iter()
                .filter(|e| t.take_encoded(e, arena))
                .count(),
            Nlri::Raw => 0,
        };
        if n > 0 {
            self.tidy(i);
        }
        n
    }

    /// After removals from table `i`: drop it if empty, else give back unused room.
    fn tidy(&mut self, i: usize) {
        match self.tables.get_mut(i) {
            Some(t) if t.len() == 0 => {
                self.tables.remove(i);
            }
            Some(t) => t.shrink(),
            None => {}
        }
    }

    /// Number of routes, all families.
    pub fn len(&self) -> usize {
        self.tables.iter().map(FamilyTable::len).sum()
    }

    /// Whether there is no route.
    pub fn is_empty(&self) -> bool {
        self.tables.iter().all(|t| t.len() == 0)
    }

    /// Number of routes of one family (what a prefix limit counts, RFC 4486 §4).
    pub fn len_family(&self, family: Family) -> usize {
        self.table(family).map_or(0, FamilyTable::len)
    }

    /// The families that have routes, in (AFI, SAFI) order.
    pub fn families(&self) -> impl Iterator<Item = Family> + '_ {
        self.tables.iter().filter(|t| t.len() > 0).map(|t| t.family)
    }

    /// Number of distinct attribute sets the routes share.
    pub fn attribute_sets(&self) -> usize {
        self.arena.len()
    }

    fn route<'a>(
        &'a self,
        family: Family,
        (nlri, slot): (crate::NlriRef<'a>, u32),
    ) -> Option<RouteRef<'a>> {
        Some(RouteRef {
            family,
            nlri,
            attributes: self.arena.get(slot & !STALE)?,
            stale: slot & STALE != 0,
        })
    }

    /// The route for a unicast, multicast or labeled-unicast prefix (with its path identifier;
    /// host bits are ignored).
    pub fn get(&self, family: Family, prefix: &Prefix) -> Option<RouteRef<'_>> {
        let found = self.table(family)?.get_prefix(prefix)?;
        self.route(family, found)
    }

    /// The route for a VPN prefix (RFC 4364).
    pub fn get_vpn(
        &self,
        family: Family,
        rd: RouteDistinguisher,
        prefix: &Prefix,
    ) -> Option<RouteRef<'_>> {
        let found = self.table(family)?.get_vpn(rd, prefix)?;
        self.route(family, found)
    }

    /// The route for a flow specification (RFC 8955).
    pub fn get_flow(&self, family: Family, flow: &FlowSpec) -> Option<RouteRef<'_>> {
        let found = self.table(family)?.get_flow(flow)?;
        self.route(family, found)
    }

    /// Every route, family by family in (AFI, SAFI) order; within a family the order is the
    /// hash tables' (not sorted, and not the same from one run to the next).
    pub fn iter(&self) -> impl Iterator<Item = RouteRef<'_>> + '_ {
        self.tables
            .iter()
            .flat_map(move |t| t.iter().filter_map(move |r| self.route(t.family, r)))
    }

    /// Every route of one family, in the hash table's order.
    pub fn iter_family(&self, family: Family) -> impl Iterator<Item = RouteRef<'_>> + '_ {
        self.table(family)
            .into_iter()
            .flat_map(move |t| t.iter().filter_map(move |r| self.route(family, r)))
    }

    /// Drop every route and attribute set at once (session loss: RFC 4271 §8.2.2 "deletes all
    /// routes"), without removing routes one by one.
    pub fn clear(&mut self) {
        self.tables = Vec::new();
        self.arena.clear();
    }

    /// Drop every route of one family (AFI/SAFI disable: RFC 7606 §2, RFC 4760 §7); returns
    /// how many there were.
    pub fn clear_family(&mut self, family: Family) -> usize {
        let Ok(i) = self.tables.binary_search_by_key(&family, |t| t.family) else {
            return 0;
        };
        let t = self.tables.remove(i);
        t.release_all(&mut self.arena);
        t.len()
    }

    /// RFC 4724 §4.2: when the session of a peer that can restart gracefully goes down, its
    /// routes are kept and marked stale. A route announced again afterwards is fresh again.
    pub fn mark_stale(&mut self) {
        self.tables.iter_mut().for_each(FamilyTable::mark_stale);
    }

    /// [`AdjRibIn::mark_stale`] for one family (a family the restarting peer did not preserve
    /// forwarding state for is cleared instead, RFC 4724 §4.2).
    pub fn mark_stale_family(&mut self, family: Family) {
        if let Some(t) = self.table_mut(family) {
            t.mark_stale();
        }
    }

    /// RFC 4724 §4.2: remove the routes still stale, of one family (on its End-of-RIB) or of
    /// every family (`None`: the restart or stale timer expired). Returns how many.
    pub fn sweep_stale(&mut self, family: Option<Family>) -> usize {
        let arena = &mut self.arena;
        let n = self
            .tables
            .iter_mut()
            .filter(|t| family.is_none_or(|f| f == t.family))
            .map(|t| t.sweep_stale(arena))
            .sum();
        self.tables.retain(|t| t.len() > 0);
        self.tables.iter_mut().for_each(FamilyTable::shrink);
        n
    }

    /// Number of stale routes, all families.
    pub fn stale_count(&self) -> usize {
        self.tables.iter().map(|t| t.stale).sum()
    }

    /// Number of stale routes of one family.
    pub fn stale_count_family(&self, family: Family) -> usize {
        self.table(family).map_or(0, |t| t.stale)
    }
}

/// An NLRI list, borrowed; raw NLRI cannot be split into routes.
#[derive(Clone, Copy)]
enum Nlri<'a> {
    Prefixes(&'a [Prefix]),
    Labeled(&'a [herald_wire::nlri::LabeledPrefix]),
    Vpn(&'a [herald_wire::nlri::VpnPrefix]),
    Flow(&'a [FlowSpec]),
    /// EVPN, VPLS, RTC, MCAST-VPN, MUP, BGP-LS: kept as their NLRI octets.
    Typed(&'a NlriList),
    Raw,
}

/// The routes of a typed list kept by their octets, each as its own NLRI octets and path
/// identifier (what identifies it: a route sent again with other octets is another route).
fn encoded(l: &NlriList) -> Vec<EncodedNlri> {
    fn each<T>(
        v: &[T],
        id: impl Fn(&T) -> Option<u32>,
        enc: impl Fn(&T, &mut Vec<u8>),
    ) -> Vec<EncodedNlri> {
        let mut buf = Vec::new();
        v.iter()
            .map(|r| {
                buf.clear();
                enc(r, &mut buf);
                EncodedNlri::new(id(r), &buf)
            })
            .collect()
    }
    match l {
        NlriList::Evpn(v) => v
            .iter()
            .map(|r| EncodedNlri::evpn(r.path_id, &r.route_bytes()))
            .collect(),
        NlriList::Vpls(v) => each(v, |r| r.path_id, |r, b| r.encode(false, b)),
        NlriList::Rtc(v) => each(v, |r| r.path_id, |r, b| r.encode(false, b)),
        NlriList::Mvpn(v) => each(v, |r| r.path_id, |r, b| r.encode(false, b)),
        NlriList::Mup(v) => each(v, |r| r.path_id, |r, b| r.encode(false, b)),
        NlriList::BgpLs(v) => each(v, |r| r.path_id, |r, b| r.encode(false, b)),
        _ => Vec::new(),
    }
}

impl<'a> Nlri<'a> {
    fn of(l: &'a NlriList) -> Self {
        match l {
            NlriList::Prefixes(p) => Nlri::Prefixes(p),
            NlriList::Labeled(p) => Nlri::Labeled(p),
            NlriList::Vpn(p) => Nlri::Vpn(p),
            NlriList::Flow(f) => Nlri::Flow(f),
            NlriList::Evpn(_)
            | NlriList::Vpls(_)
            | NlriList::Rtc(_)
            | NlriList::Mvpn(_)
            | NlriList::Mup(_)
            | NlriList::BgpLs(_) => Nlri::Typed(l),
            NlriList::Raw(_) => Nlri::Raw,
        }
    }

    fn is_empty(self) -> bool {
        match self {
            Nlri::Prefixes(p) => p.is_empty(),
            Nlri::Labeled(p) => p.is_empty(),
            Nlri::Vpn(p) => p.is_empty(),
            Nlri::Flow(f) => f.is_empty(),
            Nlri::Typed(l) => l.is_empty(),
            Nlri::Raw => true,
        }
    }
}

#[cfg(test)]
mod tests;
