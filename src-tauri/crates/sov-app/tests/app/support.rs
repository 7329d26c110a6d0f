//! What several of these tests stand in for the shell with: a host that stays quiet and a subscriber that keeps
//! every snapshot the window would have been sent.
#![allow(clippy::unwrap_used)]

use sov_app::{Host, JobResumed, JobSnapshot, JobSubscriber};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub(crate) struct QuietHost;

impl Host for QuietHost {
    fn window_focused(&self) -> bool {
        true
    }
    fn notify(&self, _title: &str, _body: &str) {}
    fn job_resumed(&self, _resumed: &JobResumed) {}
}

#[derive(Clone, Default)]
pub(crate) struct Recording(pub(crate) Arc<Mutex<Vec<JobSnapshot>>>);

impl JobSubscriber for Recording {
    fn send(&self, snapshot: &JobSnapshot) -> bool {
        self.0.lock().unwrap().push(snapshot.clone());
        true
    }
}

impl Recording {
    /// The job's last snapshot once it has ended (done, failed or cancelled), within two minutes.
    pub(crate) async fn until_final(&self) -> JobSnapshot {
        self.until(|snapshot| snapshot.phase.is_final()).await
    }

    /// The snapshot that brings the finished job's checked changes, within two minutes.
    pub(crate) async fn until_changes(&self) -> JobSnapshot {
        self.until(|snapshot| snapshot.changes.is_some()).await
    }

    /// The last snapshot once it is one that `wanted` accepts.
    async fn until(&self, wanted: impl Fn(&JobSnapshot) -> bool) -> JobSnapshot {
        let wait = async {
            loop {
                if let Some(last) = self.0.lock().unwrap().last().filter(|s| wanted(s)) {
                    return last.clone();
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(120), wait)
            .await
            .unwrap()
    }
}
