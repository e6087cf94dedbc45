//! The consultant's files: attaching one to a reply (`POST /arquivos/enviar/{lead}`), the
//! library in Settings (`POST /arquivos/biblioteca`, `POST /arquivos/excluir`), and opening
//! one (`GET /arquivos/{id}`). Uploads are multipart forms that work without JavaScript; the
//! CSRF token is a field of the body, checked once it is read. A file's type is read from
//! its bytes and checked against WhatsApp's limits before anything is stored or sent.

use super::door::{SignedIn, SignedInForm};
use crate::domain::attachment::{self, classify, MAX_CAPTION_CHARS, MAX_DOCUMENT_BYTES};
use crate::domain::flow::Outgoing;
use crate::error::AppError;
use crate::server::{conversations, csrf, files, flash, leads, messages, tenant};
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

/// A body holds one file and a few short fields.
pub const BODY_LIMIT: usize = MAX_DOCUMENT_BYTES + 64 * 1024;

/// What an upload form carried.
#[derive(Default)]
struct Upload {
    csrf: String,
    /// The form's token: the same post twice sends once.
    token: Option<Uuid>,
    file: Option<(String, Vec<u8>)>,
    /// A library file chosen instead of an upload.
    library: Option<Uuid>,
    caption: String,
    keep: bool,
}

async fn read(multipart: Result<Multipart, MultipartRejection>) -> Result<Upload, AppError> {
    let too_big = || {
        AppError::invalid(format!(
            "O arquivo passa de {}: envie um menor.",
            attachment::size_label(MAX_DOCUMENT_BYTES as i64)
        ))
    };
    let mut multipart = multipart.map_err(|_| AppError::invalid("Envio inválido."))?;
    let mut up = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(|_| too_big())? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "arquivo" {
            let filename = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|_| too_big())?;
            if !bytes.is_empty() {
                up.file = Some((filename, bytes.to_vec()));
            }
            continue;
        }
        let text = field.text().await.map_err(|_| too_big())?;
        match name.as_str() {
            "csrf" => up.csrf = text,
            "envio" => up.token = text.trim().parse().ok(),
            "biblioteca" => up.library = text.trim().parse().ok(),
            "legenda" => up.caption = text,
            "guardar" => up.keep = text == "1",
            _ => {}
        }
    }
    Ok(up)
}

/// `POST /arquivos/enviar/{lead}`: a file (uploaded, or from the library) with an optional
/// caption, to a lead inside WhatsApp's window. Like a reply, it takes the conversation over.
pub async fn send(
    who: SignedIn,
    Path(lead): Path<Uuid>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut caption_typed = String::new();
    let result: Result<String, AppError> = async {
        let up = read(multipart).await?;
        caption_typed = up.caption.clone();
        csrf::verify(&who.session, &up.csrf).await?;
        let caption = up.caption.trim();
        crate::domain::text::printable("Legenda", caption, crate::domain::text::Lines::Many)
            .map_err(AppError::invalid)?;
        if caption.chars().count() > MAX_CAPTION_CHARS {
            return Err(AppError::invalid(format!(
                "A legenda pode ter até {MAX_CAPTION_CHARS} caracteres (limite do WhatsApp)."
            )));
        }
        // Checked before anything is opened: a wrong file is refused as it is.
        let upload = match up.file {
            Some((name, bytes)) => {
                Some((classify(&name, &bytes).map_err(AppError::invalid)?, bytes))
            }
            None => None,
        };
        let mut tx = who.tenant().await?;
        let conversation = crate::api::lead::open_conversation(&mut tx, lead).await?;
        let (file, media, name) = match (upload, up.library) {
            (Some((kind, bytes)), _) => {
                files::check_room(&mut tx, bytes.len())
                    .await?
                    .map_err(AppError::invalid)?;
                let id = files::insert(&mut tx, &kind, &bytes, up.keep).await?;
                (id, kind.kind.code().to_string(), kind.name)
            }
            (None, Some(chosen)) => {
                let f = files::in_library(&mut tx, chosen).await?.ok_or_else(|| {
                    AppError::invalid("Este arquivo não está mais na sua biblioteca.")
                })?;
                (f.id, f.kind, f.name)
            }
            (None, None) => {
                return Err(AppError::invalid(
                    "Escolha um arquivo para enviar, ou um da sua biblioteca.",
                ))
            }
        };
        let message = Outgoing::File {
            file: file.to_string(),
            media,
            name: name.clone(),
            caption: Some(caption.to_string()).filter(|c| !c.is_empty()),
        };
        if messages::queue_file(&mut tx, conversation, &message, up.token)
            .await?
            .is_none()
        {
            // The same form again (a double tap, the back button): sent once already, and
            // the file stored by this post goes with the rollback.
            tx.rollback().await?;
            return Ok(format!("Arquivo \"{name}\" enviado."));
        }
        conversations::take_over(&mut tx, conversation).await?;
        leads::touch(&mut tx, lead).await?;
        tenant::audit_in(
            &mut tx,
            &who.meta,
            "lead_file_sent",
            "lead",
            Some(lead),
            serde_json::json!({ "file": file }),
        )
        .await?;
        tx.commit().await?;
        who.state.outbox.wake();
        Ok(format!("Arquivo \"{name}\" enviado."))
    }
    .await;
    let values = vec![
        ("origem".to_string(), "arquivo".to_string()),
        ("legenda".to_string(), caption_typed),
    ];
    let to = format!("/leads/{lead}#resposta");
    flash::redirect_with(&who.session, "lead", values, result, &to).await
}

/// `POST /arquivos/biblioteca`: a file added to the library, within the plan's space.
pub async fn add(who: SignedIn, multipart: Result<Multipart, MultipartRejection>) -> Response {
    let result: Result<String, AppError> = async {
        let up = read(multipart).await?;
        csrf::verify(&who.session, &up.csrf).await?;
        let (name, bytes) = up
            .file
            .ok_or_else(|| AppError::invalid("Escolha um arquivo para guardar."))?;
        let kind = classify(&name, &bytes).map_err(AppError::invalid)?;
        let mut tx = who.tenant().await?;
        files::check_room(&mut tx, bytes.len())
            .await?
            .map_err(AppError::invalid)?;
        files::insert(&mut tx, &kind, &bytes, true).await?;
        tx.commit().await?;
        Ok(format!("\"{}\" guardado na biblioteca.", kind.name))
    }
    .await;
    back_to_library(&who, result).await
}

/// `POST /arquivos/excluir` (`id`): out of the library.
pub async fn remove(SignedInForm { who, fields }: SignedInForm) -> Response {
    let result: Result<String, AppError> = async {
        let id: Uuid = fields
            .get("id")
            .parse()
            .map_err(|_| AppError::invalid("Arquivo inválido."))?;
        let mut tx = who.tenant().await?;
        if !files::remove_from_library(&mut tx, id).await? {
            return Err(AppError::invalid(
                "Este arquivo não está na sua biblioteca.",
            ));
        }
        tx.commit().await?;
        Ok("Arquivo retirado da biblioteca.".to_string())
    }
    .await;
    back_to_library(&who, result).await
}

/// Settings › Arquivos, with the outcome of its form.
async fn back_to_library(who: &SignedIn, result: Result<String, AppError>) -> Response {
    flash::redirect_with(
        &who.session,
        "arquivos",
        Vec::new(),
        result,
        "/configuracoes#arquivos",
    )
    .await
}

/// `GET /arquivos/{id}`: the consultant's own file. An image opens in the browser; anything
/// else is a download, never a page of the app.
pub async fn serve(who: SignedIn, Path(id): Path<Uuid>) -> Response {
    let found = async {
        let mut tx = who.tenant().await?;
        let found = files::read(&mut tx, id).await?;
        tx.commit().await?;
        Ok::<_, AppError>(found)
    }
    .await;
    match found {
        Ok(Some((name, mime, bytes))) => {
            let inline = matches!(mime.as_str(), "image/jpeg" | "image/png");
            let safe = super::media::download_name(Some(&name), "arquivo");
            let real = crate::domain::percent::encode(&name);
            let how = if inline { "inline" } else { "attachment" };
            (
                [
                    (header::CONTENT_TYPE, mime),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("{how}; filename=\"{safe}\"; filename*=UTF-8''{real}"),
                    ),
                    (header::CACHE_CONTROL, "private, max-age=3600".into()),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
                ],
                bytes,
            )
                .into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => e.status_response(),
    }
}
