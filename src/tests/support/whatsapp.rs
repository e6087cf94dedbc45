//! WhatsApp as the tests see it: the app secret and a server that knows it, webhook payloads
//! as Meta writes them (`lead(..).text(..)`, `statuses(..)`, ...), posting them signed, and
//! waiting until the queue is drained.

use super::wait_until;
use crate::helpers::{insert_consultant, TestApp};
use consultor::ai::AiProvider;
use consultor::config::Secret;
use consultor::jobs::{Services, Transport};
use consultor::webhooks::signature;
use serde_json::{json, Value};
use std::time::Duration;

/// The Meta app's secret the test servers are given; webhooks are signed with it.
pub const SECRET: &str = "segredo-do-app";
/// `insert_consultant`'s number, as Meta writes it.
pub const CONSULTANT_NUMBER: &str = "5511912345678";
/// The phone number id `connect_number` is usually given, and payloads go to by default.
pub const PHONE_NUMBER_ID: &str = "1065";
/// The lead who writes when a test names nobody else.
pub const LEAD: &str = "5521999990001";

/// Services that send through the sandbox transport, with the built-in AI responder.
pub fn sandbox() -> Services {
    Services {
        transport: Transport::Sandbox,
        ai: AiProvider::BuiltIn,
        public_url: None,
        transcriber: None,
        sandbox_media: None,
    }
}

/// A server that knows the app secret, with `workers` webhook workers, and Joana's account
/// (`insert_consultant`, number `CONSULTANT_NUMBER`).
pub async fn app_with_workers(workers: usize) -> TestApp {
    app_with_workers_and(workers, |_| {}).await
}

/// The timed jobs off (rescoring, summaries, the scheduler), for tests that run them on
/// demand.
pub fn without_jobs(c: &mut consultor::config::Config) {
    c.scheduler_enabled = false;
}

/// As [`app_with_workers`], with more of the configuration changed by `tweak`.
pub async fn app_with_workers_and(
    workers: usize,
    tweak: impl FnOnce(&mut consultor::config::Config),
) -> TestApp {
    let app = TestApp::spawn_with(|c| {
        c.whatsapp_app_secret = Some(Secret::new(SECRET));
        c.webhook_workers = workers;
        tweak(c);
    })
    .await;
    insert_consultant(&app.pool, "joana@exemplo.com", "Joana").await;
    app
}

/// Someone writing to a consultant's WhatsApp number: by default from `LEAD`'s number, with
/// the profile name "Maria Zap", to `PHONE_NUMBER_ID` / `CONSULTANT_NUMBER`.
#[derive(Clone, Debug)]
pub struct Lead {
    number: Option<String>,
    user_id: Option<String>,
    profile: Option<String>,
    username: Option<String>,
    phone_number_id: String,
    display: String,
}

/// A lead writing from `number` (digits, as Meta writes them).
pub fn lead(number: &str) -> Lead {
    Lead {
        number: Some(number.into()),
        user_id: None,
        profile: Some("Maria Zap".into()),
        username: None,
        phone_number_id: PHONE_NUMBER_ID.into(),
        display: CONSULTANT_NUMBER.into(),
    }
}

/// A lead known only by a business-scoped user id (no number shared).
pub fn user(user_id: &str) -> Lead {
    Lead {
        number: None,
        user_id: Some(user_id.into()),
        ..lead("")
    }
}

impl Lead {
    /// The number this lead writes from (a user id's lead sharing its number).
    pub fn number(mut self, number: &str) -> Self {
        self.number = Some(number.into());
        self
    }

    /// The profile name WhatsApp shows.
    pub fn named(mut self, profile: &str) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// The WhatsApp username on the profile.
    pub fn username(mut self, username: &str) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Writing to another number: its phone number id and display number.
    pub fn to(mut self, phone_number_id: &str, display: &str) -> Self {
        self.phone_number_id = phone_number_id.into();
        self.display = display.into();
        self
    }

    pub fn text(&self, wamid: &str, body: &str) -> Value {
        self.message(wamid, json!({"type": "text", "text": {"body": body}}))
    }

    /// A tap on a reply button.
    pub fn button(&self, wamid: &str, id: &str, title: &str) -> Value {
        self.message(
            wamid,
            json!({"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": id, "title": title}}}),
        )
    }

    /// A choice from a list.
    pub fn list(&self, wamid: &str, id: &str, title: &str) -> Value {
        self.message(
            wamid,
            json!({"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {"id": id, "title": title}}}),
        )
    }

    /// A file: `kind` is `image`, `document`, `audio`...; `object` its id, type, caption...
    pub fn media(&self, wamid: &str, kind: &str, object: Value) -> Value {
        let mut body = json!({"type": kind});
        body[kind] = object;
        self.message(wamid, body)
    }

    /// A message of any type: `body` holds its `type` and the field named by it.
    pub fn message(&self, wamid: &str, body: Value) -> Value {
        let mut message = json!({"id": wamid, "timestamp": "1700000000"});
        let mut contact = json!({});
        let mut profile = json!({});
        if let Some(name) = &self.profile {
            profile["name"] = json!(name);
        }
        if let Some(username) = &self.username {
            profile["username"] = json!(username);
        }
        if profile != json!({}) {
            contact["profile"] = profile;
        }
        if let Some(number) = &self.number {
            message["from"] = json!(number);
            contact["wa_id"] = json!(number);
        }
        if let Some(user_id) = &self.user_id {
            message["from_user_id"] = json!(user_id);
            contact["user_id"] = json!(user_id);
        }
        message.as_object_mut().unwrap().extend(
            body.as_object()
                .expect("a message body is an object")
                .clone(),
        );
        envelope(json!({
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": self.display, "phone_number_id": self.phone_number_id},
            "contacts": [contact],
            "messages": [message]
        }))
    }
}

/// One delivery of one change (`value` is what Meta puts under `changes[0].value`).
pub fn envelope(value: Value) -> Value {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}]})
}

/// One delivery holding the changes of several payloads, in that order.
pub fn delivery(payloads: &[Value]) -> Value {
    let changes: Vec<Value> = payloads
        .iter()
        .flat_map(|p| p["entry"][0]["changes"].as_array().unwrap().clone())
        .collect();
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": changes}]})
}

/// `LEAD` writes `body`.
pub fn text(wamid: &str, body: &str) -> Value {
    lead(LEAD).text(wamid, body)
}

/// `LEAD` taps a reply button.
pub fn button(wamid: &str, id: &str, title: &str) -> Value {
    lead(LEAD).button(wamid, id, title)
}

/// `LEAD` picks from a list.
pub fn list(wamid: &str, id: &str, title: &str) -> Value {
    lead(LEAD).list(wamid, id, title)
}

/// Meta's statuses `(message id, status)` for messages sent to `LEAD`; a `failed` one says
/// why (more than 24 hours have passed).
pub fn statuses(list: &[(&str, &str)]) -> Value {
    let s: Vec<Value> = list
        .iter()
        .map(|(id, st)| {
            let mut v = json!({"id": id, "status": st, "timestamp": "1700000001", "recipient_id": LEAD});
            if *st == "failed" {
                v["errors"] = json!([{"code": 131047, "title": "Re-engagement message", "message": "More than 24 hours have passed"}]);
            }
            v
        })
        .collect();
    envelope(
        json!({"metadata": {"display_phone_number": CONSULTANT_NUMBER, "phone_number_id": PHONE_NUMBER_ID}, "statuses": s}),
    )
}

/// Posts `payload` to the webhook, signed with `SECRET`; returns the status code.
pub async fn post(app: &TestApp, payload: &Value) -> u16 {
    post_raw(app, payload.to_string().as_bytes()).await
}

/// Posts these bytes to the webhook as they are (JSON or not), signed with `SECRET`.
pub async fn post_raw(app: &TestApp, body: &[u8]) -> u16 {
    post_to(&app.client, &app.addr, body).await
}

/// As [`post_raw`], to the server at `base` (one run as its own process).
pub async fn post_to(client: &reqwest::Client, base: &str, body: &[u8]) -> u16 {
    client
        .post(format!("{base}/webhooks/whatsapp"))
        .header("content-type", "application/json")
        .header(
            "x-hub-signature-256",
            signature::sign(SECRET.as_bytes(), body),
        )
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Events to process and messages to send (what `settle` waits to see drained).
async fn queued(app: &TestApp) -> (i64, i64) {
    sqlx::query_as(
        "select (select count(*) from webhook_events where not processed and next_attempt_at is not null),
                (select count(*) from messages where status = 'pending')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// Waits until the queue is drained and nothing is left to send. The bound is for a loaded
/// machine: the whole suite on 2 cores beside a build once took more than 15 s.
pub async fn settle(app: &TestApp) {
    wait_until("the queue drained", Duration::from_secs(30), || async {
        queued(app).await == (0, 0)
    })
    .await;
}

/// Whether the only stored event was processed, and the error or note it left.
pub async fn only_event_outcome(app: &TestApp) -> (bool, Option<String>) {
    sqlx::query_as("select processed, processing_error from webhook_events")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Posts `payload` (it must be acknowledged) and waits until the queue is drained.
pub async fn send(app: &TestApp, payload: Value) {
    assert_eq!(post(app, &payload).await, 200);
    settle(app).await;
}

/// The start of the privacy notice that goes with a first reply (`domain::consent`).
pub const NOTICE: &str = "Seus dados (nome, número e respostas)";

/// The bot's replies, oldest first, without the privacy notice (tested on its own).
pub async fn replies(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "select m.content from messages m join messages i on i.id = m.reply_to
          where strpos(m.content, $1) <> 1
          order by i.created_at, m.reply_seq",
    )
    .bind(NOTICE)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}
