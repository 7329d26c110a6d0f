//! The job the window follows and whoever watches it. Its state lives here, in Rust, so a reloaded page
//! re-attaches to it; every snapshot goes to every subscriber. Progress of jobs resumed at startup that nobody
//! follows yet is kept (the latest per job) and replayed when the window adopts one.

use crate::host::JobSubscriber;
use crate::snapshot::{self, JobSnapshot};
use sov_update::engine::{JobProgress, UpdateChanges};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// One job the window follows.
pub(crate) struct FollowedJob {
    /// The history's job id, known with the job's first progress (or at once for an adopted job).
    id: OnceLock<String>,
    file_count: usize,
    latest: Mutex<Option<JobSnapshot>>,
    subscribers: Mutex<Vec<Box<dyn JobSubscriber>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl FollowedJob {
    fn new(file_count: usize, subscriber: Option<Box<dyn JobSubscriber>>) -> Self {
        Self {
            id: OnceLock::new(),
            file_count,
            latest: Mutex::new(None),
            subscribers: Mutex::new(subscriber.into_iter().collect()),
        }
    }

    pub(crate) fn id(&self) -> &str {
        self.id.get().map(String::as_str).unwrap_or_default()
    }

    pub(crate) fn snapshot(&self) -> Option<JobSnapshot> {
        lock(&self.latest).clone()
    }

    fn is_finished(&self) -> bool {
        self.snapshot().is_some_and(|s| s.phase.is_final())
    }

    /// Turns one engine snapshot into the window's and sends it to every subscriber.
    pub(crate) fn publish(&self, job_id: &str, progress: &JobProgress) {
        let _ = self.id.set(job_id.to_owned());
        let view = snapshot::from_progress(job_id, self.file_count, progress);
        *lock(&self.latest) = Some(view.clone());
        // A subscriber whose page was reloaded is dropped; the new page attaches again.
        lock(&self.subscribers).retain(|subscriber| subscriber.send(&view));
    }
}

impl FollowedJob {
    /// The finished job's changes, once checked: the latest snapshot again, with them.
    pub(crate) fn publish_changes(&self, changes: UpdateChanges) {
        let Some(mut view) = self.snapshot() else {
            return;
        };
        snapshot::add_changes(&mut view, changes);
        *lock(&self.latest) = Some(view.clone());
        lock(&self.subscribers).retain(|subscriber| subscriber.send(&view));
    }
}

/// Why a job cannot be followed now.
#[derive(Debug)]
pub(crate) struct Busy;

#[derive(Default)]
struct HubState {
    current: Option<Arc<FollowedJob>>,
    /// The latest progress of resumed jobs the window does not follow.
    unfollowed: HashMap<String, JobProgress>,
}

#[derive(Default)]
pub(crate) struct JobHub {
    state: Mutex<HubState>,
}

impl JobHub {
    pub(crate) fn current(&self) -> Option<Arc<FollowedJob>> {
        lock(&self.state).current.clone()
    }

    /// True while the followed job has not ended.
    pub(crate) fn is_busy(&self) -> bool {
        self.current().is_some_and(|job| !job.is_finished())
    }

    /// Makes a new job the followed one, unless the followed one still runs.
    pub(crate) fn follow_new(
        &self,
        file_count: usize,
        subscriber: Box<dyn JobSubscriber>,
    ) -> Result<Arc<FollowedJob>, Busy> {
        let mut state = lock(&self.state);
        if state.current.as_ref().is_some_and(|job| !job.is_finished()) {
            return Err(Busy);
        }
        let job = Arc::new(FollowedJob::new(file_count, Some(subscriber)));
        state.current = Some(Arc::clone(&job));
        Ok(job)
    }

    /// Forgets a followed job that never started.
    pub(crate) fn forget(&self, job: &Arc<FollowedJob>) {
        let mut state = lock(&self.state);
        if state.current.as_ref().is_some_and(|c| Arc::ptr_eq(c, job)) {
            state.current = None;
        }
    }

    /// Adds a subscriber to the followed job; returns its latest snapshot.
    pub(crate) fn attach(&self, subscriber: Box<dyn JobSubscriber>) -> Option<JobSnapshot> {
        let job = self.current()?;
        lock(&job.subscribers).push(subscriber);
        job.snapshot()
    }

    /// Progress of a job resumed at startup: to the window if it follows that job, else kept for a replay.
    /// Under the hub's lock, so a replay never lands after newer progress.
    pub(crate) fn publish_resumed(&self, job_id: &str, progress: &JobProgress) {
        let mut state = lock(&self.state);
        match &state.current {
            Some(job) if job.id() == job_id => job.publish(job_id, progress),
            _ => {
                state.unfollowed.insert(job_id.to_owned(), progress.clone());
            }
        }
    }

    /// The window follows a resumed job (when it follows nothing running); its latest progress is replayed.
    pub(crate) fn adopt(&self, job_id: &str) -> bool {
        let mut state = lock(&self.state);
        if state.current.as_ref().is_some_and(|job| !job.is_finished()) {
            return false;
        }
        let job = Arc::new(FollowedJob::new(0, None));
        let _ = job.id.set(job_id.to_owned());
        if let Some(progress) = state.unfollowed.remove(job_id) {
            job.publish(job_id, &progress);
        }
        state.current = Some(job);
        true
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sov_update::engine::Phase;

    /// Records what it is sent, as the window's channel would receive it.
    #[derive(Clone, Default)]
    struct Recording(Arc<Mutex<Vec<JobSnapshot>>>);

    impl JobSubscriber for Recording {
        fn send(&self, snapshot: &JobSnapshot) -> bool {
            lock(&self.0).push(snapshot.clone());
            true
        }
    }

    struct Gone;
    impl JobSubscriber for Gone {
        fn send(&self, _: &JobSnapshot) -> bool {
            false
        }
    }

    fn progress(phase: Phase) -> JobProgress {
        JobProgress {
            phase,
            sov_id: Some("s-a".into()),
            update_id: Some("s-a-r001".into()),
            elapsed_ms: 1,
            upload: None,
            processing: None,
            stalled: false,
            download: None,
            listed_outputs: None,
            outputs: Vec::new(),
            rows_not_applied: None,
            error: None,
        }
    }

    fn phases(recording: &Recording) -> Vec<Phase> {
        lock(&recording.0).iter().map(|s| s.phase).collect()
    }

    #[test]
    fn every_subscriber_gets_every_snapshot_and_a_late_one_gets_the_latest_first() {
        let hub = JobHub::default();
        let first = Recording::default();
        let job = hub.follow_new(1, Box::new(first.clone())).unwrap();
        job.publish("j-1", &progress(Phase::Uploading));
        let second = Recording::default();
        let latest = hub.attach(Box::new(second.clone())).unwrap();
        assert_eq!(latest.phase, Phase::Uploading);
        assert_eq!(latest.job_id, "j-1");
        job.publish("j-1", &progress(Phase::Processing));
        assert_eq!(phases(&first), [Phase::Uploading, Phase::Processing]);
        assert_eq!(phases(&second), [Phase::Processing]);
    }

    #[test]
    fn a_second_job_waits_for_the_first_to_end_and_a_gone_page_is_dropped() {
        let hub = JobHub::default();
        let job = hub.follow_new(1, Box::new(Gone)).unwrap();
        job.publish("j-1", &progress(Phase::Processing));
        assert!(
            lock(&job.subscribers).is_empty(),
            "the gone page is dropped"
        );
        assert!(hub.follow_new(1, Box::new(Gone)).is_err());
        assert!(hub.is_busy());
        job.publish("j-1", &progress(Phase::Done));
        assert!(!hub.is_busy());
        assert!(hub.follow_new(1, Box::new(Gone)).is_ok());
    }

    #[test]
    fn a_resumed_job_adopted_later_replays_its_latest_progress() {
        let hub = JobHub::default();
        hub.publish_resumed("j-r", &progress(Phase::Queued));
        hub.publish_resumed("j-r", &progress(Phase::Processing));
        assert!(hub.current().is_none(), "nobody follows it yet");
        assert!(hub.adopt("j-r"));
        let watcher = Recording::default();
        let replayed = hub.attach(Box::new(watcher.clone())).unwrap();
        assert_eq!(replayed.phase, Phase::Processing);
        hub.publish_resumed("j-r", &progress(Phase::Done));
        assert_eq!(phases(&watcher), [Phase::Done]);
    }

    #[test]
    fn a_resumed_job_is_not_adopted_while_the_users_own_job_runs() {
        let hub = JobHub::default();
        let own = hub.follow_new(1, Box::new(Recording::default())).unwrap();
        own.publish("j-own", &progress(Phase::Uploading));
        assert!(!hub.adopt("j-r"));
        hub.publish_resumed("j-r", &progress(Phase::Processing));
        assert_eq!(hub.current().unwrap().id(), "j-own");
        assert_eq!(
            hub.current().unwrap().snapshot().unwrap().phase,
            Phase::Uploading
        );
    }
}
