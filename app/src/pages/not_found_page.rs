use crate::components::PageTitle;
use leptos::prelude::*;
use leptos_meta::Meta;

/// A real 404: the status is set on the server response, not just the text.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageTitle text="Página não encontrada | Consultor"/>
        <Meta name="robots" content="noindex"/>
        <main class="narrow center">
            <h1>"Página não encontrada"</h1>
            <p>"O endereço que você abriu não existe ou foi alterado."</p>
            <p><a href="/" class="button">"Ir para o início"</a></p>
        </main>
    }
}
