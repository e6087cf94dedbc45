//! Two-step sign-in: turned on with a first right code from the authenticator app, asked after
//! the password, each code once, recovery codes once each, five wrong codes send the person
//! back to the password, turning it off needs the password and a code.

use super::helpers::{insert_consultant, sign_in_inserted, TestApp};
use app::server::totp;

const EMAIL: &str = "joana@exemplo.com";
const PASSWORD: &str = "uma senha bem longa 123";

fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut buffer, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        buffer = (buffer << 5) | ALPHABET.find(c).expect("base32") as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

fn code(key: &[u8], steps_ahead: i64) -> String {
    let step = chrono::Utc::now().timestamp() / totp::STEP_SECS + steps_ahead;
    format!("{:06}", totp::code_at_step(key, step))
}

async fn act(app: &TestApp, fields: &[(&str, &str)]) -> String {
    let csrf = app.csrf_from("/configuracoes").await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let res = app
        .post_plain_form("/configuracoes/duas-etapas", "/configuracoes", &form)
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/configuracoes#duas-etapas");
    app.get_html("/configuracoes").await
}

/// The key the set-up shows, read back from its `otpauth://` link.
fn key_on_page(html: &str) -> Vec<u8> {
    let start = html.find("secret=").expect("the set-up link") + 7;
    let secret: String = html[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    base32_decode(&secret)
}

fn recovery_codes(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(".recovery-codes code").unwrap();
    doc.select(&sel).map(|e| e.text().collect()).collect()
}

async fn enable(app: &TestApp) -> (Vec<u8>, Vec<String>) {
    let html = act(app, &[("acao", "iniciar")]).await;
    assert!(html.contains("Confirmar e ativar"), "{html}");
    assert!(html.contains("<svg"), "a QR code");
    let key = key_on_page(&html);
    assert_eq!(key.len(), totp::KEY_BYTES);
    // A wrong code turns nothing on.
    let html = act(app, &[("acao", "confirmar"), ("codigo", "000000")]).await;
    assert!(html.contains("Código incorreto"), "{html}");
    let on = app
        .count("select count(*) from consultants where totp_secret is not null")
        .await;
    assert_eq!(on, 0);
    let html = act(app, &[("acao", "confirmar"), ("codigo", &code(&key, 0))]).await;
    assert!(
        html.contains("Verificação em duas etapas ativada"),
        "{html}"
    );
    let codes = recovery_codes(&html);
    assert_eq!(codes.len(), 10, "{html}");
    // Shown once.
    assert!(recovery_codes(&app.get_html("/configuracoes").await).is_empty());
    (key, codes)
}

/// Signs in with the password (as the page does); the browser is then half-way.
async fn password_step(browser: &TestApp) {
    let res = browser.login(EMAIL, PASSWORD).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(
        browser.get("/painel").await.status(),
        302,
        "not signed in yet"
    );
    let html = browser.get_html("/entrar/codigo").await;
    assert!(html.contains("Código de verificação"), "{html}");
}

async fn code_step(browser: &TestApp, code: &str) -> reqwest::Response {
    let csrf = browser.csrf_from("/entrar/codigo").await;
    browser
        .post_plain_form(
            "/entrar/verificar-codigo",
            "/entrar/codigo",
            &[("csrf", &csrf), ("codigo", code)],
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_from_the_app_is_asked_after_the_password() {
    let app = TestApp::spawn().await;
    insert_consultant(&app.pool, EMAIL, "Joana").await;
    sign_in_inserted(&app, EMAIL).await;
    let (key, codes) = enable(&app).await;

    let phone = app.other_browser();
    password_step(&phone).await;
    // The code just used to turn it on does not work again; the next one does.
    let res = code_step(&phone, &code(&key, 0)).await;
    assert_eq!(res.headers()["location"], "/entrar/codigo");
    assert!(phone
        .get_html("/entrar/codigo")
        .await
        .contains("Código incorreto"));
    let res = code_step(&phone, &code(&key, 1)).await;
    assert_eq!(res.headers()["location"], "/painel");
    assert_eq!(phone.get("/painel").await.status(), 200);

    // A recovery code, once.
    let laptop = app.other_browser();
    password_step(&laptop).await;
    let res = code_step(&laptop, &codes[0].to_uppercase()).await;
    assert_eq!(res.headers()["location"], "/configuracoes#duas-etapas");
    assert!(laptop.get_html("/configuracoes").await.contains("restam 9"));
    let tablet = app.other_browser();
    password_step(&tablet).await;
    let res = code_step(&tablet, &codes[0]).await;
    assert_eq!(res.headers()["location"], "/entrar/codigo", "used already");

    // Five wrong codes (the used recovery code was the first): back to the password.
    for _ in 0..3 {
        let res = code_step(&tablet, "123456").await;
        assert_eq!(res.headers()["location"], "/entrar/codigo");
    }
    let res = code_step(&tablet, "123456").await;
    assert_eq!(res.headers()["location"], "/entrar");
    assert!(tablet
        .get_html("/entrar")
        .await
        .contains("Códigos incorretos demais"));
    assert_eq!(tablet.get("/painel").await.status(), 302);

    // Turning it off takes the password and a code.
    let html = act(
        &app,
        &[
            ("acao", "desativar"),
            ("senha", "errada"),
            ("codigo", &code(&key, 0)),
        ],
    )
    .await;
    assert!(html.contains("Senha incorreta"), "{html}");
    let html = act(
        &app,
        &[
            ("acao", "desativar"),
            ("senha", PASSWORD),
            ("codigo", &codes[1]),
        ],
    )
    .await;
    assert!(html.contains("desativada"), "{html}");
    let res = app.other_browser().login(EMAIL, PASSWORD).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(app.count("select count(*) from recovery_codes").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_are_limited_per_account_not_only_per_attempt() {
    let app = TestApp::spawn().await;
    insert_consultant(&app.pool, EMAIL, "Joana").await;
    sign_in_inserted(&app, EMAIL).await;
    let (key, _) = enable(&app).await;
    // Someone who knows the password starts over and over: ten wrong codes in all, then even
    // the right one waits.
    for _ in 0..2 {
        let thief = app.other_browser();
        password_step(&thief).await;
        for _ in 0..5 {
            code_step(&thief, "999999").await;
        }
    }
    let owner = app.other_browser();
    password_step(&owner).await;
    let res = code_step(&owner, &code(&key, 1)).await;
    assert_eq!(res.headers()["location"], "/entrar/codigo");
    assert!(owner
        .get_html("/entrar/codigo")
        .await
        .contains("Aguarde 15 minutos"));
}
