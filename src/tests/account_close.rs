//! Closing one's own account: the password again, then the bot, the public page and every
//! session stop at once; everything goes 90 days later.

use super::helpers::{number_for, TestApp};
use super::support::whatsapp::{lead, post, sandbox, LEAD, SECRET};
use consultor::config::Secret;
use consultor::jobs;

const EMAIL: &str = "joana@exemplo.com";
const PASSWORD: &str = "senha-segura-123";

async fn close(app: &TestApp, password: &str, confirm: bool) -> reqwest::Response {
    let csrf = app.csrf_from("/configuracoes").await;
    let mut form = vec![("csrf", csrf.as_str()), ("password", password)];
    if confirm {
        form.push(("confirmar", "sim"));
    }
    app.post_plain_form("/configuracoes/encerrar", "/configuracoes", &form)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_account_stops_at_once_and_goes_after_ninety_days() {
    let app = TestApp::spawn_with(|c| {
        c.whatsapp_app_secret = Some(Secret::new(SECRET));
        c.webhook_workers = 0;
        c.sender_enabled = false;
        c.scheduler_enabled = false;
    })
    .await;
    assert_eq!(
        app.signup("Joana Lima", EMAIL, PASSWORD).await.status(),
        200
    );
    let slug: String = sqlx::query_scalar("select slug from consultants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(app.get(&format!("/c/{slug}")).await.status(), 200);
    let second_browser = app.other_browser();
    assert_eq!(second_browser.login(EMAIL, PASSWORD).await.status(), 200);

    // A wrong password, or no confirmation: nothing happens, and the page says why.
    let res = close(&app, "errada-demais", true).await;
    assert_eq!(res.headers()["location"], "/configuracoes#encerrar");
    assert!(app
        .get_html("/configuracoes")
        .await
        .contains("Senha incorreta."));
    close(&app, PASSWORD, false).await;
    assert!(app
        .get_html("/configuracoes")
        .await
        .contains("Marque a confirmação para encerrar a conta."));
    assert_eq!(
        app.count("select count(*) from consultants where is_active")
            .await,
        1
    );

    let res = close(&app, PASSWORD, true).await;
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/conta-encerrada?ate="), "{to}");
    let page = app.get_html(&to).await;
    assert!(page.contains("Sua conta foi encerrada"), "{page}");
    let expected = (chrono::Utc::now() + chrono::Duration::days(90))
        .with_timezone(&chrono_tz::America::Sao_Paulo)
        .format("%d/%m/%Y")
        .to_string();
    assert!(
        page.contains(&expected),
        "the deletion date is said: {page}"
    );
    assert_eq!(
        app.count("select count(*) from audit_logs where action = 'account_closed'")
            .await,
        1
    );

    // At once: the public page, every session, a new login and the bot.
    assert_eq!(app.get(&format!("/c/{slug}")).await.status(), 404);
    assert_ne!(second_browser.get("/configuracoes").await.status(), 200);
    assert_ne!(app.login(EMAIL, PASSWORD).await.status(), 200);
    let display = app::domain::phone::whatsapp_canonical(&number_for(EMAIL));
    let payload = lead(LEAD)
        .named("Lead")
        .to("1065", display.trim_start_matches('+'))
        .text("wamid.fechada", "Oi");
    assert_eq!(post(&app, &payload).await, 200);
    jobs::run_once(&app.pool, &sandbox()).await.unwrap();
    assert_eq!(app.count("select count(*) from leads").await, 0);

    // Ninety days later the retention job deletes the account.
    sqlx::query("alter table consultants disable trigger update_consultants_updated_at")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("update consultants set updated_at = now() - interval '91 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("select * from apply_retention()")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(app.count("select count(*) from consultants").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_on_the_close_form_are_counted_like_logins() {
    // Default limits: five wrong passwords per account and address (or known device).
    let app = TestApp::spawn().await;
    assert_eq!(
        app.signup("Joana Lima", EMAIL, PASSWORD).await.status(),
        200
    );
    for i in 0..5 {
        let res = close(&app, &format!("chute-{i}"), true).await;
        assert_eq!(res.headers()["location"], "/configuracoes#encerrar");
        let page = app.get_html("/configuracoes").await;
        assert!(page.contains("Senha incorreta."), "guess {i}");
    }
    // The sixth guess, and even the right password, wait out the window.
    for password in ["chute-5", PASSWORD] {
        let res = close(&app, password, true).await;
        assert_eq!(res.headers()["location"], "/configuracoes#encerrar");
        let page = app.get_html("/configuracoes").await;
        assert!(
            page.contains("Muitas tentativas de senha. Aguarde 15 minutos e tente de novo."),
            "{password}: {page}"
        );
        assert!(!page.contains("Senha incorreta."));
    }
    assert_eq!(
        app.count("select count(*) from consultants where is_active")
            .await,
        1
    );
    assert_eq!(
        app.count("select count(*) from login_attempts where succeeded is not true")
            .await,
        5,
        "only the checked guesses are recorded"
    );
    assert_eq!(
        app.count("select count(*) from audit_logs where action = 'password_check_failed'")
            .await,
        5
    );
}
