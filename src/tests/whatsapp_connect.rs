//! Connecting a consultant's WhatsApp number through Meta's Embedded Signup, against a fake
//! Meta (Graph API) on loopback: the code exchange, the account and number read from the
//! Graph API, registration and the webhook subscription, routing by the connected id only,
//! and disconnecting.

use super::helpers::{consultant_id, graph_services, serve_fake, TestApp};
use super::support::whatsapp::{lead, post, SECRET};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::{Json, Router};
use consultor::config::Secret;
use consultor::jobs;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

const DIALOG: &str = "https://meta.test/v21.0/dialog/oauth";
const JOANA: &str = "joana@exemplo.com";
const PEDRO: &str = "pedro@exemplo.com";

/// What the fake Meta was asked: method, path, authorization, query, body.
type Seen = Arc<Mutex<Vec<(String, String, String, String, Value)>>>;

async fn meta(
    State(seen): State<Seen>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> (StatusCode, Json<Value>) {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let query = uri.query().unwrap_or_default().to_string();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let n = {
        let mut s = seen.lock().unwrap();
        s.push((
            method.to_string(),
            uri.path().to_string(),
            auth.clone(),
            query.clone(),
            body,
        ));
        s.len()
    };
    let param = |name: &str| {
        url_pairs(&query)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .unwrap_or_default()
    };
    let business = auth.starts_with("Bearer EAAB-");
    let refused = |m: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"message": m, "type": "OAuthException", "code": 100}})),
        )
    };
    match (method.as_str(), uri.path()) {
        ("GET", "/v21.0/oauth/access_token") => {
            if param("client_id") != "123" || param("client_secret") != SECRET {
                return refused("Error validating client secret.");
            }
            match param("code").as_str() {
                "bom" => (
                    StatusCode::OK,
                    Json(json!({"access_token": "EAAB-negocio"})),
                ),
                "sem-conta" => (StatusCode::OK, Json(json!({"access_token": "EAAB-vazio"}))),
                _ => refused("Invalid verification code format."),
            }
        }
        ("GET", "/v21.0/debug_token") => {
            if auth != format!("Bearer 123|{SECRET}") {
                return refused("Invalid OAuth access token.");
            }
            let scopes = if param("input_token") == "EAAB-vazio" {
                json!([])
            } else {
                json!([{"scope": "whatsapp_business_management", "target_ids": ["77"]},
                       {"scope": "whatsapp_business_messaging", "target_ids": ["77"]}])
            };
            (
                StatusCode::OK,
                Json(
                    json!({"data": {"app_id": "123", "is_valid": true, "type": "SYSTEM_USER", "granular_scopes": scopes}}),
                ),
            )
        }
        ("GET", "/v21.0/77/phone_numbers") if business => (
            StatusCode::OK,
            Json(
                json!({"data": [{"id": "1065", "display_phone_number": "+55 11 91234-5678",
                                  "verified_name": "Joana Seguros", "platform_type": "NOT_APPLICABLE"}]}),
            ),
        ),
        (
            "POST",
            "/v21.0/1065/register" | "/v21.0/77/subscribed_apps" | "/v21.0/1065/smb_app_data",
        ) if business => (StatusCode::OK, Json(json!({"success": true}))),
        ("POST", "/v21.0/1065/messages") if business => (
            StatusCode::OK,
            Json(json!({"messages": [{"id": format!("wamid.OUT.{n}")}]})),
        ),
        _ => refused("unexpected request"),
    }
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x/?{query}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn fake_meta() -> (String, Seen) {
    let seen = Seen::default();
    let router = Router::new().fallback(meta).with_state(seen.clone());
    (serve_fake(router).await, seen)
}

/// A server with a Meta app configured (the fake's address), events stored but processed
/// by the test, and Joana and Pedro signed up in their own browsers.
async fn app() -> (TestApp, TestApp, String, Seen) {
    let (url, seen) = fake_meta().await;
    let graph = format!("{url}/v21.0");
    let app = TestApp::spawn_with(|c| {
        c.whatsapp_app_secret = Some(Secret::new(SECRET));
        c.whatsapp_app_id = Some("123".into());
        c.whatsapp_signup_config_id = Some("cfg".into());
        c.whatsapp_graph_url = graph;
        c.whatsapp_dialog_url = DIALOG.into();
        c.webhook_workers = 0;
        c.sender_enabled = false;
        c.scheduler_enabled = false;
    })
    .await;
    assert_eq!(
        app.signup("Joana Lima", JOANA, "senha-segura-123")
            .await
            .status(),
        200
    );
    let pedro = app.other_browser();
    assert_eq!(
        pedro
            .signup("Pedro Alves", PEDRO, "senha-segura-123")
            .await
            .status(),
        200
    );
    (app, pedro, url, seen)
}

/// Clicks "Conectar WhatsApp" with `pin`; returns where the browser is sent.
async fn start(app: &TestApp, pin: &str) -> String {
    let csrf = app.csrf_from("/configuracoes").await;
    let res = app
        .post_plain_form(
            "/configuracoes/whatsapp/conectar",
            "/configuracoes",
            &[("csrf", &csrf), ("pin", pin)],
        )
        .await;
    assert_eq!(res.status(), 303);
    res.headers()["location"].to_str().unwrap().to_string()
}

/// The `state` Meta's dialog is given (and sends back).
fn state_of(dialog: &str) -> String {
    let (_, query) = dialog.split_once('?').expect("dialog query");
    url_pairs(query)
        .into_iter()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v)
        .expect("state")
}

/// Meta sends the browser back with `query`; returns the settings page it lands on.
async fn come_back(app: &TestApp, query: &str) -> String {
    let res = app
        .get(&format!("/configuracoes/whatsapp/retorno?{query}"))
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/configuracoes#whatsapp");
    app.get_html("/configuracoes").await
}

/// Connects through the whole dialog with `code`; returns the settings page.
async fn connect(app: &TestApp, code: &str) -> String {
    let state = state_of(&start(app, "123456").await);
    come_back(app, &format!("code={code}&state={state}")).await
}

fn to_number(phone_number_id: &str, display: &str, from: &str, wamid: &str) -> Value {
    lead(from)
        .named("Lead")
        .to(phone_number_id, display)
        .text(wamid, "Oi")
}

/// Stores and processes one message through the Graph transport; returns the event's note.
async fn deliver(app: &TestApp, url: &str, payload: &Value) -> Option<String> {
    assert_eq!(post(app, payload).await, 200);
    assert!(jobs::run_once(&app.pool, &graph_services(url))
        .await
        .unwrap());
    sqlx::query_scalar("select processing_error from webhook_events order by received_at desc, processed_at desc limit 1")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn leads_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from leads l join consultants c on c.id = l.consultant_id where c.email = $1",
    )
    .bind(email)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_connected_through_meta_routes_its_messages_until_it_is_disconnected() {
    let (app, _pedro, url, seen) = app().await;
    let joana = consultant_id(&app.pool, JOANA).await;
    let page = app.get_html("/configuracoes").await;
    assert!(page.contains("Conectar WhatsApp"), "{page}");

    // The dialog is Meta's, with our app, configuration, return address and a fresh state.
    let dialog = start(&app, "123456").await;
    assert!(dialog.starts_with(DIALOG), "{dialog}");
    let params = url_pairs(dialog.split_once('?').unwrap().1);
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(param("client_id"), Some("123"));
    assert_eq!(param("config_id"), Some("cfg"));
    assert_eq!(param("response_type"), Some("code"));
    let return_to = app.url("/configuracoes/whatsapp/retorno");
    assert_eq!(param("redirect_uri"), Some(return_to.as_str()));
    let state = state_of(&dialog);
    assert!(state.len() >= 32);

    let page = come_back(&app, &format!("code=bom&state={state}")).await;
    assert!(
        page.contains("WhatsApp conectado: +55 11 91234-5678"),
        "{page}"
    );
    assert!(page.contains("Joana Seguros") && page.contains("Desconectar"));
    let stored: (String, String, String) = sqlx::query_as(
        "select waba_id, phone_number_id, access_token from whatsapp_connections where consultant_id = $1",
    )
    .bind(joana)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, ("77".into(), "1065".into(), "EAAB-negocio".into()));
    assert_eq!(
        app.count("select count(*) from audit_logs where action = 'whatsapp_connected'")
            .await,
        1
    );
    {
        // What Meta was asked, server to server: the code exchanged with our secret and the
        // same return address, the number registered with the consultant's PIN, the app
        // subscribed, each with the business token.
        let seen = seen.lock().unwrap();
        let exchange = seen
            .iter()
            .find(|r| r.1 == "/v21.0/oauth/access_token")
            .unwrap();
        assert!(url_pairs(&exchange.3).contains(&("redirect_uri".into(), return_to.clone())));
        let register = seen.iter().find(|r| r.1 == "/v21.0/1065/register").unwrap();
        assert_eq!(register.2, "Bearer EAAB-negocio");
        assert_eq!(register.4["pin"], "123456");
        let subscribe = seen
            .iter()
            .find(|r| r.1 == "/v21.0/77/subscribed_apps")
            .unwrap();
        assert_eq!(
            (subscribe.0.as_str(), subscribe.2.as_str()),
            ("POST", "Bearer EAAB-negocio")
        );
    }

    // The application role never reads the token back.
    let mut tx = app::server::db::tenant_tx(&app.pool, joana).await.unwrap();
    let err = sqlx::query("select access_token from whatsapp_connections")
        .fetch_all(&mut *tx)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    drop(tx);

    // A message to the connected id reaches Joana, whatever display number it carries, and
    // her bot answers through her number with her token.
    let note = deliver(
        &app,
        &url,
        &to_number("1065", "5599900000000", "5521988880001", "wamid.A"),
    )
    .await;
    assert_eq!(note, None);
    assert_eq!(leads_of(&app, JOANA).await, 1);
    let sends: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.1 == "/v21.0/1065/messages")
        .map(|r| r.2.clone())
        .collect();
    assert!(!sends.is_empty());
    assert!(sends.iter().all(|a| a == "Bearer EAAB-negocio"));

    // With a Meta app, a display number routes nothing: only connected ids do.
    let own_display = app::domain::phone::whatsapp_canonical(&super::helpers::number_for(JOANA));
    let note = deliver(
        &app,
        &url,
        &to_number(
            "999",
            own_display.trim_start_matches('+'),
            "5521988880002",
            "wamid.B",
        ),
    )
    .await;
    assert!(note.unwrap().contains("número de destino desconhecido"));
    assert_eq!(leads_of(&app, JOANA).await, 1);

    // Disconnecting stops routing at once.
    let csrf = app.csrf_from("/configuracoes").await;
    let res = app
        .post_plain_form(
            "/configuracoes/whatsapp/desconectar",
            "/configuracoes",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = app.get_html("/configuracoes").await;
    assert!(page.contains("WhatsApp desconectado"), "{page}");
    assert!(page.contains("Conectar WhatsApp"));
    assert_eq!(
        app.count("select count(*) from whatsapp_connections").await,
        0
    );
    let note = deliver(
        &app,
        &url,
        &to_number("1065", "5599900000000", "5521988880003", "wamid.C"),
    )
    .await;
    assert!(note.unwrap().contains("número de destino desconhecido"));
    assert_eq!(leads_of(&app, JOANA).await, 1);

    // The state of a finished connection does not work twice.
    let page = come_back(&app, &format!("code=bom&state={state}")).await;
    assert!(
        page.contains("expirou ou não começou neste navegador"),
        "{page}"
    );
    assert_eq!(
        app.count("select count(*) from whatsapp_connections").await,
        0
    );
}

async fn owner_of_1065(app: &TestApp) -> String {
    sqlx::query_scalar(
        "select c.email from whatsapp_connections w join consultants c on c.id = w.consultant_id
          where w.phone_number_id = '1065'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_needs_this_browsers_state_and_a_number_nobody_else_holds() {
    let (joana, pedro, _url, _seen) = app().await;

    // A state started in Joana's browser does nothing in Pedro's.
    let joanas = state_of(&start(&joana, "123456").await);
    let page = come_back(&pedro, &format!("code=bom&state={joanas}")).await;
    assert!(
        page.contains("expirou ou não começou neste navegador"),
        "{page}"
    );
    assert_eq!(
        joana
            .count("select count(*) from whatsapp_connections")
            .await,
        0
    );
    // Nor a made-up one in hers (which also spends the one she started: a state is taken
    // on the first return, right or wrong).
    let page = come_back(&joana, "code=bom&state=inventado").await;
    assert!(page.contains("expirou"), "{page}");

    // A cancelled dialog, an authorisation without a WhatsApp Business Account, a bad PIN.
    let state = state_of(&start(&joana, "123456").await);
    let page = come_back(&joana, &format!("error=access_denied&state={state}")).await;
    assert!(
        page.contains("A conexão foi cancelada no diálogo da Meta"),
        "{page}"
    );
    let page = connect(&joana, "sem-conta").await;
    assert!(
        page.contains("não deu acesso a uma conta do WhatsApp Business"),
        "{page}"
    );
    let page = connect(&joana, "codigo-vencido").await;
    assert!(
        page.contains("A Meta recusou a conexão (Invalid verification code format.)"),
        "{page}"
    );
    let csrf = joana.csrf_from("/configuracoes").await;
    let res = joana
        .post_plain_form(
            "/configuracoes/whatsapp/conectar",
            "/configuracoes",
            &[("csrf", &csrf), ("pin", "12ab")],
        )
        .await;
    assert_eq!(res.headers()["location"], "/configuracoes#whatsapp");
    let page = joana.get_html("/configuracoes").await;
    assert!(
        page.contains("O PIN tem exatamente 6 algarismos."),
        "{page}"
    );
    assert_eq!(
        joana
            .count("select count(*) from whatsapp_connections")
            .await,
        0
    );

    // Joana connects; Pedro, granted the same number by Meta, is refused while she has it.
    assert!(connect(&joana, "bom").await.contains("WhatsApp conectado"));
    let page = connect(&pedro, "bom").await;
    assert!(
        page.contains("já está conectado a outra conta do Consultor"),
        "{page}"
    );
    let owner = owner_of_1065(&joana).await;
    assert_eq!(owner, JOANA);

    // Once Joana's account is closed, the number is free for Pedro.
    sqlx::query("update consultants set is_active = false where email = $1")
        .bind(JOANA)
        .execute(&joana.pool)
        .await
        .unwrap();
    assert!(connect(&pedro, "bom").await.contains("WhatsApp conectado"));
    let owner = owner_of_1065(&joana).await;
    assert_eq!(owner, PEDRO);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_meta_app_connecting_explains_the_sandbox() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.signup("Joana Lima", JOANA, "senha-segura-123")
            .await
            .status(),
        200
    );
    let page = app.get_html("/configuracoes").await;
    assert!(page.contains("Modo de demonstração") && !page.contains("Conectar WhatsApp"));
    // A hand-made post is answered with the same explanation, and nothing is started.
    let csrf = app.csrf_from("/configuracoes").await;
    let res = app
        .post_plain_form(
            "/configuracoes/whatsapp/conectar",
            "/configuracoes",
            &[("csrf", &csrf), ("pin", "123456")],
        )
        .await;
    assert_eq!(res.headers()["location"], "/configuracoes#whatsapp");
    let page = app.get_html("/configuracoes").await;
    assert!(
        page.contains("não tem um aplicativo da Meta configurado"),
        "{page}"
    );
}

#[tokio::test]
async fn keeping_the_business_app_on_the_phone_skips_the_pin_and_asks_meta_for_the_phones_history()
{
    let (app, _pedro, _url, seen) = app().await;
    let html = app.get_html("/configuracoes").await;
    assert!(html.contains("Manter o app WhatsApp Business no celular"));
    assert!(html.contains("Número novo só para o bot"));
    let csrf = app.csrf_from("/configuracoes").await;
    let res = app
        .post_plain_form(
            "/configuracoes/whatsapp/conectar",
            "/configuracoes",
            &[("csrf", &csrf), ("modo", "celular"), ("pin", "")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let dialog = res.headers()["location"].to_str().unwrap().to_string();
    let extras = url_pairs(dialog.split_once('?').unwrap().1)
        .into_iter()
        .find(|(k, _)| k == "extras")
        .unwrap()
        .1;
    assert!(
        extras.contains("whatsapp_business_app_onboarding"),
        "{extras}"
    );
    let state = state_of(&dialog);
    let html = come_back(&app, &format!("code=bom&state={state}")).await;
    assert!(
        html.contains("Continue usando o app WhatsApp Business no celular"),
        "{html}"
    );
    assert!(html.contains("Este número continua no app WhatsApp Business do seu celular"));
    let seen = seen.lock().unwrap().clone();
    assert!(
        !seen.iter().any(|r| r.1 == "/v21.0/1065/register"),
        "a number kept on the app is not registered"
    );
    let syncs: Vec<&str> = seen
        .iter()
        .filter(|r| r.1 == "/v21.0/1065/smb_app_data")
        .map(|r| r.4["sync_type"].as_str().unwrap())
        .collect();
    assert_eq!(syncs, ["smb_app_state_sync", "history"]);
    let coexistence: bool = sqlx::query_scalar("select coexistence from whatsapp_connections")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(coexistence);
}
