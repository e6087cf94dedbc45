//! A choice step's options.

use super::model::{label_limit, Count, Model};
use super::next_select::NextSelect;
use crate::domain::flow::{Choice, EditOp, WhatsAppLimits as L};
use crate::domain::temperature::{COLD_UP_TO, HOT_FROM};
use leptos::prelude::*;

/// A choice step's options: label, stored value, description (lists only), and where each
/// one leads.
#[component]
pub(super) fn OptionsEditor(
    i: usize,
    model: Model,
    ids: Memo<Vec<String>>,
    options: usize,
) -> impl IntoView {
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
            <p class="hint">{format!(
                "Pontos de {} a +{} por opção: somam na temperatura do lead (quente a partir de {}, frio com {} ou menos).",
                Choice::MIN_POINTS, Choice::MAX_POINTS, HOT_FROM, COLD_UP_TO
            )}</p>
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
                                <label for=fid("valor")>"Código da opção (nas respostas e na exportação)"</label>
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
                            <div class="field field-points">
                                <label for=fid("pontos")>"Pontos na temperatura"</label>
                                <input id=fid("pontos") name=key("pontos") type="number" min="-5" max="5" step="1"
                                    inputmode="numeric" value=o.pontos.to_string()
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        // What does not parse is left to the validator's message
                                        // on saving (the number field refuses letters anyway).
                                        let points = v.trim().trim_start_matches('+').parse::<i16>().unwrap_or(0);
                                        model.edit(|d| d.etapas[i].opcoes[j].pontos = points);
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
                                aria-label=format!("Remover opção {} da etapa {}", j + 1, i + 1)
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
