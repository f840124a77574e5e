//! The BGP message header (RFC 4271 §4.1), framing, and the [`Message`] enum.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                                                               |
//! +                           Marker (16 octets of ones)          +
//! |                                                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Length               |      Type     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use crate::error::{DecodeError, ErrorKind};
use crate::iana::MessageType;
use crate::notification::Notification;
use crate::open::Open;
use crate::route_refresh::RouteRefresh;
use crate::update::Update;
use crate::Context;

/// Header length.
pub const HEADER_LEN: usize = 19;
/// The largest message without the Extended Message capability (RFC 4271).
pub const MAX_LEN: usize = 4096;
/// The largest message with the Extended Message capability (RFC 8654).
pub const MAX_EXTENDED_LEN: usize = 65535;
/// The marker: sixteen octets of ones.
pub const MARKER: [u8; 16] = [0xff; 16];

/// A framed message: its type and total length (header included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The message type.
    pub kind: MessageType,
    /// Total length in octets, header included.
    pub len: usize,
}

/// Look at the start of `buf` and say whether a whole message is there.
///
/// `Ok(None)`: not enough octets yet. `Ok(Some(frame))`: the first `frame.len` octets are one
/// message whose header is valid. `Err`: the header is malformed; the error's NOTIFICATION is
/// the RFC 4271 §6.1 one (1/1, 1/2 with the length, or 1/3 with the type). `max_len` is 4096,
/// or 65535 once Extended Message is negotiated (OPEN and KEEPALIVE stay within 4096).
pub fn frame(buf: &[u8], max_len: usize) -> Result<Option<Frame>, DecodeError> {
    let Some(header) = buf.first_chunk::<HEADER_LEN>() else {
        // Reject a bad marker as early as possible.
        let seen = buf.len().min(16);
        if buf
            .get(..seen)
            .is_some_and(|m| m.iter().any(|&b| b != 0xff))
        {
            return Err(DecodeError::new(0, ErrorKind::ConnectionNotSynchronized));
        }
        return Ok(None);
    };
    if header[..16] != MARKER {
        return Err(DecodeError::new(0, ErrorKind::ConnectionNotSynchronized));
    }
    let length = u16::from_be_bytes([header[16], header[17]]);
    let code = header[18];
    let kind = MessageType::from_code(code).ok_or(DecodeError::new(
        18,
        ErrorKind::BadMessageType { kind: code },
    ))?;
    let len = usize::from(length);
    let (min, max) = match kind {
        MessageType::Open => (29, MAX_LEN),
        MessageType::Update => (23, max_len),
        MessageType::Notification => (21, max_len),
        MessageType::Keepalive => (19, 19),
        MessageType::RouteRefresh => (19, max_len),
    };
    if len < min || len > max {
        return Err(DecodeError::new(16, ErrorKind::BadMessageLength { length }));
    }
    Ok((buf.len() >= len).then_some(Frame { kind, len }))
}

/// A BGP message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// OPEN.
    Open(Open),
    /// UPDATE.
    Update(Update),
    /// NOTIFICATION.
    Notification(Notification),
    /// KEEPALIVE.
    Keepalive,
    /// ROUTE-REFRESH.
    RouteRefresh(RouteRefresh),
}

impl Message {
    /// The message type.
    pub fn kind(&self) -> MessageType {
        match self {
            Message::Open(_) => MessageType::Open,
            Message::Update(_) => MessageType::Update,
            Message::Notification(_) => MessageType::Notification,
            Message::Keepalive => MessageType::Keepalive,
            Message::RouteRefresh(_) => MessageType::RouteRefresh,
        }
    }

    /// Decode one whole message, header included. Offsets in errors count from the marker.
    pub fn decode(msg: &[u8], ctx: &Context) -> Result<Message, DecodeError> {
        let f = frame(msg, ctx.max_message_len)?;
        let Some(f) = f else {
            let length = msg
                .get(16..18)
                .and_then(|l| l.try_into().ok())
                .map(u16::from_be_bytes)
                .unwrap_or(msg.len() as u16);
            return Err(DecodeError::new(16, ErrorKind::BadMessageLength { length }));
        };
        if f.len != msg.len() {
            return Err(DecodeError::new(
                16,
                ErrorKind::BadMessageLength {
                    length: f.len as u16,
                },
            ));
        }
        let body = msg.get(HEADER_LEN..).unwrap_or_default();
        let shift = |e: DecodeError| e.shifted(HEADER_LEN);
        Ok(match f.kind {
            MessageType::Open => Message::Open(Open::decode(body).map_err(shift)?),
            MessageType::Update => {
                let mut u = Update::decode(body, ctx).map_err(shift)?;
                for e in &mut u.errors {
                    e.error.offset += HEADER_LEN;
                }
                Message::Update(u)
            }
            MessageType::Notification => {
                Message::Notification(Notification::decode(body).map_err(shift)?)
            }
            MessageType::Keepalive => Message::Keepalive,
            MessageType::RouteRefresh => {
                Message::RouteRefresh(RouteRefresh::decode(body).ok_or_else(|| {
                    DecodeError::new(
                        HEADER_LEN,
                        ErrorKind::RouteRefreshLength {
                            message: msg.to_vec(),
                        },
                    )
                })?)
            }
        })
    }

    /// Append the whole message, header included, to `out`.
    pub fn encode(&self, ctx: &Context, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(&MARKER);
        out.extend_from_slice(&[0, 0, self.kind().code()]);
        match self {
            Message::Open(o) => o.encode_body(out),
            Message::Update(u) => u.encode_body(ctx, out),
            Message::Notification(n) => n.encode_body(out),
            Message::Keepalive => {}
            Message::RouteRefresh(r) => r.encode_body(out),
        }
        let len = (out.len() - start).min(65535) as u16;
        if let Some(l) = out.get_mut(start + 16..start + 18) {
            l.copy_from_slice(&len.to_be_bytes());
        }
    }

    /// The whole message as a new vector.
    pub fn to_bytes(&self, ctx: &Context) -> Vec<u8> {
        let mut v = Vec::new();
        self.encode(ctx, &mut v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hdr(len: u16, kind: u8) -> Vec<u8> {
        let mut v = MARKER.to_vec();
        v.extend_from_slice(&len.to_be_bytes());
        v.push(kind);
        v
    }

    #[test]
    fn keepalive_both_ways() {
        let ka = hdr(19, 4);
        assert_eq!(
            Message::decode(&ka, &Context::default()).unwrap(),
            Message::Keepalive
        );
        assert_eq!(Message::Keepalive.to_bytes(&Context::default()), ka);
    }

    #[test]
    fn frame_waits_for_the_whole_message() {
        let ka = hdr(19, 4);
        assert_eq!(frame(&ka[..10], MAX_LEN).unwrap(), None);
        assert_eq!(frame(&hdr(23, 2), MAX_LEN).unwrap(), None);
        let mut two = ka.clone();
        two.extend_from_slice(&ka);
        assert_eq!(
            frame(&two, MAX_LEN).unwrap(),
            Some(Frame {
                kind: MessageType::Keepalive,
                len: 19
            })
        );
    }

    #[test]
    fn bad_marker_is_1_1() {
        let mut m = hdr(19, 4);
        m[3] = 0;
        let n = frame(&m, MAX_LEN).unwrap_err().notification();
        assert_eq!((n.code, n.subcode), (1, 1));
        // Detected before the header is complete.
        assert!(frame(&m[..5], MAX_LEN).is_err());
    }

    #[test]
    fn bad_lengths_are_1_2_with_the_length() {
        for (len, kind) in [
            (18u16, 4u8),
            (20, 4),
            (28, 1),
            (22, 2),
            (20, 3),
            (4097, 2),
            (4097, 1),
        ] {
            let n = frame(&hdr(len, kind), MAX_LEN).unwrap_err().notification();
            assert_eq!(
                (n.code, n.subcode, n.data),
                (1, 2, len.to_be_bytes().to_vec()),
                "len {len} type {kind}"
            );
        }
        // Extended message lifts the limit for UPDATE, not for OPEN.
        assert!(frame(&hdr(5000, 2), MAX_EXTENDED_LEN).unwrap().is_none());
        assert!(frame(&hdr(5000, 1), MAX_EXTENDED_LEN).is_err());
    }

    #[test]
    fn bad_type_is_1_3_with_the_type() {
        let n = frame(&hdr(19, 7), MAX_LEN).unwrap_err().notification();
        assert_eq!((n.code, n.subcode, n.data), (1, 3, vec![7]));
    }

    #[test]
    fn route_refresh_of_wrong_length_is_7_1_with_the_message() {
        let mut m = hdr(24, 5);
        m.extend_from_slice(&[0, 1, 1, 1, 0]);
        let n = Message::decode(&m, &Context::default())
            .unwrap_err()
            .notification();
        assert_eq!((n.code, n.subcode), (7, 1));
        assert_eq!(n.data, m);
    }

    #[test]
    fn notification_both_ways() {
        let mut m = hdr(21, 3);
        m.extend_from_slice(&[6, 2]);
        let d = Message::decode(&m, &Context::default()).unwrap();
        assert_eq!(d, Message::Notification(Notification::new(6, 2, vec![])));
        assert_eq!(d.to_bytes(&Context::default()), m);
    }
}
