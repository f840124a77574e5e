//! `announce mrt FILE …`: the IPv4/IPv6 unicast routes of a TABLE_DUMP_V2 file as routes for
//! the Adj-RIB-Out, read and decoded on a blocking thread and handed over in batches.
//!
//! Each prefix is injected once: with its first path in the file (RIB entries list a prefix's
//! paths together), or with the path of the dump peer `peer` names. Attribute sets that repeat
//! are shared, as the Adj-RIB-Out groups routes by attribute set.

use std::collections::HashMap;
use std::sync::Arc;

use herald_api::command::{AsPathRewrite, MrtInject};
use herald_config::{AttrSet, NextHopSpec, Route, Span};
use herald_wire::attr::{AsPath, NextHop};
use herald_wire::{AttrValue, Attribute, Context, Family, Message, Nlri, NlriList, Prefix};
use ipnet::IpNet;
use tokio::sync::mpsc;

/// Routes per batch handed to the peers.
pub const BATCH: usize = 16_384;

/// Distinct attribute sets remembered for sharing before the memory is cleared.
const SETS: usize = 100_000;

/// What an injection did.
#[derive(Debug, Default)]
pub struct Injected {
    /// Routes handed over.
    pub routes: usize,
    /// MRT records of other kinds (BGP4MP messages) or families passed over.
    pub skipped: u64,
}

/// Attributes the injected route does not carry: the next hop (it is the route's own) and
/// what the AS4 transition left (herald encodes AS numbers for each session itself).
fn kept(a: &Attribute) -> bool {
    !matches!(a.value.type_code(), 3 | 14 | 15 | 17 | 18)
}

fn rewrite(path: &AsPath, how: &AsPathRewrite) -> AsPath {
    match how {
        AsPathRewrite::Keep => path.clone(),
        AsPathRewrite::Replace(v) => AsPath::sequence(v.clone()),
        AsPathRewrite::Prepend(v) => {
            let mut all = v.clone();
            let mut rest = path.clone();
            match rest.segments.first_mut() {
                Some(s) if s.kind == herald_wire::attr::SegmentType::Sequence => {
                    all.append(&mut s.asns);
                    s.asns = all;
                    rest
                }
                _ => {
                    let mut p = AsPath::sequence(all);
                    p.segments.append(&mut rest.segments);
                    p
                }
            }
        }
    }
}

/// Read `m.path` and send its routes in batches on `out`; the total, or why it failed.
pub fn read(m: &MrtInject, out: &mpsc::Sender<Vec<Route>>) -> Result<Injected, String> {
    let mut reader =
        herald_mrt::open(std::path::Path::new(&m.path)).map_err(|e| format!("{}: {e}", m.path))?;
    let mut sets: HashMap<Vec<Attribute>, AttrSet> = HashMap::new();
    let mut batch = Vec::with_capacity(BATCH);
    let mut done = Injected::default();
    let mut last: Option<IpNet> = None;
    let limit = m.count.unwrap_or(usize::MAX);
    let both = vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST];
    for rec in reader.by_ref() {
        if done.routes >= limit {
            break;
        }
        let rec = rec.map_err(|e| format!("{}: {e}", m.path))?;
        if rec.source != herald_mrt::Source::TableDumpV2 || m.peer.is_some_and(|p| p != rec.peer_ip)
        {
            done.skipped += 1;
            continue;
        }
        let ctx = Context {
            asn4: rec.asn4,
            add_path: if rec.add_path {
                both.clone()
            } else {
                Vec::new()
            },
            ..Context::default()
        };
        let Ok(Message::Update(u)) = Message::decode(&rec.message, &ctx) else {
            done.skipped += 1;
            continue;
        };
        let (family, prefixes, nh) = match u.mp_reach() {
            Some(r) => match &r.nlri {
                NlriList::Prefixes(p) => (r.family, p.clone(), Some(r.next_hop.clone())),
                _ => {
                    done.skipped += 1;
                    continue;
                }
            },
            None => (
                Family::IPV4_UNICAST,
                u.nlri.clone(),
                u.attributes.iter().find_map(|a| match &a.value {
                    AttrValue::NextHop(ip) => Some(NextHop::Ipv4(*ip)),
                    _ => None,
                }),
            ),
        };
        let Some(p) = prefixes.first() else {
            done.skipped += 1;
            continue;
        };
        if family != Family::IPV4_UNICAST && family != Family::IPV6_UNICAST {
            done.skipped += 1;
            continue;
        }
        // The first path of a prefix only, unless one peer's paths were asked for.
        if m.peer.is_none() && last == Some(p.net) {
            continue;
        }
        last = Some(p.net);
        let next_hop = match &m.next_hop {
            Some(n) => *n,
            None => match nh {
                Some(NextHop::Ipv4(a)) => NextHopSpec::Ip(a.into()),
                Some(NextHop::Ipv6(a) | NextHop::Ipv6LinkLocal(a, _)) => NextHopSpec::Ip(a.into()),
                _ => {
                    done.skipped += 1;
                    continue;
                }
            },
        };
        let mut attrs: Vec<Attribute> = u.attributes.iter().filter(|a| kept(a)).cloned().collect();
        for a in &mut attrs {
            if let AttrValue::AsPath(path) = &a.value {
                a.value = AttrValue::AsPath(rewrite(path, &m.as_path));
            }
        }
        if !attrs
            .iter()
            .any(|a| matches!(a.value, AttrValue::AsPath(_)))
        {
            if let AsPathRewrite::Prepend(v) | AsPathRewrite::Replace(v) = &m.as_path {
                attrs.push(Attribute::new(AttrValue::AsPath(AsPath::sequence(
                    v.clone(),
                ))));
            }
        }
        attrs.sort_by_key(|a| a.value.type_code());
        if sets.len() >= SETS {
            sets.clear();
        }
        let set = sets
            .entry(attrs)
            .or_insert_with_key(|k| AttrSet::new(k.clone()))
            .clone();
        batch.push(Route {
            family,
            nlri: Nlri::Prefix(Prefix::new(p.net)),
            next_hop,
            attributes: set,
            labels: None,
            withdrawn: false,
            origin: Span::default(),
        });
        done.routes += 1;
        if batch.len() >= BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            out.blocking_send(full).map_err(|_| "herald is stopping")?;
        }
    }
    if !batch.is_empty() {
        out.blocking_send(batch).map_err(|_| "herald is stopping")?;
    }
    if done.routes == 0 {
        return Err(format!(
            "{}: no IPv4 or IPv6 unicast route in a TABLE_DUMP_V2 record{}",
            m.path,
            m.peer.map(|p| format!(" of peer {p}")).unwrap_or_default()
        ));
    }
    Ok(done)
}

/// Share a batch among the peers it goes to.
pub fn changes(batch: Vec<Route>) -> Arc<Vec<(bool, Route)>> {
    Arc::new(batch.into_iter().map(|r| (true, r)).collect())
}
