//! Profile photo upload and serving: plain axum routes, because a file upload is a
//! multipart form that must work without JavaScript.

use super::door::SignedIn;
use crate::error::AppError;
use crate::feedback::FormFeedback;
use crate::server::{csrf, db, flash, AppState};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;
use uuid::Uuid;

pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// The multipart body may carry the CSRF field and headers besides the file.
pub const BODY_LIMIT: usize = MAX_BYTES + 64 * 1024;

/// Detects the image type from the file's first bytes; the browser's claimed type and the
/// file name are not trusted.
pub fn sniff_image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

async fn store_feedback(session: &Session, result: Result<(), AppError>) {
    let feedback = FormFeedback {
        form: "foto".into(),
        success: result.is_ok().then(|| "Foto atualizada.".to_string()),
        error: result.err(),
        values: Vec::new(),
    };
    flash::put(session, feedback).await;
}

/// `POST /configuracoes/foto` (multipart: `csrf`, `foto`). Always redirects back to the
/// settings page, with the outcome in the flash.
/// The CSRF token is a field of the multipart body, so it is checked once the body is read
/// (the form door reads plain forms only).
pub async fn upload(
    who: SignedIn,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = save(&who.state, &who.session, who.id, multipart).await;
    store_feedback(&who.session, result).await;
    Redirect::to("/configuracoes").into_response()
}

async fn save(
    state: &AppState,
    session: &Session,
    consultant_id: Uuid,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(), AppError> {
    let too_big = || AppError::invalid("A foto pode ter no máximo 2 MB.");
    let mut multipart = multipart.map_err(|_| AppError::invalid("Envio inválido."))?;
    let mut token = None;
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| too_big())? {
        match field.name() {
            Some("csrf") => token = Some(field.text().await.map_err(|_| too_big())?),
            Some("foto") => {
                let bytes = field.bytes().await.map_err(|_| too_big())?;
                file = Some(bytes.to_vec());
            }
            _ => {}
        }
    }
    csrf::verify(session, token.as_deref().unwrap_or_default()).await?;
    let bytes = file
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AppError::invalid("Escolha uma foto para enviar."))?;
    if bytes.len() > MAX_BYTES {
        return Err(too_big());
    }
    let content_type = sniff_image_type(&bytes)
        .ok_or_else(|| AppError::invalid("Envie uma imagem JPEG, PNG ou WebP."))?;

    let mut tx = db::tenant_tx(&state.pool, consultant_id).await?;
    sqlx::query!(
        "insert into consultant_photos (consultant_id, content_type, bytes) values ($1, $2, $3)
         on conflict (consultant_id) do update
            set content_type = excluded.content_type, bytes = excluded.bytes",
        consultant_id,
        content_type,
        &bytes
    )
    .execute(&mut *tx)
    .await?;
    // The version in the URL makes browsers and link previews fetch the new photo.
    sqlx::query!(
        "update consultants set profile_image_url = '/fotos/' || id || '?v=' || extract(epoch from now())::bigint
         where id = $1",
        consultant_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `GET /fotos/{consultant_id}`: public, like the profile page that shows it.
pub async fn serve(State(state): State<AppState>, Path(id): Path<Uuid>) -> Response {
    let row = async {
        let mut tx = db::system_tx(&state.pool).await?;
        let row = sqlx::query!(
            "select p.content_type, p.bytes from consultant_photos p
             join consultants c on c.id = p.consultant_id
             where p.consultant_id = $1 and c.is_active",
            id
        )
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| (r.content_type, r.bytes));
        tx.commit().await?;
        Ok::<_, sqlx::Error>(row)
    }
    .await;
    match row {
        Ok(Some((content_type, bytes))) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=300".to_string()),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "photo read failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_types() {
        assert_eq!(
            sniff_image_type(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff_image_type(b"\x89PNG\r\n\x1a\n...."),
            Some("image/png")
        );
        assert_eq!(
            sniff_image_type(b"RIFF\0\0\0\0WEBPVP8 "),
            Some("image/webp")
        );
        assert_eq!(sniff_image_type(b"GIF89a"), None);
        assert_eq!(sniff_image_type(b"<svg"), None);
    }
}
