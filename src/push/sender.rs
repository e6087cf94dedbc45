//! The push job: sends the queued notifications (`push_messages`) to the push services of
//! the consultants' browsers, and queues the "agendamento em 1 hora" ones.
//!
//! Rows are claimed in a short transaction (attempts counted, the next attempt pushed a lease
//! ahead, so a crash retries and two instances never send one row twice at once); each push
//! service is called with no transaction open. A 404 or 410 means the browser dropped the
//! subscription: it is deleted, with what was queued for it. 429 and 5xx are retried with a
//! growing delay, up to `MAX_ATTEMPTS`.

use super::crypto::{encrypt, SubscriptionKeys, Vapid};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

pub const MAX_ATTEMPTS: i32 = 5;
const BATCH: i64 = 50;
const LEASE_SECS: f64 = 120.0;
/// How long a push service keeps a notification for a phone that is off.
const TTL_SECS: u32 = 4 * 60 * 60;

/// The application server's identity with the push services, and how it reaches them.
#[derive(Clone)]
pub struct WebPush {
    pub vapid: std::sync::Arc<Vapid>,
    /// `mailto:` or `https:` contact the push services may use.
    pub subject: String,
    pub client: reqwest::Client,
}

impl WebPush {
    pub fn new(keys: &crate::config::WebPushKeys) -> Self {
        Self {
            vapid: keys.vapid.clone(),
            subject: keys.subject.clone(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(15))
                .build()
                .expect("http client"),
        }
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    /// Subscriptions the push service said are gone (deleted).
    pub gone: usize,
}

struct Claimed {
    id: i64,
    subscription_id: Uuid,
    title: String,
    body: String,
    url: String,
    dedupe_key: String,
    attempts: i32,
    endpoint: String,
    p256dh: String,
    auth: String,
}

/// One pass at `now`: the appointment notices that are due are queued, then everything due
/// is sent.
pub async fn run(pool: &PgPool, push: &WebPush, now: DateTime<Utc>) -> Result<Pass, sqlx::Error> {
    queue_appointments(pool, now).await?;
    let mut pass = Pass::default();
    loop {
        let claimed = claim(pool, now).await?;
        for row in &claimed {
            match deliver(push, row).await {
                Outcome::Sent => {
                    sqlx::query!(
                        "update push_messages set status = 'enviada', sent_at = now(), last_error = null
                          where id = $1",
                        row.id
                    )
                    .execute(pool)
                    .await?;
                    sqlx::query!(
                        "update push_subscriptions set last_sent_at = now() where id = $1",
                        row.subscription_id
                    )
                    .execute(pool)
                    .await?;
                    pass.sent += 1;
                }
                Outcome::Gone => {
                    sqlx::query!(
                        "delete from push_subscriptions where id = $1",
                        row.subscription_id
                    )
                    .execute(pool)
                    .await?;
                    pass.gone += 1;
                }
                Outcome::Retry(why) if row.attempts < MAX_ATTEMPTS => {
                    // 30 s, 1 min, 2 min, 4 min…
                    let delay = crate::jobs::doubling_delay_secs(30.0, row.attempts);
                    sqlx::query!(
                        "update push_messages
                            set next_attempt_at = $2::timestamptz + make_interval(secs => $3),
                                last_error = $4
                          where id = $1",
                        row.id,
                        now as _,
                        delay,
                        why
                    )
                    .execute(pool)
                    .await?;
                    pass.retried += 1;
                }
                Outcome::Retry(why) | Outcome::Failed(why) => {
                    sqlx::query!(
                        "update push_messages set status = 'falhou', last_error = $2 where id = $1",
                        row.id,
                        why
                    )
                    .execute(pool)
                    .await?;
                    pass.failed += 1;
                }
            }
        }
        if (claimed.len() as i64) < BATCH {
            // What was sent long ago is of no use any more.
            sqlx::query!(
                "delete from push_messages where status <> 'pendente'
                  and created_at < $1::timestamptz - interval '30 days'",
                now as _
            )
            .execute(pool)
            .await?;
            return Ok(pass);
        }
    }
}

async fn claim(pool: &PgPool, now: DateTime<Utc>) -> Result<Vec<Claimed>, sqlx::Error> {
    sqlx::query_as!(
        Claimed,
        r#"update push_messages m
              set attempts = m.attempts + 1,
                  next_attempt_at = $1::timestamptz + make_interval(secs => $3)
             from (select id from push_messages
                    where status = 'pendente' and next_attempt_at <= $1
                    order by next_attempt_at limit $2 for update skip locked) due,
                  push_subscriptions s
            where m.id = due.id and s.id = m.subscription_id
        returning m.id, m.subscription_id, m.title, m.body, m.url, m.dedupe_key, m.attempts,
                  s.endpoint, s.p256dh, s.auth"#,
        now as _,
        BATCH,
        LEASE_SECS
    )
    .fetch_all(pool)
    .await
}

enum Outcome {
    Sent,
    Gone,
    Retry(String),
    Failed(String),
}

async fn deliver(push: &WebPush, row: &Claimed) -> Outcome {
    // What the service worker shows (`public/sw.js`).
    let payload = serde_json::json!({
        "title": row.title,
        "body": row.body,
        "url": row.url,
        "tag": row.dedupe_key,
    });
    let keys = SubscriptionKeys {
        p256dh: row.p256dh.clone(),
        auth: row.auth.clone(),
    };
    let body = match encrypt(&keys, payload.to_string().as_bytes()) {
        Ok(body) => body,
        Err(e) => return Outcome::Failed(format!("cifrar: {e}")),
    };
    let authorization =
        match push
            .vapid
            .authorization(&row.endpoint, &push.subject, Utc::now().timestamp())
        {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(format!("vapid: {e}")),
        };
    let res = push
        .client
        .post(&row.endpoint)
        .header("TTL", TTL_SECS.to_string())
        .header("Urgency", "high")
        .header("Content-Encoding", "aes128gcm")
        .header("Content-Type", "application/octet-stream")
        .header("Authorization", authorization)
        .body(body)
        .send()
        .await;
    match res {
        Err(e) => Outcome::Retry(format!("rede: {e}")),
        Ok(r) => match r.status().as_u16() {
            200..=299 => Outcome::Sent,
            404 | 410 => Outcome::Gone,
            429 | 500..=599 => Outcome::Retry(format!("HTTP {}", r.status().as_u16())),
            other => Outcome::Failed(format!("HTTP {other}")),
        },
    }
}

/// "Agendamento em 1 hora": for each active appointment starting within the hour, once per
/// device (a rescheduled one notifies again: its time is in the key).
async fn queue_appointments(pool: &PgPool, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let added = sqlx::query!(
        r#"insert into push_messages (consultant_id, subscription_id, kind, dedupe_key, title, body, url,
                                      next_attempt_at)
           select a.consultant_id, s.id, 'agendamento',
                  'agendamento:' || a.id || ':' || extract(epoch from a.starts_at)::bigint,
                  left('Agendamento em 1 hora: ' || coalesce(l.name, l.profile_name, 'lead'), 200),
                  left('Às ' || to_char(a.starts_at at time zone 'America/Sao_Paulo', 'HH24:MI')
                       || coalesce(' · ' || a.place, '') || coalesce(' · ' || a.video_url, ''), 500),
                  '/leads/' || a.lead_id,
                  -- Due in this very pass.
                  $1
             from appointments a
             join leads l on l.id = a.lead_id
             join consultants c on c.id = a.consultant_id and c.push_appointment
             join push_subscriptions s on s.consultant_id = a.consultant_id
            where a.status = 'marcado'
              and a.starts_at > $1 and a.starts_at <= $1::timestamptz + interval '1 hour'
           on conflict (subscription_id, dedupe_key) do nothing"#,
        now as _
    )
    .execute(pool)
    .await?;
    Ok(added.rows_affected())
}

/// Every 10 seconds: a hot lead is worth most in its first minutes.
pub fn spawn(jobs: &mut crate::jobs::supervisor::Supervisor, pool: PgPool, push: WebPush) {
    let mut stop = jobs.signal();
    jobs.spawn("push", async move {
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.stopped() => break,
            }
            match run(&pool, &push, Utc::now()).await {
                Ok(p) if p == Pass::default() => {}
                Ok(p) => tracing::info!(
                    sent = p.sent,
                    retried = p.retried,
                    failed = p.failed,
                    gone = p.gone,
                    "push pass"
                ),
                Err(e) => tracing::warn!(error = %e, "push pass failed"),
            }
        }
    });
}
