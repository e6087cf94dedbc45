//! From the ad to the closed deal (issue #19): a lead from a click-to-WhatsApp ad reaching a
//! mapped stage sends its event once to Meta's Conversions API (a fake Graph API on
//! loopback), retried on 5xx, never for a lead that opted out or did not come from an ad.

use super::helpers::{connect_number, serve_fake, sign_in_inserted, TestApp};
use super::leads::move_lead;
use super::support::whatsapp::{app_with_workers_and, lead, send, without_jobs, PHONE_NUMBER_ID};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use chrono::Utc;
use consultor::jobs::conversions::{self, ConversionsApi, Pass};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

#[derive(Clone, Default)]
struct FakeMeta {
    /// (dataset, bearer token, body).
    received: Arc<Mutex<Vec<(String, String, Value)>>>,
    /// Statuses to answer in turn (then 200).
    answers: Arc<Mutex<Vec<u16>>>,
}

async fn events(
    State(meta): State<FakeMeta>,
    Path(dataset): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let token = headers["authorization"]
        .to_str()
        .unwrap()
        .trim_start_matches("Bearer ")
        .to_string();
    meta.received.lock().unwrap().push((dataset, token, body));
    let next = {
        let mut a = meta.answers.lock().unwrap();
        (!a.is_empty()).then(|| a.remove(0))
    };
    let status = StatusCode::from_u16(next.unwrap_or(200)).unwrap();
    (status, Json(json!({"events_received": 1})))
}

async fn fake_meta() -> (ConversionsApi, FakeMeta) {
    let meta = FakeMeta::default();
    let app = Router::new()
        .route("/v21.0/{dataset}/events", post(events))
        .with_state(meta.clone());
    let url = serve_fake(app).await;
    (ConversionsApi::new(&format!("{url}/v21.0")), meta)
}

const TOKEN: &str = "EAAB-token-da-api-de-conversoes-123";

/// Joana, connected through Meta (WABA 77) with a dataset and its token.
async fn connected_app() -> (TestApp, Uuid) {
    let app = app_with_workers_and(1, without_jobs).await;
    let joana: Uuid =
        sqlx::query_scalar("select id from consultants where email = 'joana@exemplo.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    connect_number(&app.pool, joana, PHONE_NUMBER_ID).await;
    sqlx::query("update whatsapp_connections set capi_dataset_id = '1234567890', capi_token = $1")
        .bind(TOKEN)
        .execute(&app.pool)
        .await
        .unwrap();
    (app, joana)
}

/// A lead answers the whole flow; with `clid`, it came from an ad.
async fn qualify_from(app: &TestApp, from: &str, clid: Option<&str>) -> Uuid {
    let first = match clid {
        Some(clid) => lead(from).message(
            &format!("wamid.{from}.0"),
            json!({"type": "text", "text": {"body": "Vi o anúncio"},
                   "referral": {"source_type": "ad", "source_id": "120210", "headline": "Plano família 30% off",
                                "source_url": "https://fb.me/x", "ctwa_clid": clid}}),
        ),
        None => lead(from).text(&format!("wamid.{from}.0"), "Oi"),
    };
    send(app, first).await;
    for (i, body) in ["Maria Souza", "2", "2", "1", "Campinas"]
        .iter()
        .enumerate()
    {
        send(
            app,
            lead(from).text(&format!("wamid.{from}.{}", i + 1), body),
        )
        .await;
    }
    sqlx::query_scalar("select id from leads where whatsapp_number = $1")
        .bind(format!("+{from}"))
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn pass(app: &TestApp, api: &ConversionsApi) -> Pass {
    conversions::run(&app.pool, api, Utc::now()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_from_an_ad_tells_meta_once_per_mapped_stage() {
    let (app, _) = connected_app().await;
    let (api, meta) = fake_meta().await;
    let lead = qualify_from(&app, "5521999990001", Some("ARAkLkA8rmlFeiCktEJQ")).await;
    assert_eq!(pass(&app, &api).await.sent, 1);

    // Closed, with the deal's value typed in the move form: a Purchase worth it. A value
    // that is not one is refused in words, and the lead stays where it was.
    sign_in_inserted(&app, "joana@exemplo.com").await;
    assert!(move_lead(&app, lead, "em_contato", "")
        .await
        .status()
        .is_success());
    let close = |valor: &'static str| {
        let app = &app;
        async move {
            let csrf = app.csrf_from("/leads").await;
            app.post_form(
                "/api/mover-lead",
                &[
                    ("csrf", &csrf),
                    ("lead", &lead.to_string()),
                    ("to", "fechado"),
                    ("reason", ""),
                    ("valor", valor),
                ],
            )
            .await
        }
    };
    let refused = close("mil reais").await;
    assert_eq!(refused.status(), 422);
    assert_eq!(
        app.count("select count(*) from leads where status = 'fechado'")
            .await,
        0
    );
    assert!(close("1.500,00").await.status().is_success());
    assert_eq!(pass(&app, &api).await.sent, 1);
    // Reopened and closed again: no second Purchase.
    for (to, why) in [("em_contato", "Quer rever o plano"), ("fechado", "")] {
        let res = move_lead(&app, lead, to, why).await;
        assert!(res.status().is_success(), "{to}: {}", res.status());
    }
    assert_eq!(pass(&app, &api).await, Pass::default());

    let received = meta.received.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    let (dataset, token, body) = &received[0];
    assert_eq!((dataset.as_str(), token.as_str()), ("1234567890", TOKEN));
    let e = &body["data"][0];
    assert_eq!(e["event_name"], "QualifiedLead");
    assert_eq!(e["action_source"], "business_messaging");
    assert_eq!(e["messaging_channel"], "whatsapp");
    assert_eq!(
        e["user_data"],
        json!({"whatsapp_business_account_id": "77", "ctwa_clid": "ARAkLkA8rmlFeiCktEJQ"})
    );
    assert!(e.get("custom_data").is_none());
    let purchase = &received[1].2["data"][0];
    assert_eq!(purchase["event_name"], "Purchase");
    assert_eq!(
        purchase["custom_data"],
        json!({"currency": "BRL", "value": 1500.0})
    );

    // The card names the ad; the dashboard counts the ad's leads and how far they went:
    // 1 lead, finished the bot, hot, reached "agendado" or beyond, closed.
    let board = app.get_html("/leads?status=fechado").await;
    assert!(
        board.contains("Anúncio no Facebook: Plano família 30% off"),
        "{board}"
    );
    let dashboard = app.get_html("/painel").await.replace("<!>", "");
    assert!(
        dashboard.contains("<td>Anúncio no Facebook: Plano família 30% off</td><td>1</td><td>1</td><td>1</td><td>1</td><td>1</td>"),
        "{dashboard}"
    );

    // The lead page says so; the data export lists what went.
    let page = app
        .get_html(&format!("/leads/{lead}"))
        .await
        .replace("<!>", "");
    assert!(page.contains("QualifiedLead: enviado à Meta em "), "{page}");
    assert!(page.contains("Purchase: enviado à Meta em "), "{page}");
    let export: Value = app
        .get(&format!("/leads/{lead}/dados.json"))
        .await
        .json()
        .await
        .unwrap();
    let sent = &export["eventos_enviados_a_meta"];
    assert_eq!(sent[0]["evento"], "QualifiedLead");
    assert_eq!(
        sent[1]["conteudo_enviado"]["data"][0]["custom_data"]["value"],
        1500.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_meta_is_retried_and_nothing_goes_for_an_opted_out_or_organic_lead() {
    let (app, _) = connected_app().await;
    let (api, meta) = fake_meta().await;
    meta.answers.lock().unwrap().push(503);
    qualify_from(&app, "5521999990001", Some("clid-um")).await;
    let first = pass(&app, &api).await;
    assert_eq!((first.retried, first.sent), (1, 0));
    let later = Utc::now() + chrono::Duration::seconds(61);
    assert_eq!(
        conversions::run(&app.pool, &api, later).await.unwrap().sent,
        1
    );

    // A lead who came without an ad: nothing queued.
    qualify_from(&app, "5521999990002", None).await;
    // A lead from an ad who wrote SAIR before finishing: nothing queued either.
    send(
        &app,
        lead("5521999990003").message(
            "wamid.s.0",
            json!({"type": "text", "text": {"body": "Oi"},
        "referral": {"source_type": "ad", "source_id": "1", "ctwa_clid": "clid-tres"}}),
        ),
    )
    .await;
    send(&app, lead("5521999990003").text("wamid.s.1", "SAIR")).await;
    assert_eq!(app.count("select count(*) from conversion_events").await, 1);
    // And one that opts out after its event was queued is cancelled, never sent.
    let queued = qualify_from(&app, "5521999990004", Some("clid-quatro")).await;
    sqlx::query("update leads set opted_out_at = now() where id = $1")
        .bind(queued)
        .execute(&app.pool)
        .await
        .unwrap();
    let last = conversions::run(&app.pool, &api, later).await.unwrap();
    assert_eq!((last.cancelled, last.sent), (1, 0));
    assert_eq!(
        meta.received.lock().unwrap().len(),
        2,
        "the 503, then the retry"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_take_the_dataset_keep_the_token_hidden_and_refuse_bad_input_in_words() {
    let (app, _) = connected_app().await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    let page = app.get_html("/configuracoes").await;
    assert!(
        page.contains("Anúncios: API de Conversões da Meta"),
        "{page}"
    );
    assert!(page.contains("configurado: deixe em branco para manter"));
    assert!(!page.contains(TOKEN), "the token never comes back");
    let csrf = app.csrf_from("/configuracoes").await;
    app.post_form(
        "/configuracoes/conversoes",
        &[
            ("csrf", &csrf),
            ("dataset", "12ab"),
            ("token", ""),
            ("evento_fechado", "Purchase"),
        ],
    )
    .await;
    let page = app.get_html("/configuracoes").await;
    assert!(
        page.contains("O ID do conjunto de dados tem só números"),
        "{page}"
    );
    app.post_form(
        "/configuracoes/conversoes",
        &[
            ("csrf", &csrf),
            ("dataset", "9876543210"),
            ("token", ""),
            ("evento_fluxo_concluido", ""),
            ("evento_agendado", "InitiateCheckout"),
        ],
    )
    .await;
    let (dataset, token, events): (String, String, Value) = sqlx::query_as(
        "select w.capi_dataset_id, w.capi_token, c.capi_events from whatsapp_connections w join consultants c on c.id = w.consultant_id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (dataset.as_str(), token.as_str()),
        ("9876543210", TOKEN),
        "a blank token keeps the stored one"
    );
    assert_eq!(events, json!({"agendado": "InitiateCheckout"}));
}
