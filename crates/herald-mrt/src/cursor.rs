//! A bounds-checked reader over one record body, and the record-local error it raises.
//!
//! Record parsers work on a body slice and report [`Bad`]; the [`crate::Reader`] turns that
//! into an [`crate::MrtError`] with the record's file offset, type and subtype.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What is wrong with a record body, before the reader adds where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bad {
    /// The body ends inside the named field.
    Short(&'static str),
    /// A field holds a value that cannot be read.
    Invalid(String),
}

/// A cursor over a byte slice; every read is checked.
pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `buf`.
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Cursor { buf }
    }

    /// The next `n` octets.
    pub(crate) fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], Bad> {
        if n > self.buf.len() {
            return Err(Bad::Short(what));
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    /// The next `N` octets as an array.
    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], Bad> {
        let (head, tail) = self.buf.split_first_chunk::<N>().ok_or(Bad::Short(what))?;
        self.buf = tail;
        Ok(*head)
    }

    /// One octet.
    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, Bad> {
        Ok(u8::from_be_bytes(self.array(what)?))
    }

    /// A big-endian 16-bit integer.
    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16, Bad> {
        Ok(u16::from_be_bytes(self.array(what)?))
    }

    /// A big-endian 32-bit integer.
    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, Bad> {
        Ok(u32::from_be_bytes(self.array(what)?))
    }

    /// An IPv4 address, or an IPv6 address when `v6`.
    pub(crate) fn ip(&mut self, v6: bool, what: &'static str) -> Result<IpAddr, Bad> {
        Ok(if v6 {
            IpAddr::V6(Ipv6Addr::from(self.array::<16>(what)?))
        } else {
            IpAddr::V4(Ipv4Addr::from(self.array::<4>(what)?))
        })
    }

    /// Everything not read yet.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }

    /// How many octets are left.
    pub(crate) fn rest_len(&self) -> usize {
        self.buf.len()
    }

    /// Whether everything has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_checked_and_named() {
        let mut c = Cursor::new(&[1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(c.u8("a"), Ok(1));
        assert_eq!(c.u16("b"), Ok(0x0203));
        assert_eq!(c.take(5, "c"), Err(Bad::Short("c")));
        assert_eq!(c.rest_len(), 4);
        assert_eq!(c.take(4, "d"), Ok(&[4u8, 5, 6, 7][..]));
        assert!(c.is_empty());
        assert_eq!(c.ip(false, "e"), Err(Bad::Short("e")));
    }
}
