//! Every HTTP request counted by route, method and status, and timed by route (to the
//! response's head: a streamed export's body is not waited for).

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

pub const REQUESTS: &str = "consultor_http_requests_total";
pub const REQUEST_DURATION: &str = "consultor_http_request_duration_seconds";

pub async fn record(request: Request, next: Next) -> Response {
    let started = Instant::now();
    // The route's pattern ("/leads/{id}"), never the path itself: one series per route, and
    // no lead's id in a label. What no route matched (the site's files, the 404 page) is one.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(sem rota)".to_string(), |p| p.as_str().to_string());
    let method = request.method().as_str().to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!(REQUEST_DURATION, "route" => route).record(started.elapsed());
    response
}
