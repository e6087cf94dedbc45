//! `/fluxos/{id}`: a flow's definition as JSON (the power users' view of the editor), saved as
//! a draft and published only when the engine's validator accepts it; every published
//! version listed with who published it and when, and restorable as the draft. Templates are
//! shown read-only, with a copy button. Plain forms: the same with or without JavaScript.

use crate::api::feedback::{form_state, FormContext};
use crate::api::flows::{flow_editor, FlowEditorData};
use crate::components::PageTitle;
use crate::components::{error_view, textarea_text, AppShell, Loading};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

type EditorData = Result<(FlowEditorData, FormContext, FormContext), AppError>;

#[component]
pub fn FlowEditorPage() -> impl IntoView {
    let params = use_params_map();
    let data: Resource<EditorData> = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        |id| async move {
            Ok((
                flow_editor(id).await?,
                form_state("fluxo".into()).await?,
                form_state("simulador".into()).await?,
            ))
        },
    );
    view! {
        <PageTitle text="Fluxo | Consultor"/>
        <AppShell>
            <p class="small"><a href="/fluxos">"← Fluxos"</a></p>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    data.await.map(|(f, st, sim)| view! {
                        <Editor f=f.clone() st/>
                        <Simulator f sim/>
                    }.into_any()).unwrap_or_else(error_view)
                })}
            </Suspense>
        </AppShell>
    }
}

#[component]
fn Editor(f: FlowEditorData, st: FormContext) -> impl IntoView {
    let error = st.feedback.as_ref().and_then(|fb| fb.error.clone());
    let success = st.feedback.as_ref().and_then(|fb| fb.success.clone());
    // After refused JSON, what was typed comes back into the box.
    let json = st
        .feedback
        .as_ref()
        .filter(|fb| fb.error.is_some())
        .and_then(|fb| fb.value("json"))
        .unwrap_or_else(|| f.json.clone());
    let csrf = st.csrf.clone();
    let id = f.id.clone();
    let hidden = move |acao: &'static str| {
        view! {
            <input type="hidden" name="csrf" value=csrf.clone()/>
            <input type="hidden" name="id" value=id.clone()/>
            <input type="hidden" name="acao" value=acao/>
        }
    };
    view! {
        <h1>{f.name.clone()}</h1>
        <p class="muted">{if f.is_template {
            "Modelo: só leitura. Copie para editar.".to_string()
        } else if f.has_draft {
            format!("Versão publicada: {}. Há um rascunho não publicado.", f.version)
        } else {
            format!("Versão publicada: {}.", f.version)
        }}</p>
        {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
        {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
        {f.issues.clone().map(|i| view! { <div class="alert alert-warning" role="note">{format!("O rascunho ainda não pode ser publicado: {i}.")}</div> })}
        {if f.is_template {
            view! {
                <form method="post" action="/fluxos/acao">
                    {hidden("copiar")}
                    <button type="submit">"Copiar para meus fluxos"</button>
                </form>
                <pre class="flow-json">{json}</pre>
            }.into_any()
        } else {
            view! {
                <form method="post" action="/fluxos/acao">
                    {hidden("rascunho")}
                    <div class="field">
                        <label for="fluxo-json">"Definição do fluxo (JSON)"</label>
                        <textarea id="fluxo-json" name="json" rows="24" spellcheck="false" class="flow-json"
                            inner_html=textarea_text(&json)></textarea>
                    </div>
                    <button type="submit" class="button-secondary">"Salvar rascunho"</button>
                </form>
                <div class="actions">
                    <form method="post" action="/fluxos/acao" class="inline">
                        {hidden("publicar")}
                        <button type="submit">"Publicar"</button>
                    </form>
                    {f.has_draft.then(|| view! {
                        <form method="post" action="/fluxos/acao" class="inline">
                            {hidden("descartar")}
                            <button type="submit" class="button-secondary">"Descartar rascunho"</button>
                        </form>
                    })}
                </div>
            }.into_any()
        }}
        <section aria-labelledby="previa">
            <h2 id="previa">"Prévia das etapas"</h2>
            <p class="hint">"Como cada pergunta chega no WhatsApp, com os limites de caracteres de cada texto."</p>
            <ol class="cards-list step-previews">
                {f.preview.clone().into_iter().map(|p| view! {
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
fn Simulator(f: FlowEditorData, sim: FormContext) -> impl IntoView {
    let error = sim.feedback.as_ref().and_then(|fb| fb.error.clone());
    let success = sim.feedback.as_ref().and_then(|fb| fb.success.clone());
    let s = f.simulation.clone();
    let on_draft = s.version != "publicada" && f.has_draft;
    let csrf = sim.csrf.clone();
    let id = f.id.clone();
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
            <form method="post" action="/fluxos/simulador">
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
            <form method="post" action="/fluxos/simulador" class="actions">
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
