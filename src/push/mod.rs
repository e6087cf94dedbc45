//! Notifications on the consultants' phones (Web Push): the message encryption and the
//! VAPID identity (`crypto`), and the job that sends what the intake queued (`sender`).

pub mod crypto;
pub mod sender;

pub use sender::{run, spawn, Pass, WebPush};
