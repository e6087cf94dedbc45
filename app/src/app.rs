//! The HTML shell and the route table.

use crate::components::PageTitle;
use crate::pages::{
    AccountClosedPage, DashboardPage, FlowEditorPage, FlowsPage, ForgotPasswordPage, HomePage,
    LeadDataPage, LeadPage, LeadsPage, LoginCodePage, LoginPage, NotFoundPage, PrivacyPage,
    PublicProfilePage, ResetPasswordPage, SettingsPage, SignupPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet};
use leptos_router::{
    components::{Route, Router, Routes},
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
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Every page waits for its data before the first byte, so that redirects, 404 statuses
    // and meta tags (title, Open Graph) are in the response itself.
    let ssr = SsrMode::Async;
    view! {
        <Stylesheet id="leptos" href="/pkg/consultor.css"/>
        <PageTitle text="Consultor"/>
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage ssr=ssr.clone()/>
                <Route path=path!("/entrar") view=LoginPage ssr=ssr.clone()/>
                <Route path=path!("/entrar/codigo") view=LoginCodePage ssr=ssr.clone()/>
                <Route path=path!("/cadastro") view=SignupPage ssr=ssr.clone()/>
                <Route path=path!("/esqueci-senha") view=ForgotPasswordPage ssr=ssr.clone()/>
                <Route path=path!("/redefinir-senha") view=ResetPasswordPage ssr=ssr.clone()/>
                <Route path=path!("/painel") view=DashboardPage ssr=ssr.clone()/>
                <Route path=path!("/leads") view=LeadsPage ssr=ssr.clone()/>
                <Route path=path!("/leads/:id/dados") view=LeadDataPage ssr=ssr.clone()/>
                <Route path=path!("/leads/:id") view=LeadPage ssr=ssr.clone()/>
                <Route path=path!("/fluxos") view=FlowsPage ssr=ssr.clone()/>
                <Route path=path!("/fluxos/:id") view=FlowEditorPage ssr=ssr.clone()/>
                <Route path=path!("/configuracoes") view=SettingsPage ssr=ssr.clone()/>
                <Route path=path!("/conta-encerrada") view=AccountClosedPage ssr=ssr.clone()/>
                <Route path=path!("/c/:slug/privacidade") view=PrivacyPage ssr=ssr.clone()/>
                <Route path=path!("/c/:slug") view=PublicProfilePage ssr=ssr/>
            </Routes>
        </Router>
    }
}
