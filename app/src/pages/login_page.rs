use crate::api::auth::Login;
use crate::api::feedback::{form_state, FormContext, FormFeedback};
use crate::components::{error_view, FormAlert, Loading, TextField};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let state = Resource::new(|| (), |_| form_state("login".into()));
    view! {
        <Title text="Entrar | Consultor"/>
        <main class="narrow">
            <h1>"Entrar"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    state.await.map(|st| view! { <LoginForm st/> }.into_any()).unwrap_or_else(error_view)
                })}
            </Suspense>
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
