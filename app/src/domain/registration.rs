//! Professional registration numbers (CRM, CRECI, SUSEP...): free text, but bounded.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationNumber(String);

impl RegistrationNumber {
    /// Empty input means "none".
    pub fn parse(input: &str) -> Result<Option<Self>, &'static str> {
        let value = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.is_empty() {
            return Ok(None);
        }
        if value.chars().count() > 50 {
            return Err("O registro profissional pode ter no máximo 50 caracteres.");
        }
        if value.chars().any(char::is_control) {
            return Err("Registro profissional inválido.");
        }
        Ok(Some(Self(value)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_and_bounded() {
        assert_eq!(RegistrationNumber::parse("  ").unwrap(), None);
        assert_eq!(
            RegistrationNumber::parse(" CRECI  12345-F ")
                .unwrap()
                .unwrap()
                .as_str(),
            "CRECI 12345-F"
        );
        assert!(RegistrationNumber::parse(&"x".repeat(51)).is_err());
    }
}
