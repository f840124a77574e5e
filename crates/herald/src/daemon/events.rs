//! Events for programs: neighbor state changes and copies of the messages a peer sends (and of
//! those herald sends), in ExaBGP 5's JSON or text, pushed to the consumers that subscribed
//! (the helper processes named in the neighbor's `api` blocks, `--json-events`).
//!
//! Each event is formatted once per encoder and shared by every consumer that wants it; nothing
//! is formatted when nobody listens. Pushing never waits (see [`super::bus`]).

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use herald_api::json::{self, Direction, Envelope, Peer as JsonPeer};
use herald_config::{ApiMessages, Encoder};
use herald_wire::message::frame;
use herald_wire::{Context, Message};

use super::bus::Consumer;
use super::export::SessionView;

/// One consumer's subscription to one neighbor.
#[derive(Clone)]
pub struct Sub {
    /// Where the events go.
    pub consumer: Arc<Consumer>,
    /// How they are written.
    pub encoder: Encoder,
    /// `neighbor-changes`: connected / up / down.
    pub neighbor_changes: bool,
    /// Copies of what the peer sends.
    pub receive: ApiMessages,
    /// Copies of what herald sends.
    pub send: ApiMessages,
}

/// What `--json-events` subscribes to: state changes and the parsed OPEN, UPDATE,
/// NOTIFICATION and ROUTE-REFRESH messages the peer sends.
pub fn json_events_sub(consumer: Arc<Consumer>) -> Sub {
    Sub {
        consumer,
        encoder: Encoder::Json,
        neighbor_changes: true,
        receive: ApiMessages {
            parsed: true,
            open: true,
            update: true,
            notification: true,
            refresh: true,
            ..ApiMessages::default()
        },
        send: ApiMessages::default(),
    }
}

/// Whether `m` selects messages of type `category` in some form.
fn selects(m: &ApiMessages, category: u8) -> bool {
    let kind = match category {
        1 => m.open,
        2 => m.update,
        3 => m.notification,
        4 => m.keepalive,
        5 => m.refresh,
        _ => false,
    };
    kind && (m.parsed || m.packets || m.consolidate)
}

/// The host name, read once.
pub fn host() -> &'static str {
    static HOST: OnceLock<String> = OnceLock::new();
    HOST.get_or_init(|| {
        std::env::var("HOSTNAME")
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| {
                std::fs::read_to_string("/proc/sys/kernel/hostname")
                    .map(|h| h.trim().to_string())
                    .unwrap_or_else(|_| "localhost".into())
            })
    })
}

/// The parent's process id, read once.
pub fn parent_pid() -> u32 {
    static PPID: OnceLock<u32> = OnceLock::new();
    *PPID.get_or_init(|| {
        std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| {
                s.rsplit(')')
                    .next()
                    .and_then(|r| r.split_whitespace().nth(1))
                    .and_then(|p| p.parse().ok())
            })
            .unwrap_or(0)
    })
}

/// Seconds since the epoch.
pub fn epoch() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Lines formatted for one event, per encoder, made on first use.
#[derive(Default)]
struct Formatted {
    json: Option<Arc<str>>,
    text: Option<Arc<str>>,
}

impl Formatted {
    fn get(
        &mut self,
        encoder: Encoder,
        json: impl FnOnce(&mut String),
        text: impl FnOnce(&mut String),
    ) -> Arc<str> {
        fn make(f: impl FnOnce(&mut String)) -> Arc<str> {
            let mut s = String::with_capacity(256);
            f(&mut s);
            if !s.ends_with('\n') {
                s.push('\n');
            }
            Arc::from(s)
        }
        match encoder {
            Encoder::Json => self.json.get_or_insert_with(|| make(json)).clone(),
            Encoder::Text => self.text.get_or_insert_with(|| make(text)).clone(),
        }
    }
}

/// One peer's event writer.
pub struct Events {
    subs: Vec<Sub>,
    peer: JsonPeer,
    counter: u64,
    compact: bool,
}

impl Events {
    /// Events for one peer, to these subscribers (none: nothing is ever formatted).
    /// `compact`: ExaBGP's `api.compact` JSON for unicast prefixes.
    pub fn new(subs: Vec<Sub>, peer: JsonPeer, compact: bool) -> Events {
        Events {
            subs,
            peer,
            counter: 0,
            compact,
        }
    }

    /// Replace the subscriptions (reload).
    pub fn set_subs(&mut self, subs: Vec<Sub>) {
        self.subs = subs;
    }

    /// Whether anyone wants copies of received messages of this type.
    pub fn wants_received(&self, category: u8) -> bool {
        self.subs.iter().any(|s| selects(&s.receive, category))
    }

    /// Whether anyone wants copies of sent messages.
    pub fn wants_sent(&self) -> bool {
        self.subs.iter().any(|s| {
            let m = &s.send;
            (m.parsed || m.packets || m.consolidate)
                && (m.open || m.update || m.notification || m.keepalive || m.refresh)
        })
    }

    fn envelope(&mut self, local: Option<IpAddr>) -> (f64, u64) {
        if let Some(l) = local {
            self.peer.local_address = l;
        }
        self.counter += 1;
        (epoch(), self.counter)
    }

    /// A state change: `connected`, `up`, `down`.
    pub fn state(&mut self, local: Option<IpAddr>, state: &str, reason: Option<&str>) {
        if !self.subs.iter().any(|s| s.neighbor_changes) {
            return;
        }
        let (time, counter) = self.envelope(local);
        let peer = &self.peer;
        let env = Envelope {
            time,
            host: host(),
            pid: std::process::id(),
            ppid: parent_pid(),
            counter,
            peer,
            direction: Direction::Receive,
            compact: self.compact,
        };
        let mut f = Formatted::default();
        for s in self.subs.iter().filter(|s| s.neighbor_changes) {
            let line = f.get(
                s.encoder,
                |o| json::write_state(o, &env, state, reason),
                |o| herald_api::text::write_state(o, peer, state, reason),
            );
            s.consumer.push_event(line);
        }
    }

    /// The session is up.
    pub fn established(&mut self, view: &SessionView) {
        self.peer.peer_as = view.negotiated.peer_as;
        self.state(Some(view.local_address), "up", None);
    }

    /// A message from the peer: `raw` is the whole message, header included.
    pub fn received(&mut self, local: Option<IpAddr>, m: &Message, raw: &[u8], ctx: &Context) {
        let category = raw.get(18).copied().unwrap_or(0);
        if !self.wants_received(category) {
            return;
        }
        self.emit(
            local,
            Direction::Receive,
            Some(m),
            category,
            raw,
            ctx,
            false,
        );
    }

    /// Messages herald sent: `raw` holds one or more whole messages.
    pub fn sent(&mut self, local: Option<IpAddr>, raw: &[u8], ctx: &Context) {
        if !self.wants_sent() {
            return;
        }
        let mut at = 0;
        while let Some(rest) = raw.get(at..) {
            let Ok(Some(f)) = frame(rest, ctx.max_message_len.max(65535)) else {
                break;
            };
            let Some(msg) = rest.get(..f.len) else { break };
            let category = msg.get(18).copied().unwrap_or(0);
            if self.subs.iter().any(|s| selects(&s.send, category)) {
                self.emit(local, Direction::Send, None, category, msg, ctx, true);
            }
            at += f.len;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn emit(
        &mut self,
        local: Option<IpAddr>,
        direction: Direction,
        decoded: Option<&Message>,
        category: u8,
        raw: &[u8],
        ctx: &Context,
        sent: bool,
    ) {
        let (time, counter) = self.envelope(local);
        let peer = &self.peer;
        let env = Envelope {
            time,
            host: host(),
            pid: std::process::id(),
            ppid: parent_pid(),
            counter,
            peer,
            direction,
            compact: self.compact,
        };
        let (header, body) = (
            raw.get(..19).unwrap_or_default(),
            raw.get(19..).unwrap_or_default(),
        );
        let mut parsed = Formatted::default();
        let mut packets = Formatted::default();
        let mut consolidated = Formatted::default();
        let mut owned: Option<Option<Message>> = None;
        for s in &self.subs {
            let m = if sent { &s.send } else { &s.receive };
            if !selects(m, category) {
                continue;
            }
            if m.packets && !m.consolidate {
                let line = packets.get(
                    s.encoder,
                    |o| json::write_packet(o, &env, category, header, body),
                    |o| herald_api::text::write_packet(o, peer, direction, category, header, body),
                );
                s.consumer.push_event(line);
            }
            if m.parsed || m.consolidate {
                let msg = match decoded {
                    Some(m) => Some(m),
                    None => owned
                        .get_or_insert_with(|| Message::decode(raw, ctx).ok())
                        .as_ref(),
                };
                let Some(msg) = msg else { continue };
                // ExaBGP's `consolidate` with `packets`: the parsed message carries its octets
                // (and no separate packet event is written).
                let line = if m.consolidate && m.packets {
                    consolidated.get(
                        s.encoder,
                        |o| {
                            json::write_message(o, &env, msg, ctx);
                            json::consolidate(o, header, body);
                        },
                        |o| {
                            herald_api::text::write_message(o, peer, direction, msg, ctx);
                            herald_api::text::consolidate(o, header, body);
                        },
                    )
                } else {
                    parsed.get(
                        s.encoder,
                        |o| json::write_message(o, &env, msg, ctx),
                        |o| herald_api::text::write_message(o, peer, direction, msg, ctx),
                    )
                };
                s.consumer.push_event(line);
            }
        }
    }
}
