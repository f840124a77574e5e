//! decode → encode → decode is stable: a message that decodes (an UPDATE only when RFC 7606
//! found nothing wrong in it) re-encodes to octets that decode to the same value and encode
//! to the same octets again.
//!
//! Normalisations the codec is documented to make, so the first encoding may differ from the
//! input (which is why the input itself is not compared):
//! - a repeated attribute keeps its first occurrence (RFC 7606 §3(g)); later ones are dropped;
//! - a short attribute value sent with the Extended Length bit keeps the bit (so no change);
//! - a 2-octet-AS session encodes AS numbers above 65535 as AS_TRANS (cannot come from decode).
//!
//! Input: one selector octet (see `herald_wire_fuzz::sel`), then a byte stream of messages.
#![no_main]

use herald_wire::{Context, Message};
use herald_wire_fuzz::{context, hex, messages};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&s, stream)) = data.split_first() else {
        return;
    };
    let ctx = context(s);
    for msg in messages(stream, ctx.max_message_len) {
        check(msg, &ctx);
    }
});

fn check(msg: &[u8], ctx: &Context) {
    let Ok(first) = Message::decode(msg, ctx) else {
        return;
    };
    if let Message::Update(u) = &first {
        if !u.errors.is_empty() {
            return;
        }
    }
    let enc1 = first.to_bytes(ctx);
    assert!(
        enc1.len() <= msg.len(),
        "re-encoding grew the message\n in: {}\nout: {}",
        hex(msg),
        hex(&enc1)
    );
    let second = match Message::decode(&enc1, ctx) {
        Ok(m) => m,
        Err(e) => panic!(
            "re-encoded message does not decode: {e}\n in: {}\nout: {}",
            hex(msg),
            hex(&enc1)
        ),
    };
    assert_eq!(
        first,
        second,
        "decode(encode(m)) != m\n in: {}\nout: {}",
        hex(msg),
        hex(&enc1)
    );
    let enc2 = second.to_bytes(ctx);
    assert_eq!(
        enc1,
        enc2,
        "encoding is not stable\n in: {}\nout: {}",
        hex(msg),
        hex(&enc1)
    );
}
