//! Appointment reminders (#18 part 3): booking schedules two (24 h and 2 h before) with the
//! approved ready template "lembrete_agendamento"; the reminder leaves through a fake Graph
//! API with the lead's first name, the time in words and our button payloads; the lead's
//! Confirmar / Remarcar is recorded once (a redelivered webhook changes nothing), answered in
//! a short text, and shown on the lead page and the dashboard; cancelling the appointment
//! cancels its reminders. Without the template, the lead page says how to get them.

use super::helpers::TestApp;
use super::support::fake_graph::FakeGraph;
use super::support::whatsapp::{lead, send, LEAD};
use app::domain::appointment::form_values;
use chrono::{DateTime, Duration, Utc};
use consultor::jobs::scheduler;
use serde_json::{json, Value};
use uuid::Uuid;

/// A server sending through a fake Graph API, its scheduler run only by the tests, and Ana's
/// connected account (no quiet hours, so the times of day do not matter).
async fn app_with_graph() -> (TestApp, FakeGraph) {
    let (app, g, _) =
        super::lead_replies::app_with_graph_and(|c| c.scheduler_enabled = false).await;
    form(
        &app,
        "/modelos/regras",
        "/modelos",
        &[("acao", "silencio"), ("inicio", "0"), ("fim", "0")],
    )
    .await;
    (app, g)
}

/// Posts a plain form (no JavaScript); returns the page it came from, after.
async fn form(app: &TestApp, path: &str, page: &str, fields: &[(&str, &str)]) -> String {
    let csrf = app.csrf_from(page).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let res = app.post_plain_form(path, page, &all).await;
    assert_eq!(res.status(), 303);
    app.get_html(page).await
}

/// The ready reminder template, sent to Meta and approved (the review webhook is tested in
/// `templates`).
async fn approve_reminder_template(app: &TestApp) {
    form(
        app,
        "/modelos/acao",
        "/modelos",
        &[("acao", "biblioteca"), ("modelo", "lembrete_agendamento")],
    )
    .await;
    sqlx::query("update message_templates set status = 'aprovado' where library_key = 'lembrete_agendamento'")
        .execute(&app.pool)
        .await
        .unwrap();
}

/// Maria writes, and is moved to "agendado" for the day after tomorrow at 14:30.
async fn booked(app: &TestApp) -> (Uuid, DateTime<Utc>) {
    send(
        app,
        lead(LEAD).named("Maria Souza").text("wamid.in.1", "Oi"),
    )
    .await;
    let id: Uuid = sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (date, _) = form_values(Utc::now() + Duration::days(2));
    let csrf = app.csrf_from("/leads").await;
    let res = app
        .post_form(
            "/api/mover-lead",
            &[
                ("csrf", &csrf),
                ("lead", &id.to_string()),
                ("to", "agendado"),
                ("reason", ""),
                ("data", &date),
                ("hora", "14:30"),
                ("local", ""),
                ("link", ""),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    let starts_at = sqlx::query_scalar("select starts_at from appointments where lead_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    (id, starts_at)
}

/// (status, due_at, outcome) of the reminders, soonest first.
async fn reminders(app: &TestApp) -> Vec<(String, DateTime<Utc>, Option<String>)> {
    sqlx::query_as(
        "select status, due_at, outcome from scheduled_messages where kind = 'lembrete'
          order by created_at, due_at",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// The lead taps a reminder's button (Meta's `button` message).
fn tap(wamid: &str, payload: &str, title: &str) -> Value {
    lead(LEAD).named("Maria Souza").message(
        wamid,
        json!({"type": "button", "button": {"payload": payload, "text": title}}),
    )
}

async fn answer(app: &TestApp, lead: Uuid) -> (Option<String>, Option<DateTime<Utc>>) {
    sqlx::query_as("select lead_answer, answered_at from appointments where lead_id = $1")
        .bind(lead)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_schedules_reminders_that_leave_with_the_time_and_the_buttons() {
    let (app, g) = app_with_graph().await;
    // Without the approved template: nothing is scheduled, and the page says how.
    let (lead_id, _) = booked(&app).await;
    assert!(reminders(&app).await.is_empty());
    let page = format!("/leads/{lead_id}");
    let html = app.get_html(&page).await;
    assert!(
        html.contains("o modelo pronto “Lembrete de agendamento” em"),
        "{html}"
    );

    // With it, changing the appointment schedules two: 24 h and 2 h before.
    approve_reminder_template(&app).await;
    let (date, _) = form_values(Utc::now() + Duration::days(2));
    form(
        &app,
        &format!("{page}/agendamento"),
        &page,
        &[("acao", "salvar"), ("data", &date), ("hora", "14:30")],
    )
    .await;
    let starts_at: DateTime<Utc> = sqlx::query_scalar("select starts_at from appointments")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let rows = reminders(&app).await;
    let due: Vec<_> = rows.iter().map(|r| (r.0.as_str(), r.1)).collect();
    assert_eq!(
        due,
        [
            ("agendada", starts_at - Duration::hours(24)),
            ("agendada", starts_at - Duration::hours(2))
        ]
    );
    let html = app.get_html(&page).await;
    assert!(
        html.contains("Lembretes pelo WhatsApp: 24 h e 2 h antes"),
        "{html}"
    );

    // The first one's time comes: it leaves with the template, the time in words, the payloads.
    let at = starts_at - Duration::hours(24) + Duration::minutes(1);
    let pass = scheduler::run(&app.pool, at).await.unwrap();
    assert_eq!(pass.queued, 1);
    let before = g.sent();
    consultor::jobs::send_pending(&app.pool, &g.services().transport)
        .await
        .unwrap();
    let bodies = g.wait_for_sent(before + 1).await;
    let sent = &bodies[before];
    assert_eq!(sent["template"]["name"], "lembrete_agendamento");
    let components = &sent["template"]["components"];
    let when = app::domain::appointment::in_words(starts_at, at);
    assert!(when.starts_with("amanhã, "), "{when}");
    assert!(when.ends_with(" às 14:30"), "{when}");
    assert_eq!(
        components[0]["parameters"],
        json!([{"type": "text", "text": "Maria"}, {"type": "text", "text": when}])
    );
    let id: Uuid = sqlx::query_scalar("select id from appointments")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    for (i, what) in ["confirmar", "remarcar"].iter().enumerate() {
        assert_eq!(components[i + 1]["sub_type"], "quick_reply");
        assert_eq!(components[i + 1]["index"], i.to_string());
        assert_eq!(
            components[i + 1]["parameters"][0]["payload"],
            format!("agenda:{what}:{id}")
        );
    }
    let history = app.get_html(&page).await;
    assert!(history.contains(&format!("lembrando do nosso horário marcado para {when}")));
    // The second one leaves at its own time.
    let second = scheduler::run(&app.pool, starts_at - Duration::hours(2))
        .await
        .unwrap();
    assert_eq!(second.queued, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leads_answers_are_recorded_once_and_shown() {
    let (app, g) = app_with_graph().await;
    approve_reminder_template(&app).await;
    let (lead_id, _) = booked(&app).await;
    let id: Uuid = sqlx::query_scalar("select id from appointments")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let page = format!("/leads/{lead_id}");

    // Confirmar: recorded, acknowledged, shown; not fed to the flow.
    let flow_state: Value = sqlx::query_scalar("select state from conversations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    send(
        &app,
        tap(
            "wamid.tap.1",
            &format!("agenda:confirmar:{id}"),
            "Confirmar",
        ),
    )
    .await;
    let (confirmed, at) = answer(&app, lead_id).await;
    assert_eq!(confirmed.as_deref(), Some("confirmado"));
    g.wait_for_text(
        "Obrigado! Seu horário está confirmado.",
        std::time::Duration::from_secs(10),
    )
    .await;
    let after: Value = sqlx::query_scalar("select state from conversations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(after, flow_state, "the flow did not see the tap");
    assert!(app.get_html(&page).await.contains("Confirmado"));
    // Redelivered: nothing changes, nothing more is said.
    let replies = app
        .count("select count(*) from messages where direction = 'outbound'")
        .await;
    send(
        &app,
        tap(
            "wamid.tap.1",
            &format!("agenda:confirmar:{id}"),
            "Confirmar",
        ),
    )
    .await;
    assert_eq!(answer(&app, lead_id).await, (confirmed, at));
    assert_eq!(
        app.count("select count(*) from messages where direction = 'outbound'")
            .await,
        replies
    );

    // Remarcar: the lead is unread again, the lead page and the dashboard say it, and the
    // consultant's phone hears it (once they are no longer on the lead's page).
    app.get_html(&page).await;
    sqlx::query(
        "insert into push_subscriptions (consultant_id, endpoint, p256dh, auth, device)
         select consultant_id, 'https://push.exemplo/1', repeat('k', 87), repeat('a', 22), 'Chrome'
           from leads where id = $1",
    )
    .bind(lead_id)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("update leads set viewed_until = null")
        .execute(&app.pool)
        .await
        .unwrap();
    send(
        &app,
        tap("wamid.tap.2", &format!("agenda:remarcar:{id}"), "Remarcar"),
    )
    .await;
    assert_eq!(answer(&app, lead_id).await.0.as_deref(), Some("remarcar"));
    g.wait_for_text(
        "Certo! Ana Souza vai falar com você para combinar um novo horário.",
        std::time::Duration::from_secs(10),
    )
    .await;
    let board = app.get_html("/leads").await;
    assert!(board.contains("não lida"), "{board}");
    let dashboard = app.get_html("/painel").await;
    let upcoming = dashboard.split("Próximos agendamentos").nth(1).unwrap();
    assert!(upcoming.contains("Pediu para remarcar"), "{upcoming}");
    assert!(app.get_html(&page).await.contains("Pediu para remarcar"));
    let (title, body): (String, String) =
        sqlx::query_as("select title, body from push_messages where kind = 'agendamento'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(title, "Maria Souza pediu para remarcar");
    assert!(body.starts_with("O horário de "), "{body}");
    // Tapped again: recorded already, nothing new on the phone.
    send(
        &app,
        tap("wamid.tap.2b", &format!("agenda:remarcar:{id}"), "Remarcar"),
    )
    .await;
    assert_eq!(app.count("select count(*) from push_messages").await, 1);

    // Another lead's appointment, or a made-up one: nothing recorded.
    let other = Uuid::new_v4();
    send(
        &app,
        tap(
            "wamid.tap.3",
            &format!("agenda:confirmar:{other}"),
            "Confirmar",
        ),
    )
    .await;
    assert_eq!(answer(&app, lead_id).await.0.as_deref(), Some("remarcar"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_the_appointment_cancels_its_reminders() {
    let (app, _g) = app_with_graph().await;
    approve_reminder_template(&app).await;
    let (lead_id, starts_at) = booked(&app).await;
    assert_eq!(reminders(&app).await.len(), 2);
    let page = format!("/leads/{lead_id}");
    let html = form(
        &app,
        &format!("{page}/agendamento"),
        &page,
        &[("acao", "cancelar")],
    )
    .await;
    assert!(html.contains("Agendamento cancelado"), "{html}");
    let rows = reminders(&app).await;
    assert!(rows.iter().all(|r| r.0 == "cancelada"), "{rows:?}");
    let pass = scheduler::run(&app.pool, starts_at - Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(pass.queued, 0, "nothing leaves");

    // The second reminder's hours are the consultant's.
    let html = form(
        &app,
        "/modelos/regras",
        "/modelos",
        &[("acao", "lembrete"), ("horas", "5")],
    )
    .await;
    assert!(html.contains("O segundo lembrete sai 5 h antes"), "{html}");
    let (date, _) = form_values(Utc::now() + Duration::days(2));
    form(
        &app,
        &format!("{page}/agendamento"),
        &page,
        &[("acao", "salvar"), ("data", &date), ("hora", "14:30")],
    )
    .await;
    let due: Vec<DateTime<Utc>> = reminders(&app)
        .await
        .into_iter()
        .filter(|r| r.0 == "agendada")
        .map(|r| r.1)
        .collect();
    assert_eq!(
        due,
        [
            starts_at - Duration::hours(24),
            starts_at - Duration::hours(5)
        ]
    );
}
