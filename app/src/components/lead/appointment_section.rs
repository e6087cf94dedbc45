//! The lead page's "Agendamento": the active appointment (its day and time in São Paulo, the
//! place, the video link), its calendar file and Google Agenda link, and plain forms to
//! change or cancel it (`handlers::appointment`; the page comes back at `#agendamento`).

use crate::api::feedback::FormFeedback;
use crate::api::lead::LeadPageData;
use crate::domain::appointment::{MAX_LINK_CHARS, MAX_PLACE_CHARS};
use leptos::prelude::*;

#[component]
pub fn AppointmentSection(
    detail: LeadPageData,
    csrf: String,
    stored: Option<FormFeedback>,
) -> impl IntoView {
    if !detail.agendado {
        return ().into_any();
    }
    let id = detail.card.id.clone();
    let current = detail.appointment.clone();
    let error = stored.as_ref().and_then(|f| f.error.clone());
    let success = stored.as_ref().and_then(|f| f.success.clone());
    // After a refusal, what was typed; else the appointment's own values.
    let typed = |k: &str| {
        stored
            .as_ref()
            .filter(|_| error.is_some())
            .and_then(|f| f.value(k))
    };
    let field = |k: &str, current: fn(&crate::api::lead::AppointmentView) -> String| {
        typed(k).unwrap_or_else(|| detail.appointment.as_ref().map(current).unwrap_or_default())
    };
    let (date, time) = (
        field("data", |a| a.date.clone()),
        field("hora", |a| a.time.clone()),
    );
    let (place, link) = (
        field("local", |a| a.place.clone()),
        field("link", |a| a.link.clone()),
    );
    let action = format!("/leads/{id}/agendamento");
    let form = view! {
        <form method="post" action=action.clone() class="appointment-form">
            <input type="hidden" name="csrf" value=csrf.clone()/>
            <input type="hidden" name="acao" value="salvar"/>
            <label for="agendamento-data">"Data"</label>
            <input id="agendamento-data" type="date" name="data" value=date required/>
            <label for="agendamento-hora">"Hora (horário de Brasília)"</label>
            <input id="agendamento-hora" type="time" name="hora" value=time required/>
            <label for="agendamento-local">"Local (opcional)"</label>
            <input id="agendamento-local" type="text" name="local" value=place
                maxlength=MAX_PLACE_CHARS.to_string() autocomplete="off"/>
            <label for="agendamento-link">"Link da videochamada (opcional)"</label>
            <input id="agendamento-link" type="url" name="link" value=link placeholder="https://"
                maxlength=MAX_LINK_CHARS.to_string() autocomplete="off"/>
            <button type="submit" class="button-small">"Salvar agendamento"</button>
        </form>
    };
    let has_appointment = current.is_some();
    // Whether the lead gets WhatsApp reminders, or how to have them.
    let reminders = match detail.reminders {
        Some(h) => view! {
            <p class="hint small">{format!("Lembretes pelo WhatsApp: 24 h e {h} h antes, com os botões Confirmar e Remarcar.")}
                " " <a href="/modelos#acompanhamento">"Mudar"</a></p>
        }.into_any(),
        None => view! {
            <p class="hint small">"Para o lead receber lembretes pelo WhatsApp, envie o modelo pronto “Lembrete de agendamento” em "
                <a href="/modelos">"Modelos"</a>"."</p>
        }.into_any(),
    };
    let refused = error.is_some();
    view! {
        <section id="agendamento" class="appointment" aria-labelledby="agendamento-titulo">
            <h2 id="agendamento-titulo">"Agendamento"</h2>
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            {match current {
                Some(a) => view! {
                    <p class="appointment-line">{a.summary}</p>
                    {a.answer.map(|l| {
                        let class = crate::components::upcoming::answer_class(&l);
                        view! { <p>"Resposta do lead: " <span class=class>{l}</span></p> }
                    })}
                    {(!a.link.is_empty()).then(|| view! {
                        <p><a href=a.link.clone() target="_blank" rel="noopener noreferrer">"Entrar na videochamada"</a></p>
                    })}
                    <p class="appointment-links small">
                        <a href=format!("/leads/{id}/agendamento.ics") download="" rel="external">"Baixar para a agenda (.ics)"</a>
                        " · "
                        <a href=a.google_href target="_blank" rel="noopener">"Adicionar ao Google Agenda"</a>
                    </p>
                }.into_any(),
                None => view! {
                    <p class="muted">"Sem horário marcado. Informe a data e a hora do encontro."</p>
                }.into_any(),
            }}
            {if has_appointment {
                view! {
                    <details open=refused>
                        <summary>"Alterar ou cancelar"</summary>
                        {form}
                        <form method="post" action=action class="appointment-cancel">
                            <input type="hidden" name="csrf" value=csrf/>
                            <input type="hidden" name="acao" value="cancelar"/>
                            <button type="submit" class="button-small button-danger">"Cancelar agendamento"</button>
                        </form>
                    </details>
                }.into_any()
            } else {
                form.into_any()
            }}
            {reminders}
        </section>
    }
    .into_any()
}
