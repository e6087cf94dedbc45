//! The flow editor's steps as cards: add, remove and reorder them, change their type, write
//! the question (with the earlier answers as placeholders), the options and where each one
//! leads, the validation of a free-text answer and the message for an invalid one. Every
//! text with a WhatsApp limit counts its characters, and the validator's messages sit on the
//! step they concern.
//!
//! Without JavaScript the cards are one plain form: each button posts the whole form with
//! its `op` (`EditOp`), the server reads it back (`flow::from_form`), applies the change and
//! saves the draft. With JavaScript the same changes (`EditOp::apply`) happen in the page at
//! once, steps can be dragged, counts and messages follow the typing, and "Salvar" sends the
//! definition without a reload. The JSON view below shows the same definition and, when it
//! parses, edits it too.

use crate::api::flows::{previews, SaveFlow, StepPreview};
use crate::components::textarea_text;
use crate::domain::flow::{
    default_invalid_message, placeholders, rename_step, validate, EditOp, FlowDefinition,
    FlowIssue, StepKind, WhatsAppLimits as L,
};
use crate::domain::validators::Validation;
use leptos::prelude::*;

/// The character limit WhatsApp puts on a step's text, as the engine will send it.
fn body_limit(kind: StepKind, options: usize) -> usize {
    if kind == StepKind::Escolha && options <= L::MAX_LIST_ROWS {
        L::INTERACTIVE_BODY
    } else {
        L::TEXT_BODY
    }
}

/// The limit on an option's label, or none when the options go as numbered text.
fn label_limit(options: usize) -> Option<usize> {
    match options {
        n if n <= L::MAX_BUTTONS => Some(L::BUTTON_TITLE),
        n if n <= L::MAX_LIST_ROWS => Some(L::LIST_ROW_TITLE),
        _ => None,
    }
}

/// What every form posted to `/fluxos/acao` from the editor carries: the CSRF token, the flow
/// and the action.
pub fn flow_action_fields(csrf: &str, id: &str, acao: &'static str) -> impl IntoView {
    view! {
        <input type="hidden" name="csrf" value=csrf.to_string()/>
        <input type="hidden" name="id" value=id.to_string()/>
        <input type="hidden" name="acao" value=acao/>
    }
}

fn pretty(def: &FlowDefinition) -> String {
    serde_json::to_string_pretty(def).unwrap_or_default()
}

/// The shared state of one editor: the definition being edited and a counter that changes
/// when its shape does (the cards are drawn again then, and only then, so typing never
/// loses the cursor).
#[derive(Clone, Copy)]
struct Model {
    def: RwSignal<FlowDefinition>,
    shape: RwSignal<u32>,
    /// What the JSON view shows; written when the cards change, never while typing there.
    json: RwSignal<String>,
}

impl Model {
    fn edit(self, f: impl FnOnce(&mut FlowDefinition)) {
        self.def.update(f);
        self.json.set(self.def.with_untracked(pretty));
    }

    fn apply(self, op: EditOp) {
        self.edit(|d| {
            op.apply(d);
        });
        self.shape.update(|n| *n += 1);
    }

    fn step_text(self, i: usize, f: impl Fn(&crate::domain::flow::Step) -> String) -> String {
        self.def
            .with(|d| d.etapas.get(i).map(&f).unwrap_or_default())
    }
}

/// A character count against a limit, marked when over it.
#[component]
fn Count(#[prop(into)] n: Signal<usize>, #[prop(into)] limit: Signal<usize>) -> impl IntoView {
    view! {
        <span class="hint char-count" class:over=move || { n.get() > limit.get() }>
            {move || {
                let (n, limit) = (n.get(), limit.get());
                if n > limit {
                    format!("{n}/{limit} caracteres: passa do limite do WhatsApp")
                } else {
                    format!("{n}/{limit} caracteres")
                }
            }}
        </span>
    }
}

#[component]
pub fn StepEditor(
    flow_id: String,
    csrf: String,
    def: FlowDefinition,
    /// What the JSON box starts with (the typed text after refused JSON).
    json: String,
    /// Whether the JSON view starts open (it does after refused JSON, to show the text).
    json_open: bool,
    save: ServerAction<SaveFlow>,
) -> impl IntoView {
    let model = Model {
        def: RwSignal::new(def),
        shape: RwSignal::new(0),
        json: RwSignal::new(json.clone()),
    };
    let issues: Memo<Vec<FlowIssue>> =
        Memo::new(move |_| model.def.with(|d| validate(d).err().unwrap_or_default()));
    let general = move || {
        issues.with(|all| {
            all.iter()
                .filter(|i| i.step.is_none())
                .map(|i| i.message.clone())
                .collect::<Vec<_>>()
        })
    };
    let send = {
        let (csrf, flow_id) = (csrf.clone(), flow_id.clone());
        Callback::new(move |publish: bool| {
            save.dispatch(SaveFlow {
                csrf: csrf.clone(),
                id: flow_id.clone(),
                json: model.def.with_untracked(pretty),
                publish,
            });
        })
    };
    let hidden = {
        let (csrf, flow_id) = (csrf.clone(), flow_id.clone());
        move |acao: &'static str| flow_action_fields(&csrf, &flow_id, acao)
    };
    view! {
        <form method="post" action="/fluxos/acao" class="step-editor" aria-label="Etapas do fluxo">
            {hidden("editar")}
            // Enter in a field submits with the first button of the form: this one, so that it
            // saves instead of moving or removing the first step.
            <div class="sr-only">
                <button type="submit" name="op" value="salvar" tabindex="-1" aria-hidden="true"
                    on:click=move |ev| { ev.prevent_default(); send.run(false); }>"Salvar rascunho"</button>
            </div>
            <input type="hidden" name="etapas" value=model.def.with_untracked(|d| d.etapas.len().to_string())/>
            <div aria-live="polite">
                {move || {
                    let g = general();
                    (!g.is_empty()).then(|| view! {
                        <ul class="alert alert-warning step-issues">
                            {g.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                        </ul>
                    })
                }}
            </div>
            <ol class="step-cards">
                {move || {
                    model.shape.track();
                    let n = model.def.with_untracked(|d| d.etapas.len());
                    (0..n).map(|i| view! { <StepCard i model issues/> }).collect_view()
                }}
            </ol>
            <div class="actions">
                <button type="submit" name="op" value="adicionar-etapa" class="button-secondary"
                    on:click=move |ev| { ev.prevent_default(); model.apply(EditOp::AddStep); }>
                    "+ Adicionar etapa"
                </button>
                <button type="submit" name="op" value="salvar" class="button-secondary"
                    on:click=move |ev| { ev.prevent_default(); send.run(false); }>
                    "Salvar rascunho"
                </button>
                <button type="submit" name="op" value="publicar"
                    on:click=move |ev| { ev.prevent_default(); send.run(true); }>
                    "Salvar e publicar"
                </button>
            </div>
        </form>
        <StepPreviews items=Signal::derive(move || model.def.with(previews))/>
        <details class="json-view" open=json_open>
            <summary>"Ver e editar como JSON"</summary>
            <form method="post" action="/fluxos/acao">
                {hidden("rascunho")}
                <div class="field">
                    <label for="fluxo-json">"Definição do fluxo (JSON)"</label>
                    <textarea id="fluxo-json" name="json" rows="24" spellcheck="false" class="flow-json"
                        inner_html=textarea_text(&json)
                        prop:value=move || model.json.get()
                        on:input=move |ev| {
                            // JSON that reads as a flow redraws the cards; anything else waits
                            // for "Salvar JSON", which says where it breaks.
                            if let Ok(parsed) = serde_json::from_str::<FlowDefinition>(&event_target_value(&ev)) {
                                model.def.set(parsed);
                                model.shape.update(|n| *n += 1);
                            }
                        }></textarea>
                    <span class="hint">"As mudanças nas etapas aparecem aqui, e um JSON válido aqui muda as etapas."</span>
                </div>
                <button type="submit" class="button-secondary">"Salvar JSON como rascunho"</button>
            </form>
        </details>
    }
}

/// One step's card. `i` is its place; the cards are drawn again whenever places change.
#[component]
fn StepCard(i: usize, model: Model, issues: Memo<Vec<FlowIssue>>) -> impl IntoView {
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
            <div class="step-grid">
                <div class="field">
                    <label for=field_id("id")>"Identificador"</label>
                    <input id=field_id("id") name=key("id") value=step.id.clone() maxlength="60"
                        autocomplete="off" spellcheck="false"
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            model.edit(|d| rename_step(d, i, v.trim()));
                        }/>
                    <span class="hint">"Nome da resposta nos leads e no texto: {{identificador}}."</span>
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
                {move || {
                    let ps = model.def.with(|d| placeholders(d, i));
                    (!ps.is_empty()).then(|| view! {
                        <div class="placeholders">
                            <span class="hint">"Respostas anteriores para usar no texto:"</span>
                            {ps.into_iter().map(|p| {
                                let text = p.clone();
                                view! {
                                    <button type="button" class="button-small button-secondary"
                                        title="Inserir no texto"
                                        on:click=move |_| insert_placeholder(text.clone())>{p}</button>
                                }
                            }).collect_view()}
                        </div>
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

/// A select of the flow's steps (by identifier), with an empty first choice.
#[component]
fn NextSelect(
    label: &'static str,
    name: String,
    field_id: String,
    ids: Memo<Vec<String>>,
    current: String,
    empty: &'static str,
    on_pick: Callback<String>,
) -> impl IntoView {
    let picked = RwSignal::new(current);
    view! {
        <div class="field">
            <label for=field_id.clone()>{label}</label>
            <select id=field_id name=name
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    picked.set(v.clone());
                    on_pick.run(v);
                }>
                <option value="" selected=move || picked.with(String::is_empty)>{empty}</option>
                {move || ids.get().into_iter().map(|id| {
                    let selected = picked.with(|p| *p == id);
                    view! { <option value=id.clone() selected=selected>{id.clone()}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A choice step's options: label, stored value, description (lists only), and where each
/// one leads.
#[component]
fn OptionsEditor(i: usize, model: Model, ids: Memo<Vec<String>>, options: usize) -> impl IntoView {
    let opts = model.def.with_untracked(|d| d.etapas[i].opcoes.clone());
    let is_list = options > L::MAX_BUTTONS && options <= L::MAX_LIST_ROWS;
    let how = match options {
        n if n <= L::MAX_BUTTONS => "Até 3 opções: vão como botões.",
        n if n <= L::MAX_LIST_ROWS => "De 4 a 10 opções: vão como lista.",
        _ => "Mais de 10 opções: vão como texto numerado.",
    };
    view! {
        <fieldset class="step-options">
            <legend>"Opções"</legend>
            <p class="hint">{how}</p>
            <input type="hidden" name=format!("e{i}.opcoes") value=options.to_string()/>
            <ol>
                {opts.into_iter().enumerate().map(|(j, o)| {
                    let key = move |name: &str| format!("e{i}.o{j}.{name}");
                    let fid = move |name: &str| format!("e{i}-o{j}-{name}");
                    let label_count = Signal::derive(move || model.def.with(|d| {
                        d.etapas.get(i).and_then(|s| s.opcoes.get(j)).map(|o| o.rotulo.chars().count()).unwrap_or(0)
                    }));
                    view! {
                        <li class="option-row">
                            <div class="field">
                                <label for=fid("rotulo")>{format!("Opção {}", j + 1)}</label>
                                <input id=fid("rotulo") name=key("rotulo") value=o.rotulo.clone() autocomplete="off"
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        model.edit(|d| d.etapas[i].opcoes[j].rotulo = v);
                                    }/>
                                {label_limit(options).map(|limit| view! { <Count n=label_count limit/> })}
                            </div>
                            <div class="field">
                                <label for=fid("valor")>"Valor guardado"</label>
                                <input id=fid("valor") name=key("valor") value=o.valor.clone() autocomplete="off"
                                    placeholder="gerado do texto da opção" spellcheck="false"
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        model.edit(|d| {
                                            let o = &mut d.etapas[i].opcoes[j];
                                            o.valor = if v.trim().is_empty() {
                                                crate::domain::flow::value_from_label(&o.rotulo)
                                            } else {
                                                v.trim().to_string()
                                            };
                                        });
                                    }/>
                            </div>
                            {is_list.then(|| {
                                let desc_count = Signal::derive(move || model.def.with(|d| {
                                    d.etapas.get(i).and_then(|s| s.opcoes.get(j))
                                        .and_then(|o| o.descricao.as_ref()).map(|t| t.chars().count()).unwrap_or(0)
                                }));
                                view! {
                                    <div class="field">
                                        <label for=fid("descricao")>"Descrição (opcional)"</label>
                                        <input id=fid("descricao") name=key("descricao")
                                            value=o.descricao.clone().unwrap_or_default() autocomplete="off"
                                            on:input=move |ev| {
                                                let v = event_target_value(&ev);
                                                model.edit(|d| d.etapas[i].opcoes[j].descricao = (!v.trim().is_empty()).then_some(v));
                                            }/>
                                        <Count n=desc_count limit=L::LIST_ROW_DESCRIPTION/>
                                    </div>
                                }
                            })}
                            <NextSelect label="Leva para" name=key("proxima") field_id=fid("proxima") ids
                                current=o.proxima.clone().unwrap_or_default()
                                empty="a próxima etapa da pergunta"
                                on_pick=Callback::new(move |v: String| model.edit(|d| {
                                    d.etapas[i].opcoes[j].proxima = (!v.is_empty()).then_some(v);
                                }))/>
                            <button type="submit" name="op" value=EditOp::RemoveOption(i, j).code()
                                class="button-small button-secondary"
                                aria-label=format!("Remover a opção {} da etapa {}", j + 1, i + 1)
                                on:click=move |ev| { ev.prevent_default(); model.apply(EditOp::RemoveOption(i, j)); }>
                                "Remover opção"
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <button type="submit" name="op" value=EditOp::AddOption(i).code() class="button-small button-secondary"
                on:click=move |ev| { ev.prevent_default(); model.apply(EditOp::AddOption(i)); }>
                "+ Adicionar opção"
            </button>
        </fieldset>
    }
}

/// Each step as WhatsApp shows it (buttons, list or numbered text, as the engine chooses),
/// with its texts counted against WhatsApp's limits.
#[component]
pub fn StepPreviews(#[prop(into)] items: Signal<Vec<StepPreview>>) -> impl IntoView {
    view! {
        <section aria-labelledby="previa">
            <h2 id="previa">"Prévia das etapas"</h2>
            <p class="hint">"Como cada pergunta chega no WhatsApp, com os limites de caracteres de cada texto."</p>
            <ol class="cards-list step-previews">
                {move || items.get().into_iter().map(|p| view! {
                    <li class="card">
                        <h3>{format!("{} ({})", p.id, p.kind)}</h3>
                        <pre class="bubble-text">{p.text}</pre>
                        <ul class="small">
                            {p.counts.into_iter().map(|(what, n, limit)| {
                                let over = n > limit;
                                view! {
                                    <li class:over=over>{format!(
                                        "{what}: {n}/{limit}{}",
                                        if over { " — longo demais" } else { "" }
                                    )}</li>
                                }
                            }).collect_view()}
                        </ul>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
