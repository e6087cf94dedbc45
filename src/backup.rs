//! `consultor backup --to FILE` and `consultor restore --from FILE` (issue #10, seed §11):
//! a consistent copy of the whole database in pg_dump's custom format (one snapshot, so
//! every table is of the same moment), and its restoration into an empty database. The
//! PostgreSQL client tools are looked for in `PG_BIN`, on `PATH`, then in Debian's
//! `/usr/lib/postgresql/<version>/bin` (newest first).

use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::process::Command;

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
    Io(#[from] std::io::Error),
}

/// Where a PostgreSQL client tool is.
fn tool(name: &'static str) -> Result<PathBuf, BackupError> {
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

/// The whole database, as of one snapshot, into `file`.
pub fn backup(database_url: &str, file: &Path) -> Result<(), BackupError> {
    let mut cmd = Command::new(tool("pg_dump")?);
    cmd.arg("--format=custom")
        .arg("--no-owner")
        .arg("--file")
        .arg(file)
        .arg("--dbname")
        .arg(database_url);
    run("pg_dump", cmd)
}

/// `file` into the empty database `pool` points at. The application role is cluster-wide
/// (migration 0004): it is made first if this cluster lacks it, so the grants restore.
pub async fn restore(pool: &PgPool, database_url: &str, file: &Path) -> Result<(), BackupError> {
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
    let mut cmd = Command::new(tool("pg_restore")?);
    cmd.arg("--no-owner")
        .arg("--exit-on-error")
        .arg("--single-transaction")
        .arg("--dbname")
        .arg(database_url)
        .arg(file);
    run("pg_restore", cmd)
}
