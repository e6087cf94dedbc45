//! The dashboard's figures against a hand-computed dataset: periods and the one before,
//! statuses, sources, a lead that stopped at each step, São Paulo day boundaries, the
//! incremental refresh, and one refresh at a time.

use super::helpers::{insert_consultant, sign_in_inserted, TestApp};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::America::Sao_Paulo;
use consultor::jobs::metrics::{self, Refresh, Scope};
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

const EMAIL: &str = "joana@exemplo.com";

fn today() -> NaiveDate {
    Utc::now().with_timezone(&Sao_Paulo).date_naive()
}

/// `days` before today, at `hh:mm` São Paulo time.
pub(super) fn at(days: i64, hh: u32, mm: u32) -> DateTime<Utc> {
    let d = today() - Duration::days(days);
    Sao_Paulo
        .from_local_datetime(&d.and_hms_opt(hh, mm, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

pub(super) async fn lead(
    pool: &PgPool,
    me: Uuid,
    n: u32,
    created: DateTime<Utc>,
    status: &str,
    source: Option<&str>,
) -> Uuid {
    let metadata = source.map(|s| json!({ "source": s })).unwrap_or(json!({}));
    sqlx::query_scalar(
        "insert into leads (consultant_id, whatsapp_number, name, status, metadata, created_at, last_interaction_at)
         values ($1, $2, $3, $4, $5, $6, $6) returning id",
    )
    .bind(me)
    .bind(format!("+55219999900{n:02}"))
    .bind(format!("Lead {n}"))
    .bind(status)
    .bind(metadata)
    .bind(created)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A conversation on the health-plan template: `answers` given, waiting at `current`
/// (completed after `took` seconds when `current` is `fim`).
pub(super) async fn conversation(
    pool: &PgPool,
    me: Uuid,
    lead: Uuid,
    started: DateTime<Utc>,
    answers: Value,
    current: &str,
    took: Option<i64>,
) -> Uuid {
    let done = current == "fim";
    sqlx::query_scalar(
        "insert into conversations (consultant_id, lead_id, flow_id, current_step, state, is_completed, started_at, completed_at)
         values ($1, $2, (select id from flows where is_template and vertical = 'health_plans' order by created_at limit 1),
                 $3, $4, $5, $6, $7) returning id",
    )
    .bind(me)
    .bind(lead)
    .bind(current)
    .bind(json!({ "current_step": current, "answers": answers, "completed": done }))
    .bind(done)
    .bind(started)
    .bind(took.map(|s| started + Duration::seconds(s)))
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn closed(pool: &PgPool, me: Uuid, lead: Uuid, when: DateTime<Utc>) {
    sqlx::query(
        "insert into lead_status_history (consultant_id, lead_id, from_status, to_status, created_at)
         values ($1, $2, 'agendado', 'fechado', $3)",
    )
    .bind(me)
    .bind(lead)
    .bind(when)
    .execute(pool)
    .await
    .unwrap();
}

async fn ai(
    pool: &PgPool,
    me: Uuid,
    conversation: Uuid,
    when: DateTime<Utc>,
    tokens: i32,
    latency: i32,
    passed: bool,
) {
    sqlx::query(
        "insert into ai_responses (consultant_id, conversation_id, prompt, response, model, tokens_used, latency_ms,
                                   compliance_check_passed, created_at)
         values ($1, $2, 'p', 'r', 'builtin', $3, $4, $5, $6)",
    )
    .bind(me)
    .bind(conversation)
    .bind(tokens)
    .bind(latency)
    .bind(passed)
    .bind(when)
    .execute(pool)
    .await
    .unwrap();
}

pub(super) async fn figures(app: &TestApp, period: &str) -> Value {
    let res = app.post_form("/api/painel", &[("period", period)]).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn pair(v: &Value) -> (Value, Value) {
    (v["now"].clone(), v["before"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_figures_match_a_hand_computed_dataset() {
    let app = TestApp::spawn().await;
    let me = insert_consultant(&app.pool, EMAIL, "Joana").await;
    sign_in_inserted(&app, EMAIL).await;
    let pool = &app.pool;
    let all = json!({"nome": "L", "perfil": "familia", "idade": "31_45", "copart": "sim", "cidade": "SP"});

    // The last 7 days: four leads.
    let l1 = lead(pool, me, 1, at(0, 0, 5), "novo", Some("perfil")).await;
    // 23:30 in São Paulo yesterday is already today in UTC: it counts for yesterday.
    let l2 = lead(pool, me, 2, at(1, 23, 30), "fechado", Some("ad")).await;
    let l3 = lead(pool, me, 3, at(3, 12, 0), "em_contato", None).await;
    let l4 = lead(pool, me, 4, at(6, 9, 0), "perdido", Some("perfil")).await;
    // The 7 days before, and one older.
    let l5 = lead(pool, me, 5, at(8, 10, 0), "fechado", Some("instagram")).await;
    lead(pool, me, 6, at(20, 10, 0), "agendado", None).await;
    // Another consultant's lead never counts.
    let other = insert_consultant(pool, "outra@exemplo.com", "Outra").await;
    lead(pool, other, 7, at(0, 0, 10), "fechado", Some("perfil")).await;

    closed(pool, me, l2, at(1, 23, 50)).await;
    closed(pool, me, l5, at(8, 12, 0)).await;

    let c1 = conversation(pool, me, l1, at(0, 0, 5), all.clone(), "fim", Some(600)).await;
    conversation(
        pool,
        me,
        l2,
        at(1, 23, 30),
        json!({"nome": "L", "perfil": "individual"}),
        "idade",
        None,
    )
    .await;
    let c3 = conversation(pool, me, l3, at(3, 12, 0), all.clone(), "fim", Some(1200)).await;
    conversation(
        pool,
        me,
        l4,
        at(6, 9, 0),
        json!({"nome": "L"}),
        "perfil",
        None,
    )
    .await;
    let c5 = conversation(pool, me, l5, at(8, 10, 0), all.clone(), "fim", Some(300)).await;

    ai(pool, me, c1, at(0, 0, 15), 100, 200, true).await;
    ai(pool, me, c3, at(3, 12, 20), 50, 400, false).await;
    ai(pool, me, c5, at(8, 10, 5), 10, 100, true).await;
    // The consultant's own reply, two minutes after the lead's first message.
    sqlx::query(
        "insert into messages (consultant_id, conversation_id, direction, content, status, payload, created_at)
         values ($1, $2, 'outbound', 'Oi!', 'sent', '{\"by\": \"consultant\"}', $3)",
    )
    .bind(me)
    .bind(c3)
    .bind(at(3, 12, 2))
    .execute(pool)
    .await
    .unwrap();

    // The rows are new: their days (six of Joana's, one of the other consultant's) are
    // recomputed.
    assert_eq!(
        metrics::refresh(pool, Scope::Changes).await.unwrap(),
        Refresh::Done { pairs: 7 }
    );
    let d = figures(&app, "7").await;
    let f = &d["figures"];
    assert_eq!(pair(&f["leads_created"]), (json!(4.0), json!(1.0)));
    assert_eq!(pair(&f["conversion_rate"]), (json!(25.0), json!(100.0)));
    assert_eq!(pair(&f["conversations_started"]), (json!(4.0), json!(1.0)));
    assert_eq!(
        pair(&f["conversations_completed"]),
        (json!(2.0), json!(1.0))
    );
    assert_eq!(pair(&f["completion_rate"]), (json!(50.0), json!(100.0)));
    assert_eq!(pair(&f["avg_completion"]), (json!(900.0), json!(300.0)));
    assert_eq!(pair(&f["median_completion"]), (json!(900.0), json!(300.0)));
    assert_eq!(pair(&f["median_first_reply"]), (json!(120.0), Value::Null));
    assert_eq!(pair(&f["ai_answers"]), (json!(2.0), json!(1.0)));
    assert_eq!(pair(&f["ai_tokens"]), (json!(150.0), json!(10.0)));
    assert_eq!(pair(&f["ai_latency"]), (json!(300.0), json!(100.0)));
    assert_eq!(pair(&f["compliance_replaced"]), (json!(1.0), json!(0.0)));
    assert_eq!(
        d["by_status"],
        json!([
            ["Novo", 1],
            ["Em contato", 1],
            ["Agendado", 0],
            ["Fechado", 1],
            ["Perdido", 1]
        ])
    );
    assert_eq!(
        d["sources"],
        json!([["Página pública", 2], ["Anúncio", 1], ["Direto", 1]])
    );
    // Seven days, each in order; yesterday has the 23:30 lead and its closing.
    let daily = d["daily"].as_array().unwrap();
    assert_eq!(daily.len(), 7);
    let day = |n: i64| (today() - Duration::days(n)).to_string();
    assert_eq!(daily[6], json!([day(0), 1, 0]));
    assert_eq!(daily[5], json!([day(1), 1, 1]));
    assert_eq!(daily[0], json!([day(6), 1, 0]));
    // Where conversations stopped, step by step, in the flow's order.
    let steps: Vec<(String, i64, i64)> = d["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["label"].as_str().unwrap().to_string(),
                s["reached"].as_i64().unwrap(),
                s["stopped"].as_i64().unwrap(),
            )
        })
        .collect();
    let counts: Vec<(i64, i64)> = steps.iter().map(|s| (s.1, s.2)).collect();
    assert_eq!(counts, vec![(4, 0), (4, 1), (3, 1), (2, 0), (2, 0), (2, 0)]);
    assert_eq!(steps[5].0, "Fim da conversa");
    // Named by the question, without the raw placeholder it used to show (#17 defect 4).
    assert_eq!(steps[1].0, "Você busca plano para", "{:?}", steps[1]);
    assert_eq!(d["other_flows"], false);
    assert_eq!(
        d["first_question"][1],
        json!([["Família", 2], ["Só eu", 1]])
    );
    assert_eq!(d["plan"]["limit"], 20);
    assert!(d["updated_at"].is_string());
    assert_eq!(d["start"], Value::Null);

    // 30 days take in the older lead too (and the one of the period before).
    let d30 = figures(&app, "30").await;
    assert_eq!(d30["figures"]["leads_created"]["now"], json!(6.0));

    // A change is picked up by the next refresh (which also looks five minutes back, so the
    // days above are recomputed again, and nothing else).
    sqlx::query("update leads set status = 'fechado' where id = $1")
        .bind(l1)
        .execute(pool)
        .await
        .unwrap();
    closed(pool, me, l1, Utc::now()).await;
    let Refresh::Done { pairs } = metrics::refresh(pool, Scope::Changes).await.unwrap() else {
        panic!("busy")
    };
    assert_eq!(pairs, 7);
    let d = figures(&app, "7").await;
    assert_eq!(d["figures"]["conversion_rate"]["now"], json!(50.0));
    assert_eq!(d["daily"][6], json!([day(0), 1, 1]));

    // A deleted lead leaves its day at the next full pass.
    sqlx::query("delete from leads where id = $1")
        .bind(l4)
        .execute(pool)
        .await
        .unwrap();
    metrics::refresh(pool, Scope::Everything).await.unwrap();
    let d = figures(&app, "7").await;
    assert_eq!(d["figures"]["leads_created"]["now"], json!(3.0));
    assert_eq!(d["daily"][0], json!([day(6), 0, 0]));

    // The page shows a chart per figure set, each with its table.
    let html = app.get_html("/painel?periodo=7").await;
    // (Six with the leads per ad: the dataset has one.)
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 6, "{html}");
    assert_eq!(html.matches("Ver tabela").count(), 6);
    assert!(
        html.replace("<!>", "")
            .contains("<td>Anúncio</td><td>1</td>"),
        "{html}"
    );
    assert!(html.contains("Atualizado às"));
    // The charts name the steps by their question, placeholders left out (#17: "{{nome}}").
    assert!(!html.contains("{{"), "a raw placeholder in a chart: {html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_consultant_sees_how_to_start_and_warnings_follow_the_plan() {
    let app = TestApp::spawn().await;
    let me = insert_consultant(&app.pool, EMAIL, "Joana").await;
    sign_in_inserted(&app, EMAIL).await;
    let html = app.get_html("/painel").await;
    assert!(html.contains("Comece por aqui"), "{html}");
    assert!(html.contains("/c/joana"));
    assert!(html.contains("Teste seu bot"));
    assert!(!html.contains("<svg class=\"chart\""), "no empty axes");

    // 16 of 20 new leads this month (seconds apart: all in this São Paulo month unless the
    // test runs in the month's first 20 seconds): a warning; 20: the limit, and what then.
    for n in 0..16 {
        lead(
            &app.pool,
            me,
            n,
            Utc::now() - Duration::seconds(n as i64),
            "novo",
            None,
        )
        .await;
    }
    metrics::refresh(&app.pool, Scope::Changes).await.unwrap();
    let html = app.get_html("/painel").await;
    assert!(html.contains("Atenção: 16 de 20 leads novos"), "{html}");
    for n in 16..20 {
        lead(
            &app.pool,
            me,
            n,
            Utc::now() - Duration::seconds(n as i64),
            "novo",
            None,
        )
        .await;
    }
    metrics::refresh(&app.pool, Scope::Changes).await.unwrap();
    let html = app.get_html("/painel").await;
    assert!(
        html.contains("Você chegou ao limite do plano Gratuito"),
        "{html}"
    );
    assert!(html.contains("o bot não conversa com eles"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_never_refresh_at_once() {
    let app = TestApp::spawn().await;
    // Another instance holds the lock for the length of its refresh.
    let mut other = app.pool.begin().await.unwrap();
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(0x6461_7368_i64)
        .execute(&mut *other)
        .await
        .unwrap();
    let last = || async {
        sqlx::query_scalar::<_, DateTime<Utc>>(
            "select refreshed_at from metrics_refreshes where name = 'dashboard'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let before = last().await;
    assert_eq!(
        metrics::refresh(&app.pool, Scope::Changes).await.unwrap(),
        Refresh::Busy
    );
    assert_eq!(last().await, before, "nothing was refreshed");
    other.commit().await.unwrap();
    assert!(matches!(
        metrics::refresh(&app.pool, Scope::Changes).await.unwrap(),
        Refresh::Done { .. }
    ));
    assert!(last().await > before);
}

/// #17 defect 8: leads that just arrived are on the board and in the headline figures at the
/// same moment, before the minute's refresh; so is a move on the board.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_figures_agree_with_the_board_before_the_next_refresh() {
    let app = TestApp::spawn().await;
    let me = insert_consultant(&app.pool, EMAIL, "Joana").await;
    sign_in_inserted(&app, EMAIL).await;
    let old = lead(&app.pool, me, 90, at(3, 10, 0), "novo", None).await;
    metrics::refresh(&app.pool, Scope::Everything)
        .await
        .unwrap();
    let d = figures(&app, "7").await;
    assert_eq!(d["figures"]["leads_created"]["now"], json!(1.0));

    // Six leads arrive; no refresh runs.
    for n in 0..6 {
        lead(
            &app.pool,
            me,
            n,
            Utc::now() - Duration::seconds(n as i64),
            "novo",
            Some("perfil"),
        )
        .await;
    }
    // And the old one is moved to "fechado" on the board.
    sqlx::query("update leads set status = 'fechado', updated_at = now() where id = $1")
        .bind(old)
        .execute(&app.pool)
        .await
        .unwrap();
    closed(&app.pool, me, old, Utc::now()).await;
    let d = figures(&app, "7").await;
    assert_eq!(d["figures"]["leads_created"]["now"], json!(7.0));
    assert!(d["plan"]["used"].as_i64().unwrap() >= 6, "{}", d["plan"]);
    assert_eq!(d["by_status"][0], json!(["Novo", 6]));
    assert_eq!(d["by_status"][3], json!(["Fechado", 1]));
    assert_eq!(d["sources"][0][1], json!(6));
    assert_eq!(d["daily"][6][2], json!(1), "today's closing");
    let recent = d["recent"].as_array().unwrap();
    assert_eq!(recent.len(), 5);
    // The funnel starts from every lead of the period (#17 defect 7: it said 87,5 %).
    let html = app.get_html("/painel?periodo=7").await;
    assert!(html.contains(">7 (100,0%)<"), "{html}");
    // #17 "dashboard on a phone": the latest leads open their page; the technical figures
    // are one tap away, in plain words.
    let newest: Uuid = sqlx::query_scalar("select id from leads where name = 'Lead 0'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        html.contains(&format!("<a href=\"/leads/{newest}\">")),
        "{html}"
    );
    assert!(html.contains("Mais números do período"));
    assert!(!html.contains("Tokens da IA"));
}
