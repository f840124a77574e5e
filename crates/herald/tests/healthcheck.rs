//! `herald healthcheck`, run as a process: the exact lines it prints for each state, acks,
//! signals, timeouts, hooks, option files, refused options, and (when ExaBGP 5.0.15 is
//! installed) the same lines as ExaBGP's own checker.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_herald");

/// Generous: the machine may be busy building.
const LINE_WAIT: Duration = Duration::from_secs(15);

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("herald-hc-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, file: &str) -> String {
        self.0.join(file).to_str().unwrap().to_string()
    }

    fn touch(&self, file: &str) {
        fs::write(self.0.join(file), b"").unwrap();
    }

    fn remove(&self, file: &str) {
        fs::remove_file(self.0.join(file)).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A running checker: its stdout lines arrive on a channel.
struct Checker {
    child: Child,
    lines: Receiver<String>,
    stdin: Option<ChildStdin>,
    stderr: PathBuf,
}

fn spawn(program: &str, args: &[String], acks: bool, stderr: PathBuf) -> Checker {
    let mut child = Command::new(program)
        .args(args)
        .stdin(if acks { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let stdin = child.stdin.take();
    Checker {
        child,
        lines: rx,
        stdin,
        stderr,
    }
}

fn start(dir: &Scratch, args: &[&str], acks: bool) -> Checker {
    let mut all = vec!["healthcheck".to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    spawn(BIN, &all, acks, dir.0.join("stderr"))
}

impl Checker {
    fn line(&mut self) -> String {
        match self.lines.recv_timeout(LINE_WAIT) {
            Ok(l) => l,
            Err(e) => panic!("no line from the checker ({e}); stderr:\n{}", self.log()),
        }
    }

    /// Whether a line arrives within `wait` (None: stdout closed or nothing yet).
    fn line_within(&mut self, wait: Duration) -> Option<String> {
        self.lines.recv_timeout(wait).ok()
    }

    fn expect(&mut self, want: &str) {
        let got = self.line();
        assert_eq!(got, want, "stderr:\n{}", self.log());
    }

    fn ack(&mut self, answer: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{answer}").unwrap();
        stdin.flush().unwrap();
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    fn terminate(&self) {
        self.signal("-TERM");
    }

    fn signal(&self, which: &str) {
        let ok = Command::new("kill")
            .args([which, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Wait for the exit; the remaining stdout lines and the status.
    fn finish(mut self) -> (Vec<String>, ExitStatus) {
        let deadline = Instant::now() + LINE_WAIT;
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the checker did not exit; stderr:\n{}", self.log());
            }
            thread::sleep(Duration::from_millis(10));
        };
        let mut rest = Vec::new();
        while let Ok(l) = self.lines.recv_timeout(LINE_WAIT) {
            rest.push(l);
        }
        (rest, status)
    }
}

impl Drop for Checker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Options shared by most tests: a check that succeeds while DIR/up exists, short intervals.
fn base(dir: &Scratch) -> Vec<String> {
    [
        "--cmd",
        &format!("test -f {}", dir.path("up")),
        "--interval",
        "0.05",
        "--fast-interval",
        "0.02",
        "--rise",
        "2",
        "--fall",
        "2",
        "--no-ip-setup",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn with<'a>(base: &'a [String], more: &[&'a str]) -> Vec<&'a str> {
    base.iter()
        .map(String::as_str)
        .chain(more.iter().copied())
        .collect()
}

const UP: &str = "neighbor * announce route 192.0.2.1/32 next-hop self med 100";
const DOWN: &str = "neighbor * announce route 192.0.2.1/32 next-hop self med 1000";
const DISABLED: &str = "neighbor * announce route 192.0.2.1/32 next-hop self med 500";
const WITHDRAW: &str = "neighbor * withdraw route 192.0.2.1/32 next-hop self";

#[test]
fn rise_fall_disable_and_sigterm() {
    let dir = Scratch::new("states");
    let b = base(&dir);
    let disable = dir.path("disabled");
    let args = with(
        &b,
        &[
            "--ip",
            "192.0.2.1",
            "--no-ack",
            "--debounce",
            "--disable",
            &disable,
        ],
    );
    dir.touch("up");
    let mut c = start(&dir, &args, false);
    c.expect(UP);
    dir.remove("up");
    c.expect(DOWN);
    dir.touch("disabled");
    c.expect(DISABLED);
    dir.touch("up");
    dir.remove("disabled");
    c.expect(UP);
    c.terminate();
    let (rest, status) = c.finish();
    assert_eq!(rest, [WITHDRAW]);
    assert!(status.success(), "{status}");
}

#[test]
fn reannounces_every_interval_without_debounce() {
    let dir = Scratch::new("repeat");
    let b = base(&dir);
    dir.touch("up");
    let mut c = start(&dir, &with(&b, &["--ip", "192.0.2.1", "--no-ack"]), false);
    for _ in 0..3 {
        c.expect(UP);
    }
    c.terminate();
    let (rest, status) = c.finish();
    // Announcements already under way may still come before the withdraw.
    assert_eq!(rest.last().map(String::as_str), Some(WITHDRAW));
    assert!(rest.iter().rev().skip(1).all(|l| l == UP), "{rest:?}");
    assert!(status.success());
}

#[test]
fn withdraw_on_down() {
    let dir = Scratch::new("withdraw");
    let b = base(&dir);
    let args = with(
        &b,
        &[
            "--ip",
            "192.0.2.1",
            "--no-ack",
            "--debounce",
            "--withdraw-on-down",
        ],
    );
    let mut c = start(&dir, &args, false);
    c.expect(WITHDRAW);
    dir.touch("up");
    c.expect(UP);
    dir.remove("up");
    c.expect(WITHDRAW);
    c.terminate();
    let (rest, status) = c.finish();
    assert_eq!(rest, [WITHDRAW]);
    assert!(status.success());
}

#[test]
fn sigterm_withdraws_every_ip() {
    let dir = Scratch::new("sigterm");
    let b = base(&dir);
    let args = with(
        &b,
        &[
            "--ip",
            "192.0.2.1",
            "--ip",
            "2001:db8::/64",
            "--no-ack",
            "--debounce",
        ],
    );
    dir.touch("up");
    let mut c = start(&dir, &args, false);
    c.expect(UP);
    c.expect("neighbor * announce route 2001:db8::/64 next-hop self med 101");
    c.terminate();
    let (rest, status) = c.finish();
    assert_eq!(
        rest,
        [
            WITHDRAW,
            "neighbor * withdraw route 2001:db8::/64 next-hop self"
        ]
    );
    assert!(status.success());
}

#[test]
fn two_neighbors_prefix() {
    let dir = Scratch::new("neighbors");
    let b = base(&dir);
    let args = with(
        &b,
        &[
            "--ip",
            "192.0.2.1",
            "--no-ack",
            "--neighbor",
            "10.0.0.1",
            "--neighbor",
            "2001:db8::2",
            "--next-hop",
            "192.0.2.254",
            "--rise",
            "1",
            "--interval",
            "0",
        ],
    );
    dir.touch("up");
    let (lines, status) = start(&dir, &args, false).finish();
    assert_eq!(
        lines,
        [
            "neighbor 10.0.0.1, neighbor 2001:db8::2 announce route 192.0.2.1/32 next-hop \
          192.0.2.254 med 100"
        ]
    );
    assert!(status.success());
}

#[test]
fn increase_across_ips_and_start_ip() {
    let dir = Scratch::new("increase");
    let b = base(&dir);
    let args = with(
        &b,
        &[
            "--ip",
            "192.0.2.1",
            "--ip",
            "192.0.2.2",
            "--ip",
            "192.0.2.3",
            "--start-ip",
            "1",
            "--increase",
            "10",
            "--no-ack",
            "--fall",
            "1",
            "--interval",
            "0",
        ],
    );
    let (lines, status) = start(&dir, &args, false).finish();
    assert_eq!(
        lines,
        [
            "neighbor * announce route 192.0.2.2/32 next-hop self med 1000",
            "neighbor * announce route 192.0.2.3/32 next-hop self med 1010",
            "neighbor * announce route 192.0.2.1/32 next-hop self med 1020",
        ]
    );
    assert!(status.success());
}

#[test]
fn acks_are_read_one_per_command() {
    let dir = Scratch::new("acks");
    let b = base(&dir);
    let args = with(
        &b,
        &["--ip", "192.0.2.1", "--ip", "192.0.2.2", "--debounce"],
    );
    dir.touch("up");
    let mut c = start(&dir, &args, true);
    c.expect(UP);
    // The second command waits for the ack of the first.
    assert_eq!(c.line_within(Duration::from_millis(300)), None);
    c.ack("done");
    c.expect("neighbor * announce route 192.0.2.2/32 next-hop self med 101");
    c.ack("error");
    dir.remove("up");
    c.expect(DOWN);
    c.ack("done");
    c.expect("neighbor * announce route 192.0.2.2/32 next-hop self med 1001");
    c.ack("done");
    c.terminate();
    c.expect(WITHDRAW);
    c.ack("done");
    c.expect("neighbor * withdraw route 192.0.2.2/32 next-hop self");
    c.ack("done");
    let (rest, status) = c.finish();
    assert!(rest.is_empty(), "{rest:?}");
    assert!(status.success());
}

#[test]
fn sigterm_while_an_ack_is_owed() {
    let dir = Scratch::new("owed");
    let b = base(&dir);
    dir.touch("up");
    let mut c = start(&dir, &with(&b, &["--ip", "192.0.2.1", "--debounce"]), true);
    c.expect(UP);
    c.terminate();
    // The withdraw waits for the ack still owed for the announce.
    assert_eq!(c.line_within(Duration::from_millis(200)), None);
    c.ack("done");
    c.expect(WITHDRAW);
    c.ack("done");
    let (rest, status) = c.finish();
    assert!(rest.is_empty(), "{rest:?}");
    assert!(status.success());
}

#[test]
fn shutdown_answer_means_herald_is_gone() {
    let dir = Scratch::new("shutdown");
    let b = base(&dir);
    dir.touch("up");
    let mut c = start(&dir, &with(&b, &["--ip", "192.0.2.1"]), true);
    c.expect(UP);
    c.ack("shutdown");
    let (rest, status) = c.finish();
    assert!(rest.is_empty(), "{rest:?}");
    assert!(status.success());
}

#[test]
fn closed_stdin_means_herald_is_gone() {
    let dir = Scratch::new("gone");
    let b = base(&dir);
    let args = with(&b, &["--ip", "192.0.2.1", "--interval", "30"]);
    dir.touch("up");
    let mut c = start(&dir, &args, true);
    c.expect(UP);
    drop(c.stdin.take());
    let log_path = c.stderr.clone();
    let (rest, status) = c.finish();
    assert!(rest.is_empty(), "{rest:?}");
    assert!(status.success());
    let log = fs::read_to_string(log_path).unwrap();
    assert!(log.contains("stdin closed"), "{log}");
}

#[test]
fn no_ack_needs_no_stdin() {
    let dir = Scratch::new("noack");
    let b = base(&dir);
    dir.touch("up");
    let mut c = start(&dir, &with(&b, &["--ip", "192.0.2.1", "--no-ack"]), false);
    c.expect(UP);
    c.expect(UP);
    c.signal("-INT");
    let (rest, status) = c.finish();
    assert_eq!(rest.last().map(String::as_str), Some(WITHDRAW));
    assert!(status.success());
}

#[test]
fn hanging_check_times_out_and_is_killed() {
    let dir = Scratch::new("timeout");
    let pid_file = dir.path("sleeper");
    // The shell waits on a grandchild: both must be killed.
    let cmd = format!("sleep 30 & echo $! > {pid_file}; wait");
    let started = Instant::now();
    let args = [
        "--cmd",
        &cmd,
        "--timeout",
        "0.2",
        "--fall",
        "1",
        "--interval",
        "0",
        "--ip",
        "192.0.2.1",
        "--no-ack",
    ];
    let (lines, status) = start(&dir, &args, false).finish();
    assert_eq!(lines, [DOWN]);
    assert!(status.success());
    assert!(started.elapsed() < Duration::from_secs(10));
    let pid = fs::read_to_string(&pid_file).unwrap().trim().to_string();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        // Gone, or a zombie waiting for init.
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if stat.is_empty() || stat.contains(") Z ") {
            break;
        }
        assert!(Instant::now() < deadline, "sleep {pid} still runs: {stat}");
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn interval_zero_announces_once_and_exits() {
    let dir = Scratch::new("once");
    let b = base(&dir);
    dir.touch("up");
    let args = with(&b, &["--ip", "192.0.2.1", "--no-ack", "--interval", "0"]);
    let (lines, status) = start(&dir, &args, false).finish();
    assert_eq!(lines, [UP]);
    assert!(status.success());
}

#[test]
fn hooks_see_the_state() {
    let dir = Scratch::new("hooks");
    let b = base(&dir);
    let log = dir.path("hooks.log");
    let up = format!("echo up-$STATE >> {log}");
    let any = format!("echo any-$STATE >> {log}");
    let mask = format!("grep SigBlk /proc/self/status >> {}", dir.path("mask"));
    let args = with(
        &b,
        &[
            "--ip",
            "192.0.2.1",
            "--no-ack",
            "--interval",
            "0",
            "--up-execute",
            &up,
            "--execute",
            &any,
            "--down-execute",
            "false",
            "--execute",
            &mask,
        ],
    );
    dir.touch("up");
    let (lines, status) = start(&dir, &args, false).finish();
    assert_eq!(lines, [UP]);
    assert!(status.success());
    assert_eq!(
        fs::read_to_string(&log).unwrap(),
        "any-RISING\nup-UP\nany-UP\n"
    );
    // SIGTERM/SIGINT are blocked in the checker, not in what it runs.
    for line in fs::read_to_string(dir.path("mask")).unwrap().lines() {
        assert!(line.ends_with("0000000000000000"), "{line}");
    }
}

#[test]
fn options_from_a_config_file() {
    let dir = Scratch::new("config");
    let file = dir.path("hc.conf");
    fs::write(
        &file,
        format!(
            "# a comment\nname = web\ncommand = test -f {}\nrise = 1\ninterval = 0\n\
             ip = 192.0.2.7\nno-ip-setup\nno-ack\nup-metric = 42\nlocal-preference = 300\n\
             community = 65000:1 65000:2\n",
            dir.path("up")
        ),
    )
    .unwrap();
    dir.touch("up");
    // The command line comes after the file.
    let (lines, status) = start(
        &dir,
        &["--config", &file, "--up-metric", "43", "-sF"],
        false,
    )
    .finish();
    assert_eq!(
        lines,
        [
            "neighbor * announce route 192.0.2.7/32 next-hop self med 43 local-preference 300 \
          community [ 65000:1 65000:2 ]"
        ]
    );
    assert!(status.success());
}

#[test]
fn address_setup_options_are_refused() {
    let dir = Scratch::new("refused");
    for extra in [
        &["--dynamic-ip-setup"][..],
        &["--sudo"],
        &["--user", "nobody"],
        &["--group", "nogroup"],
        &["--label", "web"],
        &["--label-exact-match"],
        &["--ip-ifname", "192.0.2.1%eth0"],
    ] {
        let mut args = vec!["--ip", "192.0.2.1", "--no-ack", "--interval", "0"];
        args.extend_from_slice(extra);
        let c = start(&dir, &args, false);
        let log_path = c.stderr.clone();
        let (lines, status) = c.finish();
        let log = fs::read_to_string(log_path).unwrap();
        assert!(!status.success(), "{extra:?}");
        assert!(lines.is_empty(), "{extra:?}: {lines:?}");
        assert!(log.contains("unsupported:"), "{extra:?}: {log}");
    }
}

#[test]
fn a_service_ip_is_required() {
    let dir = Scratch::new("noip");
    let c = start(
        &dir,
        &["--no-ip-setup", "--interval", "0", "--no-ack"],
        false,
    );
    let log_path = c.stderr.clone();
    let (lines, status) = c.finish();
    assert!(lines.is_empty());
    assert!(!status.success());
    assert!(fs::read_to_string(log_path).unwrap().contains("--ip"));
}

// ---- Against ExaBGP's own checker -----------------------------------------------------------

/// The Python of a venv holding ExaBGP 5.0.15, if any.
fn exabgp_python() -> Option<PathBuf> {
    let mut venvs = Vec::new();
    if let Some(v) = std::env::var_os("HERALD_TEST_VENV") {
        venvs.push(PathBuf::from(v));
    }
    if let Some(home) = std::env::var_os("HOME") {
        venvs.push(Path::new(&home).join(".cache/herald/exabgp-venv"));
    }
    venvs.push(PathBuf::from("/opt/exabgp-venv"));
    venvs.into_iter().map(|v| v.join("bin/python")).find(|py| {
        Command::new(py)
            .args(["-c", "import exabgp.application.healthcheck"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// A check that follows `pattern`, one character per run: `1` succeeds, `0` fails, `D`
/// creates the disable file and succeeds, `K` sends SIGTERM to the checker (whose PID is in
/// the --pid file) and hangs.
fn scripted_check(dir: &Scratch, pattern: &str) -> String {
    fs::write(dir.0.join("pattern"), pattern).unwrap();
    let _ = fs::remove_file(dir.0.join("count"));
    let script = format!(
        "n=$(cat {count} 2>/dev/null || echo 0)\n\
         n=$((n + 1))\n\
         echo $n > {count}\n\
         case $(cut -c$n {pattern}) in\n\
         1) exit 0 ;;\n\
         0) exit 1 ;;\n\
         D) : > {disabled}; exit 0 ;;\n\
         *) kill -TERM $(cat {pid}); exec sleep 3 ;;\n\
         esac\n",
        count = dir.path("count"),
        pattern = dir.path("pattern"),
        disabled = dir.path("disabled"),
        pid = dir.path("pid"),
    );
    fs::write(dir.0.join("check.sh"), script).unwrap();
    format!("sh {}", dir.path("check.sh"))
}

/// Run one checker to its end with `args`, `acks` answers pre-fed on its stdin.
fn run_to_end(dir: &Scratch, program: &str, args: Vec<String>, acks: usize) -> Vec<String> {
    let _ = fs::remove_file(dir.0.join("count"));
    let _ = fs::remove_file(dir.0.join("disabled"));
    let mut c = spawn(program, &args, acks > 0, dir.0.join("stderr"));
    if acks > 0 {
        let stdin = c.stdin.as_mut().unwrap();
        for _ in 0..acks {
            writeln!(stdin, "done").unwrap();
        }
        stdin.flush().unwrap();
    }
    let log_path = c.stderr.clone();
    let (lines, status) = c.finish();
    assert!(
        status.success(),
        "{program} {args:?}: {status}\n{}",
        fs::read_to_string(log_path).unwrap_or_default()
    );
    lines
}

#[test]
fn same_lines_as_exabgp() {
    let Some(python) = exabgp_python() else {
        if std::env::var("HERALD_REQUIRE_PEERS").as_deref() == Ok("1") {
            panic!(
                "ExaBGP 5.0.15 venv not found (HERALD_TEST_VENV, ~/.cache/herald/exabgp-venv, \
                 /opt/exabgp-venv) and HERALD_REQUIRE_PEERS=1: run scripts/install-test-deps.sh"
            );
        }
        eprintln!(
            "SKIP same_lines_as_exabgp: no ExaBGP 5.0.15 venv (run scripts/install-test-deps.sh)"
        );
        return;
    };
    let python = python.to_str().unwrap().to_string();
    let dir = Scratch::new("exabgp");
    let common = |check: &str| -> Vec<String> {
        [
            "--cmd",
            check,
            "--interval",
            "0.03",
            "--fast-interval",
            "0.01",
            "--rise",
            "2",
            "--fall",
            "2",
            "--no-ip-setup",
            "--no-syslog",
            "--pid",
            &dir.path("pid"),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let owned = |v: &[&str]| -> Vec<String> { v.iter().map(|s| s.to_string()).collect() };
    let disable = dir.path("disabled");
    let rm_disable = format!("rm -f {disable}");

    // (pattern, extra options, acks to feed)
    let scenarios: Vec<(&str, Vec<String>, usize)> = vec![
        (
            // up, re-announce, wobble, down, re-announce, disabled, back to INIT, up, SIGTERM
            "11101000D111K",
            owned(&[
                "--no-ack",
                "--ip",
                "192.0.2.1",
                "--ip",
                "2001:db8::/64",
                "--ip",
                "198.51.100.0/24",
                "--start-ip",
                "1",
                "--increase",
                "5",
                "--neighbor",
                "192.0.2.254",
                "--neighbor",
                "2001:db8::fe",
                "--next-hop",
                "192.0.2.10",
                "--local-preference",
                "200",
                "--community",
                "65000:1",
                "--disabled-community",
                "65000:666",
                "--extended-community",
                "target:65000:1",
                "--large-community",
                "65000:0:1",
                "--as-path",
                "65000 65001",
                "--down-as-path",
                "65002",
                "--path-id",
                "7",
                "--up-metric",
                "10",
                "--down-metric",
                "90",
                "--disabled-metric",
                "50",
                "--disable",
                &disable,
                "--disabled-execute",
                &rm_disable,
            ]),
            0,
        ),
        (
            // with acks, --withdraw-on-down and --debounce
            "1100D1K",
            owned(&[
                "--ip",
                "192.0.2.1",
                "--ip",
                "192.0.2.2",
                "--withdraw-on-down",
                "--debounce",
                "--disable",
                &disable,
                "--disabled-execute",
                &rm_disable,
                "--neighbor",
                "*",
            ]),
            64,
        ),
        (
            // --interval 0: check until DOWN, announce, exit without withdrawing
            "00",
            owned(&["--no-ack", "--ip", "192.0.2.9", "--interval", "0"]),
            0,
        ),
    ];
    for (pattern, extra, acks) in scenarios {
        let check = scripted_check(&dir, pattern);
        let mut args = common(&check);
        args.extend(extra);

        let mut exa_args = vec!["-m".to_string(), "exabgp".into(), "healthcheck".into()];
        exa_args.extend(args.iter().cloned());
        let exabgp = run_to_end(&dir, &python, exa_args, acks);

        let mut our_args = vec!["healthcheck".to_string()];
        our_args.extend(args.iter().cloned());
        let herald = run_to_end(&dir, BIN, our_args, acks);

        assert!(
            !exabgp.is_empty(),
            "pattern {pattern}: ExaBGP printed nothing"
        );
        assert_eq!(herald, exabgp, "pattern {pattern}");
        eprintln!(
            "pattern {pattern}: {} identical lines, e.g. {:?}",
            herald.len(),
            herald.first()
        );
    }
}
