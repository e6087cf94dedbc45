//! Consent on WhatsApp (LGPD, issue #10): the privacy notice that goes with the bot's first
//! reply, and the words a lead writes to stop the bot (SAIR, PARAR, CANCELAR) or to let it
//! write again (VOLTAR).

use super::flow::normalise;

/// What a message asks of the lead's consent, when it is only one of the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    Stop,
    Resume,
}

/// The whole message must be the word (any case, accents, spaces or punctuation around it):
/// "quero sair do plano antigo" is an answer, not a request.
pub fn keyword(text: &str) -> Option<Keyword> {
    let word: String = normalise(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    match word.as_str() {
        "sair" | "parar" | "cancelar" => Some(Keyword::Stop),
        "voltar" => Some(Keyword::Resume),
        _ => None,
    }
}

/// The one message an opted-out lead gets.
pub fn stopped_message(consultant_first_name: &str) -> String {
    format!(
        "Pronto: você não vai mais receber mensagens automáticas de {consultant_first_name} por \
         aqui. Se mudar de ideia, é só escrever VOLTAR."
    )
}

pub fn resumed_message() -> String {
    "Que bom ter você de volta! Pode continuar de onde parou.".to_string()
}

/// The notice that goes with the first reply of a conversation.
pub fn privacy_notice(consultant_first_name: &str, privacy_url: &str) -> String {
    format!(
        "Seus dados (nome, número e respostas) são usados por {consultant_first_name} só para \
         atender você, conforme a LGPD. Saiba mais e veja seus direitos: {privacy_url} . Para \
         não receber mais mensagens, escreva SAIR."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_alone_in_any_case_with_or_without_accents() {
        for stop in [
            "SAIR",
            "sair",
            " Sair! ",
            "PARAR",
            "parar.",
            "Cancelar",
            "CANCELAR 🙏",
        ] {
            assert_eq!(keyword(stop), Some(Keyword::Stop), "{stop}");
        }
        for resume in ["VOLTAR", "voltar", "Voltár"] {
            assert_eq!(keyword(resume), Some(Keyword::Resume), "{resume}");
        }
        for answer in [
            "quero sair do plano antigo",
            "sai",
            "Parará",
            "",
            "voltarei",
        ] {
            assert_eq!(keyword(answer), None, "{answer}");
        }
    }

    #[test]
    fn the_notice_links_the_privacy_page() {
        let n = privacy_notice("Joana", "https://consultor.app/c/joana/privacidade");
        assert!(n.contains("https://consultor.app/c/joana/privacidade"));
        assert!(n.contains("SAIR"));
        assert!(n.chars().count() <= 1024, "fits a WhatsApp text");
    }
}
