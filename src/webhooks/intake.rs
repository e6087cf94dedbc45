//! `GET /webhooks/whatsapp` (Meta's verification handshake) and `POST /webhooks/whatsapp`
//! (events). A POST is verified before it is parsed, stored raw in `webhook_events`, and
//! acknowledged at once; workers process it afterwards (see `jobs`). A body whose text
//! PostgreSQL cannot hold is cleaned, never refused (see `clean`).

use super::clean::clean_json;
use super::signature;
use crate::config::Secret;
use app::server::csrf::constant_time_eq;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Clone)]
pub struct WebhookState {
    pub pool: PgPool,
    pub verify_token: Option<Secret>,
    pub app_secret: Option<Secret>,
    /// Wakes the workers as soon as an event is stored.
    pub wake: Arc<Notify>,
}

pub fn router<S>(state: WebhookState, max_body_bytes: usize) -> Router<S> {
    Router::new()
        .route("/webhooks/whatsapp", get(verify).post(receive))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state)
}

async fn verify(
    State(state): State<WebhookState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let token_ok = match (&state.verify_token, q.get("hub.verify_token")) {
        (Some(expected), Some(given)) => {
            constant_time_eq(expected.expose().as_bytes(), given.as_bytes())
        }
        _ => false,
    };
    match (
        q.get("hub.mode").map(String::as_str),
        q.get("hub.challenge"),
    ) {
        (Some("subscribe"), Some(challenge)) if token_ok => {
            (StatusCode::OK, challenge.clone()).into_response()
        }
        _ => StatusCode::FORBIDDEN.into_response(),
    }
}

async fn receive(State(state): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Response {
    let header = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    let Some(secret) = &state.app_secret else {
        tracing::warn!("webhook refused: WHATSAPP_APP_SECRET is not set");
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if !signature::verify(secret.expose().as_bytes(), &body, header) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    // What PostgreSQL cannot hold (NUL, unpaired surrogates, bytes that are not UTF-8) is
    // replaced in the payload; the bytes as they came are stored beside it.
    let Ok(payload) = serde_json::from_slice::<serde_json::Value>(&clean_json(&body)) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let event_type = event_type(&payload);
    // In a transaction of its own, like every statement of a web request: through a
    // transaction-pooling PgBouncer only a transaction keeps one server connection (README).
    let stored = async {
        let mut tx = state.pool.begin().await?;
        sqlx::query!(
            "insert into webhook_events (event_type, payload, signature, raw_body)
             values ($1, $2, $3, $4)",
            event_type,
            &payload,
            header,
            &body[..]
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
    .await;
    match stored {
        Ok(_) => {
            state.wake.notify_one();
            StatusCode::OK.into_response()
        }
        Err(e) => {
            // Not acknowledged, so Meta retries: nothing is lost.
            tracing::error!(error = %e, "could not store webhook event");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// A label for the event, for inspection and metrics; processing reads the payload itself.
fn event_type(payload: &serde_json::Value) -> &'static str {
    let values = payload["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["changes"].as_array().into_iter().flatten())
        .map(|c| &c["value"]);
    let (mut messages, mut statuses) = (false, false);
    for v in values {
        messages |= v["messages"].as_array().is_some_and(|a| !a.is_empty());
        statuses |= v["statuses"].as_array().is_some_and(|a| !a.is_empty());
    }
    match (messages, statuses) {
        (true, _) => "message",
        (false, true) => "status_update",
        _ => "other",
    }
}
