//! NOTIFICATION (RFC 4271 §4.5) with the code and subcode registries of RFC 4271, RFC 4486,
//! RFC 5492, RFC 6608, RFC 7313, RFC 8538, RFC 9234 and RFC 9687, and the shutdown communication
//! of RFC 8203 / RFC 9003.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Error code    | Error subcode |   Data (variable)             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use crate::error::{DecodeError, ErrorKind};
use crate::reader::Reader;

/// Error codes (IANA "BGP Error (Notification) Codes").
pub mod code {
    /// Message Header Error (RFC 4271).
    pub const MESSAGE_HEADER: u8 = 1;
    /// OPEN Message Error (RFC 4271).
    pub const OPEN_MESSAGE: u8 = 2;
    /// UPDATE Message Error (RFC 4271).
    pub const UPDATE_MESSAGE: u8 = 3;
    /// Hold Timer Expired (RFC 4271).
    pub const HOLD_TIMER_EXPIRED: u8 = 4;
    /// Finite State Machine Error (RFC 4271, RFC 6608).
    pub const FSM: u8 = 5;
    /// Cease (RFC 4271, RFC 4486).
    pub const CEASE: u8 = 6;
    /// ROUTE-REFRESH Message Error (RFC 7313).
    pub const ROUTE_REFRESH: u8 = 7;
    /// Send Hold Timer Expired (RFC 9687).
    pub const SEND_HOLD_TIMER_EXPIRED: u8 = 8;
}

/// Cease subcodes (RFC 4486, RFC 8538, RFC 9384).
pub mod cease {
    /// Maximum Number of Prefixes Reached.
    pub const MAX_PREFIXES: u8 = 1;
    /// Administrative Shutdown (RFC 8203 communication allowed).
    pub const ADMIN_SHUTDOWN: u8 = 2;
    /// Peer De-configured.
    pub const PEER_DECONFIGURED: u8 = 3;
    /// Administrative Reset (RFC 8203 communication allowed).
    pub const ADMIN_RESET: u8 = 4;
    /// Connection Rejected.
    pub const CONNECTION_REJECTED: u8 = 5;
    /// Other Configuration Change.
    pub const OTHER_CONFIG_CHANGE: u8 = 6;
    /// Connection Collision Resolution.
    pub const COLLISION: u8 = 7;
    /// Out of Resources.
    pub const OUT_OF_RESOURCES: u8 = 8;
    /// Hard Reset (RFC 8538).
    pub const HARD_RESET: u8 = 9;
    /// BFD Down (RFC 9384).
    pub const BFD_DOWN: u8 = 10;
}

/// The name of an error code.
pub fn code_name(code: u8) -> &'static str {
    match code {
        1 => "Message header error",
        2 => "OPEN message error",
        3 => "UPDATE message error",
        4 => "Hold timer expired",
        5 => "State machine error",
        6 => "Cease",
        7 => "ROUTE-REFRESH message error",
        8 => "Send hold timer expired",
        _ => "Unknown error code",
    }
}

/// The name of a subcode within its error code.
pub fn subcode_name(code: u8, subcode: u8) -> &'static str {
    match (code, subcode) {
        (_, 0) => "Unspecific",
        (1, 1) => "Connection not synchronized",
        (1, 2) => "Bad message length",
        (1, 3) => "Bad message type",
        (2, 1) => "Unsupported version number",
        (2, 2) => "Bad peer AS",
        (2, 3) => "Bad BGP identifier",
        (2, 4) => "Unsupported optional parameter",
        (2, 5) => "Authentication failure (deprecated)",
        (2, 6) => "Unacceptable hold time",
        (2, 7) => "Unsupported capability",
        (2, 11) => "Role mismatch",
        (3, 1) => "Malformed attribute list",
        (3, 2) => "Unrecognized well-known attribute",
        (3, 3) => "Missing well-known attribute",
        (3, 4) => "Attribute flags error",
        (3, 5) => "Attribute length error",
        (3, 6) => "Invalid ORIGIN attribute",
        (3, 7) => "AS routing loop (deprecated)",
        (3, 8) => "Invalid NEXT_HOP attribute",
        (3, 9) => "Optional attribute error",
        (3, 10) => "Invalid network field",
        (3, 11) => "Malformed AS_PATH",
        (5, 1) => "Receive unexpected message in OpenSent state",
        (5, 2) => "Receive unexpected message in OpenConfirm state",
        (5, 3) => "Receive unexpected message in Established state",
        (6, 1) => "Maximum number of prefixes reached",
        (6, 2) => "Administrative shutdown",
        (6, 3) => "Peer de-configured",
        (6, 4) => "Administrative reset",
        (6, 5) => "Connection rejected",
        (6, 6) => "Other configuration change",
        (6, 7) => "Connection collision resolution",
        (6, 8) => "Out of resources",
        (6, 9) => "Hard reset",
        (6, 10) => "BFD down",
        (7, 1) => "Invalid message length",
        _ => "Unknown subcode",
    }
}

/// A NOTIFICATION message. Code and subcode are kept as numbers so that any value round-trips.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// Error code.
    pub code: u8,
    /// Error subcode.
    pub subcode: u8,
    /// Data, whose meaning depends on code and subcode.
    pub data: Vec<u8>,
}

impl Notification {
    /// A notification from its parts.
    pub fn new(code: u8, subcode: u8, data: impl Into<Vec<u8>>) -> Self {
        Notification {
            code,
            subcode,
            data: data.into(),
        }
    }

    /// Cease with a shutdown communication (RFC 8203, RFC 9003): subcode 2 (Administrative
    /// Shutdown) or 4 (Administrative Reset). The text is cut at a character boundary to the
    /// 255 octets RFC 9003 allows.
    pub fn cease_with_message(subcode: u8, text: &str) -> Self {
        let mut end = text.len().min(255);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let bytes = text.as_bytes().get(..end).unwrap_or_default();
        let mut data = Vec::with_capacity(bytes.len() + 1);
        data.push(bytes.len() as u8);
        data.extend_from_slice(bytes);
        Notification {
            code: code::CEASE,
            subcode,
            data,
        }
    }

    /// The shutdown communication carried by a Cease/Administrative Shutdown or Reset, if the
    /// data holds a well-formed one (a length octet then that many octets of UTF-8).
    pub fn shutdown_message(&self) -> Option<&str> {
        if self.code != code::CEASE
            || !(self.subcode == cease::ADMIN_SHUTDOWN || self.subcode == cease::ADMIN_RESET)
        {
            return None;
        }
        let (&len, rest) = self.data.split_first()?;
        let text = rest.get(..len as usize)?;
        std::str::from_utf8(text).ok()
    }

    /// `code/subcode name` for logs, e.g. `Cease/Administrative shutdown`.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} ({}/{}): {}",
            code_name(self.code),
            self.code,
            self.subcode,
            subcode_name(self.code, self.subcode)
        );
        if let Some(m) = self.shutdown_message() {
            s.push_str(": \"");
            s.push_str(m);
            s.push('"');
        } else if !self.data.is_empty() {
            // Anything else is shown as octets: it need not be text.
            s.push_str(", data 0x");
            for b in &self.data {
                s.push_str(&format!("{b:02x}"));
            }
        }
        s
    }

    /// Decode a NOTIFICATION body (after the 19-octet header).
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let (Some(code), Some(subcode)) = (r.u8(), r.u8()) else {
            return Err(DecodeError::new(
                0,
                ErrorKind::BadMessageLength {
                    length: (body.len() + 19) as u16,
                },
            ));
        };
        Ok(Notification {
            code,
            subcode,
            data: r.rest().to_vec(),
        })
    }

    /// Append the body to `out`.
    pub fn encode_body(&self, out: &mut Vec<u8>) {
        out.push(self.code);
        out.push(self.subcode);
        out.extend_from_slice(&self.data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cease_shutdown_communication_round_trips() {
        let n = Notification::cease_with_message(cease::ADMIN_SHUTDOWN, "maintenance");
        let mut b = Vec::new();
        n.encode_body(&mut b);
        assert_eq!(b, b"\x06\x02\x0bmaintenance");
        let d = Notification::decode(&b).unwrap();
        assert_eq!(d.shutdown_message(), Some("maintenance"));
        assert_eq!(
            d.describe(),
            "Cease (6/2): Administrative shutdown: \"maintenance\""
        );
    }

    #[test]
    fn shutdown_message_is_cut_at_255_octets_on_a_char_boundary() {
        let text = "é".repeat(200);
        let n = Notification::cease_with_message(cease::ADMIN_RESET, &text);
        assert_eq!(n.data[0], 254);
        assert_eq!(n.shutdown_message().unwrap().chars().count(), 127);
    }

    #[test]
    fn data_that_is_not_a_shutdown_message_is_shown_as_octets() {
        // A shutdown communication that is not UTF-8, and data of another error.
        let n = Notification::decode(b"\x06\x02\x02\xff\xfe").unwrap();
        assert_eq!(
            n.describe(),
            "Cease (6/2): Administrative shutdown, data 0x02fffe"
        );
        let n = Notification::decode(b"\x02\x02\xfd\xe9").unwrap();
        assert!(n.describe().ends_with(", data 0xfde9"), "{}", n.describe());
        assert!(!n.describe().contains('\u{fffd}'));
    }

    #[test]
    fn notification_without_subcode_is_a_length_error() {
        assert!(Notification::decode(&[6]).is_err());
    }
}
