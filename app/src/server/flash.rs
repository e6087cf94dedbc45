//! Form feedback that survives a redirect, for browsers without JavaScript.
//!
//! A plain form post to a server function is answered with a redirect back to the form
//! (leptos_axum), which would drop the error on the floor. Before returning, the server
//! function stores the outcome here; the form's page takes it when it renders.

use crate::error::AppError;
use crate::feedback::FormFeedback;
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

/// As [`remember`], and a plain form post comes back to the page it came from at `anchor`
/// (an element's id) instead of its top: where the consultant acted, on a phone screens
/// below the top (the reply box, the notes, the column a card went to).
pub async fn remember_at<T>(
    anchor: &str,
    form: &str,
    values: Vec<(&str, String)>,
    success: &str,
    result: Result<T, AppError>,
) -> Result<T, AppError> {
    if !anchor.is_empty() && super::request_meta::is_plain_form_post() {
        if let Some(back) = super::request_meta::referer_path() {
            let back = back.split('#').next().unwrap_or_default();
            leptos_axum::redirect(&format!("{back}#{anchor}"));
        }
    }
    remember(form, values, success, result).await
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

/// As [`redirect_with`], for a refusal that belongs to no form in particular: the next page
/// shows it at the top ([`NOTICE`](crate::feedback::NOTICE)).
pub async fn redirect_with_notice(
    session: &Session,
    error: AppError,
    to: &str,
) -> axum::response::Response {
    redirect_with(session, crate::feedback::NOTICE, Vec::new(), Err(error), to).await
}

/// The most of what was typed that is kept for the form to show again: more than any field
/// accepts (a WhatsApp message has 4,096 characters), far less than a post can carry. A
/// refused anonymous post (sign-up, login) made a session row as large as its fields, kept
/// for a week: a way to fill the disk.
pub const MAX_KEPT_VALUE_CHARS: usize = 4_096;
pub const MAX_KEPT_TOTAL_CHARS: usize = 16_384;
/// Field messages kept (they may name what was typed, such as an answer's key).
const MAX_KEPT_FIELD_ERRORS: usize = 50;
const MAX_KEPT_MESSAGE_CHARS: usize = 300;

/// The feedback cut to the bounds above: a value too long to keep is left out (the form
/// comes back empty there), and so is anything past the total.
fn bounded(mut feedback: FormFeedback) -> FormFeedback {
    let mut total = 0;
    feedback.values.retain(|(k, v)| {
        let size = k.chars().count() + v.chars().count();
        let keep =
            v.chars().count() <= MAX_KEPT_VALUE_CHARS && total + size <= MAX_KEPT_TOTAL_CHARS;
        if keep {
            total += size;
        }
        keep
    });
    let cut = |s: &mut String| {
        if let Some((end, _)) = s.char_indices().nth(MAX_KEPT_MESSAGE_CHARS) {
            s.truncate(end);
            s.push('…');
        }
    };
    if let Some(AppError::Invalid { message, fields }) = feedback.error.as_mut() {
        cut(message);
        fields.truncate(MAX_KEPT_FIELD_ERRORS);
        for f in fields.iter_mut() {
            cut(&mut f.field);
            cut(&mut f.message);
        }
    }
    feedback
}

/// Stores feedback for the next render of its form, within bounds (see [`bounded`]). A
/// failure only costs the message.
pub async fn put(session: &Session, feedback: FormFeedback) {
    if let Err(e) = session.insert(KEY, bounded(feedback)).await {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;

    #[test]
    fn keeps_only_a_small_bounded_copy_of_what_was_typed() {
        let feedback = FormFeedback {
            form: "cadastro".into(),
            error: Some(AppError::Invalid {
                message: "x".repeat(1_000_000),
                fields: (0..1_000)
                    .map(|i| FieldError {
                        field: format!("r_{}", "k".repeat(10_000 + i)),
                        message: "Esta resposta não existe.".into(),
                    })
                    .collect(),
            }),
            success: None,
            values: vec![
                ("name".into(), "Ana".into()),
                ("bio".into(), "b".repeat(1_000_000)),
                ("a".into(), "c".repeat(4_096)),
                ("b".into(), "d".repeat(4_096)),
                ("c".into(), "e".repeat(4_096)),
                ("d".into(), "f".repeat(4_096)),
            ],
        };
        let kept = bounded(feedback);
        let size = serde_json::to_string(&kept).unwrap().len();
        assert!(size < 64 * 1024, "{size} bytes kept");
        assert_eq!(kept.value("name").as_deref(), Some("Ana"));
        assert_eq!(kept.value("bio"), None, "too long to keep");
        assert_eq!(
            kept.values.len(),
            4,
            "the total bound leaves the last one out"
        );
    }
}
