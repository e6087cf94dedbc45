use crate::api::auth::{current_consultant, Login};
use crate::api::feedback::{form_state, FormContext, FormFeedback};
use crate::api::page_data::page_resource;
use crate::components::PageTitle;
use crate::components::{error_view, FormAlert, Loading, RedirectTo, TextField};
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn LoginPage() -> impl IntoView {
    // Someone already signed in has nothing to do here: straight to the dashboard.
    let state = page_resource(
        || (),
        |_| async {
            let me = current_consultant().await?;
            let form = form_state("login".into()).await?;
            Ok::<_, AppError>((me.is_some(), form))
        },
    );
    view! {
        <PageTitle text="Entrar | Consultor"/>
        <main class="narrow">
            <h1>"Entrar"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok((true, _)) => view! { <RedirectTo path="/painel"/> }.into_any(),
                        Ok((false, st)) => view! { <LoginForm st/> }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Suspense>
            <p><a href="/esqueci-senha">"Esqueci minha senha"</a></p>
            <p>"Ainda não tem conta? " <a href="/cadastro">"Criar conta"</a></p>
        </main>
    }
}

#[component]
fn LoginForm(st: FormContext) -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let email = st
        .feedback
        .as_ref()
        .and_then(|f| f.value("email"))
        .unwrap_or_default();
    let errors = FormFeedback::error_signal(st.feedback, move || action.value().get());
    view! {
        <ActionForm action=action>
            <input type="hidden" name="csrf" value=st.csrf/>
            <FormAlert errors/>
            <TextField label="E-mail" name="email" kind="email" value=email
                autocomplete="email" required=true errors/>
            <TextField label="Senha" name="password" kind="password"
                autocomplete="current-password" required=true errors/>
            <button type="submit" disabled=move || action.pending().get()>"Entrar"</button>
        </ActionForm>
    }
}
