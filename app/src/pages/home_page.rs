use crate::components::PageTitle;
use leptos::prelude::*;
use leptos_meta::Meta;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <PageTitle text="Consultor | Seu assistente de vendas no WhatsApp"/>
        <Meta name="description" content="Qualifique leads no WhatsApp com um assistente que conversa por você e entrega o cliente pronto."/>
        <main class="narrow hero">
            <h1>"Consultor"</h1>
            <p class="lead">
                "Seu assistente no WhatsApp: conversa com cada lead, faz as perguntas certas e "
                "entrega o cliente qualificado para você fechar."
            </p>
            <p class="actions">
                <a href="/cadastro" class="button">"Criar conta grátis"</a>
                <a href="/entrar" class="button button-secondary">"Entrar"</a>
            </p>
        </main>
    }
}
