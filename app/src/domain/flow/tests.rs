//! The engine and validator, case by case.

use super::*;
use chrono::{TimeZone, Utc};
use serde_json::json;

fn def(v: serde_json::Value) -> FlowDefinition {
    serde_json::from_value(v).expect("definition parses")
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 15, 0, 0).unwrap()
}

fn issues(v: serde_json::Value) -> Vec<String> {
    match parse_and_validate(&v) {
        Ok(_) => Vec::new(),
        Err(list) => list.into_iter().map(|i| i.message).collect(),
    }
}

fn sample() -> FlowDefinition {
    def(json!({"etapas": [
        {"id": "boas_vindas", "tipo": "mensagem", "pergunta": "Olá! Vou te fazer umas perguntas.", "proxima": "nome"},
        {"id": "nome", "tipo": "texto", "validacao": "nome", "pergunta": "Qual é o seu nome?", "proxima": "perfil"},
        {"id": "perfil", "tipo": "escolha", "pergunta": "{{nome}}, você busca plano para:",
         "opcoes": [
            {"rotulo": "Só eu", "valor": "individual"},
            {"rotulo": "Família", "valor": "familia"},
            {"rotulo": "Empresa", "valor": "empresa", "proxima": "cnpj"}
         ], "proxima": "fim"},
        {"id": "cnpj", "tipo": "texto", "validacao": "numero", "pergunta": "Quantas vidas?", "proxima": "fim"},
        {"id": "fim", "tipo": "fim", "pergunta": "Obrigado, {{nome}}!"}
    ]}))
}

fn texts(messages: &[Outgoing]) -> Vec<String> {
    messages.iter().map(Outgoing::as_text).collect()
}

// ---- validator -------------------------------------------------------------

#[test]
fn the_seeded_templates_are_valid() {
    let sql = include_str!("../../../../migrations/0006_flow_templates.sql");
    let blocks: Vec<&str> = sql.split("$json$").skip(1).step_by(2).collect();
    assert_eq!(blocks.len(), 4, "one template per vertical");
    for block in blocks {
        let v: serde_json::Value = serde_json::from_str(block).expect("template is JSON");
        assert_eq!(issues(v), Vec::<String>::new());
    }
}

#[test]
fn sample_is_valid() {
    assert!(validate(&sample()).is_ok());
}

#[test]
fn refuses_an_empty_flow() {
    assert_eq!(
        issues(json!({"etapas": []})),
        ["O fluxo não tem nenhuma etapa."]
    );
}

#[test]
fn refuses_unknown_shapes_with_a_readable_message() {
    let e = issues(json!({"etapas": [{"id": "a", "tipo": "video", "pergunta": "x"}]}));
    assert!(
        e[0].starts_with("O fluxo não está no formato esperado"),
        "{e:?}"
    );
    let e = issues(json!({"etapas": [{"id": "a", "tipo": "fim", "perguntaa": "x"}]}));
    assert!(
        e[0].starts_with("O fluxo não está no formato esperado"),
        "{e:?}"
    );
}

#[test]
fn names_duplicate_and_missing_steps() {
    let e = issues(json!({"etapas": [
        {"id": "a", "tipo": "texto", "pergunta": "x", "proxima": "b"},
        {"id": "a", "tipo": "texto", "pergunta": "y"},
        {"id": "c", "tipo": "mensagem", "pergunta": "z", "proxima": "fim"}
    ]}));
    assert!(
        e.contains(&"Etapa \"a\": o identificador aparece mais de uma vez.".to_string()),
        "{e:?}"
    );
    assert!(
        e.contains(&"Etapa \"a\": a próxima etapa \"b\" não existe.".to_string()),
        "{e:?}"
    );
    assert!(
        e.contains(&"Etapa \"a\": falta a próxima etapa.".to_string()),
        "{e:?}"
    );
    assert!(
        e.contains(&"Etapa \"c\": a próxima etapa \"fim\" não existe.".to_string()),
        "{e:?}"
    );
}

#[test]
fn every_option_needs_somewhere_to_go() {
    let e = issues(json!({"etapas": [
        {"id": "q", "tipo": "escolha", "pergunta": "?", "opcoes": [
            {"rotulo": "A", "valor": "a", "proxima": "fim"},
            {"rotulo": "B", "valor": "b"}
        ]},
        {"id": "fim", "tipo": "fim"}
    ]}));
    assert_eq!(e, ["Etapa \"q\": falta a próxima etapa da opção \"B\"."]);
}

#[test]
fn finds_unreachable_steps_and_missing_end() {
    let e = issues(json!({"etapas": [
        {"id": "a", "tipo": "texto", "pergunta": "x", "proxima": "fim"},
        {"id": "solta", "tipo": "texto", "pergunta": "y", "proxima": "fim"},
        {"id": "fim", "tipo": "fim"}
    ]}));
    assert_eq!(
        e,
        ["Etapa \"solta\": nunca é alcançada a partir do início."]
    );

    let e = issues(json!({"etapas": [
        {"id": "a", "tipo": "texto", "pergunta": "x", "proxima": "b"},
        {"id": "b", "tipo": "texto", "pergunta": "y", "proxima": "a"}
    ]}));
    assert_eq!(e, ["O fluxo não tem uma etapa de fim alcançável."]);
}

#[test]
fn refuses_loops_that_never_wait() {
    let e = issues(json!({"etapas": [
        {"id": "q", "tipo": "escolha", "pergunta": "?", "opcoes": [
            {"rotulo": "Sair", "valor": "sair", "proxima": "fim"},
            {"rotulo": "Ficar", "valor": "ficar", "proxima": "m1"}
        ]},
        {"id": "m1", "tipo": "mensagem", "pergunta": "um", "proxima": "m2"},
        {"id": "m2", "tipo": "mensagem", "pergunta": "dois", "proxima": "m1"},
        {"id": "fim", "tipo": "fim"}
    ]}));
    assert_eq!(
        e,
        ["Etapa \"m1\": as etapas m1 → m2 → m1 formam um ciclo sem nenhuma pergunta."]
    );

    // A loop through a question is fine: the lead is asked each time round.
    let ok = issues(json!({"etapas": [
        {"id": "q", "tipo": "escolha", "pergunta": "De novo?", "opcoes": [
            {"rotulo": "Sim", "valor": "sim", "proxima": "m"},
            {"rotulo": "Não", "valor": "nao", "proxima": "fim"}
        ]},
        {"id": "m", "tipo": "mensagem", "pergunta": "Lá vamos nós", "proxima": "q"},
        {"id": "fim", "tipo": "fim"}
    ]}));
    assert!(ok.is_empty(), "{ok:?}");
}

#[test]
fn enforces_whatsapp_limits() {
    let opt = |r: &str, v: &str| json!({"rotulo": r, "valor": v});
    // Buttons (≤ 3 options): 20 characters.
    let e = issues(json!({"etapas": [
        {"id": "q", "tipo": "escolha", "pergunta": "?", "proxima": "fim",
         "opcoes": [opt("Um rótulo grande demais", "a"), opt("B", "b")]},
        {"id": "fim", "tipo": "fim"}
    ]}));
    assert_eq!(e, ["Etapa \"q\": o rótulo \"Um rótulo grande demais\" passa de 20 caracteres (limite dos botões do WhatsApp)."]);
    // Exactly 20 passes, counted in characters, not bytes.
    let ok = issues(json!({"etapas": [
        {"id": "q", "tipo": "escolha", "pergunta": "?", "proxima": "fim",
         "opcoes": [opt("ççççççççççççççççççço", "a"), opt("B", "b")]},
        {"id": "fim", "tipo": "fim"}
    ]}));
    assert!(ok.is_empty(), "{ok:?}");
    // Lists (4 to 10): 24-character titles, 72-character descriptions.
    let mut opts: Vec<serde_json::Value> = (1..=4)
        .map(|i| opt(&format!("Opção {i}"), &format!("o{i}")))
        .collect();
    opts[0] = opt("Um título de linha muito comprido", "o1");
    opts[1] = json!({"rotulo": "Dois", "valor": "o2", "descricao": "d".repeat(73)});
    let e = issues(json!({"etapas": [
        {"id": "q", "tipo": "escolha", "pergunta": "?", "proxima": "fim", "opcoes": opts},
        {"id": "fim", "tipo": "fim"}
    ]}));
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].contains("passa de 24 caracteres"));
    assert!(e[1].contains("passa de 72 caracteres"));
    // Beyond 10 options the message is numbered text: long labels are fine.
    let opts: Vec<serde_json::Value> = (1..=11)
        .map(|i| {
            opt(
                &format!("Uma opção com um rótulo bem longo {i}"),
                &format!("o{i}"),
            )
        })
        .collect();
    let ok = issues(json!({"etapas": [
        {"id": "q", "tipo": "escolha", "pergunta": "?", "proxima": "fim", "opcoes": opts},
        {"id": "fim", "tipo": "fim"}
    ]}));
    assert!(ok.is_empty(), "{ok:?}");
}

#[test]
fn small_rules() {
    let e = issues(json!({"etapas": [
        {"id": "q", "tipo": "escolha", "pergunta": "?", "proxima": "fim",
         "opcoes": [{"rotulo": "A", "valor": "a"}]},
        {"id": "fim", "tipo": "fim", "proxima": "q"}
    ]}));
    assert!(
        e.contains(&"Etapa \"q\": uma escolha precisa de pelo menos 2 opções.".to_string()),
        "{e:?}"
    );
    assert!(
        e.contains(
            &"Etapa \"fim\": uma etapa de fim não pode ter próxima etapa nem opções.".to_string()
        ),
        "{e:?}"
    );
    let e = issues(json!({"etapas": [
        {"id": "q", "tipo": "escolha", "pergunta": "", "proxima": "fim",
         "opcoes": [{"rotulo": "A", "valor": "a"}, {"rotulo": "B", "valor": "a"}]},
        {"id": "fim", "tipo": "fim"}
    ]}));
    assert!(
        e.contains(&"Etapa \"q\": falta o texto da pergunta ou mensagem.".to_string()),
        "{e:?}"
    );
    assert!(
        e.contains(&"Etapa \"q\": o valor \"a\" aparece em mais de uma opção.".to_string()),
        "{e:?}"
    );
}

// ---- engine ----------------------------------------------------------------

#[test]
fn start_sends_messages_up_to_the_first_question() {
    let r = start(&sample(), now());
    assert_eq!(
        texts(&r.messages),
        ["Olá! Vou te fazer umas perguntas.", "Qual é o seu nome?"]
    );
    assert_eq!(r.state.current_step.as_deref(), Some("nome"));
    assert_eq!(r.state.asked_at, Some(now()));
    assert!(r.effects.is_empty());
}

#[test]
fn a_whole_conversation_with_placeholders_and_completion() {
    let d = sample();
    let r = start(&d, now());
    let r = handle(
        &d,
        r.state,
        &Inbound::Text("  joana   silva ".into()),
        now(),
    );
    assert_eq!(
        r.effects,
        [Effect::Answered {
            step: "nome".into(),
            value: "joana silva".into()
        }]
    );
    match &r.messages[..] {
        [Outgoing::Buttons { body, buttons }] => {
            assert_eq!(body, "joana silva, você busca plano para:");
            let ids: Vec<&str> = buttons.iter().map(|b| b.id.as_str()).collect();
            assert_eq!(ids, ["individual", "familia", "empresa"]);
        }
        other => panic!("expected buttons, got {other:?}"),
    }
    let r = handle(
        &d,
        r.state,
        &Inbound::Reply {
            id: "familia".into(),
            title: "Família".into(),
        },
        now(),
    );
    assert_eq!(texts(&r.messages), ["Obrigado, joana silva!"]);
    assert!(r.state.completed);
    let expected: std::collections::BTreeMap<String, String> =
        [("nome", "joana silva"), ("perfil", "familia")]
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
    assert_eq!(
        r.effects.last(),
        Some(&Effect::Completed { answers: expected })
    );
    // Once complete, the engine stays quiet: later messages are for the AI or the consultant.
    let after = handle(&d, r.state.clone(), &Inbound::Text("oi".into()), now());
    assert!(after.messages.is_empty() && after.effects.is_empty());
    assert_eq!(after.state, r.state);
}

fn at_perfil() -> ConversationState {
    let d = sample();
    let r = start(&d, now());
    handle(&d, r.state, &Inbound::Text("Ana".into()), now()).state
}

#[test]
fn answers_by_number_label_value_any_case_and_accents() {
    let d = sample();
    for typed in [
        "2",
        "2.",
        " 2) ",
        "Família",
        "familia",
        "FAMÍLIA!",
        "família ",
        "familia",
    ] {
        let r = handle(&d, at_perfil(), &Inbound::Text(typed.into()), now());
        assert_eq!(
            r.state.answers.get("perfil").map(String::as_str),
            Some("familia"),
            "{typed:?}"
        );
    }
    let r = handle(&d, at_perfil(), &Inbound::Text("so eu".into()), now());
    assert_eq!(r.state.answers["perfil"], "individual");
    // A typed title arriving as a reply with an unknown id still matches by its text.
    let r = handle(
        &d,
        at_perfil(),
        &Inbound::Reply {
            id: "x".into(),
            title: "Empresa".into(),
        },
        now(),
    );
    assert_eq!(r.state.answers["perfil"], "empresa");
}

#[test]
fn options_branch() {
    let d = sample();
    let r = handle(&d, at_perfil(), &Inbound::Text("3".into()), now());
    assert_eq!(r.state.current_step.as_deref(), Some("cnpj"));
    assert_eq!(texts(&r.messages), ["Quantas vidas?"]);
    let r = handle(&d, r.state, &Inbound::Text("doze".into()), now());
    assert_eq!(texts(&r.messages)[0], "Responda só com números, por favor.");
    let r = handle(&d, r.state, &Inbound::Text("12".into()), now());
    assert!(r.state.completed);
    assert_eq!(r.state.answers["cnpj"], "12");
}

#[test]
fn wrong_answers_are_asked_again_then_handed_off_after_three() {
    let d = sample();
    let later = now() + chrono::Duration::minutes(5);
    let r = handle(&d, at_perfil(), &Inbound::Text("talvez".into()), later);
    assert_eq!(r.state.wrong_answers, 1);
    assert_eq!(r.messages.len(), 2);
    assert_eq!(
        texts(&r.messages)[0],
        "Não entendi sua resposta. Toque em uma das opções ou responda com o número dela."
    );
    assert!(matches!(r.messages[1], Outgoing::Buttons { .. }));
    assert_eq!(r.state.asked_at, Some(later));
    let r = handle(&d, r.state, &Inbound::Text("7".into()), now());
    assert_eq!(r.state.wrong_answers, 2);
    let r = handle(&d, r.state, &Inbound::Text("0".into()), now());
    assert!(r.state.handed_off);
    assert_eq!(
        r.effects,
        [Effect::HandOff {
            reason: HandOffReason::TooManyWrongAnswers
        }]
    );
    assert_eq!(r.messages.len(), 1);
    let quiet = handle(&d, r.state, &Inbound::Text("1".into()), now());
    assert!(quiet.messages.is_empty() && quiet.effects.is_empty());
}

#[test]
fn a_right_answer_resets_the_wrong_count() {
    let d = sample();
    let r = handle(&d, at_perfil(), &Inbound::Text("?".into()), now());
    let r = handle(&d, r.state, &Inbound::Text("3".into()), now());
    assert_eq!(r.state.wrong_answers, 0);
}

#[test]
fn unsupported_messages_get_a_polite_reply_and_do_not_count() {
    let d = sample();
    let r = handle(
        &d,
        at_perfil(),
        &Inbound::Unsupported {
            description: "[imagem]".into(),
        },
        now(),
    );
    assert_eq!(r.state.wrong_answers, 0);
    assert_eq!(
        texts(&r.messages)[0],
        "Por enquanto só consigo ler mensagens de texto. Pode escrever sua resposta, por favor?"
    );
    assert!(matches!(r.messages[1], Outgoing::Buttons { .. }));
}

#[test]
fn text_validation_uses_the_validators() {
    let d = def(json!({"etapas": [
        {"id": "cpf", "tipo": "texto", "validacao": "cpf", "pergunta": "Seu CPF?", "proxima": "fim"},
        {"id": "fim", "tipo": "fim"}
    ]}));
    let r = start(&d, now());
    let r = handle(&d, r.state, &Inbound::Text("529.982.247-24".into()), now());
    assert_eq!(
        texts(&r.messages),
        ["CPF inválido. Confira os números.", "Seu CPF?"]
    );
    let r = handle(&d, r.state, &Inbound::Text("52998224725".into()), now());
    assert_eq!(r.state.answers["cpf"], "529.982.247-25");
    assert!(r.state.completed);
    assert!(r.messages.is_empty(), "a fim with no text sends nothing");
}

#[test]
fn choices_become_buttons_lists_or_numbered_text() {
    let with = |n: usize| {
        let opcoes: Vec<serde_json::Value> = (1..=n)
            .map(|i| json!({"rotulo": format!("Opção {i}"), "valor": format!("o{i}")}))
            .collect();
        def(json!({"etapas": [
            {"id": "q", "tipo": "escolha", "pergunta": "Escolha:", "opcoes": opcoes, "proxima": "fim"},
            {"id": "fim", "tipo": "fim"}
        ]}))
    };
    assert!(matches!(
        start(&with(3), now()).messages[0],
        Outgoing::Buttons { .. }
    ));
    match &start(&with(4), now()).messages[0] {
        Outgoing::List { rows, button, .. } => {
            assert_eq!(rows.len(), 4);
            assert_eq!(button, "Ver opções");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        start(&with(10), now()).messages[0],
        Outgoing::List { .. }
    ));
    match &start(&with(11), now()).messages[0] {
        Outgoing::Text { body } => {
            assert!(
                body.starts_with("Escolha:\n\n1. Opção 1\n2. Opção 2"),
                "{body}"
            );
            assert!(body.ends_with("11. Opção 11\n\nResponda com o número da opção."));
        }
        other => panic!("{other:?}"),
    }
    // Answering the numbered text by number.
    let d = with(11);
    let r = start(&d, now());
    let r = handle(&d, r.state, &Inbound::Text("11".into()), now());
    assert_eq!(r.state.answers["q"], "o11");
}

#[test]
fn a_state_pointing_nowhere_starts_over_keeping_answers() {
    let d = sample();
    let state = ConversationState {
        current_step: Some("apagada".into()),
        answers: [("nome".to_string(), "Ana".to_string())].into(),
        ..Default::default()
    };
    let r = handle(&d, state, &Inbound::Text("oi".into()), now());
    assert_eq!(r.state.current_step.as_deref(), Some("nome"));
    assert_eq!(r.state.answers["nome"], "Ana");
}

#[test]
fn unvalidated_message_loops_cannot_spin_forever() {
    let d = def(json!({"etapas": [
        {"id": "a", "tipo": "mensagem", "pergunta": "a", "proxima": "b"},
        {"id": "b", "tipo": "mensagem", "pergunta": "b", "proxima": "a"}
    ]}));
    let r = start(&d, now());
    assert!(r.messages.len() <= 3);
    assert!(r.state.completed);
}

#[test]
fn a_step_s_own_invalid_answer_message_replaces_the_default() {
    let mut def = sample();
    let t = now();
    let started = start(&def, t);
    let wrong = handle(&def, started.state.clone(), &Inbound::Text("1".into()), t);
    assert_eq!(
        wrong.messages[0],
        Outgoing::Text {
            body: crate::domain::validators::Validation::Nome
                .default_hint()
                .into()
        }
    );
    def.etapas[1].invalida = Some("Só o primeiro nome já serve.".into());
    let wrong = handle(&def, started.state, &Inbound::Text("1".into()), t);
    assert_eq!(
        wrong.messages[0],
        Outgoing::Text {
            body: "Só o primeiro nome já serve.".into()
        }
    );
    assert_eq!(
        crate::domain::flow::default_invalid_message(&def.etapas[2]),
        "Não entendi sua resposta. Toque em uma das opções ou responda com o número dela."
    );
}

/// Voice notes: a transcript answers as typed text would; one that cannot be heard asks the
/// lead to write.
mod spoken;
