//! Webhook throughput, measured on this machine against a real PostgreSQL:
//!
//! 1. baseline: the rate PostgreSQL reaches for the same `webhook_events` inserts the intake
//!    does, at the same concurrency, straight from a pool (no HTTP, no signature);
//! 2. ack latency (p50/p99) and ack rate of signed `POST /webhooks/whatsapp` requests;
//! 3. end to end: events per second from the first POST until every event is processed
//!    (lead, conversation, inbound message, engine, replies queued and sent by the sandbox).
//!
//! Each rate is printed beside the baseline as a ratio. Run with `make bench`
//! (`BENCH_EVENTS`, `BENCH_CONCURRENCY` override the sizes).

#[path = "scratch_db.rs"]
mod scratch_db;

use consultor::config::{Config, Secret};
use consultor::startup::Application;
use consultor::webhooks::signature;

use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

const SECRET: &str = "segredo-do-benchmark";

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Leads are spread over this many consultants, all on the agency plan, so that every event
/// runs the flow (a free plan would send most of them down the short over-limit path).
const CONSULTANTS: usize = 4;

fn consultant_number(k: usize) -> String {
    format!("55119123456{k:02}")
}

fn payload(i: usize) -> String {
    let lead = format!("55219{:08}", i);
    let to = consultant_number(i % CONSULTANTS);
    serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": to, "phone_number_id": "1065"},
            "contacts": [{"profile": {"name": "Lead"}, "wa_id": lead}],
            "messages": [{"from": lead, "id": format!("wamid.bench.{i}"), "timestamp": "1700000000",
                          "type": "text", "text": {"body": "Oi"}}]
        }}]}]
    })
    .to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

#[tokio::main]
async fn main() {
    let admin = std::env::var("BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("TEST_DATABASE_URL"))
        .expect("set BENCH_DATABASE_URL (make bench does)");
    let events = env_num("BENCH_EVENTS", 2000);
    let concurrency = env_num("BENCH_CONCURRENCY", 16);
    std::env::set_var("LEPTOS_OUTPUT_NAME", "consultor");
    let (pool, db_name) = scratch_db::create(&admin, "webhooks", 20).await;
    for k in 0..CONSULTANTS {
        sqlx::query(
            "insert into consultants
                 (email, password_hash, name, whatsapp_number, vertical, slug, subscription_tier)
             values ($1, 'x', 'Bench', $2, 'health_plans', $3, 'agency')",
        )
        .bind(format!("bench{k}@x.com"))
        .bind(format!("+{}", consultant_number(k)))
        .bind(format!("bench-{k}"))
        .execute(&pool)
        .await
        .expect("consultant");
    }
    let bodies: Vec<String> = (0..events).map(payload).collect();

    // 1. Baseline: the intake's insert, straight into PostgreSQL.
    let values: Vec<serde_json::Value> = bodies
        .iter()
        .map(|b| serde_json::from_str(b).unwrap())
        .collect();
    let sem = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, v) in values.into_iter().enumerate() {
        let (pool, sem) = (pool.clone(), sem.clone());
        let sig = signature::sign(SECRET.as_bytes(), bodies[i].as_bytes());
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await.unwrap();
            sqlx::query("insert into webhook_events (event_type, payload, signature, processed) values ('message', $1, $2, true)")
                .bind(v)
                .bind(sig)
                .execute(&pool)
                .await
                .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let baseline_secs = started.elapsed().as_secs_f64();
    let baseline_rate = events as f64 / baseline_secs;
    sqlx::query("truncate webhook_events")
        .execute(&pool)
        .await
        .unwrap();

    // 2 and 3. The real server: acks, then processing.
    let mut config = Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some("postgres://unused".into()),
        "BIND_ADDR" => Some("127.0.0.1:0".into()),
        "METRICS_REFRESH_SECS" => Some("0".into()),
        _ => None,
    })
    .unwrap();
    config.whatsapp_app_secret = Some(Secret::new(SECRET));
    config.webhook_workers = env_num("BENCH_WORKERS", config.webhook_workers);
    config.webhook_max_body_bytes = 1 << 20;
    let app = Application::build_with_pool(config, pool.clone())
        .await
        .unwrap();
    let url = format!("http://127.0.0.1:{}/webhooks/whatsapp", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();

    let started = Instant::now();
    let mut tasks = Vec::new();
    for body in bodies {
        let (client, url, sem) = (client.clone(), url.clone(), sem.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await.unwrap();
            let sig = signature::sign(SECRET.as_bytes(), body.as_bytes());
            let t = Instant::now();
            let res = client
                .post(&url)
                .header("content-type", "application/json")
                .header("x-hub-signature-256", sig)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            t.elapsed()
        }));
    }
    let mut latencies = Vec::with_capacity(events);
    for t in tasks {
        latencies.push(t.await.unwrap());
    }
    let ack_secs = started.elapsed().as_secs_f64();
    latencies.sort();

    loop {
        let left: i64 = sqlx::query_scalar(
            "select (select count(*) from webhook_events where not processed)
                  + (select count(*) from messages where status = 'pending')",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let e2e_secs = started.elapsed().as_secs_f64();
    // A new lead's first reply may be more than one message (the privacy notice, then the
    // flow's first question): counted per lead.
    let (leads, replies, over_limit): (i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from leads),
                (select count(distinct c.lead_id) from messages m
                   join conversations c on c.id = m.conversation_id
                  where m.direction = 'outbound' and m.status = 'sent'),
                (select count(*) from leads where metadata ? 'over_limit')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(leads as usize, events, "every event made its lead");
    assert_eq!(
        replies as usize, events,
        "every lead got its first question"
    );
    if events <= CONSULTANTS * 1000 {
        assert_eq!(over_limit, 0, "every lead ran the flow (agency plan)");
    }

    let ack_rate = events as f64 / ack_secs;
    let e2e_rate = events as f64 / e2e_secs;
    println!(
        "webhook benchmark: {events} events, concurrency {concurrency}, {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!("  baseline  PostgreSQL insert of the same rows: {baseline_rate:>8.0} rows/s");
    println!(
        "  ack       p50 {:.2} ms, p99 {:.2} ms, {ack_rate:>8.0} acks/s  ({:.2}x baseline)",
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        ack_rate / baseline_rate
    );
    println!(
        "  end to end (ack + process + reply sent): {e2e_rate:>8.0} events/s  ({:.2}x baseline)",
        e2e_rate / baseline_rate
    );
    pool.close().await;
    scratch_db::drop(&admin, &db_name).await;
}
