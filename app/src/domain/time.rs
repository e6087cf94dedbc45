//! Times as our users read them: America/Sao_Paulo, dd/mm/aaaa.

use chrono::{DateTime, Utc};
use chrono_tz::America::Sao_Paulo;

pub fn format_datetime(t: DateTime<Utc>) -> String {
    t.with_timezone(&Sao_Paulo)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

pub fn format_date(t: DateTime<Utc>) -> String {
    t.with_timezone(&Sao_Paulo).format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shows_sao_paulo_time() {
        // 02:30 UTC is still the previous evening in São Paulo (UTC-3).
        let t = Utc.with_ymd_and_hms(2026, 3, 1, 2, 30, 0).unwrap();
        assert_eq!(format_datetime(t), "28/02/2026 23:30");
        assert_eq!(format_date(t), "28/02/2026");
    }
}
