//! What a form is told after a plain (JavaScript-off) post, kept in the session across the
//! redirect (`server::flash`) and read by the form's page (`api::feedback`). Below both, like
//! the error type, since both sides need it.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// The page-wide notice of the signed-in frame: a refusal that happened before a handler
/// knew which form it was (an expired CSRF token), shown at the top of the next page.
pub const NOTICE: &str = "aviso";

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
