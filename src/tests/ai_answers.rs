//! AI answers through an OpenAI-compatible API: a fake provider on loopback.

use super::helpers::{insert_consultant, serve_fake, TestApp};
use super::support::wait_until;
use super::support::whatsapp::{lead, post as post_event, replies, sandbox, send, settle, SECRET};
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use consultor::config::Secret;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
pub(super) struct FakeAi {
    pub(super) hits: Arc<AtomicUsize>,
    /// How long each answer takes, and how many are being answered right now.
    pub(super) delay: Arc<Mutex<Duration>>,
    in_flight: Arc<AtomicUsize>,
    pub(super) reply: Arc<Mutex<(u16, String)>>,
    pub(super) last_request: Arc<Mutex<Option<Value>>>,
}

async fn completions(
    State(ai): State<FakeAi>,
    Json(body): Json<Value>,
) -> (axum::http::StatusCode, Json<Value>) {
    ai.hits.fetch_add(1, Ordering::SeqCst);
    *ai.last_request.lock().unwrap() = Some(body);
    let delay = *ai.delay.lock().unwrap();
    ai.in_flight.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(delay).await;
    ai.in_flight.fetch_sub(1, Ordering::SeqCst);
    let (status, text) = ai.reply.lock().unwrap().clone();
    (
        axum::http::StatusCode::from_u16(status).unwrap(),
        Json(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "model": "fake-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 42, "total_tokens": 142}
        })),
    )
}

/// An OpenAI-compatible provider on loopback answering `text` with `status`; its URL.
pub(super) async fn fake_ai(status: u16, text: &str) -> (String, FakeAi) {
    let ai = FakeAi {
        hits: Arc::default(),
        delay: Arc::default(),
        in_flight: Arc::default(),
        reply: Arc::new(Mutex::new((status, text.to_string()))),
        last_request: Arc::default(),
    };
    let app = Router::new()
        .route("/v1/chat/completions", post(completions))
        .with_state(ai.clone());
    (format!("{}/v1", serve_fake(app).await), ai)
}

async fn app_with_ai(url: &str) -> TestApp {
    app_with_ai_timeout(url, 1500).await
}

async fn app_with_ai_timeout(url: &str, timeout_ms: u64) -> TestApp {
    let url = url.to_string();
    let app = TestApp::spawn_with(move |c| {
        c.whatsapp_app_secret = Some(Secret::new(SECRET));
        c.ai_base_url = Some(url);
        c.ai_api_key = Some(Secret::new("chave-teste"));
        c.ai_model = "fake-model".into();
        c.ai_timeout_ms = timeout_ms;
    })
    .await;
    insert_consultant(&app.pool, "joana@exemplo.com", "Joana").await;
    app
}

fn t(from: &str, id: &str, body: &str) -> Value {
    lead(from).text(id, body)
}

/// Runs the health-plan template to the end for one lead.
pub(super) async fn qualify(app: &TestApp, from: &str) {
    for (i, body) in ["Oi", "Maria Souza", "2", "2", "1", "Campinas"]
        .iter()
        .enumerate()
    {
        send(app, t(from, &format!("wamid.{from}.{i}"), body)).await;
    }
}

const GOOD: &str = "Olá, Maria! Anotei que você busca um plano para a família. A Joana vai te chamar com opções. \
Valores, carências e coberturas dependem da operadora e do plano escolhido, conforme as regras da ANS.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compliant_answer_is_sent_logged_and_cached() {
    let (url, ai) = fake_ai(200, GOOD).await;
    let app = app_with_ai(&url).await;
    qualify(&app, "5521999990001").await;
    assert_eq!(replies(&app).await.last().unwrap(), GOOD);
    let req = ai.last_request.lock().unwrap().clone().unwrap();
    assert_eq!(req["model"], "fake-model");
    assert!(
        req["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("perfil: Família"),
        "{req}"
    );

    // A second lead with the same name and answers gives the same prompt: served from cache.
    qualify(&app, "5521999990002").await;
    assert_eq!(ai.hits.load(Ordering::SeqCst), 1);
    let rows: Vec<(String, Option<i32>, bool, bool)> = sqlx::query_as(
        "select model, tokens_used, was_cached, compliance_check_passed from ai_responses order by created_at",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [
            ("fake-model".to_string(), Some(142), false, true),
            ("fake-model".to_string(), None, true, true),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_compliant_answer_is_replaced_and_flagged() {
    let (url, _ai) = fake_ai(
        200,
        "Ótima notícia: plano sem carência e com preço garantido!",
    )
    .await;
    let app = app_with_ai(&url).await;
    qualify(&app, "5521999990001").await;
    let last = replies(&app).await.pop().unwrap();
    assert!(
        last.starts_with("Obrigado pelas respostas, Maria Souza! Joana vai analisar"),
        "{last}"
    );
    let (response, passed, flags): (String, bool, Value) = sqlx::query_as(
        "select response, compliance_check_passed, compliance_flags from ai_responses",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        response.contains("sem carência"),
        "the model's words are kept for audit"
    );
    assert!(!passed);
    let codes: Vec<&str> = flags
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["preco_garantido", "promessa_carencia", "disclaimer_ausente"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_errors_fall_back_to_the_builtin_responder() {
    let (url, _ai) = fake_ai(500, "erro").await;
    let app = app_with_ai(&url).await;
    qualify(&app, "5521999990001").await;
    let last = replies(&app).await.pop().unwrap();
    // Each answer worded by its question (#17: it read "Anotei seu perfil (família, 31 a 45
    // anos, sim, campinas)"), through the queued answer's stored context.
    assert!(
        last.starts_with(
            "Obrigado, Maria! Anotei o que você me contou: plano para família, idade do \
             titular entre 31 e 45 anos, aceita coparticipação para pagar menos na \
             mensalidade e cidade Campinas. Joana vai separar"
        ),
        "{last}"
    );
    let model: String = sqlx::query_scalar("select model from ai_responses")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(model, "builtin");

    // Nothing listening at all (a timeout or refused connection) also falls back.
    let app = app_with_ai("http://127.0.0.1:9/v1").await;
    qualify(&app, "5521999990003").await;
    assert!(replies(&app)
        .await
        .pop()
        .unwrap()
        .starts_with("Obrigado, Maria!"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn later_questions_are_answered_unless_the_consultant_took_over() {
    let (url, ai) = fake_ai(200, GOOD).await;
    let app = app_with_ai(&url).await;
    let lead = "5521999990001";
    qualify(&app, lead).await;
    let before = replies(&app).await.len();
    send(
        &app,
        t(lead, "wamid.later.1", "Quanto custa para 4 pessoas?"),
    )
    .await;
    assert_eq!(replies(&app).await.len(), before + 1);
    let req = ai.last_request.lock().unwrap().clone().unwrap();
    assert!(req["messages"][1]["content"]
        .as_str()
        .unwrap()
        .contains("Quanto custa para 4 pessoas?"));

    // The consultant takes over: the bot stays quiet.
    sqlx::query("update conversations set state = jsonb_set(state, '{handed_off}', 'true')")
        .execute(&app.pool)
        .await
        .unwrap();
    // `send` waited until the event was processed and nothing was left to send.
    send(&app, t(lead, "wamid.later.2", "Alô?")).await;
    assert_eq!(replies(&app).await.len(), before + 1);
}

/// A slow provider (2 s) holds up only its own answer: the event that asked for it is processed
/// and the lead's conversation is free while the answer is being written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_provider_holds_neither_the_event_nor_the_conversation() {
    let (url, ai) = fake_ai(200, GOOD).await;
    // A generous timeout: the checks below run while the provider is still answering.
    let app = app_with_ai_timeout(&url, 10_000).await;
    let lead = "5521999990001";
    for (i, body) in ["Oi", "Maria Souza", "2", "2", "1"].iter().enumerate() {
        send(&app, t(lead, &format!("wamid.slow.{i}"), body)).await;
    }
    *ai.delay.lock().unwrap() = Duration::from_millis(2000);
    assert_eq!(
        post_event(&app, &t(lead, "wamid.slow.5", "Campinas")).await,
        200
    );

    wait_until("the provider called", Duration::from_secs(5), || async {
        ai.in_flight.load(Ordering::SeqCst) > 0
    })
    .await;
    // While the provider is still writing:
    let unprocessed = app
        .count("select count(*) from webhook_events where not processed")
        .await;
    assert_eq!(unprocessed, 0, "the event is already processed");
    let (content, status, waiting): (String, String, bool) = sqlx::query_as(
        "select content, status, ai_context is not null from messages
          where direction = 'outbound' order by created_at desc, reply_seq desc limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (content.as_str(), status.as_str(), waiting),
        ("", "pending", true)
    );
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("select id from conversations for update nowait")
        .fetch_all(&mut *tx)
        .await
        .expect("the conversation is not locked while the answer is written");
    tx.rollback().await.unwrap();
    let open = app
        .count(
            "select count(*) from pg_stat_activity
              where datname = current_database() and state like 'idle in transaction%'",
        )
        .await;
    assert_eq!(
        open, 0,
        "no transaction is held open across the call to the provider"
    );
    assert_eq!(ai.in_flight.load(Ordering::SeqCst), 1, "still writing");

    settle(&app).await;
    assert_eq!(replies(&app).await.last().unwrap(), GOOD);
    let logged = app.count("select count(*) from ai_responses").await;
    assert_eq!(logged, 1);
    let left = app
        .count("select count(*) from messages where ai_context is not null")
        .await;
    assert_eq!(left, 0);
}

/// Nothing is sent ahead of an AI answer that is still being written in the same
/// conversation; other conversations are not held up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn later_messages_wait_for_an_unwritten_answer() {
    let (url, _ai) = fake_ai(200, GOOD).await;
    let app = app_with_ai(&url).await;
    send(&app, t("5521999990001", "wamid.a.0", "Oi")).await;
    send(&app, t("5521999990002", "wamid.b.0", "Oi")).await;
    let conversations: Vec<uuid::Uuid> =
        sqlx::query_scalar("select id from conversations order by started_at")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    // In the first conversation: an answer not written yet, then a plain message after it.
    // In the second: a plain message only.
    sqlx::query(
        "insert into messages (conversation_id, direction, content, status, ai_context, created_at)
         values ($1, 'outbound', '', 'pending', '{}', now() - interval '1 second'),
                ($1, 'outbound', 'depois da resposta', 'pending', null, now()),
                ($2, 'outbound', 'outra conversa', 'pending', null, now())",
    )
    .bind(conversations[0])
    .bind(conversations[1])
    .execute(&app.pool)
    .await
    .unwrap();
    let transport = sandbox().transport;
    let send_now = || consultor::jobs::send_pending(&app.pool, &transport);
    assert_eq!(send_now().await.unwrap(), 1);
    let status = |content: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>("select status from messages where content = $1")
                .bind(content)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(status("outra conversa").await, "sent");
    assert_eq!(status("depois da resposta").await, "pending");

    // Once the answer is written, both go.
    sqlx::query("update messages set content = 'a resposta', ai_context = null where ai_context is not null")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(send_now().await.unwrap(), 2);
    assert_eq!(status("depois da resposta").await, "sent");
}

/// The flow simulator answers with the configured provider, through the same compliance
/// gate, and writes nothing (no `ai_responses` row: a simulation is not a lead).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_answers_with_the_configured_provider_behind_the_gate() {
    let (url, ai) = fake_ai(200, GOOD).await;
    let app = app_with_ai(&url).await;
    super::helpers::sign_in_inserted(&app, "joana@exemplo.com").await;
    let template = super::flows::health_template(&app).await;
    let page = format!("/fluxos/{template}");
    let say = |text: &'static str| {
        let (app, page) = (&app, page.clone());
        async move {
            let csrf = app.csrf_from(&page).await;
            let id = template.to_string();
            let form = [
                ("csrf", csrf.as_str()),
                ("id", id.as_str()),
                ("acao", "enviar"),
                ("texto", text),
                ("versao", "publicada"),
            ];
            let res = app.post_plain_form("/fluxos/simulador", &page, &form).await;
            assert_eq!(res.status(), 303);
            app.get_html(&page).await
        }
    };
    for text in ["Oi", "Maria Souza", "2", "1", "1", "Campinas"] {
        say(text).await;
    }
    let html = app.get_html(&page).await;
    assert!(
        html.contains("Anotei que você busca um plano para a família"),
        "{html}"
    );
    assert_eq!(ai.hits.load(Ordering::SeqCst), 1);

    // Words that break the rules are replaced, with the flags shown.
    *ai.reply.lock().unwrap() = (
        200,
        "Ótima notícia: plano sem carência e com preço garantido!".into(),
    );
    say("Oi").await; // the flow is over: the lead's next message restarts it
    for text in ["Maria Souza", "2", "1", "1", "Campinas"] {
        say(text).await;
    }
    let html = app.get_html(&page).await;
    assert!(html.contains("Trocada pela conformidade"), "{html}");
    assert!(!html.contains("preço garantido!"), "{html}");
    assert_eq!(app.count("select count(*) from ai_responses").await, 0);
}

/// With WhatsApp connected, the lead's last message is marked read with "digitando…" while
/// the answer is written (Meta's read receipt and typing indicator), and that call is not a
/// message: the answer is still sent once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lead_sees_read_and_typing_while_the_answer_is_written() {
    let g = super::support::fake_graph::FakeGraph::start().await;
    let url = g.url();
    let app = TestApp::spawn_with(move |c| {
        c.whatsapp_app_secret = Some(Secret::new(SECRET));
        c.whatsapp_app_id = Some("123".into());
        c.whatsapp_signup_config_id = Some("cfg".into());
        c.whatsapp_graph_url = url;
    })
    .await;
    let joana = insert_consultant(&app.pool, "joana@exemplo.com", "Joana").await;
    super::helpers::connect_number(&app.pool, joana, "1065").await;
    qualify(&app, "5521999990001").await;
    settle(&app).await;
    let reads = g.reads();
    let typing: Vec<&Value> = reads
        .iter()
        .filter(|r| r["typing_indicator"]["type"] == "text")
        .collect();
    assert_eq!(
        typing.len(),
        1,
        "typing only where an answer is written: {reads:?}"
    );
    assert_eq!(typing[0]["message_id"], "wamid.5521999990001.5");
    // Every message the bot took shows as read, once (the first reply to it marks it).
    for i in 0..6 {
        let id = format!("wamid.5521999990001.{i}");
        assert!(
            reads
                .iter()
                .any(|r| r["message_id"] == id.as_str() && r["typing_indicator"].is_null()),
            "{id} not marked read: {reads:?}"
        );
    }
    let answers = app
        .count("select count(*) from messages where ai_response_id is not null")
        .await;
    assert_eq!(answers, 1);
    assert!(g.texts().iter().filter(|t| !t.is_empty()).count() >= 1);
}
