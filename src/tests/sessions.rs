//! Settings › "Sessões abertas": every signed-in session is listed (browser, network, since,
//! last use), without its secret id; one can be ended, or all but this one.

use super::helpers::{insert_consultant, sign_in_inserted, TestApp};

const EMAIL: &str = "joana@exemplo.com";

async fn act(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    let csrf = app.csrf_from("/configuracoes").await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    app.post_plain_form("/configuracoes/sessoes", "/configuracoes", &form)
        .await
}

fn row_ids(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"#sessoes input[name="id"]"#).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr("value").map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_listed_and_ended_one_by_one_or_all_but_this_one() {
    let app = TestApp::spawn().await;
    insert_consultant(&app.pool, EMAIL, "Joana").await;
    sign_in_inserted(&app, EMAIL).await;
    let laptop = app.other_browser();
    sign_in_inserted(&laptop, EMAIL).await;
    let tablet = app.other_browser();
    sign_in_inserted(&tablet, EMAIL).await;

    let html = app.get_html("/configuracoes").await;
    let ids = row_ids(&html);
    assert_eq!(ids.len(), 3, "{html}");
    assert!(html.contains("(este aparelho)"));
    assert!(html.contains("Rede 127.0.0.0/24"), "{html}");
    // The session ids (the cookies' secrets) are nowhere on the page.
    let secrets: Vec<String> = sqlx::query_scalar("select session_id from consultant_sessions")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    for s in &secrets {
        assert!(!html.contains(s.as_str()));
    }

    // The laptop's session (the second listed: this browser's comes first).
    let res = act(&app, &[("acao", "encerrar"), ("id", &ids[1])]).await;
    assert_eq!(res.headers()["location"], "/configuracoes#sessoes");
    assert!(app
        .get_html("/configuracoes")
        .await
        .contains("Sessão encerrada."));
    let signed_in = [
        laptop.get("/painel").await.status().as_u16(),
        tablet.get("/painel").await.status().as_u16(),
    ];
    assert!(
        signed_in == [302, 200] || signed_in == [200, 302],
        "exactly one other ended: {signed_in:?}"
    );
    // Another consultant's row cannot be named.
    let pedro = app.other_browser();
    pedro
        .signup("Pedro Alves", "pedro@exemplo.com", "senha-segura-123")
        .await;
    let theirs = row_ids(&pedro.get_html("/configuracoes").await);
    let res = act(&app, &[("acao", "encerrar"), ("id", &theirs[0])]).await;
    assert_eq!(res.headers()["location"], "/configuracoes#sessoes");
    assert_eq!(pedro.get("/painel").await.status(), 200);

    let res = act(&app, &[("acao", "encerrar-outras")]).await;
    assert_eq!(res.headers()["location"], "/configuracoes#sessoes");
    assert!(app
        .get_html("/configuracoes")
        .await
        .contains("1 outra sessão foi encerrada."));
    assert_eq!(laptop.get("/painel").await.status(), 302);
    assert_eq!(tablet.get("/painel").await.status(), 302);
    assert_eq!(app.get("/painel").await.status(), 200);

    // Ending this browser's own session signs it out.
    let ids = row_ids(&app.get_html("/configuracoes").await);
    assert_eq!(ids.len(), 1);
    let res = act(&app, &[("acao", "encerrar"), ("id", &ids[0])]).await;
    assert_eq!(res.headers()["location"], "/entrar");
    assert_eq!(app.get("/painel").await.status(), 302);
}
