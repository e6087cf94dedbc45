//! Meta's refusals of a message, in words a consultant acts on. The Cloud API answers a send
//! (or, later, a `failed` status) with a numeric code; these are the ones a consultant meets
//! when following up (Meta's "error codes" reference, read 2026-12). None of them is retried:
//! each means the same message would be refused again.

/// What the code means for the consultant, when it is one of the known ones.
pub fn explain(code: i64) -> Option<&'static str> {
    Some(match code {
        131047 => "a janela de 24 horas fechou: para escrever a este lead agora, envie um modelo aprovado",
        131049 => "a Meta limitou as mensagens de marketing que este lead recebe: tente mais tarde ou use um modelo de utilidade",
        131050 => "o lead desativou as mensagens de marketing no WhatsApp",
        131026 => "a mensagem não pôde ser entregue (número sem WhatsApp ou versão antiga do aplicativo)",
        131021 => "o destinatário é o próprio número do consultor",
        131042 => "há um problema de pagamento na conta do WhatsApp Business",
        132000 => "o número de variáveis enviado não confere com o do modelo",
        132001 => "o modelo não existe na Meta (ou não neste idioma)",
        132005 => "o texto do modelo, com as variáveis preenchidas, ficou longo demais",
        132007 => "o conteúdo das variáveis foi recusado pela política da Meta",
        132012 => "o formato de uma variável não confere com o do modelo",
        132015 => "o modelo está pausado pela Meta por baixa qualidade",
        132016 => "o modelo foi desativado pela Meta",
        132018 => "uma variável tem quebra de linha, tabulação ou espaços demais",
        130472 => "a Meta não entregou a mensagem a este número (experimento da Meta)",
        _ => return None,
    })
}

/// `"131047: <explanation>"`, or Meta's own text when the code is not a known one.
pub fn describe(code: Option<i64>, meta_text: &str) -> String {
    match (code, code.and_then(explain)) {
        (Some(c), Some(words)) => format!("{c}: {words}"),
        (Some(c), None) => format!("{c}: {meta_text}"),
        (None, _) => meta_text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_are_explained_in_portuguese() {
        for code in [131047, 131049, 132000, 132001, 132015, 132016] {
            assert!(explain(code).is_some(), "{code}");
        }
        assert!(describe(Some(131047), "Re-engagement message").contains("janela de 24 horas"));
        assert_eq!(describe(Some(1), "Unknown"), "1: Unknown");
        assert_eq!(describe(None, "x"), "x");
    }
}
