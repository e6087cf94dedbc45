//! Moving a lead to another stage: a small form that works without JavaScript (one per card
//! and on the lead page). Keyboard users move cards with it too. Moving to "Agendado" asks
//! for the date and time (and optionally a place or a video link) in the same form.

use crate::api::feedback::FormFeedback;
use crate::api::leads::MoveLead;
use crate::components::hydrated;
use leptos::prelude::*;

/// What was typed in the last refused move, per page: with JavaScript the page reloads its
/// data after every move (refused too) and rebuilds the forms, which would drop it. Provided
/// by the page, outside its Suspense ([`remember_moves`]).
#[derive(Clone, Copy)]
struct LastMove(RwSignal<Option<MoveLead>>);

/// Keeps the input of `action`'s latest dispatch for the forms rebuilt after it.
pub fn remember_moves(action: ServerAction<MoveLead>) {
    let last = RwSignal::new(None::<MoveLead>);
    Effect::new(move |_| {
        if let Some(input) = action.input().get() {
            last.set(Some(input));
        }
    });
    provide_context(LastMove(last));
}

/// The values to show again in one lead's form after a refusal: from the JavaScript
/// dispatch, else from a plain post's stored feedback.
fn typed_again(
    action: ServerAction<MoveLead>,
    stored: Option<&FormFeedback>,
    lead: &str,
) -> Option<Vec<(String, String)>> {
    let refused = matches!(action.value().get_untracked(), Some(Err(_)));
    let from_js = use_context::<LastMove>()
        .and_then(|l| l.0.get_untracked())
        .filter(|m| refused && m.lead == lead)
        .map(|m| {
            vec![
                ("to".to_string(), m.to),
                ("reason".into(), m.reason),
                ("data".into(), m.data),
                ("hora".into(), m.hora),
                ("local".into(), m.local),
                ("link".into(), m.link),
                ("valor".into(), m.valor),
            ]
        });
    from_js.or_else(|| {
        stored
            .filter(|f| f.error.is_some() && f.value("lead").as_deref() == Some(lead))
            .map(|f| f.values.clone())
    })
}

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
    /// The page's stored "mover" feedback (a plain post's refusal brings back what was typed
    /// into the form of the lead it was for).
    #[prop(optional_no_strip)]
    stored: Option<FormFeedback>,
) -> impl IntoView {
    if moves.is_empty() {
        return view! { <p class="muted small">"Etapa final."</p> }.into_any();
    }
    let typed = typed_again(action, stored.as_ref(), &lead);
    let value = |k: &str| {
        typed
            .as_ref()
            .and_then(|v| v.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
            .unwrap_or_default()
    };
    let [to, reason, date, time, place, link, deal] =
        ["to", "reason", "data", "hora", "local", "link", "valor"].map(value);
    let came_back = typed.is_some();
    let chosen_at_first = Some(to)
        .filter(|to| moves.iter().any(|(v, _)| v == to))
        .unwrap_or_else(|| moves[0].0.clone());
    let chosen = RwSignal::new(chosen_at_first.clone());
    let books = moves.iter().any(|(v, _)| v == "agendado");
    // A closed deal's only move is reopening it, which needs a reason.
    let reopening = reopening_closed;
    let select_id = format!("mover-{lead}");
    let reason_id = format!("motivo-{lead}");
    // Required only once JavaScript runs and "Agendado" is chosen: without it the fields are
    // always in the form (hidden by CSS when another stage is chosen), and a required hidden
    // field would block every other move. The server checks them either way.
    let js = hydrated();
    let booking = move || js.get() && chosen.get() == "agendado";
    let appointment = books.then(|| {
        let id = |f: &str| format!("{f}-{lead}");
        view! {
            <span class="move-appointment">
                <span class="move-appointment-note small">"Se for para “Agendado”:"</span>
                <label for=id("agenda-data")>"Data do agendamento"</label>
                <input id=id("agenda-data") type="date" name="data" value=date required=booking/>
                <label for=id("agenda-hora")>"Hora (horário de Brasília)"</label>
                <input id=id("agenda-hora") type="time" name="hora" value=time required=booking/>
                <label for=id("agenda-local")>"Local (opcional)"</label>
                <input id=id("agenda-local") type="text" name="local" maxlength="200" value=place
                    autocomplete="off"/>
                <label for=id("agenda-link")>"Link da videochamada (opcional)"</label>
                // Text, not type=url: a hidden invalid url field would block the other moves.
                <input id=id("agenda-link") type="text" inputmode="url" name="link" maxlength="500"
                    value=link placeholder="https://" autocomplete="off"/>
            </span>
        }
    });
    // What the deal is worth, asked while "Fechado" is chosen (style/main.css, `:has`).
    let closing = moves.iter().any(|(v, _)| v == "fechado").then(|| {
        let value_id = format!("valor-{lead}");
        view! {
            <span class="move-value">
                <label for=value_id.clone()>"Valor do negócio (opcional)"</label>
                <input id=value_id type="text" name="valor" inputmode="decimal" maxlength="20"
                    value=deal placeholder="1.500,00" autocomplete="off"/>
            </span>
        }
    });
    let form = view! {
        <ActionForm action=action attr:class="move-form">
            <input type="hidden" name="csrf" value=csrf/>
            <input type="hidden" name="lead" value=lead.clone()/>
            <label for=select_id.clone()>"Mover para"</label>
            <select id=select_id name="to" on:change=move |ev| chosen.set(event_target_value(&ev))>
                {moves.into_iter().map(|(v, label)| {
                    let selected = v == chosen_at_first;
                    view! { <option value=v selected=selected>{label}</option> }
                }).collect_view()}
            </select>
            // The reason: asked when reopening a closed deal (required); otherwise shown only
            // while "Perdido" is chosen (style/main.css, `:has`).
            <span class=if reopening { "move-reason move-reason-required" } else { "move-reason" }>
                <label for=reason_id.clone()>{if reopening { "Motivo da reabertura" } else { "Motivo da perda (opcional)" }}</label>
                <input id=reason_id type="text" name="reason" maxlength="500" required=reopening value=reason/>
            </span>
            {appointment}
            {closing}
            <button type="submit" class="button-small" disabled=move || action.pending().get()>"Mover"</button>
        </ActionForm>
    };
    if open {
        form.into_any()
    } else {
        // A refused move comes back with its card's form open, at the card (`#card-<id>`).
        view! { <details class="move" open=came_back><summary>"Mover"</summary>{form}</details> }
            .into_any()
    }
}
