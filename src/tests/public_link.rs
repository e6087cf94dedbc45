//! #17 "a consultor's day on a phone", public link tools: the link with "Copiar link" and
//! "Compartilhar no WhatsApp" on the dashboard (also after the first lead) and in Settings,
//! and profile addresses made from what is typed ("Márcia Souza" → marcia-souza) at sign-up
//! and in Settings instead of refused.

use super::helpers::{consultant_id, number_for, TestApp};
use serde_json::Value;

async fn signup_with_slug(app: &TestApp, name: &str, email: &str, slug: &str) -> reqwest::Response {
    let csrf = app.csrf_from("/cadastro").await;
    let whatsapp = number_for(email);
    app.post_form(
        "/api/cadastro",
        &[
            ("csrf", &csrf),
            ("name", name),
            ("email", email),
            ("password", "senha-segura-123"),
            ("whatsapp", &whatsapp),
            ("vertical", "health_plans"),
            ("slug", slug),
        ],
    )
    .await
}

async fn slug_of(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("select slug from consultants where email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

fn field_error(body: &Value) -> (&str, &str) {
    let f = &body["Invalid"]["fields"][0];
    (f["field"].as_str().unwrap(), f["message"].as_str().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_suggests_the_address_from_the_name_or_makes_one_of_what_is_typed() {
    let app = TestApp::spawn().await;
    let page = app.get_html("/cadastro").await;
    assert!(
        page.contains(r#"name="slug""#),
        "the sign-up form asks for it"
    );

    // Left blank: from the name.
    let res = signup_with_slug(&app, "Márcia Souza", "marcia@exemplo.com", "").await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(slug_of(&app, "marcia@exemplo.com").await, "marcia-souza");
    // The name's own address, as the page prefills it, is a suggestion: taken, it gets a number.
    let other = app.other_browser();
    let res = signup_with_slug(
        &other,
        "Márcia Souza",
        "marcia2@exemplo.com",
        "marcia-souza",
    )
    .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(slug_of(&app, "marcia2@exemplo.com").await, "marcia-souza-1");
    // Typed with spaces and accents: normalised, not refused.
    let third = app.other_browser();
    let res = signup_with_slug(
        &third,
        "Márcia Lima",
        "lima@exemplo.com",
        " Márcia  Corretora_SP ",
    )
    .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(
        slug_of(&app, "lima@exemplo.com").await,
        "marcia-corretora-sp"
    );
    // An address of one's own that another account has is refused on its field.
    let fourth = app.other_browser();
    let res = signup_with_slug(
        &fourth,
        "Ana Reis",
        "ana@exemplo.com",
        "Márcia Corretora SP",
    )
    .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        field_error(&body),
        ("slug", "Este endereço já está em uso. Escolha outro.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_make_an_address_of_a_typed_name_and_the_old_one_still_leads_there() {
    let app = TestApp::spawn().await;
    app.signup("Joana Conceição", "joana@exemplo.com", "senha-segura-123")
        .await;
    let save = |slug: &'static str| {
        let app = &app;
        async move {
            let csrf = app.csrf_from("/configuracoes").await;
            let form = [
                ("csrf", csrf.as_str()),
                ("name", "Joana Conceição"),
                ("bio", ""),
                ("crm_number", ""),
                ("whatsapp", "+55 21 98765-4321"),
                ("vertical", "health_plans"),
                ("slug", slug),
            ];
            // As a browser without JavaScript posts it.
            app.post_plain_form("/api/salvar-configuracoes", "/configuracoes", &form)
                .await
        }
    };
    assert_eq!(save("Márcia Souza").await.status(), 302);
    assert_eq!(slug_of(&app, "joana@exemplo.com").await, "marcia-souza");
    let page = app.get_html("/configuracoes").await;
    assert!(
        page.contains(r#"value="marcia-souza""#),
        "the field shows the address"
    );
    let res = app.get("/c/joana-conceicao").await;
    assert_eq!(res.status(), 301);
    assert_eq!(res.headers()["location"], "/c/marcia-souza");

    // What cannot become an address is still refused, about the address it would be.
    assert_eq!(save("Jô").await.status(), 302);
    let page = app.get_html("/configuracoes").await;
    assert!(
        page.contains("O endereço precisa ter pelo menos 3 caracteres."),
        "{page}"
    );
    assert_eq!(slug_of(&app, "joana@exemplo.com").await, "marcia-souza");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_link_stays_on_the_dashboard_with_copy_and_share_after_the_first_lead() {
    let app = TestApp::spawn().await;
    app.signup("Joana Conceição", "joana@exemplo.com", "senha-segura-123")
        .await;
    let me = consultant_id(&app.pool, "joana@exemplo.com").await;
    sqlx::query(
        "insert into leads (consultant_id, whatsapp_number, name) values ($1, '+5521999990001', 'Lia')",
    )
    .bind(me)
    .execute(&app.pool)
    .await
    .unwrap();
    let link = app.url("/c/joana-conceicao");
    let share = format!(
        "https://wa.me/?text={}",
        app::domain::percent::encode(&format!(
            "Olá! Este é o meu perfil. Por ele você fala comigo pelo WhatsApp: {link}"
        ))
    );
    for path in ["/painel", "/configuracoes"] {
        let html = app.get_html(path).await;
        assert!(
            !html.contains("Comece por aqui"),
            "{path}: the lead has arrived"
        );
        // Without JavaScript: the link in a read-only field, and a plain link to WhatsApp.
        assert!(
            html.contains(r#"<label for="link-publico">Seu link público"#),
            "{path}: {html}"
        );
        assert!(
            html.contains(&format!(
                r#"id="link-publico" type="text" readonly value="{link}""#
            )),
            "{path}: {html}"
        );
        assert!(
            html.contains(&format!(r#"href="{share}""#))
                && html.contains("Compartilhar no WhatsApp"),
            "{path}: {html}"
        );
        // "Copiar link" needs the page's JavaScript: not offered before it runs.
        assert!(!html.contains(">Copiar link<"), "{path}");
    }
}
