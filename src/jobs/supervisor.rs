//! The one owner of the server's background work. Every loop (webhook workers, the outbox
//! sender, the reminders, the pending sweep, the dead claims' watcher, the dashboard
//! refresher, upkeep) is started here under a name, and its handle kept. On shutdown (SIGTERM) the server first
//! stops taking requests; then [`Supervisor::shutdown`] tells every loop to stop taking new
//! work, lets what is in flight finish within a grace period (a send under way completes and
//! is recorded; the rest of its conversation waits, unclaimed, for the next instance), aborts
//! what is still running after it, and releases this process's claims, so that another
//! instance carries on at once and nothing is sent twice.

use sqlx::PgPool;
use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What a loop watches to know it should stop taking work.
#[derive(Clone, Debug)]
pub struct StopSignal(watch::Receiver<bool>);

impl StopSignal {
    /// A signal that never fires (one-off work: the command line, tests).
    pub fn never() -> Self {
        // One sender for the life of the process: dropping it would end `stopped()`.
        static NEVER: std::sync::OnceLock<watch::Sender<bool>> = std::sync::OnceLock::new();
        Self(NEVER.get_or_init(|| watch::channel(false).0).subscribe())
    }

    pub fn is_stopping(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once shutdown has begun.
    pub async fn stopped(&mut self) {
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}

pub struct Supervisor {
    stop: watch::Sender<bool>,
    tasks: Vec<(&'static str, JoinHandle<()>)>,
    pool: Option<PgPool>,
}

impl Default for Supervisor {
    fn default() -> Self {
        Self::new()
    }
}

impl Supervisor {
    pub fn new() -> Self {
        let (stop, _) = watch::channel(false);
        Self {
            stop,
            tasks: Vec::new(),
            pool: None,
        }
    }

    pub fn signal(&self) -> StopSignal {
        StopSignal(self.stop.subscribe())
    }

    /// The pool whose claims this process releases at shutdown (the jobs' pool).
    pub fn releases_claims_on(&mut self, pool: PgPool) {
        self.pool = Some(pool);
    }

    /// Starts `task` under `name` (for the logs), keeping its handle.
    pub fn spawn(&mut self, name: &'static str, task: impl Future<Output = ()> + Send + 'static) {
        self.tasks.push((name, tokio::spawn(task)));
    }

    /// The names of the running tasks, in the order they were started.
    pub fn names(&self) -> Vec<&'static str> {
        self.tasks.iter().map(|(n, _)| *n).collect()
    }

    /// Stops every task: signals them, waits up to `grace` for them to finish what is in
    /// flight, aborts the rest, then releases this process's claims (attempted sends become
    /// `unknown`, the others go back to the queue; AI answers being written are let go).
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + grace;
        for (name, mut handle) in self.tasks {
            match tokio::time::timeout_at(deadline, &mut handle).await {
                Ok(_) => tracing::info!(task = name, "stopped"),
                Err(_) => {
                    handle.abort();
                    tracing::warn!(task = name, "still running after the grace period: aborted");
                }
            }
        }
        if let Some(pool) = self.pool {
            match super::claims::release_own_claims(&pool).await {
                Ok(n) if n > 0 => tracing::info!(claims = n, "claims released at shutdown"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not release claims at shutdown"),
            }
        }
    }
}
