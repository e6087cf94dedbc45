use crate::api::auth::{current_consultant, Signup};
use crate::api::feedback::{form_state, FormContext, FormFeedback};
use crate::api::page_data::page_resource;
use crate::components::PageTitle;
use crate::components::{
    error_view, FormAlert, Loading, RedirectTo, SelectField, SlugField, TextField,
};
use crate::domain::Vertical;
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn SignupPage() -> impl IntoView {
    // Someone already signed in has nothing to do here: straight to the dashboard.
    let state = page_resource(
        || (),
        |_| async {
            let me = current_consultant().await?;
            let form = form_state("signup".into()).await?;
            Ok::<_, AppError>((me.is_some(), form))
        },
    );
    view! {
        <PageTitle text="Criar conta | Consultor"/>
        <main class="narrow">
            <h1>"Criar conta"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok((true, _)) => view! { <RedirectTo path="/painel"/> }.into_any(),
                        Ok((false, st)) => view! { <SignupForm st/> }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Suspense>
            <p>"Já tem conta? " <a href="/entrar">"Entrar"</a></p>
        </main>
    }
}

#[component]
fn SignupForm(st: FormContext) -> impl IntoView {
    let action = ServerAction::<Signup>::new();
    let value = |k: &str| {
        st.feedback
            .as_ref()
            .and_then(|f| f.value(k))
            .unwrap_or_default()
    };
    let (name, email, whatsapp, vertical) = (
        value("name"),
        value("email"),
        value("whatsapp"),
        value("vertical"),
    );
    let slug = RwSignal::new(value("slug"));
    let errors = FormFeedback::error_signal(st.feedback, move || action.value().get());
    // With JavaScript the address follows the name until the person types one of their own
    // (or typed one before a refused post).
    let edited = RwSignal::new(!slug.get_untracked().is_empty());
    let follow_name = move |ev: leptos::ev::Event| {
        if !edited.get_untracked() {
            slug.set(crate::domain::slug::normalise(&event_target_value(&ev)));
        }
    };
    let verticals = Vertical::ALL
        .iter()
        .map(|v| (v.as_str(), v.label()))
        .collect();
    view! {
        <ActionForm action=action>
            <input type="hidden" name="csrf" value=st.csrf/>
            <FormAlert errors/>
            <div on:input=follow_name>
                <TextField label="Nome" name="name" value=name autocomplete="name" required=true errors/>
            </div>
            <TextField label="E-mail" name="email" kind="email" value=email
                autocomplete="email" required=true errors/>
            <TextField label="Senha" name="password" kind="password"
                autocomplete="new-password" required=true
                hint="De 8 a 128 caracteres." errors/>
            <TextField label="WhatsApp" name="whatsapp" kind="tel" value=whatsapp
                autocomplete="tel" inputmode="tel" required=true
                hint="Celular com DDD, ex.: (11) 91234-5678" errors/>
            <SelectField label="Área de atuação" name="vertical" options=verticals
                selected=vertical placeholder="Escolha…" errors/>
            <SlugField value=slug edited errors
                hint="O endereço da sua página pública. Em branco, ele vem do seu nome (ex.: Márcia Souza vira marcia-souza)."/>
            <button type="submit" disabled=move || action.pending().get()>"Criar conta"</button>
        </ActionForm>
    }
}
