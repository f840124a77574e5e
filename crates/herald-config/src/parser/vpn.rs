//! herald's own `vpn { … }` block: the VPN PE role (BaGPipe's REST API, E-VPN and IP VPN
//! instances, their dataplane). Not ExaBGP syntax; one block per file.
//!
//! ```text
//! vpn {
//!     local-address 10.0.0.1;      # required: next hop of our VPN routes, VXLAN source
//!     rest 127.0.0.1:8082;         # BaGPipe's REST API and looking glass
//!     evpn-dataplane linux;        # linux | record
//!     ipvpn-dataplane record;      # record (the Linux MPLS/VRF driver is not implemented)
//!     vxlan-port 4789;
//!     label-range 16 1048575;
//!     vni-range 1 16777215;
//!     rd-range 1 65535;
//!     rtc true;
//! }
//! ```

use std::net::{Ipv4Addr, SocketAddr};

use super::{bool_value, end_of, Parser};
use crate::error::{ConfigError, Span};
use crate::keywords::{hint, Context};
use crate::lexer::Token;
use crate::model::{Vpn, VpnDataplane};
use crate::route::{err, unsupported, Cursor};
use crate::values::parse_u32;

type Result<T> = std::result::Result<T, ConfigError>;

/// BaGPipe's REST API address.
pub(crate) const DEFAULT_REST: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8082);

/// Every setting but `local-address`, at its default.
fn defaults(local_address: Ipv4Addr, span: Span) -> Vpn {
    Vpn {
        local_address,
        rest: DEFAULT_REST,
        evpn_dataplane: VpnDataplane::Linux,
        ipvpn_dataplane: VpnDataplane::Record,
        vxlan_port: 4789,
        label_range: (16, 0xF_FFFF),
        vni_range: (1, 0xFF_FFFF),
        rd_range: (1, u16::MAX),
        rtc: true,
        span,
    }
}

impl<'a> Parser<'a> {
    /// `vpn { … }` (its `{` read).
    pub(crate) fn vpn_block(&mut self, head: &[Token<'a>], kw: &Token<'a>) {
        if let Some(extra) = head.get(1) {
            self.error(err(
                extra,
                "'vpn' takes no name: vpn { local-address …; … }",
            ));
        }
        if self.vpn.is_some() {
            self.error(err(kw, "the 'vpn' block is written twice"));
        }
        let mut v = defaults(Ipv4Addr::UNSPECIFIED, kw.span());
        let mut local = false;
        self.each(kw, |p, stmt, sub| {
            let Some(k) = stmt.first() else {
                return false;
            };
            if sub.is_some() {
                p.error(err(k, format!("unexpected block '{}' in vpn", k.text)));
                return false;
            }
            let mut cur = Cursor::new(stmt.get(1..).unwrap_or_default());
            let r = match k.text {
                "local-address" => cur.value(k, "an IPv4 address").and_then(|t| {
                    // Given (a bad value is its own error).
                    local = true;
                    v.local_address = t.text.parse::<Ipv4Addr>().map_err(|_| {
                        err(
                            &t,
                            "vpn local-address must be an IPv4 address (it names our route distinguishers <address>:n)",
                        )
                    })?;
                    if v.local_address.is_unspecified() || v.local_address.is_multicast() {
                        return Err(err(&t, "vpn local-address must be a unicast address"));
                    }
                    Ok(())
                }),
                "rest" => rest(&mut cur, k).map(|a| v.rest = a),
                "evpn-dataplane" => dataplane(&mut cur, k, false).map(|d| v.evpn_dataplane = d),
                "ipvpn-dataplane" => dataplane(&mut cur, k, true).map(|d| v.ipvpn_dataplane = d),
                "vxlan-port" => number(&mut cur, k, 1, u32::from(u16::MAX), "a UDP port")
                    .map(|n| v.vxlan_port = u16::try_from(n).unwrap_or(4789)),
                "label-range" => {
                    range(&mut cur, k, 16, 0xF_FFFF, "MPLS labels").map(|r| v.label_range = r)
                }
                "vni-range" => range(&mut cur, k, 1, 0xFF_FFFF, "VNIs").map(|r| v.vni_range = r),
                "rd-range" => range(&mut cur, k, 0, u32::from(u16::MAX), "route distinguisher numbers")
                    .map(|(a, b)| {
                        v.rd_range = (
                            u16::try_from(a).unwrap_or(0),
                            u16::try_from(b).unwrap_or(u16::MAX),
                        )
                    }),
                "rtc" => bool_value(&mut cur, k).map(|b| v.rtc = b),
                other => Err(err(
                    k,
                    format!("unknown vpn setting '{other}'{}", hint(Context::Vpn, other)),
                )),
            };
            if let Err(e) = r.and_then(|()| end_of(&cur)) {
                p.error(e);
            }
            true
        });
        if !local {
            self.error(err(
                kw,
                "the vpn block needs 'local-address' (the dataplane address of this PE)",
            ));
        }
        if self.vpn.is_none() {
            self.vpn = Some(v);
        }
    }
}

/// `ADDRESS:PORT` (IPv4), or `ADDRESS PORT` (either family: `::1 8082`).
fn rest(cur: &mut Cursor<'_, '_>, kw: &Token<'_>) -> Result<SocketAddr> {
    let t = cur.value(kw, "ADDRESS:PORT")?;
    let bad = |t: &Token<'_>| {
        err(
            t,
            "rest takes ADDRESS:PORT or ADDRESS PORT (127.0.0.1:8082, ::1 8082)",
        )
    };
    let a = match cur.peek().copied() {
        Some(p) if p.line == t.line && p.is_value() => {
            cur.next();
            let ip = crate::values::parse_ip(t.text).ok_or_else(|| bad(&t))?;
            let port = parse_u32(p.text)
                .and_then(|n| u16::try_from(n).ok())
                .ok_or_else(|| err(&p, "rest: the port must be 1-65535"))?;
            SocketAddr::new(ip, port)
        }
        _ => t.text.parse::<SocketAddr>().map_err(|_| bad(&t))?,
    };
    if a.port() == 0 {
        return Err(err(&t, "rest: the port must be 1-65535"));
    }
    Ok(a)
}

/// `linux` or `record` after `evpn-dataplane` / `ipvpn-dataplane`.
fn dataplane(cur: &mut Cursor<'_, '_>, kw: &Token<'_>, ipvpn: bool) -> Result<VpnDataplane> {
    let v = cur.value(kw, "linux or record")?;
    match v.text {
        "record" => Ok(VpnDataplane::Record),
        "linux" if !ipvpn => Ok(VpnDataplane::Linux),
        "linux" => Err(unsupported(
            &v,
            "ipvpn-dataplane linux",
            "the Linux MPLS/VRF driver is designed in docs/vpn.md but not implemented; use record",
        )),
        _ if ipvpn => Err(err(&v, "ipvpn-dataplane takes record")),
        _ => Err(err(&v, "evpn-dataplane takes linux or record")),
    }
}

/// A number in `min..=max`.
fn number(cur: &mut Cursor<'_, '_>, kw: &Token<'_>, min: u32, max: u32, what: &str) -> Result<u32> {
    let v = cur.value(kw, what)?;
    parse_u32(v.text)
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| err(&v, format!("{} takes {what}, {min}-{max}", kw.text)))
}

/// `FIRST LAST` within `min..=max`, FIRST ≤ LAST.
fn range(
    cur: &mut Cursor<'_, '_>,
    kw: &Token<'_>,
    min: u32,
    max: u32,
    what: &str,
) -> Result<(u32, u32)> {
    let first = number(cur, kw, min, max, what)?;
    let last_tok = cur.value(kw, "the last of the range")?;
    let last = parse_u32(last_tok.text)
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| err(&last_tok, format!("{} takes {what}, {min}-{max}", kw.text)))?;
    if last < first {
        return Err(err(
            &last_tok,
            format!("{}: {last} is below {first}", kw.text),
        ));
    }
    Ok((first, last))
}
