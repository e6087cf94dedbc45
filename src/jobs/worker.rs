//! Webhook queue workers. Each claims one due event at a time with `FOR UPDATE SKIP LOCKED`
//! (so any number of workers, in any number of server processes, share the queue without
//! taking the same event), processes it inside a savepoint, and records the outcome on the
//! claimed row in the same transaction: an event is either fully processed and marked, or
//! untouched and retried. Events stored before a crash are simply still due after restart.

use super::process::{process_payload, ProcessError, Routing};
use super::sender::{send_pending, settle_abandoned, Transport};
use super::supervisor::Supervisor;
use super::Services;

use app::server::db::SystemTx;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use uuid::Uuid;

/// Attempts before an event is left failed for inspection (`consultor webhooks replay`).
pub const MAX_ATTEMPTS: i32 = 5;

#[derive(Clone)]
pub struct WorkerConfig {
    pub workers: usize,
    pub services: Services,
    /// How long an idle worker sleeps when nothing wakes it.
    pub idle_poll: Duration,
}

/// The webhook queue's workers, each taking one event at a time until shutdown.
pub fn spawn_workers(jobs: &mut Supervisor, pool: PgPool, wake: Arc<Notify>, config: WorkerConfig) {
    for n in 0..config.workers {
        let (pool, wake, config) = (pool.clone(), wake.clone(), config.clone());
        let mut stop = jobs.signal();
        jobs.spawn("webhook worker", async move {
            while !stop.is_stopping() {
                // Between events: idle until woken, polled, or stopped.
                let idle = match run_once(&pool, &config.services).await {
                    Ok(true) => continue,
                    Ok(false) => config.idle_poll,
                    Err(e) => {
                        tracing::error!(worker = n, error = %e, "webhook worker failed");
                        config.idle_poll
                    }
                };
                tokio::select! {
                    _ = tokio::time::timeout(idle, wake.notified()) => {}
                    _ = stop.stopped() => break,
                }
            }
        });
    }
}

/// Backoff before attempt `n + 1`: 5 s, 30 s, 2 min, 10 min.
fn backoff(attempts: i32) -> Duration {
    match attempts {
        ..=1 => Duration::from_secs(5),
        2 => Duration::from_secs(30),
        3 => Duration::from_secs(120),
        _ => Duration::from_secs(600),
    }
}

/// Processes one due event, if there is one, then writes and sends what it queued.
/// `Ok(true)` when an event was handled (there may be more).
pub async fn run_once(pool: &PgPool, services: &Services) -> Result<bool, sqlx::Error> {
    let mut tx = SystemTx::begin(pool).await?;
    // Ordered by next_attempt_at, the column of idx_webhook_events_due: no sort of the backlog.
    let claimed = sqlx::query!(
        r#"select id, payload, retry_count as "retry_count!" from webhook_events
            where processed = false and next_attempt_at <= now()
            order by next_attempt_at
            limit 1
            for update skip locked"#
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(event) = claimed else {
        tx.rollback().await?;
        return Ok(false);
    };
    let id = event.id;

    // Display numbers route only where no Meta credentials exist to connect a number.
    let routing = match services.transport {
        Transport::Sandbox => Routing::Sandbox,
        Transport::Graph(_) => Routing::Connected,
    };
    let mut savepoint = tx.savepoint().await?;
    let (handled, ai_answers, queued) = match process_payload(
        &mut savepoint,
        &event.payload,
        routing,
        services.public_url.as_deref(),
    )
    .await
    {
        Ok(outcome) => {
            savepoint.commit().await?;
            mark_processed(&mut tx, id, outcome.note(), &outcome.consultants).await?;
            ("processed", outcome.ai_answers, outcome.messages > 0)
        }
        Err(e @ ProcessError::Rejected(_)) => {
            savepoint.rollback().await?;
            tracing::warn!(event = %id, error = %e, "webhook event's message rejected");
            mark_processed(&mut tx, id, Some(e.to_string()), &[]).await?;
            ("rejected", 0, false)
        }
        Err(e) => {
            savepoint.rollback().await?;
            let attempts = event.retry_count + 1;
            let next = (attempts < MAX_ATTEMPTS).then(|| backoff(attempts).as_secs_f64());
            tracing::warn!(event = %id, attempts, error = %e, "webhook event failed");
            sqlx::query!(
                "update webhook_events
                    set retry_count = $2, processing_error = $3,
                        next_attempt_at = case when $4::float8 is null then null
                                               else now() + make_interval(secs => $4::float8) end
                  where id = $1",
                id,
                attempts,
                e.to_string(),
                next
            )
            .execute(&mut *tx)
            .await?;
            (if next.is_some() { "retry" } else { "given_up" }, 0, false)
        }
    };
    tx.commit().await?;
    metrics::counter!("consultor_webhook_events_total", "outcome" => handled).increment(1);
    // Answers left behind by a crash or an error are picked up by the pending sweep.
    if ai_answers > 0 {
        super::answers::write_pending(pool, &services.ai, &services.transport).await?;
    }
    // A statuses-only event queued nothing (what others queued, they send).
    if queued {
        send_pending(pool, &services.transport).await?;
        hear_voice_notes(pool, services).await?;
    }
    Ok(true)
}

/// Marks an event done, with the note it left (problems retrying cannot fix) and whose
/// messages it held.
async fn mark_processed(
    tx: &mut sqlx::PgConnection,
    id: Uuid,
    note: Option<String>,
    consultants: &[Uuid],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update webhook_events
            set processed = true, processed_at = now(), processing_error = $2,
                consultant_ids = $3
          where id = $1",
        id,
        note,
        consultants
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Downloads the files leads sent, transcribes the voice notes among them, takes the bot's
/// turns that waited for them, and draws the comparison images completed flows owe (then
/// writes and sends what all that queued).
async fn hear_voice_notes(pool: &PgPool, services: &Services) -> Result<(), sqlx::Error> {
    super::media::fetch_pending(pool, services).await?;
    super::voice::transcribe_pending(pool, services).await?;
    let taken = super::pending_turns::take_ready(pool, services).await?;
    if taken.ai_answers > 0 {
        super::answers::write_pending(pool, &services.ai, &services.transport).await?;
    }
    // A flow completed now (or just above) may owe its lead a comparison image.
    let drawn = super::comparisons::render_pending(pool).await?;
    if taken.turns > 0 || drawn > 0 {
        send_pending(pool, &services.transport).await?;
    }
    Ok(())
}

/// Writes the queued AI answers (outside any event's transaction), sends what is ready, and
/// downloads (and hears) the files leads sent.
async fn deliver(pool: &PgPool, services: &Services) -> Result<usize, sqlx::Error> {
    super::answers::write_pending(pool, &services.ai, &services.transport).await?;
    let sent = send_pending(pool, &services.transport).await?;
    hear_voice_notes(pool, services).await?;
    Ok(sent)
}

/// Sends whatever is pending each time the outbox is woken (a consultant's reply), so it
/// does not wait for the scheduler's tick. Wakes that arrive during a pass are kept by the
/// `Notify` and start the next pass.
pub fn spawn_outbox_sender(
    jobs: &mut Supervisor,
    pool: PgPool,
    outbox: app::server::outbox::Outbox,
    transport: Transport,
) {
    let mut stop = jobs.signal();
    jobs.spawn("outbox sender", async move {
        loop {
            tokio::select! {
                _ = outbox.woken() => {}
                _ = stop.stopped() => break,
            }
            // A template written on /modelos wakes the outbox too: it is submitted here.
            if let Err(e) = super::submit_templates(&pool, &transport).await {
                tracing::warn!(error = %e, "submitting templates failed");
            }
            if let Err(e) = send_pending(&pool, &transport).await {
                tracing::warn!(error = %e, "sending woken outbox failed");
            }
        }
    });
}

/// Every minute: the scheduled sends and follow-up rules that are due (see `scheduler`),
/// queued for the sender, which is woken when any was.
pub fn spawn_scheduler(jobs: &mut Supervisor, pool: PgPool, outbox: app::server::outbox::Outbox) {
    let mut stop = jobs.signal();
    jobs.spawn("scheduler", async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.stopped() => break,
            }
            match super::scheduler::run(&pool, chrono::Utc::now()).await {
                Ok(pass) if pass.queued > 0 => {
                    tracing::info!(
                        queued = pass.queued,
                        created = pass.created,
                        "scheduled messages queued"
                    );
                    outbox.wake();
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "scheduler pass failed"),
            }
        }
    });
}

/// Every minute: queues the reminders that are due (a lead silent on a question), for the
/// sender.
pub fn spawn_reminders(jobs: &mut Supervisor, pool: PgPool, reminder_delay: Duration) {
    let mut stop = jobs.signal();
    jobs.spawn("reminders", async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.stopped() => break,
            }
            match super::reminders::queue_due(&pool, reminder_delay).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "reminders queued"),
                Err(e) => tracing::warn!(error = %e, "reminder scheduling failed"),
            }
        }
    });
}

/// Every minute, the safety net: sends interrupted past their lease are settled, and the AI
/// answers and messages a crashed or failed pass left pending are written and sent.
pub fn spawn_pending_sweep(jobs: &mut Supervisor, pool: PgPool, services: Services) {
    let mut stop = jobs.signal();
    jobs.spawn("pending sweep", async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.stopped() => break,
            }
            if let Err(e) = settle_abandoned(&pool).await {
                tracing::warn!(error = %e, "settling interrupted sends failed");
            }
            if let Err(e) = super::submit_templates(&pool, &services.transport).await {
                tracing::warn!(error = %e, "submitting templates failed");
            }
            // Also picks up answers and messages a crashed or failed worker left pending.
            if let Err(e) = deliver(&pool, &services).await {
                tracing::warn!(error = %e, "delivering pending messages failed");
            }
        }
    });
}

/// Makes failed events (all, or the one given) due again and processes everything due.
/// Returns (events made due again, events processed).
pub async fn replay(
    pool: &PgPool,
    services: &Services,
    id: Option<Uuid>,
) -> Result<(u64, usize), sqlx::Error> {
    let reset = sqlx::query!(
        "update webhook_events
            set retry_count = 0, next_attempt_at = now(), processing_error = null
          where not processed and next_attempt_at is null and ($1::uuid is null or id = $1)",
        id
    )
    .execute(pool)
    .await?
    .rows_affected();
    let mut processed = 0;
    while run_once(pool, services).await? {
        processed += 1;
    }
    Ok((reset, processed))
}
