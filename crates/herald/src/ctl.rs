//! `herald ctl`: the control socket's client. `herald ctl show neighbor summary` sends one
//! command, prints the answer and exits 0 on `done`, 1 on `error` (or when herald cannot be
//! reached). Without a command it reads commands interactively, with line editing and a
//! history kept in `~/.herald_history`.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `herald ctl`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The control socket (default: as `herald run` chooses it).
    #[arg(long, short = 's')]
    socket: Option<PathBuf>,
    /// The command, e.g. `show neighbor summary` or `announce route 10.0.0.0/24 next-hop self`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    command: Vec<String>,
}

/// What the answer to one command ended with.
enum Outcome {
    Done,
    Error,
}

fn socket_path(args: &Args) -> PathBuf {
    args.socket.clone().unwrap_or_else(|| {
        let env = herald_config::Env::from_vars(std::env::vars()).unwrap_or_default();
        crate::daemon::control::default_path(&env)
    })
}

/// Send one line and copy the answer to stdout until `done` or `error`.
fn exchange(
    stream: &mut UnixStream,
    reader: &mut BufReader<UnixStream>,
    line: &str,
) -> std::io::Result<Outcome> {
    stream.write_all(line.as_bytes())?;
    stream.write_all(b"\n")?;
    let mut out = std::io::stdout().lock();
    let mut buf = String::new();
    loop {
        buf.clear();
        if reader.read_line(&mut buf)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "herald closed the connection",
            ));
        }
        match buf.trim_end() {
            "done" => return Ok(Outcome::Done),
            "error" => return Ok(Outcome::Error),
            _ => {
                if out.write_all(buf.as_bytes()).is_err() {
                    // stdout closed (a pager quit): stop quietly.
                    return Ok(Outcome::Done);
                }
            }
        }
    }
}

/// Run `herald ctl`.
pub fn run(args: Args) -> ExitCode {
    let path = socket_path(&args);
    let mut stream = match UnixStream::connect(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("herald ctl: cannot connect to {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let mut reader = match stream.try_clone() {
        Ok(s) => BufReader::new(s),
        Err(e) => {
            eprintln!("herald ctl: {e}");
            return ExitCode::FAILURE;
        }
    };
    if !args.command.is_empty() {
        let line = args.command.join(" ");
        return match exchange(&mut stream, &mut reader, &line) {
            Ok(Outcome::Done) => ExitCode::SUCCESS,
            Ok(Outcome::Error) => {
                eprintln!("herald ctl: the command failed");
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("herald ctl: {e}");
                ExitCode::FAILURE
            }
        };
    }
    interactive(&mut stream, &mut reader)
}

fn interactive(stream: &mut UnixStream, reader: &mut BufReader<UnixStream>) -> ExitCode {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        // Commands from a pipe: one per line, no prompt.
        let mut failed = false;
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if line.trim().is_empty() {
                continue;
            }
            match exchange(stream, reader, &line) {
                Ok(Outcome::Done) => {}
                Ok(Outcome::Error) => {
                    println!("error");
                    failed = true;
                }
                Err(e) => {
                    eprintln!("herald ctl: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        return if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }
    let mut rl = match rustyline::DefaultEditor::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("herald ctl: {e}");
            return ExitCode::FAILURE;
        }
    };
    let history = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".herald_history"));
    if let Some(h) = &history {
        let _ = rl.load_history(h);
    }
    while let Ok(line) = rl.readline("herald> ") {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "quit" || line == "exit" {
            break;
        }
        let _ = rl.add_history_entry(line);
        match exchange(stream, reader, line) {
            Ok(Outcome::Done) => {}
            Ok(Outcome::Error) => println!("error"),
            Err(e) => {
                eprintln!("herald ctl: {e}");
                break;
            }
        }
    }
    if let Some(h) = &history {
        let _ = rl.save_history(h);
    }
    ExitCode::SUCCESS
}
