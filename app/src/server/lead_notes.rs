//! Private notes on a lead: the consultant's own memory, never sent to WhatsApp.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug)]
pub struct NoteRow {
    pub id: Uuid,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn list(
    db: &mut PgConnection,
    consultant: Uuid,
    lead: Uuid,
) -> Result<Vec<NoteRow>, sqlx::Error> {
    sqlx::query_as!(
        NoteRow,
        r#"select id, body, created_at as "created_at: DateTime<Utc>"
             from lead_notes where lead_id = $1 and consultant_id = $2
            order by created_at desc limit 200"#,
        lead,
        consultant
    )
    .fetch_all(db)
    .await
}

pub async fn add(
    db: &mut PgConnection,
    consultant: Uuid,
    lead: Uuid,
    body: &str,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        "insert into lead_notes (consultant_id, lead_id, body) values ($1, $2, $3) returning id",
        consultant,
        lead,
        body
    )
    .fetch_one(db)
    .await
}
