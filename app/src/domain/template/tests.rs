use super::*;

fn draft(body: &str, variables: &[(&str, &str)]) -> TemplateDraft {
    TemplateDraft {
        name: "lembrete_visita".into(),
        category: Category::Utility,
        header_text: None,
        header_variable: None,
        header_image: None,
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

fn problem(d: &TemplateDraft, needle: &str) {
    let p = d.problems();
    assert!(
        p.iter().any(|m| m.contains(needle)),
        "{needle:?} not in {p:?}"
    );
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
        Button::link("Ver planos", "https://exemplo.com.br/planos"),
    ];
    assert_eq!(d.problems(), Vec::<String>::new());
    let c = d.meta_components(None);
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
    d.buttons = vec![Button::link("Ver", "http://x.com")];
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

#[test]
fn a_header_image_goes_to_meta_as_its_handle_and_is_text_or_image_not_both() {
    let mut d = draft(
        "Olá {{1}}, veja o apartamento que separei.",
        &[("primeiro_nome", "Ana")],
    );
    d.header_image = Some("4b2f0f57-0c1c-4b43-a7a4-6a4f8f8e2d11".into());
    assert_eq!(d.problems(), Vec::<String>::new());
    let c = d.meta_components(Some("4::aW1hZ2U="));
    assert_eq!(
        c[0],
        serde_json::json!({"type": "HEADER", "format": "IMAGE",
                           "example": {"header_handle": ["4::aW1hZ2U="]}})
    );
    assert_eq!(c[1]["type"], "BODY");
    // Without a handle (nothing uploaded yet) no header is claimed.
    assert_eq!(d.meta_components(None)[0]["type"], "BODY");
    d.header_text = Some("Oferta".into());
    problem(&d, "texto ou uma imagem");
    d.header_text = None;
    d.header_image = Some("../etc/passwd".into());
    problem(&d, "imagem do cabeçalho não foi encontrada");
}

#[test]
fn a_link_may_end_in_one_variable_with_an_example() {
    let mut d = draft(
        "Olá {{1}}, o imóvel que você pediu está no link.",
        &[("primeiro_nome", "Ana")],
    );
    let link = |url: &str, example: Option<&str>| Button::Url {
        text: "Ver imóvel".into(),
        url: url.into(),
        variable: example.map(|e| Variable {
            source: VariableSource::Typed,
            example: e.into(),
        }),
    };
    d.buttons = vec![
        Button::QuickReply {
            text: "Quero visitar".into(),
        },
        link("https://imob.com.br/imovel/{{1}}", Some("apto-302")),
    ];
    assert_eq!(d.problems(), Vec::<String>::new());
    let (index, v) = d.link_variable().unwrap();
    assert_eq!((index, v.example.as_str()), (1, "apto-302"));
    let c = d.meta_components(None);
    let buttons = &c.as_array().unwrap().last().unwrap()["buttons"];
    assert_eq!(
        buttons[1],
        serde_json::json!({"type": "URL", "text": "Ver imóvel",
                           "url": "https://imob.com.br/imovel/{{1}}",
                           "example": ["https://imob.com.br/imovel/apto-302"]})
    );
    d.buttons = vec![link("https://imob.com.br/{{1}}/fotos", Some("a"))];
    problem(&d, "no fim do endereço");
    d.buttons = vec![link("https://imob.com.br/{{1}}/{{2}}", Some("a"))];
    problem(&d, "uma variável só");
    d.buttons = vec![link("https://imob.com.br/imovel/{{1}}", Some("apto 302"))];
    problem(&d, "exemplo do final do link");
    d.buttons = vec![link("https://imob.com.br/imovel", Some("x"))];
    problem(&d, "termine o endereço com {{1}}");
    // A stored link of before has no variable and reads as it was.
    let old: Button = serde_json::from_value(serde_json::json!(
        {"kind": "url", "text": "Ver", "url": "https://x.com.br"}
    ))
    .unwrap();
    assert_eq!(old, Button::link("Ver", "https://x.com.br"));
    assert_eq!(check_link_value("apto-302"), Ok(()));
    assert!(check_link_value("apto 302").is_err());
    assert!(check_link_value(" ").is_err());
}
