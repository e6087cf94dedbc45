//! A lead on the board: who, how to reach them, what they answered, and what needs doing.

use crate::api::leads::{LeadCard, MoveLead};
use crate::components::MoveForm;
use leptos::prelude::*;

#[component]
pub fn LeadCardView(card: LeadCard, action: ServerAction<MoveLead>, csrf: String) -> impl IntoView {
    let href = format!("/leads/{}", card.id);
    let id_for_drag = card.id.clone();
    view! {
        <li class="lead-card" draggable="true" data-lead=card.id.clone()
            on:dragstart=move |ev| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &id_for_drag);
                }
            }>
            <a class="lead-card-name" href=href>{card.name.clone()}</a>
            <span class="muted small">{card.phone.clone()}</span>
            {(!card.answers.is_empty()).then(|| view! {
                <ul class="answers">{card.answers.iter().map(|a| view! { <li>{a.clone()}</li> }).collect_view()}</ul>
            })}
            <div class="lead-card-meta">
                <span class="small">{card.source.clone()}</span>
                <time class="small muted" title=card.activity_at.clone()>{card.activity.clone()}</time>
                {card.unread.then(|| view! { <span class="tag tag-unread">"não lida"</span> })}
                {card.stale.then(|| view! { <span class="tag tag-stale">"parado"</span> })}
                {card.opted_out.then(|| view! {
                    <span class="tag tag-opted-out" title="O lead escreveu SAIR: não envie mensagens sem ele pedir">"pediu para sair"</span>
                })}
            </div>
            <MoveForm action csrf lead=card.id.clone() moves=card.moves.clone()
                reopening_closed=card.status == "fechado"/>
        </li>
    }
}
