use leptos::prelude::*;

/// What a section shows while its data is on the way.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" aria-live="polite">"Carregando…"</p> }
}
