//! One alert rule's life over evaluation ticks, as Prometheus' rule manager lives it:
//! pending once its expression returns a sample, firing once it has for `for`, and on
//! for `keep_firing_for` after the expression stops returning one.

use super::series::{Timestamp, millis};
use crate::model::Duration;

/// An interval during which an alert fired.
#[derive(Debug, Clone, PartialEq)]
pub struct Firing {
    pub start: Timestamp,
    /// The evaluation that resolved it; `None` when it still fired at the end of the range.
    pub end: Option<Timestamp>,
    /// The highest burn rate its expression returned while it fired.
    pub peak_burn: f64,
}

#[derive(Debug, Clone, Copy)]
enum State {
    Inactive,
    Pending {
        since: Timestamp,
    },
    Firing {
        since: Timestamp,
        peak: f64,
        /// The first evaluation without a sample, while `keep_firing_for` holds it.
        quiet_since: Option<Timestamp>,
    },
}

pub(super) struct Alert {
    hold: i64,
    keep: i64,
    state: State,
    firing: Vec<Firing>,
}

impl Alert {
    pub(super) fn new(hold: Option<Duration>, keep: Option<Duration>) -> Self {
        Self {
            hold: hold.map_or(0, millis),
            keep: keep.map_or(0, millis),
            state: State::Inactive,
            firing: Vec::new(),
        }
    }

    /// One evaluation at `at`: `sample` is the burn rate the expression returned, `None`
    /// when it returned nothing.
    pub(super) fn evaluate(&mut self, at: Timestamp, sample: Option<f64>) {
        self.state = match (self.state, sample) {
            (State::Inactive | State::Pending { .. }, None) => State::Inactive,
            (State::Inactive, Some(burn)) => self.promote(at, at, burn),
            (State::Pending { since }, Some(burn)) => self.promote(since, at, burn),
            (State::Firing { since, peak, .. }, Some(burn)) => State::Firing {
                since,
                peak: peak.max(burn),
                quiet_since: None,
            },
            (
                State::Firing {
                    since,
                    peak,
                    quiet_since,
                },
                None,
            ) => {
                let quiet = quiet_since.unwrap_or(at);
                if at.0 - quiet.0 < self.keep {
                    State::Firing {
                        since,
                        peak,
                        quiet_since: Some(quiet),
                    }
                } else {
                    self.firing.push(Firing {
                        start: since,
                        end: Some(at),
                        peak_burn: peak,
                    });
                    State::Inactive
                }
            }
        };
    }

    /// A pending alert active since `since` fires once it has been for `for`.
    fn promote(&self, since: Timestamp, at: Timestamp, burn: f64) -> State {
        if at.0 - since.0 >= self.hold {
            State::Firing {
                since: at,
                peak: burn,
                quiet_since: None,
            }
        } else {
            State::Pending { since }
        }
    }

    /// Every interval it fired, the last one open when it still fires.
    pub(super) fn finish(mut self) -> Vec<Firing> {
        if let State::Firing { since, peak, .. } = self.state {
            self.firing.push(Firing {
                start: since,
                end: None,
                peak_burn: peak,
            });
        }
        self.firing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `samples` (one per minute from 0) through an alert; intervals in minutes.
    fn run(hold: u64, keep: u64, samples: &[u8]) -> Vec<(i64, Option<i64>)> {
        let minutes = |d: u64| (d > 0).then(|| Duration::from_secs(60 * d));
        let mut alert = Alert::new(minutes(hold), minutes(keep));
        for (minute, sample) in (0_i64..).zip(samples) {
            let burn = (*sample > 0).then_some(f64::from(*sample));
            alert.evaluate(Timestamp(minute * 60_000), burn);
        }
        alert
            .finish()
            .iter()
            .map(|f| (f.start.0 / 60_000, f.end.map(|e| e.0 / 60_000)))
            .collect()
    }

    #[test]
    fn alerts_live_as_prometheus_evaluates_them() {
        // Without `for`, an alert fires at its first sample and resolves at the first
        // evaluation without one.
        assert_eq!(run(0, 0, &[0, 1, 1, 0, 0]), [(1, Some(3))]);
        // `for: 2m` fires two minutes after the first sample; a gap while pending resets it.
        assert_eq!(run(2, 0, &[1, 1, 1, 1, 0]), [(2, Some(4))]);
        assert_eq!(run(2, 0, &[1, 1, 0, 1, 1, 0]), []);
        // `keep_firing_for: 2m` holds it through a one-minute gap, and ends two minutes
        // after the last sample.
        assert_eq!(run(0, 2, &[1, 0, 1, 0, 0, 0, 0]), [(0, Some(5))]);
        // Still firing at the end of the range: open.
        assert_eq!(run(0, 0, &[0, 1, 1]), [(1, None)]);
        // Flapping without `for`: every return is a new interval.
        assert_eq!(run(0, 0, &[1, 0, 1, 0]), [(0, Some(1)), (2, Some(3))]);
    }

    #[test]
    fn the_peak_is_the_highest_burn_while_firing() {
        let mut alert = Alert::new(None, None);
        for (minute, burn) in [(0, Some(2.0)), (1, Some(9.0)), (2, Some(3.0)), (3, None)] {
            alert.evaluate(Timestamp(minute * 60_000), burn);
        }
        assert!((alert.finish()[0].peak_burn - 9.0).abs() < f64::EPSILON);
    }
}
