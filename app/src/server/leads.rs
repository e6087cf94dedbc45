//! The leads repository: the board's columns and counts, the list view, a lead's header (its
//! cards' extras and its moves are in `lead_cards` and `lead_moves`), used inside the caller's
//! tenant transaction (row-level security applies;
//! each also names the consultant, so the planner starts from the indexes that begin with
//! `consultant_id`). What the intake writes of leads is in `consultor::intake`.

use crate::domain::cursor::{Cursor, ScoreCursor};
use crate::domain::lead_filter::{contains_pattern, LeadFilter, Search};
use crate::domain::LeadStatus;
use crate::server::db::TenantTx;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A filter as SQL parameters.
#[derive(Debug, Clone)]
pub struct FilterParams {
    pub status: Option<String>,
    /// A `LIKE` pattern over name, profile name and number.
    pub pattern: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub source: Option<String>,
    /// `respostas @>` this object (`{}`: no answer filter).
    pub answers: serde_json::Value,
    /// A temperature as its inclusive score range (leads never scored are in none).
    pub score_min: Option<i16>,
    pub score_max: Option<i16>,
}

impl FilterParams {
    pub fn new(f: &LeadFilter, now: DateTime<Utc>) -> Self {
        Self {
            status: f.status.map(|s| s.as_str().to_string()),
            pattern: match f.search() {
                Search::None => None,
                Search::Digits(d) => Some(contains_pattern(&d)),
                Search::Text(t) => Some(contains_pattern(&t)),
            },
            since: f.period.map(|p| p.since(now)),
            source: f.source.map(|s| s.as_str().to_string()),
            answers: f.answers_json(),
            score_min: f.temperature.map(|t| t.score_range().0),
            score_max: f.temperature.map(|t| t.score_range().1),
        }
    }

    /// The same filter, one column of the board.
    pub fn with_status(&self, status: LeadStatus) -> Self {
        Self {
            status: Some(status.as_str().to_string()),
            ..self.clone()
        }
    }
}

// What a card shows beyond the row, and moving between stages, in files of their own.
pub use super::lead_cards::{last_messages, set_deal_value, value_totals};
pub use super::lead_moves::{history, move_status, restore_status, HistoryRow, MoveRefused};
// The consultant's settings for the leads pages.
pub use super::lead_settings::{set_tabs_by_name, stale_after_days, tabs_by_name};
// What the lead page says of a lead beyond its row (temperature, summary, being viewed).
pub use super::lead_insights::{
    mark_viewing, request_summary_if_missing, score_facts, summary, ScoreFacts, StoredSummary,
};

/// One lead as the board and the list show it.
#[derive(Debug)]
pub struct LeadRow {
    pub id: Uuid,
    pub name: Option<String>,
    pub profile_name: Option<String>,
    /// `None` for a lead known only by its WhatsApp user id.
    pub whatsapp_number: Option<String>,
    pub status: String,
    pub respostas: serde_json::Value,
    pub source: Option<String>,
    /// A click-to-WhatsApp ad's headline and link (where it ran).
    pub campaign: Option<String>,
    pub source_url: Option<String>,
    pub last_interaction_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub unread: bool,
    /// The lead wrote SAIR (or the like): the bot is silent.
    pub opted_out: bool,
    /// What the deal is worth, as the consultant typed it (centavos).
    pub deal_value_cents: Option<i64>,
    /// The temperature's points (`domain::temperature`), meaningful once `scored`.
    pub score: i16,
    pub scored: bool,
}

impl LeadRow {
    /// The keyset position of this row in a list ordered by activity.
    pub fn activity_cursor(&self) -> Cursor {
        Cursor {
            at: self.last_interaction_at,
            id: self.id,
        }
    }
    pub fn created_cursor(&self) -> Cursor {
        Cursor {
            at: self.created_at,
            id: self.id,
        }
    }
    /// The keyset position of this row in a list ordered by temperature.
    pub fn score_cursor(&self) -> ScoreCursor {
        ScoreCursor {
            score: self.score,
            at: self.last_interaction_at,
            id: self.id,
        }
    }
}

/// Leads matching `f`, most recent activity first, after `after` (keyset: no OFFSET, so the
/// hundredth page costs what the first does).
///
/// This, [`by_creation`] and [`counts`] repeat the same filter clauses on purpose: `query!`
/// checks only literal SQL, and a shared SQL function would hide the predicates (the trigram
/// and JSONB indexes, the keyset range) from the planner.
pub async fn by_activity(
    t: &mut TenantTx,
    f: &FilterParams,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<LeadRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        LeadRow,
        r#"select id, name, profile_name, whatsapp_number, status, respostas,
                  metadata->>'source' as source, metadata->>'campaign' as campaign,
                  metadata->>'source_url' as source_url,
                  last_interaction_at as "last_interaction_at: DateTime<Utc>",
                  created_at as "created_at: DateTime<Utc>",
                  coalesce(last_inbound_at > coalesce(seen_at, '-infinity'), false) as "unread!",
                  opted_out_at is not null as "opted_out!",
                  deal_value_cents, score, scored_at is not null as "scored!"
             from leads
            where consultant_id = $1
              and ($2::text is null or status = $2)
              and ($3::text is null
                   or search_text(name, profile_name, whatsapp_number) like search_pattern($3))
              and ($4::timestamptz is null or created_at >= $4)
              and ($5::text is null
                   or ($5 = 'pagina' and metadata->>'source' = 'perfil')
                   or ($5 = 'anuncio' and metadata->>'source' in ('ad', 'post'))
                   or ($5 = 'direto' and metadata->>'source' is null))
              and ($6::jsonb = '{}'::jsonb or respostas @> $6)
              and ($10::smallint is null or (scored_at is not null and score between $10 and $11))
              and ($7::timestamptz is null or (last_interaction_at, id) < ($7, $8::uuid))
            order by last_interaction_at desc, id desc
            limit $9"#,
        consultant,
        f.status,
        f.pattern,
        f.since as _,
        f.source,
        f.answers,
        after.map(|c| c.at) as _,
        after.map(|c| c.id),
        limit,
        f.score_min,
        f.score_max
    )
    .fetch_all(db)
    .await
}

/// As [`by_activity`], newest leads first (the list view's other order).
pub async fn by_creation(
    t: &mut TenantTx,
    f: &FilterParams,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<LeadRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        LeadRow,
        r#"select id, name, profile_name, whatsapp_number, status, respostas,
                  metadata->>'source' as source, metadata->>'campaign' as campaign,
                  metadata->>'source_url' as source_url,
                  last_interaction_at as "last_interaction_at: DateTime<Utc>",
                  created_at as "created_at: DateTime<Utc>",
                  coalesce(last_inbound_at > coalesce(seen_at, '-infinity'), false) as "unread!",
                  opted_out_at is not null as "opted_out!",
                  deal_value_cents, score, scored_at is not null as "scored!"
             from leads
            where consultant_id = $1
              and ($2::text is null or status = $2)
              and ($3::text is null
                   or search_text(name, profile_name, whatsapp_number) like search_pattern($3))
              and ($4::timestamptz is null or created_at >= $4)
              and ($5::text is null
                   or ($5 = 'pagina' and metadata->>'source' = 'perfil')
                   or ($5 = 'anuncio' and metadata->>'source' in ('ad', 'post'))
                   or ($5 = 'direto' and metadata->>'source' is null))
              and ($6::jsonb = '{}'::jsonb or respostas @> $6)
              and ($10::smallint is null or (scored_at is not null and score between $10 and $11))
              and ($7::timestamptz is null or (created_at, id) < ($7, $8::uuid))
            order by created_at desc, id desc
            limit $9"#,
        consultant,
        f.status,
        f.pattern,
        f.since as _,
        f.source,
        f.answers,
        after.map(|c| c.at) as _,
        after.map(|c| c.id),
        limit,
        f.score_min,
        f.score_max
    )
    .fetch_all(db)
    .await
}

/// As [`by_activity`], the hottest first ("mais quentes primeiro"), then the most recent
/// activity (`idx_leads_board_score`, `idx_leads_consultant_score`).
pub async fn by_score(
    t: &mut TenantTx,
    f: &FilterParams,
    after: Option<ScoreCursor>,
    limit: i64,
) -> Result<Vec<LeadRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        LeadRow,
        r#"select id, name, profile_name, whatsapp_number, status, respostas,
                  metadata->>'source' as source, metadata->>'campaign' as campaign,
                  metadata->>'source_url' as source_url,
                  last_interaction_at as "last_interaction_at: DateTime<Utc>",
                  created_at as "created_at: DateTime<Utc>",
                  coalesce(last_inbound_at > coalesce(seen_at, '-infinity'), false) as "unread!",
                  opted_out_at is not null as "opted_out!",
                  deal_value_cents, score, scored_at is not null as "scored!"
             from leads
            where consultant_id = $1
              and ($2::text is null or status = $2)
              and ($3::text is null
                   or search_text(name, profile_name, whatsapp_number) like search_pattern($3))
              and ($4::timestamptz is null or created_at >= $4)
              and ($5::text is null
                   or ($5 = 'pagina' and metadata->>'source' = 'perfil')
                   or ($5 = 'anuncio' and metadata->>'source' in ('ad', 'post'))
                   or ($5 = 'direto' and metadata->>'source' is null))
              and ($6::jsonb = '{}'::jsonb or respostas @> $6)
              and ($10::smallint is null or (scored_at is not null and score between $10 and $11))
              and ($12::smallint is null
                   or (score, last_interaction_at, id) < ($12, $7::timestamptz, $8::uuid))
            order by score desc, last_interaction_at desc, id desc
            limit $9"#,
        consultant,
        f.status,
        f.pattern,
        f.since as _,
        f.source,
        f.answers,
        after.map(|c| c.at) as _,
        after.map(|c| c.id),
        limit,
        f.score_min,
        f.score_max,
        after.map(|c| c.score)
    )
    .fetch_all(db)
    .await
}

/// The consultant's leads among `ids` (a selection in the list view), newest first.
pub async fn by_ids(t: &mut TenantTx, ids: &[Uuid]) -> Result<Vec<LeadRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        LeadRow,
        r#"select id, name, profile_name, whatsapp_number, status, respostas,
                  metadata->>'source' as source, metadata->>'campaign' as campaign,
                  metadata->>'source_url' as source_url,
                  last_interaction_at as "last_interaction_at: DateTime<Utc>",
                  created_at as "created_at: DateTime<Utc>",
                  coalesce(last_inbound_at > coalesce(seen_at, '-infinity'), false) as "unread!",
                  opted_out_at is not null as "opted_out!",
                  deal_value_cents, score, scored_at is not null as "scored!"
             from leads
            where consultant_id = $1 and id = any($2)
            order by created_at desc, id desc"#,
        consultant,
        ids
    )
    .fetch_all(db)
    .await
}

/// How many leads match `f` in each status (over the whole filtered set, not a page).
pub async fn counts(t: &mut TenantTx, f: &FilterParams) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let (db, consultant) = t.split();
    let rows = sqlx::query!(
        r#"select status, count(*) as "n!"
             from leads
            where consultant_id = $1
              and ($2::text is null or status = $2)
              and ($3::text is null
                   or search_text(name, profile_name, whatsapp_number) like search_pattern($3))
              and ($4::timestamptz is null or created_at >= $4)
              and ($5::text is null
                   or ($5 = 'pagina' and metadata->>'source' = 'perfil')
                   or ($5 = 'anuncio' and metadata->>'source' in ('ad', 'post'))
                   or ($5 = 'direto' and metadata->>'source' is null))
              and ($6::jsonb = '{}'::jsonb or respostas @> $6)
              and ($7::smallint is null or (scored_at is not null and score between $7 and $8))
            group by status"#,
        consultant,
        f.status,
        f.pattern,
        f.since as _,
        f.source,
        f.answers,
        f.score_min,
        f.score_max
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.n)).collect())
}

/// The consultant's current flow (their live flow, else their vertical's template): what a
/// new conversation runs, and what labels the answers of leads that have none yet.
pub async fn current_flow(
    t: &mut TenantTx,
) -> Result<Option<(Uuid, serde_json::Value)>, sqlx::Error> {
    let (db, consultant) = t.split();
    super::shared_reads::live_flow(db, consultant).await
}

/// One lead as its page shows it: the row the board shows, and its metadata.
#[derive(Debug)]
pub struct LeadWithMetadata {
    pub row: LeadRow,
    pub metadata: serde_json::Value,
}

pub async fn find(t: &mut TenantTx, id: Uuid) -> Result<Option<LeadWithMetadata>, sqlx::Error> {
    let (db, consultant) = t.split();
    let found = sqlx::query!(
        r#"select id, name, profile_name, whatsapp_number, status, respostas, metadata,
                  metadata->>'source' as source, metadata->>'campaign' as campaign,
                  metadata->>'source_url' as source_url,
                  last_interaction_at as "last_interaction_at: DateTime<Utc>",
                  created_at as "created_at: DateTime<Utc>",
                  coalesce(last_inbound_at > coalesce(seen_at, '-infinity'), false) as "unread!",
                  opted_out_at is not null as "opted_out!",
                  deal_value_cents, score, scored_at is not null as "scored!"
             from leads where id = $1 and consultant_id = $2"#,
        id,
        consultant
    )
    .fetch_optional(db)
    .await?;
    Ok(found.map(|r| LeadWithMetadata {
        metadata: r.metadata,
        row: LeadRow {
            id: r.id,
            name: r.name,
            profile_name: r.profile_name,
            whatsapp_number: r.whatsapp_number,
            status: r.status,
            respostas: r.respostas,
            source: r.source,
            campaign: r.campaign,
            source_url: r.source_url,
            last_interaction_at: r.last_interaction_at,
            created_at: r.created_at,
            unread: r.unread,
            opted_out: r.opted_out,
            deal_value_cents: r.deal_value_cents,
            score: r.score,
            scored: r.scored,
        },
    }))
}

/// The consultant opened the lead: what it wrote so far is no longer unread.
pub async fn mark_seen(t: &mut TenantTx, id: Uuid) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update leads set seen_at = now()
          where id = $1 and consultant_id = $2
            and last_inbound_at is not null and (seen_at is null or seen_at < last_inbound_at)",
        id,
        consultant
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Something happened with the lead (a reply, a note): it goes to the top of its column.
pub async fn touch(t: &mut TenantTx, id: Uuid) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update leads set last_interaction_at = now() where id = $1 and consultant_id = $2",
        id,
        consultant
    )
    .execute(db)
    .await?;
    Ok(())
}

/// When the lead opted out (SAIR…), if they did and have not written VOLTAR since.
pub async fn opted_out_at(
    t: &mut TenantTx,
    lead: Uuid,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_scalar!(
        r#"select opted_out_at as "at: chrono::DateTime<chrono::Utc>"
             from leads where id = $1 and consultant_id = $2"#,
        lead,
        consultant
    )
    .fetch_optional(db)
    .await
    .map(Option::flatten)
}
