//! Percent-encoding for URLs: `wa.me` prefilled texts and the lead filters in the query.

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decoding, with `+` as a space (HTML forms send spaces that way). Invalid
/// sequences are kept as they are; invalid UTF-8 becomes U+FFFD.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_utf8() {
        assert_eq!(encode("Olá, Jo!"), "Ol%C3%A1%2C%20Jo%21");
    }

    #[test]
    fn decodes_what_it_encodes_and_keeps_broken_sequences() {
        let s = "São Paulo & Cia = 100% ;";
        assert_eq!(decode(&encode(s)), s);
        assert_eq!(decode("a%2"), "a%2");
        assert_eq!(decode("a+b%ZZ"), "a b%ZZ");
    }
}
