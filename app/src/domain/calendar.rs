//! An appointment in other people's calendars: an iCalendar file (RFC 5545) to download, and
//! a link that opens Google Agenda's "new event" page filled in. Pure functions.

use chrono::{DateTime, Utc};

/// One event, as both forms carry it.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEvent {
    /// Stable across downloads (the appointment's id), so a calendar updates the event
    /// instead of adding a second one.
    pub uid: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    pub location: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
}

/// `20261210T173000Z`: the UTC form both iCalendar and Google's link take.
pub fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The `.ics` file: one VEVENT, CRLF line endings, text escaped, lines folded at 75 octets.
pub fn ics(event: &CalendarEvent, now: DateTime<Utc>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Consultor//Agendamentos//PT-BR".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:{}", escape_text(&event.uid)),
        format!("DTSTAMP:{}", utc_stamp(now)),
        format!("DTSTART:{}", utc_stamp(event.starts_at)),
        format!("DTEND:{}", utc_stamp(event.ends_at)),
        format!("SUMMARY:{}", escape_text(&event.summary)),
    ];
    if let Some(l) = &event.location {
        lines.push(format!("LOCATION:{}", escape_text(l)));
    }
    // URL is a URI value, not text: never escaped (the link was checked when saved and holds
    // no space, quote or control character).
    if let Some(u) = &event.url {
        lines.push(format!("URL:{u}"));
    }
    if let Some(d) = &event.description {
        lines.push(format!("DESCRIPTION:{}", escape_text(d)));
    }
    lines.extend(["END:VEVENT".to_string(), "END:VCALENDAR".into()]);
    lines.iter().map(|l| fold_line(l) + "\r\n").collect()
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, a line break
/// written `\n`; other control characters dropped (no field lets them in, but the file must
/// stay well formed whatever a row holds).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line (RFC 5545 §3.1): no line longer than 75 octets, each continuation
/// starting with one space; a break never falls inside a UTF-8 character.
pub fn fold_line(line: &str) -> String {
    const MAX: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / MAX * 3);
    // The first line holds 75 octets; a continuation 74 after its leading space.
    let mut room = MAX;
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > room {
            out.push_str("\r\n ");
            room = MAX - 1;
            used = 0;
        }
        out.push(c);
        used += n;
    }
    out
}

/// Google Agenda's "new event" page for the event (opened in a new tab; nothing is sent to
/// Google until the consultant saves it there).
pub fn google_calendar_link(event: &CalendarEvent) -> String {
    let mut url = format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}/{}",
        percent_encode(&event.summary),
        utc_stamp(event.starts_at),
        utc_stamp(event.ends_at)
    );
    let details = match (&event.description, &event.url) {
        (Some(d), Some(u)) => Some(format!("{d}\n{u}")),
        (Some(d), None) => Some(d.clone()),
        (None, Some(u)) => Some(u.clone()),
        (None, None) => None,
    };
    if let Some(d) = details {
        url.push_str("&details=");
        url.push_str(&percent_encode(&d));
    }
    if let Some(l) = &event.location {
        url.push_str("&location=");
        url.push_str(&percent_encode(l));
    }
    url
}

/// Percent-encodes everything but RFC 3986's unreserved characters (UTF-8 octets).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event() -> CalendarEvent {
        CalendarEvent {
            uid: "0b6c@consultor".into(),
            starts_at: Utc.with_ymd_and_hms(2026, 12, 10, 17, 30, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2026, 12, 10, 18, 30, 0).unwrap(),
            summary: "Reunião com João; plano, família".into(),
            location: Some("Rua A, 10\\sala 2".into()),
            url: Some("https://meet.example.com/x?a=1&b=2".into()),
            description: Some("Linha 1\r\nLinha 2\nfim".into()),
        }
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\rg"),
            "a\\\\b\\;c\\,d\\ne\\nf\\ng"
        );
        assert_eq!(escape_text("sem\u{0}nulo\u{7}"), "semnulo");
        assert_eq!(escape_text("ção 😀"), "ção 😀");
    }

    #[test]
    fn writes_one_event_with_crlf_lines_in_utc() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap();
        let f = ics(&event(), now);
        assert!(f.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(f.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(!f.replace("\r\n", "").contains('\n'), "a bare LF: {f:?}");
        for line in [
            "UID:0b6c@consultor",
            "DTSTAMP:20261207T120000Z",
            "DTSTART:20261210T173000Z",
            "DTEND:20261210T183000Z",
            "SUMMARY:Reunião com João\\; plano\\, família",
            "LOCATION:Rua A\\, 10\\\\sala 2",
            "URL:https://meet.example.com/x?a=1&b=2",
            "DESCRIPTION:Linha 1\\nLinha 2\\nfim",
        ] {
            assert!(f.contains(&format!("\r\n{line}\r\n")), "{line} in {f}");
        }
    }

    #[test]
    fn folds_at_75_octets_without_splitting_a_character() {
        let ascii = format!("SUMMARY:{}", "a".repeat(200));
        let folded = fold_line(&ascii);
        let parts: Vec<&str> = folded.split("\r\n").collect();
        assert_eq!(parts[0].len(), 75);
        assert!(parts[1..]
            .iter()
            .all(|p| p.starts_with(' ') && p.len() <= 75));
        assert_eq!(
            folded.replace("\r\n ", ""),
            ascii,
            "unfolding gives the line back"
        );

        // Two-, three- and four-octet characters across the boundary.
        for c in ['ç', '€', '😀'] {
            for pad in 0..4 {
                let line = format!(
                    "LOCATION:{}{}",
                    "x".repeat(60 + pad),
                    c.to_string().repeat(30)
                );
                let folded = fold_line(&line);
                for part in folded.split("\r\n") {
                    assert!(part.len() <= 75, "{} octets: {part:?}", part.len());
                    // Each part is whole UTF-8 (a &str could not hold a split character; a
                    // split would also lose characters on unfolding).
                }
                assert_eq!(folded.replace("\r\n ", ""), line, "{c} pad {pad}");
                // Lines are filled: a part is shorter than 75 octets only by less than the
                // next character.
                let parts: Vec<&str> = folded.split("\r\n").collect();
                for p in &parts[..parts.len() - 1] {
                    assert!(p.len() + c.len_utf8() > 75, "{} octets: {p:?}", p.len());
                }
            }
        }
        assert_eq!(fold_line("SHORT:x"), "SHORT:x");
        assert_eq!(fold_line(&"a".repeat(75)), "a".repeat(75));
    }

    #[test]
    fn links_to_google_calendar_encoded() {
        let link = google_calendar_link(&event());
        assert!(link.starts_with(
            "https://calendar.google.com/calendar/render?action=TEMPLATE&text=Reuni%C3%A3o%20com%20Jo%C3%A3o%3B%20plano%2C%20fam%C3%ADlia&dates=20261210T173000Z/20261210T183000Z&details="
        ), "{link}");
        assert!(link.contains("&details=Linha%201%0D%0ALinha%202%0Afim%0Ahttps%3A%2F%2Fmeet.example.com%2Fx%3Fa%3D1%26b%3D2"), "{link}");
        assert!(
            link.ends_with("&location=Rua%20A%2C%2010%5Csala%202"),
            "{link}"
        );
        assert_eq!(percent_encode("a&b=c <>\"#"), "a%26b%3Dc%20%3C%3E%22%23");
    }
}
