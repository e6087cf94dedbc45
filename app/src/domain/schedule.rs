//! When an automatic message may leave: never in the consultant's quiet hours (São Paulo
//! time; 21h to 8h unless they chose otherwise), at most one a lead a day; and the times a
//! consultant types for a scheduled send (`datetime-local`, São Paulo wall clock).

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::America::Sao_Paulo;

/// Quiet hours: from `start` (inclusive) to `end` (exclusive), both whole hours 0–23, across
/// midnight when `start > end`. Equal hours: never quiet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: u32,
    pub end: u32,
}

impl QuietHours {
    pub fn new(start: i16, end: i16) -> Self {
        Self {
            start: start.clamp(0, 23) as u32,
            end: end.clamp(0, 23) as u32,
        }
    }

    pub fn contains(self, at: DateTime<Utc>) -> bool {
        let h = at.with_timezone(&Sao_Paulo).hour();
        match self.start.cmp(&self.end) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Less => h >= self.start && h < self.end,
            std::cmp::Ordering::Greater => h >= self.start || h < self.end,
        }
    }

    /// `at` when it is outside the quiet hours; else the next `end` o'clock after it.
    pub fn next_allowed(self, at: DateTime<Utc>) -> DateTime<Utc> {
        if !self.contains(at) {
            return at;
        }
        let local = at.with_timezone(&Sao_Paulo);
        let today = local.date_naive();
        for day in 0..2 {
            let date = today + Duration::days(day);
            let candidate = Sao_Paulo
                .with_ymd_and_hms(date.year(), date.month(), date.day(), self.end, 0, 0)
                .earliest()
                .map(|t| t.with_timezone(&Utc));
            if let Some(c) = candidate.filter(|c| *c > at) {
                return c;
            }
        }
        at + Duration::hours(1)
    }

    /// "21h às 8h".
    pub fn label(self) -> String {
        format!("{}h às {}h", self.start, self.end)
    }
}

/// The start of `at`'s day in São Paulo (for "one automatic message a day").
pub fn day_start(at: DateTime<Utc>) -> DateTime<Utc> {
    let local = at.with_timezone(&Sao_Paulo).date_naive();
    Sao_Paulo
        .with_ymd_and_hms(local.year(), local.month(), local.day(), 0, 0, 0)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(at)
}

/// A `datetime-local` value (`2026-12-08T09:00`), read as São Paulo time.
pub fn parse_local(value: &str) -> Option<DateTime<Utc>> {
    let v = value.trim();
    let naive = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    Sao_Paulo
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// `at` as a `datetime-local` value, São Paulo time.
pub fn to_local_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&Sao_Paulo)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(s: &str) -> DateTime<Utc> {
        parse_local(s).unwrap()
    }

    #[test]
    fn quiet_hours_across_midnight() {
        let q = QuietHours::new(21, 8);
        assert!(q.contains(sp("2026-12-07T21:00")));
        assert!(q.contains(sp("2026-12-08T03:30")));
        assert!(q.contains(sp("2026-12-08T07:59")));
        assert!(!q.contains(sp("2026-12-08T08:00")));
        assert!(!q.contains(sp("2026-12-07T20:59")));
        assert_eq!(
            q.next_allowed(sp("2026-12-07T22:10")),
            sp("2026-12-08T08:00")
        );
        assert_eq!(
            q.next_allowed(sp("2026-12-08T02:00")),
            sp("2026-12-08T08:00")
        );
        assert_eq!(
            q.next_allowed(sp("2026-12-08T10:00")),
            sp("2026-12-08T10:00")
        );
        assert!(!QuietHours::new(8, 8).contains(sp("2026-12-08T03:00")));
        let day = QuietHours::new(12, 14);
        assert!(day.contains(sp("2026-12-08T13:00")));
        assert_eq!(
            day.next_allowed(sp("2026-12-08T13:00")),
            sp("2026-12-08T14:00")
        );
    }

    #[test]
    fn local_times_are_sao_paulo() {
        let t = parse_local("2026-12-08T09:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-08T12:00:00+00:00");
        assert_eq!(to_local_input(t), "2026-12-08T09:00");
        assert!(parse_local("amanhã").is_none());
        assert_eq!(day_start(sp("2026-12-08T23:30")), sp("2026-12-08T00:00"));
    }
}
