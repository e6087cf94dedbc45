//! The conversations repository: for the lead page, the lead's current conversation, the
//! WhatsApp window, taking the conversation over from the bot or handing it back, and locking
//! it for a reply. What the intake does with conversations is in `consultor::intake`.

use crate::domain::flow::ConversationState;
use crate::server::db::TenantTx;
use chrono::{DateTime, Utc};
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
pub async fn current(t: &mut TenantTx, lead: Uuid) -> Result<Option<ConversationRow>, sqlx::Error> {
    let (db, consultant) = t.split();
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
    t: &mut TenantTx,
    lead: Uuid,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let (db, consultant) = t.split();
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
pub async fn take_over(t: &mut TenantTx, id: Uuid) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
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
pub async fn hand_back(t: &mut TenantTx, lead: Uuid) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
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

/// The lead's conversation (the open one, else the latest), locked so that a consultant's
/// reply and the lead's messages are handled one at a time (the intake takes the same lock).
pub async fn latest_for_update(
    t: &mut TenantTx,
    lead: Uuid,
) -> Result<Option<(Uuid, Uuid, ConversationState)>, sqlx::Error> {
    super::shared_reads::latest_conversation_for_update(t, lead).await
}

/// A conversation for a lead who never wrote on WhatsApp (one who left a number on the public
/// page), opened by the consultant's template: on the consultant's live flow, already taken
/// over (the consultant started it; the bot stays quiet when the lead answers). Returns the
/// lead's open conversation, this one or one that appeared meanwhile; `None` without a flow.
pub async fn open_for_outreach(t: &mut TenantTx, lead: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    let Some((flow, _)) = super::leads::current_flow(t).await? else {
        return Ok(None);
    };
    let (db, consultant) = t.split();
    insert_outreach(db, consultant, lead, flow).await?;
    Ok(latest_for_update(t, lead).await?.map(|(id, _, _)| id))
}

/// The insert of [`open_for_outreach`], on whichever connection the caller holds: the lead
/// page's tenant transaction, or the scheduler's system one (a message scheduled for a lead
/// who never wrote). Nothing when the lead has an open conversation.
pub async fn insert_outreach(
    db: &mut sqlx::PgConnection,
    consultant: Uuid,
    lead: Uuid,
    flow: Uuid,
) -> Result<(), sqlx::Error> {
    // The whole state, as the engine reads it (a partial one would read as a fresh start).
    let state = serde_json::to_value(ConversationState {
        handed_off: true,
        ..ConversationState::default()
    })
    .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query!(
        r#"insert into conversations (consultant_id, lead_id, flow_id, flow_version, state,
                                      handed_off_at)
           values ($1, $2, $3, (select version from flows where id = $3), $4, now())
           on conflict (lead_id) where is_completed = false do nothing"#,
        consultant,
        lead,
        flow,
        state
    )
    .execute(db)
    .await?;
    Ok(())
}
