//! Server functions, grouped by resource. Signatures and the types they carry are shared
//! with the browser; bodies run only on the server.

pub mod auth;
pub mod comparison;
pub mod conversions;
pub mod dashboard;
pub mod feedback;
pub mod files;
pub mod flows;
pub mod lead;
pub mod lead_move;
pub mod lead_tabs;
pub mod leads;
pub mod notifications;
pub mod page_data;
pub mod password;
pub mod password_reset;
pub mod profile;
pub mod sessions;
pub mod settings;
pub mod templates;
pub mod two_factor;
