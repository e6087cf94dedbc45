//! Private notes on a lead: the consultant's own memory, never sent to WhatsApp.

use crate::server::db::TenantTx;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug)]
pub struct NoteRow {
    pub id: Uuid,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// The notes written in `[from, before)` (open ends: no bound), oldest first: the ones that
/// belong beside one page of the conversation.
pub async fn between(
    t: &mut TenantTx,
    lead: Uuid,
    from: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
) -> Result<Vec<NoteRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        NoteRow,
        r#"select id, body, created_at as "created_at: DateTime<Utc>"
             from lead_notes
            where lead_id = $1 and consultant_id = $2
              and ($3::timestamptz is null or created_at >= $3)
              and ($4::timestamptz is null or created_at < $4)
            order by created_at
            limit 500"#,
        lead,
        consultant,
        from as _,
        before as _
    )
    .fetch_all(db)
    .await
}

pub async fn add(
    t: &mut TenantTx,
    lead: Uuid,
    body: &str,
    form_token: Option<Uuid>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let (db, consultant) = t.split();
    // `None`: this form's token was used already (the same post again).
    sqlx::query_scalar!(
        "insert into lead_notes (consultant_id, lead_id, body, form_token) values ($1, $2, $3, $4)
         on conflict (consultant_id, form_token) where form_token is not null do nothing
         returning id",
        consultant,
        lead,
        body,
        form_token
    )
    .fetch_optional(db)
    .await
}
