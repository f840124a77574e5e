//! The checker's state machine and the API lines each state sends, with no I/O.

use super::options::Advert;

/// A state of the checked service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Nothing known yet (also after leaving DISABLED).
    Init,
    /// The disable file exists.
    Disabled,
    /// Checks succeed, not yet `--rise` of them.
    Rising,
    /// Checks fail, not yet `--fall` of them.
    Falling,
    /// Healthy.
    Up,
    /// Unhealthy.
    Down,
    /// Stopping on a signal: every route is withdrawn.
    Exit,
}

impl State {
    /// The upper-case name, as logged and as put in `STATE` for the hooks.
    pub fn name(self) -> &'static str {
        match self {
            State::Init => "INIT",
            State::Disabled => "DISABLED",
            State::Rising => "RISING",
            State::Falling => "FALLING",
            State::Up => "UP",
            State::Down => "DOWN",
            State::Exit => "EXIT",
        }
    }

    /// Whether checks come at the fast interval in this state.
    pub fn is_transient(self) -> bool {
        matches!(self, State::Rising | State::Falling)
    }
}

/// Counts consecutive results and moves between states.
#[derive(Debug, Clone)]
pub struct Machine {
    state: State,
    /// Consecutive results in the direction of the current RISING/FALLING state.
    streak: i64,
    rise: i64,
    fall: i64,
}

impl Machine {
    /// A machine in INIT.
    pub fn new(rise: i64, fall: i64) -> Machine {
        Machine {
            state: State::Init,
            streak: 0,
            rise,
            fall,
        }
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// A RISING or FALLING that would already be complete becomes UP or DOWN at once.
    fn enter(&mut self, target: State) -> State {
        let target = match target {
            State::Rising if self.rise <= 1 => State::Up,
            State::Falling if self.fall <= 1 => State::Down,
            other => other,
        };
        self.state = target;
        target
    }

    /// Account for one iteration: whether the disable file exists and, if it does not,
    /// whether the check succeeded. Returns the state entered, if the state changed.
    pub fn step(&mut self, disabled: bool, healthy: bool) -> Option<State> {
        let healthy = disabled || healthy;
        match self.state {
            s if s != State::Disabled && disabled => Some(self.enter(State::Disabled)),
            State::Disabled => (!disabled).then(|| self.enter(State::Init)),
            State::Init => {
                if healthy && self.rise <= 1 {
                    Some(self.enter(State::Up))
                } else {
                    self.streak = 1;
                    Some(self.enter(if healthy {
                        State::Rising
                    } else {
                        State::Falling
                    }))
                }
            }
            State::Rising if healthy => {
                self.streak = self.streak.saturating_add(1);
                (self.streak >= self.rise).then(|| self.enter(State::Up))
            }
            State::Falling if !healthy => {
                self.streak = self.streak.saturating_add(1);
                (self.streak >= self.fall).then(|| self.enter(State::Down))
            }
            State::Rising | State::Up if !healthy => {
                self.streak = 1;
                Some(self.enter(State::Falling))
            }
            State::Falling | State::Down if healthy => {
                self.streak = 1;
                Some(self.enter(State::Rising))
            }
            _ => None,
        }
    }
}

/// The commands that tell the BGP speaker about `state`, one per service IP; none for the
/// states that announce nothing (INIT, RISING, FALLING).
pub fn commands(a: &Advert, state: State) -> Vec<String> {
    let mut metric = match state {
        State::Up => a.up_metric,
        State::Down => a.down_metric,
        State::Disabled => a.disabled_metric,
        State::Exit => 0,
        State::Init | State::Rising | State::Falling => return Vec::new(),
    };
    let withdraw = state == State::Exit || (a.withdraw_on_down && state != State::Up);
    let as_path = match state {
        State::Up => a.up_as_path.as_ref(),
        State::Down => a.down_as_path.as_ref(),
        State::Disabled => a.disabled_as_path.as_ref(),
        _ => None,
    }
    .or(a.as_path.as_ref());
    let mut community = a.community.as_ref();
    if matches!(state, State::Down | State::Disabled) && present(a.disabled_community.as_ref()) {
        community = a.disabled_community.as_ref();
    }

    let mut out = Vec::with_capacity(a.ips.len());
    for ip in &a.ips {
        let mut line = format!(
            "{} {} route {ip} next-hop {}",
            a.selector,
            if withdraw { "withdraw" } else { "announce" },
            a.next_hop
        );
        if !withdraw {
            line.push_str(&format!(" med {metric}"));
            if a.local_preference >= 0 {
                line.push_str(&format!(" local-preference {}", a.local_preference));
            }
            for (keyword, value) in [
                ("community", community),
                ("extended-community", a.extended_community.as_ref()),
                ("large-community", a.large_community.as_ref()),
                ("as-path", as_path),
            ] {
                if let Some(v) = value.filter(|v| !v.is_empty()) {
                    line.push_str(&format!(" {keyword} [ {v} ]"));
                }
            }
        }
        if let Some(id) = a.path_id.filter(|&id| id != 0) {
            line.push_str(&format!(" path-information {id}"));
        }
        metric = metric.saturating_add(a.increase);
        out.push(line);
    }
    out
}

fn present(s: Option<&String>) -> bool {
    s.is_some_and(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advert() -> Advert {
        Advert {
            ips: vec![
                "192.0.2.1/32".parse().unwrap(),
                "2001:db8::/64".parse().unwrap(),
            ],
            next_hop: "self".into(),
            selector: "neighbor *".into(),
            local_preference: -1,
            up_metric: 100,
            down_metric: 1000,
            disabled_metric: 500,
            increase: 1,
            community: None,
            disabled_community: None,
            extended_community: None,
            large_community: None,
            as_path: None,
            up_as_path: None,
            down_as_path: None,
            disabled_as_path: None,
            withdraw_on_down: false,
            path_id: None,
        }
    }

    #[test]
    fn rise_and_fall() {
        let mut m = Machine::new(2, 2);
        assert_eq!(m.step(false, true), Some(State::Rising));
        assert_eq!(m.step(false, true), Some(State::Up));
        assert_eq!(m.step(false, true), None);
        assert_eq!(m.step(false, false), Some(State::Falling));
        assert_eq!(m.step(false, true), Some(State::Rising));
        assert_eq!(m.step(false, false), Some(State::Falling));
        assert_eq!(m.step(false, false), Some(State::Down));
        assert_eq!(m.step(true, false), Some(State::Disabled));
        assert_eq!(m.step(true, false), None);
        assert_eq!(m.step(false, false), Some(State::Init));
        assert_eq!(m.step(false, false), Some(State::Falling));
    }

    #[test]
    fn rise_of_one_skips_rising() {
        let mut m = Machine::new(1, 1);
        assert_eq!(m.step(false, true), Some(State::Up));
        assert_eq!(m.step(false, false), Some(State::Down));
        assert_eq!(m.step(false, true), Some(State::Up));
    }

    #[test]
    fn lines() {
        let mut a = advert();
        assert_eq!(
            commands(&a, State::Up),
            [
                "neighbor * announce route 192.0.2.1/32 next-hop self med 100",
                "neighbor * announce route 2001:db8::/64 next-hop self med 101",
            ]
        );
        assert!(commands(&a, State::Rising).is_empty());
        a.local_preference = 0;
        a.community = Some("65000:1".into());
        a.disabled_community = Some("65000:666".into());
        a.as_path = Some("65000".into());
        a.down_as_path = Some(String::new());
        a.large_community = Some("1:2:3".into());
        a.path_id = Some(4);
        a.ips.truncate(1);
        assert_eq!(
            commands(&a, State::Down),
            [
                "neighbor * announce route 192.0.2.1/32 next-hop self med 1000 local-preference 0 \
              community [ 65000:666 ] large-community [ 1:2:3 ] path-information 4"
            ]
        );
        assert_eq!(
            commands(&a, State::Exit),
            ["neighbor * withdraw route 192.0.2.1/32 next-hop self path-information 4"]
        );
        a.withdraw_on_down = true;
        assert_eq!(
            commands(&a, State::Disabled),
            ["neighbor * withdraw route 192.0.2.1/32 next-hop self path-information 4"]
        );
    }
}
