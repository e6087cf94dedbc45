//! Wakes the sender when something is queued, so a consultant's reply leaves at once instead
//! of waiting for the scheduler's next tick. The server's sender task waits on this.

use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Clone, Default, Debug)]
pub struct Outbox(Arc<Notify>);

impl Outbox {
    /// Something is pending: the sender runs now (or right after its current pass).
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Waits until [`Outbox::wake`] is called.
    pub async fn woken(&self) {
        self.0.notified().await
    }
}
