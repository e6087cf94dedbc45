//! The intake: what arrives from a channel (today WhatsApp's webhooks, through
//! `jobs::process`) written on the system path. Every function takes
//! [`SystemTx`](app::server::db::SystemTx) and names the consultant it writes for; nothing in
//! the `app` crate (the pages and their server functions) can reach these, since that crate
//! does not depend on this one.

pub mod comparisons;
pub mod conversations;
pub mod leads;
pub mod messages;
pub mod phone;
pub mod push;
pub mod scores;
pub mod templates;
