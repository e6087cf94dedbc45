//! The public profile's address, `/c/{slug}`.

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

    pub fn as_str(&self) -> &str {
        &self.0
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
}
