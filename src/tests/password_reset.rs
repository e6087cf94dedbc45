//! "Esqueci minha senha" against a real SMTP listener on loopback: the link arrives by
//! e-mail, works once and for 30 minutes, ends every session of the account; the page answers
//! the same for an e-mail without an account (and nothing is sent); requests are throttled.

use super::helpers::{insert_consultant, sign_in_inserted, TestApp};
use super::support::wait_until;
use consultor::config::Secret;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const EMAIL: &str = "joana@exemplo.com";

/// Every message an SMTP client hands over (the DATA part), in order.
pub type Inbox = Arc<Mutex<Vec<String>>>;

/// A minimal SMTP server on loopback: accepts any sender and recipient, keeps each message.
pub async fn smtp_listener() -> (String, Inbox) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 localhost ESMTP teste\r\n").await.ok();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            kept.lock().unwrap().push(std::mem::take(body));
                            data = None;
                            write.write_all(b"250 2.0.0 guardada\r\n").await.ok();
                        } else {
                            body.push_str(line.strip_prefix('.').unwrap_or(&line));
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-localhost\r\n250 8BITMIME\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 pode mandar\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 tchau\r\n").await.ok();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(answer).await.ok();
                }
            });
        }
    });
    (url, inbox)
}

async fn app_with_smtp() -> (TestApp, Inbox) {
    let (url, inbox) = smtp_listener().await;
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(Secret::new(url))).await;
    insert_consultant(&app.pool, EMAIL, "Joana Prado").await;
    (app, inbox)
}

async fn ask_for_link(app: &TestApp, email: &str) -> (u16, String) {
    let csrf = app.csrf_from("/esqueci-senha").await;
    let res = app
        .post_form("/api/esqueci-senha", &[("csrf", &csrf), ("email", email)])
        .await;
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Waits until every link the server made has been delivered (one e-mail per link, sent
/// after the answer); returns how many e-mails arrived.
async fn all_mail_delivered(app: &TestApp, inbox: &Inbox) -> usize {
    wait_until("every link's e-mail", Duration::from_secs(10), || async {
        let links = app
            .count("select count(*) from password_resets where token_hash is not null")
            .await;
        inbox.lock().unwrap().len() as i64 >= links
    })
    .await;
    inbox.lock().unwrap().len()
}

/// Waits for the `n`th message (from 1) and returns the link in it.
async fn link_in_message(inbox: &Inbox, n: usize) -> String {
    wait_until("the e-mail", Duration::from_secs(10), || async {
        inbox.lock().unwrap().len() >= n
    })
    .await;
    let m = inbox.lock().unwrap()[n - 1].clone();
    // Quoted-printable may fold long lines with `=` at their end.
    let text = m.replace("=\n", "").replace("=3D", "=");
    let start = text
        .find("/redefinir-senha?t=")
        .expect("a link in the e-mail");
    let token: String = text[start + 19..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    format!("/redefinir-senha?t={token}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_replaced_through_a_single_use_link() {
    let (app, inbox) = app_with_smtp().await;
    // A session open elsewhere (the laptop left signed in).
    let laptop = app.other_browser();
    sign_in_inserted(&laptop, EMAIL).await;
    assert_eq!(laptop.get("/painel").await.status(), 200);

    let (status, said) = ask_for_link(&app, EMAIL).await;
    assert_eq!(status, 200, "{said}");
    assert!(
        said.contains("Se houver uma conta com este e-mail"),
        "{said}"
    );
    let link = link_in_message(&inbox, 1).await;
    let message = inbox.lock().unwrap()[0].clone();
    assert!(message.contains("To: joana@exemplo.com"), "{message}");
    assert!(message.contains("Joana"));
    // Only the hash is kept.
    let token = link.rsplit('=').next().unwrap().to_string();
    assert_eq!(
        app.count(&format!(
            "select count(*) from password_resets where encode(token_hash, 'hex') = '{token}'"
        ))
        .await,
        0
    );

    let html = app.get_html(&link).await;
    assert!(html.contains("Criar uma nova senha"), "{html}");
    let csrf = app.csrf_from(&link).await;
    // A password too short is refused at its field; the link still works.
    let res = app
        .post_form(
            "/api/redefinir-senha",
            &[("csrf", &csrf), ("token", &token), ("password", "curta")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("pelo menos 8 caracteres"));
    let res = app
        .post_form(
            "/api/redefinir-senha",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", "nova senha bem longa"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    // The laptop's session is over; the new password works, the old one does not.
    assert_eq!(laptop.get("/painel").await.status(), 302);
    let res = app.login(EMAIL, "uma senha bem longa 123").await;
    assert_eq!(res.status(), 422);
    let res = app.login(EMAIL, "nova senha bem longa").await;
    assert_eq!(res.status(), 200);

    // Used once: the link is dead, on the page and at the server.
    let other = app.other_browser();
    assert!(other.get_html(&link).await.contains("não vale mais"));
    let csrf = other.csrf_from("/esqueci-senha").await;
    let res = other
        .post_form(
            "/api/redefinir-senha",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", "outra senha qualquer"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("não vale mais"));
    assert_eq!(
        app.count("select count(*) from audit_logs where action = 'password_reset'")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answer_is_the_same_without_an_account_and_requests_are_throttled() {
    let (app, inbox) = app_with_smtp().await;
    let (status, nobody) = ask_for_link(&app, "ninguem@exemplo.com").await;
    assert_eq!(status, 200);
    let (_, somebody) = ask_for_link(&app, EMAIL).await;
    assert_eq!(nobody, somebody, "the same words either way");
    link_in_message(&inbox, 1).await;
    assert_eq!(
        all_mail_delivered(&app, &inbox).await,
        1,
        "nothing sent for the stranger"
    );

    // Three links an hour to one address, whatever is asked after that.
    for _ in 0..3 {
        let (status, said) = ask_for_link(&app, EMAIL).await;
        assert_eq!(status, 200);
        assert_eq!(said, somebody);
    }
    assert_eq!(all_mail_delivered(&app, &inbox).await, 3);
    // Ten requests an hour from one network.
    for _ in 0..5 {
        ask_for_link(&app, "outro@exemplo.com").await;
    }
    let (status, said) = ask_for_link(&app, "mais-um@exemplo.com").await;
    assert_eq!(status, 429, "{said}");
    assert!(said.contains("Muitos pedidos"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_link_does_not_work() {
    let (app, inbox) = app_with_smtp().await;
    ask_for_link(&app, EMAIL).await;
    let link = link_in_message(&inbox, 1).await;
    sqlx::query("update password_resets set expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(app.get_html(&link).await.contains("não vale mais"));
}
