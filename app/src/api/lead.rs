//! One lead: its header, answers, status history, notes and conversation; replies, taking
//! over from the bot and handing back, notes, and the page's light poll.

use crate::api::leads::LeadCard;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Messages loaded at a time, newest first.
pub const MESSAGE_PAGE: i64 = 30;

/// WhatsApp's customer-service window: free-form replies only this long after the lead's
/// last message.
pub const WINDOW_HOURS: i64 = 24;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub id: String,
    /// true: from the lead.
    pub inbound: bool,
    pub text: String,
    /// Buttons or list rows as the lead saw them.
    pub choices: Vec<String>,
    /// "pendente", "enviada", "entregue", "lida", "falhou" (outbound only).
    pub status: String,
    pub status_label: String,
    /// Meta's reason for a failure.
    pub error: Option<String>,
    pub at: String,
    /// An AI answer still being written ("escrevendo…").
    pub writing: bool,
    /// Who wrote it, for outbound: "Você", "Assistente", "Assistente (IA)".
    pub author: String,
    /// Compliance flags of an AI answer (empty: passed).
    pub flags: Vec<String>,
    pub replaced: bool,
    /// A private note of the consultant's, shown in the timeline (never sent).
    pub note: bool,
    /// A file the lead sent: a link to open it, or why it cannot be opened.
    pub media: Option<MediaLink>,
    /// Older than two years, kept in the archive.
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaLink {
    /// Where the file is served; `None` when it is not here.
    pub href: Option<String>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub text: String,
    pub reason: Option<String>,
    pub at: String,
}

/// The reply box's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ReplyWindow {
    /// Open: how long is left, e.g. "23 h 5 min".
    Open { left: String },
    /// Closed since this time (or the lead never wrote).
    Closed { since: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadPageData {
    pub card: LeadCard,
    /// `wa.me` link digits.
    pub wa_digits: Option<String>,
    pub campaign: Option<String>,
    /// Question → answer label.
    pub answers: Vec<(String, String)>,
    /// Other metadata worth showing: (label, value).
    pub metadata: Vec<(String, String)>,
    pub history: Vec<HistoryEntry>,
    /// The timeline, oldest first: the newest page of messages with the private notes written
    /// in that time.
    pub messages: Vec<ChatMessage>,
    /// Cursor of older messages, when there are more.
    pub older: Option<String>,
    /// This page shows older messages (not the newest).
    pub paged_back: bool,
    /// The consultant took the conversation: the bot is quiet.
    pub handed_off: bool,
    /// When the lead opted out (wrote SAIR…), as São Paulo time: the bot is silent.
    pub opted_out_at: Option<String>,
    /// The name as stored (empty: none given), for the correction form.
    pub stored_name: String,
    /// The answers the consultant may correct, in the flow's order.
    pub corrections: Vec<CorrectionField>,
    pub window: ReplyWindow,
    /// For the poll: changes when anything shown changes.
    pub version: String,
    /// The identity of the reply and note forms as rendered now (a new one each rendering,
    /// and in the browser after each success): the same post twice creates one row.
    pub form_token: String,
}

/// One stored answer in the correction form: free text, or one of the step's options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrectionField {
    pub step: String,
    pub question: String,
    pub value: String,
    /// (value, label) of a multiple-choice step; empty for free text.
    pub options: Vec<(String, String)>,
}

#[server(prefix = "/api", endpoint = "lead")]
pub async fn lead_detail(id: String, before: String) -> Result<LeadPageData, AppError> {
    use crate::api::leads::{lead_card, parse_lead_id};
    use crate::domain::flow::FlowDefinition;
    use crate::domain::lead_answers;
    use crate::domain::time::{duration_br, format_datetime};
    use crate::domain::{LeadStatus, PhoneBr};
    use crate::server::{conversations, lead_notes, leads, messages, Tenant};

    let id = parse_lead_id(&id).inspect_err(crate::server::auth::set_error_status)?;
    // Without JavaScript, older messages are a page of their own (`?antes=<cursor>`).
    let before = crate::domain::lead_filter::Cursor::parse(&before);
    let now = chrono::Utc::now();
    let mut t = Tenant::begin().await?;
    let Some(lead) = leads::find(&mut t.tx, id).await? else {
        let e = AppError::NotFound;
        crate::server::auth::set_error_status(&e);
        return Err(e);
    };
    leads::mark_seen(&mut t.tx, id).await?;
    let conversation = conversations::current(&mut t.tx, id).await?;
    let def: Option<FlowDefinition> = match &conversation {
        Some(c) => serde_json::from_value(c.definition.clone()).ok(),
        None => leads::current_flow(&mut t.tx)
            .await?
            .and_then(|(_, d)| serde_json::from_value(d).ok()),
    };
    let last_inbound = conversations::last_inbound_at(&mut t.tx, id).await?;
    let rows = messages::page(&mut t.tx, id, before, MESSAGE_PAGE + 1).await?;
    let (rows, older, from) = split_page(rows);
    let notes = lead_notes::between(&mut t.tx, id, from, before.map(|c| c.at)).await?;
    let history = leads::history(&mut t.tx, id).await?;
    let version = messages::fingerprint(&mut t.tx, id).await?;
    let stale_days = leads::stale_after_days(&mut t.tx).await?;
    let opted_out_at = leads::opted_out_at(&mut t.tx, id).await?;
    t.commit().await?;

    let (row, meta) = (lead.row, lead.metadata);
    let answers = lead_answers::from_json(&row.respostas);
    let wa_digits = row
        .whatsapp_number
        .as_deref()
        .map(|n| {
            PhoneBr::parse(n)
                .map(|p| p.wa_digits().to_string())
                .unwrap_or_else(|_| n.chars().filter(char::is_ascii_digit).collect())
        })
        .unwrap_or_default();
    let window = match last_inbound {
        Some(at) if now - at < chrono::Duration::hours(WINDOW_HOURS) => ReplyWindow::Open {
            left: duration_br(at + chrono::Duration::hours(WINDOW_HOURS) - now),
        },
        Some(at) => ReplyWindow::Closed {
            since: Some(format_datetime(at + chrono::Duration::hours(WINDOW_HOURS))),
        },
        None => ReplyWindow::Closed { since: None },
    };
    let metadata = [
        ("ad_id", "Anúncio (id)"),
        ("source_url", "Endereço do anúncio"),
        ("over_limit", "Acima do limite do plano"),
    ]
    .iter()
    .filter_map(|(k, label)| {
        meta.get(*k).and_then(|v| match v {
            serde_json::Value::String(s) if !s.is_empty() => Some((label.to_string(), s.clone())),
            serde_json::Value::Bool(true) => Some((label.to_string(), "sim".to_string())),
            _ => None,
        })
    })
    .collect();
    let corrections = lead_answers::labelled(def.as_ref(), &answers)
        .into_iter()
        .map(|a| CorrectionField {
            options: def
                .as_ref()
                .and_then(|d| d.step(&a.step))
                .map(|s| {
                    s.opcoes
                        .iter()
                        .map(|o| (o.valor.clone(), o.rotulo.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            step: a.step,
            question: a.question,
            value: a.value,
        })
        .collect();
    let stored_name = row.name.clone().unwrap_or_default();
    Ok(LeadPageData {
        form_token: uuid::Uuid::new_v4().to_string(),
        stored_name,
        corrections,
        card: lead_card(row, def.as_ref(), stale_days, now),
        wa_digits: Some(wa_digits).filter(|d| !d.is_empty()),
        campaign: meta
            .get("campaign")
            .and_then(|v| v.as_str())
            .map(str::to_string),
        answers: lead_answers::labelled(def.as_ref(), &answers)
            .into_iter()
            .map(|a| (a.question, a.label))
            .collect(),
        metadata,
        history: history
            .into_iter()
            .map(|h| {
                let label = |s: &str| LeadStatus::parse(s).map(|s| s.label()).unwrap_or("—");
                HistoryEntry {
                    text: format!(
                        "{} → {}{}",
                        h.from_status.as_deref().map(label).unwrap_or("—"),
                        label(&h.to_status),
                        h.changed_by_name
                            .map(|n| format!(" (por {n})"))
                            .unwrap_or_default()
                    ),
                    reason: h.reason,
                    at: format_datetime(h.created_at),
                }
            })
            .collect(),
        messages: timeline(id, rows, notes),
        older,
        paged_back: before.is_some(),
        handed_off: conversation
            .as_ref()
            .is_some_and(|c| c.handed_off_at.is_some()),
        opted_out_at: opted_out_at.map(format_datetime),
        window,
        version,
    })
}

/// Older messages of the chat (oldest first), and the cursor of the ones before them.
#[server(prefix = "/api", endpoint = "lead-mensagens")]
pub async fn older_messages(
    id: String,
    before: String,
) -> Result<(Vec<ChatMessage>, Option<String>), AppError> {
    use crate::api::leads::parse_lead_id;
    use crate::domain::lead_filter::Cursor;
    use crate::server::{lead_notes, messages, Tenant};
    let id = parse_lead_id(&id)?;
    let before = Cursor::parse(&before)
        .ok_or_else(|| AppError::invalid("Posição da conversa inválida. Recarregue a página."))?;
    let mut t = Tenant::begin().await?;
    let rows = messages::page(&mut t.tx, id, Some(before), MESSAGE_PAGE + 1).await?;
    let (rows, older, from) = split_page(rows);
    let notes = lead_notes::between(&mut t.tx, id, from, Some(before.at)).await?;
    t.commit().await?;
    Ok((timeline(id, rows, notes), older))
}

/// One page of messages fetched newest first with one extra row: the page oldest first, the
/// cursor of the page before it (if any), and where the page starts in time (`None`: at the
/// beginning of the conversation), which bounds the notes shown with it.
#[cfg(feature = "ssr")]
fn split_page(
    mut rows: Vec<crate::server::messages::MessageRow>,
) -> (
    Vec<crate::server::messages::MessageRow>,
    Option<String>,
    Option<chrono::DateTime<chrono::Utc>>,
) {
    let more = rows.len() as i64 > MESSAGE_PAGE;
    rows.truncate(MESSAGE_PAGE as usize);
    let (older, from) = match rows.last().filter(|_| more) {
        Some(m) => (
            Some(
                crate::domain::lead_filter::Cursor {
                    at: m.created_at,
                    id: m.id,
                }
                .encode(),
            ),
            Some(m.created_at),
        ),
        None => (None, None),
    };
    rows.reverse();
    (rows, older, from)
}

/// Messages and private notes in one timeline, oldest first (a note written at the same
/// instant as a message comes after it).
#[cfg(feature = "ssr")]
fn timeline(
    lead: uuid::Uuid,
    rows: Vec<crate::server::messages::MessageRow>,
    notes: Vec<crate::server::lead_notes::NoteRow>,
) -> Vec<ChatMessage> {
    use crate::domain::time::format_datetime;
    let mut items: Vec<(chrono::DateTime<chrono::Utc>, ChatMessage)> = rows
        .into_iter()
        .map(|m| (m.created_at, chat_message(m, lead)))
        .collect();
    items.extend(notes.into_iter().map(|n| {
        (
            n.created_at,
            ChatMessage {
                id: n.id.to_string(),
                inbound: false,
                text: n.body,
                choices: Vec::new(),
                status: String::new(),
                status_label: String::new(),
                error: None,
                at: format_datetime(n.created_at),
                writing: false,
                author: "Nota privada".into(),
                flags: Vec::new(),
                replaced: false,
                note: true,
                media: None,
                archived: false,
            },
        )
    }));
    items.sort_by_key(|(at, _)| *at);
    items.into_iter().map(|(_, m)| m).collect()
}

/// What the poll compares: a changed value means "reload the lead".
#[server(prefix = "/api", endpoint = "lead-versao")]
pub async fn lead_version(id: String) -> Result<String, AppError> {
    use crate::api::leads::parse_lead_id;
    use crate::server::{messages, Tenant};
    let id = parse_lead_id(&id)?;
    let mut t = Tenant::begin().await?;
    let v = messages::fingerprint(&mut t.tx, id).await?;
    t.commit().await?;
    Ok(v)
}

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
    let result = reply_inner(csrf, lead, body, envio).await;
    crate::server::flash::remember("lead", values, "Mensagem enviada.", result).await
}

#[cfg(feature = "ssr")]
async fn reply_inner(
    csrf: String,
    lead: String,
    body: String,
    envio: Option<String>,
) -> Result<(), AppError> {
    use crate::api::leads::parse_lead_id;
    use crate::domain::text::{printable, Lines};
    use crate::domain::time::format_datetime;
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
    if leads::find(&mut t.tx, id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let Some((conversation, _, _)) = conversations::latest_for_update(&mut t.tx, id).await? else {
        return Err(AppError::invalid(
            "Este lead ainda não escreveu pelo WhatsApp: só é possível responder depois da primeira mensagem dele.",
        ));
    };
    let last = conversations::last_inbound_at(&mut t.tx, id).await?;
    let now = chrono::Utc::now();
    match last {
        Some(at) if now - at < chrono::Duration::hours(WINDOW_HOURS) => {}
        Some(at) => {
            return Err(AppError::invalid(format!(
                "A janela de 24 horas do WhatsApp fechou em {}: só é possível responder quando o lead escrever de novo.",
                format_datetime(at + chrono::Duration::hours(WINDOW_HOURS))
            )))
        }
        None => return Err(AppError::invalid("O lead ainda não escreveu: não há janela de conversa aberta.")),
    }
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
    crate::server::flash::remember(
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
    crate::server::flash::remember("lead", values, "Nota salva.", result).await
}

#[cfg(feature = "ssr")]
fn chat_message(m: crate::server::messages::MessageRow, lead: uuid::Uuid) -> ChatMessage {
    use crate::domain::flow::Outgoing;
    use crate::domain::time::format_datetime;
    let inbound = m.direction == "inbound";
    let outgoing: Option<Outgoing> = m
        .payload
        .clone()
        .and_then(|p| serde_json::from_value(p).ok());
    let (text, choices) = match outgoing {
        Some(Outgoing::Buttons { body, buttons }) => {
            (body, buttons.into_iter().map(|b| b.title).collect())
        }
        Some(Outgoing::List { body, rows, .. }) => {
            (body, rows.into_iter().map(|r| r.title).collect())
        }
        Some(Outgoing::Image { link, caption }) => (caption.unwrap_or(link), Vec::new()),
        _ => (m.content.clone(), Vec::new()),
    };
    let status_label = match m.status.as_str() {
        "pending" => "pendente",
        "sent" => "enviada",
        "delivered" => "entregue",
        "read" => "lida",
        "failed" => "falhou",
        "unknown" => "envio não confirmado",
        other => other,
    }
    .to_string();
    let flags: Vec<String> = m
        .ai_flags
        .as_ref()
        .and_then(|f| f.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| {
                    serde_json::from_value::<crate::domain::ai::ComplianceFlag>(v.clone()).ok()
                })
                .map(|f| f.code.replace('_', " "))
                .collect()
        })
        .unwrap_or_default();
    let is_ai = m.ai_passed.is_some() || m.writing;
    ChatMessage {
        id: m.id.to_string(),
        inbound,
        text: if m.writing { String::new() } else { text },
        choices,
        status: m.status.clone(),
        status_label,
        error: m.error_message.and_then(|e| match m.status.as_str() {
            "failed" => Some(format!("Falha no envio: {e}")),
            "unknown" => Some(format!("Não sabemos se chegou ao lead: {e}")),
            _ => None,
        }),
        at: format_datetime(m.created_at),
        writing: m.writing,
        author: if inbound {
            "Lead".into()
        } else if m.by_consultant {
            "Você".into()
        } else if is_ai {
            "Assistente (IA)".into()
        } else {
            "Assistente".into()
        },
        replaced: m.ai_passed == Some(false),
        flags,
        archived: m.archived,
        note: false,
        media: m.media_kind.as_deref().map(|kind| {
            let what = match kind {
                "image" => "imagem",
                "audio" => "áudio",
                "video" => "vídeo",
                "sticker" => "figurinha",
                _ => "documento",
            };
            match (m.media_stored, &m.media_error) {
                (Some(true), _) => MediaLink {
                    href: Some(format!("/leads/{lead}/midia/{}", m.id)),
                    label: format!("Abrir {what}"),
                },
                (_, Some(e)) => MediaLink {
                    href: None,
                    label: format!("Arquivo indisponível: {e}"),
                },
                _ => MediaLink {
                    href: None,
                    label: "Arquivo ainda não baixado do WhatsApp.".into(),
                },
            }
        }),
    }
}

/// Everything held about one lead (the readable, printable form of the JSON export),
/// audited as `lead_exported` like the file.
#[server(prefix = "/api", endpoint = "lead-dados")]
pub async fn lead_data(id: String) -> Result<serde_json::Value, AppError> {
    use crate::api::leads::parse_lead_id;
    use crate::server::request_meta::RequestMeta;
    use crate::server::{lead_data, tenant, Tenant};
    let id = parse_lead_id(&id).inspect_err(crate::server::auth::set_error_status)?;
    let mut t = Tenant::begin().await?;
    let Some(data) = lead_data::gather(&mut t.tx, id).await? else {
        let e = AppError::NotFound;
        crate::server::auth::set_error_status(&e);
        return Err(e);
    };
    tenant::audit_in(
        &mut t.tx,
        &RequestMeta::current(),
        "lead_exported",
        "lead",
        Some(id),
        serde_json::json!({ "formato": "pagina" }),
    )
    .await?;
    t.commit().await?;
    Ok(data)
}
