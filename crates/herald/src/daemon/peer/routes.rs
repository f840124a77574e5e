//! One peer's Adj-RIB-Out: the configuration's routes and the routes programs announced, what
//! changed since the last UPDATEs, and the chunked full dump (on session up, `flush adj-rib
//! out`, ROUTE-REFRESH).
//!
//! Invariant: the table never changes while a dump walks it. Changes that arrive during a dump
//! (API commands, a reload, `clear adj-rib out`) are kept in order and applied when the dump
//! ends; they are then sent as ordinary changes. Outside a dump, changes are sent at the end of
//! each turn of the peer task, packed by attribute set.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use herald_config::{AttrSet, Route};
use herald_rib::AdjRibOut;
use herald_wire::route_refresh::RefreshSubtype;
use herald_wire::{builder, Context, Family, Message, Nlri, RouteRefresh};
use tracing::{info, warn};

use crate::daemon::export::{self, Export, GroupKey, Prepared, SessionView};

/// Prefixes encoded per chunk of the route dump.
const CHUNK_PREFIXES: usize = 16384;

/// The attribute-set key of the Adj-RIB-Out: the group, and whether a program announced it
/// (configuration routes are replaced on reload, program routes are not).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OutKey {
    /// Family, next hop and attributes.
    pub group: GroupKey,
    /// Announced by a program (not from the configuration).
    pub api: bool,
}

enum Deferred {
    Routes(Arc<Vec<(bool, Route)>>, bool),
    Config(Export),
    Clear,
}

struct Dump {
    ctx: Context,
    family: Option<Family>,
    /// The session the dump is for: each group's attributes are encoded for it when the dump
    /// reaches the group (the first UPDATE leaves before the last set is encoded).
    view: SessionView,
    /// The group being sent and its encoded attributes (`None`: not sent on this session).
    prepared: Option<(usize, Option<Prepared>)>,
    group: usize,
    offset: usize,
    end: Vec<u8>,
    sent: usize,
    started: Instant,
}

/// The Adj-RIB-Out of one peer.
pub struct Out {
    name: String,
    rib: AdjRibOut<OutKey>,
    dump: Option<Dump>,
    deferred: Vec<Deferred>,
    /// Routes per UPDATE: as many as fit (`group-updates true`) or one.
    per_update: usize,
    /// Keep the routes programs announced across a session reset (`adj-rib-out`, true by
    /// default); without it the next session gets the configuration's routes only.
    keep_api: bool,
    /// End-of-RIB markers a program asked for while a dump ran: sent after the dump and the
    /// route changes that arrived before them.
    eor_after: Vec<Family>,
}

/// The messages that open and close a dump: BoRR/EoRR (RFC 7313) for a refresh when enhanced
/// route refresh was negotiated, End-of-RIB for every family after the initial dump (unless
/// `manual-eor`). Returns the closing bytes; the opening ones go to `head`.
pub fn dump_end(
    view: &SessionView,
    family: Option<Family>,
    manual_eor: bool,
    head: &mut Vec<u8>,
) -> Vec<u8> {
    let ctx = view.negotiated.send_context();
    let mut end = Vec::new();
    match family {
        Some(f) if view.negotiated.enhanced_route_refresh => {
            let rr = |subtype| Message::RouteRefresh(RouteRefresh { family: f, subtype });
            head.extend_from_slice(&rr(RefreshSubtype::Begin).to_bytes(&ctx));
            end.extend_from_slice(&rr(RefreshSubtype::End).to_bytes(&ctx));
        }
        Some(_) => {}
        None if manual_eor => {}
        None => {
            for f in &view.negotiated.families {
                builder::end_of_rib(&mut end, *f);
            }
        }
    }
    end
}

impl Out {
    /// The configuration's routes.
    /// `grouped`: pack routes that share attributes into one UPDATE (else one per route);
    /// `keep_api`: keep program routes across a session reset.
    pub fn new(name: String, export: Export, grouped: bool, keep_api: bool) -> Out {
        Out {
            name,
            rib: AdjRibOut::from_groups(config_groups(export)),
            dump: None,
            deferred: Vec::new(),
            per_update: if grouped { usize::MAX } else { 1 },
            keep_api,
            eor_after: Vec::new(),
        }
    }

    /// Whether a dump is running.
    pub fn dumping(&self) -> bool {
        self.dump.is_some()
    }

    /// Routes in the table.
    pub fn len(&self) -> usize {
        self.rib.len()
    }

    /// The table, by attribute set.
    pub fn groups(&self) -> impl Iterator<Item = (&OutKey, Family, &[Nlri])> {
        self.rib.groups()
    }

    /// Routes from a program.
    pub fn routes(&mut self, changes: Arc<Vec<(bool, Route)>>) {
        self.change(Deferred::Routes(changes, true));
    }

    /// Configuration routes toggled by a watchdog.
    pub fn watchdog(&mut self, changes: Arc<Vec<(bool, Route)>>) {
        self.change(Deferred::Routes(changes, false));
    }

    /// New configuration routes (reload): withdraw the configuration routes that went away,
    /// announce the new and changed ones.
    pub fn config(&mut self, export: Export) {
        self.change(Deferred::Config(export));
    }

    /// Withdraw everything.
    pub fn clear(&mut self) {
        self.change(Deferred::Clear);
    }

    fn change(&mut self, d: Deferred) {
        if self.dump.is_some() {
            self.deferred.push(d);
        } else {
            self.apply(d);
        }
    }

    fn apply(&mut self, d: Deferred) {
        match d {
            Deferred::Routes(changes, api) => {
                // Runs of announcements with one set (`announce attributes … nlri`) go in
                // together, the set looked up once.
                let mut rest = changes.as_slice();
                while let Some(((announce, r), tail)) = rest.split_first() {
                    if !*announce {
                        self.rib.withdraw(r.family, r.nlri.clone());
                        rest = tail;
                        continue;
                    }
                    let run = 1 + tail
                        .iter()
                        .take_while(|(a, x)| {
                            *a && x.family == r.family
                                && x.next_hop == r.next_hop
                                && AttrSet::ptr_eq(&x.attributes, &r.attributes)
                        })
                        .count();
                    let (same, after) = rest.split_at(run.min(rest.len()));
                    if same.len() == 1 {
                        self.rib.announce(r.family, r.nlri.clone(), key(r, api));
                    } else {
                        self.rib.announce_many(
                            r.family,
                            same.iter().map(|(_, x)| x.nlri.clone()),
                            key(r, api),
                        );
                    }
                    rest = after;
                }
            }
            Deferred::Config(export) => {
                let new: HashSet<(Family, &Nlri)> = export
                    .groups
                    .iter()
                    .flat_map(|g| g.prefixes.iter().map(move |p| (g.key.family, p)))
                    .collect();
                let gone: Vec<(Family, Nlri)> = self
                    .rib
                    .groups()
                    .filter(|(k, _, _)| !k.api)
                    .flat_map(|(_, f, ps)| ps.iter().map(move |p| (f, p)))
                    .filter(|k| !new.contains(k))
                    .map(|(f, p)| (f, p.clone()))
                    .collect();
                drop(new);
                let withdraw = gone.len();
                for (f, p) in gone {
                    self.rib.withdraw(f, p);
                }
                let mut announce = 0usize;
                for g in export.groups {
                    let k = OutKey {
                        group: g.key,
                        api: false,
                    };
                    for p in g.prefixes {
                        if self.rib.announce(k.group.family, p, k.clone()) {
                            announce += 1;
                        }
                    }
                }
                info!(peer = %self.name, announce, withdraw, "routes changed");
            }
            Deferred::Clear => self.rib.clear(),
        }
    }

    fn apply_deferred(&mut self) {
        for d in std::mem::take(&mut self.deferred) {
            self.apply(d);
        }
    }

    /// The session went down: no dump; what was deferred is applied; pending changes are
    /// dropped (the next session gets the whole table).
    pub fn session_down(&mut self) {
        self.dump = None;
        self.eor_after.clear();
        self.apply_deferred();
        self.discard_changes();
        if !self.keep_api {
            let n = self.rib.forget_where(|k| k.api);
            if n > 0 {
                info!(peer = %self.name, routes = n, "adj-rib-out false: routes from programs forgotten with the session");
            }
        }
    }

    /// Drop pending changes (not established: the next dump sends the table as it is).
    pub fn discard_changes(&mut self) {
        if self.dump.is_none() {
            self.apply_deferred();
            let _ = self.rib.take_changes();
        }
    }

    /// Start sending the whole table (or one family of it), ending with `end`.
    pub fn start_dump(
        &mut self,
        view: &SessionView,
        ctx: Context,
        family: Option<Family>,
        end: Vec<u8>,
    ) {
        self.apply_deferred();
        if family.is_none() {
            // The dump sends everything as it is now.
            let _ = self.rib.take_changes();
        }
        self.dump = Some(Dump {
            ctx,
            family,
            view: view.clone(),
            prepared: None,
            group: 0,
            offset: 0,
            end,
            sent: 0,
            started: Instant::now(),
        });
    }

    /// The next chunk of the dump (the closing messages with the last one).
    pub fn dump_chunk(&mut self, peer: &str) -> Vec<u8> {
        let Some(d) = &mut self.dump else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(CHUNK_PREFIXES * 5);
        let mut budget = CHUNK_PREFIXES;
        let mut groups = self.rib.groups().skip(d.group);
        let mut current = groups.next();
        while budget > 0 {
            let Some((k, f, prefixes)) = current else {
                break;
            };
            if d.prepared.as_ref().is_none_or(|(g, _)| *g != d.group) {
                let p = if d.family.is_some_and(|x| x != f) {
                    None
                } else {
                    match export::prepare(&k.group, &d.view, &d.ctx) {
                        Ok(p) => Some(p),
                        Err(why) => {
                            warn!(peer = %peer, routes = prefixes.len(), "not announcing: {why}");
                            None
                        }
                    }
                };
                d.prepared = Some((d.group, p));
            }
            let rest = prefixes.get(d.offset..).unwrap_or_default();
            let take = rest.len().min(budget);
            let prepared = d.prepared.as_ref().and_then(|(_, p)| p.as_ref());
            if let (Some(p), Some(slice)) = (prepared, rest.get(..take)) {
                for part in slice.chunks(self.per_update) {
                    if let Err(why) = export::announce(&mut out, &d.ctx, p, part) {
                        warn!(peer = %peer, "not announcing: {why}");
                        break;
                    }
                }
                d.sent += take;
                budget -= take;
            }
            d.offset += take;
            if d.offset >= prefixes.len() {
                d.group += 1;
                d.offset = 0;
                current = groups.next();
            }
        }
        let finished = current.is_none();
        drop(groups);
        if finished {
            out.extend_from_slice(&d.end);
            let what = d.family.map_or("all".to_string(), |f| f.to_string());
            let ms = d.started.elapsed().as_millis() as u64;
            if d.family.is_none() {
                info!(peer = %peer, routes = d.sent, elapsed_ms = ms, "initial routes sent");
            } else {
                info!(peer = %peer, routes = d.sent, families = %what, elapsed_ms = ms, "routes sent");
            }
            self.dump = None;
            self.apply_deferred();
        }
        out
    }

    /// An End-of-RIB for `family` asked for by a program, after the routes it sent before:
    /// the UPDATEs for pending changes then the marker, or nothing now during a dump (both go
    /// out with the first flush after it).
    pub fn end_of_rib(&mut self, peer: &str, view: &SessionView, family: Family) -> Vec<u8> {
        self.eor_after.push(family);
        self.flush(peer, view)
    }

    /// The UPDATEs for what changed since the last call (nothing during a dump), then any
    /// End-of-RIB a program asked for after them.
    pub fn flush(&mut self, peer: &str, view: &SessionView) -> Vec<u8> {
        if self.dump.is_some() {
            return Vec::new();
        }
        let mut out = self.changes_bytes(peer, view);
        for f in std::mem::take(&mut self.eor_after) {
            if view.negotiated.families.contains(&f) {
                builder::end_of_rib(&mut out, f);
            }
        }
        out
    }

    fn changes_bytes(&mut self, peer: &str, view: &SessionView) -> Vec<u8> {
        let changes = self.rib.take_changes();
        let mut out = Vec::new();
        if changes.is_empty() {
            return out;
        }
        let ctx = view.negotiated.send_context();
        for (f, ps) in &changes.withdrawn {
            if view.negotiated.families.contains(f) && !ps.is_empty() {
                for part in ps.chunks(self.per_update) {
                    builder::withdraw(&mut out, &ctx, *f, part);
                }
            }
        }
        for (k, _f, ps) in &changes.announced {
            match export::prepare(&k.group, view, &ctx) {
                Ok(p) => {
                    for part in ps.chunks(self.per_update) {
                        if let Err(why) = export::announce(&mut out, &ctx, &p, part) {
                            warn!(peer = %peer, "not announcing: {why}");
                            break;
                        }
                    }
                }
                Err(why) => warn!(peer = %peer, routes = ps.len(), "not announcing: {why}"),
            }
        }
        out
    }
}

fn key(r: &Route, api: bool) -> OutKey {
    OutKey {
        group: GroupKey {
            family: r.family,
            next_hop: r.next_hop,
            attributes: r.attributes.clone(),
        },
        api,
    }
}

fn config_groups(export: Export) -> Vec<(OutKey, Family, Vec<Nlri>)> {
    export
        .groups
        .into_iter()
        .map(|g| {
            let f = g.key.family;
            (
                OutKey {
                    group: g.key,
                    api: false,
                },
                f,
                g.prefixes,
            )
        })
        .collect()
}
