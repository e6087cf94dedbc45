//! The messages repository: for the lead page, the history (newest first, keyset pages
//! backwards) and the consultant's replies; for the webhook worker (system path, at the end),
//! the exactly-once inbound gate, the bot's queued replies and delivery statuses.

use crate::domain::ai::AnswerContext;
use crate::domain::flow::Outgoing;
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
    /// A file the lead sent: its kind, and whether it is here, or why not.
    pub media_kind: Option<String>,
    pub media_stored: Option<bool>,
    pub media_error: Option<String>,
    /// Older than two years: moved to `messages_archive` by the retention job.
    pub archived: bool,
}

/// The lead's messages before `before` (all conversations, archived ones too), newest first.
/// Each table gives at most `limit` rows by its own index before the two are merged.
pub async fn page(
    db: &mut PgConnection,
    consultant: Uuid,
    lead: Uuid,
    before: Option<Cursor>,
    limit: i64,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    sqlx::query_as!(
        MessageRow,
        r#"select id as "id!", direction as "direction!", content as "content!",
                  message_type as "message_type!", payload, status as "status!", error_message,
                  created_at as "created_at!: DateTime<Utc>", writing as "writing!",
                  by_consultant as "by_consultant!", ai_passed as "ai_passed?",
                  ai_flags as "ai_flags?", media_kind as "media_kind?",
                  media_stored as "media_stored?", media_error as "media_error?",
                  archived as "archived!"
             from ((select m.id, m.direction, m.content, coalesce(m.message_type, 'text') as message_type,
                           m.payload, coalesce(m.status, 'sent') as status, m.error_message,
                           m.created_at,
                           (m.ai_context is not null and m.status = 'pending') as writing,
                           coalesce(m.payload->>'by' = 'consultant', false) as by_consultant,
                           a.compliance_check_passed as ai_passed, a.compliance_flags as ai_flags,
                           mm.kind as media_kind, (mm.bytes is not null) as media_stored,
                           mm.fetch_error as media_error, false as archived
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
                           a.compliance_check_passed, a.compliance_flags,
                           null::varchar, null::boolean, null::text, true
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
    db: &mut PgConnection,
    consultant: Uuid,
    conversation: Uuid,
    body: &str,
    form_token: Option<Uuid>,
) -> Result<Option<Uuid>, sqlx::Error> {
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

// System path: the webhook worker (see `leads::upsert_from_whatsapp`).

/// The exactly-once gate: a WhatsApp message id is stored once, whoever delivers it and
/// however often. Returns the new row, or `None` when it was already there.
pub async fn insert_inbound_once(
    db: &mut PgConnection,
    consultant: Uuid,
    conversation: Uuid,
    content: &str,
    message_type: &str,
    wa_message_id: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "insert into messages (consultant_id, conversation_id, direction, content, message_type,
                               whatsapp_message_id, status)
         values ($1, $2, 'inbound', $3, $4, $5, 'delivered')
         on conflict (whatsapp_message_id) where whatsapp_message_id is not null do nothing
         returning id",
        consultant,
        conversation,
        content,
        message_type,
        wa_message_id
    )
    .fetch_optional(db)
    .await
}

/// What WhatsApp said of a file a lead sent.
pub struct InboundMedia<'a> {
    pub kind: &'a str,
    pub media_id: &'a str,
    pub mime_type: Option<&'a str>,
    pub caption: Option<&'a str>,
    pub filename: Option<&'a str>,
}

/// Keeps a file's details with its message (the file itself is fetched later, outside the
/// event's transaction: `jobs::media`).
pub async fn record_media(
    db: &mut PgConnection,
    consultant: Uuid,
    message: Uuid,
    media: &InboundMedia<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into message_media (message_id, consultant_id, media_id, kind, mime_type, caption, filename)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (message_id) do nothing",
        message,
        consultant,
        media.media_id,
        media.kind,
        media.mime_type,
        media.caption,
        media.filename
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Replies are written (pending) in the same transaction as the inbound message they answer,
/// one row per position: they exist exactly when that message does. Each is stamped with the
/// clock, not the transaction's start (`now()`, which the inbound message has): the history
/// then shows the question after the message it answers. An AI answer comes last,
/// as a row whose text is written after this transaction (jobs/answers.rs).
pub async fn queue_bot_replies(
    db: &mut PgConnection,
    consultant: Uuid,
    conversation: Uuid,
    inbound: Uuid,
    replies: &[Outgoing],
    ai_answer: Option<&AnswerContext>,
) -> Result<(), sqlx::Error> {
    let json = |v: Result<serde_json::Value, serde_json::Error>| {
        v.map_err(|e| sqlx::Error::Encode(Box::new(e)))
    };
    let mut rows = Vec::with_capacity(replies.len() + 1);
    for out in replies {
        let message_type = match out {
            Outgoing::Text { .. } => "text",
            Outgoing::Buttons { .. } => "button",
            Outgoing::List { .. } => "list",
            Outgoing::Image { .. } => "image",
        };
        rows.push((
            out.as_text(),
            message_type,
            Some(json(serde_json::to_value(out))?),
            None,
        ));
    }
    if let Some(ctx) = ai_answer {
        rows.push((
            String::new(),
            "text",
            None,
            Some(json(serde_json::to_value(ctx))?),
        ));
    }
    for (seq, (content, message_type, payload, ai_context)) in rows.into_iter().enumerate() {
        sqlx::query!(
            "insert into messages (consultant_id, conversation_id, direction, content, message_type,
                                   status, reply_to, reply_seq, payload, ai_context, created_at)
             values ($1, $2, 'outbound', $3, $4, 'pending', $5, $6, $7, $8, clock_timestamp())
             on conflict (reply_to, reply_seq) where reply_to is not null do nothing",
            consultant,
            conversation,
            content,
            message_type,
            inbound,
            seq as i16,
            payload,
            ai_context
        )
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

/// A delivery status from WhatsApp. Statuses arrive out of order and more than once; a
/// message's status only moves forward (read stays read), and `failed` only replaces a
/// status that was not yet delivered. Unknown statuses (e.g. "deleted") record nothing.
pub async fn apply_status(
    db: &mut PgConnection,
    wa_message_id: &str,
    status: &str,
    error: Option<&str>,
) -> Result<Option<Uuid>, sqlx::Error> {
    if !["sent", "delivered", "read", "failed"].contains(&status) {
        return Ok(None);
    }
    // The message's consultant, whether or not the status moved it (a repeated or late
    // status changes nothing but still belongs to them: see `webhook_events.consultant_ids`).
    let owner = sqlx::query_scalar!(
        r#"with found as (
               select id, consultant_id from messages
                where whatsapp_message_id = $1 and direction = 'outbound'
           ), changed as (
               update messages m
                  set status = $2,
                      error_message = case when $2 = 'failed' then $3 else m.error_message end
                 from found f
                where m.id = f.id
                  and case
                        when $2 = 'failed' then m.status in ('pending', 'sent')
                        else m.status <> 'failed'
                             and array_position(array['pending','sent','delivered','read'], m.status::text)
                               < array_position(array['pending','sent','delivered','read'], $2::text)
                      end
           )
           select consultant_id as "consultant_id!" from found"#,
        wa_message_id,
        status,
        error
    )
    .fetch_optional(&mut *db)
    .await?;
    if owner.is_none() {
        // No message has this id yet: Meta's answer to the send may still be on its way to
        // the sender, which applies what waits here when it records the id.
        sqlx::query!(
            "insert into early_statuses (wa_message_id, status, error)
             select $1::varchar, $2::varchar, $3::text
              where not exists (select 1 from messages where whatsapp_message_id = $1::varchar)
             on conflict do nothing",
            wa_message_id,
            status,
            error
        )
        .execute(db)
        .await?;
    }
    Ok(owner)
}
