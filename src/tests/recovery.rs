//! Point-in-time recovery, end to end on a cluster of its own: PostgreSQL archives its WAL
//! through `consultor wal-archive` (encrypted, into a store directory), the server's
//! schedule makes the day's copy and a base backup (`BACKUP_BASE`), rows are written, the time is noted, a destructive change
//! follows; `consultor restore --to-time` prepares a new data directory which, started,
//! replays the archive (through `consultor wal-fetch`) to that second: the rows are there,
//! the destruction is not.

use super::support::{as_root, wait_until};
use sqlx::{Connection, PgConnection};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn pg(tool: &'static str) -> Command {
    let path = consultor::backup::tool(tool).expect("PostgreSQL's server tools");
    if as_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(path);
        cmd
    } else {
        Command::new(path)
    }
}

fn ok(what: &str, out: std::process::Output) {
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A cluster started by the test and stopped however the test ends.
struct Cluster {
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    fn start(dir: &Path, socket_dir: &Path, options: &str) -> Self {
        let port = free_port();
        ok(
            "pg_ctl start",
            pg("pg_ctl")
                .arg("-D")
                .arg(dir)
                .arg("-l")
                .arg(dir.join("server.log"))
                .arg("-w")
                .arg("-t")
                .arg("60")
                .arg("-o")
                .arg(format!(
                    "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off {options}",
                    socket_dir.display()
                ))
                .arg("start")
                .output()
                .unwrap(),
        );
        Self {
            dir: dir.to_path_buf(),
            port,
        }
    }

    fn url(&self) -> String {
        format!("postgres://consultor@127.0.0.1:{}/postgres", self.port)
    }

    async fn connect(&self) -> PgConnection {
        PgConnection::connect(&self.url()).await.unwrap()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        pg("pg_ctl")
            .arg("-D")
            .arg(&self.dir)
            .args(["-m", "immediate", "stop"])
            .output()
            .ok();
    }
}

fn consultor(args: &[&str], env: &[(&str, String)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_consultor"))
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("DATABASE_URL")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_cluster_recovers_to_the_noted_second() {
    // Everything under one directory the postgres user can reach (and own, as root).
    let root = std::env::temp_dir().join(format!("consultor-pitr-{}", uuid::Uuid::new_v4()));
    for sub in ["bin", "store/wal"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    // PostgreSQL runs the archive and restore commands: a copy of the binary where its user
    // can run it (a checkout in root's home is out of its reach).
    let bin = root.join("bin/consultor");
    std::fs::copy(env!("CARGO_BIN_EXE_consultor"), &bin).unwrap();
    let (private, public) = consultor::backup::keys::generate();
    let key = root.join("key.txt");
    std::fs::write(&key, format!("{private}\n")).unwrap();
    let store = root.join("store");
    let settings = root.join("backup.env");
    std::fs::write(
        &settings,
        format!(
            "BACKUP_STORE={}\nBACKUP_RECIPIENTS={public}\n",
            store.display()
        ),
    )
    .unwrap();
    let primary = root.join("primary");
    let restored = root.join("restored");
    let chown = || {
        if as_root() {
            ok(
                "chown",
                Command::new("chown")
                    .args(["-R", "postgres:"])
                    .arg(&root)
                    .output()
                    .unwrap(),
            );
        }
    };
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    chown();
    ok(
        "initdb",
        pg("initdb")
            .arg("-D")
            .arg(&primary)
            .args([
                "-U",
                "consultor",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .output()
            .unwrap(),
    );
    // What the README asks of the operator's PostgreSQL.
    std::fs::OpenOptions::new()
        .append(true)
        .open(primary.join("postgresql.auto.conf"))
        .and_then(|mut f| {
            use std::io::Write;
            writeln!(
                f,
                "wal_level = replica\narchive_mode = on\narchive_command = '\"{}\" wal-archive --settings \"{}\" \"%p\" %f'",
                bin.display(),
                settings.display()
            )
        })
        .unwrap();
    let cluster = Cluster::start(&primary, &root, "");
    let env = [
        ("BACKUP_STORE", store.display().to_string()),
        ("BACKUP_RECIPIENTS", public.clone()),
        ("DATABASE_URL", cluster.url()),
    ];

    let mut db = cluster.connect().await;
    sqlx::raw_sql("create table notas (x text); insert into notas values ('antes da base')")
        .execute(&mut db)
        .await
        .unwrap();
    // The server's own schedule makes the day's copy and, with BACKUP_BASE, the base backup.
    ok("migrate", consultor(&["migrate"], &env));
    let pool = sqlx::PgPool::connect(&cluster.url()).await.unwrap();
    let plan = consultor::backup::scheduled::BackupPlan {
        database_url: consultor::secret::Secret::new(cluster.url()),
        recipients: consultor::backup::keys::Recipients::parse(&public).unwrap(),
        store: consultor::backup::store::BackupStore::open(
            &consultor::backup::store::StoreConfig {
                location: store.display().to_string(),
                s3_endpoint: None,
                s3_region: "us-east-1".into(),
                s3_access_key_id: None,
                s3_secret_access_key: None,
            },
        )
        .unwrap(),
        hour: 0,
        daily_keep_days: 30,
        weekly_keep_weeks: 0,
        base_backups: true,
    };
    let made = consultor::backup::scheduled::run_due(&pool, &plan)
        .await
        .unwrap()
        .expect("due from midnight");
    assert!(made.keys.iter().any(|k| k.starts_with("base/")), "{made:?}");
    pool.close().await;
    // And by hand (the newer one, which the recovery starts from).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    ok("backup base", consultor(&["backup", "base"], &env));
    sqlx::raw_sql("insert into notas values ('depois da base')")
        .execute(&mut db)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let noted: String = sqlx::query_scalar(
        "select to_char(now() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00'",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // The mistake.
    sqlx::raw_sql("drop table notas; create table desastre (x int)")
        .execute(&mut db)
        .await
        .unwrap();
    let last: String = sqlx::query_scalar("select pg_walfile_name(pg_switch_wal())")
        .fetch_one(&mut db)
        .await
        .unwrap();
    wait_until("the WAL archived", Duration::from_secs(30), || {
        let last = last.clone();
        let url = cluster.url();
        async move {
            let mut db = PgConnection::connect(&url).await.unwrap();
            let (archived, failed): (Option<String>, i64) =
                sqlx::query_as("select last_archived_wal, failed_count from pg_stat_archiver")
                    .fetch_one(&mut db)
                    .await
                    .unwrap();
            assert_eq!(failed, 0, "archive_command failed: see the server's log");
            archived.is_some_and(|a| a >= last)
        }
    })
    .await;
    // What the archive holds is encrypted.
    let segment = std::fs::read(store.join(format!("wal/{last}.age"))).unwrap();
    assert!(consultor::backup::keys::is_encrypted(&segment));
    drop(db);

    let out = consultor(
        &[
            "restore",
            "--to-time",
            &noted,
            "--data-dir",
            restored.to_str().unwrap(),
            "--identity",
            key.to_str().unwrap(),
        ],
        &env[..1],
    );
    ok("restore --to-time", out);
    chown();
    let recovered = Cluster::start(&restored, &root, "-c archive_mode=off");
    wait_until("recovery done", Duration::from_secs(60), || async {
        let mut db = recovered.connect().await;
        !sqlx::query_scalar::<_, bool>("select pg_is_in_recovery()")
            .fetch_one(&mut db)
            .await
            .unwrap()
    })
    .await;
    let mut db = recovered.connect().await;
    let rows: Vec<String> = sqlx::query_scalar("select x from notas order by x")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert_eq!(rows, vec!["antes da base", "depois da base"]);
    let mistake: bool = sqlx::query_scalar("select to_regclass('desastre') is not null")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert!(!mistake, "the destructive change is not replayed");
    drop(db);
    drop(recovered);
    drop(cluster);

    // wal-fetch, as PostgreSQL reads it: a segment not archived is exit 1 (the end of the
    // archive); a segment it cannot open (another key) is above 125, which stops a recovery
    // instead of ending it early.
    let (other_private, _) = consultor::backup::keys::generate();
    let other_key = root.join("other-key.txt");
    std::fs::write(&other_key, format!("{other_private}\n")).unwrap();
    let fetch = |name: &str, key: &Path| {
        let settings = root.join("fetch.env");
        std::fs::write(
            &settings,
            format!(
                "BACKUP_STORE={}\nBACKUP_IDENTITY_FILE={}\n",
                store.display(),
                key.display()
            ),
        )
        .unwrap();
        let to = root.join("fetched");
        consultor(
            &[
                "wal-fetch",
                "--settings",
                settings.to_str().unwrap(),
                name,
                to.to_str().unwrap(),
            ],
            &[],
        )
        .status
        .code()
    };
    assert_eq!(fetch(&last, &key), Some(0));
    assert_eq!(fetch("0000000100000000000000FF", &key), Some(1));
    assert_eq!(fetch(&last, &other_key), Some(126));
    std::fs::remove_dir_all(&root).ok();
}
