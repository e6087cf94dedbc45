//! The signed-in frame: navigation, the consultant's name, logout, and the page inside it
//! (`Outlet`). It is the parent route of every signed-in page, so it stays on screen while
//! the app moves between them: only the page's own part waits for its data. Sends anyone
//! not signed in to the login page (the server functions refuse them anyway).

use crate::api::auth::{current_consultant, Logout};
use crate::api::feedback::form_state;
use crate::api::page_data::page_resource;
use crate::components::RedirectTo;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

#[component]
pub fn AppShell() -> impl IntoView {
    // Read again on each move to another page: the count of unread leads follows the leads
    // the consultant opens (the header stays on screen meanwhile: a Transition).
    let path = leptos_router::hooks::use_location().pathname;
    let data = page_resource(
        move || path.get(),
        |_| async {
            let me = current_consultant().await?;
            // The logout form's token, and the page-wide notice if one was left.
            let form = form_state(crate::feedback::NOTICE.into()).await?;
            let notice = form.feedback.and_then(|f| f.error);
            Ok::<_, AppError>((me, form.csrf, notice))
        },
    );
    let logout = ServerAction::<Logout>::new();
    // The page (`Outlet`) is outside the header's Transition: built once, it takes its own
    // forms' feedback once, and waits for its own data alone; a Transition keeps the header
    // on screen while the app moves to another page.
    view! {
        <Transition fallback=|| view! { <header class="topbar"></header> }>
            {move || {
                Suspend::new(async move {
                    match data.await {
                        Ok((Some(me), csrf, notice)) => view! {
                            <header class="topbar">
                                <A href="/painel" attr:class="brand">"Consultor"</A>
                                // On a phone this is a bar at the bottom of the screen, within
                                // the thumb's reach, with the shorter of each pair of labels.
                                <nav aria-label="Principal" class="main-nav">
                                    <A href="/painel">"Painel"</A>
                                    <A href="/leads">"Leads"{unread_badge(me.unread)}</A>
                                    <A href="/fluxos">"Fluxos"</A>
                                    <A href="/modelos">"Modelos"</A>
                                    <A href="/configuracoes">
                                        <span class="label-long">"Configurações"</span>
                                        <span class="label-short">"Ajustes"</span>
                                    </A>
                                    <a href=format!("/c/{}", me.slug)>
                                        <span class="label-long">"Meu perfil"</span>
                                        <span class="label-short">"Perfil"</span>
                                    </a>
                                </nav>
                                <div class="who">
                                    <span class="who-name">{me.name.clone()}</span>
                                    <ActionForm action=logout attr:class="inline">
                                        <input type="hidden" name="csrf" value=csrf/>
                                        <button type="submit" class="link">"Sair"</button>
                                    </ActionForm>
                                </div>
                            </header>
                            {notice.map(|e| view! {
                                <div class="content notice">
                                    <div class="alert alert-error" role="alert">{e.to_string()}</div>
                                </div>
                            })}
                        }
                        .into_any(),
                        Ok((None, _, _)) | Err(AppError::Unauthenticated) => {
                            view! { <RedirectTo path="/entrar"/> }.into_any()
                        }
                        Err(e) => view! {
                            <div class="content">
                                <div class="alert alert-error" role="alert">{e.to_string()}</div>
                            </div>
                        }
                        .into_any(),
                    }
                })
            }}
        </Transition>
        <main class="content">
            <Outlet/>
        </main>
    }
}

/// The count of unread leads beside "Leads" ("99+" past the cap); its words for a screen
/// reader ("3 não lidos").
fn unread_badge(unread: i64) -> Option<impl IntoView> {
    use crate::api::auth::UNREAD_CAP;
    (unread > 0).then(|| {
        let shown = if unread >= UNREAD_CAP {
            format!("{}+", UNREAD_CAP - 1)
        } else {
            unread.to_string()
        };
        let words = format!("{shown} não lido{}", if unread == 1 { "" } else { "s" });
        view! {
            " " <span class="badge nav-badge" aria-hidden="true">{shown}</span>
            <span class="visually-hidden">{format!("({words})")}</span>
        }
    })
}
