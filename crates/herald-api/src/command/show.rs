//! `show neighbor …`, `show adj-rib …` and `clear adj-rib …`.

use std::net::IpAddr;

use herald_wire::{Afi, Family, Safi};

use super::words::{Word, Words};
use super::{at, end, err, family, Command, NeighborView, Result, RibDirection, Selector};

/// `clear adj-rib [in|out]`.
pub(super) fn clear(w: &mut Words<'_>, first: &Word<'_>) -> Result<Command> {
    match w.next() {
        Some(t) if t.text == "adj-rib" => {}
        Some(t) => return Err(at(&t, "expected 'clear adj-rib [in|out]'")),
        None => {
            return Err(err(
                w.end_column(),
                format!("'{}' is 'clear adj-rib [in|out]'", first.text),
            ))
        }
    }
    let dir = match w.next() {
        None => return Ok(Command::ClearAdjRib(RibDirection::Out)),
        Some(t) if t.text == "in" => RibDirection::In,
        Some(t) if t.text == "out" => RibDirection::Out,
        Some(t) => return Err(at(&t, "expected 'in' or 'out'")),
    };
    end(w, Command::ClearAdjRib(dir))
}

/// `show neighbor …` / `show adj-rib …`.
pub(super) fn show(
    w: &mut Words<'_>,
    first: &Word<'_>,
    selectors: &mut Vec<Selector>,
) -> Result<Command> {
    let what = w.next().ok_or_else(|| {
        err(
            w.end_column(),
            format!("'{}' needs 'neighbor' or 'adj-rib'", first.text),
        )
    })?;
    match what.text {
        "neighbor" => show_neighbor(w, selectors),
        "adj-rib" => {
            let direction = match w.next() {
                Some(t) if t.text == "in" => RibDirection::In,
                Some(t) if t.text == "out" => RibDirection::Out,
                Some(t) => return Err(at(&t, "expected 'in' or 'out'")),
                None => return Err(err(w.end_column(), "'show adj-rib' needs 'in' or 'out'")),
            };
            show_adj_rib(w, direction, selectors)
        }
        "adj-rib-in" => show_adj_rib(w, RibDirection::In, selectors),
        "adj-rib-out" => show_adj_rib(w, RibDirection::Out, selectors),
        other => Err(at(&what, format!("unknown command 'show {other}'"))),
    }
}

fn peer_filter(t: &Word<'_>) -> Option<Selector> {
    let ip = t.text.parse::<IpAddr>().ok()?;
    Some(Selector {
        peer: Some(ip),
        ..Selector::default()
    })
}

fn show_neighbor(w: &mut Words<'_>, selectors: &mut Vec<Selector>) -> Result<Command> {
    let (mut summary, mut extensive, mut configuration, mut json) = (false, false, false, false);
    while let Some(t) = w.next() {
        match t.text {
            "summary" => summary = true,
            "extensive" => extensive = true,
            "configuration" => configuration = true,
            "json" => json = true,
            "text" => {}
            _ => match peer_filter(&t) {
                Some(s) => selectors.push(s),
                None => {
                    return Err(at(
                        &t,
                        format!("unexpected '{}' (summary, extensive, configuration, json or a neighbor address)", t.text),
                    ))
                }
            },
        }
    }
    // ExaBGP's precedence when several are given.
    let view = if summary {
        NeighborView::Summary
    } else if extensive {
        NeighborView::Extensive
    } else if configuration {
        NeighborView::Configuration
    } else {
        NeighborView::Plain
    };
    Ok(Command::ShowNeighbor { view, json })
}

const INET: [Family; 8] = [
    Family::IPV4_UNICAST,
    Family::IPV4_MULTICAST,
    Family::new(Afi::IPV4, Safi::MPLS_LABEL),
    Family::new(Afi::IPV4, Safi::MPLS_VPN),
    Family::IPV6_UNICAST,
    Family::IPV6_MULTICAST,
    Family::new(Afi::IPV6, Safi::MPLS_LABEL),
    Family::new(Afi::IPV6, Safi::MPLS_VPN),
];

const FLOW: [Family; 4] = [
    Family::new(Afi::IPV4, Safi::FLOW),
    Family::new(Afi::IPV4, Safi::FLOW_VPN),
    Family::new(Afi::IPV6, Safi::FLOW),
    Family::new(Afi::IPV6, Safi::FLOW_VPN),
];

const L2VPN: [Family; 2] = [
    Family::new(Afi::L2VPN, Safi::VPLS),
    Family::new(Afi::L2VPN, Safi::EVPN),
];

fn show_adj_rib(
    w: &mut Words<'_>,
    direction: RibDirection,
    selectors: &mut Vec<Selector>,
) -> Result<Command> {
    let (mut extensive, mut json) = (false, false);
    let mut families: Vec<Family> = Vec::new();
    let mut add = |fs: &[Family]| {
        for f in fs {
            if !families.contains(f) {
                families.push(*f);
            }
        }
    };
    while let Some(t) = w.next() {
        match t.text {
            "extensive" => extensive = true,
            "json" => json = true,
            "text" => {}
            "inet" => add(&INET),
            "inet4" => add(INET.get(..4).unwrap_or_default()),
            "inet6" => add(INET.get(4..).unwrap_or_default()),
            "flow" => add(&FLOW),
            "l2vpn" => add(&L2VPN),
            s if Afi::from_name(s).is_some() => {
                let f = family(w, &t, "show adj-rib")?;
                add(&[f]);
            }
            s if s.contains('/') => match Family::from_name(s) {
                Some(f) => add(&[f]),
                None => return Err(at(&t, format!("unknown family '{s}'"))),
            },
            _ => match peer_filter(&t) {
                Some(s) => selectors.push(s),
                None => {
                    return Err(at(
                        &t,
                        format!(
                            "unexpected '{}' (extensive, json, a family or a neighbor address)",
                            t.text
                        ),
                    ))
                }
            },
        }
    }
    Ok(Command::ShowAdjRib {
        direction,
        extensive,
        json,
        families,
    })
}
