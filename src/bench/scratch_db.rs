//! A throwaway, migrated database for a benchmark run (named after the benchmark and the
//! process), dropped at the end. Shared by the benchmarks that build their data from empty.

use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, Executor, PgConnection, PgPool};

/// Creates (afresh) `consultor_bench_<kind>_<pid>` beside `admin_url`'s database, migrated;
/// returns a pool of `connections` and its name.
pub async fn create(admin_url: &str, kind: &str, connections: u32) -> (PgPool, String) {
    let name = format!("consultor_bench_{kind}_{}", std::process::id());
    let mut admin = PgConnection::connect(admin_url).await.expect("connect");
    admin
        .execute(format!("drop database if exists \"{name}\" with (force)").as_str())
        .await
        .expect("drop");
    admin
        .execute(format!("create database \"{name}\"").as_str())
        .await
        .expect("create");
    let url = format!("{}/{name}", admin_url.rsplit_once('/').expect("url").0);
    let pool = PgPoolOptions::new()
        .max_connections(connections)
        .connect(&url)
        .await
        .expect("connect bench db");
    consultor::startup::migrate(&pool).await.expect("migrate");
    (pool, name)
}

/// Drops it (after its pool is closed).
pub async fn drop(admin_url: &str, name: &str) {
    let mut admin = PgConnection::connect(admin_url).await.expect("connect");
    admin
        .execute(format!("drop database if exists \"{name}\" with (force)").as_str())
        .await
        .expect("drop");
}
