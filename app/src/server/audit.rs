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
    // The address travels as text: sqlx would want a network type for an inet parameter.
    sqlx::query!(
        "select log_audit_event($1, $2, 'consultant', $1, $3, $4::text::inet, $5)",
        consultant_id,
        action,
        details,
        meta.ip.map(|ip| ip.to_string()),
        meta.user_agent.as_deref()
    )
    .execute(db)
    .await?;
    Ok(())
}
