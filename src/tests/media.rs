//! Files a lead sends: kept with the message at once, downloaded from a fake Graph API on
//! loopback, opened from the lead page by that consultant only, served so that none can run
//! as a page; too large a file is refused with a reason; the sandbox downloads nothing.

use super::helpers::TestApp;
use super::support::fake_graph::{FakeGraph, JPEG};
use super::support::whatsapp::{app_with_workers, lead, post, sandbox, settle, LEAD};
use consultor::jobs::{self, Services};
use serde_json::{json, Value};

/// Services that download files from (and send replies through) a fake Graph API.
async fn graph() -> Services {
    FakeGraph::start().await.services()
}

fn media_message(wamid: &str, kind: &str, object: Value) -> Value {
    lead(LEAD).named("Maria").media(wamid, kind, object)
}

async fn sign_in(app: &TestApp) {
    super::helpers::sign_in_inserted(app, "joana@exemplo.com").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_a_lead_sends_is_kept_and_opened_from_the_lead_page() {
    let app = app_with_workers(0).await;
    let me = sqlx::query_scalar("select id from consultants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    super::helpers::connect_number(&app.pool, me, "1065").await;
    let services = graph().await;
    let sends = [
        media_message(
            "wamid.img",
            "image",
            json!({"id": "media.img", "mime_type": "image/jpeg", "caption": "Minha carteirinha"}),
        ),
        media_message(
            "wamid.doc",
            "document",
            json!({"id": "media.html", "mime_type": "text/html", "filename": "x\"; evil=\".html"}),
        ),
        media_message(
            "wamid.big",
            "document",
            json!({"id": "media.big", "mime_type": "application/pdf", "filename": "enorme.pdf"}),
        ),
    ];
    for s in &sends {
        assert_eq!(post(&app, s).await, 200);
        assert!(jobs::run_once(&app.pool, &services).await.unwrap());
    }
    settle(&app).await;
    type Stored = (String, Option<String>, Option<i32>, Option<String>);
    let stored: Vec<Stored> = sqlx::query_as(
        "select media_id, caption, size_bytes, fetch_error from message_media order by created_at",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[0].0, "media.img");
    assert_eq!(stored[0].1.as_deref(), Some("Minha carteirinha"));
    assert_eq!(stored[0].2, Some(JPEG.len() as i32));
    assert!(
        stored[2].3.as_deref().unwrap().contains("passa de 16 MB"),
        "{:?}",
        stored[2]
    );
    let content: String =
        sqlx::query_scalar("select content from messages where whatsapp_message_id = 'wamid.img'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(content, "[imagem] Minha carteirinha");

    sign_in(&app).await;
    let lead: uuid::Uuid = sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let page = app.get_html(&format!("/leads/{lead}")).await;
    assert!(page.contains("Abrir imagem"));
    assert!(page.contains("Arquivo indisponível: o arquivo passa de 16 MB"));
    let img: uuid::Uuid =
        sqlx::query_scalar("select id from messages where whatsapp_message_id = 'wamid.img'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let res = app.get(&format!("/leads/{lead}/midia/{img}")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.bytes().await.unwrap().as_ref(), JPEG);

    // A file that would be a page is a download, with a harmless name.
    let doc: uuid::Uuid =
        sqlx::query_scalar("select id from messages where whatsapp_message_id = 'wamid.doc'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let res = app.get(&format!("/leads/{lead}/midia/{doc}")).await;
    assert_eq!(res.headers()["content-type"], "application/octet-stream");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"x___evil__.html\""),
        "{disposition}"
    );
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");

    // Another consultant, or nobody signed in, gets nothing.
    let stranger = app.other_browser();
    assert_eq!(
        stranger
            .get(&format!("/leads/{lead}/midia/{img}"))
            .await
            .status(),
        401
    );
    stranger
        .signup("Bia Lima", "bia@exemplo.com", "uma senha bem longa 123")
        .await;
    assert_eq!(
        stranger
            .get(&format!("/leads/{lead}/midia/{img}"))
            .await
            .status(),
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_keeps_the_file_s_details_and_says_it_was_not_downloaded() {
    let app = app_with_workers(0).await;
    assert_eq!(
        post(
            &app,
            &media_message(
                "wamid.a",
                "audio",
                json!({"id": "media.audio", "mime_type": "audio/ogg; codecs=opus"})
            )
        )
        .await,
        200
    );
    assert!(jobs::run_once(&app.pool, &sandbox()).await.unwrap());
    assert_eq!(
        app.count("select count(*) from message_media where kind = 'audio' and bytes is null")
            .await,
        1
    );
    sign_in(&app).await;
    let lead: uuid::Uuid = sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(app
        .get_html(&format!("/leads/{lead}"))
        .await
        .contains("Arquivo ainda não baixado do WhatsApp."));
}
