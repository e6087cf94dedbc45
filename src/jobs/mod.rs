//! Background work: the webhook queue's workers, the outbound sender, the minute jobs
//! (reminders, the pending sweep) and the upkeep loops, all started and stopped by one
//! `supervisor::Supervisor`.

mod answers;
mod appointment_answers;
mod bot_turn;
mod claims;
mod coexistence;
pub mod comparisons;
pub mod conversions;
mod dead_claims;
mod file_sends;
mod inbound_content;
pub mod media;
pub mod metrics;
mod outcome;
pub mod pending_turns;
mod process;
mod process_error;
pub mod reminders;
pub mod rescoring;
mod routing;
pub mod scheduler;
mod sender;
mod services;
pub mod summaries;
pub mod supervisor;
pub mod templates;
pub mod voice;
mod worker;

pub use claims::{
    hold_liveness, holder_key, release_dead_claims, release_own_claims, CLAIM_LEASE,
    DEAD_CLAIM_CHECK,
};
pub use dead_claims::spawn_dead_claim_watcher;
pub use process::{process_payload, Outcome, Routing};
pub use sender::{send_pending, settle_abandoned, Transport};
pub use services::Services;
pub use templates::submit_templates;
pub use worker::{
    replay, run_once, spawn_outbox_sender, spawn_pending_sweep, spawn_reminders, spawn_scheduler,
    spawn_workers, WorkerConfig, MAX_ATTEMPTS,
};

/// The wait before trying again something sent to an outside service (a push, an event for
/// Meta): `first` seconds after the first failed attempt, doubling after each (at most 1,024
/// times `first`).
pub fn doubling_delay_secs(first: f64, attempts: i32) -> f64 {
    first * f64::from(1 << (attempts - 1).clamp(0, 10))
}
