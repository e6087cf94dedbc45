//! A WhatsApp message template as the consultant writes it, checked against Meta's limits
//! before it is submitted (a refusal from Meta comes back hours later; a refusal here comes
//! back at once, in words): the name's shape, the lengths, the `{{1}}`…`{{n}}` variables (in
//! order, each with an example, not at the very start or end of the body), the buttons.
//!
//! Each variable is filled, when sending, from the lead: its name, first name, an answer it
//! gave, the consultant's name, or a text typed at the time. The values stay editable.

use serde::{Deserialize, Serialize};

pub const MAX_NAME: usize = 512;
pub const MAX_BODY: usize = 1024;
pub const MAX_HEADER: usize = 60;
pub const MAX_FOOTER: usize = 60;
pub const MAX_BUTTON_TEXT: usize = 25;
pub const MAX_URL: usize = 2000;
/// Meta allows 10 buttons; a phone shows three quick replies before folding them into a
/// list, so the form offers three, and one link.
pub const MAX_QUICK_REPLIES: usize = 3;
/// Variables of the body the form offers (Meta allows more; a follow-up rarely needs more).
pub const MAX_VARIABLES: usize = 6;
/// A variable's value, when sent: longer ones are refused by Meta as a whole message.
pub const MAX_VALUE: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// About something the lead asked for (a reminder, a confirmation): cheaper, and sent
    /// even to a lead who turned marketing off.
    Utility,
    /// An offer, a re-engagement: dearest, and Meta limits how many a person receives.
    Marketing,
}

impl Category {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "utility" | "UTILITY" => Some(Self::Utility),
            "marketing" | "MARKETING" => Some(Self::Marketing),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Utility => "utility",
            Self::Marketing => "marketing",
        }
    }
    /// Meta's spelling.
    pub fn meta(self) -> &'static str {
        match self {
            Self::Utility => "UTILITY",
            Self::Marketing => "MARKETING",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Utility => "Utilidade",
            Self::Marketing => "Marketing",
        }
    }
}

/// Where a variable's value comes from when the template is sent to a lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "source", content = "step")]
pub enum VariableSource {
    FirstName,
    FullName,
    Consultant,
    /// The lead's answer to a flow step (its id).
    Answer(String),
    /// Typed when sending (the example comes pre-filled).
    Typed,
}

impl VariableSource {
    /// The form's value: `primeiro_nome`, `nome`, `consultor`, `texto`, `resposta:<step>`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "primeiro_nome" => Some(Self::FirstName),
            "nome" => Some(Self::FullName),
            "consultor" => Some(Self::Consultant),
            "texto" | "" => Some(Self::Typed),
            other => other
                .strip_prefix("resposta:")
                .map(str::trim)
                .filter(|s| !s.is_empty() && s.len() <= 100)
                .map(|s| Self::Answer(s.to_string())),
        }
    }
    pub fn form_value(&self) -> String {
        match self {
            Self::FirstName => "primeiro_nome".into(),
            Self::FullName => "nome".into(),
            Self::Consultant => "consultor".into(),
            Self::Typed => "texto".into(),
            Self::Answer(step) => format!("resposta:{step}"),
        }
    }
    pub fn label(&self) -> String {
        match self {
            Self::FirstName => "Primeiro nome do lead".into(),
            Self::FullName => "Nome do lead".into(),
            Self::Consultant => "Seu nome".into(),
            Self::Typed => "Texto digitado no envio".into(),
            Self::Answer(step) => format!("Resposta do lead: {step}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variable {
    #[serde(flatten)]
    pub source: VariableSource,
    pub example: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Button {
    QuickReply {
        text: String,
    },
    /// A link; its address may end in `{{1}}`, filled per lead (a listing's page, a quote's
    /// code) from `variable`. Rows stored before it have none.
    Url {
        text: String,
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        variable: Option<Variable>,
    },
}

impl Button {
    /// A link button with an address of its own (no variable).
    pub fn link(text: &str, url: &str) -> Self {
        Button::Url {
            text: text.into(),
            url: url.into(),
            variable: None,
        }
    }
}

/// A template as written: what is submitted to Meta and shown in previews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateDraft {
    pub name: String,
    pub category: Category,
    pub header_text: Option<String>,
    pub header_variable: Option<Variable>,
    /// An image instead of a header text: the id of one of the consultant's files (an image
    /// of their library, kept while a template shows it). Meta reviews it with the text.
    #[serde(default)]
    pub header_image: Option<String>,
    pub body: String,
    pub footer_text: Option<String>,
    pub buttons: Vec<Button>,
    /// One per `{{n}}` of the body, in order.
    pub variables: Vec<Variable>,
}

/// `Lembrete de visita!` → `lembrete_de_visita`: what Meta accepts as a name.
pub fn normalize_name(typed: &str) -> String {
    let mut out = String::new();
    for c in typed.trim().chars().flat_map(char::to_lowercase) {
        let c = super::slug::fold(c);
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').chars().take(MAX_NAME).collect()
}

/// The numbers of the `{{n}}` in `text`, in order of appearance. Refuses a brace that opens a
/// variable it does not close, or a name that is not a number (Meta's named variables are
/// not offered here).
pub fn placeholders(text: &str) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        let after = &rest[at + 2..];
        let Some(end) = after.find("}}") else {
            return Err("há um \"{{\" sem o \"}}\" que o fecha".into());
        };
        let inside = after[..end].trim();
        let n: usize = inside.parse().map_err(|_| {
            format!("\"{{{{{inside}}}}}\" não é uma variável: use {{{{1}}}}, {{{{2}}}}…")
        })?;
        out.push(n);
        rest = &after[end + 2..];
    }
    Ok(out)
}

/// `text` with each `{{n}}` replaced by `values[n - 1]` (left as it is when missing).
pub fn render(text: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find("}}") {
            Some(end) => {
                let inside = &after[..end];
                match inside
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| values.get(n.wrapping_sub(1)))
                {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push_str("{{");
                        out.push_str(inside);
                        out.push_str("}}");
                    }
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl TemplateDraft {
    /// The link button's variable and its index among the buttons (Meta's `index` when
    /// sending), if its address has one.
    pub fn link_variable(&self) -> Option<(usize, &Variable)> {
        self.buttons.iter().enumerate().find_map(|(i, b)| match b {
            Button::Url {
                variable: Some(v), ..
            } => Some((i, v)),
            _ => None,
        })
    }

    /// The body as the lead will read it, with `values` in its variables.
    pub fn body_with(&self, values: &[String]) -> String {
        render(&self.body, values)
    }

    /// The examples, as the preview on `/modelos` shows them.
    pub fn examples(&self) -> Vec<String> {
        self.variables.iter().map(|v| v.example.clone()).collect()
    }

    /// The `components` of Meta's template creation (and edit) call; `image_handle` is the
    /// header image's handle from Meta's upload (its example for the review).
    pub fn meta_components(&self, image_handle: Option<&str>) -> serde_json::Value {
        use serde_json::json;
        let mut components = Vec::new();
        if let Some(handle) = image_handle.filter(|_| self.header_image.is_some()) {
            components.push(json!({"type": "HEADER", "format": "IMAGE",
                                   "example": {"header_handle": [handle]}}));
        }
        if let Some(h) = &self.header_text {
            let mut header = json!({"type": "HEADER", "format": "TEXT", "text": h});
            if let Some(v) = &self.header_variable {
                header["example"] = json!({"header_text": [v.example]});
            }
            components.push(header);
        }
        let mut body = json!({"type": "BODY", "text": self.body});
        if !self.variables.is_empty() {
            body["example"] = json!({"body_text": [self.examples()]});
        }
        components.push(body);
        if let Some(f) = &self.footer_text {
            components.push(json!({"type": "FOOTER", "text": f}));
        }
        if !self.buttons.is_empty() {
            let buttons: Vec<_> = self
                .buttons
                .iter()
                .map(|b| match b {
                    Button::QuickReply { text } => json!({"type": "QUICK_REPLY", "text": text}),
                    Button::Url {
                        text,
                        url,
                        variable,
                    } => {
                        let mut button = json!({"type": "URL", "text": text, "url": url});
                        if let Some(v) = variable {
                            button["example"] =
                                json!([render(url, std::slice::from_ref(&v.example))]);
                        }
                        button
                    }
                })
                .collect();
            components.push(json!({"type": "BUTTONS", "buttons": buttons}));
        }
        serde_json::Value::Array(components)
    }
}

pub mod changes;
mod checks;
mod sending;
pub use sending::{check_link_value, check_values, history_text, value_for, LeadFacts};

#[cfg(test)]
mod tests;
