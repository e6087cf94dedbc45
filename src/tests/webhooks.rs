//! WhatsApp webhook intake: verification handshake, signatures, limits, durable storage.

use super::helpers::TestApp;
use super::support::whatsapp::{lead, LEAD, SECRET};
use consultor::config::Secret;
use consultor::webhooks::signature;

async fn app() -> TestApp {
    TestApp::spawn_with(|c| {
        c.whatsapp_verify_token = Some(Secret::new("token-de-verificacao"));
        c.whatsapp_app_secret = Some(Secret::new(SECRET));
        c.webhook_max_body_bytes = 64 * 1024;
        // Intake only: what is stored must stay as stored (processing has its own tests).
        c.webhook_workers = 0;
        c.sender_enabled = false;
        c.scheduler_enabled = false;
    })
    .await
}

fn text_payload(wamid: &str) -> String {
    lead(LEAD).named("Lead").text(wamid, "Oi").to_string()
}

async fn post(app: &TestApp, body: &str, signature: Option<String>) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/webhooks/whatsapp"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(sig) = signature {
        req = req.header("x-hub-signature-256", sig);
    }
    req.send().await.unwrap()
}

async fn stored(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from webhook_events")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_answers_the_challenge_only_with_the_right_token() {
    let app = app().await;
    let ok = app
        .get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=token-de-verificacao&hub.challenge=1158201444")
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "1158201444");
    for q in [
        "hub.mode=subscribe&hub.verify_token=errado&hub.challenge=1",
        "hub.mode=unsubscribe&hub.verify_token=token-de-verificacao&hub.challenge=1",
        "hub.mode=subscribe&hub.challenge=1",
    ] {
        assert_eq!(
            app.get(&format!("/webhooks/whatsapp?{q}")).await.status(),
            403,
            "{q}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_verified_before_they_are_parsed_and_stored_raw() {
    let app = app().await;
    let body = text_payload("wamid.1");

    assert_eq!(post(&app, &body, None).await.status(), 401);
    let wrong = signature::sign(b"outro-segredo", body.as_bytes());
    assert_eq!(post(&app, &body, Some(wrong)).await.status(), 401);
    // A valid signature over different bytes (the body was tampered with).
    let sig = signature::sign(SECRET.as_bytes(), body.as_bytes());
    assert_eq!(
        post(&app, &body.replace("Oi", "Oi!"), Some(sig.clone()))
            .await
            .status(),
        401
    );
    // Not JSON, but signed: 400.
    let junk = "isto não é json";
    let junk_sig = signature::sign(SECRET.as_bytes(), junk.as_bytes());
    assert_eq!(post(&app, junk, Some(junk_sig)).await.status(), 400);
    // Over the body limit: 413, whatever the signature.
    let big = format!("{{\"x\": \"{}\"}}", "a".repeat(70 * 1024));
    let big_sig = signature::sign(SECRET.as_bytes(), big.as_bytes());
    assert_eq!(post(&app, &big, Some(big_sig)).await.status(), 413);
    assert_eq!(stored(&app).await, 0, "nothing refused was written");

    assert_eq!(post(&app, &body, Some(sig.clone())).await.status(), 200);
    let (event_type, payload, signature_col, processed): (String, serde_json::Value, String, bool) =
        sqlx::query_as("select event_type, payload, signature, processed from webhook_events")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(event_type, "message");
    assert_eq!(
        payload,
        serde_json::from_str::<serde_json::Value>(&body).unwrap()
    );
    assert_eq!(signature_col, sig);
    assert!(!processed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_app_secret_every_event_is_refused() {
    let app = TestApp::spawn().await;
    let body = text_payload("wamid.1");
    let sig = signature::sign(SECRET.as_bytes(), body.as_bytes());
    assert_eq!(post(&app, &body, Some(sig)).await.status(), 401);
    assert_eq!(
        app.get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=&hub.challenge=1")
            .await
            .status(),
        403
    );
    assert_eq!(stored(&app).await, 0);
}
