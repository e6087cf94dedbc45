//! The dashboard's "Próximos agendamentos": the consultant's next appointments, soonest
//! first, each a link to its lead.

use crate::domain::dashboard::UpcomingAppointment;
use leptos::prelude::*;

#[component]
pub fn Upcoming(items: Vec<UpcomingAppointment>) -> impl IntoView {
    view! {
        <section class="card upcoming" aria-labelledby="agendamentos-titulo">
            <h2 id="agendamentos-titulo">"Próximos agendamentos"</h2>
            {if items.is_empty() {
                view! {
                    <p class="muted">"Nenhum agendamento marcado. Ao mover um lead para “Agendado”, informe a data e a hora: ele aparece aqui."</p>
                }.into_any()
            } else {
                view! {
                    <ul class="upcoming-list">
                        {items.into_iter().map(|a| view! {
                            <li>
                                <time class="upcoming-when">{a.when}</time>
                                " " <a href=format!("/leads/{}", a.lead_id)><strong>{a.name}</strong></a>
                                {(!a.where_.is_empty()).then(|| view! { <span class="muted small">{a.where_}</span> })}
                                {a.answer.map(|l| {
                                    let class = answer_class(&l);
                                    view! { " " <span class=class>{l}</span> }
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// A request to reschedule stands out (the consultant has to act); a confirmation does not.
pub fn answer_class(label: &str) -> &'static str {
    if label == "Confirmado" {
        "tag tag-confirmed"
    } else {
        "tag tag-reschedule"
    }
}
