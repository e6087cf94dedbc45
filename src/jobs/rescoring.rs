//! The rescoring job: leads whose temperature time has changed (a day, a week, a month since
//! they last wrote), whose consultant changed the rules (a flow made live or published), or
//! that were never scored (the leads from before temperatures). Batches of `BATCH` in short
//! transactions, so a backfill of a million leads never holds one long lock.

use crate::intake::scores;
use app::server::db::SystemTx;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

const BATCH: i64 = 500;

/// Scores every lead due at `now`; returns how many.
pub async fn run(pool: &PgPool, now: DateTime<Utc>) -> Result<usize, sqlx::Error> {
    let mut total = 0;
    loop {
        let mut sys = SystemTx::begin(pool).await?;
        let due = scores::claim_due(&mut sys, now, BATCH).await?;
        // Time only cools a lead; new rules may warm many at once, and a burst of "lead
        // quente" for old leads would say nothing: the job tells no one.
        let n = scores::rescore(&mut sys, &due, now).await?.written;
        sys.commit().await?;
        total += n;
        if (due.len() as i64) < BATCH {
            return Ok(total);
        }
    }
}

/// Every minute (and at start, for the leads never scored).
pub fn spawn(jobs: &mut super::supervisor::Supervisor, pool: PgPool) {
    let mut stop = jobs.signal();
    jobs.spawn("rescoring", async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.stopped() => break,
            }
            match run(&pool, Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(leads = n, "temperatures rescored"),
                Err(e) => tracing::warn!(error = %e, "rescoring failed"),
            }
        }
    });
}
