use crate::api::page_data::page_resource;
use crate::api::profile::{public_profile, ProfileView};
use crate::components::PageTitle;
use crate::components::{error_view, Loading};
use crate::error::AppError;
use crate::pages::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use leptos_router::hooks::use_params_map;

#[component]
pub fn PublicProfilePage() -> impl IntoView {
    view! { <BySlug render=|p| view! { <Profile p/> }.into_any()/> }
}

/// Loads the profile of the URL's `slug` and draws it with `render`; an unknown slug is the
/// 404 page. The profile and its privacy notice share it.
#[component]
pub fn BySlug(render: fn(ProfileView) -> AnyView) -> impl IntoView {
    let params = use_params_map();
    let profile = page_resource(
        move || params.read().get("slug").unwrap_or_default(),
        public_profile,
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => render(p),
                    Err(AppError::NotFound) => view! { <NotFoundPage/> }.into_any(),
                    // The response is already a 301 to it; this is only what a browser that
                    // does not follow it shows.
                    Err(AppError::Moved(to)) => view! {
                        <main class="narrow center">
                            <p>"Este perfil mudou de endereço: "<a href=to.clone()>{to.clone()}</a></p>
                        </main>
                    }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Profile(p: ProfileView) -> impl IntoView {
    let title = format!("{} | {} | Consultor", p.name, p.vertical_label);
    let description = p.bio.clone().unwrap_or_else(|| {
        format!(
            "Fale com {} pelo WhatsApp: atendimento em {}.",
            p.name,
            p.vertical_label.to_lowercase()
        )
    });
    let initials: String = p
        .name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    view! {
        <PageTitle text=title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Link rel="canonical" href=p.page_url.clone()/>
        <Meta property="og:type" content="profile"/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:url" content=p.page_url.clone()/>
        <Meta property="og:locale" content="pt_BR"/>
        {p.photo_absolute_url.clone().map(|u| view! { <Meta property="og:image" content=u/> })}
        <Meta name="twitter:card" content="summary"/>
        <main class="narrow profile">
            <div class="profile-head">
                {match p.photo_url.clone() {
                    Some(src) => view! {
                        <img class="avatar avatar-lg" src=src alt=format!("Foto de {}", p.name) width="128" height="128"/>
                    }.into_any(),
                    None => view! { <div class="avatar avatar-lg avatar-initials" aria-hidden="true">{initials}</div> }.into_any(),
                }}
                <div>
                    <h1>{p.name.clone()}</h1>
                    <p class="muted">{p.vertical_label.clone()}</p>
                    {p.registration.clone().map(|r| view! {
                        <p class="muted">{format!("Registro profissional: {r}")}</p>
                    })}
                </div>
            </div>
            {p.bio.clone().map(|b| view! { <p class="bio">{b}</p> })}
            <a class="button button-whatsapp" href=p.whatsapp_link.clone() rel="noopener" target="_blank">
                "Conversar no WhatsApp"
            </a>
        </main>
    }
}
