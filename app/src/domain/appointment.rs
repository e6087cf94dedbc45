//! An appointment with a lead, as the consultant types it (a São Paulo date and time, and
//! optionally a place or a video link) and as the pages write it ("Agendado para qui., 10/12
//! às 14:30 · Local: Rua X"). Pure: the server stores what [`AppointmentInput::parse`]
//! accepts, the pages show what [`describe`] writes.

use super::text::{check, Lines};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::America::Sao_Paulo;

pub const MAX_PLACE_CHARS: usize = 200;
pub const MAX_LINK_CHARS: usize = 500;
/// A time this far in the past still passes: the consultant books the meeting that is
/// starting now, or a slow form post lands a minute late.
pub const PAST_TOLERANCE_MINUTES: i64 = 10;
/// How far ahead a booking may be (beyond it is a typo: 2062 for 2026).
pub const MAX_YEARS_AHEAD: i64 = 2;
/// An appointment without an end lasts this long in a calendar.
pub const DEFAULT_LENGTH_MINUTES: i64 = 60;

/// What the form sent, checked: when (an instant), where, which link.
#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentInput {
    pub starts_at: DateTime<Utc>,
    pub place: Option<String>,
    pub video_url: Option<String>,
}

impl AppointmentInput {
    /// Checks the form's fields: `date` ("2026-12-10", or "10/12/2026" from a browser
    /// without a date picker), `time` ("14:30", "14h30", "14h"), `place` and `link`
    /// (optional). The messages are the consultant's, in Portuguese.
    pub fn parse(
        date: &str,
        time: &str,
        place: &str,
        link: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, String> {
        let (date, time) = (date.trim(), time.trim());
        if date.is_empty() || time.is_empty() {
            return Err("Para agendar, informe a data e a hora do encontro.".into());
        }
        let day = parse_date(date).ok_or("Data do agendamento inválida: use dd/mm/aaaa.")?;
        let at = parse_time(time).ok_or("Hora do agendamento inválida: use hh:mm, como 14:30.")?;
        let starts_at = sao_paulo_instant(day.and_time(at));
        if starts_at < now - Duration::minutes(PAST_TOLERANCE_MINUTES) {
            return Err(format!(
                "A data e a hora do agendamento ({}) já passaram: escolha um horário futuro.",
                describe_when(starts_at, now)
            ));
        }
        if starts_at > now + Duration::days(365 * MAX_YEARS_AHEAD) {
            return Err(format!(
                "O agendamento pode ser marcado para até {MAX_YEARS_AHEAD} anos a partir de hoje: confira o ano."
            ));
        }
        let place = place.trim();
        check(place, Lines::One).map_err(|why| format!("Local: {why}"))?;
        if place.chars().count() > MAX_PLACE_CHARS {
            return Err(format!(
                "O local pode ter até {MAX_PLACE_CHARS} caracteres."
            ));
        }
        let link = link.trim();
        if link.chars().count() > MAX_LINK_CHARS {
            return Err(format!(
                "O link da videochamada pode ter até {MAX_LINK_CHARS} caracteres."
            ));
        }
        if !link.is_empty() && !is_web_link(link) {
            return Err(
                "O link da videochamada deve ser um endereço completo, começando com https:// (ou http://)."
                    .into(),
            );
        }
        Ok(Self {
            starts_at,
            place: (!place.is_empty()).then(|| place.to_string()),
            video_url: (!link.is_empty()).then(|| link.to_string()),
        })
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
        .filter(|d| d.year() >= 2000)
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.to_lowercase();
    let s = s.strip_suffix('h').unwrap_or(&s);
    let (h, m) = s.split_once([':', 'h']).unwrap_or((s, "0"));
    let m = if m.is_empty() { "0" } else { m };
    // Seconds, which some time pickers add ("14:30:00"), are dropped.
    let m = m.split(':').next().unwrap_or("0");
    NaiveTime::from_hms_opt(h.trim().parse().ok()?, m.trim().parse().ok()?, 0)
}

/// A São Paulo wall-clock time as an instant. São Paulo has had no DST since 2019; an old
/// date in a DST gap or overlap takes the earlier reading, else the time as UTC-3.
pub fn sao_paulo_instant(local: NaiveDateTime) -> DateTime<Utc> {
    Sao_Paulo
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&(local + Duration::hours(3))))
}

/// An absolute http(s) link with a host and nothing a link cannot hold (spaces, control
/// characters, quotes or angle brackets).
pub fn is_web_link(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let rest = match lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        Some(r) => r,
        None => return false,
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty()
        && !host.starts_with(['.', ':', '@'])
        && s.chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && !matches!(c, '"' | '<' | '>'))
}

const WEEKDAYS: [&str; 7] = ["seg.", "ter.", "qua.", "qui.", "sex.", "sáb.", "dom."];

/// "qui., 10/12 às 14:30" in São Paulo time; with the year when it is not this year's.
pub fn describe_when(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Sao_Paulo);
    let weekday = WEEKDAYS[local.weekday().num_days_from_monday() as usize];
    let date = if local.year() == now.with_timezone(&Sao_Paulo).year() {
        local.format("%d/%m").to_string()
    } else {
        local.format("%d/%m/%Y").to_string()
    };
    format!("{weekday}, {date} às {}", local.format("%H:%M"))
}

/// The time as a reminder says it to the lead: "hoje, qui. 10/12 às 14:30", "amanhã, qui.
/// 10/12 às 14:30", else "qui. 10/12 às 14:30" (São Paulo; the year when not this year's).
pub fn in_words(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let day = at.with_timezone(&Sao_Paulo).date_naive();
    let today = now.with_timezone(&Sao_Paulo).date_naive();
    // "qui., 10/12 às 14:30" without the comma: it reads as one phrase after "hoje, ".
    let when = describe_when(at, now).replacen(", ", " ", 1);
    if day == today {
        format!("hoje, {when}")
    } else if day == today + Duration::days(1) {
        format!("amanhã, {when}")
    } else {
        when
    }
}

/// The lead's answer to a reminder (`appointments.lead_answer`), as the pages say it.
pub fn answer_label(answer: Option<&str>) -> Option<&'static str> {
    match answer {
        Some("confirmado") => Some("Confirmado"),
        Some("remarcar") => Some("Pediu para remarcar"),
        _ => None,
    }
}

/// The line a card and the lead page show: "Agendado para qui., 10/12 às 14:30 · Local: …
/// · Videochamada".
pub fn describe(at: DateTime<Utc>, place: Option<&str>, video: bool, now: DateTime<Utc>) -> String {
    let mut s = format!("Agendado para {}", describe_when(at, now));
    if let Some(p) = place {
        s.push_str(&format!(" · Local: {p}"));
    }
    if video {
        s.push_str(" · Videochamada");
    }
    s
}

/// The form's values for a stored time: ("2026-12-10", "14:30"), São Paulo.
pub fn form_values(at: DateTime<Utc>) -> (String, String) {
    let local = at.with_timezone(&Sao_Paulo);
    (
        local.format("%Y-%m-%d").to_string(),
        local.format("%H:%M").to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        // Monday 07/12/2026 09:00 in São Paulo.
        Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap()
    }

    #[test]
    fn reads_a_sao_paulo_date_and_time() {
        let a = AppointmentInput::parse("2026-12-10", "14:30", "", "", now()).unwrap();
        assert_eq!(
            a.starts_at,
            Utc.with_ymd_and_hms(2026, 12, 10, 17, 30, 0).unwrap()
        );
        assert_eq!((a.place, a.video_url), (None, None));
        for (d, t) in [("10/12/2026", "14h30"), (" 2026-12-10 ", "14:30:00")] {
            let b = AppointmentInput::parse(d, t, "", "", now()).unwrap();
            assert_eq!(b.starts_at, a.starts_at, "{d} {t}");
        }
        let h = AppointmentInput::parse("2026-12-10", "9h", "", "", now()).unwrap();
        assert_eq!(
            h.starts_at,
            Utc.with_ymd_and_hms(2026, 12, 10, 12, 0, 0).unwrap()
        );
    }

    #[test]
    fn refuses_what_is_missing_malformed_or_past() {
        let e = |d: &str, t: &str| AppointmentInput::parse(d, t, "", "", now()).unwrap_err();
        assert!(e("", "14:30").contains("informe a data e a hora"));
        assert!(e("2026-12-10", "").contains("informe a data e a hora"));
        assert!(e("31/02/2026", "10:00").contains("Data do agendamento inválida"));
        assert!(e("2026-12-10", "25:00").contains("Hora do agendamento inválida"));
        let past = e("2026-12-06", "10:00");
        assert!(
            past.contains("já passaram") && past.contains("dom., 06/12 às 10:00"),
            "{past}"
        );
        assert!(e("2031-01-01", "10:00").contains("até 2 anos"));
        // A few minutes ago still passes: the meeting starting now.
        assert!(AppointmentInput::parse("2026-12-07", "08:55", "", "", now()).is_ok());
    }

    #[test]
    fn checks_the_place_and_the_link() {
        let p = |place: &str, link: &str| {
            AppointmentInput::parse("2026-12-10", "10:00", place, link, now())
        };
        let ok = p(
            "  Rua das Flores, 10 ",
            "https://meet.google.com/abc-defg-hij",
        )
        .unwrap();
        assert_eq!(ok.place.as_deref(), Some("Rua das Flores, 10"));
        assert_eq!(
            ok.video_url.as_deref(),
            Some("https://meet.google.com/abc-defg-hij")
        );
        assert!(p(&"x".repeat(201), "").unwrap_err().contains("até 200"));
        assert!(p("linha\nquebrada", "").unwrap_err().starts_with("Local:"));
        for bad in [
            "javascript:alert(1)",
            "meet.google.com/x",
            "https://",
            "https://a b.com",
            "ftp://x.com",
            "https://x.com/\"><b>",
        ] {
            assert!(p("", bad).unwrap_err().contains("https://"), "{bad}");
        }
        assert!(p("", &format!("https://x.com/{}", "a".repeat(500)))
            .unwrap_err()
            .contains("até 500"));
        assert!(p("", "HTTP://Zoom.us/j/123?pwd=x").is_ok());
    }

    #[test]
    fn describes_in_sao_paulo_time() {
        let at = Utc.with_ymd_and_hms(2026, 12, 10, 17, 30, 0).unwrap();
        assert_eq!(
            describe(at, Some("Rua X"), true, now()),
            "Agendado para qui., 10/12 às 14:30 · Local: Rua X · Videochamada"
        );
        let next_year = Utc.with_ymd_and_hms(2027, 1, 2, 2, 0, 0).unwrap();
        // 02:00 UTC is still the evening before in São Paulo.
        assert_eq!(
            describe(next_year, None, false, now()),
            "Agendado para sex., 01/01/2027 às 23:00"
        );
        assert_eq!(form_values(at), ("2026-12-10".into(), "14:30".into()));
    }

    #[test]
    fn says_the_time_in_words_for_the_lead() {
        let tomorrow = Utc.with_ymd_and_hms(2026, 12, 8, 17, 30, 0).unwrap();
        assert_eq!(in_words(tomorrow, now()), "amanhã, ter. 08/12 às 14:30");
        let today = Utc.with_ymd_and_hms(2026, 12, 7, 20, 0, 0).unwrap();
        assert_eq!(in_words(today, now()), "hoje, seg. 07/12 às 17:00");
        let later = Utc.with_ymd_and_hms(2026, 12, 10, 17, 30, 0).unwrap();
        assert_eq!(in_words(later, now()), "qui. 10/12 às 14:30");
        assert_eq!(answer_label(Some("remarcar")), Some("Pediu para remarcar"));
        assert_eq!(answer_label(None), None);
    }
}
