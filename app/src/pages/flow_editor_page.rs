//! `/fluxos/{id}`: a flow's steps as cards (`StepEditor`), with the same definition as JSON
//! for power users, saved as a draft and published only when the engine's validator accepts
//! it; every published version listed with who published it and when, and restorable as the
//! draft; the simulator beside. Templates are shown read-only, with a copy button. Plain
//! forms without JavaScript; with it, no reloads.

use crate::api::feedback::{form_state, FormContext, FormFeedback};
use crate::api::flows::{flow_editor, previews, FlowEditorData, SaveFlow};
use crate::api::page_data::{page_resource, PageResource};
use crate::components::{error_view, textarea_text, FormAlert, Loading, PageTitle};
use crate::components::{flow_action_fields, StepEditor, StepPreviews, Unsaved};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

type EditorData = Result<
    (
        FlowEditorData,
        FormContext,
        FormContext,
        crate::api::comparison::ComparisonSettings,
    ),
    AppError,
>;

#[component]
pub fn FlowEditorPage() -> impl IntoView {
    let params = use_params_map();
    // With JavaScript the step editor saves through this action; the page then reads the
    // flow again (draft state, versions, issues) without a reload.
    let save = ServerAction::<SaveFlow>::new();
    // What the step editor holds unsaved: the simulator saves it before it runs.
    let unsaved = Unsaved::new();
    let pending = save.pending();
    #[cfg(feature = "hydrate")]
    crate::components::guard_leaving(unsaved);
    let data: PageResource<EditorData> = page_resource(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                save.version().get(),
            )
        },
        |(id, _)| async move {
            Ok((
                flow_editor(id.clone()).await?,
                form_state("fluxo".into()).await?,
                form_state("simulador".into()).await?,
                // Read here, outside the Suspense (which may build its children twice on the
                // server): the form's stored feedback is taken once.
                crate::api::comparison::comparison_form(id).await?,
            ))
        },
    );
    view! {
        <PageTitle text="Fluxo | Consultor"/>
        <p class="small"><a href="/fluxos">"← Fluxos"</a></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                data.await.map(|(f, st, sim, offers)| view! {
                    <Editor f=f.clone() st save unsaved pending/>
                    <crate::components::ComparisonSection s=offers/>
                    <Simulator f sim unsaved/>
                }.into_any()).unwrap_or_else(error_view)
            })}
        </Transition>
    }
}

#[component]
fn Editor(
    f: FlowEditorData,
    st: FormContext,
    save: ServerAction<SaveFlow>,
    unsaved: Unsaved,
    pending: Memo<bool>,
) -> impl IntoView {
    let errors = FormFeedback::error_signal(st.feedback.clone(), move || save.value().get());
    let success =
        FormFeedback::success_signal(st.feedback.as_ref(), move || save.value().get(), |m| m);
    // After refused JSON, what was typed comes back into the box.
    let typed = st
        .feedback
        .as_ref()
        .filter(|fb| fb.error.is_some())
        .and_then(|fb| fb.value("json"));
    let json_open = typed.is_some();
    // After a save with JavaScript the message is here, at the top: on a phone that is far
    // above the buttons, so the page goes to it (#17 defect 3).
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if save.value().with(Option::is_some) {
            if let Some(el) = document().get_element_by_id("editor-feedback") {
                el.scroll_into_view();
            }
        }
    });
    let json = typed.unwrap_or_else(|| f.json.clone());
    let csrf = st.csrf.clone();
    let id = f.id.clone();
    let hidden = {
        let (csrf, id) = (csrf.clone(), id.clone());
        move |acao: &'static str| flow_action_fields(&csrf, &id, acao)
    };
    let status = if f.is_template {
        "Modelo: só leitura. Copie para editar.".to_string()
    } else if f.has_draft {
        format!(
            "Versão publicada: {}. Há um rascunho não publicado.",
            f.version
        )
    } else {
        format!("Versão publicada: {}.", f.version)
    };
    view! {
        <h1>{f.name.clone()}</h1>
        <p class="muted">{status}</p>
        <div id="editor-feedback" aria-live="polite"><FormAlert errors success/></div>
        {f.issues.clone().map(|i| view! { <div class="alert alert-warning" role="note">{format!("O rascunho ainda não pode ser publicado: {i}.")}</div> })}
        {match (f.is_template, f.definition.clone()) {
            (true, def) => view! {
                <form method="post" action="/fluxos/acao">
                    {hidden("copiar")}
                    <button type="submit">"Copiar para meus fluxos"</button>
                </form>
                {def.map(|d| view! { <StepPreviews items=Signal::stored(previews(&d))/> })}
                <details class="json-view">
                    <summary>"Ver como JSON"</summary>
                    <pre class="flow-json">{json}</pre>
                </details>
            }.into_any(),
            (false, Some(def)) => view! {
                <StepEditor flow_id=id.clone() csrf=csrf.clone() def json json_open save unsaved pending/>
            }.into_any(),
            // A draft that does not read as steps (saved from the JSON view) is fixed there.
            (false, None) => view! {
                <div class="alert alert-warning" role="note">
                    "O rascunho não está no formato de etapas: corrija o JSON abaixo para voltar a editar as etapas."
                </div>
                <form method="post" action="/fluxos/acao">
                    {hidden("rascunho")}
                    <div class="field">
                        <label for="fluxo-json">"Definição do fluxo (JSON)"</label>
                        <textarea id="fluxo-json" name="json" rows="24" spellcheck="false" class="flow-json"
                            inner_html=textarea_text(&json)></textarea>
                    </div>
                    <button type="submit" class="button-secondary">"Salvar JSON como rascunho"</button>
                </form>
            }.into_any(),
        }}
        {(!f.is_template).then(|| view! {
            <div class="actions">
                <form method="post" action="/fluxos/acao" class="inline">
                    {hidden("publicar")}
                    <button type="submit" class="button-secondary">"Publicar o rascunho salvo"</button>
                </form>
                {f.has_draft.then(|| view! {
                    <form method="post" action="/fluxos/acao" class="inline">
                        {hidden("descartar")}
                        <button type="submit" class="button-secondary">"Descartar rascunho"</button>
                    </form>
                })}
            </div>
        })}
        <section aria-labelledby="versoes">
            <h2 id="versoes">"Versões publicadas"</h2>
            <ul class="timeline">
                {f.versions.into_iter().map(|(v, who, at)| {
                    let restore = (!f.is_template).then(|| view! {
                        <form method="post" action="/fluxos/acao" class="inline">
                            {hidden("restaurar")}
                            <input type="hidden" name="versao" value=v.to_string()/>
                            <button type="submit" class="button-small button-secondary">"Restaurar como rascunho"</button>
                        </form>
                    });
                    view! { <li><span>{format!("Versão {v} — {who}, {at}")}</span>" "{restore}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The simulator: the consultant writes as the lead and reads what the bot answers, through
/// the engine itself. A form per turn.
#[component]
fn Simulator(f: FlowEditorData, sim: FormContext, unsaved: Unsaved) -> impl IntoView {
    let error = sim.feedback.as_ref().and_then(|fb| fb.error.clone());
    let success = sim.feedback.as_ref().and_then(|fb| fb.success.clone());
    let s = f.simulation.clone();
    let on_draft = s.version != "publicada" && f.has_draft;
    let csrf = sim.csrf.clone();
    let id = f.id.clone();
    // With edits not yet saved, the turn waits for them to be saved as the draft, and then
    // simulates the draft: what was typed survives, and is what the simulator runs.
    let save_first = {
        let (csrf, id) = (csrf.clone(), id.clone());
        move |ev: leptos::ev::SubmitEvent| {
            let Some(json) = unsaved.pending() else {
                return;
            };
            ev.prevent_default();
            #[cfg(feature = "hydrate")]
            {
                use wasm_bindgen::JsCast;
                let form = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
                let (csrf, id) = (csrf.clone(), id.clone());
                leptos::task::spawn_local(async move {
                    if crate::api::flows::save_flow(csrf, id, json, false)
                        .await
                        .is_ok()
                    {
                        unsaved.0.set(None);
                        if let Some(form) = form {
                            for versao in form.query_selector_all("input[name=versao]").into_iter()
                            {
                                for i in 0..versao.length() {
                                    if let Some(el) = versao
                                        .item(i)
                                        .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                                    {
                                        let _ = el.set_attribute("value", "rascunho");
                                    }
                                }
                            }
                            let _ = form.submit();
                        }
                    }
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (json, &csrf, &id);
        }
    };
    view! {
        <section id="simulador" class="card simulator" aria-labelledby="simulador-titulo">
            <h2 id="simulador-titulo">"Simulador"</h2>
            <p class="hint">{if on_draft {
                "Conversando com o rascunho. Nada aqui vira lead, mensagem ou número do painel."
            } else {
                "Conversando com a versão publicada. Nada aqui vira lead, mensagem ou número do painel."
            }}</p>
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            <ol class="sim-chat" aria-live="polite">
                {s.lines.into_iter().map(|l| {
                    let who = if l.from_lead { "Lead (você)" } else if l.ai { "Assistente (IA)" } else { "Assistente" };
                    view! {
                        <li class=if l.from_lead { "bubble bubble-in" } else { "bubble bubble-out" }>
                            <span class="small muted">{who}</span>
                            <p class="bubble-text">{l.text}</p>
                            {(!l.flags.is_empty()).then(|| view! {
                                <p class="small muted">{format!("Trocada pela conformidade: {}", l.flags.join(", "))}</p>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <form method="post" action="/fluxos/simulador" on:submit=save_first.clone()>
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="id" value=id.clone()/>
                <input type="hidden" name="acao" value="enviar"/>
                <input type="hidden" name="versao" value=if on_draft { "rascunho" } else { "publicada" }/>
                <div class="field">
                    <label for="sim-texto">"Mensagem do lead"</label>
                    <input id="sim-texto" name="texto" autocomplete="off" maxlength="4096"/>
                </div>
                <button type="submit">"Enviar"</button>
            </form>
            <form method="post" action="/fluxos/simulador" class="actions" on:submit=save_first>
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="acao" value="reiniciar"/>
                <label for="sim-versao">"Simular"</label>
                <select id="sim-versao" name="versao">
                    <option value="rascunho" selected=on_draft>"o rascunho"</option>
                    <option value="publicada" selected=!on_draft>"a versão publicada"</option>
                </select>
                <button type="submit" class="button-secondary">"Reiniciar"</button>
            </form>
        </section>
    }
}
