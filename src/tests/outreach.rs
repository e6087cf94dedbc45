//! A lead who never wrote on WhatsApp (a number left on the public page) has no conversation:
//! a template scheduled for them leaves at its time in a conversation opened for it, taken
//! over by the consultant (the bot does not start the flow on the lead's answer). #18.

use super::follow_ups::{app, approved, post};
use chrono::{Duration, Utc};
use consultor::jobs::scheduler;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_scheduled_for_a_lead_who_never_wrote_leaves_in_a_new_conversation() {
    let app = app().await;
    let lead: Uuid = sqlx::query_scalar(
        "insert into leads (consultant_id, whatsapp_number, name)
         select id, '+5521988887777', 'Rita Página' from consultants returning id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let template = approved(&app, "retomar_conversa").await;
    let page = format!("/leads/{lead}");
    let when = app::domain::schedule::to_local_input(Utc::now() + Duration::hours(2));
    let html = post(
        &app,
        &format!("{page}/agendar"),
        &page,
        &[("quando", &when), ("texto", ""), ("modelo", &template)],
    )
    .await;
    assert!(
        html.contains("Modelo \"retomar_conversa\" agendado"),
        "{html}"
    );
    assert_eq!(app.count("select count(*) from conversations").await, 0);

    // Its time comes.
    sqlx::query("update scheduled_messages set due_at = now() - interval '1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    scheduler::run(&app.pool, Utc::now()).await.unwrap();
    let (status, outcome): (String, Option<String>) =
        sqlx::query_as("select status, outcome from scheduled_messages")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), outcome), ("enviada", None));
    let (handed_off, state): (bool, serde_json::Value) = sqlx::query_as(
        "select handed_off_at is not null, state from conversations where lead_id = $1",
    )
    .bind(lead)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(handed_off && state["handed_off"] == true);
    assert_eq!(
        app.count("select count(*) from messages where message_type = 'template' and direction = 'outbound'")
            .await,
        1
    );
    // A second pass sends nothing more, and opens nothing more.
    scheduler::run(&app.pool, Utc::now()).await.unwrap();
    assert_eq!(app.count("select count(*) from conversations").await, 1);
    assert_eq!(
        app.count("select count(*) from messages where direction = 'outbound'")
            .await,
        1
    );
}
