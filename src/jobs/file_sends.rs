//! A consultant's file on its way to a lead (a file sent by itself, or a template's header
//! image): uploaded to the Graph API's media endpoint just before its message is sent (no
//! transaction open), and Meta's media id kept on the file for the next send of it on the
//! same number while Meta keeps it (30 days; 29 to be safe).

use crate::config::Secret;
use crate::whatsapp::GraphClient;
use app::domain::flow::Outgoing;
use sqlx::PgPool;
use uuid::Uuid;

/// The message as WhatsApp takes it: a file's id (or a template's header image's) replaced
/// by Meta's media id, uploading it if needed. Other messages pass unchanged. `Err`: why it
/// cannot be sent, in words.
pub(super) async fn with_media_id(
    pool: &PgPool,
    client: &GraphClient,
    phone_number_id: &str,
    token: &Secret,
    mut message: Outgoing,
) -> Result<Outgoing, String> {
    match &mut message {
        Outgoing::File { file, .. }
        | Outgoing::Template {
            header_image: Some(file),
            ..
        } => *file = media_id(pool, client, phone_number_id, token, file).await?,
        _ => {}
    }
    Ok(message)
}

/// Meta's media id for one of the consultant's files on this number.
async fn media_id(
    pool: &PgPool,
    client: &GraphClient,
    phone_number_id: &str,
    token: &Secret,
    file: &str,
) -> Result<String, String> {
    let id: Uuid = file
        .parse()
        .map_err(|_| "o arquivo da mensagem não é válido".to_string())?;
    let stored = sqlx::query!(
        r#"select name, mime_type, bytes,
                  case when wa_media_phone_id = $2
                        and wa_media_at > now() - interval '29 days'
                       then wa_media_id end as "reuse?"
             from consultant_files where id = $1"#,
        id,
        phone_number_id
    )
    .fetch_optional(pool)
    .await
    .map_err(|e| format!("o arquivo não pôde ser lido: {e}"))?
    .ok_or_else(|| "o arquivo foi excluído antes do envio".to_string())?;
    if let Some(known) = stored.reuse {
        return Ok(known);
    }
    let uploaded = client
        .upload_media(
            phone_number_id,
            token,
            &stored.name,
            &stored.mime_type,
            &stored.bytes,
        )
        .await?;
    // Best effort: without it the next send uploads again.
    if let Err(e) = sqlx::query!(
        "update consultant_files
            set wa_media_id = $2, wa_media_phone_id = $3, wa_media_at = now()
          where id = $1",
        id,
        uploaded,
        phone_number_id
    )
    .execute(pool)
    .await
    {
        tracing::warn!(error = %e, "media id not kept");
    }
    Ok(uploaded)
}
