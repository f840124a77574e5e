//! MUP routes (draft-mpmz-bess-mup-safi, SAFI 85) in ExaBGP 5.0.15's words, written in an
//! `announce { ipv4|ipv6 { mup … } }` block or sent as `announce ipv4|ipv6 mup …` by a
//! program:
//!
//! ```text
//! mup mup-isd  PREFIX  rd RD <attributes>;
//! mup mup-dsd  ADDRESS rd RD <attributes>;
//! mup mup-t1st PREFIX  rd RD teid N qfi N endpoint ADDRESS [source ADDRESS] <attributes>;
//! mup mup-t2st ADDRESS rd RD teid N/BITS <attributes>;
//! ```
//! Addresses and prefixes are of the block's family (the AFI); `rd` as for VPN routes;
//! Type 1 `teid` 0-4294967295 and `qfi` 0-255; Type 2 `teid N/BITS` with BITS 0-32 and N below
//! 2^BITS (the endpoint length is the address's bits plus BITS). The attributes are those of any
//! route (`next-hop`, `extended-community [ target:… mup:… ]`, `bgp-prefix-sid-srv6 ( … )`, …);
//! a label is refused (ExaBGP takes none either).

use std::net::IpAddr;

use herald_wire::nlri::{LabelStack, MupRoute, RouteDistinguisher};
use herald_wire::Afi;
use ipnet::IpNet;

use super::{err, parse_prefix, Cursor};
use crate::error::Result;
use crate::lexer::Token;
use crate::values::{parse_ip, parse_u32};

/// The route types, by their word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Isd,
    Dsd,
    Type1St,
    Type2St,
}

impl Kind {
    /// The route type named `word`.
    pub fn from_word(word: &str) -> Option<Kind> {
        Some(match word {
            "mup-isd" => Kind::Isd,
            "mup-dsd" => Kind::Dsd,
            "mup-t1st" => Kind::Type1St,
            "mup-t2st" => Kind::Type2St,
            _ => return None,
        })
    }

    fn word(self) -> &'static str {
        match self {
            Kind::Isd => "mup-isd",
            Kind::Dsd => "mup-dsd",
            Kind::Type1St => "mup-t1st",
            Kind::Type2St => "mup-t2st",
        }
    }
}

/// The words of MUP fields after the route's address (other than `rd`, a route attribute).
pub(crate) fn is_field(word: &str) -> bool {
    matches!(word, "teid" | "qfi" | "endpoint" | "source")
}

/// A MUP route as it is being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MupDraft {
    kind: Kind,
    afi: Afi,
    /// The prefix (ISD, Type 1) or address (DSD, Type 2) after the route type.
    net: IpNet,
    teid: Option<(u32, u8)>,
    qfi: Option<u8>,
    endpoint: Option<IpAddr>,
    source: Option<IpAddr>,
}

fn set_once<T>(slot: &mut Option<T>, v: T, kw: &Token<'_>) -> Result<()> {
    if slot.is_some() {
        return Err(err(kw, format!("'{}' given twice", kw.text)));
    }
    *slot = Some(v);
    Ok(())
}

impl MupDraft {
    /// A route of type `kind` of `afi`; `t` is its prefix or address.
    pub fn new(kind: Kind, afi: Afi, t: &Token<'_>) -> Result<MupDraft> {
        let net = match kind {
            Kind::Isd | Kind::Type1St => parse_prefix(t)?,
            Kind::Dsd | Kind::Type2St => {
                let a = parse_ip(t.text).ok_or_else(|| err(t, "expected an IP address"))?;
                IpNet::from(a)
            }
        };
        if net.addr().is_ipv4() != (afi == Afi::IPV4) {
            return Err(err(t, format!("this address is not {afi}")));
        }
        Ok(MupDraft {
            kind,
            afi,
            net,
            teid: None,
            qfi: None,
            endpoint: None,
            source: None,
        })
    }

    fn address(&self, t: &Token<'_>) -> Result<IpAddr> {
        match parse_ip(t.text) {
            Some(a) if a.is_ipv4() == (self.afi == Afi::IPV4) => Ok(a),
            Some(_) => Err(err(t, format!("this address is not {}", self.afi))),
            None => Err(err(t, "expected an IP address")),
        }
    }

    /// Read the value of the field `kw` (a word [`is_field`] accepts).
    pub fn field(&mut self, kw: &Token<'_>, cur: &mut Cursor<'_, '_>) -> Result<()> {
        let takes = match self.kind {
            Kind::Type1St => true,
            Kind::Type2St => kw.text == "teid",
            Kind::Isd | Kind::Dsd => false,
        };
        if !takes {
            return Err(err(
                kw,
                format!("a {} route has no '{}'", self.kind.word(), kw.text),
            ));
        }
        match kw.text {
            "teid" if self.kind == Kind::Type2St => {
                let v = cur.value(kw, "a TEID and its length (N/BITS)")?;
                let bad = || {
                    err(
                        &v,
                        "a Type 2 TEID is N/BITS, BITS 0 to 32 and N below 2^BITS",
                    )
                };
                let (n, b) = v.text.split_once('/').ok_or_else(bad)?;
                let bits = parse_u32(b).filter(|b| *b <= 32).ok_or_else(bad)?;
                let teid = parse_u32(n)
                    .filter(|n| u64::from(*n) < 1u64 << bits)
                    .ok_or_else(bad)?;
                set_once(&mut self.teid, (teid, bits as u8), kw)
            }
            "teid" => {
                let v = cur.value(kw, "a TEID")?;
                let teid = parse_u32(v.text)
                    .ok_or_else(|| err(&v, "a TEID is a number from 0 to 4294967295"))?;
                set_once(&mut self.teid, (teid, 32), kw)
            }
            "qfi" => {
                let v = cur.value(kw, "a QFI")?;
                let q = parse_u32(v.text)
                    .and_then(|q| u8::try_from(q).ok())
                    .ok_or_else(|| err(&v, "a QFI is a number from 0 to 255"))?;
                set_once(&mut self.qfi, q, kw)
            }
            "endpoint" => {
                let v = cur.value(kw, "an endpoint address")?;
                let a = self.address(&v)?;
                set_once(&mut self.endpoint, a, kw)
            }
            "source" => {
                let v = cur.value(kw, "a source address")?;
                let a = self.address(&v)?;
                set_once(&mut self.source, a, kw)
            }
            _ => Err(err(kw, format!("unknown MUP field '{}'", kw.text))),
        }
    }

    /// The route, from the fields read and the `rd` the route attributes read; `kw` (the
    /// route type word) places the errors.
    pub fn build(
        &self,
        kw: &Token<'_>,
        rd: Option<RouteDistinguisher>,
        labels: Option<&LabelStack>,
    ) -> Result<MupRoute> {
        let what = self.kind.word();
        let need = |field: &str| err(kw, format!("a {what} route needs '{field}'"));
        if labels.is_some() {
            return Err(err(kw, "a MUP route has no label"));
        }
        let rd = rd.ok_or_else(|| need("rd"))?;
        Ok(match self.kind {
            Kind::Isd => MupRoute::Isd {
                rd,
                prefix: self.net,
            },
            Kind::Dsd => MupRoute::Dsd {
                rd,
                address: self.net.addr(),
            },
            Kind::Type1St => MupRoute::Type1St {
                rd,
                prefix: self.net,
                teid: self.teid.ok_or_else(|| need("teid"))?.0,
                qfi: self.qfi.ok_or_else(|| need("qfi"))?,
                endpoint: self.endpoint.ok_or_else(|| need("endpoint"))?,
                source: self.source,
            },
            Kind::Type2St => {
                let (teid, teid_bits) = self.teid.ok_or_else(|| need("teid"))?;
                MupRoute::Type2St {
                    rd,
                    endpoint: self.net.addr(),
                    teid_bits,
                    teid,
                }
            }
        })
    }
}
