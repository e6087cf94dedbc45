//! Keeping the dashboard's figures up to date (migration 0021) and the seed's analytics views
//! refreshed. Every server instance runs the schedule; an advisory lock taken inside the
//! refresh's transaction lets one of them refresh at a time (the others skip that turn), and
//! it is released with the transaction however the refresh ends. A failed refresh is logged
//! and tried again on the next turn; readers never wait for one (row writes, and
//! `refresh materialized view concurrently`).

use sqlx::{Connection, PgPool};
use std::time::Duration;

/// The advisory lock of refreshes ("dash" in ASCII).
const LOCK: i64 = 0x6461_7368;

/// What a refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// The (consultant, day) pairs recomputed.
    Done { pairs: i64 },
    /// Another instance was refreshing.
    Busy,
}

/// What to refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The pairs changed since the last refresh.
    Changes,
    /// Every figure, which also catches deletions; and the seed's views.
    Everything,
}

pub async fn refresh(pool: &PgPool, scope: Scope) -> Result<Refresh, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let got = sqlx::query_scalar!(r#"select pg_try_advisory_xact_lock($1) as "got!""#, LOCK)
        .fetch_one(&mut *tx)
        .await?;
    if !got {
        return Ok(Refresh::Busy);
    }
    // A full pass takes ~30 s at 1,000,000 leads: past the pool's statement timeout.
    sqlx::query!("set local statement_timeout = 0")
        .execute(&mut *tx)
        .await?;
    let everything = scope == Scope::Everything;
    let pairs = sqlx::query_scalar!(r#"select refresh_dashboard($1) as "pairs!""#, everything)
        .fetch_one(&mut *tx)
        .await?;
    if everything {
        sqlx::query!("select refresh_metrics()")
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Refresh::Done { pairs })
}

/// Changes every `every`; everything (and the seed's views) every `full_every`.
pub fn spawn_refresher(
    jobs: &mut super::supervisor::Supervisor,
    pool: PgPool,
    every: Duration,
    full_every: Duration,
) {
    let mut stop = jobs.signal();
    jobs.spawn("figures refresher", async move {
        let mut tick = tokio::time::interval(every);
        let mut last_full: Option<tokio::time::Instant> = None;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.stopped() => break,
            }
            let scope = match last_full {
                Some(at) if at.elapsed() < full_every => Scope::Changes,
                _ => Scope::Everything,
            };
            let started = std::time::Instant::now();
            match refresh(&pool, scope).await {
                Ok(Refresh::Done { pairs }) => {
                    if scope == Scope::Everything {
                        last_full = Some(tokio::time::Instant::now());
                    }
                    tracing::debug!(
                        ?scope,
                        pairs,
                        ms = started.elapsed().as_millis() as u64,
                        "figures refreshed"
                    );
                }
                Ok(Refresh::Busy) => tracing::debug!("another instance is refreshing the figures"),
                Err(e) => {
                    tracing::warn!(?scope, error = %e, "figures refresh failed; next turn tries again")
                }
            }
        }
    });
}
