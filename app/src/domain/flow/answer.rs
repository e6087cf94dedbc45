//! Recognising a lead's answer to a multiple-choice step: by the button or list id, by the
//! option's number, or by its label typed in any case, with or without accents; and, for a
//! voice note's transcript, by the one option it names.

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

/// Numbers as a transcript writes them ("opção dois", "a segunda").
const SPOKEN_NUMBERS: [&[&str]; 10] = [
    &["um", "uma", "primeiro", "primeira"],
    &["dois", "duas", "segundo", "segunda"],
    &["tres", "terceiro", "terceira"],
    &["quatro", "quarto", "quarta"],
    &["cinco", "quinto", "quinta"],
    &["seis", "sexto", "sexta"],
    &["sete", "setimo", "setima"],
    &["oito", "oitavo", "oitava"],
    &["nove", "nono", "nona"],
    &["dez", "decimo", "decima"],
];

/// Words a spoken number comes with, dropped before it is read.
const NUMBER_FILLERS: &[&str] = &["a", "o", "e", "opcao", "numero", "alternativa", "quero"];

/// The option a voice note's transcript chooses, when it names exactly one: as typed text
/// would ("Família", "2"), by its number said in words ("opção dois", "a segunda"), or by
/// its label said inside a sentence ("quero o plano familiar, por favor"). A label said
/// right after "não" does not count; when several are named, the longest wins only if it
/// holds the others ("casa de praia" over "casa"); otherwise nothing is chosen and the
/// question is asked again (a guess would store an answer the lead did not give).
pub fn by_speech<'a>(step: &'a Step, transcript: &str) -> Option<&'a Choice> {
    if let Some(c) = by_text(step, transcript) {
        return Some(c);
    }
    let said = normalise(transcript);
    let words: Vec<&str> = said
        .split(' ')
        .filter(|w| !NUMBER_FILLERS.contains(w))
        .collect();
    if let [word] = words.as_slice() {
        if let Some(n) = SPOKEN_NUMBERS.iter().position(|names| names.contains(word)) {
            return step.opcoes.get(n);
        }
        if let Ok(n) = word.parse::<usize>() {
            return n.checked_sub(1).and_then(|i| step.opcoes.get(i));
        }
    }
    let named: Vec<(&Choice, String)> = step
        .opcoes
        .iter()
        .filter_map(|c| {
            [normalise(&c.rotulo), normalise(&c.valor)]
                .into_iter()
                .find(|label| !label.is_empty() && names(&said, label))
                .map(|label| (c, label))
        })
        .collect();
    match named.as_slice() {
        [] => None,
        [(only, _)] => Some(only),
        several => {
            let (longest, label) = several.iter().max_by_key(|(_, l)| l.len())?;
            several
                .iter()
                .all(|(c, l)| std::ptr::eq(*c, *longest) || (l != label && names(label, l)))
                .then_some(*longest)
        }
    }
}

/// Whether `label` is said in `said` as whole words, not right after "não".
fn names(said: &str, label: &str) -> bool {
    let padded = format!(" {said} ");
    let needle = format!(" {label} ");
    padded.match_indices(&needle).any(|(at, _)| {
        let before = &padded[..at];
        !before.ends_with(" nao") && !before.ends_with(" nem")
    })
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

    fn step(labels: &[&str]) -> Step {
        let options: Vec<serde_json::Value> = labels
            .iter()
            .map(|l| serde_json::json!({"rotulo": l, "valor": normalise(l).replace(' ', "_")}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "id": "q", "tipo": "escolha", "pergunta": "Qual?", "opcoes": options
        }))
        .unwrap()
    }

    fn spoken<'a>(s: &'a Step, t: &str) -> Option<&'a str> {
        by_speech(s, t).map(|c| c.rotulo.as_str())
    }

    #[test]
    fn a_transcript_chooses_the_one_option_it_names() {
        let s = step(&["Só eu", "Eu e meu cônjuge", "Família"]);
        assert_eq!(spoken(&s, "Família."), Some("Família"));
        assert_eq!(
            spoken(&s, "Quero o plano para a família, por favor"),
            Some("Família")
        );
        assert_eq!(spoken(&s, "Opção dois."), Some("Eu e meu cônjuge"));
        assert_eq!(spoken(&s, "a terceira"), Some("Família"));
        assert_eq!(spoken(&s, "3"), Some("Família"));
        // "só eu" and "eu e meu cônjuge" are both said: which one is not clear.
        assert_eq!(spoken(&s, "só eu, ou eu e meu cônjuge"), None);
        assert_eq!(spoken(&s, "não sei ainda"), None);
        assert_eq!(spoken(&s, "não família"), None);
        assert_eq!(spoken(&s, ""), None);
    }

    #[test]
    fn the_longer_label_wins_only_when_it_holds_the_other() {
        let s = step(&["Casa", "Casa de praia", "Apartamento"]);
        assert_eq!(spoken(&s, "uma casa de praia"), Some("Casa de praia"));
        assert_eq!(spoken(&s, "uma casa"), Some("Casa"));
        assert_eq!(spoken(&s, "casa ou apartamento"), None);
    }
}
