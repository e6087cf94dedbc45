//! The WhatsApp loop end to end: signed webhooks in, the flow engine, replies out (sandbox
//! transport), statuses, exactly-once delivery, crash safety and retries.

use super::helpers::{insert_consultant, TestApp};
use super::support::wait_until;
use super::support::whatsapp::{
    app_with_workers, button, lead, list, only_event_outcome, post, replies, sandbox, send, settle,
    statuses, text, LEAD, NOTICE, SECRET,
};
use consultor::jobs::{self, MAX_ATTEMPTS};
use consultor::webhooks::signature;
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_is_qualified_from_hello_to_completion() {
    let app = app_with_workers(2).await;
    send(
        &app,
        text(
            "wamid.1",
            "Olá! Vi seu perfil no Consultor e gostaria de atendimento. [ref:perfil]",
        ),
    )
    .await;
    assert_eq!(
        replies(&app).await,
        ["Olá! Sou o assistente virtual. Para começar, qual é o seu nome?"]
    );
    // Before the first question, the privacy notice, linking the consultant's page.
    let first: String = sqlx::query_scalar(
        "select content from messages where direction = 'outbound' order by created_at, reply_seq limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(first.starts_with(NOTICE), "{first}");
    assert!(first.contains("/c/joana/privacidade"), "{first}");

    send(&app, text("wamid.2", "Maria Souza")).await;
    send(&app, button("wamid.3", "familia", "Família")).await;
    send(&app, list("wamid.4", "31_45", "31 a 45 anos")).await;
    send(&app, text("wamid.5", "nao")).await; // typed label, no accent
    send(&app, text("wamid.6", "Campinas")).await;

    let all = replies(&app).await;
    assert_eq!(all.len(), 7, "{all:#?}");
    assert_eq!(
        all[1],
        "Prazer, Maria Souza! Você busca plano para:\n[Só eu] [Família] [Empresa (CNPJ)]"
    );
    assert!(
        all[2].starts_with("Qual a faixa de idade do titular?\n1. Até 30 anos"),
        "{}",
        all[2]
    );
    assert_eq!(
        all[5],
        "Obrigado, Maria Souza! Já vou preparar as melhores opções para você."
    );

    let (name, profile, respostas, metadata): (String, String, Value, Value) =
        sqlx::query_as("select name, profile_name, respostas, metadata from leads")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (name.as_str(), profile.as_str()),
        ("Maria Souza", "Maria Zap")
    );
    assert_eq!(
        respostas,
        json!({"nome": "Maria Souza", "perfil": "familia", "idade": "31_45", "copart": "nao", "cidade": "Campinas"})
    );
    assert_eq!(metadata["source"], "perfil");
    let (completed, has_completed_at): (bool, bool) =
        sqlx::query_as("select is_completed, completed_at is not null from conversations")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(completed && has_completed_at);
    // Every reply went out through the sandbox transport, with an id of its own.
    let unsent = app.count("select count(*) from messages where direction = 'outbound' and (status <> 'sent' or whatsapp_message_id not like 'sandbox.%')").await;
    assert_eq!(unsent, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_deliveries_of_one_message_yield_one_row_and_one_reply() {
    let app = app_with_workers(4).await;
    let payload = text("wamid.dup", "Oi");
    // Fifty deliveries in flight at once, each on its own task.
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (client, url, body) = (
                app.client.clone(),
                app.url("/webhooks/whatsapp"),
                payload.to_string(),
            );
            tokio::spawn(async move {
                let sig = signature::sign(SECRET.as_bytes(), body.as_bytes());
                client
                    .post(url)
                    .header("content-type", "application/json")
                    .header("x-hub-signature-256", sig)
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    settle(&app).await;
    let (events, inbound, outbound, leads, conversations): (i64, i64, i64, i64, i64) =
        sqlx::query_as(
            "select (select count(*) from webhook_events where processed),
                (select count(*) from messages where direction = 'inbound'),
                (select count(*) from messages where direction = 'outbound'),
                (select count(*) from leads),
                (select count(*) from conversations)",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // One reply: the first question, with the privacy notice before it.
    assert_eq!(
        (events, inbound, outbound, leads, conversations),
        (50, 1, 2, 1, 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_arrive_out_of_order_and_twice_but_never_move_backwards() {
    let app = app_with_workers(2).await;
    send(&app, text("wamid.1", "Oi")).await;
    let reply: String =
        sqlx::query_scalar("select whatsapp_message_id from messages where direction = 'outbound'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    for st in ["read", "delivered", "read", "sent", "failed", "delivered"] {
        send(&app, statuses(&[(reply.as_str(), st)])).await;
    }
    let (status, error): (String, Option<String>) =
        sqlx::query_as("select status, error_message from messages where whatsapp_message_id = $1")
            .bind(&reply)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), error), ("read", None));

    // A message that fails before delivery records why.
    send(&app, text("wamid.2", "Ana")).await;
    let second: String = sqlx::query_scalar(
        "select whatsapp_message_id from messages where direction = 'outbound' and whatsapp_message_id <> $1",
    )
    .bind(&reply)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    send(
        &app,
        statuses(&[(second.as_str(), "failed"), (second.as_str(), "delivered")]),
    )
    .await;
    let (status, error): (String, Option<String>) =
        sqlx::query_as("select status, error_message from messages where whatsapp_message_id = $1")
            .bind(&second)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "failed");
    assert_eq!(
        error.as_deref(),
        Some("131047: a janela de 24 horas fechou: para escrever a este lead agora, envie um modelo aprovado")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_to_an_unknown_number_are_marked_and_ignored() {
    let app = app_with_workers(2).await;
    let payload = lead(LEAD).to("999", "5599988887777").text("wamid.1", "Oi");
    send(&app, payload).await;
    let (processed, error) = only_event_outcome(&app).await;
    assert!(processed);
    assert_eq!(
        error.as_deref(),
        Some("número de destino desconhecido: *********7777")
    );
    let rows = app
        .count("select (select count(*) from leads) + (select count(*) from messages)")
        .await;
    assert_eq!(rows, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_acknowledged_before_a_crash_is_processed_once_after_restart() {
    // The first server acknowledges but never processes (as if it died right after the 200).
    let first = app_with_workers(0).await;
    assert_eq!(post(&first, &text("wamid.1", "Oi")).await, 200);
    // Acknowledged means stored; with no worker nothing takes it from there. (The bound is
    // for a loaded machine: the whole suite on 2 cores once took more than 5 s here.)
    wait_until("the event stored", Duration::from_secs(30), || async {
        first.count("select count(*) from webhook_events").await == 1
    })
    .await;
    let unprocessed = first
        .count("select count(*) from webhook_events where not processed")
        .await;
    assert_eq!(unprocessed, 1);
    // The restarted server (same database) picks it up.
    let second = TestApp::spawn_on(first.pool.clone(), |c| c.webhook_workers = 2).await;
    settle(&second).await;
    assert_eq!(replies(&second).await.len(), 1);
    let inbound = second
        .count("select count(*) from messages where direction = 'inbound'")
        .await;
    assert_eq!(inbound, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_retried_with_backoff_then_left_for_inspection() {
    let app = app_with_workers(0).await;
    // The database refuses the lead's row (as a full disk or a lost connection would): a
    // failure that retrying may fix. (A message that can never be processed, such as one
    // for a broken flow, is noted once instead: see delivery.rs.)
    sqlx::raw_sql(
        "create function refuse() returns trigger language plpgsql as
             $$ begin raise exception 'banco indisponível'; end $$;
         create trigger refuse before insert on leads execute function refuse();",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(post(&app, &text("wamid.1", "Oi")).await, 200);

    for attempt in 1..=MAX_ATTEMPTS {
        assert!(jobs::run_once(&app.pool, &sandbox()).await.unwrap());
        let (retries, error, delay): (i32, String, Option<f64>) = sqlx::query_as(
            "select retry_count, processing_error, extract(epoch from next_attempt_at - now())::float8 from webhook_events",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(retries, attempt);
        assert!(error.contains("banco indisponível"), "{error}");
        if attempt < MAX_ATTEMPTS {
            assert!(
                delay.unwrap() > 1.0,
                "attempt {attempt} waits before the next"
            );
            // Not due yet: nothing to claim.
            assert!(!jobs::run_once(&app.pool, &sandbox()).await.unwrap());
            sqlx::query("update webhook_events set next_attempt_at = now()")
                .execute(&app.pool)
                .await
                .unwrap();
        } else {
            assert_eq!(delay, None, "given up: left for inspection");
        }
    }
    // Each failed attempt rolled back everything it did.
    let rows = app.count("select (select count(*) from leads) + (select count(*) from messages) + (select count(*) from conversations)").await;
    assert_eq!(rows, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_two_accounts_claim_routes_to_neither_and_a_closed_account_stops_at_once() {
    let app = app_with_workers(0).await;
    // A second account claims Joana's display number (written before numbers were unique).
    insert_consultant(&app.pool, "intrusa@exemplo.com", "Intrusa").await;
    assert_eq!(post(&app, &text("wamid.1", "Oi")).await, 200);
    jobs::run_once(&app.pool, &sandbox()).await.unwrap();
    assert_eq!(
        app.count("select count(*) from leads").await,
        0,
        "neither gets the lead"
    );
    let (processed, note) = only_event_outcome(&app).await;
    assert!(processed);
    assert!(note.unwrap().contains("mais de uma conta"));

    // Joana connects her number (its phone number id): the id decides, the intruder gets
    // nothing.
    let joana = super::helpers::consultant_id(&app.pool, "joana@exemplo.com").await;
    super::helpers::connect_number(&app.pool, joana, "1065").await;
    assert_eq!(post(&app, &text("wamid.2", "Oi")).await, 200);
    jobs::run_once(&app.pool, &sandbox()).await.unwrap();
    let owner: String = sqlx::query_scalar(
        "select c.email from leads l join consultants c on c.id = l.consultant_id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(owner, "joana@exemplo.com");

    // Her account closes: routing stops with the next message.
    sqlx::query("update consultants set is_active = false where email = 'joana@exemplo.com'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(post(&app, &text("wamid.3", "Oi de novo")).await, 200);
    jobs::run_once(&app.pool, &sandbox()).await.unwrap();
    assert_eq!(
        app.count("select count(*) from messages where direction = 'inbound'")
            .await,
        1,
        "the closed account received nothing more"
    );
}

/// The public page's button writes a greeting with no code in it; the lead still counts as
/// coming from the page (and old links with `[ref:perfil]` still do too).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_pages_greeting_marks_the_lead_as_from_the_page() {
    let app = app_with_workers(2).await;
    send(
        &app,
        text(
            "wamid.1",
            &format!("Olá, Joana! {}", app::domain::attribution::PROFILE_MESSAGE),
        ),
    )
    .await;
    let source: Option<String> = sqlx::query_scalar("select metadata->>'source' from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(source.as_deref(), Some("perfil"));
}
