//! MCAST-VPN routes (AFI 1/2, SAFI 5; RFC 6514) written as ExaBGP 5.0.15 writes them, in an
//! `announce { ipv4 { … } }` or `announce { ipv6 { … } }` block or the API's `announce ipv4
//! mcast-vpn …`:
//!
//! ```text
//! mcast-vpn source-ad   source IP group IP rd RD <attributes>;
//! mcast-vpn shared-join rp IP group IP rd RD source-as ASN <attributes>;
//! mcast-vpn source-join source IP group IP rd RD source-as ASN <attributes>;
//! ```
//! The three route types ExaBGP configures: Source Active A-D (type 5), C-multicast Shared Tree
//! Join (type 6, the C-RP in its Multicast Source field) and Source Tree Join (type 7). The
//! addresses are of the block's family (IPv4 in `ipv4`, IPv6 in `ipv6`); `rd` as for VPN routes;
//! `source-as` a decimal number 0-4294967295. ExaBGP reads the fields in this order; herald
//! takes them in any order, each once, mixed with the route attributes.

use std::net::IpAddr;

use herald_wire::nlri::{EncodedNlri, MvpnRoute, RouteDistinguisher};
use herald_wire::{Afi, Family, Safi};

use super::{err, Cursor, Interner, RouteDraft, RouteRec};
use crate::error::Result;
use crate::lexer::Token;
use crate::model::NextHopSpec;
use crate::values::parse_ip;

/// The route types, by the word after `mcast-vpn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    SourceAd,
    SharedJoin,
    SourceJoin,
}

impl Kind {
    /// The route type named `word`.
    pub fn from_word(word: &str) -> Option<Kind> {
        Some(match word {
            "source-ad" => Kind::SourceAd,
            "shared-join" => Kind::SharedJoin,
            "source-join" => Kind::SourceJoin,
            _ => return None,
        })
    }

    fn word(self) -> &'static str {
        match self {
            Kind::SourceAd => "source-ad",
            Kind::SharedJoin => "shared-join",
            Kind::SourceJoin => "source-join",
        }
    }

    /// The fields this route type takes (besides `group`, which all take, and `rd`, read with
    /// the route attributes).
    fn takes(self, field: &str) -> bool {
        match self {
            Kind::SourceAd => matches!(field, "source"),
            Kind::SharedJoin => matches!(field, "rp" | "source-as"),
            Kind::SourceJoin => matches!(field, "source" | "source-as"),
        }
    }
}

/// The words of MCAST-VPN fields (other than `rd`, which the route attributes read).
pub(crate) fn is_field(word: &str) -> bool {
    matches!(word, "rp" | "source" | "group" | "source-as")
}

/// An MCAST-VPN route as it is being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MvpnDraft {
    kind: Kind,
    afi: Afi,
    source: Option<IpAddr>,
    group: Option<IpAddr>,
    source_as: Option<u32>,
}

impl MvpnDraft {
    /// A route of type `kind` of `afi` with no field given yet.
    pub fn new(kind: Kind, afi: Afi) -> MvpnDraft {
        MvpnDraft {
            kind,
            afi,
            source: None,
            group: None,
            source_as: None,
        }
    }

    /// Read the value of the field `kw` (a word [`is_field`] accepts).
    pub fn field(&mut self, kw: &Token<'_>, cur: &mut Cursor<'_, '_>) -> Result<()> {
        if kw.text != "group" && !self.kind.takes(kw.text) {
            return Err(err(
                kw,
                format!(
                    "an MCAST-VPN {} route has no '{}'",
                    self.kind.word(),
                    kw.text
                ),
            ));
        }
        let (slot, v) = match kw.text {
            "rp" | "source" | "group" => {
                let v = cur.value(kw, &format!("an {} address", self.afi))?;
                let a = parse_ip(v.text)
                    .filter(|a| a.is_ipv4() == (self.afi == Afi::IPV4))
                    .ok_or_else(|| err(&v, format!("expected an {} address", self.afi)))?;
                let slot = if kw.text == "group" {
                    &mut self.group
                } else {
                    &mut self.source
                };
                if slot.is_some() {
                    return Err(err(kw, format!("'{}' given twice", kw.text)));
                }
                *slot = Some(a);
                return Ok(());
            }
            "source-as" => (&mut self.source_as, cur.value(kw, "an AS number")?),
            _ => return Err(err(kw, format!("unknown MCAST-VPN field '{}'", kw.text))),
        };
        // ExaBGP takes decimal digits only, up to 4294967295.
        let n = Some(v.text)
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse::<u32>().ok())
            .ok_or_else(|| err(&v, "source-as is a number from 0 to 4294967295"))?;
        if slot.is_some() {
            return Err(err(kw, format!("'{}' given twice", kw.text)));
        }
        *slot = Some(n);
        Ok(())
    }

    /// The route, from the fields read and the `rd` the route attributes read; `kw` (the route
    /// type word) places the errors.
    pub fn build(&self, kw: &Token<'_>, rd: Option<RouteDistinguisher>) -> Result<MvpnRoute> {
        let what = self.kind.word();
        let need = |field: &str| err(kw, format!("an MCAST-VPN {what} route needs '{field}'"));
        let source_word = if self.kind == Kind::SharedJoin {
            "rp"
        } else {
            "source"
        };
        let source = self.source.ok_or_else(|| need(source_word))?;
        let group = self.group.ok_or_else(|| need("group"))?;
        let rd = rd.ok_or_else(|| need("rd"))?;
        Ok(match self.kind {
            Kind::SourceAd => MvpnRoute::SourceActiveAd { rd, source, group },
            Kind::SharedJoin => MvpnRoute::SharedTreeJoin {
                rd,
                source_as: self.source_as.ok_or_else(|| need("source-as"))?,
                rp: source,
                group,
            },
            Kind::SourceJoin => MvpnRoute::SourceTreeJoin {
                rd,
                source_as: self.source_as.ok_or_else(|| need("source-as"))?,
                source,
                group,
            },
        })
    }
}

/// One MCAST-VPN route of `afi`, the words after `mcast-vpn` (`kw`): `source-join source
/// 10.0.0.1 group 239.1.1.1 rd 65000:1 source-as 65000 next-hop 192.0.2.1 …`.
pub(crate) fn mvpn_route(
    cur: &mut Cursor<'_, '_>,
    kw: &Token<'_>,
    afi: Afi,
    require_next_hop: bool,
    int: &mut Interner,
    out: &mut Vec<RouteRec>,
) -> Result<()> {
    const TYPES: &str = "source-ad, shared-join or source-join";
    let t = cur.value(kw, &format!("an MCAST-VPN route type ({TYPES})"))?;
    let kind = Kind::from_word(t.text).ok_or_else(|| {
        err(
            &t,
            format!("unknown MCAST-VPN route type (expected {TYPES})"),
        )
    })?;
    let mut draft = RouteDraft {
        mvpn: Some(MvpnDraft::new(kind, afi)),
        ..RouteDraft::default()
    };
    draft.apply(cur, false)?;
    let route = match &draft.mvpn {
        Some(m) => m.build(&t, draft.mpls.rd)?,
        None => return Err(err(&t, "not an MCAST-VPN route")),
    };
    if draft.mpls.labels.is_some() {
        return Err(err(kw, "an MCAST-VPN route has no label"));
    }
    if require_next_hop && draft.next_hop == NextHopSpec::None {
        return Err(err(kw, "route has no next-hop"));
    }
    let mut octets = Vec::with_capacity(route.value_len() + 2);
    route.encode(&mut octets);
    let nlri = EncodedNlri::new(draft.path_id, &octets);
    draft.build_encoded(Family::new(afi, Safi::MCAST_VPN), nlri, kw.span(), int, out)
}
