//! `X-Hub-Signature-256`: HMAC-SHA256 of the raw body with the app secret, compared in
//! constant time, before anything looks at the body.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `header` is the whole header value, `sha256=<hex>`.
pub fn verify(app_secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    let Some(hex) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(expected) = hex::decode(hex) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// The header value for `body` (tests and the benchmark sign what they send).
pub fn sign(app_secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies() {
        let sig = sign(b"segredo", b"{\"a\":1}");
        assert!(verify(b"segredo", b"{\"a\":1}", Some(&sig)));
        assert!(!verify(b"segredo", b"{\"a\":2}", Some(&sig)));
        assert!(!verify(b"outro", b"{\"a\":1}", Some(&sig)));
        assert!(!verify(b"segredo", b"{\"a\":1}", None));
        assert!(!verify(b"segredo", b"{\"a\":1}", Some("sha1=abc")));
        assert!(!verify(b"segredo", b"{\"a\":1}", Some("sha256=zz")));
        // A known vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
        assert_eq!(
            sign(b"key", b"The quick brown fox jumps over the lazy dog"),
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }
}
