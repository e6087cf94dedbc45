//! Brazilian mobile numbers, stored as `+55` + DDD + 9 digits (`+5511912345678`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Area codes (DDD) in use in Brazil, per Anatel.
const DDDS: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43,
    44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77,
    79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99,
];

/// A Brazilian mobile number (WhatsApp numbers are mobiles: 9 digits starting with 9).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhoneBr(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("Informe o número de WhatsApp.")]
    Empty,
    #[error("Número inválido: use DDD + número de celular, por exemplo (11) 91234-5678.")]
    Malformed,
    #[error("DDD inexistente.")]
    UnknownDdd,
    #[error("Informe um número de celular (9 dígitos, começando com 9).")]
    NotMobile,
}

impl PhoneBr {
    /// Accepts what people type: `(11) 91234-5678`, `11912345678`, `+55 11 91234 5678`,
    /// `0055...`, `5511...`. Letters or other symbols are refused.
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        if !trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || " ()-.+".contains(c))
        {
            return Err(PhoneError::Malformed);
        }
        let mut digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        if let Some(rest) = digits.strip_prefix("00") {
            digits = rest.to_string();
        }
        // An explicit country code must be Brazil's (a "+1 415..." must not pass as DDD 14).
        let international = trimmed.starts_with('+') || trimmed.starts_with("00");
        let national = match digits.len() {
            11 if !international => digits.as_str(),
            13 if digits.starts_with("55") => &digits[2..],
            _ => return Err(PhoneError::Malformed),
        };
        let ddd: u8 = national[..2].parse().map_err(|_| PhoneError::Malformed)?;
        if !DDDS.contains(&ddd) {
            return Err(PhoneError::UnknownDdd);
        }
        if !national[2..].starts_with('9') {
            return Err(PhoneError::NotMobile);
        }
        Ok(Self(format!("+55{national}")))
    }

    /// E.164 form, as stored: `+5511912345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Digits only, as `wa.me` links want them: `5511912345678`.
    pub fn wa_digits(&self) -> &str {
        &self.0[1..]
    }

    /// For people: `+55 (11) 91234-5678`.
    pub fn display(&self) -> String {
        let n = &self.0[3..];
        format!("+55 ({}) {}-{}", &n[..2], &n[2..7], &n[7..])
    }

    /// For logs: every digit but the last four hidden.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// A number as WhatsApp sends it (`wa_id`, digits), written as a person dials it, in E.164.
/// WhatsApp sends many Brazilian mobiles without the ninth digit (`55` + DDD + 8 digits,
/// `551187654321`) and others with it; both are one person, `+5511987654321`. Numbers from
/// elsewhere, and Brazilian landlines (8 digits starting with 2 to 5), are kept as sent.
pub fn whatsapp_canonical(wa_id: &str) -> String {
    let digits: String = wa_id.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("55") {
        Some(national) => format!("+55{}", with_ninth_digit(national)),
        None => format!("+{digits}"),
    }
}

/// A national number (DDD + subscriber) with the ninth digit a mobile has had since 2016:
/// `1187654321` becomes `11987654321`; anything else is returned as it is.
pub fn with_ninth_digit(national: &str) -> String {
    let b = national.as_bytes();
    let mobile_without_nine = b.len() == 10
        && national.bytes().all(|c| c.is_ascii_digit())
        && national[..2]
            .parse::<u8>()
            .is_ok_and(|ddd| DDDS.contains(&ddd))
        && (b'6'..=b'9').contains(&b[2]);
    if mobile_without_nine {
        format!("{}9{}", &national[..2], &national[2..])
    } else {
        national.to_string()
    }
}

/// A stored number as people read it (`+55 (11) 91234-5678`); a number that is not
/// Brazilian (a lead from abroad) is shown as stored.
pub fn display_stored(raw: &str) -> String {
    PhoneBr::parse(raw)
        .map(|p| p.display())
        .unwrap_or_else(|_| raw.to_string())
}

/// A lead's number as people read it, or what stands for it when the lead wrote from a
/// WhatsApp username without sharing a number.
pub fn display_lead(number: Option<&str>) -> String {
    match number {
        Some(n) => display_stored(n),
        None => "sem número (usuário do WhatsApp)".to_string(),
    }
}

/// Masks any phone-like string for logs, keeping only the last four digits.
pub fn mask_phone(raw: &str) -> String {
    let digits: Vec<char> = raw.chars().filter(char::is_ascii_digit).collect();
    let keep = digits.len().saturating_sub(4);
    digits
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep { '*' } else { *c })
        .collect()
}

impl fmt::Display for PhoneBr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_forms() {
        for input in [
            "(11) 91234-5678",
            "11912345678",
            "+55 11 91234-5678",
            "5511912345678",
            "005511912345678",
            " 11 9 1234 5678 ",
        ] {
            assert_eq!(
                PhoneBr::parse(input).unwrap().as_str(),
                "+5511912345678",
                "{input}"
            );
        }
    }

    #[test]
    fn refuses_bad_numbers() {
        assert_eq!(PhoneBr::parse(""), Err(PhoneError::Empty));
        assert_eq!(PhoneBr::parse("1191234567"), Err(PhoneError::Malformed));
        assert_eq!(PhoneBr::parse("abc11912345678"), Err(PhoneError::Malformed));
        assert_eq!(
            PhoneBr::parse("(10) 91234-5678"),
            Err(PhoneError::UnknownDdd)
        );
        assert_eq!(
            PhoneBr::parse("(11) 81234-5678"),
            Err(PhoneError::NotMobile)
        );
        assert_eq!(
            PhoneBr::parse("+1 415 555 0100"),
            Err(PhoneError::Malformed)
        );
    }

    #[test]
    fn whatsapp_numbers_get_their_ninth_digit() {
        assert_eq!(whatsapp_canonical("551187654321"), "+5511987654321");
        assert_eq!(whatsapp_canonical("5511987654321"), "+5511987654321");
        // A landline (starts with 2 to 5) and a number from abroad are kept.
        assert_eq!(whatsapp_canonical("551133334444"), "+551133334444");
        assert_eq!(whatsapp_canonical("14155550100"), "+14155550100");
        // DDD 10 does not exist: not a Brazilian mobile.
        assert_eq!(whatsapp_canonical("551087654321"), "+551087654321");
        assert_eq!(
            display_stored(&whatsapp_canonical("551187654321")),
            "+55 (11) 98765-4321"
        );
        assert_eq!(with_ninth_digit("2187654321"), "21987654321");
        assert_eq!(with_ninth_digit("21987654321"), "21987654321");
    }

    #[test]
    fn formats_and_masks() {
        let p = PhoneBr::parse("21987654321").unwrap();
        assert_eq!(p.display(), "+55 (21) 98765-4321");
        assert_eq!(p.wa_digits(), "5521987654321");
        assert_eq!(p.masked(), "*********4321");
    }
}
