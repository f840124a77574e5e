//! The text commands helper programs write on their stdout, in ExaBGP 5.0.15's grammar: one
//! line in, one typed [`Line`] out ([`parse`]).
//!
//! ```text
//! [neighbor <ip|*> [local-ip <ip>] [local-as <asn>] [peer-as <asn>] [router-id <id>]
//!                  [family-allowed <families>] [, neighbor …]] <command>
//! ```
//! The commands are listed by [`help`]. Route attributes are the configuration's
//! (`herald_config::parse_route_specs`), so an attribute added there works here too.
//!
//! How a line is read (ExaBGP's rules, made strict):
//! - Trailing white space is ignored (ExaBGP `rstrip`s each line; a `\r` from a CRLF helper goes
//!   too). An empty line or one starting with `#` is a [`Command::Comment`]; ExaBGP answers
//!   `error` to an empty line, herald `done`.
//! - A line starting with `debug ` is [`Command::Debug`]: ExaBGP logs it and sends no answer.
//! - Words are separated by white space; a comma is a word of its own, so
//!   `neighbor 10.0.0.1, neighbor 10.0.0.2` needs no space before the comma. A word starting
//!   with `#` ends the line (as in the configuration).
//! - Command words are case-sensitive, as in ExaBGP.
//! - Anything ExaBGP would ignore or take as something else (a trailing word after a complete
//!   command, a second `local-as` in one selector, …) is an error here.
//! - Flow rules (`announce flow route …`, `announce ipv4|ipv6 flow|flow-vpn …`), labeled
//!   unicast and VPN routes (`rd`, `label`, `announce ipv4 nlri-mpls|mpls-vpn …`) are
//!   routes like the others, and so are MCAST-VPN routes in ExaBGP's words (`announce
//!   ipv4|ipv6 mcast-vpn source-ad|shared-join|source-join …`). Families herald cannot
//!   originate yet (MUP, operational messages) are errors whose message starts with
//!   `unsupported:`.
//! - EVPN routes (`announce l2vpn evpn …`, `withdraw l2vpn evpn …`) are herald's: ExaBGP 5.0.15
//!   has no command for them. They take the words of the configuration's
//!   `announce { l2vpn { evpn … } }` (`herald_config::parse_l2vpn_route`).
//! - Route target membership routes (`announce ipv4 rtc origin 65000 route-target
//!   target:65000:1 …`, `announce ipv4 rtc default …`, `withdraw ipv4 rtc …`; RFC 4684) are
//!   herald's too, in the words of the configuration's `announce { ipv4 { rtc … } }`
//!   (`herald_config::parse_rtc_route`).
//!
//! Errors carry the 1-based column (counted in bytes) of the word at fault, or one past the end
//! of the line when a word is missing.
//!
//! Cost: the command layer reads a line in one pass and allocates nothing but the selectors;
//! no regular expressions, no tables built per call. The route part is
//! `herald_config::parse_route_specs` / `parse_attributes_nlri`, which makes one [`Route`] per
//! prefix, all the prefixes of one line sharing one interned attribute set, and is most of the
//! cost of a line (`benches/command.rs`).

mod mrt;
mod show;

pub use mrt::{AsPathRewrite, MrtInject};
mod words;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use herald_config::{ConfigError, NextHopSpec, Route};
use herald_wire::{Afi, Family, Safi};

use words::{Word, Words};

/// One neighbor selector: `neighbor IP [local-ip IP] [local-as N] [peer-as N] [router-id ID]
/// [family-allowed FAM]`. A command applies to the neighbors any of its selectors matches
/// (see [`Selector::matches`]); a line without selectors applies to every neighbor whose `api`
/// names the process that wrote it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Selector {
    /// The peer address; `None` for `*`. ExaBGP matches every neighbor for `neighbor *`,
    /// whatever other filters follow it in the same selector.
    pub peer: Option<IpAddr>,
    /// `local-ip`: the session's local address.
    pub local_ip: Option<IpAddr>,
    /// `local-as`.
    pub local_as: Option<u32>,
    /// `peer-as`.
    pub peer_as: Option<u32>,
    /// `router-id`.
    pub router_id: Option<Ipv4Addr>,
    /// `family-allowed`, as written. In ExaBGP it names the families of a neighbor's session,
    /// compared as text with the whole of that name: `in-open` for a neighbor without
    /// multi-session (the families are whatever the OPENs negotiate), otherwise its configured
    /// families as `afi-safi` joined by `/` (`ipv4-unicast/ipv6-unicast`, in the configuration's
    /// order). [`family_allowed_name`] makes that name for a neighbor.
    pub family_allowed: Option<String>,
}

/// A neighbor as [`Selector::matches`] sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SelectorTarget<'a> {
    /// Peer address.
    pub peer: IpAddr,
    /// Local address, when configured or known.
    pub local_ip: Option<IpAddr>,
    /// Local AS, when configured.
    pub local_as: Option<u32>,
    /// Peer AS, when configured.
    pub peer_as: Option<u32>,
    /// Router id.
    pub router_id: Ipv4Addr,
    /// The neighbor's `family-allowed` name ([`family_allowed_name`]).
    pub family_allowed: &'a str,
}

impl Selector {
    /// Whether this selector picks `n`, as ExaBGP 5.0.15 decides (`reactor/api/command/limit.py`):
    /// `*` picks every neighbor; otherwise every filter given must equal the neighbor's value
    /// (a filter on a value the neighbor does not have, such as `local-as` on a neighbor with
    /// `local-as auto`, does not match).
    pub fn matches(&self, n: &SelectorTarget<'_>) -> bool {
        let Some(peer) = self.peer else {
            return true;
        };
        peer == n.peer
            && self.local_ip.is_none_or(|a| n.local_ip == Some(a))
            && self.local_as.is_none_or(|a| n.local_as == Some(a))
            && self.peer_as.is_none_or(|a| n.peer_as == Some(a))
            && self.router_id.is_none_or(|a| n.router_id == a)
            && self
                .family_allowed
                .as_deref()
                .is_none_or(|f| f == n.family_allowed)
    }
}

/// Whether a line's selectors pick `n`: any of them does, or there are none.
pub fn selected(selectors: &[Selector], n: &SelectorTarget<'_>) -> bool {
    selectors.is_empty() || selectors.iter().any(|s| s.matches(n))
}

/// ExaBGP's `family-allowed` name of a neighbor: `in-open` without multi-session, otherwise its
/// families as `ipv4-unicast/ipv6-unicast`.
pub fn family_allowed_name(families: &[Family], multi_session: bool) -> String {
    if !multi_session {
        return "in-open".to_string();
    }
    let mut s = String::new();
    for (i, f) in families.iter().enumerate() {
        if i > 0 {
            s.push('/');
        }
        s.push_str(&format!("{}-{}", f.afi, f.safi));
    }
    s
}

/// Which Adj-RIB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RibDirection {
    /// Adj-RIB-In: what the peers sent.
    In,
    /// Adj-RIB-Out: what is sent to the peers.
    Out,
}

/// What `enable-ack`, `disable-ack` and `silence-ack` ask of the process's acknowledgements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AckMode {
    /// `enable-ack`: answer `done`/`error` after every command (and `done` to this one).
    Enable,
    /// `disable-ack`: answer `done` to this command, then stop answering.
    Disable,
    /// `silence-ack`: stop answering now, without answering this command.
    Silence,
}

/// The form `show neighbor` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NeighborView {
    /// `summary`: one line per neighbor (`Peer AS up/down state | #sent #recvd`).
    Summary,
    /// `extensive`: every detail of every neighbor.
    Extensive,
    /// `configuration`: each neighbor's configuration.
    Configuration,
    /// No view given: ExaBGP answers `please specify summary, extensive or configuration`
    /// (and, with `json`, the JSON of every neighbor, as for any view).
    Plain,
}

/// One command, without its neighbor selectors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `announce route …`, `announce ipv4|ipv6 unicast|multicast …`,
    /// `announce attribute(s) … nlri …`, `announce l2vpn evpn …`: routes to add (or replace)
    /// in the Adj-RIB-Out of the selected neighbors. Every route has a next hop.
    Announce(Vec<Route>),
    /// `withdraw route …`, `withdraw ipv4|ipv6 unicast|multicast …`,
    /// `withdraw attribute(s) … nlri …`, `withdraw l2vpn evpn …`: routes to remove. The next hop, when given, is
    /// [`NextHopSpec::Ip`]/[`NextHopSpec::SelfAddr`]; otherwise [`NextHopSpec::None`].
    Withdraw(Vec<Route>),
    /// `announce eor [afi safi]`: send an End-of-RIB. `None` when no family is given: ExaBGP
    /// 5.0.15 then sends the IPv4 unicast one.
    AnnounceEor(Option<Family>),
    /// `announce route-refresh afi safi`: send a ROUTE-REFRESH.
    RouteRefresh(Family),
    /// `flush adj-rib out`: send the Adj-RIB-Out of the selected neighbors again.
    FlushAdjRibOut,
    /// `clear adj-rib [in|out]` (out when not given, as ExaBGP): empty the Adj-RIB-In, or
    /// withdraw everything in the Adj-RIB-Out.
    ClearAdjRib(RibDirection),
    /// `teardown N [text]`: close the session with a Cease NOTIFICATION of subcode N. The text
    /// (a herald extension; ExaBGP refuses it) is the RFC 8203 shutdown communication, quotes
    /// around the whole of it removed. ExaBGP only tears down sessions that a selector names
    /// (none without a selector) and that are established.
    Teardown {
        /// The Cease subcode (2 = Administrative Shutdown, 4 = Administrative Reset, …).
        subcode: u8,
        /// The shutdown communication.
        message: Option<String>,
    },
    /// `show neighbor [summary|extensive|configuration] [json] [IP]`. An address after the
    /// command filters like a selector and is added to [`Line::selectors`].
    ShowNeighbor {
        /// The view asked for.
        view: NeighborView,
        /// `json` was given.
        json: bool,
    },
    /// `show adj-rib in|out [extensive] [json] [inet|inet4|inet6|flow|l2vpn|AFI SAFI]… [IP]`
    /// (also ExaBGP 4's `show adj-rib-in` / `show adj-rib-out`). An address filters like a
    /// selector and is added to [`Line::selectors`].
    ShowAdjRib {
        /// Which RIB.
        direction: RibDirection,
        /// `extensive`: routes with all their attributes (and neighbors by full name).
        extensive: bool,
        /// `json` was given.
        json: bool,
        /// The families to show; empty for all. `inet` is ExaBGP's: IPv4 and IPv6 unicast,
        /// multicast, labeled unicast and VPN; `inet4`/`inet6` the same for one AFI (herald
        /// extensions); `flow` the four flowspec families; `l2vpn` VPLS and EVPN.
        families: Vec<Family>,
    },
    /// `announce watchdog NAME` (`announce: true`) / `withdraw watchdog NAME`: announce or
    /// withdraw the configured routes tagged `watchdog NAME`. The name is empty when not given:
    /// ExaBGP then uses the name of the process that sent the command. ExaBGP applies a watchdog
    /// to every neighbor whatever the selectors say.
    Watchdog {
        /// The watchdog's name (empty: the sending process's name).
        name: String,
        /// `announce` (true) or `withdraw` (false).
        announce: bool,
    },
    /// `reload`: read the configuration again (as SIGUSR1).
    Reload,
    /// `restart`: restart (as SIGALRM in ExaBGP).
    Restart,
    /// `shutdown`: stop (as SIGTERM).
    Shutdown,
    /// `version`: answer `exabgp <version>`-style version text.
    Version,
    /// `help`: answer [`help`].
    Help,
    /// `enable-ack`, `disable-ack`, `silence-ack`.
    Ack(AckMode),
    /// An empty line or a `#` comment: nothing to do (answered `done`).
    Comment,
    /// `debug TEXT`: a line to log. ExaBGP logs it and does not answer it at all.
    Debug(String),
    /// `announce mrt FILE …`: the routes of a TABLE_DUMP_V2 file (a herald extension).
    InjectMrt(MrtInject),
}

impl Command {
    /// Whether the command acts on neighbors (and so may have selectors).
    pub fn takes_selectors(&self) -> bool {
        !matches!(
            self,
            Command::Reload
                | Command::Restart
                | Command::Shutdown
                | Command::Version
                | Command::Help
                | Command::Ack(_)
                | Command::Comment
                | Command::Debug(_)
        )
    }
}

/// One parsed line: its selectors (empty when the line has no `neighbor` prefix) and command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The selectors, in the order written.
    pub selectors: Vec<Selector>,
    /// The command.
    pub command: Command,
}

/// Why a line is not a command. `Display`: `column N: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandError {
    /// 1-based column (in bytes) of the word at fault; one past the end for a missing word.
    pub column: usize,
    /// What is wrong. Messages for what herald does not implement yet start with `unsupported:`.
    pub message: String,
}

impl CommandError {
    /// Whether the error only reports something herald does not implement yet.
    pub fn is_unsupported(&self) -> bool {
        self.message.starts_with("unsupported:")
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for CommandError {}

type Result<T> = std::result::Result<T, CommandError>;

fn err(column: usize, message: impl Into<String>) -> CommandError {
    CommandError {
        column,
        message: message.into(),
    }
}

fn at(w: &Word<'_>, message: impl Into<String>) -> CommandError {
    err(w.column(), message)
}

/// A configuration error in the text starting at byte `offset` of the line.
fn from_config(e: ConfigError, offset: usize) -> CommandError {
    let column = offset + (e.col as usize).max(1);
    let quoted = format!("'{}'", e.token);
    let message = if e.token.is_empty() || e.message.contains(&quoted) {
        e.message
    } else {
        format!("{} (at {quoted})", e.message)
    };
    CommandError { column, message }
}

const HELP: &str = "\
[neighbor <ip>|* [local-ip <ip>] [local-as <asn>] [peer-as <asn>] [router-id <id>] [family-allowed <families>] [, neighbor …]] <command>
announce route <prefix> next-hop <ip>|self [<attribute> …]
withdraw route <prefix> [next-hop <ip>|self] [<attribute> …]
announce ipv4|ipv6 unicast|multicast <prefix> next-hop <ip>|self [<attribute> …]
withdraw ipv4|ipv6 unicast|multicast <prefix> [<attribute> …]
announce ipv4|ipv6 mcast-vpn source-ad source <ip> group <ip> rd <rd> next-hop <ip>|self [<attribute> …]
announce ipv4|ipv6 mcast-vpn shared-join rp <ip> group <ip> rd <rd> source-as <asn> next-hop <ip>|self [<attribute> …]
announce ipv4|ipv6 mcast-vpn source-join source <ip> group <ip> rd <rd> source-as <asn> next-hop <ip>|self [<attribute> …]
withdraw ipv4|ipv6 mcast-vpn source-ad|shared-join|source-join <fields>
announce ipv4 rtc origin <asn> route-target <rt>[/<bits>] next-hop <ip>|self [<attribute> …]
announce ipv4 rtc default next-hop <ip>|self [<attribute> …]
withdraw ipv4 rtc origin <asn> route-target <rt>[/<bits>] | default
announce l2vpn evpn ethernet-ad|mac-ip|multicast|ethernet-segment|prefix rd <rd> [<field> …] next-hop <ip>|self [<attribute> …]
withdraw l2vpn evpn ethernet-ad|mac-ip|multicast|ethernet-segment|prefix rd <rd> [<field> …]
announce attributes [<attribute> …] next-hop <ip>|self nlri <prefix> [<prefix> …]
withdraw attributes [<attribute> …] nlri <prefix> [<prefix> …]
announce eor [<afi> <safi>]
announce route-refresh <afi> <safi>
announce watchdog [<name>]
withdraw watchdog [<name>]
teardown <cease subcode> [<text>]
flush adj-rib out
clear adj-rib [in|out]
show neighbor [summary|extensive|configuration] [json] [<ip>]
show adj-rib in|out [extensive] [json] [inet|inet4|inet6|flow|l2vpn|<afi> <safi>] [<ip>]
enable-ack
disable-ack
silence-ack
reload
restart
shutdown
version
help
# <comment>
attributes: origin igp|egp|incomplete, as-path [ <asn> … ], med <n>, local-preference <n>, community [ <asn>:<n> … ], extended-community [ … ], large-community [ … ], atomic-aggregate, aggregator ( <asn>:<ip> ), originator-id <ip>, cluster-list [ <ip> … ], aigp <n>, path-information <n>, attribute [ 0x<code> 0x<flags> 0x<data> ], split /<length>, name <name>, watchdog <name>
";

/// The text answered to `help`: one command form per line (the last line lists the route
/// attributes).
pub fn help() -> &'static str {
    HELP
}

/// Parse one line written by a helper program (without its line end).
///
/// Never panics. See the module documentation for the grammar and the error columns.
pub fn parse(line: &str) -> Result<Line> {
    let line = line.trim_end();
    let body = line.trim_start();
    let lead = line.len() - body.len();
    if body.is_empty() || body.starts_with('#') {
        return Ok(plain(Command::Comment));
    }
    if let Some(text) = body.strip_prefix("debug ") {
        return Ok(plain(Command::Debug(text.trim().to_string())));
    }
    if let Some(i) = body.bytes().position(|b| b == b'\n' || b == b'\r') {
        return Err(err(lead + i + 1, "a command is one line"));
    }
    let mut w = Words::new(line);
    let selector_column = w.peek().map(|t| t.column());
    let mut selectors = read_selectors(&mut w)?;
    let first = w.next().ok_or_else(|| {
        err(
            w.end_column(),
            "expected a command after the neighbor selector",
        )
    })?;
    let command = match first.text {
        "announce" => announce(&mut w, &first, true)?,
        "withdraw" => announce(&mut w, &first, false)?,
        "teardown" => teardown(&mut w)?,
        "show" => show::show(&mut w, &first, &mut selectors)?,
        "flush" => expect_words(
            &mut w,
            &first,
            &["adj-rib", "out"],
            "flush adj-rib out",
            Command::FlushAdjRibOut,
        )?,
        "clear" => show::clear(&mut w, &first)?,
        "reload" => end(&mut w, Command::Reload)?,
        "restart" => end(&mut w, Command::Restart)?,
        "shutdown" => end(&mut w, Command::Shutdown)?,
        "version" => end(&mut w, Command::Version)?,
        "help" => end(&mut w, Command::Help)?,
        "enable-ack" => end(&mut w, Command::Ack(AckMode::Enable))?,
        "disable-ack" => end(&mut w, Command::Ack(AckMode::Disable))?,
        "silence-ack" => end(&mut w, Command::Ack(AckMode::Silence))?,
        "reset" => {
            return Err(at(
                &first,
                "unsupported: reset (herald runs each command to its end before the next)",
            ))
        }
        "crash" => return Err(at(&first, "unsupported: crash (an ExaBGP test command)")),
        other => return Err(at(&first, format!("unknown command '{other}'"))),
    };
    if !selectors.is_empty() && !command.takes_selectors() {
        return Err(err(
            selector_column.unwrap_or(1),
            format!("'{}' does not take a neighbor selector", first.text),
        ));
    }
    Ok(Line { selectors, command })
}

fn plain(command: Command) -> Line {
    Line {
        selectors: Vec::new(),
        command,
    }
}

/// The command `c`, if nothing follows it.
fn end(w: &mut Words<'_>, c: Command) -> Result<Command> {
    match w.next() {
        None => Ok(c),
        Some(t) => Err(at(&t, format!("unexpected '{}' after the command", t.text))),
    }
}

/// The words `want` after `first`, and nothing else; the command is then `c`.
fn expect_words(
    w: &mut Words<'_>,
    first: &Word<'_>,
    want: &[&str],
    form: &str,
    c: Command,
) -> Result<Command> {
    for x in want {
        match w.next() {
            Some(t) if t.text == *x => {}
            Some(t) => return Err(at(&t, format!("expected '{form}'"))),
            None => return Err(err(w.end_column(), format!("'{}' is '{form}'", first.text))),
        }
    }
    end(w, c)
}

fn read_selectors(w: &mut Words<'_>) -> Result<Vec<Selector>> {
    let mut out = Vec::new();
    if w.peek().is_none_or(|t| t.text != "neighbor") {
        return Ok(out);
    }
    // The word read at the top of the loop is `neighbor` (checked before the loop and after
    // each comma).
    'selector: while w.next().is_some() {
        let addr = w
            .next()
            .ok_or_else(|| err(w.end_column(), "'neighbor' needs an address or '*'"))?;
        let peer = match addr.text {
            "*" => None,
            t => Some(
                t.parse::<IpAddr>()
                    .map_err(|_| at(&addr, format!("invalid neighbor address '{t}'")))?,
            ),
        };
        let mut sel = Selector {
            peer,
            ..Selector::default()
        };
        while let Some(k) = w.peek() {
            match k.text {
                "local-ip" => {
                    w.next();
                    let v = value(w, &k)?;
                    let ip = v
                        .text
                        .parse::<IpAddr>()
                        .map_err(|_| at(&v, "local-ip needs an IP address"))?;
                    set_once(&mut sel.local_ip, ip, &k)?;
                }
                "local-as" | "peer-as" => {
                    w.next();
                    let v = value(w, &k)?;
                    let asn = asn(v.text).ok_or_else(|| at(&v, "invalid AS number"))?;
                    let slot = if k.text == "local-as" {
                        &mut sel.local_as
                    } else {
                        &mut sel.peer_as
                    };
                    set_once(slot, asn, &k)?;
                }
                "router-id" => {
                    w.next();
                    let v = value(w, &k)?;
                    let id = v
                        .text
                        .parse::<Ipv4Addr>()
                        .map_err(|_| at(&v, "router-id needs an IPv4 address"))?;
                    set_once(&mut sel.router_id, id, &k)?;
                }
                "family-allowed" => {
                    w.next();
                    let v = value(w, &k)?;
                    set_once(&mut sel.family_allowed, v.text.to_string(), &k)?;
                }
                "," => {
                    w.next();
                    out.push(sel);
                    match w.peek() {
                        Some(n) if n.text == "neighbor" => continue 'selector,
                        Some(n) => return Err(at(&n, "expected 'neighbor' after ','")),
                        None => return Err(err(w.end_column(), "expected 'neighbor' after ','")),
                    }
                }
                "neighbor" => {
                    return Err(at(
                        &k,
                        "a second 'neighbor' needs a ',' before it (neighbor A, neighbor B …)",
                    ))
                }
                _ => break,
            }
        }
        out.push(sel);
        break;
    }
    Ok(out)
}

/// The value after the keyword `k`.
fn value<'a>(w: &mut Words<'a>, k: &Word<'_>) -> Result<Word<'a>> {
    match w.next() {
        Some(v) if v.text != "," => Ok(v),
        Some(v) => Err(at(&v, format!("'{}' needs a value", k.text))),
        None => Err(err(w.end_column(), format!("'{}' needs a value", k.text))),
    }
}

fn set_once<T>(slot: &mut Option<T>, v: T, k: &Word<'_>) -> Result<()> {
    if slot.is_some() {
        return Err(at(k, format!("'{}' given twice in one selector", k.text)));
    }
    *slot = Some(v);
    Ok(())
}

/// An AS number: plain (`65000`) or ASDOT (`1.10`).
fn asn(s: &str) -> Option<u32> {
    if let Some((hi, lo)) = s.split_once('.') {
        let hi: u16 = digits(hi)?.try_into().ok()?;
        let lo: u16 = digits(lo)?.try_into().ok()?;
        return Some((u32::from(hi) << 16) | u32::from(lo));
    }
    u32::try_from(digits(s)?).ok()
}

/// A decimal number of ASCII digits only.
fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `announce …` / `withdraw …` (`kw` is the verb).
fn announce(w: &mut Words<'_>, kw: &Word<'_>, announce: bool) -> Result<Command> {
    let verb = kw.text;
    let what = w.next().ok_or_else(|| {
        err(
            w.end_column(),
            format!("'{verb}' needs what to {verb}: route, attributes, ipv4, ipv6, l2vpn, eor, route-refresh or watchdog"),
        )
    })?;
    let routes = |routes| {
        if announce {
            Command::Announce(routes)
        } else {
            Command::Withdraw(routes)
        }
    };
    match what.text {
        "route" => {
            // ExaBGP 4's `announce route refresh ipv4 unicast`.
            if announce && w.peek().is_some_and(|t| t.text == "refresh") {
                w.next();
                return route_refresh(w, &what);
            }
            let (offset, rest) = w.rest();
            if rest.is_empty() || rest.starts_with('#') {
                return Err(err(w.end_column(), format!("'{verb} route' needs a prefix")));
            }
            let v = herald_config::parse_route_specs(rest).map_err(|e| from_config(e, offset))?;
            if announce {
                need_next_hop(&v, offset + 1)?;
            }
            Ok(routes(v))
        }
        "ipv4" | "ipv6" => {
            let v = family_routes(w, &what, verb)?;
            if announce {
                need_next_hop(&v, what.column())?;
            }
            Ok(routes(v))
        }
        "attribute" | "attributes" => {
            let (offset, rest) = w.rest();
            if rest.is_empty() || rest.starts_with('#') {
                return Err(err(
                    w.end_column(),
                    format!("'{verb} {}' needs attributes, then 'nlri' and prefixes", what.text),
                ));
            }
            let v =
                herald_config::parse_attributes_nlri(rest).map_err(|e| from_config(e, offset))?;
            if announce {
                need_next_hop(&v, what.column())?;
            }
            Ok(routes(v))
        }
        "eor" if announce => {
            let Some(a) = w.next() else {
                return Ok(Command::AnnounceEor(None));
            };
            let f = family(w, &a, "announce eor")?;
            end(w, Command::AnnounceEor(Some(f)))
        }
        "route-refresh" if announce => route_refresh(w, &what),
        "watchdog" => {
            let name = w.next().map(|t| t.text.to_string()).unwrap_or_default();
            end(w, Command::Watchdog { name, announce })
        }
        "flow" => {
            let (offset, rest) = w.rest();
            let r = herald_config::parse_flow_command(rest).map_err(|e| from_config(e, offset))?;
            Ok(routes(vec![r.to_route()]))
        }
        "vpls" => {
            // ExaBGP's `announce vpls endpoint 5 base 10702 offset 1 size 8 rd … next-hop …`.
            let text = w.from(what.at);
            let r = herald_config::parse_l2vpn_route(text).map_err(|e| from_config(e, what.at))?;
            let v = vec![r];
            if announce {
                need_next_hop(&v, what.column())?;
            }
            Ok(routes(v))
        }
        "l2vpn" => {
            let (offset, rest) = w.rest();
            if rest.is_empty() || rest.starts_with('#') {
                return Err(err(
                    w.end_column(),
                    format!("'{verb} l2vpn' needs 'evpn' and a route"),
                ));
            }
            let r = herald_config::parse_l2vpn_route(rest).map_err(|e| from_config(e, offset))?;
            let v = vec![r];
            if announce {
                need_next_hop(&v, what.column())?;
            }
            Ok(routes(v))
        }
        "mrt" if announce => mrt::inject(w),
        "operational" if announce => Err(at(
            &what,
            "unsupported: operational messages (draft-ietf-idr-operational-message) are not implemented",
        )),
        other => Err(at(&what, format!("unknown command '{verb} {other}'"))),
    }
}

/// `announce route-refresh AFI SAFI` after `kw`.
fn route_refresh(w: &mut Words<'_>, kw: &Word<'_>) -> Result<Command> {
    let a = w.next().ok_or_else(|| {
        err(
            w.end_column(),
            format!("'{}' needs an AFI and a SAFI (ipv4 unicast)", kw.text),
        )
    })?;
    let f = family(w, &a, "announce route-refresh")?;
    end(w, Command::RouteRefresh(f))
}

/// `AFI SAFI`, the AFI word already read.
fn family(w: &mut Words<'_>, a: &Word<'_>, form: &str) -> Result<Family> {
    let afi = Afi::from_name(a.text).ok_or_else(|| {
        at(
            a,
            format!("unknown AFI '{}' (ipv4, ipv6, l2vpn, bgp-ls)", a.text),
        )
    })?;
    let s = w.next().ok_or_else(|| {
        err(
            w.end_column(),
            format!("'{form}' needs a SAFI after the AFI"),
        )
    })?;
    let safi =
        Safi::from_name(s.text).ok_or_else(|| at(&s, format!("unknown SAFI '{}'", s.text)))?;
    Ok(Family::new(afi, safi))
}

/// `ipv4|ipv6 SAFI <route>` after `announce`/`withdraw`.
fn family_routes(w: &mut Words<'_>, afi_word: &Word<'_>, verb: &str) -> Result<Vec<Route>> {
    let afi = if afi_word.text == "ipv4" {
        Afi::IPV4
    } else {
        Afi::IPV6
    };
    let s = w.next().ok_or_else(|| {
        err(
            w.end_column(),
            format!(
                "'{verb} {}' needs a SAFI: unicast or multicast",
                afi_word.text
            ),
        )
    })?;
    if matches!(s.text, "flow" | "flow-vpn") {
        // `announce ipv4 flow destination … discard`: the whole rule from the AFI on.
        let text = w.from(afi_word.at);
        let r = herald_config::parse_family_flow_command(text)
            .map_err(|e| from_config(e, afi_word.at))?;
        return Ok(vec![r.to_route()]);
    }
    if s.text == "mcast-vpn" {
        // ExaBGP's `announce ipv4 mcast-vpn source-join source … group … rd … source-as …`.
        let (offset, rest) = w.rest();
        let r = herald_config::parse_mvpn_route(afi, rest).map_err(|e| from_config(e, offset))?;
        return Ok(vec![r]);
    }
    if s.text == "rtc" {
        // herald's `announce ipv4 rtc origin 65000 route-target target:65000:1 next-hop self`
        // (RFC 4684; ExaBGP has no command for it).
        if afi != Afi::IPV4 {
            return Err(at(
                &s,
                "route target membership is an IPv4 family (RFC 4684: AFI 1): 'ipv4 rtc'",
            ));
        }
        let (offset, rest) = w.rest();
        if rest.is_empty() || rest.starts_with('#') {
            return Err(err(
                w.end_column(),
                format!("'{verb} ipv4 rtc' needs 'origin ASN route-target RT' or 'default'"),
            ));
        }
        let r = herald_config::parse_rtc_route(rest).map_err(|e| from_config(e, offset))?;
        return Ok(vec![r]);
    }
    if s.text == "mup" {
        // `announce ipv4 mup mup-isd 10.0.1.0/24 rd 100:100 next-hop 2001::1 …` (ExaBGP's).
        let (offset, rest) = w.rest();
        if rest.is_empty() || rest.starts_with('#') {
            return Err(err(
                w.end_column(),
                format!("'{verb} {} mup' needs a MUP route", afi_word.text),
            ));
        }
        let r = herald_config::parse_mup_route(afi, rest).map_err(|e| from_config(e, offset))?;
        return Ok(vec![r]);
    }
    let safi = match s.text {
        "unicast" => Safi::UNICAST,
        "multicast" => Safi::MULTICAST,
        "nlri-mpls" | "labeled-unicast" => Safi::MPLS_LABEL,
        "mpls-vpn" => Safi::MPLS_VPN,
        other => {
            return Err(match Safi::from_name(other) {
                Some(_) => at(
                    &s,
                    format!(
                        "unsupported: {} {other} routes are not implemented yet (herald originates unicast and multicast)",
                        afi_word.text
                    ),
                ),
                None => at(&s, format!("unknown SAFI '{other}'")),
            })
        }
    };
    let (offset, rest) = w.rest();
    if rest.is_empty() || rest.starts_with('#') {
        return Err(err(
            w.end_column(),
            format!("'{verb} {} {}' needs a prefix", afi_word.text, s.text),
        ));
    }
    let mut routes = herald_config::parse_route_specs(rest).map_err(|e| from_config(e, offset))?;
    let family = Family::new(afi, safi);
    for r in &mut routes {
        let is_v4 = r.family.afi == Afi::IPV4;
        if is_v4 != (afi == Afi::IPV4) {
            return Err(err(
                offset + 1,
                format!("{} is not an {} prefix", r.describe(), afi_word.text),
            ));
        }
        // `rd` and `label` decide the NLRI's form: it must be the family named.
        let given = match r.family.safi {
            Safi::MPLS_LABEL | Safi::MPLS_VPN => r.family.safi,
            _ => Safi::UNICAST,
        };
        let want = if safi == Safi::MULTICAST {
            Safi::UNICAST
        } else {
            safi
        };
        if given != want {
            let why = match want {
                Safi::MPLS_VPN => "an mpls-vpn route needs rd and label",
                Safi::MPLS_LABEL => "a labeled route needs a label and no rd",
                _ => "rd and label need the nlri-mpls or mpls-vpn family",
            };
            return Err(err(offset + 1, format!("{}: {why}", r.describe())));
        }
        r.family = family;
    }
    Ok(routes)
}

/// An announcement without a next hop is refused (ExaBGP logs it and answers `done`).
fn need_next_hop(routes: &[Route], column: usize) -> Result<()> {
    // Flow rules have none unless they redirect to an address (RFC 8955 §4).
    let flow = |r: &Route| matches!(r.family.safi, Safi::FLOW | Safi::FLOW_VPN);
    if routes
        .iter()
        .any(|r| r.next_hop == NextHopSpec::None && !flow(r))
    {
        return Err(err(
            column,
            "an announced route needs a next-hop (next-hop <address> or next-hop self)",
        ));
    }
    Ok(())
}

/// `teardown N [text]`.
fn teardown(w: &mut Words<'_>) -> Result<Command> {
    let n = w.next().ok_or_else(|| {
        err(
            w.end_column(),
            "'teardown' needs a Cease subcode (teardown 2)",
        )
    })?;
    let subcode = digits(n.text)
        .and_then(|v| u8::try_from(v).ok())
        .ok_or_else(|| at(&n, "the Cease subcode must be a number from 0 to 255"))?;
    let (_, rest) = w.rest();
    let message = if rest.is_empty() {
        None
    } else {
        Some(unquote(rest).to_string())
    };
    Ok(Command::Teardown { subcode, message })
}

/// `text` without the quotes around the whole of it, if there are.
fn unquote(text: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner;
        }
    }
    text
}

#[cfg(test)]
mod tests;
