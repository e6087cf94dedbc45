//! The HTML shell and the route table.

#[cfg(feature = "ssr")]
use crate::components::idle_hydration_script;
use crate::components::{AppShell, PageTitle};
use crate::pages::{
    AccountClosedPage, DashboardPage, FlowEditorPage, FlowsPage, ForgotPasswordPage, HomePage,
    LeadDataPage, LeadPage, LeadsPage, LoginCodePage, LoginPage, NotFoundPage, PrivacyPage,
    PublicProfilePage, ResetPasswordPage, SettingsPage, SignupPage, TemplatesPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::content_policy::send_for_this_page();
    view! {
        <!DOCTYPE html>
        <html lang="pt-BR">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0f766e"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // Installable on a phone's home screen (src/web_app.rs).
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <link rel="stylesheet" href=stylesheet_href(&options)/>
                <AutoReload options=options.clone()/>
                {hydration(options)}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The stylesheet's address, hashed in the release build. The shell is drawn on the server
/// only, so the browser half never needs to know it.
fn stylesheet_href(options: &LeptosOptions) -> String {
    #[cfg(feature = "ssr")]
    let href = crate::server::assets::stylesheet_href(options);
    #[cfg(not(feature = "ssr"))]
    let href = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    href
}

/// How the page becomes interactive. The release build fetches the app's WebAssembly only once
/// the page is drawn and idle (no preload): what the server drew shows without waiting for it,
/// and forms work as plain posts meanwhile. With the preloads Leptos adds, Lighthouse counted
/// the download as part of the largest paint: 3.5 s on its simulated phone, against 1.0 s.
/// The debug build (the tests) keeps Leptos's own scripts.
fn hydration(options: LeptosOptions) -> AnyView {
    #[cfg(feature = "ssr")]
    if let Some((js, wasm)) = options
        .hash_files
        .then(|| crate::server::assets::bundle(&options))
        .flatten()
    {
        return idle_hydration_script(&js, &wasm);
    }
    view! { <HydrationScripts options/> }.into_any()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Every page waits for its data before the first byte (`SsrMode::Async`), so that
    // redirects, 404 statuses and meta tags (title, Open Graph) are in the response itself.
    view! {
        <PageTitle text="Consultor"/>
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/entrar") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/entrar/codigo") view=LoginCodePage ssr=SsrMode::Async/>
                <Route path=path!("/cadastro") view=SignupPage ssr=SsrMode::Async/>
                <Route path=path!("/esqueci-senha") view=ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/redefinir-senha") view=ResetPasswordPage ssr=SsrMode::Async/>
                // The signed-in pages, inside the frame that stays while moving between them.
                <ParentRoute path=path!("") view=AppShell ssr=SsrMode::Async>
                    <Route path=path!("/painel") view=DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/leads") view=LeadsPage ssr=SsrMode::Async/>
                    <Route path=path!("/leads/:id/dados") view=LeadDataPage ssr=SsrMode::Async/>
                    <Route path=path!("/leads/:id") view=LeadPage ssr=SsrMode::Async/>
                    <Route path=path!("/fluxos") view=FlowsPage ssr=SsrMode::Async/>
                    <Route path=path!("/fluxos/:id") view=FlowEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("/configuracoes") view=SettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/modelos") view=TemplatesPage ssr=SsrMode::Async/>
                </ParentRoute>
                <Route path=path!("/conta-encerrada") view=AccountClosedPage ssr=SsrMode::Async/>
                <Route path=path!("/c/:slug/privacidade") view=PrivacyPage ssr=SsrMode::Async/>
                <Route path=path!("/c/:slug") view=PublicProfilePage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
