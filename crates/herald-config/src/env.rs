//! Environment settings: ExaBGP's `exabgp.<section>.<key>` variables (also spelled with
//! underscores, `exabgp_tcp_port`), with `herald.` / `herald_` aliases.

use std::net::IpAddr;

use crate::keywords::{hint, Context};
use crate::model::Encoder;
use crate::values::{parse_bool, parse_u32};

/// Log verbosity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum LogLevel {
    /// Only failures.
    Error,
    /// Problems worth a look.
    Warning,
    /// Normal operation (the default).
    #[default]
    Info,
    /// Everything.
    Debug,
}

impl LogLevel {
    fn parse(s: &str) -> Option<LogLevel> {
        Some(match s.to_ascii_uppercase().as_str() {
            "EMERG" | "ALERT" | "CRIT" | "CRITICAL" | "ERR" | "ERROR" => LogLevel::Error,
            "WARNING" | "WARN" | "NOTICE" => LogLevel::Warning,
            "INFO" => LogLevel::Info,
            "DEBUG" => LogLevel::Debug,
            _ => return None,
        })
    }
}

/// The settings ExaBGP reads from its environment that matter to herald.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Env {
    /// `tcp.port`: the port to listen on and to connect to (179).
    pub tcp_port: u16,
    /// `tcp.bind`: addresses to listen on, space separated. `None` when not set; as in ExaBGP,
    /// not set or set to the empty string means herald does not listen.
    pub tcp_bind: Option<Vec<IpAddr>>,
    /// `tcp.attempts`: connection attempts before giving up (0 = forever).
    pub tcp_attempts: u32,
    /// `tcp.delay`: start announcing when the minute of the hour is a multiple of this (0 = now).
    pub tcp_delay: u32,
    /// `tcp.acl`: ExaBGP's (unimplemented) ACL switch, kept for completeness.
    pub tcp_acl: bool,
    /// `tcp.accept-rate` (herald's own): connections accepted per second from one source
    /// address on a listener, bursts of twice that; more are closed at once (10; 0 = no limit).
    pub tcp_accept_rate: u32,
    /// `api.ack`: answer `done`/`error` to each API command (true).
    pub api_ack: bool,
    /// `api.encoder`: the default encoder for processes (json).
    pub api_encoder: Encoder,
    /// `api.respawn`: restart helper processes that exit (true).
    pub api_respawn: bool,
    /// `api.chunk`: routes per API update batch (1).
    pub api_chunk: u32,
    /// `api.compact`: compact JSON for routes (false).
    pub api_compact: bool,
    /// `api.terminate`: stop herald when a helper process ends (false).
    pub api_terminate: bool,
    /// `api.cli`: offer the control pipe/socket (true).
    pub api_cli: bool,
    /// `api.pipename`: name of the control pipe ("exabgp").
    pub api_pipename: String,
    /// `bgp.passive`: make every neighbor passive (false).
    pub bgp_passive: bool,
    /// `bgp.openwait`: seconds to wait for the peer's OPEN (60).
    pub bgp_openwait: u32,
    /// `log.level` (INFO).
    pub log_level: LogLevel,
    /// `log.destination`: stdout, stderr, syslog, or a file name ("stdout").
    pub log_destination: String,
    /// `log.packets`: log every packet (false).
    pub log_packets: bool,
    /// `log.routes`: log every route change (false).
    pub log_routes: bool,
    /// `daemon.pid`: pid file ("" = none).
    pub daemon_pid: String,
    /// `daemon.user`: user to drop privileges to ("nobody").
    pub daemon_user: String,
    /// `daemon.daemonize`: go to the background (false).
    pub daemon_daemonize: bool,
    /// `daemon.drop`: drop privileges (true).
    pub daemon_drop: bool,
    /// `http.listen` (herald's own): where the HTTP API, looking glass and metrics listen —
    /// `PORT` (on 127.0.0.1), `ADDR:PORT` or `[V6]:PORT`. Not set or empty: no HTTP server.
    pub http_listen: Option<std::net::SocketAddr>,
    /// `http.token-file` (herald's own): a file holding the bearer token that write endpoints
    /// (announce, withdraw, teardown, reload, commands) require. Not set: they answer 403.
    pub http_token_file: Option<std::path::PathBuf>,
    /// `mrt.updates` (herald's own): where every message received is dumped as MRT
    /// BGP4MP_ET records, a file name with `%Y %m %d %H %M %S` (UTC) filled in from the
    /// start of each file's period; ending in `.gz`, gzip-compressed. Not set: no dump.
    pub mrt_updates: Option<String>,
    /// `mrt.updates-interval`: seconds per updates file (900; 0 = one file, or size alone).
    pub mrt_updates_interval: u32,
    /// `mrt.updates-size`: start a new updates file past this many octets (0 = no limit).
    pub mrt_updates_size: u64,
    /// `mrt.table` (herald's own): where TABLE_DUMP_V2 snapshots of every Adj-RIB-In go, a
    /// file name like `mrt.updates`'. Not set: no snapshots.
    pub mrt_table: Option<String>,
    /// `mrt.table-interval`: seconds between snapshots, taken on multiples of it (7200).
    pub mrt_table_interval: u32,
    /// `bmp.collectors` (herald's own): BMP collectors (RFC 7854) herald connects to and
    /// reports its sessions to, `ADDR:PORT` or `[V6]:PORT` separated by spaces. Empty: none.
    pub bmp_collectors: Vec<std::net::SocketAddr>,
    /// `bmp.statistics-interval`: seconds between Statistics Reports (60; 0 = none).
    pub bmp_statistics_interval: u32,
    /// ExaBGP settings that were set and that herald does not know (`section.key`).
    pub unknown: Vec<String>,
}

impl Default for Env {
    fn default() -> Self {
        Env {
            tcp_port: 179,
            tcp_bind: None,
            tcp_attempts: 0,
            tcp_delay: 0,
            tcp_acl: false,
            tcp_accept_rate: 10,
            api_ack: true,
            api_encoder: Encoder::Json,
            api_respawn: true,
            api_chunk: 1,
            api_compact: false,
            api_terminate: false,
            api_cli: true,
            api_pipename: "exabgp".to_string(),
            bgp_passive: false,
            bgp_openwait: 60,
            log_level: LogLevel::Info,
            log_destination: "stdout".to_string(),
            log_packets: false,
            log_routes: false,
            daemon_pid: String::new(),
            daemon_user: "nobody".to_string(),
            daemon_daemonize: false,
            daemon_drop: true,
            http_listen: None,
            http_token_file: None,
            mrt_updates: None,
            mrt_updates_interval: 900,
            mrt_updates_size: 0,
            mrt_table: None,
            mrt_table_interval: 7200,
            bmp_collectors: Vec::new(),
            bmp_statistics_interval: 60,
            unknown: Vec::new(),
        }
    }
}

/// A bad environment value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("environment variable {variable}: {message} (value '{value}')")]
pub struct EnvError {
    /// The variable as it was spelled.
    pub variable: String,
    /// Its value.
    pub value: String,
    /// What is wrong.
    pub message: String,
}

/// Sections that hold settings herald reads; unknown keys in them are an error for `herald.`
/// variables (a typo) and ignored for `exabgp.` ones (ExaBGP has many herald does not use).
const SECTIONS: &[&str] = &["tcp", "api", "bgp", "log", "daemon", "http", "mrt", "bmp"];

impl Env {
    /// Read settings from `(name, value)` pairs such as `std::env::vars()`. Variables not
    /// starting with `exabgp` or `herald` are ignored; later variables win over earlier ones.
    pub fn from_vars(vars: impl Iterator<Item = (String, String)>) -> Result<Env, Vec<EnvError>> {
        let mut env = Env::default();
        let mut errors = Vec::new();
        for (name, value) in vars {
            let lower = name.to_ascii_lowercase();
            let (rest, strict) = if let Some(r) = strip(&lower, "exabgp") {
                (r, false)
            } else if let Some(r) = strip(&lower, "herald") {
                (r, true)
            } else {
                continue;
            };
            let Some((section, key)) = split_key(rest) else {
                continue;
            };
            if let Err(message) = env.set(&section, &key, &value, strict) {
                errors.push(EnvError {
                    variable: name.clone(),
                    value: value.clone(),
                    message,
                });
            }
        }
        if errors.is_empty() {
            Ok(env)
        } else {
            Err(errors)
        }
    }

    /// Read an ExaBGP `exabgp.env` INI text (`[exabgp.tcp]` sections, `key = value` lines)
    /// over the current settings.
    pub fn apply_ini(&mut self, text: &str) -> Result<(), Vec<EnvError>> {
        let mut errors = Vec::new();
        let mut section = String::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                let s = s.trim().to_ascii_lowercase();
                section = s
                    .strip_prefix("exabgp.")
                    .or_else(|| s.strip_prefix("herald."))
                    .unwrap_or(&s)
                    .to_string();
                continue;
            }
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let key = k.trim().to_ascii_lowercase().replace('-', "_");
            if let Err(message) = self.set(&section, &key, v.trim(), false) {
                errors.push(EnvError {
                    variable: format!("[{section}] {key}"),
                    value: v.trim().to_string(),
                    message,
                });
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn set(&mut self, section: &str, key: &str, raw: &str, strict: bool) -> Result<(), String> {
        let v = unquote(raw);
        let boolean = || parse_bool_env(v).ok_or_else(|| "expected true or false".to_string());
        let number = || parse_u32(v).ok_or_else(|| "expected a number".to_string());
        match (section, key) {
            ("tcp", "port") => {
                self.tcp_port = parse_u32(v)
                    .and_then(|p| u16::try_from(p).ok())
                    .filter(|p| *p != 0)
                    .ok_or("expected a port number 1-65535")?
            }
            ("tcp", "bind") => {
                let mut addrs = Vec::new();
                for a in v
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|a| !a.is_empty())
                {
                    addrs.push(
                        crate::values::parse_ip(a)
                            .ok_or_else(|| format!("'{a}' is not an IP address"))?,
                    );
                }
                self.tcp_bind = Some(addrs);
            }
            ("tcp", "attempts") => self.tcp_attempts = number()?,
            ("tcp", "once") => {
                let once = boolean()?;
                self.tcp_attempts = if once { 1 } else { self.tcp_attempts };
            }
            ("tcp", "delay") => self.tcp_delay = number()?,
            ("tcp", "acl") => self.tcp_acl = boolean()?,
            ("tcp", "accept_rate") => self.tcp_accept_rate = number()?,
            ("api", "ack") => self.api_ack = boolean()?,
            ("api", "encoder") => {
                self.api_encoder = match v.to_ascii_lowercase().as_str() {
                    "json" => Encoder::Json,
                    "text" => Encoder::Text,
                    _ => return Err("expected json or text".into()),
                }
            }
            ("api", "respawn") => self.api_respawn = boolean()?,
            ("api", "chunk") => self.api_chunk = number()?,
            ("api", "compact") => self.api_compact = boolean()?,
            ("api", "terminate") => self.api_terminate = boolean()?,
            ("api", "cli") => self.api_cli = boolean()?,
            ("api", "pipename") => self.api_pipename = v.to_string(),
            ("bgp", "passive") => self.bgp_passive = boolean()?,
            ("bgp", "openwait") => self.bgp_openwait = number()?,
            ("log", "level") => {
                self.log_level =
                    LogLevel::parse(v).ok_or("expected DEBUG, INFO, WARNING or ERROR")?
            }
            ("log", "destination") => self.log_destination = v.to_string(),
            ("log", "packets") => self.log_packets = boolean()?,
            ("log", "routes") => self.log_routes = boolean()?,
            ("daemon", "pid") => self.daemon_pid = v.to_string(),
            ("daemon", "user") => self.daemon_user = v.to_string(),
            ("daemon", "daemonize") => self.daemon_daemonize = boolean()?,
            ("daemon", "drop") => self.daemon_drop = boolean()?,
            ("http", "listen") => self.http_listen = parse_listen(v)?,
            ("mrt", "updates") => self.mrt_updates = (!v.is_empty()).then(|| v.to_string()),
            ("mrt", "updates_interval") => self.mrt_updates_interval = number()?,
            ("mrt", "updates_size") => {
                self.mrt_updates_size = v.parse().map_err(|_| "expected a number of octets")?
            }
            ("mrt", "table") => self.mrt_table = (!v.is_empty()).then(|| v.to_string()),
            ("mrt", "table_interval") => {
                self.mrt_table_interval = parse_u32(v)
                    .filter(|n| *n > 0)
                    .ok_or("expected a number of seconds, 1 or more")?
            }
            ("bmp", "collectors") => {
                let mut addrs = Vec::new();
                for a in v.split_whitespace() {
                    addrs.push(
                        a.parse::<std::net::SocketAddr>()
                            .map_err(|_| format!("'{a}' is not ADDRESS:PORT or [IPV6]:PORT"))?,
                    );
                }
                self.bmp_collectors = addrs;
            }
            ("bmp", "statistics_interval") => self.bmp_statistics_interval = number()?,
            ("http", "token_file") => {
                self.http_token_file = (!v.is_empty()).then(|| std::path::PathBuf::from(v))
            }
            (s, k) if strict && SECTIONS.contains(&s) => {
                let h = hint(Context::Environment, &format!("{s}.{k}"));
                return Err(format!("unknown setting '{s}.{k}'{h}"));
            }
            // Other `herald_…` variables (HERALD_LOG, a test harness's own) are not settings.
            (s, k) if !strict => self.unknown.push(format!("{s}.{k}")),
            _ => {}
        }
        Ok(())
    }
}

/// `http.listen`: `PORT` (127.0.0.1), `ADDR:PORT`, `[V6]:PORT`; empty for none.
fn parse_listen(v: &str) -> Result<Option<std::net::SocketAddr>, String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let port = |p: &str| {
        p.parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("'{p}' is not a port number 1-65535"))
    };
    if !v.contains(':') {
        return Ok(Some(std::net::SocketAddr::from(([127, 0, 0, 1], port(v)?))));
    }
    v.parse::<std::net::SocketAddr>()
        .map(Some)
        .map_err(|_| "expected PORT, ADDRESS:PORT or [IPV6]:PORT".to_string())
}

impl Env {
    /// The settings that were set to something other than their default and that herald reads
    /// but does not act on, each with what herald does instead. The daemon warns about each at
    /// start, and about [`Env::unknown`] ones, so that none is ignored in silence.
    pub fn without_effect(&self) -> Vec<(&'static str, &'static str)> {
        let d = Env::default();
        let mut v = Vec::new();
        let mut check = |differs: bool, name: &'static str, instead: &'static str| {
            if differs {
                v.push((name, instead));
            }
        };
        check(
            self.tcp_delay != d.tcp_delay,
            "tcp.delay",
            "routes are announced as soon as a session is up",
        );
        check(
            self.tcp_acl != d.tcp_acl,
            "tcp.acl",
            "ExaBGP never implemented it",
        );
        check(
            self.log_destination != d.log_destination,
            "log.destination",
            "herald logs to stderr",
        );
        check(
            self.log_packets || self.log_routes,
            "log.packets / log.routes",
            "use --log-level debug, or an api block with `receive { packets; }`",
        );
        check(
            self.daemon_daemonize,
            "daemon.daemonize",
            "herald stays in the foreground (run it under a service manager)",
        );
        check(
            self.daemon_user != d.daemon_user || self.daemon_drop != d.daemon_drop,
            "daemon.user / daemon.drop",
            "herald does not change user; start it as the user it should run as",
        );
        check(
            self.api_chunk != d.api_chunk,
            "api.chunk",
            "herald streams show output in blocks of its own size",
        );
        v
    }
}

fn strip<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let r = name.strip_prefix(prefix)?;
    r.strip_prefix('.').or_else(|| r.strip_prefix('_'))
}

/// `tcp.port`, `tcp_port`, `log.level`; keys may themselves hold underscores
/// (`exabgp_api_ack` → api/ack).
fn split_key(rest: &str) -> Option<(String, String)> {
    let (section, key) = rest.split_once('.').or_else(|| rest.split_once('_'))?;
    Some((section.to_string(), key.replace(['.', '-'], "_")))
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['\'', '"'] {
        if let Some(inner) = v.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

fn parse_bool_env(v: &str) -> Option<bool> {
    parse_bool(v).or(match v.to_ascii_lowercase().as_str() {
        "1" | "yes" | "on" => Some(true),
        "0" | "no" | "off" => Some(false),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(v: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn defaults_match_exabgp() {
        let e = Env::from_vars(std::iter::empty()).unwrap();
        assert_eq!(e.tcp_port, 179);
        assert_eq!(e.tcp_bind, None);
        assert!(e.api_ack);
        assert_eq!(e.api_encoder, Encoder::Json);
        assert_eq!(e.log_level, LogLevel::Info);
    }

    #[test]
    fn bmp_collectors_are_addresses_with_ports_and_statistics_default_to_60_s() {
        let e = Env::from_vars(vars(&[
            ("herald.bmp.collectors", " 127.0.0.1:1790  [::1]:11019 "),
            ("herald.bmp.statistics-interval", "0"),
        ]))
        .unwrap();
        assert_eq!(
            e.bmp_collectors,
            vec![
                "127.0.0.1:1790".parse().unwrap(),
                "[::1]:11019".parse().unwrap()
            ]
        );
        assert_eq!(e.bmp_statistics_interval, 0);
        assert_eq!(Env::default().bmp_collectors, vec![]);
        assert_eq!(Env::default().bmp_statistics_interval, 60);
        let e = Env::from_vars(vars(&[("herald.bmp.collectors", "")])).unwrap();
        assert!(e.bmp_collectors.is_empty());
        for bad in ["collector.example:1790", "127.0.0.1", "::1:1790"] {
            let e = Env::from_vars(vars(&[("herald.bmp.collectors", bad)]));
            assert!(e.is_err(), "{bad}");
        }
    }

    #[test]
    fn http_listen_takes_a_port_an_address_and_port_or_nothing() {
        let listen =
            |v: &str| Env::from_vars(vars(&[("herald.http.listen", v)])).map(|e| e.http_listen);
        assert_eq!(
            listen("8080").unwrap(),
            Some("127.0.0.1:8080".parse().unwrap())
        );
        assert_eq!(
            listen("0.0.0.0:80").unwrap(),
            Some("0.0.0.0:80".parse().unwrap())
        );
        assert_eq!(
            listen("[::1]:8080").unwrap(),
            Some("[::1]:8080".parse().unwrap())
        );
        assert_eq!(listen("").unwrap(), None);
        assert_eq!(Env::default().http_listen, None);
        for bad in ["0", "70000", "localhost:80", "::1"] {
            assert!(listen(bad).is_err(), "{bad}");
        }
        let e = Env::from_vars(vars(&[("herald.http.token-file", "/etc/herald/token")])).unwrap();
        assert_eq!(e.http_token_file, Some("/etc/herald/token".into()));
        let e = Env::from_vars(vars(&[("herald.http.tokenfile", "x")]));
        assert!(e.is_err(), "a misspelt herald setting is an error");
    }

    #[test]
    fn dotted_and_underscored_spellings() {
        let e = Env::from_vars(vars(&[
            ("exabgp.tcp.port", "1790"),
            ("exabgp_api_ack", "false"),
            ("herald_tcp_bind", "127.0.0.1 ::1"),
            ("exabgp.log.level", "DEBUG"),
            ("PATH", "/bin"),
            ("exabgp.cache.attributes", "whatever"),
            ("exabgp_api_encoder", "'text'"),
            ("HERALD_TEST_VENV", "/tmp/venv"),
        ]))
        .unwrap();
        // ExaBGP settings herald does not know are listed (the daemon warns); other
        // `herald_…` variables are not settings at all.
        assert_eq!(e.unknown, ["cache.attributes"]);
        assert_eq!(e.tcp_port, 1790);
        assert!(!e.api_ack);
        assert_eq!(
            e.tcp_bind,
            Some(vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()])
        );
        assert_eq!(e.log_level, LogLevel::Debug);
        assert_eq!(e.api_encoder, Encoder::Text);
    }

    #[test]
    fn empty_bind_means_do_not_listen() {
        let e = Env::from_vars(vars(&[("exabgp.tcp.bind", "")])).unwrap();
        assert_eq!(e.tcp_bind, Some(vec![]));
    }

    #[test]
    fn bad_values_name_the_variable() {
        let errs = Env::from_vars(vars(&[
            ("exabgp.tcp.port", "http"),
            ("herald.tcp.prot", "1"),
            ("exabgp.tcp.prot", "1"),
        ]))
        .unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].variable, "exabgp.tcp.port");
        assert!(errs[0].to_string().contains("exabgp.tcp.port"));
        assert_eq!(errs[1].variable, "herald.tcp.prot");
        assert!(errs[1].message.ends_with("(did you mean 'tcp.port'?)"));
    }

    #[test]
    fn ini_file() {
        let mut e = Env::default();
        e.apply_ini("[exabgp.tcp]\nport = 1179\nbind = '0.0.0.0'\n\n[exabgp.api]\nack = false\n")
            .unwrap();
        assert_eq!(e.tcp_port, 1179);
        assert_eq!(e.tcp_bind, Some(vec!["0.0.0.0".parse().unwrap()]));
        assert!(!e.api_ack);
    }
}
