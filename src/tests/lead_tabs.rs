//! #17 "empty states": lead tabs were indistinguishable ("Lead | Consultor"). A lead's page
//! names its tab by the final digits of the number (the default) or, as the consultant
//! chooses in Settings, by the lead's first name, escaped like any text the lead chose.

use super::helpers::TestApp;
use super::leads::{lead, signed_in};

fn title(html: &str) -> &str {
    let start = html.find("<title>").expect("a title") + "<title>".len();
    &html[start..start + html[start..].find("</title>").expect("closed")]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_tab_shows_the_number_or_the_first_name_as_the_consultant_chose() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let id = lead(
        &app,
        me,
        "Márcia</title><script>alert(1)</script> Souza",
        "+5511987654321",
        "novo",
        serde_json::json!({}),
    )
    .await;
    let page = format!("/leads/{id}");
    assert_eq!(title(&app.get_html(&page).await), "Lead …4321 | Consultor");

    let settings = app.get_html("/configuracoes").await;
    assert!(settings.contains("Abas dos leads"), "{settings}");
    assert!(
        settings.contains("Pelos 4 últimos dígitos"),
        "the form is drawn on the server"
    );
    let csrf = app.csrf_from("/configuracoes").await;
    let res = app
        .post_plain_form(
            "/api/mudar-abas-dos-leads",
            "/configuracoes",
            &[("csrf", &csrf), ("abas", "nome")],
        )
        .await;
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "/configuracoes#abas");
    assert!(app
        .get_html("/configuracoes")
        .await
        .contains("Preferência salva."));

    let html = app.get_html(&page).await;
    assert_eq!(
        title(&html),
        "Márcia&lt;/title&gt;&lt;script&gt;alert(1) · Lead | Consultor"
    );
    assert!(!html.contains("<script>alert(1)"));

    // Anything but the two choices is refused and changes nothing.
    let res = app
        .post_plain_form(
            "/api/mudar-abas-dos-leads",
            "/configuracoes",
            &[("csrf", &csrf), ("abas", "tudo")],
        )
        .await;
    assert!(res.status().is_redirection());
    assert!(app
        .get_html("/configuracoes")
        .await
        .contains("Escolha como as abas dos leads aparecem."));
    let stored: String = sqlx::query_scalar("select lead_tab_title from consultants where id = $1")
        .bind(me)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, "nome");
}
