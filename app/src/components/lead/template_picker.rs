//! Outside the 24-hour window: the approved templates, each one a small form with its
//! variables already filled from the lead (editable) and its preview, which follows the
//! values as they are edited (with JavaScript; without it, as they were rendered). A plain
//! post to `/leads/{id}/modelo`, the same with or without JavaScript.

use crate::api::feedback::FormFeedback;
use crate::api::lead::TemplateChoice;
use crate::api::templates::Preview;
use crate::components::TemplatePreview;
use crate::domain::template::render;
use leptos::prelude::*;

#[component]
pub fn TemplatePicker(
    lead: String,
    csrf: String,
    templates: Vec<TemplateChoice>,
    form_token: String,
    stored: Option<FormFeedback>,
) -> impl IntoView {
    let error = stored.as_ref().and_then(|f| f.error.clone());
    let success = stored.as_ref().and_then(|f| f.success.clone());
    // A refused post's values go back into its own template's form, which opens.
    let refused = stored.filter(|f| f.error.is_some());
    let chosen = refused.as_ref().and_then(|f| f.value("modelo"));
    let only_one = templates.len() == 1;
    view! {
        <div class="template-picker" id="modelos-aprovados">
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            {if templates.is_empty() {
                view! {
                    <p class="hint">"Você ainda não tem modelos aprovados. "
                        <a href="/modelos">"Crie ou envie um modelo pronto"</a>
                        " para escrever a leads fora da janela."</p>
                }.into_any()
            } else {
                view! {
                    <h3 class="small-heading">"Enviar um modelo aprovado"</h3>
                    {templates.into_iter().map(|t| {
                        let open = only_one || chosen.as_deref() == Some(t.id.as_str());
                        let typed = |name: &str, filled: &str| {
                            refused
                                .as_ref()
                                .filter(|_| chosen.as_deref() == Some(t.id.as_str()))
                                .and_then(|f| f.value(name))
                                .unwrap_or_else(|| filled.to_string())
                        };
                        let prefix = format!("modelo-{}", t.id);
                        // What the inputs hold now, and the preview drawn from it.
                        let values: Vec<RwSignal<String>> = t
                            .variables
                            .iter()
                            .enumerate()
                            .map(|(i, (_, value))| RwSignal::new(typed(&format!("v{}", i + 1), value)))
                            .collect();
                        let header_value = t
                            .header
                            .as_ref()
                            .map(|(_, value)| RwSignal::new(typed("h1", value)));
                        let (body, header_text, still) = (t.body.clone(), t.header_text.clone(), t.preview.clone());
                        let inputs = values.clone();
                        let live = move || Preview {
                            image: still.image.clone(),
                            header: header_text.as_ref().map(|h| match header_value {
                                Some(v) => render(h, &[v.get()]),
                                None => h.clone(),
                            }),
                            body: render(&body, &values.iter().map(|v| v.get()).collect::<Vec<_>>()),
                            footer: still.footer.clone(),
                            buttons: still.buttons.clone(),
                        };
                        view! {
                            <details class="template-choice" open=open>
                                <summary>{t.name.clone()} " · " <span class="muted">{t.category.clone()}</span></summary>
                                {move || view! { <TemplatePreview preview=live()/> }}
                                <form method="post" action=format!("/leads/{lead}/modelo") class="stack">
                                    <input type="hidden" name="csrf" value=csrf.clone()/>
                                    <input type="hidden" name="modelo" value=t.id.clone()/>
                                    <input type="hidden" name="envio" value=form_token.clone()/>
                                    {t.header.clone().zip(header_value).map(|((label, _), value)| {
                                        let id = format!("{prefix}-h1");
                                        view! {
                                            <div class="field">
                                                <label for=id.clone()>{format!("Cabeçalho · {label}")}</label>
                                                <input id=id name="h1" required maxlength="200" value=value.get_untracked()
                                                    on:input=move |ev| value.set(event_target_value(&ev))/>
                                            </div>
                                        }
                                    })}
                                    {t.link.clone().map(|(label, value)| {
                                        let id = format!("{prefix}-u1");
                                        view! {
                                            <div class="field">
                                                <label for=id.clone()>{format!("Final do link · {label}")}</label>
                                                <input id=id name="u1" required maxlength="200" value=typed("u1", &value)/>
                                            </div>
                                        }
                                    })}
                                    {t.variables.iter().zip(inputs).enumerate().map(|(i, ((label, _), value))| {
                                        let n = i + 1;
                                        let id = format!("{prefix}-v{n}");
                                        view! {
                                            <div class="field">
                                                <label for=id.clone()>{format!("{{{{{n}}}}} · {label}")}</label>
                                                <input id=id name=format!("v{n}") required maxlength="200" value=value.get_untracked()
                                                    on:input=move |ev| value.set(event_target_value(&ev))/>
                                            </div>
                                        }
                                    }).collect_view()}
                                    <button type="submit">"Enviar modelo"</button>
                                </form>
                            </details>
                        }
                    }).collect_view()}
                    <p class="hint"><a href="/modelos">"Gerenciar modelos"</a></p>
                }.into_any()
            }}
        </div>
    }
}
