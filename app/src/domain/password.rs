//! Passwords as chosen at sign-up: 8 to 128 characters, any Unicode, never trimmed.

/// A password that meets the length rules. Deliberately not `Debug`/`Serialize`.
pub struct Password(String);

pub const MIN_CHARS: usize = 8;
/// The longest password any check reads (argon2 reads all of it): longer than any
/// passphrase, so nothing over it gets work.
pub const MAX_CHECKED_BYTES: usize = 1024;
pub const MAX_CHARS: usize = 128;

impl Password {
    pub fn parse(input: String) -> Result<Self, &'static str> {
        let n = input.chars().count();
        if n < MIN_CHARS {
            Err("A senha precisa ter pelo menos 8 caracteres.")
        } else if n > MAX_CHARS {
            Err("A senha pode ter no máximo 128 caracteres.")
        } else {
            Ok(Self(input))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert!(Password::parse("1234567".into()).is_err());
        assert!(Password::parse("12345678".into()).is_ok());
        // Eight accented letters are 16 bytes but eight characters.
        assert!(Password::parse("çãõéíóúâ".into()).is_ok());
        assert!(Password::parse("ç".repeat(128)).is_ok());
        assert!(Password::parse("ç".repeat(129)).is_err());
        // Spaces count and are kept.
        assert_eq!(
            Password::parse("  espaço  ".into()).unwrap().expose(),
            "  espaço  "
        );
    }
}
