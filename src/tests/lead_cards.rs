//! #17 "cards": a card shows the newest message, each answer with its question, the deal's
//! value (typed on the lead's page, with or without JavaScript) and an opt-out mark; each
//! column of the board sums its values. Another consultant's values never count.

use super::helpers::TestApp;
use super::leads::{lead, signed_in, talk};
use uuid::Uuid;

/// The board's column section for `status`, as HTML.
fn column<'a>(html: &'a str, status: &str) -> &'a str {
    let start = html
        .find(&format!("class=\"column column-{status}\""))
        .unwrap_or_else(|| panic!("no {status} column"));
    let rest = &html[start..];
    &rest[..rest[1..]
        .find("class=\"column column-")
        .map_or(rest.len(), |i| i + 1)]
}

async fn set_value(app: &TestApp, lead: Uuid, typed: &str) -> reqwest::Response {
    let page = format!("/leads/{lead}");
    let csrf = app.csrf_from(&page).await;
    app.post_plain_form(
        &format!("/leads/{lead}/valor"),
        &page,
        &[("csrf", &csrf), ("valor", typed)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cards_show_the_last_message_answers_with_questions_and_values_summed_per_column() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let answers = serde_json::json!({"perfil": "familia"});
    let ana = lead(
        &app,
        me,
        "Ana Cartão",
        "+5511987650001",
        "novo",
        answers.clone(),
    )
    .await;
    let bia = lead(&app, me, "Bia Cartão", "+5511987650002", "novo", answers).await;
    talk(
        &app,
        ana,
        &[
            ("outbound", "Olá! Qual é o seu nome?"),
            ("inbound", "Quero um plano\npara a família toda, somos quatro pessoas e moramos em Campinas desde 2019, ok?"),
        ],
        9,
    )
    .await;
    talk(
        &app,
        bia,
        &[("inbound", "Oi"), ("outbound", "Já te mando a tabela")],
        9,
    )
    .await;

    // The values, typed as people type them, from the lead's page without JavaScript.
    let res = set_value(&app, ana, "R$ 1.500,00").await;
    assert_eq!(res.status(), 303);
    let back = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(back, format!("/leads/{ana}#valor"), "back at the field");
    let page = app.get_html(&format!("/leads/{ana}")).await;
    assert!(page.contains("Valor do negócio: R$ 1.500."), "{page}");
    assert!(page.contains("value=\"1.500,00\""));
    set_value(&app, bia, "2500,5").await;
    let refused = set_value(&app, bia, "dois mil").await;
    assert_eq!(refused.status(), 303);
    let page = app.get_html(&format!("/leads/{bia}")).await;
    assert!(page.contains("Escreva o valor em reais"), "{page}");
    assert!(
        page.contains("value=\"dois mil\""),
        "what was typed is kept"
    );
    let stored: Option<i64> =
        sqlx::query_scalar("select deal_value_cents from leads where id = $1")
            .bind(bia)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, Some(250_050), "a refused value changes nothing");

    // Another consultant's lead with a value, in the same stage: never in this board's sum.
    let other = app.other_browser();
    let them = signed_in(&other, "bruno@exemplo.com").await;
    let theirs = lead(
        &other,
        them,
        "Caio Outro",
        "+5511987650003",
        "novo",
        serde_json::json!({}),
    )
    .await;
    set_value(&other, theirs, "99.999").await;
    // Nor can this consultant set a value on it.
    let res = set_value(&app, theirs, "1").await;
    assert_eq!(res.status(), 303);
    let stored: Option<i64> =
        sqlx::query_scalar("select deal_value_cents from leads where id = $1")
            .bind(theirs)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, Some(9_999_900));

    let html = app.get_html("/leads").await;
    let novo = column(&html, "novo");
    assert!(novo.contains("R$ 4.000,50"), "the column's total: {novo}");
    assert!(novo.contains("R$ 1.500<"), "Ana's value on her card");
    // The newest message, one line, cut at a word; the consultant's own marked "Você:".
    assert!(
        novo.contains(
            "Quero um plano para a família toda, somos quatro pessoas e moramos em Campinas desde 2019,…"
        ),
        "{novo}"
    );
    let bia_card = &novo[novo.find("Bia Cartão").unwrap()..];
    let bia_card = &bia_card[..bia_card.find("</li>").unwrap_or(bia_card.len())];
    assert!(bia_card.contains("Você: "), "{bia_card}");
    assert!(bia_card.contains("Já te mando a tabela"), "{bia_card}");
    // Each answer with its question.
    assert!(novo.contains("<span class=\"answer-question\">"), "{novo}");
    assert!(
        !column(&html, "agendado").contains("column-total"),
        "no total without values"
    );

    // Cleared with an empty field.
    set_value(&app, ana, "").await;
    let html = app.get_html("/leads").await;
    assert!(column(&html, "novo").contains("R$ 2.500,50"));
}

/// #17 "the lead page on a phone": without JavaScript, a post comes back to the page it came
/// from at the form (a phone would otherwise land at the top, screens above it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_post_comes_back_where_the_consultant_acted() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let id = lead(
        &app,
        me,
        "Ana Âncora",
        "+5511987650001",
        "novo",
        serde_json::json!({}),
    )
    .await;
    let page = format!("/leads/{id}");
    let csrf = app.csrf_from(&page).await;
    let lead_id = id.to_string();
    let res = app
        .post_plain_form(
            "/api/nota-lead",
            &page,
            &[
                ("csrf", &csrf),
                ("lead", &lead_id),
                ("body", "ligar amanhã"),
            ],
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], format!("{page}#notas").as_str());

    let board = "/leads?q=ana";
    let csrf = app.csrf_from(board).await;
    let res = app
        .post_plain_form(
            "/api/mover-lead",
            board,
            &[
                ("csrf", &csrf),
                ("lead", &lead_id),
                ("to", "em_contato"),
                ("reason", ""),
            ],
        )
        .await;
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "/leads?q=ana#coluna-em_contato");
    // A status that is no stage names no anchor (nothing of the post goes into the address).
    let res = app
        .post_plain_form(
            "/api/mover-lead",
            board,
            &[
                ("csrf", &csrf),
                ("lead", &lead_id),
                ("to", "x\"><script>"),
                ("reason", ""),
            ],
        )
        .await;
    let back = res.headers()["location"].to_str().unwrap();
    assert!(
        back.starts_with(&app.url(board)) && !back.contains('#') && !back.contains("script"),
        "{back}"
    );
}
