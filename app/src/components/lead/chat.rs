//! The conversation as a chat: the newest page of messages, older ones on demand (appended
//! in place with JavaScript, a page of their own without).

use super::ChatBubble;
use crate::api::lead::{older_messages, ChatMessage, LeadPageData};
use leptos::prelude::*;

#[component]
pub fn Chat(detail: LeadPageData) -> impl IntoView {
    let earlier = RwSignal::new(Vec::<ChatMessage>::new());
    let older = RwSignal::new(detail.older.clone());
    let id = detail.card.id.clone();
    view! {
        {detail.paged_back.then(|| view! {
            <p><a href=format!("/leads/{}", detail.card.id)>"↓ Ver as mensagens mais recentes"</a></p>
        })}
        {move || older.get().map(|cursor| {
            let href = format!("/leads/{}?antes={}", id, cursor);
            let id = id.clone();
            view! {
                <p><a class="small" href=href on:click=move |ev| {
                    ev.prevent_default();
                    let (id, c) = (id.clone(), cursor.clone());
                    leptos::task::spawn_local(async move {
                        if let Ok((msgs, next)) = older_messages(id, c).await {
                            earlier.update(|e| {
                                let mut all = msgs;
                                all.append(e);
                                *e = all;
                            });
                            older.set(next);
                        }
                    });
                }>"↑ Mensagens anteriores"</a></p>
            }
        })}
        {if detail.messages.is_empty() {
            view! { <p class="muted">"Nenhuma mensagem ainda."</p> }.into_any()
        } else {
            view! {
                <ol class="chat" aria-label="Mensagens">
                    {move || earlier.get().into_iter().map(|m| view! { <ChatBubble m/> }).collect_view()}
                    {detail.messages.clone().into_iter().map(|m| view! { <ChatBubble m/> }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}
