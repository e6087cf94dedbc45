//! WhatsApp message templates (#18 part 2): written on `/modelos` (checked against Meta's
//! limits, previewed), submitted to a fake Graph API on loopback, reviewed by webhook
//! (approved, rejected with the reason in words, category and quality changes), and sent to
//! a lead outside the 24-hour window with its variables; Meta's refusals shown in Portuguese
//! and never retried. In the sandbox a template is approved at once.

use super::helpers::sign_in_inserted;
use super::helpers::TestApp;
use super::leads::signed_in;
use super::support::fake_graph::FakeGraph;
use super::support::wait_until;
use super::support::whatsapp::{app_with_workers, lead, send};
use serde_json::{json, Value};
use std::time::Duration;
use uuid::Uuid;

pub(super) async fn app_with_graph() -> (TestApp, FakeGraph) {
    let (app, g, _) = super::lead_replies::app_with_graph_and(|_| {}).await;
    (app, g)
}

/// Posts the templates page's form as a browser without JavaScript; returns the page after.
pub(super) async fn act(app: &TestApp, fields: &[(&str, &str)]) -> String {
    let csrf = app.csrf_from("/modelos").await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let res = app
        .post_plain_form("/modelos/acao", "/modelos", &form)
        .await;
    assert_eq!(res.status(), 303);
    app.get_html("/modelos").await
}

pub(super) const FOLLOW_UP: &[(&str, &str)] = &[
    ("acao", "criar"),
    ("nome", "Retomar Conversa"),
    ("categoria", "marketing"),
    (
        "corpo",
        "Olá {{1}}, aqui é {{2}}. Podemos retomar a conversa sobre o seu plano?",
    ),
    ("var1_fonte", "primeiro_nome"),
    ("var1_exemplo", "Maria"),
    ("var2_fonte", "consultor"),
    ("var2_exemplo", "Ana"),
    ("resposta1", "Quero retomar"),
    ("rodape", "Responda SAIR para não receber mais"),
];

pub(super) async fn status_of(
    app: &TestApp,
    name: &str,
) -> (String, Option<String>, Option<String>) {
    sqlx::query_as(
        "select status, status_reason, meta_template_id from message_templates where name = $1",
    )
    .bind(name)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

pub(super) async fn wait_status(app: &TestApp, name: &str, want: &str) {
    let what = format!("{name} {want}");
    wait_until(&what, Duration::from_secs(15), || async {
        status_of(app, name).await.0 == want
    })
    .await;
}

/// A template webhook as Meta sends it (the entry names the business account, `77` here).
pub(super) fn review(field: &str, value: Value) -> Value {
    json!({"object": "whatsapp_business_account",
           "entry": [{"id": "77", "time": 1700000000, "changes": [{"field": field, "value": value}]}]})
}

/// A lead who wrote 25 hours ago: the window is closed.
pub(super) async fn quiet_lead(app: &TestApp) -> Uuid {
    send(
        app,
        lead("5521999990001")
            .named("Maria Souza")
            .text("wamid.in.1", "Oi"),
    )
    .await;
    sqlx::query(
        "update messages set created_at = now() - interval '25 hours' where direction = 'inbound'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

pub(super) async fn send_template(
    app: &TestApp,
    lead: Uuid,
    template: &str,
    fields: &[(&str, &str)],
) -> String {
    let page = format!("/leads/{lead}");
    let csrf = app.csrf_from(&page).await;
    let mut form = vec![("csrf", csrf.as_str()), ("modelo", template)];
    form.extend_from_slice(fields);
    let res = app
        .post_plain_form(&format!("{page}/modelo"), &page, &form)
        .await;
    assert_eq!(res.status(), 303);
    app.get_html(&page).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_is_submitted_reviewed_and_sent_outside_the_window_once() {
    let (app, g) = app_with_graph().await;
    let html = act(&app, FOLLOW_UP).await;
    assert!(html.contains("enviado para análise da Meta"), "{html}");
    wait_status(&app, "retomar_conversa", "em_analise").await;
    let submitted = g.templates();
    assert_eq!(submitted.len(), 1);
    let (waba, body) = &submitted[0];
    assert_eq!(waba, "77");
    assert_eq!(body["name"], "retomar_conversa");
    assert_eq!(body["language"], "pt_BR");
    assert_eq!(body["category"], "MARKETING");
    assert_eq!(body["components"][0]["type"], "BODY");
    assert_eq!(
        body["components"][0]["example"]["body_text"][0],
        json!(["Maria", "Ana"])
    );
    assert_eq!(body["components"][2]["buttons"][0]["type"], "QUICK_REPLY");
    let meta_id = status_of(&app, "retomar_conversa").await.2.unwrap();
    assert!(app
        .get_html("/modelos")
        .await
        .contains("Em análise pela Meta"));

    // Meta approves it, then moves it to utility and rates its quality.
    send(&app, review("message_template_status_update", json!({
        "event": "APPROVED", "message_template_id": meta_id.parse::<i64>().unwrap(),
        "message_template_name": "retomar_conversa", "message_template_language": "pt_BR", "reason": "NONE"}))).await;
    assert_eq!(status_of(&app, "retomar_conversa").await.0, "aprovado");
    send(&app, review("template_category_update", json!({
        "message_template_id": meta_id, "message_template_name": "retomar_conversa",
        "message_template_language": "pt_BR", "previous_category": "MARKETING", "new_category": "UTILITY"}))).await;
    send(&app, review("message_template_quality_update", json!({
        "message_template_id": meta_id, "message_template_name": "retomar_conversa",
        "message_template_language": "pt_BR", "previous_quality_score": "UNKNOWN", "new_quality_score": "YELLOW"}))).await;
    let html = app.get_html("/modelos").await;
    assert!(
        html.contains("A Meta mudou a categoria de marketing para utilidade."),
        "{html}"
    );
    assert!(html.contains("Qualidade média"));

    // A second one is rejected, with the reason in words.
    let mut other = FOLLOW_UP.to_vec();
    other[1] = ("nome", "oferta_especial");
    act(&app, &other).await;
    wait_status(&app, "oferta_especial", "em_analise").await;
    let other_id = status_of(&app, "oferta_especial").await.2.unwrap();
    send(&app, review("message_template_status_update", json!({
        "event": "REJECTED", "message_template_id": other_id, "message_template_name": "oferta_especial",
        "message_template_language": "pt_BR", "reason": "INVALID_FORMAT"}))).await;
    let html = app.get_html("/modelos").await;
    assert!(html.contains("Rejeitado"));
    assert!(html.contains("formato inválido"), "{html}");

    // A lead quiet for 25 hours: the page offers the approved template, filled from the lead.
    let lead = quiet_lead(&app).await;
    let html = app.get_html(&format!("/leads/{lead}")).await;
    assert!(html.contains("Enviar um modelo aprovado"), "{html}");
    assert!(html.contains("retomar_conversa"));
    assert!(
        !html.contains("oferta_especial"),
        "a rejected template is not offered"
    );
    assert!(
        html.contains("value=\"Maria\""),
        "the first name is filled in"
    );
    let template: Uuid =
        sqlx::query_scalar("select id from message_templates where name = 'retomar_conversa'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let before = g.sent();
    let token = Uuid::new_v4().to_string();
    let fields = [
        ("v1", "Mariazinha"),
        ("v2", "Ana"),
        ("envio", token.as_str()),
    ];
    let html = send_template(&app, lead, &template.to_string(), &fields).await;
    assert!(
        html.contains("Modelo \"retomar_conversa\" enviado."),
        "{html}"
    );
    let bodies = g.wait_for_sent(before + 1).await;
    let sent = &bodies[before];
    assert_eq!(sent["type"], "template");
    assert_eq!(sent["to"], "5521999990001");
    assert_eq!(sent["template"]["name"], "retomar_conversa");
    assert_eq!(sent["template"]["language"]["code"], "pt_BR");
    assert_eq!(
        sent["template"]["components"][0]["parameters"],
        json!([{"type": "text", "text": "Mariazinha"}, {"type": "text", "text": "Ana"}])
    );
    // The same form again (a double tap, the back button): nothing more is sent.
    send_template(&app, lead, &template.to_string(), &fields).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(g.sent(), before + 1, "sent once");
    let html = app.get_html(&format!("/leads/{lead}")).await;
    assert!(
        html.contains("Olá Mariazinha, aqui é Ana."),
        "the history shows what the lead read"
    );

    // Meta refuses the next one: the refusal in words, and no second try.
    for (code, words) in [
        (131049, "limitou as mensagens de marketing"),
        (132001, "o modelo não existe na Meta"),
        (132000, "número de variáveis"),
        (132015, "pausado pela Meta"),
        (131047, "janela de 24 horas fechou"),
    ] {
        let before = g.sent();
        g.refuse_next(400, code);
        let token = Uuid::new_v4().to_string();
        send_template(
            &app,
            lead,
            &template.to_string(),
            &[("v1", "Maria"), ("v2", "Ana"), ("envio", token.as_str())],
        )
        .await;
        wait_until("the refusal recorded", Duration::from_secs(10), || async {
            app.count("select count(*) from messages where status = 'pending'")
                .await
                == 0
                && app.count("select count(*) from send_claims").await == 0
        })
        .await;
        assert_eq!(g.sent(), before + 1, "{code} was not retried");
        let html = app.get_html(&format!("/leads/{lead}")).await;
        assert!(
            html.contains(&format!("Falha no envio: {code}: ")),
            "{code}"
        );
        assert!(html.contains(words), "{code}: {words}");
    }
}

#[tokio::test]
async fn meta_refusing_a_submission_says_why_and_it_can_be_sent_again() {
    let (app, g) = app_with_graph().await;
    g.refuse_next(400, 100);
    act(&app, FOLLOW_UP).await;
    wait_status(&app, "retomar_conversa", "erro").await;
    let html = app.get_html("/modelos").await;
    assert!(
        html.contains("O nome do modelo já existe neste idioma."),
        "{html}"
    );
    let id: Uuid = sqlx::query_scalar("select id from message_templates")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    act(&app, &[("acao", "reenviar"), ("id", &id.to_string())]).await;
    wait_status(&app, "retomar_conversa", "em_analise").await;
    assert_eq!(g.templates().len(), 2);
}

#[tokio::test]
async fn in_the_sandbox_a_ready_template_is_approved_at_once_and_text_stays_text() {
    let app = app_with_workers(1).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    let html = act(
        &app,
        &[("acao", "biblioteca"), ("modelo", "lembrete_agendamento")],
    )
    .await;
    assert!(
        html.contains("aprovado (modo de teste, sem a Meta)"),
        "{html}"
    );
    assert_eq!(status_of(&app, "lembrete_agendamento").await.0, "aprovado");
    assert!(html.contains("Já está nos seus modelos."));

    // Refused in words, with what was typed kept (and escaped) and no template written.
    let hostile = "Olá {{1}} </textarea><script>alert(1)</script></title><script>x</script>";
    let html = act(
        &app,
        &[
            ("acao", "criar"),
            ("nome", "teste"),
            ("categoria", "utility"),
            ("corpo", hostile),
            ("var1_fonte", "nome"),
            ("var1_exemplo", "</title><script>"),
        ],
    )
    .await;
    assert!(
        html.contains("variáveis demais para o seu tamanho"),
        "{html}"
    );
    assert!(
        html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)"),
        "the text typed comes back, escaped"
    );
    assert!(!html.contains("<script>alert(1)"), "escaped");
    assert!(
        !html.contains("</textarea><script>"),
        "escaped in the textarea"
    );
    assert!(!html.contains("</title><script>"), "escaped in the value");

    // A problem Meta would refuse hours later is refused now, in Portuguese.
    let html = act(
        &app,
        &[
            ("acao", "previa"),
            ("nome", "x"),
            ("categoria", "utility"),
            ("corpo", "{{1}}, tudo bem com você hoje?"),
            ("var1_fonte", "nome"),
            ("var1_exemplo", "Ana"),
        ],
    )
    .await;
    assert!(
        html.contains("começa ou termina com uma variável"),
        "{html}"
    );
    assert!(
        html.contains("{{1}}, tudo bem com você hoje?"),
        "the text typed comes back"
    );
    // A good preview shows the bubble with the examples in.
    let html = act(
        &app,
        &[
            ("acao", "previa"),
            ("nome", "x"),
            ("categoria", "utility"),
            ("corpo", "Olá {{1}}, sua cotação está pronta."),
            ("var1_fonte", "primeiro_nome"),
            ("var1_exemplo", "Bia"),
            ("resposta1", "Pode enviar"),
        ],
    )
    .await;
    assert!(html.contains("Olá Bia, sua cotação está pronta."), "{html}");
    assert!(html.contains("Tudo certo com as regras da Meta"));
    assert_eq!(
        app.count("select count(*) from message_templates").await,
        1,
        "a preview saves nothing"
    );
}

#[tokio::test]
async fn no_template_goes_to_a_lead_who_wrote_sair() {
    let app = app_with_workers(1).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    act(
        &app,
        &[("acao", "biblioteca"), ("modelo", "retomar_conversa")],
    )
    .await;
    let lead = quiet_lead(&app).await;
    sqlx::query("update leads set opted_out_at = now()")
        .execute(&app.pool)
        .await
        .unwrap();
    let html = app.get_html(&format!("/leads/{lead}")).await;
    assert!(!html.contains("Enviar um modelo aprovado"));
    let template: Uuid = sqlx::query_scalar("select id from message_templates")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let html = send_template(
        &app,
        lead,
        &template.to_string(),
        &[("v1", "Maria"), ("v2", "Ana")],
    )
    .await;
    assert!(html.contains("nenhum modelo é enviado a ele"), "{html}");
    assert_eq!(
        app.count("select count(*) from messages where message_type = 'template'")
            .await,
        0
    );
}

#[tokio::test]
async fn another_consultant_neither_sees_nor_sends_my_templates() {
    let app = app_with_workers(1).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    act(
        &app,
        &[("acao", "biblioteca"), ("modelo", "retomar_conversa")],
    )
    .await;
    let lead = quiet_lead(&app).await;
    let mine: Uuid = sqlx::query_scalar("select id from message_templates")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let other = app.other_browser();
    signed_in(&other, "bia@exemplo.com").await;
    let html = other.get_html("/modelos").await;
    assert!(
        !html.contains("Já está nos seus modelos."),
        "Joana's template is not Bia's"
    );
    act(&other, &[("acao", "excluir"), ("id", &mine.to_string())]).await;
    assert_eq!(app.count("select count(*) from message_templates").await, 1);
    // Bia posting Joana's template to Joana's lead: the lead is not found for her.
    let csrf = other.csrf_from("/modelos").await;
    let res = other
        .post_plain_form(
            &format!("/leads/{lead}/modelo"),
            "/modelos",
            &[
                ("csrf", &csrf),
                ("modelo", &mine.to_string()),
                ("v1", "x"),
                ("v2", "y"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.count("select count(*) from messages where message_type = 'template'")
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_who_never_wrote_gets_a_template_and_the_bot_stays_quiet_after() {
    let app = app_with_workers(1).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    act(
        &app,
        &[("acao", "biblioteca"), ("modelo", "retomar_conversa")],
    )
    .await;
    // Left a number on the public page: no conversation yet.
    let lead: Uuid = sqlx::query_scalar(
        "insert into leads (consultant_id, whatsapp_number, whatsapp_id, name, metadata)
         select id, '+5521999990001', '5521999990001', 'Pedro Lima', '{\"source\": \"pagina\"}'
           from consultants returning id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let html = app.get_html(&format!("/leads/{lead}")).await;
    assert!(
        html.contains("só um modelo aprovado pela Meta chega a ele"),
        "{html}"
    );
    assert!(
        html.contains("value=\"Pedro\""),
        "the first name is filled in"
    );
    let template: Uuid = sqlx::query_scalar("select id from message_templates")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let html = send_template(
        &app,
        lead,
        &template.to_string(),
        &[("v1", "Pedro"), ("v2", "Joana")],
    )
    .await;
    assert!(
        html.contains("Modelo \"retomar_conversa\" enviado."),
        "{html}"
    );
    super::support::wait_until("the template sent", Duration::from_secs(10), || async {
        app.count(
            "select count(*) from messages where message_type = 'template' and status = 'sent'",
        )
        .await
            == 1
    })
    .await;
    let handed: bool = sqlx::query_scalar("select handed_off_at is not null from conversations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(handed, "the consultant started it");
    // Pedro answers: stored in that conversation, and the bot does not start its flow.
    send(&app, lead_writes("wamid.p.1", "Oi, pode falar")).await;
    assert_eq!(app.count("select count(*) from conversations").await, 1);
    assert_eq!(
        app.count("select count(*) from messages where direction = 'outbound'")
            .await,
        1,
        "only the template: the bot stays quiet"
    );
}

fn lead_writes(wamid: &str, body: &str) -> Value {
    lead("5521999990001").named("Pedro").text(wamid, body)
}
