//! The shared state handed to axum routes and, through Leptos context, to server functions.

use sqlx::PgPool;
use std::sync::Arc;

/// The settings pages and server functions need (a slice of the server's config).
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Where the site is reached, e.g. `http://127.0.0.1:3000`; used for absolute links
    /// (Open Graph, the public profile link) and to decide on `Secure` cookies.
    pub public_url: String,
    /// Trust `X-Forwarded-For` for the client IP (only behind a proxy that sets it).
    pub trust_proxy_headers: bool,
    /// Failed password checks allowed for one account from one address (or one known
    /// device) within `login_window_secs`, since the last success there.
    pub login_max_failures_per_account: i64,
    /// Failed password checks allowed for one account over every address within
    /// `login_backstop_window_secs` (known devices are not held by it).
    pub login_max_failures_per_account_all_addresses: i64,
    /// Failed password checks allowed per IP within `login_window_secs`.
    pub login_max_failures_per_ip: i64,
    pub login_window_secs: i64,
    pub login_backstop_window_secs: i64,
    /// How long a browser that signed in stays a known device without signing in again.
    pub known_device_days: i64,
    /// A Meta app is configured: consultants connect their numbers (Embedded Signup).
    pub whatsapp_signup: bool,
    /// What messages cost, for the estimates (see `domain::pricing`).
    pub prices: crate::domain::pricing::PriceTable,
    /// The Web Push public key browsers subscribe with (`None`: no notifications on phones).
    pub push_public_key: Option<String>,
}

/// The words of the AI answer for the flow simulator, from the provider the server is
/// configured with (it lives in the server crate). Never fails: a provider error gives the
/// built-in responder's words. The compliance gate is applied by the simulator itself.
pub trait AnswerWriter: Send + Sync {
    fn write<'a>(
        &'a self,
        ctx: &'a crate::domain::ai::AnswerContext,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = String> + Send + 'a>>;
}

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<AppConfig>,
    /// None: the simulator uses the built-in responder.
    pub answers: Option<Arc<dyn AnswerWriter>>,
    /// Wakes the outbound sender (a consultant's reply is sent at once).
    pub outbox: super::outbox::Outbox,
    /// Where e-mail goes (SMTP, or the server log).
    pub mailer: Arc<dyn super::mail::Mailer>,
    pub leptos_options: leptos::config::LeptosOptions,
}

impl axum::extract::FromRef<AppState> for leptos::config::LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state, from inside a server function or a component rendered on the server.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from Leptos context");
        crate::error::AppError::Internal
    })
}
