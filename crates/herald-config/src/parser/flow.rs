//! `flow { route … }` in a neighbor or template, `announce { ipv4 { flow … } }`, and the flow
//! text commands (`announce flow …`, `announce ipv4 flow …`).

use herald_wire::{Afi, Safi};

use super::{end_of, End, Parser};
use crate::error::{ConfigError, Result};
use crate::lexer::Token;
use crate::route::flow::{FlowDraft, FlowRule, Section};
use crate::route::{err, Cursor};

/// The one-line form after its first words (`route`, or `ipv4 flow`): `kw` is the word the
/// rule's errors point at; `afi` is fixed by `ipv4 flow …`, and `vpn` (flow-vpn) then asks for
/// a route distinguisher.
pub(crate) fn flow_line(
    kw: &Token<'_>,
    rest: &[Token<'_>],
    afi: Option<Afi>,
    vpn: bool,
) -> Result<FlowRule> {
    let mut d = afi.map(FlowDraft::with_afi).unwrap_or_default();
    let mut cur = Cursor::new(rest);
    d.line(&mut cur)?;
    if vpn && !d.has_rd() {
        return Err(err(
            kw,
            "a flow-vpn rule needs a route distinguisher: add 'rd ASN:NN'",
        ));
    }
    d.finish(kw)
}

impl<'a> Parser<'a> {
    /// The `flow { }` block (its `{` already read): `route NAME { … }` blocks and one-line
    /// `route <match and action keywords>;` statements.
    pub(crate) fn flow_body(&mut self, head: &Token<'a>, flows: &mut Vec<FlowRule>) {
        self.each(head, |p, stmt, sub| {
            let Some(kw) = stmt.first().copied() else {
                return false;
            };
            if kw.text != "route" {
                p.error(err(
                    &kw,
                    format!("expected 'route' in the flow block, found '{}'", kw.text),
                ));
                return false;
            }
            if sub.is_some() {
                if let Some(r) = p.flow_route_block(&kw, stmt.get(1..).unwrap_or_default()) {
                    flows.push(r);
                }
                return true;
            }
            match flow_line(&kw, stmt.get(1..).unwrap_or_default(), None, false) {
                Ok(r) => flows.push(r),
                Err(e) => p.error(e),
            }
            true
        });
    }

    /// `route [NAME] { rd …; next-hop …; match { } scope { } then { } }`, its `{` read and
    /// `head` the tokens after `route`: the rule, or `None` once its errors are reported.
    pub(crate) fn flow_route_block(
        &mut self,
        kw: &Token<'a>,
        head: &[Token<'a>],
    ) -> Option<FlowRule> {
        let mut d = FlowDraft::default();
        let mut failed = false;
        match head {
            [] => {}
            [name, rest @ ..] => {
                if name.is_value() {
                    d.name = Some(name.value().into_owned());
                } else {
                    self.error(err(name, "expected the flow route's name or '{'"));
                    failed = true;
                }
                if let Some(extra) = rest.first() {
                    self.error(err(extra, "unexpected token after the flow route's name"));
                    failed = true;
                }
            }
        }
        self.each(kw, |p, stmt, sub| {
            let Some(k) = stmt.first().copied() else {
                return false;
            };
            let mut report = |p: &mut Self, e: ConfigError| {
                p.error(e);
                failed = true;
            };
            if sub.is_none() {
                let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
                if let Err(e) = d
                    .key(Section::Route, &k, &mut cur)
                    .and_then(|()| end_of(&cur))
                {
                    report(p, e);
                }
                return true;
            }
            let section = match k.text {
                "match" => Section::Match,
                "then" => Section::Then,
                "scope" => Section::Scope,
                other => {
                    report(
                        p,
                        err(
                            &k,
                            format!(
                                "unknown block '{other}' in a flow route (expected match, scope \
                                 or then)"
                            ),
                        ),
                    );
                    return false;
                }
            };
            if let Some(t) = stmt.get(1) {
                report(p, err(t, format!("'{}' takes no name", k.text)));
            }
            p.each(&k, |p, stmt, sub| {
                let Some(key) = stmt.first().copied() else {
                    return false;
                };
                if sub.is_some() {
                    report(p, err(&key, format!("unexpected block in '{}'", k.text)));
                    return false;
                }
                let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
                if let Err(e) = d.key(section, &key, &mut cur).and_then(|()| end_of(&cur)) {
                    report(p, e);
                }
                true
            });
            true
        });
        if failed {
            return None;
        }
        match d.finish(kw) {
            Ok(r) => Some(r),
            Err(e) => {
                self.error(e);
                None
            }
        }
    }

    /// `announce { ipv4 { flow … } }` and `flow-vpn …`: one one-line rule.
    pub(crate) fn announce_flow(
        &mut self,
        s: &Token<'a>,
        afi: Afi,
        safi: Safi,
        stmt: &[Token<'a>],
        block: bool,
        flows: &mut Vec<FlowRule>,
    ) {
        if block {
            self.error(err(
                s,
                "a flow rule in 'announce' is written on one line: use flow { route NAME { … } } \
                 for the block form",
            ));
            self.skip_block();
            return;
        }
        match flow_line(s, stmt, Some(afi), safi == Safi::FLOW_VPN) {
            Ok(r) => flows.push(r),
            Err(e) => self.error(e),
        }
    }

    /// A whole flow text command: `route { … }`, `route NAME { … }` or `route <keywords>`
    /// (what follows `announce flow` / `withdraw flow`), or, with `family`, `ipv4 flow
    /// <keywords>` (what follows `announce` / `withdraw`). Errors are collected in `errors`;
    /// warnings (an unclosed block) become errors.
    pub(crate) fn flow_command(&mut self, family: bool) -> Option<FlowRule> {
        let mut buf = Vec::new();
        let end = self.statement(&mut buf);
        let rule = match (buf.first().copied(), end) {
            (None, End::Open(t) | End::Close(t)) => {
                self.error(err(&t, "expected 'route'"));
                None
            }
            (None, _) => {
                let at = crate::error::Span { line: 1, col: 1 };
                let what = if family {
                    "expected 'ipv4 flow' or 'ipv6 flow'"
                } else {
                    "expected 'route'"
                };
                self.error(ConfigError::at(at, "", what));
                None
            }
            (Some(_), End::Close(t)) => {
                self.error(err(&t, "unexpected '}'"));
                None
            }
            (Some(kw), end) if family => {
                if let End::Open(brace) = end {
                    self.error(err(&brace, "'announce <afi> flow' takes the one-line form"));
                    return None;
                }
                self.family_flow(&kw, &buf)
            }
            (Some(kw), End::Open(_)) => {
                if kw.text != "route" {
                    self.error(err(&kw, "expected 'route'"));
                    return None;
                }
                self.flow_route_block(&kw, buf.get(1..).unwrap_or_default())
            }
            (Some(kw), _) => {
                if kw.text != "route" {
                    self.error(err(&kw, "expected 'route'"));
                    return None;
                }
                match flow_line(&kw, buf.get(1..).unwrap_or_default(), None, false) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        self.error(e);
                        None
                    }
                }
            }
        };
        // Nothing may follow the rule but a ';'.
        let mut rest = Vec::new();
        loop {
            let end = self.statement(&mut rest);
            if let Some(t) = rest.first() {
                self.error(err(
                    t,
                    format!("unexpected '{}' after the flow rule", t.text),
                ));
                break;
            }
            match end {
                End::Eof => break,
                End::Semi => {}
                End::Open(t) | End::Close(t) => {
                    self.error(err(&t, format!("unexpected '{}'", t.text)));
                    break;
                }
            }
        }
        let warnings = std::mem::take(&mut self.warnings);
        for w in warnings {
            self.error(w);
        }
        rule.filter(|_| self.errors.is_empty())
    }

    /// `ipv4 flow <keywords>` / `ipv6 flow-vpn rd … <keywords>`.
    fn family_flow(&mut self, kw: &Token<'a>, stmt: &[Token<'a>]) -> Option<FlowRule> {
        let afi = match kw.text {
            "ipv4" => Afi::IPV4,
            "ipv6" => Afi::IPV6,
            _ => {
                self.error(err(kw, "expected 'ipv4 flow' or 'ipv6 flow'"));
                return None;
            }
        };
        let Some(s) = stmt.get(1) else {
            self.error(err(kw, format!("expected 'flow' after '{}'", kw.text)));
            return None;
        };
        let safi = match s.text {
            "flow" => Safi::FLOW,
            "flow-vpn" => Safi::FLOW_VPN,
            _ => {
                self.error(err(s, "expected 'flow' or 'flow-vpn'"));
                return None;
            }
        };
        let r = flow_line(
            s,
            stmt.get(2..).unwrap_or_default(),
            Some(afi),
            safi == Safi::FLOW_VPN,
        );
        r.map_err(|e| self.error(e)).ok()
    }
}
