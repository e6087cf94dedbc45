//! Settings › "Arquivos": the library of files the consultant sends often (a price table, a
//! brochure), picked in a lead's reply box, and the plan's space they take. Plain forms
//! (`handlers::files`): an upload and a button per file.

use crate::api::feedback::FormContext;
use crate::api::files::FileLibrary;
use crate::domain::attachment::ACCEPT;
use leptos::prelude::*;

#[component]
pub fn FilesSection(library: FileLibrary, st: FormContext) -> impl IntoView {
    let error = st.feedback.as_ref().and_then(|f| f.error.clone());
    let success = st.feedback.as_ref().and_then(|f| f.success.clone());
    let csrf = st.csrf;
    let rows = library
        .files
        .iter()
        .map(|f| {
            view! {
                <li class="session">
                    <p><strong>{f.name.clone()}</strong></p>
                    <p class="hint">{format!("{} · guardado em {}", f.about, f.added)}</p>
                    <p class="small"><a href=format!("/arquivos/{}", f.id) download="">"Baixar"</a></p>
                    <form method="post" action="/arquivos/excluir">
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <input type="hidden" name="id" value=f.id.clone()/>
                        <button type="submit" class="button-secondary"
                            aria-label=format!("Retirar {} da biblioteca", f.name)>"Retirar"</button>
                    </form>
                </li>
            }
        })
        .collect_view();
    let empty = library.files.is_empty();
    view! {
        <section id="arquivos" aria-labelledby="arquivos-titulo">
            <h2 id="arquivos-titulo">"Arquivos"</h2>
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> })}
            {success.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            <p class="hint">
                "Arquivos que você envia sempre (tabela de preços, folheto, fotos de um imóvel): guarde aqui e escolha na resposta de qualquer lead, sem enviar de novo. "
                "Imagens JPEG ou PNG até 5 MB; PDF, Word, Excel, PowerPoint ou texto até 16 MB."
            </p>
            <p class="files-usage">
                <span id="arquivos-espaco">{format!("Espaço do plano: {}", library.usage)}</span>
                <meter min="0" max="100" value=library.percent.to_string() aria-labelledby="arquivos-espaco"></meter>
            </p>
            <form method="post" action="/arquivos/biblioteca" enctype="multipart/form-data" class="files-form">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <div class="field">
                    <label for="biblioteca-arquivo">"Novo arquivo da biblioteca"</label>
                    <input type="file" id="biblioteca-arquivo" name="arquivo" accept=ACCEPT required/>
                </div>
                <button type="submit">"Guardar na biblioteca"</button>
            </form>
            {if empty {
                view! { <p class="hint">"Nenhum arquivo na biblioteca ainda."</p> }.into_any()
            } else {
                view! { <ul class="sessions" aria-label="Arquivos da biblioteca">{rows}</ul> }.into_any()
            }}
        </section>
    }
}
