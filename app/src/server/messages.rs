//! The messages repository, for the lead page: the history (newest first, keyset pages
//! backwards) and the consultant's replies.

use crate::domain::lead_filter::Cursor;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug)]
pub struct MessageRow {
    pub id: Uuid,
    pub direction: String,
    pub content: String,
    pub message_type: String,
    pub payload: Option<serde_json::Value>,
    pub status: String,
    pub error_message: Option<String>,
    pub created_at: DateTime<Utc>,
    /// An AI answer queued and not yet written.
    pub writing: bool,
    /// Sent by the consultant from the lead page (not by the bot).
    pub by_consultant: bool,
    pub ai_passed: Option<bool>,
    pub ai_flags: Option<serde_json::Value>,
}

/// The lead's messages before `before` (all conversations), newest first.
pub async fn page(
    db: &mut PgConnection,
    consultant: Uuid,
    lead: Uuid,
    before: Option<Cursor>,
    limit: i64,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    sqlx::query_as!(
        MessageRow,
        r#"select m.id, m.direction, m.content, coalesce(m.message_type, 'text') as "message_type!",
                  m.payload, coalesce(m.status, 'sent') as "status!", m.error_message,
                  m.created_at as "created_at!: DateTime<Utc>",
                  (m.ai_context is not null and m.status = 'pending') as "writing!",
                  coalesce(m.payload->>'by' = 'consultant', false) as "by_consultant!",
                  a.compliance_check_passed as "ai_passed?", a.compliance_flags as "ai_flags?"
             from messages m
             left join ai_responses a on a.id = m.ai_response_id
            where m.consultant_id = $1
              and m.conversation_id in (select id from conversations where lead_id = $2 and consultant_id = $1)
              and ($3::timestamptz is null or (m.created_at, m.id) < ($3, $4::uuid))
            order by m.created_at desc, m.id desc
            limit $5"#,
        consultant,
        lead,
        before.map(|c| c.at) as _,
        before.map(|c| c.id),
        limit
    )
    .fetch_all(db)
    .await
}

/// Queues the consultant's reply for the sender (pending), in the conversation given.
pub async fn queue_reply(
    db: &mut PgConnection,
    consultant: Uuid,
    conversation: Uuid,
    body: &str,
) -> Result<Uuid, sqlx::Error> {
    // The payload is what the sender sends; `by` marks the consultant's own words.
    let payload = serde_json::json!({ "kind": "text", "body": body, "by": "consultant" });
    sqlx::query_scalar!(
        "insert into messages (consultant_id, conversation_id, direction, content, message_type, status, payload)
         values ($1, $2, 'outbound', $3, 'text', 'pending', $4)
         returning id",
        consultant,
        conversation,
        body,
        payload
    )
    .fetch_one(db)
    .await
}

/// A cheap fingerprint of what the lead page shows, for the page's poll: it changes when a
/// message arrives, a status moves (sent → delivered), an AI answer is written or the lead
/// changes.
pub async fn fingerprint(
    db: &mut PgConnection,
    consultant: Uuid,
    lead: Uuid,
) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select coalesce(md5(string_agg(id::text || status || (ai_context is null)::text, ',')), '')
                  || (select coalesce(l.updated_at::text, '') from leads l where l.id = $2 and l.consultant_id = $1)
                  as "f!"
             from (select m.id, m.status, m.ai_context from messages m
                    where m.consultant_id = $1
                      and m.conversation_id in (select id from conversations where lead_id = $2 and consultant_id = $1)
                    order by m.created_at desc, m.id desc
                    limit 50) recent"#,
        consultant,
        lead
    )
    .fetch_one(db)
    .await
}
