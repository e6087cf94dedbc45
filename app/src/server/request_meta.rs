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
    /// With `trust_proxy_headers` (one trusted reverse proxy in front), the client is the
    /// address that proxy appended: the *last* `X-Forwarded-For` entry. Anything before it
    /// was sent by the client itself and is not believed: a client choosing its own address
    /// would pick a fresh one for every login attempt.
    pub fn from_parts(parts: &Parts, trust_proxy_headers: bool) -> Self {
        let forwarded = trust_proxy_headers
            .then(|| {
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .next_back()
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.rsplit(',').next())
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

    /// The address as the login throttle counts it: an IPv4 address, or the /64 an IPv6
    /// address is in (one subscriber usually holds a whole /64, and would otherwise have
    /// 2^64 addresses to try from).
    pub fn throttle_key(&self) -> Option<String> {
        self.ip.map(|ip| match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                    format!("{net}/64")
                }
            },
        })
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

/// The path (and query) of the page this request came from, when it is a page of this site.
pub fn referer_path() -> Option<String> {
    let parts = leptos::prelude::use_context::<Parts>()?;
    parts
        .headers
        .get(http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.parse::<http::Uri>().ok())
        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(xff: &[&str], peer: &str) -> RequestMeta {
        let mut req = http::Request::builder();
        for v in xff {
            req = req.header("x-forwarded-for", *v);
        }
        let (mut parts, ()) = req.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        RequestMeta::from_parts(&parts, true)
    }

    #[test]
    fn believes_only_what_the_proxy_appended() {
        // The client wrote 1.2.3.4; the proxy appended the address it saw.
        let m = meta(&["1.2.3.4, 203.0.113.9"], "10.0.0.1:4000");
        assert_eq!(m.ip, Some("203.0.113.9".parse().unwrap()));
        let m = meta(&["1.2.3.4", "198.51.100.7"], "10.0.0.1:4000");
        assert_eq!(m.ip, Some("198.51.100.7".parse().unwrap()));
        let m = meta(&[], "10.0.0.1:4000");
        assert_eq!(m.ip, Some("10.0.0.1".parse().unwrap()));
        let (parts, ()) = http::Request::builder()
            .header("x-forwarded-for", "1.2.3.4")
            .body(())
            .unwrap()
            .into_parts();
        assert_eq!(
            RequestMeta::from_parts(&parts, false).ip,
            None,
            "untrusted header"
        );
    }

    #[test]
    fn ipv6_is_counted_per_64() {
        let key = |ip: &str| {
            RequestMeta {
                ip: Some(ip.parse().unwrap()),
                user_agent: None,
            }
            .throttle_key()
            .unwrap()
        };
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:ffff:1:2:3"), key("2001:db8:1:2::9"));
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(key("203.0.113.9"), "203.0.113.9");
    }
}
