//! The lead's summary at the top of its page ("Plano para família, idade do titular entre 31
//! e 45 anos, aceita coparticipação e cidade Campinas."): written by the configured AI
//! provider, behind the same compliance rules as the answers, with the built-in writer (the
//! answers worded by their questions, as the built-in responder words them) when there is no
//! provider, it fails, or its words do not pass.

use super::compliance::check;
use super::wording::{join_br, phrases, Asked};
use super::Prompt;
use crate::domain::flow::FlowDefinition;
use crate::domain::validators::Validation;
use crate::domain::Vertical;
use std::collections::BTreeMap;

/// The longest summary kept (the database holds 600).
pub const MAX_CHARS: usize = 300;

/// What a summary is written from: the answers as the lead saw them, each with what its
/// step asked. Personal data (name, e-mail, phone, CPF) is left out: the page already shows
/// it, and it is not for an outside provider.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryInput {
    pub vertical: Vertical,
    /// (step, question, answer label), in flow order.
    pub answers: Vec<(Asked, String)>,
}

impl SummaryInput {
    pub fn new(
        vertical: Vertical,
        def: Option<&FlowDefinition>,
        answers: &BTreeMap<String, String>,
    ) -> Self {
        let labelled = crate::domain::lead_answers::labelled(def, answers);
        let answers = labelled
            .into_iter()
            .filter_map(|a| {
                let step = def.and_then(|d| d.step(&a.step));
                let asked = match step {
                    Some(s) => Asked::of(s),
                    None => Asked {
                        step: a.step.clone(),
                        question: a.question.clone(),
                        lead_in: false,
                        free_text: true,
                        validation: None,
                    },
                };
                let personal = a.step.eq_ignore_ascii_case("nome")
                    || matches!(
                        asked.validation,
                        Some(
                            Validation::Nome
                                | Validation::Email
                                | Validation::Telefone
                                | Validation::Cpf
                        )
                    );
                (!personal).then_some((asked, a.label))
            })
            .collect();
        Self { vertical, answers }
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }
}

/// The built-in summary: every answer worded by its question, in one sentence.
pub fn builtin_summary(input: &SummaryInput) -> String {
    let asked: Vec<Asked> = input.answers.iter().map(|(a, _)| a.clone()).collect();
    let pairs: Vec<(String, String)> = input
        .answers
        .iter()
        .map(|(a, label)| (a.step.clone(), label.clone()))
        .collect();
    let text = join_br(&phrases(&asked, &pairs));
    if text.is_empty() {
        return String::new();
    }
    let mut chars = text.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    cap(&format!("{first}{}.", chars.as_str()))
}

/// What the provider is asked (the answers only, never who the lead is).
pub fn summary_prompt(input: &SummaryInput) -> Prompt {
    let system = format!(
        "Você resume para um consultor de {area} no Brasil o que um cliente respondeu ao \
         atendimento automático. Escreva em português do Brasil uma única frase de até 200 \
         caracteres, só com o que está nas respostas, sem inventar, sem saudação, sem nomes e \
         sem prometer preços, aprovação, prazos de carência ou coberturas.",
        area = input.vertical.label().to_lowercase(),
    );
    let mut user = String::from("Respostas do cliente:\n");
    for (asked, label) in &input.answers {
        user.push_str(&format!("- {}: {label}\n", asked.question));
    }
    Prompt { system, user }
}

/// The provider's words as a summary, if they may be shown: one paragraph, not empty, not
/// too long, and none of what an answer may not say (a summary carries no disclaimer).
pub fn accept(vertical: Vertical, text: &str) -> Option<String> {
    let one_line = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let one_line = one_line.trim_matches('"').trim().to_string();
    if one_line.is_empty() || one_line.chars().count() > MAX_CHARS {
        return None;
    }
    if crate::domain::text::check(&one_line, crate::domain::text::Lines::One).is_err() {
        return None;
    }
    let refused = check(vertical, &one_line)
        .into_iter()
        .any(|f| f.code != "disclaimer_ausente");
    (!refused).then_some(one_line)
}

/// At most [`MAX_CHARS`], cut at a word with "…".
fn cap(text: &str) -> String {
    if text.chars().count() <= MAX_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_CHARS - 1).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', ';', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> FlowDefinition {
        serde_json::from_value(serde_json::json!({"etapas": [
            {"id": "nome", "tipo": "texto", "validacao": "nome", "pergunta": "Qual é o seu nome?", "proxima": "perfil"},
            {"id": "perfil", "tipo": "escolha", "pergunta": "Prazer, {{nome}}! Você busca plano para:", "opcoes": [
                {"rotulo": "Só eu", "valor": "individual"},
                {"rotulo": "Família", "valor": "familia", "pontos": 2}
            ], "proxima": "copart"},
            {"id": "copart", "tipo": "escolha", "pergunta": "Aceita coparticipação para pagar menos?", "opcoes": [
                {"rotulo": "Sim", "valor": "sim"},
                {"rotulo": "Não", "valor": "nao"}
            ], "proxima": "cidade"},
            {"id": "cidade", "tipo": "texto", "pergunta": "Em qual cidade você mora?", "proxima": "fim"},
            {"id": "fim", "tipo": "fim"}
        ]}))
        .unwrap()
    }

    fn answers() -> BTreeMap<String, String> {
        [
            ("nome", "Maria Souza"),
            ("perfil", "familia"),
            ("copart", "sim"),
            ("cidade", "campinas"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn the_builtin_summary_words_the_answers_and_leaves_the_name_out() {
        let input = SummaryInput::new(Vertical::HealthPlans, Some(&def()), &answers());
        assert_eq!(
            builtin_summary(&input),
            "Plano para família, aceita coparticipação para pagar menos e cidade Campinas."
        );
        let prompt = summary_prompt(&input);
        assert!(
            prompt.user.contains("- Você busca plano para: Família\n"),
            "{}",
            prompt.user
        );
        assert!(
            !prompt.user.contains("Maria"),
            "no name goes out: {}",
            prompt.user
        );
        assert!(builtin_summary(&SummaryInput::new(
            Vertical::HealthPlans,
            Some(&def()),
            &BTreeMap::new()
        ))
        .is_empty());
    }

    #[test]
    fn provider_words_pass_the_same_rules_as_answers() {
        let v = Vertical::HealthPlans;
        assert_eq!(
            accept(v, "  Família de 4 em Campinas,\n aceita coparticipação.  ").as_deref(),
            Some("Família de 4 em Campinas, aceita coparticipação.")
        );
        assert_eq!(accept(v, "Família; plano sem carência garantido."), None);
        assert_eq!(accept(v, ""), None);
        assert_eq!(accept(v, &"longo ".repeat(80)), None);
        assert_eq!(accept(v, "Família\u{0}"), None);
    }

    #[test]
    fn long_summaries_are_cut_at_a_word() {
        let s = cap(&"palavra ".repeat(60));
        assert!(
            s.chars().count() <= MAX_CHARS && s.ends_with("palavra…"),
            "{s}"
        );
    }
}
