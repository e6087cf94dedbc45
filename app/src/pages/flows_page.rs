//! `/fluxos`: the templates of every area and the consultant's own flows, the live one
//! marked. A template is copied into an own flow; an own flow can be renamed, duplicated,
//! made live, archived, or deleted when no conversation used it. Plain forms throughout.

use crate::api::feedback::{form_state, FormContext};
use crate::api::flows::{flows_list, FlowItem};
use crate::api::page_data::{page_resource, PageResource};
use crate::components::PageTitle;
use crate::components::{error_view, Loading};
use crate::error::AppError;
use leptos::prelude::*;

type FlowsData = Result<(Vec<FlowItem>, FormContext), AppError>;

#[component]
pub fn FlowsPage() -> impl IntoView {
    let data: PageResource<FlowsData> = page_resource(
        || (),
        |_| async { Ok((flows_list().await?, form_state("fluxos".into()).await?)) },
    );
    view! {
        <PageTitle text="Fluxos | Consultor"/>
        <h1>"Fluxos de conversa"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                data.await.map(|(items, st)| view! { <Flows items st/> }.into_any()).unwrap_or_else(error_view)
            })}
        </Suspense>
    }
}

/// One action button, as a small form of its own.
#[component]
fn Act(
    csrf: String,
    id: String,
    acao: &'static str,
    label: &'static str,
    #[prop(optional)] danger: bool,
) -> impl IntoView {
    view! {
        <form method="post" action="/fluxos/acao" class="inline">
            <input type="hidden" name="csrf" value=csrf/>
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="acao" value=acao/>
            <button type="submit" class=if danger { "button-small button-danger" } else { "button-small button-secondary" }>{label}</button>
        </form>
    }
}

#[component]
fn Flows(items: Vec<FlowItem>, st: FormContext) -> impl IntoView {
    let error = st.feedback.as_ref().and_then(|f| f.error.clone());
    let success = st.feedback.as_ref().and_then(|f| f.success.clone());
    let (templates, own): (Vec<FlowItem>, Vec<FlowItem>) =
        items.into_iter().partition(|f| f.is_template);
    let csrf = st.csrf.clone();
    let any_own_live = own.iter().any(|f| f.live);
    view! {
        {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
        {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
        <section aria-labelledby="meus-fluxos">
            <h2 id="meus-fluxos">"Meus fluxos"</h2>
            {if own.is_empty() {
                view! { <p class="muted">"Você ainda não tem fluxos próprios: copie um modelo abaixo para começar."</p> }.into_any()
            } else {
                view! {
                    <ul class="cards-list flows-list">
                        {own.into_iter().map(|f| {
                            let csrf = csrf.clone();
                            view! {
                                <li class="card" class:archived=f.archived>
                                    <h3><a href=format!("/fluxos/{}", f.id)>{f.name.clone()}</a>
                                        {f.live.then(|| view! { " " <span class="badge badge-fechado">"Ativo"</span> })}
                                        {f.archived.then(|| view! { " " <span class="tag">"Arquivado"</span> })}</h3>
                                    <p class="muted small">{format!("{} · versão {} · alterado em {}", f.vertical_label, f.version, f.updated_at)}</p>
                                    <form method="post" action="/fluxos/acao" class="inline rename">
                                        <input type="hidden" name="csrf" value=csrf.clone()/>
                                        <input type="hidden" name="id" value=f.id.clone()/>
                                        <input type="hidden" name="acao" value="renomear"/>
                                        <label class="sr-only" for=format!("nome-{}", f.id)>"Novo nome"</label>
                                        <input id=format!("nome-{}", f.id) name="nome" value=f.name.clone() maxlength="100"/>
                                        <button type="submit" class="button-small button-secondary">"Renomear"</button>
                                    </form>
                                    <div class="actions">
                                        {(!f.live && !f.archived).then(|| view! { <Act csrf=csrf.clone() id=f.id.clone() acao="ativar" label="Ativar"/> })}
                                        <Act csrf=csrf.clone() id=f.id.clone() acao="copiar" label="Duplicar"/>
                                        {if f.archived {
                                            view! { <Act csrf=csrf.clone() id=f.id.clone() acao="desarquivar" label="Desarquivar"/> }.into_any()
                                        } else if !f.live {
                                            view! { <Act csrf=csrf.clone() id=f.id.clone() acao="arquivar" label="Arquivar"/> }.into_any()
                                        } else { ().into_any() }}
                                        {(!f.live && !f.used).then(|| view! { <Act csrf=csrf.clone() id=f.id.clone() acao="excluir" label="Excluir" danger=true/> })}
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {any_own_live.then(|| view! {
                        <form method="post" action="/fluxos/acao">
                            <input type="hidden" name="csrf" value=csrf.clone()/>
                            <input type="hidden" name="acao" value="usar-modelo"/>
                            <button type="submit" class="button-secondary">"Voltar a usar o modelo da minha área"</button>
                        </form>
                    })}
                }.into_any()
            }}
        </section>
        <section aria-labelledby="modelos">
            <h2 id="modelos">"Modelos"</h2>
            <p class="hint">"Os modelos não são alterados: copie um para ter o seu."</p>
            <ul class="cards-list flows-list">
                {templates.into_iter().map(|f| view! {
                    <li class="card">
                        <h3><a href=format!("/fluxos/{}", f.id)>{f.name.clone()}</a>
                            {f.live.then(|| view! { " " <span class="badge badge-fechado">"Ativo"</span> })}</h3>
                        <p class="muted small">{f.vertical_label.clone()}</p>
                        <Act csrf=csrf.clone() id=f.id.clone() acao="copiar" label="Copiar para meus fluxos"/>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
