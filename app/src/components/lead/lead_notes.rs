//! Writing a private note on a lead (never sent to WhatsApp); the notes themselves are shown
//! in the conversation's timeline.

use crate::api::feedback::FormFeedback;
use crate::api::lead::{AddNote, LeadPageData, MAX_NOTE_CHARS};
use crate::components::{textarea_text, FormAlert};
use leptos::prelude::*;

#[component]
pub fn LeadNotes(
    detail: LeadPageData,
    csrf: String,
    noted: ServerAction<AddNote>,
    stored: Option<FormFeedback>,
) -> impl IntoView {
    let errors = FormFeedback::error_signal(stored.clone(), move || noted.value().get());
    let success = FormFeedback::success_signal(
        stored.as_ref(),
        move || noted.value().get(),
        |()| "Nota salva.".into(),
    );
    let unsent = stored
        .as_ref()
        .filter(|f| f.error.is_some())
        .and_then(|f| f.value("body"))
        .unwrap_or_default();
    let area = NodeRef::<leptos::html::Textarea>::new();
    let token = super::submission::renew_after_success(
        detail.form_token.clone(),
        move || noted.value().get(),
        area,
    );
    view! {
        <section id="notas" aria-labelledby="notas-titulo">
            <h2 id="notas-titulo">"Notas privadas"</h2>
            <p class="hint">"Só você vê as notas; elas aparecem na conversa, mas não são enviadas ao lead."</p>
            <FormAlert errors success/>
            <ActionForm action=noted>
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="lead" value=detail.card.id.clone()/>
                {token}
                <div class="field">
                    <label for="campo-nota">"Nova nota"</label>
                    <textarea id="campo-nota" name="body" rows="2" maxlength=MAX_NOTE_CHARS.to_string() required
                        node_ref=area inner_html=textarea_text(&unsent)></textarea>
                </div>
                <button type="submit" class="button-secondary" disabled=move || noted.pending().get()>
                    {move || if noted.pending().get() { "Salvando…" } else { "Salvar nota" }}
                </button>
            </ActionForm>
        </section>
    }
}
