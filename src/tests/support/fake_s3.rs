//! A real S3-compatible server on loopback: moto's (`moto_server`, from PyPI; `make
//! test-deps` installs it into `.venv`). One per test, on a port of its own, stopped when
//! dropped; it starts with one empty bucket.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BUCKET: &str = "consultor-backups";

pub struct FakeS3 {
    child: Child,
    pub endpoint: String,
}

fn moto_server() -> PathBuf {
    if let Some(path) = std::env::var_os("MOTO_SERVER") {
        return path.into();
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    if venv.is_file() {
        return venv;
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("moto_server"))
        .find(|p| p.is_file())
        .expect("moto_server not found: `make test-deps` installs it into .venv")
}

impl FakeS3 {
    pub async fn start() -> Self {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let child = Command::new(moto_server())
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let endpoint = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        super::wait_until("moto started", Duration::from_secs(30), || async {
            client
                .put(format!("{endpoint}/{BUCKET}"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
        })
        .await;
        Self { child, endpoint }
    }

    /// The store's settings for this server (`prefix` inside the bucket).
    pub fn store(&self, prefix: &str) -> consultor::backup::store::StoreConfig {
        consultor::backup::store::StoreConfig {
            location: format!("s3://{BUCKET}/{prefix}"),
            s3_endpoint: Some(self.endpoint.clone()),
            s3_region: "us-east-1".into(),
            s3_access_key_id: Some("teste".into()),
            s3_secret_access_key: Some(consultor::secret::Secret::new("segredo-teste")),
        }
    }

    /// The same, as the environment of a `consultor` command.
    pub fn env(&self, prefix: &str) -> Vec<(&'static str, String)> {
        vec![
            ("BACKUP_STORE", format!("s3://{BUCKET}/{prefix}")),
            ("BACKUP_S3_ENDPOINT", self.endpoint.clone()),
            ("BACKUP_S3_ACCESS_KEY_ID", "teste".into()),
            ("BACKUP_S3_SECRET_ACCESS_KEY", "segredo-teste".into()),
        ]
    }
}

impl Drop for FakeS3 {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}
