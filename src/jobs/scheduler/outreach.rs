//! A lead who never wrote (a number left on the public page, say) has no conversation; a
//! message scheduled for them, or a follow-up, opens one, as a template sent from the lead
//! page does (`app::server::conversations::open_for_outreach`): on the consultant's live
//! flow, taken over by the consultant, so the bot does not start the flow on the lead's first
//! answer.

use app::domain::flow::ConversationState;
use sqlx::PgConnection;
use uuid::Uuid;

/// The lead's latest conversation, or a new one (`None`: the consultant has no live flow).
pub(super) async fn conversation_for(
    db: &mut PgConnection,
    consultant: Uuid,
    lead: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    let latest = sqlx::query_scalar!(
        "select id from conversations where lead_id = $1
          order by started_at desc nulls last limit 1",
        lead
    )
    .fetch_optional(&mut *db)
    .await?;
    if latest.is_some() {
        return Ok(latest);
    }
    let Some((flow, _)) = app::server::shared_reads::live_flow(&mut *db, consultant).await? else {
        return Ok(None);
    };
    let state = serde_json::to_value(ConversationState {
        handed_off: true,
        ..ConversationState::default()
    })
    .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query!(
        "insert into conversations (consultant_id, lead_id, flow_id, flow_version, state, handed_off_at)
         values ($1, $2, $3, (select version from flows where id = $3), $4, now())
         on conflict (lead_id) where is_completed = false do nothing",
        consultant,
        lead,
        flow,
        state
    )
    .execute(&mut *db)
    .await?;
    sqlx::query_scalar!(
        "select id from conversations where lead_id = $1
          order by started_at desc nulls last limit 1",
        lead
    )
    .fetch_optional(db)
    .await
}
