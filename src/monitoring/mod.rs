//! Monitoring (issue #21, design §13): `GET /metrics` in Prometheus' text format, for the
//! operator's Prometheus, behind a bearer token (`METRICS_TOKEN`; unset, the route does not
//! exist). The alert rules that read it are `alert_rules.yml` beside this file, with their
//! tests in `alert_rules_test.yml` (`promtool test rules`, run by the integration tests).
//!
//! Counters and histograms are kept in memory by the `metrics` recorder as things happen
//! (requests, webhook events, sends, AI and speech calls, query times); what the database
//! knows (queues, statistics, sizes) is read at each scrape (`database`).

pub mod database;
pub mod http;
pub mod queries;

use crate::config::Secret;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Histogram buckets of every `*_seconds` histogram, from a fast query to a slow AI answer.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The process's recorder: `metrics` has one per process, installed on first use (tests run
/// many applications in one process; they share it).
pub fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
                .expect("buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            // Another recorder already installed (a test's): ours still renders, empty.
            let _ = metrics::set_global_recorder(recorder);
            start_at_zero();
            handle
        })
        .clone()
}

/// Every counter an alert reads exists from the start at 0: "no failure yet" is a value,
/// not a missing series a rule cannot tell from a scrape that failed.
fn start_at_zero() {
    for outcome in ["processed", "rejected", "retry", "given_up"] {
        metrics::counter!("consultor_webhook_events_total", "outcome" => outcome).increment(0);
    }
    for outcome in ["sent", "failed", "unknown"] {
        metrics::counter!("consultor_sends_total", "outcome" => outcome).increment(0);
    }
    for call in ["ai", "transcription"] {
        metrics::counter!("consultor_external_calls_total", "service" => call, "outcome" => "ok")
            .increment(0);
        metrics::counter!("consultor_external_calls_total", "service" => call, "outcome" => "error")
            .increment(0);
    }
    metrics::counter!("consultor_metrics_collection_errors_total").increment(0);
    for outcome in ["made", "failed"] {
        metrics::counter!("consultor_backups_total", "outcome" => outcome).increment(0);
    }
    describe();
    metrics::gauge!("consultor_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
}

/// The `# HELP` lines of the scrape, for whoever reads it without this file.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(http::REQUESTS, "Requisições HTTP por rota, método e status");
    describe_histogram!(
        http::REQUEST_DURATION,
        Unit::Seconds,
        "Tempo até o cabeçalho da resposta, por rota"
    );
    describe_histogram!(
        queries::QUERY_DURATION,
        Unit::Seconds,
        "Tempo de cada comando SQL, pelo nome da consulta (verbo e tabela)"
    );
    describe_counter!("consultor_webhook_events_total", "Eventos do WhatsApp tratados: processed, rejected, retry (vai tentar de novo), given_up (desistiu)");
    describe_gauge!(
        "consultor_webhook_queue_depth",
        "Eventos do WhatsApp na fila, ainda por tratar"
    );
    describe_gauge!(
        "consultor_webhook_queue_oldest_seconds",
        "Idade do evento mais antigo na fila"
    );
    describe_gauge!(
        "consultor_webhook_events_given_up",
        "Eventos desistidos, à espera de `consultor webhooks replay`"
    );
    describe_counter!(
        "consultor_sends_total",
        "Envios ao WhatsApp: sent, failed, unknown (sem resposta)"
    );
    describe_gauge!(
        "consultor_sends_queued",
        "Mensagens para leads esperando envio"
    );
    describe_gauge!(
        "consultor_sends_oldest_queued_seconds",
        "Idade da mensagem mais antiga esperando envio"
    );
    describe_gauge!(
        "consultor_sends_unknown",
        "Mensagens de destino desconhecido, à espera da conferência do consultor"
    );
    describe_counter!(
        "consultor_external_calls_total",
        "Chamadas à IA e à transcrição, por resultado"
    );
    describe_histogram!(
        "consultor_external_call_duration_seconds",
        Unit::Seconds,
        "Tempo das chamadas à IA e à transcrição"
    );
    describe_gauge!(
        "consultor_db_pool_connections",
        "Conexões do pool, em uso e ociosas (pool web e jobs)"
    );
    describe_gauge!(
        "consultor_db_pool_max_connections",
        "Máximo de conexões do pool"
    );
    describe_counter!(
        "consultor_db_transactions_total",
        "Transações do banco (pg_stat_database): commit, rollback"
    );
    describe_counter!(
        "consultor_db_deadlocks_total",
        "Deadlocks detectados pelo PostgreSQL"
    );
    describe_gauge!("consultor_db_size_bytes", Unit::Bytes, "Tamanho do banco");
    describe_gauge!(
        "consultor_db_disk_total_bytes",
        Unit::Bytes,
        "Tamanho do disco do banco"
    );
    describe_gauge!(
        "consultor_db_disk_free_bytes",
        Unit::Bytes,
        "Espaço livre no disco do banco"
    );
    describe_gauge!(
        "consultor_db_table_live_rows",
        "Linhas vivas por tabela (estimativa do PostgreSQL)"
    );
    describe_gauge!(
        "consultor_db_table_dead_rows",
        "Linhas mortas por tabela, à espera do vacuum"
    );
    describe_gauge!(
        "consultor_db_table_size_bytes",
        Unit::Bytes,
        "Tamanho da tabela com índices"
    );
    describe_gauge!(
        "consultor_db_table_last_vacuum_timestamp_seconds",
        "Último vacuum (manual ou automático) da tabela; 0: nunca"
    );
    describe_counter!(
        "consultor_metrics_collection_errors_total",
        "Leituras do banco para o /metrics que falharam"
    );
}

/// Times a call to an outside service (`service`: "ai", "transcription") and counts its
/// outcome.
pub fn record_call(service: &'static str, started: std::time::Instant, ok: bool) {
    let outcome = if ok { "ok" } else { "error" };
    metrics::counter!("consultor_external_calls_total", "service" => service, "outcome" => outcome)
        .increment(1);
    metrics::histogram!("consultor_external_call_duration_seconds", "service" => service)
        .record(started.elapsed());
}

#[derive(Clone)]
pub struct MetricsState {
    handle: PrometheusHandle,
    token: Arc<Secret>,
    pools: database::Pools,
    sources: database::Sources,
}

/// The `/metrics` route, when a token is configured; with none, nothing is added.
pub fn routes<S: Clone + Send + Sync + 'static>(
    token: Option<Secret>,
    pools: database::Pools,
    sources: database::Sources,
) -> Router<S> {
    let Some(token) = token else {
        return Router::new();
    };
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(MetricsState {
            handle: recorder(),
            token: Arc::new(token),
            pools,
            sources,
        })
}

/// Drains the histograms' samples into their buckets now and then, so that memory does not
/// grow between scrapes (or without any).
pub fn spawn_upkeep(jobs: &mut crate::jobs::supervisor::Supervisor) {
    let handle = recorder();
    let mut stop = jobs.signal();
    jobs.spawn("metrics upkeep", async move {
        loop {
            tokio::select! {
                _ = stop.stopped() => return,
                _ = tokio::time::sleep(Duration::from_secs(5)) => handle.run_upkeep(),
            }
        }
    });
}

async fn scrape(State(state): State<MetricsState>, headers: HeaderMap) -> Response {
    let given = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(given.as_bytes(), state.token.expose().as_bytes()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(WWW_AUTHENTICATE, "Bearer")],
            "token de métricas ausente ou errado\n",
        )
            .into_response();
    }
    // A database that does not answer still lets the in-memory figures out: the scrape
    // itself tells the operator something is wrong (the counter, and the log).
    let collected = tokio::time::timeout(
        Duration::from_secs(5),
        database::collect(&state.pools, state.sources),
    )
    .await;
    if !matches!(collected, Ok(Ok(()))) {
        let why = match collected {
            Ok(Err(e)) => e.to_string(),
            _ => "timeout".to_string(),
        };
        tracing::warn!(error = %why, "reading the database's figures for /metrics failed");
        metrics::counter!("consultor_metrics_collection_errors_total").increment(1);
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.handle.render(),
    )
        .into_response()
}

/// Compares in time independent of where the two differ.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    // Hashing first makes the lengths equal, so the length leaks nothing either.
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"", b"abc"));
        assert!(!same_secret(b"abcd", b"abc"));
    }
}
