//! A small reader of Rust source, for `tests/keywords.rs`: enough to find where the parser
//! compares a word with string literals (`match`, `matches!`, `x.text == "…"`,
//! `x.eq_ignore_ascii_case("…")`, `const` lists of words), and the function each comparison is
//! in. It knows comments, strings (raw too), characters and lifetimes, and follows `match` arms,
//! guards and nested matches; it skips `mod tests`.

/// A token of Rust source.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// A string literal's contents (escapes are not needed for keywords).
    Str(String),
    /// Numbers, byte strings, characters, lifetimes: nothing this reader looks into.
    Other,
    Punct(String),
}

#[derive(Clone, Debug)]
struct T {
    tok: Tok,
    line: usize,
}

impl T {
    fn is(&self, p: &str) -> bool {
        matches!(&self.tok, Tok::Punct(s) | Tok::Ident(s) if s == p)
    }

    fn text(&self) -> String {
        match &self.tok {
            Tok::Ident(s) | Tok::Punct(s) => s.clone(),
            Tok::Str(s) => format!("{s:?}"),
            Tok::Other => "_".into(),
        }
    }
}

fn lex(src: &str) -> Vec<T> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        let start_line = line;
        let mut push = |tok: Tok| {
            out.push(T {
                tok,
                line: start_line,
            })
        };
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= c.len() {
                    break;
                }
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if (ch == 'r' && matches!(at(i + 1), '"' | '#'))
            || (ch == 'b' && at(i + 1) == 'r' && matches!(at(i + 2), '"' | '#'))
        {
            // A raw string: r"…", r#"…"#, br"…".
            let byte = ch == 'b';
            i += if byte { 2 } else { 1 };
            let mut hashes = 0;
            while at(i) == '#' {
                hashes += 1;
                i += 1;
            }
            if at(i) != '"' {
                // `r#ident` (a raw identifier).
                let s = i;
                while at(i).is_alphanumeric() || at(i) == '_' {
                    i += 1;
                }
                push(Tok::Ident(c[s..i].iter().collect()));
                continue;
            }
            i += 1;
            let s = i;
            loop {
                if i >= c.len() {
                    break;
                }
                if c[i] == '"' && (0..hashes).all(|k| at(i + 1 + k) == '#') {
                    break;
                }
                if c[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
            let text: String = c[s..i.min(c.len())].iter().collect();
            i += 1 + hashes;
            push(if byte { Tok::Other } else { Tok::Str(text) });
        } else if ch == '"' || (ch == 'b' && at(i + 1) == '"') {
            let byte = ch == 'b';
            i += if byte { 2 } else { 1 };
            let mut text = String::new();
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    text.push(at(i + 1));
                    if at(i + 1) == '\n' {
                        line += 1;
                    }
                    i += 2;
                    continue;
                }
                if c[i] == '\n' {
                    line += 1;
                }
                text.push(c[i]);
                i += 1;
            }
            i += 1;
            push(if byte { Tok::Other } else { Tok::Str(text) });
        } else if ch == '\'' || (ch == 'b' && at(i + 1) == '\'') {
            // A character ('x', '\n', b'x') or a lifetime ('a).
            if ch == 'b' {
                i += 1;
            }
            if at(i + 1) == '\\' {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
                while at(i).is_alphanumeric() || at(i) == '_' {
                    i += 1;
                }
            }
            push(Tok::Other);
        } else if ch.is_alphabetic() || ch == '_' {
            let s = i;
            while at(i).is_alphanumeric() || at(i) == '_' {
                i += 1;
            }
            push(Tok::Ident(c[s..i].iter().collect()));
        } else if ch.is_ascii_digit() {
            while at(i).is_alphanumeric() || at(i) == '_' {
                i += 1;
            }
            push(Tok::Other);
        } else {
            let two: String = [ch, at(i + 1)].iter().collect();
            if ["=>", "==", "!=", "::", "->", "<=", ">=", "&&", "||", ".."].contains(&two.as_str())
            {
                i += 2;
                push(Tok::Punct(two));
            } else {
                i += 1;
                push(Tok::Punct(ch.to_string()));
            }
        }
    }
    out
}

/// Where the parser compares a word with string literals: a `match` arm, `==` / `!=`, an
/// `eq_ignore_ascii_case`, a `matches!`, or a `const` list of words.
#[derive(Clone, Debug)]
pub struct Site {
    /// Path from the workspace root.
    pub file: String,
    pub line: usize,
    /// The enclosing function (`Type::function` in an `impl`), or the `const`'s name.
    pub func: String,
    /// What is compared, as written without spaces (`k.text`, `(section,key)`), or `const`.
    pub scrutinee: String,
    /// The literal; the literals of one tuple pattern are joined with `.` (`("tcp", "port")`
    /// is `tcp.port`).
    pub word: String,
}

/// The index of the delimiter closing the one at `open`.
fn closing(t: &[T], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, x) in t.iter().enumerate().skip(open) {
        if x.is("{") || x.is("(") || x.is("[") {
            depth += 1;
        } else if x.is("}") || x.is(")") || x.is("]") {
            depth -= 1;
            if depth == 0 {
                return k;
            }
        }
    }
    t.len()
}

/// The index of the first `want` at nesting depth 0 from `from`, stopping at an unbalanced
/// closing delimiter.
fn find_at_depth0(t: &[T], from: usize, want: &[&str]) -> Option<usize> {
    let mut depth = 0i32;
    for (k, x) in t.iter().enumerate().skip(from) {
        if depth == 0 && want.iter().any(|w| x.is(w)) {
            return Some(k);
        }
        if x.is("{") || x.is("(") || x.is("[") {
            depth += 1;
        } else if x.is("}") || x.is(")") || x.is("]") {
            depth -= 1;
            if depth < 0 {
                return None;
            }
        }
    }
    None
}

fn joined(t: &[T]) -> String {
    t.iter().map(T::text).collect()
}

/// The words of a pattern: one per `|` alternative that holds string literals. Alternatives
/// inside a tuple are expanded: `("a" | "b", "c")` gives `a.c` and `b.c`.
fn pattern_words(p: &[T]) -> Vec<(String, usize)> {
    alternatives(p)
        .into_iter()
        .filter_map(|strs| {
            let line = strs.first()?.line;
            let word = strs
                .iter()
                .map(|x| match &x.tok {
                    Tok::Str(s) => s.as_str(),
                    _ => "",
                })
                .collect::<Vec<_>>()
                .join(".");
            Some((word, line))
        })
        .collect()
}

/// `p` split at its top-level `sep`.
fn split_at_depth0<'t>(p: &'t [T], sep: &str) -> Vec<&'t [T]> {
    let mut out = Vec::new();
    let (mut depth, mut from) = (0i32, 0);
    for (k, x) in p.iter().enumerate() {
        if x.is("(") || x.is("[") || x.is("{") {
            depth += 1;
        } else if x.is(")") || x.is("]") || x.is("}") {
            depth -= 1;
        } else if depth == 0 && x.is(sep) {
            out.push(&p[from..k]);
            from = k + 1;
        }
    }
    out.push(&p[from..]);
    out
}

/// The string literals of each alternative a pattern stands for.
fn alternatives(p: &[T]) -> Vec<Vec<&T>> {
    split_at_depth0(p, "|")
        .into_iter()
        .flat_map(sequence)
        .collect()
}

/// The string literals of one alternative, in order: for each group (tuple, slice or struct
/// pattern) inside it, one sequence per combination of its elements' alternatives.
fn sequence(p: &[T]) -> Vec<Vec<&T>> {
    let mut out: Vec<Vec<&T>> = vec![Vec::new()];
    let mut k = 0;
    while k < p.len() {
        let x = &p[k];
        let options: Vec<Vec<&T>> = if matches!(x.tok, Tok::Str(_)) {
            vec![vec![x]]
        } else if x.is("(") || x.is("[") || x.is("{") {
            let close = closing(p, k).min(p.len());
            let inner = p.get(k + 1..close).unwrap_or_default();
            k = close;
            split_at_depth0(inner, ",")
                .into_iter()
                .fold(vec![Vec::new()], |acc, element| {
                    product(&acc, &alternatives(element))
                })
        } else {
            Vec::new()
        };
        if !options.is_empty() {
            out = product(&out, &options);
        }
        k += 1;
    }
    out
}

/// Every `a` followed by every `b`.
fn product<'t>(a: &[Vec<&'t T>], b: &[Vec<&'t T>]) -> Vec<Vec<&'t T>> {
    a.iter()
        .flat_map(|x| {
            b.iter()
                .map(move |y| x.iter().chain(y.iter()).copied().collect())
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Arm {
    Pattern,
    Guard,
    Body,
    /// Just after an arm body written as a block: a `,`, `else`, or the next pattern follows.
    AfterBlock,
}

struct Frame {
    /// The delimiter depth of the match body.
    depth: usize,
    scrutinee: String,
    state: Arm,
    pattern: Vec<T>,
}

/// Every comparison of a word with string literals in one Rust file (its `mod tests` skipped).
pub fn scan(file: &str, src: &str) -> Vec<Site> {
    let t = lex(src);
    let mut sites = Vec::new();
    // Open delimiters, each with the name of the item it opens (`fn`, `impl`) if any.
    let mut stack: Vec<(String, Option<(bool, String)>)> = Vec::new();
    // An item seen and not opened yet: (depth, is an impl, name).
    let mut pending: Option<(usize, bool, String)> = None;
    let mut frames: Vec<Frame> = Vec::new();
    // `{` indexes that open a match body, with its scrutinee.
    let mut match_bodies: Vec<(usize, String)> = Vec::new();
    let func = |stack: &[(String, Option<(bool, String)>)]| {
        let f = stack
            .iter()
            .rev()
            .find_map(|(_, s)| s.as_ref().filter(|(imp, _)| !imp).map(|(_, n)| n.clone()));
        let imp = stack
            .iter()
            .rev()
            .find_map(|(_, s)| s.as_ref().filter(|(imp, _)| *imp).map(|(_, n)| n.clone()));
        match (imp, f) {
            (Some(i), Some(f)) => format!("{i}::{f}"),
            (None, Some(f)) => f,
            (Some(i), None) => i,
            (None, None) => String::new(),
        }
    };
    let mut i = 0;
    while i < t.len() {
        let x = t[i].clone();
        let d = stack.len();
        // Test modules hold no parser code.
        if x.is("mod")
            && t.get(i + 1).is_some_and(|n| n.is("tests"))
            && t.get(i + 2).is_some_and(|n| n.is("{"))
        {
            i = closing(&t, i + 2) + 1;
            continue;
        }
        // The arms of the innermost match.
        if let Some(f) = frames.last_mut() {
            if f.state == Arm::AfterBlock && d == f.depth {
                if x.is(",") {
                    f.state = Arm::Pattern;
                    i += 1;
                    continue;
                }
                f.state = if x.is("else") || x.is(".") || x.is("?") {
                    Arm::Body
                } else {
                    Arm::Pattern
                };
            }
            let closes_body = d == f.depth && (x.is("}") || x.is(")") || x.is("]"));
            match f.state {
                Arm::Pattern if d >= f.depth && !closes_body => {
                    if d == f.depth && x.is("=>") {
                        emit(&mut sites, file, &func(&stack), f);
                        f.state = Arm::Body;
                        i += 1;
                        continue;
                    }
                    if d == f.depth && x.is("if") {
                        f.state = Arm::Guard;
                    } else {
                        f.pattern.push(x.clone());
                    }
                }
                Arm::Guard if d == f.depth && x.is("=>") => {
                    emit(&mut sites, file, &func(&stack), f);
                    f.state = Arm::Body;
                    i += 1;
                    continue;
                }
                Arm::Body if d == f.depth && x.is(",") => {
                    f.state = Arm::Pattern;
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        match &x.tok {
            Tok::Ident(w) if w == "match" => {
                if let Some(open) = find_at_depth0(&t, i + 1, &["{"]) {
                    match_bodies.push((open, joined(&t[i + 1..open])));
                }
            }
            Tok::Ident(w) if w == "matches" && t.get(i + 1).is_some_and(|n| n.is("!")) => {
                let open = i + 2;
                let close = closing(&t, open);
                if let Some(comma) = find_at_depth0(&t, open + 1, &[","]) {
                    let pattern = t[comma + 1..close.min(t.len())].to_vec();
                    let mut f = Frame {
                        depth: 0,
                        scrutinee: joined(&t[open + 1..comma]),
                        state: Arm::Pattern,
                        pattern,
                    };
                    emit(&mut sites, file, &func(&stack), &mut f);
                }
            }
            Tok::Ident(w) if w == "const" && !t.get(i + 1).is_some_and(|n| n.is("fn")) => {
                let name = t.get(i + 1).map(T::text).unwrap_or_default();
                if let (Some(eq), Some(semi)) =
                    (find_at_depth0(&t, i, &["="]), find_at_depth0(&t, i, &[";"]))
                {
                    let ty = &t[i + 2..eq.min(semi)];
                    if eq < semi && ty.iter().any(|x| x.is("str")) && ty.iter().any(|x| x.is("[")) {
                        for s in &t[eq..semi] {
                            if let Tok::Str(w) = &s.tok {
                                sites.push(Site {
                                    file: file.into(),
                                    line: s.line,
                                    func: name.clone(),
                                    scrutinee: "const".into(),
                                    word: w.clone(),
                                });
                            }
                        }
                    }
                }
            }
            // `k.eq_ignore_ascii_case("l2info")`, `v.text.eq_ignore_ascii_case("self")`.
            Tok::Ident(w)
                if w == "eq_ignore_ascii_case"
                    && i >= 2
                    && t[i - 1].is(".")
                    && t.get(i + 1).is_some_and(|n| n.is("("))
                    && t.get(i + 3).is_some_and(|n| n.is(")")) =>
            {
                if let (Some(Tok::Str(word)), Some(from)) =
                    (t.get(i + 2).map(|n| &n.tok), receiver(&t, i - 1))
                {
                    sites.push(Site {
                        file: file.into(),
                        line: x.line,
                        func: func(&stack),
                        scrutinee: joined(&t[from..i - 1]),
                        word: word.clone(),
                    });
                }
            }
            Tok::Ident(w) if w == "fn" => {
                if let Some(n) = t.get(i + 1) {
                    pending = Some((d, false, n.text()));
                }
            }
            Tok::Ident(w) if w == "impl" => pending = Some((d, true, String::new())),
            Tok::Ident(w) => {
                if let Some((pd, true, name)) = pending.as_mut() {
                    if *pd == d && !["for", "where", "dyn"].contains(&w.as_str()) {
                        *name = w.clone();
                    }
                }
            }
            Tok::Punct(p) if p == "==" || p == "!=" => {
                if let (Some(Tok::Str(w)), true) = (
                    t.get(i + 1).map(|n| &n.tok),
                    i >= 3 && t[i - 1].is("text") && t[i - 2].is("."),
                ) {
                    sites.push(Site {
                        file: file.into(),
                        line: x.line,
                        func: func(&stack),
                        scrutinee: joined(&t[i - 3..i]),
                        word: w.clone(),
                    });
                }
            }
            // A declaration without a body (`fn f();` in a trait).
            Tok::Punct(p) if p == ";" && pending.as_ref().is_some_and(|(pd, _, _)| *pd == d) => {
                pending = None;
            }
            Tok::Punct(p) if p == "{" || p == "(" || p == "[" => {
                let item = if p == "{" {
                    pending
                        .take_if(|(pd, _, _)| *pd == d)
                        .map(|(_, imp, name)| (imp, name))
                } else {
                    None
                };
                stack.push((p.clone(), item));
                if let Some(pos) = match_bodies.iter().position(|(k, _)| *k == i) {
                    let (_, scrutinee) = match_bodies.remove(pos);
                    frames.push(Frame {
                        depth: stack.len(),
                        scrutinee,
                        state: Arm::Pattern,
                        pattern: Vec::new(),
                    });
                }
            }
            Tok::Punct(p) if p == "}" || p == ")" || p == "]" => {
                stack.pop();
                if let Some(f) = frames.last_mut() {
                    if stack.len() < f.depth {
                        frames.pop();
                    } else if stack.len() == f.depth && p == "}" && f.state == Arm::Body {
                        f.state = Arm::AfterBlock;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    sites
}

/// Where the receiver of the method call whose `.` is at `dot` starts: a path of fields such as
/// `k` or `v.text` (`None` for anything else, a call or an index).
fn receiver(t: &[T], dot: usize) -> Option<usize> {
    let is_ident = |k: usize| matches!(t.get(k).map(|x| &x.tok), Some(Tok::Ident(_)));
    let mut from = dot.checked_sub(1).filter(|k| is_ident(*k))?;
    while from >= 2 && t[from - 1].is(".") && is_ident(from - 2) {
        from -= 2;
    }
    Some(from)
}

fn emit(sites: &mut Vec<Site>, file: &str, func: &str, f: &mut Frame) {
    for (word, line) in pattern_words(&f.pattern) {
        sites.push(Site {
            file: file.into(),
            line,
            func: func.into(),
            scrutinee: f.scrutinee.clone(),
            word,
        });
    }
    f.pattern.clear();
}
