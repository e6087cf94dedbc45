//! What the lead page says of a lead beyond its row: what its temperature is made of, its
//! stored summary (and asking for one), and that the page is open (no notification about the
//! lead meanwhile). In the caller's tenant transaction.

use crate::server::db::TenantTx;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// What the lead's temperature is made of, as the lead page explains it.
pub struct ScoreFacts {
    pub last_inbound_at: Option<DateTime<Utc>>,
    pub completed: bool,
    pub scored: bool,
}

pub async fn score_facts(t: &mut TenantTx, lead: Uuid) -> Result<Option<ScoreFacts>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        ScoreFacts,
        r#"select l.last_inbound_at as "last_inbound_at: DateTime<Utc>",
                  exists (select 1 from conversations c
                           where c.lead_id = l.id and c.consultant_id = $2
                             and c.is_completed) as "completed!",
                  l.scored_at is not null as "scored!"
             from leads l where l.id = $1 and l.consultant_id = $2"#,
        lead,
        consultant
    )
    .fetch_optional(db)
    .await
}

/// The lead's stored summary, and the consultant's line of business (for writing one).
pub struct StoredSummary {
    pub text: Option<String>,
    pub source: Option<String>,
    pub at: Option<DateTime<Utc>>,
    pub vertical: String,
}

pub async fn summary(t: &mut TenantTx, lead: Uuid) -> Result<Option<StoredSummary>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        StoredSummary,
        r#"select l.summary as text, l.summary_source as source,
                  l.summary_at as "at: DateTime<Utc>", c.vertical
             from leads l join consultants c on c.id = l.consultant_id
            where l.id = $1 and l.consultant_id = $2"#,
        lead,
        consultant
    )
    .fetch_optional(db)
    .await
}

/// The consultant opened a lead with answers and no summary: the summaries job writes one.
pub async fn request_summary_if_missing(t: &mut TenantTx, lead: Uuid) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update leads set summary_due_at = now()
          where id = $1 and consultant_id = $2 and summary is null and summary_due_at is null
            and respostas <> '{}'::jsonb",
        lead,
        consultant
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The lead's page is open (its render, and its poll every 4 seconds): no notification for
/// this lead reaches the consultant's phone meanwhile. Written only when it would move the
/// mark by 10 seconds or more (one write every few polls, not every one).
pub async fn mark_viewing(t: &mut TenantTx, lead: Uuid) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update leads set viewed_until = now() + interval '20 seconds'
          where id = $1 and consultant_id = $2
            and (viewed_until is null or viewed_until < now() + interval '10 seconds')",
        lead,
        consultant
    )
    .execute(db)
    .await?;
    Ok(())
}
