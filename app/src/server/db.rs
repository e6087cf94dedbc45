//! The two ways into the database.
//!
//! * [`tenant_tx`]: every consultant-facing query. Opens a transaction, switches to the
//!   `consultor_app` role (no table ownership, no BYPASSRLS) and sets `app.consultant_id`
//!   transaction-locally, so row-level security decides what is visible and the setting dies
//!   with the transaction instead of lingering on a pooled connection.
//! * [`system_tx`]: the explicit privileged path for work that is not one consultant's
//!   (sign-up, login, public profile lookups, webhooks, jobs). Runs as the login role.

use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

pub type Tx = Transaction<'static, Postgres>;

/// A transaction in which only `consultant_id`'s rows exist. Fails (with
/// [`is_inactive_account`]) when the account is not active, so a deactivated account's
/// sessions stop working at once.
///
/// Plans are made for each statement's actual values (`force_custom_plan`): the lead
/// filters are written as `($n is null or ...)`, and a generic plan, which PostgreSQL would
/// switch to after five runs of a prepared statement, cannot drop the branches that do not
/// apply nor pick the index that does.
pub async fn tenant_tx(pool: &PgPool, consultant_id: Uuid) -> Result<Tx, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        r#"select auth.enter($2) as "active",
                  set_config('role', 'consultor_app', true) as "role",
                  set_config('app.consultant_id', $1, true) as "consultant_id",
                  set_config('plan_cache_mode', 'force_custom_plan', true) as "plan_cache_mode""#,
        consultant_id.to_string(),
        consultant_id
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(tx)
}

/// A transaction on the privileged path. Callers scope their own queries.
pub async fn system_tx(pool: &PgPool) -> Result<Tx, sqlx::Error> {
    pool.begin().await
}

/// Whether `err` is `auth.enter` refusing an account that is not active.
pub fn is_inactive_account(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|e| e.code().as_deref() == Some("42501") && e.message() == "conta desativada")
}
