//! WhatsApp identities as Meta sends them in 2026: Brazilian mobiles with or without the
//! ninth digit, and (below) business-scoped user ids.

use super::helpers::TestApp;
use super::support::fake_graph::FakeGraph;
use super::support::whatsapp::{app_with_workers, lead, post, settle, user};
use consultor::jobs::{self, Services};
use serde_json::Value;

fn text_from(from: &str, wamid: &str, body: &str) -> Value {
    lead(from).text(wamid, body)
}

/// A fake Graph API, and services that send through it.
async fn graph() -> (Services, FakeGraph) {
    let g = FakeGraph::start().await;
    (g.services(), g)
}

async fn app() -> TestApp {
    let app = app_with_workers(0).await;
    let me = sqlx::query_scalar("select id from consultants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    super::helpers::connect_number(&app.pool, me, "1065").await;
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mobile_without_its_ninth_digit_is_the_same_person() {
    let app = app().await;
    let (services, sent) = graph().await;
    assert_eq!(
        post(&app, &text_from("551187654321", "wamid.1", "Oi")).await,
        200
    );
    assert!(jobs::run_once(&app.pool, &services).await.unwrap());
    assert_eq!(
        post(&app, &text_from("5511987654321", "wamid.2", "Maria")).await,
        200
    );
    assert!(jobs::run_once(&app.pool, &services).await.unwrap());
    settle(&app).await;

    let leads: Vec<(String, Option<String>)> =
        sqlx::query_as("select whatsapp_number, whatsapp_id from leads")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        leads,
        [(
            "+5511987654321".to_string(),
            Some("5511987654321".to_string())
        )],
        "one lead, stored as dialled; replies go where WhatsApp last wrote from"
    );
    let sent = sent.bodies();
    assert_eq!(
        sent[0]["to"], "551187654321",
        "the first reply went to WhatsApp's own id"
    );
    assert_eq!(sent.last().unwrap()["to"], "5511987654321");

    // The consultant sees the number as a person dials it, and finds the lead either way.
    sign_in(&app).await;
    let board = app.get_html("/leads").await;
    assert!(
        board.contains("+55 (11) 98765-4321"),
        "shown with the ninth digit"
    );
    for q in ["(11) 8765-4321", "11987654321", "551187654321"] {
        let html = app
            .get_html(&format!("/leads?vista=lista&q={}", urlencode(q)))
            .await;
        assert!(html.contains("98765-4321"), "search {q}");
    }
}

fn urlencode(s: &str) -> String {
    app::domain::percent::encode(s)
}

async fn sign_in(app: &TestApp) {
    super::helpers::sign_in_inserted(app, "joana@exemplo.com").await;
}

fn from_user(user_id: &str, phone: Option<&str>, wamid: &str, body: &str) -> Value {
    let ana = user(user_id).named("Ana Zap").username("ana.zap");
    match phone {
        Some(p) => ana.number(p).text(wamid, body),
        None => ana.text(wamid, body),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_with_a_username_and_no_number_is_stored_answered_and_recognised() {
    let app = app().await;
    let (services, sent) = graph().await;
    assert_eq!(
        post(&app, &from_user("BR.1234567890", None, "wamid.u1", "Oi")).await,
        200
    );
    assert!(jobs::run_once(&app.pool, &services).await.unwrap());
    settle(&app).await;
    let leads: Vec<(Option<String>, Option<String>, Option<String>)> =
        sqlx::query_as("select whatsapp_number, whatsapp_user_id, profile_name from leads")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        leads,
        [(None, Some("BR.1234567890".into()), Some("Ana Zap".into()))],
        "stored, with no number"
    );
    {
        let sent = sent.bodies();
        assert_eq!(sent.len(), 1, "answered");
        assert_eq!(sent[0]["recipient"], "BR.1234567890");
        assert!(
            sent[0].get("to").is_none(),
            "the Graph API takes `recipient` instead"
        );
    }

    // She comes back, by user id again, then sharing her number: still one lead, which now
    // has the number (and replies go to it).
    assert_eq!(
        post(
            &app,
            &from_user("BR.1234567890", None, "wamid.u2", "Ana Souza")
        )
        .await,
        200
    );
    assert!(jobs::run_once(&app.pool, &services).await.unwrap());
    assert_eq!(
        post(
            &app,
            &from_user("BR.1234567890", Some("5521988887777"), "wamid.u3", "1")
        )
        .await,
        200
    );
    assert!(jobs::run_once(&app.pool, &services).await.unwrap());
    settle(&app).await;
    let leads: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("select whatsapp_number, whatsapp_user_id from leads")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        leads,
        [(Some("+5521988887777".into()), Some("BR.1234567890".into()))]
    );
    assert_eq!(
        app.count("select count(*) from messages where direction = 'inbound'")
            .await,
        3
    );
    assert_eq!(sent.bodies().last().unwrap()["to"], "5521988887777");

    // The board shows her without a number until then, and with it now.
    sign_in(&app).await;
    assert!(app.get_html("/leads").await.contains("+55 (21) 98888-7777"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_number_that_later_brings_a_user_id_stays_one_lead() {
    let app = app().await;
    let (services, _) = graph().await;
    assert_eq!(
        post(&app, &text_from("5521988887777", "wamid.n1", "Oi")).await,
        200
    );
    assert!(jobs::run_once(&app.pool, &services).await.unwrap());
    assert_eq!(
        post(
            &app,
            &from_user("BR.42", Some("5521988887777"), "wamid.n2", "Ana")
        )
        .await,
        200
    );
    assert!(jobs::run_once(&app.pool, &services).await.unwrap());
    // And by the user id alone afterwards.
    assert_eq!(
        post(&app, &from_user("BR.42", None, "wamid.n3", "2")).await,
        200
    );
    assert!(jobs::run_once(&app.pool, &services).await.unwrap());
    let leads: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("select whatsapp_number, whatsapp_user_id from leads")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        leads,
        [(Some("+5521988887777".into()), Some("BR.42".into()))]
    );
}
