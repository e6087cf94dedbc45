//! The Cloud API's id of a consultant's WhatsApp Business number (a long number shown in
//! Meta's dashboard). Routes incoming events and is where replies are sent from.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaPhoneNumberId(String);

impl WaPhoneNumberId {
    /// Empty input means "not configured".
    pub fn parse(input: &str) -> Result<Option<Self>, &'static str> {
        let value = input.trim();
        if value.is_empty() {
            return Ok(None);
        }
        if value.len() > 50 || !value.chars().all(|c| c.is_ascii_digit()) {
            return Err("O ID do número tem só algarismos (copie do painel da Meta).");
        }
        Ok(Some(Self(value.to_string())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_only() {
        assert_eq!(WaPhoneNumberId::parse(" ").unwrap(), None);
        assert_eq!(
            WaPhoneNumberId::parse(" 106540352242922 ")
                .unwrap()
                .unwrap()
                .as_str(),
            "106540352242922"
        );
        assert!(WaPhoneNumberId::parse("10654-03").is_err());
        assert!(WaPhoneNumberId::parse(&"1".repeat(51)).is_err());
    }
}
