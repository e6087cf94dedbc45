//! A lead who never wrote (a number left on the public page, say) has no conversation; a
//! message scheduled for them, or a follow-up, opens one, as a template sent from the lead
//! page does (`app::server::conversations::insert_outreach`): on the consultant's live
//! flow, taken over by the consultant, so the bot does not start the flow on the lead's first
//! answer.

use sqlx::PgConnection;
use uuid::Uuid;

/// The lead's latest conversation, or a new one (`None`: the consultant has no live flow).
pub(super) async fn conversation_for(
    db: &mut PgConnection,
    consultant: Uuid,
    lead: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    if let Some(found) = latest(db, lead).await? {
        return Ok(Some(found));
    }
    let Some((flow, _)) = app::server::shared_reads::live_flow(&mut *db, consultant).await? else {
        return Ok(None);
    };
    app::server::conversations::insert_outreach(&mut *db, consultant, lead, flow).await?;
    latest(db, lead).await
}

async fn latest(db: &mut PgConnection, lead: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select id from conversations where lead_id = $1
          order by started_at desc nulls last limit 1",
        lead
    )
    .fetch_optional(db)
    .await
}
