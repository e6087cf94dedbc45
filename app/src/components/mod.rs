//! Reusable views, one per file.

mod app_shell;
mod field;
mod form_alert;
mod loading;
mod redirect_to;

pub use app_shell::AppShell;
pub use field::{SelectField, TextField};
pub use form_alert::{error_view, FormAlert, FormErrors};
pub use loading::Loading;
pub use redirect_to::RedirectTo;
