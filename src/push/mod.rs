//! Notifications on the consultants' phones (Web Push): the message encryption and the
//! VAPID signature (`crypto`), the server's keys from the configuration (`keys`), and the
//! job that sends what the intake queued (`sender`).

pub mod crypto;
pub mod keys;
pub mod sender;

pub use sender::{run, spawn, Pass, WebPush};
