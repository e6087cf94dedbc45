//! Each step as WhatsApp shows it.

use crate::api::flows::StepPreview;
use leptos::prelude::*;

/// Each step as WhatsApp shows it (buttons, list or numbered text, as the engine chooses),
/// with its texts counted against WhatsApp's limits.
#[component]
pub fn StepPreviews(#[prop(into)] items: Signal<Vec<StepPreview>>) -> impl IntoView {
    view! {
        <section aria-labelledby="previa">
            <h2 id="previa">"Prévia das etapas"</h2>
            <p class="hint">"Como cada pergunta chega no WhatsApp, com os limites de caracteres de cada texto."</p>
            <ol class="cards-list step-previews">
                {move || items.get().into_iter().map(|p| view! {
                    <li class="card">
                        <h3>{format!("{} ({})", p.id, p.kind)}</h3>
                        <pre class="bubble-text">{p.text}</pre>
                        <ul class="small">
                            {p.counts.into_iter().map(|(what, n, limit)| {
                                let over = n > limit;
                                view! {
                                    <li class:over=over>{format!(
                                        "{what}: {n}/{limit}{}",
                                        if over { " — longo demais" } else { "" }
                                    )}</li>
                                }
                            }).collect_view()}
                        </ul>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
