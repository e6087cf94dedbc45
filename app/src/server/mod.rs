//! Server-only code: database access, sessions, authentication. Compiled with `ssr` only.

pub mod audit;
pub mod auth;
pub mod csrf;
pub mod db;
pub mod error;
pub mod flash;
pub mod password_hash;
pub mod photos;
pub mod request_meta;
pub mod state;

pub use state::{app_state, AppConfig, AppState};
