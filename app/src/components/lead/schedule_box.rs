//! A lead's messages that leave later: the list (with "Cancelar" while one has not left) and
//! the form to schedule one ("amanhã às 9h"): free text when the 24-hour window will still be
//! open then, otherwise an approved template. Plain forms, with or without JavaScript.

use crate::api::feedback::FormFeedback;
use crate::api::lead::LeadPageData;
use crate::components::textarea_text;
use leptos::prelude::*;

#[component]
pub fn ScheduleBox(
    detail: LeadPageData,
    csrf: String,
    stored: Option<FormFeedback>,
) -> impl IntoView {
    let id = detail.card.id.clone();
    let error = stored.as_ref().and_then(|f| f.error.clone());
    let success = stored.as_ref().and_then(|f| f.success.clone());
    let typed = |name: &str| {
        stored
            .as_ref()
            .filter(|f| f.error.is_some())
            .and_then(|f| f.value(name))
    };
    let when = typed("quando").unwrap_or(detail.schedule_default.clone());
    let text = typed("texto").unwrap_or_default();
    let chosen = typed("modelo").unwrap_or_default();
    let open = stored.is_some() || detail.scheduled.iter().any(|s| s.can_cancel);
    let window_hint = match &detail.window_closes {
        Some(at) => format!("Texto livre só até {at}, quando fecha a janela de 24 horas do WhatsApp; depois disso, escolha um modelo aprovado."),
        None => "A janela de 24 horas do WhatsApp está fechada: escolha um modelo aprovado (ela reabre se o lead escrever).".into(),
    };
    view! {
        <section class="schedule" id="agendar" aria-labelledby="agendar-titulo">
            <details open=open>
                <summary><h2 id="agendar-titulo" class="inline-heading">"Mensagens agendadas"</h2></summary>
                {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
                {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
                {(!detail.scheduled.is_empty()).then(|| view! {
                    <ul class="scheduled-list">
                        {detail.scheduled.iter().map(|s| view! {
                            <li class=format!("scheduled scheduled-{}", s.status)>
                                <p><strong>{s.when.clone()}</strong>" · "{s.what.clone()}" · "
                                    <span class="tag">{s.status_label.clone()}</span></p>
                                {s.outcome.clone().map(|o| view! { <p class="small muted">{o}</p> })}
                                {s.can_cancel.then(|| view! {
                                    <form method="post" action=format!("/leads/{}/agendadas/cancelar", id) class="inline">
                                        <input type="hidden" name="csrf" value=csrf.clone()/>
                                        <input type="hidden" name="id" value=s.id.clone()/>
                                        <button type="submit" class="button-small button-secondary">"Cancelar"</button>
                                    </form>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                })}
                <form method="post" action=format!("/leads/{id}/agendar") class="schedule-form">
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <input type="hidden" name="envio" value=detail.form_token.clone()/>
                    <div class="field">
                        <label for="agendar-quando">"Enviar em (horário de Brasília)"</label>
                        <input id="agendar-quando" name="quando" type="datetime-local" required value=when/>
                    </div>
                    <div class="field">
                        <label for="agendar-modelo">"Mensagem"</label>
                        <select id="agendar-modelo" name="modelo" aria-describedby="agendar-dica">
                            <option value="" selected=chosen.is_empty()>"Texto livre"</option>
                            {detail.approved.iter().map(|(value, name)| view! {
                                <option value=value.clone() selected=*value == chosen>{format!("Modelo {name}")}</option>
                            }).collect_view()}
                        </select>
                        <p class="hint" id="agendar-dica">{window_hint}</p>
                    </div>
                    <div class="field">
                        <label for="agendar-texto">"Texto livre"</label>
                        <textarea id="agendar-texto" name="texto" rows="2" maxlength="4096"
                            inner_html=textarea_text(&text)></textarea>
                    </div>
                    <button type="submit">"Agendar"</button>
                </form>
            </details>
        </section>
    }
}
