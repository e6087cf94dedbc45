//! The Content-Security-Policy of a rendered page.
//!
//! Escaping keeps user text from becoming markup; this is the second wall, for the day a
//! bug lets some through: the browser runs no inline script but the ones the server wrote
//! with this response's nonce (the hydration bootstrap and the resource data that goes with
//! it), loads scripts, styles and images only from the app itself, and lets no other site
//! frame a page or receive a form. leptos_axum makes a fresh nonce for every render; the
//! routes that are not pages (webhooks, photos, CSV) get `security_headers`' fixed policy.

use axum::http::header::CONTENT_SECURITY_POLICY;
use axum::http::HeaderValue;

/// The policy for a page whose inline scripts carry `nonce`.
pub fn for_page(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets the page policy on the response being rendered. Called from the document shell, so
/// that every page (and the 404) has it.
pub fn send_for_this_page() {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        tracing::error!("no nonce for this render: the page goes out without script rights");
        return;
    };
    if let (Some(res), Ok(value)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&for_page(&nonce)),
    ) {
        res.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}
