//! What messages cost (#18 part 4): a template is counted at its category's price, replies
//! inside the window are free, Meta's `pricing` in a status webhook re-classifies a message;
//! the lead page and the dashboard show the estimates; prices come from one table that the
//! configuration overrides.

use super::helpers::{sign_in_inserted, TestApp};
use super::support::whatsapp::{app_with_workers, send, text, CONSULTANT_NUMBER, PHONE_NUMBER_ID};
use serde_json::json;
use uuid::Uuid;

async fn template_sent_to_a_quiet_lead(app: &TestApp) -> Uuid {
    sign_in_inserted(app, "joana@exemplo.com").await;
    let csrf = app.csrf_from("/modelos").await;
    app.post_plain_form(
        "/modelos/acao",
        "/modelos",
        &[
            ("csrf", &csrf),
            ("acao", "biblioteca"),
            ("modelo", "retomar_conversa"),
        ],
    )
    .await;
    send(app, text("wamid.1", "Oi")).await;
    sqlx::query(
        "update messages set created_at = now() - interval '25 hours' where direction = 'inbound'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let lead: Uuid = sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let template: Uuid = sqlx::query_scalar("select id from message_templates")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let page = format!("/leads/{lead}");
    let csrf = app.csrf_from(&page).await;
    let res = app
        .post_plain_form(
            &format!("{page}/modelo"),
            &page,
            &[
                ("csrf", &csrf),
                ("modelo", &template.to_string()),
                ("v1", "Maria"),
                ("v2", "Joana"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    super::support::wait_until(
        "the template sent",
        std::time::Duration::from_secs(10),
        || async {
            app.count(
                "select count(*) from messages where message_type = 'template' and status = 'sent'",
            )
            .await
                == 1
        },
    )
    .await;
    lead
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leads_and_the_months_messages_are_priced_by_category() {
    let app = app_with_workers(1).await;
    let lead = template_sent_to_a_quiet_lead(&app).await;
    let html = app.get_html(&format!("/leads/{lead}")).await;
    assert!(html.contains("Custo das mensagens (estimativa)"), "{html}");
    assert!(html.contains("Marketing: 1 mensagem"));
    assert!(
        html.contains("R$ 0,34"),
        "one marketing template at R$ 0,3375"
    );
    assert!(
        html.contains("Respostas na janela"),
        "the bot's replies are counted, free"
    );
    let dashboard = app.get_html("/painel").await;
    assert!(dashboard.contains("WhatsApp neste mês (estimativa)"));
    assert!(dashboard.contains("R$ 0,34"));
    assert!(dashboard.contains("das mensagens foram pagas"));
    assert!(dashboard.contains("Nenhum negócio fechado neste mês ainda."));
    assert!(dashboard.contains("tabela da Meta para o Brasil de 2026-10-01"));
    // The deal closes (novo → em contato → fechado): the month's cost per closed deal.
    let csrf = app.csrf_from("/leads").await;
    for to in ["em_contato", "fechado"] {
        let res = app
            .post_form(
                "/api/mover-lead",
                &[
                    ("csrf", &csrf),
                    ("lead", &lead.to_string()),
                    ("to", to),
                    ("reason", ""),
                ],
            )
            .await;
        assert!(res.status().is_success(), "{to}: {}", res.status());
    }
    let dashboard = app.get_html("/painel").await;
    assert!(
        dashboard.contains("R$ 0,34 por negócio fechado (1 neste mês)."),
        "{dashboard}"
    );

    // Meta says how it billed it: a utility template delivered inside the window, free.
    let wamid: String = sqlx::query_scalar(
        "select whatsapp_message_id from messages where message_type = 'template'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let status = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{
        "field": "messages", "value": {"messaging_product": "whatsapp",
        "metadata": {"display_phone_number": CONSULTANT_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
        "statuses": [{"id": wamid, "status": "delivered", "timestamp": "1700000200", "recipient_id": "5521999990001",
                      "pricing": {"billable": false, "pricing_model": "PMP", "category": "utility", "type": "free_customer_service"}}]}}]}]});
    send(&app, status).await;
    let html = app.get_html(&format!("/leads/{lead}")).await;
    assert!(
        html.contains("Utilidade (grátis na janela): 1 mensagem"),
        "{html}"
    );
    assert!(html.contains("R$ 0,00"));
    assert!(!html.contains("R$ 0,34"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_price_table_is_overridden_by_configuration() {
    let app = TestApp::spawn_with(|c| {
        c.whatsapp_app_secret = Some(consultor::config::Secret::new(
            super::support::whatsapp::SECRET,
        ));
        c.webhook_workers = 1;
        c.prices.marketing = 5_000;
    })
    .await;
    super::helpers::insert_consultant(&app.pool, "joana@exemplo.com", "Joana").await;
    let lead = template_sent_to_a_quiet_lead(&app).await;
    let html = app.get_html(&format!("/leads/{lead}")).await;
    assert!(html.contains("R$ 0,50"), "{html}");
    assert!(app
        .get_html("/painel")
        .await
        .contains("preços configurados neste servidor"));
}

#[test]
fn prices_are_read_from_the_environment_in_reais() {
    let config = consultor::config::Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some("postgres://x".into()),
        "WHATSAPP_PRICE_MARKETING" => Some("0,4".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(config.prices.marketing, 4_000);
    assert_eq!(
        config.prices.utility,
        app::domain::pricing::PriceTable::BRAZIL.utility
    );
    let bad = consultor::config::Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some("postgres://x".into()),
        "WHATSAPP_PRICE_UTILITY" => Some("grátis".into()),
        _ => None,
    });
    assert!(bad.is_err());
}
