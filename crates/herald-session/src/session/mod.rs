//! The per-peer BGP state machine (RFC 4271 §8), sans-IO.
//!
//! Call order for the I/O layer that drives a [`Session`]:
//! 1. [`Session::start`] once (ManualStart).
//! 2. Loop: drain [`Session::poll_output`] and act on each [`Output`] (open a connection, write a
//!    message, close, hand an UPDATE to the RIB, log a state change); then wait until the first
//!    of: the deadline from [`Session::poll_timeout`] (call [`Session::handle_timeout`]), a
//!    connection outcome ([`Session::handle_connected`], [`Session::handle_connect_failed`],
//!    [`Session::handle_closed`]), a decoded message ([`Session::handle_message`]) or a decode
//!    error ([`Session::handle_decode_error`]), an inbound connection
//!    ([`Session::handle_incoming`], then [`Session::resolve_collision`] when asked), or a
//!    command ([`Session::stop`]).
//!
//! Every `handle_*` takes `now`; the session never reads a clock. Jitter comes from a seed.
//! UPDATEs the session receives are passed out untouched; UPDATEs to send are written by the
//! I/O layer directly once the session is [`State::Established`] (the session does not need to
//! see them: its keepalive timer runs on its own, so a long route dump never starves it as
//! long as the I/O layer keeps calling `poll_timeout`).

use std::collections::VecDeque;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use herald_wire::notification::{cease, code};
use herald_wire::{DecodeError, Message, Notification, Open, RouteRefresh, Update};

use crate::negotiate::{negotiate, LocalCapabilities, Negotiated};
use crate::timer::{Timer, Timers};

/// Session states (RFC 4271 §8.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Not connecting; waiting for start or for the retry timer.
    Idle,
    /// Trying to open a connection.
    Connect,
    /// Waiting for the peer to connect (passive, or after a failed attempt).
    Active,
    /// Connected, OPEN sent, waiting for the peer's OPEN.
    OpenSent,
    /// OPENs exchanged, waiting for a KEEPALIVE.
    OpenConfirm,
    /// Up: routes flow.
    Established,
}

impl State {
    /// Lower-case name for logs and JSON (`idle`, `connect`, …, `established`).
    pub fn name(self) -> &'static str {
        match self {
            State::Idle => "idle",
            State::Connect => "connect",
            State::Active => "active",
            State::OpenSent => "opensent",
            State::OpenConfirm => "openconfirm",
            State::Established => "established",
        }
    }
}

/// Session configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Our AS.
    pub local_as: u32,
    /// The AS the peer must have; `None` accepts any (ExaBGP's `peer-as auto`).
    pub peer_as: Option<u32>,
    /// Our BGP Identifier.
    pub router_id: Ipv4Addr,
    /// Hold time we propose (0, or 3 and more).
    pub hold_time: u16,
    /// Never connect; only accept the peer's connections.
    pub passive: bool,
    /// Capabilities we offer.
    pub capabilities: LocalCapabilities,
    /// First connect-retry delay; doubled on each failure up to `connect_retry_max`.
    pub connect_retry: Duration,
    /// Longest connect-retry delay.
    pub connect_retry_max: Duration,
    /// Hold time while waiting for the peer's OPEN (RFC 4271 suggests 4 minutes).
    pub open_hold: Duration,
    /// Give up after this many failed attempts in a row (a connection that could not be made
    /// or a session that ended; an established session starts the count again); 0 = never
    /// (ExaBGP's `tcp.attempts`, `tcp.once` = 1).
    pub attempts: u32,
}

impl Config {
    /// A configuration with herald's defaults: hold time 180 s, retry 2 s doubling to 60 s.
    pub fn new(local_as: u32, peer_as: Option<u32>, router_id: Ipv4Addr) -> Self {
        Config {
            local_as,
            peer_as,
            router_id,
            hold_time: 180,
            passive: false,
            capabilities: LocalCapabilities::default(),
            connect_retry: Duration::from_secs(2),
            connect_retry_max: Duration::from_secs(60),
            open_hold: Duration::from_secs(240),
            attempts: 0,
        }
    }
}

/// Why a session went down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DownReason {
    /// We sent this NOTIFICATION (an error we found, hold timer expiry, or an administrative stop).
    NotificationSent(Notification),
    /// The peer sent this NOTIFICATION.
    NotificationReceived(Notification),
    /// The connection closed without a NOTIFICATION.
    ConnectionClosed,
}

impl DownReason {
    /// Whether graceful restart procedures apply (RFC 4724 §4.2: the session ended without a
    /// NOTIFICATION).
    pub fn graceful(&self) -> bool {
        matches!(self, DownReason::ConnectionClosed)
    }
}

/// What the I/O layer must do or know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Open a TCP connection to the peer; report with `handle_connected(outbound = true)` or
    /// `handle_connect_failed`.
    Connect,
    /// Write this message on the current connection.
    Send(Message),
    /// Close the current connection after writing what is queued.
    Close,
    /// The state changed.
    StateChanged {
        /// Old state.
        from: State,
        /// New state.
        to: State,
    },
    /// The peer's OPEN arrived and was accepted.
    OpenReceived(Box<Open>),
    /// The session is established with these parameters.
    Established(Box<Negotiated>),
    /// An established session ended.
    Down(DownReason),
    /// An UPDATE from the peer (decoded with RFC 7606 handling).
    Update(Box<Update>),
    /// A ROUTE-REFRESH from the peer.
    RouteRefresh(RouteRefresh),
    /// `attempts` failed in a row: no more connections are made or accepted.
    GaveUp {
        /// How many.
        attempts: u32,
    },
    /// A NOTIFICATION was sent or received outside an established session (for logs).
    Notification {
        /// True when we sent it.
        sent: bool,
        /// The message.
        notification: Notification,
    },
}

/// What to do with an inbound connection (RFC 4271 §6.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Incoming {
    /// Use it: the session is now on this connection (state OpenSent; our OPEN is queued).
    Accept,
    /// A connection is already up: read the new connection's OPEN and call
    /// [`Session::resolve_collision`].
    ReadOpen,
    /// Refuse it: send Cease/Connection Rejected on it and close it.
    Reject,
}

/// The outcome of connection collision detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collision {
    /// Keep the existing connection; close the new one with Cease/Connection Collision
    /// Resolution.
    KeepExisting,
    /// The existing connection was closed (outputs queued); the session now runs on the new one,
    /// whose OPEN has been processed.
    UseNew,
}

/// One peer's state machine.
#[derive(Debug)]
pub struct Session {
    config: Config,
    state: State,
    timers: Timers,
    out: VecDeque<Output>,
    negotiated: Option<Negotiated>,
    outbound: bool,
    failures: u32,
    stopped: bool,
    rng: u64,
}

impl Session {
    /// A session in Idle. `seed` drives the connect-retry jitter.
    pub fn new(config: Config, seed: u64) -> Self {
        Session {
            config,
            state: State::Idle,
            timers: Timers::default(),
            out: VecDeque::new(),
            negotiated: None,
            outbound: false,
            failures: 0,
            stopped: true,
            rng: seed | 1,
        }
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The negotiated parameters while OpenConfirm or Established.
    pub fn negotiated(&self) -> Option<&Negotiated> {
        self.negotiated.as_ref()
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// The earliest timer deadline, if any timer is armed.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    fn set_state(&mut self, to: State) {
        if self.state != to {
            let from = self.state;
            self.state = to;
            self.out.push_back(Output::StateChanged { from, to });
        }
    }

    /// xorshift64*: enough for jitter.
    fn random(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// The next connect-retry delay: exponential backoff, jittered to 75–100 % (RFC 4271 §10).
    fn retry_delay(&mut self) -> Duration {
        let exp = self.failures.min(16);
        let base = self
            .config
            .connect_retry
            .saturating_mul(1 << exp)
            .min(self.config.connect_retry_max);
        let jitter = 0.75 + (self.random() % 1000) as f64 / 4000.0;
        base.mul_f64(jitter)
    }

    /// ManualStart: connect now (or wait for the peer when passive).
    pub fn start(&mut self, now: Instant) {
        self.stopped = false;
        self.failures = 0;
        if self.state == State::Idle {
            self.begin_connect(now);
        }
    }

    fn begin_connect(&mut self, now: Instant) {
        if self.config.passive {
            self.set_state(State::Active);
            return;
        }
        self.set_state(State::Connect);
        self.out.push_back(Output::Connect);
        let d = self.retry_delay();
        self.timers
            .set(Timer::ConnectRetry, now + d.max(Duration::from_secs(5)));
    }

    /// ManualStop: Cease with a shutdown communication (RFC 8203) if connected, then Idle.
    /// The session stays down until [`Session::start`].
    pub fn stop(&mut self, now: Instant, subcode: u8, message: &str) {
        self.stopped = true;
        if self.connected() {
            let n = Notification::cease_with_message(subcode, message);
            self.fail(now, DownReasonKind::Sent(n));
        } else {
            self.timers.stop_all();
            self.set_state(State::Idle);
        }
    }

    /// Send this NOTIFICATION (a Cease chosen by the caller: an API `teardown`, RFC 4486 §4
    /// maximum number of prefixes reached) and close. With `stay_down` the session stays
    /// Idle until [`Session::start`]; otherwise it reconnects as after any failure.
    pub fn cease(&mut self, now: Instant, notification: Notification, stay_down: bool) {
        if stay_down {
            self.stopped = true;
        }
        if self.connected() {
            self.fail(now, DownReasonKind::Sent(notification));
        } else if stay_down {
            self.timers.stop_all();
            self.set_state(State::Idle);
        }
    }

    fn connected(&self) -> bool {
        matches!(
            self.state,
            State::OpenSent | State::OpenConfirm | State::Established
        )
    }

    /// Send our OPEN on a fresh connection and wait for the peer's.
    fn open_connection(&mut self, now: Instant, outbound: bool) {
        self.outbound = outbound;
        self.timers.stop(Timer::ConnectRetry);
        let c = &self.config;
        let open = Open::new(
            c.local_as,
            c.hold_time,
            c.router_id,
            c.capabilities.to_capabilities(c.local_as),
        );
        self.out.push_back(Output::Send(Message::Open(open)));
        self.timers.set(Timer::Hold, now + self.config.open_hold);
        self.set_state(State::OpenSent);
    }

    /// The outbound connection is up.
    pub fn handle_connected(&mut self, now: Instant) {
        if self.state == State::Connect {
            self.open_connection(now, true);
        }
    }

    /// The outbound connection attempt failed.
    pub fn handle_connect_failed(&mut self, now: Instant) {
        if self.state == State::Connect {
            self.failures = self.failures.saturating_add(1);
            self.set_state(State::Active);
            self.retry_or_give_up(now);
        }
    }

    /// An inbound connection from the peer arrived (RFC 4271 §6.8 decides which one stays).
    pub fn handle_incoming(&mut self, now: Instant) -> Incoming {
        if self.stopped {
            return Incoming::Reject;
        }
        match self.state {
            State::Idle | State::Connect | State::Active => {
                self.open_connection(now, false);
                Incoming::Accept
            }
            State::OpenSent | State::OpenConfirm => Incoming::ReadOpen,
            // A peer that can restart (RFC 4724) may be back before we noticed it was gone:
            // its OPEN decides (see `resolve_collision`).
            State::Established if self.peer_can_restart() => Incoming::ReadOpen,
            State::Established => Incoming::Reject,
        }
    }

    /// RFC 7606 §4 and §5.3: an attribute whose length overran the attribute block ended the
    /// parsing, so an MP_REACH_NLRI or MP_UNREACH_NLRI after it could not be located and its
    /// routes cannot be treated as withdrawn. When no MP attribute came before the overrun and
    /// the session carries families other than IPv4 unicast, that error resets the session.
    fn unlocatable_mp_nlri<'u>(
        &self,
        u: &'u herald_wire::Update,
    ) -> Option<&'u herald_wire::AttrError> {
        let multiprotocol = self.negotiated.as_ref().is_some_and(|n| {
            n.families
                .iter()
                .any(|f| *f != herald_wire::Family::IPV4_UNICAST)
        });
        if !multiprotocol || u.mp_reach().is_some() || u.mp_unreach().is_some() {
            return None;
        }
        u.errors.iter().find(|e| e.overruns_block())
    }

    /// The peer advertised graceful restart on the current session.
    fn peer_can_restart(&self) -> bool {
        self.negotiated
            .as_ref()
            .is_some_and(|n| n.graceful_restart.is_some())
    }

    /// RFC 4271 §6.8: `open` arrived on an inbound connection while this session was in OpenSent
    /// or OpenConfirm. The connection initiated by the speaker with the higher BGP Identifier
    /// stays; with equal identifiers (possible between ASes, RFC 6286 §2.3), the one initiated
    /// by the speaker with the larger AS number. If the existing connection has failed in the
    /// meantime, the new one is taken, after an [`Output::Close`] for whatever is left of the
    /// old one, so that the OPEN and KEEPALIVE that follow go on the new connection.
    pub fn resolve_collision(&mut self, now: Instant, open: &Open) -> Collision {
        // Stopped, given up or ceased to stay down: no connection is taken (the new one is
        // refused like a collision lost).
        if self.stopped {
            return Collision::KeepExisting;
        }
        if !matches!(self.state, State::OpenSent | State::OpenConfirm) {
            return if self.state == State::Established && self.peer_can_restart() {
                // RFC 4724 §4.2: a new connection from a peer that advertised graceful restart
                // on the Established session means it restarted: that session ends as if its
                // TCP connection had closed (its routes are kept as stale by the helper), and
                // the new connection is taken.
                self.fail(now, DownReasonKind::Closed);
                if self.stopped {
                    // That was the last attempt allowed (`attempts`).
                    return Collision::KeepExisting;
                }
                self.take_new(now, open)
            } else if self.state == State::Established {
                Collision::KeepExisting
            } else {
                self.out.push_back(Output::Close);
                self.take_new(now, open)
            };
        }
        let (local, remote) = match (u32::from(self.config.router_id), u32::from(open.bgp_id)) {
            (l, r) if l != r => (u64::from(l), u64::from(r)),
            _ => (u64::from(self.config.local_as), u64::from(open.asn())),
        };
        // The existing connection is ours when outbound; the new one is the peer's.
        let keep_existing = if self.outbound {
            local > remote
        } else {
            local < remote
        };
        if keep_existing {
            return Collision::KeepExisting;
        }
        let n = Notification::new(code::CEASE, cease::COLLISION, Vec::new());
        self.out
            .push_back(Output::Send(Message::Notification(n.clone())));
        self.out.push_back(Output::Notification {
            sent: true,
            notification: n,
        });
        self.out.push_back(Output::Close);
        self.negotiated = None;
        self.timers.stop_all();
        self.set_state(State::Active);
        self.take_new(now, open)
    }

    fn take_new(&mut self, now: Instant, open: &Open) -> Collision {
        self.open_connection(now, false);
        self.handle_message(now, Message::Open(open.clone()));
        Collision::UseNew
    }

    /// The connection closed (or broke) without a NOTIFICATION.
    pub fn handle_closed(&mut self, now: Instant) {
        if self.connected() {
            self.fail(now, DownReasonKind::Closed);
        }
    }

    /// A message could not be decoded: send its NOTIFICATION and drop the connection.
    pub fn handle_decode_error(&mut self, now: Instant, err: &DecodeError) {
        if self.connected() {
            self.fail(now, DownReasonKind::Sent(err.notification()));
        }
    }

    /// A message arrived on the current connection.
    pub fn handle_message(&mut self, now: Instant, msg: Message) {
        if let Message::Notification(n) = msg {
            if self.connected() {
                self.fail(now, DownReasonKind::Received(n));
            }
            return;
        }
        let kind = msg.kind().code();
        match (self.state, msg) {
            (State::OpenSent, Message::Open(open)) => self.receive_open(now, open),
            (State::OpenConfirm, Message::Keepalive) => {
                self.restart_hold(now);
                self.set_state(State::Established);
                self.failures = 0;
                // RFC 4724 §3: the Restart State bit says that we have just restarted; once a
                // session is up again, later OPENs no longer set it.
                self.config.capabilities.restarting = false;
                if let Some(n) = &self.negotiated {
                    self.out.push_back(Output::Established(Box::new(n.clone())));
                }
            }
            (State::Established, Message::Keepalive) => self.restart_hold(now),
            (State::Established, Message::Update(u)) => {
                self.restart_hold(now);
                // RFC 7606 §3 and RFC 4760 §7 leave the choice between disabling the family and
                // resetting the session: herald resets, with the error's NOTIFICATION (the
                // UPDATE still goes up first, for the programs that log what peers send).
                let reset = u
                    .errors
                    .iter()
                    .find(|e| e.action >= herald_wire::Action::AfiSafiDisable)
                    .or_else(|| self.unlocatable_mp_nlri(&u))
                    .map(|e| e.error.notification());
                self.out.push_back(Output::Update(Box::new(u)));
                if let Some(n) = reset {
                    self.fail(now, DownReasonKind::Sent(n));
                }
            }
            (State::Established, Message::RouteRefresh(r)) => {
                self.restart_hold(now);
                self.out.push_back(Output::RouteRefresh(r));
            }
            (State::OpenSent, _) => self.fsm_error(now, 1, kind),
            (State::OpenConfirm, _) => self.fsm_error(now, 2, kind),
            (State::Established, _) => self.fsm_error(now, 3, kind),
            // No connection: nothing can arrive.
            _ => {}
        }
    }

    /// RFC 6608 §4: the data of a Finite State Machine Error is the type of the message that
    /// was not expected.
    fn fsm_error(&mut self, now: Instant, subcode: u8, unexpected: u8) {
        self.fail(
            now,
            DownReasonKind::Sent(Notification::new(code::FSM, subcode, vec![unexpected])),
        );
    }

    fn receive_open(&mut self, now: Instant, open: Open) {
        let c = &self.config;
        match negotiate(
            &c.capabilities,
            c.local_as,
            c.router_id,
            c.hold_time,
            c.peer_as,
            &open,
        ) {
            Ok(n) => {
                self.out.push_back(Output::OpenReceived(Box::new(open)));
                self.out.push_back(Output::Send(Message::Keepalive));
                self.negotiated = Some(n);
                self.restart_hold(now);
                self.restart_keepalive(now);
                self.set_state(State::OpenConfirm);
            }
            Err(notification) => self.fail(now, DownReasonKind::Sent(notification)),
        }
    }

    fn restart_hold(&mut self, now: Instant) {
        match self.negotiated.as_ref().map(|n| n.hold_time) {
            Some(0) => self.timers.stop(Timer::Hold),
            Some(h) => self
                .timers
                .set(Timer::Hold, now + Duration::from_secs(u64::from(h))),
            None => {}
        }
    }

    fn restart_keepalive(&mut self, now: Instant) {
        match self.negotiated.as_ref().map(|n| n.keepalive_interval()) {
            Some(0) | None => self.timers.stop(Timer::Keepalive),
            Some(k) => self
                .timers
                .set(Timer::Keepalive, now + Duration::from_secs(u64::from(k))),
        }
    }

    /// Timers due at `now` fire.
    pub fn handle_timeout(&mut self, now: Instant) {
        for t in self.timers.expired(now) {
            match t {
                Timer::Keepalive
                    if matches!(self.state, State::OpenConfirm | State::Established) =>
                {
                    self.out.push_back(Output::Send(Message::Keepalive));
                    self.restart_keepalive(now);
                }
                Timer::Hold if self.connected() => {
                    self.fail(
                        now,
                        DownReasonKind::Sent(Notification::new(
                            code::HOLD_TIMER_EXPIRED,
                            0,
                            Vec::new(),
                        )),
                    );
                }
                Timer::ConnectRetry if !self.stopped => match self.state {
                    State::Connect => {
                        // The attempt is taking too long: abandon it and try again later.
                        self.failures = self.failures.saturating_add(1);
                        self.out.push_back(Output::Close);
                        self.set_state(State::Active);
                        self.retry_or_give_up(now);
                    }
                    State::Idle | State::Active => self.begin_connect(now),
                    _ => {}
                },
                _ => {}
            }
        }
    }

    /// Leave the connection: send the NOTIFICATION if any, close, report, and schedule a retry.
    fn fail(&mut self, now: Instant, why: DownReasonKind) {
        let was_established = self.state == State::Established;
        let reason = match why {
            DownReasonKind::Sent(n) => {
                self.out
                    .push_back(Output::Send(Message::Notification(n.clone())));
                DownReason::NotificationSent(n)
            }
            DownReasonKind::Received(n) => DownReason::NotificationReceived(n),
            DownReasonKind::Closed => DownReason::ConnectionClosed,
        };
        self.out.push_back(Output::Close);
        match &reason {
            DownReason::NotificationSent(n) if !was_established => {
                self.out.push_back(Output::Notification {
                    sent: true,
                    notification: n.clone(),
                })
            }
            DownReason::NotificationReceived(n) if !was_established => {
                self.out.push_back(Output::Notification {
                    sent: false,
                    notification: n.clone(),
                })
            }
            _ => {}
        }
        if was_established {
            self.out.push_back(Output::Down(reason));
        }
        self.negotiated = None;
        self.timers.stop_all();
        self.set_state(State::Idle);
        if !self.stopped {
            self.failures = self.failures.saturating_add(1);
            self.retry_or_give_up(now);
        }
    }

    /// Schedule the next attempt, or stop for good once `attempts` failures in a row are
    /// reached (the session stays Idle; [`Output::GaveUp`] says so).
    fn retry_or_give_up(&mut self, now: Instant) {
        if self.config.attempts > 0 && self.failures >= self.config.attempts {
            self.stopped = true;
            self.timers.stop_all();
            self.set_state(State::Idle);
            self.out.push_back(Output::GaveUp {
                attempts: self.failures,
            });
            return;
        }
        let d = self.retry_delay();
        self.timers.set(Timer::ConnectRetry, now + d);
    }
}

enum DownReasonKind {
    Sent(Notification),
    Received(Notification),
    Closed,
}

#[cfg(test)]
mod tests;
