//! What the pages need of two-step sign-in (see `server::two_factor` for the forms).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The settings section's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwoFactorView {
    /// When it was turned on (São Paulo time), if it is on.
    pub enabled_since: Option<String>,
    pub recovery_left: i64,
    /// A key being set up (after "Ativar", before the first code).
    pub setup: Option<Setup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Setup {
    /// The key in Base32, in groups of four, for typing into the app.
    pub key: String,
    /// `otpauth://…`: opens the authenticator app on a phone.
    pub uri: String,
    /// The same link as a QR code (SVG made on the server from our own data).
    pub qr_svg: String,
}

#[server(prefix = "/api", endpoint = "duas-etapas")]
pub async fn two_factor_state() -> Result<TwoFactorView, AppError> {
    use crate::server::{app_state, auth, totp, two_factor};
    let state = app_state()?;
    let consultant = auth::require_consultant().await?;
    let session = auth::session().await?;
    let now = two_factor::state(&state.pool, &session, consultant).await?;
    let setup = match (&now.enabled_at, now.setup_key) {
        (None, Some(key)) => {
            let uri = totp::otpauth_uri(&key, &now.email);
            Some(Setup {
                key: totp::grouped(&key),
                qr_svg: totp::qr_svg(&uri),
                uri,
            })
        }
        _ => None,
    };
    Ok(TwoFactorView {
        enabled_since: now.enabled_at.map(crate::domain::time::format_datetime),
        recovery_left: now.recovery_left,
        setup,
    })
}

/// Whether this browser is half-way through a sign-in (the password was right).
#[server(prefix = "/api", endpoint = "entrar-codigo")]
pub async fn login_code_pending() -> Result<bool, AppError> {
    use crate::server::{auth, two_factor};
    let session = auth::session().await?;
    Ok(two_factor::pending_login(&session).await?.is_some())
}
