//! Plan limits, the one-time reminder, and replaying failed events.

use super::helpers::TestApp;
use super::support::whatsapp::{
    app_with_workers, lead, only_event_outcome, post, replies, sandbox, send,
};
use consultor::jobs::{self, reminders};
use serde_json::Value;
use std::time::Duration;

async fn app(workers: usize) -> TestApp {
    app_with_workers(workers).await
}

fn hi(from: &str, id: &str) -> Value {
    lead(from).text(id, "Oi")
}

/// `n` leads already created this month.
async fn existing_leads(app: &TestApp, n: i64) {
    sqlx::query(
        "insert into leads (consultant_id, whatsapp_number)
         select c.id, '+55119' || lpad(g::text, 8, '0') from consultants c, generate_series(1, $1) g",
    )
    .bind(n)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_free_limit_the_lead_is_kept_flagged_and_told_the_consultant_will_call() {
    let app = app(2).await;
    existing_leads(&app, 19).await;
    send(&app, hi("5521999990020", "wamid.20")).await; // the 20th: still inside the free plan
    send(&app, hi("5521999990021", "wamid.21")).await; // the 21st: over it
    let rows: Vec<(String, Value)> = sqlx::query_as(
        "select whatsapp_number, metadata from leads where whatsapp_number like '+552199999%' order by whatsapp_number",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2, "both leads are stored");
    assert_eq!(rows[0].1.get("over_limit"), None);
    assert_eq!(rows[1].1["over_limit"], true);
    let all = replies(&app).await;
    assert_eq!(
        all[0],
        "Olá! Sou o assistente virtual. Para começar, qual é o seu nome?"
    );
    assert_eq!(
        all[1],
        "Obrigado pelo contato! Joana vai falar com você pessoalmente em breve por aqui."
    );
    // The flow does not run for that lead afterwards.
    send(&app, lead("5521999990021").text("wamid.21b", "Maria")).await;
    assert_eq!(replies(&app).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_tiers_have_higher_limits_until_they_expire() {
    let app = app(2).await;
    existing_leads(&app, 25).await;
    sqlx::query("update consultants set subscription_tier = 'pro', subscription_expires_at = now() + interval '10 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    send(&app, hi("5521999990001", "wamid.1")).await;
    sqlx::query("update consultants set subscription_expires_at = now() - interval '1 day'")
        .execute(&app.pool)
        .await
        .unwrap();
    send(&app, hi("5521999990002", "wamid.2")).await;
    let flags: Vec<Option<bool>> = sqlx::query_scalar(
        "select (metadata->>'over_limit')::boolean from leads where whatsapp_number like '+552199999%' order by whatsapp_number",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        flags,
        [None, Some(true)],
        "pro allows 200; expired pro counts as free (20)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_lead_gets_one_reminder_only_inside_the_window() {
    let app = app(2).await;
    send(&app, hi("5521999990001", "wamid.1")).await;
    send(&app, hi("5521999990002", "wamid.2")).await;
    let delay = Duration::from_secs(2 * 3600);
    assert_eq!(
        reminders::queue_due(&app.pool, delay).await.unwrap(),
        0,
        "nobody is quiet yet"
    );

    // Lead 1 went quiet 3 hours ago; lead 2's last message is 25 hours old (window closed).
    sqlx::query(
        "update conversations c
            set state = jsonb_set(state, '{asked_at}', to_jsonb(now() - interval '3 hours')),
                last_inbound_at = now() - case when l.whatsapp_number = '+5521999990001'
                                               then interval '3 hours' else interval '25 hours' end
           from leads l where l.id = c.lead_id",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(reminders::queue_due(&app.pool, delay).await.unwrap(), 1);
    assert_eq!(
        reminders::queue_due(&app.pool, delay).await.unwrap(),
        0,
        "never twice"
    );
    jobs::send_pending(&app.pool, &sandbox().transport)
        .await
        .unwrap();
    let reminder: (String, String) = sqlx::query_as(
        "select l.whatsapp_number, m.status from messages m
           join conversations c on c.id = m.conversation_id join leads l on l.id = c.lead_id
          where m.content = $1",
    )
    .bind(reminders::REMINDER_TEXT)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(reminder, ("+5521999990001".into(), "sent".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_puts_failed_events_back_and_processes_them() {
    let app = app(0).await;
    // The database refuses new leads until an operator fixes it.
    sqlx::raw_sql(
        "create function refuse() returns trigger language plpgsql as
             $$ begin raise exception 'banco indisponível'; end $$;
         create trigger refuse before insert on leads execute function refuse();",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(post(&app, &hi("5521999990001", "wamid.1")).await, 200);
    for _ in 0..jobs::MAX_ATTEMPTS {
        sqlx::query(
            "update webhook_events set next_attempt_at = now() where next_attempt_at is not null",
        )
        .execute(&app.pool)
        .await
        .unwrap();
        jobs::run_once(&app.pool, &sandbox()).await.unwrap();
    }
    let given_up: bool =
        sqlx::query_scalar("select next_attempt_at is null and not processed from webhook_events")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(given_up);

    sqlx::query("drop trigger refuse on leads")
        .execute(&app.pool)
        .await
        .unwrap();
    let (reset, processed) = jobs::replay(&app.pool, &sandbox(), None).await.unwrap();
    assert_eq!((reset, processed), (1, 1));
    assert_eq!(replies(&app).await.len(), 1);
    let (processed, error) = only_event_outcome(&app).await;
    assert!(processed);
    assert_eq!(error, None);
}
