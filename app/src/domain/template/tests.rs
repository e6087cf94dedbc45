use super::*;

fn draft(body: &str, variables: &[(&str, &str)]) -> TemplateDraft {
    TemplateDraft {
        name: "lembrete_visita".into(),
        category: Category::Utility,
        header_text: None,
        header_variable: None,
        body: body.into(),
        footer_text: None,
        buttons: Vec::new(),
        variables: variables
            .iter()
            .map(|(s, e)| Variable {
                source: VariableSource::parse(s).unwrap(),
                example: (*e).into(),
            })
            .collect(),
    }
}

#[test]
fn names_are_made_the_way_meta_wants_them() {
    assert_eq!(
        normalize_name(" Lembrete de Visita! "),
        "lembrete_de_visita"
    );
    assert_eq!(
        normalize_name("Promoção  março 2026"),
        "promocao_marco_2026"
    );
    assert_eq!(normalize_name("***"), "");
}

#[test]
fn placeholders_and_render() {
    assert_eq!(
        placeholders("Oi {{1}}, é {{2}} e {{1}}").unwrap(),
        vec![1, 2, 1]
    );
    assert!(placeholders("Oi {{nome}}").is_err());
    assert!(placeholders("Oi {{1").is_err());
    let values = vec!["Ana".to_string(), "amanhã".to_string()];
    assert_eq!(
        render("Oi {{1}}, até {{2}}!", &values),
        "Oi Ana, até amanhã!"
    );
    assert_eq!(render("Oi {{3}}", &values), "Oi {{3}}");
    assert_eq!(render("Oi {{", &values), "Oi {{");
}

#[test]
fn a_good_template_has_no_problems_and_builds_meta_components() {
    let mut d = draft(
        "Olá {{1}}, aqui é {{2}}. Podemos retomar a conversa sobre o seu plano?",
        &[("primeiro_nome", "Maria"), ("consultor", "Joana")],
    );
    d.header_text = Some("Seu plano de saúde".into());
    d.footer_text = Some("Responda SAIR para não receber mais".into());
    d.buttons = vec![
        Button::QuickReply {
            text: "Quero retomar".into(),
        },
        Button::Url {
            text: "Ver planos".into(),
            url: "https://exemplo.com.br/planos".into(),
        },
    ];
    assert_eq!(d.problems(), Vec::<String>::new());
    let c = d.meta_components();
    assert_eq!(c[0]["type"], "HEADER");
    assert_eq!(c[1]["type"], "BODY");
    assert_eq!(c[1]["example"]["body_text"][0][1], "Joana");
    assert_eq!(c[2]["type"], "FOOTER");
    assert_eq!(c[3]["buttons"][1]["url"], "https://exemplo.com.br/planos");
    assert_eq!(
        d.body_with(&d.examples()),
        "Olá Maria, aqui é Joana. Podemos retomar a conversa sobre o seu plano?"
    );
}

#[test]
fn meta_limits_are_refused_in_words() {
    let problem = |d: &TemplateDraft, needle: &str| {
        let p = d.problems();
        assert!(
            p.iter().any(|m| m.contains(needle)),
            "{needle:?} not in {p:?}"
        );
    };
    problem(
        &draft("{{1}}, olá tudo bem com você hoje?", &[("nome", "Ana")]),
        "começa ou termina",
    );
    problem(
        &draft("Olá tudo bem com você hoje {{1}}", &[("nome", "Ana")]),
        "começa ou termina",
    );
    problem(
        &draft(
            "Oi {{1}} e {{3}} tudo bem com vocês dois?",
            &[("nome", "a"), ("texto", "b")],
        ),
        "em ordem",
    );
    problem(
        &draft("Oi {{1}} tudo bem com você?", &[]),
        "origem e de um exemplo",
    );
    problem(
        &draft("Oi {{1}} tudo bem com você?", &[("nome", " ")]),
        "exemplo para a variável {{1}}",
    );
    problem(
        &draft(
            "Oi {{1}} {{2}} {{3}}!",
            &[("nome", "a"), ("nome", "b"), ("nome", "c")],
        ),
        "variáveis demais",
    );
    problem(&draft(&"a".repeat(1025), &[]), "1024");
    problem(&draft("", &[]), "Escreva o texto");
    let mut d = draft("Olá, tudo bem com você?", &[]);
    d.name = "Lembrete".into();
    problem(&d, "minúsculas");
    d.name = "ok".into();
    d.header_text = Some("x".repeat(61));
    problem(&d, "cabeçalho pode ter até 60");
    d.header_text = Some("Oi {{1}} {{2}}".into());
    problem(&d, "uma variável só");
    d.header_text = None;
    d.buttons = vec![
        Button::QuickReply { text: "a".into() },
        Button::QuickReply { text: "b".into() },
        Button::QuickReply { text: "c".into() },
        Button::QuickReply { text: "d".into() },
    ];
    problem(&d, "até 3 botões");
    d.buttons = vec![Button::Url {
        text: "Ver".into(),
        url: "http://x.com".into(),
    }];
    problem(&d, "https://");
    d.buttons = vec![Button::QuickReply {
        text: "x".repeat(26),
    }];
    problem(&d, "de 1 a 25");
}

#[test]
fn values_sent_are_checked() {
    assert!(check_values(&["Ana".into(), "amanhã às 9h".into()]).is_ok());
    assert!(check_values(&["".into()]).unwrap_err().contains("{{1}}"));
    assert!(check_values(&["a\nb".into()]).is_err());
    assert!(check_values(&["a     b".into()]).is_err());
    assert!(check_values(&["x".repeat(201)]).is_err());
}

#[test]
fn variables_round_trip_as_json() {
    let v = vec![
        Variable {
            source: VariableSource::FirstName,
            example: "Ana".into(),
        },
        Variable {
            source: VariableSource::Answer("perfil".into()),
            example: "Família".into(),
        },
    ];
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json[0]["source"], "first_name");
    assert_eq!(json[1]["step"], "perfil");
    let back: Vec<Variable> = serde_json::from_value(json).unwrap();
    assert_eq!(back, v);
    assert_eq!(
        VariableSource::parse("resposta:perfil"),
        Some(VariableSource::Answer("perfil".into()))
    );
    assert_eq!(VariableSource::parse("resposta:"), None);
    assert_eq!(VariableSource::parse("x"), None);
}

#[test]
fn variables_are_filled_from_the_lead() {
    let answers = vec![("perfil".to_string(), "Família".to_string())];
    let facts = LeadFacts {
        name: Some(" Maria Souza "),
        consultant: "Joana",
        answers: &answers,
    };
    let v = |s: &str| Variable {
        source: VariableSource::parse(s).unwrap(),
        example: "amanhã".into(),
    };
    assert_eq!(value_for(&v("primeiro_nome"), &facts), "Maria");
    assert_eq!(value_for(&v("nome"), &facts), "Maria Souza");
    assert_eq!(value_for(&v("consultor"), &facts), "Joana");
    assert_eq!(value_for(&v("resposta:perfil"), &facts), "Família");
    assert_eq!(value_for(&v("resposta:outra"), &facts), "");
    assert_eq!(value_for(&v("texto"), &facts), "amanhã");
    let nameless = LeadFacts {
        name: None,
        consultant: "Joana",
        answers: &[],
    };
    assert_eq!(value_for(&v("primeiro_nome"), &nameless), "");
}
