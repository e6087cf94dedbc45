//! What a browser can send never becomes a 500: invisible characters are refused with a
//! message that names the field (with and without JavaScript), a post over the bound gets
//! 413 and one that is not UTF-8 gets 400, each on a page in Portuguese, and a refused form
//! keeps only a small copy of what was typed in the session.

use super::flows::health_template;
use super::helpers::{number_for, sign_in_inserted, TestApp};
use super::support::whatsapp::{app_with_workers, send, text};
use uuid::Uuid;

const EMAIL: &str = "joana@exemplo.com";

async fn a_lead(app: &TestApp) -> Uuid {
    send(app, text("wamid.OI", "Oi")).await;
    sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn body(res: reqwest::Response) -> (u16, String) {
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invisible_characters_are_refused_naming_the_field() {
    let app = app_with_workers(1).await;
    sign_in_inserted(&app, EMAIL).await;
    let lead = a_lead(&app).await;
    let lead_s = lead.to_string();
    let page = format!("/leads/{lead}");
    let csrf = app.csrf_from(&page).await;

    // As the hydrated page posts them (server functions).
    // (server function, its fields besides the token, the field's name in the message)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: [Case; 3] = [
        (
            "/api/nota-lead",
            vec![("lead", &lead_s), ("body", "ligar\u{0}amanhã")],
            "Nota: ",
        ),
        (
            "/api/responder-lead",
            vec![("lead", &lead_s), ("body", "olá\u{0}")],
            "Mensagem: ",
        ),
        (
            "/api/mover-lead",
            vec![
                ("lead", &lead_s),
                ("to", "perdido"),
                ("reason", "caro\u{1b}[31m"),
            ],
            "Motivo: ",
        ),
    ];
    for (path, fields, label) in cases {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields);
        let (status, text) = body(app.post_form(path, &form).await).await;
        assert_eq!(status, 422, "{path}: {text}");
        assert!(text.contains(label), "{path} names the field: {text}");
        assert!(text.contains("caractere invisível"), "{path}: {text}");
    }
    assert_eq!(app.count("select count(*) from lead_notes").await, 0);
    assert_eq!(
        app.count(
            "select count(*) from messages where direction = 'outbound' and content like 'olá%'"
        )
        .await,
        0
    );

    // The same note without JavaScript: back on the page, the message shown there.
    let res = app
        .post_plain_form(
            "/api/nota-lead",
            &page,
            &[("csrf", &csrf), ("lead", &lead_s), ("body", "nota\u{0}")],
        )
        .await;
    assert_eq!(res.status(), 302);
    let html = app.get_html(&page).await;
    assert!(
        html.contains("Nota: O texto tem um caractere invisível"),
        "{html}"
    );

    // The bio, in Settings.
    let slug: String = sqlx::query_scalar("select slug from consultants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let csrf = app.csrf_from("/configuracoes").await;
    let (status, text) = body(
        app.post_form(
            "/api/salvar-configuracoes",
            &[
                ("csrf", &csrf),
                ("name", "Joana"),
                ("bio", "Corretora\u{0}"),
                ("crm_number", ""),
                ("whatsapp", "(11) 91234-5678"),
                ("vertical", "health_plans"),
                ("slug", &slug),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("caractere invisível"), "{text}");
    assert!(text.contains("\"bio\""), "at the bio field: {text}");

    // A flow's name, and a corrected answer (plain forms).
    let csrf = app.csrf_from("/fluxos").await;
    let template = health_template(&app).await.to_string();
    app.post_plain_form(
        "/fluxos/acao",
        "/fluxos",
        &[("csrf", &csrf), ("acao", "copiar"), ("id", &template)],
    )
    .await;
    let own: Uuid = sqlx::query_scalar("select id from flows where not is_template")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let res = app
        .post_plain_form(
            "/fluxos/acao",
            "/fluxos",
            &[
                ("csrf", &csrf),
                ("acao", "renomear"),
                ("id", &own.to_string()),
                ("nome", "Saúde\u{0}"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let html = app.get_html("/fluxos").await;
    assert!(
        html.contains("Nome do fluxo: O texto tem um caractere invisível"),
        "{html}"
    );

    sqlx::query("update leads set respostas = '{\"cidade\": \"Campinas\"}'")
        .execute(&app.pool)
        .await
        .unwrap();
    let csrf = app.csrf_from(&page).await;
    let res = app
        .post_plain_form(
            &format!("{page}/corrigir"),
            &page,
            &[("csrf", &csrf), ("r_cidade", "Sorocaba\u{0}")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let html = app.get_html(&page).await;
    assert!(html.contains("caractere invisível"), "{html}");
    let city: String = sqlx::query_scalar("select respostas->>'cidade' from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(city, "Campinas");

    // Signing in with such an e-mail (no account has one): said at the field, no 500.
    let other = app.other_browser();
    let csrf = other.csrf_from("/entrar").await;
    let (status, text) = body(
        other
            .post_form(
                "/api/entrar",
                &[
                    ("csrf", &csrf),
                    ("email", "ninguem\u{0}@exemplo.com"),
                    ("password", "x"),
                ],
            )
            .await,
    )
    .await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("caractere invisível"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_undecodable_posts_get_413_and_400_pages() {
    let app = app_with_workers(1).await;
    sign_in_inserted(&app, EMAIL).await;
    let lead = a_lead(&app).await;
    let page = format!("/leads/{lead}");
    let csrf = app.csrf_from(&page).await;

    let huge = "a".repeat(5 * 1024 * 1024);
    let res = app
        .post_form(
            "/api/nota-lead",
            &[
                ("csrf", &csrf),
                ("lead", &lead.to_string()),
                ("body", &huge),
            ],
        )
        .await;
    assert_eq!(res.status(), 413);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(res.text().await.unwrap().contains("Envio grande demais"));

    // Without a length (chunked), the same bound.
    let chunks =
        futures::stream::iter((0..6).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 1024 * 1024])));
    let res = app
        .client
        .post(app.url("/api/nota-lead"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);

    let res = app
        .client
        .post(app.url("/api/nota-lead"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&lead={lead}&body=Jo%E3o"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("Texto ilegível"));
    assert_eq!(app.count("select count(*) from lead_notes").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_form_keeps_only_a_small_copy_of_what_was_typed() {
    let app = app_with_workers(1).await;
    let csrf = app.csrf_from("/cadastro").await;
    let long = "a".repeat(1_000_000);
    let whatsapp = number_for("ana@exemplo.com");
    let res = app
        .post_plain_form(
            "/api/cadastro",
            "/cadastro",
            &[
                ("csrf", &csrf),
                ("name", &long),
                ("email", "ana@exemplo.com"),
                ("password", "senha-segura-123"),
                ("whatsapp", &whatsapp),
                ("vertical", "health_plans"),
            ],
        )
        .await;
    assert_eq!(res.status(), 302);
    let largest: i32 =
        sqlx::query_scalar("select coalesce(max(length(data)), 0) from tower_sessions.session")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(largest < 64 * 1024, "a session row of {largest} bytes");
    // The form still says what was wrong, and keeps the fields it can.
    let html = app.get_html("/cadastro").await;
    assert!(html.contains("ana@exemplo.com"), "{html}");
    assert!(html.contains("100 caracteres"), "{html}");
}
