//! Two-step sign-in with an authenticator app (LGPD art. 11: a consultant holding health data
//! wants more than a password).
//!
//! - Settings › "Verificação em duas etapas" (`POST /configuracoes/duas-etapas`, plain forms):
//!   `iniciar` makes a key and keeps it in the session (nothing is stored yet), the page shows
//!   it as text, as an `otpauth://` link and as a QR code; `confirmar` with a code from the app
//!   turns it on and shows ten single-use recovery codes, once; `desativar` asks for the
//!   password and a code.
//! - Sign-in: a right password for such an account does not sign in; the session remembers
//!   who is half-way (`PendingLogin`) and `/entrar/codigo` (`POST /entrar/codigo`) asks for a
//!   code or a recovery code. Five wrong codes end the attempt (back to the password).
//!
//! Account security, like the login throttle: the privileged path, with the consultant taken
//! from the session by the server.

use super::request_meta::RequestMeta;
use super::{audit, auth, csrf, db, flash, known_device, password_attempts, totp, AppState};
use crate::error::AppError;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use tower_sessions::Session;
use uuid::Uuid;

const SETUP_KEY: &str = "totp_setup";
const PENDING_KEY: &str = "login_pending";
/// Wrong codes before a half-way sign-in is dropped.
pub const MAX_CODE_FAILURES: u8 = 5;
/// Wrong codes an account takes, over all its half-way sign-ins, within the window.
pub const MAX_CODE_FAILURES_PER_ACCOUNT: i64 = 10;
const CODE_FAILURE_WINDOW_SECS: f64 = 900.0;
/// How long a half-way sign-in waits for its code.
const PENDING_SECS: i64 = 600;
pub const RECOVERY_CODES: usize = 10;

/// Someone who gave the right password and still owes a code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingLogin {
    pub consultant_id: Uuid,
    pub since: i64,
    pub failures: u8,
    /// The known device the browser proved at the password, if any (refreshed once the
    /// code is right; otherwise the browser becomes one then).
    pub device: Option<Uuid>,
}

/// Whether the account asks for a code after the password.
pub async fn enabled(db: &mut PgConnection, consultant: Uuid) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        r#"select totp_secret is not null as "on!" from consultants where id = $1"#,
        consultant
    )
    .fetch_optional(db)
    .await?
    .unwrap_or(false))
}

/// Remembers a half-way sign-in (after the right password).
pub async fn begin_login(
    session: &Session,
    consultant_id: Uuid,
    device: Option<Uuid>,
) -> Result<(), AppError> {
    // A new id, as at sign-in: a session planted before cannot wait for the code.
    session
        .cycle_id()
        .await
        .map_err(|e| super::error::internal("session cycle", e))?;
    let pending = PendingLogin {
        consultant_id,
        since: chrono::Utc::now().timestamp(),
        failures: 0,
        device,
    };
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(|e| super::error::internal("session insert", e))
}

/// The half-way sign-in of this session, if it has not expired.
pub async fn pending_login(session: &Session) -> Result<Option<PendingLogin>, AppError> {
    let pending: Option<PendingLogin> = session
        .get(PENDING_KEY)
        .await
        .map_err(|e| super::error::internal("session read", e))?;
    Ok(pending.filter(|p| chrono::Utc::now().timestamp() - p.since < PENDING_SECS))
}

/// What a typed code was.
enum Accepted {
    App,
    Recovery { left: i64 },
}

/// Checks `typed` against the account's app key (each step once) or its unused recovery
/// codes (each once), and takes it.
async fn take_code(
    db: &mut PgConnection,
    consultant: Uuid,
    typed: &str,
) -> Result<Option<Accepted>, sqlx::Error> {
    let row = sqlx::query!(
        "select totp_secret, totp_last_step from consultants where id = $1 for update",
        consultant
    )
    .fetch_optional(&mut *db)
    .await?;
    let Some((Some(key), last)) = row.map(|r| (r.totp_secret, r.totp_last_step)) else {
        return Ok(None);
    };
    if let Some(step) = totp::accept(&key, typed, chrono::Utc::now().timestamp(), last) {
        sqlx::query!(
            "update consultants set totp_last_step = $2 where id = $1",
            consultant,
            step
        )
        .execute(&mut *db)
        .await?;
        return Ok(Some(Accepted::App));
    }
    let normalised: String = typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    if normalised.len() != 10 {
        return Ok(None);
    }
    let used = sqlx::query_scalar!(
        r#"with used as (
               update recovery_codes set used_at = now()
                where id = (select id from recovery_codes
                             where consultant_id = $1 and code_hash = $2 and used_at is null
                             limit 1)
               returning consultant_id
           )
           select (select count(*) from recovery_codes
                    where consultant_id = $1 and used_at is null) - 1 as "left!"
             from used"#,
        consultant,
        code_hash(&normalised)
    )
    .fetch_optional(&mut *db)
    .await?;
    Ok(used.map(|left| Accepted::Recovery { left }))
}

fn code_hash(code: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(code.as_bytes()).to_vec()
}

/// Ten random recovery codes, as shown ("abcde-12345").
fn new_recovery_codes() -> Vec<String> {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let s: String = (0..10)
                .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
                .collect();
            format!("{}-{}", &s[..5], &s[5..])
        })
        .collect()
}

/// `POST /configuracoes/duas-etapas`: `acao` = `iniciar` | `confirmar` (`codigo`) |
/// `cancelar` | `desativar` (`senha`, `codigo`).
pub async fn settings_action(
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
    let mut shown = Vec::new();
    let result: Result<String, AppError> = async {
        csrf::verify(&session, &field("csrf")).await?;
        match field("acao").as_str() {
            "iniciar" => {
                let key = totp::new_key();
                session
                    .insert(SETUP_KEY, hex::encode(key))
                    .await
                    .map_err(|e| super::error::internal("session insert", e))?;
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
                    .map_err(|e| super::error::internal("session read", e))?;
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
                audit::record(&mut *tx, Some(consultant), "two_factor_enabled", serde_json::json!({}), &meta)
                    .await?;
                tx.commit().await?;
                let _ = session.remove::<String>(SETUP_KEY).await;
                shown = codes;
                Ok("Verificação em duas etapas ativada. Guarde os códigos de recuperação abaixo: \
                    cada um entra uma vez se você perder o celular, e eles não serão mostrados de novo."
                    .into())
            }
            "desativar" => {
                let token = known_device::token_from(&parts.headers);
                let checked = password_attempts::check_again(
                    &state,
                    consultant,
                    &field("senha"),
                    token.as_deref(),
                    &meta,
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
                audit::record(&mut *tx, Some(consultant), "two_factor_disabled", serde_json::json!({}), &meta)
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
        &session,
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
    let field = |name: &str| super::form_field(&fields, name);
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

/// What the settings section shows.
pub async fn view_state(
    pool: &sqlx::PgPool,
    session: &Session,
    consultant: Uuid,
) -> Result<crate::api::two_factor::TwoFactorView, AppError> {
    let row = sqlx::query!(
        r#"select email, totp_enabled_at as "totp_enabled_at: chrono::DateTime<chrono::Utc>",
                  (select count(*) from recovery_codes r
                    where r.consultant_id = c.id and r.used_at is null) as "left!"
             from consultants c where id = $1"#,
        consultant
    )
    .fetch_one(pool)
    .await?;
    let setup_key: Option<String> = session
        .get(SETUP_KEY)
        .await
        .map_err(|e| super::error::internal("session read", e))?;
    let setup = match (
        &row.totp_enabled_at,
        setup_key.and_then(|k| hex::decode(k).ok()),
    ) {
        (None, Some(key)) => {
            let uri = totp::otpauth_uri(&key, &row.email);
            Some(crate::api::two_factor::Setup {
                key: totp::grouped(&key),
                qr_svg: totp::qr_svg(&uri),
                uri,
            })
        }
        _ => None,
    };
    Ok(crate::api::two_factor::TwoFactorView {
        enabled_since: row
            .totp_enabled_at
            .map(crate::domain::time::format_datetime),
        recovery_left: row.left,
        setup,
    })
}
