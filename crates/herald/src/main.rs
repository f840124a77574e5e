//! herald: a programmable BGP speaker.

mod decode;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Decode(args) => decode::run(args),
    }
}
