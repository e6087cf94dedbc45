//! The public profile's link and what a consultant does with it from a phone: copy it and
//! share it. Without JavaScript the link sits in a read-only field (a tap selects it, to copy
//! by hand) and "Compartilhar no WhatsApp" is a plain link to `wa.me` with the link in the
//! message. Once the page runs, "Copiar link" writes it to the clipboard and says so, and where
//! the phone has a share sheet (`navigator.share`) "Compartilhar" opens it.

use super::hydrated;
use crate::domain::percent;
use leptos::prelude::*;

/// The message the link goes out with.
pub fn share_text(link: &str) -> String {
    format!("Olá! Este é o meu perfil. Por ele você fala comigo pelo WhatsApp: {link}")
}

/// WhatsApp's "send to…" screen with the message typed (no number: the consultant picks the
/// chat or group).
pub fn whatsapp_share_url(link: &str) -> String {
    format!("https://wa.me/?text={}", percent::encode(&share_text(link)))
}

/// The link with "Copiar link" and "Compartilhar"; `id` names the field (two on one page
/// would need two ids).
#[component]
pub fn PublicLinkTools(#[prop(into)] link: Signal<String>, id: &'static str) -> impl IntoView {
    let hydrated = hydrated();
    let can_share = RwSignal::new(false);
    // Said in a live region (not role=status: the page's forms own that role).
    let said = RwSignal::new(String::new());
    Effect::new(move |_| can_share.set(browser::can_share()));
    let copy = move |_| {
        let text = link.get_untracked();
        leptos::task::spawn_local(async move {
            let done = browser::copy(&text).await;
            said.set(if done {
                "Link copiado.".into()
            } else {
                browser::select(id);
                "Não deu para copiar sozinho: o link está selecionado, é só copiar.".into()
            });
        });
    };
    let share = move |_| {
        let url = link.get_untracked();
        leptos::task::spawn_local(async move {
            // A share the person cancels is no error worth a word.
            browser::share("Meu perfil", &share_text(&url), &url).await;
        });
    };
    view! {
        <div class="public-link">
            <label for=id>"Seu link público"</label>
            <input id=id type="text" readonly value=move || link.get()
                on:focus=move |_| browser::select(id)/>
            <div class="public-link-actions">
                <Show when=move || hydrated.get()>
                    <button type="button" class="button-secondary" on:click=copy>"Copiar link"</button>
                </Show>
                <a class="button" href=move || whatsapp_share_url(&link.get())
                    target="_blank" rel="noopener">"Compartilhar no WhatsApp"</a>
                <Show when=move || can_share.get()>
                    <button type="button" class="button-secondary" on:click=share>"Compartilhar"</button>
                </Show>
            </div>
            <p class="hint" aria-live="polite">{move || said.get()}</p>
        </div>
    }
}

/// The browser's clipboard and share sheet, looked up at run time: both are missing on some
/// browsers (and the clipboard outside https), and the page must then simply not offer them.
#[cfg(feature = "hydrate")]
mod browser {
    use js_sys::{Function, Object, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    fn get(target: &JsValue, key: &str) -> Option<JsValue> {
        Reflect::get(target, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    fn navigator() -> Option<JsValue> {
        get(&web_sys::window()?.into(), "navigator")
    }

    /// Calls `target.method(arg)` and waits for the promise it returns.
    async fn call(target: &JsValue, method: &str, arg: &JsValue) -> bool {
        let Some(f) = get(target, method).and_then(|f| f.dyn_into::<Function>().ok()) else {
            return false;
        };
        let Some(promise) = f
            .call1(target, arg)
            .ok()
            .and_then(|p| p.dyn_into::<Promise>().ok())
        else {
            return false;
        };
        wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
    }

    pub fn can_share() -> bool {
        navigator()
            .and_then(|n| get(&n, "share"))
            .is_some_and(|f| f.is_function())
    }

    pub async fn copy(text: &str) -> bool {
        match navigator().and_then(|n| get(&n, "clipboard")) {
            Some(clipboard) => call(&clipboard, "writeText", &JsValue::from_str(text)).await,
            None => false,
        }
    }

    pub async fn share(title: &str, text: &str, url: &str) {
        let Some(navigator) = navigator() else { return };
        let data = Object::new();
        for (k, v) in [("title", title), ("text", text), ("url", url)] {
            let _ = Reflect::set(&data, &JsValue::from_str(k), &JsValue::from_str(v));
        }
        call(&navigator, "share", &data).await;
    }

    /// Selects the field's text, ready to copy.
    pub fn select(id: &str) {
        let field = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id));
        if let Some(field) = field {
            let field: JsValue = field.into();
            if let Some(f) = get(&field, "select").and_then(|f| f.dyn_into::<Function>().ok()) {
                let _ = f.call0(&field);
            }
        }
    }
}

/// On the server nothing runs: the page is rendered as it is without JavaScript.
#[cfg(not(feature = "hydrate"))]
mod browser {
    pub fn can_share() -> bool {
        false
    }
    pub async fn copy(_text: &str) -> bool {
        false
    }
    pub async fn share(_title: &str, _text: &str, _url: &str) {}
    pub fn select(_id: &str) {}
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_whatsapp_share_link_carries_the_message_with_the_link() {
        assert_eq!(
            super::whatsapp_share_url("https://consultor.app/c/marcia-souza"),
            "https://wa.me/?text=Ol%C3%A1%21%20Este%20%C3%A9%20o%20meu%20perfil.%20Por%20ele%20voc%C3%AA%20fala%20comigo%20pelo%20WhatsApp%3A%20https%3A%2F%2Fconsultor.app%2Fc%2Fmarcia-souza"
        );
    }
}
