//! Decode errors and the NOTIFICATION each one causes (RFC 4271 §6), and the RFC 7606 actions
//! for errors inside an UPDATE's path attributes.
//!
//! [`ErrorKind::notification`] is the one place where error codes and subcodes are chosen.

use std::fmt;

use crate::notification::{code, Notification};

/// A message that could not be decoded, with the offset in the input where the problem was
/// found (from the start of the message, header included, when framing was involved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Octet offset of the problem.
    pub offset: usize,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl DecodeError {
    /// An error at `offset`.
    pub fn new(offset: usize, kind: ErrorKind) -> Self {
        DecodeError { offset, kind }
    }

    /// The same error with its offset moved by `base` (for errors found in a sub-slice).
    pub fn shifted(mut self, base: usize) -> Self {
        self.offset += base;
        self
    }

    /// The NOTIFICATION to send for this error.
    pub fn notification(&self) -> Notification {
        self.kind.notification()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.notification();
        write!(
            f,
            "offset {}: {} ({}/{} {})",
            self.offset,
            self.kind,
            n.code,
            n.subcode,
            crate::notification::subcode_name(n.code, n.subcode)
        )
    }
}

impl std::error::Error for DecodeError {}

/// Everything that can make a message undecodable, in RFC 4271 §6 order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The marker is not all ones (§6.1; RFC 4271 keeps subcode 1 for it).
    ConnectionNotSynchronized,
    /// The length field is out of range for the message type (§6.1; data: the length).
    BadMessageLength {
        /// The erroneous length field.
        length: u16,
    },
    /// Unknown message type (§6.1; data: the type).
    BadMessageType {
        /// The type code.
        kind: u8,
    },
    /// OPEN version is not 4 (§6.2; data: the largest version we support).
    UnsupportedVersion {
        /// The version the peer offered.
        version: u8,
    },
    /// OPEN BGP Identifier is invalid (§6.2).
    BadBgpIdentifier,
    /// An optional parameter we do not know (§6.2).
    UnsupportedOptionalParameter {
        /// The parameter type.
        param: u8,
    },
    /// OPEN is malformed in a way §6.2 has no subcode for (parameter lengths that overrun).
    MalformedOpen(&'static str),
    /// UPDATE lengths are inconsistent (§6.3 Malformed Attribute List).
    MalformedAttributeList(&'static str),
    /// A well-known attribute we do not recognise (§6.3; data: the attribute).
    UnrecognizedWellKnown {
        /// The whole attribute: flags, type, length, value.
        attribute: Vec<u8>,
    },
    /// A mandatory well-known attribute is missing (§6.3; data: its type code).
    MissingWellKnown {
        /// The missing type code.
        type_code: u8,
    },
    /// Attribute flags conflict with the type (§6.3; data: the attribute).
    AttributeFlags {
        /// The whole attribute.
        attribute: Vec<u8>,
    },
    /// Attribute length is wrong for the type (§6.3; data: the attribute).
    AttributeLength {
        /// The whole attribute.
        attribute: Vec<u8>,
    },
    /// ORIGIN value undefined (§6.3; data: the attribute).
    InvalidOrigin {
        /// The whole attribute.
        attribute: Vec<u8>,
    },
    /// NEXT_HOP syntactically wrong (§6.3; data: the attribute).
    InvalidNextHop {
        /// The whole attribute.
        attribute: Vec<u8>,
    },
    /// A recognised optional attribute whose value is wrong (§6.3; data: the attribute).
    OptionalAttribute {
        /// The whole attribute.
        attribute: Vec<u8>,
    },
    /// NLRI field syntactically wrong (§6.3).
    InvalidNetworkField(&'static str),
    /// AS_PATH malformed (§6.3).
    MalformedAsPath,
    /// ROUTE-REFRESH of the wrong length (RFC 7313 §5; data: the whole message).
    RouteRefreshLength {
        /// The complete message.
        message: Vec<u8>,
    },
}

impl ErrorKind {
    /// The NOTIFICATION this error causes. The data field is filled as RFC 4271 §6 asks.
    pub fn notification(&self) -> Notification {
        use ErrorKind::*;
        let (c, s, data): (u8, u8, Vec<u8>) = match self {
            ConnectionNotSynchronized => (code::MESSAGE_HEADER, 1, Vec::new()),
            BadMessageLength { length } => (code::MESSAGE_HEADER, 2, length.to_be_bytes().to_vec()),
            BadMessageType { kind } => (code::MESSAGE_HEADER, 3, vec![*kind]),
            UnsupportedVersion { .. } => (code::OPEN_MESSAGE, 1, 4u16.to_be_bytes().to_vec()),
            BadBgpIdentifier => (code::OPEN_MESSAGE, 3, Vec::new()),
            UnsupportedOptionalParameter { param } => (code::OPEN_MESSAGE, 4, vec![*param]),
            MalformedOpen(_) => (code::OPEN_MESSAGE, 0, Vec::new()),
            MalformedAttributeList(_) => (code::UPDATE_MESSAGE, 1, Vec::new()),
            UnrecognizedWellKnown { attribute } => (code::UPDATE_MESSAGE, 2, attribute.clone()),
            MissingWellKnown { type_code } => (code::UPDATE_MESSAGE, 3, vec![*type_code]),
            AttributeFlags { attribute } => (code::UPDATE_MESSAGE, 4, attribute.clone()),
            AttributeLength { attribute } => (code::UPDATE_MESSAGE, 5, attribute.clone()),
            InvalidOrigin { attribute } => (code::UPDATE_MESSAGE, 6, attribute.clone()),
            InvalidNextHop { attribute } => (code::UPDATE_MESSAGE, 8, attribute.clone()),
            OptionalAttribute { attribute } => (code::UPDATE_MESSAGE, 9, attribute.clone()),
            InvalidNetworkField(_) => (code::UPDATE_MESSAGE, 10, Vec::new()),
            MalformedAsPath => (code::UPDATE_MESSAGE, 11, Vec::new()),
            RouteRefreshLength { message } => (code::ROUTE_REFRESH, 1, message.clone()),
        };
        Notification::new(c, s, data)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            ConnectionNotSynchronized => f.write_str("marker is not all ones"),
            BadMessageLength { length } => write!(f, "bad message length {length}"),
            BadMessageType { kind } => write!(f, "bad message type {kind}"),
            UnsupportedVersion { version } => write!(f, "unsupported BGP version {version}"),
            BadBgpIdentifier => f.write_str("bad BGP identifier"),
            UnsupportedOptionalParameter { param } => {
                write!(f, "unsupported optional parameter {param}")
            }
            MalformedOpen(why) => write!(f, "malformed OPEN: {why}"),
            MalformedAttributeList(why) => write!(f, "malformed attribute list: {why}"),
            UnrecognizedWellKnown { attribute } => {
                write!(
                    f,
                    "unrecognized well-known attribute {}",
                    attribute.get(1).copied().unwrap_or(0)
                )
            }
            MissingWellKnown { type_code } => write!(f, "missing well-known attribute {type_code}"),
            AttributeFlags { attribute } => {
                write!(
                    f,
                    "wrong flags for attribute {}",
                    attribute.get(1).copied().unwrap_or(0)
                )
            }
            AttributeLength { attribute } => {
                write!(
                    f,
                    "wrong length for attribute {}",
                    attribute.get(1).copied().unwrap_or(0)
                )
            }
            InvalidOrigin { .. } => f.write_str("invalid ORIGIN"),
            InvalidNextHop { .. } => f.write_str("invalid NEXT_HOP"),
            OptionalAttribute { attribute } => {
                write!(
                    f,
                    "malformed optional attribute {}",
                    attribute.get(1).copied().unwrap_or(0)
                )
            }
            InvalidNetworkField(why) => write!(f, "invalid NLRI: {why}"),
            MalformedAsPath => f.write_str("malformed AS_PATH"),
            RouteRefreshLength { message } => {
                write!(f, "ROUTE-REFRESH of length {}", message.len())
            }
        }
    }
}

/// What RFC 7606 says to do about an attribute error, mildest first so that the worst of
/// several errors is their maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Drop the attribute, keep the routes (RFC 7606 §2 "attribute discard").
    AttributeDiscard,
    /// Withdraw every route the UPDATE carries (RFC 7606 §2 "treat-as-withdraw").
    TreatAsWithdraw,
    /// Disable the family the error was in (RFC 7606 §2 "AFI/SAFI disable"); herald resets the
    /// session, which RFC 7606 allows, with the error recorded here.
    AfiSafiDisable,
    /// Reset the session with a NOTIFICATION (RFC 7606 §2 "session reset").
    SessionReset,
}

/// One attribute error found while decoding an UPDATE, and what RFC 7606 says to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrError {
    /// The attribute type code (0 when the error is not tied to one attribute).
    pub type_code: u8,
    /// The action chosen.
    pub action: Action,
    /// The error as RFC 4271 would report it.
    pub error: DecodeError,
}

impl AttrError {
    /// Whether this is an attribute whose length runs past the end of the attribute block
    /// (RFC 7606 §4): parsing stopped there, so nothing after it (an MP_REACH_NLRI or
    /// MP_UNREACH_NLRI included) was seen.
    pub fn overruns_block(&self) -> bool {
        let ErrorKind::AttributeLength { attribute } = &self.error.kind else {
            return false;
        };
        let Some(&flags) = attribute.first() else {
            return false;
        };
        let (header, declared) = if flags & crate::iana::attr_flags::EXTENDED_LENGTH != 0 {
            let len = match (attribute.get(2), attribute.get(3)) {
                (Some(&a), Some(&b)) => usize::from(u16::from_be_bytes([a, b])),
                _ => return true,
            };
            (4, len)
        } else {
            match attribute.get(2) {
                Some(&l) => (3, usize::from(l)),
                None => return true,
            }
        };
        attribute.len() < header + declared
    }
}

impl fmt::Display for AttrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let act = match self.action {
            Action::AttributeDiscard => "attribute discarded",
            Action::TreatAsWithdraw => "treat-as-withdraw",
            Action::AfiSafiDisable => "afi/safi disable",
            Action::SessionReset => "session reset",
        };
        write!(f, "{} ({act})", self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_errors_carry_the_rfc_data() {
        let n = ErrorKind::BadMessageLength { length: 5000 }.notification();
        assert_eq!((n.code, n.subcode, n.data), (1, 2, vec![0x13, 0x88]));
        let n = ErrorKind::BadMessageType { kind: 9 }.notification();
        assert_eq!((n.code, n.subcode, n.data), (1, 3, vec![9]));
        let n = ErrorKind::UnsupportedVersion { version: 3 }.notification();
        assert_eq!((n.code, n.subcode, n.data), (2, 1, vec![0, 4]));
    }

    #[test]
    fn actions_order_from_mildest_to_worst() {
        assert!(Action::AttributeDiscard < Action::TreatAsWithdraw);
        assert!(Action::TreatAsWithdraw < Action::AfiSafiDisable);
        assert!(Action::AfiSafiDisable < Action::SessionReset);
    }
}
