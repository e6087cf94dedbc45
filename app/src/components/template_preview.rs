//! A template as the lead's WhatsApp shows it: a bubble with the header image or bold header, the body, the
//! grey footer, and the buttons under it.

use crate::api::templates::Preview;
use leptos::prelude::*;

#[component]
pub fn TemplatePreview(preview: Preview) -> impl IntoView {
    view! {
        <div class="wa-preview" aria-label="Pré-visualização no WhatsApp">
            <div class="wa-bubble">
                {preview.image.map(|src| view! { <img class="wa-image" src=src alt="Imagem do cabeçalho" loading="lazy"/> })}
                {preview.header.map(|h| view! { <p class="wa-header">{h}</p> })}
                <p class="wa-body">{preview.body}</p>
                {preview.footer.map(|f| view! { <p class="wa-footer">{f}</p> })}
            </div>
            {(!preview.buttons.is_empty()).then(|| view! {
                <ul class="wa-buttons">
                    {preview.buttons.into_iter().map(|b| view! { <li>{b}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}
