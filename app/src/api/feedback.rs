//! Form feedback for pages rendered after a plain (JavaScript-off) form post.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The outcome of the last submission of one form, with what was typed (never passwords).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormFeedback {
    pub form: String,
    pub error: Option<AppError>,
    pub success: Option<String>,
    pub values: Vec<(String, String)>,
}

impl FormFeedback {
    pub fn value(&self, field: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
    }
}

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
