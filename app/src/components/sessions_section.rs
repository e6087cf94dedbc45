//! Settings › "Sessões abertas": where the account is signed in, and a button to end each
//! session, or all but this one. Plain forms (`POST /configuracoes/sessoes`).

use crate::api::feedback::FormContext;
use crate::api::sessions::OpenSession;
use leptos::prelude::*;

#[component]
pub fn SessionsSection(sessions: Vec<OpenSession>, st: FormContext) -> impl IntoView {
    let error = st.feedback.as_ref().and_then(|f| f.error.clone());
    let success = st.feedback.as_ref().and_then(|f| f.success.clone());
    let others = sessions.iter().filter(|s| !s.current).count();
    let csrf = st.csrf;
    let rows = sessions
        .into_iter()
        .map(|s| {
            let csrf = csrf.clone();
            view! {
                <li class="session">
                    <p>
                        <strong>{s.device.clone()}</strong>
                        {s.current.then_some(" (este aparelho)")}
                    </p>
                    <p class="hint">
                        {s.network.map(|n| format!("Rede {n} · "))}
                        {format!("entrou em {} · último uso {}", s.since, s.last_used)}
                    </p>
                    <form method="post" action="/configuracoes/sessoes">
                        <input type="hidden" name="csrf" value=csrf/>
                        <input type="hidden" name="acao" value="encerrar"/>
                        <input type="hidden" name="id" value=s.id/>
                        // The name starts with the words shown (speech input users say them).
                        <button type="submit" class="button-secondary"
                            aria-label=if s.current {
                                format!("Sair deste aparelho ({})", s.device)
                            } else {
                                format!("Encerrar a sessão de {}", s.device)
                            }>
                            {if s.current { "Sair deste aparelho" } else { "Encerrar" }}
                        </button>
                    </form>
                </li>
            }
        })
        .collect_view();
    view! {
        <section id="sessoes" aria-labelledby="sessoes-titulo">
            <h2 id="sessoes-titulo">"Sessões abertas"</h2>
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            <p class="hint">"Onde sua conta está conectada. Não reconhece um aparelho? Encerre a sessão e troque a senha."</p>
            <ul class="sessions">{rows}</ul>
            {(others > 0).then(|| view! {
                <form method="post" action="/configuracoes/sessoes">
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <input type="hidden" name="acao" value="encerrar-outras"/>
                    <button type="submit">"Encerrar todas as outras"</button>
                </form>
            })}
        </section>
    }
}
