//! Edits not yet saved as the draft are never lost without a word (#17 defect 2): the page
//! holds them (`Unsaved`), leaving the page asks first (closing the tab or following a link,
//! the app's own links too), and the simulator saves them as the draft before it runs, so
//! that what it simulates is what was typed. JavaScript only: without it every change is a
//! form post that saves.

use leptos::prelude::*;

/// The definition as typed, when it differs from the saved draft.
#[derive(Clone, Copy)]
pub struct Unsaved(pub RwSignal<Option<String>>);

impl Unsaved {
    pub fn new() -> Self {
        Self(RwSignal::new(None))
    }

    /// The JSON to save first, if anything was changed (`None` once the page is gone).
    pub fn pending(self) -> Option<String> {
        self.0.try_get_untracked().flatten()
    }
}

impl Default for Unsaved {
    fn default() -> Self {
        Self::new()
    }
}

/// What the page asks before losing the edits.
#[cfg(feature = "hydrate")]
const LEAVE_QUESTION: &str =
    "As mudanças nas etapas ainda não foram salvas. Sair desta página e perdê-las?";

/// Asks before the page is left with edits not saved: the browser's own question when the tab
/// closes or reloads, and ours before following a link (the app's links move without
/// reloading, so the browser would not ask).
#[cfg(feature = "hydrate")]
pub fn guard_leaving(unsaved: Unsaved) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if unsaved.pending().is_some() {
            ev.prevent_default();
            ev.set_return_value(LEAVE_QUESTION);
        }
    });
    on_cleanup(move || unload.remove());
    // Before the router's own handler: in the capture phase, on the window.
    let on_click =
        Closure::<dyn FnMut(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
            if unsaved.pending().is_none() {
                return;
            }
            let link = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("a[href]").ok().flatten());
            let Some(link) = link else { return };
            // An anchor on this page loses nothing.
            if link
                .get_attribute("href")
                .is_some_and(|h| h.starts_with('#'))
            {
                return;
            }
            if !window()
                .confirm_with_message(LEAVE_QUESTION)
                .unwrap_or(true)
            {
                ev.prevent_default();
                ev.stop_immediate_propagation();
            }
        });
    let _ = window().add_event_listener_with_callback_and_bool(
        "click",
        on_click.as_ref().unchecked_ref(),
        true,
    );
    // Inert once the page is gone (`pending` is then `None`); kept for the window's life.
    on_click.forget();
}
