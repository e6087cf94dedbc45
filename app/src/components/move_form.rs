//! Moving a lead to another stage: a small form that works without JavaScript (one per card
//! and on the lead page). Keyboard users move cards with it too.

use crate::api::leads::MoveLead;
use leptos::prelude::*;

#[component]
pub fn MoveForm(
    action: ServerAction<MoveLead>,
    csrf: String,
    lead: String,
    /// Where the lead may go: (status, label).
    moves: Vec<(String, String)>,
    /// Shown as a collapsible "Mover" (cards) or open (lead page).
    #[prop(optional)]
    open: bool,
    /// The lead is "fechado": moving it reopens the deal, with a reason.
    #[prop(optional)]
    reopening_closed: bool,
) -> impl IntoView {
    if moves.is_empty() {
        return view! { <p class="muted small">"Etapa final."</p> }.into_any();
    }
    // A closed deal's only move is reopening it, which needs a reason.
    let reopening = reopening_closed;
    let select_id = format!("mover-{lead}");
    let reason_id = format!("motivo-{lead}");
    let form = view! {
        <ActionForm action=action attr:class="move-form">
            <input type="hidden" name="csrf" value=csrf/>
            <input type="hidden" name="lead" value=lead.clone()/>
            <label for=select_id.clone()>"Mover para"</label>
            <select id=select_id name="to">
                {moves.into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
            </select>
            // The reason: asked when reopening a closed deal (required); otherwise shown only
            // while "Perdido" is chosen (style/main.css, `:has`).
            <span class=if reopening { "move-reason move-reason-required" } else { "move-reason" }>
                <label for=reason_id.clone()>{if reopening { "Motivo da reabertura" } else { "Motivo da perda (opcional)" }}</label>
                <input id=reason_id type="text" name="reason" maxlength="500" required=reopening/>
            </span>
            <button type="submit" class="button-small" disabled=move || action.pending().get()>"Mover"</button>
        </ActionForm>
    };
    if open {
        form.into_any()
    } else {
        view! { <details class="move"><summary>"Mover"</summary>{form}</details> }.into_any()
    }
}
