//! The messages repository: for the lead page, the history (newest first, keyset pages
//! backwards), the consultant's replies and the page's change fingerprint. What the intake
//! writes of messages is in `consultor::intake`.

use crate::domain::cursor::Cursor;
use crate::server::db::TenantTx;
use chrono::{DateTime, Utc};
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
    /// Sent by the consultant from the WhatsApp Business app on the phone (coexistence).
    pub by_phone: bool,
    pub ai_passed: Option<bool>,
    pub ai_flags: Option<serde_json::Value>,
    /// A file the lead sent: its kind, and whether it is here, or why not.
    pub media_kind: Option<String>,
    pub media_stored: Option<bool>,
    pub media_error: Option<String>,
    /// An audio's transcription: 'pendente', 'transcrito' (the text is the transcript) or
    /// 'falhou' (why in `transcript_error`).
    pub transcript_status: Option<String>,
    pub transcript_error: Option<String>,
    /// Older than two years: moved to `messages_archive` by the retention job.
    pub archived: bool,
}

/// The lead's messages before `before` (all conversations, archived ones too), newest first.
/// Each table gives at most `limit` rows by its own index before the two are merged.
pub async fn page(
    t: &mut TenantTx,
    lead: Uuid,
    before: Option<Cursor>,
    limit: i64,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        MessageRow,
        r#"select id as "id!", direction as "direction!", content as "content!",
                  message_type as "message_type!", payload, status as "status!", error_message,
                  created_at as "created_at!: DateTime<Utc>", writing as "writing!",
                  by_consultant as "by_consultant!", by_phone as "by_phone!", ai_passed as "ai_passed?",
                  ai_flags as "ai_flags?", media_kind as "media_kind?",
                  media_stored as "media_stored?", media_error as "media_error?",
                  transcript_status as "transcript_status?", transcript_error as "transcript_error?",
                  archived as "archived!"
             from ((select m.id, m.direction, m.content, coalesce(m.message_type, 'text') as message_type,
                           m.payload, coalesce(m.status, 'sent') as status, m.error_message,
                           m.created_at,
                           (m.ai_context is not null and m.status = 'pending') as writing,
                           coalesce(m.payload->>'by' = 'consultant', false) as by_consultant,
                           coalesce(m.payload->>'by' = 'phone', false) as by_phone,
                           a.compliance_check_passed as ai_passed, a.compliance_flags as ai_flags,
                           mm.kind as media_kind, (mm.bytes is not null) as media_stored,
                           mm.fetch_error as media_error, mm.transcript_status,
                           mm.transcript_error, false as archived
                      from messages m
                      left join ai_responses a on a.id = m.ai_response_id
                      left join message_media mm on mm.message_id = m.id
                     where m.consultant_id = $1
                       and m.conversation_id in (select id from conversations where lead_id = $2 and consultant_id = $1)
                       and ($3::timestamptz is null or (m.created_at, m.id) < ($3, $4::uuid))
                     order by m.created_at desc, m.id desc
                     limit $5)
                   union all
                   (select x.id, x.direction, x.content, coalesce(x.message_type, 'text'),
                           x.payload, coalesce(x.status, 'sent'), x.error_message, x.created_at,
                           false, coalesce(x.payload->>'by' = 'consultant', false),
                           coalesce(x.payload->>'by' = 'phone', false),
                           a.compliance_check_passed, a.compliance_flags,
                           null::varchar, null::boolean, null::text, null::varchar, null::text, true
                      from messages_archive x
                      left join ai_responses a on a.id = x.ai_response_id
                     where x.consultant_id = $1
                       and x.conversation_id in (select id from conversations where lead_id = $2 and consultant_id = $1)
                       and ($3::timestamptz is null or (x.created_at, x.id) < ($3, $4::uuid))
                     order by x.created_at desc, x.id desc
                     limit $5)) both_tables
            order by created_at desc, id desc
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
    t: &mut TenantTx,
    conversation: Uuid,
    body: &str,
    form_token: Option<Uuid>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let (db, consultant) = t.split();
    // The payload is what the sender sends; `by` marks the consultant's own words.
    let payload = serde_json::json!({ "kind": "text", "body": body, "by": "consultant" });
    // `None`: this form's token was used already (the same post again): nothing new to send.
    sqlx::query_scalar!(
        "insert into messages (consultant_id, conversation_id, direction, content, message_type,
                               status, payload, form_token)
         values ($1, $2, 'outbound', $3, 'text', 'pending', $4, $5)
         on conflict (consultant_id, form_token) where form_token is not null do nothing
         returning id",
        consultant,
        conversation,
        body,
        payload,
        form_token
    )
    .fetch_optional(db)
    .await
}

/// Queues one of the consultant's files (`Outgoing::File`) for the sender, as
/// [`queue_reply`] does a text: `None` when this form's token was used already.
pub async fn queue_file(
    t: &mut TenantTx,
    conversation: Uuid,
    file: &crate::domain::flow::Outgoing,
    form_token: Option<Uuid>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let (db, consultant) = t.split();
    let mut payload = serde_json::to_value(file).unwrap_or_default();
    payload["by"] = serde_json::json!("consultant");
    let message_type = match file {
        crate::domain::flow::Outgoing::File { media, .. } if media == "image" => "image",
        _ => "document",
    };
    sqlx::query_scalar!(
        "insert into messages (consultant_id, conversation_id, direction, content, message_type,
                               status, payload, form_token)
         values ($1, $2, 'outbound', $3, $4, 'pending', $5, $6)
         on conflict (consultant_id, form_token) where form_token is not null do nothing
         returning id",
        consultant,
        conversation,
        file.as_text(),
        message_type,
        payload,
        form_token
    )
    .fetch_optional(db)
    .await
}

/// A cheap fingerprint of what the lead page shows, for the page's poll: it changes when a
/// message arrives, a status moves (sent → delivered), an AI answer is written or the lead
/// changes.
pub async fn fingerprint(t: &mut TenantTx, lead: Uuid) -> Result<String, sqlx::Error> {
    let (db, consultant) = t.split();
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

/// Queues an approved template the consultant fills and sends from the lead page (outside
/// the 24-hour window), as [`queue_reply`] does a text: `None` when this form was sent already.
pub async fn queue_template(
    t: &mut TenantTx,
    conversation: Uuid,
    message: &crate::domain::flow::Outgoing,
    category: crate::domain::template::Category,
    form_token: Option<Uuid>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let (db, consultant) = t.split();
    let mut payload =
        serde_json::to_value(message).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    payload["by"] = serde_json::json!("consultant");
    sqlx::query_scalar!(
        "insert into messages (consultant_id, conversation_id, direction, content, message_type,
                               status, payload, form_token, billing_category, billable)
         values ($1, $2, 'outbound', $3, 'template', 'pending', $4, $5, $6, true)
         on conflict (consultant_id, form_token) where form_token is not null do nothing
         returning id",
        consultant,
        conversation,
        message.as_text(),
        payload,
        form_token,
        category.as_str()
    )
    .fetch_optional(db)
    .await
}
