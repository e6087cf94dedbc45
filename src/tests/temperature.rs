//! The lead's temperature (issue #19): scored by the intake after each message, by the
//! rescoring job when time or the rules change, shown on the board and the lead page, and
//! filtered and sorted by.

use super::helpers::{sign_in_inserted, TestApp};
use super::leads::lead as insert_lead;
use super::support::whatsapp::{app_with_workers_and, button, list, send, text, without_jobs};
use app::server::db::tenant_tx;
use chrono::{Duration, Utc};
use consultor::jobs::rescoring;
use uuid::Uuid;

async fn score_of(app: &TestApp, lead: Uuid) -> (i16, bool, Option<chrono::DateTime<Utc>>) {
    sqlx::query_as("select score, scored_at is not null, score_due_at from leads where id = $1")
        .bind(lead)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn joana(app: &TestApp) -> Uuid {
    sqlx::query_scalar("select id from consultants where email = 'joana@exemplo.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_family_lead_who_finishes_the_flow_is_hot_on_the_board_and_the_page_says_why() {
    let app = app_with_workers_and(1, without_jobs).await;
    send(&app, text("wamid.1", "Oi")).await;
    let lead: Uuid = sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // Just wrote, nothing answered: 1 point (recent), morno.
    let (score, scored, due) = score_of(&app, lead).await;
    assert_eq!((score, scored), (1, true));
    let due = due.expect("the recency step ends in a day");
    assert!(due > Utc::now() + Duration::hours(23), "{due}");

    send(&app, text("wamid.2", "Maria Souza")).await;
    send(&app, button("wamid.3", "familia", "Família")).await;
    send(&app, list("wamid.4", "31_45", "31 a 45 anos")).await;
    send(&app, text("wamid.5", "Sim")).await;
    send(&app, text("wamid.6", "Campinas")).await;
    // Família +2, coparticipação +1 (the template's points), finished +2, recent +1.
    assert_eq!(score_of(&app, lead).await.0, 6);

    sign_in_inserted(&app, "joana@exemplo.com").await;
    // (Without Leptos's hydration markers, `<!>`.)
    let board = app.get_html("/leads").await.replace("<!>", "");
    assert!(
        board.contains(r#"class="tag tag-quente">Quente</span>"#),
        "{board}"
    );
    // The navigation counts the lead that wrote and was not opened yet.
    assert!(board.contains("(1 não lido)"), "{board}");
    assert!(app
        .get_html("/leads?temperatura=quente")
        .await
        .contains("Maria Souza"));
    let cold = app.get_html("/leads?temperatura=frio").await;
    assert!(!cold.contains("Maria Souza"), "a hot lead is not cold");
    assert!(cold.contains("Nenhum lead com estes filtros"), "{cold}");

    let page = app
        .get_html(&format!("/leads/{lead}"))
        .await
        .replace("<!>", "");
    for why in [
        "6 pontos · por quê?",
        "Você busca plano para: Família <strong>+2</strong>",
        "Respondeu todas as perguntas do bot <strong>+2</strong>",
        "Escreveu nas últimas 24 horas <strong>+1</strong>",
    ] {
        assert!(page.contains(why), "{why} in {page}");
    }
    // Opened: nothing unread any more.
    assert!(!app.get_html("/painel").await.contains("não lido"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn time_and_new_rules_rescore_leads_and_never_scored_leads_get_a_score() {
    let app = app_with_workers_and(1, without_jobs).await;
    let consultant = joana(&app).await;
    let quiet = insert_lead(
        &app,
        consultant,
        "Quieta",
        "+5521999990011",
        "novo",
        serde_json::json!({"perfil": "familia"}),
    )
    .await;
    let fresh = insert_lead(
        &app,
        consultant,
        "Nova",
        "+5521999990012",
        "novo",
        serde_json::json!({"perfil": "individual"}),
    )
    .await;
    // Quieta wrote 8 days ago and was scored then (recent, +1); Nova was never scored.
    sqlx::query(
        "update leads set last_inbound_at = now() - interval '8 days', score = 3,
                          scored_at = now() - interval '8 days', score_due_at = now() - interval '7 days'
          where id = $1",
    )
    .bind(quiet)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("update leads set last_inbound_at = now() where id = $1")
        .bind(fresh)
        .execute(&app.pool)
        .await
        .unwrap();

    assert_eq!(rescoring::run(&app.pool, Utc::now()).await.unwrap(), 2);
    // Família +2, more than 7 days quiet −2.
    let (score, scored, due) = score_of(&app, quiet).await;
    assert_eq!((score, scored), (0, true));
    assert!(
        due.is_some_and(|d| d > Utc::now() + Duration::days(21)),
        "next at 30 days: {due:?}"
    );
    assert_eq!(score_of(&app, fresh).await.0, 1);
    // Nothing due: a second pass scores nobody.
    assert_eq!(rescoring::run(&app.pool, Utc::now()).await.unwrap(), 0);

    // An own flow where "Só eu" is worth 4 and "Família" nothing, made live: every lead is due again.
    let flow: Uuid = sqlx::query_scalar(
        r#"insert into flows (name, vertical, definition, is_template, created_by, is_active)
           select 'Meu fluxo', vertical,
                  jsonb_set(jsonb_set(definition, '{etapas,1,opcoes,0,pontos}', '4'),
                            '{etapas,1,opcoes,1,pontos}', '0'), false, $1, false
             from flows where is_template and vertical = 'health_plans'
            order by created_at limit 1
           returning id"#,
    )
    .bind(consultant)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let mut tx = tenant_tx(&app.pool, consultant).await.unwrap();
    app::server::flows::make_live(&mut tx, flow).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rescoring::run(&app.pool, Utc::now()).await.unwrap(), 2);
    assert_eq!(score_of(&app, fresh).await.0, 5, "Só eu +4, recent +1");
    assert_eq!(
        score_of(&app, quiet).await.0,
        -2,
        "the new flow gives Família nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hottest_come_first_page_after_page() {
    let app = app_with_workers_and(1, without_jobs).await;
    let consultant = joana(&app).await;
    // 45 leads, scores from −4 to 10, several alike (the order then falls to the activity).
    for n in 0..45 {
        let id = insert_lead(
            &app,
            consultant,
            &format!("Lead {n}"),
            &format!("+55219999{n:05}"),
            "novo",
            serde_json::json!({}),
        )
        .await;
        sqlx::query(
            "update leads set score = $2, scored_at = now(), score_due_at = null,
                              last_interaction_at = now() - make_interval(mins => $3)
              where id = $1",
        )
        .bind(id)
        .bind((n % 15) as i16 - 4)
        .bind(n)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    sign_in_inserted(&app, "joana@exemplo.com").await;
    let mut seen: Vec<String> = Vec::new();
    let mut page = app.get_html("/leads?vista=lista&ordem=temperatura").await;
    loop {
        seen.extend(
            page.match_indices(">Lead ")
                .map(|(i, _)| page[i + 1..].split('<').next().unwrap().to_string()),
        );
        let Some(at) = page.find("depois=") else {
            break;
        };
        let cursor: String = page[at + 7..].chars().take_while(|c| *c != '"').collect();
        page = app
            .get_html(&format!(
                "/leads?vista=lista&ordem=temperatura&depois={}",
                cursor.replace("&amp;", "&")
            ))
            .await;
    }
    let score = |name: &str| {
        let n: i32 = name.trim_start_matches("Lead ").parse().unwrap();
        (n % 15 - 4, -n)
    };
    let mut expected = seen.clone();
    expected.sort_by_key(|name| std::cmp::Reverse(score(name)));
    assert_eq!(seen.len(), 45, "every lead once: {seen:?}");
    assert_eq!(seen, expected);
    // The temperature filter is a range of the same scores: 4 and up.
    let hot = app.get_html("/leads?vista=lista&temperatura=quente").await;
    let hot_count = (0..45).filter(|n| n % 15 - 4 >= 4).count();
    assert!(
        hot.contains(&format!("({hot_count})")),
        "{hot_count} in {hot}"
    );
}
