//! #17 "dashboard on a phone": the dashboard opens with the leads waiting for the
//! consultant's reply (the lead wrote last, within WhatsApp's 24 hours, in an open stage, and
//! did not ask to stop), longest waiting first, each a link to its conversation.

use super::helpers::TestApp;
use super::leads::{lead, signed_in};
use uuid::Uuid;

/// A conversation whose messages are `lines` (direction, text), the last `minutes_ago`;
/// the lead's activity and last inbound time follow them.
async fn talk(app: &TestApp, lead: Uuid, lines: &[(&str, &str)], minutes_ago: i32) {
    let conversation: Uuid = sqlx::query_scalar(
        "insert into conversations (lead_id, flow_id) select $1, id from flows where is_template limit 1 returning id",
    )
    .bind(lead)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let n = lines.len() as i32;
    for (i, (direction, text)) in lines.iter().enumerate() {
        sqlx::query(
            "insert into messages (conversation_id, direction, content, created_at)
             values ($1, $2, $3, now() - make_interval(mins => $4))",
        )
        .bind(conversation)
        .bind(direction)
        .bind(text)
        .bind(minutes_ago + n - 1 - i as i32)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    sqlx::query(
        "update leads set
            last_inbound_at = (select max(m.created_at) from messages m where m.conversation_id = $2 and m.direction = 'inbound'),
            last_interaction_at = (select max(m.created_at) from messages m where m.conversation_id = $2)
          where id = $1",
    )
    .bind(lead)
    .bind(conversation)
    .execute(&app.pool)
    .await
    .unwrap();
}

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
