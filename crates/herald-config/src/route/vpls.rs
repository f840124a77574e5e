//! VPLS routes (RFC 4761) in ExaBGP's words: `vpls [NAME] endpoint N base N offset N size N
//! rd RD next-hop IP <attributes>`, in a neighbor's `l2vpn { }` block (one statement, or a
//! named block of statements), in `announce { l2vpn { } }`, and after `announce`/`withdraw`
//! in the API.

use herald_wire::nlri::{RouteDistinguisher, Vpls};

use crate::error::Result;
use crate::lexer::Token;
use crate::route::{err, Cursor};
use crate::values::parse_u32;

/// The VPLS fields of a route being read.
#[derive(Clone, Debug, Default)]
pub(crate) struct VplsDraft {
    endpoint: Option<u16>,
    base: Option<u32>,
    offset: Option<u16>,
    size: Option<u16>,
}

/// Whether `word` is a VPLS field.
pub(crate) fn is_field(word: &str) -> bool {
    matches!(word, "endpoint" | "base" | "offset" | "size")
}

impl VplsDraft {
    /// Read the value of field `kw`.
    pub fn field(&mut self, kw: &Token<'_>, cur: &mut Cursor<'_, '_>) -> Result<()> {
        let v = cur.value(kw, "a number")?;
        let n = parse_u32(v.text);
        let u16v = || {
            n.and_then(|n| u16::try_from(n).ok())
                .ok_or_else(|| err(&v, format!("{} is a number from 0 to 65535", kw.text)))
        };
        match kw.text {
            "endpoint" => self.endpoint = Some(u16v()?),
            "offset" => self.offset = Some(u16v()?),
            "size" => self.size = Some(u16v()?),
            _ => {
                self.base = Some(
                    n.filter(|b| *b < 1 << 20)
                        .ok_or_else(|| err(&v, "base is a label, 0 to 1048575"))?,
                )
            }
        }
        Ok(())
    }

    /// The NLRI, once every field and the route distinguisher are given (`at`: where the
    /// route was written, for the error).
    pub fn build(&self, at: &Token<'_>, rd: Option<RouteDistinguisher>) -> Result<Vpls> {
        let missing = [
            ("rd", rd.is_none()),
            ("endpoint", self.endpoint.is_none()),
            ("base", self.base.is_none()),
            ("offset", self.offset.is_none()),
            ("size", self.size.is_none()),
        ];
        let missing: Vec<&str> = missing.iter().filter(|m| m.1).map(|m| m.0).collect();
        if !missing.is_empty() {
            return Err(err(
                at,
                format!("a VPLS route needs {}", missing.join(", ")),
            ));
        }
        Ok(Vpls {
            path_id: None,
            rd: rd.unwrap_or_default(),
            endpoint: self.endpoint.unwrap_or(0),
            offset: self.offset.unwrap_or(0),
            size: self.size.unwrap_or(0),
            label_base: Vpls::label_field(self.base.unwrap_or(0)),
        })
    }
}
