//! One step's card, and the select of where an answer leads.

use super::model::{body_limit, Count, Model};
use super::next_select::NextSelect;
use super::options_editor::OptionsEditor;
use crate::components::textarea_text;
use crate::domain::flow::{
    default_invalid_message, placeholders, rename_step, EditOp, FlowIssue, StepKind,
};
use crate::domain::validators::Validation;
use leptos::prelude::*;

/// One step's card. `i` is its place; the cards are drawn again whenever places change.
#[component]
pub(super) fn StepCard(i: usize, model: Model, issues: Memo<Vec<FlowIssue>>) -> impl IntoView {
    let step = model.def.with_untracked(|d| d.etapas[i].clone());
    let count = model.def.with_untracked(|d| d.etapas.len());
    let ids = Memo::new(move |_| {
        model
            .def
            .with(|d| d.etapas.iter().map(|s| s.id.clone()).collect::<Vec<_>>())
    });
    let key = move |name: &str| format!("e{i}.{name}");
    let field_id = move |name: &str| format!("e{i}-{name}");
    let js = crate::components::hydrated();
    let kind = step.tipo;
    let options = step.opcoes.len();
    let mine = move || {
        let id = model.def.with(|d| d.etapas.get(i).map(|s| s.id.clone()));
        issues.with(|all| {
            all.iter()
                .filter(|x| x.step.is_some() && x.step == id)
                .map(|x| x.message.clone())
                .collect::<Vec<_>>()
        })
    };
    let question_ref = NodeRef::<leptos::html::Textarea>::new();
    let picker = RwSignal::new(String::new());
    let question_label = match kind {
        StepKind::Escolha | StepKind::Texto => "Pergunta",
        StepKind::Mensagem => "Mensagem",
        StepKind::Fim => "Mensagem final (opcional)",
    };
    let insert_placeholder = move |p: String| {
        let text = model.step_text(i, |s| s.pergunta.clone());
        let joined = if text.is_empty() || text.ends_with([' ', '\n']) {
            format!("{text}{p}")
        } else {
            format!("{text} {p}")
        };
        if let Some(area) = question_ref.get() {
            area.set_value(&joined);
        }
        model.edit(|d| d.etapas[i].pergunta = joined);
    };
    let op_button = move |op: EditOp, label: &'static str, title: String, enabled: bool| {
        view! {
            <button type="submit" name="op" value=op.code() class="button-small button-secondary"
                title=title.clone() aria-label=title disabled=!enabled
                on:click=move |ev| { ev.prevent_default(); model.apply(op); }>
                {label}
            </button>
        }
    };
    let heading = format!("Etapa {}", i + 1);
    // One line per step until it is opened (on a phone the editor was ~12,800 px with every
    // field of every step open); one open at a time (`name`: the browser closes the others,
    // no JavaScript needed). A step with something to fix opens by itself, once: fixing it
    // does not snap it shut under the consultant's fingers.
    let opened = !mine_untracked(model, issues, i).is_empty();
    let summary = move || {
        model.step_text(i, |s| {
            let text = crate::domain::text::preview(&s.pergunta, 70);
            let kind = s.tipo.label();
            if text.is_empty() {
                format!("{kind} · (sem texto)")
            } else {
                format!("{kind} · {text}")
            }
        })
    };
    view! {
        <li class="card step-card" id=format!("etapa-{i}")
            on:dragover=|ev| ev.prevent_default()
            on:drop=move |ev| {
                ev.prevent_default();
                let from = ev.data_transfer().and_then(|d| d.get_data("text/plain").ok())
                    .and_then(|s| s.strip_prefix("etapa:").and_then(|n| n.parse::<usize>().ok()));
                if let Some(from) = from {
                    model.apply(EditOp::Move(from, i));
                }
            }>
            <div class="step-head">
                <span class="drag-handle" draggable="true" title="Arraste para reordenar" aria-hidden="true"
                    on:dragstart=move |ev| {
                        if let Some(d) = ev.data_transfer() {
                            let _ = d.set_data("text/plain", &format!("etapa:{i}"));
                        }
                    }>"⠿"</span>
                <h3>{move || format!("{heading} · {}", model.step_text(i, |s| s.id.clone()))}</h3>
                <div class="step-tools">
                    {op_button(EditOp::MoveUp(i), "↑", format!("Subir a etapa {}", i + 1), i > 0)}
                    {op_button(EditOp::MoveDown(i), "↓", format!("Descer a etapa {}", i + 1), i + 1 < count)}
                    {op_button(EditOp::Remove(i), "Remover", format!("Remover a etapa {}", i + 1), count > 1)}
                </div>
            </div>
            <input type="hidden" name=key("id_antes") value=step.id.clone()/>
            <details class="step-body" name="etapa-aberta" open=opened>
            <summary class="step-summary">{summary}</summary>
            <div class="step-grid">
                <div class="field">
                    <label for=field_id("id")>"Nome da resposta"</label>
                    <input id=field_id("id") name=key("id") value=step.id.clone() maxlength="60"
                        autocomplete="off" spellcheck="false"
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            model.edit(|d| rename_step(d, i, v.trim()));
                        }/>
                    <span class="hint">"Como a resposta aparece nos leads e na exportação (sem espaços)."</span>
                </div>
                <div class="field">
                    <label for=field_id("tipo")>"Tipo"</label>
                    <select id=field_id("tipo") name=key("tipo")
                        on:change=move |ev| {
                            if let Some(k) = StepKind::parse(&event_target_value(&ev)) {
                                model.edit(|d| {
                                    let s = &mut d.etapas[i];
                                    s.tipo = k;
                                    // What the new type does not use goes, as on the server.
                                    if k != StepKind::Escolha { s.opcoes.clear(); }
                                    if k != StepKind::Texto { s.validacao = None; }
                                    if k == StepKind::Fim { s.proxima = None; s.invalida = None; }
                                    if k == StepKind::Mensagem { s.invalida = None; }
                                });
                                model.shape.update(|n| *n += 1);
                            }
                        }>
                        {StepKind::ALL.into_iter().map(|k| view! {
                            <option value=k.code() selected=k == kind>{k.label()}</option>
                        }).collect_view()}
                    </select>
                    // With JavaScript the fields change as the type does: the hint is for a page
                    // without it.
                    <span class="hint" hidden=move || js.get()>
                        "Sem JavaScript, salve para ver os campos do novo tipo."
                    </span>
                </div>
            </div>
            <div class="field">
                <label for=field_id("pergunta")>{question_label}</label>
                <textarea id=field_id("pergunta") name=key("pergunta") rows="3" node_ref=question_ref
                    inner_html=textarea_text(&step.pergunta)
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        model.edit(|d| d.etapas[i].pergunta = v);
                    }></textarea>
                <Count
                    n=Signal::derive(move || model.def.with(|d| d.etapas.get(i).map(|s| s.pergunta.chars().count()).unwrap_or(0)))
                    limit=body_limit(kind, options)/>
                // Earlier answers go into the text from a list of their questions (with
                // JavaScript); without it, the hint says what to type.
                {move || {
                    let ps = model.def.with(|d| placeholders(d, i));
                    let first = ps.first().map(|(p, _)| p.clone()).unwrap_or_default();
                    (!ps.is_empty()).then(|| view! {
                        <div class="field placeholders" hidden=move || !js.get()>
                            <label for=field_id("inserir")>"Usar no texto uma resposta anterior"</label>
                            <select id=field_id("inserir")
                                // Back on its first choice after each insertion, ready for the next.
                                prop:value=move || picker.get()
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    if !v.is_empty() {
                                        insert_placeholder(v);
                                    }
                                    picker.set(String::new());
                                }>
                                <option value="" selected=true>"— escolha a resposta —"</option>
                                {ps.into_iter().map(|(p, question)| view! { <option value=p>{question}</option> }).collect_view()}
                            </select>
                        </div>
                        <span class="hint" hidden=move || js.get()>
                            {format!("Para usar uma resposta anterior no texto, escreva o nome dela entre chaves duplas, como {first}.")}
                        </span>
                    })
                }}
            </div>
            {(kind == StepKind::Escolha).then(|| view! { <OptionsEditor i model ids options/> })}
            {(kind == StepKind::Texto).then(|| view! {
                <div class="field">
                    <label for=field_id("validacao")>"Validação da resposta"</label>
                    <select id=field_id("validacao") name=key("validacao")
                        on:change=move |ev| {
                            let v = Validation::parse(&event_target_value(&ev));
                            model.edit(|d| d.etapas[i].validacao = v);
                        }>
                        <option value="" selected=step.validacao.is_none()>"Nenhuma (qualquer texto)"</option>
                        {Validation::ALL.into_iter().map(|v| view! {
                            <option value=v.code() selected=step.validacao == Some(v)>{v.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            {(kind != StepKind::Fim).then(|| view! {
                <NextSelect
                    label=if kind == StepKind::Escolha { "Próxima etapa (para as opções sem uma própria)" } else { "Próxima etapa" }
                    name=key("proxima") field_id=field_id("proxima") ids
                    current=step.proxima.clone().unwrap_or_default()
                    empty="— escolha —"
                    on_pick=Callback::new(move |v: String| model.edit(|d| {
                        d.etapas[i].proxima = (!v.is_empty()).then_some(v);
                    }))/>
            })}
            {matches!(kind, StepKind::Escolha | StepKind::Texto).then(|| view! {
                <div class="field">
                    <label for=field_id("invalida")>"Mensagem quando a resposta não serve"</label>
                    <textarea id=field_id("invalida") name=key("invalida") rows="2"
                        placeholder=move || model.def.with(|d| d.etapas.get(i).map(|s| default_invalid_message(s).to_string()).unwrap_or_default())
                        inner_html=textarea_text(step.invalida.as_deref().unwrap_or(""))
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            model.edit(|d| d.etapas[i].invalida = (!v.trim().is_empty()).then_some(v));
                        }></textarea>
                    <span class="hint">"Em branco, o robô usa a mensagem padrão mostrada no campo."</span>
                </div>
            })}
            </details>
            <div aria-live="polite">
                {move || {
                    let m = mine();
                    (!m.is_empty()).then(|| view! {
                        <ul class="step-issues">{m.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul>
                    })
                }}
            </div>
        </li>
    }
}

/// The messages about step `i` as they are now, read without tracking (to open it once).
fn mine_untracked(model: Model, issues: Memo<Vec<FlowIssue>>, i: usize) -> Vec<String> {
    let id = model
        .def
        .with_untracked(|d| d.etapas.get(i).map(|s| s.id.clone()));
    issues.with_untracked(|all| {
        all.iter()
            .filter(|x| x.step.is_some() && x.step == id)
            .map(|x| x.message.clone())
            .collect()
    })
}
