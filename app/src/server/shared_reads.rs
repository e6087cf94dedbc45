//! Reads that both doors need, on whichever connection the caller holds: the tenant path
//! (`leads::current_flow`, `conversations::latest_for_update`) wraps them with its
//! `TenantTx`, the intake (`consultor::intake`) with its `SystemTx`. They take the consultant
//! or the lead explicitly and write nothing; under a tenant transaction row-level security
//! still decides what they see.

use crate::domain::flow::ConversationState;
use sqlx::PgConnection;
use uuid::Uuid;

/// The consultant's current flow: their own live flow, else their vertical's live template.
pub async fn live_flow(
    db: &mut PgConnection,
    consultant: Uuid,
) -> Result<Option<(Uuid, serde_json::Value)>, sqlx::Error> {
    // Two index lookups (own live flow by created_by; the vertical's template by the partial
    // template index) instead of one OR, which the planner can only answer with a scan.
    let flow = sqlx::query!(
        r#"select id as "id!", definition as "definition!" from (
               (select f.id, f.definition, 0 as preference from flows f
                 where f.created_by = $1 and not f.is_template and f.is_active
                 order by f.updated_at desc limit 1)
               union all
               (select f.id, f.definition, 1 from flows f join consultants c on c.id = $1
                 where f.is_template and f.vertical = c.vertical and f.is_active
                 order by f.updated_at desc limit 1)
           ) candidates
           order by preference
           limit 1"#,
        consultant
    )
    .fetch_optional(db)
    .await?;
    Ok(flow.map(|f| (f.id, f.definition)))
}

/// The lead's conversation (the open one, else the latest), locked for the rest of the
/// transaction: one lead's messages, and a consultant's reply, are handled one at a time.
pub async fn latest_conversation_for_update(
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
