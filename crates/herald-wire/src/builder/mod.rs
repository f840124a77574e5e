//! Packing routes into UPDATEs: as many NLRI sharing one attribute set as fit in the
//! negotiated maximum message size, with no allocation per prefix.
//!
//! The attributes of a route set are encoded once into an [`AttrBlock`]; each UPDATE is then
//! the header, MP_REACH_NLRI for non-IPv4-unicast families (first, as RFC 7606 §5.1 asks, so
//! that a receiver finds the NLRI even when a later attribute is malformed), a copy of the
//! block, and prefix octets appended until the next would not fit.

use crate::attr::{Attribute, NextHop};
use crate::iana::{attr_flags as F, attr_type as T, Family};
use crate::message::{HEADER_LEN, MARKER};
use crate::nlri::WireNlri;
use crate::update::patch_u16;
use crate::Context;

/// Attributes encoded once for many UPDATEs, without MP_REACH_NLRI / MP_UNREACH_NLRI.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AttrBlock {
    bytes: Vec<u8>,
}

impl AttrBlock {
    /// Encode `attrs` in the order given. MP attributes among them are skipped.
    pub fn new(attrs: &[Attribute], ctx: &Context) -> AttrBlock {
        let mut bytes = Vec::with_capacity(64);
        for a in attrs {
            let t = a.value.type_code();
            if t == T::MP_REACH_NLRI || t == T::MP_UNREACH_NLRI {
                continue;
            }
            a.encode(ctx, &mut bytes);
        }
        AttrBlock { bytes }
    }

    /// The encoded octets.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Encoded length.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the block holds no attribute.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// A route set too large for any UPDATE: the attribute block alone leaves no room for a prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge;

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("attributes leave no room for a prefix in the maximum message size")
    }
}

impl std::error::Error for TooLarge {}

fn begin(out: &mut Vec<u8>) -> usize {
    let start = out.len();
    out.extend_from_slice(&MARKER);
    out.extend_from_slice(&[0, 0, 2]);
    start
}

fn finish(out: &mut [u8], start: usize) {
    let len = (out.len() - start) as u16;
    if let Some(l) = out.get_mut(start + 16..start + 18) {
        l.copy_from_slice(&len.to_be_bytes());
    }
}

/// How many of `prefixes` fit in `room` octets.
#[inline]
fn fitting<N: WireNlri>(prefixes: &[N], add_path: bool, room: usize) -> (usize, usize) {
    let mut used = 0;
    for (i, p) in prefixes.iter().enumerate() {
        let l = p.wire_len(add_path);
        if used + l > room {
            return (i, used);
        }
        used += l;
    }
    (prefixes.len(), used)
}

/// Append UPDATEs announcing `prefixes` of `family` with the attributes in `block`.
///
/// IPv4 unicast with `next_hop` `None` uses the classic NLRI field (the block must then hold
/// NEXT_HOP); every other case carries the prefixes and `next_hop` in MP_REACH_NLRI. Returns the
/// number of UPDATEs written.
pub fn announce<N: WireNlri>(
    out: &mut Vec<u8>,
    ctx: &Context,
    family: Family,
    next_hop: Option<&NextHop>,
    block: &AttrBlock,
    mut prefixes: &[N],
) -> Result<usize, TooLarge> {
    let add_path = ctx.add_path(family);
    let max = ctx.max_message_len;
    let mut count = 0;
    let classic = family == Family::IPV4_UNICAST && next_hop.is_none();
    let nh_len = next_hop.map_or(0, NextHop::wire_len);
    // Fixed part: header, withdrawn length, attribute length, the block, and for MP the
    // attribute header (4 with extended length) + AFI/SAFI + next hop length + next hop + reserved.
    let fixed = HEADER_LEN + 4 + block.len() + if classic { 0 } else { 4 + 3 + 1 + nh_len + 1 };
    let room = max.checked_sub(fixed).ok_or(TooLarge)?;
    while !prefixes.is_empty() {
        let (n, used) = fitting(prefixes, add_path, room);
        if n == 0 {
            return Err(TooLarge);
        }
        let (now, rest) = prefixes.split_at(n);
        let start = begin(out);
        out.extend_from_slice(&[0, 0]);
        let alen_at = out.len();
        out.extend_from_slice(&[0, 0]);
        if classic {
            out.extend_from_slice(&block.bytes);
            patch_u16(out, alen_at);
            for p in now {
                p.encode(add_path, out);
            }
        } else {
            // MP_REACH_NLRI first (RFC 7606 §5.1), then the other attributes.
            let value_len = 3 + 1 + nh_len + 1 + used;
            if value_len > 255 {
                out.extend_from_slice(&[F::OPTIONAL | F::EXTENDED_LENGTH, T::MP_REACH_NLRI]);
                out.extend_from_slice(&(value_len as u16).to_be_bytes());
            } else {
                out.extend_from_slice(&[F::OPTIONAL, T::MP_REACH_NLRI, value_len as u8]);
            }
            out.extend_from_slice(&family.afi.0.to_be_bytes());
            out.push(family.safi.0);
            out.push(nh_len as u8);
            if let Some(nh) = next_hop {
                nh.encode(out);
            }
            out.push(0);
            for p in now {
                p.encode(add_path, out);
            }
            out.extend_from_slice(&block.bytes);
            let end = out.len();
            // The attribute length runs to the end of the attributes, NLRI included here.
            let alen = end - alen_at - 2;
            if let Some(l) = out.get_mut(alen_at..alen_at + 2) {
                l.copy_from_slice(&(alen as u16).to_be_bytes());
            }
        }
        finish(out, start);
        count += 1;
        prefixes = rest;
    }
    Ok(count)
}

/// Append UPDATEs withdrawing `prefixes` of `family`: the classic field for IPv4 unicast,
/// MP_UNREACH_NLRI otherwise. No other attribute is sent. Returns the number of UPDATEs.
pub fn withdraw<N: WireNlri>(
    out: &mut Vec<u8>,
    ctx: &Context,
    family: Family,
    mut prefixes: &[N],
) -> usize {
    let add_path = ctx.add_path(family);
    let classic = family == Family::IPV4_UNICAST;
    let fixed = HEADER_LEN + 4 + if classic { 0 } else { 4 + 3 };
    let room = ctx.max_message_len.saturating_sub(fixed);
    let mut count = 0;
    while !prefixes.is_empty() {
        let (n, used) = fitting(prefixes, add_path, room);
        let n = n.max(1);
        let (now, rest) = prefixes.split_at(n.min(prefixes.len()));
        let start = begin(out);
        if classic {
            let wlen_at = out.len();
            out.extend_from_slice(&[0, 0]);
            for p in now {
                p.encode(add_path, out);
            }
            patch_u16(out, wlen_at);
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(&[0, 0]);
            let alen_at = out.len();
            out.extend_from_slice(&[0, 0]);
            let value_len = 3 + used;
            if value_len > 255 {
                out.extend_from_slice(&[F::OPTIONAL | F::EXTENDED_LENGTH, T::MP_UNREACH_NLRI]);
                out.extend_from_slice(&(value_len as u16).to_be_bytes());
            } else {
                out.extend_from_slice(&[F::OPTIONAL, T::MP_UNREACH_NLRI, value_len as u8]);
            }
            out.extend_from_slice(&family.afi.0.to_be_bytes());
            out.push(family.safi.0);
            for p in now {
                p.encode(add_path, out);
            }
            patch_u16(out, alen_at);
        }
        finish(out, start);
        count += 1;
        prefixes = rest;
    }
    count
}

/// Append the End-of-RIB marker for `family` (RFC 4724 §2): an empty UPDATE for IPv4
/// unicast, else an UPDATE holding only an empty MP_UNREACH_NLRI (sent with the Extended
/// Length bit set, as ExaBGP does).
pub fn end_of_rib(out: &mut Vec<u8>, family: Family) {
    let start = begin(out);
    if family == Family::IPV4_UNICAST {
        out.extend_from_slice(&[0, 0, 0, 0]);
    } else {
        out.extend_from_slice(&[
            0,
            0,
            0,
            7,
            F::OPTIONAL | F::EXTENDED_LENGTH,
            T::MP_UNREACH_NLRI,
            0,
            3,
        ]);
        out.extend_from_slice(&family.afi.0.to_be_bytes());
        out.push(family.safi.0);
    }
    finish(out, start);
}

#[cfg(test)]
mod tests;
