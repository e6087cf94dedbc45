//! `consultor backup` and `consultor restore`: a seeded database copied out and brought back
//! into an empty one, every table with the same rows (counts and checksums).

use super::helpers::{fresh_db_with_url, new_empty_db};
use sqlx::PgPool;
use std::process::Command;

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

fn consultor(args: &[&str], url: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_consultor"))
        .args(args)
        .env("DATABASE_URL", url)
        .env_remove("RUST_LOG")
        .output()
        .expect("run consultor")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_into_an_empty_database_with_every_row() {
    let (pool, url) = fresh_db_with_url().await;
    consultor::seed::seed_demo(&pool).await.unwrap();
    let before = fingerprint(&pool).await;
    assert!(
        before.iter().any(|(t, n, _)| t == "leads" && *n > 0),
        "seeded"
    );

    let file = std::env::temp_dir().join(format!("consultor-{}.dump", uuid::Uuid::new_v4()));
    let out = consultor(&["backup", "--to", file.to_str().unwrap()], &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::metadata(&file).unwrap().len() > 0);

    let (empty, empty_url) = new_empty_db().await;
    let out = consultor(&["restore", "--from", file.to_str().unwrap()], &empty_url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fingerprint(&empty).await, before);

    // Into a database that is not empty: refused, nothing written.
    let out = consultor(&["restore", "--from", file.to_str().unwrap()], &url);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("não está vazio"));
    assert_eq!(fingerprint(&pool).await, before);
    std::fs::remove_file(&file).ok();
}
