//! Polling settings and the stall detector.

use std::time::{Duration, Instant};

use rand::Rng;

/// How an update's status is polled.
#[derive(Debug, Clone, PartialEq)]
pub struct PollConfig {
    pub initial_interval: Duration,
    pub max_interval: Duration,
    /// Each wait is randomly stretched or shrunk by up to this fraction (0.2 = ±20 %).
    pub jitter: f64,
    /// Stop waiting after this long (from the first poll) with a `timed_out` error; the update
    /// keeps running on the server and can be attached to later. `None` waits indefinitely.
    pub deadline: Option<Duration>,
    /// Report `stalled` when neither pct_complete nor the health text changed for this long.
    pub stall_after: Duration,
}

impl Default for PollConfig {
    fn default() -> Self {
        Self {
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(10),
            jitter: 0.2,
            deadline: Some(Duration::from_secs(2 * 60 * 60)),
            stall_after: Duration::from_secs(5 * 60),
        }
    }
}

impl PollConfig {
    /// The wait before poll number `poll + 1` (0-based): doubling from the initial interval up to
    /// the cap, with jitter.
    pub fn interval(&self, poll: u32) -> Duration {
        let step = self
            .initial_interval
            .saturating_mul(1u32 << poll.min(20))
            .min(self.max_interval);
        let jitter = self.jitter.clamp(0.0, 0.9);
        let factor = if jitter > 0.0 {
            rand::rng().random_range((1.0 - jitter)..=(1.0 + jitter))
        } else {
            1.0
        };
        step.mul_f64(factor)
    }
}

/// Estimates how long the server still needs from how fast its `pct_complete` has been rising, so the
/// poll that sees the job finished comes soon after it finishes instead of at the next long back-off
/// step. It only ever shortens a wait.
#[derive(Default)]
pub(crate) struct FinishEstimate {
    first: Option<(Instant, f64)>,
    latest: Option<(Instant, f64)>,
}

impl FinishEstimate {
    /// Records the percentage of one poll of a job that is processing (not queued).
    pub(crate) fn observe(&mut self, pct_complete: Option<f64>) {
        if let Some(pct) = pct_complete {
            let now = Instant::now();
            self.first.get_or_insert((now, pct));
            self.latest = Some((now, pct));
        }
    }

    /// Time left at the average rate so far; `None` without a rise yet, or once at 100 % (the last
    /// stretch after 100 % says nothing about its own length).
    pub(crate) fn remaining(&self) -> Option<Duration> {
        let ((t0, p0), (t1, p1)) = (self.first?, self.latest?);
        let elapsed = t1.duration_since(t0).as_secs_f64();
        if p1 <= p0 || p1 >= 100.0 || elapsed <= 0.0 {
            return None;
        }
        let rate = (p1 - p0) / elapsed;
        Some(Duration::from_secs_f64(((100.0 - p1) / rate).min(86_400.0)))
    }

    /// The wait before the next poll: the back-off `interval`, shortened to half the estimated time
    /// left (so polls close in on the finish), never below `floor`.
    pub(crate) fn wait(&self, interval: Duration, floor: Duration) -> Duration {
        match self.remaining() {
            Some(left) => interval.min((left / 2).max(floor)),
            None => interval,
        }
    }
}

/// Remembers when the visible progress last changed.
pub(crate) struct StallDetector {
    last: Option<(Option<u64>, Option<String>)>,
    changed_at: Instant,
    stall_after: Duration,
}

impl StallDetector {
    pub(crate) fn new(stall_after: Duration) -> Self {
        Self {
            last: None,
            changed_at: Instant::now(),
            stall_after,
        }
    }

    /// Records one poll's values; returns whether the job now counts as stalled.
    pub(crate) fn observe(&mut self, pct_complete: Option<f64>, health: Option<&str>) -> bool {
        // Compared in hundredths so float noise does not count as progress.
        let key = (
            pct_complete.map(|p| (p * 100.0).round() as u64),
            health.map(str::to_owned),
        );
        if self.last.as_ref() != Some(&key) {
            self.last = Some(key);
            self.changed_at = Instant::now();
        }
        self.changed_at.elapsed() >= self.stall_after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_doubles_to_the_cap_with_bounded_jitter() {
        let config = PollConfig::default();
        for _ in 0..50 {
            let first = config.interval(0);
            assert!(first >= Duration::from_millis(400) && first <= Duration::from_millis(600));
            let second = config.interval(1);
            assert!(second >= Duration::from_millis(800) && second <= Duration::from_millis(1_200));
            let late = config.interval(12);
            assert!(late >= Duration::from_secs(8) && late <= Duration::from_secs(12));
        }
    }

    #[test]
    fn a_rising_percentage_brings_the_next_poll_forward_but_never_later() {
        let mut estimate = FinishEstimate::default();
        let backoff = Duration::from_secs(10);
        let floor = Duration::from_millis(500);
        assert_eq!(
            estimate.wait(backoff, floor),
            backoff,
            "no estimate before a rise"
        );
        let start = Instant::now();
        estimate.first = Some((start, 20.0));
        estimate.latest = Some((start + Duration::from_secs(8), 60.0));
        // 40 points in 8 s: 40 left take 8 s; half of that is the wait.
        let wait = estimate.wait(backoff, floor);
        assert!(
            wait > Duration::from_millis(3_900) && wait < Duration::from_millis(4_100),
            "{wait:?}"
        );
        assert_eq!(
            estimate.wait(Duration::from_secs(1), floor),
            Duration::from_secs(1)
        );
        estimate.latest = Some((start + Duration::from_secs(16), 99.9));
        assert_eq!(estimate.wait(backoff, floor), floor);
        estimate.latest = Some((start + Duration::from_secs(20), 100.0));
        assert_eq!(
            estimate.wait(backoff, floor),
            backoff,
            "after 100 % the back-off applies again"
        );
    }

    #[test]
    fn stall_is_reported_only_without_change() {
        let mut detector = StallDetector::new(Duration::from_millis(30));
        assert!(!detector.observe(Some(10.0), Some("a")));
        std::thread::sleep(Duration::from_millis(60));
        assert!(detector.observe(Some(10.0), Some("a")));
        assert!(!detector.observe(Some(10.0), Some("b")));
        std::thread::sleep(Duration::from_millis(60));
        assert!(detector.observe(Some(10.0), Some("b")));
        assert!(!detector.observe(Some(20.0), Some("b")));
    }
}
