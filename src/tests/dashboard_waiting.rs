//! #17 "dashboard on a phone": the dashboard opens with the leads waiting for the
//! consultant's reply (the lead wrote last, within WhatsApp's 24 hours, in an open stage, and
//! did not ask to stop), longest waiting first, each a link to its conversation.

use super::helpers::TestApp;
use super::leads::{lead, signed_in, talk};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_opens_with_the_leads_waiting_for_a_reply() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let html = app.get_html("/painel").await;
    assert!(html.contains("Aguardando sua resposta"), "{html}");
    assert!(html.contains("Ninguém esperando por você agora."));

    let none = serde_json::json!({});
    let waits_long = lead(
        &app,
        me,
        "Ana Espera",
        "+5511987650001",
        "em_contato",
        none.clone(),
    )
    .await;
    talk(
        &app,
        waits_long,
        &[
            ("outbound", "Posso ajudar?"),
            ("inbound", "Qual o preço para 4 pessoas?"),
        ],
        90,
    )
    .await;
    let waits = lead(
        &app,
        me,
        "Bia Espera",
        "+5511987650002",
        "novo",
        none.clone(),
    )
    .await;
    talk(&app, waits, &[("inbound", "Oi, ainda está aí?")], 5).await;
    let answered = lead(
        &app,
        me,
        "Caio Respondido",
        "+5511987650003",
        "novo",
        none.clone(),
    )
    .await;
    talk(
        &app,
        answered,
        &[("inbound", "Oi"), ("outbound", "Olá!")],
        3,
    )
    .await;
    let closed = lead(
        &app,
        me,
        "Davi Fechado",
        "+5511987650004",
        "fechado",
        none.clone(),
    )
    .await;
    talk(&app, closed, &[("inbound", "Obrigado!")], 3).await;
    let too_old = lead(
        &app,
        me,
        "Edu Antigo",
        "+5511987650005",
        "novo",
        none.clone(),
    )
    .await;
    talk(&app, too_old, &[("inbound", "Alguém?")], 25 * 60).await;
    let stopped = lead(
        &app,
        me,
        "Fabi Saiu",
        "+5511987650006",
        "novo",
        none.clone(),
    )
    .await;
    talk(&app, stopped, &[("inbound", "SAIR")], 2).await;
    sqlx::query("update leads set opted_out_at = now() where id = $1")
        .bind(stopped)
        .execute(&app.pool)
        .await
        .unwrap();
    // Another consultant's waiting lead is never shown here.
    let other = app.other_browser();
    let them = signed_in(&other, "bruno@exemplo.com").await;
    let theirs = lead(&other, them, "Gil Outro", "+5511987650007", "novo", none).await;
    talk(&other, theirs, &[("inbound", "Oi?")], 1).await;

    let html = app.get_html("/painel").await;
    let section = &html[html.find("Aguardando sua resposta").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains(">2<"), "two waiting: {section}");
    let (long, short) = (
        section.find("Ana Espera").expect("Ana waits"),
        section.find("Bia Espera").expect("Bia waits"),
    );
    assert!(long < short, "the longest waiting first");
    assert!(section.contains(&format!("/leads/{waits_long}")));
    assert!(section.contains("Qual o preço para 4 pessoas?"));
    for name in [
        "Caio Respondido",
        "Davi Fechado",
        "Edu Antigo",
        "Fabi Saiu",
        "Gil Outro",
    ] {
        assert!(!section.contains(name), "{name} is not waiting: {section}");
    }
    // It comes before the period's figures.
    assert!(html.find("Aguardando sua resposta") < html.find("Números do período"));
}
