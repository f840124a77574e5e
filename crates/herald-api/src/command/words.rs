//! Splitting a command line into words, each with its place in the line.
//!
//! Words are separated by ASCII white space; a comma is a word of its own (ExaBGP rewrites
//! `,` to ` , ` before reading a command, so `neighbor 10.0.0.1, neighbor 10.0.0.2` and
//! `neighbor 10.0.0.1 , neighbor 10.0.0.2` are the same). A word starting with `#` starts a
//! comment: it and the rest of the line are not words. Nothing is allocated.

/// One word and the byte offset where it starts in the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Word<'a> {
    /// The text.
    pub text: &'a str,
    /// Byte offset of its first byte in the line.
    pub at: usize,
}

impl Word<'_> {
    /// Its 1-based column.
    pub fn column(&self) -> usize {
        self.at + 1
    }
}

/// A read position in a line.
#[derive(Clone, Debug)]
pub(super) struct Words<'a> {
    line: &'a str,
    pos: usize,
}

impl<'a> Words<'a> {
    /// Read `line` from its start.
    pub fn new(line: &'a str) -> Self {
        Words { line, pos: 0 }
    }

    fn skip_space(&mut self) {
        let b = self.line.as_bytes();
        while b.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
    }

    /// The next word.
    pub fn next(&mut self) -> Option<Word<'a>> {
        self.skip_space();
        let b = self.line.as_bytes();
        let start = self.pos;
        match b.get(start)? {
            b'#' => None,
            b',' => {
                self.pos += 1;
                Some(Word {
                    text: ",",
                    at: start,
                })
            }
            _ => {
                while b
                    .get(self.pos)
                    .is_some_and(|c| !c.is_ascii_whitespace() && *c != b',')
                {
                    self.pos += 1;
                }
                // Both ends are at ASCII bytes (or the end), so on character boundaries.
                let text = self.line.get(start..self.pos)?;
                Some(Word { text, at: start })
            }
        }
    }

    /// The next word, without moving past it.
    pub fn peek(&self) -> Option<Word<'a>> {
        self.clone().next()
    }

    /// The rest of the line from the next word on (comments included), and its byte offset.
    pub fn rest(&mut self) -> (usize, &'a str) {
        self.skip_space();
        let rest = self.line.get(self.pos..).unwrap_or("");
        (self.pos, rest)
    }

    /// The line from octet `at` on (a word's start) to its end.
    pub fn from(&self, at: usize) -> &'a str {
        self.line.get(at..).unwrap_or("")
    }

    /// The column just after the line, where a missing word would be.
    pub fn end_column(&self) -> usize {
        self.line.len() + 1
    }
}
