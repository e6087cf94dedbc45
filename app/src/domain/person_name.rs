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
