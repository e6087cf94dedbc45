//! Delivery: the sender claims, commits, calls the Graph API with no transaction open, and
//! records each outcome on its own; several senders keep each conversation in order; a send
//! whose outcome is unknown is never repeated; Meta's status is kept even when it arrives
//! before the send is recorded; and one bad message does not hold back its event.

use super::helpers::{insert_consultant, serve_fake, TestApp};
use super::support::fake_graph::FakeGraph;
use super::support::whatsapp::{delivery, lead, post, sandbox, statuses as status_update, SECRET};
use axum::extract::State;
use axum::routing::post as post_route;
use axum::{Json, Router};
use consultor::config::Secret;
use consultor::jobs::{self, Transport};
use consultor::whatsapp::GraphClient;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use uuid::Uuid;

fn graph(url: &str, timeout: Duration) -> Transport {
    Transport::Graph(GraphClient {
        base_url: url.into(),
        client: reqwest::Client::builder().timeout(timeout).build().unwrap(),
        retry_delays: vec![],
        app_id: None,
    })
}

async fn app() -> (TestApp, Uuid) {
    let app = TestApp::spawn_with(|c| {
        c.whatsapp_app_secret = Some(Secret::new(SECRET));
        c.webhook_workers = 0;
        c.sender_enabled = false;
        c.scheduler_enabled = false;
    })
    .await;
    let me = insert_consultant(&app.pool, "joana@exemplo.com", "Joana").await;
    super::helpers::connect_number(&app.pool, me, "1065").await;
    (app, me)
}

/// A lead and its conversation; returns the conversation.
pub(super) async fn conversation(pool: &PgPool, consultant: Uuid, number: &str) -> Uuid {
    let lead: Uuid = sqlx::query_scalar(
        "insert into leads (consultant_id, whatsapp_number) values ($1, $2) returning id",
    )
    .bind(consultant)
    .bind(number)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query_scalar(
        "insert into conversations (consultant_id, lead_id, flow_id)
         values ($1, $2, (select id from flows where is_template limit 1)) returning id",
    )
    .bind(consultant)
    .bind(lead)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Queues `texts` in `conversation`, in that order.
pub(super) async fn queue(pool: &PgPool, conversation: Uuid, texts: &[impl AsRef<str>]) {
    for t in texts {
        sqlx::query(
            "insert into messages (conversation_id, direction, content, message_type, status, created_at)
             values ($1, 'outbound', $2, 'text', 'pending', clock_timestamp())",
        )
        .bind(conversation)
        .bind(t.as_ref())
        .execute(pool)
        .await
        .unwrap();
    }
}

async fn statuses(pool: &PgPool) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as(
        "select content, status, whatsapp_message_id from messages where direction = 'outbound' order by created_at",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

/// A Graph API that takes a little while (0 to 15 ms) and keeps (to, text) in arrival order.
async fn slow_graph() -> (String, FakeGraph) {
    let g = FakeGraph::start()
        .await
        .pausing(|text| Duration::from_millis(text.bytes().map(u64::from).sum::<u64>() % 16));
    (g.url(), g)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn several_senders_keep_each_conversation_in_order_and_send_once() {
    let (app, me) = app().await;
    let (url, got) = slow_graph().await;
    let numbers = ["+5521999990001", "+5521999990002", "+5521999990003"];
    for (k, n) in numbers.iter().enumerate() {
        let c = conversation(&app.pool, me, n).await;
        let texts: Vec<String> = (0..40).map(|i| format!("c{k} m{i:02}")).collect();
        queue(&app.pool, c, &texts).await;
    }
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let (pool, transport) = (app.pool.clone(), graph(&url, Duration::from_secs(10)));
            tokio::spawn(async move { jobs::send_pending(&pool, &transport).await.unwrap() })
        })
        .collect();
    let mut handed = 0;
    for s in senders {
        handed += s.await.unwrap();
    }
    assert_eq!(handed, 120, "every message handed over once");
    let got: Vec<(String, String)> = got
        .requests()
        .iter()
        .map(|r| (r.body["to"].as_str().unwrap_or_default().into(), r.text()))
        .collect();
    assert_eq!(got.len(), 120, "each sent once");
    for (k, n) in numbers.iter().enumerate() {
        let digits = n.trim_start_matches('+');
        let seen: Vec<&str> = got
            .iter()
            .filter(|(to, _)| to == digits)
            .map(|(_, t)| t.as_str())
            .collect();
        let expected: Vec<String> = (0..40).map(|i| format!("c{k} m{i:02}")).collect();
        assert_eq!(seen, expected, "the lead reads conversation {k} in order");
    }
    assert!(statuses(&app.pool)
        .await
        .iter()
        .all(|(_, s, _)| s == "sent"));
}

/// A Graph API that, before it answers, checks that the sender holds no transaction open and
/// that the claim is visible to others, then has Meta's `delivered` status for the id it is
/// about to return arrive (and processed) first: the race the old sender lost.
///
/// Written by hand rather than with `FakeGraph`: its point is what it does during the call
/// (reading the database, posting a webhook and processing it, answering with that very id),
/// which a fake that only records and answers cannot express.
#[derive(Clone, Default)]
struct RacingGraph {
    app: Arc<OnceLock<TestApp>>,
    seen: Arc<Mutex<Vec<String>>>,
}

async fn racing(State(g): State<RacingGraph>, Json(_): Json<Value>) -> Json<Value> {
    let app = g.app.get().unwrap();
    let open: i64 = sqlx::query_scalar(
        "select count(*) from pg_stat_activity
          where datname = current_database() and state like 'idle in transaction%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let claims: i64 = sqlx::query_scalar("select count(*) from send_claims")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    g.seen
        .lock()
        .unwrap()
        .push(format!("open={open} claims={claims}"));
    let status = status_update(&[("wamid.RACE", "delivered")]);
    assert_eq!(post(app, &status).await, 200);
    assert!(jobs::run_once(&app.pool, &sandbox()).await.unwrap());
    Json(json!({"messages": [{"id": "wamid.RACE"}]}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_transaction_is_open_during_the_call_and_an_early_status_is_kept() {
    let (app, me) = app().await;
    let g = RacingGraph::default();
    let _ = g.app.set(app.other_browser());
    let url = serve_fake(
        Router::new()
            .route("/v21.0/{pnid}/messages", post_route(racing))
            .with_state(g.clone()),
    )
    .await;
    let c = conversation(&app.pool, me, "+5521999990001").await;
    queue(&app.pool, c, &["Olá".to_string()]).await;
    let sent = jobs::send_pending(
        &app.pool,
        &graph(&format!("{url}/v21.0"), Duration::from_secs(10)),
    )
    .await
    .unwrap();
    assert_eq!(sent, 1);
    assert_eq!(
        g.seen.lock().unwrap().clone(),
        ["open=0 claims=1"],
        "the claim was committed and nothing held a transaction during the call"
    );
    assert_eq!(
        statuses(&app.pool).await,
        [("Olá".into(), "delivered".into(), Some("wamid.RACE".into()))],
        "the status that came first is applied"
    );
    assert_eq!(app.count("select count(*) from early_statuses").await, 0);
    assert_eq!(
        app.count("select count(*) from send_claims").await,
        0,
        "released"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_send_whose_outcome_is_unknown_is_never_repeated() {
    let (app, me) = app().await;
    // No answer within the client's wait: Meta may or may not have taken it.
    let g = FakeGraph::start()
        .await
        .hanging_on("primeira")
        .hanging_on("segunda");
    let transport = graph(&g.url(), Duration::from_millis(300));
    let c = conversation(&app.pool, me, "+5521999990001").await;
    queue(
        &app.pool,
        c,
        &["primeira".to_string(), "segunda".to_string()],
    )
    .await;
    jobs::send_pending(&app.pool, &transport).await.unwrap();
    jobs::send_pending(&app.pool, &transport).await.unwrap();
    assert_eq!(g.sent(), 2, "one call each, none repeated");
    let rows = statuses(&app.pool).await;
    assert_eq!(rows[0].1, "unknown");
    assert_eq!(rows[1].1, "unknown");

    // A server that stopped mid-pass left a claim: once the lease has passed its messages are
    // marked for review, never sent; a recent claim (a live sender) is left alone.
    let c = conversation(&app.pool, me, "+5521999990002").await;
    queue(&app.pool, c, &["órfã".to_string(), "depois".to_string()]).await;
    claim_by_hand(&app.pool, c, "órfã", "11 minutes").await;
    let c = conversation(&app.pool, me, "+5521999990003").await;
    queue(&app.pool, c, &["em voo".to_string(), "espera".to_string()]).await;
    claim_by_hand(&app.pool, c, "em voo", "1 minute").await;
    jobs::settle_abandoned(&app.pool).await.unwrap();
    jobs::send_pending(&app.pool, &Transport::Sandbox)
        .await
        .unwrap();
    let by_text = |t: &'static str| rows_for(&app.pool, t);
    assert_eq!(by_text("órfã").await.0, "unknown");
    assert!(by_text("órfã")
        .await
        .1
        .unwrap()
        .contains("confira no WhatsApp"));
    assert_eq!(
        by_text("depois").await.0,
        "sent",
        "the queue goes on after it"
    );
    assert_eq!(by_text("em voo").await.0, "pending", "still claimed");
    assert_eq!(
        by_text("espera").await.0,
        "pending",
        "nothing overtakes a message in flight"
    );
    assert_eq!(g.sent(), 2);
}

/// What a sender that then stopped would have left: a claim taken `ago`, when `content`
/// (queued a minute before it) was the conversation's only message, and its call had
/// started; the conversation's other messages were queued after it.
async fn claim_by_hand(pool: &PgPool, conversation: Uuid, content: &str, ago: &str) {
    sqlx::query(
        "update messages set created_at = now() - $2::interval - interval '1 minute' where content = $1",
    )
    .bind(content)
    .bind(ago)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into send_claims (conversation_id, claimed_by, claimed_at, attempted)
         values ($1, gen_random_uuid(), now() - $2::interval,
                 array(select id from messages where content = $3))",
    )
    .bind(conversation)
    .bind(ago)
    .bind(content)
    .execute(pool)
    .await
    .unwrap();
}

async fn rows_for(pool: &PgPool, content: &str) -> (String, Option<String>) {
    sqlx::query_as("select status, error_message from messages where content = $1")
        .bind(content)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_bad_message_does_not_hold_back_the_rest_of_its_event() {
    let (app, _) = app().await;
    // A second consultant whose own flow is broken (as a bad edit could leave it).
    let broken = insert_consultant(&app.pool, "bia@exemplo.com", "Bia").await;
    sqlx::query("update consultants set whatsapp_number = '+5511900000002' where id = $1")
        .bind(broken)
        .execute(&app.pool)
        .await
        .unwrap();
    super::helpers::connect_number(&app.pool, broken, "2077").await;
    sqlx::query(
        "insert into flows (created_by, name, vertical, definition, is_active, is_template)
         values ($1, 'Quebrado', 'health_plans', '{\"steps\": []}', true, false)",
    )
    .bind(broken)
    .execute(&app.pool)
    .await
    .unwrap();
    let message = |pnid: &str, display: &str, from: &str, wamid: &str| {
        lead(from).named("Lead").to(pnid, display).text(wamid, "Oi")
    };
    let payload = delivery(&[
        message("2077", "5511900000002", "5521988880001", "wamid.BAD"),
        message("1065", "5511912345678", "5521988880002", "wamid.GOOD"),
    ]);
    assert_eq!(post(&app, &payload).await, 200);
    assert!(jobs::run_once(&app.pool, &sandbox()).await.unwrap());
    let (processed, retries, note): (bool, i32, Option<String>) =
        sqlx::query_as("select processed, retry_count, processing_error from webhook_events")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(processed, "the event is done, not retried");
    assert_eq!(retries, 0);
    let note = note.unwrap();
    assert!(note.contains("wamid.BAD"), "{note}");
    assert_eq!(
        app.count("select count(*) from messages where whatsapp_message_id = 'wamid.GOOD'")
            .await,
        1,
        "the good message is stored"
    );
    assert!(
        app.count("select count(*) from messages where direction = 'outbound' and status = 'sent'")
            .await
            >= 1,
        "and answered"
    );

    // An event that is only a bad message: noted once, not retried five times.
    let alone = message("2077", "5511900000002", "5521988880003", "wamid.ALONE");
    assert_eq!(post(&app, &alone).await, 200);
    assert!(jobs::run_once(&app.pool, &sandbox()).await.unwrap());
    let (processed, retries, note): (bool, i32, Option<String>) = sqlx::query_as(
        "select processed, retry_count, processing_error from webhook_events order by received_at desc limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(processed);
    assert_eq!(retries, 0);
    assert!(note.unwrap().contains("wamid.ALONE"));
    assert_eq!(
        app.count("select count(*) from leads where whatsapp_number like '%5521988880003'")
            .await,
        0,
        "what it began is undone"
    );
}

/// Sixty conversations wait behind AI answers not yet written; a conversation with a ready
/// message, queued after them, is still sent, and the sender returns (it once re-claimed the
/// same blocked conversations forever).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_behind_unwritten_ai_answers_do_not_block_the_sender() {
    let (app, me) = app().await;
    for i in 0..60 {
        let c = conversation(&app.pool, me, &format!("+55219{i:08}")).await;
        sqlx::query(
            "insert into messages (conversation_id, direction, content, message_type, status, ai_context, created_at)
             values ($1, 'outbound', '', 'text', 'pending', '{}', clock_timestamp())",
        )
        .bind(c)
        .execute(&app.pool)
        .await
        .unwrap();
        queue(&app.pool, c, &["depois da IA".to_string()]).await;
    }
    let ready = conversation(&app.pool, me, "+5521988880000").await;
    queue(&app.pool, ready, &["pronta".to_string()]).await;
    let sent = tokio::time::timeout(
        Duration::from_secs(10),
        jobs::send_pending(&app.pool, &Transport::Sandbox),
    )
    .await
    .expect("the sender returns")
    .unwrap();
    assert_eq!(sent, 1);
    assert_eq!(rows_for(&app.pool, "pronta").await.0, "sent");
    assert_eq!(
        app.count(
            "select count(*) from messages where content = 'depois da IA' and status = 'pending'"
        )
        .await,
        60,
        "held back, in order"
    );
    assert_eq!(app.count("select count(*) from send_claims").await, 0);
}
