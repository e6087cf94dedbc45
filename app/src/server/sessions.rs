//! Settings › "Sessões abertas": the consultant's signed-in sessions (browser, network, since,
//! last use); ending them is `handlers::sessions`. Account security: the privileged path,
//! with the consultant from the session.

use super::auth;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One signed-in session of the consultant.
#[derive(sqlx::FromRow)]
pub struct SessionRow {
    /// The row's own id (never the session's, which is its cookie's secret).
    pub id: Uuid,
    pub user_agent: Option<String>,
    /// The address it signed in from, as text.
    pub ip: Option<String>,
    pub since: DateTime<Utc>,
    pub last_used: DateTime<Utc>,
    /// This browser's own session.
    pub current: bool,
}

/// The consultant's live sessions, the most recently used first. Run-time checked: the
/// store's table is created by the store itself, after our migrations.
pub async fn list(
    pool: &sqlx::PgPool,
    consultant: Uuid,
    current: Option<&str>,
) -> Result<Vec<SessionRow>, AppError> {
    let mut tx = pool.begin().await?;
    let rows = sqlx::query_as(
        "select c.id, c.user_agent, host(c.ip_address) as ip, c.created_at as since,
                s.expiry_date - make_interval(days => $3) as last_used,
                c.session_id = $2 as current
           from consultant_sessions c
           join tower_sessions.session s on s.id = c.session_id
          where c.consultant_id = $1 and s.expiry_date > now()
          order by c.session_id = $2 desc, s.expiry_date desc",
    )
    .bind(consultant)
    .bind(current.unwrap_or(""))
    .bind(auth::SESSION_INACTIVITY_DAYS as i32)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}
