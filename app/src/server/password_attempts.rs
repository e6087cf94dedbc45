//! Every check of a consultant's password (login, closing the account, changing the
//! password) is reserved here first, so guesses are counted the same way wherever they
//! are made.
//!
//! A reservation is refused when, within the window:
//! - its bucket has used up its failures since the bucket's last success. The bucket is the
//!   known device the request proved (see [`super::known_device`]), otherwise the account
//!   and the address together: a stranger's failures fill the stranger's bucket, not the
//!   owner's;
//! - the address has used up its failures over every account (not for a known device);
//! - the account has used up its much larger backstop over every address (not for a known
//!   device, nor from an address that signed in to it in the last day): a guesser spread
//!   over many addresses is still stopped, at the price of making a new device wait.
//!
//! A per-e-mail and a per-address advisory lock make the count and the reservation one
//! step, so simultaneous requests cannot all see room; a reservation is still "failed"
//! until its check settles it.

use super::AppConfig;
use crate::error::AppError;
use uuid::Uuid;

/// Who is asking to check a password.
pub struct Asker<'a> {
    /// The account's e-mail as stored (lowercase).
    pub email: &'a str,
    /// The address as [`super::request_meta::RequestMeta::throttle_key`] gives it.
    pub ip: Option<String>,
    /// A known device of this account that the request proved.
    pub device: Option<Uuid>,
}

/// Which limit refused an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// This account from this address (or this known device).
    Bucket,
    /// This address, over every account.
    Address,
    /// This account, over every address.
    Account,
}

/// Reserves one attempt (its id, to [`settle`] after the check), or names the limit that
/// refuses it.
pub async fn reserve(
    pool: &sqlx::PgPool,
    cfg: &AppConfig,
    asker: &Asker<'_>,
) -> Result<Result<Uuid, Limit>, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('login:' || $1, 0)),
                pg_advisory_xact_lock(hashtextextended('login-ip:' || coalesce($2, ''), 0))",
        asker.email,
        asker.ip.as_deref()
    )
    .fetch_one(&mut *tx)
    .await?;
    let counts = sqlx::query!(
        r#"with recent as (
               select email, ip_address, device_id, succeeded, created_at from login_attempts
                where (email = $1 and created_at > now() - make_interval(secs => $5))
                   or ($2::text::inet is not null and ip_address = $2::text::inet
                       and created_at > now() - make_interval(secs => $4))
           ), bucket as (
               select * from recent
                where created_at > now() - make_interval(secs => $4) and email = $1
                  and case when $3::uuid is not null then device_id = $3
                           else device_id is null and ip_address is not distinct from $2::text::inet
                      end
           )
           select (select count(*) from bucket
                    where succeeded is not true
                      and created_at > coalesce((select max(created_at) from bucket where succeeded),
                                                '-infinity')) as "per_bucket!",
                  (select count(*) from recent
                    where $2::text::inet is not null and ip_address = $2::text::inet
                      and created_at > now() - make_interval(secs => $4)
                      and succeeded is not true) as "per_ip!",
                  (select count(*) from recent where email = $1 and succeeded is not true)
                      as "per_account!",
                  exists(select 1 from login_attempts
                          where email = $1 and $2::text::inet is not null
                            and ip_address = $2::text::inet and succeeded
                            and created_at > now() - interval '1 day') as "address_known!""#,
        asker.email,
        asker.ip.as_deref(),
        asker.device,
        cfg.login_window_secs as f64,
        cfg.login_backstop_window_secs as f64
    )
    .fetch_one(&mut *tx)
    .await?;
    let known = asker.device.is_some();
    let refused = if counts.per_bucket >= cfg.login_max_failures_per_account {
        Some(Limit::Bucket)
    } else if !known && counts.per_ip >= cfg.login_max_failures_per_ip {
        Some(Limit::Address)
    } else if !known
        && !counts.address_known
        && counts.per_account >= cfg.login_max_failures_per_account_all_addresses
    {
        Some(Limit::Account)
    } else {
        None
    };
    if let Some(limit) = refused {
        tx.rollback().await?;
        return Ok(Err(limit));
    }
    let id = sqlx::query_scalar!(
        "insert into login_attempts (email, ip_address, device_id)
         values ($1, $2::text::inet, $3) returning id",
        asker.email,
        asker.ip.as_deref(),
        asker.device
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Records how a reserved attempt ended.
pub async fn settle(
    db: impl sqlx::PgExecutor<'_>,
    attempt: Uuid,
    succeeded: bool,
) -> Result<(), AppError> {
    sqlx::query!(
        "update login_attempts set succeeded = $2 where id = $1",
        attempt,
        succeeded
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The answer to a refused attempt; `what` names the attempts ("de entrada", "de senha").
pub fn refusal(cfg: &AppConfig, limit: Limit, what: &str) -> AppError {
    let secs = match limit {
        Limit::Bucket | Limit::Address => cfg.login_window_secs,
        Limit::Account => cfg.login_backstop_window_secs,
    };
    let wait = if secs > 2 * 3600 {
        format!("{} horas", (secs + 3599) / 3600)
    } else {
        format!("{} minutos", (secs + 59) / 60)
    };
    let hint = match limit {
        Limit::Account => {
            " Num aparelho em que você já entrou antes, a sua senha continua valendo."
        }
        Limit::Bucket | Limit::Address => "",
    };
    AppError::TooManyRequests(format!(
        "Muitas tentativas {what}. Aguarde {wait} e tente de novo.{hint}"
    ))
}

/// What a password asked again came to.
pub struct Checked {
    pub ok: bool,
    /// The known device the request proved, if any.
    pub device: Option<Uuid>,
}

/// The signed-in consultant's password asked again (closing the account, changing the
/// password, turning off two-step sign-in): the account read on the tenant path, the check
/// reserved like a login's (a stolen session must not guess without limit), argon2 with no
/// transaction open. A password longer than any passphrase gets no work. A wrong one is
/// audited as `password_check_failed` with the `form` it was typed in.
pub async fn check_again(
    state: &super::AppState,
    consultant: Uuid,
    password: &str,
    device_token: Option<&str>,
    meta: &super::request_meta::RequestMeta,
    form: &str,
) -> Result<Checked, AppError> {
    if password.len() > crate::domain::password::MAX_CHECKED_BYTES {
        return Ok(Checked {
            ok: false,
            device: None,
        });
    }
    let account = {
        let mut tx = super::db::tenant_tx(&state.pool, consultant).await?;
        let row = sqlx::query!(
            "select email, password_hash from consultants where id = $1",
            consultant
        )
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.ok_or(AppError::Unauthenticated)?
    };
    let cfg = &state.config;
    let device = {
        let mut tx = state.pool.begin().await?;
        let device =
            super::known_device::lookup(&mut *tx, cfg, &account.email, device_token).await?;
        tx.commit().await?;
        device
    };
    let asker = Asker {
        email: &account.email,
        ip: meta.throttle_key(),
        device,
    };
    let attempt = reserve(&state.pool, cfg, &asker)
        .await?
        .map_err(|limit| refusal(cfg, limit, "de senha"))?;
    let ok = super::password_hash::verify(password.to_string(), Some(account.password_hash)).await;
    let mut tx = state.pool.begin().await?;
    settle(&mut *tx, attempt, ok).await?;
    if !ok {
        super::audit::record(
            &mut *tx,
            Some(consultant),
            "password_check_failed",
            serde_json::json!({ "form": form }),
            meta,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Checked { ok, device })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> AppConfig {
        AppConfig {
            public_url: "http://x".into(),
            trust_proxy_headers: false,
            login_max_failures_per_account: 5,
            login_max_failures_per_account_all_addresses: 100,
            login_max_failures_per_ip: 20,
            login_window_secs: 900,
            login_backstop_window_secs: 86_400,
            known_device_days: 180,
            whatsapp_signup: false,
            prices: crate::domain::pricing::PriceTable::BRAZIL,
            push_public_key: None,
        }
    }

    #[test]
    fn refusals_say_how_long_to_wait() {
        let msg = |l| refusal(&cfg(), l, "de entrada").to_string();
        assert_eq!(
            msg(Limit::Bucket),
            "Muitas tentativas de entrada. Aguarde 15 minutos e tente de novo."
        );
        assert!(msg(Limit::Account).contains("Aguarde 24 horas"));
        assert!(msg(Limit::Account).contains("já entrou antes"));
    }
}
