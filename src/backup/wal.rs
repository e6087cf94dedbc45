//! Point-in-time recovery (design §9.2: 7 days, to the second): PostgreSQL archives each
//! finished WAL segment through `consultor wal-archive` (its `archive_command`), encrypted to
//! the same keys as the copies, into the store's `wal/`; a base backup (`pg_basebackup`,
//! encrypted as it streams) goes into `base/` with each daily copy. `consultor restore
//! --to-time T --data-dir DIR` unpacks the last base backup before T into a new data
//! directory and sets it to replay the archived WAL (through `consultor wal-fetch`) up to T,
//! then open for writes. Nothing here holds a database transaction.

use super::keys::{self, Identities, Recipients};
use super::store::BackupStore;
use super::{tool, BackupError};
use chrono::{DateTime, NaiveDateTime, Utc};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Base backups (and the WAL they need) are kept this long past the recovery window.
pub const RECOVERY_DAYS: i64 = 7;

fn wal_key(name: &str) -> Result<String, BackupError> {
    // Segment, history and backup-label names only: never a path.
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') {
        return Err(std::io::Error::other(format!("nome de WAL inválido: {name}")).into());
    }
    Ok(format!("wal/{name}.age"))
}

/// `archive_command`: `path` (a finished segment) encrypted into `wal/NAME.age`. A segment
/// already stored counts as archived (PostgreSQL asks again after a crash between the upload
/// and its own note of success).
pub async fn archive(
    store: &BackupStore,
    recipients: &Recipients,
    path: &Path,
    name: &str,
) -> Result<(), BackupError> {
    let key = wal_key(name)?;
    if store.exists(&key).await? {
        return Ok(());
    }
    let mut plain = Vec::new();
    std::fs::File::open(path)?.read_to_end(&mut plain)?;
    let mut sealed = Vec::with_capacity(plain.len() + 1024);
    let mut w = recipients.encrypt(&mut sealed)?;
    w.write_all(&plain)?;
    w.finish()?;
    store.put(&key, sealed).await?;
    Ok(())
}

/// `restore_command`: `wal/NAME.age` decrypted into `path`. `Ok(false)` when there is no such
/// segment (the end of the archive: PostgreSQL expects to be told so).
pub async fn fetch(
    store: &BackupStore,
    identities: &Identities,
    name: &str,
    path: &Path,
) -> Result<bool, BackupError> {
    let key = wal_key(name)?;
    if !store.exists(&key).await? {
        return Ok(false);
    }
    let sealed = path.with_extension("consultor-age");
    store.download(&key, &sealed).await?;
    let result = (|| -> Result<(), BackupError> {
        let mut plain = keys::decrypt(std::fs::File::open(&sealed)?, identities)?;
        let part = path.with_extension("consultor-part");
        let mut out = std::fs::File::create(&part)?;
        std::io::copy(&mut plain, &mut out)?;
        out.sync_all()?;
        // Whole or not at all: PostgreSQL must never read half a segment.
        std::fs::rename(&part, path)?;
        Ok(())
    })();
    std::fs::remove_file(&sealed).ok();
    result.map(|()| true)
}

/// A base backup of the whole cluster into `base/<UTC time>.tar.age`, as pg_basebackup
/// streams it (tar format; its WAL comes from the archive). Needs a role allowed to
/// replicate and a `replication` line in pg_hba.conf (see README).
pub async fn base_backup(
    database_url: &str,
    recipients: &Recipients,
    store: &BackupStore,
) -> Result<String, BackupError> {
    let key = format!("base/{}.tar.age", Utc::now().format("%Y%m%dT%H%M%SZ"));
    let file = std::env::temp_dir().join(format!("consultor-base-{}.age", uuid::Uuid::new_v4()));
    let (url, path, recipients) = (database_url.to_string(), file.clone(), recipients.clone());
    let made = tokio::task::spawn_blocking(move || -> Result<u64, BackupError> {
        let mut cmd = Command::new(tool("pg_basebackup")?);
        cmd.args([
            "--pgdata=-",
            "--format=tar",
            "--wal-method=none",
            "--checkpoint=fast",
        ])
        .arg("--dbname")
        .arg(&url);
        super::encrypted_output("pg_basebackup", cmd, &recipients, &path)
    })
    .await
    .map_err(|e| std::io::Error::other(e.to_string()))?;
    let uploaded = match made {
        Ok(_) => store.upload(&file, &key).await.map_err(BackupError::from),
        Err(e) => Err(e),
    };
    std::fs::remove_file(&file).ok();
    uploaded?;
    Ok(key)
}

/// The time in a base backup's key.
fn base_time(key: &str) -> Option<DateTime<Utc>> {
    let stamp = key.strip_prefix("base/")?.strip_suffix(".tar.age")?;
    NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ")
        .ok()
        .map(|t| t.and_utc())
}

/// Deletes base backups older than the recovery window (keeping the newest one before it,
/// which recovery to the window's first second starts from) and the WAL older than the
/// oldest base backup kept (by its modification time: segments are archived in order).
pub async fn prune(store: &BackupStore, now: DateTime<Utc>) -> Result<(), BackupError> {
    let window_start = now - chrono::Duration::days(RECOVERY_DAYS);
    let bases: Vec<(String, DateTime<Utc>)> = store
        .list("base")
        .await?
        .into_iter()
        .filter_map(|(key, _)| base_time(&key).map(|t| (key, t)))
        .collect();
    let Some(oldest_kept) = bases
        .iter()
        .filter(|(_, t)| *t <= window_start)
        .max_by_key(|(_, t)| *t)
        .or_else(|| bases.iter().min_by_key(|(_, t)| *t))
        .map(|(_, t)| *t)
    else {
        return Ok(());
    };
    for (key, t) in &bases {
        if *t < oldest_kept {
            store.delete(key).await?;
        }
    }
    // A margin of an hour: a segment finished just before the base backup started is one
    // it may need.
    let wal_cutoff = oldest_kept - chrono::Duration::hours(1);
    for (key, meta) in store.list("wal").await? {
        if meta.last_modified < wal_cutoff {
            store.delete(&key).await?;
        }
    }
    Ok(())
}

/// What `restore --to-time` did.
pub struct Prepared {
    pub base: String,
}

/// Prepares `data_dir` (new, or empty) to recover to `target`: the last base backup before
/// it, unpacked; `recovery.signal`; and the settings to replay the archive through
/// `wal-fetch` (with `settings`, written beside them) up to `target`, then promote.
pub async fn prepare_recovery(
    store: &BackupStore,
    identities: &Identities,
    settings: &str,
    target: DateTime<Utc>,
    data_dir: &Path,
) -> Result<Prepared, BackupError> {
    if data_dir.exists() && std::fs::read_dir(data_dir)?.next().is_some() {
        return Err(std::io::Error::other(format!(
            "{} não está vazio: a recuperação só é feita num diretório novo",
            data_dir.display()
        ))
        .into());
    }
    let base = store
        .list("base")
        .await?
        .into_iter()
        .filter_map(|(key, _)| base_time(&key).map(|t| (key, t)))
        .filter(|(_, t)| *t < target)
        .max_by_key(|(_, t)| *t)
        .map(|(key, _)| key)
        .ok_or_else(|| std::io::Error::other("nenhuma cópia base anterior a esse momento"))?;
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(data_dir)?;
    }
    let sealed = data_dir.join("base.tar.age");
    store.download(&base, &sealed).await?;
    let (dir, file, identities) = (data_dir.to_path_buf(), sealed.clone(), identities.clone());
    let unpacked = tokio::task::spawn_blocking(move || -> Result<(), BackupError> {
        let mut plain = keys::decrypt(std::fs::File::open(&file)?, &identities)?;
        let mut tar = Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(&dir)
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut stdin = tar.stdin.take().expect("piped");
        let copied = std::io::copy(&mut plain, &mut stdin);
        drop(stdin);
        let out = tar.wait_with_output()?;
        if !out.status.success() {
            return Err(BackupError::ToolFailed {
                tool: "tar",
                stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        copied.map_err(|e| keys::KeyError::Corrupt(e.to_string()))?;
        Ok(())
    })
    .await
    .map_err(|e| std::io::Error::other(e.to_string()))?;
    std::fs::remove_file(&sealed).ok();
    unpacked?;

    let settings_path = data_dir.join("consultor-recovery.env");
    {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&settings_path)?
            .write_all(settings.as_bytes())?;
    }
    let exe = std::env::current_exe()?;
    let quote = |p: &Path| p.display().to_string().replace('\'', "''");
    let mut conf = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(data_dir.join("postgresql.auto.conf"))?;
    writeln!(
        conf,
        "\n# consultor restore --to-time\nrestore_command = '\"{}\" wal-fetch --settings \"{}\" %f \"%p\"'\nrecovery_target_time = '{}'\nrecovery_target_action = 'promote'",
        quote(&exe),
        quote(&settings_path),
        target.format("%Y-%m-%d %H:%M:%S%.6f+00")
    )?;
    std::fs::File::create(data_dir.join("recovery.signal"))?;
    Ok(Prepared { base })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wal_names_never_become_paths() {
        assert_eq!(
            wal_key("000000010000000000000003").unwrap(),
            "wal/000000010000000000000003.age"
        );
        assert!(wal_key("00000002.history").is_ok());
        for bad in ["", "../x", "a/b", "x y"] {
            assert!(wal_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base_backups_are_dated_by_their_key() {
        let t = base_time("base/20261207T153000Z.tar.age").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-07T15:30:00+00:00");
        assert!(base_time("daily/2026-12-07.dump.age").is_none());
    }
}
