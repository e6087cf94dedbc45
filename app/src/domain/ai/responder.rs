//! The built-in responder: a deterministic, personalised answer from the lead's answers and
//! the consultant's profile. Used when no AI provider is configured, and whenever the
//! provider fails, so the lead always gets an answer.

use super::compliance::disclaimer;
use super::prompt::AnswerContext;
use super::wording::{join_br, phrases};
use crate::domain::person_name::{first_name, proper_case};

/// Answers repeated in the closing message: enough to show the lead they were heard.
const MAX_REPEATED: usize = 4;

pub fn builtin_answer(ctx: &AnswerContext) -> String {
    let greeting = match &ctx.lead_name {
        Some(n) if !n.trim().is_empty() => format!("Obrigado, {}!", proper_case(first_name(n))),
        _ => "Obrigado!".to_string(),
    };
    let mut summary = phrases(&ctx.asked, &ctx.answers);
    summary.truncate(MAX_REPEATED);
    let consultant = first_name(&ctx.consultant_name);
    let body = match (&ctx.question, summary.is_empty()) {
        (Some(_), _) => format!(
            "Recebi sua mensagem e já passei para {consultant}, que vai te responder por aqui em breve."
        ),
        (None, true) => format!(
            "{consultant} vai analisar o seu perfil e te chamar por aqui com as melhores opções."
        ),
        (None, false) => format!(
            "Anotei o que você me contou: {}. {consultant} vai separar as opções que mais combinam com você e te chamar por aqui em breve.",
            join_br(&summary)
        ),
    };
    format!("{greeting} {body} {}", disclaimer(ctx.vertical))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ai::{check, Asked};
    use crate::domain::flow::FlowDefinition;
    use crate::domain::Vertical;

    /// The health-plan template's steps, as the conversation asked them.
    fn asked() -> Vec<Asked> {
        let def: FlowDefinition = serde_json::from_value(serde_json::json!({"etapas": [
            {"id": "nome", "tipo": "texto", "validacao": "nome",
             "pergunta": "Olá! Para começar, qual é o seu nome?", "proxima": "perfil"},
            {"id": "perfil", "tipo": "escolha", "pergunta": "Prazer, {{nome}}! Você busca plano para:",
             "opcoes": [{"rotulo": "Família", "valor": "familia"}], "proxima": "idade"},
            {"id": "idade", "tipo": "escolha", "pergunta": "Qual a faixa de idade do titular?",
             "opcoes": [{"rotulo": "31 a 45 anos", "valor": "31_45"}], "proxima": "copart"},
            {"id": "copart", "tipo": "escolha",
             "pergunta": "Aceita coparticipação para pagar menos na mensalidade?",
             "opcoes": [{"rotulo": "Sim", "valor": "sim"}], "proxima": "cidade"},
            {"id": "cidade", "tipo": "texto", "pergunta": "Em qual cidade você mora?", "proxima": "fim"},
            {"id": "fim", "tipo": "fim", "pergunta": "Obrigado!"}
        ]}))
        .unwrap();
        def.etapas.iter().map(Asked::of).collect()
    }

    fn ctx(question: Option<&str>) -> AnswerContext {
        AnswerContext {
            vertical: Vertical::HealthPlans,
            consultant_name: "Joana Conceição".into(),
            consultant_bio: None,
            lead_name: Some("maria souza".into()),
            answers: vec![
                ("nome".into(), "maria souza".into()),
                ("perfil".into(), "Família".into()),
                ("idade".into(), "31 a 45 anos".into()),
                ("copart".into(), "Sim".into()),
                ("cidade".into(), "são paulo".into()),
            ],
            question: question.map(Into::into),
            asked: asked(),
        }
    }

    #[test]
    fn the_closing_message_reads_as_a_person_writes_it() {
        let a = builtin_answer(&ctx(None));
        assert_eq!(a, builtin_answer(&ctx(None)), "deterministic");
        assert!(
            a.starts_with(
                "Obrigado, Maria! Anotei o que você me contou: plano para família, idade do \
                 titular entre 31 e 45 anos, aceita coparticipação para pagar menos na \
                 mensalidade e cidade São Paulo. Joana vai separar"
            ),
            "{a}"
        );
        assert!(check(Vertical::HealthPlans, &a).is_empty(), "{a}");
        let b = builtin_answer(&ctx(Some("Quanto custa?")));
        assert!(b.contains("Recebi sua mensagem"), "{b}");
        assert!(check(Vertical::HealthPlans, &b).is_empty());
    }

    #[test]
    fn an_answer_queued_before_the_questions_were_kept_still_reads_well() {
        let mut old = ctx(None);
        old.asked.clear();
        let a = builtin_answer(&old);
        assert!(
            a.contains("me contou: família, 31 a 45 anos, sim e são paulo. Joana"),
            "{a}"
        );
        assert!(check(Vertical::HealthPlans, &a).is_empty(), "{a}");
        // And the stored context without the field still parses.
        let mut json = serde_json::to_value(&old).unwrap();
        json.as_object_mut().unwrap().remove("asked");
        let back: AnswerContext = serde_json::from_value(json).unwrap();
        assert_eq!(back, old);
    }
}
