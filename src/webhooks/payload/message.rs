//! One message's content as the flow engine reads it, and its file, if any.

use super::{Content, Media, Message, MAX_ID, MAX_LABEL};
use crate::webhooks::clean::cap_chars;

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
    pub(super) fn media(&self) -> Option<Media> {
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

    pub(super) fn content(&self) -> Content {
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
