//! One reminder to a lead who went quiet mid-flow: after a delay, only inside WhatsApp's
//! 24-hour customer-service window (counted from the lead's last message), and never twice
//! for a conversation. Claiming and queueing happen in one statement, so two schedulers
//! (two server instances) cannot both send it.

use sqlx::PgPool;
use std::time::Duration;

pub const REMINDER_TEXT: &str =
    "Oi! Ainda está por aí? É só responder a última pergunta para continuarmos o seu atendimento.";

/// Queues the due reminders; returns how many.
pub async fn queue_due(pool: &PgPool, delay: Duration) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "with due as (
            update conversations
               set reminder_sent_at = now()
             where not is_completed
               and reminder_sent_at is null
               and coalesce((state->>'handed_off')::boolean, false) = false
               and (state->>'asked_at')::timestamptz < now() - make_interval(secs => $1)
               and last_inbound_at > now() - interval '24 hours'
               -- A lead who wrote SAIR gets nothing more from the bot.
               and not exists (select 1 from leads l
                                where l.id = conversations.lead_id and l.opted_out_at is not null)
            returning id
         )
         insert into messages (conversation_id, direction, content, message_type, status, payload)
         select id, 'outbound', $2, 'text', 'pending', jsonb_build_object('kind', 'text', 'body', $2::text)
           from due",
        delay.as_secs_f64(),
        REMINDER_TEXT
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
