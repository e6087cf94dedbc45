//! `POST /configuracoes/encerrar`: a consultant closes their own account (LGPD), with their
//! password asked again and a confirmation box. The bot, the public page and every session
//! stop at once; everything is deleted 90 days later by the retention job. The browser goes
//! to `/conta-encerrada?ate=dd/mm/aaaa`, a confirmation that needs no e-mail.

use super::door::SignedInForm;
use crate::error::AppError;
use crate::server::{auth, flash, known_device, password_attempts, tenant};
use axum::response::{IntoResponse, Redirect, Response};

pub async fn close(SignedInForm { who, fields }: SignedInForm) -> Response {
    let (consultant, state, meta, session) = (who.id, &who.state, &who.meta, &who.session);
    let result = async {
        if fields.get("confirmar") != "sim" {
            return Err(AppError::invalid(
                "Marque a confirmação para encerrar a conta.",
            ));
        }
        let token = known_device::token_from(&who.headers);
        let ok = password_attempts::check_again(
            state,
            consultant,
            &fields.get("password"),
            token.as_deref(),
            meta,
            "encerrar_conta",
        )
        .await?
        .ok;
        if !ok {
            return Err(AppError::invalid("Senha incorreta."));
        }
        let mut tx = who.tenant().await?;
        // The audit row first: once closed, the tenant transaction no longer opens.
        tenant::audit_in(
            &mut tx,
            meta,
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
            let _ = auth::sign_out(session).await;
            let date = crate::domain::time::format_date(deleted_from);
            Redirect::to(&format!(
                "/conta-encerrada?ate={}",
                crate::domain::percent::encode(&date)
            ))
            .into_response()
        }
        Err(e) => {
            flash::redirect_with(
                session,
                "encerrar",
                Vec::new(),
                Err(e),
                "/configuracoes#encerrar",
            )
            .await
        }
    }
}
