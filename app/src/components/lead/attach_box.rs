//! "Enviar arquivo" in the reply box: an image or document from this device or from the
//! library, with an optional caption. A plain multipart form (`POST /arquivos/enviar/{lead}`,
//! `handlers::files`) that works without JavaScript; with it, a file can also be dropped on
//! the form. The form's own token makes a second post (a double tap, the back button) send
//! nothing more.

use crate::api::feedback::FormFeedback;
use crate::domain::attachment::{ACCEPT, MAX_CAPTION_CHARS};
use leptos::prelude::*;

#[component]
pub fn AttachBox(
    lead: String,
    csrf: String,
    token: String,
    library: Vec<(String, String)>,
    stored: Option<FormFeedback>,
) -> impl IntoView {
    let error = stored.as_ref().and_then(|f| f.error.clone());
    let success = stored.as_ref().and_then(|f| f.success.clone());
    let open = stored.is_some();
    let caption = stored
        .as_ref()
        .filter(|f| f.error.is_some())
        .and_then(|f| f.value("legenda"))
        .unwrap_or_default();
    let input = NodeRef::<leptos::html::Input>::new();
    let (dragging, set_dragging) = signal(false);
    let (dropped, set_dropped) = signal(None::<String>);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        set_dragging.set(false);
        let files = ev.data_transfer().and_then(|d| d.files());
        if let (Some(files), Some(el)) = (files, input.get()) {
            if let Some(first) = files.get(0) {
                el.set_files(Some(&files));
                set_dropped.set(Some(first.name()));
            }
        }
    };
    let has_library = !library.is_empty();
    view! {
        <details class="attach" open=open>
            <summary>"Enviar arquivo"</summary>
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            <form method="post" action=format!("/arquivos/enviar/{lead}") enctype="multipart/form-data"
                class="attach-form" class:dragging=move || dragging.get()
                on:dragover=move |ev| { ev.prevent_default(); set_dragging.set(true); }
                on:dragleave=move |_| set_dragging.set(false)
                on:drop=on_drop>
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="envio" value=token/>
                <div class="field">
                    <label for="campo-arquivo">"Arquivo"</label>
                    <input type="file" id="campo-arquivo" name="arquivo" accept=ACCEPT node_ref=input
                        aria-describedby="arquivo-dica"/>
                    <p class="hint" id="arquivo-dica">
                        "Imagens JPEG ou PNG até 5 MB; PDF, Word, Excel, PowerPoint ou texto até 16 MB. No computador, dá para arrastar o arquivo até aqui."
                    </p>
                    {move || dropped.get().map(|name| view! { <p class="small">{format!("Arquivo escolhido: {name}")}</p> })}
                </div>
                {has_library.then(|| view! {
                    <div class="field">
                        <label for="campo-biblioteca">"Ou um arquivo da biblioteca"</label>
                        <select id="campo-biblioteca" name="biblioteca">
                            <option value="">"Nenhum"</option>
                            {library.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                    </div>
                })}
                <div class="field">
                    <label for="campo-legenda">"Legenda (opcional)"</label>
                    <input id="campo-legenda" name="legenda" maxlength=MAX_CAPTION_CHARS.to_string()
                        value=caption autocomplete="off"/>
                </div>
                <label class="check"><input type="checkbox" name="guardar" value="1"/>" Guardar também na biblioteca"</label>
                <button type="submit">"Enviar arquivo"</button>
            </form>
        </details>
    }
}
