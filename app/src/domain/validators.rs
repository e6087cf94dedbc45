//! Checks for free-text answers in a conversation flow (`validacao` of a `texto` step).
//! Each returns the value to store, normalised, or a hint for the lead in Portuguese.

use super::{Cpf, Email, PersonName, PhoneBr};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Validation {
    Nome,
    Email,
    Telefone,
    Cpf,
    Cep,
    Numero,
    Data,
}

impl Validation {
    pub const ALL: [Validation; 7] = [
        Validation::Nome,
        Validation::Email,
        Validation::Telefone,
        Validation::Cpf,
        Validation::Cep,
        Validation::Numero,
        Validation::Data,
    ];

    /// The name in flow definitions (`"validacao": "cpf"`).
    pub fn code(self) -> &'static str {
        match self {
            Validation::Nome => "nome",
            Validation::Email => "email",
            Validation::Telefone => "telefone",
            Validation::Cpf => "cpf",
            Validation::Cep => "cep",
            Validation::Numero => "numero",
            Validation::Data => "data",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.code() == code)
    }

    /// For the flow editor's select.
    pub fn label(self) -> &'static str {
        match self {
            Validation::Nome => "Nome",
            Validation::Email => "E-mail",
            Validation::Telefone => "Telefone (celular com DDD)",
            Validation::Cpf => "CPF",
            Validation::Cep => "CEP",
            Validation::Numero => "Número",
            Validation::Data => "Data (dd/mm/aaaa)",
        }
    }

    /// What the lead is told when an answer fails this check (the editor shows it as the
    /// default of the step's invalid-answer message).
    pub fn default_hint(self) -> &'static str {
        match self {
            Validation::Nome => "Por favor, me diga seu nome.",
            Validation::Email => {
                "Esse e-mail não parece válido. Pode conferir? Ex.: nome@exemplo.com"
            }
            Validation::Telefone => "Informe um celular com DDD, ex.: (11) 91234-5678.",
            Validation::Cpf => "Informe um CPF válido, só com números (11 dígitos).",
            Validation::Cep => "Informe um CEP válido com 8 números, ex.: 01310-100.",
            Validation::Numero => "Responda só com números, por favor.",
            Validation::Data => "Informe a data no formato dd/mm/aaaa, ex.: 25/12/1990.",
        }
    }

    pub fn check(self, input: &str) -> Result<String, &'static str> {
        let text = input.trim();
        match self {
            Validation::Nome => PersonName::parse(text)
                .map(|n| n.as_str().to_string())
                .map_err(|_| self.default_hint()),
            Validation::Email => Email::parse(text)
                .map(|e| e.as_str().to_string())
                .map_err(|_| self.default_hint()),
            Validation::Telefone => PhoneBr::parse(text)
                .map(|p| p.as_str().to_string())
                .map_err(|_| self.default_hint()),
            Validation::Cpf => Cpf::parse(text).map(|c| c.formatted()),
            Validation::Cep => {
                let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                let shape_ok = text
                    .chars()
                    .all(|c| c.is_ascii_digit() || ".- ".contains(c));
                if shape_ok && digits.len() == 8 {
                    Ok(format!("{}-{}", &digits[..5], &digits[5..]))
                } else {
                    Err(self.default_hint())
                }
            }
            Validation::Numero => {
                let normalised = text.replace('.', "").replace(',', ".");
                normalised
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .map(|_| text.to_string())
                    .ok_or(self.default_hint())
            }
            Validation::Data => NaiveDate::parse_from_str(text, "%d/%m/%Y")
                .map(|d| d.format("%d/%m/%Y").to_string())
                .map_err(|_| self.default_hint()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Validation::*;

    #[test]
    fn each_validation() {
        assert_eq!(Nome.check("  ana   maria ").unwrap(), "ana maria");
        assert!(Nome.check("1").is_err());
        assert_eq!(Email.check("Ana@X.com").unwrap(), "ana@x.com");
        assert!(Email.check("ana").is_err());
        assert_eq!(Telefone.check("(21) 98765-4321").unwrap(), "+5521987654321");
        assert!(Telefone.check("123").is_err());
        assert_eq!(Cpf.check("52998224725").unwrap(), "529.982.247-25");
        assert!(Cpf.check("52998224724").is_err());
        assert_eq!(Cep.check("01310100").unwrap(), "01310-100");
        assert!(Cep.check("0131010").is_err());
        assert!(Cep.check("abc01310100").is_err());
        assert_eq!(Numero.check("1.500,50").unwrap(), "1.500,50");
        assert!(Numero.check("mil").is_err());
        assert_eq!(Data.check("5/3/1990").unwrap(), "05/03/1990");
        assert!(Data.check("31/02/1990").is_err());
    }
}
