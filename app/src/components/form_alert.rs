//! A form's summary message: the error of the last submission, or its success.

use crate::api::feedback::FormFeedback;
use crate::error::AppError;
use leptos::prelude::*;

/// The error to show for a form: the action's latest result when JavaScript ran it, else
/// the feedback stored by a plain (JavaScript-off) post.
pub type FormErrors = Signal<Option<AppError>>;

impl FormFeedback {
    /// Builds the error signal for a form; `latest` reads its action's latest result.
    pub fn error_signal<T>(
        feedback: Option<FormFeedback>,
        latest: impl Fn() -> Option<Result<T, AppError>> + Send + Sync + 'static,
    ) -> FormErrors {
        let stored = feedback.and_then(|f| f.error);
        Signal::derive(move || match latest() {
            Some(Err(e)) => Some(e),
            Some(Ok(_)) => None,
            None => stored.clone(),
        })
    }

    /// The success message to show for a form: the action's latest result when JavaScript
    /// ran it (worded by `message`), else the one a plain post stored.
    pub fn success_signal<T>(
        feedback: Option<&FormFeedback>,
        latest: impl Fn() -> Option<Result<T, AppError>> + Send + Sync + 'static,
        message: impl Fn(T) -> String + Send + Sync + 'static,
    ) -> Signal<Option<String>> {
        let stored = feedback.and_then(|f| f.success.clone());
        Signal::derive(move || match latest() {
            Some(Ok(v)) => Some(message(v)),
            Some(Err(_)) => None,
            None => stored.clone(),
        })
    }
}

#[component]
pub fn FormAlert(
    errors: FormErrors,
    /// A success message to show (for example after a save without JavaScript).
    #[prop(into, optional)]
    success: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        {move || errors.get().map(|e| view! {
            <div class="alert alert-error" role="alert">{e.to_string()}</div>
        })}
        {move || success.get().map(|m| view! {
            <div class="alert alert-success" role="status">{m}</div>
        })}
    }
}

/// An error in place of a section that could not load.
pub fn error_view(e: AppError) -> AnyView {
    match e {
        // The session ended (or never was): the sign-in page, as the frame does.
        AppError::Unauthenticated => {
            view! { <crate::components::RedirectTo path="/entrar"/> }.into_any()
        }
        e => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
    }
}
