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

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Whether a fixed text has what Meta refuses in one: control characters (line breaks are
/// allowed in the body only).
fn bad_chars(s: &str, lines: bool) -> bool {
    s.chars()
        .any(|c| (c.is_control() && !(lines && (c == '\n' || c == '\r'))) || c == '\u{0}')
}

/// What Meta refuses in a link button's address: only `https://`, no spaces, and a variable
/// only as its very end (`https://site/imovel/{{1}}`), with an example of that end.
fn link_problems(url: &str, variable: Option<&Variable>) -> Vec<String> {
    let mut p = Vec::new();
    let found = placeholders(url).unwrap_or_else(|_| vec![0]);
    match (found.as_slice(), variable) {
        ([], None) => {}
        ([1], Some(v)) if url.ends_with("{{1}}") => {
            let ex = v.example.trim();
            if ex.is_empty() || chars(ex) > MAX_VALUE || ex.contains(char::is_whitespace) {
                p.push("Dê um exemplo do final do link (sem espaços), como a Meta pede: por exemplo, o código de um imóvel.".into());
            }
        }
        ([], Some(_)) => {
            p.push("Para um link que muda por lead, termine o endereço com {{1}}.".into())
        }
        _ => p.push(
            "O link pode ter uma variável só, {{1}}, no fim do endereço (regra da Meta).".into(),
        ),
    }
    p
}

impl TemplateDraft {
    /// Every problem at once, each a sentence in Portuguese (empty: ready to submit).
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if self.name.is_empty() {
            p.push("Dê um nome ao modelo (letras minúsculas, números e _).".into());
        } else if chars(&self.name) > MAX_NAME
            || !self
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            p.push("O nome pode ter só letras minúsculas sem acento, números e _.".into());
        }
        let body = self.body.trim();
        if body.is_empty() {
            p.push("Escreva o texto da mensagem.".into());
        } else if chars(body) > MAX_BODY {
            p.push(format!(
                "O texto pode ter até {MAX_BODY} caracteres (limite da Meta)."
            ));
        }
        if bad_chars(body, true) {
            p.push("O texto tem caracteres de controle: apague-os.".into());
        }
        match placeholders(body) {
            Err(e) => p.push(format!("Texto: {e}.")),
            Ok(found) => {
                let mut distinct = found.clone();
                distinct.sort_unstable();
                distinct.dedup();
                if distinct.len() > MAX_VARIABLES {
                    p.push(format!("Use no máximo {MAX_VARIABLES} variáveis no texto."));
                }
                if distinct.iter().enumerate().any(|(i, n)| *n != i + 1) {
                    p.push("As variáveis devem ser numeradas em ordem, sem pular: {{1}}, {{2}}, {{3}}…".into());
                }
                if distinct.len() != self.variables.len() && distinct.len() <= MAX_VARIABLES {
                    p.push("Cada variável do texto precisa de uma origem e de um exemplo.".into());
                }
                if body.starts_with("{{") || body.ends_with("}}") {
                    p.push("A Meta não aceita um texto que começa ou termina com uma variável: escreva algo antes e depois.".into());
                }
                // Meta refuses a template "with too many variables for its length" without a
                // figure; about two fixed words a variable (plus one) is what passes review.
                let fixed = render(body, &vec![String::new(); distinct.len()]);
                if !distinct.is_empty() && fixed.split_whitespace().count() < 2 * distinct.len() + 1
                {
                    p.push("O texto tem variáveis demais para o seu tamanho (regra da Meta): escreva mais palavras fixas.".into());
                }
            }
        }
        for (i, v) in self.variables.iter().enumerate() {
            let ex = v.example.trim();
            if ex.is_empty() {
                p.push(format!(
                    "Dê um exemplo para a variável {{{{{}}}}} (a Meta pede um para analisar).",
                    i + 1
                ));
            } else if chars(ex) > MAX_VALUE || bad_chars(ex, false) {
                p.push(format!(
                    "O exemplo da variável {{{{{}}}}} deve ser um texto curto, numa linha só.",
                    i + 1
                ));
            }
        }
        if let Some(h) = &self.header_text {
            if chars(h) > MAX_HEADER {
                p.push(format!("O cabeçalho pode ter até {MAX_HEADER} caracteres."));
            }
            if bad_chars(h, false) {
                p.push("O cabeçalho deve ter uma linha só.".into());
            }
            match placeholders(h) {
                Err(e) => p.push(format!("Cabeçalho: {e}.")),
                Ok(found) if found.len() > 1 || found.iter().any(|n| *n != 1) => {
                    p.push("O cabeçalho pode ter uma variável só, {{1}}.".into())
                }
                Ok(found) if found.len() == 1 && self.header_variable.is_none() => {
                    p.push("Dê uma origem e um exemplo para a variável do cabeçalho.".into())
                }
                Ok(_) => {}
            }
        }
        if let Some(image) = &self.header_image {
            if self.header_text.is_some() {
                p.push("O cabeçalho pode ser um texto ou uma imagem, não os dois.".into());
            }
            if uuid::Uuid::parse_str(image).is_err() {
                p.push("A imagem do cabeçalho não foi encontrada: escolha outra.".into());
            }
        }
        if let Some(f) = &self.footer_text {
            if chars(f) > MAX_FOOTER {
                p.push(format!("O rodapé pode ter até {MAX_FOOTER} caracteres."));
            }
            if f.contains("{{") || bad_chars(f, false) {
                p.push("O rodapé deve ser um texto fixo, numa linha só.".into());
            }
        }
        let quick = self
            .buttons
            .iter()
            .filter(|b| matches!(b, Button::QuickReply { .. }))
            .count();
        let links = self.buttons.len() - quick;
        if quick > MAX_QUICK_REPLIES || links > 1 {
            p.push(format!(
                "Use até {MAX_QUICK_REPLIES} botões de resposta e um botão de link."
            ));
        }
        for b in &self.buttons {
            let (text, url) = match b {
                Button::QuickReply { text } => (text, None),
                Button::Url {
                    text,
                    url,
                    variable,
                } => {
                    p.extend(link_problems(url, variable.as_ref()));
                    (text, Some(url))
                }
            };
            if text.trim().is_empty() || chars(text) > MAX_BUTTON_TEXT || bad_chars(text, false) {
                p.push(format!(
                    "O texto de cada botão deve ter de 1 a {MAX_BUTTON_TEXT} caracteres."
                ));
            }
            if let Some(url) = url {
                if !url.starts_with("https://")
                    || chars(url) > MAX_URL
                    || url.contains(char::is_whitespace)
                {
                    p.push("O link do botão deve começar com https:// e não ter espaços.".into());
                }
            }
        }
        p.dedup();
        p
    }

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
mod sending;
pub use sending::{check_link_value, check_values, history_text, value_for, LeadFacts};

#[cfg(test)]
mod tests;
