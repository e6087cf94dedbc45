//! The built-in responder: a deterministic, personalised answer from the lead's answers and
//! the consultant's profile. Used when no AI provider is configured, and whenever the
//! provider fails, so the lead always gets an answer.

use super::compliance::disclaimer;
use super::prompt::AnswerContext;
use crate::domain::person_name::first_name;

pub fn builtin_answer(ctx: &AnswerContext) -> String {
    let greeting = match &ctx.lead_name {
        Some(n) => format!("Obrigado, {}!", first_name(n)),
        None => "Obrigado!".to_string(),
    };
    // Free-text answers (a name, a city) are not worth repeating; choices summarise the profile.
    let summary: Vec<String> = ctx
        .answers
        .iter()
        .filter(|(q, _)| !q.eq_ignore_ascii_case("nome"))
        .map(|(_, a)| a.to_lowercase())
        .take(4)
        .collect();
    let consultant = first_name(&ctx.consultant_name);
    let body = match (&ctx.question, summary.is_empty()) {
        (Some(_), _) => format!(
            "Recebi sua mensagem e já passei para {consultant}, que vai te responder por aqui em breve."
        ),
        (None, true) => format!(
            "{consultant} vai analisar o seu perfil e te chamar por aqui com as melhores opções."
        ),
        (None, false) => format!(
            "Anotei seu perfil ({}). {consultant} vai separar as opções que mais combinam com você e te chamar por aqui em breve.",
            summary.join(", ")
        ),
    };
    format!("{greeting} {body} {}", disclaimer(ctx.vertical))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ai::check;
    use crate::domain::Vertical;

    fn ctx(question: Option<&str>) -> AnswerContext {
        AnswerContext {
            vertical: Vertical::HealthPlans,
            consultant_name: "Joana Conceição".into(),
            consultant_bio: None,
            lead_name: Some("Maria Souza".into()),
            answers: vec![
                ("nome".into(), "Maria Souza".into()),
                ("perfil".into(), "Família".into()),
                ("idade".into(), "31 a 45 anos".into()),
            ],
            question: question.map(Into::into),
        }
    }

    #[test]
    fn personal_deterministic_and_compliant() {
        let a = builtin_answer(&ctx(None));
        assert_eq!(a, builtin_answer(&ctx(None)));
        assert!(
            a.starts_with(
                "Obrigado, Maria! Anotei seu perfil (família, 31 a 45 anos). Joana vai separar"
            ),
            "{a}"
        );
        assert!(check(Vertical::HealthPlans, &a).is_empty(), "{a}");
        let b = builtin_answer(&ctx(Some("Quanto custa?")));
        assert!(b.contains("Recebi sua mensagem"), "{b}");
        assert!(check(Vertical::HealthPlans, &b).is_empty());
    }
}
