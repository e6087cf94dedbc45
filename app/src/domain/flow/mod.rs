//! Conversation flows: the definition a consultant edits, the validator that refuses bad
//! ones, and the engine that walks a lead through one. All pure: no database, clock or
//! network; callers pass the time in and perform the effects the engine returns.

mod answer;
mod definition;
mod edit;
mod engine;
mod form;
mod outgoing;
mod replies;
mod validate;

pub use answer::normalise;
pub use definition::{Choice, FlowDefinition, Step, StepKind};
pub use edit::{placeholders, rename_step, value_from_label, EditOp};
pub use engine::{
    handle, preview, start, ConversationState, Effect, HandOffReason, Inbound, StepResult,
    MAX_WRONG_ANSWERS,
};
pub use form::{form_fields, from_form};
pub use outgoing::{LinkValue, Outgoing};
pub use replies::{default_invalid_message, UNHEARD};
pub use validate::{parse_and_validate, validate, FlowIssue, WhatsAppLimits};

#[cfg(test)]
mod tests;
