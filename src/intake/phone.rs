//! What the consultant's own phone does on a coexistence number (see
//! `webhooks::payload::coexistence`), written on the system path: messages sent from the
//! phone and the shared history, each stored once by its WhatsApp id, and the names of
//! saved contacts. Nothing here creates a lead: the phone also talks to people who are not
//! leads (family, suppliers), and those stay out of the consultant's pipeline.

use crate::webhooks::payload::PhoneMessage;
use app::server::db::SystemTx;
use sqlx::PgConnection;
use uuid::Uuid;

/// The consultant's lead with this WhatsApp number (digits), if there is one.
pub async fn lead_by_number(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    digits: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    let db: &mut PgConnection = sys;
    let canonical = app::domain::phone::whatsapp_canonical(digits);
    // The canonical number is the lead's key (unique per consultant, indexed).
    sqlx::query_scalar!(
        "select id from leads where consultant_id = $1 and whatsapp_number = $2",
        consultant,
        canonical
    )
    .fetch_optional(db)
    .await
}

/// Stores a phone message in the conversation once (`None`: it was there already, as an
/// echo of a message also in the history, or a delivery Meta repeated).
pub async fn store_once(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    conversation: Uuid,
    m: &PhoneMessage,
) -> Result<Option<Uuid>, sqlx::Error> {
    let db: &mut PgConnection = sys;
    let (direction, payload, status) = if m.outbound {
        (
            "outbound",
            Some(serde_json::json!({ "kind": "text", "body": m.text, "by": "phone" })),
            m.status.as_deref().unwrap_or("sent"),
        )
    } else {
        ("inbound", None, "delivered")
    };
    // `played` (a voice note heard) is as far as `read` goes here.
    let status = if status == "played" { "read" } else { status };
    sqlx::query_scalar!(
        "insert into messages (consultant_id, conversation_id, direction, content, message_type,
                               whatsapp_message_id, status, payload, created_at)
         values ($1, $2, $3, $4, 'text', $5, $6, $7, coalesce($8, now()))
         on conflict (whatsapp_message_id) where whatsapp_message_id is not null do nothing
         returning id",
        consultant,
        conversation,
        direction,
        m.text,
        m.wa_message_id,
        status,
        payload,
        m.at as _
    )
    .fetch_optional(db)
    .await
}

/// The consultant wrote from the phone: the bot stops for this lead, as with a reply from
/// the lead page.
pub async fn take_over(
    sys: &mut SystemTx<'_>,
    conversation: Uuid,
    lead: Uuid,
) -> Result<(), sqlx::Error> {
    let db: &mut PgConnection = sys;
    sqlx::query!(
        r#"update conversations
              set handed_off_at = coalesce(handed_off_at, now()),
                  state = coalesce(state, '{}') || '{"handed_off": true}'
            where id = $1"#,
        conversation
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "update leads set last_interaction_at = now() where id = $1",
        lead
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The name the consultant saved on the phone, for a lead that has none yet (a name typed
/// by the consultant or given by the lead is never replaced). Returns whether one changed.
pub async fn name_from_contact(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    digits: &str,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let db: &mut PgConnection = sys;
    let canonical = app::domain::phone::whatsapp_canonical(digits);
    Ok(sqlx::query!(
        "update leads set name = $3
          where consultant_id = $1 and whatsapp_number = $2 and coalesce(name, '') = ''",
        consultant,
        canonical,
        name
    )
    .execute(db)
    .await?
    .rows_affected()
        > 0)
}

/// A person stopped (or resumed) marketing messages in WhatsApp: recorded on their lead, so
/// that no marketing template goes to them (utility ones still do). Returns whether a lead
/// matched.
pub async fn marketing_choice(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    digits: &str,
    stop: bool,
) -> Result<bool, sqlx::Error> {
    let db: &mut PgConnection = sys;
    let canonical = app::domain::phone::whatsapp_canonical(digits);
    Ok(sqlx::query!(
        "update leads
            set marketing_opt_out_at = case when $3 then coalesce(marketing_opt_out_at, now()) end
          where consultant_id = $1 and whatsapp_number = $2",
        consultant,
        canonical,
        stop
    )
    .execute(db)
    .await?
    .rows_affected()
        > 0)
}
