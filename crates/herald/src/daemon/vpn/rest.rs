//! BaGPipe's REST API and looking glass (`vpn { rest ADDRESS:PORT; }`, 127.0.0.1:8082 by
//! default), wire-compatible with BaGPipe-BGP's, so that `bagpipe-rest-attach`,
//! `bagpipe-looking-glass` and networking-bagpipe keep working.
//!
//! | method and path | answer |
//! |-----------------|--------|
//! | `GET /` | `{}` |
//! | `GET /ping` | an integer drawn at each start (clients see a restart by its change) |
//! | `POST /attach_localport`, `POST /detach_localport` | `{}` (200); a client mistake: 400 `{"message": …}`; a dataplane failure: 500 |
//! | `GET /looking-glass`, `/looking-glass/`, `/looking-glass/<path>` | JSON; 404 `NoSuchLookingGlassObject` for an unknown path |
//!
//! Any other method on these paths is 405; any other path 404. Bodies are read whatever
//! their Content-Type. Path segments are percent-decoded; `href`s are absolute URLs built
//! from the request's Host header, as BaGPipe builds them.

use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use herald_vpn::{AttachRequest, DetachRequest};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, info, warn};

use super::task::{Reply, Request};

#[derive(Clone)]
struct St {
    requests: mpsc::Sender<Request>,
    ping: u32,
    /// The listening address, for `href`s when a request has no usable Host header.
    local: SocketAddr,
}

/// A number drawn at each start (std's per-process random hash keys), below 2^31 as BaGPipe's.
fn ping_value() -> u32 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    (h.finish() & 0x7fff_ffff) as u32
}

/// Serve the REST API on `listener` until the task is aborted.
pub fn serve(
    listener: tokio::net::TcpListener,
    requests: mpsc::Sender<Request>,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let local = listener
        .local_addr()
        .map_err(|e| format!("vpn rest: {e}"))?;
    let st = St {
        requests,
        ping: ping_value(),
        local,
    };
    info!(address = %local, ping = st.ping, "vpn REST API listening");
    let app = router(st);
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            warn!("vpn REST server stopped: {e}");
        }
    }))
}

fn router(st: St) -> Router {
    Router::new()
        .route("/", get(|| async { Json(json!({})) }))
        .route("/ping", get(ping))
        .route("/attach_localport", post(attach))
        .route("/detach_localport", post(detach))
        .route("/looking-glass", get(looking_glass))
        .route("/looking-glass/", get(looking_glass))
        .route("/looking-glass/{*path}", get(looking_glass))
        .fallback(|| async { message(StatusCode::NOT_FOUND, "no such resource") })
        .with_state(st)
}

async fn ping(State(st): State<St>) -> Response {
    Json(st.ping).into_response()
}

/// `{"message": …}` with `status`.
fn message(status: StatusCode, m: impl Into<String>) -> Response {
    (status, Json(json!({ "message": m.into() }))).into_response()
}

fn unavailable() -> Response {
    message(StatusCode::SERVICE_UNAVAILABLE, "herald is stopping")
}

/// The body as text; a body that is not UTF-8 is the client's mistake (`None`).
fn text(body: &Bytes) -> Option<&str> {
    std::str::from_utf8(body).ok()
}

fn no_details() -> Response {
    message(
        StatusCode::BAD_REQUEST,
        "API error: No local port details received",
    )
}

async fn ask(st: &St, make: impl FnOnce(oneshot::Sender<Reply>) -> Request) -> Response {
    let (tx, rx) = oneshot::channel();
    if st.requests.send(make(tx)).await.is_err() {
        return unavailable();
    }
    match rx.await {
        Ok(Reply::Ok) => Json(json!({})).into_response(),
        Ok(Reply::BadRequest(m)) => message(StatusCode::BAD_REQUEST, format!("API error: {m}")),
        Ok(Reply::Failed(m)) => message(StatusCode::INTERNAL_SERVER_ERROR, m),
        Err(_) => unavailable(),
    }
}

async fn attach(State(st): State<St>, body: Bytes) -> Response {
    let Some(body) = text(&body) else {
        return no_details();
    };
    let req = match AttachRequest::from_json(body) {
        Ok(r) => r,
        Err(e) => {
            debug!(error = %e, "vpn: attach refused");
            return message(StatusCode::BAD_REQUEST, format!("API error: {e}"));
        }
    };
    if !req.ignored.is_empty() {
        debug!(keys = %req.ignored.join(" "), "vpn: attach: keys ignored");
    }
    ask(&st, |tx| Request::Attach(Box::new(req), tx)).await
}

async fn detach(State(st): State<St>, body: Bytes) -> Response {
    let Some(body) = text(&body) else {
        return no_details();
    };
    let req = match DetachRequest::from_json(body) {
        Ok(r) => r,
        Err(e) => return message(StatusCode::BAD_REQUEST, format!("API error: {e}")),
    };
    ask(&st, |tx| Request::Detach(Box::new(req), tx)).await
}

/// Percent-decode one path segment; `None` for a bad escape or text that is not UTF-8.
fn decode(seg: &str) -> Option<String> {
    let b = seg.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `http://<host>/looking-glass` from the Host header (when it looks like a host), else from
/// the listening address.
fn base(headers: &HeaderMap, local: SocketAddr) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b".-:[]_".contains(&c))
        })
        .map_or_else(|| local.to_string(), str::to_string);
    format!("http://{host}/looking-glass")
}

async fn looking_glass(State(st): State<St>, uri: Uri, headers: HeaderMap) -> Response {
    let raw = uri
        .path()
        .strip_prefix("/looking-glass")
        .unwrap_or_default();
    let mut path = Vec::new();
    for seg in raw.split('/').filter(|s| !s.is_empty()) {
        match decode(seg) {
            Some(s) => path.push(s),
            None => return not_found(raw),
        }
    }
    let (tx, rx) = oneshot::channel();
    let req = Request::LookingGlass {
        path,
        base: base(&headers, st.local),
        reply: tx,
    };
    if st.requests.send(req).await.is_err() {
        return unavailable();
    }
    match rx.await {
        Ok(Some(v)) => Json::<Value>(v).into_response(),
        Ok(None) => not_found(raw),
        Err(_) => unavailable(),
    }
}

/// BaGPipe's `NoSuchLookingGlassObject`.
fn not_found(path: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({
            "error": "NoSuchLookingGlassObject",
            "message": format!("No such looking glass object: {path}"),
        })),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_decoded() {
        assert_eq!(decode("test-%C3%A9").as_deref(), Some("test-é"));
        assert_eq!(decode("10.0.0.254").as_deref(), Some("10.0.0.254"));
        assert_eq!(decode("a%3Ab").as_deref(), Some("a:b"));
        assert_eq!(decode("%"), None);
        assert_eq!(decode("%G0"), None);
        assert_eq!(decode("%FF"), None);
    }

    #[test]
    fn hrefs_take_the_host_header_or_the_listening_address() {
        let local: SocketAddr = "127.0.0.1:8082".parse().unwrap();
        let mut h = HeaderMap::new();
        assert_eq!(base(&h, local), "http://127.0.0.1:8082/looking-glass");
        h.insert(header::HOST, "pe1.example:8082".parse().unwrap());
        assert_eq!(base(&h, local), "http://pe1.example:8082/looking-glass");
        h.insert(header::HOST, "evil/x".parse().unwrap());
        assert_eq!(base(&h, local), "http://127.0.0.1:8082/looking-glass");
    }

    #[test]
    fn ping_values_differ_between_starts() {
        assert!(ping_value() < 1 << 31);
        assert_ne!(ping_value(), ping_value());
    }
}
