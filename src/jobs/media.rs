//! Downloads the files leads send (images, audio, documents...) while Meta still has them
//! (7 days), and keeps them, up to a size limit, for the lead page. Each file is claimed by a
//! leased timestamp, downloaded with no transaction open, and stored (or its failure noted)
//! in a statement of its own. In the sandbox there is nothing to download from, unless a
//! stand-in for Meta's media endpoints is configured (`SANDBOX_MEDIA_URL`).

use super::sender::Transport;
use super::Services;
use crate::config::Secret;
use sqlx::PgPool;

/// Largest file kept (WhatsApp's own limit for documents is 100 MB; the lead page is not a
/// file store).
pub const MAX_MEDIA_BYTES: usize = 16 * 1024 * 1024;

/// Longer than a download of the largest file takes.
const CLAIM_LEASE_SECS: f64 = 300.0;

/// Whether files leads send are downloaded at all (not in a plain sandbox).
pub fn downloads(services: &Services) -> bool {
    matches!(services.transport, Transport::Graph(_)) || services.sandbox_media.is_some()
}

/// Downloads every file waiting; returns how many it handled.
pub async fn fetch_pending(pool: &PgPool, services: &Services) -> Result<usize, sqlx::Error> {
    // The sandbox's stand-in takes no token: its leads have no connection.
    let (client, sandbox) = match (&services.transport, &services.sandbox_media) {
        (Transport::Graph(client), _) => (client, false),
        (Transport::Sandbox, Some(client)) => (client, true),
        (Transport::Sandbox, None) => return Ok(0),
    };
    let mut handled = 0;
    loop {
        // The download uses the business token of the consultant's connection.
        let claimed = sqlx::query!(
            r#"with claimed as (
                   update message_media
                      set fetch_claimed_at = now()
                    where message_id = (
                            select message_id from message_media
                             where bytes is null and fetch_error is null
                               and created_at > now() - interval '7 days'
                               and (fetch_claimed_at is null
                                    or fetch_claimed_at < now() - make_interval(secs => $1))
                             order by created_at
                             limit 1
                             for update skip locked)
                returning message_id, media_id, consultant_id)
               select c.message_id, c.media_id, w.access_token as "access_token?"
                 from claimed c
                 left join whatsapp_connections w on w.consultant_id = c.consultant_id"#,
            CLAIM_LEASE_SECS
        )
        .fetch_optional(pool)
        .await?;
        let Some(file) = claimed else {
            return Ok(handled);
        };
        let token = if sandbox {
            Some("sandbox".to_string())
        } else {
            file.access_token
        };
        let downloaded = match token {
            Some(token) => {
                let token = Secret::new(token);
                client
                    .download_media(&file.media_id, &token, MAX_MEDIA_BYTES)
                    .await
            }
            None => Err("o número do WhatsApp foi desconectado antes do download".to_string()),
        };
        match downloaded {
            Ok((bytes, mime)) => {
                sqlx::query!(
                    "update message_media
                        set bytes = $2, size_bytes = $3, mime_type = coalesce($4, mime_type),
                            fetched_at = now()
                      where message_id = $1",
                    file.message_id,
                    &bytes,
                    bytes.len() as i32,
                    mime
                )
                .execute(pool)
                .await?;
            }
            Err(reason) => {
                tracing::warn!(media = %file.media_id, %reason, "media download failed");
                sqlx::query!(
                    "update message_media set fetch_error = $2 where message_id = $1",
                    file.message_id,
                    reason
                )
                .execute(pool)
                .await?;
            }
        }
        handled += 1;
    }
}
