//! The dashboard's periods, in São Paulo calendar days, each beside the period of the same
//! length just before it; and the plans' monthly lead limits.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Period {
    Days7,
    #[default]
    Days30,
    Days90,
    /// From the 1st of this month to today.
    ThisMonth,
}

impl Period {
    pub const ALL: [Period; 4] = [
        Period::Days7,
        Period::Days30,
        Period::Days90,
        Period::ThisMonth,
    ];

    /// From `?periodo=`; anything else is the default (30 days).
    pub fn parse(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .unwrap_or_default()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Days7 => "7",
            Period::Days30 => "30",
            Period::Days90 => "90",
            Period::ThisMonth => "mes",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Period::Days7 => "7 dias",
            Period::Days30 => "30 dias",
            Period::Days90 => "90 dias",
            Period::ThisMonth => "Este mês",
        }
    }

    /// First and last day (inclusive) of the period that ends `today`.
    pub fn range(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let first = match self {
            Period::Days7 => today - Duration::days(6),
            Period::Days30 => today - Duration::days(29),
            Period::Days90 => today - Duration::days(89),
            Period::ThisMonth => today.with_day(1).unwrap_or(today),
        };
        (first, today)
    }

    /// The period of the same length just before.
    pub fn previous(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let (first, last) = self.range(today);
        let len = (last - first).num_days() + 1;
        (first - Duration::days(len), first - Duration::days(1))
    }
}

/// New leads a plan takes each month before the bot stops answering new leads (they are
/// kept). The same figures as `leads::flag_if_over_monthly_limit`; an expired subscription
/// counts as free.
pub fn monthly_limit(tier: &str, subscription_current: bool) -> i64 {
    match (tier, subscription_current) {
        ("agency", true) => 1000,
        ("pro", true) => 200,
        _ => 20,
    }
}

pub fn plan_label(tier: &str, subscription_current: bool) -> &'static str {
    match (tier, subscription_current) {
        ("agency", true) => "Agência",
        ("pro", true) => "Pro",
        _ => "Gratuito",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_end_today_and_compare_with_the_same_length_before() {
        let today = d(2026, 11, 25);
        assert_eq!(Period::Days7.range(today), (d(2026, 11, 19), today));
        assert_eq!(
            Period::Days7.previous(today),
            (d(2026, 11, 12), d(2026, 11, 18))
        );
        assert_eq!(Period::Days30.range(today).0, d(2026, 10, 27));
        assert_eq!(Period::ThisMonth.range(today), (d(2026, 11, 1), today));
        assert_eq!(
            Period::ThisMonth.previous(today),
            (d(2026, 10, 7), d(2026, 10, 31))
        );
        // On the 1st, this month is one day, beside the last day of the month before.
        assert_eq!(
            Period::ThisMonth.previous(d(2026, 3, 1)),
            (d(2026, 2, 28), d(2026, 2, 28))
        );
        assert_eq!(Period::parse("90"), Period::Days90);
        assert_eq!(Period::parse("mes"), Period::ThisMonth);
        assert_eq!(Period::parse("x"), Period::Days30);
    }

    #[test]
    fn limits_follow_the_plan_while_it_is_paid() {
        assert_eq!(monthly_limit("free", true), 20);
        assert_eq!(monthly_limit("pro", true), 200);
        assert_eq!(monthly_limit("pro", false), 20);
        assert_eq!(monthly_limit("agency", true), 1000);
    }
}
