//! Refuses state-changing requests that a browser says come from another site.
//!
//! The CSRF token already protects every form; this is the second check, and the one that
//! holds if a token ever leaks: a browser names the page that made a request in `Origin` (and
//! in `Sec-Fetch-Site`), and a post from any origin but the app's own is answered 403 before
//! it reaches a server function or a form handler. Requests without these headers (other
//! programs, and Meta's webhook calls, which have their own signature) are left to the token.

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The app's own origins (`scheme://host[:port]`).
#[derive(Clone, Debug)]
pub struct AppOrigin(pub Vec<String>);

impl AppOrigin {
    /// The origin of the public URL users reach.
    pub fn from_public_url(url: &str) -> Self {
        let url = url.trim_end_matches('/');
        let origin = match url.find("://") {
            Some(i) => match url[i + 3..].find('/') {
                Some(j) => &url[..i + 3 + j],
                None => url,
            },
            None => url,
        };
        Self(vec![origin.to_ascii_lowercase()])
    }

    /// Without a configured public URL (local use), the server on loopback port `port` is
    /// the same app whether the browser calls it 127.0.0.1, localhost or [::1].
    pub fn loopback(port: u16) -> Self {
        Self(
            ["127.0.0.1", "localhost", "[::1]"]
                .iter()
                .map(|h| format!("http://{h}:{port}"))
                .collect(),
        )
    }
}

pub async fn check(State(own): State<AppOrigin>, req: Request, next: Next) -> Response {
    if matches!(
        req.method(),
        &Method::GET | &Method::HEAD | &Method::OPTIONS
    ) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site" || v == "same-site");
    let foreign_origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|o| !own.0.contains(&o.to_ascii_lowercase()));
    if cross_site || foreign_origin {
        tracing::warn!(path = %req.uri().path(), "cross-origin post refused");
        return (
            StatusCode::FORBIDDEN,
            "Pedido recusado: ele não veio de uma página do Consultor.",
        )
            .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_of_a_public_url() {
        assert_eq!(
            AppOrigin::from_public_url("https://Consultor.com.br/").0,
            ["https://consultor.com.br"]
        );
        assert_eq!(
            AppOrigin::from_public_url("https://x.com.br/app").0,
            ["https://x.com.br"]
        );
        assert!(AppOrigin::loopback(3000)
            .0
            .contains(&"http://localhost:3000".to_string()));
    }
}
