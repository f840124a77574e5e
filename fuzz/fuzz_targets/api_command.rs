//! Any line a helper program writes is a command or an error, never a panic: `parse` on each
//! line of the input (split at `\n`, as the daemon reads a helper's output). An error's column
//! is within the line or one past its end, and the same line parses to the same result again.
//!
//! Input: octets, read as UTF-8 (invalid sequences replaced).
#![no_main]

use herald_api::command::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for line in text.split('\n') {
        let first = parse(line);
        if let Err(e) = &first {
            assert!(
                e.column >= 1 && e.column <= line.len() + 1,
                "error column {} for a {}-octet line: {e}\n{line:?}",
                e.column,
                line.len()
            );
        }
        assert_eq!(
            parse(line),
            first,
            "the same line parsed twice differs\n{line:?}"
        );
    }
});
