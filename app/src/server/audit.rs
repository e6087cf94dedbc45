//! Audit log writes (LGPD): always on the privileged path, with IP and user agent.

use super::request_meta::RequestMeta;
use sqlx::PgExecutor;
use uuid::Uuid;

pub async fn record<'e>(
    db: impl PgExecutor<'e>,
    consultant_id: Option<Uuid>,
    action: &str,
    details: serde_json::Value,
    meta: &RequestMeta,
) -> Result<(), sqlx::Error> {
    sqlx::query("select log_audit_event($1, $2, 'consultant', $1, $3, $4::inet, $5)")
        .bind(consultant_id)
        .bind(action)
        .bind(details)
        .bind(meta.ip.map(|ip| ip.to_string()))
        .bind(meta.user_agent.as_deref())
        .execute(db)
        .await?;
    Ok(())
}
