//! `/leads/{id}`: one lead. Header with the move control, the flow's answers, the status
//! history, private notes, and the conversation as a chat with the reply box.
//!
//! Live updates are a light poll (every 4 s, JavaScript only) of a fingerprint of what the
//! page shows; the lead is reloaded only when it changed. A poll needs nothing beyond the
//! server functions the page already uses, survives proxies and restarts without reconnect
//! logic, and costs one indexed query of at most 50 rows per open page.

use crate::api::feedback::{form_state, FormContext, FormFeedback};
use crate::api::lead::{
    lead_detail, lead_version, older_messages, AddNote, ChatMessage, HandBack, LeadPageData,
    ReplyWindow, SendReply, MAX_NOTE_CHARS, MAX_REPLY_CHARS,
};
use crate::api::leads::MoveLead;
use crate::components::{error_view, AppShell, FormAlert, Loading, MoveForm};
use crate::domain::lead_filter::query_value;
use crate::error::AppError;
use crate::pages::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::Title;
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
    let refresh = RwSignal::new(0u32);
    let data: Resource<LeadData> = Resource::new(
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
        // A lead's name never goes into <title>: it is text the lead chose.
        <Title text="Lead | Consultor"/>
        <AppShell>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok((detail, mover, lead)) => view! { <Lead detail mover lead actions/> }.into_any(),
                        Err(AppError::NotFound) => view! { <NotFoundPage/> }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </AppShell>
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
    let move_stored = mover.feedback.as_ref().and_then(|f| f.success.clone());
    let move_success = Signal::derive(move || match actions.moved.value().get() {
        Some(Ok(m)) => Some(m),
        Some(Err(_)) => None,
        None => move_stored.clone(),
    });
    let card = detail.card.clone();
    view! {
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
                {detail.campaign.clone().map(|c| view! { " · Campanha: " {c} })}
                {card.stale.then(|| view! { " " <span class="tag tag-stale">"parado"</span> })}
            </p>
            <p class="muted small">
                "Criado em " {card.created_at.clone()} " · Última atividade " {card.activity_at.clone()}
                " (" {card.activity.clone()} ")"
            </p>
            <div aria-live="polite"><FormAlert errors=move_errors success=move_success/></div>
            <MoveForm action=actions.moved csrf=mover.csrf.clone() lead=id.clone() moves=card.moves.clone() open=true/>
        </header>
        <div class="lead-layout">
            <section class="chat-section" aria-labelledby="conversa-titulo">
                <h2 id="conversa-titulo">"Conversa"</h2>
                <Chat detail=detail.clone()/>
                <ReplyBox detail=detail.clone() csrf=csrf.clone() actions stored=stored_for("resposta") stored_back=stored_for("robo")/>
            </section>
            <aside class="lead-side">
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
                </section>
                <Notes detail=detail.clone() csrf=csrf.clone() actions stored=stored_for("nota")/>
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

#[component]
fn Chat(detail: LeadPageData) -> impl IntoView {
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
                    {move || earlier.get().into_iter().map(|m| view! { <Bubble m/> }).collect_view()}
                    {detail.messages.clone().into_iter().map(|m| view! { <Bubble m/> }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}

#[component]
fn Bubble(m: ChatMessage) -> impl IntoView {
    let class = if m.inbound {
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
                view! { <p class="bubble-text">{m.text.clone()}</p> }.into_any()
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
                {(!m.inbound).then(|| view! { " · " <span class=format!("msg-status msg-{}", m.status)>{m.status_label.clone()}</span> })}
            </span>
            {m.error.clone().map(|e| view! { <p class="small field-error">{format!("Falha no envio: {e}")}</p> })}
        </li>
    }
}

#[component]
fn ReplyBox(
    detail: LeadPageData,
    csrf: String,
    actions: Actions,
    stored: Option<FormFeedback>,
    stored_back: Option<FormFeedback>,
) -> impl IntoView {
    let errors = FormFeedback::error_signal(stored.clone(), move || actions.replied.value().get());
    let stored_success = stored.as_ref().and_then(|f| f.success.clone());
    let success = Signal::derive(move || match actions.replied.value().get() {
        Some(Ok(())) => Some("Mensagem enviada.".to_string()),
        Some(Err(_)) => None,
        None => stored_success.clone(),
    });
    let back_errors =
        FormFeedback::error_signal(stored_back.clone(), move || actions.back.value().get());
    let back_stored = stored_back.as_ref().and_then(|f| f.success.clone());
    let back_success = Signal::derive(move || match actions.back.value().get() {
        Some(Ok(())) => Some("O assistente voltou a responder este lead.".to_string()),
        Some(Err(_)) => None,
        None => back_stored.clone(),
    });
    // What a JavaScript-off post that failed had typed: shown, so nothing is lost. Kept out
    // of the <textarea> on purpose: text inside it is not escaped by the renderer.
    let unsent = stored
        .as_ref()
        .filter(|f| f.error.is_some())
        .and_then(|f| f.value("body"))
        .filter(|b| !b.trim().is_empty());
    let (open, window_text) = match &detail.window {
        ReplyWindow::Open { left } => (true, format!("Janela do WhatsApp aberta: {left} restantes para responder.")),
        ReplyWindow::Closed { since: Some(at) } => (
            false,
            format!("A janela de 24 horas do WhatsApp fechou em {at}. Você poderá responder quando o lead escrever de novo."),
        ),
        ReplyWindow::Closed { since: None } => (
            false,
            "O lead ainda não escreveu pelo WhatsApp: a resposta fica disponível depois da primeira mensagem dele.".to_string(),
        ),
    };
    let lead = detail.card.id.clone();
    view! {
        <div class="reply" aria-live="polite">
            <FormAlert errors success/>
            <FormAlert errors=back_errors success=back_success/>
            {detail.handed_off.then(|| {
                let lead = lead.clone();
                let csrf = csrf.clone();
                view! {
                    <div class="handoff">
                        <p><strong>"Você assumiu esta conversa."</strong> " O assistente não responde este lead até você devolvê-lo."</p>
                        <ActionForm action=actions.back attr:class="inline">
                            <input type="hidden" name="csrf" value=csrf/>
                            <input type="hidden" name="lead" value=lead/>
                            <button type="submit" class="button-secondary button-small">"Devolver ao assistente"</button>
                        </ActionForm>
                    </div>
                }
            })}
            {unsent.map(|b| view! {
                <div class="unsent"><p class="small">"Texto não enviado (copie para tentar de novo):"</p><p class="quote">{b}</p></div>
            })}
            <p class=if open { "hint" } else { "hint window-closed" } id="janela">{window_text}</p>
            <ActionForm action=actions.replied attr:class="reply-form">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="lead" value=lead.clone()/>
                <div class="field">
                    <label for="campo-resposta">"Responder pelo WhatsApp"</label>
                    <textarea id="campo-resposta" name="body" rows="3" maxlength=MAX_REPLY_CHARS.to_string()
                        required disabled=!open aria-describedby="janela"></textarea>
                </div>
                <button type="submit" disabled=move || !open || actions.replied.pending().get()>"Enviar"</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn Notes(
    detail: LeadPageData,
    csrf: String,
    actions: Actions,
    stored: Option<FormFeedback>,
) -> impl IntoView {
    let errors = FormFeedback::error_signal(stored.clone(), move || actions.noted.value().get());
    let stored_success = stored.as_ref().and_then(|f| f.success.clone());
    let success = Signal::derive(move || match actions.noted.value().get() {
        Some(Ok(())) => Some("Nota salva.".to_string()),
        Some(Err(_)) => None,
        None => stored_success.clone(),
    });
    let unsent = stored
        .as_ref()
        .filter(|f| f.error.is_some())
        .and_then(|f| f.value("body"))
        .filter(|b| !b.trim().is_empty());
    view! {
        <section aria-labelledby="notas-titulo">
            <h2 id="notas-titulo">"Notas privadas"</h2>
            <p class="hint">"Só você vê as notas; elas não são enviadas ao lead."</p>
            <FormAlert errors success/>
            {unsent.map(|b| view! { <p class="quote">{b}</p> })}
            <ActionForm action=actions.noted>
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="lead" value=detail.card.id.clone()/>
                <div class="field">
                    <label for="campo-nota">"Nova nota"</label>
                    <textarea id="campo-nota" name="body" rows="2" maxlength=MAX_NOTE_CHARS.to_string() required></textarea>
                </div>
                <button type="submit" class="button-secondary" disabled=move || actions.noted.pending().get()>"Salvar nota"</button>
            </ActionForm>
            <ul class="timeline">
                {detail.notes.iter().map(|n| view! {
                    <li><p class="note">{n.body.clone()}</p><time class="muted small">{n.at.clone()}</time></li>
                }).collect_view()}
            </ul>
        </section>
    }
}
