//! Appointments (#18, part 3): a move to "agendado" books a date and time (refused without
//! one, or in the past), shown on the lead page, the card and the dashboard; changed or
//! cancelled on the lead page; downloaded as `.ics` by its consultant only; closed (kept)
//! when the lead leaves "agendado".

use super::helpers::TestApp;
use super::leads::{lead, signed_in};
use app::domain::appointment::form_values;
use chrono::{Duration, Utc};
use uuid::Uuid;

/// The form's (date, time) `days` from now, at 14:30 São Paulo.
fn in_days(days: i64) -> (String, String) {
    let (date, _) = form_values(Utc::now() + Duration::days(days));
    (date, "14:30".into())
}

async fn move_to_agendado(
    app: &TestApp,
    lead: Uuid,
    date: &str,
    time: &str,
    place: &str,
    link: &str,
) -> reqwest::Response {
    let csrf = app.csrf_from("/leads").await;
    app.post_form(
        "/api/mover-lead",
        &[
            ("csrf", &csrf),
            ("lead", &lead.to_string()),
            ("to", "agendado"),
            ("reason", ""),
            ("data", date),
            ("hora", time),
            ("local", place),
            ("link", link),
        ],
    )
    .await
}

async fn status_of(app: &TestApp, lead: Uuid) -> String {
    sqlx::query_scalar("select status from leads where id = $1")
        .bind(lead)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn appointments(app: &TestApp, lead: Uuid) -> Vec<(String, chrono::DateTime<Utc>)> {
    sqlx::query_as(
        "select status, starts_at from appointments where lead_id = $1 order by created_at",
    )
    .bind(lead)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn booked_lead(app: &TestApp, me: Uuid, place: &str) -> Uuid {
    let l = lead(
        app,
        me,
        "Bruno Lima",
        "+5511987650001",
        "em_contato",
        serde_json::json!({}),
    )
    .await;
    let (date, time) = in_days(3);
    let res = move_to_agendado(app, l, &date, &time, place, "https://meet.example.com/abc").await;
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    l
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_to_agendado_needs_a_future_date_and_shows_it_everywhere() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let l = lead(
        &app,
        me,
        "Bruno Lima",
        "+5511987650001",
        "em_contato",
        serde_json::json!({}),
    )
    .await;
    let page = format!("/leads/{l}");

    // Without JavaScript, without a date: refused, back at the card's form with what was typed.
    let csrf = app.csrf_from(&page).await;
    let res = app
        .post_plain_form(
            "/api/mover-lead",
            &page,
            &[
                ("csrf", &csrf),
                ("lead", &l.to_string()),
                ("to", "agendado"),
                ("reason", ""),
                ("data", ""),
                ("hora", "14:30"),
                ("local", "Sala 3 do escritório"),
                ("link", ""),
            ],
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(
        res.headers()["location"],
        format!("{page}#card-{l}").as_str()
    );
    assert_eq!(status_of(&app, l).await, "em_contato");
    let html = app.get_html(&page).await;
    assert!(html.contains("informe a data e a hora"), "{html}");
    assert!(
        html.contains("value=\"Sala 3 do escritório\""),
        "typed place comes back"
    );
    assert!(html.contains("value=\"14:30\""), "typed time comes back");

    // In the past (yesterday), or a link that is not http(s): refused, nothing written.
    let (yesterday, time) = in_days(-1);
    let res = move_to_agendado(&app, l, &yesterday, &time, "", "").await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("já passaram"));
    let (date, time) = in_days(3);
    let res = move_to_agendado(&app, l, &date, &time, "", "javascript:alert(1)").await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("https://"));
    assert_eq!(status_of(&app, l).await, "em_contato");
    assert!(appointments(&app, l).await.is_empty());

    // A good one: the move and the appointment together.
    let res = move_to_agendado(
        &app,
        l,
        &date,
        &time,
        "Rua das Flores, 10",
        "https://meet.example.com/abc",
    )
    .await;
    assert!(res.status().is_success());
    assert!(res.text().await.unwrap().contains("às 14:30"));
    assert_eq!(status_of(&app, l).await, "agendado");
    let rows = appointments(&app, l).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "marcado");
    assert_eq!(
        form_values(rows[0].1),
        (date.clone(), "14:30".to_string()),
        "stored as São Paulo time"
    );

    let shown = "às 14:30 · Local: Rua das Flores, 10 · Videochamada";
    let lead_page = app.get_html(&page).await;
    assert!(
        lead_page.contains("Agendado para ") && lead_page.contains(shown),
        "{lead_page}"
    );
    assert!(lead_page.contains(&format!("/leads/{l}/agendamento.ics")));
    assert!(lead_page.contains("https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=Encontro%20com%20Bruno%20Lima"));
    let board = app.get_html("/leads").await;
    assert!(board.contains(shown), "the card shows it");
    let dashboard = app.get_html("/painel").await;
    assert!(dashboard.contains("Próximos agendamentos"));
    let upcoming = dashboard
        .split("Próximos agendamentos")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_default();
    assert!(
        upcoming.contains(&format!("href=\"/leads/{l}\"")) && upcoming.contains("Bruno Lima"),
        "{upcoming}"
    );
    assert!(dashboard.contains("às 14:30"));

    // A drop on "Agendado" (no date) is refused, and bulk moves cannot book.
    let other = lead(
        &app,
        me,
        "Carla",
        "+5511987650002",
        "novo",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(
        move_to_agendado(&app, other, "", "", "", "").await.status(),
        422
    );
    let csrf = app.csrf_from("/leads?vista=lista").await;
    app.post_plain_form(
        "/leads/em-massa",
        "/leads?vista=lista",
        &[
            ("csrf", &csrf),
            ("ids", &other.to_string()),
            ("to", "agendado"),
            ("acao", "mover-selecionados"),
        ],
    )
    .await;
    assert_eq!(status_of(&app, other).await, "novo");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_file_is_rfc5545_and_only_for_its_consultant() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let l = booked_lead(&app, me, "Rua A, 10; sala 2").await;
    let res = app.get(&format!("/leads/{l}/agendamento.ics")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    let body = res.text().await.unwrap();
    let starts: chrono::DateTime<Utc> = appointments(&app, l).await[0].1;
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        format!("DTSTART:{}", starts.format("%Y%m%dT%H%M%SZ")),
        format!(
            "DTEND:{}",
            (starts + Duration::hours(1)).format("%Y%m%dT%H%M%SZ")
        ),
        "SUMMARY:Encontro com Bruno Lima".into(),
        "LOCATION:Rua A\\, 10\\; sala 2".into(),
        "URL:https://meet.example.com/abc".into(),
    ] {
        assert!(body.contains(&format!("{line}\r\n")), "{line} in {body:?}");
    }
    assert!(body.contains("\r\nUID:") && body.contains("\r\nDTSTAMP:"));
    assert!(!body.replace("\r\n", "").contains('\n'), "CRLF only");

    // Another consultant, and nobody signed in, get nothing.
    let other = app.other_browser();
    assert_eq!(
        other
            .get(&format!("/leads/{l}/agendamento.ics"))
            .await
            .status(),
        401
    );
    signed_in(&other, "bia@exemplo.com").await;
    assert_eq!(
        other
            .get(&format!("/leads/{l}/agendamento.ics"))
            .await
            .status(),
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lead_page_changes_and_cancels_the_appointment() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let l = booked_lead(&app, me, "Rua A").await;
    let page = format!("/leads/{l}");
    let action = format!("/leads/{l}/agendamento");
    let csrf = app.csrf_from(&page).await;
    let (date, _) = in_days(5);
    let res = app
        .post_plain_form(
            &action,
            &page,
            &[
                ("csrf", &csrf),
                ("acao", "salvar"),
                ("data", &date),
                ("hora", "09:15"),
                ("local", ""),
                ("link", ""),
            ],
        )
        .await;
    assert_eq!(
        res.headers()["location"],
        format!("{page}#agendamento").as_str()
    );
    let rows = appointments(&app, l).await;
    assert_eq!(rows.len(), 1, "changed, not a second one");
    assert_eq!(form_values(rows[0].1), (date.clone(), "09:15".to_string()));
    let html = app.get_html(&page).await;
    assert!(
        html.contains("Agendamento salvo") && html.contains("às 09:15"),
        "{html}"
    );
    assert!(!html.contains("Local: Rua A"), "the place was cleared");

    // A past time is refused; the typed values come back.
    let (past, _) = in_days(-2);
    app.post_plain_form(
        &action,
        &page,
        &[
            ("csrf", &csrf),
            ("acao", "salvar"),
            ("data", &past),
            ("hora", "08:00"),
            ("local", "Café do centro"),
            ("link", ""),
        ],
    )
    .await;
    let html = app.get_html(&page).await;
    assert!(
        html.contains("já passaram") && html.contains("value=\"Café do centro\""),
        "{html}"
    );
    assert_eq!(form_values(appointments(&app, l).await[0].1).1, "09:15");

    // Cancelled: kept as history, the lead stays in "agendado", nothing upcoming.
    app.post_plain_form(&action, &page, &[("csrf", &csrf), ("acao", "cancelar")])
        .await;
    assert_eq!(appointments(&app, l).await[0].0, "cancelado");
    assert_eq!(status_of(&app, l).await, "agendado");
    let html = app.get_html(&page).await;
    assert!(
        html.contains("Agendamento cancelado") && html.contains("Sem horário marcado"),
        "{html}"
    );
    assert_eq!(
        app.get(&format!("/leads/{l}/agendamento.ics"))
            .await
            .status(),
        404
    );
    assert!(!app.get_html("/painel").await.contains("às 09:15"));
    // Another consultant cannot touch it.
    let other = app.other_browser();
    signed_in(&other, "bia@exemplo.com").await;
    let csrf_b = other.csrf_from("/leads").await;
    other
        .post_plain_form(
            &action,
            "/leads",
            &[
                ("csrf", &csrf_b),
                ("acao", "salvar"),
                ("data", &date),
                ("hora", "10:00"),
            ],
        )
        .await;
    assert_eq!(appointments(&app, l).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_agendado_keeps_the_appointment_as_history_only() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let l = booked_lead(&app, me, "Rua A").await;
    let csrf = app.csrf_from("/leads").await;
    let res = app
        .post_form(
            "/api/mover-lead",
            &[
                ("csrf", &csrf),
                ("lead", &l.to_string()),
                ("to", "fechado"),
                ("reason", ""),
            ],
        )
        .await;
    assert!(res.status().is_success());
    assert_eq!(appointments(&app, l).await[0].0, "encerrado");
    assert!(!app.get_html("/painel").await.contains("às 14:30"));
    assert!(!app.get_html("/leads").await.contains("Agendado para"));
    let export = app.get_html(&format!("/leads/{l}/dados.json")).await;
    let data: serde_json::Value = serde_json::from_str(&export).unwrap();
    assert_eq!(data["agendamentos"][0]["situacao"], "encerrado");
    assert_eq!(data["agendamentos"][0]["local"], "Rua A");
    // Erasing the lead takes its appointments with it.
    app.erase_lead(l).await;
    assert_eq!(app.count("select count(*) from appointments").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_place_is_text_wherever_it_shows() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let l = booked_lead(
        &app,
        me,
        "</title><script>alert(1)</script></textarea><script>alert(2)</script>",
    )
    .await;
    for page in [
        format!("/leads/{l}"),
        "/leads".into(),
        "/painel".into(),
        format!("/leads/{l}/dados"),
    ] {
        let html = app.get_html(&page).await;
        assert!(!html.contains("<script>alert"), "{page}: a live script tag");
        assert!(
            html.contains("&lt;script&gt;alert("),
            "{page}: the place is not shown as text"
        );
    }
}
