//! What is read from the database at each scrape: PostgreSQL's own statistics (commits,
//! rollbacks, deadlocks, table bloat, last vacuum, size), the webhook queue and the send
//! queue, the connection pools, and the database's disk. Each query reads an index or a
//! statistics view, never a whole table: a scrape every 15 seconds costs nothing.

use sqlx::PgPool;
use std::path::Path;

/// Where the disk's size comes from.
#[derive(Debug, Clone, Copy)]
pub enum Disk {
    /// `DATABASE_DISK_BYTES`: the size of the database's volume, for a database on another
    /// machine (free space is that less the database's size).
    Configured(u64),
    /// The filesystem of the data directory, when PostgreSQL runs on this machine and the
    /// role may read where it is.
    Local,
}

/// The pools whose connections are counted.
#[derive(Clone)]
pub struct Pools {
    pub web: PgPool,
    pub jobs: Option<PgPool>,
    /// Where the figures are read: plain statements, so not through a transaction pooler.
    pub direct: PgPool,
}

/// What is read besides the pools: the disk, and whether this server makes backups (the
/// age of the last one is exported only then).
#[derive(Clone, Copy, Debug)]
pub struct Sources {
    pub disk: Disk,
    pub backups: bool,
}

pub async fn collect(pools: &Pools, sources: Sources) -> Result<(), sqlx::Error> {
    pool_gauges("web", &pools.web);
    if let Some(jobs) = &pools.jobs {
        pool_gauges("jobs", jobs);
    }
    let db = &pools.direct;

    let stats = sqlx::query!(
        r#"select xact_commit as "commits!", xact_rollback as "rollbacks!",
                  deadlocks as "deadlocks!", pg_database_size(current_database()) as "bytes!"
             from pg_stat_database where datname = current_database()"#
    )
    .fetch_one(db)
    .await?;
    metrics::counter!("consultor_db_transactions_total", "outcome" => "commit")
        .absolute(stats.commits as u64);
    metrics::counter!("consultor_db_transactions_total", "outcome" => "rollback")
        .absolute(stats.rollbacks as u64);
    metrics::counter!("consultor_db_deadlocks_total").absolute(stats.deadlocks as u64);
    metrics::gauge!("consultor_db_size_bytes").set(stats.bytes as f64);
    disk_gauges(db, sources.disk, stats.bytes as u64).await?;
    if sources.backups {
        // `idx_backups_finished`. Never made: 0, which the alert reads as long ago.
        let last = sqlx::query_scalar!(
            r#"select coalesce(extract(epoch from max(finished_at)), 0)::float8 as "last!"
                 from backups where error is null"#
        )
        .fetch_one(db)
        .await?;
        metrics::gauge!("consultor_backup_last_success_timestamp_seconds").set(last);
    }

    // The queue: the unprocessed rows (`idx_webhook_events_processed`: processed ones are
    // most of the table), due or given up and left for inspection.
    let queue = sqlx::query!(
        r#"select count(*) filter (where next_attempt_at is not null) as "queued!",
                  coalesce(extract(epoch from now() - min(received_at)
                      filter (where next_attempt_at is not null)), 0)::float8 as "oldest!",
                  count(*) filter (where next_attempt_at is null) as "given_up!"
             from webhook_events where processed = false"#
    )
    .fetch_one(db)
    .await?;
    metrics::gauge!("consultor_webhook_queue_depth").set(queue.queued as f64);
    metrics::gauge!("consultor_webhook_queue_oldest_seconds").set(queue.oldest);
    metrics::gauge!("consultor_webhook_events_given_up").set(queue.given_up as f64);

    // Messages waiting to go out (`idx_messages_pending`), and those whose fate is unknown,
    // waiting for the consultant to check them (`idx_messages_unknown`).
    let sends = sqlx::query!(
        r#"select (select count(*) from messages
                    where status = 'pending' and direction = 'outbound') as "queued!",
                  coalesce((select extract(epoch from now() - min(created_at)) from messages
                    where status = 'pending' and direction = 'outbound'), 0)::float8 as "oldest!",
                  (select count(*) from messages where status = 'unknown') as "unknown!""#
    )
    .fetch_one(db)
    .await?;
    metrics::gauge!("consultor_sends_queued").set(sends.queued as f64);
    metrics::gauge!("consultor_sends_oldest_queued_seconds").set(sends.oldest);
    metrics::gauge!("consultor_sends_unknown").set(sends.unknown as f64);

    let tables = sqlx::query!(
        r#"select relname as "table!", n_live_tup as "live!", n_dead_tup as "dead!",
                  extract(epoch from greatest(last_vacuum, last_autovacuum))::float8 as "vacuumed?",
                  pg_total_relation_size(relid) as "bytes!"
             from pg_stat_user_tables where schemaname = 'public'"#
    )
    .fetch_all(db)
    .await?;
    for t in tables {
        let table = t.table;
        metrics::gauge!("consultor_db_table_live_rows", "table" => table.clone())
            .set(t.live as f64);
        metrics::gauge!("consultor_db_table_dead_rows", "table" => table.clone())
            .set(t.dead as f64);
        metrics::gauge!("consultor_db_table_size_bytes", "table" => table.clone())
            .set(t.bytes as f64);
        // Never vacuumed: 0, which the rule reads as "long ago" only for a table with dead
        // rows enough to matter.
        metrics::gauge!("consultor_db_table_last_vacuum_timestamp_seconds", "table" => table)
            .set(t.vacuumed.unwrap_or(0.0));
    }
    Ok(())
}

fn pool_gauges(name: &'static str, pool: &PgPool) {
    let open = pool.size() as f64;
    let idle = pool.num_idle() as f64;
    metrics::gauge!("consultor_db_pool_connections", "pool" => name, "state" => "in_use")
        .set(open - idle);
    metrics::gauge!("consultor_db_pool_connections", "pool" => name, "state" => "idle").set(idle);
    metrics::gauge!("consultor_db_pool_max_connections", "pool" => name)
        .set(pool.options().get_max_connections() as f64);
}

async fn disk_gauges(db: &PgPool, disk: Disk, database_bytes: u64) -> Result<(), sqlx::Error> {
    let (total, free) = match disk {
        Disk::Configured(total) => (total, total.saturating_sub(database_bytes)),
        Disk::Local => {
            // Only a server on this machine (a Unix socket or a loopback address) has its
            // data directory here; `data_directory` is readable by privileged roles only.
            let here = sqlx::query_scalar!(
                r#"select (inet_server_addr() is null or host(inet_server_addr()) in ('127.0.0.1', '::1'))
                          and pg_has_role('pg_read_all_settings', 'member') as "here!""#
            )
            .fetch_one(db)
            .await?;
            if !here {
                return Ok(());
            }
            let dir = sqlx::query_scalar!(r#"select current_setting('data_directory') as "dir!""#)
                .fetch_one(db)
                .await?;
            match filesystem(Path::new(&dir)) {
                Some(space) => space,
                None => return Ok(()),
            }
        }
    };
    metrics::gauge!("consultor_db_disk_total_bytes").set(total as f64);
    metrics::gauge!("consultor_db_disk_free_bytes").set(free as f64);
    Ok(())
}

/// (total, available) bytes of the filesystem holding `path`.
fn filesystem(path: &Path) -> Option<(u64, u64)> {
    let stat = nix::sys::statvfs::statvfs(path).ok()?;
    let block = stat.fragment_size() as u64;
    Some((
        stat.blocks() as u64 * block,
        stat.blocks_available() as u64 * block,
    ))
}
