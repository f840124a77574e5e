//! UPDATE (RFC 4271 §4.3) decoding with RFC 7606 error handling, encoding, and End-of-RIB
//! (RFC 4724 §2).
//!
//! ```text
//! +-----------------------------------------------------+
//! |   Withdrawn Routes Length (2 octets)                |
//! +-----------------------------------------------------+
//! |   Withdrawn Routes (variable)                       |
//! +-----------------------------------------------------+
//! |   Total Path Attribute Length (2 octets)            |
//! +-----------------------------------------------------+
//! |   Path Attributes (variable)                        |
//! +-----------------------------------------------------+
//! |   Network Layer Reachability Information (variable) |
//! +-----------------------------------------------------+
//! ```

use crate::attr::{
    decode_attributes, Aggregator, AsPath, AttrValue, Attribute, MpReach, MpUnreach,
};
use crate::error::{Action, AttrError, DecodeError, ErrorKind};
use crate::iana::{attr_type as T, Afi, Family};
use crate::nlri::{unicast, NlriList, Prefix};
use crate::reader::Reader;
use crate::Context;

/// A decoded UPDATE.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Update {
    /// IPv4 unicast prefixes withdrawn in the classic field.
    pub withdrawn: Vec<Prefix>,
    /// Path attributes in wire order (MP_REACH/MP_UNREACH among them).
    pub attributes: Vec<Attribute>,
    /// IPv4 unicast prefixes announced in the classic field.
    pub nlri: Vec<Prefix>,
    /// Attribute errors handled per RFC 7606 without a session reset.
    pub errors: Vec<AttrError>,
}

impl Update {
    /// Decode an UPDATE body (after the 19-octet header). Offsets in errors are relative to the
    /// body. Errors that need a session reset are returned as `Err`; the others are in
    /// [`Update::errors`], and [`Update::action`] says what to do with the routes.
    pub fn decode(body: &[u8], ctx: &Context) -> Result<Update, DecodeError> {
        let mut r = Reader::new(body);
        let list_err = |at, why| DecodeError::new(at, ErrorKind::MalformedAttributeList(why));
        let wlen = r
            .u16()
            .ok_or_else(|| list_err(0, "truncated withdrawn routes length"))?;
        let wbytes = r
            .take(usize::from(wlen))
            .ok_or_else(|| list_err(0, "withdrawn routes length overruns the message"))?;
        let alen_at = r.pos();
        let alen = r
            .u16()
            .ok_or_else(|| list_err(alen_at, "truncated total path attribute length"))?;
        let abytes = r
            .take(usize::from(alen))
            .ok_or_else(|| list_err(alen_at, "total path attribute length overruns the message"))?;
        let nbytes = r.rest();
        let nlri_at = r.pos();
        let add_path = ctx.add_path(Family::IPV4_UNICAST);

        let mut withdrawn = Vec::with_capacity(unicast::capacity_hint(Afi::IPV4, wbytes.len()));
        unicast::decode_into(Afi::IPV4, wbytes, add_path, &mut withdrawn)
            .map_err(|why| DecodeError::new(2, ErrorKind::InvalidNetworkField(why)))?;
        let mut errors = Vec::new();
        let attributes = decode_attributes(abytes, ctx, alen_at + 2, &mut errors)?;
        let mut nlri = Vec::with_capacity(unicast::capacity_hint(Afi::IPV4, nbytes.len()));
        unicast::decode_into(Afi::IPV4, nbytes, add_path, &mut nlri)
            .map_err(|why| DecodeError::new(nlri_at, ErrorKind::InvalidNetworkField(why)))?;

        let mut u = Update {
            withdrawn,
            attributes,
            nlri,
            errors,
        };
        u.check_mandatory(alen_at);
        Ok(u)
    }

    /// RFC 7606 §3(d): a missing mandatory well-known attribute is treat-as-withdraw, when the
    /// UPDATE announces something.
    fn check_mandatory(&mut self, at: usize) {
        let mp_reach = self.mp_reach().is_some_and(|m| !m.nlri.is_empty());
        if self.nlri.is_empty() && !mp_reach {
            return;
        }
        let mut missing = Vec::new();
        let has = |t: u8| {
            self.attributes.iter().any(|a| a.value.type_code() == t)
                || self.errors.iter().any(|e| e.type_code == t)
        };
        if !has(T::ORIGIN) {
            missing.push(T::ORIGIN);
        }
        if !has(T::AS_PATH) {
            missing.push(T::AS_PATH);
        }
        if !self.nlri.is_empty() && !has(T::NEXT_HOP) {
            missing.push(T::NEXT_HOP);
        }
        for t in missing {
            self.errors.push(AttrError {
                type_code: t,
                action: Action::TreatAsWithdraw,
                error: DecodeError::new(at, ErrorKind::MissingWellKnown { type_code: t }),
            });
        }
    }

    /// The worst RFC 7606 action among the errors, if any.
    pub fn action(&self) -> Option<Action> {
        self.errors.iter().map(|e| e.action).max()
    }

    /// The first attribute with this type code.
    pub fn get(&self, type_code: u8) -> Option<&AttrValue> {
        self.attributes
            .iter()
            .map(|a| &a.value)
            .find(|v| v.type_code() == type_code)
    }

    /// MP_REACH_NLRI, if present.
    pub fn mp_reach(&self) -> Option<&MpReach> {
        self.attributes.iter().find_map(|a| match &a.value {
            AttrValue::MpReach(m) => Some(&**m),
            _ => None,
        })
    }

    /// MP_UNREACH_NLRI, if present.
    pub fn mp_unreach(&self) -> Option<&MpUnreach> {
        self.attributes.iter().find_map(|a| match &a.value {
            AttrValue::MpUnreach(m) => Some(&**m),
            _ => None,
        })
    }

    /// The family this UPDATE ends the initial table of, if it is an End-of-RIB marker
    /// (RFC 4724 §2): an empty UPDATE for IPv4 unicast, or an MP_UNREACH_NLRI with no NLRI and
    /// no other attribute.
    pub fn end_of_rib(&self) -> Option<Family> {
        if !self.withdrawn.is_empty() || !self.nlri.is_empty() {
            return None;
        }
        match self.attributes.as_slice() {
            [] if self.errors.is_empty() => Some(Family::IPV4_UNICAST),
            [Attribute {
                value: AttrValue::MpUnreach(m),
                ..
            }] if m.nlri.is_empty() => Some(m.family),
            _ => None,
        }
    }

    /// The AS path a 2-octet session really describes (RFC 6793 §4.2.3): AS_PATH merged with
    /// AS4_PATH when the latter is present and the AGGREGATOR does not forbid it; the AS_PATH
    /// as is otherwise.
    pub fn effective_as_path(&self) -> Option<AsPath> {
        let path = match self.get(T::AS_PATH) {
            Some(AttrValue::AsPath(p)) => p,
            _ => return None,
        };
        let Some(AttrValue::As4Path(p4)) = self.get(T::AS4_PATH) else {
            return Some(path.clone());
        };
        if let Some(AttrValue::Aggregator(a)) = self.get(T::AGGREGATOR) {
            if a.asn != u32::from(crate::open::AS_TRANS) {
                return Some(path.clone());
            }
        }
        Some(path.merge_as4(p4))
    }

    /// The aggregator a 2-octet session really describes (RFC 6793 §4.2.3).
    pub fn effective_aggregator(&self) -> Option<Aggregator> {
        let Some(AttrValue::Aggregator(a)) = self.get(T::AGGREGATOR) else {
            return None;
        };
        match self.get(T::AS4_AGGREGATOR) {
            Some(AttrValue::As4Aggregator(a4)) if a.asn == u32::from(crate::open::AS_TRANS) => {
                Some(*a4)
            }
            _ => Some(*a),
        }
    }

    /// Append the body to `out`. Whether it fits the negotiated maximum is the caller's to
    /// check ([`crate::builder`] packs routes so that it does).
    pub fn encode_body(&self, ctx: &Context, out: &mut Vec<u8>) {
        let add_path = ctx.add_path(Family::IPV4_UNICAST);
        let wlen_at = out.len();
        out.extend_from_slice(&[0, 0]);
        for p in &self.withdrawn {
            p.encode(add_path, out);
        }
        patch_u16(out, wlen_at);
        let alen_at = out.len();
        out.extend_from_slice(&[0, 0]);
        for a in &self.attributes {
            a.encode(ctx, out);
        }
        patch_u16(out, alen_at);
        for p in &self.nlri {
            p.encode(add_path, out);
        }
    }

    /// An End-of-RIB marker for `family`.
    pub fn end_of_rib_for(family: Family) -> Update {
        if family == Family::IPV4_UNICAST {
            return Update::default();
        }
        Update {
            attributes: vec![Attribute {
                flags: crate::iana::attr_flags::OPTIONAL | crate::iana::attr_flags::EXTENDED_LENGTH,
                value: AttrValue::MpUnreach(Box::new(MpUnreach {
                    family,
                    nlri: NlriList::Prefixes(Vec::new()),
                })),
            }],
            ..Update::default()
        }
    }
}

/// Write the length of what follows the 2-octet field at `at` into that field.
pub(crate) fn patch_u16(out: &mut [u8], at: usize) {
    let len = out.len().saturating_sub(at + 2);
    if let Some(f) = out.get_mut(at..at + 2) {
        f.copy_from_slice(&(len.min(65535) as u16).to_be_bytes());
    }
}

#[cfg(test)]
mod tests;
