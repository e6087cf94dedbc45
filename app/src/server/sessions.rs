//! Settings › "Sessões abertas": the consultant's signed-in sessions (browser, network, since,
//! last use), each ended on its own, or all but this one (`POST /configuracoes/sessoes`, a
//! plain form). Account security: the privileged path, with the consultant from the session.

use super::request_meta::RequestMeta;
use super::{audit, auth, csrf, db, flash, AppState};
use crate::error::AppError;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Utc};
use tower_sessions::Session;
use uuid::Uuid;

/// One signed-in session of the consultant.
#[derive(sqlx::FromRow)]
pub struct SessionRow {
    /// The row's own id (never the session's, which is its cookie's secret).
    pub id: Uuid,
    pub user_agent: Option<String>,
    /// The address it signed in from, as text.
    pub ip: Option<String>,
    pub since: DateTime<Utc>,
    pub last_used: DateTime<Utc>,
    /// This browser's own session.
    pub current: bool,
}

/// The consultant's live sessions, the most recently used first. Run-time checked: the
/// store's table is created by the store itself, after our migrations.
pub async fn list(
    pool: &sqlx::PgPool,
    consultant: Uuid,
    current: Option<&str>,
) -> Result<Vec<SessionRow>, AppError> {
    Ok(sqlx::query_as(
        "select c.id, c.user_agent, host(c.ip_address) as ip, c.created_at as since,
                s.expiry_date - make_interval(days => $3) as last_used,
                c.session_id = $2 as current
           from consultant_sessions c
           join tower_sessions.session s on s.id = c.session_id
          where c.consultant_id = $1 and s.expiry_date > now()
          order by c.session_id = $2 desc, s.expiry_date desc",
    )
    .bind(consultant)
    .bind(current.unwrap_or(""))
    .bind(auth::SESSION_INACTIVITY_DAYS as i32)
    .fetch_all(pool)
    .await?)
}

/// `POST /configuracoes/sessoes`: `acao` = `encerrar` (`id`) | `encerrar-outras`.
pub async fn action(
    State(state): State<AppState>,
    session: Session,
    parts: axum::http::request::Parts,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let consultant = match auth::consultant_id_of(&session).await {
        Ok(Some(c)) => c,
        _ => return Redirect::to("/entrar").into_response(),
    };
    let field = |name: &str| super::form_field(&fields, name);
    let meta = RequestMeta::from_parts(&parts, state.config.trust_proxy_headers);
    let current = session.id().map(|s| s.to_string());
    let mut signed_out = false;
    let result: Result<String, AppError> = async {
        csrf::verify(&session, &field("csrf")).await?;
        let mut tx = db::system_tx(&state.pool).await?;
        let message = match field("acao").as_str() {
            "encerrar-outras" => {
                let ended =
                    auth::end_other_sessions(&mut tx, consultant, current.as_deref()).await?;
                match ended {
                    0 => "Não havia outras sessões abertas.".to_string(),
                    1 => "1 outra sessão foi encerrada.".to_string(),
                    n => format!("{n} outras sessões foram encerradas."),
                }
            }
            "encerrar" => {
                let id: Uuid = field("id").parse().map_err(|_| AppError::NotFound)?;
                let ended = sqlx::query_scalar!(
                    "delete from consultant_sessions where id = $1 and consultant_id = $2
                     returning session_id",
                    id,
                    consultant
                )
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(AppError::NotFound)?;
                sqlx::query("delete from tower_sessions.session where id = $1")
                    .bind(&ended)
                    .execute(&mut *tx)
                    .await?;
                signed_out = current.as_deref() == Some(ended.as_str());
                "Sessão encerrada.".to_string()
            }
            _ => return Err(AppError::invalid("Ação desconhecida.")),
        };
        audit::record(
            &mut *tx,
            Some(consultant),
            "sessions_ended",
            serde_json::json!({ "acao": field("acao") }),
            &meta,
        )
        .await?;
        tx.commit().await?;
        Ok(message)
    }
    .await;
    if signed_out {
        // This browser's own session: it is now signed out.
        return Redirect::to("/entrar").into_response();
    }
    flash::redirect_with(
        &session,
        "sessoes",
        Vec::new(),
        result,
        "/configuracoes#sessoes",
    )
    .await
}
