//! Writes the AI answers that processed events queued (`messages.ai_context`), outside the
//! events' transactions: a slow provider holds up one answer's row, never a lead's
//! conversation or the webhook queue. Each answer is claimed with `FOR UPDATE SKIP LOCKED`
//! and written in its own transaction, together with its `ai_responses` row, so it is written
//! once however many workers run; a crash before the commit leaves it pending for the next one.

use crate::ai::AiProvider;
use app::domain::ai::AnswerContext;
use app::domain::flow::Outgoing;
use sqlx::PgPool;

/// Writes every queued answer no other worker is writing; returns how many it wrote.
pub async fn write_pending(pool: &PgPool, ai: &AiProvider) -> Result<usize, sqlx::Error> {
    let mut written = 0;
    while write_one(pool, ai).await? {
        written += 1;
    }
    Ok(written)
}

async fn write_one(pool: &PgPool, ai: &AiProvider) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let claimed = sqlx::query!(
        r#"select m.id, m.conversation_id, cv.lead_id, m.ai_context as "ai_context!"
             from messages m
             join conversations cv on cv.id = m.conversation_id
            where m.status = 'pending' and m.ai_context is not null
            order by m.created_at, m.reply_seq
            limit 1
            for update of m skip locked"#
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(answer) = claimed else {
        tx.rollback().await?;
        return Ok(false);
    };
    let id = answer.id;
    let (text, logged) = match serde_json::from_value::<AnswerContext>(answer.ai_context) {
        Ok(ctx) => {
            crate::ai::answer(&mut tx, ai, &ctx, answer.lead_id, answer.conversation_id).await?
        }
        Err(e) => {
            // Written by this program, so only a format change between versions gets here.
            // The row must not block the conversation's later messages forever.
            tracing::error!(message = %id, error = %e, "unreadable AI answer context");
            sqlx::query!(
                "update messages
                    set status = 'failed', ai_context = null,
                        error_message = 'contexto da resposta ilegível'
                  where id = $1",
                id
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(true);
        }
    };
    let payload = serde_json::to_value(Outgoing::Text { body: text.clone() })
        .expect("a text message serializes");
    sqlx::query!(
        "update messages set content = $2, payload = $3, ai_context = null, ai_response_id = $4
          where id = $1",
        id,
        &text,
        payload,
        logged
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}
