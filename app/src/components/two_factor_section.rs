//! Settings › "Verificação em duas etapas": turn it on with an authenticator app (the key as
//! text, as a link that opens the app on a phone, and as a QR code for a computer), see the
//! recovery codes once, turn it off. Plain forms (`POST /configuracoes/duas-etapas`), the same
//! with or without JavaScript.

use crate::api::feedback::FormContext;
use crate::api::two_factor::TwoFactorView;
use leptos::prelude::*;

#[component]
pub fn TwoFactorSection(state: TwoFactorView, st: FormContext) -> impl IntoView {
    let error = st.feedback.as_ref().and_then(|f| f.error.clone());
    let code_error = error.as_ref().and_then(|e| e.field_message("codigo"));
    let password_error = error.as_ref().and_then(|e| e.field_message("senha"));
    let general_error = error.filter(|_| code_error.is_none() && password_error.is_none());
    let success = st.feedback.as_ref().and_then(|f| f.success.clone());
    let codes: Vec<String> = st
        .feedback
        .as_ref()
        .and_then(|f| f.value("codigos"))
        .map(|c| c.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    let csrf = st.csrf;
    let code_field = move |label: &'static str| {
        view! {
            <div class="field" class:field-invalid=code_error.is_some()>
                <label for="campo-codigo">{label}</label>
                <input id="campo-codigo" name="codigo" inputmode="numeric" autocomplete="one-time-code"
                    required aria-describedby="erro-codigo"
                    aria-invalid=code_error.is_some().then_some("true")/>
                <p class="field-error" id="erro-codigo">{code_error.clone()}</p>
            </div>
        }
    };
    let body = match (state.enabled_since, state.setup) {
        (Some(since), _) => view! {
            <p><strong>"Ativada"</strong>{format!(" desde {since}. ")}
                {format!("Códigos de recuperação ainda não usados: {}.", state.recovery_left)}</p>
            <form method="post" action="/configuracoes/duas-etapas">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="acao" value="desativar"/>
                <div class="field" class:field-invalid=password_error.is_some()>
                    <label for="campo-senha-2fa">"Sua senha"</label>
                    <input id="campo-senha-2fa" type="password" name="senha" required
                        autocomplete="current-password" aria-describedby="erro-senha-2fa"/>
                    <p class="field-error" id="erro-senha-2fa">{password_error.clone()}</p>
                </div>
                {code_field("Código do aplicativo (ou de recuperação)")}
                <button type="submit" class="button-secondary">"Desativar"</button>
            </form>
        }
        .into_any(),
        (None, Some(setup)) => view! {
            <ol class="steps">
                <li>"No celular, abra um aplicativo autenticador (Google Authenticator, Microsoft \
                     Authenticator, 1Password…)."</li>
                <li>"Adicione a conta: toque em "
                    <a href=setup.uri.clone()>"abrir no aplicativo"</a>
                    " (neste celular), leia o código QR (de outro aparelho) ou digite a chave:"
                    <p><code class="secret">{setup.key.clone()}</code></p>
                    // Our own SVG (made on the server from the key): no user text in it.
                    <div class="qr" inner_html=setup.qr_svg.clone()></div>
                </li>
                <li>"Digite o código de 6 algarismos que o aplicativo mostra."</li>
            </ol>
            <form method="post" action="/configuracoes/duas-etapas">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="acao" value="confirmar"/>
                {code_field("Código do aplicativo")}
                <button type="submit">"Confirmar e ativar"</button>
            </form>
            <form method="post" action="/configuracoes/duas-etapas">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="acao" value="cancelar"/>
                <button type="submit" class="button-secondary">"Cancelar"</button>
            </form>
        }
        .into_any(),
        (None, None) => view! {
            <p>"Além da senha, peça um código do seu celular ao entrar. Recomendado para quem \
                guarda dados de saúde dos leads (LGPD, art. 11)."</p>
            <form method="post" action="/configuracoes/duas-etapas">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="acao" value="iniciar"/>
                <button type="submit">"Ativar"</button>
            </form>
        }
        .into_any(),
    };
    view! {
        <section id="duas-etapas" aria-labelledby="duas-etapas-titulo">
            <h2 id="duas-etapas-titulo">"Verificação em duas etapas"</h2>
            {general_error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            {(!codes.is_empty()).then(|| view! {
                <div class="recovery-codes">
                    <p><strong>"Códigos de recuperação"</strong>" (cada um vale uma vez):"</p>
                    <ul>{codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ul>
                </div>
            })}
            {body}
        </section>
    }
}
