//! AI answers on the server: the provider (an OpenAI-compatible chat-completions API, or the
//! built-in responder), the prompt cache, the compliance gate and the `ai_responses` log.

mod client;

pub use client::{AiProvider, OpenAiCompatible};

use app::domain::ai::{self, AnswerContext};
use sqlx::PgConnection;
use std::time::Instant;
use uuid::Uuid;

pub const BUILTIN_MODEL: &str = "builtin";

/// Writes the answer a lead gets, logging it. Never fails for provider reasons: errors and
/// timeouts fall back to the built-in responder, and a non-compliant answer is replaced.
pub async fn answer(
    db: &mut PgConnection,
    provider: &AiProvider,
    ctx: &AnswerContext,
    lead_id: Uuid,
    conversation_id: Uuid,
) -> Result<(String, Uuid), sqlx::Error> {
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
    .fetch_optional(&mut *db)
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
    let passed = flags.is_empty();
    let sent = if passed {
        text.clone()
    } else {
        ai::safe_answer(ctx.vertical, ctx.lead_name.as_deref(), &ctx.consultant_name)
    };
    let latency_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    // The model's own words are kept (for audits) even when the lead got the safe answer.
    let logged = sqlx::query_scalar!(
        "insert into ai_responses (lead_id, conversation_id, prompt, response, model, tokens_used,
                                   latency_ms, was_cached, compliance_check_passed, compliance_flags)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         returning id",
        lead_id,
        conversation_id,
        &stored_prompt,
        &text,
        &used_model,
        tokens,
        latency_ms,
        was_cached,
        passed,
        serde_json::to_value(&flags).unwrap_or_default()
    )
    .fetch_one(&mut *db)
    .await?;
    Ok((sent, logged))
}
