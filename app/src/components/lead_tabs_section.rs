//! Settings › "Abas dos leads": how a lead's page names its browser tab (the final digits of
//! the number, or the first name). A form that works without JavaScript. Its data comes with
//! the settings page's (one resource at page level: a resource of its own inside the page's
//! Suspense made the release build's hydration panic now and then).

use crate::api::feedback::{FormContext, FormFeedback};
use crate::api::lead_tabs::SetLeadTabs;
use crate::components::FormAlert;
use leptos::prelude::*;

#[component]
pub fn LeadTabsSection(by_name: bool, st: FormContext) -> impl IntoView {
    let saved = ServerAction::<SetLeadTabs>::new();
    let errors = FormFeedback::error_signal(st.feedback.clone(), move || saved.value().get());
    let success = FormFeedback::success_signal(
        st.feedback.as_ref(),
        move || saved.value().get(),
        |_| "Preferência salva.".to_string(),
    );
    view! {
        <section id="abas" aria-labelledby="abas-titulo">
            <h2 id="abas-titulo">"Abas dos leads"</h2>
            <div aria-live="polite"><FormAlert errors success/></div>
            <ActionForm action=saved>
                <input type="hidden" name="csrf" value=st.csrf.clone()/>
                <fieldset>
                    <legend>"Como cada lead aparece no título da aba do navegador"</legend>
                    <label class="choice">
                        <input type="radio" name="abas" value="numero" checked=!by_name/>
                        " Pelos 4 últimos dígitos do número (ex.: “Lead …4321”): mais discreto em telas que outras pessoas veem"
                    </label>
                    <label class="choice">
                        <input type="radio" name="abas" value="nome" checked=by_name/>
                        " Pelo primeiro nome (ex.: “Márcia · Lead”)"
                    </label>
                </fieldset>
                <button type="submit" class="button-secondary" disabled=move || saved.pending().get()>
                    "Aplicar às abas"
                </button>
            </ActionForm>
        </section>
    }
}
