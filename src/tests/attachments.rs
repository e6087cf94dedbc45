//! Files from the consultant (#20 part 2): attached to a reply, checked for type and size
//! before anything is stored or sent, uploaded to a fake Graph API's media endpoint and sent
//! once with the caption; the library within the plan's space, one upload for two sends;
//! refused outside the window; erased with the lead they were sent to.

use super::helpers::TestApp;
use super::lead_replies::{all_sent, app_with_graph_and};
use super::support::fake_graph::FakeGraph;
use super::support::whatsapp::{post, text};
use reqwest::multipart::{Form, Part};
use uuid::Uuid;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// A lead writes and the bot's replies go out; returns the lead and how many went.
async fn lead_writing(app: &TestApp, g: &FakeGraph) -> (Uuid, usize) {
    assert_eq!(post(app, &text("wamid.1", "Oi")).await, 200);
    g.wait_for_sent(1).await;
    all_sent(app, g).await;
    let lead = sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    (lead, g.sent())
}

/// Posts the attachment form as the browser does (multipart, no JavaScript needed).
async fn attach(
    app: &TestApp,
    lead: Uuid,
    file: Option<(&str, Vec<u8>)>,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = app.csrf_from(&format!("/leads/{lead}")).await;
    let mut form = Form::new().text("csrf", csrf);
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part("arquivo", Part::bytes(bytes).file_name(name.to_string()));
    }
    app.client
        .post(app.url(&format!("/arquivos/enviar/{lead}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn to_library(app: &TestApp, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let csrf = app.csrf_from("/configuracoes").await;
    let form = Form::new()
        .text("csrf", csrf)
        .part("arquivo", Part::bytes(bytes).file_name(name.to_string()));
    app.client
        .post(app.url("/arquivos/biblioteca"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_is_uploaded_and_sent_once_with_its_caption_and_opened_by_its_consultant_only() {
    let (app, g, _) = app_with_graph_and(|_| {}).await;
    let (lead, before) = lead_writing(&app, &g).await;
    let token = Uuid::new_v4().to_string();
    let fields = [("envio", token.as_str()), ("legenda", "Tabela de 2026")];
    let res = attach(
        &app,
        lead,
        Some(("Tabela de preços.pdf", PDF.to_vec())),
        &fields,
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        format!("/leads/{lead}#resposta").as_str()
    );
    let bodies = g.wait_for_sent(before + 1).await;
    let sent = &bodies[before];
    assert_eq!(sent["type"], "document");
    assert_eq!(sent["document"]["id"], "up.1");
    assert_eq!(sent["document"]["filename"], "Tabela de preços.pdf");
    assert_eq!(sent["document"]["caption"], "Tabela de 2026");
    let uploads = g.uploads();
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].0, "1065");
    assert!(uploads[0]
        .1
        .contains("name=\"messaging_product\"\r\n\r\nwhatsapp"));
    assert!(uploads[0]
        .1
        .contains("Content-Type: application/pdf\r\n\r\n%PDF-1.7"));

    // The same form again (a double tap, the back button): nothing more is stored or sent.
    let again = attach(
        &app,
        lead,
        Some(("Tabela de preços.pdf", PDF.to_vec())),
        &fields,
    )
    .await;
    assert_eq!(again.status(), 303);
    assert_eq!(all_sent(&app, &g).await, before + 1);
    assert_eq!(app.count("select count(*) from consultant_files").await, 1);

    // The conversation shows it, its status, and opens it for this consultant only.
    let page = app.get_html(&format!("/leads/{lead}")).await;
    assert!(
        page.contains("Arquivo &quot;Tabela de preços.pdf&quot; enviado.")
            || page.contains("Arquivo \"Tabela de preços.pdf\" enviado."),
        "the flash"
    );
    let file: Uuid = sqlx::query_scalar("select id from consultant_files")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(page.contains(&format!("href=\"/arquivos/{file}\"")));
    assert!(page.contains("Abrir Tabela de preços.pdf"));
    let res = app.get(&format!("/arquivos/{file}")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    assert_eq!(
        app.other_browser()
            .get(&format!("/arquivos/{file}"))
            .await
            .status(),
        401,
        "signed out: nothing"
    );

    // Erased with the lead it was sent to (it was not kept in the library).
    app.erase_lead(lead).await;
    assert_eq!(app.count("select count(*) from consultant_files").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_type_a_big_image_or_a_closed_window_is_refused_and_nothing_is_sent() {
    let (app, g, _) = app_with_graph_and(|_| {}).await;
    let (lead, before) = lead_writing(&app, &g).await;
    let page = format!("/leads/{lead}");
    let refused = |name: &'static str, bytes: Vec<u8>| {
        let app = &app;
        async move {
            let token = Uuid::new_v4().to_string();
            let res = attach(app, lead, Some((name, bytes)), &[("envio", &token)]).await;
            assert_eq!(res.status(), 303);
            app.get_html(&format!("/leads/{lead}")).await
        }
    };
    let html = refused("proposta.pdf", b"<html><script>alert(1)</script>".to_vec()).await;
    assert!(
        html.contains("O WhatsApp aceita imagens JPEG ou PNG e documentos PDF"),
        "{html}"
    );
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(6 * 1024 * 1024, 7);
    let html = refused("casa.jpg", big).await;
    assert!(html.contains("Uma imagem pode ter até 5 MB no WhatsApp; esta tem 6 MB."));
    let mut huge = PDF.to_vec();
    huge.resize(17 * 1024 * 1024, b' ');
    let html = refused("enorme.pdf", huge).await;
    assert!(html.contains("O arquivo passa de 16 MB: envie um menor."));
    let html = {
        let token = Uuid::new_v4().to_string();
        attach(&app, lead, None, &[("envio", &token)]).await;
        app.get_html(&page).await
    };
    assert!(html.contains("Escolha um arquivo para enviar, ou um da sua biblioteca."));

    // Outside the window: the same explanation as for text.
    sqlx::query("update messages set created_at = now() - interval '2 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    let html = refused("tabela.pdf", PDF.to_vec()).await;
    assert!(
        html.contains("A janela de 24 horas do WhatsApp fechou em"),
        "{html}"
    );

    assert_eq!(app.count("select count(*) from consultant_files").await, 0);
    assert_eq!(
        app.count("select count(*) from messages where direction = 'outbound' and message_type in ('document', 'image')")
            .await,
        0
    );
    assert!(g.uploads().is_empty());
    assert_eq!(g.sent(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_sends_one_file_twice_with_one_upload_within_the_plans_space() {
    let (app, g, me) = app_with_graph_and(|_| {}).await;
    let (lead, before) = lead_writing(&app, &g).await;
    assert_eq!(
        to_library(&app, "folheto.pdf", PDF.to_vec()).await.status(),
        303
    );
    let settings = app.get_html("/configuracoes").await;
    assert!(settings.contains("\"folheto.pdf\" guardado na biblioteca."));
    assert!(
        settings.contains("Espaço do plano: 1 KB de 50 MB usados"),
        "{settings}"
    );
    assert!(settings.contains("PDF · 1 KB"));
    let kept: Uuid = sqlx::query_scalar("select id from consultant_files")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // The reply box offers it; two sends, one upload (Meta's id is kept on the file).
    let page = app.get_html(&format!("/leads/{lead}")).await;
    assert!(
        page.contains(&format!("<option value=\"{kept}\">folheto.pdf")),
        "{page}"
    );
    for _ in 0..2 {
        let token = Uuid::new_v4().to_string();
        let chosen = kept.to_string();
        attach(
            &app,
            lead,
            None,
            &[("envio", &token), ("biblioteca", &chosen)],
        )
        .await;
    }
    let bodies = g.wait_for_sent(before + 2).await;
    assert_eq!(bodies[before]["document"]["id"], "up.1");
    assert_eq!(bodies[before + 1]["document"]["id"], "up.1");
    assert_eq!(g.uploads().len(), 1);
    assert_eq!(app.count("select count(*) from consultant_files").await, 1);

    // Full: what would not fit is refused, with the figures.
    sqlx::query(
        "insert into consultant_files (consultant_id, name, mime_type, kind, size_bytes, bytes, in_library)
         values ($1, 'grande.pdf', 'application/pdf', 'document', 50 * 1024 * 1024, '\\x25504446', true)",
    )
    .bind(me)
    .execute(&app.pool)
    .await
    .unwrap();
    to_library(&app, "outro.pdf", PDF.to_vec()).await;
    let settings = app.get_html("/configuracoes").await;
    assert!(
        settings.contains("Seu espaço de arquivos acabou: 50 MB de 50 MB usados"),
        "{settings}"
    );

    // Taken out of the library: one that went to a lead stays for its conversation, one
    // that never went anywhere is deleted.
    let csrf = app.csrf_from("/configuracoes").await;
    for (name, expected) in [("folheto.pdf", 1), ("grande.pdf", 0)] {
        let id: Uuid = sqlx::query_scalar("select id from consultant_files where name = $1")
            .bind(name)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        app.post_plain_form(
            "/arquivos/excluir",
            "/configuracoes",
            &[("csrf", &csrf), ("id", &id.to_string())],
        )
        .await;
        assert_eq!(
            app.count(&format!(
                "select count(*) from consultant_files where id = '{id}'"
            ))
            .await,
            expected,
            "{name}"
        );
    }
    assert_eq!(
        app.count("select count(*) from consultant_files where in_library")
            .await,
        0
    );
}
