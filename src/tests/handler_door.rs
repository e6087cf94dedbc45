//! The door of the plain handlers (`app::handlers::door`): an expired form goes back to its
//! page with a message and changes nothing; nobody signed in gets the sign-in page for a
//! page and a 401 for a file; a failing session store is a 500, never a sign-in page.

use super::helpers::{insert_consultant, sign_in_inserted, TestApp};

const EMAIL: &str = "joana@exemplo.com";

async fn signed_in() -> TestApp {
    let app = TestApp::spawn().await;
    insert_consultant(&app.pool, EMAIL, "Joana").await;
    sign_in_inserted(&app, EMAIL).await;
    app
}

async fn flow_count(app: &TestApp) -> i64 {
    app.count("select count(*) from flows where not coalesce(is_template, false)")
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_form_goes_back_to_its_page_with_a_message_and_changes_nothing() {
    let app = signed_in().await;
    let before = flow_count(&app).await;
    let res = app
        .post_plain_form(
            "/fluxos/acao",
            "/fluxos?de=teste",
            &[("csrf", "de-ontem"), ("acao", "usar-modelo")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/fluxos?de=teste");
    assert_eq!(flow_count(&app).await, before, "nothing ran");
    let page = app.get_html("/fluxos").await;
    assert!(page.contains("Este formulário expirou"), "{page}");

    // A referrer that is not a path of this site is never followed.
    let res = app
        .client
        .post(app.url("/leads/em-massa"))
        .header("accept", "text/html")
        .header("referer", "//outro.example/x")
        .form(&[
            ("csrf", "x"),
            ("acao", "mover-filtrados"),
            ("to", "perdido"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/painel");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_signed_in_gets_the_sign_in_page_for_a_page_and_401_for_a_file() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(app.url("/leads/exportar.csv"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/entrar");
    let res = app.get("/leads/exportar.csv").await;
    assert_eq!(res.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_session_store_is_an_error_not_a_sign_in_page() {
    let app = signed_in().await;
    sqlx::query("alter table tower_sessions.session rename to session_away")
        .execute(&app.pool)
        .await
        .unwrap();
    let csrf = "qualquer";
    let res = app
        .post_plain_form(
            "/fluxos/acao",
            "/fluxos",
            &[("csrf", csrf), ("acao", "usar-modelo")],
        )
        .await;
    sqlx::query("alter table tower_sessions.session_away rename to session")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(res.status(), 500, "{:?}", res.headers().get("location"));
}
