//! A deal's value in reais, as a consultant types it on a phone ("1.500", "R$ 1.500,00",
//! "2500,5") and as Brazilians read it ("R$ 1.500,00"). Kept in whole centavos.

/// The largest value taken: R$ 1 bilhão (the database refuses more too).
pub const MAX_CENTS: i64 = 100_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DealValue(i64);

impl DealValue {
    /// An empty field means "no value" (`Ok(None)`).
    pub fn parse(input: &str) -> Result<Option<Self>, &'static str> {
        let t: String = input
            .trim()
            .trim_start_matches("R$")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if t.is_empty() {
            return Ok(None);
        }
        const BAD: &str = "Escreva o valor em reais, por exemplo 1.500,00.";
        if t.starts_with('-') {
            return Err("O valor não pode ser negativo.");
        }
        if !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        {
            return Err(BAD);
        }
        // A comma is the decimal separator (dots group thousands). Without one, a dot
        // followed by one or two digits at the end is a decimal point ("1500.5"), and any
        // other dot groups thousands ("1.500").
        let (whole, cents) = match t.rsplit_once(',') {
            Some((w, c)) => (w.to_string(), c.to_string()),
            None => match t.rsplit_once('.') {
                Some((w, c)) if (1..=2).contains(&c.len()) => (w.to_string(), c.to_string()),
                _ => (t.clone(), String::new()),
            },
        };
        if cents.contains(['.', ',']) || cents.len() > 2 || whole.contains(',') {
            return Err(BAD);
        }
        // Groups of thousands are three digits each.
        if whole.contains('.') {
            let mut groups = whole.split('.');
            let first = groups.next().unwrap_or_default();
            if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
                return Err(BAD);
            }
        }
        let digits: String = whole.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() && cents.is_empty() {
            return Err(BAD);
        }
        let reais: i64 = if digits.is_empty() {
            0
        } else if digits.len() > 12 {
            return Err("O valor pode ir até R$ 1.000.000.000,00.");
        } else {
            digits.parse().map_err(|_| BAD)?
        };
        let centavos: i64 = match cents.len() {
            0 => 0,
            1 => cents.parse::<i64>().map_err(|_| BAD)? * 10,
            _ => cents.parse().map_err(|_| BAD)?,
        };
        let total = reais * 100 + centavos;
        if total > MAX_CENTS {
            return Err("O valor pode ir até R$ 1.000.000.000,00.");
        }
        Ok(Some(Self(total)))
    }

    /// From the database, which keeps the same bounds.
    pub fn from_cents(cents: i64) -> Option<Self> {
        (0..=MAX_CENTS).contains(&cents).then_some(Self(cents))
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// "1.500,00": for the form's field.
    pub fn plain(self) -> String {
        format!("{},{:02}", group_thousands(self.0 / 100), self.0 % 100)
    }

    /// "R$ 1.500": for cards and totals, without centavos when there are none.
    pub fn short(self) -> String {
        if self.0 % 100 == 0 {
            format!("R$ {}", group_thousands(self.0 / 100))
        } else {
            format!("R$ {}", self.plain())
        }
    }
}

/// 1234567 → "1.234.567".
fn group_thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::DealValue;

    fn cents(s: &str) -> i64 {
        DealValue::parse(s).unwrap().unwrap().cents()
    }

    #[test]
    fn reads_values_as_brazilians_type_them() {
        assert_eq!(cents("1500"), 150_000);
        assert_eq!(cents("1.500"), 150_000);
        assert_eq!(cents("R$ 1.500,00"), 150_000);
        assert_eq!(cents("R$1.500,5"), 150_050);
        assert_eq!(cents("2500,75"), 250_075);
        assert_eq!(cents("1500.5"), 150_050);
        assert_eq!(cents("1.234.567,89"), 123_456_789);
        assert_eq!(cents(" 0,99 "), 99);
        assert_eq!(DealValue::parse("  ").unwrap(), None);
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in [
            "abc", "1,2,3", "12.34.5", "-10", "1.5000", ",", "R$", "10 mil", "1,234",
        ] {
            assert!(
                DealValue::parse(bad).is_err() || bad == "R$",
                "{bad} was taken"
            );
        }
        assert_eq!(DealValue::parse("R$").unwrap(), None);
        assert!(DealValue::parse("1.000.000.001").is_err());
        assert!(DealValue::parse("1000000000").is_ok());
    }

    #[test]
    fn writes_values_as_brazilians_read_them() {
        let v = DealValue::parse("1234567,8").unwrap().unwrap();
        assert_eq!(v.plain(), "1.234.567,80");
        assert_eq!(v.short(), "R$ 1.234.567,80");
        assert_eq!(DealValue::from_cents(150_000).unwrap().short(), "R$ 1.500");
        assert_eq!(DealValue::from_cents(5).unwrap().plain(), "0,05");
        assert_eq!(DealValue::from_cents(-1), None);
    }
}
