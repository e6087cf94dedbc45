//! Settings › "Anúncios (API de Conversões da Meta)": for leads that came from a
//! click-to-WhatsApp ad, which stage tells Meta what, so the ads learn which clicks become
//! deals. A plain form (`POST /configuracoes/conversoes`).

use crate::api::conversions::ConversionPrefs;
use crate::api::feedback::FormContext;
use leptos::prelude::*;

#[component]
pub fn ConversionsSection(prefs: ConversionPrefs, st: FormContext) -> impl IntoView {
    let error = st.feedback.as_ref().and_then(|f| f.error.clone());
    let success = st.feedback.as_ref().and_then(|f| f.success.clone());
    let typed_dataset = st
        .feedback
        .as_ref()
        .filter(|f| f.error.is_some())
        .and_then(|f| f.value("dataset"))
        .unwrap_or_else(|| prefs.dataset_id.clone());
    let events = prefs.events.clone();
    view! {
        <section id="conversoes" aria-labelledby="conversoes-titulo">
            <h2 id="conversoes-titulo">"Anúncios: API de Conversões da Meta"</h2>
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            <p class="hint">
                "Para leads que chegam de um anúncio “clique para o WhatsApp” (Instagram ou Facebook): quando o lead chega à etapa escolhida, o Consultor avisa a Meta, e o anúncio aprende quais cliques viram negócio. "
                "Nada é enviado de leads que não vieram de anúncio nem de quem pediu para sair."
            </p>
            {(!prefs.connected).then(|| view! {
                <p class="hint">"Conecte o número do WhatsApp pela Meta (acima) para ligar os anúncios."</p>
            })}
            <form method="post" action="/configuracoes/conversoes" class="conversions-form">
                <input type="hidden" name="csrf" value=st.csrf.clone()/>
                <div class="field">
                    <label for="conversoes-dataset">"ID do conjunto de dados (Gerenciador de Eventos)"</label>
                    <input id="conversoes-dataset" name="dataset" inputmode="numeric" autocomplete="off"
                        maxlength="30" value=typed_dataset/>
                </div>
                <div class="field">
                    <label for="conversoes-token">"Token de acesso da API de Conversões"</label>
                    <input id="conversoes-token" name="token" type="password" autocomplete="off" maxlength="1000"
                        placeholder=if prefs.has_token { "configurado: deixe em branco para manter" } else { "" }/>
                    {prefs.has_token.then(|| view! { <p class="hint">"Um token já está guardado (ele nunca aparece de volta)."</p> })}
                </div>
                <fieldset>
                    <legend>"O que avisar à Meta"</legend>
                    {prefs.mapping.into_iter().map(|(trigger, words, chosen)| {
                        let id = format!("conversoes-{trigger}");
                        let options = events.clone();
                        view! {
                            <div class="field">
                                <label for=id.clone()>{words}</label>
                                <select id=id name=format!("evento_{trigger}")>
                                    <option value="" selected=chosen.is_empty()>"Não avisar"</option>
                                    {options.into_iter().map(|(event, label)| {
                                        let selected = event == chosen;
                                        view! { <option value=event selected=selected>{label}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <p class="hint">"Na Compra (Purchase) vai o valor do negócio, quando você o preenche na página do lead."</p>
                <button type="submit">"Guardar configuração dos anúncios"</button>
            </form>
        </section>
    }
}
