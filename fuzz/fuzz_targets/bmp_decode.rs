//! Any octets: frame a stream of BMP messages and decode each; what decodes must encode back
//! to octets that decode to the same message. Nothing may panic (house rule 7).
//!
//! Input: a byte stream of zero or more BMP messages (RFC 7854).
#![no_main]

use herald_bmp::{frame, Message};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut rest = data;
    while let Ok(Some(len)) = frame(rest) {
        let Some((msg, tail)) = rest.split_at_checked(len) else {
            break;
        };
        rest = tail;
        check(msg);
    }
    // The whole input as one message: exercises the length checks of `Message::decode`.
    check(data);
});

fn check(msg: &[u8]) {
    match Message::decode(msg) {
        Ok(m) => {
            let again = Message::decode(&m.to_bytes());
            assert_eq!(again.as_ref(), Ok(&m), "re-encoded message differs");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}
