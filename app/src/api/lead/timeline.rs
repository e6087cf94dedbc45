//! The conversation as the page shows it: a page of messages with the notes of its span,
//! each message worded and dated for the consultant.

use super::view::*;

/// One page of messages fetched newest first with one extra row: the page oldest first, the
/// cursor of the page before it (if any), and where the page starts in time (`None`: at the
/// beginning of the conversation), which bounds the notes shown with it.
pub(super) fn split_page(
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
                crate::domain::cursor::Cursor {
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
pub(super) fn timeline(
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

fn chat_message(m: crate::server::messages::MessageRow, lead: uuid::Uuid) -> ChatMessage {
    use crate::domain::flow::Outgoing;
    use crate::domain::time::format_datetime;
    let inbound = m.direction == "inbound";
    let outgoing: Option<Outgoing> = m
        .payload
        .clone()
        .and_then(|p| serde_json::from_value(p).ok());
    // A file the consultant sent: opened from here, as the lead's files are.
    let sent_file = match &outgoing {
        Some(Outgoing::File { file, name, .. }) => Some(MediaLink {
            href: Some(format!("/arquivos/{file}")),
            label: format!("Abrir {name}"),
            audio: false,
            transcript: None,
        }),
        _ => None,
    };
    let (text, choices) = match outgoing {
        Some(Outgoing::Buttons { body, buttons }) => {
            (body, buttons.into_iter().map(|b| b.title).collect())
        }
        Some(Outgoing::List { body, rows, .. }) => {
            (body, rows.into_iter().map(|r| r.title).collect())
        }
        Some(Outgoing::Image { link, caption }) => (caption.unwrap_or(link), Vec::new()),
        Some(Outgoing::File { name, caption, .. }) => (caption.unwrap_or(name), Vec::new()),
        _ => (m.content.clone(), Vec::new()),
    };
    let status_label = match m.status.as_str() {
        "pending" => "pendente",
        "sent" if m.by_phone => "enviada pelo celular",
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
        } else if m.by_phone {
            "Você, pelo celular".into()
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
        media: sent_file.or_else(|| {
            m.media_kind.as_deref().map(|kind| {
                let what = match kind {
                    "image" => "imagem",
                    "audio" => "áudio",
                    "video" => "vídeo",
                    "sticker" => "figurinha",
                    _ => "documento",
                };
                let (href, label) = match (m.media_stored, &m.media_error) {
                    (Some(true), _) => (
                        Some(format!("/leads/{lead}/midia/{}", m.id)),
                        if kind == "audio" {
                            "Baixar áudio".to_string()
                        } else {
                            format!("Abrir {what}")
                        },
                    ),
                    (_, Some(e)) => (None, format!("Arquivo indisponível: {e}")),
                    _ => (None, "Arquivo ainda não baixado do WhatsApp.".into()),
                };
                MediaLink {
                    href,
                    label,
                    audio: kind == "audio",
                    transcript: transcript_note(
                        m.transcript_status.as_deref(),
                        m.transcript_error.as_deref(),
                    ),
                }
            })
        }),
    }
}

/// Whether an audio was heard, in words (`None`: not an audio).
fn transcript_note(status: Option<&str>, error: Option<&str>) -> Option<String> {
    Some(match status? {
        "transcrito" => "Transcrição automática do áudio".to_string(),
        "falhou" => match error {
            Some(e) => format!("Áudio não transcrito: {e}"),
            None => "Áudio não transcrito".to_string(),
        },
        _ => "Transcrevendo o áudio…".to_string(),
    })
}
