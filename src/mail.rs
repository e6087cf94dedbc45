//! E-mail out of the server (`app::server::mail::Mailer`): through an SMTP server with
//! `lettre` when `SMTP_URL` is set, else written to the server log (development: the reset
//! page says where to find it).

use crate::config::{Config, Secret};
use app::server::mail::{Email, Mailer};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The mailer the configuration asks for.
pub fn from_config(config: &Config) -> anyhow::Result<Arc<dyn Mailer>> {
    let from: Mailbox = config
        .mail_from
        .parse()
        .map_err(|e| anyhow::anyhow!("MAIL_FROM is not an address: {e}"))?;
    Ok(match &config.smtp_url {
        Some(url) => Arc::new(Smtp::new(url, from)?),
        None => Arc::new(Log { from }),
    })
}

/// Through an SMTP server.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    pub fn new(url: &Secret, from: Mailbox) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| anyhow::anyhow!("SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Self { transport, from })
    }
}

fn message(from: &Mailbox, email: &Email) -> Result<Message, String> {
    let to: Mailbox = email.to.parse().map_err(|e| format!("destinatário: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&email.subject)
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(email.text.clone())
        .map_err(|e| e.to_string())
}

impl Mailer for Smtp {
    fn send<'a>(
        &'a self,
        email: &'a Email,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            let message = message(&self.from, email)?;
            self.transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    }

    fn delivers(&self) -> bool {
        true
    }
}

/// Into the server log: for development without an SMTP server.
pub struct Log {
    from: Mailbox,
}

impl Mailer for Log {
    fn send<'a>(
        &'a self,
        email: &'a Email,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            // Checked as the SMTP path would, so that a bad address shows here too.
            message(&self.from, email)?;
            tracing::info!(
                to = %email.to,
                subject = %email.subject,
                "e-mail not sent (SMTP_URL is not set); its text follows:\n{}",
                email.text
            );
            Ok(())
        })
    }

    fn delivers(&self) -> bool {
        false
    }
}
