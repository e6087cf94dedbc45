//! The dashboard's first section: the leads waiting for the consultant's reply.

use crate::domain::dashboard::WaitingLead;
use leptos::prelude::*;

/// The leads that wrote last, longest waiting first, each a link to its conversation.
#[component]
pub fn Waiting(leads: Vec<WaitingLead>, count: i64) -> impl IntoView {
    let more = count - leads.len() as i64;
    view! {
        <section class="card waiting" aria-labelledby="aguardando-titulo">
            <h2 id="aguardando-titulo">"Aguardando sua resposta " <span class="badge">{count}</span></h2>
            {if leads.is_empty() {
                view! { <p class="muted">"Ninguém esperando por você agora."</p> }.into_any()
            } else {
                view! {
                    <ul class="waiting-list">
                        {leads.into_iter().map(|l| view! {
                            <li>
                                <a href=format!("/leads/{}", l.id)><strong>{l.name}</strong></a>
                                " " <span class="muted small">{l.waiting}</span>
                                <span class="waiting-message small">{l.message}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(more > 0).then(|| view! {
                <p class="small"><a href="/leads">{format!("E mais {more}: veja no quadro")}</a></p>
            })}
        </section>
    }
}
