//! A person's display name.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let value = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = value.chars().count();
        if n < 2 {
            return Err("Informe seu nome.");
        }
        if n > 100 {
            return Err("O nome pode ter no máximo 100 caracteres.");
        }
        if value.chars().any(char::is_control) || !value.chars().any(char::is_alphabetic) {
            return Err("Nome inválido.");
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The first word of a name, for greetings ("Joana Conceição" → "Joana"); the whole input
/// when it has no spaces.
pub fn first_name(full: &str) -> &str {
    full.split_whitespace().next().unwrap_or(full)
}

/// Words that stay in lower case inside a name or a place ("Maria das Dores", "Rio de
/// Janeiro", "Santa Bárbara d'Oeste").
const PARTICLES: &[&str] = &["de", "da", "do", "das", "dos", "e", "d'", "di", "du"];

/// A name or a place as it is written, whatever case it was typed in: "são paulo" → "São
/// Paulo", "MARIA DAS DORES" → "Maria das Dores", "embu-guaçu" → "Embu-Guaçu". Particles stay
/// in lower case except first; a short all-capitals word typed among lower-case ones is kept
/// ("são paulo SP").
pub fn proper_case(text: &str) -> String {
    let shouting = !text.chars().any(char::is_lowercase);
    text.split_whitespace()
        .enumerate()
        .map(|(i, word)| {
            let lower = word.to_lowercase();
            let acronym = !shouting
                && word.chars().count() <= 3
                && word.chars().all(|c| c.is_uppercase() || !c.is_alphabetic());
            if acronym {
                word.to_string()
            } else if i > 0 && PARTICLES.contains(&lower.as_str()) {
                lower
            } else if let Some(rest) = lower.strip_prefix("d'").filter(|r| !r.is_empty()) {
                // "d'Oeste": the particle stays, the word after it is capitalised.
                let head = if i == 0 { "D'" } else { "d'" };
                format!("{head}{}", capitalised_parts(rest))
            } else {
                capitalised_parts(&lower)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each part of a hyphenated word capitalised, particles between hyphens kept
/// ("embu-guaçu" → "Embu-Guaçu", "pé-de-meia" → "Pé-de-Meia").
fn capitalised_parts(lower: &str) -> String {
    lower
        .split('-')
        .enumerate()
        .map(|(i, part)| {
            if i > 0 && PARTICLES.contains(&part) {
                return part.to_string();
            }
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The name the consultant knows a lead by: the name they gave, else their WhatsApp profile
/// name, else "Sem nome".
pub fn display_name(name: Option<String>, profile_name: Option<String>) -> String {
    name.filter(|n| !n.trim().is_empty())
        .or(profile_name.filter(|n| !n.trim().is_empty()))
        .unwrap_or_else(|| "Sem nome".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_names() {
        assert_eq!(first_name("  Joana   Conceição"), "Joana");
        assert_eq!(first_name("Ana"), "Ana");
        assert_eq!(first_name(""), "");
    }

    #[test]
    fn names_and_places_in_proper_case() {
        for (typed, written) in [
            ("são paulo", "São Paulo"),
            ("rio de janeiro", "Rio de Janeiro"),
            ("MARIA DAS DORES", "Maria das Dores"),
            ("joão e maria dos santos", "João e Maria dos Santos"),
            ("embu-guaçu", "Embu-Guaçu"),
            ("santa bárbara d'oeste", "Santa Bárbara d'Oeste"),
            ("  belo   horizonte ", "Belo Horizonte"),
            ("são paulo SP", "São Paulo SP"),
            ("da silva", "Da Silva"),
            ("", ""),
        ] {
            assert_eq!(proper_case(typed), written, "{typed}");
        }
    }

    #[test]
    fn collapses_spaces_and_checks_length() {
        assert_eq!(
            PersonName::parse("  João   Conceição ").unwrap().as_str(),
            "João Conceição"
        );
        assert!(PersonName::parse("J").is_err());
        assert!(PersonName::parse("1234").is_err());
        assert!(PersonName::parse(&"a".repeat(101)).is_err());
    }
}
