//! The control socket: a Unix stream socket (mode 0600) speaking the same command language
//! as helper processes. Each client sends lines; each command is answered with its output
//! lines, then `done` or `error`. `herald ctl` is the client.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU8;
use std::sync::Arc;

use herald_config::{Encoder, Env};
use tokio::net::UnixListener;
use tokio::sync::mpsc;
use tracing::{info, warn};

use super::bus::{self, Consumer, LostFormat};
use super::process::{self, Request, Source, ACK_ON};

/// Octets a control client may have queued before its commands wait.
const CLIENT_QUEUE: usize = 8 << 20;

/// Where the control socket goes when not set: `$XDG_RUNTIME_DIR/<pipename>.sock`, else
/// `/run/<pipename>.sock` for root, else `/tmp/<pipename>-<uid>.sock`. `<pipename>` is
/// ExaBGP's `api.pipename` setting (`exabgp` by default; `herald` when not set in the
/// environment either).
pub fn default_path(env: &Env) -> PathBuf {
    let name = if env.api_pipename == "exabgp" {
        "herald".to_string()
    } else {
        env.api_pipename.clone()
    };
    if let Some(d) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        return Path::new(&d).join(format!("{name}.sock"));
    }
    // SAFETY-free: geteuid has no failure mode.
    let uid = nix_uid();
    if uid == 0 {
        PathBuf::from(format!("/run/{name}.sock"))
    } else {
        PathBuf::from(format!("/tmp/{name}-{uid}.sock"))
    }
}

fn nix_uid() -> u32 {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap_or(0)
}

/// Bind the socket (replacing a stale one left by a herald that is gone; refusing when
/// another herald answers on it) and accept clients until the task is aborted.
pub async fn start(
    path: PathBuf,
    requests: mpsc::Sender<Request>,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    if tokio::fs::symlink_metadata(&path).await.is_ok() {
        if tokio::net::UnixStream::connect(&path).await.is_ok() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AddrInUse,
                format!("{} is in use by another process", path.display()),
            ));
        }
        tokio::fs::remove_file(&path).await?;
    }
    let listener = UnixListener::bind(&path)?;
    {
        use std::os::unix::fs::PermissionsExt;
        tokio::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).await?;
    }
    info!(socket = %path.display(), "control socket listening");
    Ok(tokio::spawn(async move {
        let mut n = 0u64;
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    n += 1;
                    let consumer =
                        Consumer::new(format!("cli {n}"), CLIENT_QUEUE, LostFormat::Text);
                    let source = Arc::new(Source {
                        name: format!("cli-{n}"),
                        process: false,
                        consumer: consumer.clone(),
                        encoder: Encoder::Text,
                        ack: AtomicU8::new(ACK_ON),
                        stats: Default::default(),
                    });
                    let (r, w) = stream.into_split();
                    tokio::spawn(bus::write_loop(consumer.clone(), w));
                    let req = requests.clone();
                    tokio::spawn(async move {
                        process::read_commands(r, source.clone(), req.clone()).await;
                        // The client closed its side: once every command it sent is
                        // answered, let the answers go out and end the writer.
                        let (tx, rx) = tokio::sync::oneshot::channel();
                        let sync = Request {
                            source,
                            lines: Vec::new(),
                            sync: Some(tx),
                        };
                        if req.send(sync).await.is_ok() {
                            let _ = rx.await;
                        }
                        consumer.finish();
                    });
                }
                Err(e) => {
                    warn!("control socket accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
        }
    }))
}
