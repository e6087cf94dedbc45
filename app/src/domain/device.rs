//! A browser as a person names it ("Chrome no Android", "Safari no iPhone"), from its
//! User-Agent, for the list of signed-in sessions; and the network an address is in, as the
//! approximate place of a session (no address database: the prefix itself).

/// "Navegador no sistema", or "Navegador desconhecido".
pub fn describe(user_agent: &str) -> String {
    let ua = user_agent;
    let has = |s: &str| ua.contains(s);
    let browser = if has("Edg/") || has("EdgA/") || has("EdgiOS/") {
        "Edge"
    } else if has("OPR/") || has("Opera") {
        "Opera"
    } else if has("SamsungBrowser/") {
        "Samsung Internet"
    } else if has("Firefox/") || has("FxiOS/") {
        "Firefox"
    } else if has("Chrome/") || has("CriOS/") || has("Chromium/") {
        "Chrome"
    } else if has("Safari/") {
        "Safari"
    } else {
        return "Navegador desconhecido".into();
    };
    let system = if has("iPhone") {
        "iPhone"
    } else if has("iPad") {
        "iPad"
    } else if has("Android") {
        "Android"
    } else if has("Windows") {
        "Windows"
    } else if has("Mac OS X") || has("Macintosh") {
        "Mac"
    } else if has("CrOS") {
        "Chromebook"
    } else if has("Linux") {
        "Linux"
    } else {
        return browser.into();
    };
    format!("{browser} no {system}")
}

/// The network of an address, as shown: IPv4 by its /24 (`203.0.113.0/24`), IPv6 by its /48.
pub fn network(ip: &str) -> Option<String> {
    let ip: std::net::IpAddr = ip.split('/').next()?.parse().ok()?;
    Some(match ip {
        std::net::IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.0/24", o[0], o[1], o[2])
        }
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_common_browsers() {
        let android = "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
        assert_eq!(describe(android), "Chrome no Android");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
        assert_eq!(describe(iphone), "Safari no iPhone");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
        assert_eq!(describe(edge), "Edge no Windows");
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(describe(firefox), "Firefox no Linux");
        assert_eq!(describe("curl/8.5"), "Navegador desconhecido");
    }

    #[test]
    fn shows_the_network_not_the_address() {
        assert_eq!(network("203.0.113.77").as_deref(), Some("203.0.113.0/24"));
        assert_eq!(
            network("2001:db8:1234:5678::1").as_deref(),
            Some("2001:db8:1234::/48")
        );
        assert_eq!(
            network("2001:db8:1234:5678::/64").as_deref(),
            Some("2001:db8:1234::/48")
        );
        assert_eq!(network("nada"), None);
    }
}
