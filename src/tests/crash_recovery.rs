//! A real server process killed in the middle of a send (SIGKILL, no chance to clean up),
//! then another started on the same database: the message whose call was under way is marked
//! for review, never sent twice; every other message, queued before or after the crash, is
//! sent exactly once, within seconds of the restart rather than at the claims' ten-minute
//! lease.

use super::delivery::{conversation, queue};
use super::helpers::{connect_number, fresh_db_with_url, insert_consultant};
use super::support::fake_graph::FakeGraph;
use super::support::wait_until;
use super::support::whatsapp::lead;
use sqlx::PgPool;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A Graph API that keeps every text it is given, and never answers the one named `hang`
/// (the server is killed while it waits for that answer).
async fn fake_graph(hang: &str) -> (String, FakeGraph) {
    let g = FakeGraph::start().await.hanging_on(hang);
    (g.url(), g)
}

/// The real binary, serving on a free port with one worker, sending through `graph`.
fn start_server(database_url: &str, graph: &str) -> Child {
    start_server_with(database_url, graph, &[])
}

fn start_server_with(database_url: &str, graph: &str, extra: &[(&str, &str)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_consultor"))
        .arg("serve")
        .envs(extra.iter().copied())
        .env("DATABASE_URL", database_url)
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("WEBHOOK_WORKERS", "1")
        .env("METRICS_REFRESH_SECS", "0")
        .env("WHATSAPP_APP_ID", "1234")
        .env("WHATSAPP_APP_SECRET", "segredo-do-app")
        .env("WHATSAPP_SIGNUP_CONFIG_ID", "5678")
        .env("WHATSAPP_GRAPH_URL", graph)
        .env("LEPTOS_OUTPUT_NAME", "consultor")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server binary")
}

/// Until every outcome is recorded and the pass that sent them has released its claims.
async fn settled(pool: &PgPool) {
    wait_until("nothing pending", Duration::from_secs(10), || async {
        sqlx::query_scalar::<_, i64>(
            "select (select count(*) from messages where status = 'pending')
                  + (select count(*) from send_claims)",
        )
        .fetch_one(pool)
        .await
        .unwrap()
            == 0
    })
    .await;
}

/// Whether every one of `texts` reached the fake Graph API.
fn all_sent(g: &FakeGraph, texts: &[&str]) -> bool {
    let got = g.texts();
    texts.iter().all(|t| got.iter().any(|g| g == t))
}

async fn status_of(pool: &PgPool, content: &str) -> String {
    sqlx::query_scalar("select status from messages where content = $1")
        .bind(content)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_send_loses_nothing_and_repeats_nothing() {
    let (pool, url) = fresh_db_with_url().await;
    let me = insert_consultant(&pool, "joana@exemplo.com", "Joana").await;
    connect_number(&pool, me, "1065").await;
    let (graph, got) = fake_graph("a2").await;
    let a = conversation(&pool, me, "+5521999990001").await;
    let b = conversation(&pool, me, "+5521999990002").await;
    queue(&pool, a, &["a0", "a1", "a2", "a3", "a4"]).await;
    queue(&pool, b, &["b0", "b1"]).await;

    let mut first = start_server(&url, &graph);
    got.wait_for_text("a2", Duration::from_secs(60)).await;
    // The other conversation.
    got.wait_for_text("b1", Duration::from_secs(10)).await;
    first.kill().expect("SIGKILL");
    first.wait().unwrap();

    // What was answered before the crash is recorded as sent; the rest is still queued.
    for sent in ["a0", "a1", "b0", "b1"] {
        assert_eq!(status_of(&pool, sent).await, "sent", "{sent}");
    }
    // The lead writes again after the crash: the reply to it joins the same conversation.
    queue(&pool, a, &["depois"]).await;

    let mut second = start_server(&url, &graph);
    // The first server's claim blocked conversation `a` for ten minutes before; now the new
    // server sees at once that its holder is gone.
    let took = wait_until(
        "the rest, after the restart",
        Duration::from_secs(20),
        || async { all_sent(&got, &["a3", "a4", "depois"]) },
    )
    .await;
    assert!(took < Duration::from_secs(10), "resumed after {took:?}");
    eprintln!("the rest was sent {took:?} after the second server started");
    settled(&pool).await;
    second.kill().unwrap();
    second.wait().unwrap();

    // Each text reached WhatsApp exactly once, the interrupted one included.
    let got = got.texts();
    for text in ["a0", "a1", "a2", "a3", "a4", "b0", "b1", "depois"] {
        assert_eq!(
            got.iter().filter(|t| *t == text).count(),
            1,
            "{text} in {got:?}"
        );
    }
    // Only the message whose call was under way is for the consultant to check.
    assert_eq!(status_of(&pool, "a2").await, "unknown");
    for sent in ["a3", "a4", "depois"] {
        assert_eq!(status_of(&pool, sent).await, "sent", "{sent}");
    }
}

/// An AI answer whose writer died mid-call (its claim names a holder whose liveness lock is
/// gone) is taken over at once, not after the two-minute lease: the lead's conversation,
/// held behind it, goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ai_answer_left_by_a_dead_worker_is_taken_over_at_once() {
    use consultor::jobs::{process_payload, Routing};
    let (pool, _) = fresh_db_with_url().await;
    insert_consultant(&pool, "joana@exemplo.com", "Joana").await;
    let zilda = lead("5521987650009");
    for (n, body) in ["Oi", "Zilda Moura", "2", "2", "1", "Campinas"]
        .iter()
        .enumerate()
    {
        let payload = zilda.text(&format!("wamid.ai.{n}"), body);
        let mut tx = app::server::db::SystemTx::begin(&pool).await.unwrap();
        process_payload(&mut tx, &payload, Routing::Sandbox, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    // The answer was claimed a moment ago by a process that is gone (no lock has this key).
    let claimed = sqlx::query(
        "update messages set ai_claimed_at = now(), ai_claimed_by = 4242424242
          where ai_context is not null",
    )
    .execute(&pool)
    .await
    .unwrap()
    .rows_affected();
    assert_eq!(claimed, 1, "the completed flow queued one AI answer");

    let app = super::helpers::TestApp::spawn_on(pool.clone(), |c| c.webhook_workers = 1).await;
    wait_until(
        "the answer taken over (not waiting for the dead worker's lease)",
        Duration::from_secs(10),
        || async {
            app.count(
                "select count(*) from messages where ai_context is not null or status = 'pending'",
            )
            .await
                == 0
        },
    )
    .await;
}

/// SIGTERM: the server stops taking requests, stops its background work (a call still under
/// way after the grace period is stopped, and marked for review), releases its claims and
/// exits 0; the next instance sends what was left, each message once, at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_stopped_with_sigterm_hands_its_work_over_cleanly() {
    let (pool, url) = fresh_db_with_url().await;
    let me = insert_consultant(&pool, "joana@exemplo.com", "Joana").await;
    connect_number(&pool, me, "1065").await;
    let (graph, got) = fake_graph("s1").await;
    let a = conversation(&pool, me, "+5521999990001").await;
    queue(&pool, a, &["s0", "s1", "s2", "s3"]).await;

    let mut first = start_server_with(&url, &graph, &[("SHUTDOWN_GRACE_SECS", "1")]);
    got.wait_for_text("s1", Duration::from_secs(60)).await;
    let term = Command::new("kill")
        .args(["-TERM", &first.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    wait_until(
        "the server exits after SIGTERM",
        Duration::from_secs(15),
        || {
            let exited = first.try_wait().unwrap().is_some();
            async move { exited }
        },
    )
    .await;
    let status = first.wait().unwrap();
    assert!(status.success(), "exit status {status:?}");
    // Its claims were released on the way out: nothing waits for a lease or a dead holder.
    assert_eq!(
        sqlx::query_scalar::<_, i64>("select count(*) from send_claims")
            .fetch_one(&pool)
            .await
            .unwrap(),
        0
    );
    assert_eq!(status_of(&pool, "s0").await, "sent");
    assert_eq!(
        status_of(&pool, "s1").await,
        "unknown",
        "its call was under way"
    );
    assert_eq!(status_of(&pool, "s2").await, "pending");

    let mut second = start_server(&url, &graph);
    wait_until(
        "the rest, by the next instance",
        Duration::from_secs(20),
        || async { all_sent(&got, &["s2", "s3"]) },
    )
    .await;
    settled(&pool).await;
    second.kill().unwrap();
    second.wait().unwrap();
    let got = got.texts();
    for text in ["s0", "s1", "s2", "s3"] {
        assert_eq!(
            got.iter().filter(|t| *t == text).count(),
            1,
            "{text} in {got:?}"
        );
    }
}
