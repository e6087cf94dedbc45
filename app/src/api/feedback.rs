//! Form feedback for pages rendered after a plain (JavaScript-off) form post.

use crate::error::AppError;
pub use crate::feedback::FormFeedback;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Takes the stored feedback of `form` (and forgets it), plus the session's CSRF token.
#[server(prefix = "/api", endpoint = "formulario")]
pub async fn form_state(form: String) -> Result<FormContext, AppError> {
    use crate::server::{auth, csrf, flash};
    let session = auth::session().await?;
    let csrf = csrf::token(&session).await?;
    let feedback = flash::take(&session, &form).await?;
    Ok(FormContext { csrf, feedback })
}

/// What a form needs to render: its CSRF token and any feedback from a plain post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormContext {
    pub csrf: String,
    pub feedback: Option<FormFeedback>,
}
