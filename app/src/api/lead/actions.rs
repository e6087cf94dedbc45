//! What the consultant does on a lead's page: reply, hand the lead back to the bot, add a
//! note.

#[cfg(feature = "ssr")]
use super::view::WINDOW_HOURS;
use crate::error::AppError;
use leptos::prelude::*;

/// The longest reply WhatsApp accepts in one text message.
pub const MAX_REPLY_CHARS: usize = 4096;

/// Sends the consultant's reply through the sender at once, and takes the conversation over
/// from the bot.
#[server(prefix = "/api", endpoint = "responder-lead")]
pub async fn send_reply(
    csrf: String,
    lead: String,
    body: String,
    // The rendered form's token (see `LeadPageData::form_token`); optional so that a form
    // from before it existed still sends.
    envio: Option<String>,
) -> Result<(), AppError> {
    let values = vec![("origem", "resposta".to_string()), ("body", body.clone())];
    let result: Result<(), AppError> = async {
        use crate::api::leads::parse_lead_id;
        use crate::domain::text::{printable, Lines};
        use crate::server::{conversations, leads, messages, Tenant};
        let id = parse_lead_id(&lead)?;
        let body = body.trim();
        if body.is_empty() {
            return Err(AppError::invalid("Escreva a mensagem antes de enviar."));
        }
        printable("Mensagem", body, Lines::Many).map_err(AppError::invalid)?;
        if body.chars().count() > MAX_REPLY_CHARS {
            return Err(AppError::invalid(format!(
                "A mensagem pode ter até {MAX_REPLY_CHARS} caracteres (limite do WhatsApp)."
            )));
        }
        let mut t = Tenant::begin_with_csrf(&csrf).await?;
        let conversation = open_conversation(&mut t.tx, id).await?;
        let token = envio
            .as_deref()
            .and_then(|t| uuid::Uuid::parse_str(t.trim()).ok());
        if messages::queue_reply(&mut t.tx, conversation, body, token)
            .await?
            .is_none()
        {
            // The same form again (a double tap, the back button): it was sent once already.
            t.commit().await?;
            return Ok(());
        }
        conversations::take_over(&mut t.tx, conversation).await?;
        leads::touch(&mut t.tx, id).await?;
        t.audit("lead_replied", "lead", Some(id), serde_json::json!({}))
            .await?;
        let state = t.commit().await?;
        state.outbox.wake();
        Ok(())
    }
    .await;
    crate::server::flash::remember_at("resposta", "lead", values, "Mensagem enviada.", result).await
}
/// The lead's conversation, locked, when a consultant's own message may go into it: the lead
/// is theirs, has written, and WhatsApp's 24-hour window is open (the same refusal, in the
/// same words, for a text and a file).
#[cfg(feature = "ssr")]
pub async fn open_conversation(
    t: &mut crate::server::db::TenantTx,
    id: uuid::Uuid,
) -> Result<uuid::Uuid, AppError> {
    use crate::domain::time::format_datetime;
    use crate::server::{conversations, leads};
    if leads::find(t, id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let Some((conversation, _, _)) = conversations::latest_for_update(t, id).await? else {
        return Err(AppError::invalid(
            "Este lead ainda não escreveu pelo WhatsApp: só é possível responder depois da primeira mensagem dele.",
        ));
    };
    match conversations::last_inbound_at(t, id).await? {
        Some(at) if chrono::Utc::now() - at < chrono::Duration::hours(WINDOW_HOURS) => {
            Ok(conversation)
        }
        Some(at) => Err(AppError::invalid(format!(
            "A janela de 24 horas do WhatsApp fechou em {}: só é possível responder quando o lead escrever de novo.",
            format_datetime(at + chrono::Duration::hours(WINDOW_HOURS))
        ))),
        None => Err(AppError::invalid(
            "O lead ainda não escreveu: não há janela de conversa aberta.",
        )),
    }
}

/// The bot answers this lead again.
#[server(prefix = "/api", endpoint = "devolver-ao-robo")]
pub async fn hand_back(csrf: String, lead: String) -> Result<(), AppError> {
    let result = async {
        use crate::api::leads::parse_lead_id;
        use crate::server::{conversations, leads, Tenant};
        let id = parse_lead_id(&lead)?;
        let mut t = Tenant::begin_with_csrf(&csrf).await?;
        if leads::find(&mut t.tx, id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        if !conversations::hand_back(&mut t.tx, id).await? {
            return Err(AppError::invalid(
                "O assistente já está respondendo este lead.",
            ));
        }
        t.audit("lead_handed_back", "lead", Some(id), serde_json::json!({}))
            .await?;
        t.commit().await?;
        Ok(())
    }
    .await;
    let values = vec![("origem", "robo".to_string())];
    crate::server::flash::remember_at(
        "resposta",
        "lead",
        values,
        "O assistente voltou a responder este lead.",
        result,
    )
    .await
}

/// The longest private note.
pub const MAX_NOTE_CHARS: usize = 2000;

#[server(prefix = "/api", endpoint = "nota-lead")]
pub async fn add_note(
    csrf: String,
    lead: String,
    body: String,
    envio: Option<String>,
) -> Result<(), AppError> {
    let values = vec![("origem", "nota".to_string()), ("body", body.clone())];
    let result = async {
        use crate::api::leads::parse_lead_id;
        use crate::server::{lead_notes, leads, Tenant};
        let id = parse_lead_id(&lead)?;
        let body = body.trim();
        if body.is_empty() {
            return Err(AppError::invalid("Escreva a nota antes de salvar."));
        }
        crate::domain::text::printable("Nota", body, crate::domain::text::Lines::Many)
            .map_err(AppError::invalid)?;
        if body.chars().count() > MAX_NOTE_CHARS {
            return Err(AppError::invalid(format!(
                "A nota pode ter até {MAX_NOTE_CHARS} caracteres."
            )));
        }
        let mut t = Tenant::begin_with_csrf(&csrf).await?;
        if leads::find(&mut t.tx, id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        // The same form again saves nothing new (`None`).
        let token = envio
            .as_deref()
            .and_then(|t| uuid::Uuid::parse_str(t.trim()).ok());
        lead_notes::add(&mut t.tx, id, body, token).await?;
        t.commit().await?;
        Ok(())
    }
    .await;
    crate::server::flash::remember_at("notas", "lead", values, "Nota salva.", result).await
}
