//! Writes the AI answers that processed events queued (`messages.ai_context`), outside the
//! events' transactions: a slow provider holds up one answer, never a lead's conversation or
//! the webhook queue. Each answer is claimed (`ai_claimed_at`, in a short statement), composed
//! with no transaction open (the provider is an outside HTTP call), then written in a short
//! transaction together with its `ai_responses` row, only if it is still unwritten: so it is
//! written once however many workers run, and a worker that stops mid-call leaves it to be
//! taken over as soon as its process's liveness lock is gone (see `claims::hold_liveness`),
//! or when its claim's lease ends.

use super::Transport;
use crate::ai::AiProvider;
use crate::config::Secret;
use app::domain::ai::AnswerContext;
use app::domain::flow::Outgoing;
use sqlx::PgPool;

/// Writes every queued answer no other worker is writing; returns how many it wrote.
pub async fn write_pending(
    pool: &PgPool,
    ai: &AiProvider,
    transport: &Transport,
) -> Result<usize, sqlx::Error> {
    let mut written = 0;
    while write_one(pool, ai, transport).await? {
        written += 1;
    }
    Ok(written)
}

/// Longer than the AI provider's timeout (`AI_TIMEOUT_MS`, 10 s by default), so a live
/// worker's claim is never taken over.
const CLAIM_LEASE_SECS: f64 = 120.0;

async fn write_one(
    pool: &PgPool,
    ai: &AiProvider,
    transport: &Transport,
) -> Result<bool, sqlx::Error> {
    super::claims::hold_liveness(pool).await?;
    let claimed = sqlx::query!(
        r#"update messages m
              set ai_claimed_at = now(), ai_claimed_by = $2
             from conversations cv
            where m.id = (
                    select id from messages
                     where status = 'pending' and ai_context is not null
                       and (ai_claimed_at is null
                            or ai_claimed_at < now() - make_interval(secs => $1)
                            -- Its holder died (its liveness lock is gone): taken over at once.
                            or ai_claimed_by not in (
                                select (l.classid::int8 << 32) | l.objid::int8 from pg_locks l
                                 where l.locktype = 'advisory' and l.granted and l.objsubid = 1))
                     order by created_at, reply_seq
                     limit 1
                     for update skip locked)
              and cv.id = m.conversation_id
        returning m.id, m.conversation_id, cv.lead_id, m.ai_context as "ai_context!",
                  (select i.whatsapp_message_id from messages i where i.id = m.reply_to)
                      as "inbound_wamid?",
                  (select w.phone_number_id from whatsapp_connections w
                    where w.consultant_id = m.consultant_id) as "phone_number_id?",
                  (select w.access_token from whatsapp_connections w
                    where w.consultant_id = m.consultant_id) as "access_token?""#,
        CLAIM_LEASE_SECS,
        super::claims::holder_key()
    )
    .fetch_optional(pool)
    .await?;
    let Some(answer) = claimed else {
        return Ok(false);
    };
    let id = answer.id;
    // The lead sees their message read and "digitando…" while the answer is written: one
    // best-effort call, no transaction open, never retried (a lost one only hides the dots).
    if let (Transport::Graph(client), Some(wamid), Some(pnid), Some(token)) = (
        transport,
        answer.inbound_wamid.as_deref(),
        answer.phone_number_id.as_deref(),
        answer.access_token,
    ) {
        if let Err(e) = client
            .mark_read(pnid, &Secret::new(token), wamid, true)
            .await
        {
            tracing::debug!(error = %e, "read receipt and typing indicator not shown");
        }
    }
    let composed = match serde_json::from_value::<AnswerContext>(answer.ai_context) {
        Ok(ctx) => crate::ai::compose(pool, ai, &ctx).await?,
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
            .execute(pool)
            .await?;
            return Ok(true);
        }
    };
    let payload = serde_json::to_value(Outgoing::Text {
        body: composed.sent.clone(),
    })
    .expect("a text message serializes");
    let mut tx = app::server::db::SystemTx::begin(pool).await?;
    let logged = crate::ai::log(&mut tx, &composed, answer.lead_id, answer.conversation_id).await?;
    let written = sqlx::query!(
        "update messages set content = $2, payload = $3, ai_context = null, ai_response_id = $4
          where id = $1 and ai_context is not null",
        id,
        &composed.sent,
        payload,
        logged
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if written == 0 {
        // Another worker took the answer over (this one outlived its lease) and wrote it.
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(true)
}

/// Whether an AI answer is claimed by a process that died (its liveness lock is gone): the
/// dead claims' watcher then writes it at once instead of at the pending sweep's next tick.
pub async fn any_claimed_by_the_dead(pool: &PgPool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (
               select 1 from messages
                where status = 'pending' and ai_context is not null
                  and ai_claimed_by not in (
                      select (l.classid::int8 << 32) | l.objid::int8 from pg_locks l
                       where l.locktype = 'advisory' and l.granted and l.objsubid = 1)
           ) as "any!""#
    )
    .fetch_one(pool)
    .await
}
