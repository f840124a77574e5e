//! Maximum-prefix limits per family (a local policy; the Cease NOTIFICATION it ends in is
//! RFC 4486 §4's), as pure decisions: the caller counts the routes
//! ([`crate::AdjRibIn::len_family`]), asks [`PrefixLimit::check`], and acts.

use herald_wire::notification::{cease, code};
use herald_wire::{Family, Notification};

/// A limit on the routes of one family a peer may send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PrefixLimit {
    /// Most routes allowed; one more closes the session.
    pub maximum: u32,
    /// Warn once when the count reaches this percentage of `maximum` (default 90).
    pub warning_percent: u8,
    /// Seconds after which the caller may restart a session closed for the limit; `None`: stay
    /// down until an operator intervenes. Not used by [`PrefixLimit::check`].
    pub restart: Option<u32>,
}

impl PrefixLimit {
    /// A limit of `maximum` routes, warning at 90 %, no automatic restart.
    pub fn new(maximum: u32) -> Self {
        PrefixLimit {
            maximum,
            warning_percent: 90,
            restart: None,
        }
    }

    /// The route count at which the warning fires: `warning_percent` of `maximum`, rounded
    /// up, at least 1 (a percentage above 100 is read as 100).
    pub fn warning_threshold(&self) -> u64 {
        let pct = u64::from(self.warning_percent.min(100));
        (u64::from(self.maximum) * pct).div_ceil(100).max(1)
    }

    /// Where `count` routes of `family` stand against this limit.
    ///
    /// [`LimitState::Exceeded`] whenever `count` is above `maximum` (every call: the caller
    /// closes the session). [`LimitState::Warning`] the first time `count` reaches the warning
    /// threshold; `tracker` remembers that, and forgets it when the count falls back below the
    /// threshold (or on [`LimitTracker::reset`]), so the next crossing warns again.
    pub fn check(&self, family: Family, count: usize, tracker: &mut LimitTracker) -> LimitState {
        let count64 = u64::try_from(count).unwrap_or(u64::MAX);
        if count64 > u64::from(self.maximum) {
            return LimitState::Exceeded {
                notification_data: notification_data(family, self.maximum),
            };
        }
        if count64 < self.warning_threshold() {
            tracker.set(family, false);
            return LimitState::Ok;
        }
        if tracker.set(family, true) {
            return LimitState::Ok;
        }
        LimitState::Warning {
            count,
            maximum: self.maximum,
        }
    }
}

/// What [`PrefixLimit::check`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitState {
    /// Below the warning threshold, or above it and already warned.
    Ok,
    /// The count reached the warning threshold (reported once per crossing).
    Warning {
        /// Routes counted.
        count: usize,
        /// The limit.
        maximum: u32,
    },
    /// Above the maximum: close the session with Cease / Maximum Number of Prefixes Reached
    /// (RFC 4486 §4) carrying this data ([`LimitState::notification`]).
    Exceeded {
        /// AFI (2 octets), SAFI (1), the maximum (4), as RFC 4486 §4 lays them out.
        notification_data: [u8; 7],
    },
}

impl LimitState {
    /// The Cease NOTIFICATION to send, for [`LimitState::Exceeded`].
    pub fn notification(&self) -> Option<Notification> {
        match self {
            LimitState::Exceeded { notification_data } => Some(Notification::new(
                code::CEASE,
                cease::MAX_PREFIXES,
                notification_data.to_vec(),
            )),
            _ => None,
        }
    }
}

/// RFC 4486 §4: the data of a Cease / Maximum Number of Prefixes Reached NOTIFICATION.
///
/// ```text
/// +-------------------------------+
/// | AFI (2 octets)                |
/// +-------------------------------+
/// | SAFI (1 octet)                |
/// +-------------------------------+
/// | Prefix upper bound (4 octets) |
/// +-------------------------------+
/// ```
pub fn notification_data(family: Family, maximum: u32) -> [u8; 7] {
    let [a0, a1] = family.afi.0.to_be_bytes();
    let [m0, m1, m2, m3] = maximum.to_be_bytes();
    [a0, a1, family.safi.0, m0, m1, m2, m3]
}

/// Which families have been warned about (the state [`PrefixLimit::check`] needs). The caller
/// owns one per peer and resets it when the session goes down.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LimitTracker {
    warned: Vec<Family>,
}

impl LimitTracker {
    /// Nothing warned yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the flag of `family`; returns its previous value.
    fn set(&mut self, family: Family, on: bool) -> bool {
        let at = self.warned.iter().position(|f| *f == family);
        match (at, on) {
            (Some(_), true) => true,
            (None, true) => {
                self.warned.push(family);
                false
            }
            (Some(i), false) => {
                self.warned.swap_remove(i);
                true
            }
            (None, false) => false,
        }
    }

    /// Whether `family` has been warned about.
    pub fn warned(&self, family: Family) -> bool {
        self.warned.contains(&family)
    }

    /// Forget every warning (new session).
    pub fn reset(&mut self) {
        self.warned.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use herald_wire::{Afi, Safi};

    #[test]
    fn warns_once_at_the_threshold_then_exceeds_with_rfc4486_data() {
        let limit = PrefixLimit::new(1000);
        let mut t = LimitTracker::new();
        let v4 = Family::IPV4_UNICAST;
        assert_eq!(limit.check(v4, 899, &mut t), LimitState::Ok);
        assert_eq!(
            limit.check(v4, 900, &mut t),
            LimitState::Warning {
                count: 900,
                maximum: 1000
            }
        );
        assert_eq!(limit.check(v4, 950, &mut t), LimitState::Ok);
        assert_eq!(limit.check(v4, 1000, &mut t), LimitState::Ok);
        let state = limit.check(v4, 1001, &mut t);
        assert_eq!(
            state,
            LimitState::Exceeded {
                notification_data: [0x00, 0x01, 0x01, 0x00, 0x00, 0x03, 0xe8]
            }
        );
        let n = state.notification().unwrap();
        assert_eq!((n.code, n.subcode), (6, 1));
        assert_eq!(n.data, vec![0x00, 0x01, 0x01, 0x00, 0x00, 0x03, 0xe8]);
    }

    #[test]
    fn falling_below_the_threshold_rearms_the_warning() {
        let limit = PrefixLimit {
            maximum: 10,
            warning_percent: 50,
            restart: Some(5),
        };
        let mut t = LimitTracker::new();
        let f = Family::IPV6_UNICAST;
        assert!(matches!(
            limit.check(f, 5, &mut t),
            LimitState::Warning { .. }
        ));
        assert!(t.warned(f));
        assert_eq!(limit.check(f, 6, &mut t), LimitState::Ok);
        assert_eq!(limit.check(f, 4, &mut t), LimitState::Ok);
        assert!(!t.warned(f));
        assert!(matches!(
            limit.check(f, 5, &mut t),
            LimitState::Warning { .. }
        ));
        t.reset();
        assert!(matches!(
            limit.check(f, 7, &mut t),
            LimitState::Warning { .. }
        ));
    }

    #[test]
    fn families_are_tracked_apart() {
        let limit = PrefixLimit::new(100);
        let mut t = LimitTracker::new();
        let a = Family::IPV4_UNICAST;
        let b = Family::new(Afi::IPV4, Safi::FLOW);
        assert!(matches!(
            limit.check(a, 95, &mut t),
            LimitState::Warning { .. }
        ));
        assert!(matches!(
            limit.check(b, 95, &mut t),
            LimitState::Warning { .. }
        ));
        assert_eq!(limit.check(a, 96, &mut t), LimitState::Ok);
    }

    #[test]
    fn exceeded_data_is_afi_safi_and_maximum() {
        let f = Family::new(Afi::IPV6, Safi::MPLS_VPN);
        assert_eq!(
            notification_data(f, 0x0102_0304),
            [0x00, 0x02, 0x80, 0x01, 0x02, 0x03, 0x04]
        );
        let zero = PrefixLimit::new(0);
        let mut t = LimitTracker::new();
        assert_eq!(zero.check(f, 0, &mut t), LimitState::Ok);
        assert_eq!(
            zero.check(f, 1, &mut t),
            LimitState::Exceeded {
                notification_data: [0x00, 0x02, 0x80, 0, 0, 0, 0]
            }
        );
        assert_eq!(LimitState::Ok.notification(), None);
    }
}
