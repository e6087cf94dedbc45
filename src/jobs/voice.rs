//! Hears the voice notes leads send, once their file is here: each is claimed by a leased
//! timestamp, sent to the speech-to-text provider with no transaction open, and its transcript
//! (or why there is none) stored in a transaction of its own. A transcript becomes the
//! message's text (what the lead page, the search, the summary and the AI read); the file is
//! kept as it came. With no provider, or no file coming (a plain sandbox, a failed download),
//! the note is marked not heard at once: the bot's turn that waits for it goes on
//! (`pending_turns`) and asks the lead to write.

use super::Services;
use sqlx::PgPool;

/// Longer than the provider's timeout: a worker that stops mid-call leaves the note to
/// another after this.
const CLAIM_LEASE_SECS: f64 = 120.0;

/// Hears every voice note ready; returns how many it handled.
pub async fn transcribe_pending(pool: &PgPool, services: &Services) -> Result<usize, sqlx::Error> {
    let downloads = super::media::downloads(services);
    let provider = services.transcriber.as_ref();
    let mut handled = 0;
    loop {
        // Ready: its file is here, or will never be (a failed download, nothing downloads),
        // or there is nobody to hear it anyway.
        let claimed = sqlx::query!(
            r#"update message_media
                  set transcribe_claimed_at = now()
                where message_id = (
                        select message_id from message_media
                         where transcript_status = 'pendente'
                           and (bytes is not null or fetch_error is not null
                                or not $1::bool or not $2::bool)
                           and (transcribe_claimed_at is null
                                or transcribe_claimed_at < now() - make_interval(secs => $3))
                         order by created_at
                         limit 1
                         for update skip locked)
            returning message_id, bytes, mime_type, fetch_error"#,
            downloads,
            provider.is_some(),
            CLAIM_LEASE_SECS
        )
        .fetch_optional(pool)
        .await?;
        let Some(note) = claimed else {
            return Ok(handled);
        };
        let heard = match (provider, note.bytes, note.fetch_error) {
            (None, _, _) => Err("transcrição de áudio não configurada".to_string()),
            (_, _, Some(e)) => Err(format!("o arquivo não pôde ser baixado ({e})")),
            (Some(_), None, None) => {
                Err("o arquivo não é baixado neste ambiente de testes".to_string())
            }
            (Some(p), Some(bytes), None) => p.transcribe(&bytes, note.mime_type.as_deref()).await,
        };
        store(pool, note.message_id, heard).await?;
        handled += 1;
    }
}

/// Keeps what was heard: the transcript as the message's text, or why not.
async fn store(
    pool: &PgPool,
    message: uuid::Uuid,
    heard: Result<String, String>,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    match heard {
        Ok(text) => {
            let stored = sqlx::query!(
                "update message_media
                    set transcript = $2, transcript_status = 'transcrito', transcribed_at = now(),
                        transcript_error = null
                  where message_id = $1 and transcript_status = 'pendente'",
                message,
                text
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            // Once: a second worker whose lease ran out finds it done.
            if stored == 1 {
                sqlx::query!(
                    "update messages set content = $2 where id = $1",
                    message,
                    text
                )
                .execute(&mut *tx)
                .await?;
            }
        }
        Err(reason) => {
            tracing::warn!(%message, %reason, "voice note not transcribed");
            sqlx::query!(
                "update message_media
                    set transcript_status = 'falhou', transcript_error = $2,
                        transcribed_at = now()
                  where message_id = $1 and transcript_status = 'pendente'",
                message,
                reason
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await
}
