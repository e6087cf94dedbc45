//! `/leads/{id}`: one lead. Header with the move control, the flow's answers, the status
//! history, private notes, and the conversation as a chat with the reply box.
//!
//! Live updates are a light poll (every 4 s, JavaScript only) of a fingerprint of what the
//! page shows; the lead is reloaded only when it changed. A poll needs nothing beyond the
//! server functions the page already uses, survives proxies and restarts without reconnect
//! logic, and costs one indexed query of at most 50 rows per open page.

use crate::api::feedback::{form_state, FormContext, FormFeedback};
use crate::api::lead::{lead_detail, lead_version, AddNote, HandBack, LeadPageData, SendReply};
use crate::api::leads::MoveLead;
use crate::api::page_data::{page_resource, PageResource};
use crate::components::lead::{AppointmentSection, Chat, LeadNotes, ReplyBox, ScheduleBox};
use crate::components::PageTitle;
use crate::components::{error_view, remember_moves, FormAlert, LeadCost, Loading, MoveForm};
use crate::domain::lead_filter::query_value;
use crate::domain::temperature::{COLD_UP_TO, HOT_FROM};
use crate::error::AppError;
use crate::pages::NotFoundPage;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};

type LeadData = Result<(LeadPageData, FormContext, FormContext), AppError>;

#[derive(Clone, Copy)]
struct Actions {
    moved: ServerAction<MoveLead>,
    replied: ServerAction<SendReply>,
    noted: ServerAction<AddNote>,
    back: ServerAction<HandBack>,
}

#[component]
pub fn LeadPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let actions = Actions {
        moved: ServerAction::new(),
        replied: ServerAction::new(),
        noted: ServerAction::new(),
        back: ServerAction::new(),
    };
    remember_moves(actions.moved);
    let refresh = RwSignal::new(0u32);
    let data: PageResource<LeadData> = page_resource(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query_value(&location.search.get(), "antes").unwrap_or_default(),
                actions.moved.version().get()
                    + actions.replied.version().get()
                    + actions.noted.version().get()
                    + actions.back.version().get(),
                refresh.get(),
            )
        },
        |(id, before, _, _)| async move {
            let detail = lead_detail(id, before).await?;
            let mover = form_state("mover".into()).await?;
            let lead = form_state("lead".into()).await?;
            Ok((detail, mover, lead))
        },
    );
    // The poll runs in the browser only (effects do not run on the server).
    Effect::new(move |_| {
        let tick = move || {
            let id = params.get_untracked().get("id").unwrap_or_default();
            let shown = data
                .get_untracked()
                .and_then(|d| d.ok())
                .map(|(d, _, _)| d.version);
            leptos::task::spawn_local(async move {
                if let (Ok(now), Some(shown)) = (lead_version(id).await, shown) {
                    if now != shown {
                        refresh.update(|n| *n += 1);
                    }
                }
            });
        };
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(4)) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        // Until the lead is read; then its own title (escaped: a name is text the lead chose).
        <PageTitle text="Lead | Consultor"/>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((detail, mover, lead)) => view! { <Lead detail mover lead actions/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundPage/> }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn Lead(
    detail: LeadPageData,
    mover: FormContext,
    lead: FormContext,
    actions: Actions,
) -> impl IntoView {
    let csrf = lead.csrf.clone();
    let id = detail.card.id.clone();
    let origin = lead
        .feedback
        .as_ref()
        .and_then(|f| f.value("origem"))
        .unwrap_or_default();
    let stored_for = |form: &str| lead.feedback.clone().filter(|_| origin == form);
    let move_errors =
        FormFeedback::error_signal(mover.feedback.clone(), move || actions.moved.value().get());
    let move_success = FormFeedback::success_signal(
        mover.feedback.as_ref(),
        move || actions.moved.value().get(),
        |m| m,
    );
    let card = detail.card.clone();
    view! {
        <PageTitle text=detail.tab_title.clone()/>
        <p class="small"><a href="/leads">"← Leads"</a></p>
        <header class="lead-head">
            <h1>{card.name.clone()}</h1>
            <p>
                {card.phone.clone()} " "
                {detail.wa_digits.clone().map(|d| view! {
                    <a href=format!("https://wa.me/{d}") rel="noopener" target="_blank">"Abrir no WhatsApp"</a>
                })}
            </p>
            <p>
                <span class=format!("badge badge-{}", card.status)>{card.status_label.clone()}</span>
                " · Origem: " {card.source.clone()}
                // The card's source already names an ad's headline.
                {detail.campaign.clone().filter(|c| !card.source.contains(c.as_str())).map(|c| view! { " · Campanha: " {c} })}
                {card.stale.then(|| view! { " " <span class="tag tag-stale">"parado"</span> })}
            </p>
            {detail.temperature.clone().map(|t| view! {
                <details class="temperature-why">
                    <summary>
                        <span class=format!("tag tag-{}", t.code)>{t.label.clone()}</span>
                        {format!(" {} · por quê?", points_text(t.points))}
                    </summary>
                    <ul>
                        {t.reasons.iter().map(|(what, points)| view! {
                            <li>{format!("{what} ")}<strong>{points.clone()}</strong></li>
                        }).collect_view()}
                    </ul>
                    <p class="hint">
                        {format!("Quente a partir de {} pontos; frio com {} ou menos. ", HOT_FROM, COLD_UP_TO)}
                        "Os pontos de cada resposta se ajustam no editor do fluxo ("<a href="/fluxos">"Fluxos"</a>")."
                    </p>
                </details>
            })}
            <p class="muted small">
                "Criado em " {card.created_at.clone()} " · Última atividade " {card.activity_at.clone()}
                " (" {card.activity.clone()} ")"
            </p>
            // Who this is, in a sentence at the top, before the conversation.
            {detail.summary.clone().map(|s| view! {
                <div class="lead-summary">
                    <p class="answers-summary">{s.text}</p>
                    <p class="muted small">{s.note}</p>
                </div>
            })}
            <div aria-live="polite"><FormAlert errors=move_errors success=move_success/></div>
            <MoveForm action=actions.moved csrf=mover.csrf.clone() lead=id.clone() moves=card.moves.clone() open=true
                reopening_closed=card.status == "fechado" stored=mover.feedback.clone()/>
            <DealValueForm id=id.clone() csrf=csrf.clone() current=detail.deal_value.clone() stored=stored_for("valor")/>
        </header>
        <AppointmentSection detail=detail.clone() csrf=csrf.clone() stored=stored_for("agendamento")/>
        <div class="lead-layout">
            <section class="chat-section" aria-labelledby="conversa-titulo">
                <h2 id="conversa-titulo">"Conversa"</h2>
                // A window on the conversation that opens at its newest message (a reversed
                // column starts scrolled to its end, without JavaScript too), so the reply box
                // right below it is at hand on a phone.
                <div class="chat-scroll" tabindex="0" role="region" aria-label="Mensagens da conversa">
                    <div><Chat detail=detail.clone()/></div>
                </div>
                <ReplyBox detail=detail.clone() csrf=csrf.clone() replied=actions.replied back=actions.back
                    stored=stored_for("resposta") stored_back=stored_for("robo") stored_template=stored_for("modelo")
                    stored_file=stored_for("arquivo")/>
                <ScheduleBox detail=detail.clone() csrf=csrf.clone() stored=stored_for("agendar")/>
            </section>
            <aside class="lead-side">
                <LeadCost summary=detail.cost.clone()/>
                <section aria-labelledby="respostas-titulo">
                    <h2 id="respostas-titulo">"Respostas do fluxo"</h2>
                    {if detail.answers.is_empty() {
                        view! { <p class="muted">"Ainda sem respostas."</p> }.into_any()
                    } else {
                        view! {
                            <dl class="answers-list">
                                {detail.answers.iter().map(|(q, a)| view! { <dt>{q.clone()}</dt><dd>{a.clone()}</dd> }).collect_view()}
                            </dl>
                        }.into_any()
                    }}
                    {(!detail.metadata.is_empty()).then(|| view! {
                        <dl class="answers-list">
                            {detail.metadata.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
                        </dl>
                    })}
                    {(!detail.conversions.is_empty()).then(|| view! {
                        <h3>"Conversões do anúncio (Meta)"</h3>
                        <ul class="conversion-events">
                            {detail.conversions.iter().map(|(event, state)| view! {
                                <li>{format!("{event}: {state}")}</li>
                            }).collect_view()}
                        </ul>
                    })}
                </section>
                <LeadNotes detail=detail.clone() csrf=csrf.clone() noted=actions.noted stored=stored_for("nota")/>
                <Correction detail=detail.clone() csrf=csrf.clone() stored=stored_for("corrigir")/>
                <LeadRights id=id.clone() csrf=csrf.clone() stored=stored_for("excluir")/>
                <section aria-labelledby="historico-titulo">
                    <h2 id="historico-titulo">"Histórico de etapas"</h2>
                    {if detail.history.is_empty() {
                        view! { <p class="muted">"Nenhuma mudança de etapa ainda."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="timeline">
                                {detail.history.iter().map(|h| view! {
                                    <li>
                                        <span>{h.text.clone()}</span>
                                        {h.reason.clone().map(|r| view! { <span class="muted">{format!(" — motivo: {r}")}</span> })}
                                        <time class="muted small">{h.at.clone()}</time>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            </aside>
        </div>
    }
}

/// The lead's rights (LGPD): a copy of their data, and its deletion behind a confirmation.
#[component]
fn LeadRights(id: String, csrf: String, stored: Option<FormFeedback>) -> impl IntoView {
    let error = stored.and_then(|f| f.error);
    view! {
        <section aria-labelledby="lgpd-titulo">
            <h2 id="lgpd-titulo">"Dados pessoais (LGPD)"</h2>
            <p>"Exportar dados: "<a href=format!("/leads/{id}/dados")>"página para imprimir"</a>
                " · "<a href=format!("/leads/{id}/dados.json") download="">"arquivo JSON"</a></p>
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            <form method="post" action=format!("/leads/{id}/excluir-dados")>
                <input type="hidden" name="csrf" value=csrf/>
                <p class="hint">"Quando o lead pedir, exclua tudo sobre ele: conversa, respostas, respostas da IA, notas, arquivos e os registros do WhatsApp. Fica só o registro de que a exclusão aconteceu."</p>
                <label class="check">
                    <input type="checkbox" name="confirmar" value="sim" required/>
                    " Entendo que a exclusão não pode ser desfeita."
                </label>
                <button type="submit" class="button-danger">"Excluir dados"</button>
            </form>
        </section>
    }
}

/// What the deal is worth: shown on the card and summed on the board's column. A plain form
/// (the page comes back at it, `#valor`).
#[component]
fn DealValueForm(
    id: String,
    csrf: String,
    current: String,
    stored: Option<FormFeedback>,
) -> impl IntoView {
    let error = stored.as_ref().and_then(|f| f.error.clone());
    let typed = stored.as_ref().and_then(|f| f.value("valor"));
    let success = stored.and_then(|f| f.success);
    let shown = if error.is_some() {
        typed.unwrap_or(current)
    } else {
        current
    };
    view! {
        <form id="valor" method="post" action=format!("/leads/{id}/valor") class="deal-value-form">
            <input type="hidden" name="csrf" value=csrf/>
            <label for="valor-negocio">"Valor do negócio (R$)"</label>
            <input id="valor-negocio" name="valor" value=shown inputmode="decimal" autocomplete="off"
                placeholder="ex.: 1.500,00" maxlength="30"
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=error.is_some().then_some("valor-erro")/>
            <button type="submit" class="button-small button-secondary">"Salvar valor"</button>
            {error.map(|e| view! { <p id="valor-erro" class="field-error" role="alert">{e.to_string()}</p> })}
            {success.map(|m| view! { <p class="field-ok" role="status">{m}</p> })}
        </form>
    }
}

/// Correcting the lead's name and answers (LGPD: the right to correction), a plain form.
#[component]
fn Correction(detail: LeadPageData, csrf: String, stored: Option<FormFeedback>) -> impl IntoView {
    let error = stored.as_ref().and_then(|f| f.error.clone());
    let success = stored.and_then(|f| f.success);
    let id = detail.card.id.clone();
    view! {
        <section aria-labelledby="corrigir-titulo">
            <h2 id="corrigir-titulo">"Corrigir dados"</h2>
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            <details>
                <summary>"Corrigir o nome e as respostas"</summary>
                <form method="post" action=format!("/leads/{id}/corrigir")>
                    <input type="hidden" name="csrf" value=csrf/>
                    <div class="field">
                        <label for="corrigir-nome">"Nome do lead"</label>
                        <input id="corrigir-nome" name="nome" value=detail.stored_name.clone() autocomplete="off"/>
                    </div>
                    {detail.corrections.into_iter().map(|c| {
                        let field_id = format!("corrigir-{}", c.step);
                        let name = format!("r_{}", c.step);
                        let input = if c.options.is_empty() {
                            view! { <input id=field_id.clone() name=name value=c.value.clone()/> }.into_any()
                        } else {
                            view! {
                                <select id=field_id.clone() name=name>
                                    {c.options.into_iter().map(|(v, l)| {
                                        let selected = v == c.value;
                                        view! { <option value=v selected=selected>{l}</option> }
                                    }).collect_view()}
                                </select>
                            }.into_any()
                        };
                        view! {
                            <div class="field">
                                <label for=field_id>{c.question}</label>
                                {input}
                            </div>
                        }
                    }).collect_view()}
                    <button type="submit" class="button-secondary">"Salvar correção"</button>
                </form>
            </details>
        </section>
    }
}

/// "5 pontos", "1 ponto", "-2 pontos".
fn points_text(points: i16) -> String {
    if points.abs() == 1 {
        format!("{points} ponto")
    } else {
        format!("{points} pontos")
    }
}
