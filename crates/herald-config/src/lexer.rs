//! The lexer: configuration bytes to tokens, without allocating.
//!
//! Rules (ExaBGP's, made regular): `#` starts a comment to the end of the line (outside quotes);
//! `;` `{` `}` `[` `]` `(` `)` are tokens of their own; spaces, tabs, line ends and commas
//! separate tokens; `'…'` and `"…"` are one token each (a backslash inside escapes the next
//! character); a backslash at the end of a line joins it to the next. Everything else is a word.

use std::borrow::Cow;

use crate::error::Span;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bare word.
    Word,
    /// A quoted string (the text is between the quotes); `escaped` when it holds a backslash.
    Quoted { escaped: bool },
    /// `;`
    Semi,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// End of input.
    Eof,
    /// A quoted string without its closing quote on the same line.
    Unterminated,
}

/// A token: its kind, its text (a slice of the input) and where it starts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    pub line: u32,
    pub col: u32,
}

impl<'a> Token<'a> {
    /// Where the token starts.
    pub fn span(&self) -> Span {
        Span {
            line: self.line,
            col: self.col,
        }
    }

    /// Whether this is a word or quoted string.
    pub fn is_value(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Quoted { .. })
    }

    /// The text as a value: quoted strings unescaped.
    pub fn value(&self) -> Cow<'a, str> {
        match self.kind {
            Kind::Quoted { escaped: true } => Cow::Owned(unescape(self.text)),
            _ => Cow::Borrowed(self.text),
        }
    }

    /// The text to show in an error.
    pub fn shown(&self) -> &'a str {
        self.text
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

const SEP: u8 = 1;
const PUNCT: u8 = 2;
const SPECIAL: u8 = 4; // # ' " \

/// The class of each byte value: separator, punctuation, special (`#`, quotes, backslash)
/// or word (0).
#[allow(clippy::indexing_slicing)] // `b` stays below 256
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        t[b] = match b as u8 {
            b' ' | b'\t' | b'\r' | b'\n' | b',' | 0x0b | 0x0c => SEP,
            b';' | b'{' | b'}' | b'[' | b']' | b'(' | b')' => PUNCT,
            b'#' | b'\'' | b'"' | b'\\' => SPECIAL,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// The class of a byte.
#[inline(always)]
#[allow(clippy::indexing_slicing)] // a u8 always indexes a 256-entry table
fn class(b: u8) -> u8 {
    CLASS[usize::from(b)]
}

/// The rest of a statement up to its `;`, holding nothing but words, separators, brackets
/// and parentheses (see [`Lexer::plain_tail`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tail {
    /// Where the `;` is.
    semi: usize,
    /// Line ends before it, and where the last one is.
    lines: u32,
    last_newline: usize,
}

/// Where a lexer is in its text (see [`Lexer::state`] and [`Lexer::at`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LexState {
    /// Byte offset of the next byte to read.
    pub pos: usize,
    /// Its line, from 1.
    pub line: u32,
    /// Byte offset where that line starts.
    pub line_start: usize,
}

impl LexState {
    /// The state at byte `to` of `src`, counting the line ends from `self` (`to` ≥ `pos`).
    pub fn advanced(self, src: &str, to: usize) -> LexState {
        let Some(gap) = src.as_bytes().get(self.pos..to) else {
            return self;
        };
        // Two plain passes (both vectorize): a helper thread starts its part of a large
        // table by skipping tens of megabytes here.
        let mut st = self;
        let lines = gap.iter().filter(|b| **b == b'\n').count();
        st.line = st
            .line
            .saturating_add(u32::try_from(lines).unwrap_or(u32::MAX));
        if let Some(last) = gap.iter().rposition(|b| *b == b'\n') {
            st.line_start = self.pos + last + 1;
        }
        st.pos = to;
        st
    }
}

/// The lexer. Call [`Lexer::next_token`] until it returns [`Kind::Eof`].
pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    line: u32,
    line_start: usize,
}

impl<'a> Lexer<'a> {
    /// A lexer over `src`.
    pub fn new(src: &'a str) -> Self {
        // A byte-order mark is not part of the configuration.
        let pos = if src.starts_with('\u{feff}') { 3 } else { 0 };
        Lexer {
            src,
            pos,
            line: 1,
            line_start: 0,
        }
    }

    /// Where the lexer is: byte offset, line, and where that line starts.
    pub fn state(&self) -> LexState {
        LexState {
            pos: self.pos,
            line: self.line,
            line_start: self.line_start,
        }
    }

    /// A lexer over `src` that goes on from `state` (taken from a lexer over the same text).
    pub fn at(src: &'a str, state: LexState) -> Self {
        Lexer {
            src,
            pos: state.pos,
            line: state.line,
            line_start: state.line_start,
        }
    }

    /// The whole text being lexed.
    pub fn source(&self) -> &'a str {
        self.src
    }

    /// The text from the current position to the `;` ending the statement, when nothing
    /// before that `;` could make the tokens depend on more than these bytes (no quote,
    /// comment, backslash or brace): lexing it gives the same tokens wherever it is written.
    ///
    /// Read with a few vectorized searches rather than byte by byte: in a large table this
    /// runs for nearly every route, over about a hundred bytes.
    #[inline]
    pub fn plain_tail(&self) -> Option<(&'a str, Tail)> {
        let rest = self.src.as_bytes().get(self.pos..)?;
        let mut from = 0;
        let mut lines = 0;
        let mut last_newline = 0;
        loop {
            let tail = rest.get(from..)?;
            // The first `;`, line end or comment; any other stop byte before it ends the scan.
            let at = memchr::memchr3(b';', b'\n', b'#', tail)?;
            let before = tail.get(..at)?;
            if memchr::memchr3(b'"', b'\'', b'\\', before).is_some()
                || memchr::memchr2(b'{', b'}', before).is_some()
            {
                return None;
            }
            let i = from + at;
            match rest.get(i)? {
                b'\n' => {
                    lines += 1;
                    last_newline = self.pos + i;
                    from = i + 1;
                }
                b';' => {
                    let text = self.src.get(self.pos..self.pos + i)?;
                    return Some((
                        text,
                        Tail {
                            semi: self.pos + i,
                            lines,
                            last_newline,
                        },
                    ));
                }
                _ => return None,
            }
        }
    }

    /// Skip the tail [`Lexer::plain_tail`] returned, and its `;`.
    pub fn skip_tail(&mut self, t: Tail) {
        if t.lines > 0 {
            self.line += t.lines;
            self.line_start = t.last_newline + 1;
        }
        self.pos = t.semi + 1;
    }

    #[inline]
    fn byte(&self, at: usize) -> Option<u8> {
        self.src.as_bytes().get(at).copied()
    }

    #[inline]
    fn col(&self, at: usize) -> u32 {
        (at.saturating_sub(self.line_start) + 1) as u32
    }

    #[inline]
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.src.get(from..to).unwrap_or("")
    }

    #[inline]
    fn newline(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
    }

    /// Skip separators, comments and line continuations.
    fn skip(&mut self) {
        let bytes = self.src.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            match b {
                b'\n' => {
                    self.newline(self.pos);
                    self.pos += 1;
                }
                b'#' => {
                    while let Some(&c) = bytes.get(self.pos) {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                b'\\' => {
                    // A continuation: backslash, optional blanks, end of line (or input).
                    let mut j = self.pos + 1;
                    while matches!(bytes.get(j), Some(b' ' | b'\t' | b'\r')) {
                        j += 1;
                    }
                    match bytes.get(j) {
                        Some(b'\n') => {
                            self.newline(j);
                            self.pos = j + 1;
                        }
                        None => self.pos = j,
                        Some(_) => return,
                    }
                }
                _ if class(b) == SEP => self.pos += 1,
                _ => return,
            }
        }
    }

    /// The next token.
    pub fn next_token(&mut self) -> Token<'a> {
        self.skip();
        let start = self.pos;
        let line = self.line;
        let col = self.col(start);
        let tok = |kind, text| Token {
            kind,
            text,
            line,
            col,
        };
        let Some(b) = self.byte(start) else {
            return tok(Kind::Eof, "");
        };
        let punct = match b {
            b';' => Some(Kind::Semi),
            b'{' => Some(Kind::LBrace),
            b'}' => Some(Kind::RBrace),
            b'[' => Some(Kind::LBracket),
            b']' => Some(Kind::RBracket),
            b'(' => Some(Kind::LParen),
            b')' => Some(Kind::RParen),
            _ => None,
        };
        if let Some(kind) = punct {
            self.pos += 1;
            return tok(kind, self.slice(start, start + 1));
        }
        if b == b'"' || b == b'\'' {
            return self.quoted(b, start, line, col);
        }
        // A word: up to a separator, punctuation, quote or comment. A backslash inside a word
        // is kept unless it continues the line.
        let bytes = self.src.as_bytes();
        let mut end = start + 1;
        while let Some(&c) = bytes.get(end) {
            let class = class(c);
            if class == 0 {
                end += 1;
                continue;
            }
            if c == b'\\' {
                let mut j = end + 1;
                while matches!(bytes.get(j), Some(b' ' | b'\t' | b'\r')) {
                    j += 1;
                }
                if matches!(bytes.get(j), Some(b'\n') | None) {
                    break;
                }
                end += 1;
                continue;
            }
            break;
        }
        self.pos = end;
        tok(Kind::Word, self.slice(start, end))
    }

    fn quoted(&mut self, quote: u8, start: usize, line: u32, col: u32) -> Token<'a> {
        let bytes = self.src.as_bytes();
        let mut i = start + 1;
        let mut escaped = false;
        while let Some(&c) = bytes.get(i) {
            if c == quote {
                self.pos = i + 1;
                return Token {
                    kind: Kind::Quoted { escaped },
                    text: self.slice(start + 1, i),
                    line,
                    col,
                };
            }
            if c == b'\n' {
                break;
            }
            if c == b'\\' {
                escaped = true;
                i += 1;
                if bytes.get(i) == Some(&b'\n') {
                    break;
                }
            }
            i += 1;
        }
        // No closing quote on this line: the rest of the line is the bad token.
        let end = i.min(bytes.len());
        self.pos = end;
        Token {
            kind: Kind::Unterminated,
            text: self.slice(start, end),
            line,
            col,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(s: &str) -> Vec<(Kind, String, u32, u32)> {
        let mut l = Lexer::new(s);
        let mut v = Vec::new();
        loop {
            let t = l.next_token();
            if t.kind == Kind::Eof {
                break;
            }
            v.push((t.kind, t.value().into_owned(), t.line, t.col));
        }
        v
    }

    /// What a byte-by-byte scan gives: the text before the first `;` with its line ends, or
    /// nothing when a quote, comment, backslash or brace comes first, or no `;` at all.
    fn tail_by_bytes(s: &str) -> Option<(&str, u32, usize)> {
        let (mut lines, mut last) = (0, 0);
        for (i, b) in s.bytes().enumerate() {
            match b {
                b'\n' => {
                    lines += 1;
                    last = i;
                }
                b';' => return Some((&s[..i], lines, last)),
                b'{' | b'}' | b'#' | b'\'' | b'"' | b'\\' => return None,
                _ => {}
            }
        }
        None
    }

    #[test]
    fn plain_tail_is_what_a_byte_scan_gives() {
        let mut cases: Vec<String> = [
            "next-hop 1.2.3.4 med 5; route x",
            "next-hop 1.2.3.4\n  med 5\n  ;",
            "as-path [ 1 2 ( 3 ) ] community [ 1:1 ];",
            "med 5 # a comment ; here\n;",
            "name \"a;b\";",
            "name 'a';",
            "med 5 \\\n 6;",
            "med 5 { x };",
            "med 5 }",
            "med 5",
            "",
            ";",
            "\n\n;",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every stop byte at every place of a longer line.
        let base = "next-hop 198.51.100.1 as-path [ 64500 64501 ] community [ 64500:1 ] med 7";
        for stop in ['{', '}', '#', '\'', '"', '\\', '\n', ';'] {
            for at in 0..=base.len() {
                let mut t = base.to_string();
                t.insert(at, stop);
                t.push(';');
                cases.push(t);
            }
        }
        for c in &cases {
            for lead in ["", "route 10.0.0.0/24 "] {
                let text = format!("{lead}{c}");
                let mut l = Lexer::new(&text);
                l.pos = lead.len();
                let got = l
                    .plain_tail()
                    .map(|(t, tail)| (t, tail.lines, tail.last_newline.saturating_sub(lead.len())));
                let want = tail_by_bytes(c);
                assert_eq!(got, want, "{text:?}");
            }
        }
    }

    #[test]
    fn words_punctuation_and_positions() {
        let v = lex("neighbor 10.0.0.1 {\n  as-path [1 2(3)];\n}");
        let texts: Vec<&str> = v.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(
            texts,
            ["neighbor", "10.0.0.1", "{", "as-path", "[", "1", "2", "(", "3", ")", "]", ";", "}"]
        );
        assert_eq!((v[3].2, v[3].3), (2, 3));
        assert_eq!(v[4].0, Kind::LBracket);
        assert_eq!((v[12].2, v[12].3), (3, 1));
    }

    #[test]
    fn comments_commas_and_quotes() {
        let v = lex("a, b # c d\n\"x y\" 'z\\'w' #e");
        let texts: Vec<&str> = v.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(texts, ["a", "b", "x y", "z'w"]);
        assert_eq!(v[2].0, Kind::Quoted { escaped: false });
        assert_eq!((v[2].2, v[2].3), (2, 1));
    }

    #[test]
    fn backslash_joins_lines() {
        let v = lex("vpls \\\n  rd 1:1 \\  \r\n next-hop 1.2.3.4;");
        let texts: Vec<&str> = v.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(texts, ["vpls", "rd", "1:1", "next-hop", "1.2.3.4", ";"]);
        assert_eq!(v[1].2, 2);
        assert_eq!(v[3].2, 3);
    }

    #[test]
    fn unterminated_quote_is_reported() {
        let v = lex("md5-password \"abc\nnext");
        assert_eq!(v[1].0, Kind::Unterminated);
        assert_eq!(v[2].1, "next");
    }

    #[test]
    fn word_ends_at_hash() {
        let v = lex("abc#def\nx");
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].1, "abc");
    }
}
