//! Form feedback that survives a redirect, for browsers without JavaScript.
//!
//! A plain form post to a server function is answered with a redirect back to the form
//! (leptos_axum), which would drop the error on the floor. Before returning, the server
//! function stores the outcome here; the form's page takes it when it renders.

use crate::api::feedback::FormFeedback;
use crate::error::AppError;
use tower_sessions::Session;

const KEY: &str = "form_feedback";

/// Stores the outcome for `form` when the request is a plain form post; passes it through.
pub async fn remember<T>(
    form: &str,
    values: Vec<(&str, String)>,
    success: &str,
    result: Result<T, AppError>,
) -> Result<T, AppError> {
    if let Err(e) = &result {
        super::auth::set_error_status(e);
    }
    if !super::request_meta::is_plain_form_post() {
        return result;
    }
    // What was typed comes back into the form only from a request that passed the CSRF and
    // sign-in checks: otherwise another site could post text of its choosing into this
    // browser's next rendering of the form.
    let trusted = !matches!(
        result,
        Err(AppError::Forbidden(_) | AppError::Unauthenticated)
    );
    let feedback = FormFeedback {
        form: form.to_string(),
        error: result.as_ref().err().cloned(),
        success: result.is_ok().then(|| success.to_string()),
        values: values
            .into_iter()
            .filter(|_| trusted)
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    };
    if let Ok(session) = super::auth::session().await {
        put(&session, feedback).await;
    }
    result
}

/// For a plain-form axum route: leaves `result` for `form` (with `values`, e.g. which of a
/// page's forms it was) and sends the browser to `to`.
pub async fn redirect_with(
    session: &Session,
    form: &str,
    values: Vec<(String, String)>,
    result: Result<String, AppError>,
    to: &str,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    put(
        session,
        FormFeedback {
            form: form.into(),
            error: result.as_ref().err().cloned(),
            success: result.ok(),
            values,
        },
    )
    .await;
    axum::response::Redirect::to(to).into_response()
}

/// Stores feedback for the next render of its form. A failure only costs the message.
pub async fn put(session: &Session, feedback: FormFeedback) {
    if let Err(e) = session.insert(KEY, feedback).await {
        tracing::warn!(error = %e, "could not store form feedback");
    }
}

/// Takes (and clears) the stored feedback if it belongs to `form`.
pub async fn take(session: &Session, form: &str) -> Result<Option<FormFeedback>, AppError> {
    let stored: Option<FormFeedback> = session
        .get(KEY)
        .await
        .map_err(|e| super::error::internal("flash read", e))?;
    match stored {
        Some(f) if f.form == form => {
            session
                .remove::<FormFeedback>(KEY)
                .await
                .map_err(|e| super::error::internal("flash remove", e))?;
            Ok(Some(f))
        }
        _ => Ok(None),
    }
}
