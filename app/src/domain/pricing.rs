//! What WhatsApp messages cost, as Meta bills them since 1 July 2025: per delivered template
//! message, by category and by the recipient's country; a reply inside the 24-hour customer
//! service window (service) is free, and so is a utility template delivered inside it.
//!
//! The one place the prices live. Source: Meta's rate card for the Brazil market, effective
//! 2026-10-01 (unchanged for Brazil since 2025-07-01), in US dollars: marketing US$ 0.0625,
//! utility US$ 0.0068, authentication US$ 0.0068 per delivered message. Converted here at
//! R$ 5,40 per dollar (December 2026), rounded to R$ 0,0001. Meta also publishes the card in
//! BRL for businesses billed in reais: set `WHATSAPP_PRICE_*` (see `src/config.rs`) to the
//! figures of your own invoice. These are estimates: Meta's volume tiers, taxes and a
//! provider's fee are not counted.

/// Prices per delivered message, in ten-thousandths of a real (R$ 0,0001).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PriceTable {
    pub marketing: i64,
    pub utility: i64,
    pub authentication: i64,
    /// A reply inside the window: free (Meta announced charging beyond 1,000 a month from
    /// October 2026 in some markets; override it here if your invoice shows it).
    pub service: i64,
}

/// The date of the source of [`PriceTable::BRAZIL`].
pub const SOURCE_DATE: &str = "2026-10-01";

impl PriceTable {
    pub const BRAZIL: Self = Self {
        marketing: 3_375,
        utility: 367,
        authentication: 367,
        service: 0,
    };

    /// The price of one message of `category` (Meta's word), billed or not.
    pub fn price(&self, category: &str, billable: bool) -> i64 {
        if !billable {
            return 0;
        }
        match category {
            "marketing" => self.marketing,
            "utility" => self.utility,
            "authentication" | "authentication_international" => self.authentication,
            _ => self.service,
        }
    }
}

/// "0,3375" or "0.3375" → 3375 (reais to ten-thousandths); `None` for anything else.
pub fn parse_brl(text: &str) -> Option<i64> {
    let t = text
        .trim()
        .trim_start_matches("R$")
        .trim()
        .replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() && frac.is_empty() || frac.len() > 4 {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = format!("{frac:0<4}").parse().ok()?;
    (0..1_000).contains(&whole).then_some(whole * 10_000 + frac)
}

/// A sum as the consultant reads it: "R$ 1.234,56" (rounded to the cent), or "menos de
/// R$ 0,01" for a cost that rounds to nothing but is not zero.
pub fn format_brl(ten_thousandths: i64) -> String {
    if ten_thousandths > 0 && ten_thousandths < 50 {
        return "menos de R$ 0,01".into();
    }
    let cents = (ten_thousandths + 50) / 100;
    let (reais, cents) = (cents / 100, cents % 100);
    let digits = reais.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("R$ {grouped},{cents:02}")
}

/// The category as the consultant reads it.
pub fn category_label(category: &str) -> &'static str {
    match category {
        "marketing" => "Marketing",
        "utility" => "Utilidade",
        "authentication" | "authentication_international" => "Autenticação",
        _ => "Respostas na janela",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_and_money() {
        let t = PriceTable::BRAZIL;
        assert_eq!(t.price("marketing", true), 3_375);
        assert_eq!(
            t.price("utility", false),
            0,
            "a utility template inside the window is free"
        );
        assert_eq!(t.price("service", true), 0);
        assert_eq!(format_brl(3_375), "R$ 0,34");
        assert_eq!(format_brl(12_345_678), "R$ 1.234,57");
        assert_eq!(format_brl(0), "R$ 0,00");
        assert_eq!(format_brl(30), "menos de R$ 0,01");
        assert_eq!(parse_brl("0,3375"), Some(3_375));
        assert_eq!(parse_brl("R$ 1.5"), Some(15_000));
        assert_eq!(parse_brl("0,12345"), None);
        assert_eq!(parse_brl("abc"), None);
    }
}

/// A lead's or a month's messages and their estimated cost.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CostSummary {
    pub total: String,
    pub total_ten_thousandths: i64,
    /// Per category: (label, messages, cost).
    pub lines: Vec<(String, i64, String)>,
    pub free: i64,
    pub paid: i64,
}

impl CostSummary {
    /// The paid messages' share, "12%" (none: no message).
    pub fn paid_share(&self) -> Option<String> {
        let all = self.free + self.paid;
        (all > 0).then(|| format!("{}%", (self.paid * 100 + all / 2) / all))
    }
}

/// Sums `(category, billable, count)` rows with `table`, the dearest category first.
pub fn summarize(counts: &[(String, bool, i64)], table: &PriceTable) -> CostSummary {
    let mut by_label: Vec<(String, i64, i64)> = Vec::new();
    let (mut free, mut paid, mut total) = (0, 0, 0);
    for (category, billable, n) in counts {
        let cost = table.price(category, *billable) * n;
        if cost > 0 {
            paid += n
        } else {
            free += n
        }
        total += cost;
        let label = if cost == 0 && category != "service" {
            format!("{} (grátis na janela)", category_label(category))
        } else {
            category_label(category).to_string()
        };
        match by_label.iter_mut().find(|(l, _, _)| *l == label) {
            Some(line) => {
                line.1 += n;
                line.2 += cost;
            }
            None => by_label.push((label, *n, cost)),
        }
    }
    by_label.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)));
    CostSummary {
        total: format_brl(total),
        total_ten_thousandths: total,
        lines: by_label
            .into_iter()
            .map(|(l, n, c)| (l, n, format_brl(c)))
            .collect(),
        free,
        paid,
    }
}

#[cfg(test)]
mod summary_tests {
    use super::*;

    #[test]
    fn sums_by_category() {
        let s = summarize(
            &[
                ("service".into(), false, 10),
                ("marketing".into(), true, 2),
                ("utility".into(), true, 1),
                ("utility".into(), false, 3),
            ],
            &PriceTable::BRAZIL,
        );
        assert_eq!(s.total, "R$ 0,71");
        assert_eq!(s.lines[0], ("Marketing".into(), 2, "R$ 0,68".into()));
        assert_eq!((s.free, s.paid), (13, 3));
        assert_eq!(s.paid_share().as_deref(), Some("19%"));
        assert!(s
            .lines
            .iter()
            .any(|l| l.0 == "Utilidade (grátis na janela)" && l.1 == 3));
    }
}
