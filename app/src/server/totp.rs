//! Codes of an authenticator app (TOTP, RFC 6238: HMAC-SHA1 over 30-second steps, 6 digits,
//! as Google Authenticator, Microsoft Authenticator and 1Password compute them), the key in
//! the Base32 they read, the `otpauth://` link a phone opens them with, and a QR code of it
//! as SVG for a computer's screen.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds a code lasts.
pub const STEP_SECS: i64 = 30;
/// The key's length: 160 bits, as RFC 4226 recommends.
pub const KEY_BYTES: usize = 20;

/// A fresh random key.
pub fn new_key() -> Vec<u8> {
    use rand::RngCore;
    let mut key = vec![0u8; KEY_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut key);
    key
}

/// The code for one step (RFC 4226's dynamic truncation).
pub fn code_at_step(key: &[u8], step: i64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let bin = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    bin % 1_000_000
}

/// The step a typed code belongs to, if it is right for the step of `unix_secs` or the one
/// before or after (a phone's clock a little off), and later than `last_used` (a code works
/// once). Spaces and a dash are allowed, as apps show "123 456".
pub fn accept(key: &[u8], typed: &str, unix_secs: i64, last_used: Option<i64>) -> Option<i64> {
    let digits: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let typed: u32 = digits.parse().ok()?;
    let now = unix_secs.div_euclid(STEP_SECS);
    [now - 1, now, now + 1]
        .into_iter()
        .filter(|s| last_used.is_none_or(|used| *s > used))
        .find(|s| code_at_step(key, *s) == typed)
}

/// RFC 4648 Base32, without padding, in groups of four for reading aloud or typing.
pub fn base32(key: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in key {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Base32 in groups of four ("ABCD EFGH …").
pub fn grouped(key: &[u8]) -> String {
    base32(key)
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The link an authenticator app opens (`otpauth://totp/Consultor:email?secret=…`).
pub fn otpauth_uri(key: &[u8], account: &str) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/Consultor:{}?secret={}&issuer=Consultor&algorithm=SHA1&digits=6&period={STEP_SECS}",
        encode(account),
        base32(key)
    )
}

/// A QR code of `text` as an SVG image (black modules on white, a quiet zone of 4).
pub fn qr_svg(text: &str) -> String {
    use qrcodegen::{QrCode, QrCodeEcc};
    let Ok(qr) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return String::new();
    };
    let size = qr.size();
    let border = 4;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    let dim = size + 2 * border;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {dim} {dim}\" \
         shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"Código QR da chave\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 (8 digits there; these are the last six).
    #[test]
    fn matches_the_rfc_test_vectors() {
        let key = b"12345678901234567890";
        for (time, code) in [
            (59, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(
                code_at_step(key, time / STEP_SECS),
                code % 1_000_000,
                "{time}"
            );
        }
    }

    #[test]
    fn accepts_the_neighbouring_steps_once() {
        let key = b"12345678901234567890";
        let now = 1_234_567_890;
        let step = now / STEP_SECS;
        let code = format!("{:06}", code_at_step(key, step));
        assert_eq!(accept(key, &code, now, None), Some(step));
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(
            accept(key, &spaced, now + 30, None),
            Some(step),
            "a step late"
        );
        assert_eq!(accept(key, &code, now + 90, None), None, "too late");
        assert_eq!(accept(key, &code, now, Some(step)), None, "used already");
        assert_eq!(accept(key, "12345", now, None), None);
        assert_eq!(accept(key, "abcdef", now, None), None);
    }

    #[test]
    fn base32_as_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(grouped(b"foobar"), "MZXW 6YTB OI");
        assert!(otpauth_uri(b"foobar", "ana+1@x.com").starts_with(
            "otpauth://totp/Consultor:ana%2B1@x.com?secret=MZXW6YTBOI&issuer=Consultor"
        ));
    }

    #[test]
    fn draws_a_qr_code() {
        let svg = qr_svg("otpauth://totp/Consultor:a@b.c?secret=MZXW6YTBOI");
        assert!(svg.starts_with("<svg") && svg.contains("<path d=\"M"));
    }
}
