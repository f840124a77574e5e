//! The values of flow rules: prefixes, operator lists with their names (protocols, ports,
//! ICMP types and codes, TCP flags, fragments) and interface sets.

use std::net::Ipv6Addr;

use herald_wire::attr::ExtCommunity;
use herald_wire::nlri::flowspec::{component as C, ComponentValue, Op};
use herald_wire::Afi;

use crate::error::Result;
use crate::lexer::{Kind, Token};
use crate::route::{err, list, unsupported, Cursor};
use crate::values::{parse_dec_u64, parse_ipv4, parse_u32};

/// What an operator-list keyword takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// `protocol` / `next-header`: 0-255 or a protocol name.
    Protocol,
    /// `port`, `destination-port`, `source-port` (the component type): 0-65535 or a name.
    Port(u8),
    /// `icmp-type`: 0-255 or a name.
    IcmpType,
    /// `icmp-code`: 0-255 or a name.
    IcmpCode,
    /// `tcp-flags`: flag names joined by `+`, or a number (bitmask).
    TcpFlags,
    /// `packet-length`: 0-65535.
    PacketLength,
    /// `dscp`: 0-63.
    Dscp,
    /// `traffic-class`: 0-255 (sent as the DSCP component, as ExaBGP does).
    TrafficClass,
    /// `fragment`: fragment names joined by `+`, or a number (bitmask).
    Fragment,
    /// `flow-label`: 0-1048575 (IPv6 only).
    FlowLabel,
}

impl Value {
    /// The component type it makes.
    pub fn component(self) -> u8 {
        match self {
            Value::Protocol => C::PROTOCOL,
            Value::Port(k) => k,
            Value::IcmpType => C::ICMP_TYPE,
            Value::IcmpCode => C::ICMP_CODE,
            Value::TcpFlags => C::TCP_FLAGS,
            Value::PacketLength => C::PACKET_LENGTH,
            Value::Dscp | Value::TrafficClass => C::DSCP,
            Value::Fragment => C::FRAGMENT,
            Value::FlowLabel => C::FLOW_LABEL,
        }
    }

    fn bitmask(self) -> bool {
        matches!(self, Value::TcpFlags | Value::Fragment)
    }

    /// The largest value ExaBGP can encode for it.
    fn max(self) -> u64 {
        match self {
            Value::Protocol | Value::IcmpType | Value::IcmpCode | Value::TrafficClass => 0xFF,
            Value::Dscp => 63,
            Value::FlowLabel => 0xF_FFFF,
            Value::Port(_) | Value::TcpFlags | Value::PacketLength | Value::Fragment => 0xFFFF,
        }
    }

    /// The names it knows (`None`: numbers only).
    fn names(self) -> Option<&'static [(&'static str, u64)]> {
        Some(match self {
            Value::Protocol => PROTOCOLS,
            Value::Port(_) => PORTS,
            Value::IcmpType => ICMP_TYPES,
            Value::IcmpCode => ICMP_CODES,
            Value::TcpFlags => TCP_FLAGS,
            Value::Fragment => FRAGMENTS,
            _ => return None,
        })
    }

    fn what(self) -> &'static str {
        match self {
            Value::Protocol => "protocol",
            Value::Port(_) => "port",
            Value::IcmpType => "ICMP type",
            Value::IcmpCode => "ICMP code",
            Value::TcpFlags => "TCP flags",
            Value::PacketLength => "packet length",
            Value::Dscp => "DSCP",
            Value::TrafficClass => "traffic class",
            Value::Fragment => "fragment",
            Value::FlowLabel => "flow label",
        }
    }

    /// Read a value. Names (any case, `_` for `-`), decimal numbers and `0x` hexadecimal
    /// numbers (each at most 65535) can be joined by `+` and are added up, as ExaBGP does;
    /// packet length, DSCP, traffic class and flow label take one decimal number.
    fn parse(self, t: &Token<'_>, s: &str) -> Result<u64> {
        let max = self.max();
        let range = || {
            err(
                t,
                format!("invalid {} '{s}' (0-{max}{})", self.what(), self.hint()),
            )
        };
        let Some(names) = self.names() else {
            return parse_dec_u64(s).filter(|n| *n <= max).ok_or_else(range);
        };
        let mut total = 0u64;
        for part in s.split('+') {
            let name = part.to_ascii_lowercase().replace('_', "-");
            let v = if let Some((_, v)) = names.iter().find(|(n, _)| *n == name) {
                *v
            } else if let Some(n) = parse_dec_u64(part) {
                n
            } else if let Some(h) = part
                .strip_prefix("0x")
                .or_else(|| part.strip_prefix("0X"))
                .filter(|h| !h.is_empty() && h.len() <= 16)
            {
                u64::from_str_radix(h, 16).map_err(|_| range())?
            } else if matches!(self, Value::Port(_))
                && !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Err(unsupported(
                    t,
                    &format!("port name '{part}'"),
                    "herald knows the common service names only: give the port number",
                ));
            } else {
                return Err(range());
            };
            if v > 0xFFFF {
                return Err(range());
            }
            total += v;
        }
        if total > max {
            return Err(range());
        }
        Ok(total)
    }

    fn hint(self) -> &'static str {
        match self {
            Value::Protocol => ", or a name such as tcp, udp, icmp",
            Value::Port(_) => ", or a service name such as http",
            Value::IcmpType => ", or a name such as echo-request, unreachable",
            Value::IcmpCode => ", or a name such as port-unreachable",
            Value::TcpFlags => {
                ", or flag names such as syn+ack (fin syn rst push ack urgent ece cwr ns)"
            }
            Value::Fragment => {
                ", or dont-fragment, is-fragment, first-fragment, last-fragment joined by +"
            }
            _ => "",
        }
    }
}

/// `=80`, `>1024&<2000`, `[ =80 >8080&<8088 ]`: the operators of one keyword (RFC 8955
/// §4.2.1). Within a value, `&` joins terms with a logical and; the values of a `[ ]` list
/// are ORed. Numeric operators: `=`, `>`, `>=`, `<`, `<=`, `!=`, `true`, `false` (none is
/// `=`); bitmask operators: none (any bit), `=` (all bits), `!` (not any), `!=` (not all).
/// The end-of-list bit is left for the rule to set.
pub(crate) fn operator_list(
    cur: &mut Cursor<'_, '_>,
    kw: &Token<'_>,
    value: Value,
) -> Result<Vec<Op>> {
    let first = cur
        .next()
        .ok_or_else(|| err(kw, format!("'{}' needs a value", kw.text)))?;
    let mut out = Vec::new();
    match first.kind {
        Kind::LBracket => {
            loop {
                match cur.next() {
                    Some(t) if t.kind == Kind::RBracket => break,
                    Some(t) if t.is_value() => expression(&t, value, &mut out)?,
                    Some(t) => return Err(err(&t, "expected a value or ']'")),
                    None => return Err(err(&first, "missing ']'")),
                }
            }
            if out.is_empty() {
                return Err(err(
                    &first,
                    format!("'{}' needs at least one value", kw.text),
                ));
            }
        }
        _ if first.is_value() => expression(&first, value, &mut out)?,
        _ => return Err(err(&first, format!("expected a value after '{}'", kw.text))),
    }
    Ok(out)
}

fn expression(t: &Token<'_>, value: Value, out: &mut Vec<Op>) -> Result<()> {
    let mut and = 0;
    for part in t.text.split('&') {
        if part.is_empty() {
            return Err(err(t, "'&' joins two terms: one is missing"));
        }
        let (flags, rest) = if value.bitmask() {
            bitmask_operator(part)
        } else {
            numeric_operator(part).ok_or_else(|| err(t, "'!' is only valid as '!='"))?
        };
        let v = value.parse(t, rest)?;
        out.push(Op::new(flags | and, v));
        and = Op::AND;
    }
    Ok(())
}

/// The numeric operator at the start of `s` and the rest; `None` for a lone `!`.
fn numeric_operator(s: &str) -> Option<(u8, &str)> {
    const EQ: u8 = Op::EQ;
    const GT: u8 = Op::GT;
    const LT: u8 = Op::LT;
    for (p, op) in [
        (">=", GT | EQ),
        ("<=", LT | EQ),
        ("!=", LT | GT),
        (">", GT),
        ("<", LT),
        ("=", EQ),
    ] {
        if let Some(rest) = s.strip_prefix(p) {
            return Some((op, rest));
        }
    }
    if s.starts_with('!') {
        return None;
    }
    // ExaBGP's `true` and `false` operators (always / never), followed by a value.
    let word = |w: &str| s.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w));
    if word("true") {
        return Some((LT | GT | EQ, s.get(4..).unwrap_or_default()));
    }
    if word("false") {
        return Some((0, s.get(5..).unwrap_or_default()));
    }
    Some((EQ, s))
}

fn bitmask_operator(s: &str) -> (u8, &str) {
    if let Some(r) = s.strip_prefix("!=") {
        (Op::NOT | Op::MATCH, r)
    } else if let Some(r) = s.strip_prefix('!') {
        (Op::NOT, r)
    } else if let Some(r) = s.strip_prefix('=') {
        (Op::MATCH, r)
    } else {
        (0, s)
    }
}

/// A source or destination: `a.b.c.d/len`, `x::/len` or `x::/len/offset` (RFC 8956 §3.1).
pub(crate) fn prefix(t: &Token<'_>) -> Result<(Afi, ComponentValue)> {
    let s = t.text;
    let bad = |why: &str| err(t, format!("invalid flow prefix: {why}"));
    if s.contains(':') {
        let mut it = s.split('/');
        let (Some(a), Some(l)) = (it.next(), it.next()) else {
            return Err(bad("expected IPv6/length or IPv6/length/offset"));
        };
        let offset = it.next();
        if it.next().is_some() {
            return Err(bad("expected IPv6/length or IPv6/length/offset"));
        }
        let addr: Ipv6Addr = a.parse().map_err(|_| bad("not an IPv6 address"))?;
        let len = parse_u32(l)
            .filter(|l| *l <= 128)
            .ok_or_else(|| bad("the length is 0-128"))?;
        let offset = match offset {
            None => 0,
            Some(o) => {
                let o = parse_u32(o).ok_or_else(|| bad("the offset is not a number"))?;
                if (len == 0 && o != 0) || (len > 0 && o >= len) {
                    return Err(bad("the offset is below the length (0 for /0)"));
                }
                o
            }
        };
        let a = u128::from(addr);
        let keep = u128::MAX.checked_shl(128 - len).unwrap_or(0);
        if a & !keep != 0 {
            return Err(bad(&format!(
                "host bits set (did you mean {}/{len}?)",
                Ipv6Addr::from(a & keep)
            )));
        }
        let bits = len - offset;
        let top = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
        let pattern = a.checked_shl(offset).unwrap_or(0) & top;
        return Ok((
            Afi::IPV6,
            ComponentValue::Ipv6Prefix {
                len: len as u8,
                offset: offset as u8,
                pattern: pattern.to_be_bytes(),
            },
        ));
    }
    let (a, l) = s
        .split_once('/')
        .ok_or_else(|| bad("expected address/length"))?;
    let addr = parse_ipv4(a).ok_or_else(|| bad("not an IPv4 address"))?;
    let len = parse_u32(l)
        .filter(|l| *l <= 32)
        .ok_or_else(|| bad("the length is 0-32"))?;
    let keep = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    let a = u32::from(addr);
    if a & !keep != 0 {
        return Err(bad(&format!(
            "host bits set (did you mean {}/{len}?)",
            std::net::Ipv4Addr::from(a & keep)
        )));
    }
    Ok((
        Afi::IPV4,
        ComponentValue::Ipv4Prefix {
            len: len as u8,
            octets: a.to_be_bytes(),
        },
    ))
}

/// `interface-set [ transitive:input:65000:1 non-transitive:output:65000:2 ]`
/// (draft-ietf-idr-flowspec-interfaceset): transitivity, direction (input, output,
/// input-output), a 32-bit AS number and a 14-bit group.
pub(crate) fn interface_sets(
    cur: &mut Cursor<'_, '_>,
    kw: &Token<'_>,
) -> Result<Vec<ExtCommunity>> {
    list(cur, kw, "an interface set", |t| {
        let bad = |why: &str| {
            err(
                t,
                format!(
                    "invalid interface-set ({why}; expected transitive|non-transitive:\
                     input|output|input-output:ASN:GROUP)"
                ),
            )
        };
        let parts: Vec<&str> = t.text.split(':').collect();
        let [trans, dir, asn, group] = parts.as_slice() else {
            return Err(bad("four parts separated by ':'"));
        };
        let transitive = match *trans {
            "transitive" => true,
            "non-transitive" => false,
            _ => return Err(bad("transitive or non-transitive")),
        };
        let direction = match *dir {
            "input" => 1,
            "output" => 2,
            "input-output" => 3,
            _ => return Err(bad("input, output or input-output")),
        };
        let asn = parse_u32(asn).ok_or_else(|| bad("the AS is a 32-bit number"))?;
        let group = parse_u32(group)
            .and_then(|g| u16::try_from(g).ok())
            .filter(|g| *g < 1 << 14)
            .ok_or_else(|| bad("the group is 0-16383"))?;
        Ok(ExtCommunity::interface_set(
            transitive, asn, direction, group,
        ))
    })
}

/// IP protocol numbers by name (IANA "Assigned Internet Protocol Numbers"), the ones ExaBGP
/// knows.
const PROTOCOLS: &[(&str, u64)] = &[
    ("icmp", 1),
    ("igmp", 2),
    ("tcp", 6),
    ("egp", 8),
    ("udp", 17),
    ("rsvp", 46),
    ("gre", 47),
    ("esp", 50),
    ("ah", 51),
    ("ospf", 89),
    ("ipip", 94),
    ("pim", 103),
    ("sctp", 132),
];

/// ICMP types by name (IANA "ICMP Type Numbers"), the ones ExaBGP knows.
const ICMP_TYPES: &[(&str, u64)] = &[
    ("echo-reply", 0),
    ("unreachable", 3),
    ("redirect", 5),
    ("echo-request", 8),
    ("router-advertisement", 9),
    ("router-solicit", 10),
    ("time-exceeded", 11),
    ("parameter-problem", 12),
    ("timestamp", 13),
    ("timestamp-reply", 14),
    ("photuris", 40),
    ("experimental-mobility", 41),
    ("extended-echo-request", 42),
    ("extended-echo-reply", 43),
    ("experimental-one", 253),
    ("experimental-two", 254),
];

/// ICMP codes by name (for unreachable, redirect, time exceeded and parameter problem), the
/// ones ExaBGP knows.
const ICMP_CODES: &[(&str, u64)] = &[
    ("network-unreachable", 0),
    ("host-unreachable", 1),
    ("protocol-unreachable", 2),
    ("port-unreachable", 3),
    ("fragmentation-needed", 4),
    ("source-route-failed", 5),
    ("destination-network-unknown", 6),
    ("destination-host-unknown", 7),
    ("source-host-isolated", 8),
    ("destination-network-prohibited", 9),
    ("destination-host-prohibited", 10),
    ("network-unreachable-for-tos", 11),
    ("host-unreachable-for-tos", 12),
    ("communication-prohibited-by-filtering", 13),
    ("host-precedence-violation", 14),
    ("precedence-cutoff-in-effect", 15),
    ("redirect-for-network", 0),
    ("redirect-for-host", 1),
    ("redirect-for-tos-and-net", 2),
    ("redirect-for-tos-and-host", 3),
    ("ttl-eq-zero-during-transit", 0),
    ("ttl-eq-zero-during-reassembly", 1),
    ("required-option-missing", 1),
    ("ip-header-bad", 2),
];

/// TCP flag bits (RFC 8955 §4.2.2.9: the low 8 bits of the header's flags, plus NS).
const TCP_FLAGS: &[(&str, u64)] = &[
    ("fin", 0x01),
    ("syn", 0x02),
    ("rst", 0x04),
    ("push", 0x08),
    ("ack", 0x10),
    ("urg", 0x20),
    ("urgent", 0x20),
    ("ece", 0x40),
    ("cwr", 0x80),
    ("ns", 0x100),
];

/// Fragment bits (RFC 8955 §4.2.2.12).
const FRAGMENTS: &[(&str, u64)] = &[
    ("dont-fragment", 0x01),
    ("is-fragment", 0x02),
    ("first-fragment", 0x04),
    ("last-fragment", 0x08),
];

/// Common service names (IANA "Service Name and Transport Protocol Port Number Registry"),
/// with the port ExaBGP gives each. ExaBGP knows some 4,800 names; others are refused as
/// `unsupported:` (give the number).
const PORTS: &[(&str, u64)] = &[
    ("echo", 7),
    ("discard", 9),
    ("daytime", 13),
    ("qotd", 17),
    ("chargen", 19),
    ("ftp-data", 20),
    ("ftp", 21),
    ("ssh", 22),
    ("telnet", 23),
    ("smtp", 25),
    ("time", 37),
    ("tacacs", 49),
    ("domain", 53),
    ("bootps", 67),
    ("bootpc", 68),
    ("tftp", 69),
    ("gopher", 70),
    ("finger", 79),
    ("http", 80),
    ("kerberos", 88),
    ("pop3", 110),
    ("sunrpc", 111),
    ("auth", 113),
    ("nntp", 119),
    ("ntp", 123),
    ("netbios-ns", 137),
    ("netbios-dgm", 138),
    ("netbios-ssn", 139),
    ("imap", 143),
    ("snmp", 161),
    ("snmptrap", 162),
    ("bgp", 179),
    ("irc", 194),
    ("ldap", 389),
    ("https", 443),
    ("microsoft-ds", 445),
    ("kpasswd", 464),
    ("isakmp", 500),
    ("syslog", 514),
    ("printer", 515),
    ("ripng", 521),
    ("dhcpv6-client", 546),
    ("dhcpv6-server", 547),
    ("rtsp", 554),
    ("submission", 587),
    ("ipp", 631),
    ("ldaps", 636),
    ("rsync", 873),
    ("imaps", 993),
    ("pop3s", 995),
    ("socks", 1080),
    ("openvpn", 1194),
    ("ms-sql-s", 1433),
    ("ms-sql-m", 1434),
    ("pptp", 1723),
    ("radius", 1812),
    ("radius-acct", 1813),
    ("mysql", 3306),
    ("ms-wbt-server", 3389),
    ("bfd-control", 3784),
    ("bfd-echo", 3785),
    ("sip", 5060),
    ("postgresql", 5432),
    ("http-alt", 8080),
];
