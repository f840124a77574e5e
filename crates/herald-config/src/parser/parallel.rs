//! Reading a long run of `route …;` statements on several cores.
//!
//! A `static` block of a generated table can hold a million route statements. When the text
//! left after its `{` is long, the block's reader picks split points (just after a `;`) and
//! helper threads read from each split point the `route …;` statements that follow, each with
//! its own parser and interner, stopping at the next split point or at the first statement
//! that is not a plain route. The block's own reader goes on as usual; when it stands exactly
//! at a split point after a statement of the same block, it takes that part — routes (their
//! shared parts moved into its interner), errors and warnings, in text order — and goes on
//! from where the part ended. A part it passes by, or whose helper failed, is dropped: the
//! block's reader then reads that text itself. So the result, errors and line numbers
//! included, is the same as reading the text on one core; only the time differs.

use std::collections::VecDeque;
use std::thread::ScopedJoinHandle;

use super::{End, Parser};
use crate::error::ConfigError;
use crate::lexer::{Kind, LexState, Lexer};
use crate::route::{Cursor, Interner, RouteRec};

/// Read in parallel only when at least this much text follows a `static {` (smaller
/// configurations are read faster than threads start).
pub(crate) const PARALLEL_MIN: usize = 4 << 20;

/// The first part's size against a helper's 8 (so 9/17 of the text with two cores).
const MAIN_WEIGHT: u128 = 9;

/// At most this many threads read one block.
const MAX_PARTS: usize = 8;

/// What a helper read.
pub(crate) struct Part {
    routes: Vec<RouteRec>,
    interner: Interner,
    errors: Vec<ConfigError>,
    warnings: Vec<ConfigError>,
    /// Where its last statement ended.
    end: LexState,
}

/// A part being read: its split point and its thread.
pub(crate) type Job<'scope> = (usize, ScopedJoinHandle<'scope, Part>);

impl<'a> Parser<'a> {
    /// Split points for the text after the current position: `(split, limit)` pairs, each
    /// split just after a `;`, each part ending at the next split. Empty when the text is
    /// short or there is one core.
    pub(crate) fn plan_parts(&self) -> Vec<(usize, usize)> {
        let src = self.lex.source();
        let from = self.lex.state().pos;
        let rest = src.len().saturating_sub(from);
        if rest < self.parallel_min {
            return Vec::new();
        }
        let n = match self.parallel_parts {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
        .min(MAX_PARTS);
        let bytes = src.as_bytes();
        let mut splits: Vec<usize> = Vec::new();
        // The block's reader takes a larger first part: a helper starts later (it counts the
        // lines before its split point) and is measurably slower per route, and the reader
        // still has to take the helpers' parts in when it is done.
        let share = |i: usize| {
            (rest as u128 * (MAIN_WEIGHT + 8 * (i as u128 - 1))
                / (MAIN_WEIGHT + 8 * (n as u128 - 1))) as usize
        };
        for i in 1..n {
            let at = from + share(i);
            let Some(semi) = bytes
                .get(at..)
                .and_then(|b| b.iter().position(|&c| c == b';'))
            else {
                break;
            };
            let split = at + semi + 1;
            if splits.last().is_none_or(|&last| split > last) {
                splits.push(split);
            }
        }
        let limits = splits.iter().skip(1).copied().chain([usize::MAX]);
        splits.iter().copied().zip(limits).collect()
    }

    /// Take every finished part that starts exactly where the reader stands; drop the parts
    /// it has passed.
    pub(crate) fn take_parts(&mut self, jobs: &mut VecDeque<Job<'_>>, routes: &mut Vec<RouteRec>) {
        while let Some((split, _)) = jobs.front() {
            let pos = self.lex.state().pos;
            if pos < *split {
                return;
            }
            let Some((split, handle)) = jobs.pop_front() else {
                return;
            };
            let part = handle.join();
            let Ok(part) = part else {
                continue; // its thread failed: this reader reads the text itself
            };
            if pos != split {
                continue;
            }
            let map = self.interner.absorb(part.interner);
            routes.reserve(part.routes.len());
            routes.extend(part.routes.into_iter().filter_map(|mut r| {
                r.shared = *map.get(r.shared as usize)?;
                Some(r)
            }));
            for e in part.errors {
                self.error(e);
            }
            for w in part.warnings {
                self.warn(w);
            }
            self.lex = Lexer::at(self.lex.source(), part.end);
            self.parts_taken += 1;
        }
    }
}

/// A helper's work: from `split` (found from `from`, the block reader's position when it
/// planned), read `route …;` statements until `limit` or the first other statement.
pub(crate) fn read_part(src: &str, from: LexState, split: usize, limit: usize) -> Part {
    let start = from.advanced(src, split);
    let mut p = Parser::new(src);
    p.lex = Lexer::at(src, start);
    p.route_words = &["route"];
    let mut routes = Vec::new();
    let mut buf = Vec::new();
    let mut end = start;
    loop {
        let before = p.lex.state();
        if before.pos >= limit || p.full() {
            break;
        }
        let (errors, warnings) = (p.errors.len(), p.warnings.len());
        let stop = p.statement(&mut buf);
        let kw = match (stop, buf.first()) {
            (End::Semi, Some(kw)) if !p.poisoned && kw.kind == Kind::Word && kw.text == "route" => {
                *kw
            }
            _ => {
                // Not a plain route: the block's reader reads it (and reports its errors).
                p.errors.truncate(errors);
                p.warnings.truncate(warnings);
                break;
            }
        };
        let mut cur = Cursor::new(buf.get(1..).unwrap_or_default());
        if let Err(e) = p.route(&kw, &mut cur, false, None, &mut routes) {
            p.error(e);
        }
        end = p.lex.state();
    }
    Part {
        routes,
        interner: p.interner,
        errors: p.errors,
        warnings: p.warnings,
        end,
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;
    use std::path::Path;

    use crate::model::Config;
    use crate::ConfigError;

    /// A configuration of `n` routes in one static block, with statements that are not plain
    /// routes (a route block, a quoted name, comments, a blank attribute line) and, when
    /// `bad` is set, errors in both halves.
    fn table(n: usize, bad: bool) -> String {
        let mut s = String::from(
            "neighbor 192.0.2.1 {\n  router-id 192.0.2.2;\n  local-address 192.0.2.2;\n  local-as 65001;\n  peer-as 65002;\n  static {\n",
        );
        for i in 0..n {
            let (a, b) = (16 + i / 65536, (i / 256) % 256);
            let c = i % 256;
            match i % 997 {
                5 => writeln!(s, "    route {a}.{b}.{c}.0/24 {{ next-hop 198.51.100.1; med {i}; }}"),
                6 => writeln!(s, "    # a comment; with a semicolon\n    route {a}.{b}.{c}.0/24 next-hop 198.51.100.1 name \"r{i}\";"),
                7 if bad => writeln!(s, "    route {a}.{b}.{c}.0/33 next-hop 198.51.100.1;"),
                8 if bad => writeln!(s, "    route {a}.{b}.{c}.0/24 next-hop 198.51.100.1 med nope;"),
                _ => writeln!(
                    s,
                    "    route {a}.{b}.{c}.0/24 next-hop 198.51.100.{} as-path [ {} {} ] community [ 65000:{} ];",
                    1 + i % 3,
                    64512 + i % 7,
                    i % 11,
                    i % 5
                ),
            }
            .unwrap_or(());
        }
        s.push_str("  }\n}\n");
        s
    }

    /// The configuration, and how many parts other threads read.
    fn read_counting(
        text: &str,
        parallel_min: usize,
        parts: usize,
    ) -> (Result<Config, Vec<ConfigError>>, usize) {
        let mut p = super::Parser::new(text);
        p.parallel_min = parallel_min;
        p.parallel_parts = parts;
        p.parse_file();
        let taken = p.parts_taken;
        (
            crate::finish(crate::Read::from(p), Path::new("t.conf")),
            taken,
        )
    }

    fn read(text: &str, parallel_min: usize, parts: usize) -> Result<Config, Vec<ConfigError>> {
        read_counting(text, parallel_min, parts).0
    }

    #[test]
    fn parts_read_by_other_threads_are_taken() {
        let text = table(20_000, true);
        for parts in [2, 4] {
            let (_, taken) = read_counting(&text, 0, parts);
            assert!(taken >= 1, "{parts} parts: none taken");
        }
        assert_eq!(read_counting(&text, usize::MAX, 4).1, 0);
    }

    #[test]
    fn a_static_block_read_on_several_threads_gives_the_same_routes() {
        let text = table(20_000, false);
        let one = read(&text, usize::MAX, 1);
        let Ok(cfg) = &one else {
            panic!("valid table refused: {one:?}");
        };
        assert_eq!(cfg.neighbors[0].routes.len(), 20_000);
        for parts in [2, 3, 8] {
            assert_eq!(read(&text, 0, parts), one, "{parts} parts");
        }
    }

    #[test]
    fn errors_in_a_static_block_read_on_several_threads_are_the_same_with_the_same_lines() {
        let text = table(20_000, true);
        let Err(one) = read(&text, usize::MAX, 1) else {
            panic!("errors not found");
        };
        assert!(one.len() > 20, "{}", one.len());
        for parts in [2, 5] {
            let Err(many) = read(&text, 0, parts) else {
                panic!("errors not found with {parts} parts");
            };
            let show = |v: &[ConfigError]| v.iter().map(|e| e.to_string()).collect::<Vec<_>>();
            assert_eq!(show(&many), show(&one), "{parts} parts");
        }
    }

    #[test]
    fn split_points_in_other_blocks_or_inside_comments_change_nothing() {
        // Two neighbors: the second block's text holds most split points; a comment holds `;`.
        let mut text = table(3_000, false);
        text.push_str("# trailing; comment; with; semicolons\n");
        text.push_str(&table(9_000, false).replace("192.0.2.1", "192.0.2.9"));
        let one = read(&text, usize::MAX, 1);
        assert!(one.is_ok(), "{one:?}");
        for parts in [2, 4, 7] {
            assert_eq!(read(&text, 0, parts), one, "{parts} parts");
        }
    }
}
