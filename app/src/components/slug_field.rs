//! The profile address field (`slug`), at sign-up and in Settings. People type names with
//! spaces and accents; the server makes an address of them ("Márcia Souza" →
//! `marcia-souza`, `domain::slug::normalise`), and with JavaScript the field says what it will
//! become while it is typed.

use super::FormErrors;
use crate::domain::slug::normalise;
use leptos::prelude::*;

#[component]
pub fn SlugField(
    /// What the field holds (set from outside to prefill it).
    value: RwSignal<String>,
    errors: FormErrors,
    hint: &'static str,
    /// Set once the person types in the field (a prefill then stops).
    #[prop(optional)]
    edited: Option<RwSignal<bool>>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let message = move || errors.get().and_then(|e| e.field_message("slug"));
    let becomes = move || {
        let typed = value.get();
        let address = normalise(&typed);
        (!address.is_empty() && address != typed.trim())
            .then(|| view! { <small class="hint">"Vai ficar: " <strong>{address}</strong></small> })
    };
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for="campo-slug">"Endereço do perfil"</label>
            <input id="campo-slug" type="text" name="slug" required=required
                autocomplete="off" autocapitalize="none" spellcheck="false"
                value=value.get_untracked() prop:value=move || value.get()
                on:input=move |ev| {
                    if let Some(edited) = edited {
                        edited.set(true);
                    }
                    value.set(event_target_value(&ev));
                }
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby="dica-slug erro-slug"/>
            <small class="hint" id="dica-slug">{hint}</small>
            {becomes}
            <p class="field-error" id="erro-slug">{message}</p>
        </div>
    }
}
