//! The closed set of timers a session runs (RFC 4271 §8.1.3, §10) and their deadlines.

use std::time::Instant;

/// A session timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// ConnectRetryTimer: when to try connecting again (with jittered backoff).
    ConnectRetry,
    /// HoldTimer: the peer has been silent too long.
    Hold,
    /// KeepaliveTimer: time to send a KEEPALIVE.
    Keepalive,
}

const ALL: [Timer; 3] = [Timer::ConnectRetry, Timer::Hold, Timer::Keepalive];

/// Deadlines of the armed timers.
#[derive(Clone, Debug, Default)]
pub struct Timers {
    deadlines: [Option<Instant>; 3],
}

impl Timers {
    fn slot(t: Timer) -> usize {
        match t {
            Timer::ConnectRetry => 0,
            Timer::Hold => 1,
            Timer::Keepalive => 2,
        }
    }

    /// Arm `t` to fire at `at`.
    pub fn set(&mut self, t: Timer, at: Instant) {
        if let Some(d) = self.deadlines.get_mut(Self::slot(t)) {
            *d = Some(at);
        }
    }

    /// Disarm `t`.
    pub fn stop(&mut self, t: Timer) {
        if let Some(d) = self.deadlines.get_mut(Self::slot(t)) {
            *d = None;
        }
    }

    /// Disarm every timer.
    pub fn stop_all(&mut self) {
        self.deadlines = [None; 3];
    }

    /// The deadline of `t`, if armed.
    pub fn get(&self, t: Timer) -> Option<Instant> {
        self.deadlines.get(Self::slot(t)).copied().flatten()
    }

    /// The earliest deadline.
    pub fn next(&self) -> Option<Instant> {
        self.deadlines.iter().flatten().min().copied()
    }

    /// Timers due at `now`, disarmed as they are returned, earliest first.
    pub fn expired(&mut self, now: Instant) -> Vec<Timer> {
        let mut due: Vec<(Instant, Timer)> = ALL
            .iter()
            .filter_map(|&t| self.get(t).filter(|&d| d <= now).map(|d| (d, t)))
            .collect();
        due.sort_by_key(|(d, _)| *d);
        for (_, t) in &due {
            self.stop(*t);
        }
        due.into_iter().map(|(_, t)| t).collect()
    }
}
