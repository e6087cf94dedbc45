//! The restore drill (`consultor backup drill`): the latest copy recorded in `backups` is
//! fetched from the store, decrypted with the operator's key, restored into a scratch
//! database on the same server, and every table's row count compared with the counts taken
//! in the copy's snapshot. The scratch database is dropped however the drill ends.

use super::store::BackupStore;
use super::BackupError;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct DrillReport {
    pub key: String,
    pub tables: usize,
    pub rows: i64,
    /// (table, counted at the copy, found restored)
    pub mismatches: Vec<(String, i64, Option<i64>)>,
    pub download: Duration,
    pub restore: Duration,
}

impl DrillReport {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty() && self.tables > 0
    }
}

pub async fn drill(
    pool: &PgPool,
    database_url: &str,
    store: &BackupStore,
    identities: &super::keys::Identities,
) -> Result<DrillReport, BackupError> {
    let latest = sqlx::query!(
        r#"select object_key, row_counts as "row_counts!" from backups
            where error is null and row_counts is not null
            order by finished_at desc limit 1"#
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| std::io::Error::other("nenhuma cópia registrada em backups"))?;
    let expected: BTreeMap<String, i64> =
        serde_json::from_value(latest.row_counts).map_err(std::io::Error::other)?;

    let started = Instant::now();
    let file = std::env::temp_dir().join(format!("consultor-drill-{}.age", uuid::Uuid::new_v4()));
    let fetched = store.download(&latest.object_key, &file).await;
    let download = started.elapsed();
    if let Err(e) = fetched {
        std::fs::remove_file(&file).ok();
        return Err(e.into());
    }

    let scratch = format!(
        "consultor_drill_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    sqlx::query(&format!("create database {scratch}"))
        .execute(pool)
        .await?;
    let started = Instant::now();
    let result = restore_and_count(database_url, &scratch, &file, identities).await;
    let restore = started.elapsed();
    std::fs::remove_file(&file).ok();
    sqlx::query(&format!("drop database if exists {scratch} with (force)"))
        .execute(pool)
        .await?;
    let found = result?;

    let mismatches = expected
        .iter()
        .filter(|(table, n)| found.get(*table) != Some(n))
        .map(|(table, n)| (table.clone(), *n, found.get(table).copied()))
        .collect();
    Ok(DrillReport {
        key: latest.object_key,
        tables: expected.len(),
        rows: expected.values().sum(),
        mismatches,
        download,
        restore,
    })
}

async fn restore_and_count(
    database_url: &str,
    scratch: &str,
    file: &std::path::Path,
    identities: &super::keys::Identities,
) -> Result<BTreeMap<String, i64>, BackupError> {
    let mut url = reqwest::Url::parse(database_url)
        .map_err(|e| std::io::Error::other(format!("DATABASE_URL: {e}")))?;
    url.set_path(&format!("/{scratch}"));
    let scratch_pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(url.as_str())
        .await?;
    let restored = super::restore(&scratch_pool, url.as_str(), file, identities).await;
    let counts = match restored {
        Ok(()) => {
            let mut conn = scratch_pool.acquire().await?;
            super::scheduled::row_counts(&mut conn)
                .await
                .map_err(Into::into)
        }
        Err(e) => Err(e),
    };
    scratch_pool.close().await;
    counts
}
