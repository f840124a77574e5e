//! The HTTP server (`http.listen`): a JSON REST API over the neighbors and their RIBs, the text
//! command language over HTTP, Prometheus metrics and the OpenAPI description.
//!
//! Reads are open to whoever reaches the address (127.0.0.1 unless `http.listen` says
//! otherwise); writes (announce, withdraw, teardown, reload, commands) need
//! `Authorization: Bearer <token>` with the token of `http.token-file`, and answer 403 when no
//! token file is configured.
//!
//! Nothing here holds a RIB in memory: route listings are read from the peer tasks one page at
//! a time ([`dispatch::RIB_PAGE`] routes) as the client reads the answer, and a client that
//! stops reading stops the listing. Commands go through the same dispatcher as helper
//! processes and the control socket.

mod metrics;
mod rest;

pub(crate) use rest::status_of;

use super::peer::StateChange;

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::atomic::AtomicU8;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use herald_config::{Encoder, NeighborKey};
use tokio::sync::{mpsc, oneshot};
use tracing::{info, warn};

use super::bus::{self, Consumer, LostFormat};
use super::dispatch;
use super::peer::Command;
use super::process::{Parsed, Request, Source, ACK_ON};

/// The OpenAPI description of every route [`router`] serves.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Octets of command output a client may have queued before the command waits.
const CLIENT_QUEUE: usize = 4 << 20;

/// Pages of a route listing queued for a client before the listing waits.
const PAGES_AHEAD: usize = 2;

/// What the HTTP side asks the daemon.
pub enum Query {
    /// The neighbors and the helper processes, as they are now.
    Snapshot(oneshot::Sender<Snapshot>),
}

/// The daemon's neighbors and processes at one moment.
#[derive(Default)]
pub struct Snapshot {
    /// Every neighbor task, sorted by key.
    pub peers: Vec<PeerEntry>,
    /// Every helper process.
    pub processes: Vec<ProcessEntry>,
    /// Every BMP collector's counters.
    pub bmp: Vec<std::sync::Arc<crate::daemon::bmp::CollectorStats>>,
}

/// One neighbor task.
pub struct PeerEntry {
    /// Its configuration key.
    pub key: NeighborKey,
    /// Its peer address.
    pub address: IpAddr,
    /// ExaBGP's full name of the neighbor (for extensive text listings).
    pub name: String,
    /// Its command channel.
    pub tx: mpsc::Sender<Command>,
}

/// One helper process's counters.
pub struct ProcessEntry {
    /// The process name.
    pub name: String,
    /// Command lines it wrote.
    pub lines: u64,
    /// Commands answered with an error.
    pub errors: u64,
    /// Events offered to it.
    pub events: u64,
    /// Events dropped because it did not read them in time.
    pub lost: u64,
    /// Octets waiting in its queue.
    pub queued: usize,
}

/// What every handler can reach.
#[derive(Clone)]
struct AppState {
    daemon: mpsc::Sender<Query>,
    requests: mpsc::Sender<Request>,
    token: Option<Arc<[u8]>>,
    clients: Arc<std::sync::atomic::AtomicU64>,
    states: tokio::sync::broadcast::Sender<StateChange>,
}

impl AppState {
    async fn snapshot(&self) -> Result<Snapshot, ApiError> {
        let (tx, rx) = oneshot::channel();
        if self.daemon.send(Query::Snapshot(tx)).await.is_err() {
            return Err(error(StatusCode::SERVICE_UNAVAILABLE, "herald is stopping"));
        }
        rx.await
            .map_err(|_| error(StatusCode::SERVICE_UNAVAILABLE, "herald is stopping"))
    }

    /// The request may write: it carries the configured token.
    fn authorize(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let Some(token) = &self.token else {
            return Err(error(
                StatusCode::FORBIDDEN,
                "writes over HTTP are off: set http.token-file",
            ));
        };
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or_default();
        if constant_time_eq(given.as_bytes(), token) {
            Ok(())
        } else {
            Err(error(
                StatusCode::UNAUTHORIZED,
                "missing or wrong bearer token",
            ))
        }
    }

    /// Run text command lines as one client of the dispatcher; their output (answers included)
    /// arrives on the returned stream as it is written.
    async fn run_lines(&self, lines: Vec<String>) -> Result<mpsc::Receiver<Bytes>, ApiError> {
        let n = self
            .clients
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let consumer = Consumer::new(format!("http {n}"), CLIENT_QUEUE, LostFormat::Text);
        let source = Arc::new(Source {
            name: format!("http-{n}"),
            process: false,
            consumer: consumer.clone(),
            encoder: Encoder::Text,
            ack: AtomicU8::new(ACK_ON),
            stats: Default::default(),
        });
        let (w, r) = tokio::io::duplex(64 << 10);
        tokio::spawn(bus::write_loop(consumer.clone(), w));
        let (sync, synced) = oneshot::channel();
        let req = Request {
            source,
            lines: lines.into_iter().map(Parsed::new).collect(),
            sync: Some(sync),
        };
        if self.requests.send(req).await.is_err() {
            return Err(error(StatusCode::SERVICE_UNAVAILABLE, "herald is stopping"));
        }
        tokio::spawn(async move {
            let _ = synced.await;
            consumer.finish();
        });
        let (tx, rx) = mpsc::channel(PAGES_AHEAD);
        tokio::spawn(pump(r, tx));
        Ok(rx)
    }
}

/// Copy what a reader yields into `tx` until either side ends.
async fn pump(mut r: impl tokio::io::AsyncRead + Unpin, tx: mpsc::Sender<Bytes>) {
    use tokio::io::AsyncReadExt;
    loop {
        let mut buf = Vec::with_capacity(64 << 10);
        match r.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                if tx.send(Bytes::from(buf)).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// A response body fed from a channel of chunks.
fn stream_body(rx: mpsc::Receiver<Bytes>) -> Body {
    let s = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<Bytes, std::convert::Infallible>(b), rx))
    });
    Body::from_stream(s)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A refused request: answered `{ "error": MESSAGE }` with its status.
#[derive(Debug)]
pub(super) struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.1 });
        (self.0, axum::Json(body)).into_response()
    }
}

/// A refusal with a status.
fn error(status: StatusCode, message: impl Into<String>) -> ApiError {
    ApiError(status, message.into())
}

/// What handlers return.
type Answer = Result<Response, ApiError>;

/// Read the token file: its first line, trimmed; empty is an error.
pub async fn read_token(path: &Path) -> Result<Arc<[u8]>, String> {
    let text = tokio::fs::read_to_string(path)
        .await
        .map_err(|e| format!("cannot read http.token-file {}: {e}", path.display()))?;
    let t = text.lines().next().unwrap_or_default().trim();
    if t.is_empty() {
        return Err(format!("http.token-file {} is empty", path.display()));
    }
    Ok(Arc::from(t.as_bytes()))
}

fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(looking_glass))
        .route("/openapi.json", get(openapi))
        .route("/v1/events", get(events))
        .route("/metrics", get(metrics::scrape))
        .route("/v1/neighbors", get(rest::neighbors))
        .route("/v1/neighbors/{ip}", get(rest::neighbor))
        .route("/v1/neighbors/{ip}/adj-rib-in", get(rest::adj_rib_in))
        .route("/v1/neighbors/{ip}/adj-rib-out", get(rest::adj_rib_out))
        .route("/v1/neighbors/{ip}/teardown", post(rest::teardown))
        .route("/v1/adj-rib-in", get(rest::adj_rib_in_all))
        .route("/v1/adj-rib-out", get(rest::adj_rib_out_all))
        .route("/v1/announce", post(rest::announce))
        .route("/v1/withdraw", post(rest::withdraw))
        .route("/v1/reload", post(rest::reload))
        .route("/v1/commands", post(rest::commands))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such endpoint").into_response() })
        .with_state(state)
}

/// The looking glass: one page, its script and style inline, nothing fetched from elsewhere.
const LOOKING_GLASS: &str = include_str!("lg.html");

async fn looking_glass() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
            ),
        ],
        LOOKING_GLASS,
    )
        .into_response()
}

/// Server-sent events: a `: ready` comment once subscribed, then `state` events
/// (`{"neighbor", "from", "to"}`) as neighbors change state. A client too slow to take them gets a `lost` event with how many it missed (the
/// queue behind it is bounded; no neighbor waits for it).
async fn events(axum::extract::State(st): axum::extract::State<AppState>) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use tokio::sync::broadcast::error::RecvError;
    let rx = st.states.subscribe();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        let ev = match rx.recv().await {
            Ok(c) => Event::default().event("state").data(
                serde_json::json!({ "neighbor": c.neighbor, "from": c.from.to_ascii_lowercase(), "to": c.to.to_ascii_lowercase() })
                    .to_string(),
            ),
            Err(RecvError::Lagged(n)) => Event::default()
                .event("lost")
                .data(serde_json::json!({ "lost": n }).to_string()),
            Err(RecvError::Closed) => return None,
        };
        Some((Ok::<Event, std::convert::Infallible>(ev), rx))
    });
    // A comment first: the client knows it is subscribed.
    let ready = futures_util::stream::once(async {
        Ok::<Event, std::convert::Infallible>(Event::default().comment("ready"))
    });
    Sse::new(futures_util::StreamExt::chain(ready, stream))
        .keep_alive(KeepAlive::default())
        .into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// Bind `addr` and serve until the task is aborted.
pub async fn start(
    addr: SocketAddr,
    token: Option<Arc<[u8]>>,
    daemon: mpsc::Sender<Query>,
    requests: mpsc::Sender<Request>,
    states: tokio::sync::broadcast::Sender<StateChange>,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    info!(address = %local, writes = token.is_some(), "HTTP API listening");
    let state = AppState {
        daemon,
        requests,
        token,
        clients: Arc::default(),
        states,
    };
    let app = router(state);
    // Answers go out as they are written: without TCP_NODELAY a small answer waits for the
    // client's delayed ACK (tens of milliseconds per request).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            warn!("HTTP server stopped: {e}");
        }
    }))
}

/// Stream a RIB listing of `peers` with `q` as NDJSON, a page at a time.
fn rib_stream(peers: Vec<PeerEntry>, q: super::peer::RibQuery) -> Body {
    let (tx, rx) = mpsc::channel::<Bytes>(PAGES_AHEAD);
    tokio::spawn(async move {
        for p in peers {
            let mut q = q.clone();
            q.name = p.name.clone();
            dispatch::stream_rib(&p.tx, q, |lines| {
                let tx = tx.clone();
                async move {
                    let mut s = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
                    for l in lines {
                        s.push_str(&l);
                        s.push('\n');
                    }
                    tx.send(Bytes::from(s)).await.is_ok()
                }
            })
            .await;
            if tx.is_closed() {
                return;
            }
        }
    });
    stream_body(rx)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// `(method, path)` of every route this module's router serves, read from its source.
    fn served() -> BTreeSet<(String, String)> {
        let src = include_str!("mod.rs");
        let mut out = BTreeSet::new();
        for l in src.lines().map(str::trim) {
            let Some(rest) = l.strip_prefix(".route(\"") else {
                continue;
            };
            let Some((path, tail)) = rest.split_once('"') else {
                continue;
            };
            let tail = tail.trim_start_matches(", ");
            let method = tail.split('(').next().unwrap_or_default().to_string();
            out.insert((method, path.to_string()));
        }
        out
    }

    #[test]
    fn the_openapi_description_lists_exactly_the_routes_served() {
        let spec: serde_json::Value =
            serde_json::from_str(super::OPENAPI).expect("openapi.json is JSON");
        assert_eq!(spec["openapi"], "3.1.0");
        let mut documented = BTreeSet::new();
        for (path, item) in spec["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                assert!(op["responses"]["200"].is_object(), "{method} {path}");
                assert!(op["operationId"].is_string(), "{method} {path}");
                // Writes, and only writes, need the bearer token.
                assert_eq!(
                    op.get("security").is_some(),
                    method == "post",
                    "{method} {path}"
                );
                documented.insert((method.clone(), path.clone()));
            }
        }
        let served = served();
        assert!(served.len() >= 13, "{served:?}");
        assert_eq!(documented, served);
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(super::constant_time_eq(b"abc", b"abc"));
        assert!(!super::constant_time_eq(b"abc", b"abd"));
        assert!(!super::constant_time_eq(b"abc", b"abcd"));
        assert!(!super::constant_time_eq(b"", b"a"));
    }
}
