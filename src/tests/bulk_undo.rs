//! #17 "moving leads": "Mover todos os filtrados" acts on many leads at once, so the list
//! offers to undo it. Undoing puts back each lead still where the move left it, with its own
//! history row; a lead moved again since is left alone; it is offered once.

use super::helpers::TestApp;
use super::leads::{lead, signed_in};

async fn status(app: &TestApp, id: uuid::Uuid) -> String {
    sqlx::query_scalar("select status from leads where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_bulk_move_can_be_undone_once_leaving_later_moves_alone() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let none = serde_json::json!({});
    let a = lead(
        &app,
        me,
        "Alice Volta",
        "+5511987650001",
        "novo",
        none.clone(),
    )
    .await;
    let b = lead(
        &app,
        me,
        "Beto Volta",
        "+5511987650002",
        "em_contato",
        none.clone(),
    )
    .await;
    let c = lead(&app, me, "Caio Volta", "+5511987650003", "agendado", none).await;
    let list = "/leads?vista=lista";
    assert!(
        !app.get_html(list).await.contains("Desfazer:"),
        "nothing to undo yet"
    );

    let csrf = app.csrf_from(list).await;
    let res = app
        .post_plain_form(
            "/leads/em-massa",
            list,
            &[
                ("csrf", &csrf),
                ("filtro", ""),
                ("to", "perdido"),
                ("acao", "mover-filtrados"),
                ("confirmar-todos", "sim"),
            ],
        )
        .await;
    assert!(res.status().is_redirection());
    for id in [a, b, c] {
        assert_eq!(status(&app, id).await, "perdido");
    }
    let html = app.get_html(list).await;
    assert!(
        html.contains("Desfazer: 3 leads movidos para “Perdido”"),
        "{html}"
    );

    // One of them moves on before the undo: it stays where the consultant put it.
    sqlx::query("update leads set status = 'em_contato' where id = $1")
        .bind(c)
        .execute(&app.pool)
        .await
        .unwrap();
    let res = app
        .post_plain_form(
            "/leads/em-massa",
            list,
            &[("csrf", &csrf), ("filtro", ""), ("acao", "desfazer")],
        )
        .await;
    assert!(res.status().is_redirection());
    let html = app.get_html(list).await;
    assert!(
        html.contains("Desfeito: 2 leads voltaram para a etapa de antes."),
        "{html}"
    );
    assert!(html.contains("1 já tinha mudado de etapa"));
    assert_eq!(status(&app, a).await, "novo");
    assert_eq!(status(&app, b).await, "em_contato");
    assert_eq!(status(&app, c).await, "em_contato");
    let undone: i64 = sqlx::query_scalar(
        "select count(*) from lead_status_history where reason = 'Ação em massa desfeita'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(undone, 2);

    // Offered once.
    assert!(!html.contains("Desfazer:"));
    app.post_plain_form(
        "/leads/em-massa",
        list,
        &[("csrf", &csrf), ("filtro", ""), ("acao", "desfazer")],
    )
    .await;
    assert!(app
        .get_html(list)
        .await
        .contains("Não há ação em massa para desfazer"));
    assert_eq!(status(&app, a).await, "novo");
}
