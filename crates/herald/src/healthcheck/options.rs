//! Command-line options of `herald healthcheck`, spelled as ExaBGP's checker spells them, and
//! their resolution into a [`Config`].
//!
//! Parsing follows Python's argparse where users can notice it: a long option may be shortened
//! to any unambiguous prefix, a later value replaces an earlier one, repeated list options
//! accumulate, and `--config FILE` turns each `key = value` line of FILE into `--key value`
//! placed before the real command line.

use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use ipnet::{IpAddrRange, IpNet, Ipv4AddrRange, Ipv6AddrRange};

/// Most addresses `--deaggregate-networks` may expand the `--ip` networks into.
const MAX_DEAGGREGATED: u128 = 65_536;

const ABOUT: &str = "Run a check command periodically and announce service IPs to herald (or \
ExaBGP) with a metric that follows the service's health. Compatible with ExaBGP's \
`healthcheck` helper: same options, same announce/withdraw lines on stdout, same acks read \
on stdin.";

const AFTER_HELP: &str = "\
States: INIT, then RISING or FALLING while checks succeed or fail, UP after --rise \
consecutive successes, DOWN after --fall consecutive failures, DISABLED while the --disable \
file exists. Each IP is announced with the up, down or disabled metric (the N-th IP gets \
(N-1) x --increase more); every interval unless --debounce. SIGTERM or SIGINT withdraws every \
IP, then the checker exits. --interval 0 announces once (after rising or falling) and exits \
without withdrawing.

Differences from ExaBGP's checker: herald never adds addresses to interfaces, so --ip is \
required and the address-setup options (--sudo, --user, --group, --label, \
--label-exact-match, --dynamic-ip-setup, --ip-ifname) are refused; logs go to stderr only \
(the syslog options are accepted and ignored); intervals and --timeout accept fractions of a \
second; a closed stdin (with acks on) means herald is gone, and the checker exits.";

/// The options, as parsed (before validation).
#[derive(Parser, Debug)]
#[command(
    name = "herald healthcheck",
    about = ABOUT,
    after_help = AFTER_HELP,
    infer_long_args = true,
    args_override_self = true,
    allow_negative_numbers = true,
    disable_version_flag = true
)]
pub struct Options {
    /// Do not log to stderr.
    #[arg(short = 's', long)]
    pub silent: bool,
    /// Accepted for compatibility and ignored: herald's checker logs to stderr only.
    #[arg(long, value_name = "FACILITY", num_args = 0..=1, default_missing_value = "daemon")]
    pub syslog_facility: Option<String>,
    /// Accepted for compatibility and ignored: herald's checker never logs to syslog.
    #[arg(long)]
    pub no_syslog: bool,
    /// Log debugging messages too.
    #[arg(short = 'd', long)]
    pub debug: bool,
    /// Do not read an acknowledgement (`done`/`error`) after each command (for
    /// `exabgp.api.ack = false`).
    #[arg(short = 'a', long)]
    pub no_ack: bool,
    /// Name of this checker (shown in its log lines).
    #[arg(short = 'n', long, value_name = "NAME")]
    pub name: Option<String>,
    /// Read options from FILE: one `long-option = value` or `flag` per line, `#` comments.
    /// The command line is applied after the file.
    #[arg(short = 'F', long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write the checker's PID to FILE.
    #[arg(short = 'p', long, value_name = "FILE")]
    pub pid: Option<PathBuf>,

    /// Seconds between two checks; 0 checks until UP or DOWN, announces once and exits.
    #[arg(short = 'i', long, value_name = "S", default_value = "5", value_parser = seconds, help_heading = "Checking")]
    pub interval: f64,
    /// Seconds between two checks while RISING or FALLING.
    #[arg(short = 'f', long = "fast-interval", value_name = "S", default_value = "1", value_parser = seconds, help_heading = "Checking")]
    pub fast: f64,
    /// Seconds a check may take; a slower check is killed and counts as a failure (0: no limit).
    #[arg(short = 't', long, value_name = "S", default_value = "5", value_parser = seconds, help_heading = "Checking")]
    pub timeout: f64,
    /// Consecutive successes before the service is UP.
    #[arg(long, value_name = "N", default_value_t = 3, help_heading = "Checking")]
    pub rise: i64,
    /// Consecutive failures before the service is DOWN.
    #[arg(long, value_name = "N", default_value_t = 3, help_heading = "Checking")]
    pub fall: i64,
    /// While FILE exists, the service is DISABLED (no check is run).
    #[arg(long, value_name = "FILE", help_heading = "Checking")]
    pub disable: Option<PathBuf>,
    /// The check, run with `sh -c`; exit status 0 means healthy. Without it every check
    /// succeeds.
    #[arg(
        short = 'c',
        long = "command",
        visible_alias = "cmd",
        value_name = "CMD",
        help_heading = "Checking"
    )]
    pub command: Option<String>,

    /// Next hop of the routes (an IP address, or `self`; default `self`).
    #[arg(short = 'N', long, value_name = "IP", value_parser = next_hop, help_heading = "Advertising")]
    pub next_hop: Option<String>,
    /// A service IP or network to announce (repeatable); a bare address is a /32 or /128.
    #[arg(long = "ip", value_name = "IP[/LEN]", value_parser = network, help_heading = "Advertising")]
    pub ips: Vec<IpNet>,
    /// Announce with this LOCAL_PREF (negative: none).
    #[arg(long, value_name = "P", default_value_t = -1, help_heading = "Advertising")]
    pub local_preference: i64,
    /// Announce every address of each --ip network as its own /32 or /128.
    #[arg(long, help_heading = "Advertising")]
    pub deaggregate_networks: bool,
    /// Accepted for compatibility: herald never sets up addresses.
    #[arg(long, help_heading = "Advertising")]
    pub no_ip_setup: bool,
    /// Index of the --ip that gets the lowest metric (the list is rotated).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        help_heading = "Advertising"
    )]
    pub start_ip: i64,
    /// Metric (MED) of the first IP while UP.
    #[arg(
        long,
        value_name = "M",
        default_value_t = 100,
        help_heading = "Advertising"
    )]
    pub up_metric: i64,
    /// Metric (MED) of the first IP while DOWN.
    #[arg(
        long,
        value_name = "M",
        default_value_t = 1000,
        help_heading = "Advertising"
    )]
    pub down_metric: i64,
    /// Metric (MED) of the first IP while DISABLED.
    #[arg(
        long,
        value_name = "M",
        default_value_t = 500,
        help_heading = "Advertising"
    )]
    pub disabled_metric: i64,
    /// Added to the metric of each further IP.
    #[arg(
        long,
        value_name = "M",
        default_value_t = 1,
        help_heading = "Advertising"
    )]
    pub increase: i64,
    /// Communities to announce with.
    #[arg(long, value_name = "COMMUNITY", value_parser = attribute, help_heading = "Advertising")]
    pub community: Option<String>,
    /// Extended communities to announce with.
    #[arg(long, value_name = "EXTENDED-COMMUNITY", value_parser = attribute, help_heading = "Advertising")]
    pub extended_community: Option<String>,
    /// Large communities to announce with.
    #[arg(long, value_name = "LARGE-COMMUNITY", value_parser = attribute, help_heading = "Advertising")]
    pub large_community: Option<String>,
    /// Communities to announce with instead of --community while DOWN or DISABLED.
    #[arg(long, value_name = "COMMUNITY", value_parser = attribute, help_heading = "Advertising")]
    pub disabled_community: Option<String>,
    /// AS path to announce with.
    #[arg(long, value_name = "ASPATH", value_parser = attribute, help_heading = "Advertising")]
    pub as_path: Option<String>,
    /// AS path to announce with while UP (instead of --as-path).
    #[arg(long, value_name = "ASPATH", value_parser = attribute, help_heading = "Advertising")]
    pub up_as_path: Option<String>,
    /// AS path to announce with while DOWN (instead of --as-path).
    #[arg(long, value_name = "ASPATH", value_parser = attribute, help_heading = "Advertising")]
    pub down_as_path: Option<String>,
    /// AS path to announce with while DISABLED (instead of --as-path).
    #[arg(long, value_name = "ASPATH", value_parser = attribute, help_heading = "Advertising")]
    pub disabled_as_path: Option<String>,
    /// Withdraw the routes unless UP, instead of announcing a worse metric.
    #[arg(long, help_heading = "Advertising")]
    pub withdraw_on_down: bool,
    /// ADD-PATH path identifier of the routes (`path-information N`; 0: none).
    #[arg(long, value_name = "PATHID", help_heading = "Advertising")]
    pub path_id: Option<i64>,
    /// Send to this neighbor only (repeatable; `*`: every neighbor, the default).
    #[arg(long = "neighbor", value_name = "NEIGHBOR", value_parser = neighbor, help_heading = "Advertising")]
    pub neighbors: Vec<String>,
    /// Announce only when the state changes, not at every interval.
    #[arg(long, help_heading = "Advertising")]
    pub debounce: bool,

    /// Run CMD (with `sh -c`, STATE set in its environment) on every state change
    /// (repeatable).
    #[arg(long, value_name = "CMD", help_heading = "Reporting")]
    pub execute: Vec<String>,
    /// Run CMD when the service becomes UP (repeatable).
    #[arg(long, value_name = "CMD", help_heading = "Reporting")]
    pub up_execute: Vec<String>,
    /// Run CMD when the service becomes DOWN (repeatable).
    #[arg(long, value_name = "CMD", help_heading = "Reporting")]
    pub down_execute: Vec<String>,
    /// Run CMD when the service becomes DISABLED (repeatable).
    #[arg(long, value_name = "CMD", help_heading = "Reporting")]
    pub disabled_execute: Vec<String>,

    /// Refused: herald never configures addresses.
    #[arg(long, help_heading = "Refused (interface address setup)")]
    pub sudo: bool,
    /// Refused: herald never configures addresses, so never drops privileges after it.
    #[arg(
        long,
        value_name = "USER",
        help_heading = "Refused (interface address setup)"
    )]
    pub user: Option<String>,
    /// Refused: herald never configures addresses, so never drops privileges after it.
    #[arg(
        long,
        value_name = "GROUP",
        help_heading = "Refused (interface address setup)"
    )]
    pub group: Option<String>,
    /// Refused: herald does not read addresses from interfaces; give --ip.
    #[arg(
        long,
        value_name = "LABEL",
        help_heading = "Refused (interface address setup)"
    )]
    pub label: Option<String>,
    /// Refused: herald does not read addresses from interfaces; give --ip.
    #[arg(long, help_heading = "Refused (interface address setup)")]
    pub label_exact_match: bool,
    /// Refused: herald never adds or removes interface addresses.
    #[arg(long, help_heading = "Refused (interface address setup)")]
    pub dynamic_ip_setup: bool,
    /// Refused: herald never binds addresses to interfaces.
    #[arg(
        long = "ip-ifname",
        value_name = "IP%IFNAME",
        help_heading = "Refused (interface address setup)"
    )]
    pub ip_ifnames: Vec<String>,
}

/// What is announced, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advert {
    /// The service IPs, rotated by `--start-ip`.
    pub ips: Vec<IpNet>,
    /// `self` or an address.
    pub next_hop: String,
    /// `neighbor *`, or `neighbor A, neighbor B`.
    pub selector: String,
    /// LOCAL_PREF, when not negative.
    pub local_preference: i64,
    /// Metric of the first IP while UP.
    pub up_metric: i64,
    /// Metric of the first IP while DOWN.
    pub down_metric: i64,
    /// Metric of the first IP while DISABLED.
    pub disabled_metric: i64,
    /// Added per further IP.
    pub increase: i64,
    /// `--community`.
    pub community: Option<String>,
    /// `--disabled-community`.
    pub disabled_community: Option<String>,
    /// `--extended-community`.
    pub extended_community: Option<String>,
    /// `--large-community`.
    pub large_community: Option<String>,
    /// `--as-path`.
    pub as_path: Option<String>,
    /// `--up-as-path`.
    pub up_as_path: Option<String>,
    /// `--down-as-path`.
    pub down_as_path: Option<String>,
    /// `--disabled-as-path`.
    pub disabled_as_path: Option<String>,
    /// `--withdraw-on-down`.
    pub withdraw_on_down: bool,
    /// `--path-id`.
    pub path_id: Option<i64>,
}

/// Commands run on state changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hooks {
    /// Run on every change, after the state's own commands.
    pub any: Vec<String>,
    /// Run on becoming UP.
    pub up: Vec<String>,
    /// Run on becoming DOWN.
    pub down: Vec<String>,
    /// Run on becoming DISABLED.
    pub disabled: Vec<String>,
}

/// The validated configuration of one checker.
#[derive(Debug, Clone)]
pub struct Config {
    /// The check (`sh -c`), or none: always healthy.
    pub command: Option<String>,
    /// Between checks when UP, DOWN, DISABLED or INIT; zero: stop after the first announcement.
    pub interval: Duration,
    /// Between checks when RISING or FALLING.
    pub fast: Duration,
    /// How long a check may run; none: no limit.
    pub timeout: Option<Duration>,
    /// `--rise`.
    pub rise: i64,
    /// `--fall`.
    pub fall: i64,
    /// `--disable`.
    pub disable: Option<PathBuf>,
    /// Read an ack after each command (before the tty test).
    pub ack: bool,
    /// `--debounce`.
    pub debounce: bool,
    /// The routes.
    pub advert: Advert,
    /// State-change commands.
    pub hooks: Hooks,
    /// `--silent`.
    pub silent: bool,
    /// `--debug`.
    pub debug: bool,
    /// `--name`.
    pub name: Option<String>,
    /// `--pid`.
    pub pid: Option<PathBuf>,
    /// Warnings to log once logging is set up.
    pub notes: Vec<String>,
}

/// Why the options were not accepted.
#[derive(Debug)]
pub enum Rejected {
    /// clap's own error (usage, `--help`): print it and exit with its code.
    Clap(clap::Error),
    /// An option herald's checker does not implement (`unsupported: ...`).
    Unsupported(String),
    /// Anything else wrong.
    Invalid(String),
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejected::Clap(e) => write!(f, "{e}"),
            Rejected::Unsupported(why) => write!(f, "unsupported: {why}"),
            Rejected::Invalid(why) => write!(f, "{why}"),
        }
    }
}

/// ExaBGP spells the syslog facility option `-sF`, which a POSIX-style parser would read as
/// `-s -F`.
fn respell(args: &[OsString]) -> Vec<OsString> {
    let mut out = Vec::with_capacity(args.len() + 1);
    out.push(OsString::from("herald healthcheck"));
    for a in args {
        if a == "-sF" {
            out.push(OsString::from("--syslog-facility"));
        } else if let Some(rest) = a.to_str().and_then(|s| s.strip_prefix("-sF=")) {
            out.push(OsString::from(format!("--syslog-facility={rest}")));
        } else {
            out.push(a.clone());
        }
    }
    out
}

/// The options that each line of a `--config` file stands for, in order.
pub fn config_file_args(text: &str) -> Vec<OsString> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let option = format!("--{line}");
        match option.split_once('=') {
            Some((key, value)) => {
                out.push(OsString::from(key.trim()));
                out.push(OsString::from(value.trim()));
            }
            None => out.push(OsString::from(option.trim())),
        }
    }
    out
}

/// Parse the arguments that follow `herald healthcheck` (reading `--config` if given).
pub fn parse(args: &[OsString]) -> Result<Options, Rejected> {
    let argv = respell(args);
    let first = Options::try_parse_from(&argv).map_err(Rejected::Clap)?;
    let Some(file) = &first.config else {
        return Ok(first);
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| Rejected::Invalid(format!("--config {}: {e}", file.display())))?;
    let mut merged = vec![OsString::from("herald healthcheck")];
    merged.extend(respell(&config_file_args(&text)).into_iter().skip(1));
    merged.extend(argv.into_iter().skip(1));
    Options::try_parse_from(&merged).map_err(Rejected::Clap)
}

impl Options {
    /// Check the options and compute what the checker needs.
    pub fn resolve(self) -> Result<Config, Rejected> {
        self.refuse_unsupported()?;
        let mut notes = Vec::new();
        if !self.no_ip_setup {
            notes.push(
                "herald never adds the service IPs to an interface (as with --no-ip-setup): \
                 configure them yourself"
                    .to_string(),
            );
        }
        if self.ips.is_empty() {
            return Err(Rejected::Invalid(
                "no --ip given: herald's checker does not look for addresses on interfaces, \
                 name every service IP with --ip"
                    .to_string(),
            ));
        }
        let mut ips = if self.deaggregate_networks {
            deaggregate(&self.ips)?
        } else {
            self.ips.clone()
        };
        let len = i64::try_from(ips.len()).unwrap_or(i64::MAX);
        let turn = usize::try_from(self.start_ip.rem_euclid(len)).unwrap_or(0);
        ips.rotate_left(turn);

        let selector = if self.neighbors.is_empty() || self.neighbors.iter().any(|n| n == "*") {
            "neighbor *".to_string()
        } else {
            self.neighbors
                .iter()
                .map(|n| format!("neighbor {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let advert = Advert {
            ips,
            next_hop: self.next_hop.unwrap_or_else(|| "self".to_string()),
            selector,
            local_preference: self.local_preference,
            up_metric: self.up_metric,
            down_metric: self.down_metric,
            disabled_metric: self.disabled_metric,
            increase: self.increase,
            community: self.community,
            disabled_community: self.disabled_community,
            extended_community: self.extended_community,
            large_community: self.large_community,
            as_path: self.as_path,
            up_as_path: self.up_as_path,
            down_as_path: self.down_as_path,
            disabled_as_path: self.disabled_as_path,
            withdraw_on_down: self.withdraw_on_down,
            path_id: self.path_id,
        };
        Ok(Config {
            command: self.command,
            interval: duration(self.interval)?,
            fast: duration(self.fast)?,
            timeout: if self.timeout > 0.0 {
                Some(duration(self.timeout)?)
            } else {
                None
            },
            rise: self.rise,
            fall: self.fall,
            disable: self.disable,
            ack: !self.no_ack,
            debounce: self.debounce,
            advert,
            hooks: Hooks {
                any: self.execute,
                up: self.up_execute,
                down: self.down_execute,
                disabled: self.disabled_execute,
            },
            silent: self.silent,
            debug: self.debug,
            name: self.name,
            pid: self.pid,
            notes,
        })
    }

    fn refuse_unsupported(&self) -> Result<(), Rejected> {
        let setup = "herald's checker never adds, removes or looks up interface addresses";
        let refused = [
            (self.sudo, "--sudo"),
            (self.user.is_some(), "--user"),
            (self.group.is_some(), "--group"),
            (self.label.is_some(), "--label"),
            (self.label_exact_match, "--label-exact-match"),
            (self.dynamic_ip_setup, "--dynamic-ip-setup"),
            (!self.ip_ifnames.is_empty(), "--ip-ifname"),
        ];
        let named: Vec<&str> = refused
            .iter()
            .filter(|(given, _)| *given)
            .map(|(_, name)| *name)
            .collect();
        if named.is_empty() {
            Ok(())
        } else {
            Err(Rejected::Unsupported(format!(
                "{} ({setup}; configure the service IPs yourself and give them with --ip)",
                named.join(", ")
            )))
        }
    }
}

fn duration(seconds: f64) -> Result<Duration, Rejected> {
    Duration::try_from_secs_f64(seconds)
        .map_err(|e| Rejected::Invalid(format!("{seconds} seconds: {e}")))
}

fn deaggregate(nets: &[IpNet]) -> Result<Vec<IpNet>, Rejected> {
    let mut total: u128 = 0;
    for n in nets {
        let host_bits = u32::from(n.max_prefix_len() - n.prefix_len());
        total = total.saturating_add(1u128.checked_shl(host_bits).unwrap_or(u128::MAX));
    }
    if total > MAX_DEAGGREGATED {
        return Err(Rejected::Invalid(format!(
            "--deaggregate-networks: the --ip networks hold {total} addresses, more than \
             {MAX_DEAGGREGATED}"
        )));
    }
    let mut out = Vec::new();
    for n in nets {
        let all = match n {
            IpNet::V4(v) => IpAddrRange::V4(Ipv4AddrRange::new(v.network(), v.broadcast())),
            IpNet::V6(v) => IpAddrRange::V6(Ipv6AddrRange::new(v.network(), v.broadcast())),
        };
        out.extend(all.map(IpNet::from));
    }
    Ok(out)
}

fn seconds(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number of seconds"))?;
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(format!("'{s}': want a finite number of seconds, 0 or more"))
    }
}

fn network(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    let net = match s.parse::<IpNet>() {
        Ok(n) => n,
        Err(_) => s
            .parse::<IpAddr>()
            .map(IpNet::from)
            .map_err(|_| format!("'{s}' is not an IP address or network"))?,
    };
    if net.trunc() != net {
        return Err(format!(
            "'{s}' has host bits set (did you mean {}?)",
            net.trunc()
        ));
    }
    Ok(net)
}

fn next_hop(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s == "self" {
        return Ok(s.to_string());
    }
    s.parse::<IpAddr>()
        .map(|a| a.to_string())
        .map_err(|_| format!("'{s}' is not an IP address (or `self`)"))
}

fn neighbor(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s == "*" {
        return Ok(s.to_string());
    }
    s.parse::<IpAddr>()
        .map(|a| a.to_string())
        .map_err(|_| format!("'{s}' is not an IP address (or `*`)"))
}

/// Attribute text is pasted into a one-line command: refuse anything that could break it.
fn attribute(s: &str) -> Result<String, String> {
    let breaks_line = |c: char| c != '\t' && (c.is_control() || (c.is_whitespace() && c != ' '));
    match s.chars().find(|&c| breaks_line(c)) {
        Some(c) => Err(format!("{s:?} contains the control character {c:?}")),
        None => Ok(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn config_lines_become_options() {
        let text = "# comment\n debug\nname = resolver4\n\ncommand = curl -sf http://x/?a=b\n";
        assert_eq!(
            config_file_args(text),
            os(&[
                "--debug",
                "--name",
                "resolver4",
                "--command",
                "curl -sf http://x/?a=b"
            ])
        );
    }

    #[test]
    fn prefixes_repeats_and_aliases() {
        let o = parse(&os(&[
            "--int",
            "2",
            "--interval",
            "0.5",
            "--cmd",
            "true",
            "--ip",
            "192.0.2.1",
            "--ip",
            "2001:db8::/64",
            "-sF",
            "--start-ip",
            "-1",
        ]))
        .unwrap();
        assert_eq!(o.interval, 0.5);
        assert_eq!(o.command.as_deref(), Some("true"));
        assert_eq!(o.ips.len(), 2);
        assert_eq!(o.syslog_facility.as_deref(), Some("daemon"));
        assert_eq!(o.start_ip, -1);
        let c = o.resolve().unwrap();
        assert_eq!(c.advert.ips[0].to_string(), "2001:db8::/64");
        assert_eq!(c.advert.selector, "neighbor *");
    }

    #[test]
    fn neighbors_joined() {
        let c = parse(&os(&[
            "--ip",
            "192.0.2.1",
            "--neighbor",
            "10.0.0.1",
            "--neighbor",
            "::1",
        ]))
        .unwrap()
        .resolve()
        .unwrap();
        assert_eq!(c.advert.selector, "neighbor 10.0.0.1, neighbor ::1");
    }

    #[test]
    fn host_bits_and_controls_refused() {
        assert!(parse(&os(&["--ip", "192.0.2.1/24"])).is_err());
        assert!(parse(&os(&["--ip", "192.0.2.1", "--community", "1:1\nannounce"])).is_err());
        assert!(parse(&os(&["--ip", "192.0.2.1", "--as-path", "1\u{2028}2"])).is_err());
        assert!(parse(&os(&["--ip", "192.0.2.1", "--as-path", "1\t2 3"])).is_ok());
    }

    #[test]
    fn setup_options_refused() {
        let e = parse(&os(&["--ip", "192.0.2.1", "--sudo", "--label", "x"]))
            .unwrap()
            .resolve()
            .unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("unsupported: --sudo, --label"), "{text}");
    }

    #[test]
    fn deaggregation() {
        let c = parse(&os(&[
            "--ip",
            "192.0.2.0/31",
            "--ip",
            "192.0.2.8",
            "--deaggregate-networks",
        ]))
        .unwrap()
        .resolve()
        .unwrap();
        let ips: Vec<String> = c.advert.ips.iter().map(|n| n.to_string()).collect();
        assert_eq!(ips, ["192.0.2.0/32", "192.0.2.1/32", "192.0.2.8/32"]);
    }
}
