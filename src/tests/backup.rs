//! Backups: a seeded database copied out, encrypted (the stored bytes show nothing of it),
//! and brought back into an empty one with the operator's key only, every table with the
//! same rows (counts and checksums); the server's own daily copy landing in an S3-compatible
//! store (moto, on loopback), old copies pruned, and the restore drill passing on it.

use super::helpers::{fresh_db_with_url, new_empty_db, TestApp};
use super::support::fake_s3::FakeS3;
use super::support::wait_until;
use consultor::backup::keys::Recipients;
use consultor::backup::store::BackupStore;
use sqlx::PgPool;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Every table's row count and a checksum of its rows.
async fn fingerprint(pool: &PgPool) -> Vec<(String, i64, String)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select tablename::text from pg_tables where schemaname = 'public' order by 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let (n, sum): (i64, Option<String>) = sqlx::query_as(&format!(
            "select count(*), md5(string_agg(t::text, '|' order by t::text)) from \"{t}\" t"
        ))
        .fetch_one(pool)
        .await
        .unwrap();
        out.push((t, n, sum.unwrap_or_default()));
    }
    out
}

fn consultor(args: &[&str], url: &str, env: &[(&str, String)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_consultor"))
        .args(args)
        .env("DATABASE_URL", url)
        .env_remove("RUST_LOG")
        .env_remove("BACKUP_IDENTITY_FILE")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .output()
        .expect("run consultor")
}

/// A key pair, the private key in a file of its own: (public key, file).
fn key_pair() -> (String, PathBuf) {
    let (private, public) = consultor::backup::keys::generate();
    let file = std::env::temp_dir().join(format!("consultor-key-{}.txt", uuid::Uuid::new_v4()));
    std::fs::write(&file, format!("# chave de teste\n{private}\n")).unwrap();
    (public, file)
}

fn has(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encrypted_backup_hides_every_row_and_restores_with_its_key_only() {
    let (pool, url) = fresh_db_with_url().await;
    consultor::seed::seed_demo(&pool).await.unwrap();
    let before = fingerprint(&pool).await;
    let (name, number): (String, String) = sqlx::query_as(
        "select name, whatsapp_number from leads where name is not null order by name limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let (public, identity) = key_pair();
    let (_, other_identity) = key_pair();

    // Without keys to encrypt to there is no backup at all.
    let file = std::env::temp_dir().join(format!("consultor-{}.dump.age", uuid::Uuid::new_v4()));
    let out = consultor(&["backup", "--to", file.to_str().unwrap()], &url, &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("BACKUP_RECIPIENTS"));

    let recipients = [("BACKUP_RECIPIENTS", public.clone())];
    // A disk that fills mid-copy: the command ends with the disk's error (pg_dump, whose
    // output nobody reads any more, is stopped rather than waited on for ever).
    let mut full = Command::new(env!("CARGO_BIN_EXE_consultor"))
        .args(["backup", "--to", "/dev/full"])
        .env("DATABASE_URL", &url)
        .env("BACKUP_RECIPIENTS", &public)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = full.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "backup to a full disk hangs"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let mut said = String::new();
    full.stderr
        .take()
        .unwrap()
        .read_to_string(&mut said)
        .unwrap();
    assert!(!status.success());
    assert!(said.contains("No space left"), "{said}");
    let out = consultor(
        &["backup", "--to", file.to_str().unwrap()],
        &url,
        &recipients,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored = std::fs::read(&file).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(consultor::backup::keys::is_encrypted(&stored));
    for needle in [
        name.as_str(),
        digits.as_str(),
        &digits[digits.len() - 8..],
        "leads",
    ] {
        assert!(
            !has(&stored, needle),
            "{needle:?} is readable in the stored file"
        );
    }
    // The search is not vacuous: the copy, opened with the key and read back as SQL by
    // pg_restore, holds both.
    let keys =
        consultor::backup::keys::identities(&std::fs::read_to_string(&identity).unwrap()).unwrap();
    let mut plain = Vec::new();
    consultor::backup::keys::decrypt(&stored[..], &keys)
        .unwrap()
        .read_to_end(&mut plain)
        .unwrap();
    let mut as_sql = Command::new(consultor::backup::tool("pg_restore").unwrap())
        .args(["--file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    as_sql.stdin.take().unwrap().write_all(&plain).unwrap();
    let sql = as_sql.wait_with_output().unwrap().stdout;
    assert!(
        has(&sql, &name) && has(&sql, &number),
        "the copy holds the lead"
    );

    // The wrong key opens nothing and writes nothing.
    let (empty, empty_url) = new_empty_db().await;
    let from = ["restore", "--from", file.to_str().unwrap(), "--identity"];
    let out = consultor(
        &[&from[..], &[other_identity.to_str().unwrap()]].concat(),
        &empty_url,
        &[],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("não abre esta cópia"));
    let tables: i64 =
        sqlx::query_scalar("select count(*) from pg_tables where schemaname = 'public'")
            .fetch_one(&empty)
            .await
            .unwrap();
    assert_eq!(tables, 0);

    // The right one restores every row.
    let out = consultor(
        &[&from[..], &[identity.to_str().unwrap()]].concat(),
        &empty_url,
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fingerprint(&empty).await, before);

    // Into a database that is not empty: refused, nothing written.
    let out = consultor(
        &[&from[..], &[identity.to_str().unwrap()]].concat(),
        &url,
        &[],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("não está vazio"));
    assert_eq!(fingerprint(&pool).await, before);
    for f in [&file, &identity, &other_identity] {
        std::fs::remove_file(f).ok();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_backs_up_to_s3_on_its_own_prunes_old_copies_and_the_drill_restores_it() {
    let s3 = FakeS3::start().await;
    let (pool, url) = fresh_db_with_url().await;
    consultor::seed::seed_demo(&pool).await.unwrap();
    let (public, identity) = key_pair();
    let store = BackupStore::open(&s3.store("producao")).unwrap();
    // A daily copy from long ago, past its 30 days, and a weekly one kept for ever here.
    let old = std::env::temp_dir().join(format!("consultor-old-{}", uuid::Uuid::new_v4()));
    std::fs::write(&old, b"antiga").unwrap();
    store
        .upload(&old, "daily/2020-01-01.dump.age")
        .await
        .unwrap();
    store
        .upload(&old, "weekly/2020-01-05.dump.age")
        .await
        .unwrap();
    std::fs::remove_file(&old).ok();

    let app = TestApp::spawn_on(pool.clone(), |c| {
        // pg_dump connects by URL (the tests' configuration names no database otherwise).
        c.database_url = consultor::secret::Secret::new(url.clone());
        c.backup_recipients = Some(Recipients::parse(&public).unwrap());
        c.backup_store = s3.store("producao");
        // Due from midnight: the first minute's turn makes today's copy.
        c.backup_hour = 0;
        c.backup_weekly_keep_weeks = 0;
    })
    .await;
    wait_until("the day's backup", Duration::from_secs(60), || async {
        let failed: Option<String> =
            sqlx::query_scalar("select error from backups where error is not null limit 1")
                .fetch_optional(&app.pool)
                .await
                .unwrap();
        assert_eq!(failed, None, "the backup failed");
        app.count("select count(*) from backups where kind = 'daily' and error is null")
            .await
            == 1
    })
    .await;
    let (key, counts): (String, serde_json::Value) = sqlx::query_as(
        "select object_key, row_counts from backups where kind = 'daily' and error is null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        counts["leads"].as_i64().unwrap() > 0,
        "counted in the copy's snapshot"
    );
    // Pruning follows the copy's record: waited for, not raced.
    wait_until("the old daily pruned", Duration::from_secs(20), || async {
        let daily: Vec<String> = store
            .list("daily")
            .await
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        daily == vec![key.clone()]
    })
    .await;
    let weekly: Vec<String> = store
        .list("weekly")
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(weekly, vec!["weekly/2020-01-05.dump.age".to_string()]);
    // What landed in the bucket is encrypted.
    let fetched = std::env::temp_dir().join(format!("consultor-fetched-{}", uuid::Uuid::new_v4()));
    store.download(&key, &fetched).await.unwrap();
    assert!(consultor::backup::keys::is_encrypted(
        &std::fs::read(&fetched).unwrap()
    ));
    std::fs::remove_file(&fetched).ok();
    // Once a day: the next turns make nothing more.
    let plan = consultor::backup::scheduled::BackupPlan {
        database_url: consultor::secret::Secret::new(url.clone()),
        recipients: Recipients::parse(&public).unwrap(),
        store: store.clone(),
        hour: 0,
        daily_keep_days: 30,
        weekly_keep_weeks: 0,
        base_backups: false,
    };
    assert!(consultor::backup::scheduled::run_due(&pool, &plan)
        .await
        .unwrap()
        .is_none());

    // A Sunday (a past one: never the day the suite runs): the day's copy is also the
    // week's, and weeklies past their keeping go.
    use consultor::backup::scheduled::{run_due_at, BackupPlan, Moment};
    let sunday = chrono::NaiveDate::from_ymd_opt(2025, 12, 7).unwrap();
    let keep_a_week = BackupPlan {
        weekly_keep_weeks: 1,
        ..plan.clone()
    };
    let from_3h = BackupPlan {
        hour: 3,
        ..keep_a_week.clone()
    };
    let early = Moment {
        day: sunday,
        hour: 2,
    };
    assert!(
        run_due_at(&pool, &from_3h, early).await.unwrap().is_none(),
        "not before 3h"
    );
    let made = run_due_at(
        &pool,
        &keep_a_week,
        Moment {
            day: sunday,
            hour: 5,
        },
    )
    .await
    .unwrap()
    .expect("Sunday's copy");
    assert_eq!(
        made.keys,
        vec!["daily/2025-12-07.dump.age", "weekly/2025-12-07.dump.age"]
    );
    let keys = |folder: &'static str| {
        let store = store.clone();
        async move {
            store
                .list(folder)
                .await
                .unwrap()
                .into_iter()
                .map(|(k, _)| k)
                .collect::<Vec<String>>()
        }
    };
    assert_eq!(
        keys("weekly").await,
        vec!["weekly/2025-12-07.dump.age"],
        "2020's pruned"
    );
    assert_eq!(
        keys("daily").await,
        vec!["daily/2025-12-07.dump.age".to_string(), key.clone()]
    );
    assert_eq!(
        app.count("select count(*) from backups where day = '2025-12-07' and error is null")
            .await,
        2,
        "both recorded"
    );

    // The drill: the latest copy (Sunday's), restored into a scratch database, every table's rows.
    let mut env = s3.env("producao");
    env.push(("BACKUP_RECIPIENTS", public));
    let out = consultor(
        &["backup", "drill", "--identity", identity.to_str().unwrap()],
        &url,
        &env,
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("ensaio de restauração ok") && said.contains("2025-12-07.dump.age"),
        "{said}"
    );
    let scratch: i64 = sqlx::query_scalar(
        "select count(*) from pg_database where datname like 'consultor_drill_%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(scratch, 0, "the scratch database is dropped");

    // A restore straight from the store, by key.
    let (_, empty_url) = new_empty_db().await;
    let out = consultor(
        &[
            "restore",
            "--from",
            &key,
            "--identity",
            identity.to_str().unwrap(),
        ],
        &empty_url,
        &env,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(&identity).ok();
}
