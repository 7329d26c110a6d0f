//! A cap on the requests one client has in flight at once, so a process running many update jobs
//! on one client (a pipeline's night run) opens a bounded number of connections to the service.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Shared by every clone of a client.
#[derive(Clone)]
pub(crate) struct ConnectionSlots(Arc<Semaphore>);

impl ConnectionSlots {
    /// `max` is raised to 1: a client with no slot could never send anything.
    pub(crate) fn new(max: usize) -> Self {
        Self(Arc::new(Semaphore::new(max.max(1))))
    }

    /// Waits for a free slot. The semaphore is never closed, so this always ends with a slot.
    pub(crate) async fn acquire(&self) -> ConnectionSlot {
        ConnectionSlot {
            _permit: self.0.clone().acquire_owned().await.ok(),
        }
    }

    #[cfg(test)]
    pub(crate) fn free(&self) -> usize {
        self.0.available_permits()
    }
}

/// Held from sending a request until its answer has been read; dropping it frees the slot.
pub(crate) struct ConnectionSlot {
    _permit: Option<OwnedSemaphorePermit>,
}

/// An answer together with the slot its connection occupies while the body is read.
pub(crate) struct Answer {
    pub(crate) response: reqwest::Response,
    pub(crate) _slot: ConnectionSlot,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slot_is_free_again_once_dropped_and_none_is_a_minimum_of_one() {
        let slots = ConnectionSlots::new(0);
        assert_eq!(slots.free(), 1);
        let held = slots.acquire().await;
        assert_eq!(slots.free(), 0);
        let waiting = tokio::spawn({
            let slots = slots.clone();
            async move {
                let _slot = slots.acquire().await;
            }
        });
        tokio::task::yield_now().await;
        assert!(
            !waiting.is_finished(),
            "a second request waits for the slot"
        );
        drop(held);
        waiting.await.expect("the waiting request got the slot");
        assert_eq!(slots.free(), 1);
    }
}
