//! Sends queued (pending) outbound messages. Claimed with `FOR UPDATE SKIP LOCKED`, so a
//! message is handed to the transport by one sender only, and its row records the outcome:
//! the WhatsApp id, or why it failed.

use crate::whatsapp::{graph_body, GraphClient};
use app::domain::flow::Outgoing;
use app::domain::phone::mask_phone;
use sqlx::PgPool;

/// Where outbound messages go.
#[derive(Clone, Debug)]
pub enum Transport {
    /// No WhatsApp credentials: messages are recorded as sent in the database with a
    /// `sandbox.` id, so the whole loop runs on one machine.
    Sandbox,
    /// The WhatsApp Cloud API.
    Graph(GraphClient),
}

pub async fn send_pending(pool: &PgPool, transport: &Transport) -> Result<usize, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // An AI answer not yet written holds back what comes after it in its conversation, so
    // the lead reads the messages in order.
    let pending = sqlx::query!(
        "select m.id, m.content, m.payload, l.whatsapp_number, c.whatsapp_phone_number_id
           from messages m
           join conversations cv on cv.id = m.conversation_id
           join leads l on l.id = cv.lead_id
           join consultants c on c.id = l.consultant_id
          where m.status = 'pending' and m.direction = 'outbound'
            and m.ai_context is null
            and not exists (
                select 1 from messages w
                 where w.conversation_id = m.conversation_id
                   and w.status = 'pending' and w.ai_context is not null
                   and (w.created_at, w.reply_seq) < (m.created_at, coalesce(m.reply_seq, 0)))
          order by m.created_at, m.reply_seq
          limit 50
          for update of m skip locked"
    )
    .fetch_all(&mut *tx)
    .await?;
    for row in &pending {
        let id = row.id;
        let result = match transport {
            Transport::Sandbox => Ok(format!("sandbox.{id}")),
            Transport::Graph(client) => {
                let to = &row.whatsapp_number;
                let message: Outgoing = row
                    .payload
                    .clone()
                    .and_then(|p| serde_json::from_value(p).ok())
                    .unwrap_or_else(|| Outgoing::Text {
                        body: row.content.clone(),
                    });
                match &row.whatsapp_phone_number_id {
                    None => Err(
                        "o consultor não tem um número do WhatsApp Business configurado"
                            .to_string(),
                    ),
                    Some(pnid) => {
                        let digits: String = to.chars().filter(char::is_ascii_digit).collect();
                        client
                            .send(pnid, &graph_body(&digits, &message))
                            .await
                            .map_err(|e| {
                                tracing::warn!(to = %mask_phone(to), error = %e, "send failed");
                                e.to_string()
                            })
                    }
                }
            }
        };
        match result {
            Ok(wa_id) => {
                sqlx::query!(
                    "update messages set status = 'sent', whatsapp_message_id = $2 where id = $1",
                    id,
                    wa_id
                )
                .execute(&mut *tx)
                .await?;
            }
            Err(reason) => {
                sqlx::query!(
                    "update messages set status = 'failed', error_message = $2 where id = $1",
                    id,
                    reason
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(pending.len())
}
