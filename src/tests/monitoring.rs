//! Monitoring (issue #21): `/metrics` refuses without its token, exposes every metric the
//! shipped alert rules read, with values that move as requests, webhook events and sends
//! happen; slow statements are logged by name and duration only; and the rules themselves
//! pass `promtool check rules` and their tests on sample series.

use super::helpers::{fresh_db_with_url, insert_consultant, TestApp};
use super::support::wait_until;
use super::support::whatsapp::{lead, post_to, CONSULTANT_NUMBER, PHONE_NUMBER_ID, SECRET};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const TOKEN: &str = "token-de-metricas-bem-longo";
const LEAD_NUMBER: &str = "5521987650042";
const LEAD_TEXT: &str = "Mensagem reservada 5521";
const RULES_DIR: &str = "src/monitoring";

fn promtool() -> Command {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("promtool"))
        .find(|p| p.is_file());
    Command::new(
        found.expect(
            "promtool not found: install Debian's prometheus package (`make test-deps` does)",
        ),
    )
}

#[test]
fn the_alert_rules_pass_promtool_and_their_tests() {
    for args in [
        ["check", "rules", "alert_rules.yml"],
        ["test", "rules", "alert_rules_test.yml"],
    ] {
        let out = promtool()
            .args(args)
            .current_dir(RULES_DIR)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "promtool {}:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[tokio::test]
async fn without_a_token_configured_there_is_no_metrics_route() {
    let app = TestApp::spawn().await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 404);
}

/// `series{labels} value` lines into a map from the series (as written) to its value.
fn parse(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            Some((series.to_string(), value.parse().ok()?))
        })
        .collect()
}

fn value(metrics: &HashMap<String, f64>, series: &str) -> f64 {
    *metrics
        .get(series)
        .unwrap_or_else(|| panic!("{series} is not exported"))
}

/// The sum of every series of `name` whose labels include all of `having`.
fn sum(metrics: &HashMap<String, f64>, name: &str, having: &[&str]) -> f64 {
    metrics
        .iter()
        .filter(|(series, _)| {
            series.split('{').next() == Some(name) && having.iter().all(|h| series.contains(h))
        })
        .map(|(_, v)| v)
        .sum()
}

/// Every `consultor_…` metric named in the rules file (histograms by their `_bucket`).
fn metrics_the_rules_read() -> Vec<String> {
    let rules = std::fs::read_to_string(Path::new(RULES_DIR).join("alert_rules.yml")).unwrap();
    let mut names: Vec<String> = rules
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("consultor_"))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_the_token_cover_the_rules_and_move_with_the_work() {
    let (pool, url) = fresh_db_with_url().await;
    insert_consultant(&pool, "metricas@exemplo.com", "Marta Métrica").await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let log_path = std::env::temp_dir().join(format!("consultor-metrics-{port}.log"));
    let backups = std::env::temp_dir().join(format!("consultor-metrics-backups-{port}"));
    let (_, public) = consultor::backup::keys::generate();
    let log_file = std::fs::File::create(&log_path).unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_consultor"))
        .arg("serve")
        .env_remove("RUST_LOG")
        .env("DATABASE_URL", &url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("WHATSAPP_APP_SECRET", SECRET)
        .env("METRICS_TOKEN", TOKEN)
        // Backups on (the age of the last one is exported), due from midnight.
        .env("BACKUP_RECIPIENTS", &public)
        .env("BACKUP_STORE", &backups)
        .env("BACKUP_HOUR", "0")
        // Every statement counts as slow: the log shows what a slow one's line holds.
        .env("SLOW_QUERY_MS", "0")
        .env("LEPTOS_OUTPUT_NAME", "consultor")
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("METRICS_REFRESH_SECS", "0")
        .stdout(Stdio::from(log_file.try_clone().unwrap()))
        .stderr(Stdio::from(log_file))
        .spawn()
        .expect("start the server");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    wait_until("the server started", Duration::from_secs(60), || async {
        client.get(format!("{base}/healthz")).send().await.is_ok()
    })
    .await;

    // Refused without the token, or with another.
    let res = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    for wrong in ["Bearer token-de-metricas-bem-longx", "Bearer ", TOKEN] {
        let res = client
            .get(format!("{base}/metrics"))
            .header("authorization", wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{wrong}");
    }
    let scrape = || async {
        let res = client
            .get(format!("{base}/metrics"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"));
        parse(&res.text().await.unwrap())
    };
    let before = scrape().await;

    // A page, and a lead writing: the bot's reply is sent (the sandbox's transport).
    assert_eq!(
        client
            .get(format!("{base}/entrar"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let payload = lead(LEAD_NUMBER)
        .to(PHONE_NUMBER_ID, CONSULTANT_NUMBER)
        .text("wamid.metrics.1", LEAD_TEXT)
        .to_string();
    assert_eq!(post_to(&client, &base, payload.as_bytes()).await, 200);
    wait_until("the reply sent", Duration::from_secs(20), || async {
        sqlx::query_scalar::<_, i64>(
            "select count(*) from messages where direction = 'outbound' and status = 'sent'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
            > 0
    })
    .await;
    wait_until("the day's backup", Duration::from_secs(30), || async {
        sqlx::query_scalar::<_, i64>("select count(*) from backups where error is null")
            .fetch_one(&pool)
            .await
            .unwrap()
            == 1
    })
    .await;
    let after = scrape().await;

    let entrar = r#"consultor_http_requests_total{route="/entrar",method="GET",status="200"}"#;
    assert_eq!(
        value(&after, entrar) - before.get(entrar).copied().unwrap_or(0.0),
        1.0
    );
    assert!(
        sum(
            &after,
            "consultor_http_request_duration_seconds_count",
            &[r#"route="/webhooks/whatsapp""#]
        ) >= 1.0
    );
    let processed = r#"consultor_webhook_events_total{outcome="processed"}"#;
    assert_eq!(value(&after, processed) - value(&before, processed), 1.0);
    let sent = r#"consultor_sends_total{outcome="sent"}"#;
    assert!(value(&after, sent) > value(&before, sent));
    // The statements the webhook ran were timed, under their names.
    let inserts = |m: &HashMap<String, f64>| {
        sum(
            m,
            "consultor_db_query_duration_seconds_count",
            &[r#"query="insert messages""#],
        )
    };
    assert!(inserts(&after) > inserts(&before), "insert messages timed");
    // What the database knows, read at the scrape.
    assert!(value(&after, "consultor_db_size_bytes") > 1_000_000.0);
    assert_eq!(value(&after, "consultor_webhook_queue_depth"), 0.0);
    assert_eq!(value(&after, "consultor_sends_queued"), 0.0);
    assert!(value(&after, r#"consultor_db_pool_max_connections{pool="web"}"#) >= 1.0);
    assert!(value(&after, r#"consultor_db_table_live_rows{table="messages"}"#) >= 0.0);
    let (total, free) = (
        value(&after, "consultor_db_disk_total_bytes"),
        value(&after, "consultor_db_disk_free_bytes"),
    );
    assert!(total > 0.0 && free > 0.0 && free <= total);
    let backed_up = value(&after, "consultor_backup_last_success_timestamp_seconds");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!(
        (now - backed_up).abs() < 120.0,
        "the backup's time: {backed_up}"
    );

    // Every metric an alert rule reads is exported by the running server.
    let missing: Vec<String> = metrics_the_rules_read()
        .into_iter()
        .filter(|name| {
            !after
                .keys()
                .any(|s| s.split('{').next() == Some(name.as_str()))
        })
        .collect();
    assert!(missing.is_empty(), "not exported: {missing:?}");

    server.kill().ok();
    server.wait().ok();
    let log = std::fs::read_to_string(&log_path).unwrap();
    std::fs::remove_file(&log_path).ok();
    std::fs::remove_dir_all(&backups).ok();
    // Slow statements: the name and the time, never what the statement was given.
    let slow: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("consulta lenta"))
        .collect();
    assert!(
        slow.iter()
            .any(|l| l.contains("query=insert messages") && l.contains("duration_ms=")),
        "no slow-statement line names its query:\n{log}"
    );
    for needle in [LEAD_NUMBER, "987650042", LEAD_TEXT, "Maria Zap", TOKEN] {
        assert!(!log.contains(needle), "{needle:?} is in the log");
    }
}
