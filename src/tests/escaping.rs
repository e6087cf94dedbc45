//! Stored script injection: what a consultant or a lead types comes back as text on every
//! page that shows it, including inside `<title>` and `<textarea>`, and every page sends a
//! Content-Security-Policy whose nonce is on each inline script and nowhere else.

use super::helpers::TestApp;
use uuid::Uuid;

const IN_TITLE: &str = "Ana</title><script>alert(7)</script>";
const IN_TEXTAREA: &str = "</textarea><script>alert(8)</script>";

/// A payload that breaks out of any element: the two above, and a plain one.
fn payload(n: u32) -> String {
    format!("</title></textarea><script>alert({n})</script><img src=x onerror=alert({n})>")
}

fn assert_inert(page: &str, html: &str) {
    assert!(
        !html.contains("<script>alert"),
        "{page}: a live script tag:\n{html}"
    );
    assert!(!html.contains("<img src=x"), "{page}: a live img tag");
    assert!(
        html.contains("&lt;script&gt;alert("),
        "{page}: the payload is not shown as text at all"
    );
}

fn csp(page: &str, res: &reqwest::Response) -> String {
    res.headers()
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{page}: no CSP"))
        .to_str()
        .unwrap()
        .to_string()
}

/// The page's CSP nonce, checked against every `<script>` in it.
fn assert_policy(page: &str, csp: &str, html: &str) {
    assert!(!csp.contains("unsafe-inline"), "{page}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{page}: {csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .unwrap_or_else(|| panic!("{page}: no nonce in {csp}"));
    assert!(nonce.len() >= 16, "{page}: a short nonce");
    let scripts = html.matches("<script").count();
    assert!(scripts >= 1, "{page}: the hydration script is missing");
    assert_eq!(
        html.matches(&format!("<script nonce=\"{nonce}\"")).count()
            + html
                .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                .count(),
        scripts,
        "{page}: a script without this response's nonce"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_people_type_is_text_on_every_page() {
    // Notifications configured: Settings lists the devices (one named below).
    let app = TestApp::spawn_with(|c| {
        c.web_push = consultor::config::WebPushKeys::from_values(
            Some(consultor::push::crypto::Vapid::generate().private_base64url()),
            None,
        )
        .unwrap();
    })
    .await;
    let res = app
        .signup(IN_TITLE, "ana@exemplo.com", "uma senha bem longa 123")
        .await;
    assert_eq!(res.status(), 200, "the name is accepted at sign-up");
    let me: (Uuid, String) = sqlx::query_as("select id, slug from consultants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let csrf = app.csrf_from("/configuracoes").await;
    let res = app
        .post_form(
            "/api/salvar-configuracoes",
            &[
                ("csrf", &csrf),
                ("name", IN_TITLE),
                ("bio", IN_TEXTAREA),
                ("crm_number", "<b>CRM</b><script>alert(9)</script>"),
                ("whatsapp", "+55 21 98765-4321"),
                ("vertical", "insurance"),
                ("slug", &me.1),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    // A lead as the webhook stores it: a typed name, a WhatsApp profile name, what they wrote.
    let lead: Uuid = sqlx::query_scalar(
        "insert into leads (consultant_id, whatsapp_number, name, profile_name, status)
         values ($1, '5511987654321', $2, $3, 'novo') returning id",
    )
    .bind(me.0)
    .bind(payload(10))
    .bind(payload(11))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let conversation: Uuid = sqlx::query_scalar(
        "insert into conversations (consultant_id, lead_id, flow_id)
         values ($1, $2, (select id from flows where is_template limit 1)) returning id",
    )
    .bind(me.0)
    .bind(lead)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let message: Uuid = sqlx::query_scalar(
        "insert into messages (conversation_id, direction, content, status) values ($1, 'inbound', $2, 'delivered') returning id",
    )
    .bind(conversation)
    .bind(payload(12))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // A file whose download failed shows Meta's reason (outside text) on the lead page.
    sqlx::query(
        "insert into message_media (message_id, consultant_id, media_id, kind, fetch_error)
         values ($1, $2, 'm', 'document', $3)",
    )
    .bind(message)
    .bind(me.0)
    .bind(payload(14))
    .execute(&app.pool)
    .await
    .unwrap();
    // An own live flow whose question and option are drawn in the dashboard's charts.
    let flow: Uuid = sqlx::query_scalar(
        "insert into flows (created_by, name, vertical, definition, is_active, is_template)
         values ($1, $2, 'insurance', $3, true, false) returning id",
    )
    .bind(me.0)
    .bind(payload(17))
    .bind(serde_json::json!({"etapas": [
        {"id": "q", "tipo": "escolha", "pergunta": payload(18), "opcoes": [{"rotulo": payload(19), "valor": "a"}]},
        {"id": "fim", "tipo": "fim", "pergunta": "Tchau"}
    ]}))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into conversations (consultant_id, lead_id, flow_id, current_step, state, is_completed)
         values ($1, $2, $3, 'fim', '{\"answers\": {\"q\": \"a\"}}', true)",
    )
    .bind(me.0)
    .bind(lead)
    .bind(flow)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("select refresh_dashboard(true)")
        .execute(&app.pool)
        .await
        .unwrap();
    // The connected number as Meta names it (outside text) on the settings page.
    sqlx::query(
        "insert into whatsapp_connections
             (consultant_id, waba_id, phone_number_id, display_phone_number, verified_name, access_token)
         values ($1, '77', '1065', '</p><script>alert(15)</script>', $2, 'token')",
    )
    .bind(me.0)
    .bind(payload(16))
    .execute(&app.pool)
    .await
    .unwrap();
    // From an ad whose headline is outside text; a summary (the AI's words); Meta's refusal of
    // its event; a device named from its browser.
    sqlx::query(
        "update leads set metadata = jsonb_build_object('source', 'ad', 'campaign', $2::text),
                          summary = $3, summary_source = 'ia', summary_at = now(),
                          score = 5, scored_at = now()
          where id = $1",
    )
    .bind(lead)
    .bind(payload(20))
    .bind(payload(21))
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into conversion_events (consultant_id, lead_id, trigger, event_name, ctwa_clid, status, last_error)
         values ($1, $2, 'fechado', 'Purchase', 'x', 'falhou', $3)",
    )
    .bind(me.0)
    .bind(lead)
    .bind(payload(22))
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into push_subscriptions (consultant_id, endpoint, p256dh, auth, device)
         values ($1, 'https://push.exemplo/x', repeat('B', 87), repeat('a', 22), $2)",
    )
    .bind(me.0)
    .bind(payload(23))
    .execute(&app.pool)
    .await
    .unwrap();
    // A library file's name (Settings, the reply box's list), a voice note's failure (outside
    // text), and a file sent with its name and caption.
    let file: Uuid = sqlx::query_scalar(
        "insert into consultant_files (consultant_id, name, mime_type, kind, size_bytes, bytes, in_library)
         values ($1, $2, 'application/pdf', 'document', 5, '\\x255044462d', true) returning id",
    )
    .bind(me.0)
    .bind(payload(24))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let audio: Uuid = sqlx::query_scalar(
        "insert into messages (conversation_id, direction, content, status) values ($1, 'inbound', '[áudio]', 'delivered') returning id",
    )
    .bind(conversation)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into message_media (message_id, consultant_id, media_id, kind, transcript_status, transcript_error)
         values ($1, $2, 'a', 'audio', 'falhou', $3)",
    )
    .bind(audio)
    .bind(me.0)
    .bind(payload(25))
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into messages (conversation_id, direction, content, status, message_type, payload)
         values ($1, 'outbound', 'x', 'sent', 'document', $2)",
    )
    .bind(conversation)
    .bind(
        serde_json::json!({"kind": "file", "file": file.to_string(), "media": "document",
                             "name": payload(26), "caption": payload(27), "by": "consultant"}),
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // An image of the library (offered for a template's header) and a template opened for a
    // change (its text back in the form's text area).
    sqlx::query(
        "insert into consultant_files (consultant_id, name, mime_type, kind, size_bytes, bytes, in_library)
         values ($1, $2, 'image/png', 'image', 4, '\\x89504e47', true)",
    )
    .bind(me.0)
    .bind(payload(28))
    .execute(&app.pool)
    .await
    .unwrap();
    let template: Uuid = sqlx::query_scalar(
        "insert into message_templates (consultant_id, name, category, body, status)
         values ($1, 'modelo_hostil', 'utility', $2, 'aprovado') returning id",
    )
    .bind(me.0)
    .bind(format!("Olá, {} e {IN_TEXTAREA} fim", payload(29)))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("insert into lead_notes (consultant_id, lead_id, body) values ($1, $2, $3)")
        .bind(me.0)
        .bind(lead)
        .bind(payload(13))
        .execute(&app.pool)
        .await
        .unwrap();

    let pages = [
        format!("/c/{}", me.1),
        format!("/c/{}/privacidade", me.1),
        "/configuracoes".to_string(),
        "/painel".to_string(),
        "/leads".to_string(),
        "/leads?vista=lista".to_string(),
        format!("/leads/{lead}"),
        format!("/leads/{lead}/dados"),
        "/fluxos".to_string(),
        format!("/fluxos/{flow}"),
        "/modelos".to_string(),
        format!("/modelos?alterar={template}"),
    ];
    for page in &pages {
        let res = app.get(page).await;
        assert_eq!(res.status(), 200, "{page}");
        let policy = csp(page, &res);
        let html = res.text().await.unwrap();
        assert_inert(page, &html);
        assert_policy(page, &policy, &html);
    }
    // Each payload shows up as text where it belongs.
    let lead_page = app.get_html(&format!("/leads/{lead}")).await;
    for n in [10, 12, 13, 14, 20, 21, 22, 24, 25, 26, 27] {
        assert!(
            lead_page.contains(&format!("&lt;script&gt;alert({n})&lt;/script&gt;")),
            "payload {n} on the lead page"
        );
    }
    let dashboard = app.get_html("/painel").await;
    for n in [17, 18, 19, 20] {
        assert!(
            dashboard.contains(&format!("&lt;script&gt;alert({n})&lt;/script&gt;")),
            "flow text {n} on the dashboard"
        );
    }
    let editing = app.get_html(&format!("/modelos?alterar={template}")).await;
    for n in [28, 29] {
        assert!(
            editing.contains(&format!("&lt;script&gt;alert({n})&lt;/script&gt;")),
            "payload {n} on the templates page"
        );
    }
    let doc = scraper::Html::parse_document(&editing);
    let body = scraper::Selector::parse("#modelo-corpo").unwrap();
    let shown: String = doc.select(&body).next().unwrap().text().collect();
    assert_eq!(shown, format!("Olá, {} e {IN_TEXTAREA} fim", payload(29)));
    // The text area gives back exactly what was saved.
    let settings = app.get_html("/configuracoes").await;
    for n in [15, 16, 23, 24] {
        assert!(
            settings.contains(&format!("&lt;script&gt;alert({n})&lt;/script&gt;")),
            "Meta's text {n} on the settings page"
        );
    }
    let doc = scraper::Html::parse_document(&settings);
    let bio = scraper::Selector::parse("#campo-bio").unwrap();
    let shown: String = doc.select(&bio).next().unwrap().text().collect();
    assert_eq!(shown, IN_TEXTAREA);
    let profile = app.get_html(&format!("/c/{}", me.1)).await;
    let doc = scraper::Html::parse_document(&profile);
    let title = scraper::Selector::parse("title").unwrap();
    let shown: String = doc.select(&title).next().unwrap().text().collect();
    assert!(shown.starts_with(IN_TITLE), "title: {shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_have_a_fresh_nonce_and_other_routes_a_closed_policy() {
    let app = TestApp::spawn().await;
    let a = app.get("/entrar").await;
    let b = app.get("/entrar").await;
    let (policy, other) = (csp("/entrar", &a), csp("/entrar", &b));
    assert_ne!(policy, other, "a nonce is never reused");
    assert_policy("/entrar", &policy, &a.text().await.unwrap());
    let missing = app.get("/nao-existe").await;
    assert_eq!(missing.status(), 404);
    let policy = csp("/nao-existe", &missing);
    assert_policy("/nao-existe", &policy, &missing.text().await.unwrap());
    let health = app.get("/healthz").await;
    assert!(csp("/healthz", &health).starts_with("default-src 'none'"));
}
