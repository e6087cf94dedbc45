//! The public profile's address, `/c/{slug}`, and how one is made from what a person types
//! ("Márcia Souza" → `marcia-souza`): suggested from the name at sign-up, normalised when
//! typed at sign-up or in Settings, instead of refusing spaces and accents.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slug(String);

/// Words that would make a confusing or misleading public address.
const RESERVED: &[&str] = &["admin", "api", "consultor", "suporte", "webhooks"];

impl Slug {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let value = input.trim().to_lowercase();
        if value.len() < 3 {
            return Err("O endereço precisa ter pelo menos 3 caracteres.");
        }
        if value.len() > 100 {
            return Err("O endereço pode ter no máximo 100 caracteres.");
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            || value.starts_with('-')
            || value.ends_with('-')
            || value.contains("--")
        {
            return Err("Use só letras sem acento, números e hífens (ex.: joana-saude).");
        }
        if RESERVED.contains(&value.as_str()) {
            return Err("Esse endereço é reservado. Escolha outro.");
        }
        Ok(Self(value))
    }

    /// An address from what was typed, normalised first ([`normalise`]); the refusal, if any,
    /// is about the normalised address.
    pub fn from_typed(input: &str) -> Result<Self, &'static str> {
        Self::parse(&normalise(input))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Longest address kept when normalising (the column holds 100).
const MAX_LEN: usize = 100;

/// What a person types, as an address: accents stripped, lower case, spaces and underscores
/// as hyphens, any other character dropped, hyphens collapsed and trimmed ("  Márcia  Souza_
/// Saúde! " → "marcia-souza-saude"). May be empty or short: [`Slug::parse`] decides.
pub fn normalise(input: &str) -> String {
    let mut out = String::new();
    for c in input.chars().flat_map(char::to_lowercase).map(fold) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if (c == '-' || c == '_' || c.is_whitespace())
            && !out.is_empty()
            && !out.ends_with('-')
        {
            out.push('-');
        }
        if out.len() >= MAX_LEN {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A Latin letter without its accent (as `generate_slug` in migration 0002 does).
pub(crate) fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'ē' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'ī' => 'i',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'ū' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_shape() {
        assert_eq!(
            Slug::parse(" Joana-Saude ").unwrap().as_str(),
            "joana-saude"
        );
        for bad in [
            "ab", "joão", "-joana", "joana-", "jo--ana", "jo ana", "admin",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn typed_names_become_addresses() {
        for (typed, slug) in [
            ("Márcia Souza", "marcia-souza"),
            (
                "  JOÃO   da Conceição_Seguros! ",
                "joao-da-conceicao-seguros",
            ),
            ("joana--saude", "joana-saude"),
            ("-ação-", "acao"),
            ("Zé 2º Imóveis", "ze-2-imoveis"),
            ("!!!", ""),
        ] {
            assert_eq!(normalise(typed), slug, "{typed}");
        }
        assert_eq!(
            Slug::from_typed("Márcia Souza").unwrap().as_str(),
            "marcia-souza"
        );
        assert_eq!(normalise(&"á".repeat(300)).len(), 100);
        assert!(
            Slug::from_typed("Jô").is_err(),
            "still at least 3 characters"
        );
        assert!(
            Slug::from_typed("Admin").is_err(),
            "still not a reserved word"
        );
    }
}
