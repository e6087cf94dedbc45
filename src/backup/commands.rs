//! The operator's backup commands:
//!
//! - `consultor backup`: a copy now, into the store (`manual/…`);
//! - `consultor backup --to FILE`: a copy now, into a file;
//! - `consultor backup list`: the copies in the store;
//! - `consultor backup drill [--identity FILE]`: the latest copy restored into a scratch
//!   database and its row counts compared;
//! - `consultor restore --from FILE|KEY [--identity FILE]`: a copy (a file, or a key of the
//!   store such as `daily/2026-12-07.dump.age`) into the empty database of `DATABASE_URL`;
//! - `consultor backup base`: a base backup now (point-in-time recovery);
//! - `consultor restore --to-time T --data-dir DIR [--identity FILE]`: a new data directory
//!   that recovers to the second T when started (no database needed);
//! - `consultor wal-archive [--settings FILE] PATH NAME` and `consultor wal-fetch [--settings
//!   FILE] NAME PATH`: PostgreSQL's `archive_command` and `restore_command`.
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
        Some("base") => {
            let recipients = config
                .backup_recipients
                .clone()
                .ok_or(BackupError::NoRecipients)?;
            let store = super::store::BackupStore::open(&config.backup_store)?;
            let started = std::time::Instant::now();
            let key =
                super::wal::base_backup(config.database_url.expose(), &recipients, &store).await?;
            println!(
                "cópia base cifrada gravada em {} ({key}), {:.1} s",
                store.shown,
                started.elapsed().as_secs_f64()
            );
        }
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
            "uso: consultor backup [--to ARQUIVO | list | base | drill [--identity ARQUIVO]] (recebi {other})"
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

/// The commands that need no database, before the configuration (which requires one) is
/// read: PostgreSQL's archive and restore commands, and preparing a point-in-time recovery.
pub async fn without_database(command: &str, args: &[String]) -> Option<anyhow::Result<()>> {
    let to_time = command == "restore" && args.iter().any(|a| a == "--to-time");
    if !(matches!(command, "wal-archive" | "wal-fetch") || to_time) {
        return None;
    }
    let result = run_without_database(command, args, to_time).await;
    if let (Err(e), "wal-fetch") = (&result, command) {
        // Exit 1 tells PostgreSQL the segment is not archived (the end of the archive). A
        // failure (the store unreachable, the wrong key) must not look like that: above 125
        // PostgreSQL stops the recovery instead of ending it early.
        eprintln!("wal-fetch: {e:#}");
        std::process::exit(126);
    }
    Some(result)
}

async fn run_without_database(command: &str, args: &[String], to_time: bool) -> anyhow::Result<()> {
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    // The settings file, if any, then the environment.
    let file = match flag("--settings") {
        Some(path) => crate::config::backup::settings_file(&std::fs::read_to_string(&path)?),
        None => Default::default(),
    };
    let get = |k: &str| {
        file.get(k)
            .cloned()
            .or_else(|| std::env::var(k).ok())
            .filter(|v| !v.is_empty())
    };
    let store_config = crate::config::backup::store(&get)?;
    let store = super::store::BackupStore::open(&store_config)?;
    // The positional arguments, flags and their values aside.
    let mut positional = Vec::new();
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        if a.starts_with("--") {
            rest.next();
        } else {
            positional.push(a.as_str());
        }
    }
    match command {
        "wal-archive" => {
            let [path, name] = positional[..] else {
                anyhow::bail!("uso: consultor wal-archive [--settings ARQUIVO] %p %f");
            };
            let recipients =
                crate::config::backup::recipients(&get)?.ok_or(BackupError::NoRecipients)?;
            super::wal::archive(&store, &recipients, std::path::Path::new(path), name).await?;
        }
        "wal-fetch" => {
            let [name, path] = positional[..] else {
                anyhow::bail!("uso: consultor wal-fetch [--settings ARQUIVO] %f %p");
            };
            let identities = identities(get("BACKUP_IDENTITY_FILE").map(PathBuf::from))?;
            if !super::wal::fetch(&store, &identities, name, std::path::Path::new(path)).await? {
                // Not archived: the end of the archive, which PostgreSQL expects to hear.
                std::process::exit(1);
            }
        }
        _ if to_time => {
            let usage = "uso: consultor restore --to-time \"2026-12-07 15:30:00-03:00\" --data-dir DIRETÓRIO [--identity ARQUIVO]";
            let target = flag("--to-time").ok_or_else(|| anyhow::anyhow!(usage))?;
            let target = chrono::DateTime::parse_from_str(&target, "%Y-%m-%d %H:%M:%S%.f%:z")
                .or_else(|_| chrono::DateTime::parse_from_rfc3339(&target))
                .map_err(|_| anyhow::anyhow!("momento inválido: {target}\n{usage}"))?
                .with_timezone(&chrono::Utc);
            let dir = PathBuf::from(flag("--data-dir").ok_or_else(|| anyhow::anyhow!(usage))?);
            let identity_file = flag("--identity")
                .or_else(|| get("BACKUP_IDENTITY_FILE"))
                .ok_or_else(|| anyhow::anyhow!("--identity ARQUIVO: wal-fetch lê a chave dele"))?;
            let identity_file = std::fs::canonicalize(identity_file)?;
            let identities = identities(Some(identity_file.clone()))?;
            // What wal-fetch will need, beside the data: the store and the key's file.
            let mut settings =
                String::from("# consultor restore --to-time: apague após a recuperação\n");
            for k in [
                "BACKUP_STORE",
                "BACKUP_S3_ENDPOINT",
                "BACKUP_S3_REGION",
                "BACKUP_S3_ACCESS_KEY_ID",
                "BACKUP_S3_SECRET_ACCESS_KEY",
            ] {
                if let Some(v) = get(k) {
                    settings.push_str(&format!("{k}={v}\n"));
                }
            }
            settings.push_str(&format!(
                "BACKUP_IDENTITY_FILE={}\n",
                identity_file.display()
            ));
            let prepared =
                super::wal::prepare_recovery(&store, &identities, &settings, target, &dir).await?;
            println!(
                "{} preparado a partir de {}: inicie o PostgreSQL nele (pg_ctl -D {} start); \
                 ele refaz o WAL até {target} e passa a aceitar escritas",
                dir.display(),
                prepared.base,
                dir.display()
            );
        }
        _ => unreachable!("checked by without_database"),
    }
    Ok(())
}
