//! The server's own backups: every minute it asks whether today's copy (São Paulo's day,
//! from `BACKUP_HOUR`) is made; if not, one instance (an advisory lock) makes it, encrypted,
//! into the store: `daily/DAY.dump.age`, and on Sundays `weekly/DAY.dump.age` too. Dailies
//! older than `BACKUP_DAILY_KEEP_DAYS` and weeklies older than `BACKUP_WEEKLY_KEEP_WEEKS`
//! are deleted after each new copy. Each copy is recorded in `backups` with the row count
//! of every table, counted in the copy's own snapshot (for the restore drill).

use super::keys::Recipients;
use super::store::BackupStore;
use super::BackupError;
use crate::secret::Secret;
use chrono::{Datelike, Duration as Days, NaiveDate};
use sqlx::{Connection, PgPool};
use std::collections::BTreeMap;
use std::time::Duration;

/// The advisory lock of backups ("bkup" in ASCII): one instance makes a copy at a time.
const LOCK: i64 = 0x626b_7570;

/// What the schedule needs.
#[derive(Clone, Debug)]
pub struct BackupPlan {
    pub database_url: Secret,
    pub recipients: Recipients,
    pub store: BackupStore,
    /// São Paulo's hour from which the day's copy is made.
    pub hour: u32,
    pub daily_keep_days: u32,
    /// 0: weeklies are kept for ever.
    pub weekly_keep_weeks: u32,
    /// The database archives its WAL into the store: a base backup with each daily copy.
    pub base_backups: bool,
}

/// A copy made.
#[derive(Debug)]
pub struct Made {
    pub keys: Vec<String>,
    pub bytes: u64,
    pub tables: usize,
    pub took: Duration,
}

pub fn spawn(jobs: &mut crate::jobs::supervisor::Supervisor, pool: PgPool, plan: BackupPlan) {
    let mut stop = jobs.signal();
    jobs.spawn("backups", async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.stopped() => break,
            }
            match run_due(&pool, &plan).await {
                Ok(None) => {}
                Ok(Some(made)) => tracing::info!(
                    keys = ?made.keys, bytes = made.bytes, ms = made.took.as_millis() as u64,
                    "backup made"
                ),
                Err(e) => tracing::warn!(error = %e, "backup failed"),
            }
        }
    });
}

/// São Paulo's day and hour, as the schedule reads them.
#[derive(Clone, Copy, Debug)]
pub struct Moment {
    pub day: NaiveDate,
    pub hour: u32,
}

/// Makes today's copy if it is due and not made yet (by this instance or another).
pub async fn run_due(pool: &PgPool, plan: &BackupPlan) -> Result<Option<Made>, BackupError> {
    let now = sqlx::query!(
        r#"select (now() at time zone 'America/Sao_Paulo')::date as "day!: NaiveDate",
                  extract(hour from now() at time zone 'America/Sao_Paulo')::int4 as "hour!""#
    )
    .fetch_one(pool)
    .await?;
    let now = Moment {
        day: now.day,
        hour: now.hour as u32,
    };
    run_due_at(pool, plan, now).await
}

/// As [`run_due`], at `now` (the tests' Sunday).
pub async fn run_due_at(
    pool: &PgPool,
    plan: &BackupPlan,
    now: Moment,
) -> Result<Option<Made>, BackupError> {
    if now.hour < plan.hour || made_on(pool, "daily", now.day).await? {
        return Ok(None);
    }
    // A session lock, on a connection of its own (it outlives any transaction; through a
    // transaction-pooling PgBouncer it would not hold: see the README).
    let mut lock = pool.acquire().await?.detach();
    let locked: bool = sqlx::query_scalar!(r#"select pg_try_advisory_lock($1) as "l!""#, LOCK)
        .fetch_one(&mut lock)
        .await?;
    if !locked {
        lock.close().await.ok();
        return Ok(None);
    }
    let result: Result<Option<Made>, BackupError> = async {
        // Another instance may have made it while this one waited for the lock.
        if made_on(pool, "daily", now.day).await? {
            return Ok(None);
        }
        let mut kinds = vec![("daily", format!("daily/{}.dump.age", now.day))];
        if now.day.weekday() == chrono::Weekday::Sun {
            kinds.push(("weekly", format!("weekly/{}.dump.age", now.day)));
        }
        let mut made = make(pool, plan, now.day, &kinds).await?;
        prune(&plan.store, now.day, plan).await?;
        if plan.base_backups {
            let base =
                super::wal::base_backup(plan.database_url.expose(), &plan.recipients, &plan.store)
                    .await?;
            made.keys.push(base);
            super::wal::prune(&plan.store, chrono::Utc::now()).await?;
        }
        Ok(Some(made))
    }
    .await;
    lock.close().await.ok();
    if let Err(e) = &result {
        // Recorded, so the failure shows beside the copies (and the next minute tries again).
        sqlx::query!(
            "insert into backups (kind, object_key, day, finished_at, error)
             values ('daily', '', $1::text::date, now(), $2)",
            now.day.to_string(),
            e.to_string()
        )
        .execute(pool)
        .await
        .ok();
        metrics::counter!("consultor_backups_total", "outcome" => "failed").increment(1);
    }
    result
}

async fn made_on(pool: &PgPool, kind: &str, day: NaiveDate) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from backups
                          where kind = $1 and day = $2::text::date and error is null) as "made!""#,
        kind,
        day.to_string()
    )
    .fetch_one(pool)
    .await
}

/// One copy, uploaded under each of `kinds`' keys, and recorded.
pub async fn make(
    pool: &PgPool,
    plan: &BackupPlan,
    day: NaiveDate,
    kinds: &[(&str, String)],
) -> Result<Made, BackupError> {
    let started = std::time::Instant::now();
    let file = std::env::temp_dir().join(format!("consultor-backup-{}.age", uuid::Uuid::new_v4()));
    let dumped = dump(pool, plan, &file).await;
    let uploaded = match dumped {
        Ok((bytes, counts)) => {
            let mut keys = Vec::new();
            let mut failed = None;
            for (_, key) in kinds {
                // No transaction is open while the store is called.
                if let Err(e) = plan.store.upload(&file, key).await {
                    failed = Some(e);
                    break;
                }
                keys.push(key.clone());
            }
            match failed {
                Some(e) => Err(BackupError::from(e)),
                None => Ok((bytes, counts)),
            }
        }
        Err(e) => Err(e),
    };
    std::fs::remove_file(&file).ok();
    let (bytes, counts) = uploaded?;
    for (kind, key) in kinds {
        sqlx::query!(
            "insert into backups (kind, object_key, day, started_at, finished_at, bytes, row_counts)
             values ($1, $2, $3::text::date, now() - make_interval(secs => $4), now(), $5, $6)",
            kind,
            key,
            day.to_string(),
            started.elapsed().as_secs_f64(),
            bytes as i64,
            serde_json::to_value(&counts).unwrap_or_default()
        )
        .execute(pool)
        .await?;
    }
    metrics::counter!("consultor_backups_total", "outcome" => "made").increment(1);
    Ok(Made {
        keys: kinds.iter().map(|(_, k)| k.clone()).collect(),
        bytes,
        tables: counts.len(),
        took: started.elapsed(),
    })
}

/// The encrypted dump into `file`, and every table's row count in the same snapshot: a
/// read-only transaction exports its snapshot, counts, and stays open (only the database is
/// called meanwhile) until pg_dump, which takes that snapshot, has finished.
async fn dump(
    pool: &PgPool,
    plan: &BackupPlan,
    file: &std::path::Path,
) -> Result<(u64, BTreeMap<String, i64>), BackupError> {
    let mut tx = pool.begin().await?;
    sqlx::query("set transaction isolation level repeatable read, read only")
        .execute(&mut *tx)
        .await?;
    // Counting the big tables and the dump itself take longer than the server's usual limits.
    sqlx::query("set local statement_timeout = 0")
        .execute(&mut *tx)
        .await?;
    sqlx::query("set local idle_in_transaction_session_timeout = 0")
        .execute(&mut *tx)
        .await?;
    let snapshot: String = sqlx::query_scalar!(r#"select pg_export_snapshot() as "s!""#)
        .fetch_one(&mut *tx)
        .await?;
    let counts = row_counts(&mut tx).await?;
    let (url, recipients, path) = (
        plan.database_url.expose().to_string(),
        plan.recipients.clone(),
        file.to_path_buf(),
    );
    let bytes = tokio::task::spawn_blocking(move || {
        super::backup(&url, Some(&snapshot), &recipients, &path)
    })
    .await
    .map_err(|e| std::io::Error::other(e.to_string()))??;
    tx.commit().await?;
    Ok((bytes, counts))
}

/// Every table's row count, on `conn`.
pub async fn row_counts(
    conn: &mut sqlx::PgConnection,
) -> Result<BTreeMap<String, i64>, sqlx::Error> {
    let tables: Vec<String> = sqlx::query_scalar!(
        r#"select tablename::text as "t!" from pg_tables where schemaname = 'public' order by 1"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut counts = BTreeMap::new();
    for table in tables {
        // Names from the catalogue, quoted: never input.
        let n: i64 = sqlx::query_scalar(&format!(
            "select count(*) from public.\"{}\"",
            table.replace('"', "\"\"")
        ))
        .fetch_one(&mut *conn)
        .await?;
        counts.insert(table, n);
    }
    Ok(counts)
}

/// Deletes the dailies and weeklies past their keeping (by the day in their names).
async fn prune(
    store: &BackupStore,
    today: NaiveDate,
    plan: &BackupPlan,
) -> Result<(), BackupError> {
    let mut limits = vec![("daily", today - Days::days(plan.daily_keep_days.into()))];
    if plan.weekly_keep_weeks > 0 {
        limits.push(("weekly", today - Days::weeks(plan.weekly_keep_weeks.into())));
    }
    for (folder, oldest_kept) in limits {
        for (key, _) in store.list(folder).await? {
            let day = key
                .rsplit('/')
                .next()
                .and_then(|name| name.strip_suffix(".dump.age"))
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            if day.is_some_and(|d| d < oldest_kept) {
                store.delete(&key).await?;
                tracing::info!(key, "old backup deleted");
            }
        }
    }
    Ok(())
}
