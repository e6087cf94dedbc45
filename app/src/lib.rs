//! The Consultor web app: pages, components, server functions and pure domain code.
//! Built twice: with `ssr` into the server, with `hydrate` into the browser's wasm.

pub mod api;
mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod feedback;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

pub use app::{shell, App};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
