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
