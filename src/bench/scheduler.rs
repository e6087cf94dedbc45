//! The scheduler's pass at scale, on this machine against a real PostgreSQL:
//! `BENCH_LEADS` leads (1,000,000 by default) over `BENCH_CONSULTANTS` consultants, each with
//! an approved template and a follow-up rule ("novo, 24 h without an answer"), of which
//! `BENCH_DUE` (100,000) went quiet 25 to 30 hours ago and are due.
//!
//! 1. baseline: PostgreSQL's own time for the same selection (the rule pass's lateral
//!    select, counted, with nothing written);
//! 2. the rules: `jobs::scheduler::create_follow_ups`, the same selection writing a row each;
//! 3. the due rows: `jobs::scheduler::run`, deciding and queueing each one for the sender in
//!    batches (a message row each), as a server does every minute;
//! 4. a pass with nothing new (the cost of a minute with nothing due).
//!
//! Each time is printed beside the baseline as a ratio. Run with `make bench-scheduler`.

#[path = "scratch_db.rs"]
mod scratch_db;

use chrono::Utc;
use consultor::jobs::scheduler;

use sqlx::PgPool;
use std::time::Instant;

fn env_num(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Every consultant with a template, a rule and their leads; one lead in `leads / due` quiet
/// for 25 to 30 hours (with a conversation to be written in), the others active an hour ago
/// or quiet for weeks.
async fn load(pool: &PgPool, consultants: i64, leads: i64, due: i64) {
    let per = leads / consultants;
    let every = (leads / due).max(1);
    let steps = [
        format!(
            "insert into consultants (email, password_hash, name, whatsapp_number, vertical, slug, subscription_tier)
             select 'c' || n || '@bench.test', 'x', 'Consultor ' || n, '+5511' || lpad(n::text, 9, '0'),
                    'health_plans', 'bench-' || n, 'agency'
               from generate_series(1, {consultants}) n"
        ),
        "insert into message_templates (consultant_id, name, category, body, variables, status)
         select id, 'retomar', 'marketing', 'Olá {{1}}, podemos retomar a conversa?',
                '[{\"source\": \"first_name\", \"example\": \"Ana\"}]', 'aprovado'
           from consultants"
            .into(),
        "insert into follow_up_rules (consultant_id, stage, after_hours, template_id)
         select consultant_id, 'novo', 24, id from message_templates"
            .into(),
        format!(
            "insert into leads (consultant_id, whatsapp_number, name, status, last_interaction_at,
                                last_inbound_at, created_at)
             select c.id, '+55219' || lpad(((c.n - 1) * {per} + g)::text, 8, '0'), 'Lead ' || g, 'novo',
                    t.at, t.at, t.at - interval '1 hour'
               from (select id, row_number() over (order by id) as n from consultants) c,
                    generate_series(1, {per}) g,
                    lateral (select case
                        when ((c.n - 1) * {per} + g) % {every} = 0
                            then now() - make_interval(hours => 25, mins => (g % 300))
                        when g % 2 = 0 then now() - interval '1 hour'
                        else now() - interval '20 days' end as at) t"
        ),
        "insert into conversations (lead_id, consultant_id, flow_id, state, is_completed)
         select l.id, l.consultant_id, f.id, '{}', true
           from leads l, (select id from flows where is_template and vertical = 'health_plans' limit 1) f
          where l.last_interaction_at between now() - interval '31 hours' and now() - interval '24 hours'"
            .into(),
        "vacuum analyze".into(),
    ];
    for sql in steps {
        sqlx::raw_sql(&sql)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// The rule pass's selection alone, counted: what PostgreSQL takes to find the due leads.
async fn baseline(pool: &PgPool) -> (u128, i64) {
    let started = Instant::now();
    let n: i64 = sqlx::query_scalar(
        "select count(*)
           from follow_up_rules r
           join message_templates t on t.id = r.template_id and t.status = 'aprovado'
           cross join lateral (
               select l.id from leads l
                where l.consultant_id = r.consultant_id and l.status = r.stage
                  and l.opted_out_at is null
                  and l.last_interaction_at <= now() - make_interval(hours => r.after_hours)
                  and l.last_interaction_at > now() - make_interval(hours => r.after_hours + 72)
                  and coalesce(l.stage_changed_at, l.created_at) <= now() - make_interval(hours => r.after_hours)
                order by l.last_interaction_at
                limit 5000) q",
    )
    .fetch_one(pool)
    .await
    .expect("baseline");
    (started.elapsed().as_millis(), n)
}

#[tokio::main]
async fn main() {
    let admin = std::env::var("BENCH_DATABASE_URL")
        .expect("set BENCH_DATABASE_URL (make bench-scheduler does)");
    let consultants = env_num("BENCH_CONSULTANTS", 2_000);
    let leads = env_num("BENCH_LEADS", 1_000_000);
    let due = env_num("BENCH_DUE", 100_000);
    let (pool, name) = scratch_db::create(&admin, "scheduler", 4).await;
    let started = Instant::now();
    load(&pool, consultants, leads, due).await;
    println!(
        "scheduler: {leads} leads, {consultants} consultants, {due} due; loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // No quiet hours: the pass queues every due follow-up whatever the hour it runs at.
    sqlx::query("update consultants set quiet_start = 0, quiet_end = 0")
        .execute(&pool)
        .await
        .unwrap();
    let (base_ms, found) = baseline(&pool).await;
    println!("baseline  PostgreSQL's own selection: {found} due leads in {base_ms} ms");
    let now = Utc::now();
    let started = Instant::now();
    let created = scheduler::create_follow_ups(&pool, now)
        .await
        .expect("rules");
    let create_ms = started.elapsed().as_millis();
    println!(
        "rules     created {created} follow-ups in {create_ms} ms: {:.1}x the baseline",
        create_ms as f64 / base_ms.max(1) as f64
    );
    let started = Instant::now();
    let pass = scheduler::run(&pool, now).await.expect("pass");
    let pass_ms = started.elapsed().as_millis();
    println!(
        "due       queued {} messages ({} postponed, {} skipped) in {pass_ms} ms: {:.0} a second, each decided and written with its message in a batch's transaction",
        pass.queued,
        pass.postponed,
        pass.skipped,
        pass.queued as f64 / (pass_ms.max(1) as f64 / 1000.0)
    );
    assert_eq!(created as i64, found, "every due lead got its follow-up");
    assert_eq!(pass.created, 0, "nothing new the second time round");
    assert_eq!(pass.queued as i64, found, "and each was queued once");
    let started = Instant::now();
    let again = scheduler::run(&pool, Utc::now())
        .await
        .expect("second pass");
    let again_ms = started.elapsed().as_millis();
    println!(
        "again     a pass with nothing new: {again_ms} ms ({:.1}x the baseline), created {}, queued {}",
        again_ms as f64 / base_ms.max(1) as f64,
        again.created,
        again.queued
    );
    assert_eq!((again.created, again.queued), (0, 0));
    let queued: i64 =
        sqlx::query_scalar("select count(*) from messages where message_type = 'template'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(queued, found, "one message per follow-up");
    pool.close().await;
    scratch_db::drop(&admin, &name).await;
}
