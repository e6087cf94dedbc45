//! Public pages: the profile by slug, the 404, the demo seed.

use super::helpers::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_pages_and_slugs_are_real_404s() {
    let app = TestApp::spawn().await;
    for path in ["/c/ninguem-aqui", "/nao-existe"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(res.text().await.unwrap().contains("Página não encontrada"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_seed_is_idempotent_and_its_login_works() {
    let app = TestApp::spawn().await;
    let login = consultor::seed::seed_demo(&app.pool).await.unwrap();
    consultor::seed::seed_demo(&app.pool).await.unwrap();
    let (consultants, leads): (i64, i64) =
        sqlx::query_as("select (select count(*) from consultants), (select count(*) from leads)")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((consultants, leads), (1, 7));
    let res = app.login(login.email, login.password).await;
    assert_eq!(res.status(), 200);
    let html = app.get_html("/painel").await;
    assert!(html.contains("Olá, Joana"));
    assert!(
        html.contains("Marcos Oliveira"),
        "the most recent lead is listed"
    );
    assert!(
        !html.contains("Bruno Carvalho"),
        "only the five most recent are"
    );
    let profile = app.get_html("/c/joana-conceicao").await;
    assert!(profile.contains("Conversar no WhatsApp"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in ["/", "/entrar", "/c/ninguem", "/healthz", "/nada-aqui"] {
        let res = app.get(path).await;
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(
            h["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(
            h["permissions-policy"], "camera=(), microphone=(), geolocation=()",
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_s_connections_end_runaway_statements_and_forgotten_transactions() {
    let test_db = super::helpers::fresh_db().await;
    let options = consultor::startup::with_timeouts((*test_db.connect_options()).clone());
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    let (statement, idle): (String, String) = sqlx::query_as(
        "select current_setting('statement_timeout'), current_setting('idle_in_transaction_session_timeout')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((statement.as_str(), idle.as_str()), ("30s", "1min"));
    // Migrations run without it (an index on a big table may take longer).
    consultor::startup::migrate(&pool).await.unwrap();
    let after: String = sqlx::query_scalar("select current_setting('statement_timeout')")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(after, "30s", "the pool's connections keep their timeout");
}

/// A static file served while pages render must not take a page's response headers.
/// leptos_axum's file handler once answered each file inside a new reactive owner whose
/// parent was whatever owner the worker thread had left current (another request's render)
/// and moved that render's headers onto the file: in a browser, 30 of 80 dashboards lost
/// their Content-Security-Policy to a CSS request and came out with `default-src 'none'`,
/// unstyled and without JavaScript.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_keep_their_own_headers_while_static_files_are_served() {
    let app = TestApp::spawn().await;
    let res = app
        .signup(
            "Paula Paralela",
            "paula-paralela@exemplo.com",
            "senha-bem-longa-1",
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    // A file of our own in the site root, so the test does not depend on a front-end build.
    let root = leptos::config::get_configuration(None)
        .unwrap()
        .leptos_options
        .site_root;
    std::fs::create_dir_all(root.as_ref()).unwrap();
    let probe = "teste-arquivo-estatico.txt";
    std::fs::write(std::path::Path::new(root.as_ref()).join(probe), "ok").unwrap();

    let pages = (0..40).map(|_| {
        let app = &app;
        async move {
            let res = app.get("/painel").await;
            assert_eq!(res.status(), 200);
            res.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .to_string()
        }
    });
    let files = (0..200).map(|_| {
        let client = reqwest::Client::new();
        let url = app.url(&format!("/{probe}"));
        async move {
            let res = client.get(url).send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .to_string()
        }
    });
    let (pages, files) = tokio::join!(
        futures::future::join_all(pages),
        futures::future::join_all(files)
    );
    let lost = pages.iter().filter(|p| !p.contains("'nonce-")).count();
    assert_eq!(lost, 0, "{lost} of {} pages lost their policy", pages.len());
    let taken = files.iter().filter(|f| f.contains("'nonce-")).count();
    assert_eq!(taken, 0, "{taken} files carry a page's policy");
}
