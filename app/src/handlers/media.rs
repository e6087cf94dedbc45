//! `GET /leads/{lead}/midia/{message}`: a file a lead sent, for the signed-in consultant only
//! (row-level security decides, as everywhere).
//!
//! The file came from outside: it is served with a type from a short list (anything else is
//! a download, `application/octet-stream`), `nosniff`, the closed Content-Security-Policy of
//! non-page routes, and as an attachment unless it is an image, audio or video, so that no
//! file a lead sends can run as a page of the app.

use super::door::SignedIn;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

/// Types shown in the browser; everything else is downloaded.
const INLINE: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/webp",
    "audio/ogg",
    "audio/mpeg",
    "audio/mp4",
    "audio/aac",
    "audio/amr",
    "video/mp4",
    "video/3gpp",
];

pub async fn serve(who: SignedIn, Path((lead, message)): Path<(Uuid, Uuid)>) -> Response {
    let consultant = who.id;
    let row = async {
        let mut tx = who.tenant().await?;
        let row = sqlx::query!(
            r#"select mm.bytes as "bytes!", mm.mime_type, mm.filename, mm.kind
                 from message_media mm
                 join messages m on m.id = mm.message_id and m.consultant_id = mm.consultant_id
                 join conversations cv on cv.id = m.conversation_id and cv.consultant_id = m.consultant_id
                where mm.message_id = $1 and cv.lead_id = $2 and mm.consultant_id = $3
                  and mm.bytes is not null"#,
            message,
            lead,
            consultant
        )
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok::<_, crate::error::AppError>(row)
    }
    .await;
    match row {
        Ok(Some(r)) => {
            let mime = r
                .mime_type
                .as_deref()
                .map(|m| {
                    m.split(';')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_ascii_lowercase()
                })
                .filter(|m| INLINE.contains(&m.as_str()));
            // An ASCII name for every browser, and the real one (RFC 6266's filename*).
            let name = download_name(r.filename.as_deref(), &r.kind);
            let real = crate::domain::percent::encode(r.filename.as_deref().unwrap_or(&name));
            let how = if mime.is_some() {
                "inline"
            } else {
                "attachment"
            };
            let disposition = format!("{how}; filename=\"{name}\"; filename*=UTF-8''{real}");
            (
                [
                    (
                        header::CONTENT_TYPE,
                        mime.unwrap_or_else(|| "application/octet-stream".into()),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::CACHE_CONTROL, "private, max-age=3600".into()),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
                ],
                r.bytes,
            )
                .into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        // A closed account's session: as if signed out (a file, so no sign-in page).
        Err(e) => e.status_response(),
    }
}

/// A file name safe inside a quoted header value: ASCII letters, digits, `.`, `-`, `_`.
pub(super) fn download_name(filename: Option<&str>, kind: &str) -> String {
    let cleaned: String = filename
        .unwrap_or(kind)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if cleaned.trim_matches(['_', '.']).is_empty() {
        kind.to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::download_name;

    #[test]
    fn file_names_cannot_break_the_header() {
        assert_eq!(
            download_name(Some("proposta.pdf"), "document"),
            "proposta.pdf"
        );
        assert_eq!(
            download_name(Some("a\"; x=\"y\r\n.pdf"), "document"),
            "a___x__y__.pdf"
        );
        assert_eq!(download_name(Some("ção.pdf"), "document"), "__o.pdf");
        assert_eq!(download_name(Some("\"\""), "document"), "document");
        assert_eq!(download_name(None, "image"), "image");
    }
}
