//! The signed-in consultant, read from the tower-sessions session.
//!
//! Every protected server function calls [`require_consultant`]; page guards are only a
//! convenience on top of it.

use crate::error::AppError;
use tower_sessions::Session;
use uuid::Uuid;

pub use super::error::set_error_status;

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
/// login (session fixation) is worthless after it. The session is saved at once, to learn
/// its new id and note whose it is in `consultant_sessions`, with the browser and address it
/// signed in from (so that a password change can end the consultant's other sessions, and
/// Settings can list them).
pub async fn sign_in(
    session: &Session,
    pool: &sqlx::PgPool,
    consultant_id: Uuid,
    meta: &super::request_meta::RequestMeta,
) -> Result<(), AppError> {
    session
        .cycle_id()
        .await
        .map_err(|e| super::error::internal("session cycle", e))?;
    session
        .insert(CONSULTANT_KEY, consultant_id)
        .await
        .map_err(|e| super::error::internal("session insert", e))?;
    super::csrf::rotate(session).await?;
    session
        .save()
        .await
        .map_err(|e| super::error::internal("session save", e))?;
    let id = session.id().ok_or(AppError::Internal)?.to_string();
    // Notes of this consultant's sessions that have since ended (logout, expiry) go first;
    // run-time checked, as the store's table is not ours (see `end_other_sessions`).
    let mut tx = pool.begin().await?;
    sqlx::query(
        "delete from consultant_sessions c where consultant_id = $1
            and not exists (select 1 from tower_sessions.session s where s.id = c.session_id)",
    )
    .bind(consultant_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into consultant_sessions (session_id, consultant_id, user_agent, ip_address)
         values ($1, $2, $3, $4::text::inet)
         on conflict (session_id) do update
            set consultant_id = excluded.consultant_id, user_agent = excluded.user_agent,
                ip_address = excluded.ip_address",
        id,
        consultant_id,
        meta.user_agent.as_deref(),
        meta.ip.map(|ip| ip.to_string())
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Days of inactivity after which a session ends (the store's expiry moves on with each use,
/// so the last use is its expiry less these days).
pub const SESSION_INACTIVITY_DAYS: i64 = 7;

/// Ends the session server-side: the row is deleted from the store, not just forgotten.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session
        .flush()
        .await
        .map_err(|e| super::error::internal("session flush", e))
}

/// Ends every session of the consultant except `keep` (the store's rows and their notes in
/// `consultant_sessions`), in the caller's transaction. Returns how many were ended.
pub async fn end_other_sessions(
    sys: &mut super::db::SystemTx<'_>,
    consultant_id: Uuid,
    keep: Option<&str>,
) -> Result<u64, AppError> {
    let tx: &mut sqlx::PgConnection = sys;
    let ids = sqlx::query_scalar!(
        "delete from consultant_sessions
          where consultant_id = $1 and session_id is distinct from $2
          returning session_id",
        consultant_id,
        keep
    )
    .fetch_all(&mut *tx)
    .await?;
    // The store's table is created by the store itself (after our migrations), so this one
    // statement is checked at run time rather than against `.sqlx/`.
    let ended = sqlx::query("delete from tower_sessions.session where id = any($1)")
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
    Ok(ended.rows_affected())
}
