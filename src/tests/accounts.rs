//! Sign-up, login, logout, CSRF, throttling and the audit trail, over HTTP.

use super::helpers::TestApp;
use serde_json::Value;

const PASSWORD: &str = "senha-segura-123";

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("consultor_sessao="))
        .map(str::to_string)
}

async fn audit_actions(app: &TestApp) -> Vec<(String, Option<String>, Option<String>)> {
    sqlx::query_as(
        "select action, host(ip_address), user_agent from audit_logs order by created_at, action",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_check_answers_when_the_database_does() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signup_creates_the_account_signs_in_and_audits() {
    let app = TestApp::spawn().await;
    let res = app
        .signup("João Conceição", " Joao@Exemplo.com ", PASSWORD)
        .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let (email, phone, slug, hash): (String, String, String, String) =
        sqlx::query_as("select email, whatsapp_number, slug, password_hash from consultants")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(email, "joao@exemplo.com");
    let expected =
        app::domain::PhoneBr::parse(&super::helpers::number_for(" Joao@Exemplo.com ")).unwrap();
    assert_eq!(phone, expected.as_str());
    assert_eq!(slug, "joao-conceicao");
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));

    let painel = app.get("/painel").await;
    assert_eq!(painel.status(), 200);
    let html = painel.text().await.unwrap();
    assert!(html.contains("João Conceição"), "shell shows the name");

    let audit = audit_actions(&app).await;
    assert_eq!(audit[0].0, "signup");
    assert_eq!(audit[0].1.as_deref(), Some("127.0.0.1"));
    assert_eq!(audit[0].2.as_deref(), Some("consultor-tests/1.0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signup_refuses_bad_input_with_field_messages_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let csrf = app.csrf_from("/cadastro").await;
    let res = app
        .post_form(
            "/api/cadastro",
            &[
                ("csrf", &csrf),
                ("name", "J"),
                ("email", "nao-e-email"),
                ("password", "curta"),
                ("whatsapp", "(11) 3333-4444"),
                ("vertical", "bancos"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    let fields: Vec<&str> = body["Invalid"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["name", "email", "password", "whatsapp", "vertical"]
    );
    let n = app.count("select count(*) from consultants").await;
    assert_eq!(n, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_email_is_a_field_error_and_same_names_get_numbered_slugs() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.signup("Ana Souza", "ana@exemplo.com", PASSWORD)
            .await
            .status(),
        200
    );
    let other = app.other_browser();
    let res = other.signup("Ana Souza", "ANA@exemplo.com", PASSWORD).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["Invalid"]["fields"][0]["field"], "email");
    assert_eq!(
        body["Invalid"]["fields"][0]["message"],
        "Já existe uma conta com este e-mail."
    );

    let third = app.other_browser();
    assert_eq!(
        third
            .signup("Ana Souza", "ana2@exemplo.com", PASSWORD)
            .await
            .status(),
        200
    );
    let slugs: Vec<String> = sqlx::query_scalar("select slug from consultants order by created_at")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(slugs, ["ana-souza", "ana-souza-1"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_without_a_valid_csrf_token_are_refused() {
    let app = TestApp::spawn().await;
    app.get("/cadastro").await; // a session exists, with its own token
    for token in ["", "0000"] {
        let res = app
            .post_form(
                "/api/cadastro",
                &[
                    ("csrf", token),
                    ("name", "Ana"),
                    ("email", "ana@exemplo.com"),
                    ("password", PASSWORD),
                    ("whatsapp", "11912345678"),
                    ("vertical", "insurance"),
                ],
            )
            .await;
        assert_eq!(res.status(), 403);
    }
    // A token from another session is no good either.
    let other = app.other_browser();
    let foreign = other.csrf_from("/cadastro").await;
    let res = app
        .post_form(
            "/api/entrar",
            &[("csrf", &foreign), ("email", "a@b.com"), ("password", "x")],
        )
        .await;
    assert_eq!(res.status(), 403);
    let n = app.count("select count(*) from consultants").await;
    assert_eq!(n, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_cycles_the_session_and_logout_ends_it_server_side() {
    let app = TestApp::spawn().await;
    app.signup("Ana Souza", "ana@exemplo.com", PASSWORD).await;
    let browser = app.other_browser();

    let csrf = browser.csrf_from("/entrar").await;
    let anonymous: String = sqlx::query_scalar(
        "select id from tower_sessions.session order by expiry_date desc limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let res = browser
        .post_form(
            "/api/entrar",
            &[
                ("csrf", &csrf),
                ("email", "ana@exemplo.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["location"], "/painel");
    let cookie = session_cookie(&res).expect("new session cookie on login");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");
    assert!(
        !cookie.contains(&anonymous),
        "session id must change at login"
    );
    let old_exists: bool =
        sqlx::query_scalar("select exists (select 1 from tower_sessions.session where id = $1)")
            .bind(&anonymous)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(!old_exists, "the pre-login session id is gone");
    assert_eq!(browser.get("/painel").await.status(), 200);

    let html = browser.get_html("/painel").await;
    let csrf = super::helpers::hidden_csrf(&html).unwrap();
    let sessions_before = app
        .count("select count(*) from tower_sessions.session")
        .await;
    let res = browser.post_form("/api/sair", &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), 200);
    let sessions_after = app
        .count("select count(*) from tower_sessions.session")
        .await;
    assert_eq!(
        sessions_after,
        sessions_before - 1,
        "logout deletes the stored session"
    );
    let res = browser.get("/painel").await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/entrar");

    let actions: Vec<String> = audit_actions(&app).await.into_iter().map(|a| a.0).collect();
    assert_eq!(actions, ["signup", "login", "logout"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_email_and_wrong_password_look_the_same() {
    let app = TestApp::spawn().await;
    app.signup("Ana Souza", "ana@exemplo.com", PASSWORD).await;
    let browser = app.other_browser();

    let started = std::time::Instant::now();
    let wrong = browser.login("ana@exemplo.com", "senha-errada-1").await;
    let wrong_time = started.elapsed();
    let (wrong_status, wrong_body) = (wrong.status(), wrong.text().await.unwrap());

    let started = std::time::Instant::now();
    let unknown = browser.login("ninguem@exemplo.com", "senha-errada-1").await;
    let unknown_time = started.elapsed();
    let (unknown_status, unknown_body) = (unknown.status(), unknown.text().await.unwrap());

    assert_eq!(wrong_status, 422);
    assert_eq!(wrong_status, unknown_status);
    assert_eq!(wrong_body, unknown_body);
    assert!(wrong_body.contains("E-mail ou senha incorretos."));
    // Both verify an argon2 hash; neither returns early. Generous bound for a busy machine.
    let (fast, slow) = if wrong_time < unknown_time {
        (wrong_time, unknown_time)
    } else {
        (unknown_time, wrong_time)
    };
    assert!(
        slow.as_secs_f64() < fast.as_secs_f64() * 3.0 + 0.05,
        "timings differ: wrong {wrong_time:?}, unknown {unknown_time:?}"
    );

    let failed: Vec<(String, Option<String>)> = sqlx::query_as(
        "select details->>'email', host(ip_address) from audit_logs where action = 'login_failed' order by created_at",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        failed,
        [
            ("ana@exemplo.com".to_string(), Some("127.0.0.1".to_string())),
            (
                "ninguem@exemplo.com".to_string(),
                Some("127.0.0.1".to_string())
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_are_throttled_per_account_and_per_ip() {
    let app = TestApp::spawn_with(|c| {
        c.login_max_failures_per_account = 3;
        c.login_max_failures_per_ip = 5;
    })
    .await;
    app.signup("Ana Souza", "ana@exemplo.com", PASSWORD).await;
    let browser = app.other_browser();
    for _ in 0..3 {
        assert_eq!(
            browser
                .login("ana@exemplo.com", "errada-123")
                .await
                .status(),
            422
        );
    }
    // Even the right password waits out the window now.
    let res = browser.login("ana@exemplo.com", PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert!(res.text().await.unwrap().contains("Muitas tentativas"));

    // Per IP: two more failures on other accounts reach the IP's limit of 5.
    for email in ["b@exemplo.com", "c@exemplo.com"] {
        assert_eq!(browser.login(email, "errada-123").await.status(), 422);
    }
    assert_eq!(
        browser.login("d@exemplo.com", "errada-123").await.status(),
        429
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_errors_come_back_on_the_form_page() {
    let app = TestApp::spawn().await;
    let csrf = app.csrf_from("/cadastro").await;
    let res = app
        .post_plain_form(
            "/api/cadastro",
            "/cadastro",
            &[
                ("csrf", &csrf),
                ("name", "Ana Souza"),
                ("email", "ana@exemplo.com"),
                ("password", "curta"),
                ("whatsapp", "11912345678"),
                ("vertical", "insurance"),
            ],
        )
        .await;
    assert_eq!(res.status(), 302);
    let back = res.headers()["location"].to_str().unwrap();
    assert!(back.starts_with(&app.url("/cadastro")), "{back}");
    let html = app.get_html("/cadastro").await;
    assert!(html.contains("A senha precisa ter pelo menos 8 caracteres."));
    // What was typed is kept (but never the password).
    assert!(html.contains(r#"value="ana@exemplo.com""#));
    assert!(!html.contains("curta"));
    // The message is shown once, not on every later visit.
    let again = app.get_html("/cadastro").await;
    assert!(!again.contains("A senha precisa ter pelo menos 8 caracteres."));

    // A successful plain post redirects to the dashboard.
    let csrf = app.csrf_from("/cadastro").await;
    let res = app
        .post_plain_form(
            "/api/cadastro",
            "/cadastro",
            &[
                ("csrf", &csrf),
                ("name", "Ana Souza"),
                ("email", "ana@exemplo.com"),
                ("password", PASSWORD),
                ("whatsapp", "11912345678"),
                ("vertical", "insurance"),
            ],
        )
        .await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/painel");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_consultants_skip_the_login_and_signup_pages() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/entrar").await.status(), 200);
    app.signup("Ana Souza", "ana@exemplo.com", PASSWORD).await;
    for page in ["/entrar", "/cadastro"] {
        let res = app.get(page).await;
        assert_eq!(res.status(), 302, "{page}");
        assert_eq!(res.headers()["location"], "/painel");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_successful_login_starts_the_account_count_afresh() {
    let app = TestApp::spawn_with(|c| c.login_max_failures_per_account = 3).await;
    app.signup("Ana Souza", "ana@exemplo.com", PASSWORD).await;
    for round in 0..2 {
        // A new browser each round: a signed-in one skips the login page.
        let browser = app.other_browser();
        for _ in 0..2 {
            let res = browser.login("ana@exemplo.com", "errada-123").await;
            assert_eq!(res.status(), 422, "round {round}");
        }
        // Four failures in the window, but never three since the last success.
        let res = browser.login("ana@exemplo.com", PASSWORD).await;
        assert_eq!(res.status(), 200, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_wrong_passwords_get_no_more_checks_than_the_limit() {
    let app = TestApp::spawn_with(|c| c.login_max_failures_per_account = 5).await;
    app.signup("Ana Souza", "ana@exemplo.com", PASSWORD).await;
    let browser = app.other_browser();
    let csrf = browser.csrf_from("/entrar").await;
    let attempts: Vec<_> = (0..60)
        .map(|i| {
            let (client, url, csrf) = (
                browser.client.clone(),
                browser.url("/api/entrar"),
                csrf.clone(),
            );
            tokio::spawn(async move {
                client
                    .post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("email", "ana@exemplo.com"),
                        ("password", &format!("errada-{i}")),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 422).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (5, 55), "{statuses:?}");
    assert_eq!(app.count("select count(*) from login_attempts").await, 5);
    assert_eq!(
        app.count("select count(*) from audit_logs where action = 'login_failed'")
            .await,
        5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absurd_e_mail_or_password_gets_no_work() {
    let app = TestApp::spawn().await;
    let long_email = format!("{}@exemplo.com", "a".repeat(250));
    let res = app.login(&long_email, "qualquer-senha").await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("E-mail ou senha incorretos."));
    let res = app.login("ana@exemplo.com", &"x".repeat(5000)).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        app.count("select count(*) from login_attempts").await,
        0,
        "refused before any reservation or hash"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_account_s_sessions_stop_at_once() {
    let app = TestApp::spawn().await;
    app.signup("Ana Souza", "ana@exemplo.com", PASSWORD).await;
    assert!(app.get_html("/leads").await.contains("Leads"));
    let csrf = app.csrf_from("/configuracoes").await;
    sqlx::query("update consultants set is_active = false")
        .execute(&app.pool)
        .await
        .unwrap();
    // A page sends the visitor to the login; a server function answers 401.
    let res = app.get("/leads").await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let res = app
        .post_form(
            "/api/salvar-configuracoes",
            &settings_form(&csrf, "Ana", "+55 21 98765-4321", "ana-souza"),
        )
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        app.count("select count(*) from consultants where name = 'Ana'")
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_from_another_site_are_refused_and_plant_nothing() {
    let app = TestApp::spawn().await;
    app.signup("Ana Souza", "ana@exemplo.com", PASSWORD).await;
    let csrf = app.csrf_from("/configuracoes").await;
    let form = settings_form(&csrf, "Nome Plantado", "+55 21 98765-4321", "ana-souza");
    for (header, value) in [
        ("origin", "https://golpe.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let res = app
            .client
            .post(app.url("/api/salvar-configuracoes"))
            .header(header, value)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{header}");
    }
    assert_eq!(
        app.count("select count(*) from consultants where name = 'Nome Plantado'")
            .await,
        0
    );
    // The app's own pages post with its origin.
    let res = app
        .client
        .post(app.url("/api/salvar-configuracoes"))
        .header("origin", app.addr.as_str())
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Without JavaScript, a post with a bad token shows its error but not the text it carried.
    let res = app
        .post_plain_form(
            "/api/salvar-configuracoes",
            "/configuracoes",
            &settings_form(
                "token-falso",
                "Texto Plantado",
                "+55 21 98765-4321",
                "ana-souza",
            ),
        )
        .await;
    assert!(res.status().is_redirection());
    let page = app.get_html("/configuracoes").await;
    assert!(!page.contains("Texto Plantado"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whatsapp_number_belongs_to_one_account() {
    let app = TestApp::spawn().await;
    app.signup("Ana Souza", "ana@exemplo.com", PASSWORD).await;
    let taken = super::helpers::number_for("ana@exemplo.com");
    let other = app.other_browser();
    let csrf = other.csrf_from("/cadastro").await;
    let res = other
        .post_form(
            "/api/cadastro",
            &[
                ("csrf", &csrf),
                ("name", "Bia Lima"),
                ("email", "bia@exemplo.com"),
                ("password", PASSWORD),
                ("whatsapp", &taken),
                ("vertical", "health_plans"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Este número de WhatsApp já está ligado a outra conta."));
    // Nor can an existing account take it in Settings.
    other.signup("Bia Lima", "bia@exemplo.com", PASSWORD).await;
    let csrf = other.csrf_from("/configuracoes").await;
    let slug: String =
        sqlx::query_scalar("select slug from consultants where email = 'bia@exemplo.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let res = other
        .post_form(
            "/api/salvar-configuracoes",
            &settings_form(&csrf, "Bia Lima", &taken, &slug),
        )
        .await;
    assert_eq!(res.status(), 422);
}

/// The settings form as the page posts it (bio and registration empty, insurance).
fn settings_form<'a>(
    csrf: &'a str,
    name: &'a str,
    whatsapp: &'a str,
    slug: &'a str,
) -> [(&'static str, &'a str); 7] {
    [
        ("csrf", csrf),
        ("name", name),
        ("bio", ""),
        ("crm_number", ""),
        ("whatsapp", whatsapp),
        ("vertical", "insurance"),
        ("slug", slug),
    ]
}

/// A login from `ip` (the server trusts `X-Forwarded-For` in these tests).
async fn login_from(browser: &TestApp, ip: &str, email: &str, password: &str) -> reqwest::Response {
    let csrf = browser.csrf_from("/entrar").await;
    browser
        .client
        .post(browser.url("/api/entrar"))
        .header("x-forwarded-for", ip)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

async fn logout(browser: &TestApp) {
    let csrf = browser.csrf_from("/configuracoes").await;
    let res = browser.post_form("/api/sair", &[("csrf", &csrf)]).await;
    assert!(res.status().is_success() || res.status().is_redirection());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_s_failures_do_not_lock_the_owner_out() {
    let app = TestApp::spawn_with(|c| {
        c.trust_proxy_headers = true;
        c.login_max_failures_per_account = 3;
        c.login_max_failures_per_account_all_addresses = 10;
    })
    .await;
    app.signup("Ana Souza", "ana@exemplo.com", PASSWORD).await;
    // The owner's phone signs in once (and becomes a known device), then signs out.
    let phone = app.other_browser();
    let res = login_from(&phone, "10.0.0.1", "ana@exemplo.com", PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert!(res
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("consultor_aparelho=")));
    logout(&phone).await;

    // A competitor uses up the attempts of the account from their address...
    let stranger = app.other_browser();
    for _ in 0..3 {
        let res = login_from(&stranger, "203.0.113.7", "ana@exemplo.com", "chute-123").await;
        assert_eq!(res.status(), 422);
    }
    let res = login_from(&stranger, "203.0.113.7", "ana@exemplo.com", PASSWORD).await;
    assert_eq!(res.status(), 429, "even the right password, from there");

    // ...but not the owner's: the known phone on another network, and a new laptop.
    let res = login_from(&phone, "198.51.100.50", "ana@exemplo.com", PASSWORD).await;
    assert_eq!(res.status(), 200, "known device");
    let laptop = app.other_browser();
    let res = login_from(&laptop, "198.51.100.2", "ana@exemplo.com", PASSWORD).await;
    assert_eq!(res.status(), 200, "new device, clean address");
    logout(&laptop).await;

    // Guesses spread over many addresses meet the account's backstop (10 in all).
    for i in 0..7 {
        let res = login_from(
            &app.other_browser(),
            &format!("192.0.2.{i}"),
            "ana@exemplo.com",
            "chute-123",
        )
        .await;
        assert_eq!(res.status(), 422, "address {i}");
    }
    let res = login_from(
        &app.other_browser(),
        "192.0.2.100",
        "ana@exemplo.com",
        "chute-123",
    )
    .await;
    assert_eq!(res.status(), 429);
    // A new device on a new address now waits...
    let res = login_from(
        &app.other_browser(),
        "192.0.2.200",
        "ana@exemplo.com",
        PASSWORD,
    )
    .await;
    assert_eq!(res.status(), 429);
    assert!(res.text().await.unwrap().contains("já entrou antes"));
    // ...while the known phone, and an address that signed in today, still get in.
    logout(&phone).await;
    let res = login_from(&phone, "100.64.0.9", "ana@exemplo.com", PASSWORD).await;
    assert_eq!(res.status(), 200, "known device past the backstop");
    let res = login_from(
        &app.other_browser(),
        "198.51.100.2",
        "ana@exemplo.com",
        PASSWORD,
    )
    .await;
    assert_eq!(res.status(), 200, "known address past the backstop");

    // The known phone's own failures still count, in its own bucket.
    logout(&phone).await;
    for _ in 0..3 {
        let res = login_from(&phone, "100.64.0.9", "ana@exemplo.com", "chute-123").await;
        assert_eq!(res.status(), 422);
    }
    let res = login_from(&phone, "100.64.0.9", "ana@exemplo.com", PASSWORD).await;
    assert_eq!(res.status(), 429);
}
