//! Configuration errors with their place in the file.

use std::fmt;
use std::path::PathBuf;

/// A place in a configuration text: 1-based line and column (columns count bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
}

/// One problem found in a configuration, with the file, line and column of the token at fault.
///
/// `Display` gives `file:line:col: message (at 'token')`. Messages for constructs herald parses
/// but does not implement yet start with `unsupported: `.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The file (or `<command>` for API lines).
    pub file: PathBuf,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
    /// The token at fault (empty at end of file).
    pub token: String,
    /// What is wrong.
    pub message: String,
}

impl ConfigError {
    /// An error at `span` without a file name yet (the parser fills it in).
    pub(crate) fn at(span: Span, token: &str, message: impl Into<String>) -> Self {
        ConfigError {
            file: PathBuf::new(),
            line: span.line,
            col: span.col,
            token: token.to_string(),
            message: message.into(),
        }
    }

    /// Whether this error only reports a construct herald does not implement yet.
    pub fn is_unsupported(&self) -> bool {
        self.message.starts_with("unsupported: ")
    }

    /// The feature named by an `unsupported:` error (the text up to the first ` (`).
    pub fn unsupported_feature(&self) -> Option<&str> {
        let rest = self.message.strip_prefix("unsupported: ")?;
        Some(rest.split(" (").next().unwrap_or(rest))
    }

    /// Where it is.
    pub fn span(&self) -> Span {
        Span {
            line: self.line,
            col: self.col,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An error about the file as a whole (it cannot be read) has no place in it.
        if self.line == 0 {
            return write!(f, "{}: {}", self.file.display(), self.message);
        }
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.col,
            self.message
        )?;
        if self.token.is_empty() {
            f.write_str(" (at end of input)")
        } else {
            write!(f, " (at '{}')", self.token)
        }
    }
}

/// Shorthand used by the parsers.
pub(crate) type Result<T, E = ConfigError> = std::result::Result<T, E>;
