//! What a lead's, or a month's, WhatsApp messages cost (estimates: see
//! `domain::pricing`). Counted: the outbound messages WhatsApp took (sent, delivered, read),
//! not those sent from the consultant's phone app (not billed to the API). A message's
//! category is Meta's word from its status webhook when it came, else the one it was queued
//! with: its template's, or service for a reply.

use crate::server::db::TenantTx;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Messages of one category: (category, billable, count).
pub type Counts = Vec<(String, bool, i64)>;

pub async fn for_lead(t: &mut TenantTx, lead: Uuid) -> Result<Counts, sqlx::Error> {
    let (db, consultant) = t.split();
    let rows = sqlx::query!(
        r#"select coalesce(m.billing_category,
                           case when m.message_type = 'template' then 'marketing' else 'service' end)
                      as "category!",
                  coalesce(m.billable, m.message_type = 'template') as "billable!",
                  count(*) as "n!"
             from messages m
            where m.consultant_id = $1 and m.direction = 'outbound'
              and m.conversation_id in (select id from conversations where lead_id = $2 and consultant_id = $1)
              and m.status in ('sent', 'delivered', 'read')
              and coalesce(m.payload->>'by', '') <> 'phone'
            group by 1, 2"#,
        consultant,
        lead
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.category, r.billable, r.n))
        .collect())
}

/// The consultant's messages since `from` (the month's start).
pub async fn since(t: &mut TenantTx, from: DateTime<Utc>) -> Result<Counts, sqlx::Error> {
    let (db, consultant) = t.split();
    let rows = sqlx::query!(
        r#"select coalesce(m.billing_category,
                           case when m.message_type = 'template' then 'marketing' else 'service' end)
                      as "category!",
                  coalesce(m.billable, m.message_type = 'template') as "billable!",
                  count(*) as "n!"
             from messages m
            where m.consultant_id = $1 and m.direction = 'outbound'
              and m.created_at >= $2
              and m.status in ('sent', 'delivered', 'read')
              and coalesce(m.payload->>'by', '') <> 'phone'
            group by 1, 2"#,
        consultant,
        from as _
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.category, r.billable, r.n))
        .collect())
}
