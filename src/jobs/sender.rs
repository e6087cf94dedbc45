//! Sends queued (pending) outbound messages, without ever holding a transaction open across
//! the call to WhatsApp:
//!
//! 1. claim: short statements take some conversations (a `send_claims` row each) and their
//!    ready messages, and commit;
//! 2. send: the Graph API is called with no transaction open, conversations side by side and
//!    each one's messages in order;
//! 3. record: the outcomes are written, then the claims released, in short statements.
//!
//! Before each call the message is written into its claim's `attempted` list. A crash
//! between 1 and 3 leaves the claim behind. Each claim names its holder, a process that holds
//! an advisory lock for as long as it lives (see `claims`): when the lock is gone
//! the holder is dead, and [`release_dead_claims`], run every few seconds, releases its claims
//! (or any claim older than `claims::CLAIM_LEASE`). Then only the attempted messages become
//! `unknown` (Meta may have delivered them), never sent again on their own; the others go back
//! to the queue. A live sender whose claim was released finds out before its next call (the
//! attempt is written only while the claim is still its own) and stops there.
//! One claim per conversation (its primary key) keeps a lead's messages in order whatever the
//! number of senders and server instances.

use super::claims::{hold_liveness, holder_key, release_dead_claims};
use crate::config::Secret;
use crate::whatsapp::{graph_body, GraphClient, Recipient, SendError};
use app::domain::flow::Outgoing;
use app::domain::phone::mask_phone;
use futures::stream::{self, StreamExt};
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres};
use std::time::Duration;
use uuid::Uuid;

/// Where outbound messages go.
#[derive(Clone, Debug)]
pub enum Transport {
    /// No WhatsApp credentials: messages are recorded as sent in the database with a
    /// `sandbox.` id, so the whole loop runs on one machine.
    Sandbox,
    /// The WhatsApp Cloud API.
    Graph(GraphClient),
}

/// Conversations sent to at the same time within a pass (each one's messages in order).
const CONVERSATIONS_AT_ONCE: usize = 8;

struct Claimed {
    id: Uuid,
    conversation_id: Uuid,
    content: String,
    payload: Option<serde_json::Value>,
    /// WhatsApp's id for the lead's number (or the number); `None` for a lead known only by
    /// its user id.
    whatsapp_number: Option<String>,
    whatsapp_user_id: Option<String>,
    /// The consultant's connected number and the business token Meta gave for it.
    connection: Option<(String, Secret)>,
    /// The bot's first reply to a lead's message: that message's WhatsApp id, marked read
    /// (the lead's blue ticks) just before the reply goes.
    answers: Option<String>,
}

/// What became of one send.
#[derive(Debug, PartialEq)]
enum Outcome {
    Sent(String),
    Failed(String),
    Unknown(String),
}

/// Sends everything that is ready; returns how many messages were handed to the transport.
pub async fn send_pending(pool: &PgPool, transport: &Transport) -> Result<usize, sqlx::Error> {
    hold_liveness(pool).await?;
    let mut total = 0;
    // One connection for a pass's statements (every acquire from the pool costs a round trip
    // of its own), but none held while WhatsApp is called.
    let mut db = pool.acquire().await?;
    loop {
        let pass = Uuid::new_v4();
        let batch = claim(&mut db, pass).await?;
        if batch.is_empty() {
            return Ok(total);
        }
        total += batch.len();
        let outcomes = if matches!(transport, Transport::Graph(_)) {
            drop(db);
            let outcomes = send_all(pool, pass, transport, batch).await;
            db = pool.acquire().await?;
            outcomes
        } else {
            send_all(pool, pass, transport, batch).await
        };
        record_with_retries(pool, &mut db, pass, outcomes).await?;
        // Then claim again, until nothing is ready. This claim reads a snapshot taken after
        // the release committed, so it sees whatever was queued for these conversations
        // while they were in flight: a sender that queued such a message found the
        // conversation claimed and left it, and nobody else would send it before the
        // pending sweep's next tick.
    }
}

/// Conversations side by side, each one's messages one after the other (the claim returns
/// them grouped and in order). Before each call to WhatsApp the message is written into its
/// claim as attempted; a conversation whose claim is no longer this pass's (released as a
/// dead holder's) stops there, its remaining messages left to whoever claims it now.
async fn send_all(
    pool: &PgPool,
    pass: Uuid,
    transport: &Transport,
    batch: Vec<Claimed>,
) -> Vec<(Uuid, Outcome)> {
    let mut by_conversation: Vec<Vec<Claimed>> = Vec::new();
    for m in batch {
        match by_conversation.last_mut() {
            Some(c) if c[0].conversation_id == m.conversation_id => c.push(m),
            _ => by_conversation.push(vec![m]),
        }
    }
    stream::iter(by_conversation)
        .map(|messages| async move {
            let mut done = Vec::with_capacity(messages.len());
            for m in messages {
                // The sandbox hands nothing to anyone: a crash before its record leaves the
                // message pending, to be "sent" again, which is right.
                if matches!(transport, Transport::Graph(_)) {
                    match mark_attempt(pool, pass, &m).await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::warn!("claim released while sending; stopping this conversation");
                            break;
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "could not record a send attempt; not sending");
                            break;
                        }
                    }
                }
                let outcome = send_one(pool, transport, &m).await;
                // Written at once, so that a crash later in the pass does not leave a send
                // whose answer came back looking unknown; kept for the pass's record if the
                // write fails.
                if !matches!(transport, Transport::Graph(_))
                    || record_outcome(pool, m.id, &outcome).await.is_err()
                {
                    done.push((m.id, outcome));
                }
            }
            done
        })
        .buffer_unordered(CONVERSATIONS_AT_ONCE)
        .concat()
        .await
}

/// Claims conversations with ready messages, then takes each one's ready messages: two
/// short statements, each committed on its own.
///
/// 1. The conversations of the oldest ready messages get a `send_claims` row; its primary
///    key lets one sender at a time have a conversation. `SKIP LOCKED` sends concurrent
///    senders to different conversations instead of queueing them behind one another's
///    inserts of the same claim.
/// 2. For the conversations won, the pending messages queued up to the claim, and up to the
///    first AI answer still being written (which holds back what follows it), in order. This
///    reads a snapshot taken after the claim, and a sender releases a claim only after
///    recording its sends, so nothing already sent is read as pending.
async fn claim(db: &mut PgConnection, pass: Uuid) -> Result<Vec<Claimed>, sqlx::Error> {
    let won = sqlx::query_scalar!(
        r#"with candidates as (
               select m.conversation_id from messages m
                where m.status = 'pending' and m.direction = 'outbound' and m.ai_context is null
                  and not exists (select 1 from send_claims x
                                   where x.conversation_id = m.conversation_id)
                  -- Behind an AI answer still being written nothing is ready: such messages
                  -- would fill the batch with conversations that have nothing to send.
                  and not exists (select 1 from messages h
                                   where h.conversation_id = m.conversation_id
                                     and h.status = 'pending' and h.direction = 'outbound'
                                     and h.ai_context is not null
                                     and (h.created_at, coalesce(h.reply_seq, 0))
                                         < (m.created_at, coalesce(m.reply_seq, 0)))
                order by m.created_at
                limit 50
                for update of m skip locked
           ), won as (
               insert into send_claims (conversation_id, claimed_by, holder)
               select distinct conversation_id, $1::uuid, $2::int8 from candidates
               on conflict do nothing
               returning conversation_id
           )
           select count(*) as "won!" from won"#,
        pass,
        holder_key()
    )
    .fetch_one(&mut *db)
    .await?;
    if won == 0 {
        return Ok(Vec::new());
    }
    let queued = sqlx::query!(
        r#"select m.id, m.conversation_id, m.content, m.payload, m.ai_context is not null as "held!",
                  coalesce(l.whatsapp_id, l.whatsapp_number) as whatsapp_number,
                  l.whatsapp_user_id, w.phone_number_id as "phone_number_id?",
                  w.access_token as "access_token?",
                  case when m.reply_seq = 0 then
                      (select i.whatsapp_message_id from messages i where i.id = m.reply_to)
                  end as "answers?"
             from send_claims x
             join messages m on m.conversation_id = x.conversation_id
             join conversations cv on cv.id = m.conversation_id
             join leads l on l.id = cv.lead_id
             left join whatsapp_connections w on w.consultant_id = m.consultant_id
            where x.claimed_by = $1
              and m.status = 'pending' and m.direction = 'outbound'
              and m.created_at <= x.claimed_at
            order by m.conversation_id, m.created_at, m.reply_seq"#,
        pass
    )
    .fetch_all(&mut *db)
    .await?;
    let mut ready = Vec::with_capacity(queued.len());
    let mut held_from: Option<Uuid> = None;
    for q in queued {
        if q.held {
            held_from = Some(q.conversation_id);
        }
        if held_from == Some(q.conversation_id) {
            continue;
        }
        ready.push(Claimed {
            id: q.id,
            conversation_id: q.conversation_id,
            content: q.content,
            payload: q.payload,
            whatsapp_number: q.whatsapp_number,
            whatsapp_user_id: q.whatsapp_user_id,
            connection: q.phone_number_id.zip(q.access_token.map(Secret::new)),
            answers: q.answers,
        });
    }
    if ready.is_empty() {
        // Only AI answers still being written (queued since the candidates were read): there
        // is no pass to record, so its claims go now. Otherwise `record` releases them all.
        sqlx::query!("delete from send_claims where claimed_by = $1", pass)
            .execute(&mut *db)
            .await?;
    }
    Ok(ready)
}

/// Writes `m` into its claim as attempted, if the claim is still this pass's.
async fn mark_attempt(pool: &PgPool, pass: Uuid, m: &Claimed) -> Result<bool, sqlx::Error> {
    let marked = sqlx::query!(
        "update send_claims set attempted = attempted || $3::uuid
          where conversation_id = $1 and claimed_by = $2",
        m.conversation_id,
        pass,
        m.id
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(marked == 1)
}

async fn send_one(pool: &PgPool, transport: &Transport, m: &Claimed) -> Outcome {
    let client = match transport {
        Transport::Sandbox => return Outcome::Sent(format!("sandbox.{}", m.id)),
        Transport::Graph(client) => client,
    };
    let Some((pnid, token)) = &m.connection else {
        return Outcome::Failed("o consultor não tem um número do WhatsApp conectado".into());
    };
    let message: Outgoing = m
        .payload
        .clone()
        .and_then(|p| serde_json::from_value(p).ok())
        .unwrap_or_else(|| Outgoing::Text {
            body: m.content.clone(),
        });
    // A file goes up to Meta first (or is known there already).
    let message = match super::file_sends::with_media_id(pool, client, pnid, token, message).await {
        Ok(message) => message,
        Err(reason) => return Outcome::Failed(reason),
    };
    let digits: Option<String> = m
        .whatsapp_number
        .as_deref()
        .map(|n| n.chars().filter(char::is_ascii_digit).collect());
    // A number when there is one; a user known only by a WhatsApp username, by user id.
    let to = match (&digits, &m.whatsapp_user_id) {
        (Some(d), _) => Recipient::Number(d),
        (None, Some(u)) => Recipient::User(u),
        (None, None) => {
            return Outcome::Failed("o lead não tem número nem usuário do WhatsApp".into())
        }
    };
    // The bot took the lead's message: it shows as read. Best effort, never retried, and not
    // a message (a failure here sends the reply all the same).
    if let Some(wamid) = &m.answers {
        if let Err(e) = client.mark_read(pnid, token, wamid, false).await {
            tracing::debug!(error = %e, "read receipt not shown");
        }
    }
    match client.send(pnid, token, &graph_body(to, &message)).await {
        Ok(wa_id) => Outcome::Sent(wa_id),
        Err(e) => {
            let who = m
                .whatsapp_number
                .as_deref()
                .map(mask_phone)
                .unwrap_or_default();
            tracing::warn!(to = %who, error = %e, "send failed");
            match e {
                SendError::Permanent(r) | SendError::Exhausted(r) => Outcome::Failed(r),
                SendError::Unknown(r) => Outcome::Unknown(r),
            }
        }
    }
}

/// The outcomes are known only here: a failed write (a dropped connection, say) is tried
/// again, on a fresh connection, before they are given up to the lease (and become
/// `unknown`).
async fn record_with_retries(
    pool: &PgPool,
    db: &mut PoolConnection<Postgres>,
    pass: Uuid,
    outcomes: Vec<(Uuid, Outcome)>,
) -> Result<(), sqlx::Error> {
    let mut attempt = 0;
    loop {
        match record(db, pass, &outcomes).await {
            Ok(()) => {
                for (_, outcome) in &outcomes {
                    let label = match outcome {
                        Outcome::Sent(_) => "sent",
                        Outcome::Failed(_) => "failed",
                        Outcome::Unknown(_) => "unknown",
                    };
                    metrics::counter!("consultor_sends_total", "outcome" => label).increment(1);
                }
                return Ok(());
            }
            Err(e) if attempt < 3 => {
                attempt += 1;
                tracing::warn!(error = %e, attempt, "recording sends failed; trying again");
                tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
                *db = pool.acquire().await?;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Records a pass's outcomes, then releases its claims. A status Meta sent before this (kept
/// in `early_statuses`) is applied with the WhatsApp id, so a fast `delivered` is not lost.
/// The messages are written (and committed) before the claims go, so whoever claims a
/// conversation next reads them as sent; writing a message twice (a retry) changes nothing.
/// One plain statement a message, rather than one over arrays: PostgreSQL re-planned the
/// array form on most passes.
async fn record(
    db: &mut PgConnection,
    pass: Uuid,
    outcomes: &[(Uuid, Outcome)],
) -> Result<(), sqlx::Error> {
    for (id, outcome) in outcomes {
        record_outcome(&mut *db, *id, outcome).await?;
    }
    sqlx::query!("delete from send_claims where claimed_by = $1", pass)
        .execute(db)
        .await?;
    Ok(())
}

/// Writes one send's outcome on its message. An `unknown` left by a released claim is
/// replaced: this is what the call actually answered.
async fn record_outcome<'c>(
    db: impl sqlx::PgExecutor<'c>,
    id: Uuid,
    outcome: &Outcome,
) -> Result<(), sqlx::Error> {
    let (status, wa_id, error) = match outcome {
        Outcome::Sent(wa_id) => ("sent", Some(wa_id.as_str()), None),
        Outcome::Failed(reason) => ("failed", None, Some(reason.as_str())),
        Outcome::Unknown(reason) => ("unknown", None, Some(reason.as_str())),
    };
    sqlx::query!(
            r#"with early as (
                   delete from early_statuses where wa_message_id = $3::varchar
                   returning status, error
               )
               update messages
                  set whatsapp_message_id = $3,
                      status = case when $2::varchar <> 'sent' then $2 else coalesce(
                          (select x.status from early x
                            order by array_position(array['sent','delivered','read','failed'], x.status::text) desc
                            limit 1),
                          'sent') end,
                      error_message = case when $2 <> 'sent' then $4::text else
                          (select x.error from early x where x.status = 'failed' limit 1) end
                where id = $1 and status in ('pending', 'unknown')"#,
            id,
            status,
            wa_id,
            error
        )
        .execute(db)
        .await?;
    Ok(())
}

/// Releases dead senders' claims (see [`release_dead_claims`]) and applies the early statuses
/// that never found their message. Run by the pending sweep each minute, not on every pass.
pub async fn settle_abandoned(pool: &PgPool) -> Result<(), sqlx::Error> {
    release_dead_claims(pool).await?;
    // A status whose webhook was being processed while its send was recorded can miss both
    // paths (the record did not see it yet, and it did not see the id yet): it is applied
    // here, with the same forward-only rule as any status.
    let mut db = app::server::db::SystemTx::begin(pool).await?;
    let matched = sqlx::query!(
        r#"delete from early_statuses e
            where exists (select 1 from messages m where m.whatsapp_message_id = e.wa_message_id)
        returning wa_message_id, status, error"#
    )
    .fetch_all(&mut *db)
    .await?;
    for s in matched {
        crate::intake::messages::apply_status(
            &mut db,
            &s.wa_message_id,
            &s.status,
            s.error.as_deref(),
        )
        .await?;
    }
    sqlx::query!("delete from early_statuses where received_at < now() - interval '1 day'")
        .execute(&mut *db)
        .await?;
    db.commit().await
}
