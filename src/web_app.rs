//! The installable web app: the manifest (name, icons, colours, the page it opens on) and
//! the service worker (notifications only: it caches nothing), each with the headers it
//! needs. The files live in `public/`; they are served from here so that their types and
//! policies are never left to a guess.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

const SERVICE_WORKER: &str = include_str!("../public/sw.js");
const MANIFEST: &str = include_str!("../public/manifest.webmanifest");

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/sw.js", get(service_worker))
        .route("/manifest.webmanifest", get(manifest))
}

async fn service_worker() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // A new version reaches phones at their next visit.
            (CACHE_CONTROL, "no-cache"),
            // The worker's own policy: it may show this site's icons and open its pages, and
            // load nothing from anywhere else.
            (CONTENT_SECURITY_POLICY, "default-src 'self'"),
        ],
        SERVICE_WORKER,
    )
}

async fn manifest() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "application/manifest+json"),
            (CACHE_CONTROL, "no-cache"),
        ],
        MANIFEST,
    )
}
