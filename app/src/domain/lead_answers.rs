//! A lead's stored answers (`leads.respostas`: step id → value) as a person reads them: the
//! flow's question beside the option's label, not `perfil: familia`.

use super::flow::{FlowDefinition, StepKind};
use std::collections::BTreeMap;

/// One answer, labelled.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LabelledAnswer {
    pub step: String,
    pub question: String,
    pub value: String,
    pub label: String,
}

/// Every answer in the flow's order, then any the flow no longer asks (kept, never hidden:
/// a flow edited after the lead answered still shows what the lead said).
pub fn labelled(
    def: Option<&FlowDefinition>,
    answers: &BTreeMap<String, String>,
) -> Vec<LabelledAnswer> {
    let mut out = Vec::new();
    if let Some(def) = def {
        for step in &def.etapas {
            let Some(value) = answers.get(&step.id) else {
                continue;
            };
            let label = step
                .opcoes
                .iter()
                .find(|c| &c.valor == value)
                .map(|c| c.rotulo.clone())
                .unwrap_or_else(|| value.clone());
            out.push(LabelledAnswer {
                step: step.id.clone(),
                question: question_title(&step.pergunta, &step.id),
                value: value.clone(),
                label,
            });
        }
    }
    for (step, value) in answers {
        if !out.iter().any(|a| &a.step == step) {
            out.push(LabelledAnswer {
                step: step.clone(),
                question: step.clone(),
                value: value.clone(),
                label: value.clone(),
            });
        }
    }
    out
}

/// Every step of the flow with its question as a short title, in flow order: the CSV's
/// columns and the answer filters.
pub fn questions(def: &FlowDefinition) -> Vec<(String, String)> {
    def.etapas
        .iter()
        .map(|s| (s.id.clone(), question_title(&s.pergunta, &s.id)))
        .collect()
}

/// The steps that take an answer (multiple choice and free text), as [`questions`] names
/// them: a message or the goodbye has none, and is no column of an export.
pub fn asked_questions(def: &FlowDefinition) -> Vec<(String, String)> {
    def.etapas
        .iter()
        .zip(questions(def))
        .filter(|(s, _)| matches!(s.tipo, StepKind::Escolha | StepKind::Texto))
        .map(|(_, q)| q)
        .collect()
}

/// The two or three answers a card shows, each with its question (a bare "Sim" says
/// nothing): the multiple-choice ones, in flow order (the name is already the card's title).
pub fn key_answers(
    def: Option<&FlowDefinition>,
    answers: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let choice_steps: Vec<&str> = def
        .map(|d| {
            d.etapas
                .iter()
                .filter(|s| s.tipo == StepKind::Escolha)
                .map(|s| s.id.as_str())
                .collect()
        })
        .unwrap_or_default();
    labelled(def, answers)
        .into_iter()
        .filter(|a| {
            a.step != "nome" && (choice_steps.is_empty() || choice_steps.contains(&a.step.as_str()))
        })
        .take(3)
        .map(|a| (a.question, a.label))
        .collect()
}

/// A question as a short title: the last sentence of its first line, without
/// `{{placeholders}}` or a trailing colon ("Prazer, {{nome}}! Você busca plano para:" reads
/// "Você busca plano para").
pub fn question_title(pergunta: &str, fallback: &str) -> String {
    let first = pergunta
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let mut plain = String::new();
    let mut rest = first;
    while let Some(start) = rest.find("{{") {
        plain.push_str(&rest[..start]);
        rest = rest[start..]
            .find("}}")
            .map(|end| &rest[start + end + 2..])
            .unwrap_or("");
    }
    plain.push_str(rest);
    let last_sentence = plain
        .split_inclusive(['.', '!'])
        .map(|s| s.trim_matches(|c: char| c.is_whitespace() || ",;.!".contains(c)))
        .rfind(|s| !s.is_empty())
        .unwrap_or("");
    let t = last_sentence.trim_end_matches(':').trim();
    if t.is_empty() {
        fallback.to_string()
    } else {
        t.to_string()
    }
}

/// The answers stored as JSON (`{"perfil": "familia"}`), strings only.
pub fn from_json(v: &serde_json::Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Longest corrected answer kept (a free-text answer, as a person would type it).
pub const MAX_CORRECTED: usize = 500;

/// The consultant's correction of stored answers (LGPD: the right to correction). Only
/// answers the lead gave can be corrected; a choice must stay one of the step's options and
/// a validated text passes its step's check. Returns the answers that change, or for each
/// refused one its step and why.
pub fn correct(
    def: Option<&FlowDefinition>,
    current: &BTreeMap<String, String>,
    submitted: &[(String, String)],
) -> Result<BTreeMap<String, String>, Vec<(String, String)>> {
    let mut changed = BTreeMap::new();
    let mut refused = Vec::new();
    for (step_id, raw) in submitted {
        let Some(old) = current.get(step_id) else {
            refused.push((step_id.clone(), "Esta resposta não existe.".to_string()));
            continue;
        };
        let step = def.and_then(|d| d.step(step_id));
        let value = match step {
            Some(s) if s.tipo == StepKind::Escolha => {
                match s.opcoes.iter().find(|c| c.valor == raw.trim()) {
                    Some(c) => Ok(c.valor.clone()),
                    None => Err("Escolha uma das opções.".to_string()),
                }
            }
            Some(s) if s.validacao.is_some() => s
                .validacao
                .expect("checked")
                .check(raw)
                .map_err(str::to_string),
            _ => {
                let t = raw.trim();
                if let Err(why) = super::text::check(t, super::text::Lines::Many) {
                    Err(why.to_string())
                } else if t.is_empty() {
                    Err("A resposta não pode ficar vazia.".to_string())
                } else if t.chars().count() > MAX_CORRECTED {
                    Err(format!("Até {MAX_CORRECTED} caracteres."))
                } else {
                    Ok(t.to_string())
                }
            }
        };
        match value {
            Ok(v) if &v != old => {
                changed.insert(step_id.clone(), v);
            }
            Ok(_) => {}
            Err(why) => refused.push((step_id.clone(), why)),
        }
    }
    if refused.is_empty() {
        Ok(changed)
    } else {
        Err(refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrections_keep_choices_to_their_options_and_texts_to_their_checks() {
        let d = def();
        let current: BTreeMap<String, String> = [
            ("nome".to_string(), "Maria".to_string()),
            ("perfil".to_string(), "individual".to_string()),
        ]
        .into();
        let ok = correct(
            Some(&d),
            &current,
            &[
                ("nome".into(), " Maria Souza ".into()),
                ("perfil".into(), "familia".into()),
            ],
        )
        .unwrap();
        assert_eq!(ok.get("nome").map(String::as_str), Some("Maria Souza"));
        assert_eq!(ok.get("perfil").map(String::as_str), Some("familia"));
        // Unchanged answers are not "changes".
        assert!(correct(
            Some(&d),
            &current,
            &[("perfil".into(), "individual".into())]
        )
        .unwrap()
        .is_empty());
        let refused = correct(
            Some(&d),
            &current,
            &[
                ("perfil".into(), "empresa".into()),
                ("idade".into(), "31_45".into()),
                ("nome".into(), "  ".into()),
            ],
        )
        .unwrap_err();
        let steps: Vec<&str> = refused.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(steps, ["perfil", "idade", "nome"]);
    }

    fn def() -> FlowDefinition {
        serde_json::from_value(serde_json::json!({"etapas": [
            {"id": "nome", "tipo": "texto", "pergunta": "Qual é o seu nome?", "proxima": "perfil"},
            {"id": "perfil", "tipo": "escolha", "pergunta": "{{nome}}, você busca plano para:",
             "opcoes": [{"rotulo": "Só eu", "valor": "individual"}, {"rotulo": "Família", "valor": "familia"}],
             "proxima": "idade"},
            {"id": "idade", "tipo": "escolha", "pergunta": "Faixa de idade?",
             "opcoes": [{"rotulo": "31 a 45", "valor": "31_45"}], "proxima": "fim"},
            {"id": "fim", "tipo": "fim", "pergunta": "Obrigado!"}
        ]}))
        .unwrap()
    }

    #[test]
    fn labels_answers_by_question_and_option() {
        let answers = from_json(
            &serde_json::json!({"nome": "Ana", "perfil": "familia", "idade": "31_45", "antigo": "x"}),
        );
        let l = labelled(Some(&def()), &answers);
        assert_eq!(l[1].question, "você busca plano para");
        assert_eq!(
            question_title("Prazer, {{nome}}! Você busca plano para:", "x"),
            "Você busca plano para"
        );
        assert_eq!(
            question_title("Olá! Para começar, qual é o seu nome?", "x"),
            "Para começar, qual é o seu nome?"
        );
        assert_eq!(l[1].label, "Família");
        assert_eq!(l.last().unwrap().step, "antigo");
        let chips: Vec<String> = key_answers(Some(&def()), &answers)
            .into_iter()
            .map(|(_, label)| label)
            .collect();
        assert_eq!(chips, vec!["Família", "31 a 45"]);
        assert_eq!(
            key_answers(Some(&def()), &answers)[0].0,
            "você busca plano para"
        );
    }

    #[test]
    fn without_a_flow_values_show_as_they_are() {
        let answers = from_json(&serde_json::json!({"perfil": "familia", "n": 3}));
        assert_eq!(
            key_answers(None, &answers),
            vec![("perfil".to_string(), "familia".to_string())]
        );
    }
}
