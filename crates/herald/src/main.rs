//! herald: a programmable BGP speaker.

#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod check;
mod ctl;
mod daemon;
mod decode;
mod healthcheck;
mod pcap;
mod vpn;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// herald: a programmable BGP speaker, configuration- and API-compatible with ExaBGP.
#[derive(Parser, Debug)]
#[command(name = "herald", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Decode BGP messages (hex, a pcap capture or an MRT file) and print them as ExaBGP JSON.
    Decode(decode::Args),
    /// Run the daemon with an ExaBGP-style configuration file.
    Run {
        /// The configuration file.
        config: std::path::PathBuf,
        /// Print ExaBGP JSON events (state changes, messages received) on stdout.
        #[arg(long)]
        json_events: bool,
        /// Log level (error, warn, info, debug, trace); overrides HERALD_LOG / RUST_LOG.
        #[arg(long)]
        log_level: Option<String>,
        /// Log as JSON lines.
        #[arg(long)]
        log_json: bool,
        /// The control socket (default: $XDG_RUNTIME_DIR/herald.sock, /run/herald.sock as
        /// root, else /tmp/herald-UID.sock; `exabgp.api.cli=false` turns it off).
        #[arg(long)]
        control: Option<std::path::PathBuf>,
    },
    /// Send a command to a running herald through its control socket (interactive when no
    /// command is given).
    Ctl(ctl::Args),
    /// Check a configuration file; with --updates, print the UPDATEs it would send.
    Check(check::Args),
    /// Announce service IPs to herald (or ExaBGP) according to a health check command.
    Healthcheck(healthcheck::Cli),
    /// The VPN PE dataplane on this host: `cleanup` removes the E-VPN bridges and VXLAN
    /// devices a stopped herald left behind, `show DEVICE` prints one's FDB and neighbours.
    Vpn(vpn::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Decode(args) => decode::run(args),
        Command::Run {
            config,
            json_events,
            log_level,
            log_json,
            control,
        } => {
            // ExaBGP's `log.level` setting, below --log-level, HERALD_LOG and RUST_LOG.
            let env_level = herald_config::Env::from_vars(std::env::vars())
                .ok()
                .map(|e| match e.log_level {
                    herald_config::LogLevel::Error => "error",
                    herald_config::LogLevel::Warning => "warn",
                    herald_config::LogLevel::Info => "info",
                    herald_config::LogLevel::Debug => "debug",
                });
            init_logging(log_level.as_deref(), env_level, log_json);
            daemon::run(daemon::Options {
                config,
                json_events,
                control,
            })
        }
        Command::Ctl(args) => ctl::run(args),
        Command::Check(args) => check::run(args),
        Command::Healthcheck(args) => healthcheck::run(args),
        Command::Vpn(args) => vpn::run(args),
    }
}

/// Logs go to stderr through tracing; the level comes from `--log-level`, else `HERALD_LOG`,
/// else `RUST_LOG`, else ExaBGP's `log.level` setting, else `info`.
fn init_logging(level: Option<&str>, env_level: Option<&str>, json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = match level {
        Some(l) => EnvFilter::new(l),
        None => EnvFilter::try_from_env("HERALD_LOG")
            .or_else(|_| EnvFilter::try_from_default_env())
            .unwrap_or_else(|_| EnvFilter::new(env_level.unwrap_or("info"))),
    };
    use std::io::IsTerminal;
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if json {
        b.json().init();
    } else {
        b.init();
    }
}
