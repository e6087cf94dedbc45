//! Processing one stored webhook payload: statuses, then messages. This module only
//! coordinates: the SQL is in the intake (`crate::intake`) and in routing
//! (`super::routing`), and what the bot does with a message is decided by the pure
//! `app::domain::turn::decide`. Runs inside the worker's savepoint on the privileged path:
//! this is system work, not one consultant's request.

use super::bot_turn::LockedConversation;
use super::inbound_content::{attribution, stored_content};
pub use super::routing::Routing;
use super::routing::{route, Route};
use crate::intake::{conversations, leads, messages};
use crate::webhooks::payload::{InboundMessage, Payload};
use app::domain::flow::Inbound;
use app::domain::phone::mask_phone;
use app::server::db::SystemTx;
use chrono::Utc;
use uuid::Uuid;

pub use super::outcome::Outcome;
pub use super::process_error::ProcessError;

pub async fn process_payload(
    db: &mut SystemTx<'_>,
    payload: &serde_json::Value,
    routing: Routing,
    public_url: Option<&str>,
) -> Result<Outcome, ProcessError> {
    let parsed: Payload = serde_json::from_value(payload.clone())
        .map_err(|e| ProcessError::Payload(e.to_string()))?;
    let events = parsed.events();
    let mut outcome = Outcome::default();
    // A message or status that can never be processed (a broken flow, a value no column can
    // hold) must not undo the rest of its event nor make it retry. With other work in the
    // event, each one runs in a savepoint of its own and such a one is rolled back alone and
    // noted. An event that is just one message or status (nearly all of them) skips the
    // savepoint: the worker's own savepoint undoes it. Any other database error still fails
    // the whole event, to be retried (every step is idempotent).
    let isolate = events.messages.len() + events.statuses.len() > 1;
    // A template's review is one update of one row: any error is the database's, and the
    // whole event is retried (applying a review twice changes nothing).
    for t in &events.templates {
        if crate::intake::templates::apply(db, t).await? {
            outcome.templates += 1;
        } else {
            outcome.unknown_templates.push(t.meta_id.clone());
        }
    }
    super::coexistence::apply(db, &events, routing, &mut outcome).await?;
    for s in &events.statuses {
        let result = if isolate {
            let mut savepoint = db.savepoint().await?;
            let result = messages::apply_status(
                &mut savepoint,
                &s.wa_message_id,
                &s.status,
                s.error.as_deref(),
            )
            .await
            .map_err(ProcessError::from);
            settle(savepoint, result.is_ok()).await?;
            result
        } else {
            messages::apply_status(db, &s.wa_message_id, &s.status, s.error.as_deref())
                .await
                .map_err(ProcessError::from)
        };
        if let (Ok(_), Some((category, billable))) = (&result, &s.pricing) {
            messages::apply_pricing(db, &s.wa_message_id, category, *billable).await?;
        }
        match result {
            Ok(owner) => {
                outcome.statuses += 1;
                outcome.consultants.extend(owner);
            }
            Err(e) if e.is_permanent() => {
                let note = rejection(&s.wa_message_id, &e);
                if !isolate {
                    return Err(ProcessError::Rejected(note));
                }
                outcome.rejected.push(note);
            }
            Err(e) => return Err(e),
        }
    }
    for message in &events.messages {
        let result = if isolate {
            let mut savepoint = db.savepoint().await?;
            let result = handle_message(&mut savepoint, message, routing, public_url).await;
            settle(savepoint, result.is_ok()).await?;
            result
        } else {
            handle_message(db, message, routing, public_url).await
        };
        let result = match result {
            Ok(result) => result,
            Err(e) if e.is_permanent() => {
                let note = rejection(&message.wa_message_id, &e);
                if !isolate {
                    return Err(ProcessError::Rejected(note));
                }
                outcome.rejected.push(note);
                continue;
            }
            Err(e) => return Err(e),
        };
        match result {
            MessageResult::Handled {
                ai_answer,
                consultant,
            } => {
                outcome.messages += 1;
                outcome.consultants.push(consultant);
                outcome.ai_answers += usize::from(ai_answer);
            }
            MessageResult::Duplicate => outcome.duplicates += 1,
            MessageResult::Unrouted => outcome
                .unrouted
                .push(mask_phone(&message.to_display_number)),
            MessageResult::Ambiguous => outcome
                .ambiguous
                .push(mask_phone(&message.to_display_number)),
        }
    }
    outcome.consultants.sort_unstable();
    outcome.consultants.dedup();
    Ok(outcome)
}

/// Keeps a savepoint's work, or undoes it.
async fn settle(savepoint: SystemTx<'_>, keep: bool) -> Result<(), sqlx::Error> {
    if keep {
        savepoint.commit().await
    } else {
        savepoint.rollback().await
    }
}

/// The event's note for a message or status that can never be processed (`wamid: why`).
fn rejection(wa_message_id: &str, e: &ProcessError) -> String {
    // The id comes from the payload: a hostile one may be any length.
    let id = crate::webhooks::clean::cap_chars(wa_message_id, 100);
    tracing::warn!(wamid = %id, error = %e, "rejected");
    format!("{id}: {e}")
}

enum MessageResult {
    Handled { ai_answer: bool, consultant: Uuid },
    Duplicate,
    Unrouted,
    Ambiguous,
}

/// WhatsApp's id for the sender, digits only: the address replies go to, as WhatsApp wrote
/// it (with or without the ninth digit).
fn wa_id(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_digit).collect()
}

async fn handle_message(
    db: &mut SystemTx<'_>,
    m: &InboundMessage,
    routing: Routing,
    public_url: Option<&str>,
) -> Result<MessageResult, ProcessError> {
    let consultant = match route(db, &m.to_phone_number_id, &m.to_display_number, routing).await? {
        Route::To(c) => c,
        Route::Nobody => {
            tracing::warn!(to = %mask_phone(&m.to_display_number), "message to an unknown number");
            return Ok(MessageResult::Unrouted);
        }
        Route::Ambiguous => {
            tracing::warn!(to = %mask_phone(&m.to_display_number), "number claimed by several accounts");
            return Ok(MessageResult::Ambiguous);
        }
    };
    let lead = lead_of(db, consultant.id, m).await?;
    let over_limit =
        lead.created && leads::flag_if_over_monthly_limit(db, consultant.id, lead.id).await?;
    let conversation = conversation_of(db, &consultant, lead.id).await?;
    // Only the transaction that stored the message goes on to reply.
    let Some(inbound_id) = store_inbound(db, consultant.id, conversation.id, m).await? else {
        return Ok(MessageResult::Duplicate);
    };
    // The consultant took this conversation over: their phone hears the answer.
    if conversation.state.handed_off {
        let (what, _) = stored_content(m);
        crate::intake::push::lead_replied(db, consultant.id, lead.id, inbound_id, &what).await?;
    }
    // A tap on an appointment reminder's button is an answer to it, not to the flow.
    if let Some(tap) = match &m.content {
        Inbound::Reply { id, .. } => super::appointment_answers::parse(id),
        _ => None,
    } {
        super::appointment_answers::apply(
            db,
            consultant.id,
            &consultant.name,
            lead.id,
            lead.opted_out,
            conversation.id,
            inbound_id,
            tap,
        )
        .await?;
        crate::intake::scores::rescore(db, &[lead.id], Utc::now()).await?;
        return Ok(MessageResult::Handled {
            ai_answer: false,
            consultant: consultant.id,
        });
    }

    // A voice note waits to be heard, and whatever the lead writes meanwhile waits behind
    // it, so that answers are taken in the order they were given (a new conversation starts
    // the flow whatever the first message is).
    let audio = m.media.as_ref().is_some_and(|x| x.kind == "audio");
    if !conversation.is_new && (audio || super::pending_turns::waiting(db, conversation.id).await?)
    {
        super::pending_turns::defer(
            db,
            consultant.id,
            conversation.id,
            inbound_id,
            &m.content,
            audio,
        )
        .await?;
        return Ok(MessageResult::Handled {
            ai_answer: false,
            consultant: consultant.id,
        });
    }
    let ai_answer = super::bot_turn::take(
        db,
        super::bot_turn::Turn {
            consultant: &consultant,
            lead: lead.id,
            opted_out: lead.opted_out,
            awaiting_ack: lead.awaiting_ack,
            conversation,
            inbound_id,
            inbound: &m.content,
            profile_name: m.profile_name.as_deref(),
            over_limit,
        },
        public_url,
    )
    .await?;
    Ok(MessageResult::Handled {
        ai_answer,
        consultant: consultant.id,
    })
}

/// The lead who wrote, found by either identity or created.
async fn lead_of(
    db: &mut SystemTx<'_>,
    consultant: Uuid,
    m: &InboundMessage,
) -> Result<leads::InboundLead, ProcessError> {
    let wa_id = wa_id(&m.from);
    let number = (!wa_id.is_empty()).then(|| app::domain::phone::whatsapp_canonical(&wa_id));
    if number.is_none() && m.from_user_id.is_none() {
        return Err(ProcessError::NoSender);
    }
    Ok(leads::upsert_from_whatsapp(
        db,
        consultant,
        &leads::WhatsAppSender {
            number: number.as_deref(),
            wa_id: (!wa_id.is_empty()).then_some(wa_id.as_str()),
            user_id: m.from_user_id.as_deref(),
            profile_name: m.profile_name.as_deref(),
        },
        attribution(m),
    )
    .await?)
}

/// The lead's current conversation, or a new one on the consultant's live flow.
async fn conversation_of(
    db: &mut SystemTx<'_>,
    consultant: &super::routing::Consultant,
    lead: Uuid,
) -> Result<LockedConversation, ProcessError> {
    if let Some((id, flow_id, state)) = conversations::latest_for_update(db, lead).await? {
        return Ok(LockedConversation {
            id,
            flow_id,
            state,
            is_new: false,
        });
    }
    let (flow_id, _) = leads::live_flow(db, consultant.id)
        .await?
        .ok_or_else(|| ProcessError::NoFlow(consultant.vertical.clone()))?;
    conversations::start(db, consultant.id, lead, flow_id).await?;
    let (id, flow_id, state) = conversations::latest_for_update(db, lead)
        .await?
        .ok_or_else(|| ProcessError::Payload("conversa não criada".into()))?;
    Ok(LockedConversation {
        id,
        flow_id,
        state,
        is_new: true,
    })
}

/// Stores the message once (`None`: it was already stored) with its file's details.
async fn store_inbound(
    db: &mut SystemTx<'_>,
    consultant: Uuid,
    conversation: Uuid,
    m: &InboundMessage,
) -> Result<Option<Uuid>, ProcessError> {
    let (content, message_type) = stored_content(m);
    let Some(inbound_id) = messages::insert_inbound_once(
        db,
        consultant,
        conversation,
        &content,
        message_type,
        &m.wa_message_id,
    )
    .await?
    else {
        return Ok(None);
    };
    if let Some(media) = &m.media {
        messages::record_media(
            db,
            consultant,
            inbound_id,
            &messages::InboundMedia {
                kind: media.kind,
                media_id: &media.id,
                mime_type: media.mime_type.as_deref(),
                caption: media.caption.as_deref(),
                filename: media.filename.as_deref(),
            },
        )
        .await?;
    }
    Ok(Some(inbound_id))
}
