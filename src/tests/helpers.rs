//! The harness: a migrated template database made once per run, a fresh copy of it per
//! test, the application on port 0, and an HTTP client with a cookie jar.

use consultor::config::Config;
use consultor::startup::{self, Application};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Connection, Executor, PgConnection};
use tokio::sync::OnceCell;
use uuid::Uuid;

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .expect("set TEST_DATABASE_URL (make test does) to a PostgreSQL that may create databases")
}

fn url_for(db: &str) -> String {
    let base = admin_url();
    let (prefix, _) = base.rsplit_once('/').expect("database URL has a path");
    format!("{prefix}/{db}")
}

async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("consultor_tpl_{}", std::process::id());
            let mut admin = PgConnection::connect(&admin_url()).await.expect("connect");
            // Databases left by earlier runs (tests do not drop theirs: a failure stays inspectable).
            let stale: Vec<String> = sqlx::query_scalar(
                "select datname from pg_database where datname like 'consultor_tpl_%' or datname like 'ct_%'",
            )
            .fetch_all(&mut admin)
            .await
            .expect("list");
            for db in stale {
                let _ = admin
                    .execute(format!("drop database if exists \"{db}\" with (force)").as_str())
                    .await;
            }
            admin
                .execute(format!("create database \"{name}\"").as_str())
                .await
                .expect("create template");
            let pool = PgPool::connect(&url_for(&name)).await.expect("connect template");
            startup::migrate(&pool).await.expect("migrate template");
            pool.close().await;
            name
        })
        .await
}

/// A fresh, migrated database for one test, and its URL (for a server in another process).
pub async fn fresh_db_with_url() -> (PgPool, String) {
    let pool = fresh_db().await;
    let name: String = sqlx::query_scalar("select current_database()")
        .fetch_one(&pool)
        .await
        .expect("database name");
    (pool, url_for(&name))
}

/// A database with nothing in it (not even the migrations), and its URL.
pub async fn new_empty_db() -> (PgPool, String) {
    let name = format!("ct_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url()).await.expect("connect");
    admin
        .execute(format!("create database \"{name}\"").as_str())
        .await
        .expect("create empty database");
    let url = url_for(&name);
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(&url)
        .await
        .expect("connect empty database");
    (pool, url)
}

/// A fresh, migrated database for one test.
pub async fn fresh_db() -> PgPool {
    let tpl = template().await;
    let name = format!("ct_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url()).await.expect("connect");
    admin
        .execute(format!("create database \"{name}\" template \"{tpl}\"").as_str())
        .await
        .expect("create test database");
    PgPoolOptions::new()
        .max_connections(8)
        .connect(&url_for(&name))
        .await
        .expect("connect test database")
}

pub struct TestApp {
    pub addr: String,
    pub pool: PgPool,
    pub client: reqwest::Client,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_on(fresh_db().await, tweak).await
    }

    /// Another server on an existing database (a restart, or a second instance).
    pub async fn spawn_on(pool: PgPool, tweak: impl FnOnce(&mut Config)) -> Self {
        let pools = startup::DbPools {
            web: pool.clone(),
            direct: pool,
        };
        Self::spawn_on_pools(pools, tweak).await
    }

    /// A server whose web requests use `pools.web` (a PgBouncer, say) and everything else
    /// `pools.direct`; `pool` (for the test's own queries) is the direct one.
    pub async fn spawn_on_pools(pools: startup::DbPools, tweak: impl FnOnce(&mut Config)) -> Self {
        let pool = pools.direct.clone();
        if std::env::var("LEPTOS_OUTPUT_NAME").is_err() {
            std::env::set_var("LEPTOS_OUTPUT_NAME", "consultor");
        }
        let mut config = Config::from_lookup(|k| match k {
            "DATABASE_URL" => Some("postgres://unused".into()),
            "BIND_ADDR" => Some("127.0.0.1:0".into()),
            "METRICS_REFRESH_SECS" => Some("0".into()),
            _ => None,
        })
        .expect("config");
        tweak(&mut config);
        let app = Application::build_with_pools(config, pools)
            .await
            .expect("build app");
        let addr = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        TestApp {
            addr,
            pool,
            client: new_client(),
        }
    }

    /// The value of a `select count(*) ...` query.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_html(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// The CSRF token rendered into the form on `page`.
    pub async fn csrf_from(&self, page: &str) -> String {
        let html = self.get_html(page).await;
        hidden_csrf(&html).unwrap_or_else(|| panic!("no csrf field on {page}"))
    }

    /// Posts a form the way the hydrated page does (a fetch, not an HTML navigation).
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    /// Posts a form the way a browser without JavaScript does.
    pub async fn post_plain_form(
        &self,
        path: &str,
        referer: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", self.url(referer))
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    pub async fn signup(&self, name: &str, email: &str, password: &str) -> reqwest::Response {
        let csrf = self.csrf_from("/cadastro").await;
        let whatsapp = number_for(email);
        self.post_form(
            "/api/cadastro",
            &[
                ("csrf", &csrf),
                ("name", name),
                ("email", email),
                ("password", password),
                ("whatsapp", &whatsapp),
                ("vertical", "health_plans"),
            ],
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let csrf = self.csrf_from("/entrar").await;
        self.post_form(
            "/api/entrar",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await
    }

    /// Erases the lead from its page, confirmed, as the consultant does (LGPD).
    pub async fn erase_lead(&self, lead: Uuid) {
        let page = format!("/leads/{lead}");
        let csrf = self.csrf_from(&page).await;
        let res = self
            .post_plain_form(
                &format!("{page}/excluir-dados"),
                &page,
                &[("csrf", &csrf), ("confirmar", "sim")],
            )
            .await;
        assert_eq!(res.headers()["location"], "/leads", "erased");
    }

    /// A second browser: its own cookie jar, same server.
    pub fn other_browser(&self) -> TestApp {
        TestApp {
            addr: self.addr.clone(),
            pool: self.pool.clone(),
            client: new_client(),
        }
    }
}

fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("consultor-tests/1.0")
        // A request the server never answers fails the test instead of hanging the run.
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client")
}

/// Serves a fake outside service (Graph API, AI provider) on loopback; returns its base URL.
pub async fn serve_fake(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

pub fn hidden_csrf(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"input[name="csrf"]"#).ok()?;
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .map(str::to_string)
}

/// Inserts a consultant on the privileged path and returns its id.
pub async fn insert_consultant(pool: &PgPool, email: &str, name: &str) -> Uuid {
    sqlx::query_scalar(
        "insert into consultants (email, password_hash, name, whatsapp_number, vertical, slug)
         values ($1, 'x', $2, '+5511912345678', 'health_plans', generate_slug($2)) returning id",
    )
    .bind(email)
    .bind(name)
    .fetch_one(pool)
    .await
    .expect("insert consultant")
}

/// A WhatsApp number of this e-mail's own (one number, one account), `(11) 9xxxx-xxxx`.
pub fn number_for(email: &str) -> String {
    let h = email
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let d = format!("{:08}", h % 100_000_000);
    format!("(11) 9{}-{}", &d[..4], &d[4..])
}

/// Gives an account `insert_consultant` made a real password, and signs `app`'s browser in.
pub async fn sign_in_inserted(app: &TestApp, email: &str) {
    let hash = app::server::password_hash::hash("uma senha bem longa 123".into())
        .await
        .unwrap();
    sqlx::query("update consultants set password_hash = $1 where email = $2")
        .bind(hash)
        .bind(email)
        .execute(&app.pool)
        .await
        .unwrap();
    let res = app.login(email, "uma senha bem longa 123").await;
    assert_eq!(res.status(), 200);
}

/// Services that send through a fake Graph API served at `url` (its `/v21.0` below it), with
/// the built-in AI responder.
pub fn graph_services(url: &str) -> consultor::jobs::Services {
    consultor::jobs::Services {
        transport: consultor::jobs::Transport::Graph(consultor::whatsapp::GraphClient {
            base_url: format!("{url}/v21.0"),
            client: reqwest::Client::new(),
            retry_delays: vec![std::time::Duration::from_millis(1)],
            app_id: Some("app-1".into()),
        }),
        ai: consultor::ai::AiProvider::BuiltIn,
        public_url: None,
        transcriber: None,
        sandbox_media: None,
    }
}

/// Connects `phone_number_id` to the account, as Embedded Signup leaves it (token `token`).
pub async fn connect_number(pool: &PgPool, consultant: Uuid, phone_number_id: &str) {
    sqlx::query(
        "insert into whatsapp_connections
             (consultant_id, waba_id, phone_number_id, display_phone_number, access_token)
         values ($1, '77', $2, '+55 11 91234-5678', 'token')",
    )
    .bind(consultant)
    .bind(phone_number_id)
    .execute(pool)
    .await
    .expect("connect number");
}

/// The id of the account with this e-mail.
pub async fn consultant_id(pool: &PgPool, email: &str) -> Uuid {
    sqlx::query_scalar("select id from consultants where email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .expect("consultant")
}
