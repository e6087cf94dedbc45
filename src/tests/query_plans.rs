//! Every consultant-facing query must reach a tenant's rows through an index that starts
//! with the tenant key: a sequential scan reads every consultant's rows (measured at
//! 1,000,000 leads: 190 ms for a consultant with 10 leads).
//!
//! Rather than EXPLAIN copies of the queries (which drift from the code), this runs the real
//! pages and server functions as two consultants, one large and one small, on a dataset big
//! enough for the planner to prefer indexes, and reads PostgreSQL's own per-table counters of
//! sequential scans. A control query proves the counters were collected.

use super::helpers::{fresh_db, TestApp};
use super::leads::signed_in;
use super::rls::TENANT_TABLES;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

/// Fills the database: 1,000 other consultants with 20 leads each, the two signed-in ones
/// with `big` and 10 leads, one conversation and three messages per lead.
async fn load(url: &str, big: Uuid, small: Uuid) {
    let steps = [
        "insert into consultants (email, password_hash, name, whatsapp_number, vertical, slug)
         select 'c' || n || '@carga.test', 'x', 'Consultor ' || n, '+5511' || lpad(n::text, 9, '0'),
                'health_plans', 'carga-' || n
           from generate_series(1, 1000) n",
        "insert into flows (name, vertical, definition, is_template, created_by, is_active)
         select 'Fluxo ' || c.slug, 'health_plans', t.definition, false, c.id, true
           from consultants c,
                (select definition from flows where is_template and vertical = 'health_plans' limit 1) t
          where c.email like '%@carga.test' or c.email like '%@exemplo.com'",
        "create temporary table sizes (consultant_id uuid, n int)",
        "insert into sizes select id, 20 from consultants where email like '%@carga.test'",
        "insert into leads (consultant_id, whatsapp_number, name, status, respostas, metadata,
                            last_interaction_at, created_at, last_inbound_at,
                            score, scored_at, score_due_at)
         select s.consultant_id, '+55219' || lpad(g::text, 8, '0'), 'Lead ' || g,
                (array['novo','em_contato','agendado','fechado','perdido'])[1 + g % 5],
                jsonb_build_object('perfil', (array['individual','familia','empresa'])[1 + g % 3]),
                case when g % 4 = 0 then '{\"source\": \"perfil\"}'::jsonb else '{}'::jsonb end,
                now() - make_interval(mins => g * 7), now() - make_interval(mins => g * 7 + 5),
                now() - make_interval(mins => g * 7),
                (g % 12) - 4, now(), null
           from sizes s, generate_series(1, s.n) g",
        "insert into conversations (lead_id, consultant_id, flow_id, state, is_completed, last_inbound_at)
         select l.id, l.consultant_id, f.id, '{}', true, l.last_inbound_at
           from leads l, (select id from flows where is_template and vertical = 'health_plans' limit 1) f",
        "insert into messages (conversation_id, consultant_id, direction, content, status, created_at)
         select c.id, c.consultant_id, d.dir, 'mensagem ' || d.n, 'read', c.last_inbound_at - make_interval(mins => 3 - d.n)
           from conversations c,
                (values (1, 'inbound'), (2, 'outbound'), (3, 'inbound')) as d(n, dir)",
        "insert into ai_responses (lead_id, conversation_id, consultant_id, prompt, response, model)
         select lead_id, id, consultant_id, 'prompt', 'resposta', 'builtin' from conversations",
        "insert into lead_status_history (consultant_id, lead_id, from_status, to_status, changed_by)
         select consultant_id, id, 'novo', status, consultant_id from leads where status <> 'novo'",
        "insert into lead_notes (consultant_id, lead_id, body) select consultant_id, id, 'nota' from leads",
        "insert into message_templates (consultant_id, name, category, body, variables, status)
         select c.id, 'modelo_' || k, 'utility', 'Olá {{1}}, tudo bem com você?',
                '[{\"source\": \"first_name\", \"example\": \"Ana\"}]', 'aprovado'
           from consultants c, generate_series(1, 3) k",
        // A follow-up rule for everyone, and a scheduled send for one lead in ten.
        "insert into follow_up_rules (consultant_id, stage, after_hours, template_id)
         select consultant_id, 'novo', 24, (array_agg(id))[1] from message_templates group by consultant_id",
        "insert into scheduled_messages (consultant_id, lead_id, kind, due_at, body)
         select consultant_id, id, 'agendada', now() + interval '1 day', 'Oi, tudo bem?'
           from leads where abs(hashtext(id::text)) % 10 = 0",
        // Everyone's reminders go by WhatsApp (`appointment_reminders`), and each lead has a
        // sent scheduled message.
        "update message_templates set library_key = 'lembrete_agendamento' where name = 'modelo_1';
         insert into scheduled_messages (consultant_id, lead_id, kind, due_at, body, status, sent_at)
         select consultant_id, id, 'agendada', now() - interval '1 day', 'Oi', 'enviada',
                now() - interval '1 day'
           from leads",
        // Every consultant's phone receives notifications, with a few sent.
        "insert into push_subscriptions (consultant_id, endpoint, p256dh, auth, device)
         select id, 'https://push.exemplo/' || id, repeat('B', 87), repeat('a', 22), 'Chrome no Android'
           from consultants;
         insert into push_messages (consultant_id, subscription_id, kind, dedupe_key, title, body, url, status)
         select s.consultant_id, s.id, 'lead_quente', 'lead_quente:' || k, 'Lead quente', 'x', '/leads', 'enviada'
           from push_subscriptions s, generate_series(1, 3) k",
        // One lead in five came from an ad and told Meta it closed.
        "insert into conversion_events (consultant_id, lead_id, trigger, event_name, ctwa_clid, status)
         select consultant_id, id, 'fechado', 'Purchase', 'clid-' || id, 'enviado'
           from leads where abs(hashtext(id::text)) % 5 = 0",
        // Every consultant keeps a few files in the library and sent a few others.
        "insert into consultant_files (consultant_id, name, mime_type, kind, size_bytes, bytes, in_library)
         select id, 'arquivo-' || k || '.pdf', 'application/pdf', 'document', 1024,
                '\\x255044462d', k <= 5
           from consultants, generate_series(1, 10) k",
        // Every consultant has a profile photo (a 1×1 PNG), drawn in the comparison image.
        "insert into consultant_photos (consultant_id, content_type, bytes)
         select id, 'image/png',
                '\\x89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63e02fcb0300018b00f43cc5202a0000000049454e44ae426082'
           from consultants",
        // Every own flow has offers for its comparison image.
        "insert into comparison_offers (flow_id, consultant_id, title, offers)
         select id, created_by, 'Opções', '[{\"nome\": \"A\", \"preco\": \"R$ 1\"}]'
           from flows where created_by is not null and not coalesce(is_template, false)",
        // Every "agendado" lead has an active appointment, and every other lead an old one.
        "insert into appointments (consultant_id, lead_id, starts_at, place, status)
         select consultant_id, id, now() + make_interval(hours => (abs(hashtext(id::text)) % 2000)),
                'Sala 1', case when status = 'agendado' then 'marcado' else 'encerrado' end
           from leads",
    ];
    // Its own connection, closed at the end: the scans the load itself makes are then counted
    // (and can be waited for) before the counters are reset.
    let mut conn = PgConnection::connect(url).await.unwrap();
    for (i, sql) in steps.iter().enumerate() {
        let sql = if i == 3 {
            format!("{sql}; insert into sizes values ('{big}', 5000), ('{small}', 10)")
        } else if i == steps.len() - 1 {
            // The two signed-in consultants' leads went quiet two days ago: their pages are
            // outside the 24-hour window, where the approved templates are read.
            format!(
                "{sql}; update messages set created_at = created_at - interval '2 days'
                          where consultant_id in ('{big}', '{small}')"
            )
        } else {
            sql.to_string()
        };
        sqlx::raw_sql(&sql)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    sqlx::raw_sql("vacuum analyze")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
}

/// Waits until `table`'s sequential-scan counter is above zero; returns it.
async fn seq_scans_counted(conn: &mut PgConnection, table: &str) -> i64 {
    // Idle backends hand over their counters on a timer (about 10 s) or when they end.
    for _ in 0..200 {
        sqlx::query("select pg_stat_clear_snapshot()")
            .execute(&mut *conn)
            .await
            .unwrap();
        let n: i64 = sqlx::query_scalar(
            "select coalesce(seq_scan, 0) from pg_stat_user_tables where relname = $1",
        )
        .bind(table)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        if n > 0 {
            return n;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    0
}

/// Every page and server function a consultant uses in the leads workspace and dashboard.
async fn exercise(app: &TestApp) {
    let lead: Uuid = {
        let html = app.get_html("/leads").await;
        html.match_indices("href=\"/leads/")
            .filter_map(|(at, m)| html.get(at + m.len()..at + m.len() + 36))
            .find_map(|id| id.parse().ok())
            .expect("a card links to its lead")
    };
    // An "agendado" lead (its appointment on the page, the card, the dashboard, the file).
    let agendado: Uuid = {
        let html = app.get_html("/leads?status=agendado").await;
        html.match_indices("href=\"/leads/")
            .filter_map(|(at, m)| html.get(at + m.len()..at + m.len() + 36))
            .find_map(|id| id.parse().ok())
            .expect("an agendado card")
    };
    let res = app.get(&format!("/leads/{agendado}/agendamento.ics")).await;
    assert_eq!(res.status(), 200, "the calendar file");
    res.bytes().await.unwrap();
    for path in [
        "/painel".to_string(),
        "/leads".into(),
        "/leads?status=novo&r_perfil=familia".into(),
        "/leads?origem=pagina&periodo=30".into(),
        "/leads?q=Lead+12".into(),
        "/leads?q=98765".into(),
        "/leads?vista=lista".into(),
        "/leads?vista=lista&ordem=criacao".into(),
        "/leads?ordem=temperatura".into(),
        "/leads?temperatura=quente".into(),
        "/leads?vista=lista&ordem=temperatura&temperatura=morno".into(),
        format!("/leads/{lead}"),
        format!("/leads/{lead}/dados"),
        format!("/leads/{lead}/dados.json"),
        format!("/leads/{agendado}"),
        "/leads/exportar.csv?status=fechado".into(),
        "/configuracoes".into(),
        "/fluxos".into(),
        "/painel?periodo=90".into(),
        "/modelos".into(),
    ] {
        let res = app.get(&path).await;
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.bytes().await.unwrap();
    }
    // The consultant's own flow in the editor: its comparison offers and the image's preview.
    let flow: Uuid = {
        let page = app.get_html("/fluxos").await;
        let html = page.split("Meus fluxos").nth(1).expect("own flows listed");
        html.match_indices("href=\"/fluxos/")
            .filter_map(|(at, m)| html.get(at + m.len()..at + m.len() + 36))
            .find_map(|id| id.parse().ok())
            .expect("a flow of one's own")
    };
    for path in [
        format!("/fluxos/{flow}"),
        format!("/fluxos/{flow}/comparativo.png"),
    ] {
        let res = app.get(&path).await;
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.bytes().await.unwrap();
    }
    // Outside the window the lead page reads the approved templates (so their query is counted).
    assert!(app
        .get_html(&format!("/leads/{lead}"))
        .await
        .contains("Enviar um modelo aprovado"));
    // A send scheduled with a template, then cancelled.
    let template: Uuid = sqlx::query_scalar(
        "select t.id from message_templates t join leads l on l.consultant_id = t.consultant_id
          where l.id = $1 limit 1",
    )
    .bind(lead)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = format!("/leads/{lead}");
    let csrf = app.csrf_from(&page).await;
    let when =
        app::domain::schedule::to_local_input(chrono::Utc::now() + chrono::Duration::hours(30));
    let form = [
        ("csrf", csrf.as_str()),
        ("quando", &when),
        ("texto", ""),
        ("modelo", &template.to_string()),
    ];
    let res = app
        .post_plain_form(&format!("{page}/agendar"), &page, &form)
        .await;
    assert!(res.status().is_redirection());
    assert!(app.get_html(&page).await.contains("agendado para"));
    let scheduled: Uuid = sqlx::query_scalar(
        "select id from scheduled_messages
          where consultant_id = (select consultant_id from leads where id = $1) and lead_id = $1
            and status = 'agendada' order by due_at desc limit 1",
    )
    .bind(lead)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let form = [("csrf", csrf.as_str()), ("id", &scheduled.to_string())];
    let res = app
        .post_plain_form(&format!("{page}/agendadas/cancelar"), &page, &form)
        .await;
    assert!(res.status().is_redirection());
    // A deep "carregar mais": the cursor of the 20th card, then of the next pages.
    let mut after = String::new();
    for _ in 0..3 {
        let res = if after.is_empty() {
            app.post_form("/api/leads-quadro", &[("query", "")]).await
        } else {
            app.post_form(
                "/api/leads-coluna",
                &[("query", ""), ("status", "novo"), ("after", &after)],
            )
            .await
        };
        let body: serde_json::Value = res.json().await.unwrap();
        let column = if body["columns"].is_array() {
            &body["columns"][0]
        } else {
            &body
        };
        match column["next"].as_str() {
            Some(c) => after = c.to_string(),
            None => break,
        }
    }
    let csrf = app.csrf_from(&format!("/leads/{lead}")).await;
    let (date, _) =
        app::domain::appointment::form_values(chrono::Utc::now() + chrono::Duration::days(2));
    let page = format!("/leads/{agendado}");
    for form in [
        vec![
            ("csrf", csrf.as_str()),
            ("acao", "salvar"),
            ("data", &date),
            ("hora", "10:00"),
            ("local", ""),
            ("link", ""),
        ],
        vec![("csrf", csrf.as_str()), ("acao", "cancelar")],
    ] {
        let res = app
            .post_plain_form(&format!("{page}/agendamento"), &page, &form)
            .await;
        assert!(
            res.status().is_redirection(),
            "agendamento: {}",
            res.status()
        );
    }
    // The second reminder's hours (`/modelos`).
    let res = app
        .post_plain_form(
            "/modelos/regras",
            "/modelos",
            &[
                ("csrf", csrf.as_str()),
                ("acao", "lembrete"),
                ("horas", "3"),
            ],
        )
        .await;
    assert!(res.status().is_redirection(), "lembrete: {}", res.status());
    // A template opened for a change, and one in use (a follow-up rule) refused deletion.
    let used: Option<Uuid> = sqlx::query_scalar(
        "select r.template_id from follow_up_rules r join leads l on l.consultant_id = r.consultant_id
          where l.id = $1 limit 1",
    )
    .bind(lead)
    .fetch_optional(&app.pool)
    .await
    .unwrap();
    if let Some(used) = used {
        app.get_html(&format!("/modelos?alterar={used}")).await;
        let res = app
            .post_plain_form(
                "/modelos/acao",
                "/modelos",
                &[
                    ("csrf", csrf.as_str()),
                    ("acao", "excluir"),
                    ("id", used.to_string().as_str()),
                ],
            )
            .await;
        assert!(res.status().is_redirection(), "excluir: {}", res.status());
    }
    // Booked with a move: an "em contato" lead to "agendado".
    let contato: Option<Uuid> = {
        let html = app.get_html("/leads?status=em_contato").await;
        html.match_indices("href=\"/leads/")
            .filter_map(|(at, m)| html.get(at + m.len()..at + m.len() + 36))
            .find_map(|id| id.parse().ok())
    };
    if let Some(c) = contato {
        let c = c.to_string();
        let form = [
            ("csrf", csrf.as_str()),
            ("lead", c.as_str()),
            ("to", "agendado"),
            ("reason", ""),
            ("data", &date),
            ("hora", "11:00"),
            ("local", "Sala 2"),
            ("link", ""),
        ];
        let res = app.post_form("/api/mover-lead", &form).await;
        assert!(
            res.status().is_success(),
            "move to agendado: {}",
            res.status()
        );
    }
    for (path, form) in [
        ("/api/lead-versao", vec![("id", lead.to_string())]),
        (
            "/api/nota-lead",
            vec![
                ("csrf", csrf.clone()),
                ("lead", lead.to_string()),
                ("body", "ligar amanhã".into()),
            ],
        ),
        (
            "/api/mover-lead",
            vec![
                ("csrf", csrf.clone()),
                ("lead", lead.to_string()),
                ("to", "perdido".into()),
                ("reason", "".into()),
            ],
        ),
        (
            "/api/responder-lead",
            vec![
                ("csrf", csrf.clone()),
                ("lead", lead.to_string()),
                ("body", "Olá!".into()),
            ],
        ),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = app.post_form(path, &form).await;
        assert!(res.status().as_u16() < 500, "{path}: {}", res.status());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consultant_facing_pages_never_scan_a_tenant_table() {
    let pool = fresh_db().await;
    let url = {
        let db = pool
            .connect_options()
            .get_database()
            .map(str::to_string)
            .unwrap();
        let base = std::env::var("TEST_DATABASE_URL")
            .or_else(|_| std::env::var("DATABASE_URL"))
            .unwrap();
        format!("{}/{db}", base.rsplit_once('/').unwrap().0)
    };
    let app = TestApp::spawn_on(pool, |c| {
        c.webhook_workers = 0;
        c.sender_enabled = false;
        c.scheduler_enabled = false;
    })
    .await;
    let big = signed_in(&app, "grande@exemplo.com").await;
    let small_browser = app.other_browser();
    let small = signed_in(&small_browser, "pequena@exemplo.com").await;
    load(&url, big, small).await;
    let mut conn = PgConnection::connect(&url).await.unwrap();
    assert!(
        seq_scans_counted(&mut conn, "leads").await > 0,
        "the load's own scans were never counted"
    );
    sqlx::query("select pg_stat_reset()")
        .execute(&mut conn)
        .await
        .unwrap();

    exercise(&app).await;
    exercise(&small_browser).await;
    // The control: a query that can only scan sequentially, on a table no consultant reads.
    sqlx::query("select count(*) from webhook_events where payload::text like '%controle%'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    app.pool.close().await;
    assert!(
        seq_scans_counted(&mut conn, "webhook_events").await > 0,
        "statistics were not collected: the test would prove nothing"
    );
    // The pages' statistics are in once every backend that ran them has handed its counters
    // over: on its way out (the pool above is closed), or, for a connection another part of
    // the server keeps open, once it has been idle past PostgreSQL's idle flush (10 s).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while sqlx::query_scalar::<_, i64>(
        "select count(*) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()
            and backend_type = 'client backend'
            and not (state = 'idle' and state_change < now() - interval '11 seconds')",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap()
        > 0
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the pages' connections never closed nor went idle"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    sqlx::query("select pg_stat_clear_snapshot()")
        .execute(&mut conn)
        .await
        .unwrap();
    let counters: Vec<(String, i64, i64)> = sqlx::query_as(
        "select relname::text, coalesce(seq_scan, 0), coalesce(idx_scan, 0)
           from pg_stat_user_tables where relname = any($1) order by relname",
    )
    .bind(TENANT_TABLES)
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let scanned: Vec<&(String, i64, i64)> =
        counters.iter().filter(|(_, seq, _)| *seq > 0).collect();
    assert!(
        scanned.is_empty(),
        "sequential scans of tenant tables: {scanned:?}"
    );
    let leads_by_index = counters
        .iter()
        .find(|(t, _, _)| t == "leads")
        .map(|c| c.2)
        .unwrap_or(0);
    assert!(
        leads_by_index > 0,
        "the pages read no lead at all: {counters:?}"
    );

    // The scheduler's pass over every consultant (the scheduled sends due, the rules firing):
    // it reads every rule with its template (the driving set: a few per consultant, read whole
    // by a hash join), and each rule's leads by the index of that consultant's stage, never a
    // scan of leads, conversations, messages or the scheduled sends.
    sqlx::query("select pg_stat_reset()")
        .execute(&mut conn)
        .await
        .unwrap();
    let jobs = sqlx::PgPool::connect(&url).await.unwrap();
    let pass =
        consultor::jobs::scheduler::run(&jobs, chrono::Utc::now() + chrono::Duration::days(2))
            .await
            .unwrap();
    assert!(
        pass.created > 0 && pass.queued + pass.postponed + pass.skipped > 0,
        "{pass:?}"
    );
    jobs.close().await;
    sqlx::query("select count(*) from webhook_events where payload::text like '%controle%'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(seq_scans_counted(&mut conn, "webhook_events").await > 0);
    let scanned: Vec<(String, i64)> = sqlx::query_as(
        "select relname::text, coalesce(seq_scan, 0) from pg_stat_user_tables
          where relname = any($1) and relname not in ('follow_up_rules', 'message_templates')
            and coalesce(seq_scan, 0) > 0",
    )
    .bind(TENANT_TABLES)
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(scanned.is_empty(), "the scheduler scanned: {scanned:?}");
}
