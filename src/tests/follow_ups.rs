//! Messages that leave later (#18 part 2): a follow-up rule fires once per quiet period
//! (also with two scheduler instances at once), and not after the lead answered, after SAIR,
//! after a marketing opt-out (Meta's `user_preferences`), nor in quiet hours; one automatic
//! message a lead a day, and a failed one does not block the next rule. A scheduled send
//! leaves at its time, or not at all once cancelled; free text only inside the window.

use super::helpers::{sign_in_inserted, TestApp};
use super::support::whatsapp::{send, text, CONSULTANT_NUMBER, LEAD, PHONE_NUMBER_ID, SECRET};
use chrono::{DateTime, Duration, Timelike, Utc};
use consultor::config::Secret;
use consultor::jobs::scheduler;
use serde_json::json;
use uuid::Uuid;

/// A sandbox server whose scheduler runs only when a test says so, and Joana's account.
pub(super) async fn app() -> TestApp {
    let app = TestApp::spawn_with(|c| {
        c.whatsapp_app_secret = Some(Secret::new(SECRET));
        c.webhook_workers = 1;
        c.scheduler_enabled = false;
    })
    .await;
    super::helpers::insert_consultant(&app.pool, "joana@exemplo.com", "Joana").await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    app
}

pub(super) async fn post(
    app: &TestApp,
    path: &str,
    referer: &str,
    fields: &[(&str, &str)],
) -> String {
    let csrf = app.csrf_from(referer).await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let res = app.post_plain_form(path, referer, &form).await;
    assert_eq!(res.status(), 303);
    app.get_html(referer).await
}

/// An approved ready template (in the sandbox, at once); returns its id.
pub(super) async fn approved(app: &TestApp, key: &str) -> String {
    post(
        app,
        "/modelos/acao",
        "/modelos",
        &[("acao", "biblioteca"), ("modelo", key)],
    )
    .await;
    let id: Uuid = sqlx::query_scalar("select id from message_templates where library_key = $1")
        .bind(key)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    id.to_string()
}

async fn rule(app: &TestApp, stage: &str, hours: &str, template: &str) -> String {
    post(
        app,
        "/modelos/regras",
        "/modelos",
        &[
            ("acao", "criar"),
            ("etapa", stage),
            ("espera", hours),
            ("unidade", "horas"),
            ("modelo", template),
        ],
    )
    .await
}

/// Quiet hours that never apply, or that cover `now`.
async fn quiet(app: &TestApp, start: u32, end: u32) {
    post(
        app,
        "/modelos/regras",
        "/modelos",
        &[
            ("acao", "silencio"),
            ("inicio", &start.to_string()),
            ("fim", &end.to_string()),
        ],
    )
    .await;
}

/// The lead (Maria Zap) wrote `hours` ago and nothing happened since.
async fn quiet_lead(app: &TestApp, hours: i64) -> Uuid {
    send(app, text("wamid.1", "Oi")).await;
    sqlx::query(
        "update leads set last_interaction_at = now() - make_interval(hours => $1::int),
                          last_inbound_at = now() - make_interval(hours => $1::int),
                          created_at = now() - make_interval(hours => $1::int + 1)",
    )
    .bind(hours as i32)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("update messages set created_at = now() - make_interval(hours => $1::int)")
        .bind(hours as i32)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn follow_ups(app: &TestApp) -> Vec<(String, Option<String>)> {
    sqlx::query_as("select status, outcome from scheduled_messages order by created_at, due_at")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

async fn queued_templates(app: &TestApp) -> i64 {
    app.count("select count(*) from messages where message_type = 'template'")
        .await
}

fn sp_hour(now: DateTime<Utc>) -> u32 {
    now.with_timezone(&chrono_tz::America::Sao_Paulo).hour()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_fires_once_even_with_two_schedulers() {
    let app = app().await;
    quiet(&app, 0, 0).await;
    let template = approved(&app, "retomar_conversa").await;
    let html = rule(&app, "novo", "24", &template).await;
    assert!(html.contains("Regra criada"), "{html}");
    quiet_lead(&app, 25).await;
    let now = Utc::now();
    let (a, b) = tokio::join!(
        scheduler::run(&app.pool, now),
        scheduler::run(&app.pool, now)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a.created + b.created,
        1,
        "one follow-up for the quiet period"
    );
    assert_eq!(a.queued + b.queued, 1, "queued once");
    assert_eq!(queued_templates(&app).await, 1);
    let (content, by): (String, String) = sqlx::query_as(
        "select content, payload->>'by' from messages where message_type = 'template'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(content.starts_with("Olá Maria, aqui é Joana."), "{content}");
    assert_eq!(by, "follow_up");
    // Later passes add nothing for the same quiet period.
    let again = scheduler::run(&app.pool, now + Duration::hours(3))
        .await
        .unwrap();
    assert_eq!((again.created, again.queued), (0, 0));
    assert_eq!(queued_templates(&app).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_stops_when_the_lead_answers_opts_out_or_turns_marketing_off() {
    let app = app().await;
    quiet(&app, 0, 0).await;
    let template = approved(&app, "retomar_conversa").await;
    rule(&app, "novo", "24", &template).await;
    quiet_lead(&app, 25).await;
    // Due, then the lead writes before it leaves: skipped, with the reason.
    scheduler::create_follow_ups(&app.pool, Utc::now())
        .await
        .unwrap();
    send(&app, text("wamid.2", "Oi de novo")).await;
    scheduler::run(&app.pool, Utc::now()).await.unwrap();
    assert_eq!(queued_templates(&app).await, 0);
    let rows = follow_ups(&app).await;
    assert_eq!(rows[0].0, "pulada");
    assert!(rows[0].1.as_deref().unwrap().contains("escreveram"));
    // Answered an hour ago: nothing is even created.
    let pass = scheduler::run(&app.pool, Utc::now()).await.unwrap();
    assert_eq!(pass.created, 0);

    // Meta's user_preferences: marketing stopped; the marketing template is skipped.
    sqlx::query("update leads set last_interaction_at = now() - interval '30 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    let preference = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{
        "field": "user_preferences", "value": {"messaging_product": "whatsapp",
        "metadata": {"display_phone_number": CONSULTANT_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"wa_id": LEAD}],
        "user_preferences": [{"wa_id": LEAD, "detail": "User requested to stop marketing messages",
                              "category": "marketing_messages", "value": "stop", "timestamp": 1700000000}]}}]}]});
    send(&app, preference).await;
    let off: bool = sqlx::query_scalar("select marketing_opt_out_at is not null from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(off);
    scheduler::run(&app.pool, Utc::now()).await.unwrap();
    assert_eq!(queued_templates(&app).await, 0);
    let rows = follow_ups(&app).await;
    assert!(
        rows.last()
            .unwrap()
            .1
            .as_deref()
            .unwrap()
            .contains("marketing"),
        "{rows:?}"
    );

    // SAIR: nothing is created for the lead any more.
    send(&app, text("wamid.3", "SAIR")).await;
    sqlx::query("update leads set last_interaction_at = now() - interval '40 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    let pass = scheduler::run(&app.pool, Utc::now()).await.unwrap();
    assert_eq!((pass.created, pass.queued), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_hours_wait_and_one_automatic_message_a_day() {
    let app = app().await;
    let now = Utc::now();
    let hour = sp_hour(now);
    quiet(&app, hour, (hour + 1) % 24).await;
    let template = approved(&app, "cotacao_pronta").await;
    rule(&app, "novo", "24", &template).await;
    rule(&app, "novo", "25", &template).await;
    quiet_lead(&app, 26).await;
    let pass = scheduler::run(&app.pool, now).await.unwrap();
    assert_eq!(
        (pass.created, pass.queued, pass.postponed),
        (2, 0, 2),
        "quiet hours: both wait"
    );
    let next: DateTime<Utc> = sqlx::query_scalar("select min(due_at) from scheduled_messages")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sp_hour(next), (hour + 1) % 24, "until the quiet hours end");
    assert_eq!(next.minute(), 0);

    // After the quiet hours: one goes, the other waits for tomorrow.
    let later = next + Duration::minutes(1);
    let pass = scheduler::run(&app.pool, later).await.unwrap();
    assert_eq!((pass.queued, pass.postponed), (1, 1));
    assert_eq!(queued_templates(&app).await, 1);
    // The first one failed at Meta: the next rule's message still goes, the next day.
    sqlx::query("update messages set status = 'failed', error_message = '131049: limite' where message_type = 'template'")
        .execute(&app.pool)
        .await
        .unwrap();
    let tomorrow: DateTime<Utc> =
        sqlx::query_scalar("select due_at from scheduled_messages where status = 'agendada'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    // On the next São Paulo day (not "12 hours later": that held only before 11h).
    let next_day = app::domain::schedule::day_start(later) + Duration::days(1);
    assert!(
        tomorrow >= next_day,
        "{tomorrow} is not on the day after {later}"
    );
    let pass = scheduler::run(&app.pool, tomorrow).await.unwrap();
    assert_eq!(pass.queued, 1);
    assert_eq!(queued_templates(&app).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_message_leaves_at_its_time_unless_cancelled() {
    let app = app().await;
    let lead = quiet_lead(&app, 1).await;
    let page = format!("/leads/{lead}");
    let local = |at: DateTime<Utc>| app::domain::schedule::to_local_input(at);
    let soon = Utc::now() + Duration::minutes(10);
    // Inside the window (it closes in 23 hours): free text.
    let html = post(
        &app,
        &format!("{page}/agendar"),
        &page,
        &[
            ("quando", &local(soon)),
            ("texto", "Oi Maria, conseguiu ver a proposta?"),
            ("modelo", ""),
        ],
    )
    .await;
    assert!(html.contains("Mensagem agendada para"), "{html}");
    assert!(html.contains("Oi Maria, conseguiu ver a proposta?"));
    // Past the window: free text is refused in words, and what was typed stays.
    let html = post(
        &app,
        &format!("{page}/agendar"),
        &page,
        &[
            ("quando", &local(Utc::now() + Duration::hours(30))),
            ("texto", "Texto tarde demais"),
            ("modelo", ""),
        ],
    )
    .await;
    assert!(html.contains("já terá fechado"), "{html}");
    assert!(html.contains("Texto tarde demais"));
    // A time already past.
    let html = post(
        &app,
        &format!("{page}/agendar"),
        &page,
        &[
            ("quando", &local(Utc::now() - Duration::hours(1))),
            ("texto", "x"),
            ("modelo", ""),
        ],
    )
    .await;
    assert!(html.contains("Esse horário já passou"));
    // Past the window with a template: accepted.
    let template = approved(&app, "retomar_conversa").await;
    let html = post(
        &app,
        &format!("{page}/agendar"),
        &page,
        &[
            ("quando", &local(Utc::now() + Duration::hours(30))),
            ("texto", ""),
            ("modelo", &template),
        ],
    )
    .await;
    assert!(
        html.contains("Modelo \"retomar_conversa\" agendado"),
        "{html}"
    );

    // Nothing leaves before its time.
    scheduler::run(&app.pool, Utc::now()).await.unwrap();
    assert_eq!(
        app.count("select count(*) from scheduled_messages where status = 'agendada'")
            .await,
        2
    );
    // The text one goes at its time, once.
    let pass = scheduler::run(&app.pool, soon + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(pass.queued, 1);
    assert_eq!(
        app.count(
            "select count(*) from messages where content = 'Oi Maria, conseguiu ver a proposta?'"
        )
        .await,
        1
    );
    // The template one is cancelled, and never leaves.
    let id: Uuid =
        sqlx::query_scalar("select id from scheduled_messages where status = 'agendada'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let html = post(
        &app,
        &format!("{page}/agendadas/cancelar"),
        &page,
        &[("id", &id.to_string())],
    )
    .await;
    assert!(html.contains("Envio cancelado"), "{html}");
    let html = post(
        &app,
        &format!("{page}/agendadas/cancelar"),
        &page,
        &[("id", &id.to_string())],
    )
    .await;
    assert!(html.contains("já saiu (ou já tinha sido cancelada)"));
    scheduler::run(&app.pool, Utc::now() + Duration::hours(31))
        .await
        .unwrap();
    assert_eq!(queued_templates(&app).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schedule_form_keeps_hostile_text_as_text_and_counts_a_double_tap_once() {
    let app = app().await;
    let lead = quiet_lead(&app, 1).await;
    let page = format!("/leads/{lead}");
    let when = app::domain::schedule::to_local_input(Utc::now() + Duration::minutes(30));
    let post_once = |texto: String, token: &'static str| {
        let (app, page, when) = (&app, page.clone(), when.clone());
        async move {
            let csrf = app.csrf_from(&page).await;
            let form = [
                ("csrf", csrf.as_str()),
                ("quando", when.as_str()),
                ("texto", texto.as_str()),
                ("modelo", ""),
                ("envio", token),
            ];
            let res = app
                .post_plain_form(&format!("{page}/agendar"), &page, &form)
                .await;
            assert_eq!(res.status(), 303);
            app.get_html(&page).await
        }
    };
    // A NUL and an over-long text are refused in words; what was typed comes back, escaped.
    let html = post_once(
        format!("oi\u{0}{}", "</textarea><script>"),
        "11111111-1111-1111-1111-111111111111",
    )
    .await;
    assert!(html.contains("Mensagem:"), "{html}");
    assert!(!html.contains("</textarea><script>"));
    let html = post_once("x".repeat(4097), "22222222-2222-2222-2222-222222222222").await;
    assert!(html.contains("até 4096 caracteres"), "{html}");
    assert_eq!(
        app.count("select count(*) from scheduled_messages").await,
        0
    );
    // Hostile text is kept as text, escaped in the list and the title of the page.
    let hostile = "</title><script>alert(1)</script></textarea><script>x</script>";
    let token = "33333333-3333-3333-3333-333333333333";
    let (a, b) = tokio::join!(
        post_once(hostile.into(), token),
        post_once(hostile.into(), token)
    );
    for html in [a, b] {
        assert!(!html.contains("<script>alert(1)"));
        assert!(!html.contains("</textarea><script>"));
        assert!(!html.contains("</title><script>"));
    }
    assert_eq!(
        app.count("select count(*) from scheduled_messages").await,
        1,
        "the same form twice schedules once"
    );
}
