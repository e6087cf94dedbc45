//! `/modelos` › Acompanhamento automático: the follow-up rules per stage ("novo, sem resposta
//! há 24 horas → modelo X"), and the quiet hours. What stops a rule is said where it is set.

use crate::api::templates::RuleItem;
use leptos::prelude::*;

#[component]
pub fn FollowUpRules(
    csrf: String,
    rules: Vec<RuleItem>,
    /// Approved templates: (id, name).
    approved: Vec<(String, String)>,
    quiet: (i16, i16),
    /// An appointment's second reminder, hours before.
    reminder_hours: i16,
) -> impl IntoView {
    let hours = |selected: i16| {
        (0..24)
            .map(|h| view! { <option value=h.to_string() selected=h == selected>{format!("{h}h")}</option> })
            .collect_view()
    };
    view! {
        <section id="acompanhamento" aria-labelledby="acompanhamento-titulo">
            <h2 id="acompanhamento-titulo">"Acompanhamento automático"</h2>
            <p class="hint">
                "Quando um lead fica sem resposta numa etapa, o modelo escolhido sai sozinho. A regra para assim que o lead escreve, muda de etapa, pede para sair (SAIR) ou você escreve para ele. "
                "No máximo uma mensagem automática por lead por dia, nunca no horário de silêncio, e nada de marketing para quem desativou marketing no WhatsApp."
            </p>
            {if rules.is_empty() {
                view! { <p class="muted">"Nenhuma regra ainda."</p> }.into_any()
            } else {
                view! {
                    <ul class="cards-list rules-list">
                        {rules.into_iter().map(|r| view! {
                            <li class="card rule">
                                <p><strong>{r.stage.clone()}</strong>{format!(", sem resposta há {} → modelo ", r.after)}
                                    <strong>{r.template.clone()}</strong></p>
                                {r.paused.then(|| view! { <p class="small alert-warning-text">"O modelo não está aprovado agora: a regra não envia nada até ele voltar a ser aprovado."</p> })}
                                <form method="post" action="/modelos/regras" class="inline">
                                    <input type="hidden" name="csrf" value=csrf.clone()/>
                                    <input type="hidden" name="acao" value="excluir"/>
                                    <input type="hidden" name="id" value=r.id.clone()/>
                                    <button type="submit" class="button-small button-danger">"Excluir regra"</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {if approved.is_empty() {
                view! { <p class="hint">"Para criar uma regra, tenha antes um modelo aprovado."</p> }.into_any()
            } else {
                view! {
                    <form method="post" action="/modelos/regras" class="rule-form">
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <input type="hidden" name="acao" value="criar"/>
                        <div class="field">
                            <label for="regra-etapa">"Etapa do lead"</label>
                            <select id="regra-etapa" name="etapa">
                                <option value="novo">"Novo"</option>
                                <option value="em_contato">"Em contato"</option>
                                <option value="agendado">"Agendado"</option>
                            </select>
                        </div>
                        <div class="field rule-wait">
                            <label for="regra-espera">"Sem resposta há"</label>
                            <div class="inline-fields">
                                <input id="regra-espera" name="espera" type="number" min="1" max="2160" value="24" required/>
                                <label class="sr-only" for="regra-unidade">"Unidade"</label>
                                <select id="regra-unidade" name="unidade">
                                    <option value="horas">"horas"</option>
                                    <option value="dias">"dias"</option>
                                </select>
                            </div>
                        </div>
                        <div class="field">
                            <label for="regra-modelo">"Enviar o modelo"</label>
                            <select id="regra-modelo" name="modelo">
                                {approved.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                            </select>
                        </div>
                        <button type="submit">"Criar regra"</button>
                    </form>
                }.into_any()
            }}
            <form method="post" action="/modelos/regras" class="quiet-form">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="acao" value="silencio"/>
                <fieldset>
                    <legend>"Horário de silêncio (horário de Brasília)"</legend>
                    <div class="inline-fields">
                        <label for="silencio-inicio">"Das"</label>
                        <select id="silencio-inicio" name="inicio">{hours(quiet.0)}</select>
                        <label for="silencio-fim">"às"</label>
                        <select id="silencio-fim" name="fim">{hours(quiet.1)}</select>
                        <button type="submit" class="button-secondary button-small">"Salvar"</button>
                    </div>
                </fieldset>
            </form>
            <form method="post" action="/modelos/regras" class="quiet-form">
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="acao" value="lembrete"/>
                <fieldset>
                    <legend>"Lembretes de agendamento"</legend>
                    <p class="hint small">"Com o modelo pronto “Lembrete de agendamento” aprovado, o lead recebe um lembrete 24 h antes do encontro e outro algumas horas antes, com os botões Confirmar e Remarcar."</p>
                    <div class="inline-fields">
                        <label for="lembrete-horas">"Segundo lembrete"</label>
                        <select id="lembrete-horas" name="horas">
                            {(1..24).map(|h| view! { <option value=h.to_string() selected=h == reminder_hours>{format!("{h} h antes")}</option> }).collect_view()}
                        </select>
                        <button type="submit" class="button-secondary button-small">"Salvar"</button>
                    </div>
                </fieldset>
            </form>
        </section>
    }
}
