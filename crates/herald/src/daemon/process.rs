//! Helper processes (`process NAME { run CMD; encoder json|text; }`): started through
//! `/bin/sh -c`, as ExaBGP does, fed events and answers on their stdin, read for commands on
//! their stdout line by line, their stderr copied to herald's log.
//!
//! A helper that exits is restarted (unless `respawn false`, or `api.respawn` is false) after
//! a delay that doubles from 1 s up to 32 s; a helper that exits more than
//! [`RESPAWN_LIMIT`] times within [`RESPAWN_WINDOW`] is given up on with an error in the log
//! (herald keeps running: its sessions and the other helpers are not affected).
//!
//! Lines longer than [`MAX_LINE`] octets are answered `error` and skipped; reading pauses while
//! the helper's own answers are not read (see [`super::bus`]), so a helper that prints
//! gigabytes is bounded by what herald can apply and by its own reading.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use herald_config::Encoder;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, watch};
use tracing::{error, info, warn};

use super::bus::{self, Consumer, LostFormat};

/// Exits within [`RESPAWN_WINDOW`] after which a helper is not restarted again.
pub const RESPAWN_LIMIT: usize = 5;
/// The window for [`RESPAWN_LIMIT`].
pub const RESPAWN_WINDOW: Duration = Duration::from_secs(60);
/// The longest command line accepted, in octets.
pub const MAX_LINE: usize = 1 << 20;
/// Lines handed to the dispatcher in one request at most.
const BATCH_LINES: usize = 4096;

/// Whether a source answers `done`/`error` (ExaBGP's `enable-ack`, `disable-ack`,
/// `silence-ack`).
pub const ACK_ON: u8 = 0;
/// Answers are not written.
pub const ACK_OFF: u8 = 1;

/// Who sent a command and where its answers go.
pub struct Source {
    /// The process name, or `cli` for the control socket.
    pub name: String,
    /// A helper process (its commands reach only the neighbors whose `api` names it) or the
    /// control socket (all neighbors).
    pub process: bool,
    /// Answers go here.
    pub consumer: Arc<Consumer>,
    /// How answers are written.
    pub encoder: Encoder,
    /// [`ACK_ON`] or [`ACK_OFF`].
    pub ack: AtomicU8,
    /// Command lines read from it, and how many of them were refused (for metrics).
    pub stats: SourceStats,
}

/// What a source sent, counted for metrics.
#[derive(Debug, Default)]
pub struct SourceStats {
    /// Command lines read.
    pub lines: std::sync::atomic::AtomicU64,
    /// Commands answered with an error.
    pub errors: std::sync::atomic::AtomicU64,
}

impl Source {
    /// Answer `done` unless acks are off. ExaBGP 5 answers plain `done`/`error` whatever the
    /// process's encoder, and so does herald.
    pub fn done(&self) {
        if self.ack.load(Ordering::Relaxed) == ACK_ON {
            self.consumer.push_answer("done\n".to_string());
        }
    }

    /// Answer `error` unless acks are off. A control socket client also gets the reason, on
    /// the line before.
    pub fn error(&self, message: &str) {
        self.stats.errors.fetch_add(1, Ordering::Relaxed);
        if !self.process {
            self.consumer
                .push_answer(format!("error: {}\n", message.replace('\n', " ")));
        }
        if self.ack.load(Ordering::Relaxed) == ACK_ON {
            self.consumer.push_answer("error\n".to_string());
        }
    }

    /// A line of output (for `show …`, `version`, `help`).
    pub fn line(&self, text: impl Into<String>) {
        let mut s = text.into();
        s.push('\n');
        self.consumer.push_answer(s);
    }
}

/// One command line, parsed where it was read (on the reader's task, so that parsing runs
/// beside the dispatcher and the peers).
pub struct Parsed {
    /// The line as written (for logs).
    pub text: String,
    /// The command, or why it is refused.
    pub line: Result<herald_api::command::Line, herald_api::command::CommandError>,
}

impl Parsed {
    /// Parse a line (blank lines and `#` comments are [`herald_api::command::Command::Comment`]).
    pub fn new(text: String) -> Parsed {
        let t = text.trim();
        let line = if t.is_empty() || t.starts_with('#') {
            Ok(herald_api::command::Line {
                selectors: Vec::new(),
                command: herald_api::command::Command::Comment,
            })
        } else {
            herald_api::command::parse(t)
        };
        Parsed { text, line }
    }
}

/// Lines read from one source, for the dispatcher.
pub struct Request {
    /// Who sent them.
    pub source: Arc<Source>,
    /// The lines, in order.
    pub lines: Vec<Parsed>,
    /// Told once every earlier line of this source has been answered.
    pub sync: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A configured helper process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The process name.
    pub name: String,
    /// The shell command line.
    pub command: String,
    /// Event and answer format.
    pub encoder: Encoder,
    /// Restart when it exits.
    pub respawn: bool,
    /// Working directory: the configuration file's directory.
    pub dir: PathBuf,
    /// Answer `done`/`error` from the start (`api.ack`, true by default).
    pub ack: bool,
    /// Stop herald when this process ends (`api.terminate`, false by default).
    pub terminate: bool,
}

/// Make the command line of a `run` setting: a relative program path is taken from the
/// configuration file's directory when it exists there; the words are quoted for the shell.
pub fn command_line(run: &[String], dir: &Path) -> String {
    let mut words: Vec<String> = run.to_vec();
    if let Some(first) = words.first_mut() {
        let p = Path::new(first.as_str());
        if p.is_relative() && first.contains('/') {
            let candidate = dir.join(p);
            if candidate.exists() {
                *first = candidate.to_string_lossy().into_owned();
            }
        }
    }
    if words.len() == 1 {
        // One word as written: it may itself be a shell command line ("python3 -u x.py").
        return words.pop().unwrap_or_default();
    }
    words
        .iter()
        .map(|w| shell_quote(w))
        .collect::<Vec<_>>()
        .join(" ")
}

fn shell_quote(w: &str) -> String {
    if !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

/// A running helper: its event queue (shared by the neighbors that subscribe to it).
pub struct Handle {
    /// The process name.
    pub name: String,
    /// How it was started.
    pub spec: Spec,
    /// Its stdin queue.
    pub consumer: Arc<Consumer>,
    /// Its answer side.
    pub source: Arc<Source>,
    task: tokio::task::JoinHandle<()>,
    stop: watch::Sender<bool>,
}

impl Handle {
    /// Start the helper and keep it running.
    pub fn start(spec: Spec, queue_bytes: usize, requests: mpsc::Sender<Request>) -> Handle {
        let format = match spec.encoder {
            Encoder::Json => LostFormat::Json,
            Encoder::Text => LostFormat::Text,
        };
        let consumer = Consumer::new(format!("process {}", spec.name), queue_bytes, format);
        let source = Arc::new(Source {
            name: spec.name.clone(),
            process: true,
            consumer: consumer.clone(),
            encoder: spec.encoder,
            ack: AtomicU8::new(if spec.ack { ACK_ON } else { ACK_OFF }),
            stats: SourceStats::default(),
        });
        let (stop, stop_rx) = watch::channel(false);
        let name = spec.name.clone();
        let task = tokio::spawn(supervise(spec.clone(), source.clone(), requests, stop_rx));
        Handle {
            name,
            spec,
            consumer,
            source,
            task,
            stop,
        }
    }

    /// Write the final `shutdown` event, close the helper's stdin and wait for it to exit
    /// (at most `grace`; then it is killed).
    pub async fn shutdown(self, grace: Duration) {
        let mut line = String::new();
        match self.source.encoder {
            Encoder::Json => herald_api::json::write_shutdown(
                &mut line,
                super::events::epoch(),
                super::events::host(),
                std::process::id(),
                super::events::parent_pid(),
            ),
            Encoder::Text => herald_api::text::write_shutdown(
                &mut line,
                std::process::id(),
                super::events::parent_pid(),
            ),
        }
        if !line.ends_with('\n') {
            line.push('\n');
        }
        self.consumer.push_answer(line);
        let _ = self.stop.send(true);
        if tokio::time::timeout(grace + Duration::from_secs(2), self.task)
            .await
            .is_err()
        {
            warn!(process = %self.name, "did not stop in time");
        }
    }
}

async fn supervise(
    spec: Spec,
    source: Arc<Source>,
    requests: mpsc::Sender<Request>,
    mut stop: watch::Receiver<bool>,
) {
    let mut exits: Vec<Instant> = Vec::new();
    let mut delay = Duration::from_secs(1);
    loop {
        let started = Instant::now();
        match spawn(&spec) {
            Ok(child) => {
                info!(process = %spec.name, pid = child.id().unwrap_or(0), command = %spec.command, "process started");
                source.consumer.reopen();
                let stopping = run_child(child, &spec, &source, &requests, &mut stop).await;
                if stopping {
                    return;
                }
            }
            Err(e) => error!(process = %spec.name, command = %spec.command, "cannot start: {e}"),
        }
        source.consumer.close();
        if spec.terminate {
            error!(process = %spec.name, "process ended and api.terminate is set: stopping herald");
            let req = Request {
                source: source.clone(),
                lines: vec![Parsed::new("shutdown".to_string())],
                sync: None,
            };
            let _ = requests.send(req).await;
            return;
        }
        if !spec.respawn {
            warn!(process = %spec.name, "process ended; respawn is off");
            return;
        }
        let now = Instant::now();
        exits.retain(|t| now.duration_since(*t) < RESPAWN_WINDOW);
        exits.push(now);
        if exits.len() > RESPAWN_LIMIT {
            error!(process = %spec.name, "process ended {} times within {} s: not restarting it", exits.len(), RESPAWN_WINDOW.as_secs());
            return;
        }
        if now.duration_since(started) > RESPAWN_WINDOW {
            delay = Duration::from_secs(1);
        }
        warn!(process = %spec.name, delay_s = delay.as_secs(), "process ended; restarting");
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.changed() => return,
        }
        delay = (delay * 2).min(Duration::from_secs(32));
    }
}

fn spawn(spec: &Spec) -> std::io::Result<Child> {
    let mut c = Command::new("/bin/sh");
    c.arg("-c")
        .arg(&spec.command)
        .current_dir(&spec.dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        // Its own process group, so that stopping it stops what the shell started too.
        .process_group(0);
    c.spawn()
}

/// Run one incarnation; `true` when herald is stopping.
async fn run_child(
    mut child: Child,
    spec: &Spec,
    source: &Arc<Source>,
    requests: &mpsc::Sender<Request>,
    stop: &mut watch::Receiver<bool>,
) -> bool {
    let writer = child
        .stdin
        .take()
        .map(|stdin| tokio::spawn(bus::write_loop(source.consumer.clone(), stdin)));
    let reader = child
        .stdout
        .take()
        .map(|out| tokio::spawn(read_commands(out, source.clone(), requests.clone())));
    let name = spec.name.clone();
    let logger = child.stderr.take().map(|err| {
        tokio::spawn(async move {
            let mut lines = BufReader::new(err).lines();
            while let Ok(Some(l)) = lines.next_line().await {
                info!(process = %name, "stderr: {l}");
            }
        })
    });
    let stopping = tokio::select! {
        status = child.wait() => {
            match status {
                Ok(s) => warn!(process = %spec.name, status = %s, "process exited"),
                Err(e) => warn!(process = %spec.name, "process lost: {e}"),
            }
            false
        }
        _ = stop.changed() => true,
    };
    if stopping {
        // The shutdown event is queued: let the writer deliver it and close stdin, then give
        // the helper a moment to exit by itself.
        source.consumer.finish();
        let pgid = child.id();
        if let Some(w) = writer {
            // A helper that does not read keeps its stdin blocked: stop waiting for it.
            let _ = tokio::time::timeout(Duration::from_millis(500), w).await;
        }
        if tokio::time::timeout(Duration::from_millis(700), child.wait())
            .await
            .is_err()
        {
            signal_group(pgid, libc::SIGTERM);
            if tokio::time::timeout(Duration::from_millis(500), child.wait())
                .await
                .is_err()
            {
                let _ = child.start_kill();
                let _ = child.wait().await;
            }
        }
        // Whatever the shell left in the group goes too.
        signal_group(pgid, libc::SIGKILL);
    } else {
        source.consumer.close();
        if let Some(w) = writer {
            w.abort();
        }
        signal_group(child.id(), libc::SIGTERM);
    }
    if let Some(r) = reader {
        r.abort();
    }
    if let Some(l) = logger {
        let _ = tokio::time::timeout(Duration::from_millis(200), l).await;
    }
    stopping
}

/// Read command lines from `out` and hand them to the dispatcher in batches: all the whole
/// lines already read, up to [`BATCH_LINES`].
pub async fn read_commands(
    out: impl tokio::io::AsyncRead + Unpin,
    source: Arc<Source>,
    requests: mpsc::Sender<Request>,
) {
    let mut r = BufReader::with_capacity(256 << 10, out);
    let mut buf: Vec<u8> = Vec::with_capacity(64 << 10);
    let mut skipping = false;
    loop {
        // Answers not read: wait before taking more commands.
        source.consumer.wait_room().await;
        if matches!(r.read_buf(&mut buf).await, Ok(0) | Err(_)) {
            break;
        }
        let mut lines = Vec::new();
        let mut start = 0;
        while let Some(pos) = buf
            .get(start..)
            .and_then(|b| b.iter().position(|&c| c == b'\n'))
        {
            let line = buf.get(start..start + pos).unwrap_or_default();
            source.stats.lines.fetch_add(1, Ordering::Relaxed);
            if skipping {
                // The end of a line already refused as too long.
                skipping = false;
            } else if line.len() > MAX_LINE {
                lines.push(too_long());
            } else {
                lines.push(Parsed::new(
                    String::from_utf8_lossy(line)
                        .trim_end_matches('\r')
                        .to_string(),
                ));
            }
            start += pos + 1;
            if lines.len() >= BATCH_LINES
                && requests
                    .send(Request {
                        source: source.clone(),
                        lines: std::mem::take(&mut lines),
                        sync: None,
                    })
                    .await
                    .is_err()
            {
                return;
            }
        }
        buf.drain(..start);
        if buf.len() > MAX_LINE {
            // An unfinished line already too long: refuse it once, in order, and skip the
            // rest of it.
            if !skipping {
                warn!(source = %source.name, "command line longer than {MAX_LINE} octets: refused");
                lines.push(too_long());
            }
            buf.clear();
            skipping = true;
        }
        if !lines.is_empty()
            && requests
                .send(Request {
                    source: source.clone(),
                    lines,
                    sync: None,
                })
                .await
                .is_err()
        {
            return;
        }
    }
}

fn too_long() -> Parsed {
    Parsed {
        text: String::from("<line too long>"),
        line: Err(herald_api::command::CommandError {
            column: 1,
            message: format!("line longer than {MAX_LINE} octets"),
        }),
    }
}

/// Send `sig` to the process group a helper leads (it was started with its own group).
#[allow(unsafe_code)]
fn signal_group(pgid: Option<u32>, sig: libc::c_int) {
    let Some(pgid) = pgid.and_then(|p| libc::pid_t::try_from(p).ok()) else {
        return;
    };
    if pgid <= 1 {
        return;
    }
    // SAFETY: kill(2) with a negative pid signals a process group; it reads no memory.
    unsafe {
        libc::kill(-pgid, sig);
    }
}
