//! Response headers every page and route gets, so that browsers hold the app to what it
//! does: no content-type guessing, no framing by other sites (clickjacking on the settings
//! and login forms), no full URLs leaked to other origins, no camera or microphone.
//! A header a handler set itself (the photo route sets nosniff too) is left as it is.

use axum::http::header::{
    HeaderName, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::response::Response;

const HEADERS: [(HeaderName, &str); 5] = [
    (X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (X_FRAME_OPTIONS, "DENY"),
    // Same-origin requests keep the full URL: JavaScript-off form posts are redirected back
    // to their page by it.
    (REFERRER_POLICY, "strict-origin-when-cross-origin"),
    (
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    ),
    // Pages set their own policy with a nonce (app::server::content_policy); whatever else
    // answers (JSON, CSV, photos, webhooks) is never a document that should run anything.
    (
        CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    ),
];

pub async fn add(mut res: Response) -> Response {
    let headers = res.headers_mut();
    for (name, value) in HEADERS {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    res
}
