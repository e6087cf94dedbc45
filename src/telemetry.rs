//! Logging, and the query timer. `RUST_LOG` sets the log's filter (default: info for our
//! crates, warn for the rest; sqlx's own statement log off, since `monitoring::queries`
//! logs slow statements by name). The query timer sees every statement sqlx reports,
//! whatever the log's filter.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "warn,consultor=info,app=info,tower_http=info,sqlx::query=off".into());
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                // Colours for a person at a terminal; plain text for a log file or a journal.
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
                .with_filter(filter),
        )
        .with(
            crate::monitoring::queries::QueryTimer
                .with_filter(Targets::new().with_target("sqlx::query", LevelFilter::DEBUG)),
        )
        .try_init();
}
