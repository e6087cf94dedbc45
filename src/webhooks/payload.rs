//! Meta's WhatsApp Cloud API webhook payloads, as documented: several entries, each with
//! changes, each with messages, contacts and statuses. Parsing is tolerant (unknown fields
//! and types are kept as "unsupported", never an error) because Meta adds fields freely.

use super::clean::cap_chars;
use serde::Deserialize;

#[derive(Debug, Deserialize, Default)]
pub struct Payload {
    #[serde(default)]
    pub object: String,
    #[serde(default)]
    pub entry: Vec<Entry>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Entry {
    /// The WhatsApp Business Account's id (a template's review names its account so).
    #[serde(default, deserialize_with = "id_text")]
    pub id: String,
    #[serde(default)]
    pub changes: Vec<Change>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Change {
    /// `messages`, or a template's `message_template_status_update`,
    /// `template_category_update`, `message_template_quality_update`.
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub value: Value,
}

/// An id Meta sends as a number in some webhooks and as a string in others.
fn id_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    })
}

#[derive(Debug, Deserialize, Default)]
pub struct Value {
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub messages: Vec<Message>,
    #[serde(default)]
    pub statuses: Vec<Status>,
    // A template's review, category or quality change (the other fields are absent then).
    #[serde(default)]
    pub event: Option<String>,
    #[serde(default, deserialize_with = "id_text")]
    pub message_template_id: String,
    #[serde(default)]
    pub message_template_name: Option<String>,
    #[serde(default)]
    pub message_template_language: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub new_category: Option<String>,
    #[serde(default)]
    pub previous_category: Option<String>,
    #[serde(default)]
    pub new_quality_score: Option<String>,
    #[serde(default)]
    pub other_info: Option<OtherInfo>,
}

#[derive(Debug, Deserialize, Default, Clone, PartialEq)]
pub struct OtherInfo {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// What Meta said of one template.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateUpdate {
    pub waba_id: String,
    pub meta_id: String,
    pub name: Option<String>,
    pub language: Option<String>,
    pub change: TemplateChange,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplateChange {
    /// APPROVED, REJECTED, PAUSED, DISABLED…, with Meta's reason and any explanation.
    Status {
        event: String,
        reason: Option<String>,
        info: Option<OtherInfo>,
    },
    Category { from: Option<String>, to: String },
    Quality(String),
}

#[derive(Debug, Deserialize, Default, Clone)]
pub struct Metadata {
    #[serde(default)]
    pub display_phone_number: String,
    #[serde(default)]
    pub phone_number_id: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct Contact {
    #[serde(default)]
    pub wa_id: String,
    /// The business-scoped user id (BSUID, 2026): present for every user, and the only
    /// identity of one who uses a WhatsApp username and does not share a number.
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub profile: Option<Profile>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Profile {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Message {
    #[serde(default)]
    pub from: String,
    /// The sender's BSUID (see `Contact::user_id`).
    #[serde(default)]
    pub from_user_id: Option<String>,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub timestamp: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub text: Option<Text>,
    #[serde(default)]
    pub interactive: Option<Interactive>,
    #[serde(default)]
    pub button: Option<ButtonReply>,
    #[serde(default)]
    pub referral: Option<Referral>,
    #[serde(default)]
    pub location: Option<serde_json::Value>,
    #[serde(default)]
    pub image: Option<MediaObject>,
    #[serde(default)]
    pub audio: Option<MediaObject>,
    #[serde(default)]
    pub video: Option<MediaObject>,
    #[serde(default)]
    pub document: Option<MediaObject>,
    #[serde(default)]
    pub sticker: Option<MediaObject>,
}

/// A file attached to a message: Meta sends its id; the file is fetched with it.
#[derive(Debug, Deserialize, Default, Clone, PartialEq)]
pub struct MediaObject {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    #[serde(default)]
    pub filename: Option<String>,
}

/// A message's media, with its kind (`image`, `audio`, `video`, `document`, `sticker`).
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    pub kind: &'static str,
    pub id: String,
    pub mime_type: Option<String>,
    pub caption: Option<String>,
    pub filename: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Text {
    #[serde(default)]
    pub body: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct Interactive {
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub button_reply: Option<Reply>,
    #[serde(default)]
    pub list_reply: Option<Reply>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Reply {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub title: String,
}

/// A tap on a template's quick-reply button.
#[derive(Debug, Deserialize, Default)]
pub struct ButtonReply {
    #[serde(default)]
    pub payload: String,
    #[serde(default)]
    pub text: String,
}

/// Bounds of the columns these fields are stored in (`varchar(n)` counts characters). A
/// longer value is cut to fit: the whole text stays in the event's raw body.
const MAX_PROFILE_NAME: usize = 100;
/// A business-scoped user id (`leads.whatsapp_user_id`).
const MAX_USER_ID: usize = 128;
/// Media ids, MIME types and file names (`message_media`).
const MAX_ID: usize = 255;
const MAX_LABEL: usize = 255;
/// An ad's headline, URL and ids, kept in the lead's metadata.
const MAX_REFERRAL_FIELD: usize = 1_000;

/// A click-to-WhatsApp ad.
#[derive(Debug, Deserialize, Default, Clone, PartialEq)]
pub struct Referral {
    #[serde(default)]
    pub source_type: Option<String>,
    #[serde(default)]
    pub source_id: Option<String>,
    #[serde(default)]
    pub source_url: Option<String>,
    #[serde(default)]
    pub headline: Option<String>,
    #[serde(default)]
    pub ctwa_clid: Option<String>,
}

impl Referral {
    /// Each field cut to [`MAX_REFERRAL_FIELD`] characters.
    fn capped(&self) -> Self {
        let cap = |t: &Option<String>| {
            t.as_deref()
                .map(|t| cap_chars(t, MAX_REFERRAL_FIELD).to_owned())
        };
        Referral {
            source_type: cap(&self.source_type),
            source_id: cap(&self.source_id),
            source_url: cap(&self.source_url),
            headline: cap(&self.headline),
            ctwa_clid: cap(&self.ctwa_clid),
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct Status {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub errors: Vec<StatusError>,
}

#[derive(Debug, Deserialize, Default)]
pub struct StatusError {
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

/// What the lead sent is the flow engine's own input type: the parser speaks its language.
pub use app::domain::flow::Inbound as Content;

/// One inbound message with its routing and contact details.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    pub to_display_number: String,
    pub to_phone_number_id: String,
    /// The sender's WhatsApp number (`wa_id`); empty for a user known only by a BSUID.
    pub from: String,
    /// The sender's business-scoped user id, when Meta sends one.
    pub from_user_id: Option<String>,
    pub profile_name: Option<String>,
    pub wa_message_id: String,
    pub content: Content,
    pub referral: Option<Referral>,
    pub media: Option<Media>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusUpdate {
    pub wa_message_id: String,
    pub status: String,
    pub error: Option<String>,
}

/// Everything in one payload, in order.
#[derive(Debug, Default, PartialEq)]
pub struct Events {
    pub messages: Vec<InboundMessage>,
    pub statuses: Vec<StatusUpdate>,
    pub templates: Vec<TemplateUpdate>,
}

fn describe(kind: &str) -> &'static str {
    match kind {
        "image" => "[imagem]",
        "audio" | "voice" => "[áudio]",
        "video" => "[vídeo]",
        "document" => "[documento]",
        "sticker" => "[figurinha]",
        "location" => "[localização]",
        "contacts" => "[contato]",
        "reaction" => "[reação]",
        _ => "[mensagem não suportada]",
    }
}

impl Message {
    fn media(&self) -> Option<Media> {
        let (kind, object) = match self.kind.as_str() {
            "image" => ("image", self.image.as_ref()),
            "audio" | "voice" => ("audio", self.audio.as_ref()),
            "video" => ("video", self.video.as_ref()),
            "document" => ("document", self.document.as_ref()),
            "sticker" => ("sticker", self.sticker.as_ref()),
            _ => return None,
        };
        // An id longer than any Meta gives cannot be fetched: the message keeps its text.
        let o = object.filter(|o| !o.id.is_empty() && o.id.len() <= MAX_ID)?;
        let capped = |t: &Option<String>| t.as_deref().map(|t| cap_chars(t, MAX_LABEL).to_owned());
        Some(Media {
            kind,
            id: o.id.clone(),
            mime_type: capped(&o.mime_type),
            caption: o.caption.clone().filter(|c| !c.trim().is_empty()),
            filename: capped(&o.filename).filter(|f| !f.trim().is_empty()),
        })
    }

    fn content(&self) -> Content {
        match self.kind.as_str() {
            "text" => Content::Text(
                self.text
                    .as_ref()
                    .map(|t| t.body.clone())
                    .unwrap_or_default(),
            ),
            "interactive" => {
                let reply = self
                    .interactive
                    .as_ref()
                    .and_then(|i| i.button_reply.as_ref().or(i.list_reply.as_ref()));
                match reply {
                    Some(r) => Content::Reply {
                        id: r.id.clone(),
                        title: r.title.clone(),
                    },
                    None => Content::Unsupported {
                        description: describe("interactive").into(),
                    },
                }
            }
            "button" => match &self.button {
                Some(b) => Content::Reply {
                    id: b.payload.clone(),
                    title: b.text.clone(),
                },
                None => Content::Unsupported {
                    description: describe("button").into(),
                },
            },
            other => Content::Unsupported {
                description: describe(other).into(),
            },
        }
    }
}

impl Payload {
    pub fn events(&self) -> Events {
        let mut out = Events::default();
        for (entry, change) in self
            .entry
            .iter()
            .flat_map(|e| e.changes.iter().map(move |c| (e, c)))
        {
            let v = &change.value;
            if let Some(update) = template_update(&entry.id, change) {
                out.templates.push(update);
                continue;
            }
            for m in &v.messages {
                let contact = v
                    .contacts
                    .iter()
                    .find(|c| {
                        (!m.from.is_empty() && c.wa_id == m.from)
                            || (m.from_user_id.is_some() && c.user_id == m.from_user_id)
                    })
                    .or(v.contacts.first());
                let from_user_id = m
                    .from_user_id
                    .clone()
                    .or_else(|| contact.and_then(|c| c.user_id.clone()))
                    // Longer than any id Meta gives (`leads.whatsapp_user_id`): not an
                    // identity; the number, if any, still is.
                    .filter(|u| !u.trim().is_empty() && u.chars().count() <= MAX_USER_ID);
                // A message needs an id and someone to answer: a number, or a BSUID.
                if m.id.is_empty() || (m.from.is_empty() && from_user_id.is_none()) {
                    continue;
                }
                let profile_name = contact
                    .and_then(|c| c.profile.as_ref())
                    .and_then(|p| p.name.as_deref())
                    .filter(|n| !n.trim().is_empty())
                    .map(|n| cap_chars(n, MAX_PROFILE_NAME).to_owned());
                out.messages.push(InboundMessage {
                    to_display_number: v.metadata.display_phone_number.clone(),
                    to_phone_number_id: v.metadata.phone_number_id.clone(),
                    from: m.from.clone(),
                    from_user_id,
                    profile_name,
                    wa_message_id: m.id.clone(),
                    content: m.content(),
                    referral: m.referral.as_ref().map(Referral::capped),
                    media: m.media(),
                });
            }
            for s in &v.statuses {
                if s.id.is_empty() {
                    continue;
                }
                // Meta's code in words when it is a known one (131047, 131049…).
                let error = s.errors.first().map(|e| {
                    let text = e
                        .message
                        .clone()
                        .or_else(|| e.title.clone())
                        .unwrap_or_else(|| "erro desconhecido".into());
                    app::domain::meta_error::describe(e.code, &text)
                });
                out.statuses.push(StatusUpdate {
                    wa_message_id: s.id.clone(),
                    status: s.status.clone(),
                    error,
                });
            }
        }
        out
    }
}

/// A template's review, category or quality change, when `change` is one.
fn template_update(waba_id: &str, change: &Change) -> Option<TemplateUpdate> {
    let v = &change.value;
    let capped = |t: &Option<String>| t.as_deref().map(|t| cap_chars(t, 1000).to_owned());
    let change = match change.field.as_str() {
        "message_template_status_update" => TemplateChange::Status {
            event: v.event.clone()?,
            reason: capped(&v.reason),
            info: v.other_info.clone().map(|i| OtherInfo {
                title: capped(&i.title),
                description: capped(&i.description),
            }),
        },
        "template_category_update" => TemplateChange::Category {
            from: v.previous_category.clone(),
            to: v.new_category.clone()?,
        },
        "message_template_quality_update" => TemplateChange::Quality(v.new_quality_score.clone()?),
        _ => return None,
    };
    if v.message_template_id.is_empty() || v.message_template_id.len() > 64 {
        return None;
    }
    Some(TemplateUpdate {
        waba_id: waba_id.to_string(),
        meta_id: v.message_template_id.clone(),
        name: capped(&v.message_template_name),
        language: capped(&v.message_template_language),
        change,
    })
}

#[cfg(test)]
mod tests;
