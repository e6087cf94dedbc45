//! Text for the two places where the renderer writes a string into the page as it is.
//!
//! The renderer escapes `<`, `>` and `&` in every text node except two: leptos_meta writes the
//! `<title>` text verbatim, and tachys marks `<textarea>` as an element whose children are
//! not escaped (as it does for `<script>` and `<style>`). Both are RCDATA in HTML: the browser
//! decodes entities inside them but ends them at the first `</title>` or `</textarea>`, so a
//! name or bio holding that closing tag would open a live `<script>`. Every page title and
//! every pre-filled text area goes through this file; a unit test below refuses view code
//! that bypasses it.

use leptos::prelude::*;

/// `<`, `>` and `&` as entities: what a text node needs, inside RCDATA too.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The release build's hydration script (see `app.rs`, `hydration`): a `<script>` child is
/// written as it is, so only paths of the site's own files go in (letters, digits, `/._-`;
/// anything else and the script is left out, the page still working as plain forms). A plain
/// function, not a component: as a component in the shell it made the release page's
/// hydration panic on Settings (tachys hydration.rs:195, seen by `make page-weight`).
pub fn idle_hydration_script(js: &str, wasm: &str) -> AnyView {
    let plain = |p: &str| {
        p.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    };
    let script = (plain(js) && plain(wasm)).then(|| {
        format!(
            "(() => {{ const go = () => import('{js}').then((m) => \
             m.default({{ module_or_path: '{wasm}' }}).then(() => m.hydrate())); \
             if ('requestIdleCallback' in window) requestIdleCallback(go, {{ timeout: 2000 }}); \
             else setTimeout(go, 1); }})();"
        )
    });
    let nonce = leptos::nonce::use_nonce();
    match script {
        Some(script) => view! { <script type="module" nonce=nonce>{script}</script> }.into_any(),
        None => ().into_any(),
    }
}

/// A script file of the site's own (`/push.js`), run after the page is parsed: nothing is
/// written inside the element, the path is a constant of the code, and it carries the page's
/// nonce like every script the server writes.
pub fn site_script(src: &'static str) -> AnyView {
    let nonce = leptos::nonce::use_nonce();
    view! { <script nonce=nonce src=src defer></script> }.into_any()
}

/// The document title. On the server it is escaped before leptos_meta writes it; in the
/// browser the text goes to `document.title`, which takes plain text, so it stays as it is.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    let text = if cfg!(feature = "ssr") {
        escape_text(&text)
    } else {
        text
    };
    view! { <leptos_meta::Title text/> }
}

/// The `inner_html` of a text area that starts with `text`. Setting a text area's inner HTML
/// parses it as RCDATA, so the escaped string gives back exactly `text` both in the server's
/// HTML and when the browser builds the page itself.
pub fn textarea_text(text: &str) -> String {
    escape_text(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn escapes_what_could_close_the_element() {
        assert_eq!(
            escape_text("Ana</title><script>alert(7)</script> & cia"),
            "Ana&lt;/title&gt;&lt;script&gt;alert(7)&lt;/script&gt; &amp; cia"
        );
        assert_eq!(escape_text("João \"Zé\" d'Ávila"), "João \"Zé\" d'Ávila");
    }

    fn view_sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                view_sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }

    /// The class of bug, closed for code not yet written: a `<Title>` outside this file, or
    /// a `<textarea>` with children (rather than `inner_html=textarea_text(..)`), or a
    /// `<noscript>`, `<script>` or `<style>` in a view, fails the build's tests.
    #[test]
    fn no_view_writes_unescaped_text() {
        let mut files = Vec::new();
        view_sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(files.len() > 20, "found the sources");
        for (path, text) in files {
            if path.ends_with("raw_text.rs") {
                continue;
            }
            for banned in ["<Title", "<noscript", "<script", "<style"] {
                assert!(
                    !text.contains(banned),
                    "{path}: {banned} outside raw_text.rs"
                );
            }
            let mut rest = text.as_str();
            while let Some(start) = rest.find("<textarea") {
                let end = rest[start..]
                    .find("</textarea>")
                    .map(|e| start + e)
                    .unwrap_or_else(|| panic!("{path}: <textarea> without its end tag"));
                assert!(
                    rest[..end].ends_with('>'),
                    "{path}: a <textarea> with children; use inner_html=textarea_text(..)"
                );
                rest = &rest[end + 1..];
            }
        }
    }
}
