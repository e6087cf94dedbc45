//! The flow editor's steps as cards: add, remove and reorder them, change their type, write
//! the question (with the earlier answers as placeholders), the options and where each one
//! leads, the validation of a free-text answer and the message for an invalid one. Every
//! text with a WhatsApp limit counts its characters, and the validator's messages sit on the
//! step they concern.
//!
//! Without JavaScript the cards are one plain form: each button posts the whole form with
//! its `op` (`EditOp`), the server reads it back (`flow::from_form`), applies the change and
//! saves the draft. With JavaScript the same changes (`EditOp::apply`) happen in the page at
//! once, steps can be dragged, counts and messages follow the typing, and "Salvar" sends the
//! definition without a reload. The JSON view below shows the same definition and, when it
//! parses, edits it too.

mod model;
mod next_select;
mod options_editor;
mod previews;
mod step_card;
mod unsaved;

pub use previews::StepPreviews;
#[cfg(feature = "hydrate")]
pub use unsaved::guard_leaving;
pub use unsaved::Unsaved;

use crate::api::flows::{previews, SaveFlow};
use crate::components::textarea_text;
use crate::domain::flow::{validate, EditOp, FlowDefinition, FlowIssue};
use leptos::prelude::*;
use model::{pretty, Model};
use step_card::StepCard;

/// What every form posted to `/fluxos/acao` from the editor carries: the CSRF token, the flow
/// and the action.
pub fn flow_action_fields(csrf: &str, id: &str, acao: &'static str) -> impl IntoView {
    view! {
        <input type="hidden" name="csrf" value=csrf.to_string()/>
        <input type="hidden" name="id" value=id.to_string()/>
        <input type="hidden" name="acao" value=acao/>
    }
}

#[component]
pub fn StepEditor(
    flow_id: String,
    csrf: String,
    def: FlowDefinition,
    /// What the JSON box starts with (the typed text after refused JSON).
    json: String,
    /// Whether the JSON view starts open (it does after refused JSON, to show the text).
    json_open: bool,
    save: ServerAction<SaveFlow>,
    /// Where the page keeps what was typed and not saved (the simulator saves it first).
    unsaved: Unsaved,
    /// Whether a save is under way (made by the page, which outlives this editor: a save
    /// draws the editor again).
    pending: Memo<bool>,
) -> impl IntoView {
    let saved = pretty(&def);
    let model = Model {
        def: RwSignal::new(def),
        shape: RwSignal::new(0),
        json: RwSignal::new(json.clone()),
    };
    // Effects run in the browser only: without JavaScript every change is a post that saves.
    Effect::new(move |_| {
        let now = model.def.with(pretty);
        unsaved.0.set((now != saved).then_some(now));
    });
    let issues: Memo<Vec<FlowIssue>> =
        Memo::new(move |_| model.def.with(|d| validate(d).err().unwrap_or_default()));
    let general = move || {
        issues.with(|all| {
            all.iter()
                .filter(|i| i.step.is_none())
                .map(|i| i.message.clone())
                .collect::<Vec<_>>()
        })
    };
    let send = {
        let (csrf, flow_id) = (csrf.clone(), flow_id.clone());
        Callback::new(move |publish: bool| {
            save.dispatch(SaveFlow {
                csrf: csrf.clone(),
                id: flow_id.clone(),
                json: model.def.with_untracked(pretty),
                publish,
            });
        })
    };
    let hidden = {
        let (csrf, flow_id) = (csrf.clone(), flow_id.clone());
        move |acao: &'static str| flow_action_fields(&csrf, &flow_id, acao)
    };
    view! {
        <form method="post" action="/fluxos/acao" class="step-editor" aria-label="Etapas do fluxo">
            {hidden("editar")}
            // Enter in a field submits with the first button of the form: this one, so that it
            // saves instead of moving or removing the first step.
            <div class="sr-only">
                <button type="submit" name="op" value="salvar" tabindex="-1" aria-hidden="true"
                    on:click=move |ev| { ev.prevent_default(); send.run(false); }>"Salvar rascunho"</button>
            </div>
            <input type="hidden" name="etapas" value=model.def.with_untracked(|d| d.etapas.len().to_string())/>
            <div aria-live="polite">
                {move || {
                    let g = general();
                    (!g.is_empty()).then(|| view! {
                        <ul class="alert alert-warning step-issues">
                            {g.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                        </ul>
                    })
                }}
            </div>
            <ol class="step-cards">
                {move || {
                    model.shape.track();
                    let n = model.def.with_untracked(|d| d.etapas.len());
                    (0..n).map(|i| view! { <StepCard i model issues/> }).collect_view()
                }}
            </ol>
            <div class="actions">
                <button type="submit" name="op" value="adicionar-etapa" class="button-secondary"
                    on:click=move |ev| { ev.prevent_default(); model.apply(EditOp::AddStep); }>
                    "+ Adicionar etapa"
                </button>
                <button type="submit" name="op" value="salvar" class="button-secondary"
                    disabled=move || pending.get()
                    on:click=move |ev| { ev.prevent_default(); send.run(false); }>
                    "Salvar rascunho"
                </button>
                <button type="submit" name="op" value="publicar"
                    disabled=move || pending.get()
                    on:click=move |ev| { ev.prevent_default(); send.run(true); }>
                    {move || if pending.get() { "Salvando…" } else { "Salvar e publicar" }}
                </button>
            </div>
            // Beside the buttons: whether a save is under way, or anything is still unsaved
            // (the outcome is the page's message, scrolled to when it comes).
            <p class="save-status" aria-live="polite">
                {move || if pending.get() {
                    "Salvando…"
                } else if unsaved.0.get().is_some() {
                    "Mudanças não salvas."
                } else {
                    ""
                }}
            </p>
        </form>
        <StepPreviews items=Signal::derive(move || model.def.with(previews))/>
        <details class="json-view" open=json_open>
            <summary>"Ver e editar como JSON"</summary>
            <form method="post" action="/fluxos/acao">
                {hidden("rascunho")}
                <div class="field">
                    <label for="fluxo-json">"Definição do fluxo (JSON)"</label>
                    <textarea id="fluxo-json" name="json" rows="24" spellcheck="false" class="flow-json"
                        inner_html=textarea_text(&json)
                        prop:value=move || model.json.get()
                        on:input=move |ev| {
                            // JSON that reads as a flow redraws the cards; anything else waits
                            // for "Salvar JSON", which says where it breaks. Read as bytes, as
                            // the page's data is (one decoder in the bundle, `api::page_data`).
                            if let Ok(parsed) = serde_json::from_slice::<FlowDefinition>(event_target_value(&ev).as_bytes()) {
                                model.def.set(parsed);
                                model.shape.update(|n| *n += 1);
                            }
                        }></textarea>
                    <span class="hint">"As mudanças nas etapas aparecem aqui, e um JSON válido aqui muda as etapas."</span>
                </div>
                <button type="submit" class="button-secondary">"Salvar JSON como rascunho"</button>
            </form>
        </details>
    }
}
