//! The application through a real PgBouncer (Debian's 1.18) in transaction pooling, two
//! server connections per database shared by every client: the tenant-isolation tests pass
//! with their tenant transactions opened through it, and the server, its web requests going
//! through it, serves two consultants at once (sign-up, sign-in, boards, settings, a lead
//! writing in) with every answer right and only their own leads on each board.

use super::helpers::{fresh_db_with_url, number_for, TestApp};
use super::rls;
use super::support::pgbouncer::PgBouncer;
use super::support::wait_until;
use super::support::whatsapp::{lead, post, PHONE_NUMBER_ID};
use consultor::startup::DbPools;
use std::time::Duration;

async fn database_name(pool: &sqlx::PgPool) -> String {
    sqlx::query_scalar("select current_database()")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_isolation_holds_with_transactions_through_pgbouncer() {
    let (pool, url) = fresh_db_with_url().await;
    let bouncer = PgBouncer::start(&url).await;
    let pooled = bouncer.pool(&database_name(&pool).await, 8).await;
    rls::b_can_neither_see_nor_touch_a(&pool, &pooled).await;
    let (pool, _) = fresh_db_with_url().await;
    let pooled = bouncer.pool(&database_name(&pool).await, 8).await;
    rls::nothing_is_visible_without_a_consultant(&pool, &pooled).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_serves_two_consultants_at_once_through_pgbouncer() {
    let (direct, url) = fresh_db_with_url().await;
    let bouncer = PgBouncer::start(&url).await;
    let web = bouncer.pool(&database_name(&direct).await, 10).await;
    let app = TestApp::spawn_on_pools(DbPools { web, direct }, |c| {
        c.whatsapp_app_secret = Some(consultor::secret::Secret::new(
            super::support::whatsapp::SECRET,
        ));
    })
    .await;
    let ana = &app;
    let bia = &app.other_browser();
    for (browser, name, email) in [
        (ana, "Ana Pooler", "ana.pooler@exemplo.com"),
        (bia, "Bia Pooler", "bia.pooler@exemplo.com"),
    ] {
        let res = browser.signup(name, email, "uma senha bem longa 123").await;
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        assert!(
            status.is_success() || status.is_redirection(),
            "{status}: {body}"
        );
    }
    // A lead writes to Ana's number (the sandbox routes by the number written to).
    let ana_number: String = number_for("ana.pooler@exemplo.com")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let message = lead("5521987651234")
        .named("Lia Pooler")
        .to(PHONE_NUMBER_ID, &format!("55{ana_number}"))
        .text("wamid.pooler.1", "Oi");
    assert_eq!(post(&app, &message).await, 200);
    wait_until("the bot's reply sent", Duration::from_secs(20), || async {
        app.count("select count(*) from messages where direction = 'outbound' and status = 'sent'")
            .await
            > 0
    })
    .await;

    // Many requests at once from both, on two server connections: each answer whole and
    // right, each board with its own consultant's leads only.
    let mut requests = Vec::new();
    for i in 0..40 {
        let (browser, path) = match i % 4 {
            0 => (ana, "/leads"),
            1 => (bia, "/leads"),
            2 => (ana, "/configuracoes"),
            _ => (bia, "/painel"),
        };
        requests.push(async move {
            let res = browser.get(path).await;
            (i, path, res.status(), res.text().await.unwrap_or_default())
        });
    }
    for (i, path, status, body) in futures::future::join_all(requests).await {
        assert_eq!(status, 200, "{path} (request {i})");
        if path == "/leads" {
            let anas = i % 4 == 0;
            assert_eq!(body.contains("Lia Pooler"), anas, "{path} (request {i})");
        }
    }
    // The webhook queue and the sends, on the direct door, kept up.
    assert_eq!(
        app.count("select count(*) from webhook_events where not processed")
            .await,
        0
    );
    drop(bouncer);
}
