//! Any text is a configuration herald either loads or refuses with errors that say where:
//! `parse_str` never panics, and every error (and every warning of a configuration it loads)
//! names the file, and a line of the text (or the line just past its end). The same text
//! parses to the same result twice (no hidden state, no hash-order dependence).
//!
//! Input: octets, read as UTF-8 (invalid sequences replaced).
#![no_main]

use std::path::Path;

use herald_config::{parse_str, ConfigError};
use libfuzzer_sys::fuzz_target;

/// `parse_str` reports at most this many errors (herald-config's `MAX_ERRORS`).
const MAX_ERRORS: usize = 100;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = Path::new("fuzz.conf");
    let lines = text.lines().count();
    let result = parse_str(&text, file);
    match &result {
        Ok(config) => {
            for w in &config.warnings {
                check(w, lines, &text);
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "refused without an error\n{text:?}");
            assert!(
                errors.len() <= MAX_ERRORS,
                "{} errors, more than {MAX_ERRORS}\n{text:?}",
                errors.len()
            );
            for e in errors {
                check(e, lines, &text);
            }
            assert!(
                errors
                    .windows(2)
                    .all(|w| (w[0].line, w[0].col) <= (w[1].line, w[1].col)),
                "errors not in file order: {errors:?}"
            );
        }
    }
    assert!(
        parse_str(&text, file) == result,
        "the same text parsed twice gives two results\n{text:?}"
    );
});

fn check(e: &ConfigError, lines: usize, text: &str) {
    let shown = e.to_string();
    assert!(
        shown.starts_with("fuzz.conf:"),
        "error without the file name: {shown:?}\n{text:?}"
    );
    if e.line > 0 {
        assert!(
            e.line as usize <= lines + 1,
            "error at line {} of a {lines}-line text: {shown:?}\n{text:?}",
            e.line
        );
    }
}
