//! What the bot (or the consultant) sends a lead, in the shapes WhatsApp can send; stored as
//! each message's payload and turned into a Graph API body by `consultor::whatsapp`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Button {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListRow {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
}

/// A message for the lead, in the shapes WhatsApp can send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outgoing {
    Text {
        body: String,
    },
    Buttons {
        body: String,
        buttons: Vec<Button>,
    },
    List {
        body: String,
        button: String,
        rows: Vec<ListRow>,
    },
    /// An image by URL (comparison images, profile cards), with an optional caption.
    Image {
        link: String,
        caption: Option<String>,
    },
    /// A file of the consultant's (`consultant_files`): `file` is its id here, and Meta's
    /// media id once the sender has uploaded it (`jobs::file_sends`). `media` is `image` or
    /// `document`.
    File {
        file: String,
        media: String,
        name: String,
        caption: Option<String>,
    },
    /// A template Meta approved (the only message allowed outside the 24-hour window), with
    /// its variables filled.
    Template {
        name: String,
        language: String,
        #[serde(default)]
        header: Vec<String>,
        #[serde(default)]
        params: Vec<String>,
        /// The payload of each quick-reply button, by its index (an appointment reminder's
        /// `agenda:confirmar:<id>`), so the lead's tap names what it answers. Empty: the
        /// buttons keep Meta's default (their text). Rows stored before it parse as empty.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        buttons: Vec<String>,
        /// The header's image: the consultant's file id here; the sender puts Meta's media
        /// id in its place just before the call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        header_image: Option<String>,
        /// The link button's `{{1}}` value, with the button's index.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link: Option<LinkValue>,
        /// The text as the lead reads it, for the history.
        text: String,
    },
}

/// The end of a link button's address for one lead (`https://site/imovel/{{1}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkValue {
    pub index: usize,
    pub value: String,
}

impl Outgoing {
    /// A readable rendering, for the conversation history and the simulator.
    pub fn as_text(&self) -> String {
        match self {
            Outgoing::Text { body } => body.clone(),
            Outgoing::Buttons { body, buttons } => {
                let titles: Vec<&str> = buttons.iter().map(|b| b.title.as_str()).collect();
                format!("{body}\n[{}]", titles.join("] ["))
            }
            Outgoing::List { body, rows, .. } => {
                let titles: Vec<String> = rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| format!("{}. {}", i + 1, r.title))
                    .collect();
                format!("{body}\n{}", titles.join("\n"))
            }
            Outgoing::Image { caption, .. } => caption.clone().unwrap_or_else(|| "[imagem]".into()),
            Outgoing::File { name, caption, .. } => match caption {
                Some(c) => format!("[arquivo: {name}] {c}"),
                None => format!("[arquivo: {name}]"),
            },
            Outgoing::Template { text, .. } => text.clone(),
        }
    }
}
