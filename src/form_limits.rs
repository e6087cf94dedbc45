//! Form posts are bounded and must be text: a post over [`MAX_FORM_BYTES`] is answered 413 and
//! a form whose fields are not UTF-8 400, each with a page in Portuguese, before any handler
//! or server function reads it (they answered 500 to both). Routes that read their own bodies
//! with their own bound (webhooks, the photo upload) are left alone.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

/// The largest form post: far more than any form holds (a flow of 200 steps as JSON is a
/// few hundred KB), far less than memory should hold per request.
pub const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Paths that bound and read their bodies themselves (the uploads: a photo, a file).
const OWN_BODIES: [&str; 4] = [
    "/webhooks/",
    "/configuracoes/foto",
    "/arquivos/enviar/",
    "/arquivos/biblioteca",
];

/// Where the error pages find the app's stylesheet.
#[derive(Clone)]
pub struct ErrorPages {
    pub stylesheet: String,
}

pub async fn check(State(pages): State<ErrorPages>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || OWN_BODIES.iter().any(|p| req.uri().path().starts_with(p)) {
        return next.run(req).await;
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_FORM_BYTES as u64) {
        drain(req.into_body()).await;
        return too_large(&pages);
    }
    let urlencoded = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (parts, body) = req.into_parts();
    // A body without a length (chunked) is read up to the bound and no further.
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return too_large(&pages);
        };
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_FORM_BYTES {
            drain(Body::from_stream(stream)).await;
            return too_large(&pages);
        }
    }
    if urlencoded && !fields_are_utf8(&bytes) {
        return page(
            &pages,
            StatusCode::BAD_REQUEST,
            "Texto ilegível",
            "O formulário chegou com caracteres que não são texto (uma codificação diferente de \
             UTF-8). Volte, digite o texto de novo e envie outra vez.",
        );
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Reads and drops what is left of a refused body, up to [`DRAIN_BYTES`] and
/// [`DRAIN_TIME`]: a browser sends the whole form before it reads the answer, and a
/// connection closed under it shows a network error instead of our page.
async fn drain(body: Body) {
    let mut stream = body.into_data_stream();
    let mut read = 0usize;
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        while let Some(Ok(chunk)) = stream.next().await {
            read += chunk.len();
            if read > DRAIN_BYTES {
                break;
            }
        }
    })
    .await;
}

/// The most of a refused body read only to answer it properly.
const DRAIN_BYTES: usize = 16 * 1024 * 1024;
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(10);

fn too_large(pages: &ErrorPages) -> Response {
    page(
        pages,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Envio grande demais",
        "O formulário passou de 1 MB, muito mais do que qualquer campo aceita. Volte, encurte o \
         texto e envie de novo.",
    )
}

/// Whether every name and value of an `application/x-www-form-urlencoded` body decodes to
/// UTF-8 (`%FF` does not).
fn fields_are_utf8(body: &[u8]) -> bool {
    body.split(|&b| b == b'&').all(|pair| {
        let mut decoded = Vec::with_capacity(pair.len());
        let mut i = 0;
        while i < pair.len() {
            match pair[i] {
                b'%' => match pair
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(byte) => {
                        decoded.push(byte);
                        i += 3;
                        continue;
                    }
                    None => decoded.push(b'%'),
                },
                b'+' => decoded.push(b' '),
                b => decoded.push(b),
            }
            i += 1;
        }
        std::str::from_utf8(&decoded).is_ok()
    })
}

/// A plain page for the refusal (the app's stylesheet, no script).
fn page(pages: &ErrorPages, status: StatusCode, title: &str, text: &str) -> Response {
    let escape = app::components::escape_text;
    let html = format!(
        "<!DOCTYPE html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Consultor</title><link rel=\"stylesheet\" href=\"{css}\"></head>\
         <body><main class=\"narrow center\"><h1>{title}</h1><p>{text}</p>\
         <p><a href=\"/\">Ir para o início</a></p></main></body></html>",
        title = escape(title),
        text = escape(text),
        css = escape(&pages.stylesheet),
    );
    let mut res = (status, html).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_must_decode_to_utf8() {
        assert!(fields_are_utf8(b"nome=Jo%C3%A3o+Silva&bio=ol%C3%A1"));
        assert!(fields_are_utf8(b"a=100%&b=%zz"), "a stray % is text");
        assert!(!fields_are_utf8(b"nome=%FF%FE"));
        assert!(!fields_are_utf8(b"ok=1&nome=Jo%C3"), "a cut sequence");
        assert!(!fields_are_utf8(b"%C3=x"), "names too");
    }
}
