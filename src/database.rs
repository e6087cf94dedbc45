//! The doors to the database. Web requests' transactions use the web pool, which may go
//! through PgBouncer in transaction pooling (`DATABASE_POOLER_URL`); everything that needs a
//! session of its own (advisory locks held across statements, the session store's plain
//! statements, migrations, the jobs, backups) connects directly (`DATABASE_URL`).
//!
//! Through a transaction pooler every statement must run inside a transaction: sqlx
//! prepares a statement and runs it in two round trips, and between them PgBouncer (1.18
//! has no prepared-statement support) may hand the server connection to another client.
//! Inside a transaction the connection stays this client's; the statement cache is off on
//! the pooled connections, so no named statement is left behind on a server connection
//! another client may get next.

use crate::config::Config;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::Connection;
use std::str::FromStr;
use std::time::Duration;
use tower_sessions_sqlx_store::PostgresStore;

/// The web requests' pool, and the direct one (the same pool without a pooler).
#[derive(Clone)]
pub struct DbPools {
    pub web: PgPool,
    pub direct: PgPool,
}

pub async fn connect_pools(config: &Config) -> anyhow::Result<DbPools> {
    let Some(pooler) = &config.database_pooler_url else {
        let pool = connect(config).await?;
        return Ok(DbPools {
            web: pool.clone(),
            direct: pool,
        });
    };
    // PgBouncer passes no startup options on: the timeouts are the role's there (README).
    let web = PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(PgConnectOptions::from_str(pooler.expose())?.statement_cache_capacity(0))
        .await?;
    let direct = PgPoolOptions::new()
        .max_connections(config.database_direct_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(with_timeouts(PgConnectOptions::from_str(
            config.database_url.expose(),
        )?))
        .await?;
    Ok(DbPools { web, direct })
}

pub async fn connect(config: &Config) -> anyhow::Result<PgPool> {
    let options = with_timeouts(PgConnectOptions::from_str(config.database_url.expose())?);
    let pool = PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// Every connection the server opens: a statement that runs away, or a transaction left open
/// by a bug, is ended by PostgreSQL instead of holding a connection (and its locks) forever.
pub fn with_timeouts(options: PgConnectOptions) -> PgConnectOptions {
    options.options([
        ("statement_timeout", "30s"),
        ("idle_in_transaction_session_timeout", "60s"),
    ])
}

/// The background jobs' own pool (webhook workers, sender, minute jobs), on the same database
/// as `pool`: however busy they are, they cannot take the connections web requests need.
pub fn jobs_pool(pool: &PgPool, workers: usize) -> PgPool {
    PgPoolOptions::new()
        // A connection each for the workers, the outbox sender, the reminders, the pending
        // sweep and the dead claims' watcher (the liveness lock has a connection of its own,
        // outside the pool).
        .max_connections(workers as u32 + 4)
        .acquire_timeout(Duration::from_secs(30))
        .connect_lazy_with((*pool.connect_options()).clone())
}

/// Applies our migrations and the session store's table. On a connection of its own without
/// the statement timeout: building an index on a large table may take longer.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    let mut conn = pool.acquire().await?.detach();
    sqlx::query("set statement_timeout = 0")
        .execute(&mut conn)
        .await?;
    sqlx::migrate!("./migrations").run(&mut conn).await?;
    conn.close().await?;
    PostgresStore::new(pool.clone()).migrate().await?;
    Ok(())
}
