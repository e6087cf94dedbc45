//! The one way a protected server function reaches the database: the signed-in consultant,
//! the shared state and a transaction under row-level security, in one value.
//!
//! ```ignore
//! let mut t = Tenant::begin().await?;
//! let rows = leads::board_column(&mut t.tx, ...).await?;
//! t.commit().await?;
//! ```
//! Dropping a `Tenant` without `commit` rolls back, so an early `?` leaves nothing
//! half-written.

use super::db::{self, TenantTx};
use super::{app_state, auth, AppState};
use crate::error::AppError;
use uuid::Uuid;

pub struct Tenant {
    /// The signed-in consultant (also what `auth.uid()` returns inside `tx`).
    pub id: Uuid,
    pub state: AppState,
    pub tx: TenantTx,
}

impl Tenant {
    /// Refuses anyone not signed in (401), then opens the tenant transaction.
    pub async fn begin() -> Result<Self, AppError> {
        let id = auth::require_consultant().await?;
        let state = app_state()?;
        let tx = db::tenant_tx(&state.pool, id).await?;
        Ok(Self { id, state, tx })
    }

    /// As [`Tenant::begin`], read-only on one snapshot ([`db::TenantTx::begin_snapshot`]):
    /// for pages whose counts must agree with the rows they list.
    pub async fn begin_snapshot() -> Result<Self, AppError> {
        let id = auth::require_consultant().await?;
        let state = app_state()?;
        let tx = db::TenantTx::begin_snapshot(&state.pool, id).await?;
        Ok(Self { id, state, tx })
    }

    /// As [`Tenant::begin`], after checking the form's CSRF token.
    pub async fn begin_with_csrf(csrf: &str) -> Result<Self, AppError> {
        let id = auth::require_consultant().await?;
        let session = auth::session().await?;
        super::csrf::verify(&session, csrf).await?;
        let state = app_state()?;
        let tx = db::tenant_tx(&state.pool, id).await?;
        Ok(Self { id, state, tx })
    }

    pub async fn commit(self) -> Result<AppState, AppError> {
        self.tx.commit().await?;
        Ok(self.state)
    }

    /// Records an audit row inside this transaction: the action and its audit entry commit
    /// together or not at all.
    pub async fn audit(
        &mut self,
        action: &str,
        resource_type: &str,
        resource_id: Option<Uuid>,
        details: serde_json::Value,
    ) -> Result<(), AppError> {
        let meta = super::request_meta::RequestMeta::current();
        audit_in(
            &mut self.tx,
            &meta,
            action,
            resource_type,
            resource_id,
            details,
        )
        .await?;
        Ok(())
    }
}

/// An audit row written inside a tenant transaction (`audit_tenant_event` records
/// `auth.uid()`), for handlers that hold the request themselves.
pub async fn audit_in(
    tx: &mut TenantTx,
    meta: &super::request_meta::RequestMeta,
    action: &str,
    resource_type: &str,
    resource_id: Option<Uuid>,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "select audit_tenant_event($1, $2, $3, $4, $5::text::inet, $6)",
        action,
        resource_type,
        resource_id,
        details,
        meta.ip.map(|ip| ip.to_string()),
        meta.user_agent.as_deref()
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
