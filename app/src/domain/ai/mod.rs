//! AI answers, the pure parts: the prompt (also the cache key), the built-in deterministic
//! responder used when no provider is configured or the provider fails, and the compliance
//! check every answer passes before a lead sees it.

mod compliance;
mod prompt;
mod responder;
pub mod summary;
mod wording;

pub use compliance::{check, disclaimer, safe_answer, ComplianceFlag};
pub use prompt::{build_prompt, AnswerContext, Prompt};
pub use responder::builtin_answer;
pub use wording::Asked;
