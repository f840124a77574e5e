//! The REST endpoints: neighbors, their RIBs, and the writes (as text commands).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use herald_wire::{Afi, Family, Safi};
use ipnet::IpNet;
use serde_json::{json, Value};
use tokio::sync::oneshot;

use super::{error, rib_stream, stream_body, Answer, ApiError, AppState, PeerEntry};
use crate::daemon::dispatch::RIB_PAGE;
use crate::daemon::peer::{
    family_words, ApiOp, Command, NeighborStatus, PrefixFilter, PrefixMatch, RibQuery,
};

type Params = Query<HashMap<String, String>>;

/// Refuse query parameters the endpoint does not take (nothing is accepted and ignored).
fn only(params: &HashMap<String, String>, known: &[&str]) -> Result<(), ApiError> {
    match params.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(error(
            StatusCode::BAD_REQUEST,
            format!(
                "unknown parameter '{k}' (this endpoint takes: {})",
                known.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

fn parse_ip(s: &str) -> Result<IpAddr, ApiError> {
    s.parse().map_err(|_| {
        error(
            StatusCode::BAD_REQUEST,
            format!("'{s}' is not an IP address"),
        )
    })
}

/// A family as `ipv4 unicast`, `ipv4/unicast` or `ipv4-unicast`.
pub fn parse_family(s: &str) -> Option<Family> {
    let s = s.trim();
    let both = |a: &str, b: &str| Some(Family::new(Afi::from_name(a)?, Safi::from_name(b)?));
    if let Some((a, b)) = s.split_once([' ', '/']) {
        return both(a.trim(), b.trim());
    }
    s.match_indices('-')
        .find_map(|(i, _)| both(s.get(..i)?, s.get(i + 1..)?))
}

/// The RIB query the parameters of a RIB endpoint ask for.
fn rib_query(params: &HashMap<String, String>, received: bool) -> Result<RibQuery, ApiError> {
    only(params, &["family", "prefix", "match"])?;
    let families = match params.get("family") {
        None => Vec::new(),
        Some(f) => vec![parse_family(f).ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                format!("unknown family '{f}' (ipv4-unicast, ipv6-unicast, ipv4-mpls-vpn, …)"),
            )
        })?],
    };
    let how = match params.get("match").map(String::as_str) {
        None | Some("exact") => PrefixMatch::Exact,
        Some("longest") => PrefixMatch::Longest,
        Some("more-specific") => PrefixMatch::OrLonger,
        Some(m) => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                format!("unknown match '{m}' (exact, longest, more-specific)"),
            ))
        }
    };
    let prefix = match params.get("prefix") {
        None => {
            if params.contains_key("match") {
                return Err(error(StatusCode::BAD_REQUEST, "'match' needs a 'prefix'"));
            }
            None
        }
        Some(p) => {
            let net = p
                .parse::<IpNet>()
                .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    error(
                        StatusCode::BAD_REQUEST,
                        format!("'{p}' is not a prefix or an address"),
                    )
                })?;
            Some(PrefixFilter {
                net: net.trunc(),
                how,
            })
        }
    };
    Ok(RibQuery {
        received,
        extensive: true,
        json: true,
        families,
        name: String::new(),
        prefix,
        skip: 0,
        limit: RIB_PAGE,
    })
}

fn ndjson(body: Body) -> Response {
    ([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response()
}

/// The neighbors with address `ip`; 404 when there are none.
async fn peers_at(st: &AppState, ip: &str) -> Result<Vec<PeerEntry>, ApiError> {
    let ip = parse_ip(ip)?;
    let v: Vec<PeerEntry> = st
        .snapshot()
        .await?
        .peers
        .into_iter()
        .filter(|p| p.address == ip)
        .collect();
    if v.is_empty() {
        return Err(error(StatusCode::NOT_FOUND, format!("no neighbor {ip}")));
    }
    Ok(v)
}

pub(crate) async fn status_of(p: &PeerEntry) -> Option<NeighborStatus> {
    let (tx, rx) = oneshot::channel();
    p.tx.send(Command::Api(ApiOp::Status(tx))).await.ok()?;
    tokio::time::timeout(Duration::from_secs(5), rx)
        .await
        .ok()?
        .ok()
}

fn counts(v: &[u64; 6]) -> Value {
    json!({
        "open": v[1], "update": v[2], "notification": v[3], "keepalive": v[4], "refresh": v[5],
    })
}

fn by_code(v: &[u64; 8]) -> Value {
    let m: serde_json::Map<String, Value> = v
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, n)| {
            let code = if i == 0 {
                "other".to_string()
            } else {
                i.to_string()
            };
            (code, json!(n))
        })
        .collect();
    Value::Object(m)
}

/// A neighbor as the REST API shows it.
pub fn neighbor_json(n: &NeighborStatus) -> Value {
    let mut families = serde_json::Map::new();
    for (f, k) in &n.received_by_family {
        families.insert(family_words(*f), json!({ "received": k, "sent": 0 }));
    }
    for (f, k) in &n.sent_by_family {
        let e = families
            .entry(family_words(*f))
            .or_insert_with(|| json!({ "received": 0 }));
        if let Some(o) = e.as_object_mut() {
            o.insert("sent".into(), json!(k));
        }
    }
    let capabilities = n.negotiated.as_ref().map(|g| {
        let names = |v: &[Family]| v.iter().map(|f| family_words(*f)).collect::<Vec<_>>();
        json!({
            "peer-id": g.peer_id.to_string(),
            "hold-time": g.hold_time,
            "families": names(&g.families),
            "asn4": g.asn4,
            "route-refresh": g.route_refresh,
            "enhanced-route-refresh": g.enhanced_route_refresh,
            "extended-message": g.extended_message,
            "graceful-restart": g.graceful_restart.as_ref().map(|gr| json!({
                "restart-time": gr.time,
                "restarting": gr.restarting,
            })),
            "add-path": { "send": names(&g.add_path_send), "receive": names(&g.add_path_receive) },
            "extended-next-hop": names(&g.extended_next_hop),
        })
    });
    let c = &n.counters;
    json!({
        "peer-address": n.address.to_string(),
        "local-address": n.local_address.map(|a| a.to_string()),
        "local-as": n.local_as,
        "peer-as": n.peer_as,
        "state": n.state.to_ascii_lowercase(),
        "uptime": n.uptime,
        "established": c.established,
        "messages": { "received": counts(&c.received), "sent": counts(&c.sent) },
        "notifications": {
            "received": by_code(&c.notifications_received),
            "sent": by_code(&c.notifications_sent),
        },
        "routes": { "received": n.routes_received, "stale": n.routes_stale, "sent": n.routes_sent },
        "families": families,
        "capabilities": capabilities,
    })
}

pub(super) async fn neighbors(State(st): State<AppState>, params: Params) -> Answer {
    only(&params, &[])?;
    let snap = st.snapshot().await?;
    let mut v = Vec::new();
    for p in &snap.peers {
        if let Some(s) = status_of(p).await {
            v.push(neighbor_json(&s));
        }
    }
    Ok(axum::Json(Value::Array(v)).into_response())
}

pub(super) async fn neighbor(
    State(st): State<AppState>,
    Path(ip): Path<String>,
    params: Params,
) -> Answer {
    only(&params, &[])?;
    let peers = peers_at(&st, &ip).await?;
    for p in &peers {
        if let Some(s) = status_of(p).await {
            return Ok(axum::Json(neighbor_json(&s)).into_response());
        }
    }
    Err(error(
        StatusCode::SERVICE_UNAVAILABLE,
        "the neighbor did not answer",
    ))
}

async fn rib_of(st: AppState, ip: Option<String>, params: Params, received: bool) -> Answer {
    let q = rib_query(&params, received)?;
    let peers = match ip {
        Some(ip) => peers_at(&st, &ip).await?,
        None => st.snapshot().await?.peers,
    };
    Ok(ndjson(rib_stream(peers, q)))
}

pub(super) async fn adj_rib_in(
    State(st): State<AppState>,
    Path(ip): Path<String>,
    params: Params,
) -> Answer {
    rib_of(st, Some(ip), params, true).await
}

pub(super) async fn adj_rib_out(
    State(st): State<AppState>,
    Path(ip): Path<String>,
    params: Params,
) -> Answer {
    rib_of(st, Some(ip), params, false).await
}

pub(super) async fn adj_rib_in_all(State(st): State<AppState>, params: Params) -> Answer {
    rib_of(st, None, params, true).await
}

pub(super) async fn adj_rib_out_all(State(st): State<AppState>, params: Params) -> Answer {
    rib_of(st, None, params, false).await
}

/// Run lines and collect what they answer: one result per line (`done` or `error: why`).
async fn run_collect(
    st: &AppState,
    lines: Vec<String>,
) -> Result<Vec<Result<(), String>>, ApiError> {
    let mut rx = st.run_lines(lines).await?;
    let mut out = Vec::new();
    while let Some(b) = rx.recv().await {
        out.extend_from_slice(&b);
    }
    let text = String::from_utf8_lossy(&out);
    let mut results = Vec::new();
    let mut why = None;
    for l in text.lines() {
        if let Some(m) = l.strip_prefix("error: ") {
            why = Some(m.to_string());
        } else if l == "error" {
            results.push(Err(why.take().unwrap_or_else(|| "refused".into())));
        } else if l == "done" {
            results.push(Ok(()));
        }
    }
    Ok(results)
}

/// The answer to write commands: 200 when every line was taken, else 400; each line's result.
fn results_json(lines: &[String], results: &[Result<(), String>]) -> Answer {
    let ok = results.len() == lines.len() && results.iter().all(Result::is_ok);
    let v: Vec<Value> = lines
        .iter()
        .zip(results.iter().map(Some).chain(std::iter::repeat(None)))
        .map(|(l, r)| match r {
            Some(Ok(())) => json!({ "command": l, "ok": true }),
            Some(Err(e)) => json!({ "command": l, "ok": false, "error": e }),
            None => json!({ "command": l, "ok": false, "error": "no answer" }),
        })
        .collect();
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, axum::Json(json!({ "ok": ok, "results": v }))).into_response())
}

/// `neighbor IP ` when the parameters name one.
fn selector(params: &HashMap<String, String>) -> Result<String, ApiError> {
    only(params, &["neighbor"])?;
    match params.get("neighbor") {
        Some(ip) => Ok(format!("neighbor {} ", parse_ip(ip)?)),
        None => Ok(String::new()),
    }
}

async fn change(
    st: AppState,
    headers: HeaderMap,
    params: Params,
    body: String,
    verb: &str,
) -> Answer {
    st.authorize(&headers)?;
    let sel = selector(&params)?;
    let lines: Vec<String> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| format!("{sel}{verb} {l}"))
        .collect();
    if lines.is_empty() {
        return Err(error(
            StatusCode::BAD_REQUEST,
            format!("nothing to {verb}: the body holds no route"),
        ));
    }
    let r = run_collect(&st, lines.clone()).await?;
    results_json(&lines, &r)
}

pub(super) async fn announce(
    State(st): State<AppState>,
    headers: HeaderMap,
    params: Params,
    body: String,
) -> Answer {
    change(st, headers, params, body, "announce").await
}

pub(super) async fn withdraw(
    State(st): State<AppState>,
    headers: HeaderMap,
    params: Params,
    body: String,
) -> Answer {
    change(st, headers, params, body, "withdraw").await
}

pub(super) async fn teardown(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(ip): Path<String>,
    params: Params,
) -> Answer {
    st.authorize(&headers)?;
    only(&params, &["subcode", "message"])?;
    peers_at(&st, &ip).await?;
    let subcode = params.get("subcode").map(String::as_str).unwrap_or("2");
    let mut line = format!("neighbor {ip} teardown {subcode}");
    if let Some(m) = params.get("message") {
        line.push(' ');
        line.push_str(m);
    }
    let lines = vec![line];
    let r = run_collect(&st, lines.clone()).await?;
    results_json(&lines, &r)
}

pub(super) async fn reload(
    State(st): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> Answer {
    st.authorize(&headers)?;
    only(&params, &[])?;
    let lines = vec!["reload".to_string()];
    let r = run_collect(&st, lines.clone()).await?;
    results_json(&lines, &r)
}

/// Any text command, one per line; the answer streams back as the control socket gives it.
pub(super) async fn commands(
    State(st): State<AppState>,
    headers: HeaderMap,
    params: Params,
    body: String,
) -> Answer {
    st.authorize(&headers)?;
    only(&params, &[])?;
    let lines: Vec<String> = body.lines().map(str::to_string).collect();
    let rx = st.run_lines(lines).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        stream_body(rx),
    )
        .into_response())
}
