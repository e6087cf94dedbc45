//! Where an answer leads: a select of the flow's steps.

use leptos::prelude::*;

/// A select of the flow's steps (by identifier), with an empty first choice.
#[component]
pub(super) fn NextSelect(
    label: &'static str,
    name: String,
    field_id: String,
    ids: Memo<Vec<String>>,
    current: String,
    empty: &'static str,
    on_pick: Callback<String>,
) -> impl IntoView {
    let picked = RwSignal::new(current);
    view! {
        <div class="field">
            <label for=field_id.clone()>{label}</label>
            <select id=field_id name=name
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    picked.set(v.clone());
                    on_pick.run(v);
                }>
                <option value="" selected=move || picked.with(String::is_empty)>{empty}</option>
                {move || ids.get().into_iter().map(|id| {
                    let selected = picked.with(|p| *p == id);
                    view! { <option value=id.clone() selected=selected>{id.clone()}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}
