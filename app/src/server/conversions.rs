//! Meta's Conversions API, the consultant's side: queuing a lead's event when it reaches a
//! mapped stage (on whichever door the caller holds: the intake's, when the flow finishes;
//! the tenant's, when the consultant moves the card), what the lead page shows of it, and
//! the settings. Sending is `consultor::jobs::conversions`.

use super::db::TenantTx;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// The events a stage may send, as Meta names them, with their words for the consultant.
pub const EVENTS: [(&str, &str); 4] = [
    ("LeadSubmitted", "Lead enviado (LeadSubmitted)"),
    ("QualifiedLead", "Lead qualificado (QualifiedLead)"),
    ("InitiateCheckout", "Proposta enviada (InitiateCheckout)"),
    ("Purchase", "Compra (Purchase)"),
];

/// What can send an event: (trigger, how Settings names it).
pub const TRIGGERS: [(&str, &str); 4] = [
    ("fluxo_concluido", "O lead termina as perguntas do bot"),
    ("em_contato", "O card vai para “Em contato”"),
    ("agendado", "O card vai para “Agendado”"),
    ("fechado", "O card vai para “Fechado”"),
];

/// Queues the event `trigger` maps to for `lead`, if the lead came from an ad (Meta's click
/// id), has not opted out, the consultant maps that trigger, and the connection has a
/// dataset; once per lead and event. Returns whether one was queued.
pub async fn queue(
    db: &mut PgConnection,
    consultant: Uuid,
    lead: Uuid,
    trigger: &str,
) -> Result<bool, sqlx::Error> {
    let queued = sqlx::query!(
        "insert into conversion_events (consultant_id, lead_id, trigger, event_name, ctwa_clid)
         select l.consultant_id, l.id, $3, c.capi_events->>$3, l.metadata->>'ctwa_clid'
           from leads l
           join consultants c on c.id = l.consultant_id
           join whatsapp_connections w on w.consultant_id = l.consultant_id
          where l.id = $2 and l.consultant_id = $1
            and w.capi_dataset_id is not null
            and l.metadata->>'ctwa_clid' is not null and l.opted_out_at is null
            and c.capi_events->>$3 in ('LeadSubmitted', 'QualifiedLead', 'InitiateCheckout', 'Purchase')
         on conflict (lead_id, event_name) do nothing",
        consultant,
        lead,
        trigger
    )
    .execute(db)
    .await?;
    Ok(queued.rows_affected() == 1)
}

/// One of the lead's events, for its page.
pub struct EventRow {
    pub event_name: String,
    pub status: String,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

pub async fn for_lead(t: &mut TenantTx, lead: Uuid) -> Result<Vec<EventRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        EventRow,
        r#"select event_name, status, last_error,
                  created_at as "created_at: DateTime<Utc>", sent_at as "sent_at: DateTime<Utc>"
             from conversion_events where consultant_id = $1 and lead_id = $2
            order by created_at"#,
        consultant,
        lead
    )
    .fetch_all(db)
    .await
}

/// Settings: whether the number is connected, its dataset, whether a token is stored, and
/// the trigger → event map.
pub struct ConversionSettings {
    pub connected: bool,
    pub dataset_id: Option<String>,
    pub has_token: bool,
    pub events: serde_json::Value,
}

pub async fn settings(t: &mut TenantTx) -> Result<ConversionSettings, sqlx::Error> {
    let (db, consultant) = t.split();
    let events = sqlx::query_scalar!(
        "select capi_events from consultants where id = $1",
        consultant
    )
    .fetch_one(&mut *db)
    .await?;
    // The token's column is closed to this role: whether one is stored is asked of the
    // privileged path's view below.
    let conn = sqlx::query!(
        r#"select capi_dataset_id, conversions_token_set($1) as "has_token!"
             from whatsapp_connections where consultant_id = $1"#,
        consultant
    )
    .fetch_optional(db)
    .await?;
    Ok(ConversionSettings {
        connected: conn.is_some(),
        dataset_id: conn.as_ref().and_then(|c| c.capi_dataset_id.clone()),
        has_token: conn.is_some_and(|c| c.has_token),
        events,
    })
}

/// Saves the map and the dataset; the token only when one is typed (a blank field keeps
/// the stored one). `false`: there is no connection to save them on.
pub async fn save(
    t: &mut TenantTx,
    events: &serde_json::Value,
    dataset_id: Option<&str>,
    token: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update consultants set capi_events = $2 where id = $1",
        consultant,
        events
    )
    .execute(&mut *db)
    .await?;
    let saved = sqlx::query!(
        "update whatsapp_connections set capi_dataset_id = $2 where consultant_id = $1",
        consultant,
        dataset_id
    )
    .execute(&mut *db)
    .await?;
    if let Some(token) = token {
        // Its own statement: the role may write the token, never read it (not even in a SET).
        sqlx::query!(
            "update whatsapp_connections set capi_token = $2 where consultant_id = $1",
            consultant,
            token
        )
        .execute(db)
        .await?;
    }
    Ok(saved.rows_affected() == 1)
}
