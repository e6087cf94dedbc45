//! One entry of the timeline: a message (who wrote it, what the lead saw, its delivery
//! status, and for AI answers "escrevendo…" and the compliance flags) or a private note.

use crate::api::lead::ChatMessage;
use leptos::prelude::*;

#[component]
pub fn ChatBubble(m: ChatMessage) -> impl IntoView {
    let class = if m.note {
        "bubble bubble-note"
    } else if m.inbound {
        "bubble bubble-in"
    } else {
        "bubble bubble-out"
    };
    view! {
        <li class=class>
            <span class="bubble-author small">{m.author.clone()}</span>
            {if m.writing {
                view! { <p class="writing">"escrevendo…"</p> }.into_any()
            } else {
                view! { <p class="bubble-text" class:note=m.note>{m.text.clone()}</p> }.into_any()
            }}
            {(!m.choices.is_empty()).then(|| view! {
                <ul class="bubble-choices">{m.choices.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
            })}
            {(!m.flags.is_empty()).then(|| view! {
                <p class="small flags">
                    {if m.replaced { "Conformidade: resposta da IA substituída pela resposta segura (" } else { "Conformidade: " }}
                    {m.flags.join(", ")}
                    {if m.replaced { ")" } else { "" }}
                </p>
            })}
            <span class="bubble-meta small muted">
                <time>{m.at.clone()}</time>
                {m.archived.then_some(" · arquivada")}
                {(!m.inbound && !m.note).then(|| view! { " · " <span class=format!("msg-status msg-{}", m.status)>{m.status_label.clone()}</span> })}
            </span>
            {m.media.clone().map(|media| view! {
                {media.transcript.clone().map(|t| view! { <p class="small transcript-note">{t}</p> })}
                {match (media.href, media.audio) {
                    // Plays without JavaScript; the link is for saving it (and old browsers).
                    (Some(href), true) => view! {
                        <audio class="bubble-audio" controls preload="none" src=href.clone() aria-label="Áudio do lead"></audio>
                        <p class="small"><a href=href download="">{media.label}</a></p>
                    }.into_any(),
                    (Some(href), false) => view! { <p class="small"><a href=href target="_blank" rel="noopener">{media.label}</a></p> }.into_any(),
                    (None, _) => view! { <p class="small muted">{media.label}</p> }.into_any(),
                }}
            })}
            {m.error.clone().map(|e| view! { <p class="small field-error">{e}</p> })}
        </li>
    }
}
