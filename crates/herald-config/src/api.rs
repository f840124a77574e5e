//! Route specifications and flow rules from the text API, outside any configuration file.

use std::path::PathBuf;

use crate::error::{ConfigError, Result, Span};
use crate::lexer::{Kind, Lexer, Token};
use crate::model::Route;
use crate::parser::{attributes_nlri, evpn_route, mup_route};
use crate::route::{err, parse_prefix, static_family, Cursor, Interner, RouteDraft};

/// The file name API errors carry.
const COMMAND: &str = "<command>";

fn tokens(line: &str) -> Result<Vec<Token<'_>>> {
    let mut lex = Lexer::new(line);
    let mut v = Vec::new();
    loop {
        let t = lex.next_token();
        match t.kind {
            Kind::Eof => return Ok(v),
            // A trailing `;` is tolerated, as a configuration line would have one.
            Kind::Semi => {
                let rest = lex.next_token();
                if rest.kind != Kind::Eof {
                    return Err(err(&rest, "unexpected text after ';'"));
                }
                return Ok(v);
            }
            Kind::Unterminated => return Err(err(&t, "quoted string not closed")),
            _ => v.push(t),
        }
    }
}

fn in_command(mut e: ConfigError) -> ConfigError {
    e.file = PathBuf::from(COMMAND);
    e
}

/// Parse `10.0.0.0/24 next-hop 192.0.2.1 med 100 community [65000:1]` (the part after
/// `announce route` / `withdraw route`), with `split /N` expanded into several routes.
///
/// The next hop is optional here (withdrawals need none): it is [`crate::NextHopSpec::None`]
/// when absent.
pub fn parse_route_specs(line: &str) -> Result<Vec<Route>> {
    (|| {
        let toks = tokens(line)?;
        let mut cur = Cursor::new(&toks);
        let first = cur
            .next()
            .ok_or_else(|| ConfigError::at(Span { line: 1, col: 1 }, "", "expected a prefix"))?;
        let net = parse_prefix(&first)?;
        let mut draft = RouteDraft::default();
        draft.apply(&mut cur, false)?;
        let mut int = Interner::default();
        let mut out = Vec::new();
        draft.build(static_family(&net), net, first.span(), &mut int, &mut out)?;
        Ok(int.routes(&out))
    })()
    .map_err(in_command)
}

/// Parse one route (see [`parse_route_specs`]); `split` is refused here.
pub fn parse_route_spec(line: &str) -> Result<Route> {
    let mut v = parse_route_specs(line)?;
    if v.len() != 1 {
        let at = line.find("split").unwrap_or(0);
        return Err(in_command(ConfigError::at(
            Span {
                line: 1,
                col: at as u32 + 1,
            },
            "split",
            "split makes several routes: use parse_route_specs",
        )));
    }
    v.pop()
        .ok_or_else(|| in_command(ConfigError::at(Span::default(), "", "no route")))
}

/// Parse ExaBGP's `announce attributes … nlri …` form, the part after `announce attributes`:
/// `med 100 next-hop 1.2.3.4 nlri 1.0.0.0/24 1.0.1.0/24`. Every prefix gets the attributes.
pub fn parse_attributes_nlri(line: &str) -> Result<Vec<Route>> {
    (|| {
        let toks = tokens(line)?;
        let mut cur = Cursor::new(&toks);
        let kw = Token {
            kind: Kind::Word,
            text: "attributes",
            line: 1,
            col: 1,
        };
        let mut int = Interner::default();
        let mut out = Vec::new();
        attributes_nlri(&mut cur, &kw, static_family, false, &mut int, &mut out)?;
        Ok(int.routes(&out))
    })()
    .map_err(in_command)
}

/// The first error of a command parsed with the configuration parser, in `<command>`.
fn command_error(errors: Vec<ConfigError>) -> ConfigError {
    let first = errors
        .into_iter()
        .min_by_key(|e| (e.line, e.col))
        .unwrap_or_else(|| ConfigError::at(Span { line: 1, col: 1 }, "", "invalid flow rule"));
    in_command(first)
}

/// Parse a flow rule from the text API, the part after `announce flow` / `withdraw flow`:
/// the block form `route [NAME] { rd …; next-hop …; match { … } scope { … } then { … } }` or
/// the one-line form `route destination 10.0.0.1/32 source-port >1024 discard` (every
/// `match`, `then` and `scope` keyword, plus `rd` and `next-hop`, which ExaBGP only takes in
/// the block form). A withdrawal is matched on the family and NLRI; its actions are read and
/// checked all the same.
pub fn parse_flow_command(text: &str) -> Result<crate::FlowRule> {
    let mut p = crate::parser::Parser::new(text);
    match p.flow_command(false) {
        Some(r) if p.errors.is_empty() => Ok(r),
        _ => Err(command_error(p.errors)),
    }
}

/// Parse ExaBGP's `announce ipv4 flow …` form, the part after `announce` / `withdraw`:
/// `ipv4 flow destination 10.0.0.1/32 discard`, `ipv6 flow …`, or `ipv4 flow-vpn rd 65000:1
/// …` (the one-line keywords of [`parse_flow_command`]; the AFI is the one named, so the
/// prefixes must be of it).
pub fn parse_family_flow_command(text: &str) -> Result<crate::FlowRule> {
    let mut p = crate::parser::Parser::new(text);
    match p.flow_command(true) {
        Some(r) if p.errors.is_empty() => Ok(r),
        _ => Err(command_error(p.errors)),
    }
}

/// Parse an L2VPN route, the part after `announce l2vpn` / `withdraw l2vpn`: `evpn mac-ip rd
/// 65000:1 mac 00:11:22:33:44:55 label 100 next-hop 192.0.2.1 …`, in the grammar of the
/// configuration's `announce { l2vpn { evpn … } }` (docs/configuration.md). The next hop is
/// optional here, as for [`parse_route_specs`]. `vpls endpoint 5 base 10702 offset 1 size 8 rd
/// 192.168.201.1:123 next-hop …` (ExaBGP's words) is a VPLS route.
pub fn parse_l2vpn_route(line: &str) -> Result<Route> {
    (|| {
        let toks = tokens(line)?;
        let mut cur = Cursor::new(&toks);
        let first = cur.next().ok_or_else(|| {
            ConfigError::at(Span { line: 1, col: 1 }, "", "expected 'evpn' and a route")
        })?;
        let mut int = Interner::default();
        let mut out = Vec::new();
        match first.text {
            "evpn" => evpn_route(&mut cur, &first, false, &mut int, &mut out)?,
            "vpls" => crate::parser::vpls_route(&mut cur, &first, false, &mut int, &mut out)?,
            _ => return Err(err(&first, "expected 'evpn' or 'vpls' (an L2VPN route)")),
        }
        int.routes(&out)
            .pop()
            .ok_or_else(|| err(&first, "no route"))
    })()
    .map_err(in_command)
}

/// Parse an MCAST-VPN route of `afi`, the part after `announce ipv4 mcast-vpn` / `withdraw ipv6
/// mcast-vpn`: `shared-join rp 10.99.199.1 group 239.251.255.228 rd 65000:99999 source-as
/// 65000 next-hop 10.10.6.3 …`, ExaBGP's words as in the configuration's `announce { ipv4 {
/// mcast-vpn … } }` (docs/configuration.md). The next hop is optional here, as for
/// [`parse_route_specs`].
pub fn parse_mvpn_route(afi: herald_wire::Afi, line: &str) -> Result<Route> {
    (|| {
        let toks = tokens(line)?;
        let mut cur = Cursor::new(&toks);
        let at = Token {
            kind: Kind::Word,
            text: "mcast-vpn",
            line: 1,
            col: 1,
        };
        let mut int = Interner::default();
        let mut out = Vec::new();
        crate::route::mvpn::mvpn_route(&mut cur, &at, afi, false, &mut int, &mut out)?;
        int.routes(&out).pop().ok_or_else(|| err(&at, "no route"))
    })()
    .map_err(in_command)
}

/// Parse a MUP route of `afi`, the part after `announce ipv4|ipv6 mup` / `withdraw …`:
/// `mup-isd 10.0.1.0/24 rd 100:100 next-hop 2001::1 extended-community [ target:10:10 ]
/// bgp-prefix-sid-srv6 ( l3-service 2001:db8:1:1:: 0x48 [64,24,16,0,0,0] )`, in the grammar of
/// the configuration's `announce { ipv4 { mup … } }` (docs/configuration.md). The next hop is
/// optional here, as for [`parse_route_specs`].
pub fn parse_mup_route(afi: herald_wire::Afi, line: &str) -> Result<Route> {
    (|| {
        let toks = tokens(line)?;
        let mut cur = Cursor::new(&toks);
        let kw = Token {
            kind: Kind::Word,
            text: "mup",
            line: 1,
            col: 1,
        };
        let mut int = Interner::default();
        let mut out = Vec::new();
        mup_route(&mut cur, &kw, afi, false, &mut int, &mut out)?;
        int.routes(&out).pop().ok_or_else(|| err(&kw, "no route"))
    })()
    .map_err(in_command)
}

/// Parse a route target membership route (RFC 4684), the part after `announce ipv4 rtc` /
/// `withdraw ipv4 rtc`: `origin 65000 route-target target:65000:1 next-hop self …` or `default
/// …`, in the words of the configuration's `announce { ipv4 { rtc … } }` (herald's own syntax,
/// docs/configuration.md). The next hop is optional here, as for [`parse_route_specs`].
pub fn parse_rtc_route(line: &str) -> Result<Route> {
    (|| {
        let toks = tokens(line)?;
        let mut cur = Cursor::new(&toks);
        let kw = Token {
            kind: Kind::Word,
            text: "rtc",
            line: 1,
            col: 1,
        };
        let mut int = Interner::default();
        let mut out = Vec::new();
        crate::route::rtc::rtc_route(
            &mut cur,
            &kw,
            herald_wire::Afi::IPV4,
            false,
            &mut int,
            &mut out,
        )?;
        int.routes(&out).pop().ok_or_else(|| err(&kw, "no route"))
    })()
    .map_err(in_command)
}
