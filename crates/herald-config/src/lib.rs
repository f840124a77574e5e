//! herald-config: ExaBGP 5 configuration text to a validated, typed model, and the diff
//! between two models for a reload.
//!
//! What it does: lexes and parses the ExaBGP grammar (`process`, `template`, `neighbor` with
//! `family`, `capability`, `add-path`, `nexthop`, `api`, `static`, `announce` and `flow`
//! blocks, and herald's own `vpn` block), applies templates, fills ExaBGP's defaults and checks the result ([`parse_str`],
//! [`load`]); parses route specifications and flow rules for the text API
//! ([`parse_route_spec`], [`parse_attributes_nlri`], [`parse_flow_command`],
//! [`parse_l2vpn_route`]); reads ExaBGP's environment settings ([`Env`]); and computes what a
//! reload must change ([`diff()`]). `docs/configuration.md` describes the grammar;
//! [`keywords::KEYWORDS`] lists every keyword the parser knows.
//!
//! What it never does: network or process I/O, clocks or logging. The only I/O is [`load`]
//! reading the one file it is given. The only threads are scoped ones inside a parse: a
//! `static` block followed by more than 4 MiB of text is read on every core (a generated table
//! of a million routes), with the same result as on one. Program paths in `process` blocks are not
//! checked or resolved: that is the daemon's job.
//!
//! Errors and panics: parsing never panics on any input. Every problem is a [`ConfigError`]
//! with file, line, column and token; all problems in a file are reported (up to 100), and a
//! configuration with any error is never returned, so a [`Config`] is always whole and
//! valid. Constructs herald understands but does not implement yet (MVPN, BGP-LS, …)
//! are errors whose message starts with `unsupported:`.

#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod api;
pub mod diff;
pub mod env;
mod error;
mod hash;
pub mod keywords;
mod lexer;
pub mod model;
mod parser;
mod resolve;
mod route;
mod values;

use std::path::{Path, PathBuf};

pub use api::{
    parse_attributes_nlri, parse_family_flow_command, parse_flow_command, parse_l2vpn_route,
    parse_mup_route, parse_mvpn_route, parse_route_spec, parse_route_specs, parse_rtc_route,
};
pub use diff::{diff, ConfigDiff, RouteChanges};
pub use env::{Env, EnvError, LogLevel};
pub use error::{ConfigError, Span};
pub use model::{
    Api, ApiMessages, AttrSet, Capabilities, Config, Encoder, Md5, Neighbor, NeighborKey,
    NextHopSpec, PrefixLimit, Process, Route, RouteLabels, Vpn, VpnDataplane,
};
pub use route::{FlowRule, RouteGroup, RouteTable};

/// The families herald can configure routes for and negotiate today.
pub fn supported_families() -> &'static [herald_wire::Family] {
    &parser::SUPPORTED_FAMILIES
}

/// The families herald negotiates and decodes but has no routes of its own for (BGP-LS).
pub fn receive_only_families() -> &'static [herald_wire::Family] {
    &parser::RECEIVE_ONLY_FAMILIES
}

/// Parse configuration text. `file` is the name errors carry.
pub fn parse_str(text: &str, file: &Path) -> Result<Config, Vec<ConfigError>> {
    finish(read(text), file)
}

/// What the parser read, no longer tied to the text.
struct Read {
    errors: Vec<ConfigError>,
    warnings: Vec<ConfigError>,
    neighbors: Vec<parser::Draft>,
    templates: Vec<(String, Span, parser::Draft)>,
    processes: Vec<Process>,
    vpn: Option<Vpn>,
    interner: route::Interner,
}

/// Parse the text into drafts.
fn read(text: &str) -> Read {
    let mut p = parser::Parser::new(text);
    p.parse_file();
    Read::from(p)
}

impl From<parser::Parser<'_>> for Read {
    fn from(p: parser::Parser<'_>) -> Read {
        Read {
            errors: p.errors,
            warnings: p.warnings,
            neighbors: p.neighbors,
            templates: p.templates,
            processes: p.processes,
            vpn: p.vpn,
            interner: p.interner,
        }
    }
}

/// Apply templates, check, and make the configuration.
fn finish(r: Read, file: &Path) -> Result<Config, Vec<ConfigError>> {
    let Read {
        mut errors,
        mut warnings,
        neighbors,
        templates,
        processes,
        vpn,
        interner,
    } = r;
    let neighbors = if errors.len() < parser::MAX_ERRORS {
        resolve::resolve(
            neighbors,
            &templates,
            &processes,
            &interner,
            &mut errors,
            &mut warnings,
        )
    } else {
        Vec::new()
    };
    // The routes hold what they need of it.
    interner.free();
    let name = |mut e: ConfigError| {
        e.file = file.to_path_buf();
        e
    };
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.line, e.col));
        errors.dedup_by(|a, b| a.line == b.line && a.col == b.col && a.message == b.message);
        errors.truncate(parser::MAX_ERRORS);
        return Err(errors.into_iter().map(name).collect());
    }
    warnings.sort_by_key(|e| (e.line, e.col));
    Ok(Config {
        source: file.to_path_buf(),
        neighbors,
        processes,
        vpn,
        warnings: warnings.into_iter().map(name).collect(),
    })
}

/// A text at least this long is freed on another thread.
const FREE_APART: usize = 16 << 20;

/// Read and parse a configuration file.
pub fn load(path: impl AsRef<Path>) -> Result<Config, Vec<ConfigError>> {
    let path = path.as_ref();
    let io_error = |message: String| {
        vec![ConfigError {
            file: PathBuf::from(path),
            line: 0,
            col: 0,
            token: String::new(),
            message,
        }]
    };
    let bytes = read_file(path).map_err(|e| io_error(format!("cannot read the file: {e}")))?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let before = bytes.get(..at).unwrap_or_default();
            let line = before.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let col = (at
                - before
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |p| p + 1)) as u32
                + 1;
            return Err(vec![ConfigError {
                file: PathBuf::from(path),
                line,
                col,
                token: String::new(),
                message: "the file is not valid UTF-8".into(),
            }]);
        }
    };
    let r = read(text);
    // The text is not needed any more: a large one is freed on another thread (unmapping
    // takes a while) as the routes are made.
    if bytes.len() >= FREE_APART {
        drop_apart(bytes);
    } else {
        drop(bytes);
    }
    finish(r, path)
}

/// Drop `value` on a thread of its own (freeing a large one takes time the caller need not
/// wait); here when no thread can be had.
pub(crate) fn drop_apart<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("herald-free".into())
        .spawn(move || drop(value));
}

/// A file at least this long is read a slice per core.
const READ_APART: u64 = 16 << 20;

/// The whole file.
#[cfg(not(unix))]
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    std::fs::read(path)
}

/// The whole file. A long one is read a slice per core (copying from the page cache into
/// fresh memory is most of the time, and it divides).
#[cfg(unix)]
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let parts = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    if len < READ_APART || parts < 2 {
        drop(file);
        return std::fs::read(path);
    }
    let Ok(size) = usize::try_from(len) else {
        return std::fs::read(path);
    };
    let mut bytes = vec![0u8; size];
    let chunk = size.div_ceil(parts);
    let ok = std::thread::scope(|scope| {
        let file = &file;
        let handles: Vec<_> = bytes
            .chunks_mut(chunk)
            .enumerate()
            .map(|(i, c)| scope.spawn(move || file.read_exact_at(c, (i * chunk) as u64)))
            .collect();
        handles.into_iter().all(|h| matches!(h.join(), Ok(Ok(()))))
    });
    // Shorter than it was a moment ago, or longer now: read it again, the usual way.
    let mut probe = [0u8; 1];
    if !ok || file.read_at(&mut probe, len)? != 0 {
        return std::fs::read(path);
    }
    Ok(bytes)
}
