//! The editor's shared state, WhatsApp's limits on a step's texts, and the character count
//! shown against them.

use crate::domain::flow::{EditOp, FlowDefinition, StepKind, WhatsAppLimits as L};
use leptos::prelude::*;

/// The character limit WhatsApp puts on a step's text, as the engine will send it.
pub(super) fn body_limit(kind: StepKind, options: usize) -> usize {
    if kind == StepKind::Escolha && options <= L::MAX_LIST_ROWS {
        L::INTERACTIVE_BODY
    } else {
        L::TEXT_BODY
    }
}

/// The limit on an option's label, or none when the options go as numbered text.
pub(super) fn label_limit(options: usize) -> Option<usize> {
    match options {
        n if n <= L::MAX_BUTTONS => Some(L::BUTTON_TITLE),
        n if n <= L::MAX_LIST_ROWS => Some(L::LIST_ROW_TITLE),
        _ => None,
    }
}

pub(super) fn pretty(def: &FlowDefinition) -> String {
    serde_json::to_string_pretty(def).unwrap_or_default()
}

/// The shared state of one editor: the definition being edited and a counter that changes
/// when its shape does (the cards are drawn again then, and only then, so typing never
/// loses the cursor).
#[derive(Clone, Copy)]
pub(super) struct Model {
    pub(super) def: RwSignal<FlowDefinition>,
    pub(super) shape: RwSignal<u32>,
    /// What the JSON view shows; written when the cards change, never while typing there.
    pub(super) json: RwSignal<String>,
}

impl Model {
    pub(super) fn edit(self, f: impl FnOnce(&mut FlowDefinition)) {
        self.def.update(f);
        self.json.set(self.def.with_untracked(pretty));
    }

    pub(super) fn apply(self, op: EditOp) {
        self.edit(|d| {
            op.apply(d);
        });
        self.shape.update(|n| *n += 1);
    }

    pub(super) fn step_text(
        self,
        i: usize,
        f: impl Fn(&crate::domain::flow::Step) -> String,
    ) -> String {
        self.def
            .with(|d| d.etapas.get(i).map(&f).unwrap_or_default())
    }
}

/// A character count against a limit, marked when over it.
#[component]
pub(super) fn Count(
    #[prop(into)] n: Signal<usize>,
    #[prop(into)] limit: Signal<usize>,
) -> impl IntoView {
    view! {
        <span class="hint char-count" class:over=move || { n.get() > limit.get() }>
            {move || {
                let (n, limit) = (n.get(), limit.get());
                if n > limit {
                    format!("{n}/{limit} caracteres: passa do limite do WhatsApp")
                } else {
                    format!("{n}/{limit} caracteres")
                }
            }}
        </span>
    }
}
