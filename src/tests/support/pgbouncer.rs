//! A real PgBouncer (Debian's 1.18) on loopback in front of the test cluster, in transaction
//! pooling with two server connections per database: many clients share each server
//! connection, so a statement that does not keep to its transaction meets another client's.

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::time::Duration;

pub struct PgBouncer {
    child: Child,
    port: u16,
    dir: PathBuf,
}

fn binary() -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .chain([PathBuf::from("/usr/sbin")])
        .map(|d| d.join("pgbouncer"))
        .find(|p| p.is_file())
        .expect("pgbouncer not found: `make test-deps` installs Debian's package")
}

impl PgBouncer {
    /// In front of the server `database_url` names (its host and port; every database).
    pub async fn start(database_url: &str) -> Self {
        let target = PgConnectOptions::from_str(database_url).unwrap();
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let dir = std::env::temp_dir().join(format!("consultor-pgbouncer-{port}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("users.txt"), "\"consultor\" \"\"\n").unwrap();
        std::fs::write(
            dir.join("pgbouncer.ini"),
            format!(
                "[databases]\n* = host={} port={}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\n\
                 listen_port = {port}\nunix_socket_dir =\nauth_type = trust\nauth_file = {users}\n\
                 pool_mode = transaction\ndefault_pool_size = 2\nmax_client_conn = 500\n\
                 ignore_startup_parameters = extra_float_digits\n\
                 server_reset_query = DEALLOCATE ALL\nserver_reset_query_always = 1\n\
                 logfile = {log}\npidfile = {pid}\n",
                target.get_host(),
                target.get_port(),
                users = dir.join("users.txt").display(),
                log = dir.join("pgbouncer.log").display(),
                pid = dir.join("pgbouncer.pid").display(),
            ),
        )
        .unwrap();
        let mut cmd = Command::new(binary());
        if super::as_root() {
            // PgBouncer will not run as root.
            Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(&dir)
                .status()
                .unwrap();
            cmd.args(["-u", "postgres"]);
        }
        let child = cmd
            .arg(dir.join("pgbouncer.ini"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pgbouncer");
        super::wait_until("pgbouncer listening", Duration::from_secs(20), || async {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
        })
        .await;
        Self { child, port, dir }
    }

    /// A pool to `database` through this PgBouncer, as the server makes its web pool.
    pub async fn pool(&self, database: &str, connections: u32) -> PgPool {
        PgPoolOptions::new()
            .max_connections(connections)
            .connect_with(
                PgConnectOptions::new()
                    .host("127.0.0.1")
                    .port(self.port)
                    .username("consultor")
                    .database(database)
                    .statement_cache_capacity(0),
            )
            .await
            .expect("connect through pgbouncer")
    }
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}
