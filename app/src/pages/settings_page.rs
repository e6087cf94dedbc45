use crate::api::conversions::{conversion_settings, ConversionPrefs};
use crate::api::feedback::{form_state, FormContext, FormFeedback};
use crate::api::files::{files_in_library, FileLibrary};
use crate::api::lead_tabs::lead_tabs_by_name;
use crate::api::notifications::{notification_settings, NotificationPrefs};
use crate::api::page_data::{page_resource, PageResource};
use crate::api::password::{ChangePassword, CHANGED};
use crate::api::sessions::{open_sessions, OpenSession};
use crate::api::settings::{get_settings, Settings, UpdateSettings};
use crate::api::two_factor::{two_factor_state, TwoFactorView};
use crate::components::PageTitle;
use crate::components::{
    error_view, textarea_text, ConversionsSection, FilesSection, FormAlert, LeadTabsSection,
    Loading, NotificationsSection, PublicLinkTools, SelectField, SessionsSection, SlugField,
    TextField, TwoFactorSection,
};
use crate::domain::{bio, Vertical};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The settings and the state of each form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SettingsForms {
    settings: Settings,
    profile: FormContext,
    photo: FormContext,
    whatsapp: FormContext,
    password: FormContext,
    two_factor: TwoFactorView,
    two_factor_form: FormContext,
    sessions: Vec<OpenSession>,
    sessions_form: FormContext,
    lead_tabs_by_name: bool,
    lead_tabs_form: FormContext,
    notifications: NotificationPrefs,
    notifications_form: FormContext,
    conversions: ConversionPrefs,
    conversions_form: FormContext,
    files: FileLibrary,
    files_form: FormContext,
    close: FormContext,
}

type SettingsData = Result<SettingsForms, AppError>;

#[component]
pub fn SettingsPage() -> impl IntoView {
    // Created here, outside the shell's Suspense: on the server that Suspense may build its
    // children more than once, and a second copy of this resource would take (and lose) the
    // feedback a JavaScript-off save left in the session.
    let data: PageResource<SettingsData> = page_resource(
        || (),
        |_| async {
            Ok(SettingsForms {
                settings: get_settings().await?,
                profile: form_state("settings".into()).await?,
                photo: form_state("foto".into()).await?,
                whatsapp: form_state("whatsapp".into()).await?,
                password: form_state("senha".into()).await?,
                two_factor: two_factor_state().await?,
                two_factor_form: form_state("duas-etapas".into()).await?,
                sessions: open_sessions().await?,
                sessions_form: form_state("sessoes".into()).await?,
                lead_tabs_by_name: lead_tabs_by_name().await?,
                lead_tabs_form: form_state("abas".into()).await?,
                notifications: notification_settings().await?,
                notifications_form: form_state("notificacoes".into()).await?,
                conversions: conversion_settings().await?,
                conversions_form: form_state("conversoes".into()).await?,
                files: files_in_library().await?,
                files_form: form_state("arquivos".into()).await?,
                close: form_state("encerrar".into()).await?,
            })
        },
    );
    view! {
        <PageTitle text="Configurações | Consultor"/>
        <SettingsContent data/>
    }
}

#[component]
fn SettingsContent(data: PageResource<SettingsData>) -> impl IntoView {
    view! {
        <h1>"Configurações"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                data.await
                    .map(|f| view! {
                        <ProfileForm settings=f.settings.clone() st=f.profile/>
                        <WhatsAppSection settings=f.settings.clone() st=f.whatsapp/>
                        <PhotoForm settings=f.settings st=f.photo/>
                        <PasswordForm st=f.password/>
                        <TwoFactorSection state=f.two_factor st=f.two_factor_form/>
                        <LeadTabsSection by_name=f.lead_tabs_by_name st=f.lead_tabs_form/>
                        <NotificationsSection settings=f.notifications st=f.notifications_form/>
                        <ConversionsSection prefs=f.conversions st=f.conversions_form/>
                        <FilesSection library=f.files st=f.files_form/>
                        <SessionsSection sessions=f.sessions st=f.sessions_form/>
                        <CloseAccount st=f.close/>
                    }.into_any())
                    .unwrap_or_else(error_view)
            })}
        </Suspense>
    }
}

#[component]
fn ProfileForm(settings: Settings, st: FormContext) -> impl IntoView {
    let action = ServerAction::<UpdateSettings>::new();
    // After a plain post that failed, show what was typed rather than what is stored.
    let typed = |k: &str, stored: &str| {
        st.feedback
            .as_ref()
            .filter(|f| f.error.is_some())
            .and_then(|f| f.value(k))
            .unwrap_or_else(|| stored.to_string())
    };
    let name = typed("name", &settings.name);
    let bio_text = typed("bio", &settings.bio);
    let crm = typed("crm_number", &settings.crm_number);
    let whatsapp = typed("whatsapp", &settings.whatsapp);
    let vertical = typed("vertical", &settings.vertical);
    let slug = RwSignal::new(typed("slug", &settings.slug));
    let stale_after_days = typed("stale_after_days", &settings.stale_after_days.to_string());
    let success = FormFeedback::success_signal(
        st.feedback.as_ref(),
        move || action.value().get(),
        |()| "Configurações salvas.".into(),
    );
    let errors = FormFeedback::error_signal(st.feedback, move || action.value().get());
    // With JavaScript the page stays: once a save is taken, the public link shows the address
    // just saved (the old one now redirects to it).
    let link = RwSignal::new(settings.public_link.clone());
    let base = settings
        .public_link
        .rsplit_once("/c/")
        .map(|(b, _)| b.to_string())
        .unwrap_or_default();
    let submitted = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(input) = action.input().get() {
            submitted.set(input.slug.clone());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            // Saved as the server normalised it ("Márcia Souza" → marcia-souza): so is the
            // field.
            if let Ok(saved) = crate::domain::Slug::from_typed(&submitted.get_untracked()) {
                link.set(format!("{base}/c/{}", saved.as_str()));
                slug.set(saved.as_str().to_string());
            }
        }
    });
    let bio_count = RwSignal::new(bio::count_graphemes(&bio_text));
    let verticals = Vertical::ALL
        .iter()
        .map(|v| (v.as_str(), v.label()))
        .collect();
    let bio_error = move || errors.get().and_then(|e| e.field_message("bio"));
    view! {
        <section aria-labelledby="perfil-titulo">
            <h2 id="perfil-titulo">"Perfil"</h2>
            <PublicLinkTools link id="link-publico"/>
            <ActionForm action=action>
                <input type="hidden" name="csrf" value=st.csrf/>
                <FormAlert errors success/>
                <TextField label="Nome" name="name" value=name autocomplete="name" required=true errors/>
                <div class="field" class:field-invalid=move || bio_error().is_some()>
                    <label for="campo-bio">"Bio"</label>
                    <textarea id="campo-bio" name="bio" rows="3" aria-describedby="contador-bio erro-bio"
                        on:input=move |ev| bio_count.set(bio::count_graphemes(&event_target_value(&ev)))
                        inner_html=textarea_text(&bio_text)></textarea>
                    <small id="contador-bio" class="hint"
                        class:over=move || { bio_count.get() > bio::MAX_GRAPHEMES }>
                        {move || format!("{}/{} caracteres", bio_count.get(), bio::MAX_GRAPHEMES)}
                    </small>
                    <p class="field-error" id="erro-bio">{bio_error}</p>
                </div>
                <TextField label="Registro profissional (CRM, CRECI, SUSEP…)" name="crm_number"
                    value=crm errors/>
                <TextField label="WhatsApp" name="whatsapp" kind="tel" value=whatsapp
                    inputmode="tel" required=true hint="Celular com DDD, ex.: (11) 91234-5678" errors/>
                <SelectField label="Área de atuação" name="vertical" options=verticals
                    selected=vertical errors/>
                <SlugField value=slug required=true errors
                    hint="O fim do seu link público. Pode digitar seu nome: acentos e espaços viram um endereço (Márcia Souza vira marcia-souza). O endereço antigo continua levando ao novo."/>
                <TextField label="Lead parado depois de quantos dias sem atividade" name="stale_after_days"
                    kind="number" value=stale_after_days inputmode="numeric"
                    hint="O quadro de leads marca como “parado” quem ficou esse tempo sem conversa (1 a 90)." errors/>
                <button type="submit" disabled=move || action.pending().get()>"Salvar"</button>
            </ActionForm>
        </section>
    }
}

/// The WhatsApp Business number the bot answers on, connected through Meta's dialog. Plain
/// forms: the dialog is a page of Meta's, so this works the same without JavaScript.
#[component]
fn WhatsAppSection(settings: Settings, st: FormContext) -> impl IntoView {
    let error = st.feedback.as_ref().and_then(|f| f.error.clone());
    let pin_error = error.as_ref().and_then(|e| e.field_message("pin"));
    let success = st.feedback.as_ref().and_then(|f| f.success.clone());
    let body = match (settings.connection, settings.whatsapp_signup) {
        (Some(c), _) => view! {
            <p><strong>"Conectado: "</strong>{c.display_phone_number}
                {c.verified_name.map(|n| format!(" ({n})"))}</p>
            <p class="hint">{format!("Desde {}. ID do número na Meta: {}.", c.connected_at, c.phone_number_id)}</p>
            {c.coexistence.then(|| view! {
                <p class="hint">"Este número continua no app WhatsApp Business do seu celular: o que você envia por lá aparece nas conversas, e o bot para de responder o lead com quem você falou."</p>
            })}
            <form method="post" action="/configuracoes/whatsapp/desconectar">
                <input type="hidden" name="csrf" value=st.csrf.clone()/>
                <p class="hint">"Ao desconectar, o bot para de receber as mensagens desse número na hora."</p>
                <button type="submit" class="button-secondary">"Desconectar"</button>
            </form>
        }.into_any(),
        (None, true) => view! {
            <p>"Conecte o número do WhatsApp Business em que seus leads vão falar com o bot. Você entra na sua conta da Meta, escolhe a conta do WhatsApp Business e o número, e volta para cá."</p>
            <form method="post" action="/configuracoes/whatsapp/conectar" class="connect-form">
                <input type="hidden" name="csrf" value=st.csrf.clone()/>
                <fieldset class="connect-modes">
                    <legend>"Como você quer usar o número?"</legend>
                    <label class="connect-mode">
                        <input type="radio" name="modo" value="celular" checked=pin_error.is_none()/>
                        <span><strong>"Manter o app WhatsApp Business no celular"</strong>
                        " (recomendado se você já atende por ele). O mesmo número fica no celular e no bot: você continua conversando pelo app, o que enviar por lá aparece aqui e o bot para de responder esse lead. Seus contatos e, se você aceitar no celular, as conversas dos últimos 6 meses vêm junto. Listas de transmissão e mensagens temporárias deixam de funcionar no app."</span>
                    </label>
                    <label class="connect-mode">
                        <input type="radio" name="modo" value="novo" checked=pin_error.is_some()/>
                        <span><strong>"Número novo só para o bot"</strong>
                        " Um número que não está em nenhum app do WhatsApp: ele passa a ser usado só pela API, e você responde os leads por aqui. Pede um PIN de 6 algarismos."</span>
                    </label>
                </fieldset>
                <div class="field connect-pin" class:field-invalid=pin_error.is_some()>
                    <label for="campo-pin">"PIN de confirmação em duas etapas (só para número novo)"</label>
                    <input id="campo-pin" name="pin" inputmode="numeric" autocomplete="off"
                        pattern="[0-9]{6}" maxlength="6" aria-describedby="dica-pin erro-pin"/>
                    <small class="hint" id="dica-pin">"6 algarismos. Um número novo é registrado com ele; se o número já tem um PIN, use o mesmo."</small>
                    <p class="field-error" id="erro-pin">{pin_error.clone()}</p>
                </div>
                <button type="submit">"Conectar WhatsApp"</button>
            </form>
        }.into_any(),
        (None, false) => view! {
            <p>"Modo de demonstração: este servidor não tem um aplicativo da Meta configurado.                 As mensagens para o número das suas configurações chegam ao bot e as respostas                 ficam registradas aqui, sem sair pelo WhatsApp."</p>
        }.into_any(),
    };
    view! {
        <section id="whatsapp" aria-labelledby="whatsapp-titulo">
            <h2 id="whatsapp-titulo">"WhatsApp do bot"</h2>
            {error.filter(|_| pin_error.is_none()).map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            {body}
        </section>
    }
}

#[component]
fn PhotoForm(settings: Settings, st: FormContext) -> impl IntoView {
    let error = st.feedback.as_ref().and_then(|f| f.error.clone());
    let success = st.feedback.as_ref().and_then(|f| f.success.clone());
    view! {
        <section aria-labelledby="foto-titulo">
            <h2 id="foto-titulo">"Foto do perfil"</h2>
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            {settings.profile_image_url.map(|src| view! {
                <img class="avatar" src=src alt="Sua foto de perfil" width="96" height="96"/>
            })}
            // A plain multipart form: uploads work the same with or without JavaScript.
            <form method="post" action="/configuracoes/foto" enctype="multipart/form-data">
                <input type="hidden" name="csrf" value=st.csrf/>
                <div class="field">
                    <label for="campo-foto">"Escolher foto"</label>
                    <input id="campo-foto" type="file" name="foto" accept="image/jpeg,image/png,image/webp" required/>
                    <small class="hint">"JPEG, PNG ou WebP, até 2 MB."</small>
                </div>
                <button type="submit">"Enviar foto"</button>
            </form>
        </section>
    }
}

/// Changing the password: the current one, the new one twice. ActionForm: a plain post and
/// a redirect back without JavaScript, a fetch with it. The fields are never refilled.
#[component]
fn PasswordForm(st: FormContext) -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let success = FormFeedback::success_signal(
        st.feedback.as_ref(),
        move || action.value().get(),
        |()| CHANGED.into(),
    );
    let errors = FormFeedback::error_signal(st.feedback, move || action.value().get());
    view! {
        <section id="senha" aria-labelledby="senha-titulo">
            <h2 id="senha-titulo">"Senha"</h2>
            <ActionForm action=action>
                <input type="hidden" name="csrf" value=st.csrf/>
                <FormAlert errors success/>
                <TextField label="Senha atual" name="current_password" kind="password"
                    autocomplete="current-password" required=true errors/>
                <TextField label="Nova senha" name="new_password" kind="password"
                    autocomplete="new-password" required=true
                    hint="De 8 a 128 caracteres." errors/>
                <TextField label="Confirme a nova senha" name="confirm_password" kind="password"
                    autocomplete="new-password" required=true errors/>
                <p class="hint">"Ao trocar a senha, você continua conectado aqui e sai de todos os outros aparelhos."</p>
                <button type="submit" disabled=move || action.pending().get()>"Alterar senha"</button>
            </ActionForm>
        </section>
    }
}

/// Closing the account: the password again and a confirmation box; a plain form.
#[component]
fn CloseAccount(st: FormContext) -> impl IntoView {
    let error = st.feedback.as_ref().and_then(|f| f.error.clone());
    view! {
        <section id="encerrar" aria-labelledby="encerrar-titulo">
            <h2 id="encerrar-titulo">"Seus dados e sua conta"</h2>
            <p><a href="/configuracoes/exportar.zip" download="">"Baixar todos os meus dados (ZIP com JSON e CSV)"</a></p>
            <h3>"Encerrar conta"</h3>
            <p class="hint">"O bot para de responder e seu perfil público sai do ar na hora. Seus dados, leads e conversas são apagados de vez 90 dias depois."</p>
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            <form method="post" action="/configuracoes/encerrar">
                <input type="hidden" name="csrf" value=st.csrf/>
                <div class="field">
                    <label for="encerrar-senha">"Sua senha"</label>
                    <input id="encerrar-senha" type="password" name="password" autocomplete="current-password" required/>
                </div>
                <label class="check">
                    <input type="checkbox" name="confirmar" value="sim" required/>
                    " Quero encerrar minha conta."
                </label>
                <button type="submit" class="button-danger">"Encerrar conta"</button>
            </form>
        </section>
    }
}
