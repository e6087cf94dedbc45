//! A template on its way to a lead: the values of its variables, read from the lead (and
//! editable before sending), and checked as Meta checks them.

use super::checks::{bad_chars, chars};
use super::{TemplateDraft, Variable, VariableSource, MAX_VALUE};

/// Checks the values typed for a send (Meta refuses the whole message otherwise): each one
/// filled, on one line, without runs of spaces, short.
pub fn check_values(values: &[String]) -> Result<(), String> {
    for (i, v) in values.iter().enumerate() {
        let n = i + 1;
        if v.trim().is_empty() {
            return Err(format!("Preencha a variável {{{{{n}}}}}."));
        }
        if v.contains(['\n', '\r', '\t']) || v.contains("    ") || bad_chars(v, false) {
            return Err(format!(
                "A variável {{{{{n}}}}} deve ter uma linha só, sem tabulações nem muitos espaços seguidos (regra da Meta)."
            ));
        }
        if chars(v) > MAX_VALUE {
            return Err(format!(
                "A variável {{{{{n}}}}} pode ter até {MAX_VALUE} caracteres."
            ));
        }
    }
    Ok(())
}

/// What a lead's variables are filled from.
pub struct LeadFacts<'a> {
    /// The name the consultant knows the lead by (typed, else WhatsApp's profile name).
    pub name: Option<&'a str>,
    pub consultant: &'a str,
    /// The lead's answers as read (step id → the option's label or the text).
    pub answers: &'a [(String, String)],
}

/// A variable's value for a lead: empty when the lead lacks it (the consultant types one).
pub fn value_for(v: &Variable, facts: &LeadFacts<'_>) -> String {
    let name = facts.name.map(str::trim).filter(|n| !n.is_empty());
    match &v.source {
        VariableSource::FirstName => name
            .and_then(|n| n.split_whitespace().next())
            .unwrap_or_default()
            .to_string(),
        VariableSource::FullName => name.unwrap_or_default().to_string(),
        VariableSource::Consultant => facts.consultant.to_string(),
        VariableSource::Answer(step) => facts
            .answers
            .iter()
            .find(|(s, _)| s == step)
            .map(|(_, a)| a.clone())
            .unwrap_or_default(),
        VariableSource::Typed => v.example.clone(),
    }
}

/// Checks the end of a link button's address for a send: filled, short, without spaces
/// (it becomes part of the address).
pub fn check_link_value(value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err("Preencha o final do link.".into());
    }
    if value.contains(char::is_whitespace) || bad_chars(value, false) {
        return Err("O final do link não pode ter espaços.".into());
    }
    if chars(value) > MAX_VALUE {
        return Err(format!(
            "O final do link pode ter até {MAX_VALUE} caracteres."
        ));
    }
    Ok(())
}

/// A sent template as the conversation's history shows it: the header (its image said in
/// words, its text in bold), then the body as the lead read it.
pub fn history_text(draft: &TemplateDraft, header_line: Option<&str>, body: &str) -> String {
    let mut out = String::new();
    if draft.header_image.is_some() {
        out.push_str("[imagem]\n");
    }
    if let Some(h) = header_line {
        out.push_str(&format!("*{h}*\n"));
    }
    out.push_str(body);
    out
}
