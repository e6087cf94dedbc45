//! `POST /configuracoes/encerrar`: a consultant closes their own account (LGPD), with their
//! password asked again and a confirmation box. The bot, the public page and every session
//! stop at once; everything is deleted 90 days later by the retention job. The browser goes
//! to `/conta-encerrada?ate=dd/mm/aaaa`, a confirmation that needs no e-mail.

use super::request_meta::RequestMeta;
use super::{auth, csrf, db, flash, known_device, password_attempts, tenant, AppState};
use crate::error::AppError;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmar: String,
}

pub async fn close(
    State(state): State<AppState>,
    session: Session,
    parts: axum::http::request::Parts,
    Form(form): Form<CloseForm>,
) -> Response {
    let Ok(Some(consultant)) = auth::consultant_id_of(&session).await else {
        return Redirect::to("/entrar").into_response();
    };
    let meta = RequestMeta::from_parts(&parts, state.config.trust_proxy_headers);
    let result = async {
        csrf::verify(&session, &form.csrf).await?;
        if form.confirmar != "sim" {
            return Err(AppError::invalid(
                "Marque a confirmação para encerrar a conta.",
            ));
        }
        let token = known_device::token_from(&parts.headers);
        let ok = password_attempts::check_again(
            &state,
            consultant,
            &form.password,
            token.as_deref(),
            &meta,
            "encerrar_conta",
        )
        .await?
        .ok;
        if !ok {
            return Err(AppError::invalid("Senha incorreta."));
        }
        let mut tx = db::tenant_tx(&state.pool, consultant).await?;
        // The audit row first: once closed, the tenant transaction no longer opens.
        tenant::audit_in(
            &mut tx,
            &meta,
            "account_closed",
            "consultant",
            Some(consultant),
            serde_json::json!({}),
        )
        .await?;
        let deleted_from = sqlx::query_scalar!(
            r#"select close_own_account() as "at!: chrono::DateTime<chrono::Utc>""#
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(deleted_from)
    }
    .await;
    match result {
        Ok(deleted_from) => {
            let _ = auth::sign_out(&session).await;
            let date = crate::domain::time::format_date(deleted_from);
            Redirect::to(&format!(
                "/conta-encerrada?ate={}",
                crate::domain::percent::encode(&date)
            ))
            .into_response()
        }
        Err(e) => {
            flash::redirect_with(
                &session,
                "encerrar",
                Vec::new(),
                Err(e),
                "/configuracoes#encerrar",
            )
            .await
        }
    }
}
