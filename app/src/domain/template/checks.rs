//! Meta's limits, checked before a template is submitted: every problem at once, in words.

use super::{
    placeholders, render, Button, TemplateDraft, Variable, MAX_BODY, MAX_BUTTON_TEXT, MAX_FOOTER,
    MAX_HEADER, MAX_NAME, MAX_QUICK_REPLIES, MAX_URL, MAX_VALUE, MAX_VARIABLES,
};

pub(super) fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Whether a fixed text has what Meta refuses in one: control characters (line breaks are
/// allowed in the body only).
pub(super) fn bad_chars(s: &str, lines: bool) -> bool {
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
}
