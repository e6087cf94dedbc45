//! Coexistence: the consultant keeps the WhatsApp Business app on the phone, on the number the
//! API also serves. Meta then sends what the phone does:
//! - `smb_message_echoes`: each message the consultant sends from the phone (or a linked
//!   device), `message_echoes[]` with `from` (the business) and `to` (the person);
//! - `history`: the chats shared at onboarding, in chunks of `threads[]` (one per person,
//!   `id` their number), each with `messages[]` from either side and a `history_context`;
//! - `smb_app_state_sync`: the phone's contacts, `state_sync[]` of `{type: "contact",
//!   contact: {full_name, first_name, phone_number}, action: "add" | "edit" | "remove"}`.
//!
//! Read tolerantly, like the rest of the payload, and bounded: a text is cut to
//! `MAX_TEXT` characters and one delivery keeps at most `MAX_HISTORY_MESSAGES` of history.

use super::{Content, Events, Message, Value};
use crate::webhooks::clean::cap_chars;
use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;

/// The history messages one delivery may hold; the rest are counted, not stored (Meta sends
/// history in chunks well under this).
pub const MAX_HISTORY_MESSAGES: usize = 2_000;
const MAX_TEXT: usize = 4_096;
const MAX_NAME: usize = 100;

#[derive(Debug, Deserialize, Default, Clone, PartialEq)]
pub struct HistoryContext {
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct HistoryChunk {
    #[serde(default)]
    pub threads: Vec<Thread>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Thread {
    /// The person's WhatsApp number.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub messages: Vec<Message>,
}

/// Meta's `user_preferences` webhook: a person stopped (or resumed) marketing messages from
/// this business in WhatsApp itself.
#[derive(Debug, Deserialize, Default)]
pub struct UserPreference {
    #[serde(default)]
    pub wa_id: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub value: String,
}

/// A person's marketing choice, as applied.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketingChoice {
    pub to_phone_number_id: String,
    pub to_display_number: String,
    pub number: String,
    /// `true`: stop marketing messages; `false`: resume them.
    pub stop: bool,
}

#[derive(Debug, Deserialize, Default)]
pub struct StateSync {
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub contact: Option<SyncContact>,
    #[serde(default)]
    pub action: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct SyncContact {
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub phone_number: String,
}

/// A message of the consultant's own phone, sent or received there.
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneMessage {
    /// The business number it belongs to (the routing's keys).
    pub to_phone_number_id: String,
    pub to_display_number: String,
    /// The person on the other side (digits).
    pub counterpart: String,
    /// Sent by the consultant (an echo, or their side of the history).
    pub outbound: bool,
    /// An echo (sent now): the consultant takes the conversation over. History is the past.
    pub live: bool,
    pub wa_message_id: String,
    pub text: String,
    pub at: Option<DateTime<Utc>>,
    /// `read`, `delivered`…, from a history message's context.
    pub status: Option<String>,
}

/// A contact saved on the phone, with its name.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactSync {
    pub to_phone_number_id: String,
    pub to_display_number: String,
    pub number: String,
    pub name: String,
}

fn text_of(m: &Message) -> String {
    let text = match m.content() {
        Content::Text(t) | Content::Spoken(t) => t,
        Content::Reply { title, .. } => title,
        Content::Unheard => "[áudio]".into(),
        Content::Unsupported { description } => match m.media().and_then(|x| x.caption) {
            Some(caption) => format!("{description} {caption}"),
            None => description,
        },
    };
    cap_chars(&text, MAX_TEXT).to_string()
}

fn at(timestamp: &str) -> Option<DateTime<Utc>> {
    let secs: i64 = timestamp.trim().parse().ok()?;
    Utc.timestamp_opt(secs, 0).single()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

pub(super) fn collect(v: &Value, out: &mut Events) {
    let phone = |m: &Message, counterpart: &str, outbound: bool, live: bool| PhoneMessage {
        to_phone_number_id: v.metadata.phone_number_id.clone(),
        to_display_number: v.metadata.display_phone_number.clone(),
        counterpart: digits(counterpart),
        outbound,
        live,
        wa_message_id: m.id.clone(),
        text: text_of(m),
        at: at(&m.timestamp),
        status: m
            .history_context
            .as_ref()
            .and_then(|c| c.status.as_deref())
            .map(str::to_lowercase)
            .filter(|s| matches!(s.as_str(), "sent" | "delivered" | "read" | "played")),
    };
    for m in &v.message_echoes {
        if m.id.is_empty() || m.id.len() > 255 || digits(&m.to).is_empty() {
            continue;
        }
        out.phone.push(phone(m, &m.to, true, true));
    }
    for thread in v.history.iter().flat_map(|c| &c.threads) {
        let person = digits(&thread.id);
        if person.is_empty() {
            continue;
        }
        for m in &thread.messages {
            if m.id.is_empty() || m.id.len() > 255 {
                continue;
            }
            let kept = out.phone.iter().filter(|p| !p.live).count();
            if kept >= MAX_HISTORY_MESSAGES {
                out.history_left_out += 1;
                continue;
            }
            // Sent by the person when it comes from their number; else by the business.
            let outbound = digits(&m.from) != person;
            out.phone.push(phone(m, &person, outbound, false));
        }
    }
    for p in &v.user_preferences {
        let stop = match p.value.as_str() {
            "stop" => true,
            "resume" => false,
            _ => continue,
        };
        let number = digits(&p.wa_id);
        if p.category == "marketing_messages" && !number.is_empty() {
            out.marketing.push(MarketingChoice {
                to_phone_number_id: v.metadata.phone_number_id.clone(),
                to_display_number: v.metadata.display_phone_number.clone(),
                number,
                stop,
            });
        }
    }
    for s in &v.state_sync {
        let Some(c) = s.contact.as_ref().filter(|_| s.kind == "contact") else {
            continue;
        };
        let name = c
            .full_name
            .as_deref()
            .or(c.first_name.as_deref())
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let number = digits(&c.phone_number);
        if let (Some(name), false, "add" | "edit") = (name, number.is_empty(), s.action.as_str()) {
            out.contacts.push(ContactSync {
                to_phone_number_id: v.metadata.phone_number_id.clone(),
                to_display_number: v.metadata.display_phone_number.clone(),
                number,
                name: cap_chars(name, MAX_NAME).to_string(),
            });
        }
    }
}
