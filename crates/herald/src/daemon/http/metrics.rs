//! `/metrics`: Prometheus' OpenMetrics text, built afresh at each scrape from what the peer
//! tasks and the helper processes report (herald keeps no metrics registry of its own: the
//! counters live where the work is done, and a scrape reads them).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family as MetricFamily;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::{error, rest, Answer, AppState};
use crate::daemon::peer::family_words;

type Labels = Vec<(&'static str, String)>;

/// The FSM states, for the `herald_neighbor_state` state set.
const STATES: [&str; 6] = [
    "idle",
    "connect",
    "active",
    "opensent",
    "openconfirm",
    "established",
];

const MESSAGE_TYPES: [(usize, &str); 5] = [
    (1, "open"),
    (2, "update"),
    (3, "notification"),
    (4, "keepalive"),
    (5, "route-refresh"),
];

fn counters(reg: &mut Registry, name: &str, help: &str) -> MetricFamily<Labels, Counter> {
    let f = MetricFamily::<Labels, Counter>::default();
    reg.register(name, help, f.clone());
    f
}

fn gauges(reg: &mut Registry, name: &str, help: &str) -> MetricFamily<Labels, Gauge> {
    let f = MetricFamily::<Labels, Gauge>::default();
    reg.register(name, help, f.clone());
    f
}

fn count(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The process's resident set, from /proc/self/statm (read off the runtime's workers).
async fn rss_bytes() -> Option<u64> {
    let text = tokio::fs::read_to_string("/proc/self/statm").await.ok()?;
    let pages: u64 = text.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

pub(super) async fn scrape(State(st): State<AppState>) -> Answer {
    let snap = st.snapshot().await?;
    let mut reg = Registry::with_prefix("herald");
    let state = gauges(
        &mut reg,
        "neighbor_state",
        "The neighbor's BGP FSM state (1 for the state it is in)",
    );
    let up = gauges(
        &mut reg,
        "neighbor_up",
        "1 while the session is established",
    );
    let uptime = gauges(
        &mut reg,
        "neighbor_uptime_seconds",
        "Seconds since the session was established (0 while down)",
    );
    let rx = counters(
        &mut reg,
        "neighbor_messages_received",
        "BGP messages received, by type",
    );
    let tx = counters(
        &mut reg,
        "neighbor_messages_sent",
        "BGP messages sent, by type",
    );
    let nrx = counters(
        &mut reg,
        "neighbor_notifications_received",
        "NOTIFICATIONs received, by error code",
    );
    let ntx = counters(
        &mut reg,
        "neighbor_notifications_sent",
        "NOTIFICATIONs sent, by error code",
    );
    let established = counters(
        &mut reg,
        "neighbor_established",
        "Times the session was established (reconnects are this minus one)",
    );
    let received = gauges(
        &mut reg,
        "neighbor_prefixes_received",
        "Routes in the Adj-RIB-In, by family",
    );
    let accepted = gauges(
        &mut reg,
        "neighbor_prefixes_accepted",
        "Routes accepted, by family (herald has no import policy: every received route)",
    );
    let advertised = gauges(
        &mut reg,
        "neighbor_prefixes_advertised",
        "Routes in the Adj-RIB-Out, by family",
    );
    for p in &snap.peers {
        let Some(s) = rest::status_of(p).await else {
            continue;
        };
        let n = || vec![("neighbor", p.key.to_string())];
        let current = s.state.to_ascii_lowercase();
        for st in STATES {
            let mut l = n();
            l.push(("state", st.to_string()));
            state.get_or_create(&l).set(i64::from(current == st));
        }
        up.get_or_create(&n())
            .set(i64::from(current == "established"));
        uptime.get_or_create(&n()).set(count(s.uptime.unwrap_or(0)));
        let c = &s.counters;
        for (i, t) in MESSAGE_TYPES {
            let mut l = n();
            l.push(("type", t.to_string()));
            rx.get_or_create(&l)
                .inc_by(c.received.get(i).copied().unwrap_or(0));
            tx.get_or_create(&l)
                .inc_by(c.sent.get(i).copied().unwrap_or(0));
        }
        for (fam, v) in [
            (&nrx, &c.notifications_received),
            (&ntx, &c.notifications_sent),
        ] {
            for (code, k) in v.iter().enumerate().filter(|(_, k)| **k > 0) {
                let mut l = n();
                let code = if code == 0 {
                    "other".to_string()
                } else {
                    code.to_string()
                };
                l.push(("code", code));
                fam.get_or_create(&l).inc_by(*k);
            }
        }
        established.get_or_create(&n()).inc_by(c.established);
        for (f, k) in &s.received_by_family {
            let mut l = n();
            l.push(("family", family_words(*f)));
            received.get_or_create(&l).set(count(*k as u64));
            accepted.get_or_create(&l).set(count(*k as u64));
        }
        for (f, k) in &s.sent_by_family {
            let mut l = n();
            l.push(("family", family_words(*f)));
            advertised.get_or_create(&l).set(count(*k as u64));
        }
    }
    let lines = counters(
        &mut reg,
        "process_lines_received",
        "Command lines read from a helper process",
    );
    let errors = counters(
        &mut reg,
        "process_errors",
        "Commands of a helper process answered with an error",
    );
    let events = counters(
        &mut reg,
        "process_events_sent",
        "Events offered to a helper process (lost ones included)",
    );
    let lost = counters(
        &mut reg,
        "process_events_lost",
        "Events dropped because the helper process did not read them in time",
    );
    let queued = gauges(
        &mut reg,
        "process_queue_bytes",
        "Octets waiting in a helper process's queue",
    );
    for p in &snap.processes {
        let l = vec![("process", p.name.clone())];
        lines.get_or_create(&l).inc_by(p.lines);
        errors.get_or_create(&l).inc_by(p.errors);
        events.get_or_create(&l).inc_by(p.events);
        lost.get_or_create(&l).inc_by(p.lost);
        queued.get_or_create(&l).set(count(p.queued as u64));
    }
    let bmp_up = gauges(
        &mut reg,
        "bmp_collector_up",
        "1 while the BMP collector is connected",
    );
    let bmp_sent = counters(
        &mut reg,
        "bmp_messages_sent",
        "BMP messages written to the collector",
    );
    let bmp_dropped = counters(
        &mut reg,
        "bmp_messages_dropped",
        "BMP messages dropped because the collector's queue was full",
    );
    let bmp_resets = counters(
        &mut reg,
        "bmp_resets",
        "Connections to the collector closed by herald because it fell behind",
    );
    for c in &snap.bmp {
        use std::sync::atomic::Ordering::Relaxed;
        let l = vec![("collector", c.address.to_string())];
        bmp_up.get_or_create(&l).set(i64::from(c.up.load(Relaxed)));
        bmp_sent.get_or_create(&l).inc_by(c.sent.load(Relaxed));
        bmp_dropped
            .get_or_create(&l)
            .inc_by(c.dropped.load(Relaxed));
        bmp_resets.get_or_create(&l).inc_by(c.resets.load(Relaxed));
    }
    let mut process = Registry::default();
    if let Some(rss) = rss_bytes().await {
        let g = Gauge::<i64>::default();
        g.set(count(rss));
        process.register(
            "process_resident_memory_bytes",
            "Resident memory of the herald process",
            g,
        );
    }
    let info = MetricFamily::<Labels, Gauge>::default();
    info.get_or_create(&vec![("version", env!("CARGO_PKG_VERSION").to_string())])
        .set(1);
    reg.register("build_info", "herald's version", info);
    let mut text = String::new();
    // One document: herald's metrics, then the process's under their standard names.
    let mut all = String::new();
    if encode(&mut text, &reg).is_err() || encode(&mut all, &process).is_err() {
        return Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "cannot encode the metrics",
        ));
    }
    let text = text.trim_end().trim_end_matches("# EOF").to_string() + all.as_str();
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
