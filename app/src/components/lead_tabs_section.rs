//! Settings › "Abas dos leads": how a lead's page names its browser tab (the final digits of
//! the number, or the first name). A form that works without JavaScript; it reads its own
//! choice, so the settings page's loader does not change for it.

use crate::api::feedback::form_state;
use crate::api::feedback::FormFeedback;
use crate::api::lead_tabs::{lead_tabs_by_name, SetLeadTabs};
use crate::components::FormAlert;
use leptos::prelude::*;

#[component]
pub fn LeadTabsSection() -> impl IntoView {
    let saved = ServerAction::<SetLeadTabs>::new();
    let data = Resource::new(
        move || saved.version().get(),
        |_| async move {
            let by_name = lead_tabs_by_name().await?;
            let form = form_state("abas".into()).await?;
            Ok::<_, crate::error::AppError>((by_name, form))
        },
    );
    view! {
        <section id="abas" aria-labelledby="abas-titulo">
            <h2 id="abas-titulo">"Abas dos leads"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    data.await.ok().map(|(by_name, form)| {
                        let errors = FormFeedback::error_signal(form.feedback.clone(), move || saved.value().get());
                        let success = FormFeedback::success_signal(
                            form.feedback.as_ref(),
                            move || saved.value().get(),
                            |_| "Preferência salva.".to_string(),
                        );
                        view! {
                            <div aria-live="polite"><FormAlert errors success/></div>
                            <ActionForm action=saved>
                                <input type="hidden" name="csrf" value=form.csrf.clone()/>
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
                        }
                    })
                })}
            </Suspense>
        </section>
    }
}
