//! Changing the password in Settings: the current one is asked and counted like a login
//! attempt, the new one follows sign-up's rules, and every other session ends.

use super::helpers::TestApp;

const EMAIL: &str = "ana@exemplo.com";
const OLD: &str = "senha-antiga-123";
const NEW: &str = "senha nova e longa 456";

/// Posts the form as the hydrated page does (a fetch).
async fn change(app: &TestApp, current: &str, new: &str, confirm: &str) -> reqwest::Response {
    let csrf = app.csrf_from("/configuracoes").await;
    app.post_form(
        "/api/alterar-senha",
        &[
            ("csrf", csrf.as_str()),
            ("current_password", current),
            ("new_password", new),
            ("confirm_password", confirm),
        ],
    )
    .await
}

/// Posts the form as a browser without JavaScript does; returns the page it is sent back to.
async fn change_plain(app: &TestApp, current: &str, new: &str, confirm: &str) -> String {
    let csrf = app.csrf_from("/configuracoes").await;
    let res = app
        .post_plain_form(
            "/api/alterar-senha",
            "/configuracoes",
            &[
                ("csrf", csrf.as_str()),
                ("current_password", current),
                ("new_password", new),
                ("confirm_password", confirm),
            ],
        )
        .await;
    assert_eq!(res.status(), 302);
    let back = res.headers()["location"].to_str().unwrap().to_string();
    assert!(back.starts_with(&app.url("/configuracoes")), "{back}");
    app.get_html("/configuracoes").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_password_ends_every_other_session() {
    let app = TestApp::spawn().await;
    assert_eq!(app.signup("Ana Souza", EMAIL, OLD).await.status(), 200);
    let laptop = app.other_browser();
    let phone = app.other_browser();
    assert_eq!(laptop.login(EMAIL, OLD).await.status(), 200);
    assert_eq!(phone.login(EMAIL, OLD).await.status(), 200);
    // Someone else's session is not touched.
    let other = app.other_browser();
    other.signup("Bia Lima", "bia@exemplo.com", OLD).await;

    // Wrong current password, a new one too short, a confirmation that differs: nothing changes.
    let res = change(&app, "nao-e-esta", NEW, NEW).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Senha atual incorreta."));
    let res = change(&app, OLD, "curta", "curta").await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("A senha precisa ter pelo menos 8 caracteres."));
    let res = change(&app, OLD, NEW, "outra coisa 123").await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("A confirmação não é igual à nova senha."));
    assert_eq!(laptop.get("/configuracoes").await.status(), 200);

    let res = change(&app, OLD, NEW, NEW).await;
    assert_eq!(res.status(), 200);
    // This browser stays in; the consultant's other two are out; the other account is not.
    assert_eq!(app.get("/configuracoes").await.status(), 200);
    for browser in [&laptop, &phone] {
        let res = browser.get("/configuracoes").await;
        assert_eq!(res.status(), 302);
        assert!(res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/entrar"));
    }
    assert_eq!(other.get("/configuracoes").await.status(), 200);
    // The old password no longer opens the account; the new one does.
    let fresh = app.other_browser();
    assert_eq!(fresh.login(EMAIL, OLD).await.status(), 422);
    assert_eq!(fresh.login(EMAIL, NEW).await.status(), 200);
    assert_eq!(
        app.count("select count(*) from audit_logs where action = 'password_changed'")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_form_says_what_happened() {
    let app = TestApp::spawn().await;
    app.signup("Ana Souza", EMAIL, OLD).await;
    let page = change_plain(&app, "nao-e-esta", NEW, NEW).await;
    assert!(page.contains("Senha atual incorreta."), "{page}");
    let page = change_plain(&app, OLD, "curta", "curta").await;
    assert!(page.contains("A senha precisa ter pelo menos 8 caracteres."));
    // Passwords are never written back into the page.
    assert!(!page.contains(OLD) && !page.contains("curta"));
    let page = change_plain(&app, OLD, NEW, NEW).await;
    assert!(
        page.contains("Senha alterada. Suas outras sessões foram encerradas."),
        "{page}"
    );
    assert!(!page.contains(NEW));
    assert_eq!(app.other_browser().login(EMAIL, NEW).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_current_passwords_are_counted_like_logins() {
    let app = TestApp::spawn().await;
    app.signup("Ana Souza", EMAIL, OLD).await;
    for i in 0..5 {
        let res = change(&app, &format!("chute-{i}"), NEW, NEW).await;
        assert_eq!(res.status(), 422, "guess {i}");
    }
    for current in ["chute-5", OLD] {
        let res = change(&app, current, NEW, NEW).await;
        assert_eq!(res.status(), 429, "{current}");
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("Muitas tentativas de senha."));
    }
    assert_eq!(
        app.count("select count(*) from audit_logs where action = 'password_check_failed'")
            .await,
        5
    );
    // The password did not change.
    assert_eq!(app.other_browser().login(EMAIL, OLD).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_password_needs_a_session_and_the_form_token() {
    let app = TestApp::spawn().await;
    let res = app
        .post_form(
            "/api/alterar-senha",
            &[
                ("csrf", "x"),
                ("current_password", OLD),
                ("new_password", NEW),
                ("confirm_password", NEW),
            ],
        )
        .await;
    assert_eq!(res.status(), 401);
    app.signup("Ana Souza", EMAIL, OLD).await;
    let res = app
        .post_form(
            "/api/alterar-senha",
            &[
                ("csrf", "forjado"),
                ("current_password", OLD),
                ("new_password", NEW),
                ("confirm_password", NEW),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.other_browser().login(EMAIL, OLD).await.status(), 200);
}
