use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Sends the visitor elsewhere. On the server the response becomes a real 302
/// (`<Redirect/>` alone sets the Location header but leaves the status at 200).
#[component]
pub fn RedirectTo(path: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::FOUND);
    }
    view! { <Redirect path/> }
}
