//! `herald ctl`: the control socket's client. `herald ctl show neighbor summary` sends one
//! command, prints the answer and exits 0 on `done`, 1 on `error` (or when herald cannot be
//! reached). Without a command it reads commands interactively, with line editing and a
//! history kept in `~/.herald_history`. With `--http URL` the commands go to the HTTP API's
//! `POST /v1/commands` instead of the Unix socket, with the bearer token of `--token-file`
//! (default: the `http.token-file` setting).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `herald ctl`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The control socket (default: as `herald run` chooses it).
    #[arg(long, short = 's', conflicts_with = "http")]
    socket: Option<PathBuf>,
    /// Use the HTTP API at this URL (e.g. `http://127.0.0.1:8080`) instead of the socket.
    #[arg(long)]
    http: Option<String>,
    /// The file holding the HTTP API's bearer token (default: the `http.token-file` setting).
    #[arg(long, requires = "http")]
    token_file: Option<PathBuf>,
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

/// Where commands go.
enum Transport {
    /// The control socket.
    Unix(UnixStream, BufReader<UnixStream>),
    /// The HTTP API: `POST {url}/v1/commands`.
    Http {
        agent: ureq::Agent,
        url: String,
        token: Option<String>,
    },
}

impl Transport {
    /// Send one line and copy the answer to stdout until `done` or `error`.
    fn exchange(&mut self, line: &str) -> std::io::Result<Outcome> {
        match self {
            Transport::Unix(stream, reader) => {
                stream.write_all(line.as_bytes())?;
                stream.write_all(b"\n")?;
                copy_answer(reader)
            }
            Transport::Http { agent, url, token } => {
                let mut req = agent.post(format!("{url}/v1/commands"));
                if let Some(t) = token {
                    req = req.header("Authorization", format!("Bearer {t}"));
                }
                let resp = req
                    .send(line.as_bytes())
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                let status = resp.status();
                let mut body = BufReader::new(resp.into_body().into_reader());
                if !status.is_success() {
                    let mut text = String::new();
                    let _ = std::io::Read::read_to_string(&mut body, &mut text);
                    return Err(std::io::Error::other(format!(
                        "HTTP {}: {}",
                        status.as_u16(),
                        text.trim()
                    )));
                }
                copy_answer(&mut body)
            }
        }
    }
}

/// Copy an answer to stdout until its `done` or `error` line.
fn copy_answer(reader: &mut impl BufRead) -> std::io::Result<Outcome> {
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

fn connect(args: &Args) -> Result<Transport, String> {
    if let Some(url) = &args.http {
        let token_file = args.token_file.clone().or_else(|| {
            herald_config::Env::from_vars(std::env::vars())
                .ok()
                .and_then(|e| e.http_token_file)
        });
        let token = match token_file {
            Some(p) => Some(
                std::fs::read_to_string(&p)
                    .map_err(|e| format!("cannot read {}: {e}", p.display()))?
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            ),
            None => None,
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        return Ok(Transport::Http {
            agent,
            url: url.trim_end_matches('/').to_string(),
            token,
        });
    }
    let path = socket_path(args);
    let stream = UnixStream::connect(&path)
        .map_err(|e| format!("cannot connect to {}: {e}", path.display()))?;
    let reader = stream.try_clone().map_err(|e| e.to_string())?;
    Ok(Transport::Unix(stream, BufReader::new(reader)))
}

/// Run `herald ctl`.
pub fn run(args: Args) -> ExitCode {
    let mut t = match connect(&args) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("herald ctl: {e}");
            return ExitCode::FAILURE;
        }
    };
    if !args.command.is_empty() {
        let line = args.command.join(" ");
        return match t.exchange(&line) {
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
    interactive(&mut t)
}

fn interactive(t: &mut Transport) -> ExitCode {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        // Commands from a pipe: one per line, no prompt.
        let mut failed = false;
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if line.trim().is_empty() {
                continue;
            }
            match t.exchange(&line) {
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
        match t.exchange(line) {
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
