//! AI answers on the server: the provider (an OpenAI-compatible chat-completions API, or the
//! built-in responder), the prompt cache, the compliance gate and the `ai_responses` log.

mod client;

pub use client::{AiProvider, OpenAiCompatible};

use app::domain::ai::{self, AnswerContext};
use sqlx::{PgConnection, PgPool};
use std::time::Instant;
use uuid::Uuid;

pub const BUILTIN_MODEL: &str = "builtin";

/// An answer composed for a lead, not yet written anywhere.
pub struct Composed {
    /// What the lead gets: the model's words, or the safe answer when they failed the gate.
    pub sent: String,
    stored_prompt: String,
    text: String,
    model: String,
    tokens: Option<i32>,
    latency_ms: i32,
    was_cached: bool,
    flags: Vec<ai::ComplianceFlag>,
}

/// Composes the answer a lead gets. Never fails for provider reasons: errors and timeouts
/// fall back to the built-in responder, and a non-compliant answer is replaced. Takes the
/// pool, not a transaction: the provider is an outside HTTP call, and no transaction is held
/// open across one.
pub async fn compose(
    pool: &PgPool,
    provider: &AiProvider,
    ctx: &AnswerContext,
) -> Result<Composed, sqlx::Error> {
    let prompt = ai::build_prompt(ctx);
    let stored_prompt = prompt.as_stored();
    let model = provider.model();
    let started = Instant::now();

    let cached: Option<String> = sqlx::query_scalar!(
        "select response from ai_responses
          where prompt = $1 and model = $2 and compliance_check_passed
          order by created_at desc limit 1",
        &stored_prompt,
        model
    )
    .fetch_optional(pool)
    .await?;

    let (text, used_model, tokens, was_cached) = match cached {
        Some(text) => (text, model.to_string(), None, true),
        None => match provider.complete(&prompt).await {
            Some(Ok(done)) => (done.text, model.to_string(), done.tokens, false),
            Some(Err(reason)) => {
                tracing::warn!(%reason, "AI provider failed; using the built-in responder");
                (
                    ai::builtin_answer(ctx),
                    BUILTIN_MODEL.to_string(),
                    None,
                    false,
                )
            }
            None => (
                ai::builtin_answer(ctx),
                BUILTIN_MODEL.to_string(),
                None,
                false,
            ),
        },
    };
    let flags = ai::check(ctx.vertical, &text);
    let sent = if flags.is_empty() {
        text.clone()
    } else {
        ai::safe_answer(ctx.vertical, ctx.lead_name.as_deref(), &ctx.consultant_name)
    };
    let latency_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    Ok(Composed {
        sent,
        stored_prompt,
        text,
        model: used_model,
        tokens,
        latency_ms,
        was_cached,
        flags,
    })
}

/// The flow simulator's AI answers: the provider's words, or the built-in responder's when it
/// fails. Nothing is cached, logged or counted: a simulation is not a lead.
impl app::server::AnswerWriter for AiProvider {
    fn write<'a>(
        &'a self,
        ctx: &'a AnswerContext,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = String> + Send + 'a>> {
        Box::pin(async move {
            match self.complete(&ai::build_prompt(ctx)).await {
                Some(Ok(done)) => done.text,
                Some(Err(reason)) => {
                    tracing::warn!(%reason, "AI provider failed in the simulator; built-in answer");
                    ai::builtin_answer(ctx)
                }
                None => ai::builtin_answer(ctx),
            }
        })
    }
}

/// Logs a composed answer in `ai_responses` (inside the transaction that writes it to its
/// message). The model's own words are kept (for audits) even when the lead got the safe
/// answer.
pub async fn log(
    db: &mut PgConnection,
    composed: &Composed,
    lead_id: Uuid,
    conversation_id: Uuid,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        "insert into ai_responses (lead_id, conversation_id, prompt, response, model, tokens_used,
                                   latency_ms, was_cached, compliance_check_passed, compliance_flags)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         returning id",
        lead_id,
        conversation_id,
        &composed.stored_prompt,
        &composed.text,
        &composed.model,
        composed.tokens,
        composed.latency_ms,
        composed.was_cached,
        composed.flags.is_empty(),
        serde_json::to_value(&composed.flags).unwrap_or_default()
    )
    .fetch_one(db)
    .await
}
