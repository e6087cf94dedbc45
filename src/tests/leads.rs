//! The leads workspace: the board and list (filters, keyset pages, moves), the CSV export,
//! the lead page, and the wall between consultants on all of them.

use super::helpers::TestApp;
use serde_json::Value;
use uuid::Uuid;

const PASSWORD: &str = "uma senha bem longa 123";

/// (from, to, reason, changed by)
type HistoryRow = (Option<String>, String, Option<String>, Option<Uuid>);

/// A signed-in consultant in `app` (its own browser); returns its id.
pub(super) async fn signed_in(app: &TestApp, email: &str) -> Uuid {
    let res = app.signup("Ana Souza", email, PASSWORD).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "signup: {}",
        res.status()
    );
    sqlx::query_scalar("select id from consultants where email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Inserts a lead on the privileged path (as the webhook would).
pub(super) async fn lead(
    app: &TestApp,
    consultant: Uuid,
    name: &str,
    number: &str,
    status: &str,
    answers: Value,
) -> Uuid {
    sqlx::query_scalar(
        "insert into leads (consultant_id, whatsapp_number, name, status, respostas) values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(consultant)
    .bind(number)
    .bind(name)
    .bind(status)
    .bind(answers)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// A conversation whose messages are `lines` (direction, text), the last `minutes_ago`;
/// the lead's activity and last inbound time follow them.
pub(super) async fn talk(app: &TestApp, lead: Uuid, lines: &[(&str, &str)], minutes_ago: i32) {
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

pub(super) async fn move_lead(
    app: &TestApp,
    lead: Uuid,
    to: &str,
    reason: &str,
) -> reqwest::Response {
    let csrf = app.csrf_from("/leads").await;
    // "agendado" books a time: two days ahead (tests/appointments.rs tests the booking).
    let (date, _) =
        app::domain::appointment::form_values(chrono::Utc::now() + chrono::Duration::days(2));
    app.post_form(
        "/api/mover-lead",
        &[
            ("csrf", &csrf),
            ("lead", &lead.to_string()),
            ("to", to),
            ("reason", reason),
            ("data", &date),
            ("hora", "10:00"),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moves_follow_the_rules_and_are_kept_in_history_and_audit() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let l = lead(
        &app,
        me,
        "Bruno",
        "+5511987650001",
        "novo",
        serde_json::json!({}),
    )
    .await;

    let refused = move_lead(&app, l, "fechado", "").await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert!(body.to_string().contains("antes de fechar"), "{body}");
    assert_eq!(status_of(&app, l).await, "novo");

    assert!(move_lead(&app, l, "em_contato", "")
        .await
        .status()
        .is_success());
    assert!(move_lead(&app, l, "perdido", "Achou caro")
        .await
        .status()
        .is_success());
    assert_eq!(
        move_lead(&app, l, "novo", "").await.status(),
        422,
        "a lost lead reopens as em_contato only"
    );
    assert!(move_lead(&app, l, "em_contato", "")
        .await
        .status()
        .is_success());
    assert_eq!(status_of(&app, l).await, "em_contato");

    let history: Vec<HistoryRow> = sqlx::query_as(
        "select from_status, to_status, reason, changed_by from lead_status_history where lead_id = $1 order by created_at",
    )
    .bind(l)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        history,
        vec![
            (Some("novo".into()), "em_contato".into(), None, Some(me)),
            (
                Some("em_contato".into()),
                "perdido".into(),
                Some("Achou caro".into()),
                Some(me)
            ),
            (Some("perdido".into()), "em_contato".into(), None, Some(me)),
        ]
    );
    let audited = app
        .count(&format!(
            "select count(*) from audit_logs where action = 'lead_status_changed' and consultant_id = '{me}' and resource_id = '{l}'"
        ))
        .await;
    assert_eq!(audited, 3, "one audit row per move, none for refused moves");

    // Without JavaScript the same form posts, redirects back, and the board shows why.
    let csrf = app.csrf_from("/leads").await;
    let res = app
        .post_plain_form(
            "/api/mover-lead",
            "/leads",
            &[
                ("csrf", &csrf),
                ("lead", &l.to_string()),
                ("to", "em_contato"),
                ("reason", ""),
            ],
        )
        .await;
    assert!(res.status().is_redirection());
    let html = app.get_html("/leads").await;
    assert!(html.contains("O lead já está em “Em contato”."), "{html}");
}

/// #17 "empty states": an empty board says how leads arrive and offers no empty CSV; a
/// filter that finds nothing says so, with the way back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_board_explains_what_to_do_and_offers_no_empty_export() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let html = app.get_html("/leads").await;
    assert!(html.contains("Ainda não há leads"), "{html}");
    assert!(html.contains("Teste o bot"));
    assert!(!html.contains("Exportar CSV"), "no empty file offered");

    lead(
        &app,
        me,
        "Bruno Vazio",
        "+5511987650001",
        "novo",
        serde_json::json!({}),
    )
    .await;
    let html = app.get_html("/leads").await;
    assert!(!html.contains("Ainda não há leads"));
    assert!(html.contains("Exportar CSV"));
    let html = app.get_html("/leads?q=ninguem-assim").await;
    assert!(html.contains("Nenhum lead com estes filtros."), "{html}");
    assert!(!html.contains("Exportar CSV"));
}

/// #17 "moving leads": the form offers the next stage first, the forward jumps sales make
/// are allowed, and a closed deal is reopened with a reason that stays in its history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_jump_forward_and_a_closed_deal_reopens_with_a_reason() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let l = lead(
        &app,
        me,
        "Bruno Salto",
        "+5511987650001",
        "novo",
        serde_json::json!({}),
    )
    .await;
    // The card's form: the next stage is the first (chosen) option.
    let html = app.get_html("/leads").await;
    let select = html
        .split(&format!("id=\"mover-{l}\""))
        .nth(1)
        .expect("the card's move form");
    assert!(
        select
            .trim_start()
            .starts_with("name=\"to\"><option value=\"em_contato\""),
        "{select}"
    );

    assert!(move_lead(&app, l, "agendado", "")
        .await
        .status()
        .is_success());
    assert!(move_lead(&app, l, "em_contato", "")
        .await
        .status()
        .is_success());
    assert!(move_lead(&app, l, "fechado", "")
        .await
        .status()
        .is_success());
    let refused = move_lead(&app, l, "em_contato", " ").await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert!(body.to_string().contains("escreva o motivo"), "{body}");
    assert_eq!(status_of(&app, l).await, "fechado");
    assert!(
        move_lead(&app, l, "em_contato", "Cliente desistiu do contrato")
            .await
            .status()
            .is_success()
    );
    let last: (String, String, Option<String>) = sqlx::query_as(
        "select from_status, to_status, reason from lead_status_history
          where lead_id = $1 order by created_at desc limit 1",
    )
    .bind(l)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        last,
        (
            "fechado".into(),
            "em_contato".into(),
            Some("Cliente desistiu do contrato".into())
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyset_pages_return_every_lead_once_while_leads_arrive() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    // 47 leads, several sharing one activity time (ties are broken by id).
    sqlx::query(
        "insert into leads (consultant_id, whatsapp_number, name, last_interaction_at)
         select $1, '+55119876' || lpad(n::text, 5, '0'), 'Lead ' || n, now() - make_interval(mins => n / 3)
           from generate_series(1, 47) n",
    )
    .bind(me)
    .execute(&app.pool)
    .await
    .unwrap();
    let mut seen: Vec<String> = Vec::new();
    let mut after = String::new();
    for page in 0.. {
        let res = app
            .post_form(
                "/api/leads-lista",
                &[("query", "vista=lista"), ("after", &after)],
            )
            .await;
        assert!(res.status().is_success(), "{}", res.status());
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["total"], 47 + page * 2);
        for row in body["rows"].as_array().unwrap() {
            seen.push(row["name"].as_str().unwrap().to_string());
        }
        // New leads arrive between pages: they belong at the top, not in later pages.
        sqlx::query(
            "insert into leads (consultant_id, whatsapp_number, name) values ($1, $2, 'Novo A'), ($1, $3, 'Novo B')",
        )
        .bind(me)
        .bind(format!("+55219000{page:05}"))
        .bind(format!("+55219100{page:05}"))
        .execute(&app.pool)
        .await
        .unwrap();
        match body["next"].as_str() {
            Some(c) => after = c.to_string(),
            None => break,
        }
    }
    let mut names = seen.clone();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), seen.len(), "a lead appeared twice");
    assert_eq!(seen.len(), 47, "every lead exactly once");

    // The board's column count covers the whole filtered set, not the loaded cards.
    let res = app.post_form("/api/leads-quadro", &[("query", "")]).await;
    let board: Value = res.json().await.unwrap();
    let novo = &board["columns"][0];
    assert_eq!(novo["status"], "novo");
    assert_eq!(novo["cards"].as_array().unwrap().len(), 20);
    assert!(novo["count"].as_i64().unwrap() > 47);
    assert!(novo["next"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_and_filters_find_leads_by_name_number_and_answers() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    lead(
        &app,
        me,
        "João da Silva",
        "+5511987654321",
        "novo",
        serde_json::json!({"perfil": "familia"}),
    )
    .await;
    lead(
        &app,
        me,
        "Maria 50%",
        "+5521999990000",
        "agendado",
        serde_json::json!({"perfil": "individual"}),
    )
    .await;
    let names = |body: &Value| -> Vec<String> {
        let mut v: Vec<String> = body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    for (query, expected) in [
        ("q=jo%C3%A3o", vec!["João da Silva"]),
        // Typed without accents, in any case, as on a phone (#17).
        ("q=joao", vec!["João da Silva"]),
        ("q=JOAO+DA", vec!["João da Silva"]),
        ("q=%2811%29+98765-4321", vec!["João da Silva"]),
        ("q=98765", vec!["João da Silva"]),
        ("q=50%25", vec!["Maria 50%"]),
        ("q=%25", vec!["Maria 50%"]),
        ("q=_", vec![]),
        ("status=agendado", vec!["Maria 50%"]),
        ("r_perfil=familia", vec!["João da Silva"]),
        ("r_perfil=familia&status=agendado", vec![]),
        ("origem=direto", vec!["João da Silva", "Maria 50%"]),
        ("origem=pagina", vec![]),
        ("periodo=7", vec!["João da Silva", "Maria 50%"]),
    ] {
        let res = app
            .post_form("/api/leads-lista", &[("query", query), ("after", "")])
            .await;
        let body: Value = res.json().await.unwrap();
        assert_eq!(names(&body), expected, "{query}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_export_opens_in_excel_and_neutralises_formulas() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    lead(
        &app,
        me,
        "Ana; \"Aninha\" Conceição",
        "+5511987654321",
        "novo",
        serde_json::json!({"perfil": "familia"}),
    )
    .await;
    lead(
        &app,
        me,
        "=1+1",
        "+5521999990000",
        "agendado",
        serde_json::json!({}),
    )
    .await;
    let res = app.get("/leads/exportar.csv?status=novo").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("Nome;WhatsApp;Etapa;Origem;Criado em;Última atividade;"));
    assert!(
        lines[0].contains("Você busca plano para"),
        "one column per question: {}",
        lines[0]
    );
    // Who opted out is a column; a step that asks nothing (a message, the goodbye) is not.
    assert!(lines[0].contains(";Pediu para sair"), "{}", lines[0]);
    let definition: Value = sqlx::query_scalar(
        "select definition from flows where is_template and vertical = 'health_plans'
          order by created_at limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    for step in definition["etapas"].as_array().unwrap() {
        let kind = step["tipo"].as_str().unwrap_or_default();
        let asks: String = step["pergunta"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(20)
            .collect();
        if matches!(kind, "fim" | "mensagem") && !asks.is_empty() {
            assert!(
                !lines[0].contains(&asks),
                "no column for {kind}: {}",
                lines[0]
            );
        }
    }
    assert!(
        lines[1].starts_with("\"Ana; \"\"Aninha\"\" Conceição\";(11) 98765-4321;Novo;Direto;"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(";Família"));
    // The name holds one `;` inside its quotes, so "Criado em" is the sixth piece.
    let date = regex_like_date(lines[1].split(';').nth(5).unwrap_or(""));
    assert!(date, "dd/mm/aaaa: {}", lines[1]);

    let all = app.get("/leads/exportar.csv").await.text().await.unwrap();
    assert!(all.contains("\r\n'=1+1;"), "formula neutralised: {all}");
    let audited: (i64, Value) = sqlx::query_as(
        "select count(*), max(details::text)::jsonb from audit_logs where action = 'lead_exported' and consultant_id = $1",
    )
    .bind(me)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited.0, 2);
    let exports: Vec<Value> = sqlx::query_scalar(
        "select details from audit_logs where action = 'lead_exported' and consultant_id = $1 order by created_at",
    )
    .bind(me)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(exports[0]["filtro"], "status=novo");
    assert_eq!(exports[0]["linhas"], 1);
    assert_eq!(exports[1]["linhas"], 2);
}

fn regex_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 10
        && b[2] == b'/'
        && b[5] == b'/'
        && s.chars().filter(char::is_ascii_digit).count() == 8
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_consultants_leads_are_not_found_and_never_listed() {
    let app = TestApp::spawn().await;
    let a = signed_in(&app, "ana@exemplo.com").await;
    let secret = lead(
        &app,
        a,
        "Segredo da Ana",
        "+5511987654321",
        "novo",
        serde_json::json!({}),
    )
    .await;
    let bruno = app.other_browser();
    let b = signed_in(&bruno, "bruno@exemplo.com").await;
    lead(
        &bruno,
        b,
        "Cliente do Bruno",
        "+5521999990000",
        "novo",
        serde_json::json!({}),
    )
    .await;

    let res = bruno.get(&format!("/leads/{secret}")).await;
    assert_eq!(res.status(), 404);
    assert!(!res.text().await.unwrap().contains("Segredo da Ana"));
    assert_eq!(bruno.get("/leads/nao-e-um-id").await.status(), 404);
    assert_eq!(
        bruno
            .get(&format!("/leads/{}", Uuid::new_v4()))
            .await
            .status(),
        404
    );
    for path in [
        "/leads",
        "/leads?vista=lista",
        "/leads?q=Segredo",
        "/leads/exportar.csv",
        "/painel",
    ] {
        let html = bruno.get_html(path).await;
        assert!(!html.contains("Segredo da Ana"), "{path} shows A's lead");
    }
    assert!(bruno.get_html("/leads").await.contains("Cliente do Bruno"));
    // Server functions refuse the move and the reply (not found, nothing changed).
    let csrf = bruno.csrf_from("/leads").await;
    let res = bruno
        .post_form(
            "/api/mover-lead",
            &[
                ("csrf", &csrf),
                ("lead", &secret.to_string()),
                ("to", "em_contato"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = bruno
        .post_form(
            "/api/responder-lead",
            &[
                ("csrf", &csrf),
                ("lead", &secret.to_string()),
                ("body", "oi"),
            ],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(status_of(&app, secret).await, "novo");
    // And A still sees it.
    assert!(app
        .get_html(&format!("/leads/{secret}"))
        .await
        .contains("Segredo da Ana"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_texts_are_escaped_everywhere_they_are_shown() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let payloads = [
        "</title><script>alert(1)</script>",
        "</textarea><script>alert(2)</script>",
    ];
    let l = lead(
        &app,
        me,
        payloads[0],
        "+5511987654321",
        "novo",
        serde_json::json!({"perfil": payloads[1]}),
    )
    .await;
    sqlx::query("update leads set profile_name = $2, metadata = jsonb_build_object('source', $3::text, 'campaign', $3::text) where id = $1")
        .bind(l)
        .bind(payloads[1])
        .bind(payloads[1])
        .execute(&app.pool)
        .await
        .unwrap();
    let conv: Uuid = sqlx::query_scalar(
        "insert into conversations (lead_id, flow_id) select $1, id from flows where is_template limit 1 returning id",
    )
    .bind(l)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("insert into messages (conversation_id, direction, content) values ($1, 'inbound', $2), ($1, 'outbound', $3)")
        .bind(conv)
        .bind(payloads[0])
        .bind(payloads[1])
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("insert into lead_notes (consultant_id, lead_id, body) values ($1, $2, $3)")
        .bind(me)
        .bind(l)
        .bind(payloads[1])
        .execute(&app.pool)
        .await
        .unwrap();
    for path in [
        "/leads".to_string(),
        "/leads?vista=lista".into(),
        format!("/leads?q={}", "%3C%2Ftitle%3E%3Cscript%3E"),
        format!("/leads/{l}"),
        "/painel".into(),
    ] {
        let html = app.get_html(&path).await;
        assert!(
            !html.contains("<script>alert"),
            "{path} renders a live script"
        );
        assert!(
            html.contains("&lt;script&gt;alert") || path == "/painel",
            "{path} does not show the text"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_actions_move_by_the_rules_and_export_the_selection() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let a = lead(
        &app,
        me,
        "Alice Massa",
        "+5511987650001",
        "novo",
        serde_json::json!({}),
    )
    .await;
    let b = lead(
        &app,
        me,
        "Beto Massa",
        "+5511987650002",
        "novo",
        serde_json::json!({}),
    )
    .await;
    let closed = lead(
        &app,
        me,
        "Caio Fechado",
        "+5511987650003",
        "fechado",
        serde_json::json!({}),
    )
    .await;
    let other_browser = app.other_browser();
    let other = signed_in(&other_browser, "bruno@exemplo.com").await;
    let foreign = lead(
        &other_browser,
        other,
        "Do Bruno",
        "+5511987650004",
        "novo",
        serde_json::json!({}),
    )
    .await;

    let csrf = app.csrf_from("/leads?vista=lista").await;
    let ids = [a, b, closed, foreign].map(|i| i.to_string());
    let mut form: Vec<(&str, &str)> = vec![
        ("csrf", &csrf),
        ("filtro", ""),
        ("to", "em_contato"),
        ("acao", "mover-selecionados"),
    ];
    form.extend(ids.iter().map(|i| ("ids", i.as_str())));
    let res = app
        .post_plain_form("/leads/em-massa", "/leads?vista=lista", &form)
        .await;
    assert!(res.status().is_redirection());
    let html = app.get_html("/leads?vista=lista").await;
    assert!(
        html.contains("2 leads movidos para “Em contato”. 2 não puderam"),
        "{}",
        &html[..html.len().min(400)]
    );
    assert_eq!(status_of(&app, a).await, "em_contato");
    assert_eq!(status_of(&app, closed).await, "fechado");
    assert_eq!(
        status_of(&app, foreign).await,
        "novo",
        "another consultant's lead is untouched"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from lead_status_history where consultant_id = '{me}'"
        ))
        .await,
        2
    );
    assert_eq!(
        app.count(&format!("select count(*) from audit_logs where action = 'lead_status_changed' and consultant_id = '{me}'")).await,
        2
    );

    // The whole filtered set: not on one tap (#17), only with the confirmation ticked.
    let res = app
        .post_plain_form(
            "/leads/em-massa",
            "/leads?vista=lista",
            &[
                ("csrf", &csrf),
                ("filtro", "status=em_contato"),
                ("to", "perdido"),
                ("acao", "mover-filtrados"),
            ],
        )
        .await;
    assert!(res.status().is_redirection());
    assert_eq!(
        status_of(&app, b).await,
        "em_contato",
        "nothing moved unconfirmed"
    );
    let html = app.get_html("/leads?vista=lista&status=em_contato").await;
    assert!(html.contains("marque a confirmação"), "{html}");
    // Confirmed: the two in contact are lost, nobody else ("agendado" is not a bulk move:
    // each appointment needs its own date, tests/appointments.rs).
    let res = app
        .post_plain_form(
            "/leads/em-massa",
            "/leads?vista=lista",
            &[
                ("csrf", &csrf),
                ("filtro", "status=em_contato"),
                ("to", "perdido"),
                ("acao", "mover-filtrados"),
                ("confirmar-todos", "sim"),
            ],
        )
        .await;
    assert!(res.status().is_redirection());
    assert_eq!(
        res.headers()["location"],
        "/leads?vista=lista&status=em_contato"
    );
    assert_eq!(status_of(&app, b).await, "perdido");
    assert_eq!(status_of(&app, closed).await, "fechado");

    // Export of a selection; a forged token changes nothing.
    let a_id = a.to_string();
    let res = app
        .post_plain_form(
            "/leads/em-massa",
            "/leads?vista=lista",
            &[
                ("csrf", &csrf),
                ("filtro", ""),
                ("to", "novo"),
                ("acao", "exportar-selecionados"),
                ("ids", &a_id),
                ("ids", &foreign.to_string()),
            ],
        )
        .await;
    let csv = res.text().await.unwrap();
    assert!(
        csv.contains("Alice Massa") && !csv.contains("Beto Massa") && !csv.contains("Do Bruno"),
        "{csv}"
    );
    let res = app
        .post_plain_form(
            "/leads/em-massa",
            "/leads?vista=lista",
            &[
                ("csrf", "forjado"),
                ("filtro", ""),
                ("to", "perdido"),
                ("acao", "mover-selecionados"),
                ("ids", &a_id),
            ],
        )
        .await;
    assert!(res.status().is_redirection());
    assert_eq!(status_of(&app, a).await, "perdido");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_notes_are_shown_in_the_timeline_beside_their_messages() {
    let app = TestApp::spawn().await;
    let me = signed_in(&app, "ana@exemplo.com").await;
    let l = lead(
        &app,
        me,
        "Lia Linha",
        "+5511987650001",
        "novo",
        serde_json::json!({}),
    )
    .await;
    // 40 messages a minute apart: the newest page holds 30 of them.
    sqlx::query(
        "with c as (insert into conversations (lead_id, flow_id)
                    select $1, id from flows where is_template limit 1 returning id)
         insert into messages (conversation_id, direction, content, created_at)
         select c.id, 'inbound', 'mensagem ' || n, now() - make_interval(mins => 41 - n)
           from c, generate_series(1, 40) n",
    )
    .bind(l)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into lead_notes (consultant_id, lead_id, body, created_at)
         values ($1, $2, 'nota antiga', now() - interval '39 minutes 30 seconds'),
                ($1, $2, 'nota recente', now() - interval '5 minutes 30 seconds')",
    )
    .bind(me)
    .bind(l)
    .execute(&app.pool)
    .await
    .unwrap();
    let res = app
        .post_form("/api/lead", &[("id", &l.to_string()), ("before", "")])
        .await;
    let page: Value = res.json().await.unwrap();
    let texts: Vec<&str> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 31, "30 messages and the recent note");
    let note_at = texts.iter().position(|t| *t == "nota recente").unwrap();
    assert_eq!(
        (texts[note_at - 1], texts[note_at + 1]),
        ("mensagem 35", "mensagem 36")
    );
    assert!(!texts.contains(&"nota antiga"));

    let older = page["older"].as_str().unwrap();
    let res = app
        .post_form(
            "/api/lead-mensagens",
            &[("id", &l.to_string()), ("before", older)],
        )
        .await;
    let (earlier, more): (Vec<Value>, Option<String>) = res.json().await.unwrap();
    let texts: Vec<&str> = earlier
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts[..3], ["mensagem 1", "nota antiga", "mensagem 2"]);
    assert_eq!(texts.len(), 11);
    assert!(more.is_none());
    assert!(earlier[1]["note"].as_bool().unwrap());
}
