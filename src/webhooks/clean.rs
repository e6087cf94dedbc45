//! What PostgreSQL cannot hold, taken out of a webhook body before it is parsed and stored.
//!
//! JSON may carry text that `jsonb` and `text` refuse: the NUL character (`\u0000`) and
//! UTF-16 surrogate escapes without their pair (`\ud800` alone, which `serde_json` refuses
//! too). Meta passes on whatever a lead typed, so one such message made the whole delivery
//! unstorable: 503, retried forever, every other lead's message in it lost. Each of those
//! escapes becomes U+FFFD (the replacement character), and bytes that are not UTF-8 become it
//! too; everything else is left exactly as it came. The verified bytes themselves are kept
//! beside the cleaned payload (`webhook_events.raw_body`), so nothing is lost for inspection.

use std::borrow::Cow;

const REPLACEMENT: &[u8] = b"\\ufffd";

/// The body with NUL escapes, unpaired surrogate escapes and invalid UTF-8 replaced by
/// U+FFFD. Borrowed when there was nothing to replace (nearly always).
pub fn clean_json(body: &[u8]) -> Cow<'_, [u8]> {
    let text = String::from_utf8_lossy(body);
    if !text.contains("\\u") {
        return match text {
            Cow::Borrowed(_) => Cow::Borrowed(body),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        };
    }
    let bytes = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            if let Some(o) = out.as_mut() {
                o.push(bytes[i]);
            }
            i += 1;
            continue;
        }
        // An escape: `\u` + 4 hex digits is the only one that can hold what we refuse; any
        // other (`\\`, `\"`, `\n`…) is copied as a pair so its second byte is not read as
        // the start of another escape.
        let unit = (bytes.get(i + 1) == Some(&b'u'))
            .then(|| hex_unit(bytes.get(i + 2..i + 6)?))
            .flatten();
        let (keep, len) = match unit {
            Some(0) => (false, 6),
            Some(0xD800..=0xDBFF) => {
                let low = (bytes.get(i + 6..i + 8) == Some(b"\\u"))
                    .then(|| hex_unit(bytes.get(i + 8..i + 12)?))
                    .flatten();
                match low {
                    Some(0xDC00..=0xDFFF) => (true, 12),
                    _ => (false, 6),
                }
            }
            Some(0xDC00..=0xDFFF) => (false, 6),
            Some(_) => (true, 6),
            None => (true, 2.min(bytes.len() - i)),
        };
        if keep {
            if let Some(o) = out.as_mut() {
                o.extend_from_slice(&bytes[i..i + len]);
            }
        } else {
            let o = out.get_or_insert_with(|| bytes[..i].to_vec());
            o.extend_from_slice(REPLACEMENT);
        }
        i += len;
    }
    match (out, text) {
        (Some(o), _) => Cow::Owned(o),
        (None, Cow::Borrowed(_)) => Cow::Borrowed(body),
        (None, Cow::Owned(s)) => Cow::Owned(s.into_bytes()),
    }
}

fn hex_unit(digits: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(digits).ok()?;
    u32::from_str_radix(s, 16).ok()
}

/// `text` cut to at most `max` characters (PostgreSQL's `varchar(n)` counts characters).
pub fn cap_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(body: &[u8]) -> serde_json::Value {
        serde_json::from_slice(&clean_json(body)).expect("cleaned body parses")
    }

    #[test]
    fn leaves_ordinary_bodies_untouched() {
        let body = br#"{"a":"ol\u00e1 \"x\" \\u0000 \ud83d\ude00","b":[1,2]}"#;
        assert!(matches!(clean_json(body), Cow::Borrowed(_)));
        assert_eq!(
            parsed(body)["a"],
            "ol\u{e1} \"x\" \\u0000 \u{1F600}",
            "an escaped backslash before u0000 is text, not an escape"
        );
    }

    #[test]
    fn replaces_nul_and_unpaired_surrogates() {
        let v = parsed(br#"{"t":"a\u0000b","h":"x\ud800y","l":"\udc00","end":"\ud83d"}"#);
        assert_eq!(v["t"], "a\u{FFFD}b");
        assert_eq!(v["h"], "x\u{FFFD}y");
        assert_eq!(v["l"], "\u{FFFD}");
        assert_eq!(v["end"], "\u{FFFD}");
        // What jsonb refuses is gone.
        assert!(!v.to_string().contains("\\u0000"));
    }

    #[test]
    fn replaces_invalid_utf8() {
        let mut body = br#"{"t":"a"#.to_vec();
        body.extend_from_slice(&[0xff, 0xfe]);
        body.extend_from_slice(br#"b"}"#);
        assert_eq!(parsed(&body)["t"], "a\u{FFFD}\u{FFFD}b");
    }

    #[test]
    fn a_truncated_escape_does_not_panic() {
        for body in [&b"\\"[..], b"\\u00", b"\"\\ud800\\u", b"\\ud800\\udc0"] {
            let _ = clean_json(body);
        }
    }

    #[test]
    fn caps_by_characters() {
        assert_eq!(cap_chars("áéíóú", 3), "áéí");
        assert_eq!(cap_chars("ab", 5), "ab");
        assert_eq!(cap_chars(&"x".repeat(10_000), 100).len(), 100);
    }
}
