//! Backups (issue #10, then #21; design §9 and §12.3): a consistent copy of the whole
//! database in pg_dump's custom format (one snapshot, so every table is of the same moment),
//! encrypted to the operator's keys as pg_dump writes it (the plaintext never touches the
//! disk), and its restoration into an empty database. `scheduled` makes the daily and
//! weekly copies and prunes the old; `drill` restores the latest into a scratch database and
//! compares row counts. The PostgreSQL client tools are looked for in `PG_BIN`, on `PATH`,
//! then in Debian's `/usr/lib/postgresql/<version>/bin` (newest first).

pub mod commands;
pub mod drill;
pub mod keys;
pub mod scheduled;
pub mod store;
pub mod wal;

use keys::{KeyError, Recipients};
use sqlx::PgPool;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} não encontrado: instale o cliente do PostgreSQL (pacote postgresql-client) ou defina PG_BIN")]
    ToolMissing(&'static str),
    #[error("{tool} falhou: {stderr}")]
    ToolFailed { tool: &'static str, stderr: String },
    #[error(
        "o banco de destino não está vazio ({0} tabelas): a restauração só é feita num banco novo"
    )]
    NotEmpty(i64),
    #[error("banco de dados: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Key(#[from] KeyError),
    #[error("armazenamento das cópias: {0}")]
    Store(#[from] object_store::Error),
    #[error("BACKUP_RECIPIENTS não definido: as cópias são sempre cifradas (crie as chaves com `consultor backup-keys`)")]
    NoRecipients,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Where a PostgreSQL client tool is.
pub fn tool(name: &'static str) -> Result<PathBuf, BackupError> {
    let in_dir = |dir: &Path| Some(dir.join(name)).filter(|p| p.is_file());
    if let Some(p) = std::env::var_os("PG_BIN").and_then(|d| in_dir(Path::new(&d))) {
        return Ok(p);
    }
    if let Some(p) = std::env::var_os("PATH")
        .and_then(|path| std::env::split_paths(&path).find_map(|d| in_dir(&d)))
    {
        return Ok(p);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions
        .iter()
        .rev()
        .find_map(|d| in_dir(d))
        .ok_or(BackupError::ToolMissing(name))
}

fn run(tool_name: &'static str, mut cmd: Command) -> Result<(), BackupError> {
    let out = cmd.output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(BackupError::ToolFailed {
            tool: tool_name,
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

/// The whole database, as of one snapshot (`snapshot`, exported by a transaction that holds
/// it, or pg_dump's own), encrypted to `recipients` into `file` (created, readable by its
/// owner only). Returns the file's size.
pub fn backup(
    database_url: &str,
    snapshot: Option<&str>,
    recipients: &Recipients,
    file: &Path,
) -> Result<u64, BackupError> {
    let mut cmd = Command::new(tool("pg_dump")?);
    cmd.arg("--format=custom").arg("--no-owner");
    if let Some(snapshot) = snapshot {
        cmd.arg(format!("--snapshot={snapshot}"));
    }
    cmd.arg("--dbname").arg(database_url);
    encrypted_output("pg_dump", cmd, recipients, file)
}

/// Runs `cmd`, a PostgreSQL tool writing to its standard output, and encrypts what it writes
/// to `recipients` into `file` (created, readable by its owner only, synced). Returns the
/// file's size. pg_dump and pg_basebackup both go through here.
pub(crate) fn encrypted_output(
    tool_name: &'static str,
    mut cmd: Command,
    recipients: &Recipients,
    file: &Path,
) -> Result<u64, BackupError> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let mut stderr = child.stderr.take().expect("piped");
    // Read aside, so a chatty tool never blocks on a full pipe.
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let out = private_file(file)?;
    let mut encrypted = recipients.encrypt(std::io::BufWriter::new(out))?;
    let copied = std::io::copy(child.stdout.as_mut().expect("piped"), &mut encrypted);
    if copied.is_err() {
        // Nothing reads the tool's output any more (a full disk, say): stopped, not waited
        // on for ever.
        let _ = child.kill();
    }
    let status = child.wait()?;
    let stderr = errors.join().unwrap_or_default();
    // The write's own error first: "no space left on device" says more than a killed tool.
    copied?;
    if !status.success() {
        return Err(BackupError::ToolFailed {
            tool: tool_name,
            stderr: stderr.trim().to_string(),
        });
    }
    let mut out = encrypted.finish()?;
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(std::fs::metadata(file)?.len())
}

/// A new file only its owner may read.
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

/// `file` into the empty database `pool` points at; an encrypted copy is decrypted with
/// `identities` on its way into pg_restore. The application role is cluster-wide
/// (migration 0004): it is made first if this cluster lacks it, so the grants restore.
pub async fn restore(
    pool: &PgPool,
    database_url: &str,
    file: &Path,
    identities: &keys::Identities,
) -> Result<(), BackupError> {
    let tables: i64 =
        sqlx::query_scalar("select count(*) from pg_tables where schemaname = 'public'")
            .fetch_one(pool)
            .await?;
    if tables > 0 {
        return Err(BackupError::NotEmpty(tables));
    }
    sqlx::raw_sql(
        "do $$ begin
             create role consultor_app nologin nosuperuser nobypassrls nocreatedb nocreaterole;
         exception when duplicate_object then null;
         end $$",
    )
    .execute(pool)
    .await?;
    let (url, file, identities) = (
        database_url.to_string(),
        file.to_path_buf(),
        identities.clone(),
    );
    tokio::task::spawn_blocking(move || pg_restore(&url, &file, &identities))
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?
}

fn pg_restore(
    database_url: &str,
    file: &Path,
    identities: &keys::Identities,
) -> Result<(), BackupError> {
    let mut head = [0u8; 32];
    let n = std::fs::File::open(file)?.read(&mut head)?;
    let encrypted = keys::is_encrypted(&head[..n]);
    let mut cmd = Command::new(tool("pg_restore")?);
    cmd.arg("--no-owner")
        .arg("--exit-on-error")
        .arg("--single-transaction")
        .arg("--dbname")
        .arg(database_url);
    if !encrypted {
        // A plain dump (made before backups were encrypted) restores as it is.
        cmd.arg(file);
        return run("pg_restore", cmd);
    }
    // The key is checked before pg_restore starts: a wrong key leaves the database as it was.
    let mut plain = keys::decrypt(
        std::io::BufReader::new(std::fs::File::open(file)?),
        identities,
    )?;
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let mut stdin = child.stdin.take().expect("piped");
    let copied = std::io::copy(&mut plain, &mut stdin);
    drop(stdin);
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(BackupError::ToolFailed {
            tool: "pg_restore",
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    // A copy cut short (a damaged file) is refused even if what came through restored.
    copied.map_err(|e| KeyError::Corrupt(e.to_string()))?;
    Ok(())
}
