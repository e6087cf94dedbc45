//! Keeps the consultants' templates on Meta as they are here, on each one's connected
//! business account, with no transaction open across a call:
//!
//! 1. claim: one short statement stamps `submit_claimed_at` on waiting templates (a lease:
//!    a job that dies leaves them to another after `LEASE`), and commits;
//! 2. call: a new template is created (`POST /{waba_id}/message_templates`), a changed one
//!    (`enviando` with Meta's id kept) edited (`POST /{template_id}`), its header image
//!    uploaded first for the review (a handle); one being deleted (`excluindo`) is deleted;
//! 3. record: Meta's answer is written: its id and `em_analise` (or `aprovado`, when Meta
//!    approves at once), or the refusal in words (`erro`); a deletion Meta agreed to removes
//!    the row, one it refused returns the template to its status, with Meta's words.
//!
//! A call whose answer never came back stays claimed until the lease ends, then is made
//! again: if Meta had created it, it answers that the name exists, which is recorded as the
//! error; the review's webhook still finds it by name (see `intake::templates`). An edit or a
//! deletion made twice is the same change. Without Meta (the sandbox) a waiting template is
//! approved at once and one being deleted goes.

use super::Transport;
use crate::config::Secret;
use crate::whatsapp::{GraphClient, SendError};
use app::server::db::TenantTx;
use app::server::template_changes::finish_delete;
use app::server::templates::{draft_of, SANDBOX_APPROVAL};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// How long a claimed call waits before another job may make it again.
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
            sqlx::query!("delete from message_templates where status = 'excluindo'")
                .execute(pool)
                .await?;
            return Ok(0);
        }
        Transport::Graph(client) => client,
    };
    // A consultant who disconnected the number before the submission: said in words. One
    // being deleted goes here (the business account is no longer this app's to change).
    sqlx::query!(
        "update message_templates t
            set status = 'erro',
                status_reason = 'O número do WhatsApp foi desconectado antes do envio para a Meta. Conecte-o e envie de novo.'
          where t.status = 'enviando'
            and not exists (select 1 from whatsapp_connections w where w.consultant_id = t.consultant_id)"
    )
    .execute(pool)
    .await?;
    sqlx::query!(
        "delete from message_templates t
          where t.status = 'excluindo'
            and not exists (select 1 from whatsapp_connections w where w.consultant_id = t.consultant_id)"
    )
    .execute(pool)
    .await?;
    Ok(submit(pool, client).await? + delete(pool, client).await?)
}

/// Creates or edits the waiting templates.
async fn submit(pool: &PgPool, client: &GraphClient) -> Result<usize, sqlx::Error> {
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
                  t.body, t.footer_text, t.buttons, t.variables, t.header_file_id,
                  t.meta_template_id, w.waba_id, w.access_token"#,
        LEASE_SECONDS
    )
    .fetch_all(pool)
    .await?;
    let count = claimed.len();
    for t in claimed {
        let editing = t.meta_template_id.is_some();
        let draft = draft_of(
            t.name,
            &t.category,
            t.header_text,
            t.header_variable,
            t.body,
            t.footer_text,
            t.buttons,
            t.variables,
            t.header_file_id,
        );
        let token = Secret::new(t.access_token);
        let handle = match t.header_file_id {
            Some(file) => match image_handle(pool, client, &token, file).await? {
                Ok(h) => Some(h),
                Err(e) => {
                    refused(pool, t.id, editing, e).await?;
                    continue;
                }
            },
            None => None,
        };
        let components = draft.meta_components(handle.as_deref());
        let answer = match &t.meta_template_id {
            // The category of one Meta knows does not change (the page refuses it).
            Some(meta_id) => client
                .edit_template(meta_id, &token, &json!({ "components": components }))
                .await
                .map(|()| (meta_id.clone(), "PENDING".to_string())),
            None => {
                let body = json!({
                    "name": draft.name,
                    "language": t.language,
                    "category": draft.category.meta(),
                    "components": components,
                });
                client.create_template(&t.waba_id, &token, &body).await
            }
        };
        match answer {
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
            Err(e) => refused(pool, t.id, editing, e).await?,
        }
    }
    Ok(count)
}

/// A refusal is written in words; busy or no answer leaves it to the lease (a later pass).
async fn refused(pool: &PgPool, id: Uuid, editing: bool, e: SendError) -> Result<(), sqlx::Error> {
    let SendError::Permanent(reason) = e else {
        tracing::warn!(error = %e, "template submission to try again");
        return Ok(());
    };
    let what = if editing {
        "A Meta recusou a alteração (o modelo não é enviado até uma alteração ser aceita)"
    } else {
        "A Meta recusou o envio"
    };
    sqlx::query!(
        "update message_templates
            set status = 'erro', status_reason = $2, submit_claimed_at = null
          where id = $1 and status = 'enviando'",
        id,
        format!("{what}: {reason}")
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The header image's handle for the review: its bytes, read now, uploaded to the Meta app.
/// The outer error is the database's; the inner one, why Meta has no handle.
async fn image_handle(
    pool: &PgPool,
    client: &GraphClient,
    token: &Secret,
    file: Uuid,
) -> Result<Result<String, SendError>, sqlx::Error> {
    let Some(f) = sqlx::query!(
        "select name, mime_type, bytes from consultant_files where id = $1",
        file
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(Err(SendError::Permanent(
            "a imagem do cabeçalho foi excluída: escolha outra".into(),
        )));
    };
    let Some(app_id) = client.app_id.as_deref() else {
        return Ok(Err(SendError::Permanent(
            "este servidor não tem o id do app da Meta (WHATSAPP_APP_ID) para enviar a imagem"
                .into(),
        )));
    };
    Ok(client
        .upload_handle(app_id, token, &f.name, &f.mime_type, &f.bytes)
        .await)
}

/// Deletes on Meta the templates marked for it, then here.
async fn delete(pool: &PgPool, client: &GraphClient) -> Result<usize, sqlx::Error> {
    let claimed = sqlx::query!(
        r#"update message_templates t set submit_claimed_at = now()
             from whatsapp_connections w
            where w.consultant_id = t.consultant_id
              and t.id in (select id from message_templates
                            where status = 'excluindo'
                              and (submit_claimed_at is null
                                   or submit_claimed_at < now() - make_interval(secs => $1))
                            order by updated_at
                            limit 20
                              for update skip locked)
        returning t.id, t.consultant_id, t.name, t.meta_template_id as "meta_template_id!",
                  t.previous_status, w.waba_id, w.access_token"#,
        LEASE_SECONDS
    )
    .fetch_all(pool)
    .await?;
    let count = claimed.len();
    for t in claimed {
        let token = Secret::new(t.access_token);
        let answer = client
            .delete_template(&t.waba_id, &token, &t.meta_template_id, &t.name)
            .await;
        // One Meta had disabled (or deleted, which its webhook says the same way) cannot be
        // used again: a refusal to delete it there does not keep it here.
        let dead = t.previous_status.as_deref() == Some("desativado");
        let gone = match &answer {
            Ok(()) => true,
            Err(SendError::Permanent(_)) => dead,
            Err(_) => false,
        };
        if gone {
            let mut tx = TenantTx::begin(pool, t.consultant_id).await?;
            finish_delete(&mut tx, t.id).await?;
            tx.commit().await?;
            continue;
        }
        match answer {
            Ok(()) => {}
            Err(SendError::Permanent(reason)) => {
                sqlx::query!(
                    "update message_templates
                        set status = coalesce(previous_status, 'aprovado'), previous_status = null,
                            status_reason = $2, submit_claimed_at = null
                      where id = $1 and status = 'excluindo'",
                    t.id,
                    format!("A Meta não excluiu o modelo: {reason}")
                )
                .execute(pool)
                .await?;
            }
            Err(e) => tracing::warn!(error = %e, "template deletion to try again"),
        }
    }
    Ok(count)
}
