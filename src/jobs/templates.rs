//! Submits the templates consultants wrote to Meta, on each one's connected business account
//! (`POST /{waba_id}/message_templates`), with no transaction open across the call:
//!
//! 1. claim: one short statement stamps `submit_claimed_at` on waiting templates (a lease:
//!    a job that dies leaves them to another after `LEASE`), and commits;
//! 2. submit: each one is posted, outside any transaction;
//! 3. record: Meta's answer is written: its id and `em_analise` (or `aprovado`, when Meta
//!    approves at once), or the refusal in words (`erro`).
//!
//! A call whose answer never came back stays claimed until the lease ends, then is posted
//! again: if Meta had created it, it answers that the name exists, which is recorded as the
//! error; the review's webhook still finds it by name (see `intake::templates`).
//! Without Meta (the sandbox) a waiting template is approved at once.

use super::Transport;
use crate::config::Secret;
use crate::whatsapp::SendError;
use app::server::templates::{draft_of, SANDBOX_APPROVAL};
use serde_json::json;
use sqlx::PgPool;

/// How long a claimed submission waits before another job may post it again.
const LEASE_SECONDS: f64 = 300.0;

pub async fn submit_templates(pool: &PgPool, transport: &Transport) -> Result<usize, sqlx::Error> {
    let client = match transport {
        Transport::Sandbox => {
            sqlx::query!(
                "update message_templates set status = 'aprovado', status_reason = $1
                  where status = 'enviando'",
                SANDBOX_APPROVAL
            )
            .execute(pool)
            .await?;
            return Ok(0);
        }
        Transport::Graph(client) => client,
    };
    // A consultant who disconnected the number before the submission: said in words.
    sqlx::query!(
        "update message_templates t
            set status = 'erro',
                status_reason = 'O número do WhatsApp foi desconectado antes do envio para a Meta. Conecte-o e envie de novo.'
          where t.status = 'enviando'
            and not exists (select 1 from whatsapp_connections w where w.consultant_id = t.consultant_id)"
    )
    .execute(pool)
    .await?;
    let claimed = sqlx::query!(
        r#"update message_templates t set submit_claimed_at = now()
             from whatsapp_connections w
            where w.consultant_id = t.consultant_id
              and t.id in (select id from message_templates
                            where status = 'enviando'
                              and (submit_claimed_at is null
                                   or submit_claimed_at < now() - make_interval(secs => $1))
                            order by created_at
                            limit 20
                              for update skip locked)
        returning t.id, t.name, t.language, t.category, t.header_text, t.header_variable,
                  t.body, t.footer_text, t.buttons, t.variables, w.waba_id, w.access_token"#,
        LEASE_SECONDS
    )
    .fetch_all(pool)
    .await?;
    let count = claimed.len();
    for t in claimed {
        let draft = draft_of(
            t.name,
            &t.category,
            t.header_text,
            t.header_variable,
            t.body,
            t.footer_text,
            t.buttons,
            t.variables,
        );
        let body = json!({
            "name": draft.name,
            "language": t.language,
            "category": draft.category.meta(),
            "components": draft.meta_components(),
        });
        let token = Secret::new(t.access_token);
        match client.create_template(&t.waba_id, &token, &body).await {
            Ok((meta_id, state)) => {
                let status = match state.as_str() {
                    "APPROVED" => "aprovado",
                    "REJECTED" => "rejeitado",
                    _ => "em_analise",
                };
                sqlx::query!(
                    "update message_templates
                        set meta_template_id = $2,
                            status = case when status = 'enviando' then $3 else status end,
                            submit_claimed_at = null
                      where id = $1",
                    t.id,
                    meta_id,
                    status
                )
                .execute(pool)
                .await?;
            }
            Err(SendError::Permanent(reason)) => {
                sqlx::query!(
                    "update message_templates
                        set status = 'erro', status_reason = $2, submit_claimed_at = null
                      where id = $1 and status = 'enviando'",
                    t.id,
                    format!("A Meta recusou o envio: {reason}")
                )
                .execute(pool)
                .await?;
            }
            // Busy or no answer: the lease hands it to a later pass.
            Err(e) => tracing::warn!(error = %e, "template submission to try again"),
        }
    }
    Ok(count)
}
