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
    // The WhatsApp Business app on the same number (coexistence): what the consultant sent
    // from the phone, the chats shared at onboarding, the phone's contacts.
    #[serde(default)]
    pub message_echoes: Vec<Message>,
    #[serde(default)]
    pub history: Vec<coexistence::HistoryChunk>,
    #[serde(default)]
    pub state_sync: Vec<coexistence::StateSync>,
    #[serde(default)]
    pub user_preferences: Vec<coexistence::UserPreference>,
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
    /// Whom an echo (a message the consultant sent from the phone) went to.
    #[serde(default)]
    pub to: String,
    /// A history message's delivery status (`READ`, `DELIVERED`…).
    #[serde(default)]
    pub history_context: Option<coexistence::HistoryContext>,
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
pub(super) const MAX_ID: usize = 255;
pub(super) const MAX_LABEL: usize = 255;
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
    /// How Meta bills the message (per-message pricing, July 2025).
    #[serde(default)]
    pub pricing: Option<Pricing>,
}

#[derive(Debug, Deserialize, Default, Clone, PartialEq)]
pub struct Pricing {
    #[serde(default)]
    pub billable: Option<bool>,
    #[serde(default)]
    pub category: Option<String>,
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
    /// Meta's billing of the message: (category, billable).
    pub pricing: Option<(String, bool)>,
}

/// Everything in one payload, in order.
#[derive(Debug, Default, PartialEq)]
pub struct Events {
    pub messages: Vec<InboundMessage>,
    pub statuses: Vec<StatusUpdate>,
    pub templates: Vec<TemplateUpdate>,
    /// Messages of the consultant's own phone: echoes and shared history.
    pub phone: Vec<PhoneMessage>,
    pub contacts: Vec<ContactSync>,
    /// Marketing opt-outs and opt-ins (`user_preferences`).
    pub marketing: Vec<MarketingChoice>,
    /// History messages past [`coexistence::MAX_HISTORY_MESSAGES`], left out.
    pub history_left_out: usize,
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
            coexistence::collect(v, &mut out);
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
                const CATEGORIES: [&str; 6] = [
                    "service",
                    "utility",
                    "marketing",
                    "authentication",
                    "authentication_international",
                    "referral_conversion",
                ];
                let pricing = s.pricing.as_ref().and_then(|p| {
                    let c = p.category.as_deref()?.to_lowercase();
                    CATEGORIES
                        .contains(&c.as_str())
                        .then(|| (c, p.billable.unwrap_or(true)))
                });
                out.statuses.push(StatusUpdate {
                    wa_message_id: s.id.clone(),
                    status: s.status.clone(),
                    error,
                    pricing,
                });
            }
        }
        out
    }
}

mod coexistence;
mod message;
mod templates;
pub use coexistence::{ContactSync, MarketingChoice, PhoneMessage};
use templates::template_update;
pub use templates::{OtherInfo, TemplateChange, TemplateUpdate};

#[cfg(test)]
mod tests;
