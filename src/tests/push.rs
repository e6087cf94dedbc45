//! Notifications on the consultant's phone (issue #19): a push service on loopback receives
//! what the push job sends, and reads it with the browser's side of the encryption.

use super::ai_answers::qualify;
use super::helpers::{hidden_csrf, serve_fake, sign_in_inserted, TestApp};
use super::support::whatsapp::{app_with_workers_and, lead, send, without_jobs};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use chrono::Utc;
use consultor::config::WebPushKeys;
use consultor::push::crypto::{browser::decrypt, Vapid};
use consultor::push::{Pass, WebPush};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::SecretKey;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// What the push service received: (path, headers, body).
type Received = Arc<Mutex<Vec<(String, HeaderMap, Vec<u8>)>>>;

#[derive(Clone, Default)]
struct FakePush {
    received: Received,
    /// Path → statuses to answer in turn (then 201).
    answers: Arc<Mutex<HashMap<String, Vec<u16>>>>,
}

async fn receive(
    State(fake): State<FakePush>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    fake.received
        .lock()
        .unwrap()
        .push((path.clone(), headers, body.to_vec()));
    let next = fake
        .answers
        .lock()
        .unwrap()
        .get_mut(&path)
        .and_then(|a| (!a.is_empty()).then(|| a.remove(0)));
    StatusCode::from_u16(next.unwrap_or(201)).unwrap()
}

async fn fake_push() -> (String, FakePush) {
    let fake = FakePush::default();
    let app = Router::new()
        .route("/push/{path}", post(receive))
        .with_state(fake.clone());
    (serve_fake(app).await, fake)
}

/// A browser's subscription: its private key (to read what it gets) and auth secret.
struct Browser {
    private: SecretKey,
    auth: [u8; 16],
}

impl Browser {
    fn new() -> Self {
        let mut auth = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut auth);
        Browser {
            private: SecretKey::random(&mut rand_core::OsRng),
            auth,
        }
    }
    fn p256dh(&self) -> String {
        B64.encode(self.private.public_key().to_encoded_point(false).as_bytes())
    }
    fn read(&self, body: &[u8]) -> serde_json::Value {
        serde_json::from_slice(&decrypt(&self.private, &self.auth, body).expect("decrypts"))
            .unwrap()
    }
}

async fn subscribe(app: &TestApp, consultant: Uuid, endpoint: &str, b: &Browser) -> Uuid {
    sqlx::query_scalar(
        "insert into push_subscriptions (consultant_id, endpoint, p256dh, auth, device)
         values ($1, $2, $3, $4, 'Chrome no Android') returning id",
    )
    .bind(consultant)
    .bind(endpoint)
    .bind(b.p256dh())
    .bind(B64.encode(b.auth))
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

fn web_push() -> (WebPush, String) {
    let vapid = Vapid::generate();
    let public = vapid.public_base64url();
    let keys = WebPushKeys {
        vapid: Arc::new(vapid),
        subject: "mailto:teste@consultor.app".into(),
    };
    (WebPush::new(&keys), public)
}

async fn joana(app: &TestApp) -> Uuid {
    sqlx::query_scalar("select id from consultants where email = 'joana@exemplo.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn pass(app: &TestApp, push: &WebPush) -> Pass {
    consultor::push::run(&app.pool, push, Utc::now())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hot_lead_buzzes_each_device_once_with_its_summary() {
    let app = app_with_workers_and(1, without_jobs).await;
    let (url, fake) = fake_push().await;
    let (push, public_key) = web_push();
    let consultant = joana(&app).await;
    let (phone, laptop) = (Browser::new(), Browser::new());
    subscribe(&app, consultant, &format!("{url}/push/celular"), &phone).await;
    subscribe(&app, consultant, &format!("{url}/push/notebook"), &laptop).await;

    qualify(&app, "5521999990001").await;
    assert_eq!(pass(&app, &push).await.sent, 2);
    // More messages from the same lead, and another pass: nothing new.
    send(
        &app,
        lead("5521999990001").text("wamid.mais", "Quando podemos falar?"),
    )
    .await;
    assert_eq!(pass(&app, &push).await, Pass::default());

    let received = fake.received.lock().unwrap().clone();
    assert_eq!(received.len(), 2, "one push per device");
    let (path, headers, body) = &received[0];
    let reader = if path == "celular" { &phone } else { &laptop };
    let shown = reader.read(body);
    assert_eq!(shown["title"], "Lead quente: Maria Souza");
    assert!(
        shown["body"]
            .as_str()
            .unwrap()
            .starts_with("Plano para família, idade do titular entre 31 e 45 anos"),
        "{shown}"
    );
    let lead: Uuid = sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(shown["url"], format!("/leads/{lead}"));
    assert_eq!(headers["content-encoding"], "aes128gcm");
    assert_eq!(headers["urgency"], "high");
    let auth = headers["authorization"].to_str().unwrap();
    assert!(
        auth.starts_with("vapid t=") && auth.ends_with(&format!(", k={public_key}")),
        "{auth}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kind_turned_off_sends_nothing_and_a_reply_to_a_taken_conversation_does() {
    let app = app_with_workers_and(1, without_jobs).await;
    let (url, fake) = fake_push().await;
    let (push, _) = web_push();
    let consultant = joana(&app).await;
    let phone = Browser::new();
    subscribe(&app, consultant, &format!("{url}/push/celular"), &phone).await;
    sqlx::query("update consultants set push_hot_lead = false where id = $1")
        .bind(consultant)
        .execute(&app.pool)
        .await
        .unwrap();
    qualify(&app, "5521999990001").await;
    assert_eq!(
        pass(&app, &push).await,
        Pass::default(),
        "hot leads are off"
    );

    // The consultant takes the conversation over; the lead answers.
    sqlx::query("update conversations set state = state || '{\"handed_off\": true}'")
        .execute(&app.pool)
        .await
        .unwrap();
    // With the lead's page open on the consultant's screen, the phone stays quiet.
    sqlx::query("update leads set viewed_until = now() + interval '1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    send(
        &app,
        lead("5521999990001").text("wamid.vendo", "Estou aqui"),
    )
    .await;
    assert_eq!(pass(&app, &push).await, Pass::default(), "the page is open");
    sqlx::query("update leads set viewed_until = null")
        .execute(&app.pool)
        .await
        .unwrap();
    send(
        &app,
        lead("5521999990001").text("wamid.resposta", "Pode ser amanhã às 10h?"),
    )
    .await;
    assert_eq!(pass(&app, &push).await.sent, 1);
    let received = fake.received.lock().unwrap().clone();
    let shown = phone.read(&received[0].2);
    assert_eq!(shown["title"], "Maria Souza respondeu");
    assert_eq!(shown["body"], "Pode ser amanhã às 10h?");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gone_subscription_is_removed_and_a_failing_service_is_retried() {
    let app = app_with_workers_and(1, without_jobs).await;
    let (url, fake) = fake_push().await;
    let (push, _) = web_push();
    let consultant = joana(&app).await;
    let (old, flaky) = (Browser::new(), Browser::new());
    subscribe(&app, consultant, &format!("{url}/push/antigo"), &old).await;
    let kept = subscribe(&app, consultant, &format!("{url}/push/instavel"), &flaky).await;
    fake.answers
        .lock()
        .unwrap()
        .insert("antigo".into(), vec![410]);
    fake.answers
        .lock()
        .unwrap()
        .insert("instavel".into(), vec![503]);

    qualify(&app, "5521999990001").await;
    let first = pass(&app, &push).await;
    assert_eq!((first.gone, first.retried, first.sent), (1, 1, 0));
    let devices: Vec<Uuid> = sqlx::query_scalar("select id from push_subscriptions")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(devices, [kept], "the browser that said 410 is forgotten");
    // Not before its delay; then it goes.
    assert_eq!(pass(&app, &push).await, Pass::default());
    let later = Utc::now() + chrono::Duration::seconds(31);
    let second = consultor::push::run(&app.pool, &push, later).await.unwrap();
    assert_eq!(second.sent, 1);
    assert_eq!(fake.received.lock().unwrap().len(), 3);
    let (status, attempts): (String, i32) =
        sqlx::query_as("select status, attempts from push_messages")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("enviada", 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_appointment_notifies_an_hour_before_once() {
    let app = app_with_workers_and(1, without_jobs).await;
    let (url, fake) = fake_push().await;
    let (push, _) = web_push();
    let consultant = joana(&app).await;
    let phone = Browser::new();
    subscribe(&app, consultant, &format!("{url}/push/celular"), &phone).await;
    let lead: Uuid = sqlx::query_scalar(
        "insert into leads (consultant_id, whatsapp_number, name, status)
         values ($1, '+5521999990002', 'Bruno Lima', 'agendado') returning id",
    )
    .bind(consultant)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    for (hours, place) in [(0.75, "Sala 2"), (3.0, "Sala 9")] {
        sqlx::query(
            "insert into appointments (consultant_id, lead_id, starts_at, place, status)
             values ($1, $2, now() + make_interval(secs => $3 * 3600), $4, $5)",
        )
        .bind(consultant)
        .bind(lead)
        .bind(hours)
        .bind(place)
        .bind(if hours < 1.0 { "marcado" } else { "cancelado" })
        .execute(&app.pool)
        .await
        .unwrap();
    }
    assert_eq!(pass(&app, &push).await.sent, 1);
    assert_eq!(pass(&app, &push).await, Pass::default(), "once");
    let shown = phone.read(&fake.received.lock().unwrap()[0].2);
    assert_eq!(shown["title"], "Agendamento em 1 hora: Bruno Lima");
    assert!(
        shown["body"].as_str().unwrap().ends_with(" · Sala 2"),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_subscribe_a_device_list_it_test_it_and_remove_it() {
    let app = app_with_workers_and(1, |c| {
        without_jobs(c);
        c.web_push = Some(WebPushKeys {
            vapid: Arc::new(Vapid::generate()),
            subject: "mailto:teste@consultor.app".into(),
        });
    })
    .await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    let page = app.get_html("/configuracoes").await;
    let csrf = hidden_csrf(&page).unwrap();
    assert!(page.contains("id=\"push-aparelho\""), "{page}");
    let phone = Browser::new();
    let post = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/notificacoes/aparelhos"))
                .form(&fields)
                .send()
                .await
                .unwrap()
        }
    };
    // Not a push service's address, or keys that are not keys: refused in words.
    let res = post(vec![
        ("csrf", csrf.clone()),
        ("endpoint", "javascript:alert(1)".into()),
        ("p256dh", phone.p256dh()),
        ("auth", B64.encode(phone.auth)),
    ])
    .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.text().await.unwrap(),
        "O navegador não entregou um endereço de notificação válido."
    );
    let res = post(vec![
        ("csrf", csrf.clone()),
        ("endpoint", "https://push.exemplo/x".into()),
        ("p256dh", "</title><script>".into()),
        ("auth", B64.encode(phone.auth)),
    ])
    .await;
    assert_eq!(res.status(), 400);
    let good = vec![
        ("csrf", csrf.clone()),
        ("endpoint", "https://push.exemplo/abc".into()),
        ("p256dh", phone.p256dh()),
        ("auth", B64.encode(phone.auth)),
    ];
    assert_eq!(post(good.clone()).await.status(), 204);
    assert_eq!(post(good).await.status(), 204, "twice: still one device");
    assert_eq!(
        app.count("select count(*) from push_subscriptions").await,
        1
    );

    let page = app.get_html("/configuracoes").await;
    assert!(page.contains("Aparelhos que recebem"), "{page}");
    let id: Uuid = sqlx::query_scalar("select id from push_subscriptions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let res = app
        .post_form(
            "/configuracoes/notificacoes",
            &[("csrf", &csrf), ("acao", "testar")],
        )
        .await;
    assert!(res.status().is_redirection() || res.status().is_success());
    assert_eq!(
        app.count("select count(*) from push_messages where kind = 'teste'")
            .await,
        1
    );
    // Only "lead quente" stays on.
    app.post_form(
        "/configuracoes/notificacoes",
        &[("csrf", &csrf), ("acao", "tipos"), ("lead_quente", "1")],
    )
    .await;
    let kinds: (bool, bool, bool) = sqlx::query_as("select push_hot_lead, push_lead_replied, push_appointment from consultants where email = 'joana@exemplo.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(kinds, (true, false, false));
    app.post_form(
        "/configuracoes/notificacoes",
        &[
            ("csrf", &csrf),
            ("acao", "remover"),
            ("id", &id.to_string()),
        ],
    )
    .await;
    assert_eq!(
        app.count("select count(*) from push_subscriptions").await,
        0
    );
    let page = app.get_html("/configuracoes").await;
    assert!(
        page.contains("Este aparelho não recebe mais notificações."),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manifest_and_the_service_worker_are_served_with_their_types() {
    let app = TestApp::spawn().await;
    let res = app.get("/manifest.webmanifest").await;
    assert_eq!(res.headers()["content-type"], "application/manifest+json");
    let manifest: serde_json::Value = res.json().await.unwrap();
    assert_eq!(manifest["lang"], "pt-BR");
    assert_eq!(manifest["start_url"], "/painel");
    let res = app.get("/sw.js").await;
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        res.headers()["content-security-policy"],
        "default-src 'self'"
    );
    let sw = res.text().await.unwrap();
    assert!(
        sw.contains("showNotification") && !sw.contains("caches."),
        "it caches nothing"
    );
    let html = app.get_html("/entrar").await;
    assert!(
        html.contains(r#"<link rel="manifest" href="/manifest.webmanifest">"#),
        "{html}"
    );
}
