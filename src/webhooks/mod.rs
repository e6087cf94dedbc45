//! WhatsApp Cloud API webhooks: plain axum routes on the same server as the pages.

mod intake;
pub mod payload;
pub mod signature;

pub use intake::{router, WebhookState};
