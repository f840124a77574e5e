//! Network namespaces for the driver tests. Each test makes its own (`herald-t-<pid>-<n>`),
//! runs the driver inside it on a dedicated thread (`setns(2)`, then a current-thread tokio
//! runtime), and deletes it when the guard drops, also when the test fails. The host's own
//! namespace is never changed.

use std::fs::File;
use std::future::Future;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use nix::sched::{setns, CloneFlags};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A network namespace made by `ip netns add`, deleted on drop.
pub(super) struct Netns {
    /// Its name under `/run/netns`.
    pub(super) name: String,
}

impl Netns {
    /// A new namespace with `lo` up. When this machine cannot make one (not root, no
    /// iproute2): `None` after saying why on stderr, or a panic when `CI` is set.
    pub(super) fn new() -> Option<Netns> {
        let name = format!(
            "herald-t-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let why = match Command::new("ip").args(["netns", "add", &name]).output() {
            Ok(o) if o.status.success() => None,
            Ok(o) => Some(String::from_utf8_lossy(&o.stderr).trim().to_string()),
            Err(e) => Some(format!("cannot run ip: {e}")),
        };
        if let Some(why) = why {
            let msg = format!(
                "cannot create network namespace {name} ({why}): run as root with iproute2"
            );
            if std::env::var_os("CI").is_some() {
                panic!("{msg}");
            }
            eprintln!("skipped: {msg}");
            return None;
        }
        let ns = Netns { name };
        ns.ip(&["link", "set", "lo", "up"]);
        Some(ns)
    }

    /// `ip -n NAME ARGS…`; its stdout. Panics with ip's stderr when it fails.
    pub(super) fn ip(&self, args: &[&str]) -> String {
        let mut full = vec!["-n", &self.name];
        full.extend_from_slice(args);
        checked("ip", &full)
    }

    /// `ip netns exec NAME ARGS…`, whatever its exit status.
    pub(super) fn exec(&self, args: &[&str]) -> Output {
        Command::new("ip")
            .args(["netns", "exec", &self.name])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("ip netns exec {} {args:?}: {e}", self.name))
    }

    /// `ip netns exec NAME ARGS…`; its stdout. Panics with the stderr when it fails.
    pub(super) fn exec_ok(&self, args: &[&str]) -> String {
        let o = self.exec(args);
        assert!(
            o.status.success(),
            "{args:?} in {}: {}",
            self.name,
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Run `body` inside the namespace: on a thread of its own that enters it, with a
    /// current-thread tokio runtime. A panic in `body` fails the caller.
    pub(super) fn run<T, F, Fut>(&self, body: F) -> T
    where
        T: Send,
        F: FnOnce() -> Fut + Send,
        Fut: Future<Output = T>,
    {
        let path = format!("/run/netns/{}", self.name);
        std::thread::scope(|s| {
            let thread = s.spawn(move || {
                let file = File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
                setns(&file, CloneFlags::CLONE_NEWNET)
                    .unwrap_or_else(|e| panic!("setns {path}: {e}"));
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("tokio runtime");
                rt.block_on(body())
            });
            match thread.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
    }
}

/// A veth pair with one end in each namespace (both made inside them, never in the host's).
pub(super) fn veth(a: &Netns, a_name: &str, b: &Netns, b_name: &str) {
    checked(
        "ip",
        &[
            "link", "add", a_name, "netns", &a.name, "type", "veth", "peer", "name", b_name,
            "netns", &b.name,
        ],
    );
}

/// Run `cmd ARGS…`; its stdout. Panics with the stderr when it fails.
fn checked(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} {args:?}: {e}"));
    assert!(
        o.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}
