//! Connection-rate limit per source address on a listener: a token bucket per address.
//!
//! A source gets `2 × rate` connections at once and `rate` per second after that; a connection
//! over the limit is closed before anything reads or answers it. The table of sources is
//! bounded: once it holds [`MAX_SOURCES`] addresses, the ones whose bucket has refilled (idle
//! sources) are forgotten, and if every one of them is still busy, the table starts afresh (a
//! flood from that many addresses is met by the other bounds: refusals of strangers are
//! bounded per listener, every neighbor takes one connection at a time).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

/// Source addresses remembered per listener.
pub const MAX_SOURCES: usize = 4096;

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets by source address.
#[derive(Debug)]
pub struct SourceLimiter {
    rate: f64,
    burst: f64,
    buckets: HashMap<IpAddr, Bucket>,
}

impl SourceLimiter {
    /// `rate` connections per second per source, bursts of twice that; 0 = no limit.
    pub fn new(rate: u32) -> Self {
        SourceLimiter {
            rate: f64::from(rate),
            burst: 2.0 * f64::from(rate),
            buckets: HashMap::new(),
        }
    }

    /// Whether a connection from `ip` arriving at `now` is within the limit (and count it).
    pub fn allow(&mut self, ip: IpAddr, now: Instant) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        if self.buckets.len() >= MAX_SOURCES && !self.buckets.contains_key(&ip) {
            let (rate, burst) = (self.rate, self.burst);
            self.buckets
                .retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
            if self.buckets.len() >= MAX_SOURCES {
                self.buckets.clear();
            }
        }
        let b = self.buckets.entry(ip).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.rate).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Sources remembered.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn ip(n: u32) -> IpAddr {
        IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + n))
    }

    #[test]
    fn a_source_gets_a_burst_then_the_rate() {
        let mut l = SourceLimiter::new(5);
        let t0 = Instant::now();
        let allowed = (0..30).filter(|_| l.allow(ip(1), t0)).count();
        assert_eq!(allowed, 10, "burst is twice the rate");
        // Another source is not held back by the first.
        assert!(l.allow(ip(2), t0));
        // One second later, `rate` more.
        let t1 = t0 + Duration::from_secs(1);
        let allowed = (0..30).filter(|_| l.allow(ip(1), t1)).count();
        assert_eq!(allowed, 5);
        // A long pause refills no more than the burst.
        let t2 = t1 + Duration::from_secs(3600);
        let allowed = (0..30).filter(|_| l.allow(ip(1), t2)).count();
        assert_eq!(allowed, 10);
    }

    #[test]
    fn zero_means_no_limit() {
        let mut l = SourceLimiter::new(0);
        let t0 = Instant::now();
        assert!((0..10_000).all(|_| l.allow(ip(1), t0)));
        assert_eq!(l.len(), 0);
    }

    #[test]
    fn the_table_of_sources_is_bounded() {
        let mut l = SourceLimiter::new(1);
        let t0 = Instant::now();
        // Every source busy (its bucket not full): the table starts afresh when full.
        for n in 0..(MAX_SOURCES as u32 * 3) {
            assert!(l.allow(ip(n), t0));
            assert!(l.len() <= MAX_SOURCES);
        }
        // Idle sources are forgotten first: a busy one keeps its state.
        let mut l = SourceLimiter::new(1);
        for n in 1..MAX_SOURCES as u32 {
            assert!(l.allow(ip(n), t0), "each uses one of its two tokens");
        }
        let t1 = t0 + Duration::from_millis(900);
        assert!(l.allow(ip(0), t1) && l.allow(ip(0), t1));
        assert!(!l.allow(ip(0), t1), "ip 0 has used its burst");
        // One second after t0 the others have refilled (idle); ip 0 has 0.1 token (busy).
        let t2 = t0 + Duration::from_secs(1);
        assert!(l.allow(ip(MAX_SOURCES as u32 + 1), t2));
        assert_eq!(l.len(), 2, "idle sources forgotten, the busy one kept");
        assert!(!l.allow(ip(0), t2), "ip 0 still held to its limit");
    }
}
