//! Who is asking: client IP and user agent, for the audit log and login throttling.

use axum::extract::ConnectInfo;
use http::request::Parts;
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl RequestMeta {
    pub fn from_parts(parts: &Parts, trust_proxy_headers: bool) -> Self {
        let forwarded = trust_proxy_headers
            .then(|| {
                parts
                    .headers
                    .get("x-forwarded-for")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.split(',').next())
                    .and_then(|v| v.trim().parse::<IpAddr>().ok())
            })
            .flatten();
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let user_agent = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(500).collect());
        Self {
            ip: forwarded.or(peer),
            user_agent,
        }
    }

    /// From inside a server function.
    pub fn current() -> Self {
        let trust = crate::server::app_state()
            .map(|s| s.config.trust_proxy_headers)
            .unwrap_or(false);
        leptos::prelude::use_context::<Parts>()
            .map(|p| Self::from_parts(&p, trust))
            .unwrap_or_default()
    }
}

/// Whether the current request is a plain HTML form post (JavaScript off) rather than a
/// fetch from the hydrated page; the same test leptos_axum uses to redirect back.
pub fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<Parts>()
        .filter(|p| p.method == http::Method::POST)
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}
