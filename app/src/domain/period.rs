//! A span of days the consultant looks back over: the lead filters' "período" and the
//! dashboard's, in São Paulo days and months.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    Days7,
    Days30,
    Days90,
    ThisMonth,
}

impl Period {
    pub const ALL: [Period; 4] = [
        Period::Days7,
        Period::Days30,
        Period::Days90,
        Period::ThisMonth,
    ];
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
            Period::Days7 => "Últimos 7 dias",
            Period::Days30 => "Últimos 30 dias",
            Period::Days90 => "Últimos 90 dias",
            Period::ThisMonth => "Este mês",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// First and last São Paulo calendar day (inclusive) of the period that ends `today`:
    /// the dashboard's days (the lead filters count back from the instant, `since`).
    pub fn range(self, today: chrono::NaiveDate) -> (chrono::NaiveDate, chrono::NaiveDate) {
        use chrono::{Datelike, Duration};
        let first = match self {
            Period::Days7 => today - Duration::days(6),
            Period::Days30 => today - Duration::days(29),
            Period::Days90 => today - Duration::days(89),
            Period::ThisMonth => today.with_day(1).unwrap_or(today),
        };
        (first, today)
    }

    /// The period of the same length just before `range(today)`.
    pub fn previous(self, today: chrono::NaiveDate) -> (chrono::NaiveDate, chrono::NaiveDate) {
        let (first, last) = self.range(today);
        let len = (last - first).num_days() + 1;
        (
            first - chrono::Duration::days(len),
            first - chrono::Duration::days(1),
        )
    }

    /// The first instant of the period ending at `now`; months are São Paulo months.
    pub fn since(self, now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        use chrono::{Datelike, TimeZone};
        use chrono_tz::America::Sao_Paulo;
        let days = |n| now - chrono::Duration::days(n);
        match self {
            Period::Days7 => days(7),
            Period::Days30 => days(30),
            Period::Days90 => days(90),
            Period::ThisMonth => {
                let local = now.with_timezone(&Sao_Paulo);
                Sao_Paulo
                    .with_ymd_and_hms(local.year(), local.month(), 1, 0, 0, 0)
                    .earliest()
                    .map(|t| t.with_timezone(&chrono::Utc))
                    .unwrap_or_else(|| days(31))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn periods_end_today_and_compare_with_the_same_length_before() {
        let today = day(2026, 11, 25);
        assert_eq!(Period::Days7.range(today), (day(2026, 11, 19), today));
        assert_eq!(
            Period::Days7.previous(today),
            (day(2026, 11, 12), day(2026, 11, 18))
        );
        assert_eq!(Period::Days30.range(today).0, day(2026, 10, 27));
        assert_eq!(Period::ThisMonth.range(today), (day(2026, 11, 1), today));
        assert_eq!(
            Period::ThisMonth.previous(today),
            (day(2026, 10, 7), day(2026, 10, 31))
        );
        // On the 1st, this month is one day, beside the last day of the month before.
        assert_eq!(
            Period::ThisMonth.previous(day(2026, 3, 1)),
            (day(2026, 2, 28), day(2026, 2, 28))
        );
        assert_eq!(Period::parse("90"), Some(Period::Days90));
        assert_eq!(Period::parse("mes"), Some(Period::ThisMonth));
        assert_eq!(Period::parse("x"), None);
    }

    #[test]
    fn this_month_starts_at_sao_paulo_midnight() {
        use chrono::TimeZone;
        // 1 March 02:00 UTC is still 28 February in São Paulo.
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap();
        assert_eq!(
            Period::ThisMonth.since(now),
            chrono::Utc.with_ymd_and_hms(2026, 2, 1, 3, 0, 0).unwrap()
        );
    }
}
