//! The bot's turn on one message of a lead: the pure `turn::decide` on the conversation's flow,
//! and what it decided written in the caller's transaction (answers, consent, completion, the
//! temperature, the replies). Taken at once for most messages (`process`), and later for a
//! voice note and what waited behind it (`pending_turns`).

use super::process_error::ProcessError;
use super::routing::Consultant;
use crate::intake::{conversations, leads, messages};
use app::domain::flow::{self, Effect, Inbound};
use app::domain::turn::{self, ConsultantInfo, TurnInput};
use app::domain::Vertical;
use app::server::db::SystemTx;
use chrono::Utc;
use uuid::Uuid;

/// The lead's conversation, locked so that one lead's messages are handled one at a time.
pub(super) struct LockedConversation {
    pub id: Uuid,
    pub flow_id: Uuid,
    pub state: flow::ConversationState,
    /// Opened by this message.
    pub is_new: bool,
}

/// One message of the lead's, and who and where it is.
pub(super) struct Turn<'a> {
    pub consultant: &'a Consultant,
    pub lead: Uuid,
    /// Wrote SAIR (or the like) and not VOLTAR since.
    pub opted_out: bool,
    /// A privacy notice went out that the lead has not yet written after.
    pub awaiting_ack: bool,
    pub conversation: LockedConversation,
    /// The stored message the replies answer.
    pub inbound_id: Uuid,
    pub inbound: &'a Inbound,
    pub profile_name: Option<&'a str>,
    /// A new lead past the plan's monthly limit.
    pub over_limit: bool,
}

/// Takes the turn; returns whether an AI answer was queued (written after the transaction).
pub(super) async fn take(
    db: &mut SystemTx<'_>,
    t: Turn<'_>,
    public_url: Option<&str>,
) -> Result<bool, ProcessError> {
    let (consultant, conversation) = (t.consultant, t.conversation);
    let definition = conversations::flow_definition(db, conversation.id).await?;
    let def =
        flow::parse_and_validate(&definition).map_err(|issues| ProcessError::InvalidFlow {
            flow: conversation.flow_id,
            reason: issues
                .into_iter()
                .map(|i| i.message)
                .collect::<Vec<_>>()
                .join("; "),
        })?;
    let info = ConsultantInfo {
        vertical: Vertical::parse(&consultant.vertical)
            .map_err(|_| ProcessError::UnknownVertical(consultant.vertical.clone()))?,
        name: consultant.name.clone(),
        bio: consultant.bio.clone(),
    };
    let privacy_url = public_url.map(|base| {
        format!(
            "{}/c/{}/privacidade",
            base.trim_end_matches('/'),
            consultant.slug
        )
    });
    let decision = turn::decide(TurnInput {
        def: &def,
        state: conversation.state,
        inbound: t.inbound,
        is_new: conversation.is_new,
        over_limit: t.over_limit,
        consultant: &info,
        profile_name: t.profile_name,
        now: Utc::now(),
        opted_out: t.opted_out,
        privacy_url: privacy_url.as_deref(),
    });
    leads::record_consent(
        db,
        t.lead,
        decision.consent,
        decision.privacy_notice,
        t.awaiting_ack && !conversation.is_new,
    )
    .await?;
    for effect in &decision.step.effects {
        match effect {
            Effect::Answered { step, value } => {
                leads::record_answer(db, t.lead, step, value).await?
            }
            Effect::Completed { .. } => {
                conversations::mark_completed(db, conversation.id).await?;
                leads::request_summary(db, t.lead).await?;
                app::server::conversions::queue(db, consultant.id, t.lead, "fluxo_concluido")
                    .await?;
                crate::intake::comparisons::request(
                    db,
                    consultant.id,
                    t.lead,
                    conversation.id,
                    conversation.flow_id,
                )
                .await?;
            }
            Effect::HandOff { .. } => conversations::mark_handed_off(db, conversation.id).await?,
        }
    }
    conversations::save_state(db, conversation.id, &decision.step.state).await?;
    // The temperature follows every message: its answers, the flow's end, the recency.
    let rescored = crate::intake::scores::rescore(db, &[t.lead], Utc::now()).await?;
    if rescored.became_hot.contains(&t.lead) {
        crate::intake::push::hot_lead(db, consultant.id, t.lead, Some(&def), info.vertical).await?;
    }
    messages::queue_bot_replies(
        db,
        consultant.id,
        conversation.id,
        t.inbound_id,
        &decision.step.messages,
        decision.ai_answer.as_ref(),
    )
    .await?;
    Ok(decision.ai_answer.is_some())
}
