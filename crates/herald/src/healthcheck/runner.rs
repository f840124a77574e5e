//! The checker's main loop: run the check, feed the state machine, write commands on stdout,
//! read acknowledgements on stdin, run the hooks, and withdraw everything on SIGTERM/SIGINT.
//!
//! Everything that can wake the loop (a signal, a line or end-of-file on stdin, a child
//! exiting, a child's output) arrives as an [`Event`] on one channel, fed by small blocking
//! threads, so every wait (between checks, for a check, for an ack) is also a wait for a
//! signal.

use std::collections::VecDeque;
use std::fmt::Display;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use super::machine::{commands, Machine, State};
use super::options::Config;
use super::sys;

/// How long acks of the final withdraws are waited for on SIGTERM/SIGINT.
const EXIT_ACK_WAIT: Duration = Duration::from_secs(2);

/// Most octets of a check's output kept for the log.
const OUTPUT_KEPT: usize = 4096;

/// Log lines on stderr, `LEVEL[healthcheck] message` as ExaBGP's checker writes them.
pub struct Log {
    silent: bool,
    debug: bool,
    tag: String,
}

impl Log {
    /// A logger for the checker called `name`.
    pub fn new(silent: bool, debug: bool, name: Option<&str>) -> Log {
        let tag = match name {
            Some(n) => format!("healthcheck-{n}"),
            None => "healthcheck".to_string(),
        };
        Log { silent, debug, tag }
    }

    fn write(&self, level: &str, msg: impl Display) {
        if !self.silent {
            let _ = writeln!(io::stderr().lock(), "{level}[{}] {msg}", self.tag);
        }
    }

    /// A debugging message (with `--debug` only).
    pub fn debug(&self, msg: impl Display) {
        if self.debug {
            self.write("DEBUG", msg);
        }
    }

    /// A normal message.
    pub fn info(&self, msg: impl Display) {
        self.write("INFO", msg);
    }

    /// A problem the checker goes on after.
    pub fn warn(&self, msg: impl Display) {
        self.write("WARNING", msg);
    }

    /// A problem the checker stops on.
    pub fn error(&self, msg: impl Display) {
        self.write("ERROR", msg);
    }
}

enum Event {
    Signal(i32),
    Line(String),
    Eof,
    Exited {
        id: u64,
        status: io::Result<ExitStatus>,
    },
    Output {
        id: u64,
        data: Vec<u8>,
    },
}

/// What woke a wait that did not end the loop.
enum Wake {
    Timeout,
    Line,
    Exited {
        id: u64,
        status: io::Result<ExitStatus>,
    },
    Output {
        id: u64,
        data: Vec<u8>,
    },
}

/// Why the loop ended early.
enum Stop {
    Signal(i32),
    /// The BGP speaker went away (stdin closed, `shutdown`, stdout broken).
    Gone(String),
}

struct Runner<'a> {
    cfg: &'a Config,
    log: &'a Log,
    tx: Sender<Event>,
    rx: Receiver<Event>,
    /// Read an ack after each command.
    ack: bool,
    /// Lines read on stdin and not yet taken as acks.
    lines: VecDeque<String>,
    /// Commands written whose ack has not been read yet.
    owed: VecDeque<String>,
    next_child: u64,
    machine: Machine,
}

/// Run the checker until a signal, the end of herald, or (with `--interval 0`) the first
/// announcement.
pub fn run(cfg: &Config) -> ExitCode {
    let log = Log::new(cfg.silent, cfg.debug, cfg.name.as_deref());
    // Before any thread exists, so that every thread inherits the mask.
    let blocked = match sys::block_termination() {
        Ok(b) => b,
        Err(e) => {
            log.error(format!("cannot block SIGTERM/SIGINT: {e}"));
            return ExitCode::FAILURE;
        }
    };
    for note in &cfg.notes {
        log.warn(note);
    }
    if let Some(pid) = &cfg.pid {
        if let Err(e) = std::fs::write(pid, format!("{}\n", std::process::id())) {
            log.error(format!("--pid {}: {e}", pid.display()));
            return ExitCode::FAILURE;
        }
    }
    let (tx, rx) = mpsc::channel();
    let signals = tx.clone();
    thread::spawn(move || {
        while let Ok(sig) = blocked.wait() {
            if signals.send(Event::Signal(sig)).is_err() {
                break;
            }
        }
    });
    // As ExaBGP's checker: someone running it by hand gets no acks.
    let ack = cfg.ack && !io::stdout().is_terminal();
    if ack {
        let lines = tx.clone();
        thread::spawn(move || read_stdin(&lines));
    }
    let mut runner = Runner {
        cfg,
        log: &log,
        tx,
        rx,
        ack,
        lines: VecDeque::new(),
        owed: VecDeque::new(),
        next_child: 0,
        machine: Machine::new(cfg.rise, cfg.fall),
    };
    match runner.checks() {
        Ok(()) => {}
        Err(Stop::Signal(sig)) => {
            log.info(format!(
                "{}: withdrawing every route",
                sys::signal_name(sig)
            ));
            runner.withdraw_all();
        }
        Err(Stop::Gone(why)) => log.warn(format!("{why}: exiting")),
    }
    ExitCode::SUCCESS
}

fn read_stdin(tx: &Sender<Event>) {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => {
                let _ = tx.send(Event::Eof);
                return;
            }
            Ok(_) => {
                let line = String::from_utf8_lossy(&buf).trim().to_string();
                if tx.send(Event::Line(line)).is_err() {
                    return;
                }
            }
        }
    }
}

/// `shutdown` (text) or `{ "answer": "shutdown", ... }` (JSON): the speaker is exiting.
fn is_shutdown(line: &str) -> bool {
    line == "shutdown"
        || line.starts_with("shutdown ")
        || (line.contains("\"answer\"") && line.contains("\"shutdown\""))
}

fn is_error(line: &str) -> bool {
    line == "error"
        || line.starts_with("error ")
        || (line.contains("\"answer\"") && line.contains("\"error\""))
}

impl Runner<'_> {
    /// The loop proper; returns only with `--interval 0` or on a [`Stop`].
    fn checks(&mut self) -> Result<(), Stop> {
        loop {
            let disabled = self.cfg.disable.as_ref().is_some_and(|f| f.exists());
            let healthy = disabled || self.check()?;
            let before = self.machine.state();
            if let Some(entered) = self.machine.step(disabled, healthy) {
                self.log
                    .info(format!("{} -> {}", before.name(), entered.name()));
                self.hooks(entered)?;
            }
            let now = self.machine.state();
            if !self.cfg.debounce || now != before {
                self.announce(now)?;
            }
            if now.is_transient() {
                self.sleep(self.cfg.fast)?;
            } else if self.cfg.interval.is_zero() {
                self.log
                    .info("interval is 0: exiting after the announcement");
                return Ok(());
            } else {
                self.sleep(self.cfg.interval)?;
            }
        }
    }

    /// Wait for the next event until `deadline` (none: forever).
    fn next(&mut self, deadline: Option<Instant>) -> Result<Wake, Stop> {
        let event = match deadline {
            None => self.rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(d) => self
                .rx
                .recv_timeout(d.saturating_duration_since(Instant::now())),
        };
        match event {
            // `self.tx` keeps the channel open: a disconnection cannot happen.
            Err(_) => Ok(Wake::Timeout),
            Ok(Event::Signal(sig)) => Err(Stop::Signal(sig)),
            Ok(Event::Eof) => Err(Stop::Gone("stdin closed: herald is gone".to_string())),
            Ok(Event::Line(line)) => {
                if is_shutdown(&line) {
                    return Err(Stop::Gone(format!("herald said `{line}`")));
                }
                self.lines.push_back(line);
                Ok(Wake::Line)
            }
            Ok(Event::Exited { id, status }) => Ok(Wake::Exited { id, status }),
            Ok(Event::Output { id, data }) => Ok(Wake::Output { id, data }),
        }
    }

    fn sleep(&mut self, pause: Duration) -> Result<(), Stop> {
        let deadline = Instant::now() + pause;
        loop {
            if let Wake::Timeout = self.next(Some(deadline))? {
                return Ok(());
            }
        }
    }

    /// Start `sh -c cmd`, with threads that report its exit and (if piped) its output.
    fn spawn(&mut self, mut command: Command) -> io::Result<(u64, u32)> {
        let mut child: Child = command.spawn()?;
        self.next_child += 1;
        let id = self.next_child;
        let pid = child.id();
        for out in [
            child
                .stdout
                .take()
                .map(|o| Box::new(o) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|e| Box::new(e) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let tx = self.tx.clone();
            thread::spawn(move || {
                let data = read_tail(out);
                let _ = tx.send(Event::Output { id, data });
            });
        }
        let tx = self.tx.clone();
        thread::spawn(move || {
            let status = child.wait();
            let _ = tx.send(Event::Exited { id, status });
        });
        Ok((id, pid))
    }

    /// Run the check once: healthy when it exits 0 within the timeout.
    fn check(&mut self) -> Result<bool, Stop> {
        let Some(cmd) = &self.cfg.command else {
            return Ok(true);
        };
        self.log.debug(format!("running the check `{cmd}`"));
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(cmd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let (id, pid) = match self.spawn(command) {
            Ok(started) => started,
            Err(e) => {
                self.log.warn(format!("cannot run the check: {e}"));
                return Ok(false);
            }
        };
        let deadline = self.cfg.timeout.map(|t| Instant::now() + t);
        let mut status = None;
        let mut outputs = 0;
        let mut output = Vec::new();
        while status.is_none() || outputs < 2 {
            let wake = match self.next(deadline) {
                Ok(w) => w,
                Err(stop) => {
                    let _ = sys::kill_group(pid);
                    return Err(stop);
                }
            };
            match wake {
                Wake::Timeout => {
                    let secs = self.cfg.timeout.map_or(0.0, |t| t.as_secs_f64());
                    self.log.warn(format!(
                        "timeout ({secs} s) while running the check `{cmd}`: killed"
                    ));
                    if let Err(e) = sys::kill_group(pid) {
                        self.log.debug(format!("killing the check: {e}"));
                    }
                    return Ok(false);
                }
                Wake::Exited { id: i, status: s } if i == id => status = Some(s),
                Wake::Output { id: i, data } if i == id => {
                    outputs += 1;
                    output.extend_from_slice(&data);
                }
                _ => {}
            }
        }
        let output = String::from_utf8_lossy(&output);
        let output = output.trim();
        match status {
            Some(Ok(s)) if s.success() => {
                self.log.debug(format!("the check succeeded: {output}"));
                Ok(true)
            }
            Some(Ok(s)) => {
                let why = match s.code() {
                    Some(code) => format!("exit status {code}"),
                    None => format!("{s}"),
                };
                self.log.warn(format!("the check was unsuccessful: {why}"));
                if !output.is_empty() {
                    self.log.info(format!("output of the check: {output}"));
                }
                Ok(false)
            }
            Some(Err(e)) => {
                self.log.warn(format!("waiting for the check: {e}"));
                Ok(false)
            }
            None => Ok(false),
        }
    }

    /// Run the commands for entering `state` (`--STATE-execute`, then `--execute`), one after
    /// the other, with `STATE` in their environment.
    fn hooks(&mut self, state: State) -> Result<(), Stop> {
        let h = &self.cfg.hooks;
        let own: &[String] = match state {
            State::Up => &h.up,
            State::Down => &h.down,
            State::Disabled => &h.disabled,
            _ => &[],
        };
        let cmds: Vec<String> = own.iter().chain(h.any.iter()).cloned().collect();
        for cmd in cmds {
            self.log.debug(format!("{}: running `{cmd}`", state.name()));
            let mut command = Command::new("sh");
            command
                .arg("-c")
                .arg(&cmd)
                .env("STATE", state.name())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(if self.cfg.silent {
                    Stdio::null()
                } else {
                    Stdio::inherit()
                });
            let id = match self.spawn(command) {
                Ok((id, _)) => id,
                Err(e) => {
                    self.log.warn(format!("cannot run `{cmd}`: {e}"));
                    continue;
                }
            };
            loop {
                if let Wake::Exited { id: i, status } = self.next(None)? {
                    if i == id {
                        match status {
                            Ok(s) if !s.success() => {
                                self.log.debug(format!("`{cmd}` ended with {s}"));
                            }
                            Ok(_) => {}
                            Err(e) => self.log.warn(format!("waiting for `{cmd}`: {e}")),
                        }
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// Write the commands for `state`, each followed by its ack.
    fn announce(&mut self, state: State) -> Result<(), Stop> {
        let lines = commands(&self.cfg.advert, state);
        if lines.is_empty() {
            return Ok(());
        }
        self.log
            .info(format!("sending the routes for state {}", state.name()));
        for line in lines {
            self.send(&line)?;
            self.settle(None)?;
        }
        Ok(())
    }

    fn send(&mut self, line: &str) -> Result<(), Stop> {
        self.log.debug(format!("to herald: {line}"));
        let mut out = io::stdout().lock();
        out.write_all(line.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush())
            .map_err(|e| Stop::Gone(format!("stdout: {e}")))?;
        if self.ack {
            self.owed.push_back(line.to_string());
        }
        Ok(())
    }

    /// Read the acks still owed; false when `deadline` passed first.
    fn settle(&mut self, deadline: Option<Instant>) -> Result<bool, Stop> {
        while let Some(command) = self.owed.front() {
            if let Some(answer) = self.lines.pop_front() {
                if is_error(&answer) {
                    self.log
                        .warn(format!("herald answered `{answer}` to `{command}`"));
                } else if answer != "done" && !answer.contains("\"done\"") {
                    self.log
                        .debug(format!("unexpected answer `{answer}` to `{command}`"));
                }
                self.owed.pop_front();
                continue;
            }
            if let Wake::Timeout = self.next(deadline)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// On SIGTERM/SIGINT: withdraw every IP; a second signal or herald leaving cuts it short,
    /// and acks are waited for a bounded time only.
    fn withdraw_all(&mut self) {
        let deadline = Instant::now() + EXIT_ACK_WAIT;
        let mut run = || -> Result<(), Stop> {
            if !self.settle(Some(deadline))? {
                self.ack = false;
                self.owed.clear();
            }
            for line in commands(&self.cfg.advert, State::Exit) {
                self.send(&line)?;
                if !self.settle(Some(deadline))? {
                    self.log.warn("no ack from herald: not waiting any longer");
                    self.ack = false;
                    self.owed.clear();
                }
            }
            Ok(())
        };
        match run() {
            Ok(()) => {}
            Err(Stop::Signal(sig)) => self
                .log
                .warn(format!("{} again: exiting now", sys::signal_name(sig))),
            Err(Stop::Gone(why)) => self.log.warn(format!("{why}: exiting")),
        }
    }
}

/// Read to the end, keeping the last [`OUTPUT_KEPT`] octets.
fn read_tail(mut from: Box<dyn Read + Send>) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                kept.extend_from_slice(buf.get(..n).unwrap_or_default());
                if kept.len() > 2 * OUTPUT_KEPT {
                    let cut = kept.len() - OUTPUT_KEPT;
                    kept.drain(..cut);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    if kept.len() > OUTPUT_KEPT {
        let cut = kept.len() - OUTPUT_KEPT;
        kept.drain(..cut);
    }
    kept
}
