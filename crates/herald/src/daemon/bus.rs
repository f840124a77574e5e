//! The event bus: one bounded queue per consumer (a helper process's stdin, `--json-events` on
//! stdout, a control-socket client), drained by an async writer task of its own.
//!
//! Producers (peer tasks) never wait on a consumer. What happens when a consumer falls behind:
//! - **Events** (state changes, received messages) are pushed without waiting. When the
//!   queued octets would pass the consumer's bound, the *oldest* queued events are dropped to
//!   make room, and the number dropped is counted. Before the next event it writes, the
//!   consumer is told how many it lost (a `"type": "lost"` JSON object, or a `lost N` line for
//!   the text encoder). Every peer keeps being read at full speed.
//! - **Answers** to a consumer's own commands (`done`, `error`, `show …` output) are never
//!   dropped. Whoever produces them waits for room ([`Consumer::wait_room`]) before reading
//!   the consumer's next command or streaming the next chunk of a long answer, so a program
//!   that does not read its answers is slowed down, and only itself.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::Notify;

/// The default bound of a consumer's queue, in octets.
pub const DEFAULT_QUEUE_BYTES: usize = 32 << 20;

/// Octets written per system call at most.
const WRITE_BATCH: usize = 256 << 10;

enum Item {
    /// May be dropped when the consumer is behind.
    Event(Arc<str>),
    /// Never dropped.
    Answer(String),
}

impl Item {
    fn len(&self) -> usize {
        match self {
            Item::Event(s) => s.len(),
            Item::Answer(s) => s.len(),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Item::Event(s) => s.as_bytes(),
            Item::Answer(s) => s.as_bytes(),
        }
    }
}

#[derive(Default)]
struct Queue {
    items: VecDeque<Item>,
    bytes: usize,
    /// Events dropped since the consumer was last told.
    lost: u64,
    /// Events dropped in all.
    lost_total: u64,
    /// Events queued in all (dropped ones included).
    events_total: u64,
    closed: bool,
    /// Write what is queued, then end.
    finishing: bool,
}

/// How the "you lost N events" notice is written for this consumer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LostFormat {
    /// `{ "exabgp": "5.0.0", "time": …, "type": "lost", "lost": N }`
    Json,
    /// `lost N`
    Text,
}

/// One consumer's queue.
pub struct Consumer {
    name: String,
    cap: usize,
    format: LostFormat,
    queue: Mutex<Queue>,
    /// Wakes the writer.
    ready: Notify,
    /// Wakes producers of answers waiting for room.
    room: Notify,
}

impl Consumer {
    /// A consumer holding at most `cap` octets.
    pub fn new(name: impl Into<String>, cap: usize, format: LostFormat) -> Arc<Consumer> {
        Arc::new(Consumer {
            name: name.into(),
            cap: cap.max(4096),
            format,
            queue: Mutex::new(Queue::default()),
            ready: Notify::new(),
            room: Notify::new(),
        })
    }

    /// Queue an event (one line, newline included); never waits. Drops the oldest events when
    /// the queue is full.
    pub fn push_event(&self, line: Arc<str>) {
        let Ok(mut q) = self.queue.lock() else { return };
        if q.closed {
            return;
        }
        let n = line.len();
        q.events_total += 1;
        if q.bytes + n > self.cap && q.lost == 0 {
            tracing::warn!(consumer = %self.name, total_lost = q.lost_total, "consumer is not keeping up: dropping its oldest events");
        }
        while q.bytes + n > self.cap {
            // Drop the oldest event (answers stay).
            let Some(i) = q.items.iter().position(|it| matches!(it, Item::Event(_))) else {
                break;
            };
            if let Some(old) = q.items.remove(i) {
                q.bytes -= old.len();
                q.lost += 1;
                q.lost_total += 1;
            }
        }
        if q.bytes + n > self.cap {
            // Only answers are queued and they fill the bound: this event is the one lost.
            q.lost += 1;
            q.lost_total += 1;
            return;
        }
        q.bytes += n;
        q.items.push_back(Item::Event(line));
        drop(q);
        self.ready.notify_one();
    }

    /// Queue an answer line (newline included); never dropped. Callers bound the amount with
    /// [`Consumer::wait_room`].
    pub fn push_answer(&self, line: String) {
        let Ok(mut q) = self.queue.lock() else { return };
        if q.closed {
            return;
        }
        q.bytes += line.len();
        q.items.push_back(Item::Answer(line));
        drop(q);
        self.ready.notify_one();
    }

    /// Wait until the queue holds less than half its bound (or the consumer is gone).
    pub async fn wait_room(&self) {
        loop {
            let notified = self.room.notified();
            {
                let Ok(q) = self.queue.lock() else { return };
                if q.closed || q.bytes < self.cap / 2 {
                    return;
                }
            }
            notified.await;
        }
    }

    /// Octets queued.
    pub fn queued(&self) -> usize {
        self.queue.lock().map(|q| q.bytes).unwrap_or(0)
    }

    /// Events dropped since the start.
    pub fn lost_total(&self) -> u64 {
        self.queue.lock().map(|q| q.lost_total).unwrap_or(0)
    }

    /// Events offered since the start (delivered, queued or dropped).
    pub fn events_total(&self) -> u64 {
        self.queue.lock().map(|q| q.events_total).unwrap_or(0)
    }

    /// Whether the writer ended (the consumer went away).
    pub fn is_closed(&self) -> bool {
        self.queue.lock().map(|q| q.closed).unwrap_or(true)
    }

    /// Mark the consumer gone: pushes are discarded, waiters released.
    pub fn close(&self) {
        if let Ok(mut q) = self.queue.lock() {
            q.closed = true;
            q.items.clear();
            q.bytes = 0;
        }
        self.room.notify_waiters();
        self.ready.notify_one();
    }

    /// Accept events again (a helper process was restarted).
    pub fn reopen(&self) {
        if let Ok(mut q) = self.queue.lock() {
            q.closed = false;
            q.finishing = false;
            q.lost = 0;
        }
    }

    /// Let the writer deliver what is queued, then end.
    pub fn finish(&self) {
        if let Ok(mut q) = self.queue.lock() {
            q.finishing = true;
        }
        self.ready.notify_one();
    }

    /// Take up to [`WRITE_BATCH`] octets of queued lines into `buf` (the lost notice first);
    /// `false` once closed and empty.
    async fn next_batch(&self, buf: &mut Vec<u8>) -> bool {
        loop {
            let notified = self.ready.notified();
            {
                let Ok(mut q) = self.queue.lock() else {
                    return false;
                };
                if q.lost > 0 {
                    lost_notice(buf, self.format, q.lost);
                    q.lost = 0;
                }
                while buf.len() < WRITE_BATCH {
                    let Some(it) = q.items.pop_front() else { break };
                    q.bytes -= it.len();
                    buf.extend_from_slice(it.bytes());
                }
                let room = q.bytes < self.cap / 2;
                let closed = q.closed || (q.finishing && q.items.is_empty());
                drop(q);
                if room {
                    self.room.notify_waiters();
                }
                if !buf.is_empty() {
                    return true;
                }
                if closed {
                    return false;
                }
            }
            notified.await;
        }
    }
}

fn lost_notice(buf: &mut Vec<u8>, format: LostFormat, n: u64) {
    match format {
        LostFormat::Json => {
            let time = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0);
            buf.extend_from_slice(
                format!(
                    "{{ \"exabgp\": \"{}\", \"time\": {time}, \"type\": \"lost\", \"lost\": {n} }}\n",
                    herald_api::json::JSON_VERSION
                )
                .as_bytes(),
            );
        }
        LostFormat::Text => buf.extend_from_slice(format!("lost {n}\n").as_bytes()),
    }
}

/// Drain `consumer` into `out` until the consumer is closed or a write fails; then close it.
pub async fn write_loop(consumer: Arc<Consumer>, mut out: impl AsyncWrite + Unpin) {
    let mut buf = Vec::with_capacity(WRITE_BATCH + 4096);
    while consumer.next_batch(&mut buf).await {
        if out.write_all(&buf).await.is_err() || out.flush().await.is_err() {
            break;
        }
        buf.clear();
    }
    consumer.close();
    let _ = out.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(s: &str) -> Arc<str> {
        Arc::from(s)
    }

    #[tokio::test]
    async fn full_queue_drops_the_oldest_events_and_reports_the_loss() {
        let c = Consumer::new("t", 4096, LostFormat::Text);
        let line = "x".repeat(1023) + "\n";
        for _ in 0..6 {
            c.push_event(ev(&line));
        }
        assert_eq!(c.queued(), 4096);
        assert_eq!(c.lost_total(), 2);
        let mut buf = Vec::new();
        assert!(c.next_batch(&mut buf).await);
        let text = String::from_utf8(buf).unwrap_or_default();
        assert!(text.starts_with("lost 2\n"), "{text:.20}");
        assert_eq!(text.len(), "lost 2\n".len() + 4096);
    }

    #[tokio::test]
    async fn answers_are_never_dropped() {
        let c = Consumer::new("t", 4096, LostFormat::Json);
        for i in 0..10 {
            c.push_answer(format!("{}\n", "a".repeat(1000 + i)));
        }
        c.push_event(ev("event\n"));
        assert_eq!(c.lost_total(), 1);
        let mut buf = Vec::new();
        let mut total = 0;
        while c.queued() > 0 {
            buf.clear();
            assert!(c.next_batch(&mut buf).await);
            total += buf.len();
        }
        // the lost notice plus ten answers
        assert!(total > 10 * 1000);
    }

    #[tokio::test]
    async fn wait_room_returns_once_drained_below_half() {
        let c = Consumer::new("t", 8192, LostFormat::Text);
        c.push_answer("y".repeat(8000));
        let c2 = c.clone();
        let waiter = tokio::spawn(async move { c2.wait_room().await });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        let mut buf = Vec::new();
        assert!(c.next_batch(&mut buf).await);
        assert!(waiter.await.is_ok());
    }

    #[tokio::test]
    async fn write_loop_delivers_in_order_and_stops_when_closed() {
        let c = Consumer::new("t", 1 << 20, LostFormat::Text);
        let (w, mut r) = tokio::io::duplex(64);
        let task = tokio::spawn(write_loop(c.clone(), w));
        c.push_event(ev("one\n"));
        c.push_answer("done\n".into());
        c.push_event(ev("two\n"));
        let mut got = Vec::new();
        let mut b = [0u8; 64];
        while got.len() < 13 {
            let n = tokio::io::AsyncReadExt::read(&mut r, &mut b)
                .await
                .unwrap_or(0);
            if n == 0 {
                break;
            }
            got.extend_from_slice(&b[..n]);
        }
        assert_eq!(got, b"one\ndone\ntwo\n");
        c.close();
        assert!(task.await.is_ok());
    }
}
