//! One submission of a reply or note form: its token (see `LeadPageData::form_token`), kept
//! in a hidden field, and what happens in the browser once the server has taken it: the box
//! is emptied and the token renewed, so the next message is a new one while a second tap on
//! the same one changes nothing.

use crate::error::AppError;
use leptos::html::Textarea;
use leptos::prelude::*;

/// The hidden token field of a form, renewed after each success of `done`, when the text
/// area `area` is also emptied.
pub fn renew_after_success<T>(
    initial: String,
    done: impl Fn() -> Option<Result<T, AppError>> + Send + Sync + 'static,
    area: NodeRef<Textarea>,
) -> impl IntoView
where
    T: Send + Sync + 'static,
{
    let token = RwSignal::new(initial);
    Effect::new(move |_| {
        if let Some(Ok(_)) = done() {
            token.set(uuid::Uuid::new_v4().to_string());
            if let Some(el) = area.get_untracked() {
                el.set_value("");
            }
        }
    });
    view! { <input type="hidden" name="envio" value=move || token.get()/> }
}
