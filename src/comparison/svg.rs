//! The comparison image as SVG: the consultant (photo, name, registration), the lead's
//! answers, and up to three offers (name, price, details). Pure: the same input gives the same
//! text. Every text is escaped for XML and cut to fit; SVG does not wrap lines, so long details
//! are broken here by an estimate of the font's width.

use std::fmt::Write;

/// 4:5, the shape WhatsApp shows whole in a chat.
pub const WIDTH: u32 = 1080;
pub const HEIGHT: u32 = 1350;
/// The offers an image holds.
pub const MAX_OFFERS: usize = 3;
/// The answers it lists.
pub const MAX_ANSWERS: usize = 5;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Offer {
    pub name: String,
    pub price: String,
    pub details: String,
    /// (MIME type, bytes) of the offer's photo (a property, a car).
    #[serde(skip)]
    pub photo: Option<(String, Vec<u8>)>,
    /// Which library file it came from, for the record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo_file: Option<String>,
}

/// What one image is made of (kept with it in `generated_images.template_data`, without the
/// photo's bytes).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Comparison {
    pub consultant_name: String,
    /// "CRECI 12345-F", "SUSEP 123": shown under the name.
    pub registration: Option<String>,
    /// (MIME type, bytes) of the consultant's photo.
    #[serde(skip)]
    pub photo: Option<(String, Vec<u8>)>,
    pub title: String,
    pub lead_name: Option<String>,
    /// (question, answer), as the lead gave them.
    pub answers: Vec<(String, String)>,
    pub offers: Vec<Offer>,
}

/// A fixed, full input (a health-plan consultant, two answers, three offers, accents, a detail
/// that wraps): the reference image's (`tests.rs`) and the benchmark's.
pub fn example() -> Comparison {
    let offer = |name: &str, price: &str, details: &str| Offer {
        name: name.into(),
        price: price.into(),
        details: details.into(),
        photo: None,
        photo_file: None,
    };
    Comparison {
        consultant_name: "Joana Conceição".into(),
        registration: Some("SUSEP 10.2030.4050".into()),
        photo: None,
        title: "Planos para sua família".into(),
        lead_name: Some("Maria".into()),
        answers: vec![
            ("Para quem".into(), "Família".into()),
            ("Faixa etária".into(), "31 a 45 anos".into()),
        ],
        offers: vec![
            offer(
                "Essencial",
                "R$ 489,90/mês",
                "Enfermaria, rede regional, coparticipação de 30% em consultas e exames",
            ),
            offer(
                "Conforto",
                "R$ 712,00/mês",
                "Apartamento, rede nacional, sem coparticipação",
            ),
            offer(
                "Premium",
                "R$ 1.180,00/mês",
                "Apartamento, reembolso, cobertura internacional em urgências",
            ),
        ],
    }
}

/// XML text: the five characters that would end it, and control characters out.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters, with "…" when cut.
fn cut(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t = t.trim_end().to_string();
        t.push('…');
        t
    }
}

/// Lines of at most `per_line` characters (by words), at most `lines` of them.
fn wrap(s: &str, per_line: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let word = cut(word, per_line);
        if line.is_empty() {
            line = word;
        } else if line.chars().count() + 1 + word.chars().count() <= per_line {
            line.push(' ');
            line.push_str(&word);
        } else {
            out.push(std::mem::take(&mut line));
            line = word;
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    if out.len() > lines {
        out.truncate(lines);
        let last = out.pop().unwrap_or_default();
        out.push(cut(&format!("{last} …"), per_line));
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The whole image.
pub fn svg(c: &Comparison) -> String {
    let mut s = String::with_capacity(8 * 1024);
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Liberation Sans">"##
    );
    s.push_str(r##"<rect width="100%" height="100%" fill="#f8fafc"/>"##);
    s.push_str(r##"<rect width="100%" height="300" fill="#0f766e"/>"##);
    // The consultant: photo in a circle (or the initial), name, registration.
    s.push_str(r##"<clipPath id="foto"><circle cx="170" cy="150" r="95"/></clipPath>"##);
    s.push_str(r##"<circle cx="170" cy="150" r="100" fill="#ffffff"/>"##);
    match &c.photo {
        Some((mime, bytes)) => {
            let _ = write!(
                s,
                r##"<image x="75" y="55" width="190" height="190" preserveAspectRatio="xMidYMid slice" clip-path="url(#foto)" xlink:href="data:{};base64,{}"/>"##,
                esc(mime),
                base64(bytes)
            );
        }
        None => {
            let initial: String = c
                .consultant_name
                .trim()
                .chars()
                .next()
                .map(|ch| ch.to_uppercase().collect())
                .unwrap_or_default();
            let _ = write!(
                s,
                r##"<circle cx="170" cy="150" r="95" fill="#99f6e4"/><text x="170" y="182" font-size="96" font-weight="bold" text-anchor="middle" fill="#0f766e">{}</text>"##,
                esc(&initial)
            );
        }
    }
    let _ = write!(
        s,
        r##"<text x="310" y="140" font-size="56" font-weight="bold" fill="#ffffff">{}</text>"##,
        esc(&cut(&c.consultant_name, 26))
    );
    if let Some(reg) = c.registration.as_deref().filter(|r| !r.trim().is_empty()) {
        let _ = write!(
            s,
            r##"<text x="310" y="200" font-size="34" fill="#ccfbf1">{}</text>"##,
            esc(&cut(reg, 40))
        );
    }
    // The title and who it is for.
    let _ = write!(
        s,
        r##"<text x="70" y="390" font-size="52" font-weight="bold" fill="#0f172a">{}</text>"##,
        esc(&cut(&c.title, 34))
    );
    let mut y = 440;
    if let Some(name) = c.lead_name.as_deref().filter(|n| !n.trim().is_empty()) {
        let _ = write!(
            s,
            r##"<text x="70" y="{y}" font-size="34" fill="#334155">{}</text>"##,
            esc(&cut(&format!("Preparado para {name}"), 50))
        );
        y += 20;
    }
    // What the lead answered: one line each.
    for (question, answer) in c.answers.iter().take(MAX_ANSWERS) {
        y += 48;
        let _ = write!(
            s,
            r##"<text x="70" y="{y}" font-size="30" fill="#475569">{}: <tspan font-weight="bold" fill="#0f172a">{}</tspan></text>"##,
            esc(&cut(question, 30)),
            esc(&cut(answer, 30))
        );
    }
    // The offers, one card each.
    let top = y + 50;
    let offers = c.offers.iter().take(MAX_OFFERS).collect::<Vec<_>>();
    let room = HEIGHT as i32 - 120 - top;
    let card = if offers.is_empty() {
        0
    } else {
        (room / offers.len() as i32).min(260)
    };
    for (i, offer) in offers.iter().enumerate() {
        let y0 = top + i as i32 * card;
        let h = card - 24;
        let _ = write!(
            s,
            r##"<rect x="60" y="{y0}" width="960" height="{h}" rx="24" fill="#ffffff" stroke="#cbd5e1" stroke-width="3"/>"##
        );
        // With a photo, it fills the card's left side and the text moves right.
        let (x, per_line, name_chars) = match &offer.photo {
            Some((mime, bytes)) => {
                let _ = write!(
                    s,
                    r##"<clipPath id="oferta{i}"><rect x="72" y="{}" width="220" height="{}" rx="16"/></clipPath><image x="72" y="{}" width="220" height="{}" preserveAspectRatio="xMidYMid slice" clip-path="url(#oferta{i})" xlink:href="data:{};base64,{}"/>"##,
                    y0 + 12,
                    h - 24,
                    y0 + 12,
                    h - 24,
                    esc(mime),
                    base64(bytes)
                );
                (320, 36, 14)
            }
            None => (100, 52, 26),
        };
        let _ = write!(
            s,
            r##"<text x="{x}" y="{}" font-size="40" font-weight="bold" fill="#0f172a">{}</text>"##,
            y0 + 62,
            esc(&cut(&offer.name, name_chars))
        );
        let _ = write!(
            s,
            r##"<text x="980" y="{}" font-size="40" font-weight="bold" text-anchor="end" fill="#0f766e">{}</text>"##,
            y0 + 62,
            esc(&cut(&offer.price, 16))
        );
        let lines = ((h - 90) / 40).clamp(1, 3) as usize;
        for (n, line) in wrap(&offer.details, per_line, lines).iter().enumerate() {
            let _ = write!(
                s,
                r##"<text x="{x}" y="{}" font-size="30" fill="#475569">{}</text>"##,
                y0 + 112 + n as i32 * 40,
                esc(line)
            );
        }
    }
    let _ = write!(
        s,
        r##"<text x="540" y="{}" font-size="26" text-anchor="middle" fill="#64748b">{}</text>"##,
        HEIGHT - 60,
        esc(&cut(
            &format!(
                "Valores de referência. Confirme as condições com {}.",
                c.consultant_name.trim()
            ),
            80
        ))
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_cut_and_wrapped() {
        assert_eq!(esc("a<b>&\"'\u{0}"), "a&lt;b&gt;&amp;&quot;&apos; ");
        assert_eq!(cut("Plano Família Plus", 10), "Plano Fam…");
        assert_eq!(cut("curto", 10), "curto");
        let lines = wrap("um dois três quatro cinco seis sete oito", 12, 2);
        assert_eq!(lines, vec!["um dois três", "quatro cinc…"]);
        let svg = svg(&Comparison {
            consultant_name: "</text><script>x</script>".into(),
            registration: None,
            photo: None,
            title: "Planos".into(),
            lead_name: Some("Ana".into()),
            answers: vec![("Perfil".into(), "Família".into())],
            offers: vec![Offer {
                name: "A & B".into(),
                price: "R$ 1,00".into(),
                details: "x".into(),
                photo: None,
                photo_file: None,
            }],
        });
        assert!(!svg.contains("<script"));
        assert!(svg.contains("A &amp; B"));
    }
}
