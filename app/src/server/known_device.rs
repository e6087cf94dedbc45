//! "Known devices": a browser that signed in to an account gets a long-lived cookie holding
//! a random token (kept in `known_devices` only as its sha256). A later password check from
//! that browser proves the device and is throttled in the device's own bucket, so failures
//! made elsewhere (a competitor guessing from another address) never lock the owner out of a
//! device they already use. See [`super::password_attempts`].

use super::AppConfig;
use crate::error::AppError;
use http::header::{COOKIE, SET_COOKIE};
use http::HeaderMap;
use rand::RngCore;
use uuid::Uuid;

const COOKIE_NAME: &str = "consultor_aparelho";

/// The token the request's cookie carries, if it looks like one of ours.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The token of the current server function's request.
pub fn current_token() -> Option<String> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|p| token_from(&p.headers))
}

/// The known device of the account with this e-mail that `token` proves, if any.
pub async fn lookup(
    db: impl sqlx::PgExecutor<'_>,
    cfg: &AppConfig,
    email: &str,
    token: Option<&str>,
) -> Result<Option<Uuid>, AppError> {
    let Some(token) = token else {
        return Ok(None);
    };
    Ok(sqlx::query_scalar!(
        "select d.id from known_devices d join consultants c on c.id = d.consultant_id
          where d.token_hash = sha256(convert_to($1, 'UTF8')) and c.email = $2
            and d.last_used_at > now() - make_interval(days => $3)",
        token,
        email,
        cfg.known_device_days as i32
    )
    .fetch_optional(db)
    .await?)
}

/// After a successful sign-in: refreshes the device the request proved, or makes this
/// browser a known device of the account (returns the `Set-Cookie` value to send).
pub async fn remember(
    db: impl sqlx::PgExecutor<'_>,
    cfg: &AppConfig,
    consultant: Uuid,
    proved: Option<Uuid>,
) -> Result<Option<String>, AppError> {
    if let Some(device) = proved {
        sqlx::query!(
            "update known_devices set last_used_at = now() where id = $1",
            device
        )
        .execute(db)
        .await?;
        return Ok(None);
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    // The account's devices unused for longer than a device is remembered go as it gains one.
    sqlx::query!(
        "with stale as (
             delete from known_devices
              where consultant_id = $1 and last_used_at < now() - make_interval(days => $3)
         )
         insert into known_devices (consultant_id, token_hash)
         values ($1, sha256(convert_to($2, 'UTF8')))",
        consultant,
        &token,
        cfg.known_device_days as i32
    )
    .execute(db)
    .await?;
    let secure = if cfg.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    Ok(Some(format!(
        "{COOKIE_NAME}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        cfg.known_device_days * 86_400
    )))
}

/// Sends a `Set-Cookie` from inside a server function.
pub fn set_cookie(value: &str) {
    if let (Some(opts), Ok(v)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        opts.append_header(SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_a_well_formed_token() {
        let token = "ab".repeat(32);
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            format!("consultor_sessao=x; {COOKIE_NAME}={token}")
                .parse()
                .unwrap(),
        );
        assert_eq!(token_from(&h), Some(token));
        h.insert(COOKIE, format!("{COOKIE_NAME}=curto").parse().unwrap());
        assert_eq!(token_from(&h), None);
        assert_eq!(token_from(&HeaderMap::new()), None);
    }
}
