//! Who holds a send claim, and what becomes of a dead holder's.
//!
//! Each claim names its holder: a process that holds a session-level advisory lock, on a
//! connection of its own, for as long as it lives ([`hold_liveness`]). PostgreSQL drops the
//! lock the moment the process dies, so [`release_dead_claims`], run every
//! [`DEAD_CLAIM_CHECK`] by the watcher (`dead_claims`), recognises a dead holder's claims in
//! seconds instead of at the lease. Of a released claim's messages, only those whose Graph
//! call may have started become `unknown`; the others go back to the queue. At shutdown a
//! process releases its own claims the same way ([`release_own_claims`]).

use sqlx::PgPool;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use uuid::Uuid;

/// How long a claim may last before its outcome is taken as unknown: far longer than one
/// pass of sends (each call times out after 15 s, see `startup`), so a live sender is never
/// overtaken.
pub const CLAIM_LEASE: Duration = Duration::from_secs(600);

/// How often claims are checked for a dead holder: a lead's conversation resumes this soon
/// after the process that was sending to it died.
pub const DEAD_CLAIM_CHECK: Duration = Duration::from_secs(2);

/// This process's key for its claims: a session-level advisory lock with this key is held
/// while the process lives (see [`hold_liveness`]). Positive, so PostgreSQL's two 32-bit
/// halves of it in `pg_locks` put it back together without a sign to carry.
pub fn holder_key() -> i64 {
    static KEY: OnceLock<i64> = OnceLock::new();
    *KEY.get_or_init(|| (Uuid::new_v4().as_u64_pair().0 >> 1) as i64)
}

/// Takes this process's advisory lock on a connection of its own, outside the pool (which
/// may close idle connections), and keeps it for as long as the process lives, taking it
/// again on a new connection if the database drops this one. Returns once the lock is held,
/// so no claim of this process is ever taken for a dead one's. Once per database and
/// process (every pass calls it; only the first does anything). Shared mode: applications
/// built in one process on one database (the tests build many) hold the same key at once.
pub async fn hold_liveness(pool: &PgPool) -> Result<(), sqlx::Error> {
    static HELD: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let options = (*pool.connect_options()).clone();
    let database = options.get_database().unwrap_or_default().to_owned();
    if HELD.lock().expect("liveness registry").contains(&database) {
        return Ok(());
    }
    let mut held = Some(hold_lock(&options).await?);
    {
        let mut registry = HELD.lock().expect("liveness registry");
        if registry.contains(&database) {
            // Another pass took it meanwhile: one keeper is enough.
            return Ok(());
        }
        registry.push(database);
    }
    tokio::spawn(async move {
        loop {
            if let Some(mut conn) = held.take() {
                // Checks the connection now and then: a closed one is noticed, and a new
                // lock taken, within seconds.
                while sqlx::query("select 1").execute(&mut conn).await.is_ok() {
                    tokio::time::sleep(DEAD_CLAIM_CHECK).await;
                }
                tracing::warn!("the sender's liveness connection was lost; taking it again");
            }
            tokio::time::sleep(DEAD_CLAIM_CHECK).await;
            match hold_lock(&options).await {
                Ok(conn) => held = Some(conn),
                Err(e) => tracing::warn!(error = %e, "could not take the sender's liveness lock"),
            }
        }
    });
    Ok(())
}

async fn hold_lock(
    options: &sqlx::postgres::PgConnectOptions,
) -> Result<sqlx::PgConnection, sqlx::Error> {
    use sqlx::ConnectOptions;
    let mut conn = options.connect().await?;
    sqlx::query("select pg_advisory_lock_shared($1)")
        .bind(holder_key())
        .execute(&mut conn)
        .await?;
    Ok(conn)
}

/// Releases the claims of senders that stopped mid-pass: those whose holder no longer holds
/// its lock (the process died), and any older than the lease (a holder stuck for good). Of
/// their messages, those whose call may have started become `unknown`, for the consultant to
/// check; the others are pending again. Returns how many claims were released (the caller
/// then sends what they held back).
pub async fn release_dead_claims(pool: &PgPool) -> Result<i64, sqlx::Error> {
    release_claims(pool, None).await
}

/// Releases this process's own claims, at shutdown, after its tasks have stopped (or been
/// aborted at the end of the grace period): the same outcome as a dead holder's.
pub async fn release_own_claims(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query!(
        "update messages set ai_claimed_at = null, ai_claimed_by = null
          where ai_claimed_by = $1 and ai_context is not null and status = 'pending'",
        holder_key()
    )
    .execute(pool)
    .await?;
    release_claims(pool, Some(holder_key())).await
}

/// Releases the claims of `holder`, or (`None`) of every dead holder and past the lease.
async fn release_claims(pool: &PgPool, holder: Option<i64>) -> Result<i64, sqlx::Error> {
    let lease = CLAIM_LEASE.as_secs_f64();
    let released = sqlx::query!(
        r#"with dead as (
               delete from send_claims x
                where case when $2::int8 is not null then x.holder = $2
                           else x.claimed_at < now() - make_interval(secs => $1)
                                or (x.holder is not null and not exists (
                                       select 1 from pg_locks l
                                        where l.locktype = 'advisory' and l.granted
                                          and l.objsubid = 1
                                          and ((l.classid::int8 << 32) | l.objid::int8) = x.holder))
                      end
               returning attempted
           ), unknown as (
               update messages m
                  set status = 'unknown',
                      error_message = 'o envio foi interrompido antes da resposta do WhatsApp; confira no WhatsApp se a mensagem chegou antes de reenviar'
                 from dead d
                where m.id = any(d.attempted) and m.status = 'pending'
               returning 1
           )
           select (select count(*) from dead) as "released!", (select count(*) from unknown) as "unknown!""#,
        lease,
        holder
    )
    .fetch_one(pool)
    .await?;
    metrics::counter!("consultor_sends_total", "outcome" => "unknown")
        .increment(released.unknown as u64);
    if released.released > 0 {
        tracing::warn!(
            claims = released.released,
            unknown = released.unknown,
            "sends interrupted: claims released, attempted messages marked for review"
        );
    }
    Ok(released.released)
}
