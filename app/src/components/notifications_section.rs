//! Settings › "Notificações no celular": turning this device on (needs JavaScript:
//! `public/push.js`), which kinds to get, and the devices that get them. The kinds and the
//! devices are plain forms (`POST /configuracoes/notificacoes`).

use crate::api::feedback::FormContext;
use crate::api::notifications::NotificationPrefs;
use leptos::prelude::*;

#[component]
pub fn NotificationsSection(settings: NotificationPrefs, st: FormContext) -> impl IntoView {
    let error = st.feedback.as_ref().and_then(|f| f.error.clone());
    let success = st.feedback.as_ref().and_then(|f| f.success.clone());
    let csrf = st.csrf;
    let body = match settings.public_key.clone() {
        None => view! {
            <p class="hint">"As notificações no celular não estão ativadas neste servidor. Quem administra o Consultor ativa com a chave WEB_PUSH_PRIVATE_KEY (veja o README)."</p>
        }
        .into_any(),
        Some(key) => {
            let devices = settings.devices.clone();
            let has_devices = !devices.is_empty();
            let rows = devices
                .into_iter()
                .map(|d| {
                    let csrf = csrf.clone();
                    view! {
                        <li class="session">
                            <p><strong>{d.device.clone()}</strong></p>
                            <p class="hint">
                                {format!("ativado em {}", d.since)}
                                {d.last_sent.map(|at| format!(" · última notificação {at}"))}
                            </p>
                            <form method="post" action="/configuracoes/notificacoes">
                                <input type="hidden" name="csrf" value=csrf/>
                                <input type="hidden" name="acao" value="remover"/>
                                <input type="hidden" name="id" value=d.id/>
                                <button type="submit" class="button-secondary"
                                    aria-label=format!("Remover {}", d.device)>"Remover"</button>
                            </form>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <p class="hint">
                    "Um aviso no celular quando um lead fica quente, quando um lead responde uma conversa que você assumiu, 1 hora antes de um agendamento e quando um lead pede para remarcar. "
                    "No celular, adicione o Consultor à tela de início (menu do navegador › “Adicionar à tela de início”); no iPhone, as notificações só funcionam assim."
                </p>
                <div id="push-aparelho" data-chave=key data-csrf=csrf.clone()>
                    <p id="push-estado" class="hint" aria-live="polite">"Para ativar neste aparelho, o navegador precisa de JavaScript."</p>
                    <button type="button" id="ativar-notificacoes" hidden>"Ativar notificações neste aparelho"</button>
                </div>
                {super::site_script("/push.js")}
                <form method="post" action="/configuracoes/notificacoes" class="notification-kinds">
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <input type="hidden" name="acao" value="tipos"/>
                    <fieldset>
                        <legend>"Avisar quando"</legend>
                        <label><input type="checkbox" name="lead_quente" value="1" checked=settings.hot_lead/>" um lead fica quente"</label>
                        <label><input type="checkbox" name="lead_respondeu" value="1" checked=settings.lead_replied/>" um lead responde uma conversa que você assumiu"</label>
                        <label><input type="checkbox" name="agendamento" value="1" checked=settings.appointment/>" falta 1 hora para um agendamento, ou o lead pede para remarcar"</label>
                    </fieldset>
                    <button type="submit">"Guardar preferências de aviso"</button>
                </form>
                <h3>"Aparelhos que recebem"</h3>
                {if has_devices {
                    view! {
                        <ul class="sessions">{rows}</ul>
                        <form method="post" action="/configuracoes/notificacoes">
                            <input type="hidden" name="csrf" value=csrf.clone()/>
                            <input type="hidden" name="acao" value="testar"/>
                            <button type="submit" class="button-secondary">"Enviar um teste"</button>
                        </form>
                    }
                    .into_any()
                } else {
                    view! { <p class="muted">"Nenhum aparelho recebe notificações ainda."</p> }.into_any()
                }}
            }
            .into_any()
        }
    };
    view! {
        <section id="notificacoes" aria-labelledby="notificacoes-titulo">
            <h2 id="notificacoes-titulo">"Notificações no celular"</h2>
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            {body}
        </section>
    }
}
