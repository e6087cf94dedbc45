//! The flow editor's "Imagem comparativa": the offers the image shows (up to six, each for
//! everyone or only for leads who gave one answer), switched on or off, and a preview of the
//! image as a lead would get it. A plain form (`POST /fluxos/{id}/comparativo`).

use crate::api::comparison::ComparisonSettings;
use crate::domain::comparison::{MAX_DETAILS, MAX_NAME, MAX_PRICE, MAX_TITLE};
use leptos::prelude::*;

#[component]
pub fn ComparisonSection(s: ComparisonSettings) -> impl IntoView {
    let error = s.feedback.as_ref().and_then(|f| f.error.clone());
    let success = s.feedback.as_ref().and_then(|f| f.success.clone());
    if !s.own {
        return view! {
            <section id="comparativo" aria-labelledby="comparativo-titulo">
                <h2 id="comparativo-titulo">"Imagem comparativa"</h2>
                <p class="hint">"Copie este modelo para seus fluxos para montar a imagem comparativa que cada lead recebe ao concluir o fluxo."</p>
            </section>
        }
        .into_any();
    }
    let choices = s.choices.clone();
    let photos = s.photos.clone();
    let rows = s
        .rows
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let n = i + 1;
            let id = |part: &str| format!("oferta-{n}-{part}");
            let name = |part: &str| format!("o{n}.{part}");
            let para = o.para.clone();
            let foto = o.foto.clone();
            view! {
                <fieldset class="offer">
                    <legend>{format!("Opção {n}")}</legend>
                    <div class="field">
                        <label for=id("nome")>"Nome"</label>
                        <input id=id("nome") name=name("nome") value=o.nome.clone() maxlength=MAX_NAME.to_string() autocomplete="off"/>
                    </div>
                    <div class="field">
                        <label for=id("preco")>"Preço"</label>
                        <input id=id("preco") name=name("preco") value=o.preco.clone() maxlength=MAX_PRICE.to_string()
                            placeholder="R$ 489,90/mês" autocomplete="off"/>
                    </div>
                    <div class="field">
                        <label for=id("detalhes")>"Detalhes (cobertura, quartos, ano…)"</label>
                        <input id=id("detalhes") name=name("detalhes") value=o.detalhes.clone() maxlength=MAX_DETAILS.to_string() autocomplete="off"/>
                    </div>
                    <div class="field">
                        <label for=id("para")>"Só para quem respondeu"</label>
                        <select id=id("para") name=name("para")>
                            <option value="" selected=para.is_empty()>"Todos os leads"</option>
                            {choices.iter().map(|(v, label)| view! {
                                <option value=v.clone() selected=*v == para>{label.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    {(!photos.is_empty()).then(|| view! {
                        <div class="field">
                            <label for=id("foto")>"Foto (da biblioteca)"</label>
                            <select id=id("foto") name=name("foto")>
                                <option value="" selected=foto.is_empty()>"Sem foto"</option>
                                {photos.iter().map(|(v, label)| view! {
                                    <option value=v.clone() selected=*v == foto>{label.clone()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                    })}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <section id="comparativo" aria-labelledby="comparativo-titulo">
            <h2 id="comparativo-titulo">"Imagem comparativa"</h2>
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            <p class="hint">
                "Quando um lead conclui este fluxo, o assistente envia a ele uma imagem com sua foto, nome e registro, as respostas dele e até três opções: primeiro as marcadas para a resposta dele, depois as de todos os leads. "
                "Cada opção pode ter uma foto (um imóvel, um carro): guarde as imagens em Ajustes › Arquivos."
            </p>
            <img class="comparison-preview" src=format!("/fluxos/{}/comparativo.png?v={}", s.flow, s.version)
                alt="Prévia da imagem comparativa" width="540" height="675" loading="lazy"/>
            <form method="post" action=format!("/fluxos/{}/comparativo", s.flow) class="comparison-form">
                <input type="hidden" name="csrf" value=s.csrf.clone()/>
                <label class="check"><input type="checkbox" name="ativo" value="1" checked=s.enabled/>" Enviar a imagem a quem concluir o fluxo"</label>
                <div class="field">
                    <label for="comparativo-titulo-campo">"Título da imagem"</label>
                    <input id="comparativo-titulo-campo" name="titulo" value=s.title.clone() maxlength=MAX_TITLE.to_string() autocomplete="off"/>
                </div>
                {rows}
                <button type="submit">"Guardar comparativo"</button>
            </form>
        </section>
    }
    .into_any()
}
