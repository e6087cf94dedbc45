//! Coexistence (#18 part 1): the consultant keeps the WhatsApp Business app on the number.
//! Fakes of Meta's three webhooks, as its reference shows them: an echo of a message sent
//! from the phone is stored once, shown as sent from the phone, and stops the bot for that
//! lead; shared history fills in a lead's past once, creating neither duplicate messages nor
//! leads; a saved contact's name names a lead that had none. The history one delivery keeps
//! is bounded.

use super::helpers::{sign_in_inserted, TestApp};
use super::support::whatsapp::{
    app_with_workers, post, send, settle, text, CONSULTANT_NUMBER, LEAD, PHONE_NUMBER_ID,
};
use serde_json::{json, Value};

fn change(field: &str, value: Value) -> Value {
    let mut value = value;
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] =
        json!({"display_phone_number": CONSULTANT_NUMBER, "phone_number_id": PHONE_NUMBER_ID});
    json!({"object": "whatsapp_business_account",
           "entry": [{"id": "WABA", "changes": [{"field": field, "value": value}]}]})
}

fn echo(wamid: &str, to: &str, body: &str) -> Value {
    change(
        "smb_message_echoes",
        json!({"message_echoes": [{
        "from": CONSULTANT_NUMBER, "to": to, "id": wamid, "timestamp": "1700000100",
        "type": "text", "text": {"body": body}}]}),
    )
}

fn history(threads: Value) -> Value {
    change(
        "history",
        json!({"history": [{
        "metadata": {"phase": 0, "chunk_order": 1, "progress": 100}, "threads": threads}]}),
    )
}

async fn outbound(app: &TestApp) -> i64 {
    app.count("select count(*) from messages where direction = 'outbound'")
        .await
}

async fn lead_id(app: &TestApp) -> uuid::Uuid {
    sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_sent_from_the_phone_is_stored_once_and_takes_the_lead_over() {
    let app = app_with_workers(1).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    send(&app, text("wamid.1", "Oi")).await;
    let bot = outbound(&app).await;
    assert!(bot > 0, "the bot answered the first message");

    let payload = echo(
        "wamid.echo.1",
        LEAD,
        "Oi Maria, aqui é a Joana, pelo celular!",
    );
    send(&app, payload.clone()).await;
    // Meta delivers it again: nothing new.
    send(&app, payload).await;
    assert_eq!(outbound(&app).await, bot + 1, "the echo is stored once");
    let (by, status): (String, String) = sqlx::query_as(
        "select payload->>'by', status from messages where whatsapp_message_id = 'wamid.echo.1'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((by.as_str(), status.as_str()), ("phone", "sent"));
    let handed: bool = sqlx::query_scalar("select handed_off_at is not null from conversations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(handed, "writing from the phone takes the conversation over");
    let html = app
        .get_html(&format!("/leads/{}", lead_id(&app).await))
        .await;
    assert!(html.contains("Oi Maria, aqui é a Joana, pelo celular!"));
    assert!(html.contains("Você, pelo celular"));
    assert!(html.contains("enviada pelo celular"));
    assert!(html.contains("Você assumiu esta conversa."));

    // The lead answers: the bot stays quiet, the consultant answers from the phone.
    send(&app, text("wamid.2", "Oi Joana!")).await;
    assert_eq!(
        outbound(&app).await,
        bot + 1,
        "the bot answered a lead taken over from the phone"
    );

    // An echo to someone who is not a lead (family, a supplier) stores nothing.
    send(&app, echo("wamid.echo.2", "5511988887777", "Chego às 19h")).await;
    assert_eq!(app.count("select count(*) from leads").await, 1);
    assert_eq!(outbound(&app).await, bot + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_history_fills_a_leads_past_once_without_new_leads_or_a_reopened_window() {
    let app = app_with_workers(1).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    send(&app, text("wamid.1", "Oi")).await;
    let before = app.count("select count(*) from messages").await;
    let last_inbound: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select last_inbound_at from leads")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let threads = json!([
        {"id": LEAD, "messages": [
            {"from": LEAD, "id": "wamid.old.1", "timestamp": "1690000000", "type": "text",
             "text": {"body": "Bom dia, queria saber do plano"}, "history_context": {"status": "READ"}},
            {"from": CONSULTANT_NUMBER, "id": "wamid.old.2", "timestamp": "1690000060", "type": "text",
             "text": {"body": "Bom dia! Te mando as opções"}, "history_context": {"status": "READ"}},
            // Already here (the message the lead sent through the API).
            {"from": LEAD, "id": "wamid.1", "timestamp": "1700000000", "type": "text", "text": {"body": "Oi"}}
        ]},
        {"id": "5511977776666", "messages": [
            {"from": "5511977776666", "id": "wamid.other.1", "timestamp": "1690000000", "type": "text",
             "text": {"body": "Pai, me liga"}}
        ]}
    ]);
    send(&app, history(threads.clone())).await;
    send(&app, history(threads)).await;
    assert_eq!(
        app.count("select count(*) from messages").await,
        before + 2,
        "two new, once"
    );
    assert_eq!(
        app.count("select count(*) from leads").await,
        1,
        "no lead from history"
    );
    let (direction, by, status): (String, Option<String>, String) = sqlx::query_as(
        "select direction, payload->>'by', status from messages where whatsapp_message_id = 'wamid.old.2'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (direction.as_str(), by.as_deref(), status.as_str()),
        ("outbound", Some("phone"), "read")
    );
    let at: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "select created_at from messages where whatsapp_message_id = 'wamid.old.1'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(at.timestamp(), 1690000000, "kept at its own time");
    let after: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select last_inbound_at from leads")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        after, last_inbound,
        "history does not move the reply window"
    );
    let handed: bool = sqlx::query_scalar("select handed_off_at is not null from conversations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!handed, "the past does not take the conversation over");
    let html = app
        .get_html(&format!("/leads/{}", lead_id(&app).await))
        .await;
    assert!(html.contains("Bom dia, queria saber do plano"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_delivery_is_bounded() {
    let app = app_with_workers(1).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    send(&app, text("wamid.1", "Oi")).await;
    let before = app.count("select count(*) from messages").await;
    let messages: Vec<Value> = (0..2_050)
        .map(|n| {
            json!({"from": LEAD, "id": format!("wamid.h.{n}"), "timestamp": "1690000000",
                        "type": "text", "text": {"body": format!("mensagem {n}")}})
        })
        .collect();
    assert_eq!(
        post(&app, &history(json!([{"id": LEAD, "messages": messages}]))).await,
        200
    );
    settle(&app).await;
    let stored = app.count("select count(*) from messages").await - before;
    assert_eq!(stored, 2_000);
    let note: Option<String> = sqlx::query_scalar(
        "select processing_error from webhook_events where payload::text like '%wamid.h.0%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(note
        .unwrap_or_default()
        .contains("50 mensagens além do limite"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_saved_on_the_phone_names_a_lead_without_a_name() {
    let app = app_with_workers(1).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    send(&app, text("wamid.1", "Oi")).await;
    let sync = |number: &str, name: &str, action: &str| {
        change(
            "smb_app_state_sync",
            json!({"state_sync": [{"type": "contact", "action": action,
            "contact": {"full_name": name, "first_name": name, "phone_number": number},
            "metadata": {"timestamp": "1700000000"}}]}),
        )
    };
    send(&app, sync(LEAD, "Maria da Silva", "add")).await;
    let name: Option<String> = sqlx::query_scalar("select name from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("Maria da Silva"));
    // A name the lead has is never replaced; unknown numbers create nobody.
    send(&app, sync(LEAD, "Maria Vizinha", "edit")).await;
    send(&app, sync("5511955554444", "Fornecedor", "add")).await;
    let name: Option<String> = sqlx::query_scalar("select name from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("Maria da Silva"));
    assert_eq!(app.count("select count(*) from leads").await, 1);
    let (processed, _) = only_event_outcome_last(&app).await;
    assert!(processed);
}

async fn only_event_outcome_last(app: &TestApp) -> (bool, Option<String>) {
    sqlx::query_as(
        "select processed, processing_error from webhook_events order by received_at desc limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}
