//! The reply box: WhatsApp's 24-hour window, taking over from the bot and handing back.

use crate::api::feedback::FormFeedback;
use crate::api::lead::{HandBack, LeadPageData, ReplyWindow, SendReply, MAX_REPLY_CHARS};
use crate::components::{textarea_text, FormAlert};
use leptos::prelude::*;

#[component]
pub fn ReplyBox(
    detail: LeadPageData,
    csrf: String,
    replied: ServerAction<SendReply>,
    back: ServerAction<HandBack>,
    stored: Option<FormFeedback>,
    stored_back: Option<FormFeedback>,
    /// Feedback of the template forms (outside the window).
    stored_template: Option<FormFeedback>,
    /// Feedback of the attachment form.
    stored_file: Option<FormFeedback>,
) -> impl IntoView {
    let errors = FormFeedback::error_signal(stored.clone(), move || replied.value().get());
    let success = FormFeedback::success_signal(
        stored.as_ref(),
        move || replied.value().get(),
        |()| "Mensagem enviada.".into(),
    );
    let back_errors = FormFeedback::error_signal(stored_back.clone(), move || back.value().get());
    let back_success = FormFeedback::success_signal(
        stored_back.as_ref(),
        move || back.value().get(),
        |()| "O assistente voltou a responder este lead.".into(),
    );
    // What a JavaScript-off post that failed had typed goes back into the box, so nothing is
    // lost.
    let unsent = stored
        .as_ref()
        .filter(|f| f.error.is_some())
        .and_then(|f| f.value("body"))
        .unwrap_or_default();
    let (open, window_text) = match &detail.window {
        ReplyWindow::Open { left } => (true, format!("Janela do WhatsApp aberta: {left} restantes para responder.")),
        ReplyWindow::Closed { since: Some(at) } => (
            false,
            format!("A janela de 24 horas do WhatsApp fechou em {at}. Até o lead escrever de novo, só um modelo aprovado pela Meta chega a ele."),
        ),
        ReplyWindow::Closed { since: None } => (
            false,
            "O lead ainda não escreveu pelo WhatsApp: até ele escrever, só um modelo aprovado pela Meta chega a ele.".to_string(),
        ),
    };
    let lead = detail.card.id.clone();
    let (attach_lead, attach_csrf) = (lead.clone(), csrf.clone());
    let area = NodeRef::<leptos::html::Textarea>::new();
    let token = super::submission::renew_after_success(
        detail.form_token.clone(),
        move || replied.value().get(),
        area,
    );
    view! {
        <div class="reply" id="resposta" aria-live="polite">
            <FormAlert errors success/>
            <FormAlert errors=back_errors success=back_success/>
            {detail.handed_off.then(|| {
                let lead = lead.clone();
                let csrf = csrf.clone();
                view! {
                    <div class="handoff">
                        <p><strong>"Você assumiu esta conversa."</strong> " O assistente não responde este lead até você devolvê-lo."</p>
                        <ActionForm action=back attr:class="inline">
                            <input type="hidden" name="csrf" value=csrf/>
                            <input type="hidden" name="lead" value=lead/>
                            <button type="submit" class="button-secondary button-small">"Devolver ao assistente"</button>
                        </ActionForm>
                    </div>
                }
            })}
            {detail.opted_out_at.clone().map(|at| view! {
                <p class="alert alert-warning" role="note">
                    <strong>"Este lead pediu para não receber mensagens"</strong>
                    {format!(" (escreveu SAIR em {at}). Escreva só se ele pedir atendimento de novo.")}
                </p>
            })}
            <p class=if open { "hint" } else { "hint window-closed" } id="janela">{window_text}</p>
            {(!open && detail.opted_out_at.is_none()).then(|| view! {
                <super::TemplatePicker lead=lead.clone() csrf=csrf.clone() templates=detail.templates.clone()
                    form_token=detail.form_token.clone() stored=stored_template.clone()/>
            })}
            {open.then(|| view! {
            <ActionForm action=replied attr:class="reply-form">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="lead" value=lead.clone()/>
                {token}
                <div class="field">
                    <label for="campo-resposta">"Responder pelo WhatsApp"</label>
                    <textarea id="campo-resposta" name="body" rows="3" maxlength=MAX_REPLY_CHARS.to_string()
                        required disabled=!open aria-describedby="janela" node_ref=area
                        inner_html=textarea_text(&unsent)></textarea>
                </div>
                <button type="submit" disabled=move || !open || replied.pending().get()>
                    {move || if replied.pending().get() { "Enviando…" } else { "Enviar" }}
                </button>
            </ActionForm>
            })}
            // A file refused because the window closed meanwhile: said here, as the box is gone.
            {(!open).then(|| stored_file.clone().and_then(|f| f.error)).flatten().map(|e| view! {
                <div class="alert alert-error" role="alert">{e.to_string()}</div>
            })}
            {open.then(|| view! {
                <super::AttachBox lead=attach_lead csrf=attach_csrf token=detail.file_token.clone()
                    library=detail.library.clone() stored=stored_file.clone()/>
            })}
        </div>
    }
}
