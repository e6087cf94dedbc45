//! Processing one stored webhook payload: statuses, then messages (routing, lead, the
//! conversation, the flow engine, queued replies). Runs inside the worker's savepoint on the
//! privileged path: this is system work, not one consultant's request.

use crate::webhooks::payload::{InboundMessage, Payload, StatusUpdate};
use app::domain::ai::AnswerContext;
use app::domain::flow::{self, ConversationState, Effect, Inbound, Outgoing};
use app::domain::phone::mask_phone;
use app::domain::Vertical;
use chrono::Utc;
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("banco de dados: {0}")]
    Database(#[from] sqlx::Error),
    #[error("payload ilegível: {0}")]
    Payload(String),
    #[error("fluxo {flow} inválido: {reason}")]
    InvalidFlow { flow: Uuid, reason: String },
}

/// What happened, for the event's row. Problems that retrying cannot fix are notes here,
/// not errors (the event is marked processed).
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub messages: usize,
    pub duplicates: usize,
    pub statuses: usize,
    /// AI answers queued, to be written after the commit.
    pub ai_answers: usize,
    pub unrouted: Vec<String>,
}

impl Outcome {
    pub fn note(&self) -> Option<String> {
        (!self.unrouted.is_empty()).then(|| {
            format!(
                "número de destino desconhecido: {}",
                self.unrouted.join(", ")
            )
        })
    }
}

pub async fn process_payload(
    db: &mut PgConnection,
    payload: &serde_json::Value,
) -> Result<Outcome, ProcessError> {
    let parsed: Payload = serde_json::from_value(payload.clone())
        .map_err(|e| ProcessError::Payload(e.to_string()))?;
    let events = parsed.events();
    let mut outcome = Outcome::default();
    for status in &events.statuses {
        apply_status(db, status).await?;
        outcome.statuses += 1;
    }
    for message in &events.messages {
        match handle_message(db, message).await? {
            MessageResult::Handled { ai_answer } => {
                outcome.messages += 1;
                outcome.ai_answers += usize::from(ai_answer);
            }
            MessageResult::Duplicate => outcome.duplicates += 1,
            MessageResult::Unrouted => outcome
                .unrouted
                .push(mask_phone(&message.to_display_number)),
        }
    }
    Ok(outcome)
}

/// Statuses arrive out of order and more than once; a message's status only moves forward
/// (read stays read), and `failed` only replaces a status that was not yet delivered.
async fn apply_status(db: &mut PgConnection, s: &StatusUpdate) -> Result<(), sqlx::Error> {
    if !["sent", "delivered", "read", "failed"].contains(&s.status.as_str()) {
        return Ok(()); // e.g. "deleted" or future statuses: nothing to record
    }
    sqlx::query!(
        "update messages
            set status = $2,
                error_message = case when $2 = 'failed' then $3 else error_message end
          where whatsapp_message_id = $1
            and direction = 'outbound'
            and case
                  when $2 = 'failed' then status in ('pending', 'sent')
                  else status <> 'failed'
                       and array_position(array['pending','sent','delivered','read'], status::text)
                         < array_position(array['pending','sent','delivered','read'], $2::text)
                end",
        &s.wa_message_id,
        &s.status,
        s.error.as_deref()
    )
    .execute(db)
    .await?;
    Ok(())
}

enum MessageResult {
    Handled { ai_answer: bool },
    Duplicate,
    Unrouted,
}

fn e164(raw: &str) -> String {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    format!("+{digits}")
}

fn ref_code(text: &str) -> Option<&str> {
    let start = text.find("[ref:")? + 5;
    let end = text[start..].find(']')? + start;
    Some(text[start..end].trim()).filter(|r| !r.is_empty())
}

/// Lead metadata from a click-to-WhatsApp ad or from the public page's prefilled message.
fn attribution(m: &InboundMessage) -> serde_json::Value {
    if let Some(r) = &m.referral {
        return serde_json::json!({
            "source": r.source_type.clone().unwrap_or_else(|| "ad".into()),
            "campaign": r.headline,
            "ad_id": r.source_id,
            "source_url": r.source_url,
            "ctwa_clid": r.ctwa_clid,
        });
    }
    match &m.content {
        Inbound::Text(t) => match ref_code(t) {
            Some(code) => serde_json::json!({ "source": code }),
            None => serde_json::json!({}),
        },
        _ => serde_json::json!({}),
    }
}

/// The consultant a message was sent to.
struct Consultant {
    id: Uuid,
    name: String,
    bio: Option<String>,
    vertical: String,
}

async fn handle_message(
    db: &mut PgConnection,
    m: &InboundMessage,
) -> Result<MessageResult, ProcessError> {
    let consultant = sqlx::query_as!(
        Consultant,
        "select id, name, bio, vertical from consultants
          where is_active
            and ((whatsapp_phone_number_id is not null and whatsapp_phone_number_id = $1)
                 or whatsapp_number = $2)
          order by (whatsapp_phone_number_id = $1) desc nulls last
          limit 1",
        &m.to_phone_number_id,
        e164(&m.to_display_number)
    )
    .fetch_optional(&mut *db)
    .await?;
    let Some(consultant) = consultant else {
        tracing::warn!(to = %mask_phone(&m.to_display_number), "message to an unknown number");
        return Ok(MessageResult::Unrouted);
    };

    let lead = sqlx::query!(
        r#"insert into leads (consultant_id, whatsapp_number, profile_name, metadata, last_inbound_at)
           values ($1, $2, $3, $4, now())
           on conflict (consultant_id, whatsapp_number) do update
              set profile_name = coalesce(excluded.profile_name, leads.profile_name),
                  metadata = leads.metadata || excluded.metadata,
                  last_interaction_at = now(),
                  last_inbound_at = now()
           returning id, (xmax = 0) as "inserted!""#,
        consultant.id,
        e164(&m.from),
        m.profile_name.as_deref(),
        attribution(m)
    )
    .fetch_one(&mut *db)
    .await?;
    let (lead_id, new_lead) = (lead.id, lead.inserted);
    let over_limit = new_lead && over_monthly_limit(db, consultant.id, lead_id).await?;

    // The lead's conversation, locked so that one lead's messages are handled one at a time.
    let (conversation_id, flow_id, state, is_new) = match latest_conversation(db, lead_id).await? {
        Some((id, flow_id, state)) => (id, flow_id, state, false),
        None => {
            let flow_id = flow_for(db, consultant.id, &consultant.vertical).await?;
            sqlx::query!(
                "insert into conversations (lead_id, flow_id, state) values ($1, $2, '{}')
                     on conflict (lead_id) where is_completed = false do nothing",
                lead_id,
                flow_id
            )
            .execute(&mut *db)
            .await?;
            let (id, flow_id, state) = latest_conversation(db, lead_id)
                .await?
                .ok_or_else(|| ProcessError::Payload("conversa não criada".into()))?;
            (id, flow_id, state, true)
        }
    };

    let (content, message_type) = match &m.content {
        Inbound::Text(t) => (t.clone(), "text"),
        Inbound::Reply { title, .. } => (title.clone(), "button"),
        Inbound::Unsupported { description } => (description.clone(), "text"),
    };
    // The exactly-once gate: a WhatsApp message id is stored once, whoever delivers it and
    // however often. Only the transaction that stored it goes on to reply.
    let inbound_id: Option<Uuid> = sqlx::query_scalar!(
        "insert into messages (conversation_id, direction, content, message_type, whatsapp_message_id, status)
         values ($1, 'inbound', $2, $3, $4, 'delivered')
         on conflict (whatsapp_message_id) where whatsapp_message_id is not null do nothing
         returning id",
        conversation_id,
        &content,
        message_type,
        &m.wa_message_id
    )
    .fetch_optional(&mut *db)
    .await?;
    let Some(inbound_id) = inbound_id else {
        return Ok(MessageResult::Duplicate);
    };

    let definition: serde_json::Value =
        sqlx::query_scalar!("select definition from flows where id = $1", flow_id)
            .fetch_one(&mut *db)
            .await?;
    let def =
        flow::parse_and_validate(&definition).map_err(|issues| ProcessError::InvalidFlow {
            flow: flow_id,
            reason: issues
                .into_iter()
                .map(|i| i.message)
                .collect::<Vec<_>>()
                .join("; "),
        })?;
    let now = Utc::now();
    let result = if over_limit {
        // Over the plan's monthly limit: the lead is kept (nothing lost) and flagged, gets a
        // short message, and waits for the consultant instead of running the flow.
        let first_name = app::domain::person_name::first_name(&consultant.name);
        flow::StepResult {
            state: ConversationState {
                handed_off: true,
                ..Default::default()
            },
            messages: vec![Outgoing::Text {
                body: format!(
                    "Obrigado pelo contato! {first_name} vai falar com você pessoalmente em breve por aqui."
                ),
            }],
            effects: Vec::new(),
        }
    } else if is_new {
        flow::start(&def, now)
    } else {
        flow::handle(&def, state, &m.content, now)
    };

    for effect in &result.effects {
        match effect {
            Effect::Answered { step, value } => {
                sqlx::query!(
                    "update leads
                        set respostas = coalesce(respostas, '{}') || jsonb_build_object($2::text, $3::text),
                            name = case when $2 = 'nome' then left($3, 100) else name end
                      where id = $1",
                    lead_id,
                    step,
                    value
                )
                .execute(&mut *db)
                .await?;
            }
            Effect::Completed { .. } => {
                sqlx::query!(
                    "update conversations set is_completed = true, completed_at = now() where id = $1",
                    conversation_id
                )
                .execute(&mut *db)
                .await?;
            }
            Effect::HandOff { .. } => {
                sqlx::query!(
                    "update conversations set handed_off_at = now() where id = $1",
                    conversation_id
                )
                .execute(&mut *db)
                .await?;
            }
        }
    }
    sqlx::query!(
        "update conversations
            set state = $2, current_step = $3, last_inbound_at = now()
          where id = $1",
        conversation_id,
        serde_json::to_value(&result.state).map_err(|e| ProcessError::Payload(e.to_string()))?,
        result.state.current_step.as_deref()
    )
    .execute(&mut *db)
    .await?;

    // The AI answers once the flow is done: right after completion, and later whenever the
    // lead writes, unless the conversation was handed to the consultant.
    let completed_now = result
        .effects
        .iter()
        .any(|e| matches!(e, Effect::Completed { .. }));
    let later_question = match &m.content {
        Inbound::Text(t)
            if !is_new
                && result.state.completed
                && !result.state.handed_off
                && result.messages.is_empty()
                && !completed_now =>
        {
            Some(t.clone())
        }
        _ => None,
    };
    let ai_answer = if completed_now || later_question.is_some() {
        let vertical = Vertical::parse(&consultant.vertical)
            .map_err(|e| ProcessError::Payload(e.to_string()))?;
        let ctx = AnswerContext {
            vertical,
            consultant_name: consultant.name.clone(),
            consultant_bio: consultant.bio.clone(),
            lead_name: result
                .state
                .labels
                .get("nome")
                .cloned()
                .or_else(|| m.profile_name.clone()),
            answers: def
                .etapas
                .iter()
                .filter_map(|s| {
                    result
                        .state
                        .labels
                        .get(&s.id)
                        .map(|l| (s.id.clone(), l.clone()))
                })
                .collect(),
            question: later_question,
        };
        Some(ctx)
    } else {
        None
    };

    queue_replies(
        db,
        conversation_id,
        inbound_id,
        &result.messages,
        ai_answer.as_ref(),
    )
    .await?;
    Ok(MessageResult::Handled {
        ai_answer: ai_answer.is_some(),
    })
}

/// Monthly new-lead limits by tier; an expired subscription counts as free. Months are
/// São Paulo months. The new lead is flagged in its metadata when over the limit.
async fn over_monthly_limit(
    db: &mut PgConnection,
    consultant_id: Uuid,
    lead_id: Uuid,
) -> Result<bool, sqlx::Error> {
    // Counts at most limit + 1 leads (a range scan of idx_leads_consultant_created): the
    // cost stays flat however many leads the month already has.
    let over = sqlx::query_scalar!(
        r#"with lim as (
               select case
                   when subscription_tier = 'agency' and coalesce(subscription_expires_at > now(), true) then 1000
                   when subscription_tier = 'pro' and coalesce(subscription_expires_at > now(), true) then 200
                   else 20
               end as n
               from consultants where id = $1
           )
           select coalesce(count(*) > (select n from lim), false) as "over!"
             from (select 1 from leads
                    where consultant_id = $1
                      and created_at >= date_trunc('month', now() at time zone 'America/Sao_Paulo')
                                        at time zone 'America/Sao_Paulo'
                    limit (select n + 1 from lim)) as this_month"#,
        consultant_id
    )
    .fetch_one(&mut *db)
    .await?;
    if over {
        sqlx::query!(
            "update leads set metadata = metadata || '{\"over_limit\": true}' where id = $1",
            lead_id
        )
        .execute(&mut *db)
        .await?;
    }
    Ok(over)
}

async fn latest_conversation(
    db: &mut PgConnection,
    lead_id: Uuid,
) -> Result<Option<(Uuid, Uuid, ConversationState)>, sqlx::Error> {
    let row = sqlx::query!(
        "select id, flow_id, state from conversations
          where lead_id = $1
          order by is_completed, started_at desc
          limit 1
          for update",
        lead_id
    )
    .fetch_optional(&mut *db)
    .await?;
    Ok(row.map(|r| {
        let state = r
            .state
            .and_then(|s| serde_json::from_value(s).ok())
            .unwrap_or_default();
        (r.id, r.flow_id, state)
    }))
}

/// The consultant's active flow, else the template of their vertical.
async fn flow_for(
    db: &mut PgConnection,
    consultant_id: Uuid,
    vertical: &str,
) -> Result<Uuid, ProcessError> {
    let id: Option<Uuid> = sqlx::query_scalar!(
        "select id from flows
          where is_active
            and ((created_by = $1 and not is_template) or (is_template and vertical = $2))
          order by (created_by = $1) desc nulls last, updated_at desc
          limit 1",
        consultant_id,
        vertical
    )
    .fetch_optional(&mut *db)
    .await?;
    id.ok_or_else(|| ProcessError::Payload(format!("nenhum fluxo para a vertical {vertical}")))
}

/// Replies are written (pending) in the same transaction as the inbound message they answer,
/// one row per position: they exist exactly when that message does. An AI answer comes last,
/// as a row whose text is written after this transaction (jobs/answers.rs).
async fn queue_replies(
    db: &mut PgConnection,
    conversation_id: Uuid,
    inbound_id: Uuid,
    messages: &[Outgoing],
    ai_answer: Option<&AnswerContext>,
) -> Result<(), ProcessError> {
    let json = |v: Result<serde_json::Value, serde_json::Error>| {
        v.map_err(|e| ProcessError::Payload(e.to_string()))
    };
    let mut rows = Vec::with_capacity(messages.len() + 1);
    for out in messages {
        let message_type = match out {
            Outgoing::Text { .. } => "text",
            Outgoing::Buttons { .. } => "button",
            Outgoing::List { .. } => "list",
            Outgoing::Image { .. } => "image",
        };
        rows.push((
            out.as_text(),
            message_type,
            Some(json(serde_json::to_value(out))?),
            None,
        ));
    }
    if let Some(ctx) = ai_answer {
        rows.push((
            String::new(),
            "text",
            None,
            Some(json(serde_json::to_value(ctx))?),
        ));
    }
    for (seq, (content, message_type, payload, ai_context)) in rows.into_iter().enumerate() {
        sqlx::query!(
            "insert into messages (conversation_id, direction, content, message_type, status,
                                   reply_to, reply_seq, payload, ai_context)
             values ($1, 'outbound', $2, $3, 'pending', $4, $5, $6, $7)
             on conflict (reply_to, reply_seq) where reply_to is not null do nothing",
            conversation_id,
            content,
            message_type,
            inbound_id,
            seq as i16,
            payload,
            ai_context
        )
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ref_codes() {
        assert_eq!(ref_code("Olá! Vi seu perfil. [ref:perfil]"), Some("perfil"));
        assert_eq!(ref_code("[ref: instagram ] oi"), Some("instagram"));
        assert_eq!(ref_code("sem código"), None);
        assert_eq!(ref_code("[ref:]"), None);
        assert_eq!(e164("55 11 91234-5678"), "+5511912345678");
    }
}
