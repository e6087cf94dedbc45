//! Outbound messages through a fake WhatsApp Graph API on loopback.

use super::helpers::{insert_consultant, TestApp};
use super::support::fake_graph::FakeGraph;
use super::support::whatsapp::{post, sandbox, text, SECRET};
use consultor::ai::AiProvider;
use consultor::config::Secret;
use consultor::jobs::{self, Services, Transport};
use consultor::whatsapp::GraphClient;
use std::time::Duration;

/// A fake Graph API that answers its calls with these statuses first (then 200).
async fn fake_graph(script: Vec<u16>) -> (String, FakeGraph) {
    let g = FakeGraph::start().await.with_script(script);
    (g.url(), g)
}

fn graph(url: &str) -> Services {
    Services {
        transport: Transport::Graph(GraphClient {
            base_url: url.into(),
            client: reqwest::Client::new(),
            retry_delays: vec![Duration::from_millis(10), Duration::from_millis(20)],
            app_id: None,
        }),
        ai: AiProvider::BuiltIn,
        public_url: None,
        transcriber: None,
        sandbox_media: None,
    }
}

/// A server that stores events but does not process them; the test drives processing.
async fn app(phone_number_id: Option<&str>) -> TestApp {
    let app = TestApp::spawn_with(|c| {
        c.whatsapp_app_secret = Some(Secret::new(SECRET));
        c.webhook_workers = 0;
        c.sender_enabled = false;
        c.scheduler_enabled = false;
    })
    .await;
    let me = insert_consultant(&app.pool, "joana@exemplo.com", "Joana").await;
    if let Some(id) = phone_number_id {
        super::helpers::connect_number(&app.pool, me, id).await;
    }
    app
}

async fn outbound(app: &TestApp) -> Vec<(String, Option<String>, Option<String>)> {
    sqlx::query_as("select status, whatsapp_message_id, error_message from messages where direction = 'outbound' order by created_at, reply_seq")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_go_out_through_the_graph_api() {
    let (url, g) = fake_graph(vec![]).await;
    let app = app(Some("1065")).await;
    assert_eq!(post(&app, &text("wamid.1", "Oi")).await, 200);
    assert!(jobs::run_once(&app.pool, &graph(&url)).await.unwrap());
    assert_eq!(
        outbound(&app).await,
        [("sent".into(), Some("wamid.OUT.1".into()), None)]
    );
    assert_eq!(post(&app, &text("wamid.2", "Maria")).await, 200);
    assert!(jobs::run_once(&app.pool, &graph(&url)).await.unwrap());

    let requests = g.requests();
    assert_eq!(requests.len(), 2);
    let (pnid, auth, first) = (
        &requests[0].phone_number_id,
        &requests[0].authorization,
        &requests[0].body,
    );
    assert_eq!((pnid.as_str(), auth.as_str()), ("1065", "Bearer token"));
    assert_eq!(first["to"], "5521999990001");
    assert_eq!(first["type"], "text");
    let second = &requests[1].body;
    assert_eq!(second["type"], "interactive");
    assert_eq!(second["interactive"]["type"], "button");
    assert_eq!(
        second["interactive"]["action"]["buttons"][1]["reply"]["id"],
        "familia"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_server_errors_are_retried_and_sent_once() {
    let (url, g) = fake_graph(vec![429, 503]).await;
    let app = app(Some("1065")).await;
    assert_eq!(post(&app, &text("wamid.1", "Oi")).await, 200);
    jobs::run_once(&app.pool, &graph(&url)).await.unwrap();
    assert_eq!(g.sent(), 3);
    assert_eq!(
        outbound(&app).await,
        [("sent".into(), Some("wamid.OUT.3".into()), None)]
    );
    // Nothing is pending, so no later run sends it again.
    jobs::send_pending(&app.pool, &graph(&url).transport)
        .await
        .unwrap();
    assert_eq!(g.sent(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permanent_errors_are_recorded_on_the_message() {
    let (url, g) = fake_graph(vec![400]).await;
    let app = app(Some("1065")).await;
    assert_eq!(post(&app, &text("wamid.1", "Oi")).await, 200);
    jobs::run_once(&app.pool, &graph(&url)).await.unwrap();
    assert_eq!(g.sent(), 1, "a 400 is not retried");
    assert_eq!(
        outbound(&app).await,
        [(
            "failed".into(),
            None,
            Some("400 Bad Request: erro 400".into())
        )]
    );

    // Retries run out: the last error is kept.
    let (url, _) = fake_graph(vec![500, 500, 500]).await;
    assert_eq!(post(&app, &text("wamid.2", "Maria")).await, 200);
    jobs::run_once(&app.pool, &graph(&url)).await.unwrap();
    let last = outbound(&app).await.pop().unwrap();
    assert_eq!(
        last,
        (
            "failed".into(),
            None,
            Some("500 Internal Server Error: erro 500".into())
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_queued_after_the_number_was_disconnected_gets_a_clear_failure() {
    let (url, g) = fake_graph(vec![]).await;
    let app = app(Some("1065")).await;
    assert_eq!(post(&app, &text("wamid.1", "Oi")).await, 200);
    jobs::run_once(&app.pool, &graph(&url)).await.unwrap();
    assert_eq!(g.sent(), 1);
    // The consultant disconnects the number, and a reply is queued after that.
    sqlx::query("delete from whatsapp_connections")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into messages (consultant_id, conversation_id, direction, content, message_type, status)
         select consultant_id, id, 'outbound', 'Oi, Maria', 'text', 'pending' from conversations",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    jobs::send_pending(&app.pool, &graph(&url).transport)
        .await
        .unwrap();
    assert_eq!(g.sent(), 1, "nothing more was sent");
    let (status, _, error) = outbound(&app).await.pop().unwrap();
    assert_eq!(status, "failed");
    assert_eq!(
        error.as_deref(),
        Some("o consultor não tem um número do WhatsApp conectado")
    );
    // The sandbox (no Meta app) still works for the same consultant, by display number.
    assert_eq!(post(&app, &text("wamid.2", "Maria")).await, 200);
    jobs::run_once(&app.pool, &sandbox()).await.unwrap();
    assert_eq!(outbound(&app).await.pop().unwrap().0, "sent");
}
