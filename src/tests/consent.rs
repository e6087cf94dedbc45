//! Consent on WhatsApp: the privacy notice of a first reply and its acknowledgement, SAIR
//! (and PARAR, CANCELAR) stopping the bot for good, VOLTAR bringing it back, and the privacy
//! page the notice links.

use super::helpers::sign_in_inserted;
use super::support::whatsapp::{app_with_workers, replies, send, text, NOTICE};
use consultor::jobs::reminders;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sair_stops_the_bot_until_voltar_and_the_notice_is_acknowledged() {
    let app = app_with_workers(2).await;
    send(&app, text("wamid.1", "Oi")).await;
    let (notice, ack): (bool, bool) = sqlx::query_as(
        "select privacy_notice_at is not null, privacy_ack_at is not null from leads",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(notice && !ack, "the notice went out, not yet answered");
    assert_eq!(
        app.count(&format!(
            "select count(*) from messages where direction = 'outbound' and content like '{NOTICE}%'"
        ))
        .await,
        1
    );
    send(&app, text("wamid.2", "Maria Souza")).await;
    let ack: bool = sqlx::query_scalar("select privacy_ack_at is not null from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(ack, "writing again after the notice acknowledges it");
    assert_eq!(replies(&app).await.len(), 2);

    send(&app, text("wamid.3", "  Sair! ")).await;
    let all = replies(&app).await;
    assert_eq!(all.len(), 3);
    assert!(
        all[2].contains("não vai mais receber mensagens automáticas"),
        "{}",
        all[2]
    );
    let out: bool = sqlx::query_scalar("select opted_out_at is not null from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(out);
    // The board marks the lead, and the export says so (#17: it looked like any other).
    let board = app.other_browser();
    sign_in_inserted(&board, "joana@exemplo.com").await;
    assert!(board.get_html("/leads").await.contains("pediu para sair"));
    let csv = board.get("/leads/exportar.csv").await.text().await.unwrap();
    assert!(
        csv.lines().nth(1).is_some_and(|l| l.contains(";sim")),
        "{csv}"
    );
    // Silence: the answer the flow waited for, a question for the AI, and no reminder.
    send(&app, text("wamid.4", "2")).await;
    send(&app, text("wamid.5", "Quanto custa?")).await;
    sqlx::query("update conversations set state = jsonb_set(state, '{asked_at}', to_jsonb(now() - interval '3 hours'))")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        reminders::queue_due(&app.pool, Duration::from_secs(60))
            .await
            .unwrap(),
        0
    );
    assert_eq!(replies(&app).await.len(), 3, "nothing more was sent");
    assert_eq!(
        app.count("select count(*) from messages where direction = 'inbound'")
            .await,
        5
    );

    // The consultant sees it, and the reply box warns.
    sign_in_inserted(&app, "joana@exemplo.com").await;
    let lead: uuid::Uuid = sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let page = app.get_html(&format!("/leads/{lead}")).await;
    assert!(
        page.contains("Este lead pediu para não receber mensagens"),
        "{page}"
    );

    // VOLTAR: a confirmation, and the flow goes on where it stopped.
    send(&app, text("wamid.6", "voltar")).await;
    send(&app, text("wamid.7", "2")).await;
    let all = replies(&app).await;
    assert_eq!(all.len(), 5, "{all:#?}");
    assert!(all[3].starts_with("Que bom ter você de volta"));
    assert!(all[4].starts_with("Qual a faixa de idade"), "{}", all[4]);
    let out: bool = sqlx::query_scalar("select opted_out_at is not null from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!out);
    let page = app.get_html(&format!("/leads/{lead}")).await;
    assert!(!page.contains("Este lead pediu para não receber mensagens"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_privacy_page_says_who_what_why_how_long_and_how() {
    let app = app_with_workers(0).await;
    let res = app.get("/c/joana/privacidade").await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    for expected in [
        "Como seus dados são tratados",
        "Quem trata seus dados: Joana",
        "O que é guardado",
        "Para quê",
        "Por quanto tempo",
        "15 dias",
        "SAIR",
        "VOLTAR",
    ] {
        assert!(page.contains(expected), "{expected}");
    }
    assert_eq!(app.get("/c/ninguem/privacidade").await.status(), 404);
}
