//! The input format of the `session_fsm` target: a session configuration, then the operations
//! an I/O layer performs on the session, read octet by octet.
//!
//! The reader never fails: once the input runs dry it reads zeros, so every input is a valid
//! configuration followed by zero or more operations. Values are kept raw here (the target
//! maps them onto `herald_session::Config`), so that [`encode`] writes back exactly what
//! [`decode`] read; `tests/seeds.rs` builds the committed seeds with it.
//!
//! Layout: [`Cfg`] (field by field, big-endian), then per operation one opcode octet (taken
//! modulo the number of operations, in the order of [`Op`]) and its arguments. Byte strings are
//! a length (one octet, or two for [`Op::Wire`] and [`Op::Framed`]) then that many octets.

use herald_wire::Family;

/// Configuration flag bits ([`Cfg::flags`]).
pub mod flag {
    /// Never connect; only accept.
    pub const PASSIVE: u8 = 0x01;
    /// Offer 4-octet AS numbers.
    pub const ASN4: u8 = 0x02;
    /// Offer route refresh and enhanced route refresh.
    pub const ROUTE_REFRESH: u8 = 0x04;
    /// Offer graceful restart (restart time [`super::Cfg::gr_time`]).
    pub const GRACEFUL_RESTART: u8 = 0x08;
    /// Set the Restart State bit until the first session is up.
    pub const RESTARTING: u8 = 0x10;
    /// Offer Extended Message.
    pub const EXTENDED_MESSAGE: u8 = 0x20;
    /// Accept any peer AS (`peer-as auto`); [`super::Cfg::peer_as`] is then unused.
    pub const PEER_AS_ANY: u8 = 0x40;
    /// Offer the FQDN and software version capabilities.
    pub const IDENTITY: u8 = 0x80;
}

/// The families [`Cfg::families`], [`Cfg::add_path`] and family octets of operations index.
/// An octet past the end names the family `(afi = octet, safi = octet)`.
pub const FAMILIES: [Family; 4] = [
    Family::IPV4_UNICAST,
    Family::IPV4_MULTICAST,
    Family::IPV6_UNICAST,
    Family::IPV6_MULTICAST,
];

/// The family a family octet names.
pub fn family(b: u8) -> Family {
    FAMILIES.get(usize::from(b)).copied().unwrap_or(Family::new(
        herald_wire::Afi(u16::from(b)),
        herald_wire::Safi(b),
    ))
}

/// The session configuration, raw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cfg {
    /// [`flag`] bits.
    pub flags: u8,
    /// Bit i: offer `FAMILIES[i]`.
    pub families: u8,
    /// Two bits per family of [`FAMILIES`] (family i in bits 2i, 2i+1): ADD-PATH 0 off,
    /// 1 receive, 2 send, 3 both.
    pub add_path: u8,
    /// Our AS.
    pub local_as: u32,
    /// The peer AS we expect (unless [`flag::PEER_AS_ANY`]).
    pub peer_as: u32,
    /// Our BGP Identifier.
    pub router_id: u32,
    /// Hold time we offer (1 and 2, which the configuration refuses, are read as 3).
    pub hold_time: u16,
    /// Graceful restart time.
    pub gr_time: u16,
    /// First connect-retry delay in milliseconds, plus one.
    pub connect_retry_ms: u16,
    /// How much longer the longest connect-retry delay is, in milliseconds.
    pub connect_retry_max_ms: u32,
    /// Hold time while waiting for the peer's OPEN, in seconds (0 is read as 1).
    pub open_hold_s: u16,
    /// Give up after this many failures in a row, modulo 5 (0: never).
    pub attempts: u8,
    /// Jitter seed.
    pub seed: u64,
}

/// Whose AS an OPEN carries.
pub mod asn {
    /// The AS the session expects (the raw value when it accepts any).
    pub const PEER: u8 = 0;
    /// Our own AS (IBGP).
    pub const LOCAL: u8 = 1;
    // Anything else: the raw value.
}

/// A peer's OPEN, from parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenSpec {
    /// [`asn`] selector.
    pub asn: u8,
    /// The AS when the selector says raw.
    pub raw_as: u32,
    /// Hold time.
    pub hold: u16,
    /// 1: our own BGP Identifier; anything else: [`OpenSpec::raw_id`].
    pub id: u8,
    /// The BGP Identifier.
    pub raw_id: u32,
    /// Version; 0 is read as 4.
    pub version: u8,
    /// Capabilities, one optional parameter each.
    pub caps: Vec<Cap>,
}

/// A capability of a crafted OPEN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cap {
    /// 4-octet AS with the OPEN's AS.
    FourOctetAs,
    /// 4-octet AS with another value.
    FourOctetAsRaw(u32),
    /// Multiprotocol, family octet.
    Multiprotocol(u8),
    /// ADD-PATH for one family: family octet, mode.
    AddPath(u8, u8),
    /// Graceful restart: flags, time, (family octet, flags) per family.
    GracefulRestart(u8, u16, Vec<(u8, u8)>),
    /// Route refresh.
    RouteRefresh,
    /// Enhanced route refresh.
    EnhancedRouteRefresh,
    /// Extended message.
    ExtendedMessage,
    /// Route refresh, pre-standard code.
    RouteRefreshCisco,
    /// Any code, raw value.
    Unknown(u8, Vec<u8>),
}

const NUM_CAPS: u8 = 10;

/// One thing the I/O layer does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// ManualStart.
    Start,
    /// The outbound connection attempt succeeded.
    Connected,
    /// The outbound connection attempt failed.
    ConnectFailed,
    /// The peer connected to us.
    Incoming,
    /// The current connection closed.
    Closed,
    /// This many milliseconds pass, then due timers fire.
    Advance(u32),
    /// The clock jumps to the session's next deadline, which fires.
    Deadline,
    /// These octets arrive as one message (decoded, or a decode error).
    Wire(Vec<u8>),
    /// A message of this type with this body arrives (the header is made here).
    Framed(u8, Vec<u8>),
    /// A message of this type whose body is this many copies of one octet arrives.
    Big(u8, u16, u8),
    /// A crafted OPEN arrives.
    Open(OpenSpec),
    /// A KEEPALIVE arrives.
    Keepalive,
    /// An UPDATE arrives: index into [`updates`] (modulo its length).
    Update(u8),
    /// A NOTIFICATION arrives: code, subcode, data.
    Notification(u8, u8, Vec<u8>),
    /// A ROUTE-REFRESH arrives: family octet, subtype.
    RouteRefresh(u8, u8),
    /// The OPEN read on the inbound connection the session asked about (collision).
    Collision(OpenSpec),
    /// ManualStop with this Cease subcode and shutdown communication (lossy UTF-8).
    Stop(u8, Vec<u8>),
    /// A Cease chosen by the caller: subcode, stay down.
    Cease(u8, bool),
}

const NUM_OPS: u8 = 18;

/// At most this many operations are read from one input.
pub const MAX_OPS: usize = 2048;

/// UPDATE messages for [`Op::Update`]: index 0 is an empty UPDATE delivered as a value (no
/// decoding); the others are whole messages, decoded with the session's context.
pub fn updates() -> [&'static str; 6] {
    [
        "",
        // ORIGIN, empty AS_PATH, NEXT_HOP 192.0.2.1, NLRI 10.0.0.0/24.
        "ffffffffffffffffffffffffffffffff0029020000000e400101004002004003 04c0000201180a0000",
        // MP_REACH_NLRI for IPv4 unicast with a /33: RFC 7606 says reset (3/10).
        "ffffffffffffffffffffffffffffffff0025020000000e800e0b000101040a000001002100",
        // A MED whose length overruns the attribute block.
        "ffffffffffffffffffffffffffffffff0027020000000c40010100400420000000000000180a0000",
        // IPv4 unicast End-of-RIB.
        "ffffffffffffffffffffffffffffffff00170200000000",
        // NLRI without any attribute: mandatory attributes missing.
        "ffffffffffffffffffffffffffffffff001b0200000000180a0000",
    ]
}

/// Octets of a hex string (spaces allowed).
pub fn unhex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => 0,
        })
        .collect();
    digits
        .chunks(2)
        .map(|c| c[0] << 4 | c.get(1).copied().unwrap_or(0))
        .collect()
}

struct Reader<'a> {
    data: &'a [u8],
}

impl Reader<'_> {
    fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.u8(), self.u8()])
    }
    fn u32(&mut self) -> u32 {
        u32::from_be_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    fn u64(&mut self) -> u64 {
        u64::from(self.u32()) << 32 | u64::from(self.u32())
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let (a, b) = self.data.split_at(n.min(self.data.len()));
        self.data = b;
        a.to_vec()
    }
    fn short(&mut self) -> Vec<u8> {
        let n = self.u8();
        self.bytes(usize::from(n))
    }
    fn long(&mut self) -> Vec<u8> {
        let n = self.u16();
        self.bytes(usize::from(n))
    }

    fn cfg(&mut self) -> Cfg {
        Cfg {
            flags: self.u8(),
            families: self.u8(),
            add_path: self.u8(),
            local_as: self.u32(),
            peer_as: self.u32(),
            router_id: self.u32(),
            hold_time: self.u16(),
            gr_time: self.u16(),
            connect_retry_ms: self.u16(),
            connect_retry_max_ms: self.u32(),
            open_hold_s: self.u16(),
            attempts: self.u8(),
            seed: self.u64(),
        }
    }

    fn open(&mut self) -> OpenSpec {
        let mut o = OpenSpec {
            asn: self.u8(),
            raw_as: self.u32(),
            hold: self.u16(),
            id: self.u8(),
            raw_id: self.u32(),
            version: self.u8(),
            caps: Vec::new(),
        };
        let n = self.u8() % 16;
        for _ in 0..n {
            let cap = match self.u8() % NUM_CAPS {
                0 => Cap::FourOctetAs,
                1 => Cap::FourOctetAsRaw(self.u32()),
                2 => Cap::Multiprotocol(self.u8()),
                3 => Cap::AddPath(self.u8(), self.u8()),
                4 => {
                    let (flags, time) = (self.u8(), self.u16());
                    let k = self.u8() % 5;
                    let fams = (0..k).map(|_| (self.u8(), self.u8())).collect();
                    Cap::GracefulRestart(flags, time, fams)
                }
                5 => Cap::RouteRefresh,
                6 => Cap::EnhancedRouteRefresh,
                7 => Cap::ExtendedMessage,
                8 => Cap::RouteRefreshCisco,
                _ => Cap::Unknown(self.u8(), self.short()),
            };
            o.caps.push(cap);
        }
        o
    }

    fn op(&mut self) -> Op {
        match self.u8() % NUM_OPS {
            0 => Op::Start,
            1 => Op::Connected,
            2 => Op::ConnectFailed,
            3 => Op::Incoming,
            4 => Op::Closed,
            5 => Op::Advance(self.u32()),
            6 => Op::Deadline,
            7 => Op::Wire(self.long()),
            8 => Op::Framed(self.u8(), self.long()),
            9 => Op::Big(self.u8(), self.u16(), self.u8()),
            10 => Op::Open(self.open()),
            11 => Op::Keepalive,
            12 => Op::Update(self.u8()),
            13 => Op::Notification(self.u8(), self.u8(), self.short()),
            14 => Op::RouteRefresh(self.u8(), self.u8()),
            15 => Op::Collision(self.open()),
            16 => Op::Stop(self.u8(), self.short()),
            _ => Op::Cease(self.u8(), self.u8() & 1 != 0),
        }
    }
}

/// The configuration and operations an input describes.
pub fn decode(data: &[u8]) -> (Cfg, Vec<Op>) {
    let mut r = Reader { data };
    let cfg = r.cfg();
    let mut ops = Vec::new();
    while !r.data.is_empty() && ops.len() < MAX_OPS {
        ops.push(r.op());
    }
    (cfg, ops)
}

/// The input that [`decode`]s to `cfg` and `ops` (lengths are cut as the reader cuts them).
pub fn encode(cfg: &Cfg, ops: &[Op]) -> Vec<u8> {
    let mut w = Vec::new();
    let short = |w: &mut Vec<u8>, b: &[u8]| {
        let b = &b[..b.len().min(255)];
        w.push(b.len() as u8);
        w.extend_from_slice(b);
    };
    let long = |w: &mut Vec<u8>, b: &[u8]| {
        let b = &b[..b.len().min(65535)];
        w.extend_from_slice(&(b.len() as u16).to_be_bytes());
        w.extend_from_slice(b);
    };
    w.extend_from_slice(&[cfg.flags, cfg.families, cfg.add_path]);
    w.extend_from_slice(&cfg.local_as.to_be_bytes());
    w.extend_from_slice(&cfg.peer_as.to_be_bytes());
    w.extend_from_slice(&cfg.router_id.to_be_bytes());
    w.extend_from_slice(&cfg.hold_time.to_be_bytes());
    w.extend_from_slice(&cfg.gr_time.to_be_bytes());
    w.extend_from_slice(&cfg.connect_retry_ms.to_be_bytes());
    w.extend_from_slice(&cfg.connect_retry_max_ms.to_be_bytes());
    w.extend_from_slice(&cfg.open_hold_s.to_be_bytes());
    w.push(cfg.attempts);
    w.extend_from_slice(&cfg.seed.to_be_bytes());
    let open = |w: &mut Vec<u8>, o: &OpenSpec| {
        w.push(o.asn);
        w.extend_from_slice(&o.raw_as.to_be_bytes());
        w.extend_from_slice(&o.hold.to_be_bytes());
        w.push(o.id);
        w.extend_from_slice(&o.raw_id.to_be_bytes());
        w.push(o.version);
        let caps = &o.caps[..o.caps.len().min(15)];
        w.push(caps.len() as u8);
        for c in caps {
            match c {
                Cap::FourOctetAs => w.push(0),
                Cap::FourOctetAsRaw(a) => {
                    w.push(1);
                    w.extend_from_slice(&a.to_be_bytes());
                }
                Cap::Multiprotocol(f) => w.extend_from_slice(&[2, *f]),
                Cap::AddPath(f, m) => w.extend_from_slice(&[3, *f, *m]),
                Cap::GracefulRestart(flags, time, fams) => {
                    w.extend_from_slice(&[4, *flags]);
                    w.extend_from_slice(&time.to_be_bytes());
                    let fams = &fams[..fams.len().min(4)];
                    w.push(fams.len() as u8);
                    for (f, fl) in fams {
                        w.extend_from_slice(&[*f, *fl]);
                    }
                }
                Cap::RouteRefresh => w.push(5),
                Cap::EnhancedRouteRefresh => w.push(6),
                Cap::ExtendedMessage => w.push(7),
                Cap::RouteRefreshCisco => w.push(8),
                Cap::Unknown(code, data) => {
                    w.extend_from_slice(&[9, *code]);
                    short(w, data);
                }
            }
        }
    };
    for op in ops {
        match op {
            Op::Start => w.push(0),
            Op::Connected => w.push(1),
            Op::ConnectFailed => w.push(2),
            Op::Incoming => w.push(3),
            Op::Closed => w.push(4),
            Op::Advance(ms) => {
                w.push(5);
                w.extend_from_slice(&ms.to_be_bytes());
            }
            Op::Deadline => w.push(6),
            Op::Wire(b) => {
                w.push(7);
                long(&mut w, b);
            }
            Op::Framed(kind, b) => {
                w.extend_from_slice(&[8, *kind]);
                long(&mut w, b);
            }
            Op::Big(kind, len, fill) => {
                w.extend_from_slice(&[9, *kind]);
                w.extend_from_slice(&len.to_be_bytes());
                w.push(*fill);
            }
            Op::Open(o) => {
                w.push(10);
                open(&mut w, o);
            }
            Op::Keepalive => w.push(11),
            Op::Update(i) => w.extend_from_slice(&[12, *i]),
            Op::Notification(code, subcode, data) => {
                w.extend_from_slice(&[13, *code, *subcode]);
                short(&mut w, data);
            }
            Op::RouteRefresh(f, s) => w.extend_from_slice(&[14, *f, *s]),
            Op::Collision(o) => {
                w.push(15);
                open(&mut w, o);
            }
            Op::Stop(subcode, text) => {
                w.extend_from_slice(&[16, *subcode]);
                short(&mut w, text);
            }
            Op::Cease(subcode, stay_down) => {
                w.extend_from_slice(&[17, *subcode, u8::from(*stay_down)])
            }
        }
    }
    w
}
