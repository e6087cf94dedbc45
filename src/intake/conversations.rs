//! What the intake does with conversations: locking the lead's current one, opening one,
//! reading the flow it runs, and advancing it.

use app::domain::flow::ConversationState;
use app::server::db::SystemTx;

use sqlx::PgConnection;
use uuid::Uuid;

/// The lead's conversation (the open one, else the latest), locked so that one lead's
/// messages, and a consultant's reply, are handled one at a time.
pub async fn latest_for_update(
    sys: &mut SystemTx<'_>,
    lead: Uuid,
) -> Result<Option<(Uuid, Uuid, ConversationState)>, sqlx::Error> {
    app::server::shared_reads::latest_conversation_for_update(sys, lead).await
}

/// Opens a conversation for the lead on `flow` (nothing when one is already open).
pub async fn start(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    lead: Uuid,
    flow: Uuid,
) -> Result<(), sqlx::Error> {
    let db: &mut PgConnection = sys;
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
    sys: &mut SystemTx<'_>,
    conversation: Uuid,
) -> Result<serde_json::Value, sqlx::Error> {
    let db: &mut PgConnection = sys;
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

pub async fn mark_completed(sys: &mut SystemTx<'_>, id: Uuid) -> Result<(), sqlx::Error> {
    let db: &mut PgConnection = sys;
    sqlx::query!(
        "update conversations set is_completed = true, completed_at = now() where id = $1",
        id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The bot stops (the flow handed the lead to the consultant).
pub async fn mark_handed_off(sys: &mut SystemTx<'_>, id: Uuid) -> Result<(), sqlx::Error> {
    let db: &mut PgConnection = sys;
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
    sys: &mut SystemTx<'_>,
    id: Uuid,
    state: &ConversationState,
) -> Result<(), sqlx::Error> {
    let db: &mut PgConnection = sys;
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
