//! The summaries job: writes the summary at the top of a lead's page
//! (`app::domain::ai::summary`) for the leads marked due (a finished flow, answers changed
//! after a summary, a consultant opening a lead that has none).
//!
//! A lead is claimed in a short transaction (its due time pushed `LEASE` ahead, so another
//! instance leaves it alone, and a crash retries it after the lease); the provider is called
//! with no transaction open; the summary is stored only if the answers are still the ones it
//! was written from (else the lead stays due and is summed up again).

use crate::ai::AiProvider;
use app::domain::ai::summary::{accept, builtin_summary, summary_prompt, SummaryInput};
use app::domain::lead_answers::from_json;
use app::domain::Vertical;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

const BATCH: i64 = 20;
const LEASE_SECS: f64 = 300.0;

struct Claimed {
    id: Uuid,
    consultant_id: Uuid,
    respostas: serde_json::Value,
}

/// Writes the summaries due at `now`; returns how many were stored.
pub async fn run(pool: &PgPool, ai: &AiProvider, now: DateTime<Utc>) -> Result<usize, sqlx::Error> {
    let mut written = 0;
    loop {
        let claimed = claim(pool, now).await?;
        for lead in &claimed {
            if write_one(pool, ai, lead).await? {
                written += 1;
            }
        }
        if (claimed.len() as i64) < BATCH {
            return Ok(written);
        }
    }
}

async fn claim(pool: &PgPool, now: DateTime<Utc>) -> Result<Vec<Claimed>, sqlx::Error> {
    sqlx::query_as!(
        Claimed,
        r#"update leads l set summary_due_at = $1::timestamptz + make_interval(secs => $3)
             from (select id from leads where summary_due_at <= $1
                    order by summary_due_at limit $2 for update skip locked) due
            where l.id = due.id
        returning l.id, l.consultant_id, l.respostas"#,
        now as _,
        BATCH,
        LEASE_SECS
    )
    .fetch_all(pool)
    .await
}

/// Sums up one lead; `false` when nothing was stored (no answers, or they changed meanwhile).
async fn write_one(pool: &PgPool, ai: &AiProvider, lead: &Claimed) -> Result<bool, sqlx::Error> {
    let vertical: String = sqlx::query_scalar!(
        "select vertical from consultants where id = $1",
        lead.consultant_id
    )
    .fetch_one(pool)
    .await?;
    let Ok(vertical) = Vertical::parse(&vertical) else {
        return Ok(false);
    };
    let def = {
        let mut conn = pool.acquire().await?;
        app::server::shared_reads::live_flow(&mut conn, lead.consultant_id)
            .await?
            .and_then(|(_, d)| serde_json::from_value(d).ok())
    };
    let input = SummaryInput::new(vertical, def.as_ref(), &from_json(&lead.respostas));
    if input.is_empty() {
        // Nothing to sum up (yet): no longer due.
        sqlx::query!(
            "update leads set summary_due_at = null where id = $1 and respostas = $2",
            lead.id,
            lead.respostas
        )
        .execute(pool)
        .await?;
        return Ok(false);
    }
    // Outside any transaction: the provider may take seconds.
    let (text, source) = match ai.complete(&summary_prompt(&input)).await {
        None => (builtin_summary(&input), "respostas"),
        Some(Ok(done)) => match accept(vertical, &done.text) {
            Some(text) => (text, "ia"),
            None => {
                tracing::warn!(lead = %lead.id, "AI summary refused by the gate; using the built-in one");
                (builtin_summary(&input), "respostas")
            }
        },
        Some(Err(reason)) => {
            tracing::warn!(%reason, "AI provider failed for a summary; using the built-in one");
            (builtin_summary(&input), "respostas")
        }
    };
    let stored = sqlx::query!(
        "update leads set summary = $3, summary_source = $4, summary_at = now(),
                          summary_due_at = null
          where id = $1 and respostas = $2",
        lead.id,
        lead.respostas,
        text,
        source
    )
    .execute(pool)
    .await?;
    Ok(stored.rows_affected() == 1)
}

/// Every 5 seconds: a summary is at its most useful in the minutes after the flow ends.
pub fn spawn(jobs: &mut super::supervisor::Supervisor, pool: PgPool, ai: AiProvider) {
    let mut stop = jobs.signal();
    jobs.spawn("summaries", async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.stopped() => break,
            }
            match run(&pool, &ai, Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(leads = n, "summaries written"),
                Err(e) => tracing::warn!(error = %e, "writing summaries failed"),
            }
        }
    });
}
