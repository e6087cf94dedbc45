//! What the intake writes of messages: the exactly-once inbound gate, a file's details, the
//! bot's queued replies and delivery statuses.

use app::domain::ai::AnswerContext;
use app::domain::flow::Outgoing;
use app::server::db::SystemTx;

use sqlx::PgConnection;
use uuid::Uuid;

/// The exactly-once gate: a WhatsApp message id is stored once, whoever delivers it and
/// however often. Returns the new row, or `None` when it was already there.
pub async fn insert_inbound_once(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    conversation: Uuid,
    content: &str,
    message_type: &str,
    wa_message_id: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    let db: &mut PgConnection = sys;
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
/// event's transaction: `jobs::media`). An audio is to be transcribed (`jobs::voice`).
pub async fn record_media(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    message: Uuid,
    media: &InboundMedia<'_>,
) -> Result<(), sqlx::Error> {
    let db: &mut PgConnection = sys;
    sqlx::query!(
        "insert into message_media (message_id, consultant_id, media_id, kind, mime_type, caption,
                                    filename, transcript_status)
         values ($1, $2, $3, $4, $5, $6, $7, case when $4::varchar = 'audio' then 'pendente' end)
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
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    conversation: Uuid,
    inbound: Uuid,
    replies: &[Outgoing],
    ai_answer: Option<&AnswerContext>,
) -> Result<(), sqlx::Error> {
    let db: &mut PgConnection = sys;
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
            Outgoing::File { .. } => "document",
            Outgoing::Template { .. } => "template",
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
    sys: &mut SystemTx<'_>,
    wa_message_id: &str,
    status: &str,
    error: Option<&str>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let db: &mut PgConnection = sys;
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

/// Meta's word on how a sent message is billed (its status webhook's `pricing`), which
/// replaces the category it was queued with.
pub async fn apply_pricing(
    sys: &mut SystemTx<'_>,
    wa_message_id: &str,
    category: &str,
    billable: bool,
) -> Result<(), sqlx::Error> {
    let db: &mut PgConnection = sys;
    sqlx::query!(
        "update messages set billing_category = $2, billable = $3
          where whatsapp_message_id = $1 and direction = 'outbound'
            and (billing_category is distinct from $2 or billable is distinct from $3)",
        wa_message_id,
        category,
        billable
    )
    .execute(db)
    .await?;
    Ok(())
}
