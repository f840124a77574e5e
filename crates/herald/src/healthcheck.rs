//! `herald healthcheck`: a service health checker that runs as a helper process of herald (or
//! of ExaBGP) and announces service IPs with a metric that follows the health of a check
//! command, speaking ExaBGP's text API on stdout and reading its acks on stdin.
//!
//! It is option- and output-compatible with ExaBGP's `healthcheck` helper, except that it
//! never configures interface addresses. See `docs/healthcheck.md`.
//!
//! It runs as a process of its own, with plain threads and blocking I/O.

mod machine;
mod options;
mod runner;
mod sys;

use std::ffi::OsString;
use std::process::ExitCode;

/// Arguments of `herald healthcheck`, taken raw and parsed by [`run`]: ExaBGP's spelling
/// (`-sF`, shortened option names, `--config` files whose lines come before the command line)
/// needs a second parse that a derived subcommand cannot do.
#[derive(clap::Args, Debug)]
#[command(disable_help_flag = true)]
pub struct Cli {
    /// ExaBGP healthcheck options (see `herald healthcheck --help`).
    #[arg(
        value_name = "OPTIONS",
        num_args = 0..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<OsString>,
}

/// Run `herald healthcheck`.
pub fn run(cli: Cli) -> ExitCode {
    let parsed = options::parse(&cli.args).and_then(options::Options::resolve);
    match parsed {
        Ok(config) => runner::run(&config),
        Err(options::Rejected::Clap(e)) => {
            let _ = e.print();
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
        }
        Err(other) => {
            eprintln!("herald healthcheck: {other}");
            ExitCode::from(2)
        }
    }
}
