//! `/entrar/codigo`: the second step of a sign-in with two-step verification on. A plain form
//! (`POST /entrar/verificar-codigo`), the same with or without JavaScript.

use crate::api::feedback::form_state;
use crate::api::page_data::page_resource;
use crate::api::two_factor::login_code_pending;
use crate::components::{error_view, Loading, PageTitle, RedirectTo};
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn LoginCodePage() -> impl IntoView {
    let state = page_resource(
        || (),
        |_| async {
            let pending = login_code_pending().await?;
            let form = form_state("codigo".into()).await?;
            Ok::<_, AppError>((pending, form))
        },
    );
    view! {
        <PageTitle text="Código de verificação | Consultor"/>
        <main class="narrow">
            <h1>"Código de verificação"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok((false, _)) => view! { <RedirectTo path="/entrar"/> }.into_any(),
                        Ok((true, st)) => {
                            let error = st.feedback.and_then(|f| f.error);
                            let message = error.as_ref().map(|e| e.field_message("codigo").unwrap_or_else(|| e.to_string()));
                            view! {
                                <p>"Abra o aplicativo autenticador no celular e digite o código de 6 \
                                    algarismos da conta Consultor. Sem o celular, use um dos códigos de \
                                    recuperação."</p>
                                <form method="post" action="/entrar/verificar-codigo">
                                    <input type="hidden" name="csrf" value=st.csrf/>
                                    <div class="field" class:field-invalid=message.is_some()>
                                        <label for="campo-codigo">"Código"</label>
                                        <input id="campo-codigo" name="codigo" inputmode="numeric"
                                            autocomplete="one-time-code" required autofocus
                                            aria-describedby="erro-codigo"
                                            aria-invalid=message.is_some().then_some("true")/>
                                        <p class="field-error" id="erro-codigo" role="alert">{message.clone()}</p>
                                    </div>
                                    <button type="submit">"Entrar"</button>
                                </form>
                            }.into_any()
                        }
                        Err(e) => error_view(e),
                    }
                })}
            </Suspense>
            <p><a href="/entrar">"Voltar para a senha"</a></p>
        </main>
    }
}
