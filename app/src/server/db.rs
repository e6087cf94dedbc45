//! The two doors into the database, as two types.
//!
//! * [`TenantTx`]: every consultant-facing query. Opens a transaction, switches to the
//!   `consultor_app` role (no table ownership, no BYPASSRLS) and sets `app.consultant_id`
//!   transaction-locally, so row-level security decides what is visible and the setting dies
//!   with the transaction instead of lingering on a pooled connection. Tenant repositories take
//!   `&mut TenantTx` and read the consultant from it, so they cannot be called on the
//!   privileged path, nor for a consultant other than the one the wall was set for.
//! * [`SystemTx`]: the explicit privileged path for work that is not one consultant's
//!   (sign-up, login, public profile lookups, webhook intake, jobs). Runs as the login role.
//!   The intake's writes (`consultor::intake`) take `&mut SystemTx`, so a page, which only
//!   ever holds a `TenantTx`, cannot reach them.
//!
//! Both dereference to the connection for plain queries written in place.

use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use std::ops::{Deref, DerefMut};
use uuid::Uuid;

type Tx = Transaction<'static, Postgres>;

/// A transaction in which only one consultant's rows exist.
pub struct TenantTx {
    consultant: Uuid,
    tx: Tx,
}

impl TenantTx {
    /// Opens the tenant transaction for `consultant`. Fails (with [`is_inactive_account`])
    /// when the account is not active, so a deactivated account's sessions stop working at
    /// once.
    ///
    /// Plans are made for each statement's actual values (`force_custom_plan`): the lead
    /// filters are written as `($n is null or ...)`, and a generic plan, which PostgreSQL
    /// would switch to after five runs of a prepared statement, cannot drop the branches that
    /// do not apply nor pick the index that does.
    pub async fn begin(pool: &PgPool, consultant: Uuid) -> Result<Self, sqlx::Error> {
        let tx = pool.begin().await?;
        Self::enter(tx, consultant).await
    }

    /// As [`TenantTx::begin`], read-only, with every statement seeing the database as it was
    /// at the first one (`repeatable read`). For a page that counts and lists in separate
    /// statements: under the default `read committed` a lead arriving between the count and
    /// the cards showed two cards under a column that said "1".
    pub async fn begin_snapshot(pool: &PgPool, consultant: Uuid) -> Result<Self, sqlx::Error> {
        let mut tx = pool.begin().await?;
        // Must come before the first query of the transaction (`enter`'s select).
        // (Unchecked: a SET has neither parameters nor columns for the macro to check.)
        sqlx::query("set transaction isolation level repeatable read, read only")
            .execute(&mut *tx)
            .await?;
        Self::enter(tx, consultant).await
    }

    async fn enter(mut tx: Tx, consultant: Uuid) -> Result<Self, sqlx::Error> {
        sqlx::query!(
            r#"select auth.enter($2) as "active",
                      set_config('role', 'consultor_app', true) as "role",
                      set_config('app.consultant_id', $1, true) as "consultant_id",
                      set_config('plan_cache_mode', 'force_custom_plan', true) as "plan_cache_mode""#,
            consultant.to_string(),
            consultant
        )
        .fetch_one(&mut *tx)
        .await?;
        Ok(Self { consultant, tx })
    }

    /// The consultant whose rows this transaction sees (what `auth.uid()` returns in it).
    pub fn consultant(&self) -> Uuid {
        self.consultant
    }

    /// The connection and the consultant, for a repository's queries (which also name the
    /// consultant, so the planner starts from the indexes that begin with `consultant_id`).
    pub fn split(&mut self) -> (&mut PgConnection, Uuid) {
        (&mut self.tx, self.consultant)
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::fmt::Debug for TenantTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantTx")
            .field("consultant", &self.consultant)
            .finish()
    }
}

impl Deref for TenantTx {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.tx
    }
}

impl DerefMut for TenantTx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
}

/// A transaction on the privileged path (or a savepoint inside one: [`SystemTx::savepoint`]).
/// Callers scope their own queries.
pub struct SystemTx<'c>(Transaction<'c, Postgres>);

impl SystemTx<'static> {
    pub async fn begin(pool: &PgPool) -> Result<Self, sqlx::Error> {
        Ok(Self(pool.begin().await?))
    }
}

impl<'c> SystemTx<'c> {
    /// A savepoint: work that can be undone alone, still on the system path.
    pub async fn savepoint(&mut self) -> Result<SystemTx<'_>, sqlx::Error> {
        Ok(SystemTx(sqlx::Connection::begin(&mut *self.0).await?))
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.0.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.0.rollback().await
    }
}

impl Deref for SystemTx<'_> {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.0
    }
}

impl DerefMut for SystemTx<'_> {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.0
    }
}

/// As [`TenantTx::begin`] (kept as the short name most handlers use).
pub async fn tenant_tx(pool: &PgPool, consultant: Uuid) -> Result<TenantTx, sqlx::Error> {
    TenantTx::begin(pool, consultant).await
}

/// As [`SystemTx::begin`].
pub async fn system_tx(pool: &PgPool) -> Result<SystemTx<'static>, sqlx::Error> {
    SystemTx::begin(pool).await
}

/// Whether `err` is `auth.enter` refusing an account that is not active.
pub fn is_inactive_account(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|e| e.code().as_deref() == Some("42501") && e.message() == "conta desativada")
}
