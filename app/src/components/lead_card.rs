//! A lead on the board: who, how to reach them, what they answered, and what needs doing.

use crate::api::feedback::FormFeedback;
use crate::api::leads::{LeadCard, MoveLead};
use crate::components::MoveForm;
use leptos::prelude::*;

#[component]
pub fn LeadCardView(
    card: LeadCard,
    action: ServerAction<MoveLead>,
    csrf: String,
    /// The board's stored "mover" feedback: a refused move's card shows what was typed.
    #[prop(optional_no_strip)]
    stored: Option<FormFeedback>,
) -> impl IntoView {
    let href = format!("/leads/{}", card.id);
    let id_for_drag = card.id.clone();
    view! {
        <li class="lead-card" id=format!("card-{}", card.id) draggable="true" data-lead=card.id.clone()
            on:dragstart=move |ev| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &id_for_drag);
                }
            }>
            <a class="lead-card-name" href=href>{card.name.clone()}</a>
            <span class="muted small">{card.phone.clone()}</span>
            {card.appointment.clone().map(|a| view! { <p class="appointment-line small">{a}</p> })}
            {card.last_message.clone().map(|(text, from_lead)| view! {
                <p class="card-preview small">
                    {(!from_lead).then(|| view! { <span class="muted">"Você: "</span> })}
                    {text}
                </p>
            })}
            {(!card.answers.is_empty()).then(|| view! {
                <ul class="answers">{card.answers.iter().map(|(question, answer)| view! {
                    <li><span class="answer-question">{question_label(question)}</span> " " {answer.clone()}</li>
                }).collect_view()}</ul>
            })}
            <div class="lead-card-meta">
                {card.temperature.clone().map(|(code, label)| view! {
                    <span class=format!("tag tag-{code}") title="Temperatura do lead">{label}</span>
                })}
                {card.value.clone().map(|v| view! { <span class="tag tag-value" title="Valor do negócio">{v}</span> })}
                <span class="small">{card.source.clone()}</span>
                <time class="small muted" title=card.activity_at.clone()>{card.activity.clone()}</time>
                {card.unread.then(|| view! { <span class="tag tag-unread">"não lida"</span> })}
                {card.stale.then(|| view! { <span class="tag tag-stale">"parado"</span> })}
                {card.opted_out.then(|| view! {
                    <span class="tag tag-opted-out" title="O lead escreveu SAIR: não envie mensagens sem ele pedir">"pediu para sair"</span>
                })}
            </div>
            <MoveForm action csrf lead=card.id.clone() moves=card.moves.clone()
                reopening_closed=card.status == "fechado" stored/>
        </li>
    }
}

/// A question as a chip's label: capitalised, ending in "?" or ":" ("Faixa de idade?",
/// "Você busca plano para:").
pub fn question_label(question: &str) -> String {
    let mut chars = question.trim().chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with(['?', ':']) {
        out.push(':');
    }
    out
}
