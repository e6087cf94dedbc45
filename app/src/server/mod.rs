//! Server-only code: database access, sessions, authentication. Compiled with `ssr` only.

pub mod appointment_reminders;
pub mod appointments;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod bulk_undo;
pub mod comparison_offers;
pub mod content_policy;
pub mod conversations;
pub mod conversions;
pub mod costs;
pub mod csrf;
pub mod dashboard;
pub mod db;
pub mod error;
pub mod files;
pub mod flash;
pub mod flow_drafts;
pub mod flows;
pub mod known_device;
pub mod lead_cards;
pub mod lead_data;
pub mod lead_insights;
pub mod lead_moves;
pub mod lead_notes;
pub mod lead_settings;
pub mod leads;
pub mod mail;
pub mod messages;
pub mod outbox;
pub mod password_attempts;
pub mod password_hash;
pub mod push_devices;
pub mod request_meta;
pub mod scheduled;
pub mod sessions;
pub mod shared_reads;
pub mod state;
pub mod template_changes;
pub mod templates;
pub mod tenant;
pub mod totp;
pub mod two_factor;

pub use state::{app_state, AnswerWriter, AppConfig, AppState};
pub use tenant::Tenant;

/// A plain form's field by name (the first one; empty when absent), for axum routes that
/// read a form as `Vec<(String, String)>` (repeated names, like checkboxes, are kept).
pub fn form_field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}
