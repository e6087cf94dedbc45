//! The consultant answers a lead from the lead page: the reply goes out through the same
//! sender (a fake Graph API on loopback here) at once, exactly once, and the bot stops
//! answering that lead until it is handed back.

use super::helpers::TestApp;
use super::leads::signed_in;
use super::support::fake_graph::FakeGraph;
use super::support::wait_until;
use super::support::whatsapp::{post, settle, text, SECRET};
use consultor::config::Secret;
use serde_json::Value;
use std::time::{Duration, Instant};
use uuid::Uuid;

async fn app_with_graph() -> (TestApp, FakeGraph, Uuid) {
    app_with_graph_and(|_| {}).await
}

/// A server with a Meta app whose Graph API is a fake on loopback, one webhook worker, and
/// Ana signed up with her number connected; `tweak` changes the rest of its configuration.
pub(super) async fn app_with_graph_and(
    tweak: impl FnOnce(&mut consultor::config::Config),
) -> (TestApp, FakeGraph, Uuid) {
    let g = FakeGraph::start().await;
    let url = g.url();
    let app = TestApp::spawn_with(|c| {
        c.whatsapp_app_secret = Some(Secret::new(SECRET));
        c.whatsapp_app_id = Some("123".into());
        c.whatsapp_signup_config_id = Some("cfg".into());
        c.whatsapp_graph_url = url;
        c.webhook_workers = 1;
        tweak(c);
    })
    .await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    super::helpers::connect_number(&app.pool, me, "1065").await;
    (app, g, me)
}

/// Waits until the fake Graph API has received `n` messages (and fails past a deadline).
async fn wait_sent(sent: &FakeGraph, n: usize) -> Vec<Value> {
    sent.wait_for_sent(n).await
}

/// How many messages reached WhatsApp once nothing is left to send: no reply pending, and
/// the pass that sent them over (its claims released).
pub(super) async fn all_sent(app: &TestApp, sent: &FakeGraph) -> usize {
    wait_until("replies sent", Duration::from_secs(10), || async {
        app.count(
            "select (select count(*) from messages where direction = 'outbound' and status = 'pending')
                  + (select count(*) from send_claims)",
        )
        .await
            == 0
    })
    .await;
    sent.sent()
}

async fn the_lead(app: &TestApp) -> Uuid {
    sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn reply(app: &TestApp, lead: Uuid, body: &str) -> reqwest::Response {
    let csrf = app.csrf_from(&format!("/leads/{lead}")).await;
    app.post_form(
        "/api/responder-lead",
        &[("csrf", &csrf), ("lead", &lead.to_string()), ("body", body)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_reaches_whatsapp_once_and_stops_the_bot_until_handed_back() {
    let (app, sent, _) = app_with_graph().await;
    assert_eq!(post(&app, &text("wamid.1", "Oi")).await, 200);
    wait_sent(&sent, 1).await;
    // The bot's first reply may be more than one message (the privacy notice, the flow's
    // first question): all of them, once nothing is left to send.
    let bot = all_sent(&app, &sent).await;
    let lead = the_lead(&app).await;
    let html = app.get_html(&format!("/leads/{lead}")).await;
    assert!(
        html.contains("restantes para responder"),
        "the window is open"
    );
    // The bot's question was written in the same transaction as the lead's message, and is
    // shown after it.
    let (first_in, first_out) = (
        html.find("bubble bubble-in"),
        html.find("bubble bubble-out"),
    );
    assert!(
        first_in.is_some() && first_in < first_out,
        "the lead's message comes first"
    );

    let started = Instant::now();
    let res = reply(&app, lead, "Olá, aqui é a Ana! Posso ligar?").await;
    assert!(res.status().is_success(), "{}", res.status());
    let all = wait_sent(&sent, bot + 1).await;
    // Woken at once, not on the scheduler's 60 s tick.
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(all[bot]["to"], "5521999990001");
    assert_eq!(all[bot]["text"]["body"], "Olá, aqui é a Ana! Posso ligar?");
    assert_eq!(all_sent(&app, &sent).await, bot + 1, "sent exactly once");
    let handed: bool = sqlx::query_scalar("select handed_off_at is not null from conversations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(handed);
    let html = app.get_html(&format!("/leads/{lead}")).await;
    assert!(html.contains("Você assumiu esta conversa."));
    assert!(html.contains("Olá, aqui é a Ana! Posso ligar?"));

    // The lead writes again: the bot stays quiet.
    assert_eq!(post(&app, &text("wamid.2", "Maria")).await, 200);
    // Once the message is processed and nothing is left to send:
    settle(&app).await;
    assert_eq!(
        all_sent(&app, &sent).await,
        bot + 1,
        "the bot answered a lead the consultant took over"
    );
    assert_eq!(
        app.count("select count(*) from messages where direction = 'inbound'")
            .await,
        2,
        "the lead's message is kept"
    );

    // Handed back: the bot answers the next message.
    let csrf = app.csrf_from(&format!("/leads/{lead}")).await;
    let res = app
        .post_form(
            "/api/devolver-ao-robo",
            &[("csrf", &csrf), ("lead", &lead.to_string())],
        )
        .await;
    assert!(res.status().is_success());
    assert_eq!(post(&app, &text("wamid.3", "Maria")).await, 200);
    wait_sent(&sent, bot + 2).await;
    let again = app
        .post_form(
            "/api/devolver-ao-robo",
            &[("csrf", &csrf), ("lead", &lead.to_string())],
        )
        .await;
    assert_eq!(again.status(), 422, "nothing to hand back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_the_24_hour_window_a_reply_is_refused() {
    let (app, sent, _) = app_with_graph().await;
    assert_eq!(post(&app, &text("wamid.1", "Oi")).await, 200);
    wait_sent(&sent, 1).await;
    let bot = all_sent(&app, &sent).await;
    let lead = the_lead(&app).await;
    sqlx::query(
        "update messages set created_at = now() - interval '25 hours' where direction = 'inbound'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let res = reply(&app, lead, "Ainda tem interesse?").await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("janela de 24 horas"), "{body}");
    let html = app.get_html(&format!("/leads/{lead}")).await;
    assert!(
        html.contains("fechou em"),
        "the page says why and since when"
    );
    assert_eq!(all_sent(&app, &sent).await, bot);
    assert_eq!(
        app.count("select count(*) from messages where payload->>'by' = 'consultant'")
            .await,
        0,
        "nothing queued"
    );
    // Empty and oversized replies are refused with a message, not stored.
    sqlx::query("update messages set created_at = now() where direction = 'inbound'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(reply(&app, lead, "   ").await.status(), 422);
    assert_eq!(reply(&app, lead, &"a".repeat(4097)).await.status(), 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_reply_form_posted_twice_sends_one_message() {
    let (app, sent, _) = app_with_graph().await;
    assert_eq!(post(&app, &text("wamid.1", "Oi")).await, 200);
    wait_sent(&sent, 1).await;
    let bot = all_sent(&app, &sent).await;
    let lead = the_lead(&app).await;
    let page = format!("/leads/{lead}");
    let html = app.get_html(&page).await;
    let token = {
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse(r#"form.reply-form input[name="envio"]"#).unwrap();
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr("value"))
            .expect("the reply form's token")
            .to_string()
    };
    let csrf = app.csrf_from(&page).await;
    let lead_s = lead.to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("lead", lead_s.as_str()),
        ("body", "Só uma vez, por favor"),
        ("envio", token.as_str()),
    ];
    // A double tap: both at once, then once more (the back button).
    let (a, b) = tokio::join!(
        app.post_form("/api/responder-lead", &form),
        app.post_form("/api/responder-lead", &form)
    );
    assert!(a.status().is_success() && b.status().is_success());
    let c = app.post_form("/api/responder-lead", &form).await;
    assert!(c.status().is_success());
    wait_sent(&sent, bot + 1).await;
    all_sent(&app, &sent).await;
    let all = sent.bodies();
    assert_eq!(all.len(), bot + 1, "sent exactly once: {all:?}");
    assert_eq!(
        app.count("select count(*) from messages where content = 'Só uma vez, por favor'")
            .await,
        1
    );
    assert_eq!(
        app.count("select count(*) from audit_logs where action = 'lead_replied'")
            .await,
        1
    );
    // A new rendering of the form is a new message.
    let html = app.get_html(&page).await;
    assert!(!html.contains(&token), "a fresh token each rendering");

    // Notes likewise.
    let note = [
        ("csrf", csrf.as_str()),
        ("lead", lead_s.as_str()),
        ("body", "Ligar à tarde"),
        ("envio", token.as_str()),
    ];
    let (a, b) = tokio::join!(
        app.post_form("/api/nota-lead", &note),
        app.post_form("/api/nota-lead", &note)
    );
    assert!(a.status().is_success() && b.status().is_success());
    assert_eq!(app.count("select count(*) from lead_notes").await, 1);
}

/// Without webhook workers (WEBHOOK_WORKERS=0) the sender still runs: a reply typed on the
/// lead page goes out at once (it used to wait forever, every job switched off together).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_is_sent_even_without_webhook_workers() {
    let sent = FakeGraph::start().await;
    let url = sent.url();
    let app = TestApp::spawn_with(|c| {
        c.whatsapp_app_secret = Some(Secret::new(SECRET));
        c.whatsapp_app_id = Some("123".into());
        c.whatsapp_signup_config_id = Some("cfg".into());
        c.whatsapp_graph_url = url.clone();
        c.webhook_workers = 0;
    })
    .await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    super::helpers::connect_number(&app.pool, me, "1065").await;
    assert_eq!(post(&app, &text("wamid.1", "Oi")).await, 200);
    // No worker here: the event is processed by hand.
    let services = sent.services();
    assert!(consultor::jobs::run_once(&app.pool, &services)
        .await
        .unwrap());
    let bot = all_sent(&app, &sent).await;
    let lead = the_lead(&app).await;
    let res = reply(&app, lead, "Oi! Sou a Ana.").await;
    assert!(res.status().is_success());
    let all = wait_sent(&sent, bot + 1).await;
    assert_eq!(all[bot]["text"]["body"], "Oi! Sou a Ana.");
}
