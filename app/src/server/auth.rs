//! The signed-in consultant, read from the tower-sessions session.
//!
//! Every protected server function calls [`require_consultant`]; page guards are only a
//! convenience on top of it.

use crate::error::AppError;
use tower_sessions::Session;
use uuid::Uuid;

const CONSULTANT_KEY: &str = "consultant_id";

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| super::error::internal("session extractor", e))
}

/// The consultant id in the session, if any.
pub async fn session_consultant_id() -> Result<Option<Uuid>, AppError> {
    consultant_id_of(&session().await?).await
}

/// The consultant id stored in a given session (axum routes hold the session themselves).
pub async fn consultant_id_of(session: &Session) -> Result<Option<Uuid>, AppError> {
    session
        .get::<Uuid>(CONSULTANT_KEY)
        .await
        .map_err(|e| super::error::internal("session read", e))
}

/// The signed-in consultant's id, or `Unauthenticated`.
/// Answers 401 (for fetches from the hydrated page) when nobody is signed in.
pub async fn require_consultant() -> Result<Uuid, AppError> {
    session_consultant_id().await?.ok_or_else(|| {
        set_error_status(&AppError::Unauthenticated);
        AppError::Unauthenticated
    })
}

/// Starts an authenticated session. The id is cycled so that a session id planted before
/// login (session fixation) is worthless after it.
pub async fn sign_in(session: &Session, consultant_id: Uuid) -> Result<(), AppError> {
    session
        .cycle_id()
        .await
        .map_err(|e| super::error::internal("session cycle", e))?;
    session
        .insert(CONSULTANT_KEY, consultant_id)
        .await
        .map_err(|e| super::error::internal("session insert", e))?;
    super::csrf::rotate(session).await
}

/// Ends the session server-side: the row is deleted from the store, not just forgotten.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session
        .flush()
        .await
        .map_err(|e| super::error::internal("session flush", e))
}

/// Sets the HTTP status of a server function's error response. Skipped for plain form posts
/// (JavaScript off): those answer with a redirect back to the form, which a 4xx would break.
pub fn set_error_status(err: &AppError) {
    if super::request_meta::is_plain_form_post() {
        return;
    }
    if let (Some(opts), Ok(code)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(err.status()),
    ) {
        opts.set_status(code);
    }
}
