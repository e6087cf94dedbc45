//! "Esqueci minha senha": a link by e-mail to choose a new password, valid for 30 minutes
//! and once. The request page answers the same whether or not an account has the e-mail, in
//! the same time (the e-mail is sent after the answer, never inside a transaction), and at
//! most three links an hour go to one address (ten requests an hour from one network).

use crate::error::AppError;
use leptos::prelude::*;

/// What the request page says after every request.
pub const REQUESTED: &str = "Se houver uma conta com este e-mail, enviamos um link para criar uma \
     nova senha. Ele vale por 30 minutos e uma só vez; confira também a caixa de spam.";

/// The same, when no SMTP server is configured (development).
pub const REQUESTED_WITHOUT_SMTP: &str = "Se houver uma conta com este e-mail, o link para criar \
     uma nova senha foi escrito no log do servidor (este servidor não tem SMTP_URL configurado \
     para enviar e-mails). Ele vale por 30 minutos e uma só vez.";

pub const RESET_DONE: &str = "Senha alterada. Entre com a nova senha.";

/// How long a link lasts, and how many a person or a network may ask for.
pub const LINK_MINUTES: i64 = 30;
pub const MAX_LINKS_PER_EMAIL_PER_HOUR: i64 = 3;
pub const MAX_REQUESTS_PER_ADDRESS_PER_HOUR: i64 = 10;

#[cfg(feature = "ssr")]
const EXPIRED: &str = "Este link para criar uma nova senha não vale mais (já foi usado, passou \
     de 30 minutos ou veio incompleto). Peça um novo em “Esqueci minha senha”.";

#[server(prefix = "/api", endpoint = "esqueci-senha")]
pub async fn request_password_reset(csrf: String, email: String) -> Result<String, AppError> {
    let values = vec![("email", email.clone())];
    let result: Result<String, AppError> = async {
        use crate::domain::Email;
        use crate::error::FieldError;
        use crate::server::mail;
        use crate::server::request_meta::RequestMeta;
        use crate::server::{app_state, audit, auth, csrf as csrf_check, db};

        let state = app_state()?;
        let session = auth::session().await?;
        csrf_check::verify(&session, &csrf).await?;
        crate::domain::text::check(&email, crate::domain::text::Lines::One)
            .and_then(|_| Email::parse(&email))
            .map_err(|why| {
                AppError::fields(vec![FieldError {
                    field: "email".into(),
                    message: why.into(),
                }])
            })?;
        let email = Email::parse(&email).expect("checked").as_str().to_string();
        let meta = RequestMeta::current();
        let ip = meta.throttle_key();
        let answer = if state.mailer.delivers() {
            REQUESTED
        } else {
            REQUESTED_WITHOUT_SMTP
        };

        let mut tx = db::system_tx(&state.pool).await?;
        // One request at a time per e-mail and per network, so that the counts below include
        // every request still being handled.
        sqlx::query!(
            "select pg_advisory_xact_lock(hashtextextended('reset:' || $1, 0)),
                    pg_advisory_xact_lock(hashtextextended('reset-ip:' || coalesce($2, ''), 0))",
            &email,
            ip.as_deref()
        )
        .fetch_one(&mut *tx)
        .await?;
        let recent = sqlx::query!(
            r#"select
                 (select count(*) from password_resets
                   where email = $1 and token_hash is not null
                     and created_at > now() - interval '1 hour') as "links!",
                 (select count(*) from password_resets
                   where $2::text::inet is not null and ip_address = $2::text::inet
                     and created_at > now() - interval '1 hour') as "requests!""#,
            &email,
            ip.as_deref()
        )
        .fetch_one(&mut *tx)
        .await?;
        if recent.requests >= MAX_REQUESTS_PER_ADDRESS_PER_HOUR {
            tx.rollback().await?;
            return Err(AppError::TooManyRequests(
                "Muitos pedidos de nova senha desta rede. Aguarde uma hora e tente de novo.".into(),
            ));
        }
        let account = sqlx::query!(
            "select id, name from consultants where email = $1 and is_active",
            &email
        )
        .fetch_optional(&mut *tx)
        .await?
        .filter(|_| recent.links < MAX_LINKS_PER_EMAIL_PER_HOUR);
        let token = account.as_ref().map(|_| new_token());
        sqlx::query!(
            "insert into password_resets (email, ip_address, consultant_id, token_hash, expires_at)
             values ($1, $2::text::inet, $3, $4, now() + make_interval(mins => $5))",
            &email,
            ip.as_deref(),
            account.as_ref().map(|a| a.id),
            token.as_ref().map(|t| token_hash(t)),
            LINK_MINUTES as i32
        )
        .execute(&mut *tx)
        .await?;
        if let Some(a) = &account {
            audit::record(
                &mut *tx,
                Some(a.id),
                "password_reset_requested",
                serde_json::json!({}),
                &meta,
            )
            .await?;
        }
        tx.commit().await?;

        if let (Some(a), Some(token)) = (account, token) {
            let link = format!(
                "{}/redefinir-senha?t={token}",
                state.config.public_url.trim_end_matches('/')
            );
            let message = mail::Email {
                to: email,
                subject: "Crie uma nova senha do Consultor".into(),
                text: format!(
                    "Olá, {}!\n\nAlguém (esperamos que você) pediu para criar uma nova senha da sua \
                     conta no Consultor. Para escolher a nova senha, abra este link:\n\n{link}\n\n\
                     Ele vale por {LINK_MINUTES} minutos e uma só vez. Ao trocar a senha, todas as \
                     sessões abertas da conta são encerradas.\n\nSe não foi você, ignore este \
                     e-mail: sua senha continua a mesma.\n\nConsultor",
                    crate::domain::person_name::first_name(&a.name)
                ),
            };
            let mailer = state.mailer.clone();
            // After the answer: the page takes the same time whether or not an account exists.
            tokio::spawn(async move {
                if let Err(e) = mailer.send(&message).await {
                    tracing::warn!(error = %e, "password reset e-mail not sent");
                }
            });
        }
        Ok(answer.to_string())
    }
    .await;
    let success = result.clone().unwrap_or_default();
    crate::server::flash::remember("esqueci", values, &success, result).await
}
/// 32 random bytes, as 64 hex digits (the link's `t`).
#[cfg(feature = "ssr")]
fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What is kept of a token: its SHA-256 (a database leak gives no usable link).
#[cfg(feature = "ssr")]
fn token_hash(token: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether the link `t` can still be used (the page says so before asking for a password).
#[server(prefix = "/api", endpoint = "link-de-senha")]
pub async fn reset_link_valid(token: String) -> Result<bool, AppError> {
    use crate::server::app_state;
    let state = app_state()?;
    if token.len() != 64 {
        return Ok(false);
    }
    let mut tx = crate::server::db::system_tx(&state.pool).await?;
    let valid = sqlx::query_scalar!(
        r#"select exists (select 1 from password_resets
                           where token_hash = $1 and used_at is null and expires_at > now())
                  as "valid!""#,
        token_hash(&token)
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(valid)
}

#[server(prefix = "/api", endpoint = "redefinir-senha")]
pub async fn reset_password(csrf: String, token: String, password: String) -> Result<(), AppError> {
    let result: Result<(), AppError> = async {
        use crate::domain::Password;
        use crate::error::FieldError;
        use crate::server::request_meta::RequestMeta;
        use crate::server::{app_state, audit, auth, csrf as csrf_check, db, password_hash};

        let state = app_state()?;
        let session = auth::session().await?;
        csrf_check::verify(&session, &csrf).await?;
        let password = Password::parse(password).map_err(|why| {
            AppError::fields(vec![FieldError {
                field: "password".into(),
                message: why.into(),
            }])
        })?;
        if token.len() != 64 || !reset_link_valid(token.clone()).await? {
            return Err(AppError::invalid(EXPIRED));
        }
        // argon2 with no transaction open; the link is taken (once) only after.
        let hash = password_hash::hash(password.expose().to_string())
            .await
            .map_err(|e| crate::server::error::internal("password hash", e))?;
        let mut tx = db::system_tx(&state.pool).await?;
        let Some(id) = sqlx::query_scalar!(
            r#"update password_resets set used_at = now()
                where token_hash = $1 and used_at is null and expires_at > now()
            returning consultant_id as "consultant_id!""#,
            token_hash(&token)
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Err(AppError::invalid(EXPIRED));
        };
        // Any other link of this account stops working too.
        sqlx::query!(
            "update password_resets set used_at = now() where consultant_id = $1 and used_at is null",
            id
        )
        .execute(&mut *tx)
        .await?;
        let changed = sqlx::query!(
            "update consultants set password_hash = $2 where id = $1 and is_active",
            id,
            hash
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(AppError::invalid(EXPIRED));
        }
        // Whoever had the old password is signed out everywhere.
        auth::end_other_sessions(&mut tx, id, None).await?;
        audit::record(
            &mut *tx,
            Some(id),
            "password_reset",
            serde_json::json!({}),
            &RequestMeta::current(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    crate::server::flash::remember("redefinir", Vec::new(), RESET_DONE, result).await
}
