//! #17 "a consultor's day on a phone", defect: after a copy of the live template went live,
//! the dashboard's "where conversations stop" and answers charts said nothing had started,
//! though the period's conversations were there, stored under the template's flow id.

use super::dashboard::{at, conversation, figures, lead};
use super::helpers::{insert_consultant, sign_in_inserted, TestApp};
use consultor::jobs::metrics::{self, Scope};
use serde_json::{json, Value};
use uuid::Uuid;

const EMAIL: &str = "joana@exemplo.com";

/// (reached, stopped) per step, in the chart's order.
fn counts(d: &Value) -> Vec<(String, i64, i64)> {
    d["steps"]
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
        .collect()
}

/// A flows page action, posted as the page's plain form does.
async fn act(app: &TestApp, acao: &str, id: Uuid) {
    let csrf = app.csrf_from("/fluxos").await;
    let id = id.to_string();
    let form = [("csrf", csrf.as_str()), ("acao", acao), ("id", id.as_str())];
    let res = app.post_plain_form("/fluxos/acao", "/fluxos", &form).await;
    assert_eq!(res.status(), 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_made_live_keeps_the_conversations_of_the_template_it_came_from() {
    let app = TestApp::spawn().await;
    let me = insert_consultant(&app.pool, EMAIL, "Joana").await;
    sign_in_inserted(&app, EMAIL).await;
    let pool = &app.pool;
    let all = json!({"nome": "L", "perfil": "familia", "idade": "31_45", "copart": "sim", "cidade": "SP"});

    // Three conversations on the live template this week.
    let l1 = lead(pool, me, 1, at(0, 9, 0), "novo", None).await;
    let l2 = lead(pool, me, 2, at(2, 9, 0), "novo", None).await;
    let l3 = lead(pool, me, 3, at(4, 9, 0), "novo", None).await;
    conversation(pool, me, l1, at(0, 9, 0), all.clone(), "fim", Some(300)).await;
    let two = json!({"nome": "L", "perfil": "individual"});
    conversation(pool, me, l2, at(2, 9, 0), two, "idade", None).await;
    conversation(
        pool,
        me,
        l3,
        at(4, 9, 0),
        json!({"nome": "L"}),
        "perfil",
        None,
    )
    .await;
    metrics::refresh(pool, Scope::Changes).await.unwrap();
    let before = figures(&app, "7").await;
    let on_template = counts(&before);
    assert_eq!(on_template[1].1, 3, "{on_template:?}");
    assert_eq!(
        before["first_question"][1],
        json!([["Família", 1], ["Só eu", 1]])
    );

    // The consultant copies the template and makes the copy live, unchanged.
    let template: Uuid = sqlx::query_scalar(
        "select id from flows where is_template and vertical = 'health_plans' order by created_at limit 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    act(&app, "copiar", template).await;
    let copy: Uuid = sqlx::query_scalar("select id from flows where created_by = $1")
        .bind(me)
        .fetch_one(pool)
        .await
        .unwrap();
    act(&app, "ativar", copy).await;

    // The charts still count the period's conversations, at the copy's steps (the same ones).
    let after = figures(&app, "7").await;
    assert_eq!(
        after["flow_name"],
        json!("Cópia de Triagem Básica - Planos de Saúde")
    );
    assert_eq!(counts(&after), on_template);
    assert_eq!(after["first_question"], before["first_question"]);
    assert_eq!(after["other_flows"], true, "the page says the flow changed");
    let html = app.get_html("/painel?periodo=7").await;
    assert!(!html.contains("Nenhuma conversa começou"), "{html}");
    assert!(html.contains("usou outro fluxo"), "{html}");
    assert!(!html.contains("Nenhuma resposta neste período"), "{html}");
    assert!(html.contains("grafico-etapas") && html.contains("grafico-respostas"));

    // A conversation on the copy adds to the same steps and answers.
    let l4 = lead(pool, me, 4, at(0, 10, 0), "novo", None).await;
    sqlx::query(
        "insert into conversations (consultant_id, lead_id, flow_id, current_step, state, started_at)
         values ($1, $2, $3, 'idade', $4, $5)",
    )
    .bind(me)
    .bind(l4)
    .bind(copy)
    .bind(json!({"current_step": "idade", "answers": {"nome": "M", "perfil": "familia"}}))
    .bind(at(0, 10, 0))
    .execute(pool)
    .await
    .unwrap();
    metrics::refresh(pool, Scope::Changes).await.unwrap();
    let later = figures(&app, "7").await;
    let steps = counts(&later);
    assert_eq!((steps[1].1, steps[2].1, steps[2].2), (4, 3, 2), "{steps:?}");
    assert_eq!(
        later["first_question"][1],
        json!([["Família", 2], ["Só eu", 1]])
    );
}
