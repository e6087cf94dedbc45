//! The conversations repository: for the lead page, the lead's current conversation, the
//! WhatsApp window, and taking the conversation over from the bot or handing it back; for the
//! webhook worker (system path, at the end), opening, locking and advancing a conversation.

use crate::domain::flow::ConversationState;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug)]
pub struct ConversationRow {
    pub id: Uuid,
    pub handed_off_at: Option<DateTime<Utc>>,
    pub is_completed: bool,
    /// The definition of the flow it runs (labels the answers).
    pub definition: serde_json::Value,
}

/// The lead's current conversation: the open one, else the latest.
pub async fn current(
    db: &mut PgConnection,
    consultant: Uuid,
    lead: Uuid,
) -> Result<Option<ConversationRow>, sqlx::Error> {
    sqlx::query_as!(
        ConversationRow,
        r#"select c.id, c.handed_off_at as "handed_off_at: DateTime<Utc>",
                  coalesce(c.is_completed, false) as "is_completed!",
                  coalesce(v.definition, f.definition) as "definition!"
             from conversations c join flows f on f.id = c.flow_id
             left join flow_versions v on v.flow_id = c.flow_id and v.version = c.flow_version
            where c.lead_id = $1 and c.consultant_id = $2
            order by c.is_completed, c.started_at desc
            limit 1"#,
        lead,
        consultant
    )
    .fetch_optional(db)
    .await
}

/// When the lead last wrote: WhatsApp's 24-hour customer-service window counts from here.
pub async fn last_inbound_at(
    db: &mut PgConnection,
    consultant: Uuid,
    lead: Uuid,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select max(m.created_at) as "at: DateTime<Utc>"
             from messages m
            where m.consultant_id = $1 and m.direction = 'inbound'
              and m.conversation_id in (select id from conversations where lead_id = $2 and consultant_id = $1)"#,
        consultant,
        lead
    )
    .fetch_one(db)
    .await
}

/// The consultant takes the conversation: the bot stops answering this lead.
pub async fn take_over(
    db: &mut PgConnection,
    consultant: Uuid,
    id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update conversations
              set handed_off_at = coalesce(handed_off_at, now()),
                  state = coalesce(state, '{}') || '{"handed_off": true}'
            where id = $1 and consultant_id = $2"#,
        id,
        consultant
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The bot answers this lead again (from where the flow stood, with a fresh count of wrong
/// answers). `false` when the bot was not stopped.
pub async fn hand_back(
    db: &mut PgConnection,
    consultant: Uuid,
    lead: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"update conversations
              set handed_off_at = null,
                  state = coalesce(state, '{}') || '{"handed_off": false, "wrong_answers": 0}'
            where lead_id = $1 and consultant_id = $2
              and (handed_off_at is not null or coalesce((state->>'handed_off')::boolean, false))"#,
        lead,
        consultant
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

// System path: the webhook worker (see `leads::upsert_from_whatsapp`).

/// The lead's conversation (the open one, else the latest), locked so that one lead's
/// messages, and a consultant's reply, are handled one at a time. Inside a tenant
/// transaction row-level security limits it to that consultant's leads.
pub async fn latest_for_update(
    db: &mut PgConnection,
    lead: Uuid,
) -> Result<Option<(Uuid, Uuid, ConversationState)>, sqlx::Error> {
    let row = sqlx::query!(
        "select id, flow_id, state from conversations
          where lead_id = $1
          order by is_completed, started_at desc
          limit 1
          for update",
        lead
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let state = r
            .state
            .and_then(|s| serde_json::from_value(s).ok())
            .unwrap_or_default();
        (r.id, r.flow_id, state)
    }))
}

/// Opens a conversation for the lead on `flow` (nothing when one is already open).
pub async fn start(
    db: &mut PgConnection,
    consultant: Uuid,
    lead: Uuid,
    flow: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into conversations (consultant_id, lead_id, flow_id, flow_version, state)
         values ($1, $2, $3, (select version from flows where id = $3), '{}')
             on conflict (lead_id) where is_completed = false do nothing",
        consultant,
        lead,
        flow
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The flow definition a conversation runs: the version it started with (publishing a new
/// one changes nothing for it), or, for a conversation from before versions or whose version
/// is gone, the flow's current one.
pub async fn flow_definition(
    db: &mut PgConnection,
    conversation: Uuid,
) -> Result<serde_json::Value, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select coalesce(v.definition, f.definition) as "definition!"
             from conversations c join flows f on f.id = c.flow_id
             left join flow_versions v on v.flow_id = c.flow_id and v.version = c.flow_version
            where c.id = $1"#,
        conversation
    )
    .fetch_one(db)
    .await
}

pub async fn mark_completed(db: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update conversations set is_completed = true, completed_at = now() where id = $1",
        id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The bot stops (the flow handed the lead to the consultant).
pub async fn mark_handed_off(db: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update conversations set handed_off_at = now() where id = $1",
        id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Saves the flow's state after the lead's message.
pub async fn save_state(
    db: &mut PgConnection,
    id: Uuid,
    state: &ConversationState,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update conversations
            set state = $2, current_step = $3, last_inbound_at = now()
          where id = $1",
        id,
        serde_json::to_value(state).map_err(|e| sqlx::Error::Encode(Box::new(e)))?,
        state.current_step.as_deref()
    )
    .execute(db)
    .await?;
    Ok(())
}
