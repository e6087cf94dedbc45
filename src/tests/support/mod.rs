//! What the integration tests share beyond the harness (`helpers`): WhatsApp webhooks and
//! their payloads (`whatsapp`), one fake Graph API (`fake_graph`), and waiting on a
//! condition instead of sleeping.

pub mod fake_graph;
pub mod fake_s3;
pub mod fake_speech;
pub mod pgbouncer;
pub mod whatsapp;

use std::future::Future;
use std::time::{Duration, Instant};

/// How often a wait looks at its condition again.
const POLL: Duration = Duration::from_millis(25);

/// Waits until `done` holds, looking again every few milliseconds; fails the test with
/// `what` past `within`. Returns how long it took.
pub async fn wait_until<F, Fut>(what: &str, within: Duration, mut done: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if done().await {
            return start.elapsed();
        }
        assert!(start.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(POLL).await;
    }
}

/// Whether the tests run as root: then PostgreSQL and PgBouncer, which refuse root, run as
/// the `postgres` user (as the Makefile's clusters do).
pub fn as_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
