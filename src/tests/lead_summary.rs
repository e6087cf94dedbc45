//! The summary at the top of a lead's page (issue #19): written once when the flow ends, by
//! the AI provider outside any transaction, behind the compliance gate, with the built-in
//! writer as the fallback, and again when the answers change.

use super::ai_answers::{fake_ai, qualify};
use super::helpers::sign_in_inserted;
use super::support::whatsapp::{app_with_workers_and, without_jobs};
use chrono::Utc;
use consultor::ai::{AiProvider, OpenAiCompatible};
use consultor::jobs::summaries;
use std::sync::atomic::Ordering;
use std::time::Duration;
use uuid::Uuid;

fn provider(url: &str) -> AiProvider {
    AiProvider::OpenAi(OpenAiCompatible {
        base_url: url.to_string(),
        api_key: None,
        model: "fake-model".into(),
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    })
}

async fn summary_of(pool: &sqlx::PgPool) -> (Uuid, Option<String>, Option<String>, bool) {
    sqlx::query_as("select id, summary, summary_source, summary_due_at is not null from leads")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_sums_up_a_finished_flow_once_and_the_page_shows_it() {
    let app = app_with_workers_and(1, without_jobs).await;
    let (url, ai) = fake_ai(
        200,
        "Família em Campinas, titular de 31 a 45 anos, aceita coparticipação.",
    )
    .await;
    qualify(&app, "5521999990001").await;
    let (lead, summary, _, due) = summary_of(&app.pool).await;
    assert_eq!((summary, due), (None, true), "due once the flow ended");

    assert_eq!(
        summaries::run(&app.pool, &provider(&url), Utc::now())
            .await
            .unwrap(),
        1
    );
    let (_, summary, source, due) = summary_of(&app.pool).await;
    assert_eq!(
        summary.as_deref(),
        Some("Família em Campinas, titular de 31 a 45 anos, aceita coparticipação.")
    );
    assert_eq!((source.as_deref(), due), (Some("ia"), false));
    // Only the answers went out: no name, no number.
    let sent = ai.last_request.lock().unwrap().clone().unwrap().to_string();
    assert!(
        sent.contains("Família") && !sent.contains("Maria") && !sent.contains("5521"),
        "{sent}"
    );
    // Written once: nothing is due any more.
    assert_eq!(
        summaries::run(&app.pool, &provider(&url), Utc::now())
            .await
            .unwrap(),
        0
    );
    assert_eq!(ai.hits.load(Ordering::SeqCst), 1);

    sign_in_inserted(&app, "joana@exemplo.com").await;
    let page = app
        .get_html(&format!("/leads/{lead}"))
        .await
        .replace("<!>", "");
    assert!(
        page.contains("Família em Campinas, titular de 31 a 45 anos, aceita coparticipação."),
        "{page}"
    );
    assert!(
        page.contains("Escrito pela IA a partir das respostas, em "),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_or_non_compliant_provider_falls_back_to_the_built_in_summary() {
    for (status, text) in [
        (500, "erro"),
        (200, "Família, plano sem carência e preço garantido."),
    ] {
        let app = app_with_workers_and(1, without_jobs).await;
        let (url, _ai) = fake_ai(status, text).await;
        qualify(&app, "5521999990001").await;
        assert_eq!(
            summaries::run(&app.pool, &provider(&url), Utc::now())
                .await
                .unwrap(),
            1
        );
        let (_, summary, source, _) = summary_of(&app.pool).await;
        let summary = summary.unwrap();
        assert!(
            summary.starts_with("Plano para família, idade do titular entre 31 e 45 anos"),
            "{status}: {summary}"
        );
        assert!(summary.ends_with("e cidade Campinas."), "{summary}");
        assert_eq!(source.as_deref(), Some("respostas"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_transaction_waits_on_the_provider_and_changed_answers_are_summed_up_again() {
    let app = app_with_workers_and(1, without_jobs).await;
    let (url, ai) = fake_ai(200, "Resumo das respostas antigas.").await;
    *ai.delay.lock().unwrap() = Duration::from_millis(1500);
    qualify(&app, "5521999990001").await;
    let (lead, ..) = summary_of(&app.pool).await;

    let pool = app.pool.clone();
    let p = provider(&url);
    let pass = tokio::spawn(async move { summaries::run(&pool, &p, Utc::now()).await.unwrap() });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        ai.hits.load(Ordering::SeqCst),
        1,
        "the provider is being asked"
    );
    // While it is, the lead's row is free: the consultant corrects an answer at once.
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("set local lock_timeout = '200ms'")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "update leads set respostas = respostas || '{\"cidade\": \"Santos\"}' where id = $1",
    )
    .bind(lead)
    .execute(&mut *tx)
    .await
    .expect("no lock held across the provider call");
    tx.commit().await.unwrap();
    // The summary of the old answers is not stored; the lead stays due.
    assert_eq!(pass.await.unwrap(), 0);
    let (_, summary, _, due) = summary_of(&app.pool).await;
    assert_eq!((summary, due), (None, true));

    // After the lease it is written from the new answers.
    *ai.delay.lock().unwrap() = Duration::ZERO;
    *ai.reply.lock().unwrap() = (200, "Família em Santos.".into());
    let later = Utc::now() + chrono::Duration::minutes(6);
    assert_eq!(
        summaries::run(&app.pool, &provider(&url), later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        summary_of(&app.pool).await.1.as_deref(),
        Some("Família em Santos.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_a_lead_without_a_summary_shows_one_from_the_answers_and_asks_for_it() {
    let app = app_with_workers_and(1, without_jobs).await;
    qualify(&app, "5521999990001").await;
    let (lead, ..) = summary_of(&app.pool).await;
    sqlx::query("update leads set summary_due_at = null")
        .execute(&app.pool)
        .await
        .unwrap();

    sign_in_inserted(&app, "joana@exemplo.com").await;
    let page = app
        .get_html(&format!("/leads/{lead}"))
        .await
        .replace("<!>", "");
    assert!(
        page.contains("Plano para família, idade do titular entre 31 e 45 anos"),
        "{page}"
    );
    assert!(
        page.contains("Montado agora a partir das respostas"),
        "{page}"
    );
    assert!(
        summary_of(&app.pool).await.3,
        "opening it asked the job for one"
    );
    assert_eq!(
        summaries::run(&app.pool, &AiProvider::BuiltIn, Utc::now())
            .await
            .unwrap(),
        1
    );
    let page = app
        .get_html(&format!("/leads/{lead}"))
        .await
        .replace("<!>", "");
    assert!(
        page.contains("Montado a partir das respostas, em "),
        "{page}"
    );
}
