//! One fake speech-to-text API (OpenAI-compatible), a real HTTP server on loopback:
//! `POST /audio/transcriptions` keeps each call's authorization header and body, and answers
//! with the next scripted answer: a transcript, an error status, or no answer at all (the
//! caller's timeout ends it). With the script run out it answers 500.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use consultor::speech::Transcriber;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Answer {
    Heard(String),
    Status(u16),
    /// Never answers.
    Hang,
}

#[derive(Default)]
struct Inner {
    script: Mutex<VecDeque<Answer>>,
    /// (authorization header, body) of each call.
    calls: Mutex<Vec<(String, Vec<u8>)>>,
}

#[derive(Clone)]
pub struct FakeSpeech {
    inner: Arc<Inner>,
    root: String,
}

impl FakeSpeech {
    pub async fn start(script: Vec<Answer>) -> Self {
        let inner = Arc::new(Inner::default());
        inner.script.lock().unwrap().extend(script);
        let router = Router::new()
            .route("/audio/transcriptions", post(transcribe))
            .with_state(inner.clone());
        let root = crate::helpers::serve_fake(router).await;
        FakeSpeech { inner, root }
    }

    /// A transcriber for this fake, giving up after `timeout`.
    pub fn transcriber(&self, timeout: Duration) -> Transcriber {
        Transcriber {
            base_url: self.root.clone(),
            api_key: Some(consultor::config::Secret::new("chave-stt")),
            model: "whisper-teste".into(),
            client: reqwest::Client::builder().timeout(timeout).build().unwrap(),
        }
    }

    /// Every call so far: (authorization header, body as text, lossy).
    pub fn calls(&self) -> Vec<(String, String)> {
        self.inner
            .calls
            .lock()
            .unwrap()
            .iter()
            .map(|(a, b)| (a.clone(), String::from_utf8_lossy(b).into_owned()))
            .collect()
    }
}

async fn transcribe(
    State(s): State<Arc<Inner>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    s.calls.lock().unwrap().push((auth, body.to_vec()));
    let next = s.script.lock().unwrap().pop_front();
    match next {
        Some(Answer::Heard(text)) => (StatusCode::OK, Json(json!({ "text": text }))),
        Some(Answer::Status(code)) => (
            StatusCode::from_u16(code).unwrap(),
            Json(json!({"error": {"message": "recusado"}})),
        ),
        Some(Answer::Hang) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            (StatusCode::OK, Json(json!({})))
        }
        None => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": {"message": "sem roteiro"}})),
        ),
    }
}
