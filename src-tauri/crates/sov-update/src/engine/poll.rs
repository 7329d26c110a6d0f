//! Polling settings and the stall detector.

use std::time::{Duration, Instant};

use rand::Rng;

/// How an update's status is polled.
#[derive(Debug, Clone, PartialEq)]
pub struct PollConfig {
    pub initial_interval: Duration,
    pub max_interval: Duration,
    /// The shortest wait, used only as the predicted finish comes near (see `FinishEstimate`).
    pub min_interval: Duration,
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
            min_interval: Duration::from_millis(250),
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

/// Predicts when the server will finish from how fast its `pct_complete` rises, so the poll that
/// sees the job finished comes soon after it finishes instead of at the next long back-off step.
/// It only ever shortens a wait.
///
/// Progress often rises in steps (a stage at a time), so a value seen now may have been reached
/// well before. Each new value is therefore dated halfway between the poll that first saw it and
/// the poll before, and processing is taken to have begun halfway between the last queued poll
/// and the first that saw 0 % (or at that last queued poll, when the first value seen is already
/// above 0: the earliest it can have begun, which predicts the finish early rather than late).
#[derive(Default)]
pub(crate) struct FinishEstimate {
    previous_poll: Option<Instant>,
    last_pct: Option<f64>,
    began: Option<Instant>,
    /// When the latest value was (probably) reached, and the value.
    latest: Option<(Instant, f64)>,
}

impl FinishEstimate {
    /// Records one poll; `pct_complete` only for a job that is processing (not queued).
    pub(crate) fn observe(&mut self, pct_complete: Option<f64>) {
        self.observe_at(Instant::now(), pct_complete);
    }

    fn observe_at(&mut self, now: Instant, pct_complete: Option<f64>) {
        let previous = self.previous_poll.replace(now).unwrap_or(now);
        let Some(pct) = pct_complete else { return };
        if self.last_pct.replace(pct) == Some(pct) {
            return;
        }
        let halfway = previous + now.duration_since(previous) / 2;
        if self.began.is_none() {
            self.began = Some(if pct <= 0.0 { halfway } else { previous });
            self.latest = Some((now, pct));
        } else {
            self.latest = Some((halfway, pct));
        }
    }

    /// Seconds from `now` to the predicted finish (negative once it is overdue); `None` before a
    /// rise above 0 %, or at 100 % (the stretch after 100 % says nothing about its own length).
    fn seconds_left(&self, now: Instant) -> Option<f64> {
        let ((reached, pct), began) = (self.latest?, self.began?);
        let taken = reached.checked_duration_since(began)?.as_secs_f64();
        if pct <= 0.0 || pct >= 100.0 || taken <= 0.0 {
            return None;
        }
        let rate = pct / taken;
        let finish = reached + Duration::from_secs_f64(((100.0 - pct) / rate).min(86_400.0));
        Some(match finish.checked_duration_since(now) {
            Some(ahead) => ahead.as_secs_f64(),
            None => -now.duration_since(finish).as_secs_f64(),
        })
    }

    /// The wait before the next poll: the back-off `interval`, shortened to half the time to the
    /// predicted finish (so polls close in on it), never below `floor`. Once the finish is
    /// overdue, polls stay close but spread out again as the delay grows (an eighth of it), so a
    /// job that stalls near the end is not asked about at the floor's pace for long.
    pub(crate) fn wait(&self, interval: Duration, floor: Duration) -> Duration {
        self.wait_at(Instant::now(), interval, floor)
    }

    fn wait_at(&self, now: Instant, interval: Duration, floor: Duration) -> Duration {
        let Some(left) = self.seconds_left(now) else {
            return interval;
        };
        let wanted = if left > 0.0 { left / 2.0 } else { -left / 8.0 };
        interval.min(Duration::from_secs_f64(wanted.min(86_400.0)).max(floor))
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

    fn at(start: Instant, ms: u64) -> Instant {
        start + Duration::from_millis(ms)
    }

    #[test]
    fn no_prediction_before_a_rise_or_after_one_hundred_percent() {
        let (backoff, floor) = (Duration::from_secs(10), Duration::from_millis(250));
        let start = Instant::now();
        let mut estimate = FinishEstimate::default();
        estimate.observe_at(at(start, 0), None); // queued
        assert_eq!(estimate.wait_at(at(start, 0), backoff, floor), backoff);
        estimate.observe_at(at(start, 1_000), Some(0.0));
        assert_eq!(estimate.wait_at(at(start, 1_000), backoff, floor), backoff);
        estimate.observe_at(at(start, 3_000), Some(100.0));
        assert_eq!(estimate.wait_at(at(start, 3_000), backoff, floor), backoff);
    }

    #[test]
    fn stepped_progress_is_dated_halfway_between_polls() {
        let (backoff, floor) = (Duration::from_secs(10), Duration::from_millis(250));
        let start = Instant::now();
        let mut estimate = FinishEstimate::default();
        estimate.observe_at(at(start, 0), None); // queued
        estimate.observe_at(at(start, 4_000), Some(0.0)); // began at about 2 s
        estimate.observe_at(at(start, 10_000), Some(40.0)); // reached at about 7 s
                                                            // 40 % in 5 s: 60 % left take 7.5 s from 7 s, so the finish is due at 14.5 s,
                                                            // 4.5 s after this poll; half of that is the wait.
        let wait = estimate.wait_at(at(start, 10_000), backoff, floor);
        assert!(
            wait > Duration::from_millis(2_200) && wait < Duration::from_millis(2_300),
            "{wait:?}"
        );
        assert_eq!(
            estimate.wait_at(at(start, 10_000), Duration::from_secs(1), floor),
            Duration::from_secs(1),
            "never later than the back-off"
        );
        // Close to the predicted finish the floor applies.
        assert_eq!(estimate.wait_at(at(start, 14_400), backoff, floor), floor);
        // Overdue by 4 s: half a second (an eighth of the delay) between polls.
        let wait = estimate.wait_at(at(start, 18_500), backoff, floor);
        assert_eq!(wait, Duration::from_millis(500));
        // Overdue by a long time: the back-off again.
        assert_eq!(
            estimate.wait_at(at(start, 500_000), backoff, floor),
            backoff
        );
    }

    #[test]
    fn a_first_value_above_zero_is_dated_from_the_last_queued_poll() {
        let (backoff, floor) = (Duration::from_secs(10), Duration::from_millis(100));
        let start = Instant::now();
        let mut estimate = FinishEstimate::default();
        estimate.observe_at(at(start, 0), None);
        // 50 % by 1 s at the latest: the fastest the job can be going, so the finish is
        // predicted at 2 s, early rather than late.
        estimate.observe_at(at(start, 1_000), Some(50.0));
        assert_eq!(
            estimate.wait_at(at(start, 1_000), backoff, floor),
            Duration::from_millis(500)
        );
        // A repeated value is not a new step: the prediction stays.
        estimate.observe_at(at(start, 1_500), Some(50.0));
        assert_eq!(
            estimate.wait_at(at(start, 1_500), backoff, floor),
            Duration::from_millis(250)
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
