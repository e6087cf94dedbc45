//! How long browsers may keep the site's files. A file whose name carries a hash of its
//! content (`consultor.<16 hex>.wasm`, written by `make build-release`) never changes under
//! that name, so browsers keep it a year without asking again; any other file (the unhashed
//! names of the debug build, the favicon) is checked with the server on each use, so a new
//! build is never hidden behind an old copy. Pages and other answers are left as they are.

use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

const FOREVER: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Files served from the site root: the bundle's folder and the public files.
fn is_site_file(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/icons/")
        || matches!(path, "/favicon.svg" | "/push.js")
}

/// `name.<16 hex digits>.ext`, as the release build names what it hashed.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.split('.');
    let (_stem, hash) = (parts.next(), parts.next());
    parts.next().is_some()
        && hash.is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub async fn set(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let cacheable = matches!(res.status(), StatusCode::OK | StatusCode::NOT_MODIFIED);
    if cacheable && is_site_file(&path) && !res.headers().contains_key(CACHE_CONTROL) {
        let value = if is_hashed(&path) {
            FOREVER
        } else {
            REVALIDATE
        };
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

/// What goes out compressed: pages and the site's text files, when larger than a packet's
/// worth. Downloads (CSV, ZIP, JSON attachments) go as they are: Chromium cancelled a
/// compressed CSV export mid-way (leads.spec, "export downloads those rows").
pub fn worth_compressing(
    status: axum::http::StatusCode,
    _: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    use axum::http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
    let kind = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let text = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "image/svg+xml",
    ]
    .iter()
    .any(|t| kind.starts_with(t));
    let small = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n < 1024);
    !status.is_informational() && text && !small && !headers.contains_key(CONTENT_DISPOSITION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_with_a_content_hash_are_kept_for_a_year() {
        assert!(is_hashed("/pkg/consultor.0123456789abcdef.wasm"));
        assert!(is_hashed("/pkg/consultor.0123456789abcdef.css"));
        assert!(!is_hashed("/pkg/consultor.wasm"));
        assert!(!is_hashed("/pkg/consultor.css"));
        assert!(!is_hashed("/pkg/consultor.0123456789abcdeg.js"));
        assert!(!is_hashed("/pkg/consultor.0123456789abcde.js"));
        assert!(!is_hashed("/pkg/0123456789abcdef.js"));
    }
}
