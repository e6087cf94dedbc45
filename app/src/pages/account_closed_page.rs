//! `/conta-encerrada`: the confirmation after closing an account (no e-mail needed): what
//! stopped, and from when everything is deleted.

use crate::components::PageTitle;
use crate::domain::lead_filter::query_value;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn AccountClosedPage() -> impl IntoView {
    let location = use_location();
    let until = move || query_value(&location.search.get(), "ate").unwrap_or_default();
    view! {
        <PageTitle text="Conta encerrada | Consultor"/>
        <main class="narrow">
            <h1>"Sua conta foi encerrada"</h1>
            <p>"O bot parou de responder, seu perfil público saiu do ar e suas sessões foram encerradas."</p>
            <p>{move || format!("Seus dados, leads e conversas serão apagados de vez em {}. Até lá, nada é mostrado a ninguém.", until())}</p>
            <p><a href="/">"Ir para o início"</a></p>
        </main>
    }
}
