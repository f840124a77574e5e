//! The grammar: statements and blocks over the token stream, into drafts that
//! [`crate::resolve`] turns into the model.
//!
//! A statement is the tokens up to `;`, `{` or `}` (braces inside `[ ]` or `( )` belong to the
//! statement, for AS-path confederation segments). A statement ending in `{` opens a block.
//! Errors are collected, and parsing resumes at the next statement; an unknown or unsupported
//! block is skipped whole.

mod draft;
mod flow;
mod neighbor;
mod parallel;
pub(crate) use neighbor::{RECEIVE_ONLY_FAMILIES, SUPPORTED_FAMILIES};
mod routes;
mod vpn;

use std::collections::HashMap;
use std::net::IpAddr;

pub(crate) use draft::{Draft, Set, GR_OFF};
pub(crate) use routes::{attributes_nlri, evpn_route, mup_route, vpls_route};

use crate::error::{ConfigError, Span};
use crate::hash::Fnv;
use crate::keywords::{hint, Context};
use crate::lexer::{Kind, Lexer, Token};
use crate::model::{Encoder, Process};
use crate::route::{err, parse_prefix, Cursor};
use crate::values::parse_bool;

/// Errors collected before parsing stops.
pub(crate) const MAX_ERRORS: usize = 100;

/// How a statement ended.
pub(crate) enum End<'a> {
    /// `;`
    Semi,
    /// `{`: the statement is a block header.
    Open(Token<'a>),
    /// `}`: the statement (if any) is the last of its block, which this closes.
    Close(Token<'a>),
    /// End of input.
    Eof,
}

/// The parser's state: the lexer and everything read so far.
pub(crate) struct Parser<'a> {
    lex: Lexer<'a>,
    pool: Vec<Vec<Token<'a>>>,
    pub errors: Vec<ConfigError>,
    pub warnings: Vec<ConfigError>,
    pub processes: Vec<Process>,
    pub templates: Vec<(String, Span, Draft)>,
    pub neighbors: Vec<Draft>,
    /// The `vpn` block, if read.
    pub vpn: Option<crate::model::Vpn>,
    /// A route draft reused from route to route.
    pub(crate) scratch: crate::route::RouteDraft,
    /// What the routes share, each kept once.
    pub interner: crate::route::Interner,
    /// First words of the statements that are routes in the block being read (`route` in
    /// `static`, the SAFI in `announce { ipv4 { … } }`): their attribute text is looked up
    /// in `reuse` before it is read.
    pub(crate) route_words: &'static [&'static str],
    /// Attribute texts of routes already read (see [`crate::lexer::Lexer::plain_tail`]), by
    /// [`fingerprint`], and where their result is.
    pub(crate) reuse: HashMap<u128, Reused, Fnv>,
    pub(crate) reusable: Vec<crate::route::Reusable>,
    /// The statement just read is a route whose attribute text was read before (it was
    /// skipped, not lexed): where its result is.
    pub(crate) hit: Option<Reused>,
    /// The statement just read is a route whose attribute text can be remembered.
    pub(crate) tail: Option<&'a str>,
    /// The statement just read had a lexical error (already reported): ignore it.
    poisoned: bool,
    /// Read a `static` block on several cores when at least this much text follows it.
    pub(crate) parallel_min: usize,
    /// Threads for such a block (0: one per core).
    pub(crate) parallel_parts: usize,
    /// Parts of `static` blocks other threads read and this parser took.
    pub(crate) parts_taken: usize,
}

/// Where the result of an attribute text read before is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reused {
    /// Its index in [`Parser::reusable`].
    pub index: u32,
    /// For a plain route (no labels, no path identifier, its next hop as written) of this
    /// family: the index of its shared part. A table's routes are made from this alone,
    /// without reading the [`crate::route::Reusable`] (a cache miss per route).
    pub plain: Option<(herald_wire::Family, u32)>,
}

/// What identifies an attribute text in the reuse table: its 128-bit XXH3 hash, mixed with the
/// statement's first word when that is not `route` (in an `announce` block, `unicast` and
/// `mpls-vpn` give the same text different meanings). Comparing the text itself costs a cache
/// miss per route (the earlier text lies anywhere in a file of a hundred megabytes), about a
/// sixth of the time of reading a large table. Two different texts of one configuration share
/// a fingerprint by accident with a probability far below 2^-80 (a few million texts at most),
/// the trust a compiler's incremental cache puts in its fingerprints. XXH3 is not a
/// cryptographic hash: texts built on purpose to collide could, in principle, give a route
/// another route's attributes; a configuration is its operator's own text.
pub(crate) fn fingerprint(word: &str, text: &str) -> u128 {
    let h = xxhash_rust::xxh3::xxh3_128(text.as_bytes());
    if word == "route" {
        h
    } else {
        h ^ xxhash_rust::xxh3::xxh3_128(word.as_bytes()).rotate_left(41)
    }
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str) -> Self {
        Parser {
            lex: Lexer::new(src),
            pool: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            processes: Vec::new(),
            templates: Vec::new(),
            neighbors: Vec::new(),
            vpn: None,
            scratch: crate::route::RouteDraft::default(),
            interner: crate::route::Interner::default(),
            route_words: &[],
            reuse: HashMap::default(),
            reusable: Vec::new(),
            hit: None,
            tail: None,
            poisoned: false,
            parallel_min: parallel::PARALLEL_MIN,
            parallel_parts: 0,
            parts_taken: 0,
        }
    }

    /// Forget the attribute texts read so far (see [`fingerprint`]).
    pub(crate) fn forget_reuse(&mut self) {
        self.reuse.clear();
        self.reusable.clear();
    }

    /// Record an error.
    pub fn error(&mut self, e: ConfigError) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(e);
        }
    }

    /// Record a warning.
    pub fn warn(&mut self, e: ConfigError) {
        if self.warnings.len() < MAX_ERRORS {
            self.warnings.push(e);
        }
    }

    /// Whether to stop: too many errors.
    pub fn full(&self) -> bool {
        self.errors.len() >= MAX_ERRORS
    }

    fn take_buf(&mut self) -> Vec<Token<'a>> {
        self.pool.pop().unwrap_or_else(|| Vec::with_capacity(32))
    }

    fn give_buf(&mut self, mut b: Vec<Token<'a>>) {
        b.clear();
        self.pool.push(b);
    }

    /// Read one statement into `buf` (cleared first).
    pub fn statement(&mut self, buf: &mut Vec<Token<'a>>) -> End<'a> {
        buf.clear();
        self.poisoned = false;
        self.hit = None;
        self.tail = None;
        let mut depth = 0u32;
        loop {
            let t = self.lex.next_token();
            match t.kind {
                Kind::Eof => return End::Eof,
                Kind::Semi => return End::Semi,
                Kind::LBrace if depth == 0 => return End::Open(t),
                Kind::RBrace if depth == 0 => return End::Close(t),
                Kind::LBracket | Kind::LParen => {
                    depth += 1;
                    buf.push(t);
                }
                Kind::RBracket | Kind::RParen => {
                    depth = depth.saturating_sub(1);
                    buf.push(t);
                }
                Kind::Unterminated => {
                    self.error(err(&t, "quoted string not closed on this line"));
                    self.poisoned = true;
                }
                _ => {
                    buf.push(t);
                    if buf.len() == 2 && !self.route_words.is_empty() && self.route_tail(buf) {
                        return End::Semi;
                    }
                }
            }
        }
    }

    /// After the first two words of a route statement: if the rest of it was read before,
    /// skip it and note the result in `hit` (true); otherwise note its text in `tail`.
    fn route_tail(&mut self, buf: &[Token<'a>]) -> bool {
        let [kw, prefix] = buf else {
            return false;
        };
        if kw.kind != Kind::Word
            || prefix.kind != Kind::Word
            || !self.route_words.contains(&kw.text)
        {
            return false;
        }
        let Some((text, tail)) = self.lex.plain_tail() else {
            return false;
        };
        if let Some(r) = self.reuse.get(&fingerprint(kw.text, text)) {
            self.hit = Some(*r);
            self.lex.skip_tail(tail);
            return true;
        }
        self.tail = Some(text);
        false
    }

    /// Skip the rest of a block whose `{` was just read.
    pub fn skip_block(&mut self) {
        let mut depth = 1u32;
        loop {
            let t = self.lex.next_token();
            match t.kind {
                Kind::Eof => return,
                Kind::LBrace => depth += 1,
                Kind::RBrace => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// Run `f` on each statement of the block whose header is `head` (its `{` already read)
    /// until the closing `}`. `f` gets the statement and, for a sub-block, its `{`; it returns
    /// whether it read the sub-block (if not, the sub-block is skipped).
    pub fn each<F>(&mut self, head: &Token<'a>, mut f: F)
    where
        F: FnMut(&mut Self, &[Token<'a>], Option<Token<'a>>) -> bool,
    {
        let mut buf = self.take_buf();
        loop {
            if self.full() {
                break;
            }
            let end = self.statement(&mut buf);
            if self.poisoned {
                match end {
                    End::Open(_) => self.skip_block(),
                    End::Close(_) | End::Eof => break,
                    End::Semi => {}
                }
                continue;
            }
            match end {
                End::Semi => {
                    if !buf.is_empty() {
                        f(self, &buf, None);
                    }
                }
                End::Open(brace) => {
                    if buf.is_empty() {
                        self.error(err(&brace, "a block needs a name before '{'"));
                        self.skip_block();
                    } else if !f(self, &buf, Some(brace)) {
                        self.skip_block();
                    }
                }
                End::Close(_) => {
                    if !buf.is_empty() {
                        f(self, &buf, None);
                    }
                    break;
                }
                End::Eof => {
                    if let Some(last) = buf.last() {
                        let e = err(last, "missing ';' at end of file");
                        self.error(e);
                    }
                    self.warn(ConfigError::at(
                        head.span(),
                        head.text,
                        format!("block '{}' is not closed at the end of the file", head.text),
                    ));
                    break;
                }
            }
        }
        self.give_buf(buf);
    }

    /// The whole file.
    pub fn parse_file(&mut self) {
        let mut buf = self.take_buf();
        loop {
            if self.full() {
                break;
            }
            match self.statement(&mut buf) {
                End::Eof => {
                    if let Some(last) = buf.last() {
                        let e = err(last, "missing ';' at end of file");
                        self.error(e);
                    }
                    break;
                }
                End::Close(brace) => {
                    if let Some(t) = buf.first() {
                        let e = err(t, "statement outside any block");
                        self.error(e);
                    } else {
                        self.warn(err(&brace, "'}' does not close any block"));
                    }
                }
                End::Semi => {
                    if let Some(t) = buf.first() {
                        let e = err(t, format!("unexpected '{}' at top level", t.text));
                        self.error(e);
                    }
                }
                End::Open(brace) => {
                    let head = buf.clone();
                    self.top_block(&head, brace);
                }
            }
        }
        self.give_buf(buf);
    }

    fn top_block(&mut self, head: &[Token<'a>], brace: Token<'a>) {
        let Some(kw) = head.first().copied() else {
            self.skip_block();
            return;
        };
        match kw.text {
            "process" => self.process(head, &kw),
            "template" => {
                if let Some(extra) = head.get(1) {
                    let e = err(
                        extra,
                        "'template' takes no name: template { neighbor NAME { … } }",
                    );
                    self.error(e);
                }
                self.each(&kw, |p, stmt, sub| {
                    let (Some(first), Some(brace)) = (stmt.first(), sub) else {
                        if let Some(t) = stmt.first() {
                            p.error(err(t, "expected 'neighbor NAME {' inside template"));
                        }
                        return false;
                    };
                    if first.text != "neighbor" {
                        p.error(err(first, "expected 'neighbor NAME {' inside template"));
                        return false;
                    }
                    let Some(name) = stmt.get(1).filter(|t| t.is_value()) else {
                        p.error(err(&brace, "a template neighbor needs a name"));
                        return false;
                    };
                    if let Some(extra) = stmt.get(2) {
                        p.error(err(extra, "unexpected token after the template name"));
                    }
                    let name_s = name.value().into_owned();
                    let mut d = Draft::new(name.span());
                    p.neighbor_body(first, &mut d);
                    if p.templates.iter().any(|(n, _, _)| *n == name_s) {
                        p.error(err(name, format!("template '{name_s}' is defined twice")));
                    } else {
                        p.templates.push((name_s, name.span(), d));
                    }
                    true
                });
            }
            "neighbor" | "peer" => {
                let Some(addr) = head.get(1) else {
                    self.error(err(&brace, "'neighbor' needs an address"));
                    self.skip_block();
                    return;
                };
                if let Some(extra) = head.get(2) {
                    self.error(err(extra, "unexpected token after the neighbor address"));
                }
                let mut d = Draft::new(kw.span());
                match parse_prefix(addr) {
                    Ok(net) => d.peer = Some((net, addr.span())),
                    Err(e) => self.error(e),
                }
                self.neighbor_body(&kw, &mut d);
                if d.peer.is_some() {
                    self.neighbors.push(d);
                }
            }
            "vpn" => self.vpn_block(head, &kw),
            "group" => {
                self.error(err(
                    &kw,
                    "the 'group' block was removed in ExaBGP 4: use 'template { neighbor NAME { … } }' and 'inherit NAME;'",
                ));
                self.skip_block();
            }
            other => {
                self.error(err(
                    &kw,
                    format!("unknown block '{other}'{}", hint(Context::TopLevel, other)),
                ));
                self.skip_block();
            }
        }
    }

    /// `process NAME { run …; encoder …; respawn …; }`
    fn process(&mut self, head: &[Token<'a>], kw: &Token<'a>) {
        let name = match head.get(1).filter(|t| t.is_value()) {
            Some(t) => t.value().into_owned(),
            None => {
                self.error(err(kw, "'process' needs a name"));
                String::new()
            }
        };
        if let Some(extra) = head.get(2) {
            self.error(err(extra, "unexpected token after the process name"));
        }
        let mut proc = Process {
            name,
            run: Vec::new(),
            encoder: None,
            respawn: None,
            span: kw.span(),
        };
        self.each(kw, |p, stmt, sub| {
            let Some(k) = stmt.first() else {
                return false;
            };
            if sub.is_some() {
                p.error(err(k, format!("unexpected block '{}' in process", k.text)));
                return false;
            }
            let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
            let r = match k.text {
                "run" => {
                    let mut argv = Vec::new();
                    while let Some(t) = cur.next() {
                        if t.is_value() {
                            argv.push(t.value().into_owned());
                        } else {
                            p.error(err(&t, "unexpected token in 'run'"));
                        }
                    }
                    if argv.is_empty() {
                        Err(err(k, "'run' needs a program"))
                    } else {
                        proc.run = argv;
                        Ok(())
                    }
                }
                "encoder" => cur.value(k, "text or json").and_then(|v| {
                    proc.encoder = match v.text {
                        "text" => Some(Encoder::Text),
                        "json" => Some(Encoder::Json),
                        _ => return Err(err(&v, "encoder must be text or json")),
                    };
                    Ok(())
                }),
                "respawn" => bool_value(&mut cur, k).map(|b| proc.respawn = Some(b)),
                other => Err(err(
                    k,
                    format!(
                        "unknown process setting '{other}'{}",
                        hint(Context::Process, other)
                    ),
                )),
            };
            if let Err(e) = r.and_then(|()| end_of(&cur)) {
                p.error(e);
            }
            true
        });
        if proc.run.is_empty() {
            self.error(err(kw, format!("process '{}' has no 'run'", proc.name)));
        }
        if self.processes.iter().any(|q| q.name == proc.name) {
            self.error(err(kw, format!("process '{}' is defined twice", proc.name)));
        } else if !proc.name.is_empty() {
            self.processes.push(proc);
        }
    }
}

/// An optional boolean after a keyword: bare means true.
pub(crate) fn bool_value(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<bool, ConfigError> {
    match cur.next() {
        None => Ok(true),
        Some(t) => parse_bool(t.text)
            .ok_or_else(|| err(&t, format!("'{}' takes true|false|enable|disable", kw.text))),
    }
}

/// Error if tokens are left in the statement.
pub(crate) fn end_of(cur: &Cursor<'_, '_>) -> Result<(), ConfigError> {
    match (cur.peek(), cur.previous()) {
        // A statement that runs on past the end of its line has most likely lost its ';'.
        (Some(t), Some(p)) if t.line > p.line => Err(err(
            t,
            format!(
                "missing ';' after '{}' at the end of line {} (or unexpected '{}')",
                p.text, p.line, t.text
            ),
        )),
        (Some(t), _) => Err(err(t, format!("unexpected '{}'", t.text))),
        (None, _) => Ok(()),
    }
}

/// An address value.
pub(crate) fn ip_value(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<IpAddr, ConfigError> {
    let v = cur.value(kw, "an IP address")?;
    crate::values::parse_ip(v.text).ok_or_else(|| err(&v, "invalid IP address"))
}
