//! The recorded base rates a replay reads, and sums over windows of them.

use crate::model::Duration;

/// Unix time in milliseconds, as Prometheus keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    #[must_use]
    pub fn plus(self, duration: Duration) -> Self {
        Self(self.0 + millis(duration))
    }

    #[must_use]
    pub fn minus(self, duration: Duration) -> Self {
        Self(self.0 - millis(duration))
    }

    /// The latest multiple of `step` (from the epoch) at or before this instant.
    #[must_use]
    pub fn floor(self, step: Duration) -> Self {
        Self(self.0.div_euclid(millis(step)) * millis(step))
    }

    /// The earliest multiple of `step` at or after this instant.
    #[must_use]
    pub fn ceil(self, step: Duration) -> Self {
        let floor = self.floor(step);
        if floor == self {
            floor
        } else {
            floor.plus(step)
        }
    }
}

pub(super) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// One series on a regular grid: the value at `start + i × step`, `None` where the series
/// had no sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub start: Timestamp,
    pub step: Duration,
    pub values: Vec<Option<f64>>,
}

impl Grid {
    pub fn time(&self, index: usize) -> Timestamp {
        let index = i64::try_from(index).unwrap_or(i64::MAX);
        Timestamp(self.start.0 + index * millis(self.step))
    }

    /// The sample at exactly `at`, if the grid has one there.
    pub fn value_at(&self, at: Timestamp) -> Option<f64> {
        self.index(at)
            .and_then(|index| self.values.get(index))
            .copied()
            .flatten()
    }

    /// Where the grid keeps the sample at exactly `at`, if it covers `at`.
    pub(super) fn slot(&mut self, at: Timestamp) -> Option<&mut Option<f64>> {
        self.index(at).and_then(|index| self.values.get_mut(index))
    }

    fn index(&self, at: Timestamp) -> Option<usize> {
        let offset = at.0 - self.start.0;
        let step = millis(self.step).max(1);
        if offset < 0 || offset % step != 0 {
            return None;
        }
        usize::try_from(offset / step).ok()
    }
}

/// The index of the last point of the grid (`start`, `step`) at or before `at`, if any.
fn at_or_before(start: Timestamp, step: Duration, at: Timestamp) -> Option<usize> {
    if at < start {
        return None;
    }
    usize::try_from((at.0 - start.0) / millis(step).max(1)).ok()
}

/// The index of the first point of the grid (`start`, `step`) at or after `at`.
fn at_or_after(start: Timestamp, step: Duration, at: Timestamp) -> usize {
    if at <= start {
        return 0;
    }
    let step = millis(step).max(1);
    usize::try_from((at.0 - start.0 + step - 1) / step).unwrap_or(usize::MAX)
}

/// An SLO's base rates: error and total events per second, as its
/// `slo:sli_*_events:rate5m` rules record them, on one grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    pub errors: Grid,
    pub total: Grid,
}

/// Sums of a [`Rates`] over any window, each in constant time.
///
/// The sums are prefix sums kept to about 32 significant digits (a pair of floats per
/// sum), so a window's sum is its exact sum correctly rounded; Prometheus adds a window's
/// samples one by one, which may differ in the last bit — the replay and Prometheus can
/// disagree only on a ratio within a few parts in 10¹⁶ of a threshold.
pub(super) struct Sums {
    start: Timestamp,
    step: Duration,
    len: usize,
    errors: Vec<Exact>,
    total: Vec<Exact>,
    /// How many samples the total series has before each index.
    present: Vec<u32>,
}

/// The events of one window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Window {
    pub(super) errors: f64,
    pub(super) total: f64,
    pub(super) samples: u32,
}

/// How a range selector `x[W]` evaluated at `t` bounds its samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bounds {
    /// `[t − W, t]`: Prometheus before 3.0.
    Closed,
    /// `(t − W, t]`: Prometheus 3.0 and later.
    LeftOpen,
}

impl Sums {
    pub(super) fn new(rates: &Rates) -> Self {
        let len = rates.total.values.len();
        let mut errors = Vec::with_capacity(len + 1);
        let mut total = Vec::with_capacity(len + 1);
        let mut present = Vec::with_capacity(len + 1);
        let (mut e, mut n, mut count) = (Exact::ZERO, Exact::ZERO, 0_u32);
        errors.push(e);
        total.push(n);
        present.push(count);
        for index in 0..len {
            // `errors or 0 * total`: with a total, a missing error rate is 0.
            if let Some(value) = rates.total.values[index] {
                n = n.add(value);
                e = e.add(
                    rates
                        .errors
                        .values
                        .get(index)
                        .copied()
                        .flatten()
                        .unwrap_or(0.0),
                );
                count += 1;
            }
            errors.push(e);
            total.push(n);
            present.push(count);
        }
        Self {
            start: rates.total.start,
            step: rates.total.step,
            len,
            errors,
            total,
            present,
        }
    }

    /// The samples of `x[width]` evaluated at `at`; `None` when there are none.
    pub(super) fn window(&self, at: Timestamp, width: Duration, bounds: Bounds) -> Option<Window> {
        let last = at_or_before(self.start, self.step, at)?.min(self.len.checked_sub(1)?);
        let from = match bounds {
            Bounds::Closed => at.minus(width),
            Bounds::LeftOpen => at.minus(width).plus(Duration::from_millis(1)),
        };
        let first = at_or_after(self.start, self.step, from);
        let (end, begin) = (last + 1, first.min(last + 1));
        let samples = self.present[end] - self.present[begin];
        (samples > 0).then(|| Window {
            errors: self.errors[end].minus(self.errors[begin]),
            total: self.total[end].minus(self.total[begin]),
            samples,
        })
    }
}

/// A sum kept as a pair of floats (the rounded sum and what rounding lost).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Exact {
    high: f64,
    low: f64,
}

impl Exact {
    const ZERO: Self = Self {
        high: 0.0,
        low: 0.0,
    };

    fn add(self, value: f64) -> Self {
        // Knuth's two-sum: `high + low` is exactly the sum of the old high and the value.
        let high = self.high + value;
        let back = high - self.high;
        let lost = (self.high - (high - back)) + (value - back);
        Self {
            high,
            low: self.low + lost,
        }
    }

    fn minus(self, earlier: Self) -> f64 {
        (self.high - earlier.high) + (self.low - earlier.low)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates(values: &[Option<f64>]) -> Rates {
        let grid = Grid {
            start: Timestamp(0),
            step: Duration::from_secs(60),
            values: values.to_vec(),
        };
        Rates {
            errors: grid.clone(),
            total: grid,
        }
    }

    #[test]
    fn windows_count_the_samples_their_bounds_hold() {
        let sums = Sums::new(&rates(&[Some(1.0), Some(2.0), None, Some(4.0), Some(8.0)]));
        let minute = Duration::from_secs(60);
        let three = Duration::from_secs(180);
        let at = |m: i64| Timestamp(m * 60_000);
        // (t − 3m, t] at t = 4m holds 2m, 3m, 4m: the 2m sample is missing.
        let open = sums.window(at(4), three, Bounds::LeftOpen);
        assert_eq!(open.map(|w| (w.total, w.samples)), Some((12.0, 2)));
        // [t − 3m, t] adds the 1m sample.
        let closed = sums.window(at(4), three, Bounds::Closed);
        assert_eq!(closed.map(|w| (w.total, w.samples)), Some((14.0, 3)));
        // Between grid points the window ends at the last point before it.
        let between = sums.window(Timestamp(4 * 60_000 + 30_000), minute, Bounds::LeftOpen);
        assert_eq!(between.map(|w| w.total), Some(8.0));
        assert_eq!(
            sums.window(at(2), Duration::from_millis(0), Bounds::Closed),
            None
        );
        assert_eq!(sums.window(Timestamp(-1), three, Bounds::Closed), None);
        // Past the end the window ends at the last sample.
        let late = sums.window(at(9), Duration::from_secs(420), Bounds::LeftOpen);
        assert_eq!(late.map(|w| w.total), Some(12.0));
    }

    #[test]
    fn long_sums_stay_exact() {
        let values: Vec<Option<f64>> = (0..100_000).map(|i| Some(0.1 + f64::from(i % 7))).collect();
        let sums = Sums::new(&rates(&values));
        let at = Timestamp(99_999 * 60_000);
        let width = Duration::from_secs(60 * 60);
        let window = sums.window(at, width, Bounds::LeftOpen).map(|w| w.total);
        let direct: f64 = values[99_940..].iter().flatten().sum();
        assert!(window.is_some_and(|w| (w - direct).abs() <= direct * 1e-13));
    }

    #[test]
    fn timestamps_align_to_steps() {
        let five = Duration::from_secs(300);
        assert_eq!(Timestamp(299_999).floor(five), Timestamp(0));
        assert_eq!(Timestamp(300_000).floor(five), Timestamp(300_000));
        assert_eq!(Timestamp(-1).floor(five), Timestamp(-300_000));
        assert_eq!(Timestamp(1).ceil(five), Timestamp(300_000));
        assert_eq!(Timestamp(300_000).ceil(five), Timestamp(300_000));
    }
}
