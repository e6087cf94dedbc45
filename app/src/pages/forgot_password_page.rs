//! `/esqueci-senha`: asks for the e-mail and sends a link to choose a new password.

use crate::api::feedback::{form_state, FormContext, FormFeedback};
use crate::api::page_data::page_resource;
use crate::api::password_reset::RequestPasswordReset;
use crate::components::{error_view, FormAlert, Loading, PageTitle, TextField};
use leptos::prelude::*;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let state = page_resource(|| (), |_| form_state("esqueci".into()));
    view! {
        <PageTitle text="Esqueci minha senha | Consultor"/>
        <main class="narrow">
            <h1>"Esqueci minha senha"</h1>
            <p>"Informe o e-mail da sua conta. Enviaremos um link para você criar uma nova senha."</p>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(st) => view! { <RequestForm st/> }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Suspense>
            <p><a href="/entrar">"Voltar para entrar"</a></p>
        </main>
    }
}

#[component]
fn RequestForm(st: FormContext) -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let email = st
        .feedback
        .as_ref()
        .and_then(|f| f.value("email"))
        .unwrap_or_default();
    let success =
        FormFeedback::success_signal(st.feedback.as_ref(), move || action.value().get(), |m| m);
    let errors = FormFeedback::error_signal(st.feedback, move || action.value().get());
    view! {
        <ActionForm action=action>
            <input type="hidden" name="csrf" value=st.csrf/>
            <FormAlert errors success/>
            <TextField label="E-mail" name="email" kind="email" value=email
                autocomplete="email" required=true errors/>
            <button type="submit" disabled=move || action.pending().get()>
                {move || if action.pending().get() { "Enviando…" } else { "Enviar o link" }}
            </button>
        </ActionForm>
    }
}
