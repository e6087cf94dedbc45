//! WhatsApp Cloud API webhooks: plain axum routes on the same server as the pages.

pub mod clean;
mod intake;
pub mod payload;
pub mod signature;

pub use intake::{router, WebhookState};
