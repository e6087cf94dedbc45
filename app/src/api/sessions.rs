//! The consultant's signed-in sessions, for Settings (see `server::sessions` for the form).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One signed-in session as Settings lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenSession {
    /// The row's own id (never the session's, which is its cookie's secret).
    pub id: String,
    /// "Chrome no Android".
    pub device: String,
    /// The network it signed in from ("203.0.113.0/24"), as its approximate place.
    pub network: Option<String>,
    pub since: String,
    pub last_used: String,
    /// This browser's own session.
    pub current: bool,
}

#[server(prefix = "/api", endpoint = "sessoes")]
pub async fn open_sessions() -> Result<Vec<OpenSession>, AppError> {
    use crate::domain::{device, time::format_datetime};
    use crate::server::{app_state, auth, sessions};
    let state = app_state()?;
    let consultant = auth::require_consultant().await?;
    let session = auth::session().await?;
    let current = session.id().map(|s| s.to_string());
    let rows = sessions::list(&state.pool, consultant, current.as_deref()).await?;
    Ok(rows
        .into_iter()
        .map(|r| OpenSession {
            id: r.id.to_string(),
            device: device::describe(r.user_agent.as_deref().unwrap_or("")),
            network: r.ip.as_deref().and_then(device::network),
            since: format_datetime(r.since),
            last_used: format_datetime(r.last_used),
            current: r.current,
        })
        .collect())
}
