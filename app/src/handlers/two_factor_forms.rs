//! The forms of two-step sign-in (see `two_factor`): Settings' `POST /configuracoes/duas-etapas`
//! and the sign-in's second step, `POST /entrar/verificar-codigo`. Plain forms, the same with
//! or without JavaScript.

use super::door::SignedInForm;
use crate::error::AppError;
use crate::server::request_meta::RequestMeta;
use crate::server::two_factor::{
    code_hash, new_recovery_codes, pending_login, take_code, Accepted, PendingLogin,
    CODE_FAILURE_WINDOW_SECS, MAX_CODE_FAILURES, MAX_CODE_FAILURES_PER_ACCOUNT, PENDING_KEY,
    SETUP_KEY,
};
use crate::server::{
    audit, auth, csrf, db, flash, known_device, password_attempts, totp, AppState,
};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use tower_sessions::Session;

/// `POST /configuracoes/duas-etapas`: `acao` = `iniciar` | `confirmar` (`codigo`) |
/// `cancelar` | `desativar` (`senha`, `codigo`).
pub async fn settings_action(SignedInForm { who, fields }: SignedInForm) -> Response {
    let (consultant, state, meta, session) = (who.id, &who.state, &who.meta, &who.session);
    let field = |name: &str| fields.get(name);
    let mut shown = Vec::new();
    let result: Result<String, AppError> = async {
        match field("acao").as_str() {
            "iniciar" => {
                let key = totp::new_key();
                session
                    .insert(SETUP_KEY, hex::encode(key))
                    .await
                    .map_err(|e| crate::server::error::internal("session insert", e))?;
                Ok("Leia a chave no seu aplicativo autenticador e digite o código que ele mostra.".into())
            }
            "cancelar" => {
                let _ = session.remove::<String>(SETUP_KEY).await;
                Ok("Ativação cancelada.".into())
            }
            "confirmar" => {
                let key: Option<String> = session
                    .get(SETUP_KEY)
                    .await
                    .map_err(|e| crate::server::error::internal("session read", e))?;
                let key = key
                    .and_then(|k| hex::decode(k).ok())
                    .ok_or_else(|| AppError::invalid("Comece de novo: clique em “Ativar”."))?;
                let Some(step) =
                    totp::accept(&key, &field("codigo"), chrono::Utc::now().timestamp(), None)
                else {
                    return Err(code_error(
                        "Código incorreto. Confira se o relógio do celular está certo e digite o código que aparece agora.",
                    ));
                };
                let codes = new_recovery_codes();
                let mut tx = db::system_tx(&state.pool).await?;
                sqlx::query!(
                    "update consultants
                        set totp_secret = $2, totp_enabled_at = now(), totp_last_step = $3
                      where id = $1",
                    consultant,
                    key,
                    step
                )
                .execute(&mut *tx)
                .await?;
                sqlx::query!("delete from recovery_codes where consultant_id = $1", consultant)
                    .execute(&mut *tx)
                    .await?;
                for code in &codes {
                    sqlx::query!(
                        "insert into recovery_codes (consultant_id, code_hash) values ($1, $2)",
                        consultant,
                        code_hash(&code.replace('-', ""))
                    )
                    .execute(&mut *tx)
                    .await?;
                }
                audit::record(&mut *tx, Some(consultant), "two_factor_enabled", serde_json::json!({}), meta)
                    .await?;
                tx.commit().await?;
                let _ = session.remove::<String>(SETUP_KEY).await;
                shown = codes;
                Ok("Verificação em duas etapas ativada. Guarde os códigos de recuperação abaixo: \
                    cada um entra uma vez se você perder o celular, e eles não serão mostrados de novo."
                    .into())
            }
            "desativar" => {
                let token = known_device::token_from(&who.headers);
                let checked = password_attempts::check_again(
                    state,
                    consultant,
                    &field("senha"),
                    token.as_deref(),
                    meta,
                    "desativar_duas_etapas",
                )
                .await?;
                if !checked.ok
                {
                    return Err(AppError::fields(vec![crate::error::FieldError {
                        field: "senha".into(),
                        message: "Senha incorreta.".into(),
                    }]));
                }
                let mut tx = db::system_tx(&state.pool).await?;
                if take_code(&mut tx, consultant, &field("codigo")).await?.is_none() {
                    return Err(code_error("Código incorreto."));
                }
                sqlx::query!(
                    "update consultants
                        set totp_secret = null, totp_enabled_at = null, totp_last_step = null
                      where id = $1",
                    consultant
                )
                .execute(&mut *tx)
                .await?;
                sqlx::query!("delete from recovery_codes where consultant_id = $1", consultant)
                    .execute(&mut *tx)
                    .await?;
                audit::record(&mut *tx, Some(consultant), "two_factor_disabled", serde_json::json!({}), meta)
                    .await?;
                tx.commit().await?;
                Ok("Verificação em duas etapas desativada.".into())
            }
            _ => Err(AppError::invalid("Ação desconhecida.")),
        }
    }
    .await;
    let values = vec![("codigos".to_string(), shown.join(" "))];
    flash::redirect_with(
        session,
        "duas-etapas",
        values,
        result,
        "/configuracoes#duas-etapas",
    )
    .await
}

fn code_error(message: &str) -> AppError {
    AppError::fields(vec![crate::error::FieldError {
        field: "codigo".into(),
        message: message.into(),
    }])
}

/// `POST /entrar/codigo`: the second step of a sign-in (`codigo`: from the app, or a
/// recovery code).
pub async fn second_step(
    State(state): State<AppState>,
    session: Session,
    parts: axum::http::request::Parts,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| crate::server::form_field(&fields, name);
    let meta = RequestMeta::from_parts(&parts, state.config.trust_proxy_headers);
    let pending = match pending_login(&session).await {
        Ok(Some(p)) => p,
        _ => {
            let result = Err(AppError::invalid(
                "O tempo para digitar o código acabou. Entre com a senha de novo.",
            ));
            return flash::redirect_with(&session, "login", Vec::new(), result, "/entrar").await;
        }
    };
    let result: Result<Option<(Accepted, Option<String>)>, AppError> = async {
        csrf::verify(&session, &field("csrf")).await?;
        let mut tx = db::system_tx(&state.pool).await?;
        // Wrong codes are counted per account too, over every half-way sign-in: knowing the
        // password does not buy unlimited guesses at the code.
        let recent_failures = sqlx::query_scalar!(
            r#"select count(*) as "n!" from audit_logs
                where consultant_id = $1 and action = 'login_failed'
                  and details->>'etapa' = 'codigo'
                  and created_at > now() - make_interval(secs => $2)"#,
            pending.consultant_id,
            CODE_FAILURE_WINDOW_SECS
        )
        .fetch_one(&mut *tx)
        .await?;
        if recent_failures >= MAX_CODE_FAILURES_PER_ACCOUNT {
            return Err(AppError::TooManyRequests(
                "Códigos incorretos demais nesta conta. Aguarde 15 minutos e tente de novo.".into(),
            ));
        }
        let accepted = take_code(&mut tx, pending.consultant_id, &field("codigo")).await?;
        let action = if accepted.is_some() {
            "login"
        } else {
            "login_failed"
        };
        audit::record(
            &mut *tx,
            Some(pending.consultant_id),
            action,
            serde_json::json!({ "etapa": "codigo" }),
            &meta,
        )
        .await?;
        let cookie = match &accepted {
            Some(_) => {
                known_device::remember(
                    &mut *tx,
                    &state.config,
                    pending.consultant_id,
                    pending.device,
                )
                .await?
            }
            None => None,
        };
        tx.commit().await?;
        Ok(accepted.map(|a| (a, cookie)))
    }
    .await;
    match result {
        Ok(Some((accepted, cookie))) => {
            let _ = session.remove::<PendingLogin>(PENDING_KEY).await;
            if let Err(e) = auth::sign_in(&session, &state.pool, pending.consultant_id, &meta).await
            {
                return flash::redirect_with(&session, "login", Vec::new(), Err(e), "/entrar")
                    .await;
            }
            let mut res = match accepted {
                Accepted::Recovery { left } => {
                    let note = Ok(format!(
                        "Você entrou com um código de recuperação; restam {left}. Se perdeu o \
                         celular, desative e ative de novo a verificação em duas etapas em \
                         Configurações."
                    ));
                    flash::redirect_with(
                        &session,
                        "duas-etapas",
                        Vec::new(),
                        note,
                        "/configuracoes#duas-etapas",
                    )
                    .await
                }
                Accepted::App => Redirect::to("/painel").into_response(),
            };
            if let Some(v) = cookie.and_then(|c| http::HeaderValue::from_str(&c).ok()) {
                res.headers_mut().append(http::header::SET_COOKIE, v);
            }
            res
        }
        Ok(None) => {
            let failures = pending.failures + 1;
            if failures >= MAX_CODE_FAILURES {
                let _ = session.remove::<PendingLogin>(PENDING_KEY).await;
                let result = Err(AppError::TooManyRequests(
                    "Códigos incorretos demais. Entre com a senha de novo.".into(),
                ));
                return flash::redirect_with(&session, "login", Vec::new(), result, "/entrar")
                    .await;
            }
            let _ = session
                .insert(
                    PENDING_KEY,
                    PendingLogin {
                        failures,
                        ..pending
                    },
                )
                .await;
            let result = Err(code_error("Código incorreto. Digite o código que o aplicativo mostra agora, ou um código de recuperação."));
            flash::redirect_with(&session, "codigo", Vec::new(), result, "/entrar/codigo").await
        }
        Err(e) => {
            flash::redirect_with(&session, "codigo", Vec::new(), Err(e), "/entrar/codigo").await
        }
    }
}
