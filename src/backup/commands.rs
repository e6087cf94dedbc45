//! The operator's backup commands:
//!
//! - `consultor backup`: a copy now, into the store (`manual/…`);
//! - `consultor backup --to FILE`: a copy now, into a file;
//! - `consultor backup list`: the copies in the store;
//! - `consultor backup drill [--identity FILE]`: the latest copy restored into a scratch
//!   database and its row counts compared;
//! - `consultor restore --from FILE|KEY [--identity FILE]`: a copy (a file, or a key of the
//!   store such as `daily/2026-12-07.dump.age`) into the empty database of `DATABASE_URL`.
//!
//! Copies are always encrypted to `BACKUP_RECIPIENTS`. The private key is asked for when
//! needed (`--identity FILE`, `BACKUP_IDENTITY_FILE`, or typed/pasted at the prompt); the
//! server never holds it.

use super::keys::{self, KeyError};
use super::{drill, scheduled, BackupError};
use crate::config::Config;
use crate::startup;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

pub async fn backup(config: &Config, args: &[String]) -> anyhow::Result<()> {
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    match args.first().map(String::as_str) {
        Some("list") => {
            let store = super::store::BackupStore::open(&config.backup_store)?;
            for folder in ["daily", "weekly", "manual"] {
                for (key, meta) in store.list(folder).await? {
                    println!("{key}\t{} bytes\t{}", meta.size, meta.last_modified);
                }
            }
        }
        Some("drill") => {
            let store = super::store::BackupStore::open(&config.backup_store)?;
            let identities = identities(flag("--identity"))?;
            let pool = startup::connect(config).await?;
            let report =
                drill::drill(&pool, config.database_url.expose(), &store, &identities).await?;
            println!(
                "{}: {} tabelas, {} linhas; baixada em {:.1} s, restaurada em {:.1} s",
                report.key,
                report.tables,
                report.rows,
                report.download.as_secs_f64(),
                report.restore.as_secs_f64()
            );
            for (table, expected, found) in &report.mismatches {
                println!(
                    "  DIFERENTE {table}: {expected} na cópia, {} restauradas",
                    found.map_or("nenhuma".into(), |n| n.to_string())
                );
            }
            if !report.passed() {
                anyhow::bail!("o ensaio de restauração falhou");
            }
            println!("ensaio de restauração ok");
        }
        Some("--to") => {
            let file = flag("--to").ok_or_else(|| anyhow::anyhow!("uso: consultor backup --to ARQUIVO"))?;
            let recipients = config
                .backup_recipients
                .clone()
                .ok_or(BackupError::NoRecipients)?;
            let url = config.database_url.expose().to_string();
            let path = file.clone();
            let bytes = tokio::task::spawn_blocking(move || {
                super::backup(&url, None, &recipients, &path)
            })
            .await??;
            println!("cópia cifrada gravada em {} ({bytes} bytes)", file.display());
        }
        None => {
            let plan = config.backup_plan()?.ok_or(BackupError::NoRecipients)?;
            let pool = startup::connect(config).await?;
            let now = chrono::Utc::now();
            // São Paulo's date (UTC−3 all year since 2019).
            let day = now
                .with_timezone(&chrono::FixedOffset::west_opt(3 * 3600).expect("offset"))
                .date_naive();
            let key = format!("manual/{}.dump.age", now.format("%Y-%m-%dT%H%M%SZ"));
            let made = scheduled::make(&pool, &plan, day, &[("manual", key)]).await?;
            println!(
                "cópia cifrada gravada em {} ({}): {} bytes, {} tabelas, {:.1} s",
                plan.store.shown,
                made.keys.join(", "),
                made.bytes,
                made.tables,
                made.took.as_secs_f64()
            );
        }
        Some(other) => anyhow::bail!(
            "uso: consultor backup [--to ARQUIVO | list | drill [--identity ARQUIVO]] (recebi {other})"
        ),
    }
    Ok(())
}

pub async fn restore(config: &Config, args: &[String]) -> anyhow::Result<()> {
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let from = flag("--from").ok_or_else(|| {
        anyhow::anyhow!("uso: consultor restore --from ARQUIVO|CHAVE [--identity ARQUIVO]")
    })?;
    let pool = startup::connect(config).await?;
    let local = PathBuf::from(&from);
    let (file, fetched) = if local.is_file() {
        (local, false)
    } else {
        let store = super::store::BackupStore::open(&config.backup_store)?;
        let to =
            std::env::temp_dir().join(format!("consultor-restore-{}.age", uuid::Uuid::new_v4()));
        store.download(&from, &to).await?;
        (to, true)
    };
    let mut head = [0u8; 32];
    let n = std::io::Read::read(&mut std::fs::File::open(&file)?, &mut head)?;
    let identities = if keys::is_encrypted(&head[..n]) {
        identities(flag("--identity").map(PathBuf::from))?
    } else {
        keys::Identities::none()
    };
    let result = super::restore(&pool, config.database_url.expose(), &file, &identities).await;
    if fetched {
        std::fs::remove_file(&file).ok();
    }
    result?;
    println!("cópia restaurada de {from}");
    Ok(())
}

/// The operator's private key: from `--identity FILE`, `BACKUP_IDENTITY_FILE`, or asked for.
fn identities(file: Option<PathBuf>) -> Result<keys::Identities, BackupError> {
    let file = file.or_else(|| std::env::var_os("BACKUP_IDENTITY_FILE").map(PathBuf::from));
    let text = match file {
        Some(path) => std::fs::read_to_string(path)?,
        None => {
            if std::io::stdin().is_terminal() {
                eprint!("Chave privada do backup (AGE-SECRET-KEY-1…): ");
                std::io::stderr().flush().ok();
            }
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line
        }
    };
    keys::identities(&text).map_err(|e: KeyError| e.into())
}
