//! The BGP state machine of herald-session, driven as the daemon's I/O layer drives it, with a
//! model of that I/O layer checking every output.
//!
//! Input: `herald_wire_fuzz::fsm` (a configuration, then operations: connection events, time
//! passing, messages decoded from octets or crafted, collisions, stop and cease). The I/O
//! layer keeps its side of the contract: it reports a connection outcome only for an attempt
//! the session asked for, and calls `resolve_collision` only after `handle_incoming` said
//! `ReadOpen` (other operations may come in between, as in the daemon); it abandons the attempt
//! of a session stopped in Connect. Messages, closes and failed connects also arrive when there
//! is no connection: the session must then ignore them.
//!
//! After each operation its outputs are drained, and:
//! - nothing panics, and an operation that cannot apply (a message without a connection,
//!   `handle_timeout` before the deadline, a refused or collided-away connection) outputs
//!   nothing and changes no state;
//! - the `StateChanged` outputs chain from Idle, follow RFC 4271 §8 (OpenConfirm only from
//!   OpenSent, Established only from OpenConfirm, …) and end at `state()`; `Established`,
//!   `Down`, `Update` and `RouteRefresh` come out only in Established, `OpenReceived` only in
//!   OpenSent, the log-only `Notification` only outside Established, and after an `Established`
//!   output `state()` is Established with that very `negotiated()`;
//! - a message is sent only on a connection: the OPEN first, and only on the connection this
//!   operation brought (outbound connected, inbound accepted, or the new one of a collision,
//!   after the `Close` of the old one); a KEEPALIVE only once the peer's OPEN was accepted on
//!   that connection; never an UPDATE or ROUTE-REFRESH. Each one encodes to a message whose
//!   length field is right and decodes back to itself. Our OPEN carries the configured
//!   identifier, hold time and AS, and the Restart State bit only until a session was up;
//! - the session is in OpenSent..Established exactly when the I/O layer holds a connection, in
//!   Connect exactly when an attempt is outstanding, and has `negotiated()` exactly in
//!   OpenConfirm and Established; `handle_incoming` and `resolve_collision` answer as
//!   RFC 4271 §6.8 and RFC 4724 §4.2 (with the documented tie-breaks) say;
//! - `poll_timeout()` is None or later than now; a running session waiting to connect always
//!   has a deadline, OpenSent too, and a session with a hold time one within it;
//! - after `stop`, `cease(stay_down)` or `GaveUp`, until `start`: no `Connect`, no OPEN sent
//!   (the session stays down), no deadline once Idle;
//! - with `attempts` = N > 0, at most N `Connect`s between a start (or an established
//!   session) and giving up.
//!
//! `FSM_TRACE=1 cargo fuzz run -s none session_fsm <input>` prints each operation with its
//! outputs, to read a failing input.
#![no_main]

use std::net::Ipv4Addr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use herald_session::{
    Collision, Config, Incoming, LocalCapabilities, Negotiated, Output, Session, State,
};
use herald_wire::capability::{AddPathMode, GrFamily};
use herald_wire::message::{HEADER_LEN, MAX_EXTENDED_LEN};
use herald_wire::notification::code;
use herald_wire::open::AS_TRANS;
use herald_wire::route_refresh::{RefreshSubtype, RouteRefresh};
use herald_wire::{Capability, Context, Message, Notification, Open, Update};
use herald_wire_fuzz::fsm::{self, asn, flag, Cap, Cfg, Op, OpenSpec, FAMILIES};
use herald_wire_fuzz::hex;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (cfg, ops) = fsm::decode(data);
    let mut d = Driver::new(&cfg, &ops);
    for (i, op) in ops.iter().enumerate() {
        d.step = i;
        d.run(op);
    }
});

/// Panic with the operation at fault and the whole decoded input.
macro_rules! ensure {
    ($d:expr, $cond:expr, $($why:tt)+) => {
        if !$cond {
            $d.fail(format!($($why)+));
        }
    };
}

fn config(c: &Cfg) -> Config {
    let peer_as = (c.flags & flag::PEER_AS_ANY == 0).then_some(c.peer_as);
    let mut sc = Config::new(c.local_as, peer_as, Ipv4Addr::from(c.router_id));
    // 0, or 3 and more: the configuration refuses 1 and 2.
    sc.hold_time = match c.hold_time {
        1 | 2 => 3,
        h => h,
    };
    sc.passive = c.flags & flag::PASSIVE != 0;
    let on = |bit: u8| c.flags & bit != 0;
    let identity = on(flag::IDENTITY);
    sc.capabilities = LocalCapabilities {
        families: FAMILIES
            .iter()
            .enumerate()
            .filter(|(i, _)| c.families >> i & 1 != 0)
            .map(|(_, f)| *f)
            .collect(),
        asn4: on(flag::ASN4),
        route_refresh: on(flag::ROUTE_REFRESH),
        graceful_restart: on(flag::GRACEFUL_RESTART).then_some(c.gr_time),
        restarting: on(flag::RESTARTING),
        add_path: FAMILIES
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let m = c.add_path >> (2 * i) & 3;
                (m != 0).then(|| (*f, AddPathMode::from_u8(m)))
            })
            .collect(),
        extended_message: on(flag::EXTENDED_MESSAGE),
        extended_next_hop: Vec::new(),
        hostname: identity.then(|| ("herald".to_string(), "example.net".to_string())),
        software_version: identity.then(|| "herald/0.0.0-fuzz".to_string()),
    };
    sc.connect_retry = Duration::from_millis(u64::from(c.connect_retry_ms) + 1);
    sc.connect_retry_max =
        sc.connect_retry + Duration::from_millis(u64::from(c.connect_retry_max_ms));
    sc.open_hold = Duration::from_secs(u64::from(c.open_hold_s.max(1)));
    sc.attempts = u32::from(c.attempts % 5);
    sc
}

fn connected(s: State) -> bool {
    matches!(s, State::OpenSent | State::OpenConfirm | State::Established)
}

/// RFC 4271 §8 transitions (herald's: Active → OpenSent on an accepted connection, any state
/// → Idle on an error or stop, Connect → Active when the attempt fails or times out,
/// OpenSent/OpenConfirm → Active when a collision drops the connection).
fn allowed(from: State, to: State) -> bool {
    use State::*;
    match to {
        Idle => true,
        Connect => matches!(from, Idle | Active),
        Active => matches!(from, Idle | Connect | OpenSent | OpenConfirm),
        OpenSent => matches!(from, Idle | Connect | Active),
        OpenConfirm => from == OpenSent,
        Established => from == OpenConfirm,
    }
}

/// A connection the I/O layer holds.
#[derive(Default)]
struct Conn {
    /// We initiated it.
    outbound: bool,
    /// Our OPEN went out on it.
    open_sent: bool,
    /// The session accepted the peer's OPEN on it.
    open_received: bool,
}

/// Whether the operation being checked brings a new connection.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum NewConn {
    No,
    /// Collision won by the new connection: it replaces the old one at the first `Close`.
    Pending,
    /// Held now, fresh.
    Fresh,
}

struct Driver<'a> {
    s: Session,
    cfg: Config,
    raw: &'a Cfg,
    ops: &'a [Op],
    step: usize,
    now: Instant,
    // The I/O layer.
    attempt: bool,
    conn: Option<Conn>,
    /// Inbound connections whose OPEN is being read (`ReadOpen`).
    pending: u32,
    // What the outputs said.
    state: State,
    stopped: bool,
    /// `Connect`s since the last start or established session.
    connects: u32,
    /// A session was established (the Restart State bit is then cleared for good).
    up_once: bool,
}

impl<'a> Driver<'a> {
    fn new(raw: &'a Cfg, ops: &'a [Op]) -> Self {
        let cfg = config(raw);
        Driver {
            s: Session::new(cfg.clone(), raw.seed),
            cfg,
            raw,
            ops,
            step: 0,
            now: Instant::now(),
            attempt: false,
            conn: None,
            pending: 0,
            state: State::Idle,
            stopped: true,
            connects: 0,
            up_once: false,
        }
    }

    #[cold]
    #[track_caller]
    fn fail(&self, why: String) -> ! {
        panic!(
            "{why}\nat operation #{} {:?} (state {:?})\nconfig {:?}\noperations {:?}",
            self.step,
            self.ops.get(self.step),
            self.s.state(),
            self.raw,
            self.ops
        );
    }

    fn open(&self, o: &OpenSpec) -> Open {
        let asn = match o.asn {
            asn::PEER => self.cfg.peer_as.unwrap_or(o.raw_as),
            asn::LOCAL => self.cfg.local_as,
            _ => o.raw_as,
        };
        let id = if o.id == 1 {
            self.cfg.router_id
        } else {
            Ipv4Addr::from(o.raw_id)
        };
        let caps = o
            .caps
            .iter()
            .map(|c| match c {
                Cap::FourOctetAs => Capability::FourOctetAs(asn),
                Cap::FourOctetAsRaw(a) => Capability::FourOctetAs(*a),
                Cap::Multiprotocol(f) => Capability::Multiprotocol {
                    family: fsm::family(*f),
                    reserved: 0,
                },
                Cap::AddPath(f, m) => {
                    Capability::AddPath(vec![(fsm::family(*f), AddPathMode::from_u8(*m))])
                }
                Cap::GracefulRestart(flags, time, fams) => Capability::GracefulRestart {
                    flags: flags & 0x0f,
                    time: time & 0x0fff,
                    families: fams
                        .iter()
                        .map(|&(f, flags)| GrFamily {
                            family: fsm::family(f),
                            flags,
                        })
                        .collect(),
                },
                Cap::RouteRefresh => Capability::RouteRefresh,
                Cap::EnhancedRouteRefresh => Capability::EnhancedRouteRefresh,
                Cap::ExtendedMessage => Capability::ExtendedMessage,
                Cap::RouteRefreshCisco => Capability::RouteRefreshCisco,
                Cap::Unknown(code, data) => Capability::Unknown {
                    code: *code,
                    data: data.clone(),
                },
            })
            .collect();
        let mut open = Open::new(asn, o.hold, id, caps);
        if o.version != 0 {
            open.version = o.version;
        }
        open
    }

    /// Decode `bytes` as the I/O layer would, with the session's receive context, and hand
    /// over the message or the error.
    fn deliver_bytes(&mut self, bytes: &[u8]) {
        let ctx = self
            .s
            .negotiated()
            .map(Negotiated::receive_context)
            .unwrap_or_default();
        match Message::decode(bytes, &ctx) {
            Ok(m) => self.s.handle_message(self.now, m),
            Err(e) => self.s.handle_decode_error(self.now, &e),
        }
    }

    fn install(&mut self, outbound: bool) {
        ensure!(
            self,
            self.conn.is_none(),
            "a second connection while the session holds one"
        );
        self.conn = Some(Conn {
            outbound,
            ..Conn::default()
        });
    }

    fn peer_can_restart(&self) -> bool {
        self.s
            .negotiated()
            .is_some_and(|n| n.graceful_restart.is_some())
    }

    fn run(&mut self, op: &Op) {
        let before = self.s.state();
        let mut new_conn = NewConn::No;
        // Set when the operation cannot apply: it must leave everything as it was.
        let mut quiet = false;
        let now = self.now;
        match op {
            Op::Start => {
                self.s.start(now);
                self.stopped = false;
                self.connects = 0;
            }
            Op::Connected => {
                if self.attempt {
                    self.attempt = false;
                    self.install(true);
                    new_conn = NewConn::Fresh;
                } else {
                    quiet = true;
                }
                self.s.handle_connected(now);
            }
            Op::ConnectFailed => {
                quiet = !std::mem::take(&mut self.attempt);
                self.s.handle_connect_failed(now);
            }
            Op::Incoming => {
                let expected = if self.stopped {
                    Incoming::Reject
                } else {
                    match before {
                        State::Idle | State::Connect | State::Active => Incoming::Accept,
                        State::OpenSent | State::OpenConfirm => Incoming::ReadOpen,
                        State::Established if self.peer_can_restart() => Incoming::ReadOpen,
                        State::Established => Incoming::Reject,
                    }
                };
                let got = self.s.handle_incoming(now);
                ensure!(
                    self,
                    got == expected,
                    "handle_incoming: {got:?}, expected {expected:?}"
                );
                match got {
                    Incoming::Accept => {
                        // The daemon abandons its own attempt for the accepted connection.
                        self.attempt = false;
                        self.install(false);
                        new_conn = NewConn::Fresh;
                    }
                    Incoming::ReadOpen => {
                        self.pending += 1;
                        quiet = true;
                    }
                    Incoming::Reject => quiet = true,
                }
            }
            Op::Closed => {
                quiet = self.conn.take().is_none();
                self.s.handle_closed(now);
            }
            Op::Advance(ms) => {
                self.now += Duration::from_millis(u64::from(*ms));
                quiet = self.s.poll_timeout().is_none_or(|t| t > self.now);
                self.s.handle_timeout(self.now);
            }
            Op::Deadline => {
                let Some(t) = self.s.poll_timeout() else {
                    return;
                };
                self.now = self.now.max(t);
                self.s.handle_timeout(self.now);
            }
            Op::Wire(bytes) => {
                quiet = self.conn.is_none();
                self.deliver_bytes(bytes);
            }
            Op::Framed(kind, body) => {
                quiet = self.conn.is_none();
                self.deliver_bytes(&framed(*kind, body));
            }
            Op::Big(kind, len, fill) => {
                quiet = self.conn.is_none();
                self.deliver_bytes(&framed(*kind, &vec![*fill; usize::from(*len)]));
            }
            Op::Open(o) => {
                quiet = self.conn.is_none();
                let m = Message::Open(self.open(o));
                self.s.handle_message(now, m);
            }
            Op::Keepalive => {
                quiet = self.conn.is_none();
                self.s.handle_message(now, Message::Keepalive);
            }
            Op::Update(i) => {
                quiet = self.conn.is_none();
                let all = fsm::updates();
                let h = all[usize::from(*i) % all.len()];
                if h.is_empty() {
                    self.s
                        .handle_message(now, Message::Update(Update::default()));
                } else {
                    self.deliver_bytes(&fsm::unhex(h));
                }
            }
            Op::Notification(c, sub, data) => {
                quiet = self.conn.is_none();
                let n = Notification::new(*c, *sub, data.clone());
                self.s.handle_message(now, Message::Notification(n));
            }
            Op::RouteRefresh(f, sub) => {
                quiet = self.conn.is_none();
                let r = RouteRefresh {
                    family: fsm::family(*f),
                    subtype: RefreshSubtype::from_u8(*sub),
                };
                self.s.handle_message(now, Message::RouteRefresh(r));
            }
            Op::Collision(o) => {
                if self.pending == 0 {
                    return;
                }
                self.pending -= 1;
                let open = self.open(o);
                let expected = self.expected_collision(&open);
                // A restarted graceful-restart peer ends the Established session; when that
                // was the last failure `attempts` allows, the session gives up (GaveUp, checked
                // with the outputs) and the new connection is not taken. (Decided before the
                // call: the session forgets the negotiation as it ends.)
                let may_give_up = expected == Collision::UseNew
                    && before == State::Established
                    && self.peer_can_restart()
                    && self.cfg.attempts > 0;
                let got = self.s.resolve_collision(now, &open);
                let gave_up_on_restart = may_give_up && got == Collision::KeepExisting;
                ensure!(
                    self,
                    got == expected || gave_up_on_restart,
                    "resolve_collision: {got:?}, expected {expected:?}"
                );
                match got {
                    Collision::KeepExisting if gave_up_on_restart => {}
                    Collision::KeepExisting => quiet = true,
                    Collision::UseNew => new_conn = NewConn::Pending,
                }
            }
            Op::Stop(subcode, text) => {
                self.stopped = true;
                self.s.stop(now, *subcode, &String::from_utf8_lossy(text));
                if before == State::Connect {
                    self.attempt = false;
                }
            }
            Op::Cease(subcode, stay_down) => {
                if *stay_down {
                    self.stopped = true;
                    if before == State::Connect {
                        self.attempt = false;
                    }
                } else {
                    quiet = !connected(before);
                }
                let n = Notification::new(code::CEASE, *subcode, Vec::new());
                self.s.cease(now, n, *stay_down);
            }
        }
        let outs: Vec<Output> = std::iter::from_fn(|| self.s.poll_output()).collect();
        if trace() {
            eprintln!("#{} {op:?} -> {:?} {outs:?}", self.step, self.s.state());
        }
        if quiet {
            ensure!(
                self,
                outs.is_empty() && self.s.state() == before,
                "an operation that cannot apply changed something: {:?} -> {:?}, {outs:?}",
                before,
                self.s.state()
            );
        }
        let established = self.check_outputs(&outs, new_conn);
        self.check_after(established, &outs);
    }

    /// RFC 4271 §6.8 with herald's tie-break (equal identifiers: the larger AS), RFC 4724 §4.2
    /// for an established graceful-restart peer, and the new connection when the old one is gone.
    fn expected_collision(&self, open: &Open) -> Collision {
        // Stopped (stop, cease to stay down, or given up): no connection is taken.
        if self.stopped {
            return Collision::KeepExisting;
        }
        match self.state {
            State::OpenSent | State::OpenConfirm => {
                let (local, remote) = if self.cfg.router_id != open.bgp_id {
                    (
                        u64::from(u32::from(self.cfg.router_id)),
                        u64::from(u32::from(open.bgp_id)),
                    )
                } else {
                    (u64::from(self.cfg.local_as), u64::from(open.asn()))
                };
                let outbound = self.conn.as_ref().is_some_and(|c| c.outbound);
                let keep = if outbound {
                    local > remote
                } else {
                    local < remote
                };
                if keep {
                    Collision::KeepExisting
                } else {
                    Collision::UseNew
                }
            }
            State::Established if self.peer_can_restart() => Collision::UseNew,
            State::Established => Collision::KeepExisting,
            State::Idle | State::Connect | State::Active => Collision::UseNew,
        }
    }

    /// Replay the outputs on the model; returns the parameters of an `Established` output.
    fn check_outputs(&mut self, outs: &[Output], mut new_conn: NewConn) -> Option<Negotiated> {
        let mut st = self.state;
        let mut established = None;
        for o in outs {
            match o {
                Output::StateChanged { from, to } => {
                    ensure!(
                        self,
                        *from == st && from != to && allowed(*from, *to),
                        "StateChanged {from:?} -> {to:?} while in {st:?}: {outs:?}"
                    );
                    if *to == State::Established {
                        self.connects = 0;
                        self.up_once = true;
                    }
                    st = *to;
                }
                Output::Connect => {
                    ensure!(
                        self,
                        !self.stopped,
                        "Connect while stopped (stop, cease or gave up): {outs:?}"
                    );
                    ensure!(self, !self.cfg.passive, "a passive session connects");
                    ensure!(self, st == State::Connect, "Connect in {st:?}");
                    ensure!(
                        self,
                        !self.attempt,
                        "a second connection attempt while one is outstanding"
                    );
                    self.attempt = true;
                    self.connects += 1;
                    let max = self.cfg.attempts;
                    ensure!(
                        self,
                        max == 0 || self.connects <= max,
                        "connection attempt {} in a row with attempts = {max} (no GaveUp): {outs:?}",
                        self.connects
                    );
                }
                Output::Send(m) => {
                    let Some(c) = self.conn.as_ref() else {
                        self.fail(format!("{m:?} sent without a connection: {outs:?}"));
                    };
                    let (open_sent, open_received) = (c.open_sent, c.open_received);
                    match m {
                        Message::Open(open) => {
                            ensure!(
                                self,
                                new_conn == NewConn::Fresh && !open_sent,
                                "OPEN sent on a connection that is not new ({new_conn:?}, OPEN sent before: {open_sent}): {outs:?}"
                            );
                            ensure!(
                                self,
                                !self.stopped,
                                "the session took a connection (sent its OPEN) while stopped: it must stay down until start: {outs:?}"
                            );
                            self.check_open(open);
                            if let Some(c) = self.conn.as_mut() {
                                c.open_sent = true;
                            }
                        }
                        Message::Keepalive => ensure!(
                            self,
                            open_received,
                            "KEEPALIVE sent before the peer's OPEN was accepted on this connection: {outs:?}"
                        ),
                        Message::Notification(_) => ensure!(
                            self,
                            open_sent,
                            "NOTIFICATION sent before our OPEN on this connection: {outs:?}"
                        ),
                        Message::Update(_) | Message::RouteRefresh(_) => {
                            self.fail(format!("the session sent {m:?} itself"))
                        }
                    }
                    self.check_encoding(m);
                }
                Output::Close => {
                    self.attempt = false;
                    self.conn = None;
                    if new_conn == NewConn::Pending {
                        self.install(false);
                        new_conn = NewConn::Fresh;
                    }
                }
                Output::OpenReceived(_) => {
                    ensure!(self, st == State::OpenSent, "OpenReceived in {st:?}");
                    let ok = self
                        .conn
                        .as_ref()
                        .is_some_and(|c| c.open_sent && !c.open_received);
                    ensure!(
                        self,
                        ok,
                        "OpenReceived without our OPEN, or twice, on a connection"
                    );
                    if let Some(c) = self.conn.as_mut() {
                        c.open_received = true;
                    }
                }
                Output::Established(n) => {
                    ensure!(
                        self,
                        st == State::Established,
                        "Established output in {st:?}: {outs:?}"
                    );
                    established = Some((**n).clone());
                }
                Output::Down(_) => {
                    ensure!(self, st == State::Established, "Down in {st:?}: {outs:?}")
                }
                Output::Update(_) | Output::RouteRefresh(_) => {
                    ensure!(self, st == State::Established, "{o:?} in {st:?}")
                }
                Output::GaveUp { attempts } => {
                    let max = self.cfg.attempts;
                    ensure!(
                        self,
                        max > 0 && *attempts >= max && st == State::Idle,
                        "GaveUp {{ attempts: {attempts} }} with attempts = {max} in {st:?}"
                    );
                    self.stopped = true;
                }
                Output::Notification { .. } => ensure!(
                    self,
                    st != State::Established,
                    "a log-only Notification output in Established: {outs:?}"
                ),
            }
        }
        ensure!(
            self,
            new_conn != NewConn::Pending,
            "UseNew without a Close of the old connection: {outs:?}"
        );
        self.state = st;
        established
    }

    fn check_open(&self, open: &Open) {
        let c = &self.cfg;
        ensure!(
            self,
            open.version == 4 && open.bgp_id == c.router_id && open.hold_time == c.hold_time,
            "our OPEN does not carry our configuration: {open:?}"
        );
        ensure!(
            self,
            open.my_as == u16::try_from(c.local_as).unwrap_or(AS_TRANS),
            "our OPEN's My Autonomous System: {open:?}"
        );
        if c.capabilities.asn4 {
            ensure!(
                self,
                open.asn() == c.local_as,
                "our OPEN's 4-octet AS: {open:?}"
            );
        }
        let gr = open.capabilities().find_map(|cap| match cap {
            Capability::GracefulRestart { flags, .. } => Some(*flags),
            _ => None,
        });
        let restarting = c.capabilities.restarting && !self.up_once;
        match (c.capabilities.graceful_restart, gr) {
            (None, None) => {}
            (Some(_), Some(flags)) => ensure!(
                self,
                (flags & 0x8 != 0) == restarting,
                "Restart State bit {} (restarting {}, a session was up: {})",
                flags & 0x8 != 0,
                c.capabilities.restarting,
                self.up_once
            ),
            (want, got) => self.fail(format!(
                "graceful restart configured {want:?}, sent {got:?}"
            )),
        }
    }

    /// A sent message must frame (its length field says its length) and decode to itself.
    fn check_encoding(&self, m: &Message) {
        let ctx = Context {
            asn4: true,
            add_path: Vec::new(),
            max_message_len: MAX_EXTENDED_LEN,
            ..Context::default()
        };
        let bytes = m.to_bytes(&ctx);
        ensure!(
            self,
            bytes.len() <= MAX_EXTENDED_LEN,
            "a {}-octet message is sent: its length field cannot say so: {}",
            bytes.len(),
            hex(&bytes[..bytes.len().min(64)])
        );
        match Message::decode(&bytes, &ctx) {
            Ok(back) if back == *m => {}
            other => self.fail(format!(
                "a sent message does not decode to itself: {m:?} -> {other:?}\n{}",
                hex(&bytes)
            )),
        }
    }

    fn check_after(&self, established: Option<Negotiated>, outs: &[Output]) {
        let st = self.s.state();
        ensure!(
            self,
            self.state == st,
            "the outputs end in {:?}, state() is {st:?}: {outs:?}",
            self.state
        );
        ensure!(
            self,
            self.conn.is_some() == connected(st),
            "state {st:?} while the I/O layer {} a connection: {outs:?}",
            if self.conn.is_some() {
                "holds"
            } else {
                "has no"
            }
        );
        ensure!(
            self,
            self.attempt == (st == State::Connect),
            "state {st:?} with a connection attempt {}: {outs:?}",
            if self.attempt {
                "outstanding"
            } else {
                "not outstanding"
            }
        );
        let negotiated = self.s.negotiated();
        ensure!(
            self,
            negotiated.is_some() == matches!(st, State::OpenConfirm | State::Established),
            "negotiated() is {} in {st:?}",
            if negotiated.is_some() { "Some" } else { "None" }
        );
        if let Some(n) = &established {
            ensure!(
                self,
                st == State::Established && negotiated == Some(n),
                "Established output, then state {st:?} / negotiated {negotiated:?}"
            );
        }
        let t = self.s.poll_timeout();
        ensure!(
            self,
            t.is_none_or(|t| t > self.now),
            "poll_timeout() {:?} is not after now",
            t.map(|t| t.saturating_duration_since(self.now))
        );
        let waiting = st == State::Idle
            || (!self.cfg.passive && matches!(st, State::Connect | State::Active));
        if !self.stopped && waiting {
            ensure!(
                self,
                t.is_some(),
                "a running session in {st:?} has no deadline: stuck"
            );
        }
        if st == State::OpenSent {
            ensure!(self, t.is_some(), "OpenSent without a hold timer");
        }
        if let Some(n) = negotiated {
            let hold = Duration::from_secs(u64::from(n.hold_time));
            if n.hold_time > 0 {
                ensure!(
                    self,
                    t.is_some_and(|t| t <= self.now + hold),
                    "{st:?} with hold time {} s: next deadline {:?}",
                    n.hold_time,
                    t.map(|t| t.saturating_duration_since(self.now))
                );
            }
        }
        if self.stopped && st == State::Idle {
            ensure!(self, t.is_none(), "a stopped session keeps a deadline");
        }
    }
}

fn trace() -> bool {
    static TRACE: OnceLock<bool> = OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("FSM_TRACE").is_some())
}

/// A message of type `kind` with this body, its header made here.
fn framed(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![0xff; 16];
    let len = (HEADER_LEN + body.len()).min(65535) as u16;
    m.extend_from_slice(&len.to_be_bytes());
    m.push(kind);
    m.extend_from_slice(body);
    m
}
