//! JSON events on stdout (`herald run --json-events`): neighbor state changes and the messages a
//! peer sends, in ExaBGP 5's JSON, one object per line.

use std::io::Write;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use herald_api::json::{self, Direction, Envelope, Peer as JsonPeer};
use herald_wire::{Context, Message};

use super::export::SessionView;

/// Where events go: stdout, shared by every peer.
#[derive(Default)]
pub struct Sink {
    out: Mutex<()>,
}

/// One peer's event writer.
pub struct Events {
    sink: Option<Arc<Sink>>,
    peer: JsonPeer,
    counter: u64,
    line: String,
    host: String,
}

impl Events {
    /// Events for one peer; `sink` `None` disables them.
    pub fn new(sink: Option<Arc<Sink>>, peer: JsonPeer) -> Events {
        let host = std::env::var("HOSTNAME")
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| {
                std::fs::read_to_string("/proc/sys/kernel/hostname")
                    .map(|h| h.trim().to_string())
                    .unwrap_or_else(|_| "localhost".into())
            });
        Events {
            sink,
            peer,
            counter: 0,
            line: String::new(),
            host,
        }
    }

    fn emit(&mut self, local: Option<IpAddr>, f: impl FnOnce(&mut String, &Envelope<'_>)) {
        let Some(sink) = &self.sink else { return };
        if let Some(l) = local {
            self.peer.local_address = l;
        }
        self.counter += 1;
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        let env = Envelope {
            time,
            host: &self.host,
            pid: std::process::id(),
            ppid: parent_pid(),
            counter: self.counter,
            peer: &self.peer,
            direction: Direction::Receive,
        };
        self.line.clear();
        f(&mut self.line, &env);
        self.line.push('\n');
        let _guard = sink.out.lock();
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(self.line.as_bytes());
        let _ = o.flush();
    }

    /// A state change: `connected`, `up`, `down`.
    pub fn state(&mut self, local: Option<IpAddr>, state: &str, reason: Option<&str>) {
        self.emit(local, |s, env| json::write_state(s, env, state, reason));
    }

    /// The session is up.
    pub fn established(&mut self, view: &SessionView) {
        self.peer.peer_as = view.negotiated.peer_as;
        self.emit(Some(view.local_address), |s, env| {
            json::write_state(s, env, "up", None)
        });
    }

    /// A message from the peer.
    pub fn message(&mut self, local: Option<IpAddr>, m: &Message, ctx: &Context) {
        self.emit(local, |s, env| json::write_message(s, env, m, ctx));
    }
}

fn parent_pid() -> u32 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            s.rsplit(')')
                .next()
                .and_then(|r| r.split_whitespace().nth(1))
                .and_then(|p| p.parse().ok())
        })
        .unwrap_or(0)
}
