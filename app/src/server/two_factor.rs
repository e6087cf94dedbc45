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
//! from the session by the server. The two forms' handlers are in `two_factor_forms`.

use super::db::SystemTx;
use super::totp;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use tower_sessions::Session;
use uuid::Uuid;

pub(crate) const SETUP_KEY: &str = "totp_setup";
pub(crate) const PENDING_KEY: &str = "login_pending";
/// Wrong codes before a half-way sign-in is dropped.
pub const MAX_CODE_FAILURES: u8 = 5;
/// Wrong codes an account takes, over all its half-way sign-ins, within the window.
pub const MAX_CODE_FAILURES_PER_ACCOUNT: i64 = 10;
pub(crate) const CODE_FAILURE_WINDOW_SECS: f64 = 900.0;
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
pub async fn enabled(sys: &mut SystemTx<'_>, consultant: Uuid) -> Result<bool, sqlx::Error> {
    let db: &mut PgConnection = sys;
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
pub(crate) enum Accepted {
    App,
    Recovery { left: i64 },
}

/// Checks `typed` against the account's app key (each step once) or its unused recovery
/// codes (each once), and takes it.
pub(crate) async fn take_code(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    typed: &str,
) -> Result<Option<Accepted>, sqlx::Error> {
    let db: &mut PgConnection = sys;
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

pub(crate) fn code_hash(code: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(code.as_bytes()).to_vec()
}

/// Ten random recovery codes, as shown ("abcde-12345").
pub(crate) fn new_recovery_codes() -> Vec<String> {
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

/// What the settings section is drawn from.
pub struct TwoFactorState {
    pub email: String,
    pub enabled_at: Option<chrono::DateTime<chrono::Utc>>,
    pub recovery_left: i64,
    /// The key being set up (after "Ativar", before the first code), from the session.
    pub setup_key: Option<Vec<u8>>,
}

pub async fn state(
    pool: &sqlx::PgPool,
    session: &Session,
    consultant: Uuid,
) -> Result<TwoFactorState, AppError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"select email, totp_enabled_at as "totp_enabled_at: chrono::DateTime<chrono::Utc>",
                  (select count(*) from recovery_codes r
                    where r.consultant_id = c.id and r.used_at is null) as "left!"
             from consultants c where id = $1"#,
        consultant
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let setup_key: Option<String> = session
        .get(SETUP_KEY)
        .await
        .map_err(|e| super::error::internal("session read", e))?;
    Ok(TwoFactorState {
        email: row.email,
        enabled_at: row.totp_enabled_at,
        recovery_left: row.left,
        setup_key: setup_key.and_then(|k| hex::decode(k).ok()),
    })
}
