//! The watcher of dead claims: what a process that died mid-pass left behind is released
//! (`claims`), its AI answers written (`answers`) and its messages sent (`sender`) by
//! whoever is alive.

use super::answers;
use super::claims::{release_dead_claims, DEAD_CLAIM_CHECK};
use super::sender::send_pending;
use super::supervisor::Supervisor;
use sqlx::PgPool;

/// Every [`DEAD_CLAIM_CHECK`]: releases dead senders' claims, writes the AI answers dead
/// workers were writing, and sends what they held back.
pub fn spawn_dead_claim_watcher(jobs: &mut Supervisor, pool: PgPool, services: super::Services) {
    let mut stop = jobs.signal();
    jobs.spawn("dead claims watcher", async move {
        let mut tick = tokio::time::interval(DEAD_CLAIM_CHECK);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.stopped() => break,
            }
            let released = match release_dead_claims(&pool).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "releasing dead claims failed");
                    0
                }
            };
            let orphan_answers = answers::any_claimed_by_the_dead(&pool)
                .await
                .unwrap_or(false);
            if orphan_answers {
                if let Err(e) =
                    answers::write_pending(&pool, &services.ai, &services.transport).await
                {
                    tracing::warn!(error = %e, "writing answers after a dead worker failed");
                }
            }
            if released > 0 || orphan_answers {
                if let Err(e) = send_pending(&pool, &services.transport).await {
                    tracing::warn!(error = %e, "sending after releasing claims failed");
                }
            }
        }
    });
}
