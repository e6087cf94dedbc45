//! CPF, the Brazilian taxpayer number, with its two check digits verified.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cpf(String);

impl Cpf {
    /// Accepts `123.456.789-09` or `12345678909`.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if !trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || ".- ".contains(c))
        {
            return Err("Informe um CPF válido, só com números (11 dígitos).");
        }
        let digits: Vec<u32> = trimmed.chars().filter_map(|c| c.to_digit(10)).collect();
        if digits.len() != 11 {
            return Err("Informe um CPF válido, só com números (11 dígitos).");
        }
        // 000.000.000-00, 111.111.111-11... pass the arithmetic but are not real CPFs.
        if digits.iter().all(|d| *d == digits[0]) {
            return Err("CPF inválido. Confira os números.");
        }
        let check = |len: usize| {
            let sum: u32 = digits[..len]
                .iter()
                .enumerate()
                .map(|(i, d)| d * (len as u32 + 1 - i as u32))
                .sum();
            let rest = (sum * 10) % 11;
            if rest == 10 {
                0
            } else {
                rest
            }
        };
        if check(9) != digits[9] || check(10) != digits[10] {
            return Err("CPF inválido. Confira os números.");
        }
        Ok(Self(
            digits
                .iter()
                .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
                .collect(),
        ))
    }

    /// `123.456.789-09`
    pub fn formatted(&self) -> String {
        let d = &self.0;
        format!("{}.{}.{}-{}", &d[..3], &d[3..6], &d[6..9], &d[9..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_digits() {
        assert_eq!(
            Cpf::parse("529.982.247-25").unwrap().formatted(),
            "529.982.247-25"
        );
        assert!(Cpf::parse("52998224725").is_ok());
        assert!(Cpf::parse("529.982.247-24").is_err());
        assert!(Cpf::parse("111.111.111-11").is_err());
        assert!(Cpf::parse("1234567890").is_err());
        assert!(Cpf::parse("abc").is_err());
    }
}
