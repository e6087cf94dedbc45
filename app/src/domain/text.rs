//! Text a person can have typed: what every form field is checked against before anything is
//! stored. A browser can send any character, and PostgreSQL refuses the NUL character in
//! text (a 500 once); the other control characters are invisible, break CSV exports and
//! WhatsApp messages, and no keyboard types them. Newlines and tabs pass only where the field
//! is a box of several lines.

/// Whether a field holds one line (an input) or several (a text area).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// `Ok` when `value` has no control character (but newlines and tabs in a `Many` field);
/// otherwise what is wrong, for a message shown at the field itself.
pub fn check(value: &str, lines: Lines) -> Result<(), &'static str> {
    let allowed = |c: char| lines == Lines::Many && matches!(c, '\n' | '\r' | '\t');
    match value.chars().find(|&c| c.is_control() && !allowed(c)) {
        None => Ok(()),
        Some('\n' | '\r' | '\t') => Err("Use uma linha só, sem quebras de linha nem tabulações."),
        Some(_) => Err(
            "O texto tem um caractere invisível que não pode ser salvo. Apague-o (ou digite o \
             texto de novo) e tente outra vez.",
        ),
    }
}

/// [`check`], with the message naming the field by `label`, as the form shows it (for a
/// message shown at the top of the form).
pub fn printable(label: &str, value: &str, lines: Lines) -> Result<(), String> {
    check(value, lines).map_err(|why| format!("{label}: {why}"))
}

/// A message as one short line (a card's preview): spaces and line breaks collapsed, cut at
/// a word within `max` characters, with "…" when cut.
pub fn preview(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    for word in &words {
        let extra = usize::from(!out.is_empty()) + word.chars().count();
        if out.chars().count() + extra > max {
            if out.is_empty() {
                out = word.chars().take(max).collect();
            }
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_is_one_short_line_cut_at_a_word() {
        assert_eq!(preview("Oi,\n\ntudo  bem?", 90), "Oi, tudo bem?");
        assert_eq!(
            preview("Quero saber o preço do plano", 15),
            "Quero saber o…"
        );
        assert_eq!(preview("Supercalifragilístico", 5), "Super…");
        assert_eq!(preview("", 10), "");
    }

    #[test]
    fn refuses_control_characters_naming_the_field() {
        let e = printable("Nome", "Ana\0", Lines::One).unwrap_err();
        assert!(e.starts_with("Nome: "), "{e}");
        assert!(e.contains("caractere invisível"));
        assert!(printable("Nota", "a\u{7f}b", Lines::Many).is_err());
        assert!(printable("Nota", "a\u{1b}[31m", Lines::Many).is_err());
        assert!(printable("Nota", "a\u{85}b", Lines::Many).is_err());
    }

    #[test]
    fn newlines_only_where_a_field_has_several_lines() {
        assert!(printable("Nota", "linha 1\r\nlinha 2\tok", Lines::Many).is_ok());
        let e = printable("E-mail", "a@b.com\n", Lines::One).unwrap_err();
        assert!(e.starts_with("E-mail: Use uma linha só"), "{e}");
    }

    #[test]
    fn ordinary_text_passes() {
        for s in [
            "",
            "Márcia Ção 😀",
            "R$ 1.200,00 — à vista",
            "\u{200b}zero-width is not control",
        ] {
            assert!(printable("Campo", s, Lines::One).is_ok(), "{s}");
        }
    }
}
