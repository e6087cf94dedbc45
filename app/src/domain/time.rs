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

/// How long ago, as a card says it: "agora", "há 5 min", "há 3 h", "há 2 dias".
pub fn since(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - t).num_seconds().max(0);
    match secs {
        0..=59 => "agora".into(),
        60..=3599 => format!("há {} min", secs / 60),
        3600..=86_399 => format!("há {} h", secs / 3600),
        _ => {
            let days = secs / 86_400;
            if days == 1 {
                "há 1 dia".into()
            } else {
                format!("há {days} dias")
            }
        }
    }
}

/// A length of time left, for the WhatsApp window: "23 h 5 min", "12 min".
pub fn duration_br(d: chrono::Duration) -> String {
    let mins = d.num_minutes().max(0);
    match (mins / 60, mins % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
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
        let m = chrono::Duration::minutes;
        assert_eq!(since(t - m(3), t), "há 3 min");
        assert_eq!(since(t - m(150), t), "há 2 h");
        assert_eq!(since(t - m(60 * 49), t), "há 2 dias");
        assert_eq!(since(t + m(5), t), "agora");
        assert_eq!(duration_br(m(23 * 60 + 5)), "23 h 5 min");
        assert_eq!(duration_br(m(12)), "12 min");
    }
}
