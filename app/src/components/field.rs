//! Labelled form inputs that show their own server-side error.

use super::FormErrors;
use leptos::prelude::*;

#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    errors: FormErrors,
    #[prop(default = "text")] kind: &'static str,
    #[prop(into, optional)] value: String,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    let id = format!("campo-{name}");
    let error_id = format!("erro-{name}");
    let message = move || errors.get().and_then(|e| e.field_message(name));
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type=kind
                name=name
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=error_id.clone()
            />
            {hint.map(|h| view! { <small class="hint">{h}</small> })}
            <p class="field-error" id=error_id>{message}</p>
        </div>
    }
}

#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    errors: FormErrors,
    /// (value, label) pairs.
    options: Vec<(&'static str, &'static str)>,
    #[prop(into, optional)] selected: String,
    #[prop(optional)] placeholder: Option<&'static str>,
) -> impl IntoView {
    let id = format!("campo-{name}");
    let error_id = format!("erro-{name}");
    let message = move || errors.get().and_then(|e| e.field_message(name));
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            <select id=id name=name aria-describedby=error_id.clone()>
                {placeholder.map(|p| view! { <option value="" selected=selected.is_empty()>{p}</option> })}
                {options.into_iter().map(|(v, l)| {
                    let is_selected = v == selected;
                    view! { <option value=v selected=is_selected>{l}</option> }
                }).collect_view()}
            </select>
            <p class="field-error" id=error_id>{message}</p>
        </div>
    }
}
