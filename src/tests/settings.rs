//! Settings and the profile photo, over HTTP.

use super::helpers::{hidden_csrf, TestApp};
use serde_json::Value;

async fn signed_in() -> TestApp {
    let app = TestApp::spawn().await;
    let res = app
        .signup("Joana Conceição", "joana@exemplo.com", "senha-segura-123")
        .await;
    assert_eq!(res.status(), 200);
    app
}

async fn save(app: &TestApp, bio: &str, slug: &str) -> reqwest::Response {
    let csrf = app.csrf_from("/configuracoes").await;
    app.post_form(
        "/api/salvar-configuracoes",
        &[
            ("csrf", &csrf),
            ("name", "Joana Conceição"),
            ("bio", bio),
            ("crm_number", "SUSEP 12345"),
            ("whatsapp", "+55 21 98765-4321"),
            ("vertical", "insurance"),
            ("slug", slug),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_save_and_show_on_the_public_profile() {
    let app = signed_in().await;
    let res = save(&app, "Seguros sob medida 🛡️", "joana-seguros").await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let html = app.get_html("/c/joana-seguros").await;
    assert!(html.contains("Seguros sob medida 🛡️"));
    assert!(html.contains("SUSEP 12345"));
    assert!(html.contains("https://wa.me/5521987654321?text="));
    // The greeting it writes for the lead has no code and no platform name in it (#17).
    let start = html.find("https://wa.me/5521987654321?text=").unwrap();
    let link: String = html[start..].chars().take_while(|c| *c != '"').collect();
    assert!(
        !link.contains("ref") && !link.contains("Consultor"),
        "{link}"
    );
    assert!(html
        .contains(r#"<meta property="og:title" content="Joana Conceição | Seguros | Consultor">"#));
    // The address it had before now sends its visitors to the new one (#17: it was a 404).
    let res = app.get("/c/joana-conceicao").await;
    assert_eq!(res.status(), 301);
    assert_eq!(res.headers()["location"], "/c/joana-seguros");
    let settings = app.get_html("/configuracoes").await;
    assert!(settings.contains("+55 (21) 98765-4321"));
    assert!(settings.contains("/c/joana-seguros"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bio_is_counted_as_a_person_counts() {
    let app = signed_in().await;
    let ok = "👍🏽".repeat(200);
    assert_eq!(save(&app, &ok, "joana").await.status(), 200);
    let res = save(&app, &"👍🏽".repeat(201), "joana").await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["Invalid"]["fields"][0]["field"], "bio");
    let stored: String = sqlx::query_scalar("select bio from consultants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, ok, "a refused save changes nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_slug_is_a_field_error() {
    let app = signed_in().await;
    let other = app.other_browser();
    other
        .signup("Pedro Alves", "pedro@exemplo.com", "senha-segura-123")
        .await;
    let res = save(&app, "", "pedro-alves").await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["Invalid"]["fields"][0]["field"], "slug");
    assert_eq!(
        body["Invalid"]["fields"][0]["message"],
        "Este endereço já está em uso. Escolha outro."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_need_a_session() {
    let app = TestApp::spawn().await;
    let res = app.get("/configuracoes").await;
    assert_eq!(res.status(), 302);
    let res = app.post_form("/api/configuracoes", &[]).await;
    assert_eq!(res.status(), 401);
}

fn png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&[0u8; 64]);
    v
}

async fn upload(app: &TestApp, bytes: Vec<u8>, name: &str) -> reqwest::Response {
    let html = app.get_html("/configuracoes").await;
    let csrf = hidden_csrf(&html).unwrap();
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "foto",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    app.client
        .post(app.url("/configuracoes/foto"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photo_upload_checks_type_and_size() {
    let app = signed_in().await;

    let res = upload(&app, b"GIF89a....".to_vec(), "foto.png").await;
    assert_eq!(res.status(), 303);
    assert!(app
        .get_html("/configuracoes")
        .await
        .contains("Envie uma imagem JPEG, PNG ou WebP."));

    let mut big = png();
    big.resize(2 * 1024 * 1024 + 1, 0);
    let res = upload(&app, big, "grande.png").await;
    assert!(
        res.status() == 303 || res.status() == 413,
        "{}",
        res.status()
    );
    let n = app.count("select count(*) from consultant_photos").await;
    assert_eq!(n, 0);

    let res = upload(&app, png(), "foto.png").await;
    assert_eq!(res.status(), 303);
    let html = app.get_html("/configuracoes").await;
    assert!(html.contains("Foto atualizada."));
    let url: String = sqlx::query_scalar("select profile_image_url from consultants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let photo = app.other_browser().get(&url).await;
    assert_eq!(photo.status(), 200);
    assert_eq!(photo.headers()["content-type"], "image/png");
    assert_eq!(photo.bytes().await.unwrap().to_vec(), png());
    let profile = app.get_html("/c/joana-conceicao").await;
    assert!(profile.contains(&format!(
        r#"<meta property="og:image" content="{}"#,
        app.url(&url)
    )));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photo_upload_needs_the_csrf_token() {
    let app = signed_in().await;
    let form = reqwest::multipart::Form::new().text("csrf", "errado").part(
        "foto",
        reqwest::multipart::Part::bytes(png()).file_name("f.png"),
    );
    let res = app
        .client
        .post(app.url("/configuracoes/foto"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let n = app.count("select count(*) from consultant_photos").await;
    assert_eq!(n, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_id_typed_into_settings_connects_nothing() {
    // Routing is by the phone number id Meta grants through Embedded Signup only: the field
    // where anyone could type a colleague's id is gone, and a form that still posts it
    // connects nothing.
    let app = signed_in().await;
    let page = app.get_html("/configuracoes").await;
    assert!(
        !page.contains("phone_number_id"),
        "the old field is still on the page"
    );
    assert!(
        page.contains("Modo de demonstração"),
        "the sandbox is explained"
    );
    let csrf = app.csrf_from("/configuracoes").await;
    let res = app
        .client
        .post(app.url("/api/salvar-configuracoes"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Joana Conceição"),
            ("bio", ""),
            ("crm_number", ""),
            ("whatsapp", "11912345678"),
            ("vertical", "health_plans"),
            ("slug", "joana-conceicao"),
            ("phone_number_id", "106540352242922"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.count("select count(*) from whatsapp_connections").await,
        0
    );
}

/// A JavaScript-off save comes back to the settings page with its confirmation, every time.
/// The page once built its data twice on the server (inside the shell's Suspense), and the
/// discarded copy sometimes took the confirmation with it; twenty rounds caught that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_a_save_is_confirmed_on_the_page() {
    let app = signed_in().await;
    for round in 0..20 {
        let csrf = app.csrf_from("/configuracoes").await;
        let slug = format!("joana-{round}");
        let res = app
            .post_plain_form(
                "/api/salvar-configuracoes",
                "/configuracoes",
                &[
                    ("csrf", &csrf),
                    ("name", "Joana Conceição"),
                    ("bio", "Seguros sob medida"),
                    ("crm_number", ""),
                    ("whatsapp", "+55 21 98765-4321"),
                    ("vertical", "insurance"),
                    ("slug", &slug),
                ],
            )
            .await;
        assert_eq!(res.status(), 302, "round {round}");
        let html = app.get_html("/configuracoes").await;
        // The rendered alert (the text also sits in the page's serialized data).
        let shown = r#"alert-success">Configurações salvas."#;
        assert_eq!(html.matches(shown).count(), 1, "round {round}");
        assert!(html.contains(&format!("/c/{slug}")), "round {round}");
        // Shown once, not on every later visit.
        let again = app.get_html("/configuracoes").await;
        assert!(!again.contains(shown), "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bio_of_one_letter_and_thousands_of_accents_is_refused() {
    let app = signed_in().await;
    let zalgo = format!("e{}", "\u{301}".repeat(5000));
    let res = save(&app, &zalgo, "joana-conceicao").await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("acentos ou símbolos demais"));
    // And the database refuses it on any path.
    let err = sqlx::query("update consultants set bio = $1")
        .bind(&zalgo)
        .execute(&app.pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("consultants_bio_length"), "{err}");
}

/// An address the profile gave up redirects, for good, to the one it has now (its links live
/// on in ads and bios), the privacy notice below it too; a live address always wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_profile_address_redirects_to_the_new_one() {
    let app = TestApp::spawn().await;
    let me = super::helpers::insert_consultant(&app.pool, "joana@exemplo.com", "Joana Prado").await;
    let old: String = sqlx::query_scalar("select slug from consultants where id = $1")
        .bind(me)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    sqlx::query("update consultants set slug = 'joana-planos' where id = $1")
        .bind(me)
        .execute(&app.pool)
        .await
        .unwrap();
    let page = |path: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url(&path))
                .header("accept", "text/html")
                .send()
                .await
                .unwrap()
        }
    };
    let res = page(format!("/c/{old}")).await;
    assert_eq!(res.status(), 301);
    assert_eq!(res.headers()["location"], "/c/joana-planos");
    let res = page(format!("/c/{old}/privacidade")).await;
    assert_eq!(res.status(), 301);
    assert_eq!(res.headers()["location"], "/c/joana-planos/privacidade");
    assert_eq!(page("/c/joana-planos".into()).await.status(), 200);
    // Twice renamed: the first address still arrives.
    sqlx::query("update consultants set slug = 'joana-saude' where id = $1")
        .bind(me)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        page(format!("/c/{old}")).await.headers()["location"],
        "/c/joana-saude"
    );
    // Someone else takes an old address: it is theirs now.
    let bia = super::helpers::insert_consultant(&app.pool, "bia@exemplo.com", "Bia").await;
    sqlx::query("update consultants set slug = 'joana-planos', whatsapp_number = '+5511900000002' where id = $1")
        .bind(bia)
        .execute(&app.pool)
        .await
        .unwrap();
    let res = page("/c/joana-planos".into()).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Bia"));
    // An address nobody ever had is still a 404.
    assert_eq!(page("/c/ninguem-aqui".into()).await.status(), 404);
}
