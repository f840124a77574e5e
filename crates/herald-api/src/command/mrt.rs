//! `announce mrt FILE …`: the routes of a TABLE_DUMP_V2 file (RFC 6396) into the Adj-RIB-Out.

use std::net::IpAddr;

use herald_config::NextHopSpec;

use super::words::{Word, Words};
use super::{at, err, Command, Result};

/// How an injected route's AS_PATH is rewritten.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum AsPathRewrite {
    /// As in the file.
    #[default]
    Keep,
    /// These ASes put in front of the file's path.
    Prepend(Vec<u32>),
    /// This path instead of the file's.
    Replace(Vec<u32>),
}

/// What `announce mrt` injects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MrtInject {
    /// The file (plain, gzip or bzip2).
    pub path: String,
    /// Only the paths of this peer of the dump (default: the first path of each prefix).
    pub peer: Option<IpAddr>,
    /// The next hop (default: the file's).
    pub next_hop: Option<NextHopSpec>,
    /// The AS_PATH.
    pub as_path: AsPathRewrite,
    /// At most this many routes.
    pub count: Option<usize>,
}

fn asn(t: &Word<'_>) -> Result<u32> {
    t.text
        .parse()
        .map_err(|_| at(t, format!("'{}' is not an AS number", t.text)))
}

/// `announce mrt FILE [peer IP] [next-hop self|IP] [prepend ASN…|as-path [ ASN … ]]
/// [count N]`, after `mrt`.
pub(super) fn inject(w: &mut Words<'_>) -> Result<Command> {
    let file = w
        .next()
        .ok_or_else(|| err(w.end_column(), "'announce mrt' needs a file name"))?;
    let mut m = MrtInject {
        path: file.text.to_string(),
        peer: None,
        next_hop: None,
        as_path: AsPathRewrite::Keep,
        count: None,
    };
    fn value<'a>(w: &mut Words<'a>, k: &Word<'_>) -> Result<Word<'a>> {
        w.next()
            .ok_or_else(|| err(w.end_column(), format!("'{}' needs a value", k.text)))
    }
    while let Some(k) = w.next() {
        match k.text {
            "peer" => {
                let v = value(w, &k)?;
                m.peer = Some(
                    v.text
                        .parse()
                        .map_err(|_| at(&v, format!("'{}' is not an IP address", v.text)))?,
                );
            }
            "next-hop" => {
                let v = value(w, &k)?;
                m.next_hop = Some(match v.text {
                    "self" => NextHopSpec::SelfAddr,
                    t => NextHopSpec::Ip(
                        t.parse()
                            .map_err(|_| at(&v, format!("'{t}' is not an IP address or 'self'")))?,
                    ),
                });
            }
            "prepend" => {
                let mut v = vec![asn(&value(w, &k)?)?];
                while w.peek().is_some_and(|t| t.text.parse::<u32>().is_ok()) {
                    if let Some(t) = w.next() {
                        v.push(asn(&t)?);
                    }
                }
                m.as_path = AsPathRewrite::Prepend(v);
            }
            "as-path" => {
                let open = value(w, &k)?;
                if open.text != "[" {
                    return Err(at(&open, "'as-path' takes [ ASN … ]"));
                }
                let mut v = Vec::new();
                loop {
                    let t = w
                        .next()
                        .ok_or_else(|| err(w.end_column(), "'as-path [' is not closed"))?;
                    if t.text == "]" {
                        break;
                    }
                    v.push(asn(&t)?);
                }
                m.as_path = AsPathRewrite::Replace(v);
            }
            "count" => {
                let v = value(w, &k)?;
                m.count = Some(
                    v.text
                        .parse()
                        .map_err(|_| at(&v, format!("'{}' is not a number of routes", v.text)))?,
                );
            }
            other => {
                return Err(at(
                    &k,
                    format!("unknown option '{other}' (peer, next-hop, prepend, as-path, count)"),
                ))
            }
        }
    }
    Ok(Command::InjectMrt(m))
}
