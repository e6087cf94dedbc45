//! E-mail addresses, trimmed and lower-cased so that one person has one account.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err("Informe seu e-mail.");
        }
        if value.chars().count() > 255 {
            return Err("E-mail longo demais.");
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err("E-mail inválido.");
        };
        let valid = !local.is_empty()
            && local.len() <= 64
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            return Err("E-mail inválido.");
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
    fn normalises_and_validates() {
        assert_eq!(
            Email::parse("  Joana@Exemplo.COM.br ").unwrap().as_str(),
            "joana@exemplo.com.br"
        );
        for bad in [
            "",
            "joana",
            "joana@",
            "@x.com",
            "a@b",
            "a b@c.com",
            "a@@b.com",
            "a@b..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
