//! The analytics views on a dataset small enough to work out by hand.
//!
//! Consultant A:
//!   lead 1 (novo):    conversations of 30 and 60 minutes (both completed);
//!                     AI responses of 100 and 200 tokens, 1000 and 3000 ms
//!   lead 2 (fechado): one conversation, not completed; one AI response, 50 tokens, 500 ms
//!   lead 3 (fechado): nothing else
//! Expected: 3 leads (1 novo, 2 fechado), 3 conversations, 2 completed, average duration
//! (30 + 60) / 2 = 45 minutes, 350 tokens, average latency (1000 + 3000 + 500) / 3 = 1500 ms.
//! The seed's single join would have counted lead 1's tokens once per conversation (650)
//! and its durations once per AI response.
//! Consultant B: no leads; all zero.

use super::helpers::{fresh_db, insert_consultant};
use app::server::db::tenant_tx;
use sqlx::PgPool;
use uuid::Uuid;

async fn lead(pool: &PgPool, c: Uuid, phone: &str, status: &str, created_at: &str) -> Uuid {
    sqlx::query_scalar(
        "insert into leads (consultant_id, whatsapp_number, status, created_at)
         values ($1, $2, $3, $4::timestamptz) returning id",
    )
    .bind(c)
    .bind(phone)
    .bind(status)
    .bind(created_at)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn conversation(pool: &PgPool, lead: Uuid, flow: Uuid, minutes: Option<i32>) {
    sqlx::query(
        "insert into conversations (lead_id, flow_id, is_completed, started_at, completed_at)
         values ($1, $2, $3::int is not null, '2026-03-01 12:00+00',
                 '2026-03-01 12:00+00'::timestamptz + make_interval(mins => $3::int))",
    )
    .bind(lead)
    .bind(flow)
    .bind(minutes)
    .execute(pool)
    .await
    .unwrap();
}

async fn ai(pool: &PgPool, lead: Uuid, tokens: i32, latency: i32) {
    sqlx::query(
        "insert into ai_responses (lead_id, prompt, response, model, tokens_used, latency_ms)
         values ($1, 'p', 'r', 'm', $2, $3)",
    )
    .bind(lead)
    .bind(tokens)
    .bind(latency)
    .execute(pool)
    .await
    .unwrap();
}

#[derive(sqlx::FromRow, Debug)]
struct Metrics {
    total_leads: i64,
    leads_novo: i64,
    leads_em_contato: i64,
    leads_agendado: i64,
    leads_fechado: i64,
    leads_perdido: i64,
    total_conversations: i64,
    completed_conversations: i64,
    avg_conversation_duration_minutes: Option<String>,
    total_tokens_used: i64,
    avg_ai_latency_ms: Option<String>,
}

/// Numerics are compared as PostgreSQL prints them, to the digit.
fn dec(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_exact_with_several_conversations_and_ai_responses_per_lead() {
    let pool = fresh_db().await;
    let a = insert_consultant(&pool, "a@exemplo.com", "Ana").await;
    let b = insert_consultant(&pool, "b@exemplo.com", "Bia").await;
    let flow: Uuid = sqlx::query_scalar("select id from flows where is_template limit 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    // 02:30 UTC on 1 March is still 28 February in São Paulo.
    let l1 = lead(&pool, a, "+5511900000001", "novo", "2026-03-01 02:30+00").await;
    let l2 = lead(&pool, a, "+5511900000002", "fechado", "2026-03-01 15:00+00").await;
    let _l3 = lead(&pool, a, "+5511900000003", "fechado", "2026-03-01 16:00+00").await;
    conversation(&pool, l1, flow, Some(30)).await;
    conversation(&pool, l1, flow, Some(60)).await;
    conversation(&pool, l2, flow, None).await;
    ai(&pool, l1, 100, 1000).await;
    ai(&pool, l1, 200, 3000).await;
    ai(&pool, l2, 50, 500).await;

    sqlx::query("select refresh_metrics()")
        .execute(&pool)
        .await
        .unwrap();
    // Refreshing concurrently needs the unique indexes; a second refresh proves it works.
    sqlx::query("select refresh_metrics()")
        .execute(&pool)
        .await
        .unwrap();

    let select = "select total_leads, leads_novo, leads_em_contato, leads_agendado, leads_fechado,
                         leads_perdido, total_conversations, completed_conversations,
                         avg_conversation_duration_minutes::numeric(10,4)::text as avg_conversation_duration_minutes,
                         total_tokens_used, avg_ai_latency_ms::numeric(10,4)::text as avg_ai_latency_ms
                  from consultant_metrics where consultant_id = $1";
    let m: Metrics = sqlx::query_as(select)
        .bind(a)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        (
            m.total_leads,
            m.leads_novo,
            m.leads_em_contato,
            m.leads_agendado,
            m.leads_fechado,
            m.leads_perdido
        ),
        (3, 1, 0, 0, 2, 0)
    );
    assert_eq!((m.total_conversations, m.completed_conversations), (3, 2));
    assert_eq!(m.avg_conversation_duration_minutes, dec("45.0000"));
    assert_eq!(m.total_tokens_used, 350);
    assert_eq!(m.avg_ai_latency_ms, dec("1500.0000"));

    let m: Metrics = sqlx::query_as(select)
        .bind(b)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        (m.total_leads, m.total_conversations, m.total_tokens_used),
        (0, 0, 0)
    );
    assert_eq!(m.avg_conversation_duration_minutes, None);

    // Daily stats by São Paulo date.
    let days: Vec<(String, i64, i64, Option<String>)> = sqlx::query_as(
        "select date::text, leads_created, leads_closed, conversion_rate::text
         from daily_lead_stats where consultant_id = $1 order by date",
    )
    .bind(a)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        days,
        vec![
            ("2026-02-28".to_string(), 1, 0, dec("0.00")),
            ("2026-03-01".to_string(), 2, 2, dec("100.00")),
        ]
    );

    // Through the tenant view, A sees exactly its own row.
    let mut tx = tenant_tx(&pool, a).await.unwrap();
    let rows: Vec<(Uuid, i64)> =
        sqlx::query_as("select consultant_id, total_leads from my_consultant_metrics")
            .fetch_all(&mut *tx)
            .await
            .unwrap();
    assert_eq!(rows, vec![(a, 3)]);
    let days: i64 = sqlx::query_scalar("select count(*) from my_daily_lead_stats")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(days, 2);
    tx.rollback().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_slug_folds_accents_and_numbers_collisions() {
    let pool = fresh_db().await;
    let slug = |name: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, String>("select generate_slug($1)")
                .bind(name)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(slug("João Conceição").await, "joao-conceicao");
    assert_eq!(
        slug("  ÂNGELA   Müller -- Seguros! ").await,
        "angela-muller-seguros"
    );
    assert_eq!(slug("???").await, "consultor");
    insert_consultant(&pool, "1@x.com", "João Conceição").await;
    assert_eq!(slug("João Conceição").await, "joao-conceicao-1");
    insert_consultant(&pool, "2@x.com", "João Conceição").await;
    assert_eq!(slug("Joao Conceicao").await, "joao-conceicao-2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_rules_follow_the_seed() {
    let pool = fresh_db().await;
    sqlx::query(
        "insert into webhook_events (event_type, payload, processed, received_at) values
            ('message', '{\"n\": 1}', true,  now() - interval '31 days'),
            ('message', '{\"n\": 2}', false, now() - interval '31 days'),
            ('message', '{\"n\": 3}', true,  now() - interval '29 days')",
    )
    .execute(&pool)
    .await
    .unwrap();
    // Given up after its retries (no next attempt), never replayed: gone after 30 days too.
    sqlx::query(
        "insert into webhook_events (event_type, payload, processed, received_at, next_attempt_at)
         values ('message', '{\"n\": 4}', false, now() - interval '31 days', null)",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into audit_logs (action, ip_address, created_at) values
            ('login', '203.0.113.77', now() - interval '91 days'),
            ('login', '2001:db8:1234:5678::1', now() - interval '91 days'),
            ('login', '203.0.113.78', now() - interval '89 days')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let closed = insert_consultant(&pool, "fechada@x.com", "Conta Fechada").await;
    let recent = insert_consultant(&pool, "recente@x.com", "Fechada Agora").await;
    let active = insert_consultant(&pool, "ativa@x.com", "Conta Ativa").await;
    sqlx::query("alter table consultants disable trigger update_consultants_updated_at")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "update consultants set is_active = (id = $3), updated_at = now() - interval '91 days'
          where id in ($1, $3)",
    )
    .bind(closed)
    .bind(recent)
    .bind(active)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("update consultants set is_active = false where id = $1")
        .bind(recent)
        .execute(&pool)
        .await
        .unwrap();

    // Messages: one from three years ago with the bot's reply (sent a year later), and a
    // recent one. The old one goes to the archive with its reply.
    let conversation: uuid::Uuid = sqlx::query_scalar(
        "with l as (insert into leads (consultant_id, whatsapp_number) values ($1, '+5521999990001') returning id)
         insert into conversations (consultant_id, lead_id, flow_id)
         select $1, l.id, (select id from flows where is_template limit 1) from l returning id",
    )
    .bind(active)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "with old as (insert into messages (consultant_id, conversation_id, direction, content, status, created_at)
                      values ($1, $2, 'inbound', 'antiga', 'delivered', now() - interval '3 years') returning id)
         insert into messages (consultant_id, conversation_id, direction, content, status, reply_to, reply_seq, created_at)
         select $1, $2, 'outbound', 'resposta', 'sent', id, 0, now() - interval '1 year' from old
         union all
         select $1, $2, 'inbound', 'recente', 'delivered', null, null, now() - interval '1 day'",
    )
    .bind(active)
    .bind(conversation)
    .execute(&pool)
    .await
    .unwrap();

    let counts: (i64, i64, i64, i64) = sqlx::query_as("select * from apply_retention()")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(counts, (2, 2, 1, 2));
    let again: (i64, i64, i64, i64) = sqlx::query_as("select * from apply_retention()")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(again, (0, 0, 0, 0), "nothing is done twice");
    let kept: Vec<String> = sqlx::query_scalar("select content from messages order by created_at")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(kept, ["recente"]);
    let archived: Vec<String> =
        sqlx::query_scalar("select content from messages_archive order by created_at")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(archived, ["antiga", "resposta"]);

    let events: Vec<i64> =
        sqlx::query_scalar("select (payload->>'n')::bigint from webhook_events order by 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        events,
        [2, 3],
        "old unprocessed events are kept for inspection"
    );
    let ips: Vec<String> = sqlx::query_scalar(
        "select ip_address::text from audit_logs where action = 'login' order by created_at, ip_address",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        ips,
        ["2001:db8:1234::/48", "203.0.113.0/24", "203.0.113.78/32"]
    );
    let left: Vec<Uuid> = sqlx::query_scalar("select id from consultants order by email")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        left,
        [active, recent],
        "ordered by e-mail: ativa@, recente@"
    );
    let deleted: Vec<Uuid> = sqlx::query_scalar(
        "select resource_id from audit_logs where action = 'data_deleted' and details->>'reason' = 'retention_90_days'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(deleted, [closed]);
}
