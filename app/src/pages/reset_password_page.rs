//! `/redefinir-senha?t=…`: the link from the e-mail; chooses the new password (once).

use crate::api::feedback::{form_state, FormContext, FormFeedback};
use crate::api::page_data::page_resource;
use crate::api::password_reset::{reset_link_valid, ResetPassword};
use crate::components::{error_view, FormAlert, Loading, PageTitle, TextField};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("t").unwrap_or_default();
    let state = page_resource(token, |t| async move {
        let form = form_state("redefinir".into()).await?;
        // After a plain post the link is used: the stored outcome is what to show.
        let valid = form.feedback.is_some() || reset_link_valid(t.clone()).await?;
        Ok::<_, AppError>((form, valid, t))
    });
    view! {
        <PageTitle text="Nova senha | Consultor"/>
        <main class="narrow">
            <h1>"Criar uma nova senha"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok((st, true, token)) => view! { <ResetForm st token/> }.into_any(),
                        Ok((_, false, _)) => view! {
                            <div class="alert alert-error" role="alert">
                                "Este link para criar uma nova senha não vale mais (já foi usado, \
                                 passou de 30 minutos ou veio incompleto)."
                            </div>
                            <p><a href="/esqueci-senha">"Pedir um novo link"</a></p>
                        }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn ResetForm(st: FormContext, token: String) -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let success = FormFeedback::success_signal(
        st.feedback.as_ref(),
        move || action.value().get(),
        |_| crate::api::password_reset::RESET_DONE.to_string(),
    );
    let errors = FormFeedback::error_signal(st.feedback, move || action.value().get());
    let done = move || success.get().is_some();
    let csrf = st.csrf;
    view! {
        <FormAlert errors success/>
        <Show
            when=done
            fallback=move || {
                let (csrf, token) = (csrf.clone(), token.clone());
                view! {
                <ActionForm action=action>
                    <input type="hidden" name="csrf" value=csrf/>
                    <input type="hidden" name="token" value=token/>
                    <TextField label="Nova senha" name="password" kind="password"
                        autocomplete="new-password" required=true errors
                        hint="Pelo menos 8 caracteres. Todas as sessões abertas da conta serão encerradas."/>
                    <button type="submit" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Salvando…" } else { "Salvar a nova senha" }}
                    </button>
                </ActionForm>
                }
            }
        >
            <p><a href="/entrar">"Entrar com a nova senha"</a></p>
        </Show>
    }
}
