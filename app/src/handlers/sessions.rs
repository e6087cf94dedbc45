//! `POST /configuracoes/sessoes`: ending one of the consultant's sessions, or all but this
//! one (Settings › "Sessões abertas", a plain form).

use super::door::SignedInForm;
use crate::error::AppError;
use crate::server::{audit, auth, db, flash};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

/// `POST /configuracoes/sessoes`: `acao` = `encerrar` (`id`) | `encerrar-outras`.
pub async fn action(SignedInForm { who, fields }: SignedInForm) -> Response {
    let (consultant, meta, session) = (who.id, &who.meta, &who.session);
    let field = |name: &str| fields.get(name);
    let current = session.id().map(|s| s.to_string());
    let mut signed_out = false;
    let result: Result<String, AppError> = async {
        // The sessions' store is not a tenant table (account security, as at sign-in).
        let mut tx = db::system_tx(&who.state.pool).await?;
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
            meta,
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
        session,
        "sessoes",
        Vec::new(),
        result,
        "/configuracoes#sessoes",
    )
    .await
}
