//! The server's log never holds a phone number, an e-mail or what a lead wrote: the real
//! binary, with the log filter it runs with in production, through a sign-up, a login and a
//! whole WhatsApp conversation, and its output searched.

use super::helpers::{fresh_db_with_url, hidden_csrf};
use super::support::wait_until;
use super::support::whatsapp::{lead, post_to, SECRET};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

const EMAIL: &str = "registro.sigiloso@exemplo.com";
const PASSWORD: &str = "senha-muito-sigilosa-99";
const CONSULTANT: &str = "(11) 97777-3141";
const LEAD: &str = "5521987659999";
const LEAD_NAME: &str = "Zuleica Registro";
const SECRET_TEXT: &str = "Texto sigiloso 7781";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_holds_no_number_email_or_message_text() {
    let (pool, url) = fresh_db_with_url().await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut server = Command::new(env!("CARGO_BIN_EXE_consultor"))
        .arg("serve")
        .env_remove("RUST_LOG")
        .env("DATABASE_URL", &url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("WHATSAPP_APP_SECRET", SECRET)
        .env("LEPTOS_OUTPUT_NAME", "consultor")
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("METRICS_REFRESH_SECS", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the server");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    wait_until("the server started", Duration::from_secs(60), || async {
        client.get(format!("{base}/healthz")).send().await.is_ok()
    })
    .await;

    // Sign-up (a failed one first: its error must not echo the input), then a login.
    let csrf = |html: String| hidden_csrf(&html).expect("csrf");
    let page = client.get(format!("{base}/cadastro")).send().await.unwrap();
    let token = csrf(page.text().await.unwrap());
    let form = |password: &str| {
        vec![
            ("csrf", token.clone()),
            ("name", "Rita Sigilo".to_string()),
            ("email", EMAIL.to_string()),
            ("password", password.to_string()),
            ("whatsapp", CONSULTANT.to_string()),
            ("vertical", "health_plans".to_string()),
        ]
    };
    client
        .post(format!("{base}/api/cadastro"))
        .form(&form("curta"))
        .send()
        .await
        .unwrap();
    let res = client
        .post(format!("{base}/api/cadastro"))
        .form(&form(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    client.post(format!("{base}/api/sair")).send().await.ok();
    let other = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let token = csrf(
        other
            .get(format!("{base}/entrar"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    for password in ["errada-de-proposito", PASSWORD] {
        other
            .post(format!("{base}/api/entrar"))
            .form(&[
                ("csrf", token.as_str()),
                ("email", EMAIL),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
    }

    // A whole conversation, to completion and the AI answer, then a reply of the consultant.
    let bodies = ["Oi", LEAD_NAME, "2", "2", "1", SECRET_TEXT, "SAIR"];
    for (n, body) in bodies.iter().enumerate() {
        let payload = lead(LEAD)
            .named(LEAD_NAME)
            .to("1065", "5511977773141")
            .text(&format!("wamid.log.{n}"), body)
            .to_string();
        assert_eq!(post_to(&client, &base, payload.as_bytes()).await, 200);
        // One at a time, as a person writes.
        wait_until(
            "the conversation going on",
            Duration::from_secs(15),
            || async {
                sqlx::query_scalar::<_, i64>(
                    "select (select count(*) from webhook_events where not processed)
                      + (select count(*) from messages where status = 'pending')",
                )
                .fetch_one(&pool)
                .await
                .unwrap()
                    == 0
            },
        )
        .await;
    }
    let answered: i64 = sqlx::query_scalar("select count(*) from ai_responses")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(answered, 1, "the conversation went all the way");

    server.kill().ok();
    let mut log = String::new();
    server
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    server.wait().ok();
    assert!(
        log.contains("INFO") || log.contains("WARN"),
        "the log was captured: {log}"
    );
    for needle in [
        EMAIL,
        "registro.sigiloso",
        PASSWORD,
        "977773141",
        "97777-3141",
        LEAD,
        "21987659999",
        "Zuleica",
        SECRET_TEXT,
        "sigiloso 7781",
    ] {
        assert!(!log.contains(needle), "{needle:?} is in the log:\n{log}");
    }
}
