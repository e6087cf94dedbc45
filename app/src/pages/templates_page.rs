//! `/modelos`: the WhatsApp message templates. After 24 hours without a word from the lead,
//! WhatsApp lets a business write only with a template Meta approved; here the consultant
//! writes one (checked against Meta's limits, previewed as the lead will see it), submits a
//! ready one, and follows Meta's verdict. Plain forms (`/modelos/acao`).

use crate::api::feedback::FormFeedback;
use crate::api::page_data::page_resource;
use crate::api::templates::{
    draft_from_form, templates_page, Editing, LibraryItem, Preview, TemplateItem, TemplatesData,
};
use crate::components::{
    error_view, textarea_text, FollowUpRules, Loading, PageTitle, TemplatePreview,
};
use crate::domain::template::{MAX_BODY, MAX_BUTTON_TEXT, MAX_FOOTER, MAX_HEADER, MAX_VARIABLES};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TemplatesPage() -> impl IntoView {
    // `?alterar=<id>` opens that template in the form, to change it.
    let query = use_query_map();
    let data = page_resource(move || query.with(|q| q.get("alterar")), templates_page);
    view! {
        <PageTitle text="Modelos de mensagem | Consultor"/>
        <h1>"Modelos de mensagem"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                data.await.map(|page| view! { <Templates page/> }.into_any()).unwrap_or_else(error_view)
            })}
        </Suspense>
    }
}

#[component]
fn Templates(page: TemplatesData) -> impl IntoView {
    let feedback = page.form.feedback.clone();
    let error = feedback.as_ref().and_then(|f| f.error.clone());
    let success = feedback.as_ref().and_then(|f| f.success.clone());
    let csrf = page.form.csrf.clone();
    let approved: Vec<(String, String)> = page
        .items
        .iter()
        .filter(|t| t.status == "aprovado")
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    view! {
        <p class="hint">
            "Depois de 24 horas sem mensagem do lead, o WhatsApp só deixa você escrever com um modelo aprovado pela Meta. "
            "Use um modelo para retomar a conversa, lembrar de um horário ou avisar que a cotação está pronta."
        </p>
        {page.sandbox.then(|| view! {
            <p class="alert alert-info" role="note">"Modo de teste: este servidor não tem um app da Meta, então cada modelo é aprovado na hora."</p>
        })}
        {page.needs_connection.then(|| view! {
            <p class="alert alert-warning" role="note">
                "Conecte seu número do WhatsApp em " <a href="/configuracoes#whatsapp">"Configurações"</a>
                " para enviar modelos para a análise da Meta."
            </p>
        })}
        {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
        {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
        <section aria-labelledby="meus-modelos">
            <h2 id="meus-modelos">"Meus modelos"</h2>
            {if page.items.is_empty() {
                view! { <p class="muted">"Você ainda não tem modelos: envie um dos prontos abaixo ou escreva o seu."</p> }.into_any()
            } else {
                let csrf = csrf.clone();
                view! {
                    <ul class="cards-list templates-list">
                        {page.items.into_iter().map(|t| view! { <Item t csrf=csrf.clone()/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="prontos">
            <h2 id="prontos">"Modelos prontos"</h2>
            <p class="hint">"Escritos para passar na análise da Meta. Envie como estão, ou copie o texto para o formulário abaixo."</p>
            <ul class="cards-list templates-list">
                {page.library.into_iter().map(|l| view! { <Ready l csrf=csrf.clone()/> }).collect_view()}
            </ul>
        </section>
        <NewTemplate csrf=csrf.clone() sources=page.sources images=page.images editing=page.editing feedback/>
        <FollowUpRules csrf=csrf.clone() rules=page.rules approved quiet=page.quiet reminder_hours=page.reminder_hours/>
    }
}

#[component]
fn Item(t: TemplateItem, csrf: String) -> impl IntoView {
    let badge = match t.status.as_str() {
        "aprovado" => "badge badge-fechado",
        "rejeitado" | "desativado" | "erro" => "badge badge-perdido",
        "pausado" => "badge badge-agendado",
        _ => "badge badge-novo",
    };
    let action = |acao: &'static str, label: &'static str, danger: bool| {
        view! {
            <form method="post" action="/modelos/acao" class="inline">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="id" value=t.id.clone()/>
                <input type="hidden" name="acao" value=acao/>
                <button type="submit" class=if danger { "button-small button-danger" } else { "button-small button-secondary" }>{label}</button>
            </form>
        }
    };
    view! {
        <li class="card template-item">
            <h3>{t.name.clone()} " " <span class=badge>{t.status_label.clone()}</span></h3>
            <p class="muted small">{format!("{} · atualizado em {}", t.category, t.updated_at)}</p>
            {t.reason.clone().map(|r| view! { <p class="small template-reason"><strong>"Motivo: "</strong>{r}</p> })}
            {t.quality.clone().map(|q| view! { <p class="small">{q}</p> })}
            <TemplatePreview preview=t.preview.clone()/>
            <div class="actions">
                {t.can_retry.then(|| action("reenviar", "Enviar de novo", false))}
                {t.can_edit.then(|| view! {
                    <a href=format!("/modelos?alterar={}#novo-modelo", t.id) class="button button-small button-secondary"
                        aria-label=format!("Alterar o modelo {}", t.name)>"Alterar"</a>
                })}
                {t.can_delete.then(|| action("excluir", "Excluir", true))}
            </div>
        </li>
    }
}

#[component]
fn Ready(l: LibraryItem, csrf: String) -> impl IntoView {
    view! {
        <li class="card template-item">
            <h3>{l.title.clone()}</h3>
            <p class="muted small">{l.category.clone()}</p>
            <TemplatePreview preview=l.preview.clone()/>
            {if l.added {
                view! { <p class="muted small">"Já está nos seus modelos."</p> }.into_any()
            } else {
                view! {
                    <form method="post" action="/modelos/acao" class="inline">
                        <input type="hidden" name="csrf" value=csrf/>
                        <input type="hidden" name="acao" value="biblioteca"/>
                        <input type="hidden" name="modelo" value=l.key.clone()/>
                        <button type="submit" class="button-small">"Enviar para aprovação"</button>
                    </form>
                }.into_any()
            }}
        </li>
    }
}

/// The creation form. What a refused or previewed post typed comes back in it, with the
/// preview of that text.
#[component]
fn NewTemplate(
    csrf: String,
    sources: Vec<(String, String)>,
    images: Vec<(String, String)>,
    editing: Option<Editing>,
    feedback: Option<FormFeedback>,
) -> impl IntoView {
    let typed = feedback.clone().filter(|f| {
        matches!(
            f.value("acao").as_deref(),
            Some("previa" | "criar" | "alterar")
        ) && f.values.len() > 1
    });
    // A refused change comes back as a change of the same template.
    let editing = editing.or_else(|| {
        let f = typed.as_ref()?;
        let id = f.value("id").filter(|id| !id.is_empty())?;
        Some(Editing {
            id,
            name: f.value("nome").unwrap_or_default(),
            values: Vec::new(),
        })
    });
    let val = {
        let (typed, editing) = (typed.clone(), editing.clone());
        move |name: &str| -> String {
            match &typed {
                Some(f) => f.value(name).unwrap_or_default(),
                None => editing
                    .as_ref()
                    .and_then(|e| e.values.iter().find(|(n, _)| n == name))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            }
        }
    };
    let shown = typed.is_some() || editing.is_some();
    let preview = shown.then(|| {
        let (draft, _) = draft_from_form(&|n| val(n));
        Preview::example(&draft)
    });
    let chosen_image = val("cabecalho_imagem");
    let mut images = images;
    if !chosen_image.is_empty() && !images.iter().any(|(id, _)| *id == chosen_image) {
        images.insert(0, (chosen_image.clone(), "Imagem atual".into()));
    }
    let select = |id: String, chosen: String| {
        let sources = sources.clone();
        view! {
            <select id=id.clone() name=id>
                {sources.into_iter().map(|(value, label)| {
                    let selected = value == chosen || (chosen.is_empty() && value == "texto");
                    view! { <option value=value selected=selected>{label}</option> }
                }).collect_view()}
            </select>
        }
    };
    let category = val("categoria");
    let title = match &editing {
        Some(e) => format!("Alterar o modelo {}", e.name),
        None => "Novo modelo".to_string(),
    };
    view! {
        <section aria-labelledby="novo-modelo-titulo" id="novo-modelo">
            <h2 id="novo-modelo-titulo">{title}</h2>
            {editing.is_some().then(|| view! {
                <p class="hint">"A alteração volta para a análise da Meta; até a resposta, o modelo não é enviado. A Meta permite alterar um modelo aprovado uma vez por dia."</p>
            })}
            {preview.map(|p| view! {
                <div class="template-preview-box">
                    <h3>"Como o lead recebe"</h3>
                    <TemplatePreview preview=p/>
                </div>
            })}
            <form method="post" action="/modelos/acao" class="stack template-form">
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="id" value=editing.as_ref().map(|e| e.id.clone()).unwrap_or_default()/>
                <div class="field">
                    <label for="modelo-nome">"Nome"</label>
                    <input id="modelo-nome" name="nome" required maxlength="100" value=val("nome") aria-describedby="modelo-nome-dica" autocomplete="off"
                        readonly=editing.is_some()/>
                    <p class="hint" id="modelo-nome-dica">{if editing.is_some() {
                        "O nome de um modelo não muda."
                    } else {
                        "Só para você e para a Meta: vira letras minúsculas e _ (ex.: lembrete_visita)."
                    }}</p>
                </div>
                <div class="field">
                    <label for="modelo-categoria">"Categoria"</label>
                    <select id="modelo-categoria" name="categoria" aria-describedby="modelo-categoria-dica">
                        <option value="utility" selected=category != "marketing">"Utilidade (lembretes, confirmações, cotação pedida)"</option>
                        <option value="marketing" selected=category == "marketing">"Marketing (ofertas, retomar contato)"</option>
                    </select>
                    <p class="hint" id="modelo-categoria-dica">"A Meta cobra mais por marketing e pode mudar a categoria se o texto não combinar com ela."</p>
                </div>
                <div class="field">
                    <label for="modelo-cabecalho">"Cabeçalho (opcional)"</label>
                    <input id="modelo-cabecalho" name="cabecalho" maxlength=MAX_HEADER.to_string() value=val("cabecalho")/>
                </div>
                <div class="field">
                    <label for="modelo-imagem">"Ou uma imagem no cabeçalho (opcional)"</label>
                    <select id="modelo-imagem" name="cabecalho_imagem" aria-describedby="modelo-imagem-dica">
                        <option value="" selected=chosen_image.is_empty()>"Sem imagem"</option>
                        {images.into_iter().map(|(id, name)| {
                            let selected = id == chosen_image;
                            view! { <option value=id selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                    <p class="hint" id="modelo-imagem-dica">
                        "Uma foto do imóvel, do carro, do seu cartão: escolha entre as imagens da sua "
                        <a href="/configuracoes#arquivos">"biblioteca de arquivos"</a>
                        " (JPEG ou PNG até 5 MB). O cabeçalho é um texto ou uma imagem, não os dois."
                    </p>
                </div>
                <div class="field">
                    <label for="modelo-corpo">"Texto da mensagem"</label>
                    <textarea id="modelo-corpo" name="corpo" rows="5" required maxlength=MAX_BODY.to_string()
                        aria-describedby="modelo-corpo-dica" inner_html=textarea_text(&val("corpo"))></textarea>
                    <p class="hint" id="modelo-corpo-dica">"Use {{1}}, {{2}}… onde entram dados do lead, por exemplo: Olá {{1}}, tudo bem? Não comece nem termine o texto com uma variável."</p>
                </div>
                <details class="template-vars" open=typed.is_some()>
                    <summary>{format!("Variáveis (até {MAX_VARIABLES})")}</summary>
                    <p class="hint">"Para cada variável do texto: de onde vem o valor e um exemplo (a Meta pede exemplos para analisar)."</p>
                    {(1..=MAX_VARIABLES).map(|n| view! {
                        <fieldset class="template-var">
                            <legend>{format!("{{{{{n}}}}}")}</legend>
                            <label for=format!("var{n}_fonte")>"Origem"</label>
                            {select(format!("var{n}_fonte"), val(&format!("var{n}_fonte")))}
                            <label for=format!("var{n}_exemplo")>"Exemplo"</label>
                            <input id=format!("var{n}_exemplo") name=format!("var{n}_exemplo") maxlength="200" value=val(&format!("var{n}_exemplo"))/>
                        </fieldset>
                    }).collect_view()}
                    <fieldset class="template-var">
                        <legend>"Variável do cabeçalho {{1}}"</legend>
                        <label for="cabecalho_fonte">"Origem"</label>
                        {select("cabecalho_fonte".into(), val("cabecalho_fonte"))}
                        <label for="cabecalho_exemplo">"Exemplo"</label>
                        <input id="cabecalho_exemplo" name="cabecalho_exemplo" maxlength="200" value=val("cabecalho_exemplo")/>
                    </fieldset>
                </details>
                <div class="field">
                    <label for="modelo-rodape">"Rodapé (opcional)"</label>
                    <input id="modelo-rodape" name="rodape" maxlength=MAX_FOOTER.to_string() value=val("rodape") placeholder="Responda SAIR para não receber mais"/>
                </div>
                <fieldset class="template-buttons">
                    <legend>"Botões (opcional)"</legend>
                    {(1..=3).map(|n| view! {
                        <label for=format!("resposta{n}")>{format!("Resposta rápida {n}")}</label>
                        <input id=format!("resposta{n}") name=format!("resposta{n}") maxlength=MAX_BUTTON_TEXT.to_string() value=val(&format!("resposta{n}"))/>
                    }).collect_view()}
                    <label for="link_texto">"Botão de link: texto"</label>
                    <input id="link_texto" name="link_texto" maxlength=MAX_BUTTON_TEXT.to_string() value=val("link_texto")/>
                    <label for="link_url">"Botão de link: endereço (https://…)"</label>
                    <input id="link_url" name="link_url" type="url" maxlength="2000" value=val("link_url") placeholder="https://"
                        aria-describedby="link-dica"/>
                    <p class="hint" id="link-dica">"Para um link que muda por lead (a página de um imóvel, uma cotação), termine o endereço com {{1}} e diga de onde vem o final:"</p>
                    <label for="link_fonte">"Final do link: origem"</label>
                    {select("link_fonte".into(), val("link_fonte"))}
                    <label for="link_exemplo">"Final do link: exemplo"</label>
                    <input id="link_exemplo" name="link_exemplo" maxlength="200" value=val("link_exemplo") placeholder="apto-302"/>
                </fieldset>
                <div class="actions">
                    <button type="submit" name="acao" value="previa" class="button-secondary" formnovalidate>"Pré-visualizar"</button>
                    {if editing.is_some() {
                        view! {
                            <button type="submit" name="acao" value="alterar">"Enviar alteração para análise"</button>
                            <a href="/modelos" class="button button-secondary">"Cancelar"</a>
                        }.into_any()
                    } else {
                        view! { <button type="submit" name="acao" value="criar">"Enviar para aprovação"</button> }.into_any()
                    }}
                </div>
            </form>
        </section>
    }
}
