//! The conversions job: sends the queued events of leads that came from ads
//! (`conversion_events`, queued by `app::server::conversions::queue`) to Meta's Conversions
//! API for business messaging, `POST {graph}/{dataset}/events`.
//!
//! Claimed in a short transaction (the attempt counted, the next one a lease ahead); Meta is
//! called with no transaction open; 429, 5xx and network errors are retried with a growing
//! delay up to `MAX_ATTEMPTS`; a lead that opted out meanwhile has its event cancelled,
//! never sent.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::time::Duration;

pub const MAX_ATTEMPTS: i32 = 5;
const BATCH: i64 = 50;
const LEASE_SECS: f64 = 300.0;

/// Where the Graph API is (`WHATSAPP_GRAPH_URL`), and the client that reaches it.
#[derive(Clone)]
pub struct ConversionsApi {
    pub graph_url: String,
    pub client: reqwest::Client,
}

impl ConversionsApi {
    pub fn new(graph_url: &str) -> Self {
        Self {
            graph_url: graph_url.trim_end_matches('/').to_string(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
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
    pub cancelled: usize,
}

struct Claimed {
    id: i64,
    event_name: String,
    ctwa_clid: String,
    attempts: i32,
    created_at: DateTime<Utc>,
    opted_out: bool,
    value_cents: Option<i64>,
    waba_id: String,
    dataset_id: Option<String>,
    token: Option<String>,
}

pub async fn run(
    pool: &PgPool,
    api: &ConversionsApi,
    now: DateTime<Utc>,
) -> Result<Pass, sqlx::Error> {
    let mut pass = Pass::default();
    loop {
        let claimed = claim(pool, now).await?;
        for e in &claimed {
            let outcome = match (&e.dataset_id, &e.token) {
                _ if e.opted_out => Outcome::Cancel("o lead pediu para sair".into()),
                (Some(dataset), Some(token)) => send(api, e, dataset, token).await,
                _ => Outcome::Fail("sem conjunto de dados ou token da API de Conversões".into()),
            };
            match outcome {
                Outcome::Sent(payload) => {
                    sqlx::query!(
                        "update conversion_events
                            set status = 'enviado', sent_at = now(), last_error = null, sent_payload = $2
                          where id = $1",
                        e.id,
                        payload
                    )
                    .execute(pool)
                    .await?;
                    pass.sent += 1;
                }
                Outcome::Retry(why) if e.attempts < MAX_ATTEMPTS => {
                    let delay = super::doubling_delay_secs(60.0, e.attempts);
                    sqlx::query!(
                        "update conversion_events
                            set next_attempt_at = $2::timestamptz + make_interval(secs => $3),
                                last_error = $4
                          where id = $1",
                        e.id,
                        now as _,
                        delay,
                        why
                    )
                    .execute(pool)
                    .await?;
                    pass.retried += 1;
                }
                Outcome::Retry(why) | Outcome::Fail(why) => {
                    set_final(pool, e.id, "falhou", &why).await?;
                    pass.failed += 1;
                }
                Outcome::Cancel(why) => {
                    set_final(pool, e.id, "cancelado", &why).await?;
                    pass.cancelled += 1;
                }
            }
        }
        if (claimed.len() as i64) < BATCH {
            return Ok(pass);
        }
    }
}

async fn set_final(pool: &PgPool, id: i64, status: &str, why: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update conversion_events set status = $2, last_error = $3 where id = $1",
        id,
        status,
        why
    )
    .execute(pool)
    .await?;
    Ok(())
}

async fn claim(pool: &PgPool, now: DateTime<Utc>) -> Result<Vec<Claimed>, sqlx::Error> {
    sqlx::query_as!(
        Claimed,
        r#"update conversion_events e
              set attempts = e.attempts + 1,
                  next_attempt_at = $1::timestamptz + make_interval(secs => $3)
             from (select id from conversion_events
                    where status = 'pendente' and next_attempt_at <= $1
                    order by next_attempt_at limit $2 for update skip locked) due,
                  leads l, whatsapp_connections w
            where e.id = due.id and l.id = e.lead_id and w.consultant_id = e.consultant_id
        returning e.id, e.event_name, e.ctwa_clid, e.attempts,
                  e.created_at as "created_at: DateTime<Utc>",
                  l.opted_out_at is not null as "opted_out!",
                  l.deal_value_cents as value_cents,
                  w.waba_id::text as "waba_id!", w.capi_dataset_id::text as dataset_id,
                  w.capi_token as token"#,
        now as _,
        BATCH,
        LEASE_SECS
    )
    .fetch_all(pool)
    .await
}

enum Outcome {
    Sent(serde_json::Value),
    Retry(String),
    Fail(String),
    Cancel(String),
}

/// The event as Meta's Conversions API for business messaging takes it: the click id and
/// the WhatsApp Business account, when it happened, and for a purchase what it was worth.
pub fn payload(
    event_name: &str,
    event_time: DateTime<Utc>,
    waba_id: &str,
    ctwa_clid: &str,
    value_cents: Option<i64>,
) -> serde_json::Value {
    let mut event = serde_json::json!({
        "event_name": event_name,
        "event_time": event_time.timestamp(),
        "action_source": "business_messaging",
        "messaging_channel": "whatsapp",
        "user_data": {
            "whatsapp_business_account_id": waba_id,
            "ctwa_clid": ctwa_clid,
        },
    });
    if let (Some(cents), "Purchase") = (value_cents, event_name) {
        event["custom_data"] = serde_json::json!({
            "currency": "BRL",
            "value": cents as f64 / 100.0,
        });
    }
    serde_json::json!({ "data": [event] })
}

async fn send(api: &ConversionsApi, e: &Claimed, dataset: &str, token: &str) -> Outcome {
    let body = payload(
        &e.event_name,
        e.created_at,
        &e.waba_id,
        &e.ctwa_clid,
        e.value_cents,
    );
    let res = api
        .client
        .post(format!("{}/{dataset}/events", api.graph_url))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await;
    match res {
        Err(err) => Outcome::Retry(format!("rede: {err}")),
        Ok(r) => {
            let status = r.status().as_u16();
            match status {
                200..=299 => Outcome::Sent(body),
                429 | 500..=599 => Outcome::Retry(format!("HTTP {status}")),
                _ => {
                    let detail = r
                        .json::<serde_json::Value>()
                        .await
                        .ok()
                        .and_then(|b| b["error"]["message"].as_str().map(str::to_string))
                        .unwrap_or_default();
                    Outcome::Fail(format!("HTTP {status} {detail}").trim().to_string())
                }
            }
        }
    }
}

/// Every 30 seconds.
pub fn spawn(jobs: &mut super::supervisor::Supervisor, pool: PgPool, api: ConversionsApi) {
    let mut stop = jobs.signal();
    jobs.spawn("conversions", async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.stopped() => break,
            }
            match run(&pool, &api, Utc::now()).await {
                Ok(p) if p == Pass::default() => {}
                Ok(p) => tracing::info!(
                    sent = p.sent,
                    retried = p.retried,
                    failed = p.failed,
                    cancelled = p.cancelled,
                    "conversions pass"
                ),
                Err(e) => tracing::warn!(error = %e, "conversions pass failed"),
            }
        }
    });
}
