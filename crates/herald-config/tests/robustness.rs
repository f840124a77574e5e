//! The parser never panics, whatever the text.

use std::path::Path;

use proptest::prelude::*;

fn examples() -> &'static [String] {
    static CACHE: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    CACHE.get_or_init(load)
}

fn load() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/exabgp-examples");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    v.sort();
    v.into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(s in "[ -~\t\n{}\\[\\]();#'\"\\\\]{0,300}") {
        let _ = herald_config::parse_str(&s, Path::new("x"));
        let _ = herald_config::parse_route_specs(&s);
        let _ = herald_config::parse_attributes_nlri(&s);
    }

    #[test]
    fn cut_and_spliced_examples_never_panic(
        i in 0usize..86, j in 0usize..86, a in 0usize..4000, b in 0usize..4000
    ) {
        let ex = examples();
        let (x, y) = (&ex[i % ex.len()], &ex[j % ex.len()]);
        let cut = |s: &str, n: usize| {
            let mut n = n.min(s.len());
            while !s.is_char_boundary(n) { n -= 1; }
            n
        };
        let text = format!("{}{}", &x[..cut(x, a)], &y[cut(y, b)..]);
        let _ = herald_config::parse_str(&text, Path::new("x"));
    }
}
