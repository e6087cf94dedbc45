//! One fake WhatsApp Graph API, a real HTTP server on loopback:
//!
//! - `POST /v21.0/{phone_number_id}/messages` keeps the phone number id, the authorization
//!   header and the JSON body of each call, and answers with the next scripted status: 200
//!   (`{"messages": [{"id": "wamid.OUT.<n>"}]}`, `n` counting the calls) once the script has
//!   run out, a Graph-style error body (`erro <status>`) otherwise. It may pause before it
//!   takes a message (`pausing`), and never answer the call for a given text (`hanging_on`).
//! - `GET /v21.0/{media_id}` and `GET /files/{media_id}`: a file's details and its bytes
//!   (`JPEG` for any id, but `media.big`, 40 MB, and `media.html`, a page).
//! - `POST /v21.0/{phone_number_id}/media`: an upload, kept (phone number id and raw body),
//!   answered with the media id `up.<n>`.
//! - Templates: `POST /v21.0/{waba_id}/message_templates` (created, id `1000 + n`), `POST
//!   /v21.0/{app_id}/uploads` and `POST /v21.0/upload:<n>` (a header image's handle,
//!   `4::handle.<n>`), `POST /v21.0/{template_id}` (an edit), `DELETE
//!   /v21.0/{waba_id}/message_templates` (a deletion); each kept (`template_calls`), and
//!   answered with the next scripted refusal if any.

use super::wait_until;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use consultor::jobs::Services;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// The bytes of every file the fake serves, but `media.html`'s.
pub const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];

/// One call to send a message, as the fake received it.
#[derive(Clone, Debug)]
pub struct Request {
    pub phone_number_id: String,
    pub authorization: String,
    pub body: Value,
}

impl Request {
    /// The text sent (`text.body`), or "" for another type of message.
    pub fn text(&self) -> String {
        self.body["text"]["body"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

type Pause = Arc<dyn Fn(&str) -> Duration + Send + Sync>;

#[derive(Default)]
struct Inner {
    root: OnceLock<String>,
    /// (status, Meta's error code) of the next answers.
    script: Mutex<VecDeque<(u16, i64)>>,
    requests: Mutex<Vec<Request>>,
    /// Uploads: (phone number id, raw multipart body).
    uploads: Mutex<Vec<(String, Vec<u8>)>>,
    /// Template submissions: (business account id, body).
    templates: Mutex<Vec<(String, Value)>>,
    /// Other template calls: (what, its details).
    template_calls: Mutex<Vec<(String, Value)>>,
    /// Read receipts (with or without the typing indicator): their bodies. Not messages.
    reads: Mutex<Vec<Value>>,
    hang_on: Mutex<Vec<String>>,
    pause: Mutex<Option<Pause>>,
}

#[derive(Clone)]
pub struct FakeGraph {
    inner: Arc<Inner>,
}

impl FakeGraph {
    /// Serves a fake that answers every call with 200.
    pub async fn start() -> Self {
        let inner = Arc::new(Inner::default());
        let router = Router::new()
            .route("/v21.0/{phone_number_id}/messages", post(messages))
            .route(
                "/v21.0/{waba_id}/message_templates",
                post(create_template).delete(delete_template),
            )
            .route("/v21.0/{phone_number_id}/media", post(upload))
            .route("/v21.0/{app_id}/uploads", post(upload_session))
            .route("/v21.0/{media_id}", get(media_info).post(upload_or_edit))
            .route("/files/{media_id}", get(media_file))
            .with_state(inner.clone());
        let root = crate::helpers::serve_fake(router).await;
        inner.root.set(root).unwrap();
        FakeGraph { inner }
    }

    /// Answers the next calls with these statuses, in order (then 200 again).
    pub fn with_script(self, statuses: Vec<u16>) -> Self {
        self.inner
            .script
            .lock()
            .unwrap()
            .extend(statuses.into_iter().map(|s| (s, 100)));
        self
    }

    /// Answers the next call with this status and Meta error code (131047, 131049…).
    pub fn refuse_next(&self, status: u16, code: i64) {
        self.inner.script.lock().unwrap().push_back((status, code));
    }

    /// The read receipts so far (bodies), in order.
    pub fn reads(&self) -> Vec<Value> {
        self.inner.reads.lock().unwrap().clone()
    }

    /// The uploads so far: (phone number id, body as text, lossy).
    pub fn uploads(&self) -> Vec<(String, String)> {
        self.inner
            .uploads
            .lock()
            .unwrap()
            .iter()
            .map(|(p, b)| (p.clone(), String::from_utf8_lossy(b).into_owned()))
            .collect()
    }

    /// The template submissions so far: (business account id, body).
    pub fn templates(&self) -> Vec<(String, Value)> {
        self.inner.templates.lock().unwrap().clone()
    }

    /// The template calls other than creations, in order: ("upload_session", its query),
    /// ("upload", authorization, file_offset, size), ("edit", id, body), ("delete", waba id,
    /// query).
    pub fn template_calls(&self) -> Vec<(String, Value)> {
        self.inner.template_calls.lock().unwrap().clone()
    }

    /// Never answers a call that sends `text` (the caller is killed, or gives up, meanwhile).
    pub fn hanging_on(self, text: &str) -> Self {
        self.inner.hang_on.lock().unwrap().push(text.into());
        self
    }

    /// Waits `pause(text)` before it takes each message (as a slow network would): calls
    /// that overlap are kept in the order they end.
    pub fn pausing(self, pause: impl Fn(&str) -> Duration + Send + Sync + 'static) -> Self {
        *self.inner.pause.lock().unwrap() = Some(Arc::new(pause));
        self
    }

    /// The server's address, `http://127.0.0.1:<port>`.
    pub fn root(&self) -> &str {
        self.inner.root.get().unwrap()
    }

    /// The Graph API's base URL (`WHATSAPP_GRAPH_URL`): `root()` + `/v21.0`.
    pub fn url(&self) -> String {
        format!("{}/v21.0", self.root())
    }

    /// Services that send through this fake, with the built-in AI responder.
    pub fn services(&self) -> Services {
        crate::helpers::graph_services(self.root())
    }

    /// Every call to send a message so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.inner.requests.lock().unwrap().clone()
    }

    /// The JSON body of every call so far.
    pub fn bodies(&self) -> Vec<Value> {
        self.requests().into_iter().map(|r| r.body).collect()
    }

    /// The text of every call so far ("" for a message that is not a text).
    pub fn texts(&self) -> Vec<String> {
        self.requests().iter().map(Request::text).collect()
    }

    /// How many calls to send a message were made so far.
    pub fn sent(&self) -> usize {
        self.inner.requests.lock().unwrap().len()
    }

    /// Waits until `n` messages were sent (fails past a deadline); returns their bodies.
    pub async fn wait_for_sent(&self, n: usize) -> Vec<Value> {
        let what = format!("{n} messages reaching WhatsApp");
        wait_until(&what, Duration::from_secs(10), || async {
            self.sent() >= n
        })
        .await;
        self.bodies()
    }

    /// Waits until a message with this text was sent (fails past `within`).
    pub async fn wait_for_text(&self, text: &str, within: Duration) -> Duration {
        let what = format!("the call for {text:?}");
        wait_until(&what, within, || async {
            self.texts().iter().any(|t| t == text)
        })
        .await
    }
}

async fn messages(
    State(g): State<Arc<Inner>>,
    Path(phone_number_id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    // A read receipt (and typing indicator) goes to the same address but is not a message.
    if body["status"] == "read" {
        g.reads.lock().unwrap().push(body);
        return (StatusCode::OK, Json(json!({"success": true})));
    }
    let request = Request {
        phone_number_id,
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
        body,
    };
    let text = request.text();
    let pause = g.pause.lock().unwrap().clone();
    if let Some(pause) = pause {
        tokio::time::sleep(pause(&text)).await;
    }
    let n = {
        let mut r = g.requests.lock().unwrap();
        r.push(request);
        r.len()
    };
    if g.hang_on.lock().unwrap().contains(&text) {
        std::future::pending::<()>().await;
    }
    let (status, code) = g.script.lock().unwrap().pop_front().unwrap_or((200, 0));
    let reply = if status == 200 {
        json!({"messaging_product": "whatsapp", "messages": [{"id": format!("wamid.OUT.{n}")}]})
    } else {
        json!({"error": {"message": format!("erro {status}"), "type": "OAuthException", "code": code}})
    };
    (StatusCode::from_u16(status).unwrap(), Json(reply))
}

/// `POST /{waba_id}/message_templates`: kept, and answered `PENDING` with id `<1000 + n>`, or
/// with the next scripted refusal (`error_user_msg` says why, as Meta's does).
async fn create_template(
    State(g): State<Arc<Inner>>,
    Path(waba_id): Path<String>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let n = {
        let mut t = g.templates.lock().unwrap();
        t.push((waba_id, body.clone()));
        t.len()
    };
    let (status, code) = g.script.lock().unwrap().pop_front().unwrap_or((200, 0));
    let reply = if status == 200 {
        json!({"id": format!("{}", 1000 + n), "status": "PENDING", "category": body["category"]})
    } else {
        json!({"error": {"message": "Invalid parameter", "code": code,
                         "error_user_msg": "O nome do modelo já existe neste idioma."}})
    };
    (StatusCode::from_u16(status).unwrap(), Json(reply))
}

async fn upload(
    State(g): State<Arc<Inner>>,
    Path(phone_number_id): Path<String>,
    body: axum::body::Bytes,
) -> Json<Value> {
    let n = {
        let mut u = g.uploads.lock().unwrap();
        u.push((phone_number_id, body.to_vec()));
        u.len()
    };
    Json(json!({"id": format!("up.{n}")}))
}

async fn media_info(State(g): State<Arc<Inner>>, Path(id): Path<String>) -> Json<Value> {
    let root = g.root.get().unwrap();
    let (mime, size) = match id.as_str() {
        "media.big" => ("application/pdf", 40 * 1024 * 1024),
        "media.html" => ("text/html", 20),
        _ => ("image/jpeg", JPEG.len()),
    };
    Json(
        json!({"url": format!("{root}/files/{id}"), "mime_type": mime, "file_size": size, "id": id}),
    )
}

async fn media_file(Path(id): Path<String>) -> Vec<u8> {
    match id.as_str() {
        "media.html" => b"<script>alert(1)</script>".to_vec(),
        _ => JPEG.to_vec(),
    }
}

/// The next scripted answer of a template call: `ok`, or a refusal in Meta's shape.
fn scripted(g: &Inner, ok: Value) -> (StatusCode, Json<Value>) {
    let (status, code) = g.script.lock().unwrap().pop_front().unwrap_or((200, 0));
    if status == 200 {
        return (StatusCode::OK, Json(ok));
    }
    let reply = json!({"error": {"message": "Invalid parameter", "code": code,
                                 "error_user_msg": format!("recusado ({status})")}});
    (StatusCode::from_u16(status).unwrap(), Json(reply))
}

fn keep(g: &Inner, what: &str, details: Value) -> usize {
    let mut calls = g.template_calls.lock().unwrap();
    calls.push((what.to_string(), details));
    calls.len()
}

async fn upload_session(
    State(g): State<Arc<Inner>>,
    Path(app_id): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> (StatusCode, Json<Value>) {
    let n = keep(&g, "upload_session", json!({"app": app_id, "query": query}));
    (StatusCode::OK, Json(json!({"id": format!("upload:{n}")})))
}

/// `POST /{id}`: the bytes of an upload session (`upload:<n>`), or a template's edit.
async fn upload_or_edit(
    State(g): State<Arc<Inner>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> (StatusCode, Json<Value>) {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    if id.starts_with("upload:") {
        let n = keep(
            &g,
            "upload",
            json!({"session": id, "authorization": header("authorization"),
                   "file_offset": header("file_offset"), "size": body.len()}),
        );
        return (StatusCode::OK, Json(json!({"h": format!("4::handle.{n}")})));
    }
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    keep(&g, "edit", json!({"id": id, "body": parsed}));
    scripted(&g, json!({"success": true}))
}

async fn delete_template(
    State(g): State<Arc<Inner>>,
    Path(waba_id): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> (StatusCode, Json<Value>) {
    keep(&g, "delete", json!({"waba": waba_id, "query": query}));
    scripted(&g, json!({"success": true}))
}
