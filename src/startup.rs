//! Builds the application as a value: `Application::build(config)` binds a listener (port 0
//! in tests), exposes `port()`, and serves until stopped.

use crate::config::Config;
use crate::database;
pub use crate::database::{connect, migrate, with_timeouts, DbPools};
use crate::jobs;
use crate::same_origin::AppOrigin;
use crate::webhooks::{self, WebhookState};
use crate::whatsapp::connect::ConnectState;
use crate::whatsapp::signup::MetaApp;
use app::server::outbox::Outbox;
use app::server::{AppConfig, AppState};
use app::{shell, App};
use axum::extract::State;
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use sqlx::postgres::PgPool;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::Notify;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{time, SameSite};
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    port: u16,
    /// Every background task, stopped after the HTTP server on shutdown.
    jobs: jobs::supervisor::Supervisor,
    shutdown_grace: Duration,
    /// SIGTERM's handler, installed before any background work starts: a signal that comes
    /// early (the work is already sending) still stops the server cleanly.
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let pools = database::connect_pools(&config).await?;
        Self::build_with_pools(config, pools).await
    }

    /// On one pool for everything (the tests' usual case).
    pub async fn build_with_pool(config: Config, pool: PgPool) -> anyhow::Result<Self> {
        let pools = DbPools {
            web: pool.clone(),
            direct: pool,
        };
        Self::build_with_pools(config, pools).await
    }

    pub async fn build_with_pools(config: Config, pools: DbPools) -> anyhow::Result<Self> {
        // Web requests' transactions go through `pool` (a PgBouncer, maybe); everything that
        // holds a session (advisory locks, the session store, the jobs) through `direct`.
        let (pool, direct) = (pools.web, pools.direct);
        let listener = tokio::net::TcpListener::bind(config.bind_addr).await?;
        let port = listener.local_addr()?.port();

        let bound = SocketAddr::new(config.bind_addr.ip(), port);
        let mut leptos_options = leptos::config::get_configuration(None)?.leptos_options;
        leptos_options.site_addr = bound;
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"));

        let state = AppState {
            pool: pool.clone(),
            config: Arc::new(AppConfig {
                public_url: public_url.clone(),
                trust_proxy_headers: config.trust_proxy_headers,
                login_max_failures_per_account: config.login_max_failures_per_account.into(),
                login_max_failures_per_account_all_addresses: config
                    .login_max_failures_per_account_all_addresses
                    .into(),
                login_max_failures_per_ip: config.login_max_failures_per_ip.into(),
                login_window_secs: config.login_window_secs.into(),
                login_backstop_window_secs: config.login_backstop_window_secs.into(),
                known_device_days: config.known_device_days.into(),
                whatsapp_signup: config.meta_app().is_some(),
                prices: config.prices,
                push_public_key: config.web_push.as_ref().map(|k| k.vapid.public_base64url()),
            }),
            outbox: Outbox::default(),
            mailer: crate::mail::from_config(&config)?,
            answers: Some(Arc::new(crate::ai::AiProvider::from_config(&config))),
            leptos_options,
        };

        let store = PostgresStore::new(direct.clone());
        let sessions = SessionManagerLayer::new(store)
            .with_name("consultor_sessao")
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(config.cookies_secure())
            .with_expiry(Expiry::OnInactivity(time::Duration::days(
                app::server::auth::SESSION_INACTIVITY_DAYS,
            )));

        let routes = route_list();
        #[cfg(unix)]
        let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        let wake = Arc::new(Notify::new());
        // Each kind of background work has its own switch (WEBHOOK_WORKERS, SENDER_ENABLED,
        // SCHEDULER_ENABLED, METRICS_REFRESH_SECS): no intake workers no longer means that a
        // reply typed on the lead page is never sent.
        let mut jobs = jobs::supervisor::Supervisor::new();
        let mut metrics_pools = crate::monitoring::database::Pools {
            web: pool.clone(),
            direct: direct.clone(),
            jobs: None,
        };
        let sends = config.webhook_workers > 0 || config.sender_enabled || config.scheduler_enabled;
        if sends {
            let services = services(&config, &public_url);
            let jobs_pool = database::jobs_pool(&direct, config.webhook_workers);
            // Held before anything is claimed, so no claim of ours looks like a dead one's.
            jobs::hold_liveness(&jobs_pool).await?;
            jobs.releases_claims_on(jobs_pool.clone());
            metrics_pools.jobs = Some(jobs_pool.clone());
            if config.webhook_workers > 0 {
                jobs::spawn_workers(
                    &mut jobs,
                    jobs_pool.clone(),
                    wake.clone(),
                    jobs::WorkerConfig {
                        workers: config.webhook_workers,
                        services: services.clone(),
                        idle_poll: Duration::from_millis(500),
                    },
                );
            }
            if config.sender_enabled {
                jobs::spawn_outbox_sender(
                    &mut jobs,
                    jobs_pool.clone(),
                    state.outbox.clone(),
                    services.transport.clone(),
                );
                jobs::spawn_dead_claim_watcher(&mut jobs, jobs_pool.clone(), services.clone());
            }
            if config.scheduler_enabled {
                jobs::spawn_reminders(
                    &mut jobs,
                    jobs_pool.clone(),
                    Duration::from_secs(config.reminder_delay_secs),
                );
                jobs::spawn_scheduler(&mut jobs, jobs_pool.clone(), state.outbox.clone());
                jobs::rescoring::spawn(&mut jobs, jobs_pool.clone());
                jobs::summaries::spawn(&mut jobs, jobs_pool.clone(), services.ai.clone());
                jobs::conversions::spawn(
                    &mut jobs,
                    jobs_pool.clone(),
                    jobs::conversions::ConversionsApi::new(&config.whatsapp_graph_url),
                );
                if let Some(keys) = &config.web_push {
                    crate::push::spawn(
                        &mut jobs,
                        jobs_pool.clone(),
                        crate::push::WebPush::new(keys),
                    );
                }
                if let Some(plan) = config.backup_plan()? {
                    crate::backup::scheduled::spawn(&mut jobs, jobs_pool.clone(), plan);
                }
                jobs::spawn_pending_sweep(&mut jobs, jobs_pool, services);
            }
        }
        crate::monitoring::queries::set_slow_threshold(Duration::from_millis(config.slow_query_ms));
        if config.metrics_token.is_some() {
            crate::monitoring::spawn_upkeep(&mut jobs);
        }
        let context_state = state.clone();
        let shell_options = state.leptos_options.clone();
        let router = Router::new()
            .route("/healthz", get(healthz))
            .merge(crate::monitoring::routes(
                config.metrics_token.clone(),
                metrics_pools,
                crate::monitoring::database::Sources {
                    disk: match config.database_disk_bytes {
                        Some(bytes) => crate::monitoring::database::Disk::Configured(bytes),
                        None => crate::monitoring::database::Disk::Local,
                    },
                    backups: config.backup_recipients.is_some() && config.scheduler_enabled,
                },
            ))
            .merge(crate::web_app::routes())
            .merge(app::handlers::routes())
            .route(
                "/fluxos/{flow}/comparativo.png",
                get(crate::comparison::preview::preview),
            )
            .merge(crate::whatsapp::connect::routes(ConnectState {
                app: state.clone(),
                meta: config.meta_app().map(|config| {
                    Arc::new(MetaApp {
                        config,
                        client: crate::whatsapp::http_client(),
                    })
                }),
            }))
            .merge(webhooks::router(
                WebhookState {
                    pool: pool.clone(),
                    verify_token: config.whatsapp_verify_token.clone(),
                    app_secret: config.whatsapp_app_secret.clone(),
                    wake: wake.clone(),
                },
                config.webhook_max_body_bytes,
            ))
            .leptos_routes_with_context(
                &state,
                routes,
                move || provide_context(context_state.clone()),
                move || shell(shell_options.clone()),
            )
            // The site root's files (wasm bundle, CSS, favicon) are served by ServeDir itself;
            // only misses reach leptos_axum's handler, for the app's 404 page. That handler
            // answers a found file inside a new reactive owner whose parent is whatever owner
            // the worker thread last left current (another request's page render) and moves
            // that render's response headers onto the file: 30 of 80 concurrent dashboards
            // lost their Content-Security-Policy to CSS requests (tests::pages).
            .fallback_service(
                ServeDir::new(&*state.leptos_options.site_root)
                    .precompressed_br()
                    .precompressed_gzip()
                    .fallback(
                        leptos_axum::file_and_error_handler::<AppState, _>(shell)
                            .with_state(state.clone()),
                    ),
            )
            .layer(axum::middleware::from_fn_with_state(
                crate::form_limits::ErrorPages {
                    stylesheet: format!(
                        "/{}/{}.css",
                        state.leptos_options.site_pkg_dir, state.leptos_options.output_name
                    ),
                },
                crate::form_limits::check,
            ))
            .layer(sessions)
            .layer(axum::middleware::from_fn_with_state(
                match &config.public_url {
                    Some(url) => AppOrigin::from_public_url(url),
                    None => AppOrigin::loopback(port),
                },
                crate::same_origin::check,
            ))
            .layer(axum::middleware::map_response(crate::security_headers::add))
            .layer(axum::middleware::from_fn(crate::asset_cache::set))
            // Pages compressed on the way out (brotli or gzip, as the browser accepts): a
            // dashboard's HTML is 4 to 5 times smaller. The site's files are stored already
            // compressed (`make build-release`) and pass through as they are.
            // Level 5: most of brotli's gain on a page for a fraction of its slowest setting.
            .layer(
                tower_http::compression::CompressionLayer::new()
                    .quality(tower_http::CompressionLevel::Precise(5))
                    .compress_when(crate::asset_cache::worth_compressing),
            )
            .layer(TraceLayer::new_for_http())
            // Counted and timed by route (`monitoring::http`): a layer of the router, so each
            // request's matched route is known.
            .layer(axum::middleware::from_fn(crate::monitoring::http::record))
            .with_state(state);

        app::server::password_hash::warm_up();
        if config.metrics_refresh_secs > 0 {
            // The dashboard's figures follow changes every minute at most (today's figures
            // never wait long); a full pass, with the seed's views, every few refreshes.
            let every = Duration::from_secs(config.metrics_refresh_secs.min(60));
            jobs::metrics::spawn_refresher(
                &mut jobs,
                direct.clone(),
                every,
                Duration::from_secs(config.metrics_refresh_secs.max(60) * 12),
            );
            spawn_maintenance(
                &mut jobs,
                direct,
                Duration::from_secs(config.metrics_refresh_secs),
            );
        }
        tracing::debug!(tasks = ?jobs.names(), "background work started");
        Ok(Self {
            listener,
            router,
            port,
            jobs,
            shutdown_grace: Duration::from_secs(config.shutdown_grace_secs),
            #[cfg(unix)]
            terminate,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM (or Ctrl-C): then stops taking requests, lets those under way
    /// finish, stops the background work (see `jobs::supervisor`) and returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        // Streamed bodies (the CSV export) are written in pieces; without TCP_NODELAY the
        // last small piece waits for the client's delayed ACK (a flat 40 ms per response).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "TCP_NODELAY");
            }
        });
        axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal(
            #[cfg(unix)]
            self.terminate,
        ))
        .await?;
        tracing::info!("no longer taking requests; stopping background work");
        self.jobs.shutdown(self.shutdown_grace).await;
        Ok(())
    }
}

/// What background processing talks to, from the configuration.
pub fn services(config: &Config, public_url: &str) -> jobs::Services {
    jobs::Services::from_config(config, public_url)
}

/// The page routes, computed once per process. While Leptos generates the list it suppresses
/// resource loading process-wide (leptos-rs/leptos#4773): a page whose resources start in that
/// window never finishes. Generating it again for each Application (the tests build many in
/// one process) made such pages hang now and then; once, before anything serves, is safe.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> StatusCode {
    let answered = async {
        let mut tx = state.pool.begin().await?;
        sqlx::query!("select 1 as one").fetch_one(&mut *tx).await?;
        tx.commit().await
    };
    match answered.await {
        Ok(_) => StatusCode::OK,
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// Periodic upkeep: keeps the analytics views fresh (the seed asked for pg_cron; this needs
/// no extension), applies the retention rules, and deletes expired sessions, which the store
/// otherwise keeps forever.
fn spawn_maintenance(jobs: &mut jobs::supervisor::Supervisor, pool: PgPool, every: Duration) {
    let mut stop = jobs.signal();
    jobs.spawn("upkeep", async move {
        let store = PostgresStore::new(pool.clone());
        let mut tick = tokio::time::interval(every);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.stopped() => break,
            }
            let retention = sqlx::query!(
                r#"select webhook_events_deleted as "events!", audit_ips_anonymised as "ips!",
                          consultants_deleted as "accounts!", messages_archived as "archived!"
                     from apply_retention()"#
            )
            .fetch_one(&pool)
            .await
            .map(|r| (r.events, r.ips, r.accounts, r.archived));
            match retention {
                Ok((0, 0, 0, 0)) => {}
                Ok((events, ips, accounts, archived)) => {
                    tracing::info!(events, ips, accounts, archived, "retention applied")
                }
                Err(e) => tracing::warn!(error = %e, "retention failed"),
            }
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "expired session cleanup failed");
            }
        }
    });
}

async fn shutdown_signal(#[cfg(unix)] mut terminate: tokio::signal::unix::Signal) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async move {
        terminate.recv().await;
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
