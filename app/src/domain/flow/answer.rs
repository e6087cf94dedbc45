//! Recognising a lead's answer to a multiple-choice step: by the button or list id, by the
//! option's number, or by its label typed in any case, with or without accents.

use super::definition::{Choice, Step};

fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

/// Lower case, accents folded, punctuation dropped, spaces collapsed: "  Só EU! " → "so eu".
pub fn normalise(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(fold)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The option a reply id (button/list) names.
pub(super) fn by_id<'a>(step: &'a Step, id: &str) -> Option<&'a Choice> {
    step.opcoes.iter().find(|c| c.valor == id)
}

/// The option a typed answer names.
pub(super) fn by_text<'a>(step: &'a Step, text: &str) -> Option<&'a Choice> {
    let trimmed = text.trim();
    let number = trimmed.trim_end_matches(['.', ')', '-', ' ']);
    if let Ok(n) = number.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| step.opcoes.get(i));
    }
    let typed = normalise(trimmed);
    if typed.is_empty() {
        return None;
    }
    step.opcoes
        .iter()
        .find(|c| normalise(&c.rotulo) == typed || normalise(&c.valor) == typed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        assert_eq!(normalise("  Só EU! "), "so eu");
        assert_eq!(normalise("Família"), "familia");
        assert_eq!(normalise("Não sei"), "nao sei");
        assert_eq!(normalise("31_45"), "31 45");
    }
}
