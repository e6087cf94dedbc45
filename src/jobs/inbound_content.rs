//! What an inbound message says for the records: what it is stored as (and what the
//! consultant's phone is told of it), and where its lead came from.

use crate::webhooks::payload::InboundMessage;
use app::domain::flow::Inbound;

/// What a message is stored as (and what the consultant's phone is told of it): its text,
/// and its type.
pub(super) fn stored_content(m: &InboundMessage) -> (String, &'static str) {
    match &m.content {
        Inbound::Text(t) | Inbound::Spoken(t) => (t.clone(), "text"),
        Inbound::Reply { title, .. } => (title.clone(), "button"),
        Inbound::Unheard => ("[áudio]".into(), "text"),
        Inbound::Unsupported { description } => {
            match m.media.as_ref().and_then(|x| x.caption.as_ref()) {
                // "[imagem] legenda": the caption is what the lead wrote with the file.
                Some(caption) => (format!("{description} {caption}"), "text"),
                None => (description.clone(), "text"),
            }
        }
    }
}

/// Lead metadata from a click-to-WhatsApp ad or from the public page's prefilled message.
pub(super) fn attribution(m: &InboundMessage) -> serde_json::Value {
    if let Some(r) = &m.referral {
        return serde_json::json!({
            "source": r.source_type.clone().unwrap_or_else(|| "ad".into()),
            "campaign": r.headline,
            "ad_id": r.source_id,
            "source_url": r.source_url,
            "ctwa_clid": r.ctwa_clid,
        });
    }
    match &m.content {
        Inbound::Text(t) => match app::domain::attribution::source_in(t) {
            Some(code) => serde_json::json!({ "source": code }),
            None => serde_json::json!({}),
        },
        _ => serde_json::json!({}),
    }
}
